import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import ComplianceReportPrint from "../src/components/print/ComplianceReportPrint.vue";
import IntakeFormPrint from "../src/components/print/IntakeFormPrint.vue";
import ParticipantFilePrint from "../src/components/print/ParticipantFilePrint.vue";
import type { CaseRecord, ComplianceReportView, CountryCatalog, RecordData } from "../src/api";
import { byTestId, CO_RIGHTS, commandError, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const CATALOG: CountryCatalog = {
  ...CO_RIGHTS,
  country: "CO",
  regionLabel: "department",
  regions: ["Antioquia"],
  documents: [
    { code: "cedula", name: "Cédula de ciudadanía", issuer: "Registraduría", holders: ["self"], required: true },
    { code: "registro_civil", name: "Registro civil de nacimiento", issuer: "Registraduría", holders: ["self", "dependant"], required: true },
  ],
  legalApplicationTypes: [],
};

const REPORT: ComplianceReportView = {
  reportId: "r1",
  caseCode: "MJ-7K2Q",
  legalName: "María José Gómez",
  plan: {
    sentenceMonths: 48,
    hoursPerWeek: 20,
    hoursPerDay: 4,
    startOn: "2026-01-05",
    supervisor: "Luz Marina Restrepo",
    executionJudge: "Juzgado 2 de Ejecución de Penas de Medellín",
  },
  report: { planId: "plan", periodStart: "2026-02-01", periodEnd: "2026-02-28", incidents: null },
  entityName: "Biblioteca La Ladera",
  figures: {
    entries: [
      { planId: "plan", date: "2026-02-02", hours: 4, activity: "Préstamo de libros", verifiedBy: "Luz Marina Restrepo" },
      { planId: "plan", date: "2026-02-04", hours: 4, activity: "Lectura con niños", verifiedBy: null },
    ],
    hoursInPeriod: 8,
    hoursAccumulated: 8,
    hoursDue: 1040,
    hoursRemaining: 1032,
    hoursExpectedInPeriod: 80,
  },
  projectedEnd: "2027-01-03",
};

describe("printouts", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });
  afterEach(() => {
    document.body.innerHTML = "";
    document.documentElement.classList.remove("print-view-open");
  });

  it("the compliance report shows her name, each day and the totals, and prints on request", async () => {
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "compliance_report") return REPORT;
      if (command === "print_page") return null;
      throw new Error(`unexpected command ${command}`);
    });
    const wrapper = mountApp(ComplianceReportPrint, { props: { participantId: "p1", reportId: "r1" } });
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("compliance_report", { participantId: "p1", reportId: "r1" });
    expect(document.documentElement.classList.contains("print-view-open")).toBe(true);
    expect(wrapper.find(byTestId("report-print-name")).text()).toBe("María José Gómez");
    expect(wrapper.find(byTestId("report-print-period")).text()).toBe("Periodo: del 1 de febrero de 2026 al 28 de febrero de 2026");
    const entries = wrapper.find(byTestId("report-print-entries")).text();
    expect(entries).toContain("Préstamo de libros");
    expect(entries).toContain("Total del periodo");
    const totals = wrapper.find(byTestId("report-print-totals")).text();
    expect(totals).toContain("1032");
    expect(totals).toContain("80");
    expect(wrapper.find(byTestId("report-print-incidents")).text()).toBe("Sin novedades en el periodo.");
    expect(wrapper.find(byTestId("report-print-signatures")).text()).toContain("Firma de quien supervisa en la entidad");

    await wrapper.find(byTestId("print-button")).trigger("click");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenLastCalledWith("print_page");
    await wrapper.find(byTestId("print-back")).trigger("click");
    expect(wrapper.emitted("back")).toHaveLength(1);
    wrapper.unmount();
    expect(document.documentElement.classList.contains("print-view-open")).toBe(false);
  });

  it("her file is written to the audit log before it is shown, and sensitive notes stay out", async () => {
    const records: CaseRecord[] = (
      [
        { kind: "note", date: "2026-02-01", text: "Llamó para contar que consiguió trabajo.", sensitive: false },
        { kind: "note", date: "2026-02-02", text: "", sensitive: true },
        { kind: "proceeding", offenceCode: "Art. 376 CP", offenceCategory: "drugs", sentenceMonths: 48 },
        {
          kind: "rights_request",
          right: "access",
          receivedOn: "2026-02-03",
          deadline: "2026-02-17",
          basis: "Ley 1581 de 2012, art. 14 (consultas)",
          status: "done",
          doneOn: "2026-02-05",
          doneBy: "ana",
          outcome: "Su expediente impreso",
        },
      ] as RecordData[]
    ).map((data, index) => ({ id: `r${index}`, participantId: "p1", data, createdAt: "2026-02-01T00:00:00Z", createdBy: "ana", masked: data.kind === "note" && !!data.sensitive }));
    const file = {
      participant: { id: "p1", caseCode: "MJ-7K2Q", legalName: "María José Gómez", chosenName: "Majo", status: "open", sharedWith: [] },
      records,
    };
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "printout_record") return null;
      if (command === "legal_overview") return { deadlines: [], plans: [], eligibility: [], tasks: [] };
      if (command === "directory_search") return { items: [], total: 0 };
      throw new Error(`unexpected command ${command}`);
    });
    const wrapper = mountApp(ParticipantFilePrint, { props: { file, catalog: CATALOG, staff: [] } });
    await flushPromises();
    expect(mockedInvoke.mock.calls[0]).toEqual(["printout_record", { printout: "participant_file", participantId: "p1" }]);
    const page = wrapper.find(byTestId("print-page")).text();
    expect(page).toContain("Expediente de María José Gómez");
    expect(page).toContain("Llamó para contar que consiguió trabajo.");
    expect(page).toContain("Nota reservada: no se imprime.");
    expect(page).toContain("Art. 376 CP · Drogas");
    expect(page).toContain("48 meses");
    // Her requests about her data are part of what is kept about her.
    const rights = wrapper.find(byTestId("file-print-rights")).text();
    expect(rights).toContain("Ver sus datos (acceso)");
    expect(rights).toContain("Ley 1581 de 2012, art. 14 (consultas)");
    expect(rights).toContain("Su expediente impreso");
    wrapper.unmount();
  });

  it("nothing of her file is shown when the printout cannot be recorded", async () => {
    mockedInvoke.mockRejectedValue(commandError("forbidden"));
    const file = { participant: { id: "p1", caseCode: "MJ-7K2Q", legalName: "María José Gómez", status: "open", sharedWith: [] }, records: [] };
    const wrapper = mountApp(ParticipantFilePrint, { props: { file, catalog: CATALOG, staff: [] } });
    await flushPromises();
    expect(wrapper.find(byTestId("print-error")).text()).toContain("No tienes permiso");
    expect(wrapper.find(byTestId("print-page")).exists()).toBe(false);
    expect(wrapper.text()).not.toContain("María José Gómez");
    expect((wrapper.find(byTestId("print-button")).element as HTMLButtonElement).disabled).toBe(true);
    wrapper.unmount();
  });

  it("the blank intake form lists the country's documents with boxes to tick", async () => {
    mockedInvoke.mockResolvedValue(null);
    const wrapper = mountApp(IntakeFormPrint, { props: { catalog: CATALOG } });
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("printout_record", { printout: "intake_form", participantId: null });
    expect(wrapper.find(byTestId("intake-print-document-cedula")).text()).toContain("Cédula de ciudadanía");
    expect(wrapper.findAll(`${byTestId("intake-print-document-cedula")} .tick`)).toHaveLength(6);
    expect(wrapper.find(byTestId("intake-print-consent")).text()).toContain("Huella");
    expect(wrapper.find(byTestId("intake-print-needs")).text()).toContain("Vivienda");
    wrapper.unmount();
  });
});
