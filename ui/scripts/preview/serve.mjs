#!/usr/bin/env node
// Serves ui/dist on 127.0.0.1 with the app's CSP and the fake core (mock-tauri.js) injected,
// to look at the built UI in a browser. A development aid only; the app never loads this.
//   node scripts/preview/serve.mjs [port]      then open http://127.0.0.1:4173/?scenario=admin

import { createServer } from "node:http";
import { readFileSync, existsSync, statSync } from "node:fs";
import { join, extname, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "..", "dist");
const port = Number(process.argv[2] ?? 4173);

// The same policy as src-tauri/tauri.conf.json, with the local origin standing in for ipc:.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".eot": "application/vnd.ms-fontobject",
};

createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  let body;
  let type;
  if (url.pathname === "/__mock-tauri.js") {
    body = readFileSync(join(here, "mock-tauri.js"));
    type = TYPES[".js"];
  } else {
    const path = normalize(join(dist, url.pathname === "/" ? "index.html" : url.pathname));
    if (!path.startsWith(dist) || !existsSync(path) || statSync(path).isDirectory()) {
      response.writeHead(404).end("not found");
      return;
    }
    body = readFileSync(path);
    type = TYPES[extname(path)] ?? "application/octet-stream";
    if (path.endsWith("index.html")) {
      body = body.toString("utf8").replace("<head>", '<head>\n    <script src="/__mock-tauri.js"></script>');
    }
  }
  response.writeHead(200, { "Content-Type": type, "Content-Security-Policy": CSP, "Cache-Control": "no-store" });
  response.end(body);
}).listen(port, "127.0.0.1", () => {
  console.log(`preview with the fake core: http://127.0.0.1:${port}/?scenario=fresh|signed-out|admin|caseworker`);
});
