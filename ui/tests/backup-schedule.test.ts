import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { defineComponent, h } from "vue";
import Toast from "primevue/toast";
import { invoke } from "@tauri-apps/api/core";
import App from "../src/App.vue";
import SettingsArea from "../src/areas/SettingsArea.vue";
import type { BackupScheduleStatus, ErrorCode } from "../src/api";
import {
  SCHEDULE_CHECK_MS,
  SCHEDULE_FIRST_CHECK_MS,
  checkScheduleEveryDays,
  checkScheduleKeep,
  runDueBackup,
  scheduleDoneText,
  scheduleFailureKey,
  scheduleFailureText,
  scheduleRuns,
  scheduleStatusLines,
  shouldToastScheduleError,
} from "../src/backup";
import type { ScheduleToast, ScheduleWords } from "../src/backup";
import { i18n } from "../src/i18n";
import { sessionState } from "../src/session";
import { byTestId, commandError, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const ADMIN = {
  staffId: "s1",
  username: "ana.rojas",
  displayName: "Ana Rojas",
  role: "admin" as const,
  orgName: "Mujeres Libres",
  country: "CO" as const,
  idleLockMinutes: 5,
  demo: false,
};
const INFO = {
  vaultId: "v1",
  createdAt: "2026-11-03T15:20:00Z",
  appVersion: "0.1.0",
  schemaVersion: 12,
  databaseBytes: 12_345_678,
};
const OFF: BackupScheduleStatus = { schedule: null, lastAt: null, lastFile: null, nextDue: null, failedAt: null, failure: null };
const WEEKLY: BackupScheduleStatus = {
  schedule: { folder: "/media/ana/USB-COPIAS", everyDays: 7, keep: 4 },
  lastAt: "2026-11-03T15:20:00Z",
  lastFile: "acompana-auto-2026-11-03.age",
  nextDue: "2026-11-10T15:20:00Z",
  failedAt: null,
  failure: null,
};

// Dates as the words' callers give them: plain, so the sentences can be checked whole.
const words: ScheduleWords = {
  t: (key, named, plural) => i18n.global.t(key, named, plural),
  number: (value) => String(value),
  dateTime: (value) => `«${value}»`,
};
const BEFORE_NEXT = new Date("2026-11-05T00:00:00Z");

describe("automatic backups in words", () => {
  beforeEach(() => {
    i18n.global.locale.value = "es";
  });

  it("checks how often and how many, as whole numbers in the core's ranges", () => {
    expect(checkScheduleEveryDays(1)).toBeNull();
    expect(checkScheduleEveryDays(30)).toBeNull();
    for (const wrong of [null, 0, 31, 2.5, Number.NaN]) expect(checkScheduleEveryDays(wrong)).toBe("validation.every_days_range");
    expect(checkScheduleKeep(1)).toBeNull();
    expect(checkScheduleKeep(100)).toBeNull();
    for (const wrong of [null, 0, 101, 7.5]) expect(checkScheduleKeep(wrong)).toBe("validation.keep_range");
  });

  it("says they are off when there is no schedule", () => {
    expect(scheduleStatusLines(OFF, words)).toEqual(["Desactivadas en esta laptop."]);
  });

  it("says how often, where and how many, then the last and the next backup", () => {
    expect(scheduleStatusLines(WEEKLY, words, BEFORE_NEXT)).toEqual([
      "Cada 7 días en /media/ana/USB-COPIAS; se guardan las últimas 4.",
      "Última copia: «2026-11-03T15:20:00Z».",
      "Próxima: «2026-11-10T15:20:00Z».",
    ]);
  });

  it("says “cada día” for one day, and that none was made yet", () => {
    const daily = { ...WEEKLY, schedule: { folder: "E:\\Copias", everyDays: 1, keep: 1 }, lastAt: null, lastFile: null };
    expect(scheduleStatusLines(daily, words, BEFORE_NEXT)).toEqual([
      "Cada día en E:\\Copias; se guarda solo la última.",
      "Última copia: todavía ninguna.",
      "Próxima: «2026-11-10T15:20:00Z».",
    ]);
  });

  it("says a backup already due comes as soon as it can", () => {
    const lines = scheduleStatusLines(WEEKLY, words, new Date("2026-11-12T00:00:00Z"));
    expect(lines[2]).toBe("Próxima: ya toca; se hará en cuanto se pueda.");
  });

  it("speaks the other languages too", () => {
    i18n.global.locale.value = "en";
    expect(scheduleStatusLines(WEEKLY, words, BEFORE_NEXT)[0]).toBe("Every 7 days in /media/ana/USB-COPIAS; the last 4 are kept.");
    i18n.global.locale.value = "pt-BR";
    expect(scheduleStatusLines(OFF, words)).toEqual(["Desativadas neste notebook."]);
  });

  it("says why the last one failed with the error's own words", () => {
    expect(scheduleFailureText(WEEKLY, words)).toBeNull();
    expect(scheduleFailureKey("disk_full")).toBe("errors.disk_full");
    const failed = { ...WEEKLY, failedAt: "2026-11-10T16:00:00Z", failure: "backup_folder_missing" as ErrorCode };
    expect(scheduleFailureText(failed, words)).toBe(
      "La última copia automática no se pudo hacer («2026-11-10T16:00:00Z»): No se encontró la carpeta de las copias automáticas: conecta la memoria USB o elige otra carpeta.",
    );
    expect(scheduleFailureText({ ...failed, failedAt: null }, words)).toBe(
      `La última copia automática no se pudo hacer: ${i18n.global.t("errors.backup_folder_missing")}`,
    );
  });

  it("says a backup made at once, and the old ones removed only when there were some", () => {
    const made = { file: "acompana-auto-2026-11-05.age", info: INFO, removed: 0 };
    expect(scheduleDoneText(made, words)).toBe("Copia hecha: acompana-auto-2026-11-05.age.");
    expect(scheduleDoneText({ ...made, removed: 1 }, words)).toBe("Copia hecha: acompana-auto-2026-11-05.age. Se borró 1 copia antigua.");
    expect(scheduleDoneText({ ...made, removed: 3 }, words)).toBe("Copia hecha: acompana-auto-2026-11-05.age. Se borraron 3 copias antiguas.");
  });

  it("toasts a failure once per problem, and never a lock", () => {
    const said = new Set<ErrorCode>();
    expect(shouldToastScheduleError("backup_folder_missing", said)).toBe(true);
    said.add("backup_folder_missing");
    expect(shouldToastScheduleError("backup_folder_missing", said)).toBe(false);
    expect(shouldToastScheduleError("disk_full", said)).toBe(true);
    expect(shouldToastScheduleError("locked", new Set())).toBe(false);
  });
});

describe("the shell's automatic run", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    i18n.global.locale.value = "es";
  });

  it("says a written backup in a short toast, and nothing when none was due", async () => {
    const answers: unknown[] = [null, { file: "acompana-auto.age", info: INFO, removed: 2 }];
    mockedInvoke.mockImplementation(async () => answers.shift());
    const toasts: ScheduleToast[] = [];
    const said = new Set<ErrorCode>();
    const before = scheduleRuns.count;
    expect(await runDueBackup((toast) => toasts.push(toast), words.t, said)).toBeNull();
    expect(mockedInvoke).toHaveBeenCalledWith("backup_schedule_run", { now: false });
    expect(toasts).toEqual([]);
    expect(scheduleRuns.count).toBe(before);
    expect(await runDueBackup((toast) => toasts.push(toast), words.t, said)).toMatchObject({ file: "acompana-auto.age" });
    expect(toasts).toEqual([{ severity: "success", summary: "Copia automática guardada", life: 4000 }]);
    expect(scheduleRuns.count).toBe(before + 1);
  });

  it("warns of a failure once per session for the same problem, and keeps quiet on a lock", async () => {
    const errors = [
      commandError("backup_folder_missing"),
      commandError("backup_folder_missing"),
      commandError("locked"),
      commandError("disk_full"),
    ];
    mockedInvoke.mockImplementation(async () => {
      throw errors.shift();
    });
    const toasts: ScheduleToast[] = [];
    const said = new Set<ErrorCode>();
    for (let run = 0; run < 4; run += 1) {
      expect(await runDueBackup((toast) => toasts.push(toast), words.t, said)).toBeNull();
    }
    expect(toasts).toEqual([
      {
        severity: "warn",
        summary: "No se pudo hacer la copia automática",
        detail: i18n.global.t("errors.backup_folder_missing"),
        life: 10000,
      },
      { severity: "warn", summary: "No se pudo hacer la copia automática", detail: i18n.global.t("errors.disk_full"), life: 10000 },
    ]);
  });
});

describe("Configuración: automatic backups", () => {
  let status: BackupScheduleStatus;

  beforeEach(() => {
    mockedInvoke.mockReset();
    document.body.innerHTML = "";
    sessionState.session = { ...ADMIN };
    status = { ...OFF };
  });

  function fakeCore(extra: Record<string, (args: unknown) => unknown> = {}) {
    mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
      if (command in extra) return extra[command](args);
      if (command === "settings_get") return { idleLockMinutes: 5 };
      if (command === "sync_folder_get") return null;
      if (command === "backup_schedule_get") return status;
      if (command === "device_list" || command === "staff_list") return [];
      throw commandError("internal");
    });
  }

  // The area with the app's toasts, which it uses to say that the schedule was saved.
  const WithToasts = defineComponent({
    setup: () => () => [h(Toast, { "data-testid": "toast" }), h(SettingsArea)],
  });

  const card = (wrapper: ReturnType<typeof mountApp>) => wrapper.find(byTestId("backup-schedule-card"));
  const value = (wrapper: ReturnType<typeof mountApp>, id: string) => (wrapper.find(byTestId(id)).element as HTMLInputElement).value;

  async function fill(wrapper: ReturnType<typeof mountApp>, fields: { every?: string; keep?: string; passphrase?: string; repeat?: string }) {
    if (fields.every !== undefined) await wrapper.find(byTestId("backup-schedule-every")).setValue(fields.every);
    if (fields.keep !== undefined) await wrapper.find(byTestId("backup-schedule-keep")).setValue(fields.keep);
    if (fields.passphrase !== undefined) await wrapper.find(byTestId("backup-schedule-passphrase")).setValue(fields.passphrase);
    if (fields.repeat !== undefined) await wrapper.find(byTestId("backup-schedule-passphrase-repeat")).setValue(fields.repeat);
  }

  async function submit(wrapper: ReturnType<typeof mountApp>) {
    await wrapper.find(byTestId("backup-schedule-form")).trigger("submit");
    await flushPromises();
  }

  it("says they are off and offers to turn them on, one day and seven copies by default", async () => {
    fakeCore();
    const wrapper = mountApp(SettingsArea);
    await flushPromises();
    expect(card(wrapper).find("h2").text()).toBe("Copias automáticas");
    expect(card(wrapper).text()).toContain("guárdala aparte: sin ella no se pueden abrir");
    expect(wrapper.find(byTestId("backup-schedule-status")).text()).toBe("Desactivadas en esta laptop.");
    expect(value(wrapper, "backup-schedule-every")).toBe("1");
    expect(value(wrapper, "backup-schedule-keep")).toBe("7");
    expect(wrapper.find(byTestId("backup-schedule-save")).text()).toBe("Elegir carpeta y activar");
    expect(wrapper.find(byTestId("backup-schedule-run-now")).exists()).toBe(false);
    expect(wrapper.find(byTestId("backup-schedule-off")).exists()).toBe(false);
    expect(wrapper.find(byTestId("backup-schedule-failure")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("checks every field before asking the core", async () => {
    fakeCore();
    const wrapper = mountApp(SettingsArea);
    await flushPromises();
    await fill(wrapper, { every: "45", keep: "0", passphrase: "corta", repeat: "corta" });
    await submit(wrapper);
    expect(wrapper.find(byTestId("backup-schedule-every-error")).text()).toBe("Escribe un número entero entre 1 y 30.");
    expect(wrapper.find(byTestId("backup-schedule-keep-error")).text()).toBe("Escribe un número entero entre 1 y 100.");
    expect(wrapper.find(byTestId("backup-schedule-passphrase-error")).text()).toContain("al menos 12 caracteres");
    expect(document.activeElement?.id).toBe("backup-schedule-every");

    await fill(wrapper, { every: "3", keep: "10", passphrase: "una frase bastante larga", repeat: "otra frase bastante larga" });
    await submit(wrapper);
    expect(wrapper.find(byTestId("backup-schedule-every-error")).exists()).toBe(false);
    expect(wrapper.find(byTestId("backup-schedule-passphrase-repeat-error")).text()).toBe("Las dos frases no son iguales.");
    expect(document.activeElement?.id).toBe("backup-schedule-passphrase-repeat");
    expect(mockedInvoke).not.toHaveBeenCalledWith("backup_schedule_set", expect.anything());
    wrapper.unmount();
  });

  it("turns them on in the folder chosen; a cancelled dialog changes nothing", async () => {
    const answers: unknown[] = [null, { ...WEEKLY, lastAt: null, lastFile: null, nextDue: "2099-01-10T15:20:00Z" }];
    fakeCore({ backup_schedule_set: () => answers.shift() });
    const wrapper = mountApp(WithToasts);
    await flushPromises();
    await fill(wrapper, { every: "7", keep: "4", passphrase: "una frase bastante larga", repeat: "una frase bastante larga" });
    await submit(wrapper);
    expect(mockedInvoke).toHaveBeenCalledWith("backup_schedule_set", { everyDays: 7, keep: 4, passphrase: "una frase bastante larga" });
    expect(wrapper.find(byTestId("backup-schedule-status")).text()).toBe("Desactivadas en esta laptop.");
    expect(wrapper.find(byTestId("backup-schedule-error")).exists()).toBe(false);
    expect(value(wrapper, "backup-schedule-passphrase")).toBe("una frase bastante larga");
    expect(inBody("toast")!.textContent).not.toContain("Copias automáticas activadas");

    await submit(wrapper);
    const said = wrapper.find(byTestId("backup-schedule-status")).text();
    expect(said).toContain("Cada 7 días en /media/ana/USB-COPIAS; se guardan las últimas 4.");
    expect(said).toContain("Última copia: todavía ninguna.");
    expect(said).toContain("Próxima: ");
    expect(said).toContain("2099");
    expect(value(wrapper, "backup-schedule-passphrase")).toBe("");
    expect(value(wrapper, "backup-schedule-passphrase-repeat")).toBe("");
    expect(wrapper.find(byTestId("backup-schedule-passphrase-error")).exists()).toBe(false);
    expect(wrapper.find(byTestId("backup-schedule-save")).text()).toBe("Elegir carpeta y guardar cambios");
    expect(inBody("toast")!.textContent).toContain("Copias automáticas activadas");
    wrapper.unmount();
  });

  it("shows the core's refusals on their field or for the whole form", async () => {
    const errors = [commandError("invalid_input", "everyDays"), commandError("invalid_input", "keep"), commandError("forbidden")];
    fakeCore({
      backup_schedule_set: () => {
        throw errors.shift();
      },
    });
    const wrapper = mountApp(SettingsArea);
    await flushPromises();
    await fill(wrapper, { passphrase: "una frase bastante larga", repeat: "una frase bastante larga" });
    await submit(wrapper);
    expect(wrapper.find(byTestId("backup-schedule-every-error")).text()).toBe("Escribe un número entero entre 1 y 30.");
    expect(document.activeElement?.id).toBe("backup-schedule-every");
    await submit(wrapper);
    expect(wrapper.find(byTestId("backup-schedule-keep-error")).text()).toBe("Escribe un número entero entre 1 y 100.");
    await submit(wrapper);
    expect(wrapper.find(byTestId("backup-schedule-error")).text()).toContain("No tienes permiso");
    wrapper.unmount();
  });

  it("fills the form with the schedule set, and shows the last failure", async () => {
    status = { ...WEEKLY, failedAt: "2026-11-10T16:00:00Z", failure: "backup_folder_missing" };
    fakeCore();
    const wrapper = mountApp(SettingsArea);
    await flushPromises();
    expect(value(wrapper, "backup-schedule-every")).toBe("7");
    expect(value(wrapper, "backup-schedule-keep")).toBe("4");
    const failure = wrapper.find(byTestId("backup-schedule-failure"));
    expect(failure.attributes("role")).toBe("alert");
    expect(failure.text()).toContain("La última copia automática no se pudo hacer (");
    expect(failure.text()).toContain("conecta la memoria USB o elige otra carpeta");
    expect(wrapper.find(byTestId("backup-schedule-status")).text()).toContain("Última copia: ");
    wrapper.unmount();
  });

  it("makes a backup at once, then reads the status again; a failure shows there too", async () => {
    status = { ...WEEKLY };
    const runs: Array<() => unknown> = [
      () => {
        status = { ...WEEKLY, lastAt: "2026-11-05T10:00:00Z", lastFile: "acompana-auto-2026-11-05.age" };
        return { file: "acompana-auto-2026-11-05.age", info: INFO, removed: 2 };
      },
      () => {
        status = { ...status, failedAt: "2026-11-05T11:00:00Z", failure: "backup_folder_missing" };
        throw commandError("backup_folder_missing");
      },
    ];
    fakeCore({ backup_schedule_run: () => runs.shift()!() });
    const wrapper = mountApp(SettingsArea);
    await flushPromises();
    await wrapper.find(byTestId("backup-schedule-run-now")).trigger("click");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("backup_schedule_run", { now: true });
    const done = wrapper.find(byTestId("backup-schedule-done"));
    expect(done.attributes("role")).toBe("status");
    expect(done.text()).toBe("Copia hecha: acompana-auto-2026-11-05.age. Se borraron 2 copias antiguas.");
    expect(mockedInvoke.mock.calls.filter(([command]) => command === "backup_schedule_get")).toHaveLength(2);

    await wrapper.find(byTestId("backup-schedule-run-now")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("backup-schedule-done")).exists()).toBe(false);
    expect(wrapper.find(byTestId("backup-schedule-error")).text()).toContain("conecta la memoria USB");
    expect(wrapper.find(byTestId("backup-schedule-failure")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("turns them off after asking", async () => {
    status = { ...WEEKLY };
    fakeCore({
      backup_schedule_clear: () => {
        status = { ...OFF, lastAt: WEEKLY.lastAt, lastFile: WEEKLY.lastFile };
        return status;
      },
    });
    const wrapper = mountApp(SettingsArea);
    await flushPromises();
    await wrapper.find(byTestId("backup-schedule-off")).trigger("click");
    await flushPromises();
    expect(inBody("confirm-dialog")!.textContent).toContain("no se borran");
    expect(mockedInvoke.mock.calls.some(([command]) => command === "backup_schedule_clear")).toBe(false);
    inBody("confirm-accept")!.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("backup_schedule_clear");
    expect(wrapper.find(byTestId("backup-schedule-status")).text()).toBe("Desactivadas en esta laptop.");
    expect(wrapper.find(byTestId("backup-schedule-run-now")).exists()).toBe(false);
    expect(value(wrapper, "backup-schedule-every")).toBe("1");
    wrapper.unmount();
  });

  it("reads the status again when the shell's own run wrote a backup", async () => {
    fakeCore();
    const wrapper = mountApp(SettingsArea);
    await flushPromises();
    status = { ...WEEKLY };
    scheduleRuns.count += 1;
    await flushPromises();
    expect(wrapper.find(byTestId("backup-schedule-status")).text()).toContain("Cada 7 días");
    wrapper.unmount();
  });

  it("is for administrators only", async () => {
    sessionState.session = { ...ADMIN, role: "coordinator" };
    fakeCore();
    const wrapper = mountApp(SettingsArea);
    await flushPromises();
    expect(wrapper.find(byTestId("backup-schedule-card")).exists()).toBe(false);
    expect(mockedInvoke.mock.calls.some(([command]) => command.startsWith("backup_schedule"))).toBe(false);
    wrapper.unmount();
  });
});

describe("the signed-in shell", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    document.body.innerHTML = "";
    Object.assign(sessionState, { phase: "loading", session: null, lockReason: null });
    // Only the shell's timers: flushPromises keeps its own.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function fakeCore(run: () => unknown) {
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "vault_status") return { exists: true, session: ADMIN };
      if (command === "backup_schedule_run") return run();
      if (command === "tasks_today") return { today: "2026-11-05", overdue: EMPTY, dueToday: EMPTY, thisWeek: EMPTY };
      if (command === "conflicts_list") return [];
      if (command === "visit_status") return null;
      if (command === "sync_folder_get") return null;
      throw commandError("internal");
    });
  }
  const EMPTY = { items: [], total: 0, capped: false };
  const runs = () => mockedInvoke.mock.calls.filter(([command]) => command === "backup_schedule_run");
  const warnings = () => document.body.querySelectorAll(".p-toast-message-warn").length;

  it("asks a few seconds after it appears and every half hour, warning once of the same problem", async () => {
    fakeCore(() => {
      throw commandError("backup_folder_missing");
    });
    const wrapper = mountApp(App);
    await flushPromises();
    expect(wrapper.find(byTestId("shell")).exists()).toBe(true);
    expect(runs()).toHaveLength(0);

    vi.advanceTimersByTime(SCHEDULE_FIRST_CHECK_MS);
    await flushPromises();
    expect(runs()).toEqual([["backup_schedule_run", { now: false }]]);
    expect(warnings()).toBe(1);
    expect(inBody("toast")!.textContent).toContain("No se pudo hacer la copia automática");
    expect(inBody("toast")!.textContent).toContain("conecta la memoria USB");

    // Half an hour later the first toast is long gone, and the same problem brings no new one.
    vi.advanceTimersByTime(SCHEDULE_CHECK_MS);
    await flushPromises();
    expect(runs()).toHaveLength(2);
    expect(warnings()).toBe(0);

    wrapper.unmount();
    vi.advanceTimersByTime(SCHEDULE_CHECK_MS);
    await flushPromises();
    expect(runs()).toHaveLength(2);
  });

  it("says a backup written in a short toast", async () => {
    fakeCore(() => ({ file: "acompana-auto.age", info: INFO, removed: 0 }));
    const wrapper = mountApp(App);
    await flushPromises();
    vi.advanceTimersByTime(SCHEDULE_FIRST_CHECK_MS);
    await flushPromises();
    expect(inBody("toast")!.textContent).toContain("Copia automática guardada");
    wrapper.unmount();
  });

  it("asks nothing when it closes before the first question", async () => {
    fakeCore(() => null);
    const wrapper = mountApp(App);
    await flushPromises();
    wrapper.unmount();
    vi.advanceTimersByTime(SCHEDULE_FIRST_CHECK_MS + SCHEDULE_CHECK_MS);
    await flushPromises();
    expect(runs()).toHaveLength(0);
  });
});
