//! The security bar for the vault: nothing readable at rest, wrong keys and tampering answered
//! with typed errors that change nothing, newer vaults refused.

mod common;

use acompana::staff::Role;
use acompana::vault::{self, LockReason};
use acompana::Error;
use common::*;

fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[test]
fn canaries_appear_in_no_file_after_a_workload() {
    let org = "Canario Organización Xq7Zr";
    let admin_name = "Zoraida Canaria Wv3";
    let colleague_name = "Bernarda Canaria Kp9";
    let test = new_vault_named(org, admin_name);
    let mut admin = test.admin();
    admin
        .staff_add(
            "bernarda",
            colleague_name,
            Role::Caseworker,
            &secret("clave-de-bernarda"),
        )
        .unwrap();
    admin
        .staff_add(
            "lucia",
            "Lucía Canaria Mm2",
            Role::Coordinator,
            &secret("clave-de-lucia-1"),
        )
        .unwrap();
    admin
        .set_settings(&acompana::settings::Settings {
            idle_lock_minutes: 9,
        })
        .unwrap();
    let lucia_id = admin
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|m| m.username == "lucia")
        .unwrap()
        .id;
    admin
        .staff_disable(&lucia_id, &secret(ADMIN_PASSWORD))
        .unwrap();
    // Open in the middle of the workload, with the WAL in use, and look then too.
    let during = test.snapshot();
    admin.lock(LockReason::Manual).unwrap();
    assert!(matches!(
        test.unlock("bernarda", "wrong password!"),
        Err(Error::WrongCredentials)
    ));
    let mut bernarda = test.unlock("bernarda", "clave-de-bernarda").unwrap();
    bernarda
        .change_password(
            &secret("clave-de-bernarda"),
            &secret("otra-clave-de-bernarda"),
        )
        .unwrap();
    bernarda.lock(LockReason::Idle).unwrap();

    let after = test.snapshot();
    assert!(after.keys().any(|p| p.ends_with("vault.db")));
    assert!(after.keys().any(|p| p.ends_with("keyslots.json")));
    for (path, bytes) in during.iter().chain(after.iter()) {
        for canary in [
            org,
            admin_name,
            colleague_name,
            "Canari",
            "bernarda",
            "lucia",
            ADMIN,
            ADMIN_PASSWORD,
            "clave-de-bernarda",
        ] {
            assert!(
                !contains(bytes, canary),
                "{canary:?} found in {}",
                path.display()
            );
        }
        // SQLite's plaintext header would betray an unencrypted file.
        assert!(
            !contains(bytes, "SQLite format 3"),
            "plaintext database {}",
            path.display()
        );
    }
    // The throttle record outside the data folder holds no names either.
    let throttle_dir = std::env::temp_dir();
    for entry in std::fs::read_dir(throttle_dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with("acompana-signin-") {
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            assert!(!contains(&bytes, "bernarda"));
        }
    }
}

#[test]
fn wrong_password_and_unknown_user_change_nothing() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    let before = test.snapshot();
    for (user, password) in [
        (ADMIN, "clave-equivocada"),
        (ADMIN, ""),
        ("lucia", ADMIN_PASSWORD),
        ("nadie", ADMIN_PASSWORD),
        ("", ""),
    ] {
        let result = test.unlock(user, password);
        assert!(
            matches!(result, Err(Error::WrongCredentials)),
            "{user}: {result:?}"
        );
    }
    assert_eq!(before, test.snapshot());
    // And the failures are audited at the next sign-in.
    let admin = test.admin();
    let failed = admin
        .audit_list(0, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == acompana::audit::AuditAction::SignInFailed)
        .count();
    assert_eq!(failed, 5);
}

#[test]
fn flipped_bytes_in_key_slots_are_typed_errors_and_change_nothing() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    let original = std::fs::read(&test.paths.keyslots).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    // Positions: the format digit, inside each hex field of each slot, the MAC, the braces.
    let mut offsets: Vec<usize> = vec![0, 1, text.len() - 2];
    for field in [
        "\"format\": ",
        "\"vault_id\": \"",
        "\"lookup_salt\": \"",
        "\"label\": \"",
        "\"salt\": \"",
        "\"nonce\": \"",
        "\"wrapped\": \"",
        "\"mac\": \"",
        "\"memory_kib\": ",
    ] {
        for (index, _) in text.match_indices(field) {
            offsets.push(index + field.len() + 3);
        }
    }
    assert!(offsets.len() > 20);
    for offset in offsets {
        std::fs::write(&test.paths.keyslots, &original).unwrap();
        common::flip_byte(&test.paths.keyslots, offset as i64);
        let tampered = test.snapshot();
        for (user, password) in [(ADMIN, ADMIN_PASSWORD), ("lucia", "clave-de-lucia-1")] {
            let result = test.unlock(user, password);
            assert!(
                matches!(
                    result,
                    Err(Error::VaultCorrupt(_)) | Err(Error::WrongCredentials)
                ),
                "offset {offset} ({user}): {result:?}"
            );
        }
        assert_eq!(tampered, test.snapshot(), "offset {offset} changed files");
    }
    std::fs::write(&test.paths.keyslots, &original).unwrap();
    test.admin().lock(LockReason::Manual).unwrap();
}

#[test]
fn flipped_bytes_in_the_database_header_are_refused_at_unlock_and_change_nothing() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    let original = std::fs::read(&test.paths.db).unwrap();
    let page = 4096i64;
    // The first page holds the salt, the header and the schema: unlocking reads all of it.
    for offset in [0, 20, 100, 2000, page - 1] {
        std::fs::write(&test.paths.db, &original).unwrap();
        common::flip_byte(&test.paths.db, offset);
        let tampered = test.snapshot();
        let result = test.unlock(ADMIN, ADMIN_PASSWORD);
        assert!(
            matches!(result, Err(Error::VaultCorrupt(_))),
            "offset {offset}: {result:?}"
        );
        assert_eq!(tampered, test.snapshot(), "offset {offset} changed files");
    }
    std::fs::write(&test.paths.db, &original).unwrap();
    test.admin().lock(LockReason::Manual).unwrap();
}

/// A vault with enough files that the change log spans many pages, and the file offset of a
/// byte in the middle of one of the change log's leaf pages, which unlocking never reads.
fn vault_with_a_change_log_page(files: usize) -> (TestVault, i64) {
    let test = new_vault();
    let mut admin = test.admin();
    for index in 0..files {
        admin
            .participant_add(acompana::records::participants::NewParticipant {
                legal_name: format!("Mujer de prueba número {index}"),
                chosen_name: Some(format!("Prueba {index}")),
                birth_year: Some(1980),
                department: None,
                assign_to: None,
            })
            .unwrap();
    }
    let pages: Vec<i64> = {
        let mut statement = admin
            .connection_for_tests()
            .prepare(
                "SELECT pageno FROM dbstat WHERE name = 'change_log' AND pagetype = 'leaf'
                 ORDER BY pageno",
            )
            .unwrap();
        let rows = statement.query_map([], |row| row.get(0)).unwrap();
        rows.map(|row| row.unwrap()).collect()
    };
    assert!(
        pages.len() > 4,
        "the change log spans {} pages",
        pages.len()
    );
    // SQLCipher answers PRAGMA page_size with its own page size, as text.
    let page_size: i64 = admin
        .connection_for_tests()
        .query_row("PRAGMA page_size", [], |row| row.get::<_, String>(0))
        .unwrap()
        .parse()
        .unwrap();
    let middle = pages[pages.len() / 2];
    admin.lock(LockReason::Manual).unwrap();
    (test, (middle - 1) * page_size + page_size / 2)
}

#[test]
fn unlocking_reads_no_data_page_and_check_full_finds_a_flipped_byte() {
    let (test, offset) = vault_with_a_change_log_page(150);
    common::flip_byte(&test.paths.db, offset);
    // Unlocking checks the key, the header and the schema: it opens without reading the
    // damaged page, so it takes the same time whatever the vault's size.
    let admin = test.admin();
    assert!(admin.check(false).is_ok());
    assert!(
        matches!(admin.check(true), Err(Error::VaultCorrupt(_))),
        "the full check reads every page"
    );
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn a_session_that_never_locked_makes_the_next_unlock_check_every_page() {
    let (test, offset) = vault_with_a_change_log_page(150);
    // A session that ends without locking (a crash, a kill, a power cut).
    let crashed = test.admin();
    drop(crashed);
    let before = std::fs::read(&test.paths.db).unwrap();
    common::flip_byte(&test.paths.db, offset);
    let tampered = test.snapshot();
    let result = test.unlock(ADMIN, ADMIN_PASSWORD);
    assert!(
        matches!(result, Err(Error::VaultCorrupt(_))),
        "after a crash the whole file is read: {result:?}"
    );
    assert_eq!(tampered, test.snapshot(), "a refused unlock writes nothing");
    // Undamaged, the same vault opens (after its full check), and once locked cleanly the
    // next unlock is quick again.
    std::fs::write(&test.paths.db, &before).unwrap();
    test.admin().lock(LockReason::Manual).unwrap();
    common::flip_byte(&test.paths.db, offset);
    let admin = test.admin();
    assert!(matches!(admin.check(true), Err(Error::VaultCorrupt(_))));
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn swapped_slots_do_not_open() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    test.add("bea", "Beatriz", Role::Caseworker, "clave-de-beatriz");
    let original = std::fs::read(&test.paths.keyslots).unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&original).unwrap();
    let slots = json["slots"].as_array_mut().unwrap();
    // Swap the labels of two staff slots: each password now meets the other's slot.
    let staff: Vec<usize> = (0..slots.len())
        .filter(|&i| slots[i]["kind"] == "staff")
        .collect();
    let (a, b) = (staff[1], staff[2]);
    let label_a = slots[a]["label"].clone();
    slots[a]["label"] = slots[b]["label"].clone();
    slots[b]["label"] = label_a;
    std::fs::write(
        &test.paths.keyslots,
        serde_json::to_vec_pretty(&json).unwrap(),
    )
    .unwrap();
    let before = test.snapshot();
    for (user, password) in [("lucia", "clave-de-lucia-1"), ("bea", "clave-de-beatriz")] {
        assert!(matches!(
            test.unlock(user, password),
            Err(Error::WrongCredentials)
        ));
    }
    // The administrator's own slot still opens, but the file MAC exposes the edit.
    assert!(matches!(
        test.unlock(ADMIN, ADMIN_PASSWORD),
        Err(Error::VaultCorrupt(_))
    ));
    assert_eq!(before, test.snapshot());

    // A whole key-slot file from another vault opens that vault's key, not this database.
    let other = new_vault();
    std::fs::copy(&other.paths.keyslots, &test.paths.keyslots).unwrap();
    let before = test.snapshot();
    assert!(matches!(
        test.unlock(ADMIN, ADMIN_PASSWORD),
        Err(Error::VaultCorrupt(_))
    ));
    assert_eq!(before, test.snapshot());
}

#[test]
fn missing_files_are_typed_errors() {
    let test = new_vault();
    std::fs::remove_file(&test.paths.db).unwrap();
    assert!(matches!(
        test.unlock(ADMIN, ADMIN_PASSWORD),
        Err(Error::VaultCorrupt(_))
    ));
    let empty = tempfile::tempdir().unwrap();
    let paths = vault::VaultPaths::new(empty.path());
    assert!(matches!(
        acompana::opening::unlock(&paths, ADMIN, &secret(ADMIN_PASSWORD)),
        Err(Error::VaultMissing(_))
    ));
}

#[test]
fn creating_over_an_existing_vault_is_refused() {
    let test = new_vault();
    let before = test.snapshot();
    let result = acompana::opening::create(
        &test.paths,
        vault::NewVault {
            org_name: "Otra".into(),
            country: acompana::Country::MX,
            admin_username: "otra".into(),
            admin_display_name: "Otra".into(),
            admin_password: secret("clave-de-otra-1"),
        },
        vault::KdfChoice::Minimum,
    );
    assert!(matches!(result, Err(Error::VaultExists(_))));
    assert_eq!(before, test.snapshot());
}

#[test]
fn a_vault_from_a_newer_version_is_refused_unchanged() {
    let test = new_vault();
    let admin = test.admin();
    admin
        .connection_for_tests()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    admin.lock(LockReason::Manual).unwrap();
    let before = test.snapshot();
    let result = test.unlock(ADMIN, ADMIN_PASSWORD);
    assert!(
        matches!(result, Err(Error::VaultTooNew { found: 99, .. })),
        "{result:?}"
    );
    assert_eq!(before, test.snapshot());

    // A key-slot file of a newer format is refused as newer, not as damaged.
    let test = new_vault();
    let text = std::fs::read_to_string(&test.paths.keyslots).unwrap();
    std::fs::write(
        &test.paths.keyslots,
        text.replacen("\"format\": 2", "\"format\": 3", 1),
    )
    .unwrap();
    let before = test.snapshot();
    assert!(matches!(
        test.unlock(ADMIN, ADMIN_PASSWORD),
        Err(Error::VaultTooNew { found: 3, .. })
    ));
    assert_eq!(before, test.snapshot());
}

#[test]
fn the_vault_passes_its_checks_and_reports_parameters() {
    let test = new_vault();
    let admin = test.admin();
    let check = admin.check(false).unwrap();
    assert_eq!(check.integrity, "ok");
    assert!(!check.full);
    let check = admin.check(true).unwrap();
    assert_eq!(check.integrity, "ok");
    assert!(check.full);
    assert_eq!(check.kdf, acompana::crypto::KdfParams::MINIMUM);
    assert_eq!(check.staff_active, 1);
    let mode: String = admin
        .connection_for_tests()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = admin
        .connection_for_tests()
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "synchronous must be FULL");
    let secure: i64 = admin
        .connection_for_tests()
        .query_row("PRAGMA secure_delete", [], |r| r.get(0))
        .unwrap();
    assert_eq!(secure, 1);
    let fk: i64 = admin
        .connection_for_tests()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    let temp: i64 = admin
        .connection_for_tests()
        .query_row("PRAGMA temp_store", [], |r| r.get(0))
        .unwrap();
    assert_eq!(temp, 2, "temp_store must be MEMORY");
    admin.lock(LockReason::Manual).unwrap();
    // After a lock, the WAL has been checkpointed and removed.
    let files = test.snapshot();
    assert!(files
        .keys()
        .all(|p| !p.to_string_lossy().ends_with("-wal") || files[p].is_empty()));
}

/// The build's SQLite takes B-tree balancing's scratch space from the stack (`.cargo/config.toml`):
/// with memory protection on, a locked and wiped heap buffer per page split was a tenth of
/// importing a large sync file (`make bench`).
#[test]
fn the_build_balances_pages_on_the_stack() {
    let real = new_vault();
    let admin = real.admin();
    let options: Vec<String> = {
        let conn = admin.connection_for_tests();
        let mut statement = conn.prepare("PRAGMA compile_options").unwrap();
        let rows = statement.query_map([], |row| row.get(0)).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    assert!(options.iter().any(|o| o == "USE_ALLOCA"), "{options:?}");
    admin.lock(LockReason::Manual).unwrap();
}
