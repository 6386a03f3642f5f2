#!/usr/bin/env bash
# Builds Acompaña's Linux packages (make bundle): a .deb and an .rpm with the desktop app, the
# `acompana` command line, the icons, a desktop entry in Spanish (with Portuguese and English),
# the licence and the staff guides. Release profile; the packages land in
# target/release/bundle/{deb,rpm}/.
#
# The .deb's Depends (src-tauri/tauri.bundle.json) are what dpkg-shlibdeps finds the two programs
# need; make bundle-check fails when a library they load comes from a package not named there.
# A Debian package's name is ASCII, so the packages are named `acompana` (tauri.bundle.json);
# the menu and the window still say Acompaña.
# The bundler's own command line comes from the npm registry (packaging/package.json, pinned to
# the Tauri release in Cargo.lock). AppImage is not built: its bundler downloads linuxdeploy and
# its plugins from outside the package registries, which these machines cannot reach.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

scripts/install-deps.sh build
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund)
fi
(cd ui && npm run build)
if [ ! -f packaging/node_modules/.package-lock.json ] || [ packaging/package-lock.json -nt packaging/node_modules/.package-lock.json ]; then
  (cd packaging && npm ci --no-audit --no-fund)
fi

# The command line goes into the packages beside the app (tauri.bundle.json maps it to
# /usr/bin/acompana); the bundler builds the app itself. Built apart, as the bundler builds the
# app apart: building both at once would unify their features into a third set of builds.
cargo build --release --locked -p acompana-cli
packaging/node_modules/.bin/tauri build --config src-tauri/tauri.bundle.json --bundles deb,rpm \
  -- --locked

echo
for package in target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm; do
  printf '%s  %s bytes (%s MB)\n' "$package" "$(stat -c %s "$package")" \
    "$(awk -v b="$(stat -c %s "$package")" 'BEGIN { printf "%.1f", b / 1000000 }')"
done
