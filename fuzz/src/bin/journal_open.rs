//! Opening a journal of arbitrary records. The input is entries, one per
//! line. The first byte chooses: odd, the records are chained with right
//! hashes (a hand-made journal, so the entries' contents reach the fold);
//! even, each line is stored as it is (`bytes ‖ hash`), so the chain itself
//! is attacked. Nothing panics; an open that succeeds yields a state whose
//! laws hold; a refusal is STORAGE_CORRUPT (or WRONG_KIOSK) at a seq within
//! the journal.
#![no_main]
use aixin_kiosk::journal::{self, OpenError};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let lines: Vec<&[u8]> = rest.split(|b| *b == b'\n').collect();
    let records = if mode % 2 == 1 {
        aixin_kiosk_fuzz::chained(&lines)
    } else {
        lines
            .iter()
            .enumerate()
            .map(|(i, line)| (i as u64 + 1, line.to_vec()))
            .collect()
    };
    let count = records.len() as u64;
    let opened = journal::open(
        records,
        Vec::new(),
        &aixin_kiosk_fuzz::kiosk_id(),
        aixin_kiosk_fuzz::config(),
    );
    match opened {
        Ok(ledger) => {
            assert_eq!(ledger.state().seq, count, "an open lost records");
            if let Err(problem) = ledger.state().check_invariants() {
                panic!("a journal opened to a state that breaks its laws: {problem}");
            }
        }
        Err(OpenError::Corrupt { error, prefix }) => {
            let aixin_kiosk::error::Error::StorageCorrupt { seq, .. } = error else {
                panic!("an open refused with {error:?}");
            };
            assert!(
                seq >= 1 && seq <= count,
                "corruption named at seq {seq} of {count}"
            );
            assert_eq!(
                prefix.state().seq,
                seq - 1,
                "the prefix is not what came before"
            );
        }
        Err(OpenError::WrongKiosk(_)) => {}
    }
});
