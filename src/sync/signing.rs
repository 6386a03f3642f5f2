//! A device's signing key and the check of a sync file's signature.
//!
//! Each laptop signs the manifests of the files it sends with its own Ed25519 key; the
//! receiving laptop checks the signature with the public key that the device registry lists
//! for the sender (strict verification: no malleable or small-order signatures). The private
//! key is wiped on drop and never printed.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::manifest::{signed_message, Frame, Refusal};

/// A device's private signing key.
pub struct DeviceSigningKey(SigningKey);

impl std::fmt::Debug for DeviceSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceSigningKey(…)")
    }
}

impl DeviceSigningKey {
    /// A new key from the operating system's randomness.
    pub fn generate() -> DeviceSigningKey {
        // The seed is wiped when it goes out of scope; the key wipes itself on drop.
        let seed = zeroize::Zeroizing::new(crate::crypto::random_array::<32>());
        DeviceSigningKey(SigningKey::from_bytes(&seed))
    }

    /// The key kept inside the encrypted database.
    pub fn from_secret_bytes(bytes: &[u8; 32]) -> DeviceSigningKey {
        DeviceSigningKey(SigningKey::from_bytes(bytes))
    }

    /// The seed, for the encrypted database only.
    pub(crate) fn secret_bytes(&self) -> zeroize::Zeroizing<[u8; 32]> {
        zeroize::Zeroizing::new(self.0.to_bytes())
    }

    /// The public half, as the device registry lists it.
    pub fn public(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }

    /// Signs what a frame's signature covers (`SIGNING_CONTEXT` and the manifest's bytes).
    pub fn sign(&self, signed: &[u8]) -> [u8; 64] {
        self.0.sign(signed).to_bytes()
    }
}

/// Checks a frame's signature against the sender's registered public key.
pub fn verify(frame: &Frame<'_>, sender_public: &[u8; 32]) -> Result<(), Refusal> {
    let key = VerifyingKey::from_bytes(sender_public).map_err(|_| Refusal::BadSignature)?;
    let signature = Signature::from_bytes(&frame.signature);
    key.verify_strict(&signed_message(frame.manifest_bytes), &signature)
        .map_err(|_| Refusal::BadSignature)
}

/// Whether `signature` is `public`'s Ed25519 signature of `message` (strict verification),
/// for what is signed outside a sync file (a summary contribution).
pub fn verify_bytes(message: &[u8], signature: &[u8; 64], public: &[u8; 32]) -> bool {
    VerifyingKey::from_bytes(public).is_ok_and(|key| {
        key.verify_strict(message, &Signature::from_bytes(signature))
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::manifest::tests::{manifest, MANIFEST_AT};

    fn signed_file(key: &DeviceSigningKey, payload: &[u8]) -> Vec<u8> {
        Frame::write(manifest(), payload, |bytes| key.sign(bytes)).unwrap()
    }

    #[test]
    fn a_file_signed_by_the_sender_verifies_with_her_public_key_only() {
        let sender = DeviceSigningKey::generate();
        let someone_else = DeviceSigningKey::generate();
        assert_ne!(sender.public(), someone_else.public());
        let bytes = signed_file(&sender, b"payload");
        let frame = Frame::read(&bytes).unwrap();
        assert_eq!(verify(&frame, &sender.public()), Ok(()));
        assert_eq!(
            verify(&frame, &someone_else.public()),
            Err(Refusal::BadSignature)
        );
        assert_eq!(verify(&frame, &[0u8; 32]), Err(Refusal::BadSignature));
    }

    #[test]
    fn every_flipped_bit_of_the_signature_or_a_manifest_that_still_parses_is_refused() {
        let sender = DeviceSigningKey::generate();
        let bytes = signed_file(&sender, b"payload");
        let frame = Frame::read(&bytes).unwrap();
        let signature_at = MANIFEST_AT + frame.manifest_bytes.len();
        let mut checked = 0;
        for at in MANIFEST_AT..signature_at + 64 {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[at] ^= 1 << bit;
                if let Ok(frame) = Frame::read(&flipped) {
                    assert_eq!(
                        verify(&frame, &sender.public()),
                        Err(Refusal::BadSignature),
                        "byte {at} bit {bit}"
                    );
                    checked += 1;
                }
            }
        }
        // All 512 signature bits parse as a frame; so do some flips inside the manifest.
        assert!(checked >= 512, "{checked}");
    }

    #[test]
    fn a_key_kept_and_read_back_signs_the_same() {
        let seed = [9u8; 32];
        let kept = DeviceSigningKey::from_secret_bytes(&seed);
        let again = DeviceSigningKey::from_secret_bytes(&seed);
        assert_eq!(kept.public(), again.public());
        assert_eq!(kept.sign(b"x"), again.sign(b"x"));
        assert_eq!(format!("{kept:?}"), "DeviceSigningKey(…)");
    }
}
