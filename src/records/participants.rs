//! Participants: the women the organization accompanies. Lists show the case code and chosen
//! name; the legal name appears only when a file is opened, and every opening is audited.
//! Caseworkers see the women assigned to or shared with them; coordinators and administrators
//! see everyone.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::audit::AuditAction;
use crate::changelog::{self, Change, OpKind, Operation, Writer};
use crate::error::{Error, Result};
use crate::records::validate::clean;
use crate::records::{search, validate};
use crate::staff::{self, Role};
use crate::vault::Vault;

const RECORD_TYPE: &str = "participant";

/// A woman's file, as shown when opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    pub id: String,
    pub case_code: String,
    pub legal_name: String,
    pub chosen_name: Option<String>,
    pub birth_year: Option<i32>,
    pub department: Option<String>,
    pub municipality: Option<String>,
    /// Self-declared; sensitive, shown on request.
    pub gender_identity: Option<String>,
    /// Sensitive, shown on request.
    pub ethnicity: Option<String>,
    pub nationality: Option<String>,
    pub disability: Option<String>,
    /// How to reach her safely (a phone, a relative…); sensitive.
    pub safe_contact: Option<String>,
    /// Whether a message can be left at that contact.
    pub message_ok: Option<bool>,
    pub status: String,
    pub closing_reason: Option<ClosingReason>,
    /// Username of the assigned caseworker.
    pub assigned_to: Option<String>,
    /// Usernames of the caseworkers the file is shared with besides the assigned one.
    pub shared_with: Vec<String>,
    pub documents_pending: u32,
    pub needs_open: u32,
    pub created_at: String,
}

/// Why a case was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ClosingReason {
    /// The accompaniment reached its goals.
    Completed,
    /// She no longer wants to take part.
    Withdrew,
    MovedAway,
    LostContact,
    /// Taken over by another organization.
    Transferred,
    ReturnedToPrison,
    Deceased,
    Other,
}

impl ClosingReason {
    /// Every reason.
    pub const ALL: [ClosingReason; 8] = [
        ClosingReason::Completed,
        ClosingReason::Withdrew,
        ClosingReason::MovedAway,
        ClosingReason::LostContact,
        ClosingReason::Transferred,
        ClosingReason::ReturnedToPrison,
        ClosingReason::Deceased,
        ClosingReason::Other,
    ];

    /// The snake_case code stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            ClosingReason::Completed => "completed",
            ClosingReason::Withdrew => "withdrew",
            ClosingReason::MovedAway => "moved_away",
            ClosingReason::LostContact => "lost_contact",
            ClosingReason::Transferred => "transferred",
            ClosingReason::ReturnedToPrison => "returned_to_prison",
            ClosingReason::Deceased => "deceased",
            ClosingReason::Other => "other",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(json!(text)).ok()
    }
}

impl std::str::FromStr for ClosingReason {
    type Err = Error;

    /// From its code, exactly as [`ClosingReason::as_str`] gives it.
    fn from_str(text: &str) -> Result<Self> {
        ClosingReason::ALL
            .into_iter()
            .find(|reason| reason.as_str() == text)
            .ok_or(Error::invalid("closingReason", "not a closing reason"))
    }
}

/// The fields of a file that can be edited together (everything but assignment and status).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ParticipantDetails {
    pub legal_name: String,
    pub chosen_name: Option<String>,
    pub birth_year: Option<i32>,
    pub department: Option<String>,
    pub municipality: Option<String>,
    pub gender_identity: Option<String>,
    pub ethnicity: Option<String>,
    pub nationality: Option<String>,
    pub disability: Option<String>,
    pub safe_contact: Option<String>,
    pub message_ok: Option<bool>,
}

impl ParticipantDetails {
    /// Her editable fields, as the file has them now.
    fn of(p: &Participant) -> Result<Self> {
        let Value::Object(mut whole) = serde_json::to_value(p)? else {
            return Err(Error::Internal("a file is not an object".into()));
        };
        let details: Map<String, Value> = ParticipantField::DETAILS
            .iter()
            .map(|f| {
                (
                    f.log_name().to_string(),
                    whole.remove(f.log_name()).unwrap_or(Value::Null),
                )
            })
            .collect();
        Ok(serde_json::from_value(Value::Object(details))?)
    }

    /// Trims every text and checks every field; the department must be one of the
    /// country's regions (stored in the catalog's spelling), and a nationality written now an
    /// ISO country code (one kept from before the list existed stays until changed).
    fn validate(
        &mut self,
        catalog: &crate::catalog::CountryCatalog,
        before: Option<&ParticipantDetails>,
    ) -> Result<()> {
        self.legal_name = self.legal_name.trim().to_string();
        if self.legal_name.is_empty() {
            return Err(Error::invalid("legalName", "required"));
        }
        validate::name("legalName", &self.legal_name)?;
        for (field, value) in [
            ("chosenName", &mut self.chosen_name),
            ("department", &mut self.department),
            ("municipality", &mut self.municipality),
            ("genderIdentity", &mut self.gender_identity),
            ("ethnicity", &mut self.ethnicity),
            ("nationality", &mut self.nationality),
            ("disability", &mut self.disability),
            ("safeContact", &mut self.safe_contact),
        ] {
            *value = validate::clean(value.take());
            if let Some(text) = value {
                validate::name(field, text)?;
            }
        }
        if let Some(year) = self.birth_year {
            check_birth_year(year)?;
        }
        if let Some(department) = &self.department {
            let region = catalog
                .region(department)
                .ok_or(Error::invalid("department", "one of the country's regions"))?;
            self.department = Some(region.to_string());
        }
        let kept = before.is_some_and(|b| b.nationality == self.nationality);
        if let (Some(nationality), false) = (&self.nationality, kept) {
            let code = crate::catalog::nationality(nationality).ok_or(Error::invalid(
                "nationality",
                "a country code from the list",
            ))?;
            self.nationality = Some(code.to_string());
        }
        Ok(())
    }

    /// Each editable field and its value, in [`ParticipantField::DETAILS`]'s order.
    fn columns(&self) -> Result<Vec<(ParticipantField, Value)>> {
        let Value::Object(mut whole) = serde_json::to_value(self)? else {
            return Err(Error::Internal("details are not an object".into()));
        };
        Ok(ParticipantField::DETAILS
            .iter()
            .map(|f| (*f, whole.remove(f.log_name()).unwrap_or(Value::Null)))
            .collect())
    }
}

/// One line of a list: no legal name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ParticipantSummary {
    pub id: String,
    pub case_code: String,
    pub chosen_name: Option<String>,
    pub department: Option<String>,
    pub status: String,
    pub assigned_to: Option<String>,
    pub documents_pending: u32,
    pub needs_open: u32,
}

/// A new participant.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NewParticipant {
    pub legal_name: String,
    pub chosen_name: Option<String>,
    pub birth_year: Option<i32>,
    pub department: Option<String>,
    /// Username of the caseworker to assign.
    pub assign_to: Option<String>,
}

/// Her own fields that can be set one by one: **the one list of a file's fields**. The
/// column of `participants`, the change log's field name, the form's order, what
/// [`ParticipantDetails`] compares and writes, and the whitelist's (`records::schema`, held
/// to this list by a test) all come from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ParticipantField {
    LegalName,
    ChosenName,
    BirthYear,
    Department,
    Municipality,
    GenderIdentity,
    Ethnicity,
    Nationality,
    Disability,
    SafeContact,
    /// `yes` or `no` (or empty).
    MessageOk,
    AssignedTo,
}

impl ParticipantField {
    /// Every field, in the order of the form.
    pub const ALL: [ParticipantField; 12] = [
        ParticipantField::LegalName,
        ParticipantField::ChosenName,
        ParticipantField::BirthYear,
        ParticipantField::Department,
        ParticipantField::Municipality,
        ParticipantField::GenderIdentity,
        ParticipantField::Ethnicity,
        ParticipantField::Nationality,
        ParticipantField::Disability,
        ParticipantField::SafeContact,
        ParticipantField::MessageOk,
        ParticipantField::AssignedTo,
    ];

    /// The fields a form edits together ([`ParticipantDetails`]): all but the caseworker,
    /// which [`ParticipantField::ALL`] keeps last.
    pub const DETAILS: &'static [ParticipantField] = match Self::ALL.split_last() {
        Some((ParticipantField::AssignedTo, details)) => details,
        _ => panic!("ALL ends with the caseworker"),
    };

    /// Its name on the change log and in [`Participant`]'s JSON (camelCase).
    pub fn log_name(self) -> &'static str {
        match self {
            ParticipantField::LegalName => "legalName",
            ParticipantField::ChosenName => "chosenName",
            ParticipantField::BirthYear => "birthYear",
            ParticipantField::Department => "department",
            ParticipantField::Municipality => "municipality",
            ParticipantField::GenderIdentity => "genderIdentity",
            ParticipantField::Ethnicity => "ethnicity",
            ParticipantField::Nationality => "nationality",
            ParticipantField::Disability => "disability",
            ParticipantField::SafeContact => "safeContact",
            ParticipantField::MessageOk => "messageOk",
            ParticipantField::AssignedTo => "assignedTo",
        }
    }

    /// Its value from the text a person typed (the command line's way); empty clears it.
    fn parse_value(self, text: Option<String>) -> Result<Value> {
        let Some(text) = text else {
            return Ok(match self {
                ParticipantField::LegalName => json!(""),
                _ => Value::Null,
            });
        };
        match self {
            ParticipantField::BirthYear => text
                .parse::<i32>()
                .map(|year| json!(year))
                .map_err(|_| Error::invalid("birthYear", "a year")),
            ParticipantField::MessageOk => match text.to_lowercase().as_str() {
                "yes" | "si" | "sí" | "sim" | "true" => Ok(json!(true)),
                "no" | "não" | "nao" | "false" => Ok(json!(false)),
                _ => Err(Error::invalid("messageOk", "yes or no")),
            },
            _ => Ok(json!(text)),
        }
    }

    /// The field's snake_case code: its column in `participants`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantField::LegalName => "legal_name",
            ParticipantField::ChosenName => "chosen_name",
            ParticipantField::BirthYear => "birth_year",
            ParticipantField::Department => "department",
            ParticipantField::Municipality => "municipality",
            ParticipantField::GenderIdentity => "gender_identity",
            ParticipantField::Ethnicity => "ethnicity",
            ParticipantField::Nationality => "nationality",
            ParticipantField::Disability => "disability",
            ParticipantField::SafeContact => "safe_contact",
            ParticipantField::MessageOk => "message_ok",
            ParticipantField::AssignedTo => "assigned_to",
        }
    }
}

impl std::str::FromStr for ParticipantField {
    type Err = Error;

    /// From its code, exactly as [`ParticipantField::as_str`] gives it.
    fn from_str(text: &str) -> Result<Self> {
        ParticipantField::ALL
            .into_iter()
            .find(|field| field.as_str() == text)
            .ok_or(Error::invalid("field", "not a field that can be set"))
    }
}

/// Filters and paging for lists and searches.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ParticipantQuery {
    /// Words to find in the case code, legal or chosen name (partial, accent-insensitive).
    pub text: Option<String>,
    pub status: Option<String>,
    pub department: Option<String>,
    /// Username of the assigned caseworker.
    pub assigned_to: Option<String>,
    /// Only files with (true) or without (false) required documents still pending.
    pub documents_pending: Option<bool>,
    /// Only files with (true) or without (false) open needs in the latest assessment.
    pub needs_open: Option<bool>,
    pub offset: u32,
    pub limit: u32,
}

/// One page of a list, with the number of files that match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ParticipantPage {
    pub items: Vec<ParticipantSummary>,
    /// How many files match; a search counts them up to [`SEARCH_COUNT_CAP`] past the page's
    /// start.
    pub total: u32,
    /// A search stopped counting at the cap: there are at least `total`, shown as "200 or
    /// more".
    pub capped: bool,
}

/// The id of the record that shares her file with one colleague, the same on every laptop.
pub fn access_id(participant_id: &str, staff_id: &str) -> String {
    crate::compact::derived_id(&format!("{participant_id}/{staff_id}"))
}

/// A search counts its matches up to this many past the page's start: a common name
/// (María, Gómez) matches thousands of files among 100,000, and counting them all would read
/// every one to show a number nobody reads. Measured at 100,000 women: counting to 1,000 took
/// "gonzalez" 14 ms, to 200 it takes 8.
pub const SEARCH_COUNT_CAP: u32 = 200;

fn check_birth_year(year: i32) -> Result<()> {
    let this_year = chrono::Datelike::year(&chrono::Utc::now());
    if !(1900..=this_year).contains(&year) {
        return Err(Error::invalid(
            "birthYear",
            "a year between 1900 and this year",
        ));
    }
    Ok(())
}

/// Case codes are the country and eight symbols of an unambiguous base-32 alphabet in two
/// groups of four (`CO-7K3M-9XQ2`), short enough to read aloud. Their 40 random bits keep two
/// laptops that mint codes apart from colliding: among 100,000 women the odds of any shared
/// code are about 1 in 200. A code already in this vault is drawn again.
fn draw_case_code(country: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let random = crate::crypto::random_array::<5>();
    let bits = random
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let symbol = |index: u32| ALPHABET[((bits >> (35 - 5 * index)) & 31) as usize] as char;
    let first: String = (0..4).map(symbol).collect();
    let second: String = (4..8).map(symbol).collect();
    format!("{country}-{first}-{second}")
}

/// A case code not yet used in this vault, drawn with `draw` until one is free.
fn unique_case_code(
    conn: &rusqlite::Connection,
    mut draw: impl FnMut() -> String,
) -> Result<String> {
    for _ in 0..32 {
        let code = draw();
        let taken: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM participants WHERE case_code = ?1)")?
            .query_row([&code], |row| row.get(0))?;
        if !taken {
            return Ok(code);
        }
    }
    Err(Error::Internal("no free case code".into()))
}

fn search_text(case_code: &str, legal_name: &str, chosen_name: Option<&str>) -> String {
    search::fold(&format!(
        "{case_code} {legal_name} {}",
        chosen_name.unwrap_or_default()
    ))
}

/// Stores a file's folded search text in its row and in the trigram index.
fn set_search_text(conn: &rusqlite::Connection, id: &str, text: &str) -> Result<()> {
    let search_id: i64 = conn
        .prepare_cached(
            "UPDATE participants SET search_text = ?1 WHERE id = ?2 RETURNING search_id",
        )?
        .query_row(params![text, id], |row| row.get(0))?;
    conn.prepare_cached("DELETE FROM participant_search WHERE rowid = ?1")?
        .execute([search_id])?;
    conn.prepare_cached("INSERT INTO participant_search (rowid, text) VALUES (?1, ?2)")?
        .execute(params![search_id, text])?;
    Ok(())
}

/// Puts in the trigram index the files written after `after_search_id` without it.
pub(crate) fn index_new_files(conn: &rusqlite::Connection, after_search_id: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO participant_search (rowid, text)
         SELECT search_id, search_text FROM participants WHERE search_id > ?1",
        [after_search_id],
    )?;
    Ok(())
}

/// Merges the trigram index into one segment: after a bulk write its many segments make every
/// search probe each of them.
pub(crate) fn optimize_search_index(conn: &rusqlite::Connection) -> Result<()> {
    conn.execute(
        "INSERT INTO participant_search (participant_search) VALUES ('optimize')",
        [],
    )?;
    Ok(())
}

/// The highest search number in use (0 in an empty vault).
pub(crate) fn last_search_id(conn: &rusqlite::Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(search_id), 0) FROM participants",
        [],
        |row| row.get(0),
    )?)
}

/// Records one operation on a participant in the change log.
fn record_change(
    conn: &rusqlite::Connection,
    writer: Writer<'_>,
    id: &str,
    field: &str,
    kind: OpKind,
    value: Option<serde_json::Value>,
) -> Result<Operation> {
    changelog::record(
        conn,
        writer,
        Change {
            record_type: RECORD_TYPE,
            record_id: id,
            field,
            kind,
            value,
            participant_id: Some(id),
        },
    )
}

/// What a file's row is read with: her own fields from [`ParticipantField::DETAILS`], then
/// what the write path keeps.
fn columns_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let details: Vec<String> = ParticipantField::DETAILS
            .iter()
            .map(|f| format!("p.{}", f.as_str()))
            .collect();
        format!(
            "p.id, p.case_code, {}, p.status, p.closing_reason, s.username, \
             p.documents_pending, p.needs_open, p.created_at",
            details.join(", ")
        )
    })
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Participant> {
    let n = ParticipantField::DETAILS.len();
    let mut fields = Map::new();
    for (index, field) in ParticipantField::DETAILS.iter().enumerate() {
        let value = match row.get_ref(index + 2)? {
            rusqlite::types::ValueRef::Null => Value::Null,
            rusqlite::types::ValueRef::Integer(i) if *field == ParticipantField::MessageOk => {
                json!(i != 0)
            }
            rusqlite::types::ValueRef::Integer(i) => json!(i),
            rusqlite::types::ValueRef::Text(text) => json!(String::from_utf8_lossy(text)),
            _ => Value::Null,
        };
        fields.insert(field.log_name().to_string(), value);
    }
    let details: ParticipantDetails =
        serde_json::from_value(Value::Object(fields)).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
        })?;
    let closing: Option<String> = row.get(n + 3)?;
    Ok(Participant {
        id: row.get(0)?,
        case_code: row.get(1)?,
        legal_name: details.legal_name,
        chosen_name: details.chosen_name,
        birth_year: details.birth_year,
        department: details.department,
        municipality: details.municipality,
        gender_identity: details.gender_identity,
        ethnicity: details.ethnicity,
        nationality: details.nationality,
        disability: details.disability,
        safe_contact: details.safe_contact,
        message_ok: details.message_ok,
        status: row.get(n + 2)?,
        closing_reason: closing.as_deref().and_then(ClosingReason::parse),
        assigned_to: row.get(n + 4)?,
        shared_with: Vec::new(),
        documents_pending: row.get(n + 5)?,
        needs_open: row.get(n + 6)?,
        created_at: row.get(n + 7)?,
    })
}

fn to_sql(value: &serde_json::Value) -> rusqlite::types::Value {
    match value {
        serde_json::Value::Null => rusqlite::types::Value::Null,
        serde_json::Value::Bool(b) => rusqlite::types::Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => rusqlite::types::Value::Integer(n.as_i64().unwrap_or(0)),
        other => rusqlite::types::Value::Text(other.as_str().unwrap_or_default().to_string()),
    }
}

/// A new file's row, ready to be written: the id and case code are chosen by the caller (the
/// demo generator makes them reproducible).
pub(crate) struct NewRow {
    pub id: String,
    pub case_code: String,
    pub details: ParticipantDetails,
    pub assigned_to: Option<String>,
    pub created_at: String,
}

/// Writes a new file and its operations. The caller has validated `row` and holds the
/// transaction. With `index_now` false the caller puts the file in the trigram index later,
/// with [`index_new_files`] (a bulk writer: each write to the index flushes it).
pub(crate) fn insert(
    conn: &rusqlite::Connection,
    writer: Writer<'_>,
    row: &NewRow,
    documents_pending: u32,
    index_now: bool,
) -> Result<()> {
    let d = &row.details;
    let details = d.columns()?;
    let names: Vec<&str> = details.iter().map(|(f, _)| f.as_str()).collect();
    let marks: Vec<String> = (0..details.len()).map(|i| format!("?{}", i + 7)).collect();
    let mut values: Vec<rusqlite::types::Value> = vec![
        row.id.clone().into(),
        row.case_code.clone().into(),
        row.assigned_to.clone().into(),
        search_text(&row.case_code, &d.legal_name, d.chosen_name.as_deref()).into(),
        row.created_at.clone().into(),
        i64::from(documents_pending).into(),
    ];
    values.extend(details.iter().map(|(_, value)| to_sql(value)));
    conn.prepare_cached(&format!(
        "INSERT INTO participants (id, case_code, assigned_to, search_text, created_at,
                                   documents_pending, {}, search_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, {},
                 (SELECT coalesce(max(search_id), 0) + 1 FROM participants))",
        names.join(", "),
        marks.join(", ")
    ))?
    .execute(rusqlite::params_from_iter(values))?;
    if index_now {
        set_search_text(
            conn,
            &row.id,
            &search_text(&row.case_code, &d.legal_name, d.chosen_name.as_deref()),
        )?;
    }
    // One operation carries the new file's first fields; empty ones are left out.
    let mut first = serde_json::Map::new();
    first.insert(log_field("case_code"), json!(row.case_code));
    for (field, value) in details {
        if !value.is_null() {
            first.insert(field.log_name().to_string(), value);
        }
    }
    if let Some(assigned) = &row.assigned_to {
        first.insert(log_field("assigned_to"), json!(assigned));
    }
    first.insert("status".into(), json!("open"));
    record_change(
        conn,
        writer,
        &row.id,
        "",
        OpKind::Create,
        Some(serde_json::Value::Object(first)),
    )?;
    Ok(())
}

/// The change log's name of a participant's column: the log names every field in camelCase,
/// as the records' fields are (`legal_name` → `legalName`).
pub(crate) fn log_field(column: &str) -> String {
    let mut field = String::with_capacity(column.len());
    let mut upper = false;
    for c in column.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            field.extend(c.to_uppercase());
            upper = false;
        } else {
            field.push(c);
        }
    }
    field
}

/// Sets one column of a file and records the operation, in the caller's transaction.
pub(crate) fn set_column(
    conn: &rusqlite::Connection,
    writer: Writer<'_>,
    id: &str,
    column: &'static str,
    value: serde_json::Value,
) -> Result<()> {
    conn.prepare_cached(&format!(
        "UPDATE participants SET {column} = ?1 WHERE id = ?2"
    ))?
    .execute(params![to_sql(&value), id])?;
    record_change(
        conn,
        writer,
        id,
        &log_field(column),
        OpKind::Set,
        Some(value),
    )?;
    Ok(())
}

/// SQL that limits `p` to the files someone of `role` may see; binds `?1` to her id.
pub(crate) fn visible_clause_for(role: Role) -> &'static str {
    match role {
        Role::Admin | Role::Coordinator => "(?1 IS NOT NULL)",
        Role::Caseworker => {
            "(p.assigned_to = ?1 OR EXISTS (SELECT 1 FROM participant_access a
               WHERE a.participant_id = p.id AND a.staff_id = ?1))"
        }
    }
}

impl Vault {
    /// SQL that limits `p` to the files the signed-in person may see; binds `?1` to her id.
    pub(crate) fn visible_clause(&self) -> &'static str {
        visible_clause_for(self.me.role)
    }

    pub(crate) fn writer(&self) -> Writer<'_> {
        Writer::new(&self.device_id, &self.me.id)
    }

    fn staff_id_of(&self, username: &str) -> Result<String> {
        let member = staff::by_username(&self.conn, &staff::Username::typed(username))?;
        if !member.active {
            return Err(Error::StaffNotFound);
        }
        Ok(member.id)
    }

    /// A file the signed-in person may see, without auditing the view (for the write paths).
    pub(crate) fn load_participant(&self, id: &str) -> Result<Participant> {
        let mut participant = self
            .conn
            .query_row(
                &format!(
                    "SELECT {} FROM participants p LEFT JOIN staff s ON s.id = p.assigned_to
                     WHERE p.id = ?2 AND p.deleted = 0 AND {}",
                    columns_sql(),
                    self.visible_clause()
                ),
                params![self.me.id, id],
                from_row,
            )
            .optional()?
            .ok_or(Error::NotFound)?;
        let mut statement = self.conn.prepare(
            "SELECT s.username FROM participant_access a JOIN staff s ON s.id = a.staff_id
             WHERE a.participant_id = ?1 ORDER BY s.username",
        )?;
        participant.shared_with = statement
            .query_map([id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(participant)
    }

    /// A file the signed-in person may change: visible and open.
    pub(crate) fn load_open_participant(&self, id: &str) -> Result<Participant> {
        let participant = self.load_participant(id)?;
        if participant.status != "open" {
            return Err(Error::CaseClosed);
        }
        Ok(participant)
    }

    /// A file without auditing the view, for tests that compare it with the change log.
    #[doc(hidden)]
    pub fn load_for_tests(&self, id: &str) -> Participant {
        self.load_participant(id).expect("visible participant")
    }

    /// Opens a new file. Caseworkers' new files are assigned to themselves.
    pub fn participant_add(&mut self, new: NewParticipant) -> Result<Participant> {
        let mut details = ParticipantDetails {
            legal_name: new.legal_name,
            chosen_name: new.chosen_name,
            birth_year: new.birth_year,
            department: new.department,
            ..Default::default()
        };
        let country = self.country()?;
        details.validate(crate::catalog::for_country(country), None)?;
        let assigned_to = match (&new.assign_to, self.me.role) {
            (Some(username), _) => Some(self.staff_id_of(username)?),
            (None, Role::Caseworker) => Some(self.me.id.clone()),
            (None, _) => None,
        };
        if self.me.role == Role::Caseworker && assigned_to.as_deref() != Some(&self.me.id) {
            return Err(Error::Forbidden);
        }
        let row = NewRow {
            id: uuid::Uuid::now_v7().to_string(),
            case_code: unique_case_code(&self.conn, || draw_case_code(country.code()))?,
            details,
            assigned_to,
            created_at: crate::now_rfc3339(),
        };
        let pending = crate::catalog::for_country(country)
            .required_for_herself()
            .count() as u32;
        let tx = self.conn.unchecked_transaction()?;
        let writer = self.writer();
        insert(&tx, writer, &row, pending, true)?;
        self.audit_in(&tx, AuditAction::ParticipantCreated, None, Some(&row.id))?;
        tx.commit()?;
        self.load_participant(&row.id)
    }

    /// Saves the editable fields of a file: one operation per field that changed.
    pub fn participant_update(
        &mut self,
        id: &str,
        mut details: ParticipantDetails,
    ) -> Result<Participant> {
        let current = self.load_open_participant(id)?;
        let was = ParticipantDetails::of(&current)?;
        details.validate(crate::catalog::for_country(self.country()?), Some(&was))?;
        let before = was.columns()?;
        let after = details.columns()?;
        let changed: Vec<(&'static str, serde_json::Value)> = after
            .into_iter()
            .zip(before)
            .filter(|((_, new), (_, old))| new != old)
            .map(|((field, value), _)| (field.as_str(), value))
            .collect();
        if changed.is_empty() {
            return Ok(current);
        }
        let tx = self.conn.unchecked_transaction()?;
        let writer = self.writer();
        for (column, value) in changed {
            set_column(&tx, writer, id, column, value)?;
        }
        // The search text follows the names, whichever of them changed.
        set_search_text(
            &tx,
            id,
            &search_text(
                &current.case_code,
                &details.legal_name,
                details.chosen_name.as_deref(),
            ),
        )?;
        tx.commit()?;
        self.load_participant(id)
    }

    /// Sets one field from text (the command line's way): parses it, then saves it through
    /// [`Vault::participant_update`] or [`Vault::participant_assign`].
    pub fn participant_set(
        &mut self,
        id: &str,
        field: ParticipantField,
        value: Option<&str>,
    ) -> Result<Participant> {
        if field == ParticipantField::AssignedTo {
            return self.participant_assign(id, value);
        }
        let current = self.load_participant(id)?;
        let Value::Object(mut fields) = serde_json::to_value(ParticipantDetails::of(&current)?)?
        else {
            return Err(Error::Internal("details are not an object".into()));
        };
        fields.insert(
            field.log_name().to_string(),
            field.parse_value(clean(value.map(str::to_string)))?,
        );
        let details: ParticipantDetails = serde_json::from_value(Value::Object(fields))?;
        self.participant_update(id, details)
    }

    /// Assigns a file to a caseworker, or to nobody (coordinators and administrators only).
    pub fn participant_assign(&mut self, id: &str, username: Option<&str>) -> Result<Participant> {
        let current = self.load_participant(id)?;
        self.require(&[Role::Admin, Role::Coordinator])?;
        let staff_id = clean(username.map(str::to_string))
            .map(|u| self.staff_id_of(&u))
            .transpose()?;
        if current.assigned_to.as_deref() == username {
            return Ok(current);
        }
        let tx = self.conn.unchecked_transaction()?;
        set_column(&tx, self.writer(), id, "assigned_to", json!(staff_id))?;
        tx.commit()?;
        self.load_participant(id)
    }

    /// Shares a file with a caseworker besides the assigned one, or stops sharing it
    /// (coordinators and administrators only). The access list is on the change log as
    /// `participant_access` records.
    pub fn participant_share(
        &mut self,
        id: &str,
        username: &str,
        shared: bool,
    ) -> Result<Participant> {
        self.load_participant(id)?;
        self.require(&[Role::Admin, Role::Coordinator])?;
        let staff_id = self.staff_id_of(username)?;
        let exists: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM participant_access WHERE participant_id = ?1 AND staff_id = ?2)",
            params![id, staff_id],
            |row| row.get(0),
        )?;
        if exists == shared {
            return self.load_participant(id);
        }
        let record_id = access_id(id, &staff_id);
        let tx = self.conn.unchecked_transaction()?;
        let writer = self.writer();
        if shared {
            tx.execute(
                "INSERT INTO participant_access (participant_id, staff_id) VALUES (?1, ?2)",
                params![id, staff_id],
            )?;
        } else {
            tx.execute(
                "DELETE FROM participant_access WHERE participant_id = ?1 AND staff_id = ?2",
                params![id, staff_id],
            )?;
        }
        changelog::record(
            &tx,
            writer,
            Change {
                record_type: "participant_access",
                record_id: &record_id,
                field: "",
                kind: if shared {
                    OpKind::Create
                } else {
                    OpKind::Delete
                },
                value: Some(json!({ "participantId": id, "staffId": staff_id })),
                participant_id: Some(id),
            },
        )?;
        self.audit_in(
            &tx,
            if shared {
                AuditAction::ParticipantShared
            } else {
                AuditAction::ParticipantUnshared
            },
            Some(&staff_id),
            Some(id),
        )?;
        tx.commit()?;
        self.load_participant(id)
    }

    /// Closes a case with a reason. A closed file can be read but not changed until reopened.
    pub fn participant_close(&mut self, id: &str, reason: ClosingReason) -> Result<Participant> {
        self.load_open_participant(id)?;
        self.set_status(id, "closed", Some(reason), AuditAction::ParticipantClosed)
    }

    /// Reopens a closed case.
    pub fn participant_reopen(&mut self, id: &str) -> Result<Participant> {
        let current = self.load_participant(id)?;
        if current.status == "open" {
            return Ok(current);
        }
        self.set_status(id, "open", None, AuditAction::ParticipantReopened)
    }

    fn set_status(
        &mut self,
        id: &str,
        status: &'static str,
        reason: Option<ClosingReason>,
        action: AuditAction,
    ) -> Result<Participant> {
        let tx = self.conn.unchecked_transaction()?;
        let writer = self.writer();
        set_column(&tx, writer, id, "status", json!(status))?;
        set_column(
            &tx,
            writer,
            id,
            "closing_reason",
            json!(reason.map(ClosingReason::as_str)),
        )?;
        self.audit_in(&tx, action, None, Some(id))?;
        tx.commit()?;
        self.load_participant(id)
    }

    /// Opens a file, showing the legal name; the view is written to the audit log.
    pub fn participant_show(&mut self, id: &str) -> Result<Participant> {
        let participant = self.load_participant(id)?;
        self.audit(AuditAction::ParticipantViewed, None, Some(id))?;
        Ok(participant)
    }

    /// Lists and searches the files the signed-in person may see, newest in this vault first.
    pub fn participant_list(&self, query: &ParticipantQuery) -> Result<Vec<ParticipantSummary>> {
        Ok(self.participant_page(query)?.items)
    }

    /// [`Vault::participant_list`] with the number of matches, for paged lists. A list counts
    /// every file; a search counts up to [`SEARCH_COUNT_CAP`] past the page's start and says
    /// when it stopped there (`capped`).
    pub fn participant_page(&self, query: &ParticipantQuery) -> Result<ParticipantPage> {
        let terms = search::terms(query.text.as_deref().unwrap_or_default());
        if terms.len() > 20 {
            return Err(Error::invalid("text", "at most 20 words"));
        }
        let searching = !terms.is_empty();
        // Words of three letters or more go through the trigram index, shorter ones (which
        // it cannot find) through LIKE. Folded words are letters and digits only, so quoting
        // them makes a literal substring query.
        let (indexed, short): (Vec<String>, Vec<String>) =
            terms.into_iter().partition(|t| t.chars().count() >= 3);
        // Where the walk starts, steered by CROSS JOIN and by `+` (which hides the `deleted`
        // column from the indexes that begin with it). Pages come newest in this vault first
        // (`search_id`), so each walk can stop once the page is full:
        // - with indexed words, the trigram matches, newest first (the trigram index keeps
        //   them in that order), each checked against her row: a common name stops at the
        //   page, and the count at its cap;
        // - without, the list in order for a page, and a covering index to count (the
        //   search-text index for short words, which stops at the cap too).
        let (from, order, page_deleted, count_deleted) = if !indexed.is_empty() {
            (
                "FROM participant_search CROSS JOIN participants p
                      ON p.search_id = participant_search.rowid",
                "participant_search.rowid",
                "+p.deleted",
                "+p.deleted",
            )
        } else {
            (
                "FROM participants p",
                "p.search_id",
                "+p.deleted",
                "p.deleted",
            )
        };
        let mut filter = format!("{from} WHERE {{deleted}} = 0 AND {}", self.visible_clause());
        let mut values: Vec<rusqlite::types::Value> = vec![self.me.id.clone().into()];
        if !indexed.is_empty() {
            let expression = indexed
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(" AND ");
            values.push(expression.into());
            filter.push_str(&format!(" AND participant_search MATCH ?{}", values.len()));
        }
        for term in short {
            values.push(search::like_pattern(&term).into());
            filter.push_str(&format!(
                " AND p.search_text LIKE ?{} ESCAPE '\\'",
                values.len()
            ));
        }
        if let Some(status) = &query.status {
            values.push(status.clone().into());
            filter.push_str(&format!(" AND p.status = ?{}", values.len()));
        }
        if let Some(department) = &query.department {
            values.push(department.clone().into());
            filter.push_str(&format!(" AND p.department = ?{}", values.len()));
        }
        if let Some(username) = &query.assigned_to {
            values.push(staff::Username::typed(username).into_string().into());
            filter.push_str(&format!(
                " AND p.assigned_to = (SELECT id FROM staff WHERE username = ?{})",
                values.len()
            ));
        }
        match query.documents_pending {
            Some(true) => filter.push_str(" AND p.documents_pending > 0"),
            Some(false) => filter.push_str(" AND p.documents_pending = 0"),
            None => {}
        }
        match query.needs_open {
            Some(true) => filter.push_str(" AND p.needs_open > 0"),
            Some(false) => filter.push_str(" AND p.needs_open = 0"),
            None => {}
        }
        let limit = if query.limit == 0 {
            50
        } else {
            query.limit.min(500)
        };
        let summary = |row: &Row<'_>, assigned_to: Option<String>| {
            Ok(ParticipantSummary {
                id: row.get(0)?,
                case_code: row.get(1)?,
                chosen_name: row.get(2)?,
                department: row.get(3)?,
                status: row.get(4)?,
                assigned_to,
                documents_pending: row.get(6)?,
                needs_open: row.get(7)?,
            })
        };
        const SUMMARY: &str = "p.id, p.case_code, p.chosen_name, p.department, p.status,
                               p.assigned_to, p.documents_pending, p.needs_open";
        if !indexed.is_empty() {
            // One walk over the trigram matches, newest first, read once: the page's files are
            // kept and the rest only counted, up to the cap past the page's start.
            let cap = query.offset.saturating_add(SEARCH_COUNT_CAP);
            let usernames: std::collections::HashMap<String, String> = self
                .conn
                .prepare_cached("SELECT id, username FROM staff")?
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut statement = self.conn.prepare_cached(&format!(
                "SELECT {SUMMARY} {} ORDER BY {order} DESC LIMIT {cap}",
                filter.replace("{deleted}", page_deleted)
            ))?;
            let mut rows = statement.query(rusqlite::params_from_iter(values))?;
            let page = query.offset..query.offset.saturating_add(limit);
            let (mut total, mut items) = (0u32, Vec::new());
            while let Some(row) = rows.next()? {
                if page.contains(&total) {
                    let assigned_to = row
                        .get::<_, Option<String>>(5)?
                        .and_then(|id| usernames.get(&id).cloned());
                    items.push(summary(row, assigned_to)?);
                }
                total += 1;
            }
            return Ok(ParticipantPage {
                items,
                capped: total >= cap,
                total,
            });
        }
        // Without indexed words: a count over a covering index (a search by short words
        // stops at the cap), then the page.
        let count_filter = filter.replace("{deleted}", count_deleted);
        let cap = searching.then(|| query.offset.saturating_add(SEARCH_COUNT_CAP));
        let total: u32 = self.conn.query_row(
            &match cap {
                Some(cap) => format!("SELECT count(*) FROM (SELECT 1 {count_filter} LIMIT {cap})"),
                None => format!("SELECT count(*) {count_filter}"),
            },
            rusqlite::params_from_iter(values.iter()),
            |row| row.get(0),
        )?;
        values.push(i64::from(limit).into());
        values.push(i64::from(query.offset).into());
        let sql = format!(
            "SELECT {SUMMARY}, (SELECT username FROM staff WHERE id = p.assigned_to)
             {} ORDER BY {order} DESC LIMIT ?{} OFFSET ?{}",
            filter.replace("{deleted}", page_deleted),
            values.len() - 1,
            values.len()
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map(rusqlite::params_from_iter(values), |row| {
            summary(row, row.get(8)?)
        })?;
        Ok(ParticipantPage {
            items: rows.collect::<rusqlite::Result<_>>()?,
            capped: cap.is_some_and(|cap| total >= cap),
            total,
        })
    }
}

/// Writes a file's row as the change log states it (operations that arrived by sync): her
/// details, case code, caseworker, status and whether she is deleted, and her search text in
/// the row. With `index_now` the trigram index is updated too; otherwise the caller puts the
/// file in it later with [`index_files`] (a bulk writer: each write to the index flushes it).
/// A state without a case code or legal name (its `create` not held here) writes nothing.
/// Returns the case code she is given here when another file holds hers
/// ([`case_code_here`]), the first time.
pub(crate) fn write_folded(
    conn: &rusqlite::Connection,
    id: &str,
    state: &changelog::RecordState,
    created_at: &str,
    index_now: bool,
) -> Result<Option<String>> {
    let field = |name: &str| state.fields.get(name).cloned().unwrap_or(Value::Null);
    let (Some(case_code), Some(legal_name)) = (
        field("caseCode").as_str().map(str::to_string),
        field("legalName").as_str().map(str::to_string),
    ) else {
        return Ok(None);
    };
    let (case_code, newly) = case_code_here(conn, id, &case_code)?;
    let renamed = newly.then(|| case_code.clone());
    let chosen = field("chosenName");
    let text = search_text(&case_code, &legal_name, chosen.as_str());
    let mut columns: Vec<(&str, rusqlite::types::Value)> = vec![
        ("search_text", text.into()),
        ("case_code", case_code.into()),
        (
            "assigned_to",
            to_sql(&field(ParticipantField::AssignedTo.log_name())),
        ),
        (
            "status",
            field("status")
                .as_str()
                .unwrap_or("open")
                .to_string()
                .into(),
        ),
        ("closing_reason", to_sql(&field("closingReason"))),
        ("deleted", i64::from(state.deleted).into()),
    ];
    for detail in ParticipantField::DETAILS {
        columns.push((detail.as_str(), to_sql(&field(detail.log_name()))));
    }
    // A new file is a plain insert and a file held here a plain update, not one upsert: an
    // upsert on this table (whose updates move her tasks by trigger) is a statement SQLite
    // journals on its own, a copy of each page it touches allocated and freed every time.
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM participants WHERE id = ?1)")?
        .query_row([id], |row| row.get(0))?;
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    static INSERT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    static UPDATE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let mut values: Vec<rusqlite::types::Value> = vec![id.to_string().into()];
    let sql = if exists {
        UPDATE.get_or_init(|| {
            let sets: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(i, name)| format!("{name} = ?{}", i + 2))
                .collect();
            format!("UPDATE participants SET {} WHERE id = ?1", sets.join(", "))
        })
    } else {
        values.push(created_at.to_string().into());
        INSERT.get_or_init(|| {
            let marks: Vec<String> = (0..names.len()).map(|i| format!("?{}", i + 3)).collect();
            format!(
                "INSERT INTO participants (id, created_at, {}, search_id)
                 VALUES (?1, ?2, {}, (SELECT coalesce(max(search_id), 0) + 1 FROM participants))",
                names.join(", "),
                marks.join(", ")
            )
        })
    };
    values.extend(columns.into_iter().map(|(_, value)| value));
    conn.prepare_cached(sql)?
        .execute(rusqlite::params_from_iter(values))?;
    if index_now {
        index_files(conn, &[id])?;
    }
    Ok(renamed)
}

/// The case code a file goes by on this laptop. Two laptops may each draw one code for two
/// women (rarely: see [`draw_case_code`]): the file this laptop held first keeps it, and the
/// other goes by it followed by the first characters of her id (`CO-7K3M-9XQ2-1F3C`), on
/// this laptop, for good. True when she is given such a code now.
fn case_code_here(conn: &rusqlite::Connection, id: &str, code: &str) -> Result<(String, bool)> {
    let held: Option<String> = conn
        .prepare_cached("SELECT case_code FROM participants WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()?;
    let taken = |code: &str| -> Result<bool> {
        Ok(conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM participants WHERE case_code = ?1 AND id != ?2)",
            )?
            .query_row(rusqlite::params![code, id], |row| row.get(0))?)
    };
    let mark = |code: &str, mark: &str| format!("{code}-{}", mark.to_ascii_uppercase());
    crate::store::name_here(held, code, id, taken, mark)?
        .ok_or(Error::VaultCorrupt("two files with one id"))
}

/// Puts the files `ids` in the trigram index as their rows' search text states them, in two
/// statements whatever their number (files not held here are left out).
pub(crate) fn index_files(conn: &rusqlite::Connection, ids: &[&str]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let list = serde_json::to_string(ids)?;
    conn.prepare_cached(
        "DELETE FROM participant_search WHERE rowid IN
            (SELECT search_id FROM participants WHERE id IN (SELECT value FROM json_each(?1)))",
    )?
    .execute([&list])?;
    conn.prepare_cached(
        "INSERT INTO participant_search (rowid, text)
         SELECT search_id, search_text FROM participants
         WHERE id IN (SELECT value FROM json_each(?1))",
    )?
    .execute([&list])?;
    Ok(())
}

/// Writes whether a file is shared with a colleague as the change log states it.
pub(crate) fn write_access_folded(
    conn: &rusqlite::Connection,
    state: &changelog::RecordState,
) -> Result<()> {
    let text = |name: &str| state.fields.get(name).and_then(Value::as_str);
    let (Some(participant), Some(staff)) = (text("participantId"), text("staffId")) else {
        return Ok(());
    };
    if state.deleted {
        conn.execute(
            "DELETE FROM participant_access WHERE participant_id = ?1 AND staff_id = ?2",
            params![participant, staff],
        )?;
    } else {
        conn.execute(
            "INSERT OR IGNORE INTO participant_access (participant_id, staff_id)
             SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM participants WHERE id = ?1)
                             AND EXISTS (SELECT 1 FROM staff WHERE id = ?2)",
            params![participant, staff],
        )?;
    }
    Ok(())
}

/// Takes a file off this laptop: her row, who it is shared with, her records, tasks, search
/// entry and every operation about her (a laptop that may no longer see her, or her
/// erasure). Secure delete is on, so the freed pages are zeroed.
pub(crate) fn purge(conn: &rusqlite::Connection, id: &str) -> Result<()> {
    purge_keeping(conn, id, None)
}

/// [`purge`], keeping the operations of `keep`'s device numbered after its sequence number:
/// this laptop's own operations that no laptop holding every file has confirmed yet.
pub(crate) fn purge_keeping(
    conn: &rusqlite::Connection,
    id: &str,
    keep: Option<(i64, u64)>,
) -> Result<()> {
    let bytes = crate::compact::id_bytes(id);
    conn.execute(
        "DELETE FROM participant_search WHERE rowid =
             (SELECT search_id FROM participants WHERE id = ?1)",
        [id],
    )?;
    for sql in [
        "DELETE FROM tasks_due WHERE participant_id = ?1",
        "DELETE FROM participant_access WHERE participant_id = ?1",
        "DELETE FROM visits WHERE participant_id = ?1",
        "DELETE FROM summary_facts WHERE participant_id = ?1",
    ] {
        conn.execute(sql, [id])?;
    }
    conn.execute(
        "DELETE FROM case_records WHERE participant_id = ?1",
        [bytes.as_slice()],
    )?;
    let (device, after) = keep.map_or((-1, 0), |(device, after)| (device, after as i64));
    crate::changelog::purging(conn, || {
        conn.execute(
            "DELETE FROM change_log WHERE participant_id = ?1 AND NOT (device = ?2 AND seq > ?3)",
            rusqlite::params![bytes.as_slice(), device, after],
        )
        .map_err(Into::into)
    })?;
    conn.execute("DELETE FROM participants WHERE id = ?1", [id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_names_her_fields_in_camel_case() {
        assert_eq!(log_field("legal_name"), "legalName");
        assert_eq!(log_field("closing_reason"), "closingReason");
        assert_eq!(log_field("status"), "status");
    }

    #[test]
    fn case_codes_read_aloud_in_two_groups_and_are_drawn_again_when_taken() {
        let code = draw_case_code("CO");
        let parts: Vec<&str> = code.split('-').collect();
        assert_eq!(parts.len(), 3, "{code}");
        assert_eq!(parts[0], "CO");
        for group in &parts[1..] {
            assert_eq!(group.len(), 4, "{code}");
            assert!(group
                .chars()
                .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"ILOU".contains(c))));
        }
        let distinct: std::collections::BTreeSet<String> =
            (0..2000).map(|_| draw_case_code("CO")).collect();
        assert_eq!(
            distinct.len(),
            2000,
            "40 random bits do not repeat in 2,000 draws"
        );

        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::store::migrations::apply(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO participants (id, case_code, legal_name, search_text, created_at, search_id)
             VALUES ('p1', 'CO-AAAA-AAAA', 'X', 'x', '2026-01-01', 1)",
            [],
        )
        .unwrap();
        let mut draws = vec!["CO-BBBB-BBBB", "CO-AAAA-AAAA", "CO-AAAA-AAAA"];
        let code = unique_case_code(&conn, || draws.pop().unwrap().to_string()).unwrap();
        assert_eq!(code, "CO-BBBB-BBBB");
        assert!(draws.is_empty(), "both taken codes were drawn again");
        assert!(unique_case_code(&conn, || "CO-AAAA-AAAA".to_string()).is_err());
    }

    #[test]
    fn closing_reasons_and_fields_parse_from_the_codes_they_store() {
        for reason in ClosingReason::ALL {
            assert_eq!(json!(reason), json!(reason.as_str()));
            assert_eq!(reason.as_str().parse::<ClosingReason>().unwrap(), reason);
        }
        for field in ParticipantField::ALL {
            assert_eq!(json!(field), json!(field.as_str()));
            assert_eq!(field.as_str().parse::<ParticipantField>().unwrap(), field);
        }
        assert!("Completed".parse::<ClosingReason>().is_err());
        assert!("message-ok".parse::<ParticipantField>().is_err());
    }
}
