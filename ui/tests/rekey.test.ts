import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import NewRecoveryCodeDialog from "../src/components/NewRecoveryCodeDialog.vue";
import StaffArea from "../src/areas/StaffArea.vue";
import { forgetNewRecoveryCode, rekeyState, showNewRecoveryCode, staffNames } from "../src/rekey";
import { byTestId, commandError, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);
const CODE = "K7QF-2M9X-PL4R-8HTD-W3NV";
// The dialogs' own transitions run (test-utils stubs them by default): PrimeVue focuses, and
// listens for Escape, when a dialog has entered.
const stubs = { transition: false };

async function tick(box: HTMLInputElement) {
  box.checked = true;
  box.dispatchEvent(new Event("change"));
  await flushPromises();
}

function escape() {
  document.dispatchEvent(new KeyboardEvent("keydown", { code: "Escape", key: "Escape", bubbles: true }));
}

describe("the new recovery code after a re-key", () => {
  it("cannot be closed until the box is ticked, by the button or by Escape", async () => {
    const wrapper = mountApp(NewRecoveryCodeDialog, { props: { code: CODE, needsReset: [] }, stubs });
    await flushPromises();
    expect(inBody("rekey-dialog")).not.toBeNull();
    expect(inBody("rekey-recovery-code")!.textContent).toBe(CODE);
    expect(inBody("rekey-dialog")!.textContent).toContain("El código de recuperación anterior ya no sirve");
    expect(inBody("rekey-dialog")!.textContent).toContain("Se muestra solo esta vez");

    const close = inBody("rekey-close") as HTMLButtonElement;
    expect(close.disabled).toBe(true);
    close.click();
    escape();
    await flushPromises();
    expect(wrapper.emitted("done")).toBeUndefined();

    await tick(inBody("rekey-written") as HTMLInputElement);
    expect((inBody("rekey-close") as HTMLButtonElement).disabled).toBe(false);
    inBody("rekey-close")!.click();
    await flushPromises();
    expect(wrapper.emitted("done")).toHaveLength(1);
    escape();
    await flushPromises();
    expect(wrapper.emitted("done")).toHaveLength(2);
    wrapper.unmount();
  });

  it("names the colleagues whose passwords must be reset, and only when there are some", async () => {
    const none = mountApp(NewRecoveryCodeDialog, { props: { code: CODE, needsReset: [] }, stubs });
    await flushPromises();
    expect(inBody("rekey-needs-reset")).toBeNull();
    none.unmount();

    const wrapper = mountApp(NewRecoveryCodeDialog, { props: { code: CODE, needsReset: ["Marta Gómez", "Paola Ríos"] }, stubs });
    await flushPromises();
    const list = inBody("rekey-needs-reset")!;
    expect([...list.querySelectorAll("li")].map((item) => item.textContent?.trim())).toEqual(["Marta Gómez", "Paola Ríos"]);
    expect(inBody("rekey-dialog")!.textContent).toContain("Restablécelas en Equipo");
    wrapper.unmount();
  });

  it("prints only its own sheet, through the browser", async () => {
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    const wrapper = mountApp(NewRecoveryCodeDialog, { props: { code: CODE, needsReset: [], orgName: "Mujeres Libres" }, stubs });
    await flushPromises();
    expect(document.documentElement.classList.contains("rekey-code-open")).toBe(true);
    inBody("rekey-print")!.click();
    expect(print).toHaveBeenCalledOnce();
    const sheet = document.body.querySelector(".rekey-print-sheet")!;
    expect(sheet.parentElement).toBe(document.body);
    expect(sheet.textContent).toContain(CODE);
    expect(sheet.textContent).toContain("Mujeres Libres");
    wrapper.unmount();
    expect(document.documentElement.classList.contains("rekey-code-open")).toBe(false);
    expect(document.body.querySelector(".rekey-print-sheet")).toBeNull();
  });

  it("keeps the code in memory only until it is written down", () => {
    showNewRecoveryCode({ recoveryCode: CODE, needsPasswordReset: ["s3", "s9"] }, [{ id: "s3", displayName: "Marta Gómez" }], "Mujeres Libres");
    expect(rekeyState).toMatchObject({ code: CODE, needsReset: ["Marta Gómez", "s9"], orgName: "Mujeres Libres" });
    forgetNewRecoveryCode();
    expect(rekeyState).toMatchObject({ code: null, needsReset: [], orgName: "" });
    expect(staffNames([], [])).toEqual([]);
  });
});

describe("removing someone's access", () => {
  const SESSION = {
    staffId: "s1",
    username: "ana.rojas",
    displayName: "Ana Rojas",
    role: "admin",
    orgName: "Mujeres Libres",
    country: "CO",
    idleLockMinutes: 5,
    demo: false,
  };
  const STAFF = [
    { id: "s1", username: "ana.rojas", displayName: "Ana Rojas", role: "admin", active: true, createdAt: "2025-03-02T14:00:00Z" },
    { id: "s3", username: "marta_g", displayName: "Marta Gómez", role: "caseworker", active: true, createdAt: "2025-04-11T09:10:00Z" },
    { id: "s4", username: "paola.r", displayName: "Paola Ríos", role: "caseworker", active: true, createdAt: "2025-05-20T10:00:00Z" },
  ];

  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetNewRecoveryCode();
  });

  function fakeCore(disable: (args: unknown) => unknown) {
    mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
      if (command === "staff_list") return STAFF;
      if (command === "device_list") return [];
      if (command === "staff_disable") return disable(args);
      throw commandError("internal");
    });
  }

  async function openDisable() {
    const wrapper = mountApp(StaffArea, { props: { session: SESSION }, stubs });
    await flushPromises();
    await wrapper.find(byTestId("staff-disable-marta_g")).trigger("click");
    await flushPromises();
    return wrapper;
  }

  function typePassword(value: string) {
    const input = inBody("staff-disable-password") as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event("input"));
  }

  it("asks for her own password, says the keys change, and keeps the dialog on a wrong one", async () => {
    fakeCore(() => {
      throw commandError("wrong_credentials");
    });
    const wrapper = await openDisable();
    expect(document.activeElement?.id).toBe("staff-disable-password");
    expect(inBody("confirm-dialog")!.textContent).toContain("cambia las llaves de la bóveda");
    inBody("confirm-accept")!.click();
    await flushPromises();
    expect(inBody("staff-disable-password-error")!.textContent).toContain("Falta completar");
    expect(mockedInvoke).not.toHaveBeenCalledWith("staff_disable", expect.anything());

    typePassword("equivocada-123");
    await flushPromises();
    inBody("confirm-accept")!.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("staff_disable", { staffId: "s3", password: "equivocada-123" });
    expect(inBody("confirm-dialog")).not.toBeNull();
    expect(inBody("staff-disable-password-error")!.textContent).toContain("no son correctos");
    expect((inBody("staff-disable-password") as HTMLInputElement).value).toBe("");
    expect(document.activeElement?.id).toBe("staff-disable-password");
    expect(rekeyState.code).toBeNull();
    wrapper.unmount();
  });

  it("closes the dialog and hands the new code on, with the names of those to reset", async () => {
    fakeCore(() => ({ recoveryCode: CODE, needsPasswordReset: ["s4"] }));
    const wrapper = await openDisable();
    typePassword("mi contraseña larga");
    await flushPromises();
    // Enter in the password box confirms too.
    (inBody("staff-disable-password") as HTMLInputElement).form!.dispatchEvent(new Event("submit", { cancelable: true }));
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("staff_disable", { staffId: "s3", password: "mi contraseña larga" });
    // Gone once its closing transition has run.
    await vi.waitFor(() => expect(inBody("confirm-dialog")).toBeNull());
    expect(rekeyState).toMatchObject({ code: CODE, needsReset: ["Paola Ríos"], orgName: "Mujeres Libres" });
    wrapper.unmount();
    forgetNewRecoveryCode();
  });
});
