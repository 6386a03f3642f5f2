import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import TasksTab from "../src/components/casefile/TasksTab.vue";
import { todayIso } from "../src/caseFile";
import { byTestId, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const SESSION = { staffId: "s1", username: "ana", displayName: "Ana Rojas", role: "caseworker", orgName: "Mujeres Libres", country: "CO", idleLockMinutes: 5, demo: false };
const STAFF = [
  { id: "s1", username: "ana", displayName: "Ana Rojas", role: "caseworker", active: true, createdAt: "2025-01-01T00:00:00Z" },
  { id: "s2", username: "marta", displayName: "Marta Gómez", role: "coordinator", active: true, createdAt: "2025-01-01T00:00:00Z" },
];
const CATALOG = { country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] };
const FILE = { participant: { id: "p1", caseCode: "CO-ABC123", chosenName: "Majo", assignedTo: "ana" }, records: [] };
const today = todayIso();
const OVERVIEW = {
  deadlines: [],
  plans: [],
  eligibility: [],
  tasks: [
    { key: "follow_up/2026-01-01/day30", kind: "follow_up", dueOn: "2026-01-31", recordId: null, detail: "day30", assignedTo: null },
    { key: "task/t1", kind: "manual", dueOn: today, recordId: "t1", detail: "Acompañarla a la Registraduría", assignedTo: "marta" },
    { key: "rights/r1", kind: "rights_deadline", dueOn: today, recordId: "r1", detail: "correction", assignedTo: null },
  ],
};

function fakeCore() {
  mockedInvoke.mockImplementation(async (command: string) => {
    if (command === "legal_overview") return OVERVIEW;
    if (command === "record_save") return { id: "t2" };
    if (command === "task_complete") return null;
    throw new Error(`unexpected ${command}`);
  });
}

describe("tasks tab", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("lists her open tasks in words, with who does each", async () => {
    fakeCore();
    const wrapper = mountApp(TasksTab, { props: { file: FILE, session: SESSION, catalog: CATALOG, staff: STAFF, readOnly: false } });
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("legal_overview", { participantId: "p1", today });
    const first = wrapper.find(byTestId("task-row-0")).text();
    expect(first).toContain("Seguimiento a los 30 días de la salida");
    expect(first).toContain("Ana Rojas");
    expect(first).toContain("días de atraso");
    const second = wrapper.find(byTestId("task-row-1")).text();
    expect(second).toContain("Acompañarla a la Registraduría");
    expect(second).toContain("Marta Gómez");
    wrapper.unmount();
  });

  it("adds a task by hand as a task record, open and due when chosen", async () => {
    fakeCore();
    const wrapper = mountApp(TasksTab, { props: { file: FILE, session: SESSION, catalog: CATALOG, staff: STAFF, readOnly: false } });
    await flushPromises();
    await wrapper.find(byTestId("task-add")).trigger("click");
    await flushPromises();
    inBody("task-save")?.click();
    await flushPromises();
    expect(inBody("task-title-error")?.textContent).toContain("Falta completar");
    const title = inBody("task-title") as HTMLInputElement;
    title.value = "Llamar a la EPS";
    title.dispatchEvent(new Event("input"));
    const who = inBody("task-assigned") as HTMLSelectElement;
    who.value = "marta";
    who.dispatchEvent(new Event("change"));
    inBody("task-save")?.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("record_save", {
      participantId: "p1",
      recordId: null,
      data: { kind: "task", title: "Llamar a la EPS", dueOn: today, assignedTo: "marta", done: false, notes: null },
    });
    expect(wrapper.emitted("saved")).toHaveLength(1);
    wrapper.unmount();
  });

  it("sends a request's deadline to Derechos instead of offering Hecho", async () => {
    fakeCore();
    const wrapper = mountApp(TasksTab, { props: { file: FILE, session: SESSION, catalog: CATALOG, staff: STAFF, readOnly: false } });
    await flushPromises();
    expect(wrapper.find(byTestId("task-row-2")).text()).toContain("Plazo legal: responder su solicitud de corrección de sus datos");
    expect(wrapper.find(byTestId("task-done-2")).exists()).toBe(false);
    await wrapper.find(byTestId("task-rights-2")).trigger("click");
    expect(wrapper.emitted("openRights")).toHaveLength(1);
    expect(mockedInvoke.mock.calls.some(([command]) => command === "task_complete")).toBe(false);
    wrapper.unmount();
  });

  it("completes a task on the person's day, and offers nothing on a closed file", async () => {
    fakeCore();
    const wrapper = mountApp(TasksTab, { props: { file: FILE, session: SESSION, catalog: CATALOG, staff: STAFF, readOnly: false } });
    await flushPromises();
    await wrapper.find(byTestId("task-done-1")).trigger("click");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("task_complete", { participantId: "p1", key: "task/t1", today });
    expect(wrapper.emitted("saved")).toHaveLength(1);
    await wrapper.setProps({ readOnly: true });
    expect(wrapper.find(byTestId("task-done-0")).exists()).toBe(false);
    expect(wrapper.find(byTestId("task-add")).exists()).toBe(false);
    wrapper.unmount();
  });
});
