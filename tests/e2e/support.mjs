// What every test file in tests/ shares: the environment run.sh provides, the UI's message
// catalogs, one app session per file with its steps, and helpers that find and work the app's
// elements by their data-testid.
//
// A test file calls session("its-name") once at its top level, then declares its steps with
// step(). `browser` is a live binding: it holds the session once the before hook has run.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through tests/e2e/run.sh`);
  return value;
}

const app = required("E2E_APP");
const driverPort = Number(required("E2E_DRIVER_PORT"));
const screenshots = required("E2E_SCREENSHOTS");

/** A JSON file of the repository, by its path from the repository's root. */
export function readRepoJson(relativePath) {
  return JSON.parse(readFileSync(path.join(repoRoot, relativePath), "utf8"));
}

// The catalogs the UI ships: expected texts come from them rather than being copied here.
export const spanish = readRepoJson("ui/src/locales/es.json");
export const portuguese = readRepoJson("ui/src/locales/pt-BR.json");
const catalogNames = new Map([
  [spanish, "es.json"],
  [portuguese, "pt-BR.json"],
]);

/** A catalog's message for a dotted key, with {placeholders} left as they are. */
export function message(catalog, key) {
  const value = key.split(".").reduce((node, part) => node?.[part], catalog);
  assert.equal(typeof value, "string", `${catalogNames.get(catalog) ?? "the catalog"} has no message ${key}`);
  return value;
}

/** The Spanish message for a dotted key, with {placeholders} left as they are. */
export function es(key) {
  return message(spanish, key);
}

/** The Spanish message with its {placeholders} filled in (the first form of a plural). */
export function esWith(key, values) {
  return es(key)
    .split(" | ")[0]
    .replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
}

export const TIMEOUT = 20_000;

/** The session's webdriverio browser, set by the before hook session() registers. */
export let browser;
let sessionName = "";
let failed = false;

/**
 * Opens one app session for the calling test file (before its steps) and closes it after them.
 * `name` prefixes the file's failure screenshots.
 */
export function session(name) {
  sessionName = name;
  before(async () => {
    browser = await remote({
      hostname: "127.0.0.1",
      port: driverPort,
      logLevel: "warn",
      connectionRetryCount: 0,
      waitforTimeout: TIMEOUT,
      // tauri-driver turns tauri:options into WebKitWebDriver's webkitgtk:browserOptions. No
      // browserName: WebKitWebDriver 2.50 refuses to match one it does not know before launching;
      // wry then announces itself as "wry", checked below.
      capabilities: { "tauri:options": { application: app } },
    });
    assert.equal(browser.capabilities.browserName, "wry", "the session drives the Tauri app's webview");
  });
  after(async () => {
    await browser?.deleteSession().catch(() => {});
  });
}

/**
 * A scenario step: skipped once an earlier step failed, so the first failure is the one that
 * explains; a failing step leaves a screenshot. `options.todo` names a known problem: the step
 * still runs and reports, but its failure neither fails the run nor stops the steps after.
 */
export function step(name, body, options = {}) {
  test(name, options, async (t) => {
    if (failed) {
      t.skip("an earlier step failed");
      return;
    }
    try {
      await body(t);
    } catch (error) {
      if (!options.todo) failed = true;
      await shot(`failure-${sessionName}-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`).catch(() => {});
      throw error;
    }
  });
}

/** A screenshot of the window, as screenshots/<name>.png. */
export async function shot(name) {
  // WebKitWebDriver can hand back the previous frame right after a change: let it paint.
  await browser.pause(400);
  await browser.saveScreenshot(path.join(screenshots, `${name}.png`));
}

/** The element with this data-testid, once it is shown. */
export async function byTestId(testId, timeout = TIMEOUT) {
  const element = await browser.$(`[data-testid="${testId}"]`);
  await element.waitForDisplayed({ timeout, timeoutMsg: `[data-testid="${testId}"] not shown` });
  return element;
}

/** Waits until no element has this data-testid (a dialog closed, a button went away). */
export async function gone(testId) {
  await (await browser.$(`[data-testid="${testId}"]`)).waitForExist({ reverse: true, timeout: TIMEOUT });
}

export async function typeInto(testId, text) {
  const element = await byTestId(testId);
  await element.click();
  await element.clearValue();
  await element.setValue(text);
  assert.equal(await element.getValue(), text, `${testId} did not take the typed text`);
}

/** Empties a text field the way a person does (select all, delete), so the app hears it. */
export async function clearField(testId) {
  const element = await byTestId(testId);
  await element.click();
  await browser.keys(["Control", "a"]);
  await browser.keys(["Backspace"]);
  assert.equal(await element.getValue(), "", `${testId} was not emptied`);
}

export async function chooseOption(testId, visibleText) {
  const element = await byTestId(testId);
  assert.equal(await element.getTagName(), "select", `${testId} is expected to be a <select>`);
  await element.selectByVisibleText(visibleText);
}

export async function clickTestId(testId) {
  const element = await byTestId(testId);
  await element.waitForEnabled({ timeout: TIMEOUT });
  await element.click();
}

/**
 * The element's rendered text. WebKitWebDriver's Get Element Text answers "" for some visible
 * elements (an ellipsised span in the top bar, for one), so this reads innerText instead.
 */
export async function visibleText(element) {
  return String(await element.getProperty("innerText")).trim();
}

/** Waits until the element's text is not empty, and answers it. */
export async function textOf(testId) {
  const element = await byTestId(testId);
  await browser.waitUntil(async () => (await visibleText(element)) !== "", {
    timeout: TIMEOUT,
    timeoutMsg: `[data-testid="${testId}"] stayed empty`,
  });
  return visibleText(element);
}

/** Waits until the element's text includes `expected` (screens fill in after IPC answers); answers the text. */
export async function waitForTextIn(testId, expected) {
  const element = await byTestId(testId);
  let text = "";
  await browser
    .waitUntil(async () => (text = await visibleText(element)).includes(expected), { timeout: TIMEOUT })
    .catch(() => {});
  assert.ok(text.includes(expected), `[data-testid="${testId}"] shows "${expected}"; it shows: ${text}`);
  return text;
}

/** Nothing in the main area is wider than the window (no sideways scrolling at 1366×768). */
export async function assertFits(where) {
  const [scrollWidth, clientWidth] = await browser.execute(() => {
    const content = document.querySelector('[data-testid="content"]');
    return [content.scrollWidth, content.clientWidth];
  });
  assert.ok(scrollWidth <= clientWidth + 1, `${where} is wider than the window: ${scrollWidth} > ${clientWidth}`);
}

/** A dialog is inside the window and nothing in it scrolls sideways (names what sticks out). */
export async function assertDialogFits(testId) {
  const box = await browser.execute((id) => {
    const dialog = document.querySelector(`[data-testid="${id}"]`);
    const rect = dialog.getBoundingClientRect();
    const content = dialog.querySelector(".p-dialog-content");
    const bounds = content.getBoundingClientRect();
    const name = (element) => `${element.tagName.toLowerCase()}#${element.id}.${element.className}`;
    const wide = [...content.querySelectorAll("*")]
      .filter((element) => {
        const inner = element.getBoundingClientRect();
        if (inner.width === 0 && inner.height === 0) return false;
        return inner.right > bounds.right + 1 || inner.left < bounds.left - 1 || element.scrollWidth > element.clientWidth + 1;
      })
      .slice(0, 8)
      .map((element) => `${name(element)} ${Math.round(element.getBoundingClientRect().left)}..${Math.round(element.getBoundingClientRect().right)} sw=${element.scrollWidth} cw=${element.clientWidth}`);
    return {
      left: rect.left,
      right: rect.right,
      top: rect.top,
      bottom: rect.bottom,
      width: window.innerWidth,
      height: window.innerHeight,
      sideways: content.scrollWidth - content.clientWidth,
      wide,
    };
  }, testId);
  assert.ok(box.left >= 0 && box.right <= box.width, `${testId} is wider than the window: ${JSON.stringify(box)}`);
  assert.ok(box.top >= 0 && box.bottom <= box.height, `${testId} is taller than the window: ${JSON.stringify(box)}`);
  assert.ok(box.sideways <= 1, `${testId} scrolls sideways: ${JSON.stringify(box)}`);
}

/** Opens a tab of her file and waits for its panel. */
export async function openTab(id) {
  await clickTestId(`tab-${id}`);
  await byTestId(`${id}-tab`);
}
