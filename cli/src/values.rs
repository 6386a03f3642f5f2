//! How the core's enums are read from the command line: the four that list their values in
//! `--help` (a country, a role, a closing reason, a field), and the snake_case codes of the rest.

use std::str::FromStr;

use acompana::records::participants::{ClosingReason, ParticipantField};
use acompana::staff::Role;
use acompana::Country;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// Accepts exactly one of `values` (anything else is a usage error that lists them) and turns
/// it into the core's type.
fn one_of<T>(values: impl IntoIterator<Item = PossibleValue>) -> impl TypedValueParser<Value = T>
where
    T: FromStr<Err = acompana::Error> + Clone + Send + Sync + 'static,
{
    PossibleValuesParser::new(values).try_map(|code| code.parse::<T>())
}

/// `CO`, `MX`, `AR`, `BR`, `CR`.
pub(crate) fn country() -> impl TypedValueParser<Value = Country> {
    one_of(Country::ALL.map(|country| PossibleValue::new(country.code())))
}

pub(crate) fn role() -> impl TypedValueParser<Value = Role> {
    one_of(Role::ALL.map(|role| {
        PossibleValue::new(role.as_str()).help(match role {
            Role::Admin => "Manages staff, settings and the audit log; sees everything",
            Role::Coordinator => "Merges colleagues' work and produces summaries; sees every file",
            Role::Caseworker => "Works with the women assigned to her",
        })
    }))
}

pub(crate) fn closing_reason() -> impl TypedValueParser<Value = ClosingReason> {
    one_of(ClosingReason::ALL.map(|reason| {
        let value = PossibleValue::new(reason.as_str());
        match reason {
            ClosingReason::Completed => value.help("The accompaniment reached its goals"),
            ClosingReason::Withdrew => value.help("She no longer wants to take part"),
            ClosingReason::Transferred => value.help("Taken over by another organization"),
            _ => value,
        }
    }))
}

pub(crate) fn participant_field() -> impl TypedValueParser<Value = ParticipantField> {
    one_of(ParticipantField::ALL.map(|field| {
        let value = PossibleValue::new(field.as_str());
        match field {
            ParticipantField::MessageOk => value.help("`yes` or `no` (or empty)"),
            _ => value,
        }
    }))
}

/// Any enum the core stores as snake_case, given in any case and with `-` or `_`.
pub(crate) fn parse_enum<T: serde::de::DeserializeOwned>(
    text: &str,
) -> std::result::Result<T, String> {
    serde_json::from_value(serde_json::json!(text
        .trim()
        .to_lowercase()
        .replace('-', "_")))
    .map_err(|_| format!("unknown value '{text}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts<T>(parser: &impl TypedValueParser<Value = T>, text: &str) -> Option<T> {
        let command = clap::Command::new("acompana");
        parser
            .parse_ref(&command, None, std::ffi::OsStr::new(text))
            .ok()
    }

    fn listed<T>(parser: &impl TypedValueParser<Value = T>) -> Vec<String> {
        parser
            .possible_values()
            .expect("the values are listed")
            .map(|value| value.get_name().to_string())
            .collect()
    }

    #[test]
    fn every_listed_value_reads_as_the_core_value_and_nothing_else_does() {
        for each in Country::ALL {
            assert_eq!(accepts(&country(), each.code()), Some(each));
        }
        assert_eq!(listed(&country()), ["CO", "MX", "AR", "BR", "CR"]);
        assert_eq!(accepts(&country(), "co"), None);
        assert_eq!(accepts(&country(), "XX"), None);

        for each in Role::ALL {
            assert_eq!(accepts(&role(), each.as_str()), Some(each));
        }
        assert_eq!(listed(&role()), ["admin", "coordinator", "caseworker"]);
        assert_eq!(accepts(&role(), "Admin"), None);

        for each in ClosingReason::ALL {
            assert_eq!(accepts(&closing_reason(), each.as_str()), Some(each));
        }
        assert_eq!(listed(&closing_reason()).len(), ClosingReason::ALL.len());
        assert_eq!(accepts(&closing_reason(), "moved-away"), None);

        for each in ParticipantField::ALL {
            assert_eq!(accepts(&participant_field(), each.as_str()), Some(each));
        }
        assert_eq!(
            listed(&participant_field()).len(),
            ParticipantField::ALL.len()
        );
        assert_eq!(accepts(&participant_field(), "name"), None);
    }
}
