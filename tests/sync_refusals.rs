//! The negative kit of sync import: crafted sync files, each refused by `Vault::sync_import`
//! with its reason code, and the receiving vault's data folder byte for byte as it was.
//!
//! The receiving laptop is the coordinator's; the sender is a caseworker's laptop (Lucía's)
//! joined by join file. Files are crafted from a good file of hers: cut, extended or flipped
//! as they arrive; or opened with the coordinator's key (read from its database), changed
//! inside and sealed again to it, signed again with Lucía's real key (to reach the checks
//! behind the signature) or left with the old signature.
//!
//! The receiving vault stays unlocked while files are refused (locking and unlocking write
//! the session mark, the audit log and a WAL checkpoint). Between two snapshots of its data
//! folder the only connection is the vault's own, so every byte the database, its WAL or the
//! key slots could change is compared; the WAL index (`-shm`) is left out: it is shared
//! memory that readers stamp (read marks), not data.

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use acompana::changelog::{Hlc, OpKind, Operation};
use acompana::records::participants::{NewParticipant, ParticipantField};
use acompana::staff::Role;
use acompana::sync::container::seal_to_devices;
use acompana::sync::manifest::{
    signed_message, DeviceRange, Frame, Knowledge, Manifest, Refusal, Registration, MAGIC,
    MAX_OPERATIONS, MAX_PAYLOAD_BYTES,
};
use acompana::sync::payload;
use acompana::sync::DeviceSigningKey;
use acompana::vault::{KdfChoice, LockReason, Vault, VaultPaths};
use acompana::Error;
use common::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const LUCIA: &str = "lucia";
const LUCIA_PASSWORD: &str = "clave-de-lucia-1";
const MARTA: &str = "marta";

/// Where the manifest starts in a frame.
const MANIFEST_AT: usize = MAGIC.len() + 4;

/// The organization, with the coordinator's vault unlocked to receive.
struct Kit {
    coordinator: TestVault,
    /// Lucía's laptop.
    _laptop: tempfile::TempDir,
    lucia_paths: VaultPaths,
    /// Crafted files are written here, outside both data folders.
    work: tempfile::TempDir,
    admin: Vault,
    /// The coordinator's laptop: its device id, age key and signing key.
    receiver: String,
    receiver_key: age::x25519::Identity,
    receiver_signing: DeviceSigningKey,
    lucia_device: String,
    lucia_signing: DeviceSigningKey,
    admin_staff: String,
    lucia_staff: String,
    marta_staff: String,
    /// Lucía's woman, and Marta's (not hers).
    mine: String,
    hers_not: String,
    /// Marta's laptop, prepared (registered without keys) and not joined yet.
    marta_device: String,
    marta_join: Vec<u8>,
    marta_passphrase: String,
    /// Lucía's first file, already imported (it registered her laptop's keys here).
    first: Vec<u8>,
    /// A later file of hers, sealed to the coordinator, not imported yet.
    good: Vec<u8>,
    /// Its plaintext (the frame).
    good_plain: Vec<u8>,
    /// A file the coordinator's laptop wrote for Lucía's.
    own_to_lucia: Vec<u8>,
    /// The cases refused so far, with their codes.
    cases: Vec<(String, &'static str)>,
    /// Those refused for another reason than the one expected.
    wrong: Vec<String>,
}

fn add_woman(vault: &mut Vault, name: &str, assign_to: &str) -> String {
    vault
        .participant_add(NewParticipant {
            legal_name: name.into(),
            chosen_name: None,
            birth_year: Some(1988),
            department: Some("Antioquia".into()),
            assign_to: Some(assign_to.to_string()),
        })
        .unwrap()
        .id
}

fn other_laptop(vault: &Vault) -> String {
    vault
        .device_list()
        .unwrap()
        .into_iter()
        .find(|d| !d.this_laptop)
        .unwrap()
        .id
}

/// A laptop's keys, read from its own database.
fn keys_of(vault: &Vault) -> (age::x25519::Identity, DeviceSigningKey) {
    let (identity, secret): (String, Vec<u8>) = vault
        .connection_for_tests()
        .query_row(
            "SELECT age_identity, signing_secret FROM device_keys WHERE device_id = ?1",
            [vault.device_id()],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert!(identity.starts_with("AGE-SECRET-KEY-1"));
    let seed: [u8; 32] = secret.try_into().unwrap();
    (
        age::x25519::Identity::from_str(&identity).unwrap(),
        DeviceSigningKey::from_secret_bytes(&seed),
    )
}

fn staff_id(vault: &Vault, username: &str) -> String {
    vault
        .connection_for_tests()
        .query_row(
            "SELECT id FROM staff WHERE username = ?1",
            [username],
            |row| row.get(0),
        )
        .unwrap()
}

fn export(vault: &mut Vault, to: &str, path: &Path) -> Vec<u8> {
    let written = vault.sync_export(path, &[to.to_string()], false).unwrap();
    assert_eq!(written.len(), 1);
    std::fs::read(path).unwrap()
}

fn open_with(identity: &age::x25519::Identity, file: &[u8]) -> Vec<u8> {
    let decryptor = age::Decryptor::new(file).unwrap();
    let mut reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .unwrap();
    let mut plain = Vec::new();
    reader.read_to_end(&mut plain).unwrap();
    plain
}

impl Kit {
    /// A coordinator with two caseworkers and a woman each; Lucía's laptop joined and her
    /// first file imported; a second file of hers kept; Marta's laptop prepared.
    fn new() -> Kit {
        let coordinator = new_vault();
        coordinator.add(LUCIA, "Lucía Gómez", Role::Caseworker, LUCIA_PASSWORD);
        coordinator.add(MARTA, "Marta Ruiz", Role::Caseworker, "clave-de-marta-1");
        let work = tempfile::tempdir().unwrap();
        let mut admin = coordinator.admin();
        let mine = add_woman(&mut admin, "Rosa Caminante", LUCIA);
        let hers_not = add_woman(&mut admin, "Valentina Escondida", MARTA);
        let lucia_join = work.path().join("lucia.join");
        let lucia_added = admin
            .device_add(LUCIA, "Laptop Lucía", &lucia_join)
            .unwrap();
        let marta_join_path = work.path().join("marta.join");
        let marta_added = admin
            .device_add(MARTA, "Laptop Marta", &marta_join_path)
            .unwrap();
        admin.lock(LockReason::Manual).unwrap();

        let laptop = tempfile::tempdir().unwrap();
        let lucia_paths = VaultPaths::new(laptop.path().join("data"));
        let (mut lucia, _) = acompana::opening::join(
            &lucia_paths,
            acompana::opening::Joining {
                file: &std::fs::read(&lucia_join).unwrap(),
                passphrase: &lucia_added.passphrase,
                password: &secret(LUCIA_PASSWORD),
            },
            KdfChoice::Minimum,
        )
        .unwrap();
        let receiver = other_laptop(&lucia);
        lucia
            .participant_set(&mine, ParticipantField::ChosenName, Some("Rosi"))
            .unwrap();
        let first = export(&mut lucia, &receiver, &work.path().join("first.sync"));
        lucia
            .participant_set(&mine, ParticipantField::Department, Some("Caldas"))
            .unwrap();
        let good = export(&mut lucia, &receiver, &work.path().join("good.sync"));
        let (_, lucia_signing) = keys_of(&lucia);
        lucia.lock(LockReason::Manual).unwrap();

        let mut admin = coordinator.admin();
        assert_eq!(admin.device_id(), receiver);
        let path = work.path().join("first.sync");
        let report = admin.sync_import(std::slice::from_ref(&path)).unwrap();
        assert!(report.applied >= 1, "{report:?}");
        let own_to_lucia = export(
            &mut admin,
            &lucia_added.device_id,
            &work.path().join("own.sync"),
        );
        let (receiver_key, receiver_signing) = keys_of(&admin);
        let good_plain = open_with(&receiver_key, &good);
        Kit {
            admin_staff: staff_id(&admin, ADMIN),
            lucia_staff: staff_id(&admin, LUCIA),
            marta_staff: staff_id(&admin, MARTA),
            coordinator,
            _laptop: laptop,
            lucia_paths,
            work,
            admin,
            receiver,
            receiver_key,
            receiver_signing,
            lucia_device: lucia_added.device_id,
            lucia_signing,
            mine,
            hers_not,
            marta_device: marta_added.device_id,
            marta_join: std::fs::read(&marta_join_path).unwrap(),
            marta_passphrase: marta_added.passphrase,
            first,
            good,
            good_plain,
            own_to_lucia,
            cases: Vec::new(),
            wrong: Vec::new(),
        }
    }

    /// What the receiver finds inside `file` before any check of the vault's: the frame's or
    /// the payload's refusal, or a well-formed frame and payload. `None`: it does not open.
    fn inside(&self, file: &[u8]) -> Option<Inside> {
        let decryptor = age::Decryptor::new(file).ok()?;
        let mut reader = decryptor
            .decrypt(std::iter::once(&self.receiver_key as &dyn age::Identity))
            .ok()?;
        let mut plain = Vec::new();
        reader.read_to_end(&mut plain).ok()?;
        Some(match Frame::read(&plain) {
            Err(refusal) => Inside::Frame(refusal),
            Ok(frame) => match payload::decode(frame.payload, &frame.manifest) {
                Err(refusal) => Inside::Payload(refusal),
                Ok(_) => Inside::WellFormed,
            },
        })
    }

    /// As [`Kit::refuse`], and the frame and payload are what `inside` says: the refusal is
    /// for that reason (the reasons inside a code are not in the error), or, for a
    /// well-formed file, for what the vault knows (its organization, registry, roster, files).
    fn refuse_because(&mut self, what: &str, bytes: Vec<u8>, code: &'static str, inside: Inside) {
        let found = self.inside(&bytes);
        if found.as_ref() != Some(&inside) {
            self.wrong.push(format!(
                "{what}: expected {inside:?} inside, found {found:?}"
            ));
        }
        self.refuse(what, bytes, code);
    }

    /// Imports `bytes`, which must be refused with `code` and change nothing (a change
    /// fails at once; a refusal for another reason, or an import, at the end, with the
    /// others).
    fn refuse(&mut self, what: &str, bytes: Vec<u8>, code: &'static str) {
        let found = self.try_import(&bytes).unwrap_or_else(|other| {
            // Imported: nothing else can be checked on a vault that changed.
            panic!("{what}: expected {code}, got {other}")
        });
        if found != code {
            self.wrong
                .push(format!("{what}: expected {code}, got {found}"));
        }
        self.cases.push((what.to_string(), code));
    }

    /// The data folder's files, but the WAL index (see the module's comment).
    fn data(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = self.coordinator.snapshot();
        files.retain(|path, _| !path.to_string_lossy().ends_with("-shm"));
        assert!(files.keys().any(|p| p.ends_with("vault.db")));
        files
    }

    /// Imports `bytes` as a file: a refusal with its code, or whatever else happened. The
    /// data folder must be unchanged in the first case.
    fn try_import(&mut self, bytes: &[u8]) -> Result<&'static str, String> {
        let path = self.work.path().join("case.sync");
        std::fs::write(&path, bytes).unwrap();
        let before = self.data();
        let result = self.admin.sync_import(std::slice::from_ref(&path));
        match result {
            Err(Error::SyncRefused(code)) => {
                let after = self.data();
                for (file, bytes) in &before {
                    assert!(
                        after.get(file) == Some(bytes),
                        "{code}: {} changed",
                        file.display()
                    );
                }
                assert_eq!(before.len(), after.len(), "{code}: a file appeared");
                Ok(code)
            }
            other => Err(format!("{other:?}")),
        }
    }

    /// The sealed file for the coordinator's laptop.
    fn seal(&self, plain: &[u8]) -> Vec<u8> {
        seal_to_devices(plain, &[self.receiver_key.to_public().to_string()]).unwrap()
    }

    /// The good file's manifest and operations.
    fn good_parts(&self) -> (Manifest, Vec<Operation>) {
        let frame = Frame::read(&self.good_plain).unwrap();
        let operations = payload::decode(frame.payload, &frame.manifest).unwrap();
        (frame.manifest, operations)
    }

    fn good_frame(&self) -> Frame<'_> {
        Frame::read(&self.good_plain).unwrap()
    }

    /// Where the good frame's signature and payload start.
    fn signature_at(&self) -> usize {
        MANIFEST_AT + self.good_frame().manifest_bytes.len()
    }

    fn payload_at(&self) -> usize {
        self.signature_at() + 64
    }

    /// A new operation of Lucía's laptop at `seq`.
    fn op(&self, seq: u64, author: &str, record: (&str, &str), change: Change) -> Operation {
        let (kind, field, value) = change;
        Operation {
            op_id: uuid::Uuid::now_v7().to_string(),
            device_id: self.lucia_device.clone(),
            seq,
            hlc: Hlc {
                wall_ms: chrono::Utc::now().timestamp_millis() as u64,
                counter: 0,
            },
            author_id: author.to_string(),
            record_type: record.0.to_string(),
            record_id: record.1.to_string(),
            field: field.to_string(),
            kind,
            value,
            based_on: vec![],
            participant_id: None,
        }
    }

    /// Lucía's next sequence number after the good file.
    fn next_seq(&self) -> u64 {
        let (manifest, _) = self.good_parts();
        manifest
            .ranges
            .iter()
            .find(|r| r.device == self.lucia_device)
            .unwrap()
            .last_seq
            + 1
    }

    /// The good file with `extra` operations added, its ranges fitted and signed by Lucía.
    fn good_with(&self, extra: Vec<Operation>) -> Vec<u8> {
        let (mut manifest, mut operations) = self.good_parts();
        operations.extend(extra);
        fit(&mut manifest, &operations);
        self.seal(&signed(
            &manifest,
            &payload::encode(&operations).unwrap(),
            &self.lucia_signing,
        ))
    }

    /// The good file with its manifest changed (payload as it is) and signed by `key`.
    fn good_manifest(&self, key: &DeviceSigningKey, change: impl FnOnce(&mut Manifest)) -> Vec<u8> {
        let frame = self.good_frame();
        let mut manifest = frame.manifest.clone();
        change(&mut manifest);
        self.seal(&signed(&manifest, frame.payload, key))
    }

    /// The good file with its manifest's JSON changed (payload as it is), signed by Lucía.
    fn good_json(&self, change: impl FnOnce(&mut Value)) -> Vec<u8> {
        let frame = self.good_frame();
        let mut json: Value = serde_json::from_slice(frame.manifest_bytes).unwrap();
        change(&mut json);
        let bytes = serde_json::to_vec(&json).unwrap();
        let signature = self.lucia_signing.sign(&signed_message(&bytes));
        self.seal(&raw_frame(&bytes, &signature, frame.payload))
    }

    /// The good frame with its bytes changed by `change`, sealed again (nothing re-signed).
    fn good_bytes(&self, change: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let mut plain = self.good_plain.clone();
        change(&mut plain);
        self.seal(&plain)
    }
}

/// What a file holds for the receiver, short of the vault's own checks.
#[derive(Debug, PartialEq, Eq)]
enum Inside {
    Frame(Refusal),
    Payload(Refusal),
    WellFormed,
}

/// An operation's kind, field and value.
type Change = (OpKind, &'static str, Option<Value>);

/// A frame from its parts, as written, whatever they say.
fn raw_frame(manifest: &[u8], signature: &[u8; 64], payload: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&(manifest.len() as u32).to_be_bytes());
    out.extend_from_slice(manifest);
    out.extend_from_slice(signature);
    out.extend_from_slice(payload);
    out
}

/// A frame whose manifest states `payload`'s length and hash and is signed by `key`; the
/// manifest's other fields are written as they are, right or wrong.
fn signed(manifest: &Manifest, payload: &[u8], key: &DeviceSigningKey) -> Vec<u8> {
    let mut manifest = manifest.clone();
    manifest.payload_bytes = payload.len() as u64;
    manifest.payload_sha256 = hex::encode(Sha256::digest(payload));
    let bytes = serde_json::to_vec(&manifest).unwrap();
    raw_frame(&bytes, &key.sign(&signed_message(&bytes)), payload)
}

/// Ranges, knowledge and count that hold exactly `operations`.
fn fit(manifest: &mut Manifest, operations: &[Operation]) {
    for op in operations {
        match manifest
            .ranges
            .iter_mut()
            .find(|r| r.device == op.device_id)
        {
            Some(range) => {
                range.first_seq = range.first_seq.min(op.seq);
                range.last_seq = range.last_seq.max(op.seq);
            }
            None => manifest.ranges.push(DeviceRange {
                device: op.device_id.clone(),
                first_seq: op.seq,
                last_seq: op.seq,
                count: 0,
            }),
        }
    }
    for range in &mut manifest.ranges {
        range.count = operations
            .iter()
            .filter(|op| op.device_id == range.device)
            .filter(|op| (range.first_seq..=range.last_seq).contains(&op.seq))
            .count() as u64;
        match manifest
            .knowledge
            .iter_mut()
            .find(|k| k.device == range.device)
        {
            Some(known) => known.last_seq = known.last_seq.max(range.last_seq),
            None => manifest.knowledge.push(Knowledge {
                device: range.device.clone(),
                last_seq: range.last_seq,
            }),
        }
    }
    manifest.operations = manifest.ranges.iter().map(|r| r.count).sum();
}

/// Where the age header ends (after its MAC line).
fn age_header_end(file: &[u8]) -> usize {
    let mac = file.windows(5).position(|w| w == b"\n--- ").unwrap() + 5;
    mac + file[mac..].iter().position(|b| *b == b'\n').unwrap() + 1
}

fn flipped(bytes: &[u8], at: usize, mask: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at] ^= mask;
    out
}

/// A base64 character of the header between `from` and `to` that stays a base64 character
/// (and not the last of its run) when its lowest bit flips.
fn base64_flip_at(file: &[u8], from: usize, to: usize) -> usize {
    (from..to)
        .find(|&at| {
            file[at].is_ascii_alphabetic()
                && file[at].is_multiple_of(2)
                && !matches!(file[at], b'Z' | b'z')
                && file[at + 1] != b'\n'
        })
        .unwrap()
}

#[test]
fn crafted_files_are_refused_each_with_its_reason_and_change_nothing() {
    let started = std::time::Instant::now();
    let mut kit = Kit::new();
    let good = kit.good.clone();
    let header_end = age_header_end(&good);
    let stanza = good.windows(10).position(|w| w == b"-> X25519 ").unwrap() + 10;
    let mac_at = good.windows(5).position(|w| w == b"\n--- ").unwrap() + 5;

    // As it arrives: cut, extended, flipped.
    kit.refuse("an empty file", vec![], "sync_not_a_sync_file");
    kit.refuse(
        "not an age file",
        b"PK\x03\x04 hola, esto es un zip".to_vec(),
        "sync_not_a_sync_file",
    );
    kit.refuse(
        "cut inside the age version line",
        good[..10].to_vec(),
        "sync_truncated",
    );
    kit.refuse(
        "cut inside the recipient stanza",
        good[..stanza + 20].to_vec(),
        "sync_truncated",
    );
    kit.refuse(
        "cut inside the header MAC",
        good[..mac_at + 10].to_vec(),
        "sync_truncated",
    );
    kit.refuse(
        "cut right after the header",
        good[..header_end].to_vec(),
        "sync_truncated",
    );
    kit.refuse(
        "cut inside the payload nonce",
        good[..header_end + 8].to_vec(),
        "sync_truncated",
    );
    kit.refuse(
        "cut in the middle of the body",
        good[..(header_end + good.len()) / 2].to_vec(),
        "sync_damaged",
    );
    kit.refuse(
        "cut by its last byte",
        good[..good.len() - 1].to_vec(),
        "sync_damaged",
    );
    kit.refuse(
        "one byte appended",
        [good.as_slice(), b"\0"].concat(),
        "sync_damaged",
    );
    kit.refuse(
        "a second copy appended",
        [good.as_slice(), good.as_slice()].concat(),
        "sync_damaged",
    );
    kit.refuse(
        "a bit flipped in the age version line",
        flipped(&good, 3, 0x01),
        "sync_not_a_sync_file",
    );
    let share = base64_flip_at(&good, stanza + 4, stanza + 40);
    kit.refuse(
        "a bit flipped in the recipient stanza's share",
        flipped(&good, share, 0x01),
        "sync_not_for_this_device",
    );
    let wrapped = base64_flip_at(&good, stanza + 45, mac_at);
    kit.refuse(
        "a bit flipped in the wrapped file key",
        flipped(&good, wrapped, 0x01),
        "sync_not_for_this_device",
    );
    let mac = base64_flip_at(&good, mac_at, header_end - 2);
    kit.refuse(
        "a bit flipped in the header MAC",
        flipped(&good, mac, 0x01),
        "sync_damaged",
    );
    kit.refuse(
        "a bit flipped in the payload nonce",
        flipped(&good, header_end + 3, 0x80),
        "sync_damaged",
    );
    kit.refuse(
        "a bit flipped in the body",
        flipped(&good, (header_end + good.len()) / 2, 0x04),
        "sync_damaged",
    );
    kit.refuse(
        "a bit flipped in the body's tag",
        flipped(&good, good.len() - 1, 0x01),
        "sync_damaged",
    );

    // Not for this laptop.
    let stranger = age::x25519::Identity::generate();
    kit.refuse(
        "a file for another laptop (sealed to its key)",
        seal_to_devices(&kit.good_plain, &[stranger.to_public().to_string()]).unwrap(),
        "sync_not_for_this_device",
    );
    kit.refuse(
        "a join file given to import",
        kit.marta_join.clone(),
        "sync_not_for_this_device",
    );
    kit.refuse(
        "a file this laptop wrote for Lucía's, given back to it",
        kit.own_to_lucia.clone(),
        "sync_not_for_this_device",
    );
    let marta = kit.marta_device.clone();
    kit.refuse_because(
        "sealed to this laptop, but its manifest names another laptop",
        kit.good_manifest(&kit.lucia_signing, |m| m.recipients = vec![marta.clone()]),
        "sync_not_for_this_device",
        Inside::WellFormed,
    );
    let join_plain =
        acompana::sync::container::open_with_passphrase(&kit.marta_join, &kit.marta_passphrase)
            .unwrap();
    kit.refuse_because(
        "a join file's frame sealed to this laptop",
        kit.seal(&join_plain),
        "sync_not_for_this_device",
        Inside::WellFormed,
    );
    let receiver = kit.receiver.clone();
    kit.refuse_because(
        "a file this laptop sent to itself, signed with its own key",
        kit.good_manifest(&kit.receiver_signing, |m| {
            m.sender_device = receiver.clone();
            m.registration = None;
        }),
        "sync_bad_manifest",
        Inside::Frame(Refusal::BadManifest("a device does not send to itself")),
    );

    // The frame inside, cut, extended or flipped (sealed again, not signed again).
    let signature_at = kit.signature_at();
    let payload_at = kit.payload_at();
    let plain_len = kit.good_plain.len();
    kit.refuse_because(
        "a plaintext that is not a frame",
        kit.seal(b"hola, no soy un archivo de sincronizacion"),
        "sync_not_a_sync_file",
        Inside::Frame(Refusal::NotASyncFile),
    );
    kit.refuse("an empty plaintext", kit.seal(b""), "sync_truncated");
    for (what, at) in [
        ("frame cut inside the magic", 6),
        ("frame cut inside the manifest length", MAGIC.len() + 2),
        ("frame cut inside the manifest", MANIFEST_AT + 30),
        ("frame cut right after the manifest", signature_at),
        ("frame cut inside the signature", signature_at + 32),
        ("frame cut right after the signature", payload_at),
        ("frame cut by its last byte", plain_len - 1),
    ] {
        kit.refuse(what, kit.good_bytes(|p| p.truncate(at)), "sync_truncated");
    }
    kit.refuse_because(
        "frame with a byte after its payload",
        kit.good_bytes(|p| p.push(0)),
        "sync_trailing_bytes",
        Inside::Frame(Refusal::TrailingBytes),
    );
    kit.refuse_because(
        "a bit flipped in the magic",
        kit.good_bytes(|p| p[2] ^= 0x20),
        "sync_not_a_sync_file",
        Inside::Frame(Refusal::NotASyncFile),
    );
    kit.refuse_because(
        "the manifest length beyond 256 KiB",
        kit.good_bytes(|p| p[MAGIC.len()] ^= 0x01),
        "sync_too_large",
        Inside::Frame(Refusal::TooLarge),
    );
    kit.refuse_because(
        "the manifest length one byte long (takes a signature byte)",
        kit.good_bytes(|p| {
            let length = u32::from_be_bytes(p[MAGIC.len()..MANIFEST_AT].try_into().unwrap());
            p[MAGIC.len()..MANIFEST_AT].copy_from_slice(&(length + 1).to_be_bytes());
        }),
        "sync_bad_manifest",
        Inside::Frame(Refusal::BadManifest("no format or reader version")),
    );
    kit.refuse_because(
        "a bit flipped in the manifest's braces (not JSON)",
        kit.good_bytes(|p| p[MANIFEST_AT] ^= 0x01),
        "sync_bad_manifest",
        Inside::Frame(Refusal::BadManifest("no format or reader version")),
    );
    let created = {
        let bytes = kit.good_frame().manifest_bytes.to_vec();
        let key = bytes
            .windows(12)
            .position(|w| w == b"\"created_ms\"")
            .unwrap();
        MANIFEST_AT + key + 14
    };
    kit.refuse_because(
        "a bit flipped in a digit of the manifest (still valid, no longer signed)",
        kit.good_bytes(|p| {
            assert!(p[created].is_ascii_digit());
            p[created] = if p[created] == b'1' { b'2' } else { b'1' };
        }),
        "sync_bad_signature",
        Inside::WellFormed,
    );
    kit.refuse(
        "a bit flipped in the signature",
        kit.good_bytes(|p| p[signature_at + 17] ^= 0x08),
        "sync_bad_signature",
    );
    kit.refuse_because(
        "a bit flipped in the payload",
        kit.good_bytes(|p| p[payload_at + 5] ^= 0x01),
        "sync_payload_mismatch",
        Inside::Frame(Refusal::PayloadMismatch),
    );
    kit.refuse_because(
        "the payload's last byte flipped",
        kit.good_bytes(|p| {
            let last = p.len() - 1;
            p[last] ^= 0x40;
        }),
        "sync_payload_mismatch",
        Inside::Frame(Refusal::PayloadMismatch),
    );

    // Signatures.
    let someone = DeviceSigningKey::generate();
    kit.refuse_because(
        "signed by a key that is not the sender's",
        kit.good_manifest(&someone, |_| {}),
        "sync_bad_signature",
        Inside::WellFormed,
    );
    kit.refuse_because(
        "signed by the receiving laptop's own key",
        kit.good_manifest(&kit.receiver_signing, |_| {}),
        "sync_bad_signature",
        Inside::WellFormed,
    );
    kit.refuse_because(
        "a manifest changed after signing (stale signature)",
        {
            let frame = kit.good_frame();
            let mut manifest = frame.manifest.clone();
            manifest.created_ms += 1;
            let bytes = serde_json::to_vec(&manifest).unwrap();
            kit.seal(&raw_frame(&bytes, &frame.signature, frame.payload))
        },
        "sync_bad_signature",
        Inside::WellFormed,
    );
    kit.refuse(
        "an all-zero signature",
        kit.good_bytes(|p| p[signature_at..payload_at].fill(0)),
        "sync_bad_signature",
    );

    // Who sent it.
    let org = uuid::Uuid::now_v7().to_string();
    kit.refuse_because(
        "from another organization",
        kit.good_manifest(&kit.lucia_signing, |m| m.organization_id = org),
        "sync_wrong_org",
        Inside::WellFormed,
    );
    let unknown = uuid::Uuid::now_v7().to_string();
    kit.refuse_because(
        "from a laptop the registry does not list",
        kit.good_manifest(&kit.lucia_signing, |m| m.sender_device = unknown),
        "sync_unknown_device",
        Inside::WellFormed,
    );
    kit.refuse_because(
        "from a prepared laptop that never joined, without its registration",
        kit.good_manifest(&kit.lucia_signing, |m| {
            m.sender_device = marta.clone();
            m.registration = None;
        }),
        "sync_unknown_device",
        Inside::WellFormed,
    );
    let impostor = DeviceSigningKey::generate();
    let impostor_registration = Registration {
        age_recipient: age::x25519::Identity::generate().to_public().to_string(),
        signing_key: hex::encode(impostor.public()),
        proof: "00".repeat(32),
    };
    kit.refuse_because(
        "from a prepared laptop, with a registration that does not prove its join secret",
        kit.good_manifest(&impostor, |m| {
            m.sender_device = marta.clone();
            m.registration = Some(impostor_registration);
        }),
        "sync_bad_signature",
        Inside::WellFormed,
    );

    // Versions and limits.
    kit.refuse_because(
        "a future format (min_reader 2) with a field this build does not know",
        kit.good_json(|j| {
            j["format"] = 2.into();
            j["min_reader"] = 2.into();
            j["sealed_sender"] = true.into();
        }),
        "sync_too_new",
        Inside::Frame(Refusal::TooNew(2)),
    );
    kit.refuse_because(
        "a later format that says format 1 may read it",
        kit.good_json(|j| j["format"] = 2.into()),
        "sync_bad_manifest",
        Inside::Frame(Refusal::BadManifest("format this build does not know")),
    );
    kit.refuse_because(
        "a manifest field this format does not name",
        kit.good_json(|j| j["priority"] = "high".into()),
        "sync_bad_manifest",
        Inside::Frame(Refusal::BadManifest(
            "a field is missing, unknown or mistyped",
        )),
    );
    kit.refuse_because(
        "a manifest without its knowledge",
        kit.good_json(|j| drop(j.as_object_mut().unwrap().remove("knowledge"))),
        "sync_bad_manifest",
        Inside::Frame(Refusal::BadManifest(
            "a field is missing, unknown or mistyped",
        )),
    );
    kit.refuse_because(
        "more operations than a file may carry",
        kit.good_manifest(&kit.lucia_signing, |m| m.operations = MAX_OPERATIONS + 1),
        "sync_too_large",
        Inside::Frame(Refusal::TooLarge),
    );
    kit.refuse_because(
        "a payload size beyond 4 GiB",
        kit.good_json(|j| j["payload_bytes"] = (MAX_PAYLOAD_BYTES + 1).into()),
        "sync_too_large",
        Inside::Frame(Refusal::TooLarge),
    );
    kit.refuse_because(
        "ranges to the largest sequence number, whose counts would overflow the total",
        kit.good_json(|j| {
            j["ranges"] = json!([
                {"device": kit.lucia_device, "first_seq": 1, "last_seq": u64::MAX,
                 "count": u64::MAX},
                {"device": kit.receiver, "first_seq": 1, "last_seq": u64::MAX,
                 "count": u64::MAX},
            ]);
            j["knowledge"] = json!([
                {"device": kit.lucia_device, "last_seq": u64::MAX},
                {"device": kit.receiver, "last_seq": u64::MAX},
            ]);
        }),
        "sync_bad_manifest",
        Inside::Frame(Refusal::BadManifest("a sequence number out of range")),
    );
    let beyond = acompana::changelog::MAX_SEQ + 1;
    kit.refuse_because(
        "a range one past the highest sequence number a log can hold",
        kit.good_json(|j| {
            j["ranges"][0]["last_seq"] = beyond.into();
            j["knowledge"] = json!([
                {"device": kit.lucia_device, "last_seq": beyond},
                {"device": kit.receiver, "last_seq": beyond},
            ]);
        }),
        "sync_bad_manifest",
        Inside::Frame(Refusal::BadManifest("a sequence number out of range")),
    );
    let many: Vec<String> = (0..10_001)
        .map(|i| format!("0191c3a0-0000-7000-8000-{i:012x}"))
        .collect();
    kit.refuse_because(
        "10,001 recipients (a manifest over 256 KiB)",
        kit.good_json(|j| j["recipients"] = json!(many)),
        "sync_too_large",
        Inside::Frame(Refusal::TooLarge),
    );
    let next = kit.next_seq();
    let huge = kit.op(
        next,
        &kit.lucia_staff,
        ("participant", &kit.mine),
        (
            OpKind::Set,
            "chosenName",
            Some(json!("R".repeat(1_100_000))),
        ),
    );
    kit.refuse_because(
        "an operation over 1 MiB",
        kit.good_with(vec![Operation {
            participant_id: Some(kit.mine.clone()),
            ..huge
        }]),
        "sync_too_large",
        Inside::Payload(Refusal::TooLarge),
    );

    // Manifests whose ranges lie, and operations that do not fit them.
    let lucia_device = kit.lucia_device.clone();
    kit.refuse_because(
        "the ranges do not add up to the count",
        kit.good_manifest(&kit.lucia_signing, |m| m.operations += 1),
        "sync_bad_manifest",
        Inside::Frame(Refusal::BadManifest(
            "the ranges do not add up to the count",
        )),
    );
    kit.refuse_because(
        "a range beyond the sender's knowledge",
        kit.good_manifest(&kit.lucia_signing, |m| {
            let range = m
                .ranges
                .iter_mut()
                .find(|r| r.device == lucia_device)
                .unwrap();
            range.last_seq += 3;
        }),
        "sync_bad_manifest",
        Inside::Frame(Refusal::BadManifest(
            "a range beyond the sender's knowledge",
        )),
    );
    kit.refuse_because(
        "a range that counts one operation fewer than it carries",
        kit.good_manifest(&kit.lucia_signing, |m| {
            let range = m
                .ranges
                .iter_mut()
                .find(|r| r.device == lucia_device)
                .unwrap();
            range.count -= 1;
            m.operations -= 1;
        }),
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation(
            "more operations than the manifest counts",
        )),
    );
    kit.refuse_because(
        "a range that counts one operation more than it carries",
        kit.good_manifest(&kit.lucia_signing, |m| {
            let range = m
                .ranges
                .iter_mut()
                .find(|r| r.device == lucia_device)
                .unwrap();
            range.count += 1;
            range.last_seq += 1;
            let known = m
                .knowledge
                .iter_mut()
                .find(|k| k.device == lucia_device)
                .unwrap();
            known.last_seq = known.last_seq.max(range.last_seq);
            m.operations += 1;
        }),
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation(
            "fewer operations than the manifest counts",
        )),
    );
    kit.refuse_because(
        "an operation outside its device's range",
        {
            let (manifest, mut operations) = kit.good_parts();
            let last = manifest
                .ranges
                .iter()
                .find(|r| r.device == kit.lucia_device)
                .unwrap()
                .last_seq;
            let op = operations
                .iter_mut()
                .find(|op| op.device_id == kit.lucia_device && op.seq == last)
                .unwrap();
            op.seq = last + 5;
            kit.seal(&signed(
                &manifest,
                &payload::encode(&operations).unwrap(),
                &kit.lucia_signing,
            ))
        },
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation(
            "an operation outside the manifest's ranges",
        )),
    );
    kit.refuse_because(
        "an operation of a device the ranges do not name",
        {
            let (manifest, mut operations) = kit.good_parts();
            let stray = uuid::Uuid::now_v7().to_string();
            operations[0].device_id = stray;
            kit.seal(&signed(
                &manifest,
                &payload::encode(&operations).unwrap(),
                &kit.lucia_signing,
            ))
        },
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation(
            "an operation outside the manifest's ranges",
        )),
    );
    kit.refuse_because(
        "an operation twice",
        {
            let (mut manifest, mut operations) = kit.good_parts();
            let twice = operations
                .iter()
                .find(|op| op.device_id == kit.lucia_device)
                .unwrap()
                .clone();
            operations.push(twice);
            // Room in the range for the copy, so that only the copy is wrong.
            let range = manifest
                .ranges
                .iter_mut()
                .find(|r| r.device == kit.lucia_device)
                .unwrap();
            range.last_seq += 1;
            range.count += 1;
            let last = range.last_seq;
            manifest
                .knowledge
                .iter_mut()
                .find(|k| k.device == kit.lucia_device)
                .unwrap()
                .last_seq = last;
            manifest.operations += 1;
            kit.seal(&signed(
                &manifest,
                &payload::encode(&operations).unwrap(),
                &kit.lucia_signing,
            ))
        },
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation("an operation twice")),
    );
    kit.refuse_because(
        "a payload that is not CBOR",
        {
            let (mut manifest, _) = kit.good_parts();
            let one = [kit.op(
                next,
                &kit.lucia_staff,
                ("participant", &kit.mine),
                (OpKind::Set, "department", Some(json!("Huila"))),
            )];
            fit(&mut manifest, &one);
            kit.seal(&signed(
                &manifest,
                b"\xff\xfe not an operation",
                &kit.lucia_signing,
            ))
        },
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation("not a well-formed operation")),
    );
    let stranger_op = |kit: &Kit, change: &dyn Fn(&mut Operation)| {
        let mut op = kit.op(
            next,
            &kit.lucia_staff,
            ("participant", &kit.mine),
            (OpKind::Set, "department", Some(json!("Huila"))),
        );
        op.participant_id = Some(kit.mine.clone());
        change(&mut op);
        kit.good_with(vec![op])
    };
    kit.refuse_because(
        "an operation on a record type the log does not know",
        stranger_op(&kit, &|op| op.record_type = "pet".into()),
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation("an unknown record type or field")),
    );
    kit.refuse_because(
        "an operation on a field the log does not know",
        stranger_op(&kit, &|op| op.field = "favoriteColor".into()),
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation("an unknown record type or field")),
    );
    kit.refuse_because(
        "a creation carrying a field the log does not know",
        stranger_op(&kit, &|op| {
            op.kind = OpKind::Create;
            op.field = String::new();
            op.value = Some(json!({"legalName": "Ana", "shoeSize": 38}));
        }),
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation("an unknown record type or field")),
    );
    kit.refuse_because(
        "an operation kind the log does not know",
        {
            // `encode` writes only known kinds: rename one in the CBOR.
            let bytes = stranger_op(&kit, &|_| {});
            let plain = open_with(&kit.receiver_key, &bytes);
            let frame = Frame::read(&plain).unwrap();
            let manifest = frame.manifest.clone();
            let mut payload = frame.payload.to_vec();
            let set = payload
                .windows(6)
                .rposition(|w| w == b"\x61k\x63set")
                .unwrap();
            payload[set + 3..set + 6].copy_from_slice(b"put");
            kit.seal(&signed(&manifest, &payload, &kit.lucia_signing))
        },
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation("an unknown kind")),
    );
    kit.refuse_because(
        "an id not in canonical form (upper case)",
        stranger_op(&kit, &|op| op.op_id = op.op_id.to_uppercase()),
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation("an id is not in canonical form")),
    );
    kit.refuse_because(
        "an operation stamped beyond the clock's range",
        stranger_op(&kit, &|op| op.hlc.wall_ms = 1 << 47),
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation(
            "a sequence number or clock out of range",
        )),
    );

    kit.refuse_because(
        "an operation whose record names another woman's file",
        stranger_op(&kit, &|op| {
            op.kind = OpKind::Create;
            op.record_type = "note".into();
            op.record_id = uuid::Uuid::now_v7().to_string();
            op.field = String::new();
            op.value = Some(
                json!({"participantId": "0191c3a0-0000-7000-8000-00000000beef",
                                   "text": "visita"}),
            );
        }),
        "sync_bad_operation",
        Inside::Payload(Refusal::BadOperation("an operation names two files")),
    );
    let held_seq: i64 = kit
        .admin
        .connection_for_tests()
        .query_row(
            "SELECT min(c.seq) FROM change_log c JOIN log_names n ON n.code = c.device
             WHERE n.name = ?1",
            [&kit.lucia_device],
            |row| row.get(0),
        )
        .unwrap();
    kit.refuse_because(
        "a sequence number this laptop holds, reused by another operation",
        {
            let (mut manifest, mut operations) = kit.good_parts();
            operations
                .retain(|op| !(op.device_id == kit.lucia_device && op.seq == held_seq as u64));
            let mut reused = kit.op(
                held_seq as u64,
                &kit.lucia_staff,
                ("participant", &kit.mine),
                (OpKind::Set, "chosenName", Some(json!("Rosa"))),
            );
            reused.participant_id = Some(kit.mine.clone());
            operations.push(reused);
            fit(&mut manifest, &operations);
            kit.seal(&signed(
                &manifest,
                &payload::encode(&operations).unwrap(),
                &kit.lucia_signing,
            ))
        },
        "sync_bad_operation",
        Inside::WellFormed,
    );

    // Authority: who wrote it, and what the sending laptop may hold.
    let nobody = uuid::Uuid::now_v7().to_string();
    kit.refuse_because(
        "an operation whose author is not on the roster",
        stranger_op(&kit, &|op| op.author_id = nobody.clone()),
        "sync_not_allowed",
        Inside::WellFormed,
    );
    let hers_not = kit.hers_not.clone();
    kit.refuse_because(
        "a caseworker's edit of a file not assigned to her",
        stranger_op(&kit, &|op| {
            op.record_id = hers_not.clone();
            op.participant_id = Some(hers_not.clone());
        }),
        "sync_not_allowed",
        Inside::WellFormed,
    );
    kit.refuse_because(
        "a note on a file not assigned to her",
        stranger_op(&kit, &|op| {
            op.kind = OpKind::Append;
            op.record_type = "note".into();
            op.record_id = uuid::Uuid::now_v7().to_string();
            op.field = String::new();
            op.value = Some(json!({"participantId": hers_not, "text": "visita"}));
            op.participant_id = Some(hers_not.clone());
        }),
        "sync_not_allowed",
        Inside::WellFormed,
    );
    let admin_staff = kit.admin_staff.clone();
    kit.refuse_because(
        "the coordinator's edit of a file her laptop may not hold, sent from it",
        stranger_op(&kit, &|op| {
            op.author_id = admin_staff.clone();
            op.record_id = hers_not.clone();
            op.participant_id = Some(hers_not.clone());
        }),
        "sync_not_allowed",
        Inside::WellFormed,
    );
    let marta_staff = kit.marta_staff.clone();
    let lucia_staff = kit.lucia_staff.clone();
    kit.refuse_because(
        "a caseworker's role change (makes a colleague coordinator)",
        stranger_op(&kit, &|op| {
            op.record_type = "staff".into();
            op.record_id = marta_staff.clone();
            op.field = "role".into();
            op.value = Some(json!("coordinator"));
            op.participant_id = None;
        }),
        "sync_not_allowed",
        Inside::WellFormed,
    );
    kit.refuse_because(
        "a caseworker who makes herself administrator",
        stranger_op(&kit, &|op| {
            op.record_type = "staff".into();
            op.record_id = lucia_staff.clone();
            op.field = "role".into();
            op.value = Some(json!("admin"));
            op.participant_id = None;
        }),
        "sync_not_allowed",
        Inside::WellFormed,
    );
    let invented = uuid::Uuid::now_v7().to_string();
    kit.refuse_because(
        "a colleague the laptop invents, who creates herself administrator",
        stranger_op(&kit, &|op| {
            op.author_id = invented.clone();
            op.record_type = "staff".into();
            op.record_id = invented.clone();
            op.kind = OpKind::Create;
            op.field = String::new();
            op.value = Some(json!({"username": "intrusa", "displayName": "Intrusa",
                                   "role": "admin", "active": true}));
            op.participant_id = None;
        }),
        "sync_not_allowed",
        Inside::WellFormed,
    );
    kit.refuse_because(
        "a caseworker who adds an administrator",
        stranger_op(&kit, &|op| {
            op.record_type = "staff".into();
            op.record_id = invented.clone();
            op.kind = OpKind::Create;
            op.field = String::new();
            op.value = Some(json!({"username": "intrusa", "displayName": "Intrusa",
                                   "role": "admin", "active": true}));
            op.participant_id = None;
        }),
        "sync_not_allowed",
        Inside::WellFormed,
    );
    kit.refuse_because(
        "a caseworker who assigns a file to herself",
        stranger_op(&kit, &|op| {
            op.record_id = hers_not.clone();
            op.participant_id = Some(hers_not.clone());
            op.field = "assignedTo".into();
            op.value = Some(json!(lucia_staff));
        }),
        "sync_not_allowed",
        Inside::WellFormed,
    );
    kit.refuse_because(
        "a caseworker who revokes a laptop",
        stranger_op(&kit, &|op| {
            op.record_type = "device".into();
            op.record_id = receiver.clone();
            op.field = "revoked".into();
            op.value = Some(json!(true));
            op.participant_id = None;
        }),
        "sync_not_allowed",
        Inside::WellFormed,
    );

    // The good file is good; once her laptop is revoked, its files are refused, old and new.
    let path = kit.work.path().join("good.sync");
    let report = kit.admin.sync_import(std::slice::from_ref(&path)).unwrap();
    assert!(report.applied >= 1, "{report:?}");
    assert_eq!(
        kit.admin.load_for_tests(&kit.mine).department.as_deref(),
        Some("Caldas")
    );
    kit.admin
        .device_revoke(&lucia_device, &secret(ADMIN_PASSWORD))
        .unwrap();
    kit.refuse_because(
        "a file replayed after its laptop was revoked",
        kit.good.clone(),
        "sync_device_revoked",
        Inside::WellFormed,
    );
    kit.refuse(
        "her first file replayed after revocation",
        kit.first.clone(),
        "sync_device_revoked",
    );
    let mut lucia =
        acompana::opening::unlock(&kit.lucia_paths, LUCIA, &secret(LUCIA_PASSWORD)).unwrap();
    lucia
        .participant_set(&kit.mine, ParticipantField::ChosenName, Some("Rosa María"))
        .unwrap();
    let late = export(
        &mut lucia,
        &kit.receiver,
        &kit.work.path().join("late.sync"),
    );
    lucia.lock(LockReason::Manual).unwrap();
    kit.refuse_because(
        "a new file from the revoked laptop",
        late,
        "sync_device_revoked",
        Inside::WellFormed,
    );

    let cases = std::mem::take(&mut kit.cases);
    eprintln!("{} refused files:", cases.len());
    for (what, code) in &cases {
        eprintln!("  {code:<26} {what}");
    }
    eprintln!("in {:.1?}", started.elapsed());
    assert!(kit.wrong.is_empty(), "{:#?}", kit.wrong);
    assert!(cases.len() >= 30);
    let codes: std::collections::BTreeSet<_> = cases.iter().map(|(_, c)| *c).collect();
    assert!(codes.len() >= 13, "{codes:?}");
    let admin = kit.admin;
    admin.lock(LockReason::Manual).unwrap();
}

/// One change to a frame's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    /// XOR a byte with a non-zero mask.
    Flip(prop::sample::Index, u8),
    /// Keep only the first bytes.
    Truncate(prop::sample::Index),
    /// Insert bytes before one.
    Insert(prop::sample::Index, Vec<u8>),
    /// Remove up to 8 bytes.
    Remove(prop::sample::Index, usize),
}

impl Mutation {
    fn apply(&self, bytes: &mut Vec<u8>, region: std::ops::Range<usize>) {
        let at = |index: &prop::sample::Index| region.start + index.index(region.len());
        match self {
            Mutation::Flip(index, mask) => bytes[at(index)] ^= mask,
            Mutation::Truncate(index) => bytes.truncate(at(index)),
            Mutation::Insert(index, extra) => {
                let at = at(index);
                bytes.splice(at..at, extra.iter().copied());
            }
            Mutation::Remove(index, len) => {
                let at = at(index);
                let end = (at + len).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<prop::sample::Index>(), 1..=u8::MAX).prop_map(|(i, m)| Mutation::Flip(i, m)),
        1 => any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        2 => (any::<prop::sample::Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => (any::<prop::sample::Index>(), 1..8usize).prop_map(|(i, n)| Mutation::Remove(i, n)),
    ]
}

#[test]
fn mutated_frames_sealed_to_the_receiver_are_refused_and_change_nothing() {
    let started = std::time::Instant::now();
    let kit = RefCell::new(Kit::new());
    let (plain, payload_at) = {
        let kit = kit.borrow();
        (kit.good_plain.clone(), kit.payload_at())
    };
    let codes: RefCell<BTreeMap<&'static str, u32>> = RefCell::new(BTreeMap::new());
    let mut runner = TestRunner::new(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    });
    // Mostly the magic, length, manifest and signature (where a change could mean something);
    // some in the payload, which the manifest's hash covers.
    let strategy = (
        prop::collection::vec(mutation(), 1..4),
        prop::bool::weighted(0.75),
    );
    runner
        .run(&strategy, |(mutations, in_head)| {
            let mut bytes = plain.clone();
            for mutation in &mutations {
                if bytes.is_empty() {
                    break;
                }
                let region = if in_head {
                    0..payload_at.min(bytes.len())
                } else {
                    payload_at.min(bytes.len() - 1)..bytes.len()
                };
                mutation.apply(&mut bytes, region);
            }
            let mut kit = kit.borrow_mut();
            let sealed = kit.seal(&bytes);
            match kit.try_import(&sealed) {
                Ok(code) => {
                    *codes.borrow_mut().entry(code).or_default() += 1;
                    Ok(())
                }
                // Accepted only if the mutations left the frame as it was signed.
                Err(other) => {
                    let same = Frame::read(&bytes).is_ok_and(|frame| {
                        let good = Frame::read(&plain).unwrap();
                        frame.manifest_bytes == good.manifest_bytes
                            && frame.signature == good.signature
                            && frame.payload == good.payload
                    });
                    if same {
                        Ok(())
                    } else {
                        Err(TestCaseError::fail(format!(
                            "{mutations:?} was not refused: {other}"
                        )))
                    }
                }
            }
        })
        .unwrap();
    eprintln!(
        "mutated frames, refusals by code: {:?} in {:.1?}",
        codes.borrow(),
        started.elapsed()
    );
    let total: u32 = codes.borrow().values().sum();
    assert_eq!(total, 256);
    kit.into_inner().admin.lock(LockReason::Manual).unwrap();
}

/// Seeds for the fuzz targets (`fuzz/`): real frames, manifests and files of this kit,
/// written under `$ACOMPANA_FUZZ_SEEDS/<target>/` (e.g. `fuzz/corpus`). Run on demand:
/// `ACOMPANA_FUZZ_SEEDS=$PWD/fuzz/corpus cargo test --test sync_refusals -- --ignored`.
#[test]
#[ignore = "writes fuzzing seeds when asked to"]
fn fuzz_seeds() {
    let Some(root) = std::env::var_os("ACOMPANA_FUZZ_SEEDS").map(PathBuf::from) else {
        return;
    };
    let kit = Kit::new();
    let write = |target: &str, name: &str, bytes: &[u8]| {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    };
    let next = kit.next_seq();
    let with = |change: &dyn Fn(&mut Operation)| {
        let mut op = kit.op(
            next,
            &kit.lucia_staff,
            ("participant", &kit.mine),
            (OpKind::Set, "department", Some(json!("Huila"))),
        );
        op.participant_id = Some(kit.mine.clone());
        change(&mut op);
        open_with(&kit.receiver_key, &kit.good_with(vec![op]))
    };
    let join_plain =
        acompana::sync::container::open_with_passphrase(&kit.marta_join, &kit.marta_passphrase)
            .unwrap();
    let frames = [
        ("good", kit.good_plain.clone()),
        ("first", open_with(&kit.receiver_key, &kit.first)),
        ("join", join_plain),
        ("set", with(&|_| {})),
        (
            "note",
            with(&|op| {
                op.kind = OpKind::Append;
                op.record_type = "note".into();
                op.record_id = uuid::Uuid::now_v7().to_string();
                op.field = String::new();
                op.value = Some(json!({"participantId": kit.mine, "text": "visita"}));
                op.based_on = vec![uuid::Uuid::now_v7().to_string()];
            }),
        ),
        (
            "delete",
            with(&|op| {
                op.kind = OpKind::Delete;
                op.field = String::new();
                op.value = None;
            }),
        ),
    ];
    for (name, plain) in &frames {
        let frame = Frame::read(plain).unwrap();
        write("sync_frame", name, plain);
        write("sync_payload", name, plain);
        write("sync_manifest", name, frame.manifest_bytes);
    }
    for (name, file) in [
        ("good", &kit.good),
        ("first", &kit.first),
        ("join", &kit.marta_join),
        ("own", &kit.own_to_lucia),
    ] {
        write("sync_container", name, file);
    }
    kit.admin.lock(LockReason::Manual).unwrap();
}
