//! Keeping the webview small (issue "a small, lean app"; figures in README, `make bench-app`).
//!
//! Measured under Xvfb with WebKitGTK 2.50: accelerated compositing alone costs about 115 MiB
//! in WebKit's web process (GL buffers drawn in software where there is no GPU, as on the
//! second-hand laptops this app is for) and buys nothing for a page of forms and lists. The
//! memory cache is for browsing: an app whose every page is its own needs none of it.

use tauri::{Runtime, WebviewWindow};

/// The vault's page cache in the app, in KiB: half the command line's. The app reads one
/// screen at a time; at 100,000 women a full 32 MiB cache was a third of what the data added
/// to the app's memory, for reads about 7% faster (`make bench`, the store's cache comment).
pub const PAGE_CACHE_KIB: u32 = 16 * 1024;

/// Gives memory the app freed back to the system. glibc keeps what a worker thread freed in
/// that thread's arena: after signing in (the key derivation's buffer) and a screen's reads,
/// about 17 MiB of the app's 143 MiB at 100,000 women was free but still held. Called every
/// [`crate::IDLE_TICK`] by the idle-lock thread, after the session gave back the vault's page
/// cache (`Session::release_cache_if_quiet_at`); it costs well under a millisecond.
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer and only walks glibc's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// WebKit's switches the app sets before its window exists, for itself and for the web process
/// it starts (which inherits them); each is read once, when those processes start. A value
/// already in the environment is kept, so a person (or a developer profiling) can turn either
/// back on with `0`.
///
/// - `WEBKIT_DISABLE_COMPOSITING_MODE=1`: draw without accelerated compositing.
/// - `JSC_useJIT=0`: run the interface's JavaScript in JavaScriptCore's interpreter. Measured
///   at 100,000 women after Hoy, the list and a file: the web process holds 178 MiB instead of
///   238 MiB; the interface is forms and paged lists, where the interpreter is fast enough
///   (cold start and the end-to-end run's times in README). It also leaves no JIT compiler
///   for a malicious page to aim at, should one ever get in.
/// - `JSC_forceRAMSize` (512 MiB) and `JSC_largeHeapSize` (4 MiB): JavaScriptCore sizes its
///   heap from the machine's memory and lets a page's heap grow to at least 32 MiB before it
///   collects. Told of 512 MiB and a 4 MiB start, it collects sooner: after Hoy, the list, a
///   file and the directory with 20 women, the web process held 182 MiB instead of 197 MiB
///   (`BENCH_SMAPS=1 make bench-app` shows where). The interface's heap is about 25 MiB of
///   live objects, far from the 410 MiB (80% of 512) where JavaScriptCore turns aggressive.
pub const SWITCHES: [(&str, &str); 4] = [
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    ("JSC_useJIT", "0"),
    ("JSC_forceRAMSize", "536870912"),
    ("JSC_largeHeapSize", "4194304"),
];

/// The switch that turns accelerated compositing off.
const COMPOSITING: &str = SWITCHES[0].0;

/// Sets [`SWITCHES`] not already set. Called from `run` before the app starts any thread, so
/// nothing reads the environment concurrently.
pub fn prepare_environment() {
    for (name, value) in SWITCHES {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
}

/// Whether accelerated compositing is off (the switch set and not `0`).
#[cfg(target_os = "linux")]
fn compositing_disabled() -> bool {
    std::env::var_os(COMPOSITING).is_some_and(|value| value != "0")
}

/// The webview's own settings: a document viewer's caches (the smallest WebKit has), no page
/// cache (back and forward are never used: the app is one page), never accelerated.
pub fn tune_webview<R: Runtime>(window: &WebviewWindow<R>) -> tauri::Result<()> {
    window.with_webview(|webview| {
        #[cfg(target_os = "linux")]
        {
            use webkit2gtk::{
                CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
            };
            let view = webview.inner();
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
            if let Some(settings) = view.settings() {
                settings.set_enable_page_cache(false);
                if compositing_disabled() {
                    settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                }
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = webview;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switches_are_wellformed_and_compositing_is_the_first() {
        assert_eq!(COMPOSITING, "WEBKIT_DISABLE_COMPOSITING_MODE");
        for (name, value) in SWITCHES {
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            assert!(!value.is_empty());
        }
        // JavaScriptCore reads sizes as plain byte counts: a unit or a typo would be ignored.
        for (name, value) in SWITCHES.iter().filter(|(name, _)| name.ends_with("Size")) {
            let bytes: u64 = value
                .parse()
                .unwrap_or_else(|_| panic!("{name} is not a number"));
            assert!(bytes >= 1 << 20, "{name} is at least a mebibyte");
        }
    }
}
