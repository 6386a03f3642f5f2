// Where the app is (first run, sign-in, signed in, …) and who is signed in. Kept in memory
// only: nothing here is written to localStorage, and everything is dropped on lock.

import { reactive } from "vue";
import { listen } from "@tauri-apps/api/event";
import type { UnlistenFn } from "@tauri-apps/api/event";
import { api, setLockedHandler, toAppError } from "./api";
import type { ErrorCode, SessionInfo } from "./api";

export type Phase = "loading" | "startup-error" | "first-run" | "recovery-code" | "sign-in" | "shell";

/** Why the sign-in screen is showing: the core's reasons, plus "expired" when a command found
 *  the session already locked. */
export type LockReason = "idle" | "manual" | "quit" | "suspend" | "expired";

export interface SessionState {
  phase: Phase;
  session: SessionInfo | null;
  lockReason: LockReason | null;
  startupError: ErrorCode | null;
  /** The session locked while the one-time recovery code was on screen: keep showing the
   *  code (it is never shown again) and go to sign-in afterwards. */
  lockedDuringRecoveryCode: boolean;
  /** A backup was just restored on this laptop: when it was made, so the sign-in screen can
   *  say which password opens it. Null otherwise. */
  restoredAt: string | null;
}

export const sessionState = reactive<SessionState>({
  phase: "loading",
  session: null,
  lockReason: null,
  startupError: null,
  lockedDuringRecoveryCode: false,
  restoredAt: null,
});

export async function loadStatus(): Promise<void> {
  sessionState.phase = "loading";
  sessionState.startupError = null;
  try {
    const status = await api.vaultStatus();
    if (!status.exists) {
      sessionState.session = null;
      sessionState.phase = "first-run";
    } else if (status.session) {
      enterShell(status.session);
    } else {
      sessionState.session = null;
      sessionState.phase = "sign-in";
    }
  } catch (error) {
    sessionState.startupError = toAppError(error).code;
    sessionState.phase = "startup-error";
  }
}

export function enterShell(session: SessionInfo): void {
  sessionState.session = session;
  sessionState.lockReason = null;
  sessionState.lockedDuringRecoveryCode = false;
  sessionState.restoredAt = null;
  sessionState.phase = "shell";
}

/** A backup made at `createdAt` was restored on the first-run screen. No one is signed in, so
 *  the sign-in screen comes next (the vault's status says so), with a word on the password. */
export async function afterRestore(createdAt: string): Promise<void> {
  await loadStatus();
  sessionState.restoredAt = sessionState.phase === "sign-in" ? createdAt : null;
}

/** After creating the vault the administrator is signed in, but first sees the recovery code. */
export function enterRecoveryCode(session: SessionInfo): void {
  sessionState.session = session;
  sessionState.lockReason = null;
  sessionState.lockedDuringRecoveryCode = false;
  sessionState.phase = "recovery-code";
}

/** The person confirmed she wrote the recovery code down. */
export function leaveRecoveryCode(): void {
  if (sessionState.lockedDuringRecoveryCode) {
    sessionState.lockedDuringRecoveryCode = false;
    sessionState.session = null;
    sessionState.phase = "sign-in";
  } else {
    sessionState.phase = "shell";
  }
}

export function sessionLocked(reason: LockReason): void {
  if (sessionState.phase === "recovery-code") {
    sessionState.lockedDuringRecoveryCode = true;
    sessionState.lockReason = reason;
    return;
  }
  if (sessionState.phase !== "shell") return;
  const wasDemo = sessionState.session?.demo === true;
  sessionState.session = null;
  sessionState.lockReason = reason;
  sessionState.phase = "sign-in";
  // Signing in always opens the real vault; leaving the demo goes back to wherever the real
  // vault's state says (first run when there is none yet).
  if (wasDemo) void loadStatus();
}

export async function lockNow(): Promise<void> {
  try {
    await api.sessionLock();
  } catch {
    // Locking the screen must never fail from the person's point of view; the core locks
    // itself on the next command anyway.
  }
  sessionLocked("manual");
}

function isLockReason(value: unknown): value is LockReason {
  return value === "idle" || value === "manual" || value === "quit" || value === "suspend";
}

/** Listens for the core's "session-locked" event and for commands answering `locked`. */
export async function watchLocks(): Promise<UnlistenFn> {
  setLockedHandler(() => sessionLocked("expired"));
  let unlisten: UnlistenFn = () => {};
  try {
    unlisten = await listen<{ reason?: unknown }>("session-locked", (event) => {
      const reason = event.payload?.reason;
      sessionLocked(isLockReason(reason) ? reason : "expired");
    });
  } catch {
    // Outside the desktop shell (e.g. a plain browser) there are no events to hear.
  }
  return () => {
    setLockedHandler(null);
    unlisten();
  };
}
