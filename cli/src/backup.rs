//! Encrypted backups: make one, check one, restore one into an empty data folder.

use std::path::PathBuf;

use acompana::backup::schedule::{BackupSchedule, BackupScheduleStatus};
use acompana::backup::{self, BackupInfo};
use acompana::vault::{Vault, VaultPaths};
use clap::Subcommand;
use secrecy::{ExposeSecret, SecretString};

use crate::output::{print, CliError};
use crate::passwords::prompt_secret;

#[derive(Subcommand, Debug)]
pub(crate) enum BackupCommand {
    /// Write a backup of the whole vault, encrypted to a passphrase (from
    /// ACOMPANA_BACKUP_PASSPHRASE or a prompt asked twice; at least 12 characters).
    Create {
        /// The backup file to write (it appears whole or not at all).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Read and check a whole backup without changing anything (passphrase as for create).
    Verify {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Restore a backup into the data folder, which must hold no vault (use --data-dir NEW).
    /// Sign in afterwards with a password or the recovery code valid when it was made.
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Show the automatic backups of this laptop; with --folder, set them up or change them
    /// (administrators; passphrase as for create), with --off, stop them.
    Schedule {
        /// An existing folder for the backups (a USB stick, a second disk).
        #[arg(long, value_name = "DIR", conflicts_with = "off")]
        folder: Option<PathBuf>,
        /// Days between two backups.
        #[arg(long, value_name = "DAYS", default_value_t = 1, requires = "folder")]
        every_days: u32,
        /// How many automatic backups to keep in the folder (the oldest go).
        #[arg(long, value_name = "N", default_value_t = 7, requires = "folder")]
        keep: u32,
        /// Stop automatic backups (the files already written stay).
        #[arg(long)]
        off: bool,
    },
    /// Write the automatic backup if one is due (for a timer or cron), or at once with --now
    /// (administrators).
    Auto {
        #[arg(long)]
        now: bool,
    },
}

impl BackupCommand {
    /// Whether the command works on a signed-in vault (create) or without one.
    pub(crate) fn needs_sign_in(&self) -> bool {
        matches!(
            self,
            BackupCommand::Create { .. }
                | BackupCommand::Schedule { .. }
                | BackupCommand::Auto { .. }
        )
    }
}

fn passphrase(twice: bool) -> Result<SecretString, CliError> {
    if let Ok(text) = std::env::var("ACOMPANA_BACKUP_PASSPHRASE") {
        return Ok(SecretString::from(text));
    }
    let first = prompt_secret("Backup passphrase: ")?;
    if twice {
        let second = prompt_secret("Repeat it: ")?;
        if first.expose_secret() != second.expose_secret() {
            return Err(CliError::Usage("the two passphrases differ".into()));
        }
    }
    Ok(first)
}

fn show(info: &BackupInfo, done: &str, json: bool) {
    print(json, info, |i| {
        format!(
            "{done}\n  made {}  by version {}  schema {}  database {:.1} MB",
            i.created_at,
            i.app_version,
            i.schema_version,
            i.database_bytes as f64 / 1_000_000.0
        )
    });
}

fn show_schedule(status: &BackupScheduleStatus, json: bool) {
    print(json, status, |s| {
        let Some(schedule) = &s.schedule else {
            return "No automatic backups on this laptop.".to_string();
        };
        let mut text = format!(
            "Automatic backups to {} every {} day(s), keeping the last {}.\n  last {}  next due {}",
            schedule.folder,
            schedule.every_days,
            schedule.keep,
            s.last_at.as_deref().unwrap_or("never"),
            s.next_due.as_deref().unwrap_or("-"),
        );
        if let (Some(at), Some(code)) = (&s.failed_at, s.failure) {
            text.push_str(&format!(
                "\n  the last attempt failed at {at}: {}",
                code.as_str()
            ));
        }
        text
    });
}

/// `backup create`, `backup schedule` and `backup auto`, signed in.
pub(crate) fn signed_in(
    vault: &mut Vault,
    command: &BackupCommand,
    json: bool,
) -> Result<(), CliError> {
    match command {
        BackupCommand::Create { to } => {
            let passphrase = passphrase(true)?;
            let info = vault.backup_create(to, passphrase.expose_secret())?;
            show(&info, &format!("Backup written to {}.", to.display()), json);
        }
        BackupCommand::Schedule {
            folder,
            every_days,
            keep,
            off,
        } => {
            let status = if *off {
                vault.clear_backup_schedule()?
            } else if let Some(folder) = folder {
                let folder = std::path::absolute(folder)
                    .map_err(|_| CliError::Usage("the folder cannot be resolved".into()))?;
                let schedule = BackupSchedule {
                    folder: folder.to_string_lossy().into_owned(),
                    every_days: *every_days,
                    keep: *keep,
                };
                let passphrase = passphrase(true)?;
                vault.set_backup_schedule(&schedule, passphrase.expose_secret())?
            } else {
                vault.backup_schedule()?
            };
            show_schedule(&status, json);
        }
        BackupCommand::Auto { now } => match vault.run_scheduled_backup(*now)? {
            Some(done) => show(
                &done.info,
                &format!(
                    "Automatic backup written: {} ({} older removed).",
                    done.file, done.removed
                ),
                json,
            ),
            None => print(json, &serde_json::Value::Null, |_| {
                "No automatic backup is due.".to_string()
            }),
        },
        BackupCommand::Verify { .. } | BackupCommand::Restore { .. } => {
            unreachable!("verify and restore work without a sign-in")
        }
    }
    Ok(())
}

/// `backup verify` and `backup restore`, without signing in.
pub(crate) fn without_vault(
    paths: &VaultPaths,
    command: &BackupCommand,
    json: bool,
) -> Result<(), CliError> {
    match command {
        BackupCommand::Verify { file } => {
            let info = backup::verify(file, passphrase(false)?.expose_secret())?;
            show(
                &info,
                "The backup is whole and the passphrase is right.",
                json,
            );
        }
        BackupCommand::Restore { file } => {
            let info = backup::restore(paths, file, passphrase(false)?.expose_secret())?;
            show(
                &info,
                &format!(
                    "Restored into {}. Sign in with a password or the recovery code that was \
                     valid when the backup was made.",
                    paths.dir.display()
                ),
                json,
            );
        }
        BackupCommand::Create { .. }
        | BackupCommand::Schedule { .. }
        | BackupCommand::Auto { .. } => unreachable!("these need a sign-in"),
    }
    Ok(())
}
