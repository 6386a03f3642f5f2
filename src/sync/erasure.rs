//! A woman's right to be erased. Erasing her takes her off this laptop (visible rows, search
//! index, tasks and every operation about her) and leaves only an erasure marker on the
//! change log: an `erasure` record whose id is hers, with no field and no personal data,
//! written by whoever erased her. The marker is sent to every laptop whatever its scope, and
//! wins over every operation about her, older or newer: a laptop that receives it purges her,
//! and drops any operation about her that arrives later. She cannot be brought back.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::json;

use crate::audit::AuditAction;
use crate::changelog::{self, Change, OpKind};
use crate::compact;
use crate::error::{Error, Result};
use crate::records::participants;
use crate::records::rights::RightsRequestEntry;
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
    /// Erasures the batch carries. Both sets are asked about every operation of an import:
    /// hashed with foldhash.
    batch: foldhash::HashSet<String>,
    known: foldhash::HashMap<String, bool>,
}

impl<'a> Erasures<'a> {
    pub(crate) fn new(conn: &'a Connection) -> Result<Erasures<'a>> {
        Ok(Erasures {
            conn,
            code: changelog::name_code(conn, RECORD_TYPE)?,
            batch: foldhash::HashSet::default(),
            known: foldhash::HashMap::default(),
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

/// Whether one laptop has acknowledged an erasure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ErasureAcknowledgement {
    pub device_id: String,
    pub device_name: String,
    /// Who uses it (username).
    pub staff: Option<String>,
    pub acknowledged: bool,
}

/// A woman erased, as this laptop knows it: nothing about her but when, by whom, the
/// request's dates when the erasure answered one, and which laptops hold the erasure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ErasureEntry {
    /// Her id: the only trace of her (it names nothing).
    pub participant_id: String,
    /// When she was erased (RFC 3339, UTC).
    pub erased_at: String,
    /// Who erased her (username).
    pub erased_by: Option<String>,
    pub received_on: Option<String>,
    pub deadline: Option<String>,
    pub laptops: Vec<ErasureAcknowledgement>,
    /// Every laptop has acknowledged it.
    pub complete: bool,
}

/// The rights requests a coordinator follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RightsOverview {
    /// Open first, by deadline; then done, most recent first.
    pub requests: Vec<RightsRequestEntry>,
    /// Most recent first.
    pub erasures: Vec<ErasureEntry>,
}

impl Vault {
    /// Every request of the files on this laptop, and every erasure it knows, with which
    /// laptops have acknowledged it (coordinators and administrators).
    pub fn rights_list(&self) -> Result<RightsOverview> {
        Ok(RightsOverview {
            requests: self.rights_requests()?,
            erasures: self.erasures()?,
        })
    }

    /// Every erasure on this laptop's log, with which laptops have acknowledged it.
    fn erasures(&self) -> Result<Vec<ErasureEntry>> {
        let names = changelog::Names::load(&self.conn)?;
        let code = changelog::name_code(&self.conn, RECORD_TYPE)?;
        struct Marker {
            her: String,
            device: String,
            seq: i64,
            wall_ms: i64,
            author: String,
            value: Option<serde_json::Value>,
        }
        let markers: Vec<Marker> = self
            .conn
            .prepare(&format!(
                "SELECT record_id, device, seq, hlc, author, value FROM change_log
                 WHERE record_type = {code}"
            ))?
            .query_map([], |row| {
                Ok((
                    row.get::<_, Vec<u8>>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, i64>(4)?,
                    row.get::<_, Option<Vec<u8>>>(5)?,
                ))
            })?
            .map(|row| -> Result<Marker> {
                let (her, device, seq, hlc, author, value) = row?;
                Ok(Marker {
                    her: compact::id_text(&her)?,
                    device: names.name(device)?,
                    seq,
                    wall_ms: hlc >> 16,
                    author: names.name(author)?,
                    value: value
                        .map(|bytes| compact::decode_value(&bytes, None))
                        .transpose()?,
                })
            })
            .collect::<Result<_>>()?;
        // The laptops that should hold it: every registered laptop not revoked, and those
        // still waiting for their first file while their join file works.
        let now_text = crate::now_rfc3339();
        let laptops: Vec<(String, String, Option<String>)> = self
            .conn
            .prepare(
                "SELECT d.id, d.name, s.username FROM devices d LEFT JOIN staff s ON s.id = d.staff_id
                 WHERE d.revoked = 0 AND (d.age_recipient IS NOT NULL OR d.join_expires > ?1)
                 ORDER BY d.name",
            )?
            .query_map([&now_text], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut knows = self
            .conn
            .prepare_cached("SELECT last_seq FROM sync_peers WHERE peer = ?1 AND device = ?2")?;
        let mut usernames: HashMap<String, Option<String>> = HashMap::new();
        let mut entries = Vec::new();
        for marker in markers {
            let mut acknowledgements = Vec::new();
            for (device_id, device_name, staff) in &laptops {
                let acknowledged = *device_id == marker.device
                    || *device_id == self.device_id
                    || knows
                        .query_row(params![device_id, marker.device], |row| {
                            row.get::<_, i64>(0)
                        })
                        .map(|known| known >= marker.seq)
                        .or_else(|e| match e {
                            rusqlite::Error::QueryReturnedNoRows => Ok(false),
                            other => Err(other),
                        })?;
                acknowledgements.push(ErasureAcknowledgement {
                    device_id: device_id.clone(),
                    device_name: device_name.clone(),
                    staff: staff.clone(),
                    acknowledged,
                });
            }
            let erased_by = match usernames.get(&marker.author) {
                Some(name) => name.clone(),
                None => {
                    let name = crate::staff::by_id(&self.conn, &marker.author)
                        .ok()
                        .map(|member| member.username);
                    usernames.insert(marker.author.clone(), name.clone());
                    name
                }
            };
            let field = |name: &str| {
                marker
                    .value
                    .as_ref()
                    .and_then(|v| v.get(name))
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_string)
            };
            entries.push(ErasureEntry {
                participant_id: marker.her.clone(),
                erased_at: chrono::DateTime::from_timestamp_millis(marker.wall_ms)
                    .unwrap_or_default()
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                erased_by,
                received_on: field("receivedOn"),
                deadline: field("deadline"),
                complete: acknowledgements.iter().all(|a| a.acknowledged),
                laptops: acknowledgements,
            });
        }
        entries.sort_by(|a, b| b.erased_at.cmp(&a.erased_at));
        Ok(entries)
    }

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
        // When the erasure answers her request, the marker keeps the request's dates (and
        // nothing about her), so the list of erasures still shows it was answered in time.
        let marker = match crate::records::rights::open_erasure_request(&self.conn, id)? {
            Some(request) => {
                json!({ "receivedOn": request.received_on, "deadline": request.deadline })
            }
            None => json!({}),
        };
        let tx = self.conn.unchecked_transaction()?;
        changelog::record(
            &tx,
            self.writer(),
            Change {
                record_type: RECORD_TYPE,
                record_id: &participant.id,
                field: "",
                kind: OpKind::Create,
                value: Some(marker),
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
