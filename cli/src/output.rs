//! What the command line prints: results (plain or JSON), errors, and the exit status.

use acompana::Error;
use serde::Serialize;

/// Exit codes of the command line.
pub(crate) mod exit {
    pub const OK: u8 = 0;
    pub const OTHER: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const CREDENTIALS: u8 = 3;
    pub const VAULT: u8 = 4;
}

/// A command's failure: a usage mistake caught here, or the core's error.
pub(crate) enum CliError {
    Usage(String),
    Core(Error),
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        CliError::Core(error)
    }
}

fn exit_code(error: &Error) -> u8 {
    match error {
        Error::InvalidInput { .. } | Error::WeakPassword { .. } => exit::USAGE,
        Error::WrongCredentials | Error::WrongRecoveryCode => exit::CREDENTIALS,
        Error::VaultMissing(_)
        | Error::VaultCorrupt(_)
        | Error::VaultTooNew { .. }
        | Error::VaultRolledBack(_)
        | Error::SyncRefused(_)
        | Error::BackupRefused(_)
        | Error::ContributionRefused(_) => exit::VAULT,
        _ => exit::OTHER,
    }
}

/// Writes `error` to stderr (as JSON with `--json`) and returns the exit status it means.
pub(crate) fn report(error: &CliError, json: bool) -> u8 {
    match error {
        CliError::Usage(message) => {
            eprintln!("error: {message}");
            exit::USAGE
        }
        CliError::Core(error) => {
            if json {
                eprintln!(
                    "{}",
                    serde_json::json!({"error": {
                        "code": error.code().as_str(),
                        "reason": match error {
                            Error::SyncRefused(reason)
                            | Error::ContributionRefused(reason)
                            | Error::BackupRefused(reason)
                            | Error::VaultRolledBack(reason) => Some(*reason),
                            _ => None,
                        },
                        "message": error.to_string(),
                    }})
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
            exit_code(error)
        }
    }
}

/// Today on this laptop's calendar, `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// Prints `value` as pretty JSON with `--json`, else as `plain` words it.
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
