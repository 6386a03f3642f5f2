//! The cryptographic primitives of the vault: randomness, Argon2id key derivation,
//! XChaCha20-Poly1305 key wrapping and HMAC-SHA-256, behind types that cannot be printed.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretBox};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Length of every symmetric key in the vault.
pub const KEY_LEN: usize = 32;
/// Length of an XChaCha20-Poly1305 nonce.
pub const NONCE_LEN: usize = 24;
/// Length of a Poly1305 tag.
pub const TAG_LEN: usize = 16;
/// Length of an Argon2id salt.
pub const SALT_LEN: usize = 16;

/// Fills a fixed-size array from the operating system's random generator.
pub fn random_array<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    bytes
}

/// A 256-bit key that is wiped from memory when dropped and never printed.
pub struct SecretKey(SecretBox<[u8; KEY_LEN]>);

impl SecretKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        let mut key = Box::new([0u8; KEY_LEN]);
        getrandom::fill(key.as_mut()).expect("the operating system's random generator failed");
        SecretKey(SecretBox::new(key))
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Result<Self> {
        let array: [u8; KEY_LEN] = bytes
            .try_into()
            .map_err(|_| Error::VaultCorrupt("a wrapped key has the wrong length"))?;
        Ok(SecretKey(SecretBox::new(Box::new(array))))
    }

    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        self.0.expose_secret()
    }

    /// The key as SQLCipher's raw-key literal `x'…'`, in memory that is wiped on drop.
    pub(crate) fn sqlcipher_literal(&self) -> Zeroizing<String> {
        let mut literal = Zeroizing::new(String::with_capacity(3 + 2 * KEY_LEN));
        literal.push_str("x'");
        for byte in self.expose() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            literal.push(HEX[(byte >> 4) as usize] as char);
            literal.push(HEX[(byte & 0x0f) as usize] as char);
        }
        literal.push('\'');
        literal
    }

    /// A key for one purpose derived from this one (HMAC-SHA-256 with a label).
    pub(crate) fn derive(&self, label: &str) -> SecretKey {
        let tag = hmac_sha256(self.expose(), label.as_bytes());
        SecretKey(SecretBox::new(Box::new(tag)))
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey([REDACTED])")
    }
}

/// Argon2id cost parameters, stored in each key slot and authenticated with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Number of passes.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

impl KdfParams {
    /// The floor the brief sets: 64 MiB and 3 passes.
    pub const MINIMUM: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };
    /// Upper bounds checked before deriving, so that a crafted key-slot file cannot make the
    /// app allocate gigabytes or spin for minutes.
    /// About 512 MiB: a laptop with 4 GiB can still derive while the app and WebKit run.
    pub const MAX_MEMORY_KIB: u32 = 512 * 1024;
    /// Ten passes: with the memory ceiling, a crafted file costs seconds, never minutes.
    pub const MAX_ITERATIONS: u32 = 10;
    pub const MAX_PARALLELISM: u32 = 8;

    /// Checks the parameters against the floor and the ceiling.
    pub fn check(&self) -> Result<()> {
        let within = (Self::MINIMUM.memory_kib..=Self::MAX_MEMORY_KIB).contains(&self.memory_kib)
            && (Self::MINIMUM.iterations..=Self::MAX_ITERATIONS).contains(&self.iterations)
            && (1..=Self::MAX_PARALLELISM).contains(&self.parallelism);
        if within {
            Ok(())
        } else {
            Err(Error::VaultCorrupt(
                "key-derivation parameters out of bounds",
            ))
        }
    }

    /// Picks parameters that take about 0.5–1 s on this machine, starting from the floor:
    /// first more memory (up to 256 MiB), then more passes, never above the ceiling.
    pub fn tune() -> KdfParams {
        const ENOUGH_SECONDS: f64 = 0.5;
        const AIM_SECONDS: f64 = 0.75;
        let mut params = Self::MINIMUM;
        for _ in 0..12 {
            let started = std::time::Instant::now();
            let _ = derive_unchecked(b"acompana-tuning-probe", &[0u8; SALT_LEN], params);
            let elapsed = started.elapsed().as_secs_f64().max(1e-3);
            if elapsed >= ENOUGH_SECONDS {
                break;
            }
            // Scale towards the aim, by at most doubling at each step.
            let factor = (AIM_SECONDS / elapsed).min(2.0);
            if params.memory_kib < 256 * 1024 {
                let memory = (params.memory_kib as f64 * factor) as u32;
                params.memory_kib = memory.clamp(params.memory_kib + 1024, 256 * 1024);
            } else if params.iterations < Self::MAX_ITERATIONS {
                let iterations = (params.iterations as f64 * factor).ceil() as u32;
                params.iterations = iterations.clamp(params.iterations + 1, Self::MAX_ITERATIONS);
            } else {
                break;
            }
        }
        params
    }
}

/// Derives a key-encryption key from a password with Argon2id, after checking the bounds.
pub fn derive_key(password: &[u8], salt: &[u8; SALT_LEN], params: KdfParams) -> Result<SecretKey> {
    params.check()?;
    derive_unchecked(password, salt, params)
}

pub(crate) fn derive_unchecked(
    password: &[u8],
    salt: &[u8],
    params: KdfParams,
) -> Result<SecretKey> {
    let argon_params = Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        Some(KEY_LEN),
    )
    .map_err(|_| Error::VaultCorrupt("invalid key-derivation parameters"))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    let mut output = Box::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(password, salt, output.as_mut())
        .map_err(|_| Error::Internal("key derivation failed".into()))?;
    Ok(SecretKey(SecretBox::new(output)))
}

/// Encrypts `plaintext` under `key` with XChaCha20-Poly1305, binding `associated_data`.
pub fn seal(
    key: &SecretKey,
    nonce: &[u8; NONCE_LEN],
    plaintext: &[u8],
    associated_data: &[u8],
) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    cipher
        .encrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: plaintext,
                aad: associated_data,
            },
        )
        .expect("encryption with a valid key cannot fail")
}

/// Decrypts and authenticates; `None` when the key, nonce, data or associated data differ.
pub fn open(
    key: &SecretKey,
    nonce: &[u8; NONCE_LEN],
    ciphertext: &[u8],
    associated_data: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = XChaCha20Poly1305::new(key.expose().into());
    cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: associated_data,
            },
        )
        .ok()
        .map(Zeroizing::new)
}

/// HMAC-SHA-256.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Constant-time comparison of two MACs.
pub fn macs_equal(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// SHA-256 over several parts, each prefixed with its length so that parts cannot run together.
pub fn sha256_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(text: &str) -> Vec<u8> {
        hex::decode(text.split_whitespace().collect::<String>()).unwrap()
    }

    /// RFC 9106 section 5.3: the Argon2id test vector (with secret and associated data),
    /// run through the same crate configuration the vault uses.
    #[test]
    fn argon2id_rfc9106_vector() {
        let params = argon2::ParamsBuilder::new()
            .m_cost(32)
            .t_cost(3)
            .p_cost(4)
            .output_len(32)
            .data(argon2::AssociatedData::new(&[0x04; 12]).unwrap())
            .build()
            .unwrap();
        let argon =
            Argon2::new_with_secret(&[0x03; 8], Algorithm::Argon2id, Version::V0x13, params)
                .unwrap();
        let mut out = [0u8; 32];
        argon
            .hash_password_into(&[0x01; 32], &[0x02; 16], &mut out)
            .unwrap();
        assert_eq!(
            out.to_vec(),
            unhex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659")
        );
    }

    /// The reference implementation's Argon2id v1.3 vector ("password", "somesalt",
    /// t=2, m=64 MiB, p=1), through the vault's own derivation function.
    #[test]
    fn argon2id_reference_vector_through_derive() {
        let params = KdfParams {
            memory_kib: 65536,
            iterations: 2,
            parallelism: 1,
        };
        let key = derive_unchecked(b"password", b"somesalt", params).unwrap();
        assert_eq!(
            key.expose().to_vec(),
            unhex("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7")
        );
    }

    /// draft-irtf-cfrg-xchacha-03, appendix A.3.1: the AEAD_XChaCha20_Poly1305 vector.
    #[test]
    fn xchacha20poly1305_draft_vector() {
        let key = SecretKey::from_slice(&unhex(
            "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
        ))
        .unwrap();
        let nonce: [u8; 24] = unhex("404142434445464748494a4b4c4d4e4f5051525354555657")
            .try_into()
            .unwrap();
        let aad = unhex("50515253c0c1c2c3c4c5c6c7");
        let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let expected = unhex(
            "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
             731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
             2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
             21f9664c97637da9768812f615c68b13b52e
             c0875924c1c7987947deafd8780acf49",
        );
        let sealed = seal(&key, &nonce, plaintext, &aad);
        assert_eq!(sealed, expected);
        let opened = open(&key, &nonce, &sealed, &aad).unwrap();
        assert_eq!(opened.as_slice(), plaintext);
    }

    #[test]
    fn open_rejects_any_change() {
        let key = SecretKey::generate();
        let nonce = random_array::<NONCE_LEN>();
        let sealed = seal(&key, &nonce, b"secret", b"context");
        assert!(open(&key, &nonce, &sealed, b"other context").is_none());
        let mut flipped = sealed.clone();
        flipped[0] ^= 1;
        assert!(open(&key, &nonce, &flipped, b"context").is_none());
        assert!(open(&SecretKey::generate(), &nonce, &sealed, b"context").is_none());
    }

    #[test]
    fn bounds_are_checked_before_deriving() {
        let huge = KdfParams {
            memory_kib: 64 * 1024 * 1024,
            iterations: 3,
            parallelism: 1,
        };
        assert!(matches!(
            derive_key(b"pw", &[0; SALT_LEN], huge),
            Err(Error::VaultCorrupt(_))
        ));
        let weak = KdfParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        };
        assert!(matches!(
            derive_key(b"pw", &[0; SALT_LEN], weak),
            Err(Error::VaultCorrupt(_))
        ));
    }

    #[test]
    fn secret_key_is_not_printable() {
        let key = SecretKey::generate();
        assert_eq!(format!("{key:?}"), "SecretKey([REDACTED])");
    }
}
