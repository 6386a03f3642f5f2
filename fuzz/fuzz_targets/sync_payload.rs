//! The payload decoder, reached: a frame's payload cannot be mutated past `Frame::read`
//! (the manifest states its SHA-256, which a fuzzer does not forge), so here the input is
//! laid out as a frame (magic, manifest length, manifest, 64 signature bytes, payload), the
//! manifest is read without its checks, its payload length and hash are set to the payload's,
//! and if it then passes `Manifest::check` the payload is decoded against it, both by the
//! one-by-one reader and by the threads' reader (which files of 20,000 operations or more take,
//! and which must accept nothing the other reader does not read the same).

#![no_main]

use acompana::sync::manifest::{Manifest, MAGIC};
use acompana::sync::payload;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

fuzz_target!(|data: &[u8]| {
    let Some(rest) = data.strip_prefix(MAGIC.as_slice()) else {
        return;
    };
    let Some((length, rest)) = rest.split_first_chunk::<4>() else {
        return;
    };
    let Some((manifest, rest)) = rest.split_at_checked(u32::from_be_bytes(*length) as usize) else {
        return;
    };
    let Some((_signature, payload)) = rest.split_at_checked(64) else {
        return;
    };
    let Ok(mut manifest) = serde_json::from_slice::<Manifest>(manifest) else {
        return;
    };
    manifest.payload_bytes = payload.len() as u64;
    manifest.payload_sha256 = hex::encode(Sha256::digest(payload));
    if manifest.check().is_ok() {
        let _ = payload::decode(payload, &manifest);
        payload::check_threads_agree(payload, &manifest);
    }
});
