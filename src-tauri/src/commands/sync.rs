//! Sync between the organization's laptops: its devices, files to save for them, files
//! received, and the conflicts that wait. Files are chosen in native dialogs opened from
//! Rust ([`crate::dialog`]); the webview never names or reads a path.

use acompana::progress::ProgressState;
use acompana::staff::Role;
use acompana::sync::conflicts::Conflict;
use acompana::sync::device::Device;
use acompana::sync::export::FolderReport;
use acompana::sync::import::ImportReport;
use acompana::sync::visit::{VisitCandidate, VisitMode};
use acompana::vault::SessionInfo;
use acompana::Error;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};

use crate::dialog::{self, Choose};
use crate::error::CommandResult;
use crate::AppState;

/// A laptop added for a colleague: the passphrase to read aloud to her, shown once.
#[derive(Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AddedDevice {
    pub device_id: String,
    pub passphrase: String,
    /// When the join file stops working (RFC 3339).
    pub expires: String,
    /// The file's name (not its folder), to tell her which file to carry.
    pub file_name: String,
}

/// What "Guardar cambios para…" wrote.
#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedChanges {
    /// One entry per receiving laptop.
    pub files: Vec<SavedFile>,
}

#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedFile {
    pub device_id: String,
    pub device_name: String,
    pub file_name: String,
    /// Changes carried (operations).
    pub changes: u32,
}

/// The join form of the first-run screen (the file is chosen in a native dialog first).
#[derive(Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct JoinInput {
    pub passphrase: String,
    pub new_password: String,
}

/// A laptop that joined: her recovery code (shown once) and her session.
#[derive(Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Joined {
    pub recovery_code: String,
    pub session: SessionInfo,
    /// The files loaded from the join file.
    pub participants: u32,
}

fn may_manage_devices(state: &AppState) -> CommandResult<()> {
    let role = state.session.with(|vault| Ok(vault.me().role))?;
    if matches!(role, Role::Admin | Role::Coordinator) {
        Ok(())
    } else {
        Err(Error::Forbidden.into())
    }
}

#[tauri::command(async)]
#[specta::specta]
pub fn device_list(state: State<'_, AppState>) -> CommandResult<Vec<Device>> {
    Ok(state.session.with(|vault| vault.device_list())?)
}

/// Registers a laptop for a colleague and saves its join file where the user chooses.
/// `None` when the save dialog was cancelled (nothing is registered then).
#[tauri::command(async)]
#[specta::specta]
pub fn device_add<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    username: String,
    name: String,
) -> CommandResult<Option<AddedDevice>> {
    may_manage_devices(&state)?;
    let suggested = format!("acompana-union-{}.age", dialog::safe_stem(&name));
    let Some(path) = dialog::choose(&app, Choose::Save { suggested })? else {
        return Ok(None);
    };
    let added = state
        .session
        .with(|vault| vault.device_add(&username, &name, &path))?;
    Ok(Some(AddedDevice {
        device_id: added.device_id,
        passphrase: added.passphrase,
        expires: added.expires,
        file_name: dialog::file_name(&path),
    }))
}

#[tauri::command(async)]
#[specta::specta]
pub fn device_revoke(
    state: State<'_, AppState>,
    device_id: String,
    password: String,
) -> CommandResult<super::staff::RekeyResult> {
    let password = secrecy::SecretString::from(password);
    Ok(state
        .session
        .with(|vault| vault.device_revoke(&device_id, &password))?
        .into())
}

/// Saves what is new for the chosen laptops: one file for one laptop (a save dialog), or
/// one file each in a chosen folder for several. `None` when the dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_save_changes<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    device_ids: Vec<String>,
) -> CommandResult<Option<SavedChanges>> {
    if device_ids.is_empty() {
        return Err(Error::InvalidInput {
            field: "devices",
            reason: "choose at least one laptop",
        }
        .into());
    }
    let devices = state.session.with(|vault| {
        let this = vault.device_id().to_string();
        Ok((this, vault.device_list()?))
    })?;
    let (this, devices) = devices;
    for id in &device_ids {
        if !devices
            .iter()
            .any(|d| &d.id == id && !d.this_laptop && d.registered && !d.revoked)
        {
            return Err(Error::NotFound.into());
        }
    }
    let choice = if device_ids.len() == 1 {
        Choose::Save {
            suggested: acompana::sync::export::file_name(&this, &device_ids[0]),
        }
    } else {
        Choose::Folder
    };
    let Some(path) = dialog::choose(&app, choice)? else {
        return Ok(None);
    };
    let written = state
        .session
        .with(|vault| vault.sync_export(&path, &device_ids, false))?;
    let name_of = |id: &str| {
        devices
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    Ok(Some(SavedChanges {
        files: written
            .into_iter()
            .map(|file| SavedFile {
                device_name: name_of(&file.device_id),
                file_name: dialog::file_name(std::path::Path::new(&file.path)),
                changes: file.operations as u32,
                device_id: file.device_id,
            })
            .collect(),
    }))
}

/// Opens files received from other laptops (one or several, chosen in a native dialog):
/// each is checked whole, and nothing changes unless all are accepted. `None` when the
/// dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_open_received<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CommandResult<Option<ImportReport>> {
    state.session.touch()?;
    let Some(paths) = dialog::choose_files(&app)? else {
        return Ok(None);
    };
    Ok(Some(state.session.with(|vault| vault.sync_import(&paths))?))
}

#[tauri::command(async)]
#[specta::specta]
pub fn conflicts_list(state: State<'_, AppState>) -> CommandResult<Vec<Conflict>> {
    Ok(state.session.with(|vault| vault.conflicts_list())?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn conflicts_resolve(
    state: State<'_, AppState>,
    conflict_id: String,
    keep_op: String,
) -> CommandResult<()> {
    Ok(state
        .session
        .with(|vault| vault.conflicts_resolve(&conflict_id, &keep_op))?)
}

/// Joins this laptop to the organization with a join file chosen in a native dialog.
/// `None` when the dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn vault_join<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: JoinInput,
) -> CommandResult<Option<Joined>> {
    if state.session.paths().exists() {
        return Err(Error::VaultExists(state.session.paths().dir.clone()).into());
    }
    let Some(paths) = dialog::choose(&app, Choose::Open)? else {
        return Ok(None);
    };
    let bytes = std::fs::read(&paths).map_err(Error::from)?;
    let password = SecretString::from(input.new_password);
    let (vault, code) = acompana::opening::join_watched(
        state.session.paths(),
        acompana::opening::Joining {
            file: &bytes,
            passphrase: &input.passphrase,
            password: &password,
        },
        acompana::vault::KdfChoice::from_env(),
        &state.session.progress(),
    )?;
    let participants = vault
        .participant_page(&Default::default())
        .map(|page| page.total)
        .unwrap_or(0);
    let session = vault.session_info()?;
    state.session.install(vault);
    Ok(Some(Joined {
        recovery_code: code.display().to_string(),
        session,
        participants,
    }))
}

/// This laptop's sync folder (a folder Syncthing or a network drive carries), if set.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_folder_get(state: State<'_, AppState>) -> CommandResult<Option<String>> {
    Ok(state.session.with(|vault| {
        Ok(vault
            .sync_folder_path()?
            .map(|path| path.display().to_string()))
    })?)
}

/// Chooses this laptop's sync folder in a native dialog; `None` when it was cancelled
/// (the folder set before, if any, stays).
#[tauri::command(async)]
#[specta::specta]
pub fn sync_folder_choose<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> CommandResult<Option<String>> {
    state.session.touch()?;
    let Some(dir) = dialog::choose(&app, Choose::Folder)? else {
        return Ok(None);
    };
    state
        .session
        .with(|vault| vault.set_sync_folder_path(Some(&dir)))?;
    Ok(Some(dir.display().to_string()))
}

/// Stops syncing through a folder (the files already there stay).
#[tauri::command(async)]
#[specta::specta]
pub fn sync_folder_clear(state: State<'_, AppState>) -> CommandResult<()> {
    Ok(state
        .session
        .with(|vault| vault.set_sync_folder_path(None))?)
}

/// Imports the folder's new files meant for this laptop (each on its own: a refused one is
/// reported and the others still apply), then writes what is new for the other laptops.
/// `None` when no folder is set.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_folder_run(state: State<'_, AppState>) -> CommandResult<Option<FolderReport>> {
    Ok(state.session.with(|vault| vault.sync_folder_now())?)
}

/// The women a visit package for `device_id` may hold (open files its colleague may see),
/// with the prison each is in.
#[tauri::command(async)]
#[specta::specta]
pub fn visit_candidates(
    state: State<'_, AppState>,
    device_id: String,
) -> CommandResult<Vec<VisitCandidate>> {
    Ok(state
        .session
        .with(|vault| vault.visit_candidates(&device_id))?)
}

/// Prepares a visit package for a caseworker's laptop and saves its file where the person
/// chooses (a native dialog). Checked before the dialog opens; `None` when it was cancelled,
/// and then nothing is written.
#[tauri::command(async)]
#[specta::specta]
pub fn visit_prepare<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    device_id: String,
    participant_ids: Vec<String>,
    days: u32,
) -> CommandResult<Option<SavedFile>> {
    let (this, name) = state.session.with(|vault| {
        vault.visit_precheck(&device_id, &participant_ids, days)?;
        let name = vault
            .device_list()?
            .into_iter()
            .find(|d| d.id == device_id)
            .map(|d| d.name)
            .unwrap_or_default();
        Ok((vault.device_id().to_string(), name))
    })?;
    let suggested = acompana::sync::export::file_name(&this, &device_id);
    let Some(path) = dialog::choose(&app, Choose::Save { suggested })? else {
        return Ok(None);
    };
    let file = state
        .session
        .with(|vault| vault.visit_export(&device_id, &participant_ids, days, &path))?;
    Ok(Some(SavedFile {
        device_name: name,
        file_name: dialog::file_name(std::path::Path::new(&file.path)),
        changes: file.operations as u32,
        device_id: file.device_id,
    }))
}

/// This laptop in visit mode, if it is; a visit that is over (expired, synced back) ends
/// first and its files leave the laptop.
#[tauri::command(async)]
#[specta::specta]
pub fn visit_status(state: State<'_, AppState>) -> CommandResult<Option<VisitMode>> {
    Ok(state
        .session
        .with(|vault| vault.visit_status(crate::clock::now_ms()))?)
}

/// How far the sync work under way has gone (checking files, applying changes, writing
/// files): read while that work holds the vault, so it never waits for it.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_progress(state: State<'_, AppState>) -> ProgressState {
    state.session.progress().state()
}

/// Asks the sync work under way to stop: it stops at its next check and changes nothing.
#[tauri::command(async)]
#[specta::specta]
pub fn sync_cancel(state: State<'_, AppState>) {
    state.session.progress().cancel();
}
