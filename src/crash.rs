//! Crash reports: what the app writes, when something it did not expect happens, to a file the
//! person chooses and may give to whoever helps her organization with its laptops.
//!
//! A report must never carry personal data, and the one thing that reliably could is an error's
//! *message* (a panic message or a JavaScript error's text may quote a name typed in a form).
//! So no message ever enters a report: only the kind of failure, the error's type name, the
//! places in the app's own code where it happened (file, line, column), the screen, and the
//! app's version and platform. Every field is reduced here, on the Rust side, to a small
//! alphabet that cannot spell a sentence, whatever the UI sent. The format is written down in
//! `docs/crash-report.md`.

use std::sync::Mutex;

use serde::Deserialize;

/// The version of the report's text format (`docs/crash-report.md`).
pub const REPORT_FORMAT: u32 = 1;

/// At most this many stack frames are kept.
pub const MAX_FRAMES: usize = 20;

/// What failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum CrashKind {
    /// An exception in the interface's code.
    UiError,
    /// A promise in the interface failed and nothing handled it.
    UnhandledRejection,
    /// The core panicked.
    Panic,
}

impl CrashKind {
    fn as_str(self) -> &'static str {
        match self {
            CrashKind::UiError => "ui_error",
            CrashKind::UnhandledRejection => "unhandled_rejection",
            CrashKind::Panic => "panic",
        }
    }
}

/// What the interface knows about the failure. Every text field is untrusted: [`render`] keeps
/// only what matches its narrow shape.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UiCrash {
    pub kind: CrashKind,
    /// The error's type name, e.g. `TypeError`.
    pub error_name: Option<String>,
    /// Stack locations such as `index-3f2a.js:1:2345` or `saveNote@index-3f2a.js:1:2345`.
    pub frames: Vec<String>,
    /// The screen that was open, e.g. `participants`.
    pub screen: Option<String>,
    /// Where the core panicked, as the `app-panicked` event said.
    pub panic_location: Option<String>,
}

/// The platform and version the report names (the caller's, so tests can fix them).
#[derive(Debug, Clone)]
pub struct Platform {
    pub version: String,
    pub os: String,
    pub arch: String,
}

impl Platform {
    /// This build on this machine.
    pub fn current() -> Self {
        Platform {
            version: env!("CARGO_PKG_VERSION").to_string(),
            os: std::env::consts::OS.to_string(),
            arch: std::env::consts::ARCH.to_string(),
        }
    }
}

/// An identifier: letters, digits and `_`, 1–64 characters (a type name, a screen's id).
fn identifier(text: &str) -> Option<String> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then(|| text.to_string())
}

/// A file name of the app's own code: ASCII letters, digits, `_`, `-` and `.`, with a known
/// source extension; any folder or URL in front is dropped.
fn source_file(text: &str) -> Option<String> {
    let name = text.rsplit(['/', '\\']).next()?;
    let ok = !name.is_empty()
        && name.len() <= 80
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && [".js", ".mjs", ".ts", ".vue", ".rs"]
            .iter()
            .any(|ext| name.ends_with(ext));
    ok.then(|| name.to_string())
}

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 9 || !text.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `file:line:col` (the column optional), reduced to the file's name.
fn location(text: &str) -> Option<String> {
    let mut parts = text.rsplitn(3, ':');
    let last = number(parts.next()?)?;
    let middle = parts.next()?;
    match parts.next() {
        Some(file) => {
            let line = number(middle)?;
            Some(format!("{}:{line}:{last}", source_file(file)?))
        }
        None => Some(format!("{}:{last}", source_file(middle)?)),
    }
}

/// One stack frame: `location` or `function@location`, where the function is an identifier
/// (dots and `$` allowed, as minified code names them). Anything else is dropped whole.
pub fn frame(text: &str) -> Option<String> {
    let text = text.trim();
    match text.split_once('@') {
        Some((function, place)) => {
            let function_ok = !function.is_empty()
                && function.len() <= 64
                && function
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '.'));
            let place = location(place)?;
            Some(if function_ok {
                format!("{function}@{place}")
            } else {
                place
            })
        }
        None => location(text),
    }
}

/// The report's text. `at` is an RFC 3339 time.
pub fn render(crash: &UiCrash, platform: &Platform, at: &str) -> String {
    let mut text = String::new();
    text.push_str("Acompaña crash report\n");
    text.push_str(&format!("format: {REPORT_FORMAT}\n"));
    let version_ok = platform.version.len() <= 32
        && platform
            .version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    text.push_str(&format!(
        "version: {}\n",
        if version_ok {
            platform.version.as_str()
        } else {
            ""
        }
    ));
    text.push_str(&format!(
        "platform: {}-{}\n",
        identifier(&platform.os).unwrap_or_default(),
        identifier(&platform.arch).unwrap_or_default()
    ));
    text.push_str(&format!("time: {}\n", safe_time(at)));
    text.push_str(&format!("kind: {}\n", crash.kind.as_str()));
    let field = |value: &Option<String>, shape: fn(&str) -> Option<String>| {
        value.as_deref().and_then(shape).unwrap_or_default()
    };
    text.push_str(&format!(
        "error: {}\n",
        field(&crash.error_name, identifier)
    ));
    text.push_str(&format!("screen: {}\n", field(&crash.screen, identifier)));
    text.push_str(&format!(
        "panic_at: {}\n",
        field(&crash.panic_location, location)
    ));
    text.push_str("frames:\n");
    for kept in crash
        .frames
        .iter()
        .filter_map(|f| frame(f))
        .take(MAX_FRAMES)
    {
        text.push_str(&format!("  {kept}\n"));
    }
    text
}

fn safe_time(at: &str) -> String {
    let ok = at.len() <= 40
        && at
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 'T' | 'Z' | '.' | '+'));
    if ok {
        at.to_string()
    } else {
        String::new()
    }
}

/// A suggested file name for a report, e.g. `acompana-error-20261202T100000Z.txt`.
pub fn suggested_file_name() -> String {
    format!(
        "acompana-error-{}.txt",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
    )
}

/// Writes the report for `crash`, on this machine now, to `path` (chosen by the person). The
/// last panic's location is added when the interface did not know it.
pub fn write_report(path: &std::path::Path, crash: &UiCrash) -> crate::Result<()> {
    let mut crash = crash.clone();
    if crash.panic_location.is_none() {
        crash.panic_location = last_panic();
    }
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    std::fs::write(path, render(&crash, &Platform::current(), &at))?;
    Ok(())
}

/// Where the last panic happened (`file:line:col`), kept by the hook [`install_panic_hook`]
/// sets. Only the location: a panic's message may quote data.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// The location of a panic, reduced like any frame.
pub fn panic_location(info: &std::panic::PanicHookInfo<'_>) -> Option<String> {
    let place = info.location()?;
    location(&format!(
        "{}:{}:{}",
        place.file(),
        place.line(),
        place.column()
    ))
}

/// Replaces the default panic hook (which prints the message to stderr, where a terminal or a
/// journal could keep it) with one that prints only the location and then calls `notify` with
/// it, so the desktop app can show its crash screen.
pub fn install_panic_hook(notify: impl Fn(&str) + Send + Sync + 'static) {
    std::panic::set_hook(Box::new(move |info| {
        let place = panic_location(info).unwrap_or_else(|| "unknown".into());
        eprintln!("acompana: internal error at {place} (message withheld)");
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(place.clone());
        }
        notify(&place);
    }));
}

/// The location of the last panic since the app started, if any.
pub fn last_panic() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|last| last.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform() -> Platform {
        Platform {
            version: "0.1.0".into(),
            os: "linux".into(),
            arch: "x86_64".into(),
        }
    }

    fn crash(frames: &[&str]) -> UiCrash {
        UiCrash {
            kind: CrashKind::UiError,
            error_name: Some("TypeError".into()),
            frames: frames.iter().map(|f| f.to_string()).collect(),
            screen: Some("participants".into()),
            panic_location: None,
        }
    }

    #[test]
    fn frames_keep_only_the_place_in_the_code() {
        assert_eq!(
            frame("saveNote@tauri://localhost/assets/index-3f2a.js:1:2345").as_deref(),
            Some("saveNote@index-3f2a.js:1:2345")
        );
        assert_eq!(
            frame("http://tauri.localhost/assets/index-3f2a.js:12:7").as_deref(),
            Some("index-3f2a.js:12:7")
        );
        assert_eq!(frame("src/records/mod.rs:88").as_deref(), Some("mod.rs:88"));
        // A function name that is not an identifier is dropped, the place kept.
        assert_eq!(
            frame("María Pérez@index.js:1:2").as_deref(),
            Some("index.js:1:2")
        );
        for refused in [
            "",
            "Error: María Pérez no tiene documento",
            "index.js",
            "index.js:line:2",
            "nombre María.js:1:2",
            "María.js:1:2",
            "secret.txt:1:2",
            "index.js:1:2:3:4 María",
            "index.js:99999999999:1",
        ] {
            assert_eq!(frame(refused), None, "{refused}");
        }
    }

    #[test]
    fn a_report_carries_no_message_and_no_untrusted_text() {
        let name = "María José Pérez";
        let mut hostile = crash(&[
            "saveNote@tauri://localhost/assets/index-3f2a.js:1:2345",
            &format!("Error: {name} sin documento"),
            &format!("{name}@index.js:3:4"),
        ]);
        hostile.error_name = Some(format!("{name}Error"));
        hostile.screen = Some(format!("participants {name}"));
        hostile.panic_location = Some(format!("{name}.rs:1:2"));
        let text = render(&hostile, &platform(), "2026-12-02T10:00:00Z");
        assert!(!text.contains("María"), "{text}");
        assert!(!text.contains("Pérez"), "{text}");
        assert!(text.contains("saveNote@index-3f2a.js:1:2345"), "{text}");
        assert!(text.contains("\n  index.js:3:4\n"), "{text}");
        assert!(text.contains("error: \n"), "{text}");
        assert!(text.contains("screen: \n"), "{text}");
        assert!(text.contains("panic_at: \n"), "{text}");
        // Every line is the app's own narrow vocabulary.
        for line in text.lines().skip(1) {
            assert!(
                line.chars()
                    .all(|c| c.is_ascii_alphanumeric() || " :._-@$+".contains(c)),
                "{line}"
            );
        }
    }

    #[test]
    fn a_report_says_what_a_helper_needs() {
        let mut ok = crash(&["a@index-1.js:1:2"; 30]);
        ok.kind = CrashKind::Panic;
        ok.panic_location = Some("src/sync/import.rs:120:9".into());
        let text = render(&ok, &platform(), "2026-12-02T10:00:00Z");
        assert!(text.starts_with("Acompaña crash report\nformat: 1\nversion: 0.1.0\n"));
        assert!(text.contains("platform: linux-x86_64\n"));
        assert!(text.contains("time: 2026-12-02T10:00:00Z\n"));
        assert!(text.contains("kind: panic\n"));
        assert!(text.contains("error: TypeError\n"));
        assert!(text.contains("screen: participants\n"));
        assert!(text.contains("panic_at: import.rs:120:9\n"));
        assert_eq!(text.matches("a@index-1.js:1:2").count(), MAX_FRAMES);
        assert_eq!(
            render(&ok, &platform(), "Thursday María").lines().nth(4),
            Some("time: ")
        );
    }

    #[test]
    fn a_report_is_written_where_the_person_chose() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(suggested_file_name());
        write_report(&path, &crash(&["x@index.js:1:2"])).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("kind: ui_error\n") && text.contains("  x@index.js:1:2\n"));
        // A folder that is not there is an error, not a silent loss.
        let missing = dir.path().join("gone").join("report.txt");
        assert!(write_report(&missing, &crash(&[])).is_err());
    }

    #[test]
    fn the_panic_hook_keeps_the_place_and_not_the_message() {
        let seen = std::sync::Arc::new(Mutex::new(None::<String>));
        let seen_by_hook = seen.clone();
        let previous = std::panic::take_hook();
        install_panic_hook(move |place| {
            *seen_by_hook.lock().unwrap() = Some(place.to_string());
        });
        let outcome = std::panic::catch_unwind(|| {
            panic!("María Pérez");
        });
        std::panic::set_hook(previous);
        assert!(outcome.is_err());
        let place = seen.lock().unwrap().clone().expect("the hook ran");
        assert!(place.starts_with("crash.rs:"), "{place}");
        assert!(!place.contains("María"));
        assert!(last_panic().is_some());
    }
}
