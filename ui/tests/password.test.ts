import { describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import PasswordArea from "../src/areas/PasswordArea.vue";
import { byTestId, commandError, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

describe("my password", () => {
  it("shows a wrong current password on its field and empties it", async () => {
    mockedInvoke.mockReset();
    mockedInvoke.mockRejectedValueOnce(commandError("wrong_credentials", "currentPassword"));
    const wrapper = mountApp(PasswordArea);
    await wrapper.find(byTestId("password-current")).setValue("equivocada-123");
    await wrapper.find(byTestId("password-new")).setValue("una frase nueva larga");
    await wrapper.find(byTestId("password-confirm")).setValue("una frase nueva larga");
    await wrapper.find(byTestId("password-form")).trigger("submit");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("password_change", {
      currentPassword: "equivocada-123",
      newPassword: "una frase nueva larga",
    });
    expect(wrapper.find(byTestId("password-current-error")).text()).toBe("La contraseña actual no es correcta.");
    expect((wrapper.find(byTestId("password-current")).element as HTMLInputElement).value).toBe("");
    wrapper.unmount();
  });
});
