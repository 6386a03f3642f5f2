//! Sync from the command line: adding a laptop, joining it, exporting, importing, a sync
//! folder, conflicts, erasure, revocation, and the exit code of a refused file (4).

use std::path::Path;

use assert_cmd::Command;

const PASSWORD: &str = "clave-de-coordinadora";
const LUCIA_PASSWORD: &str = "clave-de-lucia-1";

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

/// Runs a signed-in command with `--json` and returns its output, asserting success.
fn run(dir: &Path, user: &str, password: &str, args: &[&str]) -> serde_json::Value {
    let output = acompana(dir)
        .args(["--json", "--user", user])
        .args(args)
        .env("ACOMPANA_PASSWORD", password)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null)
}

/// Runs a command expected to fail and returns its exit code and JSON error.
fn fails(dir: &Path, user: &str, password: &str, args: &[&str]) -> (i32, serde_json::Value) {
    let output = acompana(dir)
        .args(["--json", "--user", user])
        .args(args)
        .env("ACOMPANA_PASSWORD", password)
        .output()
        .unwrap();
    assert!(!output.status.success(), "{args:?} should fail");
    let error = serde_json::from_slice(&output.stderr).unwrap_or(serde_json::Value::Null);
    (output.status.code().unwrap(), error)
}

#[test]
fn two_laptops_sync_from_the_command_line() {
    let work = tempfile::tempdir().unwrap();
    let office = work.path().join("office");
    let field = work.path().join("field");
    let files = work.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    acompana(&office)
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
        .success();
    acompana(&office)
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
        .env("ACOMPANA_NEW_PASSWORD", LUCIA_PASSWORD)
        .assert()
        .success();
    let woman = run(
        &office,
        "coordinadora",
        PASSWORD,
        &[
            "participant",
            "add",
            "--name",
            "Rosa Caminante",
            "--assign",
            "lucia",
        ],
    );
    let woman = woman["id"].as_str().unwrap().to_string();

    // Prepare her laptop: the passphrase is printed once, with the device id and expiry.
    let join_file = files.join("lucia.join");
    let added = run(
        &office,
        "coordinadora",
        PASSWORD,
        &[
            "device",
            "add",
            "--staff",
            "lucia",
            "--name",
            "Laptop Lucía",
            "--out",
            join_file.to_str().unwrap(),
        ],
    );
    let passphrase = added["passphrase"].as_str().unwrap().to_string();
    let device = added["device_id"].as_str().unwrap().to_string();
    assert!(added["expires"].as_str().is_some());
    // A wrong passphrase is a refused file: exit 4, nothing created.
    let output = acompana(&field)
        .args(["--json", "join", join_file.to_str().unwrap()])
        .env(
            "ACOMPANA_JOIN_PASSPHRASE",
            "luna sol mar rio pan sal oro luz",
        )
        .env("ACOMPANA_NEW_PASSWORD", LUCIA_PASSWORD)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let error: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap();
    assert_eq!(error["error"]["reason"], "sync_wrong_passphrase");
    assert!(!field.join("vault.db").exists());
    let joined: serde_json::Value = serde_json::from_slice(
        &acompana(&field)
            .args(["--json", "join", join_file.to_str().unwrap()])
            .env("ACOMPANA_JOIN_PASSPHRASE", &passphrase)
            .env("ACOMPANA_NEW_PASSWORD", LUCIA_PASSWORD)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(joined["participants"], 1);
    assert_eq!(joined["device_id"], device.as_str());
    assert!(joined["recovery_code"].as_str().unwrap().len() > 20);

    // The devices both laptops know.
    let listed = run(&field, "lucia", LUCIA_PASSWORD, &["device", "list"]);
    let office_device = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["thisLaptop"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Her change travels to the office; the report says what arrived.
    run(
        &field,
        "lucia",
        LUCIA_PASSWORD,
        &["participant", "set", &woman, "chosen_name", "Rosi"],
    );
    let up = files.join("up.sync");
    let exported = run(
        &field,
        "lucia",
        LUCIA_PASSWORD,
        &["sync", "export", "--to", up.to_str().unwrap()],
    );
    assert_eq!(exported.as_array().unwrap().len(), 1);
    let report = run(
        &office,
        "coordinadora",
        PASSWORD,
        &["sync", "import", up.to_str().unwrap()],
    );
    for key in [
        "applied",
        "known",
        "conflicts",
        "dropped",
        "participants_changed",
    ] {
        assert!(!report[key].is_null(), "{key} in {report}");
    }
    assert!(report["applied"].as_u64().unwrap() >= 1);
    assert_eq!(report["participants_changed"][0]["id"], woman.as_str());
    // Again: nothing new.
    let again = run(
        &office,
        "coordinadora",
        PASSWORD,
        &["sync", "import", up.to_str().unwrap()],
    );
    assert_eq!(again["applied"], 0);

    // Concurrent edits of one field: a conflict on both, settled from the command line.
    run(
        &office,
        "coordinadora",
        PASSWORD,
        &["participant", "set", &woman, "department", "Caldas"],
    );
    run(
        &field,
        "lucia",
        LUCIA_PASSWORD,
        &["participant", "set", &woman, "department", "Risaralda"],
    );
    let folder = files.join("carpeta");
    std::fs::create_dir_all(&folder).unwrap();
    run(
        &field,
        "lucia",
        LUCIA_PASSWORD,
        &["sync", "folder", folder.to_str().unwrap()],
    );
    run(
        &office,
        "coordinadora",
        PASSWORD,
        &["sync", "folder", folder.to_str().unwrap()],
    );
    run(
        &field,
        "lucia",
        LUCIA_PASSWORD,
        &["sync", "folder", folder.to_str().unwrap()],
    );
    let conflicts = run(&office, "coordinadora", PASSWORD, &["conflicts", "list"]);
    let conflict = &conflicts.as_array().unwrap()[0];
    assert_eq!(conflict["field"], "department");
    let id = conflict["id"].as_str().unwrap().to_string();
    let other = conflict["other"]["opId"].as_str().unwrap().to_string();
    run(
        &office,
        "coordinadora",
        PASSWORD,
        &["conflicts", "resolve", &id, "--keep-op", &other],
    );
    assert_eq!(
        run(&office, "coordinadora", PASSWORD, &["conflicts", "list"]),
        serde_json::json!([])
    );
    let (code, _) = fails(
        &office,
        "coordinadora",
        PASSWORD,
        &["conflicts", "resolve", &id, "--keep-op", &other],
    );
    assert_eq!(code, 1);

    // A visit package: her laptop keeps only the women of the visit, for the days given.
    let clara = run(
        &office,
        "coordinadora",
        PASSWORD,
        &[
            "participant",
            "add",
            "--name",
            "Clara Segunda",
            "--assign",
            "lucia",
        ],
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let both = files.join("both.sync");
    run(
        &office,
        "coordinadora",
        PASSWORD,
        &[
            "sync",
            "export",
            "--to",
            both.to_str().unwrap(),
            "--for",
            &device,
        ],
    );
    run(
        &field,
        "lucia",
        LUCIA_PASSWORD,
        &["sync", "import", both.to_str().unwrap()],
    );
    let held = |dir: &Path| -> usize {
        run(dir, "lucia", LUCIA_PASSWORD, &["participant", "list"])
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(held(&field), 2);
    assert_eq!(
        run(&field, "lucia", LUCIA_PASSWORD, &["sync", "visit"]),
        serde_json::Value::Null
    );
    let package = files.join("visit.sync");
    let (code, _) = fails(
        &office,
        "coordinadora",
        PASSWORD,
        &[
            "sync",
            "export",
            "--visit",
            "--days",
            "3",
            "--to",
            package.to_str().unwrap(),
            &woman,
        ],
    );
    assert_eq!(code, 2, "a visit needs its one laptop");
    let (code, error) = fails(
        &office,
        "coordinadora",
        PASSWORD,
        &[
            "sync",
            "export",
            "--visit",
            "--days",
            "45",
            "--for",
            &device,
            "--to",
            package.to_str().unwrap(),
            &woman,
        ],
    );
    assert_eq!(code, 2);
    assert_eq!(error["error"]["code"], "invalid_input");
    assert!(
        error["error"]["message"].as_str().unwrap().contains("days"),
        "{error}"
    );
    let written = run(
        &office,
        "coordinadora",
        PASSWORD,
        &[
            "sync",
            "export",
            "--visit",
            "--days",
            "3",
            "--for",
            &device,
            "--to",
            package.to_str().unwrap(),
            &woman,
        ],
    );
    assert_eq!(written["withdrawn"], 1, "{written}");
    run(
        &field,
        "lucia",
        LUCIA_PASSWORD,
        &["sync", "import", package.to_str().unwrap()],
    );
    assert_eq!(held(&field), 1);
    let mode = run(&field, "lucia", LUCIA_PASSWORD, &["sync", "visit"]);
    assert_eq!(mode["files"][0]["id"], woman.as_str(), "{mode}");
    assert!(mode["expires"].as_str().is_some());
    assert_ne!(mode["files"][0]["id"], clara.as_str());

    // A caseworker does not erase; a coordinator does, and the erasure reaches her laptop.
    let (code, error) = fails(
        &field,
        "lucia",
        LUCIA_PASSWORD,
        &["participant", "erase", &woman, "--reason", "pedido"],
    );
    assert_eq!(code, 1);
    assert_eq!(error["error"]["code"], "forbidden");
    run(
        &office,
        "coordinadora",
        PASSWORD,
        &[
            "participant",
            "erase",
            &woman,
            "--reason",
            "a pedido de ella",
        ],
    );
    let down = files.join("down.sync");
    run(
        &office,
        "coordinadora",
        PASSWORD,
        &[
            "sync",
            "export",
            "--to",
            down.to_str().unwrap(),
            "--for",
            &device,
        ],
    );
    let report = run(
        &field,
        "lucia",
        LUCIA_PASSWORD,
        &["sync", "import", down.to_str().unwrap()],
    );
    assert_eq!(report["erased"], 1);
    // The visit's only woman is gone, and with her the visit: Clara is hers again.
    let left = run(&field, "lucia", LUCIA_PASSWORD, &["participant", "list"]);
    let left: Vec<&str> = left
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(left, [clara.as_str()]);
    assert_eq!(
        run(&field, "lucia", LUCIA_PASSWORD, &["sync", "visit"]),
        serde_json::Value::Null
    );

    // Revoked: her files are refused with exit code 4 and their reason.
    run(
        &office,
        "coordinadora",
        PASSWORD,
        &["device", "revoke", &device],
    );
    let late = files.join("late.sync");
    run(
        &field,
        "lucia",
        LUCIA_PASSWORD,
        &[
            "sync",
            "export",
            "--to",
            late.to_str().unwrap(),
            "--for",
            &office_device,
        ],
    );
    let (code, error) = fails(
        &office,
        "coordinadora",
        PASSWORD,
        &["sync", "import", late.to_str().unwrap()],
    );
    assert_eq!(code, 4);
    assert_eq!(error["error"]["code"], "sync_refused");
    assert_eq!(error["error"]["reason"], "sync_device_revoked");
    let devices = run(&office, "coordinadora", PASSWORD, &["device", "list"]);
    assert!(devices
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["id"] == device.as_str() && d["revoked"] == true));
    // A caseworker neither adds nor revokes laptops.
    let (code, _) = fails(
        &field,
        "lucia",
        LUCIA_PASSWORD,
        &["device", "revoke", &office_device],
    );
    assert_eq!(code, 1);
    // A file that is not a sync file: exit 4.
    let junk = files.join("junk.sync");
    std::fs::write(&junk, b"no soy un archivo de sincronizacion").unwrap();
    let (code, error) = fails(
        &office,
        "coordinadora",
        PASSWORD,
        &["sync", "import", junk.to_str().unwrap()],
    );
    assert_eq!(code, 4);
    assert_eq!(error["error"]["reason"], "sync_not_a_sync_file");
}
