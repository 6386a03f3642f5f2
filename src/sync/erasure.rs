//! A woman's right to be erased. Erasing her takes her off this laptop (visible rows, search
//! index, tasks and every operation about her) and leaves only an erasure marker on the
//! change log: an `erasure` record whose id is hers, with no field and no personal data,
//! written by whoever erased her. The marker is sent to every laptop whatever its scope, and
//! wins over every operation about her, older or newer: a laptop that receives it purges her,
//! and drops any operation about her that arrives later. She cannot be brought back.

use std::collections::HashSet;

use rusqlite::Connection;
use serde_json::json;

use crate::audit::AuditAction;
use crate::changelog::{self, Change, OpKind};
use crate::error::{Error, Result};
use crate::records::participants;
use crate::staff::Role;
use crate::vault::Vault;

/// The marker's record type on the change log.
pub const RECORD_TYPE: &str = "erasure";

/// The women erased in this organization, as far as this laptop knows.
pub(crate) fn erased(conn: &Connection) -> Result<HashSet<String>> {
    let code = changelog::name_code(conn, RECORD_TYPE)?;
    let mut statement =
        conn.prepare_cached("SELECT record_id FROM change_log WHERE record_type = ?1")?;
    let rows = statement.query_map([code], |row| row.get::<_, Vec<u8>>(0))?;
    let mut ids = HashSet::new();
    for row in rows {
        ids.insert(crate::compact::id_text(&row?)?);
    }
    Ok(ids)
}

/// After an erasure: the search index rewritten whole (its old segments freed, and zeroed
/// by secure delete) and the write-ahead log emptied into the database.
pub(crate) fn scrub(conn: &Connection) -> Result<()> {
    participants::optimize_search_index(conn)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

impl Vault {
    /// Erases a woman at her request (coordinators and administrators): see the module's
    /// documentation. `reason` goes to the audit log only.
    pub fn participant_erase(&mut self, id: &str, reason: &str) -> Result<()> {
        self.require(&[Role::Admin, Role::Coordinator])?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(Error::invalid("reason", "1 to 500 characters"));
        }
        let participant = self.load_participant(id)?;
        let tx = self.conn.unchecked_transaction()?;
        changelog::record(
            &tx,
            self.writer(),
            Change {
                record_type: RECORD_TYPE,
                record_id: &participant.id,
                field: "",
                kind: OpKind::Create,
                value: Some(json!({})),
                participant_id: None,
            },
        )?;
        participants::purge(&tx, &participant.id)?;
        tx.execute(
            "DELETE FROM sync_sent WHERE participant_id = ?1",
            [&participant.id],
        )?;
        self.audit_in(
            &tx,
            AuditAction::ParticipantErased,
            None,
            Some(&json!({ "participant": participant.id, "reason": reason }).to_string()),
        )?;
        tx.commit()?;
        scrub(&self.conn)
    }
}
