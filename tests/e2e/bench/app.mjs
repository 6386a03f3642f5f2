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
// folder, and with BENCH_WOMEN demo women signed in after Hoy, the list of women and one
// woman's file. Reading another process's smaps_rollup needs the same user and, because the app
// makes itself non-dumpable, root (as on CI); without it the app's own figure is missing and
// the report says so.
//
// Environment (scripts/bench-app.sh sets them): BENCH_EMPTY_DIR (a folder with no vault),
// BENCH_SMALL_DIR (a small vault), BENCH_LARGE_DIR (the demo vault of BENCH_WOMEN women),
// BENCH_RUNS (default 7), BENCH_REPORT (a JSON file to write).

import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { remote } from "webdriverio";

const app = process.env.E2E_APP;
const port = Number(process.env.E2E_DRIVER_PORT);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const women = Number(process.env.BENCH_WOMEN ?? 0);
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

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return null;
  }
}

function children() {
  const parentOf = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(entry, "stat");
    if (!stat) continue;
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    parentOf.set(Number(entry), ppid);
  }
  return parentOf;
}

/** The app's process (the newest one running this binary) and every process below it. */
function appProcesses() {
  const parentOf = children();
  const apps = [...parentOf.keys()].filter((pid) => (readProc(pid, "cmdline") ?? "").split("\0")[0] === app);
  if (apps.length === 0) throw new Error("the app's process was not found");
  const root = Math.max(...apps);
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, ppid] of parentOf) if (ppid === found[i]) found.push(pid);
  }
  return found;
}

function pssKiB(pid) {
  const rollup = readProc(pid, "smaps_rollup");
  if (!rollup) return null;
  const match = /^Pss:\s+(\d+) kB/m.exec(rollup);
  return match ? Number(match[1]) : null;
}

function processName(pid) {
  const name = (readProc(pid, "comm") ?? "?").trim();
  return name.startsWith("acompana") ? "app" : name;
}

async function memory(browser, label) {
  // Let the page settle and the web process collect what it dropped.
  await browser.pause(3000);
  const parts = {};
  let total = 0;
  let unreadable = 0;
  for (const pid of appProcesses()) {
    const kib = pssKiB(pid);
    if (kib === null) {
      unreadable++;
      continue;
    }
    const name = processName(pid);
    parts[name] = (parts[name] ?? 0) + kib / 1024;
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

const report = { women, runs, coldStartMs: [], memory: [] };

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

if (women > 0) {
  const browser = await open(need("BENCH_LARGE_DIR"));
  await visible(browser, "sign-in");
  await (await visible(browser, "signin-username")).setValue("demo");
  await (await visible(browser, "signin-password")).setValue("demo-acompana");
  await (await visible(browser, "signin-submit")).click();
  await visible(browser, "today-area");
  report.memory.push(await memory(browser, `${women} women, Hoy`));
  await (await visible(browser, "nav-participants")).click();
  await visible(browser, "participants-table");
  const first = browser.$('[data-testid^="participant-open-"]');
  await first.waitForDisplayed({ timeout: TIMEOUT });
  report.memory.push(await memory(browser, `${women} women, Hoy and the list`));
  await first.click();
  await visible(browser, "file-name");
  report.memory.push(await memory(browser, `${women} women, Hoy, the list and a file`));
  await browser.deleteSession();
  const empty = report.memory[0].totalMiB;
  const last = report.memory[report.memory.length - 1].totalMiB;
  report.dataAddsMiB = last - empty;
  console.log(`what ${women} women add over the empty app: ${report.dataAddsMiB.toFixed(0)} MiB`);
}

if (process.env.BENCH_REPORT) writeFileSync(process.env.BENCH_REPORT, `${JSON.stringify(report, null, 2)}\n`);
