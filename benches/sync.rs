//! Benchmarks of sync between laptops on demo data (run with `cargo bench --bench sync`, or
//! `make bench`). For 1,000 and 10,000 invented women (override with
//! `ACOMPANA_BENCH_SIZES=1000,10000`), between a coordinator's laptop and a second
//! coordinator's laptop that joined it:
//!
//! - a full export (everything the other laptop may see), and its size per woman;
//! - importing it into a laptop that holds nothing of it yet;
//! - importing the same file again (recognised: it is not opened again), and the same
//!   operations in another file (opened and checked, everything already known);
//! - an incremental file of 100 changes: exported, then imported.
//!
//! Numbers are printed, never asserted: they depend on the machine.

use std::path::Path;
use std::time::{Duration, Instant};

use acompana::demo;
use acompana::records::participants::ParticipantField;
use acompana::vault::{KdfChoice, LockReason, Vault, VaultPaths};
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

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

const SECOND_PASSWORD: &str = "clave-de-la-segunda-laptop";

fn second(paths: &VaultPaths) -> Vault {
    acompana::opening::unlock(
        paths,
        "coordinacion",
        &SecretString::from(SECOND_PASSWORD.to_string()),
    )
    .unwrap()
}

fn run(size: u32) {
    let work = tempfile::tempdir().unwrap();
    let office_paths = VaultPaths::new(work.path().join("office"));
    let (mut office, _) = demo::open_or_create(&office_paths, Country::CO).unwrap();
    // The second laptop joins before the women exist, so the full file is all it gets of them.
    let join_file = work.path().join("second.join");
    let added = office
        .device_add("coordinacion", "Segunda laptop", &join_file)
        .unwrap();
    let laptop_paths = VaultPaths::new(work.path().join("laptop"));
    let (mut laptop, _) = acompana::opening::join(
        &laptop_paths,
        acompana::opening::Joining {
            file: &std::fs::read(&join_file).unwrap(),
            passphrase: &added.passphrase,
            password: &SecretString::from(SECOND_PASSWORD.to_string()),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    let office_device = office.device_id().to_string();
    let first = work.path().join("first.sync");
    laptop
        .sync_export(&first, std::slice::from_ref(&office_device), false)
        .unwrap();
    office.sync_import(std::slice::from_ref(&first)).unwrap();
    laptop.lock(LockReason::Manual).unwrap();
    let today = chrono::Local::now().date_naive();
    demo::generate(&mut office, size, 1, today, |_| {}).unwrap();

    // Full export.
    let full = work.path().join("full.sync");
    let mut exports = Vec::new();
    for _ in 0..3 {
        let (took, _) = time(|| {
            office
                .sync_export(&full, std::slice::from_ref(&added.device_id), true)
                .unwrap()
        });
        exports.push(took);
    }
    // The same operations in another file (sealed anew: other bytes).
    let full_again = work.path().join("full-again.sync");
    office
        .sync_export(&full_again, std::slice::from_ref(&added.device_id), true)
        .unwrap();
    let bytes = std::fs::metadata(&full).unwrap().len();
    let baseline = work.path().join("baseline");
    copy_dir(&laptop_paths.dir, &baseline);

    // Import into the laptop that holds none of it, then the same file again.
    let mut imports = Vec::new();
    let mut again = Vec::new();
    let mut same_operations = Vec::new();
    let mut operations = 0;
    for round in 0..3 {
        copy_dir(&baseline, &laptop_paths.dir);
        let mut laptop = second(&laptop_paths);
        let (took, report) = time(|| laptop.sync_import(std::slice::from_ref(&full)).unwrap());
        imports.push(took);
        operations = report.applied;
        let (took, report) = time(|| laptop.sync_import(std::slice::from_ref(&full)).unwrap());
        assert_eq!((report.applied, report.already_imported), (0, 1));
        again.push(took);
        let (took, report) = time(|| {
            laptop
                .sync_import(std::slice::from_ref(&full_again))
                .unwrap()
        });
        assert_eq!(report.applied, 0);
        same_operations.push(took);
        if round == 2 {
            // Tell the office what the laptop now has, for the incremental rounds.
            let back = work.path().join("back.sync");
            laptop
                .sync_export(&back, std::slice::from_ref(&office_device), false)
                .unwrap();
            office.sync_import(std::slice::from_ref(&back)).unwrap();
        }
        laptop.lock(LockReason::Manual).unwrap();
    }

    // Incremental files of 100 changes each way round.
    let ids: Vec<String> = office
        .participant_list(&acompana::records::participants::ParticipantQuery {
            limit: 300,
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .filter(|p| p.status == "open")
        .map(|p| p.id)
        .take(100)
        .collect();
    assert_eq!(ids.len(), 100);
    let mut laptop = second(&laptop_paths);
    let mut small_exports = Vec::new();
    let mut small_imports = Vec::new();
    let mut small_bytes = 0;
    for round in 0..10 {
        for (n, id) in ids.iter().enumerate() {
            office
                .participant_set(
                    id,
                    ParticipantField::ChosenName,
                    Some(&format!("Nombre {round}-{n}")),
                )
                .unwrap();
        }
        let file = work.path().join(format!("small-{round}.sync"));
        let (took, written) = time(|| {
            office
                .sync_export(&file, std::slice::from_ref(&added.device_id), false)
                .unwrap()
        });
        assert_eq!(written[0].operations, ids.len() as u64);
        small_bytes = written[0].bytes;
        small_exports.push(took);
        let (took, report) = time(|| laptop.sync_import(std::slice::from_ref(&file)).unwrap());
        assert_eq!(report.applied, ids.len() as u64);
        small_imports.push(took);
        // The laptop confirms, so the next file carries only the next changes.
        let back = work.path().join(format!("back-{round}.sync"));
        laptop
            .sync_export(&back, std::slice::from_ref(&office_device), false)
            .unwrap();
        office.sync_import(std::slice::from_ref(&back)).unwrap();
    }
    laptop.lock(LockReason::Manual).unwrap();
    office.lock(LockReason::Manual).unwrap();

    let (export, import, again, same_operations, small_export, small_import) = (
        stats(exports),
        stats(imports),
        stats(again),
        stats(same_operations),
        stats(small_exports),
        stats(small_imports),
    );
    println!("sync at {size} women ({operations} operations):");
    println!(
        "  full export           median {:>9.1} ms  p95 {:>9.1} ms  (3 runs)",
        ms(export.median),
        ms(export.p95)
    );
    println!(
        "  file size             {:.1} MiB, {:.1} KiB per woman",
        bytes as f64 / 1048576.0,
        bytes as f64 / 1024.0 / f64::from(size)
    );
    println!(
        "  import, empty laptop  median {:>9.1} ms  p95 {:>9.1} ms  (3 runs)",
        ms(import.median),
        ms(import.p95)
    );
    println!(
        "  re-import, same file  median {:>9.1} ms  p95 {:>9.1} ms  (3 runs)",
        ms(again.median),
        ms(again.p95)
    );
    println!(
        "  same changes, new file median {:>8.1} ms  p95 {:>9.1} ms  (3 runs, all known)",
        ms(same_operations.median),
        ms(same_operations.p95)
    );
    println!(
        "  100 changes: export   median {:>9.1} ms  p95 {:>9.1} ms  (10 runs, {} bytes)",
        ms(small_export.median),
        ms(small_export.p95),
        small_bytes
    );
    println!(
        "  100 changes: import   median {:>9.1} ms  p95 {:>9.1} ms  (10 runs)",
        ms(small_import.median),
        ms(small_import.p95)
    );
}

fn main() {
    // `cargo bench` passes --bench; a size given as an argument runs only that size.
    let sizes: Vec<u32> = std::env::var("ACOMPANA_BENCH_SIZES")
        .ok()
        .map(|list| {
            list.split(',')
                .filter_map(|s| s.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![1_000, 10_000]);
    for size in sizes {
        run(size);
    }
}
