// Anonymized summaries as the Resúmenes screen needs them: quarters (`2026Q3`) and the default
// one, the request the form sends, the translation keys of indicators, dimensions and their
// categories, and a table's cells read for the screen and the chart. The core protects every
// figure before it leaves it (hidden counts come as `count: null` and `display: "<5"`); nothing
// here works out or changes a figure. Kept free of Vue so it can be tested on its own.

import type { Audience, Breakdown, SummaryCell, SummaryRequest, SummaryTable } from "./api";

// ---- Quarters -----------------------------------------------------------------------------------

export interface Quarter {
  year: number;
  /** 1 to 4. */
  quarter: number;
}

/** `2026Q3` as the core writes it. */
export function quarterCode(quarter: Quarter): string {
  return `${quarter.year}Q${quarter.quarter}`;
}

export function parseQuarter(code: string): Quarter | null {
  const match = /^(\d{4})[Qq]([1-4])$/.exec(code.trim());
  return match ? { year: Number(match[1]), quarter: Number(match[2]) } : null;
}

/** The quarter a day falls in. */
export function quarterOf(day: Date): Quarter {
  return { year: day.getFullYear(), quarter: Math.floor(day.getMonth() / 3) + 1 };
}

/** A running number of quarters, to compare and count them. */
export function quarterIndex(quarter: Quarter): number {
  return quarter.year * 4 + (quarter.quarter - 1);
}

/** The last quarter that has ended on `today` (the one before today's): the form's default. */
export function lastEndedQuarter(today: Date = new Date()): Quarter {
  const current = quarterOf(today);
  return current.quarter === 1 ? { year: current.year - 1, quarter: 4 } : { year: current.year, quarter: current.quarter - 1 };
}

/** How many quarters from `from` to `to`, both counted (0 or less when `to` comes first). */
export function quartersBetween(from: Quarter, to: Quarter): number {
  return quarterIndex(to) - quarterIndex(from) + 1;
}

/** The core's limit: a summary covers at most 20 quarters (five years). */
export const MAX_QUARTERS = 20;

/** Whether the quarter has begun on `today` (quarters still to come are not offered). */
export function quarterStarted(quarter: Quarter, today: Date = new Date()): boolean {
  return quarterIndex(quarter) <= quarterIndex(quarterOf(today));
}

/** The first and last month of a quarter, 0 to 11. */
export function quarterMonths(quarter: number): [number, number] {
  return [(quarter - 1) * 3, (quarter - 1) * 3 + 2];
}

// ---- The request ----------------------------------------------------------------------------------

/** What the form holds. */
export interface SummaryForm {
  from: Quarter;
  /** Several quarters: up to `to`. */
  range: boolean;
  to: Quarter;
  audience: Audience;
  /** None: every indicator. */
  indicators: string[];
  by: Breakdown | null;
}

export function defaultForm(today: Date = new Date()): SummaryForm {
  const last = lastEndedQuarter(today);
  return { from: { ...last }, range: false, to: { ...last }, audience: "internal", indicators: [], by: null };
}

/** What is wrong with the period, as an i18n key, or null. */
export function periodProblem(form: SummaryForm): string | null {
  if (!form.range) return null;
  const count = quartersBetween(form.from, form.to);
  if (count < 1) return "summaries.toBeforeFrom";
  if (count > MAX_QUARTERS) return "summaries.tooLong";
  return null;
}

/** The request the form sends (the threshold is the audience's default). */
export function requestOf(form: SummaryForm): SummaryRequest {
  const to = form.range && quarterIndex(form.to) !== quarterIndex(form.from) ? quarterCode(form.to) : null;
  return {
    period: quarterCode(form.from),
    to,
    audience: form.audience,
    indicators: [...form.indicators],
    by: form.by,
    k: null,
  };
}

// ---- Words --------------------------------------------------------------------------------------

/** Every indicator, in the order summaries show them, each named under
 *  `summaries.indicator.<id>` (the list the core answers may be missing: then this one is used). */
export const SUMMARY_INDICATORS = [
  "legal_status",
  "offence",
  "head_of_household",
  "children_by_carer",
  "children_by_age",
  "children_in_prison",
  "income_band",
  "housing_tenure",
  "socioeconomic_group",
  "gender_identity",
  "ethnicity",
  "nationality",
  "applications_filed",
  "applications_decided",
  "refusal_reason",
  "days_to_decision",
  "service_hours",
  "service_plans",
  "outcome_identity",
  "outcome_health",
  "outcome_housing",
  "outcome_income",
  "outcome_children",
  "referrals",
  "prison_visits",
] as const;

/** Every dimension a table may have (its own categories, then a breakdown), each named under
 *  `summaries.dimension.<name>` (the department by the country's own word for its regions). */
export const SUMMARY_DIMENSIONS = [
  "legal_status",
  "offence",
  "head_of_household",
  "carer",
  "child_age_band",
  "in_prison_with_her",
  "income_band",
  "housing_tenure",
  "socioeconomic_group",
  "gender_identity",
  "ethnicity",
  "nationality",
  "application_type",
  "decision",
  "refusal_reason",
  "days_band",
  "hours_band",
  "plan_progress",
  "result",
  "days_after_release",
  "referral_result",
  "need_category",
  "department",
  "quarter",
  "age_band",
  "sentence_band",
] as const;

/** The breakdowns the form offers, in its order. */
export const BREAKDOWNS: readonly Breakdown[] = ["department", "quarter", "age_band", "sentence_band"];

/** Categories said in words only here, under `summaries.category.<dimension>.<value>`. */
export const SUMMARY_CATEGORY_KEYS = [
  "head_of_household.accredited",
  "head_of_household.self_declared",
  "head_of_household.not_head",
  "child_age_band.0_5",
  "child_age_band.6_11",
  "child_age_band.12_17",
  "child_age_band.18_plus",
  "days_band.0_30",
  "days_band.31_90",
  "days_band.91_180",
  "days_band.181_365",
  "days_band.over_365",
  "hours_band.1_20",
  "hours_band.21_50",
  "hours_band.51_100",
  "hours_band.over_100",
  "plan_progress.completed",
  "plan_progress.on_track",
  "plan_progress.behind",
  "days_after_release.30",
  "days_after_release.90",
  "days_after_release.180",
  "days_after_release.365",
  "referral_result.completed",
  "referral_result.not_completed",
  "age_band.under_18",
  "age_band.18_24",
  "age_band.25_34",
  "age_band.35_44",
  "age_band.45_59",
  "age_band.60_plus",
  "sentence_band.under_1y",
  "sentence_band.1_4y",
  "sentence_band.4_8y",
  "sentence_band.8y_plus",
] as const;

/** Dimensions whose categories the case file already says in words: the list they are under. */
export const CATEGORY_LISTS: Readonly<Record<string, string>> = {
  legal_status: "legal.status",
  offence: "legal.offence",
  carer: "enum.Carer",
  income_band: "enum.IncomeBand",
  housing_tenure: "enum.HousingTenure",
  refusal_reason: "legal.refusal",
  need_category: "enum.NeedCategory",
  decision: "legal.applicationStatus",
};

/** Dimensions answered yes or no. */
export const YES_NO_DIMENSIONS: readonly string[] = ["in_prison_with_her", "result"];

/** A margin: every category of its dimension. */
export const TOTAL = "total";
/** Not recorded in her file. */
export const UNKNOWN = "unknown";

// ---- Tables -------------------------------------------------------------------------------------

/** A total row or column: some dimension is its margin. */
export function isTotalCell(cell: SummaryCell): boolean {
  return Object.values(cell.labels).some((label) => label === TOTAL);
}

/** Hidden to protect the women: shown only as its display ("<5"). */
export function isHiddenCell(cell: SummaryCell): boolean {
  return cell.count === null;
}

/** Nothing counted in the period: every cell is 0 (a hidden cell is not nothing). */
export function isEmptyTable(table: SummaryTable): boolean {
  return table.cells.every((cell) => cell.count === 0);
}

export interface ChartSeries {
  /** The second dimension's category (the unit for a one-way table). */
  key: string | null;
  values: (number | null)[];
}

/** What a table's bar chart draws: the cells shown and not totals, by the first dimension's
 *  categories (one bar for a table with no dimension), one series per category of the second
 *  dimension. Hidden cells are left out, never drawn as 0. */
export interface ChartData {
  /** Raw category codes of the first dimension (null: the table's single count). */
  categories: (string | null)[];
  series: ChartSeries[];
}

export function chartDataOf(table: SummaryTable): ChartData {
  const [first, second] = table.breakdowns;
  const drawn = table.cells.filter((cell) => !isTotalCell(cell) && !isHiddenCell(cell));
  if (first === undefined) {
    const cell = drawn[0];
    return cell ? { categories: [null], series: [{ key: null, values: [cell.count] }] } : { categories: [], series: [] };
  }
  const categories: string[] = [];
  for (const cell of drawn) {
    const label = cell.labels[first] ?? UNKNOWN;
    if (!categories.includes(label)) categories.push(label);
  }
  if (second === undefined) {
    const values = categories.map((category) => drawn.find((cell) => cell.labels[first] === category)?.count ?? null);
    return { categories, series: [{ key: null, values }] };
  }
  const keys: string[] = [];
  for (const cell of drawn) {
    const label = cell.labels[second] ?? UNKNOWN;
    if (!keys.includes(label)) keys.push(label);
  }
  const series = keys.map((key) => ({
    key,
    values: categories.map(
      (category) => drawn.find((cell) => cell.labels[first] === category && cell.labels[second] === key)?.count ?? null,
    ),
  }));
  return { categories, series };
}
