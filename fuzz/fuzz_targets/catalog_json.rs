//! A country catalog's JSON: `catalog::parse` checks it at first use and must refuse, never
//! panic on, anything malformed.

#![no_main]

use acompana::Country;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = acompana::catalog::parse(Country::CO, text);
    }
});
