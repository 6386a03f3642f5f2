//! Conflicts: two laptops changed one field without seeing each other's change, to different
//! values (or one edited a record the other deleted). The merge keeps the state that depends
//! only on the operations (the highest clock wins); the loser is listed here until someone
//! settles it with an operation based on both, which settles it on every laptop.

use serde::Serialize;
use serde_json::Value;

use super::import::{conflicts_in, refold};
use crate::changelog::{self, Change, OpKind, Operation};
use crate::error::{Error, Result};
use crate::records::case_file;
use crate::vault::Vault;

/// One side of a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ConflictSide {
    pub op_id: String,
    /// The value as JSON text; none for a deletion.
    pub value: Option<String>,
    pub deleted: bool,
    /// Who made it (username), when known here.
    pub author: Option<String>,
    /// On which laptop (its name), when known here.
    pub device: Option<String>,
    /// When, on that laptop's clock (RFC 3339).
    pub at: String,
}

/// Concurrent changes waiting to be settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    /// The losing operation's id.
    pub id: String,
    pub record_type: String,
    pub record_id: String,
    pub field: String,
    pub participant_id: Option<String>,
    pub case_code: Option<String>,
    pub chosen_name: Option<String>,
    /// What the record says now.
    pub kept: ConflictSide,
    /// The change that lost.
    pub other: ConflictSide,
}

/// What `op` says of `field`: a `set`'s value, or the field in a `create`'s body.
pub(crate) fn value_of(op: &Operation, field: &str) -> Option<Value> {
    match op.kind {
        OpKind::Set => op.value.clone(),
        OpKind::Create => op.value.as_ref().and_then(|v| v.get(field)).cloned(),
        _ => None,
    }
}

impl Vault {
    fn side(&self, op: &Operation, field: &str) -> Result<ConflictSide> {
        let author: Option<String> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT username FROM staff WHERE id = ?1",
            [&op.author_id],
            |row| row.get(0),
        ))?;
        let device: Option<String> = rusqlite::OptionalExtension::optional(self.conn.query_row(
            "SELECT name FROM devices WHERE id = ?1",
            [&op.device_id],
            |row| row.get(0),
        ))?;
        Ok(ConflictSide {
            op_id: op.op_id.clone(),
            value: value_of(op, field).map(|v| v.to_string()),
            deleted: op.kind == OpKind::Delete,
            author,
            device,
            at: chrono::DateTime::from_timestamp_millis(op.hlc.wall_ms as i64)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
    }

    /// The conflicts waiting on files the signed-in person may see. Records whose conflicts
    /// were settled (here or by a file from another laptop) leave the list.
    pub fn conflicts_list(&self) -> Result<Vec<Conflict>> {
        let candidates: Vec<(String, String)> = {
            let mut statement = self
                .conn
                .prepare("SELECT record_type, record_id FROM sync_conflicted ORDER BY record_id")?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut found = Vec::new();
        for (record_type, record_id) in candidates {
            let history = changelog::history(&self.conn, &record_type, &record_id)?;
            let pending = conflicts_in(&history);
            if pending.is_empty() {
                self.conn.execute(
                    "DELETE FROM sync_conflicted WHERE record_type = ?1 AND record_id = ?2",
                    [&record_type, &record_id],
                )?;
                continue;
            }
            let her = history.iter().find_map(|op| op.participant_id.clone());
            let (case_code, chosen_name) = match &her {
                Some(her) => match self.load_participant(her) {
                    Ok(p) => (Some(p.case_code), p.chosen_name),
                    Err(Error::NotFound) => continue,
                    Err(other) => return Err(other),
                },
                None => (None, None),
            };
            for (field, winner, loser) in pending {
                let find = |id: &str| history.iter().find(|op| op.op_id == id);
                let (Some(winner), Some(loser)) = (find(&winner), find(&loser)) else {
                    continue;
                };
                // A conflict over what her role may not change (an assignment, a share) is a
                // coordinator's to settle: a caseworker's laptop would write an operation that
                // every other laptop refuses, and with it every later file from her laptop.
                if !self.me.role.may_settle(&record_type, &field) {
                    continue;
                }
                found.push(Conflict {
                    id: loser.op_id.clone(),
                    record_type: record_type.clone(),
                    record_id: record_id.clone(),
                    field: field.clone(),
                    participant_id: her.clone(),
                    case_code: case_code.clone(),
                    chosen_name: chosen_name.clone(),
                    kept: self.side(winner, &field)?,
                    other: self.side(loser, &field)?,
                });
            }
        }
        Ok(found)
    }

    /// Settles a conflict by keeping one of its sides (`keep_op`: the id of the operation
    /// kept now, or of the one that lost): a new operation based on every concurrent change
    /// of that field, so the conflict leaves every laptop at the next sync.
    pub fn conflicts_resolve(&mut self, conflict_id: &str, keep_op: &str) -> Result<()> {
        let conflict = self
            .conflicts_list()?
            .into_iter()
            .find(|c| c.id == conflict_id)
            .ok_or(Error::NotFound)?;
        if keep_op != conflict.kept.op_id && keep_op != conflict.other.op_id {
            return Err(Error::invalid(
                "keepOp",
                "one of the conflict's two operations",
            ));
        }
        let history = changelog::history(&self.conn, &conflict.record_type, &conflict.record_id)?;
        let settled: Vec<String> = conflicts_in(&history)
            .into_iter()
            .filter(|(field, _, _)| *field == conflict.field)
            .flat_map(|(_, winner, loser)| [winner, loser])
            .collect();
        let kept = history
            .iter()
            .find(|op| op.op_id == keep_op)
            .ok_or(Error::NotFound)?;
        if !self
            .me
            .role
            .may_settle(&conflict.record_type, &conflict.field)
        {
            return Err(Error::Forbidden);
        }
        let her = conflict.participant_id.as_deref();
        if let Some(her) = her {
            self.load_open_participant(her)?;
        }
        let tx = self.conn.unchecked_transaction()?;
        let writer = self.writer();
        let change = |kind: OpKind, field: &'static str, value: Option<Value>| Change {
            record_type: &conflict.record_type,
            record_id: &conflict.record_id,
            field,
            kind,
            value,
            participant_id: her,
        };
        match kept.kind {
            OpKind::Delete => {
                changelog::record_resolving(
                    &tx,
                    writer,
                    change(OpKind::Delete, "", None),
                    &settled,
                )?;
            }
            _ if conflict.kept.deleted => {
                // Keeping an edit the deletion overrode: the record comes back as it was, with
                // the edit.
                let alive: Vec<Operation> = history
                    .iter()
                    .filter(|op| op.kind != OpKind::Delete)
                    .cloned()
                    .collect();
                let mut fields = changelog::fold(&alive)
                    .into_values()
                    .next()
                    .unwrap_or_default()
                    .fields;
                fields.insert(
                    conflict.field.clone(),
                    value_of(kept, &conflict.field).unwrap_or(Value::Null),
                );
                let fields: serde_json::Map<String, Value> =
                    fields.into_iter().filter(|(_, v)| !v.is_null()).collect();
                changelog::record_resolving(
                    &tx,
                    writer,
                    change(OpKind::Create, "", Some(Value::Object(fields))),
                    &settled,
                )?;
            }
            _ => {
                let field: &str = &conflict.field;
                changelog::record_resolving(
                    &tx,
                    writer,
                    Change {
                        field,
                        ..change(
                            OpKind::Set,
                            "",
                            Some(value_of(kept, field).unwrap_or(Value::Null)),
                        )
                    },
                    &settled,
                )?;
            }
        }
        let slots = &self.slots;
        let label = |username: &str| slots.staff_label(username);
        refold(&tx, &label, &conflict.record_type, &conflict.record_id)?;
        if let Some(her) = her {
            case_file::refresh_file(&tx, her, crate::catalog::for_country(self.country()?))?;
        }
        tx.commit()?;
        Ok(())
    }
}
