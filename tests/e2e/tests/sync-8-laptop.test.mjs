// Sync between two laptops, part 8: Lucía signs in; her laptop syncs the folder by itself and
// Rosita's erasure takes her file off this laptop too. Last, nothing readable is left at rest:
// the canary name appears in no file of either data folder, the exchange folders, the webviews'
// storage or the apps' output.

import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { TIMEOUT, browser, byTestId, clickTestId, gone, required, runDir, session, shot, signIn, step } from "../support.mjs";
import { NEW_PASSWORD, ROSA, folderDir, laptopDataDir, rosaCode, syncDir } from "../sync-shared.mjs";

session("sync-laptop-erased", { args: ["--data-dir", laptopDataDir] });

step("at sign-in her laptop syncs the folder, and Rosita is gone from it too", async () => {
  await signIn({ username: "lucia", password: NEW_PASSWORD });
  const toast = await browser.$('[data-testid="toast"] .sync-folder-toast');
  await toast.waitForExist({ timeout: TIMEOUT, timeoutMsg: "no message about the folder after sign-in" });
  await clickTestId("nav-participants");
  // Rosita was the only woman on her laptop: the list is empty once it has loaded.
  await byTestId("participants-empty");
  await gone(`participant-open-${rosaCode()}`);
  await shot("96-laptop-after-erasure");
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
