// Backups of the whole vault ("Copia de seguridad" in Configuración, "Restaurar una copia de
// seguridad" on the first-run screen), as the screens need them: the passphrase's checks, a
// refused backup's reason in words, and the copy's size. Free of components.

import type { AppError } from "./api";

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
