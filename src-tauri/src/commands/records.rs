use acompana::catalog::{self, CountryCatalog};
use acompana::records::contacts::{BatchVisit, Note};
use acompana::records::record::{CaseRecord, RecordData};
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

/// Saves a record of a file: a new one without `record_id`, else the one named.
#[tauri::command(async)]
#[specta::specta]
pub fn record_save(
    state: State<'_, AppState>,
    participant_id: String,
    record_id: Option<String>,
    data: RecordData,
) -> CommandResult<CaseRecord> {
    Ok(state
        .session
        .with(|vault| vault.record_save(&participant_id, record_id.as_deref(), data))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn record_delete(
    state: State<'_, AppState>,
    participant_id: String,
    record_id: String,
) -> CommandResult<()> {
    Ok(state
        .session
        .with(|vault| vault.record_delete(&participant_id, &record_id))?)
}

/// The text of a sensitive note; the reading is audited.
#[tauri::command(async)]
#[specta::specta]
pub fn note_reveal(
    state: State<'_, AppState>,
    participant_id: String,
    note_id: String,
) -> CommandResult<Note> {
    Ok(state
        .session
        .with(|vault| vault.note_reveal(&participant_id, &note_id))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn visit_record_batch(
    state: State<'_, AppState>,
    visit: BatchVisit,
) -> CommandResult<Vec<CaseRecord>> {
    Ok(state
        .session
        .with(|vault| vault.visit_record_batch(visit))?)
}

/// The signed-in vault's country lists (regions, document checklist).
#[tauri::command(async)]
#[specta::specta]
pub fn catalog_get(state: State<'_, AppState>) -> CommandResult<CountryCatalog> {
    Ok(state
        .session
        .with(|vault| Ok(catalog::for_country(vault.country()?).clone()))?)
}
