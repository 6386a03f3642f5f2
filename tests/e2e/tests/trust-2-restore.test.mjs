// Trust, part 2: on a laptop with an empty data folder, "Restaurar una copia de seguridad" on
// the first-run screen takes the office's backup (a wrong passphrase is refused and changes
// nothing), then the coordinator signs in with the password that was valid when it was made and
// finds her organization's work.

import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import {
  ADMIN,
  answerDialogs,
  browser,
  byTestId,
  clickTestId,
  runDir,
  session,
  shot,
  signIn,
  step,
  textOf,
  typeInto,
} from "../support.mjs";
import { BACKUP_FILE, BACKUP_PASSPHRASE } from "../trust-shared.mjs";

const restoredDir = path.join(runDir, "restored-data");
mkdirSync(restoredDir, { recursive: true });
session("trust-restore", { args: ["--data-dir", restoredDir] });

step("the first-run screen offers to restore a backup", async () => {
  assert.ok(existsSync(BACKUP_FILE), "part 1 saved the backup");
  await byTestId("first-run");
  await clickTestId("first-run-restore");
  await byTestId("restore-card");
  await shot("trust-04-restore-form");
});

step("a wrong passphrase is refused and nothing appears", async () => {
  await typeInto("restore-passphrase", "otra frase que no es la suya");
  answerDialogs(BACKUP_FILE);
  await clickTestId("restore-choose");
  await byTestId("restore-error");
  assert.ok(!existsSync(path.join(restoredDir, "vault.db")), "a refused restore left a vault");
  await shot("trust-05-restore-refused");
});

step("the right passphrase restores the vault and she signs in to it", async () => {
  await typeInto("restore-passphrase", BACKUP_PASSPHRASE);
  answerDialogs(BACKUP_FILE);
  await clickTestId("restore-choose");
  await byTestId("sign-in");
  await byTestId("signin-restored-notice");
  await shot("trust-06-restored-sign-in");
  assert.ok(existsSync(path.join(restoredDir, "vault.db")));
  await signIn(ADMIN);
  await clickTestId("nav-participants");
  await byTestId("participants-table");
  const rows = await browser.$$('[data-testid^="participant-row-"]');
  assert.ok(rows.length > 0, "the restored vault holds the organization's women");
  await clickTestId("nav-staff");
  assert.match(await textOf("staff-status-temporal"), /desactivada/i);
});
