//! The whitelist of record types and fields (`records::schema`) is exactly what the write path
//! produces: every operation of a demo vault passes it, and every stored record has exactly
//! the fields its type lists.

mod common;

use std::collections::BTreeSet;

use acompana::changelog;
use acompana::records::schema::{self, NEEDS_STATUS_PREFIX};
use acompana::vault::{LockReason, VaultPaths};
use acompana::{demo, Country};

#[test]
fn every_operation_and_record_of_a_demo_vault_fits_the_whitelist_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path().join("demo"));
    let (mut vault, _) = demo::open_or_create(&paths, Country::CO).unwrap();
    let anchor = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    demo::generate(&mut vault, 150, 11, anchor, |_| {}).unwrap();
    let conn = vault.connection_for_tests();

    let log = changelog::all(conn).unwrap();
    let mut types_seen = BTreeSet::new();
    for operation in &log {
        schema::check(operation).unwrap_or_else(|_| panic!("refused: {operation:?}"));
        types_seen.insert(operation.record_type.clone());
    }

    // Every stored record states every field of its type, and nothing else.
    let mut rows: Vec<(String, serde_json::Map<String, serde_json::Value>)> = Vec::new();
    for record in acompana::records::record::visible_records(conn, None).unwrap() {
        for field in record.fields.keys() {
            assert!(
                schema::has_field(&record.kind, field),
                "{}.{field}",
                record.kind
            );
        }
        let serde_json::Value::Object(mut whole) =
            serde_json::to_value(record.data().unwrap()).unwrap()
        else {
            panic!("not an object")
        };
        whole.remove("kind");
        rows.push((record.kind, whole));
    }
    let mut statement = conn.prepare("SELECT kind, data FROM directory").unwrap();
    let directory: Vec<(String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for (kind, data) in directory {
        rows.push((kind, serde_json::from_str(&data).unwrap()));
    }
    assert!(rows.len() > 1000, "{} records", rows.len());
    for (kind, data) in rows {
        let stored: BTreeSet<&str> = data
            .keys()
            .map(String::as_str)
            .filter(|field| !field.starts_with(NEEDS_STATUS_PREFIX) && *field != "statuses")
            .collect();
        let listed: BTreeSet<&str> = schema::fields_of(&kind)
            .unwrap_or_else(|| panic!("{kind} is not listed"))
            .iter()
            .copied()
            .filter(|field| !["participantId", "statuses"].contains(field))
            .collect();
        assert_eq!(stored, listed, "{kind}");
        for field in data.keys() {
            if field != "statuses" {
                assert!(schema::has_field(&kind, field), "{kind}.{field}");
            }
        }
    }
    // The demo writes nearly every type; the others are covered by their own tests (sharing
    // in tests/participants.rs, erasure and visits in tests/sync.rs, frozen summaries in
    // tests/summaries.rs).
    for listed in schema::RECORD_TYPES.iter().map(|(name, _)| *name) {
        if ![
            "participant_access",
            "erasure",
            "visit",
            "summary_release",
            "summary_revision",
        ]
        .contains(&listed)
        {
            assert!(types_seen.contains(listed), "the demo wrote no {listed}");
        }
    }
    drop(statement);
    vault.lock(LockReason::Manual).unwrap();
}

/// The numbers the vault stores record types and field names as never move: the list only
/// grows at its end. And every name the whitelist allows has one.
#[test]
fn stored_names_keep_their_numbers_and_cover_the_whitelist() {
    let frozen: Vec<&str> = include_str!("fixtures/log_terms.txt").lines().collect();
    assert!(acompana::compact::TERMS.len() >= frozen.len());
    assert_eq!(&acompana::compact::TERMS[..frozen.len()], frozen.as_slice());
    for (record_type, fields) in schema::RECORD_TYPES {
        assert!(
            acompana::compact::term_code(record_type).is_some(),
            "{record_type}"
        );
        for field in *fields {
            assert!(
                acompana::compact::term_code(field).is_some(),
                "{record_type}.{field}"
            );
        }
    }
    for category in acompana::records::needs::NeedCategory::ALL {
        let name = serde_json::to_value(category).unwrap();
        let field = format!("{NEEDS_STATUS_PREFIX}{}", name.as_str().unwrap());
        assert!(schema::has_field("needs", &field));
        assert!(acompana::compact::term_code(&field).is_some(), "{field}");
    }
}
