import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import FirstRunView from "../src/views/FirstRunView.vue";
import { sessionState } from "../src/session";
import { byTestId, commandError, flushPromises, mountApp } from "./helpers";

const DEMO_SESSION = {
  staffId: "d1",
  username: "demo",
  displayName: "Demo",
  role: "admin",
  orgName: "Demo — datos inventados",
  country: "CO",
  idleLockMinutes: 5,
  demo: true,
};

const mockedInvoke = vi.mocked(invoke);

async function fill(wrapper: ReturnType<typeof mountApp>, password: string, confirmation: string) {
  await wrapper.find(byTestId("create-org-name")).setValue("Mujeres Libres");
  await wrapper.find(byTestId("create-country")).setValue("CO");
  await wrapper.find(byTestId("create-admin-username")).setValue("ana.rojas");
  await wrapper.find(byTestId("create-admin-name")).setValue("Ana Rojas");
  await wrapper.find(byTestId("create-password")).setValue(password);
  await wrapper.find(byTestId("create-password-confirm")).setValue(confirmation);
}

describe("first run", () => {
  // Braces: a function returned from beforeEach is run as its cleanup, and the mock is one.
  beforeEach(() => {
    mockedInvoke.mockReset();
  });

  it("blocks mismatched passwords without calling the core", async () => {
    const wrapper = mountApp(FirstRunView);
    await fill(wrapper, "una frase bastante larga", "una frase distinta larga");
    await wrapper.find(byTestId("create-form")).trigger("submit");
    await flushPromises();
    expect(mockedInvoke).not.toHaveBeenCalled();
    expect(wrapper.find(byTestId("create-password-confirm-error")).text()).toBe("Las dos contraseñas no son iguales.");
    expect(wrapper.emitted("created")).toBeUndefined();
    wrapper.unmount();
  });

  it("blocks short passwords and bad usernames", async () => {
    const wrapper = mountApp(FirstRunView);
    await fill(wrapper, "corta", "corta");
    await wrapper.find(byTestId("create-admin-username")).setValue("Ana Rojas!");
    await wrapper.find(byTestId("create-form")).trigger("submit");
    expect(mockedInvoke).not.toHaveBeenCalled();
    expect(wrapper.find(byTestId("create-password-error")).text()).toContain("al menos 10 caracteres");
    expect(wrapper.find(byTestId("create-admin-username-error")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("creates the vault and hands the recovery code up, showing a busy state meanwhile", async () => {
    let resolve: (value: unknown) => void = () => {};
    mockedInvoke.mockImplementationOnce(() => new Promise((r) => (resolve = r)));
    const wrapper = mountApp(FirstRunView);
    await fill(wrapper, "una frase bastante larga", "una frase bastante larga");
    await wrapper.find(byTestId("create-form")).trigger("submit");
    expect(mockedInvoke).toHaveBeenCalledWith("vault_create", {
      input: {
        orgName: "Mujeres Libres",
        country: "CO",
        adminUsername: "ana.rojas",
        adminDisplayName: "Ana Rojas",
        adminPassword: "una frase bastante larga",
      },
    });
    expect(wrapper.find(byTestId("create-busy")).exists()).toBe(true);
    expect(wrapper.find(byTestId("create-submit")).attributes("disabled")).toBeDefined();
    resolve({ recoveryCode: "AAAA-BBBB", session: { username: "ana.rojas" } });
    await flushPromises();
    expect(wrapper.emitted("created")?.[0]?.[0]).toMatchObject({ recoveryCode: "AAAA-BBBB" });
    wrapper.unmount();
  });

  it("puts the core's weak_password answer on the password field", async () => {
    mockedInvoke.mockRejectedValueOnce(commandError("weak_password", "adminPassword"));
    const wrapper = mountApp(FirstRunView);
    await fill(wrapper, "aaaaaaaaaaaa", "aaaaaaaaaaaa");
    await wrapper.find(byTestId("create-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("create-password-error")).text()).toContain("demasiado débil");
    wrapper.unmount();
  });

  it("opens the demo vault from the demo button and enters the shell", async () => {
    let answer: (value: unknown) => void = () => {};
    mockedInvoke.mockImplementation((command: string) => {
      if (command === "demo_open") return new Promise((resolve) => (answer = resolve));
      throw { code: "internal", message: `unexpected ${command}`, field: null };
    });
    const wrapper = mountApp(FirstRunView);
    const demo = wrapper.find(byTestId("demo-button"));
    expect(demo.attributes("disabled")).toBeUndefined();
    expect(wrapper.text()).toContain("No toca tus datos reales");
    await demo.trigger("click");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("demo_open");
    expect(wrapper.find(byTestId("demo-busy")).exists()).toBe(true);
    expect(wrapper.find(byTestId("demo-button")).attributes("disabled")).toBeDefined();
    answer({ ...DEMO_SESSION });
    await flushPromises();
    expect(sessionState.phase).toBe("shell");
    expect(sessionState.session?.demo).toBe(true);
    wrapper.unmount();
  });

  it("says so when the demo cannot be opened", async () => {
    mockedInvoke.mockRejectedValue(commandError("disk_full"));
    const wrapper = mountApp(FirstRunView);
    await wrapper.find(byTestId("demo-button")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("demo-error")).text()).toContain("disco");
    expect(wrapper.find(byTestId("demo-busy")).exists()).toBe(false);
    wrapper.unmount();
  });
});
