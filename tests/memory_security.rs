//! SQLCipher's memory protection (locking its buffers in memory and wiping them when freed) is
//! process-wide and can only be turned on, so this runs alone in its own test binary.

mod common;

use acompana::demo;
use acompana::vault::{LockReason, VaultPaths};
use acompana::Country;

fn memory_security(vault: &acompana::vault::Vault) -> String {
    vault
        .connection_for_tests()
        .query_row("PRAGMA cipher_memory_security", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn only_a_new_demo_vault_runs_without_memory_protection_and_a_real_vault_turns_it_on() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path().join("demo"));
    let (demo_vault, created) = demo::open_or_create(&paths, Country::CO).unwrap();
    assert!(created);
    assert_eq!(
        memory_security(&demo_vault),
        "0",
        "invented data, public password"
    );
    demo_vault.lock(LockReason::Manual).unwrap();

    // Any vault that may hold real data is opened protected, and the whole process stays so.
    let real = common::new_vault();
    let admin = real.admin();
    assert_eq!(memory_security(&admin), "1");
    admin.lock(LockReason::Manual).unwrap();
    let (demo_again, created) = demo::open_or_create(&paths, Country::CO).unwrap();
    assert!(!created);
    assert_eq!(memory_security(&demo_again), "1");
}
