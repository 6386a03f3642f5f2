//! Sync between laptops by encrypted file (`docs/sync-format.md`).
//!
//! A sync file is an age file (`container`) encrypted to the receiving laptops' X25519 keys,
//! or for a new laptop to a one-off passphrase. Inside is a frame: a manifest signed with the
//! sending laptop's Ed25519 key (`manifest`, `signing`), then the operations (`payload`).
//! `device` keeps this laptop's keys and the organization's device registry; `export` writes
//! the files, each with what its receiver has not seen and may see; `import` checks a file
//! whole before applying any of it, in one transaction, refolding every record it touches.

pub mod conflicts;
pub mod container;
pub mod device;
pub mod erasure;
pub mod export;
pub mod import;
pub mod manifest;
#[cfg(test)]
pub(crate) mod pages;
pub mod payload;
pub mod signing;
pub mod visit;

pub use device::Device;
pub use export::{ExportedFile, NewDevice};
pub use import::{ChangedFile, ImportReport};
pub use manifest::{DeviceRange, FileKind, Frame, Manifest, Refusal};
pub use signing::DeviceSigningKey;

/// Whether the laptop of the colleague `staff_id` holds every file: hers is an active
/// coordinator's or administrator's. The one scope rule both sides apply: export sends such
/// a laptop everything, and import counts the gaps in its ranges as nothing it skipped.
pub(crate) fn holds_every_file(
    conn: &rusqlite::Connection,
    staff_id: Option<&str>,
) -> crate::Result<bool> {
    let Some(id) = staff_id else {
        return Ok(false);
    };
    let role: Option<(String, bool)> = rusqlite::OptionalExtension::optional(
        conn.prepare_cached("SELECT role, active FROM staff WHERE id = ?1")?
            .query_row([id], |row| Ok((row.get(0)?, row.get(1)?))),
    )?;
    Ok(matches!(role, Some((role, true)) if role != crate::staff::Role::Caseworker.as_str()))
}
