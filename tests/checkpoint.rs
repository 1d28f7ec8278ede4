//! Checkpoints: the state at a seq encodes and decodes to itself, opening
//! from a checkpoint gives the state of opening from scratch, and a changed
//! checkpoint is caught — by its own hash, or by proving it against the
//! journal.

mod common;

use aixin_kiosk::checkpoint::{self, Checkpoint, Format};
use aixin_kiosk::ids::KioskId;
use aixin_kiosk::journal::{self, parse_ndjson_line, Replay};
use aixin_kiosk::points::Points;
use common::*;

/// The records of the golden fixture (every entry kind of format 1).
fn golden_records() -> Vec<(u64, Vec<u8>)> {
    let text = std::fs::read_to_string("tests/fixtures/golden-v1.ndjson").unwrap();
    text.lines()
        .filter(|line| !line.is_empty())
        .enumerate()
        .map(|(index, line)| {
            let record = parse_ndjson_line(line).unwrap();
            (index as u64 + 1, record.to_bytes())
        })
        .collect()
}

fn golden_kiosk_id() -> KioskId {
    let records = golden_records();
    let ledger = journal::open(records[..1].to_vec(), vec![], &any_kiosk(), config());
    match ledger {
        Err(journal::OpenError::WrongKiosk(aixin_kiosk::error::Error::WrongKiosk {
            found,
            ..
        })) => KioskId::new(&found).unwrap(),
        Ok(ledger) => ledger.state().kiosk.as_ref().unwrap().kiosk_id.clone(),
        Err(other) => panic!("{other:?}"),
    }
}

fn any_kiosk() -> KioskId {
    KioskId::new("no-such-kiosk").unwrap()
}

/// The state after the first `count` records.
fn replayed(records: &[(u64, Vec<u8>)], count: usize) -> aixin_kiosk::state::State {
    let mut replay = Replay::from_genesis(&golden_kiosk_id());
    replay.feed(&records[..count]).unwrap();
    replay.into_state()
}

#[test]
fn a_checkpoint_at_every_seq_opens_to_the_state_of_opening_from_scratch() {
    let records = golden_records();
    let kiosk_id = golden_kiosk_id();
    let full = journal::open(records.clone(), vec![], &kiosk_id, config()).unwrap();
    let full_body = checkpoint::encode_body(full.state());
    for count in 0..=records.len() {
        let state = replayed(&records, count);
        let bytes = checkpoint::encode(&state);
        let decoded: Checkpoint = checkpoint::decode(&bytes).unwrap();
        assert_eq!(decoded.claim.seq, count as u64);
        assert_eq!(decoded.claim.state_hash, state.state_hash());
        assert_eq!(checkpoint::encode(&decoded.state), bytes, "at {count}");
        checkpoint::prove(&decoded.claim, &state).unwrap();
        let opened = journal::open_from_state(
            decoded.state,
            &records[count..],
            vec![],
            &kiosk_id,
            config(),
        )
        .unwrap();
        assert_eq!(opened.state().state_hash(), full.state().state_hash());
        assert_eq!(
            checkpoint::encode_body(opened.state()),
            full_body,
            "at {count}"
        );
    }
}

#[test]
fn a_flipped_bit_anywhere_in_a_checkpoint_is_refused() {
    let records = golden_records();
    let bytes = checkpoint::encode(&replayed(&records, records.len()));
    for at in (0..bytes.len()).step_by(7) {
        let mut changed = bytes.clone();
        changed[at] ^= 0x10;
        assert!(checkpoint::decode(&changed).is_err(), "flip at {at}");
    }
    assert!(checkpoint::decode(&bytes[..bytes.len() - 1]).is_err());
    assert!(checkpoint::decode(&[]).is_err());
}

#[test]
fn a_digest_computed_elsewhere_must_be_that_of_the_bytes() {
    use sha2::{Digest, Sha256};
    let records = golden_records();
    let bytes = checkpoint::encode(&replayed(&records, records.len()));
    let right: [u8; 32] = Sha256::digest(checkpoint::hashed_part(&bytes).unwrap()).into();
    let decoded = checkpoint::decode_hashed(&bytes, right).unwrap();
    assert_eq!(checkpoint::encode(&decoded.state), bytes);
    // A changed byte, with the digest of the changed bytes: refused, as is a
    // digest of something else given for the right bytes.
    let mut changed = bytes.clone();
    changed[bytes.len() / 2] ^= 1;
    let digest: [u8; 32] = Sha256::digest(checkpoint::hashed_part(&changed).unwrap()).into();
    let error = checkpoint::decode_hashed(&changed, digest).unwrap_err();
    assert!(error.contains("hash does not match"), "{error}");
    let mut wrong = right;
    wrong[0] ^= 1;
    assert!(checkpoint::decode_hashed(&bytes, wrong).is_err());
    assert!(checkpoint::hashed_part(&bytes[..31]).is_err());
}

#[test]
fn a_forged_checkpoint_with_a_correct_hash_fails_its_proof() {
    let records = golden_records();
    let count = records.len() - 3;
    let honest = replayed(&records, count);
    // A balance raised, the state hash and the checkpoint's own hash
    // recomputed: it decodes, but the journal disagrees.
    let mut forged = honest.clone();
    let household = forged.households.values_mut().next().unwrap();
    household.balance = household
        .balance
        .checked_add(Points::from_hundredths(100_00).unwrap())
        .unwrap();
    let decoded = checkpoint::decode(&checkpoint::encode(&forged)).unwrap();
    let error = checkpoint::prove(&decoded.claim, &honest).unwrap_err();
    assert!(error.contains("state hash"), "{error}");
    // A field the state hash does not cover (a redemption forgotten).
    let mut forged = honest.clone();
    let seq = *forged.redemptions.keys().next().unwrap();
    forged.redemptions.remove(&seq);
    let decoded = checkpoint::decode(&checkpoint::encode(&forged)).unwrap();
    let error = checkpoint::prove(&decoded.claim, &honest).unwrap_err();
    assert!(error.contains("another state"), "{error}");
    // A checkpoint of a journal that went another way: another head.
    let other = replayed(&records, count - 1);
    let decoded = checkpoint::decode(&checkpoint::encode(&other)).unwrap();
    assert!(checkpoint::prove(&decoded.claim, &honest).is_err());
}

#[test]
fn opening_from_a_checkpoint_still_checks_the_records_after_it() {
    let records = golden_records();
    let kiosk_id = golden_kiosk_id();
    let count = records.len() / 2;
    let state = replayed(&records, count);
    let mut tail = records[count..].to_vec();
    let last = tail.len() - 1;
    tail[last].1[5] ^= 1;
    match journal::open_from_state(state.clone(), &tail, vec![], &kiosk_id, config()) {
        Err(journal::OpenError::Corrupt { error, prefix }) => {
            assert_eq!(error.code(), "STORAGE_CORRUPT");
            assert_eq!(prefix.state().seq, records.len() as u64 - 1);
        }
        other => panic!("{:?}", other.map(|l| l.state().seq)),
    }
    // The tail must chain from the checkpoint's head: a gap is refused.
    assert!(
        journal::open_from_state(state, &records[count + 1..], vec![], &kiosk_id, config())
            .is_err()
    );
}

#[test]
fn a_checkpoint_keeps_the_rules_score_sheets_objections_and_runs() {
    let mut kiosk = Kiosk::with_village();
    for code in ["G001", "G002", "G003"] {
        kiosk.register(code, "住户");
    }
    kiosk.use_score_sheets();
    kiosk
        .post_scores(
            "2026-04",
            &[("G001", "95"), ("G002", "86.5"), ("G003", "60")],
        )
        .unwrap();
    kiosk.apply_scores_after("2026-04", 6).unwrap();
    // A second period posted and objected to, not yet applied.
    kiosk
        .post_scores("2026-05", &[("G001", "91"), ("G002", "70"), ("G003", "50")])
        .unwrap();
    let objection = aixin_kiosk::scoresheet::PointsOperation::Object {
        period: aixin_kiosk::ids::Period::new("2026-05").unwrap(),
        household: code("G002"),
        finding: text("复核"),
        score: aixin_kiosk::rules::Score::from_tenths(880).unwrap(),
    };
    kiosk.points_op(objection).unwrap();
    let state = kiosk.ledger.state();
    assert!(!state.postings.is_empty() && !state.runs.is_empty());
    let bytes = checkpoint::encode(state);
    let decoded = checkpoint::decode(&bytes).unwrap();
    assert_eq!(decoded.state.rules, state.rules);
    assert_eq!(decoded.state.postings, state.postings);
    assert_eq!(decoded.state.runs, state.runs);
    assert_eq!(checkpoint::encode(&decoded.state), bytes);
    checkpoint::prove(&decoded.claim, state).unwrap();
}

/// The bodies of every prefix of the golden journal, hashed together: the
/// bytes the checkpoint format gave them when this test was written. A
/// stored checkpoint is proved by comparing its body with the body of a
/// replayed state, so a change of the encoder that moves a byte (an order,
/// a field) would fail the proof of every checkpoint kiosks hold.
#[test]
fn the_bodies_of_the_golden_journal_keep_their_bytes() {
    use sha2::{Digest, Sha256};
    let records = golden_records();
    let pinned = |format: Format| {
        let mut hasher = Sha256::new();
        for count in 0..=records.len() {
            let body = checkpoint::encode_body_in(&replayed(&records, count), format);
            hasher.update((body.len() as u64).to_le_bytes());
            hasher.update(&body);
        }
        hex::encode(hasher.finalize())
    };
    // Format 5 as kiosks of earlier builds wrote it: their checkpoints are
    // proved in it.
    assert_eq!(
        pinned(Format::V5),
        "ceeaf209ac4b5d4179924a56c3838a1a9b44694582fdc542788276591f4c0e38"
    );
    assert_eq!(
        pinned(Format::V6),
        "dde2b21094c7d0cd63658fc3ff0b55d2214c623aa0b150eb852b48983c2570e4"
    );
    assert_eq!(
        pinned(Format::V7),
        "0d4e0998db5dbd2d09796668c08d1b3f99279d65108d4f74e600255ef3d896fa"
    );
    assert_eq!(
        checkpoint::encode_body(&replayed(&records, records.len())),
        checkpoint::encode_body_in(&replayed(&records, records.len()), Format::V7),
        "the kiosk writes format 7"
    );
}

/// A checkpoint a kiosk of an earlier build left (format 5, integers in 8
/// bytes; format 6, the history lines inside their households) still opens,
/// also as open decodes it, and its proof re-encodes the re-derived state
/// in its format; the kiosk's next checkpoint is format 7, in about half
/// the bytes of format 5.
#[test]
fn a_checkpoint_of_format_5_or_6_still_opens_and_is_proved_in_its_format() {
    let records = golden_records();
    for format in [Format::V5, Format::V6] {
        for count in [0, 1, records.len() / 2, records.len()] {
            let state = replayed(&records, count);
            let old = checkpoint::encode_in(&state, format);
            let decoded = checkpoint::decode(&old).unwrap();
            assert_eq!(decoded.claim.format, format);
            assert_eq!(
                checkpoint::encode_in(&decoded.state, format),
                old,
                "at {count}"
            );
            assert_eq!(
                checkpoint::encode_body(&decoded.state),
                checkpoint::encode_body(&state),
                "at {count}"
            );
            checkpoint::prove(&decoded.claim, &state).unwrap();
            // Open's decode reads their history lines at once: only format
            // 7 keeps them apart.
            let opened = checkpoint::decode_for_open(&old).unwrap();
            assert!(opened.state.rest_pending.is_none());
            assert_eq!(
                checkpoint::encode_body(&opened.state),
                checkpoint::encode_body(&state)
            );
            // The same state's format-7 digest is another: an older claim is
            // never compared with format-7 bytes.
            assert_ne!(checkpoint::digest(&state), decoded.claim.digest);
            let new = checkpoint::encode(&state);
            assert_eq!(checkpoint::decode(&new).unwrap().claim.format, Format::V7);
            if count == records.len() && format == Format::V5 {
                // 24.8 KB against 47.5 KB for the golden journal.
                assert!(
                    new.len() * 3 < old.len() * 2,
                    "{} against {}",
                    new.len(),
                    old.len()
                );
            }
        }
    }
}

/// Open's decode of a format 7 checkpoint leaves the credits, redemptions
/// and history lines as bytes; the records after the checkpoint are
/// replayed meanwhile (a redemption, a restock, a correction... keep them
/// waiting; a credit, a void or any other entry has them decoded first),
/// and once they are decoded the state is that of opening from scratch,
/// every redemption and line in its place.
#[test]
fn the_rest_left_for_after_open_decodes_to_the_state_of_opening_from_scratch() {
    let records = golden_records();
    let kiosk_id = golden_kiosk_id();
    let (mut waited_through_a_tail, mut completed_by_the_tail) = (0, 0);
    for count in 0..=records.len() {
        let bytes = checkpoint::encode(&replayed(&records, count));
        // A tail of one record, and the whole rest of the journal.
        for end in [count + 1, records.len()] {
            if end > records.len() {
                continue;
            }
            let opened = checkpoint::decode_for_open(&bytes).unwrap();
            assert!(opened.state.rest_pending.is_some(), "at {count}");
            assert!(opened
                .state
                .households
                .values()
                .all(|h| h.history.is_empty()));
            let mut ledger = journal::open_from_state(
                opened.state,
                &records[count..end],
                vec![],
                &kiosk_id,
                config(),
            )
            .unwrap();
            let expected = replayed(&records, end);
            assert_eq!(ledger.state().state_hash(), expected.state_hash());
            match (ledger.rest_pending(), count < end) {
                (true, true) => waited_through_a_tail += 1,
                (false, true) => completed_by_the_tail += 1,
                _ => {}
            }
            ledger.decode_rest();
            assert!(!ledger.rest_pending() && ledger.read_only().is_none());
            assert_eq!(
                checkpoint::encode_body(ledger.state()),
                checkpoint::encode_body(&expected),
                "from {count} to {end}"
            );
        }
    }
    assert!(
        waited_through_a_tail > 100 && completed_by_the_tail > 100,
        "{waited_through_a_tail} {completed_by_the_tail}"
    );
}

/// A rest that is not what its counts say (a checkpoint damaged and its
/// hash recomputed): open's decode takes the rest, its decode fails, and
/// the kiosk turns read-only with `STORAGE_CORRUPT`; the whole decode
/// refuses the checkpoint.
#[test]
fn a_rest_that_does_not_decode_after_open_makes_the_kiosk_read_only() {
    use sha2::{Digest, Sha256};
    let records = golden_records();
    let kiosk_id = golden_kiosk_id();
    let state = replayed(&records, records.len());
    let bytes = checkpoint::encode(&state);
    let rehashed = |mut part: Vec<u8>| {
        let digest = Sha256::digest(&part);
        part.extend_from_slice(&digest);
        part
    };
    let part = checkpoint::hashed_part(&bytes).unwrap().to_vec();
    // One byte more after the last line; the last line cut short.
    let mut longer = part.clone();
    longer.push(0);
    let shorter = part[..part.len() - 1].to_vec();
    for damaged in [rehashed(longer), rehashed(shorter)] {
        assert!(checkpoint::decode(&damaged).is_err());
        let opened = checkpoint::decode_for_open(&damaged).unwrap();
        let mut ledger =
            journal::open_from_state(opened.state, &[], vec![], &kiosk_id, config()).unwrap();
        assert!(ledger.read_only().is_none());
        ledger.decode_rest();
        let error = ledger.read_only().expect("read-only");
        assert_eq!(error.code(), "STORAGE_CORRUPT");
        assert!(!ledger.rest_pending());
    }
}
