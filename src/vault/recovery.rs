//! The printed recovery code: 125 random bits written as 25 characters of Crockford's base32
//! in five groups, easy to read aloud and to type back (case, dashes and spaces don't matter;
//! O is read as 0, I and L as 1).

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH: usize = 25;
const GROUP: usize = 5;

/// A recovery code, never printed by `Debug`.
pub struct RecoveryCode(SecretString);

impl RecoveryCode {
    /// A fresh random code.
    pub fn generate() -> Self {
        let random = Zeroizing::new(crate::crypto::random_array::<LENGTH>());
        let mut text = String::with_capacity(LENGTH + LENGTH / GROUP);
        for (index, byte) in random.iter().enumerate() {
            if index > 0 && index % GROUP == 0 {
                text.push('-');
            }
            text.push(ALPHABET[(byte & 31) as usize] as char);
        }
        RecoveryCode(SecretString::from(text))
    }

    /// The code as shown to the person who writes it down.
    pub fn display(&self) -> &str {
        self.0.expose_secret()
    }

    /// The canonical form the key is derived from, or `None` if it cannot be a code.
    pub fn normalize(input: &str) -> Option<Zeroizing<String>> {
        let mut canonical = Zeroizing::new(String::with_capacity(LENGTH));
        for c in input.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' | '\t' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return None;
            }
            canonical.push(c);
        }
        (canonical.len() == LENGTH).then_some(canonical)
    }
}

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_normalize_and_differ() {
        let a = RecoveryCode::generate();
        let b = RecoveryCode::generate();
        assert_ne!(a.display(), b.display());
        assert_eq!(a.display().len(), 29);
        let canonical = RecoveryCode::normalize(a.display()).unwrap();
        assert_eq!(canonical.len(), 25);
        let typed = a.display().to_lowercase().replace('-', " ");
        assert_eq!(*RecoveryCode::normalize(&typed).unwrap(), *canonical);
    }

    #[test]
    fn ambiguous_letters_are_read_as_digits() {
        let code = "O0000-I1111-L2222-33333-44444";
        assert_eq!(
            &*RecoveryCode::normalize(code).unwrap(),
            "0000011111122223333344444"
        );
        assert!(RecoveryCode::normalize("too short").is_none());
        assert!(RecoveryCode::normalize("UUUUU-00000-00000-00000-00000").is_none());
        assert!(RecoveryCode::normalize("ñ0000-00000-00000-00000-0000").is_none());
    }
}
