//! The directory of partner organizations and their services. Entries are shared by the
//! whole team, go through the change log like every record, and hold no personal data.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::catalog::CountryCatalog;
use crate::changelog::{self, Change, OpKind};
use crate::error::{Error, Result};
use crate::records::needs::NeedCategory;
use crate::records::search;
use crate::records::validate;
use crate::staff::Role;
use crate::vault::Vault;

/// What kind of body an organization is. Law 2292 service goes to public bodies and
/// non-profits, never to a private company's profit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKind {
    PublicBody,
    NonProfit,
    Community,
    PrivateCompany,
}

/// A partner organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organization {
    pub name: String,
    pub kind: OrganizationKind,
    pub categories: Vec<NeedCategory>,
    /// E.g. "accepts people with records", "women only", "bring your cédula".
    #[serde(default)]
    pub requirements: Option<String>,
    /// Accepts people with a criminal record.
    #[serde(default)]
    pub accepts_records: bool,
    #[serde(default)]
    pub municipality: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    /// Opening hours.
    #[serde(default)]
    pub hours: Option<String>,
    /// Phone, e-mail, a named contact.
    #[serde(default)]
    pub contact: Option<String>,
    /// When someone last checked that this is still true.
    #[serde(default)]
    pub verified_on: Option<String>,
}

/// One service an organization offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Service {
    pub organization_id: String,
    pub name: String,
    pub category: NeedCategory,
    #[serde(default)]
    pub requirements: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub verified_on: Option<String>,
}

impl Organization {
    fn validate(&mut self, catalog: &CountryCatalog) -> Result<()> {
        self.name = self.name.trim().to_string();
        if self.name.is_empty() {
            return Err(Error::invalid("name", "required"));
        }
        validate::name("name", &self.name)?;
        self.categories.sort();
        self.categories.dedup();
        for (field, value, max) in [
            ("requirements", &mut self.requirements, 1000),
            ("municipality", &mut self.municipality, 200),
            ("department", &mut self.department, 200),
            ("address", &mut self.address, 300),
            ("hours", &mut self.hours, 300),
            ("contact", &mut self.contact, 300),
        ] {
            validate::optional_text(field, value, max)?;
        }
        if let Some(day) = validate::optional_date("verifiedOn", &mut self.verified_on)? {
            validate::past_date("verifiedOn", &day.to_string())?;
        }
        if let Some(department) = &self.department {
            let region = catalog
                .region(department)
                .ok_or(Error::invalid("department", "one of the country's regions"))?;
            self.department = Some(region.to_string());
        }
        Ok(())
    }

    fn search_text(&self) -> String {
        search::fold(&format!(
            "{} {} {} {}",
            self.name,
            self.requirements.as_deref().unwrap_or_default(),
            self.municipality.as_deref().unwrap_or_default(),
            self.department.as_deref().unwrap_or_default(),
        ))
    }
}

impl Service {
    fn validate(&mut self) -> Result<()> {
        self.name = self.name.trim().to_string();
        if self.name.is_empty() {
            return Err(Error::invalid("name", "required"));
        }
        validate::name("name", &self.name)?;
        for (field, value, max) in [
            ("requirements", &mut self.requirements, 1000),
            ("hours", &mut self.hours, 300),
            ("contact", &mut self.contact, 300),
        ] {
            validate::optional_text(field, value, max)?;
        }
        if let Some(day) = validate::optional_date("verifiedOn", &mut self.verified_on)? {
            validate::past_date("verifiedOn", &day.to_string())?;
        }
        Ok(())
    }
}

/// An organization with its services, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DirectoryOrganization {
    pub id: String,
    pub organization: Organization,
    pub services: Vec<DirectoryService>,
}

/// A service with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DirectoryService {
    pub id: String,
    pub service: Service,
}

/// What to look for in the directory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct DirectoryQuery {
    /// Words found in the name, requirements, place or a service's name (accents ignored).
    pub text: Option<String>,
    pub category: Option<NeedCategory>,
    pub department: Option<String>,
    /// Only organizations that accept people with records.
    pub accepts_records: bool,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// A page of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DirectoryPage {
    pub items: Vec<DirectoryOrganization>,
    pub total: u32,
}

fn category_tag(category: NeedCategory) -> String {
    format!(
        " {} ",
        serde_json::to_value(category)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    )
}

fn fields<T: Serialize>(value: &T) -> Result<Map<String, Value>> {
    match serde_json::to_value(value)? {
        Value::Object(map) => Ok(map),
        _ => Err(Error::Internal("a directory entry is not an object".into())),
    }
}

/// Reads one organization (not deleted).
pub(crate) fn organization(conn: &Connection, id: &str) -> Result<Option<Organization>> {
    let data: Option<String> = conn
        .prepare_cached(
            "SELECT data FROM directory WHERE id = ?1 AND kind = 'organization' AND deleted = 0",
        )?
        .query_row([id], |row| row.get(0))
        .optional()?;
    data.map(|d| serde_json::from_str(&d).map_err(|_| Error::VaultCorrupt("bad directory entry")))
        .transpose()
}

/// A directory row about to be written.
struct Entry<'a> {
    kind: &'static str,
    id: &'a str,
    organization_id: &'a str,
    fields: Map<String, Value>,
    search_text: String,
    categories: String,
}

/// Writes an entry and its operations in the caller's transaction: one `create` carrying the
/// fields, or one `set` per changed field.
fn write(conn: &Connection, writer: changelog::Writer<'_>, entry: Entry<'_>) -> Result<()> {
    let Entry {
        kind,
        id,
        organization_id,
        fields: new,
        search_text,
        categories,
    } = entry;
    let old: Option<(String, bool)> = conn
        .prepare_cached("SELECT data, deleted FROM directory WHERE id = ?1 AND kind = ?2")?
        .query_row(params![id, kind], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    match old {
        Some((_, true)) => return Err(Error::NotFound),
        Some((old, false)) => {
            let old: Map<String, Value> = serde_json::from_str(&old)
                .map_err(|_| Error::VaultCorrupt("bad directory entry"))?;
            for (field, value) in &new {
                if old.get(field).unwrap_or(&Value::Null) != value {
                    changelog::record(
                        conn,
                        writer,
                        Change {
                            record_type: kind,
                            record_id: id,
                            field,
                            kind: OpKind::Set,
                            value: Some(value.clone()),
                            participant_id: None,
                        },
                    )?;
                }
            }
        }
        None => {
            let value: Map<String, Value> = new
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            changelog::record(
                conn,
                writer,
                Change {
                    record_type: kind,
                    record_id: id,
                    field: "",
                    kind: OpKind::Create,
                    value: Some(Value::Object(value)),
                    participant_id: None,
                },
            )?;
        }
    }
    conn.prepare_cached(
        "INSERT INTO directory (id, kind, organization_id, data, search_text, categories)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(id) DO UPDATE SET data = excluded.data, search_text = excluded.search_text,
                                       categories = excluded.categories",
    )?
    .execute(params![
        id,
        kind,
        organization_id,
        Value::Object(new).to_string(),
        search_text,
        categories
    ])?;
    Ok(())
}

/// Writes a directory entry as the change log states it (it arrived by sync). An entry whose
/// fields do not make an organization or a service (its `create` not held here) writes
/// nothing.
pub(crate) fn write_folded(
    conn: &Connection,
    kind: &str,
    id: &str,
    state: &changelog::RecordState,
) -> Result<()> {
    let object = Value::Object(state.fields.clone().into_iter().collect());
    let (kind, organization_id, fields, search_text, categories) = match kind {
        "organization" => {
            let Ok(organization) = serde_json::from_value::<Organization>(object) else {
                return Ok(());
            };
            let categories: String = organization
                .categories
                .iter()
                .map(|c| category_tag(*c))
                .collect();
            (
                "organization",
                id.to_string(),
                fields(&organization)?,
                organization.search_text(),
                categories,
            )
        }
        _ => {
            let Ok(service) = serde_json::from_value::<Service>(object) else {
                return Ok(());
            };
            (
                "service",
                service.organization_id.clone(),
                fields(&service)?,
                search::fold(&format!(
                    "{} {}",
                    service.name,
                    service.requirements.as_deref().unwrap_or_default()
                )),
                category_tag(service.category),
            )
        }
    };
    conn.prepare_cached(
        "INSERT INTO directory (id, kind, organization_id, data, search_text, categories, deleted)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(id) DO UPDATE SET data = excluded.data, search_text = excluded.search_text,
             categories = excluded.categories, organization_id = excluded.organization_id,
             deleted = excluded.deleted",
    )?
    .execute(params![
        id,
        kind,
        organization_id,
        Value::Object(fields).to_string(),
        search_text,
        categories,
        state.deleted
    ])?;
    Ok(())
}

pub(crate) fn save_organization(
    conn: &Connection,
    writer: changelog::Writer<'_>,
    id: Option<&str>,
    mut organization: Organization,
    catalog: &CountryCatalog,
) -> Result<String> {
    organization.validate(catalog)?;
    let id = id
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let categories: String = organization
        .categories
        .iter()
        .map(|c| category_tag(*c))
        .collect();
    write(
        conn,
        writer,
        Entry {
            kind: "organization",
            id: &id,
            organization_id: &id,
            fields: fields(&organization)?,
            search_text: organization.search_text(),
            categories,
        },
    )?;
    Ok(id)
}

pub(crate) fn save_service(
    conn: &Connection,
    writer: changelog::Writer<'_>,
    id: Option<&str>,
    mut service: Service,
) -> Result<String> {
    service.validate()?;
    if organization(conn, &service.organization_id)?.is_none() {
        return Err(Error::invalid("organizationId", "not in the directory"));
    }
    let id = id
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    write(
        conn,
        writer,
        Entry {
            kind: "service",
            id: &id,
            organization_id: &service.organization_id,
            fields: fields(&service)?,
            search_text: search::fold(&format!(
                "{} {}",
                service.name,
                service.requirements.as_deref().unwrap_or_default()
            )),
            categories: category_tag(service.category),
        },
    )?;
    Ok(id)
}

impl Vault {
    /// Adds an organization to the directory, or changes one.
    pub fn directory_save_organization(
        &mut self,
        id: Option<&str>,
        organization: Organization,
    ) -> Result<DirectoryOrganization> {
        let tx = self.conn.unchecked_transaction()?;
        let catalog = crate::catalog::for_country(self.country()?);
        let id = save_organization(&tx, self.writer(), id, organization, catalog)?;
        tx.commit()?;
        self.directory_get(&id)
    }

    /// Adds a service to an organization, or changes one.
    pub fn directory_save_service(
        &mut self,
        id: Option<&str>,
        service: Service,
    ) -> Result<DirectoryOrganization> {
        let organization_id = service.organization_id.clone();
        let tx = self.conn.unchecked_transaction()?;
        save_service(&tx, self.writer(), id, service)?;
        tx.commit()?;
        self.directory_get(&organization_id)
    }

    /// Removes an organization (with its services) or one service. Coordinators and
    /// administrators only: referrals point at these entries.
    pub fn directory_delete(&mut self, id: &str) -> Result<()> {
        self.require(&[Role::Admin, Role::Coordinator])?;
        let kind: Option<String> = self
            .conn
            .query_row(
                "SELECT kind FROM directory WHERE id = ?1 AND deleted = 0",
                [id],
                |row| row.get(0),
            )
            .optional()?;
        let kind = kind.ok_or(Error::NotFound)?;
        let tx = self.conn.unchecked_transaction()?;
        let mut ids = vec![(kind, id.to_string())];
        if ids[0].0 == "organization" {
            let mut statement = tx.prepare(
                "SELECT id FROM directory WHERE organization_id = ?1 AND kind = 'service'
                 AND deleted = 0",
            )?;
            let services: Vec<String> = statement
                .query_map([id], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            ids.extend(services.into_iter().map(|s| ("service".to_string(), s)));
        }
        for (kind, id) in &ids {
            tx.execute("UPDATE directory SET deleted = 1 WHERE id = ?1", [id])?;
            changelog::record(
                &tx,
                self.writer(),
                Change {
                    record_type: kind,
                    record_id: id,
                    field: "",
                    kind: OpKind::Delete,
                    value: None,
                    participant_id: None,
                },
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// One organization and its services.
    pub fn directory_get(&self, id: &str) -> Result<DirectoryOrganization> {
        let organization = organization(&self.conn, id)?.ok_or(Error::NotFound)?;
        Ok(DirectoryOrganization {
            id: id.to_string(),
            services: services_of(&self.conn, id)?,
            organization,
        })
    }

    /// Searches the directory: an organization matches when it or one of its services does.
    pub fn directory_search(&self, query: &DirectoryQuery) -> Result<DirectoryPage> {
        let terms = search::terms(query.text.as_deref().unwrap_or_default());
        if terms.len() > 20 {
            return Err(Error::invalid("text", "at most 20 words"));
        }
        let mut clauses = vec![
            "o.kind = 'organization'".to_string(),
            "o.deleted = 0".into(),
        ];
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        let matching = |column: &str, pattern: String, values: &mut Vec<_>| {
            values.push(rusqlite::types::Value::Text(pattern));
            let n = values.len();
            format!(
                "(o.{column} LIKE ?{n} ESCAPE '\\' OR EXISTS (SELECT 1 FROM directory s
                   WHERE s.organization_id = o.id AND s.kind = 'service' AND s.deleted = 0
                   AND s.{column} LIKE ?{n} ESCAPE '\\'))"
            )
        };
        for term in &terms {
            clauses.push(matching(
                "search_text",
                search::like_pattern(term),
                &mut values,
            ));
        }
        if let Some(category) = query.category {
            clauses.push(matching(
                "categories",
                format!("%{}%", category_tag(category)),
                &mut values,
            ));
        }
        if let Some(department) = query.department.as_deref().filter(|d| !d.is_empty()) {
            values.push(rusqlite::types::Value::Text(department.to_string()));
            clauses.push(format!(
                "json_extract(o.data, '$.department') = ?{}",
                values.len()
            ));
        }
        if query.accepts_records {
            clauses.push("json_extract(o.data, '$.acceptsRecords') = 1".into());
        }
        let filter = clauses.join(" AND ");
        let total: u32 = self.conn.query_row(
            &format!("SELECT COUNT(*) FROM directory o WHERE {filter}"),
            rusqlite::params_from_iter(values.iter()),
            |row| row.get(0),
        )?;
        let limit = query.limit.unwrap_or(50).min(200);
        let offset = query.offset.unwrap_or(0);
        let mut statement = self.conn.prepare(&format!(
            "SELECT o.id, o.data FROM directory o WHERE {filter}
             ORDER BY o.search_text LIMIT {limit} OFFSET {offset}"
        ))?;
        let rows: Vec<(String, String)> = statement
            .query_map(rusqlite::params_from_iter(values.iter()), |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let items = rows
            .into_iter()
            .map(|(id, data)| {
                Ok(DirectoryOrganization {
                    organization: serde_json::from_str(&data)
                        .map_err(|_| Error::VaultCorrupt("bad directory entry"))?,
                    services: services_of(&self.conn, &id)?,
                    id,
                })
            })
            .collect::<Result<_>>()?;
        Ok(DirectoryPage { items, total })
    }
}

fn services_of(conn: &Connection, organization_id: &str) -> Result<Vec<DirectoryService>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, data FROM directory WHERE organization_id = ?1 AND kind = 'service'
         AND deleted = 0 ORDER BY search_text",
    )?;
    let rows: Vec<(String, String)> = statement
        .query_map([organization_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, data)| {
            Ok(DirectoryService {
                id,
                service: serde_json::from_str(&data)
                    .map_err(|_| Error::VaultCorrupt("bad directory entry"))?,
            })
        })
        .collect()
}
