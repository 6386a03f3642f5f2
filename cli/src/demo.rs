//! `demo`: a separate vault of invented women, with a progress bar.

use acompana::vault::{LockReason, VaultPaths};
use acompana::Country;
use serde::Serialize;

use crate::output::{print, CliError};

pub(crate) fn demo(
    paths: &VaultPaths,
    participants: u32,
    seed: u64,
    country: Country,
    json: bool,
) -> Result<(), CliError> {
    let (mut vault, created) = acompana::demo::open_or_create(paths, country)?;
    let bar = if json {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(u64::from(participants))
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} (eta {eta})")
            .expect("valid template"),
    );
    let anchor = chrono::Local::now().date_naive();
    let result = acompana::demo::generate(&mut vault, participants, seed, anchor, |done| {
        bar.set_position(u64::from(done))
    });
    bar.finish_and_clear();
    let locked = vault.lock(LockReason::Quit);
    let summary = result?;
    locked?;
    #[derive(Serialize)]
    struct Demo {
        data_dir: String,
        created: bool,
        username: &'static str,
        password: &'static str,
        participants: u32,
        records: u32,
    }
    let demo = Demo {
        data_dir: paths.dir.display().to_string(),
        created,
        username: acompana::demo::DEMO_USERNAME,
        password: acompana::demo::DEMO_PASSWORD,
        participants: summary.participants,
        records: summary.records,
    };
    print(json, &demo, |d| {
        format!(
            "Demo vault in {} (invented data only): added {} women and {} records.\nSign in as '{}' with the password '{}'.",
            d.data_dir, d.participants, d.records, d.username, d.password
        )
    });
    Ok(())
}
