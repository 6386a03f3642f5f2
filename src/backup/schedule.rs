//! Automatic backups: an administrator chooses a folder (a USB stick, a second disk), how
//! often, how many to keep, and a passphrase; then whoever has the laptop unlocked gets a
//! backup written there when one is due, and the oldest beyond the number kept are removed.
//!
//! The files are ordinary backups (format 1, `docs/backup.md`) named
//! `acompana-auto-YYYYMMDDTHHMMSSZ.age` (UTC), so that their names sort by age; only files of
//! exactly that shape are ever removed. The schedule and its passphrase live in the vault's
//! own `settings` table (inside SQLCipher, on this laptop only, never synced): a scheduled
//! backup needs nobody to type anything, and nobody who cannot open the vault can read the
//! passphrase. The passphrase is never shown again, not even to administrators.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{check_passphrase, BackupInfo};
use crate::audit::AuditAction;
use crate::error::{Error, ErrorCode, Result};
use crate::staff::Role;
use crate::vault::Vault;

const PREFIX: &str = "acompana-auto-";
const SUFFIX: &str = ".age";
/// `YYYYMMDDTHHMMSSZ`, the UTC moment in a scheduled backup's name.
const STAMP_LEN: usize = 16;

const KEY_FOLDER: &str = "backup_auto_folder";
const KEY_EVERY: &str = "backup_auto_every_days";
const KEY_KEEP: &str = "backup_auto_keep";
const KEY_PASSPHRASE: &str = "backup_auto_passphrase";
const KEY_LAST_AT: &str = "backup_auto_last_at";
const KEY_LAST_FILE: &str = "backup_auto_last_file";
const KEY_FAILED_AT: &str = "backup_auto_failed_at";
const KEY_FAILURE: &str = "backup_auto_failure";

/// When and where automatic backups go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BackupSchedule {
    /// An existing folder, given as an absolute path.
    pub folder: String,
    /// Days between two backups (1–30).
    pub every_days: u32,
    /// How many scheduled backups to keep in the folder (1–100).
    pub keep: u32,
}

impl BackupSchedule {
    /// Checks the values' ranges and that the folder is an absolute path.
    pub fn check(&self) -> Result<()> {
        if !(1..=30).contains(&self.every_days) {
            return Err(Error::invalid("everyDays", "between 1 and 30"));
        }
        if !(1..=100).contains(&self.keep) {
            return Err(Error::invalid("keep", "between 1 and 100"));
        }
        if self.folder.trim().is_empty() || !Path::new(&self.folder).is_absolute() {
            return Err(Error::invalid("folder", "an absolute path"));
        }
        Ok(())
    }
}

/// The schedule and how it has gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BackupScheduleStatus {
    /// None when there are no automatic backups on this laptop.
    pub schedule: Option<BackupSchedule>,
    /// When the last scheduled backup was written (RFC 3339, UTC).
    pub last_at: Option<String>,
    /// Its file's name in the folder.
    pub last_file: Option<String>,
    /// When the next one is due (RFC 3339, UTC); None without a schedule.
    pub next_due: Option<String>,
    /// When the last attempt failed, if it did after the last success.
    pub failed_at: Option<String>,
    /// Why it failed (`backup_folder_missing`, `disk_full`, `io`…).
    pub failure: Option<ErrorCode>,
}

/// A scheduled backup that was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ScheduledBackup {
    /// The file written, in the schedule's folder.
    pub file: String,
    pub info: BackupInfo,
    /// How many older scheduled backups were removed to keep the number chosen.
    pub removed: u32,
}

fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()?)
}

fn put(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

fn remove(conn: &Connection, keys: &[&str]) -> Result<()> {
    for key in keys {
        conn.execute("DELETE FROM settings WHERE key = ?1", [key])?;
    }
    Ok(())
}

fn number(conn: &Connection, key: &str) -> Result<u32> {
    get(conn, key)?
        .and_then(|text| text.parse().ok())
        .ok_or(Error::VaultCorrupt("bad backup schedule"))
}

fn load(conn: &Connection) -> Result<Option<BackupSchedule>> {
    let Some(folder) = get(conn, KEY_FOLDER)? else {
        return Ok(None);
    };
    Ok(Some(BackupSchedule {
        folder,
        every_days: number(conn, KEY_EVERY)?,
        keep: number(conn, KEY_KEEP)?,
    }))
}

fn parse_time(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

fn rfc3339(moment: DateTime<Utc>) -> String {
    moment.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// When a backup is next due: at once without an earlier one, or when the last one seems to
/// come from the future (a clock put back), otherwise `every_days` after the last.
fn next_due(
    schedule: &BackupSchedule,
    last: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    match last {
        Some(last) if last <= now => last + Duration::days(i64::from(schedule.every_days)),
        _ => now,
    }
}

/// The UTC stamp of a scheduled backup's file name, or None for any other file.
fn stamp_of(name: &str) -> Option<&str> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let bytes = stamp.as_bytes();
    let shaped = bytes.len() == STAMP_LEN
        && bytes[8] == b'T'
        && bytes[15] == b'Z'
        && bytes[..8]
            .iter()
            .chain(&bytes[9..15])
            .all(u8::is_ascii_digit);
    shaped.then_some(stamp)
}

/// The scheduled backups in `folder`, oldest first.
fn scheduled_files(folder: &Path) -> Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(folder)?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().map(|t| t.is_file()).unwrap_or(false))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| stamp_of(name).is_some())
        .collect();
    names.sort();
    Ok(names)
}

impl Vault {
    /// The automatic backup schedule of this laptop and how it has gone (any role: the app
    /// says when the last backup was made).
    pub fn backup_schedule(&self) -> Result<BackupScheduleStatus> {
        let schedule = load(&self.conn)?;
        let last_at = get(&self.conn, KEY_LAST_AT)?;
        let next = schedule
            .as_ref()
            .map(|s| rfc3339(next_due(s, parse_time(last_at.clone()), Utc::now())));
        let failure = get(&self.conn, KEY_FAILURE)?
            .and_then(|code| serde_json::from_value(serde_json::Value::String(code)).ok());
        Ok(BackupScheduleStatus {
            schedule,
            last_at,
            last_file: get(&self.conn, KEY_LAST_FILE)?,
            next_due: next,
            failed_at: get(&self.conn, KEY_FAILED_AT)?,
            failure,
        })
    }

    /// Sets up, or changes, automatic backups (administrators). The folder must exist now;
    /// the passphrase (at least 12 characters) replaces any earlier one for the next backups.
    pub fn set_backup_schedule(
        &mut self,
        schedule: &BackupSchedule,
        passphrase: &str,
    ) -> Result<BackupScheduleStatus> {
        self.require(&[Role::Admin])?;
        schedule.check()?;
        check_passphrase(passphrase)?;
        if !Path::new(&schedule.folder).is_dir() {
            return Err(Error::BackupFolderMissing);
        }
        let tx = self.conn.unchecked_transaction()?;
        put(&tx, KEY_FOLDER, &schedule.folder)?;
        put(&tx, KEY_EVERY, &schedule.every_days.to_string())?;
        put(&tx, KEY_KEEP, &schedule.keep.to_string())?;
        put(&tx, KEY_PASSPHRASE, passphrase)?;
        remove(&tx, &[KEY_FAILED_AT, KEY_FAILURE])?;
        self.audit_in(
            &tx,
            AuditAction::BackupScheduleChanged,
            None,
            Some(&format!(
                "every_days={} keep={}",
                schedule.every_days, schedule.keep
            )),
        )?;
        tx.commit()?;
        self.backup_schedule()
    }

    /// Turns automatic backups off (administrators); the backups already written stay.
    pub fn clear_backup_schedule(&mut self) -> Result<BackupScheduleStatus> {
        self.require(&[Role::Admin])?;
        let tx = self.conn.unchecked_transaction()?;
        remove(
            &tx,
            &[
                KEY_FOLDER,
                KEY_EVERY,
                KEY_KEEP,
                KEY_PASSPHRASE,
                KEY_FAILED_AT,
                KEY_FAILURE,
            ],
        )?;
        self.audit_in(&tx, AuditAction::BackupScheduleChanged, None, Some("off"))?;
        tx.commit()?;
        self.backup_schedule()
    }

    /// Writes a scheduled backup if one is due (any role: it is the laptop's schedule, and
    /// the file is sealed to the administrators' passphrase), or at once with `now`
    /// (administrators). Returns None when none is due or there is no schedule. A failure is
    /// recorded for the status and returned.
    pub fn run_scheduled_backup(&mut self, now: bool) -> Result<Option<ScheduledBackup>> {
        if now {
            self.require(&[Role::Admin])?;
        }
        let Some(schedule) = load(&self.conn)? else {
            return if now {
                Err(Error::invalid(
                    "schedule",
                    "no automatic backups are set up",
                ))
            } else {
                Ok(None)
            };
        };
        let moment = Utc::now();
        let last = parse_time(get(&self.conn, KEY_LAST_AT)?);
        if !now && next_due(&schedule, last, moment) > moment {
            return Ok(None);
        }
        match self.write_scheduled(&schedule, moment) {
            Ok(done) => Ok(Some(done)),
            Err(error) => {
                let tx = self.conn.unchecked_transaction()?;
                put(&tx, KEY_FAILED_AT, &rfc3339(moment))?;
                put(&tx, KEY_FAILURE, error.code().as_str())?;
                tx.commit()?;
                Err(error)
            }
        }
    }

    fn write_scheduled(
        &mut self,
        schedule: &BackupSchedule,
        moment: DateTime<Utc>,
    ) -> Result<ScheduledBackup> {
        let folder = PathBuf::from(&schedule.folder);
        if !folder.is_dir() {
            return Err(Error::BackupFolderMissing);
        }
        let passphrase =
            get(&self.conn, KEY_PASSPHRASE)?.ok_or(Error::VaultCorrupt("bad backup schedule"))?;
        let mut name = format!("{PREFIX}{}{SUFFIX}", moment.format("%Y%m%dT%H%M%SZ"));
        let mut later = moment;
        while folder.join(&name).exists() {
            // Two backups within one second (made "now" twice): the next second's name.
            later += Duration::seconds(1);
            name = format!("{PREFIX}{}{SUFFIX}", later.format("%Y%m%dT%H%M%SZ"));
        }
        let info = self.write_backup(&folder.join(&name), &passphrase, Some("auto"))?;
        let tx = self.conn.unchecked_transaction()?;
        put(&tx, KEY_LAST_AT, &rfc3339(moment))?;
        put(&tx, KEY_LAST_FILE, &name)?;
        remove(&tx, &[KEY_FAILED_AT, KEY_FAILURE])?;
        tx.commit()?;
        let mut removed = 0;
        let files = scheduled_files(&folder)?;
        let surplus = files.len().saturating_sub(schedule.keep as usize);
        for old in files.iter().take(surplus).filter(|old| **old != name) {
            fs::remove_file(folder.join(old))?;
            removed += 1;
        }
        if removed > 0 {
            if let Ok(dir) = fs::File::open(&folder) {
                let _ = dir.sync_all();
            }
        }
        Ok(ScheduledBackup {
            file: name,
            info,
            removed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_of_the_scheduled_shape_are_recognized() {
        assert_eq!(
            stamp_of("acompana-auto-20261202T081500Z.age"),
            Some("20261202T081500Z")
        );
        for other in [
            "acompana-copia-2026-12-02.age",
            "acompana-auto-20261202T081500Z.age.tmp",
            ".acompana-auto-20261202T081500Z.age.tmp",
            "acompana-auto-20261202T0815000.age",
            "acompana-auto-2026120XT081500Z.age",
            "acompana-auto-20261202T081500Z-1.age",
            "acompana-auto-.age",
            "notes.txt",
        ] {
            assert_eq!(stamp_of(other), None, "{other}");
        }
    }

    #[test]
    fn a_backup_is_due_every_n_days_or_at_once_when_the_clock_went_back() {
        let schedule = BackupSchedule {
            folder: "/media/usb".into(),
            every_days: 7,
            keep: 4,
        };
        let now = Utc::now();
        assert_eq!(next_due(&schedule, None, now), now);
        let last = now - Duration::days(2);
        assert_eq!(
            next_due(&schedule, Some(last), now),
            last + Duration::days(7)
        );
        let future = now + Duration::days(3);
        assert_eq!(next_due(&schedule, Some(future), now), now);
    }

    #[test]
    fn the_schedule_is_checked() {
        let good = BackupSchedule {
            folder: "/media/usb".into(),
            every_days: 1,
            keep: 1,
        };
        assert!(good.check().is_ok());
        let cases = [
            (
                BackupSchedule {
                    every_days: 0,
                    ..good.clone()
                },
                "everyDays",
            ),
            (
                BackupSchedule {
                    every_days: 31,
                    ..good.clone()
                },
                "everyDays",
            ),
            (
                BackupSchedule {
                    keep: 0,
                    ..good.clone()
                },
                "keep",
            ),
            (
                BackupSchedule {
                    keep: 101,
                    ..good.clone()
                },
                "keep",
            ),
            (
                BackupSchedule {
                    folder: "usb".into(),
                    ..good.clone()
                },
                "folder",
            ),
            (
                BackupSchedule {
                    folder: " ".into(),
                    ..good.clone()
                },
                "folder",
            ),
        ];
        for (schedule, field) in cases {
            assert_eq!(schedule.check().unwrap_err().field(), Some(field));
        }
    }
}
