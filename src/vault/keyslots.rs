//! The key-slot file: the vault's master key wrapped once per member of staff and once for
//! the recovery code (the LUKS pattern). It sits beside the database in plain JSON, holds no
//! names, and is parsed strictly: any unexpected field, length or bound is a typed error.
//!
//! Each slot is `XChaCha20-Poly1305(KEK, master key)` where `KEK = Argon2id(password, salt,
//! params)`. The associated data binds the vault id, the slot's kind and label, the salt and
//! the Argon2id parameters, so that editing the parameters or moving a slot between people or
//! vaults makes it fail to open. The whole file also carries an HMAC under a key derived from
//! the master key, checked after unlocking, so that slots added, removed or altered by anyone
//! without the master key are detected.
//!
//! Format 2 (this version writes it) lets the vault be re-keyed without anyone's password:
//! a staff or recovery slot wraps a slot key pair's X25519 secret (not the master key), and
//! the master key is sealed to the slot's public key. Re-keying seals a new master key to
//! every slot that remains, drops the slots that go, and makes a new recovery slot; an old
//! copy of the file, with any password or code it once held, then unwraps only the old
//! master key, which opens nothing. The file also carries its generation (bumped on every
//! write, and recorded in the database, so that an older file or an older database is
//! refused) and the audit chain's head as it was when the file was written. Slots written
//! by format 1 (the master key wrapped directly) are still read; each is converted at its
//! owner's next sign-in, and a re-key drops the ones left (an administrator then resets
//! that colleague's password).

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use x25519_dalek::{PublicKey, StaticSecret};

use crate::crypto::{self, KdfParams, SecretKey, KEY_LEN, NONCE_LEN, SALT_LEN, TAG_LEN};
use crate::error::{Error, Result};

/// The key-slot file format this version writes and reads.
pub const KEYSLOT_FORMAT: u32 = 2;
/// The oldest key-slot file format still read (and rewritten as the current one).
pub const OLDEST_KEYSLOT_FORMAT: u32 = 1;
/// A key-slot file larger than this is refused before parsing.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// At most this many slots (staff plus recovery).
pub const MAX_SLOTS: usize = 2000;

const LABEL_DOMAIN: &str = "acompana/keyslot-label/v1";
const AD_DOMAIN: &str = "acompana/keyslot/v1";
const MAC_DOMAIN: &str = "acompana/keyslot-file-mac/v1";
const SEAL_DOMAIN: &str = "acompana/keyslot-seal/v2";
/// A sealed master key: the ephemeral X25519 public key, the nonce, the key and its tag.
pub const SEALED_LEN: usize = 32 + NONCE_LEN + KEY_LEN + TAG_LEN;

/// Whose slot it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotKind {
    /// A member of staff's password.
    Staff,
    /// The printed recovery code.
    Recovery,
}

/// Fixed-size bytes stored as lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HexBytes<const N: usize>(pub [u8; N]);

impl<const N: usize> std::fmt::Debug for HexBytes<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl<const N: usize> Serialize for HexBytes<N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(self.0))
    }
}

impl<'de, const N: usize> Deserialize<'de> for HexBytes<N> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        if text.len() != 2 * N || text.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(serde::de::Error::custom("hex field of the wrong length"));
        }
        let mut bytes = [0u8; N];
        hex::decode_to_slice(text.as_bytes(), &mut bytes)
            .map_err(|_| serde::de::Error::custom("invalid hex"))?;
        Ok(HexBytes(bytes))
    }
}

/// One wrapped copy of the master key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySlot {
    /// Opaque label: a salted hash of the username, or of the word "recovery".
    pub label: HexBytes<32>,
    pub kind: SlotKind,
    pub kdf: KdfParams,
    pub salt: HexBytes<SALT_LEN>,
    pub nonce: HexBytes<NONCE_LEN>,
    /// Format 2: the slot's X25519 secret sealed with its Poly1305 tag; a format-1 slot:
    /// the master key itself.
    pub wrapped: HexBytes<{ KEY_LEN + TAG_LEN }>,
    /// Format 2: the slot's X25519 public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<HexBytes<32>>,
    /// Format 2: the master key sealed to `public`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sealed: Option<HexBytes<SEALED_LEN>>,
}

/// The audit chain's last entry when the key-slot file was written: unlocking finds it in
/// the database, with an unbroken chain after it, or refuses the database as rolled back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditAnchor {
    pub seq: i64,
    pub hash: HexBytes<32>,
}

/// The content covered by the file MAC, in the order it is serialized.
#[derive(Serialize)]
struct MacCovered<'a> {
    format: u32,
    vault_id: &'a Uuid,
    lookup_salt: &'a HexBytes<16>,
    slots: &'a [KeySlot],
    #[serde(skip_serializing_if = "Option::is_none")]
    generation: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    audit_anchor: Option<&'a AuditAnchor>,
}

/// The whole key-slot file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySlotFile {
    pub format: u32,
    pub vault_id: Uuid,
    /// Salt for the slot labels, so that labels differ between vaults.
    pub lookup_salt: HexBytes<16>,
    pub slots: Vec<KeySlot>,
    /// Format 2: how many times the file was written; the database records it too.
    #[serde(default)]
    pub generation: u64,
    /// Format 2: the audit chain's head when the file was written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_anchor: Option<AuditAnchor>,
    /// HMAC-SHA-256 over the fields above, under a key derived from the master key.
    pub mac: HexBytes<32>,
}

impl KeySlotFile {
    /// A new file for a new vault, with no slots yet.
    pub fn new(vault_id: Uuid) -> Self {
        KeySlotFile {
            format: KEYSLOT_FORMAT,
            vault_id,
            lookup_salt: HexBytes(crypto::random_array()),
            slots: Vec::new(),
            generation: 0,
            audit_anchor: None,
            mac: HexBytes([0; 32]),
        }
    }

    /// Parses and validates the file's bytes; changes nothing.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(Error::VaultCorrupt("the key-slot file is too large"));
        }
        // Read the format first so that a newer file is refused as newer, not as damaged.
        #[derive(Deserialize)]
        struct FormatOnly {
            format: u32,
        }
        let format = serde_json::from_slice::<FormatOnly>(bytes)
            .map_err(|_| Error::VaultCorrupt("the key-slot file is not readable"))?
            .format;
        if format > KEYSLOT_FORMAT {
            return Err(Error::VaultTooNew {
                found: format,
                supported: KEYSLOT_FORMAT,
            });
        }
        if format < OLDEST_KEYSLOT_FORMAT {
            return Err(Error::VaultCorrupt("unknown key-slot file format"));
        }
        let file: KeySlotFile = serde_json::from_slice(bytes)
            .map_err(|_| Error::VaultCorrupt("the key-slot file is not readable"))?;
        if format == 1
            && (file.generation != 0
                || file.audit_anchor.is_some()
                || file.slots.iter().any(|slot| slot.public.is_some()))
        {
            return Err(Error::VaultCorrupt(
                "a format-1 key-slot file with newer fields",
            ));
        }
        if format >= 2 && (file.generation == 0 || file.audit_anchor.is_none()) {
            return Err(Error::VaultCorrupt("the key-slot file has no generation"));
        }
        if file
            .audit_anchor
            .as_ref()
            .is_some_and(|anchor| anchor.seq < 1)
        {
            return Err(Error::VaultCorrupt(
                "the key-slot file's audit anchor is invalid",
            ));
        }
        if file.slots.is_empty() || file.slots.len() > MAX_SLOTS {
            return Err(Error::VaultCorrupt(
                "the key-slot file has no slots or too many",
            ));
        }
        let mut labels = std::collections::HashSet::new();
        for slot in &file.slots {
            slot.kdf.check()?;
            if slot.public.is_some() != slot.sealed.is_some() {
                return Err(Error::VaultCorrupt("a key slot is half converted"));
            }
            if !labels.insert(slot.label.0) {
                return Err(Error::VaultCorrupt("two key slots share a label"));
            }
        }
        if file
            .slots
            .iter()
            .filter(|s| s.kind == SlotKind::Recovery)
            .count()
            != 1
        {
            return Err(Error::VaultCorrupt(
                "the key-slot file must have one recovery slot",
            ));
        }
        Ok(file)
    }

    /// The file's bytes, in the current format, with a fresh MAC under `master`. Callers
    /// set the generation and the audit anchor first (see `Vault::next_slots`).
    pub fn to_bytes(&mut self, master: &SecretKey) -> Vec<u8> {
        self.format = KEYSLOT_FORMAT;
        self.mac = HexBytes(self.compute_mac(master));
        let mut bytes = serde_json::to_vec_pretty(self).expect("key slots always serialize");
        bytes.push(b'\n');
        bytes
    }

    fn compute_mac(&self, master: &SecretKey) -> [u8; 32] {
        let covered = MacCovered {
            format: self.format,
            vault_id: &self.vault_id,
            lookup_salt: &self.lookup_salt,
            slots: &self.slots,
            generation: (self.format >= 2).then_some(self.generation),
            audit_anchor: self.audit_anchor.as_ref().filter(|_| self.format >= 2),
        };
        let message = serde_json::to_vec(&covered).expect("key slots always serialize");
        let mac_key = master.derive(MAC_DOMAIN);
        crypto::hmac_sha256(mac_key.expose(), &message)
    }

    /// Checks the file MAC once the master key is known.
    pub fn verify_mac(&self, master: &SecretKey) -> Result<()> {
        if crypto::macs_equal(&self.compute_mac(master), &self.mac.0) {
            Ok(())
        } else {
            Err(Error::VaultCorrupt("the key-slot file was altered"))
        }
    }

    /// The opaque label of a member of staff's slot.
    pub fn staff_label(&self, username: &str) -> [u8; 32] {
        crypto::sha256_parts(&[
            LABEL_DOMAIN.as_bytes(),
            &self.lookup_salt.0,
            b"staff",
            username.as_bytes(),
        ])
    }

    /// The label of the recovery slot.
    pub fn recovery_label(&self) -> [u8; 32] {
        crypto::sha256_parts(&[LABEL_DOMAIN.as_bytes(), &self.lookup_salt.0, b"recovery"])
    }

    /// The slot with this label.
    pub fn find(&self, label: &[u8; 32]) -> Option<&KeySlot> {
        self.slots.iter().find(|slot| &slot.label.0 == label)
    }

    /// Adds or replaces the slot with this label: a new slot key pair whose secret is
    /// wrapped under `secret` (a password or the recovery code) and to which `master` is
    /// sealed.
    pub fn put(
        &mut self,
        kind: SlotKind,
        label: [u8; 32],
        secret: &[u8],
        params: KdfParams,
        master: &SecretKey,
    ) -> Result<()> {
        let salt = crypto::random_array::<SALT_LEN>();
        let nonce = crypto::random_array::<NONCE_LEN>();
        let kek = crypto::derive_key(secret, &salt, params)?;
        let ad = associated_data(&self.vault_id, kind, &label, &salt, params);
        let slot_secret = StaticSecret::from(crypto::random_array::<KEY_LEN>());
        let public = PublicKey::from(&slot_secret);
        let sealed = crypto::seal(&kek, &nonce, slot_secret.as_bytes(), &ad);
        let wrapped: [u8; KEY_LEN + TAG_LEN] = sealed
            .as_slice()
            .try_into()
            .map_err(|_| Error::Internal("unexpected sealed length".into()))?;
        let mut slot = KeySlot {
            label: HexBytes(label),
            kind,
            kdf: params,
            salt: HexBytes(salt),
            nonce: HexBytes(nonce),
            wrapped: HexBytes(wrapped),
            public: Some(HexBytes(public.to_bytes())),
            sealed: None,
        };
        slot.seal_master(&self.vault_id, master)?;
        match self.slots.iter_mut().find(|s| s.label.0 == label) {
            Some(existing) => *existing = slot,
            None => self.slots.push(slot),
        }
        Ok(())
    }

    /// The same slots for a new master key: every format-2 slot gets `master` sealed to its
    /// public key; format-1 slots, which only their owner's password can convert, and the
    /// slots labelled in `drop`, are left out. The recovery slot is left out too: the caller
    /// puts a new one, under a new code. Returns the labels of the format-1 slots dropped.
    pub fn rekeyed(&self, master: &SecretKey, drop: &[[u8; 32]]) -> Result<(Self, Vec<[u8; 32]>)> {
        let mut file = self.clone();
        let mut unconverted = Vec::new();
        file.slots.clear();
        for slot in &self.slots {
            if slot.kind == SlotKind::Recovery || drop.contains(&slot.label.0) {
                continue;
            }
            if slot.public.is_none() {
                unconverted.push(slot.label.0);
                continue;
            }
            let mut slot = slot.clone();
            slot.seal_master(&self.vault_id, master)?;
            file.slots.push(slot);
        }
        Ok((file, unconverted))
    }

    /// Removes the slot with this label; true if there was one.
    pub fn remove(&mut self, label: &[u8; 32]) -> bool {
        let before = self.slots.len();
        self.slots.retain(|slot| &slot.label.0 != label);
        self.slots.len() != before
    }

    /// Parameters to use when a new slot is written: those of the recovery slot, chosen when
    /// the vault was created on this organization's hardware.
    pub fn default_params(&self) -> KdfParams {
        self.slots
            .iter()
            .find(|s| s.kind == SlotKind::Recovery)
            .map(|s| s.kdf)
            .unwrap_or(KdfParams::MINIMUM)
    }
}

impl KeySlot {
    /// Unwraps the master key with `secret`; `None` if the secret is wrong or the slot was
    /// altered (the two cannot be told apart, by design).
    pub fn unwrap_key(&self, vault_id: &Uuid, secret: &[u8]) -> Result<Option<SecretKey>> {
        let kek = crypto::derive_key(secret, &self.salt.0, self.kdf)?;
        let ad = associated_data(vault_id, self.kind, &self.label.0, &self.salt.0, self.kdf);
        let Some(opened) = crypto::open(&kek, &self.nonce.0, &self.wrapped.0, &ad) else {
            return Ok(None);
        };
        let (Some(public), Some(sealed)) = (&self.public, &self.sealed) else {
            // A format-1 slot wraps the master key itself.
            return Ok(Some(SecretKey::from_slice(&opened)?));
        };
        let bytes: [u8; KEY_LEN] = opened
            .as_slice()
            .try_into()
            .map_err(|_| Error::VaultCorrupt("a key slot is damaged"))?;
        let slot_secret = StaticSecret::from(bytes);
        if PublicKey::from(&slot_secret).as_bytes() != &public.0 {
            return Ok(None);
        }
        Ok(open_sealed(
            vault_id,
            &self.label.0,
            &slot_secret,
            public,
            sealed,
        ))
    }

    /// Whether the slot was written by format 1 (the master key wrapped directly).
    pub fn is_format_1(&self) -> bool {
        self.public.is_none()
    }

    /// Seals `master` to the slot's public key, with a fresh ephemeral key.
    fn seal_master(&mut self, vault_id: &Uuid, master: &SecretKey) -> Result<()> {
        let public = self
            .public
            .as_ref()
            .ok_or_else(|| Error::Internal("sealing to a format-1 slot".into()))?;
        let ephemeral = StaticSecret::from(crypto::random_array::<KEY_LEN>());
        let ephemeral_public = PublicKey::from(&ephemeral);
        let shared = ephemeral.diffie_hellman(&PublicKey::from(public.0));
        if !shared.was_contributory() {
            return Err(Error::VaultCorrupt("a key slot's public key is invalid"));
        }
        let key = seal_key(
            vault_id,
            &self.label.0,
            shared.as_bytes(),
            ephemeral_public.as_bytes(),
            &public.0,
        );
        let nonce = crypto::random_array::<NONCE_LEN>();
        let ciphertext = crypto::seal(&key, &nonce, master.expose(), SEAL_DOMAIN.as_bytes());
        let mut sealed = [0u8; SEALED_LEN];
        sealed[..32].copy_from_slice(ephemeral_public.as_bytes());
        sealed[32..32 + NONCE_LEN].copy_from_slice(&nonce);
        sealed[32 + NONCE_LEN..].copy_from_slice(&ciphertext);
        self.sealed = Some(HexBytes(sealed));
        Ok(())
    }
}

fn seal_key(
    vault_id: &Uuid,
    label: &[u8; 32],
    shared: &[u8; 32],
    ephemeral_public: &[u8; 32],
    public: &[u8; 32],
) -> SecretKey {
    let digest = zeroize::Zeroizing::new(crypto::sha256_parts(&[
        SEAL_DOMAIN.as_bytes(),
        vault_id.as_bytes(),
        label,
        shared,
        ephemeral_public,
        public,
    ]));
    SecretKey::from_slice(digest.as_slice()).expect("a digest is a key's length")
}

fn open_sealed(
    vault_id: &Uuid,
    label: &[u8; 32],
    slot_secret: &StaticSecret,
    public: &HexBytes<32>,
    sealed: &HexBytes<SEALED_LEN>,
) -> Option<SecretKey> {
    let ephemeral_public: [u8; 32] = sealed.0[..32].try_into().ok()?;
    let nonce: [u8; NONCE_LEN] = sealed.0[32..32 + NONCE_LEN].try_into().ok()?;
    let shared = slot_secret.diffie_hellman(&PublicKey::from(ephemeral_public));
    if !shared.was_contributory() {
        return None;
    }
    let key = seal_key(
        vault_id,
        label,
        shared.as_bytes(),
        &ephemeral_public,
        &public.0,
    );
    let master = crypto::open(
        &key,
        &nonce,
        &sealed.0[32 + NONCE_LEN..],
        SEAL_DOMAIN.as_bytes(),
    )?;
    SecretKey::from_slice(&master).ok()
}

/// Spends the same effort as a real unwrap, for unknown usernames, so that the answer to a
/// wrong username takes as long as the answer to a wrong password.
pub fn spend_equal_effort(secret: &[u8], params: KdfParams) {
    let salt = crypto::random_array::<SALT_LEN>();
    let _ = crypto::derive_key(secret, &salt, params);
}

fn associated_data(
    vault_id: &Uuid,
    kind: SlotKind,
    label: &[u8; 32],
    salt: &[u8; SALT_LEN],
    params: KdfParams,
) -> Vec<u8> {
    let kind_name: &[u8] = match kind {
        SlotKind::Staff => b"staff",
        SlotKind::Recovery => b"recovery",
    };
    let mut ad = Vec::with_capacity(160);
    for part in [
        AD_DOMAIN.as_bytes(),
        vault_id.as_bytes().as_slice(),
        kind_name,
        label.as_slice(),
        salt.as_slice(),
        b"argon2id-v19",
        &params.memory_kib.to_be_bytes(),
        &params.iterations.to_be_bytes(),
        &params.parallelism.to_be_bytes(),
    ] {
        ad.extend_from_slice(&(part.len() as u32).to_be_bytes());
        ad.extend_from_slice(part);
    }
    ad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (KeySlotFile, SecretKey) {
        let master = SecretKey::generate();
        let mut file = KeySlotFile::new(Uuid::new_v4());
        let label = file.recovery_label();
        file.put(
            SlotKind::Recovery,
            label,
            b"code",
            KdfParams::MINIMUM,
            &master,
        )
        .unwrap();
        let label = file.staff_label("ana");
        file.put(
            SlotKind::Staff,
            label,
            b"password one",
            KdfParams::MINIMUM,
            &master,
        )
        .unwrap();
        file.generation = 1;
        file.audit_anchor = Some(AuditAnchor {
            seq: 3,
            hash: HexBytes([7; 32]),
        });
        (file, master)
    }

    #[test]
    fn round_trip_and_unwrap() {
        let (mut file, master) = sample();
        let bytes = file.to_bytes(&master);
        let parsed = KeySlotFile::parse(&bytes).unwrap();
        parsed.verify_mac(&master).unwrap();
        let slot = parsed.find(&parsed.staff_label("ana")).unwrap();
        let unwrapped = slot
            .unwrap_key(&parsed.vault_id, b"password one")
            .unwrap()
            .unwrap();
        assert_eq!(unwrapped.expose(), master.expose());
        assert!(slot
            .unwrap_key(&parsed.vault_id, b"password two")
            .unwrap()
            .is_none());
        // No username in the file.
        assert!(!String::from_utf8_lossy(&bytes).contains("ana"));
    }

    #[test]
    fn edited_parameters_fail_authentication() {
        let (file, _) = sample();
        let mut slot = file.find(&file.staff_label("ana")).unwrap().clone();
        slot.kdf.iterations += 1;
        assert!(slot
            .unwrap_key(&file.vault_id, b"password one")
            .unwrap()
            .is_none());
    }

    #[test]
    fn slot_moved_to_another_label_fails() {
        let (file, _) = sample();
        let mut slot = file.find(&file.staff_label("ana")).unwrap().clone();
        slot.label = HexBytes(file.staff_label("bea"));
        assert!(slot
            .unwrap_key(&file.vault_id, b"password one")
            .unwrap()
            .is_none());
    }

    #[test]
    fn parser_rejects_bad_input() {
        let (mut file, master) = sample();
        let good = String::from_utf8(file.to_bytes(&master)).unwrap();
        let cases = [
            String::new(),
            "{}".to_string(),
            "null".to_string(),
            good.replacen("\"format\": 2", "\"format\": 0", 1),
            good.replacen("\"format\": 2", "\"format\": 1", 1),
            good.replacen("\"generation\": 1", "\"generation\": 0", 1),
            good.replacen("\"seq\": 3", "\"seq\": 0", 1),
            good.replacen("\"sealed\": \"", "\"sealed\": \"00", 1),
            good.replacen("\"public\"", "\"publicx\"", 1),
            good.replacen("\"slots\": [", "\"extra\": 1, \"slots\": [", 1),
            good.replacen("\"memory_kib\": 65536", "\"memory_kib\": 4294967295", 1),
            good.replacen("\"memory_kib\": 65536", "\"memory_kib\": 8", 1),
            good.replacen("\"kind\": \"recovery\"", "\"kind\": \"staff\"", 1),
            good[..good.len() / 2].to_string(),
            good.replacen("\"nonce\": \"", "\"nonce\": \"00", 1),
        ];
        for case in cases {
            let result = KeySlotFile::parse(case.as_bytes());
            assert!(
                matches!(result, Err(Error::VaultCorrupt(_))),
                "accepted or wrong error for {case:.80}: {result:?}"
            );
        }
        let newer = good.replacen("\"format\": 2", "\"format\": 7", 1);
        assert!(matches!(
            KeySlotFile::parse(newer.as_bytes()),
            Err(Error::VaultTooNew { found: 7, .. })
        ));
        let huge = vec![b' '; (MAX_FILE_BYTES + 1) as usize];
        assert!(matches!(
            KeySlotFile::parse(&huge),
            Err(Error::VaultCorrupt(_))
        ));
    }

    #[test]
    fn a_rekeyed_file_opens_the_new_key_and_an_old_copy_only_the_old_one() {
        let (file, old_master) = sample();
        let new_master = SecretKey::generate();
        let (mut rekeyed, unconverted) = file.rekeyed(&new_master, &[]).unwrap();
        assert!(unconverted.is_empty());
        assert!(rekeyed.find(&rekeyed.recovery_label()).is_none());
        let label = rekeyed.recovery_label();
        rekeyed
            .put(
                SlotKind::Recovery,
                label,
                b"new code",
                KdfParams::MINIMUM,
                &new_master,
            )
            .unwrap();
        let ana = rekeyed.find(&rekeyed.staff_label("ana")).unwrap();
        let opened = ana
            .unwrap_key(&rekeyed.vault_id, b"password one")
            .unwrap()
            .unwrap();
        assert_eq!(opened.expose(), new_master.expose());
        // The old file, with the old code, still gives only the old key.
        let old = file.find(&file.recovery_label()).unwrap();
        let opened = old.unwrap_key(&file.vault_id, b"code").unwrap().unwrap();
        assert_eq!(opened.expose(), old_master.expose());
        assert_ne!(opened.expose(), new_master.expose());
        // A dropped slot is gone.
        let (dropped, _) = file
            .rekeyed(&new_master, &[file.staff_label("ana")])
            .unwrap();
        assert!(dropped.find(&dropped.staff_label("ana")).is_none());
    }

    #[test]
    fn format_1_slots_open_and_are_left_out_of_a_rekey() {
        let master = SecretKey::generate();
        let mut file = KeySlotFile::new(Uuid::new_v4());
        let label = file.staff_label("bea");
        let salt = [9u8; SALT_LEN];
        let nonce = [8u8; NONCE_LEN];
        let kek = crypto::derive_key(b"old password", &salt, KdfParams::MINIMUM).unwrap();
        let ad = associated_data(
            &file.vault_id,
            SlotKind::Staff,
            &label,
            &salt,
            KdfParams::MINIMUM,
        );
        let wrapped = crypto::seal(&kek, &nonce, master.expose(), &ad);
        file.slots.push(KeySlot {
            label: HexBytes(label),
            kind: SlotKind::Staff,
            kdf: KdfParams::MINIMUM,
            salt: HexBytes(salt),
            nonce: HexBytes(nonce),
            wrapped: HexBytes(wrapped.try_into().unwrap()),
            public: None,
            sealed: None,
        });
        let slot = file.find(&label).unwrap();
        assert!(slot.is_format_1());
        let opened = slot
            .unwrap_key(&file.vault_id, b"old password")
            .unwrap()
            .unwrap();
        assert_eq!(opened.expose(), master.expose());
        let (rekeyed, unconverted) = file.rekeyed(&SecretKey::generate(), &[]).unwrap();
        assert_eq!(unconverted, vec![label]);
        assert!(rekeyed.slots.is_empty());
    }

    #[test]
    fn mac_detects_removed_slot() {
        let (mut file, master) = sample();
        let bytes = file.to_bytes(&master);
        let mut parsed = KeySlotFile::parse(&bytes).unwrap();
        let label = parsed.staff_label("ana");
        parsed.remove(&label);
        assert!(parsed.verify_mac(&master).is_err());
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn valid_file() -> Vec<u8> {
        let master = SecretKey::generate();
        let mut file = KeySlotFile::new(Uuid::nil());
        // Slots with made-up wrapped keys: the parser never derives, so no Argon2 cost here.
        for (index, kind) in [SlotKind::Recovery, SlotKind::Staff, SlotKind::Staff]
            .into_iter()
            .enumerate()
        {
            file.slots.push(KeySlot {
                label: HexBytes([index as u8; 32]),
                kind,
                kdf: KdfParams::MINIMUM,
                salt: HexBytes([1; SALT_LEN]),
                nonce: HexBytes([2; NONCE_LEN]),
                wrapped: HexBytes([3; KEY_LEN + TAG_LEN]),
                public: Some(HexBytes([4; 32])),
                sealed: Some(HexBytes([5; SEALED_LEN])),
            });
        }
        file.generation = 9;
        file.audit_anchor = Some(AuditAnchor {
            seq: 4,
            hash: HexBytes([6; 32]),
        });
        file.to_bytes(&master)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Any mutation of a valid file parses to a file or a typed error; it never panics.
        #[test]
        fn mutated_files_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8)
        ) {
            let mut bytes = valid_file();
            for (index, byte, kind) in edits {
                if bytes.is_empty() { break; }
                let at = index.index(bytes.len());
                match kind {
                    0 => bytes[at] = byte,
                    1 => { bytes.remove(at); }
                    _ => bytes.insert(at, byte),
                }
            }
            match KeySlotFile::parse(&bytes) {
                Ok(file) => {
                    for slot in &file.slots {
                        prop_assert!(slot.kdf.check().is_ok());
                    }
                }
                Err(Error::VaultCorrupt(_)) | Err(Error::VaultTooNew { .. }) => {}
                Err(other) => prop_assert!(false, "unexpected error {other:?}"),
            }
        }

        /// Arbitrary bytes are refused with a typed error.
        #[test]
        fn arbitrary_bytes_are_refused(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
            prop_assert!(KeySlotFile::parse(&bytes).is_err());
        }
    }
}
