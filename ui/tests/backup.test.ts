import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import App from "../src/App.vue";
import SettingsArea from "../src/areas/SettingsArea.vue";
import FirstRunView from "../src/views/FirstRunView.vue";
import { AppError } from "../src/api";
import {
  BACKUP_REFUSAL_REASONS,
  backupErrorKey,
  checkBackupPassphrase,
  checkBackupRepeat,
  megabytes,
} from "../src/backup";
import { forgetNewRecoveryCode, rekeyState } from "../src/rekey";
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

describe("a backup's passphrase", () => {
  it("needs at least 12 characters, counted as people count them", () => {
    expect(checkBackupPassphrase("")).toBe("validation.required");
    expect(checkBackupPassphrase("corta")).toBe("validation.passphrase_short");
    expect(checkBackupPassphrase("onceletras1")).toBe("validation.passphrase_short");
    expect(checkBackupPassphrase("doce letras!")).toBeNull();
    // Eleven letters, one of them accented: still short.
    expect(checkBackupPassphrase("añoñañoñaño")).toBe("validation.passphrase_short");
  });

  it("must be typed the same twice", () => {
    expect(checkBackupRepeat("una frase larga", "")).toBe("validation.required");
    expect(checkBackupRepeat("una frase larga", "una frase Larga")).toBe("validation.passphrase_mismatch");
    expect(checkBackupRepeat("una frase larga", "una frase larga")).toBeNull();
  });

  it("says a refused backup's reason in words, and other errors as usual", () => {
    for (const reason of BACKUP_REFUSAL_REASONS) {
      expect(backupErrorKey(new AppError("backup_refused", null, undefined, reason))).toBe(`backup.refusal.${reason}`);
    }
    expect(backupErrorKey(new AppError("backup_refused", null, undefined, "something_new"))).toBe("backup.refusal.unknown");
    expect(backupErrorKey(new AppError("disk_full"))).toBe("errors.disk_full");
  });

  it("gives the size in megabytes with one decimal", () => {
    expect(megabytes(12_345_678)).toBe(12.3);
    expect(megabytes(2_000)).toBe(0.1);
  });
});

describe("Configuración: backup and recovery code", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetNewRecoveryCode();
    sessionState.session = { ...ADMIN };
  });

  function fakeCore(extra: Record<string, (args: unknown) => unknown> = {}) {
    mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
      if (command in extra) return extra[command](args);
      if (command === "settings_get") return { idleLockMinutes: 5 };
      if (command === "sync_folder_get") return null;
      if (command === "backup_schedule_get") {
        return { schedule: null, lastAt: null, lastFile: null, nextDue: null, failedAt: null, failure: null };
      }
      if (command === "device_list" || command === "staff_list") return [];
      throw commandError("internal");
    });
  }

  async function fillBackup(wrapper: ReturnType<typeof mountApp>, passphrase: string, repeat: string) {
    await wrapper.find(byTestId("backup-passphrase")).setValue(passphrase);
    await wrapper.find(byTestId("backup-passphrase-repeat")).setValue(repeat);
    await wrapper.find(byTestId("backup-form")).trigger("submit");
    await flushPromises();
  }

  it("checks the passphrase's length and the repetition before asking the core", async () => {
    fakeCore();
    const wrapper = mountApp(SettingsArea);
    await flushPromises();
    expect(wrapper.find(byTestId("backup-card")).text()).toContain("Sin la frase que elijas aquí, la copia no se puede abrir");
    expect(wrapper.find(byTestId("backup-card")).text()).toContain("código de recuperación");
    expect(wrapper.find(byTestId("backup-card")).text()).toContain("lejos de esta laptop");

    await fillBackup(wrapper, "corta", "corta");
    expect(wrapper.find(byTestId("backup-passphrase-error")).text()).toContain("al menos 12 caracteres");
    expect(wrapper.find(byTestId("backup-passphrase-repeat-error")).exists()).toBe(false);

    await fillBackup(wrapper, "una frase bastante larga", "otra frase bastante larga");
    expect(wrapper.find(byTestId("backup-passphrase-error")).exists()).toBe(false);
    expect(wrapper.find(byTestId("backup-passphrase-repeat-error")).text()).toBe("Las dos frases no son iguales.");
    expect(mockedInvoke).not.toHaveBeenCalledWith("backup_create", expect.anything());

    // Changing the passphrase clears the repetition's problem.
    await wrapper.find(byTestId("backup-passphrase")).setValue("otra frase bastante larga");
    expect(wrapper.find(byTestId("backup-passphrase-repeat-error")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("saves the backup and says where and how big; a cancelled dialog says nothing", async () => {
    const answers: unknown[] = [null, { fileName: "acompana-copia-2026-11-03.age", info: INFO }];
    fakeCore({ backup_create: () => answers.shift() });
    const wrapper = mountApp(SettingsArea);
    await flushPromises();
    await fillBackup(wrapper, "una frase bastante larga", "una frase bastante larga");
    expect(mockedInvoke).toHaveBeenCalledWith("backup_create", { passphrase: "una frase bastante larga" });
    expect(wrapper.find(byTestId("backup-done")).exists()).toBe(false);
    expect(wrapper.find(byTestId("backup-error")).exists()).toBe(false);
    // The passphrase stays for another try.
    expect((wrapper.find(byTestId("backup-passphrase")).element as HTMLInputElement).value).toBe("una frase bastante larga");

    await wrapper.find(byTestId("backup-form")).trigger("submit");
    await flushPromises();
    const done = wrapper.find(byTestId("backup-done")).text();
    expect(done).toContain("acompana-copia-2026-11-03.age");
    expect(done).toContain("12,3 MB");
    expect((wrapper.find(byTestId("backup-passphrase")).element as HTMLInputElement).value).toBe("");
    wrapper.unmount();
  });

  it("shows the core's refusals inline", async () => {
    const errors = [commandError("invalid_input", "passphrase"), commandError("disk_full")];
    fakeCore({
      backup_create: () => {
        throw errors.shift();
      },
    });
    const wrapper = mountApp(SettingsArea);
    await flushPromises();
    await fillBackup(wrapper, "una frase bastante larga", "una frase bastante larga");
    expect(wrapper.find(byTestId("backup-passphrase-error")).text()).toContain("al menos 12 caracteres");
    expect(document.activeElement?.id).toBe("backup-passphrase");
    await wrapper.find(byTestId("backup-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("backup-error")).text()).toContain("El disco de la computadora está lleno");
    wrapper.unmount();
  });

  it("is offered to administrators only, as changing the recovery code", async () => {
    fakeCore();
    const admin = mountApp(SettingsArea);
    await flushPromises();
    expect(admin.find(byTestId("recovery-change")).exists()).toBe(true);
    expect(admin.find(byTestId("backup-create")).exists()).toBe(true);
    admin.unmount();
    sessionState.session = { ...ADMIN, role: "coordinator" };
    const coordinator = mountApp(SettingsArea);
    await flushPromises();
    expect(coordinator.find(byTestId("recovery-change")).exists()).toBe(false);
    expect(coordinator.find(byTestId("backup-create")).exists()).toBe(false);
    coordinator.unmount();
  });

  it("changes the recovery code after her password and hands the new code on", async () => {
    const answers: Array<() => unknown> = [
      () => {
        throw commandError("wrong_credentials");
      },
      () => ({ recoveryCode: "NEW1-CODE", needsPasswordReset: [] }),
    ];
    fakeCore({ recovery_code_change: () => answers.shift()!() });
    // The dialog's own transition runs, so that it focuses the password box when it has entered.
    const wrapper = mountApp(SettingsArea, { stubs: { transition: false } });
    await flushPromises();
    await wrapper.find(byTestId("recovery-change")).trigger("click");
    await flushPromises();
    expect(document.activeElement?.id).toBe("recovery-change-password");
    const password = inBody("recovery-change-password") as HTMLInputElement;
    password.value = "equivocada-123";
    password.dispatchEvent(new Event("input"));
    await flushPromises();
    inBody("recovery-change-confirm")!.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("recovery_code_change", { password: "equivocada-123" });
    expect(inBody("recovery-change-password-error")!.textContent).toContain("no son correctos");
    expect(document.activeElement?.id).toBe("recovery-change-password");
    expect(inBody("recovery-change-dialog")).not.toBeNull();
    expect(rekeyState.code).toBeNull();

    password.value = "mi contraseña larga";
    password.dispatchEvent(new Event("input"));
    await flushPromises();
    inBody("recovery-change-confirm")!.click();
    await flushPromises();
    // Gone once its closing transition has run.
    await vi.waitFor(() => expect(inBody("recovery-change-dialog")).toBeNull());
    expect(rekeyState).toMatchObject({ code: "NEW1-CODE", needsReset: [], orgName: "Mujeres Libres" });
    wrapper.unmount();
    forgetNewRecoveryCode();
  });
});

describe("restoring a backup on first run", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    Object.assign(sessionState, { phase: "loading", session: null, lockReason: null, restoredAt: null });
  });

  async function openRestore(wrapper: ReturnType<typeof mountApp>) {
    await wrapper.find(byTestId("first-run-restore")).trigger("click");
    await flushPromises();
  }

  it("asks for the passphrase, then says why a backup was refused", async () => {
    const errors = [commandError("backup_refused", null, "wrong_passphrase"), commandError("backup_refused", null, "truncated")];
    mockedInvoke.mockImplementation(async () => {
      throw errors.shift();
    });
    const wrapper = mountApp(FirstRunView);
    await openRestore(wrapper);
    expect(wrapper.find(byTestId("restore-card")).text()).toContain("la contraseña que valían cuando se hizo la copia");
    await wrapper.find(byTestId("restore-form")).trigger("submit");
    expect(wrapper.find(byTestId("restore-passphrase-error")).exists()).toBe(true);
    expect(mockedInvoke).not.toHaveBeenCalled();

    await wrapper.find(byTestId("restore-passphrase")).setValue("una frase bastante larga");
    await wrapper.find(byTestId("restore-form")).trigger("submit");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("backup_restore", { passphrase: "una frase bastante larga" });
    expect(wrapper.find(byTestId("restore-error")).text()).toContain("La frase no abre esta copia");
    expect(document.activeElement?.id).toBe("restore-passphrase");
    expect(wrapper.find(byTestId("restore-error")).text()).toContain("No se cambió nada");
    await wrapper.find(byTestId("restore-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("restore-error")).text()).toContain("incompleta");
    await wrapper.find(byTestId("restore-back")).trigger("click");
    expect(wrapper.find(byTestId("create-form")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("goes to sign-in after a restore, saying which password opens it", async () => {
    let restored = false;
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "vault_status") return { exists: restored, session: null };
      if (command === "backup_restore") {
        restored = true;
        return INFO;
      }
      throw commandError("internal");
    });
    const wrapper = mountApp(App);
    await flushPromises();
    await openRestore(wrapper);
    await wrapper.find(byTestId("restore-passphrase")).setValue("una frase bastante larga");
    await wrapper.find(byTestId("restore-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("sign-in")).exists()).toBe(true);
    const notice = wrapper.find(byTestId("signin-restored-notice")).text();
    expect(notice).toContain("2026");
    expect(notice).toContain("código de recuperación");
    wrapper.unmount();
  });

  it("says so calmly when no backup was chosen", async () => {
    mockedInvoke.mockResolvedValue(null);
    const wrapper = mountApp(FirstRunView);
    await openRestore(wrapper);
    await wrapper.find(byTestId("restore-passphrase")).setValue("una frase bastante larga");
    await wrapper.find(byTestId("restore-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("restore-cancelled")).exists()).toBe(true);
    expect(wrapper.find(byTestId("restore-error")).exists()).toBe(false);
    wrapper.unmount();
  });
});
