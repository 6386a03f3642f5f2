//! Encrypted backups of the whole vault, and restoring one into an empty data folder.
//!
//! A backup is one age file encrypted to a passphrase chosen when it is made (scrypt). Inside
//! (format 1, see `docs/backup.md`): a magic line, a length-prefixed JSON header, the
//! database as SQLCipher keeps it on disk (a consistent copy made while the vault is open,
//! still encrypted under the vault's master key, with the laptop's sync identity inside it),
//! then the key-slot file. The header carries each part's length and SHA-256. Nothing in a
//! backup is ever plaintext on disk: the database copy is encrypted by SQLCipher, and the
//! whole file again by age. Opening the restored vault still needs a password or the
//! recovery code that was valid when the backup was made.
//!
//! A restore reads and checks the whole file (age's authentication, every part's length and
//! digest, the key-slot file's strict parser) before anything is put in place, writes the
//! parts beside where they go, and renames them in the same order as a re-key, so that a
//! crash leaves either no vault or the whole restored one.

use std::fs;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use age::secrecy::SecretString as AgeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::vault::keyslots::KeySlotFile;
use crate::vault::{self, restrict_permissions, Vault, VaultPaths};

pub mod schedule;

/// The backup format this version writes and reads.
pub const BACKUP_FORMAT: u32 = 1;
const MAGIC: &[u8; 16] = b"ACOMPANA-BACKUP\n";
const MAX_HEADER: u32 = 64 * 1024;
/// The largest database a backup may carry (SQLite's own practical limit here).
const MAX_DB_BYTES: u64 = 256 * 1024 * 1024 * 1024;
/// The file written beside the restored vault: the next unlock gives the laptop a new device
/// id, so that nothing it writes reuses sequence numbers its other self already sent.
pub(crate) const RESTORED_MARKER: &str = "restored";

/// A part of the backup, as its header lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub name: String,
    pub len: u64,
    pub sha256: String,
}

/// The backup's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: u32,
    pub vault_id: String,
    pub created_at: String,
    pub app_version: String,
    pub schema_version: u32,
    pub parts: Vec<Part>,
}

/// What `backup verify` and a restore report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BackupInfo {
    pub vault_id: String,
    pub created_at: String,
    pub app_version: String,
    pub schema_version: u32,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub database_bytes: u64,
}

fn refused(reason: &'static str) -> Error {
    Error::BackupRefused(reason)
}

/// The name a backup is offered under: `acompana-copia-YYYY-MM-DD.age`, today's date.
pub fn suggested_file_name() -> String {
    format!(
        "acompana-copia-{}.age",
        chrono::Local::now().format("%Y-%m-%d")
    )
}

/// Checks a passphrase chosen for a backup.
pub fn check_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < 12 {
        return Err(Error::invalid("passphrase", "at least 12 characters"));
    }
    Ok(())
}

impl Vault {
    /// Writes a backup of the whole vault to `out` (administrators), encrypted to
    /// `passphrase`. The file appears whole or not at all.
    pub fn backup_create(&mut self, out: &Path, passphrase: &str) -> Result<BackupInfo> {
        self.require(&[crate::staff::Role::Admin])?;
        check_passphrase(passphrase)?;
        self.write_backup(out, passphrase, None)
    }

    /// Writes the backup file (no role check: `backup_create` and the schedule decide who).
    /// `detail` goes into the audit entry (`auto` for a scheduled backup).
    pub(crate) fn write_backup(
        &mut self,
        out: &Path,
        passphrase: &str,
        detail: Option<&str>,
    ) -> Result<BackupInfo> {
        let dir = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let copy = self.paths.dir.join("vault.db.backup");
        let temp = dir.join(format!(
            ".{}.tmp",
            out.file_name().and_then(|n| n.to_str()).unwrap_or("backup")
        ));
        let result = (|| -> Result<BackupInfo> {
            self.audit(AuditAction::BackupCreated, None, detail)?;
            // The slot file first, then the copy: the copy's audit chain then reaches at
            // least the entry the slot file anchors.
            let slots = fs::read(&self.paths.keyslots)?;
            let _ = fs::remove_file(&copy);
            let version = crate::store::migrations::current_version(&self.conn)?;
            vault::export_copy(&self.conn, &copy, &self.master, version)?;
            let db_len = fs::metadata(&copy)?.len();
            let db_digest = digest_file(&copy)?;
            let header = Header {
                format: BACKUP_FORMAT,
                vault_id: self.slots.vault_id.to_string(),
                created_at: crate::now_rfc3339(),
                app_version: env!("CARGO_PKG_VERSION").to_string(),
                schema_version: version,
                parts: vec![
                    Part {
                        name: "vault.db".into(),
                        len: db_len,
                        sha256: db_digest,
                    },
                    Part {
                        name: "keyslots.json".into(),
                        len: slots.len() as u64,
                        sha256: hex::encode(Sha256::digest(&slots)),
                    },
                ],
            };
            let header_bytes = serde_json::to_vec(&header)?;
            let file = fs::File::create(&temp)?;
            restrict_permissions(&temp)?;
            let encryptor =
                age::Encryptor::with_user_passphrase(AgeSecret::from(passphrase.to_string()));
            let mut writer = encryptor
                .wrap_output(BufWriter::new(file))
                .map_err(|e| Error::Internal(format!("age: {e}")))?;
            writer.write_all(MAGIC)?;
            writer.write_all(&(header_bytes.len() as u32).to_be_bytes())?;
            writer.write_all(&header_bytes)?;
            std::io::copy(&mut BufReader::new(fs::File::open(&copy)?), &mut writer)?;
            writer.write_all(&slots)?;
            let file = writer
                .finish()?
                .into_inner()
                .map_err(|e| Error::from(e.into_error()))?;
            file.sync_all()?;
            drop(file);
            fs::rename(&temp, out)?;
            if let Ok(folder) = fs::File::open(dir) {
                let _ = folder.sync_all();
            }
            Ok(info(&header))
        })();
        let _ = fs::remove_file(&copy);
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result
    }
}

fn info(header: &Header) -> BackupInfo {
    BackupInfo {
        vault_id: header.vault_id.clone(),
        created_at: header.created_at.clone(),
        app_version: header.app_version.clone(),
        schema_version: header.schema_version,
        database_bytes: header.parts[0].len,
    }
}

fn digest_file(path: &Path) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut reader = BufReader::new(fs::File::open(path)?);
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = reader.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Reads and checks a whole backup; with `db_out`, writes the database part there as it
/// goes. Returns the header and the key-slot file's bytes.
fn read_backup(
    file: &Path,
    passphrase: &str,
    db_out: Option<&mut fs::File>,
) -> Result<(Header, Vec<u8>)> {
    let input = fs::File::open(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound,
        _ => Error::from(e),
    })?;
    let decryptor =
        age::Decryptor::new_buffered(BufReader::new(input)).map_err(|e| decrypt_refusal(&e))?;
    if !decryptor.is_scrypt() {
        return Err(refused("not_a_backup"));
    }
    let identity = age::scrypt::Identity::new(AgeSecret::from(passphrase.to_string()));
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| decrypt_refusal(&e))?;
    read_plain(&mut reader, db_out)
}

/// Reads the plaintext inside the age layer (the format in `docs/backup.md`).
fn read_plain(
    reader: &mut impl Read,
    mut db_out: Option<&mut fs::File>,
) -> Result<(Header, Vec<u8>)> {
    let mut magic = [0u8; 16];
    read_exact(reader, &mut magic)?;
    if &magic != MAGIC {
        return Err(refused("not_a_backup"));
    }
    let mut len = [0u8; 4];
    read_exact(reader, &mut len)?;
    let len = u32::from_be_bytes(len);
    if len == 0 || len > MAX_HEADER {
        return Err(refused("damaged"));
    }
    let mut header_bytes = vec![0u8; len as usize];
    read_exact(reader, &mut header_bytes)?;
    #[derive(Deserialize)]
    struct FormatOnly {
        format: u32,
    }
    let format = serde_json::from_slice::<FormatOnly>(&header_bytes)
        .map_err(|_| refused("damaged"))?
        .format;
    if format != BACKUP_FORMAT {
        return Err(refused("unknown_version"));
    }
    let header: Header = serde_json::from_slice(&header_bytes).map_err(|_| refused("damaged"))?;
    let names: Vec<&str> = header.parts.iter().map(|p| p.name.as_str()).collect();
    if names != ["vault.db", "keyslots.json"]
        || header.parts[0].len == 0
        || header.parts[0].len > MAX_DB_BYTES
        || header.parts[1].len > crate::vault::keyslots::MAX_FILE_BYTES
        || header.schema_version == 0
    {
        return Err(refused("damaged"));
    }
    // The database, copied or only hashed.
    let mut hasher = Sha256::new();
    let mut remaining = header.parts[0].len;
    let mut buffer = vec![0u8; 64 * 1024];
    while remaining > 0 {
        let want = remaining.min(buffer.len() as u64) as usize;
        read_exact(reader, &mut buffer[..want])?;
        hasher.update(&buffer[..want]);
        if let Some(out) = db_out.as_deref_mut() {
            out.write_all(&buffer[..want])?;
        }
        remaining -= want as u64;
    }
    if hex::encode(hasher.finalize()) != header.parts[0].sha256 {
        return Err(refused("damaged"));
    }
    let mut slots = vec![0u8; header.parts[1].len as usize];
    read_exact(reader, &mut slots)?;
    if hex::encode(Sha256::digest(&slots)) != header.parts[1].sha256 {
        return Err(refused("damaged"));
    }
    // Nothing may follow, and age must see its authenticated end.
    let mut rest = [0u8; 1];
    match reader.read(&mut rest) {
        Ok(0) => {}
        Ok(_) => return Err(refused("damaged")),
        Err(error) => return Err(io_refusal(&error)),
    }
    let parsed = KeySlotFile::parse(&slots).map_err(|_| refused("damaged"))?;
    if parsed.vault_id.to_string() != header.vault_id {
        return Err(refused("damaged"));
    }
    Ok((header, slots))
}

fn read_exact(reader: &mut impl Read, buffer: &mut [u8]) -> Result<()> {
    reader.read_exact(buffer).map_err(|e| io_refusal(&e))
}

fn io_refusal(error: &std::io::Error) -> Error {
    match error.kind() {
        std::io::ErrorKind::UnexpectedEof => refused("truncated"),
        _ => refused("damaged"),
    }
}

fn decrypt_refusal(error: &age::DecryptError) -> Error {
    match error {
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            refused("not_a_backup")
        }
        age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
            refused("wrong_passphrase")
        }
        age::DecryptError::ExcessiveWork { .. } => refused("too_costly"),
        age::DecryptError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            refused("truncated")
        }
        _ => refused("damaged"),
    }
}

/// Checks the plaintext of a backup as if it had just been decrypted: for the fuzzer, which
/// cannot get past age's authentication.
#[doc(hidden)]
pub fn check_plaintext(bytes: &[u8]) -> Result<BackupInfo> {
    let (header, _) = read_plain(&mut &bytes[..], None)?;
    Ok(info(&header))
}

/// Reads and checks a whole backup without changing anything.
pub fn verify(file: &Path, passphrase: &str) -> Result<BackupInfo> {
    let (header, _) = read_backup(file, passphrase, None)?;
    Ok(info(&header))
}

/// Restores a backup into `paths`, whose folder must hold no vault. The whole file is
/// checked before the vault appears; a refused or interrupted restore leaves no vault.
pub fn restore(paths: &VaultPaths, file: &Path, passphrase: &str) -> Result<BackupInfo> {
    vault::finish_interrupted_rekey(paths)?;
    if paths.exists() {
        return Err(Error::VaultExists(paths.dir.clone()));
    }
    fs::create_dir_all(&paths.dir)?;
    restrict_permissions(&paths.dir)?;
    let next = vault::RekeyPaths::of(paths);
    next.remove_leftovers();
    let result = (|| -> Result<BackupInfo> {
        let mut db = fs::File::create(&next.db)?;
        restrict_permissions(&next.db)?;
        let (header, slots) = read_backup(file, passphrase, Some(&mut db))?;
        db.sync_all()?;
        drop(db);
        vault::write_atomic(&next.keyslots, &slots)?;
        vault::write_atomic(&paths.dir.join(RESTORED_MARKER), b"1\n")?;
        vault::crash_point("restore-before-rename");
        fs::rename(&next.db, &paths.db)?;
        fs::File::open(&paths.dir)?.sync_all()?;
        vault::crash_point("restore-after-rename");
        fs::rename(&next.keyslots, &paths.keyslots)?;
        fs::File::open(&paths.dir)?.sync_all()?;
        Ok(info(&header))
    })();
    if result.is_err() {
        next.remove_leftovers();
        if !paths.keyslots.exists() {
            let _ = fs::remove_file(&paths.db);
            let _ = fs::remove_file(paths.dir.join(RESTORED_MARKER));
        }
    }
    result
}
