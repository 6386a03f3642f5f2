// The calm crash screen. When the interface hits an error it did not expect (a Vue component
// threw, a promise failed and nothing handled it) or the core panicked, App.vue shows CrashView
// in place of everything else, in the person's language, instead of a half-broken screen. The
// shell goes away behind it, and drafts.ts keeps what was being typed in its open forms.
//
// From that screen the person may save an error report for whoever helps her organization with
// the laptops. A report must never carry personal data, and the one thing that reliably could is
// an error's *message* (it may quote a name typed in a form). So the message never enters it:
// only the error's constructor name, the places in the app's own scripts where it happened
// (`file.js:line:col`), the area that was open and, for a panic, where in the core. The core
// reduces every field again (its crash module) whatever arrives; this side sends nothing more.

import { reactive } from "vue";
import type { App } from "vue";
import { listen } from "@tauri-apps/api/event";
import type { UnlistenFn } from "@tauri-apps/api/event";
import type { CrashKind, UiCrash } from "./api";
import { sessionState } from "./session";
import { shellPlace } from "./place";

/** The event the desktop shell emits when the core panics; its payload is `{ location }`. */
export const PANICKED_EVENT = "app-panicked";

/** At most this many stack frames go into a report (the core keeps no more either). */
export const MAX_FRAMES = 20;

export interface CrashState {
  crashed: boolean;
  /** What a report would say; null until something crashed. */
  report: UiCrash | null;
}

export const crashState = reactive<CrashState>({ crashed: false, report: null });

// ---- What a report may say --------------------------------------------------------------------

// Names as code writes them (ASCII identifiers). They are only ever taken from a constructor or
// from the function slot of a stack line, never from a message; the shapes keep out the rest.
const ERROR_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const FUNCTION_NAME = /^[A-Za-z_$][A-Za-z0-9_$.]{0,63}$/;
const SCRIPT_NAME = /^[A-Za-z0-9_.-]{1,80}\.js$/;
/** The only shapes a frame leaves this file in: `name.js:12:34` or `functionName@name.js:12:34`. */
const FRAME_SHAPE = /^(?:[A-Za-z_$][A-Za-z0-9_$.]{0,63}@)?[A-Za-z0-9_.-]{1,80}\.js:\d{1,9}:\d{1,9}$/;
/** A panic's place as the core reduces it: `import.rs:120:9`. */
const PANIC_SHAPE = /^[A-Za-z0-9_.-]{1,80}\.rs:\d{1,9}(?::\d{1,9})?$/;

// One line of a stack: Chromium's (WebView2 on Windows) "    at fn (url:line:col)" or
// "    at url:line:col", and WebKit's (macOS, Linux) "fn@url:line:col" or "@url:line:col".
const CHROMIUM_FRAME = /^\s*at\s+(?:(.+?)\s+\()?(\S+):(\d{1,9}):(\d{1,9})\)?\s*$/;
const WEBKIT_FRAME = /^\s*(.*?)@(\S+):(\d{1,9}):(\d{1,9})\s*$/;

/** The constructor's name of what was thrown ("TypeError"), or null for anything else. */
export function errorName(error: unknown): string | null {
  if (typeof error !== "object" || error === null) return null;
  let name: unknown;
  try {
    name = (error as { constructor?: { name?: unknown } }).constructor?.name;
  } catch {
    return null;
  }
  return typeof name === "string" && ERROR_NAME.test(name) ? name : null;
}

/**
 * The type an error event names when it carries no error object ("Uncaught TypeError: …" from a
 * script the webview will not show us): the identifier before the first colon, nothing after.
 */
export function errorNameFromMessage(message: unknown): string | null {
  if (typeof message !== "string") return null;
  const found = /^(?:Uncaught )?([A-Za-z_][A-Za-z0-9_]{0,63}(?:Error|Exception)):/.exec(message);
  return found ? found[1] : null;
}

/** The page's origin in the form frames give it (`tauri://localhost` has no WHATWG origin). */
function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** The origins whose scripts are the app's own: the page's (Tauri serves the page and its
 *  scripts from one origin, `tauri://localhost` or `http://tauri.localhost` by platform). */
export function ownOrigins(): string[] {
  return typeof window === "undefined" ? [] : [originOf(new URL(window.location.href))];
}

/** One stack line reduced to `name.js:12:34` or `fn@name.js:12:34`; null when it is not a
 *  frame of the app's own scripts. */
function frameOf(line: string, origins: readonly string[]): string | null {
  const found = CHROMIUM_FRAME.exec(line) ?? WEBKIT_FRAME.exec(line);
  if (!found) return null;
  const [, rawFunction, address, lineNumber, column] = found;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return null;
  }
  if (!origins.includes(originOf(url))) return null;
  const script = url.pathname.split("/").pop() ?? "";
  if (!SCRIPT_NAME.test(script)) return null;
  // "async load", "new Store", "Object.save [as save]" name a function; "global code" does not.
  const functionName = (rawFunction ?? "")
    .replace(/^(?:async|new)\s+/, "")
    .replace(/\s*\[as [^\]]*\]$/, "")
    .trim();
  const place = `${script}:${lineNumber}:${column}`;
  const frame = FUNCTION_NAME.test(functionName) ? `${functionName}@${place}` : place;
  return FRAME_SHAPE.test(frame) ? frame : null;
}

/**
 * The places in the app's own scripts a stack names, at most MAX_FRAMES, each `name.js:12:34`
 * or `functionName@name.js:12:34`. Everything else (the message, other origins, lines of any
 * other shape) is dropped whole.
 */
export function sanitizeFrames(error: unknown, origins: readonly string[] = ownOrigins()): string[] {
  if (typeof error !== "object" || error === null) return [];
  let stack: unknown;
  let header = "";
  let messageLines = new Set<string>();
  try {
    stack = (error as { stack?: unknown }).stack;
    const { name, message } = error as { name?: unknown; message?: unknown };
    if (typeof message === "string" && message !== "") {
      header = `${String(name)}: ${message}`;
      messageLines = new Set(message.split("\n").map((line) => line.trim()));
    }
  } catch {
    return [];
  }
  if (typeof stack !== "string") return [];
  // Chromium's stack starts with "Name: message", which may run over several lines: those
  // lines never reach the parser, however they look (and any line of the message found
  // elsewhere is skipped too).
  const text = header && stack.startsWith(header) ? stack.slice(header.length) : stack;
  const frames: string[] = [];
  for (const line of text.split("\n")) {
    if (messageLines.has(line.trim())) continue;
    const frame = frameOf(line, origins);
    if (frame) frames.push(frame);
    if (frames.length === MAX_FRAMES) break;
  }
  return frames;
}

/** A panic's location as the app-panicked event gives it, when it has the core's shape. */
export function panicLocationOf(payload: unknown): string | null {
  const location = typeof payload === "object" && payload !== null ? (payload as { location?: unknown }).location : null;
  return typeof location === "string" && PANIC_SHAPE.test(location) ? location : null;
}

/** The area open in the shell, or the phase before it ("sign_in"), as an identifier. */
export function currentScreen(): string {
  return sessionState.phase === "shell" ? shellPlace.area : sessionState.phase.replace(/-/g, "_");
}

/** What a report says about `error` (never its message). */
export function describeCrash(kind: CrashKind, error: unknown, panicLocation: string | null = null): UiCrash {
  return {
    kind,
    errorName: errorName(error),
    frames: sanitizeFrames(error),
    screen: currentScreen(),
    panicLocation,
  };
}

// ---- Crashing and starting again ----------------------------------------------------------------

/** Shows the crash screen. The first failure is the one reported: what follows is most often
 *  its echo (a screen failing while it goes away). */
export function reportCrash(kind: CrashKind, error: unknown, panicLocation: string | null = null, nameHint: string | null = null): void {
  if (import.meta.env.DEV) console.error("Acompaña: unexpected error", error);
  if (crashState.crashed) return;
  const report = describeCrash(kind, error, panicLocation);
  crashState.report = { ...report, errorName: report.errorName ?? nameHint };
  crashState.crashed = true;
}

/** Back to the app ("Volver a empezar", once the session is locked). */
export function clearCrash(): void {
  crashState.crashed = false;
  crashState.report = null;
}

/** Messages browsers raise that are not failures: a ResizeObserver that could not deliver every
 *  notification in one frame (PrimeVue's scrollable tables provoke it). */
function isBenign(message: unknown): boolean {
  return typeof message === "string" && message.includes("ResizeObserver loop");
}

function messageOf(reason: unknown): unknown {
  if (typeof reason === "string") return reason;
  try {
    return typeof reason === "object" && reason !== null ? (reason as { message?: unknown }).message : null;
  } catch {
    return null;
  }
}

async function listenForPanics(): Promise<UnlistenFn> {
  return listen<{ location?: unknown }>(PANICKED_EVENT, (event) => reportCrash("panic", null, panicLocationOf(event.payload)));
}

/**
 * Catches what nothing else handled: Vue's errors (render, watchers, lifecycle hooks, event
 * handlers), errors and unhandled rejections that reach the window, and the core's panics.
 * Answers a function that removes the window listeners and stops listening for panics.
 */
export function installCrashHandlers(app: App): () => void {
  app.config.errorHandler = (error) => reportCrash("uiError", error);
  const onError = (event: ErrorEvent) => {
    if (isBenign(event.message)) return;
    reportCrash("uiError", event.error ?? null, null, event.error ? null : errorNameFromMessage(event.message));
  };
  const onRejection = (event: PromiseRejectionEvent) => {
    if (isBenign(messageOf(event.reason))) return;
    reportCrash("unhandledRejection", event.reason);
  };
  window.addEventListener("error", onError);
  window.addEventListener("unhandledrejection", onRejection);

  let unlisten: UnlistenFn | null = null;
  let stopped = false;
  listenForPanics()
    .then((stop) => {
      if (stopped) stop();
      else unlisten = stop;
    })
    .catch(() => {
      // Outside the desktop shell (a plain browser) there are no events to hear.
    });

  return () => {
    stopped = true;
    window.removeEventListener("error", onError);
    window.removeEventListener("unhandledrejection", onRejection);
    unlisten?.();
  };
}
