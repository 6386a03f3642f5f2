//! A woman's rights requests: deadlines by country from the catalog, the request in her file
//! and in "Hoy", answered by hand or by erasing her, and the coordinators' list.

mod common;

use acompana::catalog::for_country;
use acompana::records::participants::NewParticipant;
use acompana::records::rights::{RequestStatus, RightsKind};
use acompana::records::tasks::TaskKind;
use acompana::staff::Role;
use acompana::{Country, ErrorCode};
use chrono::NaiveDate;
use common::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn answer_by(country: Country, kind: RightsKind, received: &str) -> String {
    for_country(country)
        .answer_by(kind, day(received))
        .format("%Y-%m-%d")
        .to_string()
}

#[test]
fn deadlines_follow_each_countrys_law_in_business_or_calendar_days() {
    use RightsKind::*;
    // Colombia, Law 1581: 10 business days for access, 15 for the others; Tuesday 1 December
    // 2026, and 8 December (Inmaculada Concepción) is a holiday.
    assert_eq!(answer_by(Country::CO, Access, "2026-12-01"), "2026-12-16");
    assert_eq!(
        answer_by(Country::CO, Correction, "2026-12-01"),
        "2026-12-23"
    );
    // Across Christmas, New Year and Reyes (moved to Monday 11 January 2027).
    assert_eq!(answer_by(Country::CO, Erasure, "2026-12-18"), "2027-01-13");
    // Received on a Saturday: the count starts on the next business day.
    assert_eq!(answer_by(Country::CO, Access, "2026-11-14"), "2026-11-30");
    // Brazil, LGPD: 15 calendar days.
    assert_eq!(answer_by(Country::BR, Access, "2026-12-01"), "2026-12-16");
    assert_eq!(answer_by(Country::BR, Erasure, "2026-12-20"), "2027-01-04");
    // Mexico: 20 business days; 25 December is a holiday.
    assert_eq!(answer_by(Country::MX, Access, "2026-12-01"), "2026-12-30");
    // Argentina, Law 25.326: access in 10 calendar days, correction in 5 business days.
    assert_eq!(answer_by(Country::AR, Access, "2026-12-01"), "2026-12-11");
    assert_eq!(
        answer_by(Country::AR, Correction, "2026-12-01"),
        "2026-12-08"
    );
    // Costa Rica, Law 8968: 5 business days.
    assert_eq!(answer_by(Country::CR, Erasure, "2026-12-04"), "2026-12-11");
    for country in Country::ALL {
        for kind in RightsKind::ALL {
            assert!(
                !for_country(country).rights_deadline(kind).basis.is_empty(),
                "{country:?} {kind:?} names no article"
            );
        }
    }
}

#[test]
fn a_catalog_with_bad_holidays_or_no_basis_is_refused() {
    let good = include_str!("../catalog/CO.json");
    assert!(acompana::catalog::parse(Country::CO, good).is_ok());
    let unsorted = good
        .replace("\"2026-01-12\", ", "")
        .replace("\"2026-12-25\", ", "\"2026-12-25\", \"2026-01-12\", ");
    assert!(acompana::catalog::parse(Country::CO, &unsorted).is_err());
    let not_a_date = good.replace("\"2026-01-12\"", "\"12/01/2026\"");
    assert!(acompana::catalog::parse(Country::CO, &not_a_date).is_err());
    let no_days = good.replace("\"days\": 10", "\"days\": 0");
    assert!(acompana::catalog::parse(Country::CO, &no_days).is_err());
    let no_basis = good.replace(
        "\"basis\": \"Ley 1581 de 2012, art. 14 (consultas)\"",
        "\"basis\": \" \"",
    );
    assert!(acompana::catalog::parse(Country::CO, &no_basis).is_err());
}

fn woman(vault: &mut acompana::vault::Vault, assign_to: Option<&str>) -> String {
    vault
        .participant_add(NewParticipant {
            legal_name: "Rosa Solicitante".into(),
            chosen_name: Some("Rosi".into()),
            birth_year: Some(1988),
            department: Some("Antioquia".into()),
            assign_to: assign_to.map(str::to_string),
        })
        .unwrap()
        .id
}

#[test]
fn a_request_is_in_her_file_and_in_hoy_until_it_is_answered() {
    let test = new_vault();
    test.add("lucia", "Lucía Gómez", Role::Caseworker, "clave-de-lucia-1");
    let mut admin = test.admin();
    let her = woman(&mut admin, Some("lucia"));
    admin.lock(acompana::vault::LockReason::Manual).unwrap();

    // Her caseworker records it; received on Monday 2 November 2026, and 16 November is a
    // holiday in Colombia.
    let mut lucia = test.unlock("lucia", "clave-de-lucia-1").unwrap();
    let request = lucia
        .rights_add(&her, RightsKind::Access, "2026-11-02")
        .unwrap();
    assert_eq!(request.request.deadline, "2026-11-17");
    assert_eq!(
        request.request.basis,
        "Ley 1581 de 2012, art. 14 (consultas)"
    );
    assert_eq!(request.request.status, RequestStatus::Open);
    assert_eq!(
        request.case_code,
        lucia.participant_show(&her).unwrap().case_code
    );
    // A date to come, or not a date, is refused and writes nothing.
    for bad in ["2999-01-01", "2 de noviembre", ""] {
        let error = lucia.rights_add(&her, RightsKind::Access, bad).unwrap_err();
        assert_eq!(error.field(), Some("receivedOn"), "{bad}");
    }
    // It is a record of her file, and a task in Hoy due on the deadline that ticking off
    // does not end.
    let file = lucia.participant_file(&her).unwrap();
    let kinds: Vec<&str> = file.records.iter().map(|r| r.data.kind()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "rights_request").count(), 1);
    let tasks = lucia.participant_tasks(&her).unwrap();
    let task = tasks
        .iter()
        .find(|t| t.kind == TaskKind::RightsDeadline)
        .expect("a task for the deadline");
    assert_eq!(task.due_on, "2026-11-17");
    assert_eq!(task.detail.as_deref(), Some("access"));
    assert!(lucia.task_complete(&her, &task.key, "2026-11-10").is_err());
    // Only coordinators and administrators see the list.
    assert_eq!(
        lucia.rights_list().unwrap_err().code(),
        ErrorCode::Forbidden
    );

    let done = lucia
        .rights_done(&request.id, Some("Se le entregó su ficha impresa".into()))
        .unwrap();
    assert_eq!(done.request.status, RequestStatus::Done);
    assert_eq!(done.request.done_by.as_deref(), Some("lucia"));
    assert!(done.request.done_on.is_some());
    assert!(lucia
        .participant_tasks(&her)
        .unwrap()
        .iter()
        .all(|t| t.kind != TaskKind::RightsDeadline));
    assert!(lucia.rights_done(&request.id, None).is_err(), "done twice");
    assert_eq!(
        lucia
            .rights_done("00000000-0000-7000-8000-000000000000", None)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
    lucia.lock(acompana::vault::LockReason::Manual).unwrap();

    let admin = test.admin();
    let list = admin.rights_list().unwrap();
    assert_eq!(list.requests.len(), 1);
    assert_eq!(list.requests[0].id, request.id);
    assert_eq!(list.requests[0].chosen_name.as_deref(), Some("Rosi"));
    assert!(list.erasures.is_empty());
}

#[test]
fn an_erasure_request_is_answered_by_erasing_her_and_its_dates_outlive_her() {
    let test = new_vault();
    let mut admin = test.admin();
    let her = woman(&mut admin, None);
    let other = woman(&mut admin, None);
    let request = admin
        .rights_add(&her, RightsKind::Erasure, "2026-11-02")
        .unwrap();
    assert_eq!(request.request.deadline, "2026-11-24");
    admin
        .rights_add(&other, RightsKind::Correction, "2026-11-20")
        .unwrap();
    // Not by ticking it off: only the erasure answers it.
    let error = admin.rights_done(&request.id, None).unwrap_err();
    assert_eq!(error.field(), Some("status"));
    let listed = admin.rights_list().unwrap();
    assert_eq!(listed.requests.len(), 2);
    // Open requests by deadline: the erasure's (24 November) before the correction's.
    assert_eq!(listed.requests[0].id, request.id);

    admin.participant_erase(&her, "a pedido de ella").unwrap();
    let list = admin.rights_list().unwrap();
    assert_eq!(list.requests.len(), 1, "her request left with her file");
    assert_ne!(list.requests[0].participant_id, her);
    assert_eq!(list.erasures.len(), 1);
    let erasure = &list.erasures[0];
    assert_eq!(erasure.participant_id, her);
    assert_eq!(erasure.received_on.as_deref(), Some("2026-11-02"));
    assert_eq!(erasure.deadline.as_deref(), Some("2026-11-24"));
    assert_eq!(erasure.erased_by.as_deref(), Some(ADMIN));
    // The only laptop of the organization is this one: it holds the erasure.
    assert_eq!(erasure.laptops.len(), 1);
    assert!(erasure.complete);

    // An erasure without a request keeps no dates.
    admin.participant_erase(&other, "a pedido de ella").unwrap();
    let list = admin.rights_list().unwrap();
    assert!(list.requests.is_empty());
    assert_eq!(list.erasures.len(), 2);
    let without = list
        .erasures
        .iter()
        .find(|e| e.participant_id == other)
        .unwrap();
    assert_eq!(without.received_on, None);
}
