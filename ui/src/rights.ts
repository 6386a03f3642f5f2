// A woman's rights over her data (to see it, to have it corrected, to have it erased), as the
// screens need them: her requests newest first, how long is left to answer one, the
// coordinators' list in order, and whether every laptop has confirmed an erasure. The core
// computes each deadline from the country's law; nothing here works one out. Kept free of Vue
// so it can be tested on its own.

import type { CaseRecord, CountryCatalog, ErasureEntry, RightsKind, RightsRequestEntry } from "./api";
import { newestFirst, recordsOf } from "./caseFile";
import type { RecordOf } from "./caseFile";
import { daysLate } from "./tasks";

/** Her requests, the most recently received first. */
export function requestsOf(records: CaseRecord[]): RecordOf<"rights_request">[] {
  return newestFirst(recordsOf(records, "rights_request"), (record) => record.data.receivedOn);
}

/** Whole days from `today` to the deadline: positive while there is time, negative when late. */
export function daysLeft(deadline: string, today: string): number {
  return -daysLate(deadline, today);
}

/** Where an open request stands against its deadline. */
export type DeadlineState = "late" | "today" | "soon" | "later";

/** Three days or fewer before the deadline counts as soon. */
export const SOON_DAYS = 3;

export function deadlineState(deadline: string, today: string): DeadlineState {
  const left = daysLeft(deadline, today);
  if (left < 0) return "late";
  if (left === 0) return "today";
  return left <= SOON_DAYS ? "soon" : "later";
}

/** The coordinators' list: open requests first, the nearest deadline first; then the answered
 *  ones, the most recently answered first (the core sends them so; kept here for safety). */
export function sortForList(requests: readonly RightsRequestEntry[]): RightsRequestEntry[] {
  return [...requests].sort((a, b) => {
    if (a.status !== b.status) return a.status === "open" ? -1 : 1;
    if (a.status === "open") return a.deadline.localeCompare(b.deadline) || a.id.localeCompare(b.id);
    return (b.doneOn ?? "").localeCompare(a.doneOn ?? "") || b.id.localeCompare(a.id);
  });
}

/** How many laptops have not confirmed an erasure yet. */
export function laptopsMissing(entry: Pick<ErasureEntry, "laptops">): number {
  return entry.laptops.filter((laptop) => !laptop.acknowledged).length;
}

/** The law's time for one kind of request in her country, for the form's hint. */
export function lawFor(catalog: Pick<CountryCatalog, "rightsRequests"> | null, right: RightsKind) {
  return catalog?.rightsRequests?.[right] ?? null;
}

/**
 * A short, meaningless reference to an erased woman (the end of her id), never her whole id.
 * Ids are UUIDv7, whose first characters are the time they were made: the end tells two apart.
 */
export function shortReference(id: string): string {
  return id.replace(/-/g, "").slice(-8);
}
