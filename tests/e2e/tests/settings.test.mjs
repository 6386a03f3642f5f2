// Configuración, driven through the real desktop app in Spanish at 1366×768: the administrator
// runs the full check of the database, which unlocking skips to stay fast whatever the vault's
// size, and reads that it is intact.
//
// Runs last (files run one at a time, in name order) in its own app session, against the vault
// first-run.test.mjs created and the files the other walks filled in.

import assert from "node:assert/strict";
import {
  TIMEOUT,
  assertFits,
  browser,
  byTestId,
  clickTestId,
  es,
  session,
  shot,
  signIn,
  step,
  waitForTextIn,
} from "../support.mjs";

session("settings");

step("she signs in", async () => {
  await signIn();
});

step("Configuración: the full check of the database reads every page and says it is intact", async () => {
  await clickTestId("nav-settings");
  await byTestId("settings-area");
  await waitForTextIn("settings-check", es("settings.checkTitle"));
  await clickTestId("settings-check-run");
  await browser.waitUntil(
    async () => (await browser.$('[data-testid="settings-check-ok"]').isExisting()),
    { timeout: TIMEOUT, timeoutMsg: "the check did not finish" },
  );
  await waitForTextIn("settings-check-ok", es("settings.checkOk"));
  assert.equal(await browser.$('[data-testid="settings-check-error"]').isExisting(), false);
  await assertFits("settings");
  await shot("70-settings-full-check");
});
