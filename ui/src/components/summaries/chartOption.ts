// What a summary's bar chart draws, as an ECharts option: horizontal bars (long category names
// read whole), one colour per category of a second dimension, side by side when there are few
// and stacked when there are many, no animation (it prints as it shows). Kept apart from the
// component so the option can be drawn and checked without a browser.

import type { ComposeOption } from "echarts/core";
import type { BarSeriesOption } from "echarts/charts";
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from "echarts/components";

export type ChartOption = ComposeOption<BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption>;

export interface ChartSeriesInWords {
  name: string;
  /** One per category; null where the cell is hidden (no bar). */
  values: (number | null)[];
}

// Okabe–Ito colours: told apart by people with colour blindness, and on grey paper.
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
/** More series than this are stacked. */
const SIDE_BY_SIDE = 3;
const LEGEND_PER_LINE = 4;
const LEGEND_LINE = 22;

function legendLines(series: readonly ChartSeriesInWords[]): number {
  return series.length > 1 ? Math.ceil(series.length / LEGEND_PER_LINE) : 0;
}

/** The chart's height in pixels: room for each category's bars and the legend. */
export function chartHeight(categories: readonly string[], series: readonly ChartSeriesInWords[]): number {
  const bars = series.length > SIDE_BY_SIDE ? 1 : series.length;
  const row = Math.max(28, bars * 11 + 12);
  return Math.max(120, categories.length * row + legendLines(series) * LEGEND_LINE + 44);
}

export function barChartOption(
  categories: readonly string[],
  series: readonly ChartSeriesInWords[],
  formatNumber: (value: number) => string,
): ChartOption {
  const stacked = series.length > SIDE_BY_SIDE;
  return {
    animation: false,
    color: PALETTE,
    textStyle: { color: "#1e293b" },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (value) => (typeof value === "number" ? formatNumber(value) : ""),
    },
    legend: series.length > 1 ? { top: 0, left: 0, itemWidth: 12, itemHeight: 10, textStyle: { fontSize: 11 } } : { show: false },
    grid: {
      left: 4,
      right: 24,
      top: legendLines(series) * LEGEND_LINE + 8,
      bottom: 4,
      outerBoundsMode: "same",
      outerBoundsContain: "axisLabel",
    },
    xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: (value: number) => formatNumber(value) } },
    yAxis: {
      type: "category",
      inverse: true,
      data: [...categories],
      axisTick: { show: false },
      axisLabel: { width: 170, overflow: "break", lineHeight: 13 },
    },
    series: series.map((one) => ({
      type: "bar",
      name: one.name,
      data: [...one.values],
      stack: stacked ? "all" : undefined,
      barMaxWidth: 22,
    })),
  };
}
