//! A backup's plaintext as if age had just decrypted it (the fuzzer cannot get past age's
//! authentication): magic, header, parts, digests, the key-slot file inside.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = acompana::backup::check_plaintext(data);
});
