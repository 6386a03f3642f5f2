//! This laptop's sync keys, and the organization's device registry.
//!
//! Each laptop has an X25519 key that files are encrypted to and an Ed25519 key it signs its
//! files with, minted with its device id and kept only inside the encrypted database. The
//! registry of the organization's laptops (name, who uses it, public keys, who registered it,
//! whether it is revoked) is on the change log as `device` records, so every laptop learns it
//! by sync. A new laptop is first registered without keys, by the coordinator who prepares its
//! join file; its keys are added once its first file proves it holds the join secret.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{json, Value};

use super::container::DeviceIdentity;
use super::signing::DeviceSigningKey;
use crate::changelog::{self, Change, OpKind, RecordState, Writer};
use crate::error::{Error, Result};

/// The registry's record type on the change log.
pub const RECORD_TYPE: &str = "device";

/// This laptop's own keys.
pub(crate) struct ThisDevice {
    pub id: String,
    pub identity: DeviceIdentity,
    pub signing: DeviceSigningKey,
}

/// Mints keys for `device_id` unless it has them. Returns whether it minted.
pub(crate) fn ensure_keys(conn: &Connection, device_id: &str) -> Result<bool> {
    let has: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM device_keys WHERE device_id = ?1)",
        [device_id],
        |row| row.get(0),
    )?;
    if has {
        return Ok(false);
    }
    let identity = DeviceIdentity::generate();
    let signing = DeviceSigningKey::generate();
    let secret = identity.secret_text();
    conn.execute(
        "INSERT INTO device_keys (device_id, age_identity, signing_secret) VALUES (?1, ?2, ?3)",
        params![
            device_id,
            age::secrecy::ExposeSecret::expose_secret(&secret),
            signing.secret_bytes().as_slice()
        ],
    )?;
    Ok(true)
}

/// This laptop's keys.
pub(crate) fn this_device(conn: &Connection, device_id: &str) -> Result<ThisDevice> {
    let (identity, secret): (String, Vec<u8>) = conn
        .query_row(
            "SELECT age_identity, signing_secret FROM device_keys WHERE device_id = ?1",
            [device_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?
        .ok_or(Error::VaultCorrupt("this laptop has no sync keys"))?;
    let identity = zeroize::Zeroizing::new(identity);
    let secret = zeroize::Zeroizing::new(secret);
    let seed: [u8; 32] = secret
        .as_slice()
        .try_into()
        .map_err(|_| Error::VaultCorrupt("this laptop's signing key is unreadable"))?;
    let seed = zeroize::Zeroizing::new(seed);
    Ok(ThisDevice {
        id: device_id.to_string(),
        identity: DeviceIdentity::from_secret(&identity)?,
        signing: DeviceSigningKey::from_secret_bytes(&seed),
    })
}

/// A laptop as the registry lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub id: String,
    pub name: String,
    /// Who uses it (username).
    pub staff: Option<String>,
    /// Its keys are known: it has joined (or it is the organization's first laptop).
    pub registered: bool,
    pub revoked: bool,
    /// When a file from it was last imported here (RFC 3339), if ever.
    pub last_heard: Option<String>,
    /// Until when its join file works, while it has not joined.
    pub join_expires: Option<String>,
    /// This laptop.
    pub this_laptop: bool,
}

/// What the registry says about one laptop, for checking its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub staff_id: Option<String>,
    pub age_recipient: Option<String>,
    pub signing_key: Option<[u8; 32]>,
    pub revoked: bool,
}

/// A registry row as stored: staff, age recipient, signing key (hex), revoked.
type EntryRow = (Option<String>, Option<String>, Option<String>, bool);

/// The registry's entry for a laptop.
pub(crate) fn entry(conn: &Connection, id: &str) -> Result<Option<Entry>> {
    let found: Option<EntryRow> = conn
        .prepare_cached(
            "SELECT staff_id, age_recipient, signing_key, revoked FROM devices WHERE id = ?1",
        )?
        .query_row([id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()?;
    Ok(
        found.map(|(staff_id, age_recipient, signing_key, revoked)| Entry {
            staff_id,
            age_recipient,
            signing_key: signing_key
                .and_then(|hex_key| hex::decode(hex_key).ok())
                .and_then(|bytes| bytes.try_into().ok()),
            revoked,
        }),
    )
}

/// Every laptop of the organization, this one first, then by name.
pub(crate) fn list(conn: &Connection, this_device: &str) -> Result<Vec<Device>> {
    let mut statement = conn.prepare(
        "SELECT d.id, d.name, s.username, d.age_recipient IS NOT NULL, d.revoked, h.heard_at,
                d.join_expires
         FROM devices d LEFT JOIN staff s ON s.id = d.staff_id
                        LEFT JOIN sync_heard h ON h.peer = d.id
         ORDER BY d.id != ?1, d.name COLLATE NOCASE, d.id",
    )?;
    let rows = statement.query_map([this_device], |row| {
        let id: String = row.get(0)?;
        let registered: bool = row.get(3)?;
        Ok(Device {
            this_laptop: id == this_device,
            id,
            name: row.get(1)?,
            staff: row.get(2)?,
            registered,
            revoked: row.get(4)?,
            last_heard: row.get(5)?,
            join_expires: if registered { None } else { row.get(6)? },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes a laptop's registry row as the change log states it.
pub(crate) fn write_folded(conn: &Connection, id: &str, state: &RecordState) -> Result<()> {
    let text = |name: &str| state.fields.get(name).and_then(Value::as_str);
    let Some(name) = text("name") else {
        return Ok(());
    };
    conn.execute(
        "INSERT INTO devices (id, name, staff_id, age_recipient, signing_key, registered_by,
                              join_expires, revoked)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, staff_id = excluded.staff_id,
             age_recipient = excluded.age_recipient, signing_key = excluded.signing_key,
             registered_by = excluded.registered_by, join_expires = excluded.join_expires,
             revoked = excluded.revoked",
        params![
            id,
            name,
            text("staffId"),
            text("ageRecipient"),
            text("signingKey"),
            text("registeredBy"),
            text("joinExpires"),
            state.deleted
                || state
                    .fields
                    .get("revoked")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
        ],
    )?;
    Ok(())
}

/// Records a laptop in the registry (a `create`) and writes its row.
pub(crate) fn register(
    conn: &Connection,
    writer: Writer<'_>,
    id: &str,
    fields: serde_json::Map<String, Value>,
) -> Result<()> {
    let op = changelog::record(
        conn,
        writer,
        Change {
            record_type: RECORD_TYPE,
            record_id: id,
            field: "",
            kind: OpKind::Create,
            value: Some(Value::Object(fields)),
            participant_id: None,
        },
    )?;
    refold(conn, &op.record_id)
}

/// Records one field of a laptop's registry entry and writes its row.
pub(crate) fn set(
    conn: &Connection,
    writer: Writer<'_>,
    id: &str,
    field: &str,
    value: Value,
) -> Result<()> {
    changelog::record(
        conn,
        writer,
        Change {
            record_type: RECORD_TYPE,
            record_id: id,
            field,
            kind: OpKind::Set,
            value: Some(value),
            participant_id: None,
        },
    )?;
    refold(conn, id)
}

fn refold(conn: &Connection, id: &str) -> Result<()> {
    let history = changelog::history(conn, RECORD_TYPE, id)?;
    let state = changelog::fold(&history)
        .into_values()
        .next()
        .unwrap_or_default();
    write_folded(conn, id, &state)
}

/// The fields a laptop is first registered with.
pub(crate) fn first_fields(
    name: &str,
    staff_id: &str,
    registered_by: &str,
    keys: Option<(&str, &str)>,
    join_expires: Option<&str>,
) -> serde_json::Map<String, Value> {
    let mut fields = serde_json::Map::new();
    fields.insert("name".into(), json!(name));
    fields.insert("staffId".into(), json!(staff_id));
    fields.insert("registeredBy".into(), json!(registered_by));
    if let Some((age_recipient, signing_key)) = keys {
        fields.insert("ageRecipient".into(), json!(age_recipient));
        fields.insert("signingKey".into(), json!(signing_key));
    }
    if let Some(expires) = join_expires {
        fields.insert("joinExpires".into(), json!(expires));
    }
    fields.insert("revoked".into(), json!(false));
    fields
}

/// The key a join passphrase derives, with which the new laptop proves it holds it.
pub fn proof_key(passphrase: &str) -> [u8; 32] {
    let words = normalize_passphrase(passphrase);
    crate::crypto::sha256_parts(&[b"acompana join proof\0", words.as_bytes()])
}

/// A passphrase as typed: words in lower case, one space apart.
pub fn normalize_passphrase(passphrase: &str) -> String {
    passphrase
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The proof a new laptop sends: HMAC-SHA-256 under the proof key of its device id and
/// public keys.
pub fn join_proof(
    proof_key: &[u8; 32],
    device_id: &str,
    age_recipient: &str,
    signing_key: &str,
) -> [u8; 32] {
    let message = format!("{device_id}\n{age_recipient}\n{signing_key}");
    crate::crypto::hmac_sha256(proof_key, message.as_bytes())
}

/// What a laptop signs, with the key of the registered laptop it was before (restored from a
/// backup, or copied), to vouch for the new device id and keys it took: see
/// docs/sync-format.md, "A laptop that took a new id".
pub fn vouch_message(device_id: &str, age_recipient: &str, signing_key: &str) -> Vec<u8> {
    format!("acompana device vouch\n{device_id}\n{age_recipient}\n{signing_key}").into_bytes()
}

/// The laptops whose key may vouch for a successor, with their colleague: registered with a
/// signing key, not revoked, used by an active administrator or coordinator (a caseworker's
/// laptop registers no laptop, so it vouches for none).
pub(crate) fn vouchers(conn: &Connection) -> Result<Vec<(String, [u8; 32])>> {
    let mut statement = conn.prepare_cached(
        "SELECT d.staff_id, d.signing_key FROM devices d JOIN staff s ON s.id = d.staff_id
         WHERE d.revoked = 0 AND d.signing_key IS NOT NULL AND s.active = 1
           AND s.role IN ('admin', 'coordinator')",
    )?;
    let rows = statement.query_map([], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (staff, key) = row?;
        if let Some(key) = hex::decode(key).ok().and_then(|b| b.try_into().ok()) {
            found.push((staff, key));
        }
    }
    Ok(found)
}

/// A vouch for this laptop by the registered laptop it was before: the keys of an earlier
/// device id still in this vault whose registry entry lists exactly those keys. None for a
/// laptop that never had another id. The receiver decides whether that laptop may vouch.
pub(crate) fn vouch(
    conn: &Connection,
    this: &ThisDevice,
) -> Result<Option<super::manifest::Registration>> {
    let others: Vec<String> = conn
        .prepare("SELECT device_id FROM device_keys WHERE device_id != ?1 ORDER BY device_id")?
        .query_map([&this.id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for other in others {
        let earlier = this_device(conn, &other)?;
        let listed = entry(conn, &other)?.and_then(|e| e.signing_key);
        if listed != Some(earlier.signing.public()) {
            continue;
        }
        let age_recipient = this.identity.recipient();
        let signing_key = hex::encode(this.signing.public());
        let signature =
            earlier
                .signing
                .sign(&vouch_message(&this.id, &age_recipient, &signing_key));
        return Ok(Some(super::manifest::Registration {
            age_recipient,
            signing_key,
            proof: hex::encode(signature),
        }));
    }
    Ok(None)
}

/// Words a person can read aloud, for one-off join passphrases: 256 common Spanish words
/// without accents, eight bits each.
const WORDS: [&str; 256] = [
    "abeja",
    "abrazo",
    "agua",
    "aguila",
    "ala",
    "alba",
    "alegre",
    "almendra",
    "alto",
    "amable",
    "amigo",
    "ancho",
    "anillo",
    "arbol",
    "arco",
    "arena",
    "arroz",
    "azul",
    "balcon",
    "banco",
    "barco",
    "barro",
    "bello",
    "beso",
    "blanco",
    "boca",
    "bosque",
    "brazo",
    "brillo",
    "bueno",
    "burro",
    "caballo",
    "cabra",
    "cafe",
    "caja",
    "calle",
    "calma",
    "cama",
    "camino",
    "campo",
    "canto",
    "casa",
    "cebolla",
    "cielo",
    "cinco",
    "ciudad",
    "clavel",
    "cobre",
    "coco",
    "color",
    "conejo",
    "copa",
    "corazon",
    "corto",
    "cuerda",
    "dado",
    "dedo",
    "delfin",
    "diente",
    "doce",
    "dulce",
    "duro",
    "eco",
    "elefante",
    "enero",
    "escuela",
    "espejo",
    "estrella",
    "fiesta",
    "flor",
    "foca",
    "fresa",
    "fuego",
    "fuente",
    "gallo",
    "gato",
    "gente",
    "globo",
    "gota",
    "grande",
    "grano",
    "guante",
    "guitarra",
    "haba",
    "hielo",
    "hierba",
    "higo",
    "hilo",
    "hoja",
    "hombro",
    "hora",
    "huevo",
    "humo",
    "idea",
    "isla",
    "jardin",
    "jarra",
    "joven",
    "juego",
    "jugo",
    "julio",
    "junio",
    "lago",
    "lana",
    "lapiz",
    "largo",
    "leche",
    "lento",
    "leon",
    "libro",
    "limon",
    "lindo",
    "lobo",
    "loro",
    "luna",
    "luz",
    "madera",
    "maiz",
    "mango",
    "mano",
    "manzana",
    "mapa",
    "mar",
    "marzo",
    "mesa",
    "miel",
    "mono",
    "monte",
    "mora",
    "mundo",
    "musica",
    "nariz",
    "naranja",
    "nido",
    "nieve",
    "noche",
    "norte",
    "nube",
    "nuevo",
    "ocho",
    "ola",
    "olivo",
    "once",
    "oreja",
    "oro",
    "oso",
    "otono",
    "oveja",
    "padre",
    "pajaro",
    "palma",
    "pan",
    "papel",
    "pato",
    "paz",
    "pecho",
    "perro",
    "pera",
    "piedra",
    "pino",
    "piso",
    "plata",
    "playa",
    "pluma",
    "pollo",
    "puente",
    "puerta",
    "pulpo",
    "queso",
    "radio",
    "rama",
    "rana",
    "raton",
    "regalo",
    "reloj",
    "rio",
    "risa",
    "roca",
    "rojo",
    "rosa",
    "rueda",
    "sal",
    "salto",
    "sandia",
    "selva",
    "semilla",
    "siete",
    "silla",
    "sol",
    "sombra",
    "sopa",
    "sur",
    "taza",
    "techo",
    "tela",
    "tierra",
    "tigre",
    "tomate",
    "toro",
    "tortuga",
    "trigo",
    "tren",
    "trece",
    "uva",
    "vaca",
    "valle",
    "vaso",
    "vela",
    "verde",
    "viento",
    "vino",
    "violeta",
    "volcan",
    "yegua",
    "yuca",
    "zanahoria",
    "zapato",
    "zorro",
    "abril",
    "agosto",
    "banana",
    "bota",
    "cacao",
    "canela",
    "carta",
    "cereza",
    "cuatro",
    "diez",
    "domingo",
    "flauta",
    "hormiga",
    "jabon",
    "kilo",
    "lunes",
    "martes",
    "mayo",
    "nueve",
    "pausa",
    "piano",
    "seis",
    "tambor",
    "tres",
    "viernes",
    "abuela",
    "cancion",
    "cuento",
    "dos",
    "lluvia",
    "pescado",
    "nuez",
    "oliva",
    "barca",
    "cesta",
    "grillo",
    "marfil",
    "pradera",
];

/// A one-off join passphrase: eight words (64 bits), for a file that also needs the
/// passphrase's scrypt work and expires in days.
pub fn new_passphrase() -> String {
    crate::crypto::random_array::<8>()
        .iter()
        .map(|byte| WORDS[usize::from(*byte)])
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_are_distinct_plain_and_passphrases_normalize() {
        let distinct: std::collections::BTreeSet<&str> = WORDS.iter().copied().collect();
        assert_eq!(distinct.len(), 256);
        assert!(WORDS
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())));
        let phrase = new_passphrase();
        assert_eq!(phrase.split(' ').count(), 8);
        assert_ne!(phrase, new_passphrase());
        assert_eq!(proof_key("  Luna  SOL\tmar "), proof_key("luna sol mar"));
        assert_ne!(proof_key("luna sol mar"), proof_key("luna sol rio"));
    }
}
