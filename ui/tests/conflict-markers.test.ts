import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import SummaryTab from "../src/components/casefile/SummaryTab.vue";
import { conflictsOf, syncState } from "../src/sync";
import type { Conflict } from "../src/api";
import { byTestId, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

function conflict(participantId: string, recordType: string, field: string): Conflict {
  const side = { opId: `${field}-op`, value: '"x"', deleted: false, author: "lucia", device: "Laptop Lucía", at: "2026-12-01T10:00:00Z" };
  return {
    id: `${participantId}-${field}`,
    recordType,
    recordId: participantId,
    field,
    participantId,
    caseCode: "CO-AAAA-BBBB",
    chosenName: "Rosita",
    kept: side,
    other: { ...side, opId: `${field}-other` },
  } as Conflict;
}

const PARTICIPANT = {
  id: "p1",
  caseCode: "CO-AAAA-BBBB",
  legalName: "Rosa",
  chosenName: "Rosita",
  birthYear: 1990,
  department: null,
  municipality: "Bello",
  genderIdentity: null,
  ethnicity: null,
  nationality: null,
  disability: null,
  safeContact: null,
  messageOk: null,
  assignedTo: "lucia",
  status: "open",
};

describe("a field in conflict", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    syncState.conflicts = [];
  });
  afterEach(() => {
    syncState.conflicts = [];
    document.body.innerHTML = "";
  });

  it("only her own conflicts count for her file", () => {
    const list = [conflict("p1", "participant", "municipality"), conflict("p2", "participant", "chosenName")];
    expect(conflictsOf("p1", list).map((c) => c.field)).toEqual(["municipality"]);
    expect(conflictsOf("p3", list)).toEqual([]);
  });

  it("is marked beside its label in her summary, and only that field", async () => {
    syncState.conflicts = [conflict("p1", "participant", "municipality"), conflict("p2", "participant", "chosenName")];
    const wrapper = mountApp(SummaryTab, {
      props: {
        file: { participant: PARTICIPANT, records: [] },
        session: { username: "coordinadora", role: "coordinator" },
        catalog: { regionLabel: "department", regions: [] },
        staff: [],
        readOnly: false,
      },
    });
    expect(wrapper.find(byTestId("detail-municipality-conflict")).exists()).toBe(true);
    expect(wrapper.find(byTestId("detail-municipality-conflict")).text()).toContain("en conflicto");
    expect(wrapper.find(byTestId("detail-chosenName-conflict")).exists()).toBe(false);
    syncState.conflicts = [];
    await wrapper.vm.$nextTick();
    expect(wrapper.find(byTestId("detail-municipality-conflict")).exists()).toBe(false);
    wrapper.unmount();
  });
});
