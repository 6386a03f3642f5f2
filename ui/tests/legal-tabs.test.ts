import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import ApplicationsTab from "../src/components/casefile/ApplicationsTab.vue";
import EligibilityGuide from "../src/components/casefile/EligibilityGuide.vue";
import ServiceTab from "../src/components/casefile/ServiceTab.vue";
import type { CaseRecord, CountryCatalog, EligibilityReport, LegalOverview, RecordData } from "../src/api";
import { byTestId, CO_RIGHTS, commandError, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

// PrimeVue's DatePicker listens to media queries, which jsdom lacks.
if (!window.matchMedia) {
  window.matchMedia = ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener: () => {},
    removeEventListener: () => {},
    addListener: () => {},
    removeListener: () => {},
    dispatchEvent: () => false,
  })) as typeof window.matchMedia;
}

const CATALOG: CountryCatalog = {
  ...CO_RIGHTS,
  country: "CO",
  regionLabel: "department",
  regions: ["Antioquia"],
  documents: [
    { code: "declaracion_jefatura", name: "Declaración notarial de mujer cabeza de familia", issuer: "Notaría", holders: ["self"], required: false },
    { code: "registro_civil", name: "Registro civil de nacimiento", issuer: "Registraduría", holders: ["self", "dependant"], required: true },
    { code: "antecedentes", name: "Certificado de antecedentes judiciales", issuer: "Policía", holders: ["self"], required: false },
  ],
  legalApplicationTypes: [
    {
      code: "co_ley_2292",
      name: "Servicio de utilidad pública (Ley 2292 de 2023)",
      silenceMeansDenial: false,
      evidence: ["declaracion_jefatura", "registro_civil", "antecedentes"],
      guide: { law: "law_2292", maxSentenceMonths: 96, offenceCategories: ["drugs"] },
    },
    { code: "amnistia", name: "Amnistía federal", deadlineMonths: 4, silenceMeansDenial: true, evidence: [] },
  ],
};

function record(id: string, data: RecordData): CaseRecord {
  return { id, participantId: "p1", data, createdAt: `2026-01-0${id.length}T00:00:00Z`, createdBy: "ana", masked: false };
}

function file(records: CaseRecord[]) {
  return { participant: { id: "p1" }, records };
}

const EMPTY_OVERVIEW: LegalOverview = { deadlines: [], plans: [], eligibility: [], tasks: [] };

/** Answers each command the tabs ask for; `record_save` as given. */
function answer(overview: LegalOverview, save: () => Promise<unknown> = async () => ({})) {
  mockedInvoke.mockImplementation(async (command: string) => {
    if (command === "legal_overview") return overview;
    if (command === "directory_search") return { items: [], total: 0 };
    if (command === "record_save") return save();
    throw new Error(`unexpected command ${command}`);
  });
}

async function type(id: string, value: string) {
  const input = inBody(id) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event("input"));
  await flushPromises();
}

describe("the eligibility guide", () => {
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("words each point, its status and the documents still missing, and says the judge decides", () => {
    const report: EligibilityReport = {
      applicationType: "co_ley_2292",
      applicationId: null,
      points: [
        {
          point: "head_of_household",
          status: "missing",
          evidence: [{ documentType: "declaracion_jefatura", dependantId: null, recordId: null, status: null, linked: false }],
        },
        { point: "dependants", status: "met", evidence: [{ documentType: "registro_civil", dependantId: "d1", recordId: "doc1", status: "has", linked: true }] },
        { point: "offence_or_sentence", status: "not_met", evidence: [] },
      ],
      missingEvidence: [{ documentType: "declaracion_jefatura", dependantId: null, recordId: null, status: null, linked: false }],
    };
    const records = [record("d1", { kind: "dependant", alias: "Sofi", relationship: "daughter", carer: "grandmother", custody: "relative" })];
    const wrapper = mountApp(EligibilityGuide, { props: { report, catalog: CATALOG, records, testid: "new" } });
    expect(wrapper.find(byTestId("eligibility-new-note")).text()).toContain("quien decide es la jueza o el juez");
    const head = wrapper.find(byTestId("eligibility-new-point-head_of_household"));
    expect(head.attributes("data-status")).toBe("missing");
    expect(head.text()).toContain("Falta información");
    expect(head.text()).toContain("Sin registrar");
    const dependants = wrapper.find(byTestId("eligibility-new-point-dependants"));
    expect(dependants.text()).toContain("Cumple");
    expect(dependants.text()).toContain("Registro civil de nacimiento (Sofi)");
    expect(dependants.text()).toContain("presentado con la solicitud");
    // The sentence limit comes from the catalog: 96 months is 8 years.
    expect(wrapper.find(byTestId("eligibility-new-point-offence_or_sentence")).text()).toContain("No cumple");
    expect(wrapper.find(byTestId("eligibility-new-point-offence_or_sentence")).text()).toContain("8 años o menos");
    expect(wrapper.find(byTestId("eligibility-new-missing")).text()).toContain("Declaración notarial de mujer cabeza de familia");
    expect(wrapper.find(byTestId("eligibility-new-count")).text()).toBe("Cumple 1 de 3 puntos");
    wrapper.unmount();
  });
});

describe("the applications tab", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  const applications = [
    record("a", { kind: "legal_application", applicationType: "amnistia", status: "filed", filedOn: "2026-03-10", evidence: [] }),
    record("bb", { kind: "legal_application", applicationType: "amnistia", status: "filed", filedOn: "2025-01-10", evidence: [] }),
  ];

  it("shows the legal deadline in words and warns when silence counts as a denial", async () => {
    answer({
      ...EMPTY_OVERVIEW,
      deadlines: [
        { recordId: "a", deadline: "2026-07-10", daysLeft: 9, deniedBySilence: false },
        { recordId: "bb", deadline: "2025-05-10", daysLeft: -30, deniedBySilence: true },
      ],
    });
    const wrapper = mountApp(ApplicationsTab, { props: { file: file(applications), catalog: CATALOG, readOnly: false } });
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("legal_overview", expect.objectContaining({ participantId: "p1" }));
    // Newest first: "bb" was recorded after "a".
    expect(wrapper.find(byTestId("application-deadline-1")).text()).toBe("Plazo legal: 10 de julio de 2026 (quedan 9 días)");
    expect(wrapper.find(byTestId("application-silence-1")).exists()).toBe(false);
    expect(wrapper.find(byTestId("application-deadline-0")).text()).toBe("Plazo legal: 10 de mayo de 2025 (venció hace 30 días)");
    expect(wrapper.find(byTestId("application-silence-0")).text()).toContain("Sin respuesta en el plazo: el silencio equivale a una negativa.");
    wrapper.unmount();
  });

  it("asks for the reason of a denial before saving it", async () => {
    answer(EMPTY_OVERVIEW);
    const wrapper = mountApp(ApplicationsTab, { props: { file: file(applications.slice(0, 1)), catalog: CATALOG, readOnly: false } });
    await flushPromises();
    await wrapper.find(byTestId("application-decide-0")).trigger("click");
    await flushPromises();
    const status = inBody("decision-status") as HTMLSelectElement;
    status.value = "denied";
    status.dispatchEvent(new Event("change"));
    await flushPromises();
    inBody("decision-save")?.click();
    await flushPromises();
    expect(inBody("decision-reason-error")?.textContent).toContain("Elige el motivo de la negativa.");
    expect(mockedInvoke).not.toHaveBeenCalledWith("record_save", expect.anything());
    const reason = inBody("decision-reason") as HTMLSelectElement;
    reason.value = "no_answer_in_time";
    reason.dispatchEvent(new Event("change"));
    await flushPromises();
    inBody("decision-save")?.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith(
      "record_save",
      expect.objectContaining({
        recordId: "a",
        data: expect.objectContaining({ kind: "legal_application", status: "denied", refusalReason: "no_answer_in_time", filedOn: "2026-03-10" }),
      }),
    );
    wrapper.unmount();
  });
});

describe("the community-service tab", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  const proceeding = record("pr", { kind: "proceeding", offenceCategory: "drugs", sentenceMonths: 48 });

  it("works out the hours while the plan is typed, and puts the core's refusal under the field", async () => {
    answer(EMPTY_OVERVIEW, async () => Promise.reject(commandError("invalid_input", "hoursPerWeek")));
    const wrapper = mountApp(ServiceTab, { props: { file: file([proceeding]), catalog: CATALOG, readOnly: false } });
    await flushPromises();
    await wrapper.find(byTestId("plan-add")).trigger("click");
    await flushPromises();
    // Her sentence is taken from her case.
    expect((inBody("plan-sentence-months") as HTMLInputElement).value).toBe("48");
    expect(inBody("plan-preview-hours")?.textContent?.trim()).toBe("48 meses de condena → 1040 horas (5 horas por semana de condena)");
    expect((inBody("plan-hours-due") as HTMLInputElement).value).toBe("1040");
    await type("plan-sentence-months", "13");
    expect(inBody("plan-preview-hours")?.textContent?.trim()).toBe("13 meses de condena → 282 horas (5 horas por semana de condena)");
    expect((inBody("plan-hours-due") as HTMLInputElement).value).toBe("282");
    await type("plan-sentence-months", "48");
    await type("plan-hours-week", "25");
    expect(inBody("plan-preview-rate")?.textContent).toContain("entre 5 y 20");
    await type("plan-hours-week", "20");
    expect(inBody("plan-preview-weeks")?.textContent).toContain("al menos 52 semanas");
    await type("plan-hours-day", "4");
    await type("plan-start", "05/01/2026");
    expect(inBody("plan-preview-end")?.textContent?.trim()).toBe("a 20 horas por semana, termina hacia el 3 de enero de 2027");

    inBody("plan-save")?.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith(
      "record_save",
      expect.objectContaining({
        recordId: null,
        data: expect.objectContaining({ kind: "service_plan", sentenceMonths: 48, hoursPerWeek: 20, hoursPerDay: 4, startOn: "2026-01-05", hoursDueOverride: null }),
      }),
    );
    expect(inBody("plan-hours-week-error")?.textContent).toContain("Deben ser entre 5 y 20 horas por semana.");
    expect(inBody("plan-dialog")).not.toBeNull();
    wrapper.unmount();
  });

  it("asks why when the hours due are changed", async () => {
    answer(EMPTY_OVERVIEW, async () => Promise.reject(commandError("invalid_input", "overrideReason")));
    const wrapper = mountApp(ServiceTab, { props: { file: file([proceeding]), catalog: CATALOG, readOnly: false } });
    await flushPromises();
    await wrapper.find(byTestId("plan-add")).trigger("click");
    await flushPromises();
    expect(inBody("plan-override-reason")).toBeNull();
    await type("plan-hours-due", "1000");
    expect(inBody("plan-preview-override")?.textContent).toContain("1000 horas en lugar de 1040");
    expect(inBody("plan-override-reason")).not.toBeNull();
    await type("plan-hours-week", "20");
    await type("plan-hours-day", "4");
    await type("plan-start", "05/01/2026");
    inBody("plan-save")?.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("record_save", expect.objectContaining({ data: expect.objectContaining({ hoursDueOverride: 1000 }) }));
    expect(inBody("plan-override-reason-error")?.textContent).toContain("Escribe por qué cambian las horas");
    wrapper.unmount();
  });

  it("shows the core's figures for a saved plan and keeps a day under 8 hours", async () => {
    const plan = record("plan", { kind: "service_plan", sentenceMonths: 48, hoursPerWeek: 20, hoursPerDay: 4, startOn: "2026-01-05", supervisor: "Luz" });
    const hours = record("h1", { kind: "service_hours", planId: "plan", date: "2026-02-02", hours: 6, activity: "Biblioteca" });
    answer({
      ...EMPTY_OVERVIEW,
      plans: [
        {
          recordId: "plan",
          hoursDueComputed: 1040,
          hoursDue: 1040,
          projectedEnd: "2027-01-03",
          hoursLogged: 6,
          hoursRemaining: 1034,
          percent: 0,
          hoursExpected: 20,
          completed: false,
        },
      ],
    });
    const wrapper = mountApp(ServiceTab, { props: { file: file([plan, hours]), catalog: CATALOG, readOnly: false } });
    await flushPromises();
    expect(wrapper.find(byTestId("plan-end-0")).text()).toBe("3 de enero de 2027");
    expect(wrapper.find(byTestId("plan-progress-0")).text()).toContain("6 de 1040 horas");
    expect(wrapper.find(byTestId("plan-progress-0")).text()).toContain("le faltan 14 para ir al día");
    expect(wrapper.find(byTestId("hours-row-0-0")).text()).toContain("Biblioteca");

    await wrapper.find(byTestId("hours-add-0")).trigger("click");
    await flushPromises();
    expect((inBody("hours-verified-by") as HTMLInputElement).value).toBe("Luz");
    await type("hours-date", "02/02/2026");
    await type("hours-hours", "3");
    inBody("hours-save")?.click();
    await flushPromises();
    expect(inBody("hours-hours-error")?.textContent).toContain("No pueden pasar de 8 horas en un día");
    expect(mockedInvoke).not.toHaveBeenCalledWith("record_save", expect.anything());
    wrapper.unmount();
  });
});
