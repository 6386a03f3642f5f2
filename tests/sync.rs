//! Sync between laptops by encrypted file: joining a laptop, exporting, verified import,
//! scope, revocation, and files that are refused without changing anything.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use acompana::records::participants::{NewParticipant, ParticipantField, ParticipantQuery};
use acompana::staff::Role;
use acompana::vault::{KdfChoice, LockReason, Vault, VaultPaths};
use acompana::Error;
use common::*;

const LUCIA: &str = "lucia";
const LUCIA_PASSWORD: &str = "clave-de-lucia-1";
const MARTA: &str = "marta";

fn add_woman(vault: &mut Vault, name: &str, assign_to: Option<&str>) -> String {
    vault
        .participant_add(NewParticipant {
            legal_name: name.into(),
            chosen_name: None,
            birth_year: Some(1990),
            department: Some("Antioquia".into()),
            assign_to: assign_to.map(str::to_string),
        })
        .unwrap()
        .id
}

/// The names of the women a vault holds, whoever may see them (read from its tables).
fn names_held(vault: &Vault) -> Vec<String> {
    let conn = vault.connection_for_tests();
    let mut statement = conn
        .prepare("SELECT legal_name FROM participants ORDER BY legal_name")
        .unwrap();
    statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn listed(vault: &Vault) -> Vec<String> {
    vault
        .participant_list(&ParticipantQuery::default())
        .unwrap()
        .into_iter()
        .map(|p| p.case_code)
        .collect()
}

struct Organization {
    coordinator: TestVault,
    laptop: tempfile::TempDir,
    lucia: VaultPaths,
    mine: String,
    hers_not: String,
    lucia_device: String,
    passphrase: String,
}

/// A coordinator's vault with two caseworkers and a woman each, and Lucía's laptop joined
/// with a join file.
fn organization() -> Organization {
    let coordinator = new_vault();
    coordinator.add(LUCIA, "Lucía Gómez", Role::Caseworker, LUCIA_PASSWORD);
    coordinator.add(MARTA, "Marta Ruiz", Role::Caseworker, "clave-de-marta-1");
    let mut admin = coordinator.admin();
    let mine = add_woman(&mut admin, "Rosa Caminante", Some(LUCIA));
    let hers_not = add_woman(&mut admin, "Valentina Escondida", Some(MARTA));
    let join_file = coordinator.dir.path().join("lucia.join");
    let added = admin.device_add(LUCIA, "Laptop Lucía", &join_file).unwrap();
    assert_eq!(added.passphrase.split(' ').count(), 8);
    admin.lock(LockReason::Manual).unwrap();
    let laptop = tempfile::tempdir().unwrap();
    let lucia = VaultPaths::new(laptop.path().join("data"));
    let (vault, code) = acompana::opening::join(
        &lucia,
        acompana::opening::Joining {
            file: &std::fs::read(&join_file).unwrap(),
            passphrase: &added.passphrase,
            password: &secret(LUCIA_PASSWORD),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    assert!(!code.display().is_empty());
    assert_eq!(vault.device_id(), added.device_id);
    vault.lock(LockReason::Manual).unwrap();
    let passphrase = added.passphrase.clone();
    Organization {
        coordinator,
        laptop,
        lucia,
        mine,
        hers_not,
        lucia_device: added.device_id,
        passphrase,
    }
}

impl Organization {
    fn lucia(&self) -> Vault {
        acompana::opening::unlock(&self.lucia, LUCIA, &secret(LUCIA_PASSWORD)).unwrap()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.laptop.path().join(name)
    }
}

fn export_to(vault: &mut Vault, device: &str, path: &Path) -> u64 {
    let written = vault
        .sync_export(path, &[device.to_string()], false)
        .unwrap();
    assert_eq!(written.len(), 1);
    written[0].operations
}

#[test]
fn a_joined_laptop_holds_only_her_files_and_work_flows_both_ways() {
    let org = organization();
    let mut lucia = org.lucia();
    // She holds her woman, the roster and the registry, and nothing of Marta's woman.
    assert_eq!(names_held(&lucia), vec!["Rosa Caminante".to_string()]);
    assert_eq!(listed(&lucia).len(), 1);
    assert!(lucia.participant_show(&org.hers_not).is_err());
    let devices = lucia.device_list().unwrap();
    assert_eq!(devices.len(), 2);
    assert!(devices
        .iter()
        .any(|d| d.this_laptop && d.name == "Laptop Lucía"));
    assert!(lucia
        .staff_list()
        .unwrap()
        .iter()
        .any(|s| s.username == MARTA));
    assert_rebuilt_state_matches(&lucia, &org.mine);
    // What the list shows (documents still to get, open needs) is computed on her laptop as
    // on the coordinator's.
    let office = org.coordinator.admin();
    let summary = |vault: &Vault| {
        let found = vault
            .participant_list(&ParticipantQuery::default())
            .unwrap()
            .into_iter()
            .find(|p| p.id == org.mine)
            .unwrap();
        (found.case_code, found.documents_pending, found.needs_open)
    };
    assert_eq!(summary(&lucia), summary(&office));
    assert!(
        summary(&lucia).1 > 0,
        "a new file has documents still to get"
    );
    office.lock(LockReason::Manual).unwrap();

    // Her visit notes and an edit reach the coordinator, and prove her join secret there.
    lucia
        .participant_set(&org.mine, ParticipantField::ChosenName, Some("Rosi"))
        .unwrap();
    let coordinator_id = devices.iter().find(|d| !d.this_laptop).unwrap().id.clone();
    let to_coordinator = org.file("to-coordinator.sync");
    assert!(export_to(&mut lucia, &coordinator_id, &to_coordinator) >= 1);
    let mut admin = org.coordinator.admin();
    let report = admin
        .sync_import(std::slice::from_ref(&to_coordinator))
        .unwrap();
    assert!(report.applied >= 1, "{report:?}");
    assert_eq!(report.participants_changed.len(), 1);
    assert_eq!(report.participants_changed[0].id, org.mine);
    assert_eq!(
        admin.load_for_tests(&org.mine).chosen_name.as_deref(),
        Some("Rosi")
    );
    assert_rebuilt_state_matches(&admin, &org.mine);
    let registered = admin.device_list().unwrap();
    assert!(registered
        .iter()
        .any(|d| d.id == org.lucia_device && d.registered && d.last_heard.is_some()));

    // The same file again changes nothing: it is recognised.
    let again = admin
        .sync_import(std::slice::from_ref(&to_coordinator))
        .unwrap();
    assert_eq!((again.applied, again.already_imported), (0, 1));

    // The coordinator's edit comes back; the registration (her keys) reaches her laptop too.
    admin
        .participant_set(&org.mine, ParticipantField::Department, Some("Caldas"))
        .unwrap();
    let to_lucia = org.file("to-lucia.sync");
    export_to(&mut admin, &org.lucia_device, &to_lucia);
    let report = lucia.sync_import(std::slice::from_ref(&to_lucia)).unwrap();
    assert!(report.applied >= 1);
    assert_eq!(
        lucia.load_for_tests(&org.mine).department.as_deref(),
        Some("Caldas")
    );
    assert!(lucia
        .device_list()
        .unwrap()
        .iter()
        .any(|d| d.this_laptop && d.registered));
    assert_rebuilt_state_matches(&lucia, &org.mine);
    // Until her laptop confirms what it has (its knowledge, in its next file), the same
    // operations are sent again; once it has, an export carries only what is new.
    let unconfirmed = org.file("unconfirmed.sync");
    assert_eq!(
        export_to(&mut admin, &org.lucia_device, &unconfirmed),
        report.applied
    );
    let confirm = org.file("confirm.sync");
    assert_eq!(export_to(&mut lucia, &coordinator_id, &confirm), 0);
    admin.sync_import(&[confirm]).unwrap();
    let nothing_new = org.file("again.sync");
    assert_eq!(export_to(&mut admin, &org.lucia_device, &nothing_new), 0);
    assert_eq!(
        lucia
            .sync_import(&[unconfirmed, nothing_new])
            .unwrap()
            .applied,
        0
    );

    // A field emptied (a null value) and a share withdrawn (a delete that names what it
    // deletes) travel too.
    admin
        .participant_set(&org.mine, ParticipantField::ChosenName, None)
        .unwrap();
    admin.participant_share(&org.mine, MARTA, true).unwrap();
    admin.participant_share(&org.mine, MARTA, false).unwrap();
    let emptied = org.file("emptied.sync");
    export_to(&mut admin, &org.lucia_device, &emptied);
    lucia.sync_import(std::slice::from_ref(&emptied)).unwrap();
    assert_eq!(lucia.load_for_tests(&org.mine).chosen_name, None);
    assert_rebuilt_state_matches(&lucia, &org.mine);

    // Reassigned away from her: the next file withdraws it and her laptop purges it.
    admin.participant_assign(&org.mine, Some(MARTA)).unwrap();
    let withdraw = org.file("withdraw.sync");
    export_to(&mut admin, &org.lucia_device, &withdraw);
    let report = lucia.sync_import(&[withdraw]).unwrap();
    assert_eq!(report.purged, 1, "{report:?}");
    assert!(names_held(&lucia).is_empty());
    let conn = lucia.connection_for_tests();
    let about_her: i64 = conn
        .query_row(
            "SELECT count(*) FROM change_log WHERE participant_id = ?1",
            [acompana::compact::id_bytes(&org.mine).as_slice()],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(about_her, 0);
}

#[test]
fn refused_files_change_nothing_and_say_why() {
    let org = organization();
    let mut lucia = org.lucia();
    let coordinator_id = lucia
        .device_list()
        .unwrap()
        .into_iter()
        .find(|d| !d.this_laptop)
        .unwrap()
        .id;
    let good = org.file("good.sync");
    export_to(&mut lucia, &coordinator_id, &good);
    lucia.lock(LockReason::Manual).unwrap();

    let refusal = |vault: &mut Vault, path: &Path| match vault.sync_import(&[path.to_path_buf()]) {
        Err(Error::SyncRefused(reason)) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    };
    let admin = org.coordinator.admin();
    admin.lock(LockReason::Manual).unwrap();
    let before = org.coordinator.snapshot();

    // A flipped byte, a cut file, a file that is not a sync file.
    let cases: Vec<(Vec<u8>, &str)> = {
        let bytes = std::fs::read(&good).unwrap();
        let mut flipped = bytes.clone();
        let at = flipped.len() - 40;
        flipped[at] ^= 1;
        vec![
            (flipped, "sync_damaged"),
            (bytes[..bytes.len() - 100].to_vec(), "sync_truncated"),
            (
                b"hola, esto no es un archivo".to_vec(),
                "sync_not_a_sync_file",
            ),
        ]
    };
    for (bytes, reason) in cases {
        let path = org.file("bad.sync");
        std::fs::write(&path, bytes).unwrap();
        let mut admin = org.coordinator.admin();
        let found = refusal(&mut admin, &path);
        admin.lock(LockReason::Manual).unwrap();
        assert!(
            found == reason || (reason == "sync_truncated" && found == "sync_damaged"),
            "{reason}: {found}"
        );
    }
    // Locking writes the session mark and audit; compare the database's content instead of
    // its bytes: nothing from the file was applied.
    let mut admin = org.coordinator.admin();
    assert!(admin
        .participant_list(&ParticipantQuery::default())
        .unwrap()
        .iter()
        .all(|p| p.chosen_name.is_none()));
    assert!(!admin
        .device_list()
        .unwrap()
        .iter()
        .any(|d| d.id == org.lucia_device && d.registered));

    // Another organization's laptop cannot read or send to this one.
    let other = new_vault_named("Otra organización", "Otra Coordinadora");
    let mut stranger = other.admin();
    let stranger_file = org.file("stranger.join");
    let added = stranger
        .device_add(ADMIN, "Laptop ajena", &stranger_file)
        .unwrap();
    drop(added);
    assert_eq!(
        refusal(&mut admin, &stranger_file),
        "sync_not_for_this_device"
    );

    // The good file is accepted; once the laptop is revoked, its files are refused.
    admin.sync_import(std::slice::from_ref(&good)).unwrap();
    admin
        .device_revoke(&org.lucia_device, &secret(ADMIN_PASSWORD))
        .unwrap();
    let mut lucia = org.lucia();
    let late = org.file("late.sync");
    lucia
        .participant_set(&org.mine, ParticipantField::ChosenName, Some("Rosa María"))
        .unwrap();
    let coordinator_id = lucia_coordinator(&lucia);
    export_to(&mut lucia, &coordinator_id, &late);
    assert_eq!(refusal(&mut admin, &late), "sync_device_revoked");
    assert_eq!(refusal(&mut admin, &good), "sync_device_revoked");
    drop(before);
}

fn lucia_coordinator(lucia: &Vault) -> String {
    lucia
        .device_list()
        .unwrap()
        .into_iter()
        .find(|d| !d.this_laptop)
        .unwrap()
        .id
}

#[test]
fn a_join_file_needs_its_passphrase_and_works_once() {
    let coordinator = new_vault();
    coordinator.add(LUCIA, "Lucía Gómez", Role::Caseworker, LUCIA_PASSWORD);
    let mut admin = coordinator.admin();
    let join_file = coordinator.dir.path().join("lucia.join");
    let added = admin.device_add(LUCIA, "Laptop Lucía", &join_file).unwrap();
    let bytes = std::fs::read(&join_file).unwrap();
    let laptop = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(laptop.path().join("data"));
    let wrong = acompana::opening::join(
        &paths,
        acompana::opening::Joining {
            file: &bytes,
            passphrase: "luna sol mar rio pan sal oro luz",
            password: &secret(LUCIA_PASSWORD),
        },
        KdfChoice::Minimum,
    );
    assert!(matches!(
        wrong,
        Err(Error::SyncRefused("sync_wrong_passphrase"))
    ));
    assert!(!paths.exists(), "a refused join leaves no vault behind");
    // Typed with other spacing and capitals, the passphrase still works.
    let typed = added.passphrase.to_uppercase().replace(' ', "  ");
    let (vault, _) = acompana::opening::join(
        &paths,
        acompana::opening::Joining {
            file: &bytes,
            passphrase: &typed,
            password: &secret(LUCIA_PASSWORD),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    assert_eq!(vault.me().username, LUCIA);
    assert_eq!(vault.me().role, Role::Caseworker);
    assert_eq!(
        vault.organization_id().unwrap(),
        admin.organization_id().unwrap()
    );
}

fn coordinator_device(admin: &Vault) -> String {
    admin
        .device_list()
        .unwrap()
        .into_iter()
        .find(|d| d.this_laptop)
        .unwrap()
        .id
}

/// Exchanges files both ways until both laptops have what the other has.
fn exchange(org: &Organization, admin: &mut Vault, lucia: &mut Vault, round: &str) {
    let up = org.file(&format!("{round}-up.sync"));
    let down = org.file(&format!("{round}-down.sync"));
    export_to(lucia, &coordinator_device(admin), &up);
    admin.sync_import(std::slice::from_ref(&up)).unwrap();
    export_to(admin, &org.lucia_device, &down);
    lucia.sync_import(std::slice::from_ref(&down)).unwrap();
}

#[test]
fn concurrent_edits_are_kept_as_a_conflict_until_settled_everywhere() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    // Both change her department without seeing the other's change.
    admin
        .participant_set(&org.mine, ParticipantField::Department, Some("Caldas"))
        .unwrap();
    lucia
        .participant_set(&org.mine, ParticipantField::Department, Some("Risaralda"))
        .unwrap();
    exchange(&org, &mut admin, &mut lucia, "second");
    // Both laptops agree on the value, and both list the loser.
    let here = admin.load_for_tests(&org.mine).department;
    assert_eq!(lucia.load_for_tests(&org.mine).department, here);
    let conflicts = admin.conflicts_list().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let on_her_laptop = lucia.conflicts_list().unwrap();
    assert_eq!(on_her_laptop.len(), 1);
    assert_eq!(on_her_laptop[0].id, conflicts[0].id);
    assert_eq!(on_her_laptop[0].kept.op_id, conflicts[0].kept.op_id);
    assert_eq!(on_her_laptop[0].other.value, conflicts[0].other.value);
    let conflict = &conflicts[0];
    assert_eq!(conflict.field, "department");
    assert_eq!(
        conflict.case_code.as_deref(),
        Some(admin.load_for_tests(&org.mine).case_code.as_str())
    );
    let values = [conflict.kept.value.clone(), conflict.other.value.clone()];
    assert!(values.contains(&Some("\"Caldas\"".into())));
    assert!(values.contains(&Some("\"Risaralda\"".into())));
    // The coordinator keeps the value that lost; the next sync settles it on her laptop too.
    admin
        .conflicts_resolve(&conflict.id, &conflict.other.op_id)
        .unwrap();
    let kept = conflict.other.value.clone().unwrap();
    assert_eq!(
        serde_json::to_string(&admin.load_for_tests(&org.mine).department).unwrap(),
        kept
    );
    assert!(admin.conflicts_list().unwrap().is_empty());
    exchange(&org, &mut admin, &mut lucia, "third");
    assert!(lucia.conflicts_list().unwrap().is_empty());
    assert_eq!(
        serde_json::to_string(&lucia.load_for_tests(&org.mine).department).unwrap(),
        kept
    );
    assert_rebuilt_state_matches(&lucia, &org.mine);
    assert_rebuilt_state_matches(&admin, &org.mine);
}

#[test]
fn an_erased_woman_leaves_every_laptop_and_cannot_come_back() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    // A file from her laptop that still carries the woman's data, sent before the erasure.
    lucia
        .participant_set(&org.mine, ParticipantField::ChosenName, Some("Rosi"))
        .unwrap();
    let old = org.file("old.sync");
    export_to(&mut lucia, &coordinator_device(&admin), &old);

    assert!(
        lucia
            .participant_erase(&org.mine, "a pedido de ella")
            .is_err(),
        "caseworkers do not erase"
    );
    // The app's confirmation: her case code typed, in any case; another code changes nothing.
    let code = admin.participant_show(&org.mine).unwrap().case_code;
    let error = admin
        .participant_erase_confirmed(&org.mine, "CO-XXXX-XXXX", "a pedido de ella")
        .unwrap_err();
    assert_eq!(error.field(), Some("caseCode"));
    assert!(admin.participant_show(&org.mine).is_ok());
    assert_eq!(
        lucia
            .participant_erase_confirmed(&org.mine, &code, "a pedido de ella")
            .unwrap_err()
            .code(),
        acompana::ErrorCode::Forbidden
    );
    admin
        .participant_erase_confirmed(
            &org.mine,
            &format!(" {} ", code.to_lowercase()),
            "a pedido de ella",
        )
        .unwrap();
    assert!(names_held(&admin) == vec!["Valentina Escondida".to_string()]);
    assert!(admin.participant_show(&org.mine).is_err());
    let conn = admin.connection_for_tests();
    let about_her: i64 = conn
        .query_row(
            "SELECT count(*) FROM change_log WHERE participant_id = ?1",
            [acompana::compact::id_bytes(&org.mine).as_slice()],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(about_her, 0);

    // The old file arrives after the erasure: its operations about her are dropped.
    let report = admin.sync_import(std::slice::from_ref(&old)).unwrap();
    assert!(report.dropped_erased >= 1, "{report:?}");
    assert!(admin.participant_show(&org.mine).is_err());
    assert!(admin
        .audit_list(0, 100)
        .unwrap()
        .iter()
        .any(|e| e.action == acompana::audit::AuditAction::SyncOperationsDropped));

    // The marker reaches her laptop, which purges her.
    let down = org.file("erasure.sync");
    export_to(&mut admin, &org.lucia_device, &down);
    let report = lucia.sync_import(std::slice::from_ref(&down)).unwrap();
    assert_eq!(report.erased, 1, "{report:?}");
    assert!(names_held(&lucia).is_empty());
    assert!(lucia.participant_show(&org.mine).is_err());
    let searched = lucia
        .participant_list(&ParticipantQuery {
            text: Some("Rosa".into()),
            ..ParticipantQuery::default()
        })
        .unwrap();
    assert!(searched.is_empty());
}

#[test]
fn a_sync_folder_carries_work_both_ways_and_ignores_what_is_not_for_it() {
    let org = organization();
    let folder = org.laptop.path().join("carpeta");
    std::fs::create_dir_all(&folder).unwrap();
    let mut admin = org.coordinator.admin();
    let mut lucia = org.lucia();
    lucia
        .participant_set(&org.mine, ParticipantField::ChosenName, Some("Rosi"))
        .unwrap();
    let first = lucia.sync_folder(&folder).unwrap();
    assert_eq!(first.exported.len(), 1);
    // A sync engine's leftovers and a stranger's file are not read.
    let written = std::path::PathBuf::from(&first.exported[0].path);
    let name = written.file_name().unwrap().to_string_lossy().to_string();
    std::fs::write(folder.join(format!(".syncthing.{name}.tmp")), b"half").unwrap();
    std::fs::write(
        folder.join(name.replace(".sync", ".sync-conflict-20261201-101010-ABCDEFG.sync")),
        b"copy",
    )
    .unwrap();
    std::fs::write(folder.join("lista.txt"), b"nada").unwrap();
    let report = admin.sync_folder(&folder).unwrap();
    assert_eq!(report.imported.len(), 1, "{report:?}");
    assert!(report.refused.is_empty());
    assert_eq!(
        admin.load_for_tests(&org.mine).chosen_name.as_deref(),
        Some("Rosi")
    );
    // Nothing new: nothing written again, nothing read again.
    let again = admin.sync_folder(&folder).unwrap();
    assert!(again.imported.is_empty());
    assert_eq!(again.already_applied, 1);
    assert!(again.exported.is_empty(), "{again:?}");
    // Back to her laptop; no name in the folder says anything about the women.
    lucia.sync_folder(&folder).unwrap();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_lowercase();
        assert!(!name.contains("rosa") && !name.contains("rosi"));
    }
    // A damaged file is reported and the rest still applies.
    admin
        .participant_set(&org.mine, ParticipantField::Department, Some("Caldas"))
        .unwrap();
    let report = admin.sync_folder(&folder).unwrap();
    let good = std::path::PathBuf::from(&report.exported[0].path);
    let bad = folder.join(file_name_for(
        &coordinator_device(&admin),
        &org.lucia_device,
    ));
    let mut bytes = std::fs::read(&good).unwrap();
    let at = bytes.len() - 30;
    bytes[at] ^= 1;
    std::fs::write(&bad, bytes).unwrap();
    let report = lucia.sync_folder(&folder).unwrap();
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert_eq!(report.refused[0].reason, "sync_damaged");
    assert_eq!(
        lucia.load_for_tests(&org.mine).department.as_deref(),
        Some("Caldas")
    );
}

#[test]
fn a_laptop_keeps_its_own_sync_folder_and_syncs_through_it() {
    let org = organization();
    let folder = org.laptop.path().join("carpeta-compartida");
    let mut lucia = org.lucia();
    assert_eq!(lucia.sync_folder_path().unwrap(), None);
    assert!(lucia.sync_folder_now().unwrap().is_none());
    // Only an existing folder is taken, and a refusal leaves nothing set.
    let error = lucia.set_sync_folder_path(Some(&folder)).unwrap_err();
    assert_eq!(error.code(), acompana::ErrorCode::InvalidInput);
    assert_eq!(lucia.sync_folder_path().unwrap(), None);
    std::fs::create_dir_all(&folder).unwrap();
    lucia.set_sync_folder_path(Some(&folder)).unwrap();
    assert_eq!(lucia.sync_folder_path().unwrap(), Some(folder.clone()));
    lucia
        .participant_set(&org.mine, ParticipantField::ChosenName, Some("Rosi"))
        .unwrap();
    let report = lucia.sync_folder_now().unwrap().expect("a folder is set");
    assert_eq!(report.exported.len(), 1);
    assert!(std::path::Path::new(&report.exported[0].path).starts_with(&folder));
    lucia.set_sync_folder_path(None).unwrap();
    assert_eq!(lucia.sync_folder_path().unwrap(), None);
}

#[test]
fn a_file_imported_before_is_recognised_and_not_opened_again() {
    let org = organization();
    let mut lucia = org.lucia();
    lucia
        .participant_set(&org.mine, ParticipantField::ChosenName, Some("Rosa María"))
        .unwrap();
    let coordinator_id = lucia_coordinator(&lucia);
    let file = org.file("once.sync");
    export_to(&mut lucia, &coordinator_id, &file);
    // The same operations, sealed again: other bytes.
    let resealed = org.file("resealed.sync");
    let sent = export_to(&mut lucia, &coordinator_id, &resealed);
    lucia.lock(LockReason::Manual).unwrap();

    let mut admin = org.coordinator.admin();
    let first = admin.sync_import(std::slice::from_ref(&file)).unwrap();
    assert_eq!(first.already_imported, 0);
    assert!(first.applied > 0);
    let log_size = |vault: &Vault| -> i64 {
        vault
            .connection_for_tests()
            .query_row("SELECT count(*) FROM change_log", [], |row| row.get(0))
            .unwrap()
    };
    let held = log_size(&admin);

    // The very same file, twice in one import: recognised, nothing applied or counted.
    let again = admin.sync_import(&[file.clone(), file.clone()]).unwrap();
    assert_eq!(
        (
            again.files,
            again.already_imported,
            again.applied,
            again.known
        ),
        (2, 2, 0, 0),
        "{again:?}"
    );
    // Under a sync folder's name, it is passed over too.
    let folder = org.laptop.path().join("carpeta");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(
        &file,
        folder.join(file_name_for(&org.lucia_device, &coordinator_id)),
    )
    .unwrap();
    let report = admin.sync_folder(&folder).unwrap();
    assert_eq!((report.already_applied, report.imported.len()), (1, 0));

    // Another file with the same operations is opened and checked: all of it is known.
    let known = admin.sync_import(std::slice::from_ref(&resealed)).unwrap();
    assert_eq!((known.already_imported, known.applied), (0, 0));
    assert_eq!(known.known, sent);
    assert_eq!(log_size(&admin), held);
    // Once remembered, it is recognised as well.
    let report = admin.sync_import(std::slice::from_ref(&resealed)).unwrap();
    assert_eq!(report.already_imported, 1);
}

fn file_name_for(sender: &str, receiver: &str) -> String {
    format!("acompana_{sender}_{receiver}_1.sync")
}

/// The Python of the interoperability test's environment (`scripts/install-deps.sh test`).
fn python_with_pyrage() -> PathBuf {
    let python = std::env::var_os("ACOMPANA_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-tests/bin/python"));
    assert!(
        python.exists(),
        "{} is missing: run `scripts/install-deps.sh test` (make test does) to install pyrage",
        python.display()
    );
    python
}

fn run_python(script: &str, args: &[&str]) -> Vec<u8> {
    let output = std::process::Command::new(python_with_pyrage())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[test]
fn sync_files_are_plain_age_that_another_implementation_opens_and_writes() {
    let coordinator = new_vault();
    coordinator.add(LUCIA, "Lucía Gómez", Role::Caseworker, LUCIA_PASSWORD);
    let mut admin = coordinator.admin();
    add_woman(&mut admin, "Rosa Caminante", Some(LUCIA));
    let join_file = coordinator.dir.path().join("lucia.join");
    let added = admin.device_add(LUCIA, "Laptop Lucía", &join_file).unwrap();
    // A join file opens with its passphrase in pyrage, and holds a sync frame.
    let plaintext = run_python(
        "import sys, pyrage; \
         data = open(sys.argv[1], 'rb').read(); \
         sys.stdout.buffer.write(pyrage.passphrase.decrypt(data, sys.argv[2]))",
        &[join_file.to_str().unwrap(), &added.passphrase],
    );
    assert!(plaintext.starts_with(acompana::sync::manifest::MAGIC));
    let frame = acompana::sync::Frame::read(&plaintext).unwrap();
    assert_eq!(frame.manifest.kind, acompana::sync::FileKind::Join);

    // A changes file opens with the receiving laptop's key in pyrage; the frame pyrage got,
    // encrypted again by pyrage to the same laptop, is imported here like any other.
    let laptop = tempfile::tempdir().unwrap();
    let lucia_paths = VaultPaths::new(laptop.path().join("data"));
    let (mut lucia, _) = acompana::opening::join(
        &lucia_paths,
        acompana::opening::Joining {
            file: &std::fs::read(&join_file).unwrap(),
            passphrase: &added.passphrase,
            password: &secret(LUCIA_PASSWORD),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    let first = laptop.path().join("first.sync");
    export_to(&mut lucia, &coordinator_device(&admin), &first);
    admin.sync_import(std::slice::from_ref(&first)).unwrap();
    let id = add_woman(&mut admin, "Carmen Nueva", Some(LUCIA));
    let by_us = laptop.path().join("by-us.sync");
    export_to(&mut admin, &added.device_id, &by_us);
    let secret_key: String = lucia
        .connection_for_tests()
        .query_row(
            "SELECT age_identity FROM device_keys WHERE device_id = ?1",
            [&added.device_id],
            |row| row.get(0),
        )
        .unwrap();
    let recipient: String = admin
        .connection_for_tests()
        .query_row(
            "SELECT age_recipient FROM devices WHERE id = ?1",
            [&added.device_id],
            |row| row.get(0),
        )
        .unwrap();
    let by_pyrage = laptop.path().join("by-pyrage.sync");
    run_python(
        "import sys, pyrage; \
         data = open(sys.argv[1], 'rb').read(); \
         frame = pyrage.decrypt(data, [pyrage.x25519.Identity.from_str(sys.argv[2])]); \
         assert frame.startswith(b'ACOMPANA-SYNC\\x00'); \
         out = pyrage.encrypt(frame, [pyrage.x25519.Recipient.from_str(sys.argv[3])]); \
         open(sys.argv[4], 'wb').write(out)",
        &[
            by_us.to_str().unwrap(),
            &secret_key,
            &recipient,
            by_pyrage.to_str().unwrap(),
        ],
    );
    let report = lucia.sync_import(&[by_pyrage]).unwrap();
    assert!(report.applied >= 1, "{report:?}");
    assert_eq!(lucia.load_for_tests(&id).legal_name, "Carmen Nueva");
}

#[test]
fn a_laptop_whose_clock_is_years_ahead_still_merges_by_what_each_change_saw() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    lucia
        .participant_set(&org.mine, ParticipantField::ChosenName, Some("Rosi"))
        .unwrap();
    // Her laptop's clock runs three years ahead: its clock never goes back, so every change
    // it makes from now on is stamped in the future.
    let three_years_ms: i64 = 3 * 365 * 24 * 3600 * 1000;
    let ahead = (chrono::Utc::now().timestamp_millis() + three_years_ms) * 65536;
    lucia
        .connection_for_tests()
        .execute(
            "UPDATE device_clock SET last_hlc = ?1 WHERE device =
                 (SELECT code FROM log_names WHERE name = ?2)",
            rusqlite::params![ahead, org.lucia_device],
        )
        .map(|changed| assert_eq!(changed, 1))
        .unwrap();
    lucia
        .participant_set(&org.mine, ParticipantField::Department, Some("Risaralda"))
        .unwrap();
    let up = org.file("ahead.sync");
    export_to(&mut lucia, &coordinator_device(&admin), &up);
    let report = admin.sync_import(std::slice::from_ref(&up)).unwrap();
    assert!(
        report.from_the_future >= 1,
        "flagged in the report: {report:?}"
    );
    assert_eq!(
        admin.load_for_tests(&org.mine).department.as_deref(),
        Some("Risaralda")
    );
    // The coordinator, with a right clock, changes it after seeing her change: hers is the
    // change it is based on, so the coordinator's wins everywhere despite the clocks.
    admin
        .participant_set(&org.mine, ParticipantField::Department, Some("Caldas"))
        .unwrap();
    exchange(&org, &mut admin, &mut lucia, "second");
    for vault in [&admin, &lucia] {
        assert_eq!(
            vault.load_for_tests(&org.mine).department.as_deref(),
            Some("Caldas")
        );
        assert!(vault.conflicts_list().unwrap().is_empty());
    }
}

/// Joins a laptop for `username` from the coordinator's vault and registers it there.
fn join_laptop(
    admin: &mut Vault,
    username: &str,
    password: &str,
    dir: &Path,
) -> (VaultPaths, String) {
    let join_file = dir.join(format!("{username}.join"));
    let added = admin
        .device_add(username, &format!("Laptop {username}"), &join_file)
        .unwrap();
    let paths = VaultPaths::new(dir.join(username));
    let (mut vault, _) = acompana::opening::join(
        &paths,
        acompana::opening::Joining {
            file: &std::fs::read(&join_file).unwrap(),
            passphrase: &added.passphrase,
            password: &secret(password),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    let first = dir.join(format!("{username}-first.sync"));
    export_to(&mut vault, &coordinator_device(admin), &first);
    admin.sync_import(std::slice::from_ref(&first)).unwrap();
    vault.lock(LockReason::Manual).unwrap();
    (paths, added.device_id)
}

/// A second administrator, Carmen, on a laptop of her own joined from the office: signed in
/// there, with the laptop's paths and device id.
fn carmens_laptop(org: &Organization, admin: &mut Vault) -> (Vault, VaultPaths, String) {
    org.coordinator
        .add("carmen", "Carmen Ríos", Role::Admin, "clave-de-carmen-1");
    let (paths, device) = join_laptop(admin, "carmen", "clave-de-carmen-1", org.laptop.path());
    let carmen = acompana::opening::unlock(&paths, "carmen", &secret("clave-de-carmen-1")).unwrap();
    (carmen, paths, device)
}

#[test]
fn a_caseworkers_laptop_does_not_vouch_for_what_it_cannot_see() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    admin
        .staff_add(
            "carmen",
            "Carmen Coordinadora",
            Role::Coordinator,
            &secret("clave-de-carmen-1"),
        )
        .unwrap();
    let (carmen_paths, carmen_device) =
        join_laptop(&mut admin, "carmen", "clave-de-carmen-1", org.laptop.path());
    let mut carmen =
        acompana::opening::unlock(&carmen_paths, "carmen", &secret("clave-de-carmen-1")).unwrap();
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    // Carmen's laptop knows Lucía's laptop from the office.
    let to_carmen = org.file("to-carmen-0.sync");
    export_to(&mut admin, &carmen_device, &to_carmen);
    carmen
        .sync_import(std::slice::from_ref(&to_carmen))
        .unwrap();

    // The office changes both women; only Lucía's reaches her laptop.
    admin
        .participant_set(&org.hers_not, ParticipantField::ChosenName, Some("Vale"))
        .unwrap();
    admin
        .participant_set(&org.mine, ParticipantField::ChosenName, Some("Rosi"))
        .unwrap();
    let down = org.file("down-1.sync");
    export_to(&mut admin, &org.lucia_device, &down);
    lucia.sync_import(std::slice::from_ref(&down)).unwrap();
    // Lucía's laptop sends to Carmen's: it carries only its own changes, and tells nothing
    // that would make Carmen's laptop skip Marta's woman's change.
    let sideways = org.file("sideways.sync");
    let carmen_device_seen_by_lucia = carmen_device.clone();
    let written = lucia
        .sync_export(&sideways, &[carmen_device_seen_by_lucia], false)
        .unwrap_or_default();
    if let Some(file) = written.first() {
        assert_eq!(
            file.operations, 0,
            "no operation of another laptop: {file:?}"
        );
        carmen.sync_import(std::slice::from_ref(&sideways)).unwrap();
    }
    // Carmen's laptop tells the office what it knows; the office then sends what it lacks.
    let back = org.file("carmen-back.sync");
    export_to(&mut carmen, &coordinator_device(&admin), &back);
    admin.sync_import(std::slice::from_ref(&back)).unwrap();
    let to_carmen = org.file("to-carmen-1.sync");
    export_to(&mut admin, &carmen_device, &to_carmen);
    carmen
        .sync_import(std::slice::from_ref(&to_carmen))
        .unwrap();
    assert_eq!(
        carmen.load_for_tests(&org.hers_not).chosen_name.as_deref(),
        Some("Vale")
    );
    assert_eq!(
        carmen.load_for_tests(&org.mine).chosen_name.as_deref(),
        Some("Rosi")
    );
}

#[test]
fn hours_logged_on_two_laptops_that_break_the_day_once_merged_are_kept_and_shown() {
    use acompana::records::community_service::{ServiceHours, ServicePlan};
    use acompana::records::directory::{Organization, OrganizationKind};
    use acompana::records::needs::NeedCategory;
    use acompana::records::record::RecordData;
    let org = organization();
    let mut admin = org.coordinator.admin();
    let library = admin
        .directory_save_organization(
            None,
            Organization {
                name: "Biblioteca Pública".into(),
                kind: OrganizationKind::PublicBody,
                categories: vec![NeedCategory::CommunityService],
                requirements: None,
                accepts_records: true,
                municipality: Some("Medellín".into()),
                department: Some("Antioquia".into()),
                address: None,
                hours: None,
                contact: None,
                verified_on: None,
            },
        )
        .unwrap()
        .id;
    let plan = admin
        .record_save(
            &org.mine,
            None,
            RecordData::ServicePlan(ServicePlan {
                application_id: None,
                receiving_entity: Some(library),
                supervisor: Some("Supervisora".into()),
                activities: Some("Apoyo en la biblioteca".into()),
                sentence_months: 48,
                hours_due_override: None,
                override_reason: None,
                hours_per_week: 20,
                hours_per_day: 5,
                schedule: None,
                start_on: "2026-01-05".into(),
                execution_judge: None,
            }),
        )
        .unwrap()
        .id;
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    let day = |vault: &mut Vault, hours: u32| {
        vault
            .record_save(
                &org.mine,
                None,
                RecordData::ServiceHours(ServiceHours {
                    plan_id: plan.clone(),
                    date: "2026-03-02".into(),
                    hours,
                    activity: "Clasificación de libros".into(),
                    verified_by: None,
                }),
            )
            .unwrap();
    };
    // Each laptop logs 5 hours for the same day: each within the rule where it was written.
    day(&mut admin, 5);
    day(&mut lucia, 5);
    let up = org.file("hours.sync");
    export_to(&mut lucia, &coordinator_device(&admin), &up);
    let report = admin.sync_import(std::slice::from_ref(&up)).unwrap();
    assert_eq!(report.rule_warnings.len(), 1, "{report:?}");
    let warning = &report.rule_warnings[0];
    assert_eq!(warning.rule, "service_hours_over_a_day");
    assert_eq!(warning.record_id, plan);
    assert_eq!(warning.detail, "2026-03-02: 10");
    // Both entries are kept.
    let file = admin.participant_file(&org.mine).unwrap();
    let logged = file
        .records
        .iter()
        .filter(|r| matches!(r.data, RecordData::ServiceHours(_)))
        .count();
    assert_eq!(logged, 2);
}

#[test]
fn a_join_secret_works_once_and_not_after_it_expires() {
    let org = organization();
    let mut lucia = org.lucia();
    let coordinator = lucia_coordinator(&lucia);
    let first = org.file("first.sync");
    export_to(&mut lucia, &coordinator, &first);
    let mut admin = org.coordinator.admin();
    // The secret expired before her first file arrived: refused, and nothing changed.
    admin
        .connection_for_tests()
        .execute("UPDATE join_secrets SET expires_ms = 0", [])
        .unwrap();
    match admin.sync_import(std::slice::from_ref(&first)) {
        Err(Error::SyncRefused(reason)) => assert_eq!(reason, "sync_join_expired"),
        other => panic!("expected sync_join_expired, got {other:?}"),
    }
    assert!(!admin
        .device_list()
        .unwrap()
        .iter()
        .any(|d| d.id == org.lucia_device && d.registered));
    // A second laptop that joined with the same file (same device id, its own keys) is not
    // taken for the first once the first has registered.
    admin
        .connection_for_tests()
        .execute("UPDATE join_secrets SET expires_ms = 9999999999999", [])
        .unwrap();
    admin.sync_import(std::slice::from_ref(&first)).unwrap();
    let used: bool = admin
        .connection_for_tests()
        .query_row("SELECT used FROM join_secrets", [], |row| row.get(0))
        .unwrap();
    assert!(used, "the secret is spent");
    let other_dir = tempfile::tempdir().unwrap();
    let other_paths = VaultPaths::new(other_dir.path().join("data"));
    let join_file = org.coordinator.dir.path().join("lucia.join");
    let (mut other, _) = acompana::opening::join(
        &other_paths,
        acompana::opening::Joining {
            file: &std::fs::read(&join_file).unwrap(),
            passphrase: &org.passphrase,
            password: &secret(LUCIA_PASSWORD),
        },
        KdfChoice::Minimum,
    )
    .unwrap();
    assert_eq!(other.device_id(), org.lucia_device);
    let impostor = other_dir.path().join("impostor.sync");
    export_to(&mut other, &coordinator, &impostor);
    match admin.sync_import(std::slice::from_ref(&impostor)) {
        Err(Error::SyncRefused(reason)) => assert_eq!(reason, "sync_bad_signature"),
        other => panic!("expected sync_bad_signature, got {other:?}"),
    }
}

#[test]
fn an_edit_made_offline_before_a_file_was_withdrawn_still_reaches_the_coordinator() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    // On a prison visit, offline, she adds to the file; meanwhile the file is reassigned.
    lucia
        .participant_set(&org.mine, ParticipantField::ChosenName, Some("Rosi"))
        .unwrap();
    admin.participant_assign(&org.mine, Some(MARTA)).unwrap();
    let down = org.file("withdraw.sync");
    export_to(&mut admin, &org.lucia_device, &down);
    let report = lucia.sync_import(std::slice::from_ref(&down)).unwrap();
    assert_eq!(report.purged, 1);
    assert!(names_held(&lucia).is_empty());
    // Her change was not lost with the file: her next file carries it.
    let up = org.file("late-edit.sync");
    export_to(&mut lucia, &coordinator_device(&admin), &up);
    admin.sync_import(std::slice::from_ref(&up)).unwrap();
    assert_eq!(
        admin.load_for_tests(&org.mine).chosen_name.as_deref(),
        Some("Rosi")
    );
    // Once the coordinator's laptop confirms it, nothing about her stays on Lucía's laptop.
    let confirm = org.file("confirm.sync");
    export_to(&mut admin, &org.lucia_device, &confirm);
    lucia.sync_import(std::slice::from_ref(&confirm)).unwrap();
    let left: i64 = lucia
        .connection_for_tests()
        .query_row(
            "SELECT count(*) FROM change_log WHERE participant_id = ?1",
            [acompana::compact::id_bytes(&org.mine).as_slice()],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn a_withdrawal_is_repeated_until_the_file_is_hers_again() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    // An older file to her laptop, kept on the stick.
    admin
        .participant_set(&org.mine, ParticipantField::ChosenName, Some("Nena"))
        .unwrap();
    let older = org.file("older.sync");
    export_to(&mut admin, &org.lucia_device, &older);
    // Reassigned away from her; the file that says so is lost on the way.
    admin.participant_assign(&org.mine, Some(MARTA)).unwrap();
    let lost = org.file("lost.sync");
    export_to(&mut admin, &org.lucia_device, &lost);
    // The coordinator's laptop remembers the withdrawal, to repeat it.
    let withdrawn = |admin: &Vault| -> bool {
        admin
            .connection_for_tests()
            .query_row(
                "SELECT withdrawn FROM sync_sent WHERE peer = ?1 AND participant_id = ?2",
                [&org.lucia_device, &org.mine],
                |row| row.get(0),
            )
            .unwrap()
    };
    assert!(withdrawn(&admin));
    // The next file withdraws it again, and her laptop purges it.
    let next = org.file("next.sync");
    export_to(&mut admin, &org.lucia_device, &next);
    let report = lucia.sync_import(std::slice::from_ref(&next)).unwrap();
    assert_eq!(report.purged, 1, "{report:?}");
    assert!(names_held(&lucia).is_empty());
    // The older file, imported late, brings nothing of her back for good: the coordinator's
    // next file withdraws her again.
    lucia.sync_import(std::slice::from_ref(&older)).unwrap();
    let again = org.file("again.sync");
    export_to(&mut admin, &org.lucia_device, &again);
    lucia.sync_import(std::slice::from_ref(&again)).unwrap();
    assert!(names_held(&lucia).is_empty());
    // Given back to her: sent whole, and no longer withdrawn.
    admin.participant_assign(&org.mine, Some(LUCIA)).unwrap();
    let back = org.file("back.sync");
    export_to(&mut admin, &org.lucia_device, &back);
    assert!(!withdrawn(&admin));
    lucia.sync_import(std::slice::from_ref(&back)).unwrap();
    assert_eq!(names_held(&lucia).len(), 1);
    assert_eq!(
        lucia.load_for_tests(&org.mine).chosen_name.as_deref(),
        Some("Nena")
    );
    // An older file that withdrew her, imported again after she was given back, is out of
    // date: her file stays.
    let report = lucia.sync_import(std::slice::from_ref(&lost)).unwrap();
    assert_eq!(report.purged, 0, "{report:?}");
    assert_eq!(names_held(&lucia).len(), 1);
}

#[test]
fn a_large_file_arrives_as_the_laptop_that_wrote_it_shows_it() {
    // Enough women that the import takes its large-file paths: records' ids read at once,
    // records folded on a second thread, counts and tasks from the records as written (which
    // debug builds compare with what reading them back gives).
    let work = tempfile::tempdir().unwrap();
    let office_paths = VaultPaths::new(work.path().join("office"));
    let (mut office, _) =
        acompana::demo::open_or_create(&office_paths, acompana::Country::CO).unwrap();
    let (laptop_paths, laptop_device) = join_laptop(
        &mut office,
        "coordinacion",
        "clave-de-la-segunda-laptop",
        work.path(),
    );
    let mut laptop = acompana::opening::unlock(
        &laptop_paths,
        "coordinacion",
        &secret("clave-de-la-segunda-laptop"),
    )
    .unwrap();
    let today = chrono::Local::now().date_naive();
    acompana::demo::generate(&mut office, 120, 11, today, |_| {}).unwrap();

    let full = work.path().join("full.sync");
    let sent = export_to(&mut office, &laptop_device, &full);
    let report = laptop.sync_import(std::slice::from_ref(&full)).unwrap();
    assert_eq!(report.applied, sent);
    assert_eq!(report.participants_changed.len(), 120);
    assert_eq!(report.conflicts, 0);

    let everyone = ParticipantQuery {
        limit: 500,
        ..Default::default()
    };
    let listed = office.participant_list(&everyone).unwrap();
    assert_eq!(listed.len(), 120);
    assert_eq!(laptop.participant_list(&everyone).unwrap(), listed);
    for woman in &listed {
        assert_eq!(
            laptop.participant_tasks(&woman.id).unwrap(),
            office.participant_tasks(&woman.id).unwrap(),
            "{}",
            woman.case_code
        );
    }
    for woman in listed.iter().step_by(10) {
        assert_rebuilt_state_matches(&laptop, &woman.id);
    }
}

#[test]
fn two_laptops_that_add_a_colleague_under_one_username_still_sync() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    let (mut carmen, carmen_paths, carmen_device) = carmens_laptop(&org, &mut admin);
    // Offline, each laptop adds a new colleague under the same username.
    admin
        .staff_add(
            "ana",
            "Ana Pérez",
            Role::Caseworker,
            &secret("clave-de-ana-uno"),
        )
        .unwrap();
    carmen
        .staff_add(
            "ana",
            "Ana Suárez",
            Role::Caseworker,
            &secret("clave-de-ana-dos"),
        )
        .unwrap();

    let up = org.file("carmen-up.sync");
    export_to(&mut carmen, &coordinator_device(&admin), &up);
    let report = admin.sync_import(std::slice::from_ref(&up)).unwrap();
    assert_eq!(report.renamed_staff.len(), 1, "{report:?}");
    assert_eq!(report.renamed_staff[0].username, "ana");
    let down = org.file("carmen-down.sync");
    export_to(&mut admin, &carmen_device, &down);
    let report = carmen.sync_import(std::slice::from_ref(&down)).unwrap();
    assert_eq!(report.renamed_staff.len(), 1, "{report:?}");

    // Both laptops know both colleagues; on each, the one added there keeps the username and
    // the other goes by it with the first characters of her id.
    let anas = |vault: &Vault| -> BTreeMap<String, String> {
        vault
            .staff_list()
            .unwrap()
            .into_iter()
            .filter(|m| m.display_name.starts_with("Ana "))
            .map(|m| (m.display_name, m.username))
            .collect()
    };
    let here = anas(&admin);
    let there = anas(&carmen);
    assert_eq!(here["Ana Pérez"], "ana");
    assert_eq!(there["Ana Suárez"], "ana");
    assert!(here["Ana Suárez"].starts_with("ana-"), "{here:?}");
    assert!(there["Ana Pérez"].starts_with("ana-"), "{there:?}");

    // Later exchanges go on, and rename no one again.
    carmen
        .participant_set(&org.mine, ParticipantField::ChosenName, Some("Rosa"))
        .unwrap();
    let up = org.file("carmen-up-2.sync");
    export_to(&mut carmen, &coordinator_device(&admin), &up);
    let report = admin.sync_import(std::slice::from_ref(&up)).unwrap();
    assert!(report.applied >= 1);
    assert!(report.renamed_staff.is_empty());
    let down = org.file("carmen-down-2.sync");
    export_to(&mut admin, &carmen_device, &down);
    let report = carmen.sync_import(std::slice::from_ref(&down)).unwrap();
    assert!(report.renamed_staff.is_empty());
    assert_eq!(anas(&admin), here);
    assert_eq!(anas(&carmen), there);
    carmen.lock(LockReason::Manual).unwrap();
    admin.lock(LockReason::Manual).unwrap();
    // Each signs in, as "ana", on the laptop where she was added.
    org.coordinator.unlock("ana", "clave-de-ana-uno").unwrap();
    acompana::opening::unlock(&carmen_paths, "ana", &secret("clave-de-ana-dos")).unwrap();
}

#[test]
fn two_women_given_one_case_code_on_two_laptops_still_sync() {
    let org = organization();
    let mut lucia = org.lucia();
    let new = add_woman(&mut lucia, "Marina Nueva", Some(LUCIA));
    let drawn = lucia.load_for_tests(&new).case_code.clone();
    let coordinator_id = lucia_coordinator(&lucia);
    let up = org.file("up.sync");
    export_to(&mut lucia, &coordinator_id, &up);

    // The coordinator's laptop drew the same code for another woman (40 random bits make it
    // rare, not impossible): set it by hand.
    let mut admin = org.coordinator.admin();
    admin
        .connection_for_tests()
        .execute(
            "UPDATE participants SET case_code = ?1 WHERE id = ?2",
            [&drawn, &org.hers_not],
        )
        .unwrap();
    let report = admin.sync_import(std::slice::from_ref(&up)).unwrap();
    let warning = report
        .rule_warnings
        .iter()
        .find(|w| w.rule == "case_code_taken")
        .unwrap_or_else(|| panic!("{report:?}"));
    assert_eq!(
        (warning.participant_id.as_str(), warning.detail.as_str()),
        (new.as_str(), drawn.as_str())
    );
    let shown = admin.load_for_tests(&new).case_code.clone();
    assert!(shown.starts_with(&format!("{drawn}-")), "{shown}");
    assert_eq!(admin.load_for_tests(&org.hers_not).case_code, drawn);
    // Found by the code she goes by here; later changes to her file keep it, unreported.
    let found = admin
        .participant_list(&ParticipantQuery {
            text: Some(shown.clone()),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, new);
    lucia
        .participant_set(&new, ParticipantField::ChosenName, Some("Mari"))
        .unwrap();
    let up = org.file("up-2.sync");
    export_to(&mut lucia, &coordinator_id, &up);
    let report = admin.sync_import(std::slice::from_ref(&up)).unwrap();
    assert!(report.applied >= 1);
    assert!(report.rule_warnings.is_empty(), "{report:?}");
    assert_eq!(admin.load_for_tests(&new).case_code, shown);
}

#[test]
fn a_file_sent_whole_in_a_lost_file_is_sent_again_though_its_sender_wrote_nothing_since() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    let (mut carmen, _, _) = carmens_laptop(&org, &mut admin);
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    assert!(!names_held(&lucia).contains(&"Valentina Escondida".to_string()));

    // On the second coordinator's laptop, Valentina's file (made long ago on the office
    // laptop) is given to Lucía; the office learns it, and writes nothing of its own.
    let office = coordinator_device(&admin);
    let from_carmen = org.file("from-carmen.sync");
    export_to(&mut carmen, &office, &from_carmen);
    admin
        .sync_import(std::slice::from_ref(&from_carmen))
        .unwrap();
    let to_carmen = org.file("to-carmen.sync");
    export_to(&mut admin, carmen.device_id(), &to_carmen);
    carmen
        .sync_import(std::slice::from_ref(&to_carmen))
        .unwrap();
    carmen
        .participant_assign(&org.hers_not, Some(LUCIA))
        .unwrap();
    export_to(&mut carmen, &office, &from_carmen);
    admin
        .sync_import(std::slice::from_ref(&from_carmen))
        .unwrap();

    // The office sends her file whole to Lucía; that file is lost. Lucía's next file tells
    // the office what she knows, which is all the office itself ever wrote.
    let lost = org.file("lost.sync");
    export_to(&mut admin, &org.lucia_device, &lost);
    let up = org.file("up.sync");
    export_to(&mut lucia, &office, &up);
    admin.sync_import(std::slice::from_ref(&up)).unwrap();

    // The next file from the office still carries her file whole.
    let down = org.file("down.sync");
    export_to(&mut admin, &org.lucia_device, &down);
    lucia.sync_import(std::slice::from_ref(&down)).unwrap();
    assert!(
        names_held(&lucia).contains(&"Valentina Escondida".to_string()),
        "{:?}",
        names_held(&lucia)
    );
    assert_rebuilt_state_matches(&lucia, &org.hers_not);
}

#[test]
fn a_caseworker_leaves_a_conflict_over_an_assignment_to_the_coordinators() {
    // Valentina's file is Marta's, and shared with Lucía. Offline, the office gives it to Lucía
    // and Carmen's laptop takes it from Marta without giving it to anyone.
    let org = organization();
    let mut admin = org.coordinator.admin();
    let (mut carmen, _, carmen_device) = carmens_laptop(&org, &mut admin);
    admin.participant_share(&org.hers_not, LUCIA, true).unwrap();
    let to_carmen = org.file("to-carmen.sync");
    export_to(&mut admin, &carmen_device, &to_carmen);
    carmen
        .sync_import(std::slice::from_ref(&to_carmen))
        .unwrap();
    admin
        .participant_assign(&org.hers_not, Some(LUCIA))
        .unwrap();
    carmen.participant_assign(&org.hers_not, None).unwrap();
    let office = coordinator_device(&admin);
    let from_carmen = org.file("from-carmen.sync");
    export_to(&mut carmen, &office, &from_carmen);
    admin
        .sync_import(std::slice::from_ref(&from_carmen))
        .unwrap();
    let on_office = admin.conflicts_list().unwrap();
    assert_eq!(on_office.len(), 1, "{on_office:?}");
    assert_eq!(on_office[0].field, "assignedTo");

    // Lucía's laptop holds her file and both assignments, but the conflict is not hers to
    // settle: her laptop would write an assignment that every other laptop refuses, and with
    // it every later file of hers.
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    assert!(names_held(&lucia).contains(&"Valentina Escondida".to_string()));
    assert!(lucia.conflicts_list().unwrap().is_empty());
    assert!(matches!(
        lucia.conflicts_resolve(&on_office[0].id, &on_office[0].other.op_id),
        Err(Error::NotFound)
    ));

    // Her work still reaches the office; the office settles the conflict, and it leaves her
    // laptop too.
    lucia
        .participant_set(&org.hers_not, ParticipantField::ChosenName, Some("Vale"))
        .unwrap();
    let up = org.file("up.sync");
    export_to(&mut lucia, &office, &up);
    let report = admin.sync_import(std::slice::from_ref(&up)).unwrap();
    assert!(report.applied >= 1, "{report:?}");
    admin
        .conflicts_resolve(&on_office[0].id, &on_office[0].kept.op_id)
        .unwrap();
    assert!(admin.conflicts_list().unwrap().is_empty());
    exchange(&org, &mut admin, &mut lucia, "second");
    assert_eq!(
        lucia.load_for_tests(&org.hers_not).chosen_name.as_deref(),
        Some("Vale")
    );
    assert_rebuilt_state_matches(&lucia, &org.hers_not);
}

#[test]
fn a_role_writes_only_what_an_importing_laptop_accepts_from_it() {
    use acompana::changelog::OpKind;
    let caseworker = Role::Caseworker;
    assert!(caseworker
        .may_write("participant", OpKind::Set, "assignedTo")
        .is_err());
    assert!(caseworker
        .may_write("participant_access", OpKind::Delete, "")
        .is_err());
    assert!(caseworker.may_write("staff", OpKind::Set, "role").is_err());
    assert!(caseworker.may_write("device", OpKind::Create, "").is_err());
    // A caseworker's laptop publishes no summary and revises no quarter.
    assert!(caseworker
        .may_write("summary_release", OpKind::Create, "")
        .is_err());
    assert!(caseworker
        .may_write("summary_revision", OpKind::Create, "")
        .is_err());
    assert!(Role::Coordinator
        .may_write("summary_release", OpKind::Create, "")
        .is_ok());
    assert!(caseworker
        .may_write("participant", OpKind::Set, "department")
        .is_ok());
    assert!(caseworker.may_write("document", OpKind::Delete, "").is_ok());
    assert!(Role::Coordinator
        .may_write("participant", OpKind::Set, "assignedTo")
        .is_ok());
    assert!(Role::Coordinator
        .may_write("staff", OpKind::Set, "role")
        .is_err());
    assert!(Role::Admin.may_write("staff", OpKind::Set, "role").is_ok());
    // Settling a conflict writes a set, or deletes or brings back the record.
    assert!(!caseworker.may_settle("participant", "assignedTo"));
    assert!(!caseworker.may_settle("participant_access", ""));
    assert!(caseworker.may_settle("participant", "department"));
    assert!(caseworker.may_settle("document", ""));
    assert!(Role::Coordinator.may_settle("participant", "assignedTo"));
}

#[test]
fn an_erasure_is_complete_once_every_laptop_has_acknowledged_it() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    admin
        .rights_add(
            &org.mine,
            acompana::records::rights::RightsKind::Erasure,
            "2026-11-02",
        )
        .unwrap();
    admin
        .participant_erase(&org.mine, "a pedido de ella")
        .unwrap();
    let pending = |admin: &Vault| {
        let list = admin.rights_list().unwrap();
        assert_eq!(list.erasures.len(), 1);
        list.erasures[0].clone()
    };
    let erasure = pending(&admin);
    assert_eq!(erasure.deadline.as_deref(), Some("2026-11-24"));
    let on_her_laptop = erasure
        .laptops
        .iter()
        .find(|l| l.device_id == org.lucia_device)
        .expect("her laptop is listed");
    assert!(!on_her_laptop.acknowledged);
    assert_eq!(on_her_laptop.staff.as_deref(), Some(LUCIA));
    assert!(erasure
        .laptops
        .iter()
        .any(|l| l.device_id == coordinator_device(&admin) && l.acknowledged));
    assert!(!erasure.complete);

    // A file from her laptop written before the marker reached it acknowledges nothing.
    let before = org.file("before.sync");
    export_to(&mut lucia, &coordinator_device(&admin), &before);
    admin.sync_import(std::slice::from_ref(&before)).unwrap();
    assert!(!pending(&admin).complete);

    // The marker reaches her laptop; her next file tells the coordinator's laptop so.
    exchange(&org, &mut admin, &mut lucia, "second");
    assert!(!pending(&admin).complete, "she has not told it yet");
    let up = org.file("after.sync");
    export_to(&mut lucia, &coordinator_device(&admin), &up);
    admin.sync_import(std::slice::from_ref(&up)).unwrap();
    let erasure = pending(&admin);
    assert!(
        erasure.laptops.iter().all(|l| l.acknowledged),
        "{erasure:?}"
    );
    assert!(erasure.complete);

    // A revoked laptop is no longer waited for.
    let lost = tempfile::tempdir().unwrap();
    let added = admin
        .device_add(MARTA, "Laptop Marta", &lost.path().join("marta.join"))
        .unwrap();
    assert!(
        !pending(&admin).complete,
        "a laptop waiting to join is waited for"
    );
    admin
        .device_revoke(&added.device_id, &secret(ADMIN_PASSWORD))
        .unwrap();
    assert!(pending(&admin).complete);
}

fn visit_note(vault: &mut Vault, her: &str, text: &str) {
    vault
        .record_save(
            her,
            None,
            acompana::records::record::RecordData::Note(acompana::records::contacts::Note {
                date: "2026-11-20".into(),
                text: text.into(),
                sensitive: false,
                contact_id: None,
            }),
        )
        .unwrap();
}

fn notes_of(vault: &mut Vault, her: &str) -> Vec<String> {
    vault
        .participant_file(her)
        .unwrap()
        .records
        .into_iter()
        .filter_map(|r| match r.data {
            acompana::records::record::RecordData::Note(n) => Some(n.text),
            _ => None,
        })
        .collect()
}

const DAY_MS: i64 = 86_400_000;

#[test]
fn a_visit_package_carries_only_its_women_and_they_leave_when_it_expires() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    let also_hers = add_woman(&mut admin, "Clara Segunda", Some(LUCIA));
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    assert_eq!(names_held(&lucia), ["Clara Segunda", "Rosa Caminante"]);
    let now = acompana::sync::visit::now_ms();
    assert!(lucia.visit_status(now).unwrap().is_none());

    // What a package may not be: a woman her colleague may not see, no day, a laptop that
    // holds every file, prepared on a laptop that does not.
    let package = org.file("visit.sync");
    let refused = |vault: &mut Vault, device: &str, ids: &[String], days: u32| {
        vault.visit_export(device, ids, days, &package).unwrap_err()
    };
    let error = refused(
        &mut admin,
        &org.lucia_device,
        std::slice::from_ref(&org.hers_not),
        7,
    );
    assert_eq!(error.field(), Some("participantIds"));
    let error = refused(
        &mut admin,
        &org.lucia_device,
        std::slice::from_ref(&org.mine),
        0,
    );
    assert_eq!(error.field(), Some("days"));
    let error = refused(&mut admin, &org.lucia_device, &[], 7);
    assert_eq!(error.field(), Some("participantIds"));
    let office = coordinator_device(&admin);
    let error = refused(&mut lucia, &office, std::slice::from_ref(&org.mine), 7);
    assert_eq!(error.field(), Some("device"));
    assert!(!package.exists());

    admin
        .visit_export(
            &org.lucia_device,
            std::slice::from_ref(&org.mine),
            7,
            &package,
        )
        .unwrap();
    let report = lucia.sync_import(std::slice::from_ref(&package)).unwrap();
    assert_eq!(report.purged, 1, "{report:?}");
    assert_eq!(
        names_held(&lucia),
        ["Rosa Caminante"],
        "only the visit's woman"
    );
    let mode = lucia.visit_status(now).unwrap().expect("in visit mode");
    assert_eq!(mode.files.len(), 1);
    assert_eq!(mode.files[0].id, org.mine);
    let expires = chrono::DateTime::parse_from_rfc3339(&mode.expires)
        .unwrap()
        .timestamp_millis();
    assert!(
        (expires - now - 7 * DAY_MS).abs() < 60_000,
        "{}",
        mode.expires
    );

    // She writes during the visit and does not sync; a day before the expiry nothing
    // changes, after it the file leaves the laptop, her note still waiting to be sent.
    visit_note(&mut lucia, &org.mine, "Visita: pide su registro civil");
    assert!(lucia.visit_check(now + 6 * DAY_MS).unwrap().is_none());
    assert_eq!(names_held(&lucia), ["Rosa Caminante"]);
    let ended = lucia.visit_check(now + 8 * DAY_MS).unwrap().expect("over");
    assert_eq!(ended.reason, acompana::sync::visit::VisitEndReason::Expired);
    assert_eq!(ended.files_purged, 1);
    assert!(names_held(&lucia).is_empty());
    assert!(lucia.visit_status(now + 8 * DAY_MS).unwrap().is_none());
    let audited: i64 = lucia
        .connection_for_tests()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'visit_ended'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);

    // Her work reaches the office, and her files come back whole at the next sync.
    exchange(&org, &mut admin, &mut lucia, "after");
    assert_eq!(
        notes_of(&mut admin, &org.mine),
        ["Visita: pide su registro civil"]
    );
    assert_eq!(names_held(&lucia), ["Clara Segunda", "Rosa Caminante"]);
    assert_eq!(
        notes_of(&mut lucia, &org.mine),
        ["Visita: pide su registro civil"]
    );
    assert!(lucia.participant_show(&also_hers).is_ok());
    assert_rebuilt_state_matches(&lucia, &org.mine);
}

#[test]
fn a_visit_ends_once_its_work_is_synced_back_and_a_new_package_replaces_the_old() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    let also_hers = add_woman(&mut admin, "Clara Segunda", Some(LUCIA));
    let mut lucia = org.lucia();
    exchange(&org, &mut admin, &mut lucia, "first");
    let package = org.file("visit.sync");
    admin
        .visit_export(
            &org.lucia_device,
            std::slice::from_ref(&org.mine),
            3,
            &package,
        )
        .unwrap();
    lucia.sync_import(std::slice::from_ref(&package)).unwrap();
    // Syncing before she wrote anything does not end it.
    exchange(&org, &mut admin, &mut lucia, "before");
    assert_eq!(names_held(&lucia), ["Rosa Caminante"]);

    // A second package replaces the first: Clara instead of Rosa.
    let second = org.file("visit-2.sync");
    admin
        .visit_export(
            &org.lucia_device,
            std::slice::from_ref(&also_hers),
            3,
            &second,
        )
        .unwrap();
    let report = lucia.sync_import(std::slice::from_ref(&second)).unwrap();
    assert!(report.visit_files_purged + report.purged >= 1, "{report:?}");
    assert_eq!(names_held(&lucia), ["Clara Segunda"]);
    let mode = lucia
        .visit_status(acompana::sync::visit::now_ms())
        .unwrap()
        .expect("in visit mode");
    assert_eq!(mode.files.len(), 1);
    assert_eq!(mode.files[0].id, also_hers);

    // Her work goes back; the office's answer confirms it and the visit ends.
    visit_note(&mut lucia, &also_hers, "Visita: habló con su hija");
    let up = org.file("back-up.sync");
    export_to(&mut lucia, &coordinator_device(&admin), &up);
    admin.sync_import(std::slice::from_ref(&up)).unwrap();
    let down = org.file("back-down.sync");
    export_to(&mut admin, &org.lucia_device, &down);
    let report = lucia.sync_import(std::slice::from_ref(&down)).unwrap();
    assert_eq!(report.visit_files_purged, 1, "{report:?}");
    assert!(names_held(&lucia).is_empty());
    assert!(lucia
        .visit_status(acompana::sync::visit::now_ms())
        .unwrap()
        .is_none());

    // The end reaches the office, which sends her files whole again.
    exchange(&org, &mut admin, &mut lucia, "after");
    assert_eq!(names_held(&lucia), ["Clara Segunda", "Rosa Caminante"]);
    assert_eq!(
        notes_of(&mut lucia, &also_hers),
        ["Visita: habló con su hija"]
    );
    assert_eq!(
        notes_of(&mut admin, &also_hers),
        ["Visita: habló con su hija"]
    );
    assert!(lucia
        .visit_status(acompana::sync::visit::now_ms())
        .unwrap()
        .is_none());
}

/// Stops `progress`'s work as soon as it starts applying changes (from another thread, as the
/// app's "Cancelar" does).
fn stop_when_applying(
    progress: std::sync::Arc<acompana::progress::Progress>,
) -> std::thread::JoinHandle<bool> {
    std::thread::spawn(move || {
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(120) {
            if progress.state().phase == acompana::progress::Phase::Applying {
                progress.cancel();
                return true;
            }
            std::thread::yield_now();
        }
        false
    })
}

#[test]
fn a_stopped_import_or_join_changes_nothing_and_can_be_done_again() {
    let org = organization();
    let mut admin = org.coordinator.admin();
    for n in 0..400 {
        add_woman(&mut admin, &format!("Mujer Numerosa {n}"), Some(LUCIA));
    }
    let mut lucia = org.lucia();
    // Her laptop's first file registers it at the office.
    let up = org.file("first-up.sync");
    export_to(&mut lucia, &coordinator_device(&admin), &up);
    admin.sync_import(std::slice::from_ref(&up)).unwrap();
    let before = names_held(&lucia);
    let count_log = |vault: &Vault| -> i64 {
        vault
            .connection_for_tests()
            .query_row("SELECT count(*) FROM change_log", [], |row| row.get(0))
            .unwrap()
    };
    let log_before = count_log(&lucia);
    let down = org.file("big.sync");
    export_to(&mut admin, &org.lucia_device, &down);

    let progress = std::sync::Arc::new(acompana::progress::Progress::default());
    lucia.watch_with(progress.clone());
    let stopper = stop_when_applying(progress.clone());
    let error = lucia.sync_import(std::slice::from_ref(&down)).unwrap_err();
    assert!(
        stopper.join().unwrap(),
        "the import never reached its applying phase"
    );
    assert_eq!(error.code(), acompana::ErrorCode::Cancelled);
    assert_eq!(names_held(&lucia), before);
    assert_eq!(count_log(&lucia), log_before);
    assert_eq!(progress.state().phase, acompana::progress::Phase::Idle);
    // Not remembered as imported: opened again, it applies whole.
    let report = lucia.sync_import(std::slice::from_ref(&down)).unwrap();
    assert_eq!(report.already_imported, 0);
    assert_eq!(names_held(&lucia).len(), before.len() + 400);

    // A join stopped while it loads leaves no vault behind.
    let join_file = org.laptop.path().join("marta.join");
    let added = admin.device_add(MARTA, "Laptop Marta", &join_file).unwrap();
    let marta = VaultPaths::new(org.laptop.path().join("marta"));
    let progress = acompana::progress::Progress::default();
    let shared = std::sync::Arc::new(progress);
    let stopper = stop_when_applying(shared.clone());
    let error = acompana::opening::join_watched(
        &marta,
        acompana::opening::Joining {
            file: &std::fs::read(&join_file).unwrap(),
            passphrase: &added.passphrase,
            password: &secret("clave-de-marta-1"),
        },
        KdfChoice::Minimum,
        &shared,
    )
    .unwrap_err();
    assert!(stopper.join().unwrap());
    assert_eq!(error.code(), acompana::ErrorCode::Cancelled);
    assert!(!marta.exists());
}

#[test]
fn a_frozen_public_summary_is_the_same_on_every_laptop() {
    use acompana::summary::{Audience, SummaryRequest};
    let org = organization();
    let mut admin = org.coordinator.admin();
    let (mut carmen, _paths, carmen_device) = carmens_laptop(&org, &mut admin);
    // Twelve women with statistics consent, on the office laptop only so far.
    for at in 0..12 {
        let her = add_woman(&mut admin, &format!("Mujer Contada {at}"), None);
        let consent = serde_json::json!({"kind": "consent", "purpose": "statistics",
            "legalBasis": "consent", "method": "written", "readAloud": true, "language": "es",
            "givenOn": "2026-10-02", "collectedBy": ADMIN});
        admin
            .record_save(&her, None, serde_json::from_value(consent).unwrap())
            .unwrap();
    }
    let public = SummaryRequest {
        period: "2026Q4".into(),
        to: None,
        audience: Audience::Public,
        indicators: vec!["legal_status".into(), "prison_visits".into()],
        by: None,
        k: None,
    };
    let in_2027 = chrono::NaiveDate::from_ymd_opt(2027, 1, 20).unwrap();
    let office = admin.summary_on(&public, in_2027).unwrap();
    // Carmen's laptop, not synced yet, freezes its own figures (no woman counted).
    let hers = carmen.summary_on(&public, in_2027).unwrap();
    assert_ne!(office.tables, hers.tables);
    // Once the laptops have exchanged files, both publish one and the same release.
    let down = org.file("summary-down.sync");
    export_to(&mut admin, &carmen_device, &down);
    carmen.sync_import(std::slice::from_ref(&down)).unwrap();
    let up = org.file("summary-up.sync");
    export_to(&mut carmen, &coordinator_device(&admin), &up);
    admin.sync_import(std::slice::from_ref(&up)).unwrap();
    // Her facts arrived with her files: the internal figures agree too.
    let internal = SummaryRequest {
        audience: Audience::Internal,
        ..public.clone()
    };
    assert_eq!(
        admin.summary_on(&internal, in_2027).unwrap().tables,
        carmen.summary_on(&internal, in_2027).unwrap().tables
    );
    let office_now = admin.summary_on(&public, in_2027).unwrap();
    let carmen_now = carmen.summary_on(&public, in_2027).unwrap();
    assert_eq!(office_now.tables, carmen_now.tables);
    assert_eq!(office_now.produced_on, carmen_now.produced_on);
    // A caseworker may not publish (an importing laptop refuses a release written by her
    // role: `Role::may_write`).
    let mut lucia = org.lucia();
    assert_eq!(
        lucia.summary_on(&public, in_2027).unwrap_err().code(),
        acompana::ErrorCode::Forbidden
    );
    lucia.lock(LockReason::Manual).unwrap();
    carmen.lock(LockReason::Manual).unwrap();
    admin.lock(LockReason::Manual).unwrap();
}

#[test]
fn an_office_laptop_restored_from_a_backup_tells_the_others_and_loses_nothing() {
    let org = organization();
    let office_device = {
        let admin = org.coordinator.admin();
        let id = admin.device_id().to_string();
        admin.lock(LockReason::Manual).unwrap();
        id
    };
    // Lucía's laptop registers itself with its first file; the office backs up.
    let mut lucia = org.lucia();
    export_to(&mut lucia, &office_device, &org.file("l1.sync"));
    let mut admin = org.coordinator.admin();
    admin.sync_import(&[org.file("l1.sync")]).unwrap();
    let backup = org.file("oficina.age");
    admin
        .backup_create(&backup, "frase de la copia de la oficina")
        .unwrap();
    // After the backup: the office adds a woman and sends her to Lucía; Lucía adds another
    // and sends her to the office. Then the office laptop is lost.
    let after_backup = add_woman(&mut admin, "Carmen Posterior", Some(LUCIA));
    export_to(&mut admin, &org.lucia_device, &org.file("o1.sync"));
    lucia.sync_import(&[org.file("o1.sync")]).unwrap();
    let hers = add_woman(&mut lucia, "Inés de Lucía", None);
    export_to(&mut lucia, &office_device, &org.file("l2.sync"));
    admin.sync_import(&[org.file("l2.sync")]).unwrap();
    admin.lock(LockReason::Manual).unwrap();

    // A new laptop for the office, restored from the backup: it writes under a new id.
    let new_office = tempfile::tempdir().unwrap();
    let restored_paths = VaultPaths::new(new_office.path().join("data"));
    acompana::backup::restore(&restored_paths, &backup, "frase de la copia de la oficina").unwrap();
    let mut restored =
        acompana::opening::unlock(&restored_paths, ADMIN, &secret(ADMIN_PASSWORD)).unwrap();
    let new_id = restored.device_id().to_string();
    assert_ne!(new_id, office_device);
    assert!(!names_held(&restored).contains(&"Carmen Posterior".to_string()));

    // Its first file tells Lucía's laptop about it; hers brings back what the backup missed.
    let first = org.file("r1.sync");
    restored
        .sync_export(&first, std::slice::from_ref(&org.lucia_device), false)
        .unwrap();
    lucia.sync_import(std::slice::from_ref(&first)).unwrap();
    assert!(lucia
        .device_list()
        .unwrap()
        .iter()
        .any(|d| d.id == new_id && !d.revoked));
    export_to(&mut lucia, &new_id, &org.file("l3.sync"));
    restored.sync_import(&[org.file("l3.sync")]).unwrap();
    let held = names_held(&restored);
    for name in ["Inés de Lucía", "Rosa Caminante"] {
        assert_eq!(
            held.iter().filter(|n| *n == name).count(),
            1,
            "{name} once on the restored office laptop: {held:?}"
        );
    }
    assert!(restored.participant_show(&hers).is_ok());
    // What the lost office wrote after its backup and sent only to a caseworker's laptop
    // does not come back from it: a laptop that holds only some files does not vouch for
    // another laptop's operations (it could forge an assignment). Daily automatic backups
    // keep that window to a day.
    assert!(!held.contains(&"Carmen Posterior".to_string()));
    assert!(lucia.participant_show(&after_backup).is_ok());
    // And what the restored office writes reaches Lucía, once.
    let later = add_woman(&mut restored, "Julia Restaurada", Some(LUCIA));
    export_to(&mut restored, &org.lucia_device, &org.file("r2.sync"));
    lucia.sync_import(&[org.file("r2.sync")]).unwrap();
    assert!(lucia.participant_show(&later).is_ok());
    let on_lucia = names_held(&lucia);
    assert_eq!(
        on_lucia.iter().filter(|n| *n == "Carmen Posterior").count(),
        1
    );
}
