//! Benchmarks of the vault (run with `cargo bench --bench vault` or `make bench`):
//!
//! 1. unlock time with the Argon2id parameters tuned on this machine, and with the floor;
//! 2. the cost of encryption: the same store workload — 100,000 inserts, 10,000 indexed
//!    look-ups and a full scan — on a SQLCipher database keyed with a raw key and on an
//!    unkeyed one, in one run, reported as a ratio.
//!
//! Numbers are printed, never asserted: they depend on the machine.

use std::time::{Duration, Instant};

use acompana::crypto::KdfParams;
use acompana::vault::{KdfChoice, LockReason, NewVault, VaultPaths};
use rusqlite::{params, Connection};
use secrecy::SecretString;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn bench_unlock(choice: KdfChoice, label: &str) {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path());
    let password = SecretString::from("clave-de-medicion".to_string());
    let (vault, _) = acompana::opening::create(
        &paths,
        NewVault {
            org_name: "Medición".into(),
            country: acompana::Country::CO,
            admin_username: "admin".into(),
            admin_display_name: "Admin".into(),
            admin_password: password.clone(),
        },
        choice,
    )
    .unwrap();
    let params = vault.check(false).unwrap().kdf;
    vault.lock(LockReason::Manual).unwrap();
    let mut samples = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let vault = acompana::opening::unlock(&paths, "admin", &password).unwrap();
        samples.push(started.elapsed());
        vault.lock(LockReason::Manual).unwrap();
    }
    println!(
        "unlock ({label}: argon2id {} MiB, {} passes, {} lane): median {:.0} ms over {} runs",
        params.memory_kib / 1024,
        params.iterations,
        params.parallelism,
        median(samples.clone()).as_secs_f64() * 1000.0,
        samples.len()
    );
}

struct Workload {
    insert: Duration,
    lookup: Duration,
    scan: Duration,
}

fn workload(conn: &mut Connection, rows: usize, lookups: usize) -> Workload {
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE people (id INTEGER PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL, born INTEGER NOT NULL);
         CREATE INDEX people_code ON people(code);",
    )
    .unwrap();
    let started = Instant::now();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare("INSERT INTO people (code, name, born) VALUES (?1, ?2, ?3)")
            .unwrap();
        for i in 0..rows {
            insert
                .execute(params![
                    format!("C-{i:07}"),
                    format!("Nombre Apellido {i}"),
                    1960 + (i % 45) as i64
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    let insert = started.elapsed();

    let started = Instant::now();
    let mut found = 0i64;
    {
        let mut lookup = conn
            .prepare("SELECT born FROM people WHERE code = ?1")
            .unwrap();
        for i in 0..lookups {
            let code = format!("C-{:07}", (i * 7919) % rows);
            found += lookup
                .query_row([code], |row| row.get::<_, i64>(0))
                .unwrap();
        }
    }
    let lookup = started.elapsed();
    assert!(found > 0);

    let started = Instant::now();
    let total: i64 = conn
        .query_row("SELECT sum(length(name) + born) FROM people", [], |row| {
            row.get(0)
        })
        .unwrap();
    let scan = started.elapsed();
    assert!(total > 0);
    Workload {
        insert,
        lookup,
        scan,
    }
}

fn bench_encryption_cost() {
    const ROWS: usize = 100_000;
    const LOOKUPS: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let mut plain = Connection::open(dir.path().join("plain.db")).unwrap();
    let mut keyed = Connection::open(dir.path().join("keyed.db")).unwrap();
    keyed
        .execute_batch("PRAGMA cipher_memory_security = ON;")
        .unwrap();
    let key = acompana::crypto::random_array::<32>();
    keyed
        .pragma_update(None, "key", format!("x'{}'", hex::encode(key)))
        .unwrap();
    // Alternate runs so that neither benefits from a warmer machine.
    let keyed_result = workload(&mut keyed, ROWS, LOOKUPS);
    let plain_result = workload(&mut plain, ROWS, LOOKUPS);
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    println!("store workload, {ROWS} rows (keyed SQLCipher vs unkeyed):");
    for (name, k, p) in [
        (
            "100,000 inserts (one transaction)",
            keyed_result.insert,
            plain_result.insert,
        ),
        (
            "10,000 indexed look-ups",
            keyed_result.lookup,
            plain_result.lookup,
        ),
        ("full scan", keyed_result.scan, plain_result.scan),
    ] {
        println!(
            "  {name:<36} keyed {:>8.1} ms   unkeyed {:>8.1} ms   ratio {:.2}x",
            k.as_secs_f64() * 1000.0,
            p.as_secs_f64() * 1000.0,
            ratio(k, p)
        );
    }
    let keyed_total = keyed_result.insert + keyed_result.lookup + keyed_result.scan;
    let plain_total = plain_result.insert + plain_result.lookup + plain_result.scan;
    println!("  total ratio {:.2}x", ratio(keyed_total, plain_total));
}

fn main() {
    // `cargo test` runs benches with --bench only when asked; keep a quick exit for `--list`.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    println!("argon2id floor: {:?}", KdfParams::MINIMUM);
    bench_unlock(KdfChoice::Tune, "tuned on this machine");
    bench_unlock(KdfChoice::Minimum, "floor");
    bench_encryption_cost();
}
