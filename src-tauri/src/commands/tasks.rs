use acompana::records::tasks::{Today, TodayQuery};
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

/// "Hoy": overdue, today and this week, for the files the signed-in person may see.
#[tauri::command(async)]
#[specta::specta]
pub fn tasks_today(state: State<'_, AppState>, query: TodayQuery) -> CommandResult<Today> {
    Ok(state.session.with(|vault| vault.tasks_today(&query))?)
}

/// Completes a task of a file (generated or added by hand) on the person's local `today`.
#[tauri::command(async)]
#[specta::specta]
pub fn task_complete(
    state: State<'_, AppState>,
    participant_id: String,
    key: String,
    today: String,
) -> CommandResult<()> {
    Ok(state
        .session
        .with(|vault| vault.task_complete(&participant_id, &key, &today))?)
}
