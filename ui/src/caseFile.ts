// What the file screens compute from a woman's records: the enum lists they offer, the
// document checklist (catalog × her records), and the file's history in readable form.
// Kept free of Vue so it can be tested on its own.

import { dateTimeFormat } from "./intl";
import type {
  AssessmentPhase,
  Carer,
  CaseRecord,
  CatalogDocument,
  ClosingReason,
  ConsentMethod,
  ConsentPurpose,
  ContactType,
  CountryCatalog,
  Custody,
  Dependant,
  Document,
  DocumentStatus,
  HistoryEntry,
  HousingSituation,
  HousingTenure,
  IncomeBand,
  LegalBasis,
  NeedCategory,
  NeedStatus,
  RecordData,
  Relationship,
  RightsKind,
} from "./api";

export const CONSENT_PURPOSES: ConsentPurpose[] = ["case_work", "referral", "statistics", "photos_testimony", "contact"];
export const LEGAL_BASES: LegalBasis[] = ["consent", "legal_obligation", "vital_interest", "legitimate_interest"];
export const CONSENT_METHODS: ConsentMethod[] = ["written", "verbal_with_witness", "fingerprint"];
export const RELATIONSHIPS: Relationship[] = ["daughter", "son", "grandchild", "sibling", "parent", "partner", "other_relative", "other"];
export const CARERS: Carer[] = [
  "herself",
  "grandmother",
  "father",
  "other_relative",
  "foster_family",
  "institution",
  "neighbour",
  "independent",
  "unknown",
];
export const CUSTODIES: Custody[] = ["hers", "shared", "relative", "state_protection", "in_process", "unknown"];
export const HOUSING_SITUATIONS: HousingSituation[] = ["street", "shelter", "family", "rented", "own", "house_arrest", "other"];
export const TENURES: HousingTenure[] = ["own", "rented", "family", "borrowed", "informal", "institutional", "none"];
export const INCOME_BANDS: IncomeBand[] = ["none", "below_minimum", "minimum_to_twice", "above_twice"];
export const DOCUMENT_STATUSES: DocumentStatus[] = ["needed", "in_process", "has", "expired", "lost", "not_applicable"];
export const PHASES: AssessmentPhase[] = ["pre_release", "release", "day_30", "day_90", "day_180", "day_365"];
export const NEED_CATEGORIES: NeedCategory[] = [
  "documentation",
  "legal",
  "community_service",
  "housing",
  "employment",
  "education",
  "health",
  "mental_health",
  "substance_use",
  "family",
  "childcare",
  "social_protection",
  "finances",
  "basic_needs",
  "transport",
  "violence_safety",
  "peer_networks",
  "other",
];
export const NEED_STATUSES: NeedStatus[] = ["no_need", "need", "in_progress", "resolved"];
export const CONTACT_TYPES: ContactType[] = ["prison_visit", "call", "home_visit", "accompaniment", "message", "office_visit"];
export const CLOSING_REASONS: ClosingReason[] = [
  "completed",
  "withdrew",
  "moved_away",
  "lost_contact",
  "transferred",
  "returned_to_prison",
  "deceased",
  "other",
];
export const PARTICIPANT_STATUSES = ["open", "closed"] as const;
/** The tabs of her file, in order (each named under `file.tab.<id>`). Servicio shows only where
 *  the country's list has the Law 2292 guide. */
export const FILE_TABS = ["summary", "consent", "household", "housing", "documents", "needs", "referrals", "tasks", "contacts", "legal", "applications", "service", "rights", "history"] as const;
export type FileTab = (typeof FILE_TABS)[number];
/** Her rights over her data, in the order the forms offer them (see src/rights.ts). */
export const RIGHTS_KINDS: readonly RightsKind[] = ["access", "correction", "erasure"];

// ---- Dates ----------------------------------------------------------------------------------

/** "YYYY-MM-DD" of a Date, in local time (what the person picked on the calendar). */
export function toIsoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The local Date of a "YYYY-MM-DD" string, or null. */
export function fromIsoDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function todayIso(): string {
  return toIsoDate(new Date());
}

/** A calendar date for people, in their locale, without shifting it through UTC. */
export function formatIsoDate(value: string, locale: string): string {
  const date = fromIsoDate(value);
  if (!date) return value;
  return dateTimeFormat(locale, { dateStyle: "medium" }).format(date);
}

// ---- Records --------------------------------------------------------------------------------

export type RecordOf<K extends RecordData["kind"]> = CaseRecord & { data: Extract<RecordData, { kind: K }> };

export function recordsOf<K extends RecordData["kind"]>(records: CaseRecord[], kind: K): RecordOf<K>[] {
  return records.filter((record): record is RecordOf<K> => record.data.kind === kind);
}

/**
 * Newest first by a date field, then by creation time, then by id: creation times have whole
 * seconds, and ids (UUIDv7) grow with creation, so two records made in the same second keep
 * the order they were made in.
 */
export function newestFirst<T extends CaseRecord>(records: T[], dateOf: (record: T) => string): T[] {
  return [...records].sort(
    (a, b) =>
      dateOf(b).localeCompare(dateOf(a)) ||
      b.createdAt.localeCompare(a.createdAt) ||
      b.id.localeCompare(a.id),
  );
}

// ---- Document checklist ---------------------------------------------------------------------

export const SETTLED_STATUSES: readonly DocumentStatus[] = ["has", "not_applicable"];

export interface ChecklistRow {
  document: CatalogDocument;
  /** Her record of this document for this person, if any. */
  record: RecordOf<"document"> | null;
  status: DocumentStatus | null;
  /** Required and not settled (she does not have it and it applies). */
  pending: boolean;
}

export interface ChecklistGroup {
  /** null for the woman herself, else the dependant's record id. */
  dependantId: string | null;
  /** The dependant's alias; null for her. */
  alias: string | null;
  rows: ChecklistRow[];
  pending: number;
}

/**
 * The country's checklist for her and for each dependant (only the documents whose holders
 * include that person), each row joined with the record that tracks it.
 */
export function buildChecklist(catalog: CountryCatalog, records: CaseRecord[]): ChecklistGroup[] {
  const documents = recordsOf(records, "document");
  const dependants = recordsOf(records, "dependant");
  const group = (dependantId: string | null, alias: string | null): ChecklistGroup => {
    const holder = dependantId === null ? "self" : "dependant";
    const rows = catalog.documents
      .filter((document) => document.holders.includes(holder))
      .map((document): ChecklistRow => {
        const record =
          documents.find(
            (candidate) =>
              candidate.data.documentType === document.code && (candidate.data.dependantId ?? null) === dependantId,
          ) ?? null;
        const status = record?.data.status ?? null;
        const settled = status !== null && SETTLED_STATUSES.includes(status);
        return { document, record, status, pending: document.required && !settled };
      });
    return { dependantId, alias, rows, pending: rows.filter((row) => row.pending).length };
  };
  return [group(null, null), ...dependants.map((dependant) => group(dependant.id, dependant.data.alias))];
}

/** A document record marked as obtained today (keeping what was already known). */
export function markObtained(
  documentType: string,
  dependantId: string | null,
  existing: Document | null,
  today: string,
): Extract<RecordData, { kind: "document" }> {
  return {
    kind: "document",
    ...(existing ?? {}),
    documentType,
    dependantId,
    status: "has",
    obtainedOn: existing?.obtainedOn ?? today,
  };
}

// ---- Needs ----------------------------------------------------------------------------------

export function openNeeds(statuses: Partial<Record<NeedCategory, NeedStatus>>): number {
  return Object.values(statuses).filter((status) => status === "need" || status === "in_progress").length;
}

// ---- Dependants -----------------------------------------------------------------------------

/** Age in whole years from a birth date, or the age recorded. */
export function dependantAge(dependant: Dependant, today: Date = new Date()): number | null {
  const born = fromIsoDate(dependant.birthDate ?? null);
  if (born) {
    let age = today.getFullYear() - born.getFullYear();
    const beforeBirthday =
      today.getMonth() < born.getMonth() || (today.getMonth() === born.getMonth() && today.getDate() < born.getDate());
    if (beforeBirthday) age -= 1;
    return Math.max(age, 0);
  }
  return dependant.age ?? null;
}

// ---- History --------------------------------------------------------------------------------

/** Field names translated in the history (camelCase; the core writes her details in snake_case). */
export const HISTORY_FIELDS = [
  "caseCode",
  "legalName",
  "chosenName",
  "birthYear",
  "department",
  "municipality",
  "genderIdentity",
  "ethnicity",
  "nationality",
  "disability",
  "safeContact",
  "messageOk",
  "status",
  "closingReason",
  "assignedTo",
  "purpose",
  "organization",
  "legalBasis",
  "noticeVersion",
  "method",
  "readAloud",
  "language",
  "givenOn",
  "collectedBy",
  "revokedOn",
  "headOfHousehold",
  "notarialDeclarationOn",
  "householdSize",
  "incomeBand",
  "tenure",
  "socioeconomicGroup",
  "conflictVictim",
  "alias",
  "relationship",
  "birthDate",
  "age",
  "disabilityCertificate",
  "livedWithHerBefore",
  "carer",
  "location",
  "custody",
  "livesWithHerInPrison",
  "situation",
  "from",
  "until",
  "address",
  "documentType",
  "dependantId",
  "issuingBody",
  "requestedOn",
  "obtainedOn",
  "cost",
  "expiresOn",
  "originalKeptAt",
  "phase",
  "assessedOn",
  "statuses",
  "contactType",
  "date",
  "place",
  "team",
  "visitId",
  "summary",
  "text",
  "sensitive",
  "contactId",
  "staffId",
  // Derivaciones and Tareas.
  "category",
  "referredOn",
  "sharesData",
  "followUpOn",
  "outcome",
  "title",
  "dueOn",
  "done",
  "doneOn",
  // Proceso penal, Solicitudes and Servicio (Ley 2292).
  "jurisdiction",
  "caseNumber",
  "court",
  "offenceCode",
  "offenceCategory",
  "sentenceMonths",
  "expectedReleaseOn",
  "since",
  "facility",
  "enteredOn",
  "leftOn",
  "applicationType",
  "filedBy",
  "filedOn",
  "authority",
  "fileNumber",
  "decidedOn",
  "refusalReason",
  "marginalityEvidence",
  "priorConviction",
  "excludedOffence",
  "notes",
  "supervisor",
  "activities",
  "hoursDueOverride",
  "overrideReason",
  "hoursPerWeek",
  "hoursPerDay",
  "schedule",
  "startOn",
  "executionJudge",
  "hours",
  "activity",
  "verifiedBy",
  "periodStart",
  "periodEnd",
  "incidents",
  "sentOn",
  // Derechos: her requests about her data.
  "right",
  "receivedOn",
  "deadline",
  "basis",
  "doneBy",
] as const;

/** Fields whose values stay hidden in the history until asked for. */
export const SENSITIVE_FIELDS: readonly string[] = ["legalName", "genderIdentity", "ethnicity", "safeContact", "address"];

/** Which translated list a field's values come from (i18n prefix under `enum`). */
const ENUM_FIELDS: Record<string, string> = {
  purpose: "ConsentPurpose",
  legalBasis: "LegalBasis",
  method: "ConsentMethod",
  incomeBand: "IncomeBand",
  tenure: "HousingTenure",
  relationship: "Relationship",
  carer: "Carer",
  custody: "Custody",
  situation: "HousingSituation",
  status: "DocumentStatus",
  phase: "AssessmentPhase",
  contactType: "ContactType",
  closingReason: "ClosingReason",
  category: "NeedCategory",
};

/** Lists of the legal records and of her rights requests, which live under their own sections
 *  (`legal.…`, `rights.…`). */
const LEGAL_FIELDS: Record<string, string> = {
  offenceCategory: "legal.offence",
  jurisdiction: "legal.jurisdictions",
  refusalReason: "legal.refusal",
  right: "rights.kind",
};
/** A status field's list, by the kind of record it belongs to. */
const LEGAL_STATUS_FIELDS: Record<string, string> = {
  legal_status: "legal.status",
  legal_application: "legal.applicationStatus",
  rights_request: "rights.status",
};

/** Fields never worth showing: links between records. */
const HIDDEN_FIELDS = new Set([
  "participantId",
  "visitId",
  "contactId",
  "dependantId",
  "proceedingId",
  "applicationId",
  "planId",
  "receivingEntity",
  "evidence",
  "organizationId",
  "serviceId",
  "consentId",
  "generatedKey",
]);

export function camelField(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** What the history needs from the screen: translations and formats in the current locale. */
export interface HistoryWords {
  /** The translation of an i18n key, or null when there is none. */
  translate: (key: string) => string | null;
  date: (iso: string) => string;
  yes: string;
  no: string;
  hidden: string;
  /** Display name of a member of staff, by username or id. */
  staffName: (usernameOrId: string) => string | null;
  /** The document's name from the catalog. */
  documentName: (code: string) => string | null;
  /** A nationality's country name, from its ISO code. */
  countryName?: (code: string) => string | null;
}

export interface HistoryChange {
  field: string;
  /** Translated field name, or the raw one. */
  label: string;
  value: string;
}

export function fieldLabel(field: string, words: HistoryWords): string {
  return words.translate(`history.field.${field}`) ?? field;
}

/** One value for people: dates in their locale, yes/no, translated codes, names for usernames. */
export function formatHistoryValue(field: string, value: unknown, words: HistoryWords, recordType = ""): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? words.yes : words.no;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.map((item) => formatHistoryValue(field, item, words, recordType)).join(", ");
  if (typeof value === "object") {
    // A needs assessment's statuses: "Vivienda: necesita; …"
    return Object.entries(value as Record<string, unknown>)
      .map(
        ([key, inner]) =>
          `${words.translate(`enum.NeedCategory.${key}`) ?? key}: ${
            words.translate(`enum.NeedStatus.${String(inner)}`) ?? String(inner)
          }`,
      )
      .join("; ");
  }
  const text = String(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return words.date(text);
  if (["collectedBy", "assignedTo", "team", "staffId", "doneBy"].includes(field)) return words.staffName(text) ?? text;
  if (field === "documentType") return words.documentName(text) ?? text;
  if (field === "nationality") return words.countryName?.(text) ?? text;
  if (field === "status" && recordType === "participant") {
    return words.translate(`participants.status.${text}`) ?? text;
  }
  if (field === "status" && recordType === "referral") {
    return words.translate(`referrals.statusValue.${text}`) ?? text;
  }
  const legalList = field === "status" ? LEGAL_STATUS_FIELDS[recordType] : LEGAL_FIELDS[field];
  if (legalList) return words.translate(`${legalList}.${text}`) ?? text;
  const list = ENUM_FIELDS[field];
  if (list) return words.translate(`enum.${list}.${text}`) ?? text;
  return text;
}

/** A needs assessment keeps one field per category on the log: `statuses.housing`. */
const NEED_FIELD_PREFIX = "statuses.";

/** The changes one history line made, each field with its readable new value. */
export function describeHistoryEntry(entry: HistoryEntry, words: HistoryWords, revealSensitive = false): HistoryChange[] {
  // The core held the value back as reserved ("Mostrar datos reservados" asks for it again).
  if (entry.value === null && entry.masked && entry.field !== "") {
    const field = camelField(entry.field);
    return [{ field, label: fieldLabel(field, words), value: words.hidden }];
  }
  if (entry.value === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.value);
  } catch {
    parsed = entry.value;
  }
  const pairs: [string, unknown][] =
    entry.field === "" && parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? Object.entries(parsed as Record<string, unknown>)
      : [[entry.field, parsed]];
  return pairs
    .map(([raw, value]) => [raw.startsWith(NEED_FIELD_PREFIX) ? raw : camelField(raw), value] as const)
    .filter(([field]) => field !== "" && !HIDDEN_FIELDS.has(field))
    // "Not sensitive" on every ordinary note is noise; a note marked sensitive says so.
    .filter(([field, value]) => !(field === "sensitive" && value === false))
    .map(([field, value]) => {
      if (!field.startsWith(NEED_FIELD_PREFIX)) return [field, value] as const;
      // One need's status reads like the whole assessment's: "Vivienda: Lo necesita".
      const category = field.slice(NEED_FIELD_PREFIX.length);
      return ["statuses", value === null ? null : { [category]: value }] as const;
    })
    .map(([field, value]) => ({
      field,
      label: fieldLabel(field, words),
      value:
        SENSITIVE_FIELDS.includes(field) && !revealSensitive
          ? words.hidden
          : formatHistoryValue(field, value, words, entry.recordType),
    }));
}
