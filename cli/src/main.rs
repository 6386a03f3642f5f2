//! The `acompana` command line, for coordinators' scripts and for tests.
//!
//! Exit status: 0 success, 2 usage error, 3 wrong user, password or recovery code, 4 vault
//! missing, corrupt, tampered or too new, 1 anything else. Errors go to stderr in plain words
//! (and as JSON with `--json`). Passwords come from an interactive prompt, or for scripts from
//! `ACOMPANA_PASSWORD` / `--password-file` (signing in) and `ACOMPANA_NEW_PASSWORD` (a password
//! being set).
//!
//! Every command is a call into the `acompana` core; this crate only reads arguments and
//! passwords and prints results. One module per area: `setup` (init, recover, check), `demo`,
//! `staff`, `audit`, `participants`, `records` (dependants, documents, consent, notes, visits),
//! `legal` (applications and community service), `directory` (and referrals), `tasks`,
//! `sync` (laptops, joining, sync files, conflicts).

mod audit;
mod backup;
mod demo;
mod directory;
mod legal;
mod output;
mod participants;
mod passwords;
mod records;
mod rights;
mod setup;
mod staff;
mod summary;
mod sync;
mod tasks;
mod values;

use std::path::PathBuf;
use std::process::ExitCode;

use acompana::vault::{self, LockReason, Vault, VaultPaths};
use acompana::{Country, Error};
use clap::{Parser, Subcommand};

use output::{exit, CliError};

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
    Staff(staff::StaffCommand),
    /// Change your own password.
    Passwd,
    /// Give the vault a new recovery code (administrators; asks your password again): the
    /// vault is re-keyed, the old code stops working, and the new one is printed once.
    RecoveryCode,
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
    Audit(audit::AuditCommand),
    /// The women's files: add, list, show, set a field.
    #[command(subcommand)]
    Participant(participants::ParticipantCommand),
    /// Find files by case code, legal or chosen name (partial, accents ignored).
    Search {
        #[arg(value_name = "TEXT")]
        text: String,
    },
    /// A file's history from the change log.
    History {
        #[arg(value_name = "ID")]
        id: String,
        /// Show her legal name and reserved details too (the reading is audited either way).
        #[arg(long)]
        reveal: bool,
    },
    /// Dependants: add one to a file.
    #[command(subcommand)]
    Dependant(records::DependantCommand),
    /// Documents: the country's checklist, and a document's status in a file.
    #[command(subcommand)]
    Document(records::DocumentCommand),
    /// Consent: record one purpose.
    #[command(subcommand)]
    Consent(records::ConsentCommand),
    /// Notes: add one to a file.
    #[command(subcommand)]
    Note(records::NoteCommand),
    /// Prison visits: record one visit for several women at once.
    #[command(subcommand)]
    Visit(records::VisitCommand),
    /// Criminal-justice applications: add, decide, list with their legal deadlines.
    #[command(subcommand)]
    Legal(legal::LegalCommand),
    /// Law 2292 community service: plan, log hours, compliance reports.
    #[command(subcommand)]
    Service(legal::ServiceCommand),
    /// The directory of partner organizations and services.
    #[command(subcommand)]
    Directory(directory::DirectoryCommand),
    /// Referrals to partner organizations.
    #[command(subcommand)]
    Referral(directory::ReferralCommand),
    /// Tasks: what is due, and marking one done.
    #[command(subcommand)]
    Tasks(tasks::TasksCommand),
    /// Create this laptop's vault from a join file a coordinator prepared (passphrase from a
    /// prompt or ACOMPANA_JOIN_PASSPHRASE, your new password from ACOMPANA_NEW_PASSWORD or a
    /// prompt); prints your recovery code once.
    Join {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// The organization's laptops: add one (join file), list, revoke.
    #[command(subcommand)]
    Device(sync::DeviceCommand),
    /// Sync with the other laptops by encrypted file: export, import, a sync folder.
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// Changes made on two laptops without seeing each other: list, resolve.
    #[command(subcommand)]
    Conflicts(sync::ConflictsCommand),
    /// A woman's rights requests (access, correction, erasure) and their legal deadlines.
    #[command(subcommand)]
    Rights(rights::RightsCommand),
    /// Encrypted backups: `backup create --to FILE`, `backup verify FILE`,
    /// `--data-dir NEW backup restore FILE` (passphrase from ACOMPANA_BACKUP_PASSPHRASE or a
    /// prompt); automatic ones: `backup schedule [--folder DIR --every-days N --keep N | --off]`,
    /// `backup auto [--now]`.
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// Anonymized summaries (coordinators): `summary --period 2026Q3 [--to 2026Q4]
    /// [--audience internal|public] [--indicator …] [--by …] [--csv DIR]`; revise a quarter,
    /// contribute to a network, pool contributions.
    Summary(summary::SummaryArgs),
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

/// Runs the command line and returns its exit status.
fn main() -> ExitCode {
    if !acompana::disable_core_dumps() {
        eprintln!("warning: core dumps could not be turned off");
    }
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ACOMPANA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .try_init();
    // A panic's message may quote data (a name, a note): print where it happened, never what.
    acompana::crash::install_panic_hook(|_| {});
    #[cfg(debug_assertions)]
    if let Some(message) = std::env::var_os("ACOMPANA_TEST_PANIC") {
        // Debug builds only: lets the tests prove that a panic's message stays unprinted.
        panic!("{}", message.to_string_lossy());
    }
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
        Err(error) => ExitCode::from(output::report(&error, json)),
    }
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
        } => setup::init(
            &paths,
            &cli.password_file,
            org,
            *country,
            admin,
            admin_name.as_deref(),
            json,
        ),
        Command::Recover { username } => setup::recover(&paths, username, json),
        Command::Join { file } => sync::join(&paths, file, json),
        Command::Backup(command) if !command.needs_sign_in() => {
            backup::without_vault(&paths, command, json)
        }
        Command::Demo {
            participants,
            seed,
            country,
        } => demo::demo(&paths, *participants, *seed, *country, json),
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

fn sign_in(cli: &Cli, paths: &VaultPaths) -> Result<Vault, CliError> {
    let username = cli
        .user
        .as_deref()
        .ok_or_else(|| CliError::Usage("this command needs --user USERNAME".into()))?;
    if !paths.exists() {
        return Err(Error::VaultMissing(paths.dir.clone()).into());
    }
    let password = passwords::sign_in_password(&cli.password_file, "Password: ")?;
    Ok(acompana::opening::unlock(paths, username, &password)?)
}

/// Hands a command that needs a signed-in member of staff to its area.
fn run_signed_in(cli: &Cli, vault: &mut Vault, json: bool) -> Result<(), CliError> {
    match &cli.command {
        Command::Staff(command) => staff::staff(vault, command, &cli.password_file, json),
        Command::RecoveryCode => setup::change_recovery_code(vault, &cli.password_file, json),
        Command::Passwd => staff::passwd(vault, &cli.password_file, json),
        Command::Check { full } => setup::check(vault, *full, json),
        Command::Audit(command) => audit::audit(vault, command, json),
        Command::Participant(command) => participants::participant(vault, command, json),
        Command::Search { text } => participants::search(vault, text, json),
        Command::History { id, reveal } => participants::history(vault, id, *reveal, json),
        Command::Dependant(command) => records::dependant(vault, command, json),
        Command::Document(command) => records::document(vault, command, json),
        Command::Consent(command) => records::consent(vault, command, json),
        Command::Note(command) => records::note(vault, command, json),
        Command::Visit(command) => records::visit(vault, command, json),
        Command::Legal(command) => legal::legal(vault, command, json),
        Command::Service(command) => legal::service(vault, command, json),
        Command::Directory(command) => directory::directory(vault, command, json),
        Command::Referral(command) => directory::referral(vault, command, json),
        Command::Tasks(command) => tasks::tasks(vault, command, json),
        Command::Device(command) => sync::device(vault, command, &cli.password_file, json),
        Command::Sync(command) => sync::sync(vault, command, json),
        Command::Conflicts(command) => sync::conflicts(vault, command, json),
        Command::Rights(command) => rights::rights(vault, command, json),
        Command::Summary(args) => summary::summary(vault, args, json),
        Command::Backup(command) => backup::signed_in(vault, command, json),
        Command::Init { .. }
        | Command::Recover { .. }
        | Command::Demo { .. }
        | Command::Join { .. } => {
            unreachable!("handled before sign-in")
        }
    }
}
