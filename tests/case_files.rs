//! Case files on temporary vaults: every record on the change log (state rebuilt from the log
//! equals the visible state), role scoping, audited views, the per-country checklists, closed
//! cases, demo data, and nothing readable at rest.

mod common;

use acompana::audit::AuditAction;
use acompana::records::consent::{Consent, ConsentMethod, ConsentPurpose, LegalBasis};
use acompana::records::contacts::{BatchVisit, Note};
use acompana::records::documents::{Document, DocumentStatus};
use acompana::records::household::{Carer, Custody, Dependant, Household, Relationship};
use acompana::records::needs::{AssessmentPhase, NeedCategory, NeedStatus, NeedsAssessment};
use acompana::records::participants::{
    ClosingReason, NewParticipant, ParticipantDetails, ParticipantQuery,
};
use acompana::records::record::RecordData;
use acompana::staff::Role;
use acompana::vault::{LockReason, Vault, VaultPaths};
use acompana::{demo, Country, Error};
use common::*;
use proptest::prelude::*;

fn woman(vault: &mut Vault, name: &str, assign: Option<&str>) -> String {
    vault
        .participant_add(NewParticipant {
            legal_name: name.into(),
            chosen_name: None,
            birth_year: Some(1988),
            department: Some("Antioquia".into()),
            assign_to: assign.map(str::to_string),
        })
        .unwrap()
        .id
}

fn dependant(alias: &str, age: u8) -> RecordData {
    RecordData::Dependant(Dependant {
        alias: alias.into(),
        relationship: Relationship::Daughter,
        birth_date: None,
        age: Some(age),
        disability: false,
        disability_certificate: false,
        lived_with_her_before: true,
        carer: Carer::Grandmother,
        location: None,
        custody: Custody::Relative,
        lives_with_her_in_prison: false,
    })
}

fn document(code: &str, status: DocumentStatus, dependant_id: Option<&str>) -> RecordData {
    RecordData::Document(Document::new(code, dependant_id, status))
}

fn note(text: &str, sensitive: bool) -> RecordData {
    RecordData::Note(Note {
        date: "2026-03-01".into(),
        text: text.into(),
        sensitive,
        contact_id: None,
    })
}

fn consent(purpose: ConsentPurpose) -> RecordData {
    RecordData::Consent(Consent {
        purpose,
        organization: None,
        legal_basis: LegalBasis::Consent,
        notice_version: Some("2025-1".into()),
        method: ConsentMethod::Written,
        read_aloud: true,
        language: "es".into(),
        given_on: "2026-01-10".into(),
        collected_by: ADMIN.into(),
        revoked_on: None,
    })
}

#[derive(Debug, Clone)]
enum Edit {
    AddDependant(u8),
    ChangeDependant(usize, u8),
    DeleteDependant(usize),
    Document(usize, usize),
    ChildDocument(usize, usize),
    Note(bool),
    Household(u8),
    Needs(usize, usize, usize),
    ChosenName(u8),
    SafeContact(bool),
    DeleteDocument(usize),
    DeleteHousehold,
    Share(bool),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0u8..18).prop_map(Edit::AddDependant),
        (0usize..4, 0u8..18).prop_map(|(i, a)| Edit::ChangeDependant(i, a)),
        (0usize..4).prop_map(Edit::DeleteDependant),
        (0usize..10, 0usize..6).prop_map(|(d, s)| Edit::Document(d, s)),
        (0usize..4, 0usize..6).prop_map(|(d, s)| Edit::ChildDocument(d, s)),
        any::<bool>().prop_map(Edit::Note),
        (1u8..9).prop_map(Edit::Household),
        (0usize..6, 0usize..18, 0usize..4).prop_map(|(p, c, s)| Edit::Needs(p, c, s)),
        (0u8..5).prop_map(Edit::ChosenName),
        any::<bool>().prop_map(Edit::SafeContact),
        (0usize..10).prop_map(Edit::DeleteDocument),
        Just(Edit::DeleteHousehold),
        any::<bool>().prop_map(Edit::Share),
    ]
}

const STATUSES: [DocumentStatus; 6] = [
    DocumentStatus::Needed,
    DocumentStatus::InProcess,
    DocumentStatus::Has,
    DocumentStatus::Expired,
    DocumentStatus::Lost,
    DocumentStatus::NotApplicable,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// After each of random edits of every kind (deleting and re-saving records with derived
    /// ids, sharing and unsharing the file), the state rebuilt from the log (in any order)
    /// equals the visible rows, and the device's sequence has no gap.
    #[test]
    fn the_visible_file_can_be_rebuilt_from_the_log(edits in proptest::collection::vec(edit(), 1..40)) {
        let test = new_vault();
        test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
        let mut admin = test.admin();
        let id = woman(&mut admin, "Julia Andrade", None);
        let catalog = acompana::catalog::for_country(Country::CO);
        let mut dependants: Vec<String> = Vec::new();
        for edit in edits {
            match edit {
                Edit::AddDependant(age) => {
                    let record = admin.record_save(&id, None, dependant("Sofi", age)).unwrap();
                    dependants.push(record.id);
                }
                Edit::ChangeDependant(i, age) if !dependants.is_empty() => {
                    let target = dependants[i % dependants.len()].clone();
                    admin.record_save(&id, Some(&target), dependant("Sofía", age)).unwrap();
                }
                Edit::DeleteDependant(i) if !dependants.is_empty() => {
                    let target = dependants.remove(i % dependants.len());
                    admin.record_delete(&id, &target).unwrap();
                }
                Edit::Document(d, s) => {
                    let own: Vec<_> = catalog.documents.iter()
                        .filter(|d| d.holders.contains(&acompana::catalog::DocumentHolder::Herself))
                        .collect();
                    let code = &own[d % own.len()].code;
                    admin.record_save(&id, None, document(code, STATUSES[s], None)).unwrap();
                }
                Edit::ChildDocument(d, s) if !dependants.is_empty() => {
                    let target = dependants[d % dependants.len()].clone();
                    admin.record_save(&id, None, document("registro_civil", STATUSES[s], Some(&target))).unwrap();
                }
                Edit::Note(sensitive) => {
                    admin.record_save(&id, None, note("Visita", sensitive)).unwrap();
                }
                Edit::Household(size) => {
                    admin.record_save(&id, None, RecordData::Household(Household {
                        head_of_household: Some(true),
                        household_size: Some(size),
                        ..Default::default()
                    })).unwrap();
                }
                Edit::Needs(p, c, s) => {
                    let statuses = [NeedStatus::NoNeed, NeedStatus::Need, NeedStatus::InProgress, NeedStatus::Resolved];
                    admin.record_save(&id, None, RecordData::Needs(NeedsAssessment {
                        phase: AssessmentPhase::ALL[p],
                        assessed_on: "2026-02-02".into(),
                        statuses: [(NeedCategory::ALL[c], statuses[s])].into_iter().collect(),
                    })).unwrap();
                }
                Edit::ChosenName(n) => {
                    let details = ParticipantDetails {
                        legal_name: "Julia Andrade".into(),
                        birth_year: Some(1988),
                        department: Some("Antioquia".into()),
                        chosen_name: (n > 0).then(|| format!("Juli {n}")),
                        ..Default::default()
                    };
                    admin.participant_update(&id, details).unwrap();
                }
                Edit::SafeContact(set) => {
                    let current = admin.participant_show(&id).unwrap();
                    let mut details = ParticipantDetails {
                        legal_name: current.legal_name,
                        chosen_name: current.chosen_name,
                        birth_year: current.birth_year,
                        department: current.department,
                        ..Default::default()
                    };
                    details.safe_contact = set.then(|| "Hermana, 300 000 0000".to_string());
                    admin.participant_update(&id, details).unwrap();
                }
                Edit::DeleteDocument(d) => {
                    let own: Vec<_> = catalog.documents.iter()
                        .filter(|d| d.holders.contains(&acompana::catalog::DocumentHolder::Herself))
                        .collect();
                    let record_id = acompana::records::record::document_id(&id, None, &own[d % own.len()].code);
                    match admin.record_delete(&id, &record_id) {
                        Ok(()) | Err(Error::NotFound) => {}
                        Err(other) => panic!("{other:?}"),
                    }
                }
                Edit::DeleteHousehold => {
                    match admin.record_delete(&id, &acompana::records::record::household_id(&id)) {
                        Ok(()) | Err(Error::NotFound) => {}
                        Err(other) => panic!("{other:?}"),
                    }
                }
                Edit::Share(shared) => {
                    admin.participant_share(&id, "lucia", shared).unwrap();
                }
                _ => {}
            }
            assert_rebuilt_state_matches(&admin, &id);
        }
        admin.lock(LockReason::Manual).unwrap();
    }
}

/// A needs assessment is one field per category on the log: assessing one more need writes
/// one operation on that need alone, so two laptops assessing different needs of the same
/// phase merge instead of colliding.
#[test]
fn a_needs_assessment_is_one_field_per_category_on_the_log() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Julia Andrade", None);
    let assess = |statuses: &[(NeedCategory, NeedStatus)]| {
        RecordData::Needs(NeedsAssessment {
            phase: AssessmentPhase::ALL[0],
            assessed_on: "2026-02-02".into(),
            statuses: statuses.iter().copied().collect(),
        })
    };
    let record = admin
        .record_save(
            &id,
            None,
            assess(&[(NeedCategory::Housing, NeedStatus::Need)]),
        )
        .unwrap();
    let before = admin.participant_operations(&id).unwrap().len();
    let saved = admin
        .record_save(
            &id,
            None,
            assess(&[
                (NeedCategory::Housing, NeedStatus::Need),
                (NeedCategory::Health, NeedStatus::InProgress),
            ]),
        )
        .unwrap();
    assert_eq!(saved.id, record.id, "one assessment per phase");
    let operations = admin.participant_operations(&id).unwrap();
    let new: Vec<&str> = operations[before..]
        .iter()
        .map(|op| op.field.as_str())
        .collect();
    assert_eq!(new, ["statuses.health"]);
    let RecordData::Needs(needs) = &saved.data else {
        panic!("not a needs assessment")
    };
    assert_eq!(needs.statuses.len(), 2);
    // A need no longer assessed is blanked on the log.
    admin
        .record_save(
            &id,
            None,
            assess(&[(NeedCategory::Health, NeedStatus::Resolved)]),
        )
        .unwrap();
    let operations = admin.participant_operations(&id).unwrap();
    let last_two: Vec<(&str, Option<&serde_json::Value>)> = operations[operations.len() - 2..]
        .iter()
        .map(|op| (op.field.as_str(), op.value.as_ref()))
        .collect();
    assert!(last_two.contains(&("statuses.housing", Some(&serde_json::Value::Null))));
    assert!(last_two.contains(&("statuses.health", Some(&serde_json::json!("resolved")))));
    assert_rebuilt_state_matches(&admin, &id);
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn documents_follow_the_country_checklist_and_the_pending_count() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Rosa Díaz", None);
    let required = acompana::catalog::for_country(Country::CO)
        .required_for_herself()
        .count() as u32;
    assert_eq!(
        admin.participant_show(&id).unwrap().documents_pending,
        required
    );
    // Colombia's cédula is hers; a Brazilian CPF is not on Colombia's list.
    admin
        .record_save(&id, None, document("cedula", DocumentStatus::Has, None))
        .unwrap();
    assert!(matches!(
        admin.record_save(&id, None, document("cpf", DocumentStatus::Has, None)),
        Err(Error::InvalidInput {
            field: "documentType",
            ..
        })
    ));
    let child = admin
        .record_save(&id, None, dependant("Nico", 4))
        .unwrap()
        .id;
    // A child's birth registration counts for the child, not for her own pending list.
    admin
        .record_save(
            &id,
            None,
            document("registro_civil", DocumentStatus::Has, Some(&child)),
        )
        .unwrap();
    assert!(matches!(
        admin.record_save(
            &id,
            None,
            document("cedula", DocumentStatus::Has, Some(&child))
        ),
        Err(Error::InvalidInput {
            field: "documentType",
            ..
        })
    ));
    assert!(matches!(
        admin.record_save(
            &id,
            None,
            document("registro_civil", DocumentStatus::Has, Some("otra"))
        ),
        Err(Error::InvalidInput {
            field: "dependantId",
            ..
        })
    ));
    assert_eq!(
        admin.participant_show(&id).unwrap().documents_pending,
        required - 1
    );
    // Saving the same document again updates the one record.
    admin
        .record_save(&id, None, document("cedula", DocumentStatus::Lost, None))
        .unwrap();
    let file = admin.participant_file(&id).unwrap();
    let cedulas: Vec<_> = file
        .records
        .iter()
        .filter(|r| matches!(&r.data, RecordData::Document(d) if d.document_type == "cedula"))
        .collect();
    assert_eq!(cedulas.len(), 1);
    assert_eq!(file.participant.documents_pending, required);
    // An optional document settles nothing.
    admin
        .record_save(
            &id,
            None,
            document("cuenta_bancaria", DocumentStatus::Has, None),
        )
        .unwrap();
    assert_eq!(
        admin.participant_show(&id).unwrap().documents_pending,
        required
    );
    for code in [
        "cedula",
        "registro_civil",
        "sisben",
        "eps",
        "declaracion_jefatura",
        "antecedentes",
    ] {
        admin
            .record_save(&id, None, document(code, DocumentStatus::Has, None))
            .unwrap();
    }
    let other = woman(&mut admin, "Carmen Rojas", None);
    assert_eq!(admin.participant_show(&id).unwrap().documents_pending, 0);
    let pending = admin
        .participant_list(&ParticipantQuery {
            documents_pending: Some(true),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        pending.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        vec![other]
    );
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn a_brazilian_vault_uses_the_brazilian_checklist() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path().join("br"));
    let (mut vault, _) = acompana::opening::create(
        &paths,
        acompana::vault::NewVault {
            org_name: "Escritório Social".into(),
            country: Country::BR,
            admin_username: "ana".into(),
            admin_display_name: "Ana".into(),
            admin_password: secret("senha-de-teste-1"),
        },
        acompana::vault::KdfChoice::Minimum,
    )
    .unwrap();
    // A Colombian department is not a Brazilian state.
    let refused = vault.participant_add(NewParticipant {
        legal_name: "Conceição da Silva".into(),
        chosen_name: None,
        birth_year: Some(1988),
        department: Some("Antioquia".into()),
        assign_to: None,
    });
    assert!(
        matches!(
            refused,
            Err(Error::InvalidInput {
                field: "department",
                ..
            })
        ),
        "{refused:?}"
    );
    let id = vault
        .participant_add(NewParticipant {
            legal_name: "Conceição da Silva".into(),
            chosen_name: None,
            birth_year: Some(1988),
            department: Some("bahia".into()),
            assign_to: None,
        })
        .unwrap()
        .id;
    assert_eq!(
        vault.participant_show(&id).unwrap().department.as_deref(),
        Some("Bahia"),
        "stored in the catalog's spelling"
    );
    assert!(vault
        .participant_show(&id)
        .unwrap()
        .case_code
        .starts_with("BR-"));
    vault
        .record_save(&id, None, document("cpf", DocumentStatus::Has, None))
        .unwrap();
    vault
        .record_save(
            &id,
            None,
            document("cadunico", DocumentStatus::InProcess, None),
        )
        .unwrap();
    assert!(matches!(
        vault.record_save(&id, None, document("cedula", DocumentStatus::Has, None)),
        Err(Error::InvalidInput {
            field: "documentType",
            ..
        })
    ));
    vault.lock(LockReason::Manual).unwrap();
}

#[test]
fn needs_open_follow_the_latest_assessment() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Luz Marina", None);
    let assess = |phase, status| {
        RecordData::Needs(NeedsAssessment {
            phase,
            assessed_on: "2026-02-02".into(),
            statuses: [
                (NeedCategory::Housing, status),
                (NeedCategory::Documentation, NeedStatus::Need),
            ]
            .into_iter()
            .collect(),
        })
    };
    admin
        .record_save(
            &id,
            None,
            assess(AssessmentPhase::Release, NeedStatus::Need),
        )
        .unwrap();
    assert_eq!(admin.participant_show(&id).unwrap().needs_open, 2);
    admin
        .record_save(
            &id,
            None,
            assess(AssessmentPhase::Day30, NeedStatus::Resolved),
        )
        .unwrap();
    assert_eq!(admin.participant_show(&id).unwrap().needs_open, 1);
    let open = admin
        .participant_list(&ParticipantQuery {
            needs_open: Some(true),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(open.len(), 1);
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn caseworkers_cannot_reach_other_womens_records() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    test.add("bea", "Beatriz", Role::Caseworker, "clave-de-beatriz");
    let mut admin = test.admin();
    let hers = woman(&mut admin, "Rosa Elena Díaz", Some("lucia"));
    let other = woman(&mut admin, "Carmen Rojas", Some("bea"));
    let secret_note = admin
        .record_save(&other, None, note("Nota de Carmen", true))
        .unwrap()
        .id;
    let child = admin
        .record_save(&other, None, dependant("Tato", 3))
        .unwrap()
        .id;
    admin.lock(LockReason::Manual).unwrap();

    let mut lucia = test.unlock("lucia", "clave-de-lucia-1").unwrap();
    let before = acompana::changelog::all(lucia.connection_for_tests())
        .unwrap()
        .len();
    for result in [
        lucia.participant_file(&other).map(|_| ()),
        lucia
            .record_save(&other, None, note("intrusa", false))
            .map(|_| ()),
        lucia
            .record_save(&other, Some(&child), dependant("Tato", 4))
            .map(|_| ()),
        lucia.record_delete(&other, &child),
        lucia.note_reveal(&other, &secret_note).map(|_| ()),
        lucia.participant_history(&other, true).map(|_| ()),
        lucia
            .participant_close(&other, ClosingReason::Other)
            .map(|_| ()),
        // A record of another file cannot be reached through her own woman's file either.
        lucia
            .record_save(&hers, Some(&child), dependant("Tato", 4))
            .map(|_| ()),
        lucia.note_reveal(&hers, &secret_note).map(|_| ()),
    ] {
        assert!(matches!(result, Err(Error::NotFound)), "{result:?}");
    }
    // A visit that includes a woman she may not see is refused whole.
    assert!(matches!(
        lucia.visit_record_batch(BatchVisit {
            date: "2026-02-01".into(),
            place: "El Buen Pastor".into(),
            team: vec![],
            participant_ids: vec![hers.clone(), other.clone()],
            summary: None,
        }),
        Err(Error::NotFound)
    ));
    assert!(matches!(
        lucia.participant_share(&hers, "bea", true),
        Err(Error::Forbidden)
    ));
    assert_eq!(
        acompana::changelog::all(lucia.connection_for_tests())
            .unwrap()
            .len(),
        before
    );
    let visit = lucia
        .visit_record_batch(BatchVisit {
            date: "2026-02-01".into(),
            place: "El Buen Pastor".into(),
            team: vec!["lucia".into()],
            participant_ids: vec![hers.clone()],
            summary: Some("Visita de rutina".into()),
        })
        .unwrap();
    assert_eq!(visit.len(), 1);
    lucia.lock(LockReason::Manual).unwrap();
}

#[test]
fn views_and_sensitive_notes_are_audited_and_masked() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Nombre Legal", None);
    let hidden = admin
        .record_save(&id, None, note("Texto muy delicado", true))
        .unwrap();
    assert!(hidden.masked);
    admin
        .record_save(&id, None, note("Texto común", false))
        .unwrap();
    let file = admin.participant_file(&id).unwrap();
    let json = serde_json::to_string(&file).unwrap();
    assert!(!json.contains("muy delicado"));
    assert!(json.contains("Texto común"));
    let history = serde_json::to_string(&admin.participant_history(&id, true).unwrap()).unwrap();
    assert!(!history.contains("muy delicado"));
    assert_eq!(
        admin.note_reveal(&id, &hidden.id).unwrap().text,
        "Texto muy delicado"
    );
    let entries = admin.audit_list(0, 200).unwrap();
    let count = |action| {
        entries
            .iter()
            .filter(|e| e.action == action && e.detail.as_deref() == Some(id.as_str()))
            .count()
    };
    assert_eq!(count(AuditAction::ParticipantViewed), 1);
    assert_eq!(count(AuditAction::SensitiveNoteViewed), 1);
    // Notes are add-only: no edits.
    assert!(matches!(
        admin.record_save(&id, Some(&hidden.id), note("otro", true)),
        Err(Error::InvalidInput { .. })
    ));
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn a_closed_case_is_read_only_until_reopened() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Marisol Peña", None);
    admin
        .record_save(&id, None, consent(ConsentPurpose::CaseWork))
        .unwrap();
    let closed = admin
        .participant_close(&id, ClosingReason::MovedAway)
        .unwrap();
    assert_eq!(closed.status, "closed");
    assert_eq!(closed.closing_reason, Some(ClosingReason::MovedAway));
    assert!(matches!(
        admin.record_save(&id, None, note("tarde", false)),
        Err(Error::CaseClosed)
    ));
    assert!(admin.participant_file(&id).is_ok());
    let closed_list = admin
        .participant_list(&ParticipantQuery {
            status: Some("closed".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(closed_list.len(), 1);
    let reopened = admin.participant_reopen(&id).unwrap();
    assert_eq!(
        (reopened.status.as_str(), reopened.closing_reason),
        ("open", None)
    );
    admin
        .record_save(&id, None, note("de nuevo", false))
        .unwrap();
    assert_rebuilt_state_matches(&admin, &id);
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn invalid_records_are_refused_and_change_nothing() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Ana Lucía", None);
    let before = acompana::changelog::all(admin.connection_for_tests())
        .unwrap()
        .len();
    let mut bad_consent = consent(ConsentPurpose::Referral);
    if let RecordData::Consent(c) = &mut bad_consent {
        c.given_on = "2026-02-30".into();
    }
    let mut revoked_before = consent(ConsentPurpose::Statistics);
    if let RecordData::Consent(c) = &mut revoked_before {
        c.revoked_on = Some("2025-01-01".into());
    }
    let mut unknown_collector = consent(ConsentPurpose::Contact);
    if let RecordData::Consent(c) = &mut unknown_collector {
        c.collected_by = "nadie".into();
    }
    let cases: Vec<(RecordData, &str)> = vec![
        (bad_consent, "organization"),
        (revoked_before, "revokedOn"),
        (unknown_collector, "collectedBy"),
        (dependant("", 3), "alias"),
        (dependant("Nico", 200), "age"),
        (note("   ", false), "text"),
        (note(&"x".repeat(10_001), false), "text"),
        (
            RecordData::Household(Household {
                household_size: Some(0),
                ..Default::default()
            }),
            "householdSize",
        ),
    ];
    for (data, field) in cases {
        match admin.record_save(&id, None, data) {
            Err(Error::InvalidInput { field: got, .. }) => assert_eq!(got, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(matches!(
        admin.record_save("no-such-woman", None, note("x", false)),
        Err(Error::NotFound)
    ));
    assert_eq!(
        acompana::changelog::all(admin.connection_for_tests())
            .unwrap()
            .len(),
        before
    );
    admin.lock(LockReason::Manual).unwrap();
}

fn demo_vault(dir: &std::path::Path, count: u32, seed: u64) -> Vault {
    let paths = VaultPaths::new(dir.to_path_buf());
    let (mut vault, created) = demo::open_or_create(&paths, Country::CO).unwrap();
    assert!(created);
    let anchor = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let summary = demo::generate(&mut vault, count, seed, anchor, |_| {}).unwrap();
    assert_eq!(summary.participants, count);
    vault
}

fn demo_content(vault: &Vault) -> Vec<(String, String, Option<String>, Vec<String>)> {
    let conn = vault.connection_for_tests();
    let mut statement = conn
        .prepare(
            "SELECT id, case_code, legal_name, chosen_name FROM participants ORDER BY case_code",
        )
        .unwrap();
    let rows: Vec<(String, String, String, Option<String>)> = statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let staff: Vec<(String, String)> = conn
        .prepare("SELECT id, username FROM staff")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.into_iter()
        .map(|(id, code, legal, chosen)| {
            // Links between records are ids made at writing time: leave them out.
            let mut records: Vec<String> =
                acompana::records::record::visible_records(conn, Some(&id))
                    .unwrap()
                    .into_iter()
                    .filter(|r| r.kind != "document")
                    .map(|mut r| {
                        for link in [
                            "proceedingId",
                            "planId",
                            "consentId",
                            "organizationId",
                            "applicationId",
                            "receivingEntity",
                        ] {
                            r.fields.remove(link);
                        }
                        format!("{}{}", r.kind, serde_json::Value::Object(r.fields))
                    })
                    .collect();
            // Records name staff by id, made when the demo vault was: compare usernames.
            for record in &mut records {
                for (staff_id, username) in &staff {
                    *record = record.replace(staff_id.as_str(), username);
                }
            }
            records.sort();
            (code, legal, chosen, records)
        })
        .collect()
}

/// The demo directory's organizations, by name.
fn demo_directory(vault: &Vault) -> Vec<String> {
    vault
        .connection_for_tests()
        .prepare(
            "SELECT json_extract(data, '$.name') FROM directory
             WHERE kind = 'organization' ORDER BY 1",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn demo_data_is_realistic_deterministic_and_rebuildable() {
    let dir = tempfile::tempdir().unwrap();
    let first = demo_vault(&dir.path().join("a"), 40, 9);
    let second = demo_vault(&dir.path().join("b"), 40, 9);
    let other_seed = demo_vault(&dir.path().join("c"), 40, 10);
    let content = demo_content(&first);
    assert_eq!(content.len(), 40);
    assert_eq!(content, demo_content(&second));
    assert_ne!(content, demo_content(&other_seed));
    assert_eq!(demo_directory(&first).len(), 30);
    assert_eq!(demo_directory(&first), demo_directory(&second));
    // Legal routes and what follows them are part of the invented files.
    for kind in ["proceeding", "prison_stay", "legal_status", "referral"] {
        let files = content
            .iter()
            .filter(|(_, _, _, records)| records.iter().any(|r| r.starts_with(kind)))
            .count();
        assert!(files >= 8, "{kind}: {files} files");
    }
    let accented = content
        .iter()
        .filter(|(_, legal, _, _)| legal.chars().any(|c| "áéíóúñãõçâêôÁÉÍÓÚ".contains(c)))
        .count();
    assert!(accented > 10, "names carry accents: {accented}");
    let with_children = content
        .iter()
        .filter(|(_, _, _, records)| records.iter().any(|r| r.starts_with("dependant")))
        .count();
    assert!((20..40).contains(&with_children), "{with_children}");
    // Every demo file is on the log like any other.
    let ids: Vec<String> = first
        .participant_list(&ParticipantQuery {
            limit: 5,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    for id in ids {
        assert_rebuilt_state_matches(&first, &id);
    }
    assert!(demo::is_demo(first.connection_for_tests()).unwrap());
    for vault in [first, second, other_seed] {
        vault.lock(LockReason::Manual).unwrap();
    }
}

#[test]
fn nothing_is_readable_at_rest_after_a_demo_workload() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let mut vault = demo_vault(&data, 60, 3);
    let id = woman(&mut vault, "Canaria Qz Nombre", None);
    vault
        .record_save(&id, None, note("Nota canaria Wv abierta", false))
        .unwrap();
    vault
        .record_save(&id, None, note("Nota canaria Kx delicada", true))
        .unwrap();
    vault
        .record_save(&id, None, dependant("Canarito Jb", 5))
        .unwrap();
    let demo_names: Vec<String> = demo_content(&vault)
        .into_iter()
        .take(5)
        .map(|(_, legal, _, _)| legal)
        .collect();
    let organizations: Vec<String> = demo_directory(&vault).into_iter().take(3).collect();
    let during = snapshot(&data);
    vault.lock(LockReason::Manual).unwrap();
    let after = snapshot(&data);
    let mut canaries: Vec<String> = vec![
        "Canaria Qz".into(),
        "canaria qz".into(),
        "canaria Wv".into(),
        "canaria Kx".into(),
        "Canarito Jb".into(),
        "Reclusión de Mujeres".into(),
    ];
    canaries.extend(demo_names);
    canaries.extend(organizations);
    for (path, bytes) in during.iter().chain(after.iter()) {
        for canary in &canaries {
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "{canary} readable in {}",
                path.display()
            );
        }
    }
}

#[test]
fn only_a_demo_vault_can_be_copied_out_unencrypted() {
    let dir = tempfile::tempdir().unwrap();
    let vault = demo_vault(&dir.path().join("demo"), 3, 1);
    let copy = dir.path().join("plain.db");
    vault.demo_plaintext_copy(&copy).unwrap();
    let plain = rusqlite::Connection::open(&copy).unwrap();
    let count: i64 = plain
        .query_row("SELECT count(*) FROM participants", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 3);
    vault.lock(LockReason::Manual).unwrap();
    let test = new_vault();
    let admin = test.admin();
    assert!(matches!(
        admin.demo_plaintext_copy(&dir.path().join("real.db")),
        Err(Error::NotDemoVault)
    ));
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn the_app_s_demo_is_made_again_on_a_new_day_and_kept_within_one() {
    let dir = tempfile::tempdir().unwrap();
    let paths = acompana::vault::VaultPaths::new(dir.path().join("demo"));
    let today = chrono::Local::now().date_naive();
    let ids = |vault: &Vault| -> Vec<String> {
        let mut ids: Vec<String> = vault
            .connection_for_tests()
            .prepare("SELECT id FROM participants")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        ids.sort();
        ids
    };
    let vault = acompana::demo::open_filled(&paths, acompana::Country::CO, 6).unwrap();
    assert_eq!(acompana::demo::filled_on(&vault).unwrap(), Some(today));
    let first = ids(&vault);
    assert_eq!(first.len(), 6);
    vault.lock(LockReason::Manual).unwrap();
    // Later the same day: the same women (and whatever was changed while exploring).
    let vault = acompana::demo::open_filled(&paths, acompana::Country::CO, 6).unwrap();
    assert_eq!(ids(&vault), first);
    // Filled long ago (or by a version that did not record the day): made again for today.
    vault
        .connection_for_tests()
        .execute(
            "UPDATE vault_meta SET value = '2025-01-15' WHERE key = 'demo_filled_on'",
            [],
        )
        .unwrap();
    vault.lock(LockReason::Manual).unwrap();
    let vault = acompana::demo::open_filled(&paths, acompana::Country::CO, 6).unwrap();
    assert_eq!(acompana::demo::filled_on(&vault).unwrap(), Some(today));
    let again = ids(&vault);
    assert_eq!(again.len(), 6);
    assert!(
        again.iter().all(|id| !first.contains(id)),
        "new invented women"
    );
    vault.lock(LockReason::Manual).unwrap();
    // A real vault in that folder is never touched.
    let real = dir.path().join("real");
    let test_paths = acompana::vault::VaultPaths::new(real.clone());
    acompana::opening::create(
        &test_paths,
        acompana::vault::NewVault {
            org_name: "Real".into(),
            country: acompana::Country::CO,
            admin_username: "coordinadora".into(),
            admin_display_name: "Coordinadora".into(),
            admin_password: secret(ADMIN_PASSWORD),
        },
        acompana::vault::KdfChoice::Minimum,
    )
    .unwrap()
    .0
    .lock(LockReason::Manual)
    .unwrap();
    assert!(matches!(
        acompana::demo::open_filled(&test_paths, acompana::Country::CO, 6),
        Err(acompana::Error::NotDemoVault)
    ));
    assert!(test_paths.exists());
}

/// A newcomer exploring the demo meets an ordinary working day: some tasks a few weeks late at
/// most, not a backlog of hundreds dating from years before.
#[test]
fn the_demo_opens_on_an_ordinary_working_day() {
    let dir = tempfile::tempdir().unwrap();
    let count = 300;
    let vault = demo_vault(dir.path(), count, 1);
    let anchor = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let day = vault
        .tasks_today(&acompana::records::tasks::TodayQuery {
            today: "2026-06-30".into(),
            mine: false,
            limit: Some(1000),
        })
        .unwrap();
    let late: Vec<i64> = day
        .overdue
        .items
        .iter()
        .map(|due| {
            let on = chrono::NaiveDate::parse_from_str(&due.task.due_on, "%Y-%m-%d").unwrap();
            (anchor - on).num_days()
        })
        .collect();
    let oldest = late.iter().copied().max().unwrap_or(0);
    assert!(
        oldest <= 60,
        "the oldest overdue task is {oldest} days late ({} overdue)",
        day.overdue.total
    );
    assert!(
        day.overdue.total <= count / 5,
        "{} tasks overdue among {count} women",
        day.overdue.total
    );
    // Still a working day: something is late, something due today or this week.
    assert!(day.overdue.total > 0 && day.this_week.total + day.due_today.total > 0);
}
