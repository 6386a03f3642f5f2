//! Members of staff and their roles. Names live only inside the encrypted database.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::changelog;
use crate::error::{Error, Result};

/// What a member of staff may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages staff, settings and the audit log; sees everything.
    Admin,
    /// Merges colleagues' work and produces summaries; sees every file.
    Coordinator,
    /// Works with the women assigned to her.
    Caseworker,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Coordinator, Role::Caseworker];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Caseworker => "caseworker",
        }
    }

    /// Whether this role may write a change of this kind to this record type and field,
    /// whatever the file: the rule an importing laptop applies to every operation
    /// (`sync::import`) and a conflict's resolution applies before it writes one
    /// (`sync::conflicts`). `Err` names the rule broken. A colleague's own first roster entry,
    /// which a joining laptop writes, is the importing laptop's one exception.
    pub fn may_write(
        self,
        record_type: &str,
        kind: changelog::OpKind,
        field: &str,
    ) -> std::result::Result<(), &'static str> {
        let manager = self != Role::Caseworker;
        match record_type {
            "staff" if self != Role::Admin => Err("only an administrator changes the roster"),
            "device" | "erasure" if !manager => Err("only a coordinator registers laptops"),
            "summary_release" | "summary_revision" if !manager => {
                Err("only a coordinator publishes summaries")
            }
            "participant_access" if !manager => Err("only a coordinator shares files"),
            "participant"
                if !manager && kind == changelog::OpKind::Set && field == "assignedTo" =>
            {
                Err("only a coordinator assigns files")
            }
            _ => Ok(()),
        }
    }

    /// Whether this role may settle a conflict over this record type and field: write its
    /// resolution whichever side is kept (a `set`, or the record deleted or brought back).
    pub fn may_settle(self, record_type: &str, field: &str) -> bool {
        use changelog::OpKind::{Create, Delete, Set};
        [Set, Create, Delete]
            .into_iter()
            .all(|kind| self.may_write(record_type, kind, field).is_ok())
    }

    fn parse(text: &str) -> Result<Role> {
        text.parse()
            .map_err(|_| Error::VaultCorrupt("unknown role in the database"))
    }
}

impl std::str::FromStr for Role {
    type Err = Error;

    /// From its name, exactly as [`Role::as_str`] gives it.
    fn from_str(text: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or(Error::invalid("role", "admin, coordinator or caseworker"))
    }
}

/// A member of staff as the interfaces show her.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StaffMember {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: String,
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
const MAX_PASSWORD_BYTES: usize = 1024;

/// A username as the staff type it: trimmed and in lower case, the one form every look-up
/// and every new username goes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// The form a typed username is looked up by (not checked: a wrong one finds nobody).
    pub fn typed(input: &str) -> Username {
        Username(input.trim().to_lowercase())
    }

    /// Checks a new username: 3–32 of `a-z 0-9 . _ -`, starting with a letter or digit.
    pub fn parse(input: &str) -> Result<Username> {
        normalize_username(input).map(Username)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Lower-cases and checks a username: 3–32 of `a-z 0-9 . _ -`, starting with a letter or digit.
pub fn normalize_username(input: &str) -> Result<String> {
    let username = Username::typed(input).into_string();
    let valid_chars = username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    let starts_well = username
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if !(3..=32).contains(&username.len()) || !valid_chars || !starts_well {
        return Err(Error::invalid(
            "username",
            "3 to 32 letters, digits, '.', '_' or '-'",
        ));
    }
    Ok(username)
}

/// Trims and checks a display name.
pub fn normalize_display_name(input: &str) -> Result<String> {
    let name = input.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "displayName",
            "1 to 100 printable characters",
        ));
    }
    Ok(name.to_string())
}

/// Checks a new password's length.
pub fn check_new_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::WeakPassword {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Error::invalid("password", "at most 1024 bytes"));
    }
    Ok(())
}

const COLUMNS: &str = "id, username, display_name, role, active, created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<(StaffMember, String)> {
    Ok((
        StaffMember {
            id: row.get(0)?,
            username: row.get(1)?,
            display_name: row.get(2)?,
            role: Role::Admin, // replaced below once the text is checked
            active: row.get::<_, i64>(4)? == 1,
            created_at: row.get(5)?,
        },
        row.get(3)?,
    ))
}

fn finish(pair: (StaffMember, String)) -> Result<StaffMember> {
    let (mut member, role) = pair;
    member.role = Role::parse(&role)?;
    Ok(member)
}

/// Inserts a new member of staff.
/// The staff registry's record type on the change log: every laptop of the organization
/// learns who is on the team, under which role, and who left, by sync.
pub const RECORD_TYPE: &str = "staff";

/// Adds a member of staff and records her on the change log, written by `device_id` and
/// `author_id` (none for the vault's first administrator, who adds herself).
pub(crate) fn insert(
    conn: &Connection,
    (device_id, author_id): (&str, Option<&str>),
    username: &Username,
    display_name: &str,
    role: Role,
    slot_label: &[u8; 32],
) -> Result<StaffMember> {
    let username = username.as_str();
    let taken: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM staff WHERE username = ?1)",
        [username],
        |row| row.get(0),
    )?;
    if taken {
        return Err(Error::UsernameTaken);
    }
    let member = StaffMember {
        id: uuid::Uuid::now_v7().to_string(),
        username: username.to_string(),
        display_name: display_name.to_string(),
        role,
        active: true,
        created_at: crate::now_rfc3339(),
    };
    conn.execute(
        "INSERT INTO staff (id, username, display_name, role, active, slot_label, created_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)",
        params![
            member.id,
            member.username,
            member.display_name,
            role.as_str(),
            slot_label.as_slice(),
            member.created_at
        ],
    )?;
    record_member(
        conn,
        changelog::Writer::new(device_id, author_id.unwrap_or(&member.id)),
        &member,
    )?;
    Ok(member)
}

/// Records a member of staff as she is now: one `create` of the staff registry.
fn record_member(
    conn: &Connection,
    writer: changelog::Writer<'_>,
    member: &StaffMember,
) -> Result<()> {
    changelog::record(
        conn,
        writer,
        changelog::Change {
            record_type: RECORD_TYPE,
            record_id: &member.id,
            field: "",
            kind: changelog::OpKind::Create,
            value: Some(serde_json::json!({
                "username": member.username,
                "displayName": member.display_name,
                "role": member.role.as_str(),
                "active": member.active,
            })),
            participant_id: None,
        },
    )?;
    Ok(())
}

/// Everyone, active first, then by name.
pub(crate) fn list(conn: &Connection) -> Result<Vec<StaffMember>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM staff ORDER BY active DESC, display_name COLLATE NOCASE, username"
    ))?;
    let rows = statement.query_map([], from_row)?;
    rows.map(|row| finish(row?)).collect()
}

/// The member of staff with this id.
pub(crate) fn by_id(conn: &Connection, id: &str) -> Result<StaffMember> {
    one_where(conn, "id", id)
}

/// The member of staff with this username.
pub(crate) fn by_username(conn: &Connection, username: &Username) -> Result<StaffMember> {
    one_where(conn, "username", username.as_str())
}

/// The member of staff whose `column` (a unique one) holds `value`.
fn one_where(conn: &Connection, column: &'static str, value: &str) -> Result<StaffMember> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM staff WHERE {column} = ?1"))?
        .query_row([value], from_row)
        .optional()?
        .map(finish)
        .transpose()?
        .ok_or(Error::StaffNotFound)
}

/// The label of her key slot.
pub(crate) fn slot_label(conn: &Connection, id: &str) -> Result<[u8; 32]> {
    let label: Vec<u8> = conn
        .query_row("SELECT slot_label FROM staff WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?
        .ok_or(Error::StaffNotFound)?;
    label
        .try_into()
        .map_err(|_| Error::VaultCorrupt("a slot label has the wrong length"))
}

/// The member of staff whose key slot has this label, if any.
pub(crate) fn id_by_slot_label(conn: &Connection, label: &[u8; 32]) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT id FROM staff WHERE slot_label = ?1",
            [label.as_slice()],
            |row| row.get(0),
        )
        .optional()?)
}

/// How many active administrators there are.
pub(crate) fn active_admins(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM staff WHERE role = 'admin' AND active = 1",
        [],
        |row| row.get(0),
    )?)
}

/// Marks her as disabled.
/// Puts on the change log the members of staff a vault had before the roster was on it
/// (each as she is now, written by herself), so that sync carries the whole roster.
pub(crate) fn put_roster_on_log(conn: &Connection, device_id: &str) -> Result<()> {
    let missing: Vec<StaffMember> = {
        let mut statement = conn.prepare(&format!("SELECT {COLUMNS} FROM staff s"))?;
        let rows = statement.query_map([], from_row)?;
        let mut missing = Vec::new();
        for row in rows {
            let member = finish(row?)?;
            if changelog::history(conn, RECORD_TYPE, &member.id)?.is_empty() {
                missing.push(member);
            }
        }
        missing
    };
    if missing.is_empty() {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    for member in &missing {
        record_member(&tx, changelog::Writer::new(device_id, &member.id), member)?;
    }
    tx.commit()?;
    Ok(())
}

/// Disables a member of staff, on the change log too.
pub(crate) fn disable(conn: &Connection, writer: changelog::Writer<'_>, id: &str) -> Result<()> {
    conn.execute(
        "UPDATE staff SET active = 0, disabled_at = ?2 WHERE id = ?1",
        params![id, crate::now_rfc3339()],
    )?;
    changelog::record(
        conn,
        writer,
        changelog::Change {
            record_type: RECORD_TYPE,
            record_id: id,
            field: "active",
            kind: changelog::OpKind::Set,
            value: Some(serde_json::json!(false)),
            participant_id: None,
        },
    )?;
    Ok(())
}

/// Writes a member of staff as the change log states it (the roster arrived by sync). She has
/// no key slot on this laptop unless she was added here: `slot_label` is what her label
/// would be. Returns the username she is given here when another colleague holds hers
/// ([`username_here`]), the first time.
pub(crate) fn write_folded(
    conn: &Connection,
    id: &str,
    state: &changelog::RecordState,
    slot_label: impl Fn(&str) -> [u8; 32],
    created_at: &str,
) -> Result<Option<String>> {
    let text = |name: &str| state.fields.get(name).and_then(serde_json::Value::as_str);
    let (Some(username), Some(display_name), Some(role)) =
        (text("username"), text("displayName"), text("role"))
    else {
        return Ok(None);
    };
    let role = Role::parse(role)?;
    let active = state
        .fields
        .get("active")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(true)
        && !state.deleted;
    let (shown, newly) = username_here(conn, id, username)?;
    let renamed = newly.then(|| shown.clone());
    let username = shown.as_str();
    conn.execute(
        "INSERT INTO staff (id, username, display_name, role, active, slot_label, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(id) DO UPDATE SET username = excluded.username,
             display_name = excluded.display_name, role = excluded.role,
             active = excluded.active,
             disabled_at = CASE WHEN excluded.active = 0
                                THEN coalesce(disabled_at, ?7) END",
        params![
            id,
            username,
            display_name,
            role.as_str(),
            active,
            slot_label(username).as_slice(),
            created_at
        ],
    )?;
    Ok(renamed)
}

/// The username a colleague goes by on this laptop. Two laptops may each add a colleague
/// under one username before they sync: the one this laptop held first keeps it, and the
/// other goes by it followed by the first characters of her id (`ana-1f3c`), on this
/// laptop, for good, so that nothing here changes its meaning and no sync is refused. True
/// when she is given such a name now.
fn username_here(conn: &Connection, id: &str, username: &str) -> Result<(String, bool)> {
    let held: Option<String> = conn
        .query_row("SELECT username FROM staff WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?;
    let taken = |name: &str| -> Result<bool> {
        Ok(conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM staff WHERE username = ?1 AND id != ?2)",
            params![name, id],
            |row| row.get(0),
        )?)
    };
    // A username is at most 32 characters: the mark is kept whole, the name cut short.
    let mark = |name: &str, mark: &str| {
        let base: String = name.chars().take(32 - 1 - mark.len().min(31)).collect();
        format!("{base}-{mark}")
    };
    crate::store::name_here(held, username, id, taken, mark)?
        .ok_or(Error::VaultCorrupt("two colleagues with one id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_from_their_stored_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            assert_eq!(Role::parse(role.as_str()).unwrap(), role);
        }
        assert!(matches!(
            "Admin".parse::<Role>(),
            Err(Error::InvalidInput { .. })
        ));
        assert!(matches!(Role::parse("boss"), Err(Error::VaultCorrupt(_))));
    }

    #[test]
    fn usernames_are_normalized_and_checked() {
        assert_eq!(normalize_username("  Lucia.P ").unwrap(), "lucia.p");
        for bad in ["ab", "", "-lucia", "lucía", "a b c", &"x".repeat(33)] {
            assert!(normalize_username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert!(matches!(
            check_new_password("corta"),
            Err(Error::WeakPassword { min: 10 })
        ));
        // Ten characters, not ten bytes: accents count once.
        assert!(check_new_password("contraseña").is_ok());
        assert!(check_new_password(&"x".repeat(2000)).is_err());
    }

    #[test]
    fn display_names_are_trimmed() {
        assert_eq!(
            normalize_display_name("  María José ").unwrap(),
            "María José"
        );
        assert!(normalize_display_name("   ").is_err());
        assert!(normalize_display_name("a\u{7}b").is_err());
    }
}
