import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import SyncFolderCard from "../src/components/SyncFolderCard.vue";
import SyncArea from "../src/areas/SyncArea.vue";
import App from "../src/App.vue";
import type { FolderReport } from "../src/api";
import { i18n } from "../src/i18n";
import { sessionState } from "../src/session";
import { FOLDER_TOAST_CLASS, folderFileSender, folderState, folderToast, forgetSync, syncFolderAtSignIn, syncState } from "../src/sync";
import type { FolderToast, FolderWords } from "../src/sync";
import { byTestId, commandError, device, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const THIS = "11111111-1111-4111-8111-111111111111";
const MARTA = "22222222-2222-4222-8222-222222222222";
const LUCIA = "33333333-3333-4333-8333-333333333333";
const DEVICES = [
  device({ id: THIS, name: "Laptop Ana", thisLaptop: true }),
  device({ id: MARTA, name: "Laptop Marta" }),
  device({ id: LUCIA, name: "Laptop Lucía" }),
];
const fileFrom = (sender: string, time = 1764000000000) => `acompana_${sender}_${THIS}_${time}.sync`;
const FOLDER = "/home/ana/Sync/acompana";

function folderReport(extra: Partial<FolderReport> = {}): FolderReport {
  return {
    imported: [fileFrom(MARTA)],
    alreadyApplied: 0,
    refused: [],
    exported: [{ deviceId: MARTA, path: `${FOLDER}/x.sync`, operations: 37, withdrawn: 0, bytes: 2048 }],
    applied: 12,
    known: 0,
    conflicts: 0,
    dropped: 0,
    participantsChanged: [{ id: "p7", caseCode: "MLB-0007", chosenName: "Rosa" }],
    ...extra,
  };
}
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

type Answers = Record<string, unknown>;
/** A fake core: each command answers its entry (a function is called with the arguments; what
 *  it throws is the command's error). */
function fakeCore(answers: Answers) {
  mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
    const answer = {
      device_list: DEVICES,
      conflicts_list: [],
      staff_list: [],
      catalog_get: { country: "CO", regionLabel: "department", regions: [], documents: [], legalApplicationTypes: [] },
      sync_folder_get: null,
      ...answers,
    }[command];
    if (answer === undefined) throw commandError("internal");
    return typeof answer === "function" ? (answer as (a: unknown) => unknown)(args) : answer;
  });
}

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

async function mountCard() {
  const wrapper = mountApp(SyncFolderCard);
  await flushPromises();
  return wrapper;
}

const calls = (command: string) => mockedInvoke.mock.calls.filter(([name]) => name === command).length;

describe("the shared folder's card", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetSync();
    document.body.innerHTML = "";
  });

  it("explains what the folder is for and offers to choose one when none is set", async () => {
    let folder: string | null = null;
    fakeCore({ sync_folder_get: () => folder, sync_folder_choose: () => (folder = FOLDER) });
    const wrapper = await mountCard();
    const card = wrapper.find(byTestId("sync-folder"));
    expect(card.text()).toContain("Syncthing");
    expect(card.text()).toContain("solo ve datos ilegibles");
    expect(card.text()).toContain("ni la carpeta ni los nombres de los archivos dicen nada de las mujeres");
    expect(wrapper.find(byTestId("sync-folder-none")).text()).toBe("Esta laptop todavía no usa una carpeta compartida.");
    expect(wrapper.find(byTestId("sync-folder-choose")).text()).toContain("Elegir carpeta");
    expect(wrapper.find(byTestId("sync-folder-run")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-folder-clear")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-folder-path")).exists()).toBe(false);

    await wrapper.find(byTestId("sync-folder-choose")).trigger("click");
    await flushPromises();
    expect(calls("sync_folder_choose")).toBe(1);
    expect(wrapper.find(byTestId("sync-folder-none")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-folder-path")).text()).toBe(FOLDER);
    expect(wrapper.find(byTestId("sync-folder-chosen")).text()).toContain("esta laptop usará esta carpeta");
    expect(wrapper.find(byTestId("sync-folder-run")).text()).toContain("Sincronizar carpeta");
    expect(wrapper.find(byTestId("sync-folder-choose")).text()).toContain("Cambiar carpeta");
    expect(wrapper.find(byTestId("sync-folder-clear")).text()).toContain("Dejar de usar esta carpeta");
    wrapper.unmount();
  });

  it("says so gently when the folder dialog was cancelled, and keeps the folder set before", async () => {
    fakeCore({ sync_folder_get: FOLDER, sync_folder_choose: null });
    const wrapper = await mountCard();
    await wrapper.find(byTestId("sync-folder-choose")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sync-folder-cancelled")).text()).toBe("No cambió nada: cerraste la ventana sin elegir una carpeta.");
    expect(wrapper.find(byTestId("sync-folder-path")).text()).toBe(FOLDER);
    expect(wrapper.find(byTestId("sync-folder-error")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("syncs the folder, busy meanwhile, and says in words what came and what was left", async () => {
    const run = deferred<FolderReport>();
    let conflicts: unknown[] = [];
    fakeCore({ sync_folder_get: FOLDER, sync_folder_run: () => run.promise, conflicts_list: () => conflicts });
    const wrapper = await mountCard();
    await wrapper.find(byTestId("sync-folder-run")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sync-folder-busy")).exists()).toBe(true);
    for (const id of ["sync-folder-run", "sync-folder-choose", "sync-folder-clear"]) {
      expect(wrapper.find(byTestId(id)).attributes("disabled")).toBeDefined();
    }
    conflicts = [CONFLICT];
    run.resolve(folderReport({ imported: [fileFrom(MARTA), fileFrom(LUCIA)], conflicts: 1 }));
    await flushPromises();
    expect(wrapper.find(byTestId("sync-folder-busy")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-folder-run")).attributes("disabled")).toBeUndefined();

    const report = wrapper.find(byTestId("sync-folder-report"));
    expect(report.find(byTestId("sync-folder-applied")).text()).toBe("Se abrieron 2 archivos nuevos. Llegaron 12 cambios.");
    expect(report.find(byTestId("sync-folder-file-MLB-0007")).text()).toContain("Rosa");
    expect(report.find(byTestId("sync-folder-conflicts")).text()).toContain("1 conflicto espera que alguien decida");
    expect(report.find(byTestId("sync-folder-refused")).exists()).toBe(false);
    expect(report.find(byTestId(`sync-folder-exported-${MARTA}`)).text()).toBe("Para Laptop Marta: 37 cambios.");
    // The conflicts badge was read again.
    expect(syncState.conflicts).toHaveLength(1);

    await report.find(byTestId("sync-folder-file-MLB-0007")).trigger("click");
    expect(wrapper.emitted("openFile")?.[0]).toEqual(["p7"]);
    expect(wrapper.emitted("ran")).toHaveLength(1);
    wrapper.unmount();
  });

  it("lists each refused file with the laptop it came from and the reason in words", async () => {
    fakeCore({
      sync_folder_get: FOLDER,
      sync_folder_run: folderReport({
        refused: [
          { file: fileFrom(LUCIA), reason: "sync_damaged" },
          { file: "acompana_unknown.sync", reason: "sync_something_new" },
        ],
      }),
    });
    const wrapper = await mountCard();
    await wrapper.find(byTestId("sync-folder-run")).trigger("click");
    await flushPromises();
    const refused = wrapper.find(byTestId("sync-folder-refused"));
    expect(refused.text()).toContain("No se aceptaron 2 archivos, y de ellos no se aplicó nada:");
    const first = refused.find(byTestId("sync-folder-refused-0"));
    expect(first.text()).toContain("Archivo de Laptop Lucía:");
    expect(first.text()).toContain(fileFrom(LUCIA));
    expect(first.text()).toContain("El archivo está dañado");
    const second = refused.find(byTestId("sync-folder-refused-1"));
    expect(second.text()).toContain("acompana_unknown.sync");
    expect(second.text()).toContain("El archivo no se pudo aceptar.");
    expect(refused.text()).toContain("Los demás archivos sí se abrieron.");
    // The others still applied.
    expect(wrapper.find(byTestId("sync-folder-applied")).text()).toContain("Llegaron 12 cambios.");
    wrapper.unmount();
  });

  it("says when nothing new arrived and nothing was left for the others", async () => {
    fakeCore({
      sync_folder_get: FOLDER,
      sync_folder_run: folderReport({ imported: [], applied: 0, participantsChanged: [], exported: [], alreadyApplied: 2 }),
    });
    const wrapper = await mountCard();
    await wrapper.find(byTestId("sync-folder-run")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sync-folder-applied")).text()).toBe("No había archivos nuevos para esta laptop: no llegó nada nuevo.");
    expect(wrapper.find(byTestId("sync-folder-changed")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-folder-conflicts")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-folder-exported")).text()).toBe("No había nada nuevo que dejar para las otras laptops.");
    wrapper.unmount();
  });

  it("names a laptop it does not know as another laptop", async () => {
    fakeCore({
      sync_folder_get: FOLDER,
      device_list: () => {
        throw commandError("forbidden");
      },
      sync_folder_run: folderReport(),
    });
    const wrapper = await mountCard();
    await wrapper.find(byTestId("sync-folder-run")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId(`sync-folder-exported-${MARTA}`)).text()).toBe("Para otra laptop: 37 cambios.");
    wrapper.unmount();
  });

  it("says a folder that is gone in words", async () => {
    fakeCore({
      sync_folder_get: FOLDER,
      sync_folder_run: () => {
        throw commandError("invalid_input", "dir");
      },
    });
    const wrapper = await mountCard();
    await wrapper.find(byTestId("sync-folder-run")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sync-folder-error")).text()).toContain("No se encontró la carpeta");
    expect(wrapper.find(byTestId("sync-folder-report")).exists()).toBe(false);
    expect(wrapper.find(byTestId("sync-folder-run")).attributes("disabled")).toBeUndefined();
    wrapper.unmount();
  });

  it("stops using the folder after a confirmation that says its files stay", async () => {
    let folder: string | null = FOLDER;
    fakeCore({
      sync_folder_get: () => folder,
      sync_folder_clear: () => {
        folder = null;
        return null;
      },
    });
    const wrapper = await mountCard();
    await wrapper.find(byTestId("sync-folder-clear")).trigger("click");
    await flushPromises();
    expect(calls("sync_folder_clear")).toBe(0);
    expect(inBody("confirm-dialog")!.textContent).toContain("Los archivos que ya están en ella se quedan ahí");
    inBody("confirm-accept")!.click();
    await flushPromises();
    expect(calls("sync_folder_clear")).toBe(1);
    expect(inBody("confirm-dialog")).toBeNull();
    expect(wrapper.find(byTestId("sync-folder-none")).exists()).toBe(true);
    expect(wrapper.find(byTestId("sync-folder-cleared")).text()).toContain("siguen ahí");
    wrapper.unmount();
  });

  it("keeps the folder when the confirmation is cancelled", async () => {
    fakeCore({ sync_folder_get: FOLDER, sync_folder_clear: null });
    const wrapper = await mountCard();
    await wrapper.find(byTestId("sync-folder-clear")).trigger("click");
    await flushPromises();
    inBody("confirm-cancel")!.click();
    await flushPromises();
    expect(calls("sync_folder_clear")).toBe(0);
    expect(wrapper.find(byTestId("sync-folder-path")).text()).toBe(FOLDER);
    wrapper.unmount();
  });

  it("opens a changed file from Sincronizar, and the area's buttons wait while the folder syncs", async () => {
    const run = deferred<FolderReport>();
    fakeCore({ sync_folder_get: FOLDER, sync_folder_run: () => run.promise });
    const wrapper = mountApp(SyncArea);
    await flushPromises();
    expect(wrapper.find(byTestId("sync-folder")).exists()).toBe(true);
    await wrapper.find(byTestId("sync-folder-run")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("sync-open")).attributes("disabled")).toBeDefined();
    run.resolve(folderReport());
    await flushPromises();
    expect(wrapper.find(byTestId("sync-open")).attributes("disabled")).toBeUndefined();
    await wrapper.find(byTestId("sync-folder-file-MLB-0007")).trigger("click");
    expect(wrapper.emitted("openFile")?.[0]).toEqual(["p7"]);
    wrapper.unmount();
  });
});

// ---- At sign-in ---------------------------------------------------------------------------------------

const words: FolderWords = {
  t: (key, named, plural) => i18n.global.t(key, named, plural),
  number: (value) => String(value),
};

describe("the shared folder at sign-in", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetSync();
    i18n.global.locale.value = "es";
  });

  it("does nothing when no folder is set", async () => {
    fakeCore({ sync_folder_get: null });
    const toasts: FolderToast[] = [];
    expect(await syncFolderAtSignIn((toast) => toasts.push(toast), words)).toBeNull();
    expect(calls("sync_folder_run")).toBe(0);
    expect(toasts).toEqual([]);
  });

  it("syncs once and says how many changes came", async () => {
    fakeCore({ sync_folder_get: FOLDER, sync_folder_run: folderReport() });
    const toasts: FolderToast[] = [];
    const report = await syncFolderAtSignIn((toast) => toasts.push(toast), words);
    expect(report?.applied).toBe(12);
    expect(calls("sync_folder_run")).toBe(1);
    expect(toasts).toEqual([{ severity: "success", summary: "Carpeta sincronizada: 12 cambios nuevos.", life: 6000, styleClass: FOLDER_TOAST_CLASS }]);
    // The card shows what it did.
    expect(folderState.report?.applied).toBe(12);
    expect(folderState.running).toBe(false);
  });

  it("says nothing new when nothing came", async () => {
    fakeCore({ sync_folder_get: FOLDER, sync_folder_run: folderReport({ imported: [], applied: 0, participantsChanged: [] }) });
    const toasts: FolderToast[] = [];
    await syncFolderAtSignIn((toast) => toasts.push(toast), words);
    expect(toasts[0]).toMatchObject({ severity: "info", summary: "Carpeta sincronizada: nada nuevo." });
    expect(toasts[0].detail).toBeUndefined();
  });

  it("adds the conflicts waiting and the files refused, and reads the conflicts again", async () => {
    fakeCore({
      sync_folder_get: FOLDER,
      sync_folder_run: folderReport({ applied: 1, conflicts: 2, refused: [{ file: fileFrom(LUCIA), reason: "sync_damaged" }] }),
      conflicts_list: [CONFLICT, { ...CONFLICT, id: "op-2" }],
    });
    const toasts: FolderToast[] = [];
    await syncFolderAtSignIn((toast) => toasts.push(toast), words);
    expect(toasts[0]).toMatchObject({
      severity: "warn",
      summary: "Carpeta sincronizada: 1 cambio nuevo.",
      detail: "2 conflictos esperan que alguien decida en Sincronizar. 1 archivo no se aceptó: el motivo está en Sincronizar.",
    });
    expect(syncState.conflicts).toHaveLength(2);
  });

  it("says a failure in an error toast with the error in words", async () => {
    fakeCore({
      sync_folder_get: FOLDER,
      sync_folder_run: () => {
        throw commandError("disk_full");
      },
    });
    const toasts: FolderToast[] = [];
    expect(await syncFolderAtSignIn((toast) => toasts.push(toast), words)).toBeNull();
    expect(toasts).toHaveLength(1);
    expect(toasts[0].severity).toBe("error");
    expect(toasts[0].summary).toBe("No se pudo sincronizar la carpeta.");
    expect(toasts[0].detail).toBe(i18n.global.t("errors.disk_full"));
    expect(folderState.running).toBe(false);
  });

  it("says nothing for a lock, nor when the shell closed meanwhile", async () => {
    fakeCore({
      sync_folder_get: FOLDER,
      sync_folder_run: () => {
        throw commandError("locked");
      },
    });
    const toasts: FolderToast[] = [];
    await syncFolderAtSignIn((toast) => toasts.push(toast), words);
    expect(toasts).toEqual([]);

    const run = deferred<FolderReport>();
    fakeCore({ sync_folder_get: FOLDER, sync_folder_run: () => run.promise });
    const pending = syncFolderAtSignIn((toast) => toasts.push(toast), words);
    await flushPromises();
    expect(folderState.running).toBe(true);
    forgetSync();
    run.resolve(folderReport());
    expect(await pending).toBeNull();
    expect(toasts).toEqual([]);
    expect(folderState.report).toBeNull();
    expect(folderState.running).toBe(false);
  });

  it("shares a run under way instead of starting a second one", async () => {
    const run = deferred<FolderReport>();
    fakeCore({ sync_folder_get: FOLDER, sync_folder_run: () => run.promise });
    const first = syncFolderAtSignIn(() => undefined, words);
    const second = syncFolderAtSignIn(() => undefined, words);
    await flushPromises();
    run.resolve(folderReport());
    await Promise.all([first, second]);
    expect(calls("sync_folder_run")).toBe(1);
  });

  it("words the toast in the person's language", () => {
    i18n.global.locale.value = "pt-BR";
    expect(folderToast(folderReport(), words).summary).toBe("Pasta sincronizada: 12 alterações novas.");
    i18n.global.locale.value = "en";
    expect(folderToast(folderReport({ applied: 0 }), words).summary).toBe("Folder synced: nothing new.");
    i18n.global.locale.value = "es";
  });

  it("reads the sending laptop from a file's name", () => {
    expect(folderFileSender(fileFrom(MARTA))).toBe(MARTA);
    expect(folderFileSender("notas.txt")).toBeNull();
  });
});

describe("signing in with a shared folder", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetSync();
    document.body.innerHTML = "";
    Object.assign(sessionState, { phase: "loading", session: null, lockReason: null });
  });

  it("opens the shell at once and shows a toast once the folder has synced", async () => {
    const admin = { staffId: "s1", username: "ana.rojas", displayName: "Ana Rojas", role: "admin", orgName: "Mujeres Libres", country: "CO", idleLockMinutes: 5 };
    const none = { items: [], total: 0, capped: false };
    const run = deferred<FolderReport>();
    fakeCore({
      vault_status: { exists: true, session: admin },
      tasks_today: { today: "2026-11-29", overdue: none, dueToday: none, thisWeek: none },
      preferences_get: { language: "es" },
      sync_folder_get: FOLDER,
      sync_folder_run: () => run.promise,
    });
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("shell")).exists()).toBe(true);
    expect(wrapper.find(byTestId("today-area")).exists()).toBe(true);
    expect(inBody("toast")!.textContent).not.toContain("Carpeta sincronizada");
    run.resolve(folderReport());
    await flushPromises();
    expect(inBody("toast")!.textContent).toContain("Carpeta sincronizada: 12 cambios nuevos.");
    expect(document.body.querySelector(`.${FOLDER_TOAST_CLASS}`)).not.toBeNull();
    expect(calls("sync_folder_run")).toBe(1);
    wrapper.unmount();
  });
});
