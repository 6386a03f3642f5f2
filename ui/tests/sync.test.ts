import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import { api, toAppError } from "../src/api";
import type { Conflict, Device } from "../src/api";
import { i18n } from "../src/i18n";
import {
  SYNC_REFUSAL_REASONS,
  conflictCount,
  conflictFieldLabel,
  conflictRecordLabel,
  deviceStatus,
  forgetSync,
  formatConflictValue,
  importBroughtNothing,
  isRefusal,
  parseHoursDetail,
  receivingLaptops,
  refreshConflicts,
  refusalKey,
  sortDevices,
  syncState,
  waitingLaptops,
  warningKind,
} from "../src/sync";
import type { ConflictWords } from "../src/sync";
import { commandError } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

// Every reason the core gives for a refused file, as its documentation lists them.
const REASONS_FROM_THE_CORE = [
  "sync_wrong_org",
  "sync_unknown_device",
  "sync_device_revoked",
  "sync_bad_signature",
  "sync_truncated",
  "sync_trailing_bytes",
  "sync_too_new",
  "sync_bad_manifest",
  "sync_too_large",
  "sync_payload_mismatch",
  "sync_not_for_this_device",
  "sync_damaged",
  "sync_wrong_passphrase",
  "sync_not_a_join_file",
  "sync_own_file",
  "sync_bad_operation",
  "sync_not_allowed",
  "sync_join_expired",
  "sync_join_used",
  "sync_not_a_sync_file",
];

/** A message as a language says it (the catalogs are precompiled, so read through vue-i18n). */
function say(key: string, locale: "es" | "pt-BR" | "en" = "es"): string | null {
  const { t, te } = i18n.global;
  return te(key, locale) ? t(key, {}, { locale }) : null;
}

/** Spanish words for the formatters, as the screen builds them. */
function spanishWords(overrides: Partial<ConflictWords> = {}): ConflictWords {
  return {
    translate: (key) => say(key),
    date: (iso) => `fecha ${iso}`,
    yes: "Sí",
    no: "No",
    hidden: "(reservado)",
    staffName: (value) => (value === "marta_g" || value === "s2" ? "Marta Gómez" : null),
    documentName: (code) => (code === "cedula" ? "Cédula de ciudadanía" : null),
    deleted: "borrado",
    empty: "(vacío)",
    ...overrides,
  };
}

function side(value: string | null, extra: Partial<Conflict["kept"]> = {}): Conflict["kept"] {
  return { opId: "op", value, deleted: false, author: "marta_g", device: "Laptop Marta", at: "2026-11-02T15:04:00Z", ...extra };
}

function conflict(field: string, recordType = "household", extra: Partial<Conflict> = {}): Conflict {
  return {
    id: "c1",
    recordType,
    recordId: "r1",
    field,
    participantId: "p1",
    caseCode: "MLB-0007",
    chosenName: "Rosa",
    kept: side("1"),
    other: side("2"),
    ...extra,
  };
}

describe("refused files", () => {
  it("say every reason the core gives in words, in all three languages", () => {
    expect([...SYNC_REFUSAL_REASONS].sort()).toEqual([...new Set(REASONS_FROM_THE_CORE)].sort());
    for (const reason of REASONS_FROM_THE_CORE) {
      const key = refusalKey(reason);
      expect(key).toBe(`syncRefusal.${reason}`);
      for (const locale of ["es", "pt-BR", "en"] as const) {
        const text = say(key, locale);
        expect(text, `${locale} ${key}`).not.toBeNull();
        expect(text!.length).toBeGreaterThan(10);
      }
    }
  });

  it("fall back to a general sentence for a reason this version does not know", () => {
    expect(refusalKey("sync_something_new")).toBe("syncRefusal.unknown");
    expect(refusalKey(null)).toBe("syncRefusal.unknown");
    expect(say("syncRefusal.unknown")).toBe("El archivo no se pudo aceptar.");
  });

  it("keep the core's reason on the error the screens receive", async () => {
    mockedInvoke.mockRejectedValueOnce(commandError("sync_refused", null, "sync_join_used"));
    const error = await api.syncOpenReceived().catch((caught: unknown) => toAppError(caught));
    expect(error).toMatchObject({ code: "sync_refused", reason: "sync_join_used" });
    expect(isRefusal(error as ReturnType<typeof toAppError>)).toBe(true);
    expect(toAppError(commandError("io")).reason).toBeNull();
  });
});

describe("conflict values", () => {
  const words = spanishWords();

  it("say a deletion as 'borrado' and an empty value as such", () => {
    expect(formatConflictValue(conflict("householdSize"), side(null, { deleted: true }), words)).toBe("borrado");
    expect(formatConflictValue(conflict("householdSize"), side(null), words)).toBe("(vacío)");
    expect(formatConflictValue(conflict("householdSize"), side('""'), words)).toBe("(vacío)");
    expect(formatConflictValue(conflict("householdSize"), side("null"), words)).toBe("(vacío)");
  });

  it("read the JSON text: numbers, text, yes/no and dates", () => {
    expect(formatConflictValue(conflict("householdSize"), side("4"), words)).toBe("4");
    expect(formatConflictValue(conflict("chosenName", "participant"), side('"Rosa María"'), words)).toBe("Rosa María");
    expect(formatConflictValue(conflict("headOfHousehold"), side("true"), words)).toBe("Sí");
    expect(formatConflictValue(conflict("headOfHousehold"), side("false"), words)).toBe("No");
    expect(formatConflictValue(conflict("notarialDeclarationOn"), side('"2026-03-01"'), words)).toBe("fecha 2026-03-01");
  });

  it("translate codes, names and needs", () => {
    expect(formatConflictValue(conflict("incomeBand"), side('"below_minimum"'), words)).toBe(say("enum.IncomeBand.below_minimum"));
    expect(formatConflictValue(conflict("status", "participant"), side('"closed"'), words)).toBe(say("participants.status.closed"));
    expect(formatConflictValue(conflict("assignedTo", "participant"), side('"marta_g"'), words)).toBe("Marta Gómez");
    expect(formatConflictValue(conflict("documentType", "document"), side('"cedula"'), words)).toBe("Cédula de ciudadanía");
    expect(formatConflictValue(conflict("statuses.housing", "needs"), side('"need"'), words)).toBe(say("enum.NeedStatus.need"));
    expect(formatConflictValue(conflict("role", "staff"), side('"coordinator"'), words)).toBe(say("roles.coordinator"));
    expect(formatConflictValue(conflict("kind", "organization"), side('"non_profit"'), words)).toBe(say("directory.kind.non_profit"));
    expect(formatConflictValue(conflict("categories", "organization"), side('["housing","employment"]'), words)).toBe(
      `${say("enum.NeedCategory.housing")}, ${say("enum.NeedCategory.employment")}`,
    );
  });

  it("hide sensitive values until asked, and show text that is not JSON as it is", () => {
    expect(formatConflictValue(conflict("legalName", "participant"), side('"Rosa Pérez"'), words)).toBe("(reservado)");
    expect(formatConflictValue(conflict("legalName", "participant"), side('"Rosa Pérez"'), words, true)).toBe("Rosa Pérez");
    expect(formatConflictValue(conflict("address", "housing"), side(null, { deleted: true }), words)).toBe("borrado");
    expect(formatConflictValue(conflict("municipality", "housing"), side("not json"), words)).toBe("not json");
  });

  it("name the field in words, with the raw name when there are none", () => {
    expect(conflictFieldLabel(conflict("householdSize"), words)).toBe(say("history.field.householdSize"));
    expect(conflictFieldLabel(conflict("chosenName"), words)).toBe("Nombre elegido");
    expect(conflictFieldLabel(conflict("username", "staff"), words)).toBe(say("conflictField.username"));
    expect(conflictFieldLabel(conflict("statuses.housing", "needs"), words)).toBe(`${say("history.field.statuses")}: ${say("enum.NeedCategory.housing")}`);
    expect(conflictFieldLabel(conflict("", "housing"), words)).toBe(say("sync.conflicts.wholeRecord"));
    expect(conflictFieldLabel(conflict("brandNewField"), words)).toBe("brandNewField");
    expect(conflictRecordLabel(conflict("x", "household"), words)).toBe(say("history.record.household"));
    expect(conflictRecordLabel(conflict("x", "device"), words)).toBe(say("conflictRecord.device"));
    expect(conflictRecordLabel(conflict("x", "brand_new"), words)).toBe("brand_new");
  });
});

describe("the conflicts store", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    forgetSync();
  });

  it("counts the conflicts waiting, and reads them again on demand", async () => {
    mockedInvoke.mockResolvedValueOnce([conflict("householdSize"), conflict("tenure", "household", { id: "c2" })]);
    await refreshConflicts();
    expect(mockedInvoke).toHaveBeenCalledWith("conflicts_list");
    expect(conflictCount.value).toBe(2);
    expect(syncState.loaded).toBe(true);
    mockedInvoke.mockResolvedValueOnce([conflict("tenure", "household", { id: "c2" })]);
    await refreshConflicts();
    expect(conflictCount.value).toBe(1);
  });

  it("keeps the last list when reading fails, and says so", async () => {
    mockedInvoke.mockResolvedValueOnce([conflict("householdSize")]);
    await refreshConflicts();
    mockedInvoke.mockRejectedValueOnce(commandError("io"));
    await refreshConflicts();
    expect(conflictCount.value).toBe(1);
    expect(syncState.error).toBe("errors.io");
  });

  it("ignores an answer that arrives after a newer request or after the shell closed", async () => {
    let answerFirst: (value: unknown) => void = () => {};
    mockedInvoke.mockImplementationOnce(() => new Promise((resolve) => (answerFirst = resolve)));
    const first = refreshConflicts();
    forgetSync();
    answerFirst([conflict("householdSize")]);
    await first;
    expect(conflictCount.value).toBe(0);
    expect(syncState.loaded).toBe(false);
  });

  it("forgets everything when the shell closes", async () => {
    mockedInvoke.mockResolvedValueOnce([conflict("householdSize")]);
    await refreshConflicts();
    forgetSync();
    expect(syncState.conflicts).toEqual([]);
    expect(conflictCount.value).toBe(0);
  });
});

describe("laptops and reports", () => {
  const device = (extra: Partial<Device>): Device => ({
    id: "d",
    name: "Laptop",
    staff: null,
    registered: true,
    revoked: false,
    lastHeard: null,
    joinExpires: null,
    thisLaptop: false,
    ...extra,
  });
  const devices = [
    device({ id: "revoked", name: "Laptop Paola", revoked: true }),
    device({ id: "waiting", name: "Laptop Lucía", registered: false, joinExpires: "2026-12-01T00:00:00Z" }),
    device({ id: "marta", name: "Laptop Marta" }),
    device({ id: "this", name: "Laptop Ana", thisLaptop: true }),
    device({ id: "beatriz", name: "Laptop Beatriz" }),
  ];

  it("save changes only for the other registered laptops that were not revoked", () => {
    expect(receivingLaptops(devices).map((d) => d.id)).toEqual(["marta", "beatriz"]);
    expect(waitingLaptops(devices).map((d) => d.id)).toEqual(["waiting"]);
  });

  it("list this laptop first and revoked ones last", () => {
    expect(sortDevices(devices, "es").map((d) => d.id)).toEqual(["this", "beatriz", "marta", "waiting", "revoked"]);
    expect(devices.map(deviceStatus)).toEqual(["revoked", "waiting", "registered", "registered", "registered"]);
  });

  it("read rule warnings' details", () => {
    expect(parseHoursDetail("2026-11-02: 10")).toEqual({ day: "2026-11-02", hours: "10" });
    expect(parseHoursDetail("whatever")).toBeNull();
    expect(warningKind({ rule: "service_hours_over_a_day", detail: "2026-11-02: 10" })).toBe("hours");
    expect(warningKind({ rule: "case_code_taken", detail: "MLB-0008" })).toBe("caseCode");
    expect(warningKind({ rule: "something_else", detail: "" })).toBe("other");
  });

  it("tell an import that brought nothing new from one that did", () => {
    const report = {
      files: 1,
      applied: 0,
      known: 12,
      superseded: 0,
      conflicts: 0,
      dropped: 0,
      fromTheFuture: 0,
      from: ["Laptop Marta"],
      participantsChanged: [],
      purged: 0,
      erased: 0,
      droppedErased: 0,
      ruleWarnings: [],
      alreadyImported: 1,
      renamedStaff: [],
      visitFilesPurged: 0,
    };
    expect(importBroughtNothing(report)).toBe(true);
    expect(importBroughtNothing({ ...report, applied: 3 })).toBe(false);
    expect(importBroughtNothing({ ...report, erased: 1 })).toBe(false);
    expect(importBroughtNothing({ ...report, visitFilesPurged: 2 })).toBe(false);
  });
});
