//! Crash safety of sync: the command line is killed at random moments while it exports and
//! imports. After every kill the vault opens, passes the full integrity check, and holds
//! exactly what it held before the import or what it holds after it; an export leaves either
//! no file or a whole one that imports.
//!
//! `ACOMPANA_CRASH_KILLS` sets how many kills of each kind (default 10, so `make test` stays
//! short; `make crash-loop` runs 100 of each, 200 in all).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use acompana::records::participants::NewParticipant;
use acompana::staff::Role;
use acompana::vault::{KdfChoice, LockReason, NewVault, Vault, VaultPaths};
use acompana::Country;
use rand::{Rng, SeedableRng};
use secrecy::SecretString;

const PASSWORD: &str = "clave-de-coordinadora";
const LUCIA_PASSWORD: &str = "clave-de-lucia-1";

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

fn cli(data: &Path) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("acompana"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("ACOMPANA_DATA_DIR", data)
        .env("TMPDIR", std::env::temp_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn add_women(vault: &mut Vault, from: usize, count: usize) {
    for n in from..from + count {
        vault
            .participant_add(NewParticipant {
                legal_name: format!("Mujer de Prueba {n}"),
                chosen_name: Some(format!("M{n}")),
                birth_year: Some(1980 + (n % 20) as i32),
                department: Some("Antioquia".into()),
                assign_to: None,
            })
            .unwrap();
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// What a laptop holds, as the command line reports it after signing in (which, after a
/// kill, first checks every page): the number of files it may list, or the failure.
fn held(data: &Path) -> Result<usize, String> {
    let check = cli(data)
        .args(["--user", "coordinadora2", "check"])
        .env("ACOMPANA_PASSWORD", LUCIA_PASSWORD)
        .status()
        .unwrap();
    if !check.success() {
        return Err(format!("check failed: {check}"));
    }
    let output = cli(data)
        .args([
            "--json",
            "--user",
            "coordinadora2",
            "participant",
            "list",
            "--limit",
            "100000",
        ])
        .env("ACOMPANA_PASSWORD", LUCIA_PASSWORD)
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let list: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    Ok(list.as_array().map(Vec::len).unwrap_or(0))
}

/// Starts `command` and kills it with SIGKILL `after` its start; `Err` with how long it took
/// when it finished first.
fn run_and_kill(mut command: Command, after: Duration) -> Result<(), Duration> {
    let mut child = command.spawn().unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Err(started.elapsed());
        }
        if started.elapsed() >= after {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(());
        }
        std::thread::sleep(Duration::from_micros(500));
    }
}

#[test]
fn killed_exports_and_imports_leave_whole_files_and_a_vault_before_or_after() {
    let kills: usize = std::env::var("ACOMPANA_CRASH_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let work = tempfile::tempdir().unwrap();
    let office = VaultPaths::new(work.path().join("office"));
    let (mut admin, _) = acompana::opening::create(
        &office,
        NewVault {
            org_name: "Mujeres de Prueba".into(),
            country: Country::CO,
            admin_username: "coordinadora".into(),
            admin_display_name: "Coordinadora".into(),
            admin_password: secret(PASSWORD),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    admin
        .staff_add(
            "coordinadora2",
            "Segunda Coordinadora",
            Role::Coordinator,
            &secret("clave-provisional-1"),
        )
        .unwrap();
    add_women(&mut admin, 0, 20);
    let join_file = work.path().join("laptop.join");
    let added = admin
        .device_add("coordinadora2", "Laptop dos", &join_file)
        .unwrap();
    let laptop = VaultPaths::new(work.path().join("laptop"));
    let (second, _) = acompana::opening::join(
        &laptop,
        acompana::opening::Joining {
            file: &std::fs::read(&join_file).unwrap(),
            passphrase: &added.passphrase,
            password: &secret(LUCIA_PASSWORD),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    // Its first file registers it on the office laptop.
    let mut second = second;
    let office_device = admin.device_id().to_string();
    let first = work.path().join("first.sync");
    second
        .sync_export(&first, std::slice::from_ref(&office_device), false)
        .unwrap();
    admin.sync_import(std::slice::from_ref(&first)).unwrap();
    second.lock(LockReason::Manual).unwrap();
    // A large file for the laptop: 300 more women, each with her records.
    add_women(&mut admin, 20, 300);
    let big = work.path().join("big.sync");
    admin
        .sync_export(&big, std::slice::from_ref(&added.device_id), false)
        .unwrap();
    admin.lock(LockReason::Manual).unwrap();
    let baseline = work.path().join("baseline");
    copy_dir(&laptop.dir, &baseline);
    let office_baseline = work.path().join("office-baseline");
    copy_dir(&office.dir, &office_baseline);
    let before = held(&laptop.dir).unwrap();
    let after = before + 300;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2292);

    // Imports killed at random: the laptop holds the files before or after, and importing
    // again finishes the job.
    let import = || {
        let mut import = cli(&laptop.dir);
        import
            .args(["--user", "coordinadora2", "sync", "import"])
            .arg(&big)
            .env("ACOMPANA_PASSWORD", LUCIA_PASSWORD);
        import
    };
    let mut seen_after = 0;
    kill_loop(
        &mut rng,
        kills,
        &baseline,
        &laptop.dir,
        &import,
        &mut |at| {
            let now = held(&laptop.dir).unwrap_or_else(|e| panic!("after a kill at {at:?}: {e}"));
            assert!(
                now == before || now == after,
                "after a kill at {at:?}: {now} files, neither {before} nor {after}"
            );
            if now == after {
                seen_after += 1;
            }
            assert!(import().status().unwrap().success());
            assert_eq!(held(&laptop.dir).unwrap(), after);
        },
    );
    eprintln!("import: {kills} kills, {seen_after} after the commit");

    // Exports killed at random: the office vault passes its check, and the file is absent
    // or whole (the laptop imports it).
    let out: PathBuf = work.path().join("export.sync");
    let export = || {
        let _ = std::fs::remove_file(&out);
        let mut export = cli(&office.dir);
        export
            .args(["--user", "coordinadora", "sync", "export", "--full", "--to"])
            .arg(&out)
            .env("ACOMPANA_PASSWORD", PASSWORD);
        export
    };
    let mut whole_files = 0;
    kill_loop(
        &mut rng,
        kills,
        &office_baseline,
        &office.dir,
        &export,
        &mut |at| {
            assert!(
                cli(&office.dir)
                    .args(["--user", "coordinadora", "check"])
                    .env("ACOMPANA_PASSWORD", PASSWORD)
                    .status()
                    .unwrap()
                    .success(),
                "the office vault after a kill at {at:?}"
            );
            if out.exists() {
                whole_files += 1;
                copy_dir(&baseline, &laptop.dir);
                let status = cli(&laptop.dir)
                    .args(["--user", "coordinadora2", "sync", "import"])
                    .arg(&out)
                    .env("ACOMPANA_PASSWORD", LUCIA_PASSWORD)
                    .status()
                    .unwrap();
                assert!(
                    status.success(),
                    "a file left by a kill at {at:?} is not whole"
                );
                assert_eq!(held(&laptop.dir).unwrap(), after);
            }
        },
    );
    eprintln!("export: {kills} kills, {whole_files} left a whole file");
}

/// Whether `check --full` as `user` with `password` succeeds on the vault in `data`.
fn opens(data: &Path, user: &str, password: &str) -> bool {
    cli(data)
        .args(["--user", user, "check", "--full"])
        .env("ACOMPANA_PASSWORD", password)
        .status()
        .unwrap()
        .success()
}

fn women(data: &Path, user: &str, password: &str) -> usize {
    let output = cli(data)
        .args([
            "--json",
            "--user",
            user,
            "participant",
            "list",
            "--limit",
            "100000",
        ])
        .env("ACOMPANA_PASSWORD", password)
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
    list.as_array().map(Vec::len).unwrap_or(usize::MAX)
}

/// Kills `make` (a fresh command each time) at random moments within how long it takes
/// whole, `kills` times, restoring `baseline` into `data` first; `after_kill` checks the
/// state. Every other kill aims at the last sixth of the run, where the commit, the renames
/// and the exit are: spread evenly, kills almost never land between the commit and the
/// exit, and the "after" outcome would go untested.
fn kill_loop(
    rng: &mut rand_chacha::ChaCha8Rng,
    kills: usize,
    baseline: &Path,
    data: &Path,
    make: &dyn Fn() -> Command,
    after_kill: &mut dyn FnMut(Duration),
) {
    copy_dir(baseline, data);
    let started = Instant::now();
    assert!(make().status().unwrap().success(), "the whole run fails");
    let mut whole = started.elapsed();
    let mut killed = 0;
    let mut tries = 0;
    while killed < kills {
        tries += 1;
        assert!(tries < kills * 20, "the command finishes before any kill");
        copy_dir(baseline, data);
        let span = whole.as_micros() as u64 + 1;
        let from = if killed % 2 == 1 { span - span / 6 } else { 0 };
        let at = Duration::from_micros(rng.random_range(from..span));
        if let Err(took) = run_and_kill(make(), at) {
            // Finished first: the run is quicker now than the first time; aim by this one.
            whole = took;
            continue;
        }
        killed += 1;
        after_kill(at);
    }
}

#[test]
fn killed_password_changes_re_keys_backups_and_restores_leave_a_vault_before_or_after() {
    let kills: usize = std::env::var("ACOMPANA_CRASH_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let work = tempfile::tempdir().unwrap();
    let office = VaultPaths::new(work.path().join("office"));
    let (mut admin, _) = acompana::opening::create(
        &office,
        NewVault {
            org_name: "Mujeres de Prueba".into(),
            country: Country::CO,
            admin_username: "coordinadora".into(),
            admin_display_name: "Coordinadora".into(),
            admin_password: secret(PASSWORD),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    add_women(&mut admin, 0, 200);
    admin.lock(LockReason::Manual).unwrap();
    let baseline = work.path().join("baseline");
    copy_dir(&office.dir, &baseline);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    const NEW: &str = "clave-nueva-de-coordinadora";

    // A password change: afterwards exactly one of the two passwords opens the vault.
    let mut changed = 0;
    kill_loop(
        &mut rng,
        kills,
        &baseline,
        &office.dir,
        &|| {
            let mut c = cli(&office.dir);
            c.args(["--user", "coordinadora", "passwd"])
                .env("ACOMPANA_PASSWORD", PASSWORD)
                .env("ACOMPANA_NEW_PASSWORD", NEW);
            c
        },
        &mut |at| {
            let old = opens(&office.dir, "coordinadora", PASSWORD);
            let new = !old && opens(&office.dir, "coordinadora", NEW);
            assert!(
                old || new,
                "after a kill at {at:?} neither password opens the vault"
            );
            changed += new as usize;
            let password = if old { PASSWORD } else { NEW };
            assert_eq!(women(&office.dir, "coordinadora", password), 200);
        },
    );
    eprintln!("password change: {kills} kills, {changed} after");

    // A re-key (a new recovery code): the password opens it whole, with the old keys or the
    // new ones.
    let mut rekeyed = 0;
    let slots_before = std::fs::read(baseline.join("keyslots.json")).unwrap();
    kill_loop(
        &mut rng,
        kills,
        &baseline,
        &office.dir,
        &|| {
            let mut c = cli(&office.dir);
            c.args(["--user", "coordinadora", "recovery-code"])
                .env("ACOMPANA_PASSWORD", PASSWORD);
            c
        },
        &mut |at| {
            assert!(
                opens(&office.dir, "coordinadora", PASSWORD),
                "after a kill at {at:?} the vault does not open"
            );
            assert_eq!(women(&office.dir, "coordinadora", PASSWORD), 200);
            let old_recovery =
                acompana::vault::keyslots::KeySlotFile::parse(&slots_before).unwrap();
            let now = acompana::vault::keyslots::KeySlotFile::parse(
                &std::fs::read(office.dir.join("keyslots.json")).unwrap(),
            )
            .unwrap();
            let label = old_recovery.recovery_label();
            if now.find(&label).map(|s| &s.wrapped) != old_recovery.find(&label).map(|s| &s.wrapped)
            {
                rekeyed += 1;
            }
            let leftovers: Vec<_> = std::fs::read_dir(&office.dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name.contains("rekey"))
                .collect();
            assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
        },
    );
    eprintln!("re-key: {kills} kills, {rekeyed} after");

    // A backup: the file is absent or whole.
    let backup = work.path().join("copia.age");
    let mut whole_backups = 0;
    kill_loop(
        &mut rng,
        kills,
        &baseline,
        &office.dir,
        &|| {
            let _ = std::fs::remove_file(&backup);
            let mut c = cli(&office.dir);
            c.args(["--user", "coordinadora", "backup", "create", "--to"])
                .arg(&backup)
                .env("ACOMPANA_PASSWORD", PASSWORD)
                .env("ACOMPANA_BACKUP_PASSPHRASE", "frase de la copia de prueba");
            c
        },
        &mut |at| {
            assert!(
                opens(&office.dir, "coordinadora", PASSWORD),
                "after a kill at {at:?}"
            );
            if backup.exists() {
                whole_backups += 1;
                let verified = cli(&office.dir)
                    .args(["backup", "verify"])
                    .arg(&backup)
                    .env("ACOMPANA_BACKUP_PASSPHRASE", "frase de la copia de prueba")
                    .status()
                    .unwrap();
                assert!(
                    verified.success(),
                    "a backup left by a kill at {at:?} is not whole"
                );
            }
        },
    );
    eprintln!("backup: {kills} kills, {whole_backups} whole files");

    // A restore into an empty folder: no vault, or the whole one.
    copy_dir(&baseline, &office.dir);
    let _ = std::fs::remove_file(&backup);
    let mut make_backup = cli(&office.dir);
    make_backup
        .args(["--user", "coordinadora", "backup", "create", "--to"])
        .arg(&backup)
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .env("ACOMPANA_BACKUP_PASSPHRASE", "frase de la copia de prueba");
    assert!(make_backup.status().unwrap().success());
    let target = work.path().join("restored");
    let empty = work.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let mut restored = 0;
    kill_loop(
        &mut rng,
        kills,
        &empty,
        &target,
        &|| {
            let mut c = cli(&target);
            c.args(["backup", "restore"])
                .arg(&backup)
                .env("ACOMPANA_BACKUP_PASSPHRASE", "frase de la copia de prueba");
            c
        },
        &mut |at| {
            if opens(&target, "coordinadora", PASSWORD) {
                restored += 1;
                assert_eq!(
                    women(&target, "coordinadora", PASSWORD),
                    200,
                    "kill at {at:?}"
                );
            } else {
                // No vault: the restore can simply be run again.
                let again = cli(&target)
                    .args(["backup", "restore"])
                    .arg(&backup)
                    .env("ACOMPANA_BACKUP_PASSPHRASE", "frase de la copia de prueba")
                    .status()
                    .unwrap();
                assert!(
                    again.success(),
                    "after a kill at {at:?} the folder is neither empty nor whole"
                );
                assert_eq!(women(&target, "coordinadora", PASSWORD), 200);
            }
        },
    );
    eprintln!("restore: {kills} kills, {restored} whole vaults");
}

/// The two moments that matter in a re-key and a restore, hit exactly: just before and just
/// after the new database is renamed into place.
#[test]
fn a_crash_at_the_re_key_s_and_restore_s_renames_leaves_the_old_or_the_new_vault() {
    let work = tempfile::tempdir().unwrap();
    let office = VaultPaths::new(work.path().join("office"));
    let (mut admin, code) = acompana::opening::create(
        &office,
        NewVault {
            org_name: "Mujeres de Prueba".into(),
            country: Country::CO,
            admin_username: "coordinadora".into(),
            admin_display_name: "Coordinadora".into(),
            admin_password: secret(PASSWORD),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    add_women(&mut admin, 0, 5);
    admin.lock(LockReason::Manual).unwrap();
    let old_code = code.display().to_string();
    let recovery_slot = |dir: &Path| {
        let file = acompana::vault::keyslots::KeySlotFile::parse(
            &std::fs::read(dir.join("keyslots.json")).unwrap(),
        )
        .unwrap();
        file.find(&file.recovery_label()).unwrap().wrapped
    };
    let before = recovery_slot(&office.dir);
    for (point, rekeyed) in [("rekey-before-rename", false), ("rekey-after-rename", true)] {
        let status = cli(&office.dir)
            .args(["--user", "coordinadora", "recovery-code"])
            .env("ACOMPANA_PASSWORD", PASSWORD)
            .env("ACOMPANA_CRASH_AT", point)
            .status()
            .unwrap();
        assert!(!status.success(), "{point}: the command did not stop there");
        assert!(opens(&office.dir, "coordinadora", PASSWORD), "{point}");
        assert_eq!(women(&office.dir, "coordinadora", PASSWORD), 5);
        assert_eq!(recovery_slot(&office.dir) != before, rekeyed, "{point}");
    }
    // After the re-key, the first code no longer recovers anything.
    let refused = cli(&office.dir)
        .args(["recover", "coordinadora"])
        .env("ACOMPANA_RECOVERY_CODE", &old_code)
        .env("ACOMPANA_NEW_PASSWORD", "otra-clave-de-prueba")
        .status()
        .unwrap();
    assert!(!refused.success());

    let backup = work.path().join("copia.age");
    assert!(cli(&office.dir)
        .args(["--user", "coordinadora", "backup", "create", "--to"])
        .arg(&backup)
        .env("ACOMPANA_PASSWORD", PASSWORD)
        .env("ACOMPANA_BACKUP_PASSPHRASE", "frase de la copia de prueba")
        .status()
        .unwrap()
        .success());
    for (point, whole) in [
        ("restore-before-rename", false),
        ("restore-after-rename", true),
    ] {
        let target = work.path().join(point);
        let status = cli(&target)
            .args(["backup", "restore"])
            .arg(&backup)
            .env("ACOMPANA_BACKUP_PASSPHRASE", "frase de la copia de prueba")
            .env("ACOMPANA_CRASH_AT", point)
            .status()
            .unwrap();
        assert!(!status.success(), "{point}: the command did not stop there");
        assert_eq!(opens(&target, "coordinadora", PASSWORD), whole, "{point}");
        if whole {
            assert_eq!(women(&target, "coordinadora", PASSWORD), 5);
        } else {
            assert!(cli(&target)
                .args(["backup", "restore"])
                .arg(&backup)
                .env("ACOMPANA_BACKUP_PASSPHRASE", "frase de la copia de prueba")
                .status()
                .unwrap()
                .success());
            assert_eq!(women(&target, "coordinadora", PASSWORD), 5);
        }
    }
}
