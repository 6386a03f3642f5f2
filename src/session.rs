//! The desktop session: at most one unlocked vault, locked on demand, after an idle time, or
//! at quit. While locked, every call answers [`Error::Locked`].

use std::sync::Mutex;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::vault::{LockReason, Vault, VaultPaths};

/// A moment on a clock that keeps counting while the laptop is suspended (Linux's
/// `CLOCK_BOOTTIME`): a laptop closed for an hour has been idle for an hour. `Instant` uses
/// a clock that stops during suspend, so a session would wake up unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment(Duration);

impl Moment {
    /// Now.
    #[cfg(target_os = "linux")]
    pub fn now() -> Self {
        let mut time = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `time` is a valid timespec for clock_gettime to fill.
        let result = unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut time) };
        if result != 0 {
            return Moment(fallback_clock());
        }
        Moment(Duration::new(time.tv_sec as u64, time.tv_nsec as u32))
    }

    /// Now (other systems: a monotonic clock; macOS's and Windows' count suspend).
    #[cfg(not(target_os = "linux"))]
    pub fn now() -> Self {
        Moment(fallback_clock())
    }

    /// How long after `earlier` this is (zero if it is not after).
    pub fn since(self, earlier: Moment) -> Duration {
        self.0.saturating_sub(earlier.0)
    }
}

fn fallback_clock() -> Duration {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

impl std::ops::Add<Duration> for Moment {
    type Output = Moment;
    fn add(self, later: Duration) -> Moment {
        Moment(self.0 + later)
    }
}

struct Active {
    vault: Vault,
    last_activity: Moment,
    idle_limit: Duration,
}

/// What "Acerca de" shows: this version, its licence, where the data lives and the formats
/// it reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct About {
    pub version: String,
    pub licence: String,
    /// The data folder (the vault, its key slots, the demo vault).
    pub data_dir: String,
    /// The open vault's schema version; None while locked.
    pub schema_version: Option<u32>,
    /// The schema version this version writes.
    pub schema_latest: u32,
    /// The open vault's key-slot format; None while locked.
    pub keyslot_format: Option<u32>,
    pub sync_format: u32,
    pub backup_format: u32,
    pub summary_format: u32,
}

/// How long the app is left alone before the vault's page cache is given back
/// ([`Session::release_cache_if_quiet_at`]).
pub const QUIET: Duration = Duration::from_secs(3);

/// Holds the unlocked vault, if any, for the desktop app.
pub struct Session {
    paths: VaultPaths,
    state: Mutex<Option<Active>>,
    progress: std::sync::Arc<crate::progress::Progress>,
    /// The page cache every vault installed here gets, when not the store's default.
    page_cache_kib: Option<u32>,
}

fn idle_limit(vault: &Vault) -> Duration {
    let minutes = vault
        .settings()
        .map(|s| s.idle_lock_minutes)
        .unwrap_or(crate::settings::Settings::default().idle_lock_minutes);
    Duration::from_secs(u64::from(minutes) * 60)
}

impl Session {
    /// A locked session over the vault in `paths`.
    pub fn new(paths: VaultPaths) -> Self {
        Session {
            paths,
            state: Mutex::new(None),
            progress: Default::default(),
            page_cache_kib: None,
        }
    }

    /// Gives every vault installed in this session a page cache of `kib` KiB.
    pub fn with_page_cache_kib(mut self, kib: u32) -> Self {
        self.page_cache_kib = Some(kib);
        self
    }

    /// How far the unlocked vault's long work has gone; read and stopped without waiting for
    /// the vault, which that work holds.
    pub fn progress(&self) -> std::sync::Arc<crate::progress::Progress> {
        self.progress.clone()
    }

    /// The vault's files.
    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Option<Active>> {
        // A panic while holding the lock must not leave the vault open forever: recover the
        // guard and let the caller lock it.
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// What "Acerca de" shows; the vault's own versions only while it is unlocked. Not
    /// counted as activity.
    pub fn about(&self) -> About {
        let state = self.state();
        let vault = state.as_ref().map(|active| &active.vault);
        About {
            version: env!("CARGO_PKG_VERSION").to_string(),
            licence: env!("CARGO_PKG_LICENSE").to_string(),
            data_dir: self.paths.dir.to_string_lossy().into_owned(),
            schema_version: vault
                .and_then(|v| crate::store::migrations::current_version(&v.conn).ok()),
            schema_latest: crate::store::migrations::latest_version(),
            keyslot_format: vault.map(|v| v.slots.format),
            sync_format: crate::sync::manifest::FORMAT,
            backup_format: crate::backup::BACKUP_FORMAT,
            summary_format: crate::summary::pool::VERSION,
        }
    }

    /// Whether a vault is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.state().is_some()
    }

    /// Makes `vault` the session's unlocked vault, locking any previous one.
    pub fn install(&self, mut vault: Vault) {
        vault.watch_with(self.progress.clone());
        if let Some(kib) = self.page_cache_kib {
            // Only memory: a vault that keeps the larger cache still answers correctly.
            if vault.set_page_cache_kib(kib).is_err() {
                tracing::warn!("the page cache could not be resized");
            }
        }
        let limit = idle_limit(&vault);
        let previous = self.state().replace(Active {
            vault,
            last_activity: Moment::now(),
            idle_limit: limit,
        });
        if let Some(previous) = previous {
            let _ = previous.vault.lock(LockReason::Manual);
        }
    }

    /// Runs `f` on the unlocked vault, as activity at `now`; locks first if idle too long.
    pub fn with_at<R>(&self, now: Moment, f: impl FnOnce(&mut Vault) -> Result<R>) -> Result<R> {
        let mut state = self.state();
        let expired = match state.as_ref() {
            None => return Err(Error::Locked),
            Some(active) => now.since(active.last_activity) >= active.idle_limit,
        };
        if expired {
            if let Some(active) = state.take() {
                let _ = active.vault.lock(LockReason::Idle);
            }
            return Err(Error::Locked);
        }
        let active = state.as_mut().ok_or(Error::Locked)?;
        active.last_activity = now;
        let result = f(&mut active.vault);
        active.idle_limit = idle_limit(&active.vault);
        result
    }

    /// Runs `f` on the unlocked vault now.
    pub fn with<R>(&self, f: impl FnOnce(&mut Vault) -> Result<R>) -> Result<R> {
        self.with_at(Moment::now(), f)
    }

    /// Records activity without doing anything else.
    pub fn touch(&self) -> Result<()> {
        self.with(|_| Ok(()))
    }

    /// Locks now; true if a vault was unlocked.
    pub fn lock(&self, reason: LockReason) -> bool {
        match self.state().take() {
            Some(active) => {
                if let Err(error) = active.vault.lock(reason) {
                    tracing::warn!(
                        code = error.code().as_str(),
                        "locking did not finish cleanly"
                    );
                }
                true
            }
            None => false,
        }
    }

    /// Locks because the laptop is going to sleep or its screen is being locked; true if a
    /// vault was unlocked.
    pub fn lock_for_suspend(&self) -> bool {
        self.lock(LockReason::Suspend)
    }

    /// Gives back the vault's page cache if nothing happened for [`QUIET`] before `now`: the
    /// screen on show was read, and a page cache of 100,000 women is 16 MiB that the app
    /// would otherwise hold while nobody works. True if it gave it back. Waits for no one:
    /// while the vault is busy (a long import), it does nothing.
    pub fn release_cache_if_quiet_at(&self, now: Moment) -> bool {
        let Ok(state) = self.state.try_lock() else {
            return false;
        };
        match state.as_ref() {
            Some(active) if now.since(active.last_activity) >= QUIET => {
                active.vault.release_cache().is_ok()
            }
            _ => false,
        }
    }

    /// Locks if there was no activity for the idle limit before `now`; true if it locked.
    pub fn lock_if_idle_at(&self, now: Moment) -> bool {
        let mut state = self.state();
        let expired = state
            .as_ref()
            .is_some_and(|active| now.since(active.last_activity) >= active.idle_limit);
        if expired {
            if let Some(active) = state.take() {
                let _ = active.vault.lock(LockReason::Idle);
            }
        }
        expired
    }
}
