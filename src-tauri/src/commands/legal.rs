use acompana::records::overview::{ComplianceReportView, LegalOverview, Printout};
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

/// Legal deadlines, community-service progress, eligibility guides and open tasks of a file,
/// as of the person's local `today`.
#[tauri::command(async)]
#[specta::specta]
pub fn legal_overview(
    state: State<'_, AppState>,
    participant_id: String,
    today: String,
) -> CommandResult<LegalOverview> {
    Ok(state
        .session
        .with(|vault| vault.legal_overview(&participant_id, &today))?)
}

/// A compliance report ready to print; audited as a printout.
#[tauri::command(async)]
#[specta::specta]
pub fn compliance_report(
    state: State<'_, AppState>,
    participant_id: String,
    report_id: String,
) -> CommandResult<ComplianceReportView> {
    Ok(state
        .session
        .with(|vault| vault.compliance_report(&participant_id, &report_id))?)
}

/// Writes a printout (her file, the blank intake form) to the audit log.
#[tauri::command(async)]
#[specta::specta]
pub fn printout_record(
    state: State<'_, AppState>,
    printout: Printout,
    participant_id: Option<String>,
) -> CommandResult<()> {
    Ok(state
        .session
        .with(|vault| vault.printout_record(printout, participant_id.as_deref()))?)
}

/// Opens the system's print dialog for the page on screen.
#[tauri::command]
#[specta::specta]
pub fn print_page(window: tauri::WebviewWindow) -> CommandResult<()> {
    window
        .print()
        .map_err(|_| acompana::error::Error::Internal("printing failed".into()))?;
    Ok(())
}
