#!/usr/bin/env bash
# make bench-app: cold start and memory of the desktop app (tests/e2e/bench/app.mjs), with
# BENCH_WOMEN demo women (default 100000; the demo vault is made once with the release command
# line and kept in target/bench-app/). Run it on a quiet machine: figures taken beside a build
# are not evidence.
#
# The app measured is the debug build that the end-to-end run drives: a release build keeps its
# webview in an ephemeral context that WebDriver cannot attach to (and refuses the test switches
# that would change that). WebKit's processes, where most of the memory is, are the same in
# both; the app's own process is larger in a debug build, so its figure is an upper bound.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
women="${BENCH_WOMEN:-100000}"

scripts/install-deps.sh test
make --no-print-directory e2e-deps ui-build
cargo build --release --locked -p acompana-cli
make --no-print-directory app

bench="$repo/target/bench-app"
mkdir -p "$bench"
export ACOMPANA_KDF=minimum
small_women=20
if [ ! -f "$bench/demo-$small_women/.ready" ]; then
  rm -rf "$bench/demo-$small_women"
  target/release/acompana --data-dir "$bench/demo-$small_women" demo --participants "$small_women" >/dev/null
  touch "$bench/demo-$small_women/.ready"
fi
if [ "$women" -gt 0 ] && [ ! -f "$bench/demo-$women/.ready" ]; then
  rm -rf "$bench/demo-$women"
  echo "making a demo vault of $women women (once; kept in $bench/demo-$women)"
  target/release/acompana --data-dir "$bench/demo-$women" demo --participants "$women"
  touch "$bench/demo-$women/.ready"
fi
empty="$(mktemp -d -t acompana-bench-empty.XXXXXX)"
trap 'rm -rf "$empty"' EXIT

E2E_BENCH=1 ACOMPANA_APP="$repo/target/debug/acompana-desktop" \
  BENCH_EMPTY_DIR="$empty" BENCH_SMALL_DIR="$bench/demo-$small_women" BENCH_SMALL_WOMEN="$small_women" BENCH_LARGE_DIR="$bench/demo-$women" \
  BENCH_WOMEN="$women" BENCH_REPORT="$bench/report-$women.json" \
  tests/e2e/run.sh
echo "report: $bench/report-$women.json"
