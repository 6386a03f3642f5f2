//! The commands the UI may call, one module per area. Each is a few lines: take typed
//! arguments, call the core, map the result.

pub mod audit;
pub mod backup;
pub mod crash;
pub mod demo;
pub mod directory;
pub mod legal;
pub mod participants;
pub mod preferences;
pub mod records;
pub mod rights;
pub mod session;
pub mod settings;
pub mod staff;
pub mod summary;
pub mod sync;
pub mod tasks;
pub mod vault;
