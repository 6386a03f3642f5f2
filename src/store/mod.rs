//! The encrypted store: a SQLCipher database opened with the raw master key and the settings
//! the security design requires.

pub mod migrations;

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::crypto::SecretKey;
use crate::error::{Error, Result};

/// Opens (or creates, with `create`) the database at `path` with the raw master key, checks
/// that the key is right and the file intact, and applies the required settings. Nothing is
/// written until the checks have passed.
pub fn open(path: &Path, key: &SecretKey, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(|error| {
        if create {
            Error::from(error)
        } else {
            Error::VaultCorrupt("the database could not be opened")
        }
    })?;
    // Wipe SQLCipher's own buffers on free (off by default since SQLCipher 4.5).
    conn.execute_batch("PRAGMA cipher_memory_security = ON; PRAGMA cipher_log_level = NONE;")?;
    conn.pragma_update(None, "key", &*key.sqlcipher_literal())?;
    if !create {
        verify_integrity(&conn)?;
    }
    conn.execute_batch(
        "PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -16384;
         PRAGMA synchronous = FULL;",
    )?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Internal("could not enable WAL".into()));
    }
    Ok(conn)
}

/// Reads every page: SQLCipher checks each page's HMAC, SQLite the structure.
fn verify_integrity(conn: &Connection) -> Result<()> {
    // The first read fails if the key is wrong or the header was altered.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| {
        row.get::<_, i64>(0)
    })
    .map_err(|_| Error::VaultCorrupt("the database could not be read"))?;
    let mut problems = 0usize;
    {
        let mut statement = conn
            .prepare("PRAGMA cipher_integrity_check")
            .map_err(|_| Error::VaultCorrupt("the database could not be read"))?;
        let mut rows = statement
            .query([])
            .map_err(|_| Error::VaultCorrupt("the database could not be read"))?;
        while rows
            .next()
            .map_err(|_| Error::VaultCorrupt("the database could not be read"))?
            .is_some()
        {
            problems += 1;
        }
    }
    if problems > 0 {
        return Err(Error::VaultCorrupt(
            "a database page failed its integrity check",
        ));
    }
    let quick: String = conn
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(|_| Error::VaultCorrupt("the database could not be read"))?;
    if quick != "ok" {
        return Err(Error::VaultCorrupt("the database structure is damaged"));
    }
    Ok(())
}

/// Flushes the WAL into the database and empties it, before the connection is closed.
pub fn checkpoint(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}
