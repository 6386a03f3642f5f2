//! Criminal-justice applications and their legal deadlines, and Law 2292 community service
//! (plans, hours, compliance reports).

use acompana::records::community_service::{
    self, ComplianceReport, PlanProgress, ServiceHours, ServicePlan,
};
use acompana::records::legal::{ApplicationStatus, LegalApplication, RefusalReason};
use acompana::records::record::{CaseRecord, RecordData};
use acompana::vault::Vault;
use clap::Subcommand;

use crate::output::{print, today, CliError};
use crate::values::parse_enum;

#[derive(Subcommand, Debug)]
pub(crate) enum ServiceCommand {
    /// Create a Law 2292 community-service plan; prints the hours due and the projected end.
    Plan {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        /// The prison sentence imposed, in months (5 hours are due per week of sentence).
        #[arg(long)]
        sentence_months: u32,
        /// Agreed hours a week, 5 to 20.
        #[arg(long)]
        hours_per_week: u32,
        /// The longest day of the schedule, at most 8 (default: the week's hours, up to 8).
        #[arg(long)]
        hours_per_day: Option<u32>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        start: String,
        /// The receiving entity's directory id.
        #[arg(long, value_name = "ID")]
        entity: Option<String>,
        #[arg(long)]
        supervisor: Option<String>,
        #[arg(long)]
        activities: Option<String>,
        #[arg(long)]
        judge: Option<String>,
        /// Hours due when the judge's order sets other than 5 per week of sentence.
        #[arg(long, requires = "reason")]
        hours_due: Option<u32>,
        /// Why the hours due differ.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Her plans with their progress.
    Show {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
    },
    /// Log hours served; prints the entry's id.
    Log {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        #[arg(value_name = "PLAN")]
        plan: String,
        /// Default: today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long)]
        hours: u32,
        #[arg(long)]
        activity: String,
        #[arg(long)]
        verified_by: Option<String>,
    },
    /// Record a compliance report for a period and print its figures.
    Report {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        #[arg(value_name = "PLAN")]
        plan: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: String,
        #[arg(long)]
        incidents: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        sent_on: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub(crate) enum LegalCommand {
    /// Add a legal application; prints its id.
    Add {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        /// The type's code from the country's list (see `acompana legal types`).
        #[arg(long = "type", value_name = "CODE")]
        application_type: String,
        /// When it was filed; without it the application is being prepared.
        #[arg(long, value_name = "YYYY-MM-DD")]
        filed_on: Option<String>,
        #[arg(long)]
        filed_by: Option<String>,
        #[arg(long)]
        authority: Option<String>,
        #[arg(long)]
        file_number: Option<String>,
        /// Her documents that prove it, by checklist code (e.g. declaracion_jefatura).
        #[arg(long, value_delimiter = ',', value_name = "CODE")]
        evidence: Vec<String>,
    },
    /// Record the decision on an application.
    Decide {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        #[arg(value_name = "APPLICATION")]
        application: String,
        /// granted, denied or withdrawn.
        #[arg(long, value_parser = parse_enum::<ApplicationStatus>)]
        status: ApplicationStatus,
        /// Default: today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        on: Option<String>,
        /// For a denial: marginality_not_proven, head_of_household_not_proven,
        /// plan_not_formalised, excluded_offence, prior_record, incomplete_file,
        /// no_answer_in_time, other.
        #[arg(long, value_parser = parse_enum::<RefusalReason>)]
        reason: Option<RefusalReason>,
    },
    /// Her applications with their legal deadlines.
    List {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
    },
    /// The application types of this vault's country.
    Types,
}

fn plan_lines(progress: &PlanProgress) -> String {
    format!(
        "plan {}\nhours due: {}{}\nprojected end: {}\nserved: {} of {} ({}%), {} remaining",
        progress.record_id,
        progress.hours_due,
        if progress.hours_due == progress.hours_due_computed {
            " (5 per week of sentence)".to_string()
        } else {
            format!(" (computed: {})", progress.hours_due_computed)
        },
        progress.projected_end,
        progress.hours_logged,
        progress.hours_due,
        progress.percent,
        progress.hours_remaining
    )
}

fn plan_progress(vault: &Vault, participant: &str, plan: &str) -> Result<PlanProgress, CliError> {
    Ok(vault
        .legal_overview(participant, &today())?
        .plans
        .into_iter()
        .find(|p| p.record_id == plan)
        .ok_or(acompana::Error::NotFound)?)
}

fn record_of(vault: &Vault, participant: &str, id: &str) -> Result<CaseRecord, CliError> {
    Ok(vault.record_get(participant, id)?)
}

pub(crate) fn service(
    vault: &mut Vault,
    command: &ServiceCommand,
    json: bool,
) -> Result<(), CliError> {
    match command {
        ServiceCommand::Plan {
            participant,
            sentence_months,
            hours_per_week,
            hours_per_day,
            start,
            entity,
            supervisor,
            activities,
            judge,
            hours_due,
            reason,
        } => {
            let plan = ServicePlan {
                application_id: None,
                receiving_entity: entity.clone(),
                supervisor: supervisor.clone(),
                activities: activities.clone(),
                sentence_months: *sentence_months,
                hours_due_override: *hours_due,
                override_reason: reason.clone(),
                hours_per_week: *hours_per_week,
                hours_per_day: hours_per_day
                    .unwrap_or((*hours_per_week).min(community_service::MAX_HOURS_PER_DAY)),
                schedule: None,
                start_on: start.clone(),
                execution_judge: judge.clone(),
            };
            let record = vault.record_save(participant, None, RecordData::ServicePlan(plan))?;
            let progress = plan_progress(vault, participant, &record.id)?;
            print(json, &progress, plan_lines);
        }
        ServiceCommand::Show { participant } => {
            let plans = vault.legal_overview(participant, &today())?.plans;
            print(json, &plans, |plans| {
                plans
                    .iter()
                    .map(plan_lines)
                    .collect::<Vec<_>>()
                    .join("\n\n")
            });
        }
        ServiceCommand::Log {
            participant,
            plan,
            date,
            hours,
            activity,
            verified_by,
        } => {
            let record = vault.record_save(
                participant,
                None,
                RecordData::ServiceHours(ServiceHours {
                    plan_id: plan.clone(),
                    date: date.clone().unwrap_or_else(today),
                    hours: *hours,
                    activity: activity.clone(),
                    verified_by: verified_by.clone(),
                }),
            )?;
            print(json, &record, |r| r.id.clone());
        }
        ServiceCommand::Report {
            participant,
            plan,
            from,
            to,
            incidents,
            sent_on,
        } => {
            let record = vault.record_save(
                participant,
                None,
                RecordData::ComplianceReport(ComplianceReport {
                    plan_id: plan.clone(),
                    period_start: from.clone(),
                    period_end: to.clone(),
                    incidents: incidents.clone(),
                    sent_on: sent_on.clone(),
                }),
            )?;
            let report = vault.compliance_report(participant, &record.id)?;
            print(json, &report, |r| {
                format!(
                    "report {}\nperiod: {} to {}\nhours in the period: {} (the agreed rate asks for {})\nserved up to {}: {} of {}, {} remaining",
                    r.report_id,
                    r.report.period_start,
                    r.report.period_end,
                    r.figures.hours_in_period,
                    r.figures.hours_expected_in_period,
                    r.report.period_end,
                    r.figures.hours_accumulated,
                    r.figures.hours_due,
                    r.figures.hours_remaining
                )
            });
        }
    }
    Ok(())
}

pub(crate) fn legal(vault: &mut Vault, command: &LegalCommand, json: bool) -> Result<(), CliError> {
    match command {
        LegalCommand::Add {
            participant,
            application_type,
            filed_on,
            filed_by,
            authority,
            file_number,
            evidence,
        } => {
            let evidence = evidence_ids(vault, participant, evidence)?;
            let application = LegalApplication {
                application_type: application_type.clone(),
                proceeding_id: None,
                filed_by: filed_by.clone(),
                status: if filed_on.is_some() {
                    ApplicationStatus::Filed
                } else {
                    ApplicationStatus::Preparing
                },
                filed_on: filed_on.clone(),
                authority: authority.clone(),
                file_number: file_number.clone(),
                evidence,
                decided_on: None,
                refusal_reason: None,
                marginality_evidence: None,
                prior_conviction: None,
                excluded_offence: None,
                notes: None,
            };
            add_application(vault, participant, application, json)?;
        }
        LegalCommand::Decide {
            participant,
            application,
            status,
            on,
            reason,
        } => {
            let RecordData::LegalApplication(mut current) =
                record_of(vault, participant, application)?.data
            else {
                return Err(acompana::Error::NotFound.into());
            };
            if !status.is_decided() {
                return Err(CliError::Usage(
                    "a decision is granted, denied or withdrawn".into(),
                ));
            }
            current.status = *status;
            current.decided_on = Some(on.clone().unwrap_or_else(today));
            current.refusal_reason = *reason;
            let record = vault.record_save(
                participant,
                Some(application),
                RecordData::LegalApplication(current),
            )?;
            print(json, &record, |r| format!("{} decided", r.id));
        }
        LegalCommand::List { participant } => list_applications(vault, participant, json)?,
        LegalCommand::Types => application_types(vault, json)?,
    }
    Ok(())
}

/// The record ids of her documents named by checklist code.
fn evidence_ids(
    vault: &Vault,
    participant: &str,
    codes: &[String],
) -> Result<Vec<String>, CliError> {
    codes
        .iter()
        .map(|code| {
            record_of(
                vault,
                participant,
                &acompana::records::record::document_id(participant, None, code),
            )
            .map(|r| r.id)
            .map_err(|_| CliError::Usage(format!("she has no '{code}' document on file")))
        })
        .collect()
}

/// Saves a new application and prints its id with its legal deadline.
fn add_application(
    vault: &mut Vault,
    participant: &str,
    application: LegalApplication,
    json: bool,
) -> Result<(), CliError> {
    let record = vault.record_save(participant, None, RecordData::LegalApplication(application))?;
    let deadline = vault
        .legal_overview(participant, &today())?
        .deadlines
        .into_iter()
        .find(|d| d.record_id == record.id);
    print(
        json,
        &(record, &deadline),
        |(record, deadline)| match deadline.as_ref().and_then(|d| d.deadline.as_deref()) {
            Some(day) => format!("{}\nlegal deadline: {day}", record.id),
            None => record.id.clone(),
        },
    );
    Ok(())
}

/// `legal list`: her applications with their legal deadlines.
fn list_applications(vault: &mut Vault, participant: &str, json: bool) -> Result<(), CliError> {
    let file = vault.participant_file(participant)?;
    let overview = vault.legal_overview(participant, &today())?;
    let rows: Vec<(String, String, String, Option<String>, bool)> = file
        .records
        .iter()
        .filter_map(|r| match &r.data {
            RecordData::LegalApplication(a) => {
                let deadline = overview.deadlines.iter().find(|d| d.record_id == r.id);
                Some((
                    r.id.clone(),
                    a.application_type.clone(),
                    serde_json::to_value(a.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    deadline.and_then(|d| d.deadline.clone()),
                    deadline.is_some_and(|d| d.denied_by_silence),
                ))
            }
            _ => None,
        })
        .collect();
    print(json, &rows, |rows| {
        rows.iter()
            .map(|(id, kind, status, deadline, silence)| {
                format!(
                    "{id}  {kind}  {status}{}{}",
                    deadline
                        .as_ref()
                        .map(|d| format!("  deadline {d}"))
                        .unwrap_or_default(),
                    if *silence {
                        "  (no answer in time: denied)"
                    } else {
                        ""
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// `legal types`: the application types of this vault's country.
fn application_types(vault: &Vault, json: bool) -> Result<(), CliError> {
    let catalog = acompana::catalog::for_country(vault.country()?);
    print(json, &catalog.legal_application_types, |types| {
        types
            .iter()
            .map(|t| {
                format!(
                    "{:<32} {}{}",
                    t.code,
                    t.name,
                    t.deadline_months
                        .map(|m| format!(" (answer within {m} months)"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
