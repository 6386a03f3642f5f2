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
    assert_eq!(check["schema_version"], 4);
    assert_eq!(check["kdf"]["memory_kib"], 65536);
    assert_eq!(check["kdf"]["iterations"], 3);
    assert_eq!(check["staff_total"], 1);
    acompana(&data)
        .args(["--user", "coordinadora", "check"])
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .assert()
        .success()
        .stdout(predicate::str::contains("argon2id: 64 MiB, 3 passes"));
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
