import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import SyncArea from "../src/areas/SyncArea.vue";
import App from "../src/App.vue";
import { forgetSync } from "../src/sync";
import { sessionState } from "../src/session";
import { byTestId, commandError, device, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const STAFF = [
  { id: "s1", username: "ana.rojas", displayName: "Ana Rojas", role: "admin", active: true, createdAt: "2025-03-02T14:00:00Z" },
  { id: "s2", username: "marta_g", displayName: "Marta Gómez", role: "caseworker", active: true, createdAt: "2025-04-11T09:10:00Z" },
];
const CATALOG = { country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] };
const DEVICES = [
  device({ id: "dev-this", name: "Laptop Ana", staff: "ana.rojas", thisLaptop: true }),
  device({ id: "dev-marta", name: "Laptop Marta", staff: "marta_g", lastHeard: "2026-11-01T10:00:00Z" }),
  device({ id: "dev-lucia", name: "Laptop Lucía", registered: false, joinExpires: "2026-12-01T00:00:00Z" }),
  device({ id: "dev-old", name: "Laptop vieja", revoked: true }),
];
const CONFLICT = {
  id: "op-lost",
  recordType: "household",
  recordId: "h1",
  field: "householdSize",
  participantId: "p7",
  caseCode: "MLB-0007",
  chosenName: "Rosa",
  kept: { opId: "op-kept", value: "4", deleted: false, author: "ana.rojas", device: "Laptop Ana", at: "2026-11-02T15:04:00Z" },
  other: { opId: "op-lost", value: "5", deleted: false, author: "marta_g", device: "Laptop Marta", at: "2026-11-02T14:00:00Z" },
};
const REPORT = {
  files: 1,
  applied: 12,
  known: 0,
  superseded: 0,
  conflicts: 1,
  dropped: 0,
  fromTheFuture: 0,
  from: ["Laptop Marta"],
  participantsChanged: [{ id: "p7", caseCode: "MLB-0007", chosenName: "Rosa" }],
  purged: 0,
  erased: 1,
  droppedErased: 0,
  ruleWarnings: [{ participantId: "p7", caseCode: "MLB-0007", rule: "service_hours_over_a_day", recordId: "plan1", detail: "2026-11-02: 10" }],
  alreadyImported: 1,
  renamedStaff: [],
};

type Answers = Record<string, unknown>;
/** A fake core: each command answers its entry (a function is called with the arguments). */
function fakeCore(answers: Answers) {
  mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
    const answer = {
      staff_list: STAFF,
      catalog_get: CATALOG,
      device_list: DEVICES,
      conflicts_list: [],
      sync_folder_get: null,
      ...answers,
    }[command];
    if (answer === undefined) throw { code: "internal", message: `unexpected ${command}`, field: null };
    return typeof answer === "function" ? (answer as (a: unknown) => unknown)(args) : answer;
  });
}

async function mountArea() {
  const wrapper = mountApp(SyncArea);
  await flushPromises();
  return wrapper;
}

describe("Sincronizar", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetSync();
  });

  it("lists the other registered laptops to save changes for, and saves for the ones ticked", async () => {
    fakeCore({
      sync_save_changes: {
        files: [{ deviceId: "dev-marta", deviceName: "Laptop Marta", fileName: "acompana-a-b.age", changes: 37 }],
      },
    });
    const wrapper = await mountArea();
    expect(wrapper.find(byTestId("sync-area")).exists()).toBe(true);
    expect(wrapper.find(byTestId("sync-device-dev-marta")).exists()).toBe(true);
    expect(wrapper.find(byTestId("sync-device-dev-this")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-device-dev-lucia")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-device-dev-old")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-save-section")).text()).toContain("Marta Gómez");
    expect(wrapper.find(byTestId("sync-waiting")).text()).toContain("Laptop Lucía");
    const save = wrapper.find(byTestId("sync-save"));
    expect(save.attributes("disabled")).toBeDefined();
    await wrapper.find(byTestId("sync-device-dev-marta")).setValue(true);
    expect(save.attributes("disabled")).toBeUndefined();
    await save.trigger("click");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("sync_save_changes", { deviceIds: ["dev-marta"] });
    const saved = wrapper.find(byTestId("sync-saved"));
    expect(saved.text()).toContain("Para Laptop Marta: el archivo «acompana-a-b.age», con 37 cambios.");
    wrapper.unmount();
  });

  it("says so when the save dialog was cancelled", async () => {
    fakeCore({ sync_save_changes: null });
    const wrapper = await mountArea();
    await wrapper.find(byTestId("sync-device-dev-marta")).setValue(true);
    await wrapper.find(byTestId("sync-save")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sync-saved")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-save-cancelled")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("says what to do when no other laptop is registered", async () => {
    fakeCore({ device_list: [DEVICES[0]] });
    const wrapper = await mountArea();
    const empty = wrapper.find(byTestId("sync-no-devices"));
    expect(empty.text()).toContain("Todavía no hay otras laptops registradas.");
    expect(empty.text()).toContain("Equipo → Laptops");
    expect(wrapper.find(byTestId("sync-save")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("opens a received file, busy meanwhile, and reports what it brought in plain words", async () => {
    let answer: (value: unknown) => void = () => {};
    let conflicts: unknown[] = [];
    fakeCore({
      sync_open_received: () => new Promise((resolve) => (answer = resolve)),
      conflicts_list: () => conflicts,
    });
    const wrapper = await mountArea();
    await wrapper.find(byTestId("sync-open")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sync-busy")).exists()).toBe(true);
    expect(wrapper.find(byTestId("sync-open")).attributes("disabled")).toBeDefined();
    conflicts = [CONFLICT];
    answer(REPORT);
    await flushPromises();
    expect(wrapper.find(byTestId("sync-busy")).exists()).toBe(false);
    const report = wrapper.find(byTestId("sync-report"));
    expect(report.find(byTestId("sync-report-applied")).text()).toBe("Llegaron 12 cambios de Laptop Marta.");
    expect(report.find(byTestId("sync-report-file-MLB-0007")).text()).toContain("Rosa");
    expect(report.find(byTestId("sync-report-conflicts")).text()).toContain("1 conflicto espera");
    expect(report.find(byTestId("sync-report-already")).text()).toContain("1 archivo ya se había abierto antes");
    expect(report.find(byTestId("sync-report-erased")).text()).toContain("1 mujer");
    expect(report.find(byTestId("sync-report-warnings")).text()).toContain("10 horas");
    // The conflicts were read again: the new one is listed.
    expect(wrapper.find(byTestId("conflict-op-lost")).exists()).toBe(true);
    await report.find(byTestId("sync-report-file-MLB-0007")).trigger("click");
    expect(wrapper.emitted("openFile")?.[0]).toEqual(["p7"]);
    wrapper.unmount();
  });

  it("explains a refused file in words and says nothing changed", async () => {
    fakeCore({});
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "sync_open_received") throw commandError("sync_refused", null, "sync_device_revoked");
      if (command === "device_list") return DEVICES;
      if (command === "conflicts_list") return [];
      if (command === "staff_list") return STAFF;
      if (command === "catalog_get") return CATALOG;
      throw commandError("internal");
    });
    const wrapper = await mountArea();
    await wrapper.find(byTestId("sync-open")).trigger("click");
    await flushPromises();
    const refused = wrapper.find(byTestId("sync-refused"));
    expect(refused.text()).toContain("laptop revocada");
    expect(refused.text()).toContain("No se cambió nada en esta laptop.");
    expect(wrapper.find(byTestId("sync-report")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("shows each conflict's two sides and keeps the one chosen", async () => {
    let conflicts: unknown[] = [CONFLICT];
    fakeCore({
      conflicts_list: () => conflicts,
      conflicts_resolve: () => {
        conflicts = [];
        return null;
      },
    });
    const wrapper = await mountArea();
    const item = wrapper.find(byTestId("conflict-op-lost"));
    expect(item.text()).toContain("MLB-0007");
    expect(item.text()).toContain("Rosa");
    expect(wrapper.find(byTestId("conflict-field-op-lost")).text()).toBe("Personas en el hogar");
    expect(wrapper.find(byTestId("conflict-value-kept-op-lost")).text()).toBe("4");
    expect(wrapper.find(byTestId("conflict-value-other-op-lost")).text()).toBe("5");
    expect(wrapper.find(byTestId("conflict-by-other-op-lost")).text()).toContain("Marta Gómez en Laptop Marta");
    await wrapper.find(byTestId("conflict-keep-other-op-lost")).trigger("click");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("conflicts_resolve", { conflictId: "op-lost", keepOp: "op-lost" });
    expect(wrapper.find(byTestId("conflict-op-lost")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-conflicts-empty")).text()).toBe("No hay conflictos pendientes.");
    wrapper.unmount();
  });

  it("keeps the current value with the other button, and says 'borrado' for a deletion", async () => {
    const deleted = { ...CONFLICT, kept: { ...CONFLICT.kept, value: null, deleted: true } };
    fakeCore({ conflicts_list: [deleted], conflicts_resolve: null });
    const wrapper = await mountArea();
    expect(wrapper.find(byTestId("conflict-value-kept-op-lost")).text()).toBe("borrado");
    await wrapper.find(byTestId("conflict-keep-kept-op-lost")).trigger("click");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("conflicts_resolve", { conflictId: "op-lost", keepOp: "op-kept" });
    wrapper.unmount();
  });
});

describe("the conflicts badge", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetSync();
    Object.assign(sessionState, { phase: "loading", session: null, lockReason: null });
  });

  it("shows on Sincronizar how many conflicts wait, and goes when they are settled", async () => {
    const admin = { staffId: "s1", username: "ana.rojas", displayName: "Ana Rojas", role: "admin", orgName: "Mujeres Libres", country: "CO", idleLockMinutes: 5 };
    const none = { items: [], total: 0, capped: false };
    let conflicts: unknown[] = [CONFLICT, { ...CONFLICT, id: "op-2" }];
    fakeCore({
      vault_status: { exists: true, session: admin },
      tasks_today: { today: "2026-11-29", overdue: none, dueToday: none, thisWeek: none },
      preferences_get: { language: "es" },
      conflicts_list: () => conflicts,
      conflicts_resolve: () => {
        conflicts = conflicts.slice(1);
        return null;
      },
    });
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("nav-sync-badge")).text()).toBe("2");
    expect(wrapper.find(byTestId("nav-sync")).text()).toContain("2 conflictos pendientes");
    await wrapper.find(byTestId("nav-sync")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sync-area")).exists()).toBe(true);
    await wrapper.find(byTestId("conflict-keep-kept-op-lost")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("nav-sync-badge")).text()).toBe("1");
    conflicts = [];
    await wrapper.find(byTestId("conflict-keep-kept-op-2")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("nav-sync-badge")).exists()).toBe(false);
    wrapper.unmount();
  });
});
