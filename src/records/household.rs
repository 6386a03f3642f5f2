//! Her household and the people who depend on her. Children's data is kept minimal: an alias,
//! not a name, and never anything that leaves in a summary.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::records::validate;

/// Monthly household income, in bands relative to the minimum wage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum IncomeBand {
    None,
    BelowMinimum,
    MinimumToTwice,
    AboveTwice,
}

/// Who owns the place she lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum HousingTenure {
    Own,
    Rented,
    Family,
    Borrowed,
    Informal,
    Institutional,
    None,
}

/// Her household: one per file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Household {
    /// Self-declared head of household.
    #[serde(default)]
    pub head_of_household: Option<bool>,
    /// Date of the notarial declaration, when she has one.
    #[serde(default)]
    pub notarial_declaration_on: Option<String>,
    #[serde(default)]
    pub household_size: Option<u8>,
    #[serde(default)]
    pub income_band: Option<IncomeBand>,
    #[serde(default)]
    pub tenure: Option<HousingTenure>,
    /// SISBÉN group (CO), CadÚnico (BR) or the country's equivalent, as written on the record.
    #[serde(default)]
    pub socioeconomic_group: Option<String>,
    /// Registered victim of the armed conflict (Colombia).
    #[serde(default)]
    pub conflict_victim: Option<bool>,
}

impl Household {
    pub(crate) fn validate(&mut self) -> Result<()> {
        validate::optional_date("notarialDeclarationOn", &mut self.notarial_declaration_on)?;
        if let Some(size) = self.household_size {
            if !(1..=30).contains(&size) {
                return Err(Error::invalid("householdSize", "between 1 and 30"));
            }
        }
        validate::optional_text("socioeconomicGroup", &mut self.socioeconomic_group, 40)?;
        Ok(())
    }
}

/// How a dependant is related to her.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Daughter,
    Son,
    Grandchild,
    Sibling,
    Parent,
    Partner,
    OtherRelative,
    Other,
}

/// Who looks after a dependant now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Carer {
    Herself,
    Grandmother,
    Father,
    OtherRelative,
    FosterFamily,
    Institution,
    Neighbour,
    Independent,
    Unknown,
}

/// Custody of a dependant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Custody {
    Hers,
    Shared,
    Relative,
    StateProtection,
    InProcess,
    Unknown,
}

/// A person who depends on her.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dependant {
    /// A first name or nickname to tell them apart; never the full name.
    pub alias: String,
    pub relationship: Relationship,
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Age in years, when the date of birth is not known.
    #[serde(default)]
    pub age: Option<u8>,
    #[serde(default)]
    pub disability: bool,
    #[serde(default)]
    pub disability_certificate: bool,
    #[serde(default)]
    pub lived_with_her_before: bool,
    pub carer: Carer,
    /// Municipality where the dependant lives.
    #[serde(default)]
    pub location: Option<String>,
    pub custody: Custody,
    #[serde(default)]
    pub lives_with_her_in_prison: bool,
}

impl Dependant {
    pub(crate) fn validate(&mut self) -> Result<()> {
        self.alias = self.alias.trim().to_string();
        if self.alias.is_empty() {
            return Err(Error::invalid("alias", "required"));
        }
        if self.alias.chars().count() > 40 {
            return Err(Error::invalid("alias", "too long"));
        }
        validate::name("alias", &self.alias)?;
        validate::optional_date("birthDate", &mut self.birth_date)?;
        if let Some(date) = &self.birth_date {
            validate::past_date("birthDate", date)?;
        }
        if matches!(self.age, Some(age) if age > 120) {
            return Err(Error::invalid("age", "between 0 and 120"));
        }
        if self.disability_certificate && !self.disability {
            return Err(Error::invalid(
                "disabilityCertificate",
                "only with a disability",
            ));
        }
        validate::optional_text("location", &mut self.location, 200)?;
        Ok(())
    }

    /// Age in whole years on `today`, from the date of birth or the recorded age.
    pub fn age_on(&self, today: chrono::NaiveDate) -> Option<u32> {
        match &self.birth_date {
            Some(date) => chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .ok()
                .and_then(|born| today.years_since(born)),
            None => self.age.map(u32::from),
        }
    }
}
