use acompana::vault::{LockReason, SessionInfo};
use secrecy::SecretString;
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn session_unlock(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> CommandResult<SessionInfo> {
    let password = SecretString::from(password);
    let vault = acompana::opening::unlock(state.session.paths(), &username, &password)?;
    let info = vault.session_info()?;
    state.session.install(vault);
    Ok(info)
}

#[tauri::command(async)]
#[specta::specta]
pub fn session_recover(
    state: State<'_, AppState>,
    recovery_code: String,
    username: String,
    new_password: String,
) -> CommandResult<SessionInfo> {
    let code = SecretString::from(recovery_code);
    let password = SecretString::from(new_password);
    let vault = acompana::opening::recover(state.session.paths(), &code, &username, &password)?;
    let info = vault.session_info()?;
    state.session.install(vault);
    Ok(info)
}

#[tauri::command(async)]
#[specta::specta]
pub fn session_lock(state: State<'_, AppState>) -> CommandResult<()> {
    state.session.lock(LockReason::Manual);
    Ok(())
}

#[tauri::command(async)]
#[specta::specta]
pub fn session_touch(state: State<'_, AppState>) -> CommandResult<()> {
    Ok(state.session.touch()?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn password_change(
    state: State<'_, AppState>,
    current_password: String,
    new_password: String,
) -> CommandResult<()> {
    let current = SecretString::from(current_password);
    let new = SecretString::from(new_password);
    Ok(state
        .session
        .with(|vault| vault.change_password(&current, &new))?)
}
