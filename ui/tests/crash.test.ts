import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

import { createApp, defineComponent, h } from "vue";
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import CrashView from "../src/views/CrashView.vue";
import {
  MAX_FRAMES,
  clearCrash,
  crashState,
  currentScreen,
  describeCrash,
  errorName,
  errorNameFromMessage,
  installCrashHandlers,
  panicLocationOf,
  sanitizeFrames,
} from "../src/crash";
import { sessionState } from "../src/session";
import { shellPlace } from "../src/place";
import { byTestId, commandError, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);
const mockedListen = vi.mocked(listen);

const ORIGINS = ["tauri://localhost", "http://tauri.localhost"];
const NAME = "Lucía Pérez";

/** An error whose stack is `stack` exactly, as a webview would give it. */
function errorWithStack(message: string, stack: string, make: (message: string) => Error = (text) => new TypeError(text)) {
  const error = make(message);
  Object.defineProperty(error, "stack", { value: stack });
  return error;
}

describe("what a crash report may say", () => {
  it("keeps the places in the app's own scripts of a Chromium (WebView2) stack, reduced to file:line:col", () => {
    const error = errorWithStack(
      "Cannot read properties of undefined (reading 'id')",
      [
        "TypeError: Cannot read properties of undefined (reading 'id')",
        "    at saveNote (http://tauri.localhost/assets/index-3f2a.js:1:2345)",
        "    at async Promise.all (index 0)",
        "    at Object.submit [as submit] (http://tauri.localhost/assets/index-3f2a.js:12:7)",
        "    at http://tauri.localhost/assets/vendor-9c1d.js:3:4",
        "    at https://example.org/evil.js:1:1",
        "    at <anonymous>",
      ].join("\n"),
    );
    expect(sanitizeFrames(error, ORIGINS)).toEqual(["saveNote@index-3f2a.js:1:2345", "Object.submit@index-3f2a.js:12:7", "vendor-9c1d.js:3:4"]);
  });

  it("keeps the places of a WebKit (macOS, Linux) stack, and no function name that is not one", () => {
    const error = errorWithStack(
      "x is undefined",
      [
        "saveNote@tauri://localhost/assets/index-3f2a.js:1:2345",
        "@tauri://localhost/assets/index-3f2a.js:20:1",
        "global code@tauri://localhost/assets/index-3f2a.js:30:2",
        "promiseReactionJob@[native code]",
        "load@tauri://localhost/assets/index-3f2a.js?v=3:4:5",
      ].join("\n"),
    );
    expect(sanitizeFrames(error, ORIGINS)).toEqual([
      "saveNote@index-3f2a.js:1:2345",
      "index-3f2a.js:20:1",
      "index-3f2a.js:30:2",
      "load@index-3f2a.js:4:5",
    ]);
  });

  it("never lets a message with a name through, however it is dressed up", () => {
    const messages = [
      `No se encontró a ${NAME}`,
      // A message shaped like frames, on its own lines (Chromium puts the message first).
      `${NAME}\n    at Lucia (http://tauri.localhost/assets/index.js:1:2)\nLucia@tauri://localhost/assets/index.js:3:4`,
    ];
    for (const message of messages) {
      // The page's own origin: describeCrash takes the app's scripts from where the page is.
      const stack = [`Error: ${message}`, `    at save (${window.location.origin}/assets/index-3f2a.js:5:6)`].join("\n");
      const error = errorWithStack(message, stack, (text) => new Error(text));
      const report = describeCrash("uiError", error);
      const text = JSON.stringify(report);
      expect(text).not.toContain("Lucía");
      expect(text).not.toContain("Lucia");
      expect(text).not.toContain("Pérez");
      expect(report.frames).toEqual(["save@index-3f2a.js:5:6"]);
      expect(report.errorName).toBe("Error");
    }
    // Even when the stack does not start with the message (a name changed after the error was
    // made), no line of the message is read as a frame.
    const renamed = errorWithStack(
      `${NAME}\nLucia@tauri://localhost/assets/index.js:3:4`,
      ["Renamed: whatever", "Lucia@tauri://localhost/assets/index.js:3:4", "save@tauri://localhost/assets/index.js:5:6"].join("\n"),
    );
    expect(sanitizeFrames(renamed, ORIGINS)).toEqual(["save@index.js:5:6"]);
    // A name typed where a function name would be, or as a script's name, never passes either.
    const sneaky = errorWithStack(
      "x",
      [`${NAME}@tauri://localhost/assets/index.js:1:2`, "    at Lucía (tauri://localhost/assets/index.js:3:4)", "Lucía.js@tauri://localhost/Lucía.js:1:2"].join("\n"),
    );
    expect(sanitizeFrames(sneaky, ORIGINS)).toEqual(["index.js:1:2", "index.js:3:4"]);
    // Something thrown that is not an Error (a string, maybe what was typed) says nothing at all.
    expect(describeCrash("unhandledRejection", `${NAME} no tiene documento`)).toMatchObject({ errorName: null, frames: [] });
  });

  it("keeps at most twenty frames", () => {
    const stack = Array.from({ length: 30 }, (_, n) => `f${n}@tauri://localhost/assets/index.js:${n + 1}:1`).join("\n");
    const frames = sanitizeFrames(errorWithStack("x", stack), ORIGINS);
    expect(frames).toHaveLength(MAX_FRAMES);
    expect(frames[0]).toBe("f0@index.js:1:1");
  });

  it("names an error by its constructor only", () => {
    expect(errorName(new TypeError("x"))).toBe("TypeError");
    expect(errorName(new RangeError("x"))).toBe("RangeError");
    expect(errorName({ code: "internal" })).toBe("Object");
    expect(errorName("a string")).toBeNull();
    expect(errorName(null)).toBeNull();
    class Extraña extends Error {}
    expect(errorName(new Extraña("x"))).toBeNull();
  });

  it("takes a panic's place only in the core's shape", () => {
    expect(panicLocationOf({ location: "import.rs:120:9" })).toBe("import.rs:120:9");
    expect(panicLocationOf({ location: "unknown" })).toBeNull();
    expect(panicLocationOf({ location: `${NAME}.rs:1:2` })).toBeNull();
    expect(panicLocationOf(null)).toBeNull();
  });

  it("names the open area in the shell, and the phase before it", () => {
    sessionState.phase = "shell";
    shellPlace.area = "participants";
    expect(currentScreen()).toBe("participants");
    sessionState.phase = "sign-in";
    expect(currentScreen()).toBe("sign_in");
    shellPlace.area = "today";
  });
});

describe("catching what nothing handled", () => {
  let stop: (() => void) | null = null;
  let panicked: ((event: { payload: unknown }) => void) | null = null;

  beforeEach(() => {
    clearCrash();
    panicked = null;
    mockedListen.mockReset();
    mockedListen.mockImplementation(async (event: string, handler: unknown) => {
      if (event === "app-panicked") panicked = handler as typeof panicked;
      return () => {};
    });
    vi.spyOn(console, "error").mockImplementation(() => {});
  });
  afterEach(() => {
    stop?.();
    stop = null;
    clearCrash();
  });

  it("shows the crash screen when a component throws, keeping the first failure", async () => {
    const broken = { broken: true };
    const app = createApp(Probe, broken);
    stop = installCrashHandlers(app);
    const host = document.createElement("div");
    app.mount(host);
    expect(crashState.crashed).toBe(true);
    expect(crashState.report).toMatchObject({ kind: "uiError", errorName: "TypeError", panicLocation: null });
    expect(JSON.stringify(crashState.report)).not.toContain("Lucía");
    window.dispatchEvent(new PromiseRejectionEventLike("unhandledrejection", new RangeError("later")));
    expect(crashState.report?.kind).toBe("uiError");
    app.unmount();
  });

  it("shows it for an unhandled rejection, but not for the ResizeObserver loop", () => {
    stop = installCrashHandlers(createApp(Probe));
    window.dispatchEvent(new ErrorEvent("error", { message: "ResizeObserver loop completed with undelivered notifications." }));
    expect(crashState.crashed).toBe(false);
    window.dispatchEvent(new PromiseRejectionEventLike("unhandledrejection", commandError("internal")));
    expect(crashState.crashed).toBe(true);
    expect(crashState.report).toMatchObject({ kind: "unhandledRejection", errorName: "Object" });
  });

  it("shows it for an error that reaches the window", () => {
    stop = installCrashHandlers(createApp(Probe));
    window.dispatchEvent(new ErrorEvent("error", { message: "boom", error: new SyntaxError("boom") }));
    expect(crashState.report).toMatchObject({ kind: "uiError", errorName: "SyntaxError" });
  });

  it("names the type of an error event that comes without its error, and nothing of its message", () => {
    stop = installCrashHandlers(createApp(Probe));
    window.dispatchEvent(new ErrorEvent("error", { message: `Uncaught TypeError: ${NAME} no tiene cédula` }));
    expect(crashState.report).toMatchObject({ kind: "uiError", errorName: "TypeError", frames: [] });
    expect(JSON.stringify(crashState.report)).not.toContain("Lucía");
    expect(errorNameFromMessage("Script error.")).toBeNull();
    expect(errorNameFromMessage(`${NAME}Error: x`)).toBeNull();
  });

  it("shows it when the core panics, with where", async () => {
    stop = installCrashHandlers(createApp(Probe));
    await flushPromises();
    expect(mockedListen).toHaveBeenCalledWith("app-panicked", expect.any(Function));
    panicked?.({ payload: { location: "import.rs:120:9" } });
    expect(crashState.report).toMatchObject({ kind: "panic", errorName: null, frames: [], panicLocation: "import.rs:120:9" });
  });
});

/** A component that draws nothing, or throws while drawing (with a name in the message). */
const Probe = defineComponent({
  props: { broken: { type: Boolean, default: false } },
  setup(props) {
    return () => {
      if (props.broken) throw new TypeError(`No se encontró a ${NAME}`);
      return h("div");
    };
  },
});

/** jsdom has no PromiseRejectionEvent: an Event with its `reason` (the promise is not needed). */
class PromiseRejectionEventLike extends Event {
  readonly reason: unknown;
  readonly promise = Promise.resolve();
  constructor(type: string, reason: unknown) {
    super(type);
    this.reason = reason;
  }
}

describe("the crash screen", () => {
  const REPORT = { kind: "uiError", errorName: "TypeError", frames: ["save@index.js:1:2"], screen: "participants", panicLocation: null } as const;

  beforeEach(() => {
    mockedInvoke.mockReset();
    Object.assign(crashState, { crashed: true, report: { ...REPORT, frames: [...REPORT.frames] } });
    Object.assign(sessionState, { phase: "shell", session: null, lockReason: null });
  });
  afterEach(() => {
    clearCrash();
    document.body.innerHTML = "";
  });

  it("says calmly that what was saved is safe, what was typed is kept, and what to do", () => {
    const wrapper = mountApp(CrashView);
    const text = wrapper.find(byTestId("crash-screen")).text();
    expect(text).toContain("Algo no salió como esperábamos");
    expect(text).toContain("bóveda cifrada");
    expect(text).toContain("te lo ofreceremos de nuevo cuando vuelvas a entrar");
    expect(text).toContain("El informe no lleva nombres ni datos de los casos");
    expect(wrapper.find(byTestId("crash-restart")).text()).toBe("Volver a empezar");
    expect(wrapper.find(byTestId("crash-save-report")).text()).toBe("Guardar informe de error");
    wrapper.unmount();
  });

  it("saves the report where the person chooses and names the file; says nothing when she cancels", async () => {
    mockedInvoke.mockResolvedValueOnce(null).mockResolvedValueOnce("acompana-error-20261202T100000Z.txt");
    const wrapper = mountApp(CrashView);
    await wrapper.find(byTestId("crash-save-report")).trigger("click");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("crash_report_save", { crash: REPORT });
    expect(wrapper.find(byTestId("crash-report-saved")).exists()).toBe(false);
    expect(wrapper.find(byTestId("crash-report-error")).exists()).toBe(false);
    await wrapper.find(byTestId("crash-save-report")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("crash-report-saved")).text()).toContain("acompana-error-20261202T100000Z.txt");
    wrapper.unmount();
  });

  it("says why a report could not be saved, in words", async () => {
    mockedInvoke.mockRejectedValueOnce(commandError("disk_full"));
    const wrapper = mountApp(CrashView);
    await wrapper.find(byTestId("crash-save-report")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("crash-report-error")).text()).toContain("El disco de la computadora está lleno");
    wrapper.unmount();
  });

  it("starts again: locks the session, then the sign-in screen follows", async () => {
    mockedInvoke.mockImplementation(async (command: string) => {
      if (command === "session_lock") return null;
      if (command === "vault_status") return { exists: true, session: null };
      throw commandError("internal");
    });
    const wrapper = mountApp(CrashView);
    await wrapper.find(byTestId("crash-restart")).trigger("click");
    await flushPromises();
    expect(mockedInvoke.mock.calls.map(([command]) => command)).toEqual(["session_lock", "vault_status"]);
    expect(crashState.crashed).toBe(false);
    expect(sessionState.phase).toBe("sign-in");
    expect(sessionState.lockReason).toBe("manual");
    wrapper.unmount();
  });
});
