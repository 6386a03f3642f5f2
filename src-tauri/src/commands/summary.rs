//! Anonymized summaries (coordinators and administrators): the indicators, a protected
//! summary, and its CSV files written into a folder chosen in a native dialog.

use acompana::summary::{self, IndicatorInfo, Summary, SummaryRequest};
use tauri::{AppHandle, Runtime, State};

use crate::dialog::{self, Choose};
use crate::error::CommandResult;
use crate::AppState;

/// Every indicator, its unit, its categories and the breakdowns it allows.
#[tauri::command(async)]
#[specta::specta]
pub fn summary_indicators() -> Vec<IndicatorInfo> {
    summary::indicator_list()
}

/// A protected summary. A public one covers closed quarters only and is the one frozen when
/// first produced.
#[tauri::command(async)]
#[specta::specta]
pub fn summary_produce(
    state: State<'_, AppState>,
    request: SummaryRequest,
) -> CommandResult<Summary> {
    Ok(state
        .session
        .with(|vault| vault.summary_on(&request, summary::local_day(crate::clock::now_ms())))?)
}

/// Produces the summary again and writes one CSV file per table into a folder chosen in a
/// native dialog; the number of files written, or `None` when the dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn summary_export_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: SummaryRequest,
) -> CommandResult<Option<u32>> {
    state.session.touch()?;
    let Some(dir) = dialog::choose(&app, Choose::Folder)? else {
        return Ok(None);
    };
    let summary = state
        .session
        .with(|vault| vault.summary_on(&request, summary::local_day(crate::clock::now_ms())))?;
    let written = summary::write_csv(&summary, &dir)?;
    Ok(Some(written.len() as u32))
}
