// What "Hoy" and a file's Tareas tab compute from the core's tasks: one sentence per task in the
// person's language, and how late an overdue one is. Kept free of Vue so it can be tested alone.

import { dateTimeFormat } from "./intl";
import type { CountryCatalog, FileTask, TaskGroup, Today } from "./api";
import { RIGHTS_KINDS, fromIsoDate } from "./caseFile";

/** What the wording needs from the screen: translations and names in the current locale. */
export interface TaskWords {
  /** The translation of an i18n key with its {placeholders} filled in. */
  translate: (key: string, values?: Record<string, string>) => string;
  /** The language for Intl (month names). */
  locale: string;
  catalog: Pick<CountryCatalog, "documents" | "legalApplicationTypes"> | null;
}

/** What a task's sentence is made from. */
export type TaskWording = Pick<FileTask, "kind" | "detail"> & Partial<Pick<FileTask, "organizationName">>;

/** Follow-up phases as the core writes them in a task's detail. */
const FOLLOW_UP_PHASES = ["day30", "day90", "day180", "day365"] as const;

/** "2026-11" → "noviembre de 2026" (in the given language); anything else as it is. */
export function monthName(month: string, locale: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) return month;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, 1);
  return dateTimeFormat(locale, { month: "long", year: "numeric" }).format(date);
}

/** One sentence for a task, from its kind and detail. */
export function describeTask(task: TaskWording, words: TaskWords): string {
  const detail = task.detail ?? "";
  switch (task.kind) {
    case "follow_up": {
      const phase = (FOLLOW_UP_PHASES as readonly string[]).includes(detail) ? detail : null;
      return phase ? words.translate(`tasks.followUp.${phase}`) : words.translate("tasks.followUpAny");
    }
    case "legal_deadline": {
      const name = words.catalog?.legalApplicationTypes.find((type) => type.code === detail)?.name ?? detail;
      return words.translate("tasks.legalDeadline", { name });
    }
    case "document_expiry": {
      const name = words.catalog?.documents.find((document) => document.code === detail)?.name ?? detail;
      return words.translate("tasks.documentExpiry", { name });
    }
    case "hours_report":
      return words.translate("tasks.hoursReport", { month: monthName(detail, words.locale) });
    case "referral_follow_up":
      // The core names the organization; one deleted from the directory has no name.
      return task.organizationName
        ? words.translate("tasks.referralFollowUpTo", { name: task.organizationName })
        : words.translate("tasks.referralFollowUp");
    case "manual":
      return detail || words.translate("tasks.manualUntitled");
    case "rights_deadline": {
      // Her request about her data: the detail is the right she asked for.
      const right = (RIGHTS_KINDS as readonly string[]).includes(detail) ? detail : null;
      return right ? words.translate(`tasks.rightsDeadline.${right}`) : words.translate("tasks.rightsDeadlineAny");
    }
  }
}

/** Tasks that "Hecho" does not close: answering her request is done from her file's Derechos
 *  tab (the core refuses to complete them from a task list). */
export function answeredInHerFile(task: Pick<FileTask, "kind">): boolean {
  return task.kind === "rights_deadline";
}

/** Whole days from `dueOn` to `today` (positive when late), both "YYYY-MM-DD". */
export function daysLate(dueOn: string, today: string): number {
  const due = fromIsoDate(dueOn);
  const now = fromIsoDate(today);
  if (!due || !now) return 0;
  // Through UTC so that a change of daylight-saving time in between cannot shave off an hour.
  const utc = (date: Date) => Date.UTC(date.getFullYear(), date.getMonth(), date.getDate());
  return Math.round((utc(now) - utc(due)) / 86_400_000);
}

/** The three groups of "Hoy", in the order they are shown, with the test id part of each. */
export const TODAY_GROUPS = [
  { id: "overdue", field: "overdue" },
  { id: "today", field: "dueToday" },
  { id: "week", field: "thisWeek" },
] as const satisfies readonly { id: string; field: keyof Omit<Today, "today"> }[];

export type TodayGroupId = (typeof TODAY_GROUPS)[number]["id"];

/** How many tasks of a group are not listed ("y 340 más"; at least that many when capped). */
export function hiddenCount(group: TaskGroup, shown = group.items.length): number {
  return Math.max(group.total - shown, 0);
}

/** Whether there is nothing at all to do this week. */
export function isEmptyDay(today: Today): boolean {
  return TODAY_GROUPS.every(({ field }) => today[field].total === 0);
}
