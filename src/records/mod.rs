//! Case records, one module per area. Every change goes through [`crate::changelog::record`]
//! in the same transaction as the visible row: participants through their own module, every
//! other record of a file through [`case_file`]'s one write path; [`record`] is the record
//! type and its readers.

pub mod case_file;
pub mod community_service;
pub mod consent;
pub mod contacts;
pub mod directory;
pub mod documents;
pub mod eligibility;
pub mod facts;
pub mod household;
pub mod housing;
pub mod legal;
pub mod needs;
pub mod overview;
pub mod participants;
pub mod record;
pub mod referrals;
pub mod rights;
pub mod schema;
pub mod search;
pub mod tasks;
pub mod validate;
