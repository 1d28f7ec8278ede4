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
//!
//! `Ledger::plan` checks the role and a repeated request id, then hands
//! the operation to its family's module, which owns its checks and refusals:
//! `redeem` (sign-ins, baskets, voids), `households`, `credits` (and
//! corrections), `stock` (items and stock), `staff` (setup, staff members,
//! recovery; and which role each operation needs), `members` (splits and
//! merges), `clerk` (imports, rules and score sheets) and `upkeep` (genesis,
//! the demo, settings, the platform, uploads, archives, the year's close,
//! the clock). What a family plans comes back as a `Planned`, sealed here
//! once the two-person rule (`cosign`) is satisfied.

use crate::credential::{household_key, Credential, Pin, PinHash};
use crate::entry::{
    chain_hash, Actor, Body, Entry, EntryId, Hash, HouseholdKind, ItemDetails, SourceType,
    ENTRY_BYTES_MAX, FORMAT_VERSION,
};
use crate::error::Error;
use crate::ids::{HouseholdCode, KioskId, Period, RequestId, Sku, StaffId, Text};
use crate::journal::StoredRecord;
use crate::points::Points;
use crate::state::{HouseholdStatus, State};
use std::collections::HashMap;

mod clerk;
pub mod cosign;
pub mod credits;
pub mod households;
pub mod members;
pub mod redeem;
pub mod staff;
pub mod stock;
pub mod upkeep;
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

/// One line of a basket as the page sends it (`{ sku, qty }`); checked by
/// the operation.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasketLine {
    pub sku: String,
    #[serde(rename = "qty")]
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

/// Who acts on an operation, and when.
struct Acting {
    actor: Actor,
    /// The wall time the entries carry.
    now_ms: i64,
    /// The time sessions and lockouts are measured on: never behind the
    /// highest time the kiosk has seen.
    now: i64,
}

impl Acting {
    /// One entry by whoever acts, answered with its seq.
    fn one(&self, id: EntryId, body: Body) -> Planned {
        Planned::one(self.actor.clone(), id, body)
    }

    /// One entry by whoever acts and the credential record stored with it.
    fn one_with_credential(
        &self,
        id: EntryId,
        body: Body,
        credential: (String, Credential),
    ) -> Planned {
        Planned::one_with_credential(self.actor.clone(), id, body, credential)
    }

    /// Drafts of entries by whoever acts.
    fn drafts(&self, entries: Vec<(EntryId, Body)>) -> Vec<Draft> {
        entries
            .into_iter()
            .map(|(id, body)| Draft {
                actor: self.actor.clone(),
                id,
                body,
            })
            .collect()
    }
}

/// An operation handed to a family that does not plan it: a slip in
/// [`Ledger::plan`]'s dispatch, refused rather than panicking.
fn misrouted(family: &str) -> Error {
    Error::Internal {
        detail: format!("not a {family} operation"),
    }
}

/// An operation only the full build plans (the staff's), asked of the
/// villager's build: refused, never planned in part.
#[cfg(not(feature = "staff"))]
fn staff_build_only() -> Error {
    Error::invalid_with(
        "operation",
        "村民界面不办理这项业务,请工作人员登录后办理",
        "the villagers' screens do not do this; a staff member signs in to do it",
    )
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

    /// One entry and the credential record stored with it (a PIN set or
    /// unlocked), answered with its seq.
    fn one_with_credential(
        actor: Actor,
        id: EntryId,
        body: Body,
        credential: (String, Credential),
    ) -> Planned {
        Planned::with_credentials(vec![Draft { actor, id, body }], vec![credential])
    }

    /// Nothing to store, answered as done (a stock count that finds every
    /// item as recorded).
    fn nothing() -> Planned {
        Planned::answer(Answer::Outcome(done()))
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

    /// Whether the credits, redemptions and history lines a checkpoint left
    /// for after open still wait (see [`crate::checkpoint::decode_for_open`]).
    pub fn rest_pending(&self) -> bool {
        self.state.rest_pending.is_some()
    }

    /// Decodes the rest of the checkpoint open started from; if it cannot
    /// be, the kiosk turns read-only with `STORAGE_CORRUPT` at the state's
    /// seq (what was read so far stays, for the staff to see).
    pub fn decode_rest(&mut self) {
        if let Err(detail) = crate::checkpoint::decode_rest(&mut self.state) {
            let seq = self.state.seq;
            self.set_read_only(Error::StorageCorrupt { seq, detail });
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

    fn plan(
        &mut self,
        auth: &Auth,
        operation: Operation,
        now_ms: i64,
        now: i64,
        token: u64,
    ) -> Result<Plan, Error> {
        // The villager's build refuses the staff's operations before
        // anything else, a repeated request id included (see `dispatch`).
        #[cfg(not(feature = "staff"))]
        if !matches!(
            operation,
            Operation::SignIn { .. } | Operation::Redeem { .. } | Operation::PlatformCredit { .. }
        ) {
            return Err(staff_build_only());
        }
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
        let acting = Acting { actor, now_ms, now };
        let request = operation_request(&operation).cloned();
        if let Some(request) = &request {
            if let Some(&seq) = self.state.entry_ids.get(&entry_id(request)) {
                return self.repeat(token, &operation, request, seq);
            }
        }
        let planned = self.dispatch(&acting, operation)?;
        self.finish(token, &acting, guard, co_sign.as_ref(), planned)
    }

    /// Hands an operation to its family's plan.
    #[cfg(feature = "staff")]
    fn dispatch(&mut self, acting: &Acting, operation: Operation) -> Result<Planned, Error> {
        Ok(match operation {
            Operation::SignIn { .. }
            | Operation::AssistedSignIn { .. }
            | Operation::Redeem { .. }
            | Operation::Void { .. } => self.plan_redeem(acting, operation)?,
            Operation::RegisterHousehold { .. }
            | Operation::UpdateHousehold { .. }
            | Operation::SetHouseholdStatus { .. }
            | Operation::SetPin { .. }
            | Operation::Unlock { .. } => self.plan_households(acting, operation)?,
            Operation::Credit { .. }
            | Operation::PlatformCredit { .. }
            | Operation::Correct { .. } => self.plan_credits(acting, operation)?,
            Operation::AddItem { .. }
            | Operation::UpdateItem { .. }
            | Operation::Reprice { .. }
            | Operation::SetItemActive { .. }
            | Operation::Restock { .. }
            | Operation::AdjustStock { .. }
            | Operation::StockCount { .. } => self.plan_stock(acting, operation)?,
            Operation::Setup { .. }
            | Operation::StaffSignIn { .. }
            | Operation::AddStaff { .. }
            | Operation::UpdateStaff { .. }
            | Operation::SetStaffPin { .. }
            | Operation::Recover { .. }
            | Operation::NewRecoveryCode { .. } => self.plan_staff(acting, operation)?,
            Operation::Import { .. } | Operation::Points { .. } => {
                self.plan_clerk(acting, operation)?
            }
            Operation::Genesis { .. }
            | Operation::LoadDemo
            | Operation::ChangeSetting { .. }
            | Operation::EnrollPlatform { .. }
            | Operation::Archive { .. }
            | Operation::CloseYear { .. }
            | Operation::ConfirmClock { .. }
            | Operation::MarkUploaded { .. } => self.plan_upkeep(acting, operation)?,
            Operation::Members { operation, request } => {
                self.plan_members(acting, operation, &request)?
            }
            // Taken apart in `plan`: one confirmation per operation.
            Operation::CoSigned { .. } => {
                return Err(Error::invalid_with(
                    "coSign",
                    "只能有一位确认人",
                    "an operation takes one confirmation",
                ))
            }
        })
    }

    /// The villager's build (without the `staff` feature) plans only what
    /// its screens ask for: a sign-in, a redemption and the platform's
    /// credits. A match keeps every arm it can reach, so the staff's
    /// operations are left out here rather than after it; their entries are
    /// still replayed like any other.
    #[cfg(not(feature = "staff"))]
    fn dispatch(&mut self, acting: &Acting, operation: Operation) -> Result<Planned, Error> {
        match operation {
            Operation::SignIn { .. } | Operation::Redeem { .. } => {
                self.plan_redeem(acting, operation)
            }
            Operation::PlatformCredit { .. } => self.plan_credits(acting, operation),
            _ => Err(staff_build_only()),
        }
    }

    /// Seals what an operation planned, once the two-person rule is
    /// satisfied; a settled plan goes as it stands.
    fn finish(
        &self,
        token: u64,
        acting: &Acting,
        guard: Option<cosign::Guard>,
        co_sign: Option<&cosign::CoSign>,
        planned: Planned,
    ) -> Result<Plan, Error> {
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
            &acting.actor,
            guard,
            &drafts,
            co_sign,
            acting.now_ms,
            acting.now,
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
        let entries = self.seal_co_signed(drafts, acting.now_ms, co_signed_by.as_ref())?;
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
    #[cfg_attr(not(feature = "staff"), allow(unused_mut, unused_variables))]
    fn repeated_seqs(&self, operation: &Operation, request: &RequestId, seq: u64) -> Vec<u64> {
        let mut seqs = vec![seq];
        #[cfg(feature = "staff")]
        if let Operation::StockCount { counts, .. } = operation {
            seqs.extend((0..counts.len()).filter_map(|index| {
                let id = EntryId::derived(&format!("{}/{index}", request.as_str()));
                self.state.entry_ids.get(&id).copied()
            }));
            seqs.sort_unstable();
        }
        #[cfg(feature = "staff")]
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

    /// Whether the kiosk has staff: from then on staff work needs one.
    fn is_set_up(&self) -> bool {
        !self.state.staff.is_empty()
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

    /// A new PIN's credential at `key`: no failures, no lockout, and the last
    /// attempt's time kept, so the kiosk's highest time seen stays put.
    fn fresh_pin(&self, key: &str, pin: &Pin, salt: &[u8; 16]) -> Credential {
        Credential {
            pin_hash: Some(PinHash::new(pin, salt, self.config.pin_iterations)),
            last_attempt_ms: self.credentials.get(key).map_or(0, |c| c.last_attempt_ms),
            ..Credential::default()
        }
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

/// Parses an amount of points, not negative, naming the field on refusal.
fn parse_amount(field: &str, value: &str) -> Result<Points, Error> {
    Points::parse_unsigned(value).map_err(|problem| Error::invalid_amount(field, problem))
}

/// Parses an item's code.
fn parse_sku(value: &str) -> Result<Sku, Error> {
    Sku::new(value).map_err(|problem| Error::invalid("sku", &problem))
}

/// Parses the page's request id of one attempt.
fn parse_request(value: &str) -> Result<RequestId, Error> {
    RequestId::new(value).map_err(|problem| Error::invalid("requestId", &problem))
}

/// Parses an amount of points that may be negative (a correction).
fn parse_signed_amount(field: &str, value: &str) -> Result<Points, Error> {
    Points::parse_signed(value).map_err(|problem| Error::invalid_amount(field, problem))
}

/// Parses the code of a household that should exist: a malformed one is
/// no household the kiosk knows.
pub fn parse_household(value: &str) -> Result<HouseholdCode, Error> {
    HouseholdCode::new(value).map_err(|_| Error::UnknownHousehold {
        household: value.to_string(),
    })
}

/// Parses a code for a new household: a malformed one is bad input, not
/// unknown.
fn parse_new_household(value: &str) -> Result<HouseholdCode, Error> {
    HouseholdCode::new(value).map_err(|problem| Error::invalid("household", &problem))
}

/// An optional text field: missing or blank is none.
fn optional_text(
    field: &str,
    value: Option<String>,
    length_max: usize,
) -> Result<Option<Text>, Error> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| text(field, &v, length_max))
        .transpose()
}

/// Parses a text field into [`Text`], naming the field on refusal.
pub fn parse_text(field: &str, value: &str, length_max: usize) -> Result<Text, Error> {
    text(field, value, length_max)
}
