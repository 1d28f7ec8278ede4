//! A kiosk over an in-memory store that runs the same prepare → persist →
//! commit protocol as the browser shell, with faults on demand: the N-th
//! write fails, or the kiosk "crashes" after a write (reopened from what the
//! store holds).
#![allow(dead_code)]

use aixin_kiosk::entry::HouseholdKind;
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::{HouseholdCode, KioskId, Period, RequestId, Sku, StaffId, Text};
use aixin_kiosk::journal::{self, OpenError};
use aixin_kiosk::ledger::{
    Auth, BasketLine, Ledger, LedgerConfig, Operation, Outcome, Plan, SessionId,
};
use aixin_kiosk::points::Points;
use aixin_kiosk::shell;
use std::collections::{BTreeMap, HashMap};

/// The wasm tests' helpers over the JS API.
#[cfg(target_arch = "wasm32")]
pub mod web;

/// What a store holds: journal records by seq, credentials by key.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    pub journal: BTreeMap<u64, Vec<u8>>,
    pub credentials: HashMap<String, Vec<u8>>,
    /// Writes made so far.
    pub writes: usize,
    /// The write with this number (1-based) fails and stores nothing.
    pub fail_write: Option<usize>,
}

impl MemoryStore {
    /// One all-or-nothing write, like an IndexedDB transaction. Adding a seq
    /// that exists fails the whole write.
    pub fn write(
        &mut self,
        journal: Vec<(u64, Vec<u8>)>,
        credentials: Vec<(String, Vec<u8>)>,
    ) -> Result<(), Error> {
        self.writes += 1;
        if self.fail_write == Some(self.writes) {
            return Err(Error::StorageFull);
        }
        if journal
            .iter()
            .any(|(seq, _)| self.journal.contains_key(seq))
        {
            return Err(Error::StorageFailed {
                detail: "ConstraintError".into(),
            });
        }
        self.journal.extend(journal);
        self.credentials.extend(credentials);
        Ok(())
    }

    /// Stores a plan's records in one write; a plan with none is skipped
    /// (no write is counted).
    pub fn persist(&mut self, plan: &Plan) -> Result<(), Error> {
        if plan.is_empty() {
            return Ok(());
        }
        self.write(plan.journal_records(), plan.credential_records())
    }

    pub fn records(&self) -> Vec<(u64, Vec<u8>)> {
        self.journal
            .iter()
            .map(|(seq, bytes)| (*seq, bytes.clone()))
            .collect()
    }

    pub fn credential_records(&self) -> Vec<(String, Vec<u8>)> {
        self.credentials
            .iter()
            .map(|(key, bytes)| (key.clone(), bytes.clone()))
            .collect()
    }
}

pub const KIOSK: &str = "test-01";
pub const T0: i64 = 1_790_000_000_000; // 2026-09

pub fn config() -> LedgerConfig {
    LedgerConfig {
        pin_iterations: 2,
        session_idle_ms: 180_000,
    }
}

pub fn staff() -> Auth {
    Auth::Staff(StaffId::new("admin").unwrap())
}

pub fn code(text: &str) -> HouseholdCode {
    HouseholdCode::new(text).unwrap()
}

pub fn sku(text: &str) -> Sku {
    Sku::new(text).unwrap()
}

pub fn text(value: &str) -> Text {
    Text::new(value, 200).unwrap()
}

pub fn points(value: &str) -> Points {
    Points::parse_signed(value).unwrap()
}

pub fn request(value: &str) -> RequestId {
    RequestId::new(value).unwrap()
}

pub fn session(value: &str) -> SessionId {
    SessionId::new(value).unwrap()
}

pub fn basket(lines: &[(&str, i64)]) -> Vec<BasketLine> {
    lines
        .iter()
        .map(|(sku, quantity)| BasketLine {
            sku: sku.to_string(),
            quantity: *quantity,
        })
        .collect()
}

/// A credit of `amount` points to `household` for `period`, from the
/// village's evaluation, as the clerk's credit screen makes it.
pub fn credit(household: &str, amount: &str, period: &str) -> Operation {
    Operation::Credit {
        household: code(household),
        amount: points(amount),
        period: Period::new(period).unwrap(),
        source: text("evaluation"),
        reason: None,
    }
}

/// `operation` confirmed by the second staff member `staff` with `pin`.
pub fn co_signed(operation: Operation, staff: &str, pin: &str) -> Operation {
    Operation::CoSigned {
        operation: Box::new(operation),
        co_sign: aixin_kiosk::ledger::cosign::CoSign {
            staff: StaffId::new(staff).unwrap(),
            pin: pin.to_string(),
        },
    }
}

/// A kiosk: a ledger and its store.
pub struct Kiosk {
    pub store: MemoryStore,
    pub ledger: Ledger,
    pub now: i64,
    next_request: u64,
}

impl Kiosk {
    /// A new kiosk set up with the admin `admin` (PIN 0000) and the
    /// recovery code 123456789012.
    pub fn new() -> Kiosk {
        let mut kiosk = Kiosk::empty();
        kiosk
            .run(
                &Auth::System,
                Operation::Setup {
                    kiosk_id: KioskId::new(KIOSK).unwrap(),
                    village: text("张家村"),
                    shop: text("张家村爱心超市"),
                    time_zone: text("Asia/Shanghai"),
                    utc_offset_minutes: 480,
                    admin: StaffId::new("admin").unwrap(),
                    admin_name: text("村管理员"),
                    admin_pin: aixin_kiosk::credential::Pin::new("0000").unwrap(),
                    pin_salt: [1; 16],
                    recovery_code: aixin_kiosk::credential::Pin::recovery_code("1234-5678-9012")
                        .unwrap(),
                    recovery_salt: [2; 16],
                },
            )
            .unwrap();
        kiosk
    }

    /// A kiosk with nothing stored yet.
    pub fn empty() -> Kiosk {
        Kiosk {
            store: MemoryStore::default(),
            ledger: Ledger::new(config()),
            now: T0,
            next_request: 0,
        }
    }

    /// A kiosk with only its genesis entry (the demo loads only into one).
    pub fn bare() -> Kiosk {
        let mut kiosk = Kiosk::empty();
        kiosk
            .run(
                &Auth::System,
                Operation::Genesis {
                    kiosk_id: KioskId::new(KIOSK).unwrap(),
                    village: text("张家村"),
                    shop: text("张家村爱心超市"),
                    time_zone: text("Asia/Shanghai"),
                    utc_offset_minutes: 480,
                },
            )
            .unwrap();
        kiosk
    }

    /// A kiosk with two households (A001 with 20 points and PIN 1234, B002
    /// with 5 points and PIN 5678) and three goods (salt 2.50 ×10, oil 69 ×2,
    /// soap 3 ×0).
    pub fn with_village() -> Kiosk {
        let mut kiosk = Kiosk::new();
        kiosk.register("A001", "王建国");
        kiosk.register("B002", "李桂芳");
        kiosk.set_pin("A001", "1234");
        kiosk.set_pin("B002", "5678");
        kiosk.credit("A001", "20", "2026-08").unwrap();
        kiosk.credit("B002", "5", "2026-08").unwrap();
        kiosk.add_item("salt-500g", "食盐 500g", "2.50");
        kiosk.add_item("oil-5l", "食用油 5L", "69");
        kiosk.add_item("soap", "肥皂", "3");
        kiosk.restock(&[("salt-500g", 10), ("oil-5l", 2)]);
        kiosk
    }

    /// A kiosk with `households` (code and PIN), each credited 300 points,
    /// and `items` (SKU and price), each restocked with `stock` units.
    pub fn with(households: &[(&str, &str)], items: &[(&str, &str)], stock: i64) -> Kiosk {
        let mut kiosk = Kiosk::new();
        for (household, pin) in households {
            kiosk.register(household, &format!("住户{household}"));
            kiosk.set_pin(household, pin);
            kiosk.credit(household, "300", "2026-01").unwrap();
        }
        for (item, price) in items {
            kiosk.add_item(item, item, price);
        }
        let lines: Vec<(&str, i64)> = items.iter().map(|(item, _)| (*item, stock)).collect();
        kiosk.restock(&lines);
        kiosk
    }

    /// Lets `days` pass on the kiosk's clock. More than a day since the
    /// last entry is a jump the ledger adopts only once an admin confirms
    /// the time (`aixin_kiosk::clock`), as staff do on the staff home after
    /// the shop was closed: the admin confirms it here (one entry).
    pub fn pass_days(&mut self, days: i64) {
        self.set_clock(self.now + days * 24 * 60 * 60 * 1000);
    }

    /// Sets the kiosk's clock to `now_ms`; a jump of more than a day since
    /// the last entry is confirmed by the admin, as in [`Kiosk::pass_days`].
    pub fn set_clock(&mut self, now_ms: i64) {
        self.now = now_ms;
        // `run` moves the clock on by a second before the operation.
        let next_ms = self.now + 1000;
        if self.ledger.state().clock.ledger_time_at(next_ms).is_none() {
            let request = self.next_request();
            self.run(&staff(), Operation::ConfirmClock { request })
                .unwrap();
        }
    }

    pub fn next_request(&mut self) -> RequestId {
        self.next_request += 1;
        request(&format!("req-{:08}", self.next_request))
    }

    /// Runs one operation through prepare → persist → commit.
    pub fn run(&mut self, auth: &Auth, operation: Operation) -> Result<Outcome, Error> {
        self.now += 1000;
        let store = &mut self.store;
        shell::submit(&mut self.ledger, auth, operation, self.now, |_, plan| {
            store.persist(plan)
        })
    }

    /// Reopens the ledger from what the store holds.
    pub fn reopen(&mut self) -> Result<(), OpenError> {
        self.ledger = journal::open(
            self.store.records(),
            self.store.credential_records(),
            &KioskId::new(KIOSK).unwrap(),
            config(),
        )?;
        Ok(())
    }

    pub fn register(&mut self, household: &str, name: &str) {
        let request = self.next_request();
        self.run(
            &staff(),
            Operation::RegisterHousehold {
                household: code(household),
                name: text(name),
                group: text("第一组"),
                kind: HouseholdKind::Family,
                request,
            },
        )
        .unwrap();
    }

    pub fn set_pin(&mut self, household: &str, pin: &str) {
        let request = self.next_request();
        let pin = aixin_kiosk::credential::Pin::new(pin).unwrap();
        self.run(
            &staff(),
            Operation::SetPin {
                household: code(household),
                pin,
                salt: [9; 16],
                request,
            },
        )
        .unwrap();
    }

    /// Credits `amount`; a credit the two-person rule holds back (more than
    /// 50 points for the household that day) is confirmed by the second
    /// staff member ([`Kiosk::co_sign`]), as the staff screens would.
    pub fn credit(
        &mut self,
        household: &str,
        amount: &str,
        period: &str,
    ) -> Result<Outcome, Error> {
        self.run_co_signed_if_needed(&staff(), credit(household, amount, period))
    }

    /// Runs `operation`; refused with `SECOND_STAFF_REQUIRED`, runs it again
    /// confirmed by the second staff member.
    pub fn run_co_signed_if_needed(
        &mut self,
        auth: &Auth,
        operation: Operation,
    ) -> Result<Outcome, Error> {
        match self.run(auth, operation.clone()) {
            Err(Error::SecondStaffRequired { .. }) => {
                let co_sign = self.co_sign();
                self.run(
                    auth,
                    Operation::CoSigned {
                        operation: Box::new(operation),
                        co_sign,
                    },
                )
            }
            other => other,
        }
    }

    /// The second staff member's confirmation: `second` (a clerk, PIN
    /// 2222), added the first time it is asked for.
    pub fn co_sign(&mut self) -> aixin_kiosk::ledger::cosign::CoSign {
        let second = StaffId::new("second").unwrap();
        if !self.ledger.state().staff.contains_key(&second) {
            let request = self.next_request();
            self.run(
                &staff(),
                Operation::AddStaff {
                    staff: second.clone(),
                    name: text("复核员"),
                    role: aixin_kiosk::entry::Role::Clerk,
                    pin: aixin_kiosk::credential::Pin::new("2222").unwrap(),
                    salt: [4; 16],
                    request,
                },
            )
            .unwrap();
        }
        aixin_kiosk::ledger::cosign::CoSign {
            staff: second,
            pin: "2222".to_string(),
        }
    }

    pub fn add_item(&mut self, item: &str, name: &str, price: &str) {
        let request = self.next_request();
        let details = aixin_kiosk::entry::ItemDetails {
            name_zh: text(name),
            name_en: None,
            unit: text("袋"),
            category: text("调味"),
            barcode: None,
            image: None,
            low_stock: None,
        };
        self.run(
            &staff(),
            Operation::AddItem {
                sku: sku(item),
                details,
                price: points(price),
                request,
            },
        )
        .unwrap();
    }

    pub fn restock(&mut self, lines: &[(&str, i64)]) {
        let request = self.next_request();
        self.run(
            &staff(),
            Operation::Restock {
                donor: text("县供销社"),
                source_type: aixin_kiosk::entry::SourceType::Organisation,
                lines: basket(lines),
                declared_value: None,
                request,
            },
        )
        .unwrap();
    }

    /// Signs a household in with a fresh session id.
    pub fn sign_in(&mut self, household: &str, pin: &str) -> Result<SessionId, Error> {
        let id = session(&format!("session-{}-{}", household, self.now));
        match self.run(
            &Auth::System,
            Operation::SignIn {
                household: code(household),
                pin: pin.to_string(),
                session: id,
            },
        )? {
            Outcome::SignedIn(session) => Ok(session.id),
            other => panic!("sign-in answered {other:?}"),
        }
    }

    pub fn redeem(
        &mut self,
        session: &SessionId,
        lines: &[(&str, i64)],
        request: RequestId,
    ) -> Result<Outcome, Error> {
        self.run(
            &Auth::System,
            Operation::Redeem {
                session: session.clone(),
                lines: basket(lines),
                request,
            },
        )
    }

    pub fn balance(&self, household: &str) -> Points {
        self.ledger
            .state()
            .household(&code(household))
            .unwrap()
            .balance
    }

    pub fn stock(&self, item: &str) -> i64 {
        self.ledger.state().item(&sku(item)).unwrap().stock
    }

    /// Adds staff member `id` (named by its id) with `role` and `pin`, as
    /// the admin.
    pub fn add_staff(&mut self, id: &str, role: aixin_kiosk::entry::Role, pin: &str) {
        let request = self.next_request();
        self.run(
            &staff(),
            Operation::AddStaff {
                staff: StaffId::new(id).unwrap(),
                name: text(id),
                role,
                pin: aixin_kiosk::credential::Pin::new(pin).unwrap(),
                salt: [5; 16],
                request,
            },
        )
        .unwrap();
    }

    /// Redeems `lines` for a signed-in household with a fresh request id;
    /// anything but a receipt fails the test.
    pub fn receipt(
        &mut self,
        session: &SessionId,
        lines: &[(&str, i64)],
    ) -> aixin_kiosk::ledger::Receipt {
        let request = self.next_request();
        match self.redeem(session, lines, request) {
            Ok(Outcome::Receipt(receipt)) => receipt,
            other => panic!("a redemption answered {other:?}"),
        }
    }

    /// A void of the redemption at `redemption_seq` ("taken by mistake"),
    /// with a fresh request id, not yet run.
    pub fn void(&mut self, redemption_seq: u64) -> Operation {
        let request = self.next_request();
        Operation::Void {
            redemption_seq,
            reason: text("拿错了"),
            request,
        }
    }

    /// The journal the store holds, each record read back (its entry's
    /// bytes and hash), by seq.
    pub fn stored_records(&self) -> Vec<(u64, journal::StoredRecord)> {
        self.store
            .journal
            .iter()
            .map(|(seq, bytes)| (*seq, journal::StoredRecord::from_bytes(bytes).unwrap()))
            .collect()
    }

    /// Every entry of the journal the store holds, decoded.
    pub fn entries(&self) -> Vec<aixin_kiosk::entry::Entry> {
        self.store
            .records()
            .iter()
            .map(|(_, bytes)| {
                let record = journal::StoredRecord::from_bytes(bytes).unwrap();
                aixin_kiosk::entry::Entry::decode(&record.bytes).unwrap()
            })
            .collect()
    }

    /// The last entry the store holds.
    pub fn last_entry(&self) -> aixin_kiosk::entry::Entry {
        let records = self.store.records();
        let (_, bytes) = records.last().unwrap();
        let record = journal::StoredRecord::from_bytes(bytes).unwrap();
        aixin_kiosk::entry::Entry::decode(&record.bytes).unwrap()
    }
}

/// Fails the simulation (`$sim.fail`, which names the seed to replay) unless
/// `$condition` holds.
#[allow(unused_macros)]
macro_rules! check {
    ($sim:expr, $condition:expr, $($message:tt)+) => {
        if !$condition {
            $sim.fail(format!($($message)+));
        }
    };
}

/// SplitMix64: small, fast, and the same on every machine.
#[derive(Clone, Debug)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    pub fn index(&mut self, length: usize) -> usize {
        self.below(length as u64) as usize
    }

    pub fn percent(&mut self, chance: u64) -> bool {
        self.below(100) < chance
    }

    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as u64) as i64
    }
}

/// The points rules, score sheets and the blacklist, for the tests of
/// `tests/rules.rs` and the journal's round trip.
impl Kiosk {
    pub fn points_op(
        &mut self,
        operation: aixin_kiosk::scoresheet::PointsOperation,
    ) -> Result<Outcome, Error> {
        let request = self.next_request();
        self.run(&staff(), Operation::Points { operation, request })
    }

    /// Switches the rules to score sheets on the kiosk (points source `kiosk`).
    pub fn use_score_sheets(&mut self) {
        let rules = aixin_kiosk::rulebook::Rules {
            source: aixin_kiosk::rulebook::PointsSource::Kiosk,
            ..self.ledger.state().rules.clone()
        };
        self.points_op(aixin_kiosk::scoresheet::PointsOperation::ChangeRules { rules })
            .unwrap();
    }

    /// Posts a score sheet of totals: `rows` as (code, score), imported by
    /// `admin` and approved by a second admin, `leader`.
    pub fn post_scores(&mut self, period: &str, rows: &[(&str, &str)]) -> Result<Outcome, Error> {
        self.submit_scores(period, rows)?;
        let leader = self.leader();
        self.approve_scores(period, &leader)
    }

    /// Imports a score sheet of totals as `admin`, waiting for review.
    pub fn submit_scores(&mut self, period: &str, rows: &[(&str, &str)]) -> Result<Outcome, Error> {
        let mut text = String::from("户号,总分\n");
        for (household, score) in rows {
            text.push_str(&format!("{household},{score}\n"));
        }
        let period = Period::new(period).unwrap();
        let sheet = aixin_kiosk::scoresheet::parse(self.ledger.state(), &period, &text)
            .map_err(|errors| errors.errors[0].to_error())?;
        self.points_op(aixin_kiosk::scoresheet::PointsOperation::PostScores { sheet })
    }

    /// Approves a period's sheet as `by`.
    pub fn approve_scores(&mut self, period: &str, by: &Auth) -> Result<Outcome, Error> {
        let period = Period::new(period).unwrap();
        let operation = aixin_kiosk::scoresheet::PointsOperation::Approve { period };
        let request = self.next_request();
        self.run(by, Operation::Points { operation, request })
    }

    /// The second admin of the leading group, `leader` (PIN 1111), added the
    /// first time it is asked for.
    pub fn leader(&mut self) -> Auth {
        let leader = StaffId::new("leader").unwrap();
        if !self.ledger.state().staff.contains_key(&leader) {
            let request = self.next_request();
            self.run(
                &staff(),
                Operation::AddStaff {
                    staff: leader.clone(),
                    name: text("领导组"),
                    role: aixin_kiosk::entry::Role::Admin,
                    pin: aixin_kiosk::credential::Pin::new("1111").unwrap(),
                    salt: [3; 16],
                    request,
                },
            )
            .unwrap();
        }
        Auth::Staff(leader)
    }

    /// Applies a period's scores `days` days after now.
    pub fn apply_scores_after(&mut self, period: &str, days: i64) -> Result<Outcome, Error> {
        self.pass_days(days);
        let period = Period::new(period).unwrap();
        self.points_op(aixin_kiosk::scoresheet::PointsOperation::ApplyScores { period })
    }
}
