// Tells the core that someone is using the app, so its idle timer starts over. The core owns
// the timer and the lock; this only reports, and at most once every 30 seconds.

import { api } from "./api";

export const TOUCH_INTERVAL_MS = 30_000;
const EVENTS = ["mousemove", "keydown", "click", "wheel"] as const;

export function startActivityReporting(now: () => number = Date.now): () => void {
  // Signing in already started the timer, so the first report can wait a full interval.
  let lastReport = now();
  const report = () => {
    const time = now();
    if (time - lastReport < TOUCH_INTERVAL_MS) return;
    lastReport = time;
    // A `locked` answer is handled centrally (api.ts → sign-in screen); others are harmless.
    api.sessionTouch().catch(() => {});
  };
  for (const name of EVENTS) {
    window.addEventListener(name, report, { capture: true, passive: true });
  }
  return () => {
    for (const name of EVENTS) {
      window.removeEventListener(name, report, { capture: true });
    }
  };
}
