//! A woman's rights requests: record one with its legal deadline, list them, mark one done.

use acompana::records::rights::{RightsKind, RightsRequestEntry};
use acompana::sync::erasure::RightsOverview;
use acompana::vault::Vault;
use clap::Subcommand;
use serde_json::json;

use crate::output::{print, CliError};
use crate::values::parse_enum;

#[derive(Subcommand, Debug)]
pub(crate) enum RightsCommand {
    /// Record a request she made; prints its id and the last day to answer it.
    Add {
        #[arg(value_name = "ID")]
        participant: String,
        /// access, correction or erasure.
        #[arg(long, value_parser = parse_enum::<RightsKind>)]
        kind: RightsKind,
        /// The day it was received.
        #[arg(long, value_name = "YYYY-MM-DD")]
        received: String,
    },
    /// The requests of every file on this laptop and every erasure, with which laptops
    /// have acknowledged it (coordinators and administrators).
    List,
    /// Mark an access or correction request answered today (an erasure is answered by
    /// erasing her).
    Done {
        #[arg(value_name = "REQUEST")]
        request: String,
        /// What was given or corrected, in a few words.
        #[arg(long)]
        outcome: Option<String>,
    },
}

fn request_line(entry: &RightsRequestEntry) -> String {
    let request = &entry.request;
    let status = match &request.done_on {
        Some(day) => format!("done {day}"),
        None => format!("answer by {}", request.deadline),
    };
    format!(
        "{}  {:<17} {:<10} received {}  {}  ({})",
        entry.id,
        entry.case_code,
        request.right.as_str(),
        request.received_on,
        status,
        request.basis
    )
}

fn overview_text(overview: &RightsOverview) -> String {
    let mut out = vec![format!("Requests ({})", overview.requests.len())];
    out.extend(overview.requests.iter().map(request_line));
    out.push(format!("Erasures ({})", overview.erasures.len()));
    for erasure in &overview.erasures {
        let waiting: Vec<&str> = erasure
            .laptops
            .iter()
            .filter(|l| !l.acknowledged)
            .map(|l| l.device_name.as_str())
            .collect();
        out.push(format!(
            "{}  erased {}  {}",
            erasure.participant_id,
            erasure.erased_at,
            if waiting.is_empty() {
                "acknowledged by every laptop".to_string()
            } else {
                format!("waiting for: {}", waiting.join(", "))
            }
        ));
    }
    out.join("\n")
}

pub(crate) fn rights(
    vault: &mut Vault,
    command: &RightsCommand,
    json: bool,
) -> Result<(), CliError> {
    match command {
        RightsCommand::Add {
            participant,
            kind,
            received,
        } => {
            let entry = vault.rights_add(participant, *kind, received)?;
            let shown = json!({ "id": entry.id, "deadline": entry.request.deadline });
            print(json, &shown, |_| {
                format!(
                    "Request {} recorded; answer by {} ({}).",
                    entry.id, entry.request.deadline, entry.request.basis
                )
            });
        }
        RightsCommand::List => {
            let overview = vault.rights_list()?;
            print(json, &overview, overview_text);
        }
        RightsCommand::Done { request, outcome } => {
            let entry = vault.rights_done(request, outcome.clone())?;
            print(json, &entry, request_line);
        }
    }
    Ok(())
}
