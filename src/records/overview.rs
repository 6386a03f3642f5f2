//! What the file's records add up to: legal deadlines, community-service progress, the
//! eligibility guide, compliance reports ready to print, and completing tasks.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::audit::AuditAction;
use crate::catalog;
use crate::error::{Error, Result};
use crate::records::community_service::{
    self, ComplianceFigures, ComplianceReport, PlanProgress, ServicePlan,
};
use crate::records::directory;
use crate::records::eligibility::{self, EligibilityReport};
use crate::records::legal::ApplicationDeadline;
use crate::records::record::{load_record, load_records, CaseRecord, RecordData};
use crate::records::tasks::{FileTask, Task};
use crate::records::validate;
use crate::vault::Vault;

/// The legal side of a file on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LegalOverview {
    /// One per application.
    pub deadlines: Vec<ApplicationDeadline>,
    /// One per community-service plan.
    pub plans: Vec<PlanProgress>,
    /// The guide for each application whose type has one; when she has none yet, the guide of
    /// each such type of the country, to prepare one.
    pub eligibility: Vec<EligibilityReport>,
    /// Her open tasks.
    pub tasks: Vec<FileTask>,
}

/// A compliance report with everything the court's copy shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ComplianceReportView {
    pub report_id: String,
    pub case_code: String,
    pub legal_name: String,
    pub plan: ServicePlan,
    pub report: ComplianceReport,
    /// The receiving entity's name, from the directory.
    pub entity_name: Option<String>,
    pub figures: ComplianceFigures,
    pub projected_end: String,
}

/// A printout the audit log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Printout {
    /// A woman's own complete file.
    ParticipantFile,
    /// The blank intake form for visits where laptops are not allowed.
    IntakeForm,
}

fn day(field: &'static str, text: &str) -> Result<NaiveDate> {
    validate::date(field, text)
}

impl Vault {
    /// Legal deadlines, community-service progress, eligibility guides and open tasks of a
    /// file, as of `today` (the person's local date).
    pub fn legal_overview(&self, participant_id: &str, today: &str) -> Result<LegalOverview> {
        let today = day("today", today)?;
        self.load_participant(participant_id)?;
        let records = load_records(&self.conn, participant_id)?;
        let catalog = catalog::for_country(self.country()?);
        let mut deadlines = Vec::new();
        let mut plans = Vec::new();
        let mut eligibility = Vec::new();
        for record in &records {
            match &record.data {
                RecordData::LegalApplication(application) => {
                    let Some(kind) = catalog.legal_application_type(&application.application_type)
                    else {
                        continue;
                    };
                    deadlines.push(ApplicationDeadline::of(
                        &record.id,
                        application,
                        kind,
                        today,
                    ));
                    if let Some(guide) = &kind.guide {
                        eligibility.push(eligibility::evaluate(
                            &records,
                            catalog,
                            guide,
                            &kind.code,
                            Some((&record.id, application)),
                            today,
                        ));
                    }
                }
                RecordData::ServicePlan(plan) => {
                    plans.push(community_service::progress(
                        &record.id, plan, &records, today,
                    ));
                }
                _ => {}
            }
        }
        for kind in &catalog.legal_application_types {
            let Some(guide) = &kind.guide else { continue };
            if !eligibility.iter().any(|e| e.application_type == kind.code) {
                eligibility.push(eligibility::evaluate(
                    &records, catalog, guide, &kind.code, None, today,
                ));
            }
        }
        Ok(LegalOverview {
            deadlines,
            plans,
            eligibility,
            tasks: self.participant_tasks(participant_id)?,
        })
    }

    /// A compliance report with its figures, for the court. Her legal name is on it, so
    /// producing it is written to the audit log as a printout.
    pub fn compliance_report(
        &mut self,
        participant_id: &str,
        report_id: &str,
    ) -> Result<ComplianceReportView> {
        let participant = self.load_participant(participant_id)?;
        let records = load_records(&self.conn, participant_id)?;
        let find = |id: &str| records.iter().find(|r| r.id == id).map(|r| &r.data);
        let Some(RecordData::ComplianceReport(report)) = find(report_id) else {
            return Err(Error::NotFound);
        };
        let Some(RecordData::ServicePlan(plan)) = find(&report.plan_id) else {
            return Err(Error::NotFound);
        };
        let entity_name = match &plan.receiving_entity {
            Some(id) => directory::organization(&self.conn, id)?.map(|o| o.name),
            None => None,
        };
        let figures =
            community_service::compliance_figures(&report.plan_id, plan, report, &records);
        let projected_end = community_service::projected_end(
            day("startOn", &plan.start_on)?,
            plan.hours_due(),
            plan.hours_per_week,
        )?
        .to_string();
        self.audit(
            AuditAction::ComplianceReportPrinted,
            None,
            Some(participant_id),
        )?;
        Ok(ComplianceReportView {
            report_id: report_id.to_string(),
            case_code: participant.case_code,
            legal_name: participant.legal_name,
            plan: plan.clone(),
            report: report.clone(),
            entity_name,
            figures,
            projected_end,
        })
    }

    /// Writes a printout to the audit log. A woman's file needs her to be visible to the
    /// signed-in person.
    pub fn printout_record(
        &mut self,
        printout: Printout,
        participant_id: Option<&str>,
    ) -> Result<()> {
        match (printout, participant_id) {
            (Printout::ParticipantFile, Some(id)) => {
                self.load_participant(id)?;
                self.audit(AuditAction::ParticipantFilePrinted, None, Some(id))
            }
            (Printout::ParticipantFile, None) => {
                Err(Error::invalid("participantId", "required for her file"))
            }
            (Printout::IntakeForm, _) => self.audit(AuditAction::IntakeFormPrinted, None, None),
        }
    }

    /// One record of a file, without auditing (the file's view is audited where it is opened).
    pub fn record_get(&self, participant_id: &str, record_id: &str) -> Result<CaseRecord> {
        self.load_participant(participant_id)?;
        load_record(&self.conn, participant_id, record_id)
    }

    /// Completes a task of a file on `today`: a task added by hand is marked done; a generated
    /// one gets a record of its completion, so it stays done on every laptop.
    pub fn task_complete(&mut self, participant_id: &str, key: &str, today: &str) -> Result<()> {
        day("today", today)?;
        self.load_open_participant(participant_id)?;
        if let Some(record_id) = key.strip_prefix("task/") {
            let record = self.record_get(participant_id, record_id)?;
            let RecordData::Task(mut task) = record.data else {
                return Err(Error::NotFound);
            };
            task.done = true;
            task.done_on = Some(today.to_string());
            self.record_save(participant_id, Some(record_id), RecordData::Task(task))?;
            return Ok(());
        }
        let task = self
            .participant_tasks(participant_id)?
            .into_iter()
            .find(|t| t.key == key)
            .ok_or(Error::NotFound)?;
        if task.kind == crate::records::tasks::TaskKind::RightsDeadline {
            // Only answering the request ends it; ticking it off would hide a legal deadline.
            return Err(Error::invalid("key", "answer the request itself"));
        }
        let title = match &task.detail {
            Some(detail) => format!(
                "{}: {detail}",
                serde_json::to_value(task.kind)?
                    .as_str()
                    .unwrap_or_default()
            ),
            None => key.to_string(),
        };
        self.record_save(
            participant_id,
            None,
            RecordData::Task(Task {
                title: title.chars().take(200).collect(),
                due_on: task.due_on,
                assigned_to: None,
                generated_key: Some(key.to_string()),
                done: true,
                done_on: Some(today.to_string()),
                notes: None,
            }),
        )?;
        Ok(())
    }
}
