//! A sync file as it arrives: `open_for_device` with one laptop key for the whole run.
//! Without that key the fuzzer reaches the age header and the refusal of a file for other
//! laptops; the frame inside is `sync_frame`'s.

#![no_main]

use std::sync::OnceLock;

use acompana::sync::container::{open_for_device, DeviceIdentity};
use libfuzzer_sys::fuzz_target;

fn identity() -> &'static DeviceIdentity {
    static IDENTITY: OnceLock<DeviceIdentity> = OnceLock::new();
    IDENTITY.get_or_init(DeviceIdentity::generate)
}

fuzz_target!(|data: &[u8]| {
    let _ = open_for_device(data, identity());
});
