//! Import: each file decrypted and checked whole (signature, sender, organization, versions,
//! sizes, payload, every operation and the authority behind it) before any of it is applied;
//! then every file's operations applied in one transaction, with the same derived state a
//! local edit keeps (visible rows, search index, counts, tasks).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

// Sets and maps over every operation of a file: foldhash, many times faster than the
// standard hasher on short keys (the files are signed by the organization's own laptops).
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::container;
use super::device::{self, ThisDevice};
use super::manifest::{FileKind, Frame, Manifest, Refusal};
use super::payload;
use super::signing;
use crate::audit::AuditAction;
use crate::changelog::{self, OpKind, Operation};
use crate::error::{Error, Result};
use crate::records::record::StoredRecord;
use crate::records::{case_file, directory, participants};
use crate::staff::Role;
use crate::vault::Vault;

/// A file checked whole and ready to apply.
pub(crate) struct Verified {
    pub manifest: Manifest,
    pub operations: Vec<Operation>,
    /// A new laptop whose first file proved its join secret: its keys.
    pub registration: Option<(String, String, String)>,
}

/// A file whose contents changed here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ChangedFile {
    pub id: String,
    pub case_code: String,
    pub chosen_name: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub files: u32,
    /// Operations new to this laptop, now on its log.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub applied: u64,
    /// Operations it already had.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub known: u64,
    /// New operations that lost to one that had seen them, or to a later one.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub superseded: u64,
    /// Records with concurrent edits waiting to be settled.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub conflicts: u64,
    /// Operations not kept (about a file this laptop may not hold).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub dropped: u64,
    /// Operations stamped more than a day ahead of this laptop's clock.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub from_the_future: u64,
    /// The laptops the files came from (names).
    pub from: Vec<String>,
    pub participants_changed: Vec<ChangedFile>,
    /// Files this laptop no longer holds.
    pub purged: u32,
    /// Women erased by the files: taken off this laptop.
    pub erased: u32,
    /// Operations about an erased woman, not kept.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub dropped_erased: u64,
    /// Merged records that break a rule each met where it was written (kept, to be fixed).
    pub rule_warnings: Vec<RuleWarning>,
    /// Files this laptop had imported before (the very same file): nothing in them is read
    /// again.
    pub already_imported: u32,
    /// Colleagues another laptop added under a username a colleague here already has: they
    /// go by another username on this laptop.
    pub renamed_staff: Vec<RenamedStaff>,
    /// Files of a prison visit taken off this laptop: the visit is over (its work synced
    /// back, or another package replaced it).
    pub visit_files_purged: u32,
}

/// A colleague who goes by another username on this laptop: two laptops added colleagues
/// under one username before they synced, and the one this laptop held first kept it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RenamedStaff {
    pub staff_id: String,
    /// The username she was given on the laptop that added her.
    pub username: String,
    /// The username she signs in with and is shown by here.
    pub shown_as: String,
}

/// A rule that merged records break: each was within it where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RuleWarning {
    pub participant_id: String,
    pub case_code: String,
    /// `service_hours_over_a_day`: a plan's hours log adds up to more than 8 hours in a day.
    /// `case_code_taken`: another laptop drew for her a case code a file here already has;
    /// she goes by `case_code` on this laptop.
    pub rule: String,
    /// The record it concerns (the plan; her file for a case code).
    pub record_id: String,
    /// For the hours rule, the day and the hours logged (`2026-11-02: 10`); for a case code,
    /// the code drawn for her.
    pub detail: String,
}

fn refused(refusal: Refusal) -> Error {
    Error::SyncRefused(refusal.code())
}

/// Whether a staff operation makes its record an administrator.
fn makes_admin(op: &Operation) -> bool {
    let admin = Some(Role::Admin.as_str());
    match op.kind {
        OpKind::Create => {
            op.value
                .as_ref()
                .and_then(|v| v.get("role"))
                .and_then(Value::as_str)
                == admin
        }
        OpKind::Set => op.field == "role" && op.value.as_ref().and_then(Value::as_str) == admin,
        _ => false,
    }
}

/// The roles of the roster, with the batch's own staff records folded in: those written by an
/// administrator (of the roster, or made one by such records), the only ones the batch may
/// carry. Any other author's staff records are left out, so that her role is the one she
/// had; [`check_authority`] then refuses them (a caseworker's laptop cannot make her, or a
/// colleague it invents, an administrator by sending the change itself).
fn roster(conn: &Connection, operations: &[Operation]) -> Result<HashMap<String, (Role, bool)>> {
    let mut roles = HashMap::new();
    let mut statement = conn.prepare("SELECT id, role, active FROM staff")?;
    for row in statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, bool>(2)?,
        ))
    })? {
        let (id, role, active) = row?;
        if let Ok(role) = role.parse::<Role>() {
            roles.insert(id, (role, active));
        }
    }
    let staff_ops: Vec<&Operation> = operations
        .iter()
        .filter(|op| op.record_type == crate::staff::RECORD_TYPE)
        .collect();
    let mut admins: BTreeSet<&str> = roles
        .iter()
        .filter(|(_, (role, _))| *role == Role::Admin)
        .map(|(id, _)| id.as_str())
        .collect();
    loop {
        let known = admins.len();
        for op in &staff_ops {
            if admins.contains(op.author_id.as_str()) && makes_admin(op) {
                admins.insert(&op.record_id);
            }
        }
        if admins.len() == known {
            break;
        }
    }
    let staff_ops: Vec<Operation> = staff_ops
        .into_iter()
        .filter(|op| admins.contains(op.author_id.as_str()))
        .cloned()
        .collect();
    for ((_, id), state) in changelog::fold(&staff_ops) {
        let known = roles.get(&id).copied();
        let role = state
            .fields
            .get("role")
            .and_then(Value::as_str)
            .and_then(|r| r.parse::<Role>().ok())
            .or(known.map(|(role, _)| role));
        let active = state
            .fields
            .get("active")
            .and_then(Value::as_bool)
            .unwrap_or(known.is_none_or(|(_, active)| active));
        if let Some(role) = role {
            roles.insert(id, (role, active));
        }
    }
    Ok(roles)
}

/// Whether `staff` may see the file `her`: assigned or shared here, or in the batch by someone
/// who may assign and share.
fn may_see(conn: &Connection, batch: &[Operation], staff: &str, her: &str) -> Result<bool> {
    let here: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM participants p WHERE p.id = ?2 AND (p.assigned_to = ?1
             OR EXISTS (SELECT 1 FROM participant_access a
                        WHERE a.participant_id = p.id AND a.staff_id = ?1)))",
        params![staff, her],
        |row| row.get(0),
    )?;
    if here {
        return Ok(true);
    }
    Ok(batch.iter().any(|op| gives(op, staff, her)))
}

/// Whether the colleague `staff` may see the file `her`, as this laptop knows it.
pub(crate) fn colleague_may_see(conn: &Connection, staff: &str, her: &str) -> Result<bool> {
    may_see(conn, &[], staff, her)
}

/// Whether `op` assigns or shares the file `her` to `staff`.
fn gives(op: &Operation, staff: &str, her: &str) -> bool {
    op.participant_id.as_deref() == Some(her)
        && match (op.record_type.as_str(), op.kind) {
            ("participant", OpKind::Create) => {
                op.value
                    .as_ref()
                    .and_then(|v| v.get("assignedTo"))
                    .and_then(Value::as_str)
                    == Some(staff)
            }
            ("participant", OpKind::Set) => {
                op.field == "assignedTo" && op.value.as_ref().and_then(Value::as_str) == Some(staff)
            }
            ("participant_access", OpKind::Create) => {
                op.value
                    .as_ref()
                    .and_then(|v| v.get("staffId"))
                    .and_then(Value::as_str)
                    == Some(staff)
            }
            _ => false,
        }
}

/// Whether `staff` may see the file `her`, or was given it once (by an operation held here
/// or in the batch): a caseworker's laptop goes on writing about a file until it hears that
/// the file was reassigned or unshared, and sends what it wrote. Refusing those operations
/// refused every file that carried them, from her laptop or any other, for good.
fn was_given(conn: &Connection, batch: &[Operation], staff: &str, her: &str) -> Result<bool> {
    if may_see(conn, batch, staff, her)? {
        return Ok(true);
    }
    Ok(changelog::about_participant(conn, her)?
        .iter()
        .any(|op| gives(op, staff, her)))
}

/// Refuses operations that their author's role, or the sending laptop's colleague, may not
/// make: a caseworker changes no roles, registers no laptop, assigns and shares no file, and
/// touches only the files she may see or was given ([`was_given`]).
fn check_authority(
    conn: &Connection,
    operations: &[Operation],
    sender_staff: Option<&str>,
) -> std::result::Result<(), Refusal> {
    let failed = |_| Refusal::Damaged;
    let roles = roster(conn, operations).map_err(failed)?;
    let sender_role = sender_staff
        .and_then(|id| roles.get(id))
        .map(|(role, _)| *role);
    let mut seen_files: HashMap<(String, String), bool> = HashMap::new();
    // Operations about an erased woman are dropped whoever wrote them.
    let mut erased = super::erasure::Erasures::new(conn).map_err(failed)?;
    for op in operations
        .iter()
        .filter(|op| op.record_type == super::erasure::RECORD_TYPE)
    {
        erased.insert(&op.record_id).map_err(failed)?;
    }
    let sender_is_caseworker = sender_staff.is_some() && sender_role == Some(Role::Caseworker);
    for op in operations {
        let Some((role, _)) = roles.get(&op.author_id).copied() else {
            return Err(Refusal::NotAllowed("an author not on the roster"));
        };
        let manager = role != Role::Caseworker;
        let own_first = op.record_type == "staff"
            && op.author_id == op.record_id
            && op.kind == OpKind::Create
            && op
                .value
                .as_ref()
                .and_then(|v| v.get("role"))
                .and_then(Value::as_str)
                == Some(role.as_str());
        if !own_first {
            role.may_write(&op.record_type, op.kind, &op.field)
                .map_err(Refusal::NotAllowed)?;
        }
        // Only a caseworker's operations, or a caseworker's laptop's, are checked against the
        // files she may see (and whether a woman is erased is looked up only for those).
        let checked = !manager || sender_is_caseworker;
        let her = match op.participant_id.as_ref() {
            Some(her) if checked && !erased.contains(her).map_err(failed)? => Some(her),
            _ => None,
        };
        if let Some(her) = her {
            let mut check = |staff: &str| -> std::result::Result<bool, Refusal> {
                let key = (staff.to_string(), her.clone());
                if let Some(known) = seen_files.get(&key) {
                    return Ok(*known);
                }
                let sees = was_given(conn, operations, staff, her).map_err(failed)?;
                seen_files.insert(key, sees);
                Ok(sees)
            };
            if !manager && !check(&op.author_id)? {
                return Err(Refusal::NotAllowed("a file its author may not see"));
            }
            if let (Some(staff), Some(Role::Caseworker)) = (sender_staff, sender_role) {
                if !check(staff)? {
                    return Err(Refusal::NotAllowed(
                        "a file the sending laptop may not hold",
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Decrypts and checks one file whole. Nothing is written. Beside the file, which of its
/// operations this laptop held when it was checked (in the file's order).
pub(crate) fn verify(
    conn: &Connection,
    this: &ThisDevice,
    file: &[u8],
) -> std::result::Result<(Verified, Vec<bool>), Refusal> {
    let failed = |_| Refusal::Damaged;
    let plaintext = container::open_for_device(file, &this.identity)?;
    let frame = Frame::read(&plaintext)?;
    let manifest = &frame.manifest;
    let org = crate::vault::meta(conn, "org_id").map_err(failed)?;
    if manifest.organization_id != org {
        return Err(Refusal::WrongOrganization);
    }
    if manifest.kind != FileKind::Changes || !manifest.recipients.contains(&this.id) {
        return Err(Refusal::NotForThisDevice);
    }
    if manifest.sender_device == this.id {
        return Err(Refusal::OwnFile);
    }
    let entry = device::entry(conn, &manifest.sender_device).map_err(failed)?;
    if entry.as_ref().is_some_and(|e| e.revoked) {
        return Err(Refusal::DeviceRevoked);
    }
    let mut sender_staff = entry.as_ref().and_then(|e| e.staff_id.clone());
    let mut registration = None;
    // The file's signature, checked with the key a new laptop offers in its registration.
    let signed_with_offered_key = |offered: &super::manifest::Registration| {
        let key: [u8; 32] = hex::decode(&offered.signing_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(Refusal::BadSignature)?;
        signing::verify(&frame, &key)
    };
    let vouched =
        |offered: &super::manifest::Registration| super::manifest::is_hex(&offered.proof, 64);
    match (
        entry.as_ref().and_then(|e| e.signing_key),
        &manifest.registration,
    ) {
        (Some(key), _) => signing::verify(&frame, &key)?,
        (None, Some(offered)) if vouched(offered) => {
            // A laptop that took a new id (restored from a backup, copied): the laptop it was
            // vouches for its keys. Its own registry record, written by its administrator or
            // coordinator, comes in this file; nothing is recorded from the vouch itself.
            let signature: [u8; 64] = hex::decode(&offered.proof)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or(Refusal::BadSignature)?;
            let message = device::vouch_message(
                &manifest.sender_device,
                &offered.age_recipient,
                &offered.signing_key,
            );
            let voucher = device::vouchers(conn)
                .map_err(failed)?
                .into_iter()
                .find(|(_, key)| signing::verify_bytes(&message, &signature, key))
                .ok_or(Refusal::UnknownDevice)?;
            if !container::is_recipient(&offered.age_recipient) {
                return Err(Refusal::BadSignature);
            }
            signed_with_offered_key(offered)?;
            sender_staff = Some(voucher.0);
        }
        (None, Some(_)) if entry.is_none() => return Err(Refusal::UnknownDevice),
        (None, Some(offered)) => {
            let secret: Option<(Vec<u8>, i64, bool)> = conn
                .query_row(
                    "SELECT proof_key, expires_ms, used FROM join_secrets WHERE device_id = ?1",
                    [&manifest.sender_device],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()
                .map_err(|_| Refusal::Damaged)?;
            let (proof_key, expires_ms, used) = secret.ok_or(Refusal::UnknownDevice)?;
            if used {
                return Err(Refusal::JoinUsed);
            }
            if expires_ms < chrono::Utc::now().timestamp_millis() {
                return Err(Refusal::JoinExpired);
            }
            let proof_key: [u8; 32] = proof_key.try_into().map_err(|_| Refusal::Damaged)?;
            let expected = device::join_proof(
                &proof_key,
                &manifest.sender_device,
                &offered.age_recipient,
                &offered.signing_key,
            );
            let offered_proof = hex::decode(&offered.proof).map_err(|_| Refusal::BadSignature)?;
            if !crate::crypto::macs_equal(&expected, &offered_proof)
                || !container::is_recipient(&offered.age_recipient)
            {
                return Err(Refusal::BadSignature);
            }
            signed_with_offered_key(offered)?;
            registration = Some((
                manifest.sender_device.clone(),
                offered.age_recipient.clone(),
                offered.signing_key.clone(),
            ));
        }
        (None, None) => return Err(Refusal::UnknownDevice),
    }
    let operations = payload::decode(frame.payload, manifest)?;
    // An operation already held under its (device, sequence) must be the same operation.
    // What this laptop holds of each range is read once (an id of another length than an
    // operation id's, which no operation has, as none), by sequence number: in a list from
    // the range's first when the range is not much wider than what it carries, else a map.
    let mut held: Vec<HeldRange> = Vec::with_capacity(manifest.ranges.len());
    for range in &manifest.ranges {
        let span = range
            .last_seq
            .saturating_sub(range.first_seq)
            .saturating_add(1);
        let mut found = if span <= range.count.saturating_mul(2).saturating_add(4096) {
            HeldRange::Listed(range.first_seq, vec![None; span as usize])
        } else {
            HeldRange::Mapped(HashMap::new())
        };
        let mut statement = conn
            .prepare_cached(&format!(
                "SELECT c.seq, c.op_id {}",
                changelog::DEVICE_RANGE
            ))
            .map_err(|_| Refusal::Damaged)?;
        let rows = statement
            .query_map(
                params![range.device, range.first_seq as i64, range.last_seq as i64],
                |row| {
                    let id = row.get_ref(1)?.as_blob()?;
                    Ok((row.get::<_, i64>(0)?, <[u8; 16]>::try_from(id).ok()))
                },
            )
            .map_err(|_| Refusal::Damaged)?;
        for row in rows {
            let (seq, op_id) = row.map_err(|_| Refusal::Damaged)?;
            found.insert(seq as u64, op_id);
        }
        held.push(found);
    }
    let mut known = Vec::with_capacity(operations.len());
    for op in &operations {
        let found = manifest
            .ranges
            .iter()
            .position(|range| range.device == op.device_id)
            .and_then(|n| held[n].get(op.seq));
        if found.is_some_and(|held| held != Some(crate::compact::id_bytes(&op.op_id))) {
            return Err(Refusal::BadOperation(
                "a sequence number used by another operation",
            ));
        }
        known.push(found.is_some());
    }
    check_authority(conn, &operations, sender_staff.as_deref())?;
    Ok((
        Verified {
            manifest: frame.manifest.clone(),
            operations,
            registration,
        },
        known,
    ))
}

/// The operations this laptop holds of one range of a file, by sequence number: each one's
/// id (`None` for an id of another length than an operation id's).
enum HeldRange {
    /// From the range's first sequence number on, one place each.
    Listed(u64, Vec<Option<Option<[u8; 16]>>>),
    Mapped(HashMap<u64, Option<[u8; 16]>>),
}

impl HeldRange {
    fn insert(&mut self, seq: u64, id: Option<[u8; 16]>) {
        match self {
            HeldRange::Listed(first, places) => {
                if let Some(place) = seq
                    .checked_sub(*first)
                    .and_then(|at| places.get_mut(at as usize))
                {
                    *place = Some(id);
                }
            }
            HeldRange::Mapped(map) => {
                map.insert(seq, id);
            }
        }
    }

    fn get(&self, seq: u64) -> Option<Option<[u8; 16]>> {
        match self {
            HeldRange::Listed(first, places) => seq
                .checked_sub(*first)
                .and_then(|at| places.get(at as usize))
                .copied()
                .flatten(),
            HeldRange::Mapped(map) => map.get(&seq).copied(),
        }
    }
}

/// The order records are written in: the roster and registry before what names them.
fn write_order(record_type: &str) -> u8 {
    match record_type {
        "staff" => 0,
        "device" => 1,
        "organization" => 2,
        "service" => 3,
        "participant" => 4,
        "participant_access" => 5,
        _ => 6,
    }
}

/// What applying needs to know about the vault.
pub(crate) struct ApplyContext<'a> {
    pub device_id: &'a str,
    pub me: &'a str,
    pub catalog: &'static crate::catalog::CountryCatalog,
    pub slot_label: &'a dyn Fn(&str) -> [u8; 32],
    /// Where the work reports how far it went, and is stopped.
    pub progress: &'a crate::progress::Progress,
}

/// Rebuilds one record's visible row from its operations on this laptop (as sync and the
/// settling of a conflict leave them), and returns its history.
pub(crate) fn refold(
    conn: &Connection,
    slot_label: &dyn Fn(&str) -> [u8; 32],
    record_type: &str,
    record_id: &str,
) -> Result<Vec<Operation>> {
    let history = changelog::history(conn, record_type, record_id)?;
    write_folded(
        conn,
        slot_label,
        (record_type, record_id),
        fold_one(&history),
        ends(history.iter()),
        &mut FoldCache::default(),
    )?;
    Ok(history)
}

/// One record's state, as its history (its operations, in merge order) states it.
fn fold_one(history: &[Operation]) -> changelog::RecordState {
    changelog::fold(history)
        .into_values()
        .next()
        .unwrap_or_default()
}

/// A record's first operation and the one that states it as it is ([`write_folded`]), of
/// its operations in any order: its first creation or entry (else its first operation), and
/// its latest creation or entry.
type Ends<'a> = (Option<&'a Operation>, Option<&'a Operation>);

fn ends<'a>(history: impl Iterator<Item = &'a Operation> + Clone) -> Ends<'a> {
    let makes = |op: &&Operation| matches!(op.kind, OpKind::Create | OpKind::Append);
    let by_order = |a: &&Operation, b: &&Operation| a.order_key().cmp(&b.order_key());
    let first = history
        .clone()
        .filter(makes)
        .min_by(by_order)
        .or_else(|| history.clone().min_by(by_order));
    (first, history.filter(makes).max_by(by_order))
}

/// What an import learns of one record from its history: its state, how many of the new
/// operations no longer state it, whether operations on it are in conflict, and its ends.
struct Folded<'a> {
    state: changelog::RecordState,
    superseded: u64,
    conflicted: bool,
    ends: Ends<'a>,
}

impl<'a> Folded<'a> {
    /// `history` in merge order; `ends` of the same operations.
    fn of(history: &[Operation], ends: Ends<'a>, new_ids: &HashSet<&str>) -> Folded<'a> {
        Folded {
            state: fold_one(history),
            // Superseded: new operations on this record that are no longer what it states.
            superseded: superseded_in(history, new_ids),
            conflicted: !conflicts_in(history).is_empty(),
            ends,
        }
    }
}

/// How many operations or records an import applies between two looks at its progress.
const STEP: usize = 512;

/// From how many records an import folds those it did not hold on a second thread.
const PARALLEL_RECORDS: usize = 2_000;

/// What writing many records looks up again and again: whether a file is on this laptop,
/// and the stored numbers of record types and authors. With `unindexed`, files written are
/// collected there to be put in the search index at once ([`participants::index_files`]).
/// With `written`, the records written for each file are kept there as they are stored, so
/// that a file whose records all arrive at once needs not read them back.
#[derive(Default)]
struct FoldCache {
    files: HashMap<String, bool>,
    codes: HashMap<String, i64>,
    unindexed: Option<Vec<String>>,
    written: Option<HashMap<String, Vec<StoredRecord>>>,
    usernames: HashMap<String, Option<String>>,
    renamed: Vec<RenamedStaff>,
    /// Files given another case code here: her id, the code drawn for her, the code here.
    recoded: Vec<(String, String, String)>,
}

impl FoldCache {
    fn has_file(&mut self, conn: &Connection, her: &str) -> Result<bool> {
        if let Some(held) = self.files.get(her) {
            return Ok(*held);
        }
        let held: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM participants WHERE id = ?1)")?
            .query_row([her], |row| row.get(0))?;
        self.files.insert(her.to_string(), held);
        Ok(held)
    }

    /// The username of a member of staff (`None` for one not on the roster), as a stored
    /// record names its author.
    fn username(&mut self, conn: &Connection, staff_id: &str) -> Result<Option<String>> {
        if let Some(name) = self.usernames.get(staff_id) {
            return Ok(name.clone());
        }
        let name: Option<String> = conn
            .prepare_cached("SELECT username FROM staff WHERE id = ?1")?
            .query_row([staff_id], |row| row.get(0))
            .optional()?;
        self.usernames.insert(staff_id.to_string(), name.clone());
        Ok(name)
    }

    fn code(&mut self, conn: &Connection, name: &str) -> Result<i64> {
        if let Some(code) = self.codes.get(name) {
            return Ok(*code);
        }
        let code = changelog::name_code(conn, name)?;
        self.codes.insert(name.to_string(), code);
        Ok(code)
    }
}

/// Writes one record's visible row as its history (in merge order) states it.
fn write_folded(
    conn: &Connection,
    slot_label: &dyn Fn(&str) -> [u8; 32],
    (record_type, record_id): (&str, &str),
    state: changelog::RecordState,
    (first, latest): Ends<'_>,
    cache: &mut FoldCache,
) -> Result<()> {
    let Some(first) = first else {
        return Ok(());
    };
    let created_ms = first.hlc.wall_ms as i64;
    let created_text = chrono::DateTime::from_timestamp_millis(created_ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match record_type {
        "staff" => {
            if let Some(shown_as) =
                crate::staff::write_folded(conn, record_id, &state, slot_label, &created_text)?
            {
                cache.renamed.push(RenamedStaff {
                    staff_id: record_id.to_string(),
                    username: state
                        .fields
                        .get("username")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    shown_as,
                });
            }
        }
        "device" => device::write_folded(conn, record_id, &state)?,
        "organization" | "service" => {
            directory::write_folded(conn, record_type, record_id, &state)?
        }
        "participant" => {
            let index_now = cache.unindexed.is_none();
            if let Some(shown_as) =
                participants::write_folded(conn, record_id, &state, &created_text, index_now)?
            {
                cache.recoded.push((
                    record_id.to_string(),
                    state
                        .fields
                        .get("caseCode")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    shown_as,
                ));
            }
            if let Some(unindexed) = &mut cache.unindexed {
                unindexed.push(record_id.to_string());
            }
            cache.files.remove(record_id);
        }
        "participant_access" => participants::write_access_folded(conn, &state)?,
        super::erasure::RECORD_TYPE => {}
        super::visit::RECORD_TYPE => super::visit::write_folded(conn, record_id, &state)?,
        kind => {
            if let Some(her) = first.participant_id.as_deref() {
                if cache.has_file(conn, her)? {
                    // The operation that states the record as it is, when one does: its
                    // latest creation or entry, about her file. The row points at it rather
                    // than keeping a second copy of the body (every operation of a file is on
                    // this laptop's log while her records are).
                    let origin = latest.filter(|op| op.participant_id.as_deref() == Some(her));
                    let origin = match origin {
                        Some(op) => {
                            Some((cache.code(conn, &op.device_id)?, op.seq, op.value.as_ref()))
                        }
                        None => None,
                    };
                    let written = case_file::write_folded(
                        conn,
                        her,
                        (cache.code(conn, kind)?, record_id),
                        &state,
                        (created_ms / 1000, cache.code(conn, &first.author_id)?),
                        origin,
                    )?;
                    if let Some(fields) = written {
                        if cache.written.is_some() {
                            let created_by = cache.username(conn, &first.author_id)?;
                            if let Some(kept) = &mut cache.written {
                                let stored = StoredRecord {
                                    id: record_id.to_string(),
                                    kind: kind.to_string(),
                                    fields,
                                    created_at: crate::records::record::created_at_text(
                                        created_ms / 1000,
                                    )?,
                                    created_by,
                                    deleted: state.deleted,
                                };
                                kept.entry(her.to_string()).or_default().push(stored);
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// Whether the laptop `device` holds every file ([`super::holds_every_file`]).
fn holds_everything(conn: &Connection, device: &str) -> Result<bool> {
    let staff = device::entry(conn, device)?.and_then(|e| e.staff_id);
    super::holds_every_file(conn, staff.as_deref())
}

/// Applies checked files in the caller's transaction.
pub(crate) fn apply(
    conn: &Connection,
    ctx: &ApplyContext<'_>,
    files: &[Verified],
) -> Result<ImportReport> {
    apply_known(conn, ctx, files, None)
}

/// [`apply`], told which operations of each file this laptop held when [`verify`] read their
/// ranges (one flag per operation, in each file's order), so that the ranges are not read
/// again: reading a range reads every operation in it whole, the most of a file already held.
/// Only this laptop's own operations can have been written since (a new laptop's keys, on
/// the registry), so its own ranges are read again.
fn apply_known(
    conn: &Connection,
    ctx: &ApplyContext<'_>,
    files: &[Verified],
    known: Option<&[Vec<bool>]>,
) -> Result<ImportReport> {
    let mut report = ImportReport {
        files: files.len() as u32,
        ..ImportReport::default()
    };
    let future = chrono::Utc::now().timestamp_millis().max(0) as u64 + 24 * 3600 * 1000;
    let mut files_touched: BTreeSet<String> = BTreeSet::new();
    // Files whose counts and tasks a new operation can move (as the write path decides).
    let mut files_to_refresh: HashSet<String> = HashSet::new();
    let mut new_ops: Vec<&Operation> = Vec::new();
    // An erasure wins over every operation about her, older or newer.
    let mut erased = super::erasure::Erasures::new(conn)?;
    let mut newly_erased = BTreeSet::new();
    for file in files {
        for op in &file.operations {
            if op.record_type == super::erasure::RECORD_TYPE && erased.insert(&op.record_id)? {
                newly_erased.insert(op.record_id.clone());
            }
        }
    }
    // What this laptop already holds of the files' ranges, read once per range (unless the
    // check already did), and the new operations of each as they are taken.
    let mut held: HashSet<(&str, u64)> = HashSet::new();
    // Whether the check found an operation held (this laptop's own are read again below).
    let checked_held = |n: usize, i: usize, op: &Operation| {
        op.device_id != ctx.device_id
            && known
                .and_then(|known| known.get(n))
                .and_then(|flags| flags.get(i))
                .copied()
                .unwrap_or(false)
    };
    for (n, file) in files.iter().enumerate() {
        for range in file.manifest.ranges.iter().filter(|range| {
            known.is_none_or(|known| known.get(n).is_none()) || range.device == ctx.device_id
        }) {
            let mut statement =
                conn.prepare_cached(&format!("SELECT c.seq {}", changelog::DEVICE_RANGE))?;
            let rows = statement.query_map(
                params![range.device, range.first_seq as i64, range.last_seq as i64],
                |row| row.get::<_, i64>(0),
            )?;
            for seq in rows {
                held.insert((range.device.as_str(), seq? as u64));
            }
        }
    }
    // The records the new operations touch, and which of them this laptop held before: only
    // those need their history read back; the others are stated by the new operations alone.
    let mut by_record: HashMap<(&str, &str), Vec<&Operation>> = HashMap::new();
    for (n, file) in files.iter().enumerate() {
        for (i, op) in file.operations.iter().enumerate() {
            let about_erased = match &op.participant_id {
                Some(her) => erased.contains(her)?,
                None => false,
            };
            if about_erased {
                report.dropped += 1;
                report.dropped_erased += 1;
                continue;
            }
            if checked_held(n, i, op) || !held.insert((op.device_id.as_str(), op.seq)) {
                report.known += 1;
                continue;
            }
            report.applied += 1;
            if op.hlc.wall_ms > future {
                report.from_the_future += 1;
            }
            by_record
                .entry((op.record_type.as_str(), op.record_id.as_str()))
                .or_default()
                .push(op);
            if let Some(her) = &op.participant_id {
                if !files_touched.contains(her) {
                    files_touched.insert(her.clone());
                }
                // A new file needs its counts (documents still to get) as much as a record does.
                if (case_file::moves_derived(&op.record_type)
                    || (op.record_type == "participant" && op.kind == OpKind::Create))
                    && !files_to_refresh.contains(her)
                {
                    files_to_refresh.insert(her.clone());
                }
            }
            new_ops.push(op);
        }
    }
    let mut held_before: HashSet<(&str, &str)> = HashSet::new();
    // Whether each record was held is looked up one by one, unless the log holds fewer than a
    // few operations per record the import touches (a laptop that joins, or that receives a
    // large file): its records' ids are then read at once.
    let bound = by_record.len().saturating_mul(4);
    let stored: Option<HashSet<[u8; 16]>> = if by_record.len() >= 1000
        && conn.query_row(
            "SELECT count(*) FROM (SELECT 1 FROM change_log LIMIT ?1)",
            [bound as i64],
            |row| row.get::<_, i64>(0),
        )? < bound as i64
    {
        let mut statement = conn.prepare("SELECT DISTINCT record_id FROM change_log")?;
        let ids = statement
            .query_map([], |row| row.get::<_, Vec<u8>>(0))?
            .filter_map(|id| match id {
                Ok(id) => <[u8; 16]>::try_from(id.as_slice()).ok().map(Ok),
                Err(error) => Some(Err(error)),
            })
            .collect::<rusqlite::Result<_>>()?;
        Some(ids)
    } else {
        None
    };
    for (record_type, record_id) in by_record.keys() {
        let id = crate::compact::id_bytes(record_id);
        let exists: bool = match &stored {
            Some(stored) => stored.contains(&id),
            None => conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM change_log WHERE record_id = ?1)")?
                .query_row([id.as_slice()], |row| row.get(0))?,
        };
        if exists {
            held_before.insert((record_type, record_id));
        }
    }
    // A file's records are written one after another, in the order of their table's key
    // (her file, then the record): in the order of their ids alone, each went to another
    // page, which split again and again. The roster, registry, directory and files come first.
    let mut in_order: Vec<(u8, Option<[u8; 16]>, &str, &str)> = by_record
        .iter()
        .map(|(&(record_type, record_id), ops)| {
            let order = write_order(record_type);
            let file = if order > write_order("participant_access") {
                ops.first()
                    .and_then(|op| op.participant_id.as_deref())
                    .map(crate::compact::id_bytes)
            } else {
                None
            };
            (order, file, record_type, record_id)
        })
        .collect();
    in_order.sort_unstable();
    let new_ids: HashSet<&str> = new_ops.iter().map(|op| op.op_id.as_str()).collect();
    let progress = ctx.progress;
    progress.enter(
        crate::progress::Phase::Applying,
        (new_ops.len() + in_order.len()) as u64,
    );
    progress.check()?;
    // The records held before are read back after the inserts; the others, stated by the new
    // operations alone, are folded by a second thread while this one writes the operations.
    let fold_new = || -> Vec<Option<Folded>> {
        in_order
            .iter()
            .map(|(_, _, record_type, record_id)| {
                let key = (*record_type, *record_id);
                if held_before.contains(&key) {
                    return None;
                }
                let ops = &by_record[&key];
                let mut history: Vec<Operation> = ops.iter().map(|op| (*op).clone()).collect();
                history.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
                Some(Folded::of(&history, ends(ops.iter().copied()), &new_ids))
            })
            .collect()
    };
    // The numbers of the devices and authors (few, and some may be new to log_names), taken
    // once rather than asked for every operation.
    let mut codes: HashMap<&str, i64> = HashMap::new();
    for op in &new_ops {
        for name in [op.device_id.as_str(), op.author_id.as_str()] {
            if !codes.contains_key(name) {
                codes.insert(name, changelog::name_code(conn, name)?);
            }
        }
    }
    let insert_all = || -> Result<()> {
        for (n, op) in new_ops.iter().enumerate() {
            if n % STEP == STEP - 1 {
                progress.step(STEP as u64)?;
            }
            let (device, author) = (codes[op.device_id.as_str()], codes[op.author_id.as_str()]);
            changelog::insert_coded(conn, op, device, author)?;
        }
        Ok(())
    };
    let folded: Vec<Option<Folded>> = if in_order.len() >= PARALLEL_RECORDS {
        std::thread::scope(|scope| -> Result<Vec<Option<Folded>>> {
            let worker = scope.spawn(fold_new);
            insert_all()?;
            worker
                .join()
                .map_err(|_| Error::Internal("folding the records failed".into()))
        })?
    } else {
        insert_all()?;
        fold_new()
    };
    // Each write to the search index flushes it to its own segment: the files written are
    // indexed together once their rows are.
    let mut cache = FoldCache {
        unindexed: Some(Vec::new()),
        written: Some(HashMap::new()),
        ..FoldCache::default()
    };
    // The files all of whose records arrive now (her file is new here, and none of her
    // records was held): their counts and tasks are computed from the records as written.
    let mut not_whole: HashSet<&str> = HashSet::new();
    for key in &held_before {
        if let Some(her) = by_record[key]
            .first()
            .and_then(|op| op.participant_id.as_deref())
        {
            not_whole.insert(her);
        }
    }
    let arrives_whole = |her: &str| {
        !not_whole.contains(her)
            && by_record.contains_key(&("participant", her))
            && !held_before.contains(&("participant", her))
    };
    progress.enter(
        crate::progress::Phase::Applying,
        (new_ops.len() + in_order.len()) as u64,
    );
    progress.step(new_ops.len() as u64)?;
    for (n, ((_, _, record_type, record_id), folded)) in in_order.iter().zip(folded).enumerate() {
        if n % STEP == STEP - 1 {
            progress.step(STEP as u64)?;
        }
        let held_history;
        let folded = match folded {
            Some(folded) => folded,
            None => {
                held_history = changelog::history(conn, record_type, record_id)?;
                Folded::of(&held_history, ends(held_history.iter()), &new_ids)
            }
        };
        write_folded(
            conn,
            ctx.slot_label,
            (record_type, record_id),
            folded.state,
            folded.ends,
            &mut cache,
        )?;
        report.superseded += folded.superseded;
        if folded.conflicted {
            report.conflicts += 1;
            conn.execute(
                "INSERT OR IGNORE INTO sync_conflicted (record_type, record_id) VALUES (?1, ?2)",
                params![record_type, record_id],
            )?;
        }
    }
    if let Some(unindexed) = &cache.unindexed {
        let ids: Vec<&str> = unindexed.iter().map(String::as_str).collect();
        participants::index_files(conn, &ids)?;
    }
    report.renamed_staff = std::mem::take(&mut cache.renamed);
    for (her, drawn, shown_as) in std::mem::take(&mut cache.recoded) {
        report.rule_warnings.push(RuleWarning {
            participant_id: her.clone(),
            case_code: shown_as,
            rule: "case_code_taken".into(),
            record_id: her,
            detail: drawn,
        });
    }
    // A file given back to this laptop after it kept its own operations about her (see
    // sync_unsent): those operations were already held, so the records they state are
    // rebuilt here too.
    let mut given_back: HashSet<String> = HashSet::new();
    for her in &files_touched {
        let kept: bool = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM sync_unsent WHERE participant_id = ?1)
                    AND EXISTS (SELECT 1 FROM participants WHERE id = ?1)",
            )?
            .query_row([her], |row| row.get(0))?;
        if !kept {
            continue;
        }
        given_back.insert(her.clone());
        let records: BTreeSet<(String, String)> = changelog::about_participant(conn, her)?
            .into_iter()
            .map(|op| (op.record_type, op.record_id))
            .collect();
        for (record_type, record_id) in records {
            if record_type != "participant"
                && !by_record.contains_key(&(record_type.as_str(), record_id.as_str()))
            {
                refold(conn, ctx.slot_label, &record_type, &record_id)?;
            }
        }
    }
    // What this laptop may hold: a caseworker's laptop purges the files she may no longer see.
    let my_staff = device::entry(conn, ctx.device_id)?
        .and_then(|e| e.staff_id)
        .unwrap_or_else(|| ctx.me.to_string());
    let my_role: Option<String> = conn
        .query_row("SELECT role FROM staff WHERE id = ?1", [&my_staff], |row| {
            row.get(0)
        })
        .optional()?;
    let scoped = my_role.as_deref() == Some(Role::Caseworker.as_str());
    for her in &newly_erased {
        let held: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM participants WHERE id = ?1)",
            [her],
            |row| row.get(0),
        )?;
        if held {
            participants::purge(conn, her)?;
            conn.execute("DELETE FROM sync_sent WHERE participant_id = ?1", [her])?;
            report.erased += 1;
        }
    }
    let mut still: BTreeSet<String> = BTreeSet::new();
    for her in files_touched {
        if !erased.contains(&her)? {
            still.insert(her);
        }
    }
    let files_touched = still;
    let mut candidates: BTreeSet<String> = files_touched.clone();
    // Files withdrawn by a laptop whose colleague assigns and shares files are purged: it
    // knows she may no longer see them (the operations that say so are not sent to her).
    let mut withdrawn: BTreeSet<String> = BTreeSet::new();
    for file in files {
        let sender_staff =
            device::entry(conn, &file.manifest.sender_device)?.and_then(|e| e.staff_id);
        let sender_role: Option<String> = match sender_staff {
            Some(staff) => conn
                .query_row("SELECT role FROM staff WHERE id = ?1", [&staff], |row| {
                    row.get(0)
                })
                .optional()?,
            None => None,
        };
        if sender_role.is_some_and(|role| role != Role::Caseworker.as_str())
            && !older_than_known(conn, file, files)?
        {
            withdrawn.extend(file.manifest.withdrawn.iter().cloned());
        }
    }
    candidates.extend(withdrawn.iter().cloned());
    for her in &candidates {
        let exists: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM participants WHERE id = ?1)")?
            .query_row([her], |row| row.get(0))?;
        if !exists {
            // Her records arrived without her file (it is not for this laptop). This laptop's
            // own operations about her that no laptop holding every file has confirmed stay
            // (see sync_unsent).
            let own = changelog::name_code(conn, ctx.device_id)?;
            let confirmed = confirmed_by_a_whole_holder(conn, ctx.device_id)?;
            let dropped = changelog::purging(conn, || {
                conn.execute(
                    "DELETE FROM change_log WHERE participant_id = ?1
                     AND NOT (device = ?2 AND seq > ?3)",
                    params![
                        crate::compact::id_bytes(her).as_slice(),
                        own,
                        confirmed as i64
                    ],
                )
                .map_err(Into::into)
            })?;
            report.dropped += dropped as u64;
            continue;
        }
        if scoped && (withdrawn.contains(her) || !may_see(conn, &[], &my_staff, her)?) {
            // Her own operations about the file that no laptop holding every file has
            // confirmed stay until one does, so that they are still sent.
            let own = changelog::name_code(conn, ctx.device_id)?;
            let confirmed = confirmed_by_a_whole_holder(conn, ctx.device_id)?;
            participants::purge_keeping(conn, her, Some((own, confirmed)))?;
            conn.execute(
                "INSERT OR IGNORE INTO sync_unsent (participant_id) VALUES (?1)",
                [her],
            )?;
            report.purged += 1;
            continue;
        }
        if files_touched.contains(her) {
            let written = cache
                .written
                .as_mut()
                .and_then(|written| written.remove(her.as_str()));
            let records = if !files_to_refresh.contains(her) {
                Vec::new()
            } else if arrives_whole(her) && !given_back.contains(her.as_str()) {
                let records = crate::records::record::records_from_stored(
                    conn,
                    her,
                    written.unwrap_or_default(),
                )?;
                case_file::refresh_file_with(conn, her, records, ctx.catalog)?
            } else {
                case_file::refresh_file(conn, her, ctx.catalog)?
            };
            let (case_code, chosen_name): (String, Option<String>) = conn
                .prepare_cached("SELECT case_code, chosen_name FROM participants WHERE id = ?1")?
                .query_row([her], |row| Ok((row.get(0)?, row.get(1)?)))?;
            for (plan_id, date, hours) in
                crate::records::community_service::days_over_limit(&records)
            {
                report.rule_warnings.push(RuleWarning {
                    participant_id: her.clone(),
                    case_code: case_code.clone(),
                    rule: "service_hours_over_a_day".into(),
                    record_id: plan_id,
                    detail: format!("{date}: {hours}"),
                });
            }
            report.participants_changed.push(ChangedFile {
                id: her.clone(),
                case_code,
                chosen_name,
            });
        }
    }
    for file in files {
        let manifest = &file.manifest;
        // A range's gaps are operations the receiver may not see only when its sender holds
        // every operation (a coordinator's or administrator's laptop). A caseworker's laptop
        // holds only her files: its range of another laptop's operations also skips what she
        // may not see, which this laptop may. Counted as covered, those operations were
        // claimed as known here and never sent by their laptop. Her own operations she holds.
        // And her own range is whole only for a laptop that holds every file too: to another
        // caseworker's laptop, she filters by what she believes its colleague may see, which
        // a reassignment she has not heard of makes wrong (the laptops that hold every file
        // send such a file whole when it becomes hers).
        let whole = holds_everything(conn, &manifest.sender_device)?;
        let own_range_counts = holds_everything(conn, ctx.device_id)?;
        // A laptop that holds only some files holds every file it sent operations about
        // (a file its colleague opened there, say): remembered as sent to it, so that when
        // she may no longer see one, it is withdrawn from that laptop like a file this one
        // sent it. Sent whole once more (as before), then confirmed as any other.
        if !whole {
            let mut about: BTreeSet<&str> = BTreeSet::new();
            for op in &file.operations {
                if let Some(her) = op.participant_id.as_deref() {
                    about.insert(her);
                }
            }
            for her in about {
                conn.prepare_cached(
                    "INSERT OR IGNORE INTO sync_sent (peer, participant_id, at_seq)
                     SELECT ?1, id, ?3 FROM participants WHERE id = ?2",
                )?
                .execute(params![manifest.sender_device, her, i64::MAX])?;
            }
        }
        for range in manifest
            .ranges
            .iter()
            .filter(|range| whole || (own_range_counts && range.device == manifest.sender_device))
        {
            conn.execute(
                "INSERT INTO sync_coverage (device_id, first_seq, last_seq) VALUES (?1, ?2, ?3)
                 ON CONFLICT(device_id, first_seq) DO UPDATE
                 SET last_seq = max(last_seq, excluded.last_seq)",
                params![range.device, range.first_seq as i64, range.last_seq as i64],
            )?;
        }
        for known in &manifest.knowledge {
            conn.execute(
                "INSERT INTO sync_peers (peer, device, last_seq) VALUES (?1, ?2, ?3)
                 ON CONFLICT(peer, device) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq)",
                params![manifest.sender_device, known.device, known.last_seq as i64],
            )?;
        }
        conn.execute(
            "INSERT INTO sync_heard (peer, heard_at) VALUES (?1, ?2)
             ON CONFLICT(peer) DO UPDATE SET heard_at = excluded.heard_at",
            params![manifest.sender_device, crate::now_rfc3339()],
        )?;
        let name: Option<String> = conn
            .query_row(
                "SELECT name FROM devices WHERE id = ?1",
                [&manifest.sender_device],
                |row| row.get(0),
            )
            .optional()?;
        let name = name.unwrap_or_else(|| manifest.sender_device.clone());
        if !report.from.contains(&name) {
            report.from.push(name);
        }
    }
    sweep_unsent(conn, ctx.device_id)?;
    Ok(report)
}

/// Whether a file with this SHA-256 digest was applied here, from a laptop that is not
/// revoked since (such a file is checked again, and refused).
pub(crate) fn was_applied(conn: &Connection, digest: &[u8]) -> Result<bool> {
    let sender: Option<Option<String>> = conn
        .prepare_cached("SELECT sender FROM sync_applied WHERE sha256 = ?1")?
        .query_row([digest], |row| row.get(0))
        .optional()?;
    Ok(match sender {
        None => false,
        Some(None) => true,
        Some(Some(sender)) => !device::entry(conn, &sender)?.is_some_and(|entry| entry.revoked),
    })
}

/// Whether `file` is older than another file from the same laptop that this laptop has
/// imported before or imports with it: its sender knew then less than it knew later, and no
/// more. Its withdrawals are then out of date: every file repeats the withdrawals its sender
/// still means, and a later one may have given a file back.
fn older_than_known(conn: &Connection, file: &Verified, files: &[Verified]) -> Result<bool> {
    let sender = &file.manifest.sender_device;
    let of = |knowledge: &[super::manifest::Knowledge]| -> BTreeMap<String, u64> {
        knowledge
            .iter()
            .map(|k| (k.device.clone(), k.last_seq))
            .collect()
    };
    let mine = of(&file.manifest.knowledge);
    let mut later: Vec<BTreeMap<String, u64>> = files
        .iter()
        .filter(|other| &other.manifest.sender_device == sender)
        .map(|other| of(&other.manifest.knowledge))
        .collect();
    let mut statement =
        conn.prepare_cached("SELECT device, last_seq FROM sync_peers WHERE peer = ?1")?;
    let stored = statement
        .query_map([sender], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?.max(0) as u64,
            ))
        })?
        .collect::<rusqlite::Result<BTreeMap<String, u64>>>()?;
    later.push(stored);
    Ok(later.iter().any(|known| {
        known != &mine
            && mine
                .iter()
                .all(|(device, seq)| known.get(device).is_some_and(|k| k >= seq))
    }))
}

/// The highest of this laptop's sequence numbers that a laptop holding every file (a
/// coordinator's or an administrator's, not revoked) has said it holds.
pub(crate) fn confirmed_by_a_whole_holder(conn: &Connection, this_device: &str) -> Result<u64> {
    let confirmed: i64 = conn.query_row(
        "SELECT coalesce(max(p.last_seq), 0) FROM sync_peers p
         JOIN devices d ON d.id = p.peer JOIN staff s ON s.id = d.staff_id
         WHERE p.device = ?1 AND d.revoked = 0 AND s.active = 1 AND s.role != 'caseworker'",
        [this_device],
        |row| row.get(0),
    )?;
    Ok(confirmed.max(0) as u64)
}

/// Lets go of this laptop's own operations about files it no longer holds once a laptop that
/// holds every file has confirmed them.
fn sweep_unsent(conn: &Connection, this_device: &str) -> Result<()> {
    let waiting: Vec<String> = {
        let mut statement = conn.prepare("SELECT participant_id FROM sync_unsent")?;
        let rows = statement.query_map([], |row| row.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if waiting.is_empty() {
        return Ok(());
    }
    let own = changelog::name_code(conn, this_device)?;
    let confirmed = confirmed_by_a_whole_holder(conn, this_device)? as i64;
    for her in waiting {
        let held: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM participants WHERE id = ?1)",
            [&her],
            |row| row.get(0),
        )?;
        let bytes = crate::compact::id_bytes(&her);
        if !held {
            changelog::purging(conn, || {
                conn.execute(
                    "DELETE FROM change_log WHERE participant_id = ?1 AND device = ?2 AND seq <= ?3",
                    params![bytes.as_slice(), own, confirmed],
                )
                .map_err(Into::into)
            })?;
        }
        let left: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM change_log WHERE participant_id = ?1)",
            [bytes.as_slice()],
            |row| row.get(0),
        )?;
        if held || !left {
            conn.execute("DELETE FROM sync_unsent WHERE participant_id = ?1", [&her])?;
        }
    }
    Ok(())
}

/// New operations on a record that lost: not what its state says now.
fn superseded_in(history: &[Operation], new_ids: &HashSet<&str>) -> u64 {
    let newest_per_field: BTreeMap<&str, &Operation> = history
        .iter()
        .filter(|op| op.kind == OpKind::Set)
        .fold(BTreeMap::new(), |mut newest, op| {
            let slot = newest.entry(op.field.as_str()).or_insert(op);
            if op.order_key() > slot.order_key() {
                *slot = op;
            }
            newest
        });
    history
        .iter()
        .filter(|op| {
            op.kind == OpKind::Set
                && new_ids.contains(op.op_id.as_str())
                && newest_per_field
                    .get(op.field.as_str())
                    .is_some_and(|winner| winner.op_id != op.op_id)
        })
        .count() as u64
}

/// The operations of a record that lost without having been seen by the winner: concurrent
/// edits of one field with different values (a `create` states every field, so it competes
/// with the field's edits, and an edit it overrode without seeing it lost to it), and edits a
/// deletion overrode without seeing them. Each is (field, winner, loser), once per loser.
pub(crate) fn conflicts_in(history: &[Operation]) -> Vec<(String, String, String)> {
    let parents: HashMap<&str, &Vec<String>> = history
        .iter()
        .map(|op| (op.op_id.as_str(), &op.based_on))
        .collect();
    let ancestors_of = |start: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start.to_string()];
        while let Some(id) = stack.pop() {
            if let Some(based) = parents.get(id.as_str()) {
                for parent in based.iter() {
                    if seen.insert(parent.clone()) {
                        stack.push(parent.clone());
                    }
                }
            }
        }
        seen
    };
    let value_of = |op: &Operation, field: &str| {
        super::conflicts::value_of(op, field).unwrap_or(serde_json::Value::Null)
    };
    let mut found = Vec::new();
    let mut losers: HashSet<&str> = HashSet::new();
    let mut fields: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in history.iter().filter(|op| op.kind == OpKind::Set) {
        fields.entry(op.field.as_str()).or_default().push(op);
    }
    let creations: Vec<&Operation> = history
        .iter()
        .filter(|op| op.kind == OpKind::Create)
        .collect();
    for (field, ops) in fields {
        let Some(winner) = ops
            .iter()
            .chain(creations.iter())
            .max_by(|a, b| a.order_key().cmp(&b.order_key()))
        else {
            continue;
        };
        let seen = ancestors_of(&winner.op_id);
        let kept = value_of(winner, field);
        for op in &ops {
            if op.op_id != winner.op_id && !seen.contains(&op.op_id) && value_of(op, field) != kept
            {
                losers.insert(&op.op_id);
                found.push((field.to_string(), winner.op_id.clone(), op.op_id.clone()));
            }
        }
    }
    // Edit against delete: the delete wins; edits it did not see are kept as conflicts.
    let last_state = history
        .iter()
        .filter(|op| matches!(op.kind, OpKind::Create | OpKind::Delete))
        .max_by(|a, b| a.order_key().cmp(&b.order_key()));
    if let Some(delete) = last_state.filter(|op| op.kind == OpKind::Delete) {
        let seen = ancestors_of(&delete.op_id);
        for op in history.iter().filter(|op| op.kind == OpKind::Set) {
            if !seen.contains(&op.op_id) && !losers.contains(op.op_id.as_str()) {
                found.push((op.field.clone(), delete.op_id.clone(), op.op_id.clone()));
            }
        }
    }
    found
}

impl Vault {
    /// Imports sync files sent to this laptop: each is decrypted and checked whole first;
    /// if any is refused, nothing is applied and the first refusal is the answer
    /// ([`Error::SyncRefused`] with its reason code). Otherwise every file's operations are
    /// applied in one transaction. Importing a file again, or files in any order, changes
    /// nothing beyond the first application.
    pub fn sync_import(&mut self, files: &[PathBuf]) -> Result<ImportReport> {
        let progress = self.progress.clone();
        let watching = crate::progress::Watching::start(&progress);
        watching
            .0
            .enter(crate::progress::Phase::Checking, files.len() as u64);
        let this = self.this_device()?;
        let mut verified = Vec::with_capacity(files.len());
        let mut known = Vec::with_capacity(files.len());
        let mut digests: Vec<Vec<u8>> = Vec::with_capacity(files.len());
        let mut already_imported = 0;
        for path in files {
            let metadata = std::fs::metadata(path)?;
            if metadata.len() > super::manifest::MAX_PAYLOAD_BYTES + 16 * 1024 * 1024 {
                return Err(refused(Refusal::TooLarge));
            }
            let bytes = std::fs::read(path)?;
            // A file applied here before (the same bytes) would change nothing: it is not
            // opened again (a sync folder presents the same files at every sync).
            let digest = Sha256::digest(&bytes).to_vec();
            if digests.contains(&digest) || was_applied(&self.conn, &digest)? {
                already_imported += 1;
                continue;
            }
            let (file, held) = verify(&self.conn, &this, &bytes).map_err(refused)?;
            verified.push(file);
            known.push(held);
            digests.push(digest);
            progress.step(1)?;
        }
        if verified.is_empty() {
            return Ok(ImportReport {
                files: files.len() as u32,
                already_imported,
                ..ImportReport::default()
            });
        }
        let catalog = crate::catalog::for_country(self.country()?);
        let slots = &self.slots;
        let label = |username: &str| slots.staff_label(username);
        let tx = self.conn.unchecked_transaction()?;
        for file in &verified {
            if let Some((device_id, age_recipient, signing_key)) = &file.registration {
                tx.execute(
                    "UPDATE join_secrets SET used = 1 WHERE device_id = ?1",
                    [device_id],
                )?;
                let writer = changelog::Writer::new(&self.device_id, &self.me.id);
                device::set(
                    &tx,
                    writer,
                    device_id,
                    "ageRecipient",
                    Value::from(age_recipient.clone()),
                )?;
                device::set(
                    &tx,
                    writer,
                    device_id,
                    "signingKey",
                    Value::from(signing_key.clone()),
                )?;
                self.audit_in(&tx, AuditAction::DeviceRegistered, None, Some(device_id))?;
            }
        }
        let mut report = apply_known(
            &tx,
            &ApplyContext {
                device_id: &self.device_id,
                me: &self.me.id,
                catalog,
                slot_label: &label,
                progress: &progress,
            },
            &verified,
            Some(&known),
        )?;
        report.files = files.len() as u32;
        report.already_imported = already_imported;
        for (digest, file) in digests.iter().zip(&verified) {
            tx.execute(
                "INSERT INTO sync_applied (sha256, sender) VALUES (?1, ?2)
                 ON CONFLICT(sha256) DO UPDATE SET sender = excluded.sender",
                params![digest, file.manifest.sender_device],
            )?;
        }
        if report.dropped_erased > 0 {
            self.audit_in(
                &tx,
                AuditAction::SyncOperationsDropped,
                None,
                Some(&serde_json::json!({ "operations": report.dropped_erased }).to_string()),
            )?;
        }
        self.audit_in(
            &tx,
            AuditAction::SyncImported,
            None,
            Some(
                &serde_json::json!({
                    "files": report.files,
                    "applied": report.applied,
                    "known": report.known,
                    "conflicts": report.conflicts,
                    "dropped": report.dropped,
                })
                .to_string(),
            ),
        )?;
        // The last moment a stop leaves everything as it was.
        progress.check()?;
        tx.commit()?;
        drop(watching);
        // Freeing every operation of a large file takes a while; nothing waits for it.
        std::thread::spawn(move || drop((verified, known)));
        // Files taken off this laptop leave no page behind (see erasure::scrub).
        if report.erased > 0 || report.purged > 0 {
            super::erasure::scrub(&self.conn)?;
        }
        // A visit whose work this file confirmed, or that it replaced, is over here.
        if let Some(ended) = self.visit_check(super::visit::now_ms())? {
            report.visit_files_purged = ended.files_purged;
        }
        Ok(report)
    }
}
