// Sync between two laptops, part 7: the office sets the same sync folder in Configuración and
// syncs: Lucía's change arrives. At the next sign-in the app syncs the folder by itself and
// says so. Last, nothing readable is left at rest: the canary name appears in no file of either
// data folder, the exchange folders, the webviews' storage or the apps' output.

import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import {
  answerDialogs,
  browser,
  byTestId,
  clickTestId,
  required,
  runDir,
  session,
  shot,
  signIn,
  step,
  waitForTextIn,
  TIMEOUT,
} from "../support.mjs";
import { MUNICIPALITY, ROSA, folderDir, laptopDataDir, rosaCode, syncDir, waitForValue } from "../sync-shared.mjs";

session("sync-office-folder");

step("Configuración: the same folder, synced, brings Lucía's change", async () => {
  await signIn();
  await clickTestId("nav-settings");
  await byTestId("sync-folder");
  answerDialogs(folderDir);
  await clickTestId("sync-folder-choose");
  await waitForTextIn("sync-folder-path", folderDir);
  await clickTestId("sync-folder-run");
  await waitForTextIn("sync-folder-report", rosaCode());
  await shot("93-office-sync-folder");
  await clickTestId("nav-participants");
  await clickTestId(`participant-open-${rosaCode()}`);
  await waitForValue("detail-municipality", MUNICIPALITY.later);
});

step("at the next sign-in the folder is synced by itself, and the app says so", async () => {
  await clickTestId("lock-button");
  await byTestId("sign-in");
  await signIn();
  // The sign-in run's message (a toast carries its class, not a test id).
  const toast = await browser.$('[data-testid="toast"] .sync-folder-toast');
  await toast.waitForExist({ timeout: TIMEOUT, timeoutMsg: "no message about the folder after sign-in" });
  assert.ok((await toast.getText()).trim().length > 0);
  await shot("94-office-sign-in-folder");
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
  for (const canary of [ROSA.legalName, "Canario"]) {
    const needle = Buffer.from(canary, "utf8");
    for (const file of files) {
      assert.equal(readFileSync(file).includes(needle), false, `${canary} readable in ${file}`);
    }
  }
});
