// What the legal screens compute from a woman's records and the country's lists: the enum
// lists they offer, a proceeding's legal status over time, the documents an application can
// cite as evidence, and Law 2292's community-service arithmetic, worked out the same way as
// the core so the plan form can show it while it is typed. The core stays the authority: the
// saved figures come back from `legal_overview`.
// Kept free of Vue so it can be tested on its own.

import { dateTimeFormat } from "./intl";
import type {
  ApplicationStatus,
  CaseRecord,
  CountryCatalog,
  DocumentStatus,
  EligibilityPoint,
  Jurisdiction,
  LegalApplicationType,
  LegalStatus,
  OffenceCategory,
  PointStatus,
  RefusalReason,
} from "./api";
import { SETTLED_STATUSES, fromIsoDate, recordsOf } from "./caseFile";
import type { RecordOf } from "./caseFile";

export const JURISDICTIONS: Jurisdiction[] = ["ordinary", "federal", "state"];
export const OFFENCE_CATEGORIES: OffenceCategory[] = ["drugs", "theft_non_violent", "other_non_violent", "violent", "unknown"];
export const LEGAL_STATUSES: LegalStatus[] = [
  "investigation",
  "pretrial_detention",
  "sentenced",
  "house_arrest",
  "electronic_monitoring",
  "alternative_measure",
  "conditional_release",
  "sentence_served",
];
export const APPLICATION_STATUSES: ApplicationStatus[] = ["preparing", "filed", "granted", "denied", "withdrawn"];
/** Where an application stands before the authority answers. */
export const OPEN_APPLICATION_STATUSES: ApplicationStatus[] = ["preparing", "filed"];
/** What "Registrar decisión" can record. */
export const DECISIONS: ApplicationStatus[] = ["granted", "denied", "withdrawn"];
export const REFUSAL_REASONS: RefusalReason[] = [
  "marginality_not_proven",
  "head_of_household_not_proven",
  "plan_not_formalised",
  "excluded_offence",
  "prior_record",
  "incomplete_file",
  "no_answer_in_time",
  "other",
];
export const ELIGIBILITY_POINTS: EligibilityPoint[] = [
  "head_of_household",
  "dependants",
  "offence_or_sentence",
  "marginality",
  "no_prior_conviction",
  "not_excluded",
];
export const POINT_STATUSES: PointStatus[] = ["met", "not_met", "missing"];

export function isDecided(status: ApplicationStatus): boolean {
  return DECISIONS.includes(status);
}

// ---- Calendar arithmetic (no time zones: a "YYYY-MM-DD" is a day, not an instant) -----------

function dayNumber(iso: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const back = new Date(time);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return time / 86_400_000;
}

function fromDayNumber(days: number): string {
  const date = new Date(days * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** The day `days` after (or before, when negative) a "YYYY-MM-DD" day; null for a bad date. */
export function addDays(iso: string, days: number): string | null {
  const start = dayNumber(iso);
  return start === null ? null : fromDayNumber(start + days);
}

/** Whole days from `from` to `to` (negative when `to` comes first). */
export function daysBetween(from: string, to: string): number | null {
  const a = dayNumber(from);
  const b = dayNumber(to);
  return a === null || b === null ? null : b - a;
}

/** A day written out for people: "10 de julio de 2026". */
export function formatLongDate(iso: string, locale: string): string {
  const date = fromIsoDate(iso);
  return date ? dateTimeFormat(locale, { dateStyle: "long" }).format(date) : iso;
}

// ---- Law 2292 community service ---------------------------------------------------------------

/** Hours of service per week of prison sentence. */
export const HOURS_PER_WEEK_OF_SENTENCE = 5;
export const MIN_HOURS_PER_WEEK = 5;
export const MAX_HOURS_PER_WEEK = 20;
export const MAX_HOURS_PER_DAY = 8;
export const MAX_SENTENCE_MONTHS = 600;

/**
 * Hours due for a sentence of `months` months: 5 per week of sentence with 52 weeks a year,
 * rounded up to a whole hour (a part week counts). Null outside 1–600 whole months.
 */
export function hoursDueFor(months: number): number | null {
  if (!Number.isInteger(months) || months < 1 || months > MAX_SENTENCE_MONTHS) return null;
  return Math.ceil((months * 52 * HOURS_PER_WEEK_OF_SENTENCE) / 12);
}

export function rateIsAllowed(hoursPerWeek: number): boolean {
  return Number.isInteger(hoursPerWeek) && hoursPerWeek >= MIN_HOURS_PER_WEEK && hoursPerWeek <= MAX_HOURS_PER_WEEK;
}

/**
 * The projected end of a plan: the start plus as many whole weeks as the hours need at the
 * agreed rate, less a day (the last week may be a partial one; the date ends that week).
 */
export function projectedEnd(startOn: string, hoursDue: number, hoursPerWeek: number): string | null {
  if (!rateIsAllowed(hoursPerWeek) || !Number.isInteger(hoursDue) || hoursDue < 1) return null;
  const weeks = Math.ceil(hoursDue / hoursPerWeek);
  return addDays(startOn, weeks * 7 - 1);
}

/** A whole number typed in a box, or null. */
export function wholeNumber(raw: string): number | null {
  const value = raw.trim();
  return /^\d{1,6}$/.test(value) ? Number(value) : null;
}

export interface PlanFigures {
  months: number | null;
  /** 5 hours per week of sentence (null until the months are a valid number). */
  computed: number | null;
  /** The hours due typed, or the computed ones when the box is empty. */
  due: number | null;
  /** The hours due differ from the computed ones (a reason is then needed). */
  overridden: boolean;
  rate: number | null;
  rateAllowed: boolean;
  end: string | null;
}

/** What the plan form shows while it is typed. */
export function planFigures(input: { sentenceMonths: string; hoursDue: string; hoursPerWeek: string; startOn: string | null }): PlanFigures {
  const months = wholeNumber(input.sentenceMonths);
  const computed = months === null ? null : hoursDueFor(months);
  const typed = wholeNumber(input.hoursDue);
  const due = typed !== null && typed > 0 ? typed : computed;
  const rate = wholeNumber(input.hoursPerWeek);
  const rateAllowed = rate !== null && rateIsAllowed(rate);
  return {
    months,
    computed,
    due,
    overridden: due !== null && computed !== null && due !== computed,
    rate,
    rateAllowed,
    end: input.startOn && due !== null && rate !== null && rateAllowed ? projectedEnd(input.startOn, due, rate) : null,
  };
}

/** Hours already logged on `date` for a plan, leaving out the entry being edited. */
export function hoursLoggedOn(records: CaseRecord[], planId: string, date: string, exceptId: string | null = null): number {
  return recordsOf(records, "service_hours")
    .filter((entry) => entry.data.planId === planId && entry.data.date === date && entry.id !== exceptId)
    .reduce((sum, entry) => sum + entry.data.hours, 0);
}

/** A plan's hours log, newest day first. */
export function hoursLog(records: CaseRecord[], planId: string): RecordOf<"service_hours">[] {
  return recordsOf(records, "service_hours")
    .filter((entry) => entry.data.planId === planId)
    .sort((a, b) => b.data.date.localeCompare(a.data.date) || b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

/** A plan's compliance reports, the latest period first. */
export function reportsOf(records: CaseRecord[], planId: string): RecordOf<"compliance_report">[] {
  return recordsOf(records, "compliance_report")
    .filter((report) => report.data.planId === planId)
    .sort((a, b) => b.data.periodEnd.localeCompare(a.data.periodEnd) || b.id.localeCompare(a.id));
}

/**
 * The period a new report most likely covers: from the day after the last report (or the
 * plan's start) to today.
 */
export function nextReportPeriod(records: CaseRecord[], planId: string, startOn: string, today: string): { start: string; end: string } {
  const last = reportsOf(records, planId)[0];
  const start = last ? (addDays(last.data.periodEnd, 1) ?? startOn) : startOn;
  return { start: start > today ? today : start, end: today };
}

// ---- Proceedings ------------------------------------------------------------------------------

/** A proceeding's legal status over time, the current one (latest `since`) first. */
export function statusTimeline(records: CaseRecord[], proceedingId: string): RecordOf<"legal_status">[] {
  return recordsOf(records, "legal_status")
    .filter((change) => change.data.proceedingId === proceedingId)
    .sort((a, b) => b.data.since.localeCompare(a.data.since) || b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

/** Proceedings in the order they were recorded, the latest first. */
export function proceedingsOf(records: CaseRecord[]): RecordOf<"proceeding">[] {
  return recordsOf(records, "proceeding").sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

/** Prison stays, the latest entry first. */
export function prisonStaysOf(records: CaseRecord[]): RecordOf<"prison_stay">[] {
  return recordsOf(records, "prison_stay").sort(
    (a, b) => b.data.enteredOn.localeCompare(a.data.enteredOn) || b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
  );
}

// ---- Applications -----------------------------------------------------------------------------

/** The country's application type with the Law 2292 eligibility guide, if it has one. */
export function law2292Type(catalog: CountryCatalog): LegalApplicationType | null {
  return catalog.legalApplicationTypes.find((type) => type.guide?.law === "law_2292") ?? null;
}

export function applicationType(catalog: CountryCatalog, code: string): LegalApplicationType | null {
  return catalog.legalApplicationTypes.find((type) => type.code === code) ?? null;
}

/** Applications in the order they were recorded, the latest first. */
export function applicationsOf(records: CaseRecord[]): RecordOf<"legal_application">[] {
  return recordsOf(records, "legal_application").sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}

/** One of her document records that an application can cite. */
export interface EvidenceOption {
  recordId: string;
  documentType: string;
  /** The catalog's name, or the code when the catalog no longer lists it. */
  name: string;
  /** null for her own document, else the dependant's record id. */
  dependantId: string | null;
  /** The dependant's alias; null for her own document. */
  alias: string | null;
  /** `self`, or `dependant-<n>` in the order of the dependants list (as in Documentos). */
  holderKey: string;
  status: DocumentStatus;
  /** The application type usually asks for this document. */
  suggested: boolean;
  /** She has it (or it does not apply). */
  settled: boolean;
}

/**
 * Her document records (hers and her dependants'), the ones the application type suggests
 * first, each named from the catalog.
 */
export function evidenceOptions(catalog: CountryCatalog, records: CaseRecord[], suggestedCodes: readonly string[] = []): EvidenceOption[] {
  const dependants = recordsOf(records, "dependant");
  const options = recordsOf(records, "document").map((record): EvidenceOption => {
    const dependantId = record.data.dependantId ?? null;
    const index = dependantId === null ? -1 : dependants.findIndex((dependant) => dependant.id === dependantId);
    return {
      recordId: record.id,
      documentType: record.data.documentType,
      name: catalog.documents.find((document) => document.code === record.data.documentType)?.name ?? record.data.documentType,
      dependantId,
      alias: index >= 0 ? dependants[index].data.alias : null,
      holderKey: dependantId === null ? "self" : `dependant-${index + 1}`,
      status: record.data.status,
      suggested: suggestedCodes.includes(record.data.documentType),
      settled: SETTLED_STATUSES.includes(record.data.status),
    };
  });
  const order = (code: string) => {
    const at = catalog.documents.findIndex((document) => document.code === code);
    return at < 0 ? catalog.documents.length : at;
  };
  return options.sort(
    (a, b) =>
      Number(b.suggested) - Number(a.suggested) ||
      Number(a.dependantId !== null) - Number(b.dependantId !== null) ||
      (a.alias ?? "").localeCompare(b.alias ?? "") ||
      order(a.documentType) - order(b.documentType),
  );
}

/** A document's name for a list: "Registro civil de nacimiento (Sofi)". */
export function documentLabel(catalog: CountryCatalog, records: CaseRecord[], documentType: string, dependantId: string | null): string {
  const name = catalog.documents.find((document) => document.code === documentType)?.name ?? documentType;
  if (dependantId === null) return name;
  const alias = recordsOf(records, "dependant").find((dependant) => dependant.id === dependantId)?.data.alias;
  return alias ? `${name} (${alias})` : name;
}
