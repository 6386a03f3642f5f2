//! How the vault stores the change log and the case records compactly: ids as 16 bytes
//! (a derived id, such as "her household", hashed to one), record types and field names as
//! small numbers from [`TERMS`], and values as CBOR whose keys are those numbers, whose ids
//! are 16 bytes and whose dates are day numbers. This is the vault's own storage, never an
//! exchange format: sync files carry operations in their own documented form. See
//! `docs/storage.md`.

use chrono::NaiveDate;
use ciborium::Value as Cbor;
use serde_json::{Map, Number, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Record types and field names, numbered from 1 by their place in this list. **Append only**:
/// a vault stores these numbers, so a name never moves or changes (a test holds the list to
/// `tests/fixtures/log_terms.txt`). A name missing from it is stored by the vault's own
/// `log_names` table instead.
pub const TERMS: &[&str] = &[
    "participant",
    "participant_access",
    "staff",
    "consent",
    "household",
    "dependant",
    "housing",
    "document",
    "needs",
    "contact",
    "note",
    "proceeding",
    "legal_status",
    "prison_stay",
    "legal_application",
    "service_plan",
    "service_hours",
    "compliance_report",
    "referral",
    "task",
    "organization",
    "service",
    "caseCode",
    "legalName",
    "chosenName",
    "birthYear",
    "department",
    "municipality",
    "genderIdentity",
    "ethnicity",
    "nationality",
    "disability",
    "safeContact",
    "messageOk",
    "assignedTo",
    "status",
    "closingReason",
    "participantId",
    "staffId",
    "username",
    "displayName",
    "role",
    "active",
    "purpose",
    "legalBasis",
    "noticeVersion",
    "method",
    "readAloud",
    "language",
    "givenOn",
    "collectedBy",
    "revokedOn",
    "headOfHousehold",
    "notarialDeclarationOn",
    "householdSize",
    "incomeBand",
    "tenure",
    "socioeconomicGroup",
    "conflictVictim",
    "alias",
    "relationship",
    "birthDate",
    "age",
    "disabilityCertificate",
    "livedWithHerBefore",
    "carer",
    "location",
    "custody",
    "livesWithHerInPrison",
    "situation",
    "from",
    "until",
    "address",
    "documentType",
    "dependantId",
    "issuingBody",
    "requestedOn",
    "obtainedOn",
    "cost",
    "expiresOn",
    "originalKeptAt",
    "phase",
    "assessedOn",
    "statuses",
    "contactType",
    "date",
    "place",
    "team",
    "visitId",
    "summary",
    "text",
    "sensitive",
    "contactId",
    "jurisdiction",
    "caseNumber",
    "court",
    "offenceCode",
    "offenceCategory",
    "sentenceMonths",
    "expectedReleaseOn",
    "proceedingId",
    "since",
    "facility",
    "enteredOn",
    "leftOn",
    "applicationType",
    "filedBy",
    "filedOn",
    "authority",
    "fileNumber",
    "evidence",
    "decidedOn",
    "refusalReason",
    "marginalityEvidence",
    "priorConviction",
    "excludedOffence",
    "notes",
    "applicationId",
    "receivingEntity",
    "supervisor",
    "activities",
    "hoursDueOverride",
    "overrideReason",
    "hoursPerWeek",
    "hoursPerDay",
    "schedule",
    "startOn",
    "executionJudge",
    "planId",
    "hours",
    "activity",
    "verifiedBy",
    "periodStart",
    "periodEnd",
    "incidents",
    "sentOn",
    "category",
    "organizationId",
    "serviceId",
    "referredOn",
    "sharesData",
    "consentId",
    "followUpOn",
    "outcome",
    "title",
    "dueOn",
    "generatedKey",
    "done",
    "doneOn",
    "name",
    "kind",
    "categories",
    "requirements",
    "acceptsRecords",
    "verifiedOn",
    "statuses.documentation",
    "statuses.legal",
    "statuses.community_service",
    "statuses.housing",
    "statuses.employment",
    "statuses.education",
    "statuses.health",
    "statuses.mental_health",
    "statuses.substance_use",
    "statuses.family",
    "statuses.childcare",
    "statuses.social_protection",
    "statuses.finances",
    "statuses.basic_needs",
    "statuses.transport",
    "statuses.violence_safety",
    "statuses.peer_networks",
    "statuses.other",
    "device",
    "ageRecipient",
    "signingKey",
    "registeredBy",
    "joinExpires",
    "revoked",
    "erasure",
    "rights_request",
    "right",
    "receivedOn",
    "deadline",
    "basis",
    "doneBy",
    "visit",
    "expires",
    "endedAt",
    "summary_release",
    "summary_revision",
    "period",
    "audience",
    "revision",
    "indicator",
    "table",
    "producedOn",
    "organizations",
    "revisedOn",
    "reason",
];

/// The field of a record's first operation that names the file it belongs to.
pub const PARTICIPANT_FIELD: &str = "participantId";

/// Dynamic names (devices, authors, names missing from [`TERMS`]) are numbered from here.
pub const FIRST_DYNAMIC_CODE: i64 = 1000;

/// A CBOR tag for a 16-byte UUID (RFC 9562's registered tag 37).
const TAG_UUID: u64 = 37;
/// A CBOR tag for a date as days since 1970-01-01 (RFC 8943's tag 100).
const TAG_DAYS: u64 = 100;
/// This vault's tag for "the woman the operation is about": the value of `participantId`,
/// which her operations already carry in a column of their own.
const TAG_HER: u64 = 6;

/// The number of a record type or field name, if it is one of [`TERMS`].
pub fn term_code(name: &str) -> Option<i64> {
    // Asked twice for every operation stored: looked up, not searched for along the list.
    static CODES: std::sync::OnceLock<foldhash::HashMap<&'static str, i64>> =
        std::sync::OnceLock::new();
    CODES
        .get_or_init(|| {
            TERMS
                .iter()
                .enumerate()
                .rev()
                .map(|(index, term)| (*term, index as i64 + 1))
                .collect()
        })
        .get(name)
        .copied()
}

/// The name of a number from [`TERMS`].
pub fn term_name(code: i64) -> Option<&'static str> {
    usize::try_from(code.checked_sub(1)?)
        .ok()
        .and_then(|index| TERMS.get(index).copied())
}

/// The id a derived record id (`"<her id>/household"`) stands for: a UUID (version 8) made
/// from its SHA-256, the same on every laptop.
pub fn derived_id(text: &str) -> String {
    uuid::Uuid::from_bytes(hashed(text))
        .hyphenated()
        .to_string()
}

fn hashed(text: &str) -> [u8; 16] {
    let digest = Sha256::new()
        .chain_update(b"acompana record id\0")
        .chain_update(text.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    *uuid::Uuid::new_v8(bytes).as_bytes()
}

/// The UUID `text` is, when it is written in the canonical lower-case hyphenated form.
pub(crate) fn canonical_uuid(text: &str) -> Option<uuid::Uuid> {
    // 36 characters can only be the hyphenated form; the parser also takes capitals, which
    // would not read back as written. No text is made: this runs for every string stored.
    if text.len() != 36 || text.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    uuid::Uuid::try_parse(text).ok()
}

/// The 16 bytes an id is stored as: a UUID's own bytes, or any other text's hash (as
/// [`derived_id`] makes it).
pub fn id_bytes(text: &str) -> [u8; 16] {
    match canonical_uuid(text) {
        Some(id) => *id.as_bytes(),
        None => hashed(text),
    }
}

/// The text of a stored id.
pub fn id_text(bytes: &[u8]) -> Result<String> {
    let bytes: [u8; 16] = bytes
        .try_into()
        .map_err(|_| Error::VaultCorrupt("bad id in the database"))?;
    Ok(uuid::Uuid::from_bytes(bytes).hyphenated().to_string())
}

/// Several ids stored one after the other, 16 bytes each.
pub fn ids_bytes<'a>(ids: impl IntoIterator<Item = &'a String>) -> Vec<u8> {
    ids.into_iter().flat_map(|id| id_bytes(id)).collect()
}

/// The texts of ids stored by [`ids_bytes`].
pub fn ids_text(bytes: &[u8]) -> Result<Vec<String>> {
    if !bytes.len().is_multiple_of(16) {
        return Err(Error::VaultCorrupt("bad id list in the database"));
    }
    bytes.chunks(16).map(id_text).collect()
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// A `YYYY-MM-DD` date that reads back exactly as written, as days since 1970.
fn date_days(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    // Four, two and two digits: any real date of that shape reads back as written.
    let number = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'))
    };
    let date = NaiveDate::from_ymd_opt(number(0..4) as i32, number(5..7), number(8..10))?;
    Some((date - epoch()).num_days())
}

fn to_cbor(value: &Value, her: Option<&str>, top: bool) -> Cbor {
    match value {
        Value::Null => Cbor::Null,
        Value::Bool(b) => Cbor::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Cbor::Integer(i.into()),
            (None, Some(u), _) => Cbor::Integer(u.into()),
            (None, None, Some(f)) => Cbor::Float(f),
            (None, None, None) => Cbor::Null,
        },
        Value::String(text) => {
            if let Some(id) = canonical_uuid(text) {
                Cbor::Tag(TAG_UUID, Box::new(Cbor::Bytes(id.as_bytes().to_vec())))
            } else if let Some(days) = date_days(text) {
                Cbor::Tag(TAG_DAYS, Box::new(Cbor::Integer(days.into())))
            } else {
                Cbor::Text(text.clone())
            }
        }
        Value::Array(items) => Cbor::Array(items.iter().map(|v| to_cbor(v, her, false)).collect()),
        Value::Object(fields) => object_to_cbor(fields, her, top),
    }
}

fn object_to_cbor(fields: &serde_json::Map<String, Value>, her: Option<&str>, top: bool) -> Cbor {
    Cbor::Map(
        fields
            .iter()
            .map(|(key, value)| {
                let stored_key = match term_code(key) {
                    Some(code) => Cbor::Integer(code.into()),
                    None => Cbor::Text(key.clone()),
                };
                let is_her =
                    top && key == PARTICIPANT_FIELD && her.is_some() && value.as_str() == her;
                let stored = if is_her {
                    Cbor::Tag(TAG_HER, Box::new(Cbor::Null))
                } else {
                    to_cbor(value, her, false)
                };
                (stored_key, stored)
            })
            .collect(),
    )
}

/// Stores a value: a record's fields, or one field's new value. `her` is the woman the
/// operation is about; her id inside the value is stored as a one-byte reference to it.
pub fn encode_value(value: &Value, her: Option<&str>) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    ciborium::into_writer(&to_cbor(value, her, true), &mut bytes)
        .map_err(|_| Error::Internal("a value could not be encoded".into()))?;
    Ok(bytes)
}

/// Stores a record's fields, as [`encode_value`] stores them as an object, with no woman's
/// id to refer to.
pub fn encode_object(fields: &serde_json::Map<String, Value>) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    ciborium::into_writer(&object_to_cbor(fields, None, true), &mut bytes)
        .map_err(|_| Error::Internal("a value could not be encoded".into()))?;
    Ok(bytes)
}

fn from_cbor(value: Cbor, her: Option<&str>) -> Result<Value> {
    let bad = || Error::VaultCorrupt("bad value in the database");
    Ok(match value {
        Cbor::Null => Value::Null,
        Cbor::Bool(b) => Value::Bool(b),
        Cbor::Integer(i) => {
            let wide = i128::from(i);
            if let Ok(small) = i64::try_from(wide) {
                Value::Number(small.into())
            } else {
                Value::Number(u64::try_from(wide).map_err(|_| bad())?.into())
            }
        }
        Cbor::Float(f) => Value::Number(Number::from_f64(f).ok_or_else(bad)?),
        Cbor::Text(text) => Value::String(text),
        Cbor::Tag(TAG_UUID, inner) => match *inner {
            Cbor::Bytes(bytes) => Value::String(id_text(&bytes)?),
            _ => return Err(bad()),
        },
        Cbor::Tag(TAG_DAYS, inner) => match *inner {
            Cbor::Integer(days) => {
                let days = i64::try_from(i128::from(days)).map_err(|_| bad())?;
                let date = epoch()
                    .checked_add_signed(chrono::Duration::try_days(days).ok_or_else(bad)?)
                    .ok_or_else(bad)?;
                Value::String(date.format("%Y-%m-%d").to_string())
            }
            _ => return Err(bad()),
        },
        Cbor::Tag(TAG_HER, inner) if matches!(*inner, Cbor::Null) => {
            Value::String(her.ok_or_else(bad)?.to_string())
        }
        Cbor::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| from_cbor(v, her))
                .collect::<Result<_>>()?,
        ),
        Cbor::Map(entries) => {
            let mut fields = Map::new();
            for (key, value) in entries {
                let key = match key {
                    Cbor::Integer(code) => {
                        term_name(i64::try_from(i128::from(code)).map_err(|_| bad())?)
                            .ok_or_else(bad)?
                            .to_string()
                    }
                    Cbor::Text(name) => name,
                    _ => return Err(bad()),
                };
                fields.insert(key, from_cbor(value, her)?);
            }
            Value::Object(fields)
        }
        _ => return Err(bad()),
    })
}

/// Reads a value stored by [`encode_value`].
pub fn decode_value(bytes: &[u8], her: Option<&str>) -> Result<Value> {
    let value: Cbor = ciborium::from_reader(bytes)
        .map_err(|_| Error::VaultCorrupt("bad value in the database"))?;
    from_cbor(value, her)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_back_exactly_and_take_less_room() {
        let her = "01a22cf5-90c0-72f1-a727-3554a79cbede";
        let value = json!({
            "participantId": her,
            "dependantId": "01a22cf5-90c3-71df-95e4-5d1df49fb2f6",
            "documentType": "eps",
            "status": "has",
            "requestedOn": "2026-01-11",
            "cost": 12500,
            "ratio": 2.5,
            "negative": -3,
            "big": u64::MAX,
            "evidence": ["01a22cf5-90c3-71df-95e4-5d1df49fb2f6", "texto"],
            "unknownKey": {"nested": null, "participantId": her},
            "notADate": "2026-02-30",
            "looksLikeADate": "2026-1-11",
            "upperCaseId": "01A22CF5-90C3-71DF-95E4-5D1DF49FB2F6",
            "text": "Visita en La Picota, 2026-01-11",
        });
        let bytes = encode_value(&value, Some(her)).unwrap();
        assert_eq!(decode_value(&bytes, Some(her)).unwrap(), value);
        // A document as the demo writes it takes under a third of its JSON.
        let document = json!({
            "participantId": her,
            "dependantId": "01a22cf5-90c3-71df-95e4-5d1df49fb2f6",
            "documentType": "eps",
            "status": "has",
            "requestedOn": "2026-01-11",
        });
        let stored = encode_value(&document, Some(her)).unwrap();
        assert_eq!(decode_value(&stored, Some(her)).unwrap(), document);
        assert!(
            stored.len() * 3 < document.to_string().len(),
            "{}",
            stored.len()
        );
        // Her id is stored as a reference to the operation's own column: without it, the
        // value cannot be read.
        assert!(decode_value(&bytes, None).is_err());
        // Someone else's id stays whole.
        let other = json!({"participantId": "01a22cf5-90c3-71df-95e4-5d1df49fb2f6"});
        let stored = encode_value(&other, Some(her)).unwrap();
        assert_eq!(decode_value(&stored, Some(her)).unwrap(), other);
        for scalar in [json!(null), json!(true), json!("x"), json!(0), json!([])] {
            let stored = encode_value(&scalar, None).unwrap();
            assert_eq!(decode_value(&stored, None).unwrap(), scalar);
        }
    }

    #[test]
    fn damaged_values_are_refused() {
        let stored = encode_value(&json!({"status": "has", "cost": 3}), None).unwrap();
        assert!(decode_value(&stored[..stored.len() - 1], None).is_err());
        assert!(decode_value(&[], None).is_err());
        // A key number no version has used.
        let mut unknown = Vec::new();
        ciborium::into_writer(
            &Cbor::Map(vec![(Cbor::Integer(999.into()), Cbor::Null)]),
            &mut unknown,
        )
        .unwrap();
        assert!(decode_value(&unknown, None).is_err());
        let mut short_id = Vec::new();
        ciborium::into_writer(
            &Cbor::Tag(TAG_UUID, Box::new(Cbor::Bytes(vec![1, 2, 3]))),
            &mut short_id,
        )
        .unwrap();
        assert!(decode_value(&short_id, None).is_err());
    }

    #[test]
    fn ids_are_sixteen_bytes_and_derived_ids_hash_the_same_everywhere() {
        let id = "01a22cf5-90c0-72f1-a727-3554a79cbede";
        assert_eq!(id_text(&id_bytes(id)).unwrap(), id);
        let household = format!("{id}/household");
        let derived = derived_id(&household);
        assert_eq!(derived, derived_id(&household));
        assert_ne!(derived, derived_id(&format!("{id}/needs/day30")));
        assert_eq!(id_bytes(&household), id_bytes(&derived));
        assert_eq!(
            uuid::Uuid::parse_str(&derived).unwrap().get_version_num(),
            8
        );
        let parents = vec![id.to_string(), derived.clone()];
        assert_eq!(ids_text(&ids_bytes(&parents)).unwrap(), parents);
        assert!(ids_text(&[0u8; 17]).is_err());
        assert!(id_text(&[0u8; 15]).is_err());
    }

    #[test]
    fn terms_are_numbered_from_one_and_unique() {
        assert_eq!(term_code("participant"), Some(1));
        assert_eq!(term_name(1), Some("participant"));
        assert_eq!(term_name(0), None);
        assert_eq!(term_name(TERMS.len() as i64 + 1), None);
        assert!((TERMS.len() as i64) < FIRST_DYNAMIC_CODE);
        let unique: std::collections::BTreeSet<_> = TERMS.iter().collect();
        assert_eq!(unique.len(), TERMS.len());
        for (index, term) in TERMS.iter().enumerate() {
            assert_eq!(term_code(term), Some(index as i64 + 1));
        }
    }

    // What a stored string is recognised as is part of the stored format: the quick checks
    // must agree with the definitions they replaced (parse, then read back as written).
    fn canonical_uuid_by_reading_back(text: &str) -> Option<uuid::Uuid> {
        let parsed = uuid::Uuid::try_parse(text).ok()?;
        (parsed.hyphenated().to_string() == text).then_some(parsed)
    }

    fn date_days_by_reading_back(text: &str) -> Option<i64> {
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
        (date.format("%Y-%m-%d").to_string() == text).then(|| (date - epoch()).num_days())
    }

    proptest::proptest! {
        #[test]
        fn ids_and_dates_are_recognised_as_reading_back_would(
            text in "[0-9a-fA-F-]{0,40}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9 +-]{8,12}",
            bytes in proptest::array::uniform16(proptest::num::u8::ANY),
            upper in proptest::bool::ANY,
            year in 0i32..10000, month in 0u32..14, day in 0u32..33,
        ) {
            let id = uuid::Uuid::from_bytes(bytes).hyphenated().to_string();
            let id = if upper { id.to_uppercase() } else { id };
            let date = format!("{year:04}-{month:02}-{day:02}");
            for text in [text.as_str(), id.as_str(), date.as_str(), &date[1..], &id[1..]] {
                proptest::prop_assert_eq!(canonical_uuid(text), canonical_uuid_by_reading_back(text));
                proptest::prop_assert_eq!(date_days(text), date_days_by_reading_back(text));
            }
        }
    }

    #[test]
    fn a_date_is_recognised_only_when_it_exists() {
        assert_eq!(date_days("1970-01-02"), Some(1));
        assert_eq!(
            date_days("2024-02-29"),
            date_days("2024-03-01").map(|d| d - 1)
        );
        assert_eq!(date_days("2023-02-29"), None);
        assert_eq!(date_days("2023-13-01"), None);
        assert_eq!(date_days("2023-1-01"), None);
        assert!(canonical_uuid("01A22CF5-90C0-72F1-A727-3554A79CBEDE").is_none());
        assert!(canonical_uuid("01a22cf5-90c0-72f1-a727-3554a79cbede").is_some());
    }
}
