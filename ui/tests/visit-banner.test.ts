import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import App from "../src/App.vue";
import { sessionState } from "../src/session";
import { VISIT_CHECK_MS, VISIT_ENDED_TOAST_CLASS, forgetSync, forgetVisitInForce, visitState } from "../src/sync";
import { byTestId, commandError, device, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);
const calls = (command: string) => mockedInvoke.mock.calls.filter(([name]) => name === command).length;

const CASEWORKER = {
  staffId: "s3",
  username: "marta_g",
  displayName: "Marta Gómez",
  role: "caseworker",
  orgName: "Mujeres Libres",
  country: "CO",
  idleLockMinutes: 5,
  demo: false,
};
const NONE = { items: [], total: 0, capped: false };
const VISIT = {
  expires: "2026-12-04T15:00:00Z",
  files: [
    { id: "p1", caseCode: "MLB-0001", chosenName: "Rosa" },
    { id: "p3", caseCode: "MLB-0003", chosenName: null },
  ],
};
const REPORT = {
  files: 1,
  applied: 4,
  known: 0,
  superseded: 0,
  conflicts: 0,
  dropped: 0,
  fromTheFuture: 0,
  from: ["Laptop Oficina"],
  participantsChanged: [],
  purged: 0,
  erased: 0,
  droppedErased: 0,
  ruleWarnings: [],
  alreadyImported: 0,
  renamedStaff: [],
  visitFilesPurged: 2,
};

/** A fake core for the shell: `visit_status` answers `visit()` each time it is asked. */
function fakeCore(visit: () => unknown, answers: Record<string, unknown> = {}) {
  mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
    const all: Record<string, unknown> = {
      vault_status: { exists: true, session: CASEWORKER },
      tasks_today: { today: "2026-11-29", overdue: NONE, dueToday: NONE, thisWeek: NONE },
      preferences_get: { language: "es" },
      staff_list: [],
      catalog_get: { country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] },
      conflicts_list: [],
      sync_folder_get: null,
      device_list: [device({ id: "dev-marta", name: "Laptop Marta", staff: "marta_g", thisLaptop: true })],
      visit_status: visit,
      ...answers,
    };
    if (!(command in all)) throw commandError("internal");
    const answer = all[command];
    return typeof answer === "function" ? (answer as (a: unknown) => unknown)(args) : answer;
  });
}

const endedToasts = () => document.body.querySelectorAll(`.${VISIT_ENDED_TOAST_CLASS}`);

describe("the visit banner", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetSync();
    forgetVisitInForce();
    document.body.innerHTML = "";
    Object.assign(sessionState, { phase: "loading", session: null, lockReason: null });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("says on every screen that this laptop carries a visit, until when, and which women", async () => {
    fakeCore(() => VISIT);
    const wrapper = mountApp(App);
    await flushPromises();
    expect(calls("visit_status")).toBeGreaterThan(0);
    const banner = wrapper.find(byTestId("visit-banner"));
    expect(banner.attributes("role")).toBe("status");
    expect(banner.text()).toContain("Modo visita: esta laptop lleva solo 2 mujeres hasta el");
    expect(banner.text()).toContain("2026");
    expect(banner.text()).toContain("Después de esa fecha, o cuando sincronices lo trabajado, sus datos se borran de esta laptop.");
    // The list shows when asked.
    expect(wrapper.find(byTestId("visit-banner-list")).exists()).toBe(false);
    await wrapper.find(byTestId("visit-banner-files")).trigger("click");
    expect(wrapper.find(byTestId("visit-banner-files")).attributes("aria-expanded")).toBe("true");
    const list = wrapper.find(byTestId("visit-banner-list"));
    expect(list.text()).toContain("Las mujeres de esta visita:");
    expect(wrapper.find(byTestId("visit-banner-file-MLB-0001")).text()).toContain("Rosa");
    expect(wrapper.find(byTestId("visit-banner-file-MLB-0003")).text()).toContain("sin nombre");
    // Still there on another screen.
    await wrapper.find(byTestId("nav-sync")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sync-area")).exists()).toBe(true);
    expect(wrapper.find(byTestId("visit-banner")).exists()).toBe(true);
    // Each woman opens her file.
    await wrapper.find(byTestId("visit-banner-file-MLB-0001")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("nav-participants")).attributes("aria-current")).toBe("page");
    expect(mockedInvoke).toHaveBeenCalledWith("participant_file", { participantId: "p1" });
    wrapper.unmount();
  });

  it("is not there when the laptop carries no visit", async () => {
    fakeCore(() => null);
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("shell")).exists()).toBe(true);
    expect(calls("visit_status")).toBeGreaterThan(0);
    expect(wrapper.find(byTestId("visit-banner")).exists()).toBe(false);
    expect(endedToasts()).toHaveLength(0);
    wrapper.unmount();
  });

  it("asks every minute, and says the visit's files left when it is over", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    let visit: unknown = VISIT;
    fakeCore(() => visit);
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("visit-banner")).exists()).toBe(true);
    const before = calls("visit_status");
    visit = null;
    vi.advanceTimersByTime(VISIT_CHECK_MS);
    await flushPromises();
    expect(calls("visit_status")).toBe(before + 1);
    expect(wrapper.find(byTestId("visit-banner")).exists()).toBe(false);
    expect(endedToasts()).toHaveLength(1);
    expect(inBody("toast")!.textContent).toContain("Terminó la visita: sus expedientes salieron de esta laptop.");
    // Asked again: no second toast.
    vi.advanceTimersByTime(VISIT_CHECK_MS);
    await flushPromises();
    expect(endedToasts()).toHaveLength(1);
    wrapper.unmount();
  });

  it("says so when an opened file took the visit's files off, with a line in the report", async () => {
    let visit: unknown = VISIT;
    fakeCore(() => visit, {
      sync_open_received: () => {
        visit = null;
        return REPORT;
      },
    });
    const wrapper = mountApp(App);
    await flushPromises();
    await wrapper.find(byTestId("nav-sync")).trigger("click");
    await flushPromises();
    const asked = calls("visit_status");
    await wrapper.find(byTestId("sync-open")).trigger("click");
    await flushPromises();
    // Asked again after the import; one toast though the import and the status both say it.
    expect(calls("visit_status")).toBe(asked + 1);
    expect(wrapper.find(byTestId("sync-report-visit-purged")).text()).toBe(
      "2 expedientes de la visita salieron de esta laptop porque la visita terminó.",
    );
    expect(wrapper.find(byTestId("sync-report-nothing")).exists()).toBe(false);
    expect(wrapper.find(byTestId("visit-banner")).exists()).toBe(false);
    expect(endedToasts()).toHaveLength(1);
    wrapper.unmount();
  });

  it("tells after signing in again of a visit that ended while the laptop was locked", async () => {
    let visit: unknown = VISIT;
    fakeCore(() => visit, { session_lock: null, session_unlock: () => CASEWORKER });
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("visit-banner")).exists()).toBe(true);
    await wrapper.find(byTestId("lock-button")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sign-in")).exists()).toBe(true);
    // Nothing about the women stays while locked.
    expect(visitState.mode).toBeNull();
    visit = null;
    await wrapper.find(byTestId("signin-username")).setValue("marta_g");
    await wrapper.find(byTestId("signin-password")).setValue("una frase bastante larga");
    await wrapper.find(byTestId("signin-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("shell")).exists()).toBe(true);
    expect(wrapper.find(byTestId("visit-banner")).exists()).toBe(false);
    expect(endedToasts()).toHaveLength(1);
    wrapper.unmount();
  });
});
