//! Reports for staff: the day and the month (with the day's close, 日结),
//! stock with its low-stock flags, donations, a household's statement and
//! monthly series for the charts.
//!
//! Every figure comes from the journal by the same fold as the balances:
//! each report replays the [`History`] it is given through [`State::apply`] and
//! reads what each entry did from the entry and the state it produced. The
//! report carries the seq and state hash the replay ended at, so the shell
//! can refuse a report that would disagree with the live balances (it never
//! should). Days, months and years are village-local ([`crate::calendar`]);
//! an entry counts in the period its own time falls in, so a redemption
//! voided the next day counts on its day and the void on the next.

use crate::calendar::{local_date, local_date_time, LocalDate};
use crate::entry::{chain_hash, Actor, Body, Entry, RedeemedLine, SourceType};
use crate::error::Error;
use crate::ids::{HouseholdCode, Sku};
use crate::points::Points;
use crate::state::{SortedMap, State};
use std::collections::HashMap;

/// The stock at or below which an item is low, unless it has its own.
pub const LOW_STOCK_DEFAULT: i64 = 5;

/// The highest low-stock threshold an item may have.
pub const LOW_STOCK_MAX: u32 = 10_000;

/// How many goods the "most redeemed" list names.
pub const TOP_GOODS: usize = 10;

/// The most months one series spans.
pub const MONTHS_MAX: usize = 36;

/// The most days a report's period spans (a few years).
pub const DAYS_MAX: i64 = 3 * 366;

/// A village-local period, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateRange {
    pub from: LocalDate,
    pub to: LocalDate,
}

fn bad_date(field: &str) -> Error {
    Error::invalid_with(
        field,
        "日期不对,应写成 2026-10-26(月份写成 2026-10)",
        "the date is not valid: write 2026-10-26 (a month as 2026-10)",
    )
}

/// Days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn digits(text: &str, length: usize) -> Option<i64> {
    (text.len() == length && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `2026-10` as (year, month).
pub fn parse_month(field: &str, text: &str) -> Result<(i32, u32), Error> {
    let mut parts = text.trim().split('-');
    let year = parts.next().and_then(|p| digits(p, 4));
    let month = parts.next().and_then(|p| digits(p, 2));
    match (year, month, parts.next()) {
        (Some(year), Some(month), None) if (1..=12).contains(&month) && year >= 1970 => {
            Ok((year as i32, month as u32))
        }
        _ => Err(bad_date(field)),
    }
}

/// `2026-10-26` as a date.
pub fn parse_date(field: &str, text: &str) -> Result<LocalDate, Error> {
    let text = text.trim();
    let (month_text, day_text) = text.rsplit_once('-').ok_or_else(|| bad_date(field))?;
    let (year, month) = parse_month(field, month_text)?;
    match digits(day_text, 2) {
        Some(day) if day >= 1 && day <= i64::from(days_in_month(year, month)) => Ok(LocalDate {
            year,
            month,
            day: day as u32,
        }),
        _ => Err(bad_date(field)),
    }
}

/// A date as written: `2026-10-26`.
pub fn date_text(date: LocalDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year, date.month, date.day)
}

/// Days since 1970-01-01 (H. Hinnant's algorithm), to measure a period.
fn days_from_civil(date: LocalDate) -> i64 {
    let year = i64::from(date.year) - i64::from(date.month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(date.month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(date.day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

impl DateRange {
    /// `from` to `to`, both included, at most [`DAYS_MAX`] days.
    pub fn new(from: LocalDate, to: LocalDate) -> Result<DateRange, Error> {
        if to < from {
            return Err(Error::invalid_with(
                "to",
                "结束日期早于开始日期",
                "the end date is before the start date",
            ));
        }
        if days_from_civil(to) - days_from_civil(from) >= DAYS_MAX {
            return Err(Error::LimitReached {
                what: "days",
                limit: DAYS_MAX,
            });
        }
        Ok(DateRange { from, to })
    }

    pub fn day(date: LocalDate) -> DateRange {
        DateRange {
            from: date,
            to: date,
        }
    }

    pub fn month(year: i32, month: u32) -> DateRange {
        DateRange {
            from: LocalDate {
                year,
                month,
                day: 1,
            },
            to: LocalDate {
                year,
                month,
                day: days_in_month(year, month),
            },
        }
    }

    pub fn contains(&self, date: LocalDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// An item's names and unit, as reports print them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemName {
    pub sku: Sku,
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
}

fn item_name(state: &State, sku: &Sku) -> ItemName {
    let details = state.item(sku).map(|item| &item.details);
    ItemName {
        sku: sku.clone(),
        name_zh: details.map_or_else(|| sku.to_string(), |d| d.name_zh.to_string()),
        name_en: details
            .and_then(|d| d.name_en.as_ref())
            .map_or_else(String::new, ToString::to_string),
        unit: details.map_or_else(String::new, |d| d.unit.to_string()),
    }
}

fn add(sum: &mut Points, amount: Points) {
    // Every sum here is part of a total the fold keeps within range.
    *sum = sum.checked_add(amount).unwrap_or(*sum);
}

fn minus(a: Points, b: Points) -> Points {
    a.checked_sub(b).unwrap_or(a)
}

/// What one entry did, as the reports count it.
#[derive(Default)]
struct Effect {
    /// Stock moved by item: (restocked, redeemed, voided, adjusted).
    stock: Vec<(Sku, Movement)>,
    redeemed: Points,
    voided: Points,
    credited: Points,
    corrected: Points,
    cleared: Points,
}

/// Units of one item moved, by cause, and the points of the units that went
/// out less those that came back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Movement {
    pub restocked: i64,
    pub redeemed: i64,
    pub voided: i64,
    pub adjusted: i64,
    pub points: Points,
}

impl Movement {
    fn net(&self) -> i64 {
        self.restocked - self.redeemed + self.voided + self.adjusted
    }

    fn add(&mut self, other: &Movement) {
        self.restocked += other.restocked;
        self.redeemed += other.redeemed;
        self.voided += other.voided;
        self.adjusted += other.adjusted;
        add(&mut self.points, other.points);
    }
}

/// The stock a redemption's lines moved, or its void moved back.
fn redeemed_lines(lines: &[RedeemedLine], voided: bool) -> Vec<(Sku, Movement)> {
    lines
        .iter()
        .map(|line| {
            let quantity = i64::from(line.quantity);
            let cost = line.unit_price.checked_mul(quantity).unwrap_or_default();
            let movement = if voided {
                Movement {
                    voided: quantity,
                    points: cost.checked_neg().unwrap_or_default(),
                    ..Movement::default()
                }
            } else {
                Movement {
                    redeemed: quantity,
                    points: cost,
                    ..Movement::default()
                }
            };
            (line.sku.clone(), movement)
        })
        .collect()
}

/// What `entry` did, read from the entry and the state just after it.
fn effect(entry: &Entry, state: &State) -> Effect {
    let mut effect = Effect::default();
    match &entry.body {
        Body::Redeemed { lines, total, .. } => {
            effect.redeemed = *total;
            effect.stock = redeemed_lines(lines, false);
        }
        Body::RedemptionVoided { redemption_seq, .. } => {
            if let Some(redemption) = state.redemptions.get(redemption_seq) {
                effect.voided = redemption.total;
                effect.stock = redeemed_lines(&redemption.lines, true);
            }
        }
        Body::Restocked { lines, .. } => {
            for line in lines {
                let movement = Movement {
                    restocked: i64::from(line.quantity),
                    ..Movement::default()
                };
                effect.stock.push((line.sku.clone(), movement));
            }
        }
        Body::StockAdjusted { sku, delta, .. } => {
            let movement = Movement {
                adjusted: *delta,
                ..Movement::default()
            };
            effect.stock.push((sku.clone(), movement));
        }
        Body::Credited { amount, .. } => effect.credited = *amount,
        Body::Corrected { amount, .. } => effect.corrected = *amount,
        Body::YearClosed { .. } => {
            for household in state.households.values() {
                for line in household.history.iter().rev() {
                    if line.seq != entry.seq {
                        break;
                    }
                    add(
                        &mut effect.cleared,
                        line.change.checked_neg().unwrap_or_default(),
                    );
                }
            }
        }
        _ => {}
    }
    effect
}

/// The journal a report reads: the state it starts from and the entries
/// after it, in seq order. A journal kept from genesis starts from a new
/// state; after an archive, from the state at the archived seq (the entries
/// before it are in the archive's files, and a report counts only what
/// follows).
#[derive(Clone, Copy, Debug)]
pub struct History<'a> {
    pub start: Option<&'a State>,
    pub entries: &'a [Entry],
}

impl<'a> History<'a> {
    /// Every entry from genesis.
    pub fn whole(entries: &'a [Entry]) -> History<'a> {
        History {
            start: None,
            entries,
        }
    }

    /// The entries after `start`'s seq.
    pub fn after(start: &'a State, entries: &'a [Entry]) -> History<'a> {
        History {
            start: Some(start),
            entries,
        }
    }
}

/// The fold, with a look at each entry: replays the history's entries into
/// its start and calls `visit` with each entry, its village-local date and
/// the state just after it.
pub fn replay(
    history: History<'_>,
    mut visit: impl FnMut(&Entry, LocalDate, &State),
) -> Result<State, Error> {
    let mut state = history.start.cloned().unwrap_or_else(State::new);
    for entry in history.entries {
        let hash = chain_hash(&state.head, &entry.encode());
        state.apply(entry, hash).map_err(|error| Error::Internal {
            detail: format!("report replay: {}", error.0),
        })?;
        let offset = state.kiosk.as_ref().map_or(0, |k| k.utc_offset_minutes);
        visit(entry, local_date(entry.time_ms, offset), &state);
    }
    Ok(state)
}

/// Where a replay ended: a report is of the journal through `seq`, whose
/// state hash the live state must have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub seq: u64,
    pub state_hash: String,
}

impl Source {
    fn of(state: &State) -> Source {
        Source {
            seq: state.seq,
            state_hash: state.state_hash(),
        }
    }
}

// ---------------------------------------------------------------------------
// The day and the month.

/// One item's line in a summary: stock at the start and end of the period
/// and what moved it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoodsLine {
    pub item: ItemName,
    pub opening: i64,
    pub movement: Movement,
    pub closing: i64,
}

/// A day's or a month's figures. For a day it is the day's close (日结): the
/// counts a shopkeeper checks against the shelf and signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub range: DateRange,
    /// Redemptions made in the period (voided later or not).
    pub redemptions: u64,
    /// Of them, made by staff for a household.
    pub assisted: u64,
    /// Voids made in the period (of redemptions of any day).
    pub voids: u64,
    /// Households with a redemption in the period.
    pub households_served: u64,
    pub points_redeemed: Points,
    pub points_voided: Points,
    /// Redeemed less voided.
    pub points_spent: Points,
    pub points_credited: Points,
    pub points_corrected: Points,
    pub points_cleared: Points,
    pub units_redeemed: i64,
    pub units_voided: i64,
    /// Goods given out: redeemed less voided.
    pub units_out: i64,
    pub units_restocked: i64,
    pub units_adjusted: i64,
    /// Every item that had stock or moved, by SKU.
    pub goods: Vec<GoodsLine>,
    /// Whose hands made the period's entries: each operator as the
    /// statement names them (自助, 系统, a staff member, `+` the one who
    /// confirmed) with how many entries, by name.
    pub hands: Vec<(String, u64)>,
    pub source: Source,
}

/// The figures of `range`: the day's close when it is one day.
pub fn summary(history: History<'_>, range: DateRange) -> Result<Summary, Error> {
    let mut during: SortedMap<Sku, Movement> = SortedMap::new();
    let mut after: HashMap<Sku, i64> = HashMap::new();
    let mut households: SortedMap<HouseholdCode, ()> = SortedMap::new();
    let mut counts = (0u64, 0u64, 0u64);
    let mut points = [Points::ZERO; 5];
    let mut hands: SortedMap<String, u64> = SortedMap::new();
    let state = replay(history, |entry, date, state| {
        let effect = effect(entry, state);
        if date > range.to {
            for (sku, movement) in &effect.stock {
                *after.entry(sku.clone()).or_default() += movement.net();
            }
            return;
        }
        if !range.contains(date) {
            return;
        }
        *hands.entry(operator_of(entry)).or_default() += 1;
        for (sku, movement) in &effect.stock {
            during.entry(sku.clone()).or_default().add(movement);
        }
        if let Body::Redeemed { household, .. } = &entry.body {
            counts.0 += 1;
            counts.1 += u64::from(matches!(entry.actor, Actor::Assisted { .. }));
            households.insert(household.clone(), ());
        }
        counts.2 += u64::from(matches!(entry.body, Body::RedemptionVoided { .. }));
        let amounts = [
            effect.redeemed,
            effect.voided,
            effect.credited,
            effect.corrected,
            effect.cleared,
        ];
        for (sum, amount) in points.iter_mut().zip(amounts) {
            add(sum, amount);
        }
    })?;
    let mut goods = Vec::new();
    let mut total = Movement::default();
    for item in state.items.values() {
        let movement = during.get(&item.sku).copied().unwrap_or_default();
        let closing = item.stock - after.get(&item.sku).copied().unwrap_or(0);
        let opening = closing - movement.net();
        total.add(&movement);
        if opening != 0 || closing != 0 || movement != Movement::default() {
            goods.push(GoodsLine {
                item: item_name(&state, &item.sku),
                opening,
                movement,
                closing,
            });
        }
    }
    crate::sorting::sort_by(&mut goods, |a, b| a.item.sku.cmp(&b.item.sku));
    let [points_redeemed, points_voided, points_credited, points_corrected, points_cleared] =
        points;
    Ok(Summary {
        range,
        redemptions: counts.0,
        assisted: counts.1,
        voids: counts.2,
        households_served: households.len() as u64,
        points_redeemed,
        points_voided,
        points_spent: minus(points_redeemed, points_voided),
        points_credited,
        points_corrected,
        points_cleared,
        units_redeemed: total.redeemed,
        units_voided: total.voided,
        units_out: total.redeemed - total.voided,
        units_restocked: total.restocked,
        units_adjusted: total.adjusted,
        goods,
        hands: hands.into_iter().collect(),
        source: Source::of(&state),
    })
}

// ---------------------------------------------------------------------------
// Stock.

/// One item's stock against its low-stock threshold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StockLine {
    pub item: ItemName,
    pub category: String,
    pub price: Points,
    pub stock: i64,
    pub threshold: i64,
    /// Active and at or below its threshold.
    pub low: bool,
    pub active: bool,
}

/// Every item's stock, most urgent first: low items by how far they are
/// below their threshold (empty shelves first), then the rest by stock,
/// inactive items last. An item's threshold is the one in `thresholds`, else
/// its own (`low_stock` in its details), else [`LOW_STOCK_DEFAULT`].
pub fn stock(state: &State, thresholds: &HashMap<Sku, i64>) -> Vec<StockLine> {
    let mut lines: Vec<StockLine> = state
        .items
        .values()
        .map(|item| {
            let threshold = thresholds
                .get(&item.sku)
                .copied()
                .or(item.details.low_stock.map(i64::from))
                .unwrap_or(LOW_STOCK_DEFAULT);
            StockLine {
                item: item_name(state, &item.sku),
                category: item.details.category.to_string(),
                price: item.price,
                stock: item.stock,
                threshold,
                low: item.active && item.stock <= threshold,
                active: item.active,
            }
        })
        .collect();
    crate::sorting::sort_by(&mut lines, |a, b| {
        let key = |l: &StockLine| (!l.active, !l.low, l.stock - l.threshold, l.stock);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.item.sku.cmp(&b.item.sku))
    });
    lines
}

// ---------------------------------------------------------------------------
// Donations.

/// What one donor gave in the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DonorLine {
    pub donor: String,
    pub source_type: SourceType,
    pub restocks: u64,
    pub units: i64,
    pub declared_value: Points,
}

/// What came from one kind of source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLine {
    pub source_type: SourceType,
    pub restocks: u64,
    pub units: i64,
    pub declared_value: Points,
}

/// One item: units given in the period against units given out (redeemed
/// less voided) in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GivenLine {
    pub item: ItemName,
    pub given: i64,
    pub redeemed: i64,
    pub points: Points,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Donations {
    pub range: DateRange,
    /// By declared value, then units, largest first.
    pub by_donor: Vec<DonorLine>,
    pub by_source: Vec<SourceLine>,
    pub goods: Vec<GivenLine>,
    /// The donors to thank, largest gift first, each once.
    pub thanks: Vec<String>,
    pub restocks: u64,
    pub units: i64,
    pub declared_value: Points,
    pub units_redeemed: i64,
    pub source: Source,
}

const SOURCE_TYPES: [SourceType; 5] = [
    SourceType::Organisation,
    SourceType::Company,
    SourceType::Individual,
    SourceType::WelfareFund,
    SourceType::Government,
];

/// Donations (restocks) in `range`, by donor and by kind of source, and what
/// was given against what was redeemed.
pub fn donations(history: History<'_>, range: DateRange) -> Result<Donations, Error> {
    let mut donors: SortedMap<(String, &str), DonorLine> = SortedMap::new();
    let mut goods: SortedMap<Sku, Movement> = SortedMap::new();
    let state = replay(history, |entry, date, state| {
        if !range.contains(date) {
            return;
        }
        for (sku, movement) in effect(entry, state).stock {
            goods.entry(sku).or_default().add(&movement);
        }
        if let Body::Restocked {
            donor,
            source_type,
            lines,
            declared_value,
        } = &entry.body
        {
            let line = donors
                .entry((donor.to_string(), source_type.as_str()))
                .or_insert_with(|| DonorLine {
                    donor: donor.to_string(),
                    source_type: *source_type,
                    restocks: 0,
                    units: 0,
                    declared_value: Points::ZERO,
                });
            line.restocks += 1;
            line.units += lines.iter().map(|l| i64::from(l.quantity)).sum::<i64>();
            add(&mut line.declared_value, declared_value.unwrap_or_default());
        }
    })?;
    let mut by_donor: Vec<DonorLine> = donors
        .into_tuple_vec()
        .into_iter()
        .map(|(_, line)| line)
        .collect();
    crate::sorting::sort_by(&mut by_donor, |a, b| {
        (b.declared_value, b.units)
            .cmp(&(a.declared_value, a.units))
            .then_with(|| {
                (&a.donor, a.source_type.as_str()).cmp(&(&b.donor, b.source_type.as_str()))
            })
    });
    let by_source: Vec<SourceLine> = SOURCE_TYPES
        .iter()
        .map(|source_type| {
            let mine = by_donor.iter().filter(|d| d.source_type == *source_type);
            let mut line = SourceLine {
                source_type: *source_type,
                restocks: 0,
                units: 0,
                declared_value: Points::ZERO,
            };
            for donor in mine {
                line.restocks += donor.restocks;
                line.units += donor.units;
                add(&mut line.declared_value, donor.declared_value);
            }
            line
        })
        .collect();
    let mut thanks: Vec<String> = Vec::new();
    for donor in &by_donor {
        if !thanks.contains(&donor.donor) {
            thanks.push(donor.donor.clone());
        }
    }
    let goods: Vec<GivenLine> = goods
        .iter()
        .filter(|(_, m)| m.restocked != 0 || m.redeemed != 0 || m.voided != 0)
        .map(|(sku, m)| GivenLine {
            item: item_name(&state, sku),
            given: m.restocked,
            redeemed: m.redeemed - m.voided,
            points: m.points,
        })
        .collect();
    let mut declared_value = Points::ZERO;
    for line in &by_source {
        add(&mut declared_value, line.declared_value);
    }
    Ok(Donations {
        range,
        restocks: by_source.iter().map(|l| l.restocks).sum(),
        units: by_source.iter().map(|l| l.units).sum(),
        declared_value,
        units_redeemed: goods.iter().map(|g| g.redeemed).sum(),
        by_donor,
        by_source,
        goods,
        thanks,
        source: Source::of(&state),
    })
}

// ---------------------------------------------------------------------------
// A household's statement.

/// One line of a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLine {
    pub seq: u64,
    /// Village-local, `2026-10-26 14:05:09`.
    pub time: String,
    /// `credited`, `corrected`, `redeemed`, `redemption_voided`, `year_closed`.
    pub kind: &'static str,
    pub change: Points,
    pub balance_after: Points,
    /// The period of a credit, the receipt of a redemption or void, the
    /// reason of a correction, the year of a close.
    pub note: String,
    /// A redemption's goods: `食盐 500g ×2、酱油 ×1`.
    pub goods: String,
    /// Who made the entry: 自助 (the household itself), 系统, or the staff
    /// member, with the one who confirmed it after a `+`.
    pub operator: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub household: HouseholdCode,
    pub name: String,
    pub group: String,
    pub range: DateRange,
    pub opening: Points,
    pub lines: Vec<StatementLine>,
    pub closing: Points,
    /// Sums of the lines by kind, in the order of [`STATEMENT_KINDS`].
    pub sums: [Points; 5],
    pub source: Source,
}

/// The kinds of a statement's lines, in the order of its sums.
pub const STATEMENT_KINDS: [&str; 5] = [
    "credited",
    "corrected",
    "redeemed",
    "redemption_voided",
    "year_closed",
];

/// Every change to `household`'s balance in `range` with the balance after
/// it: opening + Σ changes = closing.
pub fn statement(
    history: History<'_>,
    household: &HouseholdCode,
    range: DateRange,
) -> Result<Statement, Error> {
    let mut hands: HashMap<u64, String> = HashMap::new();
    let state = replay(history, |entry, _, _| {
        hands.insert(entry.seq, operator_of(entry));
    })?;
    let record = state
        .household(household)
        .ok_or_else(|| Error::UnknownHousehold {
            household: household.to_string(),
        })?;
    let offset = state.kiosk.as_ref().map_or(0, |k| k.utc_offset_minutes);
    let mut closing = Points::ZERO;
    let mut lines = Vec::new();
    let mut sums = [Points::ZERO; 5];
    for line in &record.history {
        let when = local_date_time(line.time_ms, offset);
        if when.date > range.to {
            continue;
        }
        closing = line.balance_after;
        if when.date < range.from {
            continue;
        }
        if let Some(index) = STATEMENT_KINDS.iter().position(|k| *k == line.kind) {
            add(&mut sums[index], line.change);
        }
        lines.push(StatementLine {
            seq: line.seq,
            time: when.to_string(),
            kind: line.kind,
            change: line.change,
            balance_after: line.balance_after,
            note: line.note_text(&state),
            goods: goods_text(&state, line.seq),
            operator: hands.get(&line.seq).cloned().unwrap_or_default(),
        });
    }
    let mut moved = Points::ZERO;
    for line in &lines {
        add(&mut moved, line.change);
    }
    Ok(Statement {
        household: household.clone(),
        name: record.name.to_string(),
        group: record.group.to_string(),
        range,
        opening: minus(closing, moved),
        lines,
        closing,
        sums,
        source: Source::of(&state),
    })
}

/// Who made an entry, as the export's 操作员 names them, and the staff
/// member who confirmed it after a `+`.
pub fn operator_of(entry: &Entry) -> String {
    let acting = crate::export::staff_of(&entry.actor);
    match &entry.co_signed_by {
        Some(second) => format!("{acting} + {second}"),
        None => acting,
    }
}

// ---------------------------------------------------------------------------
// What each staff member did that a village checks (the exception report).

/// The columns of the exception report, in the order of its counts.
pub const EXCEPTION_KINDS: [&str; 7] = [
    "pin_resets",
    "assisted",
    "voids",
    "credits",
    "corrections",
    "stock_adjustments",
    "co_signed",
];

/// One staff member's exceptions on one village day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionLine {
    pub date: LocalDate,
    pub staff: String,
    /// Counts in the order of [`EXCEPTION_KINDS`]: households' PINs set,
    /// assisted redemptions, voids, manual credits, corrections, stock
    /// adjustments, and entries this staff member confirmed for another.
    pub counts: [u64; 7],
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exceptions {
    pub range: DateRange,
    /// By day, then staff member.
    pub lines: Vec<ExceptionLine>,
    pub totals: [u64; 7],
    /// Whether the two-person rule is on at the end of the journal.
    pub two_person_rule: bool,
    pub source: Source,
}

/// Per staff member and village day in `range`: the staff actions a village
/// looks at twice. A score sheet's own credits (appended with its
/// `scores_applied`) are not manual credits and are not counted.
pub fn exceptions(history: History<'_>, range: DateRange) -> Result<Exceptions, Error> {
    let mut counts: SortedMap<(LocalDate, String), [u64; 7]> = SortedMap::new();
    let mut sheet_at: Option<(i64, String)> = None;
    let state = replay(history, |entry, date, _| {
        let staff = match &entry.actor {
            Actor::Staff { staff } | Actor::Assisted { staff, .. } => staff.to_string(),
            _ => return,
        };
        if matches!(entry.body, Body::ScoresApplied { .. }) {
            sheet_at = Some((entry.time_ms, staff.clone()));
        }
        if !range.contains(date) {
            return;
        }
        let from_sheet = sheet_at.as_ref() == Some(&(entry.time_ms, staff.clone()));
        let column = match (&entry.body, &entry.actor) {
            (Body::PinSet { .. }, Actor::Staff { .. }) => Some(0),
            (Body::Redeemed { .. }, Actor::Assisted { .. }) => Some(1),
            (Body::RedemptionVoided { .. }, _) => Some(2),
            (Body::Credited { .. }, _) if !from_sheet => Some(3),
            (Body::Corrected { .. }, _) => Some(4),
            (Body::StockAdjusted { .. }, _) => Some(5),
            _ => None,
        };
        if let Some(column) = column {
            counts.entry((date, staff)).or_default()[column] += 1;
        }
        if let Some(second) = &entry.co_signed_by {
            counts.entry((date, second.to_string())).or_default()[6] += 1;
        }
    })?;
    let mut totals = [0u64; 7];
    let lines = counts
        .into_iter()
        .map(|((date, staff), counts)| {
            for (total, count) in totals.iter_mut().zip(counts) {
                *total += count;
            }
            ExceptionLine {
                date,
                staff,
                counts,
            }
        })
        .collect();
    Ok(Exceptions {
        range,
        lines,
        totals,
        two_person_rule: state.settings.two_person_rule,
        source: Source::of(&state),
    })
}

/// The goods of the redemption at `seq`, if it is one.
fn goods_text(state: &State, seq: u64) -> String {
    let Some(redemption) = state.redemptions.get(&seq) else {
        return String::new();
    };
    redemption
        .lines
        .iter()
        .map(|line| format!("{} ×{}", item_name(state, &line.sku).name_zh, line.quantity))
        .collect::<Vec<_>>()
        .join("、")
}

// ---------------------------------------------------------------------------
// Monthly series and the most redeemed goods.

/// One month's points and goods.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonthPoint {
    pub year: i32,
    pub month: u32,
    pub credited: Points,
    pub corrected: Points,
    pub redeemed: Points,
    pub voided: Points,
    /// Redeemed less voided.
    pub spent: Points,
    pub cleared: Points,
    pub redemptions: u64,
    pub units_out: i64,
}

/// One item among the most redeemed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopLine {
    pub item: ItemName,
    /// Units redeemed less voided.
    pub units: i64,
    pub points: Points,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Series {
    pub months: Vec<MonthPoint>,
    /// The [`TOP_GOODS`] most redeemed goods over the months, most first.
    pub top: Vec<TopLine>,
    pub source: Source,
}

/// Month by month from `first` to `last` (year, month), both included.
pub fn series(history: History<'_>, first: (i32, u32), last: (i32, u32)) -> Result<Series, Error> {
    let mut months = Vec::new();
    let mut cursor = first;
    while cursor <= last {
        if months.len() == MONTHS_MAX {
            return Err(Error::LimitReached {
                what: "months",
                limit: MONTHS_MAX as i64,
            });
        }
        months.push(MonthPoint {
            year: cursor.0,
            month: cursor.1,
            ..MonthPoint::default()
        });
        cursor = if cursor.1 == 12 {
            (cursor.0 + 1, 1)
        } else {
            (cursor.0, cursor.1 + 1)
        };
    }
    let mut goods: SortedMap<Sku, Movement> = SortedMap::new();
    let state = replay(history, |entry, date, state| {
        let Some(point) = months
            .iter_mut()
            .find(|p| p.year == date.year && p.month == date.month)
        else {
            return;
        };
        let effect = effect(entry, state);
        add(&mut point.credited, effect.credited);
        add(&mut point.corrected, effect.corrected);
        add(&mut point.redeemed, effect.redeemed);
        add(&mut point.voided, effect.voided);
        add(&mut point.cleared, effect.cleared);
        point.redemptions += u64::from(matches!(entry.body, Body::Redeemed { .. }));
        for (sku, movement) in effect.stock {
            point.units_out += movement.redeemed - movement.voided;
            goods.entry(sku).or_default().add(&movement);
        }
    })?;
    for point in &mut months {
        point.spent = minus(point.redeemed, point.voided);
    }
    let mut top: Vec<TopLine> = goods
        .iter()
        .map(|(sku, m)| TopLine {
            item: item_name(&state, sku),
            units: m.redeemed - m.voided,
            points: m.points,
        })
        .filter(|line| line.units > 0)
        .collect();
    crate::sorting::sort_by(&mut top, |a, b| {
        (b.units, b.points)
            .cmp(&(a.units, a.points))
            .then_with(|| a.item.sku.cmp(&b.item.sku))
    });
    top.truncate(TOP_GOODS);
    Ok(Series {
        months,
        top,
        source: Source::of(&state),
    })
}

/// The twelve months ending with `last`.
pub fn year_to(last: (i32, u32)) -> (i32, u32) {
    if last.1 == 12 {
        (last.0, 1)
    } else {
        (last.0 - 1, last.1 + 1)
    }
}
