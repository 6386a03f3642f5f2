import { describe, expect, it } from "vitest";
import {
  buildChecklist,
  camelField,
  dependantAge,
  describeHistoryEntry,
  formatHistoryValue,
  fromIsoDate,
  markObtained,
  newestFirst,
  openNeeds,
  toIsoDate,
} from "../src/caseFile";
import type { HistoryWords } from "../src/caseFile";
import { checkBirthYear, checkDateOrder, checkWholeNumber } from "../src/forms";
import type { CaseRecord, CountryCatalog, HistoryEntry, RecordData } from "../src/api";
import { CO_RIGHTS } from "./helpers";
import { readFileSync } from "node:fs";

// Read as plain JSON: imported, the catalogs arrive precompiled into message functions.
const es: unknown = JSON.parse(readFileSync("src/locales/es.json", "utf8"));

const CATALOG: CountryCatalog = {
  ...CO_RIGHTS,
  country: "CO",
  regionLabel: "department",
  regions: ["Antioquia", "Bogotá D.C."],
  legalApplicationTypes: [],
  documents: [
    { code: "cedula", name: "Cédula de ciudadanía", issuer: "Registraduría", holders: ["self"], required: true },
    { code: "registro_civil", name: "Registro civil de nacimiento", issuer: "Registraduría", holders: ["self", "dependant"], required: true },
    { code: "bank_account", name: "Cuenta bancaria", issuer: "Banco", holders: ["self"], required: false },
    { code: "tarjeta_identidad", name: "Tarjeta de identidad", issuer: "Registraduría", holders: ["dependant"], required: false },
  ],
};

function record(id: string, data: RecordData): CaseRecord {
  return { id, participantId: "p1", data, createdAt: "2025-05-01T10:00:00Z", createdBy: "ana", masked: false };
}

describe("document checklist", () => {
  const records = [
    record("d1", { kind: "dependant", alias: "Sofi", relationship: "daughter", carer: "grandmother", custody: "relative", age: 7 }),
    record("doc1", { kind: "document", documentType: "cedula", dependantId: null, status: "has", obtainedOn: "2025-04-02" }),
    record("doc2", { kind: "document", documentType: "registro_civil", dependantId: "d1", status: "in_process" }),
    record("doc3", { kind: "document", documentType: "registro_civil", dependantId: null, status: "not_applicable" }),
  ];

  it("lists her documents and each dependant's, only those whose holders include that person", () => {
    const groups = buildChecklist(CATALOG, records);
    expect(groups.map((g) => g.alias)).toEqual([null, "Sofi"]);
    expect(groups[0].rows.map((r) => r.document.code)).toEqual(["cedula", "registro_civil", "bank_account"]);
    expect(groups[1].rows.map((r) => r.document.code)).toEqual(["registro_civil", "tarjeta_identidad"]);
  });

  it("joins each row with the record of that person and counts required, unsettled ones as pending", () => {
    const [hers, sofi] = buildChecklist(CATALOG, records);
    expect(hers.rows[0].status).toBe("has");
    expect(hers.rows[1].record?.id).toBe("doc3");
    expect(hers.pending).toBe(0); // cédula has, registro not applicable, bank account not required
    expect(sofi.rows[0].record?.id).toBe("doc2");
    expect(sofi.rows[0].pending).toBe(true);
    expect(sofi.rows[1].pending).toBe(false);
    expect(sofi.pending).toBe(1);
  });

  it("counts a required document with no record as pending", () => {
    const [hers] = buildChecklist(CATALOG, []);
    expect(hers.pending).toBe(2);
    expect(hers.rows[0].status).toBeNull();
  });

  it("marks a document obtained today, keeping what was known", () => {
    expect(markObtained("cedula", null, null, "2025-06-01")).toEqual({
      kind: "document",
      documentType: "cedula",
      dependantId: null,
      status: "has",
      obtainedOn: "2025-06-01",
    });
    const kept = markObtained("cedula", null, { documentType: "cedula", status: "in_process", requestedOn: "2025-05-01", cost: 50000 }, "2025-06-01");
    expect(kept).toMatchObject({ status: "has", requestedOn: "2025-05-01", cost: 50000, obtainedOn: "2025-06-01" });
  });
});

describe("record order", () => {
  it("keeps records made in the same second in the order they were made, newest first", () => {
    const note = (id: string, date: string): CaseRecord =>
      record(id, { kind: "note", date, text: id, sensitive: false, contactId: null });
    // Same date and same creation second: the later UUIDv7 comes first.
    const older = note("0190a000-0000-7000-8000-000000000001", "2025-05-01");
    const newer = note("0190a000-0000-7000-8000-000000000002", "2025-05-01");
    const earlierDay = note("0190a000-0000-7000-8000-000000000003", "2025-04-30");
    const ids = (list: CaseRecord[]) => list.map((r) => r.id);
    const byDate = (r: CaseRecord) => (r.data.kind === "note" ? r.data.date : "");
    expect(ids(newestFirst([older, newer, earlierDay], byDate))).toEqual([newer.id, older.id, earlierDay.id]);
    expect(ids(newestFirst([earlierDay, newer, older], byDate))).toEqual([newer.id, older.id, earlierDay.id]);
  });
});

describe("dates and small checks", () => {
  it("turns calendar dates into YYYY-MM-DD and back without shifting through UTC", () => {
    expect(toIsoDate(new Date(2025, 0, 5))).toBe("2025-01-05");
    expect(fromIsoDate("2025-12-31")?.getDate()).toBe(31);
    expect(fromIsoDate("31/12/2025")).toBeNull();
  });

  it("works out a dependant's age from the birth date, or takes the age recorded", () => {
    const today = new Date(2025, 5, 10);
    expect(dependantAge({ alias: "a", relationship: "son", carer: "father", custody: "hers", birthDate: "2018-06-11" }, today)).toBe(6);
    expect(dependantAge({ alias: "a", relationship: "son", carer: "father", custody: "hers", birthDate: "2018-06-10" }, today)).toBe(7);
    expect(dependantAge({ alias: "a", relationship: "son", carer: "father", custody: "hers", age: 4 }, today)).toBe(4);
  });

  it("counts open needs", () => {
    expect(openNeeds({ housing: "need", legal: "in_progress", health: "resolved", transport: "no_need" })).toBe(2);
  });

  it("checks years, whole numbers and date order", () => {
    const now = new Date(2025, 0, 1);
    expect(checkBirthYear("", now)).toBeNull();
    expect(checkBirthYear("1985", now)).toBeNull();
    expect(checkBirthYear("85", now)).toBe("validation.year");
    expect(checkBirthYear("2030", now)).toBe("validation.year");
    expect(checkWholeNumber("3", 1, 30)).toBeNull();
    expect(checkWholeNumber("0", 1, 30)).toBe("validation.number_range");
    expect(checkWholeNumber("tres", 1, 30)).toBe("validation.number");
    expect(checkDateOrder("2025-02-01", "2025-01-01")).toBe("validation.date_order");
    expect(checkDateOrder("2025-02-01", null)).toBeNull();
  });
});

describe("history", () => {
  const lookup = (key: string): string | null => {
    const value = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], es);
    return typeof value === "string" ? value : null;
  };
  const words: HistoryWords = {
    translate: lookup,
    date: (iso) => `«${iso}»`,
    yes: "Sí",
    no: "No",
    hidden: "(reservado)",
    staffName: (u) => (u === "marta" ? "Marta Gómez" : null),
    documentName: (code) => CATALOG.documents.find((d) => d.code === code)?.name ?? null,
  };
  const entry = (over: Partial<HistoryEntry>): HistoryEntry => ({
    opId: "o1",
    at: "2025-06-01T12:00:00Z",
    author: "Marta Gómez",
    recordType: "document",
    recordId: "r1",
    field: "",
    kind: "create",
    value: null,
    masked: false,
    ...over,
  });

  it("turns snake_case fields of her details into the camelCase the translations use", () => {
    expect(camelField("legal_name")).toBe("legalName");
    expect(camelField("status")).toBe("status");
  });

  it("spells out a new record field by field, translating names, codes, dates and people", () => {
    const changes = describeHistoryEntry(
      entry({
        value: JSON.stringify({ documentType: "cedula", status: "has", obtainedOn: "2025-06-01", participant_id: "p1", collectedBy: "marta" }),
      }),
      words,
    );
    expect(changes).toEqual([
      { field: "documentType", label: "Documento", value: "Cédula de ciudadanía" },
      { field: "status", label: "Estado", value: "Lo tiene" },
      { field: "obtainedOn", label: "Obtenido el", value: "«2025-06-01»" },
      { field: "collectedBy", label: "Lo recogió", value: "Marta Gómez" },
    ]);
  });

  it("shows one changed field, and yes/no for booleans", () => {
    expect(describeHistoryEntry(entry({ recordType: "consent", kind: "set", field: "readAloud", value: "true" }), words)).toEqual([
      { field: "readAloud", label: "Leído en voz alta", value: "Sí" },
    ]);
  });

  it("hides the legal name and sensitive fields unless asked", () => {
    const created = entry({ recordType: "participant", value: JSON.stringify({ case_code: "CO-1", legal_name: "María José Gómez", status: "open" }) });
    expect(describeHistoryEntry(created, words).map((c) => c.value)).toEqual(["CO-1", "(reservado)", "Abierto"]);
    expect(describeHistoryEntry(created, words, true)[1].value).toBe("María José Gómez");
  });

  it("shows a value the core held back as reserved as reserved", () => {
    const held = entry({ recordType: "participant", kind: "set", field: "legalName", value: null, masked: true });
    expect(describeHistoryEntry(held, words)).toEqual([{ field: "legalName", label: expect.any(String), value: "(reservado)" }]);
  });

  it("shows a raw field name it cannot translate, and nothing for a sensitive note", () => {
    expect(formatHistoryValue("newField", "x", words)).toBe("x");
    expect(describeHistoryEntry(entry({ kind: "set", field: "new_field", value: '"x"' }), words)[0].label).toBe("newField");
    expect(describeHistoryEntry(entry({ recordType: "note", kind: "append", value: null }), words)).toEqual([]);
  });

  it("words the legal records: their statuses and codes in plain Spanish, their links left out", () => {
    const status = entry({ recordType: "legal_status", value: JSON.stringify({ proceedingId: "p9", status: "sentenced", since: "2024-05-10" }) });
    expect(describeHistoryEntry(status, words)).toEqual([
      { field: "status", label: "Estado", value: "Condenada" },
      { field: "since", label: "Desde", value: "«2024-05-10»" },
    ]);
    const application = entry({
      recordType: "legal_application",
      kind: "set",
      value: JSON.stringify({ status: "denied", refusalReason: "no_answer_in_time", evidence: ["d1"], priorConviction: false }),
    });
    expect(describeHistoryEntry(application, words).map((change) => `${change.label}: ${change.value}`)).toEqual([
      "Estado: Negada",
      "Motivo de la negativa: Sin respuesta en el plazo",
      "Condena anterior: No",
    ]);
    expect(formatHistoryValue("offenceCategory", "drugs", words)).toBe("Drogas");
    // A document's status is still a document's.
    expect(formatHistoryValue("status", "has", words, "document")).toBe("Lo tiene");
  });

  it("words a request about her data: what she asked, its status and who answered", () => {
    const created = entry({
      recordType: "rights_request",
      value: JSON.stringify({ right: "erasure", received_on: "2026-11-03", deadline: "2026-11-25", basis: "Ley 1581 de 2012, art. 15 (reclamos)", status: "open" }),
    });
    expect(describeHistoryEntry(created, words).map((change) => `${change.label}: ${change.value}`)).toEqual([
      "Qué pidió: Borrar sus datos (borrado)",
      "Recibida el: «2026-11-03»",
      "Responder a más tardar el: «2026-11-25»",
      "Ley que fija el plazo: Ley 1581 de 2012, art. 15 (reclamos)",
      "Estado: Abierta",
    ]);
    expect(formatHistoryValue("status", "done", words, "rights_request")).toBe("Respondida");
    expect(formatHistoryValue("doneBy", "marta", words, "rights_request")).toBe("Marta Gómez");
  });

  it("names a nationality by its country when the screen can", () => {
    expect(formatHistoryValue("nationality", "VE", { ...words, countryName: (code) => (code === "VE" ? "Venezuela" : null) })).toBe("Venezuela");
    expect(formatHistoryValue("nationality", "VE", words)).toBe("VE");
  });

  it("lists a needs assessment's statuses in words", () => {
    expect(formatHistoryValue("statuses", { housing: "need", legal: "resolved" }, words)).toBe("Vivienda: Lo necesita; Asuntos legales: Resuelto");
     // On the log each need is a field of its own.
    const created = entry({ recordType: "needs", value: JSON.stringify({ phase: "day30", "statuses.housing": "need" }) });
    expect(describeHistoryEntry(created, words).find((c) => c.field === "statuses")?.value).toBe("Vivienda: Lo necesita");
    const cleared = entry({ recordType: "needs", kind: "set", field: "statuses.housing", value: "null" });
    expect(describeHistoryEntry(cleared, words)).toEqual([{ field: "statuses", label: "Necesidades", value: "—" }]);
  });
});
