//! Tasks: what is overdue, due today and due this week; marking one done.

use acompana::records::tasks::{DueTask, TodayQuery};
use acompana::vault::Vault;
use clap::Subcommand;

use crate::output::{print, today, CliError};

#[derive(Subcommand, Debug)]
pub(crate) enum TasksCommand {
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

pub(crate) fn tasks(vault: &mut Vault, command: &TasksCommand, json: bool) -> Result<(), CliError> {
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
