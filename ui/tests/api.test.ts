import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import { AppError, ERROR_CODES, api, setLockedHandler, toAppError } from "../src/api";
import { commandError } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

describe("api", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    setLockedHandler(null);
  });

  it("returns the data of an ok result", async () => {
    mockedInvoke.mockResolvedValueOnce({ exists: true, session: null });
    await expect(api.vaultStatus()).resolves.toEqual({ exists: true, session: null });
    expect(mockedInvoke).toHaveBeenCalledWith("vault_status");
  });

  it("passes arguments under the names the Rust commands take", async () => {
    mockedInvoke.mockResolvedValue(null);
    await api.sessionUnlock("ana", "secret-secret");
    expect(mockedInvoke).toHaveBeenLastCalledWith("session_unlock", { username: "ana", password: "secret-secret" });
    await api.sessionRecover("CODE", "ana", "new-password-1");
    expect(mockedInvoke).toHaveBeenLastCalledWith("session_recover", {
      recoveryCode: "CODE",
      username: "ana",
      newPassword: "new-password-1",
    });
    await api.staffDisable("id-1", "mi-contraseña");
    expect(mockedInvoke).toHaveBeenLastCalledWith("staff_disable", { staffId: "id-1", password: "mi-contraseña" });
    await api.recoveryCodeChange("mi-contraseña");
    expect(mockedInvoke).toHaveBeenLastCalledWith("recovery_code_change", { password: "mi-contraseña" });
    await api.staffResetPassword("id-1", "new-password-1");
    expect(mockedInvoke).toHaveBeenLastCalledWith("staff_reset_password", { staffId: "id-1", newPassword: "new-password-1" });
    await api.passwordChange("old-password", "new-password-1");
    expect(mockedInvoke).toHaveBeenLastCalledWith("password_change", {
      currentPassword: "old-password",
      newPassword: "new-password-1",
    });
    await api.auditList(50, 50);
    expect(mockedInvoke).toHaveBeenLastCalledWith("audit_list", { offset: 50, limit: 50 });
    await api.settingsSet({ idleLockMinutes: 7 });
    expect(mockedInvoke).toHaveBeenLastCalledWith("settings_set", { settings: { idleLockMinutes: 7 } });
  });

  it("passes the sync commands' arguments under the names the Rust commands take", async () => {
    mockedInvoke.mockResolvedValue(null);
    await api.deviceAdd("marta_g", "Laptop Marta");
    expect(mockedInvoke).toHaveBeenLastCalledWith("device_add", { username: "marta_g", name: "Laptop Marta" });
    await api.deviceRevoke("dev-1", "mi-contraseña");
    expect(mockedInvoke).toHaveBeenLastCalledWith("device_revoke", { deviceId: "dev-1", password: "mi-contraseña" });
    await api.syncSaveChanges(["dev-1", "dev-2"]);
    expect(mockedInvoke).toHaveBeenLastCalledWith("sync_save_changes", { deviceIds: ["dev-1", "dev-2"] });
    await api.syncOpenReceived();
    expect(mockedInvoke).toHaveBeenLastCalledWith("sync_open_received");
    await api.conflictsResolve("op-1", "op-2");
    expect(mockedInvoke).toHaveBeenLastCalledWith("conflicts_resolve", { conflictId: "op-1", keepOp: "op-2" });
    await api.vaultJoin({ passphrase: "sol luna", newPassword: "una frase larga" });
    expect(mockedInvoke).toHaveBeenLastCalledWith("vault_join", { input: { passphrase: "sol luna", newPassword: "una frase larga" } });
    // A cancelled native dialog answers null, which reaches the screen as it is.
    await expect(api.syncOpenReceived()).resolves.toBeNull();
  });

  it("passes the rights commands' arguments under the names the Rust commands take", async () => {
    mockedInvoke.mockResolvedValue(null);
    await api.rightsAdd("p1", "erasure", "2026-11-03");
    expect(mockedInvoke).toHaveBeenLastCalledWith("rights_add", { participantId: "p1", right: "erasure", receivedOn: "2026-11-03" });
    await api.rightsDone("r1", null);
    expect(mockedInvoke).toHaveBeenLastCalledWith("rights_done", { requestId: "r1", outcome: null });
    await api.rightsList();
    expect(mockedInvoke).toHaveBeenLastCalledWith("rights_list");
  });

  it("passes the backup commands' passphrase under the name the Rust commands take", async () => {
    mockedInvoke.mockResolvedValue(null);
    await expect(api.backupCreate("una frase muy larga")).resolves.toBeNull();
    expect(mockedInvoke).toHaveBeenLastCalledWith("backup_create", { passphrase: "una frase muy larga" });
    await expect(api.backupRestore("una frase muy larga")).resolves.toBeNull();
    expect(mockedInvoke).toHaveBeenLastCalledWith("backup_restore", { passphrase: "una frase muy larga" });
  });

  it("carries a refused backup's reason on the AppError", async () => {
    mockedInvoke.mockRejectedValueOnce(commandError("backup_refused", null, "wrong_passphrase"));
    await expect(api.backupRestore("una frase muy larga")).rejects.toMatchObject({ code: "backup_refused", reason: "wrong_passphrase" });
  });

  it("carries a refused file's reason on the AppError", async () => {
    mockedInvoke.mockRejectedValueOnce(commandError("sync_refused", null, "sync_wrong_org"));
    await expect(api.syncOpenReceived()).rejects.toMatchObject({ code: "sync_refused", reason: "sync_wrong_org" });
    expect(new AppError("io").reason).toBeNull();
  });

  it("throws a typed AppError with the code and field of a CommandError", async () => {
    mockedInvoke.mockRejectedValueOnce(commandError("weak_password", "adminPassword"));
    const error = await api
      .vaultCreate({ orgName: "O", country: "CO", adminUsername: "ana", adminDisplayName: "Ana", adminPassword: "x" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "weak_password", field: "adminPassword" });
    expect((error as AppError).i18nKey).toBe("errors.weak_password");
    // The developer message is never carried into what the UI shows.
    expect((error as AppError).message).not.toContain("developer text");
  });

  it("matches fields written in camelCase or snake_case", () => {
    const error = new AppError("invalid_input", "new_password");
    expect(error.isForField("newPassword")).toBe(true);
    expect(error.isForField("password")).toBe(false);
    expect(new AppError("invalid_input").isForField("newPassword")).toBe(false);
  });

  it("turns unknown codes, thrown Errors and strings into `internal`", async () => {
    expect(toAppError({ code: "something_new", message: "", field: null }).code).toBe("internal");
    expect(toAppError("panic text").code).toBe("internal");
    mockedInvoke.mockRejectedValueOnce(new TypeError("IPC is not available"));
    await expect(api.staffList()).rejects.toMatchObject({ code: "internal", field: null });
  });

  it("tells the app when a command finds the session locked", async () => {
    const onLocked = vi.fn();
    setLockedHandler(onLocked);
    mockedInvoke.mockRejectedValueOnce(commandError("locked"));
    await expect(api.staffList()).rejects.toMatchObject({ code: "locked" });
    expect(onLocked).toHaveBeenCalledOnce();
  });

  it("knows every error code of the bindings", () => {
    expect(ERROR_CODES).toContain("wrong_credentials");
    // The same set as the generated ErrorCode union.
    // vitest runs in ui/.
    const bindings = readFileSync("src/bindings.ts", "utf8");
    const union = /export type ErrorCode = ([^\n]+)/.exec(bindings)?.[1] ?? "";
    const generated = [...union.matchAll(/"([a-z_]+)"/g)].map((match) => match[1]);
    expect(generated.length).toBeGreaterThan(10);
    expect([...ERROR_CODES].sort()).toEqual(generated.sort());
  });
});
