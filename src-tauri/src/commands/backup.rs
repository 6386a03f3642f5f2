//! "Copia de seguridad" and "Restaurar": an encrypted backup of the whole vault to a file the
//! person chooses (a USB stick), and restoring one on a laptop with no vault.

use acompana::backup::schedule::{BackupSchedule, BackupScheduleStatus, ScheduledBackup};
use acompana::backup::{self, BackupInfo};
use acompana::Error;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};

use crate::dialog::{self, Choose};
use crate::error::CommandResult;
use crate::AppState;

/// A backup written: where (the file's name, not its folder) and what it holds.
#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BackupMade {
    pub file_name: String,
    pub info: BackupInfo,
}

/// Refuses a locked vault and anyone but an administrator, before a dialog opens.
fn refuse_all_but_administrators(state: &State<'_, AppState>) -> CommandResult<()> {
    Ok(state.session.with(|vault| {
        if vault.me().role == acompana::staff::Role::Admin {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    })?)
}

/// Writes a backup encrypted to `passphrase` where the person chooses. `None` when the save
/// dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn backup_create<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    passphrase: String,
) -> CommandResult<Option<BackupMade>> {
    // Refuse a weak passphrase, a locked vault and anyone but an administrator before any
    // dialog opens.
    backup::check_passphrase(&passphrase)?;
    refuse_all_but_administrators(&state)?;
    let suggested = backup::suggested_file_name();
    let Some(path) = dialog::choose(&app, Choose::Save { suggested })? else {
        return Ok(None);
    };
    let info = state
        .session
        .with(|vault| vault.backup_create(&path, &passphrase))?;
    Ok(Some(BackupMade {
        file_name: dialog::file_name(&path),
        info,
    }))
}

/// Restores a backup chosen in a dialog into this laptop's empty data folder; the person
/// then signs in as she did on the laptop the backup came from. `None` when cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn backup_restore<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    passphrase: String,
) -> CommandResult<Option<BackupInfo>> {
    if state.session.paths().exists() {
        return Err(Error::VaultExists(state.session.paths().dir.clone()).into());
    }
    let Some(path) = dialog::choose(&app, Choose::Open)? else {
        return Ok(None);
    };
    Ok(Some(backup::restore(
        state.session.paths(),
        &path,
        &passphrase,
    )?))
}

/// The automatic backups of this laptop and how they have gone (any role).
#[tauri::command(async)]
#[specta::specta]
pub fn backup_schedule_get(state: State<'_, AppState>) -> CommandResult<BackupScheduleStatus> {
    Ok(state.session.with(|vault| vault.backup_schedule())?)
}

/// Sets up automatic backups (administrators) into a folder chosen in the system's dialog:
/// the webview never names a folder itself. `None` when the dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn backup_schedule_set<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    every_days: u32,
    keep: u32,
    passphrase: String,
) -> CommandResult<Option<BackupScheduleStatus>> {
    // Refuse bad values, a locked vault and anyone but an administrator before the dialog.
    let mut schedule = BackupSchedule {
        folder: "/".into(),
        every_days,
        keep,
    };
    schedule.check()?;
    backup::check_passphrase(&passphrase)?;
    refuse_all_but_administrators(&state)?;
    let Some(folder) = dialog::choose(&app, Choose::Folder)? else {
        return Ok(None);
    };
    schedule.folder = folder.to_string_lossy().into_owned();
    Ok(Some(state.session.with(|vault| {
        vault.set_backup_schedule(&schedule, &passphrase)
    })?))
}

/// Stops automatic backups (administrators); the files already written stay.
#[tauri::command(async)]
#[specta::specta]
pub fn backup_schedule_clear(state: State<'_, AppState>) -> CommandResult<BackupScheduleStatus> {
    Ok(state.session.with(|vault| vault.clear_backup_schedule())?)
}

/// Writes the automatic backup if one is due (the app asks after signing in and every half
/// hour), or at once with `now` (administrators). `None` when none was due.
#[tauri::command(async)]
#[specta::specta]
pub fn backup_schedule_run(
    state: State<'_, AppState>,
    now: bool,
) -> CommandResult<Option<ScheduledBackup>> {
    Ok(state
        .session
        .with(|vault| vault.run_scheduled_backup(now))?)
}
