//! The eligibility guide of an application type that has one (Colombia's Law 2292): each
//! point of the law, whether the file proves it, and the documents that would. It does not
//! decide for the judge: a point is `met`, `not_met` (the file says otherwise) or `missing`
//! (nothing on file yet).

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalog::{CountryCatalog, EligibilityGuide};
use crate::records::documents::DocumentStatus;
use crate::records::household::Dependant;
use crate::records::legal::{LegalApplication, OffenceCategory, Proceeding};
use crate::records::record::{CaseRecord, RecordData};

/// A point of the law.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EligibilityPoint {
    /// She heads her household.
    HeadOfHousehold,
    /// Her dependants are under 18 or have a permanent disability.
    Dependants,
    /// The offence is among the listed ones, or the sentence is at most 8 years.
    OffenceOrSentence,
    /// The offence was linked to marginality.
    Marginality,
    /// No intentional conviction in the five years before.
    NoPriorConviction,
    /// The offence is not one the law excludes.
    NotExcluded,
}

/// What the file says about a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PointStatus {
    Met,
    NotMet,
    Missing,
}

/// A document that would prove a point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EvidenceDocument {
    /// Checklist code.
    pub document_type: String,
    /// The dependant's record id, for a dependant's document.
    pub dependant_id: Option<String>,
    /// Her record of it, when there is one.
    pub record_id: Option<String>,
    pub status: Option<DocumentStatus>,
    /// Linked to the application as evidence.
    pub linked: bool,
}

/// One point and what backs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PointCheck {
    pub point: EligibilityPoint,
    pub status: PointStatus,
    pub evidence: Vec<EvidenceDocument>,
}

/// The guide for one application (or for a file with no application yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EligibilityReport {
    pub application_type: String,
    pub application_id: Option<String>,
    pub points: Vec<PointCheck>,
    /// Evidence documents she does not have yet, over every point.
    pub missing_evidence: Vec<EvidenceDocument>,
}

fn age_on(dependant: &Dependant, today: NaiveDate) -> Option<u32> {
    if let Some(birth) = dependant
        .birth_date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        return today.years_since(birth);
    }
    dependant.age.map(u32::from)
}

fn from_answer(answer: Option<bool>, good: bool) -> PointStatus {
    match answer {
        Some(a) if a == good => PointStatus::Met,
        Some(_) => PointStatus::NotMet,
        None => PointStatus::Missing,
    }
}

/// Checks the guide's points against a file's records.
pub fn evaluate(
    records: &[CaseRecord],
    catalog: &CountryCatalog,
    guide: &EligibilityGuide,
    application_type: &str,
    application: Option<(&str, &LegalApplication)>,
    today: NaiveDate,
) -> EligibilityReport {
    let linked: &[String] = application
        .map(|(_, a)| a.evidence.as_slice())
        .unwrap_or(&[]);
    let document = |code: &str, dependant: Option<&str>| -> EvidenceDocument {
        let found = records.iter().find_map(|r| match &r.data {
            RecordData::Document(d)
                if d.document_type == code && d.dependant_id.as_deref() == dependant =>
            {
                Some((r.id.clone(), d.status))
            }
            _ => None,
        });
        EvidenceDocument {
            document_type: code.to_string(),
            dependant_id: dependant.map(str::to_string),
            linked: found.as_ref().is_some_and(|(id, _)| linked.contains(id)),
            record_id: found.as_ref().map(|(id, _)| id.clone()),
            status: found.map(|(_, s)| s),
        }
    };
    let known = |code: &str| catalog.document(code).is_some();
    let mut points = Vec::new();

    // Head of household: declared, and backed by the notarial declaration.
    let household = records.iter().find_map(|r| match &r.data {
        RecordData::Household(h) => Some(h),
        _ => None,
    });
    let declaration = known("declaracion_jefatura").then(|| document("declaracion_jefatura", None));
    let declared = household.and_then(|h| h.head_of_household);
    let proven = household.is_some_and(|h| h.notarial_declaration_on.is_some())
        || declaration
            .as_ref()
            .is_some_and(|d| d.status == Some(DocumentStatus::Has));
    points.push(PointCheck {
        point: EligibilityPoint::HeadOfHousehold,
        status: match declared {
            Some(true) if proven => PointStatus::Met,
            Some(false) => PointStatus::NotMet,
            _ => PointStatus::Missing,
        },
        evidence: declaration.into_iter().collect(),
    });

    // Dependants under 18 or with a permanent disability, each with a birth record and, for a
    // disability, its certificate.
    let dependants: Vec<(&str, &Dependant)> = records
        .iter()
        .filter_map(|r| match &r.data {
            RecordData::Dependant(d) => Some((r.id.as_str(), d)),
            _ => None,
        })
        .collect();
    let qualifying: Vec<&(&str, &Dependant)> = dependants
        .iter()
        .filter(|(_, d)| d.disability || age_on(d, today).is_some_and(|age| age < 18))
        .collect();
    let mut evidence = Vec::new();
    for (id, dependant) in &qualifying {
        for code in ["registro_civil", "certificado_discapacidad"] {
            if code == "certificado_discapacidad" && !dependant.disability {
                continue;
            }
            if known(code) {
                evidence.push(document(code, Some(id)));
            }
        }
    }
    points.push(PointCheck {
        point: EligibilityPoint::Dependants,
        status: if !qualifying.is_empty() {
            PointStatus::Met
        } else if dependants.iter().any(|(_, d)| age_on(d, today).is_some()) {
            PointStatus::NotMet
        } else {
            PointStatus::Missing
        },
        evidence,
    });

    // The offence or the sentence.
    let proceeding: Option<&Proceeding> = {
        let wanted = application.and_then(|(_, a)| a.proceeding_id.as_deref());
        let mut all = records.iter().filter_map(|r| match &r.data {
            RecordData::Proceeding(p) => Some((r.id.as_str(), p)),
            _ => None,
        });
        match wanted {
            Some(id) => all.find(|(rid, _)| *rid == id).map(|(_, p)| p),
            None => all.next_back().map(|(_, p)| p),
        }
    };
    let offence = match proceeding {
        None => PointStatus::Missing,
        Some(p) if guide.offence_categories.contains(&p.offence_category) => PointStatus::Met,
        Some(p)
            if p.sentence_months
                .is_some_and(|m| m <= guide.max_sentence_months) =>
        {
            PointStatus::Met
        }
        Some(p)
            if p.sentence_months.is_some() && p.offence_category != OffenceCategory::Unknown =>
        {
            PointStatus::NotMet
        }
        Some(_) => PointStatus::Missing,
    };
    points.push(PointCheck {
        point: EligibilityPoint::OffenceOrSentence,
        status: offence,
        evidence: vec![],
    });

    let app = application.map(|(_, a)| a);
    points.push(PointCheck {
        point: EligibilityPoint::Marginality,
        status: if app.is_some_and(|a| a.marginality_evidence.is_some()) {
            PointStatus::Met
        } else {
            PointStatus::Missing
        },
        evidence: ["sisben"]
            .into_iter()
            .filter(|c| known(c))
            .map(|c| document(c, None))
            .collect(),
    });
    points.push(PointCheck {
        point: EligibilityPoint::NoPriorConviction,
        status: from_answer(app.and_then(|a| a.prior_conviction), false),
        evidence: ["antecedentes"]
            .into_iter()
            .filter(|c| known(c))
            .map(|c| document(c, None))
            .collect(),
    });
    points.push(PointCheck {
        point: EligibilityPoint::NotExcluded,
        status: from_answer(app.and_then(|a| a.excluded_offence), false),
        evidence: vec![],
    });

    let missing_evidence = points
        .iter()
        .flat_map(|p| p.evidence.iter())
        .filter(|d| d.status != Some(DocumentStatus::Has))
        .cloned()
        .collect();
    EligibilityReport {
        application_type: application_type.to_string(),
        application_id: application.map(|(id, _)| id.to_string()),
        points,
        missing_evidence,
    }
}
