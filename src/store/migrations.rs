//! Schema migrations: numbered `.sql` files from `migrations/`, embedded at compile time and
//! applied in order by this small runner. `PRAGMA user_version` records how many have run.

use rusqlite::Connection;

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
        "0010_tasks_falls_to",
        include_str!("../../migrations/0010_tasks_falls_to.sql"),
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
        apply(&mut conn).unwrap();
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
        apply(&mut conn).unwrap();
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
