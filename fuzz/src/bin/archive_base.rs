//! An archive's base, damaged (see `decode_damaged_checkpoint`): the state
//! at the golden journal's middle, as `archive-base` holds it after an
//! archive, with bytes flipped or cut, or any bytes; then the live journal
//! after it replayed from it, as open does. Nothing panics; a base that
//! decodes (its hash checked for real) and takes the rest of the journal
//! folds to a state whose laws hold, and one that does not is refused with STORAGE_CORRUPT at a seq
//! after the base, the verified prefix kept. (Whether the base tells the
//! truth is for the background replay to prove, not for the decoder.)
#![no_main]
use aixin_kiosk::error::Error;
use aixin_kiosk::journal::{Replay, ReplayError};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    let records = aixin_kiosk_fuzz::golden_records();
    let middle = records.len() as u64 / 2;
    static BASE: OnceLock<Vec<u8>> = OnceLock::new();
    let base = BASE.get_or_init(|| aixin_kiosk_fuzz::golden_checkpoint(middle));
    let (Ok(found), hashed) = aixin_kiosk_fuzz::decode_damaged_checkpoint(base, data) else {
        return;
    };
    let base_seq = found.claim.seq;
    let tail: Vec<(u64, Vec<u8>)> = records
        .iter()
        .filter(|(seq, _)| *seq > base_seq)
        .cloned()
        .collect();
    let mut replay = Replay::from_state(found.state, &aixin_kiosk_fuzz::kiosk_id());
    match replay.feed(&tail) {
        Ok(()) => {
            assert_eq!(
                replay.state().seq,
                records.len() as u64,
                "records lost after the base"
            );
            if let (true, Err(problem)) = (hashed, replay.state().check_invariants()) {
                panic!("a base and its journal folded to a state that breaks its laws: {problem}");
            }
        }
        Err(ReplayError::Corrupt(Error::StorageCorrupt { seq, .. })) => {
            assert!(
                seq > base_seq,
                "damage named at seq {seq}, at or before the base {base_seq}"
            );
            assert_eq!(
                replay.state().seq,
                seq - 1,
                "the prefix is not what came before"
            );
        }
        Err(ReplayError::Corrupt(other)) => panic!("a replay refused with {other:?}"),
        Err(ReplayError::WrongKiosk(_)) => {}
    }
});
