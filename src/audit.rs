//! The audit log (bitácora): who did what, when, on which device. Append-only (triggers refuse
//! updates and deletions) and hash-chained: each entry's hash covers the previous hash and its
//! own fields, and the head of the chain is kept in `vault_meta`, so that editing, removing or
//! truncating entries is detected by [`verify`]. Entries hold ids and codes, never names or
//! free text.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    VaultCreated,
    SignedIn,
    SignInFailed,
    Locked,
    StaffAdded,
    StaffDisabled,
    PasswordChanged,
    PasswordReset,
    PasswordRecovered,
    SettingsChanged,
    ParticipantCreated,
    ParticipantViewed,
    ParticipantShared,
    ParticipantUnshared,
    ParticipantClosed,
    ParticipantReopened,
    SensitiveNoteViewed,
    DemoDataGenerated,
    ComplianceReportPrinted,
    ParticipantFilePrinted,
    IntakeFormPrinted,
    IntegrityChecked,
    SyncExported,
    SyncImported,
    SyncOperationsDropped,
    DeviceAdded,
    DeviceRegistered,
    DeviceRevoked,
    VaultJoined,
    ParticipantErased,
    VisitPrepared,
    VisitEnded,
    SummaryProduced,
    SummaryRevised,
    SummaryContributed,
    SummaryPooled,
    VaultRekeyed,
    PasswordConfirmFailed,
    BackupCreated,
    BackupRestored,
    HistoryViewed,
    BackupScheduleChanged,
}

impl AuditAction {
    /// The code stored in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::VaultCreated => "vault_created",
            AuditAction::SignedIn => "signed_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::Locked => "locked",
            AuditAction::StaffAdded => "staff_added",
            AuditAction::StaffDisabled => "staff_disabled",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::PasswordRecovered => "password_recovered",
            AuditAction::SettingsChanged => "settings_changed",
            AuditAction::ParticipantCreated => "participant_created",
            AuditAction::ParticipantViewed => "participant_viewed",
            AuditAction::ParticipantShared => "participant_shared",
            AuditAction::ParticipantUnshared => "participant_unshared",
            AuditAction::ParticipantClosed => "participant_closed",
            AuditAction::ParticipantReopened => "participant_reopened",
            AuditAction::SensitiveNoteViewed => "sensitive_note_viewed",
            AuditAction::DemoDataGenerated => "demo_data_generated",
            AuditAction::ComplianceReportPrinted => "compliance_report_printed",
            AuditAction::ParticipantFilePrinted => "participant_file_printed",
            AuditAction::IntakeFormPrinted => "intake_form_printed",
            AuditAction::IntegrityChecked => "integrity_checked",
            AuditAction::SyncExported => "sync_exported",
            AuditAction::SyncImported => "sync_imported",
            AuditAction::SyncOperationsDropped => "sync_operations_dropped",
            AuditAction::DeviceAdded => "device_added",
            AuditAction::DeviceRegistered => "device_registered",
            AuditAction::DeviceRevoked => "device_revoked",
            AuditAction::VaultJoined => "vault_joined",
            AuditAction::ParticipantErased => "participant_erased",
            AuditAction::VisitPrepared => "visit_prepared",
            AuditAction::VisitEnded => "visit_ended",
            AuditAction::SummaryProduced => "summary_produced",
            AuditAction::SummaryRevised => "summary_revised",
            AuditAction::SummaryContributed => "summary_contributed",
            AuditAction::SummaryPooled => "summary_pooled",
            AuditAction::VaultRekeyed => "vault_rekeyed",
            AuditAction::PasswordConfirmFailed => "password_confirm_failed",
            AuditAction::BackupCreated => "backup_created",
            AuditAction::BackupRestored => "backup_restored",
            AuditAction::HistoryViewed => "history_viewed",
            AuditAction::BackupScheduleChanged => "backup_schedule_changed",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        const ALL: [AuditAction; 42] = [
            AuditAction::VaultCreated,
            AuditAction::SignedIn,
            AuditAction::SignInFailed,
            AuditAction::Locked,
            AuditAction::StaffAdded,
            AuditAction::StaffDisabled,
            AuditAction::PasswordChanged,
            AuditAction::PasswordReset,
            AuditAction::PasswordRecovered,
            AuditAction::SettingsChanged,
            AuditAction::ParticipantCreated,
            AuditAction::ParticipantViewed,
            AuditAction::ParticipantShared,
            AuditAction::ParticipantUnshared,
            AuditAction::ParticipantClosed,
            AuditAction::ParticipantReopened,
            AuditAction::SensitiveNoteViewed,
            AuditAction::DemoDataGenerated,
            AuditAction::ComplianceReportPrinted,
            AuditAction::ParticipantFilePrinted,
            AuditAction::IntakeFormPrinted,
            AuditAction::IntegrityChecked,
            AuditAction::SyncExported,
            AuditAction::SyncImported,
            AuditAction::SyncOperationsDropped,
            AuditAction::DeviceAdded,
            AuditAction::DeviceRegistered,
            AuditAction::DeviceRevoked,
            AuditAction::VaultJoined,
            AuditAction::ParticipantErased,
            AuditAction::VisitPrepared,
            AuditAction::VisitEnded,
            AuditAction::SummaryProduced,
            AuditAction::SummaryRevised,
            AuditAction::SummaryContributed,
            AuditAction::SummaryPooled,
            AuditAction::VaultRekeyed,
            AuditAction::PasswordConfirmFailed,
            AuditAction::BackupCreated,
            AuditAction::BackupRestored,
            AuditAction::HistoryViewed,
            AuditAction::BackupScheduleChanged,
        ];
        ALL.into_iter().find(|action| action.as_str() == text)
    }
}

/// One entry as an administrator reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub seq: u32,
    pub at: String,
    /// Username of who did it, if anyone was signed in.
    pub actor: Option<String>,
    pub action: AuditAction,
    /// Username of the member of staff it was done to, if any.
    pub target: Option<String>,
    /// A code qualifying the action (e.g. `idle` for an automatic lock).
    pub detail: Option<String>,
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AuditVerification {
    pub ok: bool,
    pub entries: u32,
    /// The first entry that does not match the chain (or the missing one after the last).
    pub first_bad_seq: Option<u32>,
}

/// The fields one new entry carries.
pub(crate) struct NewEntry<'a> {
    pub device_id: &'a str,
    pub actor_id: Option<&'a str>,
    pub action: AuditAction,
    pub target_id: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub at: Option<&'a str>,
}

const GENESIS: [u8; 32] = [0u8; 32];

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev: &[u8],
    seq: i64,
    at: &str,
    device_id: &str,
    actor_id: Option<&str>,
    action: &str,
    target_id: Option<&str>,
    detail: Option<&str>,
) -> [u8; 32] {
    fn optional(value: Option<&str>) -> Vec<u8> {
        match value {
            None => vec![0],
            Some(text) => [&[1u8][..], text.as_bytes()].concat(),
        }
    }
    crate::crypto::sha256_parts(&[
        b"acompana/audit/v1",
        prev,
        &seq.to_be_bytes(),
        at.as_bytes(),
        device_id.as_bytes(),
        &optional(actor_id),
        action.as_bytes(),
        &optional(target_id),
        &optional(detail),
    ])
}

fn head(conn: &Connection) -> Result<(i64, Vec<u8>)> {
    let seq: Option<String> = conn
        .query_row(
            "SELECT value FROM vault_meta WHERE key = 'audit_head_seq'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    let hash: Option<String> = conn
        .query_row(
            "SELECT value FROM vault_meta WHERE key = 'audit_head_hash'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    match (seq, hash) {
        (None, None) => Ok((0, GENESIS.to_vec())),
        (Some(seq), Some(hash)) => Ok((
            seq.parse()
                .map_err(|_| Error::VaultCorrupt("bad audit head"))?,
            hex::decode(hash).map_err(|_| Error::VaultCorrupt("bad audit head"))?,
        )),
        _ => Err(Error::VaultCorrupt("bad audit head")),
    }
}

/// The chain's last entry (sequence and hash), as the key-slot file keeps it (see
/// [`verify_from_anchor`]).
pub(crate) fn anchor(conn: &Connection) -> Result<(i64, [u8; 32])> {
    let (seq, hash) = head(conn)?;
    let hash: [u8; 32] = hash
        .try_into()
        .map_err(|_| Error::VaultCorrupt("bad audit head"))?;
    if seq < 1 {
        return Err(Error::VaultCorrupt("the audit log is empty"));
    }
    Ok((seq, hash))
}

/// Where a walk of the chain stopped.
struct Walk {
    /// Entries read and found sound.
    entries: u32,
    /// The first sequence number that is wrong or missing, if any.
    first_bad: Option<i64>,
}

/// Walks the chain from the entry after `after_seq`, whose hash must be `after_hash`, to the
/// end, recomputing every hash, then compares the end with the recorded head.
fn walk(conn: &Connection, after_seq: i64, after_hash: &[u8]) -> Result<Walk> {
    let mut statement = conn.prepare(
        "SELECT seq, at, device_id, actor_id, action, target_id, detail, prev_hash, hash
         FROM audit_log WHERE seq > ?1 ORDER BY seq",
    )?;
    // From the start, every row is read, so that one planted at sequence 0 or below is found.
    let lowest = if after_seq == 0 { i64::MIN } else { after_seq };
    let mut rows = statement.query([lowest])?;
    let mut prev = after_hash.to_vec();
    let mut expected_seq = after_seq + 1;
    let mut entries = 0u32;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let stored_prev: Vec<u8> = row.get(7)?;
        let stored_hash: Vec<u8> = row.get(8)?;
        let recomputed = entry_hash(
            &prev,
            seq,
            &row.get::<_, String>(1)?,
            &row.get::<_, String>(2)?,
            row.get::<_, Option<String>>(3)?.as_deref(),
            &row.get::<_, String>(4)?,
            row.get::<_, Option<String>>(5)?.as_deref(),
            row.get::<_, Option<String>>(6)?.as_deref(),
        );
        if seq != expected_seq || stored_prev != prev || recomputed.as_slice() != stored_hash {
            return Ok(Walk {
                entries: entries + 1,
                first_bad: Some(expected_seq.min(seq)),
            });
        }
        prev = stored_hash;
        expected_seq += 1;
        entries += 1;
    }
    let (head_seq, head_hash) = head(conn)?;
    // Entries at the end were removed: the first missing one is bad.
    let cut = head_seq != expected_seq - 1 || head_hash != prev;
    Ok(Walk {
        entries,
        first_bad: cut.then_some(expected_seq),
    })
}

/// Whether the chain still holds the entry the key-slot file anchored, unchanged, and an
/// unbroken chain from it to the recorded head: a database put back from an older copy, or
/// whose tail was cut, fails. Reads only the entries written since the anchor.
pub(crate) fn verify_from_anchor(
    conn: &Connection,
    anchor_seq: i64,
    anchor_hash: &[u8; 32],
) -> Result<bool> {
    let stored: Option<Vec<u8>> = conn
        .query_row(
            "SELECT hash FROM audit_log WHERE seq = ?1",
            [anchor_seq],
            |row| row.get(0),
        )
        .optional()?;
    if stored.as_deref() != Some(anchor_hash.as_slice()) {
        return Ok(false);
    }
    Ok(walk(conn, anchor_seq, anchor_hash)?.first_bad.is_none())
}

/// Appends an entry; call inside the transaction of the change it records.
pub(crate) fn append(conn: &Connection, entry: NewEntry<'_>) -> Result<()> {
    let (last_seq, prev) = head(conn)?;
    let seq = last_seq + 1;
    let now = crate::now_rfc3339();
    let at = entry.at.unwrap_or(&now);
    let action = entry.action.as_str();
    let hash = entry_hash(
        &prev,
        seq,
        at,
        entry.device_id,
        entry.actor_id,
        action,
        entry.target_id,
        entry.detail,
    );
    conn.execute(
        "INSERT INTO audit_log (seq, at, device_id, actor_id, action, target_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, at, entry.device_id, entry.actor_id, action, entry.target_id, entry.detail, prev, hash.as_slice()],
    )?;
    conn.execute(
        "INSERT INTO vault_meta (key, value) VALUES ('audit_head_seq', ?1), ('audit_head_hash', ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![seq.to_string(), hex::encode(hash)],
    )?;
    Ok(())
}

/// A page of entries, newest first, with usernames for the staff ids.
pub(crate) fn list(conn: &Connection, offset: u32, limit: u32) -> Result<Vec<AuditEntry>> {
    let mut statement = conn.prepare(
        "SELECT a.seq, a.at, actor.username, a.action, target.username, a.detail
         FROM audit_log a
         LEFT JOIN staff actor ON actor.id = a.actor_id
         LEFT JOIN staff target ON target.id = a.target_id
         ORDER BY a.seq DESC LIMIT ?1 OFFSET ?2",
    )?;
    let rows = statement.query_map(params![limit.min(1000), offset], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, Option<String>>(4)?,
            row.get::<_, Option<String>>(5)?,
        ))
    })?;
    rows.map(|row| {
        let (seq, at, actor, action, target, detail) = row?;
        Ok(AuditEntry {
            seq: u32::try_from(seq).map_err(|_| Error::VaultCorrupt("bad audit sequence"))?,
            at,
            actor,
            action: AuditAction::parse(&action)
                .ok_or(Error::VaultCorrupt("unknown audit action"))?,
            target,
            detail,
        })
    })
    .collect()
}

/// Walks the whole chain and compares its end with the recorded head.
pub(crate) fn verify(conn: &Connection) -> Result<AuditVerification> {
    let walked = walk(conn, 0, &GENESIS)?;
    Ok(AuditVerification {
        ok: walked.first_bad.is_none(),
        entries: walked.entries,
        first_bad_seq: walked
            .first_bad
            .map(|seq| seq.clamp(0, u32::MAX as i64) as u32),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn_with_entries(n: usize) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrations::apply(&mut conn).unwrap();
        for i in 0..n {
            let detail = format!("d{i}");
            append(
                &conn,
                NewEntry {
                    device_id: "dev",
                    actor_id: None,
                    action: AuditAction::SignedIn,
                    target_id: None,
                    detail: Some(&detail),
                    at: None,
                },
            )
            .unwrap();
        }
        conn
    }

    fn unlock_triggers(conn: &Connection) {
        conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
            .unwrap();
    }

    #[test]
    fn intact_chain_verifies() {
        let conn = conn_with_entries(5);
        let result = verify(&conn).unwrap();
        assert_eq!(
            result,
            AuditVerification {
                ok: true,
                entries: 5,
                first_bad_seq: None
            }
        );
    }

    #[test]
    fn triggers_refuse_edits_and_deletions() {
        let conn = conn_with_entries(2);
        assert!(conn
            .execute("UPDATE audit_log SET detail = 'x' WHERE seq = 1", [])
            .is_err());
        assert!(conn
            .execute("DELETE FROM audit_log WHERE seq = 2", [])
            .is_err());
    }

    #[test]
    fn edited_entry_is_detected() {
        let conn = conn_with_entries(5);
        unlock_triggers(&conn);
        conn.execute("UPDATE audit_log SET detail = 'changed' WHERE seq = 3", [])
            .unwrap();
        let result = verify(&conn).unwrap();
        assert!(!result.ok);
        assert_eq!(result.first_bad_seq, Some(3));
    }

    #[test]
    fn removed_entry_in_the_middle_is_detected() {
        let conn = conn_with_entries(5);
        unlock_triggers(&conn);
        conn.execute("DELETE FROM audit_log WHERE seq = 2", [])
            .unwrap();
        let result = verify(&conn).unwrap();
        assert_eq!(result.first_bad_seq, Some(2));
    }

    #[test]
    fn truncated_tail_is_detected() {
        let conn = conn_with_entries(5);
        unlock_triggers(&conn);
        conn.execute("DELETE FROM audit_log WHERE seq >= 4", [])
            .unwrap();
        let result = verify(&conn).unwrap();
        assert!(!result.ok);
        assert_eq!(result.first_bad_seq, Some(4));
    }

    #[test]
    fn rewritten_chain_without_head_is_detected() {
        let conn = conn_with_entries(3);
        unlock_triggers(&conn);
        // Rewriting an entry and recomputing its own hash still breaks the next link.
        let prev: Vec<u8> = conn
            .query_row("SELECT prev_hash FROM audit_log WHERE seq = 2", [], |r| {
                r.get(0)
            })
            .unwrap();
        let forged = entry_hash(
            &prev,
            2,
            "2020-01-01T00:00:00Z",
            "dev",
            None,
            "signed_in",
            None,
            None,
        );
        conn.execute(
            "UPDATE audit_log SET at = '2020-01-01T00:00:00Z', detail = NULL, hash = ?1 WHERE seq = 2",
            [forged.as_slice()],
        )
        .unwrap();
        assert_eq!(verify(&conn).unwrap().first_bad_seq, Some(3));
    }
}
