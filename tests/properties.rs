//! Property tests over random operation sequences on a small village: credits,
//! corrections, sign-ins and redemptions (with every kind of bad basket),
//! voids, repeats, restocks, stock adjustments, repricing, (de)activation,
//! suspension, wrong PINs, splits and merges of households (their transfers
//! sum to zero), the clock moving on, and reopening from the store.
//!
//! Every step runs the shell's protocol (prepare → persist → commit) over an
//! in-memory store, and after every step the conservation laws hold: points
//! and units are neither made nor lost, stock never goes below zero, only a
//! correction takes a balance below zero, a refusal changes nothing, and a
//! repeat answers the first receipt. A small model predicts each operation's
//! answer from the state before it, so a refusal must also be the right one.
//!
//! Failing inputs are printed shrunk; turn one into a named test below rather
//! than keeping a regression file (`failure_persistence` is off).

mod common;

use aixin_kiosk::error::Error;
use aixin_kiosk::ids::{Period, StaffId};
use aixin_kiosk::ledger::members::MemberOperation;
use aixin_kiosk::ledger::{Auth, BasketLine, Operation, Outcome, Receipt, SessionId};
use aixin_kiosk::points::Points;
use aixin_kiosk::shell;
use aixin_kiosk::state::{HouseholdStatus, State};
use common::*;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use std::collections::{BTreeMap, HashMap};

/// The village's households and their PINs; the last has no PIN yet.
const HOUSEHOLDS: [(&str, Option<&str>); 5] = [
    ("H01", Some("1111")),
    ("H02", Some("2222")),
    ("H03", Some("3333")),
    ("H04", Some("4444")),
    ("H05", None),
];
/// A household code nobody registered.
const UNKNOWN_HOUSEHOLD: &str = "Z99";

/// The catalogue: SKU and price.
const ITEMS: [(&str, &str); 5] = [
    ("salt-500g", "2.50"),
    ("oil-5l", "69"),
    ("soap", "3"),
    ("rice-5kg", "25.90"),
    ("eggs", "0.80"),
];
/// Past the catalogue: a well-formed SKU nobody added, then one that is not
/// a SKU at all.
const UNKNOWN_SKU: &str = "tea";
const INVALID_SKU: &str = "bad sku!";

const SOURCES: [&str; 2] = ["evaluation", "bonus"];

fn household_code(index: usize) -> &'static str {
    HOUSEHOLDS.get(index).map_or(UNKNOWN_HOUSEHOLD, |h| h.0)
}

/// [`household_code`], for where a local name shadows it.
fn household_code_of(index: usize) -> &'static str {
    household_code(index)
}

fn sku_text(index: usize) -> &'static str {
    match index {
        i if i < ITEMS.len() => ITEMS[i].0,
        i if i == ITEMS.len() => UNKNOWN_SKU,
        _ => INVALID_SKU,
    }
}

/// How a redemption's household gets its session.
#[derive(Clone, Copy, Debug)]
enum SignIn {
    /// With its PIN, a new session.
    Pin,
    /// Signed in by the shopkeeper, for a villager without a PIN.
    Assisted,
    /// The session it had, if it still has one (it may have expired or been
    /// lost to a reopen).
    Kept,
}

#[derive(Clone, Debug)]
enum Op {
    Credit {
        household: usize,
        hundredths: i64,
        month: u32,
        source: usize,
        /// Confirmed by the second staff member (the two-person rule).
        co_signed: bool,
    },
    Correct {
        household: usize,
        hundredths: i64,
        /// Refers to a credit (`true`) or to some seq that may be none.
        refers_to: Option<(bool, Index)>,
        co_signed: bool,
    },
    Redeem {
        household: usize,
        sign_in: SignIn,
        lines: Vec<(usize, i64)>,
        /// Tap twice: a second prepare while this one is pending.
        double_tap: bool,
    },
    /// The page asks again with the request id of an earlier redemption.
    Repeat {
        pick: Index,
    },
    Void {
        pick: Index,
        /// Void a seq that is no redemption.
        unknown: bool,
    },
    Restock {
        lines: Vec<(usize, i64)>,
    },
    Adjust {
        item: usize,
        delta: i64,
    },
    Reprice {
        item: usize,
        hundredths: i64,
    },
    SetActive {
        item: usize,
        active: bool,
    },
    SetStatus {
        household: usize,
        status: HouseholdStatus,
    },
    WrongPin {
        household: usize,
    },
    /// 分户: a new household splits from `from` with these points.
    Split {
        from: usize,
        hundredths: i64,
    },
    /// 合户: `from` joins `into` with its whole balance.
    Merge {
        from: usize,
        into: usize,
    },
    Wait {
        ms: i64,
    },
    Reopen,
}

fn household_index() -> impl Strategy<Value = usize> {
    prop_oneof![12 => 0..HOUSEHOLDS.len(), 1 => Just(HOUSEHOLDS.len())]
}

fn item_index() -> impl Strategy<Value = usize> {
    prop_oneof![
        30 => 0..ITEMS.len(),
        1 => Just(ITEMS.len()),
        1 => Just(ITEMS.len() + 1),
    ]
}

/// Mostly sane quantities, and every kind of insane one.
fn basket_quantity() -> impl Strategy<Value = i64> {
    prop_oneof![
        24 => 1..=3i64,
        2 => 4..=99i64,
        1 => Just(0i64),
        1 => 100..=150i64,
        1 => -3..=-1i64,
    ]
}

fn stock_quantity() -> impl Strategy<Value = i64> {
    prop_oneof![10 => 1..=60i64, 1 => Just(0i64), 1 => -2..=-1i64, 1 => 10_001..=10_002i64]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (household_index(), 0..=3_000i64, 1..=12u32, 0..SOURCES.len(), any::<bool>()).prop_map(
            |(household, hundredths, month, source, co_signed)| Op::Credit { household, hundredths, month, source, co_signed }
        ),
        2 => (
            household_index(),
            prop_oneof![10 => -2_500..=2_500i64, 1 => Just(0i64)],
            proptest::option::of((any::<bool>(), any::<Index>())),
            any::<bool>(),
        )
            .prop_map(|(household, hundredths, refers_to, co_signed)| Op::Correct { household, hundredths, refers_to, co_signed }),
        10 => (
            household_index(),
            prop_oneof![4 => Just(SignIn::Pin), 1 => Just(SignIn::Assisted), 3 => Just(SignIn::Kept)],
            prop_oneof![
                12 => prop::collection::vec((item_index(), basket_quantity()), 1..=3),
                1 => Just(Vec::new()),
            ],
            prop::bool::weighted(0.2),
        )
            .prop_map(|(household, sign_in, lines, double_tap)| Op::Redeem { household, sign_in, lines, double_tap }),
        2 => any::<Index>().prop_map(|pick| Op::Repeat { pick }),
        2 => (any::<Index>(), prop::bool::weighted(0.15)).prop_map(|(pick, unknown)| Op::Void { pick, unknown }),
        2 => prop::collection::vec((item_index(), stock_quantity()), 0..=3)
            .prop_map(|lines| Op::Restock { lines }),
        2 => (item_index(), prop_oneof![4 => -12..=12i64, 1 => Just(-1_000i64), 1 => Just(10_001i64)])
            .prop_map(|(item, delta)| Op::Adjust { item, delta }),
        1 => (item_index(), prop_oneof![6 => 1..=9_000i64, 1 => Just(0i64)])
            .prop_map(|(item, hundredths)| Op::Reprice { item, hundredths }),
        1 => (item_index(), any::<bool>()).prop_map(|(item, active)| Op::SetActive { item, active }),
        1 => (
            household_index(),
            prop_oneof![
                3 => Just(HouseholdStatus::Active),
                2 => Just(HouseholdStatus::Suspended),
                1 => Just(HouseholdStatus::MovedAway),
            ],
        )
            .prop_map(|(household, status)| Op::SetStatus { household, status }),
        1 => household_index().prop_map(|household| Op::WrongPin { household }),
        1 => (household_index(), prop_oneof![4 => 0..=12_000i64, 1 => Just(-1i64)])
            .prop_map(|(from, hundredths)| Op::Split { from, hundredths }),
        1 => (household_index(), household_index()).prop_map(|(from, into)| Op::Merge { from, into }),
        1 => prop_oneof![3 => 1..=60_000i64, 1 => 170_000..=400_000i64].prop_map(|ms| Op::Wait { ms }),
        1 => Just(Op::Reopen),
    ]
}

/// What the model expects of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    Success,
    /// Success, and nothing new: the first answer again.
    Repeated,
    Refused(&'static str),
    /// A refusal that stores the wrong-PIN counter (and changes nothing else).
    RefusedCounting(&'static str),
}

/// Which conservation rule a step is held to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Correction,
    Other,
}

/// The village under test and what the page remembers.
struct Harness {
    kiosk: Kiosk,
    sessions: HashMap<usize, SessionId>,
    /// Acknowledged redemptions: request id and receipt.
    receipts: Vec<(String, Receipt)>,
    counter: u64,
    /// The model of the two-person rule: each household's credits and
    /// corrections by village day, in absolute hundredths.
    day_moves: BTreeMap<(String, aixin_kiosk::calendar::LocalDate), i64>,
}

/// Over this many hundredths of credits and corrections for one household
/// in a village day, a second staff member must confirm.
const DAY_LIMIT: i64 = 5_000;

fn village_day(time_ms: i64) -> aixin_kiosk::calendar::LocalDate {
    aixin_kiosk::calendar::local_date(time_ms, 480)
}

fn conservation(state: &State) -> Result<(), String> {
    state.check_invariants()
}

fn balances(state: &State) -> BTreeMap<String, Points> {
    state
        .households
        .values()
        .map(|h| (h.code.to_string(), h.balance))
        .collect()
}

impl Harness {
    fn new() -> Harness {
        let mut kiosk = Kiosk::new();
        kiosk.co_sign();
        for (household, pin) in HOUSEHOLDS {
            kiosk.register(household, &format!("住户{household}"));
            if let Some(pin) = pin {
                kiosk.set_pin(household, pin);
            }
            kiosk.credit(household, "100", "2026-01").unwrap();
        }
        for (item, price) in ITEMS {
            kiosk.add_item(item, item, price);
        }
        kiosk.restock(&[
            ("salt-500g", 40),
            ("oil-5l", 3),
            ("soap", 20),
            ("rice-5kg", 8),
            ("eggs", 60),
        ]);
        // The set-up's credits were yesterday: today starts from nothing
        // (a day without an entry is a clock jump the admin confirms).
        kiosk.pass_days(1);
        Harness {
            kiosk,
            sessions: HashMap::new(),
            receipts: Vec::new(),
            counter: 0,
            day_moves: BTreeMap::new(),
        }
    }

    fn state(&self) -> &State {
        self.kiosk.ledger.state()
    }

    fn fresh_request(&mut self) -> aixin_kiosk::ids::RequestId {
        self.counter += 1;
        request(&format!("page-{:06}", self.counter))
    }

    fn fresh_session(&mut self) -> SessionId {
        self.counter += 1;
        session(&format!("session-{:06}", self.counter))
    }

    /// prepare → (a second tap) → persist → commit, holding the step to the
    /// model's expectation and the invariants.
    fn step(
        &mut self,
        kind: Kind,
        auth: &Auth,
        operation: Operation,
        double_tap: Option<Operation>,
        expect: Expect,
    ) -> Result<Outcome, Error> {
        let description = format!("{operation:?}");
        let before_hash = self.state().state_hash();
        let before_totals = self.state().totals;
        let before_balances = balances(self.state());
        let before_store = self.kiosk.store.clone();
        self.kiosk.now += 1000;
        let now = self.kiosk.now;
        let result = self.persist(auth, operation, double_tap, now);
        let after = self.state();
        match (&result, expect) {
            (Ok(Outcome::Done { repeated: true, .. }), Expect::Repeated)
            | (Ok(Outcome::Receipt(Receipt { repeated: true, .. })), Expect::Repeated) => {
                assert_eq!(
                    after.state_hash(),
                    before_hash,
                    "a repeat changes nothing: {description}"
                );
                assert_eq!(
                    self.kiosk.store.journal, before_store.journal,
                    "a repeat appends nothing: {description}"
                );
                assert_eq!(
                    self.kiosk.store.writes, before_store.writes,
                    "a repeat writes nothing: {description}"
                );
            }
            (Ok(outcome), Expect::Success) => {
                let repeated = matches!(
                    outcome,
                    Outcome::Done { repeated: true, .. }
                        | Outcome::Receipt(Receipt { repeated: true, .. })
                );
                assert!(!repeated, "{description} answered a repeat: {outcome:?}");
            }
            (Err(error), Expect::Refused(code) | Expect::RefusedCounting(code)) => {
                assert_eq!(error.code(), code, "{description}: {error:?}");
                assert!(!error.message_zh().is_empty() && !error.message_en().is_empty());
                assert_eq!(
                    after.state_hash(),
                    before_hash,
                    "a refusal changes nothing: {description}"
                );
                assert_eq!(
                    after.totals, before_totals,
                    "a refusal changes nothing: {description}"
                );
                assert_eq!(
                    self.kiosk.store.journal, before_store.journal,
                    "a refusal appends nothing: {description}"
                );
                if matches!(expect, Expect::Refused(_)) {
                    assert_eq!(
                        self.kiosk.store.credentials, before_store.credentials,
                        "a refusal stores nothing: {description}"
                    );
                }
            }
            (result, expect) => {
                panic!("{description}: got {result:?}, the model expected {expect:?}")
            }
        }
        assert!(
            !self.kiosk.ledger.is_pending(),
            "nothing pending after {description}"
        );
        if kind != Kind::Correction {
            for (household, balance) in balances(after) {
                let was = before_balances.get(&household).copied().unwrap_or_default();
                assert!(
                    was.is_negative() || !balance.is_negative(),
                    "{household} went from {was:?} to {balance:?} through {description}"
                );
            }
        }
        if let Err(problem) = conservation(after) {
            panic!("after {description}: {problem}");
        }
        let stored: u64 = self.kiosk.store.journal.keys().copied().max().unwrap_or(0);
        assert_eq!(
            stored, after.seq,
            "the store and the state agree on the last seq"
        );
        assert_eq!(
            self.kiosk.store.journal.len() as u64,
            stored,
            "the store's seqs are 1..=n"
        );
        result
    }

    fn persist(
        &mut self,
        auth: &Auth,
        operation: Operation,
        double_tap: Option<Operation>,
        now: i64,
    ) -> Result<Outcome, Error> {
        let store = &mut self.kiosk.store;
        shell::submit(
            &mut self.kiosk.ledger,
            auth,
            operation,
            now,
            |ledger, plan| {
                assert!(ledger.is_pending());
                if let Some(second) = double_tap {
                    let hash = ledger.state().state_hash();
                    match ledger.prepare(auth, second, now) {
                        Err(Error::Busy) => {}
                        other => panic!("a second prepare while one is pending answered {other:?}"),
                    }
                    assert_eq!(ledger.state().state_hash(), hash, "BUSY changes nothing");
                    assert!(ledger.is_pending());
                }
                store.persist(plan)
            },
        )
    }

    /// Replays the store and checks it folds to the same state.
    fn reopen(&mut self) {
        let hash = self.state().state_hash();
        let totals = self.state().totals;
        let balances_before = balances(self.state());
        if let Err(error) = self.kiosk.reopen() {
            panic!("the store does not reopen: {error:?}");
        }
        assert_eq!(
            self.state().state_hash(),
            hash,
            "replay reproduces the state"
        );
        assert_eq!(self.state().totals, totals, "replay reproduces the totals");
        assert_eq!(balances(self.state()), balances_before);
        for (_, receipt) in &self.receipts {
            let redemption = &self.state().redemptions[&receipt.seq];
            assert_eq!(redemption.total, receipt.total);
            assert_eq!(redemption.balance_after, receipt.balance_after);
        }
        // Sessions live in memory only.
        self.sessions.clear();
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Credit {
                household,
                hundredths,
                month,
                source,
                co_signed,
            } => self.credit(*household, *hundredths, *month, *source, *co_signed),
            Op::Correct {
                household,
                hundredths,
                refers_to,
                co_signed,
            } => self.correct(*household, *hundredths, *refers_to, *co_signed),
            Op::Redeem {
                household,
                sign_in,
                lines,
                double_tap,
            } => self.redeem(*household, *sign_in, lines, *double_tap),
            Op::Repeat { pick } => self.repeat(*pick),
            Op::Void { pick, unknown } => self.void(*pick, *unknown),
            Op::Restock { lines } => self.restock(lines),
            Op::Adjust { item, delta } => self.adjust(*item, *delta),
            Op::Reprice { item, hundredths } => self.reprice(*item, *hundredths),
            Op::SetActive { item, active } => self.set_active(*item, *active),
            Op::SetStatus { household, status } => {
                let expect = if *household < HOUSEHOLDS.len() {
                    Expect::Success
                } else {
                    Expect::Refused("UNKNOWN_HOUSEHOLD")
                };
                let request = self.fresh_request();
                let operation = Operation::SetHouseholdStatus {
                    household: code(household_code(*household)),
                    status: *status,
                    reason: text("核查"),
                    request,
                };
                let _ = self.step(Kind::Other, &staff(), operation, None, expect);
            }
            Op::WrongPin { household } => self.wrong_pin(*household),
            Op::Split { from, hundredths } => self.split(*from, *hundredths),
            Op::Merge { from, into } => self.merge(*from, *into),
            Op::Wait { ms } => self.kiosk.now += ms,
            Op::Reopen => self.reopen(),
        }
    }

    /// Why a household may not take part in a split or merge, by the model.
    fn expect_open(&self, household: usize) -> Option<&'static str> {
        match self.state().household(&code(household_code(household))) {
            None => Some("UNKNOWN_HOUSEHOLD"),
            Some(record) if record.status == HouseholdStatus::MovedAway => Some("INVALID_INPUT"),
            Some(_) => None,
        }
    }

    fn split(&mut self, from: usize, hundredths: i64) {
        self.counter += 1;
        let new_code = format!("S{:05}", self.counter);
        let balance = self
            .state()
            .household(&code(household_code(from)))
            .map_or(0, |h| h.balance.hundredths());
        let expect = match self.expect_open(from) {
            Some(refusal) => Expect::Refused(refusal),
            None if hundredths < 0 || hundredths > balance => Expect::Refused("INVALID_INPUT"),
            // Splits are made alone here: over 50 points the rule holds them.
            None if hundredths > DAY_LIMIT => Expect::Refused("SECOND_STAFF_REQUIRED"),
            None => Expect::Success,
        };
        let operation = Operation::Members {
            operation: MemberOperation::Split {
                from: code(household_code(from)),
                household: code(&new_code),
                name: text("新户"),
                group: text("第一组"),
                kind: aixin_kiosk::entry::HouseholdKind::Family,
                amount: Points::from_hundredths(hundredths).unwrap(),
                members: Vec::new(),
                reason: text("分户"),
            },
            request: self.fresh_request(),
        };
        let _ = self.step(Kind::Other, &staff(), operation, None, expect);
    }

    fn merge(&mut self, from: usize, into: usize) {
        let negative = self
            .state()
            .household(&code(household_code(from)))
            .is_some_and(|h| h.balance.is_negative());
        let expect = if from == into {
            Expect::Refused("INVALID_INPUT")
        } else {
            match (self.expect_open(from), self.expect_open(into)) {
                (Some(refusal), _) | (None, Some(refusal)) => Expect::Refused(refusal),
                (None, None) if negative => Expect::Refused("INVALID_INPUT"),
                (None, None) => Expect::Success,
            }
        };
        let operation = Operation::Members {
            operation: MemberOperation::Merge {
                from: code(household_code(from)),
                into: code(household_code(into)),
                reason: text("合户"),
            },
            request: self.fresh_request(),
        };
        // Merges are confirmed by the second staff member, whatever the balance.
        let operation = Operation::CoSigned {
            operation: Box::new(operation),
            co_sign: self.kiosk.co_sign(),
        };
        let _ = self.step(Kind::Other, &staff(), operation, None, expect);
    }

    /// A manual move through the two-person rule, by the model: refused
    /// without a co-sign when it takes the household's day over the limit;
    /// counted when it succeeds.
    fn step_manual(
        &mut self,
        kind: Kind,
        household: &str,
        hundredths: i64,
        operation: Operation,
        expect: Expect,
        co_signed: bool,
    ) {
        let key = (household.to_string(), village_day(self.kiosk.now + 1000));
        let moved = self.day_moves.get(&key).copied().unwrap_or(0) + hundredths.abs();
        let expect = match expect {
            Expect::Success if !co_signed && moved > DAY_LIMIT => {
                Expect::Refused("SECOND_STAFF_REQUIRED")
            }
            other => other,
        };
        let success = matches!(expect, Expect::Success);
        let operation = if co_signed {
            Operation::CoSigned {
                operation: Box::new(operation),
                co_sign: self.kiosk.co_sign(),
            }
        } else {
            operation
        };
        let result = self.step(kind, &staff(), operation, None, expect);
        if success && result.is_ok() {
            self.day_moves.insert(key, moved);
        }
    }

    fn credit(
        &mut self,
        household: usize,
        hundredths: i64,
        month: u32,
        source: usize,
        co_signed: bool,
    ) {
        let household_code = code(household_code(household));
        let period = Period::new(&format!("2026-{month:02}")).unwrap();
        let source = text(SOURCES[source]);
        let expect = if self.state().household(&household_code).is_none() {
            Expect::Refused("UNKNOWN_HOUSEHOLD")
        } else if self.state().credits.contains_key(&(
            household_code.clone(),
            period.clone(),
            source.clone(),
        )) {
            Expect::Repeated
        } else {
            Expect::Success
        };
        let operation = Operation::Credit {
            household: household_code,
            amount: Points::from_hundredths(hundredths).unwrap(),
            period,
            source,
            reason: None,
        };
        let name = household_code_of(household);
        self.step_manual(Kind::Other, name, hundredths, operation, expect, co_signed);
    }

    fn correct(
        &mut self,
        household: usize,
        hundredths: i64,
        refers_to: Option<(bool, Index)>,
        co_signed: bool,
    ) {
        let household_code = code(household_code(household));
        let mut credit_seqs: Vec<u64> =
            self.state().credits.values().map(|(seq, _)| *seq).collect();
        credit_seqs.sort_unstable();
        let refers_to_seq = refers_to.map(|(to_credit, pick)| {
            if to_credit {
                credit_seqs[pick.index(credit_seqs.len())]
            } else {
                pick.index(self.state().seq as usize + 3) as u64
            }
        });
        let expect = if self.state().household(&household_code).is_none() {
            Expect::Refused("UNKNOWN_HOUSEHOLD")
        } else if hundredths == 0 || refers_to_seq.is_some_and(|seq| !credit_seqs.contains(&seq)) {
            Expect::Refused("INVALID_INPUT")
        } else {
            Expect::Success
        };
        let request = self.fresh_request();
        let operation = Operation::Correct {
            household: household_code,
            amount: Points::from_hundredths(hundredths).unwrap(),
            refers_to_seq,
            reason: text("核对更正"),
            request,
        };
        let name = household_code_of(household);
        self.step_manual(
            Kind::Correction,
            name,
            hundredths,
            operation,
            expect,
            co_signed,
        );
    }

    /// Why `household` may not be served now, by the model: unknown,
    /// suspended, moved away or below zero.
    fn expect_household(&self, household: usize) -> Option<&'static str> {
        let record = self.state().household(&code(household_code(household)))?;
        match record.status {
            HouseholdStatus::Suspended => Some("SUSPENDED"),
            HouseholdStatus::MovedAway => Some("MOVED_AWAY"),
            HouseholdStatus::Active if record.balance.is_negative() => Some("NEGATIVE_BALANCE"),
            HouseholdStatus::Active => None,
        }
    }

    /// What signing `household` in answers, by the model.
    fn expect_sign_in(&self, household: usize, right_pin: bool) -> Expect {
        let household_code = code(household_code(household));
        let Some(record) = self.state().household(&household_code) else {
            return Expect::Refused("UNKNOWN_HOUSEHOLD");
        };
        if let Some(code) = self.expect_household(household) {
            return Expect::Refused(code);
        }
        let now = self.kiosk.now + 1000;
        if self
            .kiosk
            .ledger
            .locked_until(&household_code, now)
            .is_some()
        {
            return Expect::Refused("LOCKED_OUT");
        }
        if !record.has_pin {
            return Expect::Refused("NO_PIN");
        }
        if right_pin {
            return Expect::Success;
        }
        let failures = self
            .kiosk
            .ledger
            .credential(&aixin_kiosk::credential::household_key(
                household_code.as_str(),
            ))
            .map_or(0, |c| c.failures);
        if failures + 1 >= aixin_kiosk::credential::ATTEMPTS_MAX {
            Expect::RefusedCounting("LOCKED_OUT")
        } else {
            Expect::RefusedCounting("WRONG_PIN")
        }
    }

    fn sign_in(&mut self, household: usize) -> Option<SessionId> {
        let expect = self.expect_sign_in(household, true);
        let pin = HOUSEHOLDS
            .get(household)
            .and_then(|h| h.1)
            .unwrap_or("0000");
        let id = self.fresh_session();
        let operation = Operation::SignIn {
            household: code(household_code(household)),
            pin: pin.to_string(),
            session: id,
        };
        match self.step(Kind::Other, &Auth::System, operation, None, expect) {
            Ok(Outcome::SignedIn(session)) => Some(session.id),
            Ok(other) => panic!("sign-in answered {other:?}"),
            Err(_) => None,
        }
    }

    fn wrong_pin(&mut self, household: usize) {
        let expect = self.expect_sign_in(household, false);
        let id = self.fresh_session();
        let operation = Operation::SignIn {
            household: code(household_code(household)),
            pin: "0000".to_string(),
            session: id,
        };
        let _ = self.step(Kind::Other, &Auth::System, operation, None, expect);
    }

    fn sign_in_assisted(&mut self, household: usize) -> Option<SessionId> {
        let id = self.fresh_session();
        let hash = self.state().state_hash();
        let store = self.kiosk.store.journal.clone();
        let operation = Operation::AssistedSignIn {
            household: code(household_code(household)),
            session: id,
        };
        let result = match self.kiosk.run(&staff(), operation) {
            Ok(Outcome::SignedIn(session)) => Ok(session),
            Ok(other) => panic!("assisted sign-in answered {other:?}"),
            Err(error) => Err(error),
        };
        assert_eq!(
            self.state().state_hash(),
            hash,
            "an assisted sign-in changes nothing stored"
        );
        assert_eq!(self.kiosk.store.journal, store);
        let expect = match self.state().household(&code(household_code(household))) {
            None => Some("UNKNOWN_HOUSEHOLD"),
            Some(_) => self.expect_household(household),
        };
        match (expect, result) {
            (None, Ok(session)) => Some(session.id),
            (Some(code), Err(error)) if error.code() == code => None,
            (expect, result) => {
                panic!("assisted sign-in answered {result:?}, the model expected {expect:?}")
            }
        }
    }

    /// What a redemption answers, by the model, in the core's order of checks.
    fn expect_redeem(&self, session: &SessionId, lines: &[(usize, i64)]) -> Expect {
        let now = self.kiosk.now + 1000;
        let Some(live) = self
            .kiosk
            .ledger
            .session(session)
            .filter(|s| now - s.last_activity_ms <= config().session_idle_ms)
        else {
            return Expect::Refused("SESSION_EXPIRED");
        };
        let record = &self.state().households[&live.household];
        let index = HOUSEHOLDS
            .iter()
            .position(|h| h.0 == record.code.as_str())
            .unwrap();
        if let Some(code) = self.expect_household(index) {
            return Expect::Refused(code);
        }
        if lines.is_empty() {
            return Expect::Refused("EMPTY_BASKET");
        }
        let mut seen = Vec::new();
        let mut total = Points::ZERO;
        for (item, quantity) in lines {
            let Some(found) = self.known_item(*item).ok() else {
                return Expect::Refused("UNKNOWN_ITEM");
            };
            if !found.active {
                return Expect::Refused("INACTIVE_ITEM");
            }
            if !(1..=99).contains(quantity) || seen.contains(item) {
                return Expect::Refused("BAD_QUANTITY");
            }
            if *quantity > found.stock {
                return Expect::Refused("OUT_OF_STOCK");
            }
            seen.push(*item);
            total = total
                .checked_add(found.price.checked_mul(*quantity).unwrap())
                .unwrap();
        }
        if total > record.balance {
            return Expect::Refused("INSUFFICIENT_POINTS");
        }
        Expect::Success
    }

    fn known_item(&self, item: usize) -> Result<&aixin_kiosk::state::Item, &'static str> {
        ITEMS
            .get(item)
            .and_then(|(name, _)| self.state().item(&sku(name)))
            .ok_or("UNKNOWN_ITEM")
    }

    fn redeem(
        &mut self,
        household: usize,
        sign_in: SignIn,
        lines: &[(usize, i64)],
        double_tap: bool,
    ) {
        let session = match sign_in {
            SignIn::Pin => self.sign_in(household),
            SignIn::Assisted => self.sign_in_assisted(household),
            SignIn::Kept => match self.sessions.get(&household) {
                Some(kept) => Some(kept.clone()),
                None => self.sign_in(household),
            },
        };
        let session = match session {
            Some(session) => {
                self.sessions.insert(household, session.clone());
                session
            }
            // A session that never was: the page's tab after a reload.
            None => self.fresh_session(),
        };
        let expect = self.expect_redeem(&session, lines);
        let household_code = self
            .kiosk
            .ledger
            .session(&session)
            .map(|s| s.household.clone());
        let before = household_code
            .as_ref()
            .and_then(|c| self.state().household(c))
            .map(|h| h.balance);
        let stock_before: Vec<i64> = ITEMS
            .iter()
            .map(|(name, _)| self.kiosk.stock(name))
            .collect();
        let basket: Vec<BasketLine> = lines
            .iter()
            .map(|(item, quantity)| BasketLine {
                sku: sku_text(*item).to_string(),
                quantity: *quantity,
            })
            .collect();
        let request = self.fresh_request();
        let operation = Operation::Redeem {
            session: session.clone(),
            lines: basket.clone(),
            request: request.clone(),
        };
        let second = double_tap.then(|| Operation::Redeem {
            session: session.clone(),
            lines: basket,
            request: request.clone(),
        });
        let result = self.step(Kind::Other, &Auth::System, operation, second, expect);
        let Ok(outcome) = result else { return };
        let Outcome::Receipt(receipt) = outcome else {
            panic!("a redemption answered {outcome:?}");
        };
        // Priced at today's prices, paid from the balance, taken from stock.
        let mut total = Points::ZERO;
        for line in &receipt.lines {
            let item = self.state().item(&line.sku).unwrap();
            assert_eq!(line.unit_price, item.price);
            assert_eq!(
                Some(line.line_total),
                line.unit_price.checked_mul(i64::from(line.quantity))
            );
            total = total.checked_add(line.line_total).unwrap();
        }
        assert_eq!(receipt.total, total);
        let before = before.unwrap();
        assert_eq!(receipt.balance_after, before.checked_sub(total).unwrap());
        assert_eq!(
            self.kiosk.balance(household_code.unwrap().as_str()),
            receipt.balance_after
        );
        for (index, (name, _)) in ITEMS.iter().enumerate() {
            let taken: i64 = receipt
                .lines
                .iter()
                .filter(|line| line.sku.as_str() == *name)
                .map(|line| i64::from(line.quantity))
                .sum();
            assert_eq!(self.kiosk.stock(name), stock_before[index] - taken);
        }
        assert_eq!(receipt.seq, self.state().seq);
        assert!(!receipt.repeated);
        self.receipts.push((request.to_string(), receipt));
    }

    fn repeat(&mut self, pick: Index) {
        if self.receipts.is_empty() {
            return;
        }
        let (request_id, first) = self.receipts[pick.index(self.receipts.len())].clone();
        // The page's session may be gone; the repeat answers regardless.
        let session = self.fresh_session();
        let operation = Operation::Redeem {
            session,
            lines: vec![BasketLine {
                sku: ITEMS[0].0.to_string(),
                quantity: 1,
            }],
            request: request(&request_id),
        };
        let outcome = self.step(
            Kind::Other,
            &Auth::System,
            operation,
            None,
            Expect::Repeated,
        );
        let Ok(Outcome::Receipt(again)) = outcome else {
            panic!("a repeat answered {outcome:?}");
        };
        assert_eq!(
            again,
            Receipt {
                repeated: true,
                assisted_by: again.assisted_by.clone(),
                ..first
            },
            "a repeat answers the first receipt"
        );
    }

    fn void(&mut self, pick: Index, unknown: bool) {
        let redemption_seq = if unknown || self.receipts.is_empty() {
            // A seq that is no redemption: an entry of another kind, or past the end.
            let seq = pick.index(self.state().seq as usize + 5) as u64;
            if self.state().redemptions.contains_key(&seq) {
                return;
            }
            seq
        } else {
            self.receipts[pick.index(self.receipts.len())].1.seq
        };
        let redemption = self.state().redemptions.get(&redemption_seq).cloned();
        let expect = match &redemption {
            None => Expect::Refused("UNKNOWN_RECEIPT"),
            Some(r) if r.voided => Expect::Refused("ALREADY_VOIDED"),
            Some(_) => Expect::Success,
        };
        let balance_before = redemption
            .as_ref()
            .map(|r| self.kiosk.balance(r.household.as_str()));
        let request = self.fresh_request();
        let operation = Operation::Void {
            redemption_seq,
            reason: text("拿错了"),
            request,
        };
        if self
            .step(Kind::Other, &staff(), operation, None, expect)
            .is_ok()
        {
            let redemption = redemption.unwrap();
            assert_eq!(
                Some(self.kiosk.balance(redemption.household.as_str())),
                balance_before.and_then(|b| b.checked_add(redemption.total)),
                "a void gives the points back"
            );
            assert!(self.state().redemptions[&redemption_seq].voided);
        }
    }

    fn restock(&mut self, lines: &[(usize, i64)]) {
        let mut expect = if lines.is_empty() {
            Expect::Refused("EMPTY_BASKET")
        } else {
            Expect::Success
        };
        let mut seen = Vec::new();
        for (item, quantity) in lines {
            if self.known_item(*item).is_err() {
                expect = Expect::Refused("UNKNOWN_ITEM");
                break;
            }
            if !(1..=10_000).contains(quantity) || seen.contains(item) {
                expect = Expect::Refused("BAD_QUANTITY");
                break;
            }
            seen.push(*item);
        }
        let request = self.fresh_request();
        let operation = Operation::Restock {
            donor: text("县供销社"),
            source_type: aixin_kiosk::entry::SourceType::Company,
            lines: lines
                .iter()
                .map(|(item, quantity)| BasketLine {
                    sku: sku_text(*item).to_string(),
                    quantity: *quantity,
                })
                .collect(),
            declared_value: None,
            request,
        };
        let _ = self.step(Kind::Other, &staff(), operation, None, expect);
    }

    fn adjust(&mut self, item: usize, delta: i64) {
        if item > ITEMS.len() {
            return; // not a SKU: the page cannot even name it
        }
        let expect = match self.known_item(item) {
            Err(code) => Expect::Refused(code),
            Ok(_) if delta == 0 || delta.abs() > 10_000 => Expect::Refused("BAD_QUANTITY"),
            Ok(found) if found.stock + delta < 0 => Expect::Refused("OUT_OF_STOCK"),
            Ok(_) => Expect::Success,
        };
        let request = self.fresh_request();
        let operation = Operation::AdjustStock {
            sku: sku(sku_text(item)),
            delta,
            reason: text("盘点"),
            request,
        };
        let _ = self.step(Kind::Other, &staff(), operation, None, expect);
    }

    fn set_active(&mut self, item: usize, active: bool) {
        if item > ITEMS.len() {
            return;
        }
        let expect = match self.known_item(item) {
            Err(code) => Expect::Refused(code),
            Ok(_) => Expect::Success,
        };
        let request = self.fresh_request();
        let operation = Operation::SetItemActive {
            sku: sku(sku_text(item)),
            active,
            request,
        };
        let _ = self.step(Kind::Other, &staff(), operation, None, expect);
    }

    fn reprice(&mut self, item: usize, hundredths: i64) {
        if item > ITEMS.len() {
            return;
        }
        let expect = match self.known_item(item) {
            Err(code) => Expect::Refused(code),
            Ok(_) if hundredths == 0 => Expect::Refused("INVALID_INPUT"),
            Ok(_) => Expect::Success,
        };
        let request = self.fresh_request();
        let operation = Operation::Reprice {
            sku: sku(sku_text(item)),
            price: Points::from_hundredths(hundredths).unwrap(),
            request,
        };
        let _ = self.step(Kind::Other, &staff(), operation, None, expect);
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(128)
}

proptest! {
    #![proptest_config(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn random_operations_keep_every_invariant(ops in prop::collection::vec(op(), 1..=60)) {
        let mut harness = Harness::new();
        for op in &ops {
            harness.apply(op);
        }
        harness.reopen();
    }
}

/// A basket may cost more than any single amount may be (two items at the
/// largest price). The redemption is acknowledged and stored, but its total
/// is past `POINTS_MAGNITUDE_MAX`, which the decoder refuses: the journal no
/// longer opens and the kiosk is read-only from then on.
#[test]

fn a_total_past_the_amount_limit_is_refused_before_it_is_stored() {
    let mut kiosk = Kiosk::new();
    kiosk.register("H01", "住户");
    kiosk.set_pin("H01", "1111");
    kiosk.credit("H01", "100000000", "2026-01").unwrap();
    kiosk.credit("H01", "100000000", "2026-02").unwrap();
    kiosk.add_item("tractor", "拖拉机", "100000000");
    kiosk.restock(&[("tractor", 2)]);
    let session = kiosk.sign_in("H01", "1111").unwrap();
    let result = kiosk.redeem(&session, &[("tractor", 2)], request("big-1"));
    let reopened = kiosk.reopen().map_err(|error| match error {
        aixin_kiosk::journal::OpenError::Corrupt { error, .. }
        | aixin_kiosk::journal::OpenError::WrongKiosk(error) => error,
    });
    let result = result.map(|outcome| match outcome {
        Outcome::Receipt(receipt) => receipt.total,
        other => panic!("a redemption answered {other:?}"),
    });
    assert_eq!(reopened, Ok(()), "the journal must reopen after {result:?}");
    assert_eq!(result.map_err(|e| e.code()).err(), Some("LIMIT_REACHED"));
}

/// A repeat answers the first receipt — but a receipt of an assisted
/// redemption comes back without the staff member who assisted.
#[test]

fn a_repeated_assisted_redemption_names_who_assisted() {
    let mut kiosk = Kiosk::new();
    kiosk.register("H01", "住户");
    kiosk.credit("H01", "20", "2026-01").unwrap();
    kiosk.add_item("salt-500g", "食盐", "2.50");
    kiosk.restock(&[("salt-500g", 5)]);
    let staff_id = StaffId::new("admin").unwrap();
    let operation = Operation::AssistedSignIn {
        household: code("H01"),
        session: session("assisted-1"),
    };
    let Ok(Outcome::SignedIn(session)) = kiosk.run(&staff(), operation) else {
        panic!("assisted sign-in")
    };
    let first = kiosk.redeem(&session.id, &[("salt-500g", 1)], request("tap-1"));
    let again = kiosk.redeem(&session.id, &[("salt-500g", 1)], request("tap-1"));
    let (Ok(Outcome::Receipt(first)), Ok(Outcome::Receipt(again))) = (first, again) else {
        panic!("both answer a receipt");
    };
    assert_eq!(first.assisted_by, Some(staff_id));
    assert_eq!(
        again,
        Receipt {
            repeated: true,
            ..first
        }
    );
}

/// A stock adjustment's delta is checked with `delta.abs()`, which overflows
/// for `i64::MIN`: a panic with overflow checks on (tests), and in release a
/// wrapped value that passes the check and is refused as OUT_OF_STOCK with
/// a `needed` figure of `i64::MIN`.
#[test]

fn a_stock_adjustment_of_the_smallest_i64_is_a_bad_quantity() {
    let mut kiosk = Kiosk::new();
    kiosk.add_item("salt-500g", "食盐", "2.50");
    let request = kiosk.next_request();
    let result = kiosk.run(
        &staff(),
        Operation::AdjustStock {
            sku: sku("salt-500g"),
            delta: i64::MIN,
            reason: text("盘点"),
            request,
        },
    );
    assert_eq!(result.map_err(|e| e.code()).err(), Some("BAD_QUANTITY"));
}
