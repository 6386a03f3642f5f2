//! The demo's legal routes, community service, directory, referrals and tasks: invented with
//! the same seed as the rest of a woman's file, and saved through the one write path so that
//! ids link up (a plan's hours point at the plan, a referral at her consent).

use chrono::{Datelike, Days, NaiveDate};
use rand::seq::IndexedRandom;
use rand::Rng;
use rusqlite::Connection;

use super::{date_string, weighted, Generator};
use crate::changelog::Writer;
use crate::error::Result;
use crate::records::case_file::{self, RecordContext};
use crate::records::community_service::{self, ComplianceReport, ServiceHours, ServicePlan};
use crate::records::consent::{Consent, ConsentMethod, ConsentPurpose, LegalBasis};
use crate::records::directory::{self, Organization, OrganizationKind, Service};
use crate::records::legal::{
    ApplicationStatus, LegalApplication, LegalStatus, LegalStatusChange, OffenceCategory,
    PrisonStay, Proceeding, RefusalReason,
};
use crate::records::needs::NeedCategory;
use crate::records::record::RecordData;
use crate::records::referrals::{Referral, ReferralStatus};
use crate::records::tasks::Task;
use crate::Country;

/// An organization of the demo directory, as the generator refers to it.
#[derive(Clone)]
pub(super) struct DemoOrganization {
    id: String,
    name: String,
    kind: OrganizationKind,
    categories: Vec<NeedCategory>,
}

const ORG_PREFIXES: [(&str, OrganizationKind); 8] = [
    ("Fundación", OrganizationKind::NonProfit),
    ("Corporación", OrganizationKind::NonProfit),
    ("Casa de la Mujer", OrganizationKind::Community),
    ("Colectiva", OrganizationKind::Community),
    ("Secretaría de la Mujer de", OrganizationKind::PublicBody),
    ("Biblioteca Pública", OrganizationKind::PublicBody),
    ("Hospital", OrganizationKind::PublicBody),
    ("Confecciones", OrganizationKind::PrivateCompany),
];

const ORG_NAMES: [&str; 24] = [
    "Renacer",
    "Nueva Aurora",
    "Manos Unidas",
    "Semillas",
    "La Esperanza",
    "Caminos",
    "Mujeres Libres",
    "Tejiendo Futuro",
    "San Vicente",
    "El Puente",
    "Alas",
    "Raíces",
    "Horizonte",
    "Sol Naciente",
    "Amanecer",
    "La Ceiba",
    "Girasoles",
    "Buen Vivir",
    "Vida Digna",
    "Las Marías",
    "Arco Iris",
    "Santa Clara",
    "El Refugio",
    "Montaña",
];

const SERVICES: [(&str, NeedCategory); 14] = [
    ("Albergue temporal", NeedCategory::Housing),
    ("Subsidio de arriendo", NeedCategory::Housing),
    ("Taller de costura y empleo", NeedCategory::Employment),
    (
        "Bolsa de empleo para personas con antecedentes",
        NeedCategory::Employment,
    ),
    ("Validación del bachillerato", NeedCategory::Education),
    ("Atención psicosocial", NeedCategory::MentalHealth),
    ("Grupo de apoyo entre pares", NeedCategory::PeerNetworks),
    ("Asesoría jurídica gratuita", NeedCategory::Legal),
    ("Jornada de cedulación", NeedCategory::Documentation),
    ("Jardín infantil", NeedCategory::Childcare),
    ("Mercado solidario", NeedCategory::BasicNeeds),
    (
        "Consulta de salud sexual y reproductiva",
        NeedCategory::Health,
    ),
    (
        "Tratamiento ambulatorio de consumo",
        NeedCategory::SubstanceUse,
    ),
    (
        "Apoyo en el servicio de utilidad pública",
        NeedCategory::CommunityService,
    ),
];

const TASKS: [&str; 6] = [
    "Cita en la Registraduría",
    "Llamar a la abuela por los niños",
    "Acompañar a la audiencia",
    "Recoger el certificado de antecedentes",
    "Visita domiciliaria",
    "Entregar el formulario del subsidio",
];

const SERVICE_ACTIVITIES: [&str; 4] = [
    "Apoyo en la biblioteca",
    "Limpieza y jardinería del parque",
    "Acompañamiento en el comedor comunitario",
    "Clasificación de donaciones",
];

/// Makes the demo directory the first time: about one organization per hundred women, at
/// least thirty, each with one to three services.
pub(super) fn ensure_directory(
    conn: &Connection,
    writer: Writer<'_>,
    generator: &mut Generator<'_>,
    count: u32,
) -> Result<Vec<DemoOrganization>> {
    let existing: u32 = conn.query_row(
        "SELECT count(*) FROM directory WHERE kind = 'organization' AND deleted = 0",
        [],
        |row| row.get(0),
    )?;
    if existing == 0 {
        let wanted = (count / 100).clamp(30, 2000);
        for index in 0..wanted {
            let (prefix, kind) = *ORG_PREFIXES.choose(&mut generator.rng).expect("prefixes");
            let region = generator
                .catalog
                .regions
                .choose(&mut generator.rng)
                .expect("regions")
                .clone();
            let name = if kind == OrganizationKind::PublicBody && prefix.ends_with("de") {
                format!("{prefix} {region} {}", index + 1)
            } else {
                format!(
                    "{prefix} {} {}",
                    ORG_NAMES.choose(&mut generator.rng).expect("names"),
                    index + 1
                )
            };
            let how_many = generator.rng.random_range(1..=3);
            let services: Vec<(&str, NeedCategory)> = SERVICES
                .choose_multiple(&mut generator.rng, how_many)
                .copied()
                .collect();
            let mut categories: Vec<NeedCategory> = services.iter().map(|(_, c)| *c).collect();
            categories.sort();
            categories.dedup();
            let verified = generator.days_ago(500);
            let id = directory::save_organization(
                conn,
                writer,
                None,
                Organization {
                    name,
                    kind,
                    categories,
                    requirements: generator
                        .rng
                        .random_bool(0.3)
                        .then(|| "Llevar documento de identidad".to_string()),
                    accepts_records: generator.rng.random_bool(0.7),
                    municipality: None,
                    department: Some(region),
                    address: None,
                    hours: Some("Lunes a viernes, 8:00 a 17:00".into()),
                    contact: Some(format!("Línea {}", 3000 + index)),
                    verified_on: Some(date_string(verified)),
                },
                generator.catalog,
            )?;
            for (service, category) in services {
                directory::save_service(
                    conn,
                    writer,
                    None,
                    Service {
                        organization_id: id.clone(),
                        name: service.to_string(),
                        category,
                        requirements: None,
                        hours: None,
                        contact: None,
                        verified_on: None,
                    },
                )?;
            }
        }
    }
    let mut statement = conn.prepare(
        "SELECT id, data FROM directory WHERE kind = 'organization' AND deleted = 0 ORDER BY id",
    )?;
    let rows: Vec<(String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, data)| {
            let organization: Organization = serde_json::from_str(&data)?;
            Ok(DemoOrganization {
                id,
                name: organization.name,
                kind: organization.kind,
                categories: organization.categories,
            })
        })
        .collect()
}

fn offence_code(country: Country, category: OffenceCategory) -> Option<String> {
    let code = match (country, category) {
        (Country::CO, OffenceCategory::Drugs) => "Art. 376 CP",
        (Country::CO, OffenceCategory::TheftNonViolent) => "Art. 239 CP",
        (Country::CO, OffenceCategory::OtherNonViolent) => "Art. 286 CP",
        (Country::CO, OffenceCategory::Violent) => "Art. 103 CP",
        (Country::MX, OffenceCategory::Drugs) => "Art. 194 CPF",
        (Country::MX, OffenceCategory::TheftNonViolent) => "Art. 367 CPF",
        (Country::BR, OffenceCategory::Drugs) => "Art. 33 Lei 11.343",
        (Country::BR, OffenceCategory::TheftNonViolent) => "Art. 155 CP",
        (Country::AR, OffenceCategory::Drugs) => "Art. 5 Ley 23.737",
        (Country::CR, OffenceCategory::Drugs) => "Art. 58 Ley 8204",
        _ => return None,
    };
    Some(code.to_string())
}

/// A woman's legal story and what followed, invented before saving.
pub(super) struct LegalStory {
    proceeding: Proceeding,
    statuses: Vec<(LegalStatus, NaiveDate)>,
    stay: PrisonStay,
    application: Option<LegalApplication>,
    plan: Option<(ServicePlan, Vec<ServiceHours>, Vec<ComplianceReport>)>,
    referrals: Vec<(Option<Consent>, Referral)>,
    tasks: Vec<Task>,
}

impl Generator<'_> {
    /// Invents her proceeding, prison stay, applications, plan, referrals and tasks.
    pub(super) fn invent_legal(
        &mut self,
        released: NaiveDate,
        still_inside: bool,
        collected_by: &str,
        organizations: &[DemoOrganization],
    ) -> LegalStory {
        let category = weighted(
            &mut self.rng,
            &[
                (OffenceCategory::Drugs, 45),
                (OffenceCategory::TheftNonViolent, 25),
                (OffenceCategory::OtherNonViolent, 15),
                (OffenceCategory::Violent, 10),
                (OffenceCategory::Unknown, 5),
            ],
        );
        let sentence: u32 = self.rng.random_range(12..=120);
        let entered = released - Days::new(self.rng.random_range(180..1500));
        let proceeding = Proceeding {
            jurisdiction: (self.country == Country::MX || self.country == Country::BR).then(|| {
                *[
                    crate::records::legal::Jurisdiction::Federal,
                    crate::records::legal::Jurisdiction::State,
                ]
                .choose(&mut self.rng)
                .expect("jurisdictions")
            }),
            case_number: Some(format!(
                "{}-{:05}",
                self.rng.random_range(2015..2026),
                self.rng.random_range(1..99999)
            )),
            court: Some(format!("Juzgado {} Penal", self.rng.random_range(1..30))),
            offence_code: offence_code(self.country, category),
            offence_category: category,
            sentence_months: Some(sentence),
            expected_release_on: Some(date_string(released)),
        };
        let mut statuses = vec![(LegalStatus::PretrialDetention, entered)];
        let sentenced = entered + Days::new(self.rng.random_range(60..300));
        if sentenced < self.anchor {
            statuses.push((LegalStatus::Sentenced, sentenced));
        }
        if !still_inside {
            statuses.push((
                *[
                    LegalStatus::ConditionalRelease,
                    LegalStatus::SentenceServed,
                    LegalStatus::HouseArrest,
                ]
                .choose(&mut self.rng)
                .expect("statuses"),
                released,
            ));
        }
        let stay = PrisonStay {
            proceeding_id: None,
            facility: super::PRISONS
                .choose(&mut self.rng)
                .expect("prisons")
                .to_string(),
            entered_on: date_string(entered),
            left_on: (!still_inside).then(|| date_string(released)),
        };

        // Applications: Law 2292 in Colombia, amnesty in Mexico, the first route elsewhere.
        let kinds = &self.catalog.legal_application_types;
        let (kind, chance) = match self.country {
            Country::CO => ("co_ley_2292", 0.25),
            Country::MX => ("mx_amnistia_federal", 0.3),
            _ => (kinds[0].code.as_str(), 0.15),
        };
        let kind = kind.to_string();
        let mut application = None;
        let mut plan = None;
        if self.rng.random_bool(chance) {
            let status = weighted(
                &mut self.rng,
                &[
                    (ApplicationStatus::Preparing, 25),
                    (ApplicationStatus::Filed, 35),
                    (ApplicationStatus::Granted, 30),
                    (ApplicationStatus::Denied, 10),
                ],
            );
            let filed = self.days_ago(400);
            let decided = (filed + Days::new(self.rng.random_range(30..200))).min(self.anchor);
            application = Some(LegalApplication {
                application_type: kind.clone(),
                proceeding_id: None,
                filed_by: Some("Abogada de la organización".into()),
                filed_on: (status != ApplicationStatus::Preparing).then(|| date_string(filed)),
                authority: Some("Juzgado de Ejecución de Penas".into()),
                file_number: None,
                evidence: vec![],
                status,
                decided_on: status.is_decided().then(|| date_string(decided)),
                refusal_reason: (status == ApplicationStatus::Denied).then(|| {
                    weighted(
                        &mut self.rng,
                        &[
                            (RefusalReason::MarginalityNotProven, 30),
                            (RefusalReason::HeadOfHouseholdNotProven, 25),
                            (RefusalReason::IncompleteFile, 20),
                            (RefusalReason::NoAnswerInTime, 15),
                            (RefusalReason::Other, 10),
                        ],
                    )
                }),
                marginality_evidence: (kind == "co_ley_2292" && self.rng.random_bool(0.6))
                    .then(|| "Informe social de la organización".to_string()),
                prior_conviction: (kind == "co_ley_2292").then(|| self.rng.random_bool(0.1)),
                excluded_offence: (kind == "co_ley_2292").then_some(false),
                notes: None,
            });
            let entities: Vec<&DemoOrganization> = organizations
                .iter()
                .filter(|o| o.kind != OrganizationKind::PrivateCompany)
                .collect();
            if kind == "co_ley_2292" && status == ApplicationStatus::Granted {
                let start = decided + Days::new(self.rng.random_range(7..30));
                let rate = *[10, 12, 15, 20].choose(&mut self.rng).expect("rates");
                let months = sentence.min(96);
                let mut hours = Vec::new();
                let mut reports = Vec::new();
                // The last weeks' hours, two days a week.
                let weeks = ((self.anchor - start).num_days().max(0) / 7) as u64;
                for week in weeks.saturating_sub(8)..weeks {
                    for day in [1u64, 3] {
                        let date = start + Days::new(week * 7 + day);
                        if date <= self.anchor {
                            hours.push(ServiceHours {
                                plan_id: String::new(),
                                date: date_string(date),
                                hours: (rate / 2).min(community_service::MAX_HOURS_PER_DAY),
                                activity: SERVICE_ACTIVITIES
                                    .choose(&mut self.rng)
                                    .expect("activities")
                                    .to_string(),
                                verified_by: Some("Supervisora".into()),
                            });
                        }
                    }
                }
                // The reports of the last three months before the current one (the demo
                // leaves out older ones; the next report due is this month's, as on an
                // ordinary day, not one missed long ago).
                let mut periods = Vec::new();
                let mut month_start = start;
                loop {
                    let next = month_start
                        .checked_add_months(chrono::Months::new(1))
                        .unwrap_or(month_start);
                    let end = next - Days::new(1);
                    if end >= self.anchor || next == month_start {
                        break;
                    }
                    periods.push((month_start, end));
                    month_start = next;
                }
                for &(month_start, end) in &periods[periods.len().saturating_sub(3)..] {
                    reports.push(ComplianceReport {
                        plan_id: String::new(),
                        period_start: date_string(month_start),
                        period_end: date_string(end),
                        incidents: None,
                        sent_on: Some(date_string((end + Days::new(3)).min(self.anchor))),
                    });
                }
                if start <= self.anchor {
                    plan = Some((
                        ServicePlan {
                            application_id: None,
                            receiving_entity: entities.choose(&mut self.rng).map(|o| o.id.clone()),
                            supervisor: Some("Supervisora de la entidad".into()),
                            activities: Some(
                                SERVICE_ACTIVITIES
                                    .choose(&mut self.rng)
                                    .expect("activities")
                                    .to_string(),
                            ),
                            sentence_months: months,
                            hours_due_override: None,
                            override_reason: None,
                            hours_per_week: rate,
                            hours_per_day: rate.min(community_service::MAX_HOURS_PER_DAY),
                            schedule: Some("Martes y jueves".into()),
                            start_on: date_string(start),
                            execution_judge: Some("Juzgado de Ejecución de Penas".into()),
                        },
                        hours,
                        reports,
                    ));
                }
            }
        }

        // Referrals, most sharing her data under a consent for that organization.
        let mut referrals = Vec::new();
        if !organizations.is_empty() {
            for _ in 0..weighted(&mut self.rng, &[(0u8, 55), (1, 30), (2, 15)]) {
                let organization = organizations.choose(&mut self.rng).expect("organizations");
                let shares = self.rng.random_bool(0.7);
                let referred = self.days_ago(120);
                let status = weighted(
                    &mut self.rng,
                    &[
                        (ReferralStatus::Proposed, 10),
                        (ReferralStatus::Sent, 30),
                        (ReferralStatus::Accepted, 15),
                        (ReferralStatus::Attended, 15),
                        (ReferralStatus::Completed, 15),
                        (ReferralStatus::Declined, 8),
                        (ReferralStatus::NoShow, 7),
                    ],
                );
                let mut follow_up = referred + Days::new(self.rng.random_range(7..45));
                if !status.is_closed() && follow_up + Days::new(21) < self.anchor {
                    // A referral still open three weeks past its follow-up has been followed
                    // up since: the next one is near today, not months behind.
                    let spread = i64::from(follow_up.num_days_from_ce().rem_euclid(35)) - 7;
                    follow_up = self.anchor + chrono::Duration::days(spread);
                }
                let consent = shares.then(|| Consent {
                    purpose: ConsentPurpose::Referral,
                    organization: Some(organization.name.clone()),
                    legal_basis: LegalBasis::Consent,
                    notice_version: Some("2025-1".into()),
                    method: ConsentMethod::Written,
                    read_aloud: true,
                    language: "es".into(),
                    given_on: date_string(referred),
                    collected_by: collected_by.to_string(),
                    revoked_on: None,
                });
                referrals.push((
                    consent,
                    Referral {
                        category: organization
                            .categories
                            .first()
                            .copied()
                            .unwrap_or(NeedCategory::Other),
                        organization_id: organization.id.clone(),
                        service_id: None,
                        referred_on: date_string(referred),
                        shares_data: shares,
                        consent_id: None,
                        status,
                        follow_up_on: Some(date_string(follow_up)),
                        outcome: None,
                    },
                ));
            }
        }
        let mut tasks = Vec::new();
        if self.rng.random_bool(0.2) {
            let due = self.anchor - Days::new(10) + Days::new(self.rng.random_range(0..25));
            tasks.push(Task {
                title: TASKS.choose(&mut self.rng).expect("tasks").to_string(),
                due_on: date_string(due),
                assigned_to: None,
                generated_key: None,
                done: false,
                done_on: None,
                notes: None,
            });
        }
        LegalStory {
            proceeding,
            statuses,
            stay,
            application,
            plan,
            referrals,
            tasks,
        }
    }
}

impl LegalStory {
    /// Saves the story into her file; returns how many records it wrote.
    pub(super) fn save(
        self,
        conn: &Connection,
        ctx: RecordContext<'_>,
        participant_id: &str,
    ) -> Result<u32> {
        let mut written = 0;
        let mut save = |data: RecordData| -> Result<String> {
            written += 1;
            case_file::save(conn, ctx, participant_id, None, data)
        };
        let proceeding_id = save(RecordData::Proceeding(self.proceeding))?;
        for (status, since) in self.statuses {
            save(RecordData::LegalStatus(LegalStatusChange {
                proceeding_id: proceeding_id.clone(),
                status,
                since: date_string(since),
            }))?;
        }
        let mut stay = self.stay;
        stay.proceeding_id = Some(proceeding_id.clone());
        save(RecordData::PrisonStay(stay))?;
        let application_id = match self.application {
            Some(mut application) => {
                application.proceeding_id = Some(proceeding_id);
                Some(save(RecordData::LegalApplication(application))?)
            }
            None => None,
        };
        if let Some((mut plan, hours, reports)) = self.plan {
            plan.application_id = application_id;
            let plan_id = save(RecordData::ServicePlan(plan))?;
            for mut entry in hours {
                entry.plan_id = plan_id.clone();
                save(RecordData::ServiceHours(entry))?;
            }
            for mut report in reports {
                report.plan_id = plan_id.clone();
                save(RecordData::ComplianceReport(report))?;
            }
        }
        for (consent, referral) in self.referrals {
            if let Some(consent) = consent {
                save(RecordData::Consent(consent))?;
            }
            save(RecordData::Referral(referral))?;
        }
        for task in self.tasks {
            save(RecordData::Task(task))?;
        }
        Ok(written)
    }
}
