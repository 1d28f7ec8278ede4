//! The verifier over arbitrary batch files. The input is the files of one
//! batch separated by NUL bytes, in the order manifest.json,
//! journal.ndjson, redemptions.csv, ledger.csv; the batch is verified alone
//! and after the committed first batch. Nothing panics, and the report
//! renders in both languages.
#![no_main]
use aixin_kiosk::verify::{verify_batch, verify_batches, BatchFiles};
use libfuzzer_sys::fuzz_target;

const FILES: [&str; 4] = [
    "manifest.json",
    "journal.ndjson",
    "redemptions.csv",
    "ledger.csv",
];

fn fixture_batch() -> BatchFiles {
    let mut batch = BatchFiles {
        name: "batch-1".to_string(),
        ..BatchFiles::default()
    };
    for (name, bytes) in [
        (
            "manifest.json",
            &include_bytes!("../../../tests/fixtures/export/batch-1/manifest.json")[..],
        ),
        (
            "journal.ndjson",
            &include_bytes!("../../../tests/fixtures/export/batch-1/journal.ndjson")[..],
        ),
        (
            "redemptions.csv",
            &include_bytes!("../../../tests/fixtures/export/batch-1/redemptions.csv")[..],
        ),
        (
            "ledger.csv",
            &include_bytes!("../../../tests/fixtures/export/batch-1/ledger.csv")[..],
        ),
    ] {
        batch.files.insert(name.to_string(), bytes.to_vec());
    }
    batch
}

fuzz_target!(|data: &[u8]| {
    let mut batch = BatchFiles {
        name: "batch-x".to_string(),
        ..BatchFiles::default()
    };
    for (name, bytes) in FILES.iter().zip(data.split(|b| *b == 0)) {
        batch.files.insert(name.to_string(), bytes.to_vec());
    }
    let alone = verify_batch(&batch);
    let chained = verify_batches(&[fixture_batch(), batch]);
    assert_eq!(chained.batches.len(), 2, "a batch left out of the report");
    assert!(
        alone.problems.is_empty() || !chained.is_ok(),
        "a bad batch passed after another"
    );
    let _ = chained.render();
    for problem in chained.problems() {
        let _ = (problem.message_zh(), problem.message_en(), problem.code());
    }
});
