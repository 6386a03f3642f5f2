// Backups of the whole vault ("Copia de seguridad" and "Copias automáticas" in Configuración,
// "Restaurar una copia de seguridad" on the first-run screen), as the screens need them: the
// passphrase's checks, a refused backup's reason in words, the copy's size, the automatic
// backups' status in words and the run the signed-in shell makes every half hour. Free of
// components.

import { reactive } from "vue";
import { AppError, api, toAppError } from "./api";
import type { BackupScheduleStatus, ErrorCode, ScheduledBackup } from "./api";

/** The core refuses a shorter passphrase (`invalid_input` on the field `passphrase`). */
export const MIN_BACKUP_PASSPHRASE_LENGTH = 12;

/** The i18n key of a problem with the passphrase chosen for a new backup, or null. */
export function checkBackupPassphrase(value: string): string | null {
  if (value === "") return "validation.required";
  return [...value].length >= MIN_BACKUP_PASSPHRASE_LENGTH ? null : "validation.passphrase_short";
}

/** The i18n key of a problem with the passphrase typed again, or null. */
export function checkBackupRepeat(passphrase: string, repeat: string): string | null {
  if (repeat === "") return "validation.required";
  return passphrase === repeat ? null : "validation.passphrase_mismatch";
}

/** Every reason the core gives for a backup it will not restore, each said in words under
 *  `backup.refusal.<reason>`. */
export const BACKUP_REFUSAL_REASONS = [
  "not_a_backup",
  "wrong_passphrase",
  "damaged",
  "truncated",
  "unknown_version",
  "too_costly",
] as const;

export type BackupRefusalReason = (typeof BACKUP_REFUSAL_REASONS)[number];

export function isBackupRefusalReason(reason: string | null | undefined): reason is BackupRefusalReason {
  return typeof reason === "string" && (BACKUP_REFUSAL_REASONS as readonly string[]).includes(reason);
}

/** A backup the core would not open: nothing changed, and the reason can be said. */
export function isBackupRefusal(error: AppError): boolean {
  return error.code === "backup_refused";
}

/** The i18n key that explains a backup problem: a refusal by its reason, others as everywhere
 *  else. */
export function backupErrorKey(error: AppError): string {
  if (!isBackupRefusal(error)) return error.i18nKey;
  return isBackupRefusalReason(error.reason) ? `backup.refusal.${error.reason}` : "backup.refusal.unknown";
}

/** A size in megabytes (1 MB = 1,000,000 bytes), with one decimal and never below 0.1, for
 *  the app's number formatter. */
export function megabytes(bytes: number): number {
  return Math.max(0.1, Math.round(bytes / 100_000) / 10);
}

// ---- Automatic backups ---------------------------------------------------------------------------
//
// An administrator chooses a folder (a USB stick, a second disk), how often and how many copies
// to keep; while the app is open the shell asks the core shortly after signing in and every
// half hour whether a backup is due, and the core writes it and removes the oldest ones.

/** Days between two automatic backups: the core accepts 1–30. */
export const SCHEDULE_EVERY_DAYS_MIN = 1;
export const SCHEDULE_EVERY_DAYS_MAX = 30;
export const SCHEDULE_EVERY_DAYS_DEFAULT = 1;
/** Automatic backups kept in the folder: the core accepts 1–100. */
export const SCHEDULE_KEEP_MIN = 1;
export const SCHEDULE_KEEP_MAX = 100;
export const SCHEDULE_KEEP_DEFAULT = 7;

/** The shell's first question, a little after it appears (signing in stays quick)… */
export const SCHEDULE_FIRST_CHECK_MS = 5_000;
/** …and then how often it asks again while it is open. */
export const SCHEDULE_CHECK_MS = 30 * 60_000;

function checkWhole(value: number | null, min: number, max: number, key: string): string | null {
  if (value === null || !Number.isInteger(value)) return key;
  return value >= min && value <= max ? null : key;
}

/** The i18n key of a problem with the days between two backups, or null. */
export function checkScheduleEveryDays(value: number | null): string | null {
  return checkWhole(value, SCHEDULE_EVERY_DAYS_MIN, SCHEDULE_EVERY_DAYS_MAX, "validation.every_days_range");
}

/** The i18n key of a problem with the number of backups to keep, or null. */
export function checkScheduleKeep(value: number | null): string | null {
  return checkWhole(value, SCHEDULE_KEEP_MIN, SCHEDULE_KEEP_MAX, "validation.keep_range");
}

/** What the words below need: the app's translation (with a count for plurals) and its
 *  formatters. */
export interface ScheduleWords {
  t: (key: string, named: Record<string, unknown>, plural: number) => string;
  number: (value: number) => string;
  /** A date and time said before a sentence's period. */
  dateTime: (value: string) => string;
}

/** The schedule in sentences: how often and where, the last backup and the next one. A next
 *  backup already due (the laptop was closed, the USB stick away) is said to come as soon as
 *  it can. */
export function scheduleStatusLines(status: BackupScheduleStatus, words: ScheduleWords, now: Date = new Date()): string[] {
  const { t, number, dateTime } = words;
  const schedule = status.schedule;
  if (!schedule) return [t("backupSchedule.off", {}, 0)];
  const lines = [
    t(
      "backupSchedule.plan",
      {
        every: t("backupSchedule.every", { count: number(schedule.everyDays) }, schedule.everyDays),
        folder: schedule.folder,
        keep: t("backupSchedule.keep", { count: number(schedule.keep) }, schedule.keep),
      },
      0,
    ),
    status.lastAt ? t("backupSchedule.last", { when: dateTime(status.lastAt) }, 0) : t("backupSchedule.lastNone", {}, 0),
  ];
  if (status.nextDue) {
    const due = new Date(status.nextDue);
    lines.push(
      !Number.isNaN(due.getTime()) && due.getTime() <= now.getTime()
        ? t("backupSchedule.nextSoon", {}, 0)
        : t("backupSchedule.next", { when: dateTime(status.nextDue) }, 0),
    );
  }
  return lines;
}

/** The i18n key that explains why an automatic backup failed: the error's own text. */
export function scheduleFailureKey(code: ErrorCode): string {
  return new AppError(code).i18nKey;
}

/** Why the last automatic backup could not be made, and when; null when it went well. */
export function scheduleFailureText(status: BackupScheduleStatus, words: ScheduleWords): string | null {
  if (!status.failure) return null;
  const problem = words.t(scheduleFailureKey(status.failure), {}, 0);
  return status.failedAt
    ? words.t("backupSchedule.failed", { when: words.dateTime(status.failedAt), problem }, 0)
    : words.t("backupSchedule.failedUndated", { problem }, 0);
}

/** A backup made at once: its file, and how many old ones went (said only when some did). */
export function scheduleDoneText(made: ScheduledBackup, words: ScheduleWords): string {
  const done = words.t("backupSchedule.done", { file: made.file }, 0);
  if (made.removed <= 0) return done;
  return `${done} ${words.t("backupSchedule.removed", { count: words.number(made.removed) }, made.removed)}`;
}

/**
 * Whether a failed automatic backup deserves a toast: not for a lock (the sign-in screen says
 * that), and once per session for the same problem, so a USB stick left at home is not
 * announced every half hour (Configuración keeps saying it).
 */
export function shouldToastScheduleError(code: ErrorCode, alreadyToasted: ReadonlySet<ErrorCode>): boolean {
  return code !== "locked" && !alreadyToasted.has(code);
}

/** How many automatic runs wrote a backup or failed since the app opened, so a screen showing
 *  the schedule knows to read it again. */
export const scheduleRuns = reactive({ count: 0 });

/** A toast, in the shape the app's toast service takes. */
export interface ScheduleToast {
  severity: "success" | "warn";
  summary: string;
  detail?: string;
  life: number;
}

/**
 * The shell's run: writes the automatic backup if one is due and says so in a short toast; a
 * failure in a warning toast with the problem in words, once per session for the same problem
 * (`toasted` holds the ones already said). Meant to run in the background; it never throws.
 */
export async function runDueBackup(
  notify: (toast: ScheduleToast) => void,
  t: ScheduleWords["t"],
  toasted: Set<ErrorCode>,
): Promise<ScheduledBackup | null> {
  try {
    const written = await api.backupScheduleRun(false);
    if (written === null) return null;
    scheduleRuns.count += 1;
    notify({ severity: "success", summary: t("backupSchedule.toast.saved", {}, 0), life: 4000 });
    return written;
  } catch (caught) {
    const error = toAppError(caught);
    if (error.code === "locked") return null;
    scheduleRuns.count += 1;
    if (shouldToastScheduleError(error.code, toasted)) {
      toasted.add(error.code);
      notify({
        severity: "warn",
        summary: t("backupSchedule.toast.failed", {}, 0),
        detail: t(backupErrorKey(error), {}, 0),
        life: 10000,
      });
    }
    return null;
  }
}
