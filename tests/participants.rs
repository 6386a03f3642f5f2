//! Participants on a temporary vault: the change-log invariant, role scoping, search and the
//! audit of every view.

mod common;

use acompana::audit::AuditAction;
use acompana::changelog;
use acompana::records::participants::{NewParticipant, ParticipantField, ParticipantQuery};
use acompana::staff::Role;
use acompana::vault::LockReason;
use acompana::Error;
use common::*;

fn new(name: &str, chosen: Option<&str>, assign: Option<&str>) -> NewParticipant {
    NewParticipant {
        legal_name: name.into(),
        chosen_name: chosen.map(str::to_string),
        birth_year: Some(1985),
        department: Some("Antioquia".into()),
        assign_to: assign.map(str::to_string),
    }
}

fn search(vault: &acompana::vault::Vault, text: &str) -> Vec<String> {
    vault
        .participant_list(&ParticipantQuery {
            text: Some(text.into()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|p| p.case_code)
        .collect()
}

#[test]
fn search_is_partial_and_accent_insensitive() {
    let test = new_vault();
    let mut admin = test.admin();
    let maria = admin
        .participant_add(new("María José González Pérez", Some("Majo"), None))
        .unwrap();
    let ana = admin
        .participant_add(new("Ana Conceição", None, None))
        .unwrap();
    assert!(maria.case_code.starts_with("CO-"));
    assert_eq!(search(&admin, "maria jose"), vec![maria.case_code.clone()]);
    assert_eq!(search(&admin, "gonzalez"), vec![maria.case_code.clone()]);
    assert_eq!(search(&admin, "GONZÁL"), vec![maria.case_code.clone()]);
    assert_eq!(search(&admin, "majo"), vec![maria.case_code.clone()]);
    assert_eq!(search(&admin, "conceicao"), vec![ana.case_code.clone()]);
    assert_eq!(
        search(&admin, &ana.case_code.to_lowercase()),
        vec![ana.case_code.clone()]
    );
    assert!(search(&admin, "maria ana").is_empty());
    // Punctuation is not a wildcard: "%" is no search at all.
    assert_eq!(search(&admin, "%").len(), 2);
    assert!(search(&admin, "maria%").len() == 1);
    assert_eq!(search(&admin, "").len(), 2);
    // A renamed woman is found by her new chosen name only.
    admin
        .participant_set(&maria.id, ParticipantField::ChosenName, Some("Mariajo"))
        .unwrap();
    assert_eq!(search(&admin, "mariajo"), vec![maria.case_code.clone()]);
    assert!(
        search(&admin, "majo").is_empty(),
        "the old name is forgotten"
    );
    // Words shorter than three letters are still found, alone or with longer ones.
    assert_eq!(search(&admin, "jo"), vec![maria.case_code.clone()]);
    assert_eq!(search(&admin, "an conce"), vec![ana.case_code.clone()]);
    assert_eq!(search(&admin, "pérez go"), vec![maria.case_code.clone()]);
    assert!(search(&admin, "jo conce").is_empty());
    // FTS query syntax in the search box is just text.
    assert!(search(&admin, "maria OR ana").is_empty());
    assert!(search(&admin, "\"maria\" NEAR ana*").is_empty());
    admin.lock(LockReason::Manual).unwrap();
}

/// A name on more files than anyone reads: the first page is full and newest first, the
/// count stops at the cap and says so, and later pages still come.
#[test]
fn a_common_name_fills_the_first_page_and_counts_up_to_the_cap() {
    use acompana::records::participants::SEARCH_COUNT_CAP;
    let test = new_vault();
    let mut admin = test.admin();
    let common = SEARCH_COUNT_CAP + 60;
    let mut marias = Vec::new();
    for n in 0..common {
        marias.push(
            admin
                .participant_add(new(&format!("María Gómez n{n:04}"), None, None))
                .unwrap()
                .case_code,
        );
        if n % 100 == 0 {
            admin
                .participant_add(new(&format!("Ana Rojas {n}"), None, None))
                .unwrap();
        }
    }
    let page = |text: &str, offset: u32| {
        admin
            .participant_page(&ParticipantQuery {
                text: Some(text.into()),
                offset,
                limit: 50,
                ..Default::default()
            })
            .unwrap()
    };
    let newest: Vec<String> = marias.iter().rev().take(50).cloned().collect();
    // Indexed words, a short word, both.
    for text in ["maría", "gomez", "maria gom", "ma", "go ma"] {
        let first = page(text, 0);
        let codes: Vec<String> = first.items.iter().map(|p| p.case_code.clone()).collect();
        assert_eq!(codes, newest, "{text}");
        assert_eq!(first.total, SEARCH_COUNT_CAP, "{text}");
        assert!(first.capped, "{text}");
    }
    // Past the cap, the count reaches a little further than the page.
    let later = page("maria", SEARCH_COUNT_CAP);
    assert_eq!(later.items.len(), 50);
    assert_eq!(later.items[0].case_code, marias[59]);
    assert_eq!(later.total, common);
    assert!(!later.capped);
    // A rarer word is counted exactly, a list without words too.
    let ana = page("rojas", 0);
    let anas = common.div_ceil(100);
    assert_eq!(
        (ana.total, ana.capped, ana.items.len() as u32),
        (anas, false, anas)
    );
    let last = common as usize - 1;
    // (A number alone could also be part of a random case code.)
    let one = page(&format!("gomez n{last:04}"), 0);
    assert_eq!((one.total, one.capped), (1, false));
    assert_eq!(one.items[0].case_code, marias[last]);
    let all = admin
        .participant_page(&ParticipantQuery {
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert_eq!((all.total, all.capped), (common + anas, false));
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn caseworkers_see_only_their_women() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    test.add("bea", "Beatriz", Role::Caseworker, "clave-de-beatriz");
    let mut admin = test.admin();
    let for_lucia = admin
        .participant_add(new("Rosa Elena Díaz", None, Some("lucia")))
        .unwrap();
    let for_bea = admin
        .participant_add(new("Carmen Rojas", None, Some("bea")))
        .unwrap();
    admin.lock(LockReason::Manual).unwrap();

    let mut lucia = test.unlock("lucia", "clave-de-lucia-1").unwrap();
    let visible: Vec<String> = lucia
        .participant_list(&ParticipantQuery::default())
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(visible, vec![for_lucia.id.clone()]);
    assert!(search(&lucia, "carmen").is_empty());
    assert!(matches!(
        lucia.participant_show(&for_bea.id),
        Err(Error::NotFound)
    ));
    assert!(matches!(
        lucia.participant_history(&for_bea.id, true),
        Err(Error::NotFound)
    ));
    assert!(matches!(
        lucia.participant_set(&for_bea.id, ParticipantField::ChosenName, Some("x")),
        Err(Error::NotFound)
    ));
    assert!(matches!(
        lucia.participant_set(&for_lucia.id, ParticipantField::AssignedTo, Some("bea")),
        Err(Error::Forbidden)
    ));
    // Her own new files are hers.
    let own = lucia
        .participant_add(new("Luz Marina", None, None))
        .unwrap();
    assert_eq!(own.assigned_to.as_deref(), Some("lucia"));
    assert!(matches!(
        lucia.participant_add(new("Otra", None, Some("bea"))),
        Err(Error::Forbidden)
    ));
    lucia.lock(LockReason::Manual).unwrap();
}

#[test]
fn every_view_is_audited_and_lists_hide_legal_names() {
    let test = new_vault();
    let mut admin = test.admin();
    let p = admin
        .participant_add(new("Nombre Legal Secreto", Some("Flor"), None))
        .unwrap();
    let listed = admin
        .participant_list(&ParticipantQuery::default())
        .unwrap();
    let json = serde_json::to_string(&listed).unwrap();
    assert!(!json.contains("Secreto"));
    assert!(json.contains("Flor"));
    let shown = admin.participant_show(&p.id).unwrap();
    assert_eq!(shown.legal_name, "Nombre Legal Secreto");
    admin.participant_show(&p.id).unwrap();
    let views = admin
        .audit_list(0, 100)
        .unwrap()
        .into_iter()
        .filter(|e| {
            e.action == AuditAction::ParticipantViewed && e.detail.as_deref() == Some(p.id.as_str())
        })
        .count();
    assert_eq!(views, 2);
    assert!(admin.audit_verify().unwrap().ok);
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn the_visible_row_can_be_rebuilt_from_the_log() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    let mut admin = test.admin();
    let p = admin
        .participant_add(new("Julia Andrade", None, None))
        .unwrap();
    let edits: [(ParticipantField, Option<&str>); 7] = [
        (ParticipantField::ChosenName, Some("Juli")),
        (ParticipantField::BirthYear, Some("1990")),
        (ParticipantField::Department, Some("Cundinamarca")),
        (ParticipantField::ChosenName, None),
        (ParticipantField::AssignedTo, Some("lucia")),
        (ParticipantField::LegalName, Some("Julia Andrade Ríos")),
        (ParticipantField::BirthYear, None),
    ];
    assert!(matches!(
        admin.participant_set(&p.id, ParticipantField::BirthYear, Some("1800")),
        Err(Error::InvalidInput { .. })
    ));
    let long = "x".repeat(201);
    assert!(matches!(
        admin.participant_set(&p.id, ParticipantField::Department, Some(&long)),
        Err(Error::InvalidInput {
            field: "department",
            ..
        })
    ));
    assert!(matches!(
        admin.participant_set(&p.id, ParticipantField::ChosenName, Some(&long)),
        Err(Error::InvalidInput {
            field: "chosenName",
            ..
        })
    ));
    for (field, value) in edits {
        admin.participant_set(&p.id, field, value).unwrap();
    }
    let visible = admin.participant_show(&p.id).unwrap();
    let history = admin.participant_operations(&p.id).unwrap();
    // One create carrying the first fields, then one operation per edit.
    assert_eq!(history.len(), 1 + 7);
    let state = changelog::fold(&history);
    let fields = &state[&("participant".to_string(), p.id.clone())].fields;
    assert_eq!(fields["legalName"], serde_json::json!(visible.legal_name));
    assert_eq!(fields["chosenName"], serde_json::Value::Null);
    assert_eq!(fields["birthYear"], serde_json::Value::Null);
    assert_eq!(fields["department"], serde_json::json!("Cundinamarca"));
    assert_eq!(fields["caseCode"], serde_json::json!(visible.case_code));
    let lucia_id = admin
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|m| m.username == "lucia")
        .unwrap()
        .id;
    assert_eq!(fields["assignedTo"], serde_json::json!(lucia_id));
    assert!(changelog::sequences_are_gap_free(admin.connection_for_tests()).unwrap());
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn participant_names_are_not_readable_at_rest() {
    let test = new_vault();
    let mut admin = test.admin();
    admin
        .participant_add(new("Canaria Xq Participante", Some("Pajarita Zw"), None))
        .unwrap();
    let during = test.snapshot();
    admin.lock(LockReason::Manual).unwrap();
    for (path, bytes) in during.iter().chain(test.snapshot().iter()) {
        for canary in ["Canaria Xq", "Pajarita Zw", "canaria xq"] {
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "{canary} in {}",
                path.display()
            );
        }
    }
}

/// A nationality is an ISO country code from the shipped list, like the department is a
/// region from the country's: anything else is refused, whichever face wrote it.
#[test]
fn a_nationality_comes_from_the_list_of_countries() {
    let test = new_vault();
    let mut admin = test.admin();
    let p = admin
        .participant_add(new("Yolimar Pérez", None, None))
        .unwrap();
    assert!(matches!(
        admin.participant_set(&p.id, ParticipantField::Nationality, Some("Narnia")),
        Err(Error::InvalidInput {
            field: "nationality",
            ..
        })
    ));
    let set = admin
        .participant_set(&p.id, ParticipantField::Nationality, Some("ve"))
        .unwrap();
    assert_eq!(set.nationality.as_deref(), Some("VE"));
    // A value written before the list existed stays until someone changes it.
    admin
        .connection_for_tests()
        .execute(
            "UPDATE participants SET nationality = 'Venezolana' WHERE id = ?1",
            [&p.id],
        )
        .unwrap();
    let kept = admin
        .participant_set(&p.id, ParticipantField::ChosenName, Some("Yoli"))
        .unwrap();
    assert_eq!(kept.nationality.as_deref(), Some("Venezolana"));
    admin.lock(LockReason::Manual).unwrap();
}
