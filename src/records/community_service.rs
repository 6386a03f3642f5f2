//! Law 2292 of 2023 (Colombia) community service: the arithmetic of a plan. Hours due are
//! 5 per week of the prison sentence imposed; the agreed rate is between 5 and 20 hours a week
//! and at most 8 in a day. The judge decides; this only computes and checks.
//!
//! Example from the law's guidance: 48 months is 208 weeks, so 1,040 hours; at 20 hours a
//! week that takes at least 52 weeks.

use chrono::{Days, NaiveDate};

use crate::error::{Error, Result};

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
        .ok_or(Error::invalid("start", "a date"))
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
}
