//! The vault: an encrypted database and its key-slot file in one data folder.
//!
//! A [`Vault`] value *is* an unlocked vault: it owns the open connection and the master key,
//! and dropping it (see [`Vault::lock`]) closes the one and wipes the other. There is no
//! locked-vault object holding secrets; while locked, only the files exist.

pub mod keyslots;
pub mod recovery;
pub mod throttle;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditAction, AuditEntry, AuditVerification, NewEntry};
use crate::crypto::{KdfParams, SecretKey};
use crate::error::{Error, Result};
use crate::settings::{self, Settings};
use crate::staff::{self, Role, StaffMember};
use crate::store;
use crate::Country;
use keyslots::{KeySlotFile, SlotKind};
pub use recovery::RecoveryCode;

const DB_FILE: &str = "vault.db";
const KEYSLOT_FILE: &str = "keyslots.json";

/// The files of a vault in its data folder.
#[derive(Debug, Clone)]
pub struct VaultPaths {
    pub dir: PathBuf,
    pub db: PathBuf,
    pub keyslots: PathBuf,
}

impl VaultPaths {
    /// The vault in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        VaultPaths {
            db: dir.join(DB_FILE),
            keyslots: dir.join(KEYSLOT_FILE),
            dir,
        }
    }

    /// Whether a vault (either of its files) is there.
    pub fn exists(&self) -> bool {
        self.db.exists() || self.keyslots.exists()
    }
}

/// The data folder: `--data-dir`/`ACOMPANA_DATA_DIR` if given, else the platform's
/// application-data folder (e.g. `~/.local/share/acompana` on Linux).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("ACOMPANA_DATA_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("org", "Acompana", "acompana")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("acompana-data"))
}

/// How the Argon2id cost is chosen for a new vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KdfChoice {
    /// Tuned to about 0.5–1 s on this machine (the normal case).
    Tune,
    /// The floor (64 MiB, 3 passes), for tests and very slow machines.
    Minimum,
}

impl KdfChoice {
    /// `ACOMPANA_KDF=minimum` selects the floor; anything else tunes.
    pub fn from_env() -> Self {
        match std::env::var("ACOMPANA_KDF").as_deref() {
            Ok("minimum") => KdfChoice::Minimum,
            _ => KdfChoice::Tune,
        }
    }

    pub(crate) fn params(self) -> KdfParams {
        match self {
            KdfChoice::Tune => KdfParams::tune(),
            KdfChoice::Minimum => KdfParams::MINIMUM,
        }
    }
}

/// What is needed to create a vault.
pub struct NewVault {
    pub org_name: String,
    pub country: Country,
    pub admin_username: String,
    pub admin_display_name: String,
    pub admin_password: SecretString,
}

/// What the interfaces show about the signed-in session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub staff_id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_name: String,
    pub country: Country,
    pub idle_lock_minutes: u32,
    /// A demo vault of invented women, to be labelled as such everywhere.
    pub demo: bool,
}

/// The result of `acompana check`.
#[derive(Debug, Clone, Serialize)]
pub struct VaultCheck {
    pub integrity: &'static str,
    /// Whether every page was read (`check --full`), or only the key, header and schema.
    pub full: bool,
    pub schema_version: u32,
    pub keyslot_format: u32,
    pub kdf: KdfParams,
    pub staff_total: u32,
    pub staff_active: u32,
}

/// Why a session was locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    Manual,
    Idle,
    Quit,
    /// The laptop went to sleep or its screen was locked.
    Suspend,
}

impl LockReason {
    fn as_str(self) -> &'static str {
        match self {
            LockReason::Manual => "manual",
            LockReason::Idle => "idle",
            LockReason::Quit => "quit",
            LockReason::Suspend => "suspend",
        }
    }
}

/// An unlocked vault and the member of staff who unlocked it.
pub struct Vault {
    pub(crate) paths: VaultPaths,
    pub(crate) conn: Connection,
    pub(crate) master: SecretKey,
    pub(crate) slots: KeySlotFile,
    pub(crate) device_id: String,
    pub(crate) me: StaffMember,
    /// How far its long work (sync) has gone, and the request to stop it.
    pub(crate) progress: std::sync::Arc<crate::progress::Progress>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("dir", &self.paths.dir)
            .finish_non_exhaustive()
    }
}

/// Writes `bytes` to `path` atomically: a temporary file beside it, fsynced, renamed, and the
/// folder fsynced, so that a crash leaves either the old or the new file.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::Internal("path without folder".into()))?;
    let temp = atomic_temp(path);
    let result = (|| -> Result<()> {
        let mut file = fs::File::create(&temp)?;
        restrict_permissions(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        fs::File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

#[cfg(unix)]
pub(crate) fn restrict_permissions(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if path.is_dir() { 0o700 } else { 0o600 };
    fs::set_permissions(path, fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(not(unix))]
pub(crate) fn restrict_permissions(_path: &Path) -> Result<()> {
    Ok(())
}

pub(crate) fn read_keyslots(paths: &VaultPaths) -> Result<KeySlotFile> {
    match (paths.keyslots.exists(), paths.db.exists()) {
        (false, false) => return Err(Error::VaultMissing(paths.dir.clone())),
        (true, true) => {}
        _ => {
            return Err(Error::VaultCorrupt(
                "one of the vault's two files is missing",
            ))
        }
    }
    let size = fs::metadata(&paths.keyslots)?.len();
    if size > keyslots::MAX_FILE_BYTES {
        return Err(Error::VaultCorrupt("the key-slot file is too large"));
    }
    KeySlotFile::parse(&fs::read(&paths.keyslots)?)
}

pub(crate) fn meta(conn: &Connection, key: &str) -> Result<String> {
    conn.query_row(
        "SELECT value FROM vault_meta WHERE key = ?1",
        [key],
        |row| row.get(0),
    )
    .optional()?
    .ok_or(Error::VaultCorrupt("vault facts are missing"))
}

/// Whether the vault is a demo vault (invented women only).
pub fn is_demo(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT value FROM vault_meta WHERE key = 'demo'",
            [],
            |row| row.get::<_, String>(0),
        )
        .optional()?
        .as_deref()
        == Some("1"))
}

/// The `vault_meta` key holding the key-slot file's generation.
const GENERATION: &str = "keyslot_generation";
/// The `vault_meta` key holding the generation a slot-file write is about to make.
const PENDING_GENERATION: &str = "keyslot_pending";

fn meta_u64(conn: &Connection, key: &str) -> Result<Option<u64>> {
    let value: Option<String> = conn
        .query_row(
            "SELECT value FROM vault_meta WHERE key = ?1",
            [key],
            |row| row.get(0),
        )
        .optional()
        .map_err(|_| Error::VaultCorrupt("the database could not be read"))?;
    value
        .map(|text| {
            text.parse()
                .map_err(|_| Error::VaultCorrupt("bad key-slot generation"))
        })
        .transpose()
}

fn record_pending(conn: &Connection, generation: u64) -> Result<()> {
    conn.execute(
        "INSERT INTO vault_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        rusqlite::params![PENDING_GENERATION, generation.to_string()],
    )?;
    Ok(())
}

/// The audit chain's head, as the key-slot file anchors it.
pub(crate) fn audit_anchor(conn: &Connection) -> Result<keyslots::AuditAnchor> {
    let (seq, hash) = audit::anchor(conn)?;
    Ok(keyslots::AuditAnchor {
        seq,
        hash: keyslots::HexBytes(hash),
    })
}

/// Records the key-slot file's generation, inside the transaction that goes with the file.
pub(crate) fn record_generation(tx: &Connection, generation: u64) -> Result<()> {
    tx.execute(
        "INSERT INTO vault_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        rusqlite::params![GENERATION, generation.to_string()],
    )?;
    tx.execute(
        "DELETE FROM vault_meta WHERE key = ?1",
        [PENDING_GENERATION],
    )?;
    Ok(())
}

/// Refuses a key-slot file and a database that do not belong to the same moment, reading
/// only: the file's generation must be the one the database records (or the one a write
/// interrupted by a crash was making), and the audit entry the file anchors must still be in
/// the database with an unbroken chain after it.
pub(crate) fn check_not_rolled_back(conn: &Connection, slots: &KeySlotFile) -> Result<()> {
    let recorded = meta_u64(conn, GENERATION)?.unwrap_or(0);
    let pending = meta_u64(conn, PENDING_GENERATION)?;
    if recorded != slots.generation && pending != Some(slots.generation) {
        return Err(Error::VaultRolledBack(if recorded > slots.generation {
            "the key-slot file is older than the database"
        } else {
            "the database is older than the key-slot file"
        }));
    }
    if let Some(anchor) = &slots.audit_anchor {
        if !audit::verify_from_anchor(conn, anchor.seq, &anchor.hash.0)? {
            return Err(Error::VaultRolledBack(
                "the audit log does not continue from the entry the key slots anchor",
            ));
        }
    }
    Ok(())
}

/// What a re-key gives back: the new recovery code, shown once, and the colleagues whose
/// slots (written by an older version, convertible only with their password) were left out:
/// an administrator resets their passwords.
pub struct Rekeyed {
    pub recovery_code: recovery::RecoveryCode,
    pub needs_password_reset: Vec<String>,
}

/// The files a re-key writes beside the vault's own before renaming them into place.
pub(crate) struct RekeyPaths {
    pub(crate) db: PathBuf,
    pub(crate) keyslots: PathBuf,
}

/// The temporary file [`write_atomic`] writes `path` to before renaming it into place.
pub(crate) fn atomic_temp(path: &Path) -> PathBuf {
    path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file")
    ))
}

impl RekeyPaths {
    pub(crate) fn of(paths: &VaultPaths) -> Self {
        RekeyPaths {
            db: paths.dir.join("vault.db.rekey"),
            keyslots: paths.dir.join("keyslots.rekey.json"),
        }
    }

    pub(crate) fn remove_leftovers(&self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = fs::remove_file(format!("{}{suffix}", self.db.display()));
        }
        let _ = fs::remove_file(&self.keyslots);
        let _ = fs::remove_file(atomic_temp(&self.keyslots));
    }
}

/// Completes or undoes a re-key or a restore that a crash interrupted (see [`Vault::rekey`]): once the
/// new database has been renamed into place (its copy is gone while the new slot file
/// waits), the new slot file follows it; before that, the leftovers are removed.
pub(crate) fn finish_interrupted_rekey(paths: &VaultPaths) -> Result<()> {
    // A backup's copy of the database left by a crash.
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = fs::remove_file(format!(
            "{}{suffix}",
            paths.dir.join("vault.db.backup").display()
        ));
    }
    let next = RekeyPaths::of(paths);
    if next.keyslots.exists() && !next.db.exists() {
        fs::rename(&next.keyslots, &paths.keyslots)?;
        fs::File::open(&paths.dir)?.sync_all()?;
    } else {
        // Whatever is left, down to the temporary file of a slot file that was never complete
        // (the re-key did not happen); removing what is not there does nothing.
        next.remove_leftovers();
    }
    Ok(())
}

/// A copy of the open database under another key, made by SQLCipher's export (every table,
/// index and trigger), with the schema version carried over.
pub(crate) fn export_copy(
    conn: &Connection,
    path: &Path,
    key: &SecretKey,
    version: u32,
) -> Result<()> {
    let path_text = path
        .to_str()
        .ok_or_else(|| Error::Internal("the data folder's path is not text".into()))?;
    // The connection was opened without SQLITE_OPEN_CREATE, which an attached database
    // inherits: the (empty, private) file is made first.
    fs::File::create(path)?;
    restrict_permissions(path)?;
    let attach = zeroize::Zeroizing::new(format!(
        "ATTACH DATABASE '{}' AS rekeyed KEY \"{}\"",
        path_text.replace('\'', "''"),
        key.sqlcipher_literal().as_str()
    ));
    conn.execute_batch(&attach)?;
    let exported = (|| -> Result<()> {
        conn.query_row("SELECT sqlcipher_export('rekeyed')", [], |_| Ok(()))?;
        conn.execute_batch(&format!("PRAGMA rekeyed.user_version = {version}"))?;
        Ok(())
    })();
    let detached = conn.execute_batch("DETACH DATABASE rekeyed");
    exported?;
    detached?;
    restrict_permissions(path)?;
    fs::File::open(path)?.sync_all()?;
    Ok(())
}

/// Where the crash-loop test may stop the process (`ACOMPANA_CRASH_AT`): a no-op otherwise.
pub(crate) fn crash_point(name: &str) {
    if std::env::var("ACOMPANA_CRASH_AT").as_deref() == Ok(name) {
        std::process::abort();
    }
}

/// The `vault_meta` key present while a session has the vault open: set when she signs in
/// ([`crate::opening`]), removed when the vault is locked. Found at unlock, it means the last
/// session never locked.
pub(crate) const SESSION_OPEN: &str = "session_open";

impl Vault {
    /// The signed-in member of staff.
    pub fn me(&self) -> &StaffMember {
        &self.me
    }

    /// Sets the page cache of the vault's connection, in KiB (SQLite takes the memory only as
    /// pages are read). The desktop app holds less than the command line's
    /// [`crate::store::CACHE_KIB`]: it answers one screen at a time.
    pub fn set_page_cache_kib(&self, kib: u32) -> Result<()> {
        crate::store::set_cache_kib(&self.conn, kib)
    }

    /// Frees the pages the vault's page cache holds that no statement is reading. They are
    /// decrypted pages, so less of the women's data stays in memory; the cache fills again as
    /// screens read.
    pub fn release_cache(&self) -> Result<()> {
        self.conn.release_memory()?;
        Ok(())
    }

    /// How many bytes the vault's page cache holds now.
    pub fn cache_used_bytes(&self) -> u64 {
        let (mut current, mut highest) = (0, 0);
        // SAFETY: the handle is this open connection's; sqlite3_db_status only reads its
        // counters into the two integers.
        let status = unsafe {
            rusqlite::ffi::sqlite3_db_status(
                self.conn.handle(),
                rusqlite::ffi::SQLITE_DBSTATUS_CACHE_USED,
                &mut current,
                &mut highest,
                0,
            )
        };
        if status == rusqlite::ffi::SQLITE_OK {
            current.max(0) as u64
        } else {
            0
        }
    }

    /// The page cache of the vault's connection, in KiB.
    pub fn page_cache_kib(&self) -> Result<u32> {
        crate::store::cache_kib(&self.conn)
    }

    /// Reports this vault's long work to `progress` (shared with whoever watches it).
    pub fn watch_with(&mut self, progress: std::sync::Arc<crate::progress::Progress>) {
        self.progress = progress;
    }

    /// The data folder.
    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }

    /// This laptop's device id: the author of the operations written here.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// The organization this vault belongs to, the same on all its laptops.
    pub fn organization_id(&self) -> Result<String> {
        meta(&self.conn, "org_id")
    }

    /// What the interfaces show about this session.
    pub fn session_info(&self) -> Result<SessionInfo> {
        Ok(SessionInfo {
            staff_id: self.me.id.clone(),
            username: self.me.username.clone(),
            display_name: self.me.display_name.clone(),
            role: self.me.role,
            org_name: meta(&self.conn, "org_name")?,
            country: Country::parse(&meta(&self.conn, "country")?)
                .ok_or(Error::VaultCorrupt("unknown country"))?,
            idle_lock_minutes: settings::load(&self.conn)?.idle_lock_minutes,
            demo: is_demo(&self.conn)?,
        })
    }

    pub(crate) fn require(&self, roles: &[Role]) -> Result<()> {
        if roles.contains(&self.me.role) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    pub(crate) fn audit(
        &self,
        action: AuditAction,
        target_id: Option<&str>,
        detail: Option<&str>,
    ) -> Result<()> {
        self.audit_in(&self.conn, action, target_id, detail)
    }

    /// Appends an audit entry by the signed-in person inside `conn`'s transaction, so that it
    /// commits (or not) with the change it records.
    pub(crate) fn audit_in(
        &self,
        conn: &Connection,
        action: AuditAction,
        target_id: Option<&str>,
        detail: Option<&str>,
    ) -> Result<()> {
        audit::append(
            conn,
            NewEntry {
                device_id: &self.device_id,
                actor_id: Some(&self.me.id),
                action,
                target_id,
                detail,
                at: None,
            },
        )
    }

    /// Runs `change` in one transaction with the key-slot file `new_slots`: the database
    /// commits only if the slot file was written, and the old slot file is put back if the
    /// commit fails. The new file gets the next generation and the audit chain's head after
    /// `change`; the database records the generation first as pending, then as current in
    /// the same transaction as `change`, so that a crash between the two writes leaves files
    /// that unlock agrees belong together (see [`check_not_rolled_back`]).
    fn commit_with_slots(
        &mut self,
        mut new_slots: KeySlotFile,
        change: impl FnOnce(&rusqlite::Transaction<'_>, &str, &str) -> Result<()>,
    ) -> Result<()> {
        self.refuse_changed_slots()?;
        let old_bytes = fs::read(&self.paths.keyslots)?;
        let generation = self.slots.generation + 1;
        record_pending(&self.conn, generation)?;
        let tx = self.conn.transaction()?;
        change(&tx, &self.device_id, &self.me.id)?;
        new_slots.generation = generation;
        new_slots.audit_anchor = Some(audit_anchor(&tx)?);
        record_generation(&tx, generation)?;
        write_atomic(&self.paths.keyslots, &new_slots.to_bytes(&self.master))?;
        if let Err(error) = tx.commit() {
            let _ = write_atomic(&self.paths.keyslots, &old_bytes);
            return Err(error.into());
        }
        self.slots = new_slots;
        Ok(())
    }

    /// Reads the key-slot file again: another session on the same vault (the app and the
    /// command line, or two colleagues' sessions in tests) may have written it since, at its
    /// sign-in or lock if nothing else. A file this master key no longer authenticates means
    /// the vault was re-keyed meanwhile.
    pub(crate) fn reload_slots(&mut self) -> Result<()> {
        let on_disk = read_keyslots(&self.paths)?;
        if on_disk != self.slots {
            on_disk.verify_mac(&self.master).map_err(|_| {
                Error::Internal("the vault was re-keyed by another session; sign in again".into())
            })?;
            self.slots = on_disk;
        }
        Ok(())
    }

    /// Refuses to write key slots over a file another session (the app and the command line
    /// on one vault) has changed since this one read it. Writers reload the file before they
    /// build the new one; this catches a write by the other session in between.
    fn refuse_changed_slots(&self) -> Result<()> {
        let on_disk = read_keyslots(&self.paths)?;
        if on_disk.generation != self.slots.generation || on_disk.slots != self.slots.slots {
            return Err(Error::Internal(
                "the key slots were changed by another session; sign in again".into(),
            ));
        }
        Ok(())
    }

    /// After a sign-in with `password` to the slot `label`: converts her slot if an older
    /// version wrote it, and anchors the audit chain in the key-slot file.
    pub(crate) fn anchor_at_sign_in(
        &mut self,
        label: &[u8; 32],
        password: &SecretString,
    ) -> Result<()> {
        self.reload_slots()?;
        let mut slots = self.slots.clone();
        if let Some(slot) = slots.find(label).filter(|slot| slot.is_format_1()) {
            let params = slot.kdf;
            slots.put(
                SlotKind::Staff,
                *label,
                password.expose_secret().as_bytes(),
                params,
                &self.master,
            )?;
        }
        self.commit_with_slots(slots, |_, _, _| Ok(()))
    }

    /// Copies the audit chain's head into the key-slot file (at sign-in and at lock), so that
    /// a database put back from an older copy, or whose audit tail was cut, is refused.
    pub(crate) fn anchor_audit(&mut self) -> Result<()> {
        self.reload_slots()?;
        let slots = self.slots.clone();
        self.commit_with_slots(slots, |_, _, _| Ok(()))
    }

    /// Checks the signed-in person's current password again before a change to staff, slots
    /// or keys. A wrong one counts as a failed sign-in (the same delays) and is audited.
    pub(crate) fn confirm_password(&self, password: &SecretString) -> Result<()> {
        let throttle = throttle::Throttle::for_vault(&self.slots.vault_id)?;
        throttle.wait()?;
        let label = staff::slot_label(&self.conn, &self.me.id)?;
        let opened = match self.slots.find(&label) {
            Some(slot) => {
                slot.unwrap_key(&self.slots.vault_id, password.expose_secret().as_bytes())?
            }
            None => None,
        };
        match opened {
            Some(key) if key.expose() == self.master.expose() => {
                throttle.take_and_reset()?;
                Ok(())
            }
            _ => {
                let recorded = throttle.record_failure();
                self.audit(AuditAction::PasswordConfirmFailed, Some(&self.me.id), None)?;
                recorded?;
                Err(Error::WrongCredentials)
            }
        }
    }

    /// Re-keys the vault: a new master key, every remaining slot sealed to it (the slots in
    /// `drop` left out), a new recovery code, and `change` applied, all or nothing. The
    /// database is copied under the new key beside the old one (`vault.db.rekey`), the new
    /// slot file written beside the old one (`keyslots.rekey.json`), and the copy renamed
    /// over the database: that rename is the moment the re-key happens. A crash before it
    /// leaves the old vault (the leftovers are removed at the next unlock); a crash after it
    /// leaves the new database and its slot file, which the next unlock puts in place (see
    /// [`finish_interrupted_rekey`]). Either way the vault opens with the old or the new
    /// keys, never neither.
    pub(crate) fn rekey(
        &mut self,
        password: &SecretString,
        drop: &[[u8; 32]],
        reason: &str,
        change: impl FnOnce(&rusqlite::Transaction<'_>, &str, &str) -> Result<()>,
    ) -> Result<Rekeyed> {
        self.reload_slots()?;
        self.confirm_password(password)?;
        let params = self.slots.default_params();
        let new_master = SecretKey::generate();
        let (mut new_slots, unconverted) = self.slots.rekeyed(&new_master, drop)?;
        let code = recovery::RecoveryCode::generate();
        let canonical = recovery::RecoveryCode::normalize(code.display())
            .ok_or_else(|| Error::Internal("generated code does not normalize".into()))?;
        let recovery_label = new_slots.recovery_label();
        new_slots.put(
            SlotKind::Recovery,
            recovery_label,
            canonical.as_bytes(),
            params,
            &new_master,
        )?;
        // Her own slot is written afresh under her password (converting a format-1 slot).
        let my_label = staff::slot_label(&self.conn, &self.me.id)?;
        new_slots.put(
            SlotKind::Staff,
            my_label,
            password.expose_secret().as_bytes(),
            self.slots.find(&my_label).map(|s| s.kdf).unwrap_or(params),
            &new_master,
        )?;
        let unconverted: Vec<[u8; 32]> =
            unconverted.into_iter().filter(|l| *l != my_label).collect();
        let mut needs_password_reset = Vec::new();
        for label in &unconverted {
            if let Some(id) = staff::id_by_slot_label(&self.conn, label)? {
                needs_password_reset.push(id);
            }
        }

        let next = RekeyPaths::of(&self.paths);
        next.remove_leftovers();
        let result = (|| -> Result<()> {
            store::checkpoint(&self.conn)?;
            let version = store::migrations::current_version(&self.conn)?;
            export_copy(&self.conn, &next.db, &new_master, version)?;
            let copy_result = (|| -> Result<KeySlotFile> {
                let mut copy = store::open(&next.db, &new_master, false)?;
                let tx = copy.transaction()?;
                change(&tx, &self.device_id, &self.me.id)?;
                let detail = format!("reason={reason}");
                audit::append(
                    &tx,
                    NewEntry {
                        device_id: &self.device_id,
                        actor_id: Some(&self.me.id),
                        action: AuditAction::VaultRekeyed,
                        target_id: None,
                        detail: Some(&detail),
                        at: None,
                    },
                )?;
                let generation = self.slots.generation + 1;
                new_slots.generation = generation;
                new_slots.audit_anchor = Some(audit_anchor(&tx)?);
                record_generation(&tx, generation)?;
                tx.commit()?;
                store::checkpoint(&copy)?;
                copy.close().map_err(|(_, error)| Error::from(error))?;
                Ok(new_slots.clone())
            })();
            let mut slots = copy_result?;
            write_atomic(&next.keyslots, &slots.to_bytes(&new_master))?;
            Ok(())
        })();
        if let Err(error) = result {
            next.remove_leftovers();
            return Err(error);
        }
        // Close the old database, then put the copy in its place.
        let old = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        if let Err((conn, error)) = old.close() {
            self.conn = conn;
            next.remove_leftovers();
            return Err(error.into());
        }
        crash_point("rekey-before-rename");
        let renamed = fs::rename(&next.db, &self.paths.db)
            .and_then(|()| fs::File::open(&self.paths.dir)?.sync_all());
        if let Err(error) = renamed {
            next.remove_leftovers();
            self.conn = store::open(&self.paths.db, &self.master, false)?;
            return Err(error.into());
        }
        crash_point("rekey-after-rename");
        fs::rename(&next.keyslots, &self.paths.keyslots)?;
        fs::File::open(&self.paths.dir)?.sync_all()?;
        self.conn = store::open(&self.paths.db, &new_master, false)?;
        self.master = new_master;
        self.slots = new_slots;
        Ok(Rekeyed {
            recovery_code: code,
            needs_password_reset,
        })
    }

    /// Gives the vault a new recovery code (administrators only, after her password): the
    /// vault is re-keyed, so the old code, and any copy of the old key-slot file, no longer
    /// opens it.
    pub fn change_recovery_code(&mut self, password: &SecretString) -> Result<Rekeyed> {
        self.require(&[Role::Admin])?;
        self.rekey(password, &[], "recovery_code", |_, _, _| Ok(()))
    }

    pub(crate) fn rewrap_slot(
        &mut self,
        staff_id: &str,
        password: &SecretString,
        action: AuditAction,
        extra: impl FnOnce(&rusqlite::Transaction<'_>, &str) -> Result<()>,
    ) -> Result<()> {
        staff::check_new_password(password.expose_secret())?;
        let label = staff::slot_label(&self.conn, staff_id)?;
        self.reload_slots()?;
        let mut new_slots = self.slots.clone();
        let params = new_slots.default_params();
        new_slots.put(
            SlotKind::Staff,
            label,
            password.expose_secret().as_bytes(),
            params,
            &self.master,
        )?;
        let target = staff_id.to_string();
        self.commit_with_slots(new_slots, |tx, device, me| {
            extra(tx, device)?;
            audit::append(
                tx,
                NewEntry {
                    device_id: device,
                    actor_id: Some(me),
                    action,
                    target_id: Some(&target),
                    detail: None,
                    at: None,
                },
            )
        })
    }

    /// Everyone on the staff (any role may see the list).
    pub fn staff_list(&self) -> Result<Vec<StaffMember>> {
        staff::list(&self.conn)
    }

    /// Adds a member of staff with an initial password (administrators only).
    pub fn staff_add(
        &mut self,
        username: &str,
        display_name: &str,
        role: Role,
        password: &SecretString,
    ) -> Result<StaffMember> {
        self.require(&[Role::Admin])?;
        let username = staff::Username::parse(username)?;
        let display_name = staff::normalize_display_name(display_name)?;
        staff::check_new_password(password.expose_secret())?;
        if staff::by_username(&self.conn, &username).is_ok() {
            return Err(Error::UsernameTaken);
        }
        self.reload_slots()?;
        let mut new_slots = self.slots.clone();
        let label = new_slots.staff_label(username.as_str());
        let params = new_slots.default_params();
        new_slots.put(
            SlotKind::Staff,
            label,
            password.expose_secret().as_bytes(),
            params,
            &self.master,
        )?;
        let mut added = None;
        self.commit_with_slots(new_slots, |tx, device, me| {
            let member = staff::insert(
                tx,
                (device, Some(me)),
                &username,
                &display_name,
                role,
                &label,
            )?;
            audit::append(
                tx,
                NewEntry {
                    device_id: device,
                    actor_id: Some(me),
                    action: AuditAction::StaffAdded,
                    target_id: Some(&member.id),
                    detail: Some(role.as_str()),
                    at: None,
                },
            )?;
            added = Some(member);
            Ok(())
        })?;
        added.ok_or_else(|| Error::Internal("staff not added".into()))
    }

    /// Disables a member of staff (administrators only, after her own password) and re-keys
    /// the vault without the colleague's slot: a copy of the old key-slot file with her
    /// password no longer opens it. The last active administrator and oneself cannot be
    /// disabled. Returns the new recovery code, to be shown once.
    pub fn staff_disable(&mut self, staff_id: &str, password: &SecretString) -> Result<Rekeyed> {
        self.require(&[Role::Admin])?;
        let member = staff::by_id(&self.conn, staff_id)?;
        if member.id == self.me.id {
            return Err(Error::CannotDisableSelf);
        }
        if !member.active {
            return Err(Error::StaffNotFound);
        }
        if member.role == Role::Admin && staff::active_admins(&self.conn)? <= 1 {
            return Err(Error::LastAdmin);
        }
        let label = staff::slot_label(&self.conn, &member.id)?;
        let id = member.id.clone();
        self.rekey(password, &[label], "staff_disabled", |tx, device, me| {
            staff::disable(tx, crate::changelog::Writer::new(device, me), &id)?;
            audit::append(
                tx,
                NewEntry {
                    device_id: device,
                    actor_id: Some(me),
                    action: AuditAction::StaffDisabled,
                    target_id: Some(&id),
                    detail: None,
                    at: None,
                },
            )
        })
    }

    /// Sets a new password for an active colleague who forgot hers (administrators only).
    pub fn staff_reset_password(&mut self, staff_id: &str, password: &SecretString) -> Result<()> {
        self.require(&[Role::Admin])?;
        let member = staff::by_id(&self.conn, staff_id)?;
        if !member.active {
            return Err(Error::StaffNotFound);
        }
        self.rewrap_slot(
            staff_id,
            password,
            AuditAction::PasswordReset,
            |_, _| Ok(()),
        )
    }

    /// Changes the signed-in person's own password, after checking the current one.
    pub fn change_password(&mut self, current: &SecretString, new: &SecretString) -> Result<()> {
        staff::check_new_password(new.expose_secret())?;
        self.reload_slots()?;
        let label = staff::slot_label(&self.conn, &self.me.id)?;
        let slot = self.slots.find(&label).ok_or(Error::WrongCredentials)?;
        let unwrapped =
            slot.unwrap_key(&self.slots.vault_id, current.expose_secret().as_bytes())?;
        if unwrapped.is_none() {
            return Err(Error::WrongCredentials);
        }
        let my_id = self.me.id.clone();
        self.rewrap_slot(&my_id, new, AuditAction::PasswordChanged, |_, _| Ok(()))
    }

    /// A page of the audit log, newest first (administrators only).
    pub fn audit_list(&self, offset: u32, limit: u32) -> Result<Vec<AuditEntry>> {
        self.require(&[Role::Admin])?;
        audit::list(&self.conn, offset, limit)
    }

    /// Checks the audit log's hash chain (administrators only).
    pub fn audit_verify(&self) -> Result<AuditVerification> {
        self.require(&[Role::Admin])?;
        audit::verify(&self.conn)
    }

    /// The vault's settings.
    pub fn settings(&self) -> Result<Settings> {
        settings::load(&self.conn)
    }

    /// Changes the settings (administrators only).
    pub fn set_settings(&mut self, new: &Settings) -> Result<Settings> {
        self.require(&[Role::Admin])?;
        new.check()?;
        let tx = self.conn.unchecked_transaction()?;
        settings::store(&tx, new)?;
        self.audit_in(
            &tx,
            AuditAction::SettingsChanged,
            None,
            Some(&format!("idle_lock_minutes={}", new.idle_lock_minutes)),
        )?;
        tx.commit()?;
        settings::load(&self.conn)
    }

    /// The country whose lists this vault uses.
    pub fn country(&self) -> Result<Country> {
        Country::parse(&meta(&self.conn, "country")?).ok_or(Error::VaultCorrupt("unknown country"))
    }

    /// Integrity and format facts for `acompana check`. With `full`, every page of the
    /// database is read and verified (what unlocking does only after a crash); without it,
    /// the key, the header and the schema, as at every unlock.
    pub fn check(&self, full: bool) -> Result<VaultCheck> {
        if full {
            store::full_check(&self.conn)?;
            self.audit(AuditAction::IntegrityChecked, None, None)?;
        } else {
            store::quick_check(&self.conn)?;
        }
        let members = self.staff_list()?;
        Ok(VaultCheck {
            integrity: "ok",
            full,
            schema_version: store::migrations::current_version(&self.conn)?,
            keyslot_format: self.slots.format,
            kdf: self.slots.default_params(),
            staff_total: members.len() as u32,
            staff_active: members.iter().filter(|m| m.active).count() as u32,
        })
    }

    /// Records the lock, anchors the audit chain in the key-slot file, flushes the WAL and
    /// closes the database; the master key is wiped when `self` is dropped at the end of
    /// this call.
    pub fn lock(mut self, reason: LockReason) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        self.audit_in(&tx, AuditAction::Locked, None, Some(reason.as_str()))?;
        tx.execute("DELETE FROM vault_meta WHERE key = ?1", [SESSION_OPEN])?;
        tx.commit()?;
        let anchored = self.anchor_audit();
        store::checkpoint(&self.conn)?;
        self.conn.close().map_err(|(_, error)| Error::from(error))?;
        anchored
    }

    /// Direct access for the crate's own tests of tampering and migrations (the
    /// `test-support` feature, which only the crate's tests and benchmarks turn on).
    #[cfg(any(test, feature = "test-support"))]
    pub fn connection_for_tests(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The crash loop found it: a kill while the re-key wrote its new slot file left
    /// `.keyslots.rekey.json.tmp` behind, forever.
    #[test]
    fn an_interrupted_rekey_leaves_no_temporary_slot_file() {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::new(dir.path());
        let next = RekeyPaths::of(&paths);
        let temp = atomic_temp(&next.keyslots);
        assert_eq!(temp.file_name().unwrap(), ".keyslots.rekey.json.tmp");
        // Killed while writing the new slot file: the copy is there, the slot file is not.
        fs::write(&next.db, b"the new copy").unwrap();
        fs::write(&temp, b"half a slot file").unwrap();
        finish_interrupted_rekey(&paths).unwrap();
        assert!(!next.db.exists());
        assert!(!temp.exists());
        // Or killed after the copy was renamed into place: the temporary file goes too.
        fs::write(&temp, b"half a slot file").unwrap();
        finish_interrupted_rekey(&paths).unwrap();
        assert!(!temp.exists());
    }
}
