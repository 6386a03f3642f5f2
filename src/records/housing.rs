//! Where she has lived since release, period by period, so that "stable housing at 90 days"
//! can be answered.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::records::validate;

/// The kind of place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum HousingSituation {
    Street,
    Shelter,
    Family,
    Rented,
    Own,
    HouseArrest,
    Other,
}

/// One period at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Housing {
    pub situation: HousingSituation,
    pub from: String,
    /// Empty while she still lives there.
    #[serde(default)]
    pub until: Option<String>,
    #[serde(default)]
    pub municipality: Option<String>,
    /// Sensitive: shown only when asked for.
    #[serde(default)]
    pub address: Option<String>,
}

impl Housing {
    pub(crate) fn validate(&mut self) -> Result<()> {
        let from = validate::date("from", &self.from)?;
        if let Some(until) = validate::optional_date("until", &mut self.until)? {
            if until < from {
                return Err(Error::invalid("until", "not before the start"));
            }
        }
        validate::optional_text("municipality", &mut self.municipality, 200)?;
        validate::optional_text("address", &mut self.address, 300)?;
        Ok(())
    }

    /// Stable: a place of her own, rented, or with family.
    pub fn is_stable(&self) -> bool {
        matches!(
            self.situation,
            HousingSituation::Own | HousingSituation::Rented | HousingSituation::Family
        )
    }
}
