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
    assert_eq!(check["schema_version"], 3);
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
    assert_eq!(last["value"], "Valle del Cauca");
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
