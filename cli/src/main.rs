//! The `acompana` command line, for coordinators' scripts and for tests.
//!
//! Exit status: 0 success, 2 usage error, 3 wrong user, password or recovery code, 4 vault
//! missing, corrupt, tampered or too new, 1 anything else. Errors go to stderr in plain words
//! (and as JSON with `--json`). Passwords come from an interactive prompt, or for scripts from
//! `ACOMPANA_PASSWORD` / `--password-file` (signing in) and `ACOMPANA_NEW_PASSWORD` (a password
//! being set).

mod legal;
mod values;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use acompana::error::{Error, Result};
use acompana::records::consent::{Consent, ConsentMethod, ConsentPurpose, LegalBasis};
use acompana::records::contacts::{BatchVisit, Note};
use acompana::records::documents::{Document, DocumentStatus};
use acompana::records::file::RecordData;
use acompana::records::household::{Carer, Custody, Dependant, Relationship};
use acompana::records::participants::{
    ClosingReason, NewParticipant, ParticipantField, ParticipantQuery, ParticipantSummary,
};
use acompana::staff::{Role, StaffMember};
use acompana::vault::{self, KdfChoice, LockReason, NewVault, Vault, VaultPaths};
use acompana::Country;
use values::parse_enum;

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
        #[arg(long, value_parser = values::country())]
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
    /// Unlock, check the vault and print its format and parameters. Unlocking checks the key,
    /// the header and the schema; --full reads and verifies every page of the database.
    Check {
        /// Read and verify every page (takes longer on a large vault).
        #[arg(long)]
        full: bool,
    },
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
    /// Dependants: add one to a file.
    #[command(subcommand)]
    Dependant(DependantCommand),
    /// Documents: the country's checklist, and a document's status in a file.
    #[command(subcommand)]
    Document(DocumentCommand),
    /// Consent: record one purpose.
    #[command(subcommand)]
    Consent(ConsentCommand),
    /// Notes: add one to a file.
    #[command(subcommand)]
    Note(NoteCommand),
    /// Prison visits: record one visit for several women at once.
    #[command(subcommand)]
    Visit(VisitCommand),
    /// Criminal-justice applications: add, decide, list with their legal deadlines.
    #[command(subcommand)]
    Legal(legal::LegalCommand),
    /// Law 2292 community service: plan, log hours, compliance reports.
    #[command(subcommand)]
    Service(legal::ServiceCommand),
    /// The directory of partner organizations and services.
    #[command(subcommand)]
    Directory(legal::DirectoryCommand),
    /// Referrals to partner organizations.
    #[command(subcommand)]
    Referral(legal::ReferralCommand),
    /// Tasks: what is due, and marking one done.
    #[command(subcommand)]
    Tasks(legal::TasksCommand),
    /// Fill a new, separate vault with invented women for trying the app out or measuring it.
    Demo {
        /// How many women to invent.
        #[arg(long, default_value_t = 200)]
        participants: u32,
        /// The same seed gives the same women.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The country whose lists a new demo vault uses.
        #[arg(long, value_parser = values::country(), default_value = "CO")]
        country: Country,
    },
}

#[derive(Subcommand, Debug)]
enum DependantCommand {
    /// Add a dependant; prints the new record's id.
    Add {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        /// A first name or nickname (never the full name).
        #[arg(long)]
        alias: String,
        /// daughter, son, grandchild, sibling, parent, partner, other_relative, other.
        #[arg(long, value_parser = parse_enum::<Relationship>)]
        relationship: Relationship,
        #[arg(long, value_name = "YYYY-MM-DD")]
        birth_date: Option<String>,
        #[arg(long)]
        age: Option<u8>,
        /// herself, grandmother, father, other_relative, foster_family, institution, neighbour,
        /// independent, unknown.
        #[arg(long, value_parser = parse_enum::<Carer>, default_value = "unknown")]
        carer: Carer,
        /// hers, shared, relative, state_protection, in_process, unknown.
        #[arg(long, value_parser = parse_enum::<Custody>, default_value = "unknown")]
        custody: Custody,
        #[arg(long)]
        disability: bool,
        #[arg(long)]
        disability_certificate: bool,
        #[arg(long)]
        lived_with_her_before: bool,
    },
}

#[derive(Subcommand, Debug)]
enum DocumentCommand {
    /// The documents of this vault's country.
    Checklist,
    /// Set a document's status in a file.
    Set {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        /// The checklist code, e.g. cedula.
        #[arg(value_name = "TYPE")]
        document_type: String,
        /// needed, in_process, has, expired, lost, not_applicable.
        #[arg(value_name = "STATUS", value_parser = parse_enum::<DocumentStatus>)]
        status: DocumentStatus,
        /// For one of her dependants (the dependant's record id).
        #[arg(long, value_name = "ID")]
        dependant: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        requested_on: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        obtained_on: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        expires_on: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum ConsentCommand {
    /// Record a consent; prints the new record's id.
    Add {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        /// case_work, referral, statistics, photos_testimony, contact.
        #[arg(long, value_parser = parse_enum::<ConsentPurpose>)]
        purpose: ConsentPurpose,
        /// For a referral: the organization.
        #[arg(long)]
        organization: Option<String>,
        /// written, verbal_with_witness, fingerprint.
        #[arg(long, value_parser = parse_enum::<ConsentMethod>, default_value = "written")]
        method: ConsentMethod,
        #[arg(long)]
        read_aloud: bool,
        #[arg(long, default_value = "es")]
        language: String,
        /// Default: today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        given_on: Option<String>,
        #[arg(long)]
        notice_version: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum NoteCommand {
    /// Add a note; prints the new record's id.
    Add {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        #[arg(value_name = "TEXT")]
        text: String,
        /// Hidden in the file until someone asks to see it.
        #[arg(long)]
        sensitive: bool,
        /// Default: today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum VisitCommand {
    /// Record a prison visit for every PARTICIPANT seen.
    Add {
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
        /// The prison.
        #[arg(long)]
        place: String,
        /// Usernames of the staff who went.
        #[arg(long, value_delimiter = ',')]
        team: Vec<String>,
        #[arg(long)]
        summary: Option<String>,
        #[arg(value_name = "PARTICIPANT", required = true)]
        participants: Vec<String>,
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

#[derive(Subcommand, Debug)]
enum StaffCommand {
    /// Add a member of staff; her initial password comes from ACOMPANA_NEW_PASSWORD or a prompt.
    Add {
        #[arg(value_name = "USERNAME")]
        username: String,
        #[arg(long, value_parser = values::role())]
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
mod exit {
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
fn main() -> ExitCode {
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
                if matches!(error, Error::ConsentRequired) {
                    eprintln!(
                        "hint: record her consent first: acompana consent add PARTICIPANT \
                         --purpose referral --organization \"NAME\", or refer with --no-share"
                    );
                }
            }
            ExitCode::from(exit_code(&error))
        }
    }
}

pub(crate) enum CliError {
    Usage(String),
    Core(Error),
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        CliError::Core(error)
    }
}

pub(crate) fn today() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

pub(crate) fn print<T: Serialize>(json: bool, value: &T, plain: impl FnOnce(&T) -> String) {
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
    Ok(acompana::opening::unlock(paths, username, &password)?)
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
            let (vault, code) = acompana::opening::create(&paths, new, KdfChoice::from_env())?;
            let check = vault.check(false)?;
            vault.lock(LockReason::Quit)?;
            #[derive(Serialize)]
            struct Created<'a> {
                data_dir: String,
                recovery_code: &'a str,
                kdf: acompana::crypto::KdfParams,
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
            let vault = acompana::opening::recover(&paths, &code, username, &password)?;
            vault.lock(LockReason::Quit)?;
            if !json {
                println!("Password set. Sign in with the new password.");
            }
            Ok(())
        }
        Command::Demo {
            participants,
            seed,
            country,
        } => {
            let (mut vault, created) = acompana::demo::open_or_create(&paths, *country)?;
            let bar = if json {
                indicatif::ProgressBar::hidden()
            } else {
                indicatif::ProgressBar::new(u64::from(*participants))
            };
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} {elapsed} (eta {eta})",
                )
                .expect("valid template"),
            );
            let anchor = chrono::Local::now().date_naive();
            let result =
                acompana::demo::generate(&mut vault, *participants, *seed, anchor, |done| {
                    bar.set_position(u64::from(done))
                });
            bar.finish_and_clear();
            let locked = vault.lock(LockReason::Quit);
            let summary = result?;
            locked?;
            #[derive(Serialize)]
            struct Demo {
                data_dir: String,
                created: bool,
                username: &'static str,
                password: &'static str,
                participants: u32,
                records: u32,
            }
            let demo = Demo {
                data_dir: paths.dir.display().to_string(),
                created,
                username: acompana::demo::DEMO_USERNAME,
                password: acompana::demo::DEMO_PASSWORD,
                participants: summary.participants,
                records: summary.records,
            };
            print(json, &demo, |d| {
                format!(
                    "Demo vault in {} (invented data only): added {} women and {} records.\nSign in as '{}' with the password '{}'.",
                    d.data_dir, d.participants, d.records, d.username, d.password
                )
            });
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
        Command::Check { full } => {
            let check = vault.check(*full)?;
            print(json, &check, |c| {
                format!(
                    "integrity: {} ({})\nschema version: {}\nkey-slot format: {}\nargon2id: {} MiB, {} passes, {} lane(s)\nstaff: {} ({} active)",
                    c.integrity,
                    if c.full { "every page read" } else { "key, header and schema" },
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
            documents_pending,
            needs_open,
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
                documents_pending: documents_pending.then_some(true),
                needs_open: needs_open.then_some(true),
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
            let entries = vault.participant_history(id)?;
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
        }
        Command::Participant(ParticipantCommand::File { id }) => {
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
        }
        Command::Participant(ParticipantCommand::Close { id, reason }) => {
            let p = vault.participant_close(id, *reason)?;
            print(json, &p, |p| format!("Closed {}.", p.case_code));
        }
        Command::Participant(ParticipantCommand::Reopen { id }) => {
            let p = vault.participant_reopen(id)?;
            print(json, &p, |p| format!("Reopened {}.", p.case_code));
        }
        Command::Participant(ParticipantCommand::Share {
            id,
            username,
            remove,
        }) => {
            let p = vault.participant_share(id, username, !remove)?;
            print(json, &p, |p| {
                format!(
                    "{} is shared with: {}",
                    p.case_code,
                    p.shared_with.join(", ")
                )
            });
        }
        Command::Dependant(DependantCommand::Add {
            participant,
            alias,
            relationship,
            birth_date,
            age,
            carer,
            custody,
            disability,
            disability_certificate,
            lived_with_her_before,
        }) => {
            let record = vault.record_save(
                participant,
                None,
                RecordData::Dependant(Dependant {
                    alias: alias.clone(),
                    relationship: *relationship,
                    birth_date: birth_date.clone(),
                    age: *age,
                    disability: *disability,
                    disability_certificate: *disability_certificate,
                    lived_with_her_before: *lived_with_her_before,
                    carer: *carer,
                    location: None,
                    custody: *custody,
                    lives_with_her_in_prison: false,
                }),
            )?;
            print(json, &record, |r| r.id.clone());
        }
        Command::Document(DocumentCommand::Checklist) => {
            let catalog = acompana::catalog::for_country(vault.country()?);
            print(json, catalog, |c| {
                c.documents
                    .iter()
                    .map(|d| {
                        format!(
                            "{:<26} {}{}",
                            d.code,
                            d.name,
                            if d.required { "" } else { " (optional)" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        Command::Document(DocumentCommand::Set {
            participant,
            document_type,
            status,
            dependant,
            requested_on,
            obtained_on,
            expires_on,
        }) => {
            // Keep what the file already says about the document; change only what was given.
            // A document's record id is derived from whose it is and its type.
            let natural_id = format!(
                "{participant}/document/{}/{document_type}",
                dependant.as_deref().unwrap_or("self")
            );
            let existing = match vault.record_get(participant, &natural_id) {
                Ok(record) => match record.data {
                    RecordData::Document(d) => Some(d),
                    _ => None,
                },
                // Not on file yet (saving checks that the file is one she may see).
                Err(Error::NotFound) => None,
                Err(other) => return Err(other.into()),
            };
            let mut document = existing.unwrap_or(Document {
                document_type: document_type.clone(),
                dependant_id: dependant.clone(),
                status: *status,
                issuing_body: None,
                requested_on: None,
                obtained_on: None,
                cost: None,
                expires_on: None,
                original_kept_at: None,
            });
            document.status = *status;
            if requested_on.is_some() {
                document.requested_on = requested_on.clone();
            }
            if obtained_on.is_some() {
                document.obtained_on = obtained_on.clone();
            } else if *status == DocumentStatus::Has && document.obtained_on.is_none() {
                document.obtained_on = Some(today());
            }
            if expires_on.is_some() {
                document.expires_on = expires_on.clone();
            }
            let record = vault.record_save(participant, None, RecordData::Document(document))?;
            print(json, &record, |r| r.id.clone());
        }
        Command::Consent(ConsentCommand::Add {
            participant,
            purpose,
            organization,
            method,
            read_aloud,
            language,
            given_on,
            notice_version,
        }) => {
            let collected_by = vault.me().username.clone();
            let record = vault.record_save(
                participant,
                None,
                RecordData::Consent(Consent {
                    purpose: *purpose,
                    organization: organization.clone(),
                    legal_basis: LegalBasis::Consent,
                    notice_version: notice_version.clone(),
                    method: *method,
                    read_aloud: *read_aloud,
                    language: language.clone(),
                    given_on: given_on.clone().unwrap_or_else(today),
                    collected_by,
                    revoked_on: None,
                }),
            )?;
            print(json, &record, |r| r.id.clone());
        }
        Command::Note(NoteCommand::Add {
            participant,
            text,
            sensitive,
            date,
        }) => {
            let record = vault.record_save(
                participant,
                None,
                RecordData::Note(Note {
                    date: date.clone().unwrap_or_else(today),
                    text: text.clone(),
                    sensitive: *sensitive,
                    contact_id: None,
                }),
            )?;
            print(json, &record, |r| r.id.clone());
        }
        Command::Visit(VisitCommand::Add {
            date,
            place,
            team,
            summary,
            participants,
        }) => {
            let records = vault.visit_record_batch(BatchVisit {
                date: date.clone(),
                place: place.clone(),
                team: team.clone(),
                participant_ids: participants.clone(),
                summary: summary.clone(),
            })?;
            print(json, &records, |r| {
                format!("Recorded the visit for {} women.", r.len())
            });
        }
        Command::Legal(command) => legal::legal(vault, command, json)?,
        Command::Service(command) => legal::service(vault, command, json)?,
        Command::Directory(command) => legal::directory(vault, command, json)?,
        Command::Referral(command) => legal::referral(vault, command, json)?,
        Command::Tasks(command) => legal::tasks(vault, command, json)?,
        Command::Demo { .. } => unreachable!("handled before sign-in"),
        Command::Init { .. } | Command::Recover { .. } => unreachable!("handled before sign-in"),
    }
    Ok(())
}
