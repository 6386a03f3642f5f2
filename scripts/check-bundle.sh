#!/usr/bin/env bash
# Checks the .deb that scripts/bundle.sh built (make bundle-check):
#   1. its size is within budget (15 MB) and what takes the space;
#   2. installed with apt into a clean Debian 12 root made by debootstrap, every shared library
#      of every program in it resolves (ldd), and every library a program names directly
#      (NEEDED) belongs to a package the .deb declares in Depends;
#   3. the command line answers, and the desktop app starts under a virtual display in that
#      root and is still running ten seconds later;
#   4. the .rpm requires, by soname, every library its programs name directly.
# Needs root (debootstrap, chroot) and Debian's package mirror. Without them it falls back to
# `dpkg -x` plus ldd against this machine's libraries, says so, and checks the same rules.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

budget=15000000
deb="$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)"
[ -n "$deb" ] || { echo "error: no .deb in target/release/bundle/deb; run make bundle" >&2; exit 1; }
deb="$(realpath "$deb")"
size="$(stat -c %s "$deb")"
echo "== $deb: $size bytes"
echo "-- the largest files inside (installed size):"
dpkg-deb -c "$deb" | awk '{ print $3, $6 }' | sort -rn | head -n 8
if [ "$size" -gt "$budget" ]; then
  echo "error: the .deb is $size bytes, over the budget of $budget" >&2
  exit 1
fi

depends="$(dpkg-deb -f "$deb" Depends)"
echo "-- Depends: $depends"
# Package names only: "libgtk-3-0 (>= 3.24), libc6" -> one name per line.
declared="$(tr ',|' '\n\n' <<<"$depends" | sed -e 's/(.*)//' -e 's/:.*//' -e 's/ //g' | sort -u)"

work="$(mktemp -d -t acompana-bundle.XXXXXX)"
root="$work/root"
mounted=""
cleanup() {
  if [ -n "$mounted" ]; then umount "$root/proc" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Programs in the package and the libraries they name directly.
mkdir -p "$work/extract"
dpkg-deb -x "$deb" "$work/extract"
programs=()
while IFS= read -r file; do
  if file -b "$file" | grep -q '^ELF'; then programs+=("${file#"$work/extract"}"); fi
done < <(find "$work/extract" -type f -perm -u+x)
[ "${#programs[@]}" -ge 2 ] || { echo "error: expected the app and the command line in the .deb, found: ${programs[*]}" >&2; exit 1; }
echo "-- programs: ${programs[*]}"

clean_root=0
if [ "$(id -u)" = 0 ]; then
  command -v debootstrap >/dev/null 2>&1 ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap </dev/null
  # The mirror this machine's apt already uses (deb822 sources, else the one-line form).
  mirror="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
  [ -n "$mirror" ] ||
    mirror="$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
      /etc/apt/sources.list 2>/dev/null || true)"
  if [ -z "$mirror" ]; then
    echo "warning: apt names no Debian mirror; falling back to dpkg -x and this machine's libraries" >&2
  elif echo "== making a clean Debian 12 root from $mirror" &&
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1; then
    clean_root=1
  else
    tail -n 20 "$work/debootstrap.log" >&2
    echo "warning: debootstrap failed; falling back to dpkg -x and this machine's libraries" >&2
  fi
else
  echo "warning: not root, so no clean root; falling back to dpkg -x and this machine's libraries" >&2
fi

in_root() {
  if [ "$clean_root" = 1 ]; then chroot "$root" "$@"; else "$@"; fi
}

if [ "$clean_root" = 1 ]; then
  mount -t proc proc "$root/proc"
  mounted=1
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  cp "$deb" "$root/tmp/acompana.deb"
  echo "== installing the .deb with apt (it brings what Depends names, nothing else)"
  chroot "$root" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends \
    /tmp/acompana.deb </dev/null >"$work/install.log" 2>&1 ||
    { tail -n 30 "$work/install.log" >&2; echo "error: apt could not install the .deb" >&2; exit 1; }
  prefix=""
else
  prefix="$work/extract"
fi

failed=0
for program in "${programs[@]}"; do
  path="$prefix$program"
  resolved="$(in_root ldd "${path#"$root"}" 2>&1 || true)"
  if grep -q 'not found' <<<"$resolved"; then
    echo "error: $program: $(grep 'not found' <<<"$resolved" | tr -s ' \t' ' ')" >&2
    failed=1
  fi
  while IFS= read -r needed; do
    library="$(awk -v n="$needed" '$1 == n { print $3 }' <<<"$resolved")"
    [ -n "$library" ] || continue
    # /lib is a link to /usr/lib on Debian 12: dpkg knows each file under one of the two.
    owner=""
    for candidate in "$library" "${library#/usr}" "/usr${library}"; do
      owner="$(in_root dpkg -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1 || true)"
      [ -n "$owner" ] && break
    done
    if [ -z "$owner" ]; then
      echo "error: $program needs $needed ($library), which no package owns" >&2
      failed=1
    elif ! grep -qx "$owner" <<<"$declared"; then
      echo "error: $program needs $needed from $owner, which Depends does not name" >&2
      failed=1
    fi
  done < <(objdump -p "$work/extract$program" | awk '$1 == "NEEDED" { print $2 }')
done
[ "$failed" = 0 ] || exit 1
echo "-- every library resolves and comes from a declared dependency"

if [ "$clean_root" = 1 ]; then
  echo "== starting the programs in the clean root"
  chroot "$root" /usr/bin/acompana --version
  DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends \
    xvfb xauth </dev/null >"$work/xvfb.log" 2>&1 ||
    { tail -n 20 "$work/xvfb.log" >&2; echo "error: could not install Xvfb in the root" >&2; exit 1; }
  set +e
  chroot "$root" env HOME=/tmp xvfb-run -a timeout 10 /usr/bin/acompana-desktop --data-dir /tmp/acompana-data \
    >"$work/app.log" 2>&1
  status=$?
  set -e
  if [ "$status" != 124 ]; then
    tail -n 30 "$work/app.log" >&2
    echo "error: the desktop app stopped by itself (status $status) instead of running" >&2
    exit 1
  fi
  echo "-- the desktop app ran for ten seconds in the clean root"
  grep -n 'desktop' "$root/usr/share/applications/"*.desktop | head -n 3
fi
# The .rpm: its Requires name each library by soname, as rpm's own dependency generator does
# (the bundler does not run it), so every NEEDED soname of its programs must be required.
rpm_file="$(ls -t target/release/bundle/rpm/*.rpm 2>/dev/null | head -n1 || true)"
if [ -n "$rpm_file" ]; then
  rpm_file="$(realpath "$rpm_file")"
  echo "== $rpm_file: $(stat -c %s "$rpm_file") bytes"
  if ! command -v rpm >/dev/null 2>&1 || ! command -v rpm2cpio >/dev/null 2>&1 || ! command -v cpio >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rpm rpm2cpio cpio </dev/null >/dev/null
    else
      echo "warning: rpm, rpm2cpio or cpio missing and not root: the .rpm is not checked" >&2
    fi
  fi
  if command -v rpm >/dev/null 2>&1 && command -v rpm2cpio >/dev/null 2>&1 && command -v cpio >/dev/null 2>&1; then
    requires="$(rpm -qp --requires "$rpm_file" 2>/dev/null | sed 's/ .*//' | sort -u)"
    echo "-- Requires: $(tr '\n' ' ' <<<"$requires")"
    mkdir -p "$work/rpm"
    # Debian's rpm2cpio answers 1 after writing a whole zstd payload; what was extracted is
    # checked below (both programs must be there).
    (cd "$work/rpm" && { rpm2cpio "$rpm_file" || true; } | cpio -idm --quiet)
    rpm_programs=0
    while IFS= read -r file; do
      file -b "$file" | grep -q '^ELF' || continue
      rpm_programs=$((rpm_programs + 1))
      while IFS= read -r needed; do
        if ! grep -qxF "$needed()(64bit)" <<<"$requires"; then
          echo "error: ${file#"$work/rpm"} needs $needed, which the .rpm does not require" >&2
          failed=1
        fi
      done < <(objdump -p "$file" | awk '$1 == "NEEDED" { print $2 }')
    done < <(find "$work/rpm" -type f -perm -u+x)
    [ "$rpm_programs" -ge 2 ] || { echo "error: expected the app and the command line in the .rpm" >&2; exit 1; }
    [ "$failed" = 0 ] || exit 1
    echo "-- every library the .rpm's programs name is required by soname"
  fi
fi
echo "bundle check passed"
