import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import TodayArea from "../src/areas/TodayArea.vue";
import { fromIsoDate, toIsoDate, todayIso } from "../src/caseFile";
import { byTestId, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);

const STAFF = [{ id: "s1", username: "ana", displayName: "Ana Rojas", role: "caseworker", active: true, createdAt: "2025-01-01T00:00:00Z" }];
const CATALOG = {
  country: "CO",
  regionLabel: "department",
  regions: ["Antioquia"],
  documents: [{ code: "cedula", name: "Cédula de ciudadanía", issuer: "Registraduría", holders: ["self"], required: true }],
  legalApplicationTypes: [],
};

const today = todayIso();
function daysFromToday(days: number): string {
  const date = fromIsoDate(today) as Date;
  date.setDate(date.getDate() + days);
  return toIsoDate(date);
}
function task(over: Record<string, unknown>) {
  return {
    participantId: "p1",
    caseCode: "CO-ABC123",
    chosenName: "Majo",
    key: "follow_up/2026-08-01/day90",
    kind: "follow_up",
    dueOn: today,
    recordId: null,
    detail: "day90",
    assignedTo: null,
    responsible: "ana",
    organizationName: null,
    ...over,
  };
}
const group = (items: unknown[], total = items.length, capped = false) => ({ items, total, capped });
const BUSY_DAY = {
  today,
  overdue: group([task({ key: "document_expiry/d1/x", kind: "document_expiry", detail: "cedula", dueOn: daysFromToday(-3) })], 341),
  dueToday: group([task({ key: "task/t1", kind: "manual", detail: "Llamar a la EPS" })]),
  thisWeek: group([]),
};
const EMPTY_DAY = { today, overdue: group([]), dueToday: group([]), thisWeek: group([]) };

function fakeCore(days: unknown[]) {
  mockedInvoke.mockImplementation(async (command: string) => {
    if (command === "tasks_today") return days.length > 1 ? days.shift() : days[0];
    if (command === "catalog_get") return CATALOG;
    if (command === "staff_list") return STAFF;
    if (command === "task_complete") return null;
    throw new Error(`unexpected ${command}`);
  });
}

describe("Hoy", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("asks for the person's own local day and shows overdue, today and this week", async () => {
    fakeCore([BUSY_DAY]);
    const wrapper = mountApp(TodayArea);
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("tasks_today", { query: { today, mine: false, limit: 10 } });
    const overdue = wrapper.find(byTestId("today-row-overdue-0")).text();
    expect(overdue).toContain("Renovar Cédula de ciudadanía (vence pronto)");
    expect(overdue).toContain("3 días de atraso");
    expect(overdue).toContain("CO-ABC123");
    expect(overdue).toContain("Majo");
    expect(wrapper.find(byTestId("today-total-overdue")).text()).toBe("341");
    expect(wrapper.find(byTestId("today-more-overdue")).text()).toBe("y 340 más");
    expect(wrapper.find(byTestId("today-row-today-0")).text()).toContain("Llamar a la EPS");
    expect(wrapper.find(byTestId("today-group-week")).text()).toContain("Nada para los próximos días.");
    expect(wrapper.find(byTestId("today-empty")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("shows a screenful per group and more when asked, asking the core only for what it lacks", async () => {
    const many = Array.from({ length: 10 }, (_, i) =>
      task({ key: `task/t${i}`, kind: "manual", detail: `Tarea ${i}`, dueOn: daysFromToday(-1) }),
    );
    const more = Array.from({ length: 30 }, (_, i) =>
      task({ key: `task/t${i}`, kind: "manual", detail: `Tarea ${i}`, dueOn: daysFromToday(-1) }),
    );
    fakeCore([
      { ...BUSY_DAY, overdue: group(many, 45), dueToday: group(many.slice(0, 3)) },
      { ...BUSY_DAY, overdue: group(more, 45), dueToday: group(many.slice(0, 3)) },
    ]);
    const wrapper = mountApp(TodayArea);
    await flushPromises();
    expect(wrapper.findAll('[data-testid^="today-row-overdue-"]')).toHaveLength(10);
    expect(wrapper.find(byTestId("today-more-overdue")).text()).toBe("y 35 más");
    expect(wrapper.find(byTestId("today-show-more-overdue")).text()).toBe("Mostrar 20 más");
    // A group with nothing hidden offers nothing more.
    expect(wrapper.find(byTestId("today-show-more-today")).exists()).toBe(false);
    await wrapper.find(byTestId("today-show-more-overdue")).trigger("click");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenLastCalledWith("tasks_today", { query: { today, mine: false, limit: 30 } });
    expect(wrapper.findAll('[data-testid^="today-row-overdue-"]')).toHaveLength(30);
    expect(wrapper.find(byTestId("today-row-overdue-29")).text()).toContain("Tarea 29");
    expect(wrapper.find(byTestId("today-more-overdue")).text()).toBe("y 15 más");
    expect(wrapper.find(byTestId("today-show-more-overdue")).text()).toBe("Mostrar 15 más");
    // The other groups still show their first screenful only.
    expect(wrapper.findAll('[data-testid^="today-row-today-"]')).toHaveLength(3);
    wrapper.unmount();
  });

  it("says 'o más' when the core stopped counting", async () => {
    fakeCore([{ ...BUSY_DAY, overdue: group(BUSY_DAY.overdue.items, 1000, true) }]);
    const wrapper = mountApp(TodayArea);
    await flushPromises();
    expect(wrapper.find(byTestId("today-total-overdue")).text()).toBe("1000 o más");
    expect(wrapper.find(byTestId("today-more-overdue")).text()).toBe("y 999 o más");
    wrapper.unmount();
  });

  it("marks a task done on her local day and asks again", async () => {
    fakeCore([BUSY_DAY, { ...BUSY_DAY, dueToday: group([]) }]);
    const wrapper = mountApp(TodayArea);
    await flushPromises();
    await wrapper.find(byTestId("today-done-today-0")).trigger("click");
    await flushPromises();
    expect(mockedInvoke).toHaveBeenCalledWith("task_complete", { participantId: "p1", key: "task/t1", today });
    expect(mockedInvoke.mock.calls.filter(([command]) => command === "tasks_today")).toHaveLength(2);
    expect(wrapper.find(byTestId("today-row-today-0")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("narrows to the person's own tasks, and says so kindly when there is nothing", async () => {
    fakeCore([BUSY_DAY, EMPTY_DAY]);
    const wrapper = mountApp(TodayArea);
    await flushPromises();
    await wrapper.find(byTestId("today-mine")).setValue(true);
    await flushPromises();
    expect(mockedInvoke).toHaveBeenLastCalledWith("tasks_today", { query: { today, mine: true, limit: 10 } });
    expect(wrapper.find(byTestId("today-empty")).text()).toContain("Todo al día");
    expect(wrapper.find(byTestId("today-group-overdue")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("moves to a group from the day at a glance", async () => {
    fakeCore([BUSY_DAY]);
    const scrolled = vi.fn();
    Element.prototype.scrollIntoView = scrolled;
    const wrapper = mountApp(TodayArea);
    await flushPromises();
    expect(wrapper.find(byTestId("today-jump-overdue")).text()).toContain("341");
    await wrapper.find(byTestId("today-jump-today")).trigger("click");
    expect(scrolled).toHaveBeenCalledTimes(1);
    expect(document.activeElement?.id).toBe("today-heading-today");
    wrapper.unmount();
  });

  it("words a request's legal deadline and leads to her file's Derechos tab instead of offering Hecho", async () => {
    const rights = (detail: string, key: string) =>
      task({ key, kind: "rights_deadline", detail, recordId: key, dueOn: daysFromToday(-1) });
    fakeCore([
      {
        ...EMPTY_DAY,
        overdue: group([rights("access", "rights/r1"), rights("correction", "rights/r2"), rights("erasure", "rights/r3")]),
        dueToday: group([task({ key: "task/t1", kind: "manual", detail: "Llamar a la EPS" })]),
      },
    ]);
    const wrapper = mountApp(TodayArea);
    await flushPromises();
    expect(wrapper.find(byTestId("today-row-overdue-0")).text()).toContain("Plazo legal: responder su solicitud de acceso a sus datos");
    expect(wrapper.find(byTestId("today-row-overdue-1")).text()).toContain("Plazo legal: responder su solicitud de corrección de sus datos");
    expect(wrapper.find(byTestId("today-row-overdue-2")).text()).toContain("Plazo legal: responder su solicitud de borrado de sus datos");
    expect(wrapper.find(byTestId("today-row-overdue-0")).text()).toContain("1 día de atraso");
    // The core refuses to complete it from Hoy: no Hecho, a way to answer it instead.
    expect(wrapper.find(byTestId("today-done-overdue-0")).exists()).toBe(false);
    expect(wrapper.find(byTestId("today-done-today-0")).exists()).toBe(true);
    const answer = wrapper.find(byTestId("today-rights-overdue-0"));
    expect(answer.text()).toBe("Responder su solicitud");
    await answer.trigger("click");
    expect(wrapper.emitted("openFile")).toEqual([["p1", "rights"]]);
    expect(mockedInvoke.mock.calls.some(([command]) => command === "task_complete")).toBe(false);
    wrapper.unmount();
  });

  it("opens her file from a task", async () => {
    fakeCore([BUSY_DAY]);
    const wrapper = mountApp(TodayArea);
    await flushPromises();
    await wrapper.find(byTestId("today-open-overdue-0")).trigger("click");
    expect(wrapper.emitted("openFile")).toEqual([["p1"]]);
    wrapper.unmount();
  });
});
