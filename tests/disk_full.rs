//! A full disk is an everyday event on old laptops: a change that cannot be written must
//! answer `DiskFull` and leave the vault exactly as it was. The test mounts a tiny tmpfs,
//! which needs root (as on CI); elsewhere it says so and does nothing.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use acompana::staff::Role;
use acompana::vault::{KdfChoice, LockReason, NewVault, VaultPaths};
use acompana::{Country, Error};
use common::*;

struct TinyFs {
    dir: PathBuf,
    _parent: tempfile::TempDir,
}

impl TinyFs {
    fn mount(size: &str) -> Option<TinyFs> {
        let parent = tempfile::tempdir().ok()?;
        let dir = parent.path().join("tiny");
        std::fs::create_dir(&dir).ok()?;
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(TinyFs {
            dir,
            _parent: parent,
        })
    }
}

impl Drop for TinyFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
    }
}

/// Writes until the file system refuses; returns the filler's path.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![0u8; 4096];
    while file.write_all(&block).and_then(|_| file.sync_all()).is_ok() {}
    path
}

#[test]
fn a_full_disk_is_a_typed_error_that_changes_nothing() {
    let Some(tiny) = TinyFs::mount("4m") else {
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    };
    let paths = VaultPaths::new(tiny.dir.join("data"));
    let (mut vault, _code) = acompana::opening::create(
        &paths,
        NewVault {
            org_name: "Organización".into(),
            country: Country::CO,
            admin_username: ADMIN.into(),
            admin_display_name: "Coordinadora".into(),
            admin_password: secret(ADMIN_PASSWORD),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    vault
        .staff_add(
            "lucia",
            "Lucía",
            Role::Caseworker,
            &secret("clave-de-lucia-1"),
        )
        .unwrap();
    let staff_before = vault.staff_list().unwrap();
    let filler = fill(&tiny.dir);

    let mut refused = 0;
    for i in 0..20 {
        let name = format!("persona{i}");
        match vault.staff_add(&name, &name, Role::Caseworker, &secret("clave-de-persona")) {
            Err(Error::DiskFull) => refused += 1,
            Ok(_) => {}
            Err(other) => panic!("expected DiskFull, got {other:?}"),
        }
    }
    assert!(refused > 0, "the disk never filled up");
    // Locking on a full disk may fail to write its audit entry, but the vault still closes.
    let _ = vault.lock(LockReason::Manual);

    std::fs::remove_file(filler).unwrap();
    let vault = acompana::opening::unlock(&paths, ADMIN, &secret(ADMIN_PASSWORD)).unwrap();
    let staff_after = vault.staff_list().unwrap();
    // Whatever was refused left no trace: every member listed has a slot that opens.
    assert!(staff_after.len() >= staff_before.len());
    assert_eq!(staff_after.len() - staff_before.len(), 20 - refused);
    assert!(vault.audit_verify().unwrap().ok);
    assert_eq!(vault.check(true).unwrap().integrity, "ok");
    vault.lock(LockReason::Manual).unwrap();
    for member in staff_after
        .iter()
        .filter(|m| m.username.starts_with("persona"))
    {
        acompana::opening::unlock(&paths, &member.username, &secret("clave-de-persona"))
            .unwrap()
            .lock(LockReason::Manual)
            .unwrap();
    }
}
