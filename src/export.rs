//! Exports for upload to the points platform: a batch of journal entries as
//! four files a clerk carries on a USB stick.
//!
//! - `journal.ndjson` — each record as [`journal::ndjson_line`]: the entry's
//!   canonical bytes exactly as chained, with its hash;
//! - `redemptions.csv` — one row per redemption line, voids as negative rows;
//! - `ledger.csv` — one row per entry (per household for a year close);
//! - `manifest.json` — the kiosk, the seq range, the hash before the first
//!   entry and of the last, the previous upload, and each file's SHA-256.
//!
//! The CSV files are for Excel: UTF-8 with BOM, CRLF, Chinese headers,
//! RFC 4180 quoting, times in village time. They are safe to open: a text
//! cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is
//! neutralised with a leading `'` (CSV injection), while amounts are written
//! as plain numbers (a negative void stays a number Excel can sum).
//!
//! Everything here is a pure function of the verified records, the state
//! (for names and balances) and the time the shell passes in. The export
//! checks the chain of the records it is given once more before writing
//! anything; [`crate::verify`] checks a batch on the other side.

use crate::calendar::{local_date_time, LocalDateTime};
use crate::entry::{
    chain_hash, hex_of, Actor, Body, Entry, Hash, HouseholdKind, GENESIS_PREVIOUS_HASH,
};
use crate::error::Error;
use crate::ids::HouseholdCode;
use crate::journal::{self, StoredRecord};
use crate::points::Points;
use crate::state::{receipt_number, State};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

/// The manifest's `format`.
pub const BATCH_FORMAT: &str = "aixin-kiosk-batch";
/// The manifest's `format_version`: 2 lists every file and names the CSV
/// layout. Version 1 batches are still verified.
pub const BATCH_FORMAT_VERSION: u32 = 2;
/// The layout of `redemptions.csv` and `ledger.csv` this build writes; the
/// verifier rebuilds both CSVs for the layout a manifest names. Layout 2
/// adds the operator (操作员) as the last column of `redemptions.csv`;
/// layout 3 adds to it the collector (领取人), the second staff member who
/// confirmed (复核人) and the staff member who set the household's PIN within
/// 24 hours before (密码重置), and the confirming staff member to
/// `ledger.csv`, so every staff hand is named.
pub const CSV_LAYOUT: u32 = 3;
pub const MANIFEST_FILE: &str = "manifest.json";
pub const JOURNAL_FILE: &str = "journal.ndjson";
pub const REDEMPTIONS_FILE: &str = "redemptions.csv";
pub const LEDGER_FILE: &str = "ledger.csv";

/// Which entries to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportRange {
    /// Since the last upload: `uploaded_through_seq + 1 ..= last`.
    SinceLastUpload,
    /// Any range of seqs, both ends included.
    Seqs { first_seq: u64, last_seq: u64 },
    /// The whole journal.
    Everything,
}

impl ExportRange {
    /// The seqs `(first, last)` of this range in `state`.
    pub fn resolve(self, state: &State) -> Result<(u64, u64), Error> {
        let last = state.seq;
        let (first, end) = match self {
            ExportRange::SinceLastUpload => (state.uploaded_through_seq + 1, last),
            ExportRange::Seqs {
                first_seq,
                last_seq,
            } => (first_seq, last_seq),
            ExportRange::Everything => (1, last),
        };
        if self == ExportRange::SinceLastUpload && first > last {
            return Err(Error::invalid_with(
                "range",
                "上次上传以后没有新的记录",
                "nothing new since the last upload",
            ));
        }
        if first == 0 || first > end || end > last {
            return Err(Error::invalid_with(
                "range",
                &format!("导出范围不对:只有第 1 到第 {last} 条记录"),
                &format!("the range is outside the journal's entries 1 to {last}"),
            ));
        }
        Ok((first, end))
    }
}

/// One file of a batch, as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub name: String,
    pub bytes: u64,
    /// Lower-case hex of the file's SHA-256.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub kiosk_id: String,
    pub village: String,
    pub first_seq: u64,
    pub last_seq: u64,
    pub entry_count: u64,
    /// The hash before the first entry: 64 zeros for seq 1.
    pub prev_hash: String,
    /// The last entry's hash.
    pub last_hash: String,
    /// The last upload this kiosk marked, if any: its last seq and hash.
    pub previous_batch_last_seq: Option<u64>,
    pub previous_batch_last_hash: Option<String>,
    pub exported_at_ms: i64,
    /// `exported_at_ms` in village time.
    pub exported_at: String,
    pub utc_offset_minutes: i32,
    pub software: String,
    /// The layout of the two CSVs (format 2; format 1 batches have layout 1).
    #[serde(default = "csv_layout_one")]
    pub csv_layout: u32,
    /// The other files, in the order written: every file of the batch.
    pub files: Vec<ManifestFile>,
}

fn csv_layout_one() -> u32 {
    1
}

/// An exported batch: its files, in order (`journal.ndjson`,
/// `redemptions.csv`, `ledger.csv`, `manifest.json`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    pub manifest: Manifest,
    pub files: Vec<(&'static str, Vec<u8>)>,
}

impl Batch {
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, bytes)| bytes.as_slice())
    }

    /// The directory name a shell may use: `{kiosk}-{first}-{last}`.
    pub fn name(&self) -> String {
        format!(
            "{}-{:06}-{:06}",
            self.manifest.kiosk_id, self.manifest.first_seq, self.manifest.last_seq
        )
    }
}

/// Exports `range` of the journal. `records` are stored records by seq, as
/// the shell reads them (any order); they must cover the range and, unless
/// the range starts at seq 1 or right after the last upload, the record
/// just before it (its hash is the batch's `prev_hash`).
pub fn export(
    state: &State,
    records: &[(u64, StoredRecord)],
    range: ExportRange,
    now_ms: i64,
) -> Result<Batch, Error> {
    let unhashed = export_unhashed(state, records, range, now_ms)?;
    let digests = unhashed
        .files
        .iter()
        .map(|(_, bytes)| Sha256::digest(bytes).into())
        .collect();
    unhashed.seal(digests)
}

/// A batch whose files are written but not yet hashed: the shell hashes
/// them with the browser's own SHA-256 (several times faster than the one
/// compiled into the wasm), then [`Unhashed::seal`]s them.
#[derive(Debug)]
pub struct Unhashed {
    /// The manifest, its `files` still empty.
    manifest: Manifest,
    /// `journal.ndjson`, `redemptions.csv`, `ledger.csv`.
    pub files: Vec<(&'static str, Vec<u8>)>,
}

impl Unhashed {
    /// The batch, given the SHA-256 of each of [`Unhashed::files`] in order.
    pub fn seal(self, digests: Vec<Hash>) -> Result<Batch, Error> {
        if digests.len() != self.files.len() {
            return Err(Error::Internal {
                detail: format!("{} digests for {} files", digests.len(), self.files.len()),
            });
        }
        let Unhashed {
            mut manifest,
            mut files,
        } = self;
        manifest.files = files
            .iter()
            .zip(&digests)
            .map(|((name, bytes), digest)| ManifestFile {
                name: name.to_string(),
                bytes: bytes.len() as u64,
                sha256: hex_of(digest),
            })
            .collect();
        files.push((MANIFEST_FILE, manifest_json(&manifest)));
        Ok(Batch { manifest, files })
    }
}

/// [`export`] up to the files' hashes.
pub fn export_unhashed(
    state: &State,
    records: &[(u64, StoredRecord)],
    range: ExportRange,
    now_ms: i64,
) -> Result<Unhashed, Error> {
    let (first, last) = range.resolve(state)?;
    let (prev_hash, entries) = checked_entries(state, records, first, last)?;
    let in_range: Vec<&StoredRecord> = entries.iter().map(|(_, record)| *record).collect();
    let decoded: Vec<Entry> = entries.into_iter().map(|(entry, _)| entry).collect();
    let journal = journal_ndjson(&in_range);
    let redemptions = redemptions_csv(state, &decoded);
    let ledger = ledger_csv(state, &decoded);
    let last_hash = in_range.last().map_or(prev_hash, |record| record.hash);
    let offset = state.kiosk.as_ref().map_or(0, |k| k.utc_offset_minutes);
    let files = vec![
        (JOURNAL_FILE, journal),
        (REDEMPTIONS_FILE, redemptions),
        (LEDGER_FILE, ledger),
    ];
    let manifest = Manifest {
        format: BATCH_FORMAT.to_string(),
        format_version: BATCH_FORMAT_VERSION,
        kiosk_id: state
            .kiosk
            .as_ref()
            .map(|k| k.kiosk_id.to_string())
            .unwrap_or_default(),
        village: state
            .kiosk
            .as_ref()
            .map(|k| k.village.to_string())
            .unwrap_or_default(),
        first_seq: first,
        last_seq: last,
        entry_count: last - first + 1,
        prev_hash: hex_of(&prev_hash),
        last_hash: hex_of(&last_hash),
        previous_batch_last_seq: state
            .uploaded_last_hash
            .as_ref()
            .map(|_| state.uploaded_through_seq),
        previous_batch_last_hash: state.uploaded_last_hash.clone(),
        exported_at_ms: now_ms,
        exported_at: local_date_time(now_ms, offset).to_string(),
        utc_offset_minutes: offset,
        software: format!("aixin-kiosk {}", crate::VERSION),
        csv_layout: CSV_LAYOUT,
        files: Vec::new(),
    };
    Ok(Unhashed { manifest, files })
}

/// Lower-case hex of the SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Entries decoded, with the records they came from.
type Checked<'a> = Vec<(Entry, &'a StoredRecord)>;

/// The records `first..=last`, checked once more: contiguous, chained from
/// the hash before `first`, decodable, each holding its own seq. Returns that
/// hash and the decoded entries with their records.
fn checked_entries<'a>(
    state: &State,
    records: &'a [(u64, StoredRecord)],
    first: u64,
    last: u64,
) -> Result<(Hash, Checked<'a>), Error> {
    let by_seq: HashMap<u64, &StoredRecord> = records
        .iter()
        .filter(|(seq, _)| (first.saturating_sub(1)..=last).contains(seq))
        .map(|(seq, record)| (*seq, record))
        .collect();
    let prev_hash = match (first, by_seq.get(&(first - 1))) {
        (1, _) => GENESIS_PREVIOUS_HASH,
        (_, Some(record)) => record.hash,
        _ if first - 1 == state.uploaded_through_seq => state
            .uploaded_last_hash
            .as_deref()
            .and_then(|hex| hex::decode(hex).ok())
            .and_then(|bytes| Hash::try_from(bytes).ok())
            .ok_or_else(|| missing(first - 1))?,
        _ => return Err(missing(first - 1)),
    };
    let mut previous = prev_hash;
    let mut entries = Vec::with_capacity((last - first + 1) as usize);
    for seq in first..=last {
        let record = by_seq.get(&seq).ok_or_else(|| missing(seq))?;
        let corrupt = |detail: String| Error::StorageCorrupt { seq, detail };
        if chain_hash(&previous, &record.bytes) != record.hash {
            return Err(corrupt("hash chain broken".into()));
        }
        let entry = Entry::decode(&record.bytes).map_err(|e| corrupt(e.to_string()))?;
        if entry.seq != seq {
            return Err(corrupt(format!("record {seq} holds entry {}", entry.seq)));
        }
        previous = record.hash;
        entries.push((entry, *record));
    }
    if last == state.seq && previous != state.head {
        return Err(Error::StorageCorrupt {
            seq: last,
            detail: "the stored journal's head differs from the kiosk's".into(),
        });
    }
    Ok((prev_hash, entries))
}

fn missing(seq: u64) -> Error {
    Error::invalid_with(
        "records",
        &format!("缺少第 {seq} 条记录"),
        &format!("record {seq} was not given"),
    )
}

/// `journal.ndjson`: one [`journal::ndjson_line`] per record, each ended by
/// `\n`.
pub fn journal_ndjson(records: &[&StoredRecord]) -> Vec<u8> {
    let bytes: usize = records.iter().map(|record| record.bytes.len() + 84).sum();
    let mut out = String::with_capacity(bytes);
    for record in records {
        journal::push_ndjson_line(&mut out, record);
        out.push('\n');
    }
    out.into_bytes()
}

/// `manifest.json`, pretty-printed for a person to read.
pub fn manifest_json(manifest: &Manifest) -> Vec<u8> {
    // A manifest holds only strings and integers: serialising cannot fail.
    let mut bytes = serde_json::to_vec_pretty(manifest).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

// ---------------------------------------------------------------------------
// CSV

/// Makes a text cell safe to open in a spreadsheet: one that begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A CSV file for Excel: UTF-8 with BOM, CRLF, RFC 4180 quoting.
pub(crate) struct Csv {
    out: String,
    row_started: bool,
}

impl Csv {
    /// A file with its header row.
    pub(crate) fn new(headers: &[&str]) -> Csv {
        let mut csv = Csv {
            out: String::from("\u{FEFF}"),
            row_started: false,
        };
        for header in headers {
            csv.text(header);
        }
        csv.end_row();
        csv
    }

    fn raw(&mut self, cell: &str) -> &mut Csv {
        if self.row_started {
            self.out.push(',');
        }
        self.row_started = true;
        // Bytes, not chars: these are ASCII, and this runs for every cell.
        if cell
            .bytes()
            .any(|byte| matches!(byte, b',' | b'"' | b'\r' | b'\n'))
        {
            self.out.push('"');
            self.out.push_str(&cell.replace('"', "\"\""));
            self.out.push('"');
        } else {
            self.out.push_str(cell);
        }
        self
    }

    /// A text cell, neutralised.
    pub(crate) fn text(&mut self, cell: &str) -> &mut Csv {
        self.raw(&neutralise(cell))
    }

    /// A number, written as it is so a spreadsheet sums it.
    pub(crate) fn number(&mut self, value: impl std::fmt::Display) -> &mut Csv {
        self.plain(value)
    }

    pub(crate) fn points(&mut self, value: Points) -> &mut Csv {
        self.plain(value.fixed())
    }

    /// A village date and time, `2026-11-28 09:05:00`, digit by digit (the
    /// formatter's padding was a tenth of an export).
    fn date_time(&mut self, at: LocalDateTime) -> &mut Csv {
        if !(0..=9999).contains(&at.date.year) {
            return self.plain(at);
        }
        if self.row_started {
            self.out.push(',');
        }
        self.row_started = true;
        let digits = |out: &mut String, value: u32, width: u32| {
            for place in (0..width).rev() {
                let digit = (value / 10u32.pow(place)) % 10;
                out.push(char::from(b'0' + digit as u8));
            }
        };
        digits(&mut self.out, at.date.year as u32, 4);
        self.out.push('-');
        digits(&mut self.out, at.date.month, 2);
        self.out.push('-');
        digits(&mut self.out, at.date.day, 2);
        self.out.push(' ');
        digits(&mut self.out, at.hour, 2);
        self.out.push(':');
        digits(&mut self.out, at.minute, 2);
        self.out.push(':');
        digits(&mut self.out, at.second, 2);
        self
    }

    /// A cell that needs neither quoting nor neutralising (a number, a
    /// time, a receipt number), written straight into the file.
    fn plain(&mut self, value: impl std::fmt::Display) -> &mut Csv {
        if self.row_started {
            self.out.push(',');
        }
        self.row_started = true;
        // Writing into a String cannot fail.
        let _ = write!(self.out, "{value}");
        self
    }

    pub(crate) fn end_row(&mut self) {
        self.out.push_str("\r\n");
        self.row_started = false;
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.out.into_bytes()
    }
}

fn time(state: &State, time_ms: i64) -> LocalDateTime {
    let offset = state.kiosk.as_ref().map_or(0, |k| k.utc_offset_minutes);
    local_date_time(time_ms, offset)
}

fn household_name<'a>(state: &'a State, code: &HouseholdCode) -> &'a str {
    state.household(code).map_or("", |h| h.name.as_str())
}

/// The headers of `redemptions.csv`.
pub const REDEMPTIONS_HEADERS: [&str; 15] = [
    "小票号",
    "类型",
    "原小票号",
    "时间",
    "户号",
    "户名",
    "商品编码",
    "商品名称",
    "数量",
    "单价",
    "金额",
    "操作员",
    "领取人",
    "复核人",
    "密码重置",
];

/// How many of [`REDEMPTIONS_HEADERS`] a layout has.
fn redemptions_columns(layout: u32) -> usize {
    match layout {
        1 => 11,
        2 => 12,
        _ => REDEMPTIONS_HEADERS.len(),
    }
}

/// `redemptions.csv` as written in CSV layout `layout` (1 or 2), for the
/// verifier; none for a layout this build does not know.
pub fn redemptions_csv_for_layout(
    state: &State,
    entries: &[Entry],
    layout: u32,
) -> Option<Vec<u8>> {
    (1..=CSV_LAYOUT)
        .contains(&layout)
        .then(|| redemptions_csv_layout(state, entries, layout))
}

/// `ledger.csv` as written in CSV layout `layout` (1 to 3), for the
/// verifier; none for a layout this build does not know.
pub fn ledger_csv_for_layout(state: &State, entries: &[Entry], layout: u32) -> Option<Vec<u8>> {
    (1..=CSV_LAYOUT)
        .contains(&layout)
        .then(|| ledger_csv_layout(state, entries, layout))
}

/// `redemptions.csv`: one row per line of each redemption in `entries`;
/// a void repeats the redeemed lines with negative quantities and totals
/// under its own receipt number, naming the original, so the column of
/// totals sums to what was redeemed less what was voided. The operator is
/// who acted: 自助 for a household signed in with its own PIN, else the
/// staff member who served it or voided the receipt.
pub fn redemptions_csv(state: &State, entries: &[Entry]) -> Vec<u8> {
    redemptions_csv_layout(state, entries, CSV_LAYOUT)
}

fn redemptions_csv_layout(state: &State, entries: &[Entry], layout: u32) -> Vec<u8> {
    let columns = redemptions_columns(layout);
    let mut csv = Csv::new(&REDEMPTIONS_HEADERS[..columns]);
    for entry in entries {
        let (kind, original, household, lines, sign) = match &entry.body {
            Body::Redeemed {
                household, lines, ..
            } => ("兑换", None, household, lines, 1),
            Body::RedemptionVoided { redemption_seq, .. } => {
                let Some(redemption) = state.redemptions.get(redemption_seq) else {
                    continue;
                };
                (
                    "作废",
                    Some(*redemption_seq),
                    &redemption.household,
                    &redemption.lines,
                    -1,
                )
            }
            _ => continue,
        };
        for line in lines {
            let quantity = i64::from(line.quantity) * sign;
            let line_total = line
                .unit_price
                .checked_mul(quantity)
                .unwrap_or(Points::ZERO);
            let item_name = state
                .item(&line.sku)
                .map_or("", |item| item.details.name_zh.as_str());
            csv.text(&receipt_number(state, entry.seq))
                .text(kind)
                .text(&original.map_or(String::new(), |seq| receipt_number(state, seq)))
                .date_time(time(state, entry.time_ms))
                .text(household.as_str())
                .text(household_name(state, household))
                .text(line.sku.as_str())
                .text(item_name)
                .number(quantity)
                .points(line.unit_price)
                .points(line_total);
            if columns > 11 {
                csv.text(&staff_of(&entry.actor));
            }
            if columns > 12 {
                // The collector and the PIN mark belong to the redemption;
                // the confirming staff member to this row's own entry.
                let redemption = state.redemptions.get(&original.unwrap_or(entry.seq));
                let collector = redemption.and_then(|r| r.collector.as_ref());
                let reset_by = redemption
                    .filter(|_| original.is_none())
                    .and_then(|r| r.pin_reset_by.as_ref());
                csv.text(collector.map_or("", |c| c.as_str()))
                    .text(entry.co_signed_by.as_ref().map_or("", |s| s.as_str()))
                    .text(reset_by.map_or("", |s| s.as_str()));
            }
            csv.end_row();
        }
    }
    csv.finish()
}

/// The headers of `ledger.csv`.
pub const LEDGER_HEADERS: [&str; 11] = [
    "序号",
    "时间",
    "类型",
    "类型代码",
    "户号",
    "户名",
    "积分变动",
    "变动后余额",
    "操作员",
    "说明",
    "复核人",
];

/// What an entry kind is called in Chinese in the exported files. These
/// names are the county's file format (CSV_LAYOUT 3), not the page's words: they
/// stay as the county reads them even where the page's catalogue says
/// otherwise (积分调整 here, 积分更正 on the page).
pub fn kind_zh(kind: &str) -> &str {
    match kind {
        "genesis" => "建立终端",
        "household_registered" => "登记户",
        "household_updated" => "修改户信息",
        "household_suspended" => "暂停",
        "household_reinstated" => "恢复",
        "household_moved_away" => "迁出",
        "pin_set" => "设置密码",
        "household_unlocked" => "解除锁定",
        "credited" => "积分入账",
        "corrected" => "积分调整",
        "redeemed" => "兑换",
        "redemption_voided" => "作废兑换",
        "item_added" => "新增商品",
        "item_updated" => "修改商品",
        "item_repriced" => "调整价格",
        "item_deactivated" => "商品下架",
        "item_reactivated" => "商品上架",
        "restocked" => "捐赠入库",
        "stock_adjusted" => "库存调整",
        "staff_added" => "新增工作人员",
        "staff_updated" => "修改工作人员",
        "staff_pin_set" => "设置工作人员密码",
        "recovery_code_set" => "设置恢复码",
        "setting_changed" => "修改设置",
        "year_closed" => "年底结账",
        "batch_uploaded" => "标记已上传",
        "journal_restarted" => "存储损坏后重新开始",
        "platform_enrolled" => "登记县级平台",
        "clock_confirmed" => "确认终端时间",
        "archived" => "归档",
        other => other,
    }
}

pub(crate) fn staff_of(actor: &Actor) -> String {
    match actor {
        Actor::System => "系统".to_string(),
        Actor::Household { .. } => "自助".to_string(),
        Actor::Staff { staff } | Actor::Assisted { staff, .. } => staff.to_string(),
    }
}

/// The household an entry is about, if one.
fn household_of<'a>(state: &'a State, body: &'a Body) -> Option<&'a HouseholdCode> {
    match body {
        Body::HouseholdRegistered { household, .. }
        | Body::HouseholdUpdated { household, .. }
        | Body::HouseholdSuspended { household, .. }
        | Body::HouseholdReinstated { household, .. }
        | Body::HouseholdMovedAway { household, .. }
        | Body::PinSet { household }
        | Body::HouseholdUnlocked { household }
        | Body::Credited { household, .. }
        | Body::Corrected { household, .. }
        | Body::Redeemed { household, .. } => Some(household),
        Body::RedemptionVoided { redemption_seq, .. } => state
            .redemptions
            .get(redemption_seq)
            .map(|redemption| &redemption.household),
        _ => None,
    }
}

fn kind_name(kind: HouseholdKind) -> &'static str {
    match kind {
        HouseholdKind::Family => "家庭",
        HouseholdKind::Unit => "单位",
    }
}

/// The 说明 column: what a clerk needs to read the row.
fn describe(state: &State, entry: &Entry) -> String {
    let with_reason = |head: String, reason: &str| {
        if head.is_empty() {
            reason.to_string()
        } else if reason.is_empty() {
            head
        } else {
            format!("{head}:{reason}")
        }
    };
    #[allow(unreachable_patterns)] // kinds added later describe themselves by their code
    match &entry.body {
        Body::Genesis {
            kiosk_id,
            village,
            shop,
            ..
        } => format!("{village} {shop},终端 {kiosk_id}"),
        Body::HouseholdRegistered {
            name,
            group,
            household_kind,
            ..
        }
        | Body::HouseholdUpdated {
            name,
            group,
            household_kind,
            ..
        } => format!("{name},{group},{}", kind_name(*household_kind)),
        Body::HouseholdSuspended { reason, .. }
        | Body::HouseholdReinstated { reason, .. }
        | Body::HouseholdMovedAway { reason, .. } => reason.to_string(),
        Body::PinSet { .. } | Body::HouseholdUnlocked { .. } | Body::RecoveryCodeSet => {
            String::new()
        }
        Body::Credited {
            period,
            source,
            reason,
            ..
        } => with_reason(
            format!("期间 {period},来源 {source}"),
            reason.as_ref().map_or("", |r| r.as_str()),
        ),
        Body::Corrected {
            refers_to_seq,
            reason,
            ..
        } => with_reason(
            refers_to_seq.map_or(String::new(), |seq| format!("更正第 {seq} 条")),
            reason.as_str(),
        ),
        Body::Redeemed { lines, .. } => format!(
            "小票 {},{} 种商品",
            receipt_number(state, entry.seq),
            lines.len()
        ),
        Body::RedemptionVoided {
            redemption_seq,
            reason,
        } => with_reason(
            format!("作废小票 {}", receipt_number(state, *redemption_seq)),
            reason.as_str(),
        ),
        Body::ItemAdded {
            sku,
            details,
            price,
        } => format!("{sku} {},单价 {}", details.name_zh, price.to_fixed()),
        Body::ItemUpdated { sku, details } => format!("{sku} {}", details.name_zh),
        Body::ItemRepriced { sku, price } => format!("{sku} 单价 {}", price.to_fixed()),
        Body::ItemDeactivated { sku } | Body::ItemReactivated { sku } => sku.to_string(),
        Body::Restocked {
            donor,
            source_type,
            lines,
            ..
        } => {
            let mut text = format!("{donor}({})", source_type.as_str());
            for (index, line) in lines.iter().enumerate() {
                let separator = if index == 0 { ":" } else { "," };
                let _ = write!(text, "{separator}{}×{}", line.sku, line.quantity);
            }
            text
        }
        Body::StockAdjusted { sku, delta, reason } => {
            with_reason(format!("{sku} {delta:+}"), reason.as_str())
        }
        Body::StaffAdded { staff, name, role } => format!("{staff} {name} {}", role.as_str()),
        Body::StaffUpdated {
            staff,
            name,
            role,
            active,
        } => format!(
            "{staff} {name} {}{}",
            role.as_str(),
            if *active { "" } else { ",停用" }
        ),
        Body::StaffPinSet { staff } => staff.to_string(),
        Body::SettingChanged { setting } => format!("{} = {}", setting.key(), setting.value()),
        Body::YearClosed { year, .. } => format!("{year} 年"),
        Body::BatchUploaded {
            first_seq,
            last_seq,
            ..
        } => format!("第 {first_seq} 至 {last_seq} 条"),
        Body::JournalRestarted {
            lost_from_seq,
            lost_to_seq,
            ..
        } => format!("丢失第 {lost_from_seq} 至 {lost_to_seq} 条"),
        Body::PlatformEnrolled {
            county_id,
            platform,
        } => format!("{county_id} @ {platform}"),
        Body::Restored { backup_seq, .. } => format!("从第 {backup_seq} 条的备份恢复"),
        Body::Archived { through_seq, .. } => format!("第 {through_seq} 条及以前的记录移出归档"),
        _ => String::new(),
    }
}

/// `ledger.csv`: one row per entry; an entry that moved several balances (a
/// year close) has one row per household it moved. Balances after come from
/// the households' histories in `state`.
pub fn ledger_csv(state: &State, entries: &[Entry]) -> Vec<u8> {
    ledger_csv_layout(state, entries, CSV_LAYOUT)
}

fn ledger_csv_layout(state: &State, entries: &[Entry], layout: u32) -> Vec<u8> {
    // Layout 3 adds 复核人, the second staff member who confirmed.
    let co_signed = layout >= 3;
    let columns = if co_signed { LEDGER_HEADERS.len() } else { 10 };
    let mut csv = Csv::new(&LEDGER_HEADERS[..columns]);
    fn co_signer(entry: &Entry) -> &str {
        entry.co_signed_by.as_ref().map_or("", |s| s.as_str())
    }
    let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
        return csv.finish();
    };
    let moves = balance_moves(state, first.seq, last.seq);
    for entry in entries {
        let kind = entry.body.kind();
        let time = time(state, entry.time_ms);
        let staff = staff_of(&entry.actor);
        let note = describe(state, entry);
        let row = |csv: &mut Csv, household: Option<&HouseholdCode>| {
            csv.number(entry.seq)
                .date_time(time)
                .text(kind_zh(kind))
                .text(kind)
                .text(household.map_or("", |h| h.as_str()))
                .text(household.map_or("", |h| household_name(state, h)));
        };
        match moves.get(&entry.seq) {
            Some(moved) => {
                for (household, change, balance_after) in moved {
                    row(&mut csv, Some(household));
                    csv.points(*change)
                        .points(*balance_after)
                        .text(&staff)
                        .text(&note);
                    if co_signed {
                        csv.text(co_signer(entry));
                    }
                    csv.end_row();
                }
            }
            None => {
                row(&mut csv, household_of(state, &entry.body));
                csv.raw("").raw("").text(&staff).text(&note);
                if co_signed {
                    csv.text(co_signer(entry));
                }
                csv.end_row();
            }
        }
    }
    csv.finish()
}

/// Every balance move in `first..=last`, by seq: household, change, balance
/// after.
fn balance_moves(
    state: &State,
    first: u64,
    last: u64,
) -> HashMap<u64, Vec<(HouseholdCode, Points, Points)>> {
    let mut moves: HashMap<u64, Vec<(HouseholdCode, Points, Points)>> = HashMap::new();
    for household in state.households.values() {
        let start = household.history.partition_point(|line| line.seq < first);
        for line in household.history[start..]
            .iter()
            .take_while(|line| line.seq <= last)
        {
            moves.entry(line.seq).or_default().push((
                household.code.clone(),
                line.change,
                line.balance_after,
            ));
        }
    }
    moves
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cells_that_a_spreadsheet_would_run_are_neutralised() {
        for (cell, expected) in [
            ("=1+2", "'=1+2"),
            ("+86", "'+86"),
            ("-3", "'-3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("王建国", "王建国"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell), expected, "{cell:?}");
        }
    }

    #[test]
    fn csv_quotes_and_keeps_numbers_numeric() {
        let mut csv = Csv::new(&["名称", "金额"]);
        csv.text("=HYPERLINK(\"x\",\"y\")")
            .points(Points::from_hundredths(-250).unwrap_or_default())
            .end_row();
        csv.text("a,b").number(-3).end_row();
        let text = String::from_utf8(csv.finish()).unwrap_or_default();
        assert_eq!(
            text,
            "\u{FEFF}名称,金额\r\n\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\",-2.50\r\n\"a,b\",-3\r\n"
        );
    }

    #[test]
    fn a_date_time_cell_is_written_as_the_display_form() {
        for time_ms in [
            0,
            1_790_000_001_000,
            -62_135_596_800_000, // 0001-01-01
            253_402_300_799_000, // 9999-12-31 23:59:59
            253_402_300_800_000, // 10000: the formatter's form
            -62_167_219_200_001, // before year 0
        ] {
            for offset in [480, -720, 0] {
                let at = local_date_time(time_ms, offset);
                let mut csv = Csv::new(&["a"]);
                csv.date_time(at).end_row();
                let text = String::from_utf8(csv.finish()).unwrap_or_default();
                assert_eq!(text, format!("\u{FEFF}a\r\n{at}\r\n"), "{time_ms} {offset}");
            }
        }
    }
}
