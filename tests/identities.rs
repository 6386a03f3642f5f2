//! Organization-wide identities: every vault belongs to an organization, and every laptop
//! writes its operations under a device id of its own, never copied with the vault.

mod common;

use acompana::changelog;
use acompana::records::participants::NewParticipant;
use acompana::vault::{LockReason, Vault, VaultPaths};
use common::*;

fn add_woman(vault: &mut Vault, name: &str) -> String {
    vault
        .participant_add(NewParticipant {
            legal_name: name.into(),
            chosen_name: None,
            birth_year: Some(1990),
            department: Some("Antioquia".into()),
            assign_to: None,
        })
        .unwrap()
        .id
}

fn copy_vault(from: &VaultPaths, to_dir: &std::path::Path) -> VaultPaths {
    let to = VaultPaths::new(to_dir);
    std::fs::create_dir_all(&to.dir).unwrap();
    std::fs::copy(&from.db, &to.db).unwrap();
    std::fs::copy(&from.keyslots, &to.keyslots).unwrap();
    to
}

#[test]
fn a_copied_vault_mints_its_own_device_id_and_keeps_the_organization() {
    let test = new_vault();
    let mut original = test.admin();
    let device = original.device_id().to_string();
    let organization = original.organization_id().unwrap();
    assert_eq!(organization.len(), 36);
    add_woman(&mut original, "Ana Original");
    original.lock(LockReason::Manual).unwrap();

    // Unlocking again on the same laptop keeps the device id.
    let again = test.admin();
    assert_eq!(again.device_id(), device);
    again.lock(LockReason::Manual).unwrap();

    let copy_paths = copy_vault(&test.paths, &test.dir.path().join("copia"));
    let mut copy = acompana::opening::unlock(&copy_paths, ADMIN, &secret(ADMIN_PASSWORD)).unwrap();
    assert_ne!(
        copy.device_id(),
        device,
        "a copy must not write as the original"
    );
    assert_eq!(copy.organization_id().unwrap(), organization);
    let copy_device = copy.device_id().to_string();
    let id = add_woman(&mut copy, "Beatriz Copia");
    let operations = copy.participant_operations(&id).unwrap();
    assert!(operations.iter().all(|op| op.device_id == copy_device));
    let of_copy = changelog::since(copy.connection_for_tests(), &copy_device, 0).unwrap();
    assert_eq!(of_copy[0].seq, 1, "the new device's sequence starts at 1");
    // Its first operation registers it, with sync keys of its own.
    assert_eq!(of_copy[0].record_type, "device");
    let devices = copy.device_list().unwrap();
    let this = devices.iter().find(|d| d.this_laptop).unwrap();
    assert_eq!(this.id, copy_device);
    assert!(this.registered);
    let key_of = |device: &str| -> String {
        copy.connection_for_tests()
            .query_row(
                "SELECT signing_key FROM devices WHERE id = ?1",
                [device],
                |row| row.get(0),
            )
            .unwrap()
    };
    assert_ne!(key_of(&copy_device), key_of(&device));
    assert!(operations[0].seq > 1);
    assert!(changelog::sequences_are_gap_free(copy.connection_for_tests()).unwrap());
    copy.lock(LockReason::Manual).unwrap();

    // The copy keeps its new id from then on; the original keeps its own.
    let copy = acompana::opening::unlock(&copy_paths, ADMIN, &secret(ADMIN_PASSWORD)).unwrap();
    assert_eq!(copy.device_id(), copy_device);
    copy.lock(LockReason::Manual).unwrap();
    let original = test.admin();
    assert_eq!(original.device_id(), device);
    original.lock(LockReason::Manual).unwrap();
}

#[test]
fn two_vaults_belong_to_two_organizations() {
    let first = new_vault();
    let second = new_vault();
    let a = first.admin();
    let b = second.admin();
    assert_ne!(a.organization_id().unwrap(), b.organization_id().unwrap());
    assert_ne!(a.device_id(), b.device_id());
    a.lock(LockReason::Manual).unwrap();
    b.lock(LockReason::Manual).unwrap();
}

/// The staff roster is on the change log, so every laptop learns it by sync: who joined,
/// under which username and role, and who left.
#[test]
fn the_staff_registry_is_on_the_change_log() {
    let test = new_vault();
    let mut admin = test.admin();
    let lucia = admin
        .staff_add(
            "lucia",
            "Lucía Gómez",
            acompana::staff::Role::Caseworker,
            &secret("clave-de-lucia-1"),
        )
        .unwrap();
    admin
        .staff_disable(&lucia.id, &secret(ADMIN_PASSWORD))
        .unwrap();
    let log = changelog::all(admin.connection_for_tests()).unwrap();
    let staff_ops: Vec<_> = log.iter().filter(|op| op.record_type == "staff").collect();
    assert_eq!(
        staff_ops.len(),
        3,
        "the first administrator, Lucía, and her leaving"
    );
    for op in &staff_ops {
        acompana::records::schema::check(op).unwrap();
        assert_eq!(op.participant_id, None);
    }
    let states = changelog::fold(&log);
    let her = &states[&("staff".to_string(), lucia.id.clone())];
    assert_eq!(her.fields["username"], "lucia");
    assert_eq!(her.fields["displayName"], "Lucía Gómez");
    assert_eq!(her.fields["role"], "caseworker");
    assert_eq!(her.fields["active"], false);
    let me = &states[&("staff".to_string(), admin.me().id.clone())];
    assert_eq!(me.fields["role"], "admin");
    assert_eq!(me.fields["active"], true);
    let lucia_op = staff_ops
        .iter()
        .find(|op| op.record_id == lucia.id)
        .unwrap();
    assert_eq!(
        lucia_op.author_id,
        admin.me().id,
        "the administrator who added her"
    );
    admin.lock(LockReason::Manual).unwrap();
}

/// A vault whose staff were added before the roster was on the log puts them there at the
/// next unlock, each as she is now.
#[test]
fn staff_added_before_the_roster_was_on_the_log_are_put_there_at_unlock() {
    let test = new_vault();
    test.add(
        "lucia",
        "Lucía",
        acompana::staff::Role::Caseworker,
        "clave-de-lucia-1",
    );
    let admin = test.admin();
    // As an older version left it: staff rows, no staff operations.
    let conn = admin.connection_for_tests();
    conn.execute("INSERT INTO log_purge (active) VALUES (1)", [])
        .unwrap();
    conn.execute(
        "DELETE FROM change_log WHERE record_type = ?1",
        [acompana::compact::term_code("staff").unwrap()],
    )
    .unwrap();
    conn.execute("DELETE FROM log_purge", []).unwrap();
    admin.lock(LockReason::Manual).unwrap();
    let admin = test.admin();
    let log = changelog::all(admin.connection_for_tests()).unwrap();
    let states = changelog::fold(&log);
    let on_log: Vec<&serde_json::Value> = states
        .iter()
        .filter(|((kind, _), _)| kind == "staff")
        .map(|(_, state)| &state.fields["username"])
        .collect();
    assert_eq!(on_log.len(), 2);
    assert!(on_log.contains(&&serde_json::json!("lucia")));
    // Only once.
    admin.lock(LockReason::Manual).unwrap();
    let admin = test.admin();
    let again = changelog::all(admin.connection_for_tests()).unwrap();
    assert_eq!(again.len(), log.len());
    admin.lock(LockReason::Manual).unwrap();
}

/// Records name staff by the registry's id (the same on every laptop), while the interfaces
/// keep naming her by username.
#[test]
fn records_name_staff_by_id_and_show_the_username() {
    use acompana::records::contacts::{Contact, ContactType};
    use acompana::records::record::RecordData;
    let test = new_vault();
    test.add(
        "lucia",
        "Lucía",
        acompana::staff::Role::Caseworker,
        "clave-de-lucia-1",
    );
    let mut admin = test.admin();
    let lucia_id = admin
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|m| m.username == "lucia")
        .unwrap()
        .id;
    let id = add_woman(&mut admin, "Ana Visitada");
    let contact = |team: Vec<String>| {
        RecordData::Contact(Contact {
            contact_type: ContactType::PrisonVisit,
            date: "2026-03-01".into(),
            place: Some("El Buen Pastor".into()),
            team,
            visit_id: None,
            summary: None,
        })
    };
    let saved = admin
        .record_save(&id, None, contact(vec!["lucia".into(), ADMIN.into()]))
        .unwrap();
    let RecordData::Contact(shown) = &saved.data else {
        panic!("not a contact")
    };
    let mut shown_team = shown.team.clone();
    shown_team.sort();
    assert_eq!(shown_team, [ADMIN.to_string(), "lucia".to_string()]);
    let stored =
        acompana::records::record::visible_records(admin.connection_for_tests(), Some(&id))
            .unwrap()
            .into_iter()
            .find(|r| r.id == saved.id)
            .map(|r| serde_json::Value::Object(r.fields).to_string())
            .unwrap();
    assert!(stored.contains(&lucia_id), "stored by id: {stored}");
    assert!(!stored.contains("\"lucia\""), "not by username: {stored}");
    let operation = admin
        .participant_operations(&id)
        .unwrap()
        .into_iter()
        .find(|op| op.record_id == saved.id)
        .unwrap();
    assert!(operation.value.unwrap()["team"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!(lucia_id)));
    // An id works as well as a username; anyone else is refused.
    assert!(admin
        .record_save(&id, None, contact(vec![lucia_id]))
        .is_ok());
    assert!(matches!(
        admin.record_save(&id, None, contact(vec!["nadie".into()])),
        Err(acompana::Error::InvalidInput { field: "team", .. })
    ));
    admin.lock(LockReason::Manual).unwrap();
}
