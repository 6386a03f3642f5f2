import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkI18n } from "../scripts/check-i18n.mjs";

const root = resolve(__dirname, "..");
const check = checkI18n;

let scratch: string | null = null;

/** A copy of the UI sources in a temporary folder, to break on purpose. */
function copyOfUi(): string {
  scratch = mkdtempSync(join(tmpdir(), "acompana-i18n-"));
  cpSync(join(root, "src"), join(scratch, "src"), { recursive: true });
  return scratch;
}

function editJson(path: string, edit: (messages: Record<string, Record<string, unknown>>) => void) {
  const messages = JSON.parse(readFileSync(path, "utf8"));
  edit(messages);
  writeFileSync(path, JSON.stringify(messages, null, 2));
}

afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = null;
});

describe("i18n catalogs", () => {
  it("have the same keys in es, pt-BR and en, and cover every key the code uses", () => {
    expect(check(root)).toEqual([]);
  });

  it("fail when a language lacks a key", () => {
    const copy = copyOfUi();
    editJson(join(copy, "src/locales/pt-BR.json"), (messages) => {
      delete messages.signIn.forgot;
    });
    expect(check(copy)).toContain("pt-BR: missing key signIn.forgot");
  });

  it("fail when a language has a key Spanish does not", () => {
    const copy = copyOfUi();
    editJson(join(copy, "src/locales/en.json"), (messages) => {
      messages.signIn.extra = "Extra";
    });
    expect(check(copy)).toContain("en: extra key signIn.extra (not in es)");
  });

  it("fail when a placeholder differs", () => {
    const copy = copyOfUi();
    editJson(join(copy, "src/locales/en.json"), (messages) => {
      messages.staff.added = "Added {person}.";
    });
    expect(check(copy).some((problem) => problem.startsWith("en: staff.added has placeholders"))).toBe(true);
  });

  it("fail when the source uses a key Spanish lacks", () => {
    const copy = copyOfUi();
    writeFileSync(join(copy, "src/Extra.vue"), `<template><p>{{ t("signIn.doesNotExist") }}</p></template>\n`);
    expect(check(copy)).toContain("src/Extra.vue: uses missing key signIn.doesNotExist");
  });

  it("fail when the core gains an error code that is not translated", () => {
    const copy = copyOfUi();
    const bindings = join(copy, "src/bindings.ts");
    // On ErrorCode's own line: other types have an "internal" too (a summary's Audience).
    const source = readFileSync(bindings, "utf8").replace(/(export type ErrorCode = [^\n]*)"internal"/, '$1"internal" | "brand_new"');
    writeFileSync(bindings, source);
    expect(check(copy)).toContain("es: missing key errors.brand_new (run-time key)");
  });
});
