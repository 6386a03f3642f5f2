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

/// Writes operations as a payload.
pub fn encode(operations: &[Operation]) -> crate::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(operations.len() * 160);
    for op in operations {
        let wire = WireOperation {
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
pub fn decode(payload: &[u8], manifest: &Manifest) -> Result<Vec<Operation>, Refusal> {
    let bad = Refusal::BadOperation;
    let mut rest = payload;
    let mut operations = Vec::with_capacity(manifest.operations.min(1_000_000) as usize);
    let mut per_range = vec![0u64; manifest.ranges.len()];
    let mut seen = std::collections::HashSet::new();
    while !rest.is_empty() {
        if operations.len() as u64 >= manifest.operations {
            return Err(bad("more operations than the manifest counts"));
        }
        let before = rest.len();
        let wire: WireOperation =
            ciborium::from_reader(&mut rest).map_err(|_| bad("not a well-formed operation"))?;
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
        if wire.b.len() > 64 {
            return Err(bad("based on too many operations"));
        }
        if wire.s == 0 || wire.c > Hlc::MAX_COUNTER || wire.w >= (1 << 47) {
            return Err(bad("a sequence number or clock out of range"));
        }
        // CBOR's null reads as no value: a `set` to empty is a null value, and a delete may
        // say what it deletes (a share names the file and the colleague) or nothing.
        let value = match kind {
            OpKind::Delete => wire.v,
            _ => Some(wire.v.unwrap_or(serde_json::Value::Null)),
        };
        let Some(range) = manifest
            .ranges
            .iter()
            .position(|r| r.device == wire.d && (r.first_seq..=r.last_seq).contains(&wire.s))
        else {
            return Err(bad("an operation outside the manifest's ranges"));
        };
        if !seen.insert((range, wire.s)) {
            return Err(bad("an operation twice"));
        }
        per_range[range] += 1;
        let op = Operation {
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
        };
        crate::records::schema::check(&op).map_err(|_| bad("an unknown record type or field"))?;
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
        operations.push(op);
    }
    if operations.len() as u64 != manifest.operations
        || per_range
            .iter()
            .zip(&manifest.ranges)
            .any(|(found, range)| *found != range.count)
    {
        return Err(bad("fewer operations than the manifest counts"));
    }
    Ok(operations)
}
