//! Convergence of sync between laptops, as a property. Three to five laptops of one
//! organization (the administrator's, one or two more coordinators', one or two caseworkers')
//! make random edits of the women's files: her fields, add-only notes and contacts, records
//! saved and deleted (household, documents, needs), files shared, unshared and reassigned,
//! closed and reopened, conflicts settled, and one woman erased. They exchange sync files in
//! random orders: late, twice, old ones again, several at once. After enough full rounds of
//! exchange that everything has propagated:
//!
//! - every laptop that may see a file shows the same file (her details, every record, the
//!   operations behind them and their fold, the conflicts waiting), and that state is the fold
//!   of every operation any laptop wrote about her; coordinators' laptops hold every file, a
//!   caseworker's laptop exactly the files assigned or shared to her;
//! - no operation is lost: a coordinator's log holds every operation any laptop wrote (but
//!   those about the erased woman); every record's visible state is the fold of its
//!   operations; a change that lost to one that did not see it is listed as a conflict;
//! - the erased woman is nowhere: no row, no operation, no search entry, on any laptop.
//!
//! "Did not see" is the ground truth here, not the operations' `based_on`: the test keeps,
//! for each operation, which operations its laptop held when it was written.
//!
//! A caseworker's laptop sends only its own operations, so a laptop that has not heard yet
//! that a file was given to her refuses her file (`sync_not_allowed`) until it has: such a
//! refusal passes, but the last full round of exchange refuses nothing, and any other
//! refusal fails the case.
//!
//! Gaps this test found, now fixed and checked in every run: a caseworker's laptop keeps
//! its own operations about a file it purges until a laptop holding every file confirms them
//! (`sync_unsent`); a withdrawal is repeated in every file until the file is hers again, and
//! an older file's withdrawals are ignored once a newer file from its laptop arrived; a change
//! is based on every concurrent head it follows, so a later change that saw two concurrent
//! ones names both, a deletion or a creation names every edit it overrides, and a creation
//! competes with a field's edits.
//!
//! `make test` runs a fixed set of cases (seed 2292, `PROPTEST_RNG_SEED` picks another);
//! `laptops_converge_over_random_cases` (ignored) runs random ones.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use acompana::changelog::{self, OpKind, Operation, RecordState};
use acompana::records::contacts::{Contact, ContactType, Note};
use acompana::records::documents::{Document, DocumentStatus};
use acompana::records::household::{Household, HousingTenure};
use acompana::records::needs::{AssessmentPhase, NeedCategory, NeedStatus, NeedsAssessment};
use acompana::records::participants::{
    ClosingReason, NewParticipant, Participant, ParticipantField, ParticipantQuery,
};
use acompana::records::record::{self as records, RecordData, PARTICIPANT_FIELD};
use acompana::staff::Role;
use acompana::vault::{KdfChoice, LockReason, Vault, VaultPaths};
use acompana::Error;
use common::*;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

const PASSWORD: &str = "clave-de-prueba-2";

/// Members of staff besides the administrator: Beatriz and Carmen coordinate, Lucía and
/// Marta are caseworkers.
const BEATRIZ: &str = "beatriz";
const CARMEN: &str = "carmen";
const LUCIA: &str = "lucia";
const MARTA: &str = "marta";
const CASEWORKERS: [&str; 2] = [LUCIA, MARTA];

/// The women's legal names; each surname is a word no other name shares, searched for once
/// she is erased.
const WOMEN: [(&str, &str); 8] = [
    ("Rosa Caminante", "caminante"),
    ("Valentina Escondida", "escondida"),
    ("Julia Andariega", "andariega"),
    ("Celia Montesina", "montesina"),
    ("Dora Viajera", "viajera"),
    ("Elena Caminera", "caminera"),
    ("Flor Sembradora", "sembradora"),
    ("Gloria Tejedora", "tejedora"),
];

/// Her fields that laptops edit, and the values they write (the last clears the field).
const FIELDS: [(ParticipantField, [Option<&str>; 4]); 5] = [
    (
        ParticipantField::ChosenName,
        [Some("Rosi"), Some("Nena"), Some("Tata"), None],
    ),
    (
        ParticipantField::Department,
        [Some("Caldas"), Some("Risaralda"), Some("Antioquia"), None],
    ),
    (
        ParticipantField::Municipality,
        [Some("Pereira"), Some("Manizales"), Some("Medellín"), None],
    ),
    (
        ParticipantField::SafeContact,
        [
            Some("su hermana"),
            Some("la vecina"),
            Some("su madre"),
            None,
        ],
    ),
    (
        ParticipantField::BirthYear,
        [Some("1985"), Some("1990"), Some("1979"), None],
    ),
];
const DOCUMENTS: [&str; 3] = ["cedula", "sisben", "eps"];
const PHASES: [AssessmentPhase; 2] = [AssessmentPhase::PreRelease, AssessmentPhase::Release];
const CATEGORIES: [NeedCategory; 3] = [
    NeedCategory::Housing,
    NeedCategory::Employment,
    NeedCategory::Health,
];

/// A change made on one laptop to one of the files it holds.
#[derive(Debug, Clone)]
enum Edit {
    /// One of her fields ([`FIELDS`]), to one of its values.
    Field {
        field: usize,
        value: usize,
    },
    /// An add-only note.
    Note {
        text: usize,
    },
    /// An add-only contact.
    Contact {
        kind: usize,
    },
    /// One field of her household (one per file: concurrent saves are one record).
    Household {
        field: usize,
        value: usize,
    },
    /// One field of one of her documents.
    Document {
        doc: usize,
        field: usize,
        value: usize,
    },
    /// One category of a phase's needs assessment.
    Needs {
        phase: usize,
        category: usize,
        status: usize,
    },
    /// Deletes her household (0), a document (1 to 3), an assessment (4, 5) or her newest
    /// note or contact (6).
    Delete {
        target: usize,
    },
    /// Shares the file with a caseworker, or stops (done on a coordinator's laptop).
    Share {
        caseworker: usize,
        shared: bool,
    },
    /// Assigns the file to a caseworker or to nobody (done on a coordinator's laptop).
    Assign {
        caseworker: Option<usize>,
    },
    Close,
    Reopen,
    /// Opens a new file (a caseworker's is hers).
    NewWoman {
        caseworker: Option<usize>,
    },
}

/// One step of the simulation. Laptops are numbers taken modulo the number of laptops.
#[derive(Debug, Clone)]
enum Action {
    Edit {
        laptop: usize,
        woman: Index,
        edit: Edit,
    },
    /// The usual exchange: one laptop writes a file for another, which imports it at once.
    Sync { from: usize, to: usize },
    /// A file written and left for later (or never).
    Export { from: usize, to: usize, full: bool },
    /// Files written before, imported now together, whatever their age, even twice.
    Deliver { picks: Vec<Index> },
    /// Two laptops change the same field of the same record to different values, or one
    /// changes a record the other deletes, before either hears of the other.
    Clash {
        laptops: (usize, usize),
        woman: Index,
        edit: Edit,
        delete: bool,
    },
    /// A laptop settles one of the conflicts it lists, keeping either side.
    Resolve {
        laptop: usize,
        pick: Index,
        keep_other: bool,
    },
}

/// One run: the laptops, the steps, and when, where and whom the erasure happens.
#[derive(Debug, Clone)]
struct Scenario {
    /// A third coordinator's laptop (Carmen's).
    carmen: bool,
    /// A second caseworker's laptop (Marta's).
    marta: bool,
    actions: Vec<Action>,
    erase_at: Index,
    erase_on: Index,
    erase_whom: Index,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => (0..FIELDS.len(), 0..4usize).prop_map(|(field, value)| Edit::Field { field, value }),
        2 => (0..3usize).prop_map(|text| Edit::Note { text }),
        1 => (0..3usize).prop_map(|kind| Edit::Contact { kind }),
        3 => (0..3usize, 0..4usize).prop_map(|(field, value)| Edit::Household { field, value }),
        3 => (0..DOCUMENTS.len(), 0..2usize, 0..4usize)
            .prop_map(|(doc, field, value)| Edit::Document { doc, field, value }),
        2 => (0..PHASES.len(), 0..CATEGORIES.len(), 0..3usize)
            .prop_map(|(phase, category, status)| Edit::Needs { phase, category, status }),
        3 => (0..7usize).prop_map(|target| Edit::Delete { target }),
        2 => (0..2usize, any::<bool>())
            .prop_map(|(caseworker, shared)| Edit::Share { caseworker, shared }),
        2 => proptest::option::of(0..2usize).prop_map(|caseworker| Edit::Assign { caseworker }),
        1 => Just(Edit::Close),
        1 => Just(Edit::Reopen),
        1 => proptest::option::of(0..2usize).prop_map(|caseworker| Edit::NewWoman { caseworker }),
    ]
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        10 => (0..5usize, any::<Index>(), edit())
            .prop_map(|(laptop, woman, edit)| Action::Edit { laptop, woman, edit }),
        4 => (0..5usize, 0..5usize).prop_map(|(from, to)| Action::Sync { from, to }),
        3 => (0..5usize, 0..5usize, proptest::bool::weighted(0.2))
            .prop_map(|(from, to, full)| Action::Export { from, to, full }),
        3 => proptest::collection::vec(any::<Index>(), 1..4)
            .prop_map(|picks| Action::Deliver { picks }),
        3 => (0..5usize, 0..5usize, any::<Index>(), clashing_edit(), any::<bool>())
            .prop_map(|(a, b, woman, edit, delete)| Action::Clash {
                laptops: (a, b),
                woman,
                edit,
                delete,
            }),
        2 => (0..5usize, any::<Index>(), any::<bool>())
            .prop_map(|(laptop, pick, keep_other)| Action::Resolve { laptop, pick, keep_other }),
    ]
}

/// An edit of one field, for [`Action::Clash`].
fn clashing_edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..FIELDS.len(), 0..4usize).prop_map(|(field, value)| Edit::Field { field, value }),
        (0..3usize, 0..4usize).prop_map(|(field, value)| Edit::Household { field, value }),
        (0..DOCUMENTS.len(), 0..2usize, 0..4usize).prop_map(|(doc, field, value)| Edit::Document {
            doc,
            field,
            value
        }),
        (0..PHASES.len(), 0..CATEGORIES.len(), 0..3usize).prop_map(|(phase, category, status)| {
            Edit::Needs {
                phase,
                category,
                status,
            }
        }),
    ]
}

impl Edit {
    /// The other side of a clash: the same field to another value, or the record deleted.
    fn against(&self, delete: bool) -> Edit {
        match (self, delete) {
            (Edit::Household { .. }, true) => Edit::Delete { target: 0 },
            (Edit::Document { doc, .. }, true) => Edit::Delete { target: 1 + doc },
            (Edit::Needs { phase, .. }, true) => Edit::Delete { target: 4 + phase },
            (Edit::Field { field, value }, _) => Edit::Field {
                field: *field,
                value: (value + 1) % 4,
            },
            (Edit::Household { field, value }, _) => Edit::Household {
                field: *field,
                value: (value + 1) % 3,
            },
            (Edit::Document { doc, field, value }, _) => Edit::Document {
                doc: *doc,
                field: *field,
                value: (value + 1) % 4,
            },
            (
                Edit::Needs {
                    phase,
                    category,
                    status,
                },
                _,
            ) => Edit::Needs {
                phase: *phase,
                category: *category,
                status: (status + 1) % 3,
            },
            (other, _) => other.clone(),
        }
    }
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(action(), 30..90),
        any::<Index>(),
        any::<Index>(),
        any::<Index>(),
    )
        .prop_map(
            |(carmen, marta, actions, erase_at, erase_on, erase_whom)| Scenario {
                carmen,
                marta,
                actions,
                erase_at,
                erase_on,
                erase_whom,
            },
        )
}

/// One simulated laptop: its open vault and whose it is.
struct Laptop {
    vault: Vault,
    username: &'static str,
    role: Role,
    device: String,
    /// The last of its own operations already written to the ledger.
    last_seq: u64,
}

/// What a laptop held when it wrote an operation: the ground truth of "it saw".
struct Seen {
    before: Rc<BTreeSet<String>>,
    step: usize,
    device: String,
    seq: u64,
}

/// A sync file written and not necessarily imported yet.
struct SyncFile {
    to: usize,
    path: PathBuf,
}

struct World {
    laptops: Vec<Laptop>,
    /// Every file's id and its legal name's index in [`WOMEN`], in the order they were opened.
    women: Vec<(String, usize)>,
    files: Vec<SyncFile>,
    /// The files each laptop imported (by their place in `files`), import by import.
    imported: Vec<Vec<Vec<usize>>>,
    /// The sync files.
    dir: tempfile::TempDir,
    /// Every operation any laptop wrote, by id, read from its log right after it wrote it.
    ledger: BTreeMap<String, Operation>,
    seen: HashMap<String, Seen>,
    /// What each operation saw, directly or through one it saw (see `saw`), worked out once.
    knew: std::cell::RefCell<HashMap<String, Rc<BTreeSet<String>>>>,
    step: usize,
    erased: Option<String>,
    /// Files a laptop refused, but for `sync_not_allowed`: none should be.
    refusals: Vec<String>,
    /// Files refused until their receiver hears who may change what they carry.
    not_yet_allowed: usize,
    /// Files purged from caseworkers' laptops, and conflicts settled.
    purged: u32,
    settled: usize,
    /// A caseworker's laptop's own operations that went with a file it purged (noted in the
    /// trace: they must still reach the others).
    purged_own: BTreeSet<String>,
    /// What happened, step by step: printed when the case fails.
    trace: Vec<String>,
}

impl Drop for World {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("what happened:\n{}", self.trace.join("\n"));
        }
    }
}

fn is_manager(role: Role) -> bool {
    role != Role::Caseworker
}

fn op_ids(vault: &Vault) -> BTreeSet<String> {
    changelog::all(vault.connection_for_tests())
        .unwrap()
        .into_iter()
        .map(|op| op.op_id)
        .collect()
}

/// A failed edit that the laptop's state explains: the file is not (or no longer) here, or
/// is closed. Anything else fails the test.
fn tolerated<T>(result: acompana::Result<T>, what: &str) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(Error::NotFound | Error::CaseClosed) => None,
        Err(other) => panic!("{what}: {other:?}"),
    }
}

/// The organization every case starts from, made once: the administrator's vault with the
/// staff and three women, and a laptop joined for each colleague, registered everywhere, all
/// locked and kept aside. Making it costs seconds (key slots, join files); each case puts the
/// kept copy back and unlocks the laptops it uses. Copies go back to the same folders: a
/// vault found in another folder takes a new device id.
struct Organization {
    /// `live/` (each laptop's vault, by username) and `kept/`.
    root: tempfile::TempDir,
    /// Each laptop: whose it is and its device.
    laptops: Vec<(&'static str, Role, String)>,
    women: Vec<(String, usize)>,
}

impl Organization {
    fn live(&self, username: &str) -> VaultPaths {
        VaultPaths::new(self.root.path().join("live").join(username))
    }

    fn found() -> Organization {
        let root = tempfile::tempdir().unwrap();
        let mut organization = Organization {
            root,
            laptops: Vec::new(),
            women: Vec::new(),
        };
        let (mut admin, _) = acompana::opening::create(
            &organization.live(ADMIN),
            acompana::vault::NewVault {
                org_name: "Organización de prueba".into(),
                country: acompana::Country::CO,
                admin_username: ADMIN.into(),
                admin_display_name: "Coordinadora de Prueba".into(),
                admin_password: secret(ADMIN_PASSWORD),
            },
            KdfChoice::Minimum,
        )
        .unwrap();
        for (username, name, role) in [
            (BEATRIZ, "Beatriz Coordinadora", Role::Coordinator),
            (CARMEN, "Carmen Coordinadora", Role::Coordinator),
            (LUCIA, "Lucía Gómez", Role::Caseworker),
            (MARTA, "Marta Ruiz", Role::Caseworker),
        ] {
            admin
                .staff_add(username, name, role, &secret(PASSWORD))
                .unwrap();
        }
        for (name, assign) in [Some(LUCIA), Some(MARTA), None].into_iter().enumerate() {
            let added = admin
                .participant_add(NewParticipant {
                    legal_name: WOMEN[name].0.into(),
                    chosen_name: None,
                    birth_year: None,
                    department: None,
                    assign_to: assign.map(str::to_string),
                })
                .unwrap();
            organization.women.push((added.id, name));
        }
        let scratch = tempfile::tempdir().unwrap();
        let exchange = |from: &mut Vault, to: &mut Vault, name: &str| {
            let path = scratch.path().join(name);
            let device = to.device_id().to_string();
            from.sync_export(&path, &[device], false).unwrap();
            to.sync_import(&[path]).unwrap();
        };
        let mut joined = Vec::new();
        for (username, role) in [
            (BEATRIZ, Role::Coordinator),
            (LUCIA, Role::Caseworker),
            (MARTA, Role::Caseworker),
            (CARMEN, Role::Coordinator),
        ] {
            let join_file = scratch.path().join(format!("{username}.join"));
            let added = admin
                .device_add(username, &format!("Laptop {username}"), &join_file)
                .unwrap();
            let (mut vault, _) = acompana::opening::join(
                &organization.live(username),
                acompana::opening::Joining {
                    file: &std::fs::read(&join_file).unwrap(),
                    passphrase: &added.passphrase,
                    password: &secret(PASSWORD),
                },
                KdfChoice::Minimum,
            )
            .unwrap();
            // Its first file registers its keys with the administrator's laptop.
            exchange(&mut vault, &mut admin, &format!("{username}.sync"));
            joined.push((username, role, vault));
        }
        // The registrations reach every laptop.
        for (username, _, vault) in &mut joined {
            exchange(&mut admin, vault, &format!("to-{username}.sync"));
        }
        organization
            .laptops
            .push((ADMIN, Role::Admin, admin.device_id().to_string()));
        admin.lock(LockReason::Manual).unwrap();
        for (username, role, vault) in joined {
            organization
                .laptops
                .push((username, role, vault.device_id().to_string()));
            vault.lock(LockReason::Manual).unwrap();
        }
        let root = organization.root.path();
        copy_folder(&root.join("live"), &root.join("kept"));
        organization
    }

    /// Every laptop's vault as it was founded.
    fn restore(&self) {
        let root = self.root.path();
        std::fs::remove_dir_all(root.join("live")).unwrap();
        copy_folder(&root.join("kept"), &root.join("live"));
    }
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

impl World {
    /// The organization's laptops this case uses (the administrator's, Beatriz's, Lucía's,
    /// then Marta's and Carmen's if it has them), copied and unlocked.
    fn new(organization: &Organization, carmen: bool, marta: bool) -> World {
        organization.restore();
        let mut laptops = Vec::new();
        for (username, role, device) in &organization.laptops {
            if (*username == MARTA && !marta) || (*username == CARMEN && !carmen) {
                continue;
            }
            let password = if *username == ADMIN {
                ADMIN_PASSWORD
            } else {
                PASSWORD
            };
            let paths = organization.live(username);
            let vault = acompana::opening::unlock(&paths, username, &secret(password)).unwrap();
            assert_eq!(vault.device_id(), device, "the same laptop as founded");
            laptops.push(Laptop {
                vault,
                username,
                role: *role,
                device: device.clone(),
                last_seq: 0,
            });
        }
        let laptops_count = laptops.len();
        let mut world = World {
            laptops,
            women: organization.women.clone(),
            files: Vec::new(),
            imported: vec![Vec::new(); laptops_count],
            dir: tempfile::tempdir().unwrap(),
            ledger: BTreeMap::new(),
            seen: HashMap::new(),
            knew: Default::default(),
            step: 0,
            erased: None,
            refusals: Vec::new(),
            not_yet_allowed: 0,
            purged: 0,
            purged_own: BTreeSet::new(),
            settled: 0,
            trace: Vec::new(),
        };
        for laptop in 0..world.laptops.len() {
            world.write_down(laptop, Rc::new(BTreeSet::new()));
        }
        world
    }

    fn note(&mut self, line: String) {
        let step = match self.step {
            usize::MAX => "end".to_string(),
            step => step.to_string(),
        };
        self.trace.push(format!("{step:>4}: {line}"));
    }

    /// A file's short name: W and the order it was opened in.
    fn name(&self, her: &str) -> String {
        match self.women.iter().position(|(id, _)| id == her) {
            Some(index) => format!("W{index}"),
            None => her.to_string(),
        }
    }

    fn coordinators(&self) -> Vec<usize> {
        (0..self.laptops.len())
            .filter(|l| is_manager(self.laptops[*l].role))
            .collect()
    }

    /// Puts the operations `laptop` just wrote in the ledger, with what it held before.
    fn write_down(&mut self, laptop: usize, before: Rc<BTreeSet<String>>) {
        let Laptop {
            vault,
            device,
            last_seq,
            username,
            ..
        } = &self.laptops[laptop];
        let username = *username;
        let written = changelog::since(vault.connection_for_tests(), device, *last_seq).unwrap();
        for op in written {
            self.laptops[laptop].last_seq = op.seq;
            self.seen.insert(
                op.op_id.clone(),
                Seen {
                    before: before.clone(),
                    step: self.step,
                    device: op.device_id.clone(),
                    seq: op.seq,
                },
            );
            if let Some(twin) = self
                .ledger
                .values()
                .find(|o| o.device_id == op.device_id && o.seq == op.seq)
            {
                panic!(
                    "step {}: {username} wrote {op:#?} under the sequence number of {twin:#?}",
                    self.step
                );
            }
            let line = format!(
                "  {username} wrote #{} {} {} {} {:?} {}",
                op.seq,
                op.kind.as_str(),
                op.record_type,
                op.field,
                op.value,
                op.participant_id
                    .as_deref()
                    .map(|her| self.name(her))
                    .unwrap_or_default()
            );
            self.note(line);
            assert!(self.ledger.insert(op.op_id.clone(), op).is_none());
        }
    }

    /// Whether the operation `winner` saw `loser`: it was written on a laptop that held
    /// `loser`, or that held an operation about the same record that saw it (a deletion made
    /// knowing an edit overrode that edit; a laptop that later receives only the deletion
    /// builds on it).
    fn saw(&self, winner: &str, loser: &str) -> bool {
        self.knew(winner).contains(loser)
    }

    fn knew(&self, op: &str) -> Rc<BTreeSet<String>> {
        if let Some(known) = self.knew.borrow().get(op) {
            return known.clone();
        }
        let it = &self.seen[op];
        let mut direct: BTreeSet<String> = (*it.before).clone();
        direct.extend(
            self.seen
                .iter()
                .filter(|(_, o)| o.step == it.step && o.device == it.device && o.seq < it.seq)
                .map(|(id, _)| id.clone()),
        );
        // What it knew through an operation its laptop held, only when that operation is about
        // the same record: a change is based on its record's heads, and a laptop that held a
        // change to another file (or to her file, without this record's history, which its
        // scope left out) learnt nothing of this record from it.
        let record = &self.ledger[op].record_id;
        let mut all = direct.clone();
        for earlier in &direct {
            if self.seen.contains_key(earlier) && self.ledger[earlier].record_id == *record {
                all.extend(self.knew(earlier).iter().cloned());
            }
        }
        let all = Rc::new(all);
        self.knew.borrow_mut().insert(op.to_string(), all.clone());
        all
    }

    fn open_file(&mut self, laptop: usize, name: usize, assign: Option<&str>) {
        let (legal_name, _) = WOMEN[name];
        let added = self.laptops[laptop]
            .vault
            .participant_add(NewParticipant {
                legal_name: legal_name.into(),
                chosen_name: None,
                birth_year: None,
                department: None,
                assign_to: assign.map(str::to_string),
            })
            .unwrap();
        self.women.push((added.id, name));
        let line = format!(
            "{} opens W{} for {assign:?}",
            self.laptops[laptop].username,
            self.women.len() - 1
        );
        self.note(line);
    }

    /// What `from`'s laptop remembers sending `to`'s whole and not withdrawing since: each
    /// file and the sequence number it was sent at.
    fn sent_whole(&self, from: usize, to: usize) -> BTreeMap<String, i64> {
        let conn = self.laptops[from].vault.connection_for_tests();
        let mut statement = conn
            .prepare(
                "SELECT participant_id, at_seq FROM sync_sent WHERE peer = ?1 AND withdrawn = 0",
            )
            .unwrap();
        let rows = statement
            .query_map([&self.laptops[to].device], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .unwrap();
        rows.map(Result::unwrap).collect()
    }

    /// Writes a file from one laptop for another; returns its place in `files`.
    fn export(&mut self, from: usize, to: usize, full: bool) -> usize {
        let path = self
            .dir
            .path()
            .join(format!("{}.sync", self.files.len() + 1000));
        let device = self.laptops[to].device.clone();
        let before = self.sent_whole(from, to);
        let written = self.laptops[from]
            .vault
            .sync_export(&path, &[device], full)
            .unwrap();
        assert_eq!(written.len(), 1);
        let after = self.sent_whole(from, to);
        // Newly withdrawn (read from its sender's bookkeeping: the manifest is inside the
        // encryption); earlier withdrawals are repeated too.
        let withdraws: BTreeSet<String> = before
            .keys()
            .filter(|id| !after.contains_key(*id))
            .cloned()
            .collect();
        let whole: BTreeSet<String> = after
            .iter()
            .filter(|(id, at)| before.get(*id) != Some(at))
            .map(|(id, _)| id.clone())
            .collect();
        let line = format!(
            "{} writes {} for {}: {} operations, withdraws {:?}, whole {:?}{}",
            self.laptops[from].username,
            path.file_name().unwrap().to_string_lossy(),
            self.laptops[to].username,
            written[0].operations,
            withdraws.iter().map(|id| self.name(id)).collect::<Vec<_>>(),
            whole.iter().map(|id| self.name(id)).collect::<Vec<_>>(),
            if full { " (full)" } else { "" }
        );
        self.note(line);
        self.files.push(SyncFile { to, path });
        self.files.len() - 1
    }

    fn import(
        &mut self,
        to: usize,
        files: &[usize],
    ) -> acompana::Result<acompana::sync::ImportReport> {
        let paths: Vec<PathBuf> = files
            .iter()
            .inspect(|f| assert_eq!(self.files[**f].to, to))
            .map(|f| self.files[*f].path.clone())
            .collect();
        let result = self.laptops[to].vault.sync_import(&paths);
        let names: Vec<String> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        let line =
            match &result {
                Ok(r) => format!(
                "{} imports {names:?}: {} applied, {} known, {} dropped, {} purged, {} erased, \
                 {} conflicts",
                self.laptops[to].username, r.applied, r.known, r.dropped, r.purged, r.erased,
                r.conflicts
            ),
                Err(e) => format!("{} refuses {names:?}: {e:?}", self.laptops[to].username),
            };
        self.note(line);
        self.write_down(to, Rc::new(BTreeSet::new()));
        if let Ok(report) = &result {
            self.purged += report.purged;
            if report.purged > 0 {
                self.find_purged_own(to);
            }
        }
        if result.is_ok() {
            self.imported[to].push(files.to_vec());
        }
        match &result {
            // A caseworker's laptop sends only its own operations: a laptop that has not heard
            // yet that a file was assigned or shared to her refuses her changes to it until it
            // has. That passes (the last round of exchange may refuse nothing).
            Err(Error::SyncRefused("sync_not_allowed")) => self.not_yet_allowed += 1,
            Err(error) => self.refusals.push(format!(
                "step {}: {} refused {paths:?}: {error:?}",
                self.step, self.laptops[to].username
            )),
            Ok(_) => {}
        }
        result
    }

    /// After `laptop` purged files it may no longer see: its own operations about them that
    /// are gone from it (noted in the trace).
    fn find_purged_own(&mut self, laptop: usize) {
        let own = changelog::since(
            self.laptops[laptop].vault.connection_for_tests(),
            &self.laptops[laptop].device,
            0,
        )
        .unwrap();
        let still: BTreeSet<&String> = own.iter().map(|op| &op.op_id).collect();
        let purged: Vec<String> = self
            .ledger
            .values()
            .filter(|op| op.device_id == self.laptops[laptop].device)
            .filter(|op| op.participant_id.is_some() && !still.contains(&op.op_id))
            .map(|op| op.op_id.clone())
            .collect();
        for id in purged {
            if self.purged_own.insert(id.clone()) {
                let op = &self.ledger[&id];
                let line = format!(
                    "  {} purged its own #{} {} {} {} on {}",
                    self.laptops[laptop].username,
                    op.seq,
                    op.kind.as_str(),
                    op.record_type,
                    op.field,
                    self.name(op.participant_id.as_deref().unwrap_or_default())
                );
                self.note(line);
            }
        }
    }

    /// The files a laptop holds that its colleague may see, oldest first.
    fn visible(&self, laptop: usize) -> Vec<String> {
        let mut ids: Vec<String> = self.laptops[laptop]
            .vault
            .participant_list(&ParticipantQuery {
                limit: 500,
                ..ParticipantQuery::default()
            })
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect();
        ids.sort();
        ids
    }

    fn act(&mut self, action: &Action) {
        let n = self.laptops.len();
        let other = |from: usize, to: usize| (from + 1 + to % (n - 1)) % n;
        match action {
            Action::Edit {
                laptop,
                woman,
                edit,
            } => {
                let mut laptop = laptop % n;
                if matches!(edit, Edit::Share { .. } | Edit::Assign { .. }) {
                    let coordinators = self.coordinators();
                    laptop = coordinators[laptop % coordinators.len()];
                }
                let before = Rc::new(op_ids(&self.laptops[laptop].vault));
                if let Edit::NewWoman { caseworker } = edit {
                    if self.women.len() < WOMEN.len() {
                        let assign = match self.laptops[laptop].role {
                            Role::Caseworker => None,
                            _ => caseworker.map(|c| CASEWORKERS[c]),
                        };
                        self.open_file(laptop, self.women.len(), assign);
                    }
                } else {
                    let visible = self.visible(laptop);
                    if !visible.is_empty() {
                        let her = visible[woman.index(visible.len())].clone();
                        let line = format!(
                            "{} on {}: {edit:?}",
                            self.laptops[laptop].username,
                            self.name(&her)
                        );
                        self.note(line);
                        self.edit(laptop, &her, edit);
                    }
                }
                self.write_down(laptop, before);
            }
            Action::Sync { from, to } => {
                let from = from % n;
                let to = other(from, *to);
                let file = self.export(from, to, false);
                let _ = self.import(to, &[file]);
            }
            Action::Export { from, to, full } => {
                let from = from % n;
                let to = other(from, *to);
                self.export(from, to, *full);
            }
            Action::Deliver { picks } => {
                if self.files.is_empty() {
                    return;
                }
                let mut by_laptop: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
                for pick in picks {
                    let file = pick.index(self.files.len());
                    by_laptop.entry(self.files[file].to).or_default().push(file);
                }
                for (to, files) in by_laptop {
                    let _ = self.import(to, &files);
                }
            }
            Action::Clash {
                laptops: (a, b),
                woman,
                edit,
                delete,
            } => {
                let a = a % n;
                let b = other(a, *b);
                let visible_to_b = self.visible(b);
                let both: Vec<String> = self
                    .visible(a)
                    .into_iter()
                    .filter(|her| visible_to_b.contains(her))
                    .collect();
                if both.is_empty() {
                    return;
                }
                let her = both[woman.index(both.len())].clone();
                for (laptop, edit) in [(a, edit.clone()), (b, edit.against(*delete))] {
                    let line = format!(
                        "{} on {} (clash): {edit:?}",
                        self.laptops[laptop].username,
                        self.name(&her)
                    );
                    self.note(line);
                    let before = Rc::new(op_ids(&self.laptops[laptop].vault));
                    self.edit(laptop, &her, &edit);
                    self.write_down(laptop, before);
                }
            }
            Action::Resolve {
                laptop,
                pick,
                keep_other,
            } => {
                let laptop = laptop % n;
                let before = Rc::new(op_ids(&self.laptops[laptop].vault));
                let conflicts = self.laptops[laptop].vault.conflicts_list().unwrap();
                if conflicts.is_empty() {
                    return;
                }
                let conflict = &conflicts[pick.index(conflicts.len())];
                self.trace.push(format!(
                    "{:>4}: {} settles {} {} keeping {}",
                    self.step,
                    self.laptops[laptop].username,
                    conflict.record_type,
                    conflict.field,
                    if *keep_other { "the other" } else { "the kept" }
                ));
                let keep = if *keep_other {
                    &conflict.other.op_id
                } else {
                    &conflict.kept.op_id
                };
                let vault = &mut self.laptops[laptop].vault;
                if tolerated(vault.conflicts_resolve(&conflict.id, keep), "resolve").is_some() {
                    self.settled += 1;
                }
                self.write_down(laptop, before);
            }
        }
    }

    fn erase(&mut self, on: Index, whom: Index) {
        let coordinators = self.coordinators();
        let laptop = coordinators[on.index(coordinators.len())];
        let visible = self.visible(laptop);
        let her = visible[whom.index(visible.len())].clone();
        let before = Rc::new(op_ids(&self.laptops[laptop].vault));
        let line = format!(
            "{} erases {}",
            self.laptops[laptop].username,
            self.name(&her)
        );
        self.note(line);
        self.laptops[laptop]
            .vault
            .participant_erase(&her, "a pedido de ella")
            .unwrap();
        self.write_down(laptop, before);
        self.erased = Some(her);
    }

    /// A live record of her file by id.
    fn record(&self, laptop: usize, her: &str, id: &str) -> Option<RecordData> {
        records::visible_records(self.laptops[laptop].vault.connection_for_tests(), Some(her))
            .unwrap()
            .into_iter()
            .find(|r| r.id == id && !r.deleted)
            .map(|r| r.data().unwrap())
    }

    fn edit(&mut self, laptop: usize, her: &str, edit: &Edit) {
        let what = format!("{edit:?} on {}", self.laptops[laptop].username);
        let data = match edit {
            Edit::Field { field, value } => {
                let (field, values) = FIELDS[*field];
                let vault = &mut self.laptops[laptop].vault;
                tolerated(vault.participant_set(her, field, values[*value]), &what);
                return;
            }
            Edit::Note { text } => RecordData::Note(Note {
                date: "2025-02-01".into(),
                text: ["Llamó hoy", "Visita en la cárcel", "Consiguió trabajo"][*text].into(),
                sensitive: *text == 1,
                contact_id: None,
            }),
            Edit::Contact { kind } => RecordData::Contact(Contact {
                contact_type: [
                    ContactType::Call,
                    ContactType::HomeVisit,
                    ContactType::PrisonVisit,
                ][*kind],
                date: "2025-02-03".into(),
                place: None,
                team: vec![],
                visit_id: None,
                summary: Some("Todo bien".into()),
            }),
            Edit::Household { field, value } => {
                let id = records::household_id(her);
                let mut household = match self.record(laptop, her, &id) {
                    Some(RecordData::Household(h)) => h,
                    _ => Household::default(),
                };
                match field {
                    0 => household.household_size = Some(*value as u8 + 1),
                    1 => {
                        household.tenure = Some(
                            [
                                HousingTenure::Rented,
                                HousingTenure::Family,
                                HousingTenure::Own,
                                HousingTenure::Informal,
                            ][*value],
                        )
                    }
                    _ => household.head_of_household = [Some(true), Some(false), None][value % 3],
                }
                RecordData::Household(household)
            }
            Edit::Document { doc, field, value } => {
                let code = DOCUMENTS[*doc];
                let id = records::document_id(her, None, code);
                let mut document = match self.record(laptop, her, &id) {
                    Some(RecordData::Document(d)) => d,
                    _ => Document::new(code, None, DocumentStatus::Needed),
                };
                if *field == 0 {
                    document.status = [
                        DocumentStatus::Needed,
                        DocumentStatus::InProcess,
                        DocumentStatus::Has,
                        DocumentStatus::Lost,
                    ][*value];
                } else {
                    document.issuing_body = [
                        Some("Registraduría".to_string()),
                        Some("Alcaldía".to_string()),
                        Some("Notaría".to_string()),
                        None,
                    ][*value]
                        .clone();
                }
                RecordData::Document(document)
            }
            Edit::Needs {
                phase,
                category,
                status,
            } => {
                let phase = PHASES[*phase];
                let id = records::needs_id(her, phase);
                let mut needs = match self.record(laptop, her, &id) {
                    Some(RecordData::Needs(n)) => n,
                    _ => NeedsAssessment {
                        phase,
                        assessed_on: "2025-01-20".into(),
                        statuses: BTreeMap::new(),
                    },
                };
                needs.statuses.insert(
                    CATEGORIES[*category],
                    [
                        NeedStatus::Need,
                        NeedStatus::InProgress,
                        NeedStatus::Resolved,
                    ][*status],
                );
                RecordData::Needs(needs)
            }
            Edit::Delete { target } => {
                let id = match target {
                    0 => Some(records::household_id(her)),
                    1..=3 => Some(records::document_id(her, None, DOCUMENTS[target - 1])),
                    4 | 5 => Some(records::needs_id(her, PHASES[target - 4])),
                    _ => records::visible_records(
                        self.laptops[laptop].vault.connection_for_tests(),
                        Some(her),
                    )
                    .unwrap()
                    .into_iter()
                    .filter(|r| !r.deleted && (r.kind == "note" || r.kind == "contact"))
                    .map(|r| r.id)
                    .max(),
                };
                let Some(id) = id.filter(|id| self.record(laptop, her, id).is_some()) else {
                    return;
                };
                let vault = &mut self.laptops[laptop].vault;
                tolerated(vault.record_delete(her, &id), &what);
                return;
            }
            Edit::Share { caseworker, shared } => {
                let vault = &mut self.laptops[laptop].vault;
                tolerated(
                    vault.participant_share(her, CASEWORKERS[*caseworker], *shared),
                    &what,
                );
                return;
            }
            Edit::Assign { caseworker } => {
                let vault = &mut self.laptops[laptop].vault;
                tolerated(
                    vault.participant_assign(her, caseworker.map(|c| CASEWORKERS[c])),
                    &what,
                );
                return;
            }
            Edit::Close => {
                let vault = &mut self.laptops[laptop].vault;
                tolerated(
                    vault.participant_close(her, ClosingReason::MovedAway),
                    &what,
                );
                return;
            }
            Edit::Reopen => {
                let vault = &mut self.laptops[laptop].vault;
                tolerated(vault.participant_reopen(her), &what);
                return;
            }
            Edit::NewWoman { .. } => unreachable!("handled by the caller"),
        };
        let vault = &mut self.laptops[laptop].vault;
        tolerated(vault.record_save(her, None, data), &what);
    }

    /// Full rounds of exchange, every laptop to every other, until a round changes nothing
    /// and refuses nothing.
    fn settle(&mut self) {
        let n = self.laptops.len();
        for round in 0..8 {
            let mut moved = false;
            for from in 0..n {
                for to in (0..n).filter(|to| *to != from) {
                    let file = self.export(from, to, false);
                    moved |= match self.import(to, &[file]) {
                        Ok(report) => report.applied > 0 || report.purged > 0 || report.erased > 0,
                        Err(_) => true,
                    };
                }
            }
            if !moved && round > 0 {
                return;
            }
        }
        panic!("eight full rounds of exchange did not settle");
    }
}

/// Everything a laptop shows of one file, to compare between laptops.
#[derive(Debug, PartialEq)]
struct FileView {
    /// Her details (when her file was opened is in `created`).
    participant: Participant,
    /// Every record by kind and id, deleted ones too: fields, deleted.
    records: Vec<(String, String, BTreeMap<String, Value>, bool)>,
    /// Who made each record (staff id), by record id.
    created_by: BTreeMap<String, String>,
    operations: BTreeSet<String>,
    folded: BTreeMap<(String, String), RecordState>,
    /// The conflicts listed on her file: (losing operation, kept operation).
    conflicts: BTreeSet<(String, String)>,
}

/// When her file and each record were made (seconds), by id. The laptop that makes one reads
/// the time apart from its operation's clock, which the others take: they may be a second
/// apart.
type Created = BTreeMap<String, i64>;

fn assert_same_times(a: &Created, b: &Created, what: &str) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}"
    );
    for (id, at) in a {
        assert!(
            (at - b[id]).abs() <= 1,
            "{what}: {id} made at {at} and {}",
            b[id]
        );
    }
}

fn without_nulls(fields: &serde_json::Map<String, Value>) -> BTreeMap<String, Value> {
    fields
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn view(vault: &Vault, her: &str) -> (FileView, Created) {
    let conn = vault.connection_for_tests();
    let operations = vault.participant_operations(her).unwrap();
    let folded = changelog::fold(&operations);
    let mut records: Vec<_> = records::visible_records(conn, Some(her))
        .unwrap()
        .into_iter()
        .map(|r| (r.kind, r.id, without_nulls(&r.fields), r.deleted))
        .collect();
    records.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut statement = conn
        .prepare(
            "SELECT r.id, r.created_at, n.name FROM case_records r
             JOIN log_names n ON n.code = r.created_by WHERE r.participant_id = ?1",
        )
        .unwrap();
    let rows = statement
        .query_map([acompana::compact::id_bytes(her).as_slice()], |row| {
            Ok((row.get::<_, Vec<u8>>(0)?, row.get(1)?, row.get(2)?))
        })
        .unwrap();
    let mut created = Created::new();
    let mut created_by = BTreeMap::new();
    for row in rows {
        let (id, at, by): (Vec<u8>, i64, String) = row.unwrap();
        let id = acompana::compact::id_text(&id).unwrap();
        created.insert(id.clone(), at);
        created_by.insert(id, by);
    }
    assert_eq!(created.len(), records.len(), "every record's maker");
    let mut participant = vault.load_for_tests(her);
    let opened = chrono::DateTime::parse_from_rfc3339(&participant.created_at).unwrap();
    created.insert(her.to_string(), opened.timestamp());
    participant.created_at = String::new();
    let conflicts = vault
        .conflicts_list()
        .unwrap()
        .into_iter()
        .filter(|c| c.participant_id.as_deref() == Some(her))
        // What a caseworker may not settle (an assignment, a share) is listed only to the
        // coordinators: the laptops are compared on what every one of them lists.
        .filter(|c| Role::Caseworker.may_settle(&c.record_type, &c.field))
        .map(|c| (c.id, c.kept.op_id))
        .collect();
    let file = FileView {
        participant,
        records,
        created_by,
        operations: operations.into_iter().map(|op| op.op_id).collect(),
        folded,
        conflicts,
    };
    (file, created)
}

/// The file's rows as its operations state them: every record and her details are the fold
/// of the operations this laptop holds about her.
fn assert_rows_are_the_fold(vault: &Vault, her: &str, file: &FileView, on: &str) {
    for (kind, id, fields, deleted) in &file.records {
        let state = file
            .folded
            .get(&(kind.clone(), id.clone()))
            .unwrap_or_else(|| panic!("{on}: {kind} {id} has no operation"));
        assert_eq!(state.deleted, *deleted, "{on}: {kind} {id} deleted");
        let mut rebuilt: BTreeMap<String, Value> =
            if ["note", "contact", "service_hours"].contains(&kind.as_str()) {
                assert_eq!(state.appended.len(), 1, "{on}: {kind} {id}");
                without_nulls(state.appended[0].as_object().unwrap())
            } else {
                state
                    .fields
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            };
        assert_eq!(
            rebuilt.remove(PARTICIPANT_FIELD),
            Some(json!(her)),
            "{on}: {kind} {id}"
        );
        assert_eq!(&rebuilt, fields, "{on}: {kind} {id}");
    }
    // Every record the fold knows (but her own row and who it is shared with) has its row.
    for ((kind, id), state) in &file.folded {
        if kind == "participant" || kind == "participant_access" {
            continue;
        }
        assert!(
            file.records.iter().any(|(k, i, _, _)| k == kind && i == id),
            "{on}: {kind} {id} has operations but no row ({state:?})"
        );
    }
    let fields = &file.folded[&("participant".to_string(), her.to_string())].fields;
    let get = |f: &str| fields.get(f).cloned().unwrap_or(Value::Null);
    let p = &file.participant;
    assert_eq!(get("legalName"), json!(p.legal_name), "{on}");
    assert_eq!(get("chosenName"), json!(p.chosen_name), "{on}");
    assert_eq!(get("birthYear"), json!(p.birth_year), "{on}");
    assert_eq!(get("department"), json!(p.department), "{on}");
    assert_eq!(get("municipality"), json!(p.municipality), "{on}");
    assert_eq!(get("safeContact"), json!(p.safe_contact), "{on}");
    assert_eq!(get("status"), json!(p.status), "{on}");
    let staff_id = |username: &str| {
        vault
            .staff_list()
            .unwrap()
            .into_iter()
            .find(|s| s.username == username)
            .unwrap()
            .id
    };
    assert_eq!(
        get("assignedTo"),
        json!(p.assigned_to.as_deref().map(staff_id)),
        "{on}"
    );
    let mut shared: Vec<String> = file
        .folded
        .iter()
        .filter(|((kind, _), state)| kind == "participant_access" && !state.deleted)
        .map(|(_, state)| state.fields["staffId"].as_str().unwrap().to_string())
        .collect();
    shared.sort();
    let mut shown: Vec<String> = p.shared_with.iter().map(|u| staff_id(u)).collect();
    shown.sort();
    assert_eq!(shared, shown, "{on}: shared with");
}

/// Who may see a file, by the fold of every operation written about her.
fn may_see(folded: &BTreeMap<(String, String), RecordState>, her: &str, staff_id: &str) -> bool {
    let assigned = folded[&("participant".to_string(), her.to_string())]
        .fields
        .get("assignedTo")
        .and_then(Value::as_str)
        == Some(staff_id);
    let shared = folded.iter().any(|((kind, _), state)| {
        kind == "participant_access"
            && !state.deleted
            && state.fields.get("staffId").and_then(Value::as_str) == Some(staff_id)
    });
    assigned || shared
}

fn ids_in(vault: &Vault, sql: &str) -> BTreeSet<String> {
    let conn = vault.connection_for_tests();
    let mut statement = conn.prepare(sql).unwrap();
    let rows = statement.query_map([], |row| row.get(0)).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

impl World {
    fn check(&mut self) {
        assert!(
            self.refusals.is_empty(),
            "files refused: {:#?}",
            self.refusals
        );
        let erased = self.erased.clone().expect("one woman was erased");
        let staff: HashMap<&str, String> = self.laptops[0]
            .vault
            .staff_list()
            .unwrap()
            .into_iter()
            .map(|s| {
                let name: &str = [ADMIN, BEATRIZ, CARMEN, LUCIA, MARTA]
                    .into_iter()
                    .find(|u| *u == s.username)
                    .unwrap();
                (name, s.id)
            })
            .collect();
        // Operations no laptop holds, though no erasure took them: lost. Known gap 1 when the
        // laptop that wrote them purged them with a file before they left it.
        let mut held: BTreeSet<String> = BTreeSet::new();
        for laptop in &self.laptops {
            held.extend(op_ids(&laptop.vault));
        }
        let lost: BTreeSet<&String> = self
            .ledger
            .iter()
            .filter(|(id, op)| op.participant_id.as_ref() != Some(&erased) && !held.contains(*id))
            .map(|(id, _)| id)
            .collect();
        let describe = |id: &String| {
            let op = &self.ledger[id];
            let by = self.laptops.iter().find(|l| l.device == op.device_id);
            format!(
                "{}#{} {} {} {} on {}",
                by.map_or("?", |l| l.username),
                op.seq,
                op.kind.as_str(),
                op.record_type,
                op.field,
                self.name(op.participant_id.as_deref().unwrap_or_default())
            )
        };
        let unexplained: Vec<String> = lost.iter().map(|id| describe(id)).collect();
        assert!(unexplained.is_empty(), "operations lost: {unexplained:#?}");
        // What every laptop wrote, but what was about her.
        let kept: BTreeMap<&String, &Operation> = self
            .ledger
            .iter()
            .filter(|(_, op)| op.participant_id.as_deref() != Some(erased.as_str()))
            .filter(|(id, _)| !lost.contains(id))
            .collect();
        let women: Vec<String> = self
            .women
            .iter()
            .map(|(id, _)| id.clone())
            .filter(|id| *id != erased)
            .collect();

        // No operation lost: a coordinator's laptop holds exactly what was written.
        for laptop in self.coordinators() {
            let on = self.laptops[laptop].username;
            let held = op_ids(&self.laptops[laptop].vault);
            let expected: BTreeSet<String> = kept.keys().map(|id| id.to_string()).collect();
            let missing: Vec<&Operation> = expected
                .difference(&held)
                .map(|id| &self.ledger[id])
                .collect::<Vec<_>>();
            let missing: Vec<String> = missing
                .iter()
                .map(|op| {
                    let by = self.laptops.iter().find(|l| l.device == op.device_id);
                    format!(
                        "{}#{} {} {} {} on {}",
                        by.map_or("?", |l| l.username),
                        op.seq,
                        op.kind.as_str(),
                        op.record_type,
                        op.field,
                        op.participant_id
                            .as_deref()
                            .map(|her| self.name(her))
                            .unwrap_or_default()
                    )
                })
                .collect();
            assert!(missing.is_empty(), "{on} never received {missing:#?}");
            let extra: Vec<&String> = held.difference(&expected).collect();
            assert!(
                extra.is_empty(),
                "{on} holds operations nobody wrote: {extra:?}"
            );
        }

        // Each file: the fold of everything written about her, and who may see it.
        let mut expected_views: HashMap<&String, BTreeMap<(String, String), RecordState>> =
            HashMap::new();
        for her in &women {
            let about_her: Vec<Operation> = kept
                .values()
                .filter(|op| op.participant_id.as_deref() == Some(her.as_str()))
                .map(|op| (*op).clone())
                .collect();
            expected_views.insert(her, changelog::fold(&about_her));
        }
        // Coordinators' laptops hold every file, a caseworker's exactly hers.
        let mut holders: HashMap<&String, Vec<usize>> = HashMap::new();
        for laptop in 0..self.laptops.len() {
            let Laptop {
                vault,
                username,
                role,
                ..
            } = &self.laptops[laptop];
            let held = ids_in(vault, "SELECT id FROM participants");
            let expected: BTreeSet<String> = women
                .iter()
                .filter(|her| {
                    is_manager(*role) || may_see(&expected_views[her], her, &staff[username])
                })
                .cloned()
                .collect();
            let unexplained: Vec<&String> = held.symmetric_difference(&expected).collect();
            assert!(
                unexplained.is_empty(),
                "the files {username}'s laptop holds: {held:?}, not {expected:?}"
            );
            for her in women
                .iter()
                .filter(|her| held.contains(*her) && expected.contains(*her))
            {
                holders.entry(her).or_default().push(laptop);
            }
        }
        let mut conflicts = 0;
        for her in &women {
            let mut views: Vec<(&str, FileView)> = Vec::new();
            let mut times: Vec<(&str, Created)> = Vec::new();
            for laptop in holders
                .get(her)
                .into_iter()
                .flatten()
                .map(|l| &self.laptops[*l])
            {
                let (file, created) = view(&laptop.vault, her);
                assert_rows_are_the_fold(&laptop.vault, her, &file, laptop.username);
                let expected_ops: BTreeSet<String> = kept
                    .values()
                    .filter(|op| op.participant_id.as_deref() == Some(her.as_str()))
                    .map(|op| op.op_id.clone())
                    .collect();
                let differing: Vec<&String> = file
                    .operations
                    .symmetric_difference(&expected_ops)
                    .collect();
                assert!(
                    differing.is_empty(),
                    "{}: the operations about {} differ from what was written: {differing:?}",
                    laptop.username,
                    self.name(her)
                );
                assert_eq!(
                    file.folded,
                    expected_views[her],
                    "{}: the fold of everything written about {}",
                    laptop.username,
                    self.name(her)
                );
                views.push((laptop.username, file));
                times.push((laptop.username, created));
            }
            let (first, reference) = &views[0];
            for (on, file) in &views[1..] {
                assert_eq!(reference, file, "{} on {first} and on {on}", self.name(her));
            }
            for (on, created) in &times[1..] {
                let what = format!("{} on {} and on {on}", self.name(her), times[0].0);
                assert_same_times(&times[0].1, created, &what);
            }
            // The conflicts its operations make, on a laptop that holds them all (known gap 1
            // may have kept some from the others).
            let held_here: BTreeMap<&String, &Operation> = kept
                .iter()
                .filter(|(id, op)| {
                    op.participant_id.as_deref() != Some(her.as_str())
                        || reference.operations.contains(**id)
                })
                .map(|(id, op)| (*id, *op))
                .collect();
            // Every laptop lists what a caseworker may settle (compared above); a coordinator's
            // laptop lists the rest as well.
            let manager = holders[her]
                .iter()
                .map(|l| &self.laptops[*l])
                .find(|l| is_manager(l.role))
                .expect("a coordinator's laptop holds every file");
            let all_listed: BTreeSet<(String, String)> = manager
                .vault
                .conflicts_list()
                .unwrap()
                .into_iter()
                .filter(|c| c.participant_id.as_deref() == Some(her.as_str()))
                .map(|c| (c.id, c.kept.op_id))
                .collect();
            assert!(reference.conflicts.is_subset(&all_listed));
            self.check_conflicts(her, &all_listed, &held_here);
            conflicts += all_listed.len();
        }

        // The erased woman is nowhere.
        let name = WOMEN[self.women.iter().find(|(id, _)| *id == erased).unwrap().1];
        let bytes = acompana::compact::id_bytes(&erased);
        for laptop in &mut self.laptops {
            let on = laptop.username;
            let conn = laptop.vault.connection_for_tests();
            let count = |sql: &str| -> i64 {
                conn.query_row(sql, [bytes.as_slice()], |row| row.get(0))
                    .unwrap()
            };
            assert_eq!(
                count("SELECT count(*) FROM change_log WHERE participant_id = ?1"),
                0,
                "{on}: operations about her"
            );
            assert_eq!(
                count("SELECT count(*) FROM case_records WHERE participant_id = ?1"),
                0,
                "{on}: her records"
            );
            let by_text = |sql: &str, value: &str| -> i64 {
                conn.query_row(sql, [value], |row| row.get(0)).unwrap()
            };
            for sql in [
                "SELECT count(*) FROM participants WHERE id = ?1",
                "SELECT count(*) FROM participant_access WHERE participant_id = ?1",
                "SELECT count(*) FROM tasks_due WHERE participant_id = ?1",
                "SELECT count(*) FROM sync_sent WHERE participant_id = ?1",
            ] {
                assert_eq!(by_text(sql, &erased), 0, "{on}: {sql}");
            }
            assert_eq!(
                by_text(
                    "SELECT count(*) FROM participant_search WHERE participant_search MATCH ?1",
                    &format!("\"{}\"", name.1)
                ),
                0,
                "{on}: her name in the search index"
            );
            let found = laptop
                .vault
                .participant_list(&ParticipantQuery {
                    text: Some(name.0.into()),
                    ..ParticipantQuery::default()
                })
                .unwrap();
            assert!(found.is_empty(), "{on}: search finds {found:?}");
            assert!(matches!(
                laptop.vault.participant_show(&erased),
                Err(Error::NotFound)
            ));
        }
        eprintln!(
            "{} laptops, {} files of women, {} operations written, {} sync files ({} refused until \
             allowed), {} files purged, {} conflicts left and {} settled",
            self.laptops.len(),
            self.women.len(),
            self.seen.values().filter(|seen| seen.step > 0).count(),
            self.files.len(),
            self.not_yet_allowed,
            self.purged,
            conflicts,
            self.settled
        );
    }

    /// A change that lost to one that did not see it is listed as a conflict, and every
    /// conflict listed is such a change.
    fn check_conflicts(
        &self,
        her: &str,
        listed: &BTreeSet<(String, String)>,
        kept: &BTreeMap<&String, &Operation>,
    ) {
        let mut by_record: BTreeMap<(&str, &str), Vec<&Operation>> = BTreeMap::new();
        for op in kept.values() {
            if op.participant_id.as_deref() == Some(her) {
                by_record
                    .entry((op.record_type.as_str(), op.record_id.as_str()))
                    .or_default()
                    .push(op);
            }
        }
        let listed_ids: BTreeSet<&str> = listed.iter().map(|(id, _)| id.as_str()).collect();
        let mut must: BTreeSet<&str> = BTreeSet::new();
        let mut justified: BTreeSet<&str> = BTreeSet::new();
        for ops in by_record.values() {
            let mut sets: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
            for op in ops.iter().filter(|op| op.kind == OpKind::Set) {
                sets.entry(op.field.as_str()).or_default().push(op);
            }
            // A field's value is its newest change or creation (which states every field).
            let creations: Vec<&&Operation> =
                ops.iter().filter(|op| op.kind == OpKind::Create).collect();
            for (field, field_sets) in &sets {
                let value = |op: &Operation| {
                    match op.kind {
                        OpKind::Create => op.value.as_ref().and_then(|v| v.get(*field)).cloned(),
                        _ => op.value.clone(),
                    }
                    .unwrap_or(Value::Null)
                };
                let writers = || field_sets.iter().chain(creations.iter().copied());
                let winner = writers().max_by_key(|op| op.order_key()).unwrap();
                for op in field_sets {
                    if op.op_id != winner.op_id
                        && value(op) != value(winner)
                        && !self.saw(&winner.op_id, &op.op_id)
                    {
                        must.insert(&op.op_id);
                    }
                    // A change is a conflict when something that did not see it beat it.
                    let beaten = writers().any(|other| {
                        other.order_key() > op.order_key() && !self.saw(&other.op_id, &op.op_id)
                    });
                    if beaten {
                        justified.insert(&op.op_id);
                    }
                }
            }
            let last_state = ops
                .iter()
                .filter(|op| matches!(op.kind, OpKind::Create | OpKind::Delete))
                .max_by_key(|op| op.order_key());
            if let Some(delete) = last_state.filter(|op| op.kind == OpKind::Delete) {
                for op in ops.iter().filter(|op| op.kind == OpKind::Set) {
                    if !self.saw(&delete.op_id, &op.op_id) {
                        must.insert(&op.op_id);
                        justified.insert(&op.op_id);
                    }
                }
            }
        }
        let unlisted: Vec<&Operation> = must
            .difference(&listed_ids)
            .map(|id| &self.ledger[*id])
            .collect();
        assert!(
            unlisted.is_empty(),
            "{her}: changes lost without a conflict: {unlisted:#?}"
        );
        let unjustified: Vec<&&str> = listed_ids.difference(&justified).collect();
        assert!(
            unjustified.is_empty(),
            "{her}: conflicts listed for changes nothing overrode: {unjustified:?}"
        );
    }
}

fn run(organization: &Organization, scenario: &Scenario) {
    let mut world = World::new(organization, scenario.carmen, scenario.marta);
    let erase_at = scenario.erase_at.index(scenario.actions.len() + 1);
    for (step, action) in scenario.actions.iter().enumerate() {
        world.step = step + 1;
        if step == erase_at {
            world.erase(scenario.erase_on, scenario.erase_whom);
        }
        world.act(action);
    }
    if world.erased.is_none() {
        world.erase(scenario.erase_on, scenario.erase_whom);
    }
    world.step = usize::MAX;
    world.settle();
    world.check();
}

fn check_convergence(seed: proptest::test_runner::RngSeed) {
    let organization = Organization::found();
    // `PROPTEST_CASES=100` runs more (a case takes a second or two).
    let env = |name: &str, default: u32| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.parse().ok())
            .unwrap_or(default)
    };
    let config = ProptestConfig {
        cases: env("PROPTEST_CASES", 16),
        max_shrink_iters: env("PROPTEST_MAX_SHRINK_ITERS", 64),
        source_file: Some(file!()),
        rng_seed: seed,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    if let Err(failure) = runner.run(&scenario(), |scenario| {
        run(&organization, &scenario);
        Ok(())
    }) {
        panic!("{failure}");
    }
}

/// Laptops that edit and exchange files in any order end up showing the same thing, lose no
/// operation, list every lost change as a conflict, and keep nothing of an erased woman; the
/// known gaps (the module's documentation) are reported, not failed.
#[test]
fn laptops_converge_whatever_the_order_of_their_files() {
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(2292);
    check_convergence(proptest::test_runner::RngSeed::Fixed(seed));
}

/// The same over a random seed (`cargo test --test sync_convergence -- --ignored`, with
/// `PROPTEST_CASES` for more): make test runs the fixed cases above, so that a case found
/// here is reported by whoever looks for one rather than by a build at random.
#[test]
#[ignore = "random cases: run on purpose, with PROPTEST_CASES"]
fn laptops_converge_over_random_cases() {
    check_convergence(proptest::test_runner::RngSeed::Random);
}
