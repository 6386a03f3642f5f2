//! Vault-wide settings, kept inside the encrypted database.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The settings an administrator can change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Minutes without activity before the app locks itself (1–120).
    pub idle_lock_minutes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            idle_lock_minutes: 5,
        }
    }
}

impl Settings {
    /// Checks the values' ranges.
    pub fn check(&self) -> Result<()> {
        if !(1..=120).contains(&self.idle_lock_minutes) {
            return Err(Error::invalid("idleLockMinutes", "between 1 and 120"));
        }
        Ok(())
    }
}

pub(crate) fn load(conn: &Connection) -> Result<Settings> {
    let mut settings = Settings::default();
    let idle: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = 'idle_lock_minutes'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(idle) = idle {
        settings.idle_lock_minutes = idle
            .parse()
            .map_err(|_| Error::VaultCorrupt("bad setting"))?;
    }
    Ok(settings)
}

pub(crate) fn store(conn: &Connection, settings: &Settings) -> Result<()> {
    settings.check()?;
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('idle_lock_minutes', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![settings.idle_lock_minutes.to_string()],
    )?;
    Ok(())
}
