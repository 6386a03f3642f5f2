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
    let mut statement = conn
        .prepare("SELECT kind, data FROM case_records UNION ALL SELECT kind, data FROM directory")
        .unwrap();
    let rows: Vec<(String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(rows.len() > 1000, "{} records", rows.len());
    for (kind, data) in rows {
        let data: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&data).unwrap();
        let stored: BTreeSet<&str> = data
            .keys()
            .map(String::as_str)
            .filter(|field| !field.starts_with(NEEDS_STATUS_PREFIX))
            .collect();
        let listed: BTreeSet<&str> = schema::fields_of(&kind)
            .unwrap_or_else(|| panic!("{kind} is not listed"))
            .iter()
            .copied()
            .filter(|field| !["participantId", "statuses"].contains(field))
            .collect();
        assert_eq!(stored, listed, "{kind}");
        for field in data.keys() {
            assert!(schema::has_field(&kind, field), "{kind}.{field}");
        }
    }
    // The demo writes nearly every type; the others are covered by their own tests.
    for listed in schema::RECORD_TYPES.iter().map(|(name, _)| *name) {
        if !["participant_access"].contains(&listed) {
            assert!(types_seen.contains(listed), "the demo wrote no {listed}");
        }
    }
    drop(statement);
    vault.lock(LockReason::Manual).unwrap();
}
