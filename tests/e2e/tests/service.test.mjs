// A lawyer's and a caseworker's work on Majo's legal route under Colombia's Law 2292, driven
// through the real desktop app in Spanish at 1366×768: her criminal case (drugs, 48 months)
// and prison stay; the eligibility guide with the points still missing; a Law 2292 application
// with a document from her file, filed and granted; the community-service plan, whose 1,040
// hours and end date show while it is typed, refused at 25 hours a week; hours logged; a
// compliance report printed for the court; her own file printed; and the blank intake form.
// Screenshots of every screen and printout go to the screenshots folder, the printouts also as
// they come out on paper (the print rules applied on screen).
//
// Runs after participants.test.mjs and referrals.test.mjs (files run one at a time, in name
// order) in its own app session, against the vault first-run.test.mjs created (Colombia).

import assert from "node:assert/strict";
import {
  TIMEOUT,
  assertDialogFits,
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
  openFileOf,
  openTab,
  portuguese,
  readRepoJson,
  session,
  shot,
  signIn,
  step,
  textOf,
  typeDate,
  typeInto,
  valueOf,
  waitForTextIn,
} from "../support.mjs";

const colombia = readRepoJson("catalog/CO.json");

/** The plural form of a Spanish message ("{months} mes | {months} meses" → the second). */
function esPlural(key, values) {
  const forms = es(key).split(" | ");
  return forms[forms.length - 1].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
}

// The administrator first-run.test.mjs created, and the woman participants.test.mjs opened
// (her dependant Sofi is 7; a sensitive note about her safety is in her file).
const HER = { chosenName: "Majo", legalName: "María José Gómez" };
const SECRET = "Teme a su expareja";
const PRISON = "Reclusión de Mujeres El Buen Pastor";
const CASE = { offenceCode: "Art. 376 CP", caseNumber: "05001-60-00000-2023-01234", court: "Juzgado 3 Penal del Circuito de Medellín" };
const LAW_2292 = colombia.legalApplicationTypes.find((type) => type.guide?.law === "law_2292");
const ANTECEDENTES = colombia.documents.find((document) => document.code === "antecedentes").name;
const JUDGE = "Juzgado 2 de Ejecución de Penas de Medellín";
const ENTITY = "Biblioteca Pública Comunitaria La Ladera";
const SUPERVISOR = "Luz Marina Restrepo";
const ACTIVITY = "Apoyo en la biblioteca: préstamo de libros y lectura con niños";
const INCIDENTS = "Ninguna. Cumplió el horario acordado.";
const SHELTER = "Fundación Casa Refugio Mujeres";

session("service");

/** Replaces what a text field holds, as a person does (emptied first, so the app hears it). */
async function retype(testId, text) {
  await clearField(testId);
  await typeInto(testId, text);
}

/** Scrolls the main area so the element is at the top (for screenshots of long pages). */
async function scrollTo(testId) {
  await browser.execute((id) => {
    const element = document.querySelector(`[data-testid="${id}"]`);
    const content = document.querySelector('[data-testid="content"]');
    content.scrollTop += element.getBoundingClientRect().top - content.getBoundingClientRect().top - 8;
  }, testId);
}

/**
 * Screenshots of a printout as it comes out on paper: the page's print rules are applied on
 * screen (every `@media print` rule copied into a screen style sheet), the page is set to A4's
 * printable width, and the main area is scrolled one window at a time. Everything is put back
 * afterwards.
 */
async function paperShots(name, pages) {
  await browser.execute(() => {
    const rules = [];
    const collect = (list) => {
      for (const rule of list) {
        if (rule instanceof CSSMediaRule && rule.media.mediaText.includes("print")) {
          for (const inner of rule.cssRules) if (!(inner instanceof CSSPageRule)) rules.push(inner.cssText);
        }
      }
    };
    for (const sheet of document.styleSheets) {
      try {
        collect(sheet.cssRules);
      } catch {
        // A sheet that cannot be read has no print rules of ours.
      }
    }
    const style = document.createElement("style");
    style.id = "e2e-paper";
    style.textContent = `${rules.join("\n")}
      html.print-view-open body { background: #777 !important; }
      html.print-view-open .content { height: 100vh; overflow: auto !important; padding: 8mm 0 !important; }
      .print-page { width: 186mm !important; margin: 0 auto !important; background: #fff; outline: 12mm solid #fff; }`;
    document.head.append(style);
    document.querySelector('[data-testid="content"]').scrollTop = 0;
  });
  for (let page = 1; page <= pages; page += 1) {
    await shot(`${name}-paper-${page}`);
    const more = await browser.execute(() => {
      const content = document.querySelector('[data-testid="content"]');
      const before = content.scrollTop;
      content.scrollTop += content.clientHeight - 40;
      return content.scrollTop > before;
    });
    if (!more) break;
  }
  await browser.execute(() => document.getElementById("e2e-paper")?.remove());
}

async function openHerFile() {
  await openFileOf("maria jose", HER.chosenName);
}

step("she signs in and opens Majo's file", async () => {
  await signIn();
  await openHerFile();
});

step("Proceso penal: her case for drugs, 48 months, with its legal status", async () => {
  await openTab("legal");
  await waitForTextIn("proceedings-list", es("legal.proceedingsEmpty"));
  await clickTestId("proceeding-add");
  await byTestId("proceeding-dialog");
  await typeInto("proceeding-offence-code", CASE.offenceCode);
  await chooseOption("proceeding-offence-category", es("legal.offence.drugs"));
  await typeInto("proceeding-sentence", "48");
  await typeInto("proceeding-case-number", CASE.caseNumber);
  await chooseOption("proceeding-jurisdiction", es("legal.jurisdictions.ordinary"));
  await typeInto("proceeding-court", CASE.court);
  await assertDialogFits("proceeding-dialog");
  await shot("50-proceeding-dialog");
  await clickTestId("proceeding-save");
  await gone("proceeding-dialog");
  const row = await waitForTextIn("proceeding-row-0", CASE.offenceCode);
  assert.ok(row.includes(es("legal.offence.drugs")), row);
  assert.ok(row.includes(esPlural("legal.months", { months: 48 })), row);
  assert.ok(row.includes(CASE.court), row);

  // Detained before trial, then sentenced: the current status comes first.
  for (const [status, since] of [
    ["pretrial_detention", "15/02/2023"],
    ["sentenced", "10/05/2024"],
  ]) {
    await clickTestId("legal-status-add-0");
    await byTestId("legal-status-dialog");
    await chooseOption("legal-status-value", es(`legal.status.${status}`));
    await typeDate("legal-status-since", since);
    await clickTestId("legal-status-save");
    await gone("legal-status-dialog");
  }
  const current = await waitForTextIn("legal-status-row-0-0", es("legal.status.sentenced"));
  assert.ok(current.includes(es("legal.current")), current);
  await waitForTextIn("legal-status-row-0-1", es("legal.status.pretrial_detention"));
});

step("Proceso penal: her stay in prison, linked to the case", async () => {
  await clickTestId("stay-add");
  await byTestId("stay-dialog");
  await typeInto("stay-facility", PRISON);
  await typeDate("stay-entered", "15/02/2023");
  await typeDate("stay-left", "20/12/2025");
  assert.notEqual(await valueOf("stay-proceeding"), "", "a new stay is linked to her case");
  await clickTestId("stay-save");
  await gone("stay-dialog");
  const row = await waitForTextIn("stay-row-0", PRISON);
  assert.ok(row.includes("2023") && row.includes("2025"), row);
  assert.ok(row.includes(CASE.offenceCode), row);
  await assertFits("Proceso penal");
  await shot("51-file-legal");
});

step("Solicitudes: the Law 2292 guide shows what is met and what is missing", async () => {
  await openTab("applications");
  await byTestId("eligibility-new");
  await waitForTextIn("eligibility-new-note", es("legal.guideJudge"));
  const status = async (point) => (await byTestId(`eligibility-new-point-${point}`)).getAttribute("data-status");
  // Drugs are a listed offence; Sofi is 7.
  assert.equal(await status("offence_or_sentence"), "met");
  assert.equal(await status("dependants"), "met");
  // Nothing on file yet about her heading the household, marginality or a prior conviction.
  for (const point of ["head_of_household", "marginality", "no_prior_conviction", "not_excluded"]) {
    assert.equal(await status(point), "missing", point);
    await waitForTextIn(`eligibility-new-point-${point}`, es("legal.pointStatus.missing"));
  }
  await waitForTextIn("eligibility-new-point-offence_or_sentence", es("legal.pointStatus.met"));
  const missing = await waitForTextIn("eligibility-new-missing", ANTECEDENTES);
  assert.ok(missing.includes(es("legal.missingEvidenceHint")), missing);
  await assertFits("the eligibility guide");
  await shot("52-applications-guide");
});

step("Documentos: her criminal-record certificate is obtained", async () => {
  await openTab("documents");
  await clickTestId("doc-obtained-self-antecedentes");
  await browser.waitUntil(async () => (await valueOf("doc-status-self-antecedentes")) === "has", { timeout: TIMEOUT });
});

step("Solicitudes: a Law 2292 application with that certificate as evidence", async () => {
  await openTab("applications");
  await clickTestId("eligibility-new-prepare");
  await byTestId("application-dialog");
  assert.equal(await valueOf("application-type"), LAW_2292.code);
  assert.notEqual(await valueOf("application-proceeding"), "", "linked to her case");
  await clickTestId("application-evidence-self-antecedentes");
  assert.equal(await (await byTestId("application-evidence-self-antecedentes")).isSelected(), true);
  await typeInto("application-filed-by", "Defensoría Pública");
  await typeInto("application-authority", JUDGE);
  await typeInto("application-marginality", "Madre sola, sin ingresos fijos, SISBÉN A2; vendía para sostener a Sofi.");
  await chooseOption("application-prior", es("common.no"));
  await chooseOption("application-excluded", es("common.no"));
  await assertDialogFits("application-dialog");
  await shot("53-application-dialog");
  await clickTestId("application-save");
  await gone("application-dialog");

  await waitForTextIn("application-row-0", LAW_2292.name);
  await waitForTextIn("application-status-0", es("legal.applicationStatus.preparing"));
  await waitForTextIn("application-documents-0", ANTECEDENTES);
  // Her guide now follows the application: the points it answers are met.
  const status = async (point) => (await byTestId(`eligibility-0-point-${point}`)).getAttribute("data-status");
  await browser.waitUntil(async () => (await status("marginality")) === "met", { timeout: TIMEOUT, timeoutMsg: "marginality not met" });
  assert.equal(await status("no_prior_conviction"), "met");
  assert.equal(await status("not_excluded"), "met");
  assert.equal(await status("head_of_household"), "missing");
  await waitForTextIn("eligibility-0-point-no_prior_conviction", es("legal.evidenceLinked"));
  // The guide to prepare one is gone once she has one.
  await gone("eligibility-new");
});

step("Solicitudes: it is filed, and the decision granted is recorded", async () => {
  await clickTestId("application-edit-0");
  await byTestId("application-dialog");
  await chooseOption("application-status", es("legal.applicationStatus.filed"));
  // A filed application needs its date.
  await clickTestId("application-save");
  assert.equal(await textOf("application-filed-on-error"), es("legal.filedOnRequired"));
  await typeDate("application-filed-on", "02/02/2025");
  await typeInto("application-file-number", "2025-00123");
  await clickTestId("application-save");
  await gone("application-dialog");
  await waitForTextIn("application-status-0", es("legal.applicationStatus.filed"));

  await clickTestId("application-decide-0");
  await byTestId("decision-dialog");
  assert.equal(await valueOf("decision-status"), "granted");
  // A denial asks for its reason; this one is granted.
  await chooseOption("decision-status", es("legal.applicationStatus.denied"));
  await clickTestId("decision-save");
  assert.equal(await textOf("decision-reason-error"), es("legal.refusalRequired"));
  await chooseOption("decision-status", es("legal.applicationStatus.granted"));
  await typeDate("decision-date", "16/03/2025");
  await shot("54-decision-dialog");
  await clickTestId("decision-save");
  await gone("decision-dialog");
  await waitForTextIn("toast", es("legal.decisionSaved"));
  await waitForTextIn("application-status-0", es("legal.applicationStatus.granted"));
  await waitForTextIn("application-decision-0", "2025");
  await assertFits("Solicitudes");
  await shot("55-file-applications");
});

step("Servicio: the plan shows 1.040 hours and its end while it is typed", async () => {
  await openTab("service");
  await waitForTextIn("plans-empty", es("service.plansEmpty"));
  await clickTestId("plan-add");
  await byTestId("plan-dialog");
  // The granted application and her sentence are already filled in.
  assert.notEqual(await valueOf("plan-application"), "");
  assert.equal(await valueOf("plan-sentence-months"), "48");

  // The entity is not in the directory yet: it is added from the plan.
  await typeInto("plan-entity-search", "ladera");
  await waitForTextIn("plan-entity-results", es("service.entityNone"));
  await clickTestId("entity-new-open");
  assert.equal(await valueOf("entity-new-name"), "ladera");
  await retype("entity-new-name", ENTITY);
  await chooseOption("entity-new-kind", es("directory.kind.public_body"));
  await shot("56-plan-entity-add");
  await clickTestId("entity-new-save");
  await waitForTextIn("plan-entity-chosen", ENTITY);

  await typeInto("plan-supervisor", SUPERVISOR);
  await typeInto("plan-judge", JUDGE);
  await retype("plan-sentence-months", "48");
  await waitForTextIn("plan-preview-hours", esWith("service.previewHours", { months: 48, hours: "1.040", rate: 5 }));
  assert.equal(await valueOf("plan-hours-due"), "1040");
  await typeInto("plan-hours-week", "25");
  await typeInto("plan-hours-day", "4");
  await typeInto("plan-schedule", "Lunes a viernes, de 8 a 12");
  await typeDate("plan-start", "05/01/2026");
  await typeInto("plan-activities", ACTIVITY);
  await waitForTextIn("plan-preview-rate", es("service.previewRateOut"));

  // 25 hours a week is more than the law allows: the core says so under the field.
  await clickTestId("plan-save");
  await waitForTextIn("plan-hours-week-error", es("service.problemHoursPerWeek"));
  await byTestId("plan-dialog");
  await assertDialogFits("plan-dialog");
  await shot("57-plan-dialog-refused");

  await retype("plan-hours-week", "20");
  await waitForTextIn("plan-preview-end", esWith("service.previewEnd", { rate: 20, date: "3 de enero de 2027" }));
  await shot("58-plan-dialog");
  await clickTestId("plan-save");
  await gone("plan-dialog");

  // What is shown now comes from the core.
  await waitForTextIn("plan-hours-due-0", esWith("service.hoursCount", { hours: "1.040" }));
  await waitForTextIn("plan-end-0", "3 de enero de 2027");
  await waitForTextIn("plan-0", ENTITY);
});

step("Servicio: hours are logged, never more than 8 in a day", async () => {
  for (const date of ["02/02/2026", "04/02/2026", "06/02/2026"]) {
    await clickTestId("hours-add-0");
    await byTestId("hours-dialog");
    await typeDate("hours-date", date);
    await typeInto("hours-hours", "4");
    await retype("hours-activity", ACTIVITY);
    assert.equal(await valueOf("hours-verified-by"), SUPERVISOR);
    await clickTestId("hours-save");
    await gone("hours-dialog");
  }
  await waitForTextIn("hours-row-0-0", ACTIVITY);

  // Five more on a day that already has four would make nine.
  await clickTestId("hours-add-0");
  await byTestId("hours-dialog");
  await typeDate("hours-date", "06/02/2026");
  await typeInto("hours-hours", "5");
  await clickTestId("hours-save");
  assert.equal(await textOf("hours-hours-error"), es("service.problemHoursDay"));
  await clickTestId("hours-cancel");
  await gone("hours-dialog");

  await waitForTextIn("plan-progress-0", esWith("service.progressHours", { logged: 12, due: "1.040" }));
  await assertFits("Servicio");
  await shot("59-file-service");
  await scrollTo("reports-list-0");
  await shot("59-file-service-log");
});

step("in Portuguese the legal tabs still fit the screen", async () => {
  await chooseOption("lang-select", "Português");
  await waitForTextIn("tab-service", message(portuguese, "file.tab.service"));
  for (const id of ["legal", "applications", "service"]) {
    await openTab(id);
    await assertFits(`${id} in Portuguese`);
  }
  await shot("59-file-service-pt-BR");
  await chooseOption("lang-select", "Español");
  await waitForTextIn("tab-service", es("file.tab.service"));
});

step("Servicio: a compliance report for February, printed for the court", async () => {
  await clickTestId("report-add-0");
  await byTestId("report-dialog");
  await typeDate("report-start", "01/02/2026");
  await typeDate("report-end", "28/02/2026");
  await typeInto("report-incidents", INCIDENTS);
  await clickTestId("report-save");
  await gone("report-dialog");
  await waitForTextIn("report-row-0-0", "2026");

  await clickTestId("report-print-0-0");
  const view = await byTestId("print-view");
  assert.equal(await view.getAttribute("data-print"), "compliance_report");
  assert.equal(await textOf("report-print-name"), HER.legalName);
  const period = await textOf("report-print-period");
  assert.ok(period.includes("1 de febrero de 2026") && period.includes("28 de febrero de 2026"), period);
  const entries = await textOf("report-print-entries");
  assert.ok(entries.includes(ACTIVITY) && entries.includes(SUPERVISOR), entries);
  assert.ok(entries.includes(es("print.reportPeriodTotal")) && entries.includes("12"), entries);
  const totals = await textOf("report-print-totals");
  for (const figure of ["12", "1.040", "1.028"]) assert.ok(totals.includes(figure), `the totals show ${figure}: ${totals}`);
  const page = await textOf("print-page");
  for (const expected of [JUDGE, ENTITY, INCIDENTS, es("print.signSupervisor"), es("print.signOrganization")]) {
    assert.ok(page.includes(expected), `the report shows "${expected}"`);
  }
  await byTestId("print-button");
  await assertFits("the compliance report");
  await shot("60-print-compliance-report");
  await paperShots("60-print-compliance-report", 2);
  await clickTestId("print-back");
  await gone("print-view");
  await byTestId("service-tab");
});

step("her own file, printed whole, with the sensitive note left out", async () => {
  await clickTestId("file-print");
  const view = await byTestId("print-view");
  assert.equal(await view.getAttribute("data-print"), "participant_file");
  await byTestId("print-page");
  const page = await textOf("print-page");
  for (const expected of [
    HER.legalName,
    "Sofi",
    CASE.offenceCode,
    PRISON,
    LAW_2292.name,
    ANTECEDENTES,
    ENTITY,
    ACTIVITY,
    es("print.sensitiveNote"),
  ]) {
    assert.ok(page.includes(expected), `her file shows "${expected}"`);
  }
  assert.ok(!page.includes(SECRET), "a sensitive note is never printed");
  // The referral referrals.test.mjs made, named from the directory.
  const referrals = await textOf("file-print-referrals");
  assert.ok(referrals.includes(SHELTER) || referrals.includes(es("print.noReferrals")), referrals);
  for (const section of ["details", "consent", "household", "housing", "documents", "needs", "contacts", "legal", "applications", "service", "referrals"]) {
    await byTestId(`file-print-${section}`);
  }
  await assertFits("her printed file");
  await shot("61-print-file");
  await paperShots("61-print-file", 6);
  await clickTestId("print-back");
  await gone("print-view");
  await byTestId("participant-file");
});

step("the blank intake form, from Participantes", async () => {
  await clickTestId("file-back");
  await byTestId("participants-table");
  await clickTestId("intake-print-open");
  const view = await byTestId("print-view");
  assert.equal(await view.getAttribute("data-print"), "intake_form");
  await byTestId("print-page");
  for (const document of colombia.documents.filter((entry) => entry.holders.includes("self"))) {
    await waitForTextIn(`intake-print-document-${document.code}`, document.name);
  }
  const consent = await textOf("intake-print-consent");
  for (const purpose of ["case_work", "referral", "statistics", "photos_testimony", "contact"]) {
    assert.ok(consent.includes(es(`enum.ConsentPurpose.${purpose}`)), purpose);
  }
  assert.ok(consent.includes(es("print.fingerprint")), consent);
  await byTestId("intake-print-dependants");
  await waitForTextIn("intake-print-needs", es("enum.NeedCategory.housing"));
  await assertFits("the intake form");
  await shot("62-print-intake-form");
  await paperShots("62-print-intake-form", 4);
  await clickTestId("print-back");
  await gone("print-view");
  await byTestId("participants-table");
});

step("the audit log records the three printouts", async () => {
  await clickTestId("nav-audit");
  await byTestId("audit-table");
  for (const action of ["compliance_report_printed", "participant_file_printed", "intake_form_printed"]) {
    await browser.waitUntil(async () => (await textOf("audit-table")).includes(es(`audit.action.${action}`)), {
      timeout: TIMEOUT,
      timeoutMsg: `the audit log does not show ${action}`,
    });
  }
});
