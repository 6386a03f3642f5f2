//! Export: for each receiving laptop, the operations it has not seen and may see, in one
//! file encrypted to it (or, for a new laptop, a join file encrypted to a passphrase).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::container;
use super::device::{self, ThisDevice};
use super::manifest::{
    DeviceRange, FileKind, Frame, JoinInfo, Knowledge, Manifest, Registration, FORMAT,
    MAX_FILES_WITHDRAWN,
};
use super::payload;
use crate::audit::AuditAction;
use crate::changelog::{self, Operation};
use crate::error::{Error, Result};
use crate::records::participants::visible_clause_for;
use crate::staff::Role;
use crate::vault::Vault;

/// One file written by an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ExportedFile {
    pub device_id: String,
    pub path: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub operations: u64,
    /// Files the receiving laptop is told to purge.
    pub withdrawn: u32,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
}

/// A new laptop's join file, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NewDevice {
    pub device_id: String,
    /// Shown once, to be read aloud to the colleague; never stored.
    pub passphrase: String,
    /// RFC 3339.
    pub expires: String,
}

/// How long a join file works.
pub const JOIN_VALID_DAYS: i64 = 7;

/// The highest sequence number of each device this laptop can vouch for: its own devices'
/// last operations, and for the others the ranges files have covered from 1 without a gap.
pub(crate) fn knowledge(conn: &Connection) -> Result<BTreeMap<String, u64>> {
    let mut known: BTreeMap<String, u64> = BTreeMap::new();
    let mut statement = conn.prepare(
        "SELECT n.name, c.last_seq FROM device_clock c JOIN log_names n ON n.code = c.device",
    )?;
    for row in statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
    })? {
        let (device, last) = row?;
        known.insert(device, last as u64);
    }
    let mut statement = conn.prepare(
        "SELECT device_id, first_seq, last_seq FROM sync_coverage ORDER BY device_id, first_seq",
    )?;
    let mut prefix: BTreeMap<String, u64> = BTreeMap::new();
    let mut broken: BTreeSet<String> = BTreeSet::new();
    for row in statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, i64>(2)?,
        ))
    })? {
        let (device, first, last) = row?;
        if broken.contains(&device) {
            continue;
        }
        let reached = prefix.entry(device.clone()).or_insert(0);
        if first as u64 <= *reached + 1 {
            *reached = (*reached).max(last as u64);
        } else {
            broken.insert(device);
        }
    }
    for (device, last) in prefix {
        let entry = known.entry(device).or_insert(0);
        *entry = (*entry).max(last);
    }
    Ok(known)
}

/// What a laptop may receive about the women: everything (a coordinator's or an
/// administrator's), or the files its colleague may see.
enum Scope {
    All,
    Files(HashSet<String>),
}

impl Scope {
    fn of(conn: &Connection, staff_id: Option<&str>) -> Result<Scope> {
        if super::holds_every_file(conn, staff_id)? {
            return Ok(Scope::All);
        }
        let active_caseworker: bool = match staff_id {
            Some(id) => conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM staff WHERE id = ?1 AND active AND role = ?2)",
                params![id, Role::Caseworker.as_str()],
                |row| row.get(0),
            )?,
            None => false,
        };
        if !active_caseworker {
            return Ok(Scope::Files(HashSet::new()));
        }
        let mut statement = conn.prepare(&format!(
            "SELECT p.id FROM participants p WHERE p.deleted = 0 AND {}",
            visible_clause_for(Role::Caseworker)
        ))?;
        let ids = statement
            .query_map([staff_id], |row| row.get::<_, String>(0))?
            .collect::<rusqlite::Result<HashSet<String>>>()?;
        Ok(Scope::Files(ids))
    }

    fn allows(&self, op: &Operation) -> bool {
        match (self, &op.participant_id) {
            (_, None) | (Scope::All, _) => true,
            (Scope::Files(ids), Some(her)) => ids.contains(her),
        }
    }
}

/// A file's contents before encryption, and what it tells the bookkeeping.
struct Built {
    /// The frame up to its payload ([`Frame::head`]), then the payload: sealed as one.
    head: Vec<u8>,
    payload: Vec<u8>,
    operations: u64,
    sent_whole: Vec<String>,
    withdrawn: Vec<String>,
    /// How many of `withdrawn` no earlier file to this receiver listed.
    newly_withdrawn: usize,
}

/// Whether this laptop lacks any operation of `device` numbered `first..=last`.
fn misses_any(conn: &Connection, device: &str, first: u64, last: u64) -> Result<bool> {
    let held: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) {}",
            crate::changelog::DEVICE_RANGE
        ))?
        .query_row(params![device, first as i64, last as i64], |row| row.get(0))?;
    Ok((held as u64) < last - first + 1)
}

/// Builds the frame for `receiver` (whose colleague is `staff_id`), given what it knows.
#[allow(clippy::too_many_arguments)]
fn build(
    conn: &Connection,
    this: &ThisDevice,
    receiver: &str,
    staff_id: Option<&str>,
    peer_knows: &BTreeMap<String, u64>,
    kind: FileKind,
    join: Option<JoinInfo>,
    registration: Option<Registration>,
) -> Result<Built> {
    let ours = knowledge(conn)?;
    let mut scope = Scope::of(conn, staff_id)?;
    // A laptop on a prison visit gets only the visit's files while it lasts.
    let now = super::visit::now_ms();
    super::visit::settle_for(conn, receiver, now)?;
    if let Some(package) = super::visit::package_of(conn, receiver, now)? {
        scope = Scope::Files(match scope {
            Scope::All => package.into_iter().collect(),
            Scope::Files(ids) => package.into_iter().filter(|id| ids.contains(id)).collect(),
        });
    }
    // A laptop that holds only some files (a caseworker's) cannot vouch for another laptop's
    // operations outside them, so it sends only its own: the receiver learns the rest from
    // laptops that hold it whole.
    let own_staff = device::entry(conn, &this.id)?.and_then(|e| e.staff_id);
    let whole_holder = super::holds_every_file(conn, own_staff.as_deref())?;
    let vouches_for = |device: &str| whole_holder || device == this.id;
    // By device, then sequence. A device's operations come in sequence order and are
    // collected at once (a map built from sorted entries, not grown one by one).
    let mut chosen: BTreeMap<String, BTreeMap<u64, Operation>> = BTreeMap::new();
    for (device, &last) in &ours {
        if !vouches_for(device) {
            continue;
        }
        let after = peer_knows.get(device).copied().unwrap_or(0);
        if after >= last {
            continue;
        }
        let sent: BTreeMap<u64, Operation> = changelog::since(conn, device, after)?
            .into_iter()
            .filter(|op| op.seq <= last && scope.allows(op))
            .map(|op| (op.seq, op))
            .collect();
        chosen.insert(device.clone(), sent);
    }
    // A laptop that sees only some files gets a file whole the first time it may see it (or
    // again, while it has not confirmed the file that carried it), and is told to purge the
    // files it may no longer see.
    let mut sent_whole = Vec::new();
    let mut withdrawn = Vec::new();
    let mut newly_withdrawn = 0;
    if let Scope::Files(ids) = &scope {
        // What was sent whole (and at which of this laptop's sequence numbers), and what was
        // withdrawn since: a withdrawal is repeated in every file until the file may be
        // hers again, so one lost or undone by an older file is not final.
        let mut confirmed: BTreeMap<String, u64> = BTreeMap::new();
        let mut was_withdrawn: BTreeSet<String> = BTreeSet::new();
        let mut statement = conn
            .prepare("SELECT participant_id, at_seq, withdrawn FROM sync_sent WHERE peer = ?1")?;
        for row in statement.query_map([receiver], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, bool>(2)?,
            ))
        })? {
            let (id, at, gone) = row?;
            if gone {
                was_withdrawn.insert(id);
            } else {
                confirmed.insert(id, at as u64);
            }
        }
        let acknowledged = peer_knows.get(&this.id).copied().unwrap_or(0);
        let mut sorted: Vec<&String> = ids.iter().collect();
        sorted.sort();
        for id in sorted {
            if confirmed.get(id).is_some_and(|at| *at <= acknowledged) {
                continue;
            }
            for op in changelog::about_participant(conn, id)? {
                if vouches_for(&op.device_id)
                    && ours.get(&op.device_id).is_some_and(|last| op.seq <= *last)
                {
                    chosen
                        .entry(op.device_id.clone())
                        .or_default()
                        .insert(op.seq, op);
                }
            }
            sent_whole.push(id.clone());
        }
        // New withdrawals first, so that a long list never crowds them out.
        for id in confirmed.keys() {
            if !ids.contains(id) && withdrawn.len() < MAX_FILES_WITHDRAWN {
                withdrawn.push(id.clone());
                newly_withdrawn += 1;
            }
        }
        for id in &was_withdrawn {
            if !ids.contains(id) && withdrawn.len() < MAX_FILES_WITHDRAWN {
                withdrawn.push(id.clone());
            }
        }
    }
    let mut ranges = Vec::new();
    for (device, &last) in &ours {
        if !vouches_for(device) {
            continue;
        }
        let after = peer_knows.get(device).copied().unwrap_or(0);
        let carried = chosen.get(device);
        let mut count = carried.map_or(0, |ops| ops.len() as u64);
        let lowest = carried.and_then(|ops| ops.keys().next().copied());
        if count == 0 && after >= last {
            continue;
        }
        let mut first = lowest.map_or(after + 1, |low| low.min(after + 1)).min(last);
        if !whole_holder && matches!(scope, Scope::All) && *device == this.id {
            // A laptop that holds only some files lets go of its own operations about a file
            // she may no longer see once a laptop holding every file has confirmed them (up to
            // `confirmed`; an erasure takes others, which no laptop needs). Its range to a laptop
            // that counts the range as covered (one that holds every file) never claims one it
            // no longer holds: it then starts after `confirmed`, and the laptops holding every
            // file send that laptop the operations before.
            let confirmed = super::import::confirmed_by_a_whole_holder(conn, &this.id)?.min(last);
            if first.max(1) <= confirmed && misses_any(conn, device, first.max(1), confirmed)? {
                if let Some(ops) = chosen.get_mut(device) {
                    let kept = ops.split_off(&(confirmed + 1));
                    count -= ops.len() as u64;
                    *ops = kept;
                }
                if confirmed >= last {
                    continue;
                }
                first = confirmed + 1;
            }
        }
        ranges.push(DeviceRange {
            device: device.clone(),
            first_seq: first.max(1),
            last_seq: last,
            count,
        });
    }
    let operations: Vec<Operation> = chosen
        .into_values()
        .flat_map(BTreeMap::into_values)
        .collect();
    let payload = payload::encode(&operations)?;
    let manifest = Manifest {
        format: FORMAT,
        min_reader: FORMAT,
        kind,
        organization_id: crate::vault::meta(conn, "org_id")?,
        sender_device: this.id.clone(),
        recipients: if kind == FileKind::Join {
            vec![]
        } else {
            vec![receiver.to_string()]
        },
        created_ms: chrono::Utc::now().timestamp_millis().max(0) as u64,
        knowledge: ours
            .iter()
            .map(|(device, last)| Knowledge {
                device: device.clone(),
                last_seq: *last,
            })
            .collect(),
        ranges,
        operations: operations.len() as u64,
        withdrawn: withdrawn.clone(),
        join,
        registration,
        payload_bytes: 0,
        payload_sha256: String::new(),
    };
    let count = operations.len() as u64;
    // The operations are let go of on another core while the frame is written: freeing them
    // one by one took about as long as hashing the payload.
    let head = std::thread::scope(|scope| {
        scope.spawn(move || drop(operations));
        Frame::head(manifest, &payload, |bytes| this.signing.sign(bytes))
    })
    .map_err(|refusal| Error::Internal(format!("export: {}", refusal.code())))?;
    Ok(Built {
        head,
        payload,
        operations: count,
        sent_whole,
        withdrawn,
        newly_withdrawn,
    })
}

/// Whether `reader` holds exactly `expected`, read a mebibyte at a time.
fn reads_back_as(mut reader: impl std::io::Read, expected: &[u8]) -> Result<bool> {
    let mut chunk = vec![0u8; 1 << 20];
    let mut at = 0;
    loop {
        let read = match reader.read(&mut chunk) {
            Ok(0) => return Ok(at == expected.len()),
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if expected.get(at..at + read) != Some(&chunk[..read]) {
            return Ok(false);
        }
        at += read;
    }
}

/// Writes `bytes` to `path` whole or not at all: a temporary file beside it, flushed to disk,
/// renamed, then read back and compared.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or(Error::invalid("to", "a file name"))?
        .to_string_lossy()
        .to_string();
    let partial = dir.join(format!(".{name}.partial"));
    let result = (|| -> Result<()> {
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&partial, path)?;
        if let Ok(folder) = std::fs::File::open(dir) {
            let _ = folder.sync_all();
        }
        // Compared byte for byte (hashing both copies cost more than the comparison), a
        // mebibyte at a time rather than into a second copy of the whole file.
        if !reads_back_as(std::fs::File::open(path)?, bytes)? {
            return Err(Error::Io(std::io::Error::other(
                "the file did not read back whole",
            )));
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// What this laptop sends while its own registration has not come back with its keys.
pub(crate) fn pending_registration(
    conn: &Connection,
    this: &ThisDevice,
) -> Result<Option<Registration>> {
    let registered = device::entry(conn, &this.id)?.is_some_and(|e| e.signing_key.is_some());
    if !registered {
        let stored: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
            "SELECT value FROM vault_meta WHERE key = 'join_registration'",
            [],
            |row| row.get(0),
        ))?;
        if let Some(text) = stored {
            return serde_json::from_str(&text)
                .map(Some)
                .map_err(|_| Error::VaultCorrupt("this laptop's registration is unreadable"));
        }
    }
    // A laptop that took a new id (restored from a backup, copied) and registered it itself:
    // the laptop it was vouches for it, in every file, for receivers that do not know it yet.
    device::vouch(conn, this)
}

impl Vault {
    /// This laptop's sync keys.
    pub(crate) fn this_device(&self) -> Result<ThisDevice> {
        device::this_device(&self.conn, &self.device_id)
    }

    /// The organization's laptops.
    pub fn device_list(&self) -> Result<Vec<device::Device>> {
        device::list(&self.conn, &self.device_id)
    }

    /// Writes, for each receiving laptop (`for_devices`, or every other registered laptop),
    /// the operations it has not seen and may see, one file each: `to` is the file when there
    /// is one receiver, a folder otherwise. `full` sends everything it may see.
    pub fn sync_export(
        &mut self,
        to: &Path,
        for_devices: &[String],
        full: bool,
    ) -> Result<Vec<ExportedFile>> {
        let this = self.this_device()?;
        let registered: Vec<device::Device> = self
            .device_list()?
            .into_iter()
            .filter(|d| !d.this_laptop && d.registered && !d.revoked)
            .collect();
        let receivers: Vec<String> = if for_devices.is_empty() {
            registered.iter().map(|d| d.id.clone()).collect()
        } else {
            for wanted in for_devices {
                if !registered.iter().any(|d| &d.id == wanted) {
                    return Err(Error::invalid(
                        "for",
                        "a registered laptop of the organization",
                    ));
                }
            }
            for_devices.to_vec()
        };
        if receivers.is_empty() {
            return Err(Error::invalid("for", "no other laptop is registered yet"));
        }
        let one = receivers.len() == 1;
        if !one {
            std::fs::create_dir_all(to)?;
        }
        let registration = pending_registration(&self.conn, &this)?;
        let progress = self.progress.clone();
        let watching = crate::progress::Watching::start(&progress);
        watching
            .0
            .enter(crate::progress::Phase::Writing, receivers.len() as u64);
        let mut written: Vec<ExportedFile> = Vec::new();
        for receiver in &receivers {
            // Stopped: the files written so far are taken back, as if lost on the way (a
            // lost file's changes go in the next one).
            if let Err(stopped) = progress.check() {
                for file in &written {
                    let _ = std::fs::remove_file(&file.path);
                }
                return Err(stopped);
            }
            let path: PathBuf = if one {
                to.to_path_buf()
            } else {
                to.join(file_name(&this.id, receiver))
            };
            if let Some(file) =
                self.export_one(&this, receiver, registration.clone(), full, &path, false)?
            {
                written.push(file);
            }
            watching.0.advance(1);
        }
        Ok(written)
    }

    /// Writes one receiver's file to `path`. With `only_if_new`, a file with no operation and
    /// no withdrawal is written only when this laptop's knowledge changed since the last one
    /// it put in the sync folder for that receiver.
    fn export_one(
        &mut self,
        this: &ThisDevice,
        receiver: &str,
        registration: Option<Registration>,
        full: bool,
        path: &Path,
        only_if_new: bool,
    ) -> Result<Option<ExportedFile>> {
        let entry = device::entry(&self.conn, receiver)?
            .ok_or(Error::invalid("for", "a registered laptop"))?;
        let recipient = entry
            .age_recipient
            .clone()
            .ok_or(Error::invalid("for", "a laptop that has joined"))?;
        let mut peer_knows: BTreeMap<String, u64> = if full {
            BTreeMap::new()
        } else {
            let mut statement = self
                .conn
                .prepare("SELECT device, last_seq FROM sync_peers WHERE peer = ?1")?;
            let rows = statement.query_map([receiver], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let last_told: Option<String> =
            rusqlite::OptionalExtension::optional(self.conn.query_row(
                "SELECT knowledge FROM sync_folder_sent WHERE peer = ?1",
                [receiver],
                |row| row.get(0),
            ))?;
        if only_if_new && !full {
            // What an earlier file in the folder carries is not written again: the folder
            // still holds it.
            let told: BTreeMap<String, u64> = last_told
                .as_deref()
                .and_then(|text| serde_json::from_str(text).ok())
                .unwrap_or_default();
            for (device, last) in told {
                let known = peer_knows.entry(device).or_insert(0);
                *known = (*known).max(last);
            }
        }
        let built = build(
            &self.conn,
            this,
            receiver,
            entry.staff_id.as_deref(),
            &peer_knows,
            FileKind::Changes,
            None,
            registration,
        )?;
        let told = serde_json::to_string(&knowledge(&self.conn)?)?;
        if only_if_new
            && built.operations == 0
            && built.newly_withdrawn == 0
            && last_told.as_deref() == Some(told.as_str())
        {
            return Ok(None);
        }
        let sealed =
            container::seal_parts_to_devices(&[&built.head, &built.payload], &[recipient])?;
        write_file(path, &sealed)?;
        let tx = self.conn.unchecked_transaction()?;
        remember_sent(&tx, receiver, &built, &self.device_id)?;
        if only_if_new {
            tx.execute(
                "INSERT INTO sync_folder_sent (peer, knowledge) VALUES (?1, ?2)
                 ON CONFLICT(peer) DO UPDATE SET knowledge = excluded.knowledge",
                params![receiver, told],
            )?;
        }
        self.audit_in(
            &tx,
            AuditAction::SyncExported,
            None,
            Some(&serde_json::json!({"to": receiver, "operations": built.operations}).to_string()),
        )?;
        tx.commit()?;
        Ok(Some(ExportedFile {
            device_id: receiver.to_string(),
            path: path.display().to_string(),
            operations: built.operations,
            withdrawn: built.withdrawn.len() as u32,
            bytes: sealed.len() as u64,
        }))
    }

    /// The folder this laptop syncs through (a folder Syncthing or a network drive carries),
    /// if one is set. It is kept inside the encrypted database, for this laptop only.
    pub fn sync_folder_path(&self) -> Result<Option<std::path::PathBuf>> {
        let path: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'sync_folder'",
                [],
                |row| row.get(0),
            )
            .optional()?;
        Ok(path.map(std::path::PathBuf::from))
    }

    /// Sets (an existing folder) or clears this laptop's sync folder.
    pub fn set_sync_folder_path(&mut self, dir: Option<&Path>) -> Result<()> {
        match dir {
            Some(dir) => {
                if !dir.is_dir() {
                    return Err(Error::invalid("dir", "an existing folder"));
                }
                let text = dir
                    .to_str()
                    .ok_or(Error::invalid("dir", "a folder path in Unicode"))?;
                self.conn.execute(
                    "INSERT INTO settings (key, value) VALUES ('sync_folder', ?1)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [text],
                )?;
            }
            None => {
                self.conn
                    .execute("DELETE FROM settings WHERE key = 'sync_folder'", [])?;
            }
        }
        Ok(())
    }

    /// Syncs through this laptop's sync folder ([`Vault::sync_folder`]); `None` when no
    /// folder is set.
    pub fn sync_folder_now(&mut self) -> Result<Option<FolderReport>> {
        match self.sync_folder_path()? {
            Some(dir) => self.sync_folder(&dir).map(Some),
            None => Ok(None),
        }
    }

    /// Syncs through a shared folder (a USB stick, or one a sync engine carries): imports
    /// every file in `dir` meant for this laptop that it has not applied (each on its own:
    /// a refused file is reported and the others still apply), then writes what is new for
    /// each other laptop. Its own files, partial files and a sync engine's temporary files
    /// and conflict copies are ignored.
    pub fn sync_folder(&mut self, dir: &Path) -> Result<FolderReport> {
        if !dir.is_dir() {
            return Err(Error::invalid("dir", "an existing folder"));
        }
        let this = self.this_device()?;
        let mut report = FolderReport::default();
        let mut names: Vec<String> = std::fs::read_dir(dir)?
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|entry| entry.file_name().into_string().ok())
            .collect();
        names.sort();
        for name in names {
            let Some((sender, receiver)) = parse_file_name(&name) else {
                continue;
            };
            if receiver != this.id || sender == this.id {
                continue;
            }
            let path = dir.join(&name);
            let bytes = std::fs::read(&path)?;
            let digest = Sha256::digest(&bytes).to_vec();
            if super::import::was_applied(&self.conn, &digest)? {
                report.already_applied += 1;
                continue;
            }
            // The import remembers the file as applied.
            match self.sync_import(std::slice::from_ref(&path)) {
                Ok(imported) => {
                    report.imported.push(name);
                    report.merge(imported);
                }
                Err(Error::SyncRefused(reason)) => report.refused.push(RefusedFile {
                    file: name,
                    reason: reason.to_string(),
                }),
                Err(other) => return Err(other),
            }
        }
        let registration = pending_registration(&self.conn, &this)?;
        let receivers: Vec<String> = self
            .device_list()?
            .into_iter()
            .filter(|d| !d.this_laptop && d.registered && !d.revoked)
            .map(|d| d.id)
            .collect();
        for receiver in receivers {
            let path = dir.join(file_name(&this.id, &receiver));
            if let Some(file) =
                self.export_one(&this, &receiver, registration.clone(), false, &path, true)?
            {
                report.exported.push(file);
            }
        }
        Ok(report)
    }

    /// Prepares a laptop for a colleague: registers it (without keys yet), and writes to
    /// `out` its join file, encrypted to a one-off passphrase that is returned once. The file
    /// carries everything her role may see; it works once, for [`JOIN_VALID_DAYS`] days.
    pub fn device_add(&mut self, username: &str, name: &str, out: &Path) -> Result<NewDevice> {
        self.require(&[Role::Admin, Role::Coordinator])?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid("name", "1 to 100 characters"));
        }
        let member =
            crate::staff::by_username(&self.conn, &crate::staff::Username::typed(username))?;
        if !member.active {
            return Err(Error::StaffNotFound);
        }
        let this = self.this_device()?;
        let device_id = uuid::Uuid::new_v4().to_string();
        let passphrase = device::new_passphrase();
        let expires = chrono::Utc::now() + chrono::Duration::days(JOIN_VALID_DAYS);
        let expires_text = expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let tx = self.conn.unchecked_transaction()?;
        device::register(
            &tx,
            self.writer(),
            &device_id,
            device::first_fields(name, &member.id, &self.me.id, None, Some(&expires_text)),
        )?;
        tx.execute(
            "INSERT INTO join_secrets (device_id, proof_key, expires_ms) VALUES (?1, ?2, ?3)",
            params![
                device_id,
                device::proof_key(&passphrase).as_slice(),
                expires.timestamp_millis()
            ],
        )?;
        let built = build(
            &tx,
            &this,
            &device_id,
            Some(&member.id),
            &BTreeMap::new(),
            FileKind::Join,
            Some(JoinInfo {
                device_id: device_id.clone(),
                staff_id: member.id.clone(),
                expires_ms: expires.timestamp_millis().max(0) as u64,
                org_name: crate::vault::meta(&tx, "org_name")?,
                country: crate::vault::meta(&tx, "country")?,
            }),
            None,
        )?;
        let sealed =
            container::seal_parts_to_passphrase(&[&built.head, &built.payload], &passphrase)?;
        write_file(out, &sealed)?;
        remember_sent(&tx, &device_id, &built, &self.device_id)?;
        self.audit_in(&tx, AuditAction::DeviceAdded, Some(&member.id), None)?;
        tx.commit()?;
        Ok(NewDevice {
            device_id,
            passphrase,
            expires: expires_text,
        })
    }

    /// Revokes a laptop (after the signed-in person's password): files it signs are refused
    /// wherever the revocation has reached, and this vault is re-keyed, with a new recovery
    /// code, so that whatever the lost laptop's people knew of this one's keys opens nothing.
    pub fn device_revoke(
        &mut self,
        device_id: &str,
        password: &secrecy::SecretString,
    ) -> Result<crate::vault::Rekeyed> {
        self.require(&[Role::Admin, Role::Coordinator])?;
        if device_id == self.device_id {
            return Err(Error::invalid("device", "another laptop than this one"));
        }
        device::entry(&self.conn, device_id)?.ok_or(Error::NotFound)?;
        let revoked = device_id.to_string();
        self.rekey(password, &[], "device_revoked", |tx, device, me| {
            device::set(
                tx,
                crate::changelog::Writer::new(device, me),
                &revoked,
                "revoked",
                serde_json::json!(true),
            )?;
            tx.execute("DELETE FROM join_secrets WHERE device_id = ?1", [&revoked])?;
            crate::audit::append(
                tx,
                crate::audit::NewEntry {
                    device_id: device,
                    actor_id: Some(me),
                    action: AuditAction::DeviceRevoked,
                    target_id: None,
                    detail: Some(&revoked),
                    at: None,
                },
            )
        })
    }
}

/// A file refused by a folder sync, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RefusedFile {
    pub file: String,
    pub reason: String,
}

/// What a folder sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FolderReport {
    pub imported: Vec<String>,
    pub already_applied: u32,
    pub refused: Vec<RefusedFile>,
    pub exported: Vec<ExportedFile>,
    /// The imports' totals.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub applied: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub known: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub conflicts: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub dropped: u64,
    pub participants_changed: Vec<super::import::ChangedFile>,
}

impl FolderReport {
    fn merge(&mut self, imported: super::import::ImportReport) {
        self.applied += imported.applied;
        self.known += imported.known;
        self.conflicts += imported.conflicts;
        self.dropped += imported.dropped;
        for changed in imported.participants_changed {
            if !self.participants_changed.contains(&changed) {
                self.participants_changed.push(changed);
            }
        }
    }
}

/// The sending and receiving laptops a sync file's name states, when it is exactly a name
/// [`file_name`] makes (a partial file, a temporary file or a conflict copy is not).
pub fn parse_file_name(name: &str) -> Option<(String, String)> {
    let rest = name.strip_prefix("acompana_")?.strip_suffix(".sync")?;
    let mut parts = rest.split('_');
    let (sender, receiver, ms) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || ms.is_empty() || !ms.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let id = |text: &str| crate::compact::canonical_uuid(text).map(|_| text.to_string());
    Some((id(sender)?, id(receiver)?))
}

/// A file name that says which laptops it is between and when, and nothing about the women.
pub fn file_name(sender: &str, receiver: &str) -> String {
    format!(
        "acompana_{sender}_{receiver}_{}.sync",
        chrono::Utc::now().timestamp_millis()
    )
}

fn remember_sent(
    conn: &Connection,
    receiver: &str,
    built: &Built,
    this_device: &str,
) -> Result<()> {
    let written: i64 = conn
        .query_row(
            "SELECT c.last_seq FROM device_clock c JOIN log_names n ON n.code = c.device
             WHERE n.name = ?1",
            [this_device],
            |row| row.get(0),
        )
        .unwrap_or(0);
    // A file sent whole is confirmed when the receiver says it knows this laptop's
    // operations up to `at`, which no earlier file to it can have taught it. When an earlier
    // file already told it every operation this laptop has written (the file was given to
    // her on another laptop, and this one wrote nothing since), `at` is its next operation:
    // until a file carrying one arrives there, every file to it carries her file whole again.
    let told: i64 = conn
        .query_row(
            "SELECT own_seq FROM sync_told WHERE peer = ?1",
            [receiver],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let at = if written <= told {
        written + 1
    } else {
        written
    };
    conn.execute(
        "INSERT INTO sync_told (peer, own_seq) VALUES (?1, ?2)
         ON CONFLICT(peer) DO UPDATE SET own_seq = max(own_seq, excluded.own_seq)",
        params![receiver, written],
    )?;
    for id in &built.sent_whole {
        conn.execute(
            "INSERT INTO sync_sent (peer, participant_id, at_seq) VALUES (?1, ?2, ?3)
             ON CONFLICT(peer, participant_id)
             DO UPDATE SET at_seq = excluded.at_seq, withdrawn = 0",
            params![receiver, id, at],
        )?;
    }
    for id in &built.withdrawn {
        conn.execute(
            "UPDATE sync_sent SET withdrawn = 1 WHERE peer = ?1 AND participant_id = ?2",
            params![receiver, id],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0191c3a0-0000-7000-8000-0000000000a1";
    const B: &str = "0191c3a0-0000-7000-8000-0000000000b2";

    /// A reader that hands out at most `step` bytes a call and is interrupted every other one.
    struct Trickle<'a> {
        bytes: &'a [u8],
        step: usize,
        interrupt: bool,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = self.step.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_written_file_reads_back_only_when_it_is_the_same_bytes_whole() {
        let written: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let back = |bytes: &[u8], step| {
            reads_back_as(
                Trickle {
                    bytes,
                    step,
                    interrupt: false,
                },
                &written,
            )
            .unwrap()
        };
        assert!(back(&written, 1 << 20));
        assert!(back(&written, 7_777));
        assert!(!back(&written[..written.len() - 1], 1 << 20), "cut short");
        let mut longer = written.clone();
        longer.push(0);
        assert!(!back(&longer, 1 << 20), "longer");
        let mut changed = written.clone();
        changed[2_500_000] ^= 1;
        assert!(!back(&changed, 1 << 20), "one bit changed");
        assert!(!back(&[], 1 << 20), "empty");
        assert!(reads_back_as(std::io::empty(), &[]).unwrap());
    }

    #[test]
    fn only_whole_sync_file_names_are_read_from_a_folder() {
        let name = file_name(A, B);
        assert_eq!(parse_file_name(&name), Some((A.into(), B.into())));
        for ignored in [
            format!(".{name}.partial"),
            format!(".syncthing.{name}.tmp"),
            name.replace(".sync", ".sync-conflict-20261201-101010-ABCDEFG.sync"),
            format!("acompana_{A}_{B}_12x.sync"),
            format!("acompana_{A}_{B}_.sync"),
            format!("acompana_{A}_{B}_1_2.sync"),
            format!("acompana_{A}_Lucia_1.sync"),
            format!("acompana_{}_{B}_1.sync", A.to_uppercase()),
            "notas.txt".to_string(),
        ] {
            assert_eq!(parse_file_name(&ignored), None, "{ignored}");
        }
        assert!(!name.contains("Rosa") && name.len() < 120);
    }
}

/// What a caseworker's laptop holds, read from every page of its database and log.
#[cfg(test)]
mod scope_tests {
    use secrecy::SecretString;

    use crate::records::contacts::Note;
    use crate::records::participants::NewParticipant;
    use crate::records::record::RecordData;
    use crate::staff::Role;
    use crate::sync::pages::{found, plaintext_pages};
    use crate::vault::{KdfChoice, LockReason, NewVault, Vault, VaultPaths};

    fn secret(text: &str) -> SecretString {
        SecretString::from(text.to_string())
    }

    fn woman(vault: &mut Vault, name: &str, note: &str, caseworker: &str) -> String {
        let her = vault
            .participant_add(NewParticipant {
                legal_name: name.into(),
                chosen_name: None,
                birth_year: Some(1990),
                department: None,
                assign_to: Some(caseworker.into()),
            })
            .unwrap();
        vault
            .record_save(
                &her.id,
                None,
                RecordData::Note(Note {
                    date: "2026-11-30".into(),
                    text: note.into(),
                    sensitive: false,
                    contact_id: None,
                }),
            )
            .unwrap();
        her.id
    }

    #[test]
    fn a_caseworkers_laptop_holds_no_byte_of_another_caseworkers_woman() {
        let dir = tempfile::tempdir().unwrap();
        let office = VaultPaths::new(dir.path().join("office"));
        let (mut admin, _) = crate::opening::create(
            &office,
            NewVault {
                org_name: "Organización de prueba".into(),
                country: crate::Country::CO,
                admin_username: "coordinadora".into(),
                admin_display_name: "Coordinadora".into(),
                admin_password: secret("clave-de-prueba-1"),
            },
            KdfChoice::Minimum,
        )
        .unwrap();
        for (username, role) in [("lucia", Role::Caseworker), ("marta", Role::Caseworker)] {
            admin
                .staff_add(username, username, role, &secret("clave-de-prueba-2"))
                .unwrap();
        }
        let hers = woman(
            &mut admin,
            "Abigail Lucerito",
            "Habló de Cornelio Fosforito",
            "lucia",
        );
        woman(
            &mut admin,
            "Brunilda Martinica",
            "Habló de Eustaquio Piedralumbre",
            "marta",
        );
        let join = dir.path().join("lucia.join");
        let added = admin.device_add("lucia", "Laptop Lucía", &join).unwrap();
        let laptop = VaultPaths::new(dir.path().join("laptop"));
        let (mut lucia, _) = crate::opening::join(
            &laptop,
            crate::opening::Joining {
                file: &std::fs::read(&join).unwrap(),
                passphrase: &added.passphrase,
                password: &secret("clave-de-lucia-1"),
            },
            KdfChoice::Minimum,
        )
        .unwrap();
        let key = *lucia.master.expose();
        let up = dir.path().join("up.sync");
        lucia
            .sync_export(&up, &[admin.device_id().to_string()], false)
            .unwrap();
        admin.sync_import(std::slice::from_ref(&up)).unwrap();
        let down = dir.path().join("down.sync");
        admin
            .sync_export(&down, std::slice::from_ref(&added.device_id), false)
            .unwrap();
        lucia.sync_import(std::slice::from_ref(&down)).unwrap();
        let pages = plaintext_pages(&laptop, &key);
        for mine in ["Lucerito", "Cornelio Fosforito"] {
            assert!(found(&pages, mine) > 0, "{mine} is on her laptop");
        }
        for not_mine in ["Martinica", "Eustaquio Piedralumbre", "martinica"] {
            assert_eq!(
                found(&pages, not_mine),
                0,
                "{not_mine} is not on her laptop"
            );
        }
        // Reassigned away from her: the next file purges it, and no page keeps it.
        admin.participant_assign(&hers, Some("marta")).unwrap();
        admin
            .sync_export(&down, std::slice::from_ref(&added.device_id), false)
            .unwrap();
        let report = lucia.sync_import(std::slice::from_ref(&down)).unwrap();
        assert_eq!(report.purged, 1);
        let pages = plaintext_pages(&laptop, &key);
        for gone in ["Lucerito", "Cornelio Fosforito", "lucerito"] {
            assert_eq!(found(&pages, gone), 0, "{gone} left her laptop");
        }
        lucia.lock(LockReason::Manual).unwrap();
        admin.lock(LockReason::Manual).unwrap();
    }
}
