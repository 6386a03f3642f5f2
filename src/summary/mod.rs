//! Anonymized summaries for coordinators (`docs/summaries.md`): indicators over quarters for
//! the women with a statistics consent in force, every table protected by
//! [`disclosure::protect`] before it leaves the core; public summaries of closed quarters
//! frozen when first produced ([`release`]); contributions to a network and the network's
//! pooled report ([`pool`]).

mod cohort;
pub mod disclosure;
pub mod indicators;
pub mod period;
pub mod pool;
pub mod release;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use disclosure::{SummaryCell, SummaryTable, MIN_K, SENSITIVE_K, TOTAL};
pub use indicators::{Breakdown, Unit};
pub use period::Quarter;
pub use release::Revision;

use crate::audit::AuditAction;
use crate::catalog::CountryCatalog;
use crate::error::{Error, Result};
use crate::staff::Role;
use crate::vault::Vault;
use cohort::Woman;
use disclosure::Rules;
use indicators::{Context, Indicator, RawTable, Tally, INDICATORS};

/// Who a summary is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Coordinators of the organization: k = 5 by default, figures as they stand.
    Internal,
    /// Outside the organization: closed quarters only, frozen, k = 11 by default, perturbed.
    Public,
    /// A network's pooled report of several organizations' contributions.
    Pool,
}

/// The default threshold of an audience.
pub fn default_k(audience: Audience) -> u32 {
    match audience {
        Audience::Internal => 5,
        Audience::Public | Audience::Pool => 11,
    }
}

/// What a coordinator asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SummaryRequest {
    /// The first quarter (`2026Q3`).
    pub period: String,
    /// The last quarter, when more than one.
    pub to: Option<String>,
    pub audience: Audience,
    /// The indicators; none: every one.
    pub indicators: Vec<String>,
    /// A breakdown besides each indicator's own categories, where the indicator allows it.
    pub by: Option<Breakdown>,
    /// The threshold, at least 5; none: the audience's default.
    pub k: Option<u32>,
}

/// A protected summary: nothing in it can name a woman.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub period: String,
    pub to: String,
    pub audience: Audience,
    pub k: u32,
    /// The method, for scripts: the rules applied.
    pub method: String,
    pub organization: String,
    /// The organizations a pooled report holds (none for an organization's own summary).
    pub organizations: Vec<String>,
    pub produced_on: String,
    /// The women supported in the period who are left out (no statistics consent in force),
    /// protected like any other count.
    pub not_included: SummaryCell,
    pub tables: Vec<SummaryTable>,
    /// For a public summary, each quarter's revision (0: the first release).
    pub revisions: Vec<Revision>,
}

/// What the interfaces list of an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct IndicatorInfo {
    pub id: String,
    pub unit: Unit,
    pub dimensions: Vec<String>,
    pub sensitive: bool,
    /// The breakdowns it may be given.
    pub breakdowns: Vec<Breakdown>,
}

/// Every indicator, in the order summaries show them.
pub fn indicator_list() -> Vec<IndicatorInfo> {
    INDICATORS
        .iter()
        .map(|i| IndicatorInfo {
            id: i.id.to_string(),
            unit: i.unit,
            dimensions: i.dims.iter().map(|d| d.to_string()).collect(),
            sensitive: i.sensitive,
            breakdowns: Breakdown::ALL
                .into_iter()
                .filter(|b| i.allows(*b))
                .collect(),
        })
        .collect()
}

fn method(audience: Audience) -> String {
    let base = "acompana-sdc-1: counts of 1 to k-1 hidden; complementary suppression (no hidden \
                cell on no cycle of hidden cells); sensitive attributes k>=10, by quarter only; \
                percent only when the group is >=20 and the count and the rest are >=k";
    match audience {
        Audience::Internal => base.to_string(),
        Audience::Public => format!(
            "{base}; closed quarters only, frozen when first produced; cell-key perturbation \
             (+-2 at most, never below k); a period of several quarters adds up their \
             published cells"
        ),
        Audience::Pool => format!(
            "{base}; pooled from two or more organizations' contributions; a cell is also \
             hidden when any one organization's share leaves 1 to k-1 for the others; frozen \
             per quarter"
        ),
    }
}

struct Parsed {
    quarters: Vec<Quarter>,
    indicators: Vec<&'static Indicator>,
    by: Option<Breakdown>,
    k: u32,
}

fn parse(request: &SummaryRequest) -> Result<Parsed> {
    let first = Quarter::parse(&request.period)?;
    let last = match &request.to {
        Some(to) if !to.trim().is_empty() => Quarter::parse(to)?,
        _ => first,
    };
    let quarters = first.through(last)?;
    let indicators = if request.indicators.is_empty() {
        INDICATORS.iter().collect()
    } else {
        let mut chosen = Vec::new();
        for id in &request.indicators {
            let found =
                indicators::find(id).ok_or(Error::invalid("indicator", "no such indicator"))?;
            if !chosen.iter().any(|c: &&Indicator| c.id == found.id) {
                chosen.push(found);
            }
        }
        chosen
    };
    if request.audience == Audience::Pool {
        return Err(Error::invalid(
            "audience",
            "a pooled report is made from contributions",
        ));
    }
    let k = request.k.unwrap_or(default_k(request.audience));
    if !(MIN_K..=100).contains(&k) {
        return Err(Error::invalid("k", "the threshold is 5 to 100"));
    }
    Ok(Parsed {
        quarters,
        indicators,
        by: request.by,
        k,
    })
}

/// The women included in a quarter, and how many were supported but left out.
type Cohort<'a> = (Vec<&'a Woman>, Tally);

/// The women of one quarter: those included, and how many were supported but left out.
fn cohort_of(women: &[Woman], quarter: Quarter) -> Cohort<'_> {
    let (start, end) = (quarter.start(), quarter.end());
    let mut included = Vec::new();
    let mut left_out = Tally::default();
    for woman in women {
        if woman.supported(start, end) {
            if woman.consents(end) {
                included.push(woman);
            } else {
                left_out.add(Tally {
                    count: 1,
                    key: woman.key,
                });
            }
        }
    }
    (included, left_out)
}

fn context(quarter: Quarter, catalog: &CountryCatalog) -> Context<'_> {
    Context {
        quarter,
        quarter_label: quarter.to_string(),
        start: quarter.start(),
        end: quarter.end(),
        catalog,
    }
}

/// A single count as a table with no dimension.
fn single(indicator: &'static str, tally: Tally) -> RawTable {
    RawTable {
        indicator,
        dims: Vec::new(),
        categories: Vec::new(),
        cells: BTreeMap::from([(Vec::new(), tally)]),
    }
}

/// Adds up raw tables of the same shape (the same indicator over several quarters).
fn add_raw(tables: Vec<RawTable>) -> RawTable {
    let mut tables = tables.into_iter();
    let mut sum = tables.next().expect("one quarter at least");
    for table in tables {
        for (at, list) in table.categories.into_iter().enumerate() {
            for label in list {
                if !sum.categories[at].contains(&label) {
                    sum.categories[at].push(label);
                }
            }
        }
        for (labels, tally) in table.cells {
            sum.cells.entry(labels).or_default().add(tally);
        }
    }
    sum
}

/// Adds up published tables of the same shape, quarter by quarter: a cell is shown when it
/// is shown in every quarter, so the sum tells nothing the quarters did not. With `by_quarter`
/// each quarter's cells are kept, labelled by it, beside their sum.
fn add_published(parts: Vec<(Quarter, SummaryTable)>, by_quarter: bool) -> SummaryTable {
    let first = parts[0].1.clone();
    let k = parts.iter().map(|(_, t)| t.k).max().unwrap_or(first.k);
    let mut order: Vec<BTreeMap<String, String>> = Vec::new();
    let mut sums: BTreeMap<BTreeMap<String, String>, Option<u64>> = BTreeMap::new();
    for (_, table) in &parts {
        for cell in &table.cells {
            let entry = sums.entry(cell.labels.clone()).or_insert_with(|| {
                order.push(cell.labels.clone());
                Some(0)
            });
            *entry = match (*entry, cell.count) {
                (Some(a), Some(b)) => Some(a + b),
                _ => None,
            };
        }
    }
    let share_dim = first.breakdowns.first().cloned();
    let mut summed: Vec<SummaryCell> = order
        .iter()
        .map(|labels| {
            let count = sums[labels];
            SummaryCell {
                labels: labels.clone(),
                count,
                display: count.map_or_else(|| format!("<{k}"), |c| c.to_string()),
                percent: None,
            }
        })
        .collect();
    // Percentages of the sums, by the same rule.
    if let Some(dim) = &share_dim {
        let groups: BTreeMap<BTreeMap<String, String>, Option<u64>> = summed
            .iter()
            .filter(|c| c.labels.get(dim).map(String::as_str) == Some(TOTAL))
            .map(|c| {
                let mut key = c.labels.clone();
                key.remove(dim);
                (key, c.count)
            })
            .collect();
        for cell in &mut summed {
            if cell.labels.get(dim).map(String::as_str) == Some(TOTAL) {
                continue;
            }
            let mut key = cell.labels.clone();
            key.remove(dim);
            cell.percent = match (cell.count, groups.get(&key).copied().flatten()) {
                (Some(part), Some(whole))
                    if whole >= disclosure::MIN_DENOMINATOR
                        && part >= k as u64
                        && whole - part.min(whole) >= k as u64 =>
                {
                    Some((part as f64 * 1000.0 / whole as f64).round() / 10.0)
                }
                _ => None,
            };
        }
    }
    let mut table = SummaryTable {
        cells: summed,
        k,
        ..first
    };
    if by_quarter {
        let mut cells = Vec::new();
        for (quarter, part) in &parts {
            for cell in &part.cells {
                let mut cell = cell.clone();
                cell.labels
                    .insert(Breakdown::Quarter.as_str().into(), quarter.to_string());
                cells.push(cell);
            }
        }
        for mut cell in table.cells {
            cell.labels
                .insert(Breakdown::Quarter.as_str().into(), TOTAL.into());
            cells.push(cell);
        }
        table.cells = cells;
        table.breakdowns.push(Breakdown::Quarter.as_str().into());
    }
    table
}

fn not_included_cell(table: &SummaryTable) -> SummaryCell {
    table.cells[0].clone()
}

/// The name a frozen table goes by: its indicator and breakdown.
fn table_name(indicator: &str, by: Option<Breakdown>) -> String {
    match by {
        Some(by) => format!("{indicator}/{}", by.as_str()),
        None => indicator.to_string(),
    }
}

const NOT_INCLUDED: &str = "not_included";

/// The day on this laptop's calendar at `ms` (milliseconds since 1970, UTC).
pub fn local_day(ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|at| at.with_timezone(&chrono::Local).date_naive())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}

impl Vault {
    /// A protected summary, as of today.
    pub fn summary(&mut self, request: &SummaryRequest) -> Result<Summary> {
        self.summary_on(request, chrono::Local::now().date_naive())
    }

    /// A protected summary as of `today` (which quarters are closed). Coordinators and
    /// administrators only. Internal summaries are counted afresh; a public summary's
    /// quarters must be closed, and each table is the one frozen when first produced. Written
    /// to the audit log with its parameters and the SHA-256 of its JSON.
    pub fn summary_on(&mut self, request: &SummaryRequest, today: NaiveDate) -> Result<Summary> {
        self.require(&[Role::Coordinator, Role::Admin])?;
        let parsed = parse(request)?;
        if request.audience == Audience::Public && parsed.quarters.iter().any(|q| !q.closed(today))
        {
            return Err(Error::QuarterOpen);
        }
        let catalog = crate::catalog::for_country(self.country()?);
        let organization = self.session_info()?.org_name;
        let today_text = today.to_string();
        let tx = self.conn.unchecked_transaction()?;
        let (tables, not_included, revisions, produced_on) = match request.audience {
            Audience::Internal => {
                let women = cohort::load(&tx, catalog)?;
                let (tables, left_out) = self.internal_tables(&women, &parsed, catalog);
                (tables, left_out, Vec::new(), today_text)
            }
            _ => self.public_tables(&tx, &parsed, catalog, &today_text)?,
        };
        let summary = Summary {
            period: parsed.quarters[0].to_string(),
            to: parsed.quarters.last().expect("one quarter").to_string(),
            audience: request.audience,
            k: parsed.k,
            method: method(request.audience),
            organization,
            organizations: Vec::new(),
            produced_on,
            not_included,
            tables,
            revisions,
        };
        self.audit_summary(&tx, AuditAction::SummaryProduced, request, &summary)?;
        tx.commit()?;
        Ok(summary)
    }

    fn internal_tables(
        &self,
        women: &[Woman],
        parsed: &Parsed,
        catalog: &CountryCatalog,
    ) -> (Vec<SummaryTable>, SummaryCell) {
        let rules = Rules {
            k: parsed.k,
            perturb: false,
        };
        let cohorts: Vec<(Quarter, Vec<&Woman>, Tally)> = parsed
            .quarters
            .iter()
            .map(|&q| {
                let (included, left_out) = cohort_of(women, q);
                (q, included, left_out)
            })
            .collect();
        let table_of = |indicator: &&'static Indicator| {
            let by = parsed.by.filter(|b| indicator.allows(*b));
            let raws: Vec<RawTable> = cohorts
                .iter()
                .map(|(q, included, _)| {
                    indicators::count(indicator, by, included, &context(*q, catalog))
                })
                .collect();
            let mut raw = add_raw(raws);
            if by == Some(Breakdown::Quarter) {
                let last = raw.categories.len() - 1;
                raw.categories[last] = parsed.quarters.iter().map(|q| q.to_string()).collect();
            }
            disclosure::protect(&raw, indicator.unit, indicator.sensitive, rules)
        };
        // The indicators are counted on two threads, every other one on each.
        let (mine, theirs): (Vec<_>, Vec<_>) = parsed
            .indicators
            .iter()
            .enumerate()
            .partition(|(at, _)| at % 2 == 0);
        let mut numbered: Vec<(usize, SummaryTable)> = std::thread::scope(|scope| {
            let other = scope.spawn(|| {
                theirs
                    .iter()
                    .map(|(at, i)| (*at, table_of(i)))
                    .collect::<Vec<_>>()
            });
            let mut here: Vec<(usize, SummaryTable)> =
                mine.iter().map(|(at, i)| (*at, table_of(i))).collect();
            // A counting thread that panicked panics here: never a partial summary.
            here.extend(other.join().expect("an indicator could not be counted"));
            here
        });
        numbered.sort_by_key(|(at, _)| *at);
        let tables: Vec<SummaryTable> = numbered.into_iter().map(|(_, t)| t).collect();
        let mut left_out = Tally::default();
        for (_, _, tally) in &cohorts {
            left_out.add(*tally);
        }
        let table = disclosure::protect(&single(NOT_INCLUDED, left_out), Unit::Women, false, rules);
        (tables, not_included_cell(&table))
    }

    /// Each quarter's frozen tables (producing and freezing those not yet produced), added up
    /// over the period.
    fn public_tables(
        &self,
        conn: &rusqlite::Connection,
        parsed: &Parsed,
        catalog: &CountryCatalog,
        today: &str,
    ) -> Result<(Vec<SummaryTable>, SummaryCell, Vec<Revision>, String)> {
        use release::Kind;
        // The day the newest of its frozen tables was produced: asked again, the summary is
        // the same, date included.
        let mut produced = String::new();
        let rules = Rules {
            k: parsed.k,
            perturb: true,
        };
        let mut per_indicator: Vec<Vec<(Quarter, SummaryTable)>> =
            vec![Vec::new(); parsed.indicators.len()];
        let mut left_out_parts = Vec::new();
        let mut revisions = Vec::new();
        // The women are read only if a table is not frozen yet.
        let everyone: std::cell::OnceCell<Vec<Woman>> = std::cell::OnceCell::new();
        let women = || -> Result<&[Woman]> {
            if everyone.get().is_none() {
                let _ = everyone.set(cohort::load(conn, catalog)?);
            }
            Ok(everyone.get().map(Vec::as_slice).unwrap_or_default())
        };
        for &quarter in &parsed.quarters {
            let revision = release::revision(conn, quarter)?;
            let number = revision.revision;
            revisions.push(revision);
            // Counted only if a table of the quarter is not frozen yet.
            let mut cohort: Option<Cohort> = None;
            let mut frozen_or =
                |name: &str, make: &dyn Fn(&Cohort) -> SummaryTable| -> Result<SummaryTable> {
                    if let Some(frozen) =
                        release::frozen::<SummaryTable>(conn, Kind::Public, quarter, number, name)?
                    {
                        produced = produced.clone().max(frozen.produced_on);
                        return Ok(frozen.body);
                    }
                    produced = produced.clone().max(today.to_string());
                    if cohort.is_none() {
                        cohort = Some(cohort_of(women()?, quarter));
                    }
                    let table = make(cohort.as_ref().expect("counted just now"));
                    release::freeze(
                        conn,
                        self.writer(),
                        Kind::Public,
                        quarter,
                        number,
                        name,
                        &table,
                        today,
                        &[],
                    )?;
                    Ok(table)
                };
            for (at, indicator) in parsed.indicators.iter().enumerate() {
                // A quarter's table by quarter is its table alone: the quarters are put side
                // by side afterwards.
                let by = parsed
                    .by
                    .filter(|b| indicator.allows(*b) && *b != Breakdown::Quarter);
                let table = frozen_or(&table_name(indicator.id, by), &|(included, _)| {
                    let raw =
                        indicators::count(indicator, by, included, &context(quarter, catalog));
                    disclosure::protect(&raw, indicator.unit, indicator.sensitive, rules)
                })?;
                per_indicator[at].push((quarter, table));
            }
            let table = frozen_or(NOT_INCLUDED, &|(_, left_out)| {
                disclosure::protect(&single(NOT_INCLUDED, *left_out), Unit::Women, false, rules)
            })?;
            left_out_parts.push((quarter, table));
        }
        let by_quarter = parsed.by == Some(Breakdown::Quarter);
        let tables = parsed
            .indicators
            .iter()
            .zip(per_indicator)
            .map(|(indicator, parts)| {
                add_published(parts, by_quarter && indicator.allows(Breakdown::Quarter))
            })
            .collect();
        let not_included = not_included_cell(&add_published(left_out_parts, false));
        Ok((tables, not_included, revisions, produced))
    }

    fn audit_summary<T: Serialize>(
        &self,
        conn: &rusqlite::Connection,
        action: AuditAction,
        parameters: &impl Serialize,
        output: &T,
    ) -> Result<()> {
        let hash = hex::encode(Sha256::digest(serde_json::to_vec(output)?));
        let detail = serde_json::json!({ "parameters": parameters, "sha256": hash }).to_string();
        self.audit_in(conn, action, None, Some(&detail))
    }

    /// Opens a new revision of a closed quarter: its public tables are produced and frozen
    /// again when next asked for, and say they revise the quarter, when and why.
    pub fn summary_revise(&mut self, period: &str, reason: &str) -> Result<Revision> {
        self.summary_revise_on(period, reason, chrono::Local::now().date_naive())
    }

    pub fn summary_revise_on(
        &mut self,
        period: &str,
        reason: &str,
        today: NaiveDate,
    ) -> Result<Revision> {
        self.require(&[Role::Coordinator, Role::Admin])?;
        let quarter = Quarter::parse(period)?;
        if !quarter.closed(today) {
            return Err(Error::QuarterOpen);
        }
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(Error::invalid(
                "reason",
                "say why, in at most 500 characters",
            ));
        }
        let tx = self.conn.unchecked_transaction()?;
        let revision = release::revise(&tx, self.writer(), quarter, &today.to_string(), reason)?;
        self.audit_summary(
            &tx,
            AuditAction::SummaryRevised,
            &serde_json::json!({"period": period, "revision": revision.revision}),
            &revision,
        )?;
        tx.commit()?;
        Ok(revision)
    }
}

/// Writes a summary as CSV, one UTF-8 file per table into `dir` (created if missing): a column
/// per dimension, then `count` (hidden cells as `<k`) and `percent`. Returns the files written.
pub fn write_csv(summary: &Summary, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let span = if summary.period == summary.to {
        summary.period.clone()
    } else {
        format!("{}_{}", summary.period, summary.to)
    };
    for table in &summary.tables {
        let mut name = format!("{span}_{}", table.indicator);
        for extra in table.breakdowns.iter().skip(1) {
            name.push_str("_by_");
            name.push_str(extra);
        }
        let path = dir.join(format!("{name}.csv"));
        let mut out = csv::Writer::from_path(&path).map_err(csv_error)?;
        let mut header: Vec<String> = table.breakdowns.clone();
        header.push("count".into());
        header.push("percent".into());
        out.write_record(&header).map_err(csv_error)?;
        for cell in &table.cells {
            let mut row: Vec<String> = table
                .breakdowns
                .iter()
                .map(|dim| cell.labels.get(dim).cloned().unwrap_or_default())
                .collect();
            row.push(cell.display.clone());
            row.push(cell.percent.map(|p| format!("{p:.1}")).unwrap_or_default());
            out.write_record(&row).map_err(csv_error)?;
        }
        out.flush()?;
        written.push(path);
    }
    Ok(written)
}

fn csv_error(error: csv::Error) -> Error {
    match error.into_kind() {
        csv::ErrorKind::Io(io) => Error::from(io),
        _ => Error::Internal("writing a CSV file failed".into()),
    }
}
