//! Quarters: the finest time a summary shows.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, Result};

/// A calendar quarter, written `2026Q3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub quarter: u8,
}

impl Quarter {
    pub fn parse(text: &str) -> Result<Quarter> {
        let bad = || Error::invalid("period", "a quarter is written like 2026Q3");
        let (year, quarter) = text.trim().split_once(['Q', 'q']).ok_or_else(bad)?;
        if year.len() != 4 || quarter.len() != 1 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let quarter: u8 = quarter.parse().map_err(|_| bad())?;
        if !(2000..=2100).contains(&year) || !(1..=4).contains(&quarter) {
            return Err(bad());
        }
        Ok(Quarter { year, quarter })
    }

    /// The quarter a day falls in.
    pub fn of(day: NaiveDate) -> Quarter {
        Quarter {
            year: day.year(),
            quarter: (day.month0() / 3 + 1) as u8,
        }
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.quarter) * 3 - 2, 1)
            .expect("a quarter starts on a real day")
    }

    pub fn end(self) -> NaiveDate {
        self.next()
            .start()
            .pred_opt()
            .expect("a quarter ends on a real day")
    }

    pub fn next(self) -> Quarter {
        if self.quarter == 4 {
            Quarter {
                year: self.year + 1,
                quarter: 1,
            }
        } else {
            Quarter {
                year: self.year,
                quarter: self.quarter + 1,
            }
        }
    }

    /// Whether the quarter is over on `today`: nothing more can happen in it.
    pub fn closed(self, today: NaiveDate) -> bool {
        self.end() < today
    }

    /// The quarters from `self` to `last`, both included (at most 20: five years).
    pub fn through(self, last: Quarter) -> Result<Vec<Quarter>> {
        if last < self {
            return Err(Error::invalid("period", "the period ends before it starts"));
        }
        let mut quarters = vec![self];
        while *quarters.last().expect("one at least") < last {
            if quarters.len() >= 20 {
                return Err(Error::invalid(
                    "period",
                    "a summary covers at most 20 quarters",
                ));
            }
            let next = quarters.last().expect("one at least").next();
            quarters.push(next);
        }
        Ok(quarters)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.quarter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_and_bound_their_days() {
        let q = Quarter::parse("2026Q3").unwrap();
        assert_eq!(q.start().to_string(), "2026-07-01");
        assert_eq!(q.end().to_string(), "2026-09-30");
        assert_eq!(
            Quarter::parse("2026Q4").unwrap().end().to_string(),
            "2026-12-31"
        );
        assert_eq!(q.next().next().to_string(), "2027Q1");
        for bad in ["2026Q5", "2026Q0", "26Q1", "2026-07", "", "2026Q31"] {
            assert!(Quarter::parse(bad).is_err(), "{bad}");
        }
        assert!(q.closed(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()));
        assert!(!q.closed(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap()));
        assert_eq!(
            Quarter::parse("2025Q3").unwrap().through(q).unwrap().len(),
            5
        );
        assert!(q.through(Quarter::parse("2026Q2").unwrap()).is_err());
    }
}
