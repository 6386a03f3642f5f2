//! Reading a vault's pages as SQLCipher encrypts them, for tests that look for data in every
//! page of the database and its log, free pages included.

use aes::cipher::{BlockDecryptMut, KeyIvInit};

use crate::vault::VaultPaths;

/// SQLCipher 4's page layout: each page's last 80 bytes are its IV (16) and HMAC (64);
/// page 1 starts with the 16-byte salt. The vault's key is raw, used as the AES key.
const PAGE: usize = 4096;
const RESERVE: usize = 80;

fn decrypt_page(page: &[u8], key: &[u8; 32], first: bool) -> Vec<u8> {
    let start = if first { 16 } else { 0 };
    let iv: [u8; 16] = page[PAGE - RESERVE..PAGE - RESERVE + 16]
        .try_into()
        .unwrap();
    let mut data = page[start..PAGE - RESERVE].to_vec();
    cbc::Decryptor::<aes::Aes256>::new(key.into(), &iv.into())
        .decrypt_padded_mut::<aes::cipher::block_padding::NoPadding>(&mut data)
        .unwrap();
    data
}

/// Every page of the database and of its write-ahead log, decrypted.
pub(crate) fn plaintext_pages(paths: &VaultPaths, key: &[u8; 32]) -> Vec<Vec<u8>> {
    let mut pages = Vec::new();
    let db = std::fs::read(&paths.db).unwrap();
    for (n, page) in db.chunks_exact(PAGE).enumerate() {
        pages.push(decrypt_page(page, key, n == 0));
    }
    let wal = std::fs::read(paths.db.with_extension("db-wal")).unwrap_or_default();
    // A 32-byte header, then frames of a 24-byte header and a page.
    if wal.len() > 32 {
        for frame in wal[32..].chunks_exact(24 + PAGE) {
            let number = u32::from_be_bytes(frame[..4].try_into().unwrap());
            pages.push(decrypt_page(&frame[24..], key, number == 1));
        }
    }
    pages
}

pub(crate) fn found(pages: &[Vec<u8>], needle: &str) -> usize {
    pages
        .iter()
        .filter(|page| page.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .count()
}
