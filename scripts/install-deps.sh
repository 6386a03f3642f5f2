#!/usr/bin/env bash
# Installs what building, running and testing Acompaña needs on Debian 12, only what is missing,
# so that running it again costs a second.
#   scripts/install-deps.sh build   Debian packages to build and run the desktop app
#   scripts/install-deps.sh test    the above, plus Xvfb, WebKitWebDriver and tauri-driver
# Node.js (>= 20.19) and the Rust toolchain come with the machine; Debian 12's own nodejs is too
# old for the UI, so a missing or old Node is reported rather than installed.
set -euo pipefail
what="${1:-build}"
case "$what" in
  build | test) ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

tauri_driver_version=2.0.4

# WebKitGTK 4.1 and GTK 3 for the webview, librsvg for icons, a C toolchain and perl for the
# vendored OpenSSL that SQLCipher is built against.
build_packages=(pkg-config build-essential perl make file libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev)
# A virtual display, the WebDriver for WebKitGTK that tauri-driver drives, and fonts for
# legible screenshots.
# Python's venv for the test that opens sync files with an independent age implementation.
test_packages=(xvfb webkit2gtk-driver fonts-dejavu-core python3 python3-venv)

packages=("${build_packages[@]}")
if [ "$what" = test ]; then packages+=("${test_packages[@]}"); fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  as_root=()
  if [ "$(id -u)" != 0 ]; then as_root=(sudo); fi
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" </dev/null
fi

for tool in cargo node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "error: '$tool' is not on PATH; this machine should come with Rust and Node.js 20+" >&2
    exit 1
  fi
done
node_version="$(node --version)"
node_major="${node_version#v}"
node_major="${node_major%%.*}"
if [ "$node_major" -lt 20 ]; then
  echo "error: Node.js $node_version is too old; the UI needs 20.19 or newer" >&2
  exit 1
fi

if [ "$what" = test ]; then
  if ! cargo install --list | grep -q "^tauri-driver v${tauri_driver_version}:"; then
    echo "Installing tauri-driver ${tauri_driver_version}"
    cargo install tauri-driver --locked --version "$tauri_driver_version"
  fi
  # pyrage (Python bindings of another age implementation) opens the sync files in
  # tests/sync_interop.rs, to show that the container is plain age.
  pyrage_version=1.4.0
  venv=".venv-tests"
  if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('pyrage') != '$pyrage_version')" 2>/dev/null; then
    echo "Installing pyrage ${pyrage_version} into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pyrage==${pyrage_version}"
  fi
fi
