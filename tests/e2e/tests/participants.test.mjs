// A caseworker's morning with a woman's file, driven through the real desktop app in Spanish at
// 1366×768: open two files, add a dependant to one, record her consent, mark her cédula
// obtained, note a prison visit, find her again by part of her name typed without accents, and
// read all of that back in her file's history. Screenshots of the list and of every tab go to
// the screenshots folder.
//
// Runs after first-run.test.mjs (files run one at a time, in name order) in its own app
// session, against the vault that test created: it signs in with the same administrator.

import assert from "node:assert/strict";
import {
  TIMEOUT,
  assertFits,
  browser,
  byTestId,
  chooseOption,
  clearField,
  clickTestId,
  es,
  esWith,
  gone,
  message,
  openTab,
  portuguese,
  readRepoJson,
  session,
  shot,
  step,
  textOf,
  typeDate,
  typeInto,
  valueOf,
  waitForTextIn,
} from "../support.mjs";

const colombia = readRepoJson("catalog/CO.json");

// The administrator first-run.test.mjs created.
const ADMIN = { username: "coordinadora", password: "Caminar-juntas-2025!" };
const HER = { legalName: "María José Gómez", chosenName: "Majo", birthYear: "1988", department: "Antioquia" };
const OTHER = { legalName: "Ana Lucía Pérez", chosenName: "Lucía", birthYear: "1979" };
const DEPENDANT = { alias: "Sofi", age: "7" };
const ADDRESS = "Calle 45 # 12-30, barrio Manrique";
const SECRET = "Teme a su expareja; no dar su número a nadie.";
const PRISON = "Reclusión de Mujeres El Buen Pastor";
const NOTE = "Visita en El Buen Pastor: quiere empezar el trámite del registro civil de Sofi.";
const CEDULA = colombia.documents.find((document) => document.code === "cedula").name;

let caseCode = null;

session("participants");

async function addParticipant(person) {
  await clickTestId("participant-add");
  await byTestId("participant-dialog");
  await typeInto("new-legal-name", person.legalName);
  await typeInto("new-chosen-name", person.chosenName);
  await typeInto("new-birth-year", person.birthYear);
  if (person.department) await chooseOption("new-department", person.department);
  await clickTestId("participant-save");
  await gone("participant-dialog");
  await byTestId("participant-file");
  await waitForTextIn("file-name", person.chosenName);
  return textOf("file-case-code");
}

step("she signs in to the vault the first day created", async () => {
  await byTestId("sign-in");
  await typeInto("signin-username", ADMIN.username);
  await typeInto("signin-password", ADMIN.password);
  await clickTestId("signin-submit");
  await byTestId("shell");
  const size = await browser.execute(() => [window.innerWidth, window.innerHeight]);
  assert.equal(size[0], 1366);
});

step("Participantes opens on an empty list with its search and filters", async () => {
  await clickTestId("nav-participants");
  await byTestId("participants-area");
  await waitForTextIn("participants-empty", es("participants.empty"));
  for (const id of ["participant-search", "filter-status", "filter-assigned", "filter-department", "filter-documents", "filter-needs"]) {
    await byTestId(id);
  }
  assert.equal(await (await byTestId("visit-open")).isEnabled(), false, "no visit without women selected");
});

step("the new participant dialog asks for her legal name before saving", async () => {
  await clickTestId("participant-add");
  await byTestId("participant-dialog");
  await typeInto("new-birth-year", "88");
  await clickTestId("participant-save");
  assert.equal(await textOf("new-legal-name-error"), es("validation.required"));
  assert.equal(await textOf("new-birth-year-error"), es("validation.year"));
  await shot("10-new-participant-dialog");
  await clickTestId("participant-cancel");
  await gone("participant-dialog");
});

step("two files are opened; the new one opens at once on Resumen", async () => {
  await addParticipant(OTHER);
  await clickTestId("file-back");
  await byTestId("participants-table");
  caseCode = await addParticipant(HER);
  assert.match(caseCode, /^[A-Z0-9-]{4,}$/, `a case code: ${caseCode}`);
  await byTestId("summary-tab");
  // Her legal name stays hidden until asked for.
  await byTestId("detail-legalName-masked");
  await clickTestId("summary-reveal");
  assert.equal(await valueOf("detail-legalName"), HER.legalName);
  await clickTestId("summary-reveal");
  await byTestId("detail-legalName-masked");
  await assertFits("Resumen");
  await shot("11-file-summary");
});

step("Hogar: a dependant is added with only a short name", async () => {
  await openTab("household");
  await clickTestId("dependant-add");
  await byTestId("dependant-dialog");
  await typeInto("dependant-alias", DEPENDANT.alias);
  await chooseOption("dependant-relationship", es("enum.Relationship.daughter"));
  await typeInto("dependant-age", DEPENDANT.age);
  await chooseOption("dependant-carer", es("enum.Carer.grandmother"));
  await chooseOption("dependant-custody", es("enum.Custody.relative"));
  await clickTestId("dependant-lived-before");
  await shot("12-dependant-dialog");
  await clickTestId("dependant-save");
  await gone("dependant-dialog");
  const row = await waitForTextIn(`dependant-row-${DEPENDANT.alias}`, DEPENDANT.alias);
  assert.ok(row.includes(esWith("household.ageYears", { age: DEPENDANT.age })), row);
  assert.ok(row.includes(es("enum.Carer.grandmother")), row);
  await assertFits("Hogar");
  await shot("13-file-household");
});

step("Consentimiento: her consent for case work is recorded, collected by me, today", async () => {
  await openTab("consent");
  await clickTestId("consent-add");
  await byTestId("consent-dialog");
  assert.equal(await valueOf("consent-purpose"), "case_work");
  assert.equal(await valueOf("consent-collected-by"), ADMIN.username);
  await chooseOption("consent-method", es("enum.ConsentMethod.verbal_with_witness"));
  await clickTestId("consent-read-aloud");
  await typeInto("consent-notice", "2025-1");
  await shot("14-consent-dialog");
  await clickTestId("consent-save");
  await gone("consent-dialog");
  const row = await waitForTextIn("consent-row-case_work", es("enum.ConsentPurpose.case_work"));
  assert.ok(row.includes(es("consent.active")), row);
  await assertFits("Consentimiento");
  await shot("15-file-consent");
});

step("Vivienda: a period typed on the calendar field, its address hidden until asked for", async () => {
  await openTab("housing");
  await waitForTextIn("housing-table", es("housing.empty"));
  await clickTestId("housing-add");
  await byTestId("housing-dialog");
  await chooseOption("housing-situation", es("enum.HousingSituation.family"));
  await typeInto("housing-municipality", "Medellín");
  // Typed as a person would, day/month/year, in the DatePicker's own input.
  await typeDate("housing-from", "01/03/2025");
  await typeInto("housing-address", ADDRESS);
  await shot("16-housing-dialog");
  await clickTestId("housing-save");
  await gone("housing-dialog");
  const row = await waitForTextIn("housing-row-0", "Medellín");
  assert.ok(row.includes(es("enum.HousingSituation.family")), row);
  assert.ok(row.includes("2025"), `the period starts in 2025: ${row}`);
  assert.ok(!row.includes(ADDRESS), "the address is hidden");
  await clickTestId("housing-reveal-0");
  await waitForTextIn("housing-address-0", ADDRESS);
  await assertFits("Vivienda");
  await shot("16-file-housing");
});

step("Necesidades: two needs assessed before release", async () => {
  await openTab("needs");
  await chooseOption("need-documentation", es("enum.NeedStatus.in_progress"));
  await chooseOption("need-housing", es("enum.NeedStatus.need"));
  await waitForTextIn("needs-open", esWith("needs.openCount", { count: 2 }));
  await clickTestId("needs-save");
  await waitForTextIn("toast", es("file.saved"));
  await assertFits("Necesidades");
  await shot("17-file-needs");
});

step("Documentos: her cédula is marked obtained and stops counting as pending", async () => {
  await openTab("documents");
  await byTestId(`documents-dependant-1`);
  const before = await textOf("documents-pending");
  const pendingBefore = Number(before.match(/\d+/)[0]);
  assert.ok(pendingBefore > 0, before);
  await clickTestId("doc-obtained-self-cedula");
  await browser.waitUntil(async () => (await valueOf("doc-status-self-cedula")) === "has", {
    timeout: TIMEOUT,
    timeoutMsg: "the cédula's status did not become 'has'",
  });
  await waitForTextIn("documents-pending", esWith("documents.pendingTotal", { count: pendingBefore - 1 }));
  await waitForTextIn("doc-row-self-cedula", CEDULA);
  await gone("doc-obtained-self-cedula");
  await assertFits("Documentos");
  await shot("18-file-documents");
});

step("Contactos y notas: the prison visit and a note about it", async () => {
  await openTab("contacts");
  await clickTestId("contact-add");
  await byTestId("contact-dialog");
  assert.equal(await valueOf("contact-type"), "prison_visit");
  await typeInto("contact-place", PRISON);
  await typeInto("contact-summary", "Primera visita; está tranquila.");
  await clickTestId("contact-save");
  await gone("contact-dialog");
  await waitForTextIn("contact-row-0", PRISON);

  await clickTestId("note-add");
  await byTestId("note-dialog");
  await typeInto("note-text", NOTE);
  await clickTestId("note-save");
  await gone("note-dialog");
  await waitForTextIn("note-text-0", NOTE);

  await clickTestId("note-add");
  await byTestId("note-dialog");
  await typeInto("note-text", SECRET);
  await clickTestId("note-sensitive");
  await clickTestId("note-save");
  await gone("note-dialog");
  // The sensitive note comes back hidden; reading it is asked for (and audited).
  await clickTestId("note-reveal-0");
  await waitForTextIn("note-text-0", SECRET);
  await clickTestId("note-hide-0");
  await byTestId("note-reveal-0");
  await assertFits("Contactos y notas");
  await shot("19-file-contacts");
});

step("the list finds her by part of her name typed without accents", async () => {
  await clickTestId("file-back");
  await byTestId("participants-table");
  await byTestId(`participant-row-${caseCode}`);
  assert.equal(await (await browser.$$('[data-testid^="participant-row-"]')).length, 2);
  await typeInto("participant-search", "maria jos");
  await browser.waitUntil(async () => (await browser.$$('[data-testid^="participant-row-"]')).length === 1, {
    timeout: TIMEOUT,
    timeoutMsg: "the search did not narrow the list to one woman",
  });
  const row = await waitForTextIn(`participant-row-${caseCode}`, HER.chosenName);
  assert.ok(row.includes(HER.department), row);
  assert.ok(!row.includes(HER.legalName), "the list never shows the legal name");
  const listText = await textOf("participants-table");
  assert.ok(!listText.includes(OTHER.chosenName), "the other woman is filtered out");
  await assertFits("the list");
  await shot("20-participants-search");
});

step("her history lists the day's changes in Spanish", async () => {
  await clickTestId(`participant-open-${caseCode}`);
  await byTestId("participant-file");
  await openTab("history");
  await byTestId("history-table");
  await browser.waitUntil(async () => (await browser.$$('[data-testid^="history-row-"]')).length >= 6, {
    timeout: TIMEOUT,
    timeoutMsg: "the history shows fewer than 6 changes",
  });
  const text = await textOf("history-table");
  for (const kind of ["participant", "dependant", "consent", "document", "needs", "contact", "note"]) {
    assert.ok(text.includes(es(`history.record.${kind}`)), `the history names ${kind}: ${es(`history.record.${kind}`)}`);
  }
  for (const expected of [DEPENDANT.alias, CEDULA, es("enum.DocumentStatus.has"), PRISON, NOTE, es("enum.ConsentPurpose.case_work")]) {
    assert.ok(text.includes(expected), `the history shows "${expected}"`);
  }
  assert.ok(!text.includes(HER.legalName), "the legal name stays hidden in the history until asked for");
  assert.ok(!text.includes(SECRET), "a sensitive note's text never shows in the history");
  assert.ok(text.includes(es("history.sensitiveNote")), "the sensitive note is listed as such");
  assert.ok(!text.includes(ADDRESS), "the address stays hidden in the history until asked for");
  assert.doesNotMatch(text, /\bdocumentType\b|\bobtainedOn\b|\bcase_work\b/, "field names and codes are translated");
  await assertFits("Historial");
  await shot("21-file-history");
  // "Mostrar datos reservados" asks the core for them (an audited reading): her legal name.
  await clickTestId("history-reveal");
  await waitForTextIn("history-table", HER.legalName);
  await clickTestId("history-reveal");
  await browser.waitUntil(async () => !(await textOf("history-table")).includes(HER.legalName), {
    timeout: TIMEOUT,
    timeoutMsg: "the legal name stayed in the history after hiding it again",
  });
});

step("a prison visit is recorded for both women at once", async () => {
  await clickTestId("file-back");
  await clearField("participant-search");
  await browser.waitUntil(async () => (await browser.$$('[data-testid^="participant-row-"]')).length === 2, {
    timeout: TIMEOUT,
  });
  await clickTestId("participant-select-page");
  await clickTestId("visit-open");
  await byTestId("visit-dialog");
  await typeInto("visit-place", PRISON);
  await typeInto("visit-summary", "Taller de documentos.");
  await shot("22-visit-dialog");
  await clickTestId("visit-save");
  await gone("visit-dialog");
  await waitForTextIn("toast", esWith("participants.visitSaved", { count: 2 }));
  await shot("23-participants-list");
});

step("closing her case leaves the file read-only until it is reopened", async () => {
  await clickTestId(`participant-open-${caseCode}`);
  await byTestId("participant-file");
  await clickTestId("file-close");
  await byTestId("close-dialog");
  await clickTestId("close-accept");
  assert.equal(await textOf("close-reason-error"), es("validation.choose"));
  await chooseOption("close-reason", es("enum.ClosingReason.transferred"));
  await clickTestId("close-accept");
  await gone("close-dialog");
  await waitForTextIn("file-closed-note", es("enum.ClosingReason.transferred"));
  await openTab("contacts");
  assert.equal(await (await browser.$('[data-testid="note-add"]')).isExisting(), false, "no new notes on a closed case");
  await shot("24-file-closed");
  await clickTestId("file-reopen");
  await byTestId("file-close");
  await byTestId("note-add");
});

step("in Portuguese the file still fits the screen", async () => {
  await chooseOption("lang-select", "Português");
  await waitForTextIn("tab-documents", message(portuguese, "file.tab.documents"));
  for (const id of ["summary", "household", "documents", "needs", "history"]) {
    await openTab(id);
    await assertFits(`${id} in Portuguese`);
  }
  await openTab("documents");
  await shot("25-file-documents-pt-BR");
  await chooseOption("lang-select", "Español");
  await waitForTextIn("tab-documents", es("file.tab.documents"));
});
