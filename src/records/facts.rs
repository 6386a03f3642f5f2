//! What a woman's file adds up to for the anonymized summaries: her dated facts (consent to
//! statistics, legal status over time, children, applications, hours, releases, documents
//! that show an outcome, housing, referrals, contacts), kept in `summary_facts` beside her
//! file and refreshed wherever her counts and tasks are, so that a summary reads one small
//! value per woman instead of every record. Never shown: only the summaries read them, and
//! their tables leave the core protected.

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::catalog::{CountryCatalog, OffenceCategory};
use crate::error::{Error, Result};
use crate::records::consent::ConsentPurpose;
use crate::records::contacts::ContactType;
use crate::records::household::{Carer, HousingTenure, IncomeBand, Relationship};
use crate::records::housing::HousingSituation;
use crate::records::legal::{ApplicationStatus, LegalStatus, RefusalReason};
use crate::records::needs::NeedCategory;
use crate::records::record::{CaseRecord, RecordData};
use crate::records::referrals::ReferralStatus;

/// Bumped whenever what [`Facts`] holds or how it is computed changes: older rows are
/// computed again when a summary is asked for.
pub const VERSION: i64 = 1;

/// A day as a number (days from the common era), `None` for no or a bad date.
pub fn day_number(text: &str) -> Option<i32> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d")
        .ok()
        .map(|d| d.num_days_from_ce())
}

pub fn day_of(number: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(number).unwrap_or_default()
}

/// One child or grandchild.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    #[serde(rename = "c")]
    pub carer: Carer,
    #[serde(rename = "b")]
    pub born: Option<i32>,
    #[serde(rename = "a")]
    pub age: Option<u8>,
    #[serde(rename = "p")]
    pub in_prison: bool,
}

/// One legal application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    #[serde(rename = "t")]
    pub application_type: String,
    #[serde(rename = "f")]
    pub filed: Option<i32>,
    #[serde(rename = "s")]
    pub status: ApplicationStatus,
    #[serde(rename = "d")]
    pub decided: Option<i32>,
    #[serde(rename = "r")]
    pub refusal: Option<RefusalReason>,
}

/// One Law 2292 plan and the hours logged against it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    #[serde(rename = "s")]
    pub start: i32,
    #[serde(rename = "d")]
    pub due: u32,
    #[serde(rename = "w")]
    pub per_week: u32,
    /// (day, hours)
    #[serde(rename = "h")]
    pub hours: Vec<(i32, u32)>,
}

impl Plan {
    /// Hours logged up to `day`, and the hours expected by then.
    pub fn at(&self, day: i32) -> (u32, u32) {
        let logged = self
            .hours
            .iter()
            .filter(|(on, _)| *on <= day)
            .map(|(_, h)| h)
            .sum();
        let weeks = if day < self.start {
            0
        } else {
            ((day - self.start) as u32) / 7 + 1
        };
        (logged, (weeks * self.per_week).min(self.due))
    }
}

/// What one file adds up to: a value per woman, read in bulk (postcard: no field names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// The earliest statistics consent she gave.
    #[serde(rename = "c")]
    pub consent_given: Option<i32>,
    /// Whether she ever revoked a statistics consent.
    #[serde(rename = "r")]
    pub consent_revoked: bool,
    /// (since, status), every change of legal status.
    #[serde(rename = "s")]
    pub statuses: Vec<(i32, LegalStatus)>,
    /// Her latest proceeding's offence category.
    #[serde(rename = "o")]
    pub offence: Option<OffenceCategory>,
    /// The sentence of her latest proceeding that gives one.
    #[serde(rename = "m")]
    pub sentence_months: Option<u32>,
    #[serde(rename = "h")]
    pub head_of_household: Option<bool>,
    #[serde(rename = "n")]
    pub notarial_declaration: Option<i32>,
    #[serde(rename = "i")]
    pub income: Option<IncomeBand>,
    #[serde(rename = "t")]
    pub tenure: Option<HousingTenure>,
    #[serde(rename = "g")]
    pub socioeconomic_group: Option<String>,
    #[serde(rename = "k")]
    pub children: Vec<Child>,
    #[serde(rename = "a")]
    pub applications: Vec<Application>,
    #[serde(rename = "p")]
    pub plans: Vec<Plan>,
    /// Every hours entry (day, hours), whatever its plan.
    #[serde(rename = "w")]
    pub hours: Vec<(i32, u32)>,
    /// The days she left prison.
    #[serde(rename = "x")]
    pub releases: Vec<i32>,
    /// Her own ID documents held: (obtained, expires).
    #[serde(rename = "d")]
    pub identity: Vec<(Option<i32>, Option<i32>)>,
    /// Her own health-coverage documents held: (obtained, expires).
    #[serde(rename = "e")]
    pub health: Vec<(Option<i32>, Option<i32>)>,
    /// (from, until, stable: family, rented or own).
    #[serde(rename = "u")]
    pub housing: Vec<(i32, Option<i32>, bool)>,
    /// (referred on, category, completed).
    #[serde(rename = "f")]
    pub referrals: Vec<(i32, NeedCategory, bool)>,
    /// (day, prison visit).
    #[serde(rename = "v")]
    pub contacts: Vec<(i32, bool)>,
}

impl Facts {
    /// What her live records (oldest first) add up to.
    pub fn of(records: &[CaseRecord], catalog: &CountryCatalog) -> Facts {
        let mut facts = Facts::default();
        let mut plan_index: Vec<(&str, usize)> = Vec::new();
        let outcome = &catalog.outcome_documents;
        for record in records {
            match &record.data {
                RecordData::Consent(c) if c.purpose == ConsentPurpose::Statistics => {
                    if c.revoked_on.is_some() {
                        facts.consent_revoked = true;
                    }
                    if let Some(given) = day_number(&c.given_on) {
                        facts.consent_given =
                            Some(facts.consent_given.map_or(given, |g| g.min(given)));
                    }
                }
                RecordData::LegalStatus(s) => {
                    if let Some(since) = day_number(&s.since) {
                        facts.statuses.push((since, s.status));
                    }
                }
                RecordData::Proceeding(p) => {
                    facts.offence = Some(p.offence_category);
                    if p.sentence_months.is_some() {
                        facts.sentence_months = p.sentence_months;
                    }
                }
                RecordData::Household(h) => {
                    facts.head_of_household = h.head_of_household;
                    facts.notarial_declaration =
                        h.notarial_declaration_on.as_deref().and_then(day_number);
                    facts.income = h.income_band;
                    facts.tenure = h.tenure;
                    facts.socioeconomic_group =
                        h.socioeconomic_group.clone().filter(|g| !g.is_empty());
                }
                RecordData::Dependant(d)
                    if matches!(
                        d.relationship,
                        Relationship::Daughter | Relationship::Son | Relationship::Grandchild
                    ) =>
                {
                    facts.children.push(Child {
                        carer: d.carer,
                        born: d.birth_date.as_deref().and_then(day_number),
                        age: d.age,
                        in_prison: d.lives_with_her_in_prison,
                    });
                }
                RecordData::LegalApplication(a) => facts.applications.push(Application {
                    application_type: a.application_type.clone(),
                    filed: a.filed_on.as_deref().and_then(day_number),
                    status: a.status,
                    decided: a.decided_on.as_deref().and_then(day_number),
                    refusal: a.refusal_reason,
                }),
                RecordData::ServicePlan(p) => {
                    if let Some(start) = day_number(&p.start_on) {
                        plan_index.push((record.id.as_str(), facts.plans.len()));
                        facts.plans.push(Plan {
                            start,
                            due: p.hours_due(),
                            per_week: p.hours_per_week,
                            hours: Vec::new(),
                        });
                    }
                }
                RecordData::PrisonStay(s) => {
                    if let Some(left) = s.left_on.as_deref().and_then(day_number) {
                        facts.releases.push(left);
                    }
                }
                RecordData::Document(d)
                    if d.dependant_id.is_none()
                        && d.status == crate::records::documents::DocumentStatus::Has =>
                {
                    let held = (
                        d.obtained_on.as_deref().and_then(day_number),
                        d.expires_on.as_deref().and_then(day_number),
                    );
                    if outcome.identity.contains(&d.document_type) {
                        facts.identity.push(held);
                    }
                    if outcome.health.contains(&d.document_type) {
                        facts.health.push(held);
                    }
                }
                RecordData::Housing(h) => {
                    if let Some(from) = day_number(&h.from) {
                        let stable = matches!(
                            h.situation,
                            HousingSituation::Family
                                | HousingSituation::Rented
                                | HousingSituation::Own
                        );
                        facts
                            .housing
                            .push((from, h.until.as_deref().and_then(day_number), stable));
                    }
                }
                RecordData::Referral(r) => {
                    if let Some(on) = day_number(&r.referred_on) {
                        facts.referrals.push((
                            on,
                            r.category,
                            r.status == ReferralStatus::Completed,
                        ));
                    }
                }
                RecordData::Contact(c) => {
                    if let Some(on) = day_number(&c.date) {
                        facts
                            .contacts
                            .push((on, c.contact_type == ContactType::PrisonVisit));
                    }
                }
                _ => {}
            }
        }
        // Hours after every plan is known (an entry names its plan).
        for record in records {
            if let RecordData::ServiceHours(h) = &record.data {
                if let Some(on) = day_number(&h.date) {
                    facts.hours.push((on, h.hours));
                    if let Some((_, at)) = plan_index.iter().find(|(id, _)| *id == h.plan_id) {
                        facts.plans[*at].hours.push((on, h.hours));
                    }
                }
            }
        }
        facts
    }

    pub fn encode(&self) -> Result<Vec<u8>> {
        postcard::to_stdvec(self)
            .map_err(|_| Error::Internal("summary facts could not be encoded".into()))
    }

    pub fn decode(bytes: &[u8]) -> Result<Facts> {
        postcard::from_bytes(bytes).map_err(|_| Error::VaultCorrupt("bad summary facts"))
    }
}

/// Whether a change to a record of `kind` can change her facts.
pub(crate) fn moves_facts(kind: &str) -> bool {
    matches!(
        kind,
        "consent"
            | "household"
            | "dependant"
            | "housing"
            | "document"
            | "proceeding"
            | "legal_status"
            | "prison_stay"
            | "legal_application"
            | "service_plan"
            | "service_hours"
            | "referral"
            | "contact"
    )
}

/// Writes her facts from her live records (her cell key, drawn at random the first time, is
/// kept).
pub(crate) fn refresh(
    conn: &Connection,
    participant_id: &str,
    records: &[CaseRecord],
    catalog: &CountryCatalog,
) -> Result<()> {
    let facts = Facts::of(records, catalog).encode()?;
    let key = u32::from_le_bytes(rand::random::<[u8; 4]>());
    // Her own fields read first, then one plain row written: an `INSERT ... SELECT` is a
    // statement SQLite journals on its own (a copy of every page it touches, allocated and
    // freed each time; see tasks::refresh). They are copied as stored: both tables hold them
    // in the same STRICT columns.
    let own: Option<Vec<Value>> = conn
        .prepare_cached(
            "SELECT created_at, status, deleted, birth_year, department, gender_identity,
                    ethnicity, nationality
             FROM participants WHERE id = ?1",
        )?
        .query_row([participant_id], |row| (0..8).map(|i| row.get(i)).collect())
        .optional()?;
    let Some(own) = own else {
        return Ok(());
    };
    let row = [
        Value::Text(participant_id.to_string()),
        Value::Integer(VERSION),
        Value::Integer(i64::from(key)),
        Value::Blob(facts),
    ];
    conn.prepare_cached(
        "INSERT INTO summary_facts (participant_id, version, cell_key, facts, created_at, status,
                                    deleted, birth_year, department, gender_identity,
                                    ethnicity, nationality)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT(participant_id) DO UPDATE SET version = excluded.version,
             facts = excluded.facts, created_at = excluded.created_at,
             status = excluded.status, deleted = excluded.deleted,
             birth_year = excluded.birth_year, department = excluded.department,
             gender_identity = excluded.gender_identity, ethnicity = excluded.ethnicity,
             nationality = excluded.nationality",
    )?
    .execute(rusqlite::params_from_iter(row.into_iter().chain(own)))?;
    Ok(())
}
