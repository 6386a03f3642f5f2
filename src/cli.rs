//! The `acompana` command line, for coordinators' scripts and for tests.
//!
//! Exit status: 0 success, 2 usage error, 3 wrong user, password or recovery code, 4 vault
//! missing, corrupt, tampered or too new, 1 anything else. Errors go to stderr in plain words
//! (and as JSON with `--json`). Passwords come from an interactive prompt, or for scripts from
//! `ACOMPANA_PASSWORD` / `--password-file` (signing in) and `ACOMPANA_NEW_PASSWORD` (a password
//! being set).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::records::participants::{
    NewParticipant, ParticipantField, ParticipantQuery, ParticipantSummary,
};
use crate::staff::{Role, StaffMember};
use crate::vault::{self, KdfChoice, LockReason, NewVault, Vault, VaultPaths};
use crate::Country;

#[derive(Parser, Debug)]
#[command(
    name = "acompana",
    version,
    about = "Acompaña: encrypted, offline case management for peer-support organizations"
)]
struct Cli {
    /// The data folder (default: the platform's application-data folder).
    #[arg(long, global = true, env = "ACOMPANA_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Who signs in, for every command but `init` and `recover`.
    #[arg(long, global = true, value_name = "USERNAME")]
    user: Option<String>,
    /// Read the sign-in password from this file (first line) instead of prompting.
    #[arg(long, global = true, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// Print data as JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create the organization's vault, with its first administrator; prints the recovery code once.
    Init {
        /// The organization's name (stored only inside the encrypted vault).
        #[arg(long)]
        org: String,
        /// The country whose lists the organization uses.
        #[arg(long, value_enum)]
        country: Country,
        /// The first administrator's username.
        #[arg(long, value_name = "USERNAME")]
        admin: String,
        /// Her name as colleagues know it (default: the username).
        #[arg(long, value_name = "NAME")]
        admin_name: Option<String>,
    },
    /// Staff: add, list, disable, reset a password.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Change your own password.
    Passwd,
    /// Set a new password for USERNAME with the printed recovery code (from a prompt or
    /// ACOMPANA_RECOVERY_CODE).
    Recover {
        #[arg(value_name = "USERNAME")]
        username: String,
    },
    /// Unlock, run the integrity check and print the vault's format and parameters.
    Check,
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The women's files: add, list, show, set a field.
    #[command(subcommand)]
    Participant(ParticipantCommand),
    /// Find files by case code, legal or chosen name (partial, accents ignored).
    Search {
        #[arg(value_name = "TEXT")]
        text: String,
    },
    /// A file's history from the change log.
    History {
        #[arg(value_name = "ID")]
        id: String,
    },
}

#[derive(Subcommand, Debug)]
enum ParticipantCommand {
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
        #[arg(long)]
        status: Option<String>,
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
    /// Set one field; an empty VALUE clears it.
    Set {
        #[arg(value_name = "ID")]
        id: String,
        #[arg(value_enum)]
        field: ParticipantField,
        #[arg(value_name = "VALUE")]
        value: String,
    },
}

#[derive(Subcommand, Debug)]
enum StaffCommand {
    /// Add a member of staff; her initial password comes from ACOMPANA_NEW_PASSWORD or a prompt.
    Add {
        #[arg(value_name = "USERNAME")]
        username: String,
        #[arg(long, value_enum)]
        role: Role,
        /// Her name as colleagues know it (default: the username).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// List the staff.
    List,
    /// Disable a member of staff: her key slot is removed.
    Disable {
        #[arg(value_name = "USERNAME")]
        username: String,
    },
    /// Set a new password for a colleague (from ACOMPANA_NEW_PASSWORD or a prompt).
    ResetPassword {
        #[arg(value_name = "USERNAME")]
        username: String,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check the audit log's hash chain.
    Verify,
    /// Show the newest entries.
    List {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

/// Exit codes of the command line.
pub mod exit {
    pub const OK: u8 = 0;
    pub const OTHER: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const CREDENTIALS: u8 = 3;
    pub const VAULT: u8 = 4;
}

fn exit_code(error: &Error) -> u8 {
    match error {
        Error::InvalidInput { .. } | Error::WeakPassword { .. } => exit::USAGE,
        Error::WrongCredentials | Error::WrongRecoveryCode => exit::CREDENTIALS,
        Error::VaultMissing(_) | Error::VaultCorrupt(_) | Error::VaultTooNew { .. } => exit::VAULT,
        _ => exit::OTHER,
    }
}

/// Runs the command line and returns its exit status.
pub fn main() -> ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ACOMPANA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .try_init();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::from(exit::OK),
        Err(CliError::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(exit::USAGE)
        }
        Err(CliError::Core(error)) => {
            if json {
                eprintln!(
                    "{}",
                    serde_json::json!({"error": {"code": error.code().as_str(), "message": error.to_string()}})
                );
            } else {
                eprintln!("error: {error}");
            }
            ExitCode::from(exit_code(&error))
        }
    }
}

enum CliError {
    Usage(String),
    Core(Error),
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        CliError::Core(error)
    }
}

fn print<T: Serialize>(json: bool, value: &T, plain: impl FnOnce(&T) -> String) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(value).expect("output always serializes")
        );
    } else {
        println!("{}", plain(value));
    }
}

/// The sign-in password: `--password-file`, then `ACOMPANA_PASSWORD`, then a prompt.
fn sign_in_password(cli_file: &Option<PathBuf>, prompt: &str) -> Result<SecretString, CliError> {
    if let Some(path) = cli_file {
        let text = std::fs::read_to_string(path)
            .map_err(|_| CliError::Usage(format!("cannot read {}", path.display())))?;
        let first = text.lines().next().unwrap_or_default().to_string();
        return Ok(SecretString::from(first));
    }
    if let Ok(password) = std::env::var("ACOMPANA_PASSWORD") {
        return Ok(SecretString::from(password));
    }
    prompt_secret(prompt)
}

/// A password being set: `ACOMPANA_NEW_PASSWORD`, then a prompt asked twice.
fn new_password(prompt: &str) -> Result<SecretString, CliError> {
    if let Ok(password) = std::env::var("ACOMPANA_NEW_PASSWORD") {
        return Ok(SecretString::from(password));
    }
    let first = prompt_secret(prompt)?;
    let second = prompt_secret("Repeat it: ")?;
    if first.expose_secret() != second.expose_secret() {
        return Err(CliError::Usage("the two passwords differ".into()));
    }
    Ok(first)
}

fn prompt_secret(prompt: &str) -> Result<SecretString, CliError> {
    rpassword::prompt_password(prompt)
        .map(SecretString::from)
        .map_err(|_| {
            CliError::Usage(
                "no terminal to ask for a password: set ACOMPANA_PASSWORD / ACOMPANA_NEW_PASSWORD or use --password-file"
                    .into(),
            )
        })
}

fn sign_in(cli: &Cli, paths: &VaultPaths) -> Result<Vault, CliError> {
    let username = cli
        .user
        .as_deref()
        .ok_or_else(|| CliError::Usage("this command needs --user USERNAME".into()))?;
    if !paths.exists() {
        return Err(Error::VaultMissing(paths.dir.clone()).into());
    }
    let password = sign_in_password(&cli.password_file, "Password: ")?;
    Ok(vault::unlock(paths, username, &password)?)
}

fn find_staff(vault: &Vault, username: &str) -> Result<StaffMember> {
    let username = username.trim().to_lowercase();
    vault
        .staff_list()?
        .into_iter()
        .find(|m| m.username == username)
        .ok_or(Error::StaffNotFound)
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

fn role_name(role: Role) -> &'static str {
    role.as_str()
}

fn run(cli: Cli) -> Result<(), CliError> {
    let dir = cli.data_dir.clone().unwrap_or_else(vault::default_data_dir);
    let paths = VaultPaths::new(dir);
    let json = cli.json;
    match &cli.command {
        Command::Init {
            org,
            country,
            admin,
            admin_name,
        } => {
            let password = match std::env::var("ACOMPANA_NEW_PASSWORD") {
                Ok(p) => SecretString::from(p),
                Err(_)
                    if cli.password_file.is_some()
                        || std::env::var("ACOMPANA_PASSWORD").is_ok() =>
                {
                    sign_in_password(&cli.password_file, "")?
                }
                Err(_) => new_password("Administrator's password: ")?,
            };
            let new = NewVault {
                org_name: org.clone(),
                country: *country,
                admin_username: admin.clone(),
                admin_display_name: admin_name.clone().unwrap_or_else(|| admin.clone()),
                admin_password: password,
            };
            let (vault, code) = vault::create(&paths, new, KdfChoice::from_env())?;
            let check = vault.check()?;
            vault.lock(LockReason::Quit)?;
            #[derive(Serialize)]
            struct Created<'a> {
                data_dir: String,
                recovery_code: &'a str,
                kdf: crate::crypto::KdfParams,
            }
            let created = Created {
                data_dir: paths.dir.display().to_string(),
                recovery_code: code.display(),
                kdf: check.kdf,
            };
            print(json, &created, |c| {
                format!(
                    "Vault created in {}.\n\nRecovery code (write it on paper and keep it somewhere safe; it is shown only this once):\n\n    {}\n",
                    c.data_dir, c.recovery_code
                )
            });
            Ok(())
        }
        Command::Recover { username } => {
            if !paths.exists() {
                return Err(Error::VaultMissing(paths.dir.clone()).into());
            }
            let code = match std::env::var("ACOMPANA_RECOVERY_CODE") {
                Ok(code) => SecretString::from(code),
                Err(_) => prompt_secret("Recovery code: ")?,
            };
            let password = new_password("New password: ")?;
            let vault = vault::recover(&paths, &code, username, &password)?;
            vault.lock(LockReason::Quit)?;
            if !json {
                println!("Password set. Sign in with the new password.");
            }
            Ok(())
        }
        _ => {
            let mut vault = sign_in(&cli, &paths)?;
            let result = run_signed_in(&cli, &mut vault, json);
            let locked = vault.lock(LockReason::Quit);
            result?;
            locked?;
            Ok(())
        }
    }
}

fn run_signed_in(cli: &Cli, vault: &mut Vault, json: bool) -> Result<(), CliError> {
    match &cli.command {
        Command::Staff(StaffCommand::Add {
            username,
            role,
            name,
        }) => {
            let password = new_password("Her initial password: ")?;
            let member = vault.staff_add(
                username,
                name.as_deref().unwrap_or(username),
                *role,
                &password,
            )?;
            print(json, &member, |m| {
                format!("Added {} ({}) as {}.", m.username, m.id, role_name(m.role))
            });
        }
        Command::Staff(StaffCommand::List) => {
            let members = vault.staff_list()?;
            print(json, &members, |members| {
                members
                    .iter()
                    .map(|m| {
                        format!(
                            "{:<20} {:<12} {:<9} {}",
                            m.username,
                            role_name(m.role),
                            if m.active { "active" } else { "disabled" },
                            m.display_name
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Staff(StaffCommand::Disable { username }) => {
            let member = find_staff(vault, username)?;
            vault.staff_disable(&member.id)?;
            if !json {
                println!("Disabled {}; her key slot was removed.", member.username);
            }
        }
        Command::Staff(StaffCommand::ResetPassword { username }) => {
            let member = find_staff(vault, username)?;
            let password = new_password("Her new password: ")?;
            vault.staff_reset_password(&member.id, &password)?;
            if !json {
                println!("New password set for {}.", member.username);
            }
        }
        Command::Passwd => {
            let current = sign_in_password(&cli.password_file, "Current password: ")?;
            let password = new_password("New password: ")?;
            vault.change_password(&current, &password)?;
            if !json {
                println!("Password changed.");
            }
        }
        Command::Check => {
            let check = vault.check()?;
            print(json, &check, |c| {
                format!(
                    "integrity: {}\nschema version: {}\nkey-slot format: {}\nargon2id: {} MiB, {} passes, {} lane(s)\nstaff: {} ({} active)",
                    c.integrity,
                    c.schema_version,
                    c.keyslot_format,
                    c.kdf.memory_kib / 1024,
                    c.kdf.iterations,
                    c.kdf.parallelism,
                    c.staff_total,
                    c.staff_active
                )
            });
        }
        Command::Audit(AuditCommand::Verify) => {
            let result = vault.audit_verify()?;
            print(json, &result, |r| match r.first_bad_seq {
                None => format!("audit log intact: {} entries", r.entries),
                Some(seq) => format!("AUDIT LOG ALTERED: first bad entry {seq}"),
            });
            if !result.ok {
                return Err(Error::VaultCorrupt("the audit log was altered").into());
            }
        }
        Command::Audit(AuditCommand::List { limit }) => {
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
        Command::Participant(ParticipantCommand::Add {
            name,
            chosen_name,
            birth_year,
            department,
            assign,
        }) => {
            let participant = vault.participant_add(NewParticipant {
                legal_name: name.clone(),
                chosen_name: chosen_name.clone(),
                birth_year: *birth_year,
                department: department.clone(),
                assign_to: assign.clone(),
            })?;
            print(json, &participant, |p| p.id.clone());
        }
        Command::Participant(ParticipantCommand::List {
            status,
            department,
            assigned_to,
            limit,
            offset,
        }) => {
            let list = vault.participant_list(&ParticipantQuery {
                text: None,
                status: status.clone(),
                department: department.clone(),
                assigned_to: assigned_to.clone(),
                offset: *offset,
                limit: *limit,
            })?;
            print(json, &list, |list| summary_lines(list));
        }
        Command::Search { text } => {
            let list = vault.participant_list(&ParticipantQuery {
                text: Some(text.clone()),
                ..Default::default()
            })?;
            print(json, &list, |list| summary_lines(list));
        }
        Command::Participant(ParticipantCommand::Show { id }) => {
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
        }
        Command::Participant(ParticipantCommand::Set { id, field, value }) => {
            let value = Some(value.as_str()).filter(|v| !v.trim().is_empty());
            let participant = vault.participant_set(id, *field, value)?;
            print(json, &participant, |p| format!("Updated {}.", p.case_code));
        }
        Command::History { id } => {
            let operations = vault.participant_history(id)?;
            print(json, &operations, |ops| {
                ops.iter()
                    .map(|op| {
                        format!(
                            "{:>4} {} {:<7} {:<12} {}",
                            op.seq,
                            op.hlc.encode(),
                            format!("{:?}", op.kind).to_lowercase(),
                            op.field,
                            op.value.as_ref().map(|v| v.to_string()).unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Init { .. } | Command::Recover { .. } => unreachable!("handled before sign-in"),
    }
    Ok(())
}
