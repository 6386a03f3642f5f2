// A stand-in for the Rust core, for looking at the built UI in a plain browser (never part of
// the app: scripts/preview/serve.mjs injects it). It keeps a fake vault in memory and answers
// the same commands, arguments and error codes as the real one.
//
// ?scenario=fresh (default) | signed-out | admin | caseworker, and ?freeze=0 to skip freezing
// Object.prototype (Tauri's freezePrototype is on in this app, so the default freezes it).
// Sync: ?refuse=<reason> makes opening a received file (or joining) refuse it with that reason,
// and a folder sync refuse one of its files with it; ?cancel=1 answers every native file or
// folder dialog as cancelled; ?folder=1 starts with a shared folder set (so signing in syncs
// it and shows a toast); ?folderError=<code> makes a folder sync fail with that error code.
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  if (params.get("freeze") !== "0") Object.freeze(Object.prototype);
  var scenario = params.get("scenario") || "fresh";

  var delay = function (ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  };
  var fail = function (code, field) {
    return Promise.reject({ code: code, message: "mock: " + code, field: field || null });
  };
  var now = function () {
    return new Date().toISOString();
  };
  var id = 0;
  var newId = function () {
    id += 1;
    return "00000000-0000-4000-8000-" + String(id).padStart(12, "0");
  };

  var db = {
    exists: false,
    orgName: "",
    country: "CO",
    recoveryCode: "K7QF-2M9X-PL4R-8HTD-W3NV",
    staff: [],
    passwords: {},
    audit: [],
    settings: { idleLockMinutes: 5 },
    session: null,
    failures: 0,
  };

  function log(actor, action, target, detail) {
    db.audit.push({ seq: db.audit.length + 1, at: now(), actor: actor, action: action, target: target || null, detail: detail || null });
  }

  function sessionFor(member) {
    return {
      staffId: member.id,
      username: member.username,
      displayName: member.displayName,
      role: member.role,
      orgName: db.orgName,
      country: db.country,
      idleLockMinutes: db.settings.idleLockMinutes,
    };
  }

  function addMember(username, displayName, role, password, createdAt) {
    var member = { id: newId(), username: username, displayName: displayName, role: role, active: true, createdAt: createdAt || now() };
    db.staff.push(member);
    db.passwords[member.id] = password;
    return member;
  }

  if (scenario !== "fresh") {
    db.exists = true;
    db.orgName = "Mujeres Libres";
    var admin = addMember("ana.rojas", "Ana Rojas", "admin", "contraseña-segura", "2025-03-02T14:00:00Z");
    addMember("lucia.mena", "Lucía Mena Cárdenas", "coordinator", "contraseña-segura", "2025-03-04T15:30:00Z");
    var caseworker = addMember("marta_g", "Marta Gómez", "caseworker", "contraseña-segura", "2025-04-11T09:10:00Z");
    var old = addMember("paola.r", "Paola Ríos", "caseworker", "contraseña-segura", "2025-05-20T10:00:00Z");
    old.active = false;
    log(null, "vault_created", "ana.rojas");
    for (var i = 0; i < 70; i += 1) {
      log(i % 3 ? "marta_g" : "ana.rojas", ["signed_in", "locked", "sign_in_failed"][i % 3], i % 3 === 2 ? "marta_g" : null, i % 3 === 1 ? ["idle", "manual", "quit"][i % 3 === 1 ? i % 9 === 1 ? 0 : 1 : 2] : null);
    }
    log("ana.rojas", "staff_disabled", "paola.r");
    log("ana.rojas", "settings_changed", null);
    db.devices = [
      { id: "dev-ana", name: "Laptop Ana", staff: "ana.rojas", registered: true, revoked: false, lastHeard: null, joinExpires: null, thisLaptop: true },
      { id: "dev-marta", name: "Laptop Marta", staff: "marta_g", registered: true, revoked: false, lastHeard: "2026-11-28T16:20:00Z", joinExpires: null, thisLaptop: false },
      { id: "dev-lucia", name: "Laptop Lucía", staff: "lucia.mena", registered: false, revoked: false, lastHeard: null, joinExpires: "2026-12-05T15:00:00Z", thisLaptop: false },
      { id: "dev-paola", name: "Laptop Paola", staff: "paola.r", registered: true, revoked: true, lastHeard: "2026-06-02T09:00:00Z", joinExpires: null, thisLaptop: false },
    ];
    db.conflicts = [
      {
        id: "op-lost-1", recordType: "household", recordId: "h1", field: "householdSize", participantId: "p7", caseCode: "MLB-0007", chosenName: "Rosa",
        kept: { opId: "op-kept-1", value: "4", deleted: false, author: "ana.rojas", device: "Laptop Ana", at: "2026-11-27T15:04:00Z" },
        other: { opId: "op-lost-1", value: "5", deleted: false, author: "marta_g", device: "Laptop Marta", at: "2026-11-27T14:10:00Z" },
      },
      {
        id: "op-lost-2", recordType: "housing", recordId: "hs1", field: "municipality", participantId: "p9", caseCode: "MLB-0012", chosenName: null,
        kept: { opId: "op-kept-2", value: null, deleted: true, author: "ana.rojas", device: "Laptop Ana", at: "2026-11-26T10:00:00Z" },
        other: { opId: "op-lost-2", value: "\"Soacha\"", deleted: false, author: "marta_g", device: "Laptop Marta", at: "2026-11-26T11:30:00Z" },
      },
    ];
    db.syncFolder = params.get("folder") === "1" ? "/home/ana/Sync/acompana" : null;
    if (scenario === "admin") db.session = sessionFor(admin);
    if (scenario === "caseworker") db.session = sessionFor(caseworker);
  }

  var usernameOk = function (u) {
    return /^[a-z0-9._-]{3,32}$/.test(u);
  };
  var cancelled = function () {
    return params.get("cancel") === "1";
  };
  var refusal = function () {
    var reason = params.get("refuse");
    return reason ? Promise.reject({ code: "sync_refused", message: "mock: refused", field: null, reason: reason }) : null;
  };
  var need = function () {
    return db.session ? null : fail("locked");
  };
  var needAdmin = function () {
    if (!db.session) return fail("locked");
    return db.session.role === "admin" ? null : fail("forbidden");
  };

  var SUMMARY_INDICATORS = ["legal_status", "offence", "head_of_household", "children_by_carer", "children_by_age", "children_in_prison", "income_band", "housing_tenure", "socioeconomic_group", "gender_identity", "ethnicity", "nationality", "applications_filed", "applications_decided", "refusal_reason", "days_to_decision", "service_hours", "service_plans", "outcome_identity", "outcome_health", "outcome_housing", "outcome_income", "outcome_children", "referrals", "prison_visits"];

  function summaryRefused(request) {
    if (!db.session) return fail("locked");
    if (db.session.role === "caseworker") return fail("forbidden");
    var today = new Date();
    var current = today.getFullYear() * 4 + Math.floor(today.getMonth() / 3);
    var last = request.to || request.period;
    var match = /^(\d{4})Q([1-4])$/.exec(last);
    if (!match) return fail("invalid_input", "period");
    if (request.audience === "public" && Number(match[1]) * 4 + Number(match[2]) - 1 >= current) return fail("quarter_open");
    return null;
  }

  function summaryFor(request) {
    var k = request.audience === "public" ? 11 : 5;
    var cell = function (labels, count, percent) {
      return { labels: labels, count: count, display: count === null ? "<" + k : String(count), percent: percent || null };
    };
    var tables = [
      { indicator: "legal_status", unit: "women", breakdowns: ["legal_status"], k: k, sensitive: false, cells: [
        cell({ legal_status: "pretrial_detention" }, 12, 25), cell({ legal_status: "sentenced" }, 18, 37.5), cell({ legal_status: "house_arrest" }, null),
        cell({ legal_status: "alternative_measure" }, 11), cell({ legal_status: "unknown" }, null), cell({ legal_status: "total" }, 48) ] },
      { indicator: "referrals", unit: "referrals", breakdowns: ["referral_result", "need_category"], k: k, sensitive: false, cells: [
        cell({ referral_result: "completed", need_category: "housing" }, 6), cell({ referral_result: "completed", need_category: "health" }, null),
        cell({ referral_result: "completed", need_category: "total" }, 9), cell({ referral_result: "not_completed", need_category: "housing" }, 7),
        cell({ referral_result: "not_completed", need_category: "health" }, null), cell({ referral_result: "not_completed", need_category: "total" }, 11),
        cell({ referral_result: "total", need_category: "housing" }, 13), cell({ referral_result: "total", need_category: "health" }, 7),
        cell({ referral_result: "total", need_category: "total" }, 20) ] },
      { indicator: "prison_visits", unit: "visits", breakdowns: [], k: k, sensitive: false, cells: [cell({}, 37)] },
    ].filter(function (table) {
      return request.indicators.length === 0 || request.indicators.indexOf(table.indicator) >= 0;
    });
    return {
      period: request.period, to: request.to || request.period, audience: request.audience, k: k, method: "mock", organization: db.orgName,
      organizations: [], producedOn: new Date().toISOString().slice(0, 10), notIncluded: cell({}, null), tables: tables,
      revisions: request.audience === "public" ? [{ period: request.period, revision: 0, revisedOn: null, reason: null }] : [],
    };
  }

  var handlers = {
    vault_status: function () {
      return { exists: db.exists, session: db.session };
    },
    vault_create: async function (args) {
      var input = args.input;
      if (db.exists) return fail("vault_exists");
      if (!usernameOk(input.adminUsername)) return fail("invalid_input", "adminUsername");
      if ([...input.adminPassword].length < 10) return fail("weak_password", "adminPassword");
      await delay(2500);
      db.exists = true;
      db.orgName = input.orgName;
      db.country = input.country;
      var admin = addMember(input.adminUsername, input.adminDisplayName, "admin", input.adminPassword);
      log(input.adminUsername, "vault_created", null);
      db.session = sessionFor(admin);
      return { recoveryCode: db.recoveryCode, session: db.session };
    },
    session_unlock: async function (args) {
      await delay(800 + db.failures * 400);
      var member = db.staff.find(function (m) {
        return m.username === args.username && m.active;
      });
      if (!member || db.passwords[member.id] !== args.password) {
        db.failures += 1;
        log(null, "sign_in_failed", args.username);
        return fail("wrong_credentials");
      }
      db.failures = 0;
      db.session = sessionFor(member);
      log(member.username, "signed_in", null);
      return db.session;
    },
    session_recover: async function (args) {
      await delay(900);
      if (args.recoveryCode.replace(/[\s-]/g, "").toUpperCase() !== db.recoveryCode.replace(/-/g, "")) return fail("wrong_recovery_code", "recoveryCode");
      var member = db.staff.find(function (m) {
        return m.username === args.username && m.active;
      });
      if (!member) return fail("staff_not_found", "username");
      if ([...args.newPassword].length < 10) return fail("weak_password", "newPassword");
      db.passwords[member.id] = args.newPassword;
      db.session = sessionFor(member);
      log(member.username, "password_recovered", member.username);
      return db.session;
    },
    session_lock: function () {
      if (db.session) log(db.session.username, "locked", null, "manual");
      db.session = null;
      emit("session-locked", { reason: "manual" });
      return null;
    },
    session_touch: function () {
      return need() || null;
    },
    staff_list: function () {
      return need() || db.staff.map(function (m) {
        return Object.assign({}, m);
      });
    },
    staff_add: async function (args) {
      var denied = needAdmin();
      if (denied) return denied;
      var input = args.input;
      if (!usernameOk(input.username)) return fail("invalid_input", "username");
      if (db.staff.some(function (m) { return m.username === input.username; })) return fail("username_taken", "username");
      if ([...input.password].length < 10) return fail("weak_password", "password");
      await delay(700);
      var member = addMember(input.username, input.displayName, input.role, input.password);
      log(db.session.username, "staff_added", input.username);
      return Object.assign({}, member);
    },
    staff_disable: function (args) {
      var denied = needAdmin();
      if (denied) return denied;
      if (args.staffId === db.session.staffId) return fail("cannot_disable_self");
      var member = db.staff.find(function (m) { return m.id === args.staffId; });
      if (!member) return fail("staff_not_found");
      member.active = false;
      log(db.session.username, "staff_disabled", member.username);
      return null;
    },
    staff_reset_password: async function (args) {
      var denied = needAdmin();
      if (denied) return denied;
      if ([...args.newPassword].length < 10) return fail("weak_password", "newPassword");
      await delay(600);
      var member = db.staff.find(function (m) { return m.id === args.staffId; });
      if (!member) return fail("staff_not_found");
      db.passwords[member.id] = args.newPassword;
      log(db.session.username, "password_reset", member.username);
      return null;
    },
    password_change: async function (args) {
      var denied = need();
      if (denied) return denied;
      await delay(700);
      if (db.passwords[db.session.staffId] !== args.currentPassword) return fail("wrong_credentials", "currentPassword");
      if ([...args.newPassword].length < 10) return fail("weak_password", "newPassword");
      db.passwords[db.session.staffId] = args.newPassword;
      log(db.session.username, "password_changed", null);
      return null;
    },
    audit_list: function (args) {
      var denied = needAdmin();
      if (denied) return denied;
      var newestFirst = db.audit.slice().reverse();
      return newestFirst.slice(args.offset, args.offset + args.limit);
    },
    audit_verify: async function () {
      var denied = needAdmin();
      if (denied) return denied;
      await delay(500);
      if (params.get("tampered") === "1") return { ok: false, entries: db.audit.length, firstBadSeq: 17 };
      return { ok: true, entries: db.audit.length, firstBadSeq: null };
    },
    settings_get: function () {
      return need() || Object.assign({}, db.settings);
    },
    device_list: function () {
      return need() || (db.devices || []).map(function (d) {
        return Object.assign({}, d);
      });
    },
    device_add: async function (args) {
      var denied = need();
      if (denied) return denied;
      if (cancelled()) return null;
      await delay(900);
      var device = { id: newId(), name: args.name, staff: args.username, registered: false, revoked: false, lastHeard: null, joinExpires: new Date(Date.now() + 7 * 864e5).toISOString(), thisLaptop: false };
      db.devices.push(device);
      return { deviceId: device.id, passphrase: "pan sol casa luna mar flor rio miel", expires: device.joinExpires, fileName: "acompana-union-laptop.age" };
    },
    device_revoke: function (args) {
      var device = (db.devices || []).find(function (d) { return d.id === args.deviceId; });
      if (!device) return fail("not_found");
      device.revoked = true;
      return null;
    },
    sync_save_changes: async function (args) {
      if (cancelled()) return null;
      await delay(900);
      return {
        files: args.deviceIds.map(function (id, index) {
          var device = db.devices.find(function (d) { return d.id === id; });
          return { deviceId: id, deviceName: device ? device.name : id, fileName: "acompana-dev-ana-para-" + id + ".age", changes: 37 + index };
        }),
      };
    },
    sync_open_received: async function () {
      if (cancelled()) return null;
      await delay(1200);
      var refused = refusal();
      if (refused) return refused;
      return {
        files: 1, applied: 12, known: 3, superseded: 0, conflicts: (db.conflicts || []).length, dropped: 0, fromTheFuture: 0,
        from: ["Laptop Marta"],
        participantsChanged: [{ id: "p7", caseCode: "MLB-0007", chosenName: "Rosa" }, { id: "p9", caseCode: "MLB-0012", chosenName: null }],
        purged: 0, erased: 1, droppedErased: 0,
        ruleWarnings: [{ participantId: "p7", caseCode: "MLB-0007", rule: "service_hours_over_a_day", recordId: "plan1", detail: "2026-11-02: 10" }],
        alreadyImported: 0, renamedStaff: [],
      };
    },
    sync_folder_get: function () {
      return need() || db.syncFolder || null;
    },
    sync_folder_choose: async function () {
      var denied = need();
      if (denied) return denied;
      if (cancelled()) return null;
      await delay(400);
      db.syncFolder = "/home/ana/Sync/acompana";
      return db.syncFolder;
    },
    sync_folder_clear: function () {
      var denied = need();
      if (denied) return denied;
      db.syncFolder = null;
      return null;
    },
    sync_folder_run: async function () {
      var denied = need();
      if (denied) return denied;
      if (!db.syncFolder) return null;
      await delay(1500);
      var error = params.get("folderError");
      if (error) return fail(error, error === "invalid_input" ? "dir" : null);
      var reason = params.get("refuse");
      var stamp = Date.now();
      var name = function (from, to, offset) {
        return "acompana_" + from + "_" + to + "_" + (stamp - offset) + ".sync";
      };
      var others = (db.devices || []).filter(function (d) {
        return !d.thisLaptop && d.registered && !d.revoked;
      });
      return {
        imported: [name("dev-marta", "dev-ana", 60000)],
        alreadyApplied: 1,
        refused: reason ? [{ file: name("dev-lucia", "dev-ana", 30000), reason: reason }] : [],
        exported: others.map(function (d, index) {
          return { deviceId: d.id, path: db.syncFolder + "/" + name("dev-ana", d.id, 0), operations: 5 + index, withdrawn: 0, bytes: 4096 };
        }),
        applied: 9, known: 2, conflicts: (db.conflicts || []).length, dropped: 0,
        participantsChanged: [{ id: "p7", caseCode: "MLB-0007", chosenName: "Rosa" }],
      };
    },
    conflicts_list: function () {
      return need() || (db.conflicts || []).slice();
    },
    conflicts_resolve: function (args) {
      db.conflicts = (db.conflicts || []).filter(function (c) { return c.id !== args.conflictId; });
      return null;
    },
    vault_join: async function (args) {
      if (db.exists) return fail("vault_exists");
      if ([...args.input.newPassword].length < 10) return fail("weak_password", "newPassword");
      if (cancelled()) return null;
      await delay(1500);
      var refused = refusal();
      if (refused) return refused;
      db.exists = true;
      db.orgName = "Mujeres Libres";
      var member = addMember("marta_g", "Marta Gómez", "caseworker", args.input.newPassword);
      db.session = sessionFor(member);
      return { recoveryCode: db.recoveryCode, session: db.session, participants: 12 };
    },
    // Resúmenes: a fixed summary of the last quarter that ended (one table of each shape); a
    // public one of a quarter not over yet is refused, as the core does.
    summary_indicators: function () {
      return SUMMARY_INDICATORS.map(function (id) {
        var sensitive = ["gender_identity", "ethnicity", "nationality"].indexOf(id) >= 0;
        return { id: id, unit: "women", dimensions: [id], sensitive: sensitive, breakdowns: sensitive ? ["quarter"] : ["department", "quarter", "age_band", "sentence_band"] };
      });
    },
    summary_produce: async function (args) {
      var refused = summaryRefused(args.request);
      if (refused) return refused;
      await delay(700);
      return summaryFor(args.request);
    },
    summary_export_csv: async function (args) {
      var refused = summaryRefused(args.request);
      if (refused) return refused;
      if (cancelled()) return null;
      return summaryFor(args.request).tables.length;
    },
    settings_set: function (args) {
      var denied = needAdmin();
      if (denied) return denied;
      var minutes = args.settings.idleLockMinutes;
      if (!(minutes >= 1 && minutes <= 120)) return fail("invalid_input", "idleLockMinutes");
      db.settings.idleLockMinutes = minutes;
      log(db.session.username, "settings_changed", null);
      return Object.assign({}, db.settings);
    },
  };

  var callbacks = new Map();
  var listeners = [];
  var nextCallback = 1;

  function emit(event, payload) {
    listeners
      .filter(function (l) { return l.event === event; })
      .forEach(function (l) {
        var cb = callbacks.get(l.handler);
        if (cb) setTimeout(function () { cb({ event: event, id: l.id, payload: payload }); }, 0);
      });
  }

  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback: function (callback) {
      var key = nextCallback++;
      callbacks.set(key, callback);
      return key;
    },
    unregisterCallback: function (key) {
      callbacks.delete(key);
    },
    convertFileSrc: function (path) {
      return path;
    },
    invoke: async function (cmd, args) {
      if (cmd === "plugin:event|listen") {
        var listener = { id: listeners.length + 1, event: args.event, handler: args.handler };
        listeners.push(listener);
        return listener.id;
      }
      if (cmd === "plugin:event|unlisten") return null;
      var handler = handlers[cmd];
      if (!handler) return Promise.reject({ code: "internal", message: "mock: unknown command " + cmd, field: null });
      await delay(60);
      return handler(args || {});
    },
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: function () {} };
  // For poking at the UI by hand: __acompanaMock.idleLock()
  window.__acompanaMock = {
    db: db,
    idleLock: function () {
      if (db.session) log(db.session.username, "locked", null, "idle");
      db.session = null;
      emit("session-locked", { reason: "idle" });
    },
  };
})();
