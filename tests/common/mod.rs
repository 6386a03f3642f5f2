//! Helpers shared by the integration tests: temporary vaults with the minimum Argon2id cost.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use acompana::staff::Role;
use acompana::vault::{self, KdfChoice, NewVault, Vault, VaultPaths};
use acompana::Country;
use secrecy::SecretString;

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
    let (vault, code) = vault::create(
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
        vault::unlock(&self.paths, ADMIN, &secret(ADMIN_PASSWORD)).unwrap()
    }

    /// Unlocks; deliberate failures in tests don't wait for the growing delay.
    pub fn unlock(&self, username: &str, password: &str) -> acompana::Result<Vault> {
        let result = vault::unlock(&self.paths, username, &secret(password));
        self.throttle().clear_delay_for_tests();
        result
    }

    pub fn throttle(&self) -> acompana::vault::throttle::Throttle {
        let text = std::fs::read(&self.paths.keyslots).unwrap_or_default();
        let id = serde_json::from_slice::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["vault_id"].as_str().and_then(|s| s.parse().ok()))
            .unwrap_or_default();
        acompana::vault::throttle::Throttle::for_vault(&id)
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
