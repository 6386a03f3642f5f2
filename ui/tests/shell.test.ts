import { showLanguage } from "../src/i18n";
import { showTextSize } from "../src/textSize";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import App from "../src/App.vue";
import { sessionState } from "../src/session";
import { startActivityReporting, TOUCH_INTERVAL_MS } from "../src/activity";
import { byTestId, CO_RIGHTS, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);
const mockedListen = vi.mocked(listen);

const ADMIN = {
  staffId: "s1",
  username: "ana.rojas",
  displayName: "Ana Rojas",
  role: "admin",
  orgName: "Mujeres Libres",
  country: "CO",
  idleLockMinutes: 5,
};
const STAFF = [
  { id: "s1", username: "ana.rojas", displayName: "Ana Rojas", role: "admin", active: true, createdAt: "2025-03-02T14:00:00Z" },
  { id: "s2", username: "marta_g", displayName: "Marta Gómez", role: "caseworker", active: true, createdAt: "2025-04-11T09:10:00Z" },
];

type Handler = (event: { payload: unknown }) => void;
let lockHandler: Handler | null = null;

function fakeCore(session: typeof ADMIN | null, extra: Record<string, unknown> = {}) {
  mockedInvoke.mockImplementation(async (command: string) => {
    if (command === "vault_status") return { exists: true, session };
    if (command === "staff_list") return STAFF;
    if (command === "session_lock") return null;
    if (command === "preferences_set") return null;
    if (command in extra) return extra[command];
    throw { code: "internal", message: `unexpected ${command}`, field: null };
  });
}

describe("main shell", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    lockHandler = null;
    mockedListen.mockImplementation(async (event: string, handler: unknown) => {
      if (event === "session-locked") lockHandler = handler as Handler;
      return () => {};
    });
    Object.assign(sessionState, { phase: "loading", session: null, lockReason: null });
  });

  it("opens on the shell when the core says a session is open, and shows who is signed in", async () => {
    fakeCore(ADMIN);
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("shell")).exists()).toBe(true);
    expect(wrapper.find(byTestId("current-user")).text()).toContain("Ana Rojas");
    expect(wrapper.find(byTestId("current-user")).text()).toContain("Administradora");
    expect(wrapper.find(byTestId("nav-audit")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("opens on Hoy, asking for the tasks of the person's local day", async () => {
    const none = { items: [], total: 0, capped: false };
    const day = { today: "2026-11-29", overdue: none, dueToday: none, thisWeek: none };
    fakeCore(ADMIN, { tasks_today: day, catalog_get: { country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] } });
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("today-area")).exists()).toBe(true);
    expect(wrapper.find(byTestId("nav-today")).attributes("aria-current")).toBe("page");
    expect(wrapper.find(byTestId("today-empty")).text()).toContain("Todo al día");
    expect(mockedInvoke).toHaveBeenCalledWith("tasks_today", { query: expect.objectContaining({ mine: false }) });
    expect(wrapper.find(byTestId("coming-soon")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("hides the admin areas and staff actions from a caseworker", async () => {
    fakeCore({ ...ADMIN, staffId: "s2", username: "marta_g", displayName: "Marta Gómez", role: "caseworker" } as typeof ADMIN);
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("nav-audit")).exists()).toBe(false);
    expect(wrapper.find(byTestId("nav-settings")).exists()).toBe(false);
    expect(wrapper.find(byTestId("nav-rights")).exists()).toBe(false);
    await wrapper.find(byTestId("nav-staff")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("staff-row-ana.rojas")).exists()).toBe(true);
    expect(wrapper.find(byTestId("staff-add")).exists()).toBe(false);
    expect(wrapper.find(byTestId("staff-disable-ana.rojas")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("shows Acerca de to a caseworker under Mi cuenta, and opens it", async () => {
    fakeCore({ ...ADMIN, staffId: "s2", username: "marta_g", displayName: "Marta Gómez", role: "caseworker" } as typeof ADMIN, {
      about: {
        version: "0.4.2",
        licence: "AGPL-3.0-or-later",
        dataDir: "/home/marta/.local/share/acompana",
        schemaVersion: 12,
        schemaLatest: 12,
        keyslotFormat: 2,
        syncFormat: 3,
        backupFormat: 1,
        summaryFormat: 4,
      },
    });
    const wrapper = mountApp(App);
    await flushPromises();
    const nav = wrapper.find(byTestId("nav-about"));
    expect(nav.text()).toBe("Acerca de");
    const group = wrapper.find('[aria-labelledby="nav-group-account"]');
    expect(group.find(byTestId("nav-password")).exists()).toBe(true);
    expect(group.find(byTestId("nav-about")).exists()).toBe(true);
    await nav.trigger("click");
    await flushPromises();
    expect(nav.attributes("aria-current")).toBe("page");
    expect(mockedInvoke).toHaveBeenCalledWith("about");
    expect(wrapper.find(byTestId("about-card")).exists()).toBe(true);
    expect(wrapper.find(byTestId("about-version")).text()).toBe("0.4.2");
    wrapper.unmount();
  });

  it("shows Ayuda to a caseworker under Mi cuenta, after Acerca de, and opens the guide", async () => {
    fakeCore({ ...ADMIN, staffId: "s2", username: "marta_g", displayName: "Marta Gómez", role: "caseworker" } as typeof ADMIN);
    const wrapper = mountApp(App);
    await flushPromises();
    const group = wrapper.find('[aria-labelledby="nav-group-account"]');
    const ids = group.findAll("[data-testid^='nav-']").map((item) => item.attributes("data-testid"));
    expect(ids.slice(-2)).toEqual(["nav-about", "nav-help"]);
    const nav = wrapper.find(byTestId("nav-help"));
    expect(nav.text()).toBe("Ayuda");
    await nav.trigger("click");
    await flushPromises();
    expect(nav.attributes("aria-current")).toBe("page");
    expect(wrapper.find(byTestId("help-guide")).text()).toContain("Guía de Acompaña");
    wrapper.unmount();
  });

  it("shows Derechos to coordinators (without the administrators' areas) and opens a woman's file there on its Derechos tab", async () => {
    const none = { items: [], total: 0, capped: false };
    const catalog = { ...CO_RIGHTS, country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] };
    const data = {
      right: "access",
      receivedOn: "2026-11-03",
      deadline: "2026-11-17",
      basis: "Ley 1581 de 2012, art. 14 (consultas)",
      status: "open",
      doneOn: null,
      doneBy: null,
      outcome: null,
    };
    const request = { id: "q1", participantId: "p1", caseCode: "CO-ROSA-0001", chosenName: "Rosita", ...data };
    const participant = { id: "p1", caseCode: "CO-ROSA-0001", legalName: "Rosa", chosenName: "Rosita", status: "open", closingReason: null, assignedTo: null, sharedWith: [] };
    fakeCore({ ...ADMIN, role: "coordinator" } as typeof ADMIN, {
      tasks_today: { today: "2026-11-29", overdue: none, dueToday: none, thisWeek: none },
      catalog_get: catalog,
      rights_list: { requests: [request], erasures: [] },
      participant_file: { participant, records: [{ id: "q1", participantId: "p1", data: { kind: "rights_request", ...data }, createdAt: "2026-11-03T10:00:00Z", createdBy: "ana.rojas", masked: false }] },
      conflicts_list: [],
      legal_overview: null,
    });
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("nav-audit")).exists()).toBe(false);
    const nav = wrapper.find(byTestId("nav-rights"));
    expect(nav.text()).toBe("Derechos");
    await nav.trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("rights-area")).exists()).toBe(true);
    expect(mockedInvoke).toHaveBeenCalledWith("rights_list");
    await wrapper.find(byTestId("rights-open-q1")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("nav-participants")).attributes("aria-current")).toBe("page");
    expect(wrapper.find(byTestId("rights-tab")).isVisible()).toBe(true);
    expect(wrapper.find(byTestId("rights-request-q1")).text()).toContain("Ver sus datos (acceso)");
    wrapper.unmount();
  });

  it("shows Derechos to administrators too", async () => {
    fakeCore(ADMIN);
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("nav-rights")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("lists the team with a test id per row and actions for others only", async () => {
    fakeCore(ADMIN);
    const wrapper = mountApp(App);
    await flushPromises();
    await wrapper.find(byTestId("nav-staff")).trigger("click");
    await flushPromises();
    const row = wrapper.find(byTestId("staff-row-marta_g"));
    expect(row.element.tagName).toBe("TR");
    expect(row.text()).toContain("Facilitadora par");
    expect(wrapper.find(byTestId("staff-disable-marta_g")).exists()).toBe(true);
    expect(wrapper.find(byTestId("staff-disable-ana.rojas")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("goes back to sign-in with the inactivity message when the core locks for idle time", async () => {
    fakeCore(ADMIN);
    const wrapper = mountApp(App);
    await flushPromises();
    expect(lockHandler).not.toBeNull();
    lockHandler?.({ payload: { reason: "idle" } });
    await flushPromises();
    expect(wrapper.find(byTestId("shell")).exists()).toBe(false);
    expect(wrapper.find(byTestId("signin-locked-notice")).text()).toContain("Se cerró la sesión por inactividad");
    expect(sessionState.session).toBeNull();
    wrapper.unmount();
  });

  it("clears messages when it locks, so no name stays on the locked screen", async () => {
    fakeCore(ADMIN);
    const wrapper = mountApp(App);
    await flushPromises();
    const toast = wrapper.vm.$toast as unknown as { add: (m: object) => void } | undefined;
    (toast ?? wrapper.findComponent({ name: "Toast" }).vm.$toast).add({ severity: "success", summary: "Se agregó a Lucía Pérez" });
    await flushPromises();
    expect(document.body.textContent).toContain("Lucía Pérez");
    await wrapper.find(byTestId("lock-button")).trigger("click");
    await flushPromises();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(wrapper.find(byTestId("signin-form")).exists()).toBe(true);
    expect(document.body.textContent).not.toContain("Lucía Pérez");
    wrapper.unmount();
  });

  it("locks with Ctrl+L", async () => {
    fakeCore(ADMIN);
    const wrapper = mountApp(App);
    await flushPromises();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "l", ctrlKey: true }));
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("session_lock");
    expect(wrapper.find(byTestId("signin-form")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("labels a demo vault with a banner that stays, and locking it leaves the demo", async () => {
    const demo = { ...ADMIN, orgName: "Demo — datos inventados", demo: true };
    let vaultExists = true;
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "vault_status") return vaultExists ? { exists: true, session: demo } : { exists: false, session: null };
      if (command === "session_lock") {
        vaultExists = false;
        return null;
      }
      if (command === "staff_list") return STAFF;
      throw { code: "internal", message: `unexpected ${command}`, field: null };
    });
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("demo-banner")).text()).toContain("todo es inventado");
    await wrapper.find(byTestId("nav-staff")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("demo-banner")).exists()).toBe(true);
    await wrapper.find(byTestId("lock-button")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("first-run")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("shows no demo banner on a real vault", async () => {
    fakeCore({ ...ADMIN, demo: false } as typeof ADMIN);
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("shell")).exists()).toBe(true);
    expect(wrapper.find(byTestId("demo-banner")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("asks the core to remember only the language code and the text size, and stores nothing itself", async () => {
    fakeCore(ADMIN);
    localStorage.clear();
    const wrapper = mountApp(App);
    await flushPromises();
    await wrapper.find(byTestId("lang-select")).setValue("pt-BR");
    expect(wrapper.find(byTestId("nav-staff")).text()).toBe("Equipe");
    expect(document.documentElement.lang).toBe("pt-BR");
    expect(mockedInvoke).toHaveBeenCalledWith("preferences_set", { preferences: { language: "pt-BR", textSize: 100 } });
    expect({ ...localStorage }).toEqual({});
    await wrapper.find(byTestId("lang-select")).setValue("es");
    wrapper.unmount();
  });
});

describe("remembered language", () => {
  it("opens in the language the core remembers", async () => {
    mockedInvoke.mockReset();
    mockedListen.mockImplementation(async () => () => {});
    Object.assign(sessionState, { phase: "loading", session: null, lockReason: null });
    fakeCore(ADMIN, { preferences_get: { language: "pt-BR" } });
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("nav-staff")).text()).toBe("Equipe");
    wrapper.unmount();
    showLanguage("es");
  });

  it("opens at the text size the core remembers, and Ctrl+- makes it smaller and says so to the core", async () => {
    mockedInvoke.mockReset();
    mockedListen.mockImplementation(async () => () => {});
    Object.assign(sessionState, { phase: "loading", session: null, lockReason: null });
    fakeCore(ADMIN, { preferences_get: { language: "es", textSize: 200 } });
    const wrapper = mountApp(App);
    await flushPromises();
    expect(document.documentElement.style.fontSize).toBe("32px");
    expect((wrapper.find(byTestId("text-size-select")).element as HTMLSelectElement).value).toBe("200");
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "-", ctrlKey: true }));
    await flushPromises();
    expect(document.documentElement.style.fontSize).toBe("28px");
    expect(mockedInvoke).toHaveBeenCalledWith("preferences_set", { preferences: { language: "es", textSize: 175 } });
    wrapper.unmount();
    showTextSize(100);
  });
});

describe("activity reporting", () => {
  it("tells the core about activity at most once every 30 seconds", () => {
    mockedInvoke.mockReset();
    mockedInvoke.mockResolvedValue(null);
    let now = 1_000_000;
    const stop = startActivityReporting(() => now);
    window.dispatchEvent(new MouseEvent("mousemove"));
    expect(mockedInvoke).not.toHaveBeenCalled();
    now += TOUCH_INTERVAL_MS;
    window.dispatchEvent(new MouseEvent("mousemove"));
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    window.dispatchEvent(new MouseEvent("click"));
    expect(mockedInvoke).toHaveBeenCalledTimes(1);
    expect(mockedInvoke).toHaveBeenCalledWith("session_touch");
    now += TOUCH_INTERVAL_MS + 1;
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    expect(mockedInvoke).toHaveBeenCalledTimes(2);
    stop();
    now += TOUCH_INTERVAL_MS * 2;
    window.dispatchEvent(new MouseEvent("click"));
    expect(mockedInvoke).toHaveBeenCalledTimes(2);
  });
});
