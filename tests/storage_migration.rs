//! A vault written by the previous version (schema 8, before compact storage) opens with this
//! one: every operation and every record is still there, the state rebuilt from the log
//! equals the visible rows, ids that were derived text are now the same hashed ids the write
//! path makes, and work goes on. The fixture was made by `tests/fixtures/make-vault-v8.sh`
//! with that version's command line; the figures below were read with it.

mod common;

use std::collections::BTreeMap;

use acompana::records::contacts::Note;
use acompana::records::documents::{Document, DocumentStatus};
use acompana::records::participants::ParticipantQuery;
use acompana::records::record::{document_id, RecordData};
use acompana::vault::LockReason;
use common::{assert_rebuilt_state_matches, secret};

/// Each woman's operations in the fixture, as the schema-8 build's `history` counted them.
const HISTORY_LENGTHS: [(&str, usize); 6] = [
    ("CO-D000001", 40),
    ("CO-D000002", 33),
    ("CO-D000003", 38),
    ("CO-D000004", 33),
    ("CO-D000005", 36),
    ("CO-D000006", 45),
];

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn a_vault_of_the_previous_version_opens_whole() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vault-v8"),
        &data,
    );
    let paths = acompana::vault::VaultPaths::new(&data);
    let mut vault = acompana::opening::unlock(
        &paths,
        acompana::demo::DEMO_USERNAME,
        &secret(acompana::demo::DEMO_PASSWORD),
    )
    .unwrap();
    let version: u32 = vault
        .connection_for_tests()
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .unwrap();
    assert_eq!(version, acompana::store::migrations::latest_version());

    let women = vault
        .participant_list(&ParticipantQuery {
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    let by_code: BTreeMap<String, String> = women
        .iter()
        .map(|w| (w.case_code.clone(), w.id.clone()))
        .collect();
    assert_eq!(by_code.len(), HISTORY_LENGTHS.len());
    for (code, length) in HISTORY_LENGTHS {
        let id = &by_code[code];
        assert_eq!(
            vault.participant_history(id, true).unwrap().len(),
            length,
            "{code}"
        );
        assert_rebuilt_state_matches(&vault, id);
        // Every record reads, and the documents an application cites are records of hers
        // (they were named by derived text ids before).
        let file = vault.participant_file(id).unwrap();
        for record in &file.records {
            if let RecordData::LegalApplication(application) = &record.data {
                for cited in &application.evidence {
                    assert!(
                        file.records.iter().any(|r| &r.id == cited),
                        "{code}: cites {cited}"
                    );
                }
            }
        }
    }

    // The edits made with the previous version on top of the demo.
    let edited = &by_code["CO-D000006"];
    let her = vault.participant_show(edited).unwrap();
    assert_eq!(her.chosen_name.as_deref(), Some("María José"));
    assert_eq!(her.shared_with, vec!["ines".to_string()]);
    let file = vault.participant_file(edited).unwrap();
    let document = |code: &str| {
        let id = document_id(edited, None, code);
        match &file.records.iter().find(|r| r.id == id).unwrap().data {
            RecordData::Document(d) => d.clone(),
            _ => panic!("not a document"),
        }
    };
    assert_eq!(document("cedula").status, DocumentStatus::Has);
    assert_eq!(
        document("cedula").obtained_on.as_deref(),
        Some("2026-11-02")
    );
    assert_eq!(document("registro_civil").status, DocumentStatus::InProcess);
    assert_eq!(
        document("registro_civil").requested_on.as_deref(),
        Some("2026-11-20")
    );
    assert!(file.records.iter().any(|r| matches!(
        &r.data,
        RecordData::Note(n) if n.text == "Llamó para contar que consiguió trabajo"
    )));

    // Work goes on: a document changes again through its derived id, a note is added.
    let before = vault.participant_history(edited, true).unwrap().len();
    vault
        .record_save(
            edited,
            None,
            RecordData::Document(Document {
                status: DocumentStatus::Has,
                requested_on: Some("2026-11-20".into()),
                obtained_on: Some("2026-11-25".into()),
                ..document("registro_civil")
            }),
        )
        .unwrap();
    vault
        .record_save(
            edited,
            None,
            RecordData::Note(Note {
                date: "2026-11-26".into(),
                text: "Recogió el registro civil".into(),
                sensitive: false,
                contact_id: None,
            }),
        )
        .unwrap();
    let history = vault.participant_history(edited, true).unwrap();
    assert_eq!(history.len(), before + 3, "status, obtained on, the note");
    assert_rebuilt_state_matches(&vault, edited);
    let file = vault.participant_file(edited).unwrap();
    let id = document_id(edited, None, "registro_civil");
    let RecordData::Document(now) = &file.records.iter().find(|r| r.id == id).unwrap().data else {
        panic!("not a document")
    };
    assert_eq!(now.status, DocumentStatus::Has);
    vault.lock(LockReason::Manual).unwrap();
}
