// The demo button on the first-run screen, driven through the real desktop app: it fills a
// separate demo vault with invented women, signs in to it, and the shell says, all the time,
// that nothing there is real. Locking leaves the demo and goes back to the first-run screen.
//
// Runs first of the suite (files run one at a time, in name order), while the data folder has
// no vault yet; the demo vault lives in its own folder inside it and first-run.test.mjs then
// creates the real vault beside it.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through tests/e2e/run.sh`);
  return value;
}

const app = required("E2E_APP");
const driverPort = Number(required("E2E_DRIVER_PORT"));
const screenshots = required("E2E_SCREENSHOTS");
const spanish = JSON.parse(readFileSync(path.join(repoRoot, "ui/src/locales/es.json"), "utf8"));

function es(key) {
  const value = key.split(".").reduce((node, part) => node?.[part], spanish);
  assert.equal(typeof value, "string", `es.json has no message ${key}`);
  return value;
}

const TIMEOUT = 20_000;
// The first opening generates hundreds of invented files (a debug build is slow at it).
const DEMO_TIMEOUT = 100_000;

let browser;
let failed = false;

before(async () => {
  browser = await remote({
    hostname: "127.0.0.1",
    port: driverPort,
    logLevel: "warn",
    connectionRetryCount: 0,
    waitforTimeout: TIMEOUT,
    capabilities: { "tauri:options": { application: app } },
  });
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
});

function step(name, body) {
  test(name, async (t) => {
    if (failed) {
      t.skip("an earlier step failed");
      return;
    }
    try {
      await body(t);
    } catch (error) {
      failed = true;
      await browser
        .saveScreenshot(path.join(screenshots, `failure-demo-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.png`))
        .catch(() => {});
      throw error;
    }
  });
}

async function byTestId(testId, timeout = TIMEOUT) {
  const element = await browser.$(`[data-testid="${testId}"]`);
  await element.waitForDisplayed({ timeout, timeoutMsg: `[data-testid="${testId}"] not shown` });
  return element;
}

async function visibleText(element) {
  return String(await element.getProperty("innerText")).trim();
}

step("the demo button opens a vault of invented women, busy meanwhile", async () => {
  await byTestId("first-run");
  const button = await byTestId("demo-button");
  await button.waitForEnabled({ timeout: TIMEOUT });
  await button.click();
  await byTestId("shell", DEMO_TIMEOUT);
  const banner = await visibleText(await byTestId("demo-banner"));
  assert.ok(banner.includes(es("demo.banner")), banner);
});

step("Hoy opens first, with the demo's tasks grouped and counted", async () => {
  await byTestId("today-area");
  const overdue = await byTestId("today-group-overdue");
  await browser.waitUntil(async () => (await browser.$$('[data-testid^="today-row-"]')).length > 0, {
    timeout: TIMEOUT,
    timeoutMsg: "Hoy lists no task in the demo vault",
  });
  assert.ok((await visibleText(overdue)).includes(es("today.group.overdue")));
  const [scrollWidth, clientWidth] = await browser.execute(() => {
    const content = document.querySelector('[data-testid="content"]');
    return [content.scrollWidth, content.clientWidth];
  });
  assert.ok(scrollWidth <= clientWidth + 1, `Hoy is wider than the window: ${scrollWidth} > ${clientWidth}`);
  await browser.pause(400);
  await browser.saveScreenshot(path.join(screenshots, "00-demo-today.png"));
});

step("the demo's participants are listed, with the banner still in view", async () => {
  await (await byTestId("nav-participants")).click();
  await byTestId("participants-table");
  await browser.waitUntil(async () => (await browser.$$('[data-testid^="participant-row-"]')).length > 0, {
    timeout: TIMEOUT,
    timeoutMsg: "the demo vault lists nobody",
  });
  const total = await visibleText(await byTestId("participants-total"));
  assert.match(total, /\d/, total);
  await byTestId("demo-banner");
  await browser.saveScreenshot(path.join(screenshots, "00-demo-participants.png"));
});

step("a demo file opens on its tabs", async () => {
  const first = await browser.$('[data-testid^="participant-open-"]');
  await first.click();
  await byTestId("participant-file");
  await (await byTestId("tab-documents")).click();
  await byTestId("documents-tab");
  await browser.saveScreenshot(path.join(screenshots, "00-demo-file-documents.png"));
  await (await byTestId("tab-history")).click();
  await byTestId("history-table");
});

step("locking leaves the demo for the first-run screen", async () => {
  await (await byTestId("lock-button")).click();
  await byTestId("first-run");
  assert.equal(await (await browser.$('[data-testid="demo-banner"]')).isExisting(), false);
});
