//! Benchmarks of case files on demo data (run with `cargo bench --bench case_files`, or
//! `make bench`). For 1,000, 10,000 and 100,000 invented women (override with
//! `ACOMPANA_BENCH_SIZES=1000,10000`):
//!
//! - generating the demo data (women per second, size on disk);
//! - unlocking (key derivation, header and schema; it should not grow with the vault);
//! - search latency (median and 95th percentile) for partial, accent-free names, a case code
//!   and a search that finds nothing;
//! - the first page of the list, unfiltered and filtered;
//! - opening a file (her details and every record; the view is audited, so this includes a
//!   write);
//! - "Hoy" (overdue, today and this week over every file a coordinator sees, and over one
//!   caseworker's files), a Law 2292 compliance report, and directory searches;
//! - the same read workload on the encrypted database and on an unencrypted copy of it, as a
//!   ratio.
//!
//! Numbers are printed, never asserted: they depend on the machine. Each size runs in its own
//! process.

use std::time::{Duration, Instant};

use acompana::demo;
use acompana::records::directory::DirectoryQuery;
use acompana::records::needs::NeedCategory;
use acompana::records::participants::ParticipantQuery;
use acompana::records::tasks::TodayQuery;
use acompana::vault::{LockReason, Vault, VaultPaths};
use acompana::Country;
use secrecy::SecretString;

struct Stats {
    median: Duration,
    p95: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats {
        median: at(0.5),
        p95: at(0.95),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let started = Instant::now();
    let value = f();
    (started.elapsed(), value)
}

struct Reads {
    search: Stats,
    first_page: Stats,
    filtered_page: Stats,
    open_file: Stats,
    today: Stats,
    compliance: Stats,
    directory: Stats,
    total: Duration,
}

/// Where the legal-route reads point: reports to print, the day "Hoy" is asked about.
struct Targets {
    reports: Vec<(String, String)>,
    day: String,
}

/// The read workload: searches, list pages and file openings.
fn reads(vault: &mut Vault, case_codes: &[String], ids: &[String], targets: &Targets) -> Reads {
    let started = Instant::now();
    let mut searches = Vec::new();
    let mut texts: Vec<String> = ["maria jose", "gonzalez", "conceicao", "luz mar", "zzqx"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    texts.extend(case_codes.iter().take(5).cloned());
    for _ in 0..4 {
        for text in &texts {
            let (elapsed, page) = time(|| {
                vault
                    .participant_page(&ParticipantQuery {
                        text: Some(text.clone()),
                        limit: 50,
                        ..Default::default()
                    })
                    .unwrap()
            });
            assert!(text == "zzqx" || page.total > 0, "{text} finds someone");
            searches.push(elapsed);
        }
    }
    let page = |vault: &mut Vault, query: &ParticipantQuery| {
        (0..20)
            .map(|_| time(|| vault.participant_page(query).unwrap()).0)
            .collect::<Vec<_>>()
    };
    let first_page = page(
        vault,
        &ParticipantQuery {
            limit: 50,
            ..Default::default()
        },
    );
    let filtered_page = page(
        vault,
        &ParticipantQuery {
            status: Some("open".into()),
            documents_pending: Some(true),
            needs_open: Some(true),
            limit: 50,
            ..Default::default()
        },
    );
    let open_file = ids
        .iter()
        .map(|id| time(|| vault.participant_file(id).unwrap()).0)
        .collect();
    let today = (0..10)
        .map(|_| time(|| today(vault, &targets.day, false)).0)
        .collect();
    let compliance = targets
        .reports
        .iter()
        .map(|(participant, report)| {
            time(|| vault.compliance_report(participant, report).unwrap()).0
        })
        .collect();
    let mut directory = Vec::new();
    for _ in 0..4 {
        for query in directory_queries() {
            directory.push(time(|| vault.directory_search(&query).unwrap()).0);
        }
    }
    Reads {
        search: stats(searches),
        first_page: stats(first_page),
        filtered_page: stats(filtered_page),
        open_file: stats(open_file),
        today: stats(today),
        compliance: stats(compliance),
        directory: stats(directory),
        total: started.elapsed(),
    }
}

fn today(vault: &Vault, day: &str, mine: bool) -> u32 {
    let today = vault
        .tasks_today(&TodayQuery {
            today: day.to_string(),
            mine,
            limit: Some(100),
        })
        .unwrap();
    today.overdue.total + today.due_today.total + today.this_week.total
}

fn directory_queries() -> Vec<DirectoryQuery> {
    let text = |t: &str| DirectoryQuery {
        text: Some(t.into()),
        ..Default::default()
    };
    vec![
        text("fundacion"),
        text("albergue"),
        text("empleo antecedentes"),
        text("secretaria mujer antioquia"),
        DirectoryQuery {
            category: Some(NeedCategory::Housing),
            accepts_records: true,
            ..Default::default()
        },
        DirectoryQuery {
            text: Some("taller".into()),
            category: Some(NeedCategory::Employment),
            department: Some("Antioquia".into()),
            ..Default::default()
        },
    ]
}

fn print_reads(label: &str, r: &Reads) {
    println!("  {label}:");
    for (name, s) in [
        ("search (10 kinds × 4)", &r.search),
        ("first page of the list", &r.first_page),
        ("filtered first page", &r.filtered_page),
        ("open a file", &r.open_file),
        ("Hoy, every file", &r.today),
        ("compliance report", &r.compliance),
        ("directory search (6 × 4)", &r.directory),
    ] {
        println!(
            "    {name:<26} median {:>8.2} ms   p95 {:>8.2} ms",
            ms(s.median),
            ms(s.p95)
        );
    }
}

fn bench(size: u32) {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path().join("demo"));
    let (mut vault, _) = demo::open_or_create(&paths, Country::CO).unwrap();
    let anchor = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let (generation, summary) =
        time(|| demo::generate(&mut vault, size, 42, anchor, |_| {}).unwrap());
    vault.lock(LockReason::Manual).unwrap();
    let bytes = std::fs::metadata(&paths.db).unwrap().len();
    println!(
        "{size} women: demo data {:.1} s ({:.0} women/s, {} records), database {:.0} MiB ({:.1} KiB per woman)",
        generation.as_secs_f64(),
        f64::from(size) / generation.as_secs_f64(),
        summary.records,
        bytes as f64 / 1048576.0,
        bytes as f64 / 1024.0 / f64::from(size)
    );
    let password = SecretString::from(demo::DEMO_PASSWORD.to_string());
    // Unlocking reads the key slot, the header and the schema, never the whole file: it
    // should take the key derivation's time whatever the size.
    let unlocks: Vec<Duration> = (0..7)
        .map(|_| {
            let (took, vault) =
                time(|| acompana::opening::unlock(&paths, demo::DEMO_USERNAME, &password).unwrap());
            vault.lock(LockReason::Manual).unwrap();
            took
        })
        .collect();
    let unlock = stats(unlocks);
    println!(
        "  unlock: median {:.0} ms, p95 {:.0} ms (Argon2id included)",
        ms(unlock.median),
        ms(unlock.p95)
    );
    let mut keyed = acompana::opening::unlock(&paths, demo::DEMO_USERNAME, &password).unwrap();
    // Women spread over the whole list, not only the newest.
    let all = keyed
        .participant_page(&ParticipantQuery {
            limit: 500,
            ..Default::default()
        })
        .unwrap();
    let step = (all.items.len() / 50).max(1);
    let sample: Vec<_> = all.items.iter().step_by(step).take(50).collect();
    let codes: Vec<String> = sample.iter().map(|p| p.case_code.to_lowercase()).collect();
    let ids: Vec<String> = sample.iter().map(|p| p.id.clone()).collect();
    let conn = keyed.connection_for_tests();
    let reports: Vec<(String, String)> = conn
        .prepare(
            "SELECT participant_id, id FROM case_records WHERE kind = ?1
             AND deleted = 0 ORDER BY id LIMIT 20",
        )
        .unwrap()
        .query_map(
            [acompana::compact::term_code("compliance_report").unwrap()],
            |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)),
        )
        .unwrap()
        .map(|row| {
            let (owner, id) = row.unwrap();
            (
                acompana::compact::id_text(&owner).unwrap(),
                acompana::compact::id_text(&id).unwrap(),
            )
        })
        .collect();
    let organizations: u32 = conn
        .query_row(
            "SELECT count(*) FROM directory WHERE kind = 'organization'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let targets = Targets {
        reports,
        day: anchor.to_string(),
    };
    println!(
        "  Hoy on {}: {} tasks due up to a week ahead over every file; {} compliance reports sampled; {} organizations in the directory",
        targets.day,
        today(&keyed, &targets.day, false),
        targets.reports.len(),
        organizations
    );
    let plain_path = dir.path().join("plain.db");
    keyed.demo_plaintext_copy(&plain_path).unwrap();
    let mut plain = acompana::opening::unlock(&paths, demo::DEMO_USERNAME, &password).unwrap();
    let conn = rusqlite::Connection::open(&plain_path).unwrap();
    // The same settings as the vault's own connection: the two differ only by encryption.
    acompana::store::tune(&conn).unwrap();
    plain.use_demo_connection_for_benchmarks(conn).unwrap();
    // One pass to warm each database's cache, then three measured passes, alternating so
    // that neither side gets the quieter moments; the pair with the median ratio is shown.
    reads(&mut keyed, &codes, &ids, &targets);
    reads(&mut plain, &codes, &ids, &targets);
    let mut pairs: Vec<(Reads, Reads)> = (0..3)
        .map(|_| {
            let k = reads(&mut keyed, &codes, &ids, &targets);
            let p = reads(&mut plain, &codes, &ids, &targets);
            (k, p)
        })
        .collect();
    let whole = |(k, p): &(Reads, Reads)| k.total.as_secs_f64() / p.total.as_secs_f64().max(1e-9);
    let all: Vec<String> = pairs
        .iter()
        .map(|pair| format!("{:.2}", whole(pair)))
        .collect();
    pairs.sort_by(|a, b| whole(a).total_cmp(&whole(b)));
    let (keyed_reads, plain_reads) = &pairs[1];
    print_reads("encrypted (SQLCipher)", keyed_reads);
    print_reads("unencrypted copy", plain_reads);
    let ratio = |a: &Stats, b: &Stats| ms(a.median) / ms(b.median).max(1e-6);
    println!(
        "    keyed/unkeyed ratio: search {:.2}x, first page {:.2}x, filtered {:.2}x, open {:.2}x, whole workload {:.2}x (three passes: {})",
        ratio(&keyed_reads.search, &plain_reads.search),
        ratio(&keyed_reads.first_page, &plain_reads.first_page),
        ratio(&keyed_reads.filtered_page, &plain_reads.filtered_page),
        ratio(&keyed_reads.open_file, &plain_reads.open_file),
        whole(&pairs[1]),
        all.join(", ")
    );
    plain.lock(LockReason::Manual).unwrap();
    keyed.lock(LockReason::Manual).unwrap();

    // "Hoy" for one caseworker: the same query, scoped to a quarter of the files.
    let caseworker = acompana::opening::unlock(&paths, "lucia", &password).unwrap();
    // The first call after unlocking reads her index pages from disk and prepares the
    // statements; the later ones are what she sees coming back to Hoy.
    let (first, _) = time(|| today(&caseworker, &targets.day, false));
    let samples: Vec<Duration> = (0..50)
        .map(|_| time(|| today(&caseworker, &targets.day, false)).0)
        .collect();
    let (first_mine, _) = time(|| today(&caseworker, &targets.day, true));
    let mine: Vec<Duration> = (0..50)
        .map(|_| time(|| today(&caseworker, &targets.day, true)).0)
        .collect();
    let (all, only_mine) = (stats(samples), stats(mine));
    println!(
        "  Hoy for one caseworker ({} tasks): first after unlock {:.2} ms, then median {:.2} ms, p95 {:.2} ms; only hers ({} tasks): first {:.2} ms, then median {:.2} ms, p95 {:.2} ms",
        today(&caseworker, &targets.day, false),
        ms(first),
        ms(all.median),
        ms(all.p95),
        today(&caseworker, &targets.day, true),
        ms(first_mine),
        ms(only_mine.median),
        ms(only_mine.p95)
    );
    caseworker.lock(LockReason::Manual).unwrap();
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
    // SQLCipher's memory protection is process-wide and stays on once a vault is unlocked
    // (see `store::Memory`): each size runs in a process of its own, so that its demo data is
    // generated as the first-run screen and `acompana demo` generate it, in a fresh process.
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
