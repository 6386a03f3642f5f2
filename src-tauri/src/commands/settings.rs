use acompana::settings::Settings;
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn settings_get(state: State<'_, AppState>) -> CommandResult<Settings> {
    Ok(state.session.with(|vault| vault.settings())?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn settings_set(state: State<'_, AppState>, settings: Settings) -> CommandResult<Settings> {
    Ok(state.session.with(|vault| vault.set_settings(&settings))?)
}

/// Reads and verifies every page of the database (what unlocking skips to stay fast). A
/// damaged page answers `vault_corrupt`.
#[tauri::command(async)]
#[specta::specta]
pub fn vault_check_full(state: State<'_, AppState>) -> CommandResult<()> {
    state.session.with(|vault| vault.check(true))?;
    Ok(())
}
