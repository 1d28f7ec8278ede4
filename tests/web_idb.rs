//! Browser tests of the IndexedDB store and the writer lock, run in headless
//! Chromium by `wasm-bindgen-test-runner`. Each test owns a database named
//! after it and deletes it at the end.
#![cfg(target_arch = "wasm32")]

use aixin_kiosk::web::idb::{KioskDb, StorageError, Store, WriteBatch, READ_CHUNK_RECORDS_MAX};
use aixin_kiosk::web::lock::{acquire_writer_lock, request_persistent_storage, LockOutcome};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Opens an empty database for `kiosk_id`, dropping leftovers of a failed run.
async fn fresh(kiosk_id: &str) -> KioskDb {
    KioskDb::delete(kiosk_id).await.unwrap();
    KioskDb::open(kiosk_id).await.unwrap()
}

async fn finish(db: KioskDb, kiosk_id: &str) {
    db.close();
    KioskDb::delete(kiosk_id).await.unwrap();
}

/// Entry bytes that differ per seq, so a misplaced record is noticed.
fn entry(seq: u64) -> Vec<u8> {
    format!("entry-{seq}").into_bytes()
}

fn journal(seqs: impl IntoIterator<Item = u64>) -> Vec<(u64, Vec<u8>)> {
    seqs.into_iter().map(|seq| (seq, entry(seq))).collect()
}

fn record(key: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    (key.to_string(), bytes.to_vec())
}

#[wasm_bindgen_test]
async fn write_then_read_back_journal_credentials_and_meta() {
    let kiosk_id = "test-round-trip";
    let db = fresh(kiosk_id).await;
    let batch = WriteBatch {
        journal: vec![(1, vec![0, 1, 2, 255]), (2, vec![]), (3, entry(3))],
        credentials: vec![record("clerk:01", b"salt+hash"), record("admin", &[9; 32])],
        meta: vec![record("schema", b"1")],
    };
    db.write(&batch).await.unwrap();

    assert_eq!(db.read_journal(1, 3).await.unwrap(), batch.journal);
    assert_eq!(
        db.read_all(Store::Credentials).await.unwrap(),
        vec![record("admin", &[9; 32]), record("clerk:01", b"salt+hash")]
    );
    assert_eq!(db.read_all(Store::Meta).await.unwrap(), batch.meta);

    // put overwrites a credential; the journal is untouched.
    let update = WriteBatch {
        credentials: vec![record("admin", b"new")],
        ..WriteBatch::default()
    };
    db.write(&update).await.unwrap();
    assert_eq!(
        db.read_all(Store::Credentials).await.unwrap(),
        vec![record("admin", b"new"), record("clerk:01", b"salt+hash")]
    );

    // Everything is still there after closing and reopening.
    db.close();
    let db = KioskDb::open(kiosk_id).await.unwrap();
    assert_eq!(db.read_journal(1, u64::MAX).await.unwrap(), batch.journal);
    assert_eq!(db.read_all(Store::Credentials).await.unwrap().len(), 2);
    finish(db, kiosk_id).await;
}

#[wasm_bindgen_test]
async fn adding_an_existing_seq_fails_the_whole_write() {
    let kiosk_id = "test-duplicate-seq";
    let db = fresh(kiosk_id).await;
    db.write(&WriteBatch {
        journal: journal(1..=2),
        ..WriteBatch::default()
    })
    .await
    .unwrap();

    let clash = WriteBatch {
        journal: vec![(3, entry(3)), (2, b"overwrite attempt".to_vec())],
        credentials: vec![record("clerk:02", b"x")],
        meta: vec![record("head", b"3")],
    };
    match db.write(&clash).await {
        Err(StorageError::Failed(message)) => {
            assert!(message.starts_with("ConstraintError"), "{message}")
        }
        other => panic!("expected Failed(ConstraintError…), got {other:?}"),
    }

    assert_eq!(db.read_journal(1, 10).await.unwrap(), journal(1..=2));
    assert_eq!(db.last_seq().await.unwrap(), 2);
    assert_eq!(db.read_all(Store::Credentials).await.unwrap(), vec![]);
    assert_eq!(db.read_all(Store::Meta).await.unwrap(), vec![]);
    finish(db, kiosk_id).await;
}

#[wasm_bindgen_test]
async fn refuses_seq_zero_and_seqs_beyond_exact_js_numbers() {
    let kiosk_id = "test-seq-bounds";
    let db = fresh(kiosk_id).await;
    for seq in [0, 1 << 53] {
        let batch = WriteBatch {
            journal: journal([seq]),
            ..WriteBatch::default()
        };
        assert!(matches!(
            db.write(&batch).await,
            Err(StorageError::Failed(_))
        ));
    }
    let highest = (1 << 53) - 1;
    db.write(&WriteBatch {
        journal: journal([highest]),
        ..WriteBatch::default()
    })
    .await
    .unwrap();
    assert_eq!(db.last_seq().await.unwrap(), highest);
    assert_eq!(
        db.read_journal(highest, u64::MAX).await.unwrap(),
        journal([highest])
    );
    finish(db, kiosk_id).await;
}

#[wasm_bindgen_test]
async fn range_reads_cross_chunk_boundaries() {
    let kiosk_id = "test-range-chunks";
    let db = fresh(kiosk_id).await;
    let total = 25_000;
    for start in (1..=total).step_by(5_000) {
        db.write(&WriteBatch {
            journal: journal(start..start + 5_000),
            ..WriteBatch::default()
        })
        .await
        .unwrap();
    }
    assert!(total > 2 * u64::from(READ_CHUNK_RECORDS_MAX));

    assert_eq!(db.read_journal(1, total).await.unwrap(), journal(1..=total));
    assert_eq!(
        db.read_journal(0, u64::MAX).await.unwrap().len(),
        total as usize
    );
    // Exactly one chunk, then one more record.
    let chunk = u64::from(READ_CHUNK_RECORDS_MAX);
    assert_eq!(db.read_journal(1, chunk).await.unwrap(), journal(1..=chunk));
    assert_eq!(
        db.read_journal(1, chunk + 1).await.unwrap(),
        journal(1..=chunk + 1)
    );
    // A middle range across the first chunk boundary.
    assert_eq!(
        db.read_journal(9_990, 20_010).await.unwrap(),
        journal(9_990..=20_010)
    );
    assert_eq!(
        db.read_journal(12_345, 12_345).await.unwrap(),
        journal([12_345])
    );
    assert_eq!(
        db.read_journal(total + 1, total + 100).await.unwrap(),
        vec![]
    );
    assert_eq!(db.read_journal(20, 10).await.unwrap(), vec![]);
    finish(db, kiosk_id).await;
}

#[wasm_bindgen_test]
async fn last_seq_is_zero_then_the_highest_stored() {
    let kiosk_id = "test-last-seq";
    let db = fresh(kiosk_id).await;
    assert_eq!(db.last_seq().await.unwrap(), 0);
    db.write(&WriteBatch {
        journal: journal(1..=9),
        ..WriteBatch::default()
    })
    .await
    .unwrap();
    assert_eq!(db.last_seq().await.unwrap(), 9);
    // Numeric, not string, key order: 10 sorts after 9.
    db.write(&WriteBatch {
        journal: journal(10..=11),
        ..WriteBatch::default()
    })
    .await
    .unwrap();
    assert_eq!(db.last_seq().await.unwrap(), 11);
    finish(db, kiosk_id).await;
}

#[wasm_bindgen_test]
async fn write_transactions_are_strictly_durable() {
    let kiosk_id = "test-durability";
    let db = fresh(kiosk_id).await;
    assert_eq!(db.last_transaction_durability(), None);
    db.write(&WriteBatch {
        journal: journal([1]),
        ..WriteBatch::default()
    })
    .await
    .unwrap();
    assert_eq!(db.last_transaction_durability().as_deref(), Some("strict"));
    finish(db, kiosk_id).await;
}

#[wasm_bindgen_test]
async fn a_failed_write_stores_nothing() {
    let kiosk_id = "test-fail-next-write";
    let db = fresh(kiosk_id).await;
    db.write(&WriteBatch {
        journal: journal([1]),
        meta: vec![record("head", b"1")],
        ..WriteBatch::default()
    })
    .await
    .unwrap();

    let next = WriteBatch {
        journal: journal(2..=3),
        credentials: vec![record("clerk:01", b"x")],
        meta: vec![record("head", b"3")],
    };
    for error in [
        StorageError::Full,
        StorageError::Failed("UnknownError: disk".into()),
    ] {
        db.set_fail_next_write(Some(error.clone()));
        assert_eq!(db.write(&next).await, Err(error));
        assert_eq!(db.read_journal(1, 10).await.unwrap(), journal([1]));
        assert_eq!(db.last_seq().await.unwrap(), 1);
        assert_eq!(db.read_all(Store::Credentials).await.unwrap(), vec![]);
        assert_eq!(
            db.read_all(Store::Meta).await.unwrap(),
            vec![record("head", b"1")]
        );
    }

    // The hook fires once; the same batch then lands.
    db.write(&next).await.unwrap();
    assert_eq!(db.read_journal(1, 10).await.unwrap(), journal(1..=3));
    assert_eq!(
        db.read_all(Store::Meta).await.unwrap(),
        vec![record("head", b"3")]
    );
    finish(db, kiosk_id).await;
}

#[wasm_bindgen_test]
async fn the_writer_lock_is_exclusive_until_released() {
    let name = "aixin-kiosk:test-writer-lock";
    let first = match acquire_writer_lock(name).await {
        LockOutcome::Held(lock) => lock,
        other => panic!("expected Held, got {other:?}"),
    };
    assert!(matches!(
        acquire_writer_lock(name).await,
        LockOutcome::HeldElsewhere
    ));
    // Another name is independent.
    match acquire_writer_lock("aixin-kiosk:test-writer-lock-other").await {
        LockOutcome::Held(other) => other.release(),
        other => panic!("expected Held, got {other:?}"),
    }

    first.release_and_wait().await;
    let again = match acquire_writer_lock(name).await {
        LockOutcome::Held(lock) => lock,
        other => panic!("expected Held after release, got {other:?}"),
    };
    again.release_and_wait().await;
}

#[wasm_bindgen_test]
async fn asking_for_persistent_storage_returns() {
    // Headless Chromium may grant or deny; either answer is fine here.
    let _granted: Option<bool> = request_persistent_storage().await;
}
