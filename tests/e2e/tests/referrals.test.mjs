// Referrals, consent and the day's tasks, driven through the real desktop app in Spanish at
// 1366×768: the directory gets a shelter with a housing service; Majo (the woman
// participants.test.mjs opened) is referred to it sharing her data, so the app stops for her
// consent, records it from that dialog and saves the referral by itself; a task added by hand
// in her file shows in Hoy, the first screen, and "Hecho" takes it off.
//
// Runs after participants.test.mjs (files run one at a time, in name order) in its own app
// session, against the vault first-run.test.mjs created (a Colombian organization).

import assert from "node:assert/strict";
import {
  TIMEOUT,
  assertDialogFits,
  assertFits,
  browser,
  byTestId,
  chooseOption,
  clickTestId,
  es,
  esWith,
  gone,
  message,
  openTab,
  portuguese,
  session,
  shot,
  signIn,
  step,
  retrying,
  textOf,
  typeDate,
  typeInto,
  valueOf,
  waitForTextIn,
} from "../support.mjs";

// The woman participants.test.mjs opened (she signs in as the administrator first-run created).
const HER = { chosenName: "Majo", legalName: "María José Gómez" };
const SHELTER = {
  name: "Fundación Casa Refugio Mujeres",
  municipality: "Medellín",
  department: "Antioquia",
  hours: "Lunes a viernes de 8 a 5",
  contact: "604 444 1234 · Doris (trabajadora social)",
  requirements: "Solo mujeres y sus hijas e hijos. Llevar la cédula.",
};
const SERVICE = { name: "Albergue temporal", requirements: "Hasta tres meses; con cita previa." };
const TASK = "Llevarle la carta de la fundación para el arriendo";

session("referrals");

/** Today as the Spanish date fields take it (day/month/year), on this computer's calendar. */
function todayTyped() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(now.getDate())}/${pad(now.getMonth() + 1)}/${now.getFullYear()}`;
}

/** The test id of the row, among those starting with `prefix`, that shows `text`; null if none. */
function rowShowing(prefix, text) {
  // Read in one go in the page, so that no row can be replaced halfway through.
  return browser.execute(
    (prefix, text) =>
      [...document.querySelectorAll(`[data-testid^="${prefix}"]`)]
        .find((row) => row.innerText.includes(text))
        ?.getAttribute("data-testid") ?? null,
    prefix,
    text,
  );
}

step("she signs in and lands on Hoy", async () => {
  await signIn();
  await byTestId("today-area");
  assert.equal(await (await byTestId("nav-today")).getAttribute("aria-current"), "page");
  await byTestId("today-mine");
});

step("Derivaciones: a shelter is added to the directory with its housing service", async () => {
  await clickTestId("nav-referrals");
  await byTestId("directory-area");
  await waitForTextIn("directory-empty", es("directory.empty"));
  await clickTestId("directory-add");
  await byTestId("organization-dialog");
  await typeInto("dir-name", SHELTER.name);
  await chooseOption("dir-kind", es("directory.kind.non_profit"));
  await clickTestId("dir-category-housing");
  await clickTestId("dir-category-violence_safety");
  await clickTestId("dir-accepts-records");
  await typeInto("dir-requirements", SHELTER.requirements);
  await typeInto("dir-municipality", SHELTER.municipality);
  await chooseOption("dir-department", SHELTER.department);
  await typeInto("dir-hours", SHELTER.hours);
  await typeInto("dir-contact", SHELTER.contact);
  await typeDate("dir-verified", todayTyped());
  await assertDialogFits("organization-dialog");
  await shot("40-directory-organization-dialog");
  await clickTestId("organization-save");
  await gone("organization-dialog");
  await waitForTextIn("toast", esWith("directory.savedToast", { name: SHELTER.name }));
  const card = await waitForTextIn("directory-org-0", SHELTER.name);
  assert.ok(card.includes(es("enum.NeedCategory.housing")), card);
  assert.ok(card.includes(es("directory.acceptsRecordsTag")), card);
  assert.ok((await textOf("directory-verified-0")).startsWith(es("directory.verifiedShort").split(" {")[0]), "verified today");

  await clickTestId("directory-add-service-0");
  await byTestId("service-dialog");
  await typeInto("service-name", SERVICE.name);
  await chooseOption("service-category", es("enum.NeedCategory.housing"));
  await typeInto("service-requirements", SERVICE.requirements);
  await clickTestId("service-save");
  await gone("service-dialog");
  await waitForTextIn("directory-service-0-0", SERVICE.name);
});

step("the directory finds the shelter by words typed without accents, and by need", async () => {
  await typeInto("directory-search", "refugio medellin");
  await waitForTextIn("directory-total", esWith("directory.total", { count: 1 }));
  await waitForTextIn("directory-org-0", SHELTER.name);
  await chooseOption("directory-category", es("enum.NeedCategory.employment"));
  await waitForTextIn("directory-empty", es("directory.noMatch"));
  await chooseOption("directory-category", es("enum.NeedCategory.housing"));
  await clickTestId("directory-records");
  await waitForTextIn("directory-org-0", SERVICE.name);
  await assertFits("the directory");
  await shot("41-directory");
});

step("her file: a referral that shares her data stops for her consent", async () => {
  await clickTestId("nav-participants");
  await byTestId("participants-table");
  await typeInto("participant-search", HER.chosenName);
  await browser.waitUntil(async () => (await browser.$$('[data-testid^="participant-row-"]')).length === 1, {
    timeout: TIMEOUT,
    timeoutMsg: "the search did not find her alone",
  });
  await clickTestId(await browser.$('[data-testid^="participant-open-"]').getAttribute("data-testid"));
  await byTestId("participant-file");
  await waitForTextIn("file-name", HER.chosenName);
  await openTab("referrals");
  await waitForTextIn("referrals-table", es("referrals.empty"));
  await clickTestId("referral-add");
  await byTestId("referral-dialog");
  await typeInto("referral-org-search", "casa refugio");
  await browser.waitUntil(async () => (await browser.$$('[data-testid="referral-organization"] option')).length === 2, {
    timeout: TIMEOUT,
    timeoutMsg: "the picker did not offer the shelter",
  });
  await retrying(async () => (await byTestId("referral-organization")).selectByIndex(1), "choosing the shelter");
  const picked = await browser.execute(() => document.querySelector('[data-testid="referral-organization"]').selectedOptions[0].text);
  assert.ok(picked.includes(SHELTER.name), picked);
  await chooseOption("referral-service", `${SERVICE.name} (${es("enum.NeedCategory.housing")})`);
  assert.equal(await valueOf("referral-category"), "housing", "the service's need is chosen");
  assert.equal(await (await byTestId("referral-shares-data")).isSelected(), true, "sharing her data is the default");
  await typeDate("referral-follow-up", todayTyped());
  await assertDialogFits("referral-dialog");
  await shot("42-referral-dialog");
  await clickTestId("referral-save");

  await byTestId("consent-gate-dialog");
  const gate = await textOf("consent-gate-message");
  assert.equal(gate, esWith("referrals.gateMessage", { name: HER.chosenName, organization: SHELTER.name }));
  assert.ok(!gate.includes(HER.legalName), "the dialog names her by her chosen name");
  await byTestId("consent-gate-no-share");
  await byTestId("consent-gate-cancel");
  await assertDialogFits("consent-gate-dialog");
  await shot("43-consent-gate");
});

step("her consent is recorded from the dialog, and the referral saves by itself", async () => {
  await clickTestId("consent-gate-record");
  await gone("consent-gate-dialog");
  await byTestId("consent-dialog");
  assert.equal(await valueOf("consent-purpose"), "referral");
  assert.equal(await valueOf("consent-organization"), SHELTER.name);
  await chooseOption("consent-method", es("enum.ConsentMethod.written"));
  await clickTestId("consent-read-aloud");
  await shot("44-consent-for-referral");
  await clickTestId("consent-save");
  await gone("consent-dialog");
  await gone("referral-dialog");
  await waitForTextIn("toast", esWith("referrals.savedToast", { name: SHELTER.name }));
  const row = await waitForTextIn("referral-row-0", SHELTER.name);
  for (const expected of [SERVICE.name, es("enum.NeedCategory.housing"), es("referrals.statusValue.proposed"), es("referrals.sharesShort")]) {
    assert.ok(row.includes(expected), `the referral shows "${expected}": ${row}`);
  }
  await assertFits("Derivaciones");
  await shot("45-file-referrals");
  await openTab("consent");
  await waitForTextIn("consent-row-referral", SHELTER.name);
});

step("Tareas: a task added by hand for today, beside the referral's follow-up", async () => {
  await openTab("tasks");
  await waitForTextIn("tasks-table", esWith("tasks.referralFollowUpTo", { name: SHELTER.name }));
  await clickTestId("task-add");
  await byTestId("task-dialog");
  await typeInto("task-title", TASK);
  await clickTestId("task-save");
  await gone("task-dialog");
  await waitForTextIn("toast", es("tasks.addedToast"));
  await waitForTextIn("tasks-table", TASK);
  await assertFits("Tareas");
  await shot("46-file-tasks");
});

step("Hoy lists the task for today; Hecho takes it off", async () => {
  await clickTestId("nav-today");
  await byTestId("today-area");
  const group = await waitForTextIn("today-group-today", TASK);
  assert.ok(group.includes(esWith("tasks.referralFollowUpTo", { name: SHELTER.name })), group);
  assert.ok(group.includes(HER.chosenName), group);
  assert.ok(!group.includes(HER.legalName), "Hoy never shows the legal name");
  const row = await rowShowing("today-row-today-", TASK);
  assert.ok(row, "the task has a row of its own");
  await assertFits("Hoy");
  await shot("47-today");
  const index = row.split("-").pop();
  await clickTestId(`today-done-today-${index}`);
  await waitForTextIn("toast", esWith("today.doneToast", { task: TASK }));
  await browser.waitUntil(async () => !(await textOf("today-group-today")).includes(TASK), {
    timeout: TIMEOUT,
    timeoutMsg: "the task is still listed after Hecho",
  });
  await waitForTextIn("today-group-today", esWith("tasks.referralFollowUpTo", { name: SHELTER.name }));
});

step("Hoy opens her file from a task", async () => {
  const row = await rowShowing("today-row-today-", SHELTER.name);
  await clickTestId(`today-open-today-${row.split("-").pop()}`);
  await byTestId("participant-file");
  await waitForTextIn("file-name", HER.chosenName);
  await clickTestId("nav-today");
  await byTestId("today-area");
});

step("in Portuguese Hoy and the directory still fit the screen", async () => {
  await chooseOption("lang-select", "Português");
  await waitForTextIn("nav-today", message(portuguese, "nav.today"));
  await byTestId("today-group-today");
  await assertFits("Hoy in Portuguese");
  await clickTestId("nav-referrals");
  await waitForTextIn("directory-org-0", SHELTER.name);
  await assertFits("the directory in Portuguese");
  await chooseOption("lang-select", "Español");
  await waitForTextIn("nav-today", es("nav.today"));
});
