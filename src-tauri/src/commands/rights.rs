//! A woman's rights requests: record one, mark one answered, the coordinators' list.

use acompana::records::rights::{RightsKind, RightsRequestEntry};
use acompana::sync::erasure::RightsOverview;
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

/// Records a request she made, received on `received_on`; the deadline comes from the
/// country's law.
#[tauri::command(async)]
#[specta::specta]
pub fn rights_add(
    state: State<'_, AppState>,
    participant_id: String,
    right: RightsKind,
    received_on: String,
) -> CommandResult<RightsRequestEntry> {
    Ok(state
        .session
        .with(|vault| vault.rights_add(&participant_id, right, &received_on))?)
}

/// Marks an access or correction request answered today, with what was given or corrected.
#[tauri::command(async)]
#[specta::specta]
pub fn rights_done(
    state: State<'_, AppState>,
    request_id: String,
    outcome: Option<String>,
) -> CommandResult<RightsRequestEntry> {
    Ok(state
        .session
        .with(|vault| vault.rights_done(&request_id, outcome))?)
}

/// Every request on this laptop and every erasure with the laptops that acknowledged it
/// (coordinators and administrators).
#[tauri::command(async)]
#[specta::specta]
pub fn rights_list(state: State<'_, AppState>) -> CommandResult<RightsOverview> {
    Ok(state.session.with(|vault| vault.rights_list())?)
}
