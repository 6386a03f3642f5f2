//! Case records, one module per area. Every change goes through [`crate::changelog::record`]
//! in the same transaction as the visible row.

pub mod participants;
pub mod search;
