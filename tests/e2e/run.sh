#!/usr/bin/env bash
# Drives the built desktop app end to end: starts a virtual display and tauri-driver (which starts
# WebKitWebDriver, which starts the app), runs the node:test suite, and always stops them again.
#
# Each run gets a fresh, empty data folder through ACOMPANA_DATA_DIR, set in tauri-driver's
# environment so that the app it launches inherits it (the suite checks that the vault lands
# there), and ACOMPANA_KDF=minimum so that key derivation uses the smallest allowed Argon2id
# parameters instead of tuning for a second.
#
# The test files run one at a time, in name order, each in its own app session over the same
# data folder: demo.test.mjs (the demo button needs a folder without a vault), then
# first-run.test.mjs (creates the vault), then participants.test.mjs (signs in to it), then
# referrals.test.mjs (the directory, a referral to it under consent, and Hoy, for the same woman),
# then service.test.mjs (her criminal case, a Law 2292 application and plan, and the printouts),
# settings.test.mjs, then the three sync-*.test.mjs files: the office laptop adds a laptop for
# Lucía, a second app instance over its own data folder joins with the file and saves her work
# for the office, and the office opens it (sync-shared.mjs holds what they share).
# What they share (the session and its steps, the UI's catalogs, the element helpers) is in
# support.mjs.
#
# Environment: ACOMPANA_APP (default target/debug/acompana-desktop), E2E_AXE=report to list
# accessibility violations in screenshots/axe.txt without failing, E2E_BENCH=1 to run the
# memory and start-up benchmark (bench/app.mjs) instead of the tests, E2E_TESTS to run only some
# files (e.g. "tests/first-run.test.mjs tests/sync-*.test.mjs"), E2E_KEEP_DATA=1 to keep the
# data folder for inspection. Screenshots go to tests/e2e/screenshots/.
set -euo pipefail

e2e_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$e2e_dir/../.." && pwd)"
app="${ACOMPANA_APP:-$repo_root/target/debug/acompana-desktop}"
app="$(realpath "$app")"

for tool in Xvfb tauri-driver WebKitWebDriver node; do
  command -v "$tool" >/dev/null 2>&1 ||
    { echo "error: $tool not found; run scripts/install-deps.sh test" >&2; exit 1; }
done
[ -x "$app" ] || { echo "error: $app is not built; run make app" >&2; exit 1; }
[ -d "$e2e_dir/node_modules/webdriverio" ] ||
  { echo "error: run 'npm ci --ignore-scripts' in tests/e2e" >&2; exit 1; }

run_dir="$(mktemp -d -t acompana-e2e.XXXXXX)"
data_dir="$run_dir/data"
mkdir -p "$data_dir" "$e2e_dir/screenshots"
rm -f "$e2e_dir"/screenshots/*.png "$e2e_dir"/screenshots/axe.txt

xvfb_pid=""
driver_pid=""
stop_all() {
  local status=$?
  # tauri-driver runs in its own process group with WebKitWebDriver and the app: end them all.
  if [ -n "$driver_pid" ]; then
    kill -TERM -- "-$driver_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-$driver_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$driver_pid" 2>/dev/null || true
  fi
  if [ -n "$xvfb_pid" ]; then
    kill -TERM "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  if [ "$status" != 0 ]; then
    echo "--- tauri-driver and app output (last 60 lines) ---" >&2
    tail -n 60 "$run_dir/driver.log" >&2 || true
  fi
  if [ "${E2E_KEEP_DATA:-0}" = 1 ]; then
    echo "kept $run_dir" >&2
  else
    rm -rf "$run_dir"
  fi
  exit "$status"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# A free display number, chosen by Xvfb itself and written to fd 3 once it accepts clients.
Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp 3>"$run_dir/display" \
  >"$run_dir/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$run_dir/display" ] && break; sleep 0.1; done
[ -s "$run_dir/display" ] || { cat "$run_dir/xvfb.log" >&2; echo "error: Xvfb did not start" >&2; exit 1; }
DISPLAY=":$(head -n1 "$run_dir/display")"
export DISPLAY

# Two free local ports: tauri-driver's and WebKitWebDriver's.
read -r driver_port native_port < <(node -e '
  const net = require("node:net");
  const take = () => new Promise(done => { const s = net.createServer().listen(0, "127.0.0.1",
    () => { const p = s.address().port; s.close(() => done(p)); }); });
  (async () => { const a = await take(); let b = await take(); while (b === a) b = await take();
    console.log(a, b); })();')

export ACOMPANA_DATA_DIR="$data_dir"
export ACOMPANA_KDF=minimum
# The sign-in throttle record, and the webview's own storage and caches (localStorage keeps the
# chosen language), would otherwise outlive the run in /tmp and ~/.local/share and leak into the
# next one: give them this run's folder too.
export ACOMPANA_RUNTIME_DIR="$run_dir/runtime"
export XDG_DATA_HOME="$run_dir/xdg-data" XDG_CACHE_HOME="$run_dir/xdg-cache"
export XDG_CONFIG_HOME="$run_dir/xdg-config"
mkdir -p "$ACOMPANA_RUNTIME_DIR" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME"
export E2E_APP="$app" E2E_DRIVER_PORT="$driver_port" E2E_SCREENSHOTS="$e2e_dir/screenshots"
# Everything the app may write lives under here, its log (driver.log) included.
export E2E_RUN_DIR="$run_dir"
# The debug build's test-only switch: its native file dialogs take their answers from this file
# (support.mjs's answerDialogs), since WebDriver cannot drive a native dialog. It also keeps the
# webview's context the one WebDriver may attach to (a release build's is ephemeral, and cannot
# be driven).
export ACOMPANA_E2E_DIALOG_ANSWERS="$run_dir/dialog-answers.txt"
# The debug build's test clock (src-tauri/src/clock.rs): days the visit checks add to the
# clock, so a visit package can expire within the run.
export ACOMPANA_E2E_CLOCK="$run_dir/clock-days.txt"
# No accessibility bus under Xvfb; keep GTK from looking for one.
export NO_AT_BRIDGE=1

setsid tauri-driver --port "$driver_port" --native-port "$native_port" \
  >"$run_dir/driver.log" 2>&1 </dev/null &
driver_pid=$!
ready=""
for _ in $(seq 100); do
  # shellcheck disable=SC2016 # a JavaScript template string, not a shell expansion
  if node -e 'fetch(`http://127.0.0.1:${process.argv[1]}/status`).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$driver_port"; then
    ready=1; break
  fi
  sleep 0.2
done
[ -n "$ready" ] || { echo "error: tauri-driver did not answer on port $driver_port" >&2; exit 1; }

echo "e2e: app $app, display $DISPLAY, tauri-driver :$driver_port, data $data_dir"
cd "$e2e_dir"
if [ -n "${E2E_BENCH:-}" ]; then
  # make bench-app: the app measured rather than tested (bench/app.mjs).
  node bench/app.mjs
  exit 0
fi
# A hung step must not eat CI's time: each step gets 2 minutes (support.mjs), each test file 5
# (node's --test-timeout bounds a whole file, whose steps add up to well over 2 minutes on a busy
# machine), the whole run 10.
timeout --kill-after=10 600 \
  node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec ${E2E_TESTS:-tests/}
