//! Law 2292 of 2023 (Colombia) community service: the arithmetic of a plan. Hours due are
//! 5 per week of the prison sentence imposed; the agreed rate is between 5 and 20 hours a week
//! and at most 8 in a day. The judge decides; this only computes and checks.
//!
//! Example from the law's guidance: 48 months is 208 weeks, so 1,040 hours; at 20 hours a
//! week that takes at least 52 weeks.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::records::case_file::FileContext;
use crate::records::directory::OrganizationKind;
use crate::records::record::{CaseRecord, RecordData};
use crate::records::validate;

/// Hours of service per week of sentence.
pub const HOURS_PER_WEEK_OF_SENTENCE: u32 = 5;
/// The agreed weekly rate must lie in this range.
pub const WEEKLY_HOURS: std::ops::RangeInclusive<u32> = 5..=20;
/// No more than this in one day.
pub const MAX_HOURS_PER_DAY: u32 = 8;

/// Hours due for a sentence of `months` months: 5 per week of sentence with 52 weeks a year
/// (months × 52 / 12 × 5 = months × 65 / 3), rounded up to a whole hour: a part week counts.
pub fn hours_due(months: u32) -> Result<u32> {
    if months == 0 || months > 600 {
        return Err(Error::invalid("sentenceMonths", "between 1 and 600"));
    }
    Ok((months * 52 * HOURS_PER_WEEK_OF_SENTENCE).div_ceil(12))
}

/// Checks an agreed weekly rate and the longest day of the schedule.
pub fn check_rate(hours_per_week: u32, longest_day: u32) -> Result<()> {
    if !WEEKLY_HOURS.contains(&hours_per_week) {
        return Err(Error::invalid(
            "hoursPerWeek",
            "between 5 and 20 hours a week",
        ));
    }
    if longest_day == 0 || longest_day > MAX_HOURS_PER_DAY {
        return Err(Error::invalid("hoursPerDay", "at most 8 hours in a day"));
    }
    if longest_day > hours_per_week {
        return Err(Error::invalid(
            "hoursPerDay",
            "not more than the week's hours",
        ));
    }
    Ok(())
}

/// The projected end: the start plus as many whole weeks as the hours need at the agreed
/// rate (the last week may be a partial one, so the date is the end of that week).
pub fn projected_end(start: NaiveDate, hours_due: u32, hours_per_week: u32) -> Result<NaiveDate> {
    check_rate(hours_per_week, hours_per_week.min(MAX_HOURS_PER_DAY))?;
    let weeks = hours_due.div_ceil(hours_per_week);
    start
        .checked_add_days(Days::new(u64::from(weeks) * 7))
        .and_then(|d| d.pred_opt())
        .ok_or(Error::invalid("startOn", "a date"))
}

/// A community-service plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServicePlan {
    /// The application that granted it.
    #[serde(default)]
    pub application_id: Option<String>,
    /// The receiving entity: a public body or non-profit from the directory.
    #[serde(default)]
    pub receiving_entity: Option<String>,
    #[serde(default)]
    pub supervisor: Option<String>,
    #[serde(default)]
    pub activities: Option<String>,
    /// The prison sentence imposed, in months.
    pub sentence_months: u32,
    /// Hours due when they are not the computed ones (the judge's order says otherwise).
    #[serde(default)]
    pub hours_due_override: Option<u32>,
    /// Why the hours due were changed; required with an override.
    #[serde(default)]
    pub override_reason: Option<String>,
    pub hours_per_week: u32,
    /// The longest day of the agreed schedule.
    pub hours_per_day: u32,
    /// Days and times, agreed so as not to clash with her work or study.
    #[serde(default)]
    pub schedule: Option<String>,
    pub start_on: String,
    #[serde(default)]
    pub execution_judge: Option<String>,
}

impl ServicePlan {
    pub(crate) fn validate(&mut self) -> Result<()> {
        let computed = hours_due(self.sentence_months)?;
        check_rate(self.hours_per_week, self.hours_per_day)?;
        validate::optional_text("overrideReason", &mut self.override_reason, 500)?;
        if let Some(hours) = self.hours_due_override {
            if hours == 0 || hours > 20_000 {
                return Err(Error::invalid("hoursDueOverride", "between 1 and 20000"));
            }
            if hours == computed {
                self.hours_due_override = None;
                self.override_reason = None;
            } else if self.override_reason.is_none() {
                return Err(Error::invalid(
                    "overrideReason",
                    "required when hours due are changed",
                ));
            }
        } else {
            self.override_reason = None;
        }
        validate::optional_text("supervisor", &mut self.supervisor, 200)?;
        validate::optional_text("activities", &mut self.activities, 2000)?;
        validate::optional_text("schedule", &mut self.schedule, 500)?;
        validate::optional_text("executionJudge", &mut self.execution_judge, 200)?;
        validate::date("startOn", &self.start_on)?;
        Ok(())
    }

    /// The hours she owes: the override, or 5 per week of sentence.
    pub fn hours_due(&self) -> u32 {
        self.hours_due_override
            .unwrap_or_else(|| hours_due(self.sentence_months).unwrap_or(0))
    }

    fn start(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.start_on, "%Y-%m-%d").unwrap_or_default()
    }
}

/// One day's service, as the supervisor verified it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceHours {
    pub plan_id: String,
    pub date: String,
    pub hours: u32,
    pub activity: String,
    #[serde(default)]
    pub verified_by: Option<String>,
}

impl ServiceHours {
    pub(crate) fn validate(&mut self) -> Result<()> {
        validate::past_date("date", &self.date)?;
        if self.hours == 0 || self.hours > MAX_HOURS_PER_DAY {
            return Err(Error::invalid("hours", "at most 8 hours in a day"));
        }
        self.activity = self.activity.trim().to_string();
        if self.activity.is_empty() {
            return Err(Error::invalid("activity", "required"));
        }
        validate::text("activity", &self.activity, 500)?;
        validate::optional_text("verifiedBy", &mut self.verified_by, 200)?;
        Ok(())
    }
}

/// A compliance report for the court, for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComplianceReport {
    pub plan_id: String,
    pub period_start: String,
    pub period_end: String,
    #[serde(default)]
    pub incidents: Option<String>,
    #[serde(default)]
    pub sent_on: Option<String>,
}

/// The days on which a plan's hours log adds up to more than [`MAX_HOURS_PER_DAY`]: each
/// entry was within the rule where it was written, but entries from two laptops can break it
/// once merged. They are kept and shown, never dropped. Each is (plan id, date, hours).
pub(crate) fn days_over_limit(records: &[CaseRecord]) -> Vec<(String, String, u32)> {
    let mut days: std::collections::BTreeMap<(&str, &str), u32> = Default::default();
    for record in records {
        if let RecordData::ServiceHours(entry) = &record.data {
            *days.entry((&entry.plan_id, &entry.date)).or_default() += entry.hours;
        }
    }
    days.into_iter()
        .filter(|(_, hours)| *hours > MAX_HOURS_PER_DAY)
        .map(|((plan, date), hours)| (plan.to_string(), date.to_string(), hours))
        .collect()
}

impl ComplianceReport {
    pub(crate) fn validate(&mut self) -> Result<()> {
        let start = validate::date("periodStart", &self.period_start)?;
        let end = validate::date("periodEnd", &self.period_end)?;
        if end < start {
            return Err(Error::invalid("periodEnd", "not before the start"));
        }
        validate::optional_text("incidents", &mut self.incidents, 4000)?;
        if let Some(sent) = validate::optional_date("sentOn", &mut self.sent_on)? {
            validate::past_date("sentOn", &sent.to_string())?;
        }
        Ok(())
    }
}

/// How far a plan has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlanProgress {
    pub record_id: String,
    /// 5 hours per week of sentence.
    pub hours_due_computed: u32,
    /// The computed hours or the override.
    pub hours_due: u32,
    pub projected_end: String,
    pub hours_logged: u32,
    pub hours_remaining: u32,
    /// Whole percent of the hours due already served.
    pub percent: u32,
    /// Hours the agreed rate would have reached by the day asked about.
    pub hours_expected: u32,
    pub completed: bool,
}

/// The hours logged against a plan, in date order.
pub fn entries_of<'a>(records: &'a [CaseRecord], plan_id: &str) -> Vec<&'a ServiceHours> {
    let mut entries: Vec<&ServiceHours> = records
        .iter()
        .filter_map(|r| match &r.data {
            RecordData::ServiceHours(h) if h.plan_id == plan_id => Some(h),
            _ => None,
        })
        .collect();
    entries.sort_by(|a, b| a.date.cmp(&b.date));
    entries
}

/// A plan's progress on `today`, from the hours logged in `records`.
pub fn progress(
    plan_id: &str,
    plan: &ServicePlan,
    records: &[CaseRecord],
    today: NaiveDate,
) -> PlanProgress {
    let due = plan.hours_due();
    let logged: u32 = entries_of(records, plan_id).iter().map(|h| h.hours).sum();
    let start = plan.start();
    let weeks_elapsed = if today < start {
        0
    } else {
        ((today - start).num_days() as u32) / 7 + 1
    };
    PlanProgress {
        record_id: plan_id.to_string(),
        hours_due_computed: hours_due(plan.sentence_months).unwrap_or(0),
        hours_due: due,
        projected_end: projected_end(start, due, plan.hours_per_week)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        hours_logged: logged,
        hours_remaining: due.saturating_sub(logged),
        percent: (logged.min(due) * 100).checked_div(due).unwrap_or(0),
        hours_expected: (weeks_elapsed * plan.hours_per_week).min(due),
        completed: logged >= due,
    }
}

/// A compliance report with its figures, ready to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ComplianceFigures {
    /// The hours served within the period, each day.
    pub entries: Vec<ServiceHours>,
    pub hours_in_period: u32,
    /// Everything served up to the end of the period.
    pub hours_accumulated: u32,
    pub hours_due: u32,
    pub hours_remaining: u32,
    /// Hours the agreed rate asks for in the period's weeks.
    pub hours_expected_in_period: u32,
}

/// The figures of a report over `records`.
pub fn compliance_figures(
    plan_id: &str,
    plan: &ServicePlan,
    report: &ComplianceReport,
    records: &[CaseRecord],
) -> ComplianceFigures {
    let entries = entries_of(records, plan_id);
    let in_period: Vec<ServiceHours> = entries
        .iter()
        .filter(|h| h.date >= report.period_start && h.date <= report.period_end)
        .map(|h| (*h).clone())
        .collect();
    let accumulated: u32 = entries
        .iter()
        .filter(|h| h.date <= report.period_end)
        .map(|h| h.hours)
        .sum();
    let days = NaiveDate::parse_from_str(&report.period_end, "%Y-%m-%d")
        .ok()
        .zip(NaiveDate::parse_from_str(&report.period_start, "%Y-%m-%d").ok())
        .map(|(end, start)| (end - start.max(plan.start())).num_days() + 1)
        .unwrap_or(0)
        .max(0) as u32;
    let due = plan.hours_due();
    ComplianceFigures {
        hours_in_period: in_period.iter().map(|h| h.hours).sum(),
        entries: in_period,
        hours_accumulated: accumulated,
        hours_due: due,
        hours_remaining: due.saturating_sub(accumulated),
        hours_expected_in_period: (days * plan.hours_per_week).div_ceil(7),
    }
}

impl ServicePlan {
    /// Its fields, the application it carries out (one of her file's), and the receiving
    /// entity: a public body or non-profit of the directory, never a private company.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate()?;
        file.link(
            "legal_application",
            self.application_id.as_deref(),
            "applicationId",
        )?;
        if let Some(entity) = &self.receiving_entity {
            let organization = file.organization(entity, "receivingEntity")?;
            if organization.kind == OrganizationKind::PrivateCompany {
                return Err(Error::invalid(
                    "receivingEntity",
                    "a public body or non-profit, not a private company",
                ));
            }
        }
        Ok(())
    }
}

impl ServiceHours {
    /// Its fields, its plan (one of her file's, started by that day), and at most
    /// [`MAX_HOURS_PER_DAY`] hours in a day over the whole hours log of the plan.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate()?;
        let plan = match file.record(&self.plan_id)? {
            Some(found) if !found.deleted && found.kind == "service_plan" => match found.data()? {
                RecordData::ServicePlan(plan) => plan,
                _ => return Err(Error::invalid("planId", "not a plan of this file")),
            },
            _ => return Err(Error::invalid("planId", "not a plan of this file")),
        };
        if self.date < plan.start_on {
            return Err(Error::invalid("date", "not before the plan starts"));
        }
        let mut same_day: i64 = 0;
        for entry in file.records("service_hours")? {
            if Some(entry.id.as_str()) == file.record_id {
                continue;
            }
            if let RecordData::ServiceHours(other) = entry.data()? {
                if other.plan_id == self.plan_id && other.date == self.date {
                    same_day += i64::from(other.hours);
                }
            }
        }
        if same_day + i64::from(self.hours) > i64::from(MAX_HOURS_PER_DAY) {
            return Err(Error::invalid("hours", "at most 8 hours in a day"));
        }
        Ok(())
    }
}

impl ComplianceReport {
    /// Its fields, and its plan: one of her file's.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate()?;
        file.link("service_plan", Some(&self.plan_id), "planId")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn hours_follow_five_per_week_of_sentence() {
        // The law's own example: 48 months → 208 weeks → 1,040 hours.
        assert_eq!(hours_due(48).unwrap(), 1040);
        assert_eq!(hours_due(12).unwrap(), 260);
        assert_eq!(hours_due(96).unwrap(), 2080);
        // Months that are not whole weeks: 13 months = 56.33 weeks → 281.7 → 282 hours.
        assert_eq!(hours_due(13).unwrap(), 282);
        // 1 month = 4.33 weeks → 21.7 → 22 hours.
        assert_eq!(hours_due(1).unwrap(), 22);
        // 7 months = 30.33 weeks → 151.7 → 152 hours.
        assert_eq!(hours_due(7).unwrap(), 152);
        assert!(hours_due(0).is_err());
        assert!(hours_due(601).is_err());
    }

    #[test]
    fn the_end_date_follows_the_weekly_rate() {
        // 1,040 hours at 20 a week: 52 weeks from 2026-01-05 ends 2027-01-03.
        assert_eq!(
            projected_end(date("2026-01-05"), 1040, 20).unwrap(),
            date("2027-01-03")
        );
        // At 5 a week the same hours take 208 weeks.
        assert_eq!(
            projected_end(date("2026-01-05"), 1040, 5).unwrap(),
            date("2029-12-30")
        );
        // A partial last week still counts: 282 hours at 20 a week is 15 weeks.
        assert_eq!(
            projected_end(date("2026-03-02"), 282, 20).unwrap(),
            date("2026-06-14")
        );
    }

    #[test]
    fn weekly_and_daily_limits_are_enforced_with_the_field_named() {
        for (week, day, field) in [
            (4, 4, "hoursPerWeek"),
            (21, 8, "hoursPerWeek"),
            (20, 9, "hoursPerDay"),
            (5, 6, "hoursPerDay"),
            (10, 0, "hoursPerDay"),
        ] {
            match check_rate(week, day) {
                Err(Error::InvalidInput { field: got, .. }) => {
                    assert_eq!(got, field, "{week}/{day}")
                }
                other => panic!("{week}/{day}: {other:?}"),
            }
        }
        assert!(check_rate(20, 8).is_ok());
        assert!(check_rate(5, 5).is_ok());
        assert!(projected_end(date("2026-01-05"), 100, 25).is_err());
    }

    fn plan(months: u32, week: u32) -> ServicePlan {
        ServicePlan {
            application_id: None,
            receiving_entity: None,
            supervisor: Some("Supervisora".into()),
            activities: None,
            sentence_months: months,
            hours_due_override: None,
            override_reason: None,
            hours_per_week: week,
            hours_per_day: 4,
            schedule: None,
            start_on: "2026-01-05".into(),
            execution_judge: None,
        }
    }

    fn hours(date: &str, hours: u32) -> CaseRecord {
        CaseRecord {
            id: format!("h-{date}"),
            participant_id: "p".into(),
            data: RecordData::ServiceHours(ServiceHours {
                plan_id: "plan".into(),
                date: date.into(),
                hours,
                activity: "Biblioteca".into(),
                verified_by: None,
            }),
            created_at: String::new(),
            created_by: None,
            masked: false,
        }
    }

    #[test]
    fn an_edit_of_the_hours_due_needs_a_reason_and_moves_the_end() {
        let mut p = plan(48, 20);
        p.validate().unwrap();
        assert_eq!(p.hours_due(), 1040);
        p.hours_due_override = Some(1000);
        match p.clone().validate() {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "overrideReason"),
            other => panic!("{other:?}"),
        }
        p.override_reason = Some("El auto del juez fija 1.000 horas".into());
        p.validate().unwrap();
        assert_eq!(p.hours_due(), 1000);
        let progress = progress("plan", &p, &[], date("2026-01-05"));
        // 1,000 hours at 20 a week: 50 weeks.
        assert_eq!(progress.projected_end, "2026-12-20");
        assert_eq!(progress.hours_due_computed, 1040);
        // An override equal to the computed hours is no override.
        let mut same = plan(48, 20);
        same.hours_due_override = Some(1040);
        same.validate().unwrap();
        assert_eq!(same.hours_due_override, None);
        // The plan's own rate is checked.
        let mut fast = plan(48, 25);
        assert!(fast.validate().is_err());
        let mut long_day = plan(48, 20);
        long_day.hours_per_day = 10;
        assert!(long_day.validate().is_err());
    }

    #[test]
    fn progress_and_compliance_count_the_logged_hours() {
        let p = plan(12, 10); // 260 hours
        let records = vec![
            hours("2026-01-06", 4),
            hours("2026-01-08", 4),
            hours("2026-02-03", 6),
            hours("2026-03-01", 8),
        ];
        let state = progress("plan", &p, &records, date("2026-01-18"));
        assert_eq!(state.hours_logged, 22);
        assert_eq!(state.hours_remaining, 238);
        assert_eq!(state.percent, 8);
        // Two weeks under way at 10 a week.
        assert_eq!(state.hours_expected, 20);
        assert!(!state.completed);
        let report = ComplianceReport {
            plan_id: "plan".into(),
            period_start: "2026-02-01".into(),
            period_end: "2026-02-28".into(),
            incidents: None,
            sent_on: None,
        };
        let figures = compliance_figures("plan", &p, &report, &records);
        assert_eq!(figures.hours_in_period, 6);
        assert_eq!(figures.entries.len(), 1);
        assert_eq!(figures.hours_accumulated, 14);
        assert_eq!(figures.hours_remaining, 246);
        // 28 days at 10 a week.
        assert_eq!(figures.hours_expected_in_period, 40);
    }
}
