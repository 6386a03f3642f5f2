//! Referrals to partner organizations. A referral that shares her data with the organization
//! needs her consent for that referral: without a consent in force the write path stops with
//! `consent_required`, and the interface offers to record the consent first.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::records::case_file::FileContext;
use crate::records::needs::NeedCategory;
use crate::records::validate;

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Proposed,
    Sent,
    Accepted,
    Attended,
    Completed,
    Declined,
    NoShow,
}

impl ReferralStatus {
    /// Nothing more will happen: no follow-up is due.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ReferralStatus::Completed | ReferralStatus::Declined | ReferralStatus::NoShow
        )
    }
}

/// A referral of her to a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Referral {
    pub category: NeedCategory,
    /// The organization's directory id.
    pub organization_id: String,
    /// The service's directory id, when it is one of the organization's listed services.
    #[serde(default)]
    pub service_id: Option<String>,
    pub referred_on: String,
    /// Her data is passed to the organization (a form, a call about her). A referral where
    /// she goes on her own with the address shares nothing.
    pub shares_data: bool,
    /// The consent record that covers it; found by the write path when not given.
    #[serde(default)]
    pub consent_id: Option<String>,
    pub status: ReferralStatus,
    #[serde(default)]
    pub follow_up_on: Option<String>,
    #[serde(default)]
    pub outcome: Option<String>,
}

impl Referral {
    pub(crate) fn validate(&mut self) -> Result<()> {
        validate::past_date("referredOn", &self.referred_on)?;
        if let Some(follow_up) = validate::optional_date("followUpOn", &mut self.follow_up_on)? {
            if follow_up.to_string() < self.referred_on {
                return Err(Error::invalid("followUpOn", "not before the referral"));
            }
        }
        validate::optional_text("outcome", &mut self.outcome, 2000)?;
        if !self.shares_data {
            self.consent_id = None;
        }
        Ok(())
    }

    /// Whether the consent gate applies: her data goes (or went) to the organization and the
    /// referral is still under way.
    pub fn needs_consent(&self) -> bool {
        self.shares_data && !self.status.is_closed()
    }
}

impl Referral {
    /// Its fields, the organization and service of the directory it goes to, and, when it
    /// shares her data, the consent in force that allows it (which it then records).
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate()?;
        let organization = file.organization(&self.organization_id, "organizationId")?;
        if let Some(service) = &self.service_id {
            if !file.service_of(service, &self.organization_id)? {
                return Err(Error::invalid(
                    "serviceId",
                    "not a service of that organization",
                ));
            }
        }
        if self.needs_consent() {
            self.consent_id = Some(file.consent_for(
                &self.organization_id,
                &organization.name,
                self.consent_id.as_deref(),
            )?);
        }
        Ok(())
    }
}
