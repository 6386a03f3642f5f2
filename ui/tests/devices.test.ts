import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import StaffArea from "../src/areas/StaffArea.vue";
import { forgetNewRecoveryCode, rekeyState } from "../src/rekey";
import { byTestId, commandError, device, flushPromises, inBody, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const SESSION = {
  staffId: "s2",
  username: "lucia.mena",
  displayName: "Lucía Mena",
  role: "coordinator",
  orgName: "Mujeres Libres",
  country: "CO",
  idleLockMinutes: 5,
  demo: false,
};
const STAFF = [
  { id: "s1", username: "ana.rojas", displayName: "Ana Rojas", role: "admin", active: true, createdAt: "2025-03-02T14:00:00Z" },
  { id: "s2", username: "lucia.mena", displayName: "Lucía Mena", role: "coordinator", active: true, createdAt: "2025-03-04T15:30:00Z" },
  { id: "s3", username: "marta_g", displayName: "Marta Gómez", role: "caseworker", active: true, createdAt: "2025-04-11T09:10:00Z" },
  { id: "s4", username: "paola.r", displayName: "Paola Ríos", role: "caseworker", active: false, createdAt: "2025-05-20T10:00:00Z" },
];
const DEVICES = [
  device({ id: "dev-lucia", name: "Laptop Lucía", staff: "lucia.mena", thisLaptop: true }),
  device({ id: "dev-marta", name: "Laptop Marta", staff: "marta_g", lastHeard: "2026-11-01T10:00:00Z" }),
  device({ id: "dev-new", name: "Laptop Ana", staff: "ana.rojas", registered: false, joinExpires: "2099-12-01T00:00:00Z" }),
  device({ id: "dev-old", name: "Laptop vieja", staff: "paola.r", revoked: true }),
];

function fakeCore(extra: Record<string, unknown> = {}) {
  mockedInvoke.mockImplementation(async (command: string, args?: unknown) => {
    const answers: Record<string, unknown> = { staff_list: STAFF, device_list: DEVICES, ...extra };
    if (!(command in answers)) throw commandError("internal");
    const answer = answers[command];
    if (answer instanceof Error) throw answer;
    return typeof answer === "function" ? (answer as (a: unknown) => unknown)(args) : answer;
  });
}

describe("laptops in Equipo", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });

  it("lists the organization's laptops for a coordinator, with their status", async () => {
    fakeCore();
    const wrapper = mountApp(StaffArea, { props: { session: SESSION } });
    await flushPromises();
    expect(wrapper.find(byTestId("devices")).exists()).toBe(true);
    const mine = wrapper.find(byTestId("device-row-dev-lucia"));
    expect(mine.element.tagName).toBe("TR");
    expect(mine.text()).toContain("esta laptop");
    expect(wrapper.find(byTestId("device-row-dev-marta")).text()).toContain("Marta Gómez");
    expect(wrapper.find(byTestId("device-status-dev-marta")).text()).toBe("Registrada");
    expect(wrapper.find(byTestId("device-status-dev-new")).text()).toBe("Esperando su primer archivo");
    expect(wrapper.find(byTestId("device-row-dev-new")).text()).toContain("funciona hasta");
    expect(wrapper.find(byTestId("device-status-dev-old")).text()).toBe("Revocada");
    // Revoking: never this laptop, nor one already revoked.
    expect(wrapper.find(byTestId("device-revoke-dev-lucia")).exists()).toBe(false);
    expect(wrapper.find(byTestId("device-revoke-dev-old")).exists()).toBe(false);
    expect(wrapper.find(byTestId("device-revoke-dev-marta")).exists()).toBe(true);
    expect(wrapper.find(byTestId("device-revoke-dev-new")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("is not shown to a caseworker", async () => {
    fakeCore();
    const wrapper = mountApp(StaffArea, { props: { session: { ...SESSION, role: "caseworker" } } });
    await flushPromises();
    expect(wrapper.find(byTestId("devices")).exists()).toBe(false);
    expect(mockedInvoke).not.toHaveBeenCalledWith("device_list");
    wrapper.unmount();
  });

  it("adds a laptop for a colleague and shows the passphrase once", async () => {
    fakeCore({
      device_add: {
        deviceId: "dev-9",
        passphrase: "sol luna mar rio casa flor pan miel",
        expires: "2026-12-08T15:00:00Z",
        fileName: "acompana-union-laptop-marta.age",
      },
    });
    const wrapper = mountApp(StaffArea, { props: { session: SESSION } });
    await flushPromises();
    await wrapper.find(byTestId("device-add")).trigger("click");
    await flushPromises();
    const select = inBody("device-staff") as HTMLSelectElement;
    // Only active colleagues can be chosen.
    expect([...select.options].map((option) => option.value)).toEqual(["", "ana.rojas", "lucia.mena", "marta_g"]);
    // Named as people know each other (end-to-end tests pick by this text).
    expect(select.options[3].textContent?.trim()).toBe("Marta Gómez");
    select.value = "marta_g";
    select.dispatchEvent(new Event("change"));
    await flushPromises();
    const name = inBody("device-name") as HTMLInputElement;
    expect(name.value).toBe("Laptop Marta Gómez");
    inBody("device-add-confirm")!.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("device_add", { username: "marta_g", name: "Laptop Marta Gómez" });
    expect(inBody("device-passphrase")!.textContent).toBe("sol luna mar rio casa flor pan miel");
    expect(inBody("device-file-name")!.textContent).toContain("acompana-union-laptop-marta.age");
    expect(inBody("device-expires")!.textContent).toContain("2026");
    expect(inBody("device-added")!.textContent).toContain("Nunca mandes las palabras junto con el archivo");
    inBody("device-passphrase-close")!.click();
    await flushPromises();
    expect(inBody("device-passphrase")).toBeNull();
    wrapper.unmount();
  });

  it("asks for the colleague first, and keeps the dialog when the save dialog is cancelled", async () => {
    fakeCore({ device_add: null });
    const wrapper = mountApp(StaffArea, { props: { session: SESSION } });
    await flushPromises();
    await wrapper.find(byTestId("device-add")).trigger("click");
    await flushPromises();
    inBody("device-add-confirm")!.click();
    await flushPromises();
    expect(inBody("device-staff-error")).not.toBeNull();
    expect(mockedInvoke).not.toHaveBeenCalledWith("device_add", expect.anything());
    const select = inBody("device-staff") as HTMLSelectElement;
    select.value = "ana.rojas";
    select.dispatchEvent(new Event("change"));
    await flushPromises();
    inBody("device-add-confirm")!.click();
    await flushPromises();
    expect(inBody("device-add-cancelled")).not.toBeNull();
    expect(inBody("device-passphrase")).toBeNull();
    expect(inBody("device-dialog")).not.toBeNull();
    wrapper.unmount();
  });

  it("revokes a laptop after a confirmation that says what it does and her password, then shows the new recovery code", async () => {
    forgetNewRecoveryCode();
    fakeCore({ device_revoke: { recoveryCode: "NEW1-CODE-2345", needsPasswordReset: [] } });
    const wrapper = mountApp(StaffArea, { props: { session: SESSION } });
    await flushPromises();
    await wrapper.find(byTestId("device-revoke-dev-marta")).trigger("click");
    await flushPromises();
    expect(inBody("confirm-dialog")!.textContent).toContain("se rechazarán en cada laptop");
    expect(inBody("confirm-dialog")!.textContent).toContain("código de recuperación nuevo");
    // Without her password nothing is asked of the core.
    inBody("confirm-accept")!.click();
    await flushPromises();
    expect(inBody("device-revoke-password-error")).not.toBeNull();
    expect(mockedInvoke).not.toHaveBeenCalledWith("device_revoke", expect.anything());
    const password = inBody("device-revoke-password") as HTMLInputElement;
    password.value = "mi contraseña larga";
    password.dispatchEvent(new Event("input"));
    await flushPromises();
    inBody("confirm-accept")!.click();
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("device_revoke", { deviceId: "dev-marta", password: "mi contraseña larga" });
    expect(inBody("confirm-dialog")).toBeNull();
    expect(rekeyState.code).toBe("NEW1-CODE-2345");
    forgetNewRecoveryCode();
    wrapper.unmount();
  });

  it("keeps the revoke dialog open on a wrong password, and says so", async () => {
    fakeCore({
      device_revoke: () => {
        throw commandError("wrong_credentials");
      },
    });
    const wrapper = mountApp(StaffArea, { props: { session: SESSION } });
    await flushPromises();
    await wrapper.find(byTestId("device-revoke-dev-marta")).trigger("click");
    await flushPromises();
    const password = inBody("device-revoke-password") as HTMLInputElement;
    password.value = "equivocada-123";
    password.dispatchEvent(new Event("input"));
    await flushPromises();
    inBody("confirm-accept")!.click();
    await flushPromises();
    expect(inBody("confirm-dialog")).not.toBeNull();
    expect(inBody("device-revoke-password-error")!.textContent).toContain("no son correctos");
    expect((inBody("device-revoke-password") as HTMLInputElement).value).toBe("");
    expect(rekeyState.code).toBeNull();
    wrapper.unmount();
  });
});
