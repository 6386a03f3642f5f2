//! The audit log: checking its hash chain, listing the newest entries.

use acompana::vault::Vault;
use acompana::Error;
use clap::Subcommand;

use crate::output::{print, CliError};

#[derive(Subcommand, Debug)]
pub(crate) enum AuditCommand {
    /// Check the audit log's hash chain.
    Verify,
    /// Show the newest entries.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

pub(crate) fn audit(vault: &mut Vault, command: &AuditCommand, json: bool) -> Result<(), CliError> {
    match command {
        AuditCommand::Verify => {
            let result = vault.audit_verify()?;
            print(json, &result, |r| match r.first_bad_seq {
                None => format!("audit log intact: {} entries", r.entries),
                Some(seq) => format!("AUDIT LOG ALTERED: first bad entry {seq}"),
            });
            if !result.ok {
                return Err(Error::VaultCorrupt("the audit log was altered").into());
            }
        }
        AuditCommand::List { limit } => {
            let entries = vault.audit_list(0, *limit)?;
            print(json, &entries, |entries| {
                entries
                    .iter()
                    .map(|e| {
                        format!(
                            "{:>6} {} {:<18} {:<14} {:<14} {}",
                            e.seq,
                            e.at,
                            e.action.as_str(),
                            e.actor.as_deref().unwrap_or("-"),
                            e.target.as_deref().unwrap_or("-"),
                            e.detail.as_deref().unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}
