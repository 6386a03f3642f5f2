//! Checks shared by every record: text lengths, dates. Each failure names the form field.

use crate::error::{Error, Result};

/// Trims, and turns an empty text into `None`.
pub fn clean(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// At most `max` characters, no control characters except line breaks and tabs.
pub fn text(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::invalid(field, "too long"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Error::invalid(field, "control characters"));
    }
    Ok(())
}

/// [`text`] for an optional value, after [`clean`].
pub fn optional_text(field: &'static str, value: &mut Option<String>, max: usize) -> Result<()> {
    *value = clean(value.take());
    if let Some(v) = value {
        text(field, v, max)?;
    }
    Ok(())
}

/// A single-line name or label of at most 200 characters.
pub fn name(field: &'static str, value: &str) -> Result<()> {
    if value.contains('\n') {
        return Err(Error::invalid(field, "one line"));
    }
    text(field, value, 200)
}

/// A calendar date `YYYY-MM-DD` between 1900 and 2100.
pub fn date(field: &'static str, value: &str) -> Result<chrono::NaiveDate> {
    let parsed = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, "a date as YYYY-MM-DD"))?;
    let year = chrono::Datelike::year(&parsed);
    if !(1900..=2100).contains(&year) || value.len() != 10 {
        return Err(Error::invalid(field, "a date as YYYY-MM-DD"));
    }
    Ok(parsed)
}

/// [`date`] for an optional value; an empty text is no date.
pub fn optional_date(
    field: &'static str,
    value: &mut Option<String>,
) -> Result<Option<chrono::NaiveDate>> {
    *value = clean(value.take());
    value.as_deref().map(|v| date(field, v)).transpose()
}

/// A date that cannot be in the future (allowing a day for time zones).
pub fn past_date(field: &'static str, value: &str) -> Result<chrono::NaiveDate> {
    let parsed = date(field, value)?;
    if parsed > chrono::Utc::now().date_naive() + chrono::Days::new(1) {
        return Err(Error::invalid(field, "not in the future"));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_texts_are_checked() {
        assert!(date("d", "2025-02-28").is_ok());
        for bad in [
            "2025-02-30",
            "25-02-01",
            "1899-12-31",
            "2025-2-1",
            "",
            "hoy",
        ] {
            assert!(date("d", bad).is_err(), "{bad}");
        }
        assert!(past_date("d", "2999-01-01").is_err());
        assert!(text("t", "línea\nsegunda", 20).is_ok());
        assert!(text("t", "a\u{0}b", 20).is_err());
        assert!(text("t", &"x".repeat(21), 20).is_err());
        assert!(name("n", "dos\nlíneas").is_err());
        let mut empty = Some("   ".to_string());
        optional_text("t", &mut empty, 10).unwrap();
        assert_eq!(empty, None);
        let mut none = Some(" ".to_string());
        assert_eq!(optional_date("d", &mut none).unwrap(), None);
    }
}
