use acompana::staff::{Role, StaffMember};
use secrecy::SecretString;
use serde::Deserialize;
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

/// The "add a colleague" form.
#[derive(Debug, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

#[tauri::command(async)]
#[specta::specta]
pub fn staff_list(state: State<'_, AppState>) -> CommandResult<Vec<StaffMember>> {
    Ok(state.session.with(|vault| vault.staff_list())?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn staff_add(state: State<'_, AppState>, input: NewStaff) -> CommandResult<StaffMember> {
    let password = SecretString::from(input.password);
    Ok(state.session.with(|vault| {
        vault.staff_add(&input.username, &input.display_name, input.role, &password)
    })?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn staff_disable(state: State<'_, AppState>, staff_id: String) -> CommandResult<()> {
    Ok(state.session.with(|vault| vault.staff_disable(&staff_id))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn staff_reset_password(
    state: State<'_, AppState>,
    staff_id: String,
    new_password: String,
) -> CommandResult<()> {
    let password = SecretString::from(new_password);
    Ok(state
        .session
        .with(|vault| vault.staff_reset_password(&staff_id, &password))?)
}
