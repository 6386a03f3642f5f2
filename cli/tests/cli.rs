//! The `acompana` command line: commands, JSON output, exit codes and password sources.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

const PASSWORD: &str = "clave-de-coordinadora";

fn acompana(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("acompana").unwrap();
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("ACOMPANA_DATA_DIR", dir)
        .env("ACOMPANA_KDF", "minimum")
        .env("TMPDIR", std::env::temp_dir());
    command
}

fn init(dir: &Path) -> String {
    let output = acompana(dir)
        .args([
            "--json",
            "init",
            "--org",
            "Mujeres de Prueba",
            "--country",
            "CO",
            "--admin",
            "coordinadora",
            "--admin-name",
            "Coordinadora",
        ])
        .env("ACOMPANA_NEW_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["recovery_code"].as_str().unwrap().to_string()
}

#[test]
fn init_prints_the_recovery_code_once_and_check_reports_the_vault() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    acompana(&data)
        .args([
            "init",
            "--org",
            "Mujeres de Prueba",
            "--country",
            "CO",
            "--admin",
            "coordinadora",
        ])
        .env("ACOMPANA_NEW_PASSWORD", PASSWORD)
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"[0-9A-Z]{5}(-[0-9A-Z]{5}){4}").unwrap());
    // A second init refuses to overwrite.
    acompana(&data)
        .args([
            "init",
            "--org",
            "Otra",
            "--country",
            "MX",
            "--admin",
            "otra",
        ])
        .env("ACOMPANA_NEW_PASSWORD", PASSWORD)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already exists"));
    let output = acompana(&data)
        .args(["--user", "coordinadora", "--json", "check"])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(output.status.success());
    let check: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(check["integrity"], "ok");
    assert_eq!(
        check["full"], false,
        "unlocking reads the key, header and schema only"
    );
    assert_eq!(
        check["schema_version"],
        acompana::store::migrations::latest_version()
    );
    assert_eq!(check["kdf"]["memory_kib"], 65536);
    assert_eq!(check["kdf"]["iterations"], 3);
    assert_eq!(check["staff_total"], 1);
    acompana(&data)
        .args(["--user", "coordinadora", "check"])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .assert()
        .success()
        .stdout(predicate::str::contains("argon2id: 64 MiB, 3 passes"));
    let output = acompana(&data)
        .args(["--user", "coordinadora", "--json", "check", "--full"])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(output.status.success());
    let check: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(check["integrity"], "ok");
    assert_eq!(check["full"], true);
    // A damaged page exits 4 (vault damaged), found by the full check if unlocking did not
    // need that page (tests/vault_security.rs pins which check finds what).
    let db = data.join("vault.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let last_page = bytes.len() - 4096;
    bytes[last_page + 100] ^= 1;
    std::fs::write(&db, bytes).unwrap();
    acompana(&data)
        .args(["--user", "coordinadora", "check", "--full"])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .assert()
        .code(4);
}

#[test]
fn staff_add_list_disable_and_passwd() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    acompana(dir.path())
        .args([
            "--user",
            "coordinadora",
            "staff",
            "add",
            "lucia",
            "--role",
            "caseworker",
            "--name",
            "Lucía Gómez",
        ])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .env("ACOMPANA_NEW_PASSWORD", "clave-de-lucia-1")
        .assert()
        .success();
    let output = acompana(dir.path())
        .args(["--user", "lucia", "--json", "staff", "list"])
        .env("ACOMPANA_PASSWORD", "clave-de-lucia-1")
        .output()
        .unwrap();
    assert!(output.status.success());
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Lucía Gómez"));

    // A caseworker cannot add staff.
    acompana(dir.path())
        .args(["--user", "lucia", "staff", "add", "otra", "--role", "admin"])
        .env("ACOMPANA_PASSWORD", "clave-de-lucia-1")
        .env("ACOMPANA_NEW_PASSWORD", "clave-de-otra-1")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not allowed"));

    // She changes her password, with the current one from a file.
    let password_file = dir.path().join("pw.txt");
    std::fs::write(&password_file, "clave-de-lucia-1\n").unwrap();
    acompana(dir.path())
        .args(["--user", "lucia", "--password-file"])
        .arg(&password_file)
        .arg("passwd")
        .env("ACOMPANA_NEW_PASSWORD", "clave-nueva-lucia")
        .assert()
        .success();
    acompana(dir.path())
        .args(["--user", "lucia", "staff", "list"])
        .env("ACOMPANA_PASSWORD", "clave-de-lucia-1")
        .assert()
        .code(3);

    acompana(dir.path())
        .args(["--user", "coordinadora", "staff", "disable", "lucia"])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .assert()
        .success();
    acompana(dir.path())
        .args(["--user", "lucia", "staff", "list"])
        .env("ACOMPANA_PASSWORD", "clave-nueva-lucia")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("wrong username or password"));
    acompana(dir.path())
        .args(["--user", "coordinadora", "--json", "audit", "verify"])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"ok\": true"));
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    // Vault missing: 4.
    acompana(dir.path())
        .args(["--user", "coordinadora", "check"])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .assert()
        .code(4);
    // Usage errors: 2.
    acompana(dir.path()).args(["frobnicate"]).assert().code(2);
    acompana(dir.path())
        .args(["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--user"));
    acompana(dir.path())
        .args(["init", "--org", "X", "--country", "XX", "--admin", "ana"])
        .env("ACOMPANA_NEW_PASSWORD", PASSWORD)
        .assert()
        .code(2);
    acompana(dir.path())
        .args(["init", "--org", "X", "--country", "CO", "--admin", "ana"])
        .env("ACOMPANA_NEW_PASSWORD", "corta")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 10"));
    // No password source and no terminal: a usage error, not a hang.
    init(dir.path());
    acompana(dir.path())
        .args(["--user", "coordinadora", "check"])
        .assert()
        .code(2);
    // Wrong password: 3, with a JSON error when asked.
    acompana(dir.path())
        .args(["--user", "coordinadora", "--json", "check"])
        .env("ACOMPANA_PASSWORD", "clave-equivocada")
        .assert()
        .code(3)
        .stderr(predicate::str::contains("\"code\":\"wrong_credentials\""));
    // Tampered: 4.
    let slots = dir.path().join("keyslots.json");
    let text = std::fs::read_to_string(&slots).unwrap();
    std::fs::write(&slots, text.replacen("\"mac\": \"", "\"mac\": \"0", 1)).unwrap();
    acompana(dir.path())
        .args(["--user", "coordinadora", "check"])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("damaged or was altered"));
}

#[test]
fn recover_sets_a_new_password_with_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let code = init(dir.path());
    acompana(dir.path())
        .args(["recover", "coordinadora"])
        .env("ACOMPANA_RECOVERY_CODE", "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA")
        .env("ACOMPANA_NEW_PASSWORD", "clave-recuperada-1")
        .assert()
        .code(3);
    acompana(dir.path())
        .args(["recover", "coordinadora"])
        .env("ACOMPANA_RECOVERY_CODE", &code)
        .env("ACOMPANA_NEW_PASSWORD", "clave-recuperada-1")
        .assert()
        .success();
    acompana(dir.path())
        .args(["--user", "coordinadora", "check"])
        .env("ACOMPANA_PASSWORD", "clave-recuperada-1")
        .assert()
        .success();
}

#[test]
fn participants_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let run = |args: &[&str]| {
        let output = acompana(dir.path())
            .args(["--user", "coordinadora"])
            .args(args)
            .env("ACOMPANA_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let id = run(&[
        "participant",
        "add",
        "--name",
        "María José González",
        "--chosen-name",
        "Majo",
        "--birth-year",
        "1987",
        "--department",
        "Antioquia",
    ])
    .trim()
    .to_string();
    assert_eq!(id.len(), 36, "prints the new id: {id}");
    let found: serde_json::Value =
        serde_json::from_str(&run(&["--json", "search", "maria jose"])).unwrap();
    assert_eq!(found[0]["id"], id.as_str());
    assert!(
        found[0].get("legalName").is_none(),
        "lists hide the legal name"
    );
    run(&["participant", "set", &id, "department", "Valle del Cauca"]);
    // A department not on the country's list is refused, and nothing changes.
    acompana(dir.path())
        .args([
            "--user",
            "coordinadora",
            "participant",
            "set",
            &id,
            "department",
            "Narnia",
        ])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("department"));
    // The check is the catalog's: its own spelling is stored whatever the case typed.
    run(&["participant", "set", &id, "department", "valle del cauca"]);
    let shown: serde_json::Value =
        serde_json::from_str(&run(&["--json", "participant", "show", &id])).unwrap();
    assert_eq!(shown["legalName"], "María José González");
    assert_eq!(shown["department"], "Valle del Cauca");
    let history: serde_json::Value =
        serde_json::from_str(&run(&["--json", "history", &id])).unwrap();
    let last = history.as_array().unwrap().last().unwrap();
    assert_eq!(last["field"], "department");
    assert_eq!(last["value"], "\"Valle del Cauca\"");
    assert_eq!(last["author"], "Coordinadora");
    assert!(run(&["participant", "list"]).contains("Majo"));
    acompana(dir.path())
        .args([
            "--user",
            "coordinadora",
            "participant",
            "show",
            "no-such-id",
        ])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no such record"));
}

#[test]
fn a_file_is_filled_in_from_the_command_line_and_scoped_by_role() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let as_user = |user: &'static str, password: &'static str| {
        let dir = dir.path().to_path_buf();
        move |args: &[&str]| -> (bool, String, String) {
            let output = acompana(&dir)
                .args(["--user", user])
                .args(args)
                .env("ACOMPANA_PASSWORD", password)
                .output()
                .unwrap();
            (
                output.status.success(),
                String::from_utf8(output.stdout).unwrap(),
                String::from_utf8(output.stderr).unwrap(),
            )
        }
    };
    let run = |args: &[&str]| {
        let (ok, out, err) = as_user("coordinadora", PASSWORD)(args);
        assert!(ok, "{args:?}: {err}");
        out.trim().to_string()
    };
    acompana(dir.path())
        .args([
            "--user",
            "coordinadora",
            "staff",
            "add",
            "lucia",
            "--role",
            "caseworker",
        ])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .env("ACOMPANA_NEW_PASSWORD", "clave-de-lucia-1")
        .assert()
        .success();
    let maria = run(&[
        "participant",
        "add",
        "--name",
        "María José Pérez",
        "--department",
        "Antioquia",
    ]);
    let rosa = run(&[
        "participant",
        "add",
        "--name",
        "Rosa Díaz",
        "--assign",
        "lucia",
    ]);
    let child = run(&[
        "dependant",
        "add",
        &maria,
        "--alias",
        "Sofi",
        "--relationship",
        "daughter",
        "--age",
        "7",
        "--carer",
        "grandmother",
        "--custody",
        "relative",
        "--disability",
        "--disability-certificate",
    ]);
    assert_eq!(child.len(), 36);
    run(&[
        "document",
        "set",
        &maria,
        "cedula",
        "has",
        "--obtained-on",
        "2026-01-15",
    ]);
    run(&[
        "document",
        "set",
        &maria,
        "registro_civil",
        "in-process",
        "--dependant",
        &child,
    ]);
    run(&[
        "consent",
        "add",
        &maria,
        "--purpose",
        "statistics",
        "--read-aloud",
    ]);
    run(&["note", "add", &maria, "Visita en el patio, todo bien."]);
    run(&["note", "add", &maria, "Texto delicado", "--sensitive"]);
    run(&[
        "visit",
        "add",
        "--date",
        "2026-02-01",
        "--place",
        "El Buen Pastor",
        "--team",
        "coordinadora,lucia",
        &maria,
        &rosa,
    ]);
    let file: serde_json::Value =
        serde_json::from_str(&run(&["--json", "participant", "file", &maria])).unwrap();
    let records = file["records"].as_array().unwrap();
    let kinds: Vec<&str> = records
        .iter()
        .map(|r| r["data"]["kind"].as_str().unwrap())
        .collect();
    for kind in ["dependant", "document", "consent", "note", "contact"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let cedula = records
        .iter()
        .find(|r| r["data"]["documentType"] == "cedula")
        .unwrap();
    assert_eq!(cedula["data"]["status"], "has");
    // Cédula obtained: one required document fewer is pending (CO requires 6 for her).
    assert_eq!(file["participant"]["documentsPending"], 5);
    let sensitive = records.iter().find(|r| r["masked"] == true).unwrap();
    assert_eq!(sensitive["data"]["text"], "");
    assert!(!run(&["participant", "file", &maria]).contains("Texto delicado"));
    // Bad input is refused with a usage error and changes nothing.
    let (ok, _, err) =
        as_user("coordinadora", PASSWORD)(&["document", "set", &maria, "curp", "has"]);
    assert!(!ok && err.contains("documentType"), "{err}");
    acompana(dir.path())
        .args([
            "--user",
            "coordinadora",
            "dependant",
            "add",
            &maria,
            "--alias",
            "X",
            "--relationship",
            "cousin",
        ])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .assert()
        .code(2);
    acompana(dir.path())
        .args([
            "--user",
            "coordinadora",
            "note",
            "add",
            &maria,
            "x",
            "--date",
            "2026-13-01",
        ])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .assert()
        .code(2);
    // A caseworker sees only her women, through every command.
    let lucia = as_user("lucia", "clave-de-lucia-1");
    let (ok, out, _) = lucia(&["--json", "participant", "list"]);
    assert!(ok);
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], rosa.as_str());
    for args in [
        vec!["participant", "show", maria.as_str()],
        vec!["participant", "file", maria.as_str()],
        vec!["history", maria.as_str()],
        vec!["note", "add", maria.as_str(), "intrusa"],
    ] {
        let (ok, _, err) = lucia(&args);
        assert!(!ok && err.contains("no such record"), "{args:?}: {err}");
    }
    let (_, out, _) = lucia(&["search", "maria"]);
    assert!(out.trim().is_empty(), "{out}");
    // Shared with her, she can open it.
    run(&["participant", "share", &maria, "lucia"]);
    assert!(lucia(&["participant", "show", &maria]).0);
    // A closed case can be read but not changed until reopened.
    run(&["participant", "close", &maria, "--reason", "completed"]);
    let (ok, _, err) = as_user("coordinadora", PASSWORD)(&["note", "add", &maria, "tarde"]);
    assert!(!ok && err.contains("closed"), "{err}");
    run(&["participant", "reopen", &maria]);
    run(&["note", "add", &maria, "Reabierto."]);
    let history: serde_json::Value =
        serde_json::from_str(&run(&["--json", "history", &maria])).unwrap();
    let types: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["recordType"].as_str().unwrap())
        .collect();
    for kind in [
        "participant",
        "dependant",
        "document",
        "note",
        "contact",
        "participant_access",
    ] {
        assert!(types.contains(&kind), "{kind} missing from the history");
    }
    assert!(!serde_json::to_string(&history)
        .unwrap()
        .contains("Texto delicado"));
    let checklist = run(&["document", "checklist"]);
    assert!(checklist.contains("sisben") && checklist.contains("Cédula de ciudadanía"));
}

#[test]
fn demo_data_goes_only_into_a_demo_vault() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let output = acompana(&demo)
        .args(["--json", "demo", "--participants", "30", "--seed", "5"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let made: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(made["participants"], 30);
    assert_eq!(made["created"], true);
    let list = acompana(&demo)
        .args([
            "--user",
            "demo",
            "--json",
            "participant",
            "list",
            "--limit",
            "100",
        ])
        .env("ACOMPANA_PASSWORD", made["password"].as_str().unwrap())
        .output()
        .unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 30);
    // A real vault is refused and left untouched.
    let real = dir.path().join("real");
    init(&real);
    let before = std::fs::read(real.join("vault.db")).unwrap();
    acompana(&real)
        .args(["demo", "--participants", "5"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a demo vault"));
    assert_eq!(std::fs::read(real.join("vault.db")).unwrap(), before);
}

/// Runs a command as the coordinator: its exit code, output and errors.
fn as_coordinator(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = acompana(dir)
        .args(["--user", "coordinadora"])
        .args(args)
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// Runs a command as the coordinator, asserting it succeeds; its output, trimmed.
fn succeeds(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = as_coordinator(dir, args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out.trim().to_string()
}

#[test]
fn legal_routes_service_plans_referrals_and_tasks_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let call = |args: &[&str]| as_coordinator(dir.path(), args);
    let run = |args: &[&str]| succeeds(dir.path(), args);
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&run(&all)).unwrap()
    };
    let woman = run(&["participant", "add", "--name", "Luz Dary Moreno"]);

    // The plan prints the hours due and the projected end.
    let plan = run(&[
        "service",
        "plan",
        &woman,
        "--sentence-months",
        "48",
        "--hours-per-week",
        "20",
        "--start",
        "2026-01-05",
    ]);
    assert!(
        plan.contains("hours due: 1040 (5 per week of sentence)"),
        "{plan}"
    );
    assert!(plan.contains("projected end: 2027-01-03"), "{plan}");
    let plan_id = plan
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("plan ")
        .to_string();
    let plan_json = json(&[
        "service",
        "plan",
        &woman,
        "--sentence-months",
        "13",
        "--hours-per-week",
        "10",
        "--hours-per-day",
        "5",
        "--start",
        "2026-03-02",
    ]);
    assert_eq!(plan_json["hoursDue"], 282);
    assert_eq!(plan_json["projectedEnd"], "2026-09-20");
    // Limits are refused as usage errors naming the field.
    let (code, _, err) = call(&[
        "service",
        "plan",
        &woman,
        "--sentence-months",
        "48",
        "--hours-per-week",
        "25",
        "--start",
        "2026-01-05",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("hoursPerWeek"), "{err}");
    let (code, _, err) = call(&[
        "service",
        "plan",
        &woman,
        "--sentence-months",
        "48",
        "--hours-per-week",
        "20",
        "--hours-per-day",
        "10",
        "--start",
        "2026-01-05",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("hoursPerDay"), "{err}");
    // Edited hours need a reason (clap refuses --hours-due alone).
    let (code, _, _) = call(&[
        "service",
        "plan",
        &woman,
        "--sentence-months",
        "48",
        "--hours-per-week",
        "20",
        "--start",
        "2026-01-05",
        "--hours-due",
        "900",
    ]);
    assert_eq!(code, 2);

    // Hours logged, then the compliance report's figures.
    for (date, hours) in [
        ("2026-01-06", "4"),
        ("2026-01-07", "4"),
        ("2026-02-02", "6"),
    ] {
        run(&[
            "service",
            "log",
            &woman,
            &plan_id,
            "--date",
            date,
            "--hours",
            hours,
            "--activity",
            "Biblioteca",
            "--verified-by",
            "Supervisora",
        ]);
    }
    let (code, _, err) = call(&[
        "service",
        "log",
        &woman,
        &plan_id,
        "--date",
        "2026-01-06",
        "--hours",
        "5",
        "--activity",
        "Biblioteca",
    ]);
    assert_eq!(code, 2, "more than 8 hours in a day");
    assert!(err.contains("hours"), "{err}");
    let report = json(&[
        "service",
        "report",
        &woman,
        &plan_id,
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-31",
    ]);
    assert_eq!(report["figures"]["hoursInPeriod"], 8);
    assert_eq!(report["figures"]["hoursRemaining"], 1032);
    assert_eq!(report["legalName"], "Luz Dary Moreno");
    let shown = run(&["service", "show", &woman]);
    assert!(shown.contains("served: 14 of 1040"), "{shown}");

    // A legal application with its evidence; then its decision.
    run(&["document", "set", &woman, "declaracion_jefatura", "has"]);
    let types = run(&["legal", "types"]);
    assert!(types.contains("co_ley_2292"), "{types}");
    let application = run(&[
        "legal",
        "add",
        &woman,
        "--type",
        "co_ley_2292",
        "--filed-on",
        "2025-11-10",
        "--evidence",
        "declaracion_jefatura",
    ]);
    let (code, _, err) = call(&[
        "legal",
        "add",
        &woman,
        "--type",
        "co_ley_2292",
        "--evidence",
        "cedula",
    ]);
    assert_eq!(code, 2, "evidence she does not have");
    assert!(err.contains("cedula"), "{err}");
    let (code, _, err) = call(&["legal", "add", &woman, "--type", "mx_amnistia_federal"]);
    assert_eq!(code, 2);
    assert!(err.contains("applicationType"), "{err}");
    let (code, _, err) = call(&[
        "legal",
        "decide",
        &woman,
        &application,
        "--status",
        "denied",
        "--on",
        "2026-01-20",
    ]);
    assert_eq!(code, 2, "a denial needs its reason");
    assert!(err.contains("refusalReason"), "{err}");
    run(&[
        "legal",
        "decide",
        &woman,
        &application,
        "--status",
        "granted",
        "--on",
        "2026-01-20",
    ]);
    let listed = run(&["legal", "list", &woman]);
    assert!(listed.contains("co_ley_2292  granted"), "{listed}");

    // A referral that shares her data stops until her consent is recorded.
    let shelter = run(&[
        "directory",
        "add",
        "--name",
        "Fundación Techo Digno",
        "--kind",
        "non_profit",
        "--category",
        "housing",
        "--accepts-records",
    ]);
    let found = run(&["directory", "search", "techo", "--category", "housing"]);
    assert!(found.contains(&shelter), "{found}");
    let (code, _, err) = call(&[
        "referral",
        "add",
        &woman,
        "--organization",
        &shelter,
        "--category",
        "housing",
        "--date",
        "2026-11-01",
        "--follow-up",
        "2026-11-20",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("consent"), "{err}");
    assert!(err.contains("acompana consent add"), "{err}");
    run(&[
        "consent",
        "add",
        &woman,
        "--purpose",
        "referral",
        "--organization",
        "Fundacion Techo Digno",
    ]);
    run(&[
        "referral",
        "add",
        &woman,
        "--organization",
        &shelter,
        "--category",
        "housing",
        "--date",
        "2026-11-01",
        "--follow-up",
        "2026-11-20",
    ]);

    // Tasks due: the referral follow-up is overdue on the 29th; done, it goes.
    let due = json(&["tasks", "due", "--today", "2026-11-29"]);
    let overdue = due["overdue"]["items"].as_array().unwrap();
    let follow_up = overdue
        .iter()
        .find(|t| t["kind"] == "referral_follow_up")
        .expect("referral follow-up overdue");
    assert_eq!(follow_up["dueOn"], "2026-11-20");
    let key = follow_up["key"].as_str().unwrap().to_string();
    let plain = run(&["tasks", "due", "--today", "2026-11-29"]);
    assert!(plain.contains(&key), "{plain}");
    run(&["tasks", "done", &woman, &key]);
    let after = json(&["tasks", "due", "--today", "2026-11-29"]);
    assert!(!after["overdue"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["key"] == key.as_str()));
    let (code, _, _) = call(&["tasks", "due", "--today", "mañana"]);
    assert_eq!(code, 2);
    // Everything went on the file's history.
    let history = run(&["--json", "history", &woman]);
    for kind in [
        "service_plan",
        "service_hours",
        "compliance_report",
        "legal_application",
        "referral",
        "task",
    ] {
        assert!(
            history.contains(&format!("\"recordType\": \"{kind}\"")),
            "{kind}"
        );
    }
}

#[test]
fn rights_requests_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let call = |args: &[&str]| as_coordinator(dir.path(), args);
    let run = |args: &[&str]| succeeds(dir.path(), args);
    let woman = run(&["participant", "add", "--name", "Luz Dary Moreno"]);
    // Colombia: 15 business days for a correction; 16 November 2026 is a holiday.
    let added: serde_json::Value = serde_json::from_str(&run(&[
        "--json",
        "rights",
        "add",
        &woman,
        "--kind",
        "correction",
        "--received",
        "2026-11-02",
    ]))
    .unwrap();
    assert_eq!(added["deadline"], "2026-11-24");
    let id = added["id"].as_str().unwrap().to_string();
    let plain = run(&[
        "rights",
        "add",
        &woman,
        "--kind",
        "access",
        "--received",
        "2026-11-02",
    ]);
    assert!(plain.contains("answer by 2026-11-17"), "{plain}");
    assert!(plain.contains("Ley 1581 de 2012, art. 14"), "{plain}");
    // Bad input is refused and records nothing.
    let (code, _, err) = call(&[
        "rights",
        "add",
        &woman,
        "--kind",
        "olvido",
        "--received",
        "2026-11-02",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("olvido") || err.contains("kind"), "{err}");
    let (code, _, err) = call(&[
        "rights",
        "add",
        &woman,
        "--kind",
        "access",
        "--received",
        "2999-01-01",
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("receivedOn"), "{err}");

    let listed: serde_json::Value =
        serde_json::from_str(&run(&["--json", "rights", "list"])).unwrap();
    assert_eq!(listed["requests"].as_array().unwrap().len(), 2);
    // Open ones by deadline: the access request (17 November) first.
    assert_eq!(listed["requests"][0]["right"], "access");
    assert_eq!(listed["requests"][1]["id"], id.as_str());

    let done = run(&[
        "rights",
        "done",
        &id,
        "--outcome",
        "Se corrigió su año de nacimiento",
    ]);
    assert!(done.contains("done "), "{done}");
    let (code, _, _) = call(&["rights", "done", &id]);
    assert_ne!(code, 0, "done twice");
    let listed: serde_json::Value =
        serde_json::from_str(&run(&["--json", "rights", "list"])).unwrap();
    let answered = listed["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(answered["status"], "done");
    assert_eq!(answered["doneBy"], "coordinadora");
    assert_eq!(answered["outcome"], "Se corrigió su año de nacimiento");
}

#[test]
fn summaries_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let call = |args: &[&str]| as_coordinator(dir.path(), args);
    let run = |args: &[&str]| succeeds(dir.path(), args);
    for name in ["Luz Dary Moreno", "Ana Ruiz", "Rosa Pérez"] {
        let woman = run(&["participant", "add", "--name", name]);
        run(&["consent", "add", &woman, "--purpose", "statistics"]);
    }
    // This quarter, internal: three women, shown as "<5" and a null count.
    let quarter = {
        let today = chrono::Local::now().date_naive();
        use chrono::Datelike;
        format!("{}Q{}", today.year(), today.month0() / 3 + 1)
    };
    let summary: serde_json::Value = serde_json::from_str(&run(&[
        "--json",
        "summary",
        "--period",
        &quarter,
        "--indicator",
        "legal_status",
    ]))
    .unwrap();
    assert_eq!(summary["period"], quarter.as_str());
    assert_eq!(summary["audience"], "internal");
    assert_eq!(summary["k"], 5);
    assert!(summary["method"]
        .as_str()
        .unwrap()
        .contains("complementary"));
    let tables = summary["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0]["indicator"], "legal_status");
    assert_eq!(tables[0]["breakdowns"], serde_json::json!(["legal_status"]));
    let total = tables[0]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["labels"]["legal_status"] == "total")
        .unwrap();
    assert_eq!(total["count"], serde_json::Value::Null);
    assert_eq!(total["display"], "<5");
    assert_eq!(total["percent"], serde_json::Value::Null);
    let text = serde_json::to_string(&summary).unwrap();
    assert!(
        !text.contains("Luz Dary") && !text.contains("Moreno"),
        "{text}"
    );

    // CSV: one file per table, hidden cells as "<5".
    let csv_dir = dir.path().join("csv");
    run(&[
        "summary",
        "--period",
        &quarter,
        "--csv",
        csv_dir.to_str().unwrap(),
    ]);
    let files: Vec<String> = std::fs::read_dir(&csv_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 25, "{files:?}");
    let status =
        std::fs::read_to_string(csv_dir.join(format!("{quarter}_legal_status.csv"))).unwrap();
    assert!(
        status.starts_with("legal_status,count,percent\n"),
        "{status}"
    );
    assert!(status.contains("\ntotal,<5,\n"), "{status}");

    // A public summary of a quarter not over yet, a breakdown a sensitive attribute refuses,
    // a threshold below 5, no period: refused.
    let (code, _, err) = call(&[
        "--json",
        "summary",
        "--period",
        &quarter,
        "--audience",
        "public",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("\"quarter_open\""), "{err}");
    let (code, _, _) = call(&["summary", "--period", &quarter, "--k", "3"]);
    assert_eq!(code, 2);
    let (code, _, _) = call(&["summary"]);
    assert_eq!(code, 2);
    let listed: serde_json::Value =
        serde_json::from_str(&run(&["--json", "summary", "indicators"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 25);
    let recipient = run(&["summary", "recipient"]);
    assert!(recipient.starts_with("age1"), "{recipient}");
    // A file that is not a contribution: refused, with its reason.
    let junk = dir.path().join("junk.age");
    std::fs::write(&junk, b"not a contribution").unwrap();
    let other = dir.path().join("other.age");
    std::fs::write(&other, b"nor this").unwrap();
    let (code, _, err) = call(&[
        "--json",
        "summary",
        "pool",
        junk.to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("\"not_a_contribution\""), "{err}");
}

#[test]
fn backups_and_automatic_backups_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    init(&vault);
    let phrase = "frase larga de la copia";
    let with_phrase = |args: &[&str], data: &Path| {
        acompana(data)
            .args(["--user", "coordinadora"])
            .args(args)
            .env("ACOMPANA_PASSWORD", PASSWORD)
            .env("ACOMPANA_BACKUP_PASSPHRASE", phrase)
            .output()
            .unwrap()
    };
    // create, verify, restore into a new folder, which then opens with the same password.
    let file = dir.path().join("copia.age");
    let made = with_phrase(
        &["backup", "create", "--to", file.to_str().unwrap()],
        &vault,
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let verified = with_phrase(
        &["--json", "backup", "verify", file.to_str().unwrap()],
        &vault,
    );
    assert!(verified.status.success());
    let info: serde_json::Value = serde_json::from_slice(&verified.stdout).unwrap();
    assert!(info["databaseBytes"].as_u64().unwrap() > 0);
    let wrong = acompana(&vault)
        .args(["backup", "verify", file.to_str().unwrap()])
        .env("ACOMPANA_BACKUP_PASSPHRASE", "no es la frase correcta")
        .output()
        .unwrap();
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong_passphrase"));
    let restored = dir.path().join("restaurada");
    let restore = with_phrase(&["backup", "restore", file.to_str().unwrap()], &restored);
    assert!(
        restore.status.success(),
        "{}",
        String::from_utf8_lossy(&restore.stderr)
    );
    let (code, _, err) = as_coordinator(&restored, &["check"]);
    assert_eq!(code, 0, "{err}");
    // Restoring over an existing vault is refused.
    let again = with_phrase(&["backup", "restore", file.to_str().unwrap()], &restored);
    assert!(!again.status.success());

    // Automatic backups: off at first, set up, due at once, then not, forced, kept to 2.
    assert!(succeeds(&vault, &["backup", "schedule"]).contains("No automatic backups"));
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let set = with_phrase(
        &[
            "--json",
            "backup",
            "schedule",
            "--folder",
            usb.to_str().unwrap(),
            "--every-days",
            "7",
            "--keep",
            "2",
        ],
        &vault,
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let status: serde_json::Value = serde_json::from_slice(&set.stdout).unwrap();
    assert_eq!(status["schedule"]["everyDays"], 7);
    assert!(!String::from_utf8_lossy(&set.stdout).contains(phrase));
    assert!(succeeds(&vault, &["backup", "auto"]).contains("Automatic backup written"));
    assert!(succeeds(&vault, &["backup", "auto"]).contains("No automatic backup is due"));
    succeeds(&vault, &["backup", "auto", "--now"]);
    succeeds(&vault, &["backup", "auto", "--now"]);
    let kept: Vec<_> = std::fs::read_dir(&usb).unwrap().collect();
    assert_eq!(kept.len(), 2);
    // A missing folder is an error with its code, and the status says so.
    std::fs::remove_dir_all(&usb).unwrap();
    let (code, _, err) = as_coordinator(&vault, &["--json", "backup", "auto", "--now"]);
    assert_ne!(code, 0);
    assert!(err.contains("backup_folder_missing"), "{err}");
    assert!(succeeds(&vault, &["backup", "schedule"]).contains("backup_folder_missing"));
    assert!(succeeds(&vault, &["backup", "schedule", "--off"]).contains("No automatic backups"));
}

/// A panic prints where it happened and never its message, which may quote a woman's data.
#[test]
fn a_panic_prints_its_place_but_never_its_message() {
    let dir = tempfile::tempdir().unwrap();
    let output = acompana(&dir.path().join("data"))
        .arg("--version")
        .env("ACOMPANA_TEST_PANIC", "Carmen Rojas vive en la calle 5")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(101), "a panic exits with 101");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("message withheld"), "{stderr}");
    assert!(stderr.contains("main.rs"), "the place is printed: {stderr}");
    assert!(!stderr.contains("Carmen"), "the message leaked: {stderr}");
    assert!(output.stdout.is_empty());
}
