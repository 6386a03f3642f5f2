//! Sync between laptops: the organization's laptops (add, list, revoke), joining a new
//! laptop with its join file, exporting and importing sync files, a sync folder, and the
//! conflicts that wait to be settled.

use std::path::PathBuf;

use acompana::vault::{KdfChoice, LockReason, Vault, VaultPaths};
use acompana::Error;
use clap::Subcommand;
use secrecy::ExposeSecret;
use serde::Serialize;

use crate::output::{print, CliError};
use crate::passwords::{new_password, prompt_secret};

#[derive(Subcommand, Debug)]
pub(crate) enum DeviceCommand {
    /// Prepare a laptop for a colleague: writes its join file and prints the one-off
    /// passphrase (shown once; read it to her, never send it with the file).
    Add {
        /// The colleague who will use the laptop.
        #[arg(long, value_name = "USERNAME")]
        staff: String,
        /// The laptop's name, as colleagues will see it.
        #[arg(long)]
        name: String,
        /// Where to write the join file.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// The organization's laptops: id, name, who uses it, when last heard from, revoked.
    List,
    /// Revoke a laptop (lost, stolen, colleague left; asks your password again): its files are
    /// refused from now on, and this vault is re-keyed (prints the new recovery code once).
    Revoke {
        #[arg(value_name = "DEVICE")]
        device: String,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum SyncCommand {
    /// Write, for each receiving laptop, the changes it has not seen and may see.
    Export {
        /// The file (one receiving laptop) or the folder (several).
        #[arg(long, value_name = "PATH")]
        to: PathBuf,
        /// A receiving laptop (repeat for several; default: every other laptop).
        #[arg(long = "for", value_name = "DEVICE")]
        for_devices: Vec<String>,
        /// Send everything the laptop may see, not only what it has not confirmed.
        #[arg(long, conflicts_with = "visit")]
        full: bool,
        /// A prison visit package: only the women ID… go to the one laptop --for, which
        /// keeps them for --days (the rest of her files leave it for the visit).
        #[arg(long, requires = "ids")]
        visit: bool,
        /// How long the visiting laptop keeps the package's files (1 to 30).
        #[arg(long, default_value_t = acompana::sync::visit::DEFAULT_DAYS, requires = "visit")]
        days: u32,
        /// The women of a visit package.
        #[arg(value_name = "ID", requires = "visit")]
        ids: Vec<String>,
    },
    /// Whether this laptop is in visit mode: until when, and with which women.
    Visit,
    /// Import sync files sent to this laptop (in any order; each is checked whole first).
    Import {
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Import what a shared folder holds for this laptop, then write what is new for others.
    Folder {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum ConflictsCommand {
    /// Changes made on two laptops without seeing each other, waiting to be settled.
    List,
    /// Settle a conflict by keeping one of its two changes.
    Resolve {
        #[arg(value_name = "ID")]
        id: String,
        /// The change to keep (the id of the kept or of the other operation).
        #[arg(long, value_name = "OP")]
        keep_op: String,
    },
}

pub(crate) fn device(
    vault: &mut Vault,
    command: &DeviceCommand,
    password_file: &Option<std::path::PathBuf>,
    json: bool,
) -> Result<(), CliError> {
    match command {
        DeviceCommand::Add { staff, name, out } => {
            let added = vault.device_add(staff, name, out)?;
            let shown = serde_json::json!({
                "device_id": added.device_id,
                "passphrase": added.passphrase,
                "expires": added.expires,
            });
            print(json, &shown, |_| {
                let a = &added;
                format!(
                    "Join file written to {} for laptop {}.\n\nPassphrase (read it to her; it is shown only this once and works until {}):\n\n    {}\n",
                    out.display(),
                    a.device_id,
                    a.expires,
                    a.passphrase
                )
            });
        }
        DeviceCommand::List => {
            let devices = vault.device_list()?;
            print(json, &devices, |devices| {
                devices
                    .iter()
                    .map(|d| {
                        format!(
                            "{}  {:<24} {:<14} {:<22} {}{}",
                            d.id,
                            d.name,
                            d.staff.as_deref().unwrap_or("-"),
                            d.last_heard.as_deref().unwrap_or("never heard from"),
                            if d.revoked {
                                "revoked"
                            } else if d.registered {
                                "registered"
                            } else {
                                "waiting to join"
                            },
                            if d.this_laptop { " (this laptop)" } else { "" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        DeviceCommand::Revoke { device } => {
            let password = crate::setup::confirm_password(password_file)?;
            let rekeyed = vault.device_revoke(device, &password)?;
            let done = format!("Laptop {device} revoked: files it signs are refused from now on.");
            crate::setup::print_rekeyed(vault, &rekeyed, &done, json)?;
        }
    }
    Ok(())
}

/// `join`: creates this laptop's vault from a join file; prints the recovery code once.
pub(crate) fn join(paths: &VaultPaths, file: &PathBuf, json: bool) -> Result<(), CliError> {
    let bytes = std::fs::read(file)
        .map_err(|_| CliError::Usage(format!("cannot read {}", file.display())))?;
    let passphrase = match std::env::var("ACOMPANA_JOIN_PASSPHRASE") {
        Ok(words) => secrecy::SecretString::from(words),
        Err(_) => prompt_secret("Join passphrase: ")?,
    };
    let password = new_password("Your new password: ")?;
    let (vault, code) = acompana::opening::join(
        paths,
        acompana::opening::Joining {
            file: &bytes,
            passphrase: passphrase.expose_secret(),
            password: &password,
        },
        KdfChoice::from_env(),
    )?;
    #[derive(Serialize)]
    struct Joined<'a> {
        data_dir: String,
        username: &'a str,
        device_id: &'a str,
        participants: u32,
        recovery_code: &'a str,
    }
    let participants = vault
        .participant_page(&Default::default())
        .map(|page| page.total)
        .unwrap_or(0);
    let joined = Joined {
        data_dir: paths.dir.display().to_string(),
        username: &vault.me().username,
        device_id: vault.device_id(),
        participants,
        recovery_code: code.display(),
    };
    print(json, &joined, |j| {
        format!(
            "This laptop joined the organization as {} ({} files loaded), in {}.\n\nRecovery code (write it on paper and keep it somewhere safe; it is shown only this once):\n\n    {}\n\nSend a first sync file to the coordinator's laptop so the others accept this laptop.",
            j.username, j.participants, j.data_dir, j.recovery_code
        )
    });
    let result = vault.lock(LockReason::Quit);
    result.map_err(CliError::from)
}

pub(crate) fn sync(vault: &mut Vault, command: &SyncCommand, json: bool) -> Result<(), CliError> {
    match command {
        SyncCommand::Visit => {
            let mode = vault.visit_status(acompana::sync::visit::now_ms())?;
            print(json, &mode, |mode| match mode {
                Some(mode) => format!(
                    "Visit mode until {}: {}",
                    mode.expires,
                    mode.files
                        .iter()
                        .map(|f| f.case_code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => "Not in visit mode.".to_string(),
            });
        }
        SyncCommand::Export {
            to,
            for_devices,
            visit: true,
            days,
            ids,
            ..
        } => {
            let [device] = for_devices.as_slice() else {
                return Err(CliError::Usage(
                    "a visit package is for exactly one laptop: --for DEVICE".into(),
                ));
            };
            let file = vault.visit_export(device, ids, *days, to)?;
            print(json, &file, |f| {
                format!(
                    "{}: visit package of {} women for {} ({} changes, {} files withdrawn for the visit)",
                    f.path,
                    ids.len(),
                    f.device_id,
                    f.operations,
                    f.withdrawn
                )
            });
        }
        SyncCommand::Export {
            to,
            for_devices,
            full,
            ..
        } => {
            let written = vault.sync_export(to, for_devices, *full)?;
            print(json, &written, |files| {
                files
                    .iter()
                    .map(|f| {
                        format!(
                            "{}: {} changes{} for {} ({} bytes)",
                            f.path,
                            f.operations,
                            if f.withdrawn > 0 {
                                format!(", {} files withdrawn", f.withdrawn)
                            } else {
                                String::new()
                            },
                            f.device_id,
                            f.bytes
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        SyncCommand::Import { files } => {
            let report = vault.sync_import(files)?;
            print(
                json,
                &snake_keys(serde_json::to_value(&report).map_err(Error::from)?),
                |_| {
                    let r = &report;
                    let mut lines = vec![format!(
                    "{} file(s) from {}: {} changes applied, {} already known, {} superseded, {} conflicts waiting, {} dropped.",
                    r.files,
                    r.from.join(", "),
                    r.applied,
                    r.known,
                    r.superseded,
                    r.conflicts,
                    r.dropped
                )];
                    for renamed in &r.renamed_staff {
                        lines.push(format!(
                            "Another laptop added a colleague as '{}', a username taken here: she goes by '{}' on this laptop.",
                            renamed.username, renamed.shown_as
                        ));
                    }
                    if r.already_imported > 0 {
                        lines.push(format!(
                            "{} file(s) had been imported before: nothing in them was read again.",
                            r.already_imported
                        ));
                    }
                    if r.from_the_future > 0 {
                        lines.push(format!(
                        "{} changes are stamped more than a day ahead of this laptop's clock: check the sender's date.",
                        r.from_the_future
                    ));
                    }
                    if r.purged > 0 || r.erased > 0 {
                        lines.push(format!(
                            "{} file(s) no longer on this laptop, {} erased at her request.",
                            r.purged, r.erased
                        ));
                    }
                    for warning in &r.rule_warnings {
                        lines.push(if warning.rule == "case_code_taken" {
                            format!(
                                "  {} was drawn on another laptop for a woman whose file here goes by {}: a file here already has that code.",
                                warning.detail, warning.case_code
                            )
                        } else {
                            format!(
                                "  check: {} breaks {} once merged ({}); both entries are kept",
                                warning.case_code, warning.rule, warning.detail
                            )
                        });
                    }
                    for changed in &r.participants_changed {
                        lines.push(format!(
                            "  changed: {} {}",
                            changed.case_code,
                            changed.chosen_name.as_deref().unwrap_or("")
                        ));
                    }
                    lines.join("\n")
                },
            );
        }
        SyncCommand::Folder { dir } => {
            let report = vault.sync_folder(dir)?;
            print(
                json,
                &snake_keys(serde_json::to_value(&report).map_err(Error::from)?),
                |_| {
                    let r = &report;
                    let mut lines = vec![format!(
                    "{} file(s) imported ({} changes applied, {} conflicts waiting), {} already applied, {} written.",
                    r.imported.len(),
                    r.applied,
                    r.conflicts,
                    r.already_applied,
                    r.exported.len()
                )];
                    for refused in &r.refused {
                        lines.push(format!("  refused: {} ({})", refused.file, refused.reason));
                    }
                    lines.join("\n")
                },
            );
            if !report.refused.is_empty() {
                return Err(Error::SyncRefused(leak_reason(&report.refused[0].reason)).into());
            }
        }
    }
    Ok(())
}

/// A report's JSON with snake_case keys, as the command line's sync reports promise
/// (`participants_changed`, `already_applied`…).
fn snake_keys(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => map
            .into_iter()
            .map(|(key, value)| {
                let mut snake = String::with_capacity(key.len() + 4);
                for c in key.chars() {
                    if c.is_ascii_uppercase() {
                        snake.push('_');
                        snake.push(c.to_ascii_lowercase());
                    } else {
                        snake.push(c);
                    }
                }
                (snake, snake_keys(value))
            })
            .collect(),
        serde_json::Value::Array(items) => items.into_iter().map(snake_keys).collect(),
        other => other,
    }
}

/// The stable reason code for a refusal's text (the codes are a closed list).
fn leak_reason(reason: &str) -> &'static str {
    acompana::sync::Refusal::code_from_str(reason).unwrap_or("sync_refused")
}

pub(crate) fn conflicts(
    vault: &mut Vault,
    command: &ConflictsCommand,
    json: bool,
) -> Result<(), CliError> {
    match command {
        ConflictsCommand::List => {
            let conflicts = vault.conflicts_list()?;
            print(json, &conflicts, |list| {
                if list.is_empty() {
                    return "No conflicts waiting.".to_string();
                }
                list.iter()
                    .map(|c| {
                        format!(
                            "{}  {} {} {}: kept {} ({} on {}, {}) / other {} ({} on {}, {}, op {})",
                            c.id,
                            c.case_code.as_deref().unwrap_or("-"),
                            c.record_type,
                            c.field,
                            c.kept.value.as_deref().unwrap_or("deleted"),
                            c.kept.author.as_deref().unwrap_or("?"),
                            c.kept.device.as_deref().unwrap_or("?"),
                            c.kept.at,
                            c.other.value.as_deref().unwrap_or("deleted"),
                            c.other.author.as_deref().unwrap_or("?"),
                            c.other.device.as_deref().unwrap_or("?"),
                            c.other.at,
                            c.other.op_id,
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        ConflictsCommand::Resolve { id, keep_op } => {
            vault.conflicts_resolve(id, keep_op)?;
            if !json {
                println!("Conflict settled; it leaves the other laptops at the next sync.");
            }
        }
    }
    Ok(())
}
