//! The desktop session: at most one unlocked vault, locked on demand, after an idle time, or
//! at quit. While locked, every call answers [`Error::Locked`].

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::vault::{LockReason, Vault, VaultPaths};

struct Active {
    vault: Vault,
    last_activity: Instant,
    idle_limit: Duration,
}

/// Holds the unlocked vault, if any, for the desktop app.
pub struct Session {
    paths: VaultPaths,
    state: Mutex<Option<Active>>,
    progress: std::sync::Arc<crate::progress::Progress>,
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
        }
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

    /// Whether a vault is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.state().is_some()
    }

    /// Makes `vault` the session's unlocked vault, locking any previous one.
    pub fn install(&self, mut vault: Vault) {
        vault.watch_with(self.progress.clone());
        let limit = idle_limit(&vault);
        let previous = self.state().replace(Active {
            vault,
            last_activity: Instant::now(),
            idle_limit: limit,
        });
        if let Some(previous) = previous {
            let _ = previous.vault.lock(LockReason::Manual);
        }
    }

    /// Runs `f` on the unlocked vault, as activity at `now`; locks first if idle too long.
    pub fn with_at<R>(&self, now: Instant, f: impl FnOnce(&mut Vault) -> Result<R>) -> Result<R> {
        let mut state = self.state();
        let expired = match state.as_ref() {
            None => return Err(Error::Locked),
            Some(active) => {
                now.saturating_duration_since(active.last_activity) >= active.idle_limit
            }
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
        self.with_at(Instant::now(), f)
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

    /// Locks if there was no activity for the idle limit before `now`; true if it locked.
    pub fn lock_if_idle_at(&self, now: Instant) -> bool {
        let mut state = self.state();
        let expired = state.as_ref().is_some_and(|active| {
            now.saturating_duration_since(active.last_activity) >= active.idle_limit
        });
        if expired {
            if let Some(active) = state.take() {
                let _ = active.vault.lock(LockReason::Idle);
            }
        }
        expired
    }
}
