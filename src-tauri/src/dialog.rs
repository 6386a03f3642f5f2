//! Native file dialogs, opened from Rust so that the webview never gets filesystem access:
//! it asks for "save the changes" or "open a received file", and only the path the person
//! chose in the system's own dialog is used.
//!
//! **Test-only switch.** WebDriver cannot drive a native dialog, so a debug build reads the
//! answers from a file named by `ACOMPANA_E2E_DIALOG_ANSWERS`: each dialog takes the file's
//! first line (a path; several paths separated by `|` for "open"; an empty line for
//! "cancelled") and removes it. A release build refuses to start when the variable is set
//! ([`refuse_test_switch_in_release`]).

use std::path::{Path, PathBuf};

use acompana::Error;
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

/// The variable that names the end-to-end test's answer file (debug builds only).
pub const TEST_ANSWERS: &str = "ACOMPANA_E2E_DIALOG_ANSWERS";

/// What to ask for.
pub enum Choose {
    /// A file to write, with a suggested name.
    Save { suggested: String },
    /// A folder to write several files into.
    Folder,
    /// One existing file.
    Open,
}

/// Stops a release build started with the test switch: the switch lets a file, not the
/// person, choose where the app reads and writes.
pub fn refuse_test_switch_in_release() -> Result<(), String> {
    for switch in [TEST_ANSWERS, crate::clock::TEST_CLOCK] {
        refuse_test_switch(
            cfg!(not(debug_assertions)),
            switch,
            std::env::var_os(switch).is_some(),
        )?;
    }
    Ok(())
}

fn refuse_test_switch(release: bool, switch: &str, switch_set: bool) -> Result<(), String> {
    if release && switch_set {
        return Err(format!(
            "{switch} is a test-only switch of debug builds; this build refuses it"
        ));
    }
    Ok(())
}

/// The next answer from the test's answer file, if the switch is on (debug builds only).
fn test_answer() -> Option<Result<Vec<PathBuf>, Error>> {
    if cfg!(not(debug_assertions)) {
        return None;
    }
    let file = std::env::var_os(TEST_ANSWERS)?;
    let read = || -> std::io::Result<Vec<PathBuf>> {
        let text = std::fs::read_to_string(&file)?;
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("").trim().to_string();
        let rest: Vec<&str> = lines.collect();
        std::fs::write(&file, rest.join("\n"))?;
        Ok(first
            .split('|')
            .filter(|part| !part.trim().is_empty())
            .map(|part| PathBuf::from(part.trim()))
            .collect())
    };
    Some(read().map_err(Error::from))
}

/// Asks for one path; `None` when the person cancelled.
pub fn choose<R: Runtime>(app: &AppHandle<R>, what: Choose) -> Result<Option<PathBuf>, Error> {
    if let Some(answer) = test_answer() {
        return Ok(answer?.into_iter().next());
    }
    let dialog = app.dialog().file();
    let picked = match what {
        Choose::Save { suggested } => dialog.set_file_name(suggested).blocking_save_file(),
        Choose::Folder => dialog.blocking_pick_folder(),
        Choose::Open => dialog.add_filter("Acompaña", &["age"]).blocking_pick_file(),
    };
    Ok(picked.and_then(|path| path.into_path().ok()))
}

/// Asks for one or several existing files; `None` when the person cancelled.
pub fn choose_files<R: Runtime>(app: &AppHandle<R>) -> Result<Option<Vec<PathBuf>>, Error> {
    if let Some(answer) = test_answer() {
        let paths = answer?;
        return Ok((!paths.is_empty()).then_some(paths));
    }
    let picked = app
        .dialog()
        .file()
        .add_filter("Acompaña", &["age"])
        .blocking_pick_files();
    Ok(picked.map(|paths| {
        paths
            .into_iter()
            .filter_map(|path| path.into_path().ok())
            .collect()
    }))
}

/// A file's name without its folder, to show.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A laptop's name made safe for a suggested file name: letters and digits, dashes between.
pub fn safe_stem(name: &str) -> String {
    let mut stem = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            stem.extend(c.to_lowercase());
        } else if !stem.ends_with('-') && !stem.is_empty() {
            stem.push('-');
        }
    }
    let stem = stem.trim_end_matches('-').to_string();
    if stem.is_empty() {
        "laptop".into()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_debug_build_takes_its_dialog_answers_or_its_clock_from_a_file() {
        for switch in [TEST_ANSWERS, crate::clock::TEST_CLOCK] {
            let refused = refuse_test_switch(true, switch, true).unwrap_err();
            assert!(refused.contains(switch), "{refused}");
            assert!(refuse_test_switch(true, switch, false).is_ok());
            assert!(refuse_test_switch(false, switch, true).is_ok());
        }
    }

    #[test]
    fn a_suggested_name_keeps_letters_and_digits() {
        assert_eq!(safe_stem("Laptop Lucía 2"), "laptop-lucía-2");
        assert_eq!(safe_stem("  ../../etc "), "etc");
        assert_eq!(safe_stem("***"), "laptop");
    }
}
