// make bench-app: the desktop app's start-up time and memory, measured as a new user meets
// them — under Xvfb at 1366×768, driven over WebDriver like the end-to-end run (run.sh starts
// the display and tauri-driver, then this script). The app is the debug build the end-to-end
// run drives (scripts/bench-app.sh says why); WebKit's processes are the release build's.
//
// Cold start: from asking tauri-driver for a session (which starts WebKitWebDriver and the app)
// until the sign-in screen of an existing vault is on screen; BENCH_RUNS times, a fresh
// process each time. It includes WebKitWebDriver's own start, so it is an upper bound.
//
// Memory: the proportional set size (PSS, from /proc/PID/smaps_rollup) of the app and every
// WebKit process it started (web, network), summed: at the first-run screen of an empty data
// folder, then signed in to the demo vault after Hoy, the list of women and one woman's file:
// once with BENCH_SMALL_WOMEN women (default 20) and once with BENCH_WOMEN. Reading another
// process's smaps_rollup needs the same user and, because the app makes itself non-dumpable,
// root (as on CI); without it the app's own figure is missing and the report says so.
//
// Environment (scripts/bench-app.sh sets them): BENCH_EMPTY_DIR (a folder with no vault),
// BENCH_SMALL_DIR (a demo vault of BENCH_SMALL_WOMEN women), BENCH_LARGE_DIR (the demo vault
// of BENCH_WOMEN women), BENCH_RUNS (default 7), BENCH_REPORT (a JSON file to write).

import { writeFileSync } from "node:fs";
import { remote } from "webdriverio";
import { appProcesses, readProc } from "../processes.mjs";

const app = process.env.E2E_APP;
const port = Number(process.env.E2E_DRIVER_PORT);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const women = Number(process.env.BENCH_WOMEN ?? 0);
const smallWomen = Number(process.env.BENCH_SMALL_WOMEN ?? 20);
const TIMEOUT = 120_000;

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run scripts/bench-app.sh`);
  return value;
}

async function open(dataDir) {
  return remote({
    hostname: "127.0.0.1",
    port,
    logLevel: "warn",
    connectionRetryCount: 0,
    waitforTimeout: TIMEOUT,
    capabilities: { "tauri:options": { application: app, args: ["--data-dir", dataDir] } },
  });
}

async function visible(browser, testId) {
  const element = browser.$(`[data-testid="${testId}"]`);
  await element.waitForDisplayed({ timeout: TIMEOUT });
  return element;
}

// ---- processes and their PSS -------------------------------------------------------------------

function pssKiB(pid) {
  const rollup = readProc(pid, "smaps_rollup");
  if (!rollup) return null;
  const match = /^Pss:\s+(\d+) kB/m.exec(rollup);
  return match ? Number(match[1]) : null;
}

/** With BENCH_SMAPS set: where a process's PSS sits, by mapping (anonymous memory as one). */
function pssByMapping(pid) {
  const smaps = readProc(pid, "smaps");
  if (!smaps) return [];
  const by = new Map();
  let name = null;
  for (const line of smaps.split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      name = header[1] || "[anonymous]";
      continue;
    }
    const pss = /^Pss:\s+(\d+) kB/.exec(line);
    if (pss && name !== null) by.set(name, (by.get(name) ?? 0) + Number(pss[1]) / 1024);
  }
  return [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
}

function processName(pid) {
  const name = (readProc(pid, "comm") ?? "?").trim();
  return name.startsWith("acompana") ? "app" : name;
}

async function memory(browser, label) {
  // Let the page settle and the web process collect what it dropped.
  // The app gives back what it freed every five seconds (src-tauri/src/lean.rs).
  await browser.pause(6000);
  const parts = {};
  let total = 0;
  let unreadable = 0;
  for (const pid of appProcesses(app)) {
    const kib = pssKiB(pid);
    if (kib === null) {
      unreadable++;
      continue;
    }
    const name = processName(pid);
    parts[name] = (parts[name] ?? 0) + kib / 1024;
    if (process.env.BENCH_SMAPS) {
      const where = pssByMapping(pid)
        .map(([mapping, mib]) => `${mapping.split("/").pop()} ${mib.toFixed(1)}`)
        .join(", ");
      console.log(`  ${name}: ${where}`);
    }
    total += kib / 1024;
  }
  const shown = Object.entries(parts)
    .map(([name, mib]) => `${name} ${mib.toFixed(0)}`)
    .join(", ");
  console.log(`memory ${label}: ${total.toFixed(0)} MiB PSS (${shown})${unreadable ? `, ${unreadable} process(es) unreadable` : ""}`);
  return { label, totalMiB: total, parts, unreadable };
}

// ---- statistics ----------------------------------------------------------------------------------

function percentile(sorted, p) {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

// ---- the measurements ------------------------------------------------------------------------------

const report = { women, smallWomen, runs, coldStartMs: [], memory: [] };

for (let run = 0; run < runs; run++) {
  const started = performance.now();
  const browser = await open(need("BENCH_SMALL_DIR"));
  await visible(browser, "sign-in");
  report.coldStartMs.push(performance.now() - started);
  await browser.deleteSession();
}
const starts = [...report.coldStartMs].sort((a, b) => a - b);
report.coldStart = { medianMs: percentile(starts, 50), p95Ms: percentile(starts, 95) };
console.log(
  `cold start to the sign-in screen, ${runs} runs: median ${report.coldStart.medianMs.toFixed(0)} ms, p95 ${report.coldStart.p95Ms.toFixed(0)} ms`,
);

{
  const browser = await open(need("BENCH_EMPTY_DIR"));
  await visible(browser, "first-run");
  report.memory.push(await memory(browser, "first-run screen, no vault"));
  await browser.deleteSession();
}

/** Signs in as the demo vault's caseworker and walks Hoy, the list of women and one file. */
async function walk(dir, label) {
  const browser = await open(dir);
  const steps = [];
  await visible(browser, "sign-in");
  await (await visible(browser, "signin-username")).setValue("demo");
  await (await visible(browser, "signin-password")).setValue("demo-acompana");
  await (await visible(browser, "signin-submit")).click();
  await visible(browser, "today-area");
  steps.push(await memory(browser, `${label}, Hoy`));
  await (await visible(browser, "nav-participants")).click();
  await visible(browser, "participants-table");
  const first = browser.$('[data-testid^="participant-open-"]');
  await first.waitForDisplayed({ timeout: TIMEOUT });
  steps.push(await memory(browser, `${label}, Hoy and the list`));
  await first.click();
  await visible(browser, "file-name");
  steps.push(await memory(browser, `${label}, Hoy, the list and a file`));
  await browser.deleteSession();
  return steps;
}

// The same screens with a handful of women (the small demo vault) and with BENCH_WOMEN: the
// difference is what the data adds; the small walk over the first-run screen is what the
// signed-in screens themselves cost.
const small = await walk(need("BENCH_SMALL_DIR"), `${smallWomen} women`);
report.memory.push(...small);
const firstRun = report.memory[0].totalMiB;
const smallLast = small[small.length - 1].totalMiB;
report.screensAddMiB = smallLast - firstRun;
console.log(`what the signed-in screens add over the first-run screen: ${report.screensAddMiB.toFixed(0)} MiB`);
if (women > 0) {
  const large = await walk(need("BENCH_LARGE_DIR"), `${women} women`);
  report.memory.push(...large);
  const largeLast = large[large.length - 1].totalMiB;
  report.dataAddsMiB = largeLast - smallLast;
  report.overFirstRunMiB = largeLast - firstRun;
  console.log(`what ${women} women add over the same screens with ${smallWomen}: ${report.dataAddsMiB.toFixed(0)} MiB`);
  console.log(`${women} women signed in, over the first-run screen: ${report.overFirstRunMiB.toFixed(0)} MiB`);
}

if (process.env.BENCH_REPORT) writeFileSync(process.env.BENCH_REPORT, `${JSON.stringify(report, null, 2)}\n`);
