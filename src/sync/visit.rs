//! Visit mode: before a prison visit, a laptop that holds every file prepares a package for
//! a caseworker's laptop: only the women she will see, for a few days. The package is on the
//! change log as one `visit` record per woman (`device`: the visiting laptop; `expires`;
//! `endedAt` once it is over), about her file, so it travels with her file and leaves with
//! her erasure.
//!
//! - While a visit for a laptop is in force (not ended, not expired), every file to that
//!   laptop from any other carries only the package's files; the rest of her files are
//!   withdrawn from it for the visit.
//! - On the visiting laptop, the visit ends when it expires, when its work has been synced
//!   back (a laptop that holds every file has confirmed every operation it wrote since the
//!   package arrived, and it wrote at least one), or when another package replaces it. It
//!   then purges the package's files (visible rows, records, tasks, search entry,
//!   operations; its own operations no laptop holding every file has confirmed stay until one
//!   has), writes `endedAt` on the visit records, and audits it.
//! - A laptop that reads `endedAt` from the visiting laptop forgets it sent those files to it,
//!   so the next file to it carries every file its colleague may see whole again.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{json, Value};

use super::import::ChangedFile;
use crate::audit::AuditAction;
use crate::changelog::{self, Change, OpKind};
use crate::error::{Error, Result};
use crate::records::participants;
use crate::staff::Role;
use crate::vault::Vault;

/// The record type on the change log.
pub const RECORD_TYPE: &str = "visit";

/// How long a package lasts unless said otherwise, and at most.
pub const DEFAULT_DAYS: u32 = 7;
pub const MAX_DAYS: u32 = 30;

/// At most this many women in one package.
pub const MAX_FILES: usize = 200;

/// A visit record as `visits` keeps it: id, her file, expiry (ms), end, arrival seq.
type VisitRow = (String, String, i64, Option<String>, Option<i64>);

/// This laptop in visit mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VisitMode {
    /// When the package's files leave this laptop (RFC 3339, UTC).
    pub expires: String,
    pub files: Vec<ChangedFile>,
}

/// A woman who may go in a visit package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VisitCandidate {
    pub id: String,
    pub case_code: String,
    pub chosen_name: Option<String>,
    /// The prison she is in (her open stay), if any.
    pub facility: Option<String>,
}

/// Why a visit ended on this laptop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum VisitEndReason {
    Expired,
    SyncedBack,
    Replaced,
}

/// A visit that ended here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VisitEnded {
    pub reason: VisitEndReason,
    /// Files taken off this laptop.
    pub files_purged: u32,
}

fn ms_of(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis())
}

fn text_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// This laptop's device id, as its keys name it.
fn this_device(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT device_id FROM device_keys LIMIT 1", [], |row| {
            row.get(0)
        })
        .optional()?)
}

/// Writes one visit record's row as its history states it.
pub(crate) fn write_folded(
    conn: &Connection,
    id: &str,
    state: &changelog::RecordState,
) -> Result<()> {
    let text = |name: &str| {
        state
            .fields
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let (Some(her), Some(device), Some(expires)) = (
        text("participantId"),
        text("device"),
        text("expires").as_deref().and_then(ms_of),
    ) else {
        return Ok(());
    };
    let ended = text("endedAt");
    let mine = this_device(conn)?.filter(|me| *me == device);
    let known: Option<Option<String>> = conn
        .prepare_cached("SELECT ended_at FROM visits WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()?;
    match known {
        Some(_) => {
            conn.prepare_cached("UPDATE visits SET ended_at = ?2, expires_ms = ?3 WHERE id = ?1")?
                .execute(params![id, ended, expires])?;
        }
        None => {
            // The visiting laptop notes how far its own operations went when the package
            // arrived: what it writes after is the visit's work. A visit that arrives already
            // over (her file sent whole again after it) leaves nothing to do here.
            let arrival = match &mine {
                Some(me) => Some(changelog::last_seq(conn, me)? as i64),
                None => None,
            };
            let done = mine.is_some() && ended.is_some();
            conn.prepare_cached(
                "INSERT INTO visits (id, participant_id, device, expires_ms, ended_at, arrival_seq, done)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![id, her, device, expires, ended, arrival, done])?;
        }
    }
    Ok(())
}

/// The files of the visit in force for `device` at `now`, if one is.
pub(crate) fn package_of(conn: &Connection, device: &str, now: i64) -> Result<Option<Vec<String>>> {
    let files: Vec<String> = conn
        .prepare_cached(
            "SELECT DISTINCT participant_id FROM visits
             WHERE device = ?1 AND ended_at IS NULL AND done = 0 AND expires_ms > ?2",
        )?
        .query_map(params![device, now], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((!files.is_empty()).then_some(files))
}

/// Before writing a file to `device`: once its visits are over (ended there) and none is in
/// force, this laptop forgets it sent it their files (the visiting laptop purged them), so
/// that they go whole again if its colleague may see them.
pub(crate) fn settle_for(conn: &Connection, device: &str, now: i64) -> Result<()> {
    if package_of(conn, device, now)?.is_some() {
        return Ok(());
    }
    let ended: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT id, participant_id FROM visits
             WHERE device = ?1 AND ended_at IS NOT NULL AND done = 0",
        )?
        .query_map([device], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, her) in ended {
        conn.execute(
            "DELETE FROM sync_sent WHERE peer = ?1 AND participant_id = ?2",
            params![device, her],
        )?;
        conn.execute("UPDATE visits SET done = 1 WHERE id = ?1", [&id])?;
    }
    Ok(())
}

impl Vault {
    /// Checks a visit package before anything is written (or a file dialog opened): see
    /// [`Vault::visit_export`]. Returns the women's ids, each once.
    pub fn visit_precheck(&self, device: &str, ids: &[String], days: u32) -> Result<Vec<String>> {
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(Error::invalid("days", "1 to 30"));
        }
        let mut ids: Vec<String> = ids.iter().map(|id| id.trim().to_string()).collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() || ids.len() > MAX_FILES {
            return Err(Error::invalid("participantIds", "1 to 200 women"));
        }
        let this_staff =
            super::device::entry(&self.conn, &self.device_id)?.and_then(|e| e.staff_id);
        if !super::holds_every_file(&self.conn, this_staff.as_deref())? {
            return Err(Error::invalid(
                "device",
                "prepared on a laptop that holds every file",
            ));
        }
        let target = self
            .device_list()?
            .into_iter()
            .find(|d| d.id == device && !d.this_laptop && d.registered && !d.revoked)
            .ok_or(Error::invalid(
                "for",
                "a registered laptop of the organization",
            ))?;
        let target_staff = super::device::entry(&self.conn, &target.id)?.and_then(|e| e.staff_id);
        let Some(colleague) = target_staff else {
            return Err(Error::invalid("for", "a laptop someone uses"));
        };
        if super::holds_every_file(&self.conn, Some(&colleague))? {
            return Err(Error::invalid(
                "for",
                "a caseworker's laptop (a coordinator's holds every file)",
            ));
        }
        if self.me.role == Role::Caseworker && colleague != self.me.id {
            return Err(Error::Forbidden);
        }
        for her in &ids {
            self.load_participant(her)?;
            if !super::import::colleague_may_see(&self.conn, &colleague, her)? {
                return Err(Error::invalid(
                    "participantIds",
                    "a woman whose file is not assigned or shared to the laptop's colleague",
                ));
            }
        }
        Ok(ids)
    }

    /// The women a package for `device` may hold: the open files its colleague may see,
    /// by case code, each with the prison she is in when a stay is open (to pick "everyone
    /// I will see in that prison").
    pub fn visit_candidates(&self, device: &str) -> Result<Vec<VisitCandidate>> {
        let colleague = super::device::entry(&self.conn, device)?
            .and_then(|e| e.staff_id)
            .ok_or(Error::NotFound)?;
        if self.me.role == Role::Caseworker && colleague != self.me.id {
            return Err(Error::Forbidden);
        }
        let ids: Vec<String> = self
            .conn
            .prepare(
                "SELECT p.id FROM participants p WHERE p.deleted = 0 AND p.status = 'open'
                 AND (p.assigned_to = ?1 OR EXISTS (SELECT 1 FROM participant_access a
                      WHERE a.participant_id = p.id AND a.staff_id = ?1))
                 ORDER BY p.case_code",
            )?
            .query_map([&colleague], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut found = Vec::new();
        for id in ids {
            let Ok(her) = self.load_participant(&id) else {
                continue;
            };
            let facility = crate::records::record::load_records(&self.conn, &id)?
                .into_iter()
                .filter_map(|r| match r.data {
                    crate::records::record::RecordData::PrisonStay(stay)
                        if stay.left_on.is_none() =>
                    {
                        Some((stay.entered_on, stay.facility))
                    }
                    _ => None,
                })
                .max()
                .map(|(_, facility)| facility);
            found.push(VisitCandidate {
                id,
                case_code: her.case_code,
                chosen_name: her.chosen_name,
                facility,
            });
        }
        Ok(found)
    }

    /// Prepares a visit package: writes the visit records for the women `ids` on the laptop
    /// `device` (a caseworker's laptop; its colleague must be able to see each of them),
    /// ending the visit in force for it if any, then writes the file for it to `to`. Only a
    /// laptop that holds every file can prepare one; a caseworker prepares one only for her
    /// own laptop.
    pub fn visit_export(
        &mut self,
        device: &str,
        ids: &[String],
        days: u32,
        to: &std::path::Path,
    ) -> Result<super::ExportedFile> {
        let ids = self.visit_precheck(device, ids, days)?;
        let now = now_ms();
        let expires = text_of(now + i64::from(days) * 86_400_000);
        let tx = self.conn.unchecked_transaction()?;
        // A new package replaces the one in force.
        let in_force: Vec<(String, String)> = tx
            .prepare(
                "SELECT id, participant_id FROM visits WHERE device = ?1 AND ended_at IS NULL",
            )?
            .query_map([device], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let ended_at = crate::now_rfc3339();
        for (id, her) in &in_force {
            changelog::record(
                &tx,
                self.writer(),
                Change {
                    record_type: RECORD_TYPE,
                    record_id: id,
                    field: "endedAt",
                    kind: OpKind::Set,
                    value: Some(json!(ended_at)),
                    participant_id: Some(her),
                },
            )?;
            tx.execute(
                "UPDATE visits SET ended_at = ?2 WHERE id = ?1",
                params![id, ended_at],
            )?;
        }
        for her in &ids {
            let id = uuid::Uuid::now_v7().to_string();
            let value = json!({
                "participantId": her,
                "device": device,
                "expires": expires,
            });
            changelog::record(
                &tx,
                self.writer(),
                Change {
                    record_type: RECORD_TYPE,
                    record_id: &id,
                    field: "",
                    kind: OpKind::Create,
                    value: Some(value.clone()),
                    participant_id: Some(her),
                },
            )?;
            tx.execute(
                "INSERT INTO visits (id, participant_id, device, expires_ms, ended_at)
                 VALUES (?1, ?2, ?3, ?4, NULL)",
                params![id, her, device, now + i64::from(days) * 86_400_000],
            )?;
        }
        self.audit_in(
            &tx,
            AuditAction::VisitPrepared,
            None,
            Some(&json!({ "device": device, "files": ids.len(), "expires": expires }).to_string()),
        )?;
        tx.commit()?;
        let mut written = self.sync_export(to, &[device.to_string()], false)?;
        written
            .pop()
            .ok_or(Error::Internal("no file written for the visit".into()))
    }

    /// This laptop in visit mode, if it is (after ending a visit that is over: see
    /// [`Vault::visit_check`]).
    pub fn visit_status(&mut self, now: i64) -> Result<Option<VisitMode>> {
        self.visit_check(now)?;
        let me = self.device_id.clone();
        let rows: Vec<(String, i64)> = self
            .conn
            .prepare(
                "SELECT participant_id, expires_ms FROM visits
                 WHERE device = ?1 AND ended_at IS NULL AND done = 0 AND expires_ms > ?2",
            )?
            .query_map(params![me, now], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if rows.is_empty() {
            return Ok(None);
        }
        let expires = rows.iter().map(|(_, e)| *e).min().unwrap_or(now);
        let mut files = Vec::new();
        for (her, _) in &rows {
            let found: Option<(String, Option<String>)> = self
                .conn
                .prepare_cached("SELECT case_code, chosen_name FROM participants WHERE id = ?1")?
                .query_row([her], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            if let Some((case_code, chosen_name)) = found {
                if !files.iter().any(|f: &ChangedFile| &f.id == her) {
                    files.push(ChangedFile {
                        id: her.clone(),
                        case_code,
                        chosen_name,
                    });
                }
            }
        }
        files.sort_by(|a, b| a.case_code.cmp(&b.case_code));
        Ok(Some(VisitMode {
            expires: text_of(expires),
            files,
        }))
    }

    /// Ends, on the visiting laptop, the visits that are over at `now` (expired, synced
    /// back, or replaced by another package), purging their files. Runs at sign-in, after
    /// every import and whenever the app asks for the visit's state.
    pub fn visit_check(&mut self, now: i64) -> Result<Option<VisitEnded>> {
        let me = self.device_id.clone();
        let rows: Vec<VisitRow> = self
            .conn
            .prepare(
                "SELECT id, participant_id, expires_ms, ended_at, arrival_seq FROM visits
                 WHERE device = ?1 AND done = 0",
            )?
            .query_map([&me], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        if rows.is_empty() {
            return Ok(None);
        }
        let own_last = changelog::last_seq(&self.conn, &me)?;
        let confirmed = super::import::confirmed_by_a_whole_holder(&self.conn, &me)?;
        let arrived = rows
            .iter()
            .filter_map(|r| r.4)
            .min()
            .unwrap_or(own_last as i64);
        let synced_back = own_last as i64 > arrived && confirmed >= own_last;
        let mut reason = None;
        let mut over: Vec<(String, String, bool)> = Vec::new();
        let mut staying: Vec<String> = Vec::new();
        for (id, her, expires, ended_at, _) in &rows {
            let why = if ended_at.is_some() {
                Some(VisitEndReason::Replaced)
            } else if *expires <= now {
                Some(VisitEndReason::Expired)
            } else if synced_back {
                Some(VisitEndReason::SyncedBack)
            } else {
                None
            };
            match why {
                Some(why) => {
                    // The reason told is the visit's own: expiry or sync back over a
                    // replacement's leftovers.
                    if reason.is_none() || why != VisitEndReason::Replaced {
                        reason = Some(why);
                    }
                    over.push((id.clone(), her.clone(), ended_at.is_none()));
                }
                None => staying.push(her.clone()),
            }
        }
        let Some(reason) = reason else {
            return Ok(None);
        };
        let own = changelog::name_code(&self.conn, &me)?;
        let ended_at = crate::now_rfc3339();
        let tx = self.conn.unchecked_transaction()?;
        let mut purged = std::collections::BTreeSet::new();
        for (id, her, write_end) in &over {
            if *write_end {
                changelog::record(
                    &tx,
                    self.writer(),
                    Change {
                        record_type: RECORD_TYPE,
                        record_id: id,
                        field: "endedAt",
                        kind: OpKind::Set,
                        value: Some(json!(ended_at)),
                        participant_id: Some(her),
                    },
                )?;
            }
            tx.execute(
                "UPDATE visits SET done = 1, ended_at = COALESCE(ended_at, ?2) WHERE id = ?1",
                params![id, ended_at],
            )?;
            if staying.contains(her) || purged.contains(her) {
                continue;
            }
            let held: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM participants WHERE id = ?1)",
                [her],
                |row| row.get(0),
            )?;
            if held {
                // Her own operations no laptop holding every file has confirmed stay (the
                // end just written among them), so they are still sent.
                let confirmed = super::import::confirmed_by_a_whole_holder(&tx, &me)?;
                participants::purge_keeping(&tx, her, Some((own, confirmed)))?;
                tx.execute(
                    "INSERT OR IGNORE INTO sync_unsent (participant_id) VALUES (?1)",
                    [her],
                )?;
                purged.insert(her.clone());
            }
        }
        let ended = VisitEnded {
            reason,
            files_purged: purged.len() as u32,
        };
        self.audit_in(
            &tx,
            AuditAction::VisitEnded,
            None,
            Some(&json!({ "reason": reason, "files": ended.files_purged }).to_string()),
        )?;
        tx.commit()?;
        if !purged.is_empty() {
            super::erasure::scrub(&self.conn)?;
        }
        Ok(Some(ended))
    }
}
