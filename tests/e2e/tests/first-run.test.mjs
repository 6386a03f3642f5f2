// The first day with Acompaña, driven through the real desktop app in Spanish at 1366×768:
// create a vault, note the recovery code, add a colleague, lock, fail and then succeed to sign
// in, check the audit log, and find none of what was typed in readable on disk. Started by
// ../run.sh, which provides the environment below.
//
// Steps share one app session and run in order; after a failed step the rest are skipped, so
// the first failure is the one that explains.

import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import {
  TIMEOUT,
  browser,
  byTestId,
  chooseOption,
  clickTestId,
  es,
  gone,
  required,
  session,
  shot,
  step,
  textOf,
  typeInto,
  visibleText,
} from "../support.mjs";
import { webProcessEnvironment } from "../processes.mjs";

const dataDir = required("ACOMPANA_DATA_DIR");
const runDir = required("E2E_RUN_DIR");

/** A pattern matching the Spanish message for a key, whatever its {placeholders} became. */
function esPattern(key) {
  const parts = es(key)
    .split(/\{[^}]*\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+"));
  return new RegExp(parts.join(".+?"));
}

const ORG_NAME = "Corporación Mujeres Libres";
const ADMIN = { username: "coordinadora", name: "Marta Gómez", password: "Caminar-juntas-2025!" };
const COLLEAGUE = { username: "lucia", name: "Lucía Pérez", password: "Otra-clave-segura-77" };
const WRONG_PASSWORD = "no-es-esta-clave-1";

let recoveryCode = null;

session("first-run");

/** Waits until the element's text is exactly `expected` (screens fill in after IPC answers). */
async function waitForText(testId, expected) {
  let text;
  await browser
    .waitUntil(async () => (text = await visibleText(await byTestId(testId))) === expected, { timeout: TIMEOUT })
    .catch(() => {});
  assert.equal(text ?? (await visibleText(await byTestId(testId))), expected, `text of [data-testid="${testId}"]`);
}

step("the app opens on the first-run screen, in Spanish, at 1366×768", async (t) => {
  await byTestId("first-run");
  const size = await browser.execute(() => [window.innerWidth, window.innerHeight]);
  t.diagnostic(`viewport ${size[0]}×${size[1]}`);
  assert.equal(size[0], 1366);
  const lang = await browser.execute(() => document.documentElement.lang);
  assert.match(lang, /^es/);
  await waitForText("create-submit", es("firstRun.submit"));
  await shot("01-first-run");
});

step("the webview runs lean: JavaScript interpreted, no accelerated compositing, a small heap", async () => {
  // Set by the app itself (src-tauri/src/lean.rs) before its web process starts; run.sh sets
  // none. Together they take about 185 MiB off the web process (make bench-app).
  const environment = webProcessEnvironment(required("E2E_APP"));
  assert.equal(environment.get("JSC_useJIT"), "0", "the web process runs without the JIT");
  assert.equal(environment.get("WEBKIT_DISABLE_COMPOSITING_MODE"), "1", "the web process draws without compositing");
  assert.equal(environment.get("JSC_forceRAMSize"), "536870912", "JavaScriptCore sizes its heap for 512 MiB");
  assert.equal(environment.get("JSC_largeHeapSize"), "4194304", "JavaScriptCore collects from a 4 MiB heap on");
});

step("creating a vault shows the recovery code", async () => {
  // demo.test.mjs ran first and left only the separate demo vault, in its own folder.
  assert.deepEqual(
    readdirSync(dataDir).filter((name) => name !== "demo"),
    [],
    "the data folder starts without a vault",
  );
  await typeInto("create-org-name", ORG_NAME);
  await chooseOption("create-country", es("countries.CO"));
  await typeInto("create-admin-name", ADMIN.name);
  await typeInto("create-admin-username", ADMIN.username);
  await typeInto("create-password", ADMIN.password);
  await typeInto("create-password-confirm", ADMIN.password);
  await clickTestId("create-submit");

  const code = await textOf("recovery-code");
  recoveryCode = code;
  assert.match(code, /[A-Z0-9]{4}/, `recovery code looks like a code: ${code}`);
  // The app inherited ACOMPANA_DATA_DIR from tauri-driver: the vault is in this run's folder.
  assert.notDeepEqual(
    readdirSync(dataDir).filter((name) => name !== "demo"),
    [],
    "the vault was written to ACOMPANA_DATA_DIR",
  );
  await shot("02-recovery-code");
});

step("after noting the code, the main shell shows", async () => {
  await byTestId("recovery-continue");
  await clickTestId("recovery-confirm");
  assert.equal(await (await byTestId("recovery-confirm")).isSelected(), true);
  await clickTestId("recovery-continue");
  await byTestId("shell");
  await waitForText("org-name", ORG_NAME);
  // The first area is Hoy, empty on a new vault.
  await byTestId("today-empty");
  await shot("03-shell");
});

step("the coordinator adds a caseworker in Equipo", async () => {
  await clickTestId("nav-staff");
  await byTestId("staff-area");
  await clickTestId("staff-add");
  await byTestId("staff-dialog");
  await typeInto("staff-name", COLLEAGUE.name);
  await typeInto("staff-username", COLLEAGUE.username);
  await chooseOption("staff-role", es("roles.caseworker"));
  await typeInto("staff-password", COLLEAGUE.password);
  await typeInto("staff-password-confirm", COLLEAGUE.password);
  await shot("04-staff-dialog");
  await clickTestId("staff-save");

  const rowText = await textOf(`staff-row-${COLLEAGUE.username}`);
  assert.match(rowText, new RegExp(COLLEAGUE.username));
  assert.match(rowText, new RegExp(es("roles.caseworker"), "i"));
  await gone("staff-dialog");
  await shot("05-staff-list");
});

step("the lock button leads to the sign-in screen", async () => {
  await clickTestId("lock-button");
  await byTestId("sign-in");
  assert.equal(await (await browser.$('[data-testid="shell"]')).isExisting(), false);
});

step("the locked screen names nobody", async () => {
  // The toasts that name her, read in one go: their text, and whether they are on their way out.
  const naming = () =>
    browser.execute(
      (name) =>
        [...document.querySelectorAll('[data-testid="toast"] .p-toast-message')]
          .filter((message) => message.innerText.includes(name))
          .map((message) => ({ text: message.innerText.trim(), leaving: message.matches("[class*='-leave-']") })),
      COLLEAGUE.name,
    );
  // Messages are cleared on lock: within a moment every one naming her is leaving or gone...
  let left = [];
  const cleared = await browser
    .waitUntil(async () => (left = await naming()).every((message) => message.leaving), { timeout: 1000, interval: 100 })
    .catch(() => false);
  assert.ok(cleared, `a message still names ${COLLEAGUE.name}: ${left.map((message) => message.text).join(" | ")}`);
  // ...and their leave transition, which a busy machine slows down, then takes them off the screen.
  await browser.waitUntil(async () => (left = await naming()).length === 0, {
    timeout: TIMEOUT,
    timeoutMsg: `a message naming ${COLLEAGUE.name} stays on the locked screen`,
  });
});

step("a wrong password is refused with a Spanish message", async () => {
  await typeInto("signin-username", ADMIN.username);
  await typeInto("signin-password", WRONG_PASSWORD);
  await clickTestId("signin-submit");
  const message = await textOf("signin-error");
  assert.equal(message, es("errors.wrong_credentials"));
  assert.doesNotMatch(message, /wrong_credentials|WrongCredentials/);
  await shot("06-sign-in-error");
});

step("the right password opens the shell again", async () => {
  await typeInto("signin-password", ADMIN.password);
  await clickTestId("signin-submit");
  await byTestId("shell");
});

step("the audit log lists the day's events and verifies intact", async () => {
  await clickTestId("nav-audit");
  await byTestId("audit-table");
  await browser.waitUntil(async () => (await browser.$$('[data-testid^="audit-row-"]')).length >= 4, {
    timeout: TIMEOUT,
    timeoutMsg: "the audit log shows fewer than 4 events",
  });
  const tableText = await textOf("audit-table");
  assert.match(tableText, new RegExp(COLLEAGUE.username), "the audit log mentions the new colleague");
  for (const action of ["vault_created", "staff_added", "signed_in", "locked", "sign_in_failed"]) {
    assert.ok(tableText.includes(es(`audit.action.${action}`)), `the audit log shows ${action} in Spanish`);
  }

  await clickTestId("audit-verify");
  const result = await byTestId("audit-verify-result");
  assert.equal(await result.getAttribute("data-result"), "ok");
  assert.match(await visibleText(result), esPattern("audit.verifyOk"));
  await shot("07-audit-log");
});

step(
  "the audit log's details are in Spanish too",
  async () => {
    const tableText = await visibleText(await byTestId("audit-table"));
    for (const code of ["admin", "coordinator", "caseworker"]) {
      assert.doesNotMatch(tableText, new RegExp(`\\b${code}\\b`), `untranslated role code "${code}"`);
    }
  },
);

/** Every file under a folder, recursively. */
function filesUnder(folder) {
  return readdirSync(folder, { recursive: true })
    .map((name) => path.join(folder, name))
    .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile());
}

step("nothing typed in is readable on disk or in the app's log", async () => {
  // The vault, its WAL and key slots, the sign-in throttle record, the webview's storage and
  // caches, and the app's own output (driver.log): run.sh points all of them into runDir.
  const secrets = [ORG_NAME, ADMIN.name, COLLEAGUE.name, ADMIN.password, COLLEAGUE.password, WRONG_PASSWORD];
  if (recoveryCode) secrets.push(recoveryCode, recoveryCode.replace(/[^A-Z0-9]/g, ""));
  const needles = secrets.flatMap((secret) => [
    { secret, bytes: Buffer.from(secret, "utf8") },
    { secret, bytes: Buffer.from(secret, "utf16le") },
  ]);
  const files = filesUnder(runDir);
  assert.ok(files.some((file) => file.startsWith(dataDir)), "the data folder holds the vault");
  const found = [];
  for (const file of files) {
    const content = readFileSync(file);
    for (const { secret, bytes } of needles) {
      if (content.includes(bytes)) found.push(`${path.relative(runDir, file)}: ${secret}`);
    }
  }
  assert.deepEqual(found, [], "plaintext found on disk");
});

