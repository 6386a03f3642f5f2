//! Records added to a file one at a time: dependants, documents, consent, notes, and prison
//! visits recorded for several women at once.

use acompana::records::consent::{Consent, ConsentMethod, ConsentPurpose, LegalBasis};
use acompana::records::contacts::{BatchVisit, Note};
use acompana::records::documents::{Document, DocumentStatus};
use acompana::records::household::{Carer, Custody, Dependant, Relationship};
use acompana::records::record::RecordData;
use acompana::vault::Vault;
use acompana::Error;
use clap::Subcommand;

use crate::output::{print, today, CliError};
use crate::values::parse_enum;

#[derive(Subcommand, Debug)]
pub(crate) enum DependantCommand {
    /// Add a dependant; prints the new record's id.
    Add {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        /// A first name or nickname (never the full name).
        #[arg(long)]
        alias: String,
        /// daughter, son, grandchild, sibling, parent, partner, other_relative, other.
        #[arg(long, value_parser = parse_enum::<Relationship>)]
        relationship: Relationship,
        #[arg(long, value_name = "YYYY-MM-DD")]
        birth_date: Option<String>,
        #[arg(long)]
        age: Option<u8>,
        /// herself, grandmother, father, other_relative, foster_family, institution, neighbour,
        /// independent, unknown.
        #[arg(long, value_parser = parse_enum::<Carer>, default_value = "unknown")]
        carer: Carer,
        /// hers, shared, relative, state_protection, in_process, unknown.
        #[arg(long, value_parser = parse_enum::<Custody>, default_value = "unknown")]
        custody: Custody,
        #[arg(long)]
        disability: bool,
        #[arg(long)]
        disability_certificate: bool,
        #[arg(long)]
        lived_with_her_before: bool,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum DocumentCommand {
    /// The documents of this vault's country.
    Checklist,
    /// Set a document's status in a file.
    Set {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        /// The checklist code, e.g. cedula.
        #[arg(value_name = "TYPE")]
        document_type: String,
        /// needed, in_process, has, expired, lost, not_applicable.
        #[arg(value_name = "STATUS", value_parser = parse_enum::<DocumentStatus>)]
        status: DocumentStatus,
        /// For one of her dependants (the dependant's record id).
        #[arg(long, value_name = "ID")]
        dependant: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        requested_on: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        obtained_on: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        expires_on: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum ConsentCommand {
    /// Record a consent; prints the new record's id.
    Add {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        /// case_work, referral, statistics, photos_testimony, contact.
        #[arg(long, value_parser = parse_enum::<ConsentPurpose>)]
        purpose: ConsentPurpose,
        /// For a referral: the organization.
        #[arg(long)]
        organization: Option<String>,
        /// written, verbal_with_witness, fingerprint.
        #[arg(long, value_parser = parse_enum::<ConsentMethod>, default_value = "written")]
        method: ConsentMethod,
        #[arg(long)]
        read_aloud: bool,
        #[arg(long, default_value = "es")]
        language: String,
        /// Default: today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        given_on: Option<String>,
        #[arg(long)]
        notice_version: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum NoteCommand {
    /// Add a note; prints the new record's id.
    Add {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        #[arg(value_name = "TEXT")]
        text: String,
        /// Hidden in the file until someone asks to see it.
        #[arg(long)]
        sensitive: bool,
        /// Default: today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum VisitCommand {
    /// Record a prison visit for every PARTICIPANT seen.
    Add {
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: String,
        /// The prison.
        #[arg(long)]
        place: String,
        /// Usernames of the staff who went.
        #[arg(long, value_delimiter = ',')]
        team: Vec<String>,
        #[arg(long)]
        summary: Option<String>,
        #[arg(value_name = "PARTICIPANT", required = true)]
        participants: Vec<String>,
    },
}

pub(crate) fn dependant(
    vault: &mut Vault,
    command: &DependantCommand,
    json: bool,
) -> Result<(), CliError> {
    let DependantCommand::Add {
        participant,
        alias,
        relationship,
        birth_date,
        age,
        carer,
        custody,
        disability,
        disability_certificate,
        lived_with_her_before,
    } = command;
    let record = vault.record_save(
        participant,
        None,
        RecordData::Dependant(Dependant {
            alias: alias.clone(),
            relationship: *relationship,
            birth_date: birth_date.clone(),
            age: *age,
            disability: *disability,
            disability_certificate: *disability_certificate,
            lived_with_her_before: *lived_with_her_before,
            carer: *carer,
            location: None,
            custody: *custody,
            lives_with_her_in_prison: false,
        }),
    )?;
    print(json, &record, |r| r.id.clone());
    Ok(())
}

pub(crate) fn document(
    vault: &mut Vault,
    command: &DocumentCommand,
    json: bool,
) -> Result<(), CliError> {
    match command {
        DocumentCommand::Checklist => {
            let catalog = acompana::catalog::for_country(vault.country()?);
            print(json, catalog, |c| {
                c.documents
                    .iter()
                    .map(|d| {
                        format!(
                            "{:<26} {}{}",
                            d.code,
                            d.name,
                            if d.required { "" } else { " (optional)" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        DocumentCommand::Set {
            participant,
            document_type,
            status,
            dependant,
            requested_on,
            obtained_on,
            expires_on,
        } => {
            // Keep what the file already says about the document; change only what was given.
            // A document's record id is derived from whose it is and its type.
            let natural_id = acompana::records::record::document_id(
                participant,
                dependant.as_deref(),
                document_type,
            );
            let existing = match vault.record_get(participant, &natural_id) {
                Ok(record) => match record.data {
                    RecordData::Document(d) => Some(d),
                    _ => None,
                },
                // Not on file yet (saving checks that the file is one she may see).
                Err(Error::NotFound) => None,
                Err(other) => return Err(other.into()),
            };
            let mut document = existing
                .unwrap_or_else(|| Document::new(document_type, dependant.as_deref(), *status));
            document.status = *status;
            if requested_on.is_some() {
                document.requested_on = requested_on.clone();
            }
            if obtained_on.is_some() {
                document.obtained_on = obtained_on.clone();
            } else if *status == DocumentStatus::Has && document.obtained_on.is_none() {
                document.obtained_on = Some(today());
            }
            if expires_on.is_some() {
                document.expires_on = expires_on.clone();
            }
            let record = vault.record_save(participant, None, RecordData::Document(document))?;
            print(json, &record, |r| r.id.clone());
        }
    }
    Ok(())
}

pub(crate) fn consent(
    vault: &mut Vault,
    command: &ConsentCommand,
    json: bool,
) -> Result<(), CliError> {
    let ConsentCommand::Add {
        participant,
        purpose,
        organization,
        method,
        read_aloud,
        language,
        given_on,
        notice_version,
    } = command;
    let collected_by = vault.me().username.clone();
    let record = vault.record_save(
        participant,
        None,
        RecordData::Consent(Consent {
            purpose: *purpose,
            organization: organization.clone(),
            legal_basis: LegalBasis::Consent,
            notice_version: notice_version.clone(),
            method: *method,
            read_aloud: *read_aloud,
            language: language.clone(),
            given_on: given_on.clone().unwrap_or_else(today),
            collected_by,
            revoked_on: None,
        }),
    )?;
    print(json, &record, |r| r.id.clone());
    Ok(())
}

pub(crate) fn note(vault: &mut Vault, command: &NoteCommand, json: bool) -> Result<(), CliError> {
    let NoteCommand::Add {
        participant,
        text,
        sensitive,
        date,
    } = command;
    let record = vault.record_save(
        participant,
        None,
        RecordData::Note(Note {
            date: date.clone().unwrap_or_else(today),
            text: text.clone(),
            sensitive: *sensitive,
            contact_id: None,
        }),
    )?;
    print(json, &record, |r| r.id.clone());
    Ok(())
}

pub(crate) fn visit(vault: &mut Vault, command: &VisitCommand, json: bool) -> Result<(), CliError> {
    let VisitCommand::Add {
        date,
        place,
        team,
        summary,
        participants,
    } = command;
    let records = vault.visit_record_batch(BatchVisit {
        date: date.clone(),
        place: place.clone(),
        team: team.clone(),
        participant_ids: participants.clone(),
        summary: summary.clone(),
    })?;
    print(json, &records, |r| {
        format!("Recorded the visit for {} women.", r.len())
    });
    Ok(())
}
