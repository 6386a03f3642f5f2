use acompana::session::About;
use acompana::vault::{KdfChoice, NewVault, SessionInfo};
use acompana::Country;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

/// Whether a vault exists in the data folder and who, if anyone, is signed in.
#[derive(Debug, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct VaultStatus {
    pub exists: bool,
    pub session: Option<SessionInfo>,
}

/// The first-run form.
#[derive(Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NewVaultInput {
    pub org_name: String,
    pub country: Country,
    pub admin_username: String,
    pub admin_display_name: String,
    pub admin_password: String,
}

/// A new vault: the recovery code to write down (shown once) and the administrator's session.
#[derive(Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CreatedVault {
    pub recovery_code: String,
    pub session: SessionInfo,
}

#[tauri::command(async)]
#[specta::specta]
pub fn vault_status(state: State<'_, AppState>) -> CommandResult<VaultStatus> {
    let session = if state.session.is_unlocked() {
        state.session.with(|vault| vault.session_info()).ok()
    } else {
        None
    };
    Ok(VaultStatus {
        exists: state.session.paths().exists(),
        session,
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn vault_create(
    state: State<'_, AppState>,
    input: NewVaultInput,
) -> CommandResult<CreatedVault> {
    let new = NewVault {
        org_name: input.org_name,
        country: input.country,
        admin_username: input.admin_username,
        admin_display_name: input.admin_display_name,
        admin_password: SecretString::from(input.admin_password),
    };
    let (vault, code) =
        acompana::opening::create(state.session.paths(), new, KdfChoice::from_env())?;
    let session = vault.session_info()?;
    state.session.install(vault);
    Ok(CreatedVault {
        recovery_code: code.display().to_string(),
        session,
    })
}

/// "Acerca de": this version, its licence, where the data lives, and the formats it reads
/// and writes (the vault's own versions only while it is unlocked).
#[tauri::command(async)]
#[specta::specta]
pub fn about(state: State<'_, AppState>) -> CommandResult<About> {
    Ok(state.session.about())
}
