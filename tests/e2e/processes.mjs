// The app's processes as /proc shows them: the app and the WebKit processes it started. Used
// by the end-to-end run (the webview's switches) and by make bench-app (their memory).
// Reading another process's files needs the same user and, because the app makes itself
// non-dumpable, root for the app's own (as on CI).

import { readFileSync, readdirSync } from "node:fs";

/** A file of /proc/PID, or null when the process is gone or not readable. */
export function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return null;
  }
}

function parents() {
  const parentOf = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(entry, "stat");
    if (!stat) continue;
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    parentOf.set(Number(entry), ppid);
  }
  return parentOf;
}

/** The app's process (the newest one running the binary `app`) and every process below it. */
export function appProcesses(app) {
  const parentOf = parents();
  const apps = [...parentOf.keys()].filter((pid) => (readProc(pid, "cmdline") ?? "").split("\0")[0] === app);
  if (apps.length === 0) throw new Error("the app's process was not found");
  const root = Math.max(...apps);
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    for (const [pid, ppid] of parentOf) if (ppid === found[i]) found.push(pid);
  }
  return found;
}

/** The environment of the app's WebKit web process, as name → value. */
export function webProcessEnvironment(app) {
  const web = appProcesses(app).find((pid) => (readProc(pid, "comm") ?? "").startsWith("WebKitWebProces"));
  if (!web) throw new Error("the app's WebKit web process was not found");
  const environ = readProc(web, "environ");
  if (environ === null) throw new Error(`the web process's environment is not readable (pid ${web})`);
  return new Map(
    environ
      .split("\0")
      .filter((entry) => entry.includes("="))
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
}
