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

/// Whether women are erased, as this laptop's log and a batch of operations say. Each woman
/// is looked up once, by her id (indexed): listing every erasure reads the whole log (no index
/// leads with the record type), which an import did twice.
pub(crate) struct Erasures<'a> {
    conn: &'a Connection,
    code: i64,
    /// Erasures the batch carries.
    batch: HashSet<String>,
    known: std::collections::HashMap<String, bool>,
}

impl<'a> Erasures<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Result<Erasures<'a>> {
        Ok(Erasures {
            conn,
            code: changelog::name_code(conn, RECORD_TYPE)?,
            batch: HashSet::new(),
            known: std::collections::HashMap::new(),
        })
    }

    /// Whether this laptop's log holds her erasure.
    pub(crate) fn on_the_log(&mut self, her: &str) -> Result<bool> {
        if let Some(known) = self.known.get(her) {
            return Ok(*known);
        }
        let found: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM change_log WHERE record_id = ?1 AND record_type = ?2)",
            )?
            .query_row(
                rusqlite::params![crate::compact::id_bytes(her).as_slice(), self.code],
                |row| row.get(0),
            )?;
        self.known.insert(her.to_string(), found);
        Ok(found)
    }

    /// Adds an erasure the batch carries; true when it is new (neither on the log nor in the
    /// batch already).
    pub(crate) fn insert(&mut self, her: &str) -> Result<bool> {
        Ok(!self.on_the_log(her)? && self.batch.insert(her.to_string()))
    }

    /// Whether she is erased, on the log or by the batch.
    pub(crate) fn contains(&mut self, her: &str) -> Result<bool> {
        Ok(self.batch.contains(her) || self.on_the_log(her)?)
    }
}

/// After an erasure: the search index rewritten whole (its old segments freed, and zeroed
/// by secure delete) and the write-ahead log emptied into the database.
pub(crate) fn scrub(conn: &Connection) -> Result<()> {
    participants::optimize_search_index(conn)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

impl Vault {
    /// [`Vault::participant_erase`], once the person confirming has typed her case code
    /// (compared without regard to case): the app asks for it so that nobody erases the
    /// wrong woman by a slip.
    pub fn participant_erase_confirmed(
        &mut self,
        id: &str,
        typed_case_code: &str,
        reason: &str,
    ) -> Result<()> {
        self.require(&[Role::Admin, Role::Coordinator])?;
        let her = self.load_participant(id)?;
        if !her.case_code.eq_ignore_ascii_case(typed_case_code.trim()) {
            return Err(Error::invalid(
                "caseCode",
                "her case code, typed to confirm",
            ));
        }
        self.participant_erase(id, reason)
    }

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

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use crate::sync::pages::{found, plaintext_pages};

    use crate::records::contacts::Note;
    use crate::records::participants::NewParticipant;
    use crate::records::record::RecordData;
    use crate::vault::{KdfChoice, LockReason, NewVault, VaultPaths};

    #[test]
    fn an_erased_womans_data_is_in_no_page_of_the_database_or_its_log() {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::new(dir.path().join("data"));
        let (mut vault, _) = crate::opening::create(
            &paths,
            NewVault {
                org_name: "Organización de prueba".into(),
                country: crate::Country::CO,
                admin_username: "coordinadora".into(),
                admin_display_name: "Coordinadora".into(),
                admin_password: SecretString::from("clave-de-prueba-1".to_string()),
            },
            KdfChoice::Minimum,
        )
        .unwrap();
        let key = *vault.master.expose();
        let her = vault
            .participant_add(NewParticipant {
                legal_name: "Zenaida Canariovich".into(),
                chosen_name: Some("Zeni Pajarovna".into()),
                birth_year: Some(1985),
                department: None,
                assign_to: None,
            })
            .unwrap();
        vault
            .record_save(
                &her.id,
                None,
                RecordData::Note(Note {
                    date: "2026-11-30".into(),
                    text: "Visita: habló de Florindo Tenebroso".into(),
                    sensitive: false,
                    contact_id: None,
                }),
            )
            .unwrap();
        let other = vault
            .participant_add(NewParticipant {
                legal_name: "Otra Mujer Presente".into(),
                chosen_name: None,
                birth_year: None,
                department: None,
                assign_to: None,
            })
            .unwrap();
        let canaries = [
            "Canariovich",
            "Pajarovna",
            "Florindo Tenebroso",
            "canariovich",
        ];
        // The pages can be read: before the erasure, her data is there.
        let before = plaintext_pages(&paths, &key);
        for canary in canaries {
            assert!(found(&before, canary) > 0, "{canary} before the erasure");
        }
        vault
            .participant_erase(&her.id, "a pedido de ella")
            .unwrap();
        let after = plaintext_pages(&paths, &key);
        for canary in canaries {
            assert_eq!(found(&after, canary), 0, "{canary} after the erasure");
        }
        assert!(found(&after, "Otra Mujer Presente") > 0, "the others stay");
        assert_eq!(
            std::fs::metadata(paths.db.with_extension("db-wal"))
                .map(|m| m.len())
                .unwrap_or(0),
            0,
            "the log was emptied into the database"
        );
        // She cannot be opened or recreated by a stale operation's id.
        assert!(vault.participant_show(&her.id).is_err());
        assert!(vault.participant_show(&other.id).is_ok());
        vault.lock(LockReason::Manual).unwrap();
    }
}
