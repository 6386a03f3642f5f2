//! Schema migrations: numbered `.sql` files from `migrations/`, embedded at compile time and
//! applied in order by this small runner. `PRAGMA user_version` records how many have run.

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde_json::{Map, Value};

use crate::compact;
use crate::error::{Error, Result};

/// Every migration, in order. Append only; never edit a released file.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_vault",
        include_str!("../../migrations/0001_vault.sql"),
    ),
    (
        "0002_change_log",
        include_str!("../../migrations/0002_change_log.sql"),
    ),
    (
        "0003_participants",
        include_str!("../../migrations/0003_participants.sql"),
    ),
    (
        "0004_case_records",
        include_str!("../../migrations/0004_case_records.sql"),
    ),
    (
        "0005_legal_referrals_tasks",
        include_str!("../../migrations/0005_legal_referrals_tasks.sql"),
    ),
    (
        "0006_organization",
        include_str!("../../migrations/0006_organization.sql"),
    ),
    (
        "0007_operation_participant",
        include_str!("../../migrations/0007_operation_participant.sql"),
    ),
    (
        "0008_log_field_names",
        include_str!("../../migrations/0008_log_field_names.sql"),
    ),
    (
        "0009_compact_storage",
        include_str!("../../migrations/0009_compact_storage.sql"),
    ),
    (
        "0010_tasks_falls_to",
        include_str!("../../migrations/0010_tasks_falls_to.sql"),
    ),
    (
        "0011_tasks_open",
        include_str!("../../migrations/0011_tasks_open.sql"),
    ),
    ("0012_sync", include_str!("../../migrations/0012_sync.sql")),
    (
        "0013_sync_withdrawn",
        include_str!("../../migrations/0013_sync_withdrawn.sql"),
    ),
    (
        "0014_sync_applied_sender",
        include_str!("../../migrations/0014_sync_applied_sender.sql"),
    ),
    (
        "0015_sync_told",
        include_str!("../../migrations/0015_sync_told.sql"),
    ),
    (
        "0016_rights",
        include_str!("../../migrations/0016_rights.sql"),
    ),
    (
        "0017_visits",
        include_str!("../../migrations/0017_visits.sql"),
    ),
    (
        "0018_summaries",
        include_str!("../../migrations/0018_summaries.sql"),
    ),
    (
        "0019_log_no_delete",
        include_str!("../../migrations/0019_log_no_delete.sql"),
    ),
    (
        "0020_log_positions",
        include_str!("../../migrations/0020_log_positions.sql"),
    ),
];

/// The schema version this build writes.
pub fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// The schema version recorded in the database.
pub fn current_version(conn: &Connection) -> Result<u32> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    u32::try_from(version).map_err(|_| Error::VaultCorrupt("negative schema version"))
}

/// Refuses a database written by a newer version, before anything is written to it.
pub fn refuse_newer(conn: &Connection) -> Result<u32> {
    let found = current_version(conn)?;
    if found > latest_version() {
        return Err(Error::VaultTooNew {
            found,
            supported: latest_version(),
        });
    }
    Ok(found)
}

/// Applies the migrations not yet applied, each in its own transaction.
pub fn apply(conn: &mut Connection) -> Result<()> {
    apply_up_to(conn, latest_version())
}

/// Applies the migrations not yet applied up to schema version `target` (tests of a
/// migration build the schema as it was before it).
pub fn apply_up_to(conn: &mut Connection, target: u32) -> Result<()> {
    let found = refuse_newer(conn)?;
    if found < target {
        register_encoding(conn)?;
    }
    for (index, (_name, sql)) in MIGRATIONS
        .iter()
        .enumerate()
        .take(target as usize)
        .skip(found as usize)
    {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

fn text_arg(ctx: &Context<'_>, index: usize) -> rusqlite::Result<Option<String>> {
    match ctx.get_raw(index) {
        ValueRef::Null => Ok(None),
        ValueRef::Text(text) => Ok(Some(String::from_utf8_lossy(text).into_owned())),
        _ => Err(user_error(&format!("argument {index} is not text"))),
    }
}

fn user_error(message: &str) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(message.to_string().into())
}

/// A derived id written before ids were hashed (`"<her id>/household"`, `"<her id>/<staff
/// id>"`) inside a value, such as the documents a legal application cites.
fn rehash_derived_ids(value: Value) -> Value {
    match value {
        Value::String(text)
            if text.len() > 37
                && text.as_bytes()[36] == b'/'
                && uuid::Uuid::try_parse(&text[..36]).is_ok() =>
        {
            Value::String(compact::derived_id(&text))
        }
        Value::Array(items) => Value::Array(items.into_iter().map(rehash_derived_ids).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(k, v)| (k, rehash_derived_ids(v)))
                .collect(),
        ),
        other => other,
    }
}

fn parse_json(text: &str) -> rusqlite::Result<Value> {
    serde_json::from_str(text).map_err(|_| user_error("bad JSON in the database"))
}

fn without_nulls(value: Value, drop: Option<&str>) -> Map<String, Value> {
    match value {
        Value::Object(fields) => fields
            .into_iter()
            .filter(|(k, v)| !v.is_null() && Some(k.as_str()) != drop)
            .collect(),
        _ => Map::new(),
    }
}

/// The build's encoding as SQL functions, for the migration to compact storage (0009).
fn register_encoding(conn: &Connection) -> Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("acompana_term", 1, flags, |ctx| {
        Ok(text_arg(ctx, 0)?.and_then(|name| {
            if name.is_empty() {
                Some(0)
            } else {
                compact::term_code(&name)
            }
        }))
    })?;
    conn.create_scalar_function("acompana_id", 1, flags, |ctx| {
        Ok(text_arg(ctx, 0)?.map(|id| compact::id_bytes(&id).to_vec()))
    })?;
    conn.create_scalar_function("acompana_ids", 1, flags, |ctx| {
        let ids: Vec<String> = parse_json(&text_arg(ctx, 0)?.unwrap_or_else(|| "[]".into()))
            .and_then(|v| serde_json::from_value(v).map_err(|_| user_error("bad id list")))?;
        Ok(compact::ids_bytes(&ids))
    })?;
    conn.create_scalar_function("acompana_value", 2, flags, |ctx| {
        let her = text_arg(ctx, 1)?;
        match text_arg(ctx, 0)? {
            None => Ok(None),
            Some(text) => {
                let value = rehash_derived_ids(parse_json(&text)?);
                compact::encode_value(&value, her.as_deref())
                    .map(Some)
                    .map_err(|_| user_error("a value could not be encoded"))
            }
        }
    })?;
    conn.create_scalar_function("acompana_seconds", 1, flags, |ctx| {
        let text = text_arg(ctx, 0)?.unwrap_or_default();
        Ok(chrono::DateTime::parse_from_rfc3339(&text)
            .map(|t| t.timestamp())
            .or_else(|_| {
                chrono::NaiveDate::parse_from_str(text.get(..10).unwrap_or(""), "%Y-%m-%d")
                    .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp())
            })
            .unwrap_or(0))
    })?;
    // A record's own body, or NULL when the operation that created it states it exactly.
    conn.create_scalar_function("acompana_body", 3, flags, |ctx| {
        let data = rehash_derived_ids(parse_json(&text_arg(ctx, 0)?.unwrap_or_default())?);
        let her = text_arg(ctx, 2)?;
        let own = without_nulls(data, Some(compact::PARTICIPANT_FIELD));
        if let ValueRef::Blob(origin) = ctx.get_raw(1) {
            let stated = compact::decode_value(origin, her.as_deref())
                .map_err(|_| user_error("bad value in the database"))?;
            if without_nulls(stated, Some(compact::PARTICIPANT_FIELD)) == own {
                return Ok(None);
            }
        }
        compact::encode_value(&Value::Object(own), None)
            .map(Some)
            .map_err(|_| user_error("a value could not be encoded"))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_all_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), latest_version());
        apply(&mut conn).unwrap();
        assert_eq!(current_version(&conn).unwrap(), latest_version());
    }

    /// Operations written before 0007 learn whose file they are about.
    #[test]
    fn operations_of_older_vaults_are_given_the_woman_they_are_about() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply_up_to(&mut conn, 6).unwrap();
        conn.execute_batch(
            "INSERT INTO participants (id, case_code, legal_name, search_text, created_at, search_id)
             VALUES ('p1', 'CO-AAAA', 'X', 'x', '2026-01-01', 1);
             INSERT INTO case_records (id, participant_id, kind, data, created_at, created_by)
             VALUES ('r1', 'p1', 'note', '{}', '2026-01-01', 's'),
                    ('p1/household', 'p1', 'household', '{}', '2026-01-01', 's');
             INSERT INTO change_log (op_id, device_id, seq, hlc, author_id, record_type,
                                     record_id, field, kind, value, based_on)
             VALUES ('o1', 'd', 1, 'h1', 's', 'participant', 'p1', '', 'create', '{}', '[]'),
                    ('o2', 'd', 2, 'h2', 's', 'note', 'r1', '', 'append', '{}', '[]'),
                    ('o3', 'd', 3, 'h3', 's', 'household', 'p1/household', '', 'create', '{}', '[]'),
                    ('o4', 'd', 4, 'h4', 's', 'participant_access', 'p1/s2', '', 'create', '{}', '[]'),
                    ('o5', 'd', 5, 'h5', 's', 'organization', 'org1', '', 'create', '{}', '[]');",
        )
        .unwrap();
        apply_up_to(&mut conn, 7).unwrap();
        let rows: Vec<(String, Option<String>)> = conn
            .prepare("SELECT op_id, participant_id FROM change_log ORDER BY seq")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let p1 = Some("p1".to_string());
        assert_eq!(
            rows,
            vec![
                ("o1".into(), p1.clone()),
                ("o2".into(), p1.clone()),
                ("o3".into(), p1.clone()),
                ("o4".into(), p1),
                ("o5".into(), None),
            ]
        );
        // The log refuses updates again.
        assert!(conn
            .execute("UPDATE change_log SET participant_id = 'x'", [])
            .is_err());
    }

    /// Operations written before 0008 name fields in camelCase afterwards, values unchanged.
    #[test]
    fn older_operations_take_the_camel_case_field_names() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply_up_to(&mut conn, 7).unwrap();
        conn.execute_batch(
            r#"INSERT INTO change_log (op_id, device_id, seq, hlc, author_id, record_type,
                                     record_id, field, kind, value, based_on, participant_id)
             VALUES ('o1', 'd', 1, 'h1', 's', 'participant', 'p1', '', 'create',
                     '{"case_code":"CO-1","legal_name":"Ana \"la\" legal_name","birth_year":1990,"message_ok":true,"status":"open","chosen_name":null}', '[]', 'p1'),
                    ('o2', 'd', 2, 'h2', 's', 'participant', 'p1', 'closing_reason', 'set', '"moved_away"', '["o1"]', 'p1'),
                    ('o3', 'd', 3, 'h3', 's', 'note', 'n1', '', 'append', '{"participant_id":"p1","text":"participant_id"}', '[]', 'p1'),
                    ('o4', 'd', 4, 'h4', 's', 'participant_access', 'p1/s2', '', 'create', '{"participant_id":"p1","staff_id":"s2"}', '[]', 'p1'),
                    ('o5', 'd', 5, 'h5', 's', 'organization', 'org1', '', 'create', '{"name":"Techo"}', '[]', NULL);
             INSERT INTO change_log_heads (record_type, record_id, field, op_id, hlc, device_id)
             VALUES ('participant', 'p1', 'closing_reason', 'o2', 'h2', 'd');"#,
        )
        .unwrap();
        apply_up_to(&mut conn, 8).unwrap();
        let rows: Vec<(String, Option<String>)> = conn
            .prepare("SELECT field, value FROM change_log ORDER BY seq")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let json = |text: &Option<String>| -> serde_json::Value {
            serde_json::from_str(text.as_deref().unwrap()).unwrap()
        };
        assert_eq!(
            json(&rows[0].1),
            serde_json::json!({"caseCode": "CO-1", "legalName": "Ana \"la\" legal_name",
                               "birthYear": 1990, "messageOk": true, "status": "open",
                               "chosenName": null})
        );
        assert_eq!(rows[1].0, "closingReason");
        assert_eq!(json(&rows[1].1), serde_json::json!("moved_away"));
        assert_eq!(
            json(&rows[2].1),
            serde_json::json!({"participantId": "p1", "text": "participant_id"})
        );
        assert_eq!(
            json(&rows[3].1),
            serde_json::json!({"participantId": "p1", "staffId": "s2"})
        );
        assert_eq!(json(&rows[4].1), serde_json::json!({"name": "Techo"}));
        let head: String = conn
            .query_row("SELECT field FROM change_log_heads", [], |row| row.get(0))
            .unwrap();
        assert_eq!(head, "closingReason");
        assert!(conn
            .execute("UPDATE change_log SET field = 'x'", [])
            .is_err());
    }

    /// 0020 lays the log out by position: every operation reads back as it was, in the same
    /// order by device and sequence, and the log still refuses updates and deletes.
    #[test]
    fn the_log_moved_to_positions_reads_back_the_same() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply_up_to(&mut conn, 19).unwrap();
        let mut rows = String::new();
        for (n, (device, seq)) in [(1000, 3), (1001, 1), (1000, 1), (1000, 2), (1001, 2)]
            .into_iter()
            .enumerate()
        {
            rows.push_str(&format!(
                "({device}, {seq}, x'{:032x}', {}, 1001, 1, x'{:032x}', {}, 2, x'{:02x}', x'', {}),",
                n + 1,
                (1_700_000_000_000i64 + n as i64) << 16,
                7 + n % 2,
                n % 3,
                0x60 + n,
                if n % 2 == 0 { "NULL".to_string() } else { format!("x'{:032x}'", 99) },
            ));
        }
        rows.pop();
        conn.execute_batch(&format!(
            "INSERT INTO log_names (code, name) VALUES (1000, 'device-a'), (1001, 'device-b');
             INSERT INTO change_log (device, seq, op_id, hlc, author, record_type, record_id,
                                     field, kind, value, based_on, participant_id)
             VALUES {rows};"
        ))
        .unwrap();
        let read = |conn: &Connection| -> Vec<Vec<rusqlite::types::Value>> {
            let columns = "device, seq, op_id, hlc, author, record_type, record_id, field, kind, \
                           value, based_on, participant_id";
            conn.prepare(&format!(
                "SELECT {columns} FROM change_log ORDER BY device, seq"
            ))
            .unwrap()
            .query_map([], |row| {
                (0..12)
                    .map(|i| row.get::<_, rusqlite::types::Value>(i))
                    .collect()
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
        };
        let before = read(&conn);
        assert_eq!(before.len(), 5);
        apply_up_to(&mut conn, 20).unwrap();
        assert_eq!(read(&conn), before);
        let positions: Vec<i64> = conn
            .prepare("SELECT position FROM change_log ORDER BY position")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            positions,
            [1, 2, 3, (1 << 40) + 1, (1 << 40) + 2].map(|p: i64| (1000 << 40) + p)
        );
        assert!(conn.execute("UPDATE change_log SET kind = 1", []).is_err());
        assert!(conn.execute("DELETE FROM change_log", []).is_err());
        for index in [
            "change_log_record",
            "change_log_participant",
            "change_log_erasures",
        ] {
            let found: i64 = conn
                .query_row(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?1",
                    [index],
                    |row| row.get(0),
                )
                .unwrap();
            assert_eq!(found, 1, "{index}");
        }
    }

    #[test]
    fn refuses_newer_schema_without_writing() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(
            apply(&mut conn),
            Err(Error::VaultTooNew { found: 99, .. })
        ));
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 0);
    }
}
