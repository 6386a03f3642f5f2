#!/usr/bin/env node
// A walk through every screen with WebDriver, against the built UI and the fake core
// (serve.mjs), in WebKitGTK's MiniBrowser — the engine Tauri uses on Linux — with
// Object.prototype frozen as in the app. It checks that the test ids work for typing,
// selecting and clicking, the way the end-to-end tests will use them. A development aid,
// not part of `npm test`:
//   Xvfb :87 & DISPLAY=:87 WebKitWebDriver --port=4455 & node scripts/preview/serve.mjs 4173 &
//   node scripts/preview/smoke.mjs http://127.0.0.1:4455 http://127.0.0.1:4173 /tmp/shots

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [driver = "http://127.0.0.1:4455", app = "http://127.0.0.1:4173", out = "/tmp/acompana-shots"] = process.argv.slice(2);
const MINIBROWSER = process.env.MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
async function wd(method, path, body) {
  const r = await fetch(driver + path, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const j = await r.json(); if (!r.ok) throw new Error(method + " " + path + " " + JSON.stringify(j.value)); return j.value;
}
const s = await wd("POST", "/session", { capabilities: { alwaysMatch: { "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] } } } });
const S = "/session/" + s.sessionId;
mkdirSync(out, { recursive: true });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function find(id, timeout = 8000) {
  const t0 = Date.now();
  for (;;) {
    try { return Object.values(await wd("POST", S + "/element", { using: "css selector", value: `[data-testid="${id}"]` }))[0]; }
    catch { if (Date.now() - t0 > timeout) throw new Error("not found " + id); await sleep(100); }
  }
}
async function gone(id, timeout = 8000) { const t0 = Date.now(); for (;;) { const els = await wd("POST", S + "/elements", { using: "css selector", value: `[data-testid="${id}"]` }); if (!els.length) return; if (Date.now() - t0 > timeout) throw new Error("still there " + id); await sleep(100); } }
const snap = async (name) => writeFileSync(join(out, `${name}.png`), Buffer.from(await wd("GET", S + "/screenshot"), "base64"));
const click = async (id) => { try { return await wd("POST", `${S}/element/${await find(id)}/click`, {}); } catch (e) { await snap("fail-" + id); const info = await wd("POST", S + "/execute/sync", { script: "const r = document.querySelector('[data-testid=\"" + id + "\"]').getBoundingClientRect(); const el = document.elementFromPoint(r.x + r.width/2, r.y + r.height/2); return [r.x, r.y, r.width, r.height, el && el.outerHTML.slice(0, 300)]", args: [] }); console.log(info); throw e; } };
const type = async (id, text) => wd("POST", `${S}/element/${await find(id)}/value`, { text });
const clear = async (id) => wd("POST", `${S}/element/${await find(id)}/clear`, {});
const text = async (id) => wd("GET", `${S}/element/${await find(id)}/text`);
const enabled = async (id) => wd("GET", `${S}/element/${await find(id)}/enabled`);
async function waitText(id, pred, timeout = 8000) { const t0 = Date.now(); for (;;) { const v = await text(id).catch(() => ""); if (pred(v)) return v; if (Date.now() - t0 > timeout) throw new Error(`text of ${id}: ${v}`); await sleep(100); } }
const ok = (m) => console.log("ok -", m);
try {
  await wd("POST", S + "/window/rect", { width: 1366, height: 768 });
  // First run with keyboard: Enter submits
  await wd("POST", S + "/url", { url: app + "/?scenario=fresh" });
  await type("create-org-name", "La Rama");
  await click("create-country"); // open native select
  await wd("POST", `${S}/element/${Object.values(await wd("POST", S + "/element", { using: "css selector", value: '[data-testid="create-country"] option[value="AR"]' }))[0]}/click`, {});
  await type("create-admin-name", "Sofía");
  await type("create-admin-username", "Sofia.P");
  await type("create-password", "una frase muy segura");
  await type("create-password-confirm", "una frase muy segura\uE007"); // Enter
  await find("create-busy"); ok("busy shown");
  await find("recovery-code", 10000); ok("recovery code " + await text("recovery-code"));
  if (await enabled("recovery-continue")) throw new Error("continue enabled before tick");
  await click("recovery-confirm"); await click("recovery-continue");
  await find("shell"); await snap("flow-shell"); ok("shell; user = " + await text("current-user"));
  // settings
  await click("nav-settings");
  await clear("settings-idle"); await type("settings-idle", "150"); await click("settings-save");
  ok("idle error: " + await text("settings-idle-error"));
  await clear("settings-idle"); await type("settings-idle", "12"); await click("settings-save");
  await waitText("toast", (v) => v.includes("Se guardó")); ok("settings saved toast");
  // staff add
  await click("nav-staff"); await click("staff-add");
  await type("staff-name", "Marta"); await type("staff-username", "marta");
  await wd("POST", `${S}/element/${Object.values(await wd("POST", S + "/element", { using: "css selector", value: '[data-testid="staff-role"] option[value="coordinator"]' }))[0]}/click`, {});
  await type("staff-password", "contraseña inicial"); await type("staff-password-confirm", "contraseña inicial");
  await click("staff-save");
  await find("staff-row-marta"); ok("row: " + await text("staff-row-marta"));
  // username taken
  await click("staff-add");
  await type("staff-name", "Marta 2"); await type("staff-username", "marta");
  await type("staff-password", "contraseña inicial"); await type("staff-password-confirm", "contraseña inicial\uE007");
  ok("taken: " + await text("staff-username-error"));
  await click("staff-cancel"); await gone("staff-dialog");
  // reset
  await click("staff-reset-marta"); await type("reset-password", "otra contraseña nueva"); await type("reset-password-confirm", "otra contraseña nueva"); await click("reset-save");
  await gone("reset-dialog"); ok("reset done");
  // disable
  await click("staff-disable-marta"); await click("confirm-accept"); await gone("confirm-dialog");
  await waitText("staff-status-marta", (v) => v === "Desactivada"); ok("disabled");
  // audit
  await click("nav-audit"); await find("audit-row-1"); await click("audit-verify"); ok("verify: " + await text("audit-verify-result"));
  // password change wrong current
  await click("nav-password");
  await type("password-current", "equivocada123"); await type("password-new", "nueva contraseña 1"); await type("password-confirm", "nueva contraseña 1"); await click("password-save");
  ok("wrong current: " + await waitText("password-current-error", (v) => v.length > 0));
  await type("password-current", "una frase muy segura"); await click("password-save");
  await waitText("toast", (v) => v.includes("Tu contraseña se cambió")); ok("password changed");
  // lock via Ctrl+L
  await wd("POST", S + "/actions", { actions: [{ type: "key", id: "kb", actions: [{ type: "keyDown", value: "\uE009" }, { type: "keyDown", value: "l" }, { type: "keyUp", value: "l" }, { type: "keyUp", value: "\uE009" }] }] });
  await find("signin-form"); ok("Ctrl+L locked");
  await type("signin-username", "sofia.p"); await type("signin-password", "mal mal mal\uE007");
  ok("wrong: " + await waitText("signin-error", (v) => v.length > 0));
  await type("signin-password", "nueva contraseña 1\uE007"); await find("shell"); ok("signed in again");
  await click("lock-button"); await find("signin-form");
  // recover
  await click("signin-forgot"); await type("recover-code", "nope"); await type("recover-username", "sofia.p"); await type("recover-password", "recuperada 12345"); await type("recover-password-confirm", "recuperada 12345"); await click("recover-submit");
  ok("bad code: " + await waitText("recover-code-error", (v) => v.length > 0));
  await clear("recover-code"); await type("recover-code", "k7qf 2m9x pl4r 8htd w3nv"); await click("recover-submit");
  await find("shell"); ok("recovered");
  // idle lock event
  await wd("POST", S + "/execute/sync", { script: "window.__acompanaMock.idleLock()", args: [] });
  ok("idle: " + await text("signin-locked-notice"));
  // language persists across reload
  await wd("POST", `${S}/element/${Object.values(await wd("POST", S + "/element", { using: "css selector", value: '[data-testid="lang-select"] option[value="en"]' }))[0]}/click`, {});
  await wd("POST", S + "/refresh", {});
  ok("after reload: " + await text("create-submit"));
  const stored = await wd("POST", S + "/execute/sync", { script: "return JSON.stringify(Object.assign({}, localStorage))", args: [] });
  ok("localStorage " + stored);
} catch (e) { await snap("fail-last"); console.log(await wd("POST", S + "/execute/sync", { script: "return [document.querySelector('[data-testid=current-user]').outerHTML, document.querySelector('[data-testid=current-user]').innerText]", args: [] }).catch(() => "")); throw e; } finally { await wd("DELETE", S); }
