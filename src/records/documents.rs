//! Documents from the country's checklist, for her and for her dependants.

use serde::{Deserialize, Serialize};

use crate::catalog::{CountryCatalog, DocumentHolder};
use crate::error::{Error, Result};
use crate::records::case_file::FileContext;
use crate::records::validate;

/// Where a document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// She needs it and the process has not started.
    Needed,
    InProcess,
    Has,
    Expired,
    Lost,
    NotApplicable,
}

impl DocumentStatus {
    /// Nothing left to do.
    pub fn is_settled(self) -> bool {
        matches!(self, DocumentStatus::Has | DocumentStatus::NotApplicable)
    }
}

/// One document of one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Document {
    /// The checklist code, e.g. `cedula`.
    pub document_type: String,
    /// The dependant's record id, or none for the woman herself.
    #[serde(default)]
    pub dependant_id: Option<String>,
    pub status: DocumentStatus,
    #[serde(default)]
    pub issuing_body: Option<String>,
    #[serde(default)]
    pub requested_on: Option<String>,
    #[serde(default)]
    pub obtained_on: Option<String>,
    /// What it cost, in the local currency's whole units.
    #[serde(default)]
    pub cost: Option<u32>,
    #[serde(default)]
    pub expires_on: Option<String>,
    /// Where the original is kept (with her, at the office…).
    #[serde(default)]
    pub original_kept_at: Option<String>,
}

impl Document {
    /// A document of `document_type`, hers or a dependant's, with only its status known.
    pub fn new(
        document_type: &str,
        dependant_id: Option<&str>,
        status: DocumentStatus,
    ) -> Document {
        Document {
            document_type: document_type.to_string(),
            dependant_id: dependant_id.map(str::to_string),
            status,
            issuing_body: None,
            requested_on: None,
            obtained_on: None,
            cost: None,
            expires_on: None,
            original_kept_at: None,
        }
    }

    pub(crate) fn validate(&mut self, catalog: &CountryCatalog) -> Result<()> {
        let entry = catalog
            .document(&self.document_type)
            .ok_or(Error::invalid("documentType", "not on this country's list"))?;
        let holder = if self.dependant_id.is_some() {
            DocumentHolder::Dependant
        } else {
            DocumentHolder::Herself
        };
        if !entry.holders.contains(&holder) {
            return Err(Error::invalid("documentType", "not for this person"));
        }
        validate::optional_text("issuingBody", &mut self.issuing_body, 200)?;
        let requested = validate::optional_date("requestedOn", &mut self.requested_on)?;
        let obtained = validate::optional_date("obtainedOn", &mut self.obtained_on)?;
        if let (Some(requested), Some(obtained)) = (requested, obtained) {
            if obtained < requested {
                return Err(Error::invalid("obtainedOn", "not before it was requested"));
            }
        }
        validate::optional_date("expiresOn", &mut self.expires_on)?;
        validate::optional_text("originalKeptAt", &mut self.original_kept_at, 200)?;
        Ok(())
    }
}

impl Document {
    /// Its fields, and whose it is: her own, or one of her dependants'.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate(file.catalog)?;
        if let Some(dependant) = &self.dependant_id {
            if !file.has("dependant", dependant)? {
                return Err(Error::invalid("dependantId", "not one of her dependants"));
            }
        }
        Ok(())
    }
}
