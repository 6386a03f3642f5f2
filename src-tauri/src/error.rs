//! The error every command returns: a stable code the UI translates, a developer message that
//! the UI never shows, and the form field it concerns.

use acompana::{Error, ErrorCode};
use serde::Serialize;

/// A failed command, as the UI receives it.
#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    /// Why a sync or join file was refused (`sync_wrong_org`, `sync_bad_signature`…), for
    /// the UI to say in words; none for other errors.
    pub reason: Option<String>,
}

impl From<Error> for CommandError {
    fn from(error: Error) -> Self {
        if matches!(
            error.code(),
            ErrorCode::Internal | ErrorCode::Io | ErrorCode::DiskFull
        ) {
            // Codes and developer messages only: they never carry personal data.
            tracing::error!(code = error.code().as_str(), message = %error, "command failed");
        }
        CommandError {
            code: error.code(),
            message: error.to_string(),
            field: error.field().map(str::to_string),
            reason: match &error {
                Error::SyncRefused(reason)
                | Error::ContributionRefused(reason)
                | Error::BackupRefused(reason)
                | Error::VaultRolledBack(reason) => Some(reason.to_string()),
                _ => None,
            },
        }
    }
}

/// What every command returns.
pub type CommandResult<T> = Result<T, CommandError>;
