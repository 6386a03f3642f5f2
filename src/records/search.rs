//! Accent-insensitive, partial search: text is folded to lower case without diacritics, so
//! "maria jose" finds "María José" and "gonzalez" finds "González".

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower case, diacritics removed, runs of other characters collapsed to one space.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            if pending_space && !folded.is_empty() {
                folded.push(' ');
            }
            pending_space = false;
            folded.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    folded
}

/// The words of a query, folded, each to be found somewhere in the text.
pub fn terms(query: &str) -> Vec<String> {
    fold(query)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// A LIKE pattern for one term, with LIKE's wildcards escaped.
pub fn like_pattern(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(fold("María José GONZÁLEZ"), "maria jose gonzalez");
        assert_eq!(
            fold("  Conceição  d'Ávila-Núñez "),
            "conceicao d avila nunez"
        );
        assert_eq!(terms("Maria  JOSÉ"), vec!["maria", "jose"]);
        assert!(terms("  ,, ").is_empty());
        assert_eq!(like_pattern("50%_a"), "%50\\%\\_a%");
    }
}
