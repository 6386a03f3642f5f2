use acompana::records::participants::{
    ClosingReason, NewParticipant, Participant, ParticipantDetails, ParticipantPage,
    ParticipantQuery,
};
use acompana::records::record::{HistoryEntry, ParticipantFile};
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn participant_list(
    state: State<'_, AppState>,
    query: ParticipantQuery,
) -> CommandResult<ParticipantPage> {
    Ok(state.session.with(|vault| vault.participant_page(&query))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn participant_add(
    state: State<'_, AppState>,
    input: NewParticipant,
) -> CommandResult<Participant> {
    Ok(state.session.with(|vault| vault.participant_add(input))?)
}

/// Opens a whole file; the view is audited.
#[tauri::command(async)]
#[specta::specta]
pub fn participant_file(
    state: State<'_, AppState>,
    participant_id: String,
) -> CommandResult<ParticipantFile> {
    Ok(state
        .session
        .with(|vault| vault.participant_file(&participant_id))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn participant_update(
    state: State<'_, AppState>,
    participant_id: String,
    details: ParticipantDetails,
) -> CommandResult<Participant> {
    Ok(state
        .session
        .with(|vault| vault.participant_update(&participant_id, details))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn participant_assign(
    state: State<'_, AppState>,
    participant_id: String,
    username: Option<String>,
) -> CommandResult<Participant> {
    Ok(state
        .session
        .with(|vault| vault.participant_assign(&participant_id, username.as_deref()))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn participant_share(
    state: State<'_, AppState>,
    participant_id: String,
    username: String,
    shared: bool,
) -> CommandResult<Participant> {
    Ok(state
        .session
        .with(|vault| vault.participant_share(&participant_id, &username, shared))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn participant_close(
    state: State<'_, AppState>,
    participant_id: String,
    reason: ClosingReason,
) -> CommandResult<Participant> {
    Ok(state
        .session
        .with(|vault| vault.participant_close(&participant_id, reason))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn participant_reopen(
    state: State<'_, AppState>,
    participant_id: String,
) -> CommandResult<Participant> {
    Ok(state
        .session
        .with(|vault| vault.participant_reopen(&participant_id))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn participant_history(
    state: State<'_, AppState>,
    participant_id: String,
    reveal: bool,
) -> CommandResult<Vec<HistoryEntry>> {
    Ok(state
        .session
        .with(|vault| vault.participant_history(&participant_id, reveal))?)
}

/// Erases a woman at her request (coordinators and administrators): her data leaves this
/// laptop now and every other at its next sync; only a marker with her id stays. The person
/// confirming types her case code, which must match.
#[tauri::command(async)]
#[specta::specta]
pub fn participant_erase(
    state: State<'_, AppState>,
    participant_id: String,
    case_code: String,
    reason: String,
) -> CommandResult<()> {
    Ok(state
        .session
        .with(|vault| vault.participant_erase_confirmed(&participant_id, &case_code, &reason))?)
}
