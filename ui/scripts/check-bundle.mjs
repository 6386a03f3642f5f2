#!/usr/bin/env node
// Checks the built app against the CSP it runs under (no 'unsafe-eval', nothing remote):
// no eval or new Function in any script, no inline script in index.html, and no URL to
// anywhere but XML namespace names (which are identifiers, never fetched).

import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");

const ALLOWED_URLS = [
  "http://www.w3.org/2000/svg",
  // The namespace of xmlns attributes themselves (ECharts' SVG charts set them).
  "http://www.w3.org/2000/xmlns/",
  "http://www.w3.org/1999/xlink",
  "http://www.w3.org/1998/Math/MathML",
  "http://www.w3.org/XML/1998/namespace",
  // Vue's production error messages name this page; it is text, never loaded.
  "https://vuejs.org/error-reference/",
];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const problems = [];
for (const file of files(dist)) {
  if (!/\.(js|mjs|css|html)$/.test(file)) continue;
  const text = readFileSync(file, "utf8");
  const where = relative(root, file);
  if (/\bnew\s+Function\s*\(/.test(text)) problems.push(`${where}: contains new Function(`);
  if (/(^|[^\w$.])eval\s*\(/.test(text)) problems.push(`${where}: contains eval(`);
  for (const match of text.matchAll(/\b(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi)) {
    const url = match[0];
    if (!/^https?:/i.test(url)) continue;
    if (!ALLOWED_URLS.some((allowed) => url.startsWith(allowed))) problems.push(`${where}: remote URL ${url}`);
  }
  if (file.endsWith(".html")) {
    for (const match of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      if (!/\bsrc=/.test(match[1]) || match[2].trim() !== "") problems.push(`${where}: inline <script>`);
    }
    if (/\son[a-z]+=/i.test(text)) problems.push(`${where}: inline event handler attribute`);
  }
}

if (problems.length > 0) {
  console.error("bundle check failed:");
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log("bundle check passed: no eval/new Function, no inline script, nothing remote.");
