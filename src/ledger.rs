//! The ledger: the folded state plus the protocol that changes it. The core
//! computes, the shell persists, the core commits.
//!
//! [`Ledger::prepare`] validates an operation against the current state and
//! returns a [`Plan`]: the exact records to store (journal entries with their
//! chained hashes, credential updates) and what the operation will answer.
//! The shell stores the plan's records, and only when the store said yes
//! calls [`Ledger::commit`], which applies them. If storing failed the shell
//! calls [`Ledger::abort`] and nothing changed. One plan at a time: a second
//! `prepare` while one is pending is refused with `BUSY`, never queued behind
//! a stale state.

use crate::credential::{household_key, Credential, Pin, PinHash};
use crate::entry::{
    chain_hash, Actor, Body, Entry, EntryId, Hash, HouseholdKind, ItemDetails, RedeemedLine,
    SourceType, StockLine, ENTRY_BYTES_MAX, FORMAT_VERSION,
};
use crate::error::Error;
use crate::ids::{HouseholdCode, KioskId, Period, RequestId, Sku, StaffId, Text};
use crate::journal::StoredRecord;
use crate::points::{Points, POINTS_MAGNITUDE_MAX};
use crate::state::{receipt_number, short_hash, HouseholdStatus, State};
use std::collections::HashMap;

pub mod cosign;
pub mod members;
mod staff;
use staff::PinCheck;
pub use staff::{StaffSession, STAFF_MAX};

/// Households a kiosk may hold.
pub const HOUSEHOLDS_MAX: usize = 5_000;
/// Catalogue items a kiosk may hold.
pub const ITEMS_MAX: usize = 2_000;
/// Lines in one basket.
pub const BASKET_LINES_MAX: usize = 50;
/// Units of one item in one basket line.
pub const QUANTITY_MAX: i64 = 99;
/// Lines in one restock.
pub const RESTOCK_LINES_MAX: usize = 200;
/// Units of one item in one restock line or adjustment.
pub const STOCK_MOVE_MAX: i64 = 10_000;
/// Stock of one item.
pub const STOCK_MAX: i64 = 100_000;
/// Entries in the live journal.
pub const ENTRIES_MAX: u64 = 2_000_000;
/// Sessions open at once.
pub const SESSIONS_MAX: usize = 32;
/// Names (households, items, donors), in characters.
pub const NAME_LENGTH_MAX: usize = 40;
/// Reasons and notes, in characters.
pub const REASON_LENGTH_MAX: usize = 200;

/// The ledger's tunables, chosen by the shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LedgerConfig {
    /// PBKDF2 iterations for new PIN hashes.
    pub pin_iterations: u32,
    /// A session untouched for this long is over.
    pub session_idle_ms: i64,
}

impl Default for LedgerConfig {
    fn default() -> LedgerConfig {
        LedgerConfig {
            pin_iterations: 100_000,
            session_idle_ms: 3 * 60 * 1000,
        }
    }
}

/// A session's id: made by the shell from random bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SessionId(String);

impl SessionId {
    pub fn new(text: &str) -> Result<SessionId, Error> {
        let valid = (8..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(Error::SessionExpired);
        }
        Ok(SessionId(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who a session is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub household: HouseholdCode,
    /// The staff member who signed the household in, for assisted redemptions.
    pub assisted_by: Option<StaffId>,
    /// The member whose card signed the household in: the collector (领取人)
    /// of its redemptions.
    pub collector: Option<Text>,
    pub last_activity_ms: i64,
}

/// On whose authority an operation runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// The kiosk itself (genesis, the demo village). Never reachable from
    /// the page's input.
    System,
    /// A staff member already known to be signed in (the core's own
    /// callers and tests). The JS API never builds this from input.
    Staff(StaffId),
    /// A staff session issued by [`Operation::StaffSignIn`]: the core finds
    /// the staff member and checks the session is live.
    StaffSession(SessionId),
}

/// One line of a basket as the page sends it; checked by the operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasketLine {
    pub sku: String,
    pub quantity: i64,
}

/// What may be asked of the ledger.
#[derive(Clone, Debug)]
pub enum Operation {
    /// Creates the journal: only on an empty ledger.
    Genesis {
        kiosk_id: KioskId,
        village: Text,
        shop: Text,
        time_zone: Text,
        utc_offset_minutes: i32,
    },
    SignIn {
        household: HouseholdCode,
        pin: String,
        session: SessionId,
    },
    Redeem {
        session: SessionId,
        lines: Vec<BasketLine>,
        request: RequestId,
    },
    RegisterHousehold {
        household: HouseholdCode,
        name: Text,
        group: Text,
        kind: HouseholdKind,
        request: RequestId,
    },
    UpdateHousehold {
        household: HouseholdCode,
        name: Text,
        group: Text,
        kind: HouseholdKind,
        request: RequestId,
    },
    SetHouseholdStatus {
        household: HouseholdCode,
        status: HouseholdStatus,
        reason: Text,
        request: RequestId,
    },
    SetPin {
        household: HouseholdCode,
        pin: Pin,
        salt: [u8; 16],
        request: RequestId,
    },
    Unlock {
        household: HouseholdCode,
        request: RequestId,
    },
    Credit {
        household: HouseholdCode,
        amount: Points,
        period: Period,
        source: Text,
        reason: Option<Text>,
    },
    /// A credit decided at the county and fetched from the platform with the
    /// kiosk's token: the same entry as [`Operation::Credit`], keyed the
    /// same way, but appended by the kiosk itself (actor `System`), since no
    /// staff member here decided it. Only the shell's platform code builds it.
    PlatformCredit {
        household: HouseholdCode,
        amount: Points,
        period: Period,
        source: Text,
        reason: Option<Text>,
    },
    Correct {
        household: HouseholdCode,
        amount: Points,
        refers_to_seq: Option<u64>,
        reason: Text,
        request: RequestId,
    },
    AddItem {
        sku: Sku,
        details: ItemDetails,
        price: Points,
        request: RequestId,
    },
    UpdateItem {
        sku: Sku,
        details: ItemDetails,
        request: RequestId,
    },
    Reprice {
        sku: Sku,
        price: Points,
        request: RequestId,
    },
    SetItemActive {
        sku: Sku,
        active: bool,
        request: RequestId,
    },
    Restock {
        donor: Text,
        source_type: SourceType,
        lines: Vec<BasketLine>,
        declared_value: Option<Points>,
        request: RequestId,
    },
    AdjustStock {
        sku: Sku,
        delta: i64,
        reason: Text,
        request: RequestId,
    },
    Void {
        redemption_seq: u64,
        reason: Text,
        request: RequestId,
    },
    MarkUploaded {
        last_seq: u64,
        request: RequestId,
    },
    ChangeSetting {
        setting: crate::settings::Setting,
        request: RequestId,
    },
    /// Records the kiosk's enrollment with the county platform (the shell
    /// stores the token beside it, in the same write).
    EnrollPlatform {
        county_id: crate::ids::CountyId,
        platform: crate::upload::PlatformOrigin,
        request: RequestId,
    },
    /// Records an archive before its entries leave the live journal: the
    /// state at `through_seq` (replayed by the shell) becomes the base, and
    /// this entry vouches for it.
    Archive {
        through_seq: u64,
        head: crate::entry::Hash,
        state_hash: String,
        request: RequestId,
    },
    /// Closes the books of `year`, which must be over in village time.
    CloseYear {
        year: i32,
        request: RequestId,
    },
    /// Confirms that the kiosk's clock is right after it jumped more than a
    /// day since the last entry ([`crate::clock`]).
    ConfirmClock {
        request: RequestId,
    },
    /// The demo village, only into a kiosk that holds nothing but genesis.
    LoadDemo,
    /// First-run setup of an empty kiosk: genesis, the first admin with a
    /// PIN, and a one-time recovery code (both made by the shell).
    Setup {
        kiosk_id: KioskId,
        village: Text,
        shop: Text,
        time_zone: Text,
        utc_offset_minutes: i32,
        admin: StaffId,
        admin_name: Text,
        admin_pin: Pin,
        pin_salt: [u8; 16],
        recovery_code: Pin,
        recovery_salt: [u8; 16],
    },
    StaffSignIn {
        staff: StaffId,
        pin: String,
        session: SessionId,
    },
    /// A shopkeeper signs a household in, for a villager who cannot use a
    /// PIN; its redemptions record both.
    AssistedSignIn {
        household: HouseholdCode,
        session: SessionId,
    },
    AddStaff {
        staff: StaffId,
        name: Text,
        role: crate::entry::Role,
        pin: Pin,
        salt: [u8; 16],
        request: RequestId,
    },
    UpdateStaff {
        staff: StaffId,
        name: Text,
        role: crate::entry::Role,
        active: bool,
        request: RequestId,
    },
    SetStaffPin {
        staff: StaffId,
        pin: Pin,
        salt: [u8; 16],
        request: RequestId,
    },
    /// A forgotten admin PIN: the printed recovery code sets a new one, once.
    Recover {
        code: String,
        staff: StaffId,
        pin: Pin,
        salt: [u8; 16],
    },
    /// A stock count: each item's counted quantity; every difference becomes
    /// a stock adjustment, all stored together.
    StockCount {
        counts: Vec<(Sku, i64)>,
        reason: Text,
        request: RequestId,
    },
    /// A new recovery code replaces the old one.
    NewRecoveryCode {
        code: Pin,
        salt: [u8; 16],
        request: RequestId,
    },
    /// Clerk: a checked import file (households and/or credits, see
    /// [`crate::import`]) applied as one plan. Idempotent by content: rows
    /// the journal already holds append nothing, so it needs no request id.
    Import {
        file: crate::import::ImportFile,
        /// Needed when a credit key is already credited with another amount:
        /// each such conflict becomes a correction with this reason.
        corrections_reason: Option<Text>,
        /// 16 random bytes from the shell: each initial PIN's salt is
        /// derived from them and the household code ([`crate::import::pin_salt`]).
        pin_seed: [u8; 16],
    },
    /// The points rules, score sheets and the blacklist
    /// ([`crate::scoresheet`]).
    Points {
        operation: crate::scoresheet::PointsOperation,
        request: RequestId,
    },
    /// Households' members, and splits and merges ([`crate::ledger::members`]).
    Members {
        operation: crate::ledger::members::MemberOperation,
        request: RequestId,
    },
    /// A staff operation confirmed by a second staff member's PIN (the
    /// two-person rule, [`crate::ledger::cosign`]): its entries name them.
    CoSigned {
        operation: Box<Operation>,
        co_sign: cosign::CoSign,
    },
}

/// One line of a receipt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptLine {
    pub sku: Sku,
    pub name_zh: String,
    pub name_en: String,
    pub quantity: u32,
    pub unit_price: Points,
    pub line_total: Points,
}

/// What a redemption answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub receipt_number: String,
    pub seq: u64,
    pub time_ms: i64,
    pub household: HouseholdCode,
    pub household_name: String,
    pub lines: Vec<ReceiptLine>,
    pub total: Points,
    pub balance_after: Points,
    pub short_hash: String,
    /// True when this answers a repeated request id.
    pub repeated: bool,
    pub assisted_by: Option<StaffId>,
    /// The member who collected the goods (领取人), if one signed in.
    pub collector: Option<String>,
    /// The staff member who set the household's PIN within 24 hours
    /// before: the receipt says so ([`crate::state::PIN_RESET_MARK_MS`]).
    pub pin_reset_by: Option<StaffId>,
}

/// What a quote answers: the basket priced against the balance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    pub lines: Vec<ReceiptLine>,
    pub total: Points,
    pub balance: Points,
    pub balance_after: Points,
}

/// What a committed operation answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Entries appended (their seqs), or none for a harmless repeat.
    Done {
        seqs: Vec<u64>,
        repeated: bool,
    },
    SignedIn(Session),
    StaffSignedIn(StaffSession),
    Receipt(Receipt),
}

/// What [`Ledger::prepare`] computed: the records to store and the answer.
#[derive(Debug)]
pub struct Plan {
    token: u64,
    entries: Vec<(Entry, StoredRecord)>,
    credentials: Vec<(String, Credential)>,
    answer: Answer,
}

#[derive(Debug)]
enum Answer {
    Outcome(Outcome),
    /// A refusal that still persists something (a wrong PIN's counter).
    Refusal(Error),
    SignIn(Session),
    StaffSignIn(StaffSession),
    Receipt {
        request: RequestId,
    },
}

impl Plan {
    /// The journal records to store, as `(seq, stored bytes)`.
    pub fn journal_records(&self) -> Vec<(u64, Vec<u8>)> {
        self.entries
            .iter()
            .map(|(entry, record)| (entry.seq, record.to_bytes()))
            .collect()
    }

    /// The credential records to store, as `(key, bytes)`.
    pub fn credential_records(&self) -> Vec<(String, Vec<u8>)> {
        self.credentials
            .iter()
            .map(|(key, credential)| (key.clone(), credential.encode()))
            .collect()
    }

    /// Whether there is nothing to store (a repeat).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.credentials.is_empty()
    }

    /// The entries this plan appends.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().map(|(entry, _)| entry)
    }
}

/// The ledger: state, credentials, sessions and the pending plan.
#[derive(Debug)]
pub struct Ledger {
    state: State,
    credentials: HashMap<String, Credential>,
    sessions: HashMap<SessionId, Session>,
    staff_sessions: HashMap<SessionId, StaffSession>,
    pending: Option<u64>,
    next_token: u64,
    /// The highest time the kiosk has seen: lockouts are measured on it, so
    /// moving the clock back does not shorten them.
    time_high_ms: i64,
    config: LedgerConfig,
    /// Why the ledger refuses to change, if it does (a corrupt journal).
    read_only: Option<Error>,
}

struct Draft {
    actor: Actor,
    id: EntryId,
    body: Body,
}

/// What one operation comes to before its entries are sealed.
enum Planned {
    /// Entries to append once the two-person rule is satisfied, the
    /// credential records stored beside them, and the answer.
    Append {
        drafts: Vec<Draft>,
        credentials: Vec<(String, Credential)>,
        answer: Answer,
    },
    /// Settled as it stands: a repeat, a sign-in, a sealed redemption, a
    /// wrong PIN's counter.
    Settled {
        entries: Vec<(Entry, StoredRecord)>,
        credentials: Vec<(String, Credential)>,
        answer: Answer,
    },
}

impl Planned {
    /// One entry, no credentials, answered with its seq.
    fn one(actor: Actor, id: EntryId, body: Body) -> Planned {
        Planned::entries(vec![Draft { actor, id, body }])
    }

    /// Entries and no credentials, answered with their seqs.
    fn entries(drafts: Vec<Draft>) -> Planned {
        Planned::with_credentials(drafts, Vec::new())
    }

    /// Entries and the credential records stored with them, answered with
    /// the entries' seqs.
    fn with_credentials(drafts: Vec<Draft>, credentials: Vec<(String, Credential)>) -> Planned {
        Planned::Append {
            drafts,
            credentials,
            answer: Answer::Outcome(done()),
        }
    }

    /// Nothing to store, and this answer.
    fn answer(answer: Answer) -> Planned {
        Planned::settled(Vec::new(), answer)
    }

    /// Credential records only (a sign-in, a wrong PIN), and this answer.
    fn settled(credentials: Vec<(String, Credential)>, answer: Answer) -> Planned {
        Planned::Settled {
            entries: Vec::new(),
            credentials,
            answer,
        }
    }

    /// Nothing to store: the journal already holds it, at `seqs`.
    fn repeated(seqs: Vec<u64>) -> Planned {
        Planned::answer(Answer::Outcome(Outcome::Done {
            seqs,
            repeated: true,
        }))
    }
}

fn text(field: &str, value: &str, length_max: usize) -> Result<Text, Error> {
    Text::new(value, length_max).map_err(|problem| Error::invalid(field, &problem))
}

fn entry_id(request: &RequestId) -> EntryId {
    EntryId::of_request(request)
}

impl Ledger {
    /// An empty ledger: no journal yet.
    pub fn new(config: LedgerConfig) -> Ledger {
        Ledger::from_parts(State::new(), HashMap::new(), config, None)
    }

    pub(crate) fn from_parts(
        state: State,
        credentials: HashMap<String, Credential>,
        config: LedgerConfig,
        read_only: Option<Error>,
    ) -> Ledger {
        let time_high_ms = credentials
            .values()
            .map(|c| c.last_attempt_ms)
            .fold(state.time_max_ms, i64::max);
        Ledger {
            state,
            credentials,
            sessions: HashMap::new(),
            staff_sessions: HashMap::new(),
            pending: None,
            next_token: 1,
            time_high_ms,
            config,
            read_only,
        }
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn config(&self) -> LedgerConfig {
        self.config
    }

    /// Why the ledger refuses changes, if it does.
    pub fn read_only(&self) -> Option<&Error> {
        self.read_only.as_ref()
    }

    /// Refuses every change from now on, for `reason` (another tab holds the
    /// kiosk, the kiosk was closed). A reason already set stays.
    pub fn set_read_only(&mut self, reason: Error) {
        if self.read_only.is_none() {
            self.read_only = Some(reason);
        }
    }

    /// Whether a plan is waiting for its store.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    pub fn session(&self, id: &SessionId) -> Option<&Session> {
        self.sessions.get(id)
    }

    /// The lockout's end for a household at `now_ms`, if locked.
    pub fn locked_until(&self, household: &HouseholdCode, now_ms: i64) -> Option<i64> {
        let now = now_ms.max(self.time_high_ms);
        self.credentials
            .get(&household_key(household.as_str()))?
            .locked_at(now)
    }

    /// Ends a household's lockout because the page has measured it out on
    /// its own clock (5 minutes of page time since the lockout or the last
    /// reload): a wall clock moved forward and back would otherwise keep a
    /// household locked until the wall clock caught up. Memory only; the
    /// stored record is replaced at the next attempt.
    pub fn end_lockout(&mut self, household: &HouseholdCode) {
        if let Some(credential) = self.credentials.get_mut(&household_key(household.as_str())) {
            credential.locked_until_ms = 0;
        }
    }

    /// Ends a session. Memory only: sessions are not stored.
    pub fn sign_out(&mut self, id: &SessionId) {
        self.sessions.remove(id);
    }

    /// Validates `operation` at `now_ms` and returns what to store.
    pub fn prepare(
        &mut self,
        auth: &Auth,
        operation: Operation,
        now_ms: i64,
    ) -> Result<Plan, Error> {
        if self.pending.is_some() {
            return Err(Error::Busy);
        }
        if let Some(reason) = &self.read_only {
            return Err(reason.clone());
        }
        let now = now_ms.max(self.time_high_ms);
        let token = self.next_token;
        let plan = self.plan(auth, operation, now_ms, now, token)?;
        self.next_token += 1;
        self.pending = Some(token);
        Ok(plan)
    }

    /// Applies a stored plan and gives its answer.
    pub fn commit(&mut self, plan: Plan) -> Result<Outcome, Error> {
        if self.pending != Some(plan.token) {
            return Err(Error::Internal {
                detail: "commit of a plan that is not pending".into(),
            });
        }
        self.pending = None;
        for (entry, record) in &plan.entries {
            if let Err(error) = self.state.apply(entry, record.hash) {
                // The store holds an entry the state refuses: stop changing.
                let error = Error::Internal { detail: error.0 };
                self.read_only = Some(error.clone());
                return Err(error);
            }
            self.time_high_ms = self.time_high_ms.max(entry.time_ms);
        }
        for (key, credential) in plan.credentials {
            self.time_high_ms = self.time_high_ms.max(credential.last_attempt_ms);
            self.credentials.insert(key, credential);
        }
        match plan.answer {
            Answer::Outcome(outcome) => Ok(outcome),
            Answer::Refusal(error) => Err(error),
            Answer::SignIn(session) => {
                self.sessions
                    .retain(|_, s| s.household != session.household);
                self.sessions.insert(session.id.clone(), session.clone());
                Ok(Outcome::SignedIn(session))
            }
            Answer::StaffSignIn(session) => Ok(self.open_staff_session(session)),
            Answer::Receipt { request } => {
                let seq = self
                    .state
                    .entry_ids
                    .get(&entry_id(&request))
                    .copied()
                    .unwrap_or(0);
                let repeated = plan.entries.is_empty();
                self.receipt(seq, repeated).map(Outcome::Receipt)
            }
        }
    }

    /// Drops a plan whose store failed: nothing changes.
    pub fn abort(&mut self, plan: Plan) {
        if self.pending == Some(plan.token) {
            self.pending = None;
        }
    }

    /// Prices a basket for a household without changing anything.
    pub fn quote(&self, household: &HouseholdCode, lines: &[BasketLine]) -> Result<Quote, Error> {
        let record = self.redeemable_household(household)?;
        let (lines, total) = self.price_basket(lines)?;
        let balance = record.balance;
        let balance_after = balance.checked_sub(total).unwrap_or(Points::ZERO);
        Ok(Quote {
            lines,
            total,
            balance,
            balance_after,
        })
    }

    /// The receipt of the redemption at `seq`.
    pub fn receipt(&self, seq: u64, repeated: bool) -> Result<Receipt, Error> {
        let Some(redemption) = self.state.redemptions.get(&seq) else {
            return Err(Error::UnknownReceipt {
                receipt: receipt_number(&self.state, seq),
            });
        };
        let household_name = self
            .state
            .household(&redemption.household)
            .map(|h| h.name.to_string())
            .unwrap_or_default();
        let lines = redemption
            .lines
            .iter()
            .map(|line| self.receipt_line(&line.sku, line.quantity, line.unit_price))
            .collect();
        Ok(Receipt {
            receipt_number: receipt_number(&self.state, seq),
            seq,
            time_ms: redemption.time_ms,
            household: redemption.household.clone(),
            household_name,
            lines,
            total: redemption.total,
            balance_after: redemption.balance_after,
            short_hash: short_hash(&redemption.hash),
            repeated,
            assisted_by: redemption.assisted_by.clone(),
            collector: redemption.collector.as_ref().map(Text::to_string),
            pin_reset_by: redemption.pin_reset_by.clone(),
        })
    }

    fn receipt_line(&self, sku: &Sku, quantity: u32, unit_price: Points) -> ReceiptLine {
        let (name_zh, name_en) = match self.state.item(sku) {
            Some(item) => (
                item.details.name_zh.to_string(),
                item.details
                    .name_en
                    .as_ref()
                    .map(Text::to_string)
                    .unwrap_or_default(),
            ),
            None => (sku.to_string(), sku.to_string()),
        };
        let line_total = unit_price
            .checked_mul(i64::from(quantity))
            .unwrap_or(Points::ZERO);
        ReceiptLine {
            sku: sku.clone(),
            name_zh,
            name_en,
            quantity,
            unit_price,
            line_total,
        }
    }

    fn plan(
        &mut self,
        auth: &Auth,
        operation: Operation,
        now_ms: i64,
        now: i64,
        token: u64,
    ) -> Result<Plan, Error> {
        let (operation, co_sign) = match operation {
            Operation::CoSigned { operation, co_sign } => (*operation, Some(co_sign)),
            operation => (operation, None),
        };
        let guard = cosign::guard(&operation);
        let system_only = matches!(
            operation,
            Operation::Genesis { .. }
                | Operation::Setup { .. }
                | Operation::LoadDemo
                | Operation::Recover { .. }
                | Operation::PlatformCredit { .. }
        );
        if system_only && *auth != Auth::System {
            return Err(Error::StaffAuthRequired);
        }
        let creates = matches!(
            operation,
            Operation::Genesis { .. } | Operation::Setup { .. }
        );
        if !creates && self.state.kiosk.is_none() {
            return Err(Error::ReadOnly {
                reason: "no_journal",
            });
        }
        let auth = self.resolve_auth(auth, now)?;
        self.check_role(&auth, &operation)?;
        if staff::required_role(&operation).is_some() && auth == Auth::System && self.is_set_up() {
            // Once a kiosk has staff, staff work needs a staff member.
            return Err(Error::StaffAuthRequired);
        }
        let actor = match &auth {
            Auth::Staff(staff) => Actor::Staff {
                staff: staff.clone(),
            },
            _ => Actor::System,
        };
        let acting = actor.clone();
        let request = operation_request(&operation).cloned();
        if let Some(request) = &request {
            if let Some(&seq) = self.state.entry_ids.get(&entry_id(request)) {
                return self.repeat(token, &operation, request, seq);
            }
        }
        let planned = match operation {
            Operation::Genesis {
                kiosk_id,
                village,
                shop,
                time_zone,
                utc_offset_minutes,
            } => {
                if self.state.kiosk.is_some() {
                    return Err(Error::NotEmpty);
                }
                let id = EntryId::derived(&format!("genesis:{kiosk_id}"));
                let body = Body::Genesis {
                    kiosk_id,
                    village,
                    shop,
                    time_zone,
                    utc_offset_minutes,
                };
                Planned::one(actor, id, body)
            }
            Operation::SignIn {
                household,
                pin,
                session,
            } => {
                // A member's card signs in to its household, naming the member.
                let (household, collector) = match self.state.members.card(&household) {
                    Some((owner, member)) => (owner.clone(), Some(member.clone())),
                    None => (household, None),
                };
                self.plan_sign_in(household, collector, &pin, session, now)?
            }
            Operation::Redeem {
                session,
                lines,
                request,
            } => self.plan_redeem(session, &lines, request, now_ms, now)?,
            Operation::RegisterHousehold {
                household,
                name,
                group,
                kind,
                request,
            } => {
                if crate::ledger::members::card_in_use(&self.state, &household) {
                    return Err(Error::AlreadyExists {
                        what: "household",
                        key: household.to_string(),
                    });
                }
                self.check_limit("households", self.state.households.len(), HOUSEHOLDS_MAX)?;
                let body = Body::HouseholdRegistered {
                    household,
                    name,
                    group,
                    household_kind: kind,
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::UpdateHousehold {
                household,
                name,
                group,
                kind,
                request,
            } => {
                self.known_household(&household)?;
                let body = Body::HouseholdUpdated {
                    household,
                    name,
                    group,
                    household_kind: kind,
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::SetHouseholdStatus {
                household,
                status,
                reason,
                request,
            } => {
                self.known_household(&household)?;
                let body = match status {
                    HouseholdStatus::Active => Body::HouseholdReinstated { household, reason },
                    HouseholdStatus::Suspended => Body::HouseholdSuspended { household, reason },
                    HouseholdStatus::MovedAway => Body::HouseholdMovedAway { household, reason },
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::SetPin {
                household,
                pin,
                salt,
                request,
            } => {
                self.known_household(&household)?;
                let key = household_key(household.as_str());
                let credential = Credential {
                    pin_hash: Some(PinHash::new(&pin, &salt, self.config.pin_iterations)),
                    failures: 0,
                    locked_until_ms: 0,
                    last_attempt_ms: self.credentials.get(&key).map_or(0, |c| c.last_attempt_ms),
                };
                let body = Body::PinSet { household };
                Planned::with_credentials(
                    vec![Draft {
                        actor,
                        id: entry_id(&request),
                        body,
                    }],
                    vec![(key, credential)],
                )
            }
            Operation::Unlock { household, request } => {
                self.known_household(&household)?;
                let key = household_key(household.as_str());
                let credential = self.credentials.get(&key).cloned().unwrap_or_default();
                let credential = Credential {
                    failures: 0,
                    locked_until_ms: 0,
                    ..credential
                };
                let body = Body::HouseholdUnlocked { household };
                Planned::with_credentials(
                    vec![Draft {
                        actor,
                        id: entry_id(&request),
                        body,
                    }],
                    vec![(key, credential)],
                )
            }
            Operation::Credit {
                household,
                amount,
                period,
                source,
                reason,
            }
            | Operation::PlatformCredit {
                household,
                amount,
                period,
                source,
                reason,
            } => {
                self.known_household(&household)?;
                if amount.is_negative() {
                    return Err(Error::invalid_with(
                        "amount",
                        "积分不能是负数",
                        "a credit may not be negative",
                    ));
                }
                let key = (household.clone(), period.clone(), source.clone());
                if let Some(&(seq, _)) = self.state.credits.get(&key) {
                    Planned::repeated(vec![seq])
                } else {
                    let id = EntryId::derived(&format!("credit:{household}:{period}:{source}"));
                    let body = Body::Credited {
                        household,
                        amount,
                        period,
                        source,
                        reason,
                        rules_version: self.state.rules.version,
                    };
                    Planned::one(actor, id, body)
                }
            }
            Operation::Correct {
                household,
                amount,
                refers_to_seq,
                reason,
                request,
            } => {
                self.known_household(&household)?;
                if amount == Points::ZERO {
                    return Err(Error::invalid_with(
                        "amount",
                        "调整数额不能是 0",
                        "a correction may not be zero",
                    ));
                }
                if let Some(seq) = refers_to_seq {
                    let refers_to_credit = self
                        .state
                        .credits
                        .values()
                        .any(|(credit_seq, _)| *credit_seq == seq);
                    if !refers_to_credit {
                        return Err(Error::invalid_with(
                            "refersTo",
                            "找不到要调整的那笔积分",
                            "no credit with that seq",
                        ));
                    }
                }
                let body = Body::Corrected {
                    household,
                    amount,
                    refers_to_seq,
                    reason,
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::AddItem {
                sku,
                details,
                price,
                request,
            } => {
                if self.state.items.contains_key(&sku) {
                    return Err(Error::AlreadyExists {
                        what: "item",
                        key: sku.to_string(),
                    });
                }
                self.check_limit("items", self.state.items.len(), ITEMS_MAX)?;
                self.check_barcode(&sku, &details)?;
                self.check_price(price)?;
                let body = Body::ItemAdded {
                    sku,
                    details,
                    price,
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::UpdateItem {
                sku,
                details,
                request,
            } => {
                self.known_item(&sku)?;
                self.check_barcode(&sku, &details)?;
                let body = Body::ItemUpdated { sku, details };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::Reprice {
                sku,
                price,
                request,
            } => {
                self.known_item(&sku)?;
                self.check_price(price)?;
                let body = Body::ItemRepriced { sku, price };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::SetItemActive {
                sku,
                active,
                request,
            } => {
                self.known_item(&sku)?;
                let body = if active {
                    Body::ItemReactivated { sku }
                } else {
                    Body::ItemDeactivated { sku }
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::Restock {
                donor,
                source_type,
                lines,
                declared_value,
                request,
            } => {
                let lines = self.stock_lines(&lines)?;
                let body = Body::Restocked {
                    donor,
                    source_type,
                    lines,
                    declared_value,
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::AdjustStock {
                sku,
                delta,
                reason,
                request,
            } => {
                let item = self.known_item(&sku)?;
                if !(1..=STOCK_MOVE_MAX as u64).contains(&delta.unsigned_abs()) {
                    return Err(Error::BadQuantity {
                        sku: sku.to_string(),
                        quantity: delta,
                    });
                }
                if item.stock + delta < 0 {
                    return Err(Error::OutOfStock {
                        sku: sku.to_string(),
                        needed: delta.saturating_neg(),
                        available: item.stock,
                    });
                }
                if item.stock + delta > STOCK_MAX {
                    return Err(Error::LimitReached {
                        what: "stock",
                        limit: STOCK_MAX,
                    });
                }
                let body = Body::StockAdjusted { sku, delta, reason };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::StockCount {
                counts,
                reason,
                request,
            } => {
                if counts.is_empty() || counts.len() > ITEMS_MAX {
                    return Err(Error::TooManyLines {
                        lines_max: ITEMS_MAX,
                    });
                }
                let mut drafts = Vec::new();
                for (index, (sku, counted)) in counts.into_iter().enumerate() {
                    let item = self.known_item(&sku)?;
                    if !(0..=STOCK_MAX).contains(&counted) {
                        return Err(Error::BadQuantity {
                            sku: sku.to_string(),
                            quantity: counted,
                        });
                    }
                    if drafts.iter().any(|d: &Draft| matches!(&d.body, Body::StockAdjusted { sku: s, .. } if *s == sku)) {
                        return Err(Error::BadQuantity { sku: sku.to_string(), quantity: counted });
                    }
                    let delta = counted - item.stock;
                    if delta != 0 {
                        let id = EntryId::derived(&format!("{}/{index}", request.as_str()));
                        let body = Body::StockAdjusted {
                            sku,
                            delta,
                            reason: reason.clone(),
                        };
                        drafts.push(Draft {
                            actor: actor.clone(),
                            id,
                            body,
                        });
                    }
                }
                // The first entry carries the request id, so a repeat is seen.
                match drafts.first_mut() {
                    Some(first) => {
                        first.id = entry_id(&request);
                        Planned::entries(drafts)
                    }
                    None => Planned::answer(Answer::Outcome(done())),
                }
            }
            Operation::Void {
                redemption_seq,
                reason,
                request,
            } => {
                let receipt = receipt_number(&self.state, redemption_seq);
                match self.state.redemptions.get(&redemption_seq) {
                    None => return Err(Error::UnknownReceipt { receipt }),
                    Some(redemption) if redemption.voided => {
                        return Err(Error::AlreadyVoided { receipt })
                    }
                    Some(redemption) => {
                        let year = self.state.local_year(redemption.time_ms);
                        if self.state.closed_years.contains(&year) {
                            return Err(Error::YearClosed { year });
                        }
                        for line in &redemption.lines {
                            let stock = self.state.item(&line.sku).map_or(0, |item| item.stock);
                            if stock + i64::from(line.quantity) > STOCK_MAX {
                                return Err(Error::LimitReached {
                                    what: "stock",
                                    limit: STOCK_MAX,
                                });
                            }
                        }
                    }
                }
                let body = Body::RedemptionVoided {
                    redemption_seq,
                    reason,
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::ChangeSetting { setting, request } => {
                setting.check_change()?;
                let body = Body::SettingChanged { setting };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::EnrollPlatform {
                county_id,
                platform,
                request,
            } => {
                let body = Body::PlatformEnrolled {
                    county_id,
                    platform,
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::Archive {
                through_seq,
                head,
                state_hash,
                request,
            } => {
                if through_seq == 0 || through_seq > self.state.seq {
                    return Err(Error::invalid_with(
                        "throughSeq",
                        "归档范围不对",
                        "the archived range is not in the journal",
                    ));
                }
                let body = Body::Archived {
                    through_seq,
                    head: hex::encode(head),
                    state_hash,
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::CloseYear { year, request } => {
                if self.state.closed_years.contains(&year) {
                    return Err(Error::YearClosed { year });
                }
                // The year is over by the ledger's time: a clock moved to
                // 1 January closes nothing until it is confirmed.
                let ledger_now = self
                    .state
                    .clock
                    .ledger_time_at(now_ms)
                    .ok_or(Error::ClockUnconfirmed)?;
                if year >= self.state.local_year(ledger_now) {
                    return Err(Error::invalid_with(
                        "year",
                        "这一年还没有结束,不能结账",
                        "the year is not over yet in village time",
                    ));
                }
                let cleared = match self.state.settings.year_end {
                    crate::settings::YearEnd::Carry => None,
                    _ => Some(self.state.year_close_clearing(year)),
                };
                let body = Body::YearClosed { year, cleared };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::ConfirmClock { request } => {
                // Only a jump waits for a confirmation: one with nothing to
                // confirm would be noise in the journal.
                if self.state.clock.ledger_time_at(now_ms).is_some() {
                    return Err(Error::invalid_with(
                        "clock",
                        "终端时钟没有跳变,不需要确认",
                        "the clock has not jumped since the last entry: nothing to confirm",
                    ));
                }
                let body = Body::ClockConfirmed {
                    ledger_ms_before: self.state.clock.ledger_ms,
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::MarkUploaded { last_seq, request } => {
                let first_seq = self.state.uploaded_through_seq + 1;
                if last_seq < first_seq || last_seq > self.state.seq {
                    return Err(Error::invalid_with(
                        "lastSeq",
                        "上传范围不对",
                        "the uploaded range does not follow the last upload",
                    ));
                }
                let last_hash = self.hash_at(last_seq)?;
                let body = Body::BatchUploaded {
                    first_seq,
                    last_seq,
                    last_hash,
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::LoadDemo => {
                if self.state.seq != 1 {
                    return Err(Error::NotEmpty);
                }
                let (drafts, credentials) = crate::demo::drafts(&self.state)?;
                let drafts = drafts
                    .into_iter()
                    .map(|(actor, id, body)| Draft { actor, id, body })
                    .collect();
                Planned::with_credentials(drafts, credentials)
            }
            Operation::Setup {
                kiosk_id,
                village,
                shop,
                time_zone,
                utc_offset_minutes,
                admin,
                admin_name,
                admin_pin,
                pin_salt,
                recovery_code,
                recovery_salt,
            } => {
                if self.state.kiosk.is_some() {
                    return Err(Error::NotEmpty);
                }
                let genesis_id = EntryId::derived(&format!("genesis:{kiosk_id}"));
                let genesis = Body::Genesis {
                    kiosk_id,
                    village,
                    shop,
                    time_zone,
                    utc_offset_minutes,
                };
                let mut drafts = vec![Draft {
                    actor: Actor::System,
                    id: genesis_id,
                    body: genesis,
                }];
                let (staff_drafts, mut credentials) = self.plan_add_staff(
                    Actor::System,
                    EntryId::derived("setup:admin"),
                    admin,
                    admin_name,
                    crate::entry::Role::Admin,
                    &admin_pin,
                    &pin_salt,
                )?;
                drafts.extend(staff_drafts);
                let (draft, credential) = self.plan_recovery_code(
                    Actor::System,
                    EntryId::derived("setup:recovery"),
                    &recovery_code,
                    &recovery_salt,
                );
                drafts.push(draft);
                credentials.push(credential);
                Planned::with_credentials(drafts, credentials)
            }
            Operation::StaffSignIn {
                staff,
                pin,
                session,
            } => self.plan_staff_sign_in(staff, &pin, session, now)?,
            Operation::AssistedSignIn { household, session } => {
                let Actor::Staff { staff } = actor else {
                    return Err(Error::StaffAuthRequired);
                };
                self.redeemable_household(&household)?;
                self.check_sessions(now)?;
                let session = Session {
                    id: session,
                    household,
                    assisted_by: Some(staff),
                    collector: None,
                    last_activity_ms: now,
                };
                Planned::answer(Answer::SignIn(session))
            }
            Operation::AddStaff {
                staff,
                name,
                role,
                pin,
                salt,
                request,
            } => {
                let (drafts, credentials) =
                    self.plan_add_staff(actor, entry_id(&request), staff, name, role, &pin, &salt)?;
                Planned::with_credentials(drafts, credentials)
            }
            Operation::UpdateStaff {
                staff,
                name,
                role,
                active,
                request,
            } => {
                if !self.state.staff.contains_key(&staff) {
                    return Err(Error::StaffAuthRequired);
                }
                self.check_admins_remain(&staff, role, active)?;
                let body = Body::StaffUpdated {
                    staff,
                    name,
                    role,
                    active,
                };
                Planned::one(actor, entry_id(&request), body)
            }
            Operation::SetStaffPin {
                staff,
                pin,
                salt,
                request,
            } => {
                if !self.state.staff.contains_key(&staff) {
                    return Err(Error::StaffAuthRequired);
                }
                let key = crate::credential::staff_key(staff.as_str());
                let credential = Credential {
                    pin_hash: Some(PinHash::new(&pin, &salt, self.config.pin_iterations)),
                    last_attempt_ms: self.credentials.get(&key).map_or(0, |c| c.last_attempt_ms),
                    ..Credential::default()
                };
                let body = Body::StaffPinSet { staff };
                Planned::with_credentials(
                    vec![Draft {
                        actor,
                        id: entry_id(&request),
                        body,
                    }],
                    vec![(key, credential)],
                )
            }
            Operation::Recover {
                code,
                staff,
                pin,
                salt,
            } => self.plan_recover(&code, staff, pin, salt, now)?,
            Operation::NewRecoveryCode {
                code,
                salt,
                request,
            } => {
                let (draft, credential) =
                    self.plan_recovery_code(actor, entry_id(&request), &code, &salt);
                Planned::with_credentials(vec![draft], vec![credential])
            }
            Operation::Import {
                file,
                corrections_reason,
                pin_seed,
            } => {
                let planned = crate::import::plan(&self.state, &file, corrections_reason.as_ref())?;
                if planned.entries.is_empty() {
                    Planned::repeated(Vec::new())
                } else {
                    let credentials = planned
                        .pins
                        .iter()
                        .map(|(household, pin)| {
                            let key = household_key(household.as_str());
                            let salt = crate::import::pin_salt(&pin_seed, household);
                            let credential = Credential {
                                pin_hash: Some(PinHash::new(pin, &salt, self.config.pin_iterations)),
                                failures: 0,
                                locked_until_ms: 0,
                                last_attempt_ms: self
                                    .credentials
                                    .get(&key)
                                    .map_or(0, |c| c.last_attempt_ms),
                            };
                            (key, credential)
                        })
                        .collect();
                    let drafts = drafts_of(&actor, planned.entries);
                    Planned::with_credentials(drafts, credentials)
                }
            }
            Operation::Points { operation, request } => {
                // The wall time: the posting check reads it through the
                // ledger's clock, which sees a clock moved back.
                let planned = crate::scoresheet::plan(&self.state, operation, now_ms, &actor)?;
                let mut drafts = drafts_of(&actor, planned);
                // The first entry carries the request id, so a repeat is seen.
                if let Some(first) = drafts.first_mut() {
                    first.id = entry_id(&request);
                }
                Planned::entries(drafts)
            }
            Operation::Members { operation, request } => {
                if matches!(
                    operation,
                    crate::ledger::members::MemberOperation::Split { .. }
                ) {
                    self.check_limit("households", self.state.households.len(), HOUSEHOLDS_MAX)?;
                }
                let planned = crate::ledger::members::plan(&self.state, operation, &request)?;
                Planned::entries(drafts_of(&actor, planned))
            }
            // Taken apart above: one confirmation per operation.
            Operation::CoSigned { .. } => {
                return Err(Error::invalid_with(
                    "coSign",
                    "只能有一位确认人",
                    "an operation takes one confirmation",
                ))
            }
        };
        let (drafts, credentials, answer) = match planned {
            Planned::Append {
                drafts,
                credentials,
                answer,
            } => (drafts, credentials, answer),
            Planned::Settled {
                entries,
                credentials,
                answer,
            } => {
                return Ok(Plan {
                    token,
                    entries,
                    credentials,
                    answer,
                })
            }
        };
        let (co_signed_by, credentials) = match self.check_co_sign(
            &acting,
            guard,
            &drafts,
            co_sign.as_ref(),
            now_ms,
            now,
        )? {
            cosign::CoSignCheck::Go {
                co_signed_by,
                credentials: co_signer,
            } => (co_signed_by, {
                let mut all = credentials;
                all.extend(co_signer);
                all
            }),
            cosign::CoSignCheck::Wrong(credential, error) => {
                return Ok(Plan {
                    token,
                    entries: Vec::new(),
                    credentials: vec![credential],
                    answer: Answer::Refusal(error),
                })
            }
        };
        let entries = self.seal_co_signed(drafts, now_ms, co_signed_by.as_ref())?;
        Ok(self.plan_from(token, entries, credentials, answer))
    }

    fn plan_from(
        &self,
        token: u64,
        entries: Vec<(Entry, StoredRecord)>,
        credentials: Vec<(String, Credential)>,
        answer: Answer,
    ) -> Plan {
        let answer = match answer {
            Answer::Outcome(Outcome::Done {
                repeated: false, ..
            }) => Answer::Outcome(Outcome::Done {
                seqs: entries.iter().map(|(e, _)| e.seq).collect(),
                repeated: false,
            }),
            other => other,
        };
        Plan {
            token,
            entries,
            credentials,
            answer,
        }
    }

    /// Every seq a stored request appended: a stock count's first entry
    /// carries the request id, its others ids derived from it and their line.
    fn repeated_seqs(&self, operation: &Operation, request: &RequestId, seq: u64) -> Vec<u64> {
        let mut seqs = vec![seq];
        if let Operation::StockCount { counts, .. } = operation {
            seqs.extend((0..counts.len()).filter_map(|index| {
                let id = EntryId::derived(&format!("{}/{index}", request.as_str()));
                self.state.entry_ids.get(&id).copied()
            }));
            seqs.sort_unstable();
        }
        if let Operation::Members { .. } = operation {
            // A split or merge's later entries carry `request/1`, `request/2` ….
            seqs.extend((1..).map_while(|index| {
                let id = EntryId::derived(&format!("{}/{index}", request.as_str()));
                self.state.entry_ids.get(&id).copied()
            }));
        }
        seqs
    }

    /// The answer to a request id already in the journal.
    fn repeat(
        &self,
        token: u64,
        operation: &Operation,
        request: &RequestId,
        seq: u64,
    ) -> Result<Plan, Error> {
        // A request id names one attempt at one operation: reused for another
        // kind of operation it is a mistake of the caller, not a repeat.
        let is_redemption = self.state.redemptions.contains_key(&seq);
        let answer = match operation {
            Operation::Redeem { .. } if is_redemption => Answer::Receipt {
                request: request.clone(),
            },
            Operation::Redeem { .. } => return Err(reused_request(request)),
            _ if is_redemption => return Err(reused_request(request)),
            _ => Answer::Outcome(Outcome::Done {
                seqs: self.repeated_seqs(operation, request, seq),
                repeated: true,
            }),
        };
        Ok(Plan {
            token,
            entries: Vec::new(),
            credentials: Vec::new(),
            answer,
        })
    }

    /// Gives drafts their seq, time and chained hash.
    fn seal(&self, drafts: Vec<Draft>, now_ms: i64) -> Result<Vec<(Entry, StoredRecord)>, Error> {
        self.seal_co_signed(drafts, now_ms, None)
    }

    /// [`Ledger::seal`], each entry naming the second staff member who
    /// confirmed it, if one did.
    fn seal_co_signed(
        &self,
        drafts: Vec<Draft>,
        now_ms: i64,
        co_signed_by: Option<&StaffId>,
    ) -> Result<Vec<(Entry, StoredRecord)>, Error> {
        if self.state.seq + drafts.len() as u64 > ENTRIES_MAX {
            return Err(Error::LimitReached {
                what: "entries",
                limit: ENTRIES_MAX as i64,
            });
        }
        let mut previous = self.state.head;
        let mut sealed = Vec::with_capacity(drafts.len());
        for (offset, draft) in drafts.into_iter().enumerate() {
            let entry = Entry {
                format_version: FORMAT_VERSION,
                seq: self.state.seq + 1 + offset as u64,
                time_ms: now_ms,
                id: draft.id,
                actor: draft.actor,
                body: draft.body,
                co_signed_by: co_signed_by.cloned(),
            };
            let bytes = entry.encode();
            if bytes.is_empty() || bytes.len() > ENTRY_BYTES_MAX {
                return Err(Error::LimitReached {
                    what: "entry bytes",
                    limit: ENTRY_BYTES_MAX as i64,
                });
            }
            let hash = chain_hash(&previous, &bytes);
            previous = hash;
            sealed.push((entry, StoredRecord { bytes, hash }));
        }
        Ok(sealed)
    }

    fn hash_at(&self, seq: u64) -> Result<String, Error> {
        if seq == self.state.seq {
            return Ok(hex::encode(self.state.head));
        }
        // Only the head's hash is in memory; older hashes come from the
        // shell's export of that range, which checks them.
        Err(Error::invalid_with(
            "lastSeq",
            "只能标记到最新一条为止",
            "only the latest entry's range can be marked",
        ))
    }

    fn plan_sign_in(
        &mut self,
        household: HouseholdCode,
        collector: Option<Text>,
        pin: &str,
        session: SessionId,
        now: i64,
    ) -> Result<Planned, Error> {
        self.redeemable_household(&household)?;
        let key = household_key(household.as_str());
        let missing = Error::NoPin {
            household: household.to_string(),
        };
        match self.check_pin(key, Pin::new(pin).as_ref(), now, missing)? {
            PinCheck::Wrong(credential, error) => Ok(PinCheck::refused(credential, error)),
            PinCheck::Right(credentials) => {
                self.check_sessions(now)?;
                let session = Session {
                    id: session,
                    household,
                    assisted_by: None,
                    collector,
                    last_activity_ms: now,
                };
                Ok(Planned::settled(credentials, Answer::SignIn(session)))
            }
        }
    }

    /// Whether the kiosk has staff: from then on staff work needs one.
    fn is_set_up(&self) -> bool {
        !self.state.staff.is_empty()
    }

    fn check_sessions(&mut self, now: i64) -> Result<(), Error> {
        let idle_ms = self.config.session_idle_ms;
        self.sessions
            .retain(|_, s| now - s.last_activity_ms <= idle_ms);
        if self.sessions.len() >= SESSIONS_MAX {
            let oldest = self
                .sessions
                .values()
                .min_by_key(|s| s.last_activity_ms)
                .map(|s| s.id.clone());
            if let Some(oldest) = oldest {
                self.sessions.remove(&oldest);
            }
        }
        Ok(())
    }

    /// The live session `id` at `now`, touched; expired ones are dropped.
    pub fn touch_session(&mut self, id: &SessionId, now_ms: i64) -> Result<&Session, Error> {
        let now = now_ms.max(self.time_high_ms);
        let idle_ms = self.config.session_idle_ms;
        match self.sessions.get(id) {
            Some(session) if now - session.last_activity_ms <= idle_ms => {}
            Some(_) => {
                self.sessions.remove(id);
                return Err(Error::SessionExpired);
            }
            None => return Err(Error::SessionExpired),
        }
        let session = self.sessions.get_mut(id).ok_or(Error::SessionExpired)?;
        session.last_activity_ms = now;
        Ok(session)
    }

    fn plan_redeem(
        &mut self,
        session: SessionId,
        lines: &[BasketLine],
        request: RequestId,
        now_ms: i64,
        now: i64,
    ) -> Result<Planned, Error> {
        let session = self.touch_session(&session, now)?.clone();
        let household = self.redeemable_household(&session.household)?;
        let balance = household.balance;
        let (priced, total) = self.price_basket(lines)?;
        if total > balance {
            return Err(Error::InsufficientPoints {
                needed: total,
                available: balance,
            });
        }
        let actor = match &session.assisted_by {
            Some(staff) => Actor::Assisted {
                household: session.household.clone(),
                staff: staff.clone(),
            },
            None => Actor::Household {
                household: session.household.clone(),
            },
        };
        let lines = priced
            .iter()
            .map(|line| RedeemedLine {
                sku: line.sku.clone(),
                quantity: line.quantity,
                unit_price: line.unit_price,
            })
            .collect();
        let body = Body::Redeemed {
            household: session.household.clone(),
            lines,
            total,
            collector: session.collector.clone(),
        };
        let entries = self.seal(
            vec![Draft {
                actor,
                id: entry_id(&request),
                body,
            }],
            now_ms,
        )?;
        Ok(Planned::Settled {
            entries,
            credentials: Vec::new(),
            answer: Answer::Receipt { request },
        })
    }

    /// Checks a basket line by line and prices it.
    fn price_basket(&self, lines: &[BasketLine]) -> Result<(Vec<ReceiptLine>, Points), Error> {
        if lines.is_empty() {
            return Err(Error::EmptyBasket);
        }
        if lines.len() > BASKET_LINES_MAX {
            return Err(Error::TooManyLines {
                lines_max: BASKET_LINES_MAX,
            });
        }
        let mut priced: Vec<ReceiptLine> = Vec::with_capacity(lines.len());
        let mut total = Points::ZERO;
        for line in lines {
            let sku = Sku::new(&line.sku).map_err(|_| Error::UnknownItem {
                sku: line.sku.clone(),
            })?;
            let item = self.state.item(&sku).ok_or_else(|| Error::UnknownItem {
                sku: sku.to_string(),
            })?;
            if !item.active {
                return Err(Error::InactiveItem {
                    sku: sku.to_string(),
                });
            }
            if !(1..=QUANTITY_MAX).contains(&line.quantity) || priced.iter().any(|p| p.sku == sku) {
                return Err(Error::BadQuantity {
                    sku: sku.to_string(),
                    quantity: line.quantity,
                });
            }
            if line.quantity > item.stock {
                return Err(Error::OutOfStock {
                    sku: sku.to_string(),
                    needed: line.quantity,
                    available: item.stock,
                });
            }
            let quantity = line.quantity as u32;
            // Every stored amount stays within the range the decoder accepts.
            let within = |amount: Points| amount.hundredths() <= POINTS_MAGNITUDE_MAX;
            let too_much = || Error::LimitReached {
                what: "points",
                limit: POINTS_MAGNITUDE_MAX / 100,
            };
            let line_total = item
                .price
                .checked_mul(line.quantity)
                .filter(|a| within(*a))
                .ok_or_else(too_much)?;
            total = total
                .checked_add(line_total)
                .filter(|a| within(*a))
                .ok_or_else(too_much)?;
            priced.push(self.receipt_line(&sku, quantity, item.price));
        }
        Ok((priced, total))
    }

    fn stock_lines(&self, lines: &[BasketLine]) -> Result<Vec<StockLine>, Error> {
        if lines.is_empty() {
            return Err(Error::EmptyBasket);
        }
        if lines.len() > RESTOCK_LINES_MAX {
            return Err(Error::TooManyLines {
                lines_max: RESTOCK_LINES_MAX,
            });
        }
        let mut checked: Vec<StockLine> = Vec::with_capacity(lines.len());
        for line in lines {
            let sku = Sku::new(&line.sku).map_err(|_| Error::UnknownItem {
                sku: line.sku.clone(),
            })?;
            let item = self.known_item(&sku)?;
            if !(1..=STOCK_MOVE_MAX).contains(&line.quantity)
                || checked.iter().any(|l| l.sku == sku)
            {
                return Err(Error::BadQuantity {
                    sku: sku.to_string(),
                    quantity: line.quantity,
                });
            }
            if item.stock + line.quantity > STOCK_MAX {
                return Err(Error::LimitReached {
                    what: "stock",
                    limit: STOCK_MAX,
                });
            }
            checked.push(StockLine {
                sku,
                quantity: line.quantity as u32,
            });
        }
        Ok(checked)
    }

    fn known_household(&self, code: &HouseholdCode) -> Result<&crate::state::Household, Error> {
        self.state
            .household(code)
            .ok_or_else(|| Error::UnknownHousehold {
                household: code.to_string(),
            })
    }

    /// A household that may redeem now: known, active, not negative.
    fn redeemable_household(
        &self,
        code: &HouseholdCode,
    ) -> Result<&crate::state::Household, Error> {
        let household = self.known_household(code)?;
        match household.status {
            HouseholdStatus::Active => {}
            HouseholdStatus::Suspended => {
                return Err(Error::Suspended {
                    household: code.to_string(),
                })
            }
            HouseholdStatus::MovedAway => {
                return Err(Error::MovedAway {
                    household: code.to_string(),
                })
            }
        }
        if household.balance.is_negative() {
            return Err(Error::NegativeBalance {
                balance: household.balance,
            });
        }
        if household.blacklisted && !self.state.settings.blacklist_redeem {
            return Err(Error::Blacklisted {
                household: code.to_string(),
            });
        }
        Ok(household)
    }

    fn known_item(&self, sku: &Sku) -> Result<&crate::state::Item, Error> {
        self.state.item(sku).ok_or_else(|| Error::UnknownItem {
            sku: sku.to_string(),
        })
    }

    fn check_limit(&self, what: &'static str, count: usize, limit: usize) -> Result<(), Error> {
        if count >= limit {
            return Err(Error::LimitReached {
                what,
                limit: limit as i64,
            });
        }
        Ok(())
    }

    fn check_price(&self, price: Points) -> Result<(), Error> {
        if price.is_negative() || price == Points::ZERO {
            return Err(Error::invalid_with(
                "price",
                "价格必须大于 0",
                "the price must be more than 0",
            ));
        }
        Ok(())
    }

    fn check_barcode(&self, sku: &Sku, details: &ItemDetails) -> Result<(), Error> {
        if let Some(barcode) = &details.barcode {
            if let Some(owner) = self.state.barcodes.get(barcode.as_str()) {
                if owner != sku {
                    return Err(Error::AlreadyExists {
                        what: "barcode",
                        key: barcode.as_str().to_string(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The credential store's view, for tests and the shell's reopen check.
    pub fn credential(&self, key: &str) -> Option<&Credential> {
        self.credentials.get(key)
    }

    /// The head hash of the journal.
    pub fn head(&self) -> Hash {
        self.state.head
    }
}

fn reused_request(request: &RequestId) -> Error {
    Error::AlreadyExists {
        what: "request",
        key: request.to_string(),
    }
}

/// Drafts of entries by one actor.
fn drafts_of(actor: &Actor, entries: Vec<(EntryId, Body)>) -> Vec<Draft> {
    entries
        .into_iter()
        .map(|(id, body)| Draft {
            actor: actor.clone(),
            id,
            body,
        })
        .collect()
}

fn done() -> Outcome {
    Outcome::Done {
        seqs: Vec::new(),
        repeated: false,
    }
}

fn operation_request(operation: &Operation) -> Option<&RequestId> {
    use Operation::*;
    match operation {
        Redeem { request, .. }
        | RegisterHousehold { request, .. }
        | UpdateHousehold { request, .. }
        | SetHouseholdStatus { request, .. }
        | SetPin { request, .. }
        | Unlock { request, .. }
        | Correct { request, .. }
        | AddItem { request, .. }
        | UpdateItem { request, .. }
        | Reprice { request, .. }
        | SetItemActive { request, .. }
        | Restock { request, .. }
        | AdjustStock { request, .. }
        | Void { request, .. }
        | MarkUploaded { request, .. }
        | ChangeSetting { request, .. }
        | EnrollPlatform { request, .. }
        | Archive { request, .. }
        | CloseYear { request, .. }
        | ConfirmClock { request }
        | AddStaff { request, .. }
        | UpdateStaff { request, .. }
        | SetStaffPin { request, .. }
        | NewRecoveryCode { request, .. }
        | StockCount { request, .. }
        | Points { request, .. }
        | Members { request, .. } => Some(request),
        CoSigned { operation, .. } => operation_request(operation),
        Genesis { .. }
        | SignIn { .. }
        | Credit { .. }
        | PlatformCredit { .. }
        | LoadDemo
        | Setup { .. }
        | StaffSignIn { .. }
        | AssistedSignIn { .. }
        | Recover { .. }
        | Import { .. } => None,
    }
}

/// Parses a text field into [`Text`], naming the field on refusal.
pub fn parse_text(field: &str, value: &str, length_max: usize) -> Result<Text, Error> {
    text(field, value, length_max)
}
