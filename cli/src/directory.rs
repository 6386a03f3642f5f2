//! The directory of partner organizations and services, and referrals to them.

use acompana::records::directory::{DirectoryQuery, Organization, OrganizationKind};
use acompana::records::needs::NeedCategory;
use acompana::records::record::RecordData;
use acompana::records::referrals::{Referral, ReferralStatus};
use acompana::vault::Vault;
use clap::Subcommand;

use crate::output::{print, today, CliError};
use crate::values::parse_enum;

#[derive(Subcommand, Debug)]
pub(crate) enum DirectoryCommand {
    /// Add an organization; prints its id.
    Add {
        #[arg(long)]
        name: String,
        /// public_body, non_profit, community, private_company.
        #[arg(long, value_parser = parse_enum::<OrganizationKind>)]
        kind: OrganizationKind,
        /// Referral categories, e.g. housing,employment.
        #[arg(long, value_delimiter = ',', value_parser = parse_enum::<NeedCategory>)]
        category: Vec<NeedCategory>,
        #[arg(long)]
        requirements: Option<String>,
        #[arg(long)]
        accepts_records: bool,
        #[arg(long)]
        municipality: Option<String>,
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        contact: Option<String>,
    },
    /// Search organizations and services (accents ignored).
    Search {
        #[arg(value_name = "TEXT")]
        text: Option<String>,
        #[arg(long, value_parser = parse_enum::<NeedCategory>)]
        category: Option<NeedCategory>,
        #[arg(long)]
        accepts_records: bool,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum ReferralCommand {
    /// Refer her to an organization; prints the referral's id. Sharing her data needs her
    /// consent for that organization (`acompana consent add --purpose referral`).
    Add {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        /// The organization's directory id.
        #[arg(long, value_name = "ID")]
        organization: String,
        #[arg(long, value_parser = parse_enum::<NeedCategory>)]
        category: NeedCategory,
        #[arg(long, value_name = "ID")]
        service: Option<String>,
        /// She goes on her own: none of her data is passed on.
        #[arg(long)]
        no_share: bool,
        /// Default: today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        follow_up: Option<String>,
        /// proposed, sent, accepted, attended, completed, declined, no_show.
        #[arg(long, value_parser = parse_enum::<ReferralStatus>, default_value = "sent")]
        status: ReferralStatus,
    },
}

pub(crate) fn directory(
    vault: &mut Vault,
    command: &DirectoryCommand,
    json: bool,
) -> Result<(), CliError> {
    match command {
        DirectoryCommand::Add {
            name,
            kind,
            category,
            requirements,
            accepts_records,
            municipality,
            department,
            contact,
        } => {
            let saved = vault.directory_save_organization(
                None,
                Organization {
                    name: name.clone(),
                    kind: *kind,
                    categories: category.clone(),
                    requirements: requirements.clone(),
                    accepts_records: *accepts_records,
                    municipality: municipality.clone(),
                    department: department.clone(),
                    address: None,
                    hours: None,
                    contact: contact.clone(),
                    verified_on: Some(today()),
                },
            )?;
            print(json, &saved, |o| o.id.clone());
        }
        DirectoryCommand::Search {
            text,
            category,
            accepts_records,
        } => {
            let page = vault.directory_search(&DirectoryQuery {
                text: text.clone(),
                category: *category,
                accepts_records: *accepts_records,
                ..Default::default()
            })?;
            print(json, &page, |page| {
                let mut lines: Vec<String> = page
                    .items
                    .iter()
                    .map(|o| format!("{}  {}", o.id, o.organization.name))
                    .collect();
                lines.push(format!("{} found", page.total));
                lines.join("\n")
            });
        }
    }
    Ok(())
}

pub(crate) fn referral(
    vault: &mut Vault,
    command: &ReferralCommand,
    json: bool,
) -> Result<(), CliError> {
    let ReferralCommand::Add {
        participant,
        organization,
        category,
        service,
        no_share,
        date,
        follow_up,
        status,
    } = command;
    let record = vault.record_save(
        participant,
        None,
        RecordData::Referral(Referral {
            category: *category,
            organization_id: organization.clone(),
            service_id: service.clone(),
            referred_on: date.clone().unwrap_or_else(today),
            shares_data: !no_share,
            consent_id: None,
            status: *status,
            follow_up_on: follow_up.clone(),
            outcome: None,
        }),
    )?;
    print(json, &record, |r| r.id.clone());
    Ok(())
}
