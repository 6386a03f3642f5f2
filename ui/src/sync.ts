// Sync between the organization's laptops, as the screens need it: the conflicts waiting (their
// number shows on the Sincronizar entry of the navigation), a refused file's reason in
// words, and conflicts and import reports put in plain language. Free of components; the
// conflicts are kept in memory only and dropped when the shell closes (on lock).

import { computed, reactive } from "vue";
import { api, toAppError } from "./api";
import type { AppError, Conflict, ConflictSide, Device, ImportReport, RuleWarning } from "./api";
import { SENSITIVE_FIELDS, camelField, formatHistoryValue } from "./caseFile";
import type { HistoryWords } from "./caseFile";

// ---- Refused files ------------------------------------------------------------------------------

/** Every reason the core gives for a refused sync or join file, each said in words under
 *  `syncRefusal.<reason>`. */
export const SYNC_REFUSAL_REASONS = [
  "sync_wrong_org",
  "sync_unknown_device",
  "sync_device_revoked",
  "sync_bad_signature",
  "sync_truncated",
  "sync_trailing_bytes",
  "sync_too_new",
  "sync_bad_manifest",
  "sync_too_large",
  "sync_payload_mismatch",
  "sync_not_for_this_device",
  "sync_damaged",
  "sync_wrong_passphrase",
  "sync_not_a_join_file",
  "sync_own_file",
  "sync_bad_operation",
  "sync_not_allowed",
  "sync_join_expired",
  "sync_join_used",
  "sync_not_a_sync_file",
] as const;

export type SyncRefusalReason = (typeof SYNC_REFUSAL_REASONS)[number];

export function isRefusalReason(reason: string | null | undefined): reason is SyncRefusalReason {
  return typeof reason === "string" && (SYNC_REFUSAL_REASONS as readonly string[]).includes(reason);
}

/** The i18n key that says why a file was refused, in a peer supporter's words. */
export function refusalKey(reason: string | null | undefined): string {
  return isRefusalReason(reason) ? `syncRefusal.${reason}` : "syncRefusal.unknown";
}

/** A refused file: nothing changed, and the reason can be said. */
export function isRefusal(error: AppError): boolean {
  return error.code === "sync_refused";
}

// ---- Conflicts waiting (the navigation's badge) --------------------------------------------------

export interface SyncState {
  conflicts: Conflict[];
  /** The list has been read since the shell opened. */
  loaded: boolean;
  loading: boolean;
  /** i18n key of the last problem reading the list. */
  error: string | null;
}

export const syncState = reactive<SyncState>({ conflicts: [], loaded: false, loading: false, error: null });

export const conflictCount = computed(() => syncState.conflicts.length);

let request = 0;

/** Reads the conflicts waiting again (when the shell opens, after an import or a decision). */
export async function refreshConflicts(): Promise<void> {
  const mine = ++request;
  syncState.loading = true;
  try {
    const conflicts = await api.conflictsList();
    if (mine !== request) return;
    syncState.conflicts = conflicts;
    syncState.error = null;
    syncState.loaded = true;
  } catch (caught) {
    if (mine === request) syncState.error = toAppError(caught).i18nKey;
  } finally {
    if (mine === request) syncState.loading = false;
  }
}

/** Drops what was read (the shell closed): nothing about the women stays after a lock. */
export function forgetSync(): void {
  request += 1;
  syncState.conflicts = [];
  syncState.loaded = false;
  syncState.loading = false;
  syncState.error = null;
}

// ---- Laptops --------------------------------------------------------------------------------------

export type DeviceStatus = "registered" | "waiting" | "revoked";

export function deviceStatus(device: Device): DeviceStatus {
  if (device.revoked) return "revoked";
  return device.registered ? "registered" : "waiting";
}

/** The laptops changes can be saved for: the organization's others, registered, not revoked. */
export function receivingLaptops(devices: readonly Device[]): Device[] {
  return devices.filter((device) => !device.thisLaptop && device.registered && !device.revoked);
}

/** Laptops added but not heard from yet (their colleague has not sent a first file). */
export function waitingLaptops(devices: readonly Device[]): Device[] {
  return devices.filter((device) => !device.thisLaptop && !device.registered && !device.revoked);
}

/** This laptop first, then the others by status (revoked last) and name. */
export function sortDevices(devices: readonly Device[], locale: string): Device[] {
  const rank = (device: Device) => (device.thisLaptop ? 0 : device.revoked ? 3 : device.registered ? 1 : 2);
  const collator = new Intl.Collator(locale);
  return [...devices].sort((a, b) => rank(a) - rank(b) || collator.compare(a.name, b.name));
}

// ---- Conflicts in words ----------------------------------------------------------------------------

/**
 * Fields named under `conflictField.<field>`: those of the roster, the laptops and the
 * directory, and links between records. A woman's file's fields are named as her history
 * names them (`history.field.<field>`).
 */
export const CONFLICT_FIELDS = [
  "username",
  "displayName",
  "role",
  "active",
  "name",
  "registeredBy",
  "joinExpires",
  "revoked",
  "ageRecipient",
  "signingKey",
  "kind",
  "categories",
  "requirements",
  "acceptsRecords",
  "contact",
  "verifiedOn",
  "evidence",
  "organizationId",
  "serviceId",
  "consentId",
  "proceedingId",
  "applicationId",
  "planId",
  "receivingEntity",
  "generatedKey",
  "participantId",
] as const;

/** Record types named under `conflictRecord.<type>`; a woman's records are named as her
 *  history names them (`history.record.<type>`). */
export const CONFLICT_RECORDS = ["staff", "device", "organization", "service"] as const;

const NEED_FIELD_PREFIX = "statuses.";

/** What the conflict screens need: translations and formats in the current language. */
export interface ConflictWords extends HistoryWords {
  /** Shown for a side that deleted the record. */
  deleted: string;
  /** Shown for a side that left the field empty. */
  empty: string;
}

/** The conflict's field in words: "Personas en el hogar", "Necesidades: Vivienda"; the raw
 *  name when there are none. */
export function conflictFieldLabel(conflict: Pick<Conflict, "field">, words: Pick<HistoryWords, "translate">): string {
  const raw = conflict.field;
  if (raw === "") return words.translate("sync.conflicts.wholeRecord") ?? raw;
  if (raw.startsWith(NEED_FIELD_PREFIX)) {
    const category = raw.slice(NEED_FIELD_PREFIX.length);
    const need = words.translate(`enum.NeedCategory.${category}`) ?? category;
    return `${words.translate("history.field.statuses") ?? "statuses"}: ${need}`;
  }
  const field = camelField(raw);
  return words.translate(`conflictField.${field}`) ?? words.translate(`history.field.${field}`) ?? raw;
}

/** The kind of record in words ("Hogar", "Laptop"); the raw type when there are none. */
export function conflictRecordLabel(conflict: Pick<Conflict, "recordType">, words: Pick<HistoryWords, "translate">): string {
  const type = conflict.recordType;
  return words.translate(`conflictRecord.${type}`) ?? words.translate(`history.record.${type}`) ?? type;
}

/** Whether a side's value is hidden until someone asks (legal name, address, …). */
export function isSensitiveConflict(conflict: Pick<Conflict, "field">): boolean {
  return SENSITIVE_FIELDS.includes(camelField(conflict.field));
}

/** The JSON text of a side, read; the text itself when it is not JSON. */
export function parseConflictValue(value: string | null): unknown {
  if (value === null) return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** One side's value said plainly: "borrado", "(vacío)", dates in the person's language,
 *  yes/no, translated codes and names. */
export function formatConflictValue(
  conflict: Pick<Conflict, "field" | "recordType">,
  side: Pick<ConflictSide, "value" | "deleted">,
  words: ConflictWords,
  reveal = false,
): string {
  if (side.deleted) return words.deleted;
  const value = parseConflictValue(side.value);
  if (value === null || value === "" || (Array.isArray(value) && value.length === 0)) return words.empty;
  if (isSensitiveConflict(conflict) && !reveal) return words.hidden;
  const raw = conflict.field;
  if (raw.startsWith(NEED_FIELD_PREFIX) && typeof value === "string") {
    return words.translate(`enum.NeedStatus.${value}`) ?? value;
  }
  const field = camelField(raw);
  const text = typeof value === "string" ? value : null;
  if (field === "role" && text) return words.translate(`roles.${text}`) ?? text;
  if (field === "kind" && text && conflict.recordType === "organization") {
    return words.translate(`directory.kind.${text}`) ?? text;
  }
  if (field === "categories" && Array.isArray(value)) {
    return value.map((item) => words.translate(`enum.NeedCategory.${String(item)}`) ?? String(item)).join(", ");
  }
  if ((field === "registeredBy" || field === "staffId") && text) return words.staffName(text) ?? text;
  if (field === "category" && text && conflict.recordType === "service") {
    return words.translate(`enum.NeedCategory.${text}`) ?? text;
  }
  return formatHistoryValue(field, value, words, conflict.recordType);
}

// ---- An import's report ---------------------------------------------------------------------------

/** A rule warning's detail for the hours rule (`2026-11-02: 10`): the day and the hours. */
export function parseHoursDetail(detail: string): { day: string; hours: string } | null {
  const match = /^\s*(\d{4}-\d{2}-\d{2})\s*:\s*([\d.,]+)\s*$/.exec(detail);
  return match ? { day: match[1], hours: match[2] } : null;
}

export type WarningKind = "hours" | "caseCode" | "other";

export function warningKind(warning: Pick<RuleWarning, "rule" | "detail">): WarningKind {
  if (warning.rule === "service_hours_over_a_day" && parseHoursDetail(warning.detail)) return "hours";
  if (warning.rule === "case_code_taken") return "caseCode";
  return "other";
}

/** Whether an import brought nothing new at all (every file had been opened before, or they
 *  carried only what this laptop already had). */
export function importBroughtNothing(report: ImportReport): boolean {
  return (
    report.applied === 0 &&
    report.conflicts === 0 &&
    report.erased === 0 &&
    report.purged === 0 &&
    report.participantsChanged.length === 0 &&
    report.ruleWarnings.length === 0 &&
    report.renamedStaff.length === 0
  );
}
