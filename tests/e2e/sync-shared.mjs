// What the three sync walks share: where the files they exchange live, and who joins.
import path from "node:path";
import { runDir } from "./support.mjs";

/** The folder standing in for the USB stick the laptops exchange files on. */
export const syncDir = path.join(runDir, "usb");

/** Lucía's new laptop: its own data folder. */
export const laptopDataDir = path.join(runDir, "laptop-lucia");

/** The caseworker first-run.test.mjs added, who gets the new laptop. */
export const COLLEAGUE_NAME = "Lucía Pérez";
export const NEW_PASSWORD = "Mi-laptop-nueva-2026";

/** The woman Lucía opens a file for on her laptop: a canary that must never be readable at rest. */
export const ROSA = { legalName: "Rosa Canario Quintero", chosenName: "Rosita", birthYear: "1990" };
