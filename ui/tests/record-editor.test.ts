import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { defineComponent, h, reactive } from "vue";
import { invoke } from "@tauri-apps/api/core";
import { AppError } from "../src/api";
import { useRecordDelete, useRecordEditor } from "../src/components/casefile/useRecordEditor";
import type { FieldErrors } from "../src/validation";
import { commandError, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

/** Mounts a component that runs `inSetup` in its setup (the composables need the app's plugins). */
function mountSetup(inSetup: () => void) {
  return mountApp(
    defineComponent({
      setup() {
        inSetup();
        return () => h("div", [h("input", { id: "f-name" }), h("input", { id: "f-age" })]);
      },
    }),
  );
}

/** Builds the editor inside a mounted component and hands it back for the test to drive. */
function withEditor(saved = vi.fn()) {
  let editor!: ReturnType<typeof setup>;
  function setup() {
    const form = reactive({ name: "", age: "" });
    const errors = reactive<FieldErrors>({ name: null, age: null });
    return { form, errors, saved, ...useRecordEditor({ form, errors, ids: { name: "f-name", age: "f-age" }, saved, aliases: { age: ["years"] } }) };
  }
  const wrapper = mountSetup(() => {
    editor = setup();
  });
  return { wrapper, editor };
}

describe("useRecordEditor", () => {
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("opens with the given draft and no problems left from before", async () => {
    const { wrapper, editor } = withEditor();
    editor.errors.name = "validation.required";
    editor.formError.value = "errors.internal";
    editor.open({ name: "Ana" });
    expect(editor.visible.value).toBe(true);
    expect(editor.form.name).toBe("Ana");
    expect(editor.errors.name).toBeNull();
    expect(editor.formError.value).toBeNull();
    wrapper.unmount();
  });

  it("does not save while a field has a problem, and focuses that field", async () => {
    const { wrapper, editor } = withEditor();
    const persist = vi.fn(async () => undefined);
    editor.open({ name: "" });
    await editor.submit({ validate: () => void (editor.errors.name = "validation.required"), persist });
    await flushPromises();
    expect(persist).not.toHaveBeenCalled();
    expect(editor.visible.value).toBe(true);
    expect(document.activeElement?.id).toBe("f-name");
    wrapper.unmount();
  });

  it("does not save when the check answers false", async () => {
    const { wrapper, editor } = withEditor();
    const persist = vi.fn(async () => undefined);
    await editor.submit({ validate: () => false, persist });
    expect(persist).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it("closes, reports and hands on what the core answered after a save", async () => {
    const saved = vi.fn();
    const onSaved = vi.fn();
    const { wrapper, editor } = withEditor(saved);
    editor.open({ name: "Ana" });
    await editor.submit({ persist: async () => 42, onSaved });
    expect(editor.visible.value).toBe(false);
    expect(editor.saving.value).toBe(false);
    expect(saved).toHaveBeenCalledOnce();
    expect(onSaved).toHaveBeenCalledWith(42);
    wrapper.unmount();
  });

  it("puts the core's invalid_input on the field it names (or an alias of it)", async () => {
    const saved = vi.fn();
    const { wrapper, editor } = withEditor(saved);
    editor.open({ name: "Ana" });
    const onFieldError = vi.fn();
    await editor.submit({
      persist: async () => {
        throw new AppError("invalid_input", "years", null);
      },
      onFieldError,
    });
    await flushPromises();
    expect(editor.errors.age).toBe("validation.invalid");
    expect(editor.formError.value).toBeNull();
    expect(onFieldError).toHaveBeenCalledOnce();
    expect(editor.visible.value).toBe(true);
    expect(saved).not.toHaveBeenCalled();
    expect(document.activeElement?.id).toBe("f-age");
    wrapper.unmount();
  });

  it("shows an error that names no field over the form", async () => {
    const { wrapper, editor } = withEditor();
    editor.open({ name: "Ana" });
    await editor.submit({
      persist: async () => {
        throw new AppError("not_found", null, null);
      },
    });
    expect(editor.formError.value).toBe("errors.not_found");
    expect(editor.saving.value).toBe(false);
    wrapper.unmount();
  });

  it("ignores a second save while one is running, and a save the guard refuses", async () => {
    const { wrapper, editor } = withEditor();
    let finish!: () => void;
    const persist = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const first = editor.submit({ persist });
    await editor.submit({ persist });
    expect(persist).toHaveBeenCalledOnce();
    finish();
    await first;
    await editor.submit({ persist, guard: () => false });
    expect(persist).toHaveBeenCalledOnce();
    wrapper.unmount();
  });
});

describe("useRecordDelete", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  function withDelete(saved = vi.fn()) {
    let deletion!: ReturnType<typeof useRecordDelete<{ id: string }>>;
    const wrapper = mountSetup(() => {
      deletion = useRecordDelete<{ id: string }>(() => "p1", saved);
    });
    return { wrapper, deletion, saved };
  }

  it("asks, deletes the record and reloads", async () => {
    mockedInvoke.mockResolvedValue(null);
    const { wrapper, deletion, saved } = withDelete();
    deletion.ask({ id: "r1" });
    expect(deletion.visible.value).toBe(true);
    await deletion.confirm();
    expect(mockedInvoke).toHaveBeenCalledWith("record_delete", { participantId: "p1", recordId: "r1" });
    expect(deletion.visible.value).toBe(false);
    expect(saved).toHaveBeenCalledOnce();
    wrapper.unmount();
  });

  it("keeps the confirmation open with the error when the core refuses", async () => {
    mockedInvoke.mockRejectedValue(commandError("forbidden"));
    const { wrapper, deletion, saved } = withDelete();
    deletion.ask({ id: "r1" });
    await deletion.confirm();
    expect(deletion.visible.value).toBe(true);
    expect(deletion.error.value).toBe("errors.forbidden");
    expect(deletion.busy.value).toBe(false);
    expect(saved).not.toHaveBeenCalled();
    wrapper.unmount();
  });
});
