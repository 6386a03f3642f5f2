// Sync between two laptops, part 6: Lucía's laptop opens the coordinator's decision. The
// conflict leaves her laptop too, both laptops show the same value, and nothing readable is left
// at rest: the canary name appears in no file of either data folder, the exchange folder, the
// webviews' storage or the apps' output.

import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import {
  answerDialogs,
  byTestId,
  clickTestId,
  gone,
  required,
  runDir,
  session,
  signIn,
  shot,
  step,
} from "../support.mjs";
import { MUNICIPALITY, NEW_PASSWORD, ROSA, laptopDataDir, rosaCode, syncDir, waitForValue } from "../sync-shared.mjs";

session("sync-laptop-settled", { args: ["--data-dir", laptopDataDir] });

step("Lucía opens the decision: no conflict waits, and Rosita's file says Bello", async () => {
  await signIn({ username: "lucia", password: NEW_PASSWORD });
  await clickTestId("nav-sync");
  answerDialogs(path.join(syncDir, "para-lucia-2.age"));
  await clickTestId("sync-open");
  await byTestId("sync-report");
  await byTestId("sync-conflicts-empty");
  await gone("nav-sync-badge");
  await shot("91-laptop-settled");
  await clickTestId("nav-participants");
  await clickTestId(`participant-open-${rosaCode()}`);
  await waitForValue("detail-municipality", MUNICIPALITY.laptop);
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
  for (const dir of [required("ACOMPANA_DATA_DIR"), laptopDataDir, syncDir]) {
    assert.ok(files.some((file) => file.startsWith(dir)), `${dir} is searched`);
  }
  for (const canary of [ROSA.legalName, "Canario"]) {
    const needle = Buffer.from(canary, "utf8");
    for (const file of files) {
      assert.equal(readFileSync(file).includes(needle), false, `${canary} readable in ${file}`);
    }
  }
});
