//! A stored checkpoint, damaged (see `decode_damaged_checkpoint`): the
//! golden journal's full state with bytes flipped or cut, or any bytes.
//! Nothing panics and no count allocates past the bytes; a checkpoint that
//! decodes encodes to a checkpoint that decodes to the same state hash, and
//! one whose trailing hash was checked for real holds a state whose laws
//! hold. (One taken on a rewritten hash may not: the state hash does not
//! cover every field, and the background replay's proof, which compares
//! every byte, is what refuses it.)
#![no_main]
use aixin_kiosk::checkpoint;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static BASE: OnceLock<Vec<u8>> = OnceLock::new();
    let base = BASE.get_or_init(|| {
        let records = aixin_kiosk_fuzz::golden_records().len() as u64;
        aixin_kiosk_fuzz::golden_checkpoint(records)
    });
    let (Ok(found), hashed) = aixin_kiosk_fuzz::decode_damaged_checkpoint(base, data) else {
        return;
    };
    if let (true, Err(problem)) = (hashed, found.state.check_invariants()) {
        panic!("a checkpoint decoded to a state that breaks its laws: {problem}");
    }
    let again = checkpoint::decode(&checkpoint::encode(&found.state))
        .expect("an encoded checkpoint decodes");
    assert_eq!(
        again.state.state_hash(),
        found.claim.state_hash,
        "a state changed through its checkpoint"
    );
});
