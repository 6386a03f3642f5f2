// Sync between the organization's laptops, as the screens need it: the conflicts waiting (their
// number shows on the Sincronizar entry of the navigation), a refused file's reason in
// words, conflicts and import reports put in plain language, the sync folder (run from its
// card, and once at sign-in), the progress of long sync work, and visit mode (preparing a
// package for a prison visit, and this laptop's own visit). Free of components; the conflicts,
// the last folder report and this laptop's visit are kept in memory only and dropped when the
// shell closes (on lock).

import { collation } from "./intl";
import { computed, reactive } from "vue";
import { api, toAppError } from "./api";
import type {
  AppError,
  Conflict,
  ConflictSide,
  Device,
  FolderReport,
  ImportReport,
  ProgressState,
  RuleWarning,
  SessionInfo,
  VisitCandidate,
  VisitMode,
} from "./api";
import { SENSITIVE_FIELDS, camelField, formatHistoryValue } from "./caseFile";
import { sessionState } from "./session";
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

/** Work the person stopped (with "Cancelar"): nothing changed, and it is no failure. */
export function isCancelled(error: AppError): boolean {
  return error.code === "cancelled";
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
  forgetFolder();
  forgetVisit();
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
  const collator = collation(locale);
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

/** The conflicts waiting about one woman's file. */
export function conflictsOf(participantId: string, conflicts: readonly Conflict[]): Conflict[] {
  return conflicts.filter((conflict) => conflict.participantId === participantId);
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
    report.renamedStaff.length === 0 &&
    report.visitFilesPurged === 0
  );
}

// ---- The sync folder -------------------------------------------------------------------------------
//
// A folder that Syncthing or a network drive carries between the laptops: a run opens the new
// files in it meant for this laptop (a refused one is listed, the others still apply) and
// leaves in it what is new for each other laptop. The folder is this laptop's own setting.

export interface FolderState {
  /** A folder sync is under way (from its card or at sign-in): the card's buttons wait. */
  running: boolean;
  /** What the last folder sync since sign-in did (it names women: dropped on lock). */
  report: FolderReport | null;
  /** When that sync finished. */
  at: Date | null;
}

export const folderState = reactive<FolderState>({ running: false, report: null, at: null });

// Bumped when the shell closes: a sync that finishes after a lock neither reports nor toasts.
let folderGeneration = 0;
let folderRun: Promise<FolderReport | null> | null = null;

function forgetFolder(): void {
  folderGeneration += 1;
  folderRun = null;
  folderState.running = false;
  folderState.report = null;
  folderState.at = null;
}

/** Drops the last folder report (the folder was changed or is no longer used). */
export function forgetFolderReport(): void {
  folderState.report = null;
  folderState.at = null;
}

/**
 * Syncs through this laptop's folder, one run at a time (asked again meanwhile, it answers
 * the run under way). Keeps the report for the card and reads the conflicts again. Null when
 * no folder is set; throws an AppError when the run failed.
 */
export function runSyncFolder(): Promise<FolderReport | null> {
  if (folderRun) return folderRun;
  const mine = folderGeneration;
  folderState.running = true;
  const pending = (async () => {
    try {
      const report = await api.syncFolderRun();
      if (mine === folderGeneration) {
        folderState.report = report;
        folderState.at = report ? new Date() : null;
        // Conflicts may have arrived, or been settled on another laptop; a visit may be over.
        if (report) await Promise.all([refreshConflicts(), refreshVisit()]);
      }
      return report;
    } finally {
      if (mine === folderGeneration) {
        folderState.running = false;
        folderRun = null;
      }
    }
  })();
  folderRun = pending;
  return pending;
}

/** Whether a folder sync brought nothing (no change, no conflict, no file changed). */
export function folderBroughtNothing(report: FolderReport): boolean {
  return report.applied === 0 && report.conflicts === 0 && report.participantsChanged.length === 0;
}

// The core names each file `acompana_<sender>_<receiver>_<time>.sync`: laptops, never women.
const FOLDER_FILE_NAME = /^acompana_([^_]+)_([^_]+)_(\d+)\.sync$/;

/** The laptop that left a file in the folder, by the file's name; null when it cannot tell. */
export function folderFileSender(fileName: string): string | null {
  return FOLDER_FILE_NAME.exec(fileName)?.[1] ?? null;
}

/** A laptop's name, by its id; null when it is not known here. */
export function laptopName(deviceId: string | null, devices: readonly Device[]): string | null {
  if (!deviceId) return null;
  return devices.find((device) => device.id === deviceId)?.name ?? null;
}

/** The i18n key that explains a folder problem: a folder that is gone or cannot be opened is
 *  said as such; other errors as everywhere else. */
export function folderErrorKey(error: AppError): string {
  return error.code === "invalid_input" && error.isForField("dir") ? "syncFolder.missing" : error.i18nKey;
}

/** What the folder messages need: translations (with a count choosing the plural) and
 *  numbers in the person's language. */
export interface FolderWords {
  t: (key: string, named: Record<string, unknown>, plural: number) => string;
  number: (value: number) => string;
}

/** A toast, in the shape the app's toast service takes. */
export interface FolderToast {
  severity: "success" | "info" | "warn" | "error";
  summary: string;
  detail?: string;
  life: number;
  styleClass: string;
}

/** The class on the folder's toasts, so they can be told from others. */
export const FOLDER_TOAST_CLASS = "sync-folder-toast";

/** The toast after a folder sync: "Carpeta sincronizada: 12 cambios nuevos" (or nothing new),
 *  and the conflicts waiting and the files refused, if any. Names no woman. */
export function folderToast(report: FolderReport, words: FolderWords): FolderToast {
  const { t, number } = words;
  const summary =
    report.applied > 0
      ? t("syncFolder.toast.applied", { count: number(report.applied) }, report.applied)
      : t("syncFolder.toast.nothing", {}, 0);
  const attention: string[] = [];
  if (report.conflicts > 0) {
    attention.push(t("syncFolder.toast.conflicts", { count: number(report.conflicts) }, report.conflicts));
  }
  if (report.refused.length > 0) {
    attention.push(t("syncFolder.toast.refused", { count: number(report.refused.length) }, report.refused.length));
  }
  return {
    severity: attention.length > 0 ? "warn" : report.applied > 0 ? "success" : "info",
    summary,
    ...(attention.length > 0 ? { detail: attention.join(" ") } : {}),
    life: attention.length > 0 ? 12000 : 6000,
    styleClass: FOLDER_TOAST_CLASS,
  };
}

/**
 * At sign-in: when this laptop has a sync folder, syncs through it once and says what came
 * in a toast (a failure in an error toast, with the error in words). Meant to run in the
 * background; it never throws. Nothing is said when the shell closed meanwhile, nor for a
 * lock (the sign-in screen says that).
 */
export async function syncFolderAtSignIn(notify: (toast: FolderToast) => void, words: FolderWords): Promise<FolderReport | null> {
  const mine = folderGeneration;
  try {
    const folder = await api.syncFolderGet();
    if (folder === null || mine !== folderGeneration) return null;
    const report = await runSyncFolder();
    if (report === null || mine !== folderGeneration) return null;
    notify(folderToast(report, words));
    return report;
  } catch (caught) {
    const error = toAppError(caught);
    if (isCancelled(error) && mine === folderGeneration) {
      // Stopped with "Cancelar" on the folder's card: calm words, not a failure.
      notify({
        severity: "info",
        summary: words.t("syncProgress.stopped", {}, 0),
        life: 6000,
        styleClass: FOLDER_TOAST_CLASS,
      });
    } else if (error.code !== "locked" && mine === folderGeneration) {
      notify({
        severity: "error",
        summary: words.t("syncFolder.toast.failed", {}, 0),
        detail: words.t(folderErrorKey(error), {}, 0),
        life: 12000,
        styleClass: FOLDER_TOAST_CLASS,
      });
    }
    return null;
  }
}

// ---- Progress of long sync work -------------------------------------------------------------------
//
// Opening or saving files, the shared folder, a visit package and joining can take a while on
// a big organization's files. The core counts its steps; the screens read them every
// PROGRESS_POLL_MS and offer to stop (see components/SyncProgress.vue).

/** How often the screens read the progress while a sync command runs. */
export const PROGRESS_POLL_MS = 300;

/** The progress said before any work: nothing under way. */
export const IDLE_PROGRESS: ProgressState = { phase: "idle", done: 0, total: 0, cancelling: false };

/** How far the work has gone, 0–100, when its steps are counted; null while it cannot tell. */
export function progressPercent(state: Pick<ProgressState, "done" | "total">): number | null {
  if (state.total <= 0) return null;
  return Math.max(0, Math.min(100, Math.floor((state.done * 100) / state.total)));
}

/** The i18n key that says what the work is doing ("Revisando el archivo…"); null before it
 *  starts (the system's file dialog may still be open). */
export function progressPhaseKey(state: Pick<ProgressState, "phase">): string | null {
  switch (state.phase) {
    case "checking":
      return "syncProgress.checking";
    case "applying":
      return "syncProgress.applying";
    case "writing":
      return "syncProgress.writing";
    default:
      return null;
  }
}

// ---- Preparing a visit ------------------------------------------------------------------------------
//
// Before a prison visit, a laptop that holds every file (the office's) prepares a package for a
// caseworker's laptop with only the women she will see. Her laptop then holds only their files,
// and they leave it when the visit is over.

export const VISIT_DAYS_MIN = 1;
export const VISIT_DAYS_MAX = 30;
export const VISIT_DAYS_DEFAULT = 7;

/** The i18n key of a problem with the visit's days, or null: a whole number from 1 to 30. */
export function checkVisitDays(value: number | null): string | null {
  if (value === null || !Number.isInteger(value)) return "visit.prepare.daysRange";
  return value >= VISIT_DAYS_MIN && value <= VISIT_DAYS_MAX ? null : "visit.prepare.daysRange";
}

/** Whether the signed-in person prepares visits for any laptop (coordinators and admins); a
 *  caseworker prepares them only for her own. */
export function preparesAnyVisit(session: Pick<SessionInfo, "role">): boolean {
  return session.role === "admin" || session.role === "coordinator";
}

/** The laptops a visit package can be prepared for here: the organization's others, registered
 *  and not revoked; for a caseworker, only her own. */
export function visitLaptops(devices: readonly Device[], session: Pick<SessionInfo, "role" | "username">): Device[] {
  const laptops = receivingLaptops(devices);
  return preparesAnyVisit(session) ? laptops : laptops.filter((device) => device.staff === session.username);
}

/** The prisons the candidates are in, each once, in alphabetical order. */
export function visitFacilities(candidates: readonly VisitCandidate[], locale: string): string[] {
  const collator = collation(locale);
  const found = new Set<string>();
  for (const candidate of candidates) {
    const facility = candidate.facility?.trim();
    if (facility) found.add(facility);
  }
  return [...found].sort((a, b) => collator.compare(a, b));
}

/** The candidates in a prison (ids). */
export function candidatesIn(candidates: readonly VisitCandidate[], facility: string): string[] {
  return candidates.filter((candidate) => candidate.facility?.trim() === facility).map((candidate) => candidate.id);
}

/** Which part of the visit form a refusal of the core is about. */
export type VisitProblem = "participantIds" | "days" | "device" | "forbidden" | null;

export function visitProblem(error: AppError): VisitProblem {
  if (error.code === "forbidden") return "forbidden";
  if (error.code !== "invalid_input") return null;
  if (error.isForField("participantIds", "participants", "participantId")) return "participantIds";
  if (error.isForField("days")) return "days";
  if (error.isForField("for", "device", "deviceId")) return "device";
  return null;
}

/** The i18n key that explains a visit refusal in plain words. */
export function visitErrorKey(error: AppError): string {
  switch (visitProblem(error)) {
    case "participantIds":
      return "visit.prepare.errorParticipants";
    case "days":
      return "visit.prepare.daysRange";
    case "device":
      return "visit.prepare.errorDevice";
    case "forbidden":
      return "visit.prepare.errorForbidden";
    default:
      return error.i18nKey;
  }
}

// ---- This laptop's visit -----------------------------------------------------------------------------
//
// On the visiting laptop: while a package is in force, the shell says so on every screen. Asking
// the core also ends a visit that is over (its files leave this laptop), so the shell asks when
// it opens, after each import and every VISIT_CHECK_MS; a visit seen ending is counted in
// `ended`, and the shell says so in a toast.

/** How often the shell asks whether this laptop's visit is over. */
export const VISIT_CHECK_MS = 60_000;

export interface VisitState {
  /** This laptop's visit in force, if any (it names women: dropped on lock). */
  mode: VisitMode | null;
  /** Visits seen ending (or files of a visit leaving with an import): one toast each. */
  ended: number;
}

export const visitState = reactive<VisitState>({ mode: null, ended: 0 });

/** The class on the toast that says a visit ended. */
export const VISIT_ENDED_TOAST_CLASS = "visit-ended-toast";

// Bumped when the shell closes: an answer that comes after a lock is dropped.
let visitGeneration = 0;
// One question at a time, in order, so a visit seen ending is told once.
let visitQueue: Promise<void> = Promise.resolve();
// Whether a visit was in force when the shell last knew, and in which vault (the real one or
// the demo): no names. A visit that ends while the laptop is locked is told after signing in
// again to the same vault.
let visitInForceIn: "vault" | "demo" | null = null;
const currentVault = () => (sessionState.session?.demo ? "demo" : "vault");

/**
 * Asks the core whether this laptop is in visit mode (which ends a visit that is over). After an
 * import, `purged` is how many files of a visit it took off this laptop. Never throws: when the
 * core cannot answer, what was known stays.
 */
export function refreshVisit(purged = 0): Promise<void> {
  const mine = visitGeneration;
  const next = visitQueue.then(async () => {
    if (mine !== visitGeneration) return;
    let mode: VisitMode | null;
    try {
      mode = await api.visitStatus();
    } catch {
      if (mine === visitGeneration && purged > 0) visitState.ended += 1;
      return;
    }
    if (mine !== visitGeneration) return;
    const vault = currentVault();
    const before = visitState.mode !== null || visitInForceIn === vault;
    visitState.mode = mode;
    visitInForceIn = mode !== null ? vault : null;
    if ((before && mode === null) || purged > 0) visitState.ended += 1;
  });
  visitQueue = next;
  return next;
}

/** Drops this laptop's visit from memory (the shell closed); whether one was in force stays. */
function forgetVisit(): void {
  visitGeneration += 1;
  visitQueue = Promise.resolve();
  visitState.mode = null;
}

/** Forgets even whether a visit was in force (for tests). */
export function forgetVisitInForce(): void {
  forgetVisit();
  visitInForceIn = null;
}
