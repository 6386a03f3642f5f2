//! Opening a vault: creating one, unlocking it with a password, and recovering it with the
//! printed recovery code. This sits above the records (an unlocked vault rebuilds the tasks
//! of files marked stale) and below the demo data, which opens vaults of its own; the
//! [`Vault`] type itself lives in [`crate::vault`], below the records that extend it.

use std::fs;
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use crate::audit::{self, AuditAction, NewEntry};
use crate::crypto::SecretKey;
use crate::error::{Error, Result};
use crate::settings::{self, Settings};
use crate::staff::{self, Role};
use crate::store;
use crate::vault::keyslots::{self, KeySlotFile, SlotKind};
use crate::vault::recovery::RecoveryCode;
use crate::vault::throttle::Throttle;
use crate::vault::{
    check_not_rolled_back, finish_interrupted_rekey, meta, read_keyslots, record_generation,
    restrict_permissions, write_atomic, KdfChoice, NewVault, Vault, VaultPaths, SESSION_OPEN,
};

/// Creates a new vault in `paths.dir` with its first administrator signed in, and returns it
/// with the recovery code, which is shown once and never stored.
pub fn create(paths: &VaultPaths, new: NewVault, kdf: KdfChoice) -> Result<(Vault, RecoveryCode)> {
    create_with(paths, new, kdf, store::Memory::Protected)
}

/// [`create`], choosing how SQLCipher treats memory: only a demo vault, whose data is
/// invented, is created with [`store::Memory::Invented`].
pub(crate) fn create_with(
    paths: &VaultPaths,
    new: NewVault,
    kdf: KdfChoice,
    memory: store::Memory,
) -> Result<(Vault, RecoveryCode)> {
    let org_name = new.org_name.trim().to_string();
    if org_name.is_empty() || org_name.chars().count() > 200 {
        return Err(Error::invalid("orgName", "1 to 200 characters"));
    }
    let username = staff::Username::parse(&new.admin_username)?;
    let display_name = staff::normalize_display_name(&new.admin_display_name)?;
    staff::check_new_password(new.admin_password.expose_secret())?;
    if paths.exists() {
        return Err(Error::VaultExists(paths.dir.clone()));
    }
    fs::create_dir_all(&paths.dir)?;
    restrict_permissions(&paths.dir)?;

    let params = kdf.params();
    let master = SecretKey::generate();
    let vault_id = Uuid::new_v4();
    let device_id = Uuid::new_v4().to_string();
    let (mut slots, code, admin_label) =
        first_slots(vault_id, &username, &new.admin_password, params, &master)?;

    let result = (|| -> Result<Vault> {
        let mut conn = store::open_with(&paths.db, &master, true, memory)?;
        restrict_permissions(&paths.db)?;
        store::migrations::apply(&mut conn)?;
        // A new vault has no files whose tasks could be stale.
        conn.execute("DELETE FROM vault_meta WHERE key = 'tasks_stale'", [])?;
        let tx = conn.transaction()?;
        for (key, value) in [
            ("vault_id", vault_id.to_string()),
            ("org_id", Uuid::new_v4().to_string()),
            ("device_id", device_id.clone()),
            (DEVICE_BINDING, device_binding(&paths.dir)),
            ("org_name", org_name.clone()),
            ("country", new.country.code().to_string()),
            ("created_at", crate::now_rfc3339()),
        ] {
            tx.execute(
                "INSERT INTO vault_meta (key, value) VALUES (?1, ?2)",
                params![key, value],
            )?;
        }
        let me = staff::insert(
            &tx,
            (&device_id, None),
            &username,
            &display_name,
            Role::Admin,
            &admin_label,
        )?;
        settings::store(&tx, &Settings::default())?;
        sync_identity(&tx, &device_id, &me)?;
        mark_session_open(&tx)?;
        for (action, target) in [
            (AuditAction::VaultCreated, None),
            (AuditAction::StaffAdded, Some(me.id.as_str())),
            (AuditAction::SignedIn, None),
        ] {
            audit::append(
                &tx,
                NewEntry {
                    device_id: &device_id,
                    actor_id: Some(&me.id),
                    action,
                    target_id: target,
                    detail: None,
                    at: None,
                },
            )?;
        }
        first_generation(&tx, &mut slots)?;
        tx.commit()?;
        // The key slots are written last: a vault without them is not yet a vault.
        write_atomic(&paths.keyslots, &slots.to_bytes(&master))?;
        Ok(Vault {
            paths: paths.clone(),
            conn,
            master,
            slots,
            device_id: device_id.clone(),
            me,
            progress: Default::default(),
        })
    })();
    match result {
        Ok(vault) => Ok((vault, code)),
        Err(error) => {
            remove_half_made(paths);
            Err(error)
        }
    }
}

/// A new vault's key slots: the recovery code's (the code is returned, to be shown once)
/// and her first member of staff's, both wrapping `master`. Returns her slot's label too.
fn first_slots(
    vault_id: Uuid,
    username: &staff::Username,
    password: &SecretString,
    params: crate::crypto::KdfParams,
    master: &SecretKey,
) -> Result<(KeySlotFile, RecoveryCode, [u8; 32])> {
    let code = RecoveryCode::generate();
    let mut slots = KeySlotFile::new(vault_id);
    let recovery_label = slots.recovery_label();
    let canonical = RecoveryCode::normalize(code.display())
        .ok_or_else(|| Error::Internal("generated code does not normalize".into()))?;
    slots.put(
        SlotKind::Recovery,
        recovery_label,
        canonical.as_bytes(),
        params,
        master,
    )?;
    let label = slots.staff_label(username.as_str());
    slots.put(
        SlotKind::Staff,
        label,
        password.expose_secret().as_bytes(),
        params,
        master,
    )?;
    Ok((slots, code, label))
}

/// A new vault's first key-slot generation and audit anchor, recorded in the database in
/// the transaction that goes with the file.
fn first_generation(tx: &Connection, slots: &mut KeySlotFile) -> Result<()> {
    slots.generation = 1;
    slots.audit_anchor = Some(crate::vault::audit_anchor(tx)?);
    record_generation(tx, 1)
}

/// Leaves no half-made vault behind after a failed creation or join.
fn remove_half_made(paths: &VaultPaths) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{suffix}", paths.db.display()));
    }
    let _ = fs::remove_file(&paths.keyslots);
}

/// Opens the database with a master key already unwrapped and checks that it matches the
/// key-slot file, without writing anything. The whole file is read only when the last
/// session on it did not end cleanly (a crash, a kill, a power cut).
fn open_checked(paths: &VaultPaths, slots: &KeySlotFile, master: &SecretKey) -> Result<Connection> {
    slots.verify_mac(master)?;
    let conn = store::open(&paths.db, master, false)?;
    store::migrations::refuse_newer(&conn)?;
    if meta(&conn, "vault_id")? != slots.vault_id.to_string() {
        return Err(Error::VaultCorrupt("the key slots belong to another vault"));
    }
    check_not_rolled_back(&conn, slots)?;
    if session_was_open(&conn)? {
        store::full_check(&conn)?;
    }
    Ok(conn)
}

/// The `vault_meta` key holding what ties the device id to this laptop and folder.
const DEVICE_BINDING: &str = "device_binding";

/// What ties a vault's device id to the laptop it is on and the folder it is in: a digest of
/// the operating system's machine id and the folder's full path. A vault copied to another
/// laptop (or another folder) no longer matches, and mints its own device id.
fn device_binding(dir: &Path) -> String {
    let machine = ["/etc/machine-id", "/var/lib/dbus/machine-id"]
        .iter()
        .find_map(|path| fs::read_to_string(path).ok())
        .unwrap_or_default();
    let folder = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    hex::encode(crate::crypto::sha256_parts(&[
        b"acompana-device-binding",
        machine.trim().as_bytes(),
        folder.as_os_str().as_encoded_bytes(),
    ]))
}

/// This laptop's device id for the vault. Two laptops must never write operations under one
/// device id (their sequence numbers would clash), so a vault whose binding does not match
/// where it is now (copied, restored elsewhere, or made before bindings existed) gets a new
/// device id, whose sequence starts again at 1; the operations already written keep theirs.
/// So does a vault restored from a backup (the marker [`crate::backup::RESTORED_MARKER`]):
/// the laptop it came from may have written past the backup under its old id.
fn this_device(conn: &Connection, dir: &Path) -> Result<String> {
    let binding = device_binding(dir);
    let marker = dir.join(crate::backup::RESTORED_MARKER);
    let restored = marker.exists();
    let stored: Option<String> = conn
        .query_row(
            "SELECT value FROM vault_meta WHERE key = ?1",
            [DEVICE_BINDING],
            |row| row.get(0),
        )
        .optional()?;
    if stored.as_deref() == Some(binding.as_str()) && !restored {
        return meta(conn, "device_id");
    }
    let device_id = Uuid::new_v4().to_string();
    let tx = conn.unchecked_transaction()?;
    for (key, value) in [("device_id", &device_id), (DEVICE_BINDING, &binding)] {
        tx.execute(
            "INSERT INTO vault_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
    }
    tx.commit()?;
    if restored {
        fs::remove_file(&marker)?;
    }
    Ok(device_id)
}

/// Gives this laptop its sync keys when its device id has none (a new vault, or a vault
/// copied here, which minted a new device id), and registers it in the organization's
/// device registry when whoever opens it may register laptops. A laptop that joined with a
/// join file is registered by the coordinator who prepared it.
fn sync_identity(tx: &Connection, device_id: &str, me: &staff::StaffMember) -> Result<()> {
    crate::sync::device::ensure_keys(tx, device_id)?;
    let listed = crate::sync::device::entry(tx, device_id)?.is_some();
    if !listed && me.role != Role::Caseworker {
        let this = crate::sync::device::this_device(tx, device_id)?;
        let recipient = this.identity.recipient();
        let signing = hex::encode(this.signing.public());
        crate::sync::device::register(
            tx,
            crate::changelog::Writer::new(device_id, &me.id),
            device_id,
            crate::sync::device::first_fields(
                &format!("Laptop de {}", me.display_name),
                &me.id,
                &me.id,
                Some((&recipient, &signing)),
                None,
            ),
        )?;
    }
    Ok(())
}

/// A colleague's new laptop: a join file from a coordinator, its one-off passphrase, and her
/// new password.
pub struct Joining<'a> {
    pub file: &'a [u8],
    pub passphrase: &'a str,
    pub password: &'a SecretString,
}

/// Creates this laptop's vault from a join file: the organization's id, name and country,
/// her member of staff (with her own password and a new recovery code, returned once), the
/// device id the coordinator registered, and everything her role may see. The laptop's keys
/// are minted here; its first file to the coordinator's laptop proves it holds the join
/// secret, and only then do the other laptops accept its files.
pub fn join(
    paths: &VaultPaths,
    joining: Joining<'_>,
    kdf: KdfChoice,
) -> Result<(Vault, RecoveryCode)> {
    join_watched(paths, joining, kdf, &crate::progress::Progress::default())
}

/// [`join`], reporting how far loading her files has gone to `progress`, which can stop it:
/// a stopped join leaves no vault behind, as a refused one.
pub fn join_watched(
    paths: &VaultPaths,
    joining: Joining<'_>,
    kdf: KdfChoice,
    progress: &crate::progress::Progress,
) -> Result<(Vault, RecoveryCode)> {
    let _watching = crate::progress::Watching::start(progress);
    use crate::sync::manifest::{FileKind, Frame, Refusal, Registration};
    let refuse = |refusal: Refusal| Error::SyncRefused(refusal.code());
    staff::check_new_password(joining.password.expose_secret())?;
    if paths.exists() {
        return Err(Error::VaultExists(paths.dir.clone()));
    }
    let passphrase = crate::sync::device::normalize_passphrase(joining.passphrase);
    let plaintext =
        crate::sync::container::open_with_passphrase(joining.file, &passphrase).map_err(refuse)?;
    let frame = Frame::read(&plaintext).map_err(refuse)?;
    let manifest = frame.manifest.clone();
    let (FileKind::Join, Some(info)) = (manifest.kind, manifest.join.clone()) else {
        return Err(refuse(Refusal::NotAJoinFile));
    };
    if (info.expires_ms as i64) < chrono::Utc::now().timestamp_millis() {
        return Err(refuse(Refusal::JoinExpired));
    }
    let operations = crate::sync::payload::decode(frame.payload, &manifest).map_err(refuse)?;
    // The file states its sender's key in its own registry records; the passphrase is what
    // makes it trusted.
    let folded = |record_type: &str, id: &str| {
        let ops: Vec<_> = operations
            .iter()
            .filter(|op| op.record_type == record_type && op.record_id == id)
            .cloned()
            .collect();
        crate::changelog::fold(&ops)
            .into_values()
            .next()
            .unwrap_or_default()
    };
    let sender = folded(crate::sync::device::RECORD_TYPE, &manifest.sender_device);
    let sender_key: [u8; 32] = sender
        .fields
        .get("signingKey")
        .and_then(serde_json::Value::as_str)
        .and_then(|text| hex::decode(text).ok())
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(refuse(Refusal::UnknownDevice))?;
    crate::sync::signing::verify(&frame, &sender_key).map_err(refuse)?;
    let member = folded(staff::RECORD_TYPE, &info.staff_id);
    let text = |name: &str| {
        member
            .fields
            .get(name)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    let (Some(username), Some(display_name), Some(role)) =
        (text("username"), text("displayName"), text("role"))
    else {
        return Err(refuse(Refusal::BadManifest(
            "the join names no member of staff",
        )));
    };
    let role: Role = role.parse()?;
    let username = staff::Username::parse(&username)?;
    let country: crate::Country = info.country.parse()?;

    fs::create_dir_all(&paths.dir)?;
    restrict_permissions(&paths.dir)?;
    let params = kdf.params();
    let master = SecretKey::generate();
    let vault_id = Uuid::new_v4();
    let (mut slots, code, my_label) =
        first_slots(vault_id, &username, joining.password, params, &master)?;
    let device_id = info.device_id.clone();
    let result = (|| -> Result<Vault> {
        let mut conn = store::open(&paths.db, &master, true)?;
        restrict_permissions(&paths.db)?;
        store::migrations::apply(&mut conn)?;
        conn.execute("DELETE FROM vault_meta WHERE key = 'tasks_stale'", [])?;
        let tx = conn.transaction()?;
        for (key, value) in [
            ("vault_id", vault_id.to_string()),
            ("org_id", manifest.organization_id.clone()),
            ("device_id", device_id.clone()),
            (DEVICE_BINDING, device_binding(&paths.dir)),
            ("org_name", info.org_name.clone()),
            ("country", country.code().to_string()),
            ("created_at", crate::now_rfc3339()),
        ] {
            tx.execute(
                "INSERT INTO vault_meta (key, value) VALUES (?1, ?2)",
                params![key, value],
            )?;
        }
        let now = crate::now_rfc3339();
        tx.execute(
            "INSERT INTO staff (id, username, display_name, role, active, slot_label, created_at)
             VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6)",
            params![
                info.staff_id,
                username.as_str(),
                display_name,
                role.as_str(),
                my_label.as_slice(),
                now
            ],
        )?;
        settings::store(&tx, &Settings::default())?;
        crate::sync::device::ensure_keys(&tx, &device_id)?;
        let this = crate::sync::device::this_device(&tx, &device_id)?;
        let recipient = this.identity.recipient();
        let signing_key = hex::encode(this.signing.public());
        let proof = crate::sync::device::join_proof(
            &crate::sync::device::proof_key(&passphrase),
            &device_id,
            &recipient,
            &signing_key,
        );
        let registration = Registration {
            age_recipient: recipient,
            signing_key,
            proof: hex::encode(proof),
        };
        tx.execute(
            "INSERT INTO vault_meta (key, value) VALUES ('join_registration', ?1)",
            [serde_json::to_string(&registration)?],
        )?;
        let slots_ref = &slots;
        let label = |name: &str| slots_ref.staff_label(name);
        crate::sync::import::apply(
            &tx,
            &crate::sync::import::ApplyContext {
                device_id: &device_id,
                me: &info.staff_id,
                catalog: crate::catalog::for_country(country),
                slot_label: &label,
                progress,
            },
            &[crate::sync::import::Verified {
                manifest: manifest.clone(),
                operations,
                registration: None,
            }],
        )?;
        mark_session_open(&tx)?;
        for action in [AuditAction::VaultJoined, AuditAction::SignedIn] {
            audit::append(
                &tx,
                NewEntry {
                    device_id: &device_id,
                    actor_id: Some(&info.staff_id),
                    action,
                    target_id: None,
                    detail: None,
                    at: None,
                },
            )?;
        }
        progress.check()?;
        first_generation(&tx, &mut slots)?;
        tx.commit()?;
        write_atomic(&paths.keyslots, &slots.to_bytes(&master))?;
        let me = staff::by_id(&conn, &info.staff_id)?;
        Ok(Vault {
            paths: paths.clone(),
            conn,
            master,
            slots: slots.clone(),
            device_id: device_id.clone(),
            me,
            progress: Default::default(),
        })
    })();
    match result {
        Ok(vault) => Ok((vault, code)),
        Err(error) => {
            remove_half_made(paths);
            Err(error)
        }
    }
}

fn session_was_open(conn: &Connection) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM vault_meta WHERE key = ?1)",
        [SESSION_OPEN],
        |row| row.get(0),
    )
    .map_err(|_| Error::VaultCorrupt("the database could not be read"))
}

fn mark_session_open(conn: &Connection) -> Result<()> {
    conn.execute(
        "INSERT INTO vault_meta (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![SESSION_OPEN, crate::now_rfc3339()],
    )?;
    Ok(())
}

/// Unlocks the vault as `username`. A wrong username, a wrong password, a disabled account and
/// a damaged slot of her own all answer [`Error::WrongCredentials`], after the same effort.
pub fn unlock(paths: &VaultPaths, username: &str, password: &SecretString) -> Result<Vault> {
    finish_interrupted_rekey(paths)?;
    let slots = read_keyslots(paths)?;
    let throttle = Throttle::for_vault(&slots.vault_id)?;
    throttle.wait()?;
    let username = staff::Username::typed(username);
    let label = slots.staff_label(username.as_str());
    let master = match slots.find(&label) {
        Some(slot) => slot.unwrap_key(&slots.vault_id, password.expose_secret().as_bytes())?,
        None => {
            keyslots::spend_equal_effort(
                password.expose_secret().as_bytes(),
                slots.default_params(),
            );
            None
        }
    };
    let Some(master) = master else {
        throttle.record_failure()?;
        return Err(Error::WrongCredentials);
    };
    let mut conn = open_checked(paths, &slots, &master)?;
    let me = match staff::by_username(&conn, &username) {
        Ok(member) if member.active && staff::slot_label(&conn, &member.id)? == label => member,
        Ok(_) | Err(Error::StaffNotFound) => {
            throttle.record_failure()?;
            return Err(Error::WrongCredentials);
        }
        Err(other) => return Err(other),
    };
    store::migrations::apply(&mut conn)?;
    crate::records::tasks::rebuild_if_stale(&conn)?;
    let device_id = this_device(&conn, &paths.dir)?;
    staff::put_roster_on_log(&conn, &device_id)?;
    let failures = throttle.take_and_reset()?;
    let tx = conn.transaction()?;
    sync_identity(&tx, &device_id, &me)?;
    for at in &failures {
        audit::append(
            &tx,
            NewEntry {
                device_id: &device_id,
                actor_id: None,
                action: AuditAction::SignInFailed,
                target_id: None,
                detail: None,
                at: Some(at),
            },
        )?;
    }
    audit::append(
        &tx,
        NewEntry {
            device_id: &device_id,
            actor_id: Some(&me.id),
            action: AuditAction::SignedIn,
            target_id: None,
            detail: None,
            at: None,
        },
    )?;
    mark_session_open(&tx)?;
    tx.commit()?;
    let mut vault = Vault {
        paths: paths.clone(),
        conn,
        master,
        slots,
        device_id,
        me,
        progress: Default::default(),
    };
    vault.anchor_at_sign_in(&label, password)?;
    // A prison visit that is over leaves this laptop at sign-in. A failure here must not
    // keep her out: it is tried again after every import and whenever the app asks.
    if let Err(error) = vault.visit_check(crate::sync::visit::now_ms()) {
        tracing::warn!(code = ?error.code(), "ending a visit at sign-in failed");
    }
    Ok(vault)
}

/// Opens the vault with the printed recovery code and sets a new password for `username`
/// (any active member of staff; usually an administrator who forgot hers), signing her in.
pub fn recover(
    paths: &VaultPaths,
    recovery_code: &SecretString,
    username: &str,
    new_password: &SecretString,
) -> Result<Vault> {
    staff::check_new_password(new_password.expose_secret())?;
    finish_interrupted_rekey(paths)?;
    let slots = read_keyslots(paths)?;
    let throttle = Throttle::for_vault(&slots.vault_id)?;
    throttle.wait()?;
    let recovery_slot = slots
        .find(&slots.recovery_label())
        .ok_or(Error::VaultCorrupt("the recovery slot is missing"))?;
    let master = match RecoveryCode::normalize(recovery_code.expose_secret()) {
        Some(canonical) => recovery_slot.unwrap_key(&slots.vault_id, canonical.as_bytes())?,
        None => {
            keyslots::spend_equal_effort(b"not a code", recovery_slot.kdf);
            None
        }
    };
    let Some(master) = master else {
        throttle.record_failure()?;
        return Err(Error::WrongRecoveryCode);
    };
    let mut conn = open_checked(paths, &slots, &master)?;
    store::migrations::apply(&mut conn)?;
    crate::records::tasks::rebuild_if_stale(&conn)?;
    let me = staff::by_username(&conn, &staff::Username::typed(username))?;
    if !me.active {
        return Err(Error::StaffNotFound);
    }
    let device_id = this_device(&conn, &paths.dir)?;
    staff::put_roster_on_log(&conn, &device_id)?;
    {
        let tx = conn.unchecked_transaction()?;
        sync_identity(&tx, &device_id, &me)?;
        tx.commit()?;
    }
    let failures = throttle.take_and_reset()?;
    let mut vault = Vault {
        paths: paths.clone(),
        conn,
        master,
        slots,
        device_id,
        me,
        progress: Default::default(),
    };
    let my_id = vault.me.id.clone();
    vault.rewrap_slot(
        &my_id,
        new_password,
        AuditAction::PasswordRecovered,
        |tx, device| {
            for at in &failures {
                audit::append(
                    tx,
                    NewEntry {
                        device_id: device,
                        actor_id: None,
                        action: AuditAction::SignInFailed,
                        target_id: None,
                        detail: Some("recovery"),
                        at: Some(at),
                    },
                )?;
            }
            mark_session_open(tx)
        },
    )?;
    Ok(vault)
}
