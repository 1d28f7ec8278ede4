//! An entry's canonical bytes, written and read by hand.
//!
//! The bytes are compact JSON — one line, no spaces, amounts as integer
//! hundredths, strings escaped as `serde_json` escapes them — with every
//! field in the order written out below. The order is spelled out here
//! rather than taken from the declarations in [`super`], so renaming or
//! moving a field of a domain type cannot change the bytes (and so the
//! hashes) of any journal: `tests/journal.rs` holds every entry of the
//! golden fixtures to the bytes they were written with.
//!
//! The reader is one pass over the bytes for exactly this shape: objects,
//! arrays, strings with their escapes, integers, booleans and null. It
//! refuses what the format never holds — unknown and duplicate fields, a
//! value of the wrong type, a missing field, a float, trailing bytes — and
//! runs each name's checked constructor, so a record that decodes holds only
//! valid values. Fields may come in any order and with spaces between
//! them; an object's tag (`kind`, `type`) is usually first, and is looked
//! for in the rest of the object when it is not.
//!
//! It reads everything the derived serde decoding read that an encoder
//! ever wrote, and two shapes more are refused than there: a struct written
//! as a JSON array, and a field in an object of a kind that has none
//! (`recovery_code_set`, the `system` actor). No build wrote either.

use super::{
    Actor, Barcode, Body, ClearedBalance, Entry, EntryId, HouseholdKind, ImageRef, ItemDetails,
    RedeemedLine, RestoreAuthKind, Role, SourceType, StockLine, TransferKind,
};
use crate::credential::{Credential, PinHash};
use crate::ids::{CountyId, HouseholdCode, KioskId, Period, Sku, StaffId, Text, TEXT_LENGTH_MAX};
use crate::points::Points;
use crate::rulebook::{BandRecord, CategoryRecord, ItemRecord, RulesRecord};
use crate::settings::Setting;
use crate::upload::PlatformOrigin;
use std::borrow::Cow;
use std::fmt::Display;

/// How deep [`Reader::skip_value`] follows nested values (an entry is a few
/// levels deep; the limit keeps a hostile record from exhausting the stack).
const DEPTH_MAX: usize = 32;

// ---------------------------------------------------------------- writing

/// The canonical bytes of `entry`.
pub(super) fn encode(entry: &Entry) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::with_capacity(256),
        first: true,
    };
    w.open();
    w.uint("format_version", u64::from(entry.format_version));
    w.uint("seq", entry.seq);
    w.int("time_ms", entry.time_ms);
    w.str("id", entry.id.as_str());
    w.key("actor");
    actor(&mut w, &entry.actor);
    w.key("body");
    body(&mut w, &entry.body);
    if let Some(staff) = &entry.co_signed_by {
        w.str("co_signed_by", staff.as_str());
    }
    w.close();
    w.out
}

/// Compact JSON written field by field; `first` says whether the next value
/// in the open object or array needs no comma before it.
struct Writer {
    out: Vec<u8>,
    first: bool,
}

impl Writer {
    fn open(&mut self) {
        self.out.push(b'{');
        self.first = true;
    }

    fn close(&mut self) {
        self.out.push(b'}');
        self.first = false;
    }

    fn open_array(&mut self) {
        self.out.push(b'[');
        self.first = true;
    }

    fn close_array(&mut self) {
        self.out.push(b']');
        self.first = false;
    }

    /// Starts the next value of an array.
    fn item(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    fn key(&mut self, name: &str) {
        self.item();
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    fn str(&mut self, name: &str, text: &str) {
        self.key(name);
        self.string(text);
    }

    fn uint(&mut self, name: &str, value: u64) {
        self.key(name);
        self.digits(value);
    }

    fn int(&mut self, name: &str, value: i64) {
        self.key(name);
        if value < 0 {
            self.out.push(b'-');
        }
        self.digits(value.unsigned_abs());
    }

    fn points(&mut self, name: &str, amount: Points) {
        self.int(name, amount.hundredths());
    }

    fn bool(&mut self, name: &str, value: bool) {
        self.key(name);
        let text: &[u8] = if value { b"true" } else { b"false" };
        self.out.extend_from_slice(text);
    }

    fn null(&mut self, name: &str) {
        self.key(name);
        self.out.extend_from_slice(b"null");
    }

    fn digits(&mut self, mut value: u64) {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (value % 10) as u8;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[start..]);
    }

    /// A JSON string escaped as `serde_json` escapes it: `"` and `\`, and
    /// control characters as `\b \t \n \f \r` or `\u00xx`; everything else,
    /// Chinese included, as its UTF-8 bytes.
    fn string(&mut self, text: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.out.push(b'"');
        let bytes = text.as_bytes();
        let mut plain = 0;
        for (at, &byte) in bytes.iter().enumerate() {
            let escape: &[u8] = match byte {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                0x08 => b"\\b",
                b'\t' => b"\\t",
                b'\n' => b"\\n",
                0x0c => b"\\f",
                b'\r' => b"\\r",
                0x00..=0x1f => b"",
                _ => continue,
            };
            self.out.extend_from_slice(&bytes[plain..at]);
            plain = at + 1;
            if escape.is_empty() {
                let hex = [HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]];
                self.out.extend_from_slice(b"\\u00");
                self.out.extend_from_slice(&hex);
            } else {
                self.out.extend_from_slice(escape);
            }
        }
        self.out.extend_from_slice(&bytes[plain..]);
        self.out.push(b'"');
    }

    fn opt_str(&mut self, name: &str, text: Option<&str>) {
        match text {
            Some(text) => self.str(name, text),
            None => self.null(name),
        }
    }
}

fn household_kind_name(kind: HouseholdKind) -> &'static str {
    match kind {
        HouseholdKind::Family => "family",
        HouseholdKind::Unit => "unit",
    }
}

fn restore_auth_name(auth: RestoreAuthKind) -> &'static str {
    match auth {
        RestoreAuthKind::RecoveryCode => "recovery_code",
        RestoreAuthKind::AdminPin => "admin_pin",
    }
}

fn actor(w: &mut Writer, actor: &Actor) {
    w.open();
    match actor {
        Actor::System => w.str("type", "system"),
        Actor::Household { household } => {
            w.str("type", "household");
            w.str("household", household.as_str());
        }
        Actor::Staff { staff } => {
            w.str("type", "staff");
            w.str("staff", staff.as_str());
        }
        Actor::Assisted { household, staff } => {
            w.str("type", "assisted");
            w.str("household", household.as_str());
            w.str("staff", staff.as_str());
        }
    }
    w.close();
}

fn body(w: &mut Writer, body: &Body) {
    w.open();
    w.str("kind", body.kind());
    match body {
        Body::Genesis {
            kiosk_id,
            village,
            shop,
            time_zone,
            utc_offset_minutes,
        } => {
            w.str("kiosk_id", kiosk_id.as_str());
            w.str("village", village.as_str());
            w.str("shop", shop.as_str());
            w.str("time_zone", time_zone.as_str());
            w.int("utc_offset_minutes", i64::from(*utc_offset_minutes));
        }
        Body::HouseholdRegistered {
            household,
            name,
            group,
            household_kind,
        }
        | Body::HouseholdUpdated {
            household,
            name,
            group,
            household_kind,
        } => {
            w.str("household", household.as_str());
            w.str("name", name.as_str());
            w.str("group", group.as_str());
            w.str("household_kind", household_kind_name(*household_kind));
        }
        Body::HouseholdSuspended { household, reason }
        | Body::HouseholdReinstated { household, reason }
        | Body::HouseholdMovedAway { household, reason }
        | Body::BlacklistLifted { household, reason } => {
            w.str("household", household.as_str());
            w.str("reason", reason.as_str());
        }
        Body::PinSet { household } | Body::HouseholdUnlocked { household } => {
            w.str("household", household.as_str());
        }
        Body::Credited {
            household,
            amount,
            period,
            source,
            reason,
            rules_version,
        } => {
            w.str("household", household.as_str());
            w.points("amount", *amount);
            w.str("period", period.as_str());
            w.str("source", source.as_str());
            w.opt_str("reason", reason.as_ref().map(Text::as_str));
            if *rules_version != 0 {
                w.uint("rules_version", u64::from(*rules_version));
            }
        }
        Body::Corrected {
            household,
            amount,
            refers_to_seq,
            reason,
        } => {
            w.str("household", household.as_str());
            w.points("amount", *amount);
            match refers_to_seq {
                Some(seq) => w.uint("refers_to_seq", *seq),
                None => w.null("refers_to_seq"),
            }
            w.str("reason", reason.as_str());
        }
        Body::Redeemed {
            household,
            lines,
            total,
            collector,
        } => {
            w.str("household", household.as_str());
            w.key("lines");
            w.open_array();
            for line in lines {
                w.item();
                w.open();
                w.str("sku", line.sku.as_str());
                w.uint("quantity", u64::from(line.quantity));
                w.points("unit_price", line.unit_price);
                w.close();
            }
            w.close_array();
            w.points("total", *total);
            if let Some(collector) = collector {
                w.str("collector", collector.as_str());
            }
        }
        Body::RedemptionVoided {
            redemption_seq,
            reason,
        } => {
            w.uint("redemption_seq", *redemption_seq);
            w.str("reason", reason.as_str());
        }
        Body::ItemAdded {
            sku,
            details,
            price,
        } => {
            w.str("sku", sku.as_str());
            w.key("details");
            item_details(w, details);
            w.points("price", *price);
        }
        Body::ItemUpdated { sku, details } => {
            w.str("sku", sku.as_str());
            w.key("details");
            item_details(w, details);
        }
        Body::ItemRepriced { sku, price } => {
            w.str("sku", sku.as_str());
            w.points("price", *price);
        }
        Body::ItemDeactivated { sku } | Body::ItemReactivated { sku } => {
            w.str("sku", sku.as_str());
        }
        Body::Restocked {
            donor,
            source_type,
            lines,
            declared_value,
        } => {
            w.str("donor", donor.as_str());
            w.str("source_type", source_type.as_str());
            w.key("lines");
            w.open_array();
            for line in lines {
                w.item();
                w.open();
                w.str("sku", line.sku.as_str());
                w.uint("quantity", u64::from(line.quantity));
                w.close();
            }
            w.close_array();
            match declared_value {
                Some(value) => w.points("declared_value", *value),
                None => w.null("declared_value"),
            }
        }
        Body::StockAdjusted { sku, delta, reason } => {
            w.str("sku", sku.as_str());
            w.int("delta", *delta);
            w.str("reason", reason.as_str());
        }
        Body::StaffAdded { staff, name, role } => {
            w.str("staff", staff.as_str());
            w.str("name", name.as_str());
            w.str("role", role.as_str());
        }
        Body::StaffUpdated {
            staff,
            name,
            role,
            active,
        } => {
            w.str("staff", staff.as_str());
            w.str("name", name.as_str());
            w.str("role", role.as_str());
            w.bool("active", *active);
        }
        Body::StaffPinSet { staff } => w.str("staff", staff.as_str()),
        Body::RecoveryCodeSet => {}
        Body::SettingChanged { setting } => {
            w.key("setting");
            w.open();
            w.str("key", setting.key());
            w.str("value", &setting.value());
            w.close();
        }
        Body::YearClosed { year, cleared } => {
            w.int("year", i64::from(*year));
            if let Some(cleared) = cleared {
                w.key("cleared");
                w.open_array();
                for balance in cleared {
                    w.item();
                    w.open();
                    w.str("household", balance.household.as_str());
                    w.points("amount", balance.amount);
                    w.close();
                }
                w.close_array();
            }
        }
        Body::BatchUploaded {
            first_seq,
            last_seq,
            last_hash,
        } => {
            w.uint("first_seq", *first_seq);
            w.uint("last_seq", *last_seq);
            w.str("last_hash", last_hash);
        }
        Body::RulesChanged { rules } => {
            w.key("rules");
            rules_record(w, rules);
        }
        Body::ScorePosted {
            period,
            household,
            score_tenths,
        }
        | Body::ScoreSubmitted {
            period,
            household,
            score_tenths,
        } => {
            w.str("period", period.as_str());
            w.str("household", household.as_str());
            w.uint("score_tenths", u64::from(*score_tenths));
        }
        Body::ScoreObjected {
            period,
            household,
            finding,
            score_tenths,
        } => {
            w.str("period", period.as_str());
            w.str("household", household.as_str());
            w.str("finding", finding.as_str());
            w.uint("score_tenths", u64::from(*score_tenths));
        }
        Body::ScoresApproved { period, own } => {
            w.str("period", period.as_str());
            if *own {
                w.bool("own", true);
            }
        }
        Body::ObjectionRaised {
            period,
            household,
            raised_by,
            what,
        } => {
            w.str("period", period.as_str());
            w.str("household", household.as_str());
            w.str("raised_by", raised_by.as_str());
            w.str("what", what.as_str());
        }
        Body::ObjectionResolved {
            period,
            household,
            finding,
            score_tenths,
        } => {
            w.str("period", period.as_str());
            w.str("household", household.as_str());
            w.str("finding", finding.as_str());
            if let Some(score) = score_tenths {
                w.uint("score_tenths", u64::from(*score));
            }
        }
        Body::ScoresApplied { period } => w.str("period", period.as_str()),
        Body::Blacklisted { household, period } => {
            w.str("household", household.as_str());
            w.str("period", period.as_str());
        }
        Body::MemberAdded {
            household,
            member,
            relation,
            card,
        } => {
            w.str("household", household.as_str());
            w.str("member", member.as_str());
            w.str("relation", relation.as_str());
            w.opt_str("card", card.as_ref().map(HouseholdCode::as_str));
        }
        Body::MemberRemoved { household, member } => {
            w.str("household", household.as_str());
            w.str("member", member.as_str());
        }
        Body::PointsTransferred {
            from,
            to,
            amount,
            transfer,
            reason,
        } => {
            w.str("from", from.as_str());
            w.str("to", to.as_str());
            w.points("amount", *amount);
            w.str("transfer", transfer.as_str());
            w.str("reason", reason.as_str());
        }
        Body::JournalRestarted {
            lost_from_seq,
            lost_to_seq,
            bad_record_hash,
        } => {
            w.uint("lost_from_seq", *lost_from_seq);
            w.uint("lost_to_seq", *lost_to_seq);
            w.str("bad_record_hash", bad_record_hash);
        }
        Body::PlatformEnrolled {
            county_id,
            platform,
        } => {
            w.str("county_id", county_id.as_str());
            w.str("platform", platform.as_str());
        }
        Body::ClockConfirmed { ledger_ms_before } => {
            w.int("ledger_ms_before", *ledger_ms_before);
        }
        Body::Restored {
            backup_seq,
            backup_head,
            auth,
        } => {
            w.uint("backup_seq", *backup_seq);
            w.str("backup_head", backup_head);
            w.str("auth", restore_auth_name(*auth));
        }
        Body::Archived {
            through_seq,
            head,
            state_hash,
        } => {
            w.uint("through_seq", *through_seq);
            w.str("head", head);
            w.str("state_hash", state_hash);
        }
    }
    w.close();
}

fn item_details(w: &mut Writer, details: &ItemDetails) {
    w.open();
    w.str("name_zh", details.name_zh.as_str());
    w.opt_str("name_en", details.name_en.as_ref().map(Text::as_str));
    w.str("unit", details.unit.as_str());
    w.str("category", details.category.as_str());
    w.opt_str("barcode", details.barcode.as_ref().map(Barcode::as_str));
    w.opt_str("image", details.image.as_ref().map(ImageRef::as_str));
    if let Some(low_stock) = details.low_stock {
        w.uint("low_stock", u64::from(low_stock));
    }
    w.close();
}

fn rules_record(w: &mut Writer, rules: &RulesRecord) {
    w.open();
    w.uint("version", u64::from(rules.version));
    w.str("source", &rules.source);
    w.str("period", &rules.period);
    w.key("table");
    w.open_array();
    for category in &rules.table {
        w.item();
        w.open();
        w.str("name", &category.name);
        w.key("items");
        w.open_array();
        for item in &category.items {
            w.item();
            w.open();
            w.str("name", &item.name);
            w.uint("max_tenths", u64::from(item.max_tenths));
            if item.deduction {
                w.bool("deduction", true);
            }
            w.close();
        }
        w.close_array();
        w.close();
    }
    w.close_array();
    w.key("bands");
    w.open_array();
    for band in &rules.bands {
        w.item();
        w.open();
        w.uint("lower_tenths", u64::from(band.lower_tenths));
        w.bool("lower_inclusive", band.lower_inclusive);
        w.points("points", band.points);
        w.close();
    }
    w.close_array();
    w.points("bonus_points", rules.bonus_points);
    w.close();
}

// ------------------------------------------------- parts of a checkpoint

/// An item's details and the points rules are held in a checkpoint as the
/// JSON an entry carries them in, written and read here by the same hand
/// (the bytes `serde_json` wrote for them before, so older checkpoints
/// still read and still prove equal to a replayed state).
impl ItemDetails {
    pub(crate) fn to_json(&self) -> String {
        part_json(|w| item_details(w, self))
    }

    pub(crate) fn from_json(text: &str) -> Read<ItemDetails> {
        read_part(text, Reader::item_details)
    }
}

impl RulesRecord {
    pub(crate) fn to_json(&self) -> String {
        part_json(|w| rules_record(w, self))
    }

    pub(crate) fn from_json(text: &str) -> Read<RulesRecord> {
        read_part(text, Reader::rules_record)
    }
}

/// A PIN's credential record, stored apart from the journal, is the same
/// kind of JSON (the bytes `serde_json` wrote for it before, so stored
/// records and backups still read).
impl Credential {
    pub(crate) fn to_json(&self) -> String {
        part_json(|w| {
            w.open();
            w.key("pin_hash");
            match &self.pin_hash {
                Some(hash) => {
                    w.open();
                    w.str("algorithm", &hash.algorithm);
                    w.uint("iterations", u64::from(hash.iterations));
                    w.str("salt", &hash.salt);
                    w.str("hash", &hash.hash);
                    w.close();
                }
                None => w.out.extend_from_slice(b"null"),
            }
            w.uint("failures", u64::from(self.failures));
            w.int("locked_until_ms", self.locked_until_ms);
            w.int("last_attempt_ms", self.last_attempt_ms);
            w.close();
        })
    }

    pub(crate) fn from_json(text: &str) -> Read<Credential> {
        read_part(text, Reader::credential)
    }
}

fn part_json(write: impl FnOnce(&mut Writer)) -> String {
    let mut w = Writer {
        out: Vec::with_capacity(128),
        first: true,
    };
    write(&mut w);
    // The writer only ever writes UTF-8 (names and escaped strings).
    String::from_utf8(w.out).unwrap_or_default()
}

fn read_part<'a, T>(text: &'a str, read: fn(&mut Reader<'a>) -> Read<T>) -> Read<T> {
    let mut reader = Reader { text, at: 0 };
    let part = read(&mut reader)?;
    reader.end()?;
    Ok(part)
}

// ---------------------------------------------------------------- reading

/// A name the reader checks without copying its text first: the checked
/// constructor on the borrowed text, and the name as it stands.
trait Name: TryFrom<String> {
    fn checked(text: &str) -> Option<Self>;
    fn text(&self) -> &str;
}

macro_rules! names {
    ($($name:ty => $checked:expr),* $(,)?) => {$(
        impl Name for $name {
            fn checked(text: &str) -> Option<Self> {
                ($checked)(text)
            }
            fn text(&self) -> &str {
                self.as_str()
            }
        }
    )*};
}

names! {
    HouseholdCode => |text| HouseholdCode::new(text).ok(),
    Sku => |text| Sku::new(text).ok(),
    StaffId => |text| StaffId::new(text).ok(),
    KioskId => |text| KioskId::new(text).ok(),
    CountyId => |text| CountyId::new(text).ok(),
    Period => |text| Period::new(text).ok(),
    Text => |text| Text::new(text, TEXT_LENGTH_MAX).ok(),
    EntryId => EntryId::new,
    Barcode => Barcode::new,
    ImageRef => ImageRef::new,
    PlatformOrigin => |text| PlatformOrigin::parse(text).ok(),
}

type Read<T> = Result<T, String>;

/// Reads `bytes` as one entry; the error says what is wrong and where.
pub(super) fn decode(bytes: &[u8]) -> Read<Entry> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
    let mut reader = Reader { text, at: 0 };
    let entry = reader.entry()?;
    reader.end()?;
    Ok(entry)
}

/// The `format_version` of a record that is not an entry of this format,
/// when it is a JSON object that says one.
pub(super) fn format_version_of(bytes: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut reader = Reader { text, at: 0 };
    let mut version = None;
    reader
        .object(None, |r, key| match key {
            "format_version" => r.slot(&mut version, key, Reader::u32),
            _ => r.skip_value(0),
        })
        .ok()?;
    reader.end().ok()?;
    version
}

/// A cursor over the record's text.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

/// Reads a struct's fields in any order into one slot each, refusing
/// unknown and repeated fields, then builds it; fields after `default`
/// may be missing (a missing optional value is none, a missing flag false).
///
/// The names go in a table and [`Reader::fields`] does the looking up and
/// the refusing for every kind alike; what each kind adds is only the
/// reading of its values, by their place in the table. (A matcher of names
/// per kind, written out by the macro, was most of the wasm's reader.)
macro_rules! record {
    ($r:expr, $tag:expr, $($path:ident)::+ {}) => {{
        $r.fields($tag, &[], 0, &mut |_, _| Ok(()))?;
        $($path)::+ {}
    }};
    ($r:expr, $tag:expr, $($path:ident)::+ {
        $($field:ident: $read:expr),* $(,)?
    } $(default { $($optional:ident: $read_optional:expr),* $(,)? })?) => {{
        const NAMES: &[&str] = &[$(stringify!($field),)* $($(stringify!($optional),)*)?];
        const REQUIRED: usize = {
            let required: &[&str] = &[$(stringify!($field)),*];
            required.len()
        };
        const _: () = assert!(NAMES.len() <= u64::BITS as usize);
        let mut place = 0;
        $(let mut $field = (Reader::next_place(&mut place), None);)*
        $($(let mut $optional = (Reader::next_place(&mut place), None);)*)?
        $r.fields($tag, NAMES, REQUIRED, &mut |r, at| {
            $(if at == $field.0 {
                $field.1 = Some(($read)(r)?);
            })*
            $($(if at == $optional.0 {
                $optional.1 = Some(($read_optional)(r)?);
            })*)?
            Ok(())
        })?;
        // All in one match, so a missing value (which `fields` has already
        // refused) has one way out rather than one per field.
        #[allow(unreachable_patterns)]
        match ($($field.1,)*) {
            ($(Some($field),)*) => $($path)::+ {
                $($field,)*
                $($($optional: $optional.1.unwrap_or_default(),)*)?
            },
            _ => return Err($r.missing(NAMES[0])),
        }
    }};
}

impl<'a> Reader<'a> {
    #[cold]
    #[inline(never)]
    fn error(&self, problem: &str) -> String {
        format!("{problem} at column {}", self.at + 1)
    }

    #[cold]
    #[inline(never)]
    fn missing(&self, name: &str) -> String {
        self.error(&format!("missing field `{name}`"))
    }

    /// Fills `slot` with the value at the cursor, once.
    fn slot<T>(
        &mut self,
        slot: &mut Option<T>,
        name: &str,
        read: impl FnOnce(&mut Self) -> Read<T>,
    ) -> Read<()> {
        if slot.is_some() {
            return Err(self.error(&format!("duplicate field `{name}`")));
        }
        *slot = Some(read(self)?);
        Ok(())
    }

    /// The place in a record's table of the next field the macro sets up.
    fn next_place(place: &mut usize) -> usize {
        let at = *place;
        *place += 1;
        at
    }

    /// A record's fields: each name looked up in `names` and its value
    /// handed to `field` by its place there, refusing a name not in the
    /// table, one seen before, and a missing one of the first `required`
    /// names (after the object, the first missing in the table's order) —
    /// one loop for every kind of record.
    #[inline(never)]
    fn fields(
        &mut self,
        tag: Option<&str>,
        names: &[&str],
        required: usize,
        field: &mut dyn FnMut(&mut Self, usize) -> Read<()>,
    ) -> Read<()> {
        let mut seen = 0u64;
        self.object(tag, |r, key| {
            let Some(at) = names.iter().position(|name| *name == key) else {
                return Err(r.error(&format!("unknown field `{key}`")));
            };
            let bit = 1u64 << at;
            if seen & bit != 0 {
                return Err(r.error(&format!("duplicate field `{key}`")));
            }
            seen |= bit;
            field(r, at)
        })?;
        let mut missing = names.iter().take(required).enumerate();
        match missing.find(|(at, _)| seen & 1 << at == 0) {
            Some((_, name)) => Err(self.missing(name)),
            None => Ok(()),
        }
    }

    fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = bytes.get(self.at) {
            self.at += 1;
        }
        bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> Read<()> {
        match self.peek() {
            Some(found) if found == byte => {
                self.at += 1;
                Ok(())
            }
            Some(_) => Err(self.error(&format!("expected `{}`", char::from(byte)))),
            None => Err(self.error("unexpected end")),
        }
    }

    fn end(&mut self) -> Read<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters")),
        }
    }

    fn literal(&mut self, word: &str) -> bool {
        self.peek();
        let rest = self.text.as_bytes().get(self.at..).unwrap_or_default();
        let found = rest.starts_with(word.as_bytes());
        if found {
            self.at += word.len();
        }
        found
    }

    /// An object's fields, each handed to `field` with the cursor on its
    /// value; the tag, already read by the caller, is passed over (once).
    fn object(
        &mut self,
        tag: Option<&str>,
        mut field: impl FnMut(&mut Self, &str) -> Read<()>,
    ) -> Read<()> {
        self.eat(b'{')?;
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(());
        }
        let mut tag_seen = false;
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            if Some(key.as_ref()) == tag {
                if tag_seen {
                    return Err(self.error(&format!("duplicate field `{key}`")));
                }
                tag_seen = true;
                self.string()?;
            } else {
                field(self, &key)?;
            }
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// The value of `tag` in the object at the cursor, which stays where
    /// it is. Written entries have it first; anywhere else is looked for.
    fn tag(&mut self, tag: &str) -> Read<Cow<'a, str>> {
        let start = self.at;
        let mut found = None;
        self.eat(b'{')?;
        if self.peek() == Some(b'"') && self.string()? == tag {
            self.eat(b':')?;
            found = Some(self.string()?);
        } else {
            self.at = start;
            self.object(None, |r, key| {
                if key == tag && found.is_none() {
                    found = Some(r.string()?);
                    Ok(())
                } else {
                    r.skip_value(0)
                }
            })?;
        }
        self.at = start;
        found.ok_or_else(|| self.error(&format!("missing field `{tag}`")))
    }

    fn array<T>(&mut self, mut item: impl FnMut(&mut Self) -> Read<T>) -> Read<Vec<T>> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(items);
        }
        loop {
            items.push(item(self)?);
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(items);
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// Any value, read and dropped (the fields a scan is not looking for).
    fn skip_value(&mut self, depth: usize) -> Read<()> {
        if depth > DEPTH_MAX {
            return Err(self.error("nested too deeply"));
        }
        match self.peek() {
            Some(b'{') => self.object(None, |r, _| r.skip_value(depth + 1)),
            Some(b'[') => self.array(|r| r.skip_value(depth + 1)).map(drop),
            Some(b'"') => self.string().map(drop),
            Some(b't') if self.literal("true") => Ok(()),
            Some(b'f') if self.literal("false") => Ok(()),
            Some(b'n') if self.literal("null") => Ok(()),
            _ => self.integer().map(drop),
        }
    }

    /// A string, borrowed from the record unless it holds escapes.
    fn string(&mut self) -> Read<Cow<'a, str>> {
        self.eat(b'"')?;
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut at = start;
        while let Some(&byte) = bytes.get(at) {
            match byte {
                b'"' => {
                    let text = self.text.get(start..at).ok_or("not UTF-8")?;
                    self.at = at + 1;
                    return Ok(Cow::Borrowed(text));
                }
                b'\\' => break,
                0x00..=0x1f => {
                    self.at = at;
                    return Err(self.error("control character in a string"));
                }
                _ => at += 1,
            }
        }
        self.at = at;
        let mut owned = String::from(self.text.get(start..at).ok_or("not UTF-8")?);
        self.escaped_rest(&mut owned)?;
        Ok(Cow::Owned(owned))
    }

    /// The rest of a string from its first escape to its closing quote.
    fn escaped_rest(&mut self, out: &mut String) -> Read<()> {
        let bytes = self.text.as_bytes();
        loop {
            let start = self.at;
            while let Some(&byte) = bytes.get(self.at) {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.push_str(self.text.get(start..self.at).ok_or("not UTF-8")?);
            match bytes.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escape = bytes.get(self.at).copied();
                    self.at += 1;
                    let plain = match escape {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        _ => return Err(self.error("invalid escape")),
                    };
                    out.push(plain);
                }
                Some(_) => return Err(self.error("control character in a string")),
                None => return Err(self.error("unexpected end of a string")),
            }
        }
    }

    /// The character of `\uXXXX` (after the `u`), with the low half of a
    /// surrogate pair when the first is the high half.
    fn unicode_escape(&mut self) -> Read<char> {
        let high = self.hex4()?;
        let code = match high {
            0xd800..=0xdbff => {
                let rest = self.text.as_bytes().get(self.at..).unwrap_or_default();
                if !rest.starts_with(b"\\u") {
                    return Err(self.error("lone leading surrogate"));
                }
                self.at += 2;
                let low = self.hex4()?;
                if !(0xdc00..=0xdfff).contains(&low) {
                    return Err(self.error("lone leading surrogate"));
                }
                0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
            }
            0xdc00..=0xdfff => return Err(self.error("lone trailing surrogate")),
            _ => high,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode escape"))
    }

    fn hex4(&mut self) -> Read<u32> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid unicode escape"))?;
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid unicode escape"))
    }

    /// An integer as JSON writes it: its sign and magnitude. A fraction or
    /// an exponent is a float, which no field of an entry holds; so is
    /// `-0`, as `serde_json` reads it.
    fn integer(&mut self) -> Read<(bool, u64)> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut magnitude: u64 = 0;
        let mut overflow = false;
        while let Some(&byte) = bytes.get(self.at) {
            if !byte.is_ascii_digit() {
                break;
            }
            let digit = u64::from(byte - b'0');
            match magnitude.checked_mul(10).and_then(|m| m.checked_add(digit)) {
                Some(next) => magnitude = next,
                None => overflow = true,
            }
            self.at += 1;
        }
        let digits = self.at - start;
        if digits == 0 {
            return Err(self.error("expected a value"));
        }
        if digits > 1 && bytes.get(start) == Some(&b'0') {
            return Err(self.error("invalid number"));
        }
        let float = matches!(bytes.get(self.at), Some(b'.' | b'e' | b'E'))
            || overflow
            || (negative && magnitude == 0);
        if float {
            return Err(self.error("invalid type: floating point, expected an integer"));
        }
        Ok((negative, magnitude))
    }

    fn u64(&mut self) -> Read<u64> {
        match self.integer()? {
            (false, value) => Ok(value),
            (true, value) => Err(self.error(&format!(
                "invalid value: integer `-{value}`, expected a non-negative integer"
            ))),
        }
    }

    fn i64(&mut self) -> Read<i64> {
        let (negative, magnitude) = self.integer()?;
        let value = if negative {
            0i64.checked_sub_unsigned(magnitude)
        } else {
            i64::try_from(magnitude).ok()
        };
        value.ok_or_else(|| self.error("integer out of range"))
    }

    fn narrow<T: TryFrom<i64>>(&mut self) -> Read<T> {
        let value = self.i64()?;
        T::try_from(value).map_err(|_| self.error(&format!("integer `{value}` out of range")))
    }

    fn u32(&mut self) -> Read<u32> {
        let value = self.u64()?;
        u32::try_from(value).map_err(|_| self.error(&format!("integer `{value}` out of range")))
    }

    fn u16(&mut self) -> Read<u16> {
        let value = self.u64()?;
        u16::try_from(value).map_err(|_| self.error(&format!("integer `{value}` out of range")))
    }

    fn bool(&mut self) -> Read<bool> {
        if self.literal("true") {
            Ok(true)
        } else if self.literal("false") {
            Ok(false)
        } else {
            Err(self.error("invalid type, expected a boolean"))
        }
    }

    fn points(&mut self) -> Read<Points> {
        let hundredths = self.i64()?;
        Points::from_hundredths(hundredths).ok_or_else(|| self.error("amount out of range"))
    }

    /// A name through its checked constructor, which must leave it as it
    /// is (what its `TryFrom<String>` asks); only a refused name goes
    /// through `TryFrom` itself, for its words.
    fn named<T: Name>(&mut self) -> Read<T>
    where
        T::Error: Display,
    {
        let text = self.string()?;
        match T::checked(&text) {
            Some(name) if name.text() == text => Ok(name),
            _ => T::try_from(text.into_owned()).map_err(|problem| self.error(&problem.to_string())),
        }
    }

    /// A string field that is not a name (hashes, the rules' words).
    fn plain(&mut self) -> Read<String> {
        self.string().map(Cow::into_owned)
    }

    /// `null`, or what `read` reads.
    fn nullable<T>(&mut self, read: impl FnOnce(&mut Self) -> Read<T>) -> Read<Option<T>> {
        if self.literal("null") {
            Ok(None)
        } else {
            read(self).map(Some)
        }
    }

    /// One of a closed set of words.
    fn word<T: Copy>(&mut self, all: &[T], name: fn(T) -> &'static str) -> Read<T> {
        let text = self.string()?;
        all.iter()
            .copied()
            .find(|value| name(*value) == text)
            .ok_or_else(|| self.error(&format!("unknown variant `{text}`")))
    }

    fn entry(&mut self) -> Read<Entry> {
        Ok(record!(self, None, Entry {
            format_version: Reader::u32,
            seq: Reader::u64,
            time_ms: Reader::i64,
            id: Reader::named::<EntryId>,
            actor: Reader::actor,
            body: Reader::body,
        } default {
            co_signed_by: |r: &mut Reader<'a>| r.nullable(Reader::named::<StaffId>),
        }))
    }

    fn actor(&mut self) -> Read<Actor> {
        let tag = Some("type");
        let kind = self.tag("type")?;
        Ok(match kind.as_ref() {
            "system" => record!(self, tag, Actor::System {}),
            "household" => record!(
                self,
                tag,
                Actor::Household {
                    household: Reader::named,
                }
            ),
            "staff" => record!(
                self,
                tag,
                Actor::Staff {
                    staff: Reader::named,
                }
            ),
            "assisted" => record!(
                self,
                tag,
                Actor::Assisted {
                    household: Reader::named,
                    staff: Reader::named,
                }
            ),
            other => return Err(self.error(&format!("unknown variant `{other}`"))),
        })
    }

    fn body(&mut self) -> Read<Body> {
        let tag = Some("kind");
        let kind = self.tag("kind")?;
        let r = self;
        Ok(match kind.as_ref() {
            "genesis" => record!(
                r,
                tag,
                Body::Genesis {
                    kiosk_id: Reader::named,
                    village: Reader::named,
                    shop: Reader::named,
                    time_zone: Reader::named,
                    utc_offset_minutes: Reader::narrow,
                }
            ),
            "household_registered" => record!(
                r,
                tag,
                Body::HouseholdRegistered {
                    household: Reader::named,
                    name: Reader::named,
                    group: Reader::named,
                    household_kind: Reader::household_kind,
                }
            ),
            "household_updated" => record!(
                r,
                tag,
                Body::HouseholdUpdated {
                    household: Reader::named,
                    name: Reader::named,
                    group: Reader::named,
                    household_kind: Reader::household_kind,
                }
            ),
            "household_suspended" => record!(
                r,
                tag,
                Body::HouseholdSuspended {
                    household: Reader::named,
                    reason: Reader::named,
                }
            ),
            "household_reinstated" => record!(
                r,
                tag,
                Body::HouseholdReinstated {
                    household: Reader::named,
                    reason: Reader::named,
                }
            ),
            "household_moved_away" => record!(
                r,
                tag,
                Body::HouseholdMovedAway {
                    household: Reader::named,
                    reason: Reader::named,
                }
            ),
            "pin_set" => record!(
                r,
                tag,
                Body::PinSet {
                    household: Reader::named,
                }
            ),
            "household_unlocked" => record!(
                r,
                tag,
                Body::HouseholdUnlocked {
                    household: Reader::named,
                }
            ),
            "credited" => record!(r, tag, Body::Credited {
                household: Reader::named,
                amount: Reader::points,
                period: Reader::named,
                source: Reader::named,
            } default {
                reason: |r: &mut Reader<'a>| r.nullable(Reader::named::<Text>),
                rules_version: Reader::u32,
            }),
            "corrected" => record!(r, tag, Body::Corrected {
                household: Reader::named,
                amount: Reader::points,
                reason: Reader::named,
            } default {
                refers_to_seq: |r: &mut Reader<'a>| r.nullable(Reader::u64),
            }),
            "redeemed" => record!(r, tag, Body::Redeemed {
                household: Reader::named,
                lines: |r: &mut Reader<'a>| r.array(Reader::redeemed_line),
                total: Reader::points,
            } default {
                collector: |r: &mut Reader<'a>| r.nullable(Reader::named::<Text>),
            }),
            "redemption_voided" => record!(
                r,
                tag,
                Body::RedemptionVoided {
                    redemption_seq: Reader::u64,
                    reason: Reader::named,
                }
            ),
            "item_added" => record!(
                r,
                tag,
                Body::ItemAdded {
                    sku: Reader::named,
                    details: Reader::item_details,
                    price: Reader::points,
                }
            ),
            "item_updated" => record!(
                r,
                tag,
                Body::ItemUpdated {
                    sku: Reader::named,
                    details: Reader::item_details,
                }
            ),
            "item_repriced" => record!(
                r,
                tag,
                Body::ItemRepriced {
                    sku: Reader::named,
                    price: Reader::points,
                }
            ),
            "item_deactivated" => record!(r, tag, Body::ItemDeactivated { sku: Reader::named }),
            "item_reactivated" => record!(r, tag, Body::ItemReactivated { sku: Reader::named }),
            "restocked" => record!(r, tag, Body::Restocked {
                donor: Reader::named,
                source_type: Reader::source_type,
                lines: |r: &mut Reader<'a>| r.array(Reader::stock_line),
            } default {
                declared_value: |r: &mut Reader<'a>| r.nullable(Reader::points),
            }),
            "stock_adjusted" => record!(
                r,
                tag,
                Body::StockAdjusted {
                    sku: Reader::named,
                    delta: Reader::i64,
                    reason: Reader::named,
                }
            ),
            "staff_added" => record!(
                r,
                tag,
                Body::StaffAdded {
                    staff: Reader::named,
                    name: Reader::named,
                    role: Reader::role,
                }
            ),
            "staff_updated" => record!(
                r,
                tag,
                Body::StaffUpdated {
                    staff: Reader::named,
                    name: Reader::named,
                    role: Reader::role,
                    active: Reader::bool,
                }
            ),
            "staff_pin_set" => record!(
                r,
                tag,
                Body::StaffPinSet {
                    staff: Reader::named,
                }
            ),
            "recovery_code_set" => record!(r, tag, Body::RecoveryCodeSet {}),
            "setting_changed" => record!(
                r,
                tag,
                Body::SettingChanged {
                    setting: Reader::setting,
                }
            ),
            "year_closed" => record!(r, tag, Body::YearClosed {
                year: Reader::narrow,
            } default {
                cleared: |r: &mut Reader<'a>| r.nullable(|r| r.array(Reader::cleared_balance)),
            }),
            "batch_uploaded" => record!(
                r,
                tag,
                Body::BatchUploaded {
                    first_seq: Reader::u64,
                    last_seq: Reader::u64,
                    last_hash: Reader::plain,
                }
            ),
            "rules_changed" => record!(
                r,
                tag,
                Body::RulesChanged {
                    rules: Reader::rules_record,
                }
            ),
            "score_posted" => record!(
                r,
                tag,
                Body::ScorePosted {
                    period: Reader::named,
                    household: Reader::named,
                    score_tenths: Reader::u16,
                }
            ),
            "score_objected" => record!(
                r,
                tag,
                Body::ScoreObjected {
                    period: Reader::named,
                    household: Reader::named,
                    finding: Reader::named,
                    score_tenths: Reader::u16,
                }
            ),
            "score_submitted" => record!(
                r,
                tag,
                Body::ScoreSubmitted {
                    period: Reader::named,
                    household: Reader::named,
                    score_tenths: Reader::u16,
                }
            ),
            "scores_approved" => record!(r, tag, Body::ScoresApproved {
                period: Reader::named,
            } default {
                own: Reader::bool,
            }),
            "objection_raised" => record!(
                r,
                tag,
                Body::ObjectionRaised {
                    period: Reader::named,
                    household: Reader::named,
                    raised_by: Reader::named,
                    what: Reader::named,
                }
            ),
            "objection_resolved" => record!(r, tag, Body::ObjectionResolved {
                period: Reader::named,
                household: Reader::named,
                finding: Reader::named,
            } default {
                score_tenths: |r: &mut Reader<'a>| r.nullable(Reader::u16),
            }),
            "scores_applied" => record!(
                r,
                tag,
                Body::ScoresApplied {
                    period: Reader::named::<Period>,
                }
            ),
            "blacklisted" => record!(
                r,
                tag,
                Body::Blacklisted {
                    household: Reader::named,
                    period: Reader::named,
                }
            ),
            "blacklist_lifted" => record!(
                r,
                tag,
                Body::BlacklistLifted {
                    household: Reader::named,
                    reason: Reader::named,
                }
            ),
            "member_added" => record!(r, tag, Body::MemberAdded {
                household: Reader::named,
                member: Reader::named,
                relation: Reader::named,
            } default {
                card: |r: &mut Reader<'a>| r.nullable(Reader::named::<HouseholdCode>),
            }),
            "member_removed" => record!(
                r,
                tag,
                Body::MemberRemoved {
                    household: Reader::named,
                    member: Reader::named,
                }
            ),
            "points_transferred" => record!(
                r,
                tag,
                Body::PointsTransferred {
                    from: Reader::named,
                    to: Reader::named,
                    amount: Reader::points,
                    transfer: Reader::transfer_kind,
                    reason: Reader::named,
                }
            ),
            "journal_restarted" => record!(
                r,
                tag,
                Body::JournalRestarted {
                    lost_from_seq: Reader::u64,
                    lost_to_seq: Reader::u64,
                    bad_record_hash: Reader::plain,
                }
            ),
            "platform_enrolled" => record!(
                r,
                tag,
                Body::PlatformEnrolled {
                    county_id: Reader::named,
                    platform: Reader::named,
                }
            ),
            "clock_confirmed" => record!(
                r,
                tag,
                Body::ClockConfirmed {
                    ledger_ms_before: Reader::i64,
                }
            ),
            "restored" => record!(
                r,
                tag,
                Body::Restored {
                    backup_seq: Reader::u64,
                    backup_head: Reader::plain,
                    auth: Reader::restore_auth,
                }
            ),
            "archived" => record!(
                r,
                tag,
                Body::Archived {
                    through_seq: Reader::u64,
                    head: Reader::plain,
                    state_hash: Reader::plain,
                }
            ),
            other => return Err(r.error(&format!("unknown variant `{other}`"))),
        })
    }

    fn household_kind(&mut self) -> Read<HouseholdKind> {
        let all = [HouseholdKind::Family, HouseholdKind::Unit];
        self.word(&all, household_kind_name)
    }

    fn role(&mut self) -> Read<Role> {
        let all = [Role::Shopkeeper, Role::Clerk, Role::Admin, Role::Auditor];
        self.word(&all, Role::as_str)
    }

    fn source_type(&mut self) -> Read<SourceType> {
        let all = [
            SourceType::Organisation,
            SourceType::Company,
            SourceType::Individual,
            SourceType::WelfareFund,
            SourceType::Government,
        ];
        self.word(&all, SourceType::as_str)
    }

    fn transfer_kind(&mut self) -> Read<TransferKind> {
        let all = [TransferKind::Split, TransferKind::Merge];
        self.word(&all, TransferKind::as_str)
    }

    fn restore_auth(&mut self) -> Read<RestoreAuthKind> {
        let all = [RestoreAuthKind::RecoveryCode, RestoreAuthKind::AdminPin];
        self.word(&all, restore_auth_name)
    }

    fn redeemed_line(&mut self) -> Read<RedeemedLine> {
        Ok(record!(
            self,
            None,
            RedeemedLine {
                sku: Reader::named::<Sku>,
                quantity: Reader::u32,
                unit_price: Reader::points,
            }
        ))
    }

    fn stock_line(&mut self) -> Read<StockLine> {
        Ok(record!(
            self,
            None,
            StockLine {
                sku: Reader::named::<Sku>,
                quantity: Reader::u32,
            }
        ))
    }

    fn cleared_balance(&mut self) -> Read<ClearedBalance> {
        Ok(record!(
            self,
            None,
            ClearedBalance {
                household: Reader::named::<HouseholdCode>,
                amount: Reader::points,
            }
        ))
    }

    fn item_details(&mut self) -> Read<ItemDetails> {
        Ok(record!(self, None, ItemDetails {
            name_zh: Reader::named::<Text>,
            unit: Reader::named::<Text>,
            category: Reader::named::<Text>,
        } default {
            name_en: |r: &mut Reader<'a>| r.nullable(Reader::named::<Text>),
            barcode: |r: &mut Reader<'a>| r.nullable(Reader::named::<Barcode>),
            image: |r: &mut Reader<'a>| r.nullable(Reader::named::<ImageRef>),
            low_stock: |r: &mut Reader<'a>| r.nullable(Reader::u32),
        }))
    }

    fn setting(&mut self) -> Read<Setting> {
        struct Raw {
            key: String,
            value: String,
        }
        let raw = record!(
            self,
            None,
            Raw {
                key: Reader::plain,
                value: Reader::plain,
            }
        );
        Setting::parse(&raw.key, &raw.value)
            .ok_or_else(|| self.error(&format!("invalid setting {}", raw.key)))
    }

    fn rules_record(&mut self) -> Read<RulesRecord> {
        Ok(record!(
            self,
            None,
            RulesRecord {
                version: Reader::u32,
                source: Reader::plain,
                period: Reader::plain,
                table: |r: &mut Reader<'a>| r.array(Reader::category_record),
                bands: |r: &mut Reader<'a>| r.array(Reader::band_record),
                bonus_points: Reader::points,
            }
        ))
    }

    fn category_record(&mut self) -> Read<CategoryRecord> {
        Ok(record!(
            self,
            None,
            CategoryRecord {
                name: Reader::plain,
                items: |r: &mut Reader<'a>| r.array(Reader::item_record),
            }
        ))
    }

    fn item_record(&mut self) -> Read<ItemRecord> {
        Ok(record!(self, None, ItemRecord {
            name: Reader::plain,
            max_tenths: Reader::u16,
        } default {
            deduction: Reader::bool,
        }))
    }

    fn credential(&mut self) -> Read<Credential> {
        Ok(record!(self, None, Credential {
            failures: Reader::u32,
            locked_until_ms: Reader::i64,
            last_attempt_ms: Reader::i64,
        } default {
            pin_hash: |r: &mut Reader<'a>| r.nullable(Reader::pin_hash),
        }))
    }

    fn pin_hash(&mut self) -> Read<PinHash> {
        Ok(record!(
            self,
            None,
            PinHash {
                algorithm: Reader::plain,
                iterations: Reader::u32,
                salt: Reader::plain,
                hash: Reader::plain,
            }
        ))
    }

    fn band_record(&mut self) -> Read<BandRecord> {
        Ok(record!(
            self,
            None,
            BandRecord {
                lower_tenths: Reader::u16,
                lower_inclusive: Reader::bool,
                points: Reader::points,
            }
        ))
    }
}

// ------------------------------------- JSON kept and sent outside the journal

/// Writes the other JSON the kiosk keeps or sends — the platform record,
/// an upload's header line, the values in localStorage — by the same hand
/// as entries: the bytes `serde_json` wrote for them before (each type's
/// unit test holds them to it), so what was stored still reads and the
/// platform reads what it always read.
pub(crate) struct JsonWriter(Writer);

impl JsonWriter {
    /// One object; `fields` writes its fields in order.
    pub(crate) fn object(fields: impl FnOnce(&mut JsonWriter)) -> String {
        let mut json = JsonWriter(Writer {
            out: Vec::with_capacity(128),
            first: true,
        });
        json.write_object(fields);
        // The writer only ever writes UTF-8 (names and escaped strings).
        String::from_utf8(json.0.out).unwrap_or_default()
    }

    /// One string, as a JSON value of its own. (Only the browser shell
    /// writes one, and the integer below: values in localStorage.)
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn string(text: &str) -> String {
        let mut w = Writer {
            out: Vec::with_capacity(text.len() + 2),
            first: true,
        };
        w.string(text);
        String::from_utf8(w.out).unwrap_or_default()
    }

    fn write_object(&mut self, fields: impl FnOnce(&mut JsonWriter)) {
        self.0.open();
        fields(self);
        self.0.close();
    }

    pub(crate) fn str(&mut self, name: &str, text: &str) {
        self.0.str(name, text);
    }

    /// A string, or `null`.
    pub(crate) fn opt_str(&mut self, name: &str, text: Option<&str>) {
        self.0.opt_str(name, text);
    }

    pub(crate) fn uint(&mut self, name: &str, value: u64) {
        self.0.uint(name, value);
    }

    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn int(&mut self, name: &str, value: i64) {
        self.0.int(name, value);
    }

    /// An integer, or `null`.
    pub(crate) fn opt_uint(&mut self, name: &str, value: Option<u64>) {
        match value {
            Some(value) => self.0.uint(name, value),
            None => self.0.null(name),
        }
    }

    /// An integer, or `null`.
    pub(crate) fn opt_int(&mut self, name: &str, value: Option<i64>) {
        match value {
            Some(value) => self.0.int(name, value),
            None => self.0.null(name),
        }
    }

    /// An object written by `fields`, or `null`.
    pub(crate) fn opt_object<T>(
        &mut self,
        name: &str,
        value: Option<&T>,
        fields: impl FnOnce(&mut JsonWriter, &T),
    ) {
        match value {
            Some(value) => {
                self.0.key(name);
                self.write_object(|w| fields(w, value));
            }
            None => self.0.null(name),
        }
    }

    /// An array of objects, each written by `fields`.
    pub(crate) fn objects<T>(
        &mut self,
        name: &str,
        items: &[T],
        mut fields: impl FnMut(&mut JsonWriter, &T),
    ) {
        self.0.key(name);
        self.0.open_array();
        for item in items {
            self.0.item();
            self.write_object(|w| fields(w, item));
        }
        self.0.close_array();
    }
}

/// Reads one object of that JSON into `Type` with [`JsonReader`]: each
/// field's name in the JSON and how its value is read; an `optional` field
/// may be missing or `null` (an `Option`), a `default` one may be missing
/// (then its type's default). Every other field is required.
///
/// ```ignore
/// let head = json_record!(r, Head {
///     seq: "seq" => JsonReader::u64,
///     hash: "hash" => JsonReader::string,
/// } optional {
///     reason: "reason" => JsonReader::string,
/// });
/// ```
macro_rules! json_record {
    ($r:ident, $($type:ident)::+ {
        $($field:ident: $name:literal => $read:expr),* $(,)?
    } $(optional {
        $($optional:ident: $optional_name:literal => $optional_read:expr),* $(,)?
    })? $(default {
        $($default:ident: $default_name:literal => $default_read:expr),* $(,)?
    })?) => {{
        const NAMES: &[&str] = &[$($name,)* $($($optional_name,)*)? $($($default_name,)*)?];
        const _: () = assert!(NAMES.len() <= u64::BITS as usize);
        let mut place = 0;
        $(let mut $field = (JsonReader::next_place(&mut place), None);)*
        $($(let mut $optional = (JsonReader::next_place(&mut place), None);)*)?
        $($(let mut $default = (JsonReader::next_place(&mut place), None);)*)?
        $r.fields(NAMES, &mut |r, at| {
            $(if at == $field.0 {
                $field.1 = Some(($read)(r)?);
            })*
            $($(if at == $optional.0 {
                $optional.1 = r.nullable($optional_read)?;
            })*)?
            $($(if at == $default.0 {
                $default.1 = Some(($default_read)(r)?);
            })*)?
            Ok(())
        })?;
        $($type)::+ {
            $($field: $r.required($field.1, $name)?,)*
            $($($optional: $optional.1,)*)?
            $($($default: $default.1.unwrap_or_default(),)*)?
        }
    }};
}
pub(crate) use json_record;

/// Reads that JSON as `serde_json` read it into the types it was derived
/// for: an object's fields in any order, a field named twice refused, a
/// missing field refused unless its type says it may be missing, and a
/// field this build does not know passed over whatever it holds (a later
/// build's record, a later platform's answer). Integers stay integers: a
/// float where one is read is refused.
pub(crate) struct JsonReader<'a>(Reader<'a>);

impl<'a> JsonReader<'a> {
    /// `text` as one value read by `read`, with nothing after it.
    pub(crate) fn read<T>(
        text: &'a str,
        read: impl FnOnce(&mut JsonReader<'a>) -> Result<T, String>,
    ) -> Result<T, String> {
        let mut reader = JsonReader(Reader { text, at: 0 });
        let value = read(&mut reader)?;
        reader.0.end()?;
        Ok(value)
    }

    /// An object's fields, each name handed to `field` with the cursor on
    /// its value (which `field` reads, or passes over with [`Self::skip`]).
    pub(crate) fn object(
        &mut self,
        mut field: impl FnMut(&mut Self, &str) -> Result<(), String>,
    ) -> Result<(), String> {
        self.0.eat(b'{')?;
        if self.0.peek() == Some(b'}') {
            self.0.at += 1;
            return Ok(());
        }
        loop {
            let key = self.0.string()?;
            self.0.eat(b':')?;
            field(self, &key)?;
            match self.0.peek() {
                Some(b',') => self.0.at += 1,
                Some(b'}') => {
                    self.0.at += 1;
                    return Ok(());
                }
                _ => return Err(self.0.error("expected `,` or `}`")),
            }
        }
    }

    /// An array, each item read by `item`.
    pub(crate) fn array<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        self.0.eat(b'[')?;
        let mut items = Vec::new();
        if self.0.peek() == Some(b']') {
            self.0.at += 1;
            return Ok(items);
        }
        loop {
            items.push(item(self)?);
            match self.0.peek() {
                Some(b',') => self.0.at += 1,
                Some(b']') => {
                    self.0.at += 1;
                    return Ok(items);
                }
                _ => return Err(self.0.error("expected `,` or `]`")),
            }
        }
    }

    /// An object's fields: each name looked up in `names` and its value
    /// handed to `field` by its place there, a name seen before refused and
    /// a name not in the table passed over — one loop for every record
    /// [`json_record!`] reads.
    #[inline(never)]
    pub(crate) fn fields(
        &mut self,
        names: &[&str],
        field: &mut dyn FnMut(&mut Self, usize) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut seen = 0u64;
        self.object(|r, key| {
            let Some(at) = names.iter().position(|name| *name == key) else {
                return r.skip();
            };
            let bit = 1u64 << at;
            if seen & bit != 0 {
                return Err(r.0.error(&format!("duplicate field `{key}`")));
            }
            seen |= bit;
            field(r, at)
        })
    }

    /// The place in a record's table of the next field [`json_record!`]
    /// sets up.
    pub(crate) fn next_place(place: &mut usize) -> usize {
        let at = *place;
        *place += 1;
        at
    }

    /// The value a required field was read into.
    pub(crate) fn required<T>(&self, value: Option<T>, name: &str) -> Result<T, String> {
        value.ok_or_else(|| self.0.missing(name))
    }

    /// Any value, passed over.
    pub(crate) fn skip(&mut self) -> Result<(), String> {
        self.skip_nested(0)
    }

    fn skip_nested(&mut self, depth: usize) -> Result<(), String> {
        if depth > DEPTH_MAX {
            return Err(self.0.error("nested too deeply"));
        }
        match self.0.peek() {
            Some(b'{') => self.object(|r, _| r.skip_nested(depth + 1)),
            Some(b'[') => self.array(|r| r.skip_nested(depth + 1)).map(drop),
            Some(b'"') => self.0.string().map(drop),
            Some(b't') if self.0.literal("true") => Ok(()),
            Some(b'f') if self.0.literal("false") => Ok(()),
            Some(b'n') if self.0.literal("null") => Ok(()),
            _ => self.any_number(),
        }
    }

    /// A number in any of JSON's forms (only ever passed over).
    fn any_number(&mut self) -> Result<(), String> {
        let bytes = self.0.text.as_bytes();
        let digits_from = |at: &mut usize| {
            let start = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at - start
        };
        let mut at = self.0.at;
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        let whole = at;
        let whole_digits = digits_from(&mut at);
        let mut valid = whole_digits == 1 || (whole_digits > 1 && bytes.get(whole) != Some(&b'0'));
        if valid && bytes.get(at) == Some(&b'.') {
            at += 1;
            valid = digits_from(&mut at) > 0;
        }
        if valid && matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            valid = digits_from(&mut at) > 0;
        }
        if !valid {
            return Err(self.0.error("expected a value"));
        }
        self.0.at = at;
        Ok(())
    }

    pub(crate) fn string(&mut self) -> Result<String, String> {
        self.0.plain()
    }

    pub(crate) fn u64(&mut self) -> Result<u64, String> {
        self.0.u64()
    }

    pub(crate) fn u32(&mut self) -> Result<u32, String> {
        self.0.u32()
    }

    pub(crate) fn i64(&mut self) -> Result<i64, String> {
        self.0.i64()
    }

    pub(crate) fn usize(&mut self) -> Result<usize, String> {
        let value = self.0.u64()?;
        usize::try_from(value).map_err(|_| self.0.error(&format!("integer `{value}` out of range")))
    }

    /// `null`, or what `read` reads.
    pub(crate) fn nullable<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        if self.0.literal("null") {
            Ok(None)
        } else {
            read(self).map(Some)
        }
    }
}
