//! Tasks: what is due, generated from the file (follow-ups 30, 90, 180 and 365 days after
//! release, legal deadlines, documents expiring, hours reports, referral follow-ups) and added
//! by hand. The write path recomputes a file's tasks into `tasks_due` after every change, so
//! "Hoy" is one indexed query however many files there are. A generated task is completed by
//! a `task` record carrying its key, which goes through the change log like any record.

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::catalog::CountryCatalog;
use crate::error::{Error, Result};
use crate::records::case_file::FileContext;
use crate::records::community_service;
use crate::records::documents::DocumentStatus;
use crate::records::legal::ApplicationStatus;
use crate::records::needs::AssessmentPhase;
use crate::records::record::{CaseRecord, RecordData};
use crate::records::validate;
use crate::staff::Role;
use crate::vault::Vault;

/// Days before a document expires that its renewal is due.
pub const RENEW_BEFORE_DAYS: u64 = 30;

/// A task added by hand, or the completion of a generated one (`generated_key` set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Task {
    pub title: String,
    pub due_on: String,
    /// Whom it is for (stored by staff id, shown by username); none means her caseworker.
    #[serde(default)]
    pub assigned_to: Option<String>,
    /// The key of the generated task this record completes.
    #[serde(default)]
    pub generated_key: Option<String>,
    #[serde(default)]
    pub done: bool,
    #[serde(default)]
    pub done_on: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

impl Task {
    pub(crate) fn validate(&mut self) -> Result<()> {
        self.title = self.title.trim().to_string();
        if self.title.is_empty() {
            return Err(Error::invalid("title", "required"));
        }
        validate::name("title", &self.title)?;
        validate::date("dueOn", &self.due_on)?;
        validate::optional_text("notes", &mut self.notes, 2000)?;
        validate::optional_text("generatedKey", &mut self.generated_key, 300)?;
        if let Some(done_on) = validate::optional_date("doneOn", &mut self.done_on)? {
            validate::past_date("doneOn", &done_on.to_string())?;
        }
        if self.done_on.is_some() && !self.done {
            return Err(Error::invalid("doneOn", "only for a task that is done"));
        }
        self.assigned_to = validate::clean(self.assigned_to.take());
        Ok(())
    }
}

/// Where a task comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    FollowUp,
    LegalDeadline,
    DocumentExpiry,
    HoursReport,
    ReferralFollowUp,
    Manual,
    /// The last day to answer a request she made about her data.
    RightsDeadline,
}

impl TaskKind {
    fn as_str(self) -> &'static str {
        match self {
            TaskKind::FollowUp => "follow_up",
            TaskKind::LegalDeadline => "legal_deadline",
            TaskKind::DocumentExpiry => "document_expiry",
            TaskKind::HoursReport => "hours_report",
            TaskKind::ReferralFollowUp => "referral_follow_up",
            TaskKind::Manual => "manual",
            TaskKind::RightsDeadline => "rights_deadline",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        serde_json::from_value(serde_json::Value::String(text.to_string()))
            .map_err(|_| Error::VaultCorrupt("bad task kind"))
    }
}

/// A task of one file, generated or added by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FileTask {
    /// Stable key: completing a generated task records it.
    pub key: String,
    pub kind: TaskKind,
    pub due_on: String,
    /// The record the task is about.
    pub record_id: Option<String>,
    /// What the interface needs to word it: the phase (`day90`), the document or application
    /// type code, the report month; the title of a task added by hand.
    pub detail: Option<String>,
    /// Username it is assigned to, when not her caseworker.
    pub assigned_to: Option<String>,
    /// For a referral's follow-up: the organization's name, from the directory.
    pub organization_name: Option<String>,
}

/// The day she last left prison, when she is out: the latest exit of a stay, unless a stay is
/// still open.
pub fn release_date(records: &[CaseRecord]) -> Option<NaiveDate> {
    let mut latest = None;
    for record in records {
        if let RecordData::PrisonStay(stay) = &record.data {
            let left = stay.left_on.as_deref().and_then(parse)?;
            if latest.is_none_or(|l| left > l) {
                latest = Some(left);
            }
        }
    }
    latest
}

fn parse(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn last_day_of_month(day: NaiveDate) -> NaiveDate {
    let first = day.with_day(1).unwrap_or(day);
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(day)
}

/// Every open task of a file, from its records.
pub fn generate(records: &[CaseRecord], catalog: &CountryCatalog) -> Vec<FileTask> {
    let mut done = std::collections::BTreeSet::new();
    let mut tasks = Vec::new();
    for record in records {
        if let RecordData::Task(task) = &record.data {
            match (&task.generated_key, task.done) {
                (Some(key), true) => {
                    done.insert(key.clone());
                }
                (None, false) => tasks.push(FileTask {
                    key: format!("task/{}", record.id),
                    kind: TaskKind::Manual,
                    due_on: task.due_on.clone(),
                    record_id: Some(record.id.clone()),
                    detail: Some(task.title.clone()),
                    assigned_to: task.assigned_to.clone(),
                    organization_name: None,
                }),
                _ => {}
            }
        }
    }
    let mut generated = Vec::new();
    let mut add = |key: String, kind, due: NaiveDate, record_id: Option<&str>, detail: String| {
        generated.push(FileTask {
            key,
            kind,
            due_on: due.to_string(),
            record_id: record_id.map(str::to_string),
            detail: Some(detail),
            assigned_to: None,
            organization_name: None,
        })
    };

    // Follow-ups after release, until that phase's needs assessment (or a later one) is
    // recorded.
    if let Some(release) = release_date(records) {
        let assessed: Vec<AssessmentPhase> = records
            .iter()
            .filter_map(|r| match &r.data {
                RecordData::Needs(n) => Some(n.phase),
                _ => None,
            })
            .collect();
        for (phase, days) in [
            (AssessmentPhase::Day30, 30),
            (AssessmentPhase::Day90, 90),
            (AssessmentPhase::Day180, 180),
            (AssessmentPhase::Day365, 365),
        ] {
            // A later assessment makes an earlier follow-up moot: she has been seen since.
            if !assessed.iter().any(|done| *done >= phase) {
                add(
                    format!("follow_up/{release}/{}", phase.as_str()),
                    TaskKind::FollowUp,
                    release + Days::new(days),
                    None,
                    phase.as_str().to_string(),
                );
            }
        }
    }

    for record in records {
        match &record.data {
            RecordData::LegalApplication(application)
                if application.status == ApplicationStatus::Filed =>
            {
                let deadline = catalog
                    .legal_application_type(&application.application_type)
                    .and_then(|kind| application.deadline(kind));
                if let Some(deadline) = deadline {
                    add(
                        format!("legal_deadline/{}", record.id),
                        TaskKind::LegalDeadline,
                        deadline,
                        Some(&record.id),
                        application.application_type.clone(),
                    );
                }
            }
            RecordData::Document(document) if document.status == DocumentStatus::Has => {
                if let Some(expiry) = document.expires_on.as_deref().and_then(parse) {
                    add(
                        format!("document_expiry/{}/{expiry}", record.id),
                        TaskKind::DocumentExpiry,
                        expiry - Days::new(RENEW_BEFORE_DAYS),
                        Some(&record.id),
                        document.document_type.clone(),
                    );
                }
            }
            RecordData::Referral(referral) if !referral.status.is_closed() => {
                if let Some(follow_up) = referral.follow_up_on.as_deref().and_then(parse) {
                    add(
                        format!("referral_follow_up/{}/{follow_up}", record.id),
                        TaskKind::ReferralFollowUp,
                        follow_up,
                        Some(&record.id),
                        referral.organization_id.clone(),
                    );
                }
            }
            RecordData::RightsRequest(request)
                if request.status == crate::records::rights::RequestStatus::Open =>
            {
                if let Some(deadline) = parse(&request.deadline) {
                    add(
                        format!("rights_deadline/{}", record.id),
                        TaskKind::RightsDeadline,
                        deadline,
                        Some(&record.id),
                        request.right.as_str().to_string(),
                    );
                }
            }
            RecordData::ServicePlan(plan) => {
                let served: u32 = community_service::entries_of(records, &record.id)
                    .iter()
                    .map(|h| h.hours)
                    .sum();
                if served >= plan.hours_due() {
                    continue;
                }
                // The next month without a report, from the plan's first month.
                let reported = records
                    .iter()
                    .filter_map(|r| match &r.data {
                        RecordData::ComplianceReport(c) if c.plan_id == record.id => {
                            parse(&c.period_end)
                        }
                        _ => None,
                    })
                    .max();
                let month = match reported {
                    Some(end) => last_day_of_month(end) + Days::new(1),
                    None => parse(&plan.start_on).unwrap_or_default(),
                };
                let due = last_day_of_month(month);
                add(
                    format!("hours_report/{}/{}", record.id, due.format("%Y-%m")),
                    TaskKind::HoursReport,
                    due,
                    Some(&record.id),
                    due.format("%Y-%m").to_string(),
                );
            }
            _ => {}
        }
    }
    tasks.extend(generated.into_iter().filter(|t| !done.contains(&t.key)));
    tasks.sort_by(|a, b| a.due_on.cmp(&b.due_on).then(a.key.cmp(&b.key)));
    tasks
}

/// Recomputes one file's tasks into `tasks_due`, in the caller's transaction.
pub(crate) fn refresh(
    conn: &Connection,
    participant_id: &str,
    records: &[CaseRecord],
    catalog: &CountryCatalog,
) -> Result<()> {
    // Deleting a file's rows collects their keys in a temporary table first, made and freed
    // every time: a file with none (a new one, as a synced file's are) skips it.
    let has_tasks: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM tasks_due WHERE participant_id = ?1)")?
        .query_row([participant_id], |row| row.get(0))?;
    if has_tasks {
        conn.prepare_cached("DELETE FROM tasks_due WHERE participant_id = ?1")?
            .execute([participant_id])?;
    }
    // Whom each task falls to: its own assignee, else her caseworker (kept for "only mine"
    // and a caseworker's "Hoy"; the trigger of migration 0010 moves both when she changes
    // caseworker), and whether her file is open (followed by migration 0011's trigger).
    let (caseworker, open): (Option<String>, bool) = conn
        .prepare_cached(
            "SELECT assigned_to, deleted = 0 AND status = 'open' FROM participants WHERE id = ?1",
        )?
        .query_row([participant_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    // One plain row per task, its assignee looked up first: an `INSERT ... SELECT` is a
    // statement SQLite journals on its own (a copy of every page it touches, allocated and
    // freed each time), which made this the slowest part of applying a synced file.
    let mut insert = conn.prepare_cached(
        "INSERT INTO tasks_due (participant_id, key, kind, due_on, record_id, detail, assigned_to,
                               caseworker, falls_to, open)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, COALESCE(?7, ?8), ?9)",
    )?;
    for task in generate(records, catalog) {
        // A member of staff named by id or username; one who is not on the roster is no one.
        let assignee: Option<String> = match task.assigned_to.as_deref() {
            Some(named) => conn
                .prepare_cached("SELECT id FROM staff WHERE id = ?1 OR username = ?1")?
                .query_row([named], |row| row.get(0))
                .optional()?,
            None => None,
        };
        insert.execute(params![
            participant_id,
            task.key,
            task.kind.as_str(),
            task.due_on,
            task.record_id,
            task.detail,
            assignee,
            caseworker,
            open,
        ])?;
    }
    Ok(())
}

/// Rebuilds every file's tasks when a migration (or a bulk writer) marked them stale.
pub(crate) fn rebuild_if_stale(conn: &Connection) -> Result<()> {
    let stale: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM vault_meta WHERE key = 'tasks_stale')",
        [],
        |row| row.get(0),
    )?;
    if !stale {
        return Ok(());
    }
    let country: String = conn.query_row(
        "SELECT value FROM vault_meta WHERE key = 'country'",
        [],
        |row| row.get(0),
    )?;
    let country = crate::Country::parse(&country).ok_or(Error::VaultCorrupt("unknown country"))?;
    let catalog = crate::catalog::for_country(country);
    let tx = conn.unchecked_transaction()?;
    let ids: Vec<String> = tx
        .prepare("SELECT id FROM participants WHERE deleted = 0")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        let records = crate::records::record::load_records(&tx, &id)?;
        refresh(&tx, &id, &records, catalog)?;
    }
    tx.execute("DELETE FROM vault_meta WHERE key = 'tasks_stale'", [])?;
    tx.commit()?;
    Ok(())
}

/// A row of `tasks_due`: key, kind, due date, record, detail, assignee, organization.
type TaskRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Joins the organization a referral follow-up is about (`t.detail` holds its id).
const ORGANIZATION_JOIN: &str = "LEFT JOIN directory d ON t.kind = 'referral_follow_up'
     AND d.id = t.detail AND d.kind = 'organization'";

/// The SQL of one group of "Hoy" for the member of staff `me` (`?1`..`?2` the dates, the
/// upper one excluded when `exclusive`): how many, counted up to [`COUNT_CAP`], and the
/// first `limit`.
///
/// Her id is written into the statement, not bound: a statement that compares a column with
/// a parameter comes back from the statement cache expired (clearing its parameters expires
/// it), and SQLite would plan it again at every call, which costs more than the walk.
///
/// Each walk starts from an index that gives the tasks in due-date order, so it stops at the
/// limit; the file's row is checked for every task all the same (open, not deleted, visible
/// to her):
/// - only hers: the tasks that fall to her (`falls_to`, kept by the write path);
/// - a caseworker: the tasks of the files she is the caseworker of, and when files are
///   `shared` with her, those of the shared files (few, sorted apart and merged in);
/// - a coordinator: every file's tasks, by date.
fn today_sql(
    me: &str,
    role: Role,
    mine: bool,
    shared: bool,
    exclusive: bool,
    limit: u32,
) -> (String, String) {
    const SHARED: &str = "t.participant_id IN (SELECT a.participant_id FROM participant_access a
                                               WHERE a.staff_id = ?1)
                          AND t.caseworker IS NOT ?1";
    // How a scope is counted: from the tasks alone, with this visibility condition on the
    // task's own columns (`None`: none needed), or, for a shared file, through its row.
    enum Count {
        Alone(Option<&'static str>),
        ThroughTheFile,
    }
    // A caseworker's own files: `caseworker` is the file's `assigned_to` and `open` its
    // status (both kept by triggers), so she sees them all and her count reads one index.
    const HER_FILES: &str = "t.caseworker = ?1 AND t.open = 1";
    // A coordinator or an administrator sees every file.
    const EVERY_OPEN_FILE: &str = "t.open = 1";
    // What falls to her, on open files; a caseworker sees a file that is hers or shared with
    // her (the visibility rule of `visible_clause_for`, read from the task's own columns).
    const FALLS_TO_HER: &str = "t.falls_to = ?1 AND t.open = 1";
    const HERS_OR_SHARED: &str = "(t.caseworker = ?1 OR EXISTS (SELECT 1 FROM participant_access a
                                  WHERE a.participant_id = t.participant_id AND a.staff_id = ?1))";
    let mine_seen = if role == Role::Caseworker {
        Some(HERS_OR_SHARED)
    } else {
        None
    };
    let scopes: Vec<(&str, &str, Count)> = if mine {
        vec![(
            "INDEXED BY tasks_due_falls_to",
            FALLS_TO_HER,
            Count::Alone(mine_seen),
        )]
    } else if role != Role::Caseworker {
        vec![(
            "INDEXED BY tasks_due_by_date",
            EVERY_OPEN_FILE,
            Count::Alone(None),
        )]
    } else if shared {
        vec![
            (
                "INDEXED BY tasks_due_caseworker",
                HER_FILES,
                Count::Alone(None),
            ),
            ("", SHARED, Count::ThroughTheFile),
        ]
    } else {
        vec![(
            "INDEXED BY tasks_due_caseworker",
            HER_FILES,
            Count::Alone(None),
        )]
    };
    let me = format!("'{}'", me.replace('\'', "''"));
    let visible = crate::records::participants::visible_clause_for(role).replace("?1", &me);
    let upper = if exclusive { "<" } else { "<=" };
    let dates = format!("t.due_on >= ?1 AND t.due_on {upper} ?2");
    // CROSS JOIN keeps tasks_due outermost: its index is walked in order.
    let walk = |(index, scope, _): &(&str, &str, Count)| {
        (
            format!(
                "FROM tasks_due t {index} CROSS JOIN participants p ON p.id = t.participant_id"
            ),
            format!(
                "WHERE {} AND {dates}
                 AND p.deleted = 0 AND p.status = 'open' AND {visible}",
                scope.replace("?1", &me)
            ),
        )
    };
    // The page joins no other table (names are looked up by the caller): joined, staff and
    // the directory make the statement take about a millisecond to plan.
    const COLUMNS: &str = "t.participant_id AS pid, p.case_code, p.chosen_name, t.key AS k,
                           t.kind, t.due_on AS due, t.record_id, t.detail, t.assigned_to,
                           p.assigned_to";
    let walks: Vec<(String, String)> = scopes.iter().map(walk).collect();
    let count = scopes
        .iter()
        .zip(&walks)
        .map(
            |((index, scope, counted), (from, condition))| match counted {
                Count::Alone(seen) => {
                    let seen = seen
                        .map(|seen| format!(" AND {}", seen.replace("?1", &me)))
                        .unwrap_or_default();
                    format!(
                        "SELECT 1 FROM tasks_due t {index} WHERE {} AND {dates}{seen}",
                        scope.replace("?1", &me)
                    )
                }
                Count::ThroughTheFile => format!("SELECT 1 {from} {condition}"),
            },
        )
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let page = walks
        .iter()
        .map(|(from, condition)| format!("SELECT {COLUMNS} {from} {condition}"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    (
        format!("SELECT COUNT(*) FROM ({count} LIMIT {COUNT_CAP})"),
        format!("{page} ORDER BY due, pid, k LIMIT {limit}"),
    )
}

/// One line of "Hoy".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DueTask {
    pub participant_id: String,
    pub case_code: String,
    pub chosen_name: Option<String>,
    #[serde(flatten)]
    pub task: FileTask,
    /// Username of whoever it falls to: the task's own assignee or her caseworker.
    pub responsible: Option<String>,
}

/// A group of "Hoy": the first tasks and how many there are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TaskGroup {
    pub items: Vec<DueTask>,
    /// How many there are, counted up to [`COUNT_CAP`].
    pub total: u32,
    /// There are at least [`COUNT_CAP`]: show "1000 or more", not a number nobody reads.
    pub capped: bool,
}

/// "Hoy" counts each group up to this many; past it, the exact number helps nobody and
/// counting it costs a walk over every overdue task of a large organization.
pub const COUNT_CAP: u32 = 1000;

/// "Hoy": overdue, today and the next six days, for the files the person may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Today {
    pub today: String,
    pub overdue: TaskGroup,
    pub due_today: TaskGroup,
    pub this_week: TaskGroup,
}

/// What "Hoy" shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct TodayQuery {
    /// The person's own day (`YYYY-MM-DD`, her local date).
    pub today: String,
    /// Only tasks that fall to the signed-in person.
    pub mine: bool,
    /// Tasks listed per group (the totals count them all); 100 when not given.
    pub limit: Option<u32>,
}

impl Vault {
    /// "Hoy": the tasks due up to a week ahead, grouped, scoped to the files the signed-in
    /// person may see and to open cases.
    pub fn tasks_today(&self, query: &TodayQuery) -> Result<Today> {
        let today = validate::date("today", &query.today)?;
        let week_end = today + Days::new(6);
        let limit = query.limit.unwrap_or(100).min(500);
        // A caseworker's files shared with her by others are walked apart, when she has any.
        let shared = self.me.role == Role::Caseworker
            && !query.mine
            && self.conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM participant_access WHERE staff_id = ?1)",
                [&self.me.id],
                |row| row.get(0),
            )?;
        // Names are looked up here rather than joined (see `today_sql`): the staff is a few
        // dozen people, and only a referral's follow-up names an organization.
        let usernames: std::collections::HashMap<String, String> = self
            .conn
            .prepare("SELECT id, username FROM staff")?
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut organization = self.conn.prepare(
            "SELECT json_extract(data, '$.name') FROM directory
             WHERE id = ?1 AND kind = 'organization'",
        )?;
        let mut group =
            |from: Option<NaiveDate>, to: NaiveDate, exclusive: bool| -> Result<TaskGroup> {
                let from = from.map(|d| d.to_string()).unwrap_or_default();
                let to = to.to_string();
                let (count, page) = today_sql(
                    &self.me.id,
                    self.me.role,
                    query.mine,
                    shared,
                    exclusive,
                    limit,
                );
                let total: u32 = self
                    .conn
                    .prepare_cached(&count)?
                    .query_row(params![from, to], |row| row.get(0))?;
                let mut statement = self.conn.prepare_cached(&page)?;
                let rows = statement.query_map(params![from, to], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, Option<String>>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, Option<String>>(6)?,
                        row.get::<_, Option<String>>(7)?,
                        row.get::<_, Option<String>>(8)?,
                        row.get::<_, Option<String>>(9)?,
                    ))
                })?;
                let mut items = Vec::new();
                for row in rows {
                    let (
                        pid,
                        case_code,
                        chosen_name,
                        key,
                        kind,
                        due_on,
                        record_id,
                        detail,
                        assignee,
                        caseworker,
                    ) = row?;
                    let kind = TaskKind::parse(&kind)?;
                    let username =
                        |id: &Option<String>| id.as_ref().and_then(|id| usernames.get(id)).cloned();
                    let own = username(&assignee);
                    let who = own.clone().or_else(|| username(&caseworker));
                    let org = match (kind, &detail) {
                        (TaskKind::ReferralFollowUp, Some(id)) => organization
                            .query_row([id], |row| row.get::<_, Option<String>>(0))
                            .optional()?
                            .flatten(),
                        _ => None,
                    };
                    items.push(DueTask {
                        participant_id: pid,
                        case_code,
                        chosen_name,
                        task: FileTask {
                            key,
                            kind,
                            due_on,
                            record_id,
                            detail,
                            assigned_to: own,
                            organization_name: org,
                        },
                        responsible: who,
                    });
                }
                Ok(TaskGroup {
                    items,
                    capped: total >= COUNT_CAP,
                    total,
                })
            };
        Ok(Today {
            today: today.to_string(),
            overdue: group(None, today, true)?,
            due_today: group(Some(today), today, false)?,
            this_week: group(Some(today + Days::new(1)), week_end, false)?,
        })
    }

    /// A file's open tasks, whenever they are due.
    pub fn participant_tasks(&self, participant_id: &str) -> Result<Vec<FileTask>> {
        self.load_participant(participant_id)?;
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT t.key, t.kind, t.due_on, t.record_id, t.detail, s.username,
                        json_extract(d.data, '$.name')
                 FROM tasks_due t LEFT JOIN staff s ON s.id = t.assigned_to {ORGANIZATION_JOIN}
                 WHERE t.participant_id = ?1 ORDER BY t.due_on, t.key"
        ))?;
        let rows: Vec<TaskRow> = statement
            .query_map([participant_id], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(
                |(key, kind, due_on, record_id, detail, assigned_to, organization_name)| {
                    Ok(FileTask {
                        kind: TaskKind::parse(&kind)?,
                        key,
                        due_on,
                        record_id,
                        detail,
                        assigned_to,
                        organization_name,
                    })
                },
            )
            .collect()
    }
}

impl Task {
    /// Its fields, and whom it is for: a member of staff, stored by id.
    pub(crate) fn check_in(&mut self, file: &FileContext<'_>) -> Result<()> {
        self.validate()?;
        if let Some(user) = &mut self.assigned_to {
            file.staff(user, "assignedTo")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The query plan of each group's count and page, one line per step.
    fn plans(role: Role, mine: bool, shared: bool) -> Vec<String> {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrations::apply(&mut conn).unwrap();
        let (count, page) = today_sql("s1", role, mine, shared, true, 100);
        [count, page]
            .iter()
            .map(|sql| {
                conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .unwrap()
                    .query_map(params!["", "2026-06-30"], |row| row.get::<_, String>(3))
                    .unwrap()
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .unwrap()
                    .join("\n")
            })
            .collect()
    }

    /// "Only mine" walks her own tasks through the index on whom they fall to, and a
    /// caseworker's "Hoy" the tasks of her files through the index on the caseworker, never
    /// every file's tasks by date.
    #[test]
    fn hoy_for_one_person_walks_her_own_index() {
        for role in [Role::Caseworker, Role::Coordinator, Role::Admin] {
            for plan in plans(role, true, false) {
                assert!(
                    plan.contains("INDEX tasks_due_falls_to (falls_to=?"),
                    "{plan}"
                );
                assert!(!plan.contains("tasks_due_by_date"), "{plan}");
                assert!(!plan.contains("TEMP B-TREE"), "walked in order: {plan}");
            }
        }
        for shared in [false, true] {
            for plan in plans(Role::Caseworker, false, shared) {
                assert!(
                    plan.contains("INDEX tasks_due_caseworker (caseworker=?"),
                    "{plan}"
                );
                assert!(!plan.contains("tasks_due_by_date"), "{plan}");
            }
        }
        for plan in plans(Role::Coordinator, false, false) {
            assert!(plan.contains("INDEX tasks_due_by_date (open=?"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "walked in order: {plan}");
        }
        let count = &plans(Role::Coordinator, false, false)[0];
        assert!(
            count.contains("COVERING INDEX tasks_due_by_date"),
            "{count}"
        );
        assert!(!count.contains(" p "), "{count}");
        // Her own files' count reads the index alone: no file row, no table row.
        let count = &plans(Role::Caseworker, false, false)[0];
        assert!(
            count.contains("COVERING INDEX tasks_due_caseworker (caseworker=? AND open=?"),
            "{count}"
        );
        assert!(!count.contains(" p "), "{count}");
        // "Only mine" counts read no file row either.
        for role in [Role::Caseworker, Role::Coordinator, Role::Admin] {
            let count = &plans(role, true, false)[0];
            assert!(
                count.contains("tasks_due_falls_to (falls_to=? AND open=?"),
                "{count}"
            );
            assert!(!count.contains(" p "), "{count}");
        }
    }
}
