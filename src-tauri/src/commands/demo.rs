use acompana::demo;
use acompana::vault::{SessionInfo, VaultPaths};
use acompana::Country;
use tauri::State;

use crate::error::CommandResult;
use crate::AppState;

/// How many invented women a new demo vault gets.
const DEMO_PARTICIPANTS: u32 = 300;

/// Opens the demo vault (in the `demo` folder inside the data folder, apart from the real
/// vault), creating and filling it on first use, and signs in to it.
#[tauri::command(async)]
#[specta::specta]
pub fn demo_open(state: State<'_, AppState>) -> CommandResult<SessionInfo> {
    let paths = VaultPaths::new(state.session.paths().dir.join("demo"));
    let vault = demo::open_filled(&paths, Country::CO, DEMO_PARTICIPANTS)?;
    let info = vault.session_info()?;
    state.session.install(vault);
    Ok(info)
}
