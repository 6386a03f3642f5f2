import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => {}) }));

import { invoke } from "@tauri-apps/api/core";
import App from "../src/App.vue";
import SummariesArea from "../src/areas/SummariesArea.vue";
import type { IndicatorInfo, Summary, SummaryTable } from "../src/api";
import { sessionState } from "../src/session";
import {
  chartDataOf,
  defaultForm,
  isEmptyTable,
  lastEndedQuarter,
  periodProblem,
  quarterCode,
  requestOf,
} from "../src/summaries";
import { byTestId, commandError, flushPromises, mountApp } from "./helpers";

const mockedInvoke = vi.mocked(invoke);
// ECharts draws nothing in the test DOM: the chart component stands in as a stub.
const STUBS = { SummaryChart: true };

/** The quarter before today's, worked out here without the app's code. */
function expectedDefaultPeriod(): string {
  const now = new Date();
  const quarter = Math.floor(now.getMonth() / 3) + 1;
  return quarter === 1 ? `${now.getFullYear() - 1}Q4` : `${now.getFullYear()}Q${quarter - 1}`;
}

const INDICATORS: IndicatorInfo[] = [
  { id: "legal_status", unit: "women", dimensions: ["legal_status"], sensitive: false, breakdowns: ["department", "quarter", "age_band", "sentence_band"] },
  { id: "ethnicity", unit: "women", dimensions: ["ethnicity"], sensitive: true, breakdowns: ["quarter"] },
  { id: "referrals", unit: "referrals", dimensions: ["referral_result", "need_category"], sensitive: false, breakdowns: [] },
  { id: "prison_visits", unit: "visits", dimensions: [], sensitive: false, breakdowns: ["department", "quarter", "age_band", "sentence_band"] },
];

const cell = (labels: Record<string, string>, count: number | null, percent: number | null = null, k = 5) => ({
  labels,
  count,
  display: count === null ? `<${k}` : String(count),
  percent,
});

// One way, with a hidden count ("<5") and another hidden beside it so it cannot be worked out.
const LEGAL_STATUS: SummaryTable = {
  indicator: "legal_status",
  unit: "women",
  breakdowns: ["legal_status"],
  k: 5,
  sensitive: false,
  cells: [
    cell({ legal_status: "pretrial_detention" }, 12, 40),
    cell({ legal_status: "sentenced" }, 11, 36.7),
    cell({ legal_status: "house_arrest" }, null),
    cell({ legal_status: "unknown" }, null),
    cell({ legal_status: "total" }, 30),
  ],
};

// Two ways: referral result by need, with the margins; percentages of each column's total.
const REFERRALS: SummaryTable = {
  indicator: "referrals",
  unit: "referrals",
  breakdowns: ["referral_result", "need_category"],
  k: 5,
  sensitive: false,
  cells: [
    cell({ referral_result: "completed", need_category: "housing" }, 6),
    cell({ referral_result: "completed", need_category: "health" }, 5),
    cell({ referral_result: "completed", need_category: "total" }, 11, 42.3),
    cell({ referral_result: "not_completed", need_category: "housing" }, 7),
    cell({ referral_result: "not_completed", need_category: "health" }, 8),
    cell({ referral_result: "not_completed", need_category: "total" }, 15, 57.7),
    cell({ referral_result: "total", need_category: "housing" }, 13),
    cell({ referral_result: "total", need_category: "health" }, 13),
    cell({ referral_result: "total", need_category: "total" }, 26),
  ],
};

// No dimension: a single count.
const PRISON_VISITS: SummaryTable = {
  indicator: "prison_visits",
  unit: "visits",
  breakdowns: [],
  k: 5,
  sensitive: false,
  cells: [cell({}, 14)],
};

function summary(over: Partial<Summary> = {}): Summary {
  const period = expectedDefaultPeriod();
  return {
    period,
    to: period,
    audience: "internal",
    k: 5,
    method: "acompana-sdc-1: counts of 1 to k-1 hidden",
    organization: "Mujeres Libres",
    organizations: [],
    producedOn: "2026-12-02",
    notIncluded: cell({}, null),
    tables: [LEGAL_STATUS, REFERRALS, PRISON_VISITS],
    revisions: [],
    ...over,
  };
}

const CATALOG = { country: "CO", regionLabel: "department", regions: ["Antioquia"], documents: [], legalApplicationTypes: [] };

type Answer = unknown | (() => unknown);
function fakeCore(answers: Record<string, Answer>) {
  mockedInvoke.mockImplementation(async (command: string) => {
    if (command === "summary_indicators") return INDICATORS;
    if (command === "catalog_get") return CATALOG;
    if (command in answers) {
      const answer = answers[command];
      return typeof answer === "function" ? (answer as () => unknown)() : answer;
    }
    throw commandError("internal");
  });
}

const requestsSent = () =>
  mockedInvoke.mock.calls.filter(([command]) => command === "summary_produce").map(([, args]) => (args as { request: unknown }).request);

async function mountArea() {
  const wrapper = mountApp(SummariesArea, { stubs: STUBS });
  await flushPromises();
  return wrapper;
}

describe("Resúmenes in the navigation", () => {
  const SESSION = {
    staffId: "s1",
    username: "marta_g",
    displayName: "Marta Gómez",
    role: "coordinator",
    orgName: "Mujeres Libres",
    country: "CO",
    idleLockMinutes: 5,
  };

  beforeEach(() => {
    mockedInvoke.mockReset();
    Object.assign(sessionState, { phase: "loading", session: null, lockReason: null });
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  function fakeShell(role: string) {
    fakeCore({ vault_status: { exists: true, session: { ...SESSION, role } }, staff_list: [] });
  }

  it("is not shown to a caseworker", async () => {
    fakeShell("caseworker");
    const wrapper = mountApp(App, { stubs: STUBS });
    await flushPromises();
    expect(wrapper.find(byTestId("shell")).exists()).toBe(true);
    expect(wrapper.find(byTestId("nav-reports")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("is shown to a coordinator, and opens the form with nothing calculated yet", async () => {
    fakeShell("coordinator");
    const wrapper = mountApp(App, { stubs: STUBS });
    await flushPromises();
    const nav = wrapper.find(byTestId("nav-reports"));
    expect(nav.text()).toBe("Resúmenes");
    expect(nav.text()).not.toContain("Pronto");
    await nav.trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("summaries-area")).exists()).toBe(true);
    expect(wrapper.find(byTestId("coming-soon")).exists()).toBe(false);
    expect(wrapper.find(byTestId("summary-run")).text()).toBe("Calcular");
    expect(wrapper.find(byTestId("summary-result")).exists()).toBe(false);
    expect(mockedInvoke).not.toHaveBeenCalledWith("summary_produce", expect.anything());
    wrapper.unmount();
  });

  it("is shown to an administrator", async () => {
    fakeShell("admin");
    const wrapper = mountApp(App, { stubs: STUBS });
    await flushPromises();
    expect(wrapper.find(byTestId("nav-reports")).exists()).toBe(true);
    wrapper.unmount();
  });
});

describe("the Resúmenes screen", () => {
  beforeEach(() => {
    mockedInvoke.mockReset();
    Object.assign(sessionState, { phase: "ready", session: null, lockReason: null });
  });
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("asks for the last quarter that has ended, for coordination, without a breakdown, busy meanwhile", async () => {
    let answer: (value: Summary) => void = () => {};
    fakeCore({ summary_produce: () => new Promise<Summary>((resolve) => (answer = resolve)) });
    const wrapper = await mountArea();
    expect((wrapper.find(byTestId("summary-audience-internal")).element as HTMLInputElement).checked).toBe(true);

    await wrapper.find(byTestId("summary-run")).trigger("click");
    await flushPromises();
    expect(requestsSent()).toEqual([
      { period: expectedDefaultPeriod(), to: null, audience: "internal", indicators: [], by: null, k: null },
    ]);
    expect(wrapper.find(byTestId("summary-busy")).text()).toContain("Calculando…");
    expect(wrapper.find(byTestId("summary-run")).attributes("disabled")).toBeDefined();

    answer(summary());
    await flushPromises();
    expect(wrapper.find(byTestId("summary-busy")).exists()).toBe(false);
    expect(wrapper.find(byTestId("summary-run")).attributes("disabled")).toBeUndefined();
    wrapper.unmount();
  });

  it("shows each table with its words, the hidden counts marked, the percentages, a chart each and the footnote", async () => {
    fakeCore({ summary_produce: summary() });
    const wrapper = await mountArea();
    await wrapper.find(byTestId("summary-run")).trigger("click");
    await flushPromises();

    const result = wrapper.find(byTestId("summary-result"));
    expect(result.exists()).toBe(true);
    expect(result.text()).toContain("Mujeres Libres");
    expect(result.text()).toContain("Interno (coordinación)");
    expect(wrapper.find(byTestId("summary-k")).text()).toBe("Se ocultan las cantidades menores de 5");
    const [year, quarter] = expectedDefaultPeriod().split("Q");
    const ordinal = { "1": "1.er", "2": "2.º", "3": "3.er", "4": "4.º" }[quarter];
    expect(wrapper.find(byTestId("summary-period")).text()).toContain(`${ordinal} trimestre de ${year}`);

    const notIncluded = wrapper.find(byTestId("summary-not-included"));
    expect(notIncluded.text()).toContain("Mujeres no incluidas (sin consentimiento para estadísticas):");
    expect(notIncluded.text()).toContain("<5");

    // One way: categories in the case file's words, hidden counts shown as "<5" with a lock.
    const legal = wrapper.find(byTestId("summary-table-legal_status"));
    expect(legal.find("h3").text()).toBe("Situación legal");
    expect(legal.text()).toContain("Se cuentan: mujeres");
    const headers = legal.findAll("thead th").map((th) => th.text());
    expect(headers).toEqual(["Situación legal", "Cantidad", "%"]);
    const rows = legal.findAll("tbody tr");
    expect(rows).toHaveLength(5);
    expect(rows[0].text()).toContain("Detención preventiva");
    expect(rows[0].text()).toContain("12");
    expect(rows[0].text()).toMatch(/40,0\s%/);
    expect(rows[1].text()).toMatch(/36,7\s%/);
    expect(rows[3].text()).toContain("Sin dato");
    expect(rows[4].text()).toContain("Total");
    expect(rows[4].classes()).toContain("summary-row--total");
    expect(rows[0].classes()).not.toContain("summary-row--total");
    const hidden = legal.findAll(byTestId("summary-cell-suppressed"));
    expect(hidden).toHaveLength(2);
    expect(hidden[0].text()).toContain("<5");
    expect(hidden[0].attributes("title")).toBe("Oculto para proteger a las mujeres");
    expect(hidden[0].find(".pi-lock").exists()).toBe(true);
    expect(rows[2].find(byTestId("summary-cell-suppressed")).exists()).toBe(true);
    // A hidden count has no percentage.
    expect(rows[2].findAll("td").at(-1)?.text()).toBe("");

    // Two ways: a column per dimension, the margins in bold.
    const referrals = wrapper.find(byTestId("summary-table-referrals"));
    expect(referrals.findAll("thead th").map((th) => th.text())).toEqual(["Resultado", "Necesidad", "Cantidad", "%"]);
    const first = referrals.findAll("tbody tr")[0];
    expect(first.text()).toContain("Se concretó");
    expect(first.text()).toContain("Vivienda");
    expect(referrals.findAll("tbody tr.summary-row--total")).toHaveLength(5);
    expect(referrals.text()).toMatch(/57,7\s%/);

    // No dimension: just the count.
    const visits = wrapper.find(byTestId("summary-table-prison_visits"));
    expect(visits.find("h3").text()).toBe("Visitas a la cárcel");
    expect(visits.findAll("thead th").map((th) => th.text())).toEqual(["Cantidad"]);
    expect(visits.find("tbody").text()).toBe("14");

    // A chart for each table, named for screen readers.
    for (const indicator of ["legal_status", "referrals", "prison_visits"]) {
      const chart = wrapper.find(byTestId(`summary-chart-${indicator}`));
      expect(chart.exists()).toBe(true);
      expect(chart.attributes("role")).toBe("img");
      expect(chart.find("summary-chart-stub").exists()).toBe(true);
    }
    expect(wrapper.find(byTestId("summary-chart-referrals")).attributes("aria-label")).toContain("«Derivaciones», por necesidad");

    const footnote = wrapper.find(byTestId("summary-footnote")).text();
    expect(footnote).toContain("Las cantidades de 1 a 4 se muestran como «<5»");
    expect(footnote).toContain("para que no se puedan sacar restando de los totales");
    expect(footnote).toContain("usan al menos 10");
    expect(footnote).toContain("nunca se dividen por departamento");
    expect(footnote).toContain("su grupo tiene al menos 20");
    expect(footnote).toContain("consentimiento para estadísticas");
    // Only a public summary speaks of frozen and perturbed figures.
    expect(footnote).not.toContain("congeladas");
    expect(wrapper.find(byTestId("summary-revision")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("sends the chosen indicators, the breakdown and a range of quarters", async () => {
    fakeCore({ summary_produce: summary() });
    const wrapper = await mountArea();
    await wrapper.find(byTestId("summary-by")).setValue("department");
    expect(wrapper.find(byTestId("summary-by-hint")).text()).toContain("se muestran sin dividir");
    await wrapper.find(byTestId("summary-range")).setValue(true);
    const from = lastEndedQuarter();
    await wrapper.find(byTestId("summary-year")).setValue(String(from.year - 1));
    await wrapper.find(byTestId("summary-run")).trigger("click");
    await flushPromises();
    expect(requestsSent()).toEqual([
      {
        period: quarterCode({ year: from.year - 1, quarter: from.quarter }),
        to: quarterCode(from),
        audience: "internal",
        indicators: [],
        by: "department",
        k: null,
      },
    ]);
    wrapper.unmount();
  });

  it("says so when the range ends before it starts, without asking the core", async () => {
    fakeCore({ summary_produce: summary() });
    const wrapper = await mountArea();
    await wrapper.find(byTestId("summary-range")).setValue(true);
    const from = lastEndedQuarter();
    await wrapper.find(byTestId("summary-to-year")).setValue(String(from.year - 1));
    await wrapper.find(byTestId("summary-run")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("summary-period-error")).text()).toContain("El trimestre final tiene que ser el mismo");
    expect(requestsSent()).toEqual([]);
    wrapper.unmount();
  });

  it("asks for a public summary, and says in words why an open quarter is refused", async () => {
    fakeCore({
      summary_produce: () => {
        throw commandError("quarter_open");
      },
    });
    const wrapper = await mountArea();
    expect(wrapper.text()).toContain("Público: solo trimestres cerrados; las cifras quedan congeladas la primera vez");
    await wrapper.find(byTestId("summary-audience-public")).setValue(true);
    await wrapper.find(byTestId("summary-run")).trigger("click");
    await flushPromises();
    expect(requestsSent()).toEqual([
      { period: expectedDefaultPeriod(), to: null, audience: "public", indicators: [], by: null, k: null },
    ]);
    const error = wrapper.find(byTestId("summary-error"));
    expect(error.text()).toContain("Un resumen público cubre solo trimestres cerrados");
    expect(error.text()).not.toContain("developer text");
    expect(wrapper.find(byTestId("summary-result")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("shows a public summary's revision and says its figures are frozen and perturbed", async () => {
    const period = expectedDefaultPeriod();
    fakeCore({
      summary_produce: summary({
        audience: "public",
        k: 11,
        revisions: [{ period, revision: 1, revisedOn: "2026-11-05", reason: "Se corrigió la fecha de salida de dos mujeres." }],
      }),
    });
    const wrapper = await mountArea();
    await wrapper.find(byTestId("summary-audience-public")).setValue(true);
    await wrapper.find(byTestId("summary-run")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("summary-audience")).text()).toBe("Público (para publicar)");
    expect(wrapper.find(byTestId("summary-revision")).text()).toBe(
      "Revisión 1 del 5 de noviembre de 2026: Se corrigió la fecha de salida de dos mujeres.",
    );
    const footnote = wrapper.find(byTestId("summary-footnote")).text();
    expect(footnote).toContain("Las cantidades de 1 a 10 se muestran como «<11»");
    expect(footnote).toContain("congeladas la primera vez");
    expect(footnote).toContain("2 como máximo");
    // The tables keep their own threshold (5 here) and say so.
    expect(wrapper.find(byTestId("summary-table-legal_status")).text()).toContain("En esta tabla se ocultan las cantidades menores de 5.");
    wrapper.unmount();
  });

  it("exports the same request as CSV files and says how many were saved", async () => {
    let written: number | null = 3;
    fakeCore({ summary_produce: summary(), summary_export_csv: () => written });
    const wrapper = await mountArea();
    await wrapper.find(byTestId("summary-by")).setValue("age_band");
    await wrapper.find(byTestId("summary-run")).trigger("click");
    await flushPromises();
    // Changing the form afterwards does not change what the CSV files hold.
    await wrapper.find(byTestId("summary-by")).setValue("quarter");

    await wrapper.find(byTestId("summary-csv")).trigger("click");
    await flushPromises();
    const [request] = requestsSent();
    expect(request).toMatchObject({ by: "age_band" });
    expect(mockedInvoke).toHaveBeenCalledWith("summary_export_csv", { request });
    expect(wrapper.find(byTestId("summary-csv-done")).text()).toBe("Se guardaron 3 archivos CSV.");

    // Cancelling the folder dialog says nothing.
    written = null;
    await wrapper.find(byTestId("summary-csv")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("summary-csv-done")).exists()).toBe(false);
    expect(wrapper.find(byTestId("summary-csv-error")).exists()).toBe(false);
    wrapper.unmount();
  });

  it("opens the print view of the summary and comes back to it", async () => {
    fakeCore({ summary_produce: summary() });
    const wrapper = await mountArea();
    await wrapper.find(byTestId("summary-run")).trigger("click");
    await flushPromises();
    await wrapper.find(byTestId("summary-print")).trigger("click");
    await flushPromises();

    const view = wrapper.find(byTestId("summary-print-view"));
    expect(view.exists()).toBe(true);
    expect(view.find(byTestId("print-view")).attributes("data-print")).toBe("summary");
    expect(view.find(byTestId("print-button")).attributes("disabled")).toBeUndefined();
    const page = view.find(byTestId("print-page"));
    expect(page.find(".doc-header__org").text()).toBe("Mujeres Libres");
    expect(page.find(".doc-title").text()).toBe("Resumen anonimizado");
    expect(page.text()).toContain("Interno (coordinación)");
    expect(page.find(byTestId("summary-table-legal_status")).exists()).toBe(true);
    expect(page.findAll(byTestId("summary-cell-suppressed")).length).toBeGreaterThan(0);
    expect(page.find(byTestId("summary-chart-referrals")).exists()).toBe(true);
    expect(page.find(byTestId("summary-footnote")).text()).toContain("«<5»");
    expect(wrapper.find(byTestId("summaries-area")).exists()).toBe(false);

    await view.find(byTestId("print-back")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("summary-print-view")).exists()).toBe(false);
    expect(wrapper.find(byTestId("summary-result")).exists()).toBe(true);
    wrapper.unmount();
  });

  it("shows no chart for a table with nothing counted", async () => {
    const empty: SummaryTable = { ...LEGAL_STATUS, cells: LEGAL_STATUS.cells.map((one) => ({ ...one, count: 0, display: "0", percent: null })) };
    fakeCore({ summary_produce: summary({ tables: [empty] }) });
    const wrapper = await mountArea();
    await wrapper.find(byTestId("summary-run")).trigger("click");
    await flushPromises();
    expect(wrapper.find(byTestId("summary-chart-legal_status")).exists()).toBe(false);
    expect(wrapper.find(byTestId("summary-chart-empty-legal_status")).text()).toBe("Sin datos en este periodo");
    wrapper.unmount();
  });
});

describe("summary helpers", () => {
  it("default to the last quarter that has ended", () => {
    expect(lastEndedQuarter(new Date(2026, 0, 15))).toEqual({ year: 2025, quarter: 4 });
    expect(lastEndedQuarter(new Date(2026, 3, 1))).toEqual({ year: 2026, quarter: 1 });
    expect(lastEndedQuarter(new Date(2026, 11, 2))).toEqual({ year: 2026, quarter: 3 });
    expect(requestOf(defaultForm(new Date(2026, 11, 2)))).toEqual({
      period: "2026Q3",
      to: null,
      audience: "internal",
      indicators: [],
      by: null,
      k: null,
    });
  });

  it("check a range of quarters as the core does", () => {
    const form = defaultForm(new Date(2026, 11, 2));
    form.range = true;
    form.to = { year: 2026, quarter: 2 };
    expect(periodProblem(form)).toBe("summaries.toBeforeFrom");
    form.from = { year: 2021, quarter: 3 };
    form.to = { year: 2026, quarter: 3 };
    expect(periodProblem(form)).toBe("summaries.tooLong");
    form.from = { year: 2021, quarter: 4 };
    expect(periodProblem(form)).toBeNull();
    expect(requestOf(form)).toMatchObject({ period: "2021Q4", to: "2026Q3" });
    // The same quarter twice is one quarter.
    form.to = { ...form.from };
    expect(requestOf(form).to).toBeNull();
  });

  it("chart the cells shown that are not totals, by the second dimension", () => {
    expect(chartDataOf(LEGAL_STATUS)).toEqual({
      categories: ["pretrial_detention", "sentenced"],
      series: [{ key: null, values: [12, 11] }],
    });
    expect(chartDataOf(REFERRALS)).toEqual({
      categories: ["completed", "not_completed"],
      series: [
        { key: "housing", values: [6, 7] },
        { key: "health", values: [5, 8] },
      ],
    });
    expect(chartDataOf(PRISON_VISITS)).toEqual({ categories: [null], series: [{ key: null, values: [14] }] });
    expect(isEmptyTable(LEGAL_STATUS)).toBe(false);
  });
});
