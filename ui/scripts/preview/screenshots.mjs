#!/usr/bin/env node
// Drives WebKitGTK's MiniBrowser (the engine Tauri uses on Linux) over WebDriver against the
// preview server, walks through the main screens at 1366×768 and saves PNG screenshots.
// A development aid: needs a running WebKitWebDriver and `serve.mjs`, e.g.
//   Xvfb :87 & DISPLAY=:87 WebKitWebDriver --port=4455 & node scripts/preview/serve.mjs 4173 &
//   node scripts/preview/screenshots.mjs http://127.0.0.1:4455 http://127.0.0.1:4173 /tmp/shots

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [driver = "http://127.0.0.1:4455", app = "http://127.0.0.1:4173", out = "/tmp/acompana-shots"] =
  process.argv.slice(2);
const MINIBROWSER = process.env.MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
mkdirSync(out, { recursive: true });

async function wd(method, path, body) {
  const response = await fetch(`${driver}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

const created = await wd("POST", "/session", {
  capabilities: {
    alwaysMatch: {
      "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
    },
  },
});
const session = `/session/${created.sessionId}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const exec = (script, args = []) => wd("POST", `${session}/execute/sync`, { script, args });

async function find(testid) {
  for (let i = 0; i < 50; i += 1) {
    try {
      const el = await wd("POST", `${session}/element`, { using: "css selector", value: `[data-testid="${testid}"]` });
      return Object.values(el)[0];
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`no element ${testid}`);
}
const click = async (testid) => wd("POST", `${session}/element/${await find(testid)}/click`, {});
const type = async (testid, text) => wd("POST", `${session}/element/${await find(testid)}/value`, { text });
const select = async (testid, value) =>
  exec(
    `const s = document.querySelector('[data-testid="${testid}"]'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));`,
    [value],
  );

async function shot(name) {
  await sleep(Number(process.env.SHOT_DELAY ?? 600));
  const png = await wd("GET", `${session}/screenshot`);
  writeFileSync(join(out, `${name}.png`), Buffer.from(png, "base64"));
  const overflow = await exec(
    "return [document.documentElement.scrollWidth, window.innerWidth, window.innerHeight, document.documentElement.scrollHeight]",
  );
  console.log(`${name}.png  scrollWidth/innerWidth/innerHeight/scrollHeight = ${overflow.join("/")}`);
}

try {
  await wd("POST", `${session}/window/rect`, { width: 1366, height: 768 });
  const steps = (process.env.STEPS ?? "fresh,signed-out,admin,caseworker").split(",");
  if (steps.includes("fresh")) {
    await wd("POST", `${session}/url`, { url: `${app}/?scenario=fresh` });
    await find("first-run");
    await shot("01-first-run");
    await click("create-submit");
    await shot("02-first-run-errors");
    await type("create-org-name", "Mujeres Libres");
    await select("create-country", "CO");
    await type("create-admin-username", "ana.rojas");
    await type("create-admin-name", "Ana Rojas");
    await type("create-password", "una frase muy segura");
    await type("create-password-confirm", "una frase muy segura");
    await click("create-submit");
    await shot("03-creating");
    await find("recovery-code");
    await shot("04-recovery-code");
    await click("recovery-confirm");
    await click("recovery-continue");
    await find("shell");
    await shot("05-shell-today");
  }
  if (steps.includes("signed-out")) {
    await wd("POST", `${session}/url`, { url: `${app}/?scenario=signed-out` });
    await type("signin-username", "ana.rojas");
    await type("signin-password", "equivocada");
    await click("signin-submit");
    await shot("06-signin-busy");
    await sleep(1200);
    await shot("07-signin-wrong");
    await click("signin-forgot");
    await shot("08-recover");
  }
  if (steps.includes("admin")) {
    await wd("POST", `${session}/url`, { url: `${app}/?scenario=admin&tampered=1` });
    await find("shell");
    await click("nav-staff");
    await find("staff-row-marta_g");
    await shot("10-staff");
    await click("staff-add");
    await shot("11-staff-add");
    await click("staff-cancel");
    await click("staff-disable-marta_g");
    await shot("12-staff-disable");
    await click("confirm-cancel");
    await click("nav-audit");
    await find("audit-row-1").catch(() => {});
    await click("audit-verify");
    await find("audit-verify-result");
    await shot("13-audit");
    await click("nav-settings");
    await shot("14-settings");
    await click("nav-password");
    await shot("15-password");
    await click("nav-participants");
    await shot("16-soon");
    await exec("window.__acompanaMock.idleLock()");
    await find("signin-locked-notice");
    await shot("17-idle-locked");
  }
  if (steps.includes("caseworker")) {
    await wd("POST", `${session}/url`, { url: `${app}/?scenario=caseworker` });
    await find("shell");
    await select("lang-select", "pt-BR");
    await click("nav-staff");
    await shot("20-caseworker-staff-pt");
    await select("lang-select", "en");
    await shot("21-caseworker-staff-en");
    await select("lang-select", "es");
  }
  const logs = await exec("return window.__errors || []");
  if (logs.length) console.log("page errors:", logs);
} finally {
  await wd("DELETE", session);
}
