//! Criminal proceedings, prison stays and legal applications. Application types, their
//! deadlines and the documents that usually prove them are country data
//! ([`crate::catalog::LegalApplicationType`]); this module checks records and computes what
//! the law sets: a deadline from the filing date, and the points of an eligibility guide.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

pub use crate::catalog::OffenceCategory;
use crate::catalog::{CountryCatalog, LegalApplicationType};
use crate::error::{Error, Result};
use crate::records::case_file::FileContext;
use crate::records::validate;

/// Which justice system handles the case (federal or state in Mexico and Brazil).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    Federal,
    State,
    Ordinary,
}

/// Where the case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LegalStatus {
    Investigation,
    PretrialDetention,
    Sentenced,
    HouseArrest,
    ElectronicMonitoring,
    AlternativeMeasure,
    ConditionalRelease,
    SentenceServed,
}

/// A criminal proceeding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Proceeding {
    #[serde(default)]
    pub jurisdiction: Option<Jurisdiction>,
    #[serde(default)]
    pub case_number: Option<String>,
    #[serde(default)]
    pub court: Option<String>,
    /// The offence as the local code names it, e.g. "Art. 376 CP".
    #[serde(default)]
    pub offence_code: Option<String>,
    pub offence_category: OffenceCategory,
    #[serde(default)]
    pub sentence_months: Option<u32>,
    #[serde(default)]
    pub expected_release_on: Option<String>,
}

impl Proceeding {
    pub(crate) fn validate(&mut self) -> Result<()> {
        validate::optional_text("caseNumber", &mut self.case_number, 80)?;
        validate::optional_text("court", &mut self.court, 200)?;
        validate::optional_text("offenceCode", &mut self.offence_code, 200)?;
        if matches!(self.sentence_months, Some(m) if m == 0 || m > 1200) {
            return Err(Error::invalid("sentenceMonths", "between 1 and 1200"));
        }
        validate::optional_date("expectedReleaseOn", &mut self.expected_release_on)?;
        Ok(())
    }
}

/// One step of a proceeding's legal status over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegalStatusChange {
    pub proceeding_id: String,
    pub status: LegalStatus,
    pub since: String,
}

impl LegalStatusChange {
    pub(crate) fn validate(&mut self) -> Result<()> {
        validate::past_date("since", &self.since)?;
        Ok(())
    }
}

/// A stay in prison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrisonStay {
    #[serde(default)]
    pub proceeding_id: Option<String>,
    pub facility: String,
    pub entered_on: String,
    #[serde(default)]
    pub left_on: Option<String>,
}

impl PrisonStay {
    pub(crate) fn validate(&mut self) -> Result<()> {
        self.facility = self.facility.trim().to_string();
        if self.facility.is_empty() {
            return Err(Error::invalid("facility", "required"));
        }
        validate::name("facility", &self.facility)?;
        let entered = validate::past_date("enteredOn", &self.entered_on)?;
        if let Some(left) = validate::optional_date("leftOn", &mut self.left_on)? {
            if left < entered {
                return Err(Error::invalid("leftOn", "not before she entered"));
            }
            validate::past_date("leftOn", self.left_on.as_deref().unwrap_or_default())?;
        }
        Ok(())
    }
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Preparing,
    Filed,
    Granted,
    Denied,
    Withdrawn,
}

impl ApplicationStatus {
    /// The authority has answered (or she withdrew it).
    pub fn is_decided(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Granted | ApplicationStatus::Denied | ApplicationStatus::Withdrawn
        )
    }
}

/// Why an application was refused, coded so refusals can be counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    MarginalityNotProven,
    HeadOfHouseholdNotProven,
    PlanNotFormalised,
    ExcludedOffence,
    PriorRecord,
    IncompleteFile,
    NoAnswerInTime,
    Other,
}

/// An application to a court or authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegalApplication {
    /// The type's code from the country's list.
    pub application_type: String,
    #[serde(default)]
    pub proceeding_id: Option<String>,
    /// Who files it: the organization's lawyer, a public defender, herself.
    #[serde(default)]
    pub filed_by: Option<String>,
    #[serde(default)]
    pub filed_on: Option<String>,
    #[serde(default)]
    pub authority: Option<String>,
    #[serde(default)]
    pub file_number: Option<String>,
    /// Record ids of her documents that prove its points.
    #[serde(default)]
    pub evidence: Vec<String>,
    pub status: ApplicationStatus,
    #[serde(default)]
    pub decided_on: Option<String>,
    #[serde(default)]
    pub refusal_reason: Option<RefusalReason>,
    /// Law 2292: how the link between the offence and marginality is shown.
    #[serde(default)]
    pub marginality_evidence: Option<String>,
    /// Law 2292: an intentional conviction in the five years before the offence.
    #[serde(default)]
    pub prior_conviction: Option<bool>,
    /// Law 2292: the offence is one the law excludes.
    #[serde(default)]
    pub excluded_offence: Option<bool>,
    #[serde(default)]
    pub notes: Option<String>,
}

impl LegalApplication {
    pub(crate) fn validate(&mut self, catalog: &CountryCatalog) -> Result<()> {
        catalog
            .legal_application_type(&self.application_type)
            .ok_or(Error::invalid(
                "applicationType",
                "not on this country's list",
            ))?;
        validate::optional_text("filedBy", &mut self.filed_by, 200)?;
        validate::optional_text("authority", &mut self.authority, 200)?;
        validate::optional_text("fileNumber", &mut self.file_number, 80)?;
        validate::optional_text("marginalityEvidence", &mut self.marginality_evidence, 2000)?;
        validate::optional_text("notes", &mut self.notes, 4000)?;
        let filed = validate::optional_date("filedOn", &mut self.filed_on)?;
        if let Some(filed) = filed {
            validate::past_date("filedOn", &filed.to_string())?;
        }
        if self.status != ApplicationStatus::Preparing && filed.is_none() {
            return Err(Error::invalid("filedOn", "required once filed"));
        }
        let decided = validate::optional_date("decidedOn", &mut self.decided_on)?;
        match (self.status.is_decided(), decided) {
            (true, None) if self.status != ApplicationStatus::Withdrawn => {
                return Err(Error::invalid("decidedOn", "required for a decision"))
            }
            (false, Some(_)) => return Err(Error::invalid("decidedOn", "only for a decision")),
            _ => {}
        }
        if let (Some(filed), Some(decided)) = (filed, decided) {
            if decided < filed {
                return Err(Error::invalid("decidedOn", "not before it was filed"));
            }
            validate::past_date("decidedOn", &decided.to_string())?;
        }
        if self.refusal_reason.is_some() && self.status != ApplicationStatus::Denied {
            return Err(Error::invalid("refusalReason", "only for a denial"));
        }
        if self.status == ApplicationStatus::Denied && self.refusal_reason.is_none() {
            return Err(Error::invalid("refusalReason", "required for a denial"));
        }
        self.evidence.sort();
        self.evidence.dedup();
        if self.evidence.len() > 50 {
            return Err(Error::invalid("evidence", "at most 50 documents"));
        }
        Ok(())
    }

    /// The day the authority must have answered by, where the law sets a term.
    pub fn deadline(&self, kind: &LegalApplicationType) -> Option<NaiveDate> {
        let months = kind.deadline_months?;
        let filed = NaiveDate::parse_from_str(self.filed_on.as_deref()?, "%Y-%m-%d").ok()?;
        deadline_after(filed, months)
    }
}

/// `months` months after `filed`, clamped to the month's last day (31 October + 4 months is
/// 28 or 29 February).
pub fn deadline_after(filed: NaiveDate, months: u32) -> Option<NaiveDate> {
    filed.checked_add_months(Months::new(months))
}

/// An application's deadline as of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ApplicationDeadline {
    pub record_id: String,
    /// The last day for an answer, where the law sets one.
    pub deadline: Option<String>,
    /// Days from `today` to the deadline (negative once past).
    pub days_left: Option<i32>,
    /// Undecided past a deadline whose silence counts as a denial.
    pub denied_by_silence: bool,
}

impl ApplicationDeadline {
    pub(crate) fn of(
        record_id: &str,
        application: &LegalApplication,
        kind: &LegalApplicationType,
        today: NaiveDate,
    ) -> Self {
        let deadline = application.deadline(kind);
        let open = application.status == ApplicationStatus::Filed;
        ApplicationDeadline {
            record_id: record_id.to_string(),
            deadline: deadline.map(|d| d.to_string()),
            days_left: deadline
                .filter(|_| open)
                .map(|d| (d - today).num_days().clamp(-100_000, 100_000) as i32),
            denied_by_silence: open
                && kind.silence_means_denial
                && deadline.is_some_and(|d| today > d),
        }
    }
}

impl LegalStatusChange {
    /// Its fields, and the proceeding it belongs to: one of her file's.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate()?;
        file.link("proceeding", Some(&self.proceeding_id), "proceedingId")
    }
}

impl PrisonStay {
    /// Its fields, and the proceeding it belongs to, if any: one of her file's.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate()?;
        file.link("proceeding", self.proceeding_id.as_deref(), "proceedingId")
    }
}

impl LegalApplication {
    /// Its fields, its proceeding and the documents it cites as evidence: all her file's.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate(file.catalog)?;
        file.link("proceeding", self.proceeding_id.as_deref(), "proceedingId")?;
        for document in &self.evidence {
            file.link("document", Some(document), "evidence")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::for_country;
    use crate::Country;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn amnesty(filed_on: &str) -> LegalApplication {
        LegalApplication {
            application_type: "mx_amnistia_federal".into(),
            proceeding_id: None,
            filed_by: Some("Defensoría".into()),
            filed_on: Some(filed_on.into()),
            authority: None,
            file_number: None,
            evidence: vec![],
            status: ApplicationStatus::Filed,
            decided_on: None,
            refusal_reason: None,
            marginality_evidence: None,
            prior_conviction: None,
            excluded_offence: None,
            notes: None,
        }
    }

    #[test]
    fn the_amnesty_deadline_is_four_months_and_silence_then_denies() {
        let catalog = for_country(Country::MX);
        let kind = catalog
            .legal_application_type("mx_amnistia_federal")
            .unwrap();
        let filed = amnesty("2026-03-10");
        assert_eq!(filed.deadline(kind), Some(date("2026-07-10")));
        // Month ends clamp: 31 October + 4 months is the end of February.
        assert_eq!(
            amnesty("2025-10-31").deadline(kind),
            Some(date("2026-02-28"))
        );
        assert_eq!(
            amnesty("2027-10-31").deadline(kind),
            Some(date("2028-02-29"))
        );

        let before = ApplicationDeadline::of("a", &filed, kind, date("2026-07-01"));
        assert_eq!(before.days_left, Some(9));
        assert!(!before.denied_by_silence);
        let on_the_day = ApplicationDeadline::of("a", &filed, kind, date("2026-07-10"));
        assert_eq!(on_the_day.days_left, Some(0));
        assert!(!on_the_day.denied_by_silence);
        let after = ApplicationDeadline::of("a", &filed, kind, date("2026-07-11"));
        assert!(after.denied_by_silence);

        // A decision ends the countdown.
        let mut granted = filed.clone();
        granted.status = ApplicationStatus::Granted;
        granted.decided_on = Some("2026-06-01".into());
        let decided = ApplicationDeadline::of("a", &granted, kind, date("2026-08-01"));
        assert_eq!(decided.days_left, None);
        assert!(!decided.denied_by_silence);

        // Colombia's Law 2292 sets no term: no deadline, never denied by silence.
        let co = for_country(Country::CO);
        let mut law = filed.clone();
        law.application_type = "co_ley_2292".into();
        let kind = co.legal_application_type("co_ley_2292").unwrap();
        assert_eq!(law.deadline(kind), None);
        assert!(!ApplicationDeadline::of("a", &law, kind, date("2030-01-01")).denied_by_silence);
    }

    #[test]
    fn applications_are_checked_against_the_country_and_their_status() {
        let mx = for_country(Country::MX);
        let mut ok = amnesty("2026-03-10");
        ok.validate(mx).unwrap();
        let mut foreign = amnesty("2026-03-10");
        foreign.application_type = "co_ley_2292".into();
        let field = |r: Result<()>| match r {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(foreign.validate(mx)), "applicationType");
        let mut denied = amnesty("2026-03-10");
        denied.status = ApplicationStatus::Denied;
        denied.decided_on = Some("2026-05-01".into());
        assert_eq!(field(denied.clone().validate(mx)), "refusalReason");
        denied.refusal_reason = Some(RefusalReason::NoAnswerInTime);
        denied.validate(mx).unwrap();
        let mut early = amnesty("2026-03-10");
        early.status = ApplicationStatus::Granted;
        early.decided_on = Some("2026-03-01".into());
        assert_eq!(field(early.validate(mx)), "decidedOn");
        let mut unfiled = amnesty("2026-03-10");
        unfiled.filed_on = None;
        assert_eq!(field(unfiled.validate(mx)), "filedOn");
        let mut reason_without_denial = amnesty("2026-03-10");
        reason_without_denial.refusal_reason = Some(RefusalReason::Other);
        assert_eq!(field(reason_without_denial.validate(mx)), "refusalReason");
    }
}
