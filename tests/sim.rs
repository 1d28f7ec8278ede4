//! A seeded simulation of the whole ledger under faults: every kind of
//! operation the kiosk has, through the shell's prepare → persist → commit
//! protocol, over a store that fails, crashes, loses its last writes, has a
//! byte flipped, and is opened by a second writer, while the clock jumps.
//!
//! The page keeps an outbox: every request stays in it, with the answer the
//! kiosk gave, until the store has made that answer durable. A seed chooses
//! how many of the newest writes the store may still lose (its durability
//! lag: 0 is IndexedDB's "strict" durability, which the shell uses; 1 and 2
//! stand for a store that says "complete" before its disk has it). A crash
//! loses some of the writes that are not yet durable, never more: the
//! kiosk had not acknowledged them (their answers were still in the outbox),
//! and after the restart the page sends the outbox again, in order, with the
//! same request ids. A request whose write survived answers "repeated" with
//! the seqs of its first answer; one whose write was lost is done afresh.
//!
//! The faults, each drawn from the seed: the N-th write fails (the page is
//! told, nothing changes, it retries); a crash after a write, losing the
//! last k writes (k ≤ the writes not yet durable); a byte flipped in a stored
//! record (open reports STORAGE_CORRUPT at exactly that seq, with the state
//! before it as its read-only prefix, never a wrong state); the clock jumping
//! back or forward by days, or to the year 2000 (lockouts hold on the highest
//! time seen; nothing panics); the same request id again, before or after a
//! crash; and a second writer (a ledger opened on the same store, left
//! behind by the first: the store refuses its records, as the shell's
//! IndexedDB `add` of an existing seq does; the shell's Web Lock keeps a
//! second tab from even trying).
//!
//! After every step: the store's seqs are 1..=n and match the ledger's; the
//! ledger's head is the last stored hash; no plan is left pending; points and
//! stock are conserved and nothing goes below zero except through a
//! correction (`State::check_invariants`). After every reopen: the chain
//! verifies and the replayed state is the state the kiosk had after the last
//! write that survived (its hash, totals and lockouts); every acknowledged
//! entry is in the journal exactly once, at the seq it was acknowledged with.
//!
//! `cargo test --test sim` runs a short form (a few seconds). Environment:
//! `AIXIN_SIM_OPS_TOTAL=n` runs seeds until n operations are done (the long
//! mode: `AIXIN_SIM_OPS_TOTAL=1000000 cargo test --test sim --
//! --nocapture`); `AIXIN_SIM_OPS=n` is the operations per seed (default
//! 300); `AIXIN_SIM_SEED=s` replays one seed; `AIXIN_SIM_FIRST_SEED=s`
//! starts the run of seeds elsewhere. A failure names its seed and the
//! command that replays it.

#[macro_use]
mod common;

use aixin_kiosk::entry::{Entry, EntryId, SourceType};
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::{KioskId, Period, RequestId, StaffId};
use aixin_kiosk::import::{self, ImportKind};
use aixin_kiosk::journal::{self, OpenError, StoredRecord};
use aixin_kiosk::ledger::members::MemberOperation;
use aixin_kiosk::ledger::{Auth, BasketLine, Ledger, Operation, Outcome, SessionId};
use aixin_kiosk::points::Points;
use aixin_kiosk::settings::Setting;
use aixin_kiosk::shell;
use common::{code, config, request, session, sku, staff, text, Kiosk, Rng, KIOSK, T0};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};

const HOUSEHOLDS: [(&str, &str); 5] = [
    ("H01", "1111"),
    ("H02", "2222"),
    ("H03", "3333"),
    ("H04", "4444"),
    ("H05", "5555"),
];

const ITEMS: [(&str, &str); 5] = [
    ("salt-500g", "2.50"),
    ("oil-5l", "69"),
    ("soap", "3"),
    ("rice-5kg", "25.90"),
    ("eggs", "0.80"),
];

const DAY_MS: i64 = 86_400_000;
/// 2000-01-01 00:00 UTC: where a kiosk with a dead clock battery wakes up.
const YEAR_2000_MS: i64 = 946_684_800_000;

/// One all-or-nothing write as the store keeps it, to lose it again: the
/// seqs it added and the credential values it replaced.
#[derive(Debug)]
struct Written {
    seqs: Vec<u64>,
    replaced: Vec<(String, Option<Vec<u8>>)>,
}

/// The store: what IndexedDB holds, the writes it could still lose, and the
/// faults the seed put in its way.
#[derive(Debug, Default)]
struct Store {
    journal: BTreeMap<u64, Vec<u8>>,
    credentials: HashMap<String, Vec<u8>>,
    /// The writes not yet durable, oldest first.
    volatile: VecDeque<Written>,
    /// How many of the newest writes may be lost.
    lag: usize,
    writes: u64,
}

impl Store {
    fn last_seq(&self) -> u64 {
        self.journal.keys().next_back().copied().unwrap_or(0)
    }

    /// The shell's write: one transaction that `add`s each journal record (an
    /// existing seq fails it all: the compare that stops a writer left behind)
    /// and `put`s each credential.
    fn write(
        &mut self,
        records: Vec<(u64, Vec<u8>)>,
        credentials: Vec<(String, Vec<u8>)>,
    ) -> Result<(), Error> {
        if records
            .iter()
            .any(|(seq, _)| self.journal.contains_key(seq))
        {
            return Err(Error::StorageFailed {
                detail: "ConstraintError".into(),
            });
        }
        let seqs: Vec<u64> = records.iter().map(|(seq, _)| *seq).collect();
        let last = self.last_seq();
        assert!(
            seqs.iter()
                .enumerate()
                .all(|(i, seq)| *seq == last + 1 + i as u64),
            "a plan's seqs {seqs:?} do not follow the store's last seq {last}"
        );
        let replaced = credentials
            .iter()
            .map(|(key, _)| (key.clone(), self.credentials.get(key).cloned()))
            .collect();
        self.journal.extend(records);
        self.credentials.extend(credentials);
        self.writes += 1;
        self.volatile.push_back(Written { seqs, replaced });
        Ok(())
    }

    /// The kiosk has committed its newest write: all but the newest `lag`
    /// writes are durable now.
    fn settle(&mut self) {
        while self.volatile.len() > self.lag {
            self.volatile.pop_front();
        }
    }

    /// Loses the newest `count` writes that are not yet durable.
    fn lose(&mut self, count: usize) {
        for _ in 0..count {
            let Some(written) = self.volatile.pop_back() else {
                return;
            };
            for seq in written.seqs {
                self.journal.remove(&seq);
            }
            for (key, before) in written.replaced.into_iter().rev() {
                match before {
                    Some(bytes) => self.credentials.insert(key, bytes),
                    None => self.credentials.remove(&key),
                };
            }
            self.writes -= 1;
        }
    }

    /// The writes the store can no longer lose.
    fn durable(&self) -> u64 {
        self.writes - self.volatile.len() as u64
    }

    fn records(&self) -> Vec<(u64, Vec<u8>)> {
        self.journal
            .iter()
            .map(|(seq, bytes)| (*seq, bytes.clone()))
            .collect()
    }

    fn credential_records(&self) -> Vec<(String, Vec<u8>)> {
        self.credentials
            .iter()
            .map(|(key, bytes)| (key.clone(), bytes.clone()))
            .collect()
    }
}

/// What the page asks for. Each carries what it needs to be sent again
/// exactly as before.
#[derive(Clone, Debug)]
enum Request {
    Redeem {
        household: usize,
        lines: Vec<BasketLine>,
        request: RequestId,
    },
    /// A staff operation, on the staff's authority.
    Staff { operation: Operation },
    /// A staff operation under a staff session signed in with a PIN.
    StaffSession {
        pin: &'static str,
        operation: Operation,
    },
}

/// What the kiosk answered.
#[derive(Debug)]
enum Answer {
    /// Entries appended at these seqs, or found already stored (repeated).
    Stored { seqs: Vec<u64>, repeated: bool },
    /// Refused for a reason of the business; nothing stored.
    Refused(Error),
    /// The write failed; the page was told; nothing stored.
    StoreFailed,
    /// The kiosk died after its write; the page heard nothing.
    Crashed,
}

impl From<Error> for Answer {
    fn from(error: Error) -> Self {
        Answer::Refused(error)
    }
}

/// A request in the page's outbox: sent, answered, not yet durable.
#[derive(Debug)]
struct Unconfirmed {
    request: Request,
    /// The answer's seqs (empty for a refusal), and the ids of the entries
    /// there.
    seqs: Vec<u64>,
    ids: Vec<EntryId>,
    /// The store's write count the answer depends on.
    writes: u64,
}

/// What the kiosk was after one write: for comparing with a reopen.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Snapshot {
    writes: u64,
    seq: u64,
    state_hash: String,
    totals: String,
    locks: Vec<Option<i64>>,
}

/// What the run did, for the summary line.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    operations: u64,
    writes: u64,
    failed_writes: u64,
    crashes: u64,
    lost_writes: u64,
    flipped_bytes: u64,
    clock_jumps: u64,
    repeats: u64,
    second_writers: u64,
    reopens: u64,
}

impl Counts {
    fn faults(&self) -> u64 {
        self.failed_writes
            + self.crashes
            + self.flipped_bytes
            + self.clock_jumps
            + self.repeats
            + self.second_writers
    }

    fn add(&mut self, other: Counts) {
        self.operations += other.operations;
        self.writes += other.writes;
        self.failed_writes += other.failed_writes;
        self.crashes += other.crashes;
        self.lost_writes += other.lost_writes;
        self.flipped_bytes += other.flipped_bytes;
        self.clock_jumps += other.clock_jumps;
        self.repeats += other.repeats;
        self.second_writers += other.second_writers;
        self.reopens += other.reopens;
    }
}

struct Sim {
    seed: u64,
    rng: Rng,
    ledger: Ledger,
    store: Store,
    /// The wall clock the shell reads; it may jump. And the highest it has
    /// read.
    clock: i64,
    clock_high: i64,
    /// Chance in 100 that a write fails, and that a write is followed by a
    /// crash.
    fail_percent: u64,
    crash_percent: u64,
    outbox: VecDeque<Unconfirmed>,
    /// Acknowledged entries: id → seq.
    acknowledged: HashMap<EntryId, u64>,
    /// Acknowledged requests with a request id, to send again.
    acknowledged_requests: Vec<(Request, Vec<u64>)>,
    /// Acknowledged redemptions' seqs, to void.
    receipts: Vec<u64>,
    /// The store's entry ids by seq (index 0 is seq 1), and how often each
    /// id occurs.
    index: Vec<EntryId>,
    occurrences: HashMap<EntryId, u32>,
    /// Snapshots after the writes the store may still lose, and after the
    /// last durable one.
    snapshots: VecDeque<Snapshot>,
    sessions: HashMap<usize, SessionId>,
    counter: u64,
    step: usize,
    counts: Counts,
    /// Imported households so far (their codes are I001…).
    imported: usize,
}

fn admin() -> StaffId {
    StaffId::new("admin").unwrap()
}

impl Sim {
    fn new(seed: u64) -> Sim {
        let kiosk = Kiosk::with(&HOUSEHOLDS, &ITEMS, 60);
        let mut rng = Rng(seed);
        let lag = rng.index(3);
        let store = Store {
            journal: kiosk.store.journal.clone(),
            credentials: kiosk.store.credentials.clone(),
            lag,
            ..Store::default()
        };
        let fail_percent = rng.below(6);
        let crash_percent = 1 + rng.below(6);
        let mut sim = Sim {
            seed,
            rng,
            ledger: kiosk.ledger,
            store,
            clock: kiosk.now,
            clock_high: kiosk.now,
            fail_percent,
            crash_percent,
            outbox: VecDeque::new(),
            acknowledged: HashMap::new(),
            acknowledged_requests: Vec::new(),
            receipts: Vec::new(),
            index: Vec::new(),
            occurrences: HashMap::new(),
            snapshots: VecDeque::new(),
            sessions: HashMap::new(),
            counter: 0,
            step: 0,
            counts: Counts::default(),
            imported: 0,
        };
        sim.index_store();
        let snapshot = sim.snapshot();
        sim.snapshots.push_back(snapshot);
        sim
    }

    /// Fails the test, naming the seed to replay and where the run was.
    fn fail(&self, message: String) -> ! {
        panic!(
            "seed {seed} (replay: AIXIN_SIM_SEED={seed} cargo test --test sim -- --nocapture), \
             lag {}, step {}, write {}: {message}",
            self.store.lag,
            self.step,
            self.store.writes,
            seed = self.seed,
        )
    }

    fn fresh_request(&mut self) -> RequestId {
        self.counter += 1;
        request(&format!("s{}-r{:06}", self.seed, self.counter))
    }

    fn fresh_session(&mut self) -> SessionId {
        self.counter += 1;
        session(&format!("session-{}-{:06}", self.seed, self.counter))
    }

    fn tick(&mut self) -> i64 {
        self.clock += 1000 + self.rng.below(20_000) as i64;
        self.clock_high = self.clock_high.max(self.clock);
        self.clock
    }

    fn snapshot(&self) -> Snapshot {
        let state = self.ledger.state();
        Snapshot {
            writes: self.store.writes,
            seq: state.seq,
            state_hash: state.state_hash(),
            totals: format!("{:?}", state.totals),
            locks: HOUSEHOLDS
                .iter()
                .map(|(household, _)| self.ledger.locked_until(&code(household), i64::MIN))
                .collect(),
        }
    }

    // -----------------------------------------------------------------------
    // The shell

    /// prepare → persist → commit, with the seed's faults on the write.
    fn submit(&mut self, auth: &Auth, operation: Operation) -> Result<Outcome, Answer> {
        let now = self.tick();
        // What the write saw, for the checks that need the whole simulation.
        let mut failed_before = None;
        let mut refused = None;
        let mut wrote = false;
        let (rng, store, counts) = (&mut self.rng, &mut self.store, &mut self.counts);
        let (fail_percent, crash_percent) = (self.fail_percent, self.crash_percent);
        let outcome = shell::submit(&mut self.ledger, auth, operation, now, |ledger, plan| {
            if plan.is_empty() {
                return Ok(());
            }
            if rng.percent(fail_percent) {
                failed_before = Some((ledger.state().state_hash(), store.writes));
                counts.failed_writes += 1;
                return Err(Answer::StoreFailed);
            }
            if let Err(error) = store.write(plan.journal_records(), plan.credential_records()) {
                refused = Some(error);
                return Err(Answer::StoreFailed);
            }
            counts.writes += 1;
            if rng.percent(crash_percent) {
                return Err(Answer::Crashed);
            }
            store.settle();
            wrote = true;
            Ok(())
        });
        if let Some(error) = refused {
            self.fail(format!("the only writer's write was refused: {error:?}"));
        }
        if let Some(before) = failed_before {
            check!(
                self,
                !self.ledger.is_pending(),
                "an aborted plan is pending"
            );
            check!(
                self,
                (self.ledger.state().state_hash(), self.store.writes) == before,
                "a failed write changed something"
            );
        }
        if let Err(Answer::Crashed) = outcome {
            self.crash();
        }
        if wrote {
            self.index_store();
            let snapshot = self.snapshot();
            self.snapshots.push_back(snapshot);
            while self.snapshots.len() > self.store.lag + 1 {
                self.snapshots.pop_front();
            }
        }
        outcome
    }

    /// The kiosk dies after a write; the store loses some of the writes it
    /// had not made durable; the page reloads.
    fn crash(&mut self) {
        self.counts.crashes += 1;
        let lose = self.rng.index(self.store.volatile.len() + 1);
        self.counts.lost_writes += lose as u64;
        self.store.lose(lose);
        self.reload();
        self.resend_outbox();
    }

    /// Reopens the ledger from the store and checks it is the kiosk's state
    /// after the last write the store kept.
    fn reload(&mut self) {
        self.counts.reopens += 1;
        self.sessions.clear();
        let opened = journal::open(
            self.store.records(),
            self.store.credential_records(),
            &KioskId::new(KIOSK).unwrap(),
            config(),
        );
        self.ledger = match opened {
            Ok(ledger) => ledger,
            Err(error) => self.fail(format!("the store does not reopen: {error:?}")),
        };
        // The state after a write the crash did not interrupt, or before
        // it: the crashed write was stored but never committed.
        let writes = self.store.writes;
        let found = self.snapshot();
        let expected = self
            .snapshots
            .iter()
            .rev()
            .find(|snapshot| snapshot.writes <= writes)
            .cloned();
        match expected {
            Some(expected) if expected.writes == writes => check!(
                self,
                found == expected,
                "the reopened kiosk is not the kiosk after write {writes}: {found:?} vs {expected:?}"
            ),
            // The crashed write survived: the state is the one before it
            // plus its entries, which the checks below vouch for.
            Some(expected) => check!(
                self,
                expected.writes + 1 == writes && found.seq >= expected.seq,
                "the reopened kiosk holds {writes} writes, the last known {}",
                expected.writes
            ),
            None => self.fail(format!("no snapshot of write {writes}")),
        }
        self.snapshots.retain(|snapshot| snapshot.writes <= writes);
        if self.snapshots.back().map(|s| s.writes) != Some(writes) {
            self.snapshots.push_back(found);
        }
        self.index_store();
        self.check();
        for (id, seq) in &self.acknowledged {
            let at = self.index.get(*seq as usize - 1);
            check!(
                self,
                at == Some(id) && self.occurrences.get(id) == Some(&1),
                "acknowledged {id:?} at seq {seq} is in the journal {:?} times, at {seq} is {at:?}",
                self.occurrences.get(id)
            );
        }
    }

    /// Decodes what the store appended since the last look, and forgets
    /// what it lost.
    fn index_store(&mut self) {
        let last = self.store.last_seq() as usize;
        while self.index.len() > last {
            let id = self.index.pop().unwrap();
            *self.occurrences.get_mut(&id).unwrap() -= 1;
        }
        let new: Vec<EntryId> = self
            .store
            .journal
            .range(self.index.len() as u64 + 1..)
            .map(|(seq, stored)| {
                let record = StoredRecord::from_bytes(stored).expect("a stored record");
                let entry = Entry::decode(&record.bytes).expect("a decodable entry");
                assert_eq!(entry.seq, *seq, "record {seq} holds entry {}", entry.seq);
                entry.id
            })
            .collect();
        for id in new {
            *self.occurrences.entry(id.clone()).or_default() += 1;
            self.index.push(id);
        }
    }

    /// The invariants after every step.
    fn check(&mut self) {
        let state = self.ledger.state();
        let last = self.store.last_seq();
        check!(
            self,
            self.store.journal.len() as u64 == last && state.seq == last,
            "the store holds {} records up to seq {last}, the ledger {}",
            self.store.journal.len(),
            state.seq
        );
        if last > 0 {
            let stored = StoredRecord::from_bytes(&self.store.journal[&last]).unwrap();
            check!(
                self,
                stored.hash == state.head,
                "the ledger's head is not the store's"
            );
        }
        check!(self, !self.ledger.is_pending(), "a plan left pending");
        if let Err(problem) = state.check_invariants() {
            self.fail(format!("the state's laws are broken: {problem}"));
        }
    }

    // -----------------------------------------------------------------------
    // The page

    /// Sends a request until it is answered (a failed write or a crash is
    /// answered by sending it again), and puts the answer in the outbox.
    fn send(&mut self, request: Request) {
        for _ in 0..50 {
            match self.attempt(&request) {
                Answer::Stored { seqs, repeated } => {
                    check!(
                        self,
                        repeated
                            || seqs.is_empty()
                            || seqs.last() == Some(&self.ledger.state().seq),
                        "{request:?} answered new seqs {seqs:?} at seq {}",
                        self.ledger.state().seq
                    );
                    self.unconfirmed(request, seqs);
                    return;
                }
                Answer::Refused(_) => {
                    self.unconfirmed(request, Vec::new());
                    return;
                }
                Answer::StoreFailed => {}
                // The page heard nothing; the restart sent the outbox again.
                Answer::Crashed => {}
            }
        }
        self.fail(format!("{request:?} never got through"));
    }

    fn unconfirmed(&mut self, request: Request, seqs: Vec<u64>) {
        let ids = seqs
            .iter()
            .map(|seq| self.index[*seq as usize - 1].clone())
            .collect();
        self.outbox.push_back(Unconfirmed {
            request,
            seqs,
            ids,
            writes: self.store.writes,
        });
        self.confirm();
    }

    /// Acknowledges every answer the store has made durable.
    fn confirm(&mut self) {
        let durable = self.store.durable();
        while self.outbox.front().is_some_and(|u| u.writes <= durable) {
            let Unconfirmed { request, seqs, .. } = self.outbox.pop_front().unwrap();
            for seq in &seqs {
                let id = self.index[*seq as usize - 1].clone();
                if let Some(first) = self.acknowledged.insert(id.clone(), *seq) {
                    check!(
                        self,
                        first == *seq,
                        "{id:?} acknowledged at {first}, then {seq}"
                    );
                }
            }
            if let Request::Redeem { .. } = request {
                if let Some(seq) = seqs.first() {
                    self.receipts.push(*seq);
                }
            }
            if !seqs.is_empty() && request_id(&request).is_some() {
                self.acknowledged_requests.push((request, seqs));
            }
        }
    }

    /// After a restart: sends each unconfirmed request again, in order, as
    /// the staff (whose sessions the restart ended). One whose entries the
    /// store kept answers "repeated" (with the same seqs, if it has a
    /// request id) and stores nothing; one whose write was lost is done again.
    fn resend_outbox(&mut self) {
        let outbox: Vec<Unconfirmed> = self.outbox.drain(..).collect();
        for mut unconfirmed in outbox {
            if let Request::StaffSession { operation, .. } = unconfirmed.request {
                unconfirmed.request = Request::Staff { operation };
            }
            loop {
                let last = self.store.last_seq();
                // Kept if the store still holds its entries where they were
                // (a lost seq may since hold another request's entry).
                let kept = !unconfirmed.seqs.is_empty()
                    && unconfirmed
                        .seqs
                        .iter()
                        .zip(&unconfirmed.ids)
                        .all(|(seq, id)| self.index.get(*seq as usize - 1) == Some(id));
                if !kept {
                    self.send(unconfirmed.request);
                    break;
                }
                if let Request::Staff {
                    operation: Operation::Import { .. },
                } = unconfirmed.request
                {
                    // An import is keyed by its rows' content: sent again
                    // after a later file corrected the same keys, it would
                    // correct them back. The clerk previews instead, which
                    // shows the stored rows as done.
                    self.outbox.push_back(unconfirmed);
                    self.confirm();
                    break;
                }
                let writes = self.store.writes;
                match self.attempt(&unconfirmed.request) {
                    // A crash while resending: the restart resent what came
                    // before; try this one again.
                    Answer::Crashed | Answer::StoreFailed => continue,
                    Answer::Stored { seqs, repeated } => {
                        check!(
                            self,
                            repeated
                                && (request_id(&unconfirmed.request).is_none()
                                    || seqs == unconfirmed.seqs)
                                && self.ledger.state().seq == last,
                            "the resend of {:?}, kept at {:?}, answered {seqs:?} repeated {repeated} (seq {last} → {})",
                            unconfirmed.request,
                            unconfirmed.seqs,
                            self.ledger.state().seq
                        );
                    }
                    other => self.fail(format!(
                        "the resend of {:?}, kept at {:?}, answered {other:?}",
                        unconfirmed.request, unconfirmed.seqs
                    )),
                }
                // A sign-in may have written a credential: the answer waits
                // for that write too.
                unconfirmed.writes = unconfirmed.writes.max(writes).max(self.store.writes);
                self.outbox.push_back(unconfirmed);
                self.confirm();
                break;
            }
        }
    }

    /// One try of a request.
    fn attempt(&mut self, request: &Request) -> Answer {
        let outcome = match request {
            Request::Redeem {
                household,
                lines,
                request,
            } => {
                let redeem = |session| Operation::Redeem {
                    session,
                    lines: lines.clone(),
                    request: request.clone(),
                };
                match self.session_for(*household) {
                    Ok(session) => match self.submit(&Auth::System, redeem(session)) {
                        // Idle too long: sign in again, once.
                        Err(Answer::Refused(Error::SessionExpired)) => {
                            self.sessions.remove(household);
                            match self.session_for(*household) {
                                Ok(session) => self.submit(&Auth::System, redeem(session)),
                                Err(answer) => Err(answer),
                            }
                        }
                        other => other,
                    },
                    // The household may not sign in now (locked out, its
                    // balance below zero); a request already stored is
                    // answered even so.
                    Err(Answer::Refused(refusal)) => {
                        let unknown = self.fresh_session();
                        match self.submit(&Auth::System, redeem(unknown)) {
                            Err(Answer::Refused(Error::SessionExpired)) => {
                                Err(Answer::Refused(refusal))
                            }
                            other => other,
                        }
                    }
                    Err(answer) => Err(answer),
                }
            }
            Request::Staff { operation, .. } => self.submit(&staff(), operation.clone()),
            Request::StaffSession { pin, operation } => {
                let id = self.fresh_session();
                let signed_in = self.submit(
                    &Auth::System,
                    Operation::StaffSignIn {
                        staff: admin(),
                        pin: pin.to_string(),
                        session: id.clone(),
                    },
                );
                match signed_in {
                    Ok(Outcome::StaffSignedIn(_)) => {}
                    Ok(other) => self.fail(format!("a staff sign-in answered {other:?}")),
                    Err(answer) => return answer,
                }
                // Idle time is measured on the highest time seen: only a
                // clock that is not behind it can show the session ending.
                let jumped = self.rng.percent(10) && self.clock == self.clock_high;
                if jumped {
                    // Away from the kiosk long enough for the session to end.
                    self.clock += 3_600_000;
                }
                let done = self.submit(&Auth::StaffSession(id), operation.clone());
                if jumped {
                    match &done {
                        Err(Answer::Refused(error)) => check!(
                            self,
                            matches!(error, Error::StaffAuthRequired | Error::SessionExpired),
                            "an idle staff session answered {error:?}"
                        ),
                        other => self.fail(format!("an idle staff session answered {other:?}")),
                    }
                }
                done
            }
        };
        match outcome {
            Ok(Outcome::Done { seqs, repeated }) => Answer::Stored { seqs, repeated },
            Ok(Outcome::Receipt(receipt)) => Answer::Stored {
                seqs: vec![receipt.seq],
                repeated: receipt.repeated,
            },
            Ok(other) => self.fail(format!("{request:?} answered {other:?}")),
            Err(answer) => answer,
        }
    }

    /// A session for a household, signing in as needed.
    fn session_for(&mut self, household: usize) -> Result<SessionId, Answer> {
        if let Some(session) = self.sessions.get(&household) {
            if self.ledger.session(session).is_some() {
                return Ok(session.clone());
            }
        }
        let (code_text, pin) = HOUSEHOLDS[household];
        let id = self.fresh_session();
        let operation = Operation::SignIn {
            household: code(code_text),
            pin: pin.to_string(),
            session: id,
        };
        match self.submit(&Auth::System, operation) {
            Ok(Outcome::SignedIn(session)) => {
                self.sessions.insert(household, session.id.clone());
                Ok(session.id)
            }
            Ok(other) => self.fail(format!("a sign-in answered {other:?}")),
            Err(answer) => Err(answer),
        }
    }

    // -----------------------------------------------------------------------
    // What happens at the kiosk

    fn household(&mut self) -> usize {
        self.rng.index(HOUSEHOLDS.len())
    }

    fn line(&mut self) -> BasketLine {
        let quantity = if self.rng.percent(5) {
            self.rng.between(0, 100)
        } else {
            self.rng.between(1, 3)
        };
        BasketLine {
            sku: ITEMS[self.rng.index(ITEMS.len())].0.to_string(),
            quantity,
        }
    }

    fn staff_request(&mut self, operation: Operation) -> Request {
        // The two-person rule: half the credits, corrections, voids,
        // imports and transfers come confirmed by the second staff member
        // that Kiosk::with added (a few with a wrong PIN); the others are
        // refused when the rule asks for one, and change nothing.
        let guarded = matches!(
            operation,
            Operation::Credit { .. }
                | Operation::Correct { .. }
                | Operation::Void { .. }
                | Operation::Import { .. }
                | Operation::Members { .. }
        );
        let operation = if guarded && self.rng.percent(50) {
            let pin = if self.rng.percent(5) { "0000" } else { "2222" };
            Operation::CoSigned {
                operation: Box::new(operation),
                co_sign: aixin_kiosk::ledger::cosign::CoSign {
                    staff: StaffId::new("second").unwrap(),
                    pin: pin.to_string(),
                },
            }
        } else {
            operation
        };
        if self.rng.percent(10) {
            let pin = if self.rng.percent(20) { "9999" } else { "0000" };
            Request::StaffSession { pin, operation }
        } else {
            Request::Staff { operation }
        }
    }

    fn step(&mut self) {
        self.counts.operations += 1;
        let roll = self.rng.below(1000);
        match roll {
            0..=299 => {
                let household = self.household();
                let lines = (0..self.rng.between(1, 3)).map(|_| self.line()).collect();
                let request = self.fresh_request();
                self.send(Request::Redeem {
                    household,
                    lines,
                    request,
                });
            }
            300..=379 => {
                let household = code(HOUSEHOLDS[self.household()].0);
                let amount = Points::from_hundredths(self.rng.between(1, 5_000)).unwrap();
                let month = self.rng.between(1, 12);
                let operation = Operation::Credit {
                    household,
                    amount,
                    period: Period::new(&format!("2026-{month:02}")).unwrap(),
                    source: text("evaluation"),
                    reason: None,
                };
                let request = self.staff_request(operation);
                self.send(request);
            }
            380..=409 => {
                let operation = Operation::Correct {
                    household: code(HOUSEHOLDS[self.household()].0),
                    amount: Points::from_hundredths(self.rng.between(-3_000, 3_000)).unwrap(),
                    refers_to_seq: None,
                    reason: text("更正"),
                    request: self.fresh_request(),
                };
                let request = self.staff_request(operation);
                self.send(request);
            }
            410..=469 => {
                let lines = (0..self.rng.between(1, 2))
                    .map(|_| BasketLine {
                        sku: ITEMS[self.rng.index(ITEMS.len())].0.to_string(),
                        quantity: self.rng.between(1, 40),
                    })
                    .collect();
                let operation = Operation::Restock {
                    donor: text("县供销社"),
                    source_type: SourceType::Organisation,
                    lines,
                    declared_value: None,
                    request: self.fresh_request(),
                };
                let request = self.staff_request(operation);
                self.send(request);
            }
            470..=499 => {
                let operation = Operation::AdjustStock {
                    sku: sku(ITEMS[self.rng.index(ITEMS.len())].0),
                    delta: self.rng.between(-8, 8),
                    reason: text("破损"),
                    request: self.fresh_request(),
                };
                let request = self.staff_request(operation);
                self.send(request);
            }
            500..=519 => {
                let counts = (0..self.rng.between(1, 3))
                    .map(|_| {
                        let item = ITEMS[self.rng.index(ITEMS.len())].0;
                        let stock = self.ledger.state().item(&sku(item)).unwrap().stock;
                        (sku(item), (stock + self.rng.between(-5, 5)).max(0))
                    })
                    .collect::<BTreeMap<_, _>>()
                    .into_iter()
                    .collect();
                let operation = Operation::StockCount {
                    counts,
                    reason: text("月底盘点"),
                    request: self.fresh_request(),
                };
                let request = self.staff_request(operation);
                self.send(request);
            }
            520..=559 => {
                if self.receipts.is_empty() {
                    return;
                }
                let seq = self.receipts[self.rng.index(self.receipts.len())];
                let operation = Operation::Void {
                    redemption_seq: seq,
                    reason: text("拿错了"),
                    request: self.fresh_request(),
                };
                let request = self.staff_request(operation);
                self.send(request);
            }
            560..=589 => self.import_credits(),
            590..=599 => self.import_households(),
            605..=609 => {
                // After the clock jumped: the admin says the time is right.
                let operation = Operation::ConfirmClock {
                    request: self.fresh_request(),
                };
                let request = self.staff_request(operation);
                self.send(request);
            }
            600..=604 => {
                let year = self.ledger.state().local_year(self.clock.max(T0)) - 1;
                let operation = Operation::CloseYear {
                    year,
                    request: self.fresh_request(),
                };
                let request = self.staff_request(operation);
                self.send(request);
            }
            625..=629 => {
                // An archive's entry vouching for the state at its seq (the
                // shell then moves the entries out; here they stay).
                let state = self.ledger.state();
                let operation = Operation::Archive {
                    through_seq: state.seq,
                    head: state.head,
                    state_hash: state.state_hash(),
                    request: self.fresh_request(),
                };
                let request = self.staff_request(operation);
                self.send(request);
            }
            610..=624 => {
                let setting = match self.rng.below(3) {
                    0 => Setting::StarsCount(self.rng.between(1, 50) as u16),
                    1 => Setting::PostingDays(self.rng.between(0, 10) as u16),
                    _ => Setting::BlacklistOnBoard(self.rng.percent(50)),
                };
                let operation = Operation::ChangeSetting {
                    setting,
                    request: self.fresh_request(),
                };
                let request = self.staff_request(operation);
                self.send(request);
            }
            630..=669 => self.wrong_pin(),
            670..=719 => self.repeat_acknowledged(),
            720..=749 => self.jump_clock(),
            750..=764 => {
                // A reload: the outbox is sent again, as after a crash.
                self.reload();
                self.resend_outbox();
            }
            765..=774 => self.second_writer(),
            775..=784 => self.flip_byte(),
            785..=799 => {
                // Members, splits (分户) and merges (合户): every one a staff
                // request like the others, under the same faults.
                let number = self.counts.operations;
                let household = code(HOUSEHOLDS[self.household()].0);
                let operation = match self.rng.below(3) {
                    0 => MemberOperation::AddMember {
                        household,
                        member: text(&format!("成员{number}")),
                        relation: text("子女"),
                        card: Some(code(&format!("K{number:05}"))),
                    },
                    1 => MemberOperation::Split {
                        from: household,
                        household: code(&format!("S{number:05}")),
                        name: text("新户"),
                        group: text("第一组"),
                        kind: aixin_kiosk::entry::HouseholdKind::Family,
                        amount: Points::from_hundredths(self.rng.between(0, 2_000)).unwrap(),
                        members: Vec::new(),
                        reason: text("分户"),
                    },
                    _ => MemberOperation::Merge {
                        from: household,
                        into: code(HOUSEHOLDS[self.household()].0),
                        reason: text("合户"),
                    },
                };
                let operation = Operation::Members {
                    operation,
                    request: self.fresh_request(),
                };
                let request = self.staff_request(operation);
                self.send(request);
            }
            _ => {
                let household = self.household();
                let lines = vec![self.line()];
                let request = self.fresh_request();
                self.send(Request::Redeem {
                    household,
                    lines,
                    request,
                });
            }
        }
        self.check();
    }

    fn import_credits(&mut self) {
        let month = self.rng.between(1, 12);
        let mut rows = String::from("户号,积分,期间,来源\n");
        let always = self.household();
        for (index, (household, _)) in HOUSEHOLDS.iter().enumerate() {
            if index == always || self.rng.percent(50) {
                let amount = self.rng.between(0, 40);
                rows.push_str(&format!("{household},{amount},2025-{month:02},评分\n"));
            }
        }
        self.import(ImportKind::Credits, &rows);
    }

    fn import_households(&mut self) {
        let mut rows = String::from("户号,户主,组,初始密码\n");
        for _ in 0..self.rng.between(1, 3) {
            self.imported += 1;
            let number = if self.rng.percent(30) && self.imported > 1 {
                self.rng.between(1, self.imported as i64 - 1) as usize
            } else {
                self.imported
            };
            rows.push_str(&format!(
                "I{number:03},新户{number},第二组,{:04}\n",
                number % 10_000
            ));
        }
        self.import(ImportKind::Households, &rows);
    }

    /// A clerk's import: parsed against the state as it is now, then applied.
    fn import(&mut self, kind: ImportKind, rows: &str) {
        let file = match import::parse(self.ledger.state(), kind, rows, None) {
            Ok(file) => file,
            Err(errors) => self.fail(format!("a well-formed import was refused: {errors:?}")),
        };
        let operation = Operation::Import {
            file,
            corrections_reason: Some(text("平台更正")),
            pin_seed: [self.rng.next() as u8; 16],
        };
        self.send(Request::Staff { operation });
    }

    /// A wrong PIN: five in a row lock the household out, and no clock
    /// change shortens the lockout.
    fn wrong_pin(&mut self) {
        let household = self.household();
        let id = self.fresh_session();
        let operation = Operation::SignIn {
            household: code(HOUSEHOLDS[household].0),
            pin: "0000".to_string(),
            session: id,
        };
        match self.submit(&Auth::System, operation) {
            // Refused: a wrong PIN, a lockout, or a balance below zero.
            Err(_) => {}
            Ok(outcome) => self.fail(format!("a wrong PIN answered {outcome:?}")),
        }
    }

    /// Sends an acknowledged request again, with its request id: the answer
    /// is its first, and nothing is stored.
    fn repeat_acknowledged(&mut self) {
        if self.acknowledged_requests.is_empty() {
            return;
        }
        self.counts.repeats += 1;
        let pick = self.rng.index(self.acknowledged_requests.len());
        let (mut request, first) = self.acknowledged_requests[pick].clone();
        if let Request::StaffSession { operation, .. } = request {
            request = Request::Staff { operation };
        }
        let (writes, seq) = (self.store.writes, self.ledger.state().seq);
        match self.attempt(&request) {
            Answer::Stored { seqs, repeated } => check!(
                self,
                repeated && seqs == first,
                "the repeat of {request:?} answered {seqs:?} repeated {repeated}, first {first:?}"
            ),
            // A staff session signed in with a wrong PIN, or the household
            // was locked out: refused before the request is looked at.
            Answer::Refused(
                Error::WrongPin { .. } | Error::LockedOut { .. } | Error::StaffAuthRequired,
            )
            | Answer::StoreFailed
            | Answer::Crashed => return,
            other => self.fail(format!("the repeat of {request:?} answered {other:?}")),
        }
        check!(
            self,
            self.ledger.state().seq == seq && self.store.journal.len() as u64 == seq,
            "a repeat appended (writes {writes} → {})",
            self.store.writes
        );
    }

    /// The clock jumps; lockouts stay measured on the highest time seen.
    fn jump_clock(&mut self) {
        self.counts.clock_jumps += 1;
        let before: Vec<Option<i64>> = HOUSEHOLDS
            .iter()
            .map(|(h, _)| self.ledger.locked_until(&code(h), self.clock))
            .collect();
        let forward = match self.rng.below(4) {
            0 => {
                self.clock = YEAR_2000_MS;
                false
            }
            1 | 2 => {
                self.clock -= self.rng.between(1, 30) * DAY_MS;
                false
            }
            _ => {
                self.clock += self.rng.between(1, 60) * DAY_MS;
                true
            }
        };
        if !forward {
            let after: Vec<Option<i64>> = HOUSEHOLDS
                .iter()
                .map(|(h, _)| self.ledger.locked_until(&code(h), self.clock))
                .collect();
            let shortened = before
                .iter()
                .zip(&after)
                .any(|(before, after)| before.is_some() && after != before);
            check!(
                self,
                !shortened,
                "moving the clock back shortened a lockout: {before:?} → {after:?}"
            );
            for (household, locked) in before.iter().enumerate() {
                if locked.is_some() {
                    let id = self.fresh_session();
                    let (code_text, pin) = HOUSEHOLDS[household];
                    let operation = Operation::SignIn {
                        household: code(code_text),
                        pin: pin.to_string(),
                        session: id,
                    };
                    match self.submit(&Auth::System, operation) {
                        Err(Answer::Refused(Error::LockedOut { .. })) => {}
                        Err(Answer::StoreFailed | Answer::Crashed) => {}
                        other => self.fail(format!(
                            "a household locked out signed in after the clock went back: {other:?}"
                        )),
                    }
                }
            }
        }
    }

    /// A second ledger opened on the same store, left behind by the first:
    /// what it prepares, the store refuses.
    fn second_writer(&mut self) {
        self.counts.second_writers += 1;
        let mut second = journal::open(
            self.store.records(),
            self.store.credential_records(),
            &KioskId::new(KIOSK).unwrap(),
            config(),
        )
        .unwrap_or_else(|error| self.fail(format!("the second writer does not open: {error:?}")));
        // The first writer moves on (without faults, so it surely does).
        let (fail, crash) = (self.fail_percent, self.crash_percent);
        (self.fail_percent, self.crash_percent) = (0, 0);
        let operation = Operation::Restock {
            donor: text("村委会"),
            source_type: SourceType::Organisation,
            lines: vec![BasketLine {
                sku: ITEMS[0].0.to_string(),
                quantity: 1,
            }],
            declared_value: None,
            request: self.fresh_request(),
        };
        self.send(Request::Staff { operation });
        (self.fail_percent, self.crash_percent) = (fail, crash);
        let operation = Operation::AdjustStock {
            sku: sku(ITEMS[1].0),
            delta: 1,
            reason: text("第二个窗口"),
            request: self.fresh_request(),
        };
        let now = self.tick();
        let plan = match second.prepare(&staff(), operation, now) {
            Ok(plan) => plan,
            Err(error) => self.fail(format!("the second writer could not prepare: {error:?}")),
        };
        let (writes, seq) = (self.store.writes, self.store.last_seq());
        let written = self
            .store
            .write(plan.journal_records(), plan.credential_records());
        second.abort(plan);
        check!(
            self,
            matches!(written, Err(Error::StorageFailed { .. })),
            "the store took a write from a writer left behind: {written:?}"
        );
        check!(
            self,
            self.store.writes == writes && self.store.last_seq() == seq,
            "a refused write stored something"
        );
    }

    /// A byte of a stored record changed by hand: open names that seq and
    /// gives the state before it, read-only; then the byte is put back.
    fn flip_byte(&mut self) {
        let last = self.store.last_seq();
        if last == 0 {
            return;
        }
        self.counts.flipped_bytes += 1;
        let seq = 1 + self.rng.below(last);
        let record = self.store.journal.get_mut(&seq).unwrap();
        let at = self.rng.index(record.len());
        let mask = 1u8 << self.rng.below(8);
        record[at] ^= mask;
        let opened = journal::open(
            self.store.records(),
            self.store.credential_records(),
            &KioskId::new(KIOSK).unwrap(),
            config(),
        );
        self.store.journal.get_mut(&seq).unwrap()[at] ^= mask;
        match opened {
            Err(OpenError::Corrupt {
                error: Error::StorageCorrupt { seq: found, .. },
                prefix,
            }) => {
                check!(
                    self,
                    found == seq,
                    "a byte flipped in record {seq} was reported at {found}"
                );
                check!(
                    self,
                    prefix.state().seq == seq - 1 && prefix.read_only().is_some(),
                    "the prefix of a corrupt journal holds {} entries, read-only {:?}",
                    prefix.state().seq,
                    prefix.read_only()
                );
                if seq > 1 && self.rng.percent(20) {
                    let before: Vec<(u64, Vec<u8>)> = self
                        .store
                        .journal
                        .range(..seq)
                        .map(|(seq, bytes)| (*seq, bytes.clone()))
                        .collect();
                    let clean =
                        journal::open(before, Vec::new(), &KioskId::new(KIOSK).unwrap(), config())
                            .unwrap_or_else(|e| {
                                self.fail(format!("a prefix does not open: {e:?}"))
                            });
                    check!(
                        self,
                        clean.state().state_hash() == prefix.state().state_hash(),
                        "the prefix before corrupt record {seq} is not the journal up to it"
                    );
                }
            }
            Err(OpenError::WrongKiosk(_)) if seq == 1 => {}
            other => self.fail(format!(
                "a byte flipped in record {seq} at {at} opened as {:?}",
                other.map(|ledger| ledger.state().seq)
            )),
        }
    }

    fn run(&mut self, operations: usize) {
        for step in 0..operations {
            self.step = step;
            self.step();
        }
        // The end: everything made durable, reloaded, checked.
        self.store.volatile.clear();
        self.confirm();
        check!(
            self,
            self.outbox.is_empty(),
            "unconfirmed at the end: {:?}",
            self.outbox
        );
        self.reload();
    }
}

fn request_id(request: &Request) -> Option<&RequestId> {
    let operation = match request {
        Request::Redeem { request, .. } => return Some(request),
        Request::Staff { operation, .. } | Request::StaffSession { operation, .. } => operation,
    };
    match operation {
        Operation::Correct { request, .. }
        | Operation::Restock { request, .. }
        | Operation::AdjustStock { request, .. }
        | Operation::StockCount { request, .. }
        | Operation::Void { request, .. }
        | Operation::CloseYear { request, .. }
        | Operation::ConfirmClock { request }
        | Operation::Archive { request, .. }
        | Operation::ChangeSetting { request, .. } => Some(request),
        _ => None,
    }
}

fn environment(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|value| {
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name} is a number, not {value:?}"))
    })
}

/// The kinds of entry a journal holds, and how many of each.
type Kinds = BTreeMap<&'static str, u64>;

/// Runs one seed, naming it if it fails.
fn run_seed(seed: u64, operations: usize, kinds: &mut Kinds) -> Counts {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut sim = Sim::new(seed);
        sim.run(operations);
        for stored in sim.store.journal.values() {
            let record = StoredRecord::from_bytes(stored).unwrap();
            *kinds
                .entry(Entry::decode(&record.bytes).unwrap().body.kind())
                .or_default() += 1;
        }
        sim.counts
    }));
    result.unwrap_or_else(|_| {
        panic!("seed {seed} failed; replay: AIXIN_SIM_SEED={seed} cargo test --test sim -- --nocapture")
    })
}

#[test]
fn seeded_runs_keep_every_acknowledged_operation_exactly_once() {
    let operations = environment("AIXIN_SIM_OPS").unwrap_or(300) as usize;
    let total = environment("AIXIN_SIM_OPS_TOTAL").unwrap_or(20_000);
    let first = environment("AIXIN_SIM_FIRST_SEED").unwrap_or(1);
    let started = std::time::Instant::now();
    let mut counts = Counts::default();
    let mut kinds = Kinds::new();
    let mut seeds = 0;
    if let Some(seed) = environment("AIXIN_SIM_SEED") {
        counts.add(run_seed(seed, operations, &mut kinds));
        seeds = 1;
    } else {
        let mut seed = first;
        while counts.operations < total {
            counts.add(run_seed(seed, operations, &mut kinds));
            seed += 1;
            seeds += 1;
        }
    }
    println!(
        "{seeds} seeds, {} operations in {:.1} s: {} writes; {} faults injected \
         ({} failed writes, {} crashes survived losing {} writes, {} flipped bytes, \
         {} clock jumps, {} repeated requests, {} second writers); {} reopens",
        counts.operations,
        started.elapsed().as_secs_f64(),
        counts.writes,
        counts.faults(),
        counts.failed_writes,
        counts.crashes,
        counts.lost_writes,
        counts.flipped_bytes,
        counts.clock_jumps,
        counts.repeats,
        counts.second_writers,
        counts.reopens,
    );
    println!("entries in the journals at the end, by kind: {kinds:?}");
    assert!(
        seeds == 1 || counts.crashes > 0 && counts.failed_writes > 0 && counts.flipped_bytes > 0,
        "the run faulted nothing: {counts:?}"
    );
}

/// Each seed that once failed, named by what it found: 3, a repeated stock
/// count answered one seq of several; 4, a staff session seemed to outlive
/// its idle time (the clock was behind the highest time seen); 7, a stock
/// count with nothing to change; 384, a lost seq since reused by another
/// request; 945, an import sent again after a later one corrected its keys.
#[test]
fn the_seeds_that_once_failed_pass() {
    let mut kinds = Kinds::new();
    for seed in [3, 4, 7, 384, 945] {
        run_seed(seed, 300, &mut kinds);
    }
}

/// Seed 3 found it: a stock count stores one entry per changed item, and
/// its repeat answered only the first seq.
#[test]
fn a_repeated_stock_count_answers_every_seq_it_stored() {
    let mut kiosk = Kiosk::with_village();
    let request = kiosk.next_request();
    let count = Operation::StockCount {
        counts: vec![(sku("salt-500g"), 7), (sku("soap"), 0), (sku("oil-5l"), 5)],
        reason: text("月底盘点"),
        request,
    };
    let first = kiosk.run(&staff(), count.clone()).unwrap();
    let seq = kiosk.ledger.state().seq;
    assert_eq!(
        first,
        Outcome::Done {
            seqs: vec![seq - 1, seq],
            repeated: false
        }
    );
    kiosk.reopen().unwrap();
    let again = kiosk.run(&staff(), count).unwrap();
    assert_eq!(
        again,
        Outcome::Done {
            seqs: vec![seq - 1, seq],
            repeated: true
        }
    );
    assert_eq!(kiosk.ledger.state().seq, seq, "the repeat appended");
}
