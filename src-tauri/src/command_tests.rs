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
use tauri::WebviewWindowBuilder;

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

fn secret(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

#[test]
fn a_caseworker_cannot_list_open_or_search_another_caseworkers_women_through_the_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = VaultPaths::new(dir.path().join("data"));
    let (mut admin, _) = acompana::opening::create(
        &paths,
        NewVault {
            org_name: "Prueba".into(),
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
    call(
        &webview,
        "session_unlock",
        json!({ "username": "lucia", "password": "clave-de-lucia-1" }),
    )
    .expect("sign in");
    let query = |text: Option<&str>| json!({ "query": { "text": text, "status": null, "department": null, "assignedTo": null, "documentsPending": null, "needsOpen": null, "offset": 0, "limit": 50 } });
    let page = call(&webview, "participant_list", query(None)).expect("list");
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], rosa.as_str());
    let found = call(&webview, "participant_list", query(Some("carmen"))).expect("search");
    assert_eq!(found["total"], 0);
    for (cmd, args) in [
        ("participant_file", json!({ "participantId": carmen })),
        ("participant_history", json!({ "participantId": carmen })),
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
    let (mut admin, _) = acompana::opening::create(
        &paths,
        NewVault {
            org_name: "Prueba".into(),
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
    call(
        &webview,
        "session_unlock",
        json!({ "username": "lucia", "password": "clave-de-lucia-1" }),
    )
    .expect("sign in");
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
