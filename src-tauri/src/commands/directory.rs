use acompana::records::directory::{
    DirectoryOrganization, DirectoryPage, DirectoryQuery, Organization, Service,
};
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

#[tauri::command(async)]
#[specta::specta]
pub fn directory_search(
    state: State<'_, AppState>,
    query: DirectoryQuery,
) -> CommandResult<DirectoryPage> {
    Ok(state.session.with(|vault| vault.directory_search(&query))?)
}

/// Adds an organization (without `id`) or changes one.
#[tauri::command(async)]
#[specta::specta]
pub fn directory_save_organization(
    state: State<'_, AppState>,
    id: Option<String>,
    organization: Organization,
) -> CommandResult<DirectoryOrganization> {
    Ok(state
        .session
        .with(|vault| vault.directory_save_organization(id.as_deref(), organization))?)
}

/// Adds a service (without `id`) or changes one; returns its organization.
#[tauri::command(async)]
#[specta::specta]
pub fn directory_save_service(
    state: State<'_, AppState>,
    id: Option<String>,
    service: Service,
) -> CommandResult<DirectoryOrganization> {
    Ok(state
        .session
        .with(|vault| vault.directory_save_service(id.as_deref(), service))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn directory_delete(state: State<'_, AppState>, id: String) -> CommandResult<()> {
    Ok(state.session.with(|vault| vault.directory_delete(&id))?)
}

/// One organization with its services (to name a plan's entity or a referral's organization).
#[tauri::command(async)]
#[specta::specta]
pub fn directory_get(
    state: State<'_, AppState>,
    id: String,
) -> CommandResult<DirectoryOrganization> {
    Ok(state.session.with(|vault| vault.directory_get(&id))?)
}
