//! Participants: the women the organization accompanies. Lists show the case code and chosen
//! name; the legal name appears only when a file is opened, and every opening is audited.
//! Caseworkers see the women assigned to or shared with them; coordinators and administrators
//! see everyone.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::AuditAction;
use crate::changelog::{self, Change, OpKind, Operation, Writer};
use crate::error::{Error, Result};
use crate::records::search;
use crate::staff::{self, Role};
use crate::vault::Vault;

const RECORD_TYPE: &str = "participant";

/// A woman's file, as shown when opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    pub id: String,
    pub case_code: String,
    pub legal_name: String,
    pub chosen_name: Option<String>,
    pub birth_year: Option<i32>,
    pub department: Option<String>,
    pub status: String,
    pub closing_reason: Option<String>,
    /// Username of the assigned caseworker.
    pub assigned_to: Option<String>,
    pub created_at: String,
}

/// One line of a list: no legal name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ParticipantSummary {
    pub id: String,
    pub case_code: String,
    pub chosen_name: Option<String>,
    pub department: Option<String>,
    pub status: String,
    pub assigned_to: Option<String>,
}

/// A new participant.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NewParticipant {
    pub legal_name: String,
    pub chosen_name: Option<String>,
    pub birth_year: Option<i32>,
    pub department: Option<String>,
    /// Username of the caseworker to assign.
    pub assign_to: Option<String>,
}

/// The fields that can be set one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum ParticipantField {
    LegalName,
    ChosenName,
    BirthYear,
    Department,
    AssignedTo,
}

impl ParticipantField {
    fn column(self) -> &'static str {
        match self {
            ParticipantField::LegalName => "legal_name",
            ParticipantField::ChosenName => "chosen_name",
            ParticipantField::BirthYear => "birth_year",
            ParticipantField::Department => "department",
            ParticipantField::AssignedTo => "assigned_to",
        }
    }
}

/// Filters and paging for lists and searches.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ParticipantQuery {
    /// Words to find in the case code, legal or chosen name (partial, accent-insensitive).
    pub text: Option<String>,
    pub status: Option<String>,
    pub department: Option<String>,
    /// Username of the assigned caseworker.
    pub assigned_to: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

fn clean(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn check_name(field: &'static str, value: &str) -> Result<()> {
    if value.chars().count() > 200 || value.chars().any(char::is_control) {
        return Err(Error::invalid(field, "at most 200 printable characters"));
    }
    Ok(())
}

fn check_birth_year(year: i32) -> Result<()> {
    let this_year = chrono::Datelike::year(&chrono::Utc::now());
    if !(1900..=this_year).contains(&year) {
        return Err(Error::invalid(
            "birthYear",
            "a year between 1900 and this year",
        ));
    }
    Ok(())
}

fn new_case_code(country: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let random = crate::crypto::random_array::<6>();
    let code: String = random
        .iter()
        .map(|b| ALPHABET[(b & 31) as usize] as char)
        .collect();
    format!("{country}-{code}")
}

fn search_text(case_code: &str, legal_name: &str, chosen_name: Option<&str>) -> String {
    search::fold(&format!(
        "{case_code} {legal_name} {}",
        chosen_name.unwrap_or_default()
    ))
}

/// Records one operation on a participant in the change log.
fn record_change(
    conn: &rusqlite::Connection,
    writer: Writer<'_>,
    id: &str,
    field: &str,
    kind: OpKind,
    value: Option<serde_json::Value>,
) -> Result<Operation> {
    changelog::record(
        conn,
        writer,
        Change {
            record_type: RECORD_TYPE,
            record_id: id,
            field,
            kind,
            value,
        },
    )
}

const COLUMNS: &str =
    "p.id, p.case_code, p.legal_name, p.chosen_name, p.birth_year, p.department, \
                       p.status, p.closing_reason, s.username, p.created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Participant> {
    Ok(Participant {
        id: row.get(0)?,
        case_code: row.get(1)?,
        legal_name: row.get(2)?,
        chosen_name: row.get(3)?,
        birth_year: row.get(4)?,
        department: row.get(5)?,
        status: row.get(6)?,
        closing_reason: row.get(7)?,
        assigned_to: row.get(8)?,
        created_at: row.get(9)?,
    })
}

impl Vault {
    /// SQL that limits `p` to the files the signed-in person may see; binds `?1` to her id.
    fn visible_clause(&self) -> &'static str {
        match self.me.role {
            Role::Admin | Role::Coordinator => "(?1 IS NOT NULL)",
            Role::Caseworker => {
                "(p.assigned_to = ?1 OR EXISTS (SELECT 1 FROM participant_access a
                   WHERE a.participant_id = p.id AND a.staff_id = ?1))"
            }
        }
    }

    fn staff_id_of(&self, username: &str) -> Result<String> {
        let member = staff::by_username(&self.conn, &username.trim().to_lowercase())?;
        if !member.active {
            return Err(Error::StaffNotFound);
        }
        Ok(member.id)
    }

    fn load_participant(&self, id: &str) -> Result<Participant> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM participants p LEFT JOIN staff s ON s.id = p.assigned_to
                     WHERE p.id = ?2 AND p.deleted = 0 AND {}",
                    self.visible_clause()
                ),
                params![self.me.id, id],
                from_row,
            )
            .optional()?
            .ok_or(Error::NotFound)
    }

    /// Opens a new file. Caseworkers' new files are assigned to themselves.
    pub fn participant_add(&mut self, new: NewParticipant) -> Result<Participant> {
        let legal_name = new.legal_name.trim().to_string();
        if legal_name.is_empty() {
            return Err(Error::invalid("legalName", "required"));
        }
        check_name("legalName", &legal_name)?;
        let chosen_name = clean(new.chosen_name);
        if let Some(name) = &chosen_name {
            check_name("chosenName", name)?;
        }
        if let Some(year) = new.birth_year {
            check_birth_year(year)?;
        }
        let department = clean(new.department);
        let assigned_to = match (&new.assign_to, self.me.role) {
            (Some(username), _) => Some(self.staff_id_of(username)?),
            (None, Role::Caseworker) => Some(self.me.id.clone()),
            (None, _) => None,
        };
        if self.me.role == Role::Caseworker && assigned_to.as_deref() != Some(&self.me.id) {
            return Err(Error::Forbidden);
        }
        let id = uuid::Uuid::now_v7().to_string();
        let case_code = new_case_code(self.country()?.code());
        let created_at = crate::now_rfc3339();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO participants (id, case_code, legal_name, chosen_name, birth_year, department,
                                       assigned_to, search_text, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                case_code,
                legal_name,
                chosen_name,
                new.birth_year,
                department,
                assigned_to,
                search_text(&case_code, &legal_name, chosen_name.as_deref()),
                created_at
            ],
        )?;
        let writer = Writer {
            device_id: &self.device_id,
            author_id: &self.me.id,
        };
        record_change(&tx, writer, &id, "", OpKind::Create, None)?;
        for (field, value) in [
            ("case_code", json!(case_code)),
            ("legal_name", json!(legal_name)),
            ("chosen_name", json!(chosen_name)),
            ("birth_year", json!(new.birth_year)),
            ("department", json!(department)),
            ("assigned_to", json!(assigned_to)),
            ("status", json!("open")),
        ] {
            record_change(&tx, writer, &id, field, OpKind::Set, Some(value))?;
        }
        crate::audit::append(
            &tx,
            crate::audit::NewEntry {
                device_id: &self.device_id,
                actor_id: Some(&self.me.id),
                action: AuditAction::ParticipantCreated,
                target_id: None,
                detail: Some(&id),
                at: None,
            },
        )?;
        tx.commit()?;
        self.load_participant(&id)
    }

    /// Sets one field of a file the signed-in person may see. Only coordinators and
    /// administrators may reassign a file.
    pub fn participant_set(
        &mut self,
        id: &str,
        field: ParticipantField,
        value: Option<&str>,
    ) -> Result<Participant> {
        let current = self.load_participant(id)?;
        let value = clean(value.map(str::to_string));
        let stored: serde_json::Value = match field {
            ParticipantField::LegalName => {
                let name = value.ok_or(Error::invalid("legalName", "required"))?;
                check_name("legalName", &name)?;
                json!(name)
            }
            ParticipantField::ChosenName | ParticipantField::Department => {
                if let Some(text) = &value {
                    let name = match field {
                        ParticipantField::Department => "department",
                        _ => "chosenName",
                    };
                    check_name(name, text)?;
                }
                json!(value)
            }
            ParticipantField::BirthYear => match value {
                None => serde_json::Value::Null,
                Some(text) => {
                    let year: i32 = text
                        .parse()
                        .map_err(|_| Error::invalid("birthYear", "a year"))?;
                    check_birth_year(year)?;
                    json!(year)
                }
            },
            ParticipantField::AssignedTo => {
                self.require(&[Role::Admin, Role::Coordinator])?;
                match value {
                    None => serde_json::Value::Null,
                    Some(username) => json!(self.staff_id_of(&username)?),
                }
            }
        };
        // The search text follows the names, whichever of them changed.
        let legal_name = match field {
            ParticipantField::LegalName => stored.as_str().unwrap_or_default(),
            _ => &current.legal_name,
        };
        let chosen_name = match field {
            ParticipantField::ChosenName => stored.as_str(),
            _ => current.chosen_name.as_deref(),
        };
        let new_search_text = search_text(&current.case_code, legal_name, chosen_name);
        let tx = self.conn.transaction()?;
        let sql_value: rusqlite::types::Value = match &stored {
            serde_json::Value::Null => rusqlite::types::Value::Null,
            serde_json::Value::Number(n) => {
                rusqlite::types::Value::Integer(n.as_i64().unwrap_or(0))
            }
            other => rusqlite::types::Value::Text(other.as_str().unwrap_or_default().to_string()),
        };
        tx.execute(
            &format!(
                "UPDATE participants SET {} = ?1 WHERE id = ?2",
                field.column()
            ),
            params![sql_value, id],
        )?;
        tx.execute(
            "UPDATE participants SET search_text = ?1 WHERE id = ?2",
            params![new_search_text, id],
        )?;
        let writer = Writer {
            device_id: &self.device_id,
            author_id: &self.me.id,
        };
        record_change(&tx, writer, id, field.column(), OpKind::Set, Some(stored))?;
        tx.commit()?;
        self.load_participant(id)
    }

    /// Opens a file, showing the legal name; the view is written to the audit log.
    pub fn participant_show(&mut self, id: &str) -> Result<Participant> {
        let participant = self.load_participant(id)?;
        self.audit(AuditAction::ParticipantViewed, None, Some(id))?;
        Ok(participant)
    }

    /// Lists and searches the files the signed-in person may see, newest first.
    pub fn participant_list(&self, query: &ParticipantQuery) -> Result<Vec<ParticipantSummary>> {
        let mut sql = format!(
            "SELECT p.id, p.case_code, p.chosen_name, p.department, p.status, s.username
             FROM participants p LEFT JOIN staff s ON s.id = p.assigned_to
             WHERE p.deleted = 0 AND {}",
            self.visible_clause()
        );
        let mut values: Vec<rusqlite::types::Value> = vec![self.me.id.clone().into()];
        for term in search::terms(query.text.as_deref().unwrap_or_default()) {
            values.push(search::like_pattern(&term).into());
            sql.push_str(&format!(
                " AND p.search_text LIKE ?{} ESCAPE '\\'",
                values.len()
            ));
        }
        if let Some(status) = &query.status {
            values.push(status.clone().into());
            sql.push_str(&format!(" AND p.status = ?{}", values.len()));
        }
        if let Some(department) = &query.department {
            values.push(department.clone().into());
            sql.push_str(&format!(" AND p.department = ?{}", values.len()));
        }
        if let Some(username) = &query.assigned_to {
            values.push(username.trim().to_lowercase().into());
            sql.push_str(&format!(" AND s.username = ?{}", values.len()));
        }
        let limit = if query.limit == 0 {
            50
        } else {
            query.limit.min(500)
        };
        values.push(i64::from(limit).into());
        values.push(i64::from(query.offset).into());
        sql.push_str(&format!(
            " ORDER BY p.id DESC LIMIT ?{} OFFSET ?{}",
            values.len() - 1,
            values.len()
        ));
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map(rusqlite::params_from_iter(values), |row| {
            Ok(ParticipantSummary {
                id: row.get(0)?,
                case_code: row.get(1)?,
                chosen_name: row.get(2)?,
                department: row.get(3)?,
                status: row.get(4)?,
                assigned_to: row.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A file's history from the change log, oldest first.
    pub fn participant_history(&mut self, id: &str) -> Result<Vec<Operation>> {
        self.load_participant(id)?;
        changelog::history(&self.conn, RECORD_TYPE, id)
    }
}
