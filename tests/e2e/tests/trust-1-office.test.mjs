// Trust, part 1, on the office laptop: the coordinator gives a temporary colleague access and
// then removes it. Removing it asks her own password again (a wrong one changes nothing), re-keys
// the vault and shows the new recovery code once, in a dialog that cannot be closed before she
// says she wrote it down. Then she saves a backup of the whole vault where she chooses (the
// native dialog answered by the test), and gives the vault a new recovery code from
// Configuración.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  ADMIN,
  answerDialogs,
  assertFits,
  browser,
  byTestId,
  chooseOption,
  clickTestId,
  es,
  gone,
  runDir,
  session,
  shot,
  signIn,
  step,
  textOf,
  typeInto,
} from "../support.mjs";
import { BACKUP_FILE, BACKUP_PASSPHRASE } from "../trust-shared.mjs";

session("trust-office");

const TEMP = { username: "temporal", name: "Colega Temporal", password: "Clave-temporal-2026" };

/** Reads the new code from the re-key dialog, ticks "written down" and closes it. */
async function takeNewCode() {
  await byTestId("rekey-dialog");
  const code = (await textOf("rekey-recovery-code")).trim();
  assert.match(code, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/, `a recovery code: ${code}`);
  assert.equal(await (await byTestId("rekey-close")).isEnabled(), false, "closable before ticking");
  await browser.keys("Escape");
  await byTestId("rekey-dialog");
  await clickTestId("rekey-written");
  await clickTestId("rekey-close");
  await gone("rekey-dialog");
  return code;
}

step("the coordinator signs in and gives a temporary colleague access", async () => {
  await signIn(ADMIN);
  await clickTestId("nav-staff");
  await byTestId("staff-area");
  await clickTestId("staff-add");
  await byTestId("staff-dialog");
  await typeInto("staff-name", TEMP.name);
  await typeInto("staff-username", TEMP.username);
  await chooseOption("staff-role", es("roles.caseworker"));
  await typeInto("staff-password", TEMP.password);
  await typeInto("staff-password-confirm", TEMP.password);
  await clickTestId("staff-save");
  await gone("staff-dialog");
  await byTestId(`staff-disable-${TEMP.username}`);
});

let firstNewCode;

step("removing her access asks the password again and shows the new recovery code once", async () => {
  await clickTestId(`staff-disable-${TEMP.username}`);
  await byTestId("confirm-dialog");
  await typeInto("staff-disable-password", "no-es-mi-clave");
  await clickTestId("confirm-accept");
  await byTestId("staff-disable-password-error");
  await byTestId("confirm-dialog");
  assert.match(await textOf(`staff-status-${TEMP.username}`), /activa/i);
  await typeInto("staff-disable-password", ADMIN.password);
  await shot("trust-01-disable-with-password");
  await clickTestId("confirm-accept");
  await byTestId("rekey-dialog");
  await assertFits("rekey-dialog");
  await shot("trust-02-new-recovery-code");
  firstNewCode = await takeNewCode();
  assert.match(await textOf(`staff-status-${TEMP.username}`), /desactivada/i);
});

step("Configuración saves an encrypted backup where she chooses", async () => {
  await clickTestId("nav-settings");
  await byTestId("backup-card");
  await typeInto("backup-passphrase", "corta");
  await typeInto("backup-passphrase-repeat", "corta");
  await clickTestId("backup-create");
  await byTestId("backup-passphrase-error");
  assert.equal(existsSync(BACKUP_FILE), false);
  await typeInto("backup-passphrase", BACKUP_PASSPHRASE);
  await typeInto("backup-passphrase-repeat", BACKUP_PASSPHRASE);
  answerDialogs(BACKUP_FILE);
  await clickTestId("backup-create");
  await byTestId("backup-done");
  assert.ok(existsSync(BACKUP_FILE), "the backup file was written");
  assert.ok(statSync(BACKUP_FILE).size > 10_000, "the backup holds the vault");
  assert.match(await textOf("backup-done"), /copia-oficina\.age/);
  await shot("trust-03-backup-done");
});

step("automatic backups go to a chosen folder, keep the last two, and say when the stick is missing", async () => {
  const usb = path.join(runDir, "usb-automatica");
  mkdirSync(usb, { recursive: true });
  writeFileSync(path.join(usb, "fotos.txt"), "not a backup");
  const scheduled = () => readdirSync(usb).filter((name) => name.startsWith("acompana-auto-")).sort();
  await byTestId("backup-schedule-card");
  assert.match(await textOf("backup-schedule-status"), /Desactivadas/);
  await typeInto("backup-schedule-keep", "2");
  await typeInto("backup-schedule-passphrase", BACKUP_PASSPHRASE);
  await typeInto("backup-schedule-passphrase-repeat", BACKUP_PASSPHRASE);
  answerDialogs(usb);
  await clickTestId("backup-schedule-save");
  await browser.waitUntil(async () => (await textOf("backup-schedule-status")).includes(usb), {
    timeoutMsg: "the status names the chosen folder",
  });
  assert.match(await textOf("backup-schedule-status"), /Cada día/);
  assert.match(await textOf("backup-schedule-status"), /últimas 2/);
  // Each run names a new file: wait until the report names one not reported before.
  const reported = new Set();
  const runNow = async () => {
    await clickTestId("backup-schedule-run-now");
    let file = null;
    await browser.waitUntil(
      async () => {
        const done = await browser.$('[data-testid="backup-schedule-done"]');
        if (!(await done.isExisting())) return false;
        file = (await done.getText()).match(/acompana-auto-\S+?\.age/)?.[0] ?? null;
        return file !== null && !reported.has(file);
      },
      { timeout: 60_000, timeoutMsg: "a new backup is reported done" },
    );
    reported.add(file);
    assert.ok(scheduled().includes(file), `${file} is in the folder`);
  };
  await runNow();
  assert.equal(scheduled().length, 1);
  await runNow();
  await runNow();
  assert.equal(scheduled().length, 2, "the oldest beyond two was removed");
  assert.match(await textOf("backup-schedule-done"), /Se borró 1 copia antigua/);
  assert.ok(existsSync(path.join(usb, "fotos.txt")), "other files stay");
  await assertFits("backup-schedule-card");
  await shot("trust-04-automatic-backups");
  // The stick is unplugged: the next attempt fails and says so.
  rmSync(usb, { recursive: true, force: true });
  await clickTestId("backup-schedule-run-now");
  await byTestId("backup-schedule-failure");
  assert.match(await textOf("backup-schedule-failure"), /carpeta/i);
  await shot("trust-05-automatic-backup-missing-folder");
  await clickTestId("backup-schedule-off");
  await clickTestId("confirm-accept");
  await browser.waitUntil(async () => /Desactivadas/.test(await textOf("backup-schedule-status")), {
    timeoutMsg: "automatic backups are off",
  });
});

step("a new recovery code from Configuración re-keys again", async () => {
  await clickTestId("recovery-change");
  await byTestId("recovery-change-dialog");
  await typeInto("recovery-change-password", ADMIN.password);
  await clickTestId("recovery-change-confirm");
  const second = await takeNewCode();
  assert.notEqual(second, firstNewCode);
  // The office's codes are not needed later; the backup still opens with her password.
  writeFileSync(path.join(runDir, "trust-office-done"), "1");
});
