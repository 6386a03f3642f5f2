import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

import { defineComponent, h, ref } from "vue";
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import App from "../src/App.vue";
import DraftNotice from "../src/components/DraftNotice.vue";
import SummaryTab from "../src/components/casefile/SummaryTab.vue";
import ServiceTab from "../src/components/casefile/ServiceTab.vue";
import ParticipantsArea from "../src/areas/ParticipantsArea.vue";
import { closeDrafts, draftOwner, forgetAllDrafts, hasDraft, openDrafts, useDraft } from "../src/drafts";
import { clearCrash, crashState } from "../src/crash";
import { enterShell, sessionState } from "../src/session";
import { shellPlace } from "../src/place";
import type { CaseRecord, CountryCatalog, SessionInfo } from "../src/api";
import { byTestId, CO_RIGHTS, flushPromises, inBody, mountApp, rosita } from "./helpers";

const mockedInvoke = vi.mocked(invoke);
const mockedListen = vi.mocked(listen);

const ANA: SessionInfo = {
  staffId: "s1",
  username: "ana.rojas",
  displayName: "Ana Rojas",
  role: "admin",
  orgName: "Mujeres Libres",
  country: "CO",
  idleLockMinutes: 5,
  demo: false,
};
const MARTA: SessionInfo = { ...ANA, staffId: "s2", username: "marta_g", displayName: "Marta Gómez", role: "caseworker" };
const KEY = "note/p1";
const TYPED = "Rosita pidió ayuda con la cédula de su hija";

/** A form as the app's forms use drafts: a text, dirty when not empty, and the notice. */
const NoteForm = defineComponent({
  setup() {
    const text = ref("");
    const { restored, settle } = useDraft(KEY, {
      getState: () => ({ text: text.value }),
      setState: (state) => {
        text.value = state.text;
      },
      isDirty: () => text.value !== "",
    });
    const discard = () => {
      text.value = "";
      settle();
    };
    return () =>
      h("form", [
        restored.value ? h(DraftNotice, { onDiscard: discard }) : null,
        h("textarea", {
          "data-testid": "note-text",
          value: text.value,
          onInput: (event: Event) => (text.value = (event.target as HTMLTextAreaElement).value),
        }),
      ]);
  },
});

/** Signs `session` in as far as drafts are concerned (the shell calls openDrafts when it opens). */
function signIn(session: SessionInfo) {
  Object.assign(sessionState, { phase: "shell", session });
  return openDrafts(session);
}

/** The session locks: the phase changes first, then the shell and its forms go away. */
function lock() {
  Object.assign(sessionState, { phase: "sign-in", session: null });
}

/** Signs `session` in, types into the note form, and locks: the form goes away with the shell. */
async function typeThenLock(session: SessionInfo) {
  signIn(session);
  const wrapper = mountApp(NoteForm);
  await wrapper.find(byTestId("note-text")).setValue(TYPED);
  lock();
  wrapper.unmount();
}

describe("drafts kept across a lock", () => {
  beforeEach(() => {
    forgetAllDrafts();
    clearCrash();
  });
  afterEach(() => {
    document.body.innerHTML = "";
    Object.assign(sessionState, { phase: "loading", session: null });
  });

  it("keeps what was typed when the session locks, and nothing when the form simply closes", async () => {
    signIn(ANA);
    let wrapper = mountApp(NoteForm);
    await wrapper.find(byTestId("note-text")).setValue(TYPED);
    wrapper.unmount();
    expect(hasDraft(draftOwner(ANA), KEY)).toBe(false);

    wrapper = mountApp(NoteForm);
    await wrapper.find(byTestId("note-text")).setValue(TYPED);
    lock();
    wrapper.unmount();
    expect(hasDraft(draftOwner(ANA), KEY)).toBe(true);
  });

  it("keeps nothing of a form left untouched", () => {
    signIn(ANA);
    const wrapper = mountApp(NoteForm);
    lock();
    wrapper.unmount();
    expect(hasDraft(draftOwner(ANA), KEY)).toBe(false);
  });

  it("keeps what was typed while the crash screen is up", async () => {
    signIn(ANA);
    const wrapper = mountApp(NoteForm);
    await wrapper.find(byTestId("note-text")).setValue(TYPED);
    crashState.crashed = true;
    wrapper.unmount();
    expect(hasDraft(draftOwner(ANA), KEY)).toBe(true);
  });

  it("offers it back to the same person, with a word saying so, once", async () => {
    await typeThenLock(ANA);

    signIn(ANA);
    const wrapper = mountApp(NoteForm);
    await flushPromises();
    expect((wrapper.find(byTestId("note-text")).element as HTMLTextAreaElement).value).toBe(TYPED);
    expect(wrapper.find(byTestId("draft-restored")).text()).toContain("Recuperamos lo que estabas escribiendo antes del bloqueo.");
    expect(wrapper.find(byTestId("draft-discard")).text()).toBe("Descartar");
    // The form holds it now: the store does not offer it a second time.
    expect(hasDraft(draftOwner(ANA), KEY)).toBe(false);
    wrapper.unmount();
  });

  it("never shows it to someone else, and drops it when someone else signs in", async () => {
    await typeThenLock(ANA);

    signIn(MARTA);
    expect(hasDraft(draftOwner(ANA), KEY)).toBe(false);
    let wrapper = mountApp(NoteForm);
    await flushPromises();
    expect((wrapper.find(byTestId("note-text")).element as HTMLTextAreaElement).value).toBe("");
    expect(wrapper.find(byTestId("draft-restored")).exists()).toBe(false);
    wrapper.unmount();

    // Not even after Ana comes back.
    signIn(ANA);
    wrapper = mountApp(NoteForm);
    await flushPromises();
    expect(wrapper.find(byTestId("draft-restored")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("tells the demo vault's person from the real vault's with the same username", async () => {
    await typeThenLock({ ...ANA, demo: true });
    expect(hasDraft(draftOwner({ ...ANA, demo: true }), KEY)).toBe(true);
    signIn(ANA);
    expect(hasDraft(draftOwner({ ...ANA, demo: true }), KEY)).toBe(false);
  });

  it("drops it on Descartar: the form empties and a new lock keeps nothing", async () => {
    await typeThenLock(ANA);

    signIn(ANA);
    const wrapper = mountApp(NoteForm);
    await flushPromises();
    await wrapper.find(byTestId("draft-discard")).trigger("click");
    expect(wrapper.find(byTestId("draft-restored")).exists()).toBe(false);
    expect((wrapper.find(byTestId("note-text")).element as HTMLTextAreaElement).value).toBe("");
    lock();
    wrapper.unmount();
    expect(hasDraft(draftOwner(ANA), KEY)).toBe(false);
  });

  it("remembers where the person was when her shell closed on a lock, once", () => {
    signIn(ANA);
    Object.assign(shellPlace, { area: "participants", fileId: "p1", fileTab: "contacts" });
    lock();
    closeDrafts();
    expect(signIn(ANA)).toEqual({ area: "participants", fileId: "p1", fileTab: "contacts" });
    expect(signIn(ANA)).toBeNull();
    // Closing in the normal way (phase still "shell") remembers nothing.
    closeDrafts();
    expect(signIn(ANA)).toBeNull();
    Object.assign(shellPlace, { area: "today", fileId: null, fileTab: null });
  });
});

describe("the app after a lock", () => {
  type Handler = (event: { payload: unknown }) => void;
  let lockHandler: Handler | null = null;
  const STAFF = [
    { id: "s1", username: "ana.rojas", displayName: "Ana Rojas", role: "admin", active: true, createdAt: "2025-03-02T14:00:00Z" },
    { id: "s2", username: "marta_g", displayName: "Marta Gómez", role: "caseworker", active: true, createdAt: "2025-04-11T09:10:00Z" },
  ];
  const none = { items: [], total: 0, capped: false };
  const CORE: Record<string, unknown> = {
    vault_status: { exists: true, session: ANA },
    staff_list: STAFF,
    session_lock: null,
    preferences_set: null,
    tasks_today: { today: "2026-11-29", overdue: none, dueToday: none, thisWeek: none },
    catalog_get: { ...CO_RIGHTS, country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] },
    participant_list: { items: [{ id: "p1", caseCode: "CO-ROSA-0001", chosenName: "Rosita", department: null, assignedTo: null, status: "open", documentsPending: 0, needsOpen: 0 }], total: 1, capped: false },
    participant_file: { participant: rosita(), records: [] },
    conflicts_list: [],
    legal_overview: null,
  };

  beforeEach(() => {
    forgetAllDrafts();
    clearCrash();
    mockedInvoke.mockReset();
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command in CORE) return CORE[command];
      throw { code: "internal", message: `unexpected ${command}`, field: null };
    });
    lockHandler = null;
    mockedListen.mockImplementation(async (event: string, handler: unknown) => {
      if (event === "session-locked") lockHandler = handler as Handler;
      return () => {};
    });
    Object.assign(sessionState, { phase: "loading", session: null, lockReason: null });
  });
  afterEach(() => {
    document.body.innerHTML = "";
    Object.assign(shellPlace, { area: "today", fileId: null, fileTab: null });
  });

  /** Opens Rosita's file on Contactos and types a contact's summary, without saving. */
  async function typeAContact(wrapper: ReturnType<typeof mountApp>) {
    await wrapper.find(byTestId("nav-participants")).trigger("click");
    await flushPromises();
    await wrapper.find(byTestId("participant-open-CO-ROSA-0001")).trigger("click");
    await flushPromises();
    await wrapper.find(byTestId("tab-contacts")).trigger("click");
    await wrapper.find(byTestId("contact-add")).trigger("click");
    await flushPromises();
    const summary = inBody("contact-summary") as HTMLTextAreaElement;
    summary.value = TYPED;
    summary.dispatchEvent(new Event("input"));
    await flushPromises();
  }

  it("brings the same person back to the same file and tab, with her contact as she left it", async () => {
    const wrapper = mountApp(App);
    await flushPromises();
    await typeAContact(wrapper);

    lockHandler?.({ payload: { reason: "idle" } });
    await flushPromises();
    expect(wrapper.find(byTestId("shell")).exists()).toBe(false);
    expect(inBody("contact-dialog")).toBeNull();
    expect(hasDraft(draftOwner(ANA), "contact/p1")).toBe(true);

    enterShell(ANA);
    await flushPromises();
    expect(wrapper.find(byTestId("nav-participants")).attributes("aria-current")).toBe("page");
    expect(wrapper.find(byTestId("file-name")).text()).toBe("Rosita");
    expect(wrapper.find(byTestId("contacts-tab")).isVisible()).toBe(true);
    expect((inBody("contact-summary") as HTMLTextAreaElement).value).toBe(TYPED);
    expect(inBody("draft-restored")?.textContent).toContain("Recuperamos lo que estabas escribiendo");

    inBody("draft-discard")?.click();
    await flushPromises();
    expect(inBody("contact-dialog")).toBeNull();
    wrapper.unmount();
  });

  it("shows nothing of it to a colleague who signs in next, and opens on Hoy for her", async () => {
    const wrapper = mountApp(App);
    await flushPromises();
    await typeAContact(wrapper);
    lockHandler?.({ payload: { reason: "manual" } });
    await flushPromises();

    enterShell(MARTA);
    await flushPromises();
    expect(wrapper.find(byTestId("nav-today")).attributes("aria-current")).toBe("page");
    expect(inBody("contact-dialog")).toBeNull();
    expect(document.body.textContent).not.toContain(TYPED);
    expect(hasDraft(draftOwner(ANA), "contact/p1")).toBe(false);
    wrapper.unmount();
  });

  it("keeps it behind the crash screen, and offers it after starting again and signing in", async () => {
    const wrapper = mountApp(App);
    await flushPromises();
    await typeAContact(wrapper);

    crashState.crashed = true;
    crashState.report = { kind: "uiError", errorName: "TypeError", frames: [], screen: "participants", panicLocation: null };
    await flushPromises();
    expect(wrapper.find(byTestId("crash-screen")).exists()).toBe(true);
    expect(wrapper.find(byTestId("shell")).exists()).toBe(false);
    expect(hasDraft(draftOwner(ANA), "contact/p1")).toBe(true);

    CORE.vault_status = { exists: true, session: null };
    await wrapper.find(byTestId("crash-restart")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sign-in")).exists()).toBe(true);
    CORE.vault_status = { exists: true, session: ANA };

    enterShell(ANA);
    await flushPromises();
    expect((inBody("contact-summary") as HTMLTextAreaElement).value).toBe(TYPED);
    expect(inBody("draft-restored")).not.toBeNull();
    wrapper.unmount();
  });
});

describe("the forms that keep what was typed", () => {
  const CATALOG = {
    ...CO_RIGHTS,
    country: "CO",
    regionLabel: "department",
    regions: [],
    documents: [],
    legalApplicationTypes: [
      {
        code: "co_ley_2292",
        name: "Servicio de utilidad pública (Ley 2292 de 2023)",
        silenceMeansDenial: false,
        evidence: [],
        guide: { law: "law_2292", maxSentenceMonths: 96, offenceCategories: ["drugs"] },
      },
    ],
  } as CountryCatalog;
  const PLAN: CaseRecord = {
    id: "plan",
    participantId: "p1",
    data: { kind: "service_plan", sentenceMonths: 48, hoursPerWeek: 20, hoursPerDay: 4, startOn: "2026-01-05", supervisor: "Luz" },
    createdAt: "2026-01-05T00:00:00Z",
    createdBy: "ana.rojas",
    masked: false,
  };
  const fileWith = (records: CaseRecord[]) => ({ participant: rosita(), records });

  beforeEach(() => {
    forgetAllDrafts();
    clearCrash();
    mockedInvoke.mockReset();
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "legal_overview") return { deadlines: [], plans: [], eligibility: [], tasks: [] };
      if (command === "directory_search") return { items: [], total: 0, capped: false };
      if (command === "record_save") return {};
      if (command === "participant_list") return { items: [], total: 0, capped: false };
      if (command === "catalog_get") return CATALOG;
      if (command === "staff_list") return [];
      throw { code: "internal", message: `unexpected ${command}`, field: null };
    });
  });
  afterEach(() => {
    document.body.innerHTML = "";
    Object.assign(sessionState, { phase: "loading", session: null });
  });

  async function type(id: string, value: string) {
    const input = inBody(id) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event("input"));
    await flushPromises();
  }

  it("her details (Resumen): come back as typed, and Descartar goes back to what is saved", async () => {
    const props = { file: fileWith([]), session: ANA, catalog: CATALOG, staff: [], readOnly: false };
    signIn(ANA);
    let wrapper = mountApp(SummaryTab, { props });
    await type("detail-chosenName", "Rosa María");
    lock();
    wrapper.unmount();
    expect(hasDraft(draftOwner(ANA), "participant/p1")).toBe(true);

    signIn(ANA);
    wrapper = mountApp(SummaryTab, { props });
    await flushPromises();
    expect((inBody("detail-chosenName") as HTMLInputElement).value).toBe("Rosa María");
    expect(inBody("draft-restored")).not.toBeNull();
    inBody("draft-discard")?.click();
    await flushPromises();
    expect((inBody("detail-chosenName") as HTMLInputElement).value).toBe("Rosita");
    expect(inBody("draft-restored")).toBeNull();
    wrapper.unmount();
  });

  it("a new participant: the dialog opens again with what was typed, and Descartar closes it", async () => {
    signIn(ANA);
    let wrapper = mountApp(ParticipantsArea, { props: { session: ANA } });
    await flushPromises();
    await wrapper.find(byTestId("participant-add")).trigger("click");
    await flushPromises();
    await type("new-legal-name", "Rosa Elena Díaz");
    lock();
    wrapper.unmount();

    signIn(ANA);
    wrapper = mountApp(ParticipantsArea, { props: { session: ANA } });
    await flushPromises();
    expect((inBody("new-legal-name") as HTMLInputElement).value).toBe("Rosa Elena Díaz");
    inBody("draft-discard")?.click();
    await flushPromises();
    expect(inBody("participant-dialog")).toBeNull();
    lock();
    wrapper.unmount();
    expect(hasDraft(draftOwner(ANA), "participant-new")).toBe(false);
  });

  it("the Law 2292 hours: the dialog opens again on the same plan, and saving settles it", async () => {
    const props = { file: fileWith([PLAN]), catalog: CATALOG, readOnly: false };
    signIn(ANA);
    let wrapper = mountApp(ServiceTab, { props });
    await flushPromises();
    await wrapper.find(byTestId("hours-add-0")).trigger("click");
    await flushPromises();
    await type("hours-date", "02/02/2026");
    await type("hours-hours", "3");
    await type("hours-activity", "Biblioteca del barrio");
    lock();
    wrapper.unmount();
    expect(inBody("hours-dialog")).toBeNull();

    signIn(ANA);
    wrapper = mountApp(ServiceTab, { props });
    await flushPromises();
    expect((inBody("hours-hours") as HTMLInputElement).value).toBe("3");
    expect((inBody("hours-activity") as HTMLInputElement).value).toBe("Biblioteca del barrio");
    expect(inBody("draft-restored")).not.toBeNull();
    inBody("hours-save")?.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith(
      "record_save",
      expect.objectContaining({ participantId: "p1", recordId: null, data: expect.objectContaining({ planId: "plan", hours: 3, activity: "Biblioteca del barrio" }) }),
    );
    expect(inBody("hours-dialog")).toBeNull();
    expect(hasDraft(draftOwner(ANA), "hours/p1")).toBe(false);
    wrapper.unmount();
  });

  it("the Law 2292 hours of a plan gone meanwhile are not offered for another", async () => {
    signIn(ANA);
    let wrapper = mountApp(ServiceTab, { props: { file: fileWith([PLAN]), catalog: CATALOG, readOnly: false } });
    await flushPromises();
    await wrapper.find(byTestId("hours-add-0")).trigger("click");
    await flushPromises();
    await type("hours-hours", "3");
    lock();
    wrapper.unmount();

    signIn(ANA);
    wrapper = mountApp(ServiceTab, { props: { file: fileWith([]), catalog: CATALOG, readOnly: false } });
    await flushPromises();
    expect(inBody("hours-dialog")).toBeNull();
    expect(inBody("draft-restored")).toBeNull();
    wrapper.unmount();
  });
});
