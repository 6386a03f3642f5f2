//! Sync between laptops by encrypted file (issue 10; under construction).
//!
//! What is here so far is the inside of a sync file, below the age encryption: the frame
//! (magic, signed manifest, payload), the manifest's strict reader and the device's
//! Ed25519 signature over it, each refusing bad input
//! with a typed [`Refusal`] before anything else reads it. The format is written down in
//! `docs/sync-format.md`; nothing writes or imports sync files yet.

pub mod manifest;
pub mod signing;

pub use manifest::{DeviceRange, FileKind, Frame, Manifest, Refusal};
pub use signing::DeviceSigningKey;
