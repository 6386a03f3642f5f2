// Sync between two laptops, part 2 of 3, on Lucía's new laptop: a second app instance with its
// own, empty data folder. She joins the organization from the first-run screen with the join
// file and the passphrase the coordinator read to her, writes down her recovery code, opens a
// file for a woman she met, and saves her changes for the office laptop.

import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  answerDialogs,
  assertFits,
  browser,
  byTestId,
  clickTestId,
  session,
  shot,
  step,
  textOf,
  typeInto,
  waitForTextIn,
} from "../support.mjs";
import { NEW_PASSWORD, ROSA, laptopDataDir, syncDir } from "../sync-shared.mjs";

session("sync-laptop", { args: ["--data-dir", laptopDataDir] });

step("a laptop without a vault offers to join the organization with a file", async () => {
  await byTestId("first-run");
  await clickTestId("first-run-join");
  await byTestId("join-passphrase");
  const [scrollWidth, width] = await browser.execute(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scrollWidth <= width, `the join form is wider than the window: ${scrollWidth} > ${width}`);
  await shot("83-join-form");
});

step("she joins with the file and the passphrase, and notes her recovery code", async () => {
  const passphrase = readFileSync(path.join(syncDir, "passphrase.txt"), "utf8");
  await typeInto("join-passphrase", passphrase);
  await typeInto("join-password", NEW_PASSWORD);
  await typeInto("join-password-confirm", NEW_PASSWORD);
  answerDialogs(path.join(syncDir, "union-lucia.age"));
  await clickTestId("join-submit");
  await byTestId("recovery-continue");
  await shot("84-join-recovery-code");
  await clickTestId("recovery-confirm");
  await clickTestId("recovery-continue");
  await byTestId("shell");
  assert.ok(existsSync(path.join(laptopDataDir, "vault.db")), "her vault is in the laptop's own folder");
  // A caseworker does not see Resúmenes: summaries are for coordinators.
  await byTestId("nav-today");
  assert.equal(await (await browser.$('[data-testid="nav-reports"]')).isExisting(), false);
});

step("she opens a file for a woman she met", async () => {
  await clickTestId("nav-participants");
  await clickTestId("participant-add");
  await byTestId("participant-dialog");
  await typeInto("new-legal-name", ROSA.legalName);
  await typeInto("new-chosen-name", ROSA.chosenName);
  await typeInto("new-birth-year", ROSA.birthYear);
  await clickTestId("participant-save");
  await byTestId("participant-file");
  await waitForTextIn("file-name", ROSA.chosenName);
  writeFileSync(path.join(syncDir, "rosa-case-code.txt"), (await textOf("file-case-code")).trim());
});

step("Sincronizar: her changes saved for the office laptop", async () => {
  await clickTestId("nav-sync");
  await byTestId("sync-area");
  const office = await browser.$('[data-testid^="sync-device-"]');
  await office.waitForExist();
  await office.click();
  answerDialogs(path.join(syncDir, "para-la-oficina.age"));
  await clickTestId("sync-save");
  const saved = await textOf("sync-saved");
  assert.match(saved, /para-la-oficina\.age/);
  assert.ok(existsSync(path.join(syncDir, "para-la-oficina.age")));
  await assertFits("Sincronizar");
  await shot("85-sync-saved");
});
