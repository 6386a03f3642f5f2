//! What the summaries know about each woman: her details and what her file adds up to
//! ([`crate::records::facts`]), read in one pass over two tables. Nothing here leaves the
//! core: the tables are counted from it ([`super::indicators`]) and protected before anyone
//! sees them.

use chrono::NaiveDate;
use rusqlite::Connection;

use crate::catalog::CountryCatalog;
use crate::error::Result;
use crate::records::facts::{self, day_of, Facts};

/// One woman, as the summaries see her.
#[derive(Debug, Clone, Default)]
pub(crate) struct Woman {
    /// Her random key for the cell-key method (kept in the vault, the same every time).
    pub key: u32,
    pub created: Option<NaiveDate>,
    pub open: bool,
    pub birth_year: Option<i32>,
    pub department: Option<String>,
    pub gender_identity: Option<String>,
    pub ethnicity: Option<String>,
    pub nationality: Option<String>,
    pub facts: Facts,
}

impl Woman {
    /// Whether she is in the summaries of a quarter ending on `end`: a statistics consent
    /// given by then, and none ever revoked.
    pub fn consents(&self, end: NaiveDate) -> bool {
        !self.facts.consent_revoked
            && self
                .facts
                .consent_given
                .is_some_and(|given| day_of(given) <= end)
    }

    /// Whether the organization supported her in the quarter `start..=end`: her file was
    /// opened by its end, and it is still open or she had a contact in the quarter.
    pub fn supported(&self, start: NaiveDate, end: NaiveDate) -> bool {
        self.created.is_some_and(|created| created <= end)
            && (self.open
                || self
                    .facts
                    .contacts
                    .iter()
                    .any(|(on, _)| (start..=end).contains(&day_of(*on))))
    }
}

/// A date as the records write it (`YYYY-MM-DD`); anything else is no date.
pub(crate) fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// Every woman of the vault (files not deleted). Facts missing or written by an older build
/// are computed first, from her records. Their values are decoded on two threads.
pub(crate) fn load(conn: &Connection, catalog: &CountryCatalog) -> Result<Vec<Woman>> {
    refresh_stale(conn, catalog)?;
    let mut statement = conn.prepare_cached(
        "SELECT created_at, status, birth_year, department, gender_identity, ethnicity,
                nationality, cell_key, facts
         FROM summary_facts WHERE deleted = 0",
    )?;
    let mut women = Vec::new();
    let mut values: Vec<Vec<u8>> = Vec::new();
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let created = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let open = row.get_ref(1)?.as_str().map_err(rusqlite::Error::from)? == "open";
        women.push(Woman {
            key: row.get::<_, i64>(7)? as u32,
            created: day(created),
            open,
            birth_year: row.get(2)?,
            department: row.get(3)?,
            gender_identity: row.get(4)?,
            ethnicity: row.get(5)?,
            nationality: row.get(6)?,
            facts: Facts::default(),
        });
        values.push(row.get(8)?);
    }
    drop(rows);
    decode_all(&mut women, &values)?;
    Ok(women)
}

/// Computes the facts of every woman whose facts are missing or were written by an older
/// build (a vault from before summaries). Counting both tables' rows (from their smallest
/// index) tells whether any is, without reading either.
fn refresh_stale(conn: &Connection, catalog: &CountryCatalog) -> Result<()> {
    let women: i64 = conn
        .prepare_cached("SELECT count(*) FROM participants")?
        .query_row([], |row| row.get(0))?;
    let current: i64 = conn
        .prepare_cached("SELECT count(*) FROM summary_facts WHERE version = ?1")?
        .query_row([facts::VERSION], |row| row.get(0))?;
    if women == current {
        return Ok(());
    }
    let stale: Vec<String> = conn
        .prepare(
            "SELECT id FROM participants p WHERE NOT EXISTS
               (SELECT 1 FROM summary_facts f WHERE f.participant_id = p.id AND f.version = ?1)",
        )?
        .query_map([facts::VERSION], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in stale {
        let records = crate::records::record::load_records_as_stored(conn, &id)?;
        facts::refresh(conn, &id, &records, catalog)?;
    }
    Ok(())
}

/// Decodes every woman's facts, half on another thread.
fn decode_all(women: &mut [Woman], values: &[Vec<u8>]) -> Result<()> {
    let half = women.len() / 2;
    let (first, second) = women.split_at_mut(half);
    let (first_values, second_values) = values.split_at(half);
    let decode = |women: &mut [Woman], values: &[Vec<u8>]| -> Result<()> {
        for (woman, value) in women.iter_mut().zip(values) {
            woman.facts = Facts::decode(value)?;
        }
        Ok(())
    };
    std::thread::scope(|scope| {
        let other = scope.spawn(|| decode(second, second_values));
        let here = decode(first, first_values);
        here.and(
            other
                .join()
                .unwrap_or_else(|_| Err(crate::error::Error::Internal("decoding failed".into()))),
        )
    })
}
