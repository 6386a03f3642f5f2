// Sync between two laptops, part 1 of 3, on the office laptop (the vault first-run.test.mjs
// created): the coordinator adds a laptop for Lucía in Equipo → Laptops. The app saves the join
// file where the (test-answered) native dialog says and shows the one-off passphrase once; the
// next file joins with both.
//
// Files run one at a time in name order: sync-2-laptop.test.mjs is Lucía's new laptop (its own
// data folder), sync-3-office.test.mjs brings her work back to the office.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  answerDialogs,
  assertFits,
  byTestId,
  chooseOption,
  clickTestId,
  session,
  shot,
  signIn,
  step,
  textOf,
} from "../support.mjs";
import { COLLEAGUE_NAME, syncDir } from "../sync-shared.mjs";

session("sync-office");

const joinFile = path.join(syncDir, "union-lucia.age");

step("she signs in", async () => {
  mkdirSync(syncDir, { recursive: true });
  await signIn();
});

step("Sincronizar, before any other laptop joined, says what to do first", async () => {
  await clickTestId("nav-sync");
  await byTestId("sync-area");
  await byTestId("sync-no-devices");
  await shot("80-sync-no-laptops");
});

step("Equipo → Laptops: a laptop for Lucía, its join file saved and its passphrase shown once", async () => {
  await clickTestId("nav-staff");
  await byTestId("devices");
  await clickTestId("device-add");
  await chooseOption("device-staff", COLLEAGUE_NAME);
  answerDialogs(joinFile);
  await clickTestId("device-add-confirm");
  const passphrase = (await textOf("device-passphrase")).trim();
  assert.match(passphrase, /^\p{L}+([ -]\p{L}+){3,}$/u, `words to read aloud: ${passphrase}`);
  assert.ok(existsSync(joinFile), "the join file was saved where the dialog said");
  writeFileSync(path.join(syncDir, "passphrase.txt"), passphrase);
  await shot("81-device-passphrase");
});

step("the laptop is listed, waiting for its first file", async () => {
  await clickTestId("device-passphrase-close");
  const rows = await textOf("devices");
  assert.match(rows, /Laptop Lucía/);
  await assertFits("Laptops");
  await shot("82-devices");
});
