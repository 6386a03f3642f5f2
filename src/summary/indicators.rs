//! The indicators: what each counts, in which unit, by which of its own categories. Counting
//! gives raw tables ([`RawTable`]): true counts that never leave the core before
//! [`super::disclosure`] has protected them.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::cohort::Woman;
use super::period::Quarter;
use crate::catalog::CountryCatalog;
use crate::records::facts::{day_of, Application, Child};
use crate::records::household::{Carer, IncomeBand};
use crate::records::legal::ApplicationStatus;

/// What a table counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Women,
    Children,
    Applications,
    Plans,
    Referrals,
    Visits,
}

/// What counts one woman's units: it calls its last argument once per unit, with the
/// unit's categories.
type Counter = fn(&Woman, &Context, &mut dyn FnMut(&[&str]));

/// One indicator.
pub(crate) struct Indicator {
    pub id: &'static str,
    pub unit: Unit,
    /// Its own categories, the share dimension first (a percentage is of its group).
    pub dims: &'static [&'static str],
    /// Gender identity, ethnicity, nationality: the higher threshold, and no breakdown but
    /// the quarter.
    pub sensitive: bool,
    count: Counter,
}

/// Every indicator, in the order summaries show them.
pub(crate) const INDICATORS: &[Indicator] = &[
    Indicator {
        id: "legal_status",
        unit: Unit::Women,
        dims: &["legal_status"],
        sensitive: false,
        count: legal_status,
    },
    Indicator {
        id: "offence",
        unit: Unit::Women,
        dims: &["offence"],
        sensitive: false,
        count: offence,
    },
    Indicator {
        id: "head_of_household",
        unit: Unit::Women,
        dims: &["head_of_household"],
        sensitive: false,
        count: head_of_household,
    },
    Indicator {
        id: "children_by_carer",
        unit: Unit::Children,
        dims: &["carer"],
        sensitive: false,
        count: children_by_carer,
    },
    Indicator {
        id: "children_by_age",
        unit: Unit::Children,
        dims: &["child_age_band"],
        sensitive: false,
        count: children_by_age,
    },
    Indicator {
        id: "children_in_prison",
        unit: Unit::Children,
        dims: &["in_prison_with_her"],
        sensitive: false,
        count: children_in_prison,
    },
    Indicator {
        id: "income_band",
        unit: Unit::Women,
        dims: &["income_band"],
        sensitive: false,
        count: income_band,
    },
    Indicator {
        id: "housing_tenure",
        unit: Unit::Women,
        dims: &["housing_tenure"],
        sensitive: false,
        count: housing_tenure,
    },
    Indicator {
        id: "socioeconomic_group",
        unit: Unit::Women,
        dims: &["socioeconomic_group"],
        sensitive: false,
        count: socioeconomic_group,
    },
    Indicator {
        id: "gender_identity",
        unit: Unit::Women,
        dims: &["gender_identity"],
        sensitive: true,
        count: gender_identity,
    },
    Indicator {
        id: "ethnicity",
        unit: Unit::Women,
        dims: &["ethnicity"],
        sensitive: true,
        count: ethnicity,
    },
    Indicator {
        id: "nationality",
        unit: Unit::Women,
        dims: &["nationality"],
        sensitive: true,
        count: nationality,
    },
    Indicator {
        id: "applications_filed",
        unit: Unit::Applications,
        dims: &["application_type"],
        sensitive: false,
        count: applications_filed,
    },
    Indicator {
        id: "applications_decided",
        unit: Unit::Applications,
        dims: &["decision", "application_type"],
        sensitive: false,
        count: applications_decided,
    },
    Indicator {
        id: "refusal_reason",
        unit: Unit::Applications,
        dims: &["refusal_reason"],
        sensitive: false,
        count: refusal_reason,
    },
    Indicator {
        id: "days_to_decision",
        unit: Unit::Applications,
        dims: &["days_band"],
        sensitive: false,
        count: days_to_decision,
    },
    Indicator {
        id: "service_hours",
        unit: Unit::Women,
        dims: &["hours_band"],
        sensitive: false,
        count: service_hours,
    },
    Indicator {
        id: "service_plans",
        unit: Unit::Plans,
        dims: &["plan_progress"],
        sensitive: false,
        count: service_plans,
    },
    Indicator {
        id: "outcome_identity",
        unit: Unit::Women,
        dims: &["result", "days_after_release"],
        sensitive: false,
        count: outcome_identity,
    },
    Indicator {
        id: "outcome_health",
        unit: Unit::Women,
        dims: &["result", "days_after_release"],
        sensitive: false,
        count: outcome_health,
    },
    Indicator {
        id: "outcome_housing",
        unit: Unit::Women,
        dims: &["result", "days_after_release"],
        sensitive: false,
        count: outcome_housing,
    },
    Indicator {
        id: "outcome_income",
        unit: Unit::Women,
        dims: &["result", "days_after_release"],
        sensitive: false,
        count: outcome_income,
    },
    Indicator {
        id: "outcome_children",
        unit: Unit::Women,
        dims: &["result", "days_after_release"],
        sensitive: false,
        count: outcome_children,
    },
    Indicator {
        id: "referrals",
        unit: Unit::Referrals,
        dims: &["referral_result", "need_category"],
        sensitive: false,
        count: referrals,
    },
    Indicator {
        id: "prison_visits",
        unit: Unit::Visits,
        dims: &[],
        sensitive: false,
        count: prison_visits,
    },
];

pub(crate) fn find(id: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.id == id)
}

/// A breakdown a table may add to its own categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    Department,
    Quarter,
    AgeBand,
    SentenceBand,
}

impl Breakdown {
    pub const ALL: [Breakdown; 4] = [
        Breakdown::Department,
        Breakdown::Quarter,
        Breakdown::AgeBand,
        Breakdown::SentenceBand,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Breakdown::Department => "department",
            Breakdown::Quarter => "quarter",
            Breakdown::AgeBand => "age_band",
            Breakdown::SentenceBand => "sentence_band",
        }
    }

    pub fn parse(text: &str) -> Option<Breakdown> {
        Breakdown::ALL.into_iter().find(|b| b.as_str() == text)
    }
}

impl Indicator {
    /// Whether this indicator may be broken down by `by`: at most two categories per table,
    /// sensitive attributes by nothing finer than the country (only by quarter), and
    /// children by their own age band only (never by their mother's details).
    pub fn allows(&self, by: Breakdown) -> bool {
        if self.dims.len() >= 2 {
            return false;
        }
        if self.sensitive {
            return by == Breakdown::Quarter;
        }
        if self.unit == Unit::Children {
            return matches!(by, Breakdown::Quarter | Breakdown::Department);
        }
        true
    }
}

/// What counting a quarter needs.
pub(crate) struct Context<'a> {
    pub quarter: Quarter,
    /// `quarter` as written (`2026Q3`).
    pub quarter_label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub catalog: &'a CountryCatalog,
}

impl Context<'_> {
    /// The quarter's first and last day as day numbers.
    fn days(&self) -> (i32, i32) {
        (self.start.num_days_from_ce(), self.end.num_days_from_ce())
    }

    fn holds(&self, day: Option<i32>) -> bool {
        let (start, end) = self.days();
        day.is_some_and(|d| (start..=end).contains(&d))
    }
}

/// Counts (and the sum of the units' keys) by labels, in the dimensions' order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub count: u64,
    /// The sum of the counted units' keys, modulo 2³²: the cell key.
    pub key: u32,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.count += other.count;
        self.key = self.key.wrapping_add(other.key);
    }
}

/// A table's true counts: each unit in exactly one interior cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawTable {
    pub indicator: &'static str,
    pub dims: Vec<String>,
    /// Each dimension's categories, in the order shown (every one, counted or not).
    pub categories: Vec<Vec<String>>,
    pub cells: BTreeMap<Vec<String>, Tally>,
}

/// Counts one indicator over the women included in one quarter, broken down by `by`.
pub(crate) fn count(
    indicator: &'static Indicator,
    by: Option<Breakdown>,
    women: &[&Woman],
    context: &Context<'_>,
) -> RawTable {
    // Labels are numbered per dimension as they are met, so that counting allocates only
    // for a label seen for the first time.
    let mut seen: Vec<(Vec<String>, HashMap<String, u32>)> = vec![Default::default(); 3];
    let mut numbered: HashMap<[u32; 3], Tally> = HashMap::new();
    for woman in women {
        let extra = by.map(|by| breakdown_label(by, woman, context));
        let mut add = |labels: &[&str]| {
            let mut key = [u32::MAX; 3];
            for (at, label) in labels.iter().copied().chain(extra).enumerate().take(3) {
                let (list, index) = &mut seen[at];
                key[at] = match index.get(label) {
                    Some(&n) => n,
                    None => {
                        let n = list.len() as u32;
                        list.push(label.to_string());
                        index.insert(label.to_string(), n);
                        n
                    }
                };
            }
            numbered.entry(key).or_default().add(Tally {
                count: 1,
                key: woman.key,
            });
        };
        (indicator.count)(woman, context, &mut add);
    }
    let mut cells: BTreeMap<Vec<String>, Tally> = numbered
        .into_iter()
        .map(|(key, tally)| {
            let labels = key
                .iter()
                .enumerate()
                .take_while(|(_, n)| **n != u32::MAX)
                .map(|(at, n)| seen[at].0[*n as usize].clone())
                .collect();
            (labels, tally)
        })
        .collect();
    let mut dims: Vec<String> = indicator.dims.iter().map(|d| d.to_string()).collect();
    let mut categories: Vec<Vec<String>> = indicator
        .dims
        .iter()
        .map(|dim| own_categories(dim, context.catalog))
        .collect();
    if let Some(by) = by {
        dims.push(by.as_str().to_string());
        categories.push(breakdown_categories(by, context));
    }
    if dims.is_empty() {
        // A single count (prison visits): one cell, labelled by nothing.
        cells.entry(Vec::new()).or_default();
    }
    // Values counted that the lists do not name (an old code) are shown after them.
    for labels in cells.keys() {
        for (at, label) in labels.iter().enumerate() {
            if !categories[at].contains(label) {
                categories[at].push(label.clone());
            }
        }
    }
    // "unknown" last, after every named category.
    for list in &mut categories {
        if let Some(at) = list.iter().position(|l| l == UNKNOWN) {
            let unknown = list.remove(at);
            list.push(unknown);
        }
    }
    RawTable {
        indicator: indicator.id,
        dims,
        categories,
        cells,
    }
}

/// The code of a unit variant as serde writes it (`pretrial_detention`), without allocating:
/// each variant's name is worked out once and kept for the life of the process (the enums
/// are few and small).
fn code<T: Serialize + 'static>(value: &T) -> &'static str {
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};
    use std::sync::{OnceLock, RwLock};
    type Names = RwLock<HashMap<(std::any::TypeId, u64), &'static str>>;
    static NAMES: OnceLock<Names> = OnceLock::new();
    let names = NAMES.get_or_init(Default::default);
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::mem::discriminant(value).hash(&mut hasher);
    let key = (std::any::TypeId::of::<T>(), hasher.finish());
    if let Some(name) = names.read().ok().and_then(|names| names.get(&key).copied()) {
        return name;
    }
    let name: &'static str = match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => Box::leak(text.into_boxed_str()),
        _ => UNKNOWN,
    };
    if let Ok(mut names) = names.write() {
        names.insert(key, name);
    }
    name
}

fn codes<T: Serialize + 'static>(values: &[T]) -> Vec<String> {
    values.iter().map(|v| code(v).to_string()).collect()
}

const UNKNOWN: &str = "unknown";

fn own_categories(dim: &str, catalog: &CountryCatalog) -> Vec<String> {
    use crate::catalog::OffenceCategory as O;
    use crate::records::household::HousingTenure as T;
    use crate::records::legal::{LegalStatus as L, RefusalReason as R};
    use crate::records::needs::NeedCategory;
    let mut list: Vec<String> = match dim {
        "legal_status" => codes(&[
            L::Investigation,
            L::PretrialDetention,
            L::Sentenced,
            L::HouseArrest,
            L::ElectronicMonitoring,
            L::AlternativeMeasure,
            L::ConditionalRelease,
            L::SentenceServed,
        ]),
        "offence" => codes(&[O::Drugs, O::TheftNonViolent, O::OtherNonViolent, O::Violent]),
        "head_of_household" => strings(&["accredited", "self_declared", "not_head"]),
        "carer" => codes(&[
            Carer::Herself,
            Carer::Grandmother,
            Carer::Father,
            Carer::OtherRelative,
            Carer::FosterFamily,
            Carer::Institution,
            Carer::Neighbour,
            Carer::Independent,
        ]),
        "child_age_band" => strings(&["0_5", "6_11", "12_17", "18_plus"]),
        "in_prison_with_her" | "result" => strings(&["yes", "no"]),
        "income_band" => codes(&[
            IncomeBand::None,
            IncomeBand::BelowMinimum,
            IncomeBand::MinimumToTwice,
            IncomeBand::AboveTwice,
        ]),
        "housing_tenure" => codes(&[
            T::Own,
            T::Rented,
            T::Family,
            T::Borrowed,
            T::Informal,
            T::Institutional,
            T::None,
        ]),
        "application_type" => catalog
            .legal_application_types
            .iter()
            .map(|t| t.code.clone())
            .collect(),
        "decision" => strings(&["granted", "denied", "withdrawn"]),
        "refusal_reason" => codes(&[
            R::MarginalityNotProven,
            R::HeadOfHouseholdNotProven,
            R::PlanNotFormalised,
            R::ExcludedOffence,
            R::PriorRecord,
            R::IncompleteFile,
            R::NoAnswerInTime,
            R::Other,
        ]),
        "days_band" => strings(&["0_30", "31_90", "91_180", "181_365", "over_365"]),
        "hours_band" => strings(&["1_20", "21_50", "51_100", "over_100"]),
        "plan_progress" => strings(&["completed", "on_track", "behind"]),
        "days_after_release" => strings(&["30", "90", "180", "365"]),
        "referral_result" => strings(&["completed", "not_completed"]),
        "need_category" => {
            let all: Vec<NeedCategory> = NeedCategory::ALL.to_vec();
            codes(&all)
        }
        // Observed values only (socio-economic group, gender identity, ethnicity,
        // nationality): a list would name values nobody has.
        _ => Vec::new(),
    };
    if !matches!(
        dim,
        "in_prison_with_her"
            | "result"
            | "decision"
            | "hours_band"
            | "plan_progress"
            | "days_after_release"
            | "referral_result"
            | "need_category"
            | "application_type"
    ) {
        list.push(UNKNOWN.into());
    }
    list
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn breakdown_categories(by: Breakdown, context: &Context<'_>) -> Vec<String> {
    match by {
        Breakdown::Department => {
            let mut list = context.catalog.regions.clone();
            list.push(UNKNOWN.into());
            list
        }
        Breakdown::Quarter => vec![context.quarter.to_string()],
        Breakdown::AgeBand => strings(&[
            "under_18", "18_24", "25_34", "35_44", "45_59", "60_plus", UNKNOWN,
        ]),
        Breakdown::SentenceBand => strings(&["under_1y", "1_4y", "4_8y", "8y_plus", UNKNOWN]),
    }
}

fn breakdown_label<'a>(by: Breakdown, woman: &'a Woman, context: &'a Context<'_>) -> &'a str {
    match by {
        Breakdown::Department => observed(&woman.department),
        Breakdown::Quarter => &context.quarter_label,
        Breakdown::AgeBand => match woman.birth_year {
            None => UNKNOWN,
            Some(born) => match context.end.year() - born {
                ..=17 => "under_18",
                18..=24 => "18_24",
                25..=34 => "25_34",
                35..=44 => "35_44",
                45..=59 => "45_59",
                _ => "60_plus",
            },
        },
        Breakdown::SentenceBand => match woman.facts.sentence_months {
            None => UNKNOWN,
            Some(..=11) => "under_1y",
            Some(12..=47) => "1_4y",
            Some(48..=95) => "4_8y",
            Some(_) => "8y_plus",
        },
    }
}

fn legal_status(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    let (_, end) = context.days();
    let latest = woman
        .facts
        .statuses
        .iter()
        .filter(|(since, _)| *since <= end)
        .max_by_key(|(since, _)| *since);
    add(&[latest.map_or(UNKNOWN, |(_, s)| code(s))]);
}

fn offence(woman: &Woman, _: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    add(&[woman.facts.offence.map_or(UNKNOWN, |o| code(&o))]);
}

fn head_of_household(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    let (_, end) = context.days();
    let label = match woman.facts.head_of_household {
        None => UNKNOWN,
        Some(false) => "not_head",
        Some(true) if woman.facts.notarial_declaration.is_some_and(|on| on <= end) => "accredited",
        Some(true) => "self_declared",
    };
    add(&[label]);
}

fn children_by_carer(woman: &Woman, _: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    for child in &woman.facts.children {
        add(&[code(&child.carer)]);
    }
}

fn child_age(child: &Child, on: NaiveDate) -> Option<i32> {
    match (child.born, child.age) {
        (Some(born), _) => {
            let born = day_of(born);
            let years = on.year() - born.year();
            Some(if (on.month(), on.day()) < (born.month(), born.day()) {
                years - 1
            } else {
                years
            })
        }
        (None, Some(age)) => Some(age as i32),
        (None, None) => None,
    }
}

fn children_by_age(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    for child in &woman.facts.children {
        let band = match child_age(child, context.end) {
            None => UNKNOWN,
            Some(..=5) => "0_5",
            Some(6..=11) => "6_11",
            Some(12..=17) => "12_17",
            Some(_) => "18_plus",
        };
        add(&[band]);
    }
}

fn children_in_prison(woman: &Woman, _: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    for child in &woman.facts.children {
        add(&[if child.in_prison { "yes" } else { "no" }]);
    }
}

fn income_band(woman: &Woman, _: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    add(&[woman.facts.income.map_or(UNKNOWN, |b| code(&b))]);
}

fn housing_tenure(woman: &Woman, _: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    add(&[woman.facts.tenure.map_or(UNKNOWN, |t| code(&t))]);
}

fn socioeconomic_group(woman: &Woman, _: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    add(&[observed(&woman.facts.socioeconomic_group)]);
}

fn observed(value: &Option<String>) -> &str {
    value
        .as_deref()
        .filter(|v| !v.is_empty())
        .unwrap_or(UNKNOWN)
}

fn days_label(days: i32) -> &'static str {
    match days {
        30 => "30",
        90 => "90",
        180 => "180",
        _ => "365",
    }
}

fn gender_identity(woman: &Woman, _: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    add(&[observed(&woman.gender_identity)]);
}

fn ethnicity(woman: &Woman, _: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    add(&[observed(&woman.ethnicity)]);
}

fn nationality(woman: &Woman, _: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    add(&[observed(&woman.nationality)]);
}

fn applications_filed(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    for application in &woman.facts.applications {
        if context.holds(application.filed) {
            add(&[application.application_type.as_str()]);
        }
    }
}

/// The applications decided in the quarter (granted, denied or withdrawn).
fn decided<'a>(
    woman: &'a Woman,
    context: &'a Context<'_>,
) -> impl Iterator<Item = &'a Application> + 'a {
    woman
        .facts
        .applications
        .iter()
        .filter(move |a| a.status.is_decided() && context.holds(a.decided))
}

fn applications_decided(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    for application in decided(woman, context) {
        add(&[
            code(&application.status),
            application.application_type.as_str(),
        ]);
    }
}

fn refusal_reason(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    for application in decided(woman, context) {
        if application.status == ApplicationStatus::Denied {
            add(&[application.refusal.map_or(UNKNOWN, |r| code(&r))]);
        }
    }
}

fn days_to_decision(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    for application in decided(woman, context) {
        let days = match (application.filed, application.decided) {
            (Some(filed), Some(decided)) => Some(decided - filed),
            _ => None,
        };
        let band = match days {
            None => UNKNOWN,
            Some(..=30) => "0_30",
            Some(31..=90) => "31_90",
            Some(91..=180) => "91_180",
            Some(181..=365) => "181_365",
            Some(_) => "over_365",
        };
        add(&[band]);
    }
}

fn service_hours(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    let hours: u32 = woman
        .facts
        .hours
        .iter()
        .filter(|(on, _)| context.holds(Some(*on)))
        .map(|(_, h)| h)
        .sum();
    let band = match hours {
        0 => return,
        1..=20 => "1_20",
        21..=50 => "21_50",
        51..=100 => "51_100",
        _ => "over_100",
    };
    add(&[band]);
}

fn service_plans(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    let (start, end) = context.days();
    for plan in &woman.facts.plans {
        if plan.start > end {
            continue;
        }
        // Completed before the quarter: not counted again.
        if plan.at(start - 1).0 >= plan.due {
            continue;
        }
        let (logged, expected) = plan.at(end);
        let label = if logged >= plan.due {
            "completed"
        } else if logged >= expected {
            "on_track"
        } else {
            "behind"
        };
        add(&[label]);
    }
}

/// The milestones after release (30, 90, 180, 365 days) that fall in the quarter, with the
/// day each falls on.
fn milestones(woman: &Woman, context: &Context<'_>) -> Vec<(i32, i32)> {
    let mut found = Vec::new();
    for left in &woman.facts.releases {
        for days in [30, 90, 180, 365] {
            if context.holds(Some(left + days)) {
                found.push((days, left + days));
            }
        }
    }
    found.sort();
    found.dedup_by_key(|(days, _)| *days);
    found
}

fn outcome(
    woman: &Woman,
    context: &Context<'_>,
    add: &mut dyn FnMut(&[&str]),
    achieved: &dyn Fn(&Woman, i32) -> Option<bool>,
) {
    for (days, on) in milestones(woman, context) {
        if let Some(yes) = achieved(woman, on) {
            add(&[if yes { "yes" } else { "no" }, days_label(days)]);
        }
    }
}

fn held_on(documents: &[(Option<i32>, Option<i32>)], on: i32) -> bool {
    documents.iter().any(|(obtained, expires)| {
        obtained.is_none_or(|got| got <= on) && expires.is_none_or(|ends| ends > on)
    })
}

fn outcome_identity(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    outcome(woman, context, add, &|w, on| {
        Some(held_on(&w.facts.identity, on))
    });
}

fn outcome_health(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    if context.catalog.outcome_documents.health.is_empty() {
        return;
    }
    outcome(woman, context, add, &|w, on| {
        Some(held_on(&w.facts.health, on))
    });
}

fn outcome_housing(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    outcome(woman, context, add, &|w, on| {
        Some(w.facts.housing.iter().any(|(from, until, stable)| {
            *stable && *from <= on && until.is_none_or(|until| until >= on)
        }))
    });
}

fn outcome_income(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    // The household's income band as it stands: the file keeps no dated history of it.
    outcome(woman, context, add, &|w, _| {
        w.facts.income.map(|band| band != IncomeBand::None)
    });
}

fn outcome_children(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    // Women with children only; who cares for them as it stands (not dated in the file).
    outcome(woman, context, add, &|w, _| {
        if w.facts.children.is_empty() {
            return None;
        }
        Some(w.facts.children.iter().any(|c| c.carer == Carer::Herself))
    });
}

fn referrals(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    for (on, category, completed) in &woman.facts.referrals {
        if context.holds(Some(*on)) {
            let result = if *completed {
                "completed"
            } else {
                "not_completed"
            };
            add(&[result, code(category)]);
        }
    }
}

fn prison_visits(woman: &Woman, context: &Context<'_>, add: &mut dyn FnMut(&[&str])) {
    for (on, prison) in &woman.facts.contacts {
        if *prison && context.holds(Some(*on)) {
            add(&[]);
        }
    }
}
