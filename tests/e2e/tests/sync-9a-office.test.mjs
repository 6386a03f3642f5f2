// Sync between two laptops, part 9: a woman's rights and a prison visit, on the office laptop.
// María José asks to see her data: the request goes in her file with the legal deadline, her file
// is printed and the request marked answered; Derechos lists it, and shows that Rosita's erasure
// (part 7) is complete once Lucía's laptop has confirmed it through the folder. Then two women
// are given to Lucía and a visit package of both is saved for her laptop.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import {
  TIMEOUT,
  answerDialogs,
  assertFits,
  browser,
  byTestId,
  chooseOption,
  clickTestId,
  es,
  gone,
  message,
  portuguese,
  openTab,
  session,
  shot,
  signIn,
  step,
  textOf,
  typeInto,
  waitForTextIn,
} from "../support.mjs";
import { COLLEAGUE_NAME, syncDir } from "../sync-shared.mjs";

session("sync-office-rights-visit");

/** The visit package's file, on the stick. */
const visitFile = path.join(syncDir, "visita-lucia.age");

/** Opens the file of the one woman a search finds, shown by her chosen name; answers her case code. */
async function openWoman(search, chosenName, notName = "\u0000") {
  await clickTestId("nav-participants");
  // Participantes keeps the file last opened: back to the list first.
  if (await browser.$('[data-testid="file-back"]').isExisting()) await clickTestId("file-back");
  await byTestId("participants-table");
  await typeInto("participant-search", search);
  // The list follows the search a moment later: wait for her row alone.
  await browser.waitUntil(
    async () => {
      const rows = await browser.$$('[data-testid^="participant-row-"]');
      if (rows.length !== 1) return false;
      const text = await rows[0].getText();
      return text.includes(chosenName) && !text.includes(notName);
    },
    { timeout: TIMEOUT, timeoutMsg: `the search for ${search} did not find ${chosenName} alone` },
  );
  const open = await browser.$('[data-testid^="participant-open-"]');
  const code = (await open.getAttribute("data-testid")).replace("participant-open-", "");
  await open.click();
  await byTestId("summary-tab");
  return code;
}

/** Chooses the option of a native select whose text contains `text`. */
async function chooseOptionContaining(testId, text) {
  await byTestId(testId);
  const chosen = await browser.execute(
    (id, wanted) => {
      const select = document.querySelector(`[data-testid="${id}"]`);
      const option = [...select.options].find((o) => !o.disabled && o.text.includes(wanted));
      if (!option) return false;
      select.value = option.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      return true;
    },
    testId,
    text,
  );
  assert.ok(chosen, `no option with "${text}" in ${testId}`);
}

let majo;

/** Assigns the open file to Lucía (the button stays disabled when she has it already). */
async function giveToLucia() {
  await chooseOption("assign-select", COLLEAGUE_NAME);
  const save = await byTestId("assign-save");
  if (await save.isEnabled()) await save.click();
  await browser.waitUntil(async () => (await (await byTestId("assign-save")).isEnabled()) === false, {
    timeout: TIMEOUT,
    timeoutMsg: "the assignment was not saved",
  });
}

step("she signs in and gives María José and Ana Lucía to Lucía", async () => {
  await signIn();
  majo = await openWoman("maria jos", "Majo");
  await giveToLucia();
  await openWoman("ana luc", "Lucía", "Majo");
  await giveToLucia();
});

step("Derechos in her file: María José asks to see her data; the law's deadline is shown", async () => {
  await openWoman("maria jos", "Majo");
  await openTab("rights");
  await byTestId("rights-intro");
  await clickTestId("rights-new");
  await byTestId("rights-dialog");
  await chooseOptionContaining("rights-kind", es("rights.kind.access"));
  await clickTestId("rights-submit");
  await gone("rights-dialog");
  const request = await browser.$('[data-testid^="rights-request-"]');
  await request.waitForExist({ timeout: TIMEOUT });
  const id = (await request.getAttribute("data-testid")).replace("rights-request-", "");
  const deadline = await textOf(`rights-deadline-${id}`);
  assert.match(deadline, /Ley 1581 de 2012, art\. 14/);
  assert.equal(await request.getAttribute("data-status"), "open");
  await assertFits("the Derechos tab");
  await shot("97-rights-request");
  // Her complete file, printed for her; then the request is answered.
  await clickTestId(`rights-print-${id}`);
  await byTestId("print-view");
  await byTestId("file-print-rights");
  await clickTestId("print-back");
  await openTab("rights");
  await clickTestId(`rights-done-${id}`);
  await byTestId("rights-done-dialog");
  await typeInto("rights-outcome", "Se le entregó su ficha impresa");
  await clickTestId("rights-done-confirm");
  await gone("rights-done-dialog");
  await waitForTextIn(`rights-outcome-${id}`, "Se le entregó su ficha impresa");
  await byTestId(`rights-done-line-${id}`);
});

step("Derechos lists her request, and Rosita's erasure waits for Lucía's laptop until the folder syncs", async () => {
  await clickTestId("nav-rights");
  await byTestId("rights-list");
  await waitForTextIn("rights-list", majo);
  await byTestId("erasures-list");
  const row = await browser.$('[data-testid^="erasure-row-"]');
  await row.waitForExist({ timeout: TIMEOUT, timeoutMsg: "Rosita's erasure is not listed" });
  const her = (await row.getAttribute("data-testid")).replace("erasure-row-", "");
  // The folder holds Lucía's file written after her laptop purged Rosita (part 8).
  await clickTestId("nav-sync");
  await clickTestId("sync-folder-run");
  await byTestId("sync-folder-report");
  await clickTestId("nav-rights");
  await byTestId("erasures-list");
  await browser.waitUntil(
    async () => {
      const chips = await browser.$$(`[data-testid="erasure-row-${her}"] [data-testid^="erasure-laptop-"]`);
      if (chips.length < 2) return false;
      for (const chip of chips) {
        if ((await chip.getAttribute("data-acknowledged")) !== "true") return false;
      }
      return true;
    },
    { timeout: TIMEOUT, timeoutMsg: "not every laptop confirmed the erasure" },
  );
  await textOf(`erasure-status-${her}`);
  await assertFits("Derechos");
  await shot("98-rights-area");
  await chooseOption("lang-select", "Português");
  await waitForTextIn("rights-area", message(portuguese, "rights.kind.access"));
  await assertFits("Derechos in Portuguese");
  await shot("98-rights-area-pt-BR");
  await chooseOption("lang-select", "Español");
  await waitForTextIn("rights-area", es("rights.kind.access"));
});

step("Sincronizar → Preparar una visita: the two women go to Lucía's laptop, for 7 days", async () => {
  await clickTestId("nav-sync");
  await clickTestId("visit-prepare-open");
  await byTestId("visit-dialog");
  await chooseOptionContaining("visit-device", "Laptop Lucía");
  await browser.waitUntil(async () => (await browser.$$('[data-testid^="visit-candidate-"]')).length === 2, {
    timeout: TIMEOUT,
    timeoutMsg: "the two women given to Lucía are not offered",
  });
  for (const candidate of await browser.$$('[data-testid^="visit-candidate-"]')) {
    if (!(await candidate.isSelected())) await candidate.click();
  }
  await shot("99-visit-prepare");
  answerDialogs(visitFile);
  await clickTestId("visit-submit");
  await byTestId("visit-result");
  assert.ok(existsSync(visitFile), "the package was saved where the dialog said");
});
