//! The change log: every change to case data is an immutable [`Operation`] recorded by
//! [`record`] in the same transaction as the visible row it updates. Each carries a UUIDv7,
//! the device, a gap-free per-device sequence number, a hybrid logical clock, the author, the
//! record and field, the new value and the operations it was based on. The visible state can
//! be rebuilt from the log with [`fold`]; sync will exchange exactly these operations.
//!
//! Per field, the winner is the operation with the highest `(hlc, device_id, op_id)`, so the
//! result depends only on the set of operations, never on the order they arrived in.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::compact;
use crate::error::{Error, Result};

/// A hybrid logical clock reading: wall-clock milliseconds and a counter for events within
/// the same millisecond (or while the wall clock stands behind an earlier reading).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hlc {
    pub wall_ms: u64,
    pub counter: u32,
}

impl Hlc {
    /// The counter's ceiling: a clock is stored as one integer, the wall time shifted past a
    /// 16-bit counter. 65,535 operations within one millisecond do not happen; beyond it the
    /// counter stands still and the device and operation id order what follows.
    pub const MAX_COUNTER: u32 = 0xFFFF;

    /// The next reading after `self` at wall time `now_ms`: never goes backwards, even when
    /// the laptop's clock does.
    pub fn tick(self, now_ms: u64) -> Hlc {
        if now_ms > self.wall_ms {
            Hlc {
                wall_ms: now_ms,
                counter: 0,
            }
        } else {
            Hlc {
                wall_ms: self.wall_ms,
                counter: (self.counter + 1).min(Self::MAX_COUNTER),
            }
        }
    }

    /// One integer that sorts like the clock.
    pub fn encode(self) -> i64 {
        ((self.wall_ms as i64) << 16) | i64::from(self.counter.min(Self::MAX_COUNTER))
    }

    /// Reads [`Hlc::encode`]'s integer.
    pub fn decode(stored: i64) -> Result<Hlc> {
        if stored < 0 {
            return Err(Error::VaultCorrupt("bad clock value in the change log"));
        }
        Ok(Hlc {
            wall_ms: (stored >> 16) as u64,
            counter: (stored & 0xFFFF) as u32,
        })
    }
}

/// What an operation does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    /// A new record (field `''`); its value, an object, holds the record's first fields.
    Create,
    /// A field's new value.
    Set,
    /// The record is deleted (field `''`): a tombstone.
    Delete,
    /// An add-only entry (notes, contacts, hours): never conflicts.
    Append,
}

impl OpKind {
    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Create => "create",
            OpKind::Set => "set",
            OpKind::Delete => "delete",
            OpKind::Append => "append",
        }
    }

    /// The kind's number in the vault.
    fn code(self) -> i64 {
        match self {
            OpKind::Create => 1,
            OpKind::Set => 2,
            OpKind::Delete => 3,
            OpKind::Append => 4,
        }
    }

    fn from_code(code: i64) -> Result<OpKind> {
        match code {
            1 => Ok(OpKind::Create),
            2 => Ok(OpKind::Set),
            3 => Ok(OpKind::Delete),
            4 => Ok(OpKind::Append),
            _ => Err(Error::VaultCorrupt("unknown operation kind")),
        }
    }
}

/// One immutable operation of the change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    pub op_id: String,
    pub device_id: String,
    pub seq: u64,
    pub hlc: Hlc,
    pub author_id: String,
    pub record_type: String,
    pub record_id: String,
    pub field: String,
    pub kind: OpKind,
    pub value: Option<serde_json::Value>,
    pub based_on: Vec<String>,
    /// The woman the operation is about (her file, a record of it, who it is shared with);
    /// none for the organization's own records (the directory). Sync scope and erasure
    /// find everything about her by it.
    pub participant_id: Option<String>,
}

impl Operation {
    /// The merge order: highest `(hlc, device_id, op_id)` wins.
    pub fn order_key(&self) -> (Hlc, &str, &str) {
        (self.hlc, &self.device_id, &self.op_id)
    }
}

/// A change to record, before the log gives it its identity and clock.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    pub record_type: &'a str,
    pub record_id: &'a str,
    /// The field, or `""` for create and delete.
    pub field: &'a str,
    pub kind: OpKind,
    pub value: Option<serde_json::Value>,
    /// The woman the change is about, if any.
    pub participant_id: Option<&'a str>,
}

/// The device and author of the changes being written.
#[derive(Debug, Clone, Copy)]
pub struct Writer<'a> {
    pub device_id: &'a str,
    pub author_id: &'a str,
    /// Set only by the demo generator: see [`Batch`].
    pub batch: Option<&'a Batch>,
}

impl<'a> Writer<'a> {
    pub fn new(device_id: &'a str, author_id: &'a str) -> Writer<'a> {
        Writer {
            device_id,
            author_id,
            batch: None,
        }
    }

    /// The numbers the device and the author are stored as.
    pub(crate) fn codes(&self, conn: &Connection) -> Result<(i64, i64)> {
        match self.batch {
            Some(batch) => Ok((batch.device, batch.author)),
            None => Ok((
                name_code(conn, self.device_id)?,
                name_code(conn, self.author_id)?,
            )),
        }
    }
}

/// Many operations written by one writer inside one transaction, for the demo generator. It
/// writes exactly the operations [`record`] would, without asking the database what it
/// already knows: the device's and author's numbers and the device's clock are read once
/// (the clock is written back by [`Batch::finish`], which must be called before the
/// transaction commits), and a new operation's parent on a file created in this batch is
/// found among the batch's own operations, since such a file has no operation outside it.
#[derive(Debug)]
pub struct Batch {
    device: i64,
    author: i64,
    /// The author's username, as records read back name their author.
    author_name: String,
    clock: std::cell::Cell<(u64, Hlc)>,
    /// Files created in this batch (by [`Batch::new_file`], until [`Batch::file_done`]),
    /// by their ids as the log stores them.
    files: std::cell::RefCell<std::collections::HashMap<[u8; 16], FileState>>,
}

/// What a [`Batch`] knows of a file it created.
#[derive(Debug, Default)]
struct FileState {
    /// The last operation on each field of the file's records (field `""`: the record's last
    /// `create` or `delete`), with its sequence number.
    heads: std::collections::HashMap<([u8; 16], String), (u64, Head)>,
    /// The file's records as `case_records` holds them, kept by the write path so the
    /// generator derives tasks and counts without reading back what it just wrote.
    records: Vec<BatchRecord>,
}

/// A record of a file created in a [`Batch`], as `case_records` stores it.
#[derive(Debug, Clone)]
pub(crate) struct BatchRecord {
    /// Its id as stored (a derived id's hash).
    pub id: String,
    pub kind: String,
    /// Its fields, without empty ones.
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// Seconds since 1970, and as read back (RFC 3339).
    pub created_at: i64,
    pub created_at_text: String,
    pub deleted: bool,
    /// The typed record the writer kept (the records module's own type; the log does not
    /// know it), so that reading it back needs no parsing.
    pub typed: std::rc::Rc<dyn std::any::Any>,
}

impl Batch {
    /// Starts a batch for `writer` in the caller's transaction.
    pub fn start(conn: &Connection, writer: Writer<'_>, author_name: &str) -> Result<Batch> {
        let device = name_code(conn, writer.device_id)?;
        let author = name_code(conn, writer.author_id)?;
        Ok(Batch {
            device,
            author,
            author_name: author_name.to_string(),
            clock: std::cell::Cell::new(device_clock(conn, device)?),
            files: Default::default(),
        })
    }

    /// Declares a file about to be created in this batch: her id is new, so none of her
    /// records has an operation outside the batch.
    pub fn new_file(&self, participant_id: &str) {
        self.files
            .borrow_mut()
            .insert(compact::id_bytes(participant_id), FileState::default());
    }

    /// Forgets a file once the generator is done with it: any later operation on it finds
    /// its parent in the database.
    pub fn file_done(&self, participant_id: &str) {
        self.files
            .borrow_mut()
            .remove(&compact::id_bytes(participant_id));
    }

    /// Keeps a new record of a file created in this batch as the write path stored it;
    /// records of other files are not kept.
    pub(crate) fn keep(&self, participant_id: &str, record: BatchRecord) {
        let mut files = self.files.borrow_mut();
        let Some(file) = files.get_mut(&compact::id_bytes(participant_id)) else {
            return;
        };
        // A record revived under its natural id takes the place of its deleted self and keeps
        // its creation time, as its row does.
        if let Some(found) = file.records.iter_mut().find(|r| r.id == record.id) {
            found.fields = record.fields;
            found.typed = record.typed;
            found.deleted = false;
            return;
        }
        // Kept in the order `case_records` is read in: by creation, then id.
        let key = |r: &BatchRecord| (r.created_at, compact::id_bytes(&r.id));
        let at = file.records.partition_point(|r| key(r) < key(&record));
        file.records.insert(at, record);
    }

    /// Keeps an edited record's new fields (for a file created in this batch).
    pub(crate) fn edited(
        &self,
        participant_id: &str,
        record_id: &str,
        fields: serde_json::Map<String, serde_json::Value>,
        typed: std::rc::Rc<dyn std::any::Any>,
    ) {
        let id = compact::id_text(&compact::id_bytes(record_id)).unwrap_or_default();
        if let Some(file) = self
            .files
            .borrow_mut()
            .get_mut(&compact::id_bytes(participant_id))
        {
            if let Some(found) = file.records.iter_mut().find(|r| r.id == id) {
                found.fields = fields;
                found.typed = typed;
            }
        }
    }

    /// Marks a record of a file created in this batch deleted.
    pub(crate) fn deleted(&self, participant_id: &str, record_id: &str) {
        let id = compact::id_text(&compact::id_bytes(record_id)).unwrap_or_default();
        if let Some(file) = self
            .files
            .borrow_mut()
            .get_mut(&compact::id_bytes(participant_id))
        {
            for record in file.records.iter_mut().filter(|r| r.id == id) {
                record.deleted = true;
            }
        }
    }

    /// Answers `read` from the records of a file created in this batch, deleted ones
    /// included, oldest first (`None` for any other file: ask the database).
    pub(crate) fn read_file<T>(
        &self,
        participant_id: &str,
        read: impl FnOnce(&[BatchRecord]) -> T,
    ) -> Option<T> {
        let files = self.files.borrow();
        let file = files.get(&compact::id_bytes(participant_id))?;
        Some(read(&file.records))
    }

    pub(crate) fn author_name(&self) -> &str {
        &self.author_name
    }

    /// Writes the device's clock back; call before the transaction commits.
    pub fn finish(self, conn: &Connection) -> Result<()> {
        let (seq, hlc) = self.clock.get();
        save_device_clock(conn, self.device, seq, hlc)
    }

    /// The heads a new operation on a record of a file created in this batch is based on (as
    /// [`heads_of`] finds them in the database); `None` when the record's file is not one of
    /// them (the database is asked instead). The batch writes one operation after another, so
    /// a field's heads are the newer of its last `set` and the record's last `create` or
    /// `delete`, and a record's are the fields set since its last `create` or `delete`, or
    /// that one when none was.
    fn heads_of(&self, change: &Change<'_>) -> Option<Vec<Head>> {
        let files = self.files.borrow();
        let file = files.get(&compact::id_bytes(change.participant_id?))?;
        let record = compact::id_bytes(change.record_id);
        let whole = file.heads.get(&(record, String::new()));
        if change.kind != OpKind::Set {
            let after = whole.map_or(0, |(seq, _)| *seq);
            let mut since: Vec<&(u64, Head)> = file
                .heads
                .iter()
                .filter(|((id, field), (seq, _))| {
                    *id == record && !field.is_empty() && *seq > after
                })
                .map(|(_, head)| head)
                .collect();
            if since.is_empty() {
                return Some(whole.map(|(_, head)| head.clone()).into_iter().collect());
            }
            since.sort_by_key(|(seq, _)| *seq);
            return Some(since.into_iter().map(|(_, head)| head.clone()).collect());
        }
        let own = file.heads.get(&(record, change.field.to_string()));
        let newest = match (whole, own) {
            (Some(a), Some(b)) => Some(if a.0 > b.0 { a } else { b }),
            (a, b) => a.or(b),
        };
        Some(newest.map(|(_, head)| head.clone()).into_iter().collect())
    }

    fn wrote(&self, op: &Operation) {
        self.clock.set((op.seq, op.hlc));
        if op.kind == OpKind::Append {
            return;
        }
        let Some(her) = op.participant_id.as_deref() else {
            return;
        };
        if let Some(file) = self.files.borrow_mut().get_mut(&compact::id_bytes(her)) {
            file.heads.insert(
                (compact::id_bytes(&op.record_id), op.field.clone()),
                (
                    op.seq,
                    Head {
                        op_id: op.op_id.clone(),
                        hlc: op.hlc,
                    },
                ),
            );
        }
    }
}

/// The operation a new one is based on: its id and clock.
#[derive(Debug, Clone)]
struct Head {
    op_id: String,
    hlc: Hlc,
}

/// The last sequence number `device` wrote on this laptop's log (0 before its first).
pub(crate) fn last_seq(conn: &Connection, device: &str) -> Result<u64> {
    Ok(device_clock(conn, name_code(conn, device)?)?.0)
}

fn device_clock(conn: &Connection, device: i64) -> Result<(u64, Hlc)> {
    let clock: Option<(i64, i64)> = conn
        .prepare_cached("SELECT last_seq, last_hlc FROM device_clock WHERE device = ?1")?
        .query_row([device], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(match clock {
        Some((seq, hlc)) => (
            u64::try_from(seq).map_err(|_| Error::VaultCorrupt("bad sequence"))?,
            Hlc::decode(hlc)?,
        ),
        None => (
            0,
            Hlc {
                wall_ms: 0,
                counter: 0,
            },
        ),
    })
}

fn save_device_clock(conn: &Connection, device: i64, seq: u64, hlc: Hlc) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO device_clock (device, last_seq, last_hlc) VALUES (?1, ?2, ?3)
         ON CONFLICT(device) DO UPDATE SET last_seq = excluded.last_seq, last_hlc = excluded.last_hlc",
    )?
    .execute(params![device, seq as i64, hlc.encode()])?;
    Ok(())
}

fn now_ms() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
}

/// Runs `purge` with the change log's refusal of deletes lifted, inside the caller's
/// transaction: for erasure and for the purge of files that are not for this laptop only.
pub(crate) fn purging<T>(conn: &Connection, purge: impl FnOnce() -> Result<T>) -> Result<T> {
    conn.execute("INSERT INTO log_purge (active) VALUES (1)", [])?;
    let result = purge();
    conn.execute("DELETE FROM log_purge", [])?;
    result
}

/// Records `change` as the next operation of this device; call inside the transaction that
/// updates the visible row.
pub fn record(conn: &Connection, writer: Writer<'_>, change: Change<'_>) -> Result<Operation> {
    record_at(conn, writer, change, now_ms())
}

/// [`record`] at an explicit wall time, for tests of clock behaviour.
pub fn record_at(
    conn: &Connection,
    writer: Writer<'_>,
    change: Change<'_>,
    wall_ms: u64,
) -> Result<Operation> {
    record_with_parents(conn, writer, change, wall_ms, &[])
}

/// [`record`] for a change that settles concurrent operations: besides the field's current
/// head, the operation is based on each of `also_based_on` (the losers of a conflict it
/// resolves), so every laptop sees that it saw them all.
pub fn record_resolving(
    conn: &Connection,
    writer: Writer<'_>,
    change: Change<'_>,
    also_based_on: &[String],
) -> Result<Operation> {
    record_with_parents(conn, writer, change, now_ms(), also_based_on)
}

fn record_with_parents(
    conn: &Connection,
    writer: Writer<'_>,
    change: Change<'_>,
    wall_ms: u64,
    also_based_on: &[String],
) -> Result<Operation> {
    // Statements are cached: the write path and the demo generator record millions of these.
    let (device, author) = writer.codes(conn)?;
    let (last_seq, last_hlc) = match writer.batch {
        Some(batch) => batch.clock.get(),
        None => device_clock(conn, device)?,
    };
    // A new operation is based on every operation it follows that no other one it follows
    // has seen: a `set`, on the concurrent heads of its field (its `set`s and the record's
    // `create`s and `delete`s, since a `create` states the whole record), a `create` or
    // `delete` on the concurrent heads of the whole record. So a change made after two
    // concurrent ones names both, and a deletion names every edit it overrides: a laptop
    // that imports it can tell what it saw from what it did not (a conflict).
    let heads = if change.kind == OpKind::Append {
        Vec::new()
    } else {
        match writer.batch.and_then(|batch| batch.heads_of(&change)) {
            Some(heads) => heads,
            None => heads_of(conn, change.record_id, change.field, change.kind)?,
        }
    };
    // Never stamp an operation earlier than one it replaces, whatever the wall clock says.
    let mut hlc = last_hlc;
    for head in &heads {
        hlc = hlc.max(head.hlc);
    }
    // A sync file carries at most MAX_BASED_ON parents: past that (a record with more fields
    // changed since its last creation than that), the newest heads are named and the older
    // ones read as unseen, listed as a conflict where they lost: never lost unlisted.
    let mut based_on: Vec<String> = Vec::new();
    for parent in also_based_on {
        if !based_on.contains(parent) {
            based_on.push(parent.clone());
        }
    }
    let room = MAX_BASED_ON.saturating_sub(based_on.len());
    let skip = heads.len().saturating_sub(room);
    let mut named: Vec<String> = heads
        .into_iter()
        .skip(skip)
        .map(|head| head.op_id)
        .filter(|id| !based_on.contains(id))
        .collect();
    named.append(&mut based_on);
    let mut based_on = named;
    based_on.truncate(MAX_BASED_ON);
    let operation = Operation {
        op_id: uuid::Uuid::now_v7().to_string(),
        device_id: writer.device_id.to_string(),
        seq: last_seq + 1,
        hlc: hlc.tick(wall_ms),
        author_id: writer.author_id.to_string(),
        record_type: change.record_type.to_string(),
        // Ids as the log stores them (16 bytes; a derived id's hash).
        record_id: compact::id_text(&compact::id_bytes(change.record_id))?,
        field: change.field.to_string(),
        kind: change.kind,
        value: change.value,
        based_on,
        participant_id: change
            .participant_id
            .map(|id| compact::id_text(&compact::id_bytes(id)))
            .transpose()?,
    };
    insert_coded(conn, &operation, device, author)?;
    match writer.batch {
        Some(batch) => batch.wrote(&operation),
        None => save_device_clock(conn, device, operation.seq, operation.hlc)?,
    }
    Ok(operation)
}

/// The most operations one operation may be based on (a sync file refuses more).
pub const MAX_BASED_ON: usize = 64;

/// The operations a new one on `field` of a record is based on, among those this vault holds
/// (see [`frontier`]), found through the index on the record's id.
fn heads_of(conn: &Connection, record_id: &str, field: &str, kind: OpKind) -> Result<Vec<Head>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM change_log WHERE record_id = ?1 AND kind != 4"
    ))?;
    let rows = statement
        .query_map([compact::id_bytes(record_id).as_slice()], StoredRow::read)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let names = Names::load(conn)?;
    let ops = rows
        .into_iter()
        .map(|row| row.into_operation(&names))
        .collect::<Result<Vec<_>>>()?;
    Ok(frontier(&ops, field, kind)
        .into_iter()
        .map(|op| Head {
            op_id: op.op_id.clone(),
            hlc: op.hlc,
        })
        .collect())
}

/// The concurrent heads a new operation of `kind` on `field` follows, in merge order, among a
/// record's operations (appends aside): for a `set`, the field's `set`s and the record's
/// `create`s and `delete`s that no other of them has seen (through `based_on`, across the
/// whole record); for a `create` or `delete`, the record's operations that no other has seen.
pub(crate) fn frontier<'a>(ops: &'a [Operation], field: &str, kind: OpKind) -> Vec<&'a Operation> {
    let follows = |op: &Operation| {
        op.kind != OpKind::Append
            && (kind != OpKind::Set || op.field.is_empty() || op.field == field)
    };
    let parents: std::collections::HashMap<&str, &[String]> = ops
        .iter()
        .map(|op| (op.op_id.as_str(), op.based_on.as_slice()))
        .collect();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut stack: Vec<&str> = ops
        .iter()
        .filter(|op| follows(op))
        .flat_map(|op| op.based_on.iter().map(String::as_str))
        .collect();
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            if let Some(based) = parents.get(id) {
                stack.extend(based.iter().map(String::as_str));
            }
        }
    }
    let mut heads: Vec<&Operation> = ops
        .iter()
        .filter(|op| follows(op) && !seen.contains(op.op_id.as_str()))
        .collect();
    heads.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    heads
}

/// The number a device id, staff id or name is stored as: its place in [`compact::TERMS`],
/// or a number of this vault's own (from [`compact::FIRST_DYNAMIC_CODE`]) kept in
/// `log_names`. The field `""` (a whole record) is 0.
pub(crate) fn name_code(conn: &Connection, name: &str) -> Result<i64> {
    if name.is_empty() {
        return Ok(0);
    }
    if let Some(code) = compact::term_code(name) {
        return Ok(code);
    }
    let found: Option<i64> = conn
        .prepare_cached("SELECT code FROM log_names WHERE name = ?1")?
        .query_row([name], |row| row.get(0))
        .optional()?;
    if let Some(code) = found {
        return Ok(code);
    }
    conn.prepare_cached(
        "INSERT INTO log_names (code, name)
         SELECT MAX(COALESCE(MAX(code), 0) + 1, ?2), ?1 FROM log_names",
    )?
    .execute(params![name, compact::FIRST_DYNAMIC_CODE])?;
    Ok(conn
        .prepare_cached("SELECT code FROM log_names WHERE name = ?1")?
        .query_row([name], |row| row.get(0))?)
}

/// This vault's own names, read once per query.
pub(crate) struct Names(std::collections::HashMap<i64, String>);

impl Names {
    pub(crate) fn load(conn: &Connection) -> Result<Names> {
        let mut statement = conn.prepare_cached("SELECT code, name FROM log_names")?;
        let names = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Names(names))
    }

    pub(crate) fn name(&self, code: i64) -> Result<String> {
        if code == 0 {
            return Ok(String::new());
        }
        compact::term_name(code)
            .map(str::to_string)
            .or_else(|| self.0.get(&code).cloned())
            .ok_or(Error::VaultCorrupt("unknown name in the change log"))
    }
}

/// Stores an operation whose device and author are already numbered ([`name_code`]).
pub(crate) fn insert_coded(
    conn: &Connection,
    op: &Operation,
    device: i64,
    author: i64,
) -> Result<()> {
    let her = op.participant_id.as_deref();
    conn.prepare_cached(
        "INSERT INTO change_log (position, op_id, hlc, author, record_type, record_id, field,
                                 kind, value, based_on, participant_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        position(device, op.seq)?,
        compact::id_bytes(&op.op_id).as_slice(),
        op.hlc.encode(),
        author,
        name_code(conn, &op.record_type)?,
        compact::id_bytes(&op.record_id).as_slice(),
        name_code(conn, &op.field)?,
        op.kind.code(),
        op.value
            .as_ref()
            .map(|v| compact::encode_value(v, her))
            .transpose()?,
        compact::ids_bytes(&op.based_on),
        her.map(|id| compact::id_bytes(id).to_vec()),
    ])?;
    Ok(())
}

/// Where an operation lies in the log: its device's number × 2^40 + its sequence number
/// (`docs/storage.md`). A device's operations lie together, in sequence order.
pub(crate) fn position(device: i64, seq: u64) -> Result<i64> {
    if !(1..=MAX_DEVICE_CODE).contains(&device) || !(1..=MAX_SEQ).contains(&seq) {
        return Err(Error::Internal(format!(
            "no place in the log for operation {seq} of device number {device}"
        )));
    }
    Ok((device << 40) + seq as i64)
}

/// The operations of the device named `?1` numbered `?2..=?3`, as `c`: one range of
/// positions (`SELECT c.seq {DEVICE_RANGE}`).
pub(crate) const DEVICE_RANGE: &str = "FROM log_names n JOIN change_log c
      ON c.position BETWEEN (n.code << 40) + ?2 AND (n.code << 40) + min(?3, 1099511627775)
    WHERE n.name = ?1";

/// A device's operations after a sequence number (`?1`, `?2` from [`position`]).
const SINCE: &str = "WHERE position > ?1 AND position <= ?2 ORDER BY position";

/// The highest sequence number a device's operations may reach (2^40 − 1).
pub const MAX_SEQ: u64 = (1 << 40) - 1;

/// The highest number a device may have in `log_names` for its position to fit.
const MAX_DEVICE_CODE: i64 = (1 << 22) - 1;

/// Stores an operation made elsewhere, as it is (for sync and tests).
pub fn insert(conn: &Connection, op: &Operation) -> Result<()> {
    let device = name_code(conn, &op.device_id)?;
    let author = name_code(conn, &op.author_id)?;
    insert_coded(conn, op, device, author)
}

const COLUMNS: &str = "device, seq, op_id, hlc, author, record_type, record_id, field, kind, \
                       value, based_on, participant_id";

/// A row of the change log as stored.
struct StoredRow {
    device: i64,
    seq: i64,
    op_id: Vec<u8>,
    hlc: i64,
    author: i64,
    record_type: i64,
    record_id: Vec<u8>,
    field: i64,
    kind: i64,
    value: Option<Vec<u8>>,
    based_on: Vec<u8>,
    participant_id: Option<Vec<u8>>,
}

impl StoredRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<StoredRow> {
        Ok(StoredRow {
            device: row.get(0)?,
            seq: row.get(1)?,
            op_id: row.get(2)?,
            hlc: row.get(3)?,
            author: row.get(4)?,
            record_type: row.get(5)?,
            record_id: row.get(6)?,
            field: row.get(7)?,
            kind: row.get(8)?,
            value: row.get(9)?,
            based_on: row.get(10)?,
            participant_id: row.get(11)?,
        })
    }

    fn into_operation(self, names: &Names) -> Result<Operation> {
        let participant_id = self
            .participant_id
            .as_deref()
            .map(compact::id_text)
            .transpose()?;
        Ok(Operation {
            op_id: compact::id_text(&self.op_id)?,
            device_id: names.name(self.device)?,
            seq: u64::try_from(self.seq).map_err(|_| Error::VaultCorrupt("bad sequence"))?,
            hlc: Hlc::decode(self.hlc)?,
            author_id: names.name(self.author)?,
            record_type: names.name(self.record_type)?,
            record_id: compact::id_text(&self.record_id)?,
            field: names.name(self.field)?,
            kind: OpKind::from_code(self.kind)?,
            value: self
                .value
                .as_deref()
                .map(|bytes| compact::decode_value(bytes, participant_id.as_deref()))
                .transpose()?,
            based_on: compact::ids_text(&self.based_on)?,
            participant_id,
        })
    }
}

/// The operations `sql_tail` selects, in the order it gives.
fn query(conn: &Connection, sql_tail: &str, args: impl rusqlite::Params) -> Result<Vec<Operation>> {
    let names = Names::load(conn)?;
    let mut statement =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM change_log {sql_tail}"))?;
    let rows = statement
        .query_map(args, StoredRow::read)?
        .collect::<rusqlite::Result<Vec<StoredRow>>>()?;
    operations_of(rows, &names)
}

/// Stored rows made operations, in their order: a large set (a full export reads the whole
/// log) in runs, one thread each, since reading the values back is most of the work.
fn operations_of(rows: Vec<StoredRow>, names: &Names) -> Result<Vec<Operation>> {
    const PARALLEL_FROM: usize = 20_000;
    let threads = if rows.len() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    };
    operations_in_runs(rows, names, threads)
}

/// [`operations_of`] in `threads` runs.
fn operations_in_runs(
    mut rows: Vec<StoredRow>,
    names: &Names,
    threads: usize,
) -> Result<Vec<Operation>> {
    if threads < 2 || rows.len() < 2 {
        return rows
            .into_iter()
            .map(|row| row.into_operation(names))
            .collect();
    }
    let total = rows.len();
    let run = total.div_ceil(threads);
    let mut runs = Vec::with_capacity(threads);
    while rows.len() > run {
        runs.push(rows.split_off(rows.len() - run));
    }
    runs.push(rows);
    runs.reverse();
    std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .into_iter()
            .map(|run| {
                scope.spawn(move || {
                    run.into_iter()
                        .map(|row| row.into_operation(names))
                        .collect::<Result<Vec<Operation>>>()
                })
            })
            .collect();
        let mut operations = Vec::with_capacity(total);
        for handle in handles {
            let run = handle
                .join()
                .map_err(|_| Error::Internal("change log: a thread failed".into()))??;
            operations.extend(run);
        }
        Ok(operations)
    })
}

/// [`query`] in merge order (by device *id*, which the stored device number does not sort).
fn in_merge_order(mut operations: Vec<Operation>) -> Vec<Operation> {
    operations.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    operations
}

/// A record's history, in merge order.
pub fn history(conn: &Connection, record_type: &str, record_id: &str) -> Result<Vec<Operation>> {
    Ok(in_merge_order(query(
        conn,
        "WHERE record_id = ?1 AND record_type = ?2",
        params![
            compact::id_bytes(record_id).as_slice(),
            name_code(conn, record_type)?
        ],
    )?))
}

/// Every operation about one woman, in merge order: her file, its records and who it is
/// shared with.
pub fn about_participant(conn: &Connection, participant_id: &str) -> Result<Vec<Operation>> {
    Ok(in_merge_order(query(
        conn,
        "WHERE participant_id = ?1",
        params![compact::id_bytes(participant_id).as_slice()],
    )?))
}

/// Every operation of one device after `after_seq`, in sequence order (what an export sends).
pub fn since(conn: &Connection, device_id: &str, after_seq: u64) -> Result<Vec<Operation>> {
    // The table's key is the position (device, then seq): walked in that order, nothing is
    // sorted.
    let device = name_code(conn, device_id)?;
    query(
        conn,
        SINCE,
        params![
            position(device, 1)? - 1 + after_seq.min(MAX_SEQ) as i64,
            position(device, MAX_SEQ)?
        ],
    )
}

/// The whole log, by device and sequence.
pub fn all(conn: &Connection) -> Result<Vec<Operation>> {
    let mut operations = query(conn, "", [])?;
    operations.sort_by(|a, b| (&a.device_id, a.seq).cmp(&(&b.device_id, b.seq)));
    Ok(operations)
}

/// The state of one record rebuilt from operations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordState {
    pub deleted: bool,
    pub fields: BTreeMap<String, serde_json::Value>,
    pub appended: Vec<serde_json::Value>,
}

/// Rebuilds every record's state from a set of operations, in any order, replaying them in
/// merge order (highest `(hlc, device_id, op_id)` last): a `create` states the whole record,
/// so it sets the fields it carries, blanks every other and revives a deleted record; a `set`
/// changes one field; a `delete` leaves a tombstone until a later `create`; appended entries
/// are kept in clock order.
pub fn fold(operations: &[Operation]) -> BTreeMap<(String, String), RecordState> {
    let mut sorted: Vec<&Operation> = operations.iter().collect();
    sorted.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let mut states: BTreeMap<(String, String), RecordState> = BTreeMap::new();
    for op in sorted {
        let state = states
            .entry((op.record_type.clone(), op.record_id.clone()))
            .or_default();
        match op.kind {
            OpKind::Create => {
                state.deleted = false;
                state.fields = match &op.value {
                    Some(serde_json::Value::Object(fields)) => fields
                        .iter()
                        .map(|(field, value)| (field.clone(), value.clone()))
                        .collect(),
                    _ => BTreeMap::new(),
                };
            }
            OpKind::Delete => state.deleted = true,
            OpKind::Set => {
                state.fields.insert(
                    op.field.clone(),
                    op.value.clone().unwrap_or(serde_json::Value::Null),
                );
            }
            OpKind::Append => state
                .appended
                .push(op.value.clone().unwrap_or(serde_json::Value::Null)),
        }
    }
    states
}

/// Checks that each device's sequence numbers run 1, 2, 3… without a gap.
pub fn sequences_are_gap_free(conn: &Connection) -> Result<bool> {
    let gaps: i64 = conn.query_row(
        "SELECT count(*) FROM (
             SELECT device, count(*) AS n, min(seq) AS lo, max(seq) AS hi
             FROM change_log WHERE device IN (SELECT device FROM device_clock) GROUP BY device
         ) WHERE lo != 1 OR hi != n",
        [],
        |row| row.get(0),
    )?;
    Ok(gaps == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn conn() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrations::apply(&mut conn).unwrap();
        conn
    }

    const WRITER: Writer<'static> = Writer {
        device_id: "device-a",
        author_id: "staff-1",
        batch: None,
    };

    fn set_on(
        record_type: &'static str,
        record_id: &'static str,
        field: &'static str,
        value: serde_json::Value,
    ) -> Change<'static> {
        Change {
            record_type,
            record_id,
            field,
            kind: OpKind::Set,
            value: Some(value),
            participant_id: None,
        }
    }

    /// A `create` or `delete` of a whole record.
    fn whole_on(
        record_type: &'static str,
        record_id: &'static str,
        kind: OpKind,
        value: Option<serde_json::Value>,
    ) -> Change<'static> {
        Change {
            record_type,
            record_id,
            field: "",
            kind,
            value,
            participant_id: None,
        }
    }

    fn set(record_id: &str, field: &str, value: serde_json::Value) -> Change<'static> {
        Change {
            record_type: "participant",
            record_id: Box::leak(record_id.to_string().into_boxed_str()),
            field: Box::leak(field.to_string().into_boxed_str()),
            kind: OpKind::Set,
            value: Some(value),
            participant_id: None,
        }
    }

    /// A device's operations are read as one range of the log's integer key, and a record's
    /// origin found by it: never by walking the log or sorting what was read.
    #[test]
    fn a_devices_operations_are_one_range_of_positions() {
        let conn = conn();
        let plan = |sql: &str, args: &[&dyn rusqlite::ToSql]| -> String {
            conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(args, |row| row.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap()
                .join("\n")
        };
        for plan in [
            plan(
                &format!("SELECT {COLUMNS} FROM change_log {SINCE}"),
                &[&1, &2],
            ),
            plan(&format!("SELECT c.seq {DEVICE_RANGE}"), &[&"d", &1, &2]),
            plan(
                &format!(
                    "SELECT l.value FROM case_records r {} WHERE r.participant_id = ?1",
                    crate::records::record::ORIGIN
                ),
                &[&[0u8; 16].as_slice()],
            ),
        ] {
            assert!(plan.contains("USING INTEGER PRIMARY KEY (rowid"), "{plan}");
            assert!(!plan.contains("SCAN"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
    }

    /// Each device's operations lie together, in sequence order, and a sequence number or a
    /// device number too large for its place is refused rather than laid over another's.
    #[test]
    fn an_operation_lies_at_its_devices_place() {
        let conn = conn();
        for (device, seq) in [("device-b", 2), ("device-a", 1), ("device-b", 1)] {
            let op = Operation {
                op_id: format!("0191c3a0-0000-7000-8000-0000000001{}{seq}", device.len()),
                device_id: device.into(),
                seq,
                hlc: Hlc {
                    wall_ms: 1_700_000_000_000 + seq,
                    counter: 0,
                },
                author_id: "staff-1".into(),
                record_type: "participant".into(),
                record_id: "0191c3a0-0000-7000-8000-000000000001".into(),
                field: "name".into(),
                kind: OpKind::Set,
                value: Some(json!("Ana")),
                based_on: Vec::new(),
                participant_id: None,
            };
            insert(&conn, &op).unwrap();
        }
        let (a, b) = (
            name_code(&conn, "device-a").unwrap(),
            name_code(&conn, "device-b").unwrap(),
        );
        let laid: Vec<(i64, i64, i64)> = conn
            .prepare("SELECT position, device, seq FROM change_log ORDER BY position")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut expected = vec![
            ((b << 40) + 2, b, 2),
            ((a << 40) + 1, a, 1),
            ((b << 40) + 1, b, 1),
        ];
        expected.sort();
        assert_eq!(laid, expected);
        assert_eq!(
            since(&conn, "device-b", 1)
                .unwrap()
                .iter()
                .map(|op| op.seq)
                .collect::<Vec<_>>(),
            [2]
        );
        assert_eq!(since(&conn, "device-b", u64::MAX).unwrap().len(), 0);
        assert_eq!(position(a, MAX_SEQ).unwrap(), (a << 40) + (1 << 40) - 1);
        assert!(position(a, MAX_SEQ + 1).is_err());
        assert!(position(a, 0).is_err());
        assert!(position(MAX_DEVICE_CODE + 1, 1).is_err());
        assert!(position(0, 1).is_err());
        // The table refuses what the code would not write.
        for bad in [a << 40, 5, -1] {
            assert!(conn
                .execute(
                    "INSERT INTO change_log (position, op_id, hlc, author, record_type, record_id,
                                             field, kind, value, based_on, participant_id)
                     VALUES (?1, x'00', 1, 1, 1, x'00', 0, 1, NULL, x'', NULL)",
                    [bad],
                )
                .is_err());
        }
    }

    /// The stored log read back in runs on several threads gives the operations one thread
    /// gives, in the same order, and a damaged row in the last run still fails the read.
    #[test]
    fn the_log_read_back_in_runs_is_the_log_read_in_one() {
        let conn = conn();
        for i in 0..40 {
            let id = format!("0191c3a0-0000-7000-8000-{i:012}");
            record(&conn, WRITER, set(&id, "name", json!(format!("Ana {i}")))).unwrap();
            record(&conn, WRITER, set(&id, "birthDate", json!("1990-02-03"))).unwrap();
        }
        let rows = || -> Vec<StoredRow> {
            conn.prepare(&format!("SELECT {COLUMNS} FROM change_log ORDER BY seq"))
                .unwrap()
                .query_map([], StoredRow::read)
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let names = Names::load(&conn).unwrap();
        let one = operations_in_runs(rows(), &names, 1).unwrap();
        assert_eq!(one.len(), 80);
        assert_eq!(
            one.iter().map(|op| op.seq).collect::<Vec<_>>(),
            (1..=80).collect::<Vec<_>>()
        );
        for threads in [2, 3, 7, 80, 200] {
            assert_eq!(operations_in_runs(rows(), &names, threads).unwrap(), one);
        }
        let mut damaged = rows();
        damaged.last_mut().unwrap().value = Some(vec![0xff, 0x00]);
        assert!(operations_in_runs(damaged, &names, 3).is_err());
    }

    #[test]
    fn clock_never_goes_backwards() {
        let start = Hlc {
            wall_ms: 1000,
            counter: 0,
        };
        assert_eq!(
            start.tick(2000),
            Hlc {
                wall_ms: 2000,
                counter: 0
            }
        );
        assert_eq!(
            start.tick(500),
            Hlc {
                wall_ms: 1000,
                counter: 1
            }
        );
        assert_eq!(
            start.tick(1000),
            Hlc {
                wall_ms: 1000,
                counter: 1
            }
        );
        let stored = Hlc {
            wall_ms: 42,
            counter: 7,
        }
        .encode();
        assert_eq!(
            Hlc::decode(stored).unwrap(),
            Hlc {
                wall_ms: 42,
                counter: 7
            }
        );
        assert!(
            Hlc {
                wall_ms: 9,
                counter: 0
            }
            .encode()
                < Hlc {
                    wall_ms: 10,
                    counter: 0
                }
                .encode()
        );
        // A counter past its 16 bits stands still rather than spilling into the wall time.
        let busy = Hlc {
            wall_ms: 5,
            counter: Hlc::MAX_COUNTER,
        };
        assert_eq!(busy.tick(5), busy);
        assert_eq!(Hlc::decode(busy.encode()).unwrap(), busy);
        assert!(
            busy.encode()
                < Hlc {
                    wall_ms: 6,
                    counter: 0
                }
                .encode()
        );
        assert!(Hlc::decode(-1).is_err());
    }

    #[test]
    fn operations_chain_and_sequence_without_gaps() {
        let conn = conn();
        let first = record_at(
            &conn,
            WRITER,
            set("p1", "chosen_name", json!("Mari")),
            5_000,
        )
        .unwrap();
        // The laptop's clock jumps back an hour: the operation still sorts after the first.
        let second = record_at(
            &conn,
            WRITER,
            set("p1", "chosen_name", json!("María")),
            1_000,
        )
        .unwrap();
        let other =
            record_at(&conn, WRITER, set("p2", "chosen_name", json!("Ana")), 6_000).unwrap();
        assert_eq!((first.seq, second.seq, other.seq), (1, 2, 3));
        assert!(second.hlc > first.hlc);
        assert_eq!(second.based_on, vec![first.op_id.clone()]);
        assert!(first.based_on.is_empty());
        assert!(other.based_on.is_empty());
        assert!(sequences_are_gap_free(&conn).unwrap());
        let history = history(&conn, "participant", "p1").unwrap();
        assert_eq!(
            first.record_id,
            compact::derived_id("p1"),
            "stored as its hash"
        );
        assert_eq!(history, vec![first, second]);
        assert_eq!(since(&conn, "device-a", 2).unwrap(), vec![other]);
        // The log refuses edits.
        assert!(conn
            .execute("UPDATE change_log SET value = 'x'", [])
            .is_err());
    }

    #[test]
    fn a_rolled_back_change_leaves_no_operation_and_no_gap() {
        let mut conn = conn();
        record(&conn, WRITER, set("p1", "a", json!(1))).unwrap();
        {
            let tx = conn.transaction().unwrap();
            record(&tx, WRITER, set("p1", "a", json!(2))).unwrap();
            // dropped without commit
        }
        let next = record(&conn, WRITER, set("p1", "a", json!(3))).unwrap();
        assert_eq!(next.seq, 2);
        assert!(sequences_are_gap_free(&conn).unwrap());
    }

    #[test]
    fn a_field_is_based_on_the_newer_of_its_last_set_and_the_records_last_create() {
        let conn = conn();
        let create = |value: serde_json::Value| Change {
            record_type: "household",
            record_id: "p1/household",
            field: "",
            kind: OpKind::Create,
            value: Some(value),
            participant_id: None,
        };
        let first = record(
            &conn,
            WRITER,
            create(json!({"size": 3, "tenure": "rented"})),
        )
        .unwrap();
        let size = record(
            &conn,
            WRITER,
            set_on("household", "p1/household", "size", json!(4)),
        )
        .unwrap();
        assert_eq!(
            size.based_on,
            vec![first.op_id.clone()],
            "carried by the create"
        );
        let size_again = record(
            &conn,
            WRITER,
            set_on("household", "p1/household", "size", json!(5)),
        )
        .unwrap();
        assert_eq!(size_again.based_on, vec![size.op_id.clone()]);
        // Deleted and revived: the next edit of a field set before is based on the revival,
        // which stated the whole record, not on the set the revival replaced.
        let delete = record(
            &conn,
            WRITER,
            Change {
                kind: OpKind::Delete,
                value: None,
                ..create(json!(null))
            },
        )
        .unwrap();
        let revival = record(&conn, WRITER, create(json!({"size": 2}))).unwrap();
        assert_eq!(revival.based_on, vec![delete.op_id.clone()]);
        let after = record(
            &conn,
            WRITER,
            set_on("household", "p1/household", "size", json!(6)),
        )
        .unwrap();
        assert_eq!(after.based_on, vec![revival.op_id.clone()]);
        let other = "0190aaaa-0000-7000-8000-000000000001".to_string();
        let resolution = record_resolving(
            &conn,
            WRITER,
            set_on("household", "p1/household", "size", json!(7)),
            std::slice::from_ref(&other),
        )
        .unwrap();
        assert_eq!(resolution.based_on, vec![after.op_id, other]);
        let stored = history(&conn, "household", "p1/household").unwrap();
        assert_eq!(stored.last().unwrap().based_on.len(), 2);
    }

    /// A change made after two concurrent ones (one from another laptop) names both, and a
    /// deletion names every field's last edit, so a laptop that imports them can tell what
    /// they saw.
    #[test]
    fn a_change_is_based_on_every_concurrent_head_it_follows() {
        let conn = conn();
        let first = record(
            &conn,
            WRITER,
            whole_on(
                "household",
                "p2/household",
                OpKind::Create,
                Some(json!({"size": 3})),
            ),
        )
        .unwrap();
        let ours = record(
            &conn,
            WRITER,
            set_on("household", "p2/household", "size", json!(4)),
        )
        .unwrap();
        // The same field changed on another laptop, based on the same create.
        let theirs = Operation {
            op_id: "0190bbbb-0000-7000-8000-000000000002".into(),
            device_id: "device-b".into(),
            seq: 1,
            author_id: "staff-2".into(),
            based_on: vec![first.op_id.clone()],
            value: Some(json!(5)),
            ..ours.clone()
        };
        insert(&conn, &theirs).unwrap();
        let after = record(
            &conn,
            WRITER,
            set_on("household", "p2/household", "size", json!(6)),
        )
        .unwrap();
        let mut both = [&ours, &theirs];
        both.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        assert_eq!(
            after.based_on,
            both.map(|op| op.op_id.clone()).to_vec(),
            "both concurrent edits of the field, in merge order"
        );
        assert!(after.hlc >= theirs.hlc && after.hlc >= ours.hlc);
        // Another field, then a deletion: it follows the newest edit of each field, not the
        // create they replaced.
        let tenure = record(
            &conn,
            WRITER,
            set_on("household", "p2/household", "tenure", json!("owned")),
        )
        .unwrap();
        let delete = record(
            &conn,
            WRITER,
            whole_on("household", "p2/household", OpKind::Delete, None),
        )
        .unwrap();
        let based: std::collections::BTreeSet<&String> = delete.based_on.iter().collect();
        assert_eq!(
            based,
            [&after.op_id, &tenure.op_id].into_iter().collect(),
            "every field's head"
        );
        let history = history(&conn, "household", "p2/household").unwrap();
        assert!(
            crate::sync::import::conflicts_in(&history).is_empty(),
            "the deletion saw every edit and the last size saw both: nothing to settle"
        );
    }

    /// Two laptops create the record with the same derived id without seeing each other:
    /// whichever arrives first, the later create states the record, and sets made after it
    /// on either laptop apply on top.
    #[test]
    fn concurrent_creates_of_one_derived_id_fold_the_same_in_any_order() {
        let op = |device: &str, wall: u64, kind: OpKind, field: &str, value: serde_json::Value| {
            Operation {
                op_id: format!("{device}-{wall}"),
                device_id: device.into(),
                seq: wall,
                hlc: Hlc {
                    wall_ms: wall,
                    counter: 0,
                },
                author_id: "staff".into(),
                record_type: "document".into(),
                record_id: "p1/document/self/cedula".into(),
                field: field.into(),
                kind,
                value: Some(value),
                based_on: vec![],
                participant_id: Some("p1".into()),
            }
        };
        let operations = vec![
            op(
                "a",
                10,
                OpKind::Create,
                "",
                json!({"status": "needed", "cost": 5}),
            ),
            op("b", 11, OpKind::Create, "", json!({"status": "in_process"})),
            op("a", 12, OpKind::Set, "issuing_body", json!("Registraduría")),
            op("b", 9, OpKind::Delete, "", serde_json::Value::Null),
        ];
        let mut reversed = operations.clone();
        reversed.reverse();
        let expected: BTreeMap<String, serde_json::Value> = [
            ("status".to_string(), json!("in_process")),
            ("issuing_body".to_string(), json!("Registraduría")),
        ]
        .into_iter()
        .collect();
        for order in [operations, reversed] {
            let state = &fold(&order)[&(
                "document".to_string(),
                "p1/document/self/cedula".to_string(),
            )];
            assert!(!state.deleted);
            assert_eq!(state.fields, expected, "the older create's cost is blanked");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The state rebuilt from the log equals the state the edits produced, in any order:
        /// deletes, revivals (a create after a delete), creates that blank what they leave
        /// out, sets and appends, with the wall clock standing still or going back.
        #[test]
        fn state_rebuilt_from_the_log_equals_the_edits(
            edits in proptest::collection::vec((0u8..4, 0u8..3, 0u8..5, any::<i32>()), 1..60),
            clock_jumps in proptest::collection::vec(0u64..3, 60),
        ) {
            let conn = conn();
            let mut expected: BTreeMap<(String, String), RecordState> = BTreeMap::new();
            let stored_id = |record: &u8| compact::derived_id(&format!("p{record}"));
            let mut wall = 1_000u64;
            for (index, (record, field, action, value)) in edits.iter().enumerate() {
                // The wall clock sometimes stands still or goes back.
                wall = match clock_jumps[index] { 0 => wall + 7, 1 => wall, _ => wall.saturating_sub(50) };
                let record_id = format!("p{record}");
                let state = expected.entry(("participant".into(), stored_id(record))).or_default();
                let change = match action {
                    0 => { state.deleted = true; Change { record_type: "participant", record_id: "", field: "", kind: OpKind::Delete, value: None, participant_id: None } }
                    1 => { state.appended.push(json!(value)); Change { record_type: "participant", record_id: "", field: "notes", kind: OpKind::Append, value: Some(json!(value)), participant_id: None } }
                    2 => {
                        // A create carrying the fields up to `field`: the others are blanked.
                        let carried: serde_json::Map<String, serde_json::Value> =
                            (0..=*field).map(|f| (format!("f{f}"), json!(value))).collect();
                        state.deleted = false;
                        state.fields = carried.clone().into_iter().collect();
                        Change { record_type: "participant", record_id: "", field: "", kind: OpKind::Create, value: Some(serde_json::Value::Object(carried)), participant_id: None }
                    }
                    _ => {
                        state.fields.insert(format!("f{field}"), json!(value));
                        set(&record_id, &format!("f{field}"), json!(value))
                    }
                };
                let change = Change { record_id: Box::leak(record_id.into_boxed_str()), ..change };
                record_at(&conn, WRITER, change, wall).unwrap();
            }
            let mut log = all(&conn).unwrap();
            prop_assert!(sequences_are_gap_free(&conn).unwrap());
            prop_assert_eq!(fold(&log), expected.clone());
            log.reverse();
            prop_assert_eq!(fold(&log), expected);
        }
    }
}
