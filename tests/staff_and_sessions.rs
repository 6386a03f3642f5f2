//! Roles, password changes, recovery, disabling staff, auto-lock and the audit log, on
//! temporary vaults.

mod common;

use std::time::Duration;

use acompana::audit::AuditAction;
use acompana::session::Session;
use acompana::settings::Settings;
use acompana::staff::Role;
use acompana::vault::{keyslots::KeySlotFile, LockReason};
use acompana::Error;
use common::*;

fn actions(vault: &acompana::vault::Vault) -> Vec<AuditAction> {
    let mut entries = vault.audit_list(0, 1000).unwrap();
    entries.reverse();
    entries.into_iter().map(|e| e.action).collect()
}

fn slot_count(test: &TestVault) -> usize {
    KeySlotFile::parse(&std::fs::read(&test.paths.keyslots).unwrap())
        .unwrap()
        .slots
        .len()
}

#[test]
fn roles_limit_what_each_person_can_do() {
    let test = new_vault();
    test.add("carla", "Carla", Role::Coordinator, "clave-de-carla-1");
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    for (user, password) in [("carla", "clave-de-carla-1"), ("lucia", "clave-de-lucia-1")] {
        let mut vault = test.unlock(user, password).unwrap();
        assert_eq!(vault.staff_list().unwrap().len(), 3);
        assert!(matches!(
            vault.staff_add("otra", "Otra", Role::Admin, &secret("clave-de-otra-1")),
            Err(Error::Forbidden)
        ));
        let admin_id = vault
            .staff_list()
            .unwrap()
            .into_iter()
            .find(|m| m.role == Role::Admin)
            .unwrap()
            .id;
        assert!(matches!(
            vault.staff_disable(&admin_id, &secret(password)),
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            vault.staff_reset_password(&admin_id, &secret("clave-nueva-123")),
            Err(Error::Forbidden)
        ));
        assert!(matches!(vault.audit_list(0, 10), Err(Error::Forbidden)));
        assert!(matches!(vault.audit_verify(), Err(Error::Forbidden)));
        assert!(matches!(
            vault.set_settings(&Settings {
                idle_lock_minutes: 30
            }),
            Err(Error::Forbidden)
        ));
        assert_eq!(vault.settings().unwrap().idle_lock_minutes, 5);
        vault.lock(LockReason::Manual).unwrap();
    }
}

#[test]
fn adding_staff_validates_and_writes_a_slot() {
    let test = new_vault();
    let mut admin = test.admin();
    assert_eq!(slot_count(&test), 2);
    assert!(matches!(
        admin.staff_add("lu", "Lucía", Role::Caseworker, &secret("clave-de-lucia-1")),
        Err(Error::InvalidInput {
            field: "username",
            ..
        })
    ));
    assert!(matches!(
        admin.staff_add("lucia", "Lucía", Role::Caseworker, &secret("corta")),
        Err(Error::WeakPassword { .. })
    ));
    let lucia = admin
        .staff_add(
            "Lucia",
            "  Lucía Pérez ",
            Role::Caseworker,
            &secret("clave-de-lucia-1"),
        )
        .unwrap();
    assert_eq!(lucia.username, "lucia");
    assert_eq!(lucia.display_name, "Lucía Pérez");
    assert!(matches!(
        admin.staff_add(
            "LUCIA",
            "Otra",
            Role::Caseworker,
            &secret("clave-de-lucia-2")
        ),
        Err(Error::UsernameTaken)
    ));
    assert_eq!(slot_count(&test), 3);
    admin.lock(LockReason::Manual).unwrap();
    // Usernames are case-insensitive at sign-in.
    let vault = test.unlock("LUCIA", "clave-de-lucia-1").unwrap();
    assert_eq!(vault.me().role, Role::Caseworker);
}

#[test]
fn disabling_removes_the_slot_and_access() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    test.add("ana", "Ana", Role::Admin, "clave-de-ana-123");
    assert_eq!(slot_count(&test), 4);
    let mut admin = test.admin();
    let staff = admin.staff_list().unwrap();
    let id_of = |name: &str| {
        staff
            .iter()
            .find(|m| m.username == name)
            .unwrap()
            .id
            .clone()
    };
    assert!(matches!(
        admin.staff_disable(&id_of(ADMIN), &secret(ADMIN_PASSWORD)),
        Err(Error::CannotDisableSelf)
    ));
    admin
        .staff_disable(&id_of("lucia"), &secret(ADMIN_PASSWORD))
        .unwrap();
    assert_eq!(slot_count(&test), 3);
    assert!(
        !admin
            .staff_list()
            .unwrap()
            .iter()
            .find(|m| m.username == "lucia")
            .unwrap()
            .active
    );
    // A disabled username stays taken.
    assert!(matches!(
        admin.staff_add(
            "lucia",
            "Otra Lucía",
            Role::Caseworker,
            &secret("clave-de-lucia-2")
        ),
        Err(Error::UsernameTaken)
    ));
    admin.lock(LockReason::Manual).unwrap();
    assert!(matches!(
        test.unlock("lucia", "clave-de-lucia-1"),
        Err(Error::WrongCredentials)
    ));

    // Ana (admin) disables the first administrator; then Ana is the last admin and is safe.
    let mut ana = test.unlock("ana", "clave-de-ana-123").unwrap();
    ana.staff_disable(&id_of(ADMIN), &secret("clave-de-ana-123"))
        .unwrap();
    assert!(matches!(
        ana.staff_disable(&id_of("ana"), &secret("clave-de-ana-123")),
        Err(Error::CannotDisableSelf)
    ));
    let actions = actions(&ana);
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == AuditAction::StaffDisabled)
            .count(),
        2
    );
    ana.lock(LockReason::Manual).unwrap();
    assert!(matches!(
        test.unlock(ADMIN, ADMIN_PASSWORD),
        Err(Error::WrongCredentials)
    ));
}

#[test]
fn the_last_active_admin_cannot_be_disabled() {
    let test = new_vault();
    test.add("ana", "Ana", Role::Admin, "clave-de-ana-123");
    let mut admin = test.admin();
    let ana_id = admin
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|m| m.username == "ana")
        .unwrap()
        .id;
    admin
        .staff_disable(&ana_id, &secret(ADMIN_PASSWORD))
        .unwrap();
    admin.lock(LockReason::Manual).unwrap();
    // Only one active admin is left; she cannot disable herself, nobody else may.
    let mut admin = test.admin();
    let me = admin.me().id.clone();
    assert!(matches!(
        admin.staff_disable(&me, &secret(ADMIN_PASSWORD)),
        Err(Error::CannotDisableSelf)
    ));
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn changing_a_password_rewraps_only_her_slot() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    let db_before = std::fs::read(&test.paths.db).unwrap();
    let mut lucia = test.unlock("lucia", "clave-de-lucia-1").unwrap();
    assert!(matches!(
        lucia.change_password(&secret("no es la clave"), &secret("clave-nueva-lucia")),
        Err(Error::WrongCredentials)
    ));
    assert!(matches!(
        lucia.change_password(&secret("clave-de-lucia-1"), &secret("corta")),
        Err(Error::WeakPassword { .. })
    ));
    let slots_before = KeySlotFile::parse(&std::fs::read(&test.paths.keyslots).unwrap()).unwrap();
    lucia
        .change_password(&secret("clave-de-lucia-1"), &secret("clave-nueva-lucia"))
        .unwrap();
    lucia.lock(LockReason::Manual).unwrap();
    let slots_after = KeySlotFile::parse(&std::fs::read(&test.paths.keyslots).unwrap()).unwrap();
    let changed = slots_before
        .slots
        .iter()
        .zip(&slots_after.slots)
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(changed, 1, "only her slot changes");
    assert_ne!(db_before.len(), 0);
    assert!(matches!(
        test.unlock("lucia", "clave-de-lucia-1"),
        Err(Error::WrongCredentials)
    ));
    let lucia = test.unlock("lucia", "clave-nueva-lucia").unwrap();
    lucia.lock(LockReason::Manual).unwrap();
    // Colleagues are unaffected.
    test.admin().lock(LockReason::Manual).unwrap();
}

#[test]
fn an_admin_resets_a_colleagues_password() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    let mut admin = test.admin();
    let id = admin
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|m| m.username == "lucia")
        .unwrap()
        .id;
    admin
        .staff_reset_password(&id, &secret("clave-temporal-9"))
        .unwrap();
    assert!(actions(&admin).contains(&AuditAction::PasswordReset));
    admin.lock(LockReason::Manual).unwrap();
    assert!(test.unlock("lucia", "clave-de-lucia-1").is_err());
    test.unlock("lucia", "clave-temporal-9")
        .unwrap()
        .lock(LockReason::Manual)
        .unwrap();
}

#[test]
fn the_recovery_code_resets_a_forgotten_password() {
    let test = new_vault();
    let before = test.snapshot();
    let wrong = acompana::opening::recover(
        &test.paths,
        &secret("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"),
        ADMIN,
        &secret("clave-recuperada-1"),
    );
    assert!(matches!(wrong, Err(Error::WrongRecoveryCode)));
    let garbage = acompana::opening::recover(
        &test.paths,
        &secret("hola"),
        ADMIN,
        &secret("clave-recuperada-1"),
    );
    assert!(matches!(garbage, Err(Error::WrongRecoveryCode)));
    assert_eq!(before, test.snapshot());

    // Typed back in lower case with spaces, as people do.
    let typed = test.recovery_code.to_lowercase().replace('-', " ");
    let vault = acompana::opening::recover(
        &test.paths,
        &secret(&typed),
        ADMIN,
        &secret("clave-recuperada-1"),
    )
    .unwrap();
    let log = actions(&vault);
    assert!(log.contains(&AuditAction::PasswordRecovered));
    assert_eq!(
        log.iter()
            .filter(|a| **a == AuditAction::SignInFailed)
            .count(),
        2
    );
    vault.lock(LockReason::Manual).unwrap();
    assert!(matches!(
        test.unlock(ADMIN, ADMIN_PASSWORD),
        Err(Error::WrongCredentials)
    ));
    test.unlock(ADMIN, "clave-recuperada-1")
        .unwrap()
        .lock(LockReason::Manual)
        .unwrap();
    // The code keeps working (it is the organization's, not a one-off).
    let again = acompana::opening::recover(
        &test.paths,
        &secret(&test.recovery_code),
        ADMIN,
        &secret("clave-recuperada-2"),
    );
    assert!(again.is_ok());
}

#[test]
fn the_session_locks_when_idle_and_answers_locked() {
    let test = new_vault();
    let session = Session::new(test.paths.clone());
    assert!(matches!(
        session.with(|v| v.staff_list()),
        Err(Error::Locked)
    ));
    session.install(test.admin());
    let start = acompana::session::Moment::now();
    // Activity inside the limit keeps it open.
    session
        .with_at(start + Duration::from_secs(4 * 60), |v| v.staff_list())
        .unwrap();
    assert!(!session.lock_if_idle_at(start + Duration::from_secs(8 * 60)));
    assert!(session.is_unlocked());
    // Five minutes without activity lock it.
    assert!(session.lock_if_idle_at(start + Duration::from_secs(9 * 60 + 1)));
    assert!(!session.is_unlocked());
    assert!(matches!(
        session.with(|v| v.staff_list()),
        Err(Error::Locked)
    ));
    assert!(matches!(session.touch(), Err(Error::Locked)));

    // A longer idle time set by the administrator is honoured; a late call locks too.
    let mut admin = test.admin();
    admin
        .set_settings(&Settings {
            idle_lock_minutes: 30,
        })
        .unwrap();
    session.install(admin);
    let start = acompana::session::Moment::now();
    assert!(!session.lock_if_idle_at(start + Duration::from_secs(20 * 60)));
    let late = session.with_at(start + Duration::from_secs(31 * 60), |v| v.staff_list());
    assert!(matches!(late, Err(Error::Locked)));
    assert!(!session.is_unlocked());

    // Locks are audited with their reason.
    let admin = test.admin();
    let details: Vec<Option<String>> = admin
        .audit_list(0, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::Locked)
        .map(|e| e.detail)
        .collect();
    assert!(
        details
            .iter()
            .filter(|d| d.as_deref() == Some("idle"))
            .count()
            >= 2
    );
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn a_session_gives_each_vault_it_installs_its_page_cache() {
    let test = new_vault();
    // The command line's vault keeps the store's cache.
    assert_eq!(
        test.admin().page_cache_kib().unwrap(),
        acompana::store::CACHE_KIB
    );
    let session = Session::new(test.paths.clone()).with_page_cache_kib(4 * 1024);
    session.install(test.admin());
    assert_eq!(session.with(|v| v.page_cache_kib()).unwrap(), 4 * 1024);
    // Unlocked again, the next vault gets it too.
    session.lock(LockReason::Manual);
    session.install(test.admin());
    assert_eq!(session.with(|v| v.page_cache_kib()).unwrap(), 4 * 1024);
}

#[test]
fn demo_data_gives_back_the_page_cache_it_found() {
    let dir = tempfile::tempdir().unwrap();
    let paths = acompana::vault::VaultPaths::new(dir.path().to_path_buf());
    let (vault, _) = acompana::demo::open_or_create(&paths, acompana::Country::CO).unwrap();
    let session = Session::new(paths).with_page_cache_kib(4 * 1024);
    session.install(vault);
    let anchor = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    // The batches run with a larger cache, then the session's comes back.
    session
        .with(|v| acompana::demo::generate(v, 5, 7, anchor, |_| {}))
        .unwrap();
    assert_eq!(session.with(|v| v.page_cache_kib()).unwrap(), 4 * 1024);
}

#[test]
fn manual_lock_and_settings_bounds() {
    let test = new_vault();
    let session = Session::new(test.paths.clone());
    session.install(test.admin());
    assert!(matches!(
        session.with(|v| v.set_settings(&Settings {
            idle_lock_minutes: 0
        })),
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        session.with(|v| v.set_settings(&Settings {
            idle_lock_minutes: 121
        })),
        Err(Error::InvalidInput { .. })
    ));
    assert!(session.lock(LockReason::Manual));
    assert!(!session.lock(LockReason::Manual));
    assert!(matches!(session.with(|v| v.settings()), Err(Error::Locked)));
}

#[test]
fn the_audit_log_records_events_in_order_and_detects_tampering() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    let _ = test.unlock("lucia", "mala-clave-123");
    let mut admin = test.admin();
    admin
        .set_settings(&Settings {
            idle_lock_minutes: 10,
        })
        .unwrap();
    let log = actions(&admin);
    assert_eq!(
        log,
        vec![
            AuditAction::VaultCreated,
            AuditAction::StaffAdded,
            AuditAction::SignedIn,
            AuditAction::Locked,
            AuditAction::SignedIn,
            AuditAction::StaffAdded,
            AuditAction::Locked,
            AuditAction::SignInFailed,
            AuditAction::SignedIn,
            AuditAction::SettingsChanged,
        ]
    );
    let entries = admin.audit_list(0, 3).unwrap();
    assert_eq!(entries[0].action, AuditAction::SettingsChanged);
    assert_eq!(entries[0].actor.as_deref(), Some(ADMIN));
    let added = admin
        .audit_list(0, 100)
        .unwrap()
        .into_iter()
        .find(|e| e.target.as_deref() == Some("lucia"))
        .unwrap();
    assert_eq!(added.action, AuditAction::StaffAdded);
    assert!(admin.audit_verify().unwrap().ok);

    // Someone with the key edits an entry behind the app's back.
    let conn = admin.connection_for_tests();
    assert!(conn
        .execute(
            "UPDATE audit_log SET action = 'signed_in' WHERE seq = 8",
            []
        )
        .is_err());
    conn.execute_batch("DROP TRIGGER audit_log_no_update;")
        .unwrap();
    conn.execute(
        "UPDATE audit_log SET at = '2020-01-01T00:00:00Z' WHERE seq = 8",
        [],
    )
    .unwrap();
    let result = admin.audit_verify().unwrap();
    assert!(!result.ok);
    assert_eq!(result.first_bad_seq, Some(8));
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn repeated_failures_are_counted_and_reset() {
    use acompana::vault::throttle::Throttle;
    let test = new_vault();
    let vault_id = KeySlotFile::parse(&std::fs::read(&test.paths.keyslots).unwrap())
        .unwrap()
        .vault_id;
    let throttle = Throttle::for_vault(&vault_id).unwrap();
    for _ in 0..3 {
        assert!(
            acompana::opening::unlock(&test.paths, ADMIN, &secret("clave-equivocada")).is_err()
        );
    }
    assert_eq!(throttle.read().unwrap().consecutive, 3);
    assert_eq!(
        acompana::vault::throttle::delay_for(throttle.read().unwrap().consecutive),
        Duration::from_secs(2)
    );
    test.admin().lock(LockReason::Manual).unwrap();
    assert_eq!(throttle.read().unwrap().consecutive, 0);
}

#[test]
fn about_names_the_version_the_data_folder_and_the_open_vault_s_formats() {
    let test = new_vault();
    let session = Session::new(test.paths.clone());
    let locked = session.about();
    assert_eq!(locked.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(locked.licence, "AGPL-3.0-or-later");
    assert_eq!(locked.data_dir, test.paths.dir.to_string_lossy());
    assert_eq!((locked.schema_version, locked.keyslot_format), (None, None));
    assert_eq!(locked.backup_format, acompana::backup::BACKUP_FORMAT);
    assert_eq!(locked.sync_format, acompana::sync::manifest::FORMAT);
    session.install(test.admin());
    let open = session.about();
    assert_eq!(open.schema_version, Some(open.schema_latest));
    assert_eq!(
        open.keyslot_format,
        Some(acompana::vault::keyslots::KEYSLOT_FORMAT)
    );
    assert!(open.schema_latest >= 19);
    session.lock(LockReason::Manual);
    assert_eq!(session.about().schema_version, None);
}

#[test]
fn a_quiet_session_gives_back_its_page_cache_and_a_busy_one_keeps_it() {
    use acompana::session::{Moment, QUIET};
    let test = new_vault();
    let session = Session::new(test.paths.clone());
    // Locked: nothing to give back.
    assert!(!session.release_cache_if_quiet_at(Moment::now()));
    session.install(test.admin());
    let start = Moment::now();
    let filled = session
        .with_at(start, |v| {
            v.staff_list()?;
            Ok(v.cache_used_bytes())
        })
        .unwrap();
    assert!(filled > 0, "reading the roster put pages in the cache");
    // Within QUIET of the last activity the cache stays.
    let soon = start + (QUIET - Duration::from_millis(1));
    assert!(!session.release_cache_if_quiet_at(soon));
    let kept = session.with_at(soon, |v| Ok(v.cache_used_bytes())).unwrap();
    assert_eq!(kept, filled);
    // Busy (the vault in use by a command): it waits for no one and gives back nothing.
    let later = soon + QUIET * 10;
    session
        .with_at(soon, |_| {
            assert!(!session.release_cache_if_quiet_at(later));
            Ok(())
        })
        .unwrap();
    // Quiet for QUIET: given back; the next screen's reads fill it again.
    assert!(session.release_cache_if_quiet_at(soon + QUIET));
    let released = session
        .with_at(later, |v| Ok(v.cache_used_bytes()))
        .unwrap();
    assert!(
        released < filled / 2,
        "the cache went from {filled} to {released} bytes"
    );
    let refilled = session
        .with_at(later, |v| {
            v.staff_list()?;
            Ok(v.cache_used_bytes())
        })
        .unwrap();
    assert!(refilled > released);
}
