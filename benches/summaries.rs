//! Benchmarks of anonymized summaries on demo data (run with `cargo bench --bench summaries`,
//! or `make bench`). For 1,000, 10,000 and 100,000 invented women (override with
//! `ACOMPANA_BENCH_SIZES=1000,10000`): every indicator for one quarter, internal (counted
//! afresh each time), by department, and public (its first production, which freezes every
//! table, then asked again, which reads the frozen tables). Medians and 95th percentiles;
//! numbers are printed, never asserted. Each size runs in its own process.

use std::time::{Duration, Instant};

use acompana::demo;
use acompana::summary::{Audience, Breakdown, SummaryRequest};
use acompana::vault::{LockReason, VaultPaths};
use acompana::Country;
use chrono::NaiveDate;
use secrecy::SecretString;

fn stats(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (
        at(0.5).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
    )
}

fn request(period: &str, audience: Audience, by: Option<Breakdown>) -> SummaryRequest {
    SummaryRequest {
        period: period.into(),
        to: None,
        audience,
        indicators: Vec::new(),
        by,
        k: None,
    }
}

fn bench(size: u32) {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path().join("demo"));
    let (mut vault, _) = demo::open_or_create(&paths, Country::CO).unwrap();
    let anchor = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    demo::generate(&mut vault, size, 42, anchor, |_| {}).unwrap();
    vault.lock(LockReason::Manual).unwrap();
    let password = SecretString::from(demo::DEMO_PASSWORD.to_string());
    let mut vault = acompana::opening::unlock(&paths, demo::DEMO_USERNAME, &password).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 7, 15).unwrap();
    let runs = if size >= 100_000 { 7 } else { 11 };
    let measure = |vault: &mut acompana::vault::Vault, label: &str, request: &SummaryRequest| {
        let samples: Vec<Duration> = (0..runs)
            .map(|_| {
                let started = Instant::now();
                let summary = vault.summary_on(request, today).unwrap();
                assert!(!summary.tables.is_empty());
                started.elapsed()
            })
            .collect();
        let (median, p95) = stats(samples);
        println!("  {label}: median {median:.0} ms, p95 {p95:.0} ms");
    };
    println!("{size} women:");
    measure(
        &mut vault,
        "every indicator, 2026Q2, internal",
        &request("2026Q2", Audience::Internal, None),
    );
    measure(
        &mut vault,
        "every indicator, 2026Q2, internal, by department",
        &request("2026Q2", Audience::Internal, Some(Breakdown::Department)),
    );
    measure(
        &mut vault,
        "every indicator, 2026Q1 to 2026Q2, internal",
        &SummaryRequest {
            to: Some("2026Q2".into()),
            ..request("2026Q1", Audience::Internal, None)
        },
    );
    let public = request("2026Q1", Audience::Public, None);
    let started = Instant::now();
    vault.summary_on(&public, today).unwrap();
    println!(
        "  every indicator, 2026Q1, public, first production (freezes every table): {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    measure(
        &mut vault,
        "every indicator, 2026Q1, public, asked again (frozen)",
        &public,
    );
    vault.lock(LockReason::Manual).unwrap();
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sizes: Vec<u32> = std::env::var("ACOMPANA_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    if let [size] = sizes[..] {
        bench(size);
        return;
    }
    let me = std::env::current_exe().unwrap();
    for size in sizes {
        let status = std::process::Command::new(&me)
            .args(std::env::args().skip(1))
            .env("ACOMPANA_BENCH_SIZES", size.to_string())
            .status()
            .unwrap();
        assert!(status.success(), "the {size}-woman benchmark failed");
    }
}
