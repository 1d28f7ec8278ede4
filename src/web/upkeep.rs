//! Keeping a long journal quick to open: loading from a checkpoint, proving
//! that checkpoint against the journal in the background, sealing loose
//! records into segments, writing new checkpoints, and archiving.
//!
//! Open reads the checkpoint in `meta`, decodes it (its own hash and header
//! checked) and verifies only the records after it. The rest of the chain —
//! from genesis, or from the archive's base — is replayed afterwards on a
//! second connection, a run at a time, and the checkpoint proved against the
//! replayed state; until then the kiosk writes no new checkpoint and cannot
//! archive. A failed proof makes the kiosk read-only with `STORAGE_CORRUPT`
//! and deletes the checkpoint, so the next open verifies everything and
//! keeps the verified prefix. Without a usable checkpoint, open replays the
//! whole journal as before.

use super::convert::{from_js, to_js};
use super::idb::{KioskDb, StorageError, Store, WriteBatch, SEGMENT_RECORDS, SEQ_MAX};
use super::kiosk::{promise, storage_error, DbLease, Inner, Kiosk};
use crate::checkpoint::{self, Checkpoint, Claim};
use crate::error::Error;
use crate::ids::KioskId;
use crate::journal::{self, OpenError, Replay, ReplayError};
use crate::ledger::{Ledger, LedgerConfig};
use crate::state::State;
use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;
use wasm_bindgen::prelude::*;

/// The `meta` key of the latest checkpoint.
pub(super) const CHECKPOINT_KEY: &str = "checkpoint";
/// The `meta` key of the state at the archived seq: where the live journal
/// starts after an archive.
pub(super) const BASE_KEY: &str = "archive-base";
/// A new checkpoint is written once the journal has grown this much past
/// the last one (in the background, after the call that crossed it).
pub(super) const CHECKPOINT_INTERVAL: u64 = 1_000;
/// Seqs read per step when replaying a journal at open (nothing else runs
/// meanwhile) and when archiving.
const REPLAY_STEP: u64 = 5_000;
/// Seqs read per step by the background proof, which runs while the kiosk
/// takes redemptions: the page's thread is busy for a whole step, so a
/// step is one sealed segment (about 12 ms of replay at 100,000 entries on
/// the benchmark's machine, against 120 ms for 5,000).
const PROOF_STEP: u64 = crate::segment::SEGMENT_RECORDS;
/// Sealing and checkpoints wait until no call has come for this long (ms),
/// so a redemption rarely meets them: at 100,000 entries a checkpoint is
/// about 18 MB to encode and write, and a call that waited behind it was
/// the slowest redemption by far. One that comes meanwhile still goes
/// first: the checkpoint's write is aborted and tried again when it is
/// quiet.
pub(super) const QUIET_MS: i32 = 1_000;

/// What the shell knows about its checkpoints and segments.
#[derive(Default)]
pub(super) struct Upkeep {
    /// The seq of the stored checkpoint (0: none).
    pub checkpoint_seq: Cell<u64>,
    /// The first seq not sealed into a segment.
    pub segments_end: Cell<u64>,
    /// The seq the live journal starts after (0: nothing archived), and the
    /// hash of the entry at it.
    pub base_seq: Cell<u64>,
    pub base_head: Cell<crate::entry::Hash>,
    /// The checkpoint open started from, until the replay proves it.
    pub unproven: RefCell<Option<Claim>>,
    /// Whether a background pass is running.
    pub running: Cell<bool>,
    /// The proof's worker while it runs (see [`super::proof`]).
    pub proof_worker: RefCell<Option<super::proof::ProofWorker>>,
}

impl Upkeep {
    /// Whether the whole live journal has been verified from its start.
    pub fn verified(&self) -> bool {
        self.unproven.borrow().is_none()
    }
}

/// Reads and verifies the journal: from the checkpoint when there is a
/// usable one, else all of it.
pub(super) async fn load(
    db: &KioskDb,
    kiosk_id: &KioskId,
    config: LedgerConfig,
) -> Result<(Result<Ledger, OpenError>, Upkeep), Error> {
    // Open's first reads are asked for together: IndexedDB answers each
    // while the others wait, instead of a round trip after each.
    let ((credentials, base), (segments_end, stored)) = both(
        both(db.read_all(Store::Credentials), read_base(db)),
        both(db.segments_end(), db.read_one(Store::Meta, CHECKPOINT_KEY)),
    )
    .await;
    let credentials = credentials.map_err(storage_error)?;
    let upkeep = Upkeep::default();
    // The base is vouched for by its `archived` entry where the replay
    // meets it (see `start_replay`): after the checkpoint, by the tail read
    // below; before it, by the background proof.
    let base = match base {
        Ok(base) => base,
        // Without its base the live journal cannot be replayed at all: the
        // kiosk opens read-only and empty, and the staff get the ways back.
        Err(Error::StorageCorrupt { detail, .. }) => {
            let seq = db
                .first_seq()
                .await
                .map_err(storage_error)?
                .saturating_sub(1);
            let error = Error::StorageCorrupt { seq, detail };
            let replay = Replay::from_genesis(kiosk_id);
            let fed = Err(ReplayError::Corrupt(error));
            return Ok((replay.finish(fed, credentials, config), upkeep));
        }
        Err(error) => return Err(error),
    };
    if let Some(base) = &base {
        upkeep.base_seq.set(base.claim.seq);
        upkeep.base_head.set(base.claim.head);
    }
    // Where the sealed segments end, when their last one could be read.
    let sealed_end = segments_end.as_ref().ok().copied();
    let segments_end = match segments_end {
        Ok(end) => end,
        // The last segment's count is damaged: the replay below names it,
        // and a read-only kiosk seals nothing.
        Err(StorageError::Corrupt { seq, .. }) => seq,
        Err(error) => return Err(storage_error(error)),
    };
    upkeep
        .segments_end
        .set(segments_end.max(upkeep.base_seq.get() + 1));
    let stored = stored.map_err(storage_error)?;
    let claimed = stored.as_deref().and_then(checkpoint::claimed_seq);
    if let (Some(bytes), Some(claimed)) = (&stored, claimed) {
        if claimed >= upkeep.base_seq.get() {
            // The records after the checkpoint are asked for first, so
            // IndexedDB reads them while the checkpoint is decoded; they are
            // of no use if the decode fails, which is rare.
            let (tail, found) = both(
                read_tail(db, claimed.saturating_add(1), sealed_end),
                decode_checkpoint(bytes, checkpoint::decode_for_open),
            )
            .await;
            if let Ok(found) = found {
                // A damaged segment in the tail: the full replay below names
                // it with its verified prefix.
                let tail = match tail {
                    Ok(tail) => Some(tail),
                    Err(StorageError::Corrupt { .. }) => None,
                    Err(error) => return Err(storage_error(error)),
                };
                if let Some(tail) = tail {
                    let claim = found.claim.clone();
                    let mut replay = Replay::from_state(found.state, kiosk_id);
                    if let Some(base) = &base {
                        replay = replay.vouching_for(base_claim(base));
                    }
                    let fed = replay.feed(&tail);
                    let opened = replay.finish(fed, credentials.clone(), config);
                    if opened.is_ok() {
                        upkeep.checkpoint_seq.set(claim.seq);
                        *upkeep.unproven.borrow_mut() = Some(claim);
                        return Ok((opened, upkeep));
                    }
                }
            }
            // A tail that does not follow the checkpoint: verify everything,
            // so a failure is named with a proven prefix.
        }
    }
    let mut replay = start_replay(base, kiosk_id);
    let fed = replay_through(db, &mut replay, SEQ_MAX, REPLAY_STEP, || false).await?;
    Ok((replay.finish(fed, credentials, config), upkeep))
}

/// The records from `from` on. When no segment holds any of them (`from` is
/// at or past `sealed_end`, the sealed segments' end read at open), they are
/// all loose, and one request pair reads them; else the segments are looked
/// up first, a round trip each, which at open came after the checkpoint's
/// decode (25–40 ms at 50,000 entries). Only the kiosk holding the writer
/// lock seals, so nothing is sealed between the two reads, unless this one
/// opens read-only, where the journal may move on under it in any case.
async fn read_tail(
    db: &KioskDb,
    from: u64,
    sealed_end: Option<u64>,
) -> Result<Vec<(u64, Vec<u8>)>, StorageError> {
    match sealed_end {
        Some(end) if from >= end => db.read_loose(from, SEQ_MAX).await,
        _ => db.read_journal(from, SEQ_MAX).await,
    }
}

/// Runs two futures together and waits for both: each is polled in turn, so
/// the second starts its work (an IndexedDB request, a digest) while the
/// first waits for its own.
async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut a_done, mut b_done) = (None, None);
    poll_fn(|context| {
        if a_done.is_none() {
            if let Poll::Ready(output) = a.as_mut().poll(context) {
                a_done = Some(output);
            }
        }
        if b_done.is_none() {
            if let Poll::Ready(output) = b.as_mut().poll(context) {
                b_done = Some(output);
            }
        }
        match (a_done.take(), b_done.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (a_done, b_done) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

/// The archive's base, if the journal was archived.
pub(super) async fn read_base(db: &KioskDb) -> Result<Option<Checkpoint>, Error> {
    let Some(bytes) = db
        .read_one(Store::Meta, BASE_KEY)
        .await
        .map_err(storage_error)?
    else {
        return Ok(None);
    };
    decode_checkpoint(&bytes, checkpoint::decode_before_hash)
        .await
        .map(Some)
        .map_err(|detail| Error::StorageCorrupt { seq: 0, detail })
}

/// Decodes a stored checkpoint, its trailing hash checked with the
/// browser's SHA-256 (see [`super::digest`]): at 50,000 entries the
/// checkpoint is about 9 MB, and hashing it in the wasm was a fifth of open.
/// The browser hashes off the page's thread while the wasm decodes; nothing
/// decoded leaves here before the hash is found right, and a wrong hash is
/// refused with the same words whatever the decode came to. `decode` is
/// the core's decode before the hash: open's leaves the credits, redemptions
/// and history lines of a format 7 checkpoint for after it (see
/// [`Inner::ledger`]).
async fn decode_checkpoint(
    bytes: &[u8],
    decode: fn(&[u8]) -> Result<Checkpoint, String>,
) -> Result<Checkpoint, String> {
    let part = checkpoint::hashed_part(bytes)?;
    let digest = super::digest::sha256(part);
    let decoded = decode(bytes);
    if digest.await.as_slice() != &bytes[part.len()..] {
        return Err(checkpoint::HASH_MISMATCH.into());
    }
    decoded
}

/// A replay from the archive's base, or from genesis. The `archived` entry
/// written before the entries left the live journal names the base's seq,
/// head and state hash: the replay checks it when it comes to it, so a base
/// edited and re-hashed (its own hash right) is caught without reading the
/// journal an extra time.
fn start_replay(base: Option<Checkpoint>, kiosk_id: &KioskId) -> Replay {
    match base {
        Some(base) => {
            let claim = base_claim(&base);
            Replay::from_state(base.state, kiosk_id).vouching_for(claim)
        }
        None => Replay::from_genesis(kiosk_id),
    }
}

/// What the base claims, for its `archived` entry to vouch for.
fn base_claim(base: &Checkpoint) -> journal::BaseClaim {
    journal::BaseClaim {
        seq: base.claim.seq,
        head: base.claim.head,
        state_hash: base.claim.state_hash.clone(),
    }
}

/// Feeds `replay` the stored records after its seq up to `through`, `step`
/// seqs at a time; `stop` is asked between steps.
async fn replay_through(
    db: &KioskDb,
    replay: &mut Replay,
    through: u64,
    step: u64,
    stop: impl Fn() -> bool,
) -> Result<Result<(), ReplayError>, Error> {
    loop {
        let next = replay.state().seq + 1;
        if next > through || stop() {
            return Ok(Ok(()));
        }
        let to = through.min(next + step - 1);
        let records = match db.read_journal(next, to).await {
            Ok(records) => records,
            Err(StorageError::Corrupt { seq, detail }) => {
                return Ok(damaged_at(db, replay, seq, detail).await);
            }
            Err(error) => return Err(storage_error(error)),
        };
        if records.is_empty() {
            return Ok(Ok(()));
        }
        if let Err(error) = replay.feed(&records) {
            return Ok(Err(error));
        }
    }
}

/// A stored value that cannot be read from `seq` on (a damaged segment):
/// the records before it are fed, so the verified prefix is kept, and the
/// replay stops with `STORAGE_CORRUPT` at the first seq it lacks.
async fn damaged_at(
    db: &KioskDb,
    replay: &mut Replay,
    seq: u64,
    detail: String,
) -> Result<(), ReplayError> {
    let next = replay.state().seq + 1;
    if seq > next {
        // Read only up to the damage: a cut-short record does not hide the
        // ones before it. Should even that fail, the prefix ends here.
        if let Ok(before) = db.read_journal(next, seq - 1).await {
            replay.feed(&before)?;
        }
    }
    Err(ReplayError::Corrupt(Error::StorageCorrupt {
        seq: replay.state().seq + 1,
        detail,
    }))
}

/// Starts a background pass unless one is running or nothing is due.
pub(super) fn schedule(inner: &Rc<Inner>) {
    let upkeep = inner.upkeep();
    if upkeep.running.get() || !(due(inner) || !upkeep.verified()) {
        return;
    }
    upkeep.running.set(true);
    let inner = Rc::clone(inner);
    wasm_bindgen_futures::spawn_local(async move {
        // Let the call that scheduled this answer first.
        super::kiosk::sleep(0).await;
        let _ = pass(&inner).await;
        inner.upkeep().running.set(false);
    });
}

/// Whether sealing or a checkpoint is due.
fn due(inner: &Inner) -> bool {
    let upkeep = inner.upkeep();
    let ledger = inner.ledger.borrow_partial();
    let seq = ledger.state().seq;
    ledger.read_only().is_none()
        && upkeep.verified()
        && (seq + 1 >= upkeep.segments_end.get() + SEGMENT_RECORDS
            || seq >= upkeep.checkpoint_seq.get() + CHECKPOINT_INTERVAL)
}

async fn pass(inner: &Rc<Inner>) -> Result<(), Error> {
    // The rest of the checkpoint open left (scheduled by open, after its
    // answer).
    inner.ledger.decode_rest();
    if !inner.upkeep().verified() {
        prove(inner).await?;
    }
    while due(inner) && !inner.is_closed() {
        let upkeep = inner.upkeep();
        let pass = super::gate::Gate::enter_quiet(inner.gate(), QUIET_MS).await;
        // The calls before it may have changed what is due (an archive
        // writes its own checkpoint).
        if !due(inner) || inner.is_closed() {
            break;
        }
        let seq = inner.ledger.borrow().state().seq;
        if seq + 1 >= upkeep.segments_end.get() + SEGMENT_RECORDS {
            let first = upkeep.segments_end.get();
            let lease = DbLease::take(inner)?;
            let started = super::gate::marks::now();
            let sealed = lease.db()?.seal_segment(first).await;
            super::gate::marks::measure("seal", started);
            if !sealed.map_err(storage_error)? {
                return Ok(());
            }
            upkeep.segments_end.set(first + SEGMENT_RECORDS);
        } else {
            checkpoint_giving_way(inner, pass).await?;
        }
    }
    Ok(())
}

/// Stores a checkpoint of the current state unless a call comes first: the
/// encoding is left when a call is already waiting, and the write is
/// aborted when one comes during it (the checkpoint before it stays, and
/// the next quiet moment tries again).
async fn checkpoint_giving_way(inner: &Inner, pass: super::gate::Pass) -> Result<(), Error> {
    if pass.call_waiting() {
        return Ok(());
    }
    let started = super::gate::marks::now();
    let (seq, bytes) = {
        let ledger = inner.ledger.borrow();
        (ledger.state().seq, checkpoint::encode(ledger.state()))
    };
    super::gate::marks::measure("checkpoint-encode", started);
    if pass.call_waiting() {
        super::gate::marks::measure("checkpoint-gave-way", started);
        return Ok(());
    }
    let batch = WriteBatch {
        meta: vec![(CHECKPOINT_KEY.to_string(), bytes)],
        ..WriteBatch::default()
    };
    let lease = DbLease::take(inner)?;
    let started = super::gate::marks::now();
    let written = lease
        .db()?
        .write_or_give_way(&batch, |abort| pass.on_call_waiting(abort))
        .await;
    super::gate::marks::measure("checkpoint-write", started);
    if written.map_err(storage_error)? {
        inner.upkeep().checkpoint_seq.set(seq);
    } else {
        super::gate::marks::measure("checkpoint-gave-way", started);
    }
    Ok(())
}

/// Stores a checkpoint of the current state (call inside the gate).
pub(super) async fn write_checkpoint(inner: &Inner) -> Result<(), Error> {
    let started = super::gate::marks::now();
    let (seq, bytes) = {
        let ledger = inner.ledger.borrow();
        (ledger.state().seq, checkpoint::encode(ledger.state()))
    };
    super::gate::marks::measure("checkpoint-encode", started);
    let batch = WriteBatch {
        meta: vec![(CHECKPOINT_KEY.to_string(), bytes)],
        ..WriteBatch::default()
    };
    let lease = DbLease::take(inner)?;
    let started = super::gate::marks::now();
    let written = lease.db()?.write(&batch).await;
    super::gate::marks::measure("checkpoint-write", started);
    written.map_err(storage_error)?;
    inner.upkeep().checkpoint_seq.set(seq);
    Ok(())
}

/// What a proof came to.
pub(super) enum Proved {
    /// The replayed state is the one the checkpoint claims.
    Yes,
    /// The journal does not bear the checkpoint out.
    No(Error),
    /// Stopped before the end (the kiosk closed).
    Stopped,
}

/// Replays the journal up to `claim` on a connection of its own and proves
/// the claim against the replayed state; `stop` is asked between steps.
/// The one implementation of the proof, run in the proof worker (see
/// [`super::proof`]) or, where none can start, on the page's thread.
pub(super) async fn replay_and_prove(
    kiosk_id: &KioskId,
    claim: &Claim,
    stop: impl Fn() -> bool,
) -> Result<Proved, Error> {
    let db = KioskDb::open(kiosk_id.as_str())
        .await
        .map_err(storage_error)?;
    let outcome = async {
        let base = read_base(&db).await?;
        let mut replay = start_replay(base, kiosk_id);
        let fed = replay_through(&db, &mut replay, claim.seq, PROOF_STEP, &stop).await?;
        if stop() {
            return Ok(Proved::Stopped);
        }
        Ok::<_, Error>(match fed {
            Err(ReplayError::Corrupt(error)) | Err(ReplayError::WrongKiosk(error)) => {
                Proved::No(error)
            }
            Ok(()) => match checkpoint::prove(claim, replay.state()) {
                Ok(()) => Proved::Yes,
                Err(detail) => Proved::No(Error::StorageCorrupt {
                    seq: claim.seq,
                    detail,
                }),
            },
        })
    }
    .await;
    db.close();
    outcome
}

/// Proves the unproven checkpoint, in the proof worker when one starts;
/// a failure makes the kiosk read-only with `STORAGE_CORRUPT` and deletes
/// the checkpoint.
async fn prove(inner: &Rc<Inner>) -> Result<(), Error> {
    let Some(claim) = inner.upkeep().unproven.borrow().clone() else {
        return Ok(());
    };
    if inner.is_closed() {
        return Ok(());
    }
    // Marked `aixin:proof-worker` or `aixin:proof` (on the page's thread),
    // so the benchmark and the tests can tell where it ran.
    let started = super::gate::marks::now();
    let worker = &inner.upkeep().proof_worker;
    let proved = match super::proof::in_worker(inner.kiosk_id().as_str(), &claim, worker).await {
        Some(proved) => {
            super::gate::marks::measure("proof-worker", started);
            proved?
        }
        None => {
            let proved = replay_and_prove(inner.kiosk_id(), &claim, || inner.is_closed()).await;
            super::gate::marks::measure("proof", started);
            proved?
        }
    };
    if inner.is_closed() {
        return Ok(());
    }
    match proved {
        Proved::Stopped => Ok(()),
        Proved::Yes => {
            *inner.upkeep().unproven.borrow_mut() = None;
            Ok(())
        }
        Proved::No(error) => {
            inner.ledger.borrow_mut().set_read_only(error.clone());
            let _pass = super::gate::Gate::enter(inner.gate()).await;
            let lease = DbLease::take(inner)?;
            lease
                .db()?
                .delete_meta(CHECKPOINT_KEY)
                .await
                .map_err(storage_error)?;
            inner.upkeep().checkpoint_seq.set(0);
            Err(error)
        }
    }
}

/// Stops a proof running in its worker (the kiosk is closing).
pub(super) fn stop_proof(inner: &Inner) {
    if let Some(worker) = inner.upkeep().proof_worker.borrow_mut().take() {
        worker.stop();
    }
}

/// What an archive moved out.
pub(super) struct Archived {
    pub first_seq: u64,
    pub through_seq: u64,
    pub head_hash: String,
    pub ndjson: String,
}

/// Moves the entries after the current base up to `through` out of the live
/// journal: replays them (on a connection of its own) to the state at
/// `through`, collecting their NDJSON lines, then stores that state as the
/// new base and deletes them in one transaction. The caller checked the
/// staff session and that `through` is uploaded.
pub(super) async fn archive(
    inner: &Rc<Inner>,
    through: u64,
    auth: crate::ledger::Auth,
    request: crate::ids::RequestId,
    now: i64,
) -> Result<Archived, Error> {
    let upkeep = inner.upkeep();
    if !upkeep.verified() {
        return Err(Error::invalid_with(
            "archive",
            "正在核对记录,请稍后再归档",
            "the journal is still being verified; archive a little later",
        ));
    }
    let first = upkeep.base_seq.get() + 1;
    if through < first {
        return Err(Error::invalid_with(
            "throughSeq",
            &format!("第 {through} 条以前的记录已经归档了"),
            &format!("entries up to {through} are already archived"),
        ));
    }
    if upkeep.checkpoint_seq.get() < through {
        let _pass = super::gate::Gate::enter(inner.gate()).await;
        write_checkpoint(inner).await?;
    }
    // The entries up to `through` never change: replayed outside the gate.
    let db = KioskDb::open(inner.kiosk_id().as_str())
        .await
        .map_err(storage_error)?;
    let replayed = async {
        let mut replay = start_replay(read_base(&db).await?, inner.kiosk_id());
        let mut ndjson = String::new();
        while replay.state().seq < through {
            let next = replay.state().seq + 1;
            let to = through.min(next + REPLAY_STEP - 1);
            let records = db.read_journal(next, to).await.map_err(storage_error)?;
            if records.is_empty() {
                return Err(Error::StorageCorrupt {
                    seq: next,
                    detail: "missing record".into(),
                });
            }
            match replay.feed(&records) {
                Err(ReplayError::Corrupt(error)) | Err(ReplayError::WrongKiosk(error)) => {
                    return Err(error)
                }
                Ok(()) => {}
            }
            for (_, stored) in &records {
                let record = journal::StoredRecord::from_bytes(stored).ok_or_else(|| {
                    Error::StorageFailed {
                        detail: "short record".into(),
                    }
                })?;
                ndjson.push_str(&journal::ndjson_line(&record));
                ndjson.push('\n');
            }
        }
        Ok((replay.into_state(), ndjson))
    }
    .await;
    db.close();
    let (state, ndjson): (State, String) = replayed?;
    let base = checkpoint::encode(&state);
    let _pass = super::gate::Gate::enter(inner.gate()).await;
    if upkeep.base_seq.get() + 1 != first {
        return Err(Error::Busy);
    }
    // The entry vouching for the base goes into the chain first: should
    // the move below not happen, the old base is still vouched for by its
    // own entry, and the next archive writes another.
    let operation = crate::ledger::Operation::Archive {
        through_seq: through,
        head: state.head,
        state_hash: state.state_hash(),
        request,
    };
    let plan = inner.ledger.borrow_mut().prepare(&auth, operation, now)?;
    Inner::store_and_commit(inner, plan, Vec::new()).await?;
    let lease = DbLease::take(inner)?;
    lease
        .db()?
        .remove_through(through, &[(BASE_KEY.to_string(), base)])
        .await
        .map_err(|error: StorageError| storage_error(error))?;
    upkeep.base_seq.set(through);
    upkeep.base_head.set(state.head);
    upkeep
        .segments_end
        .set(upkeep.segments_end.get().max(through + 1));
    Ok(Archived {
        first_seq: first,
        through_seq: through,
        head_hash: hex::encode(state.head),
        ndjson,
    })
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ArchiveInput {
    #[serde(rename = "staffSession")]
    _staff_session: serde::de::IgnoredAny,
    now: i64,
    /// Default: the last seq uploaded (acknowledged or marked).
    through_seq: Option<u64>,
    /// The `archived` entry's request id; default `archive-{throughSeq}-{now}`.
    request_id: Option<String>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ArchiveView {
    name: String,
    first_seq: u64,
    through_seq: u64,
    head_hash: String,
    text: String,
}

#[wasm_bindgen]
impl Kiosk {
    /// Moves uploaded entries out of the live journal (clerk or admin):
    /// `{ staffSession, now, throughSeq }` (default: the last seq the
    /// platform acknowledged or a clerk marked uploaded, whichever is later) → `{ name, firstSeq, throughSeq, headHash, text }`, `text`
    /// being the archived entries as `journal.ndjson` lines. The kiosk keeps
    /// the state at `throughSeq` as the base later entries chain from.
    #[cfg(feature = "staff")]
    pub fn archive(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        let role = self.staff_read(input.clone(), |ledger| {
            let session = super::convert::session_id(
                &js_sys::Reflect::get(&input, &JsValue::from_str("staffSession"))
                    .unwrap_or(JsValue::UNDEFINED),
            )?;
            let now: i64 = from_js(
                js_sys::Reflect::get(&input, &JsValue::from_str("now"))
                    .unwrap_or(JsValue::UNDEFINED),
                "now",
            )?;
            let role = ledger.staff_session(&session, now)?.role;
            Ok(JsValue::from_bool(role.covers(crate::entry::Role::Clerk)))
        });
        promise(async move {
            let may = role.map_err(|_| Error::StaffAuthRequired)?;
            if may.as_bool() != Some(true) {
                return Err(Error::StaffRoleRefused);
            }
            let session = super::convert::session_id(
                &js_sys::Reflect::get(&input, &JsValue::from_str("staffSession"))
                    .unwrap_or(JsValue::UNDEFINED),
            )
            .map_err(|_| Error::StaffAuthRequired)?;
            let fields: ArchiveInput = from_js(input, "archive")?;
            // Acknowledged by the platform or marked uploaded from a USB
            // export: whichever reaches further.
            let marked = inner.ledger.borrow().state().uploaded_through_seq;
            let uploaded = marked.max(super::upload::acked_seq(&inner).await?);
            let through = fields.through_seq.unwrap_or(uploaded);
            if through == 0 || through > uploaded {
                return Err(Error::invalid_with(
                    "throughSeq",
                    &format!("只能归档已经上传的记录(到第 {uploaded} 条)"),
                    &format!("only uploaded entries can be archived (up to {uploaded})"),
                ));
            }
            let request = super::convert::request_id(
                &fields
                    .request_id
                    .unwrap_or_else(|| format!("archive-{through}-{}", fields.now)),
            )?;
            let auth = crate::ledger::Auth::StaffSession(session);
            let archived = archive(&inner, through, auth, request, fields.now).await?;
            Ok(to_js(&ArchiveView {
                name: format!(
                    "archive-{}-{:06}-{:06}.ndjson",
                    inner.kiosk_id(),
                    archived.first_seq,
                    archived.through_seq
                ),
                first_seq: archived.first_seq,
                through_seq: archived.through_seq,
                head_hash: archived.head_hash,
                text: archived.ndjson,
            }))
        })
    }

    /// Resolves once the background verification of the journal behind the
    /// checkpoint open started from is over: `true` when it proved the
    /// checkpoint, `false` when it found the journal corrupt (the kiosk is
    /// then read-only with `STORAGE_CORRUPT`; see `info().readOnly`).
    #[wasm_bindgen(js_name = whenVerified)]
    pub fn when_verified(&self) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            while !inner.upkeep().verified()
                && !matches!(
                    inner.ledger.borrow().read_only(),
                    Some(Error::StorageCorrupt { .. })
                )
                && !inner.is_closed()
            {
                super::kiosk::sleep(20).await;
            }
            Ok(JsValue::from_bool(inner.upkeep().verified()))
        })
    }

    /// Resolves once no background work (proof, sealing, checkpoint) is
    /// running or due: for tests and the benchmark.
    #[wasm_bindgen(js_name = whenIdle)]
    pub fn when_idle(&self) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            schedule(&inner);
            while (inner.upkeep().running.get() || due(&inner)) && !inner.is_closed() {
                super::kiosk::sleep(20).await;
            }
            Ok(JsValue::UNDEFINED)
        })
    }
}
