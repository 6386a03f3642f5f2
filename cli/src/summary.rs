//! Anonymized summaries: a protected summary (plain, JSON or CSV), a quarter's revision, a
//! contribution to a network, and pooling contributions.

use std::path::PathBuf;

use acompana::summary::{self, Audience, Breakdown, Summary, SummaryRequest};
use acompana::vault::Vault;
use clap::{Args, Subcommand};
use serde_json::json;

use crate::output::{print, CliError};
use crate::values::parse_enum;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct SummaryArgs {
    #[command(subcommand)]
    action: Option<SummaryAction>,
    /// The first quarter, like 2026Q3.
    #[arg(long, value_name = "QUARTER")]
    period: Option<String>,
    /// The last quarter, when the summary covers several.
    #[arg(long, value_name = "QUARTER")]
    to: Option<String>,
    /// internal (k = 5, figures as they stand) or public (closed quarters, frozen, k = 11).
    #[arg(long, default_value = "internal", value_parser = parse_enum::<Audience>)]
    audience: Audience,
    /// An indicator (repeat for several; none: every one). See `summary indicators`.
    #[arg(long = "indicator", value_name = "INDICATOR")]
    indicators: Vec<String>,
    /// A breakdown: department, quarter, age_band or sentence_band.
    #[arg(long, value_parser = parse_enum::<Breakdown>)]
    by: Option<Breakdown>,
    /// The threshold below which a count is hidden (at least 5).
    #[arg(long)]
    k: Option<u32>,
    /// Also write one CSV file per table into this folder.
    #[arg(long, value_name = "DIR")]
    csv: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum SummaryAction {
    /// The indicators, their unit and the breakdowns each allows.
    Indicators,
    /// Open a dated revision of a closed quarter: its public tables are produced anew.
    Revise {
        #[arg(long, value_name = "QUARTER")]
        period: String,
        /// Why the quarter is revised (printed with its tables).
        #[arg(long)]
        reason: String,
    },
    /// This laptop's key for receiving contributions, to give a network's organizations.
    Recipient,
    /// Write this organization's contribution for a closed quarter, signed and sealed to a
    /// network coordinator's key.
    Contribute {
        #[arg(long, value_name = "QUARTER")]
        period: String,
        /// The network coordinator's key (age1…), from `summary recipient` on her laptop.
        #[arg(long, value_name = "RECIPIENT")]
        to: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Pool contributions of one closed quarter into one protected report.
    Pool {
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// Also write one CSV file per table into this folder.
        #[arg(long, value_name = "DIR")]
        csv: Option<PathBuf>,
    },
}

/// A summary in words: each table with its cells, then the method.
fn summary_text(summary: &Summary) -> String {
    let mut out = vec![format!(
        "{} — {}{} ({}, k = {})",
        summary.organization,
        summary.period,
        if summary.to != summary.period {
            format!(" to {}", summary.to)
        } else {
            String::new()
        },
        match summary.audience {
            Audience::Internal => "internal",
            Audience::Public => "public",
            Audience::Pool => "pooled",
        },
        summary.k
    )];
    if !summary.organizations.is_empty() {
        out.push(format!(
            "Organizations ({}): {}",
            summary.organizations.len(),
            summary.organizations.join(", ")
        ));
    }
    for revision in summary.revisions.iter().filter(|r| r.revision > 0) {
        out.push(format!(
            "{} revision {} of {}: {}",
            revision.period,
            revision.revision,
            revision.revised_on.as_deref().unwrap_or(""),
            revision.reason.as_deref().unwrap_or("")
        ));
    }
    out.push(format!(
        "Not included (no statistics consent): {}",
        summary.not_included.display
    ));
    for table in &summary.tables {
        out.push(String::new());
        out.push(format!(
            "{} ({}; k = {})",
            table.indicator, table.unit, table.k
        ));
        for cell in &table.cells {
            let labels: Vec<&str> = table
                .breakdowns
                .iter()
                .map(|d| cell.labels.get(d).map(String::as_str).unwrap_or(""))
                .collect();
            let percent = cell
                .percent
                .map(|p| format!("  {p:.1} %"))
                .unwrap_or_default();
            out.push(format!(
                "  {:<40} {:>7}{percent}",
                labels.join(" / "),
                cell.display
            ));
        }
    }
    out.push(String::new());
    out.push(format!("Method: {}", summary.method));
    out.join("\n")
}

fn write_csv(summary: &Summary, dir: &Option<PathBuf>, json: bool) -> Result<(), CliError> {
    if let Some(dir) = dir {
        let files = summary::write_csv(summary, dir)?;
        if !json {
            println!("Wrote {} CSV files into {}.", files.len(), dir.display());
        }
    }
    Ok(())
}

pub(crate) fn summary(vault: &mut Vault, args: &SummaryArgs, json: bool) -> Result<(), CliError> {
    match &args.action {
        Some(SummaryAction::Indicators) => {
            let list = summary::indicator_list();
            print(json, &list, |list| {
                list.iter()
                    .map(|i| {
                        let by: Vec<&str> = i.breakdowns.iter().map(|b| b.as_str()).collect();
                        format!(
                            "{:<22} {:<13} {}{}  by: {}",
                            i.id,
                            serde_json::to_value(i.unit)
                                .ok()
                                .and_then(|u| u.as_str().map(str::to_string))
                                .unwrap_or_default(),
                            i.dimensions.join(" × "),
                            if i.sensitive {
                                " (sensitive, k ≥ 10)"
                            } else {
                                ""
                            },
                            if by.is_empty() {
                                "-".to_string()
                            } else {
                                by.join(", ")
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Some(SummaryAction::Revise { period, reason }) => {
            let revision = vault.summary_revise(period, reason)?;
            print(json, &revision, |r| {
                format!(
                    "{} is now at revision {}: its public tables will be produced anew.",
                    r.period, r.revision
                )
            });
        }
        Some(SummaryAction::Recipient) => {
            let recipient = vault.summary_recipient()?;
            print(json, &json!({ "recipient": recipient }), |_| {
                recipient.clone()
            });
        }
        Some(SummaryAction::Contribute { period, to, out }) => {
            let file = vault.summary_contribute(period, to)?;
            std::fs::write(out, &file).map_err(acompana::Error::from)?;
            print(
                json,
                &json!({ "file": out, "period": period, "bytes": file.len() }),
                |_| format!("Contribution for {period} written to {}.", out.display()),
            );
        }
        Some(SummaryAction::Pool { files, csv }) => {
            let mut read = Vec::new();
            for file in files {
                let metadata = std::fs::metadata(file).map_err(acompana::Error::from)?;
                if metadata.len() > summary::pool::MAX_FILE_BYTES as u64 {
                    return Err(acompana::Error::ContributionRefused("too_large").into());
                }
                read.push(std::fs::read(file).map_err(acompana::Error::from)?);
            }
            let report = vault.summary_pool(&read)?;
            write_csv(&report, csv, json)?;
            print(json, &report, summary_text);
        }
        None => {
            let Some(period) = &args.period else {
                return Err(CliError::Usage(
                    "give --period QUARTER (like 2026Q3), or a subcommand".into(),
                ));
            };
            let request = SummaryRequest {
                period: period.clone(),
                to: args.to.clone(),
                audience: args.audience,
                indicators: args.indicators.clone(),
                by: args.by,
                k: args.k,
            };
            let summary = vault.summary(&request)?;
            write_csv(&summary, &args.csv, json)?;
            print(json, &summary, summary_text);
        }
    }
    Ok(())
}
