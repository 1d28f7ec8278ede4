//! The threat model's claims about a truncated journal (ARCHITECTURE.md,
//! "Threat model"): the kiosk alone cannot see that its tail was cut off,
//! because what is left is a valid chain; the platform can, against the last
//! batch it received and against the short hashes printed on receipts.
//! (A changed, removed, reordered or hand-made entry is caught locally:
//! `tests/journal.rs`, `tampering_is_named_at_the_right_seq`.)

mod common;

use aixin_kiosk::export::{self, Batch, ExportRange};
use aixin_kiosk::journal::StoredRecord;
use aixin_kiosk::ledger::Operation;
use aixin_kiosk::verify::{verify_batches, BatchFiles};
use common::*;

fn export(kiosk: &Kiosk) -> Batch {
    let records: Vec<(u64, StoredRecord)> = kiosk
        .store
        .journal
        .iter()
        .map(|(seq, bytes)| (*seq, StoredRecord::from_bytes(bytes).unwrap()))
        .collect();
    export::export(
        kiosk.ledger.state(),
        &records,
        ExportRange::SinceLastUpload,
        kiosk.now,
    )
    .unwrap()
}

fn mark_uploaded(kiosk: &mut Kiosk) {
    let request = kiosk.next_request();
    let last_seq = kiosk.ledger.state().seq;
    kiosk
        .run(&staff(), Operation::MarkUploaded { last_seq, request })
        .unwrap();
}

/// Cuts the last `count` records off the store and reopens it.
fn truncate(kiosk: &mut Kiosk, count: usize) {
    for _ in 0..count {
        kiosk.store.journal.pop_last();
    }
    kiosk
        .reopen()
        .expect("a truncated journal is a valid chain: it opens");
}

fn problem_codes(batches: &[BatchFiles]) -> Vec<&'static str> {
    verify_batches(batches)
        .problems()
        .map(|problem| problem.code())
        .collect()
}

/// A kiosk that uploaded a batch, then redeemed: the receipt and the batch.
fn uploaded_then_redeemed() -> (Kiosk, Batch, aixin_kiosk::ledger::Receipt) {
    let mut kiosk = Kiosk::with_village();
    let batch = export(&kiosk);
    mark_uploaded(&mut kiosk);
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let receipt = kiosk.receipt(&session, &[("salt-500g", 2)]);
    (kiosk, batch, receipt)
}

#[test]
fn a_tail_cut_after_the_last_upload_opens_locally_and_only_the_receipt_shows_it() {
    let (mut kiosk, uploaded, receipt) = uploaded_then_redeemed();
    let balance_after = kiosk.balance("A001");
    let has_receipt = |batch: &Batch| {
        let journal = String::from_utf8(batch.files[0].1.clone()).unwrap();
        journal.contains(&format!("\"hash\":\"{}", receipt.short_hash))
    };
    assert!(has_receipt(&export(&kiosk)));
    truncate(&mut kiosk, 1);
    // Locally: a valid, shorter chain, and the points are back.
    assert_eq!(kiosk.ledger.state().seq, receipt.seq - 1);
    assert!(kiosk.balance("A001") > balance_after);
    // The next batch still chains to the uploaded one: the platform's chain
    // check alone cannot see entries it never received...
    let next = export(&kiosk);
    assert_eq!(
        problem_codes(&[
            BatchFiles::from_batch("batch-1", &uploaded),
            BatchFiles::from_batch("batch-2", &next),
        ]),
        Vec::<&str>::new()
    );
    // ...but the villager's receipt names a seq and a short hash that no
    // entry of the journal has.
    assert!(
        !has_receipt(&next),
        "the receipt's short hash is still in the journal"
    );
    assert!(kiosk.ledger.receipt(receipt.seq, true).is_err());
}

#[test]
fn a_tail_cut_into_an_uploaded_batch_breaks_the_chain_at_the_platform() {
    let (mut kiosk, uploaded, _) = uploaded_then_redeemed();
    let uploaded_last = uploaded.manifest.last_seq;
    // Cut back past the last uploaded entry, then carry on as if nothing
    // happened: a credit, a redemption.
    let cut = (kiosk.ledger.state().seq - uploaded_last + 2) as usize;
    truncate(&mut kiosk, cut);
    assert!(kiosk.ledger.state().seq < uploaded_last);
    assert_eq!(
        kiosk.ledger.state().uploaded_through_seq,
        0,
        "the upload mark went with the tail"
    );
    kiosk.credit("B002", "4", "2026-09").unwrap();
    let next = export(&kiosk);
    let codes = problem_codes(&[
        BatchFiles::from_batch("batch-1", &uploaded),
        BatchFiles::from_batch("batch-2", &next),
    ]);
    assert!(
        codes.contains(&"BATCH_GAP") || codes.contains(&"BATCH_NOT_CHAINED"),
        "a journal cut below the last upload verified after it: {codes:?}"
    );
}

/// What no one can detect: someone with the device and time rewrites the
/// journal — here a redemption taken out and every later entry renumbered
/// and hashed again — and the kiosk opens it as if it were the truth. Only
/// what left the device (an uploaded batch, a printed receipt) still says
/// otherwise.
#[test]
fn a_journal_rewritten_with_fresh_hashes_opens_as_the_truth() {
    use aixin_kiosk::entry::{chain_hash, Entry, GENESIS_PREVIOUS_HASH};
    let (mut kiosk, _, receipt) = uploaded_then_redeemed();
    kiosk.credit("B002", "4", "2026-09").unwrap();
    let before = kiosk.balance("A001");
    let mut previous = GENESIS_PREVIOUS_HASH;
    let mut rewritten = std::collections::BTreeMap::new();
    for stored in kiosk.store.journal.values() {
        let record = StoredRecord::from_bytes(stored).unwrap();
        let mut entry = Entry::decode(&record.bytes).unwrap();
        if entry.seq == receipt.seq {
            continue;
        }
        if entry.seq > receipt.seq {
            entry.seq -= 1;
        }
        let bytes = entry.encode();
        let hash = chain_hash(&previous, &bytes);
        previous = hash;
        rewritten.insert(entry.seq, StoredRecord { bytes, hash }.to_bytes());
    }
    kiosk.store.journal = rewritten;
    kiosk.reopen().expect("a re-hashed journal opens");
    assert!(kiosk.balance("A001") > before, "the redemption is gone");
    assert!(kiosk.ledger.state().check_invariants().is_ok());
}
