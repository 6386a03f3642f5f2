import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import App from "../src/App.vue";
import FirstRunView from "../src/views/FirstRunView.vue";
import { sessionState } from "../src/session";
import { forgetSync } from "../src/sync";
import { byTestId, commandError, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const SESSION = {
  staffId: "s3",
  username: "marta_g",
  displayName: "Marta Gómez",
  role: "caseworker",
  orgName: "Mujeres Libres",
  country: "CO",
  idleLockMinutes: 5,
  demo: false,
};
const WORDS = "sol luna mar rio casa flor pan miel";

async function openJoin(wrapper: ReturnType<typeof mountApp>) {
  await wrapper.find(byTestId("first-run-join")).trigger("click");
  await flushPromises();
}

async function fillJoin(wrapper: ReturnType<typeof mountApp>, password: string, confirmation: string) {
  await wrapper.find(byTestId("join-passphrase")).setValue(`  ${WORDS} `);
  await wrapper.find(byTestId("join-password")).setValue(password);
  await wrapper.find(byTestId("join-password-confirm")).setValue(confirmation);
}

describe("joining the organization on first run", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });

  it("offers a third choice beside creating a vault and the demo", async () => {
    const wrapper = mountApp(FirstRunView);
    expect(wrapper.find(byTestId("create-form")).exists()).toBe(true);
    expect(wrapper.find(byTestId("demo-button")).exists()).toBe(true);
    await openJoin(wrapper);
    expect(wrapper.find(byTestId("join-form")).exists()).toBe(true);
    expect(wrapper.find(byTestId("create-form")).exists()).toBe(false);
    await wrapper.find(byTestId("join-back")).trigger("click");
    expect(wrapper.find(byTestId("create-form")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("checks the password as vault creation does, without calling the core", async () => {
    const wrapper = mountApp(FirstRunView);
    await openJoin(wrapper);
    await fillJoin(wrapper, "corta", "corta");
    await wrapper.find(byTestId("join-form")).trigger("submit");
    expect(wrapper.find(byTestId("join-password-error")).text()).toContain("al menos 10 caracteres");
    await fillJoin(wrapper, "una frase bastante larga", "otra frase bastante larga");
    await wrapper.find(byTestId("join-form")).trigger("submit");
    expect(wrapper.find(byTestId("join-password-confirm-error")).text()).toBe("Las dos contraseñas no son iguales.");
    await wrapper.find(byTestId("join-passphrase")).setValue("");
    await wrapper.find(byTestId("join-form")).trigger("submit");
    expect(wrapper.find(byTestId("join-passphrase-error")).exists()).toBe(true);
    expect(mockedInvoke).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it("joins with the words and the new password, busy meanwhile, and hands the result up", async () => {
    let answer: (value: unknown) => void = () => {};
    mockedInvoke.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const wrapper = mountApp(FirstRunView);
    await openJoin(wrapper);
    await fillJoin(wrapper, "una frase bastante larga", "una frase bastante larga");
    await wrapper.find(byTestId("join-form")).trigger("submit");
    expect(mockedInvoke).toHaveBeenCalledWith("vault_join", {
      input: { passphrase: WORDS, newPassword: "una frase bastante larga" },
    });
    expect(wrapper.find(byTestId("join-busy")).exists()).toBe(true);
    expect(wrapper.find(byTestId("join-submit")).attributes("disabled")).toBeDefined();
    answer({ recoveryCode: "AAAA-BBBB", session: SESSION, participants: 3 });
    await flushPromises();
    expect(wrapper.emitted("joined")?.[0]?.[0]).toMatchObject({ recoveryCode: "AAAA-BBBB" });
    wrapper.unmount();
  });

  it("puts wrong words on the words' field, in plain language", async () => {
    mockedInvoke.mockRejectedValueOnce(commandError("sync_refused", null, "sync_wrong_passphrase"));
    const wrapper = mountApp(FirstRunView);
    await openJoin(wrapper);
    await fillJoin(wrapper, "una frase bastante larga", "una frase bastante larga");
    await wrapper.find(byTestId("join-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("join-passphrase-error")).text()).toContain("Las palabras no abren este archivo");
    wrapper.unmount();
  });

  it("says why an expired or used join file was refused", async () => {
    mockedInvoke.mockRejectedValueOnce(commandError("sync_refused", null, "sync_join_expired"));
    mockedInvoke.mockRejectedValueOnce(commandError("sync_refused", null, "sync_join_used"));
    const wrapper = mountApp(FirstRunView);
    await openJoin(wrapper);
    await fillJoin(wrapper, "una frase bastante larga", "una frase bastante larga");
    await wrapper.find(byTestId("join-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("join-error")).text()).toContain("venció");
    expect(wrapper.find(byTestId("join-error")).text()).toContain("No se cambió nada en esta laptop.");
    await wrapper.find(byTestId("join-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("join-error")).text()).toContain("ya se usó");
    wrapper.unmount();
  });

  it("puts a weak password on its field, and says so when no file was chosen", async () => {
    mockedInvoke.mockRejectedValueOnce(commandError("weak_password", "newPassword"));
    mockedInvoke.mockResolvedValueOnce(null);
    const wrapper = mountApp(FirstRunView);
    await openJoin(wrapper);
    await fillJoin(wrapper, "aaaaaaaaaaaa", "aaaaaaaaaaaa");
    await wrapper.find(byTestId("join-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("join-password-error")).text()).toContain("demasiado débil");
    await fillJoin(wrapper, "una frase bastante larga", "una frase bastante larga");
    await wrapper.find(byTestId("join-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("join-cancelled")).exists()).toBe(true);
    expect(wrapper.find(byTestId("join-error")).exists()).toBe(false);
    wrapper.unmount();
  });
});

describe("after joining", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetSync();
    Object.assign(sessionState, { phase: "loading", session: null, lockReason: null });
  });

  it("shows the recovery code once, with her username, then lands on Hoy", async () => {
    const none = { items: [], total: 0, capped: false };
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "vault_status") return { exists: false, session: null };
      if (command === "vault_join") return { recoveryCode: "K7QF-2M9X-PL4R", session: SESSION, participants: 12 };
      if (command === "tasks_today") return { today: "2026-11-29", overdue: none, dueToday: none, thisWeek: none };
      if (command === "conflicts_list" || command === "staff_list") return [];
      throw commandError("internal");
    });
    const wrapper = mountApp(App);
    await flushPromises();
    await openJoin(wrapper);
    await fillJoin(wrapper, "una frase bastante larga", "una frase bastante larga");
    await wrapper.find(byTestId("join-form")).trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("recovery-code")).text()).toBe("K7QF-2M9X-PL4R");
    const joined = wrapper.find(byTestId("recovery-joined")).text();
    expect(joined).toContain("Mujeres Libres");
    expect(joined).toContain("12 expedientes");
    expect(joined).toContain("marta_g");
    await wrapper.find(byTestId("recovery-confirm")).setValue(true);
    await wrapper.find("form.recovery-confirm").trigger("submit");
    await flushPromises();
    expect(wrapper.find(byTestId("shell")).exists()).toBe(true);
    expect(wrapper.find(byTestId("today-area")).exists()).toBe(true);
    expect(wrapper.find(byTestId("recovery-code")).exists()).toBe(false);
    wrapper.unmount();
  });
});
