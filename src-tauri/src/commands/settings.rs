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
