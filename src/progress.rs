//! How far a long piece of work has gone (importing or writing sync files, a new laptop's
//! first load), and the person's request to stop it. Shared between the work and whoever
//! watches it (the app polls it from another thread, without waiting for the vault), so it
//! holds only atomics. Work that is cancelled stops at its next check with
//! [`Error::Cancelled`] and leaves nothing changed: what it wrote is in a transaction that is
//! dropped, and files it wrote are removed.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};

use serde::Serialize;

use crate::error::{Error, Result};

/// What the work is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Idle,
    /// Reading and checking files (decryption, signature, every operation).
    Checking,
    /// Applying changes to this laptop.
    Applying,
    /// Writing files for other laptops.
    Writing,
}

impl Phase {
    fn from_code(code: u8) -> Phase {
        match code {
            1 => Phase::Checking,
            2 => Phase::Applying,
            3 => Phase::Writing,
            _ => Phase::Idle,
        }
    }
}

/// What a watcher sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ProgressState {
    pub phase: Phase,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub done: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub total: u64,
    /// A stop was asked for and not yet reached.
    pub cancelling: bool,
}

/// The shared state of one piece of work at a time.
#[derive(Debug, Default)]
pub struct Progress {
    cancel: AtomicBool,
    phase: AtomicU8,
    done: AtomicU64,
    total: AtomicU64,
}

impl Progress {
    /// Asks the work under way to stop at its next check.
    pub fn cancel(&self) {
        if self.phase.load(Ordering::SeqCst) != 0 {
            self.cancel.store(true, Ordering::SeqCst);
        }
    }

    /// Where the work is.
    pub fn state(&self) -> ProgressState {
        let phase = Phase::from_code(self.phase.load(Ordering::SeqCst));
        ProgressState {
            phase,
            done: self.done.load(Ordering::SeqCst),
            total: self.total.load(Ordering::SeqCst),
            cancelling: phase != Phase::Idle && self.cancel.load(Ordering::SeqCst),
        }
    }

    /// Starts a new piece of work (a stop asked for before it started does not apply).
    pub(crate) fn begin(&self) {
        self.cancel.store(false, Ordering::SeqCst);
        self.enter(Phase::Checking, 0);
    }

    /// Moves to `phase`, with `total` steps.
    pub(crate) fn enter(&self, phase: Phase, total: u64) {
        self.phase.store(phase as u8, Ordering::SeqCst);
        self.done.store(0, Ordering::SeqCst);
        self.total.store(total, Ordering::SeqCst);
    }

    /// Counts `steps` more done, and stops the work if a stop was asked for.
    pub(crate) fn step(&self, steps: u64) -> Result<()> {
        self.done.fetch_add(steps, Ordering::SeqCst);
        self.check()
    }

    /// Counts `steps` more done.
    pub(crate) fn advance(&self, steps: u64) {
        self.done.fetch_add(steps, Ordering::SeqCst);
    }

    /// Stops the work if a stop was asked for.
    pub(crate) fn check(&self) -> Result<()> {
        if self.cancel.load(Ordering::SeqCst) {
            return Err(Error::Cancelled);
        }
        Ok(())
    }

    /// The work ended, one way or another.
    pub(crate) fn end(&self) {
        self.phase.store(Phase::Idle as u8, Ordering::SeqCst);
        self.cancel.store(false, Ordering::SeqCst);
        self.done.store(0, Ordering::SeqCst);
        self.total.store(0, Ordering::SeqCst);
    }
}

/// Ends the watched work when dropped, whatever way it ended.
pub(crate) struct Watching<'a>(pub &'a Progress);

impl<'a> Watching<'a> {
    pub(crate) fn start(progress: &'a Progress) -> Watching<'a> {
        progress.begin();
        Watching(progress)
    }
}

impl Drop for Watching<'_> {
    fn drop(&mut self) {
        self.0.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_is_seen_at_the_next_check_and_only_while_work_is_under_way() {
        let progress = Progress::default();
        progress.cancel();
        assert!(!progress.state().cancelling, "nothing under way");
        {
            let watching = Watching::start(&progress);
            watching.0.enter(Phase::Applying, 10);
            watching.0.step(3).unwrap();
            assert_eq!(
                progress.state(),
                ProgressState {
                    phase: Phase::Applying,
                    done: 3,
                    total: 10,
                    cancelling: false
                }
            );
            progress.cancel();
            assert!(progress.state().cancelling);
            assert!(matches!(watching.0.step(1), Err(Error::Cancelled)));
        }
        assert_eq!(progress.state().phase, Phase::Idle);
        assert!(!progress.state().cancelling);
    }
}
