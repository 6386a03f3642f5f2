//! Legal routes, Law 2292 community service, the directory, referrals and tasks, on temporary
//! vaults: the hours and end dates through the write path, refused limits, the amnesty
//! deadline, the consent gate, tasks appearing and disappearing as the file changes, "Hoy"
//! scoped by role, and every change on the change log.

mod common;

use acompana::audit::AuditAction;
use acompana::changelog;
use acompana::records::community_service::{ComplianceReport, ServiceHours, ServicePlan};
use acompana::records::consent::{Consent, ConsentMethod, ConsentPurpose, LegalBasis};
use acompana::records::directory::{DirectoryQuery, Organization, OrganizationKind, Service};
use acompana::records::documents::{Document, DocumentStatus};
use acompana::records::eligibility::{EligibilityPoint, PointStatus};
use acompana::records::household::{Carer, Custody, Dependant, Household, Relationship};
use acompana::records::legal::{
    ApplicationStatus, LegalApplication, LegalStatus, LegalStatusChange, OffenceCategory,
    PrisonStay, Proceeding, RefusalReason,
};
use acompana::records::needs::{AssessmentPhase, NeedCategory, NeedStatus, NeedsAssessment};
use acompana::records::participants::{ClosingReason, NewParticipant};
use acompana::records::record::RecordData;
use acompana::records::referrals::{Referral, ReferralStatus};
use acompana::records::tasks::{Task, TaskKind, Today, TodayQuery};
use acompana::staff::Role;
use acompana::vault::{KdfChoice, LockReason, NewVault, Vault, VaultPaths};
use acompana::{Country, Error};
use common::*;

fn woman(vault: &mut Vault, name: &str, assign: Option<&str>) -> String {
    // The first region of the vault's country (Antioquia in Colombia).
    let region = acompana::catalog::for_country(vault.country().unwrap()).regions[0].clone();
    let region = if region == "Amazonas" {
        "Antioquia".to_string()
    } else {
        region
    };
    vault
        .participant_add(NewParticipant {
            legal_name: name.into(),
            chosen_name: None,
            birth_year: Some(1990),
            department: Some(region),
            assign_to: assign.map(str::to_string),
        })
        .unwrap()
        .id
}

fn field_of(result: acompana::Result<impl std::fmt::Debug>) -> &'static str {
    match result {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

fn log_len(vault: &Vault) -> usize {
    changelog::all(vault.connection_for_tests()).unwrap().len()
}

fn plan(months: u32, week: u32, day: u32, entity: Option<&str>) -> RecordData {
    RecordData::ServicePlan(ServicePlan {
        application_id: None,
        receiving_entity: entity.map(str::to_string),
        supervisor: Some("Supervisora de la biblioteca".into()),
        activities: Some("Apoyo en la biblioteca".into()),
        sentence_months: months,
        hours_due_override: None,
        override_reason: None,
        hours_per_week: week,
        hours_per_day: day,
        schedule: Some("Lunes a viernes, 8 a 12".into()),
        start_on: "2026-01-05".into(),
        execution_judge: Some("Juzgado 2 de Ejecución de Penas".into()),
    })
}

fn hours(plan_id: &str, date: &str, hours: u32) -> RecordData {
    RecordData::ServiceHours(ServiceHours {
        plan_id: plan_id.into(),
        date: date.into(),
        hours,
        activity: "Clasificación de libros".into(),
        verified_by: Some("Supervisora".into()),
    })
}

fn organization(vault: &mut Vault, name: &str, kind: OrganizationKind) -> String {
    vault
        .directory_save_organization(
            None,
            Organization {
                name: name.into(),
                kind,
                categories: vec![NeedCategory::Housing, NeedCategory::CommunityService],
                requirements: Some("Acepta personas con antecedentes".into()),
                accepts_records: true,
                municipality: Some("Medellín".into()),
                department: Some("Antioquia".into()),
                address: None,
                hours: Some("Lunes a viernes".into()),
                contact: Some("604 000 0000".into()),
                verified_on: Some("2026-06-01".into()),
            },
        )
        .unwrap()
        .id
}

fn referral(organization_id: &str, shares_data: bool) -> RecordData {
    RecordData::Referral(Referral {
        category: NeedCategory::Housing,
        organization_id: organization_id.into(),
        service_id: None,
        referred_on: "2026-09-01".into(),
        shares_data,
        consent_id: None,
        status: ReferralStatus::Sent,
        follow_up_on: Some("2026-09-15".into()),
        outcome: None,
    })
}

fn referral_consent(organization: &str, revoked_on: Option<&str>) -> RecordData {
    RecordData::Consent(Consent {
        purpose: ConsentPurpose::Referral,
        organization: Some(organization.into()),
        legal_basis: LegalBasis::Consent,
        notice_version: Some("2025-1".into()),
        method: ConsentMethod::Written,
        read_aloud: true,
        language: "es".into(),
        given_on: "2026-08-30".into(),
        collected_by: ADMIN.into(),
        revoked_on: revoked_on.map(str::to_string),
    })
}

fn stay(entered: &str, left: Option<&str>) -> RecordData {
    RecordData::PrisonStay(PrisonStay {
        proceeding_id: None,
        facility: "Reclusión de Mujeres El Pedregal".into(),
        entered_on: entered.into(),
        left_on: left.map(str::to_string),
    })
}

fn today(vault: &Vault, day: &str, mine: bool) -> Today {
    vault
        .tasks_today(&TodayQuery {
            today: day.into(),
            mine,
            limit: None,
        })
        .unwrap()
}

/// Every task key of a file, with its due date.
fn keys(vault: &Vault, participant_id: &str) -> Vec<(String, String)> {
    vault
        .participant_tasks(participant_id)
        .unwrap()
        .into_iter()
        .map(|t| (t.key, t.due_on))
        .collect()
}

fn has_key(vault: &Vault, participant_id: &str, prefix: &str) -> bool {
    keys(vault, participant_id)
        .iter()
        .any(|(k, _)| k.starts_with(prefix))
}

#[test]
fn a_law_2292_plan_computes_hours_and_end_date_and_refuses_bad_rates() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Luz Marina Restrepo", None);

    // The law's example: 48 months, 20 hours a week.
    let plan_id = admin
        .record_save(&id, None, plan(48, 20, 4, None))
        .unwrap()
        .id;
    let overview = admin.legal_overview(&id, "2026-01-05").unwrap();
    let progress = &overview.plans[0];
    assert_eq!(progress.hours_due, 1040);
    assert_eq!(progress.projected_end, "2027-01-03");

    // Several sentences and rates, including months that are not whole weeks.
    for (months, week, due, end) in [
        (13, 10, 282, "2026-07-26"),  // 56.3 weeks → 282 h; 29 weeks at 10
        (7, 5, 152, "2026-08-09"),    // 30.3 weeks → 152 h; 31 weeks at 5
        (96, 20, 2080, "2028-01-02"), // 8 years → 2,080 h; 104 weeks at 20
    ] {
        admin
            .record_save(&id, Some(&plan_id), plan(months, week, 4, None))
            .unwrap();
        let progress = &admin.legal_overview(&id, "2026-01-05").unwrap().plans[0];
        assert_eq!(
            (progress.hours_due, progress.projected_end.as_str()),
            (due, end),
            "{months} months at {week} h/week"
        );
    }

    // Edited hours due need a reason, and move the end.
    let before = log_len(&admin);
    let mut edited = match plan(48, 20, 4, None) {
        RecordData::ServicePlan(p) => p,
        _ => unreachable!(),
    };
    edited.hours_due_override = Some(960);
    assert_eq!(
        field_of(admin.record_save(&id, Some(&plan_id), RecordData::ServicePlan(edited.clone()))),
        "overrideReason"
    );
    assert_eq!(log_len(&admin), before, "a refused edit writes nothing");
    edited.override_reason = Some("El auto del juzgado fija 960 horas".into());
    admin
        .record_save(&id, Some(&plan_id), RecordData::ServicePlan(edited))
        .unwrap();
    let progress = &admin.legal_overview(&id, "2026-01-05").unwrap().plans[0];
    assert_eq!(progress.hours_due, 960);
    assert_eq!(progress.hours_due_computed, 1040);
    assert_eq!(progress.projected_end, "2026-12-06"); // 48 weeks

    // Weekly and daily limits, refused with the field named and nothing written.
    let before = log_len(&admin);
    for (week, day, field) in [
        (4, 4, "hoursPerWeek"),
        (21, 4, "hoursPerWeek"),
        (25, 8, "hoursPerWeek"),
        (20, 9, "hoursPerDay"),
        (5, 6, "hoursPerDay"),
    ] {
        assert_eq!(
            field_of(admin.record_save(&id, None, plan(48, week, day, None))),
            field,
            "{week} h/week, {day} h/day"
        );
        assert_eq!(
            field_of(admin.record_save(&id, Some(&plan_id), plan(48, week, day, None))),
            field
        );
    }
    assert_eq!(log_len(&admin), before);

    // The hours log: at most 8 hours in one day, dates not before the start.
    admin
        .record_save(&id, None, hours(&plan_id, "2026-01-06", 5))
        .unwrap();
    let second = admin
        .record_save(&id, None, hours(&plan_id, "2026-01-06", 3))
        .unwrap()
        .id;
    assert_eq!(
        field_of(admin.record_save(&id, None, hours(&plan_id, "2026-01-06", 1))),
        "hours"
    );
    // Editing an entry counts the day without its old value.
    admin
        .record_save(&id, Some(&second), hours(&plan_id, "2026-01-06", 2))
        .unwrap();
    assert_eq!(
        field_of(admin.record_save(&id, None, hours(&plan_id, "2026-01-04", 2))),
        "date"
    );
    assert_eq!(
        field_of(admin.record_save(&id, None, hours(&plan_id, "2026-01-07", 9))),
        "hours"
    );
    assert_eq!(
        field_of(admin.record_save(&id, None, hours("no-such-plan", "2026-01-07", 2))),
        "planId"
    );
    let progress = &admin.legal_overview(&id, "2026-01-12").unwrap().plans[0];
    assert_eq!(progress.hours_logged, 7);
    assert_eq!(progress.hours_remaining, 953);
    assert_rebuilt_state_matches(&admin, &id);
}

/// The hours log is add-only, so two laptops never conflict over it: each entry is one
/// `append`, and correcting an entry replaces it (a tombstone and a new entry), never a `set`.
#[test]
fn the_hours_log_is_add_only_and_a_correction_replaces_the_entry() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Luz Marina Restrepo", None);
    let plan_id = admin
        .record_save(&id, None, plan(48, 20, 4, None))
        .unwrap()
        .id;
    let first = admin
        .record_save(&id, None, hours(&plan_id, "2026-01-06", 4))
        .unwrap()
        .id;
    let corrected = admin
        .record_save(&id, Some(&first), hours(&plan_id, "2026-01-06", 6))
        .unwrap();
    assert_ne!(corrected.id, first, "a correction is a new entry");
    let operations = admin.participant_operations(&id).unwrap();
    let of = |record: &str| -> Vec<acompana::changelog::OpKind> {
        operations
            .iter()
            .filter(|op| op.record_id == record)
            .map(|op| op.kind)
            .collect()
    };
    use acompana::changelog::OpKind;
    assert_eq!(of(&first), [OpKind::Append, OpKind::Delete]);
    assert_eq!(of(&corrected.id), [OpKind::Append]);
    // The day's limit counts the corrected entry once, not both.
    let served = &admin.legal_overview(&id, "2026-01-07").unwrap().plans[0];
    assert_eq!(served.hours_logged, 6);
    assert!(admin
        .record_save(&id, Some(&corrected.id), hours(&plan_id, "2026-01-06", 8))
        .is_ok());
    // A removed entry cannot be corrected.
    assert!(matches!(
        admin.record_save(&id, Some(&first), hours(&plan_id, "2026-01-07", 2)),
        Err(Error::NotFound)
    ));
    assert_rebuilt_state_matches(&admin, &id);
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn the_receiving_entity_comes_from_the_directory_and_is_not_a_company() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Yolanda Pérez", None);
    let library = organization(
        &mut admin,
        "Biblioteca Pública Piloto",
        OrganizationKind::PublicBody,
    );
    let company = organization(
        &mut admin,
        "Confecciones S.A.S.",
        OrganizationKind::PrivateCompany,
    );
    let before = log_len(&admin);
    assert_eq!(
        field_of(admin.record_save(&id, None, plan(48, 20, 4, Some(&company)))),
        "receivingEntity"
    );
    assert_eq!(
        field_of(admin.record_save(&id, None, plan(48, 20, 4, Some("unknown")))),
        "receivingEntity"
    );
    assert_eq!(log_len(&admin), before);
    let plan_id = admin
        .record_save(&id, None, plan(12, 10, 4, Some(&library)))
        .unwrap()
        .id;
    for (date, h) in [("2026-01-06", 4), ("2026-01-20", 4), ("2026-02-03", 6)] {
        admin
            .record_save(&id, None, hours(&plan_id, date, h))
            .unwrap();
    }
    let report_id = admin
        .record_save(
            &id,
            None,
            RecordData::ComplianceReport(ComplianceReport {
                plan_id: plan_id.clone(),
                period_start: "2026-01-01".into(),
                period_end: "2026-01-31".into(),
                incidents: Some("Ninguna".into()),
                sent_on: Some("2026-02-02".into()),
            }),
        )
        .unwrap()
        .id;
    let audited_before = admin.audit_list(0, 1000).unwrap().len();
    let report = admin.compliance_report(&id, &report_id).unwrap();
    assert_eq!(report.legal_name, "Yolanda Pérez");
    assert_eq!(
        report.entity_name.as_deref(),
        Some("Biblioteca Pública Piloto")
    );
    assert_eq!(report.figures.hours_in_period, 8);
    assert_eq!(report.figures.entries.len(), 2);
    assert_eq!(report.figures.hours_accumulated, 8);
    assert_eq!(report.figures.hours_due, 260);
    assert_eq!(report.figures.hours_remaining, 252);
    let audit = admin.audit_list(0, 1000).unwrap();
    assert_eq!(audit.len(), audited_before + 1);
    assert!(audit
        .iter()
        .any(|e| e.action == AuditAction::ComplianceReportPrinted));
    // A plan's id is not a report.
    assert!(matches!(
        admin.compliance_report(&id, &plan_id),
        Err(Error::NotFound)
    ));
}

fn mexican_vault(dir: &std::path::Path) -> Vault {
    let paths = VaultPaths::new(dir.join("mx"));
    let (vault, _) = acompana::opening::create(
        &paths,
        NewVault {
            org_name: "Colectiva de apoyo".into(),
            country: Country::MX,
            admin_username: "ana".into(),
            admin_display_name: "Ana".into(),
            admin_password: secret("clave-de-prueba-mx"),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    vault
}

fn amnesty(filed_on: &str) -> LegalApplication {
    LegalApplication {
        application_type: "mx_amnistia_federal".into(),
        proceeding_id: None,
        filed_by: Some("Defensoría pública".into()),
        filed_on: Some(filed_on.into()),
        authority: Some("Comisión de Amnistía".into()),
        file_number: Some("CA/123/2026".into()),
        evidence: vec![],
        status: ApplicationStatus::Filed,
        decided_on: None,
        refusal_reason: None,
        marginality_evidence: None,
        prior_conviction: None,
        excluded_offence: None,
        notes: None,
    }
}

#[test]
fn an_amnesty_request_has_a_four_month_deadline_that_hoy_shows() {
    let dir = tempfile::tempdir().unwrap();
    let mut vault = mexican_vault(dir.path());
    let id = woman(&mut vault, "Guadalupe Hernández", None);
    let app_id = vault
        .record_save(
            &id,
            None,
            RecordData::LegalApplication(amnesty("2026-07-10")),
        )
        .unwrap()
        .id;
    let overview = vault.legal_overview(&id, "2026-11-03").unwrap();
    let deadline = &overview.deadlines[0];
    assert_eq!(deadline.deadline.as_deref(), Some("2026-11-10"));
    assert_eq!(deadline.days_left, Some(7));
    assert!(!deadline.denied_by_silence);
    assert!(
        overview.eligibility.is_empty(),
        "Mexico has no Law 2292 guide"
    );

    // The deadline is a task: this week on the 3rd, today on the 10th, overdue after.
    let week = today(&vault, "2026-11-04", false);
    let task = week
        .this_week
        .items
        .iter()
        .find(|t| t.task.kind == TaskKind::LegalDeadline)
        .expect("deadline this week");
    assert_eq!(task.task.due_on, "2026-11-10");
    assert_eq!(task.task.detail.as_deref(), Some("mx_amnistia_federal"));
    assert_eq!(today(&vault, "2026-11-10", false).due_today.total, 1);
    assert_eq!(today(&vault, "2026-11-11", false).overdue.total, 1);
    assert!(vault.legal_overview(&id, "2026-11-11").unwrap().deadlines[0].denied_by_silence);

    // A state amnesty from the 31st of October ends on the last day of February.
    let mut state = amnesty("2025-10-31");
    state.application_type = "mx_amnistia_estatal".into();
    let state_id = vault
        .record_save(&id, None, RecordData::LegalApplication(state.clone()))
        .unwrap()
        .id;
    assert!(
        keys(&vault, &id).contains(&(format!("legal_deadline/{state_id}"), "2026-02-28".into()))
    );

    // Once decided, the deadline task goes away.
    let mut decided = amnesty("2026-07-10");
    decided.status = ApplicationStatus::Denied;
    decided.decided_on = Some("2026-11-20".into());
    decided.refusal_reason = Some(RefusalReason::ExcludedOffence);
    vault
        .record_save(&id, Some(&app_id), RecordData::LegalApplication(decided))
        .unwrap();
    assert!(!has_key(&vault, &id, &format!("legal_deadline/{app_id}")));
    assert!(has_key(&vault, &id, &format!("legal_deadline/{state_id}")));
    // A Colombian type does not exist here.
    let mut foreign = amnesty("2026-07-10");
    foreign.application_type = "co_ley_2292".into();
    assert_eq!(
        field_of(vault.record_save(&id, None, RecordData::LegalApplication(foreign))),
        "applicationType"
    );
    assert_rebuilt_state_matches(&vault, &id);
}

#[test]
fn a_referral_that_shares_her_data_needs_her_consent_first() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Marta Lucía Gómez", None);
    let shelter = organization(
        &mut admin,
        "Fundación Casa de Acogida",
        OrganizationKind::NonProfit,
    );
    let before = log_len(&admin);
    assert!(matches!(
        admin.record_save(&id, None, referral(&shelter, true)),
        Err(Error::ConsentRequired)
    ));
    assert_eq!(log_len(&admin), before, "a blocked referral writes nothing");
    assert_eq!(Error::ConsentRequired.code().as_str(), "consent_required");

    // A consent for another organization, or a revoked one, does not count.
    admin
        .record_save(&id, None, referral_consent("Otra fundación", None))
        .unwrap();
    admin
        .record_save(
            &id,
            None,
            referral_consent("Fundación Casa de Acogida", Some("2026-08-31")),
        )
        .unwrap();
    assert!(matches!(
        admin.record_save(&id, None, referral(&shelter, true)),
        Err(Error::ConsentRequired)
    ));

    // Her consent naming the organization (written without accents, in capitals) lets it go,
    // and the referral records which consent covered it.
    let consent_id = admin
        .record_save(
            &id,
            None,
            referral_consent("FUNDACION CASA DE ACOGIDA", None),
        )
        .unwrap()
        .id;
    let saved = admin
        .record_save(&id, None, referral(&shelter, true))
        .unwrap();
    match &saved.data {
        RecordData::Referral(r) => assert_eq!(r.consent_id.as_deref(), Some(consent_id.as_str())),
        other => panic!("{other:?}"),
    }

    // A referral that shares nothing needs no consent.
    let other = organization(
        &mut admin,
        "Comedor comunitario",
        OrganizationKind::Community,
    );
    admin
        .record_save(&id, None, referral(&other, false))
        .unwrap();
    // Naming a consent that does not cover the organization is refused too.
    let mut named = referral(&other, true);
    if let RecordData::Referral(r) = &mut named {
        r.consent_id = Some(consent_id.clone());
    }
    assert!(matches!(
        admin.record_save(&id, None, named),
        Err(Error::ConsentRequired)
    ));
    // An organization that is not in the directory is a field error.
    assert_eq!(
        field_of(admin.record_save(&id, None, referral("unknown", false))),
        "organizationId"
    );
    // A service of another organization is refused.
    let service = admin
        .directory_save_service(
            None,
            Service {
                organization_id: other.clone(),
                name: "Almuerzo diario".into(),
                category: NeedCategory::BasicNeeds,
                requirements: None,
                hours: None,
                contact: None,
                verified_on: None,
            },
        )
        .unwrap()
        .services[0]
        .id
        .clone();
    let mut wrong_service = referral(&shelter, false);
    if let RecordData::Referral(r) = &mut wrong_service {
        r.service_id = Some(service);
    }
    assert_eq!(
        field_of(admin.record_save(&id, None, wrong_service)),
        "serviceId"
    );
    assert_rebuilt_state_matches(&admin, &id);
}

#[test]
fn generated_tasks_appear_and_disappear_as_the_file_changes() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Ana Milena Torres", None);
    assert!(keys(&admin, &id).is_empty());

    // Still in prison: no follow-ups. Released on 1 August: four follow-ups.
    let stay_id = admin
        .record_save(&id, None, stay("2024-02-01", None))
        .unwrap()
        .id;
    assert!(keys(&admin, &id).is_empty());
    admin
        .record_save(&id, Some(&stay_id), stay("2024-02-01", Some("2026-08-01")))
        .unwrap();
    let follow_ups: Vec<(String, String)> = keys(&admin, &id)
        .into_iter()
        .filter(|(k, _)| k.starts_with("follow_up/"))
        .collect();
    assert_eq!(
        follow_ups
            .iter()
            .map(|(_, d)| d.as_str())
            .collect::<Vec<_>>(),
        ["2026-08-31", "2026-10-30", "2027-01-28", "2027-08-01"]
    );

    // The 30-day assessment settles the 30-day follow-up.
    admin
        .record_save(
            &id,
            None,
            RecordData::Needs(NeedsAssessment {
                phase: AssessmentPhase::Day30,
                assessed_on: "2026-09-02".into(),
                statuses: vec![(NeedCategory::Housing, NeedStatus::Need)]
                    .into_iter()
                    .collect(),
            }),
        )
        .unwrap();
    assert!(!has_key(&admin, &id, "follow_up/2026-08-01/day30"));
    assert!(has_key(&admin, &id, "follow_up/2026-08-01/day90"));

    // Completing the 90-day follow-up from Hoy records its completion on the log.
    let overdue = today(&admin, "2026-11-02", false).overdue;
    let ninety = overdue
        .items
        .iter()
        .find(|t| t.task.key == "follow_up/2026-08-01/day90")
        .expect("overdue follow-up")
        .clone();
    assert_eq!(ninety.case_code, admin.load_for_tests(&id).case_code);
    let before = log_len(&admin);
    admin
        .task_complete(&id, &ninety.task.key, "2026-11-02")
        .unwrap();
    assert!(log_len(&admin) > before);
    assert!(!has_key(&admin, &id, "follow_up/2026-08-01/day90"));
    assert!(matches!(
        admin.task_complete(&id, "follow_up/2026-08-01/day90", "2026-11-02"),
        Err(Error::NotFound)
    ));

    // An expiring document: due 30 days before it expires; renewed, it moves.
    let doc = |expires: &str| {
        RecordData::Document(Document {
            document_type: "cedula".into(),
            dependant_id: None,
            status: DocumentStatus::Has,
            issuing_body: None,
            requested_on: None,
            obtained_on: None,
            cost: None,
            expires_on: Some(expires.into()),
            original_kept_at: None,
        })
    };
    let doc_id = admin.record_save(&id, None, doc("2026-12-31")).unwrap().id;
    assert!(keys(&admin, &id).contains(&(
        format!("document_expiry/{doc_id}/2026-12-31"),
        "2026-12-01".into()
    )));
    admin.record_save(&id, None, doc("2036-12-31")).unwrap();
    assert!(!has_key(
        &admin,
        &id,
        &format!("document_expiry/{doc_id}/2026-12-31")
    ));
    assert!(has_key(
        &admin,
        &id,
        &format!("document_expiry/{doc_id}/2036-12-31")
    ));

    // A referral follow-up until the referral closes.
    let shelter = organization(&mut admin, "Hogar de paso", OrganizationKind::NonProfit);
    let referral_id = admin
        .record_save(&id, None, referral(&shelter, false))
        .unwrap()
        .id;
    assert!(has_key(
        &admin,
        &id,
        &format!("referral_follow_up/{referral_id}/2026-09-15")
    ));
    let mut closed = referral(&shelter, false);
    if let RecordData::Referral(r) = &mut closed {
        r.status = ReferralStatus::Completed;
    }
    admin.record_save(&id, Some(&referral_id), closed).unwrap();
    assert!(!has_key(
        &admin,
        &id,
        &format!("referral_follow_up/{referral_id}")
    ));

    // Hours reports: monthly from the plan's start, the next one once a month is reported.
    let plan_id = admin
        .record_save(&id, None, plan(12, 10, 4, None))
        .unwrap()
        .id;
    assert!(keys(&admin, &id).contains(&(
        format!("hours_report/{plan_id}/2026-01"),
        "2026-01-31".into()
    )));
    admin
        .record_save(
            &id,
            None,
            RecordData::ComplianceReport(ComplianceReport {
                plan_id: plan_id.clone(),
                period_start: "2026-01-05".into(),
                period_end: "2026-01-31".into(),
                incidents: None,
                sent_on: None,
            }),
        )
        .unwrap();
    assert!(!has_key(
        &admin,
        &id,
        &format!("hours_report/{plan_id}/2026-01")
    ));
    assert!(keys(&admin, &id).contains(&(
        format!("hours_report/{plan_id}/2026-02"),
        "2026-02-28".into()
    )));

    // A task added by hand shows until it is done.
    let manual = admin
        .record_save(
            &id,
            None,
            RecordData::Task(Task {
                title: "Cita en la Registraduría para la cédula".into(),
                due_on: "2026-11-30".into(),
                assigned_to: None,
                generated_key: None,
                done: false,
                done_on: None,
                notes: None,
            }),
        )
        .unwrap()
        .id;
    let week = today(&admin, "2026-11-29", false);
    assert!(week
        .this_week
        .items
        .iter()
        .any(|t| t.task.key == format!("task/{manual}")
            && t.task.detail.as_deref() == Some("Cita en la Registraduría para la cédula")));
    admin
        .task_complete(&id, &format!("task/{manual}"), "2026-11-29")
        .unwrap();
    assert!(!has_key(&admin, &id, "task/"));

    // A later assessment settles the earlier follow-ups still open: the 365-day one leaves
    // none.
    assert!(has_key(&admin, &id, "follow_up/2026-08-01/day180"));
    admin
        .record_save(
            &id,
            None,
            RecordData::Needs(NeedsAssessment {
                phase: AssessmentPhase::Day365,
                assessed_on: "2026-11-20".into(),
                statuses: vec![(NeedCategory::Housing, NeedStatus::Resolved)]
                    .into_iter()
                    .collect(),
            }),
        )
        .unwrap();
    assert!(!has_key(&admin, &id, "follow_up/"));
    admin
        .record_delete(
            &id,
            &acompana::records::record::needs_id(
                &id,
                acompana::records::needs::AssessmentPhase::Day365,
            ),
        )
        .unwrap();
    assert!(has_key(&admin, &id, "follow_up/2026-08-01/day180"));

    // Deleting the stay removes the follow-ups still open.
    admin.record_delete(&id, &stay_id).unwrap();
    assert!(!has_key(&admin, &id, "follow_up/"));

    // A closed case drops out of Hoy and comes back when reopened.
    let due_before = today(&admin, "2027-12-31", false).overdue.total;
    assert!(due_before > 0);
    admin.participant_close(&id, ClosingReason::Other).unwrap();
    assert_eq!(today(&admin, "2027-12-31", false).overdue.total, 0);
    admin.participant_reopen(&id).unwrap();
    assert_eq!(today(&admin, "2027-12-31", false).overdue.total, due_before);
    assert_rebuilt_state_matches(&admin, &id);
}

#[test]
fn hoy_shows_each_person_only_what_she_may_see() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    test.add("bea", "Beatriz", Role::Caseworker, "clave-de-beatriz");
    let mut admin = test.admin();
    let hers = woman(&mut admin, "Rosa Elena Díaz", Some("lucia"));
    let other = woman(&mut admin, "Carmen Rojas", Some("bea"));
    let nobody = woman(&mut admin, "Sin asignar", None);
    for id in [&hers, &other, &nobody] {
        admin
            .record_save(id, None, stay("2025-01-01", Some("2026-10-01")))
            .unwrap();
    }
    // A task on Beatriz's woman, assigned by hand to Lucía, is still Beatriz's file: Lucía
    // cannot see it.
    admin
        .record_save(
            &other,
            None,
            RecordData::Task(Task {
                title: "Llamar al juzgado".into(),
                due_on: "2026-10-20".into(),
                assigned_to: Some("lucia".into()),
                generated_key: None,
                done: false,
                done_on: None,
                notes: None,
            }),
        )
        .unwrap();
    let all = today(&admin, "2026-11-29", false);
    assert_eq!(all.overdue.total, 4);
    assert_eq!(today(&admin, "2026-11-29", true).overdue.total, 0);
    admin.lock(LockReason::Manual).unwrap();

    let lucia = test.unlock("lucia", "clave-de-lucia-1").unwrap();
    let seen = today(&lucia, "2026-11-29", false);
    assert_eq!(seen.overdue.total, 1);
    assert!(seen.overdue.items.iter().all(|t| t.participant_id == hers));
    assert_eq!(seen.overdue.items[0].responsible.as_deref(), Some("lucia"));
    assert_eq!(today(&lucia, "2026-11-29", true).overdue.total, 1);
    assert!(matches!(
        lucia.participant_tasks(&other),
        Err(Error::NotFound)
    ));
    assert!(matches!(
        lucia.legal_overview(&other, "2026-11-29"),
        Err(Error::NotFound)
    ));
    let mut lucia = lucia;
    let before = log_len(&lucia);
    assert!(matches!(
        lucia.task_complete(&other, "follow_up/2026-10-01/day30", "2026-11-29"),
        Err(Error::NotFound)
    ));
    assert_eq!(log_len(&lucia), before);
    lucia.lock(LockReason::Manual).unwrap();

    let bea = test.unlock("bea", "clave-de-beatriz").unwrap();
    let seen = today(&bea, "2026-11-29", false);
    assert_eq!(seen.overdue.total, 2);
    // "Only mine" leaves out the task assigned to Lucía.
    assert_eq!(today(&bea, "2026-11-29", true).overdue.total, 1);
    // It says whom it falls to (tasks name staff by id, shown by username).
    let handed = seen
        .overdue
        .items
        .iter()
        .find(|t| t.task.detail.as_deref() == Some("Llamar al juzgado"))
        .unwrap();
    assert_eq!(handed.responsible.as_deref(), Some("lucia"));
    let stored: Option<String> = bea
        .connection_for_tests()
        .query_row(
            "SELECT assigned_to FROM tasks_due WHERE kind = 'manual'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_ne!(stored.as_deref(), Some("lucia"), "by id, not username");
    assert!(stored.is_some());
    assert!(bea
        .tasks_today(&TodayQuery {
            today: "29/11/2026".into(),
            mine: false,
            limit: None
        })
        .is_err());
}

/// The participants whose overdue tasks "Hoy" lists, with how many each.
fn overdue_of(vault: &Vault, mine: bool) -> Vec<(String, usize)> {
    let mut counts = std::collections::BTreeMap::new();
    for task in today(vault, "2026-11-29", mine).overdue.items {
        *counts.entry(task.participant_id).or_insert(0) += 1;
    }
    counts.into_iter().collect()
}

#[test]
fn reassigning_a_file_moves_its_tasks_to_the_new_caseworkers_hoy() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    test.add("bea", "Beatriz", Role::Caseworker, "clave-de-beatriz");
    let lucia = || test.unlock("lucia", "clave-de-lucia-1").unwrap();
    let bea = || test.unlock("bea", "clave-de-beatriz").unwrap();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Rosa Elena Díaz", Some("lucia"));
    admin
        .record_save(&id, None, stay("2025-01-01", Some("2026-10-01")))
        .unwrap();
    // Overdue on 2026-11-29: the day-30 follow-up (2026-10-31), hers as the caseworker, and a
    // task assigned by hand to Beatriz.
    let task = admin
        .record_save(
            &id,
            None,
            RecordData::Task(Task {
                title: "Llamar al juzgado".into(),
                due_on: "2026-10-20".into(),
                assigned_to: Some("bea".into()),
                generated_key: None,
                done: false,
                done_on: None,
                notes: None,
            }),
        )
        .unwrap();
    let all = vec![(id.clone(), 2)];
    let one = vec![(id.clone(), 1)];
    assert_eq!(overdue_of(&lucia(), false), all);
    assert_eq!(overdue_of(&lucia(), true), one);
    // Beatriz cannot see the file, so not even the task that falls to her.
    assert_eq!(overdue_of(&bea(), false), vec![]);
    assert_eq!(overdue_of(&bea(), true), vec![]);

    // Reassigned: the file's tasks go to Beatriz's "Hoy" and leave Lucía's.
    admin.participant_assign(&id, Some("bea")).unwrap();
    assert_eq!(overdue_of(&lucia(), false), vec![]);
    assert_eq!(overdue_of(&lucia(), true), vec![]);
    assert_eq!(overdue_of(&bea(), false), all);
    assert_eq!(overdue_of(&bea(), true), all);

    // Shared back with Lucía, she sees it all, and none of it is hers.
    admin.participant_share(&id, "lucia", true).unwrap();
    assert_eq!(overdue_of(&lucia(), false), all);
    assert_eq!(overdue_of(&lucia(), true), vec![]);
    // The hand-made task given to Lucía is hers, on a file she sees by sharing.
    let RecordData::Task(mut data) = task.data else {
        unreachable!()
    };
    data.assigned_to = Some("lucia".into());
    admin
        .record_save(&id, Some(&task.id), RecordData::Task(data))
        .unwrap();
    assert_eq!(overdue_of(&lucia(), true), one);
    assert_eq!(overdue_of(&bea(), true), one);
    // Counted too: the count reads the task's own columns, not the file's row.
    assert_eq!(today(&lucia(), "2026-11-29", true).overdue.total, 1);
    assert_eq!(today(&bea(), "2026-11-29", true).overdue.total, 1);
    assert_eq!(today(&bea(), "2026-11-29", false).overdue.total, 2);

    // Nobody's: the follow-up falls to no one, the hand-made task still to Lucía.
    admin.participant_assign(&id, None).unwrap();
    assert_eq!(overdue_of(&bea(), false), vec![]);
    assert_eq!(overdue_of(&admin, true), vec![]);
    assert_eq!(overdue_of(&admin, false), all);
    assert_eq!(overdue_of(&lucia(), true), one);
    admin.participant_assign(&id, Some(ADMIN)).unwrap();
    assert_eq!(overdue_of(&admin, true), one);

    // A rebuild of every file's tasks gives the same.
    let conn = admin.connection_for_tests();
    conn.execute(
        "INSERT INTO vault_meta (key, value) VALUES ('tasks_stale', '1')",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE tasks_due SET falls_to = NULL, caseworker = NULL",
        [],
    )
    .unwrap();
    admin.lock(LockReason::Manual).unwrap();
    let admin = test.admin();
    assert_eq!(overdue_of(&admin, true), one);
    assert_eq!(overdue_of(&lucia(), true), one);
}

/// Tasks of a vault written before the index on whom they fall to are given it by the
/// migration (0010).
#[test]
fn the_migration_tells_existing_tasks_whom_they_fall_to() {
    use acompana::store::migrations;
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    migrations::apply_up_to(&mut conn, 9).unwrap();
    // Staff ids without their rows: the migration only copies them.
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO participants (id, case_code, legal_name, search_text, created_at, search_id,
                                   assigned_to)
         VALUES ('p1', 'CO-AAAA', 'X', 'x', '2026-01-01', 1, 's1'),
                ('p2', 'CO-BBBB', 'Y', 'y', '2026-01-01', 2, NULL);
         INSERT INTO tasks_due (participant_id, key, kind, due_on, assigned_to)
         VALUES ('p1', 'a', 'follow_up', '2026-02-01', NULL),
                ('p1', 'b', 'manual', '2026-02-01', 's2'),
                ('p2', 'c', 'follow_up', '2026-02-01', NULL),
                ('p2', 'd', 'manual', '2026-02-01', 's2');",
    )
    .unwrap();
    migrations::apply(&mut conn).unwrap();
    let rows: Vec<(String, Option<String>, Option<String>)> = conn
        .prepare("SELECT key, caseworker, falls_to FROM tasks_due ORDER BY key")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let s = |text: &str| Some(text.to_string());
    assert_eq!(
        rows,
        vec![
            ("a".into(), s("s1"), s("s1")),
            ("b".into(), s("s1"), s("s2")),
            ("c".into(), None, None),
            ("d".into(), None, s("s2")),
        ]
    );
}

/// Tasks of a vault written before they carried their file's status are told it by the
/// migration (0011): closed and deleted files' tasks are not open.
#[test]
fn the_migration_tells_existing_tasks_whether_their_file_is_open() {
    use acompana::store::migrations;
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    migrations::apply_up_to(&mut conn, 10).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO participants (id, case_code, legal_name, search_text, created_at, search_id,
                                   status, deleted)
         VALUES ('p1', 'CO-AAAA', 'X', 'x', '2026-01-01', 1, 'open', 0),
                ('p2', 'CO-BBBB', 'Y', 'y', '2026-01-01', 2, 'closed', 0),
                ('p3', 'CO-CCCC', 'Z', 'z', '2026-01-01', 3, 'open', 1);
         INSERT INTO tasks_due (participant_id, key, kind, due_on)
         VALUES ('p1', 'a', 'follow_up', '2026-02-01'),
                ('p2', 'b', 'follow_up', '2026-02-01'),
                ('p3', 'c', 'follow_up', '2026-02-01');",
    )
    .unwrap();
    migrations::apply(&mut conn).unwrap();
    let open = |conn: &rusqlite::Connection| -> Vec<(String, i64)> {
        conn.prepare("SELECT key, open FROM tasks_due ORDER BY key")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    assert_eq!(
        open(&conn),
        vec![("a".into(), 1), ("b".into(), 0), ("c".into(), 0)]
    );
    // The trigger follows the file, whichever path changes it.
    conn.execute_batch(
        "UPDATE participants SET status = 'open' WHERE id = 'p2';
         UPDATE participants SET status = 'closed' WHERE id = 'p1';
         UPDATE participants SET deleted = 0 WHERE id = 'p3';",
    )
    .unwrap();
    assert_eq!(
        open(&conn),
        vec![("a".into(), 0), ("b".into(), 1), ("c".into(), 1)]
    );
}

/// A caseworker's counts read only the tasks' own index: they must still leave out a file
/// once it is closed, and bring it back when it is reopened, as her list does.
#[test]
fn closing_a_file_takes_its_tasks_out_of_her_caseworkers_hoy_until_it_is_reopened() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    let lucia = || test.unlock("lucia", "clave-de-lucia-1").unwrap();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Rosa Elena Díaz", Some("lucia"));
    let kept = woman(&mut admin, "Carmen Rojas", Some("lucia"));
    for file in [&id, &kept] {
        admin
            .record_save(file, None, stay("2025-01-01", Some("2026-10-01")))
            .unwrap();
    }
    let totals = |vault: &Vault| {
        let seen = today(vault, "2026-11-29", false);
        (seen.overdue.total, seen.overdue.items.len() as u32)
    };
    assert_eq!(totals(&lucia()), (2, 2));
    admin
        .participant_close(&id, ClosingReason::MovedAway)
        .unwrap();
    assert_eq!(totals(&lucia()), (1, 1));
    assert_eq!(totals(&admin), (1, 1));
    assert_eq!(
        overdue_of(&lucia(), false),
        vec![(kept.clone(), 1)],
        "the file left open is the one listed"
    );
    // Recomputing every file's tasks (after a migration) keeps a closed file's out.
    admin
        .connection_for_tests()
        .execute(
            "INSERT INTO vault_meta (key, value) VALUES ('tasks_stale', '1')",
            [],
        )
        .unwrap();
    admin.lock(LockReason::Manual).unwrap();
    let mut admin = test.admin();
    assert_eq!(totals(&lucia()), (1, 1));
    admin.participant_reopen(&id).unwrap();
    assert_eq!(totals(&lucia()), (2, 2));
    assert_eq!(totals(&admin), (2, 2));
}

#[test]
fn the_eligibility_guide_shows_what_is_proven_and_what_is_missing() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Sandra Milena Ortiz", None);
    let status_of = |vault: &Vault, point: EligibilityPoint| -> PointStatus {
        let overview = vault.legal_overview(&id, "2026-11-29").unwrap();
        let guide = overview
            .eligibility
            .iter()
            .find(|e| e.application_type == "co_ley_2292")
            .expect("a Colombian file gets the Law 2292 guide");
        guide
            .points
            .iter()
            .find(|p| p.point == point)
            .unwrap()
            .status
    };
    for point in [
        EligibilityPoint::HeadOfHousehold,
        EligibilityPoint::Dependants,
        EligibilityPoint::OffenceOrSentence,
        EligibilityPoint::Marginality,
        EligibilityPoint::NoPriorConviction,
        EligibilityPoint::NotExcluded,
    ] {
        assert_eq!(status_of(&admin, point), PointStatus::Missing, "{point:?}");
    }

    // Declared head of household, without the notarial declaration: still missing.
    let household = |declared_on: Option<&str>| {
        RecordData::Household(Household {
            head_of_household: Some(true),
            notarial_declaration_on: declared_on.map(str::to_string),
            household_size: Some(4),
            income_band: None,
            tenure: None,
            socioeconomic_group: Some("A2".into()),
            conflict_victim: None,
        })
    };
    admin.record_save(&id, None, household(None)).unwrap();
    assert_eq!(
        status_of(&admin, EligibilityPoint::HeadOfHousehold),
        PointStatus::Missing
    );
    admin
        .record_save(&id, None, household(Some("2026-03-01")))
        .unwrap();
    assert_eq!(
        status_of(&admin, EligibilityPoint::HeadOfHousehold),
        PointStatus::Met
    );

    // A daughter of 20 does not qualify; a son of 9 does.
    let child = |alias: &str, age: u8| {
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
    };
    admin.record_save(&id, None, child("Mayor", 20)).unwrap();
    assert_eq!(
        status_of(&admin, EligibilityPoint::Dependants),
        PointStatus::NotMet
    );
    let son = admin.record_save(&id, None, child("Nico", 9)).unwrap().id;
    assert_eq!(
        status_of(&admin, EligibilityPoint::Dependants),
        PointStatus::Met
    );

    // A violent offence with 10 years does not qualify; drugs do.
    let proceeding = |category: OffenceCategory, months: u32| {
        RecordData::Proceeding(Proceeding {
            jurisdiction: None,
            case_number: Some("05001-60-00-000-2023-00001".into()),
            court: Some("Juzgado 3 Penal".into()),
            offence_code: Some("Art. 376 CP".into()),
            offence_category: category,
            sentence_months: Some(months),
            expected_release_on: None,
        })
    };
    let proceeding_id = admin
        .record_save(&id, None, proceeding(OffenceCategory::Violent, 120))
        .unwrap()
        .id;
    assert_eq!(
        status_of(&admin, EligibilityPoint::OffenceOrSentence),
        PointStatus::NotMet
    );
    admin
        .record_save(
            &id,
            Some(&proceeding_id),
            proceeding(OffenceCategory::Drugs, 120),
        )
        .unwrap();
    assert_eq!(
        status_of(&admin, EligibilityPoint::OffenceOrSentence),
        PointStatus::Met
    );
    admin
        .record_save(
            &id,
            Some(&proceeding_id),
            proceeding(OffenceCategory::Violent, 48),
        )
        .unwrap();
    assert_eq!(
        status_of(&admin, EligibilityPoint::OffenceOrSentence),
        PointStatus::Met
    );
    admin
        .record_save(
            &id,
            None,
            RecordData::LegalStatus(LegalStatusChange {
                proceeding_id: proceeding_id.clone(),
                status: LegalStatus::Sentenced,
                since: "2024-05-01".into(),
            }),
        )
        .unwrap();
    assert_eq!(
        field_of(admin.record_save(
            &id,
            None,
            RecordData::LegalStatus(LegalStatusChange {
                proceeding_id: "elsewhere".into(),
                status: LegalStatus::Sentenced,
                since: "2024-05-01".into(),
            }),
        )),
        "proceedingId"
    );

    // The application answers the remaining points and links the evidence she has.
    let declaration = admin
        .record_save(
            &id,
            None,
            RecordData::Document(Document {
                document_type: "declaracion_jefatura".into(),
                dependant_id: None,
                status: DocumentStatus::Has,
                issuing_body: Some("Notaría 5".into()),
                requested_on: None,
                obtained_on: Some("2026-03-01".into()),
                cost: None,
                expires_on: None,
                original_kept_at: None,
            }),
        )
        .unwrap()
        .id;
    let application = LegalApplication {
        application_type: "co_ley_2292".into(),
        proceeding_id: Some(proceeding_id.clone()),
        filed_by: Some("Abogada de la organización".into()),
        filed_on: None,
        authority: None,
        file_number: None,
        evidence: vec![declaration.clone()],
        status: ApplicationStatus::Preparing,
        decided_on: None,
        refusal_reason: None,
        marginality_evidence: Some("Informe social: sin ingresos, tres hijos a cargo".into()),
        prior_conviction: Some(false),
        excluded_offence: Some(false),
        notes: None,
    };
    let app_id = admin
        .record_save(&id, None, RecordData::LegalApplication(application.clone()))
        .unwrap()
        .id;
    let overview = admin.legal_overview(&id, "2026-11-29").unwrap();
    let guide = overview
        .eligibility
        .iter()
        .find(|e| e.application_id.as_deref() == Some(app_id.as_str()))
        .unwrap();
    assert!(
        guide.points.iter().all(|p| p.status == PointStatus::Met),
        "{guide:?}"
    );
    let head = &guide.points[0];
    assert!(head.evidence[0].linked);
    assert_eq!(
        head.evidence[0].record_id.as_deref(),
        Some(declaration.as_str())
    );
    // His birth record is still missing, and listed as such.
    assert!(guide
        .missing_evidence
        .iter()
        .any(|d| d.document_type == "registro_civil"
            && d.dependant_id.as_deref() == Some(son.as_str())));
    // Evidence must be her own document records.
    let mut bad = application;
    bad.evidence = vec!["not-a-document".into()];
    assert_eq!(
        field_of(admin.record_save(&id, None, RecordData::LegalApplication(bad))),
        "evidence"
    );
    assert_rebuilt_state_matches(&admin, &id);
}

#[test]
fn the_directory_is_searchable_and_on_the_change_log() {
    let test = new_vault();
    test.add("lucia", "Lucía", Role::Caseworker, "clave-de-lucia-1");
    let mut admin = test.admin();
    let shelter = organization(
        &mut admin,
        "Fundación Hogar Seguro",
        OrganizationKind::NonProfit,
    );
    let mut library = Organization {
        name: "Biblioteca Comunitaria Ñuñoa".into(),
        kind: OrganizationKind::Community,
        categories: vec![NeedCategory::Education],
        requirements: None,
        accepts_records: false,
        municipality: Some("Bello".into()),
        department: Some("Antioquia".into()),
        address: None,
        hours: None,
        contact: None,
        verified_on: None,
    };
    // An organization's department comes from the country's list, like a woman's.
    let log_before = log_len(&admin);
    assert_eq!(
        field_of(admin.directory_save_organization(
            None,
            Organization {
                department: Some("Narnia".into()),
                ..library.clone()
            }
        )),
        "department"
    );
    assert_eq!(
        log_len(&admin),
        log_before,
        "a refused entry writes nothing"
    );
    let library_id = admin
        .directory_save_organization(None, library.clone())
        .unwrap()
        .id;
    admin
        .directory_save_service(
            None,
            Service {
                organization_id: library_id.clone(),
                name: "Taller de empleo y hojas de vida".into(),
                category: NeedCategory::Employment,
                requirements: Some("Mayores de 18".into()),
                hours: None,
                contact: None,
                verified_on: None,
            },
        )
        .unwrap();
    let search = |vault: &Vault, query: DirectoryQuery| -> Vec<String> {
        vault
            .directory_search(&query)
            .unwrap()
            .items
            .into_iter()
            .map(|o| o.organization.name)
            .collect()
    };
    let text = |t: &str| DirectoryQuery {
        text: Some(t.into()),
        ..Default::default()
    };
    assert_eq!(
        search(&admin, text("nunoa")),
        ["Biblioteca Comunitaria Ñuñoa"]
    );
    // A service's name finds its organization.
    assert_eq!(
        search(&admin, text("hojas de vida")),
        ["Biblioteca Comunitaria Ñuñoa"]
    );
    assert_eq!(
        search(
            &admin,
            DirectoryQuery {
                category: Some(NeedCategory::Employment),
                ..Default::default()
            }
        ),
        ["Biblioteca Comunitaria Ñuñoa"]
    );
    assert_eq!(
        search(
            &admin,
            DirectoryQuery {
                category: Some(NeedCategory::Housing),
                accepts_records: true,
                ..Default::default()
            }
        ),
        ["Fundación Hogar Seguro"]
    );
    assert!(search(&admin, text("inexistente")).is_empty());
    assert_eq!(
        admin
            .directory_search(&DirectoryQuery::default())
            .unwrap()
            .total,
        2
    );

    // Edits are one operation per changed field; bad input is refused and writes nothing.
    let before = log_len(&admin);
    library.accepts_records = true;
    admin
        .directory_save_organization(Some(&library_id), library.clone())
        .unwrap();
    assert_eq!(log_len(&admin), before + 1);
    let mut nameless = library.clone();
    nameless.name = "  ".into();
    assert_eq!(
        field_of(admin.directory_save_organization(Some(&library_id), nameless)),
        "name"
    );
    assert_eq!(log_len(&admin), before + 1);
    let history =
        changelog::history(admin.connection_for_tests(), "organization", &library_id).unwrap();
    assert_eq!(history.len(), 2);

    // Only coordinators and administrators delete; deleting takes its services along.
    admin.lock(LockReason::Manual).unwrap();
    let mut lucia = test.unlock("lucia", "clave-de-lucia-1").unwrap();
    assert!(matches!(
        lucia.directory_delete(&shelter),
        Err(Error::Forbidden)
    ));
    lucia.lock(LockReason::Manual).unwrap();
    let mut admin = test.admin();
    admin.directory_delete(&library_id).unwrap();
    assert!(search(&admin, text("hojas")).is_empty());
    let deletes = changelog::all(admin.connection_for_tests())
        .unwrap()
        .into_iter()
        .filter(|op| op.kind == changelog::OpKind::Delete)
        .count();
    assert_eq!(deletes, 2);
    assert!(matches!(
        admin.directory_get(&library_id),
        Err(Error::NotFound)
    ));
}

#[test]
fn tasks_of_files_written_before_are_rebuilt_on_opening() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Nubia Castro", None);
    admin
        .record_save(&id, None, stay("2025-01-01", Some("2026-10-01")))
        .unwrap();
    let expected = keys(&admin, &id);
    assert_eq!(expected.len(), 4);
    let conn = admin.connection_for_tests();
    conn.execute("DELETE FROM tasks_due", []).unwrap();
    conn.execute(
        "INSERT INTO vault_meta (key, value) VALUES ('tasks_stale', '1')",
        [],
    )
    .unwrap();
    assert!(keys(&admin, &id).is_empty());
    admin.lock(LockReason::Manual).unwrap();
    let admin = test.admin();
    assert_eq!(keys(&admin, &id), expected);
}

#[test]
fn hoy_counts_up_to_a_thousand_and_lists_the_oldest_first() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Muchas Tareas", None);
    let conn = admin.connection_for_tests();
    for n in 0..1005u32 {
        conn.execute(
            "INSERT INTO tasks_due (participant_id, key, kind, due_on, detail)
             VALUES (?1, ?2, 'manual', ?3, 'Tarea')",
            rusqlite::params![
                id,
                format!("task/{n:05}"),
                format!("2026-{:02}-{:02}", 1 + n % 10, 1 + n % 28)
            ],
        )
        .unwrap();
    }
    let due = today(&admin, "2026-11-29", false);
    assert_eq!(due.overdue.total, 1000);
    assert!(due.overdue.capped);
    assert_eq!(due.overdue.items.len(), 100);
    assert_eq!(due.overdue.items[0].task.due_on, "2026-01-01");
    assert!(due
        .overdue
        .items
        .windows(2)
        .all(|pair| pair[0].task.due_on <= pair[1].task.due_on));
    assert_eq!(due.due_today.total, 0);
    assert!(!due.due_today.capped);
}

#[test]
fn deleting_a_proceeding_or_a_plan_takes_what_hangs_from_it() {
    let test = new_vault();
    let mut admin = test.admin();
    let id = woman(&mut admin, "Ruth Delgado", None);
    let proceeding = admin
        .record_save(
            &id,
            None,
            RecordData::Proceeding(Proceeding {
                jurisdiction: None,
                case_number: None,
                court: None,
                offence_code: None,
                offence_category: OffenceCategory::Drugs,
                sentence_months: Some(48),
                expected_release_on: None,
            }),
        )
        .unwrap()
        .id;
    for (status, since) in [
        (LegalStatus::PretrialDetention, "2023-01-01"),
        (LegalStatus::Sentenced, "2023-06-01"),
    ] {
        admin
            .record_save(
                &id,
                None,
                RecordData::LegalStatus(LegalStatusChange {
                    proceeding_id: proceeding.clone(),
                    status,
                    since: since.into(),
                }),
            )
            .unwrap();
    }
    let plan_id = admin
        .record_save(&id, None, plan(12, 10, 4, None))
        .unwrap()
        .id;
    admin
        .record_save(&id, None, hours(&plan_id, "2026-01-06", 4))
        .unwrap();
    let other_plan = admin
        .record_save(&id, None, plan(24, 10, 4, None))
        .unwrap()
        .id;
    admin
        .record_save(&id, None, hours(&other_plan, "2026-01-06", 4))
        .unwrap();
    let kinds = |vault: &mut Vault| -> Vec<String> {
        let mut kinds: Vec<String> = vault
            .participant_file(&id)
            .unwrap()
            .records
            .into_iter()
            .map(|r| r.data.kind().to_string())
            .collect();
        kinds.sort();
        kinds
    };
    admin.record_delete(&id, &proceeding).unwrap();
    admin.record_delete(&id, &plan_id).unwrap();
    assert_eq!(kinds(&mut admin), ["service_hours", "service_plan"]);
    assert!(!has_key(&admin, &id, &format!("hours_report/{plan_id}")));
    assert!(has_key(&admin, &id, &format!("hours_report/{other_plan}")));
    // Each went with its own tombstone.
    let tombstones = changelog::all(admin.connection_for_tests())
        .unwrap()
        .into_iter()
        .filter(|op| op.kind == changelog::OpKind::Delete)
        .count();
    assert_eq!(tombstones, 5);
    assert_rebuilt_state_matches(&admin, &id);
}
