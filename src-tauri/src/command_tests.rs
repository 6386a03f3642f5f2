//! The app's commands driven over IPC on Tauri's mock runtime, without a window: what the
//! interface can reach is what these calls can reach.

use acompana::records::participants::NewParticipant;
use acompana::session::Session;
use acompana::staff::Role;
use acompana::vault::{self, KdfChoice, LockReason, NewVault, VaultPaths};
use acompana::Country;
use secrecy::SecretString;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

use crate::{commands, AppState};

fn app(
    paths: VaultPaths,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    let app = mock_builder()
        .manage(AppState {
            session: Session::new(paths),
        })
        .invoke_handler(tauri::generate_handler![
            commands::session::session_unlock,
            commands::session::session_lock,
            commands::participants::participant_list,
            commands::participants::participant_file,
            commands::participants::participant_history,
            commands::participants::participant_share,
            commands::records::record_save,
            commands::records::note_reveal,
            commands::legal::legal_overview,
            commands::legal::compliance_report,
            commands::legal::printout_record,
            commands::directory::directory_search,
            commands::directory::directory_save_organization,
            commands::directory::directory_delete,
            commands::tasks::tasks_today,
            commands::tasks::task_complete,
            commands::demo::demo_open,
            commands::vault::vault_status,
            commands::participants::participant_erase,
            commands::sync::device_list,
            commands::sync::device_add,
            commands::sync::device_revoke,
            commands::sync::sync_save_changes,
            commands::sync::sync_open_received,
            commands::sync::conflicts_list,
            commands::sync::conflicts_resolve,
            commands::sync::vault_join,
            commands::sync::sync_folder_get,
            commands::sync::sync_folder_choose,
            commands::sync::sync_folder_clear,
            commands::sync::sync_folder_run,
            commands::rights::rights_add,
            commands::rights::rights_done,
            commands::rights::rights_list,
            commands::sync::visit_candidates,
            commands::sync::visit_prepare,
            commands::sync::visit_status,
            commands::sync::sync_progress,
            commands::sync::sync_cancel,
            commands::summary::summary_indicators,
            commands::summary::summary_produce,
            commands::summary::summary_export_csv,
        ])
        .build(mock_context(noop_assets()))
        .expect("mock app");
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock webview");
    (app, webview)
}

fn call(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        webview,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("json"))
}

/// Signs in through the command, as the sign-in screen does.
fn sign_in(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    username: &str,
    password: &str,
) {
    call(
        webview,
        "session_unlock",
        json!({"username": username, "password": password}),
    )
    .unwrap_or_else(|error| panic!("{username} signs in: {error}"));
}

/// Each command answers `locked`.
fn assert_locked(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    calls: &[(&str, Value)],
) {
    for (cmd, args) in calls {
        let error = call(webview, cmd, args.clone()).expect_err(cmd);
        assert_eq!(error["code"], "locked", "{cmd}");
    }
}

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

#[test]
fn a_caseworker_cannot_list_open_or_search_another_caseworkers_women_through_the_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = VaultPaths::new(dir.path().join("data"));
    let mut admin = organization(&paths);
    admin
        .staff_add(
            "bea",
            "Beatriz",
            Role::Caseworker,
            &secret("clave-de-beatriz"),
        )
        .expect("bea");
    let add = |vault: &mut vault::Vault, name: &str, who: &str| {
        vault
            .participant_add(NewParticipant {
                legal_name: name.into(),
                assign_to: Some(who.into()),
                ..Default::default()
            })
            .expect("participant")
            .id
    };
    let rosa = add(&mut admin, "Rosa Elena Díaz", "lucia");
    let carmen = add(&mut admin, "Carmen Rojas", "bea");
    admin.lock(LockReason::Manual).expect("lock");

    let (_app, webview) = app(paths);
    // Locked: nothing answers.
    let locked = call(
        &webview,
        "participant_list",
        json!({ "query": { "text": null, "status": null, "department": null, "assignedTo": null, "documentsPending": null, "needsOpen": null, "offset": 0, "limit": 50 } }),
    );
    assert_eq!(locked.unwrap_err()["code"], "locked");
    sign_in(&webview, "lucia", "clave-de-lucia-1");
    let query = |text: Option<&str>| json!({ "query": { "text": text, "status": null, "department": null, "assignedTo": null, "documentsPending": null, "needsOpen": null, "offset": 0, "limit": 50 } });
    let page = call(&webview, "participant_list", query(None)).expect("list");
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], rosa.as_str());
    let found = call(&webview, "participant_list", query(Some("carmen"))).expect("search");
    assert_eq!(found["total"], 0);
    for (cmd, args) in [
        ("participant_file", json!({ "participantId": carmen })),
        (
            "participant_history",
            json!({ "participantId": carmen, "reveal": false }),
        ),
        (
            "record_save",
            json!({ "participantId": carmen, "recordId": null, "data": { "kind": "note", "date": "2026-01-01", "text": "intrusa" } }),
        ),
    ] {
        let error = call(&webview, cmd, args).expect_err(cmd);
        assert_eq!(error["code"], "not_found", "{cmd}");
    }
    let error = call(
        &webview,
        "participant_share",
        json!({ "participantId": rosa, "username": "bea", "shared": true }),
    )
    .expect_err("share");
    assert_eq!(error["code"], "forbidden");
    // Her own woman's file opens, with its records.
    let saved = call(
        &webview,
        "record_save",
        json!({ "participantId": rosa, "recordId": null, "data": { "kind": "note", "date": "2026-01-01", "text": "Visita", "sensitive": true } }),
    )
    .expect("note");
    assert_eq!(saved["masked"], true);
    let file = call(
        &webview,
        "participant_file",
        json!({ "participantId": rosa }),
    )
    .expect("file");
    assert_eq!(file["participant"]["legalName"], "Rosa Elena Díaz");
    // Malformed input is a typed error, not a crash.
    let error = call(
        &webview,
        "record_save",
        json!({ "participantId": rosa, "recordId": null, "data": { "kind": "spaceship" } }),
    )
    .expect_err("bad kind");
    assert!(
        error.to_string().contains("kind") || error.is_string(),
        "{error}"
    );
}

#[test]
fn the_demo_button_opens_a_separate_demo_vault() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let (_app, webview) = app(VaultPaths::new(data.clone()));
    let info = call(&webview, "demo_open", json!({})).expect("demo");
    assert_eq!(info["demo"], true);
    assert_eq!(info["username"], acompana::demo::DEMO_USERNAME);
    // The real vault's place stays empty: the first-run screen still offers to create it.
    let status = call(&webview, "vault_status", json!({})).expect("status");
    assert_eq!(status["exists"], false);
    assert!(data.join("demo").join("vault.db").exists());
    assert!(!data.join("vault.db").exists());
    let page = call(
        &webview,
        "participant_list",
        json!({ "query": { "text": null, "status": null, "department": null, "assignedTo": null, "documentsPending": null, "needsOpen": null, "offset": 0, "limit": 10 } }),
    )
    .expect("list");
    assert!(page["total"].as_u64().expect("total") >= 100);
}

#[test]
fn hoy_referrals_and_legal_routes_over_ipc_follow_the_same_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = VaultPaths::new(dir.path().join("data"));
    let mut admin = organization(&paths);
    let add = |vault: &mut vault::Vault, name: &str, who: Option<&str>| {
        vault
            .participant_add(NewParticipant {
                legal_name: name.into(),
                assign_to: who.map(str::to_string),
                ..Default::default()
            })
            .expect("participant")
            .id
    };
    let hers = add(&mut admin, "Rosa Elena Díaz", Some("lucia"));
    let other = add(&mut admin, "Carmen Rojas", None);
    admin.lock(LockReason::Manual).expect("lock");

    let (_app, webview) = app(paths);
    sign_in(&webview, "lucia", "clave-de-lucia-1");
    let task = |pid: &str| {
        json!({ "participantId": pid, "recordId": null, "data": {
            "kind": "task", "title": "Cita en la Registraduría", "dueOn": "2026-11-29" } })
    };
    call(&webview, "record_save", task(&hers)).expect("her task");
    let today = json!({ "query": { "today": "2026-11-29", "mine": false } });
    let due = call(&webview, "tasks_today", today.clone()).expect("hoy");
    assert_eq!(due["dueToday"]["total"], 1);
    assert_eq!(
        due["dueToday"]["items"][0]["detail"],
        "Cita en la Registraduría"
    );
    assert_eq!(due["dueToday"]["capped"], false);
    let key = due["dueToday"]["items"][0]["key"]
        .as_str()
        .expect("key")
        .to_string();
    // Another woman's file is out of reach: tasks, overview, completion.
    for (cmd, args) in [
        ("record_save", task(&other)),
        (
            "legal_overview",
            json!({ "participantId": other, "today": "2026-11-29" }),
        ),
        (
            "task_complete",
            json!({ "participantId": other, "key": key, "today": "2026-11-29" }),
        ),
        (
            "printout_record",
            json!({ "printout": "participant_file", "participantId": other }),
        ),
    ] {
        let error = call(&webview, cmd, args).expect_err(cmd);
        assert_eq!(error["code"], "not_found", "{cmd}");
    }
    // A bad date is a field error.
    let error = call(
        &webview,
        "tasks_today",
        json!({ "query": { "today": "29/11/2026", "mine": false } }),
    )
    .expect_err("bad date");
    assert_eq!(error["code"], "invalid_input");
    assert_eq!(error["field"], "today");
    call(
        &webview,
        "task_complete",
        json!({ "participantId": hers, "key": key, "today": "2026-11-29" }),
    )
    .expect("done");
    let due = call(&webview, "tasks_today", today).expect("hoy");
    assert_eq!(due["dueToday"]["total"], 0);

    // The consent gate answers with its own code.
    let organization = call(
        &webview,
        "directory_save_organization",
        json!({ "id": null, "organization": { "name": "Fundación Techo", "kind": "non_profit",
            "categories": ["housing"], "acceptsRecords": true } }),
    )
    .expect("organization");
    let organization_id = organization["id"].as_str().expect("id").to_string();
    let referral = json!({ "participantId": hers, "recordId": null, "data": {
        "kind": "referral", "category": "housing", "organizationId": organization_id,
        "referredOn": "2026-11-20", "sharesData": true, "status": "sent" } });
    let error = call(&webview, "record_save", referral.clone()).expect_err("no consent");
    assert_eq!(error["code"], "consent_required");
    call(
        &webview,
        "record_save",
        json!({ "participantId": hers, "recordId": null, "data": {
            "kind": "consent", "purpose": "referral", "organization": "Fundación Techo",
            "legalBasis": "consent", "method": "written", "readAloud": true, "language": "es",
            "givenOn": "2026-11-20", "collectedBy": "lucia" } }),
    )
    .expect("consent");
    let saved = call(&webview, "record_save", referral).expect("referral");
    assert!(saved["data"]["consentId"].is_string());
    let found = call(
        &webview,
        "directory_search",
        json!({ "query": { "text": "techo" } }),
    )
    .expect("search");
    assert_eq!(found["total"], 1);
    // Caseworkers may add to the directory but not delete from it.
    let error = call(
        &webview,
        "directory_delete",
        json!({ "id": organization_id }),
    )
    .expect_err("delete");
    assert_eq!(error["code"], "forbidden");
    let overview = call(
        &webview,
        "legal_overview",
        json!({ "participantId": hers, "today": "2026-11-29" }),
    )
    .expect("overview");
    assert_eq!(overview["eligibility"][0]["applicationType"], "co_ley_2292");
}

/// The dialog answers come from one variable for the whole process: the tests that use it
/// take turns.
static DIALOG_ANSWERS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Sets what the next native dialogs answer (one line each; empty = cancelled).
fn answer_dialogs(dir: &std::path::Path, answers: &[&std::path::Path]) -> std::path::PathBuf {
    let file = dir.join("dialog-answers.txt");
    let lines: Vec<String> = answers.iter().map(|p| p.display().to_string()).collect();
    std::fs::write(&file, lines.join("\n")).expect("answers");
    std::env::set_var(crate::dialog::TEST_ANSWERS, &file);
    file
}

/// A vault with its administrator (`coordinadora`) and a caseworker (`lucia`).
fn organization(paths: &VaultPaths) -> vault::Vault {
    let (mut admin, _) = acompana::opening::create(
        paths,
        NewVault {
            org_name: "Mujeres Libres".into(),
            country: Country::CO,
            admin_username: "coordinadora".into(),
            admin_display_name: "Coordinadora".into(),
            admin_password: secret("clave-de-prueba-1"),
        },
        KdfChoice::Minimum,
    )
    .expect("vault");
    admin
        .staff_add(
            "lucia",
            "Lucía",
            Role::Caseworker,
            &secret("clave-de-lucia-1"),
        )
        .expect("lucia");
    admin
}

#[test]
fn sync_commands_are_locked_before_sign_in_and_laptops_are_for_coordinators() {
    let _turn = DIALOG_ANSWERS.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = VaultPaths::new(dir.path().join("data"));
    organization(&paths).lock(LockReason::Quit).expect("locked");
    let out = dir.path().join("union.age");
    let answers = answer_dialogs(dir.path(), &[&out]);
    let (_app, webview) = app(paths.clone());
    assert_locked(
        &webview,
        &[
            ("device_list", json!({})),
            (
                "device_add",
                json!({"username": "lucia", "name": "Laptop Lucía"}),
            ),
            ("device_revoke", json!({"deviceId": "x", "password": "p"})),
            ("sync_save_changes", json!({"deviceIds": ["x"]})),
            ("sync_open_received", json!({})),
            ("conflicts_list", json!({})),
            (
                "conflicts_resolve",
                json!({"conflictId": "x", "keepOp": "y"}),
            ),
        ],
    );
    sign_in(&webview, "lucia", "clave-de-lucia-1");
    for (cmd, args) in [
        (
            "device_add",
            json!({"username": "lucia", "name": "Laptop Lucía"}),
        ),
        (
            "device_revoke",
            json!({"deviceId": "x", "password": "clave-de-lucia-1"}),
        ),
    ] {
        let error = call(&webview, cmd, args).expect_err(cmd);
        assert_eq!(error["code"], "forbidden", "{cmd}");
    }
    // Refused before any dialog opened: the answer is still waiting, no file was written.
    assert!(std::fs::read_to_string(&answers)
        .expect("answers")
        .contains("union.age"));
    assert!(!out.exists());
    let devices = call(&webview, "device_list", json!({})).expect("devices");
    assert_eq!(devices.as_array().map(Vec::len), Some(1), "{devices}");
    assert_eq!(devices[0]["thisLaptop"], true);
    let error = call(&webview, "sync_save_changes", json!({"deviceIds": []})).expect_err("none");
    assert_eq!(error["code"], "invalid_input");
    let error = call(
        &webview,
        "sync_save_changes",
        json!({"deviceIds": [devices[0]["id"]]}),
    )
    .expect_err("to itself");
    assert_eq!(error["code"], "not_found");
    assert_eq!(
        call(&webview, "conflicts_list", json!({})).expect("conflicts"),
        json!([])
    );
    std::env::remove_var(crate::dialog::TEST_ANSWERS);
}

#[test]
fn a_laptop_joins_and_exchanges_files_through_the_commands_and_a_refused_file_changes_nothing() {
    let _turn = DIALOG_ANSWERS.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    let office_paths = VaultPaths::new(dir.path().join("office"));
    organization(&office_paths)
        .lock(LockReason::Quit)
        .expect("locked");
    let (_office_app, office) = app(office_paths.clone());
    sign_in(&office, "coordinadora", "clave-de-prueba-1");

    // Cancelling the save dialog registers nothing.
    answer_dialogs(dir.path(), &[std::path::Path::new("")]);
    let cancelled = call(
        &office,
        "device_add",
        json!({"username": "lucia", "name": "Laptop Lucía"}),
    )
    .expect("cancelled");
    assert_eq!(cancelled, Value::Null);
    assert_eq!(
        call(&office, "device_list", json!({}))
            .expect("devices")
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    let join_file = dir.path().join("union.age");
    answer_dialogs(dir.path(), &[&join_file]);
    let added = call(
        &office,
        "device_add",
        json!({"username": "lucia", "name": "Laptop Lucía"}),
    )
    .expect("device added");
    let passphrase = added["passphrase"]
        .as_str()
        .expect("passphrase")
        .to_string();
    assert_eq!(added["fileName"], "union.age");
    assert!(join_file.exists());

    // Her laptop joins through the first-run command: a wrong passphrase is refused with its
    // reason and leaves no vault behind.
    let laptop_paths = VaultPaths::new(dir.path().join("laptop"));
    let (_laptop_app, laptop) = app(laptop_paths.clone());
    answer_dialogs(dir.path(), &[&join_file]);
    let error = call(
        &laptop,
        "vault_join",
        json!({"input": {"passphrase": "palabras equivocadas", "newPassword": "clave-nueva-de-lucia"}}),
    )
    .expect_err("wrong passphrase");
    assert_eq!(error["code"], "sync_refused");
    assert_eq!(error["reason"], "sync_wrong_passphrase");
    assert!(!laptop_paths.exists());
    answer_dialogs(dir.path(), &[&join_file]);
    let joined = call(
        &laptop,
        "vault_join",
        json!({"input": {"passphrase": passphrase, "newPassword": "clave-nueva-de-lucia"}}),
    )
    .expect("joined");
    assert_eq!(joined["session"]["username"], "lucia");
    assert!(joined["recoveryCode"]
        .as_str()
        .is_some_and(|c| !c.is_empty()));

    // She opens a file on her laptop; her first file to the office, saved through the app.
    let carmen = laptop
        .state::<AppState>()
        .session
        .with(|vault| {
            vault.participant_add(NewParticipant {
                legal_name: "Carmen Canario".into(),
                ..Default::default()
            })
        })
        .expect("her new file");
    let office_id = call(&laptop, "device_list", json!({}))
        .expect("devices")
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["thisLaptop"] == false && d["registered"] == true)
        .map(|d| d["id"].clone())
        .expect("the office laptop");
    let to_office = dir.path().join("para-la-oficina.age");
    answer_dialogs(dir.path(), &[&to_office]);
    let saved = call(
        &laptop,
        "sync_save_changes",
        json!({"deviceIds": [office_id]}),
    )
    .expect("saved");
    assert_eq!(saved["files"].as_array().map(Vec::len), Some(1), "{saved}");
    assert_eq!(saved["files"][0]["fileName"], "para-la-oficina.age");

    // A damaged copy is refused with its reason and changes nothing: her laptop is still
    // waiting for its first file, and nothing was imported.
    let mut damaged = std::fs::read(&to_office).expect("file");
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x40;
    let damaged_path = dir.path().join("danado.age");
    std::fs::write(&damaged_path, &damaged).expect("write");
    let registered = |webview: &tauri::WebviewWindow<tauri::test::MockRuntime>| {
        call(webview, "device_list", json!({}))
            .expect("devices")
            .as_array()
            .expect("list")
            .iter()
            .find(|d| d["name"] == "Laptop Lucía")
            .map(|d| d["registered"].clone())
            .expect("her laptop")
    };
    assert_eq!(registered(&office), false);
    answer_dialogs(dir.path(), &[&damaged_path]);
    let error = call(&office, "sync_open_received", json!({})).expect_err("damaged");
    assert_eq!(error["code"], "sync_refused");
    assert!(
        error["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("sync_")),
        "{error}"
    );
    assert_eq!(registered(&office), false);
    let imported = office.state::<AppState>().session.with(|vault| {
        Ok(vault
            .audit_list(0, 1000)?
            .iter()
            .any(|entry| entry.action == acompana::audit::AuditAction::SyncImported))
    });
    assert!(!imported.expect("audit"));

    // The real file is taken, and says where it came from.
    answer_dialogs(dir.path(), &[&to_office]);
    let report = call(&office, "sync_open_received", json!({})).expect("imported");
    assert!(
        report["applied"].as_u64().is_some_and(|n| n > 0),
        "{report}"
    );
    assert_eq!(report["from"], json!(["Laptop Lucía"]));
    assert_eq!(
        report["participantsChanged"][0]["caseCode"],
        carmen.case_code
    );
    let devices = call(&office, "device_list", json!({})).expect("devices");
    let hers = devices
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["name"] == "Laptop Lucía")
        .expect("her laptop");
    assert_eq!(hers["registered"], true);

    // A sync folder chosen in the dialog: her laptop writes there, the office reads it.
    let folder = dir.path().join("carpeta");
    std::fs::create_dir_all(&folder).expect("folder");
    assert_eq!(
        call(&laptop, "sync_folder_run", json!({})).expect("no folder yet"),
        Value::Null
    );
    answer_dialogs(dir.path(), &[std::path::Path::new("")]);
    assert_eq!(
        call(&laptop, "sync_folder_choose", json!({})).expect("cancelled"),
        Value::Null
    );
    assert_eq!(
        call(&laptop, "sync_folder_get", json!({})).expect("get"),
        Value::Null
    );
    for webview in [&laptop, &office] {
        answer_dialogs(dir.path(), &[&folder]);
        let chosen = call(webview, "sync_folder_choose", json!({})).expect("chosen");
        assert_eq!(chosen, json!(folder.display().to_string()));
    }
    laptop
        .state::<AppState>()
        .session
        .with(|vault| {
            vault.participant_set(
                &carmen.id,
                acompana::records::participants::ParticipantField::ChosenName,
                Some("Carmencita"),
            )
        })
        .expect("her edit");
    let written = call(&laptop, "sync_folder_run", json!({})).expect("laptop syncs");
    assert_eq!(
        written["exported"].as_array().map(Vec::len),
        Some(1),
        "{written}"
    );
    let read = call(&office, "sync_folder_run", json!({})).expect("office syncs");
    assert_eq!(read["imported"].as_array().map(Vec::len), Some(1), "{read}");
    assert_eq!(read["participantsChanged"][0]["chosenName"], "Carmencita");

    // Her erasure, asked on the office laptop, reaches Lucía's laptop by the folder.
    let erase = |code: &str| json!({"participantId": carmen.id, "caseCode": code, "reason": "Lo pidió ella"});
    let error =
        call(&laptop, "participant_erase", erase(&carmen.case_code)).expect_err("caseworker");
    assert_eq!(error["code"], "forbidden");
    let error = call(&office, "participant_erase", erase("CO-XXXX-XXXX")).expect_err("wrong code");
    assert_eq!(
        (error["code"].clone(), error["field"].clone()),
        (json!("invalid_input"), json!("caseCode"))
    );
    call(
        &office,
        "participant_file",
        json!({"participantId": carmen.id}),
    )
    .expect("still there");
    call(
        &office,
        "participant_erase",
        erase(&carmen.case_code.to_lowercase()),
    )
    .expect("erased");
    let error = call(
        &office,
        "participant_file",
        json!({"participantId": carmen.id}),
    )
    .expect_err("gone");
    assert_eq!(error["code"], "not_found");
    call(
        &laptop,
        "participant_file",
        json!({"participantId": carmen.id}),
    )
    .expect("still on her laptop");
    call(&office, "sync_folder_run", json!({})).expect("office writes");
    // The office's file from its earlier run is there too: both are read, in order.
    let read = call(&laptop, "sync_folder_run", json!({})).expect("laptop reads");
    assert!(
        read["imported"]
            .as_array()
            .is_some_and(|files| !files.is_empty()),
        "{read}"
    );
    let error = call(
        &laptop,
        "participant_file",
        json!({"participantId": carmen.id}),
    )
    .expect_err("gone there too");
    assert_eq!(error["code"], "not_found");

    call(&office, "sync_folder_clear", json!({})).expect("cleared");
    assert_eq!(
        call(&office, "sync_folder_get", json!({})).expect("get"),
        Value::Null
    );

    let revoked = call(
        &office,
        "device_revoke",
        json!({"deviceId": hers["id"], "password": "clave-de-prueba-1"}),
    )
    .expect("revoked");
    assert_eq!(
        revoked["recoveryCode"].as_str().map(str::len),
        Some(29),
        "a new recovery code: {revoked}"
    );
    std::env::remove_var(crate::dialog::TEST_ANSWERS);
}

#[test]
fn rights_requests_over_ipc_are_locked_scoped_and_listed_for_coordinators() {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = VaultPaths::new(dir.path().join("data"));
    let mut admin = organization(&paths);
    let hers = admin
        .participant_add(NewParticipant {
            legal_name: "Rosa Solicitante".into(),
            chosen_name: None,
            birth_year: None,
            department: None,
            assign_to: Some("lucia".into()),
        })
        .expect("hers")
        .id;
    let not_hers = admin
        .participant_add(NewParticipant {
            legal_name: "Valentina Ajena".into(),
            chosen_name: None,
            birth_year: None,
            department: None,
            assign_to: None,
        })
        .expect("not hers")
        .id;
    admin.lock(LockReason::Quit).expect("locked");
    let (_app, webview) = app(paths);
    let add = |participant: &str, right: &str| json!({"participantId": participant, "right": right, "receivedOn": "2026-11-02"});
    assert_locked(
        &webview,
        &[
            ("rights_add", add(&hers, "access")),
            ("rights_done", json!({"requestId": "x", "outcome": null})),
            ("rights_list", json!({})),
        ],
    );
    sign_in(&webview, "lucia", "clave-de-lucia-1");
    let added = call(&webview, "rights_add", add(&hers, "correction")).expect("added");
    assert_eq!(added["deadline"], "2026-11-24");
    assert_eq!(added["right"], "correction");
    assert_eq!(added["status"], "open");
    // Not a woman she may see; not a kind the law names; a date to come.
    let error = call(&webview, "rights_add", add(&not_hers, "access")).expect_err("not hers");
    assert_eq!(error["code"], "not_found");
    assert!(call(&webview, "rights_add", add(&hers, "olvido")).is_err());
    let error = call(
        &webview,
        "rights_add",
        json!({"participantId": hers, "right": "access", "receivedOn": "2999-01-01"}),
    )
    .expect_err("future");
    assert_eq!(error["code"], "invalid_input");
    assert_eq!(
        call(&webview, "rights_list", json!({})).expect_err("list")["code"],
        "forbidden"
    );
    let done = call(
        &webview,
        "rights_done",
        json!({"requestId": added["id"], "outcome": "Año de nacimiento corregido"}),
    )
    .expect("done");
    assert_eq!(done["status"], "done");
    assert_eq!(done["doneBy"], "lucia");
    call(&webview, "session_lock", json!({})).expect("locked");
    sign_in(&webview, "coordinadora", "clave-de-prueba-1");
    let list = call(&webview, "rights_list", json!({})).expect("list");
    assert_eq!(list["requests"].as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(
        list["requests"][0]["outcome"],
        "Año de nacimiento corregido"
    );
    assert_eq!(list["erasures"], json!([]));
}

#[test]
fn a_visit_package_is_prepared_received_and_leaves_the_laptop_when_it_expires() {
    let _turn = DIALOG_ANSWERS.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().expect("temp dir");
    let office_paths = VaultPaths::new(dir.path().join("office"));
    let mut admin = organization(&office_paths);
    let hers = admin
        .participant_add(NewParticipant {
            legal_name: "Rosa Visitada".into(),
            assign_to: Some("lucia".into()),
            ..Default::default()
        })
        .expect("hers");
    let join_file = dir.path().join("union.age");
    let added = admin
        .device_add("lucia", "Laptop Lucía", &join_file)
        .expect("device");
    admin.lock(LockReason::Quit).expect("locked");
    let laptop_paths = VaultPaths::new(dir.path().join("laptop"));
    let (lucia, _) = acompana::opening::join(
        &laptop_paths,
        acompana::opening::Joining {
            file: &std::fs::read(&join_file).expect("join file"),
            passphrase: &added.passphrase,
            password: &secret("clave-de-lucia-1"),
        },
        KdfChoice::Minimum,
    )
    .expect("joined");
    // Her laptop's first file registers it at the office.
    let mut lucia = lucia;
    let office_device = lucia
        .device_list()
        .expect("devices")
        .into_iter()
        .find(|d| !d.this_laptop)
        .expect("the office")
        .id;
    let first = dir.path().join("primero.age");
    lucia
        .sync_export(&first, &[office_device], false)
        .expect("first file");
    lucia.lock(LockReason::Quit).expect("locked");
    let mut admin =
        acompana::opening::unlock(&office_paths, "coordinadora", &secret("clave-de-prueba-1"))
            .expect("office");
    admin.sync_import(&[first]).expect("registered");
    admin.lock(LockReason::Quit).expect("locked");

    let (_office_app, office) = app(office_paths);
    let prepare =
        |days: u32| json!({"deviceId": added.device_id, "participantIds": [hers.id], "days": days});
    assert_locked(
        &office,
        &[
            ("visit_candidates", json!({"deviceId": added.device_id})),
            ("visit_prepare", prepare(7)),
            ("visit_status", json!({})),
        ],
    );
    // Progress carries no data: it answers while locked (a joining laptop has no session),
    // and a stop asked for when nothing runs does not stop the next work.
    let idle = json!({"phase": "idle", "done": 0, "total": 0, "cancelling": false});
    assert_eq!(
        call(&office, "sync_progress", json!({})).expect("progress"),
        idle
    );
    call(&office, "sync_cancel", json!({})).expect("cancel");
    assert_eq!(
        call(&office, "sync_progress", json!({})).expect("progress"),
        idle
    );
    sign_in(&office, "coordinadora", "clave-de-prueba-1");
    let candidates = call(
        &office,
        "visit_candidates",
        json!({"deviceId": added.device_id}),
    )
    .expect("list");
    assert_eq!(candidates[0]["id"], hers.id.as_str(), "{candidates}");
    // Checked before the dialog: the answer waits, nothing is written.
    let package = dir.path().join("visita.age");
    let answers = answer_dialogs(dir.path(), &[&package]);
    let error = call(&office, "visit_prepare", prepare(0)).expect_err("no day");
    assert_eq!(error["field"], "days");
    assert!(std::fs::read_to_string(&answers)
        .expect("answers")
        .contains("visita.age"));
    // Cancelled: nothing is written either.
    answer_dialogs(dir.path(), &[std::path::Path::new("")]);
    assert_eq!(
        call(&office, "visit_prepare", prepare(7)).expect("cancelled"),
        Value::Null
    );
    let prepared = |webview: &tauri::WebviewWindow<tauri::test::MockRuntime>| {
        webview.state::<AppState>().session.with(|vault| {
            Ok(vault
                .audit_list(0, 1000)?
                .iter()
                .filter(|entry| entry.action == acompana::audit::AuditAction::VisitPrepared)
                .count())
        })
    };
    assert_eq!(prepared(&office).expect("audit"), 0);
    answer_dialogs(dir.path(), &[&package]);
    let saved = call(&office, "visit_prepare", prepare(7)).expect("prepared");
    assert_eq!(saved["fileName"], "visita.age");
    assert_eq!(saved["deviceName"], "Laptop Lucía");
    assert_eq!(prepared(&office).expect("audit"), 1);

    // On her laptop: received, in visit mode; a week later (the test clock), gone.
    let (_laptop_app, laptop) = app(laptop_paths);
    sign_in(&laptop, "lucia", "clave-de-lucia-1");
    let error = call(&laptop, "visit_candidates", json!({"deviceId": "x"})).expect_err("x");
    assert_eq!(error["code"], "not_found");
    answer_dialogs(dir.path(), &[&package]);
    call(&laptop, "sync_open_received", json!({})).expect("imported");
    let mode = call(&laptop, "visit_status", json!({})).expect("status");
    assert_eq!(mode["files"][0]["id"], hers.id.as_str(), "{mode}");
    let clock = dir.path().join("clock.txt");
    std::fs::write(&clock, "8").expect("clock");
    std::env::set_var(crate::clock::TEST_CLOCK, &clock);
    let after = call(&laptop, "visit_status", json!({}));
    std::env::remove_var(crate::clock::TEST_CLOCK);
    std::env::remove_var(crate::dialog::TEST_ANSWERS);
    assert_eq!(after.expect("status"), Value::Null);
    let error = call(
        &laptop,
        "participant_file",
        json!({"participantId": hers.id}),
    )
    .expect_err("gone");
    assert_eq!(error["code"], "not_found");
}

/// The commands that answer while the vault is locked, each for a reason: everything else
/// reaches the vault only through `Session::with`, which answers `locked` when it is locked.
const ANSWER_WHILE_LOCKED: &[(&str, &str)] = &[
    (
        "vault_status",
        "whether a vault exists and who is signed in",
    ),
    ("vault_create", "the first-run screen"),
    ("vault_join", "the first-run screen: a new laptop joins"),
    (
        "backup_restore",
        "the first-run screen: restore into an empty folder",
    ),
    ("demo_open", "opens the separate demo vault"),
    (
        "about",
        "Acerca de: the version and the data folder; the vault's own versions only when open",
    ),
    (
        "crash_report_save",
        "the crash screen: a report without personal data, at any moment",
    ),
    ("session_unlock", "signing in"),
    ("session_recover", "signing in with the recovery code"),
    (
        "session_lock",
        "locking an already locked vault does nothing",
    ),
    (
        "preferences_get",
        "language and text size, kept outside the vault",
    ),
    (
        "preferences_set",
        "language and text size, kept outside the vault",
    ),
    (
        "sync_progress",
        "counters only, read without waiting for the vault",
    ),
    ("sync_cancel", "the stop flag only"),
    (
        "summary_indicators",
        "the fixed list of indicators, no data",
    ),
    ("print_page", "prints what the window shows"),
];

/// Every command in `src/commands/`, with whether its body goes through `session.with`.
fn commands_in_source() -> Vec<(String, bool)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("commands folder") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("source");
        let mut rest = text.as_str();
        while let Some(at) = rest.find("#[tauri::command") {
            rest = &rest[at..];
            let fn_at = rest.find("pub fn ").expect("a command function");
            let name: String = rest[fn_at + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let body_end = rest.find("\n}\n").unwrap_or(rest.len());
            let body: String = rest[fn_at..body_end]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            // `touch` is `with` doing nothing.
            found.push((
                name,
                body.contains(".session.with(") || body.contains(".session.touch("),
            ));
            rest = &rest[body_end..];
        }
    }
    found
}

#[test]
fn every_command_but_the_listed_ones_answers_locked_while_locked() {
    let commands = commands_in_source();
    assert!(
        commands.len() > 60,
        "found only {} commands",
        commands.len()
    );
    let registered = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"),
    )
    .expect("lib.rs");
    for (name, through_session) in &commands {
        assert!(
            registered.contains(&format!("::{name},"))
                || registered.contains(&format!("::{name}::<")),
            "{name} is not registered in lib.rs"
        );
        let allowed = ANSWER_WHILE_LOCKED.iter().any(|(n, _)| n == name);
        assert!(
            allowed || *through_session,
            "{name} answers while locked: make it go through Session::with or list it, with why"
        );
    }
    for (name, _) in ANSWER_WHILE_LOCKED {
        assert!(
            commands.iter().any(|(n, _)| n == name),
            "{name} is listed but is no command"
        );
    }
    // And over IPC: the locked ones the mock app registers answer `locked`.
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = VaultPaths::new(dir.path().join("data"));
    organization(&paths).lock(LockReason::Quit).expect("locked");
    let (_app, webview) = app(paths);
    assert_locked(
        &webview,
        &[
            (
                "participant_history",
                json!({"participantId": "x", "reveal": true}),
            ),
            ("rights_list", json!({})),
            (
                "summary_produce",
                json!({"request": {"period": "2026Q1", "to": null, "audience": "internal", "indicators": [], "by": null, "k": null}}),
            ),
        ],
    );
}
