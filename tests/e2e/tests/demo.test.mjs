// The demo button on the first-run screen, driven through the real desktop app: it fills a
// separate demo vault with invented women, signs in to it, and the shell says, all the time,
// that nothing there is real. Locking leaves the demo and goes back to the first-run screen.
//
// Runs first of the suite (files run one at a time, in name order), while the data folder has
// no vault yet; the demo vault lives in its own folder inside it and first-run.test.mjs then
// creates the real vault beside it.

import assert from "node:assert/strict";
import { TIMEOUT, assertFits, browser, byTestId, clickTestId, es, openTab, session, shot, step, textOf, waitForTextIn } from "../support.mjs";

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

step("locking leaves the demo for the first-run screen", async () => {
  await clickTestId("lock-button");
  await byTestId("first-run");
  assert.equal(await (await browser.$('[data-testid="demo-banner"]')).isExisting(), false);
});
