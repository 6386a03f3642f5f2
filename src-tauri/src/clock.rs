//! The time the app's visit checks use.
//!
//! **Test-only switch.** An end-to-end test cannot wait a week for a visit to expire, so a
//! debug build reads a number of days to add to the clock from the file named by
//! `ACOMPANA_E2E_CLOCK` (read at every use; a missing or empty file adds nothing). A release
//! build refuses to start when the variable is set ([`crate::dialog::refuse_test_switch_in_release`]).

/// The variable that names the end-to-end test's clock file (debug builds only).
pub const TEST_CLOCK: &str = "ACOMPANA_E2E_CLOCK";

/// Now, in milliseconds since 1970 (UTC), moved forward by the test clock in a debug build.
pub fn now_ms() -> i64 {
    acompana::sync::visit::now_ms() + test_offset_days() * 86_400_000
}

fn test_offset_days() -> i64 {
    if cfg!(not(debug_assertions)) {
        return 0;
    }
    let Some(file) = std::env::var_os(TEST_CLOCK) else {
        return 0;
    };
    std::fs::read_to_string(file)
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok())
        .filter(|days| (0..=3650).contains(days))
        .unwrap_or(0)
}
