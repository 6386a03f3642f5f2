// Typed work is never lost to a lock. When the session locks (idle time, Ctrl+L, the laptop
// suspended, "Volver a empezar" on the crash screen) or the crash screen comes up, the shell goes
// away and every open form with it. A form that calls `useDraft` then leaves a copy of what was
// typed here, and the shell leaves where the person was (area, file, tab). When the same person
// signs in again, the shell goes back there and the form offers her text back, with a word
// saying so and a way to throw it away.
//
// Kept in memory only, in this module: never in localStorage, sessionStorage or IndexedDB, so
// quitting the app loses it. Drafts belong to the person who typed them (her username, in the
// real vault or the demo): when someone else signs in, every draft of others is dropped unseen.

import { onBeforeUnmount, onMounted, ref } from "vue";
import type { SessionInfo } from "./api";
import { sessionState } from "./session";
import { crashState } from "./crash";
import { shellPlace } from "./place";
import type { ShellPlace } from "./place";

/** What one person left behind when the shell closed on her. */
interface Left {
  /** Form key → a deep copy of the form's state. */
  drafts: Map<string, unknown>;
  /** Where she was; null once the shell went back there. */
  place: ShellPlace | null;
}

// Owner → what she left. In practice one owner at a time: signing in drops the others.
const left = new Map<string, Left>();
// Whose shell is open, set when it opens; a form reads it once, when it is set up.
let openFor: string | null = null;

/** Whose drafts these are: the same username in the demo vault is someone else. */
export function draftOwner(session: Pick<SessionInfo, "username" | "demo">): string {
  return `${session.demo ? "demo" : "vault"}:${session.username}`;
}

function leftBy(owner: string): Left {
  let mine = left.get(owner);
  if (!mine) {
    mine = { drafts: new Map(), place: null };
    left.set(owner, mine);
  }
  return mine;
}

/**
 * The forms going away now go because the session locked or the app crashed (keep what they
 * hold), not because the person moved on or cancelled (let it go, as always).
 */
export function keepingDrafts(): boolean {
  return crashState.crashed || sessionState.phase !== "shell";
}

/**
 * The shell opened for `session`. Drafts of anyone else are dropped; answers where she was when
 * her shell last closed on a lock or a crash (once), or null.
 */
export function openDrafts(session: Pick<SessionInfo, "username" | "demo">): ShellPlace | null {
  const owner = draftOwner(session);
  for (const other of [...left.keys()]) {
    if (other !== owner) left.delete(other);
  }
  openFor = owner;
  const mine = left.get(owner);
  const place = mine?.place ?? null;
  if (mine) mine.place = null;
  return place;
}

/**
 * The shell is closing (before its forms do). On a lock or a crash, where the person was is
 * kept for when she comes back.
 */
export function closeDrafts(): void {
  if (openFor && keepingDrafts()) leftBy(openFor).place = { ...shellPlace };
  openFor = null;
}

/** Whether `owner` left a draft of `formKey` (for tests and the shell). */
export function hasDraft(owner: string, formKey: string): boolean {
  return left.get(owner)?.drafts.has(formKey) ?? false;
}

/** Drops every draft and place (for tests). */
export function forgetAllDrafts(): void {
  left.clear();
  openFor = null;
}

/** Form states are plain data (what the form's fields are bound to): JSON copies them whole,
 *  reactive proxies included, and nothing keeps a reference into a component that is gone. */
function copyOf<S>(state: S): S {
  return JSON.parse(JSON.stringify(state)) as S;
}

export interface DraftHooks<S> {
  /** The form's state now (fields, and what the form needs to come back: the record edited…). */
  getState: () => S;
  /** Puts a kept state back, opening the form (a dialog) when it was open. Answering false
   *  means it no longer fits (the record it was about is gone): the draft is dropped. */
  setState: (state: S) => boolean | void;
  /** Whether something was typed that would be lost (a closed dialog never is). */
  isDirty: () => boolean;
}

/**
 * Keeps a form's typed content across a lock or a crash. `formKey` names the form and whatever it
 * is about (e.g. `contact/<participantId>`); the person is added here. While `restored` is true
 * the form shows DraftNotice; the form calls `settle()` once the text is saved or discarded.
 */
export function useDraft<S>(formKey: string, hooks: DraftHooks<S>) {
  const owner = openFor;
  const restored = ref(false);

  onMounted(() => {
    const mine = owner ? left.get(owner) : undefined;
    if (!mine?.drafts.has(formKey)) return;
    const state = mine.drafts.get(formKey) as S;
    // Taken out at once: from now on the form holds it, and a new lock keeps it again.
    mine.drafts.delete(formKey);
    if (hooks.setState(state) !== false) restored.value = true;
  });

  onBeforeUnmount(() => {
    if (!owner || !keepingDrafts() || !hooks.isDirty()) return;
    leftBy(owner).drafts.set(formKey, copyOf(hooks.getState()));
  });

  return {
    /** The form holds a draft brought back, not yet saved or discarded. */
    restored,
    /** The draft was saved or discarded: the notice goes. */
    settle: () => {
      restored.value = false;
    },
  };
}
