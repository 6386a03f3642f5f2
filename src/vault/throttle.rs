//! Slows down repeated wrong passwords: every attempt costs a full Argon2id derivation, and
//! after a few consecutive failures each answer waits longer. Failures are counted in a small
//! file per vault in a private folder of the person's own (`~/.local/state/acompana`, mode
//! 0700, the file 0600), outside the data folder, which a failed sign-in must leave
//! byte-identical, and outside the temporary folder, so that the delay survives a reboot.
//! They are written to the audit log at the next successful sign-in.
//!
//! The file is parsed strictly and capped in size. A failure that cannot be recorded (a
//! read-only file, a full disk) is reported as [`Error::ThrottleUnavailable`], never
//! ignored: the attempt is refused either way, and the person is told the counter is broken.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};

/// Failures allowed before delays start.
pub const FREE_ATTEMPTS: u32 = 3;
/// The longest delay.
pub const MAX_DELAY: Duration = Duration::from_secs(30);
const MAX_REMEMBERED: usize = 200;
/// A record larger than this is refused unread (200 timestamps take about 6 KiB).
pub const MAX_FILE_BYTES: u64 = 16 * 1024;

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
#[serde(deny_unknown_fields)]
pub struct FailureRecord {
    /// Consecutive failures since the last success.
    pub consecutive: u32,
    /// When each failure not yet audited happened (RFC 3339), oldest first.
    pub unaudited: Vec<String>,
}

impl FailureRecord {
    fn parse(bytes: &[u8]) -> Result<Self> {
        let record: FailureRecord =
            serde_json::from_slice(bytes).map_err(|_| Error::ThrottleUnavailable)?;
        let valid_times = record
            .unaudited
            .iter()
            .all(|at| at.len() <= 40 && chrono::DateTime::parse_from_rfc3339(at).is_ok());
        if record.unaudited.len() > MAX_REMEMBERED || !valid_times {
            return Err(Error::ThrottleUnavailable);
        }
        Ok(record)
    }
}

/// The private folder holding the counters: `ACOMPANA_RUNTIME_DIR` if set (tests), else the
/// platform's per-user state folder.
pub fn state_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("ACOMPANA_RUNTIME_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("org", "Acompana", "acompana")
        .map(|dirs| {
            dirs.state_dir()
                .unwrap_or_else(|| dirs.config_local_dir())
                .join("signin")
        })
        .unwrap_or_else(|| std::env::temp_dir().join("acompana-signin"))
}

/// Where one vault's failure record lives.
pub struct Throttle {
    path: PathBuf,
}

impl Throttle {
    /// The throttle of the vault with this id; creates the private folder (0700) if missing
    /// and tightens its permissions if they are looser.
    pub fn for_vault(vault_id: &Uuid) -> Result<Self> {
        let dir = state_dir();
        let prepared = fs::create_dir_all(&dir).and_then(|()| private_folder(&dir));
        if prepared.is_err() {
            tracing::warn!("the sign-in counter folder cannot be prepared");
            return Err(Error::ThrottleUnavailable);
        }
        Ok(Throttle {
            path: dir.join(format!("signin-{}.json", vault_id.simple())),
        })
    }

    /// The current record: none yet is no failures; an unreadable, oversized or malformed
    /// file is an error.
    pub fn read(&self) -> Result<FailureRecord> {
        match fs::metadata(&self.path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(FailureRecord::default())
            }
            Err(_) => return Err(Error::ThrottleUnavailable),
            Ok(meta) if meta.len() > MAX_FILE_BYTES || !meta.is_file() => {
                return Err(Error::ThrottleUnavailable)
            }
            Ok(_) => {}
        }
        let bytes = fs::read(&self.path).map_err(|_| Error::ThrottleUnavailable)?;
        FailureRecord::parse(&bytes)
    }

    /// Waits as long as the current record demands.
    pub fn wait(&self) -> Result<()> {
        let delay = delay_for(self.read()?.consecutive);
        if !delay.is_zero() {
            std::thread::sleep(delay);
        }
        Ok(())
    }

    /// Records one more failure; an error if it could not be written.
    pub fn record_failure(&self) -> Result<()> {
        let mut record = self.read()?;
        record.consecutive = record.consecutive.saturating_add(1);
        record.unaudited.push(crate::now_rfc3339());
        if record.unaudited.len() > MAX_REMEMBERED {
            let excess = record.unaudited.len() - MAX_REMEMBERED;
            record.unaudited.drain(..excess);
        }
        self.write(&record)
    }

    fn write(&self, record: &FailureRecord) -> Result<()> {
        let bytes = serde_json::to_vec(record).map_err(|_| Error::ThrottleUnavailable)?;
        let temp = self.path.with_extension("json.tmp");
        let written = (|| -> std::io::Result<()> {
            let mut options = fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&temp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            // A read-only record is refused, not replaced: someone made it so on purpose.
            if fs::metadata(&self.path).is_ok_and(|meta| meta.permissions().readonly()) {
                return Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
            }
            fs::rename(&temp, &self.path)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temp);
            tracing::warn!("the sign-in counter could not be written");
            return Err(Error::ThrottleUnavailable);
        }
        Ok(())
    }

    /// Forgets the consecutive count but keeps the failures to audit: for tests that make
    /// many deliberate failures and must not wait for the growing delay.
    #[doc(hidden)]
    pub fn clear_delay_for_tests(&self) {
        if let Ok(mut record) = self.read() {
            record.consecutive = 0;
            let _ = self.write(&record);
        }
    }

    /// Clears the record after a success, returning the failures to audit. A record that
    /// cannot be removed is reported (it would keep delaying her) but does not keep her out.
    pub fn take_and_reset(&self) -> Result<Vec<String>> {
        let record = self.read()?;
        match fs::remove_file(&self.path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => tracing::warn!("the sign-in counter could not be reset"),
        }
        Ok(record.unaudited)
    }
}

#[cfg(unix)]
fn private_folder(dir: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let meta = fs::metadata(dir)?;
    // SAFETY: getuid has no preconditions and cannot fail.
    let me = unsafe { libc::getuid() };
    if meta.uid() != me {
        return Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn private_folder(_dir: &std::path::Path) -> std::io::Result<()> {
    Ok(())
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

    #[test]
    fn records_are_parsed_strictly() {
        for bad in [
            &b""[..],
            b"{}",
            b"{\"consecutive\":1,\"unaudited\":[],\"extra\":1}",
            b"{\"consecutive\":-1,\"unaudited\":[]}",
            b"{\"consecutive\":1,\"unaudited\":[\"yesterday\"]}",
        ] {
            assert!(
                matches!(FailureRecord::parse(bad), Err(Error::ThrottleUnavailable)),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let good =
            FailureRecord::parse(b"{\"consecutive\":2,\"unaudited\":[\"2026-12-01T10:00:00Z\"]}")
                .unwrap();
        assert_eq!(good.consecutive, 2);
    }
}
