//! The journal's entries: what each kind records, its canonical bytes and
//! the hash chain.
//!
//! An entry's stored form is compact JSON — one line, no spaces, amounts as
//! integer hundredths, every field in the order `entry/codec.rs` writes it — and
//! those exact bytes are what is hashed and exported:
//! `hash = SHA-256(previous hash ‖ bytes)`, with 32 zero bytes before the
//! genesis entry. The codec is written by hand, so the bytes do not follow
//! the declarations below; the serde derives are for the JSON views at the
//! page's boundary only. Decoding runs every name's checked constructor, so
//! a record that decodes holds only valid values.
//!
//! Format version 1 is the only version so far. A later version adds its own
//! decoder beside this one; version 1 records are decoded forever (the
//! golden fixture test holds every build to that).

use crate::ids::{CountyId, HouseholdCode, KioskId, Period, Sku, StaffId, Text};
use crate::points::Points;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

mod codec;

/// The codec's hand for the JSON kept and sent outside the journal.
pub(crate) use codec::{json_record, JsonReader, JsonWriter};

/// The format version new entries are written in.
pub const FORMAT_VERSION: u32 = 1;

/// The largest stored entry, in bytes (a catalogue item with its picture is
/// the largest kind).
pub const ENTRY_BYTES_MAX: usize = 64 * 1024;

/// The largest picture kept with an item, in bytes of its data URL.
pub const IMAGE_BYTES_MAX: usize = 48 * 1024;

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// The hash before the first entry.
pub const GENESIS_PREVIOUS_HASH: Hash = [0; 32];

/// One journal entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub format_version: u32,
    /// 1, 2, 3 … with no gaps.
    pub seq: u64,
    /// Milliseconds since the Unix epoch, as the shell passed them in.
    pub time_ms: i64,
    /// The idempotency id: the page's request id, or one derived from the
    /// entry's natural key. No two entries share one.
    pub id: EntryId,
    pub actor: Actor,
    pub body: Body,
    /// The second staff member who confirmed the entry with their own PIN
    /// (the two-person rule, [`crate::ledger::cosign`]). Left out of the
    /// bytes when none, so every older entry keeps its bytes and hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub co_signed_by: Option<StaffId>,
}

/// An entry's idempotency id: printable ASCII without spaces, at most 120
/// characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EntryId(String);

impl EntryId {
    pub const LENGTH_MAX: usize = 120;

    pub fn new(text: &str) -> Option<EntryId> {
        EntryId::is_valid(text).then(|| EntryId(text.to_string()))
    }

    /// Whether `text` is a valid entry id: 1 to [`Self::LENGTH_MAX`]
    /// printable ASCII characters.
    pub fn is_valid(text: &str) -> bool {
        EntryId::is_valid_bytes(text.as_bytes())
    }

    /// [`is_valid`](Self::is_valid) of stored bytes: the bytes of a valid
    /// id are ASCII, so they are also its UTF-8.
    pub fn is_valid_bytes(bytes: &[u8]) -> bool {
        !bytes.is_empty()
            && bytes.len() <= EntryId::LENGTH_MAX
            && bytes.iter().all(|b| b.is_ascii_graphic())
    }

    /// The id of an entry made for a page's request: a request id is
    /// always a valid entry id.
    pub fn of_request(request: &crate::ids::RequestId) -> EntryId {
        EntryId::derived(request.as_str())
    }

    /// An id from a natural key: the key itself when it is a valid id, else
    /// `h:` and the hex of its SHA-256 (names with spaces or Chinese).
    pub fn derived(key: &str) -> EntryId {
        EntryId::new(key).unwrap_or_else(|| {
            EntryId(format!("h:{}", hex::encode(Sha256::digest(key.as_bytes()))))
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EntryId {
    type Error = &'static str;
    fn try_from(text: String) -> Result<EntryId, &'static str> {
        EntryId::new(&text).ok_or("invalid entry id")
    }
}

impl From<EntryId> for String {
    fn from(id: EntryId) -> String {
        id.0
    }
}

/// Who made an entry happen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Actor {
    /// The kiosk itself: genesis, the demo village.
    System,
    /// A household signed in with its PIN.
    Household { household: HouseholdCode },
    /// A staff member signed in with a staff PIN.
    Staff { staff: StaffId },
    /// A household served by a staff member (who signed it in).
    Assisted {
        household: HouseholdCode,
        staff: StaffId,
    },
}

/// Family (家庭) or unit (单位: a shop, an association).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdKind {
    Family,
    Unit,
}

/// What a staff member may do. An admin may do everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 店管员: goods, stock, donations, voids, PINs and assisted redemptions.
    Shopkeeper,
    /// 积分专员: households, points, imports and exports, the year close.
    Clerk,
    /// Both, plus staff and settings.
    Admin,
    /// 村务监督委员会: reads every report, the journal and the exports, and
    /// changes nothing. No operation needs this role, so every writing call
    /// refuses it.
    Auditor,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        Some(match text {
            "shopkeeper" => Role::Shopkeeper,
            "clerk" => Role::Clerk,
            "admin" => Role::Admin,
            "auditor" => Role::Auditor,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Shopkeeper => "shopkeeper",
            Role::Clerk => "clerk",
            Role::Admin => "admin",
            Role::Auditor => "auditor",
        }
    }

    /// Whether this role may do what `needed` may.
    pub fn covers(self, needed: Role) -> bool {
        self == Role::Admin || self == needed
    }
}

/// Where donated goods came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceType {
    /// 组织
    Organisation,
    /// 企业
    Company,
    /// 个人
    Individual,
    /// 村公益金
    WelfareFund,
    /// 政府补助
    Government,
}

impl SourceType {
    pub fn parse(text: &str) -> Option<SourceType> {
        Some(match text {
            "organisation" | "组织" => SourceType::Organisation,
            "company" | "企业" => SourceType::Company,
            "individual" | "个人" => SourceType::Individual,
            "welfare_fund" | "公益金" => SourceType::WelfareFund,
            "government" | "政府补助" => SourceType::Government,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::Organisation => "organisation",
            SourceType::Company => "company",
            SourceType::Individual => "individual",
            SourceType::WelfareFund => "welfare_fund",
            SourceType::Government => "government",
        }
    }
}

/// One household's points cleared by a year close.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClearedBalance {
    pub household: HouseholdCode,
    pub amount: Points,
}

/// One line of a redemption, priced at that moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedeemedLine {
    pub sku: Sku,
    pub quantity: u32,
    pub unit_price: Points,
}

/// One line of goods coming in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StockLine {
    pub sku: Sku,
    pub quantity: u32,
}

/// A catalogue item's description (everything but price, stock and status).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemDetails {
    pub name_zh: Text,
    pub name_en: Option<Text>,
    pub unit: Text,
    pub category: Text,
    pub barcode: Option<Barcode>,
    pub image: Option<ImageRef>,
    /// The stock at or below which the item shows as low; none: the
    /// reports' default (5). Left out of the bytes when none, so entries
    /// without it keep their bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_stock: Option<u32>,
}

/// A product barcode: 6 to 32 ASCII digits or letters (EAN-13, UPC, Code 128
/// of the kiosk's own labels).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Barcode(String);

impl Barcode {
    pub fn new(text: &str) -> Option<Barcode> {
        let text = text.trim();
        let valid = (6..=32).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        valid.then(|| Barcode(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Barcode {
    type Error = &'static str;
    fn try_from(text: String) -> Result<Barcode, &'static str> {
        match Barcode::new(&text) {
            Some(barcode) if barcode.0 == text => Ok(barcode),
            _ => Err("invalid barcode"),
        }
    }
}

impl From<Barcode> for String {
    fn from(barcode: Barcode) -> String {
        barcode.0
    }
}

/// A picture: a path under `www/` (`img/goods/salt.svg`) or a data URL of a
/// PNG, JPEG or WebP of at most [`IMAGE_BYTES_MAX`] bytes. Nothing else — no
/// remote URL, no `javascript:`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ImageRef(String);

impl ImageRef {
    pub fn new(text: &str) -> Option<ImageRef> {
        let is_path = text.starts_with("img/")
            && text.len() <= 120
            && !text.contains("..")
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b))
            && [".svg", ".png", ".jpg", ".webp"]
                .iter()
                .any(|end| text.ends_with(end));
        let is_data = [
            "data:image/png;base64,",
            "data:image/jpeg;base64,",
            "data:image/webp;base64,",
        ]
        .iter()
        .any(|start| text.starts_with(start))
            && text.len() <= IMAGE_BYTES_MAX
            && text
                .bytes()
                .skip_while(|b| *b != b',')
                .skip(1)
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=');
        (is_path || is_data).then(|| ImageRef(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ImageRef {
    type Error = &'static str;
    fn try_from(text: String) -> Result<ImageRef, &'static str> {
        ImageRef::new(&text).ok_or("invalid image")
    }
}

impl From<ImageRef> for String {
    fn from(image: ImageRef) -> String {
        image.0
    }
}

/// What an entry records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Body {
    /// The first entry: which kiosk, village and shop, and the village's
    /// time zone (its "today", month and year).
    Genesis {
        kiosk_id: KioskId,
        village: Text,
        shop: Text,
        time_zone: Text,
        utc_offset_minutes: i32,
    },
    HouseholdRegistered {
        household: HouseholdCode,
        name: Text,
        group: Text,
        household_kind: HouseholdKind,
    },
    HouseholdUpdated {
        household: HouseholdCode,
        name: Text,
        group: Text,
        household_kind: HouseholdKind,
    },
    HouseholdSuspended {
        household: HouseholdCode,
        reason: Text,
    },
    HouseholdReinstated {
        household: HouseholdCode,
        reason: Text,
    },
    HouseholdMovedAway {
        household: HouseholdCode,
        reason: Text,
    },
    /// A household's PIN was set or reset. The hash lives in the credential
    /// store, never here.
    PinSet {
        household: HouseholdCode,
    },
    /// A household locked by wrong PINs was unlocked by staff.
    HouseholdUnlocked {
        household: HouseholdCode,
    },
    /// Points credited. `(household, period, source)` is the credit's key:
    /// one credit per key, ever.
    Credited {
        household: HouseholdCode,
        amount: Points,
        period: Period,
        source: Text,
        reason: Option<Text>,
        /// The rules version that produced it (0, the seed's defaults, is
        /// not written: older credits decode to it).
        #[serde(default, skip_serializing_if = "is_zero")]
        rules_version: u32,
    },
    /// A signed adjustment, referring to the credit it corrects when there is
    /// one. The only way a balance may go below zero.
    Corrected {
        household: HouseholdCode,
        amount: Points,
        refers_to_seq: Option<u64>,
        reason: Text,
    },
    Redeemed {
        household: HouseholdCode,
        lines: Vec<RedeemedLine>,
        total: Points,
        /// The member who collected the goods (领取人), when the household
        /// signed in with a member's card. Left out of the bytes when none,
        /// so older redemptions keep theirs.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        collector: Option<Text>,
    },
    /// A redemption undone: its points and stock come back; it stays in the
    /// journal.
    RedemptionVoided {
        redemption_seq: u64,
        reason: Text,
    },
    ItemAdded {
        sku: Sku,
        details: ItemDetails,
        price: Points,
    },
    ItemUpdated {
        sku: Sku,
        details: ItemDetails,
    },
    ItemRepriced {
        sku: Sku,
        price: Points,
    },
    ItemDeactivated {
        sku: Sku,
    },
    ItemReactivated {
        sku: Sku,
    },
    Restocked {
        donor: Text,
        source_type: SourceType,
        lines: Vec<StockLine>,
        declared_value: Option<Points>,
    },
    StockAdjusted {
        sku: Sku,
        delta: i64,
        reason: Text,
    },
    /// A staff member added; their PIN is set by a `staff_pin_set` entry.
    StaffAdded {
        staff: StaffId,
        name: Text,
        role: Role,
    },
    /// A staff member's name, role or status changed.
    StaffUpdated {
        staff: StaffId,
        name: Text,
        role: Role,
        active: bool,
    },
    /// A staff member's PIN was set or reset (the hash is in the credential
    /// store).
    StaffPinSet {
        staff: StaffId,
    },
    /// A new one-time recovery code for a forgotten admin PIN was made (its
    /// hash is in the credential store; the code is printed once).
    RecoveryCodeSet,
    /// A village setting changed.
    SettingChanged {
        setting: crate::settings::Setting,
    },
    /// The year's books closed at the village-local year end (年底清零):
    /// under the `clear` setting every positive balance is cleared.
    YearClosed {
        year: i32,
        /// What each household lost to the close: its balance at the
        /// village-local year end, less what it redeemed after it (old
        /// points are spent first), never more than it holds. Entries
        /// written before this was recorded have none: they cleared every
        /// positive balance as it stood.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cleared: Option<Vec<ClearedBalance>>,
    },
    /// Clerk: entries up to `last_seq` were exported and uploaded.
    BatchUploaded {
        first_seq: u64,
        last_seq: u64,
        last_hash: String,
    },
    /// The village's points rules changed; `rules.version` is the next one.
    RulesChanged {
        rules: crate::rulebook::RulesRecord,
    },
    /// One household's score in a period's score sheet, posted (公示).
    ScorePosted {
        period: Period,
        household: HouseholdCode,
        score_tenths: u16,
    },
    /// An objection (异议) during posting: the finding and the corrected score.
    ScoreObjected {
        period: Period,
        household: HouseholdCode,
        finding: Text,
        score_tenths: u16,
    },
    /// One household's score in a period's score sheet, imported by the
    /// clerk and waiting for the leading group's review (领导组审核) before
    /// it is posted. The actor imported it.
    ScoreSubmitted {
        period: Period,
        household: HouseholdCode,
        score_tenths: u16,
    },
    /// A submitted sheet approved by an admin (the actor) and posted from
    /// now. `own`: the admin who imported it approved it, the village having
    /// turned the two-person rule off.
    ScoresApproved {
        period: Period,
        #[serde(default, skip_serializing_if = "is_false")]
        own: bool,
    },
    /// An objection (异议) raised during posting, pending until resolved:
    /// who raised it and what it says. The actor recorded it.
    ObjectionRaised {
        period: Period,
        household: HouseholdCode,
        raised_by: Text,
        what: Text,
    },
    /// A pending objection resolved with a finding and, if the finding
    /// says so, a corrected score.
    ObjectionResolved {
        period: Period,
        household: HouseholdCode,
        finding: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        score_tenths: Option<u16>,
    },
    /// A period's posted scores applied; its credits and blacklist changes follow.
    ScoresApplied {
        period: Period,
    },
    /// Put on the blacklist (曝光台) by a period's results.
    Blacklisted {
        household: HouseholdCode,
        period: Period,
    },
    /// Taken off the blacklist: three periods not last, or the clerk with a reason.
    BlacklistLifted {
        household: HouseholdCode,
        reason: Text,
    },
    /// A member joined a household's list: a name, a relation (户主, 配偶,
    /// 子女 …) and optionally a card of their own, which signs in to the
    /// household like its code ([`crate::ledger::members`]).
    MemberAdded {
        household: HouseholdCode,
        member: Text,
        relation: Text,
        card: Option<HouseholdCode>,
    },
    /// A member left a household's list (and their card with them).
    MemberRemoved {
        household: HouseholdCode,
        member: Text,
    },
    /// Points moved from one household to another by a split (分户) or a
    /// merge (合户): the only way points pass between households. One entry
    /// holds both sides, so it sums to zero.
    PointsTransferred {
        from: HouseholdCode,
        to: HouseholdCode,
        amount: Points,
        transfer: TransferKind,
        reason: Text,
    },
    /// The journal was restarted after damaged storage: the stored records
    /// `lost_from_seq..=lost_to_seq` could not be verified and are gone.
    /// This entry takes `lost_from_seq`'s place and chains to the last good
    /// hash; `bad_record_hash` is the SHA-256 of the first lost record as
    /// it was stored, so the damaged copy can be matched later.
    JournalRestarted {
        lost_from_seq: u64,
        lost_to_seq: u64,
        bad_record_hash: String,
    },
    /// An admin enrolled the kiosk with the county platform at `platform`
    /// (an origin), which knows it as `county_id`. The token the platform
    /// gave stays in the kiosk's storage, never in the journal.
    PlatformEnrolled {
        county_id: CountyId,
        platform: crate::upload::PlatformOrigin,
    },
    /// A staff member confirmed that the kiosk's clock is right after it
    /// jumped more than a day since the last entry: the ledger time adopts
    /// this entry's own time ([`crate::clock`]). `ledger_ms_before` is the
    /// ledger time it replaces.
    ClockConfirmed {
        ledger_ms_before: i64,
    },
    /// A backup was restored onto an empty kiosk: the `backup_seq` entries
    /// before this one are the backup's, ending at `backup_head` (hex).
    /// `auth` says what allowed it. Whatever the kiosk recorded after the
    /// backup was made cannot chain on from here, so a rollback by restore
    /// always shows as a fork.
    Restored {
        backup_seq: u64,
        backup_head: String,
        auth: RestoreAuthKind,
    },
    /// Staff archived the entries up to `through_seq`: the kiosk keeps the
    /// state at that seq (its head `head`, its state hash `state_hash`,
    /// both hex) as the base later entries chain from. Written before the
    /// entries are moved out, so the chain itself vouches for the base: a
    /// stored base that differs from this entry is damaged or edited.
    Archived {
        through_seq: u64,
        head: String,
        state_hash: String,
    },
}

/// Why points moved between two households.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferKind {
    /// 分户: part of a household's points go with the new household split
    /// from it, before that household holds anything else.
    Split,
    /// 合户: a household's whole balance goes to the one it joins, and it
    /// moves away.
    Merge,
}

impl TransferKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferKind::Split => "split",
            TransferKind::Merge => "merge",
        }
    }
}

/// What allowed a restore.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestoreAuthKind {
    /// The village's printed recovery code.
    RecoveryCode,
    /// The PIN of an admin whose credentials the backup carries.
    AdminPin,
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_zero(version: &u32) -> bool {
    *version == 0
}

impl Body {
    /// The kind's name as stored (`redeemed`, `credited` …).
    pub fn kind(&self) -> &'static str {
        match self {
            Body::Genesis { .. } => "genesis",
            Body::HouseholdRegistered { .. } => "household_registered",
            Body::HouseholdUpdated { .. } => "household_updated",
            Body::HouseholdSuspended { .. } => "household_suspended",
            Body::HouseholdReinstated { .. } => "household_reinstated",
            Body::HouseholdMovedAway { .. } => "household_moved_away",
            Body::PinSet { .. } => "pin_set",
            Body::HouseholdUnlocked { .. } => "household_unlocked",
            Body::Credited { .. } => "credited",
            Body::Corrected { .. } => "corrected",
            Body::Redeemed { .. } => "redeemed",
            Body::RedemptionVoided { .. } => "redemption_voided",
            Body::ItemAdded { .. } => "item_added",
            Body::ItemUpdated { .. } => "item_updated",
            Body::ItemRepriced { .. } => "item_repriced",
            Body::ItemDeactivated { .. } => "item_deactivated",
            Body::ItemReactivated { .. } => "item_reactivated",
            Body::Restocked { .. } => "restocked",
            Body::StockAdjusted { .. } => "stock_adjusted",
            Body::StaffAdded { .. } => "staff_added",
            Body::StaffUpdated { .. } => "staff_updated",
            Body::StaffPinSet { .. } => "staff_pin_set",
            Body::RecoveryCodeSet => "recovery_code_set",
            Body::SettingChanged { .. } => "setting_changed",
            Body::YearClosed { .. } => "year_closed",
            Body::BatchUploaded { .. } => "batch_uploaded",
            Body::RulesChanged { .. } => "rules_changed",
            Body::ScorePosted { .. } => "score_posted",
            Body::ScoreObjected { .. } => "score_objected",
            Body::ScoreSubmitted { .. } => "score_submitted",
            Body::ScoresApproved { .. } => "scores_approved",
            Body::ObjectionRaised { .. } => "objection_raised",
            Body::ObjectionResolved { .. } => "objection_resolved",
            Body::ScoresApplied { .. } => "scores_applied",
            Body::Blacklisted { .. } => "blacklisted",
            Body::BlacklistLifted { .. } => "blacklist_lifted",
            Body::JournalRestarted { .. } => "journal_restarted",
            Body::PlatformEnrolled { .. } => "platform_enrolled",
            Body::ClockConfirmed { .. } => "clock_confirmed",
            Body::Restored { .. } => "restored",
            Body::Archived { .. } => "archived",
            Body::MemberAdded { .. } => "member_added",
            Body::MemberRemoved { .. } => "member_removed",
            Body::PointsTransferred { .. } => "points_transferred",
        }
    }
}

/// Why stored bytes are not an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    TooLarge,
    /// Not JSON of an entry, or a value its checked constructor refuses.
    Malformed(String),
    UnknownFormat(u32),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::TooLarge => write!(f, "record larger than {ENTRY_BYTES_MAX} bytes"),
            DecodeError::Malformed(detail) => write!(f, "undecodable record: {detail}"),
            DecodeError::UnknownFormat(version) => write!(f, "unknown format version {version}"),
        }
    }
}

impl Entry {
    /// The canonical bytes: what is stored, hashed and exported.
    pub fn encode(&self) -> Vec<u8> {
        codec::encode(self)
    }

    /// Decodes stored bytes, refusing anything that is not a valid entry.
    pub fn decode(bytes: &[u8]) -> Result<Entry, DecodeError> {
        if bytes.len() > ENTRY_BYTES_MAX {
            return Err(DecodeError::TooLarge);
        }
        // Format 1 is read in one pass (the path every open takes); only a
        // record that fails is scanned again for its version, to say which
        // format it is in.
        match codec::decode(bytes) {
            Ok(entry) if entry.format_version == FORMAT_VERSION => Ok(entry),
            Ok(entry) => Err(DecodeError::UnknownFormat(entry.format_version)),
            Err(detail) => match codec::format_version_of(bytes) {
                Some(version) if version != FORMAT_VERSION => {
                    Err(DecodeError::UnknownFormat(version))
                }
                _ => Err(DecodeError::Malformed(detail)),
            },
        }
    }
}

/// The next link of the chain: `SHA-256(previous ‖ bytes)`.
pub fn chain_hash(previous: &Hash, bytes: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(previous);
    hasher.update(bytes);
    hasher.finalize().into()
}

/// Lower-case hex of a hash.
pub fn hex_of(hash: &Hash) -> String {
    hex::encode(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha256_of_previous_and_bytes() {
        // SHA-256 of 32 zero bytes followed by "abc".
        let mut input = vec![0u8; 32];
        input.extend_from_slice(b"abc");
        let expected: Hash = Sha256::digest(&input).into();
        assert_eq!(chain_hash(&GENESIS_PREVIOUS_HASH, b"abc"), expected);
    }

    #[test]
    fn decoding_refuses_what_is_not_an_entry() {
        let check = |bytes: &[u8], expected: &str| {
            let result = Entry::decode(bytes);
            let error = result.expect_err("must be refused");
            assert!(format!("{error}").contains(expected), "{error}");
        };
        check(b"", "undecodable");
        check(b"{\"format_version\":2}", "unknown format version 2");
        check(
            br#"{"format_version":1,"seq":1,"time_ms":0,"id":"x","actor":{"type":"system"},"body":{"kind":"pin_set","household":"a1"}}"#,
            "undecodable",
        );
        check(&vec![b' '; ENTRY_BYTES_MAX + 1], "larger than");
    }

    #[test]
    fn images_are_paths_or_small_data_urls() {
        assert!(ImageRef::new("img/goods/salt-500g.svg").is_some());
        assert!(ImageRef::new("data:image/png;base64,iVBORw0KGgo=").is_some());
        for bad in [
            "javascript:alert(1)",
            "https://example.com/a.png",
            "img/../secret.svg",
            "data:text/html;base64,PHNjcmlwdD4=",
            "data:image/png;base64,<script>",
            "img/a b.svg",
        ] {
            assert!(ImageRef::new(bad).is_none(), "{bad}");
        }
        let large = format!("data:image/png;base64,{}", "A".repeat(IMAGE_BYTES_MAX));
        assert!(ImageRef::new(&large).is_none());
    }
}
