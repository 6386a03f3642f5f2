// Sync between two laptops, part 9b: Lucía's laptop opens the visit package of two women: it is in
// visit mode, and says until when. A week later (the app's test clock) the visit is
// over: her file leaves the laptop, and the app says so. Last, nothing readable is left at rest:
// the canary names (Rosita's, and a note written during the visit) appear in no file of either
// data folder, the exchange folders, the webviews' storage or the apps' output.

import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import {
  TIMEOUT,
  advanceClockDays,
  answerDialogs,
  assertFits,
  browser,
  byTestId,
  chooseOption,
  clickTestId,
  gone,
  openTab,
  required,
  runDir,
  session,
  shot,
  signIn,
  step,
  textOf,
  typeInto,
  waitForTextIn,
} from "../support.mjs";
import { NEW_PASSWORD, ROSA, folderDir, laptopDataDir, syncDir } from "../sync-shared.mjs";

/** A note written during the visit: it must never be readable at rest. */
const VISIT_NOTE = "Zafiro Canaria pidió ver a su hija";

session("sync-laptop-visit", { args: ["--data-dir", laptopDataDir] });

const LUCIA = { username: "lucia", password: NEW_PASSWORD };
const visitFile = path.join(syncDir, "visita-lucia.age");

async function listed() {
  await clickTestId("nav-participants");
  await byTestId("participants-table");
  await browser.waitUntil(
    async () =>
      (await browser.$$('[data-testid^="participant-open-"]')).length > 0 ||
      (await browser.$('[data-testid="participants-empty"]').isExisting()),
    { timeout: TIMEOUT, timeoutMsg: "the list did not load" },
  );
  return (await browser.$$('[data-testid^="participant-open-"]')).length;
}

step("she opens the visit package: visit mode, with its two women", async () => {
  await signIn(LUCIA);
  await clickTestId("nav-sync");
  answerDialogs(visitFile);
  await clickTestId("sync-open");
  await byTestId("sync-report");
  const banner = await byTestId("visit-banner");
  assert.ok((await banner.getAttribute("role")) === "status");
  assert.match(await textOf("visit-banner"), /\d/);
  assert.equal(await listed(), 2, "the visit's two women are on the laptop");
  await assertFits("visit mode");
  await shot("99b-visit-mode");
  await chooseOption("lang-select", "Português");
  await assertFits("visit mode in Portuguese");
  await shot("99b-visit-mode-pt-BR");
  await chooseOption("lang-select", "Español");
});

step("during the visit she writes a note in a woman's file", async () => {
  await (await browser.$('[data-testid^="participant-open-"]')).click();
  await openTab("contacts");
  await clickTestId("note-add");
  await byTestId("note-dialog");
  await typeInto("note-text", VISIT_NOTE);
  await clickTestId("note-save");
  await gone("note-dialog");
  await waitForTextIn("contacts-tab", VISIT_NOTE);
});

step("a week later the visit is over: her file leaves the laptop, and the app says so", async () => {
  advanceClockDays(8);
  await clickTestId("lock-button");
  await byTestId("sign-in");
  await signIn(LUCIA);
  const toast = await browser.$('[data-testid="toast"] .visit-ended-toast');
  await toast.waitForExist({ timeout: 90_000, timeoutMsg: "no message that the visit ended" });
  await gone("visit-banner");
  assert.equal(await listed(), 0, "the visit's files left the laptop");
  await shot("99c-visit-ended");
  advanceClockDays(0);
});

step("nothing readable at rest: the canary name is in no file of either laptop, the stick, the caches or the log", async () => {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(full);
    }
  };
  // Both data folders, the exchange folder, the webviews' storage and caches and the apps'
  // output: run.sh points all of them into the run's folder.
  walk(runDir);
  for (const dir of [required("ACOMPANA_DATA_DIR"), laptopDataDir, syncDir, folderDir]) {
    assert.ok(files.some((file) => file.startsWith(dir)), `${dir} is searched`);
  }
  for (const canary of [ROSA.legalName, "Canario", VISIT_NOTE, "Zafiro"]) {
    const needle = Buffer.from(canary, "utf8");
    for (const file of files) {
      assert.equal(readFileSync(file).includes(needle), false, `${canary} readable in ${file}`);
    }
  }
});
