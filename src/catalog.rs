//! Country data shipped with the app: regions, document checklists and the legal
//! applications each country's law offers. The lists live in
//! `catalog/<country>.json`, embedded at compile time, so a new country or a new document is a
//! data change, not a code change.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::Country;

/// The offence, normalized across countries' codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OffenceCategory {
    Drugs,
    TheftNonViolent,
    OtherNonViolent,
    Violent,
    Unknown,
}

/// Who a document is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DocumentHolder {
    /// The woman herself.
    #[serde(rename = "self")]
    Herself,
    /// One of her dependants.
    Dependant,
}

/// One document of a country's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogDocument {
    /// Stable code stored in records.
    pub code: String,
    /// The document's name as people in that country say it.
    pub name: String,
    /// Who issues it.
    pub issuer: String,
    pub holders: Vec<DocumentHolder>,
    /// Counted as pending until she has it (or it does not apply).
    pub required: bool,
}

/// A guide that lists the law's eligibility points for an application type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum GuideLaw {
    /// Colombia, Law 2292 of 2023: community service instead of prison for heads of household.
    #[serde(rename = "law_2292")]
    Law2292,
}

/// The parts of an eligibility guide that are the law's own numbers and lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EligibilityGuide {
    pub law: GuideLaw,
    /// A sentence of at most this many months qualifies whatever the offence.
    pub max_sentence_months: u32,
    /// Offence categories the law lists.
    pub offence_categories: Vec<OffenceCategory>,
}

/// One type of legal application a country's law offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegalApplicationType {
    pub code: String,
    pub name: String,
    /// Months the authority has to answer from the filing date, where the law sets it.
    #[serde(default)]
    pub deadline_months: Option<u32>,
    /// No answer by the deadline counts as a denial (Mexico's amnesty).
    pub silence_means_denial: bool,
    /// Checklist document codes that usually prove the points of the application.
    pub evidence: Vec<String>,
    #[serde(default)]
    pub guide: Option<EligibilityGuide>,
}

/// A country's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountryCatalog {
    pub country: Country,
    /// What the first-level division is called: department, state or province.
    pub region_label: String,
    pub regions: Vec<String>,
    pub documents: Vec<CatalogDocument>,
    pub legal_application_types: Vec<LegalApplicationType>,
    /// Which documents answer "does she have a valid ID" and "health coverage" in the
    /// summaries' outcomes after release (an empty list: not measured in this country).
    pub outcome_documents: OutcomeDocuments,
    /// How long the organization has to answer a woman's request about her data, by kind.
    pub rights_requests: RightsDeadlines,
    /// Where the holidays come from and what they leave out.
    pub holidays_note: String,
    /// Public holidays (`YYYY-MM-DD`, ascending) that do not count as business days. A
    /// holiday missing from the list makes a deadline earlier, never later.
    pub holidays: Vec<String>,
}

/// The documents that show an outcome after release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutcomeDocuments {
    /// Any of these, held and not expired: a valid ID.
    pub identity: Vec<String>,
    /// Any of these, held and not expired: health coverage.
    pub health: Vec<String>,
}

/// What she asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RightsKind {
    /// To see what the organization holds about her.
    Access,
    /// To have something corrected.
    Correction,
    /// To be erased.
    Erasure,
}

impl RightsKind {
    pub const ALL: [RightsKind; 3] = [
        RightsKind::Access,
        RightsKind::Correction,
        RightsKind::Erasure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RightsKind::Access => "access",
            RightsKind::Correction => "correction",
            RightsKind::Erasure => "erasure",
        }
    }
}

impl std::str::FromStr for RightsKind {
    type Err = Error;

    fn from_str(text: &str) -> Result<RightsKind> {
        RightsKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or(Error::invalid("kind", "access, correction or erasure"))
    }
}

/// The time the law gives to answer one kind of request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RightsDeadline {
    pub days: u32,
    /// Business days (Monday to Friday, holidays out) rather than calendar days.
    pub business_days: bool,
    /// The law and article it comes from, as people cite it in that country.
    pub basis: String,
}

/// The deadlines of a woman's rights requests in one country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RightsDeadlines {
    pub access: RightsDeadline,
    pub correction: RightsDeadline,
    pub erasure: RightsDeadline,
}

impl CountryCatalog {
    /// The checklist entry with `code`, if the country has one.
    pub fn document(&self, code: &str) -> Option<&CatalogDocument> {
        self.documents.iter().find(|d| d.code == code)
    }

    /// The legal application type with `code`, if the country's law offers it.
    pub fn legal_application_type(&self, code: &str) -> Option<&LegalApplicationType> {
        self.legal_application_types.iter().find(|t| t.code == code)
    }

    /// The region (department, state or province) called `name`, in the catalog's own
    /// spelling; case is ignored. Anything not on the list is `None`: summaries by region
    /// count only the country's real regions.
    pub fn region(&self, name: &str) -> Option<&str> {
        let wanted = name.trim().to_lowercase();
        self.regions
            .iter()
            .find(|region| region.to_lowercase() == wanted)
            .map(String::as_str)
    }

    /// The deadline for a request of `kind`.
    pub fn rights_deadline(&self, kind: RightsKind) -> &RightsDeadline {
        match kind {
            RightsKind::Access => &self.rights_requests.access,
            RightsKind::Correction => &self.rights_requests.correction,
            RightsKind::Erasure => &self.rights_requests.erasure,
        }
    }

    /// The last day to answer a request of `kind` received on `received`: that many calendar
    /// days after it, or that many business days (the day of receipt does not count;
    /// Saturdays, Sundays and the catalog's holidays are skipped).
    pub fn answer_by(&self, kind: RightsKind, received: chrono::NaiveDate) -> chrono::NaiveDate {
        use chrono::Datelike;
        let rule = self.rights_deadline(kind);
        if !rule.business_days {
            return received + chrono::Days::new(u64::from(rule.days));
        }
        let mut day = received;
        let mut left = rule.days;
        while left > 0 {
            day = day.succ_opt().unwrap_or(day);
            let weekend = matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
            let holiday = self
                .holidays
                .binary_search(&day.format("%Y-%m-%d").to_string())
                .is_ok();
            if !weekend && !holiday {
                left -= 1;
            }
        }
        day
    }

    /// The required documents for the woman herself.
    pub fn required_for_herself(&self) -> impl Iterator<Item = &CatalogDocument> {
        self.documents
            .iter()
            .filter(|d| d.required && d.holders.contains(&DocumentHolder::Herself))
    }
}

fn source(country: Country) -> &'static str {
    match country {
        Country::CO => include_str!("../catalog/CO.json"),
        Country::MX => include_str!("../catalog/MX.json"),
        Country::AR => include_str!("../catalog/AR.json"),
        Country::BR => include_str!("../catalog/BR.json"),
        Country::CR => include_str!("../catalog/CR.json"),
    }
}

/// Parses one catalog file, checking that it is for `country` and that codes are unique.
pub fn parse(country: Country, text: &str) -> Result<CountryCatalog> {
    let catalog: CountryCatalog = serde_json::from_str(text)
        .map_err(|_| Error::invalid("catalog", "not a valid catalog file"))?;
    if catalog.country != country {
        return Err(Error::invalid("catalog", "catalog is for another country"));
    }
    let mut codes: Vec<&str> = catalog.documents.iter().map(|d| d.code.as_str()).collect();
    codes.sort_unstable();
    if codes.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(Error::invalid("catalog", "a document code appears twice"));
    }
    if catalog.documents.iter().any(|d| d.holders.is_empty()) {
        return Err(Error::invalid("catalog", "a document has no holder"));
    }
    let mut types: Vec<&str> = catalog
        .legal_application_types
        .iter()
        .map(|t| t.code.as_str())
        .collect();
    types.sort_unstable();
    if types.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(Error::invalid(
            "catalog",
            "an application type appears twice",
        ));
    }
    for kind in &catalog.legal_application_types {
        if kind
            .evidence
            .iter()
            .any(|code| catalog.document(code).is_none())
        {
            return Err(Error::invalid(
                "catalog",
                "evidence names an unknown document",
            ));
        }
        if kind.deadline_months == Some(0)
            || (kind.silence_means_denial && kind.deadline_months.is_none())
        {
            return Err(Error::invalid(
                "catalog",
                "a deadline must be a number of months",
            ));
        }
    }
    let outcome = &catalog.outcome_documents;
    if outcome.identity.is_empty()
        || outcome
            .identity
            .iter()
            .chain(&outcome.health)
            .any(|code| catalog.document(code).is_none())
    {
        return Err(Error::invalid(
            "catalog",
            "outcome documents must be known documents, at least one for identity",
        ));
    }
    let deadlines = &catalog.rights_requests;
    for rule in [&deadlines.access, &deadlines.correction, &deadlines.erasure] {
        if rule.days == 0 || rule.days > 366 || rule.basis.trim().is_empty() {
            return Err(Error::invalid(
                "catalog",
                "a rights deadline needs 1 to 366 days and its legal basis",
            ));
        }
    }
    let dated = catalog
        .holidays
        .iter()
        .all(|day| chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok() && day.len() == 10);
    if !dated || catalog.holidays.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(Error::invalid(
            "catalog",
            "holidays must be dates, ascending, each once",
        ));
    }
    Ok(catalog)
}

/// The nationalities a woman's file may name: ISO 3166-1 alpha-2 codes (`catalog/nationalities.json`),
/// shown in the interface's language.
pub fn nationalities() -> &'static [String] {
    static CODES: OnceLock<Vec<String>> = OnceLock::new();
    CODES.get_or_init(|| {
        #[derive(Deserialize)]
        struct File {
            codes: Vec<String>,
        }
        let file: File = serde_json::from_str(include_str!("../catalog/nationalities.json"))
            .expect("the shipped list of nationalities parses");
        file.codes
    })
}

/// The nationality code `input` names (any case), if it is on the list.
pub fn nationality(input: &str) -> Option<&'static str> {
    let wanted = input.trim().to_uppercase();
    nationalities()
        .iter()
        .find(|code| **code == wanted)
        .map(String::as_str)
}

/// The shipped catalog of `country`.
pub fn for_country(country: Country) -> &'static CountryCatalog {
    static CATALOGS: OnceLock<Vec<CountryCatalog>> = OnceLock::new();
    let all = CATALOGS.get_or_init(|| {
        Country::ALL
            .iter()
            .map(|&c| parse(c, source(c)).expect("shipped catalog is valid"))
            .collect()
    });
    all.iter()
        .find(|c| c.country == country)
        .expect("every country has a catalog")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_catalog_parses_and_has_the_documents_people_need() {
        for country in Country::ALL {
            let catalog = for_country(country);
            assert!(!catalog.regions.is_empty(), "{country:?}");
            assert!(catalog.required_for_herself().count() >= 3, "{country:?}");
        }
        let codes = |country| -> Vec<&str> {
            for_country(country)
                .documents
                .iter()
                .map(|d| d.code.as_str())
                .collect()
        };
        for code in [
            "cedula",
            "registro_civil",
            "sisben",
            "eps",
            "declaracion_jefatura",
            "certificado_discapacidad",
            "antecedentes",
            "cuenta_bancaria",
        ] {
            assert!(codes(Country::CO).contains(&code), "CO lacks {code}");
        }
        for code in ["acta_nacimiento", "curp", "ine", "constancia_antecedentes"] {
            assert!(codes(Country::MX).contains(&code), "MX lacks {code}");
        }
        for code in [
            "dni",
            "partida_nacimiento",
            "cuil",
            "certificado_antecedentes",
        ] {
            assert!(codes(Country::AR).contains(&code), "AR lacks {code}");
        }
        for code in [
            "certidao_nascimento",
            "rg",
            "cpf",
            "titulo_eleitor",
            "carteira_trabalho",
            "cartao_sus",
            "cadunico",
        ] {
            assert!(codes(Country::BR).contains(&code), "BR lacks {code}");
        }
        assert_eq!(for_country(Country::CO).regions.len(), 33);
        assert_eq!(for_country(Country::MX).regions.len(), 32);
        assert_eq!(for_country(Country::BR).regions.len(), 27);
        assert_eq!(
            for_country(Country::CO).document("cedula").unwrap().name,
            "Cédula de ciudadanía"
        );
    }

    #[test]
    fn a_bad_catalog_file_is_refused() {
        let good = source(Country::CO);
        assert!(parse(Country::MX, good).is_err());
        assert!(parse(Country::CO, "{").is_err());
        let duplicated = good.replace("\"code\": \"sisben\"", "\"code\": \"cedula\"");
        assert!(parse(Country::CO, &duplicated).is_err());
        let unknown_field = good.replace("\"required\": true", "\"mandatory\": true");
        assert!(parse(Country::CO, &unknown_field).is_err());
        let unknown_evidence = good.replace(
            "\"evidence\": [\"declaracion_jefatura\"",
            "\"evidence\": [\"pasaporte\"",
        );
        assert!(parse(Country::CO, &unknown_evidence).is_err());
        let doubled_type = good.replace("co_domiciliaria_cabeza_familia", "co_ley_2292");
        assert!(parse(Country::CO, &doubled_type).is_err());
    }

    #[test]
    fn legal_application_types_are_data_with_their_deadlines() {
        let mx = for_country(Country::MX);
        let amnesty = mx.legal_application_type("mx_amnistia_federal").unwrap();
        assert_eq!(amnesty.deadline_months, Some(4));
        assert!(amnesty.silence_means_denial);
        let co = for_country(Country::CO)
            .legal_application_type("co_ley_2292")
            .unwrap();
        let guide = co.guide.as_ref().unwrap();
        assert_eq!(guide.max_sentence_months, 96);
        assert!(co.deadline_months.is_none());
        for country in Country::ALL {
            assert!(
                for_country(country).legal_application_types.len() >= 2,
                "{country:?}"
            );
        }
        assert!(for_country(Country::BR)
            .legal_application_type("co_ley_2292")
            .is_none());
    }
}
