import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import SignInView from "../src/views/SignInView.vue";
import { sessionState } from "../src/session";
import { byTestId, commandError, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const SESSION = {
  staffId: "s1",
  username: "ana.rojas",
  displayName: "Ana Rojas",
  role: "admin",
  orgName: "Mujeres Libres",
  country: "CO",
  idleLockMinutes: 5,
};

describe("sign-in screen", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    Object.assign(sessionState, { phase: "sign-in", session: null, lockReason: null });
  });

  it("shows the Spanish message for wrong_credentials and keeps the button disabled while checking", async () => {
    let reject: (reason: unknown) => void = () => {};
    mockedInvoke.mockImplementationOnce(() => new Promise((_, r) => (reject = r)));
    const wrapper = mountApp(SignInView);
    await wrapper.find(byTestId("signin-username")).setValue(" Ana.Rojas ");
    await wrapper.find(byTestId("signin-password")).setValue("not-the-password");
    await wrapper.find(byTestId("signin-form")).trigger("submit");

    expect(mockedInvoke).toHaveBeenCalledWith("session_unlock", { username: "ana.rojas", password: "not-the-password" });
    expect(wrapper.find(byTestId("signin-submit")).attributes("disabled")).toBeDefined();

    reject(commandError("wrong_credentials"));
    await flushPromises();

    const alert = wrapper.find(byTestId("signin-error"));
    expect(alert.attributes("role")).toBe("alert");
    expect(alert.text()).toBe("El usuario o la contraseña no son correctos.");
    expect(wrapper.text()).not.toContain("developer text");
    expect(wrapper.find(byTestId("signin-submit")).attributes("disabled")).toBeUndefined();
    expect((wrapper.find(byTestId("signin-password")).element as HTMLInputElement).value).toBe("");
    expect(sessionState.phase).toBe("sign-in");
    wrapper.unmount();
  });

  it("enters the shell when the password is right", async () => {
    mockedInvoke.mockResolvedValueOnce(SESSION);
    const wrapper = mountApp(SignInView);
    await wrapper.find(byTestId("signin-username")).setValue("ana.rojas");
    await wrapper.find(byTestId("signin-password")).setValue("la contraseña buena");
    await wrapper.find(byTestId("signin-form")).trigger("submit");
    await flushPromises();
    expect(sessionState.phase).toBe("shell");
    expect(sessionState.session?.displayName).toBe("Ana Rojas");
    wrapper.unmount();
  });

  it("says the session closed for inactivity after an idle lock", async () => {
    sessionState.lockReason = "idle";
    const wrapper = mountApp(SignInView);
    expect(wrapper.find(byTestId("signin-locked-notice")).text()).toContain("Se cerró la sesión por inactividad");
    wrapper.unmount();
  });

  it("opens the recovery form and shows a wrong recovery code on its field", async () => {
    mockedInvoke.mockRejectedValueOnce(commandError("wrong_recovery_code", "recoveryCode"));
    const wrapper = mountApp(SignInView);
    await wrapper.find(byTestId("signin-forgot")).trigger("click");
    await wrapper.find(byTestId("recover-code")).setValue("AAAA-BBBB");
    await wrapper.find(byTestId("recover-username")).setValue("ana.rojas");
    await wrapper.find(byTestId("recover-password")).setValue("una frase nueva larga");
    await wrapper.find(byTestId("recover-password-confirm")).setValue("una frase nueva larga");
    await wrapper.find(byTestId("recover-form")).trigger("submit");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("session_recover", {
      recoveryCode: "AAAA-BBBB",
      username: "ana.rojas",
      newPassword: "una frase nueva larga",
    });
    expect(wrapper.find(byTestId("recover-code-error")).text()).toBe("El código de recuperación no es correcto.");
    wrapper.unmount();
  });
});
