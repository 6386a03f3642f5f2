import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { defineComponent, h } from "vue";
import Toast from "primevue/toast";
import { invoke } from "@tauri-apps/api/core";
import RightsTab from "../src/components/casefile/RightsTab.vue";
import ParticipantFileView from "../src/components/casefile/ParticipantFileView.vue";
import type { CaseRecord, CountryCatalog, ParticipantFile, RightsRequest, Role, SessionInfo, StaffMember } from "../src/api";
import { formatIsoDate, fromIsoDate, toIsoDate, todayIso } from "../src/caseFile";
import { syncState } from "../src/sync";
import { byTestId, CO_RIGHTS, commandError, flushPromises, inBody, mountApp, rosita } from "./helpers";

const mockedInvoke = vi.mocked(invoke);


const today = todayIso();
function daysFromToday(days: number): string {
  const date = fromIsoDate(today) as Date;
  date.setDate(date.getDate() + days);
  return toIsoDate(date);
}
/** A date as the screens show it with no session (Spanish, no country). */
const shown = (iso: string) => formatIsoDate(iso, "es");

const ACCESS_LAW = "Ley 1581 de 2012, art. 14 (consultas)";
const CLAIM_LAW = "Ley 1581 de 2012, art. 15 (reclamos)";
const CATALOG: CountryCatalog = { ...CO_RIGHTS, country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] };
const STAFF: StaffMember[] = [
  { id: "s1", username: "ana", displayName: "Ana Rojas", role: "caseworker", active: true, createdAt: "2025-01-01T00:00:00Z" },
  { id: "s2", username: "marta", displayName: "Marta Gómez", role: "coordinator", active: true, createdAt: "2025-01-01T00:00:00Z" },
];
const session = (role: Role): SessionInfo => ({ staffId: "s2", username: "marta", displayName: "Marta Gómez", role, orgName: "Mujeres Libres", country: "CO", idleLockMinutes: 5, demo: false });

function request(id: string, data: Partial<RightsRequest>): CaseRecord {
  return {
    id,
    participantId: "p1",
    data: { kind: "rights_request", right: "access", receivedOn: today, deadline: today, basis: ACCESS_LAW, status: "open", doneOn: null, doneBy: null, outcome: null, ...data },
    createdAt: "2026-01-01T00:00:00Z",
    createdBy: "ana",
    masked: false,
  };
}

const RECORDS = [
  request("r-old", { receivedOn: "2026-01-05", deadline: "2026-01-19", status: "done", doneOn: "2026-01-10", doneBy: "ana", outcome: "Su ficha impresa, en sus manos" }),
  request("r-corr", { right: "correction", receivedOn: daysFromToday(-20), deadline: daysFromToday(-2), basis: CLAIM_LAW }),
  request("r-access", { receivedOn: daysFromToday(-1), deadline: daysFromToday(9) }),
  request("r-erase", { right: "erasure", receivedOn: today, deadline: daysFromToday(20), basis: CLAIM_LAW }),
];
const PARTICIPANT = rosita({ assignedTo: "ana" });
const FILE = { participant: PARTICIPANT, records: RECORDS } as ParticipantFile;

/** The tab beside PrimeVue's Toast, so that the toasts it shows can be read. */
function mountTab(role: Role = "coordinator") {
  const Host = defineComponent({
    emits: ["saved", "print", "erase"],
    setup(_, { emit }) {
      return () => [
        h(Toast),
        h(RightsTab, {
          file: FILE,
          catalog: CATALOG,
          staff: STAFF,
          mayErase: role !== "caseworker",
          onSaved: () => emit("saved"),
          onPrint: () => emit("print"),
          onErase: () => emit("erase"),
        }),
      ];
    },
  });
  return mountApp(Host);
}

function fakeCore(extra: Record<string, (args: unknown) => unknown> = {}) {
  mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
    if (command in extra) return extra[command](args);
    if (command === "participant_file") return FILE;
    if (command === "conflicts_list") return [];
    if (command === "legal_overview") return null;
    if (command === "directory_search") return { items: [], total: 0, capped: false };
    if (command === "printout_record") return null;
    return [];
  });
}

async function choose(id: string, value: string) {
  const select = inBody(id) as HTMLSelectElement;
  select.value = value;
  select.dispatchEvent(new Event("change"));
  await flushPromises();
}

describe("her file's Derechos tab", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    syncState.conflicts = [];
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("lists her requests newest first, each with its deadline and law, the time left or how late, and its status", async () => {
    fakeCore();
    const wrapper = mountTab();
    await flushPromises();
    expect(wrapper.find(byTestId("rights-intro")).text()).toContain("(acceso)");
    const order = wrapper.findAll('[data-testid^="rights-request-"]').map((item) => item.attributes("data-testid"));
    expect(order).toEqual(["rights-request-r-erase", "rights-request-r-access", "rights-request-r-corr", "rights-request-r-old"]);

    const late = wrapper.find(byTestId("rights-request-r-corr"));
    expect(late.text()).toContain("Corregir sus datos (corrección)");
    expect(late.text()).toContain("Abierta");
    expect(late.text()).toContain(`Recibida el ${shown(daysFromToday(-20))}`);
    expect(wrapper.find(byTestId("rights-deadline-r-corr")).text()).toBe(`Responder a más tardar el ${shown(daysFromToday(-2))} · ${CLAIM_LAW}`);
    expect(wrapper.find(byTestId("rights-left-r-corr")).text()).toBe("2 días de atraso");
    expect(late.classes()).toContain("rights-request--late");
    expect(wrapper.find(byTestId("rights-done-r-corr")).exists()).toBe(true);
    expect(wrapper.find(byTestId("rights-print-r-corr")).exists()).toBe(false);

    expect(wrapper.find(byTestId("rights-left-r-access")).text()).toBe("Quedan 9 días");
    expect(wrapper.find(byTestId("rights-request-r-access")).classes()).not.toContain("rights-request--late");
    expect(wrapper.find(byTestId("rights-print-r-access")).text()).toBe("Imprimir su ficha");
    expect(wrapper.find(byTestId("rights-done-r-access")).text()).toBe("Marcar como respondida");

    const answered = wrapper.find(byTestId("rights-request-r-old"));
    expect(answered.text()).toContain("Ver sus datos (acceso)");
    expect(wrapper.find(byTestId("rights-status-r-old")).text()).toBe("Respondida");
    expect(wrapper.find(byTestId("rights-done-line-r-old")).text()).toBe(`Respondida el ${shown("2026-01-10")} por Ana Rojas`);
    expect(wrapper.find(byTestId("rights-outcome-r-old")).text()).toBe("Qué se le entregó: Su ficha impresa, en sus manos");
    expect(wrapper.find(byTestId("rights-left-r-old")).exists()).toBe(false);
    expect(wrapper.find(byTestId("rights-done-r-old")).exists()).toBe(false);

    // An erasure is never marked answered: it is answered by erasing her.
    expect(wrapper.find(byTestId("rights-done-r-erase")).exists()).toBe(false);
    expect(wrapper.find(byTestId("rights-erase-r-erase")).exists()).toBe(true);
    await wrapper.find(byTestId("rights-print-r-access")).trigger("click");
    await wrapper.find(byTestId("rights-erase-r-erase")).trigger("click");
    expect(wrapper.emitted("print")).toHaveLength(1);
    expect(wrapper.emitted("erase")).toHaveLength(1);
    wrapper.unmount();
  });

  it("says to a caseworker that the coordination erases, instead of offering it", async () => {
    fakeCore();
    const wrapper = mountTab("caseworker");
    await flushPromises();
    expect(wrapper.find(byTestId("rights-erase-r-erase")).exists()).toBe(false);
    expect(wrapper.find(byTestId("rights-erase-note-r-erase")).text()).toContain("El borrado lo hace la coordinación");
    // Access and correction are hers to answer.
    expect(wrapper.find(byTestId("rights-done-r-access")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("records a request received today, says the law's time for the kind, and tells the deadline the core computed", async () => {
    const deadline = daysFromToday(14);
    const add = vi.fn((args: unknown) => ({ ...(args as object), id: "r-new", participantId: "p1", caseCode: "CO-ROSA-0001", chosenName: "Rosita", right: "access", receivedOn: today, deadline, basis: ACCESS_LAW, status: "open" }));
    fakeCore({ rights_add: add });
    const wrapper = mountTab();
    await flushPromises();
    await wrapper.find(byTestId("rights-new")).trigger("click");
    await flushPromises();
    expect((inBody("rights-received") as HTMLInputElement).value).not.toBe("");
    const options = [...document.body.querySelectorAll<HTMLOptionElement>('[data-testid^="rights-kind-"]')].map((option) => [option.dataset.testid, option.value]);
    expect(options).toEqual([
      ["rights-kind-access", "access"],
      ["rights-kind-correction", "correction"],
      ["rights-kind-erasure", "erasure"],
    ]);

    inBody("rights-submit")?.click();
    await flushPromises();
    expect(inBody("rights-kind-error")?.textContent).toContain("Elige una opción");
    expect(add).not.toHaveBeenCalled();

    await choose("rights-kind", "access");
    expect(inBody("rights-dialog")?.textContent).toContain(`La ley da 10 días hábiles para responder (${ACCESS_LAW}).`);
    inBody("rights-submit")?.click();
    await flushPromises();
    expect(add).toHaveBeenCalledWith({ participantId: "p1", right: "access", receivedOn: today });
    expect(document.body.textContent).toContain(`Hay que responderle a más tardar el ${shown(deadline)}.`);
    expect(inBody("rights-dialog")).toBeNull();
    expect(wrapper.emitted("saved")).toHaveLength(1);
    wrapper.unmount();
  });

  it("puts the core's refusal of the date on the date field", async () => {
    fakeCore({
      rights_add: () => {
        throw commandError("invalid_input", "receivedOn");
      },
    });
    const wrapper = mountTab();
    await flushPromises();
    await wrapper.find(byTestId("rights-new")).trigger("click");
    await flushPromises();
    await choose("rights-kind", "erasure");
    expect(inBody("rights-dialog")?.textContent).toContain(`La ley da 15 días hábiles para responder (${CLAIM_LAW}).`);
    inBody("rights-submit")?.click();
    await flushPromises();
    expect(inBody("rights-received-error")?.textContent).toContain("no es válido");
    expect(inBody("rights-dialog")).not.toBeNull();
    expect(wrapper.emitted("saved")).toBeUndefined();
    wrapper.unmount();
  });

  it("marks a correction answered with what was corrected, and an access one with nothing written", async () => {
    const done = vi.fn((args: unknown) => ({ ...(args as object) }));
    fakeCore({ rights_done: done });
    const wrapper = mountTab();
    await flushPromises();
    await wrapper.find(byTestId("rights-done-r-corr")).trigger("click");
    await flushPromises();
    expect(inBody("rights-done-dialog")?.querySelector('label[for="rights-outcome"]')?.textContent).toContain("Qué se corrigió");
    const outcome = inBody("rights-outcome") as HTMLTextAreaElement;
    outcome.value = "  Su año de nacimiento  ";
    outcome.dispatchEvent(new Event("input"));
    inBody("rights-done-confirm")?.click();
    await flushPromises();
    expect(done).toHaveBeenCalledWith({ requestId: "r-corr", outcome: "Su año de nacimiento" });
    expect(document.body.textContent).toContain("Se marcó la solicitud como respondida.");

    await wrapper.find(byTestId("rights-done-r-access")).trigger("click");
    await flushPromises();
    expect(inBody("rights-done-dialog")?.querySelector('label[for="rights-outcome"]')?.textContent).toContain("Qué se le entregó");
    expect((inBody("rights-outcome") as HTMLTextAreaElement).value).toBe("");
    inBody("rights-done-confirm")?.click();
    await flushPromises();
    expect(done).toHaveBeenLastCalledWith({ requestId: "r-access", outcome: null });
    expect(wrapper.emitted("saved")).toHaveLength(2);
    wrapper.unmount();
  });

  it("keeps the answer dialog open with the core's refusal", async () => {
    fakeCore({
      rights_done: () => {
        throw commandError("forbidden");
      },
    });
    const wrapper = mountTab();
    await flushPromises();
    await wrapper.find(byTestId("rights-done-r-access")).trigger("click");
    await flushPromises();
    inBody("rights-done-confirm")?.click();
    await flushPromises();
    expect(inBody("rights-done-error")?.textContent).toContain("No tienes permiso");
    expect(inBody("rights-done-dialog")).not.toBeNull();
    wrapper.unmount();
  });
});

describe("Derechos in her file", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    syncState.conflicts = [];
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  function mountFile(role: Role, initialTab: string | null = null) {
    return mountApp(ParticipantFileView, {
      props: { participantId: "p1", session: session(role), catalog: CATALOG, staff: STAFF, initialTab },
    });
  }

  it("is a tab of her file; a coordinator answers her erasure request with the file's own erase dialog", async () => {
    fakeCore();
    const wrapper = mountFile("coordinator");
    await flushPromises();
    expect(wrapper.find(byTestId("tab-rights")).text()).toBe("Derechos");
    await wrapper.find(byTestId("tab-rights")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("rights-tab")).exists()).toBe(true);
    await wrapper.find(byTestId("rights-erase-r-erase")).trigger("click");
    await flushPromises();
    expect(inBody("erase-dialog")).not.toBeNull();
    expect(inBody("erase-explain")?.textContent).toContain("CO-ROSA-0001");
    expect(inBody("erase-reason")).not.toBeNull();
    expect(inBody("erase-case-code")).not.toBeNull();
    wrapper.unmount();
  });

  it("opens on Derechos when asked, and offers a caseworker no erasure", async () => {
    fakeCore();
    const wrapper = mountFile("caseworker", "rights");
    await flushPromises();
    expect(wrapper.find(byTestId("rights-tab")).isVisible()).toBe(true);
    expect(wrapper.find(byTestId("rights-erase-r-erase")).exists()).toBe(false);
    expect(wrapper.find(byTestId("rights-erase-note-r-erase")).exists()).toBe(true);
    expect(wrapper.find(byTestId("file-erase")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("prints her whole file for an access request, as the file's own printout", async () => {
    fakeCore();
    const wrapper = mountFile("caseworker", "rights");
    await flushPromises();
    await wrapper.find(byTestId("rights-print-r-access")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("print-view")).attributes("data-print")).toBe("participant_file");
    expect(mockedInvoke).toHaveBeenCalledWith("printout_record", { printout: "participant_file", participantId: "p1" });
    wrapper.unmount();
  });
});
