//! The state: a fold of the journal's entries. Balances, stock, the roster
//! and the catalogue are derived here and stored nowhere else.
//!
//! [`State::apply`] is the only way the state changes. It trusts that the
//! entry was validated (by the operations before it was written, or by the
//! chain on open) but still refuses an entry that cannot follow the state —
//! a redemption of an unknown household, stock below zero — so a journal
//! that was altered with a correct hash still cannot produce an impossible
//! state.

use crate::entry::{
    hex_of, Actor, Body, Entry, Hash, HouseholdKind, ItemDetails, RedeemedLine, SourceType,
    GENESIS_PREVIOUS_HASH,
};
use crate::ids::{HouseholdCode, KioskId, Period, Sku, Text};
use crate::points::Points;
use indexmap::IndexMap;
use sha2::{Digest, Sha256};

/// The state's hash maps: keyed by entry ids, seqs and codes, tens of
/// thousands of entries each at open. foldhash instead of the standard
/// SipHash: inserting them was a fifth of decoding a checkpoint, and its
/// per-map random seed still keeps crafted keys from piling up.
pub type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// The state's ordered maps (and sets: a map to `()`), where the order is
/// the encoding's: a vector sorted by key. A `BTreeMap` would do the same
/// with a B-tree's code in the wasm for each type of key and value; these
/// maps are small (years, periods, households with members), and a
/// lookup is a binary search.
pub type SortedMap<K, V> = litemap::LiteMap<K, V>;

/// The kiosk's identity, from the genesis entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KioskInfo {
    pub kiosk_id: KioskId,
    pub village: Text,
    pub shop: Text,
    pub time_zone: Text,
    pub utc_offset_minutes: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HouseholdStatus {
    Active,
    Suspended,
    MovedAway,
}

impl HouseholdStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HouseholdStatus::Active => "active",
            HouseholdStatus::Suspended => "suspended",
            HouseholdStatus::MovedAway => "moved_away",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Household {
    pub code: HouseholdCode,
    pub name: Text,
    pub group: Text,
    pub kind: HouseholdKind,
    pub status: HouseholdStatus,
    pub balance: Points,
    /// Points credited in all (credits and positive corrections count only
    /// as credits; this is what the points board ranks by).
    pub earned: Points,
    pub blacklisted: bool,
    pub has_pin: bool,
    /// What moved this household's balance, oldest first.
    pub history: Vec<HistoryLine>,
}

/// One line of a household's history: "My points".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryLine {
    pub seq: u64,
    pub time_ms: i64,
    /// `credited`, `corrected`, `redeemed`, `redemption_voided`.
    pub kind: &'static str,
    pub change: Points,
    pub balance_after: Points,
    /// The period of a credit, the receipt of a redemption or void, or the
    /// reason of a correction.
    pub note: Note,
}

/// What a history line says beside its amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The receipt number of a redemption (the line's own, or the one a
    /// void undid), by the redemption's seq: made when shown, from the
    /// kiosk id, rather than held as a text in every such line (at 50,000
    /// entries 30,000 strings, each allocated when a checkpoint is decoded).
    Receipt(u64),
    /// A credit's period, a correction's reason, a closed year, a transfer.
    Text(std::sync::Arc<str>),
}

impl HistoryLine {
    /// The note as the household reads it.
    pub fn note_text(&self, state: &State) -> String {
        match &self.note {
            Note::Receipt(seq) => receipt_number(state, *seq),
            Note::Text(text) => text.to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub sku: Sku,
    pub details: ItemDetails,
    pub price: Points,
    pub stock: i64,
    pub active: bool,
}

/// A staff member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub id: crate::ids::StaffId,
    pub name: Text,
    pub role: crate::entry::Role,
    pub active: bool,
    pub has_pin: bool,
}

/// A redemption as the state remembers it, for receipts, repeats and voids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redemption {
    pub seq: u64,
    pub time_ms: i64,
    pub household: HouseholdCode,
    pub lines: Vec<RedeemedLine>,
    pub total: Points,
    pub balance_after: Points,
    pub hash: Hash,
    pub voided: bool,
    /// The staff member who signed the household in, for an assisted one.
    pub assisted_by: Option<crate::ids::StaffId>,
    /// The member who collected the goods (领取人), when one signed in with
    /// their card.
    pub collector: Option<Text>,
    /// The staff member who set this household's PIN within
    /// [`PIN_RESET_MARK_MS`] before the redemption: whoever set a PIN could
    /// sign in with it, so the receipt and the export say so.
    pub pin_reset_by: Option<crate::ids::StaffId>,
}

/// The redemptions, in seq order, found by a binary search on their seq.
/// The journal appends them in order, so a new one is pushed at the end;
/// a list instead of a map of boxes makes no allocation and no hash per
/// redemption when a checkpoint is decoded at open, and holds no empty
/// slots.
#[derive(Clone, Debug, Default)]
pub struct Redemptions(Vec<Redemption>);

impl Redemptions {
    fn place(&self, seq: u64) -> Result<usize, usize> {
        self.0
            .binary_search_by_key(&seq, |redemption| redemption.seq)
    }

    pub fn get(&self, seq: &u64) -> Option<&Redemption> {
        self.0.get(self.place(*seq).ok()?)
    }

    pub fn get_mut(&mut self, seq: &u64) -> Option<&mut Redemption> {
        let place = self.place(*seq).ok()?;
        self.0.get_mut(place)
    }

    pub fn contains_key(&self, seq: &u64) -> bool {
        self.place(*seq).is_ok()
    }

    /// Adds `redemption` in its place by seq; one of the same seq is
    /// replaced and returned.
    #[inline]
    pub fn insert(&mut self, redemption: Redemption) -> Option<Redemption> {
        if self.0.last().is_none_or(|last| last.seq < redemption.seq) {
            self.0.push(redemption);
            return None;
        }
        match self.place(redemption.seq) {
            Ok(place) => Some(std::mem::replace(&mut self.0[place], redemption)),
            Err(place) => {
                self.0.insert(place, redemption);
                None
            }
        }
    }

    pub fn remove(&mut self, seq: &u64) -> Option<Redemption> {
        let place = self.place(*seq).ok()?;
        Some(self.0.remove(place))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Room for `additional` more, and an eighth beside: a checkpoint's
    /// decode reserves its count, and the kiosk's next redemptions then
    /// land without moving the whole list (3 MB at 50,000 entries) at the
    /// first of them.
    pub fn reserve(&mut self, additional: usize) {
        self.0.reserve_exact(additional + additional / 8 + 64);
    }

    /// Their seqs, in order.
    pub fn keys(&self) -> impl Iterator<Item = &u64> + '_ {
        self.0.iter().map(|redemption| &redemption.seq)
    }

    /// The redemptions, in seq order.
    pub fn values(&self) -> std::slice::Iter<'_, Redemption> {
        self.0.iter()
    }
}

impl std::ops::Index<&u64> for Redemptions {
    type Output = Redemption;

    /// The redemption of `seq`; panics if there is none (as a map's index).
    fn index(&self, seq: &u64) -> &Redemption {
        match self.get(seq) {
            Some(redemption) => redemption,
            None => panic!("no redemption at seq {seq}"),
        }
    }
}

/// How long after a staff member sets a household's PIN its redemptions
/// are marked with that staff member's name: 24 hours.
pub const PIN_RESET_MARK_MS: i64 = 24 * 60 * 60 * 1000;

/// Running totals, for the conservation checks and reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub credited: Points,
    pub corrected: Points,
    pub redeemed: Points,
    pub voided: Points,
    /// Points cleared by year closes.
    pub cleared: Points,
    pub units_restocked: i64,
    pub units_redeemed: i64,
    pub units_voided: i64,
    pub units_adjusted: i64,
}

/// Why an entry cannot follow the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyError(pub String);

/// The folded state of a journal.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub kiosk: Option<KioskInfo>,
    pub households: IndexMap<HouseholdCode, Household>,
    pub items: IndexMap<Sku, Item>,
    /// Credit key `(household, period, source)` → the credit's seq and amount.
    pub credits: Map<(HouseholdCode, Period, Text), (u64, Points)>,
    /// Redemptions by seq.
    pub redemptions: Redemptions,
    /// Every entry's idempotency id → its seq.
    pub entry_ids: crate::entry_ids::EntryIds,
    /// Barcodes of items → SKU.
    pub barcodes: Map<String, Sku>,
    pub totals: Totals,
    /// The last applied entry's seq (0 before genesis) and hash.
    pub seq: u64,
    pub head: Hash,
    /// The highest time any entry carried.
    pub time_max_ms: i64,
    /// The ledger's time, derived from the entries' wall times
    /// ([`crate::clock`]): what elapsed days and the calendar are read by.
    pub clock: crate::clock::Clock,
    /// The last seq marked uploaded, and that batch's last hash.
    pub uploaded_through_seq: u64,
    pub uploaded_last_hash: Option<String>,
    pub settings: crate::settings::Settings,
    pub staff: IndexMap<crate::ids::StaffId, StaffMember>,
    /// Years whose books are closed (a set).
    pub closed_years: SortedMap<i32, ()>,
    /// The points rules in force, each period's score sheet, and each
    /// household's bonus and blacklist runs ([`crate::scoresheet`]).
    pub rules: crate::rulebook::Rules,
    pub postings: SortedMap<Period, crate::scoresheet::Posting>,
    pub runs: Map<HouseholdCode, crate::scoresheet::Runs>,
    /// Households' members and their cards ([`crate::ledger::members`]).
    pub members: crate::ledger::members::Members,
    /// The last PIN a staff member set for each household: when, and who.
    pub pin_resets: Map<HouseholdCode, (i64, crate::ids::StaffId)>,
    /// The credits, redemptions and households' history lines a
    /// checkpoint's decode left for later
    /// ([`crate::checkpoint::decode_for_open`]): while they wait, those
    /// fields hold only what was added since, and nothing may read them or
    /// encode the state.
    pub rest_pending: Option<crate::checkpoint::RestPending>,
}

/// Whether the fold of `body` reads no credit, redemption or household
/// history (a redemption adds one, and lines), so it can be applied while
/// those a checkpoint left for after open still wait
/// ([`State::rest_pending`]): most entries of an ordinary day. Any other
/// entry has them decoded first (a credit's key is looked for among the
/// credits, a void's redemption among the redemptions).
fn keeps_rest_waiting(body: &Body) -> bool {
    matches!(
        body,
        Body::Corrected { .. }
            | Body::Redeemed { .. }
            | Body::Restocked { .. }
            | Body::StockAdjusted { .. }
            | Body::PinSet { .. }
            | Body::HouseholdUnlocked { .. }
            | Body::ItemAdded { .. }
            | Body::ItemUpdated { .. }
            | Body::ItemRepriced { .. }
            | Body::ItemDeactivated { .. }
            | Body::ItemReactivated { .. }
            | Body::BatchUploaded { .. }
    )
}

fn fail<T>(seq: u64, what: impl Into<String>) -> Result<T, ApplyError> {
    Err(ApplyError(format!("entry {seq}: {}", what.into())))
}

impl State {
    pub fn new() -> State {
        State {
            head: GENESIS_PREVIOUS_HASH,
            ..State::default()
        }
    }

    pub fn household(&self, code: &HouseholdCode) -> Option<&Household> {
        self.households.get(code)
    }

    pub fn item(&self, sku: &Sku) -> Option<&Item> {
        self.items.get(sku)
    }

    /// Σ balances.
    pub fn balance_sum(&self) -> Option<Points> {
        self.households
            .values()
            .try_fold(Points::ZERO, |sum, h| sum.checked_add(h.balance))
    }

    /// Applies one entry whose hash is `hash`. The entry must be the next in
    /// sequence.
    pub fn apply(&mut self, entry: &Entry, hash: Hash) -> Result<(), ApplyError> {
        let seq = entry.seq;
        if seq != self.seq + 1 {
            return fail(seq, format!("expected seq {}", self.seq + 1));
        }
        if self.rest_pending.is_some() && !keeps_rest_waiting(&entry.body) {
            crate::checkpoint::decode_rest(self).or_else(|detail| fail(seq, detail))?;
        }
        if self.entry_ids.contains_key(&entry.id) {
            return fail(seq, format!("repeated id {}", entry.id.as_str()));
        }
        match (&entry.body, self.kiosk.is_some()) {
            (Body::Genesis { .. }, true) => return fail(seq, "a second genesis"),
            (Body::Genesis { .. }, false) => {}
            (_, false) => return fail(seq, "no genesis first"),
            (_, true) => {}
        }
        self.check_actor(seq, &entry.actor)?;
        // The clock moves first, so the fold of this entry reads its ledger
        // time from `self.clock.ledger_ms`.
        self.clock = match &entry.body {
            _ if seq == 1 => crate::clock::Clock::start(entry.time_ms),
            Body::ClockConfirmed { ledger_ms_before } => {
                if *ledger_ms_before != self.clock.ledger_ms {
                    return fail(seq, "a clock confirmation of another ledger time");
                }
                self.clock.confirmed(entry.time_ms)
            }
            _ => self.clock.after(entry.time_ms),
        };
        self.apply_body(entry, hash)?;
        self.entry_ids.insert(&entry.id, seq);
        self.seq = seq;
        self.head = hash;
        self.time_max_ms = self.time_max_ms.max(entry.time_ms);
        Ok(())
    }

    fn check_actor(&self, seq: u64, actor: &Actor) -> Result<(), ApplyError> {
        match actor {
            Actor::Household { household } | Actor::Assisted { household, .. }
                if !self.households.contains_key(household) =>
            {
                fail(seq, format!("actor {household} is unknown"))
            }
            Actor::Staff { staff } | Actor::Assisted { staff, .. }
                if !self.staff.contains_key(staff) =>
            {
                fail(seq, format!("actor {staff} is not staff"))
            }
            _ => Ok(()),
        }
    }

    fn household_mut(
        &mut self,
        seq: u64,
        code: &HouseholdCode,
    ) -> Result<&mut Household, ApplyError> {
        match self.households.get_mut(code) {
            Some(household) => Ok(household),
            None => fail(seq, format!("unknown household {code}")),
        }
    }

    fn item_mut(&mut self, seq: u64, sku: &Sku) -> Result<&mut Item, ApplyError> {
        match self.items.get_mut(sku) {
            Some(item) => Ok(item),
            None => fail(seq, format!("unknown item {sku}")),
        }
    }

    /// Moves a household's balance by `change` and records the history line.
    pub(crate) fn move_balance(
        &mut self,
        entry: &Entry,
        code: &HouseholdCode,
        kind: &'static str,
        change: Points,
        note: Note,
    ) -> Result<Points, ApplyError> {
        let seq = entry.seq;
        let household = self.household_mut(seq, code)?;
        let Some(balance_after) = household.balance.checked_add(change) else {
            return fail(seq, "balance overflow");
        };
        household.balance = balance_after;
        household.history.push(HistoryLine {
            seq,
            time_ms: entry.time_ms,
            kind,
            change,
            balance_after,
            note,
        });
        Ok(balance_after)
    }

    fn move_stock(&mut self, seq: u64, sku: &Sku, delta: i64) -> Result<(), ApplyError> {
        let item = self.item_mut(seq, sku)?;
        match item.stock.checked_add(delta) {
            Some(stock) if stock >= 0 => {
                item.stock = stock;
                Ok(())
            }
            _ => fail(seq, format!("stock of {sku} would go below zero")),
        }
    }

    fn add_total(seq: u64, total: &mut Points, amount: Points) -> Result<(), ApplyError> {
        match total.checked_add(amount) {
            Some(sum) => {
                *total = sum;
                Ok(())
            }
            None => fail(seq, "total overflow"),
        }
    }

    fn apply_body(&mut self, entry: &Entry, hash: Hash) -> Result<(), ApplyError> {
        let seq = entry.seq;
        match &entry.body {
            Body::Genesis {
                kiosk_id,
                village,
                shop,
                time_zone,
                utc_offset_minutes,
            } => {
                self.kiosk = Some(KioskInfo {
                    kiosk_id: kiosk_id.clone(),
                    village: village.clone(),
                    shop: shop.clone(),
                    time_zone: time_zone.clone(),
                    utc_offset_minutes: *utc_offset_minutes,
                });
            }
            Body::HouseholdRegistered {
                household,
                name,
                group,
                household_kind,
            } => {
                if self.households.contains_key(household) {
                    return fail(seq, format!("household {household} registered twice"));
                }
                if self.members.card(household).is_some() {
                    return fail(seq, format!("household {household} is a member's card"));
                }
                self.households.insert(
                    household.clone(),
                    Household {
                        code: household.clone(),
                        name: name.clone(),
                        group: group.clone(),
                        kind: *household_kind,
                        status: HouseholdStatus::Active,
                        balance: Points::ZERO,
                        earned: Points::ZERO,
                        blacklisted: false,
                        has_pin: false,
                        history: Vec::new(),
                    },
                );
            }
            Body::HouseholdUpdated {
                household,
                name,
                group,
                household_kind,
            } => {
                let record = self.household_mut(seq, household)?;
                record.name = name.clone();
                record.group = group.clone();
                record.kind = *household_kind;
            }
            Body::HouseholdSuspended { household, .. } => {
                self.household_mut(seq, household)?.status = HouseholdStatus::Suspended;
            }
            Body::HouseholdReinstated { household, .. } => {
                self.household_mut(seq, household)?.status = HouseholdStatus::Active;
            }
            Body::HouseholdMovedAway { household, .. } => {
                self.household_mut(seq, household)?.status = HouseholdStatus::MovedAway;
            }
            Body::PinSet { household } => {
                self.household_mut(seq, household)?.has_pin = true;
                if let Actor::Staff { staff } = &entry.actor {
                    // On the ledger's clock, which never goes back: a
                    // clock moved after the reset does not shorten its mark.
                    self.pin_resets
                        .insert(household.clone(), (self.clock.ledger_ms, staff.clone()));
                }
            }
            Body::HouseholdUnlocked { household } => {
                self.household_mut(seq, household)?;
            }
            Body::Credited {
                household,
                amount,
                period,
                source,
                ..
            } => {
                if amount.is_negative() {
                    return fail(seq, "negative credit");
                }
                let key = (household.clone(), period.clone(), source.clone());
                if self.credits.contains_key(&key) {
                    return fail(seq, "a credit key credited twice");
                }
                let note = Note::Text(period.as_str().into());
                self.move_balance(entry, household, "credited", *amount, note)?;
                let record = self.household_mut(seq, household)?;
                record.earned = record.earned.checked_add(*amount).unwrap_or(record.earned);
                self.credits.insert(key, (seq, *amount));
                State::add_total(seq, &mut self.totals.credited, *amount)?;
            }
            Body::Corrected {
                household,
                amount,
                reason,
                ..
            } => {
                let note = Note::Text(reason.as_str().into());
                self.move_balance(entry, household, "corrected", *amount, note)?;
                State::add_total(seq, &mut self.totals.corrected, *amount)?;
            }
            Body::Redeemed {
                household,
                lines,
                total,
                collector,
            } => self.apply_redemption(entry, hash, household, lines, *total, collector)?,
            Body::MemberAdded { .. }
            | Body::MemberRemoved { .. }
            | Body::PointsTransferred { .. } => crate::ledger::members::apply(self, entry)?,
            Body::RedemptionVoided { redemption_seq, .. } => {
                self.apply_void(entry, *redemption_seq)?
            }
            Body::ItemAdded {
                sku,
                details,
                price,
            } => {
                if self.items.contains_key(sku) {
                    return fail(seq, format!("item {sku} added twice"));
                }
                self.index_barcode(seq, sku, details)?;
                self.items.insert(
                    sku.clone(),
                    Item {
                        sku: sku.clone(),
                        details: details.clone(),
                        price: *price,
                        stock: 0,
                        active: true,
                    },
                );
            }
            Body::ItemUpdated { sku, details } => {
                self.item_mut(seq, sku)?;
                self.barcodes.retain(|_, owner| owner != sku);
                self.index_barcode(seq, sku, details)?;
                self.item_mut(seq, sku)?.details = details.clone();
            }
            Body::ItemRepriced { sku, price } => self.item_mut(seq, sku)?.price = *price,
            Body::ItemDeactivated { sku } => self.item_mut(seq, sku)?.active = false,
            Body::ItemReactivated { sku } => self.item_mut(seq, sku)?.active = true,
            Body::Restocked { lines, .. } => {
                for line in lines {
                    self.move_stock(seq, &line.sku, i64::from(line.quantity))?;
                    self.totals.units_restocked += i64::from(line.quantity);
                }
            }
            Body::StockAdjusted { sku, delta, .. } => {
                self.move_stock(seq, sku, *delta)?;
                self.totals.units_adjusted += delta;
            }
            Body::StaffAdded { staff, name, role } => {
                if self.staff.contains_key(staff) {
                    return fail(seq, format!("staff {staff} added twice"));
                }
                let member = StaffMember {
                    id: staff.clone(),
                    name: name.clone(),
                    role: *role,
                    active: true,
                    has_pin: false,
                };
                self.staff.insert(staff.clone(), member);
            }
            Body::StaffUpdated {
                staff,
                name,
                role,
                active,
            } => {
                let Some(member) = self.staff.get_mut(staff) else {
                    return fail(seq, format!("unknown staff {staff}"));
                };
                member.name = name.clone();
                member.role = *role;
                member.active = *active;
            }
            Body::StaffPinSet { staff } => match self.staff.get_mut(staff) {
                Some(member) => member.has_pin = true,
                None => return fail(seq, format!("unknown staff {staff}")),
            },
            Body::RecoveryCodeSet | Body::ClockConfirmed { .. } => {}
            Body::SettingChanged { setting } => self.settings.apply(*setting),
            Body::YearClosed { year, cleared } => {
                self.apply_year_close(entry, *year, cleared.as_deref())?
            }
            Body::BatchUploaded {
                first_seq,
                last_seq,
                last_hash,
            } => {
                if *first_seq != self.uploaded_through_seq + 1
                    || last_seq < first_seq
                    || *last_seq >= seq
                {
                    return fail(seq, "batch range does not follow the last upload");
                }
                self.uploaded_through_seq = *last_seq;
                self.uploaded_last_hash = Some(last_hash.clone());
            }
            Body::RulesChanged { .. }
            | Body::ScorePosted { .. }
            | Body::ScoreObjected { .. }
            | Body::ScoreSubmitted { .. }
            | Body::ScoresApproved { .. }
            | Body::ObjectionRaised { .. }
            | Body::ObjectionResolved { .. }
            | Body::ScoresApplied { .. }
            | Body::Blacklisted { .. }
            | Body::BlacklistLifted { .. } => crate::scoresheet::apply(self, entry)?,
            Body::JournalRestarted {
                lost_from_seq,
                lost_to_seq,
                ..
            } => {
                if *lost_from_seq != seq || lost_to_seq < lost_from_seq {
                    return fail(seq, "a restart must take the place of the first lost seq");
                }
            }
            // The enrollment is on the record for the county and the
            // village; what the kiosk uploads to is kept by the shell.
            Body::PlatformEnrolled { .. } => {
                if !matches!(entry.actor, Actor::Staff { .. }) {
                    return fail(seq, "an enrollment is made by a staff member");
                }
            }
            // A restore names the backup it follows: exactly the entries
            // before it.
            Body::Restored {
                backup_seq,
                backup_head,
                ..
            } => {
                if *backup_seq != seq - 1 || *backup_head != hex::encode(self.head) {
                    return fail(seq, "a restore must follow the backup's last entry");
                }
            }
            // An archive names a base before it, made by a staff member;
            // the shell compares the stored base with it.
            Body::Archived { through_seq, .. } => {
                if *through_seq == 0 || *through_seq >= seq {
                    return fail(seq, "an archive must name entries before it");
                }
                if !matches!(entry.actor, Actor::Staff { .. }) {
                    return fail(seq, "an archive is made by a staff member");
                }
            }
        }
        Ok(())
    }

    fn apply_year_close(
        &mut self,
        entry: &Entry,
        year: i32,
        cleared: Option<&[crate::entry::ClearedBalance]>,
    ) -> Result<(), ApplyError> {
        if self.closed_years.insert(year, ()).is_some() {
            return fail(entry.seq, format!("year {year} closed twice"));
        }
        if self.settings.year_end == crate::settings::YearEnd::Carry {
            if cleared.is_some_and(|lines| !lines.is_empty()) {
                return fail(entry.seq, "a year close that carries over clears nothing");
            }
            return Ok(());
        }
        let positive: Vec<(HouseholdCode, Points)> = match cleared {
            Some(lines) => {
                let mut seen = SortedMap::new();
                for line in lines {
                    let Some(household) = self.households.get(&line.household) else {
                        return fail(entry.seq, format!("unknown household {}", line.household));
                    };
                    if line.amount <= Points::ZERO || line.amount > household.balance {
                        return fail(
                            entry.seq,
                            format!("{} cannot lose {:?}", line.household, line.amount),
                        );
                    }
                    if seen.insert(&line.household, ()).is_some() {
                        return fail(entry.seq, format!("{} cleared twice", line.household));
                    }
                }
                lines
                    .iter()
                    .map(|line| (line.household.clone(), line.amount))
                    .collect()
            }
            None => self
                .households
                .values()
                .filter(|h| h.balance > Points::ZERO)
                .map(|h| (h.code.clone(), h.balance))
                .collect(),
        };
        for (code, balance) in positive {
            let Some(change) = balance.checked_neg() else {
                return fail(entry.seq, "overflow");
            };
            let note = Note::Text(year.to_string().into());
            self.move_balance(entry, &code, "year_closed", change, note)?;
            State::add_total(entry.seq, &mut self.totals.cleared, balance)?;
        }
        Ok(())
    }

    /// What a close of `year` clears from each household (`year_end` is
    /// `clear`): the balance at the village-local end of `year`, less what
    /// was redeemed after it (net of voids), at most the balance now. So a
    /// year closed days late takes the old year's points only: new credits
    /// stay, and what was redeemed meanwhile came out of the old points first.
    pub fn year_close_clearing(&self, year: i32) -> Vec<crate::entry::ClearedBalance> {
        let mut lines = Vec::new();
        for household in self.households.values() {
            let mut at_year_end = Points::ZERO;
            let mut spent_after = Points::ZERO;
            for line in &household.history {
                if self.local_year(line.time_ms) <= year {
                    at_year_end = line.balance_after;
                } else if matches!(line.kind, "redeemed" | "redemption_voided") {
                    // Redemptions are negative changes, voids positive.
                    spent_after = spent_after.checked_sub(line.change).unwrap_or(spent_after);
                }
            }
            let old_left = at_year_end.checked_sub(spent_after).unwrap_or(Points::ZERO);
            let amount = old_left.min(household.balance);
            if amount > Points::ZERO {
                lines.push(crate::entry::ClearedBalance {
                    household: household.code.clone(),
                    amount,
                });
            }
        }
        lines
    }

    /// The village-local year of a time.
    pub fn local_year(&self, time_ms: i64) -> i32 {
        let offset = self.kiosk.as_ref().map_or(0, |k| k.utc_offset_minutes);
        crate::calendar::local_date(time_ms, offset).year
    }

    fn index_barcode(
        &mut self,
        seq: u64,
        sku: &Sku,
        details: &ItemDetails,
    ) -> Result<(), ApplyError> {
        if let Some(barcode) = &details.barcode {
            if let Some(owner) = self.barcodes.get(barcode.as_str()) {
                if owner != sku {
                    return fail(
                        seq,
                        format!("barcode {} already belongs to {owner}", barcode.as_str()),
                    );
                }
            }
            self.barcodes
                .insert(barcode.as_str().to_string(), sku.clone());
        }
        Ok(())
    }

    fn apply_redemption(
        &mut self,
        entry: &Entry,
        hash: Hash,
        household: &HouseholdCode,
        lines: &[RedeemedLine],
        total: Points,
        collector: &Option<Text>,
    ) -> Result<(), ApplyError> {
        let seq = entry.seq;
        let mut sum = Points::ZERO;
        for line in lines {
            let cost = line.unit_price.checked_mul(i64::from(line.quantity));
            match cost.and_then(|cost| sum.checked_add(cost)) {
                Some(next) => sum = next,
                None => return fail(seq, "redemption total overflow"),
            }
        }
        if sum != total || lines.is_empty() {
            return fail(seq, "redemption lines do not add up to its total");
        }
        if let Some(collector) = collector {
            let listed = self
                .members
                .of(household)
                .iter()
                .any(|m| &m.name == collector);
            if !listed {
                return fail(seq, format!("{collector} is not a member of {household}"));
            }
        }
        for line in lines {
            self.move_stock(seq, &line.sku, -i64::from(line.quantity))?;
            self.totals.units_redeemed += i64::from(line.quantity);
        }
        let Some(change) = total.checked_neg() else {
            return fail(seq, "overflow");
        };
        let receipt = Note::Receipt(seq);
        let balance_after = self.move_balance(entry, household, "redeemed", change, receipt)?;
        if balance_after.is_negative() {
            return fail(seq, "a redemption took the balance below zero");
        }
        State::add_total(seq, &mut self.totals.redeemed, total)?;
        self.redemptions.insert(Redemption {
            seq,
            time_ms: entry.time_ms,
            household: household.clone(),
            lines: lines.to_vec(),
            total,
            balance_after,
            hash,
            voided: false,
            assisted_by: match &entry.actor {
                Actor::Assisted { staff, .. } => Some(staff.clone()),
                _ => None,
            },
            collector: collector.clone(),
            pin_reset_by: self
                .pin_resets
                .get(household)
                .filter(|(at, _)| (0..=PIN_RESET_MARK_MS).contains(&(self.clock.ledger_ms - at)))
                .map(|(_, staff)| staff.clone()),
        });
        Ok(())
    }

    fn apply_void(&mut self, entry: &Entry, redemption_seq: u64) -> Result<(), ApplyError> {
        let seq = entry.seq;
        let Some(redemption) = self.redemptions.get_mut(&redemption_seq) else {
            return fail(seq, format!("void of unknown redemption {redemption_seq}"));
        };
        if redemption.voided {
            return fail(seq, format!("redemption {redemption_seq} voided twice"));
        }
        redemption.voided = true;
        let redemption = redemption.clone();
        for line in &redemption.lines {
            self.move_stock(seq, &line.sku, i64::from(line.quantity))?;
            self.totals.units_voided += i64::from(line.quantity);
        }
        let receipt = Note::Receipt(redemption_seq);
        self.move_balance(
            entry,
            &redemption.household,
            "redemption_voided",
            redemption.total,
            receipt,
        )?;
        State::add_total(seq, &mut self.totals.voided, redemption.total)
    }

    /// The laws every state obeys, for tests and simulations:
    /// Σ balances = credited + corrected − redeemed + voided − cleared;
    /// stock is never below zero and Σ stock = restocked − redeemed + voided
    /// + adjusted; a balance goes below zero only through a correction; each
    /// household's history ends at its balance.
    pub fn check_invariants(&self) -> Result<(), String> {
        let totals = self.totals;
        let expected = totals
            .credited
            .checked_add(totals.corrected)
            .and_then(|sum| sum.checked_sub(totals.redeemed))
            .and_then(|sum| sum.checked_add(totals.voided))
            .and_then(|sum| sum.checked_sub(totals.cleared));
        if self.balance_sum() != expected {
            return Err(format!(
                "points not conserved: Σ balances {:?} != {expected:?} ({totals:?})",
                self.balance_sum()
            ));
        }
        if let Some(item) = self.items.values().find(|item| item.stock < 0) {
            return Err(format!("stock of {} is {}", item.sku, item.stock));
        }
        let stock: i64 = self.items.values().map(|item| item.stock).sum();
        let units = totals.units_restocked - totals.units_redeemed
            + totals.units_voided
            + totals.units_adjusted;
        if stock != units {
            return Err(format!(
                "units not conserved: Σ stock {stock} != {units} ({totals:?})"
            ));
        }
        for household in self.households.values() {
            let mut before = Points::ZERO;
            for line in &household.history {
                if line.balance_after.is_negative()
                    && !before.is_negative()
                    && line.kind != "corrected"
                {
                    return Err(format!(
                        "{} went below zero through {} at seq {}",
                        household.code, line.kind, line.seq
                    ));
                }
                before = line.balance_after;
            }
            if before != household.balance {
                return Err(format!(
                    "{}: history ends at {before:?}, balance {:?}",
                    household.code, household.balance
                ));
            }
        }
        Ok(())
    }

    /// A digest of everything the state holds that a person can see: the
    /// head of the chain, every household's status and balance, every item's
    /// price, stock and status. Two kiosks that applied the same journal have
    /// the same state hash.
    pub fn state_hash(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.seq.to_le_bytes());
        hasher.update(self.head);
        for household in self.households.values() {
            hasher.update(household.code.as_str());
            hasher.update([
                0,
                household.status as u8,
                household.blacklisted as u8,
                household.has_pin as u8,
            ]);
            hasher.update(household.name.as_str());
            hasher.update(household.balance.hundredths().to_le_bytes());
        }
        for item in self.items.values() {
            hasher.update(item.sku.as_str());
            hasher.update([0, item.active as u8]);
            hasher.update(item.price.hundredths().to_le_bytes());
            hasher.update(item.stock.to_le_bytes());
        }
        hex::encode(hasher.finalize())
    }
}

/// A receipt's number: the kiosk id and the redemption's seq.
pub fn receipt_number(state: &State, seq: u64) -> String {
    receipt_number_of(state.kiosk.as_ref(), seq)
}

/// [`receipt_number`] given the kiosk alone (a checkpoint's decode has no
/// whole state yet).
pub fn receipt_number_of(kiosk: Option<&KioskInfo>, seq: u64) -> String {
    let kiosk = kiosk.map_or("kiosk", |kiosk| kiosk.kiosk_id.as_str());
    format!("{kiosk}-{seq:06}")
}

/// The seq of a receipt number as printed (`village-01-000123`) or scanned;
/// a bare number is taken as the seq.
pub fn parse_receipt_number(state: &State, text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = match &state.kiosk {
        Some(kiosk) => text
            .strip_prefix(kiosk.kiosk_id.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
            .unwrap_or(text),
        None => text,
    };
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The check code printed on a receipt: the first 12 hex digits of the
/// redemption's hash (48 bits), so a forged receipt cannot be made to match
/// a real entry by trying hashes on a laptop.
pub fn short_hash(hash: &Hash) -> String {
    hex_of(hash)[..12].to_string()
}

/// The source type of a restock, as text for reports.
pub fn source_type_name(source_type: SourceType) -> &'static str {
    source_type.as_str()
}
