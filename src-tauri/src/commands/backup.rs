//! "Copia de seguridad" and "Restaurar": an encrypted backup of the whole vault to a file the
//! person chooses (a USB stick), and restoring one on a laptop with no vault.

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
    state.session.with(|vault| {
        if vault.me().role == acompana::staff::Role::Admin {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    })?;
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
