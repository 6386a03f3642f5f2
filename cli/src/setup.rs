//! The vault itself: creating it, recovering a password with the printed code, checking it.

use std::path::PathBuf;

use acompana::vault::{KdfChoice, LockReason, NewVault, Vault, VaultPaths};
use acompana::{Country, Error};
use secrecy::SecretString;
use serde::Serialize;

use crate::output::{print, CliError};
use crate::passwords::{new_password, prompt_secret, sign_in_password};

/// The password asked again before a re-key, staff or slot change (the same file or
/// `ACOMPANA_PASSWORD` as the sign-in, else a prompt).
pub(crate) fn confirm_password(password_file: &Option<PathBuf>) -> Result<SecretString, CliError> {
    sign_in_password(password_file, "Your password again, to confirm: ")
}

/// Prints what a re-key gives back: the new recovery code (once) and the colleagues who need
/// a new password.
pub(crate) fn print_rekeyed(
    vault: &Vault,
    rekeyed: &acompana::vault::Rekeyed,
    done: &str,
    json: bool,
) -> Result<(), CliError> {
    let names: Vec<String> = vault
        .staff_list()?
        .into_iter()
        .filter(|m| rekeyed.needs_password_reset.contains(&m.id))
        .map(|m| m.username)
        .collect();
    let shown = serde_json::json!({
        "recoveryCode": rekeyed.recovery_code.display(),
        "needsPasswordReset": names,
    });
    print(json, &shown, |_| {
        let mut text = format!(
            "{done}\nThe vault was re-keyed. Its new recovery code (write it down now; the old one \
             no longer works):\n\n    {}\n",
            rekeyed.recovery_code.display()
        );
        if !names.is_empty() {
            text.push_str(&format!(
                "\nThese colleagues need a new password (staff reset-password): {}\n",
                names.join(", ")
            ));
        }
        text
    });
    Ok(())
}

/// `recovery-code`: gives the vault a new recovery code (administrators; re-keys it).
pub(crate) fn change_recovery_code(
    vault: &mut Vault,
    password_file: &Option<PathBuf>,
    json: bool,
) -> Result<(), CliError> {
    let password = confirm_password(password_file)?;
    let rekeyed = vault.change_recovery_code(&password)?;
    print_rekeyed(vault, &rekeyed, "Recovery code changed.", json)
}

/// `init`: creates the vault and prints the recovery code once.
pub(crate) fn init(
    paths: &VaultPaths,
    password_file: &Option<PathBuf>,
    org: &str,
    country: Country,
    admin: &str,
    admin_name: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    let password = match std::env::var("ACOMPANA_NEW_PASSWORD") {
        Ok(p) => SecretString::from(p),
        Err(_) if password_file.is_some() || std::env::var("ACOMPANA_PASSWORD").is_ok() => {
            sign_in_password(password_file, "")?
        }
        Err(_) => new_password("Administrator's password: ")?,
    };
    let new = NewVault {
        org_name: org.to_string(),
        country,
        admin_username: admin.to_string(),
        admin_display_name: admin_name.unwrap_or(admin).to_string(),
        admin_password: password,
    };
    let (vault, code) = acompana::opening::create(paths, new, KdfChoice::from_env())?;
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

/// `recover`: sets a new password for `username` with the recovery code.
pub(crate) fn recover(paths: &VaultPaths, username: &str, json: bool) -> Result<(), CliError> {
    if !paths.exists() {
        return Err(Error::VaultMissing(paths.dir.clone()).into());
    }
    let code = match std::env::var("ACOMPANA_RECOVERY_CODE") {
        Ok(code) => SecretString::from(code),
        Err(_) => prompt_secret("Recovery code: ")?,
    };
    let password = new_password("New password: ")?;
    let vault = acompana::opening::recover(paths, &code, username, &password)?;
    vault.lock(LockReason::Quit)?;
    if !json {
        println!("Password set. Sign in with the new password.");
    }
    Ok(())
}

/// `check`: the vault's integrity, format and parameters.
pub(crate) fn check(vault: &mut Vault, full: bool, json: bool) -> Result<(), CliError> {
    let check = vault.check(full)?;
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
    Ok(())
}
