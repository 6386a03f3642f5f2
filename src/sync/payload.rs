//! The payload of a sync file: its operations, one CBOR map each, one after another
//! (`docs/sync-format.md`). Ids are text in canonical form, values JSON-shaped. The reader
//! refuses anything it does not know, before any of it is used.

use serde::{Deserialize, Serialize};

use super::manifest::{Manifest, Refusal};
use crate::changelog::{Hlc, OpKind, Operation};
use crate::compact::canonical_uuid;

/// One operation as a sync file carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireOperation {
    /// Operation id.
    i: String,
    /// Device.
    d: String,
    /// Sequence number.
    s: u64,
    /// Clock: wall milliseconds and counter.
    w: u64,
    c: u32,
    /// Author (staff id).
    a: String,
    /// Record type, record id, field ("" for a whole record).
    t: String,
    r: String,
    f: String,
    /// Kind: create, set, delete, append.
    k: String,
    /// Value (JSON-shaped); a delete may carry none.
    v: Option<serde_json::Value>,
    /// Based on.
    b: Vec<String>,
    /// The woman it is about.
    p: Option<String>,
}

fn kind_name(kind: OpKind) -> &'static str {
    kind.as_str()
}

fn kind_of(name: &str) -> Option<OpKind> {
    [OpKind::Create, OpKind::Set, OpKind::Delete, OpKind::Append]
        .into_iter()
        .find(|kind| kind.as_str() == name)
}

/// [`WireOperation`] borrowed from an operation, for writing: the same keys in the same
/// order, so the same bytes, without copying every value first.
#[derive(Serialize)]
struct WireOperationRef<'a> {
    i: &'a str,
    d: &'a str,
    s: u64,
    w: u64,
    c: u32,
    a: &'a str,
    t: &'a str,
    r: &'a str,
    f: &'a str,
    k: &'a str,
    v: Option<&'a serde_json::Value>,
    b: &'a [String],
    p: Option<&'a str>,
}

/// Writes operations as a payload: a large one in runs, one thread each, put together in
/// order (each operation's bytes are its own, so the payload is the same).
pub fn encode(operations: &[Operation]) -> crate::Result<Vec<u8>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if (operations.len() as u64) < PARALLEL_FROM || threads < 2 {
        return encode_in_order(operations);
    }
    let run = operations.len().div_ceil(threads);
    let runs: Vec<crate::Result<Vec<u8>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = operations
            .chunks(run)
            .map(|ops| scope.spawn(move || encode_in_order(ops)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle.join().unwrap_or_else(|_| {
                    Err(crate::Error::Internal("payload: a thread failed".into()))
                })
            })
            .collect()
    });
    let mut out = Vec::with_capacity(runs.iter().map(|r| r.as_ref().map_or(0, Vec::len)).sum());
    for run in runs {
        out.extend_from_slice(&run?);
    }
    Ok(out)
}

fn encode_in_order(operations: &[Operation]) -> crate::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(operations.len() * 160);
    for op in operations {
        let wire = WireOperationRef {
            i: &op.op_id,
            d: &op.device_id,
            s: op.seq,
            w: op.hlc.wall_ms,
            c: op.hlc.counter,
            a: &op.author_id,
            t: &op.record_type,
            r: &op.record_id,
            f: &op.field,
            k: kind_name(op.kind),
            v: op.value.as_ref(),
            b: &op.based_on,
            p: op.participant_id.as_deref(),
        };
        ciborium::into_writer(&wire, &mut out)
            .map_err(|e| crate::Error::Internal(format!("payload: {e}")))?;
    }
    Ok(out)
}

fn is_id(text: &str) -> bool {
    canonical_uuid(text).is_some_and(|id| !id.is_nil())
}

/// The largest value one operation may carry, in CBOR bytes.
const MAX_OPERATION_BYTES: usize = 1024 * 1024;

/// Reads a payload: every operation well formed (ids canonical, a known record type and
/// field, a known kind with the value it needs), inside the ranges the manifest states,
/// each (device, sequence) once, and as many per device as the manifest counts.
///
/// A large payload is read by several threads, each a run of whole operations (found by
/// walking the items' headers first). The result is the same: any doubt (a walk that does not
/// find exactly the operations the manifest counts, any operation refused) reads the payload
/// again from the start, one operation after another, for the refusal a reader gives.
pub fn decode(payload: &[u8], manifest: &Manifest) -> Result<Vec<Operation>, Refusal> {
    if manifest.operations >= PARALLEL_FROM {
        if let Some(operations) = decode_in_parallel(payload, manifest) {
            return Ok(operations);
        }
    }
    decode_in_order(payload, manifest)
}

/// Below this many operations a payload is read by one thread.
const PARALLEL_FROM: u64 = 20_000;

/// For the fuzz target (`fuzz/fuzz_targets/sync_payload.rs`), which never reaches
/// [`PARALLEL_FROM`] operations: reads `payload` by the threads' path whatever its size, and
/// panics unless it agrees with the one-by-one reader (the threads may give up on any doubt,
/// but what they accept the reader accepts, as the same operations).
#[doc(hidden)]
pub fn check_threads_agree(payload: &[u8], manifest: &Manifest) {
    if let Some(by_threads) = decode_in_parallel(payload, manifest) {
        assert_eq!(
            decode_in_order(payload, manifest).as_ref(),
            Ok(&by_threads),
            "the threads accepted what the reader does not read the same"
        );
    }
}

fn decode_in_order(payload: &[u8], manifest: &Manifest) -> Result<Vec<Operation>, Refusal> {
    let mut rest = payload;
    let mut operations = Vec::with_capacity(manifest.operations.min(1_000_000) as usize);
    let mut placed = Placed::new(manifest);
    while !rest.is_empty() {
        if operations.len() as u64 >= manifest.operations {
            return Err(Refusal::BadOperation(
                "more operations than the manifest counts",
            ));
        }
        let op = read_operation(&mut rest)?;
        placed.place(&op)?;
        check_operation(&op)?;
        operations.push(op);
    }
    placed.finish(operations.len())?;
    Ok(operations)
}

/// The threads' reading of [`decode`], or `None` when anything is in doubt.
fn decode_in_parallel(payload: &[u8], manifest: &Manifest) -> Option<Vec<Operation>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 {
        return None;
    }
    // Where each run starts: every item's extent found from its headers alone.
    let share = payload.len() / threads;
    let mut starts = vec![0usize];
    let mut at = 0usize;
    let mut items = 0u64;
    while at < payload.len() {
        at = skip_item(payload, at, 0)?;
        items += 1;
        if items > manifest.operations {
            return None;
        }
        if starts.len() < threads && at >= share * starts.len() && at < payload.len() {
            starts.push(at);
        }
    }
    if items != manifest.operations {
        return None;
    }
    starts.push(payload.len());
    let runs: Vec<&[u8]> = starts.windows(2).map(|w| &payload[w[0]..w[1]]).collect();
    let read: Vec<Option<Vec<Operation>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .iter()
            .map(|run| {
                scope.spawn(move || {
                    let mut rest = *run;
                    let mut operations = Vec::new();
                    while !rest.is_empty() {
                        let op = read_operation(&mut rest).ok()?;
                        check_operation(&op).ok()?;
                        operations.push(op);
                    }
                    Some(operations)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().ok().flatten())
            .collect()
    });
    let mut placed = Placed::new(manifest);
    let mut runs = Vec::with_capacity(read.len());
    for run in read {
        let run = run?;
        for op in &run {
            placed.place(op).ok()?;
        }
        runs.push(run);
    }
    // Put together by appending whole runs (moving each operation on its own cost more than
    // reading it).
    let mut runs = runs.into_iter();
    let mut operations = runs.next().unwrap_or_default();
    for mut run in runs {
        operations.append(&mut run);
    }
    placed.finish(operations.len()).ok()?;
    Some(operations)
}

/// Where a CBOR item that starts at `at` ends, from its headers (nothing is decoded); `None`
/// for anything that is not a whole item.
fn skip_item(bytes: &[u8], at: usize, depth: u32) -> Option<usize> {
    if depth > 128 {
        return None;
    }
    let first = *bytes.get(at)?;
    let (major, info) = (first >> 5, first & 0x1f);
    let argument = |width: usize| -> Option<(u64, usize)> {
        let field = bytes.get(at + 1..at + 1 + width)?;
        let value = field.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b));
        Some((value, at + 1 + width))
    };
    let (length, next) = match info {
        0..=23 => (u64::from(info), at + 1),
        24 => argument(1)?,
        25 => argument(2)?,
        26 => argument(4)?,
        27 => argument(8)?,
        31 => {
            // Indefinite length: strings made of chunks, arrays and maps of items, to a break.
            let mut at = at + 1;
            loop {
                if *bytes.get(at)? == 0xff {
                    return Some(at + 1);
                }
                match major {
                    2 | 3 => {
                        if bytes[at] >> 5 != major || bytes[at] & 0x1f == 31 {
                            return None;
                        }
                        at = skip_item(bytes, at, depth + 1)?;
                    }
                    4 => at = skip_item(bytes, at, depth + 1)?,
                    5 => {
                        at = skip_item(bytes, at, depth + 1)?;
                        at = skip_item(bytes, at, depth + 1)?;
                    }
                    _ => return None,
                }
            }
        }
        _ => return None,
    };
    match major {
        0 | 1 | 7 => Some(next),
        2 | 3 => {
            let end = next.checked_add(usize::try_from(length).ok()?)?;
            (end <= bytes.len()).then_some(end)
        }
        4 | 5 => {
            let count = if major == 5 {
                length.checked_mul(2)?
            } else {
                length
            };
            // Each item takes at least a byte: a count beyond what is left is not whole.
            if count > (bytes.len() - next) as u64 {
                return None;
            }
            let mut at = next;
            for _ in 0..count {
                at = skip_item(bytes, at, depth + 1)?;
            }
            Some(at)
        }
        6 => skip_item(bytes, next, depth + 1),
        _ => None,
    }
}

/// Reads one operation and checks what it says on its own: its size, kind, ids, clock and
/// sequence number.
fn read_operation(rest: &mut &[u8]) -> Result<Operation, Refusal> {
    let bad = Refusal::BadOperation;
    let before = rest.len();
    let wire: WireOperation =
        ciborium::from_reader(&mut *rest).map_err(|_| bad("not a well-formed operation"))?;
    if before - rest.len() > MAX_OPERATION_BYTES {
        return Err(Refusal::TooLarge);
    }
    let kind = kind_of(&wire.k).ok_or(bad("an unknown kind"))?;
    if !is_id(&wire.i)
        || !is_id(&wire.d)
        || !is_id(&wire.a)
        || !is_id(&wire.r)
        || !wire.p.as_deref().is_none_or(is_id)
        || !wire.b.iter().all(|id| is_id(id))
    {
        return Err(bad("an id is not in canonical form"));
    }
    if wire.b.len() > crate::changelog::MAX_BASED_ON {
        return Err(bad("based on too many operations"));
    }
    if wire.s == 0
        || wire.s > crate::changelog::MAX_SEQ
        || wire.c > Hlc::MAX_COUNTER
        || wire.w >= (1 << 47)
    {
        return Err(bad("a sequence number or clock out of range"));
    }
    // CBOR's null reads as no value: a `set` to empty is a null value, and a delete may
    // say what it deletes (a share names the file and the colleague) or nothing.
    let value = match kind {
        OpKind::Delete => wire.v,
        _ => Some(wire.v.unwrap_or(serde_json::Value::Null)),
    };
    Ok(Operation {
        op_id: wire.i,
        device_id: wire.d,
        seq: wire.s,
        hlc: Hlc {
            wall_ms: wire.w,
            counter: wire.c,
        },
        author_id: wire.a,
        record_type: wire.t,
        record_id: wire.r,
        field: wire.f,
        kind,
        value,
        based_on: wire.b,
        participant_id: wire.p,
    })
}

/// The checks of an operation read that come after its place in the ranges: its record
/// type and fields, and the file it names.
fn check_operation(op: &Operation) -> Result<(), Refusal> {
    let bad = Refusal::BadOperation;
    crate::records::schema::check(op).map_err(|_| bad("an unknown record type or field"))?;
    // Her records name the file they belong to, and say so in both places.
    if let Some(Some(named)) = op
        .value
        .as_ref()
        .and_then(|v| v.get(crate::compact::PARTICIPANT_FIELD))
        .map(|v| v.as_str())
    {
        if op.participant_id.as_deref() != Some(named) {
            return Err(bad("an operation names two files"));
        }
    }
    Ok(())
}

/// The operations' places in the manifest's ranges, as they are read.
struct Placed<'a> {
    manifest: &'a Manifest,
    per_range: Vec<u64>,
    seen: std::collections::HashSet<(usize, u64)>,
}

impl<'a> Placed<'a> {
    fn new(manifest: &'a Manifest) -> Placed<'a> {
        Placed {
            manifest,
            per_range: vec![0u64; manifest.ranges.len()],
            seen: std::collections::HashSet::new(),
        }
    }

    /// Each operation inside a range, and each (device, sequence) once.
    fn place(&mut self, op: &Operation) -> Result<(), Refusal> {
        let bad = Refusal::BadOperation;
        let Some(range) =
            self.manifest.ranges.iter().position(|r| {
                r.device == op.device_id && (r.first_seq..=r.last_seq).contains(&op.seq)
            })
        else {
            return Err(bad("an operation outside the manifest's ranges"));
        };
        if !self.seen.insert((range, op.seq)) {
            return Err(bad("an operation twice"));
        }
        self.per_range[range] += 1;
        Ok(())
    }

    /// As many operations as the manifest counts, in all and per range.
    fn finish(&self, read: usize) -> Result<(), Refusal> {
        if read as u64 != self.manifest.operations
            || self
                .per_range
                .iter()
                .zip(&self.manifest.ranges)
                .any(|(found, range)| *found != range.count)
        {
            return Err(Refusal::BadOperation(
                "fewer operations than the manifest counts",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::manifest::DeviceRange;

    /// `count` operations of one device, numbered from 1, about one woman.
    fn operations(count: u64) -> (Vec<Operation>, Manifest) {
        let device = "0191c3a0-0000-7000-8000-0000000000a1";
        let her = "0191c3a0-0000-7000-8000-0000000000d4";
        let ops: Vec<Operation> = (1..=count)
            .map(|seq| Operation {
                op_id: format!("0191c3a0-0000-7000-9000-{seq:012x}"),
                device_id: device.into(),
                seq,
                hlc: Hlc {
                    wall_ms: 1_790_000_000_000 + seq,
                    counter: 0,
                },
                author_id: "0191c3a0-0000-7000-8000-0000000000e5".into(),
                record_type: "participant".into(),
                record_id: her.into(),
                field: "chosenName".into(),
                kind: OpKind::Set,
                value: Some(serde_json::json!(format!("Nombre {seq} ñ"))),
                based_on: vec![],
                participant_id: Some(her.into()),
            })
            .collect();
        let mut manifest = crate::sync::manifest::tests::manifest();
        manifest.ranges = vec![DeviceRange {
            device: device.into(),
            first_seq: 1,
            last_seq: count,
            count,
        }];
        manifest.operations = count;
        (ops, manifest)
    }

    #[test]
    fn threads_read_a_payload_as_one_reader_does_and_leave_any_doubt_to_it() {
        let (ops, manifest) = operations(200);
        let payload = encode(&ops).unwrap();
        let (many, _) = operations(PARALLEL_FROM + 7);
        assert_eq!(encode(&many).unwrap(), encode_in_order(&many).unwrap());
        assert_eq!(decode_in_order(&payload, &manifest).unwrap(), ops);
        if std::thread::available_parallelism().map_or(1, |n| n.get()) > 1 {
            assert_eq!(decode_in_parallel(&payload, &manifest).unwrap(), ops);
            check_threads_agree(&payload, &manifest);
        }
        // Cut short, one byte too many, or more operations than counted: the threads give
        // up and the reader refuses as it always did.
        for broken in [
            payload[..payload.len() - 3].to_vec(),
            [payload.as_slice(), &[0]].concat(),
        ] {
            assert!(decode_in_parallel(&broken, &manifest).is_none());
            assert!(decode(&broken, &manifest).is_err());
        }
        let mut fewer = manifest.clone();
        fewer.operations = 150;
        assert!(decode_in_parallel(&payload, &fewer).is_none());
        assert_eq!(
            decode(&payload, &fewer),
            Err(Refusal::BadOperation(
                "more operations than the manifest counts"
            ))
        );
        // An operation refused in a thread is refused with the reader's reason.
        let mut odd = ops.clone();
        odd[120].record_type = "nothing".into();
        let payload = encode(&odd).unwrap();
        assert!(decode_in_parallel(&payload, &manifest).is_none());
        assert_eq!(
            decode(&payload, &manifest),
            Err(Refusal::BadOperation("an unknown record type or field"))
        );
    }

    #[test]
    fn an_operation_is_written_as_the_wire_form_it_is_read_as() {
        let op = Operation {
            op_id: "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b".into(),
            device_id: "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c".into(),
            seq: 7,
            hlc: Hlc {
                wall_ms: 1_700_000_000_000,
                counter: 3,
            },
            author_id: "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2d".into(),
            record_type: "participant".into(),
            record_id: "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2e".into(),
            field: "chosenName".into(),
            kind: OpKind::Set,
            value: Some(serde_json::json!({"a": [1, "dos", null, true]})),
            based_on: vec!["0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2f".into()],
            participant_id: None,
        };
        let owned = WireOperation {
            i: op.op_id.clone(),
            d: op.device_id.clone(),
            s: op.seq,
            w: op.hlc.wall_ms,
            c: op.hlc.counter,
            a: op.author_id.clone(),
            t: op.record_type.clone(),
            r: op.record_id.clone(),
            f: op.field.clone(),
            k: kind_name(op.kind).to_string(),
            v: op.value.clone(),
            b: op.based_on.clone(),
            p: op.participant_id.clone(),
        };
        let mut expected = Vec::new();
        ciborium::into_writer(&owned, &mut expected).unwrap();
        assert_eq!(encode(std::slice::from_ref(&op)).unwrap(), expected);
        let mut none = op.clone();
        none.kind = OpKind::Delete;
        none.value = None;
        none.participant_id = Some(op.record_id.clone());
        let owned = WireOperation {
            k: "delete".into(),
            v: None,
            p: none.participant_id.clone(),
            ..owned
        };
        let mut expected = Vec::new();
        ciborium::into_writer(&owned, &mut expected).unwrap();
        assert_eq!(encode(std::slice::from_ref(&none)).unwrap(), expected);
        // A sequence number is read up to the highest a log can hold, and no further.
        for (seq, read) in [
            (crate::changelog::MAX_SEQ, true),
            (crate::changelog::MAX_SEQ + 1, false),
            (0, false),
        ] {
            let mut bytes = Vec::new();
            ciborium::into_writer(
                &WireOperation {
                    s: seq,
                    ..owned.clone()
                },
                &mut bytes,
            )
            .unwrap();
            let result = read_operation(&mut bytes.as_slice());
            assert_eq!(result.is_ok(), read, "{seq}: {result:?}");
        }
    }
}
