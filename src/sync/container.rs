//! The sync file's container: standard age (version 1), encrypted to the receiving laptops'
//! X25519 keys or, for a join file, to a one-off passphrase (scrypt). Any age
//! implementation can open it with the right key; what is inside is the frame of
//! [`super::manifest`].

use std::io::{Read, Write};
use std::str::FromStr;

use age::secrecy::SecretString;

use super::manifest::{Refusal, MAX_MANIFEST_BYTES, MAX_PAYLOAD_BYTES};
use crate::error::{Error, Result};

/// The most plaintext a container may hold: a frame's largest manifest and payload.
const MAX_PLAINTEXT: u64 = MAX_PAYLOAD_BYTES + MAX_MANIFEST_BYTES as u64 + 1024;

/// A laptop's X25519 key for receiving files. Never printed; kept only inside the
/// encrypted database.
pub struct DeviceIdentity(age::x25519::Identity);

impl std::fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceIdentity(…)")
    }
}

impl DeviceIdentity {
    /// A new key from the operating system's randomness.
    pub fn generate() -> DeviceIdentity {
        DeviceIdentity(age::x25519::Identity::generate())
    }

    /// The key as the database keeps it (age's `AGE-SECRET-KEY-1…`).
    pub(crate) fn from_secret(text: &str) -> Result<DeviceIdentity> {
        age::x25519::Identity::from_str(text)
            .map(DeviceIdentity)
            .map_err(|_| Error::VaultCorrupt("this laptop's sync key is unreadable"))
    }

    /// The key's text, for the database only.
    pub(crate) fn secret_text(&self) -> SecretString {
        self.0.to_string()
    }

    /// The public half (`age1…`), as the device registry lists it.
    pub fn recipient(&self) -> String {
        self.0.to_public().to_string()
    }
}

/// Whether `text` is an age X25519 recipient.
pub fn is_recipient(text: &str) -> bool {
    age::x25519::Recipient::from_str(text).is_ok()
}

/// Encrypts the plaintext made of `parts`, one after another.
fn sealed(encryptor: age::Encryptor, parts: &[&[u8]]) -> Result<Vec<u8>> {
    let length: usize = parts.iter().map(|part| part.len()).sum();
    let mut out = Vec::with_capacity(length + length / 4096 * 16 + 512);
    let mut writer = encryptor
        .wrap_output(&mut out)
        .map_err(|e| Error::Internal(format!("age: {e}")))?;
    for part in parts {
        writer.write_all(part)?;
    }
    writer.finish()?;
    Ok(out)
}

/// Encrypts `plaintext` to each of `recipients` (`age1…`).
pub fn seal_to_devices(plaintext: &[u8], recipients: &[String]) -> Result<Vec<u8>> {
    seal_parts_to_devices(&[plaintext], recipients)
}

/// Encrypts the plaintext made of `parts`, one after another (a frame's head and its
/// payload), to each of `recipients`: the same file as [`seal_to_devices`] of them joined.
pub fn seal_parts_to_devices(parts: &[&[u8]], recipients: &[String]) -> Result<Vec<u8>> {
    let parsed: Vec<age::x25519::Recipient> = recipients
        .iter()
        .map(|text| {
            age::x25519::Recipient::from_str(text)
                .map_err(|_| Error::Internal("a registered device key is not an age key".into()))
        })
        .collect::<Result<_>>()?;
    let encryptor =
        age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| Error::Internal(format!("age: {e}")))?;
    sealed(encryptor, parts)
}

/// Encrypts `plaintext` to a passphrase (age's scrypt recipient).
pub fn seal_to_passphrase(plaintext: &[u8], passphrase: &str) -> Result<Vec<u8>> {
    seal_parts_to_passphrase(&[plaintext], passphrase)
}

/// [`seal_to_passphrase`] of `parts` joined.
pub fn seal_parts_to_passphrase(parts: &[&[u8]], passphrase: &str) -> Result<Vec<u8>> {
    sealed(
        age::Encryptor::with_user_passphrase(SecretString::from(passphrase.to_string())),
        parts,
    )
}

/// What a failed decryption means for the person importing.
fn refusal(error: age::DecryptError, wrong_key: Refusal) -> Refusal {
    match error {
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            Refusal::NotASyncFile
        }
        age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => wrong_key,
        age::DecryptError::ExcessiveWork { .. } => Refusal::TooLarge,
        age::DecryptError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Refusal::Truncated
        }
        _ => Refusal::Damaged,
    }
}

/// Whether `file` starts as an age file does (binary, or armored).
fn looks_like_age(file: &[u8]) -> bool {
    let binary = b"age-encryption.org/v1\n";
    let armored = b"-----BEGIN AGE ENCRYPTED FILE-----";
    [binary.as_slice(), armored.as_slice()]
        .iter()
        .any(|start| file.starts_with(start) || (!file.is_empty() && start.starts_with(file)))
}

/// Reads the whole plaintext; `expected` is the encrypted file's length, which the plaintext
/// does not exceed (room made once, not doubled and copied as it grows).
fn read_all<R: Read>(reader: R, expected: usize) -> std::result::Result<Vec<u8>, Refusal> {
    let mut plaintext = Vec::with_capacity(expected.min(MAX_PLAINTEXT as usize + 1));
    reader
        .take(MAX_PLAINTEXT + 1)
        .read_to_end(&mut plaintext)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => Refusal::Truncated,
            _ => Refusal::Damaged,
        })?;
    if plaintext.len() as u64 > MAX_PLAINTEXT {
        return Err(Refusal::TooLarge);
    }
    Ok(plaintext)
}

/// Decrypts a file sent to this laptop. A file for other laptops is `NotForThisDevice`, a
/// changed byte anywhere `Damaged` (or `Truncated`), something else `NotASyncFile`.
pub fn open_for_device(
    file: &[u8],
    identity: &DeviceIdentity,
) -> std::result::Result<Vec<u8>, Refusal> {
    if !looks_like_age(file) {
        return Err(Refusal::NotASyncFile);
    }
    let decryptor = age::Decryptor::new(file).map_err(|e| refusal(e, Refusal::Damaged))?;
    if decryptor.is_scrypt() {
        return Err(Refusal::NotForThisDevice);
    }
    let reader = decryptor
        .decrypt(std::iter::once(&identity.0 as &dyn age::Identity))
        .map_err(|e| refusal(e, Refusal::NotForThisDevice))?;
    read_all(reader, file.len())
}

/// Decrypts a join file with its passphrase: a wrong passphrase is `WrongPassphrase`.
pub fn open_with_passphrase(
    file: &[u8],
    passphrase: &str,
) -> std::result::Result<Vec<u8>, Refusal> {
    if !looks_like_age(file) {
        return Err(Refusal::NotASyncFile);
    }
    let decryptor = age::Decryptor::new(file).map_err(|e| refusal(e, Refusal::Damaged))?;
    if !decryptor.is_scrypt() {
        return Err(Refusal::NotAJoinFile);
    }
    let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
    let reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| refusal(e, Refusal::WrongPassphrase))?;
    read_all(reader, file.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_file_opens_only_for_its_recipients() {
        let mine = DeviceIdentity::generate();
        let other = DeviceIdentity::generate();
        let third = DeviceIdentity::generate();
        let sealed = seal_to_devices(b"frame", &[mine.recipient(), other.recipient()]).unwrap();
        assert!(sealed.starts_with(b"age-encryption.org/v1\n"));
        assert_eq!(open_for_device(&sealed, &mine).unwrap(), b"frame");
        assert_eq!(open_for_device(&sealed, &other).unwrap(), b"frame");
        assert_eq!(
            open_for_device(&sealed, &third),
            Err(Refusal::NotForThisDevice)
        );
        // The key survives the database's text form.
        let again = DeviceIdentity::from_secret(age::secrecy::ExposeSecret::expose_secret(
            &mine.secret_text(),
        ))
        .unwrap();
        assert_eq!(again.recipient(), mine.recipient());
        assert!(is_recipient(&mine.recipient()));
        assert!(!is_recipient("age1nope"));
        assert!(!format!("{mine:?}").contains("AGE-SECRET"));
    }

    #[test]
    fn parts_sealed_one_after_another_open_as_one_plaintext() {
        let mine = DeviceIdentity::generate();
        // Across age's 64 KiB chunks, with an empty part among them.
        let head = vec![7u8; 70_000];
        let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        let joined = [head.as_slice(), payload.as_slice()].concat();
        let sealed = seal_parts_to_devices(&[&head, &[], &payload], &[mine.recipient()]).unwrap();
        assert_eq!(open_for_device(&sealed, &mine).unwrap(), joined);
        let join = seal_parts_to_passphrase(&[&head, &payload], "sal de mar").unwrap();
        assert_eq!(open_with_passphrase(&join, "sal de mar").unwrap(), joined);
    }

    #[test]
    fn damage_truncation_and_other_files_are_refused_by_reason() {
        let mine = DeviceIdentity::generate();
        let sealed = seal_to_devices(&[42u8; 100_000], &[mine.recipient()]).unwrap();
        assert_eq!(
            open_for_device(b"PK\x03\x04 a zip file", &mine),
            Err(Refusal::NotASyncFile)
        );
        let mut flipped = sealed.clone();
        let last = flipped.len() - 10;
        flipped[last] ^= 1;
        assert_eq!(open_for_device(&flipped, &mine), Err(Refusal::Damaged));
        for cut in [sealed.len() - 1, sealed.len() / 2, 200] {
            assert!(
                open_for_device(&sealed[..cut], &mine).is_err(),
                "cut at {cut}"
            );
        }
        let join = seal_to_passphrase(b"join", "uno dos tres").unwrap();
        assert_eq!(
            open_for_device(&join, &mine),
            Err(Refusal::NotForThisDevice)
        );
        assert_eq!(
            open_with_passphrase(&sealed, "uno dos tres"),
            Err(Refusal::NotAJoinFile)
        );
    }

    #[test]
    fn a_join_file_opens_with_its_passphrase_only() {
        let join = seal_to_passphrase(b"join frame", "luna sol mar").unwrap();
        assert_eq!(
            open_with_passphrase(&join, "luna sol mar").unwrap(),
            b"join frame"
        );
        assert_eq!(
            open_with_passphrase(&join, "luna sol rio"),
            Err(Refusal::WrongPassphrase)
        );
    }
}
