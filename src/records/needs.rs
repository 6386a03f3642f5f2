//! Needs assessments at each phase: one status per referral category.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::records::validate;

/// When the assessment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AssessmentPhase {
    PreRelease,
    Release,
    Day30,
    Day90,
    Day180,
    Day365,
}

impl AssessmentPhase {
    /// Every phase in order.
    pub const ALL: [AssessmentPhase; 6] = [
        AssessmentPhase::PreRelease,
        AssessmentPhase::Release,
        AssessmentPhase::Day30,
        AssessmentPhase::Day90,
        AssessmentPhase::Day180,
        AssessmentPhase::Day365,
    ];

    /// The phase as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentPhase::PreRelease => "pre_release",
            AssessmentPhase::Release => "release",
            AssessmentPhase::Day30 => "day30",
            AssessmentPhase::Day90 => "day90",
            AssessmentPhase::Day180 => "day180",
            AssessmentPhase::Day365 => "day365",
        }
    }
}

/// The referral categories of `product.md`, shared by needs and referrals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NeedCategory {
    Documentation,
    Legal,
    CommunityService,
    Housing,
    Employment,
    Education,
    Health,
    MentalHealth,
    SubstanceUse,
    Family,
    Childcare,
    SocialProtection,
    Finances,
    BasicNeeds,
    Transport,
    ViolenceSafety,
    PeerNetworks,
    Other,
}

impl NeedCategory {
    /// Every category in display order.
    pub const ALL: [NeedCategory; 18] = [
        NeedCategory::Documentation,
        NeedCategory::Legal,
        NeedCategory::CommunityService,
        NeedCategory::Housing,
        NeedCategory::Employment,
        NeedCategory::Education,
        NeedCategory::Health,
        NeedCategory::MentalHealth,
        NeedCategory::SubstanceUse,
        NeedCategory::Family,
        NeedCategory::Childcare,
        NeedCategory::SocialProtection,
        NeedCategory::Finances,
        NeedCategory::BasicNeeds,
        NeedCategory::Transport,
        NeedCategory::ViolenceSafety,
        NeedCategory::PeerNetworks,
        NeedCategory::Other,
    ];
}

/// One category's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NeedStatus {
    NoNeed,
    Need,
    InProgress,
    Resolved,
}

impl NeedStatus {
    /// Still to be worked on.
    pub fn is_open(self) -> bool {
        matches!(self, NeedStatus::Need | NeedStatus::InProgress)
    }
}

/// One assessment: one per phase per file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NeedsAssessment {
    pub phase: AssessmentPhase,
    pub assessed_on: String,
    /// Categories not listed were not assessed.
    pub statuses: BTreeMap<NeedCategory, NeedStatus>,
}

impl NeedsAssessment {
    pub(crate) fn validate(&mut self) -> Result<()> {
        validate::past_date("assessedOn", &self.assessed_on)?;
        Ok(())
    }

    /// How many categories are still open.
    pub fn open_count(&self) -> usize {
        self.statuses.values().filter(|s| s.is_open()).count()
    }
}
