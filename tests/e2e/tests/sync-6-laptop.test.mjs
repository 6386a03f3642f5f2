// Sync between two laptops, part 6: Lucía's laptop opens the coordinator's decision. The
// conflict leaves her laptop too, and both laptops show the same value. Then she sets a sync
// folder (one Syncthing would carry) and syncs her next change through it.

import assert from "node:assert/strict";
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import {
  answerDialogs,
  byTestId,
  clickTestId,
  gone,
  clearField,
  typeInto,
  waitForTextIn,
  session,
  signIn,
  shot,
  step,
} from "../support.mjs";
import { MUNICIPALITY, NEW_PASSWORD, folderDir, laptopDataDir, rosaCode, syncDir, waitForValue } from "../sync-shared.mjs";

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

step("a sync folder: she writes Rosita's municipality again and syncs through the folder", async () => {
  mkdirSync(folderDir, { recursive: true });
  // Her file is still open from the step before.
  await byTestId("summary-tab");
  await clearField("detail-municipality");
  await typeInto("detail-municipality", MUNICIPALITY.later);
  await clickTestId("details-save");
  await waitForValue("detail-municipality", MUNICIPALITY.later);
  await clickTestId("nav-sync");
  await byTestId("sync-folder");
  answerDialogs(folderDir);
  await clickTestId("sync-folder-choose");
  await waitForTextIn("sync-folder-path", folderDir);
  await clickTestId("sync-folder-run");
  await byTestId("sync-folder-report");
  await waitForTextIn("sync-folder-exported", "Laptop");
  assert.ok(readdirSync(folderDir).length >= 1, "her file is in the folder");
  await shot("92-laptop-sync-folder");
});
