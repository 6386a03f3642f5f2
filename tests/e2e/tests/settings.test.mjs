// Configuración, driven through the real desktop app in Spanish at 1366×768: the administrator
// runs the full check of the database, which unlocking skips to stay fast whatever the vault's
// size, and reads that it is intact; then Acerca de names the version, the licence, the data
// folder and the formats, and Ayuda shows the staff guide.
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
  textOf,
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

step("Acerca de names the version, the licence, where the data lives and the formats", async () => {
  await clickTestId("nav-about");
  await byTestId("about-card");
  await browser.waitUntil(async () => (await browser.$('[data-testid="about-version"]').isExisting()), {
    timeout: TIMEOUT,
    timeoutMsg: "Acerca de did not load",
  });
  assert.match(await textOf("about-version"), /0\.1\.0/);
  assert.equal((await textOf("about-licence-id")).trim(), "AGPL-3.0-or-later");
  assert.equal((await textOf("about-data-dir-path")).trim(), process.env.ACOMPANA_DATA_DIR);
  assert.match(await textOf("about-schema"), /\d+/);
  assert.match(await textOf("about-formats"), /sincronización 1/);
  await assertFits("about");
  await shot("71-about");
});

step("Ayuda shows the staff guide in Spanish, inside the app", async () => {
  await clickTestId("nav-help");
  await byTestId("help-guide");
  await waitForTextIn("help-guide", "Guía de Acompaña");
  assert.match(await textOf("help-guide"), /Olvidé mi contraseña/);
  assert.equal(await browser.$('[data-testid="help-language-note"]').isExisting(), false);
  await assertFits("help");
  await shot("72-help");
});
