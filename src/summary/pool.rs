//! Regional pooling (`docs/summaries.md`, "Contributions"): an organization sends a network
//! coordinator its true counts for a closed quarter — aggregates by each indicator's own
//! categories, never a record — signed by its laptop and sealed (age) to the coordinator's
//! laptop. The coordinator pools two or more organizations' contributions into one report,
//! protected like a public summary and frozen per quarter.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::disclosure::{self, Rules};
use super::indicators::{self, RawTable, Tally};
use super::period::Quarter;
use super::release::{self, Kind};
use super::{cohort, cohort_of, context, method, Audience, Summary, SummaryTable};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::staff::Role;
use crate::sync::container::{self, DeviceIdentity};
use crate::sync::signing::DeviceSigningKey;
use crate::vault::Vault;

/// The contribution format this build writes and reads.
pub const FORMAT: &str = "acompana-summary-contribution";
pub const VERSION: u32 = 1;
/// What a signature covers: this prefix, then the contribution's JSON.
const SIGNED_PREFIX: &[u8] = b"acompana-summary-contribution-v1\0";
/// The largest contribution file read.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;
const MAX_CELLS: usize = 20_000;
const MAX_LABEL_CHARS: usize = 80;
const MAX_COUNT: u64 = 10_000_000;
/// The fewest organizations a pooled report is published from.
pub const MIN_ORGANIZATIONS: usize = 2;

/// One cell of a contribution: a true count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionCell {
    pub labels: BTreeMap<String, String>,
    pub count: u64,
}

/// One indicator's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionTable {
    pub indicator: String,
    pub breakdowns: Vec<String>,
    pub cells: Vec<ContributionCell>,
}

/// What an organization sends, before it is signed and sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Contribution {
    pub format: String,
    pub version: u32,
    pub organization_id: String,
    pub organization_name: String,
    pub country: String,
    pub period: String,
    pub revision: u32,
    pub produced_on: String,
    /// The network coordinator's key it is sealed to.
    pub recipient: String,
    /// The sending laptop's Ed25519 key (hex).
    pub signing_key: String,
    pub tables: Vec<ContributionTable>,
}

/// The sealed file's content: the contribution's JSON and its signature.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    contribution: String,
    signature: Option<String>,
}

fn refused(reason: &'static str) -> Error {
    Error::ContributionRefused(reason)
}

impl Vault {
    /// This organization's contribution for a closed quarter, signed and sealed to
    /// `recipient` (the network coordinator's laptop key, `age1…`). Frozen like a public
    /// summary: asked again, it carries the same counts.
    pub fn summary_contribute(&mut self, period: &str, recipient: &str) -> Result<Vec<u8>> {
        self.summary_contribute_on(period, recipient, chrono::Local::now().date_naive())
    }

    pub fn summary_contribute_on(
        &mut self,
        period: &str,
        recipient: &str,
        today: NaiveDate,
    ) -> Result<Vec<u8>> {
        self.require(&[Role::Coordinator, Role::Admin])?;
        let quarter = Quarter::parse(period)?;
        if !quarter.closed(today) {
            return Err(Error::QuarterOpen);
        }
        let recipient = recipient.trim();
        if !container::is_recipient(recipient) {
            return Err(Error::invalid("recipient", "not a laptop key (age1…)"));
        }
        let country = self.country()?;
        let catalog = crate::catalog::for_country(country);
        let info = self.session_info()?;
        let organization_id = self.organization_id()?;
        let this = crate::sync::device::this_device(&self.conn, self.device_id())?;
        let tx = self.conn.unchecked_transaction()?;
        let revision = release::revision(&tx, quarter)?.revision;
        // Kept on this laptop only (true counts never travel to the others by sync).
        let kept: Option<(String, String)> = tx
            .query_row(
                "SELECT tables, produced_on FROM summary_contributions
                 WHERE period = ?1 AND revision = ?2",
                rusqlite::params![quarter.to_string(), revision],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(other),
            })?;
        let (tables, produced_on): (Vec<ContributionTable>, String) = match kept {
            Some((tables, produced_on)) => (
                serde_json::from_str(&tables)
                    .map_err(|_| Error::VaultCorrupt("bad kept contribution"))?,
                produced_on,
            ),
            None => {
                let women = cohort::load(&tx, catalog)?;
                let (included, _) = cohort_of(&women, quarter);
                let tables: Vec<ContributionTable> = indicators::INDICATORS
                    .iter()
                    .map(|indicator| {
                        let raw = indicators::count(
                            indicator,
                            None,
                            &included,
                            &context(quarter, catalog),
                        );
                        ContributionTable {
                            indicator: indicator.id.to_string(),
                            breakdowns: raw.dims.clone(),
                            cells: raw
                                .cells
                                .iter()
                                .filter(|(_, t)| t.count > 0)
                                .map(|(labels, tally)| ContributionCell {
                                    labels: raw
                                        .dims
                                        .iter()
                                        .cloned()
                                        .zip(labels.iter().cloned())
                                        .collect(),
                                    count: tally.count,
                                })
                                .collect(),
                        }
                    })
                    .collect();
                tx.execute(
                    "INSERT INTO summary_contributions (period, revision, tables, produced_on)
                         VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![
                        quarter.to_string(),
                        revision,
                        serde_json::to_string(&tables)?,
                        today.to_string()
                    ],
                )?;
                (tables, today.to_string())
            }
        };
        let contribution = Contribution {
            format: FORMAT.into(),
            version: VERSION,
            organization_id,
            organization_name: info.org_name,
            country: country.code().into(),
            period: quarter.to_string(),
            revision,
            produced_on,
            recipient: recipient.to_string(),
            signing_key: hex::encode(this.signing.public()),
            tables,
        };
        let file = seal(&contribution, Some(&this.signing))?;
        self.audit_summary(
            &tx,
            AuditAction::SummaryContributed,
            &serde_json::json!({"period": period, "recipient": recipient}),
            &contribution,
        )?;
        tx.commit()?;
        Ok(file)
    }

    /// This laptop's key for receiving contributions (`age1…`), to give the organizations of
    /// a network.
    pub fn summary_recipient(&self) -> Result<String> {
        self.require(&[Role::Coordinator, Role::Admin])?;
        Ok(
            crate::sync::device::this_device(&self.conn, self.device_id())?
                .identity
                .recipient(),
        )
    }

    /// Pools contributions (the sealed files' bytes) for one closed quarter into one protected
    /// report, frozen per quarter: asked again, with or without a contribution, it is the same
    /// report, and it lists the organizations it holds. Every file is read and checked before
    /// anything is kept; one refused file refuses them all and changes nothing.
    pub fn summary_pool(&mut self, files: &[Vec<u8>]) -> Result<Summary> {
        self.summary_pool_on(files, chrono::Local::now().date_naive())
    }

    pub fn summary_pool_on(&mut self, files: &[Vec<u8>], today: NaiveDate) -> Result<Summary> {
        self.require(&[Role::Coordinator, Role::Admin])?;
        let this = crate::sync::device::this_device(&self.conn, self.device_id())?;
        let me = this.identity.recipient();
        let mut read = Vec::new();
        for file in files {
            read.push(open(file, &this.identity, &me)?);
        }
        let Some(first) = read.first() else {
            return Err(refused("too_few_organizations"));
        };
        let quarter = Quarter::parse(&first.period).map_err(|_| refused("malformed"))?;
        if read.iter().any(|c| c.period != first.period) {
            return Err(refused("periods_differ"));
        }
        if !quarter.closed(today) {
            return Err(Error::QuarterOpen);
        }
        let ids: BTreeSet<&str> = read.iter().map(|c| c.organization_id.as_str()).collect();
        if ids.len() != read.len() {
            return Err(refused("same_organization_twice"));
        }
        let tx = self.conn.unchecked_transaction()?;
        // Each organization signs with the key it first used.
        for contribution in &read {
            let key = hex::decode(&contribution.signing_key).map_err(|_| refused("malformed"))?;
            let known: Option<Vec<u8>> = tx
                .query_row(
                    "SELECT signing_key FROM pool_members WHERE organization_id = ?1",
                    [&contribution.organization_id],
                    |row| row.get(0),
                )
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    other => Err(other),
                })?;
            match known {
                Some(known) if known != key => return Err(refused("foreign")),
                Some(_) => {}
                None => {
                    tx.execute(
                        "INSERT INTO pool_members (organization_id, name, signing_key, first_seen)
                         VALUES (?1, ?2, ?3, ?4)",
                        rusqlite::params![
                            contribution.organization_id,
                            contribution.organization_name,
                            key,
                            today.to_string()
                        ],
                    )?;
                }
            }
        }
        let revision = release::revision(&tx, quarter)?.revision;
        #[derive(Serialize, Deserialize)]
        struct Pooled {
            tables: Vec<SummaryTable>,
            not_included: super::SummaryCell,
        }
        let (pooled, organizations) =
            match release::frozen::<Pooled>(&tx, Kind::Pool, quarter, revision, "all")? {
                Some(frozen) => (frozen.body, frozen.organizations),
                None => {
                    if read.len() < MIN_ORGANIZATIONS {
                        return Err(refused("too_few_organizations"));
                    }
                    let mut organizations: Vec<String> =
                        read.iter().map(|c| c.organization_name.clone()).collect();
                    organizations.sort();
                    let pooled = Pooled {
                        tables: pool_tables(&read),
                        not_included: super::SummaryCell {
                            labels: BTreeMap::new(),
                            count: None,
                            display: "-".into(),
                            percent: None,
                        },
                    };
                    release::freeze(
                        &tx,
                        self.writer(),
                        Kind::Pool,
                        quarter,
                        revision,
                        "all",
                        &pooled,
                        &today.to_string(),
                        &organizations,
                    )?;
                    (pooled, organizations)
                }
            };
        let summary = Summary {
            period: quarter.to_string(),
            to: quarter.to_string(),
            audience: Audience::Pool,
            k: super::default_k(Audience::Pool),
            method: method(Audience::Pool),
            organization: self.session_info()?.org_name,
            organizations,
            produced_on: today.to_string(),
            not_included: pooled.not_included,
            tables: pooled.tables,
            revisions: vec![release::revision(&tx, quarter)?],
        };
        self.audit_summary(
            &tx,
            AuditAction::SummaryPooled,
            &serde_json::json!({"period": quarter.to_string(), "files": files.len()}),
            &summary,
        )?;
        tx.commit()?;
        Ok(summary)
    }
}

/// Signs (when a key is given) and seals a contribution to its recipient.
pub fn seal(contribution: &Contribution, signing: Option<&DeviceSigningKey>) -> Result<Vec<u8>> {
    let body = serde_json::to_string(contribution)?;
    let signature = signing.map(|key| {
        let mut signed = SIGNED_PREFIX.to_vec();
        signed.extend_from_slice(body.as_bytes());
        hex::encode(key.sign(&signed))
    });
    let envelope = serde_json::to_vec(&Envelope {
        contribution: body,
        signature,
    })?;
    container::seal_to_devices(&envelope, std::slice::from_ref(&contribution.recipient))
}

/// Opens, verifies and checks one contribution file addressed to `me`.
pub fn open(file: &[u8], identity: &DeviceIdentity, me: &str) -> Result<Contribution> {
    if file.len() > MAX_FILE_BYTES {
        return Err(refused("too_large"));
    }
    let plaintext =
        container::open_for_device(file, identity).map_err(|refusal| match refusal {
            crate::sync::manifest::Refusal::NotForThisDevice => refused("foreign"),
            _ => refused("not_a_contribution"),
        })?;
    let envelope: Envelope =
        serde_json::from_slice(&plaintext).map_err(|_| refused("not_a_contribution"))?;
    let Some(signature) = &envelope.signature else {
        return Err(refused("unsigned"));
    };
    // The version first, so a newer format is named as such rather than as damage.
    let version: serde_json::Value =
        serde_json::from_str(&envelope.contribution).map_err(|_| refused("malformed"))?;
    if version.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(refused("not_a_contribution"));
    }
    if version.get("version").and_then(|v| v.as_u64()) != Some(u64::from(VERSION)) {
        return Err(refused("unknown_version"));
    }
    let contribution: Contribution =
        serde_json::from_str(&envelope.contribution).map_err(|_| refused("malformed"))?;
    let key: [u8; 32] = hex::decode(&contribution.signing_key)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or(refused("malformed"))?;
    let signature: [u8; 64] = hex::decode(signature)
        .ok()
        .and_then(|s| s.try_into().ok())
        .ok_or(refused("bad_signature"))?;
    let mut signed = SIGNED_PREFIX.to_vec();
    signed.extend_from_slice(envelope.contribution.as_bytes());
    if !crate::sync::signing::verify_bytes(&signed, &signature, &key) {
        return Err(refused("bad_signature"));
    }
    if contribution.recipient != me {
        return Err(refused("foreign"));
    }
    check(&contribution)?;
    Ok(contribution)
}

/// Everything a contribution says must be what this build counts: known indicators, their
/// own dimensions, plain labels, sane counts.
fn check(contribution: &Contribution) -> Result<()> {
    let bad = || refused("malformed");
    Quarter::parse(&contribution.period).map_err(|_| bad())?;
    if contribution.organization_id.is_empty()
        || contribution.organization_name.trim().is_empty()
        || contribution.organization_name.chars().count() > 200
    {
        return Err(bad());
    }
    let mut cells = 0usize;
    let mut seen = BTreeSet::new();
    for table in &contribution.tables {
        let indicator = indicators::find(&table.indicator).ok_or_else(bad)?;
        if !seen.insert(indicator.id) || table.breakdowns != indicator.dims {
            return Err(bad());
        }
        let mut labels_seen = BTreeSet::new();
        for cell in &table.cells {
            cells += 1;
            let keys: Vec<&String> = cell.labels.keys().collect();
            let mut dims: Vec<&String> = table.breakdowns.iter().collect();
            dims.sort();
            if keys != dims || cell.count > MAX_COUNT || !labels_seen.insert(&cell.labels) {
                return Err(bad());
            }
            if cell.labels.values().any(|l| {
                l.is_empty()
                    || l == disclosure::TOTAL
                    || l.chars().count() > MAX_LABEL_CHARS
                    || l.chars().any(char::is_control)
            }) {
                return Err(bad());
            }
        }
    }
    if cells > MAX_CELLS {
        return Err(bad());
    }
    Ok(())
}

/// The pooled tables: each indicator's counts added up over the organizations, protected at
/// the public threshold, with a cell also hidden when any one organization's share leaves 1
/// to k-1 for the others (an organization subtracting its own counts learns nothing small).
fn pool_tables(read: &[Contribution]) -> Vec<SummaryTable> {
    let k = super::default_k(Audience::Pool);
    let mut out = Vec::new();
    for indicator in indicators::INDICATORS {
        let parts: Vec<RawTable> = read
            .iter()
            .filter_map(|c| c.tables.iter().find(|t| t.indicator == indicator.id))
            .map(|t| RawTable {
                indicator: indicator.id,
                dims: t.breakdowns.clone(),
                categories: t.breakdowns.iter().map(|_| Vec::new()).collect(),
                cells: t
                    .cells
                    .iter()
                    .map(|c| {
                        (
                            t.breakdowns
                                .iter()
                                .map(|d| c.labels.get(d).cloned().unwrap_or_default())
                                .collect(),
                            Tally {
                                count: c.count,
                                key: 0,
                            },
                        )
                    })
                    .collect(),
            })
            .collect();
        if parts.is_empty() {
            continue;
        }
        let mut whole = super::add_raw(parts.clone());
        // Categories in a stable order: as counted, sorted.
        for (at, list) in whole.categories.iter_mut().enumerate() {
            let mut labels: BTreeSet<String> = whole.cells.keys().map(|l| l[at].clone()).collect();
            labels.extend(list.drain(..));
            *list = labels.into_iter().collect();
        }
        if indicator.dims.is_empty() {
            whole.cells.entry(Vec::new()).or_default();
        } else if whole.cells.is_empty() {
            // Nothing to count in any organization (contributions leave out zeros).
            continue;
        }
        let table = disclosure::protect_pooled(
            &whole,
            &parts,
            indicator.unit,
            indicator.sensitive,
            Rules { k, perturb: false },
        );
        out.push(table);
    }
    out
}
