//! Schema migrations: numbered `.sql` files from `migrations/`, embedded at compile time and
//! applied in order by this small runner. `PRAGMA user_version` records how many have run.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Every migration, in order. Append only; never edit a released file.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_vault",
        include_str!("../../migrations/0001_vault.sql"),
    ),
    (
        "0002_change_log",
        include_str!("../../migrations/0002_change_log.sql"),
    ),
    (
        "0003_participants",
        include_str!("../../migrations/0003_participants.sql"),
    ),
    (
        "0004_case_records",
        include_str!("../../migrations/0004_case_records.sql"),
    ),
    (
        "0005_legal_referrals_tasks",
        include_str!("../../migrations/0005_legal_referrals_tasks.sql"),
    ),
    (
        "0006_organization",
        include_str!("../../migrations/0006_organization.sql"),
    ),
];

/// The schema version this build writes.
pub fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// The schema version recorded in the database.
pub fn current_version(conn: &Connection) -> Result<u32> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    u32::try_from(version).map_err(|_| Error::VaultCorrupt("negative schema version"))
}

/// Refuses a database written by a newer version, before anything is written to it.
pub fn refuse_newer(conn: &Connection) -> Result<u32> {
    let found = current_version(conn)?;
    if found > latest_version() {
        return Err(Error::VaultTooNew {
            found,
            supported: latest_version(),
        });
    }
    Ok(found)
}

/// Applies the migrations not yet applied, each in its own transaction.
pub fn apply(conn: &mut Connection) -> Result<()> {
    let found = refuse_newer(conn)?;
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_all_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), latest_version());
        apply(&mut conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), latest_version());
    }

    #[test]
    fn refuses_newer_schema_without_writing() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(
            apply(&mut conn),
            Err(Error::VaultTooNew { found: 99, .. })
        ));
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0);
    }
}
