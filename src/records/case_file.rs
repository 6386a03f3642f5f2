//! The one write path of a file's records. Saving a record validates it (each kind checks its
//! own fields and its links to the rest of her file, through [`FileContext`]) and records one
//! operation per field that changed; deleting records a tombstone; add-only records (contacts,
//! notes, the hours log) are one `append` operation each, so two laptops never conflict over
//! them. Reading is [`crate::records::record`]'s.

use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};

use crate::catalog::{self, CountryCatalog};
use crate::changelog::{self, BatchRecord, Change, OpKind, Operation, Writer};
use crate::compact;
use crate::error::{Error, Result};
use crate::records::consent::ConsentPurpose;
use crate::records::contacts::{BatchVisit, Contact, ContactType};
use crate::records::directory;
use crate::records::needs::NeedsAssessment;
use crate::records::record::{
    created_at_text, load_record, load_records_as_stored, stored, stored_records, CaseRecord,
    RecordData, StoredRecord,
};
use crate::records::search;
use crate::records::tasks;
use crate::staff;
use crate::vault::Vault;

pub use crate::compact::PARTICIPANT_FIELD;

/// What the write path needs besides the connection.
#[derive(Clone, Copy)]
pub(crate) struct RecordContext<'a> {
    pub writer: Writer<'a>,
    pub catalog: &'static CountryCatalog,
    pub created_at: &'a str,
    /// Recompute the list's counts after each document or needs record; a bulk writer turns
    /// this off and calls [`refresh_counts`] once per file.
    pub refresh_counts: bool,
}

/// What a record may ask about the file it goes into, to check its links: each kind checks
/// its own (`check_in` beside its type), and this is all they can reach.
pub(crate) struct FileContext<'a> {
    pub conn: &'a Connection,
    pub participant_id: &'a str,
    /// The record being changed, when it exists already.
    pub record_id: Option<&'a str>,
    pub catalog: &'a CountryCatalog,
    /// The demo generator's batch, which answers for the files it creates.
    pub batch: Option<&'a changelog::Batch>,
}

impl FileContext<'_> {
    /// Whether a live record of `kind` with this id is in her file.
    pub(crate) fn has(&self, kind: &str, id: &str) -> Result<bool> {
        if let Some(found) = self.batch.and_then(|b| b.stored(self.participant_id, id)) {
            return Ok(found.is_some_and(|r| !r.deleted && r.kind == kind));
        }
        record_exists(self.conn, self.participant_id, kind, id)
    }

    /// Refuses a link to anything but a live record of `kind` in her file.
    pub(crate) fn link(&self, kind: &str, id: Option<&str>, field: &'static str) -> Result<()> {
        match id {
            Some(id) if !self.has(kind, id)? => {
                Err(Error::invalid(field, "not a record of this file"))
            }
            _ => Ok(()),
        }
    }

    /// Replaces a member of staff named by username or id with her id, or refuses.
    pub(crate) fn staff(&self, named: &mut String, field: &'static str) -> Result<()> {
        staff_ref(self.conn, named, field)
    }

    /// One record of her file, deleted or not.
    pub(crate) fn record(&self, id: &str) -> Result<Option<StoredRecord>> {
        stored_in(self.conn, self.batch, self.participant_id, id)
    }

    /// Her live records of one kind.
    pub(crate) fn records(&self, kind: &str) -> Result<Vec<StoredRecord>> {
        if let Some(found) = self
            .batch
            .and_then(|b| b.stored_of_kind(self.participant_id, kind))
        {
            return Ok(found);
        }
        stored_records(self.conn, self.participant_id, None, Some(kind), false)
    }

    /// An organization of the directory, or `field` is refused.
    pub(crate) fn organization(
        &self,
        id: &str,
        field: &'static str,
    ) -> Result<directory::Organization> {
        directory::organization(self.conn, id)?.ok_or(Error::invalid(field, "not in the directory"))
    }

    /// Whether `service` is a live service of `organization` in the directory.
    pub(crate) fn service_of(&self, service: &str, organization: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM directory WHERE id = ?1 AND kind = 'service'
                 AND organization_id = ?2 AND deleted = 0)",
            )?
            .query_row(params![service, organization], |row| row.get(0))?)
    }

    /// The consent in force that lets her data go to an organization.
    pub(crate) fn consent_for(
        &self,
        organization_id: &str,
        organization_name: &str,
        named: Option<&str>,
    ) -> Result<String> {
        consent_for(
            self.conn,
            self.participant_id,
            organization_id,
            organization_name,
            named,
        )
    }
}

/// Checks a record against the file it goes into: each kind its own fields and links.
fn validate(
    conn: &Connection,
    participant_id: &str,
    record_id: Option<&str>,
    data: &mut RecordData,
    catalog: &CountryCatalog,
    batch: Option<&changelog::Batch>,
) -> Result<()> {
    let file = FileContext {
        conn,
        participant_id,
        record_id,
        catalog,
        batch,
    };
    match data {
        RecordData::Consent(c) => c.check_in(&file),
        RecordData::Household(h) => h.validate(),
        RecordData::Dependant(d) => d.validate(),
        RecordData::Housing(h) => h.validate(),
        RecordData::Document(d) => d.check_in(&file),
        RecordData::Needs(n) => n.validate(),
        RecordData::Contact(c) => c.check_in(&file),
        RecordData::Note(n) => n.check_in(&file),
        RecordData::Proceeding(p) => p.validate(),
        RecordData::LegalStatus(s) => s.check_in(&file),
        RecordData::PrisonStay(s) => s.check_in(&file),
        RecordData::LegalApplication(a) => a.check_in(&file),
        RecordData::ServicePlan(plan) => plan.check_in(&file),
        RecordData::ServiceHours(h) => h.check_in(&file),
        RecordData::ComplianceReport(r) => r.check_in(&file),
        RecordData::Referral(referral) => referral.check_in(&file),
        RecordData::Task(t) => t.check_in(&file),
        RecordData::RightsRequest(r) => r.check_in(&file),
    }
}

/// The consent in force that lets her data go to an organization: the one named, or else
/// the newest referral consent naming the organization. Without one, `consent_required`.
fn consent_for(
    conn: &Connection,
    participant_id: &str,
    organization_id: &str,
    organization_name: &str,
    named: Option<&str>,
) -> Result<String> {
    let mut consents = stored_records(conn, participant_id, None, Some("consent"), false)?;
    consents.reverse();
    let wanted = search::fold(organization_name);
    for found in consents {
        let id = found.id.clone();
        if named.is_some_and(|n| n != id) {
            continue;
        }
        let RecordData::Consent(consent) = found.data()? else {
            continue;
        };
        let covers = consent.purpose == ConsentPurpose::Referral
            && consent.in_force()
            && consent
                .organization
                .as_deref()
                .is_some_and(|o| o == organization_id || search::fold(o) == wanted);
        if covers {
            return Ok(id);
        }
    }
    Err(Error::ConsentRequired)
}

/// Replaces a member of staff named by username (as the interfaces name her) or by id with
/// her id: records name staff by the registry's stable id, the same on every laptop.
fn staff_ref(conn: &Connection, named: &mut String, field: &'static str) -> Result<()> {
    let found = match staff::by_id(conn, named) {
        Err(Error::StaffNotFound) => staff::by_username(conn, &staff::Username::typed(named)),
        other => other,
    };
    match found {
        Ok(member) => {
            *named = member.id;
            Ok(())
        }
        Err(Error::StaffNotFound) => Err(Error::invalid(field, "not a member of staff")),
        Err(other) => Err(other),
    }
}

/// One record of her file, deleted or not: from the demo generator's batch for a file it
/// created, else from the database.
fn stored_in(
    conn: &Connection,
    batch: Option<&changelog::Batch>,
    participant_id: &str,
    id: &str,
) -> Result<Option<StoredRecord>> {
    match batch.and_then(|b| b.stored(participant_id, id)) {
        Some(found) => Ok(found),
        None => stored(conn, participant_id, id),
    }
}

fn record_exists(conn: &Connection, participant_id: &str, kind: &str, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM case_records
                            WHERE participant_id = ?1 AND id = ?2 AND kind = ?3 AND deleted = 0)",
        )?
        .query_row(
            params![
                compact::id_bytes(participant_id).as_slice(),
                compact::id_bytes(id).as_slice(),
                changelog::name_code(conn, kind)?
            ],
            |row| row.get(0),
        )?)
}

/// Hides a record (its tombstone goes on the log beside it).
fn mark_deleted(conn: &Connection, participant_id: &str, id: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE case_records SET deleted = 1 WHERE participant_id = ?1 AND id = ?2",
    )?
    .execute(params![
        compact::id_bytes(participant_id).as_slice(),
        compact::id_bytes(id).as_slice()
    ])?;
    Ok(())
}

/// Seconds since 1970 of an RFC 3339 time (a record's creation, as the write path gives it).
fn seconds(rfc3339: &str) -> Result<i64> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.timestamp())
        .map_err(|_| Error::invalid("createdAt", "not a time"))
}

/// Records one operation on a record of `participant_id`'s file.
fn record(
    conn: &Connection,
    ctx: RecordContext<'_>,
    participant_id: &str,
    (kind, id, field): (&str, &str, &str),
    op: OpKind,
    value: Option<Value>,
) -> Result<Operation> {
    changelog::record(
        conn,
        ctx.writer,
        Change {
            record_type: kind,
            record_id: id,
            field,
            kind: op,
            value,
            participant_id: Some(participant_id),
        },
    )
}

/// Saves a record in the caller's transaction: creates it (or revives a deleted one with a
/// natural id), or records one operation per changed field. Returns the record id.
pub(crate) fn save(
    conn: &Connection,
    ctx: RecordContext<'_>,
    participant_id: &str,
    record_id: Option<&str>,
    mut data: RecordData,
) -> Result<String> {
    validate(
        conn,
        participant_id,
        record_id,
        &mut data,
        ctx.catalog,
        ctx.writer.batch,
    )?;
    let kind = data.kind();
    let fields = data.fields()?;
    let natural = data.natural_id(participant_id);
    let mut id = match (&natural, record_id) {
        (Some(natural), _) => natural.clone(),
        (None, Some(given)) => given.to_string(),
        (None, None) => uuid::Uuid::now_v7().to_string(),
    };
    // A freshly minted id names no stored record: nothing to look up.
    let minted = natural.is_none() && record_id.is_none();
    let mut existing = if minted {
        None
    } else {
        stored_in(conn, ctx.writer.batch, participant_id, &id)?
    };
    let mut replacing = false;
    if data.replaced_when_corrected() {
        if let Some(found) = existing.as_ref().filter(|found| !found.deleted) {
            if found.kind != kind {
                return Err(Error::NotFound);
            }
            mark_deleted(conn, participant_id, &id)?;
            if let Some(batch) = ctx.writer.batch {
                batch.deleted(participant_id, &id);
            }
            record(
                conn,
                ctx,
                participant_id,
                (kind, &id, ""),
                OpKind::Delete,
                None,
            )?;
            id = uuid::Uuid::now_v7().to_string();
            existing = None;
            replacing = true;
        }
    }
    match existing {
        Some(found) if found.kind != kind => return Err(Error::NotFound),
        Some(StoredRecord {
            fields: old,
            deleted: false,
            ..
        }) => {
            if data.add_only() {
                return Err(Error::invalid(
                    "kind",
                    "contacts and notes cannot be edited",
                ));
            }
            let mut changed = false;
            // A field the record no longer has (a need no longer assessed, a field written
            // under an older shape) is blanked on the log too.
            let dropped: Vec<(String, Value)> = old
                .iter()
                .filter(|(field, value)| !value.is_null() && !fields.contains_key(*field))
                .map(|(field, _)| (field.clone(), Value::Null))
                .collect();
            for (field, value) in fields.iter().chain(dropped.iter().map(|(f, v)| (f, v))) {
                if old.get(field).unwrap_or(&Value::Null) != value {
                    record(
                        conn,
                        ctx,
                        participant_id,
                        (kind, &id, field),
                        OpKind::Set,
                        Some(value.clone()),
                    )?;
                    changed = true;
                }
            }
            if changed {
                let kept: Map<String, Value> =
                    fields.into_iter().filter(|(_, v)| !v.is_null()).collect();
                conn.prepare_cached(
                    "UPDATE case_records SET data = ?1 WHERE participant_id = ?2 AND id = ?3",
                )?
                .execute(params![
                    compact::encode_value(&Value::Object(kept.clone()), None)?,
                    compact::id_bytes(participant_id).as_slice(),
                    compact::id_bytes(&id).as_slice()
                ])?;
                if let Some(batch) = ctx.writer.batch {
                    batch.edited(participant_id, &id, kept, std::rc::Rc::new(data.clone()));
                }
            }
        }
        Some(StoredRecord { deleted: true, .. }) if natural.is_none() => {
            return Err(Error::NotFound)
        }
        revived_or_new => {
            if revived_or_new.is_none() && record_id.is_some() && natural.is_none() && !replacing {
                return Err(Error::NotFound);
            }
            // One operation carries the whole new record (its empty fields left out: absent
            // means empty) and the file it belongs to.
            let mut value: Map<String, Value> = fields
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            value.insert(PARTICIPANT_FIELD.into(), json!(participant_id));
            let op = if data.add_only() {
                OpKind::Append
            } else {
                OpKind::Create
            };
            let kept = ctx.writer.batch.map(|_| {
                let mut kept = value.clone();
                kept.remove(PARTICIPANT_FIELD);
                kept
            });
            let origin = record(
                conn,
                ctx,
                participant_id,
                (kind, &id, ""),
                op,
                Some(Value::Object(value)),
            )?;
            // The body is the operation's: the row points at it and keeps no copy.
            let (device, author) = ctx.writer.codes(conn)?;
            let created_at = seconds(ctx.created_at)?;
            conn.prepare_cached(
                "INSERT INTO case_records (participant_id, id, kind, created_at, created_by,
                                           origin_device, origin_seq, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)
                 ON CONFLICT(participant_id, id) DO UPDATE SET
                    deleted = 0, origin_device = excluded.origin_device,
                    origin_seq = excluded.origin_seq, data = NULL",
            )?
            .execute(params![
                compact::id_bytes(participant_id).as_slice(),
                compact::id_bytes(&id).as_slice(),
                changelog::name_code(conn, kind)?,
                created_at,
                author,
                device,
                origin.seq as i64,
            ])?;
            if let (Some(batch), Some(fields)) = (ctx.writer.batch, kept) {
                batch.keep(
                    participant_id,
                    BatchRecord {
                        id: compact::id_text(&compact::id_bytes(&id))?,
                        kind: kind.to_string(),
                        fields,
                        created_at,
                        created_at_text: created_at_text(created_at)?,
                        deleted: false,
                        typed: std::rc::Rc::new(data.clone()),
                    },
                );
            }
        }
    }
    if ctx.refresh_counts {
        refresh_derived(conn, participant_id, kind, ctx.catalog)?;
    }
    Ok(id)
}

/// Writes a record of her file as the change log states it (operations that arrived by
/// sync): its body (an added entry's, or the folded fields), whether it is deleted, when and by
/// whom it was made. When the operation that states the record as it is (`origin`: its
/// device's stored number, its sequence number and its value) says exactly what the body
/// says, the row points at it, as the write path's rows do; otherwise the body is kept in the
/// row (`data`). `kind` and `created_by` come as their stored numbers
/// (`changelog::name_code`). Returns the body written (without her file's id or empty fields).
pub(crate) fn write_folded(
    conn: &Connection,
    participant_id: &str,
    (kind, id): (i64, &str),
    state: &changelog::RecordState,
    (created_at, created_by): (i64, i64),
    origin: Option<(i64, u64, Option<&Value>)>,
) -> Result<Option<Map<String, Value>>> {
    // The body without her file's id or empty fields, copied once.
    fn kept<'a>(fields: impl Iterator<Item = (&'a String, &'a Value)>) -> Map<String, Value> {
        fields
            .filter(|(k, v)| !v.is_null() && *k != PARTICIPANT_FIELD)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
    let kept: Map<String, Value> = match state.appended.first() {
        Some(Value::Object(entry)) => kept(entry.iter()),
        Some(_) => return Ok(None),
        // Every record's creation names her file: without it, the record's creation is not
        // held here yet (a caseworker's laptop sends its changes to a record another laptop
        // made, not the making). Written from its changes alone, the record could not be read
        // back and the whole import failed as a damaged vault; it is written whole when its
        // creation arrives.
        None if !state.fields.contains_key(PARTICIPANT_FIELD) => return Ok(None),
        None => kept(state.fields.iter()),
    };
    // Read through the pointer, the origin's value gives back its fields but her file's id:
    // the row may point at it when those are exactly the body's (no empty field either).
    let states_it = |value: &Map<String, Value>| {
        value
            .iter()
            .filter(|(k, _)| *k != PARTICIPANT_FIELD)
            .count()
            == kept.len()
            && value
                .iter()
                .filter(|(k, _)| *k != PARTICIPANT_FIELD)
                .all(|(k, v)| kept.get(k) == Some(v))
    };
    // Either a pointer at the origin (no body) or the body (no pointer).
    let (origin_device, origin_seq, data) = match origin {
        Some((device, seq, Some(Value::Object(value)))) if states_it(value) => {
            (Some(device), Some(seq as i64), None)
        }
        _ => (None, None, Some(compact::encode_object(&kept)?)),
    };
    conn.prepare_cached(
        "INSERT INTO case_records (participant_id, id, kind, created_at, created_by, deleted,
                                   origin_device, origin_seq, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(participant_id, id) DO UPDATE SET
            deleted = excluded.deleted, origin_device = excluded.origin_device,
            origin_seq = excluded.origin_seq, data = excluded.data,
            -- When and by whom, as the log states them too: a record two laptops created
            -- under one derived id kept, on the laptop that created it second, its own
            -- creation, where every other laptop shows the first.
            created_at = excluded.created_at, created_by = excluded.created_by",
    )?
    .execute(params![
        compact::id_bytes(participant_id).as_slice(),
        compact::id_bytes(id).as_slice(),
        kind,
        created_at,
        created_by,
        state.deleted,
        origin_device,
        origin_seq,
        data,
    ])?;
    Ok(Some(kept))
}

/// Recomputes everything the write path keeps about a file from her records: the counts
/// the list filters on and her tasks. Returns the records it read (live ones).
pub(crate) fn refresh_file(
    conn: &Connection,
    participant_id: &str,
    catalog: &CountryCatalog,
) -> Result<Vec<CaseRecord>> {
    let records = load_records_as_stored(conn, participant_id)?;
    refresh_file_with(conn, participant_id, records, catalog)
}

/// [`refresh_file`], given her records as they are stored ([`load_records_as_stored`]), when
/// the caller wrote them all and knows them already.
pub(crate) fn refresh_file_with(
    conn: &Connection,
    participant_id: &str,
    records: Vec<CaseRecord>,
    catalog: &CountryCatalog,
) -> Result<Vec<CaseRecord>> {
    debug_assert_eq!(records, load_records_as_stored(conn, participant_id)?);
    refresh_counts(conn, participant_id, &records, catalog)?;
    tasks::refresh(conn, participant_id, &records, catalog)?;
    super::facts::refresh(conn, participant_id, &records, catalog)?;
    Ok(records)
}

/// The live records of `kinds` in a file whose `field` names `parent`.
fn owned_by(
    conn: &Connection,
    participant_id: &str,
    kinds: &[&str],
    field: &str,
    parent: &str,
) -> Result<Vec<(String, String)>> {
    Ok(stored_records(conn, participant_id, None, None, false)?
        .into_iter()
        .filter(|found| {
            kinds.contains(&found.kind.as_str())
                && found.fields.get(field).and_then(Value::as_str) == Some(parent)
        })
        .map(|found| (found.kind, found.id))
        .collect())
}

/// Record kinds whose changes can change a file's tasks.
const TASK_SOURCES: [&str; 10] = [
    "prison_stay",
    "needs",
    "legal_application",
    "document",
    "referral",
    "service_plan",
    "service_hours",
    "compliance_report",
    "task",
    "rights_request",
];

/// Whether a change to a record of `kind` can change what the write path keeps about her
/// file (the list's counts, her tasks).
pub(crate) fn moves_derived(kind: &str) -> bool {
    matches!(kind, "document" | "needs")
        || TASK_SOURCES.contains(&kind)
        || super::facts::moves_facts(kind)
}

/// Recomputes what the write path keeps for lists, "Hoy" and the summaries after a change of
/// `kind`.
pub(crate) fn refresh_derived(
    conn: &Connection,
    participant_id: &str,
    kind: &str,
    catalog: &CountryCatalog,
) -> Result<()> {
    let counts = matches!(kind, "document" | "needs");
    let tasks = TASK_SOURCES.contains(&kind);
    let facts = super::facts::moves_facts(kind);
    if counts || tasks || facts {
        // Her records are read once for all.
        let records = load_records_as_stored(conn, participant_id)?;
        if counts {
            refresh_counts(conn, participant_id, &records, catalog)?;
        }
        if tasks {
            tasks::refresh(conn, participant_id, &records, catalog)?;
        }
        if facts {
            super::facts::refresh(conn, participant_id, &records, catalog)?;
        }
    }
    Ok(())
}

/// Recomputes the counts the list filters on from her live records: required documents she
/// does not have yet, and open needs in her latest assessment.
pub(crate) fn refresh_counts(
    conn: &Connection,
    participant_id: &str,
    records: &[CaseRecord],
    catalog: &CountryCatalog,
) -> Result<()> {
    let mut settled = std::collections::BTreeSet::new();
    let mut latest: Option<&NeedsAssessment> = None;
    for record in records {
        match &record.data {
            RecordData::Document(d) if d.dependant_id.is_none() && d.status.is_settled() => {
                settled.insert(d.document_type.as_str());
            }
            RecordData::Needs(n) if latest.is_none_or(|l| n.phase > l.phase) => {
                latest = Some(n);
            }
            _ => {}
        }
    }
    let pending = catalog
        .required_for_herself()
        .filter(|d| !settled.contains(d.code.as_str()))
        .count();
    let open = latest.map(|n| n.open_count()).unwrap_or(0);
    conn.prepare_cached(
        "UPDATE participants SET documents_pending = ?1, needs_open = ?2 WHERE id = ?3",
    )?
    .execute(params![pending as i64, open as i64, participant_id])?;
    Ok(())
}

impl Vault {
    fn record_context<'a>(&'a self, created_at: &'a str) -> Result<RecordContext<'a>> {
        Ok(RecordContext {
            writer: self.writer(),
            catalog: catalog::for_country(self.country()?),
            created_at,
            refresh_counts: true,
        })
    }

    /// Saves a record of an open file the signed-in person may see. `record_id` names the
    /// record to change; without it a new record is created (or, for household, documents and
    /// needs assessments, the file's one record of that kind is updated).
    pub fn record_save(
        &mut self,
        participant_id: &str,
        record_id: Option<&str>,
        data: RecordData,
    ) -> Result<CaseRecord> {
        self.load_open_participant(participant_id)?;
        let id = self.save_in_file(participant_id, record_id, data)?;
        load_record(&self.conn, participant_id, &id)
    }

    /// [`save`] in a transaction of its own, once the caller has checked that the signed-in
    /// person may change the file (for most records: see it, and it is open).
    pub(crate) fn save_in_file(
        &mut self,
        participant_id: &str,
        record_id: Option<&str>,
        data: RecordData,
    ) -> Result<String> {
        let now = crate::now_rfc3339();
        let tx = self.conn.unchecked_transaction()?;
        let id = save(
            &tx,
            self.record_context(&now)?,
            participant_id,
            record_id,
            data,
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Deletes a record: the row is hidden and a tombstone goes on the change log. Records
    /// that only exist under it go with it, each with its own tombstone: a proceeding's
    /// status changes, a plan's hours and compliance reports.
    pub fn record_delete(&mut self, participant_id: &str, record_id: &str) -> Result<()> {
        self.load_open_participant(participant_id)?;
        let found = stored(&self.conn, participant_id, record_id)?.ok_or(Error::NotFound)?;
        if found.deleted {
            return Err(Error::NotFound);
        }
        let kind = found.kind;
        let now = crate::now_rfc3339();
        let tx = self.conn.unchecked_transaction()?;
        let ctx = self.record_context(&now)?;
        let owned: Vec<(String, String)> = match kind.as_str() {
            "proceeding" => owned_by(
                &tx,
                participant_id,
                &["legal_status"],
                "proceedingId",
                record_id,
            )?,
            "service_plan" => owned_by(
                &tx,
                participant_id,
                &["service_hours", "compliance_report"],
                "planId",
                record_id,
            )?,
            _ => Vec::new(),
        };
        for (kind, id) in owned
            .iter()
            .chain(std::iter::once(&(kind.clone(), record_id.to_string())))
        {
            mark_deleted(&tx, participant_id, id)?;
            record(
                &tx,
                ctx,
                participant_id,
                (kind, id, ""),
                OpKind::Delete,
                None,
            )?;
        }
        refresh_derived(&tx, participant_id, &kind, ctx.catalog)?;
        tx.commit()?;
        Ok(())
    }

    /// Records one prison visit for several women at once, as one contact each sharing a
    /// visit id. Every woman must be visible to the signed-in person and her case open;
    /// otherwise nothing is written.
    pub fn visit_record_batch(&mut self, visit: BatchVisit) -> Result<Vec<CaseRecord>> {
        if visit.participant_ids.is_empty() {
            return Err(Error::invalid("participantIds", "at least one woman"));
        }
        if visit.participant_ids.len() > 500 {
            return Err(Error::invalid("participantIds", "at most 500 women"));
        }
        let mut ids = visit.participant_ids.clone();
        ids.sort();
        ids.dedup();
        for id in &ids {
            self.load_open_participant(id)?;
        }
        let place = visit.place.trim().to_string();
        if place.is_empty() {
            return Err(Error::invalid("place", "required"));
        }
        let visit_id = uuid::Uuid::now_v7().to_string();
        let now = crate::now_rfc3339();
        let tx = self.conn.unchecked_transaction()?;
        let ctx = self.record_context(&now)?;
        let mut saved = Vec::new();
        for id in &ids {
            let contact = Contact {
                contact_type: ContactType::PrisonVisit,
                date: visit.date.clone(),
                place: Some(place.clone()),
                team: visit.team.clone(),
                visit_id: Some(visit_id.clone()),
                summary: visit.summary.clone(),
            };
            let record_id = save(&tx, ctx, id, None, RecordData::Contact(contact))?;
            saved.push((id.clone(), record_id));
        }
        tx.commit()?;
        let mut records = Vec::new();
        for (participant_id, record_id) in saved {
            records.push(load_record(&self.conn, &participant_id, &record_id)?);
        }
        Ok(records)
    }
}
