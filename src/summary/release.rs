//! Frozen releases: a public summary's table and a network's pooled report are kept, once first produced for a closed quarter, as records of
//! the change log (`summary_release`), and read back from it unchanged: asked again, even
//! after late entries, they give the same figures; they sync to every laptop, so every laptop
//! publishes the same. A quarter is corrected only by a dated revision (`summary_revision`),
//! after which its tables are produced and frozen again under the new revision number.

use rusqlite::Connection;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::period::Quarter;
use crate::changelog::{self, Change, OpKind, Writer};
use crate::compact;
use crate::error::{Error, Result};

pub const RELEASE: &str = "summary_release";
pub const REVISION: &str = "summary_revision";

/// What kind of release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A table of a public summary (protected, perturbed).
    Public,
    /// A network's pooled report (protected).
    Pool,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Public => "public",
            Kind::Pool => "pool",
        }
    }
}

/// A quarter's revision: the number, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Revision {
    pub period: String,
    /// 0: the first release; each revision adds one.
    pub revision: u32,
    pub revised_on: Option<String>,
    pub reason: Option<String>,
}

fn state(conn: &Connection, record_type: &str, id: &str) -> Result<Option<changelog::RecordState>> {
    let history = changelog::history(conn, record_type, id)?;
    if history.is_empty() {
        return Ok(None);
    }
    let state = changelog::fold(&history)
        .into_values()
        .next()
        .unwrap_or_default();
    Ok((!state.deleted && !state.fields.is_empty()).then_some(state))
}

fn revision_id(quarter: Quarter) -> String {
    compact::derived_id(&format!("summary_revision/{quarter}"))
}

/// The quarter's current revision (0 when it was never revised).
pub(crate) fn revision(conn: &Connection, quarter: Quarter) -> Result<Revision> {
    let found = state(conn, REVISION, &revision_id(quarter))?;
    let Some(found) = found else {
        return Ok(Revision {
            period: quarter.to_string(),
            revision: 0,
            revised_on: None,
            reason: None,
        });
    };
    let text = |field: &str| {
        found
            .fields
            .get(field)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Ok(Revision {
        period: quarter.to_string(),
        revision: found
            .fields
            .get("revision")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or(Error::VaultCorrupt("bad summary revision"))?,
        revised_on: text("revisedOn"),
        reason: text("reason"),
    })
}

/// Opens the quarter's next revision.
pub(crate) fn revise(
    conn: &Connection,
    writer: Writer<'_>,
    quarter: Quarter,
    today: &str,
    reason: &str,
) -> Result<Revision> {
    let next = revision(conn, quarter)?.revision + 1;
    changelog::record(
        conn,
        writer,
        Change {
            record_type: REVISION,
            record_id: &revision_id(quarter),
            field: "",
            kind: OpKind::Create,
            value: Some(json!({
                "period": quarter.to_string(),
                "revision": next,
                "revisedOn": today,
                "reason": reason,
            })),
            participant_id: None,
        },
    )?;
    revision(conn, quarter)
}

fn release_id(kind: Kind, quarter: Quarter, revision: u32, name: &str) -> String {
    compact::derived_id(&format!(
        "summary_release/{}/{quarter}/r{revision}/{name}",
        kind.as_str()
    ))
}

/// A frozen release, if one was produced.
pub(crate) struct Frozen<T> {
    pub body: T,
    pub produced_on: String,
    pub organizations: Vec<String>,
}

/// The frozen release `name` of a quarter's revision, if it was produced.
pub(crate) fn frozen<T: DeserializeOwned>(
    conn: &Connection,
    kind: Kind,
    quarter: Quarter,
    revision: u32,
    name: &str,
) -> Result<Option<Frozen<T>>> {
    let Some(found) = state(conn, RELEASE, &release_id(kind, quarter, revision, name))? else {
        return Ok(None);
    };
    let bad = || Error::VaultCorrupt("bad frozen summary");
    let body = found
        .fields
        .get("table")
        .and_then(Value::as_str)
        .ok_or_else(bad)?;
    Ok(Some(Frozen {
        body: serde_json::from_str(body).map_err(|_| bad())?,
        produced_on: found
            .fields
            .get("producedOn")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        organizations: found
            .fields
            .get("organizations")
            .and_then(Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    }))
}

/// Freezes a release: from now on [`frozen`] returns it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn freeze<T: Serialize>(
    conn: &Connection,
    writer: Writer<'_>,
    kind: Kind,
    quarter: Quarter,
    revision: u32,
    name: &str,
    body: &T,
    today: &str,
    organizations: &[String],
) -> Result<()> {
    let mut value = json!({
        "period": quarter.to_string(),
        "audience": kind.as_str(),
        "revision": revision,
        "indicator": name,
        "table": serde_json::to_string(body)?,
        "producedOn": today,
    });
    if !organizations.is_empty() {
        value["organizations"] = json!(organizations);
    }
    changelog::record(
        conn,
        writer,
        Change {
            record_type: RELEASE,
            record_id: &release_id(kind, quarter, revision, name),
            field: "",
            kind: OpKind::Create,
            value: Some(value),
            participant_id: None,
        },
    )?;
    Ok(())
}
