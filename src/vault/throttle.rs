//! Slows down repeated wrong passwords: every attempt costs a full Argon2id derivation, and
//! after a few consecutive failures each answer waits longer. Failures are counted in a small
//! file in the system's temporary folder (outside the data folder, which a failed sign-in
//! must leave byte-identical) and written to the audit log at the next successful sign-in.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Failures allowed before delays start.
pub const FREE_ATTEMPTS: u32 = 3;
/// The longest delay.
pub const MAX_DELAY: Duration = Duration::from_secs(30);
const MAX_REMEMBERED: usize = 200;

/// How long to wait before answering, after `failures` consecutive failures.
pub fn delay_for(failures: u32) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let exponent = (failures - FREE_ATTEMPTS + 1).min(16);
    Duration::from_secs(1u64 << exponent).min(MAX_DELAY)
}

/// The failure record of one vault.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct FailureRecord {
    /// Consecutive failures since the last success.
    pub consecutive: u32,
    /// When each failure not yet audited happened (RFC 3339), oldest first.
    pub unaudited: Vec<String>,
}

/// Where one vault's failure record lives.
pub struct Throttle {
    path: PathBuf,
}

impl Throttle {
    /// The throttle of the vault with this id.
    pub fn for_vault(vault_id: &Uuid) -> Self {
        let dir = std::env::var_os("ACOMPANA_RUNTIME_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        Throttle {
            path: dir.join(format!("acompana-signin-{}.json", vault_id.simple())),
        }
    }

    /// The current record; a missing or unreadable file counts as no failures.
    pub fn read(&self) -> FailureRecord {
        std::fs::read(&self.path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Waits as long as the current record demands.
    pub fn wait(&self) {
        let delay = delay_for(self.read().consecutive);
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
    }

    /// Records one more failure.
    pub fn record_failure(&self) {
        let mut record = self.read();
        record.consecutive = record.consecutive.saturating_add(1);
        record.unaudited.push(crate::now_rfc3339());
        if record.unaudited.len() > MAX_REMEMBERED {
            let excess = record.unaudited.len() - MAX_REMEMBERED;
            record.unaudited.drain(..excess);
        }
        if let Ok(bytes) = serde_json::to_vec(&record) {
            // Best effort: a read-only temp folder must not stop anyone from signing in.
            let _ = std::fs::write(&self.path, bytes);
        }
    }

    /// Forgets the consecutive count but keeps the failures to audit: for tests that make
    /// many deliberate failures and must not wait for the growing delay.
    #[doc(hidden)]
    pub fn clear_delay_for_tests(&self) {
        let mut record = self.read();
        record.consecutive = 0;
        if let Ok(bytes) = serde_json::to_vec(&record) {
            let _ = std::fs::write(&self.path, bytes);
        }
    }

    /// Clears the record after a success, returning the failures to audit.
    pub fn take_and_reset(&self) -> Vec<String> {
        let record = self.read();
        let _ = std::fs::remove_file(&self.path);
        record.unaudited
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_after_free_attempts_and_are_capped() {
        assert_eq!(delay_for(0), Duration::ZERO);
        assert_eq!(delay_for(2), Duration::ZERO);
        assert_eq!(delay_for(3), Duration::from_secs(2));
        assert_eq!(delay_for(4), Duration::from_secs(4));
        assert_eq!(delay_for(5), Duration::from_secs(8));
        assert_eq!(delay_for(6), Duration::from_secs(16));
        assert_eq!(delay_for(7), MAX_DELAY);
        assert_eq!(delay_for(u32::MAX), MAX_DELAY);
    }
}
