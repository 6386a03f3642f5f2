use acompana::audit::{AuditEntry, AuditVerification};
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn audit_list(
    state: State<'_, AppState>,
    offset: u32,
    limit: u32,
) -> CommandResult<Vec<AuditEntry>> {
    Ok(state
        .session
        .with(|vault| vault.audit_list(offset, limit))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn audit_verify(state: State<'_, AppState>) -> CommandResult<AuditVerification> {
    Ok(state.session.with(|vault| vault.audit_verify())?)
}
