//! A vault past 4 GiB (`make check-large`; ignored by `make test`, it writes 4.3 GiB): the full
//! check reads every page correctly there, and finds a byte flipped past 4 GiB. SQLCipher 4.6
//! misread pages past 4 GiB and a workaround set its reports aside; 4.20 does not, and the
//! workaround is gone.

mod common;

use std::io::{Read, Seek, SeekFrom, Write};

use acompana::vault::LockReason;
use acompana::Error;
use common::new_vault;

const FOUR_GIB: u64 = 4 << 30;

fn flip_byte_at(path: &std::path::Path, offset: u64) {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap();
    let mut byte = [0u8; 1];
    file.seek(SeekFrom::Start(offset)).unwrap();
    file.read_exact(&mut byte).unwrap();
    byte[0] ^= 0x01;
    file.seek(SeekFrom::Start(offset)).unwrap();
    file.write_all(&byte).unwrap();
}

#[test]
#[ignore = "writes 4.3 GiB; run with make check-large"]
fn the_full_check_reads_a_vault_past_four_gib() {
    let test = new_vault();
    let admin = test.admin();
    let conn = admin.connection_for_tests();
    conn.execute_batch("CREATE TABLE filler (b BLOB)").unwrap();
    while std::fs::metadata(&test.paths.db).unwrap().len()
        + std::fs::metadata(test.paths.db.with_extension("db-wal"))
            .map(|m| m.len())
            .unwrap_or(0)
        < FOUR_GIB + (300 << 20)
    {
        conn.execute_batch(
            "BEGIN;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 256)
             INSERT INTO filler SELECT randomblob(1000000) FROM n;
             COMMIT;",
        )
        .unwrap();
    }
    admin.lock(LockReason::Manual).unwrap();
    let size = std::fs::metadata(&test.paths.db).unwrap().len();
    assert!(size > FOUR_GIB + (100 << 20), "{size} bytes");

    let admin = test.admin();
    admin
        .check(true)
        .expect("every page past 4 GiB reads correctly");
    admin.lock(LockReason::Manual).unwrap();

    // A byte in a page past 4 GiB (the filler's pages fill the end of the file).
    flip_byte_at(&test.paths.db, FOUR_GIB + (50 << 20) + 1234);
    let admin = test.admin();
    assert!(admin.check(false).is_ok(), "unlocking reads no data page");
    assert!(
        matches!(admin.check(true), Err(Error::VaultCorrupt(_))),
        "the full check finds the flipped byte past 4 GiB"
    );
    admin.lock(LockReason::Manual).unwrap();
}
