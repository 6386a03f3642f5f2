//! What the summaries know about each woman: her details and the records that feed an
//! indicator, read in one pass over the database. Nothing here leaves the core: the tables are
//! counted from it ([`super::indicators`]) and protected before anyone sees them.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::changelog;
use crate::compact;
use crate::error::{Error, Result};
use crate::records::consent::ConsentPurpose;
use crate::records::contacts::ContactType;
use crate::records::household::{Dependant, Household, Relationship};
use crate::records::record::{CaseRecord, RecordData};

/// The record kinds an indicator reads; notes, tasks, needs and the rest are never read.
const KINDS: [&str; 13] = [
    "consent",
    "household",
    "dependant",
    "housing",
    "document",
    "proceeding",
    "legal_status",
    "prison_stay",
    "legal_application",
    "service_plan",
    "service_hours",
    "referral",
    "contact",
];

/// One woman, as the summaries see her.
#[derive(Debug, Clone, Default)]
pub(crate) struct Woman {
    /// Her random key for the cell-key method (kept in the vault, the same every time).
    pub key: u32,
    pub created: Option<NaiveDate>,
    pub open: bool,
    pub birth_year: Option<i32>,
    pub department: Option<String>,
    pub gender_identity: Option<String>,
    pub ethnicity: Option<String>,
    pub nationality: Option<String>,
    /// The earliest statistics consent she gave; none if she never gave one.
    pub consent_given: Option<NaiveDate>,
    /// Whether she ever revoked a statistics consent: then she is in no count.
    pub consent_revoked: bool,
    /// Her records that feed an indicator, oldest first.
    pub records: Vec<CaseRecord>,
    /// The days of her contacts, and whether each was a prison visit.
    pub contacts: Vec<(NaiveDate, bool)>,
}

impl Woman {
    /// Whether she is in the summaries of a quarter ending on `end`: a statistics consent
    /// given by then, and none ever revoked.
    pub fn consents(&self, end: NaiveDate) -> bool {
        !self.consent_revoked && self.consent_given.is_some_and(|given| given <= end)
    }

    /// Whether the organization supported her in the quarter `start..=end`: her file was
    /// opened by its end, and it is still open or she had a contact in the quarter.
    pub fn supported(&self, start: NaiveDate, end: NaiveDate) -> bool {
        self.created.is_some_and(|created| created <= end)
            && (self.open
                || self
                    .contacts
                    .iter()
                    .any(|(day, _)| (start..=end).contains(day)))
    }

    pub fn household(&self) -> Option<&Household> {
        self.records.iter().rev().find_map(|r| match &r.data {
            RecordData::Household(h) => Some(h),
            _ => None,
        })
    }

    /// Her children and grandchildren (the dependants a summary counts as children).
    pub fn children(&self) -> impl Iterator<Item = &Dependant> {
        self.records.iter().filter_map(|r| match &r.data {
            RecordData::Dependant(d)
                if matches!(
                    d.relationship,
                    Relationship::Daughter | Relationship::Son | Relationship::Grandchild
                ) =>
            {
                Some(d)
            }
            _ => None,
        })
    }

    pub fn of<'a, T: 'a>(
        &'a self,
        pick: impl Fn(&'a RecordData) -> Option<&'a T> + 'a,
    ) -> impl Iterator<Item = &'a T> + 'a {
        self.records.iter().filter_map(move |r| pick(&r.data))
    }
}

/// A date as the records write it (`YYYY-MM-DD`); anything else is no date.
pub(crate) fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// Every woman of the vault (files not deleted), with her records, keyed by her id.
pub(crate) fn load(conn: &Connection) -> Result<Vec<Woman>> {
    ensure_keys(conn)?;
    let mut women: Vec<Woman> = Vec::new();
    let mut index: HashMap<[u8; 16], usize> = HashMap::new();
    {
        let mut statement = conn.prepare(
            "SELECT p.id, p.created_at, p.status, p.birth_year, p.department,
                    p.gender_identity, p.ethnicity, p.nationality, k.cell_key
             FROM participants p JOIN summary_keys k ON k.participant_id = p.id
             WHERE p.deleted = 0",
        )?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let created: String = row.get(1)?;
            let status: String = row.get(2)?;
            index.insert(compact::id_bytes(&id), women.len());
            women.push(Woman {
                key: row.get::<_, i64>(8)? as u32,
                created: day(&created),
                open: status == "open",
                birth_year: row.get(3)?,
                department: row.get(4)?,
                gender_identity: row.get(5)?,
                ethnicity: row.get(6)?,
                nationality: row.get(7)?,
                ..Woman::default()
            });
        }
    }
    let names = changelog::Names::load(conn)?;
    let mut codes = Vec::new();
    for kind in KINDS {
        if let Some(code) = compact::term_code(kind) {
            codes.push(code.to_string());
        }
    }
    let mut statement = conn.prepare(&format!(
        "SELECT r.participant_id, r.kind, r.data, l.value, r.id
         FROM case_records r
         LEFT JOIN change_log l
                ON r.data IS NULL AND l.device = r.origin_device AND l.seq = r.origin_seq
         WHERE r.deleted = 0 AND r.kind IN ({})",
        codes.join(", ")
    ))?;
    let mut rows = statement.query([])?;
    let bad = || Error::VaultCorrupt("bad record in the database");
    while let Some(row) = rows.next()? {
        let her: Vec<u8> = row.get(0)?;
        let Ok(her_bytes) = <[u8; 16]>::try_from(her.as_slice()) else {
            return Err(bad());
        };
        let Some(&at) = index.get(&her_bytes) else {
            continue;
        };
        let kind = names.name(row.get(1)?)?;
        let own: Option<Vec<u8>> = row.get(2)?;
        let origin: Option<Vec<u8>> = row.get(3)?;
        let her_id = compact::id_text(&her_bytes)?;
        let value = match (own, origin) {
            (Some(own), _) => compact::decode_value(&own, None)?,
            (None, Some(created)) => compact::decode_value(&created, Some(&her_id))?,
            (None, None) => return Err(bad()),
        };
        let serde_json::Value::Object(mut fields) = value else {
            return Err(bad());
        };
        fields.remove(compact::PARTICIPANT_FIELD);
        let data = RecordData::from_fields(&kind, fields)?;
        let woman = &mut women[at];
        match &data {
            RecordData::Consent(c) if c.purpose == ConsentPurpose::Statistics => {
                if c.revoked_on.is_some() {
                    woman.consent_revoked = true;
                }
                if let Some(given) = day(&c.given_on) {
                    woman.consent_given = Some(woman.consent_given.map_or(given, |g| g.min(given)));
                }
                continue;
            }
            RecordData::Consent(_) => continue,
            RecordData::Contact(c) => {
                if let Some(on) = day(&c.date) {
                    woman
                        .contacts
                        .push((on, c.contact_type == ContactType::PrisonVisit));
                }
                continue;
            }
            _ => {}
        }
        let id: Vec<u8> = row.get(4)?;
        woman.records.push(CaseRecord {
            id: compact::id_text(&id)?,
            participant_id: String::new(),
            data,
            created_at: String::new(),
            created_by: None,
            masked: false,
        });
    }
    Ok(women)
}

/// Gives every woman without one her random cell key. A key is never shown and never leaves
/// the vault; her erasure removes it with her.
fn ensure_keys(conn: &Connection) -> Result<()> {
    let missing: Vec<String> = conn
        .prepare(
            "SELECT id FROM participants p WHERE NOT EXISTS
               (SELECT 1 FROM summary_keys k WHERE k.participant_id = p.id)",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if missing.is_empty() {
        return Ok(());
    }
    let mut insert =
        conn.prepare_cached("INSERT INTO summary_keys (participant_id, cell_key) VALUES (?1, ?2)")?;
    for id in missing {
        let key = u32::from_le_bytes(crate::crypto::random_array::<4>());
        insert.execute(rusqlite::params![id, key as i64])?;
    }
    Ok(())
}
