//! Consent, one record per purpose. Help never depends on consent to non-essential purposes;
//! a missing or revoked consent blocks only what it covers.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::records::case_file::FileContext;
use crate::records::validate;

/// What she consents to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConsentPurpose {
    CaseWork,
    Referral,
    Statistics,
    PhotosTestimony,
    Contact,
}

/// The legal basis the organization relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    Consent,
    LegalObligation,
    VitalInterest,
    LegitimateInterest,
}

/// How consent was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    Written,
    VerbalWithWitness,
    Fingerprint,
}

/// One consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Consent {
    pub purpose: ConsentPurpose,
    /// For a referral: the organization her data may be shared with.
    #[serde(default)]
    pub organization: Option<String>,
    pub legal_basis: LegalBasis,
    /// Version of the notice read to her, e.g. "2025-1".
    #[serde(default)]
    pub notice_version: Option<String>,
    pub method: ConsentMethod,
    pub read_aloud: bool,
    /// Language the notice was given in (e.g. "es", "pt-BR", a local language).
    pub language: String,
    pub given_on: String,
    /// Who collected it: stored by staff id, shown by username.
    pub collected_by: String,
    #[serde(default)]
    pub revoked_on: Option<String>,
}

impl Consent {
    pub(crate) fn validate(&mut self) -> Result<()> {
        validate::optional_text("organization", &mut self.organization, 200)?;
        if self.purpose == ConsentPurpose::Referral && self.organization.is_none() {
            return Err(Error::invalid("organization", "required for a referral"));
        }
        validate::optional_text("noticeVersion", &mut self.notice_version, 40)?;
        self.language = self.language.trim().to_string();
        if self.language.is_empty() {
            return Err(Error::invalid("language", "required"));
        }
        validate::name("language", &self.language)?;
        let given = validate::past_date("givenOn", &self.given_on)?;
        if let Some(revoked) = validate::optional_date("revokedOn", &mut self.revoked_on)? {
            if revoked < given {
                return Err(Error::invalid("revokedOn", "not before the consent"));
            }
        }
        Ok(())
    }

    /// In force: not revoked.
    pub fn in_force(&self) -> bool {
        self.revoked_on.is_none()
    }
}

impl Consent {
    /// Its fields, and who collected it: a member of staff, stored by id.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate()?;
        file.staff(&mut self.collected_by, "collectedBy")
    }
}
