//! Anonymized summaries: the indicators against a hand-counted cohort, consent, disclosure
//! control over random tables (no cell of 1 to k-1, no hidden cell recoverable from the
//! table's equations, the percentage rule, sensitive attributes), differencing (frozen public
//! quarters, years as sums of quarters, revisions), the audit trail, and pooling.

mod common;

use std::collections::BTreeMap;

use acompana::records::participants::NewParticipant;
use acompana::records::record::RecordData;
use acompana::staff::Role;
use acompana::summary::{
    Audience, Breakdown, Summary, SummaryCell, SummaryRequest, SummaryTable, TOTAL,
};
use acompana::vault::{LockReason, Vault};
use acompana::{Error, ErrorCode};
use chrono::NaiveDate;
use common::*;
use serde_json::json;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Early 2027: every quarter of 2026 is closed.
fn in_2027() -> NaiveDate {
    day("2027-01-20")
}

fn record(value: serde_json::Value) -> RecordData {
    serde_json::from_value(value).unwrap()
}

fn save(vault: &mut Vault, her: &str, value: serde_json::Value) -> String {
    vault.record_save(her, None, record(value)).unwrap().id
}

fn statistics_consent(given_on: &str, revoked_on: Option<&str>) -> serde_json::Value {
    json!({"kind": "consent", "purpose": "statistics", "legalBasis": "consent",
           "method": "written", "readAloud": true, "language": "es", "givenOn": given_on,
           "collectedBy": ADMIN, "revokedOn": revoked_on})
}

fn woman(vault: &mut Vault, department: &str, consent: bool) -> String {
    let her = vault
        .participant_add(NewParticipant {
            legal_name: "Mujer de Prueba".into(),
            chosen_name: None,
            birth_year: Some(1990),
            department: Some(department.into()),
            assign_to: None,
        })
        .unwrap()
        .id;
    if consent {
        save(vault, &her, statistics_consent("2026-10-02", None));
    }
    her
}

fn request(period: &str, audience: Audience) -> SummaryRequest {
    SummaryRequest {
        period: period.into(),
        to: None,
        audience,
        indicators: Vec::new(),
        by: None,
        k: None,
    }
}

fn table<'a>(summary: &'a Summary, indicator: &str) -> &'a SummaryTable {
    summary
        .tables
        .iter()
        .find(|t| t.indicator == indicator)
        .unwrap_or_else(|| panic!("no table {indicator}"))
}

/// The cell whose labels are exactly these.
fn cell<'a>(table: &'a SummaryTable, labels: &[(&str, &str)]) -> &'a SummaryCell {
    let wanted: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    table
        .cells
        .iter()
        .find(|c| c.labels == wanted)
        .unwrap_or_else(|| panic!("{}: no cell {wanted:?}", table.indicator))
}

fn count(table: &SummaryTable, labels: &[(&str, &str)]) -> Option<u64> {
    cell(table, labels).count
}

/// Twenty women with statistics consent in three groups whose every count is known, and
/// three left out (two never consented, one revoked), all in 2026Q4.
///
/// - A (7): pretrial detention since 1 October, drugs, head of household self-declared, two
///   children with their grandmother (aged 3 and 9), a Law 2292 application filed on 10
///   October and decided on 20 November (5 granted, 2 denied for no answer in time).
/// - B (6): sentenced, theft without violence, head of household accredited (notarial
///   declaration on 20 October), one daughter of 15 with her, released on 15 September (30
///   and 90 days after fall in the quarter) with her cédula since 1 October and a rented home
///   since 20 September, one prison visit each in November.
/// - C (7): nothing recorded but her consent.
fn cohort(vault: &mut Vault) -> Vec<String> {
    let mut everyone = Vec::new();
    for at in 0..7 {
        let her = woman(vault, "Antioquia", true);
        let proceeding = save(
            vault,
            &her,
            json!({"kind": "proceeding", "offenceCategory": "drugs"}),
        );
        save(
            vault,
            &her,
            json!({"kind": "legal_status", "proceedingId": proceeding,
                   "status": "pretrial_detention", "since": "2026-10-01"}),
        );
        save(
            vault,
            &her,
            json!({"kind": "household", "headOfHousehold": true}),
        );
        for (alias, born) in [("Hija", "2023-05-01"), ("Hijo", "2017-03-01")] {
            save(
                vault,
                &her,
                json!({"kind": "dependant", "alias": alias, "relationship": "daughter",
                       "birthDate": born, "carer": "grandmother", "custody": "relative"}),
            );
        }
        let granted = at < 5;
        save(
            vault,
            &her,
            json!({"kind": "legal_application", "applicationType": "co_ley_2292",
                   "proceedingId": proceeding, "filedOn": "2026-10-10",
                   "status": if granted { "granted" } else { "denied" },
                   "decidedOn": "2026-11-20",
                   "refusalReason": if granted { None } else { Some("no_answer_in_time") }}),
        );
        everyone.push(her);
    }
    for _ in 0..6 {
        let her = woman(vault, "Bolívar", true);
        let proceeding = save(
            vault,
            &her,
            json!({"kind": "proceeding", "offenceCategory": "theft_non_violent",
                   "sentenceMonths": 30}),
        );
        save(
            vault,
            &her,
            json!({"kind": "legal_status", "proceedingId": proceeding,
                   "status": "sentenced", "since": "2025-02-01"}),
        );
        save(
            vault,
            &her,
            json!({"kind": "prison_stay", "proceedingId": proceeding, "facility": "El Buen Pastor",
                   "enteredOn": "2024-01-10", "leftOn": "2026-09-15"}),
        );
        save(
            vault,
            &her,
            json!({"kind": "household", "headOfHousehold": true,
                   "notarialDeclarationOn": "2026-10-20"}),
        );
        save(
            vault,
            &her,
            json!({"kind": "dependant", "alias": "Hija", "relationship": "daughter",
                   "birthDate": "2011-06-01", "carer": "herself", "custody": "hers"}),
        );
        save(
            vault,
            &her,
            json!({"kind": "document", "documentType": "cedula", "status": "has",
                   "obtainedOn": "2026-10-01"}),
        );
        save(
            vault,
            &her,
            json!({"kind": "housing", "situation": "rented", "from": "2026-09-20"}),
        );
        save(
            vault,
            &her,
            json!({"kind": "contact", "contactType": "prison_visit", "date": "2026-11-05",
                   "team": [ADMIN]}),
        );
        everyone.push(her);
    }
    for _ in 0..7 {
        everyone.push(woman(vault, "Cauca", true));
    }
    // Left out: two who never consented, one who revoked.
    woman(vault, "Antioquia", false);
    woman(vault, "Antioquia", false);
    let revoked = woman(vault, "Antioquia", false);
    save(
        vault,
        &revoked,
        statistics_consent("2026-10-02", Some("2026-11-01")),
    );
    everyone
}

#[test]
fn the_indicators_match_a_hand_counted_cohort() {
    let test = new_vault();
    let mut vault = test.admin();
    cohort(&mut vault);
    let summary = vault
        .summary_on(&request("2026Q4", Audience::Internal), in_2027())
        .unwrap();
    assert_eq!(summary.k, 5);
    // Three left out: shown as "<5".
    assert_eq!(summary.not_included.count, None);
    assert_eq!(summary.not_included.display, "<5");

    let status = table(&summary, "legal_status");
    assert_eq!(
        count(status, &[("legal_status", "pretrial_detention")]),
        Some(7)
    );
    assert_eq!(count(status, &[("legal_status", "sentenced")]), Some(6));
    assert_eq!(count(status, &[("legal_status", "unknown")]), Some(7));
    assert_eq!(count(status, &[("legal_status", TOTAL)]), Some(20));
    // The share in pretrial detention: 7 of 20, the rest 13, both at least k.
    assert_eq!(
        cell(status, &[("legal_status", "pretrial_detention")]).percent,
        Some(35.0)
    );

    let offence = table(&summary, "offence");
    assert_eq!(count(offence, &[("offence", "drugs")]), Some(7));
    assert_eq!(count(offence, &[("offence", "theft_non_violent")]), Some(6));
    assert_eq!(count(offence, &[("offence", "unknown")]), Some(7));

    let head = table(&summary, "head_of_household");
    assert_eq!(
        count(head, &[("head_of_household", "self_declared")]),
        Some(7)
    );
    assert_eq!(count(head, &[("head_of_household", "accredited")]), Some(6));
    assert_eq!(count(head, &[("head_of_household", "unknown")]), Some(7));

    let carers = table(&summary, "children_by_carer");
    assert_eq!(carers.unit, "children");
    assert_eq!(count(carers, &[("carer", "grandmother")]), Some(14));
    assert_eq!(count(carers, &[("carer", "herself")]), Some(6));
    assert_eq!(count(carers, &[("carer", TOTAL)]), Some(20));
    let ages = table(&summary, "children_by_age");
    assert_eq!(count(ages, &[("child_age_band", "0_5")]), Some(7));
    assert_eq!(count(ages, &[("child_age_band", "6_11")]), Some(7));
    assert_eq!(count(ages, &[("child_age_band", "12_17")]), Some(6));
    let in_prison = table(&summary, "children_in_prison");
    assert_eq!(count(in_prison, &[("in_prison_with_her", "no")]), Some(20));
    assert_eq!(count(in_prison, &[("in_prison_with_her", "yes")]), Some(0));

    let filed = table(&summary, "applications_filed");
    assert_eq!(
        count(filed, &[("application_type", "co_ley_2292")]),
        Some(7)
    );
    // Five granted, two denied: the two are hidden, and so is what would give them away
    // (the granted count of the same type, with the row totals).
    let decided = table(&summary, "applications_decided");
    let denied = &[("decision", "denied"), ("application_type", "co_ley_2292")];
    assert_eq!(count(decided, denied), None);
    assert_eq!(cell(decided, denied).display, "<5");
    assert_eq!(
        count(
            decided,
            &[("decision", "granted"), ("application_type", "co_ley_2292")]
        ),
        None
    );
    assert_eq!(
        count(
            decided,
            &[("decision", TOTAL), ("application_type", "co_ley_2292")]
        ),
        Some(7)
    );
    let days = table(&summary, "days_to_decision");
    assert_eq!(count(days, &[("days_band", "31_90")]), Some(7));

    let visits = table(&summary, "prison_visits");
    assert_eq!(visits.cells.len(), 1);
    assert_eq!(visits.cells[0].count, Some(6));

    // Six released on 15 September: 30 and 90 days after fall in the quarter.
    let identity = table(&summary, "outcome_identity");
    assert_eq!(
        count(identity, &[("result", "yes"), ("days_after_release", "30")]),
        Some(6)
    );
    assert_eq!(
        count(identity, &[("result", "yes"), ("days_after_release", "90")]),
        Some(6)
    );
    assert_eq!(
        count(identity, &[("result", "no"), ("days_after_release", "30")]),
        Some(0)
    );
    let housing = table(&summary, "outcome_housing");
    assert_eq!(
        count(housing, &[("result", "yes"), ("days_after_release", TOTAL)]),
        Some(12)
    );
    let children = table(&summary, "outcome_children");
    assert_eq!(
        count(children, &[("result", "yes"), ("days_after_release", "90")]),
        Some(6)
    );

    // By department: Antioquia 7, Bolívar 6, Cauca 7 women with consent.
    let by_department = vault
        .summary_on(
            &SummaryRequest {
                indicators: vec!["legal_status".into(), "gender_identity".into()],
                by: Some(Breakdown::Department),
                ..request("2026Q4", Audience::Internal)
            },
            in_2027(),
        )
        .unwrap();
    let status = table(&by_department, "legal_status");
    assert_eq!(status.breakdowns, ["legal_status", "department"]);
    assert_eq!(
        count(
            status,
            &[
                ("legal_status", "pretrial_detention"),
                ("department", "Antioquia")
            ]
        ),
        Some(7)
    );
    assert_eq!(
        count(
            status,
            &[("legal_status", TOTAL), ("department", "Bolívar")]
        ),
        Some(6)
    );
    // A sensitive attribute is never crossed with the department.
    let gender = table(&by_department, "gender_identity");
    assert_eq!(gender.breakdowns, ["gender_identity"]);
    assert_eq!(gender.k, 10);
    vault.lock(LockReason::Manual).unwrap();
}

/// Her stored summary facts are what her records add up to now.
fn assert_facts_current(vault: &mut Vault, her: &str) {
    use acompana::records::facts::Facts;
    let stored: Vec<u8> = vault
        .connection_for_tests()
        .query_row(
            "SELECT facts FROM summary_facts WHERE participant_id = ?1",
            [her],
            |row| row.get(0),
        )
        .unwrap();
    let records = vault.participant_file(her).unwrap().records;
    let catalog = acompana::catalog::for_country(vault.country().unwrap());
    assert_eq!(
        Facts::decode(&stored).unwrap(),
        Facts::of(&records, catalog)
    );
    // Her own fields as her file has them.
    let columns = "created_at, status, deleted, birth_year, department, gender_identity, \
                   ethnicity, nationality";
    let own = |table: &str, key: &str| -> Vec<rusqlite::types::Value> {
        vault
            .connection_for_tests()
            .query_row(
                &format!("SELECT {columns} FROM {table} WHERE {key} = ?1"),
                [her],
                |row| (0..8).map(|i| row.get(i)).collect(),
            )
            .unwrap()
    };
    assert_eq!(
        own("summary_facts", "participant_id"),
        own("participants", "id")
    );
}

fn cell_key(vault: &Vault, her: &str) -> i64 {
    vault
        .connection_for_tests()
        .query_row(
            "SELECT cell_key FROM summary_facts WHERE participant_id = ?1",
            [her],
            |row| row.get(0),
        )
        .unwrap()
}

#[test]
fn summary_facts_follow_every_change_to_her_file() {
    let test = new_vault();
    let mut vault = test.admin();
    let women = cohort(&mut vault);
    for her in &women {
        assert_facts_current(&mut vault, her);
    }
    // A deleted record and an edited one; her random key is drawn once and kept.
    let her = &women[0];
    let key = cell_key(&vault, her);
    let file = vault.participant_file(her).unwrap();
    let status = file
        .records
        .iter()
        .find(|r| matches!(r.data, RecordData::LegalStatus(_)))
        .unwrap();
    vault.record_delete(her, &status.id).unwrap();
    assert_facts_current(&mut vault, her);
    let application = file
        .records
        .iter()
        .find(|r| matches!(r.data, RecordData::LegalApplication(_)))
        .unwrap();
    let mut changed = serde_json::to_value(&application.data).unwrap();
    changed["status"] = json!("withdrawn");
    vault
        .record_save(her, Some(&application.id), record(changed))
        .unwrap();
    assert_facts_current(&mut vault, her);
    assert_eq!(cell_key(&vault, her), key);
    let summary = vault
        .summary_on(&request("2026Q4", Audience::Internal), in_2027())
        .unwrap();
    assert_eq!(
        count(
            table(&summary, "legal_status"),
            &[("legal_status", "pretrial_detention")]
        ),
        Some(6)
    );
    // Her own fields (here her department) reach the summaries' copy at once too.
    let moved = &women[19];
    let department = |vault: &Vault| -> String {
        vault
            .connection_for_tests()
            .query_row(
                "SELECT department FROM summary_facts WHERE participant_id = ?1",
                [moved],
                |row| row.get(0),
            )
            .unwrap()
    };
    assert_eq!(department(&vault), "Cauca");
    vault
        .participant_set(
            moved,
            acompana::records::participants::ParticipantField::Department,
            Some("Antioquia"),
        )
        .unwrap();
    assert_eq!(department(&vault), "Antioquia");
    vault
        .participant_set(
            moved,
            acompana::records::participants::ParticipantField::Department,
            Some("Cauca"),
        )
        .unwrap();
    // Facts from an older build (or none) are computed again when a summary is asked for.
    vault
        .connection_for_tests()
        .execute("DELETE FROM summary_facts", [])
        .unwrap();
    let again = vault
        .summary_on(&request("2026Q4", Audience::Internal), in_2027())
        .unwrap();
    assert_eq!(again.tables, summary.tables);
    vault.lock(LockReason::Manual).unwrap();
}

#[test]
fn a_woman_without_statistics_consent_or_who_revoked_it_is_in_no_count() {
    let test = new_vault();
    let mut vault = test.admin();
    let mut consenting = Vec::new();
    for _ in 0..12 {
        consenting.push(woman(&mut vault, "Antioquia", true));
    }
    let summary = |vault: &mut Vault| {
        vault
            .summary_on(&request("2026Q4", Audience::Internal), in_2027())
            .unwrap()
    };
    let before = summary(&mut vault);
    assert_eq!(
        count(table(&before, "legal_status"), &[("legal_status", TOTAL)]),
        Some(12)
    );
    assert_eq!(before.not_included.count, Some(0));
    // Five more who never consented: counted only as "not included".
    for _ in 0..5 {
        woman(&mut vault, "Antioquia", false);
    }
    let after = summary(&mut vault);
    assert_eq!(
        count(table(&after, "legal_status"), &[("legal_status", TOTAL)]),
        Some(12)
    );
    assert_eq!(after.not_included.count, Some(5));
    // One revokes her consent: she leaves every count, this quarter's too.
    let revoking = &consenting[0];
    let file = vault.participant_file(revoking).unwrap();
    let consent = file
        .records
        .iter()
        .find(|r| matches!(r.data, RecordData::Consent(_)))
        .unwrap();
    vault
        .record_save(
            revoking,
            Some(&consent.id),
            record(statistics_consent("2026-10-02", Some("2026-12-01"))),
        )
        .unwrap();
    let revoked = summary(&mut vault);
    assert_eq!(
        count(table(&revoked, "legal_status"), &[("legal_status", TOTAL)]),
        Some(11)
    );
    assert_eq!(revoked.not_included.count, Some(6));
    vault.lock(LockReason::Manual).unwrap();
}

#[test]
fn only_coordinators_and_administrators_make_summaries_and_each_is_audited() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    let mut lucia = test.unlock("lucia", "clave-de-lucia-1").unwrap();
    let refused = lucia
        .summary_on(&request("2026Q3", Audience::Internal), in_2027())
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert!(lucia
        .summary_contribute_on("2026Q3", "age1x", in_2027())
        .is_err());
    lucia.lock(LockReason::Manual).unwrap();

    let mut vault = test.admin();
    for bad in ["2026Q5", "2026-09", ""] {
        assert_eq!(
            vault
                .summary_on(&request(bad, Audience::Internal), in_2027())
                .unwrap_err()
                .code(),
            ErrorCode::InvalidInput
        );
    }
    let low_k = SummaryRequest {
        k: Some(4),
        ..request("2026Q3", Audience::Internal)
    };
    assert!(matches!(
        vault.summary_on(&low_k, in_2027()),
        Err(Error::InvalidInput { field: "k", .. })
    ));
    let unknown = SummaryRequest {
        indicators: vec!["names".into()],
        ..request("2026Q3", Audience::Internal)
    };
    assert!(vault.summary_on(&unknown, in_2027()).is_err());
    let summary = vault
        .summary_on(&request("2026Q3", Audience::Internal), in_2027())
        .unwrap();
    let entries = vault.audit_list(0, 10).unwrap();
    let last = entries
        .iter()
        .find(|e| e.action.as_str() == "summary_produced")
        .expect("audited");
    let detail: serde_json::Value = serde_json::from_str(last.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["parameters"]["period"], "2026Q3");
    assert_eq!(detail["parameters"]["audience"], "internal");
    use sha2::Digest;
    let hash = hex::encode(sha2::Sha256::digest(serde_json::to_vec(&summary).unwrap()));
    assert_eq!(detail["sha256"], hash);
    vault.lock(LockReason::Manual).unwrap();
}

#[test]
fn a_public_quarter_is_frozen_a_year_adds_up_its_quarters_and_an_open_quarter_is_refused() {
    let test = new_vault();
    let mut vault = test.admin();
    cohort(&mut vault);
    // 2026Q4 is not over on 15 December.
    assert_eq!(
        vault
            .summary_on(&request("2026Q4", Audience::Public), day("2026-12-15"))
            .unwrap_err()
            .code(),
        ErrorCode::QuarterOpen
    );
    let public = request("2026Q4", Audience::Public);
    let first = vault.summary_on(&public, in_2027()).unwrap();
    assert_eq!(first.k, 11);
    // Public counts are at least k or hidden.
    for table in &first.tables {
        for cell in &table.cells {
            if let Some(n) = cell.count {
                assert!(n == 0 || n >= table.k as u64, "{}: {n}", table.indicator);
            }
        }
    }
    // A woman entered late into that quarter, with everything group A has: asked again,
    // the same summary, byte for byte.
    let late = woman(&mut vault, "Antioquia", true);
    let proceeding = save(
        &mut vault,
        &late,
        json!({"kind": "proceeding", "offenceCategory": "drugs"}),
    );
    save(
        &mut vault,
        &late,
        json!({"kind": "legal_status", "proceedingId": proceeding,
               "status": "pretrial_detention", "since": "2026-10-01"}),
    );
    let internal_now = vault
        .summary_on(&request("2026Q4", Audience::Internal), in_2027())
        .unwrap();
    assert_eq!(
        count(
            table(&internal_now, "legal_status"),
            &[("legal_status", TOTAL)]
        ),
        Some(21),
        "internal summaries count her"
    );
    let again = vault.summary_on(&public, day("2027-03-01")).unwrap();
    assert_eq!(
        serde_json::to_string(&again).unwrap(),
        serde_json::to_string(&first).unwrap()
    );

    // A year is the sum of its frozen quarters' published cells, with one pattern.
    let year = SummaryRequest {
        to: Some("2026Q4".into()),
        ..request("2026Q1", Audience::Public)
    };
    let quarters: Vec<Summary> = ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
        .iter()
        .map(|q| {
            vault
                .summary_on(&request(q, Audience::Public), in_2027())
                .unwrap()
        })
        .collect();
    let whole = vault.summary_on(&year, in_2027()).unwrap();
    for year_table in &whole.tables {
        for year_cell in &year_table.cells {
            let parts: Vec<Option<u64>> = quarters
                .iter()
                .map(|q| cell(table(q, &year_table.indicator), &labels(year_cell)).count)
                .collect();
            let expected = parts
                .iter()
                .try_fold(0u64, |sum, part| part.map(|n| sum + n));
            assert_eq!(
                year_cell.count, expected,
                "{} {:?}",
                year_table.indicator, year_cell.labels
            );
        }
    }
    // By quarter, the year shows each quarter's frozen cells beside their sum.
    let by_quarter = vault
        .summary_on(
            &SummaryRequest {
                by: Some(Breakdown::Quarter),
                indicators: vec!["legal_status".into()],
                ..year.clone()
            },
            in_2027(),
        )
        .unwrap();
    let status = table(&by_quarter, "legal_status");
    assert_eq!(
        count(status, &[("legal_status", TOTAL), ("quarter", "2026Q4")]),
        count(table(&first, "legal_status"), &[("legal_status", TOTAL)])
    );

    // A dated revision replaces the whole quarter, and says so.
    assert_eq!(
        vault
            .summary_revise_on("2026Q4", "   ", in_2027())
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInput
    );
    let revision = vault
        .summary_revise_on("2026Q4", "Entradas tardías de diciembre", in_2027())
        .unwrap();
    assert_eq!(revision.revision, 1);
    let revised = vault.summary_on(&public, day("2027-02-01")).unwrap();
    assert_eq!(revised.revisions[0].revision, 1);
    assert_eq!(
        revised.revisions[0].reason.as_deref(),
        Some("Entradas tardías de diciembre")
    );
    assert_eq!(revised.produced_on, "2027-02-01");
    // The revision counts the late entry (public figures move by at most 2).
    let total = count(table(&revised, "legal_status"), &[("legal_status", TOTAL)]).unwrap();
    assert!((19..=23).contains(&total), "{total}");
    vault.lock(LockReason::Manual).unwrap();
}

fn labels(cell: &SummaryCell) -> Vec<(&str, &str)> {
    cell.labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// An organization's vault with the hand-counted cohort, locked again.
fn organization(name: &str) -> TestVault {
    let test = new_vault_named(name, "Coordinadora");
    let mut vault = test.admin();
    cohort(&mut vault);
    vault.lock(LockReason::Manual).unwrap();
    test
}

fn pool_refusal(vault: &mut Vault, files: &[Vec<u8>]) -> &'static str {
    match vault.summary_pool_on(files, in_2027()) {
        Err(Error::ContributionRefused(reason)) => reason,
        other => panic!("not refused: {:?}", other.map(|s| s.organizations)),
    }
}

#[test]
fn three_organizations_pool_their_contributions_and_bad_ones_are_refused() {
    use acompana::summary::pool::{self, Contribution};
    let network = new_vault_named("Red de mujeres", "Coordinadora de la red");
    let mut coordinator = network.admin();
    let recipient = coordinator.summary_recipient().unwrap();
    let elsewhere = new_vault_named("Otra red", "Otra");
    let other_recipient = elsewhere.admin().summary_recipient().unwrap();

    let names = ["Mujeres Libres", "Casa de Paz", "Red Sur"];
    let mut files = Vec::new();
    let mut foreign = Vec::new();
    for name in names {
        let org = organization(name);
        let mut vault = org.admin();
        assert_eq!(
            vault
                .summary_contribute_on("2026Q4", &recipient, day("2026-12-20"))
                .unwrap_err()
                .code(),
            ErrorCode::QuarterOpen
        );
        assert_eq!(
            vault
                .summary_contribute_on("2026Q4", "not-a-key", in_2027())
                .unwrap_err()
                .code(),
            ErrorCode::InvalidInput
        );
        let file = vault
            .summary_contribute_on("2026Q4", &recipient, in_2027())
            .unwrap();
        // Aggregates only: no name, id or case code of any woman is in it (it is sealed;
        // the plaintext is not readable either).
        assert!(!String::from_utf8_lossy(&file).contains("Mujer de Prueba"));
        files.push(file);
        // A late entry does not change a contribution made before: it is frozen (and kept
        // on this laptop only: it is on no operation of the change log).
        woman(&mut vault, "Antioquia", true);
        foreign.push(
            vault
                .summary_contribute_on("2026Q4", &other_recipient, in_2027())
                .unwrap(),
        );
        let conn = vault.connection_for_tests();
        let kept: i64 = conn
            .query_row("SELECT count(*) FROM summary_contributions", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(kept, 1);
        vault.lock(LockReason::Manual).unwrap();
    }

    // Refused, each for its reason, and nothing kept.
    assert_eq!(
        pool_refusal(&mut coordinator, &files[..1]),
        "too_few_organizations"
    );
    assert_eq!(
        pool_refusal(&mut coordinator, &[files[0].clone(), files[0].clone()]),
        "same_organization_twice"
    );
    assert_eq!(
        pool_refusal(&mut coordinator, &[files[0].clone(), foreign[1].clone()]),
        "foreign"
    );
    let mut tampered = files[2].clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x20;
    assert_eq!(
        pool_refusal(&mut coordinator, &[files[0].clone(), tampered]),
        "not_a_contribution"
    );
    assert_eq!(
        pool_refusal(&mut coordinator, &[files[0].clone(), b"hola".to_vec()]),
        "not_a_contribution"
    );
    // A contribution written by hand: unsigned, signed by a key it does not name, from a
    // newer format.
    let forged = Contribution {
        format: pool::FORMAT.into(),
        version: pool::VERSION,
        organization_id: "00000000-0000-4000-8000-000000000001".into(),
        organization_name: "Falsa".into(),
        country: "CO".into(),
        period: "2026Q4".into(),
        revision: 0,
        produced_on: "2027-01-02".into(),
        recipient: recipient.clone(),
        signing_key: hex::encode([7u8; 32]),
        tables: vec![pool::ContributionTable {
            indicator: "legal_status".into(),
            breakdowns: vec!["legal_status".into()],
            cells: vec![pool::ContributionCell {
                labels: BTreeMap::from([("legal_status".into(), "sentenced".into())]),
                count: 1,
            }],
        }],
    };
    let unsigned = pool::seal(&forged, None).unwrap();
    assert_eq!(
        pool_refusal(&mut coordinator, &[files[0].clone(), unsigned]),
        "unsigned"
    );
    let key = acompana::sync::signing::DeviceSigningKey::generate();
    let mis_signed = pool::seal(&forged, Some(&key)).unwrap();
    assert_eq!(
        pool_refusal(&mut coordinator, &[files[0].clone(), mis_signed]),
        "bad_signature"
    );
    let newer = Contribution {
        version: 2,
        signing_key: hex::encode(key.public()),
        ..forged.clone()
    };
    assert_eq!(
        pool_refusal(
            &mut coordinator,
            &[files[0].clone(), pool::seal(&newer, Some(&key)).unwrap()]
        ),
        "unknown_version"
    );
    let bad_labels = Contribution {
        signing_key: hex::encode(key.public()),
        tables: vec![pool::ContributionTable {
            indicator: "legal_status".into(),
            breakdowns: vec!["legal_status".into(), "name".into()],
            cells: Vec::new(),
        }],
        ..forged.clone()
    };
    assert_eq!(
        pool_refusal(
            &mut coordinator,
            &[
                files[0].clone(),
                pool::seal(&bad_labels, Some(&key)).unwrap()
            ]
        ),
        "malformed"
    );
    let other_quarter = Contribution {
        period: "2026Q3".into(),
        signing_key: hex::encode(key.public()),
        ..forged.clone()
    };
    assert_eq!(
        pool_refusal(
            &mut coordinator,
            &[
                files[0].clone(),
                pool::seal(&other_quarter, Some(&key)).unwrap()
            ]
        ),
        "periods_differ"
    );
    let entries = coordinator.audit_list(0, 50).unwrap();
    assert!(!entries
        .iter()
        .any(|e| e.action.as_str() == "summary_pooled"));
    let members: i64 = coordinator
        .connection_for_tests()
        .query_row("SELECT count(*) FROM pool_members", [], |r| r.get(0))
        .unwrap();
    assert_eq!(members, 0, "a refused pool keeps no organization");

    // Three organizations pooled: their counts added up, protected at the public threshold.
    let report = coordinator.summary_pool_on(&files, in_2027()).unwrap();
    assert_eq!(report.audience, Audience::Pool);
    let mut listed = report.organizations.clone();
    listed.sort();
    let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    expected.sort();
    assert_eq!(listed, expected);
    let status = table(&report, "legal_status");
    assert_eq!(status.k, 11);
    assert_eq!(
        count(status, &[("legal_status", "pretrial_detention")]),
        Some(21)
    );
    assert_eq!(count(status, &[("legal_status", "sentenced")]), Some(18));
    assert_eq!(count(status, &[("legal_status", TOTAL)]), Some(60));
    // Six denied Law 2292 applications in all (two each): hidden, since one organization
    // subtracting its own two would learn the others' four.
    let decided = table(&report, "applications_decided");
    assert_eq!(
        count(
            decided,
            &[("decision", "denied"), ("application_type", "co_ley_2292")]
        ),
        None
    );
    // Frozen per quarter: asked again with two of the three, the same report and the same
    // three organizations, so the pool cannot be subtracted into one organization's cells.
    let again = coordinator
        .summary_pool_on(&files[..2], day("2027-02-10"))
        .unwrap();
    assert_eq!(again.tables, report.tables);
    assert_eq!(again.organizations, report.organizations);

    // An organization's name signed by another key than the one it first used: refused.
    let first_key = acompana::sync::signing::DeviceSigningKey::generate();
    let original = Contribution {
        signing_key: hex::encode(first_key.public()),
        period: "2026Q3".into(),
        ..forged.clone()
    };
    let other = Contribution {
        organization_id: "00000000-0000-4000-8000-000000000002".into(),
        period: "2026Q3".into(),
        signing_key: hex::encode(key.public()),
        ..forged.clone()
    };
    coordinator
        .summary_pool_on(
            &[
                pool::seal(&original, Some(&first_key)).unwrap(),
                pool::seal(&other, Some(&key)).unwrap(),
            ],
            in_2027(),
        )
        .unwrap();
    let imposter = Contribution {
        signing_key: hex::encode(key.public()),
        period: "2026Q3".into(),
        ..forged.clone()
    };
    let third = Contribution {
        organization_id: "00000000-0000-4000-8000-000000000003".into(),
        period: "2026Q3".into(),
        signing_key: hex::encode(first_key.public()),
        ..forged.clone()
    };
    assert_eq!(
        pool_refusal(
            &mut coordinator,
            &[
                pool::seal(&imposter, Some(&key)).unwrap(),
                pool::seal(&third, Some(&first_key)).unwrap()
            ]
        ),
        "foreign",
        "the first organization's name, signed by another organization's key"
    );
    coordinator.lock(LockReason::Manual).unwrap();
}
