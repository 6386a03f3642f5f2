//! A sync file's plaintext (the frame inside the age container): `Frame::read`, and when it
//! reads, the payload's operations against its manifest. Nothing may panic; every input is
//! either a frame or a refusal.

#![no_main]

use acompana::sync::manifest::Frame;
use acompana::sync::payload;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = Frame::read(data) {
        let _ = payload::decode(frame.payload, &frame.manifest);
    }
});
