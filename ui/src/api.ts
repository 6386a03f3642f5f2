// The one door to the Rust core. The generated bindings answer `Result` objects; screens want
// plain values and one typed error they can translate, so this file unwraps them.
//
// A CommandError's `message` is developer English and is never shown: screens translate
// `code` through the i18n key `errors.<code>` and use `field` to point at a form field. A
// refused sync or join file (`sync_refused`) also carries `reason`, a code such as
// `sync_wrong_org` that screens put into words (see src/sync.ts). A public summary asked for a
// quarter not over yet answers `quarter_open`; a network contribution that was not accepted,
// `contribution_refused`. A backup that cannot be restored answers `backup_refused` with a
// `reason` too (`wrong_passphrase`, `damaged`, …; see src/backup.ts).

import { commands } from "./bindings";
import type { CommandError, ErrorCode, Result } from "./bindings";

export type {
  About,
  AssessmentPhase,
  AuditAction,
  BatchVisit,
  Carer,
  CaseRecord,
  CatalogDocument,
  ClosingReason,
  Consent,
  ConsentMethod,
  ConsentPurpose,
  Contact,
  ContactType,
  CountryCatalog,
  DirectoryOrganization,
  DirectoryPage,
  DirectoryQuery,
  DirectoryService,
  DueTask,
  FileTask,
  LegalOverview,
  Organization,
  OrganizationKind,
  Referral,
  ReferralStatus,
  Service,
  Task,
  TaskGroup,
  TaskKind,
  Today,
  Custody,
  Dependant,
  Document,
  DocumentStatus,
  HistoryEntry,
  Household,
  Housing,
  HousingSituation,
  HousingTenure,
  IncomeBand,
  LegalBasis,
  NeedCategory,
  NeedStatus,
  NeedsAssessment,
  NewParticipant,
  Note,
  Participant,
  ParticipantDetails,
  ParticipantFile,
  ParticipantPage,
  ParticipantQuery,
  ParticipantSummary,
  RecordData,
  ApplicationDeadline,
  ApplicationStatus,
  ComplianceFigures,
  ComplianceReport,
  ComplianceReportView,
  EligibilityGuide,
  EligibilityPoint,
  EligibilityReport,
  EvidenceDocument,
  Jurisdiction,
  LegalApplication,
  LegalApplicationType,
  LegalStatus,
  LegalStatusChange,
  OffenceCategory,
  PlanProgress,
  PointCheck,
  PointStatus,
  Printout,
  PrisonStay,
  Proceeding,
  RefusalReason,
  ServiceHours,
  ServicePlan,
  Relationship,
  RequestStatus,
  RightsDeadline,
  RightsDeadlines,
  RightsKind,
  RightsOverview,
  RightsRequest,
  RightsRequestEntry,
  ErasureAcknowledgement,
  ErasureEntry,
  AddedDevice,
  AuditEntry,
  BackupInfo,
  BackupMade,
  BackupSchedule,
  BackupScheduleStatus,
  ScheduledBackup,
  RekeyResult,
  AuditVerification,
  ChangedFile,
  Conflict,
  ConflictSide,
  Device,
  ExportedFile,
  FolderReport,
  ImportReport,
  JoinInput,
  Joined,
  RefusedFile,
  RenamedStaff,
  RuleWarning,
  SavedChanges,
  SavedFile,
  Country,
  CrashKind,
  CreatedVault,
  ErrorCode,
  NewStaff,
  NewVaultInput,
  Role,
  SessionInfo,
  Settings,
  StaffMember,
  VaultStatus,
  VisitCandidate,
  VisitMode,
  ProgressState,
  Audience,
  Breakdown,
  IndicatorInfo,
  Revision,
  Summary,
  SummaryCell,
  SummaryRequest,
  SummaryTable,
  UiCrash,
  Unit,
} from "./bindings";

// A record, not a list, so the type check fails when the generated ErrorCode gains or loses a code.
const KNOWN_ERROR_CODES: Record<ErrorCode, true> = {
  locked: true,
  wrong_credentials: true,
  vault_missing: true,
  vault_exists: true,
  vault_corrupt: true,
  vault_too_new: true,
  vault_rolled_back: true,
  throttle_unavailable: true,
  backup_refused: true,
  backup_folder_missing: true,
  forbidden: true,
  invalid_input: true,
  weak_password: true,
  username_taken: true,
  staff_not_found: true,
  not_found: true,
  case_closed: true,
  consent_required: true,
  not_demo_vault: true,
  last_admin: true,
  cannot_disable_self: true,
  wrong_recovery_code: true,
  disk_full: true,
  sync_refused: true,
  quarter_open: true,
  contribution_refused: true,
  cancelled: true,
  io: true,
  internal: true,
};

export const ERROR_CODES = Object.keys(KNOWN_ERROR_CODES) as ErrorCode[];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | null;
  /** Why a sync or join file was refused (`sync_wrong_org`, …); null for other errors. */
  readonly reason: string | null;

  constructor(code: ErrorCode, field: string | null = null, cause?: unknown, reason: string | null = null) {
    // The message is for developers' consoles only; screens use `code`.
    super(`Acompaña command failed: ${code}${field ? ` (${field})` : ""}${reason ? ` [${reason}]` : ""}`, { cause });
    this.name = "AppError";
    this.code = code;
    this.field = field;
    this.reason = reason;
  }

  /** The i18n key that explains this error to a person. */
  get i18nKey(): string {
    return `errors.${this.code}`;
  }

  /** Whether the error belongs to the form field `name` (camelCase or snake_case). */
  isForField(...names: string[]): boolean {
    if (this.field === null) return false;
    const mine = normalizeField(this.field);
    return names.some((name) => normalizeField(name) === mine);
  }
}

function normalizeField(name: string): string {
  return name.replace(/[_\-\s]/g, "").toLowerCase();
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(KNOWN_ERROR_CODES, value);
}

/** Turns anything a command may throw or answer into an AppError. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (typeof error === "object" && error !== null && "code" in error) {
    const candidate = error as Partial<CommandError>;
    const field = typeof candidate.field === "string" ? candidate.field : null;
    const reason = typeof candidate.reason === "string" ? candidate.reason : null;
    return new AppError(isErrorCode(candidate.code) ? candidate.code : "internal", field, error, reason);
  }
  // A JavaScript Error (e.g. IPC unavailable) or a bare string from an unexpected panic.
  return new AppError("internal", null, error);
}

let onLocked: (() => void) | null = null;

/**
 * Called whenever a command answers `locked` (the core locked itself, e.g. after idle time),
 * so the app can go back to the sign-in screen from wherever it is.
 */
export function setLockedHandler(handler: (() => void) | null): void {
  onLocked = handler;
}

async function unwrap<T>(pending: Promise<Result<T, CommandError>>): Promise<T> {
  let result: Result<T, CommandError>;
  try {
    result = await pending;
  } catch (error) {
    throw toAppError(error);
  }
  if (result.status === "ok") return result.data;
  const error = toAppError(result.error);
  if (error.code === "locked") onLocked?.();
  throw error;
}

/** A command that answers its value directly (no Result): a failure still becomes an AppError. */
async function plain<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    throw toAppError(error);
  }
}

export const api = {
  vaultStatus: () => unwrap(commands.vaultStatus()),
  vaultCreate: (input: Parameters<typeof commands.vaultCreate>[0]) =>
    unwrap(commands.vaultCreate(input)),
  sessionUnlock: (username: string, password: string) =>
    unwrap(commands.sessionUnlock(username, password)),
  sessionRecover: (recoveryCode: string, username: string, newPassword: string) =>
    unwrap(commands.sessionRecover(recoveryCode, username, newPassword)),
  sessionLock: () => unwrap(commands.sessionLock()),
  sessionTouch: () => unwrap(commands.sessionTouch()),
  staffList: () => unwrap(commands.staffList()),
  staffAdd: (input: Parameters<typeof commands.staffAdd>[0]) => unwrap(commands.staffAdd(input)),
  // Removing someone's access, revoking a laptop and changing the recovery code ask the
  // administrator's own password again and re-key the vault: each answers the new recovery
  // code (shown once, see components/NewRecoveryCodeDialog.vue) and the colleagues whose
  // passwords must now be reset.
  staffDisable: (staffId: string, password: string) => unwrap(commands.staffDisable(staffId, password)),
  recoveryCodeChange: (password: string) => unwrap(commands.recoveryCodeChange(password)),
  staffResetPassword: (staffId: string, newPassword: string) =>
    unwrap(commands.staffResetPassword(staffId, newPassword)),
  passwordChange: (currentPassword: string, newPassword: string) =>
    unwrap(commands.passwordChange(currentPassword, newPassword)),
  auditList: (offset: number, limit: number) => unwrap(commands.auditList(offset, limit)),
  auditVerify: () => unwrap(commands.auditVerify()),
  settingsGet: () => unwrap(commands.settingsGet()),
  vaultCheckFull: () => unwrap(commands.vaultCheckFull()),
  settingsSet: (settings: Parameters<typeof commands.settingsSet>[0]) =>
    unwrap(commands.settingsSet(settings)),
  participantList: (query: Parameters<typeof commands.participantList>[0]) =>
    unwrap(commands.participantList(query)),
  participantAdd: (input: Parameters<typeof commands.participantAdd>[0]) =>
    unwrap(commands.participantAdd(input)),
  participantFile: (participantId: string) => unwrap(commands.participantFile(participantId)),
  participantUpdate: (participantId: string, details: Parameters<typeof commands.participantUpdate>[1]) =>
    unwrap(commands.participantUpdate(participantId, details)),
  participantAssign: (participantId: string, username: string | null) =>
    unwrap(commands.participantAssign(participantId, username)),
  participantShare: (participantId: string, username: string, shared: boolean) =>
    unwrap(commands.participantShare(participantId, username, shared)),
  participantClose: (participantId: string, reason: Parameters<typeof commands.participantClose>[1]) =>
    unwrap(commands.participantClose(participantId, reason)),
  participantErase: (participantId: string, caseCode: string, reason: string) =>
    unwrap(commands.participantErase(participantId, caseCode, reason)),
  participantReopen: (participantId: string) => unwrap(commands.participantReopen(participantId)),
  /** A file's history; her legal name and reserved details only with `reveal` (audited either way). */
  participantHistory: (participantId: string, reveal = false) =>
    unwrap(commands.participantHistory(participantId, reveal)),
  recordSave: (participantId: string, recordId: string | null, data: Parameters<typeof commands.recordSave>[2]) =>
    unwrap(commands.recordSave(participantId, recordId, data)),
  recordDelete: (participantId: string, recordId: string) =>
    unwrap(commands.recordDelete(participantId, recordId)),
  noteReveal: (participantId: string, noteId: string) => unwrap(commands.noteReveal(participantId, noteId)),
  visitRecordBatch: (visit: Parameters<typeof commands.visitRecordBatch>[0]) =>
    unwrap(commands.visitRecordBatch(visit)),
  catalogGet: () => unwrap(commands.catalogGet()),
  directorySearch: (query: Parameters<typeof commands.directorySearch>[0]) =>
    unwrap(commands.directorySearch(query)),
  directorySaveOrganization: (id: string | null, organization: Parameters<typeof commands.directorySaveOrganization>[1]) =>
    unwrap(commands.directorySaveOrganization(id, organization)),
  directorySaveService: (id: string | null, service: Parameters<typeof commands.directorySaveService>[1]) =>
    unwrap(commands.directorySaveService(id, service)),
  directoryDelete: (id: string) => unwrap(commands.directoryDelete(id)),
  directoryGet: (id: string) => unwrap(commands.directoryGet(id)),
  legalOverview: (participantId: string, today: string) => unwrap(commands.legalOverview(participantId, today)),
  complianceReport: (participantId: string, reportId: string) =>
    unwrap(commands.complianceReport(participantId, reportId)),
  printoutRecord: (printout: Parameters<typeof commands.printoutRecord>[0], participantId: string | null) =>
    unwrap(commands.printoutRecord(printout, participantId)),
  printPage: () => unwrap(commands.printPage()),
  tasksToday: (query: Parameters<typeof commands.tasksToday>[0]) => unwrap(commands.tasksToday(query)),
  taskComplete: (participantId: string, key: string, today: string) =>
    unwrap(commands.taskComplete(participantId, key, today)),
  demoOpen: () => unwrap(commands.demoOpen()),
  // Sync between the organization's laptops. The commands that write or read a file open the
  // system's own dialog from the core; they answer null when the person cancels it.
  deviceList: () => unwrap(commands.deviceList()),
  deviceAdd: (username: string, name: string) => unwrap(commands.deviceAdd(username, name)),
  deviceRevoke: (deviceId: string, password: string) => unwrap(commands.deviceRevoke(deviceId, password)),
  syncSaveChanges: (deviceIds: string[]) => unwrap(commands.syncSaveChanges(deviceIds)),
  syncOpenReceived: () => unwrap(commands.syncOpenReceived()),
  conflictsList: () => unwrap(commands.conflictsList()),
  conflictsResolve: (conflictId: string, keepOp: string) => unwrap(commands.conflictsResolve(conflictId, keepOp)),
  vaultJoin: (input: Parameters<typeof commands.vaultJoin>[0]) => unwrap(commands.vaultJoin(input)),
  // This laptop's sync folder (one Syncthing or a network drive carries): its path or null;
  // choosing opens the system's folder dialog from the core (null when cancelled); running
  // answers null when no folder is set.
  syncFolderGet: () => unwrap(commands.syncFolderGet()),
  syncFolderChoose: () => unwrap(commands.syncFolderChoose()),
  syncFolderClear: () => unwrap(commands.syncFolderClear()),
  syncFolderRun: () => unwrap(commands.syncFolderRun()),
  // Visit mode: a package of only the women a caseworker will see in prison, for her laptop.
  // Preparing is checked before the save dialog opens (null when it was cancelled). Reading the
  // status also ends a visit that is over (its files leave this laptop).
  visitCandidates: (deviceId: string) => unwrap(commands.visitCandidates(deviceId)),
  visitPrepare: (deviceId: string, participantIds: string[], days: number) =>
    unwrap(commands.visitPrepare(deviceId, participantIds, days)),
  visitStatus: () => unwrap(commands.visitStatus()),
  // How far the sync work under way has gone, and a request to stop it (it then ends with
  // `cancelled` and changes nothing). Neither waits for the vault; both work before sign-in.
  syncProgress: () => plain(commands.syncProgress()),
  syncCancel: () => plain(commands.syncCancel()),
  // A woman's requests about her data. The core computes the deadline from the country's law;
  // an erasure request is answered only by erasing her (participantErase). The list is for
  // coordinators and administrators (a caseworker gets `forbidden`).
  rightsAdd: (participantId: string, right: Parameters<typeof commands.rightsAdd>[1], receivedOn: string) =>
    unwrap(commands.rightsAdd(participantId, right, receivedOn)),
  rightsDone: (requestId: string, outcome: string | null) => unwrap(commands.rightsDone(requestId, outcome)),
  rightsList: () => unwrap(commands.rightsList()),
  // Anonymized summaries (coordinators and administrators; a caseworker gets `forbidden`). The
  // core protects every figure before it leaves it. A public summary covers closed quarters only
  // (`quarter_open` otherwise) and gives the figures frozen the first time. The CSV export opens
  // the system's folder dialog from the core and answers the number of files written, or null
  // when the dialog was cancelled.
  summaryIndicators: () => plain(commands.summaryIndicators()),
  summaryProduce: (request: Parameters<typeof commands.summaryProduce>[0]) => unwrap(commands.summaryProduce(request)),
  summaryExportCsv: (request: Parameters<typeof commands.summaryExportCsv>[0]) =>
    unwrap(commands.summaryExportCsv(request)),
  // Backups of the whole vault, encrypted to a passphrase (at least 12 characters). Making one
  // (administrators) and restoring one (first run only, no vault yet) open the system's file
  // dialog from the core; both answer null when it was cancelled.
  backupCreate: (passphrase: string) => unwrap(commands.backupCreate(passphrase)),
  backupRestore: (passphrase: string) => unwrap(commands.backupRestore(passphrase)),
  // Automatic backups into a folder of this laptop (a USB stick, a second disk). Reading the
  // schedule is for everyone; setting it (the core opens the system's folder dialog and answers
  // null when it was cancelled), clearing it and a backup "now" are for administrators. A run
  // without `now` writes a backup only when one is due, and answers null otherwise.
  backupScheduleGet: () => unwrap(commands.backupScheduleGet()),
  backupScheduleSet: (everyDays: number, keep: number, passphrase: string) =>
    unwrap(commands.backupScheduleSet(everyDays, keep, passphrase)),
  backupScheduleClear: () => unwrap(commands.backupScheduleClear()),
  backupScheduleRun: (now: boolean) => unwrap(commands.backupScheduleRun(now)),
  // Acerca de: this version, its licence, the data folder and the formats it reads and writes.
  // It answers while locked too (the open vault's own versions are then null).
  about: () => unwrap(commands.about()),
  // The crash screen's "Guardar informe de error": the core opens the system's save dialog and
  // writes the report (no error message, no names: see crash.ts here and the core's crash
  // module), answering the file's name, or null when the dialog was cancelled. It works locked
  // or not.
  crashReportSave: (crash: Parameters<typeof commands.crashReportSave>[0]) => unwrap(commands.crashReportSave(crash)),
};
