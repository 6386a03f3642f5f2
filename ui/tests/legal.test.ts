import { describe, expect, it } from "vitest";
import {
  addDays,
  daysBetween,
  documentLabel,
  evidenceOptions,
  hoursDueFor,
  hoursLoggedOn,
  law2292Type,
  nextReportPeriod,
  planFigures,
  projectedEnd,
  statusTimeline,
} from "../src/legal";
import type { CaseRecord, CountryCatalog, RecordData } from "../src/api";
import { CO_RIGHTS } from "./helpers";

const CATALOG: CountryCatalog = {
  ...CO_RIGHTS,
  country: "CO",
  regionLabel: "department",
  regions: ["Antioquia"],
  documents: [
    { code: "cedula", name: "Cédula de ciudadanía", issuer: "Registraduría", holders: ["self"], required: true },
    { code: "registro_civil", name: "Registro civil de nacimiento", issuer: "Registraduría", holders: ["self", "dependant"], required: true },
    { code: "declaracion_jefatura", name: "Declaración notarial de mujer cabeza de familia", issuer: "Notaría", holders: ["self"], required: false },
    { code: "antecedentes", name: "Certificado de antecedentes judiciales", issuer: "Policía", holders: ["self"], required: false },
  ],
  legalApplicationTypes: [
    { code: "co_domiciliaria", name: "Prisión domiciliaria", silenceMeansDenial: false, evidence: ["registro_civil"] },
    {
      code: "co_ley_2292",
      name: "Servicio de utilidad pública (Ley 2292 de 2023)",
      silenceMeansDenial: false,
      evidence: ["declaracion_jefatura", "registro_civil", "antecedentes"],
      guide: { law: "law_2292", maxSentenceMonths: 96, offenceCategories: ["drugs"] },
    },
  ],
};

let sequence = 0;
function record(data: RecordData, id = `r${++sequence}`, createdAt = "2026-01-01T00:00:00Z"): CaseRecord {
  return { id, participantId: "p1", data, createdAt, createdBy: "ana", masked: false };
}

describe("Law 2292 hours due", () => {
  it("are 5 per week of sentence, rounded up to a whole hour, as the core computes them", () => {
    // The law's own example: 48 months → 208 weeks → 1,040 hours.
    expect(hoursDueFor(48)).toBe(1040);
    // 13 months = 56.33 weeks → 281.7 → 282 hours.
    expect(hoursDueFor(13)).toBe(282);
    expect(hoursDueFor(12)).toBe(260);
    expect(hoursDueFor(1)).toBe(22);
    expect(hoursDueFor(7)).toBe(152);
  });

  it("need a whole number of months between 1 and 600", () => {
    expect(hoursDueFor(0)).toBeNull();
    expect(hoursDueFor(601)).toBeNull();
    expect(hoursDueFor(2.5)).toBeNull();
  });
});

describe("the projected end of a plan", () => {
  it("is the start plus the weeks the hours need at the agreed rate, less a day", () => {
    // 1,040 hours at 20 a week: 52 weeks from Monday 5 January 2026 ends Sunday 3 January 2027.
    expect(projectedEnd("2026-01-05", 1040, 20)).toBe("2027-01-03");
    expect(projectedEnd("2026-01-05", 1040, 5)).toBe("2029-12-30");
    // A partial last week still counts: 282 hours at 20 a week is 15 weeks.
    expect(projectedEnd("2026-03-02", 282, 20)).toBe("2026-06-14");
  });

  it("is not worked out for a rate outside 5–20 hours a week or a bad date", () => {
    expect(projectedEnd("2026-01-05", 1040, 25)).toBeNull();
    expect(projectedEnd("2026-01-05", 1040, 4)).toBeNull();
    expect(projectedEnd("2026-02-30", 1040, 20)).toBeNull();
  });
});

describe("the plan form's live figures", () => {
  it("follow the months, the hours typed and the rate", () => {
    const figures = planFigures({ sentenceMonths: "48", hoursDue: "", hoursPerWeek: "20", startOn: "2026-01-05" });
    expect(figures).toMatchObject({ months: 48, computed: 1040, due: 1040, overridden: false, rate: 20, rateAllowed: true, end: "2027-01-03" });
  });

  it("take changed hours due as an override", () => {
    const figures = planFigures({ sentenceMonths: "48", hoursDue: "1000", hoursPerWeek: "20", startOn: "2026-01-05" });
    expect(figures.overridden).toBe(true);
    expect(figures.due).toBe(1000);
    // 1,000 hours at 20 a week: 50 weeks.
    expect(figures.end).toBe("2026-12-20");
  });

  it("give no end date for a rate the law does not allow", () => {
    const figures = planFigures({ sentenceMonths: "48", hoursDue: "1040", hoursPerWeek: "25", startOn: "2026-01-05" });
    expect(figures.rateAllowed).toBe(false);
    expect(figures.end).toBeNull();
    expect(planFigures({ sentenceMonths: "cuatro", hoursDue: "", hoursPerWeek: "20", startOn: null }).computed).toBeNull();
  });
});

describe("calendar days", () => {
  it("are added and counted without time zones", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daysBetween("2026-07-01", "2026-07-10")).toBe(9);
    expect(daysBetween("2026-07-10", "2026-07-01")).toBe(-9);
    expect(addDays("not a date", 1)).toBeNull();
  });
});

describe("the hours log", () => {
  it("adds up a day's hours, leaving out the entry being edited", () => {
    const records = [
      record({ kind: "service_hours", planId: "plan", date: "2026-02-02", hours: 4, activity: "Biblioteca" }, "h1"),
      record({ kind: "service_hours", planId: "plan", date: "2026-02-02", hours: 3, activity: "Biblioteca" }, "h2"),
      record({ kind: "service_hours", planId: "other", date: "2026-02-02", hours: 8, activity: "Huerta" }, "h3"),
    ];
    expect(hoursLoggedOn(records, "plan", "2026-02-02")).toBe(7);
    expect(hoursLoggedOn(records, "plan", "2026-02-02", "h2")).toBe(4);
    expect(hoursLoggedOn(records, "plan", "2026-02-03")).toBe(0);
  });

  it("suggests the next report's period from the day after the last one", () => {
    const records = [record({ kind: "compliance_report", planId: "plan", periodStart: "2026-01-05", periodEnd: "2026-01-31" })];
    expect(nextReportPeriod(records, "plan", "2026-01-05", "2026-02-28")).toEqual({ start: "2026-02-01", end: "2026-02-28" });
    expect(nextReportPeriod([], "plan", "2026-01-05", "2026-02-28")).toEqual({ start: "2026-01-05", end: "2026-02-28" });
  });
});

describe("a proceeding's legal status", () => {
  it("lists the current status first", () => {
    const records = [
      record({ kind: "legal_status", proceedingId: "pr1", status: "pretrial_detention", since: "2023-02-01" }),
      record({ kind: "legal_status", proceedingId: "pr1", status: "sentenced", since: "2024-05-10" }),
      record({ kind: "legal_status", proceedingId: "pr2", status: "investigation", since: "2025-01-01" }),
    ];
    expect(statusTimeline(records, "pr1").map((change) => change.data.status)).toEqual(["sentenced", "pretrial_detention"]);
  });
});

describe("evidence for an application", () => {
  const records = [
    record({ kind: "dependant", alias: "Sofi", relationship: "daughter", carer: "grandmother", custody: "relative" }, "dep1"),
    record({ kind: "document", documentType: "cedula", status: "has" }, "doc-cedula"),
    record({ kind: "document", documentType: "antecedentes", status: "in_process" }, "doc-antecedentes"),
    record({ kind: "document", documentType: "registro_civil", dependantId: "dep1", status: "has" }, "doc-rc-sofi"),
  ];

  it("offers her document records, the ones the type suggests first, named from the catalog", () => {
    const options = evidenceOptions(CATALOG, records, law2292Type(CATALOG)?.evidence ?? []);
    expect(options.map((option) => [option.recordId, option.holderKey, option.suggested])).toEqual([
      ["doc-antecedentes", "self", true],
      ["doc-rc-sofi", "dependant-1", true],
      ["doc-cedula", "self", false],
    ]);
    expect(options[1]).toMatchObject({ name: "Registro civil de nacimiento", alias: "Sofi", settled: true });
    expect(options[0].settled).toBe(false);
  });

  it("names a dependant's document with the dependant's alias", () => {
    expect(documentLabel(CATALOG, records, "registro_civil", "dep1")).toBe("Registro civil de nacimiento (Sofi)");
    expect(documentLabel(CATALOG, records, "cedula", null)).toBe("Cédula de ciudadanía");
  });

  it("finds the type with the Law 2292 guide", () => {
    expect(law2292Type(CATALOG)?.code).toBe("co_ley_2292");
    expect(law2292Type({ ...CATALOG, legalApplicationTypes: CATALOG.legalApplicationTypes.slice(0, 1) })).toBeNull();
  });
});
