//! "Guardar informe de error": the crash screen's report, written where the person chooses. It
//! holds no personal data (see `acompana::crash`), so it may be given to whoever helps.

use acompana::crash::{self, UiCrash};
use tauri::{AppHandle, Runtime};

use crate::dialog::{self, Choose};
use crate::error::CommandResult;

/// Writes a crash report for `crash` to a file chosen in the system's dialog; answers the
/// file's name, or `None` when the dialog was cancelled. Works locked or not: a crash may come
/// at any moment.
#[tauri::command(async)]
#[specta::specta]
pub fn crash_report_save<R: Runtime>(
    app: AppHandle<R>,
    crash: UiCrash,
) -> CommandResult<Option<String>> {
    let suggested = crash::suggested_file_name();
    let Some(path) = dialog::choose(&app, Choose::Save { suggested })? else {
        return Ok(None);
    };
    crash::write_report(&path, &crash)?;
    Ok(Some(dialog::file_name(&path)))
}
