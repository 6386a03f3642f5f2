#!/usr/bin/env node
// Fails when the locale catalogs drift apart or the code uses a key Spanish lacks.
//
// 1. Every locale has exactly the keys of es.json (nothing missing, nothing extra), no empty
//    message, and the same {placeholders} as Spanish.
// 2. Every key the source uses — t('…'), $t('…'), te('…') and any quoted "area.key" string whose
//    first part is a top-level catalog section — exists in es.json.
// 3. Keys built at run time (t(`errors.${code}`)) are checked through a rule per prefix that
//    lists every value the code can produce, taken from the generated bindings where possible
//    (so a new ErrorCode in Rust fails this check until it is translated).
//
// Usage: node scripts/check-i18n.mjs [uiRoot]   (also imported by tests/i18n.test.ts)

import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const BASE_LOCALE = "es";

export function flatten(messages, prefix = "", out = new Map()) {
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) flatten(value, path, out);
    else out.set(path, value);
  }
  return out;
}

function placeholders(message) {
  return [...String(message).matchAll(/\{\s*([A-Za-z_][\w]*)\s*\}/g)].map((m) => m[1]).sort();
}

function listFiles(dir, extensions) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...listFiles(path, extensions));
    else if (extensions.some((ext) => name.endsWith(ext))) found.push(path);
  }
  return found;
}

/** Members of a string-literal union `export type Name = "a" | "b"` in a TypeScript file
 *  (doc comments between the members, as tauri-specta writes them, are skipped). */
export function unionMembers(source, typeName) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const match = code.match(
    new RegExp(`export type ${typeName}\\s*=([^;]*?)(?=;|\\n\\s*(?:export|import|const|let|function|type|interface|declare)\\b|$)`),
  );
  if (!match) return null;
  const body = match[1].trim().replace(/;$/, "").replace(/^\|/, "").trim();
  if (!/^("[^"]*"\s*\|?\s*)+$/.test(body)) return null;
  return [...body.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

/** Which values each run-time key prefix can take. */
function dynamicRules(root) {
  const bindings = readFileSync(join(root, "src/bindings.ts"), "utf8");
  const areas = readFileSync(join(root, "src/areas.ts"), "utf8");
  const session = readFileSync(join(root, "src/session.ts"), "utf8");
  const need = (source, name, file) => {
    const members = unionMembers(source, name);
    if (!members || members.length === 0) throw new Error(`check-i18n: cannot read type ${name} in ${file}`);
    return members;
  };
  const areaIds = need(areas, "AreaId", "src/areas.ts");
  const comingSoon = [...areas.matchAll(/id:\s*"([^"]+)"[^}]*comingSoon:\s*true/g)].map((m) => m[1]);
  const groups = [...new Set([...areas.matchAll(/group:\s*"([^"]+)"/g)].map((m) => m[1]))];
  const lockReasons = need(session, "LockReason", "src/session.ts").filter((reason) => reason !== "expired");
  const roles = need(bindings, "Role", "src/bindings.ts");
  const caseFile = readFileSync(join(root, "src/caseFile.ts"), "utf8");
  const sync = readFileSync(join(root, "src/sync.ts"), "utf8");
  const summaries = readFileSync(join(root, "src/summaries.ts"), "utf8");
  const backup = readFileSync(join(root, "src/backup.ts"), "utf8");
  const constArray = (source, name, file) => {
    const match = source.match(new RegExp(`const ${name}\\s*=\\s*\\[([^\\]]*)\\]`));
    if (!match) throw new Error(`check-i18n: cannot read ${name} in ${file}`);
    return [...match[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  };
  // Translated lists of the case file, one per generated type: `enum.<Type>.<value>`.
  const enumTypes = [
    "ConsentPurpose",
    "LegalBasis",
    "ConsentMethod",
    "Relationship",
    "Carer",
    "Custody",
    "HousingSituation",
    "HousingTenure",
    "IncomeBand",
    "DocumentStatus",
    "AssessmentPhase",
    "NeedCategory",
    "NeedStatus",
    "ContactType",
    "ClosingReason",
  ];
  const enums = Object.fromEntries(enumTypes.map((type) => [`enum.${type}`, need(bindings, type, "src/bindings.ts")]));
  return {
    ...enums,
    // `enum.${list}.${value}` picks the list at run time: each list must exist.
    enum: enumTypes,
    "participants.status": ["open", "closed"],
    "participants.region": ["department", "state", "province"],
    "file.tab": constArray(caseFile, "FILE_TABS", "src/caseFile.ts"),
    "history.field": constArray(caseFile, "HISTORY_FIELDS", "src/caseFile.ts"),
    // Record types and operation kinds of the change log; others show as they are.
    "history.record": ["participant", "participant_access", "consent", "household", "dependant", "housing", "document", "needs", "contact", "note", "rights_request"],
    "history.kind": ["create", "set", "delete", "append"],
    errors: need(bindings, "ErrorCode", "src/bindings.ts"),
    countries: need(bindings, "Country", "src/bindings.ts"),
    roles,
    roleHints: roles,
    "audit.action": need(bindings, "AuditAction", "src/bindings.ts"),
    "audit.detail": lockReasons,
    nav: areaIds,
    "nav.group": groups,
    soon: comingSoon,
    // Proceso penal, Solicitudes and the Law 2292 guide, each list from its generated type.
    "legal.offence": need(bindings, "OffenceCategory", "src/bindings.ts"),
    "legal.jurisdictions": need(bindings, "Jurisdiction", "src/bindings.ts"),
    "legal.status": need(bindings, "LegalStatus", "src/bindings.ts"),
    "legal.applicationStatus": need(bindings, "ApplicationStatus", "src/bindings.ts"),
    "legal.refusal": need(bindings, "RefusalReason", "src/bindings.ts"),
    "legal.point": need(bindings, "EligibilityPoint", "src/bindings.ts"),
    "legal.pointHint": need(bindings, "EligibilityPoint", "src/bindings.ts"),
    "legal.pointStatus": need(bindings, "PointStatus", "src/bindings.ts"),
    // The directory and a file's referrals.
    "directory.kind": need(bindings, "OrganizationKind", "src/bindings.ts"),
    "referrals.statusValue": need(bindings, "ReferralStatus", "src/bindings.ts"),
    // Hoy and a file's tasks.
    "today.group": ["overdue", "today", "week"],
    "today.none": ["overdue", "today", "week"],
    "tasks.followUp": ["day30", "day90", "day180", "day365"],
    "tasks.rightsDeadline": need(bindings, "RightsKind", "src/bindings.ts"),
    // A woman's requests about her data (her file's Derechos tab and the coordinators' list).
    "rights.kind": need(bindings, "RightsKind", "src/bindings.ts"),
    "rights.status": need(bindings, "RequestStatus", "src/bindings.ts"),
    "rights.advice": need(bindings, "RightsKind", "src/bindings.ts"),
    // Only access and correction are answered by hand (an erasure, by erasing her).
    "rights.outcomeLabel": ["access", "correction"],
    // Sincronización: a refused file's reason, and conflicts over fields a woman's history
    // does not name (the roster, the laptops, the directory).
    syncRefusal: constArray(sync, "SYNC_REFUSAL_REASONS", "src/sync.ts"),
    conflictField: constArray(sync, "CONFLICT_FIELDS", "src/sync.ts"),
    conflictRecord: constArray(sync, "CONFLICT_RECORDS", "src/sync.ts"),
    // Copia de seguridad: why a backup was not restored.
    "backup.refusal": constArray(backup, "BACKUP_REFUSAL_REASONS", "src/backup.ts"),
    // Resúmenes: indicators, dimensions and the categories said only there (the others reuse
    // the case file's lists, or show as they are), units, audiences and quarters.
    "summaries.indicator": constArray(summaries, "SUMMARY_INDICATORS", "src/summaries.ts"),
    "summaries.dimension": constArray(summaries, "SUMMARY_DIMENSIONS", "src/summaries.ts"),
    "summaries.category": constArray(summaries, "SUMMARY_CATEGORY_KEYS", "src/summaries.ts"),
    "summaries.unit": need(bindings, "Unit", "src/bindings.ts"),
    "summaries.audience": need(bindings, "Audience", "src/bindings.ts"),
    "summaries.quarterName": ["1", "2", "3", "4"],
  };
}

export function checkI18n(root) {
  const problems = [];
  const localeDir = join(root, "src/locales");
  const catalogs = Object.fromEntries(
    readdirSync(localeDir)
      .filter((name) => name.endsWith(".json"))
      .map((name) => [name.replace(/\.json$/, ""), JSON.parse(readFileSync(join(localeDir, name), "utf8"))]),
  );
  if (!catalogs[BASE_LOCALE]) return [`missing base locale ${BASE_LOCALE}.json`];
  for (const required of ["es", "pt-BR", "en"]) {
    if (!catalogs[required]) problems.push(`missing locale file ${required}.json`);
  }
  const base = flatten(catalogs[BASE_LOCALE]);

  // 1. Parity with Spanish.
  for (const [locale, messages] of Object.entries(catalogs)) {
    const flat = flatten(messages);
    for (const [key, value] of flat) {
      if (typeof value !== "string") problems.push(`${locale}: ${key} is not a string`);
      else if (value.trim() === "") problems.push(`${locale}: ${key} is empty`);
      if (locale !== BASE_LOCALE && !base.has(key)) problems.push(`${locale}: extra key ${key} (not in ${BASE_LOCALE})`);
    }
    if (locale === BASE_LOCALE) continue;
    for (const [key, value] of base) {
      if (!flat.has(key)) {
        problems.push(`${locale}: missing key ${key}`);
        continue;
      }
      const expected = placeholders(value).join(",");
      const actual = placeholders(flat.get(key)).join(",");
      if (expected !== actual) problems.push(`${locale}: ${key} has placeholders {${actual}} but ${BASE_LOCALE} has {${expected}}`);
    }
  }

  // 2. Static keys used in the source.
  const sections = new Set(Object.keys(catalogs[BASE_LOCALE]));
  const isLeaf = (key) => base.has(key);
  const isBranch = (key) => [...base.keys()].some((k) => k.startsWith(`${key}.`));
  const sources = listFiles(join(root, "src"), [".vue", ".ts"]).filter((file) => !file.endsWith("bindings.ts"));
  const rules = dynamicRules(root);
  for (const file of sources) {
    const text = readFileSync(file, "utf8");
    const where = relative(root, file);
    for (const match of text.matchAll(/(?:\$t|\bt|\bte)\(\s*(["'])([^"'`]+)\1/g)) {
      if (!isLeaf(match[2])) problems.push(`${where}: uses missing key ${match[2]}`);
    }
    // Quoted keys held in variables (e.g. "signIn.lockedIdle"); only in script code, since a
    // template's attribute values are expressions in quotes (:error="errors.orgName").
    const scriptCode = file.endsWith(".vue")
      ? [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join("\n")
      : text;
    for (const match of scriptCode.matchAll(/(["'])([A-Za-z][\w]*(?:\.[A-Za-z0-9_]+)+)\1/g)) {
      const key = match[2];
      if (!sections.has(key.split(".")[0])) continue;
      if (!isLeaf(key) && !isBranch(key)) problems.push(`${where}: mentions missing key ${key}`);
    }
    // 3. Keys built at run time: `prefix.${…}`.
    for (const match of text.matchAll(/`([A-Za-z][\w]*(?:\.[A-Za-z0-9_]+)*)\.\$\{/g)) {
      const prefix = match[1];
      if (!sections.has(prefix.split(".")[0])) continue;
      if (!rules[prefix]) {
        problems.push(`${where}: key built at run time under "${prefix}" has no rule in scripts/check-i18n.mjs`);
      }
    }
  }
  for (const [prefix, values] of Object.entries(rules)) {
    for (const value of values) {
      const key = `${prefix}.${value}`;
      // A value may name a whole list (e.g. `enum.${type}`), itself checked by its own rule.
      if (!isLeaf(key) && !(rules[key] && isBranch(key))) problems.push(`${BASE_LOCALE}: missing key ${key} (run-time key)`);
    }
  }
  return problems;
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
  const problems = checkI18n(root);
  if (problems.length > 0) {
    console.error(`i18n check failed (${problems.length} problem${problems.length === 1 ? "" : "s"}):`);
    for (const problem of problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
  const count = flatten(JSON.parse(readFileSync(join(root, "src/locales", `${BASE_LOCALE}.json`), "utf8"))).size;
  console.log(`i18n check passed: ${count} keys in es, pt-BR and en; every key used in src exists.`);
}
