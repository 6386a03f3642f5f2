// Sync between two laptops, part 4: back on Lucía's laptop. Before opening the coordinator's
// file she writes Rosita's municipality too, then saves her change for the office and opens
// the coordinator's file: the two changes were made without seeing each other, so one waits as
// a conflict for someone to settle.

import assert from "node:assert/strict";
import path from "node:path";
import {
  answerDialogs,
  byTestId,
  clearField,
  clickTestId,
  session,
  shot,
  signIn,
  step,
  textOf,
  typeInto,
} from "../support.mjs";
import { MUNICIPALITY, NEW_PASSWORD, clickFirst, laptopDataDir, rosaCode, syncDir, waitForValue } from "../sync-shared.mjs";

session("sync-laptop-again", { args: ["--data-dir", laptopDataDir] });

step("Lucía signs in on her laptop", async () => {
  await signIn({ username: "lucia", password: NEW_PASSWORD });
});

step("she writes Rosita's municipality, not knowing the coordinator did", async () => {
  await clickTestId("nav-participants");
  await clickTestId(`participant-open-${rosaCode()}`);
  await byTestId("summary-tab");
  await clearField("detail-municipality");
  await typeInto("detail-municipality", MUNICIPALITY.laptop);
  await clickTestId("details-save");
  await waitForValue("detail-municipality", MUNICIPALITY.laptop);
});

step("she saves her change for the office, then opens the coordinator's file", async () => {
  await clickTestId("nav-sync");
  await clickFirst('[data-testid^="sync-device-"]');
  answerDialogs(path.join(syncDir, "para-la-oficina-2.age"));
  await clickTestId("sync-save");
  assert.match(await textOf("sync-saved"), /para-la-oficina-2\.age/);
  answerDialogs(path.join(syncDir, "para-lucia.age"));
  await clickTestId("sync-open");
  await byTestId("sync-report");
  await byTestId("sync-report-conflicts");
  await byTestId("nav-sync-badge");
  await shot("89-laptop-conflict-waiting");
});
