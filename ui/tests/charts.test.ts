// @vitest-environment node
// The webview runs with Object.prototype frozen (Tauri's `freezePrototype`). ECharts' own copy of
// tslib breaks under it as soon as ECharts is imported, so vite.config.ts gives it
// src/vendor/tslib.ts instead. A frozen prototype also stops Vitest's and Node's own machinery,
// so the check runs in a plain `node` process of its own: in a scratch folder whose
// node_modules are the UI's, but with that tslib, the summaries' chart module (charts.ts) is
// loaded after the freeze and draws the option the screen uses (chartOption.ts).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { afterEach, describe, expect, it } from "vitest";
import config from "../vite.config";

const ui = resolve(__dirname, "..");
let scratch: string | null = null;

afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = null;
});

function transpile(path: string): string {
  return ts.transpileModule(readFileSync(join(ui, path), "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

/** Draws a chart in a fresh `node` with Object.prototype frozen first; its output and errors. */
function drawFrozen(withVendoredTslib: boolean) {
  scratch = mkdtempSync(join(tmpdir(), "acompana-charts-"));
  const modules = join(scratch, "node_modules");
  mkdirSync(modules);
  for (const name of readdirSync(join(ui, "node_modules"))) {
    if (name === "tslib" && withVendoredTslib) continue;
    if (name.startsWith(".")) continue;
    symlinkSync(join(ui, "node_modules", name), join(modules, name));
  }
  if (withVendoredTslib) {
    mkdirSync(join(modules, "tslib"));
    writeFileSync(join(modules, "tslib", "package.json"), JSON.stringify({ name: "tslib", type: "module", exports: "./index.js" }));
    writeFileSync(join(modules, "tslib", "index.js"), transpile("src/vendor/tslib.ts"));
  }
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(scratch, "charts.js"), transpile("src/components/summaries/charts.ts"));
  writeFileSync(join(scratch, "chartOption.js"), transpile("src/components/summaries/chartOption.ts"));
  // Static imports run in order: the prototype is frozen before any of ECharts is evaluated.
  writeFileSync(join(scratch, "freeze.js"), "Object.freeze(Object.prototype);\n");
  writeFileSync(
    join(scratch, "main.js"),
    `import "./freeze.js";
import "./charts.js";
import { init } from "echarts/core";
import { barChartOption } from "./chartOption.js";
const chart = init(null, null, { renderer: "svg", ssr: true, width: 640, height: 240 });
chart.setOption(barChartOption(["Detención preventiva", "Condenada"], [
  { name: "Antioquia", values: [12, null] },
  { name: "Cauca", values: [6, 9] },
], (value) => String(value)));
process.stdout.write(chart.renderToSVGString());
chart.dispose();
`,
  );
  return spawnSync(process.execPath, ["--preserve-symlinks", "--preserve-symlinks-main", join(scratch, "main.js")], {
    cwd: scratch,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("the summaries' charts", () => {
  it("load and draw with Object.prototype frozen, as in the app's webview", () => {
    const run = drawFrozen(true);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout.startsWith("<svg")).toBe(true);
    expect(run.stdout).toContain("Detención preventiva");
    expect(run.stdout).toContain("Cauca");
  }, 60_000);

  it("would not load with ECharts' own tslib (what the vendored one is for)", () => {
    const run = drawFrozen(false);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("Cannot assign to read only property 'constructor'");
  }, 60_000);

  it("get the vendored tslib in the app's bundle", () => {
    const aliases = config.resolve?.alias as { find: string | RegExp; replacement: string }[];
    const tslib = aliases.find((alias) => alias.find instanceof RegExp && alias.find.test("tslib"));
    expect(tslib?.replacement).toBe(join(ui, "src/vendor/tslib.ts"));
    expect((tslib?.find as RegExp).test("tslib/tslib.es6.js")).toBe(false);
  });
});
