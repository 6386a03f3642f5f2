import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { answeredInHerFile, daysLate, describeTask, hiddenCount, isEmptyDay, monthName } from "../src/tasks";
import type { TaskWords } from "../src/tasks";
import type { DueTask, TaskGroup, Today } from "../src/api";

// Read as text: the build compiles imported locale files into message functions.
const es: unknown = JSON.parse(readFileSync(resolve(__dirname, "../src/locales/es.json"), "utf8"));

/** The Spanish catalog, looked up the way vue-i18n does for these plain messages. */
function spanish(key: string, values: Record<string, string> = {}): string {
  const message = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], es);
  if (typeof message !== "string") throw new Error(`no message ${key}`);
  return message.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

const CATALOG = {
  documents: [{ code: "cedula", name: "Cédula de ciudadanía", issuer: "Registraduría", holders: ["self" as const], required: true }],
  legalApplicationTypes: [
    { code: "mx_amnistia_federal", name: "Amnistía federal", deadlineMonths: 4, silenceMeansDenial: true, evidence: [] },
  ],
};

function words(): TaskWords {
  return { translate: spanish, locale: "es-CO", catalog: CATALOG };
}

describe("task wording", () => {
  it("words a follow-up after release by its phase", () => {
    expect(describeTask({ kind: "follow_up", detail: "day90" }, words())).toBe("Seguimiento a los 90 días de la salida");
    expect(describeTask({ kind: "follow_up", detail: "day365" }, words())).toBe("Seguimiento al año de la salida");
    expect(describeTask({ kind: "follow_up", detail: "day7" }, words())).toBe("Seguimiento después de la salida");
  });

  it("names the legal application type and the document from the catalog", () => {
    expect(describeTask({ kind: "legal_deadline", detail: "mx_amnistia_federal" }, words())).toBe(
      "Vence el plazo legal: Amnistía federal",
    );
    expect(describeTask({ kind: "document_expiry", detail: "cedula" }, words())).toBe(
      "Renovar Cédula de ciudadanía (vence pronto)",
    );
    // A code the catalog does not know still says something.
    expect(describeTask({ kind: "document_expiry", detail: "pasaporte" }, words())).toBe("Renovar pasaporte (vence pronto)");
  });

  it("names the month of an hours report in the person's language", () => {
    expect(describeTask({ kind: "hours_report", detail: "2026-11" }, words())).toBe(
      "Informe de horas de servicio de noviembre de 2026",
    );
    expect(monthName("2026-02", "en")).toBe("February 2026");
    expect(monthName("soon", "es")).toBe("soon");
  });

  it("words the legal deadline of her request about her data by the right she asked for", () => {
    expect(describeTask({ kind: "rights_deadline", detail: "access" }, words())).toBe(
      "Plazo legal: responder su solicitud de acceso a sus datos",
    );
    expect(describeTask({ kind: "rights_deadline", detail: "correction" }, words())).toBe(
      "Plazo legal: responder su solicitud de corrección de sus datos",
    );
    expect(describeTask({ kind: "rights_deadline", detail: "erasure" }, words())).toBe(
      "Plazo legal: responder su solicitud de borrado de sus datos",
    );
    expect(describeTask({ kind: "rights_deadline", detail: null }, words())).toBe("Plazo legal: responder su solicitud sobre sus datos");
    expect(answeredInHerFile({ kind: "rights_deadline" })).toBe(true);
    expect(answeredInHerFile({ kind: "manual" })).toBe(false);
  });

  it("names the organization of a referral follow-up when the core knows it", () => {
    expect(describeTask({ kind: "referral_follow_up", detail: "org-1", organizationName: "Casa Refugio" }, words())).toBe(
      "Seguimiento de la derivación a Casa Refugio",
    );
    expect(describeTask({ kind: "referral_follow_up", detail: "org-2", organizationName: null }, words())).toBe(
      "Seguimiento de derivación",
    );
  });

  it("shows a task added by hand by its own title", () => {
    expect(describeTask({ kind: "manual", detail: "Llamar a la EPS" }, words())).toBe("Llamar a la EPS");
    expect(describeTask({ kind: "manual", detail: null }, words())).toBe("Tarea sin título");
  });
});

describe("Hoy's arithmetic", () => {
  it("counts whole days late on the calendar, across a change of month and of clock", () => {
    expect(daysLate("2026-11-26", "2026-11-29")).toBe(3);
    expect(daysLate("2026-03-28", "2026-04-02")).toBe(5);
    expect(daysLate("2026-11-29", "2026-11-29")).toBe(0);
    expect(daysLate("2026-12-01", "2026-11-29")).toBe(-2);
  });

  it("says how many tasks a group leaves out, and when a day is empty", () => {
    const task = { key: "k" } as DueTask;
    const group = (total: number, listed: number): TaskGroup => ({ items: Array(listed).fill(task), total, capped: false });
    expect(hiddenCount(group(370, 30))).toBe(340);
    expect(hiddenCount(group(2, 2))).toBe(0);
    const day = (overdue: number, today: number, week: number): Today => ({
      today: "2026-11-29",
      overdue: group(overdue, 0),
      dueToday: group(today, 0),
      thisWeek: group(week, 0),
    });
    expect(isEmptyDay(day(0, 0, 0))).toBe(true);
    expect(isEmptyDay(day(0, 0, 1))).toBe(false);
  });
});
