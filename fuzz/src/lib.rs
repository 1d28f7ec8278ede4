//! What the fuzz targets share: a ledger opened from the golden journal
//! (households, goods, credits and redemptions of every kind), and helpers
//! to turn fuzz bytes into text and stored records.

use aixin_kiosk::entry::{chain_hash, Entry, Hash, GENESIS_PREVIOUS_HASH};
use aixin_kiosk::ids::KioskId;
use aixin_kiosk::journal::{self, parse_ndjson_line, StoredRecord};
use aixin_kiosk::ledger::{Ledger, LedgerConfig};
use aixin_kiosk::shell;
use std::sync::OnceLock;

/// The committed journal of format 1: the state the importers run against.
pub const GOLDEN: &str = include_str!("../../tests/fixtures/golden-v1.ndjson");

pub fn config() -> LedgerConfig {
    LedgerConfig {
        pin_iterations: 2,
        session_idle_ms: 180_000,
    }
}

/// The golden journal's records, `(seq, stored bytes)`.
pub fn golden_records() -> &'static [(u64, Vec<u8>)] {
    static RECORDS: OnceLock<Vec<(u64, Vec<u8>)>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        GOLDEN
            .lines()
            .enumerate()
            .map(|(i, line)| {
                let record = parse_ndjson_line(line).expect("a golden line");
                (i as u64 + 1, record.to_bytes())
            })
            .collect()
    })
}

/// The kiosk id of the golden journal.
pub fn kiosk_id() -> KioskId {
    KioskId::new("test-01").expect("a kiosk id")
}

/// A ledger opened from the golden journal.
pub fn golden_ledger() -> Ledger {
    journal::open(golden_records().to_vec(), Vec::new(), &kiosk_id(), config())
        .unwrap_or_else(|error| panic!("the golden journal does not open: {error:?}"))
}

/// Chains entry bytes as an honest writer would (each hash the SHA-256 of
/// the previous hash and the bytes), numbered from 1: a hand-made journal
/// with every hash right, so only the entries' contents are tested.
pub fn chained(entries: &[&[u8]]) -> Vec<(u64, Vec<u8>)> {
    let mut previous: Hash = GENESIS_PREVIOUS_HASH;
    entries
        .iter()
        .enumerate()
        .map(|(i, bytes)| {
            let hash = chain_hash(&previous, bytes);
            previous = hash;
            let record = StoredRecord {
                bytes: bytes.to_vec(),
                hash,
            };
            (i as u64 + 1, record.to_bytes())
        })
        .collect()
}

/// Whether an entry decodes and survives a round trip through its bytes.
pub fn check_entry_round_trip(bytes: &[u8]) {
    if let Ok(entry) = Entry::decode(bytes) {
        let again = Entry::decode(&entry.encode()).expect("an encoded entry decodes");
        assert_eq!(again, entry, "an entry changed through its bytes");
    }
}

/// One import file, as the clerk screen takes it: decoded, previewed against
/// the golden state, and, when the preview accepts it, applied as one plan
/// (prepared and committed) after which the state's laws still hold.
pub fn import(kind: aixin_kiosk::import::ImportKind, data: &[u8]) {
    use aixin_kiosk::import;
    use aixin_kiosk::ledger::{Auth, Operation};
    let Ok(text) = import::decode_bytes(data) else {
        return;
    };
    static STATE: OnceLock<aixin_kiosk::state::State> = OnceLock::new();
    let state = STATE.get_or_init(|| golden_ledger().state().clone());
    let preview = import::preview(state, kind, &text, None);
    let parsed = import::parse(state, kind, &text, None);
    if preview.is_err() {
        return;
    }
    let file = parsed.expect("a file the preview accepts parses");
    let mut ledger = golden_ledger();
    let staff = aixin_kiosk::ids::StaffId::new("admin").expect("a staff id");
    let reason = aixin_kiosk::ids::Text::new("更正", 200).expect("a reason");
    let operation = Operation::Import {
        file,
        corrections_reason: Some(reason),
        pin_seed: [7; 16],
    };
    // No store: what a prepared import would write is dropped, and refusals
    // are fine; a prepared import must commit.
    let mut prepared = false;
    let submitted = shell::submit(
        &mut ledger,
        &Auth::Staff(staff),
        operation,
        1_800_000_000_000,
        |_, _| {
            prepared = true;
            Ok::<_, aixin_kiosk::error::Error>(())
        },
    );
    if prepared {
        submitted.expect("a prepared import commits");
        if let Err(problem) = ledger.state().check_invariants() {
            panic!("an import broke the state's laws: {problem}");
        }
    }
}

/// One score sheet for the period 2026-10, against the golden state: refused
/// with its bad rows named, or parsed with every score within the table.
pub fn score_sheet(data: &[u8]) {
    let Ok(text) = aixin_kiosk::import::decode_bytes(data) else {
        return;
    };
    static STATE: OnceLock<aixin_kiosk::state::State> = OnceLock::new();
    let state = STATE.get_or_init(|| golden_ledger().state().clone());
    let period = aixin_kiosk::ids::Period::new("2026-10").expect("a period");
    match aixin_kiosk::scoresheet::parse(state, &period, &text) {
        Ok(_) => {}
        Err(errors) => assert!(!errors.errors.is_empty(), "a refusal names a row"),
    }
}

/// One backup file: read (which verifies it whole) and, when it reads,
/// offered for a restore onto an empty kiosk of its id without the recovery
/// code or an admin's PIN, which is always refused (a restore needs one).
pub fn backup_restore(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(backup) = aixin_kiosk::backup::read(text) else {
        return;
    };
    let kiosk_id = backup.header.kiosk_id.clone();
    let empty = aixin_kiosk::state::State::new();
    let refused = aixin_kiosk::backup::restore(
        backup,
        &kiosk_id,
        &empty,
        aixin_kiosk::backup::RestoreAuth::default(),
        1_800_000_000_000,
        config(),
    );
    assert!(
        matches!(
            refused,
            Err(aixin_kiosk::error::Error::RestoreAuthRequired { .. })
        ),
        "a restore without a code or PIN is refused"
    );
}

/// The golden journal's state after its first `seq` records, as a stored
/// checkpoint (the same bytes `meta` holds under `checkpoint` or
/// `archive-base`).
pub fn golden_checkpoint(seq: u64) -> Vec<u8> {
    let records: Vec<(u64, Vec<u8>)> = golden_records()
        .iter()
        .take(seq as usize)
        .cloned()
        .collect();
    let ledger = journal::open(records, Vec::new(), &kiosk_id(), config())
        .unwrap_or_else(|error| panic!("the golden prefix does not open: {error:?}"));
    aixin_kiosk::checkpoint::encode(ledger.state())
}

/// A stored checkpoint made from fuzz bytes. The first byte chooses: bit 1
/// set, the rest is the checkpoint's bytes as they are; clear, `base` is
/// damaged by the rest, read as (3-byte offset, xor byte) pairs, the value
/// cut at the last offset when bit 2 is set. Bit 0 set, the trailing hash
/// is taken as right ([`checkpoint::decode_hashed`] given the bytes' own
/// digest), so the damage reaches the decoder of the state itself and not
/// only the hash check. Answers whether the hash was checked for real:
/// a checkpoint taken on its claimed hash is one rewritten with a fresh
/// hash, whose state the background replay proves or refuses (the decoder
/// only guarantees it is well formed and agrees with its state hash).
///
/// [`checkpoint::decode_hashed`]: aixin_kiosk::checkpoint::decode_hashed
pub fn decode_damaged_checkpoint(
    base: &[u8],
    data: &[u8],
) -> (Result<aixin_kiosk::checkpoint::Checkpoint, String>, bool) {
    use aixin_kiosk::checkpoint;
    let mode = data.first().copied().unwrap_or(0);
    let rest = data.get(1..).unwrap_or(&[]);
    let bytes = if mode & 2 != 0 {
        rest.to_vec()
    } else {
        let mut bytes = base.to_vec();
        let mut cut = None;
        for pair in rest.chunks_exact(4) {
            let offset = u32::from_le_bytes([pair[0], pair[1], pair[2], 0]) as usize;
            let at = offset % bytes.len().max(1);
            if let Some(byte) = bytes.get_mut(at) {
                *byte ^= pair[3];
            }
            cut = Some(at);
        }
        if let (true, Some(at)) = (mode & 4 != 0, cut) {
            bytes.truncate(at);
        }
        bytes
    };
    let claimed: Option<Hash> = bytes
        .len()
        .checked_sub(32)
        .and_then(|split| bytes[split..].try_into().ok());
    match claimed {
        Some(claimed) if mode & 1 != 0 => (checkpoint::decode_hashed(&bytes, claimed), false),
        _ => (checkpoint::decode(&bytes), true),
    }
}
