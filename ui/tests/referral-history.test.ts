import { describe, expect, it } from "vitest";
import { describeHistoryEntry } from "../src/caseFile";
import type { HistoryWords } from "../src/caseFile";
import type { HistoryEntry } from "../src/api";

const MESSAGES: Record<string, string> = {
  "history.field.category": "Para qué",
  "history.field.referredOn": "Fecha de la derivación",
  "history.field.sharesData": "Comparte sus datos",
  "history.field.status": "Estado",
  "history.field.title": "Tarea",
  "history.field.dueOn": "Vence",
  "history.field.done": "Hecha",
  "history.field.doneOn": "Hecha el",
  "enum.NeedCategory.housing": "Vivienda",
  "referrals.statusValue.no_show": "No asistió",
  "enum.DocumentStatus.needed": "Lo necesita",
};
const WORDS: HistoryWords = {
  translate: (key) => MESSAGES[key] ?? null,
  date: (iso) => `[${iso}]`,
  yes: "Sí",
  no: "No",
  hidden: "(reservado)",
  staffName: () => null,
  documentName: () => null,
};

function entry(recordType: string, value: unknown): HistoryEntry {
  return { opId: "o1", at: "2026-11-29T10:00:00Z", author: "Marta", recordType, recordId: "r1", field: "", kind: "create", value: JSON.stringify(value), masked: false };
}

describe("a referral and a task in her history", () => {
  it("reads a referral in words, leaving out the ids it points at", () => {
    const changes = describeHistoryEntry(
      entry("referral", { category: "housing", organizationId: "org-1", serviceId: "svc-1", referredOn: "2026-11-29", sharesData: true, consentId: "c1", status: "no_show" }),
      WORDS,
    );
    expect(changes.map((change) => `${change.label}: ${change.value}`)).toEqual([
      "Para qué: Vivienda",
      "Fecha de la derivación: [2026-11-29]",
      "Comparte sus datos: Sí",
      "Estado: No asistió",
    ]);
  });

  it("reads a completed task without its generated key", () => {
    const changes = describeHistoryEntry(
      entry("task", { title: "follow_up: day90", dueOn: "2026-11-20", generatedKey: "follow_up/2026-08-22/day90", done: true, doneOn: "2026-11-29" }),
      WORDS,
    );
    expect(changes.map((change) => change.label)).toEqual(["Tarea", "Vence", "Hecha", "Hecha el"]);
  });
});
