//! Command-line verbs for legal routes, Law 2292 community service, the directory, referrals
//! and tasks.

use clap::Subcommand;

use super::values::parse_enum;
use super::{print, today, CliError};
use acompana::records::community_service::{
    self, ComplianceReport, PlanProgress, ServiceHours, ServicePlan,
};
use acompana::records::directory::{DirectoryQuery, Organization, OrganizationKind};
use acompana::records::file::{CaseRecord, RecordData};
use acompana::records::legal::{ApplicationStatus, LegalApplication, RefusalReason};
use acompana::records::needs::NeedCategory;
use acompana::records::referrals::{Referral, ReferralStatus};
use acompana::records::tasks::{DueTask, TodayQuery};
use acompana::vault::Vault;

#[derive(Subcommand, Debug)]
pub(super) enum ServiceCommand {
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
pub(super) enum LegalCommand {
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

#[derive(Subcommand, Debug)]
pub(super) enum DirectoryCommand {
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
pub(super) enum ReferralCommand {
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

#[derive(Subcommand, Debug)]
pub(super) enum TasksCommand {
    /// What is overdue, due today and due this week, for the files you may see.
    Due {
        /// Default: today.
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
        /// Only what falls to you.
        #[arg(long)]
        mine: bool,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Mark a task done (its key, from `tasks due`).
    Done {
        #[arg(value_name = "PARTICIPANT")]
        participant: String,
        #[arg(value_name = "KEY")]
        key: String,
    },
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

fn task_line(task: &DueTask) -> String {
    format!(
        "{}  {:<10} {:<18} {}  {}",
        task.task.due_on,
        task.case_code,
        serde_json::to_value(task.task.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        task.task.detail.as_deref().unwrap_or_default(),
        task.task.key
    )
}

pub(super) fn service(
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

pub(super) fn legal(vault: &mut Vault, command: &LegalCommand, json: bool) -> Result<(), CliError> {
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
            let evidence = evidence
                .iter()
                .map(|code| {
                    record_of(
                        vault,
                        participant,
                        &format!("{participant}/document/self/{code}"),
                    )
                    .map(|r| r.id)
                    .map_err(|_| CliError::Usage(format!("she has no '{code}' document on file")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let record = vault.record_save(
                participant,
                None,
                RecordData::LegalApplication(LegalApplication {
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
                }),
            )?;
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
        LegalCommand::List { participant } => {
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
        }
        LegalCommand::Types => {
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
        }
    }
    Ok(())
}

pub(super) fn directory(
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

pub(super) fn referral(
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

pub(super) fn tasks(vault: &mut Vault, command: &TasksCommand, json: bool) -> Result<(), CliError> {
    match command {
        TasksCommand::Due {
            today: day,
            mine,
            limit,
        } => {
            let due = vault.tasks_today(&TodayQuery {
                today: day.clone().unwrap_or_else(today),
                mine: *mine,
                limit: Some(*limit),
            })?;
            print(json, &due, |due| {
                let mut out = Vec::new();
                for (title, group) in [
                    ("Overdue", &due.overdue),
                    ("Today", &due.due_today),
                    ("This week", &due.this_week),
                ] {
                    out.push(format!("{title} ({})", group.total));
                    out.extend(group.items.iter().map(task_line));
                }
                out.join("\n")
            });
        }
        TasksCommand::Done { participant, key } => {
            vault.task_complete(participant, key, &today())?;
            print(json, &key, |k| format!("{k} done"));
        }
    }
    Ok(())
}
