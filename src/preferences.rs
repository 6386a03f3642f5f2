//! Interface preferences that must be known before anyone signs in (the language of the
//! sign-in screen). Kept beside the vault in a small plain JSON file because they hold nothing
//! personal: only a language code and a text size. The interface itself keeps nothing in the
//! webview's storage.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The interface languages, Spanish first.
pub const LANGUAGES: [&str; 3] = ["es", "pt-BR", "en"];
/// The text sizes offered, in percent of the normal size: up to 200%, for low vision.
pub const TEXT_SIZES: [u16; 5] = [100, 125, 150, 175, 200];
const FILE: &str = "preferences.json";
const MAX_BYTES: u64 = 4096;

/// What the interface remembers on this laptop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Preferences {
    /// One of `es`, `pt-BR`, `en`; none means Spanish.
    pub language: Option<String>,
    /// The text size in percent, one of [`TEXT_SIZES`]; none means 100.
    #[serde(default)]
    pub text_size: Option<u16>,
}

impl Preferences {
    fn check(&self) -> Result<()> {
        match &self.language {
            Some(code) if !LANGUAGES.contains(&code.as_str()) => {
                Err(Error::invalid("language", "one of es, pt-BR, en"))
            }
            _ => Ok(()),
        }?;
        match self.text_size {
            Some(size) if !TEXT_SIZES.contains(&size) => {
                Err(Error::invalid("textSize", "one of 100, 125, 150, 175, 200"))
            }
            _ => Ok(()),
        }
    }
}

/// The preferences in `dir`; a missing, oversized or unreadable file gives the defaults.
pub fn load(dir: &Path) -> Preferences {
    let path = dir.join(FILE);
    let small = std::fs::metadata(&path).is_ok_and(|m| m.len() <= MAX_BYTES);
    small
        .then(|| std::fs::read(&path).ok())
        .flatten()
        .and_then(|bytes| serde_json::from_slice::<Preferences>(&bytes).ok())
        .filter(|prefs| prefs.check().is_ok())
        .unwrap_or_default()
}

/// Saves the preferences in `dir` (created if needed), atomically.
pub fn save(dir: &Path, preferences: &Preferences) -> Result<()> {
    preferences.check()?;
    std::fs::create_dir_all(dir)?;
    let bytes = serde_json::to_vec(preferences)?;
    crate::vault::write_atomic(&dir.join(FILE), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_validation() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), Preferences::default());
        let pt = Preferences {
            language: Some("pt-BR".into()),
            text_size: Some(200),
        };
        save(dir.path(), &pt).unwrap();
        assert_eq!(load(dir.path()), pt);
        let bad = Preferences {
            language: Some("fr".into()),
            text_size: None,
        };
        assert!(matches!(
            save(dir.path(), &bad),
            Err(Error::InvalidInput { .. })
        ));
        for size in [0, 99, 120, 201, 400] {
            let odd = Preferences {
                language: None,
                text_size: Some(size),
            };
            assert!(
                matches!(save(dir.path(), &odd), Err(Error::InvalidInput { .. })),
                "{size}"
            );
        }
        assert_eq!(load(dir.path()), pt);
        // A file from before text sizes still gives its language.
        std::fs::write(dir.path().join(FILE), b"{\"language\":\"en\"}").unwrap();
        assert_eq!(
            load(dir.path()),
            Preferences {
                language: Some("en".into()),
                text_size: None
            }
        );
        std::fs::write(dir.path().join(FILE), b"{\"textSize\":300}").unwrap();
        assert_eq!(load(dir.path()), Preferences::default());
        std::fs::write(dir.path().join(FILE), b"{\"language\":\"xx\"}").unwrap();
        assert_eq!(load(dir.path()), Preferences::default());
        std::fs::write(dir.path().join(FILE), vec![b' '; 10_000]).unwrap();
        assert_eq!(load(dir.path()), Preferences::default());
    }
}
