import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { effectScope, nextTick } from "vue";
import type { EffectScope } from "vue";
import { usePasswordConfirm } from "../src/components/usePasswordConfirm";
import { commandError, flushPromises } from "./helpers";

const FIELD = "confirm-password";
const REKEYED = { recoveryCode: "K7QF-2M9X-PL4R-8HTD-W3NV", needsPasswordReset: [] };

describe("asking the person's own password again", () => {
  let box: HTMLInputElement;
  let other: HTMLButtonElement;
  // Its watcher lives in a scope, as it would in a component's setup.
  let scope: EffectScope;

  beforeEach(() => {
    scope = effectScope();
    box = document.createElement("input");
    box.id = FIELD;
    other = document.createElement("button");
    document.body.append(box, other);
    other.focus();
  });

  afterEach(() => {
    scope.stop();
    box.remove();
    other.remove();
  });

  const confirm = () => scope.run(() => usePasswordConfirm(FIELD))!;

  it("asks for it before calling the core", async () => {
    const state = confirm();
    const action = vi.fn(async () => REKEYED);
    expect(await state.run(action)).toBeNull();
    expect(action).not.toHaveBeenCalled();
    expect(state.problem.value).toBe("validation.required");
    await nextTick();
    expect(document.activeElement).toBe(box);
  });

  it("empties the box on a wrong password, says so and focuses it again", async () => {
    const state = confirm();
    state.password.value = "equivocada-123";
    await nextTick();
    const action = vi.fn(async (_password: string) => {
      throw commandError("wrong_credentials");
    });
    expect(await state.run(action)).toBeNull();
    expect(action).toHaveBeenCalledWith("equivocada-123");
    expect(state.password.value).toBe("");
    expect(state.problem.value).toBe("errors.wrong_credentials");
    expect(state.error.value).toBeNull();
    expect(state.busy.value).toBe(false);
    await flushPromises();
    // Emptying the box is not an edit: the problem stays.
    expect(state.problem.value).toBe("errors.wrong_credentials");
    expect(document.activeElement).toBe(box);

    // Typing again clears it.
    state.password.value = "otra";
    await nextTick();
    expect(state.problem.value).toBeNull();
  });

  it("treats a problem the core puts on the password field the same way", async () => {
    const state = confirm();
    state.password.value = "x";
    const result = await state.run(async () => {
      throw commandError("invalid_input", "password");
    });
    expect(result).toBeNull();
    expect(state.password.value).toBe("");
    expect(state.problem.value).toBe("errors.invalid_input");
    expect(state.error.value).toBeNull();
  });

  it("says any other error in the dialog and keeps the password", async () => {
    const state = confirm();
    state.password.value = "mi contraseña larga";
    await nextTick();
    const result = await state.run(async () => {
      throw commandError("io");
    });
    expect(result).toBeNull();
    expect(state.error.value).toBe("errors.io");
    expect(state.problem.value).toBeNull();
    expect(state.password.value).toBe("mi contraseña larga");
    expect(state.busy.value).toBe(false);
    await flushPromises();
    expect(document.activeElement).toBe(other);
  });

  it("answers what the core answered and forgets the password", async () => {
    const state = confirm();
    state.error.value = "errors.io";
    state.password.value = "mi contraseña larga";
    const action = vi.fn(async (_password: string) => REKEYED);
    expect(await state.run(action)).toEqual(REKEYED);
    expect(action).toHaveBeenCalledWith("mi contraseña larga");
    expect(state.password.value).toBe("");
    expect(state.error.value).toBeNull();
    expect(state.busy.value).toBe(false);
  });

  it("calls the core once while it is busy", async () => {
    const state = confirm();
    state.password.value = "mi contraseña larga";
    let answer!: (value: typeof REKEYED) => void;
    const action = vi.fn(() => new Promise<typeof REKEYED>((resolve) => (answer = resolve)));
    const first = state.run(action);
    expect(state.busy.value).toBe(true);
    expect(await state.run(action)).toBeNull();
    expect(action).toHaveBeenCalledTimes(1);
    answer(REKEYED);
    expect(await first).toEqual(REKEYED);
    expect(state.busy.value).toBe(false);
  });

  it("starts afresh, and lets the password go when the dialog closes", async () => {
    const state = confirm();
    state.password.value = "mi contraseña larga";
    state.problem.value = "errors.wrong_credentials";
    state.error.value = "errors.io";
    state.reset();
    expect(state.password.value).toBe("");
    expect(state.problem.value).toBeNull();
    expect(state.error.value).toBe("errors.io");
    state.prepare();
    expect(state.error.value).toBeNull();
  });
});
