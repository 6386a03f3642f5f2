//! A manifest's bytes: `Manifest::parse` refuses or reads, never panics.

#![no_main]

use acompana::sync::manifest::Manifest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(manifest) = Manifest::parse(data) {
        // What parses is checked, and checks again the same.
        assert_eq!(manifest.check(), Ok(()));
    }
});
