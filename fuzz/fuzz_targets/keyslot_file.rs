//! The key-slot file as it sits beside the database: `KeySlotFile::parse` must refuse
//! anything malformed with a typed error and never panic.

#![no_main]

use acompana::vault::keyslots::KeySlotFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = KeySlotFile::parse(data);
});
