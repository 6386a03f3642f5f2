//! The women's files: opening, listing, searching, showing, changing, sharing, closing; a
//! file's history.

use acompana::records::participants::{
    ClosingReason, NewParticipant, ParticipantField, ParticipantQuery, ParticipantSummary,
};
use acompana::vault::Vault;
use clap::Subcommand;

use crate::output::{print, CliError};
use crate::values;

#[derive(Subcommand, Debug)]
pub(crate) enum ParticipantCommand {
    /// Open a new file; prints its id.
    Add {
        /// Her legal name.
        #[arg(long)]
        name: String,
        #[arg(long)]
        chosen_name: Option<String>,
        #[arg(long)]
        birth_year: Option<i32>,
        /// Department or state.
        #[arg(long)]
        department: Option<String>,
        /// Username of the caseworker to assign.
        #[arg(long, value_name = "USERNAME")]
        assign: Option<String>,
    },
    /// List the files you may see (case code and chosen name only).
    List {
        /// open or closed.
        #[arg(long)]
        status: Option<String>,
        /// Only files with required documents still pending.
        #[arg(long)]
        documents_pending: bool,
        /// Only files with open needs in the latest assessment.
        #[arg(long)]
        needs_open: bool,
        #[arg(long)]
        department: Option<String>,
        #[arg(long, value_name = "USERNAME")]
        assigned_to: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Open a file (the view is audited).
    Show {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Open a whole file: her details and every record (the view is audited).
    File {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Close a case with a reason.
    Close {
        #[arg(value_name = "ID")]
        id: String,
        #[arg(long, value_parser = values::closing_reason())]
        reason: ClosingReason,
    },
    /// Erase a woman at her request (coordinators and administrators): her file leaves this
    /// laptop and, at the next sync, every other; only an erasure marker stays.
    Erase {
        #[arg(value_name = "ID")]
        id: String,
        /// Why (for the audit log; no personal data).
        #[arg(long)]
        reason: String,
    },
    /// Reopen a closed case.
    Reopen {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Share a file with a caseworker besides the assigned one (or stop, with --remove).
    Share {
        #[arg(value_name = "ID")]
        id: String,
        #[arg(value_name = "USERNAME")]
        username: String,
        #[arg(long)]
        remove: bool,
    },
    /// Set one field; an empty VALUE clears it.
    Set {
        #[arg(value_name = "ID")]
        id: String,
        #[arg(value_parser = values::participant_field())]
        field: ParticipantField,
        #[arg(value_name = "VALUE")]
        value: String,
    },
}

fn summary_lines(list: &[ParticipantSummary]) -> String {
    list.iter()
        .map(|p| {
            format!(
                "{:<10} {:<24} {:<16} {:<7} {}",
                p.case_code,
                p.chosen_name.as_deref().unwrap_or("-"),
                p.department.as_deref().unwrap_or("-"),
                p.status,
                p.id
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn participant(
    vault: &mut Vault,
    command: &ParticipantCommand,
    json: bool,
) -> Result<(), CliError> {
    match command {
        ParticipantCommand::Add {
            name,
            chosen_name,
            birth_year,
            department,
            assign,
        } => {
            let participant = vault.participant_add(NewParticipant {
                legal_name: name.clone(),
                chosen_name: chosen_name.clone(),
                birth_year: *birth_year,
                department: department.clone(),
                assign_to: assign.clone(),
            })?;
            print(json, &participant, |p| p.id.clone());
        }
        ParticipantCommand::List {
            status,
            documents_pending,
            needs_open,
            department,
            assigned_to,
            limit,
            offset,
        } => {
            let list = vault.participant_list(&ParticipantQuery {
                text: None,
                status: status.clone(),
                department: department.clone(),
                assigned_to: assigned_to.clone(),
                documents_pending: documents_pending.then_some(true),
                needs_open: needs_open.then_some(true),
                offset: *offset,
                limit: *limit,
            })?;
            print(json, &list, |list| summary_lines(list));
        }
        ParticipantCommand::Show { id } => show(vault, id, json)?,
        ParticipantCommand::File { id } => file(vault, id, json)?,
        ParticipantCommand::Set { id, field, value } => {
            let value = Some(value.as_str()).filter(|v| !v.trim().is_empty());
            let participant = vault.participant_set(id, *field, value)?;
            print(json, &participant, |p| format!("Updated {}.", p.case_code));
        }
        ParticipantCommand::Close { id, reason } => {
            let p = vault.participant_close(id, *reason)?;
            print(json, &p, |p| format!("Closed {}.", p.case_code));
        }
        ParticipantCommand::Erase { id, reason } => {
            vault.participant_erase(id, reason)?;
            print(json, &serde_json::json!({ "erased": id }), |_| {
                format!("Erased {id}. The other laptops erase her at their next sync.")
            });
        }
        ParticipantCommand::Reopen { id } => {
            let p = vault.participant_reopen(id)?;
            print(json, &p, |p| format!("Reopened {}.", p.case_code));
        }
        ParticipantCommand::Share {
            id,
            username,
            remove,
        } => {
            let p = vault.participant_share(id, username, !remove)?;
            print(json, &p, |p| {
                format!(
                    "{} is shared with: {}",
                    p.case_code,
                    p.shared_with.join(", ")
                )
            });
        }
    }
    Ok(())
}

fn show(vault: &mut Vault, id: &str, json: bool) -> Result<(), CliError> {
    let participant = vault.participant_show(id)?;
    print(json, &participant, |p| {
        format!(
            "{}  {}\nlegal name: {}\nchosen name: {}\nborn: {}\ndepartment: {}\nstatus: {}\nassigned to: {}",
            p.case_code,
            p.id,
            p.legal_name,
            p.chosen_name.as_deref().unwrap_or("-"),
            p.birth_year.map(|y| y.to_string()).unwrap_or("-".into()),
            p.department.as_deref().unwrap_or("-"),
            p.status,
            p.assigned_to.as_deref().unwrap_or("-")
        )
    });
    Ok(())
}

fn file(vault: &mut Vault, id: &str, json: bool) -> Result<(), CliError> {
    let file = vault.participant_file(id)?;
    print(json, &file, |f| {
        let mut lines = vec![format!(
            "{}  {}  ({} documents pending, {} needs open)",
            f.participant.case_code,
            f.participant.legal_name,
            f.participant.documents_pending,
            f.participant.needs_open
        )];
        for r in &f.records {
            let fields = serde_json::to_string(&r.data).unwrap_or_default();
            lines.push(format!("{:<10} {}  {}", r.data.kind(), r.id, fields));
        }
        lines.join("\n")
    });
    Ok(())
}

/// `search`: files by case code, legal or chosen name.
pub(crate) fn search(vault: &mut Vault, text: &str, json: bool) -> Result<(), CliError> {
    let list = vault.participant_list(&ParticipantQuery {
        text: Some(text.to_string()),
        ..Default::default()
    })?;
    print(json, &list, |list| summary_lines(list));
    Ok(())
}

/// `history`: a file's history from the change log.
pub(crate) fn history(
    vault: &mut Vault,
    id: &str,
    reveal: bool,
    json: bool,
) -> Result<(), CliError> {
    let entries = vault.participant_history(id, reveal)?;
    print(json, &entries, |entries| {
        entries
            .iter()
            .map(|e| {
                format!(
                    "{} {:<14} {:<7} {:<10} {:<22} {}",
                    e.at,
                    e.author.as_deref().unwrap_or("-"),
                    e.kind,
                    e.record_type,
                    e.field,
                    e.value.as_deref().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
