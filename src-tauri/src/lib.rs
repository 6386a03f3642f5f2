//! The Acompaña desktop shell: the only crate that knows Tauri. It holds the session, exposes
//! the core through typed commands, locks on idle and on quit, and keeps the webview on the
//! app's own bundled pages.

pub mod clock;
#[cfg(test)]
mod command_tests;
mod commands;
pub mod dialog;
mod error;
mod lean;
#[cfg(target_os = "linux")]
mod suspend;

use std::time::Duration;

use acompana::session::Session;
use acompana::vault::{self, LockReason, VaultPaths};
use tauri::{Emitter, Manager};

/// What every command can reach.
pub struct AppState {
    pub session: Session,
}

/// The event sent to the UI when the core panicked, with where (never the message).
pub const PANICKED_EVENT: &str = "app-panicked";

#[derive(Clone, serde::Serialize)]
struct PanickedPayload {
    location: String,
}

/// How often the idle thread looks at the session: it gives back the vault's page cache once
/// the app was quiet for [`acompana::session::QUIET`], then freed memory, and locks after the
/// idle limit. Within five seconds of the last click, an idle app holds only what is on screen.
pub const IDLE_TICK: Duration = Duration::from_secs(2);

/// The event sent to the UI when the session locks by itself.
pub const LOCKED_EVENT: &str = "session-locked";

#[derive(Clone, serde::Serialize)]
struct LockedPayload {
    reason: LockReason,
}

/// Every command the UI may call; the TypeScript bindings are generated from this list.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        commands::vault::vault_status,
        commands::vault::vault_create,
        commands::session::session_unlock,
        commands::session::session_recover,
        commands::session::session_lock,
        commands::session::session_touch,
        commands::session::password_change,
        commands::staff::staff_list,
        commands::staff::staff_add,
        commands::staff::staff_disable,
        commands::staff::recovery_code_change,
        commands::backup::backup_create::<tauri::Wry>,
        commands::backup::backup_restore::<tauri::Wry>,
        commands::backup::backup_schedule_get,
        commands::vault::about,
        commands::crash::crash_report_save::<tauri::Wry>,
        commands::backup::backup_schedule_set::<tauri::Wry>,
        commands::backup::backup_schedule_clear,
        commands::backup::backup_schedule_run,
        commands::staff::staff_reset_password,
        commands::audit::audit_list,
        commands::audit::audit_verify,
        commands::settings::settings_get,
        commands::settings::settings_set,
        commands::settings::vault_check_full,
        commands::preferences::preferences_get,
        commands::preferences::preferences_set,
        commands::participants::participant_list,
        commands::participants::participant_add,
        commands::participants::participant_file,
        commands::participants::participant_update,
        commands::participants::participant_assign,
        commands::participants::participant_share,
        commands::participants::participant_close,
        commands::participants::participant_reopen,
        commands::participants::participant_history,
        commands::records::record_save,
        commands::records::record_delete,
        commands::records::note_reveal,
        commands::records::visit_record_batch,
        commands::records::catalog_get,
        commands::legal::legal_overview,
        commands::legal::compliance_report,
        commands::legal::printout_record,
        commands::legal::print_page,
        commands::directory::directory_search,
        commands::directory::directory_get,
        commands::directory::directory_save_organization,
        commands::directory::directory_save_service,
        commands::directory::directory_delete,
        commands::tasks::tasks_today,
        commands::tasks::task_complete,
        commands::demo::demo_open,
        commands::participants::participant_erase,
        commands::sync::device_list,
        commands::sync::device_add::<tauri::Wry>,
        commands::sync::device_revoke,
        commands::sync::sync_save_changes::<tauri::Wry>,
        commands::sync::sync_open_received::<tauri::Wry>,
        commands::sync::conflicts_list,
        commands::sync::conflicts_resolve,
        commands::sync::vault_join::<tauri::Wry>,
        commands::sync::sync_folder_get,
        commands::sync::sync_folder_choose::<tauri::Wry>,
        commands::sync::sync_folder_clear,
        commands::sync::sync_folder_run,
        commands::sync::visit_candidates,
        commands::sync::visit_prepare::<tauri::Wry>,
        commands::sync::visit_status,
        commands::sync::sync_progress,
        commands::sync::sync_cancel,
        commands::rights::rights_add,
        commands::rights::rights_done,
        commands::rights::rights_list,
        commands::summary::summary_indicators,
        commands::summary::summary_produce,
        commands::summary::summary_export_csv::<tauri::Wry>,
    ])
}

/// The generated TypeScript bindings' text.
pub fn bindings_typescript() -> String {
    let path = std::env::temp_dir().join(format!("acompana-bindings-{}.ts", std::process::id()));
    specta_builder()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from the Rust commands by tauri-specta. Do not edit: run `make bindings`.\n/* eslint-disable */\n// @ts-nocheck"),
            &path,
        )
        .expect("bindings export");
    let text = std::fs::read_to_string(&path).expect("bindings read back");
    let _ = std::fs::remove_file(&path);
    text
}

/// Whether the webview may navigate to `url`: only the app's own pages, on the default port
/// and without credentials (`tauri://localhost`, or `http(s)://tauri.localhost` where the
/// platform serves it so). Everything else is refused, and so is every new window.
/// Whether the webview runs with an ephemeral website-data manager (nothing of it on disk).
/// Always, except in a debug build driven by the end-to-end tests (their dialog switch is
/// set): WebKitGTK refuses automation in an ephemeral context, and those runs keep the
/// webview's folders in the run's own temporary folder.
fn webview_is_ephemeral(debug_build: bool, e2e_switch: bool) -> bool {
    !(debug_build && e2e_switch)
}

fn is_app_url(url: &tauri::Url) -> bool {
    if url.port().is_some() || !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// The data folder: `--data-dir DIR` (or `--data-dir=DIR`) on the command line, else
/// `ACOMPANA_DATA_DIR`, else the platform's application-data folder.
fn data_dir_from_args(args: impl IntoIterator<Item = String>) -> std::path::PathBuf {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            if let Some(dir) = args.next() {
                return dir.into();
            }
        } else if let Some(dir) = arg.strip_prefix("--data-dir=") {
            return dir.into();
        }
    }
    vault::default_data_dir()
}

/// Starts the desktop app.
pub fn run() {
    if !acompana::disable_core_dumps() {
        tracing::warn!("core dumps could not be turned off");
    }
    if let Err(refusal) = dialog::refuse_test_switch_in_release() {
        eprintln!("{refusal}");
        std::process::exit(2);
    }
    lean::prepare_environment();
    let builder = specta_builder();
    let session = Session::new(VaultPaths::new(data_dir_from_args(
        std::env::args().skip(1),
    )))
    .with_page_cache_kib(lean::PAGE_CACHE_KIB);
    let app = tauri::Builder::default()
        // Dialogs are opened from Rust only: no capability grants the webview its commands.
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState { session })
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            // A panic shows the crash screen; its message (which may quote data) goes nowhere.
            let handle = app.handle().clone();
            acompana::crash::install_panic_hook(move |location| {
                let _ = handle.emit(
                    PANICKED_EVENT,
                    PanickedPayload {
                        location: location.to_string(),
                    },
                );
            });
            let config = app
                .config()
                .app
                .windows
                .first()
                .cloned()
                .ok_or("no window in the configuration")?;
            let window = tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
                .incognito(webview_is_ephemeral(
                    cfg!(debug_assertions),
                    std::env::var_os(dialog::TEST_ANSWERS).is_some(),
                ))
                .on_navigation(is_app_url)
                .on_new_window(|_, _| tauri::webview::NewWindowResponse::Deny)
                .build()?;
            lean::tune_webview(&window)?;
            #[cfg(target_os = "linux")]
            suspend::lock_on_sleep_and_screen_lock(app.handle().clone());
            let handle = app.handle().clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(IDLE_TICK);
                let state = handle.state::<AppState>();
                let now = acompana::session::Moment::now();
                state.session.release_cache_if_quiet_at(now);
                lean::give_back_freed_memory();
                if state.session.lock_if_idle_at(now) {
                    let _ = handle.emit(
                        LOCKED_EVENT,
                        LockedPayload {
                            reason: LockReason::Idle,
                        },
                    );
                }
            });
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the app failed to start");
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            handle.state::<AppState>().session.lock(LockReason::Quit);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ui/src/bindings.ts` must be what the commands generate; set
    /// `ACOMPANA_UPDATE_BINDINGS=1` to rewrite it.
    #[test]
    fn typescript_bindings_are_current() {
        let generated = bindings_typescript();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        if std::env::var_os("ACOMPANA_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/bindings.ts is stale: run `make bindings` and commit the result"
        );
    }

    #[test]
    fn data_dir_comes_from_the_command_line() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            data_dir_from_args(args(&["--data-dir", "/tmp/x"])),
            std::path::PathBuf::from("/tmp/x")
        );
        assert_eq!(
            data_dir_from_args(args(&["--data-dir=/tmp/y"])),
            std::path::PathBuf::from("/tmp/y")
        );
        assert_eq!(data_dir_from_args(args(&[])), vault::default_data_dir());
    }

    /// The dialog plugin is registered for Rust's use only: no capability may hand the webview
    /// its commands (or the filesystem's).
    #[test]
    fn the_webview_gets_no_dialog_or_filesystem_permission() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities");
        for entry in std::fs::read_dir(&dir).expect("capabilities") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("capability");
            let capability: serde_json::Value = serde_json::from_str(&text).expect("json");
            let permissions = capability["permissions"].as_array().expect("permissions");
            for permission in permissions {
                let name = permission
                    .as_str()
                    .or_else(|| permission["identifier"].as_str())
                    .unwrap_or_default();
                assert!(
                    name.starts_with("core:event:"),
                    "{}: {name} is not the app's to grant",
                    path.display()
                );
            }
        }
    }

    /// The webview keeps nothing on disk (no local storage, cache or cookies in the user's
    /// profile): WebKitGTK runs it with an ephemeral website-data manager.
    #[test]
    fn the_webview_is_ephemeral() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tauri.conf.json");
        let config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("config")).expect("json");
        let windows = config["app"]["windows"].as_array().expect("windows");
        assert!(!windows.is_empty());
        for window in windows {
            assert_eq!(window["incognito"], true, "{window}");
        }
        assert!(webview_is_ephemeral(false, false));
        assert!(
            webview_is_ephemeral(false, true),
            "a release build ignores the switch"
        );
        assert!(webview_is_ephemeral(true, false));
        assert!(
            !webview_is_ephemeral(true, true),
            "only the driven debug build keeps it"
        );
    }

    #[test]
    fn navigation_stays_inside_the_app() {
        let allowed = ["tauri://localhost/", "http://tauri.localhost/index.html"];
        let denied = [
            "https://example.org/",
            "http://localhost:8080/",
            "file:///etc/passwd",
            "tauri://evil/",
            "javascript:alert(1)",
            "http://tauri.localhost:8080/",
            "tauri://localhost:1234/",
            "http://user:secret@tauri.localhost/",
        ];
        for url in allowed {
            assert!(is_app_url(&url.parse().unwrap()), "{url}");
        }
        for url in denied {
            assert!(!is_app_url(&url.parse().unwrap()), "{url}");
        }
    }
}
