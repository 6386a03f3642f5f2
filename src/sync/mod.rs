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

pub use device::Device;
pub use export::{ExportedFile, NewDevice};
pub use import::{ChangedFile, ImportReport};
pub use manifest::{DeviceRange, FileKind, Frame, Manifest, Refusal};
pub use signing::DeviceSigningKey;
