// The demo button on the first-run screen, driven through the real desktop app: it fills a
// separate demo vault with invented women, signs in to it, and the shell says, all the time,
// that nothing there is real. Locking leaves the demo and goes back to the first-run screen.
//
// Runs first of the suite (files run one at a time, in name order), while the data folder has
// no vault yet; the demo vault lives in its own folder inside it and first-run.test.mjs then
// creates the real vault beside it.

import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TIMEOUT, answerDialogs, assertFits, browser, byTestId, clickTestId, es, openTab, session, shot, step, textOf, waitForTextIn } from "../support.mjs";

// The first opening generates hundreds of invented files (a debug build is slow at it).
const DEMO_TIMEOUT = 100_000;

session("demo");

step("the demo button opens a vault of invented women, busy meanwhile", async () => {
  await byTestId("first-run");
  await clickTestId("demo-button");
  await byTestId("shell", DEMO_TIMEOUT);
  await waitForTextIn("demo-banner", es("demo.banner"));
});

step("Hoy opens first, with the demo's tasks grouped and counted", async () => {
  await byTestId("today-area");
  await byTestId("today-group-overdue");
  await browser.waitUntil(async () => (await browser.$$('[data-testid^="today-row-"]')).length > 0, {
    timeout: TIMEOUT,
    timeoutMsg: "Hoy lists no task in the demo vault",
  });
  await waitForTextIn("today-group-overdue", es("today.group.overdue"));
  await assertFits("Hoy");
  await shot("00-demo-today");
});

step("the demo's participants are listed, with the banner still in view", async () => {
  await clickTestId("nav-participants");
  await byTestId("participants-table");
  await browser.waitUntil(async () => (await browser.$$('[data-testid^="participant-row-"]')).length > 0, {
    timeout: TIMEOUT,
    timeoutMsg: "the demo vault lists nobody",
  });
  const total = await textOf("participants-total");
  assert.match(total, /\d/, total);
  await byTestId("demo-banner");
  await shot("00-demo-participants");
});

step("a demo file opens on its tabs", async () => {
  await clickTestId(await browser.$('[data-testid^="participant-open-"]').getAttribute("data-testid"));
  await byTestId("participant-file");
  await openTab("documents");
  await shot("00-demo-file-documents");
  await clickTestId("tab-history");
  await byTestId("history-table");
});

step("a coordinator produces the last quarter's summary of the demo data, with its charts", async () => {
  await clickTestId("nav-reports");
  await clickTestId("summary-run");
  await byTestId("summary-result", DEMO_TIMEOUT);
  await byTestId("summary-table-legal_status");
  await byTestId("summary-not-included");
  await waitForTextIn("summary-footnote", "<5");
  await browser.waitUntil(
    async () => (await browser.$$('[data-testid="summary-chart-legal_status"] svg')).length > 0,
    { timeout: TIMEOUT, timeoutMsg: "the legal status table has no chart" },
  );
  await assertFits("Resúmenes");
  await shot("00-demo-summary");
  const table = await textOf("summary-table-offence");
  assert.doesNotMatch(table, /undefined|null/, table);
});

step("its CSV files are written into the folder the dialog gives, one per table", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "acompana-csv-"));
  answerDialogs(dir);
  await clickTestId("summary-csv");
  await byTestId("summary-csv-done");
  const files = readdirSync(dir);
  const status = files.find((name) => name.endsWith("_legal_status.csv"));
  assert.ok(status, files.join(", "));
  const csv = readFileSync(path.join(dir, status), "utf8");
  assert.match(csv.split("\n")[0], /^legal_status,count,percent/);
  assert.match(csv, /\ntotal,\d+/);
  assert.ok(files.length >= 20, `${files.length} files`);
});

step("the summary prints with its charts and the method's footnote", async () => {
  await clickTestId("summary-print");
  await byTestId("summary-print-view");
  await byTestId("print-page");
  await browser.waitUntil(async () => (await browser.$$('[data-testid="print-page"] svg')).length > 0, {
    timeout: TIMEOUT,
    timeoutMsg: "the printout has no chart",
  });
  await shot("00-demo-summary-print");
  await clickTestId("print-back");
  await byTestId("summary-result");
});

step("locking leaves the demo for the first-run screen", async () => {
  await clickTestId("lock-button");
  await byTestId("first-run");
  assert.equal(await (await browser.$('[data-testid="demo-banner"]')).isExisting(), false);
});
