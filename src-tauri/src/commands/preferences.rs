//! Interface preferences. Like `vault_status`, these answer while locked: the sign-in screen
//! needs its language, and they hold nothing personal.

use acompana::preferences::{self, Preferences};
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn preferences_get(state: State<'_, AppState>) -> CommandResult<Preferences> {
    Ok(preferences::load(&state.session.paths().dir))
}

#[tauri::command(async)]
#[specta::specta]
pub fn preferences_set(
    state: State<'_, AppState>,
    preferences: Preferences,
) -> CommandResult<Preferences> {
    preferences::save(&state.session.paths().dir, &preferences)?;
    Ok(preferences::load(&state.session.paths().dir))
}
