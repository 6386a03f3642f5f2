// Sync between two laptops, part 3 of 3, back on the office laptop: a damaged copy of Lucía's
// file is refused with a reason in plain Spanish and changes nothing; her real file brings the
// woman she met, named in the report; her laptop now counts as joined. Finally, nothing
// readable is left at rest: the canary name appears in no file of either data folder or of the
// exchange folder.

import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  answerDialogs,
  assertFits,
  byTestId,
  clickTestId,
  es,
  gone,
  required,
  runDir,
  session,
  shot,
  signIn,
  step,
  textOf,
} from "../support.mjs";
import { ROSA, laptopDataDir, syncDir } from "../sync-shared.mjs";

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

step("Equipo → Laptops: her laptop has been heard from", async () => {
  await clickTestId("nav-staff");
  const devices = await textOf("devices");
  assert.match(devices, /Laptop Lucía/);
  await shot("88-devices-joined");
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
