//! Encrypted backups: make one, check one, restore one into an empty data folder.

use std::path::PathBuf;

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
}

impl BackupCommand {
    /// Whether the command works on a signed-in vault (create) or without one.
    pub(crate) fn needs_sign_in(&self) -> bool {
        matches!(self, BackupCommand::Create { .. })
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

/// `backup create`, signed in.
pub(crate) fn create(
    vault: &mut Vault,
    command: &BackupCommand,
    json: bool,
) -> Result<(), CliError> {
    let BackupCommand::Create { to } = command else {
        unreachable!("only create needs a sign-in");
    };
    let passphrase = passphrase(true)?;
    let info = vault.backup_create(to, passphrase.expose_secret())?;
    show(&info, &format!("Backup written to {}.", to.display()), json);
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
        BackupCommand::Create { .. } => unreachable!("create needs a sign-in"),
    }
    Ok(())
}
