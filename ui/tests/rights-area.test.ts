import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import RightsArea from "../src/areas/RightsArea.vue";
import type { ErasureEntry, RightsOverview, RightsRequestEntry } from "../src/api";
import { formatIsoDate, fromIsoDate, toIsoDate, todayIso } from "../src/caseFile";
import { laptopsMissing, shortReference, sortForList } from "../src/rights";
import { byTestId, commandError, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const today = todayIso();
function daysFromToday(days: number): string {
  const date = fromIsoDate(today) as Date;
  date.setDate(date.getDate() + days);
  return toIsoDate(date);
}
const shown = (iso: string) => formatIsoDate(iso, "es");

const STAFF = [
  { id: "s1", username: "ana", displayName: "Ana Rojas", role: "caseworker", active: true, createdAt: "2025-01-01T00:00:00Z" },
  { id: "s2", username: "marta", displayName: "Marta Gómez", role: "coordinator", active: true, createdAt: "2025-01-01T00:00:00Z" },
];

function entry(id: string, over: Partial<RightsRequestEntry>): RightsRequestEntry {
  return {
    id,
    participantId: "p1",
    caseCode: "CO-ROSA-0001",
    chosenName: "Rosita",
    right: "access",
    receivedOn: today,
    deadline: today,
    basis: "Ley 1581 de 2012, art. 14 (consultas)",
    status: "open",
    doneOn: null,
    doneBy: null,
    outcome: null,
    ...over,
  };
}

const HER_ID = "01934f2a-7b3c-7d4e-9f10-a1b2c3d4e5f6";
const OTHER_ID = "01934f2a-7b3c-7d4e-9f10-0a0b0c0d0e0f";
const ERASURES: ErasureEntry[] = [
  {
    participantId: HER_ID,
    erasedAt: "2026-11-20T15:30:00Z",
    erasedBy: "marta",
    receivedOn: "2026-11-03",
    deadline: "2026-11-25",
    complete: false,
    laptops: [
      { deviceId: "d1", deviceName: "Laptop oficina", staff: "marta", acknowledged: true },
      { deviceId: "d2", deviceName: "Laptop Ana", staff: "ana", acknowledged: false },
      { deviceId: "d3", deviceName: "Laptop prestada", staff: null, acknowledged: false },
    ],
  },
  {
    participantId: OTHER_ID,
    erasedAt: "2026-10-01T10:00:00Z",
    erasedBy: "marta",
    receivedOn: null,
    deadline: null,
    complete: true,
    laptops: [
      { deviceId: "d1", deviceName: "Laptop oficina", staff: "marta", acknowledged: true },
      { deviceId: "d2", deviceName: "Laptop Ana", staff: "ana", acknowledged: true },
    ],
  },
];
const OVERVIEW: RightsOverview = {
  // Out of order on purpose: the list puts the open ones first, the nearest deadline first.
  requests: [
    entry("q-done", { right: "correction", receivedOn: "2026-01-05", deadline: "2026-01-26", status: "done", doneOn: "2026-01-12", doneBy: "ana", outcome: "Su año de nacimiento" }),
    entry("q-later", { participantId: "p2", caseCode: "CO-LUZ-0002", chosenName: null, receivedOn: daysFromToday(-1), deadline: daysFromToday(12) }),
    entry("q-late", { right: "erasure", receivedOn: daysFromToday(-25), deadline: daysFromToday(-3), basis: "Ley 1581 de 2012, art. 15 (reclamos)" }),
  ],
  erasures: ERASURES,
};

function fakeCore(overview: RightsOverview | (() => never)) {
  mockedInvoke.mockImplementation(async (command: string) => {
    if (command === "rights_list") return typeof overview === "function" ? overview() : overview;
    if (command === "staff_list") return STAFF;
    throw new Error(`unexpected ${command}`);
  });
}

describe("the coordinators' Derechos", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("lists the requests, open ones first by deadline, the overdue one marked in words", async () => {
    fakeCore(OVERVIEW);
    const wrapper = mountApp(RightsArea);
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("rights_list");
    const rows = wrapper.findAll('[data-testid^="rights-row-q"]').map((row) => row.attributes("data-testid"));
    expect(rows).toEqual(["rights-row-q-late", "rights-row-q-later", "rights-row-q-done"]);

    const late = wrapper.find(byTestId("rights-row-q-late"));
    expect(late.text()).toContain("CO-ROSA-0001");
    expect(late.text()).toContain("Rosita");
    expect(late.text()).toContain("Borrar sus datos (borrado)");
    expect(late.text()).toContain(shown(daysFromToday(-25)));
    expect(late.text()).toContain(shown(daysFromToday(-3)));
    expect(late.text()).toContain("Abierta");
    expect(wrapper.find(byTestId("rights-row-left-q-late")).text()).toBe("3 días de atraso");
    expect(late.classes()).toContain("rights-row--late");

    const later = wrapper.find(byTestId("rights-row-q-later"));
    expect(later.text()).toContain("sin nombre elegido");
    expect(wrapper.find(byTestId("rights-row-left-q-later")).text()).toBe("Quedan 12 días");
    expect(later.classes()).not.toContain("rights-row--late");

    const done = wrapper.find(byTestId("rights-row-q-done"));
    expect(done.text()).toContain(`Respondida el ${shown("2026-01-12")}`);
    expect(done.text()).toContain("Ana Rojas");
    expect(wrapper.find(byTestId("rights-row-left-q-done")).exists()).toBe(false);
    expect(wrapper.find(byTestId("rights-open-count")).text()).toBe("2");
    wrapper.unmount();
  });

  it("opens her file on its Derechos tab from the case code", async () => {
    fakeCore(OVERVIEW);
    const wrapper = mountApp(RightsArea);
    await flushPromises();
    const open = wrapper.find(byTestId("rights-open-q-later"));
    expect(open.text()).toBe("CO-LUZ-0002");
    await open.trigger("click");
    expect(wrapper.emitted("openFile")).toEqual([["p2", "rights"]]);
    wrapper.unmount();
  });

  it("shows each erasure with who did it, her request's dates, and one chip per laptop in words", async () => {
    fakeCore(OVERVIEW);
    const wrapper = mountApp(RightsArea);
    await flushPromises();
    const pending = wrapper.find(byTestId(`erasure-row-${HER_ID}`));
    expect(pending.text()).toContain("por Marta Gómez");
    expect(pending.text()).toContain(`Solicitud recibida el ${shown("2026-11-03")} · plazo: ${shown("2026-11-25")}`);
    // Her id is never shown whole: only a short reference.
    expect(pending.text()).not.toContain(HER_ID);
    expect(pending.text()).toContain(`Ref. ${shortReference(HER_ID)}`);

    const confirmed = wrapper.find(byTestId("erasure-laptop-d1"));
    expect(confirmed.attributes("data-acknowledged")).toBe("true");
    expect(confirmed.text()).toContain("Laptop oficina (Marta Gómez)");
    expect(confirmed.text()).toContain("confirmado");
    expect(confirmed.find(".pi-check-circle").exists()).toBe(true);
    const waiting = pending.find(byTestId("erasure-laptop-d2"));
    expect(waiting.attributes("data-acknowledged")).toBe("false");
    expect(waiting.text()).toContain("Laptop Ana (Ana Rojas)");
    expect(waiting.text()).toContain("falta que sincronice");
    expect(waiting.find(".pi-clock").exists()).toBe(true);
    expect(pending.find(byTestId("erasure-laptop-d3")).text()).toContain("Laptop prestada");
    expect(wrapper.find(byTestId(`erasure-status-${HER_ID}`)).text()).toBe("Faltan 2 laptops: se completa cuando cada una sincronice");

    const complete = wrapper.find(byTestId(`erasure-row-${OTHER_ID}`));
    expect(complete.text()).toContain("Sin una solicitud de borrado registrada en esta laptop.");
    expect(complete.text()).not.toContain("Solicitud recibida el");
    expect(complete.findAll('[data-acknowledged="true"]')).toHaveLength(2);
    expect(complete.findAll('[data-acknowledged="false"]')).toHaveLength(0);
    expect(wrapper.find(byTestId(`erasure-status-${OTHER_ID}`)).text()).toBe("Completo: todas las laptops lo confirmaron");
    wrapper.unmount();
  });

  it("says what to do when there is nothing yet", async () => {
    fakeCore({ requests: [], erasures: [] });
    const wrapper = mountApp(RightsArea);
    await flushPromises();
    expect(wrapper.find(byTestId("rights-list-empty")).text()).toContain("regístralo en su expediente, en la pestaña Derechos");
    expect(wrapper.find(byTestId("erasures-empty")).text()).toContain("No se borraron datos de nadie");
    expect(wrapper.find(byTestId("erasures-list")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("says so when the core refuses the list", async () => {
    fakeCore(() => {
      throw commandError("forbidden");
    });
    const wrapper = mountApp(RightsArea);
    await flushPromises();
    expect(wrapper.find(byTestId("rights-area-error")).text()).toContain("No tienes permiso");
    expect(wrapper.find(byTestId("rights-list")).exists()).toBe(false);
    wrapper.unmount();
  });
});

describe("rights helpers", () => {
  it("sorts open requests by deadline before answered ones, most recently answered first", () => {
    const sorted = sortForList([
      entry("a", { status: "done", doneOn: "2026-01-01" }),
      entry("b", { deadline: "2026-03-01" }),
      entry("c", { status: "done", doneOn: "2026-02-01" }),
      entry("d", { deadline: "2026-02-01" }),
    ]);
    expect(sorted.map((request) => request.id)).toEqual(["d", "b", "c", "a"]);
  });

  it("counts the laptops still to confirm and keeps only the end of her id", () => {
    expect(laptopsMissing(ERASURES[0])).toBe(2);
    expect(laptopsMissing(ERASURES[1])).toBe(0);
    expect(shortReference(HER_ID)).toBe("c3d4e5f6");
  });
});
