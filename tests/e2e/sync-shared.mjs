// What the sync walks share: where the files they exchange live, and who joins.
import { readFileSync } from "node:fs";
import path from "node:path";
import { TIMEOUT, browser, runDir, valueOf } from "./support.mjs";

/** The folder standing in for the USB stick the laptops exchange files on. */
export const syncDir = path.join(runDir, "usb");

/** Lucía's new laptop: its own data folder. */
export const laptopDataDir = path.join(runDir, "laptop-lucia");

/** The caseworker first-run.test.mjs added, who gets the new laptop. */
export const COLLEAGUE_NAME = "Lucía Pérez";
export const NEW_PASSWORD = "Mi-laptop-nueva-2026";

/** The woman Lucía opens a file for on her laptop: a canary that must never be readable at rest. */
export const ROSA = { legalName: "Rosa Canario Quintero", chosenName: "Rosita", birthYear: "1990" };

/** The field both laptops write without seeing each other's change: a conflict. */
export const MUNICIPALITY = { office: "Medellín", laptop: "Bello", later: "Envigado" };

/** The folder standing in for one Syncthing carries between the laptops. */
export const folderDir = path.join(runDir, "syncthing");

/** Rosita's case code, as her laptop drew it (sync-2-laptop.test.mjs keeps it). */
export function rosaCode() {
  return readFileSync(path.join(syncDir, "rosa-case-code.txt"), "utf8").trim();
}

/** Clicks the first element a CSS selector finds, once it is there. */
export async function clickFirst(css) {
  const element = await browser.$(css);
  await element.waitForExist({ timeout: TIMEOUT });
  await element.click();
}

/** Waits until a form field holds `expected`. */
export async function waitForValue(testId, expected) {
  await browser.waitUntil(async () => (await valueOf(testId)) === expected, {
    timeout: TIMEOUT,
    timeoutMsg: `${testId} does not hold ${expected}`,
  });
}
