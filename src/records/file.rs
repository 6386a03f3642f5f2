//! The records of a woman's file and their one write path. Each record is a typed value
//! ([`RecordData`]) stored as a JSON object; saving it records one operation per field that
//! changed, deleting it records a tombstone, and add-only records (contacts, notes) are one
//! `append` operation each, so two laptops never conflict over them. The file's history is
//! read back from the change log.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::audit::AuditAction;
use crate::catalog::{self, CountryCatalog};
use crate::changelog::{self, Change, OpKind, Operation, Writer};
use crate::compact;
use crate::error::{Error, Result};
use crate::records::community_service::{ComplianceReport, ServiceHours, ServicePlan};
use crate::records::consent::{Consent, ConsentPurpose};
use crate::records::contacts::{BatchVisit, Contact, ContactType, Note};
use crate::records::directory::{self, OrganizationKind};
use crate::records::documents::Document;
use crate::records::household::{Dependant, Household};
use crate::records::housing::Housing;
use crate::records::legal::{LegalApplication, LegalStatusChange, PrisonStay, Proceeding};
use crate::records::needs::{AssessmentPhase, NeedsAssessment};
use crate::records::participants::Participant;
use crate::records::referrals::Referral;
use crate::records::search;
use crate::records::tasks::{self, Task};
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
    fn replaced_when_corrected(&self) -> bool {
        matches!(self, RecordData::ServiceHours(_))
    }

    /// Records of which a file has at most one (per document and person, per phase) get an id
    /// derived from what they are, so two laptops creating "the same" record write to the
    /// same record and their edits merge field by field.
    fn natural_id(&self, participant_id: &str) -> Option<String> {
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
    fn fields(&self) -> Result<Map<String, Value>> {
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
    /// The new value as JSON text; none for sensitive notes.
    pub value: Option<String>,
}

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

/// Checks a record against the file it goes into.
fn validate(
    conn: &Connection,
    participant_id: &str,
    record_id: Option<&str>,
    data: &mut RecordData,
    catalog: &CountryCatalog,
) -> Result<()> {
    let link = |kind: &str, id: &Option<String>, field: &'static str| -> Result<()> {
        match id {
            Some(id) if !record_exists(conn, participant_id, kind, id)? => {
                Err(Error::invalid(field, "not a record of this file"))
            }
            _ => Ok(()),
        }
    };
    match data {
        RecordData::Consent(c) => {
            c.validate()?;
            staff_ref(conn, &mut c.collected_by, "collectedBy")?;
        }
        RecordData::Household(h) => h.validate()?,
        RecordData::Dependant(d) => d.validate()?,
        RecordData::Housing(h) => h.validate()?,
        RecordData::Document(d) => {
            d.validate(catalog)?;
            if let Some(dependant) = &d.dependant_id {
                if !record_exists(conn, participant_id, "dependant", dependant)? {
                    return Err(Error::invalid("dependantId", "not one of her dependants"));
                }
            }
        }
        RecordData::Needs(n) => n.validate()?,
        RecordData::Contact(c) => {
            c.validate()?;
            for member in &mut c.team {
                staff_ref(conn, member, "team")?;
            }
            c.team.sort();
            c.team.dedup();
        }
        RecordData::Note(n) => {
            n.validate()?;
            if let Some(contact) = &n.contact_id {
                if !record_exists(conn, participant_id, "contact", contact)? {
                    return Err(Error::invalid("contactId", "not a contact of this file"));
                }
            }
        }
        RecordData::Proceeding(p) => p.validate()?,
        RecordData::LegalStatus(s) => {
            s.validate()?;
            link("proceeding", &Some(s.proceeding_id.clone()), "proceedingId")?;
        }
        RecordData::PrisonStay(s) => {
            s.validate()?;
            link("proceeding", &s.proceeding_id, "proceedingId")?;
        }
        RecordData::LegalApplication(a) => {
            a.validate(catalog)?;
            link("proceeding", &a.proceeding_id, "proceedingId")?;
            for document in &a.evidence {
                link("document", &Some(document.clone()), "evidence")?;
            }
        }
        RecordData::ServicePlan(plan) => {
            plan.validate()?;
            link("legal_application", &plan.application_id, "applicationId")?;
            if let Some(entity) = &plan.receiving_entity {
                let organization = directory::organization(conn, entity)?
                    .ok_or(Error::invalid("receivingEntity", "not in the directory"))?;
                if organization.kind == OrganizationKind::PrivateCompany {
                    return Err(Error::invalid(
                        "receivingEntity",
                        "a public body or non-profit, not a private company",
                    ));
                }
            }
        }
        RecordData::ServiceHours(h) => {
            h.validate()?;
            let plan = match stored(conn, participant_id, &h.plan_id)? {
                Some(found) if !found.deleted && found.kind == "service_plan" => {
                    match found.data()? {
                        RecordData::ServicePlan(plan) => plan,
                        _ => return Err(Error::invalid("planId", "not a plan of this file")),
                    }
                }
                _ => return Err(Error::invalid("planId", "not a plan of this file")),
            };
            if h.date < plan.start_on {
                return Err(Error::invalid("date", "not before the plan starts"));
            }
            let mut same_day: i64 = 0;
            for entry in stored_records(conn, participant_id, None, Some("service_hours"), false)? {
                if Some(entry.id.as_str()) == record_id {
                    continue;
                }
                if let RecordData::ServiceHours(other) = entry.data()? {
                    if other.plan_id == h.plan_id && other.date == h.date {
                        same_day += i64::from(other.hours);
                    }
                }
            }
            if same_day + i64::from(h.hours)
                > i64::from(crate::records::community_service::MAX_HOURS_PER_DAY)
            {
                return Err(Error::invalid("hours", "at most 8 hours in a day"));
            }
        }
        RecordData::ComplianceReport(r) => {
            r.validate()?;
            link("service_plan", &Some(r.plan_id.clone()), "planId")?;
        }
        RecordData::Referral(referral) => {
            referral.validate()?;
            let organization = directory::organization(conn, &referral.organization_id)?
                .ok_or(Error::invalid("organizationId", "not in the directory"))?;
            if let Some(service) = &referral.service_id {
                let belongs: bool = conn
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM directory WHERE id = ?1 AND kind = 'service'
                         AND organization_id = ?2 AND deleted = 0)",
                    )?
                    .query_row(params![service, referral.organization_id], |row| row.get(0))?;
                if !belongs {
                    return Err(Error::invalid(
                        "serviceId",
                        "not a service of that organization",
                    ));
                }
            }
            if referral.needs_consent() {
                referral.consent_id = Some(consent_for(
                    conn,
                    participant_id,
                    &referral.organization_id,
                    &organization.name,
                    referral.consent_id.as_deref(),
                )?);
            }
        }
        RecordData::Task(t) => {
            t.validate()?;
            if let Some(user) = &mut t.assigned_to {
                staff_ref(conn, user, "assignedTo")?;
            }
        }
    }
    Ok(())
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
        _ => {}
    }
    Ok(())
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

/// A record as stored: its fields are its own (`data`) once edited, and until then those of
/// the operation that created it, so a record's body is stored once.
struct StoredRecord {
    id: String,
    kind: String,
    fields: Map<String, Value>,
    created_at: String,
    /// Username of the author.
    created_by: Option<String>,
    deleted: bool,
}

impl StoredRecord {
    fn data(&self) -> Result<RecordData> {
        RecordData::from_fields(&self.kind, self.fields.clone())
    }
}

/// A file's records (or one, or one kind), oldest first.
fn stored_records(
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
         LEFT JOIN change_log l
                ON r.data IS NULL AND l.device = r.origin_device AND l.seq = r.origin_seq
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
                    created_at: chrono::DateTime::from_timestamp(created_at, 0)
                        .ok_or_else(bad)?
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    created_by,
                    deleted,
                })
            },
        )
        .collect()
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

fn stored(conn: &Connection, participant_id: &str, id: &str) -> Result<Option<StoredRecord>> {
    Ok(stored_records(conn, participant_id, Some(id), None, true)?.pop())
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
    validate(conn, participant_id, record_id, &mut data, ctx.catalog)?;
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
        stored(conn, participant_id, &id)?
    };
    let mut replacing = false;
    if data.replaced_when_corrected() {
        if let Some(found) = existing.as_ref().filter(|found| !found.deleted) {
            if found.kind != kind {
                return Err(Error::NotFound);
            }
            mark_deleted(conn, participant_id, &id)?;
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
                    compact::encode_value(&Value::Object(kept), None)?,
                    compact::id_bytes(participant_id).as_slice(),
                    compact::id_bytes(&id).as_slice()
                ])?;
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
            let origin = record(
                conn,
                ctx,
                participant_id,
                (kind, &id, ""),
                op,
                Some(Value::Object(value)),
            )?;
            // The body is the operation's: the row points at it and keeps no copy.
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
                seconds(ctx.created_at)?,
                changelog::name_code(conn, ctx.writer.author_id)?,
                changelog::name_code(conn, ctx.writer.device_id)?,
                origin.seq as i64,
            ])?;
        }
    }
    if ctx.refresh_counts {
        refresh_derived(conn, participant_id, kind, ctx.catalog)?;
    }
    Ok(id)
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
const TASK_SOURCES: [&str; 9] = [
    "prison_stay",
    "needs",
    "legal_application",
    "document",
    "referral",
    "service_plan",
    "service_hours",
    "compliance_report",
    "task",
];

/// Recomputes what the write path keeps for lists and "Hoy" after a change of `kind`.
pub(crate) fn refresh_derived(
    conn: &Connection,
    participant_id: &str,
    kind: &str,
    catalog: &CountryCatalog,
) -> Result<()> {
    if matches!(kind, "document" | "needs") {
        refresh_counts(conn, participant_id, catalog)?;
    }
    if TASK_SOURCES.contains(&kind) {
        tasks::refresh(
            conn,
            participant_id,
            &load_records(conn, participant_id)?,
            catalog,
        )?;
    }
    Ok(())
}

/// Recomputes the counts the list filters on: required documents she does not have yet, and
/// open needs in her latest assessment.
pub(crate) fn refresh_counts(
    conn: &Connection,
    participant_id: &str,
    catalog: &CountryCatalog,
) -> Result<()> {
    let mut settled = std::collections::BTreeSet::new();
    let mut latest: Option<NeedsAssessment> = None;
    let documents = stored_records(conn, participant_id, None, Some("document"), false)?;
    let needs = stored_records(conn, participant_id, None, Some("needs"), false)?;
    for found in documents.iter().chain(&needs) {
        match found.data()? {
            RecordData::Document(d) if d.dependant_id.is_none() && d.status.is_settled() => {
                settled.insert(d.document_type);
            }
            RecordData::Needs(n) if latest.as_ref().is_none_or(|l| n.phase > l.phase) => {
                latest = Some(n);
            }
            _ => {}
        }
    }
    let pending = catalog
        .required_for_herself()
        .filter(|d| !settled.contains(&d.code))
        .count();
    let open = latest.map(|n| n.open_count()).unwrap_or(0);
    conn.prepare_cached(
        "UPDATE participants SET documents_pending = ?1, needs_open = ?2 WHERE id = ?3",
    )?
    .execute(params![pending as i64, open as i64, participant_id])?;
    Ok(())
}

pub(crate) fn load_records(conn: &Connection, participant_id: &str) -> Result<Vec<CaseRecord>> {
    load_where(conn, participant_id, None)
}

/// One record of a file, or `NotFound`.
pub(crate) fn load_record(
    conn: &Connection,
    participant_id: &str,
    record_id: &str,
) -> Result<CaseRecord> {
    load_where(conn, participant_id, Some(record_id))?
        .pop()
        .ok_or(Error::NotFound)
}

fn load_where(
    conn: &Connection,
    participant_id: &str,
    record_id: Option<&str>,
) -> Result<Vec<CaseRecord>> {
    stored_records(conn, participant_id, record_id, None, false)?
        .into_iter()
        .map(|found| {
            let mut data = found.data()?;
            let StoredRecord {
                id,
                created_at,
                created_by,
                ..
            } = found;
            present_staff(conn, &mut data)?;
            let mut masked = false;
            if let RecordData::Note(note) = &mut data {
                if note.sensitive {
                    note.text = String::new();
                    masked = true;
                }
            }
            Ok(CaseRecord {
                id,
                participant_id: participant_id.to_string(),
                data,
                created_at,
                created_by,
                masked,
            })
        })
        .collect()
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
        load_record(&self.conn, participant_id, &id)
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

    /// A file's operations from the change log (her details, her records and who it is
    /// shared with), oldest first.
    pub fn participant_operations(&self, participant_id: &str) -> Result<Vec<Operation>> {
        self.load_participant(participant_id)?;
        changelog::about_participant(&self.conn, participant_id)
    }

    /// A file's history for people to read: who changed what, when. Sensitive notes'
    /// text is left out.
    pub fn participant_history(&self, participant_id: &str) -> Result<Vec<HistoryEntry>> {
        let operations = self.participant_operations(participant_id)?;
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
                HistoryEntry {
                    author: names.get(&op.author_id).cloned(),
                    at,
                    value: if sensitive {
                        None
                    } else {
                        op.value.as_ref().map(Value::to_string)
                    },
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
