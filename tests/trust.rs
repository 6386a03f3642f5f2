//! Trust against insiders and accidents: re-keying, rollback and the audit anchor, the
//! sign-in counter, the change log's refusal of deletes, and encrypted backups.

mod common;

use std::fs;

use acompana::crypto::SecretKey;
use acompana::records::participants::NewParticipant;
use acompana::staff::Role;
use acompana::vault::keyslots::KeySlotFile;
use acompana::vault::LockReason;
use acompana::Error;
use common::*;

/// What an old copy of the key-slot file gives whoever knows a password it held: the
/// master key of that moment.
fn offline_master(slots_bytes: &[u8], username: &str, password: &str) -> SecretKey {
    let slots = KeySlotFile::parse(slots_bytes).unwrap();
    slots
        .find(&slots.staff_label(username))
        .expect("her slot in the old file")
        .unwrap_key(&slots.vault_id, password.as_bytes())
        .unwrap()
        .expect("her old password opens her old slot")
}

fn opens_with(test: &TestVault, key: &SecretKey) -> bool {
    acompana::store::open(&test.paths.db, key, false).is_ok()
}

fn add_woman(test: &TestVault, name: &str) -> String {
    let mut admin = test.admin();
    let id = admin
        .participant_add(NewParticipant {
            legal_name: name.into(),
            ..Default::default()
        })
        .unwrap()
        .id;
    admin.lock(LockReason::Manual).unwrap();
    id
}

#[test]
fn a_disabled_colleague_s_old_slot_file_no_longer_opens_the_re_keyed_vault() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    add_woman(&test, "Rosa Antes");
    let kept_by_lucia = fs::read(&test.paths.keyslots).unwrap();
    let old_master = offline_master(&kept_by_lucia, "lucia", "clave-de-lucia-1");
    assert!(
        opens_with(&test, &old_master),
        "before: her copy opens the vault"
    );

    let mut admin = test.admin();
    let lucia = admin
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|m| m.username == "lucia")
        .unwrap();
    // The administrator's password is asked again; a wrong one changes nothing.
    assert!(matches!(
        admin.staff_disable(&lucia.id, &secret("no-es-la-clave")),
        Err(Error::WrongCredentials)
    ));
    assert!(opens_with(&test, &old_master));
    let rekeyed = admin
        .staff_disable(&lucia.id, &secret(ADMIN_PASSWORD))
        .unwrap();
    assert!(rekeyed.needs_password_reset.is_empty());
    let new_code = rekeyed.recovery_code.display().to_string();
    assert_ne!(new_code, test.recovery_code);
    // The vault keeps working in the same session, and its data is all there.
    assert_eq!(
        admin.participant_list(&Default::default()).unwrap().len(),
        1
    );
    admin.lock(LockReason::Manual).unwrap();

    // Her old copy, with her password, gives the old key, which opens nothing now.
    assert!(!opens_with(&test, &old_master));
    // Put back beside the database, her old file is refused before anything is written.
    let current = fs::read(&test.paths.keyslots).unwrap();
    fs::write(&test.paths.keyslots, &kept_by_lucia).unwrap();
    let before = test.snapshot();
    let refused = acompana::opening::unlock(&test.paths, "lucia", &secret("clave-de-lucia-1"));
    assert!(
        refused.is_err(),
        "her old slot file opened the re-keyed vault"
    );
    assert_eq!(test.snapshot(), before, "a refused unlock wrote something");
    fs::write(&test.paths.keyslots, current).unwrap();
    // The others still sign in; the old recovery code is gone, the new one works.
    let admin = test.admin();
    assert!(admin
        .audit_list(0, 50)
        .unwrap()
        .iter()
        .any(|e| e.action == acompana::audit::AuditAction::VaultRekeyed));
    admin.lock(LockReason::Manual).unwrap();
    assert!(matches!(
        acompana::opening::recover(
            &test.paths,
            &secret(&test.recovery_code),
            ADMIN,
            &secret("otra-clave-nueva-1")
        ),
        Err(Error::WrongRecoveryCode)
    ));
    test.throttle().clear_delay_for_tests();
    acompana::opening::recover(
        &test.paths,
        &secret(&new_code),
        ADMIN,
        &secret("otra-clave-nueva-1"),
    )
    .unwrap()
    .lock(LockReason::Manual)
    .unwrap();
}

#[test]
fn a_replaced_recovery_code_no_longer_opens_the_vault() {
    let test = new_vault();
    let old_slots = fs::read(&test.paths.keyslots).unwrap();
    let mut admin = test.admin();
    let caseworker_refused = {
        test.add("ana", "Ana", Role::Caseworker, "clave-de-ana-123");
        let mut ana = test.unlock("ana", "clave-de-ana-123").unwrap();
        let refused = ana.change_recovery_code(&secret("clave-de-ana-123"));
        ana.lock(LockReason::Manual).unwrap();
        refused
    };
    assert!(matches!(caseworker_refused, Err(Error::Forbidden)));
    drop(admin);
    admin = test.admin();
    let rekeyed = admin.change_recovery_code(&secret(ADMIN_PASSWORD)).unwrap();
    admin.lock(LockReason::Manual).unwrap();
    // Offline, the old file and the old code give a key that opens nothing.
    let slots = KeySlotFile::parse(&old_slots).unwrap();
    let canonical =
        acompana::vault::recovery::RecoveryCode::normalize(&test.recovery_code).unwrap();
    let old_master = slots
        .find(&slots.recovery_label())
        .unwrap()
        .unwrap_key(&slots.vault_id, canonical.as_bytes())
        .unwrap()
        .unwrap();
    assert!(!opens_with(&test, &old_master));
    // Ana, whose slot was carried over, still signs in.
    test.unlock("ana", "clave-de-ana-123")
        .unwrap()
        .lock(LockReason::Manual)
        .unwrap();
    acompana::opening::recover(
        &test.paths,
        &secret(rekeyed.recovery_code.display()),
        ADMIN,
        &secret("clave-recuperada-1"),
    )
    .unwrap()
    .lock(LockReason::Manual)
    .unwrap();
}

#[test]
fn an_older_slot_file_or_an_older_database_is_refused_as_rolled_back() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    let old_slots = fs::read(&test.paths.keyslots).unwrap();
    let old_db = test.snapshot();
    // The admin resets Lucía's password; the old slot file would bring the old one back.
    let mut admin = test.admin();
    let lucia = admin
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|m| m.username == "lucia")
        .unwrap();
    admin
        .staff_reset_password(&lucia.id, &secret("clave-nueva-de-lucia"))
        .unwrap();
    admin.lock(LockReason::Manual).unwrap();
    let new_slots = fs::read(&test.paths.keyslots).unwrap();

    fs::write(&test.paths.keyslots, &old_slots).unwrap();
    let before = test.snapshot();
    let result = acompana::opening::unlock(&test.paths, "lucia", &secret("clave-de-lucia-1"));
    assert!(
        matches!(result, Err(Error::VaultRolledBack(_))),
        "{:?}",
        result.map(|_| ())
    );
    assert_eq!(
        result_code(&test, "lucia", "clave-de-lucia-1"),
        "vault_rolled_back"
    );
    assert_eq!(test.snapshot(), before, "a refused unlock wrote something");

    // The old database with the new slot file: refused too.
    fs::write(&test.paths.keyslots, &new_slots).unwrap();
    for (path, bytes) in &old_db {
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("vault.db"))
        {
            fs::write(path, bytes).unwrap();
        }
    }
    let before = test.snapshot();
    assert!(matches!(
        acompana::opening::unlock(&test.paths, ADMIN, &secret(ADMIN_PASSWORD)),
        Err(Error::VaultRolledBack(_))
    ));
    assert_eq!(test.snapshot(), before);
}

fn result_code(test: &TestVault, user: &str, password: &str) -> &'static str {
    match test.unlock(user, password) {
        Ok(_) => "ok",
        Err(error) => error.code().as_str(),
    }
}

#[test]
fn a_truncated_audit_tail_is_detected_at_unlock() {
    let test = new_vault();
    add_woman(&test, "Rosa Auditada");
    let admin = test.admin();
    // Someone holding the key cuts the chain's end and rewrites its head to match, so that
    // the chain verifies on its own; only the anchor outside the database tells.
    let conn = admin.connection_for_tests();
    let last: i64 = conn
        .query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_delete").unwrap_or_else(|_| {
        // The trigger's name differs by version; drop whichever refuses deletes.
        let names: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for name in names {
            conn.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
        }
    });
    conn.execute("DELETE FROM audit_log WHERE seq >= ?1", [last - 2])
        .unwrap();
    let (seq, hash): (i64, Vec<u8>) = conn
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    conn.execute(
        "UPDATE vault_meta SET value = ?1 WHERE key = 'audit_head_seq'",
        [seq.to_string()],
    )
    .unwrap();
    conn.execute(
        "UPDATE vault_meta SET value = ?1 WHERE key = 'audit_head_hash'",
        [hex::encode(hash)],
    )
    .unwrap();
    assert!(
        admin.audit_verify().unwrap().ok,
        "the cut chain verifies by itself"
    );
    drop(admin); // no lock: the anchor stays the sign-in's
    assert!(matches!(
        acompana::opening::unlock(&test.paths, ADMIN, &secret(ADMIN_PASSWORD)),
        Err(Error::VaultRolledBack(_))
    ));
}

#[test]
fn the_change_log_refuses_deletes_outside_erasure() {
    let test = new_vault();
    let id = add_woman(&test, "Rosa Registrada");
    let mut admin = test.admin();
    let refused = admin
        .connection_for_tests()
        .execute("DELETE FROM change_log", []);
    assert!(refused.is_err(), "a delete on the change log was allowed");
    let refused = admin
        .connection_for_tests()
        .execute("UPDATE change_log SET seq = seq", []);
    assert!(refused.is_err());
    // Erasure may, inside its own transaction, and leaves the refusal in place after it.
    admin.participant_erase(&id, "a pedido de ella").unwrap();
    let left: i64 = admin
        .connection_for_tests()
        .query_row("SELECT count(*) FROM log_purge", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
    assert!(admin
        .connection_for_tests()
        .execute("DELETE FROM change_log", [])
        .is_err());
    admin.lock(LockReason::Manual).unwrap();
}

#[cfg(unix)]
#[test]
fn a_read_only_sign_in_counter_is_reported_not_ignored() {
    use std::os::unix::fs::PermissionsExt;
    let test = new_vault();
    let throttle_dir = acompana::vault::throttle::state_dir();
    let vault_id = KeySlotFile::parse(&fs::read(&test.paths.keyslots).unwrap())
        .unwrap()
        .vault_id;
    let file = throttle_dir.join(format!("signin-{}.json", vault_id.simple()));
    fs::create_dir_all(&throttle_dir).unwrap();
    fs::write(&file, br#"{"consecutive":0,"unaudited":[]}"#).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o400)).unwrap();
    let result = acompana::opening::unlock(&test.paths, ADMIN, &secret("clave-equivocada"));
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    assert!(
        matches!(result, Err(Error::ThrottleUnavailable)),
        "{:?}",
        result.map(|_| ())
    );
    // A malformed counter is reported too, not read as "no failures".
    fs::write(&file, b"{\"consecutive\": \"many\"}").unwrap();
    assert!(matches!(
        acompana::opening::unlock(&test.paths, ADMIN, &secret(ADMIN_PASSWORD)),
        Err(Error::ThrottleUnavailable)
    ));
    fs::remove_file(&file).unwrap();
    // The folder is private, the counter file too.
    let mode = fs::metadata(&throttle_dir).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o077,
        0,
        "the counter folder is open to others: {mode:o}"
    );
    assert!(acompana::opening::unlock(&test.paths, ADMIN, &secret("clave-equivocada")).is_err());
    let mode = fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(
        mode & 0o077,
        0,
        "the counter is readable by others: {mode:o}"
    );
    fs::remove_file(&file).unwrap();
}

/// Every table's rows, in order, as text: what a restore must give back exactly.
fn dump(vault: &acompana::vault::Vault) -> Vec<(String, Vec<String>)> {
    let conn = vault.connection_for_tests();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|table| {
            let mut statement = conn
                .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1, 2"))
                .or_else(|_| conn.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1")))
                .unwrap();
            let columns = statement.column_count();
            let rows = statement
                .query_map([], |row| {
                    let mut text = String::new();
                    for i in 0..columns {
                        text.push_str(&format!("{:?}|", row.get_ref(i)?));
                    }
                    Ok(text)
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (table, rows)
        })
        .collect()
}

#[test]
fn a_backup_restored_in_an_empty_folder_equals_the_original_and_bad_ones_are_refused() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    add_woman(&test, "Rosa Respaldada");
    add_woman(&test, "Carmen Respaldada");
    let file = test.dir.path().join("copia.age");
    let mut admin = test.admin();
    assert!(matches!(
        admin.backup_create(&file, "corta"),
        Err(Error::InvalidInput { .. })
    ));
    let made = admin
        .backup_create(&file, "una frase larga de copia")
        .unwrap();
    assert!(made.database_bytes > 0);
    let original = dump(&admin);
    admin.lock(LockReason::Manual).unwrap();
    // A caseworker may not make one.
    let mut lucia = test.unlock("lucia", "clave-de-lucia-1").unwrap();
    assert!(matches!(
        lucia.backup_create(
            &test.dir.path().join("de-lucia.age"),
            "una frase larga de copia"
        ),
        Err(Error::Forbidden)
    ));
    lucia.lock(LockReason::Manual).unwrap();

    let bytes = fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
    for needle in ["Rosa Respaldada", "coordinadora", "Organización"] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} readable in the backup"
        );
    }
    let info = acompana::backup::verify(&file, "una frase larga de copia").unwrap();
    assert_eq!(info.database_bytes, made.database_bytes);

    // Refused: wrong passphrase, a flipped byte, a cut file, something else. Each leaves the
    // target folder without a vault, and an existing vault is never replaced.
    let target = acompana::vault::VaultPaths::new(test.dir.path().join("restaurada"));
    let damaged = test.dir.path().join("dañada.age");
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    fs::write(&damaged, &flipped).unwrap();
    let truncated = test.dir.path().join("cortada.age");
    fs::write(&truncated, &bytes[..bytes.len() - 100]).unwrap();
    let other = test.dir.path().join("otra.age");
    fs::write(&other, b"no es una copia").unwrap();
    for (path, passphrase, reason) in [
        (&file, "otra frase equivocada", "wrong_passphrase"),
        (&damaged, "una frase larga de copia", "damaged"),
        (&truncated, "una frase larga de copia", "truncated"),
        (&other, "una frase larga de copia", "not_a_backup"),
    ] {
        match acompana::backup::restore(&target, path, passphrase) {
            // A file cut inside age's last chunk fails its authentication: damaged.
            Err(Error::BackupRefused(got)) => assert!(
                got == reason || (reason == "truncated" && got == "damaged"),
                "{}: {got}",
                path.display()
            ),
            other => panic!("{}: {:?}", path.display(), other.map(|_| ())),
        }
        assert!(!target.exists(), "a refused restore left a vault");
        assert!(acompana::backup::verify(path, passphrase).is_err());
    }
    assert!(matches!(
        acompana::backup::restore(&test.paths, &file, "una frase larga de copia"),
        Err(Error::VaultExists(_))
    ));

    acompana::backup::restore(&target, &file, "una frase larga de copia").unwrap();
    let restored = acompana::opening::unlock(&target, ADMIN, &secret(ADMIN_PASSWORD)).unwrap();
    // A restored vault is another laptop: it writes under a new device id.
    assert_ne!(restored.device_id(), {
        let admin = test.admin();
        let id = admin.device_id().to_string();
        admin.lock(LockReason::Manual).unwrap();
        id
    });
    let after = dump(&restored);
    let tables = |d: &[(String, Vec<String>)]| d.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>();
    assert_eq!(tables(&original), tables(&after));
    // Nothing is lost: every row of every table is there. Signing in on what is now another
    // laptop adds rows (its device id, its audit entries) and changes vault facts only.
    for ((table, rows), (_, restored_rows)) in original.iter().zip(&after) {
        if table == "vault_meta" {
            continue;
        }
        for row in rows {
            assert!(
                restored_rows.contains(row),
                "{table}: {row} missing after the restore"
            );
        }
    }
    for key in ["vault_id", "org_id", "org_name", "country"] {
        let value = |v: &acompana::vault::Vault| -> String {
            v.connection_for_tests()
                .query_row("SELECT value FROM vault_meta WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .unwrap()
        };
        let admin = test.admin();
        assert_eq!(value(&restored), value(&admin), "{key}");
        admin.lock(LockReason::Manual).unwrap();
    }
    assert!(restored.audit_verify().unwrap().ok);
    restored.lock(LockReason::Manual).unwrap();
}

#[test]
fn history_holds_back_her_legal_name_and_reserved_details_unless_asked_and_is_audited() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = admin
        .participant_add(NewParticipant {
            legal_name: "Rosa Reservada Pérez".into(),
            chosen_name: Some("Rosi".into()),
            ..Default::default()
        })
        .unwrap()
        .id;
    admin
        .participant_set(
            &id,
            acompana::records::participants::ParticipantField::LegalName,
            Some("Rosa María Reservada"),
        )
        .unwrap();
    let masked = admin.participant_history(&id, false).unwrap();
    let text = serde_json::to_string(&masked).unwrap();
    assert!(
        !text.contains("Reservada"),
        "a legal name in the masked history: {text}"
    );
    assert!(text.contains("Rosi"), "her chosen name is not reserved");
    assert!(masked.iter().filter(|e| e.masked).count() >= 2);
    let shown = admin.participant_history(&id, true).unwrap();
    let text = serde_json::to_string(&shown).unwrap();
    assert!(text.contains("Rosa Reservada Pérez") && text.contains("Rosa María Reservada"));
    let audited: Vec<_> = admin
        .audit_list(0, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == acompana::audit::AuditAction::HistoryViewed)
        .collect();
    assert_eq!(audited.len(), 2, "each reading of the history is audited");
    assert!(audited
        .iter()
        .any(|e| e.detail.as_deref().is_some_and(|d| d.ends_with("reserved"))));
    admin.lock(LockReason::Manual).unwrap();
}

fn scheduled_in(folder: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("acompana-auto-"))
        .collect();
    names.sort();
    names
}

#[test]
fn scheduled_backups_are_written_when_due_keep_the_last_n_and_report_a_missing_folder() {
    use acompana::backup::schedule::BackupSchedule;
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    add_woman(&test, "Rosa Programada");
    let usb = test.dir.path().join("usb");
    let passphrase = "frase de las copias automáticas";
    let mut admin = test.admin();
    let schedule = BackupSchedule {
        folder: usb.to_string_lossy().into_owned(),
        every_days: 7,
        keep: 2,
    };
    // Without the folder nothing is set up; with it, nothing is written until a run.
    assert!(matches!(
        admin.set_backup_schedule(&schedule, passphrase),
        Err(Error::BackupFolderMissing)
    ));
    assert!(admin.backup_schedule().unwrap().schedule.is_none());
    fs::create_dir(&usb).unwrap();
    fs::write(usb.join("fotos.txt"), b"not a backup").unwrap();
    fs::write(usb.join("acompana-copia-2026-01-01.age"), b"a manual one").unwrap();
    assert!(matches!(
        admin.set_backup_schedule(&schedule, "corta"),
        Err(Error::InvalidInput {
            field: "passphrase",
            ..
        })
    ));
    let status = admin.set_backup_schedule(&schedule, passphrase).unwrap();
    assert_eq!(status.schedule.as_ref(), Some(&schedule));
    assert_eq!(status.last_at, None);
    assert!(scheduled_in(&usb).is_empty());
    // The passphrase is never given back.
    let shown = serde_json::to_string(&status).unwrap();
    assert!(!shown.contains(passphrase), "{shown}");
    admin.lock(LockReason::Manual).unwrap();

    // A caseworker's session writes the due backup, but may neither force one nor change
    // the schedule.
    let mut lucia = test.unlock("lucia", "clave-de-lucia-1").unwrap();
    assert!(matches!(
        lucia.run_scheduled_backup(true),
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        lucia.clear_backup_schedule(),
        Err(Error::Forbidden)
    ));
    let first = lucia
        .run_scheduled_backup(false)
        .unwrap()
        .expect("due at once");
    assert_eq!(first.removed, 0);
    assert_eq!(scheduled_in(&usb), vec![first.file.clone()]);
    assert!(
        lucia.run_scheduled_backup(false).unwrap().is_none(),
        "not due again"
    );
    let status = lucia.backup_schedule().unwrap();
    assert_eq!(status.last_file.as_deref(), Some(first.file.as_str()));
    assert!(status.next_due.unwrap() > status.last_at.unwrap());
    lucia.lock(LockReason::Manual).unwrap();

    // Forced twice more: three written, the oldest removed, the other files untouched.
    let mut admin = test.admin();
    let second = admin.run_scheduled_backup(true).unwrap().unwrap();
    let third = admin.run_scheduled_backup(true).unwrap().unwrap();
    assert_eq!(third.removed, 1);
    assert_eq!(
        scheduled_in(&usb),
        vec![second.file.clone(), third.file.clone()]
    );
    assert!(usb.join("fotos.txt").exists());
    assert!(usb.join("acompana-copia-2026-01-01.age").exists());
    // At rest: nothing readable in the backup folder, no copy left in the data folder.
    for (path, bytes) in snapshot(&usb) {
        for needle in ["Rosa Programada", "coordinadora", "Lucía"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle} readable in {}",
                path.display()
            );
        }
    }
    assert!(!test.paths.dir.join("vault.db.backup").exists());
    // Each is an ordinary backup, opened with the schedule's passphrase.
    let info = acompana::backup::verify(&usb.join(&third.file), passphrase).unwrap();
    assert_eq!(info, third.info);
    assert!(matches!(
        acompana::backup::verify(&usb.join(&third.file), "otra frase cualquiera"),
        Err(Error::BackupRefused("wrong_passphrase"))
    ));

    // The USB stick is unplugged: the run fails, says why, and the status keeps it.
    fs::rename(&usb, test.dir.path().join("usb-fuera")).unwrap();
    assert!(matches!(
        admin.run_scheduled_backup(true),
        Err(Error::BackupFolderMissing)
    ));
    let status = admin.backup_schedule().unwrap();
    assert_eq!(
        status.failure,
        Some(acompana::error::ErrorCode::BackupFolderMissing)
    );
    assert!(status.failed_at.is_some());
    // Plugged in again: the next backup clears the failure.
    fs::rename(test.dir.path().join("usb-fuera"), &usb).unwrap();
    admin.run_scheduled_backup(true).unwrap().unwrap();
    let status = admin.backup_schedule().unwrap();
    assert_eq!((status.failure, status.failed_at), (None, None));
    assert_eq!(scheduled_in(&usb).len(), 2);

    // Off: nothing is due any more, the files stay.
    let status = admin.clear_backup_schedule().unwrap();
    assert!(status.schedule.is_none() && status.next_due.is_none());
    assert!(admin.run_scheduled_backup(false).unwrap().is_none());
    assert!(matches!(
        admin.run_scheduled_backup(true),
        Err(Error::InvalidInput {
            field: "schedule",
            ..
        })
    ));
    assert_eq!(scheduled_in(&usb).len(), 2);
    let changes = admin
        .audit_list(0, 200)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == acompana::audit::AuditAction::BackupScheduleChanged)
        .count();
    assert_eq!(changes, 2, "set up, then turned off");
}
