use acompana::staff::{Role, StaffMember};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

/// The "add a colleague" form (no `Debug`: it holds a password).
#[derive(Deserialize, specta::Type)]
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

/// What a re-key gives back, for the screen that shows the new recovery code once (no
/// `Debug`: it holds the code).
#[derive(Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RekeyResult {
    pub recovery_code: String,
    /// Colleagues (staff ids) whose passwords an administrator must reset.
    pub needs_password_reset: Vec<String>,
}

impl From<acompana::vault::Rekeyed> for RekeyResult {
    fn from(rekeyed: acompana::vault::Rekeyed) -> Self {
        RekeyResult {
            recovery_code: rekeyed.recovery_code.display().to_string(),
            needs_password_reset: rekeyed.needs_password_reset,
        }
    }
}

/// Disables a colleague after the administrator's password, re-keying the vault.
#[tauri::command(async)]
#[specta::specta]
pub fn staff_disable(
    state: State<'_, AppState>,
    staff_id: String,
    password: String,
) -> CommandResult<RekeyResult> {
    let password = SecretString::from(password);
    Ok(state
        .session
        .with(|vault| vault.staff_disable(&staff_id, &password))?
        .into())
}

/// "Cambiar código de recuperación": re-keys the vault after the administrator's password.
#[tauri::command(async)]
#[specta::specta]
pub fn recovery_code_change(
    state: State<'_, AppState>,
    password: String,
) -> CommandResult<RekeyResult> {
    let password = SecretString::from(password);
    Ok(state
        .session
        .with(|vault| vault.change_recovery_code(&password))?
        .into())
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
