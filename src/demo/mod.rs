//! Synthetic demo data: a separate vault, clearly marked as demo, full of realistic invented
//! women, so that newcomers can look around and benchmarks have data to measure. Real and
//! invented data never share a vault: a demo vault says so in its metadata, and the
//! generator refuses any other vault.
//!
//! Generation is deterministic for a seed and an anchor date: the same seed gives the same
//! women, case codes, children, documents and notes (record ids and clocks still come from
//! the moment of writing).

mod legal;

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use secrecy::SecretString;
use serde::Serialize;

use crate::catalog::{self, CountryCatalog};
use crate::changelog::{Batch, Writer};
use crate::error::{Error, Result};
use crate::records::case_file::{self, RecordContext};
use crate::records::consent::{Consent, ConsentMethod, ConsentPurpose, LegalBasis};
use crate::records::contacts::{Contact, ContactType, Note};
use crate::records::documents::{Document, DocumentStatus};
use crate::records::household::{
    Carer, Custody, Dependant, Household, HousingTenure, IncomeBand, Relationship,
};
use crate::records::housing::{Housing, HousingSituation};
use crate::records::needs::{AssessmentPhase, NeedCategory, NeedStatus, NeedsAssessment};
use crate::records::participants::{self, NewRow, ParticipantDetails};
use crate::records::record::{self, RecordData};
use crate::records::rights::{RequestStatus, RightsKind, RightsRequest};
use crate::staff::Role;
use crate::vault::{self, KdfChoice, NewVault, Vault, VaultPaths};
use crate::Country;

/// The demo vault's administrator. The password is public: the data is invented.
pub const DEMO_USERNAME: &str = "demo";
/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo-acompana";
/// The demo vault's organization name.
pub const DEMO_ORG: &str = "Demo — datos inventados";

const CASEWORKERS: [(&str, &str); 4] = [
    ("lucia", "Lucía Demo"),
    ("marta", "Marta Demo"),
    ("rosa", "Rosa Demo"),
    ("ines", "Inés Demo"),
];

/// What a generation run made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DemoSummary {
    pub participants: u32,
    pub records: u32,
}

pub use crate::vault::is_demo;

/// Opens the demo vault in `paths`, creating it (with its invented staff) if there is none.
/// A vault there that is not a demo vault is refused and left untouched.
pub fn open_or_create(paths: &VaultPaths, country: Country) -> Result<(Vault, bool)> {
    let password = SecretString::from(DEMO_PASSWORD.to_string());
    if paths.exists() {
        let vault = match crate::opening::unlock(paths, DEMO_USERNAME, &password) {
            Ok(vault) => vault,
            Err(Error::WrongCredentials) => return Err(Error::NotDemoVault),
            Err(other) => return Err(other),
        };
        if !is_demo(&vault.conn)? {
            vault.lock(vault::LockReason::Manual)?;
            return Err(Error::NotDemoVault);
        }
        return Ok((vault, false));
    }
    // Created without SQLCipher's memory locking: the data is invented (see store::Memory).
    // Unlocking an existing demo vault goes through the ordinary, protected path.
    let (mut vault, _code) = crate::opening::create_with(
        paths,
        NewVault {
            org_name: DEMO_ORG.into(),
            country,
            admin_username: DEMO_USERNAME.into(),
            admin_display_name: "Demo".into(),
            admin_password: password.clone(),
        },
        // The data is invented and the password public: no point in a slow key derivation.
        KdfChoice::Minimum,
        crate::store::Memory::Invented,
    )?;
    vault.conn.execute(
        "INSERT INTO vault_meta (key, value) VALUES ('demo', '1')",
        [],
    )?;
    vault.staff_add(
        "coordinacion",
        "Coordinación Demo",
        Role::Coordinator,
        &password,
    )?;
    for (username, name) in CASEWORKERS {
        vault.staff_add(username, name, Role::Caseworker, &password)?;
    }
    Ok((vault, true))
}

/// Opens the demo vault in `paths`; a new one is filled with `participants` invented women
/// (seed 1, dated from today). This is what the first-run screen's "explore" button does.
/// A demo vault filled on an earlier day is made again for today (its invented women, tasks
/// and deadlines would otherwise age: after a year the demo opened on hundreds of overdue
/// tasks), so a newcomer always sees an ordinary working day. Changes made while exploring
/// last until the day ends.
pub fn open_filled(paths: &VaultPaths, country: Country, participants: u32) -> Result<Vault> {
    let today = chrono::Local::now().date_naive();
    let (mut vault, mut created) = open_or_create(paths, country)?;
    if !created && filled_on(&vault)? != Some(today) {
        // open_or_create refused anything but a demo vault: this folder holds invented data.
        vault.lock(vault::LockReason::Manual)?;
        std::fs::remove_dir_all(&paths.dir)?;
        (vault, created) = open_or_create(paths, country)?;
    }
    if created {
        generate(&mut vault, participants, 1, today, |_| {})?;
        vault.conn.execute(
            "INSERT INTO vault_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            rusqlite::params![FILLED_ON, today.to_string()],
        )?;
    }
    Ok(vault)
}

/// The day `open_filled` filled this demo vault (None for one filled otherwise, or by a
/// version that did not record it).
pub fn filled_on(vault: &Vault) -> Result<Option<NaiveDate>> {
    let text: Option<String> = rusqlite::OptionalExtension::optional(vault.conn.query_row(
        "SELECT value FROM vault_meta WHERE key = ?1",
        [FILLED_ON],
        |row| row.get(0),
    ))?;
    Ok(text.and_then(|t| t.parse().ok()))
}

const FILLED_ON: &str = "demo_filled_on";

const FIRST_ES: [&str; 40] = [
    "María José",
    "Ana Lucía",
    "Luz Marina",
    "Sandra Milena",
    "Yolanda",
    "Rosa Elena",
    "Martha Cecilia",
    "Diana Marcela",
    "Leidy Johana",
    "Yuliana",
    "Ángela María",
    "Gloria Inés",
    "Nelly",
    "Dayana",
    "Marisol",
    "Érika",
    "Jéssica",
    "Mónica",
    "Adriana",
    "Patricia",
    "Sofía",
    "Valentina",
    "Lorena",
    "Carmen Rosa",
    "Beatriz",
    "Olga Lucía",
    "Flor Ángela",
    "Nohora",
    "Inés",
    "Ramona",
    "Guadalupe",
    "Itzel",
    "Xóchitl",
    "Florencia",
    "Micaela",
    "Verónica",
    "Belén",
    "Ximena",
    "Yésica",
    "Maricruz",
];
const FIRST_PT: [&str; 24] = [
    "Conceição",
    "Antônia",
    "Maria Aparecida",
    "Luíza",
    "Fabíola",
    "Cláudia",
    "Tânia",
    "Francisca",
    "Joana",
    "Rosângela",
    "Márcia",
    "Sônia",
    "Letícia",
    "Jéssica",
    "Ângela",
    "Raimunda",
    "Lúcia",
    "Vitória",
    "Bárbara",
    "Daniela",
    "Célia",
    "Inês",
    "Graça",
    "Débora",
];
const LAST_ES: [&str; 36] = [
    "González",
    "Rodríguez",
    "Gómez",
    "Martínez",
    "Hernández",
    "López",
    "Díaz",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Rojas",
    "Vargas",
    "Muñoz",
    "Ortiz",
    "Castaño",
    "Jiménez",
    "Suárez",
    "Peña",
    "Álvarez",
    "Córdoba",
    "Mosquera",
    "Quiñónez",
    "Cárdenas",
    "Ríos",
    "Zúñiga",
    "Ibáñez",
    "Navarro",
    "Chávez",
    "Guzmán",
    "Mejía",
    "Bermúdez",
    "Arango",
    "Marín",
    "Echeverri",
    "Núñez",
];
const LAST_PT: [&str; 20] = [
    "da Silva",
    "dos Santos",
    "Oliveira",
    "Souza",
    "Conceição",
    "Araújo",
    "Gonçalves",
    "Ferreira",
    "Lima",
    "Carvalho",
    "Ribeiro",
    "Almeida",
    "Nascimento",
    "Magalhães",
    "Brandão",
    "Assunção",
    "Galvão",
    "Simões",
    "Camões",
    "Barbosa",
];
const NICKNAMES: [&str; 16] = [
    "Majo", "Mari", "Luchi", "Sandri", "Yoli", "Chela", "Pati", "Caro", "Nena", "Flaca", "Negra",
    "Tati", "Gabi", "Cris", "Lulú", "Toña",
];
const CHILD_ALIASES: [&str; 20] = [
    "Santiago",
    "Valentina",
    "Juan David",
    "Isabella",
    "Samuel",
    "Mariana",
    "Mateo",
    "Sara",
    "Emiliano",
    "Luciana",
    "Thiago",
    "Salomé",
    "Jerónimo",
    "Ana Sofía",
    "Brayan",
    "Nicol",
    "Kevin",
    "Danna",
    "João",
    "Maria Clara",
];
const PRISONS: [&str; 6] = [
    "Reclusión de Mujeres El Buen Pastor",
    "Complejo Carcelario COPED Pedregal",
    "Cárcel de Mujeres de Manizales",
    "EPMSC Jamundí — pabellón de mujeres",
    "Reclusión de Mujeres de Bucaramanga",
    "Establecimiento de Cúcuta — patio de mujeres",
];
const NOTES: [&str; 12] = [
    "Visita en el patio. Está preocupada por la tarjeta de identidad de su hija.",
    "Llamada: la abuela sigue cuidando a los niños; pide ayuda con el mercado.",
    "Acompañamiento a la Registraduría para el duplicado de la cédula.",
    "Conversamos sobre la encuesta del SISBÉN; la alcaldía da cita para el mes que viene.",
    "Quiere estudiar validación del bachillerato. Averiguar horarios del SENA.",
    "Busca arriendo cerca del colegio de los niños; por ahora vive donde la hermana.",
    "Taller de pares: participó y contó su experiencia.",
    "La EPS no la tiene afiliada todavía; pendiente llevar la copia de la cédula.",
    "Dice que el juez de ejecución todavía no responde la solicitud.",
    "Consiguió trabajo por días en una cocina; horario de 6 a 2.",
    "Reunión con la defensora pública sobre la solicitud de la Ley 2292.",
    "Pidió que no se le deje mensaje en el número de la casa.",
];
const SENSITIVE_NOTES: [&str; 4] = [
    "Refiere violencia de su expareja; acordamos un plan de seguridad.",
    "Tuvo una recaída en el consumo; acepta hablar con la psicóloga.",
    "Teme represalias en el barrio; no compartir su dirección.",
    "Su hijo mayor está en protección del ICBF; proceso de restablecimiento abierto.",
];

fn weighted<T: Copy>(rng: &mut impl Rng, options: &[(T, u32)]) -> T {
    let total: u32 = options.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total);
    for (value, weight) in options {
        if pick < *weight {
            return *value;
        }
        pick -= weight;
    }
    options[options.len() - 1].0
}

fn date_string(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// One invented woman and her file.
struct Invented {
    row: NewRow,
    records: Vec<RecordData>,
    dependants: Vec<(Dependant, Vec<DocumentStatus>)>,
    closed: Option<participants::ClosingReason>,
    legal: legal::LegalStory,
}

struct Generator<'a> {
    rng: ChaCha8Rng,
    country: Country,
    catalog: &'a CountryCatalog,
    anchor: NaiveDate,
    caseworkers: Vec<(String, String)>,
}

impl Generator<'_> {
    fn name(&mut self) -> (String, Option<String>) {
        let portuguese = (self.country == Country::BR) != self.rng.random_bool(0.05);
        let (first, last): (&[&str], &[&str]) = if portuguese {
            (&FIRST_PT, &LAST_PT)
        } else {
            (&FIRST_ES, &LAST_ES)
        };
        let first_name = *first.choose(&mut self.rng).expect("names");
        let surname = *last.choose(&mut self.rng).expect("names");
        let second = *last.choose(&mut self.rng).expect("names");
        let legal = format!("{first_name} {surname} {second}");
        let chosen = if self.rng.random_bool(0.35) {
            Some(NICKNAMES.choose(&mut self.rng).expect("names").to_string())
        } else if self.rng.random_bool(0.5) {
            Some(
                first_name
                    .split(' ')
                    .next()
                    .unwrap_or(first_name)
                    .to_string(),
            )
        } else {
            None
        };
        (legal, chosen)
    }

    fn days_ago(&mut self, max: u64) -> NaiveDate {
        self.anchor - Days::new(self.rng.random_range(0..=max))
    }

    fn invent(&mut self, index: u32, organizations: &[legal::DemoOrganization]) -> Invented {
        let (legal_name, chosen_name) = self.name();
        let (youngest, oldest) = weighted(
            &mut self.rng,
            &[
                ((20, 26), 15),
                ((26, 36), 40),
                ((36, 46), 30),
                ((46, 66), 15),
            ],
        );
        let birth_year = self.anchor.year() - self.rng.random_range(youngest..oldest);
        let regions = &self.catalog.regions;
        let department = if self.rng.random_bool(0.45) {
            regions[self.rng.random_range(0..regions.len().min(6))].clone()
        } else {
            regions.choose(&mut self.rng).expect("regions").clone()
        };
        let assigned = if self.rng.random_bool(0.9) {
            Some(
                self.caseworkers
                    .choose(&mut self.rng)
                    .expect("staff")
                    .clone(),
            )
        } else {
            None
        };
        let details = ParticipantDetails {
            legal_name,
            chosen_name,
            birth_year: Some(birth_year),
            department: Some(department),
            municipality: None,
            gender_identity: self
                .rng
                .random_bool(0.04)
                .then(|| "Mujer trans".to_string()),
            ethnicity: weighted(
                &mut self.rng,
                &[
                    (None, 80),
                    (Some("Afrodescendiente"), 14),
                    (Some("Indígena"), 6),
                ],
            )
            .map(str::to_string),
            nationality: self.rng.random_bool(0.06).then(|| "VE".to_string()),
            disability: self.rng.random_bool(0.05).then(|| "Física".to_string()),
            safe_contact: None,
            message_ok: Some(self.rng.random_bool(0.6)),
        };
        let released = self.days_ago(900);
        let created = self.days_ago(60).min(released + Days::new(30));
        let mut records = Vec::new();
        let collected_by = assigned
            .as_ref()
            .map(|(_, username)| username.clone())
            .unwrap_or_else(|| DEMO_USERNAME.to_string());
        let consent = |purpose, rng: &mut ChaCha8Rng| {
            RecordData::Consent(Consent {
                purpose,
                organization: None,
                legal_basis: LegalBasis::Consent,
                notice_version: Some("2025-1".into()),
                method: weighted(
                    rng,
                    &[
                        (ConsentMethod::Written, 70),
                        (ConsentMethod::VerbalWithWitness, 20),
                        (ConsentMethod::Fingerprint, 10),
                    ],
                ),
                read_aloud: rng.random_bool(0.6),
                language: "es".into(),
                given_on: date_string(created),
                collected_by: collected_by.clone(),
                revoked_on: None,
            })
        };
        records.push(consent(ConsentPurpose::CaseWork, &mut self.rng));
        if self.rng.random_bool(0.7) {
            records.push(consent(ConsentPurpose::Statistics, &mut self.rng));
        }
        if self.rng.random_bool(0.5) {
            records.push(consent(ConsentPurpose::Contact, &mut self.rng));
        }
        let children = weighted(
            &mut self.rng,
            &[(0, 15), (1, 20), (2, 25), (3, 20), (4, 12), (5, 8)],
        );
        let head = self.rng.random_bool(0.75);
        records.push(RecordData::Household(Household {
            head_of_household: Some(head),
            notarial_declaration_on: (head && self.rng.random_bool(0.3))
                .then(|| date_string(created)),
            household_size: Some(1 + children as u8 + self.rng.random_range(0..3)),
            income_band: Some(weighted(
                &mut self.rng,
                &[
                    (IncomeBand::None, 35),
                    (IncomeBand::BelowMinimum, 45),
                    (IncomeBand::MinimumToTwice, 17),
                    (IncomeBand::AboveTwice, 3),
                ],
            )),
            tenure: Some(weighted(
                &mut self.rng,
                &[
                    (HousingTenure::Family, 45),
                    (HousingTenure::Rented, 30),
                    (HousingTenure::Informal, 10),
                    (HousingTenure::Institutional, 8),
                    (HousingTenure::Own, 7),
                ],
            )),
            socioeconomic_group: (self.country == Country::CO).then(|| {
                format!(
                    "{}{}",
                    ["A", "B", "C"][self.rng.random_range(0..3)],
                    self.rng.random_range(1..6)
                )
            }),
            conflict_victim: (self.country == Country::CO).then(|| self.rng.random_bool(0.2)),
        }));
        let mut dependants = Vec::new();
        for _ in 0..children {
            let age: u8 = self.rng.random_range(0..19);
            let disability = self.rng.random_bool(0.06);
            let carer = weighted(
                &mut self.rng,
                &[
                    (Carer::Grandmother, 40),
                    (Carer::Herself, 25),
                    (Carer::OtherRelative, 15),
                    (Carer::Father, 8),
                    (Carer::FosterFamily, 4),
                    (Carer::Institution, 3),
                    (Carer::Unknown, 5),
                ],
            );
            let dependant = Dependant {
                alias: CHILD_ALIASES
                    .choose(&mut self.rng)
                    .expect("names")
                    .to_string(),
                relationship: if self.rng.random_bool(0.5) {
                    Relationship::Daughter
                } else {
                    Relationship::Son
                },
                birth_date: None,
                age: Some(age),
                disability,
                disability_certificate: disability && self.rng.random_bool(0.5),
                lived_with_her_before: self.rng.random_bool(0.8),
                carer,
                location: None,
                custody: match carer {
                    Carer::Herself => Custody::Hers,
                    Carer::Institution | Carer::FosterFamily => Custody::StateProtection,
                    Carer::Unknown => Custody::Unknown,
                    _ => Custody::Relative,
                },
                lives_with_her_in_prison: age < 3 && self.rng.random_bool(0.1),
            };
            let documents = self
                .catalog
                .documents
                .iter()
                .filter(|d| d.required && d.holders.contains(&catalog::DocumentHolder::Dependant))
                .map(|_| {
                    weighted(
                        &mut self.rng,
                        &[
                            (DocumentStatus::Has, 70),
                            (DocumentStatus::Needed, 20),
                            (DocumentStatus::InProcess, 10),
                        ],
                    )
                })
                .collect();
            dependants.push((dependant, documents));
        }
        let mut since = released;
        for _ in 0..self.rng.random_range(1..=3) {
            let situation = weighted(
                &mut self.rng,
                &[
                    (HousingSituation::Family, 45),
                    (HousingSituation::Rented, 25),
                    (HousingSituation::Shelter, 12),
                    (HousingSituation::HouseArrest, 8),
                    (HousingSituation::Street, 5),
                    (HousingSituation::Own, 5),
                ],
            );
            let length = self.rng.random_range(30..400);
            let until = since + Days::new(length);
            let ended = until < self.anchor;
            records.push(RecordData::Housing(Housing {
                situation,
                from: date_string(since),
                until: ended.then(|| date_string(until)),
                municipality: None,
                address: None,
            }));
            if !ended {
                break;
            }
            since = until;
        }
        let catalog = self.catalog;
        for document in catalog
            .documents
            .iter()
            .filter(|d| d.holders.contains(&catalog::DocumentHolder::Herself))
        {
            if !document.required && !self.rng.random_bool(0.1) {
                continue;
            }
            let status = weighted(
                &mut self.rng,
                &[
                    (DocumentStatus::Has, 50),
                    (DocumentStatus::Needed, 25),
                    (DocumentStatus::InProcess, 15),
                    (DocumentStatus::Lost, 6),
                    (DocumentStatus::Expired, 4),
                ],
            );
            let requested = self.days_ago(300);
            records.push(RecordData::Document(Document {
                document_type: document.code.clone(),
                dependant_id: None,
                status,
                issuing_body: Some(document.issuer.clone()),
                requested_on: (status != DocumentStatus::Needed).then(|| date_string(requested)),
                obtained_on: (status == DocumentStatus::Has)
                    .then(|| date_string((requested + Days::new(20)).min(self.anchor))),
                cost: (status == DocumentStatus::Has && self.rng.random_bool(0.4))
                    .then(|| self.rng.random_range(5..60) * 1000),
                expires_on: None,
                original_kept_at: None,
            }));
        }
        if self.rng.random_bool(0.6) {
            let phase = *[
                AssessmentPhase::Release,
                AssessmentPhase::Day30,
                AssessmentPhase::Day90,
            ]
            .choose(&mut self.rng)
            .expect("phases");
            let mut statuses = BTreeMap::new();
            for category in NeedCategory::ALL.choose_multiple(&mut self.rng, 6) {
                statuses.insert(
                    *category,
                    weighted(
                        &mut self.rng,
                        &[
                            (NeedStatus::Need, 35),
                            (NeedStatus::InProgress, 25),
                            (NeedStatus::Resolved, 20),
                            (NeedStatus::NoNeed, 20),
                        ],
                    ),
                );
            }
            records.push(RecordData::Needs(NeedsAssessment {
                phase,
                assessed_on: date_string(created),
                statuses,
            }));
        }
        for _ in 0..self.rng.random_range(0..4) {
            let prison = self.rng.random_bool(0.4);
            records.push(RecordData::Contact(Contact {
                contact_type: if prison {
                    ContactType::PrisonVisit
                } else {
                    *[
                        ContactType::Call,
                        ContactType::HomeVisit,
                        ContactType::Accompaniment,
                    ]
                    .choose(&mut self.rng)
                    .expect("types")
                },
                date: date_string(self.days_ago(200)),
                place: prison.then(|| PRISONS.choose(&mut self.rng).expect("prisons").to_string()),
                team: vec![collected_by.clone()],
                visit_id: None,
                summary: None,
            }));
        }
        for _ in 0..self.rng.random_range(0..4) {
            let sensitive = self.rng.random_bool(0.1);
            let text = if sensitive {
                SENSITIVE_NOTES.choose(&mut self.rng)
            } else {
                NOTES.choose(&mut self.rng)
            };
            records.push(RecordData::Note(Note {
                date: date_string(self.days_ago(200)),
                text: text.expect("notes").to_string(),
                sensitive,
                contact_id: None,
            }));
        }
        // Follow-up assessments after release: done when they fell due, but for some of those
        // that fell due in the last few weeks (what an ordinary day has still to do; older
        // ones left undone made the demo open on years of backlog).
        let still_inside = self.rng.random_bool(0.08);
        if !still_inside {
            for (phase, days) in [
                (AssessmentPhase::Day30, 30),
                (AssessmentPhase::Day90, 90),
                (AssessmentPhase::Day180, 180),
                (AssessmentPhase::Day365, 365),
            ] {
                let assessed = released + Days::new(days + self.rng.random_range(0..10));
                let fell_due_lately = released + Days::new(days + 28) >= self.anchor;
                if assessed < self.anchor && (self.rng.random_bool(0.8) || !fell_due_lately) {
                    let mut statuses = BTreeMap::new();
                    for category in NeedCategory::ALL.choose_multiple(&mut self.rng, 4) {
                        statuses.insert(
                            *category,
                            weighted(
                                &mut self.rng,
                                &[
                                    (NeedStatus::Need, 25),
                                    (NeedStatus::InProgress, 25),
                                    (NeedStatus::Resolved, 30),
                                    (NeedStatus::NoNeed, 20),
                                ],
                            ),
                        );
                    }
                    records.push(RecordData::Needs(NeedsAssessment {
                        phase,
                        assessed_on: date_string(assessed),
                        statuses,
                    }));
                }
            }
        }
        // About one woman in thirty asked something about her data. Drawn from a generator of
        // her own, so the rest of the demo stays what it was for a seed.
        let mut asks = ChaCha8Rng::seed_from_u64(0x5249_4748_5453 ^ u64::from(index));
        if asks.random_bool(1.0 / 30.0) {
            let right = *[
                RightsKind::Access,
                RightsKind::Access,
                RightsKind::Correction,
                RightsKind::Erasure,
            ]
            .choose(&mut asks)
            .expect("kinds");
            let received = self.anchor - Days::new(asks.random_range(0..=40));
            if let Ok(mut request) = RightsRequest::new(right, &date_string(received), self.catalog)
            {
                let answer_by =
                    NaiveDate::parse_from_str(&request.deadline, "%Y-%m-%d").unwrap_or(received);
                if right != RightsKind::Erasure && answer_by < self.anchor && asks.random_bool(0.8)
                {
                    request.status = RequestStatus::Done;
                    request.done_on = Some(date_string(
                        (received + Days::new(asks.random_range(1..=8))).min(self.anchor),
                    ));
                    request.done_by = Some(collected_by.clone());
                    request.outcome = Some(
                        match right {
                            RightsKind::Access => "Se le entregó su ficha impresa",
                            _ => "Se corrigió su año de nacimiento",
                        }
                        .to_string(),
                    );
                }
                records.push(RecordData::RightsRequest(request));
            }
        }
        let legal = self.invent_legal(released, still_inside, &collected_by, organizations);
        let closed = self.rng.random_bool(0.12).then(|| {
            weighted(
                &mut self.rng,
                &[
                    (participants::ClosingReason::Completed, 40),
                    (participants::ClosingReason::LostContact, 25),
                    (participants::ClosingReason::MovedAway, 15),
                    (participants::ClosingReason::Withdrew, 10),
                    (participants::ClosingReason::ReturnedToPrison, 10),
                ],
            )
        });
        Invented {
            row: NewRow {
                id: uuid::Uuid::now_v7().to_string(),
                case_code: format!("{}-D{index:06}", self.country.code()),
                details,
                assigned_to: assigned.map(|(id, _)| id),
                created_at: format!("{}T12:00:00Z", date_string(created)),
            },
            records,
            dependants,
            closed,
            legal,
        }
    }
}

impl Vault {
    /// Benchmarks only: writes an unencrypted copy of a **demo** vault's database to `path`,
    /// so the same workload can be measured keyed and unkeyed. Any other vault is refused:
    /// real data is never written out in plaintext.
    #[cfg(any(test, feature = "test-support"))]
    pub fn demo_plaintext_copy(&self, path: &std::path::Path) -> Result<()> {
        if !is_demo(&self.conn)? {
            return Err(Error::NotDemoVault);
        }
        let target = path
            .to_str()
            .ok_or(Error::invalid("path", "not valid text"))?;
        // The session's connection may not create files; a second one, allowed to, writes the
        // copy and its journal.
        let conn = crate::store::open(&self.paths().db, &self.master, true)?;
        conn.execute("ATTACH DATABASE ?1 AS plaintext KEY ''", [target])?;
        let exported = conn.query_row("SELECT sqlcipher_export('plaintext')", [], |_| Ok(()));
        conn.execute_batch("DETACH DATABASE plaintext")?;
        exported?;
        Ok(())
    }

    /// Benchmarks only: runs this session over another connection to a demo database (see
    /// [`Vault::demo_plaintext_copy`]).
    #[cfg(any(test, feature = "test-support"))]
    pub fn use_demo_connection_for_benchmarks(&mut self, conn: rusqlite::Connection) -> Result<()> {
        if !is_demo(&self.conn)? || !is_demo(&conn)? {
            return Err(Error::NotDemoVault);
        }
        self.conn = conn;
        Ok(())
    }
}

/// Adds `count` invented women to a demo vault, in batches of one transaction each;
/// `progress` hears how many are done. Refuses a vault that is not a demo vault.
pub fn generate(
    vault: &mut Vault,
    count: u32,
    seed: u64,
    anchor: NaiveDate,
    mut progress: impl FnMut(u32),
) -> Result<DemoSummary> {
    if !is_demo(&vault.conn)? {
        return Err(Error::NotDemoVault);
    }
    let country = vault.country()?;
    let catalog = catalog::for_country(country);
    let caseworkers: Vec<(String, String)> = crate::staff::list(&vault.conn)?
        .into_iter()
        .filter(|m| m.role == Role::Caseworker && m.active)
        .map(|m| (m.id, m.username))
        .collect();
    if caseworkers.is_empty() {
        return Err(Error::NotDemoVault);
    }
    let existing: u32 = vault
        .conn
        .query_row("SELECT count(*) FROM participants", [], |row| row.get(0))?;
    // Mix the seed with how many women exist, so that adding more continues the series.
    let mut generator = Generator {
        rng: ChaCha8Rng::seed_from_u64(seed ^ (u64::from(existing) << 32)),
        country,
        catalog,
        anchor,
        caseworkers,
    };
    let mut summary = DemoSummary::default();
    let device_id = vault.device_id.clone();
    let author = vault.me.id.clone();
    let author_name = vault.me.username.to_string();
    let organizations = {
        let tx = vault.conn.unchecked_transaction()?;
        let writer = Writer::new(&device_id, &author);
        let organizations = legal::ensure_directory(&tx, writer, &mut generator, count + existing)?;
        tx.commit()?;
        organizations
    };
    // Large transactions (each page written once per batch, not once per few women) and a
    // cache that holds a batch's pages; the cache it had is set back afterwards.
    let cache_before = crate::store::cache_kib(&vault.conn)?;
    crate::store::set_cache_kib(&vault.conn, 256 * 1024)?;
    let written = (|| -> Result<()> {
        const BATCH: u32 = 5000;
        let mut done = 0;
        while done < count {
            let batch = BATCH.min(count - done);
            let tx = vault.conn.unchecked_transaction()?;
            let indexed_up_to = participants::last_search_id(&tx)?;
            // The same operations the write path writes, without asking the database what the
            // batch already knows (see changelog::Batch).
            let log = Batch::start(&tx, Writer::new(&device_id, &author), &author_name)?;
            let writer = Writer {
                batch: Some(&log),
                ..Writer::new(&device_id, &author)
            };
            for offset in 0..batch {
                let invented = generator.invent(existing + done + offset + 1, &organizations);
                log.new_file(&invented.row.id);
                let created_at = invented.row.created_at.clone();
                let ctx = RecordContext {
                    writer,
                    catalog,
                    created_at: &created_at,
                    refresh_counts: false,
                };
                participants::insert(
                    &tx,
                    writer,
                    &invented.row,
                    catalog.required_for_herself().count() as u32,
                    false,
                )?;
                let id = &invented.row.id;
                for data in invented.records {
                    case_file::save(&tx, ctx, id, None, data)?;
                    summary.records += 1;
                }
                for (dependant, documents) in invented.dependants {
                    let dependant_id =
                        case_file::save(&tx, ctx, id, None, RecordData::Dependant(dependant))?;
                    summary.records += 1;
                    let kinds = catalog.documents.iter().filter(|d| {
                        d.required && d.holders.contains(&catalog::DocumentHolder::Dependant)
                    });
                    for (document, status) in kinds.zip(documents) {
                        case_file::save(
                            &tx,
                            ctx,
                            id,
                            None,
                            RecordData::Document(Document::new(
                                &document.code,
                                Some(&dependant_id),
                                status,
                            )),
                        )?;
                        summary.records += 1;
                    }
                }
                summary.records += invented.legal.save(&tx, ctx, id)?;
                // Her records for the list's counts and her tasks, as the write path kept them:
                // what reading them back would give (checked in debug builds).
                let records = record::batch_records_as_stored(&tx, &log, id)?
                    .ok_or(Error::Internal("a new file outside its batch".into()))?;
                debug_assert_eq!(records, record::load_records_as_stored(&tx, id)?);
                case_file::refresh_counts(&tx, id, &records, catalog)?;
                crate::records::tasks::refresh(&tx, id, &records, catalog)?;
                crate::records::facts::refresh(&tx, id, &records, catalog)?;
                if let Some(reason) = invented.closed {
                    participants::set_column(
                        &tx,
                        writer,
                        id,
                        "status",
                        serde_json::json!("closed"),
                    )?;
                    participants::set_column(
                        &tx,
                        writer,
                        id,
                        "closing_reason",
                        serde_json::to_value(reason)?,
                    )?;
                }
                log.file_done(id);
                summary.participants += 1;
            }
            participants::index_new_files(&tx, indexed_up_to)?;
            log.finish(&tx)?;
            tx.commit()?;
            done += batch;
            progress(done);
        }
        Ok(())
    })();
    crate::store::set_cache_kib(&vault.conn, cache_before)?;
    written?;
    participants::optimize_search_index(&vault.conn)?;
    vault.audit(
        crate::audit::AuditAction::DemoDataGenerated,
        None,
        Some(&summary.participants.to_string()),
    )?;
    Ok(summary)
}
