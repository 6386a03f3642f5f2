// Sync between two laptops, part 3 of 3, back on the office laptop: a damaged copy of Lucía's
// file is refused with a reason in plain Spanish and changes nothing; her real file brings the
// woman she met, named in the report; her laptop now counts as joined. The coordinator then
// writes Rosita's municipality and saves the change for Lucía's laptop, where Lucía (next file)
// writes the same field without having seen it.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  answerDialogs,
  assertFits,
  byTestId,
  clearField,
  clickTestId,
  es,
  gone,
  session,
  shot,
  signIn,
  step,
  textOf,
  typeInto,
} from "../support.mjs";
import { MUNICIPALITY, ROSA, clickFirst, rosaCode, syncDir, waitForValue } from "../sync-shared.mjs";

session("sync-office-again");

step("she signs in", async () => {
  await signIn();
});

step("a damaged file is refused, in words, and nothing changes", async () => {
  const bytes = readFileSync(path.join(syncDir, "para-la-oficina.age"));
  bytes[Math.floor(bytes.length / 2)] ^= 0x40;
  const damaged = path.join(syncDir, "danado.age");
  writeFileSync(damaged, bytes);
  await clickTestId("nav-sync");
  await byTestId("sync-area");
  answerDialogs(damaged);
  await clickTestId("sync-open");
  const refusal = await textOf("sync-refused");
  assert.match(refusal, new RegExp(es("sync.nothingChanged").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  await gone("sync-report");
  await shot("86-sync-refused");
});

step("her real file brings Rosita's new file, named in the report", async () => {
  answerDialogs(path.join(syncDir, "para-la-oficina.age"));
  await clickTestId("sync-open");
  const report = await textOf("sync-report");
  assert.match(report, /Laptop Lucía/);
  assert.match(report, new RegExp(ROSA.chosenName));
  await gone("sync-refused");
  await assertFits("Sincronizar");
  await shot("87-sync-report");
});

step("her file, opened from the report: the coordinator writes the municipality", async () => {
  await clickTestId(`sync-report-file-${rosaCode()}`);
  await byTestId("summary-tab");
  await clearField("detail-municipality");
  await typeInto("detail-municipality", MUNICIPALITY.office);
  await clickTestId("details-save");
  await waitForValue("detail-municipality", MUNICIPALITY.office);
});

step("Sincronizar: her changes saved for Lucía's laptop", async () => {
  await clickTestId("nav-sync");
  await clickFirst('[data-testid^="sync-device-"]');
  answerDialogs(path.join(syncDir, "para-lucia.age"));
  await clickTestId("sync-save");
  assert.match(await textOf("sync-saved"), /para-lucia\.age/);
});

step("Equipo → Laptops: her laptop has been heard from", async () => {
  await clickTestId("nav-staff");
  const devices = await textOf("devices");
  assert.match(devices, /Laptop Lucía/);
  await shot("88-devices-joined");
});
