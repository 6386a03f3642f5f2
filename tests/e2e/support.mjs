// What every test file in tests/ shares: the environment run.sh provides, the UI's message
// catalogs, one app session per file with its steps, and helpers that find and work the app's
// elements by their data-testid.
//
// Vue replaces elements whenever it re-renders, and a closing dialog's mask or a toast can lie
// over the page for a moment: every helper below looks its element up again on each try (through
// retrying()) and clicks only once nothing covers the element, so that neither a replaced
// element nor an overlay on its way out fails a step.
//
// A test file calls session("its-name") once at its top level, then declares its steps with
// step(). `browser` is a live binding: it holds the session once the before hook has run.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
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

/** The administrator first-run.test.mjs creates; the later walks sign in as her. */
export const ADMIN = { username: "coordinadora", name: "Marta Gómez", password: "Caminar-juntas-2025!" };

/**
 * Signs in from the sign-in screen, in Spanish (the language is remembered on the laptop, so
 * a walk reads Spanish whatever came before), and waits for the main shell.
 */
export async function signIn(account = ADMIN) {
  await byTestId("sign-in");
  await chooseOption("lang-select", "Español");
  await typeInto("signin-username", account.username);
  await typeInto("signin-password", account.password);
  await clickTestId("signin-submit");
  await byTestId("shell");
}
/** How long one step may take (run.sh gives each test file more, and the whole run 10 minutes). */
const STEP_TIMEOUT = 120_000;

/** The session's webdriverio browser, set by the before hook session() registers. */
export let browser;
let sessionName = "";
let failed = false;

/**
 * Opens one app session for the calling test file (before its steps) and closes it after them.
 * `name` prefixes the file's failure screenshots.
 */
export function session(name, options = {}) {
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
      // `options.args` starts the app with other arguments (a second laptop's --data-dir).
      capabilities: { "tauri:options": { application: app, ...(options.args ? { args: options.args } : {}) } },
    });
    assert.equal(browser.capabilities.browserName, "wry", "the session drives the Tauri app's webview");
  });
  after(async () => {
    await browser?.deleteSession().catch(() => {});
  });
}

/** The folder this run's data and files live in (run.sh's E2E_RUN_DIR). */
export const runDir = required("E2E_RUN_DIR");

/**
 * What the app's next native file dialogs answer, one path each ("" = cancelled): a debug
 * build reads them from the file run.sh names in ACOMPANA_E2E_DIALOG_ANSWERS, since WebDriver
 * cannot drive a native dialog.
 */
export function answerDialogs(...answers) {
  writeFileSync(required("ACOMPANA_E2E_DIALOG_ANSWERS"), answers.join("\n"));
}

/** Moves the app's visit clock `days` ahead (a debug build reads ACOMPANA_E2E_CLOCK's file). */
export function advanceClockDays(days) {
  writeFileSync(required("ACOMPANA_E2E_CLOCK"), String(days));
}

/**
 * A scenario step: skipped once an earlier step failed, so the first failure is the one that
 * explains; a failing step leaves a screenshot. `options.todo` names a known problem: the step
 * still runs and reports, but its failure neither fails the run nor stops the steps after.
 */
export function step(name, body, options = {}) {
  test(name, { timeout: STEP_TIMEOUT, ...options }, async (t) => {
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

/**
 * A screenshot of the window, as screenshots/<name>.png, and (unless it records a failure or a
 * printout's paper) an accessibility check of what it shows: every screen worth a screenshot is
 * a screen axe-core must find no WCAG 2.x A or AA violation on.
 */
export async function shot(name) {
  // WebKitWebDriver can hand back the previous frame right after a change: let it paint.
  await browser.pause(400);
  await paintingWhile(() => browser.saveScreenshot(path.join(screenshots, `${name}.png`)));
  // A printout shown as it comes out on paper is not a screen anyone works in.
  if (!name.startsWith("failure-") && !/-paper(-\d+)?$/.test(name)) await assertAccessible(name);
}

/**
 * Runs `action` while the page repaints every frame. WebKitWebDriver takes a screenshot after
 * the page's next presentation update; without accelerated compositing (as the app runs, see
 * src-tauri/src/lean.rs) a page where nothing changes never presents one, and the screenshot
 * waits forever. The root's opacity flickers between 1 and 0.999 (invisible) and is put back.
 */
async function paintingWhile(action) {
  await browser.execute(() => {
    const root = document.documentElement;
    const before = root.style.opacity;
    window.e2ePainting = true;
    let frame = 0;
    const tick = () => {
      // At most about ten seconds, should the test never say stop.
      if (!window.e2ePainting || frame++ > 600) {
        root.style.opacity = before;
        window.e2ePainting = false;
        window.e2ePainted = true;
        return;
      }
      root.style.opacity = frame % 2 ? "0.999" : "1";
      requestAnimationFrame(tick);
    };
    window.e2ePainted = false;
    requestAnimationFrame(tick);
  });
  try {
    return await action();
  } finally {
    await browser.execute(() => {
      window.e2ePainting = false;
    });
    await browser.waitUntil(() => browser.execute(() => window.e2ePainted === true), {
      timeout: TIMEOUT,
      timeoutMsg: "the page did not stop repainting after the screenshot",
    });
  }
}

// axe-core's own build, injected into the page as it is; the rules it runs are WCAG 2.0, 2.1
// and 2.2 at levels A and AA.
const axeSource = readFileSync(path.join(here, "node_modules/axe-core/axe.min.js"), "utf8");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
const axeReport = path.join(screenshots, "axe.txt");

/**
 * Runs axe-core on the page as it is now and fails, naming each violation, its impact and the
 * elements it found, on any WCAG A or AA violation. Each screen checked is listed in
 * screenshots/axe.txt with the number of rules that passed.
 */
export async function assertAccessible(where) {
  // Injected through WebDriver itself (the page's policy forbids eval): the script body defines
  // window.axe, once per page.
  if (!(await browser.execute(() => typeof window.axe === "object"))) await browser.execute(axeSource);
  const result = await browser.execute(
    async (tags) => {
      const run = await window.axe.run(document, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      });
      return {
        passes: run.passes.length,
        violations: run.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")} :: ${n.failureSummary.replace(/\s+/g, " ")}`),
        })),
      };
    },
    WCAG_TAGS,
  );
  appendFileSync(axeReport, `${where}: ${result.violations.length} violations, ${result.passes} rules passed\n`);
  if (result.violations.length > 0) {
    const detail = result.violations
      .map((v) => `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n}`).join("\n")}`)
      .join("\n");
    // E2E_AXE=report lists every violation in axe.txt and goes on, to see them all in one run.
    if (process.env.E2E_AXE === "report") {
      appendFileSync(axeReport, `${detail}\n`);
      return;
    }
    assert.fail(`axe-core found ${result.violations.length} WCAG A/AA violations on "${where}":\n${detail}`);
  }
}

/**
 * Thrown by an attempt that is simply to be made again: what it waits for is not there yet.
 * `reason`, if any, ends up in the message when the wait runs out.
 */
class NotYet extends Error {}

function notYet(reason = "") {
  throw new NotYet(reason);
}

// What a re-render or a closing overlay explains, and goes away by itself: Vue replaced the
// element (stale, detached, gone for a moment), or something still lay over it when it was
// clicked. WebDriver's error names and the messages webdriverio gives them.
const TRANSIENT =
  /stale element|no longer attached|not attached to the page|element click intercepted|not (become )?interactable|no such element|wasn't found/i;

/**
 * Makes `attempt` until it answers without throwing, and answers what it answered. An attempt
 * that throws NotYet or a transient error (above) is made again, from the start, every 100 ms,
 * so it must find its elements afresh each time; any other error (an assertion, for one) is
 * thrown at once. After `timeout` the wait fails with `what` and the last reason.
 */
export async function retrying(attempt, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    let last;
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof NotYet) && !TRANSIENT.test(`${error?.name}: ${error?.message}`)) throw error;
      last = error;
    }
    if (Date.now() >= deadline) {
      const reason = last instanceof NotYet ? last.message : `${last.name}: ${last.message}`;
      throw new Error(reason ? `${what} (${reason})` : what, { cause: last });
    }
    await sleep(100);
  }
}

const selector = (testId) => `[data-testid="${testId}"]`;

/** One look for the element with this data-testid: it, if it is shown now. */
async function shown(testId) {
  const element = await browser.$(selector(testId));
  return (await element.isDisplayed()) ? element : notYet("not shown");
}

/** Runs `use` on the element with this data-testid once it is shown, found afresh each try. */
function withElement(testId, use, what) {
  return retrying(async () => use(await shown(testId)), what);
}

// What lies over the app for a moment: a dialog's mask (also while it fades out after its dialog
// has gone), a toast in the bottom-right corner, anything in a leave transition.
const OVERLAYS = ".p-dialog-mask, .p-overlay-mask, .p-toast, [class*='-leave-active']";

/** NotYet while the element is disabled or one of the OVERLAYS covers its middle (when in view). */
async function ready(element) {
  const why = await browser.execute(
    (target, overlays) => {
      if (target.matches(":disabled")) return "disabled";
      const box = target.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      const overlay = hit && !target.contains(hit) ? hit.closest(overlays) : null;
      if (!overlay || overlay.contains(target)) return "";
      return `covered by ${overlay.tagName.toLowerCase()}.${[...overlay.classList].join(".")}`;
    },
    element,
    OVERLAYS,
  );
  if (!why) return;
  // A toast stays while the pointer rests on it (the last click may have left it there).
  if (why.includes("p-toast")) await browser.action("pointer").move({ x: 1, y: 1 }).perform().catch(() => {});
  notYet(why);
}

/** Clicks the element once it is enabled and nothing lies over it. */
async function clickWhenReady(element) {
  await ready(element);
  await element.click();
}

/** The element with this data-testid, once it is shown. */
export function byTestId(testId, timeout = TIMEOUT) {
  return retrying(() => shown(testId), `${selector(testId)} not shown`, timeout);
}

/** Waits until no element has this data-testid (a dialog closed, a button went away). */
export function gone(testId) {
  return retrying(async () => {
    if (await browser.$(selector(testId)).isExisting()) notYet();
  }, `${selector(testId)} is still there`);
}

/** The value of the field with this data-testid. */
export function valueOf(testId) {
  return withElement(testId, (element) => element.getValue(), `the value of ${selector(testId)}`);
}

export async function clickTestId(testId) {
  await withElement(testId, clickWhenReady, `could not click ${selector(testId)}`);
}

export async function typeInto(testId, text) {
  const value = await withElement(
    testId,
    async (element) => {
      await clickWhenReady(element);
      await element.clearValue();
      await element.setValue(text);
      return element.getValue();
    },
    `could not type into ${selector(testId)}`,
  );
  assert.equal(value, text, `${testId} did not take the typed text`);
}

/** Empties a text field the way a person does (select all, delete), so the app hears it. */
export async function clearField(testId) {
  const value = await withElement(
    testId,
    async (element) => {
      await clickWhenReady(element);
      await browser.keys(["Control", "a"]);
      await browser.keys(["Backspace"]);
      return element.getValue();
    },
    `could not empty ${selector(testId)}`,
  );
  assert.equal(value, "", `${testId} was not emptied`);
}

/** Types a day/month/year date into a calendar field that it empties first, and leaves it. */
export async function typeDate(testId, text) {
  await clearField(testId);
  await withElement(testId, (element) => element.setValue(text), `could not type into ${selector(testId)}`);
  await browser.keys(["Tab"]);
}

export async function chooseOption(testId, optionText) {
  await withElement(
    testId,
    async (element) => {
      assert.equal(await element.getTagName(), "select", `${testId} is expected to be a <select>`);
      await ready(element);
      await element.selectByVisibleText(optionText);
    },
    `could not choose "${optionText}" in ${selector(testId)}`,
  );
}

/** The element's text as it is rendered (see visibleText), read once. */
async function innerText(element) {
  return String(await element.getProperty("innerText")).trim();
}

/**
 * The element's rendered text. WebKitWebDriver's Get Element Text answers "" for some visible
 * elements (an ellipsised span in the top bar, for one), so this reads innerText instead. An
 * element Vue has replaced meanwhile is found again by the selector it was found by.
 */
export function visibleText(element) {
  return retrying(() => innerText(element), `the text of ${element.selector}`);
}

/** Waits until the element's text is not empty, and answers it. */
export function textOf(testId) {
  return withElement(testId, async (element) => (await innerText(element)) || notYet(), `${selector(testId)} stayed empty`);
}

/** Waits until the element's text includes `expected` (screens fill in after IPC answers); answers the text. */
export async function waitForTextIn(testId, expected) {
  let text;
  await withElement(
    testId,
    async (element) => {
      text = await innerText(element);
      if (!text.includes(expected)) notYet();
    },
    `${selector(testId)} does not show "${expected}"`,
  ).catch((error) => {
    if (text === undefined) throw error;
  });
  assert.ok(text.includes(expected), `${selector(testId)} shows "${expected}"; it shows: ${text}`);
  return text;
}

/**
 * Waits until the list of women shows exactly one, named `chosenName` (the list answers a
 * search after a pause); answers the test id of her open button.
 */
export async function foundAlone(chosenName) {
  let openId = null;
  await browser.waitUntil(
    async () => {
      openId = await browser.execute((name) => {
        const buttons = [...document.querySelectorAll('[data-testid^="participant-open-"]')];
        return buttons.length === 1 && buttons[0].innerText.trim() === name ? buttons[0].getAttribute("data-testid") : null;
      }, chosenName);
      return openId !== null;
    },
    { timeout: TIMEOUT, timeoutMsg: `the search did not find ${chosenName} alone` },
  );
  return openId;
}

/** Opens a woman's file from Participantes by mouse: searches `search`, waits until she is the only one found. */
export async function openFileOf(search, chosenName) {
  await clickTestId("nav-participants");
  await byTestId("participants-area");
  await typeInto("participant-search", search);
  await clickTestId(await foundAlone(chosenName));
  await byTestId("participant-file");
  await waitForTextIn("file-name", chosenName);
}

/** Nothing in the main area is wider than the window (no sideways scrolling at 1366×768). */
export async function assertFits(where) {
  const [scrollWidth, clientWidth] = await retrying(
    async () =>
      (await browser.execute(() => {
        const content = document.querySelector('[data-testid="content"]');
        return content && [content.scrollWidth, content.clientWidth];
      })) ?? notYet(),
    `${where}: the main area is not shown`,
  );
  assert.ok(scrollWidth <= clientWidth + 1, `${where} is wider than the window: ${scrollWidth} > ${clientWidth}`);
}

/** A dialog is inside the window and nothing in it scrolls sideways (names what sticks out). */
export async function assertDialogFits(testId) {
  const measure = (id) => {
    const dialog = document.querySelector(`[data-testid="${id}"]`);
    const content = dialog?.querySelector(".p-dialog-content");
    if (!content) return null;
    const rect = dialog.getBoundingClientRect();
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
  };
  const box = await retrying(async () => (await browser.execute(measure, testId)) ?? notYet(), `${selector(testId)} is not shown`);
  assert.ok(box.left >= 0 && box.right <= box.width, `${testId} is wider than the window: ${JSON.stringify(box)}`);
  assert.ok(box.top >= 0 && box.bottom <= box.height, `${testId} is taller than the window: ${JSON.stringify(box)}`);
  assert.ok(box.sideways <= 1, `${testId} scrolls sideways: ${JSON.stringify(box)}`);
}

/** Opens a tab of her file and waits for its panel. */
export async function openTab(id) {
  await clickTestId(`tab-${id}`);
  await byTestId(`${id}-tab`);
}

// ---- keyboard only ----------------------------------------------------------------------------------

/**
 * Counts the mouse's and pointer's presses in the page from now on, so a keyboard-only walk
 * can prove it used none (WebDriver's clicks are real pointer events; Enter on a button is
 * a click without one).
 */
export async function countPointerPresses() {
  await browser.execute(() => {
    window.__pointerPresses = 0;
    for (const kind of ["pointerdown", "mousedown"]) {
      window.addEventListener(kind, () => window.__pointerPresses++, true);
    }
  });
}

export async function pointerPresses() {
  return browser.execute(() => window.__pointerPresses ?? -1);
}

/**
 * Presses Tab (Shift+Tab when `backwards`) until the focused element is, or is inside, the one
 * `selector` names (a data-testid, or a CSS selector starting with "["), at most `max` times.
 * At every stop the focused element must show that it has the focus (an outline or a ring).
 */
export async function tabTo(selector, { backwards = false, max = 80 } = {}) {
  const css = selector.startsWith("[") ? selector : `[data-testid="${selector}"]`;
  for (let press = 0; press <= max; press++) {
    const state = await browser.execute((wanted) => {
      const active = document.activeElement;
      if (!active || active === document.body) return { at: false, visible: true, what: "body" };
      const style = getComputedStyle(active);
      // A heading focused by the app (tabindex -1) is not a Tab stop and needs no ring.
      const visible =
        active.tabIndex < 0 ||
        (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
      const what = `${active.tagName.toLowerCase()}[data-testid=${active.getAttribute("data-testid")}] ${(active.textContent ?? "").trim().slice(0, 30)}`;
      return { at: active.closest(wanted) !== null, visible, what };
    }, css);
    assert.ok(state.visible, `the focused element shows no focus: ${state.what}`);
    if (state.at) return;
    await browser.keys(backwards ? ["Shift", "Tab"] : ["Tab"]);
  }
  assert.fail(`${selector} was not reached with ${max} presses of Tab`);
}

/** Presses keys (webdriverio's names: "Enter", "ArrowRight", "Control"…). */
export async function press(...keys) {
  await browser.keys(keys);
}

/**
 * Types `text` into the focused field with WebDriver's keyboard (no pointer), and checks it
 * arrived whole: a burst of keys can lose one while the field re-renders, and then it is typed
 * again. The field is emptied first (Ctrl+A, Backspace). `expected` is what the field then holds (the text
 * itself unless the field formats it).
 */
export async function typeHere(text, expected = text) {
  for (let attempt = 0; attempt < 3; attempt++) {
    // Whatever the field held goes first, by the keyboard too.
    await press("Control", "a");
    await press("Backspace");
    const active = await browser.$(await browser.getActiveElement());
    await active.addValue(text);
    if ((await active.getValue()) === expected) return;
  }
  assert.fail(`"${text}" did not arrive whole in the focused field`);
}
