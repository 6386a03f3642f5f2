//! A woman's rights over her data: to see it (access), to have it corrected, to have it
//! erased. Each request is a record of her file (`rights_request`), so it travels where her
//! file travels, with the date it was received and the last day to answer it, computed from
//! the country's catalog (`catalog/<country>.json`: days, business or calendar, the article
//! it comes from, and the public holidays that do not count). An open request is a task in
//! "Hoy" due on its deadline.
//!
//! Access and correction are answered by hand (her printed file given, the correction made
//! as an ordinary edit) and then marked done. An erasure is done by erasing her: her file,
//! and this request with it, leave the laptop, and the erasure marker (which keeps the
//! request's received date and deadline, and nothing about her) goes to every laptop. It is
//! complete when every laptop of the organization has acknowledged the marker, that is, has
//! told this laptop (in the knowledge its files carry) that it holds it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::compact;
use crate::error::{Error, Result};
use crate::records::case_file::FileContext;
use crate::records::record::{self, RecordData};
use crate::records::validate;
use crate::staff::Role;
use crate::vault::Vault;

/// The record type on the change log.
pub const RECORD_TYPE: &str = "rights_request";

/// The erasure marker's record type (`crate::sync::erasure::RECORD_TYPE`), whose markers
/// migration 0016 indexes.
#[cfg(test)]
pub(crate) const ERASURE_TERM: &str = "erasure";

pub use crate::catalog::RightsKind;

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Open,
    Done,
}

/// One request, as her file keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RightsRequest {
    pub right: RightsKind,
    /// The day the organization received it (`YYYY-MM-DD`).
    pub received_on: String,
    /// The last day to answer it: computed from the catalog when it is saved.
    pub deadline: String,
    /// The law and article the deadline comes from.
    pub basis: String,
    pub status: RequestStatus,
    #[serde(default)]
    pub done_on: Option<String>,
    /// Who answered it: stored by staff id, shown by username.
    #[serde(default)]
    pub done_by: Option<String>,
    /// What was given or corrected, in a few words.
    #[serde(default)]
    pub outcome: Option<String>,
}

impl RightsRequest {
    /// A new open request, its deadline from the catalog.
    pub fn new(
        right: RightsKind,
        received_on: &str,
        catalog: &crate::catalog::CountryCatalog,
    ) -> Result<RightsRequest> {
        let mut request = RightsRequest {
            right,
            received_on: received_on.trim().to_string(),
            deadline: String::new(),
            basis: String::new(),
            status: RequestStatus::Open,
            done_on: None,
            done_by: None,
            outcome: None,
        };
        request.set_deadline(catalog)?;
        Ok(request)
    }

    fn set_deadline(&mut self, catalog: &crate::catalog::CountryCatalog) -> Result<NaiveDate> {
        let received = validate::past_date("receivedOn", &self.received_on)?;
        let deadline = catalog.answer_by(self.right, received);
        self.deadline = deadline.format("%Y-%m-%d").to_string();
        self.basis = catalog.rights_deadline(self.right).basis.clone();
        Ok(received)
    }

    /// Checks it against her file; the deadline and its basis are always the catalog's.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        let received = self.set_deadline(file.catalog)?;
        validate::optional_text("outcome", &mut self.outcome, 2_000)?;
        match self.status {
            RequestStatus::Open => {
                self.done_on = None;
                self.done_by = None;
            }
            RequestStatus::Done if self.right == RightsKind::Erasure => {
                return Err(Error::invalid(
                    "status",
                    "an erasure is done by erasing her",
                ));
            }
            RequestStatus::Done => {
                let Some(done_on) = self.done_on.as_deref() else {
                    return Err(Error::invalid("doneOn", "required when done"));
                };
                if validate::past_date("doneOn", done_on)? < received {
                    return Err(Error::invalid("doneOn", "not before it was received"));
                }
                match self.done_by.as_mut() {
                    Some(who) => file.staff(who, "doneBy")?,
                    None => return Err(Error::invalid("doneBy", "required when done")),
                }
            }
        }
        Ok(())
    }
}

/// A request as the list shows it, with the woman it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RightsRequestEntry {
    pub id: String,
    pub participant_id: String,
    pub case_code: String,
    pub chosen_name: Option<String>,
    #[serde(flatten)]
    pub request: RightsRequest,
}

/// The stored number of [`RECORD_TYPE`]: migration 0016's index names it.
fn kind_code() -> i64 {
    compact::term_code(RECORD_TYPE).expect("rights_request is a term")
}

/// The open erasure request of her file that an erasure answers (the earliest received).
pub(crate) fn open_erasure_request(
    conn: &rusqlite::Connection,
    participant_id: &str,
) -> Result<Option<RightsRequest>> {
    let mut found: Vec<RightsRequest> =
        record::stored_records(conn, participant_id, None, Some(RECORD_TYPE), false)?
            .into_iter()
            .filter_map(|stored| match stored.data() {
                Ok(RecordData::RightsRequest(request))
                    if request.right == RightsKind::Erasure
                        && request.status == RequestStatus::Open =>
                {
                    Some(request)
                }
                _ => None,
            })
            .collect();
    found.sort_by(|a, b| a.received_on.cmp(&b.received_on));
    Ok(found.into_iter().next())
}

impl Vault {
    /// Records a request she made (anyone who may see her file, open or closed), its
    /// deadline from the catalog.
    pub fn rights_add(
        &mut self,
        participant_id: &str,
        right: RightsKind,
        received_on: &str,
    ) -> Result<RightsRequestEntry> {
        let participant = self.load_participant(participant_id)?;
        let request = RightsRequest::new(
            right,
            received_on,
            crate::catalog::for_country(self.country()?),
        )?;
        // Her file open or closed: a woman whose file is closed keeps her rights.
        let id = self.save_in_file(participant_id, None, RecordData::RightsRequest(request))?;
        self.rights_entry(&participant.id, &id)
    }

    /// Marks an access or correction request answered, today, by the signed-in person.
    pub fn rights_done(
        &mut self,
        request_id: &str,
        outcome: Option<String>,
    ) -> Result<RightsRequestEntry> {
        let participant_id = self.rights_file_of(request_id)?;
        // Her file must be one the signed-in person may see: reading the entry checks it.
        let entry = self.rights_entry(&participant_id, request_id)?;
        let mut request = entry.request;
        if request.status == RequestStatus::Done {
            return Err(Error::invalid("status", "already done"));
        }
        request.status = RequestStatus::Done;
        request.done_on = Some(
            chrono::Local::now()
                .date_naive()
                .format("%Y-%m-%d")
                .to_string(),
        );
        request.done_by = Some(self.me().id.clone());
        request.outcome = validate::clean(outcome);
        self.save_in_file(
            &participant_id,
            Some(request_id),
            RecordData::RightsRequest(request),
        )?;
        self.rights_entry(&participant_id, request_id)
    }

    /// Every request of the files on this laptop: open first, by deadline; then done, most
    /// recent first (coordinators and administrators).
    pub fn rights_requests(&self) -> Result<Vec<RightsRequestEntry>> {
        self.require(&[Role::Admin, Role::Coordinator])?;
        let ids: Vec<(Vec<u8>, Vec<u8>)> = self
            .conn
            .prepare(&format!(
                "SELECT participant_id, id FROM case_records WHERE kind = {} AND deleted = 0",
                kind_code()
            ))?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut requests = Vec::new();
        for (participant, id) in ids {
            let participant = compact::id_text(&participant)?;
            let id = compact::id_text(&id)?;
            match self.rights_entry(&participant, &id) {
                Ok(entry) => requests.push(entry),
                // A record of a file that is not live here (deleted).
                Err(Error::NotFound) => {}
                Err(other) => return Err(other),
            }
        }
        requests.sort_by(|a, b| {
            let open = |e: &RightsRequestEntry| e.request.status != RequestStatus::Open;
            open(a).cmp(&open(b)).then_with(|| match a.request.status {
                RequestStatus::Open => a.request.deadline.cmp(&b.request.deadline),
                RequestStatus::Done => b.request.done_on.cmp(&a.request.done_on),
            })
        });
        Ok(requests)
    }

    /// The file a request belongs to.
    fn rights_file_of(&self, request_id: &str) -> Result<String> {
        let participant: Vec<u8> = self
            .conn
            .query_row(
                &format!(
                    "SELECT participant_id FROM case_records WHERE kind = {} AND id = ?1 AND deleted = 0",
                    kind_code()
                ),
                [compact::id_bytes(request_id).as_slice()],
                |row| row.get(0),
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Error::NotFound,
                other => other.into(),
            })?;
        compact::id_text(&participant)
    }

    fn rights_entry(&self, participant_id: &str, id: &str) -> Result<RightsRequestEntry> {
        let participant = self.load_participant(participant_id)?;
        let record = record::load_record(&self.conn, participant_id, id)?;
        let RecordData::RightsRequest(request) = record.data else {
            return Err(Error::NotFound);
        };
        Ok(RightsRequestEntry {
            id: record.id,
            participant_id: participant.id,
            case_code: participant.case_code,
            chosen_name: participant.chosen_name,
            request,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_indexes_of_migration_0016_name_the_stored_numbers_of_requests_and_erasures() {
        let migration = include_str!("../../migrations/0016_rights.sql");
        let requests = super::kind_code();
        let erasures = crate::compact::term_code(crate::records::rights::ERASURE_TERM).unwrap();
        assert!(migration.contains(&format!("WHERE kind = {requests};")));
        assert!(migration.contains(&format!("WHERE record_type = {erasures};")));
    }
}
