//! Contacts (prison visits, calls, home visits, accompaniments) and notes. Both are add-only:
//! they are never edited, so two laptops never conflict over them; a mistake is deleted or
//! corrected by a new entry.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::records::case_file::FileContext;
use crate::records::validate;

/// The kind of contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ContactType {
    PrisonVisit,
    Call,
    HomeVisit,
    Accompaniment,
    Message,
    OfficeVisit,
}

/// One contact with her.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Contact {
    pub contact_type: ContactType,
    pub date: String,
    /// The prison or place.
    #[serde(default)]
    pub place: Option<String>,
    /// The staff who took part: stored by id, shown by username.
    #[serde(default)]
    pub team: Vec<String>,
    /// Shared by the contacts of one prison visit entered in batch.
    #[serde(default)]
    pub visit_id: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

impl Contact {
    pub(crate) fn validate(&mut self) -> Result<()> {
        validate::past_date("date", &self.date)?;
        validate::optional_text("place", &mut self.place, 200)?;
        validate::optional_text("summary", &mut self.summary, 2000)?;
        if self.team.len() > 20 {
            return Err(Error::invalid("team", "at most 20 people"));
        }
        self.team.retain(|m| !m.trim().is_empty());
        Ok(())
    }
}

/// A note in her file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Note {
    pub date: String,
    pub text: String,
    /// Sensitive notes are hidden until someone asks to see them, and that is audited.
    #[serde(default)]
    pub sensitive: bool,
    /// The contact it belongs to, if any.
    #[serde(default)]
    pub contact_id: Option<String>,
}

impl Note {
    pub(crate) fn validate(&mut self) -> Result<()> {
        validate::past_date("date", &self.date)?;
        self.text = self.text.trim().to_string();
        if self.text.is_empty() {
            return Err(Error::invalid("text", "required"));
        }
        validate::text("text", &self.text, 10_000)?;
        Ok(())
    }
}

/// A prison visit entered afterwards for several women at once.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BatchVisit {
    pub date: String,
    pub place: String,
    #[serde(default)]
    pub team: Vec<String>,
    /// The women seen, by participant id.
    pub participant_ids: Vec<String>,
    /// A short note for everyone seen (optional).
    #[serde(default)]
    pub summary: Option<String>,
}

impl Contact {
    /// Its fields, and the team: members of staff, stored by id, each once.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate()?;
        for member in &mut self.team {
            file.staff(member, "team")?;
        }
        self.team.sort();
        self.team.dedup();
        Ok(())
    }
}

impl Note {
    /// Its fields, and the contact it belongs to: one of her file's.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate()?;
        if let Some(contact) = &self.contact_id {
            if !file.has("contact", contact)? {
                return Err(Error::invalid("contactId", "not a contact of this file"));
            }
        }
        Ok(())
    }
}
