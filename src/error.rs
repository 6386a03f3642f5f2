//! Errors of the core, each with a stable code that the interfaces translate.
//!
//! Messages are for developers and logs; they never contain personal data (no names, no
//! usernames, no passwords). The desktop app and the CLI show the *code*, translated.

use std::path::PathBuf;

/// The stable, machine-readable code of an [`Error`]; the UI translates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Locked,
    WrongCredentials,
    VaultMissing,
    VaultExists,
    VaultCorrupt,
    VaultTooNew,
    VaultRolledBack,
    ThrottleUnavailable,
    BackupRefused,
    BackupFolderMissing,
    Forbidden,
    InvalidInput,
    WeakPassword,
    UsernameTaken,
    StaffNotFound,
    NotFound,
    CaseClosed,
    ConsentRequired,
    NotDemoVault,
    LastAdmin,
    CannotDisableSelf,
    WrongRecoveryCode,
    DiskFull,
    SyncRefused,
    QuarterOpen,
    ContributionRefused,
    Cancelled,
    Io,
    Internal,
}

impl ErrorCode {
    /// The code as the snake_case string the UI and the CLI's JSON output use.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Locked => "locked",
            ErrorCode::WrongCredentials => "wrong_credentials",
            ErrorCode::VaultMissing => "vault_missing",
            ErrorCode::VaultExists => "vault_exists",
            ErrorCode::VaultCorrupt => "vault_corrupt",
            ErrorCode::VaultTooNew => "vault_too_new",
            ErrorCode::VaultRolledBack => "vault_rolled_back",
            ErrorCode::ThrottleUnavailable => "throttle_unavailable",
            ErrorCode::BackupRefused => "backup_refused",
            ErrorCode::BackupFolderMissing => "backup_folder_missing",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::WeakPassword => "weak_password",
            ErrorCode::UsernameTaken => "username_taken",
            ErrorCode::StaffNotFound => "staff_not_found",
            ErrorCode::NotFound => "not_found",
            ErrorCode::CaseClosed => "case_closed",
            ErrorCode::ConsentRequired => "consent_required",
            ErrorCode::NotDemoVault => "not_demo_vault",
            ErrorCode::LastAdmin => "last_admin",
            ErrorCode::CannotDisableSelf => "cannot_disable_self",
            ErrorCode::WrongRecoveryCode => "wrong_recovery_code",
            ErrorCode::DiskFull => "disk_full",
            ErrorCode::SyncRefused => "sync_refused",
            ErrorCode::QuarterOpen => "quarter_open",
            ErrorCode::ContributionRefused => "contribution_refused",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Io => "io",
            ErrorCode::Internal => "internal",
        }
    }
}

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The vault is locked: sign in first.
    #[error("the vault is locked")]
    Locked,
    /// Unknown user, disabled user or wrong password: deliberately indistinguishable.
    #[error("wrong username or password")]
    WrongCredentials,
    /// The recovery code does not open the vault.
    #[error("wrong recovery code")]
    WrongRecoveryCode,
    /// There is no vault in the data folder.
    #[error("no vault in {0}")]
    VaultMissing(PathBuf),
    /// A vault already exists where one was to be created.
    #[error("a vault already exists in {0}")]
    VaultExists(PathBuf),
    /// The vault's files are damaged or were altered.
    #[error("the vault is damaged or was altered: {0}")]
    VaultCorrupt(&'static str),
    /// The vault was written by a newer version of Acompaña.
    #[error("the vault has format {found}, this version reads up to {supported}")]
    VaultTooNew { found: u32, supported: u32 },
    /// The signed-in person's role does not allow this.
    #[error("not allowed for this role")]
    Forbidden,
    /// A value given by the user is not acceptable.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        field: &'static str,
        reason: &'static str,
    },
    /// A new password is too short.
    #[error("the password must have at least {min} characters")]
    WeakPassword { min: usize },
    /// The username is already used by another member of staff (active or not).
    #[error("that username is already taken")]
    UsernameTaken,
    /// No member of staff with that id or username.
    #[error("no such member of staff")]
    StaffNotFound,
    /// No such record, or not one the signed-in person may see (deliberately the same).
    #[error("no such record")]
    NotFound,
    /// The case is closed: reopen it before changing it.
    #[error("the case is closed")]
    CaseClosed,

    /// Sharing her data with an organization needs her consent for that referral.
    #[error("no consent in force covers sharing her data with that organization")]
    ConsentRequired,
    /// Demo data goes only into a demo vault, never into a real one.
    #[error("that folder holds a vault that is not a demo vault")]
    NotDemoVault,
    /// The last active administrator cannot be disabled or demoted.
    #[error("the last active administrator cannot be disabled")]
    LastAdmin,
    /// Nobody can disable her own account.
    #[error("you cannot disable your own account")]
    CannotDisableSelf,
    /// A sync file was refused, for the reason its code gives (`sync_wrong_org`,
    /// `sync_bad_signature`…); nothing was changed.
    #[error("the sync file was refused: {0}")]
    SyncRefused(&'static str),
    /// A public summary, a contribution or a pooled report covers closed quarters only.
    #[error("the quarter is not over yet")]
    QuarterOpen,
    /// A summary contribution was refused, for the reason given (`foreign`, `bad_signature`,
    /// `unsigned`…); the pool was not changed.
    #[error("the summary contribution was refused: {0}")]
    ContributionRefused(&'static str),
    /// The key-slot file and the database do not belong to the same moment: one of them
    /// was put back from an older copy, or the audit log's tail was cut. Nothing was written.
    #[error("the vault was rolled back: {0}")]
    VaultRolledBack(&'static str),
    /// The wrong-password counter could not be read or written; the attempt was refused.
    #[error("the sign-in attempt counter is unavailable")]
    ThrottleUnavailable,
    /// A backup file was refused, for the reason given (`not_a_backup`, `wrong_passphrase`,
    /// `damaged`, `unknown_version`, `too_large`…); nothing was changed.
    #[error("the backup was refused: {0}")]
    BackupRefused(&'static str),
    /// The folder chosen for automatic backups is not there (a USB stick not plugged in) or
    /// is not a folder; no backup was written.
    #[error("the folder for automatic backups is not available")]
    BackupFolderMissing,
    /// The person stopped the work; nothing was changed.
    #[error("stopped before the end; nothing was changed")]
    Cancelled,
    /// The disk is full; nothing was changed.
    #[error("the disk is full")]
    DiskFull,
    /// Another input/output failure.
    #[error("input/output error: {0}")]
    Io(std::io::Error),
    /// A bug or an unexpected state.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The stable code the interfaces translate.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Locked => ErrorCode::Locked,
            Error::WrongCredentials => ErrorCode::WrongCredentials,
            Error::WrongRecoveryCode => ErrorCode::WrongRecoveryCode,
            Error::VaultMissing(_) => ErrorCode::VaultMissing,
            Error::VaultExists(_) => ErrorCode::VaultExists,
            Error::VaultCorrupt(_) => ErrorCode::VaultCorrupt,
            Error::VaultTooNew { .. } => ErrorCode::VaultTooNew,
            Error::VaultRolledBack(_) => ErrorCode::VaultRolledBack,
            Error::ThrottleUnavailable => ErrorCode::ThrottleUnavailable,
            Error::BackupRefused(_) => ErrorCode::BackupRefused,
            Error::BackupFolderMissing => ErrorCode::BackupFolderMissing,
            Error::Forbidden => ErrorCode::Forbidden,
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::WeakPassword { .. } => ErrorCode::WeakPassword,
            Error::UsernameTaken => ErrorCode::UsernameTaken,
            Error::StaffNotFound => ErrorCode::StaffNotFound,
            Error::NotFound => ErrorCode::NotFound,
            Error::CaseClosed => ErrorCode::CaseClosed,
            Error::ConsentRequired => ErrorCode::ConsentRequired,
            Error::NotDemoVault => ErrorCode::NotDemoVault,
            Error::LastAdmin => ErrorCode::LastAdmin,
            Error::CannotDisableSelf => ErrorCode::CannotDisableSelf,
            Error::DiskFull => ErrorCode::DiskFull,
            Error::SyncRefused(_) => ErrorCode::SyncRefused,
            Error::QuarterOpen => ErrorCode::QuarterOpen,
            Error::ContributionRefused(_) => ErrorCode::ContributionRefused,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::Io(_) => ErrorCode::Io,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The form field an input error refers to, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::InvalidInput { field, .. } => Some(field),
            Error::WeakPassword { .. } => Some("password"),
            Error::UsernameTaken => Some("username"),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: &'static str, reason: &'static str) -> Self {
        Error::InvalidInput { field, reason }
    }
}

const ENOSPC: i32 = 28;

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        if error.raw_os_error() == Some(ENOSPC) || error.kind() == std::io::ErrorKind::StorageFull {
            Error::DiskFull
        } else {
            Error::Io(error)
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode as Sqlite;
        match error.sqlite_error_code() {
            Some(Sqlite::DiskFull) => Error::DiskFull,
            Some(Sqlite::NotADatabase) | Some(Sqlite::DatabaseCorrupt) => {
                Error::VaultCorrupt("the database could not be read")
            }
            // The message of an SQLite error may quote values; keep only the code.
            Some(code) => Error::Internal(format!("database error {code:?}")),
            None => Error::Internal(format!("database error: {}", error_kind(&error))),
        }
    }
}

fn error_kind(error: &rusqlite::Error) -> &'static str {
    match error {
        rusqlite::Error::QueryReturnedNoRows => "no rows",
        rusqlite::Error::InvalidColumnType(..) => "invalid column type",
        rusqlite::Error::FromSqlConversionFailure(..) => "conversion failure",
        _ => "other",
    }
}

impl From<serde_json::Error> for Error {
    fn from(_: serde_json::Error) -> Self {
        Error::Internal("serialization failed".into())
    }
}
