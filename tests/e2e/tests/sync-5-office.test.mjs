// Sync between two laptops, part 5: the office opens Lucía's second file. The conflict over
// Rosita's municipality shows both values, who wrote each and on which laptop; the coordinator
// keeps Lucía's, and saves the decision for her laptop.

import assert from "node:assert/strict";
import path from "node:path";
import {
  answerDialogs,
  browser,
  byTestId,
  clickTestId,
  gone,
  session,
  shot,
  signIn,
  step,
  textOf,
  assertFits,
  chooseOption,
  es,
  message,
  portuguese,
  waitForTextIn,
} from "../support.mjs";
import { MUNICIPALITY, clickFirst, rosaCode, syncDir, waitForValue } from "../sync-shared.mjs";

session("sync-office-conflict");

let conflictId = "";

step("she signs in and opens Lucía's second file: one conflict waits", async () => {
  await signIn();
  await clickTestId("nav-sync");
  answerDialogs(path.join(syncDir, "para-la-oficina-2.age"));
  await clickTestId("sync-open");
  await byTestId("sync-report-conflicts");
  assert.equal((await textOf("nav-sync-badge")).trim(), "1");
});

step("Conflictos: both values, who wrote each and where", async () => {
  await (await browser.$('[data-testid^="conflict-keep-kept-"]')).waitForExist();
  const ids = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid^="conflict-keep-kept-"]')].map((el) =>
      el.getAttribute("data-testid").slice("conflict-keep-kept-".length),
    ),
  );
  assert.equal(ids.length, 1, `one conflict: ${ids}`);
  conflictId = ids[0];
  const text = await textOf(`conflict-${conflictId}`);
  assert.match(text, new RegExp(rosaCode()));
  assert.match(text, new RegExp(MUNICIPALITY.office));
  assert.match(text, new RegExp(MUNICIPALITY.laptop));
  assert.match(text, /Laptop Lucía/);
  await assertFits("Conflictos");
  await shot("90-office-conflict");
});

step("her file marks the field in conflict, and says where to settle it", async () => {
  await clickTestId("nav-participants");
  await clickTestId(`participant-open-${rosaCode()}`);
  await waitForTextIn("file-conflicts", es("history.field.municipality"));
  await byTestId("detail-municipality-conflict");
  await gone("detail-chosenName-conflict");
  await shot("90-file-conflict-marker");
  await clickTestId("nav-sync");
  await byTestId(`conflict-${conflictId}`);
});

step("in Portuguese, Sincronizar with its conflict and Laptops still fit the screen", async () => {
  await chooseOption("lang-select", "Português");
  await waitForTextIn("sync-area", message(portuguese, "sync.conflicts.title"));
  await assertFits("Sincronizar in Portuguese");
  await shot("90-office-conflict-pt-BR");
  await clickTestId("nav-staff");
  await byTestId("devices");
  await assertFits("Laptops in Portuguese");
  await shot("90-devices-pt-BR");
  await chooseOption("lang-select", "Español");
  await clickTestId("nav-sync");
  await byTestId(`conflict-${conflictId}`);
});

step("she keeps Lucía's value: the conflict leaves, and Rosita's file says Bello", async () => {
  const kept = await textOf(`conflict-value-kept-${conflictId}`);
  const side = kept.includes(MUNICIPALITY.laptop) ? "kept" : "other";
  await clickTestId(`conflict-keep-${side}-${conflictId}`);
  await gone(`conflict-${conflictId}`);
  await byTestId("sync-conflicts-empty");
  await gone("nav-sync-badge");
  await clickTestId("nav-participants");
  await clickTestId(`participant-open-${rosaCode()}`);
  await waitForValue("detail-municipality", MUNICIPALITY.laptop);
  await gone("file-conflicts");
  await gone("detail-municipality-conflict");
});

step("the decision is saved for Lucía's laptop", async () => {
  await clickTestId("nav-sync");
  await clickFirst('[data-testid^="sync-device-"]');
  answerDialogs(path.join(syncDir, "para-lucia-2.age"));
  await clickTestId("sync-save");
  assert.match(await textOf("sync-saved"), /para-lucia-2\.age/);
});
