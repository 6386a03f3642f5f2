//! Where passwords come from: a file or the environment for scripts, else a prompt.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

use crate::output::CliError;

/// The sign-in password: `--password-file`, then `ACOMPANA_PASSWORD`, then a prompt.
pub(crate) fn sign_in_password(
    cli_file: &Option<PathBuf>,
    prompt: &str,
) -> Result<SecretString, CliError> {
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
pub(crate) fn new_password(prompt: &str) -> Result<SecretString, CliError> {
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

pub(crate) fn prompt_secret(prompt: &str) -> Result<SecretString, CliError> {
    rpassword::prompt_password(prompt)
        .map(SecretString::from)
        .map_err(|_| {
            CliError::Usage(
                "no terminal to ask for a password: set ACOMPANA_PASSWORD / ACOMPANA_NEW_PASSWORD or use --password-file"
                    .into(),
            )
        })
}
