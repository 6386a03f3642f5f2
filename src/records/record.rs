//! A record of a woman's file: the typed value ([`RecordData`]) and its ids, and the readers
//! of a file (its records, one record, its history). A record is stored once: its row points
//! at the operation that states it and keeps its own copy of its fields only after an edit
//! (`docs/storage.md`). Writing is [`crate::records::case_file`]'s.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::audit::AuditAction;
use crate::changelog::{self, OpKind, Operation};
use crate::compact;
use crate::error::{Error, Result};
use crate::records::community_service::{ComplianceReport, ServiceHours, ServicePlan};
use crate::records::consent::Consent;
use crate::records::contacts::{Contact, Note};
use crate::records::documents::Document;
use crate::records::household::{Dependant, Household};
use crate::records::housing::Housing;
use crate::records::legal::{LegalApplication, LegalStatusChange, PrisonStay, Proceeding};
use crate::records::needs::{AssessmentPhase, NeedsAssessment};
use crate::records::participants::Participant;
use crate::records::referrals::Referral;
use crate::records::tasks::Task;
use crate::staff;
use crate::vault::Vault;

/// A needs assessment's statuses, kept on the log as one field per category.
const NEEDS_STATUSES: &str = "statuses";

pub use crate::compact::PARTICIPANT_FIELD;

/// The id of her household record, the same on every laptop.
pub fn household_id(participant_id: &str) -> String {
    compact::derived_id(&format!("{participant_id}/household"))
}

/// The id of one of her documents (or a dependant's), the same on every laptop.
pub fn document_id(
    participant_id: &str,
    dependant_id: Option<&str>,
    document_type: &str,
) -> String {
    compact::derived_id(&format!(
        "{participant_id}/document/{}/{document_type}",
        dependant_id.unwrap_or("self")
    ))
}

/// The id of her needs assessment of one phase, the same on every laptop.
pub fn needs_id(participant_id: &str, phase: AssessmentPhase) -> String {
    compact::derived_id(&format!("{participant_id}/needs/{}", phase.as_str()))
}

/// One record of a file, tagged by its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordData {
    Consent(Consent),
    Household(Household),
    Dependant(Dependant),
    Housing(Housing),
    Document(Document),
    Needs(NeedsAssessment),
    Contact(Contact),
    Note(Note),
    Proceeding(Proceeding),
    LegalStatus(LegalStatusChange),
    PrisonStay(PrisonStay),
    LegalApplication(LegalApplication),
    ServicePlan(ServicePlan),
    ServiceHours(ServiceHours),
    ComplianceReport(ComplianceReport),
    Referral(Referral),
    Task(Task),
    RightsRequest(crate::records::rights::RightsRequest),
}

impl RecordData {
    /// The record type in the change log.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordData::Consent(_) => "consent",
            RecordData::Household(_) => "household",
            RecordData::Dependant(_) => "dependant",
            RecordData::Housing(_) => "housing",
            RecordData::Document(_) => "document",
            RecordData::Needs(_) => "needs",
            RecordData::Contact(_) => "contact",
            RecordData::Note(_) => "note",
            RecordData::Proceeding(_) => "proceeding",
            RecordData::LegalStatus(_) => "legal_status",
            RecordData::PrisonStay(_) => "prison_stay",
            RecordData::LegalApplication(_) => "legal_application",
            RecordData::ServicePlan(_) => "service_plan",
            RecordData::ServiceHours(_) => "service_hours",
            RecordData::ComplianceReport(_) => "compliance_report",
            RecordData::Referral(_) => "referral",
            RecordData::Task(_) => "task",
            RecordData::RightsRequest(_) => "rights_request",
        }
    }

    /// Contacts, notes and the hours log are add-only: each entry is one `append` operation,
    /// so two laptops never conflict over them.
    pub fn add_only(&self) -> bool {
        matches!(
            self,
            RecordData::Contact(_) | RecordData::Note(_) | RecordData::ServiceHours(_)
        )
    }

    /// Add-only entries that a correction replaces (a tombstone for the old entry and a new
    /// entry), rather than refusing the edit: a wrong day in the hours log must be fixable.
    pub(crate) fn replaced_when_corrected(&self) -> bool {
        matches!(self, RecordData::ServiceHours(_))
    }

    /// Records of which a file has at most one (per document and person, per phase) get an id
    /// derived from what they are, so two laptops creating "the same" record write to the
    /// same record and their edits merge field by field.
    pub(crate) fn natural_id(&self, participant_id: &str) -> Option<String> {
        match self {
            RecordData::Household(_) => Some(household_id(participant_id)),
            RecordData::Document(d) => Some(document_id(
                participant_id,
                d.dependant_id.as_deref(),
                &d.document_type,
            )),
            RecordData::Needs(n) => Some(needs_id(participant_id, n.phase)),
            RecordData::Task(Task {
                generated_key: Some(key),
                ..
            }) => Some(compact::derived_id(&format!("{participant_id}/task/{key}"))),
            _ => None,
        }
    }

    /// The fields as a JSON object, without the kind: the log's fields. A needs assessment's
    /// statuses are one field per category (`statuses.housing`), so two laptops assessing
    /// different needs of the same phase never collide.
    pub(crate) fn fields(&self) -> Result<Map<String, Value>> {
        match serde_json::to_value(self)? {
            Value::Object(mut map) => {
                map.remove("kind");
                if let (RecordData::Needs(_), Some(Value::Object(statuses))) =
                    (self, map.remove(NEEDS_STATUSES))
                {
                    for (category, status) in statuses {
                        map.insert(format!("{NEEDS_STATUSES}.{category}"), status);
                    }
                }
                Ok(map)
            }
            _ => Err(Error::Internal("a record is not an object".into())),
        }
    }

    pub(crate) fn from_fields(kind: &str, mut map: Map<String, Value>) -> Result<RecordData> {
        if kind == "needs" {
            // Written one field per category (or, before that, as one object).
            let prefix = format!("{NEEDS_STATUSES}.");
            let per_category: Vec<String> = map
                .keys()
                .filter(|key| key.starts_with(&prefix))
                .cloned()
                .collect();
            let mut statuses = match map.remove(NEEDS_STATUSES) {
                Some(Value::Object(whole)) => whole,
                _ => Map::new(),
            };
            for key in per_category {
                if let Some(status) = map.remove(&key).filter(|s| !s.is_null()) {
                    statuses.insert(key[prefix.len()..].to_string(), status);
                }
            }
            map.insert(NEEDS_STATUSES.into(), Value::Object(statuses));
        }
        map.insert("kind".into(), json!(kind));
        serde_json::from_value(Value::Object(map))
            .map_err(|_| Error::VaultCorrupt("bad record in the database"))
    }
}

/// A record of a file, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CaseRecord {
    pub id: String,
    pub participant_id: String,
    pub data: RecordData,
    pub created_at: String,
    /// Username of the author.
    pub created_by: Option<String>,
    /// A sensitive note whose text is hidden until asked for.
    pub masked: bool,
}

/// A woman's whole file: her details and every record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ParticipantFile {
    pub participant: Participant,
    pub records: Vec<CaseRecord>,
}

/// One line of a file's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub op_id: String,
    /// When, from the operation's clock (RFC 3339, UTC).
    pub at: String,
    /// Display name of the author.
    pub author: Option<String>,
    pub record_type: String,
    pub record_id: String,
    pub field: String,
    pub kind: String,
    /// The new value as JSON text; none for sensitive notes, and for her legal name and
    /// sensitive details unless they were asked for.
    pub value: Option<String>,
    /// Whether a value (or part of it) was held back as reserved.
    pub masked: bool,
}

/// Her details that the file shows only on "Mostrar datos reservados", and the history too.
pub const RESERVED_FIELDS: [&str; 4] = ["legalName", "genderIdentity", "ethnicity", "safeContact"];

/// Names the members of staff a record refers to by username, as the interfaces show them
/// (the record stores ids; records written before name them by username already).
fn present_staff(conn: &Connection, data: &mut RecordData) -> Result<()> {
    let username = |named: &mut String| -> Result<()> {
        if let Ok(member) = staff::by_id(conn, named) {
            *named = member.username;
        }
        Ok(())
    };
    match data {
        RecordData::Consent(c) => username(&mut c.collected_by)?,
        RecordData::Contact(c) => {
            for member in &mut c.team {
                username(member)?;
            }
        }
        RecordData::Task(Task {
            assigned_to: Some(user),
            ..
        }) => username(user)?,
        RecordData::RightsRequest(crate::records::rights::RightsRequest {
            done_by: Some(who),
            ..
        }) => username(who)?,
        _ => {}
    }
    Ok(())
}

/// A record as stored: its fields are its own (`data`) once edited, and until then those of
/// the operation that created it, so a record's body is stored once.
pub(crate) struct StoredRecord {
    pub id: String,
    pub kind: String,
    pub fields: Map<String, Value>,
    pub created_at: String,
    /// Username of the author.
    pub created_by: Option<String>,
    pub deleted: bool,
}

impl StoredRecord {
    pub(crate) fn data(&self) -> Result<RecordData> {
        RecordData::from_fields(&self.kind, self.fields.clone())
    }
}

/// A record's body where it has none of its own: its origin operation's value (`l.value`),
/// found by its position in the log.
pub(crate) const ORIGIN: &str = "LEFT JOIN change_log l
                ON r.data IS NULL AND l.position = (r.origin_device << 40) + r.origin_seq";

/// A file's records (or one, or one kind), oldest first.
pub(crate) fn stored_records(
    conn: &Connection,
    participant_id: &str,
    id: Option<&str>,
    kind: Option<&str>,
    with_deleted: bool,
) -> Result<Vec<StoredRecord>> {
    // One statement per shape: a parameter that may be NULL makes SQLite prepare the
    // statement again on every run.
    let mut conditions = String::from("r.participant_id = ?1");
    let mut args: Vec<rusqlite::types::Value> =
        vec![compact::id_bytes(participant_id).to_vec().into()];
    if let Some(id) = id {
        args.push(compact::id_bytes(id).to_vec().into());
        conditions.push_str(&format!(" AND r.id = ?{}", args.len()));
    }
    if let Some(kind) = kind {
        args.push(changelog::name_code(conn, kind)?.into());
        conditions.push_str(&format!(" AND r.kind = ?{}", args.len()));
    }
    if !with_deleted {
        conditions.push_str(" AND r.deleted = 0");
    }
    let mut statement = conn.prepare_cached(&format!(
        "SELECT r.id, r.kind, r.data, l.value, r.created_at, s.username, r.deleted
         FROM case_records r
         {ORIGIN}
         LEFT JOIN log_names n ON n.code = r.created_by
         LEFT JOIN staff s ON s.id = n.name
         WHERE {conditions}"
    ))?;
    type Row = (
        Vec<u8>,
        i64,
        Option<Vec<u8>>,
        Option<Vec<u8>>,
        i64,
        Option<String>,
        bool,
    );
    let rows: Vec<Row> = statement
        .query_map(rusqlite::params_from_iter(args), |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    drop(statement);
    let names = changelog::Names::load(conn)?;
    // Oldest first (sorted here: a sort in SQL allocates, and each of SQLite's allocations is
    // locked in memory and wiped).
    let mut rows = rows;
    rows.sort_by(|a, b| (a.4, &a.0).cmp(&(b.4, &b.0)));
    rows.into_iter()
        .map(
            |(id, kind, data, origin, created_at, created_by, deleted)| {
                let bad = || Error::VaultCorrupt("bad record in the database");
                let fields = match (data, origin) {
                    (Some(own), _) => compact::decode_value(&own, None)?,
                    (None, Some(created)) => {
                        let mut value = compact::decode_value(&created, Some(participant_id))?;
                        if let Value::Object(map) = &mut value {
                            map.remove(PARTICIPANT_FIELD);
                        }
                        value
                    }
                    (None, None) => return Err(bad()),
                };
                let Value::Object(fields) = fields else {
                    return Err(bad());
                };
                Ok(StoredRecord {
                    id: compact::id_text(&id)?,
                    kind: names.name(kind)?,
                    fields,
                    created_at: created_at_text(created_at)?,
                    created_by,
                    deleted,
                })
            },
        )
        .collect()
}

/// A record's creation time as read back: RFC 3339, to the second, UTC.
pub(crate) fn created_at_text(seconds: i64) -> Result<String> {
    Ok(chrono::DateTime::from_timestamp(seconds, 0)
        .ok_or(Error::VaultCorrupt("bad record in the database"))?
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// A record as the vault stores it, deleted ones included: what rebuilding from the log must
/// give back (tests compare the two).
#[derive(Debug, Clone, PartialEq)]
pub struct VisibleRecord {
    pub id: String,
    pub participant_id: String,
    pub kind: String,
    /// Its fields as stored: empty ones are absent.
    pub fields: Map<String, Value>,
    pub deleted: bool,
}

impl VisibleRecord {
    /// The typed record.
    pub fn data(&self) -> Result<RecordData> {
        RecordData::from_fields(&self.kind, self.fields.clone())
    }
}

/// Every stored record of one file, or of every file.
pub fn visible_records(
    conn: &Connection,
    participant_id: Option<&str>,
) -> Result<Vec<VisibleRecord>> {
    let owners: Vec<String> = match participant_id {
        Some(id) => vec![id.to_string()],
        None => {
            let mut statement = conn.prepare("SELECT DISTINCT participant_id FROM case_records")?;
            let ids: Vec<Vec<u8>> = statement
                .query_map([], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            ids.iter()
                .map(|id| compact::id_text(id))
                .collect::<Result<_>>()?
        }
    };
    let mut records = Vec::new();
    for owner in owners {
        for found in stored_records(conn, &owner, None, None, true)? {
            records.push(VisibleRecord {
                id: found.id,
                participant_id: owner.clone(),
                kind: found.kind,
                fields: found.fields,
                deleted: found.deleted,
            });
        }
    }
    Ok(records)
}

pub(crate) fn stored(
    conn: &Connection,
    participant_id: &str,
    id: &str,
) -> Result<Option<StoredRecord>> {
    Ok(stored_records(conn, participant_id, Some(id), None, true)?.pop())
}

impl changelog::Batch {
    /// A record the batch kept, as [`stored_records`] reads it.
    pub(crate) fn as_stored(&self, record: &changelog::BatchRecord) -> StoredRecord {
        StoredRecord {
            id: record.id.clone(),
            kind: record.kind.clone(),
            fields: record.fields.clone(),
            created_at: record.created_at_text.clone(),
            created_by: Some(self.author_name().to_string()),
            deleted: record.deleted,
        }
    }

    /// One record of a file created in this batch, deleted or not, as [`stored`] reads it
    /// (`None` for any other file: ask the database).
    pub(crate) fn stored(&self, participant_id: &str, id: &str) -> Option<Option<StoredRecord>> {
        let id = compact::id_text(&compact::id_bytes(id)).ok()?;
        self.read_file(participant_id, |records| {
            records
                .iter()
                .find(|r| r.id == id)
                .map(|r| self.as_stored(r))
        })
    }

    /// The live records of `kind` in a file created in this batch, oldest first.
    pub(crate) fn stored_of_kind(
        &self,
        participant_id: &str,
        kind: &str,
    ) -> Option<Vec<StoredRecord>> {
        self.read_file(participant_id, |records| {
            records
                .iter()
                .filter(|r| !r.deleted && r.kind == kind)
                .map(|r| self.as_stored(r))
                .collect()
        })
    }
}

/// A file's records as the interfaces show them: members of staff named by username.
pub(crate) fn load_records(conn: &Connection, participant_id: &str) -> Result<Vec<CaseRecord>> {
    load_where(conn, participant_id, None, true)
}

/// A file's records as stored, members of staff named by id: for what the write path derives
/// from them (tasks, counts), which names staff by id too.
pub(crate) fn load_records_as_stored(
    conn: &Connection,
    participant_id: &str,
) -> Result<Vec<CaseRecord>> {
    load_where(conn, participant_id, None, false)
}

/// One record of a file, or `NotFound`.
pub(crate) fn load_record(
    conn: &Connection,
    participant_id: &str,
    record_id: &str,
) -> Result<CaseRecord> {
    load_where(conn, participant_id, Some(record_id), true)?
        .pop()
        .ok_or(Error::NotFound)
}

/// A file's records as [`load_records_as_stored`] reads them, from the rows their writer
/// knows (`stored`, deleted ones included).
pub(crate) fn records_from_stored(
    conn: &Connection,
    participant_id: &str,
    stored: Vec<StoredRecord>,
) -> Result<Vec<CaseRecord>> {
    let mut live: Vec<(String, [u8; 16], StoredRecord)> = stored
        .into_iter()
        .filter(|found| !found.deleted)
        .map(|found| {
            (
                found.created_at.clone(),
                compact::id_bytes(&found.id),
                found,
            )
        })
        .collect();
    // In the order stored_records gives: oldest first, then by stored id.
    live.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    live.into_iter()
        .map(|(_, _, found)| case_record(conn, participant_id, found, false))
        .collect()
}

fn load_where(
    conn: &Connection,
    participant_id: &str,
    record_id: Option<&str>,
    present: bool,
) -> Result<Vec<CaseRecord>> {
    stored_records(conn, participant_id, record_id, None, false)?
        .into_iter()
        .map(|found| case_record(conn, participant_id, found, present))
        .collect()
}

fn case_record(
    conn: &Connection,
    participant_id: &str,
    found: StoredRecord,
    present: bool,
) -> Result<CaseRecord> {
    let data = RecordData::from_fields(&found.kind, found.fields)?;
    let shown = CaseRecord {
        id: found.id,
        participant_id: participant_id.to_string(),
        data,
        created_at: found.created_at,
        created_by: found.created_by,
        masked: false,
    };
    as_shown(conn, shown, present)
}

/// A record ready to show: members of staff named by username when `present`, and a
/// sensitive note's text masked.
fn as_shown(conn: &Connection, mut record: CaseRecord, present: bool) -> Result<CaseRecord> {
    if present {
        present_staff(conn, &mut record.data)?;
    }
    if let RecordData::Note(note) = &mut record.data {
        if note.sensitive {
            note.text = String::new();
            record.masked = true;
        }
    }
    Ok(record)
}

/// The records of a file created in the demo generator's `batch`, exactly as
/// [`load_records_as_stored`] would read them back, from what the write path kept (`None`
/// for a file the batch did not create).
pub(crate) fn batch_records_as_stored(
    conn: &Connection,
    batch: &changelog::Batch,
    participant_id: &str,
) -> Result<Option<Vec<CaseRecord>>> {
    let Some(found) = batch.read_file(participant_id, |records| {
        records
            .iter()
            .filter(|r| !r.deleted)
            .map(|r| {
                // Kept typed by the write path: its fields are not parsed again.
                let data = r
                    .typed
                    .downcast_ref::<RecordData>()
                    .cloned()
                    .ok_or_else(|| Error::Internal("a kept record of another type".into()))?;
                Ok(CaseRecord {
                    id: r.id.clone(),
                    participant_id: participant_id.to_string(),
                    data,
                    created_at: r.created_at_text.clone(),
                    created_by: Some(batch.author_name().to_string()),
                    masked: false,
                })
            })
            .collect::<Result<Vec<_>>>()
    }) else {
        return Ok(None);
    };
    found?
        .into_iter()
        .map(|record| as_shown(conn, record, false))
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

impl Vault {
    /// Opens a whole file: her details and every record. The view is audited; sensitive
    /// notes come masked.
    pub fn participant_file(&mut self, participant_id: &str) -> Result<ParticipantFile> {
        let participant = self.participant_show(participant_id)?;
        Ok(ParticipantFile {
            records: load_records(&self.conn, participant_id)?,
            participant,
        })
    }

    /// The text of a sensitive note; the reading is audited.
    pub fn note_reveal(&mut self, participant_id: &str, note_id: &str) -> Result<Note> {
        self.load_participant(participant_id)?;
        let found = stored(&self.conn, participant_id, note_id)?.ok_or(Error::NotFound)?;
        if found.kind != "note" || found.deleted {
            return Err(Error::NotFound);
        }
        let RecordData::Note(note) = found.data()? else {
            return Err(Error::NotFound);
        };
        self.audit(AuditAction::SensitiveNoteViewed, None, Some(participant_id))?;
        Ok(note)
    }

    /// A file's operations from the change log (her details, her records and who it is
    /// shared with), oldest first.
    pub fn participant_operations(&self, participant_id: &str) -> Result<Vec<Operation>> {
        self.load_participant(participant_id)?;
        changelog::about_participant(&self.conn, participant_id)
    }

    /// A file's history for people to read: who changed what, when. Sensitive notes' text
    /// is left out; her legal name and reserved details are held back too unless `reveal`
    /// ("Mostrar datos reservados"). Reading the history is audited like opening the file.
    pub fn participant_history(
        &self,
        participant_id: &str,
        reveal: bool,
    ) -> Result<Vec<HistoryEntry>> {
        let operations = self.participant_operations(participant_id)?;
        self.audit(
            AuditAction::HistoryViewed,
            None,
            Some(&if reveal {
                format!("{participant_id} reserved")
            } else {
                participant_id.to_string()
            }),
        )?;
        let names: std::collections::HashMap<String, String> = staff::list(&self.conn)?
            .into_iter()
            .map(|m| (m.id, m.display_name))
            .collect();
        Ok(operations
            .into_iter()
            .map(|op| {
                let sensitive = op.record_type == "note"
                    && op
                        .value
                        .as_ref()
                        .and_then(|v| v.get("sensitive"))
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                let at = chrono::DateTime::from_timestamp_millis(op.hlc.wall_ms as i64)
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default();
                let mut masked = sensitive;
                let mut value = if sensitive { None } else { op.value.clone() };
                if !reveal && op.record_type == "participant" {
                    if RESERVED_FIELDS.contains(&op.field.as_str()) {
                        masked |= value.take().is_some_and(|v| !v.is_null());
                    } else if let Some(Value::Object(map)) = value.as_mut() {
                        for field in RESERVED_FIELDS {
                            if let Some(held) = map.get_mut(field).filter(|v| !v.is_null()) {
                                *held = Value::Null;
                                masked = true;
                            }
                        }
                    }
                }
                HistoryEntry {
                    author: names.get(&op.author_id).cloned(),
                    at,
                    value: value.as_ref().map(Value::to_string),
                    masked,
                    kind: match op.kind {
                        OpKind::Create => "create",
                        OpKind::Set => "set",
                        OpKind::Delete => "delete",
                        OpKind::Append => "append",
                    }
                    .to_string(),
                    op_id: op.op_id,
                    record_type: op.record_type,
                    record_id: op.record_id,
                    field: op.field,
                }
            })
            .collect())
    }
}
