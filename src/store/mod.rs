//! The encrypted store: a SQLCipher database opened with the raw master key and the settings
//! the security design requires.

pub mod migrations;

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::crypto::SecretKey;
use crate::error::{Error, Result};

/// Opens (or creates, with `create`) the database at `path` with the raw master key, checks
/// the key, the header and the schema (see [`quick_check`]), and applies the required
/// settings. Nothing is written until the checks have passed. The whole file is read only by
/// [`full_check`], so opening takes the same time whatever the vault's size.
pub fn open(path: &Path, key: &SecretKey, create: bool) -> Result<Connection> {
    open_with(path, key, create, Memory::Protected)
}

/// Whether SQLCipher locks its buffers in memory (never swapped out) and wipes them when
/// freed. SQLCipher's switch is process-wide and can only be turned on: once a vault with
/// real data has been opened, every later connection of the process is protected too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Memory {
    /// Every vault that may hold a real woman's data.
    Protected,
    /// A demo vault being created: its data is invented and its password public. Locking and
    /// wiping every allocation took a third of the demo generator's time.
    Invented,
}

pub(crate) fn open_with(
    path: &Path,
    key: &SecretKey,
    create: bool,
    memory: Memory,
) -> Result<Connection> {
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
    // Lock SQLCipher's buffers and wipe them on free (off by default since SQLCipher 4.5).
    if memory == Memory::Protected {
        conn.execute_batch("PRAGMA cipher_memory_security = ON")?;
    }
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    give_key(&conn, key)?;
    if !create {
        quick_check(&conn)?;
    }
    tune(&conn)?;
    Ok(conn)
}

/// Gives SQLCipher the raw key through `sqlite3_key_v2`, not a `PRAGMA key` statement: no SQL
/// text holding the key is parsed, copied or kept in a statement cache; the one literal this
/// builds is wiped when dropped.
fn give_key(conn: &Connection, key: &SecretKey) -> Result<()> {
    let literal = key.sqlcipher_literal();
    let length = std::ffi::c_int::try_from(literal.len())
        .map_err(|_| Error::Internal("key literal too long".into()))?;
    // SAFETY: the handle is this open connection's; the name is a NUL-terminated C string;
    // the key pointer and length describe `literal`, alive for the call (SQLCipher copies
    // what it needs into its own locked, wiped memory).
    let code = unsafe {
        rusqlite::ffi::sqlite3_key_v2(
            conn.handle(),
            c"main".as_ptr(),
            literal.as_ptr().cast(),
            length,
        )
    };
    if code == rusqlite::ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(Error::Internal(format!("sqlite3_key_v2 failed: {code}")))
    }
}

/// The page cache of every connection, in KiB. Every page read from disk is decrypted and
/// its HMAC checked, so a miss costs more than in plain SQLite: at 100,000 women the read
/// workload took 1.11× its unencrypted time with 16 MiB and 1.04× with 32 MiB (`make bench`).
/// SQLite takes the memory only as pages are read.
pub const CACHE_KIB: u32 = 32 * 1024;

/// Sets the connection's page cache (SQLite takes memory for it only as pages are read).
pub fn set_cache_kib(conn: &Connection, kib: u32) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA cache_size = -{kib}"))?;
    Ok(())
}

/// The connection's page cache, in KiB, as [`set_cache_kib`] left it.
pub fn cache_kib(conn: &Connection) -> Result<u32> {
    let size: i64 = conn.query_row("PRAGMA cache_size", [], |row| row.get(0))?;
    // Negative: KiB; positive: pages (SQLite's default form).
    let kib = if size < 0 {
        -size
    } else {
        let page: i64 = conn.query_row("PRAGMA page_size", [], |row| row.get(0))?;
        size * page / 1024
    };
    Ok(u32::try_from(kib).unwrap_or(u32::MAX))
}

/// The settings every connection runs with besides the key: also applied to the benchmark's
/// unencrypted copy, so that the two differ only by encryption.
pub fn tune(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA synchronous = FULL;",
    )?;
    set_cache_kib(conn, CACHE_KIB)?;
    // Every statement the write path and the readers use stays prepared: with rusqlite's
    // default of 16 the demo generator and a file's save re-parsed their SQL on each call.
    conn.set_prepared_statement_cache_capacity(256);
    // A stable plan per statement: without this, SQLite re-parses a statement whose plan may
    // depend on a bound value every time the value changes (measured: every read of a file's
    // records during the demo generator, which then spent most of its time preparing).
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Internal("could not enable WAL".into()));
    }
    Ok(())
}

/// What unlocking checks, in time that does not grow with the vault: the key and the header
/// (the first page, whose HMAC SQLCipher verifies as it decrypts it, fails to read with a
/// wrong key or an altered header) and the schema (every table definition is read and
/// parsed). Pages of the tables themselves are checked as they are read, and all of them by
/// [`full_check`].
pub fn quick_check(conn: &Connection) -> Result<()> {
    let unreadable = |_| Error::VaultCorrupt("the database could not be read");
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |row| row.get(0),
        )
        .map_err(unreadable)?;
    // Preparing a statement parses the whole schema: a damaged definition fails here.
    conn.prepare("SELECT 1 FROM sqlite_master LIMIT 0")
        .map_err(unreadable)?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(unreadable)?;
    if version > 0 && tables == 0 {
        return Err(Error::VaultCorrupt("the database structure is damaged"));
    }
    Ok(())
}

/// Reads every page: SQLCipher checks each page's HMAC, SQLite the structure. Run on demand
/// (`acompana check --full`, Configuración), after a session that did not end cleanly, and
/// before anything leaves the laptop.
pub fn full_check(conn: &Connection) -> Result<()> {
    quick_check(conn)?;
    // Every row SQLCipher reports is a page that failed (4.20 reads pages past 4 GiB
    // correctly; the 4.6 workaround that set those reports aside is gone, and the check past
    // 4 GiB is `make check-large`).
    let problems = {
        let mut statement = conn
            .prepare("PRAGMA cipher_integrity_check")
            .map_err(|_| Error::VaultCorrupt("the database could not be read"))?;
        let mut rows = statement
            .query([])
            .map_err(|_| Error::VaultCorrupt("the database could not be read"))?;
        let mut problems = 0usize;
        while rows
            .next()
            .map_err(|_| Error::VaultCorrupt("the database could not be read"))?
            .is_some()
        {
            problems += 1;
        }
        problems
    };
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

/// The name a record goes by on this laptop, for names that must be unique here although two
/// laptops may give one name to two records before they sync (a colleague's username, a
/// woman's case code): the name it already holds here, if still its own; else the name it was
/// `given`, if free; else that name marked (`mark(given, characters)`) with 4, then 8, then all
/// of the letters and digits of its id. `Some((name, true))` when it goes by a name it was not
/// given; `None` when every candidate is taken (two records with one id).
pub(crate) fn name_here(
    held: Option<String>,
    given: &str,
    id: &str,
    mut taken: impl FnMut(&str) -> Result<bool>,
    mark: impl Fn(&str, &str) -> String,
) -> Result<Option<(String, bool)>> {
    if let Some(held) = held {
        if held != given && !taken(&held)? {
            return Ok(Some((held, false)));
        }
    }
    if !taken(given)? {
        return Ok(Some((given.to_string(), false)));
    }
    let characters: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
    for length in [4, 8, characters.len()] {
        let candidate = mark(given, &characters[..length.min(characters.len())]);
        if !taken(&candidate)? {
            return Ok(Some((candidate, true)));
        }
    }
    Ok(None)
}
