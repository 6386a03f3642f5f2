import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import SyncArea from "../src/areas/SyncArea.vue";
import SyncFolderCard from "../src/components/SyncFolderCard.vue";
import FirstRunView from "../src/views/FirstRunView.vue";
import { i18n } from "../src/i18n";
import { FOLDER_TOAST_CLASS, PROGRESS_POLL_MS, forgetSync, progressPercent, progressPhaseKey, syncFolderAtSignIn } from "../src/sync";
import type { FolderToast } from "../src/sync";
import { byTestId, commandError, device, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);
const calls = (command: string) => mockedInvoke.mock.calls.filter(([name]) => name === command).length;

const COORDINATOR = {
  staffId: "s2",
  username: "lucia.mena",
  displayName: "Lucía Mena",
  role: "coordinator",
  orgName: "Mujeres Libres",
  country: "CO",
  idleLockMinutes: 5,
  demo: false,
};
const DEVICES = [
  device({ id: "dev-office", name: "Laptop Oficina", thisLaptop: true }),
  device({ id: "dev-marta", name: "Laptop Marta", staff: "marta_g" }),
];
const IDLE = { phase: "idle", done: 0, total: 0, cancelling: false };

/** A command that answers when the test says so. */
function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

let progress: Record<string, unknown> = IDLE;

function fakeCore(answers: Record<string, unknown> = {}) {
  mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
    const all: Record<string, unknown> = {
      staff_list: [],
      catalog_get: { country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] },
      device_list: DEVICES,
      conflicts_list: [],
      sync_folder_get: null,
      visit_status: null,
      sync_progress: () => progress,
      sync_cancel: () => {
        if (progress.phase !== "idle") progress = { ...progress, cancelling: true };
        return null;
      },
      ...answers,
    };
    if (!(command in all)) throw commandError("internal");
    const answer = all[command];
    return typeof answer === "function" ? (answer as (a: unknown) => unknown)(args) : answer;
  });
}

/** Lets the panel read the progress once more. */
async function tick() {
  vi.advanceTimersByTime(PROGRESS_POLL_MS);
  await flushPromises();
}

describe("progress of long sync work", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetSync();
    progress = IDLE;
    document.body.innerHTML = "";
    // Only the panel's timers: flushPromises keeps its own.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("puts the progress in words and numbers", () => {
    expect(progressPercent({ done: 30, total: 120 })).toBe(25);
    expect(progressPercent({ done: 5, total: 0 })).toBeNull();
    expect(progressPercent({ done: 130, total: 120 })).toBe(100);
    expect(progressPhaseKey({ phase: "idle" })).toBeNull();
    expect(progressPhaseKey({ phase: "writing" })).toBe("syncProgress.writing");
  });

  it("shows how an opened file goes while it runs, and stops it calmly with Cancelar", async () => {
    const open = deferred<unknown>();
    fakeCore({ sync_open_received: () => open.promise });
    const wrapper = mountApp(SyncArea, { props: { session: COORDINATOR } });
    await flushPromises();
    await wrapper.find(byTestId("sync-open")).trigger("click");
    await flushPromises();
    // The system's file dialog is open first: only the busy line, and nothing read yet.
    expect(wrapper.find(byTestId("sync-busy")).exists()).toBe(true);
    expect(wrapper.find(byTestId("sync-progress")).exists()).toBe(false);
    expect(calls("sync_progress")).toBe(0);

    progress = { phase: "checking", done: 0, total: 0, cancelling: false };
    await tick();
    const panel = wrapper.find(byTestId("sync-progress"));
    expect(panel.exists()).toBe(true);
    expect(panel.find(byTestId("sync-busy")).exists()).toBe(true);
    const bar = wrapper.find(byTestId("sync-progress-bar"));
    expect(bar.attributes("role")).toBe("progressbar");
    expect(bar.attributes("aria-valuenow")).toBeUndefined();
    expect(wrapper.find(byTestId("sync-progress-phase")).text()).toBe("Revisando el archivo…");

    progress = { phase: "applying", done: 30, total: 120, cancelling: false };
    await tick();
    expect(wrapper.find(byTestId("sync-progress-bar")).attributes("aria-valuenow")).toBe("25");
    expect(wrapper.find(byTestId("sync-progress-bar")).text()).toContain("25");
    expect(wrapper.find(byTestId("sync-progress-phase")).text()).toContain("Aplicando los cambios…");
    expect(wrapper.find(byTestId("sync-progress-phase")).text()).toContain("(30 de 120)");

    const cancel = wrapper.find(byTestId("sync-cancel"));
    expect(cancel.text()).toBe("Cancelar");
    expect(cancel.attributes("disabled")).toBeUndefined();
    await cancel.trigger("click");
    await flushPromises();
    expect(calls("sync_cancel")).toBe(1);
    expect(wrapper.find(byTestId("sync-cancel")).text()).toBe("Deteniendo…");
    expect(wrapper.find(byTestId("sync-cancel")).attributes("disabled")).toBeDefined();
    await tick();
    expect(wrapper.find(byTestId("sync-cancel")).text()).toBe("Deteniendo…");
    expect(calls("sync_cancel")).toBe(1);

    open.reject(commandError("cancelled"));
    await flushPromises();
    expect(wrapper.find(byTestId("sync-progress")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-busy")).exists()).toBe(false);
    const stopped = wrapper.find(byTestId("sync-open-stopped"));
    expect(stopped.text()).toBe("Se detuvo. No se cambió nada en esta laptop.");
    expect(stopped.attributes("role")).toBe("status");
    expect(stopped.classes()).not.toContain("form-alert");
    expect(wrapper.find(byTestId("sync-open-error")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-refused")).exists()).toBe(false);
    // No more reading once it ended.
    const read = calls("sync_progress");
    await tick();
    expect(calls("sync_progress")).toBe(read);
    wrapper.unmount();
  });

  it("shows the panel after a moment even before the work begins, and asks again to stop once it does", async () => {
    const save = deferred<unknown>();
    fakeCore({ sync_save_changes: () => save.promise });
    const wrapper = mountApp(SyncArea, { props: { session: COORDINATOR } });
    await flushPromises();
    await wrapper.find(byTestId("sync-device-dev-marta")).setValue(true);
    await wrapper.find(byTestId("sync-save")).trigger("click");
    await flushPromises();
    await tick();
    expect(wrapper.find(byTestId("sync-progress")).exists()).toBe(true);
    expect(wrapper.find(byTestId("sync-busy")).text()).toContain("Guardando los cambios");
    expect(wrapper.find(byTestId("sync-progress-phase")).exists()).toBe(false);
    await wrapper.find(byTestId("sync-cancel")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sync-cancel")).text()).toBe("Deteniendo…");
    // The core forgets a stop asked for before the work began: asked again once it has.
    progress = { phase: "writing", done: 1, total: 4, cancelling: false };
    await tick();
    expect(calls("sync_cancel")).toBe(2);
    expect(wrapper.find(byTestId("sync-progress-phase")).text()).toContain("Escribiendo los archivos…");
    save.reject(commandError("cancelled"));
    await flushPromises();
    expect(wrapper.find(byTestId("sync-save-stopped")).text()).toBe("Se detuvo. No se cambió nada en esta laptop.");
    expect(wrapper.find(byTestId("sync-save-error")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("does the same for the shared folder", async () => {
    const run = deferred<unknown>();
    fakeCore({ sync_folder_get: "/home/ana/Sync", sync_folder_run: () => run.promise });
    const wrapper = mountApp(SyncFolderCard);
    await flushPromises();
    await wrapper.find(byTestId("sync-folder-run")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sync-folder-busy")).exists()).toBe(true);
    progress = { phase: "checking", done: 2, total: 8, cancelling: false };
    await tick();
    expect(wrapper.find(byTestId("sync-progress-bar")).attributes("aria-valuenow")).toBe("25");
    await wrapper.find(byTestId("sync-cancel")).trigger("click");
    await flushPromises();
    expect(calls("sync_cancel")).toBe(1);
    run.reject(commandError("cancelled"));
    await flushPromises();
    expect(wrapper.find(byTestId("sync-folder-stopped")).text()).toBe("Se detuvo. No se cambió nada en esta laptop.");
    expect(wrapper.find(byTestId("sync-folder-error")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("says calmly, at sign-in, that a folder sync was stopped", async () => {
    fakeCore({
      sync_folder_get: "/home/ana/Sync",
      sync_folder_run: () => {
        throw commandError("cancelled");
      },
    });
    const toasts: FolderToast[] = [];
    const words = { t: (key: string, named: Record<string, unknown>, plural: number) => i18n.global.t(key, named, plural), number: String };
    expect(await syncFolderAtSignIn((toast) => toasts.push(toast), words)).toBeNull();
    expect(toasts).toEqual([
      { severity: "info", summary: "Se detuvo. No se cambió nada en esta laptop.", life: 6000, styleClass: FOLDER_TOAST_CLASS },
    ]);
  });

  it("does the same while a visit package is prepared", async () => {
    const prepare = deferred<unknown>();
    fakeCore({
      visit_candidates: [{ id: "p1", caseCode: "MLB-0001", chosenName: "Rosa", facility: "Cárcel El Buen Pastor" }],
      visit_prepare: () => prepare.promise,
    });
    const wrapper = mountApp(SyncArea, { props: { session: COORDINATOR } });
    await flushPromises();
    await wrapper.find(byTestId("visit-prepare-open")).trigger("click");
    await flushPromises();
    // The only laptop is chosen already.
    expect((inBody("visit-device") as HTMLSelectElement).value).toBe("dev-marta");
    inBody("visit-candidate-p1")!.click();
    await flushPromises();
    inBody("visit-submit")!.click();
    await flushPromises();
    progress = { phase: "writing", done: 0, total: 0, cancelling: false };
    await tick();
    expect(inBody("sync-progress")).not.toBeNull();
    expect(inBody("visit-busy")!.textContent).toContain("Preparando el paquete de visita");
    inBody("sync-cancel")!.click();
    await flushPromises();
    expect(calls("sync_cancel")).toBe(1);
    prepare.reject(commandError("cancelled"));
    await flushPromises();
    expect(inBody("visit-stopped")!.textContent).toContain("Se detuvo. No se cambió nada en esta laptop.");
    expect(inBody("visit-error")).toBeNull();
    expect(inBody("visit-result")).toBeNull();
    wrapper.unmount();
  });

  it("does the same while joining, and says nothing was created", async () => {
    const join = deferred<unknown>();
    fakeCore({ vault_join: () => join.promise });
    const wrapper = mountApp(FirstRunView);
    await wrapper.find(byTestId("first-run-join")).trigger("click");
    await flushPromises();
    await wrapper.find(byTestId("join-passphrase")).setValue("sol luna mar rio casa flor pan miel");
    await wrapper.find(byTestId("join-password")).setValue("una frase bastante larga");
    await wrapper.find(byTestId("join-password-confirm")).setValue("una frase bastante larga");
    await wrapper.find(byTestId("join-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("join-busy")).exists()).toBe(true);
    progress = { phase: "applying", done: 10, total: 40, cancelling: false };
    await tick();
    expect(wrapper.find(byTestId("sync-progress-bar")).attributes("aria-valuenow")).toBe("25");
    // The form waits, the stop button does not.
    expect(wrapper.find(byTestId("join-submit")).attributes("disabled")).toBeDefined();
    await wrapper.find(byTestId("sync-cancel")).trigger("click");
    await flushPromises();
    expect(calls("sync_cancel")).toBe(1);
    join.reject(commandError("cancelled"));
    await flushPromises();
    expect(wrapper.find(byTestId("join-stopped")).text()).toBe("Se detuvo. No se creó nada en esta laptop.");
    expect(wrapper.find(byTestId("join-error")).exists()).toBe(false);
    expect(wrapper.emitted("joined")).toBeUndefined();
    wrapper.unmount();
  });
});
