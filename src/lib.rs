//! Acompaña's core: the encrypted vault, staff and roles, the audit log, and (in later
//! versions) case records, sync and summaries. The desktop shell and the `acompana` command
//! line are two thin faces of this library; nothing here knows about Tauri.

pub mod audit;
pub mod backup;
pub mod catalog;
pub mod changelog;
pub mod compact;
pub mod crash;
pub mod crypto;
pub mod demo;
pub mod error;
pub mod opening;
pub mod preferences;
pub mod progress;
pub mod records;
pub mod session;
pub mod settings;
pub mod staff;
pub mod store;
pub mod summary;
pub mod sync;
pub mod vault;

pub use error::{Error, ErrorCode, Result};

use serde::{Deserialize, Serialize};

/// The countries whose lists (documents, legal routes…) Acompaña ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Country {
    CO,
    MX,
    AR,
    BR,
    CR,
}

impl Country {
    /// Every country with a catalog.
    pub const ALL: [Country; 5] = [
        Country::CO,
        Country::MX,
        Country::AR,
        Country::BR,
        Country::CR,
    ];

    /// ISO 3166-1 alpha-2 code.
    pub fn code(self) -> &'static str {
        match self {
            Country::CO => "CO",
            Country::MX => "MX",
            Country::AR => "AR",
            Country::BR => "BR",
            Country::CR => "CR",
        }
    }

    /// From an ISO code.
    pub fn parse(code: &str) -> Option<Self> {
        Country::ALL.into_iter().find(|c| c.code() == code)
    }
}

impl std::str::FromStr for Country {
    type Err = Error;

    /// From an ISO code, exactly as [`Country::code`] gives it.
    fn from_str(code: &str) -> Result<Self> {
        Country::parse(code).ok_or(Error::invalid("country", "CO, MX, AR, BR or CR"))
    }
}

/// The current time in UTC as RFC 3339 with seconds.
pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Turns core dumps off for this process (and whatever it starts), so that a crash never
/// writes the master key or a woman's file to disk: `PR_SET_DUMPABLE` 0 (no core file, and
/// no other process of the same user may read its memory) and a core size limit of 0.
/// Called first thing by the desktop app and the command line. Returns whether both held.
pub fn disable_core_dumps() -> bool {
    #[cfg(target_os = "linux")]
    {
        let limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: plain system calls with valid arguments; they change only this process.
        let limited = unsafe { libc::setrlimit(libc::RLIMIT_CORE, &limit) } == 0;
        // SAFETY: as above.
        let undumpable = unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) } == 0;
        limited && undumpable
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}
