// Apache ECharts, only what the summaries' bar charts use (bars, grid, tooltip, legend) drawn
// as SVG, which prints sharp. Loaded on demand by SummaryChart.vue, so the rest of the app
// neither waits for it nor depends on it.

import { use } from "echarts/core";
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import VChart from "vue-echarts";

use([BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export default VChart;
