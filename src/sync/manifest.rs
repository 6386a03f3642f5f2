//! The frame and manifest of a sync file (format 1, `docs/sync-format.md`).
//!
//! Inside the age container a sync file is:
//!
//! ```text
//! MAGIC (14 bytes) | manifest length (u32, big-endian) | manifest (JSON)
//! | signature (64 bytes, Ed25519 over SIGNING_CONTEXT ‖ manifest) | payload
//! ```
//!
//! The manifest states the payload's length and SHA-256, so the signature covers the whole
//! file. Every reader here is strict: a field it does not know, a length that does not add
//! up or a byte too many is a [`Refusal`], never a guess.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The first bytes of every sync file's plaintext.
pub const MAGIC: &[u8; 14] = b"ACOMPANA-SYNC\0";
/// What the sending device's Ed25519 key signs, before the manifest's bytes.
pub const SIGNING_CONTEXT: &[u8] = b"acompana sync manifest 1\0";
/// The format this build writes, and the newest it reads.
pub const FORMAT: u32 = 1;
/// The largest manifest a reader accepts.
pub const MAX_MANIFEST_BYTES: usize = 256 * 1024;
/// The largest payload a reader accepts (a full export of a very large organization).
pub const MAX_PAYLOAD_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// The most operations one file may carry.
pub const MAX_OPERATIONS: u64 = 50_000_000;
/// The most devices a manifest may name (ranges, knowledge or recipients).
pub const MAX_DEVICES: usize = 10_000;
/// The most files one manifest may withdraw (the rest wait for the next file).
pub const MAX_FILES_WITHDRAWN: usize = 5_000;
const SIGNATURE_BYTES: usize = 64;

/// Why a sync file is refused. Each has a stable code; a refused file changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The plaintext does not start with [`MAGIC`]: not a sync file (or not decrypted).
    #[error("not a sync file")]
    NotASyncFile,
    /// The file ends before its frame says it should.
    #[error("the file is truncated")]
    Truncated,
    /// Bytes follow the payload.
    #[error("the file has bytes after its payload")]
    TrailingBytes,
    /// The file needs a newer reader than this build.
    #[error("the file needs reader version {0}")]
    TooNew(u32),
    /// The manifest is not a well-formed format-1 manifest (the reason is for developers).
    #[error("the manifest is malformed: {0}")]
    BadManifest(&'static str),
    /// A stated size or count is beyond the reader's limits.
    #[error("the file is larger than a sync file may be")]
    TooLarge,
    /// The payload's length or SHA-256 is not what the manifest states.
    #[error("the payload does not match its manifest")]
    PayloadMismatch,
    /// The signature is not the sending device's over this manifest.
    #[error("the signature does not match the sender")]
    BadSignature,
    /// The container is encrypted to other laptops (or to a passphrase).
    #[error("the file is not for this laptop")]
    NotForThisDevice,
    /// The container's authentication failed: a byte was changed.
    #[error("the file is damaged")]
    Damaged,
    /// The join passphrase does not open the file.
    #[error("the passphrase does not open the file")]
    WrongPassphrase,
    /// A file sent to laptops was given where a join file was expected.
    #[error("not a join file")]
    NotAJoinFile,
    /// The file comes from another organization.
    #[error("the file is from another organization")]
    WrongOrganization,
    /// The sending laptop is not in this laptop's device registry.
    #[error("the sending laptop is unknown")]
    UnknownDevice,
    /// The sending laptop was revoked.
    #[error("the sending laptop was revoked")]
    DeviceRevoked,
    /// This laptop's own file.
    #[error("the file was made on this laptop")]
    OwnFile,
    /// An operation in the payload is malformed or not where the manifest says.
    #[error("an operation is malformed: {0}")]
    BadOperation(&'static str),
    /// An operation its author or the sending laptop may not make.
    #[error("an operation is not allowed: {0}")]
    NotAllowed(&'static str),
    /// The join secret expired before the new laptop used it.
    #[error("the join file has expired")]
    JoinExpired,
    /// The join secret was already used by a laptop.
    #[error("the join file was already used")]
    JoinUsed,
}

impl Refusal {
    /// Every reason code, as [`Refusal::code`] gives them.
    pub const CODES: [&'static str; 20] = [
        "sync_not_a_sync_file",
        "sync_truncated",
        "sync_trailing_bytes",
        "sync_too_new",
        "sync_bad_manifest",
        "sync_too_large",
        "sync_payload_mismatch",
        "sync_bad_signature",
        "sync_not_for_this_device",
        "sync_damaged",
        "sync_wrong_passphrase",
        "sync_not_a_join_file",
        "sync_wrong_org",
        "sync_unknown_device",
        "sync_device_revoked",
        "sync_own_file",
        "sync_bad_operation",
        "sync_not_allowed",
        "sync_join_expired",
        "sync_join_used",
    ];

    /// The static code equal to `text`, if it is one.
    pub fn code_from_str(text: &str) -> Option<&'static str> {
        Self::CODES.iter().copied().find(|code| *code == text)
    }

    /// The stable reason code (the CLI and the app translate it).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotASyncFile => "sync_not_a_sync_file",
            Refusal::Truncated => "sync_truncated",
            Refusal::TrailingBytes => "sync_trailing_bytes",
            Refusal::TooNew(_) => "sync_too_new",
            Refusal::BadManifest(_) => "sync_bad_manifest",
            Refusal::TooLarge => "sync_too_large",
            Refusal::PayloadMismatch => "sync_payload_mismatch",
            Refusal::BadSignature => "sync_bad_signature",
            Refusal::NotForThisDevice => "sync_not_for_this_device",
            Refusal::Damaged => "sync_damaged",
            Refusal::WrongPassphrase => "sync_wrong_passphrase",
            Refusal::NotAJoinFile => "sync_not_a_join_file",
            Refusal::WrongOrganization => "sync_wrong_org",
            Refusal::UnknownDevice => "sync_unknown_device",
            Refusal::DeviceRevoked => "sync_device_revoked",
            Refusal::OwnFile => "sync_own_file",
            Refusal::BadOperation(_) => "sync_bad_operation",
            Refusal::NotAllowed(_) => "sync_not_allowed",
            Refusal::JoinExpired => "sync_join_expired",
            Refusal::JoinUsed => "sync_join_used",
        }
    }
}

/// What a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Operations for registered devices.
    Changes,
    /// A new laptop's first load, encrypted to a one-off passphrase.
    Join,
}

/// The operations a file carries from one device: `count` of the sequence numbers
/// `first_seq..=last_seq` (fewer than the span when the receiver's scope leaves some out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceRange {
    pub device: String,
    pub first_seq: u64,
    pub last_seq: u64,
    pub count: u64,
}

/// The highest sequence number the sender has seen from a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Knowledge {
    pub device: String,
    pub last_seq: u64,
}

/// A sync file's manifest (format 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    pub min_reader: u32,
    pub kind: FileKind,
    pub organization_id: String,
    pub sender_device: String,
    /// The devices the file is encrypted to (empty for a join file).
    pub recipients: Vec<String>,
    /// Milliseconds since 1970 (UTC) on the sender's clock, for the report only.
    pub created_ms: u64,
    pub knowledge: Vec<Knowledge>,
    pub ranges: Vec<DeviceRange>,
    pub operations: u64,
    /// Files the receiver may no longer see (unshared or reassigned away from her): it
    /// purges them.
    pub withdrawn: Vec<String>,
    /// For a join file: the laptop it makes, for whom, until when.
    pub join: Option<JoinInfo>,
    /// In a new laptop's files until its registration has reached the receiver: its public
    /// keys and the proof that it holds the join secret.
    pub registration: Option<Registration>,
    pub payload_bytes: u64,
    /// Lower-case hex.
    pub payload_sha256: String,
}

/// What a join file makes: the new laptop's device id, the colleague who will use it, and
/// when the join secret stops working (milliseconds since 1970, UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinInfo {
    pub device_id: String,
    pub staff_id: String,
    pub expires_ms: u64,
    /// The organization's name and country, which a new vault needs before any operation.
    pub org_name: String,
    pub country: String,
}

/// A new laptop's public keys and the HMAC-SHA-256, under the key its join passphrase
/// derives, of its device id and those keys (`sync::device::join_proof`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub age_recipient: String,
    /// Ed25519 public key, lower-case hex.
    pub signing_key: String,
    /// Lower-case hex: 32 bytes for a join proof (HMAC-SHA-256), 64 for a vouch (Ed25519, by
    /// the registered laptop this one was before).
    pub proof: String,
}

/// Whether `text` is `bytes` bytes in lower-case hex.
pub(crate) fn is_hex(text: &str, bytes: usize) -> bool {
    text.len() == bytes * 2
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// An id in canonical form, and not the nil UUID.
fn is_id(text: &str) -> bool {
    crate::compact::canonical_uuid(text).is_some_and(|id| !id.is_nil())
}

/// What the sending device signs: [`SIGNING_CONTEXT`] followed by the manifest's bytes.
pub fn signed_message(manifest_bytes: &[u8]) -> Vec<u8> {
    [SIGNING_CONTEXT, manifest_bytes].concat()
}

fn distinct<'a>(mut devices: impl Iterator<Item = &'a String>) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    devices.all(|device| seen.insert(device))
}

impl Manifest {
    /// Reads a manifest's bytes: the version first (a newer file is `TooNew`, not malformed),
    /// then every field strictly, then the rules that tie the fields together.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, Refusal> {
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(Refusal::TooLarge);
        }
        #[derive(Deserialize)]
        struct Versions {
            format: u32,
            min_reader: u32,
        }
        let versions: Versions = serde_json::from_slice(bytes)
            .map_err(|_| Refusal::BadManifest("no format or reader version"))?;
        if versions.min_reader > FORMAT {
            return Err(Refusal::TooNew(versions.min_reader));
        }
        if versions.min_reader == 0 || versions.min_reader > versions.format {
            return Err(Refusal::BadManifest("reader version outside the format"));
        }
        let manifest: Manifest = serde_json::from_slice(bytes)
            .map_err(|_| Refusal::BadManifest("a field is missing, unknown or mistyped"))?;
        manifest.check()?;
        Ok(manifest)
    }

    /// The rules between fields: ids in canonical form, no device twice, ranges that hold
    /// what they say, counts that add up, sizes within the limits.
    pub fn check(&self) -> Result<(), Refusal> {
        if self.format != FORMAT {
            // A later format that this build may read would need its own rules here.
            return Err(Refusal::BadManifest("format this build does not know"));
        }
        if !is_id(&self.organization_id) || !is_id(&self.sender_device) {
            return Err(Refusal::BadManifest("organization or sender is not an id"));
        }
        if self.ranges.len() > MAX_DEVICES
            || self.knowledge.len() > MAX_DEVICES
            || self.recipients.len() > MAX_DEVICES
            || self.operations > MAX_OPERATIONS
            || self.payload_bytes > MAX_PAYLOAD_BYTES
        {
            return Err(Refusal::TooLarge);
        }
        let ids = self
            .recipients
            .iter()
            .chain(self.ranges.iter().map(|r| &r.device))
            .chain(self.knowledge.iter().map(|k| &k.device));
        for id in ids {
            if !is_id(id) {
                return Err(Refusal::BadManifest("a device is not an id"));
            }
        }
        if !distinct(self.recipients.iter())
            || !distinct(self.ranges.iter().map(|r| &r.device))
            || !distinct(self.knowledge.iter().map(|k| &k.device))
        {
            return Err(Refusal::BadManifest("a device is named twice"));
        }
        match self.kind {
            FileKind::Join if !self.recipients.is_empty() => {
                return Err(Refusal::BadManifest("a join file has no device recipients"));
            }
            FileKind::Changes if self.recipients.is_empty() => {
                return Err(Refusal::BadManifest("a changes file names its recipients"));
            }
            FileKind::Changes if self.recipients.contains(&self.sender_device) => {
                return Err(Refusal::BadManifest("a device does not send to itself"));
            }
            _ => {}
        }
        let mut total: u64 = 0;
        for range in &self.ranges {
            // A range may carry none of its span: the receiver may see none of it, and learns
            // that it has missed nothing there.
            if range.first_seq == 0 || range.last_seq < range.first_seq {
                return Err(Refusal::BadManifest("an empty or reversed range"));
            }
            if range.last_seq > crate::changelog::MAX_SEQ {
                return Err(Refusal::BadManifest("a sequence number out of range"));
            }
            if range.count > range.last_seq - range.first_seq + 1 {
                return Err(Refusal::BadManifest("a range holds more than its span"));
            }
            // What the sender sends from a device, it has seen.
            let seen = self
                .knowledge
                .iter()
                .find(|k| k.device == range.device)
                .map(|k| k.last_seq);
            if seen.is_none_or(|seen| seen < range.last_seq) {
                return Err(Refusal::BadManifest(
                    "a range beyond the sender's knowledge",
                ));
            }
            total = total.checked_add(range.count).ok_or(Refusal::TooLarge)?;
        }
        if total != self.operations {
            return Err(Refusal::BadManifest(
                "the ranges do not add up to the count",
            ));
        }
        if self.withdrawn.len() > MAX_FILES_WITHDRAWN {
            return Err(Refusal::TooLarge);
        }
        if !self.withdrawn.iter().all(|id| is_id(id)) || !distinct(self.withdrawn.iter()) {
            return Err(Refusal::BadManifest(
                "a withdrawn file is not an id, or twice",
            ));
        }
        match (&self.kind, &self.join) {
            (FileKind::Join, Some(join)) => {
                if !is_id(&join.device_id)
                    || !is_id(&join.staff_id)
                    || join.org_name.is_empty()
                    || join.org_name.chars().count() > 200
                    || join.country.len() != 2
                    || join.device_id == self.sender_device
                {
                    return Err(Refusal::BadManifest("the join names no new device"));
                }
            }
            (FileKind::Changes, None) => {}
            _ => return Err(Refusal::BadManifest("join details only in a join file")),
        }
        if let Some(registration) = &self.registration {
            if self.kind != FileKind::Changes
                || !registration.age_recipient.starts_with("age1")
                || registration.age_recipient.len() > 100
                || !is_hex(&registration.signing_key, 32)
                || !(is_hex(&registration.proof, 32) || is_hex(&registration.proof, 64))
            {
                return Err(Refusal::BadManifest("a malformed registration"));
            }
        }
        if !is_hex(&self.payload_sha256, 32) {
            return Err(Refusal::BadManifest(
                "the payload hash is not lower-case hex",
            ));
        }
        Ok(())
    }
}

/// A sync file's plaintext split into its parts, the manifest read and the payload checked
/// against it. The signature is checked by the caller, which knows the sender's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame<'a> {
    pub manifest: Manifest,
    /// The manifest exactly as signed.
    pub manifest_bytes: &'a [u8],
    pub signature: [u8; SIGNATURE_BYTES],
    pub payload: &'a [u8],
}

impl<'a> Frame<'a> {
    /// Reads a whole plaintext. Nothing is returned unless every part is where and what the
    /// frame says.
    pub fn read(plaintext: &'a [u8]) -> Result<Frame<'a>, Refusal> {
        let Some(rest) = plaintext.strip_prefix(MAGIC.as_slice()) else {
            return Err(if MAGIC.starts_with(plaintext) {
                Refusal::Truncated
            } else {
                Refusal::NotASyncFile
            });
        };
        let (length, rest) = rest.split_at_checked(4).ok_or(Refusal::Truncated)?;
        let length = u32::from_be_bytes(length.try_into().expect("four bytes")) as usize;
        if length > MAX_MANIFEST_BYTES {
            return Err(Refusal::TooLarge);
        }
        let (manifest_bytes, rest) = rest.split_at_checked(length).ok_or(Refusal::Truncated)?;
        let (signature, payload) = rest
            .split_at_checked(SIGNATURE_BYTES)
            .ok_or(Refusal::Truncated)?;
        let manifest = Manifest::parse(manifest_bytes)?;
        let stated = manifest.payload_bytes;
        match (payload.len() as u64).cmp(&stated) {
            std::cmp::Ordering::Less => return Err(Refusal::Truncated),
            std::cmp::Ordering::Greater => return Err(Refusal::TrailingBytes),
            std::cmp::Ordering::Equal => {}
        }
        if hex::encode(Sha256::digest(payload)) != manifest.payload_sha256 {
            return Err(Refusal::PayloadMismatch);
        }
        Ok(Frame {
            manifest,
            manifest_bytes,
            signature: signature.try_into().expect("64 bytes"),
            payload,
        })
    }

    /// Writes a plaintext: the manifest as given (its payload length and hash are set here),
    /// a signature made by `sign` over [`SIGNING_CONTEXT`] and the manifest, and the payload.
    /// Tests build whole frames with it; an export seals [`Frame::head`] and the payload
    /// without joining them.
    #[cfg(test)]
    pub fn write(
        manifest: Manifest,
        payload: &[u8],
        sign: impl FnOnce(&[u8]) -> [u8; SIGNATURE_BYTES],
    ) -> Result<Vec<u8>, Refusal> {
        let mut out = Frame::head(manifest, payload, sign)?;
        out.extend_from_slice(payload);
        Ok(out)
    }

    /// A plaintext frame up to its payload: the magic, the manifest's length, the manifest as
    /// given (its payload length and hash set here) and a signature made by `sign` over
    /// [`SIGNING_CONTEXT`] and the manifest. The payload follows it; an export seals the two
    /// where they lie rather than copying the payload behind its manifest first.
    pub fn head(
        mut manifest: Manifest,
        payload: &[u8],
        sign: impl FnOnce(&[u8]) -> [u8; SIGNATURE_BYTES],
    ) -> Result<Vec<u8>, Refusal> {
        manifest.payload_bytes = payload.len() as u64;
        manifest.payload_sha256 = hex::encode(Sha256::digest(payload));
        manifest.check()?;
        let manifest_bytes =
            serde_json::to_vec(&manifest).map_err(|_| Refusal::BadManifest("not writable"))?;
        if manifest_bytes.len() > MAX_MANIFEST_BYTES {
            return Err(Refusal::TooLarge);
        }
        let signature = sign(&signed_message(&manifest_bytes));
        let mut out = Vec::with_capacity(MAGIC.len() + 4 + manifest_bytes.len() + 64);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(manifest_bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(&manifest_bytes);
        out.extend_from_slice(&signature);
        Ok(out)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Where the manifest starts in a frame.
    pub(crate) const MANIFEST_AT: usize = MAGIC.len() + 4;

    const ORG: &str = "0191c3a0-0000-7000-8000-000000000001";
    const SENDER: &str = "0191c3a0-0000-7000-8000-0000000000a1";
    const OTHER: &str = "0191c3a0-0000-7000-8000-0000000000b2";
    const THIRD: &str = "0191c3a0-0000-7000-8000-0000000000c3";

    pub(crate) fn manifest() -> Manifest {
        Manifest {
            format: 1,
            min_reader: 1,
            kind: FileKind::Changes,
            organization_id: ORG.into(),
            sender_device: SENDER.into(),
            recipients: vec![OTHER.into()],
            created_ms: 1_790_000_000_000,
            knowledge: vec![
                Knowledge {
                    device: SENDER.into(),
                    last_seq: 40,
                },
                Knowledge {
                    device: THIRD.into(),
                    last_seq: 7,
                },
            ],
            ranges: vec![
                DeviceRange {
                    device: SENDER.into(),
                    first_seq: 11,
                    last_seq: 40,
                    count: 25,
                },
                DeviceRange {
                    device: THIRD.into(),
                    first_seq: 1,
                    last_seq: 7,
                    count: 7,
                },
            ],
            operations: 32,
            withdrawn: vec![],
            join: None,
            registration: None,
            payload_bytes: 0,
            payload_sha256: String::new(),
        }
    }

    fn signer(bytes: &[u8]) -> [u8; 64] {
        // A stand-in: the first 32 bytes of SHA-256 twice. The frame does not check it.
        let digest = Sha256::digest(bytes);
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(&digest);
        signature[32..].copy_from_slice(&digest);
        signature
    }

    fn file(manifest: Manifest, payload: &[u8]) -> Vec<u8> {
        Frame::write(manifest, payload, signer).expect("a valid manifest")
    }

    /// A file whose manifest is given as raw JSON, so that fields can be wrong.
    fn raw_file(manifest_json: &serde_json::Value, payload: &[u8]) -> Vec<u8> {
        let bytes = serde_json::to_vec(manifest_json).unwrap();
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(&bytes);
        out.extend_from_slice(&[7u8; 64]);
        out.extend_from_slice(payload);
        out
    }

    fn valid_json(payload: &[u8]) -> serde_json::Value {
        let mut m = manifest();
        m.payload_bytes = payload.len() as u64;
        m.payload_sha256 = hex::encode(Sha256::digest(payload));
        serde_json::to_value(m).unwrap()
    }

    fn refusal_of(json: serde_json::Value, payload: &[u8]) -> Refusal {
        Frame::read(&raw_file(&json, payload)).expect_err("refused")
    }

    #[test]
    fn a_written_file_reads_back_with_its_signed_bytes_and_payload() {
        let payload = b"operations go here";
        let bytes = file(manifest(), payload);
        let frame = Frame::read(&bytes).unwrap();
        assert_eq!(frame.payload, payload);
        assert_eq!(frame.manifest.payload_bytes, payload.len() as u64);
        assert_eq!(frame.manifest.ranges, manifest().ranges);
        assert_eq!(
            frame.signature,
            signer(&signed_message(frame.manifest_bytes))
        );
    }

    #[test]
    fn every_truncation_is_refused_and_none_panics() {
        let bytes = file(manifest(), b"0123456789abcdef");
        for end in 0..bytes.len() {
            let refusal = Frame::read(&bytes[..end]).expect_err("a truncated file is refused");
            // Cut inside the manifest, its JSON is malformed; anywhere else it is truncated.
            assert!(
                matches!(refusal, Refusal::Truncated | Refusal::BadManifest(_)),
                "cut at {end}: {refusal:?}"
            );
        }
        assert!(matches!(
            Frame::read(&bytes[..bytes.len() - 1]),
            Err(Refusal::Truncated)
        ));
    }

    #[test]
    fn extra_bytes_and_other_files_are_refused() {
        let mut bytes = file(manifest(), b"payload");
        bytes.push(0);
        assert_eq!(Frame::read(&bytes), Err(Refusal::TrailingBytes));
        assert_eq!(
            Frame::read(b"age-encryption.org/v1\n"),
            Err(Refusal::NotASyncFile)
        );
        assert_eq!(Frame::read(b"ACOMPANA"), Err(Refusal::Truncated));
    }

    #[test]
    fn every_flipped_bit_of_the_magic_length_manifest_or_payload_is_refused() {
        let bytes = file(manifest(), b"the payload");
        let signature_at = bytes.len() - b"the payload".len() - 64;
        for at in (0..bytes.len()).filter(|at| !(signature_at..signature_at + 64).contains(at)) {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[at] ^= 1 << bit;
                // A flip inside the manifest may still be valid JSON (a digit of a number);
                // then the manifest differs from what was signed, which the caller's
                // signature check refuses. Everything else the frame refuses itself.
                match Frame::read(&flipped) {
                    Err(_) => {}
                    Ok(frame) => assert_ne!(
                        frame.manifest_bytes,
                        &bytes[MANIFEST_AT..signature_at],
                        "byte {at} bit {bit} went unnoticed"
                    ),
                }
            }
        }
    }

    #[test]
    fn the_payload_must_be_the_one_the_manifest_hashes() {
        let mut bytes = file(manifest(), b"the payload");
        let last = bytes.len() - 1;
        bytes[last] ^= 0x20;
        assert_eq!(Frame::read(&bytes), Err(Refusal::PayloadMismatch));
    }

    #[test]
    fn a_newer_reader_version_is_too_new_even_with_fields_this_build_does_not_know() {
        let mut json = valid_json(b"p");
        json["format"] = 2.into();
        json["min_reader"] = 2.into();
        json["something_new"] = "x".into();
        assert_eq!(refusal_of(json, b"p"), Refusal::TooNew(2));
    }

    #[test]
    fn a_later_format_readable_by_format_1_is_still_refused_until_its_rules_are_known() {
        let mut json = valid_json(b"p");
        json["format"] = 2.into();
        assert!(matches!(refusal_of(json, b"p"), Refusal::BadManifest(_)));
    }

    #[test]
    fn malformed_manifests_are_refused_each_with_its_reason() {
        let payload = b"p";
        type Change = Box<dyn Fn(&mut serde_json::Value)>;
        let cases: Vec<(&str, Change)> = vec![
            ("unknown field", Box::new(|j| j["extra"] = 1.into())),
            (
                "missing field",
                Box::new(|j| drop(j.as_object_mut().unwrap().remove("ranges"))),
            ),
            ("min_reader 0", Box::new(|j| j["min_reader"] = 0.into())),
            (
                "reader above format",
                Box::new(|j| {
                    j["format"] = 1.into();
                    j["min_reader"] = 1.into();
                    j["format"] = 0.into();
                }),
            ),
            (
                "organization not an id",
                Box::new(|j| j["organization_id"] = "mujeres-libres".into()),
            ),
            (
                "nil organization",
                Box::new(|j| j["organization_id"] = uuid::Uuid::nil().to_string().into()),
            ),
            (
                "upper-case sender",
                Box::new(|j| j["sender_device"] = SENDER.to_uppercase().into()),
            ),
            (
                "recipient twice",
                Box::new(|j| j["recipients"] = serde_json::json!([OTHER, OTHER])),
            ),
            (
                "sends to itself",
                Box::new(|j| j["recipients"] = serde_json::json!([SENDER])),
            ),
            (
                "no recipients",
                Box::new(|j| j["recipients"] = serde_json::json!([])),
            ),
            (
                "join with recipients",
                Box::new(|j| j["kind"] = "join".into()),
            ),
            ("unknown kind", Box::new(|j| j["kind"] = "backup".into())),
            (
                "range reversed",
                Box::new(|j| j["ranges"][0]["first_seq"] = 41.into()),
            ),
            (
                "range from zero",
                Box::new(|j| j["ranges"][1]["first_seq"] = 0.into()),
            ),
            (
                "range holds more than its span",
                Box::new(|j| j["ranges"][1]["count"] = 8.into()),
            ),
            (
                "range beyond knowledge",
                Box::new(|j| j["ranges"][1]["last_seq"] = 9.into()),
            ),
            (
                "range of an unknown device",
                Box::new(|j| j["knowledge"].as_array_mut().unwrap().truncate(1)),
            ),
            (
                "device ranged twice",
                Box::new(|j| j["ranges"][1]["device"] = SENDER.into()),
            ),
            (
                "count does not add up",
                Box::new(|j| j["operations"] = 31.into()),
            ),
            (
                "negative count",
                Box::new(|j| j["operations"] = (-1).into()),
            ),
            (
                "hash upper-case",
                Box::new(|j| {
                    let h = j["payload_sha256"].as_str().unwrap().to_uppercase();
                    j["payload_sha256"] = h.into();
                }),
            ),
            (
                "hash short",
                Box::new(|j| j["payload_sha256"] = "abcd".into()),
            ),
            ("not JSON", Box::new(|j| *j = "manifest".into())),
        ];
        for (what, change) in cases {
            let mut json = valid_json(payload);
            change(&mut json);
            let refusal = refusal_of(json, payload);
            assert!(
                matches!(refusal, Refusal::BadManifest(_)),
                "{what}: {refusal:?}"
            );
            assert_eq!(refusal.code(), "sync_bad_manifest");
        }
    }

    #[test]
    fn sizes_beyond_the_limits_are_refused_before_anything_is_read() {
        let mut json = valid_json(b"p");
        json["operations"] = (MAX_OPERATIONS + 1).into();
        assert_eq!(refusal_of(json, b"p"), Refusal::TooLarge);
        let mut json = valid_json(b"p");
        json["payload_bytes"] = (MAX_PAYLOAD_BYTES + 1).into();
        assert_eq!(refusal_of(json, b"p"), Refusal::TooLarge);
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(Frame::read(&bytes), Err(Refusal::TooLarge));
        let mut json = valid_json(b"p");
        json["ranges"][0]["count"] = u64::MAX.into();
        json["ranges"][0]["first_seq"] = 1.into();
        json["ranges"][0]["last_seq"] = u64::MAX.into();
        json["knowledge"][0]["last_seq"] = u64::MAX.into();
        assert!(Frame::read(&raw_file(&json, b"p")).is_err());
    }

    #[test]
    fn a_join_file_has_no_device_recipients_and_says_what_it_makes() {
        let mut join = manifest();
        join.kind = FileKind::Join;
        join.recipients.clear();
        let info = JoinInfo {
            device_id: THIRD.into(),
            staff_id: OTHER.into(),
            expires_ms: 1_790_000_000_000,
            org_name: "Mujeres Libres".into(),
            country: "CO".into(),
        };
        assert!(
            Frame::write(join.clone(), b"x", signer).is_err(),
            "no join details"
        );
        join.join = Some(info.clone());
        let bytes = file(join.clone(), b"first load");
        assert_eq!(
            Frame::read(&bytes).unwrap().manifest.join,
            Some(info.clone())
        );
        for broken in [
            JoinInfo {
                device_id: SENDER.into(),
                ..info.clone()
            },
            JoinInfo {
                staff_id: "lucia".into(),
                ..info.clone()
            },
            JoinInfo {
                org_name: String::new(),
                ..info.clone()
            },
            JoinInfo {
                country: "COL".into(),
                ..info.clone()
            },
        ] {
            let mut bad = join.clone();
            bad.join = Some(broken);
            assert!(Frame::write(bad, b"x", signer).is_err());
        }
        // Join details belong only in a join file, a registration only in a changes file.
        let mut changes = manifest();
        changes.join = Some(info);
        assert!(Frame::write(changes, b"x", signer).is_err());
        let registration = Registration {
            age_recipient: "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq".into(),
            signing_key: "ab".repeat(32),
            proof: "cd".repeat(32),
        };
        let mut joined = manifest();
        joined.registration = Some(registration.clone());
        assert!(Frame::write(joined.clone(), b"x", signer).is_ok());
        join.registration = Some(registration.clone());
        assert!(Frame::write(join, b"x", signer).is_err());
        // A vouch (an Ed25519 signature, 64 bytes) is the other proof; no other length.
        joined.registration = Some(Registration {
            proof: "cd".repeat(64),
            ..registration.clone()
        });
        assert!(Frame::write(joined.clone(), b"x", signer).is_ok());
        joined.registration = Some(Registration {
            proof: "cd".repeat(48),
            ..registration.clone()
        });
        assert!(Frame::write(joined.clone(), b"x", signer).is_err());
        joined.registration = Some(Registration {
            proof: "CD".repeat(32),
            ..registration
        });
        assert!(
            Frame::write(joined, b"x", signer).is_err(),
            "upper-case hex"
        );
    }

    #[test]
    fn withdrawn_files_are_ids_named_once_and_bounded() {
        let mut m = manifest();
        m.withdrawn = vec![THIRD.into()];
        assert!(Frame::write(m.clone(), b"x", signer).is_ok());
        m.withdrawn = vec![THIRD.into(), THIRD.into()];
        assert!(Frame::write(m.clone(), b"x", signer).is_err());
        m.withdrawn = vec!["Valentina".into()];
        assert!(Frame::write(m.clone(), b"x", signer).is_err());
        m.withdrawn = (0..=MAX_FILES_WITHDRAWN)
            .map(|i| format!("0191c3a0-0000-7000-8000-{i:012x}"))
            .collect();
        assert_eq!(m.check(), Err(Refusal::TooLarge));
    }

    #[test]
    fn every_refusal_has_a_distinct_sync_code() {
        let all = [
            Refusal::NotASyncFile,
            Refusal::Truncated,
            Refusal::TrailingBytes,
            Refusal::TooNew(2),
            Refusal::BadManifest("x"),
            Refusal::TooLarge,
            Refusal::PayloadMismatch,
            Refusal::BadSignature,
            Refusal::NotForThisDevice,
            Refusal::Damaged,
            Refusal::WrongPassphrase,
            Refusal::NotAJoinFile,
            Refusal::WrongOrganization,
            Refusal::UnknownDevice,
            Refusal::DeviceRevoked,
            Refusal::OwnFile,
            Refusal::BadOperation("x"),
            Refusal::NotAllowed("x"),
            Refusal::JoinExpired,
            Refusal::JoinUsed,
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(Refusal::code).collect();
        assert_eq!(codes.len(), all.len());
        let listed: std::collections::BTreeSet<_> = Refusal::CODES.iter().copied().collect();
        assert_eq!(codes, listed, "CODES lists every refusal's code");
        assert!(codes.iter().all(|c| c.starts_with("sync_")));
    }
}
