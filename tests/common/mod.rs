//! Helpers shared by the integration tests: temporary vaults with the minimum Argon2id cost.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use acompana::changelog::{self, RecordState};
use acompana::records::record::PARTICIPANT_FIELD;
use acompana::staff::Role;
use acompana::vault::{self, KdfChoice, NewVault, Vault, VaultPaths};
use acompana::Country;
use secrecy::SecretString;
use serde_json::{json, Value};

pub const ADMIN: &str = "coordinadora";
pub const ADMIN_PASSWORD: &str = "clave-de-prueba-1";

pub fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

pub struct TestVault {
    pub dir: tempfile::TempDir,
    pub paths: VaultPaths,
    pub recovery_code: String,
}

/// A new vault with one administrator, locked again.
pub fn new_vault() -> TestVault {
    new_vault_named("Organización de prueba", "Coordinadora de Prueba")
}

pub fn new_vault_named(org: &str, admin_name: &str) -> TestVault {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path().join("data"));
    let (vault, code) = acompana::opening::create(
        &paths,
        NewVault {
            org_name: org.into(),
            country: Country::CO,
            admin_username: ADMIN.into(),
            admin_display_name: admin_name.into(),
            admin_password: secret(ADMIN_PASSWORD),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    let recovery_code = code.display().to_string();
    vault.lock(vault::LockReason::Manual).unwrap();
    TestVault {
        dir,
        paths,
        recovery_code,
    }
}

impl TestVault {
    pub fn admin(&self) -> Vault {
        acompana::opening::unlock(&self.paths, ADMIN, &secret(ADMIN_PASSWORD)).unwrap()
    }

    /// Unlocks; deliberate failures in tests don't wait for the growing delay.
    pub fn unlock(&self, username: &str, password: &str) -> acompana::Result<Vault> {
        let result = acompana::opening::unlock(&self.paths, username, &secret(password));
        self.throttle().clear_delay_for_tests();
        result
    }

    pub fn throttle(&self) -> acompana::vault::throttle::Throttle {
        let text = std::fs::read(&self.paths.keyslots).unwrap_or_default();
        let id = serde_json::from_slice::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["vault_id"].as_str().and_then(|s| s.parse().ok()))
            .unwrap_or_default();
        acompana::vault::throttle::Throttle::for_vault(&id).expect("throttle folder")
    }

    /// Adds a colleague as the administrator.
    pub fn add(&self, username: &str, name: &str, role: Role, password: &str) {
        let mut admin = self.admin();
        admin
            .staff_add(username, name, role, &secret(password))
            .unwrap();
        admin.lock(vault::LockReason::Manual).unwrap();
    }

    /// Every file under the data folder with its bytes.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        snapshot(&self.paths.dir)
    }
}

pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Flips one bit of the byte at `offset` (negative: from the end).
pub fn flip_byte(path: &Path, offset: i64) {
    let mut bytes = std::fs::read(path).unwrap();
    let index = if offset < 0 {
        (bytes.len() as i64 + offset) as usize
    } else {
        offset as usize
    };
    bytes[index] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

/// A JSON object without its null fields (absent and empty are the same on the log).
pub fn without_nulls(value: Value) -> BTreeMap<String, Value> {
    match value {
        Value::Object(map) => map.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => panic!("not an object"),
    }
}

/// Rebuilds the file from its operations and compares it with every visible row.
pub fn assert_rebuilt_state_matches(vault: &Vault, participant_id: &str) {
    let operations = vault.participant_operations(participant_id).unwrap();
    for operation in &operations {
        acompana::records::schema::check(operation)
            .unwrap_or_else(|_| panic!("not on the whitelist: {operation:?}"));
    }
    let mut shuffled = operations.clone();
    shuffled.reverse();
    let states = changelog::fold(&shuffled);
    assert_eq!(
        states,
        changelog::fold(&operations),
        "order must not matter"
    );
    let conn = vault.connection_for_tests();
    let rows = acompana::records::record::visible_records(conn, Some(participant_id)).unwrap();
    for acompana::records::record::VisibleRecord {
        id,
        kind,
        fields,
        deleted,
        ..
    } in rows
    {
        let state: &RecordState = &states[&(kind.clone(), id.clone())];
        assert_eq!(state.deleted, deleted, "{kind} {id}");
        let mut rebuilt: BTreeMap<String, Value> =
            if ["note", "contact", "service_hours"].contains(&kind.as_str()) {
                assert_eq!(state.appended.len(), 1);
                without_nulls(state.appended[0].clone())
            } else {
                state
                    .fields
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
        assert_eq!(
            rebuilt.remove(PARTICIPANT_FIELD),
            Some(json!(participant_id))
        );
        let visible = without_nulls(Value::Object(fields));
        assert_eq!(rebuilt, visible, "{kind} {id}");
    }
    // Sharing the file: each colleague's access is a record that is created and deleted.
    let mut statement = conn
        .prepare("SELECT staff_id FROM participant_access WHERE participant_id = ?1")
        .unwrap();
    let shared_with: Vec<String> = statement
        .query_map([participant_id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for ((record_type, record_id), state) in &states {
        if record_type != "participant_access" {
            continue;
        }
        let staff_id = state.fields.get("staffId").and_then(Value::as_str).unwrap();
        assert_eq!(
            record_id,
            &acompana::records::participants::access_id(participant_id, staff_id)
        );
        assert_eq!(
            !state.deleted,
            shared_with.iter().any(|s| s == staff_id),
            "access {record_id}"
        );
    }
    let participant = vault.load_for_tests(participant_id);
    let fields = &states[&("participant".to_string(), participant_id.to_string())].fields;
    let get = |f: &str| fields.get(f).cloned().unwrap_or(Value::Null);
    assert_eq!(get("legalName"), json!(participant.legal_name));
    assert_eq!(get("chosenName"), json!(participant.chosen_name));
    assert_eq!(get("birthYear"), json!(participant.birth_year));
    assert_eq!(get("status"), json!(participant.status));
    assert_eq!(get("safeContact"), json!(participant.safe_contact));
    assert!(changelog::sequences_are_gap_free(conn).unwrap());
}
