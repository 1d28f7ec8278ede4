//! Reports and charts, in the JS API: staff reads that replay the stored
//! journal through the core's [`crate::reports`] and hand back plain objects
//! (amounts as fixed strings, `"12.50"`) or SVG strings from
//! [`crate::charts`]. Each is `{ staffSession, now, kind, … }` and refused
//! with `STAFF_AUTH_REQUIRED` without a live staff session; they change
//! nothing. A replay that ends at the live seq with another state hash is
//! `INTERNAL` (a report never disagrees with a balance).

use super::convert::{self, from_js, to_js};
use super::gate::Gate;
use super::idb::SEQ_MAX;
use super::kiosk::{promise, storage_error, DbLease, Inner, Kiosk};
use crate::calendar::{local_date, LocalDate};
use crate::charts;
use crate::entry::Entry;
use crate::error::Error;
use crate::ids::Sku;
use crate::journal::StoredRecord;
use crate::points::Points;
use crate::reports::{self, date_text, DateRange, History, ItemName, Source};
use crate::state::State;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReportInput {
    #[serde(rename = "staffSession")]
    _staff_session: serde::de::IgnoredAny,
    now: i64,
    kind: String,
    date: Option<String>,
    month: Option<String>,
    household: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// Items' own low-stock thresholds: `{ "salt-500g": 10 }`.
    thresholds: Option<HashMap<String, i64>>,
}

/// The first and last month of a series.
type MonthSpan = ((i32, u32), (i32, u32));

/// What a report or chart is of, checked.
enum Query {
    Day(LocalDate),
    Month(i32, u32),
    Stock(HashMap<Sku, i64>),
    Donations(DateRange),
    Statement(crate::ids::HouseholdCode, DateRange),
    Series((i32, u32), (i32, u32)),
    Exceptions(DateRange),
}

fn bad_kind(kinds: &str) -> Error {
    Error::invalid_with("kind", "报表类型不对", &format!("kind is one of {kinds}"))
}

impl ReportInput {
    fn today(&self, offset: i32) -> LocalDate {
        local_date(self.now, offset)
    }

    /// `from`/`to` as dates; by default the year so far.
    fn dates(&self, offset: i32) -> Result<DateRange, Error> {
        let today = self.today(offset);
        let from = match &self.from {
            Some(text) => reports::parse_date("from", text)?,
            None => LocalDate {
                year: today.year,
                month: 1,
                day: 1,
            },
        };
        let to = match &self.to {
            Some(text) => reports::parse_date("to", text)?,
            None => today,
        };
        DateRange::new(from, to)
    }

    /// `from`/`to` as months; by default the twelve months to this one.
    fn months(&self, offset: i32) -> Result<MonthSpan, Error> {
        let today = self.today(offset);
        let to = match &self.to {
            Some(text) => reports::parse_month("to", text)?,
            None => (today.year, today.month),
        };
        let from = match &self.from {
            Some(text) => reports::parse_month("from", text)?,
            None => reports::year_to(to),
        };
        Ok((from, to))
    }

    fn month(&self, offset: i32) -> Result<(i32, u32), Error> {
        match &self.month {
            Some(text) => reports::parse_month("month", text),
            None => {
                let today = self.today(offset);
                Ok((today.year, today.month))
            }
        }
    }

    fn thresholds(&self) -> Result<HashMap<Sku, i64>, Error> {
        let mut checked = HashMap::new();
        for (sku, threshold) in self.thresholds.iter().flatten() {
            let sku = Sku::new(sku).map_err(|problem| Error::invalid("thresholds", &problem))?;
            if !(0..=100_000).contains(threshold) {
                return Err(Error::invalid_with(
                    "thresholds",
                    "补货线应在 0 到 100000 之间",
                    "a threshold is 0 to 100000",
                ));
            }
            checked.insert(sku, *threshold);
        }
        Ok(checked)
    }

    fn report_query(&self, offset: i32) -> Result<Query, Error> {
        Ok(match self.kind.as_str() {
            "day" => Query::Day(match &self.date {
                Some(text) => reports::parse_date("date", text)?,
                None => self.today(offset),
            }),
            "month" => {
                let (year, month) = self.month(offset)?;
                Query::Month(year, month)
            }
            "stock" => Query::Stock(self.thresholds()?),
            "donations" => Query::Donations(self.dates(offset)?),
            "statement" => {
                let code = self.household.as_deref().unwrap_or_default();
                Query::Statement(convert::household_code(code)?, self.dates(offset)?)
            }
            "series" => {
                let (from, to) = self.months(offset)?;
                Query::Series(from, to)
            }
            "exceptions" => Query::Exceptions(self.dates(offset)?),
            _ => {
                return Err(bad_kind(
                    "day, month, stock, donations, statement, series, exceptions",
                ))
            }
        })
    }
}

fn fixed(points: Points) -> String {
    points.to_fixed()
}

fn item_view(item: &ItemName) -> Value {
    json!({
        "sku": item.sku.as_str(),
        "nameZh": item.name_zh,
        "nameEn": item.name_en,
        "unit": item.unit,
    })
}

fn range_view(range: &DateRange) -> Value {
    json!({ "from": date_text(range.from), "to": date_text(range.to) })
}

fn source_view(source: &Source) -> Value {
    json!({ "seq": source.seq, "stateHash": source.state_hash })
}

fn summary_view(kind: &str, summary: &reports::Summary) -> Value {
    let goods: Vec<Value> = summary
        .goods
        .iter()
        .map(|line| {
            let m = line.movement;
            json!({
                "item": item_view(&line.item),
                "opening": line.opening,
                "restocked": m.restocked,
                "redeemed": m.redeemed,
                "voided": m.voided,
                "adjusted": m.adjusted,
                "closing": line.closing,
                "points": fixed(m.points),
            })
        })
        .collect();
    json!({
        "kind": kind,
        "range": range_view(&summary.range),
        "redemptions": summary.redemptions,
        "assisted": summary.assisted,
        "voids": summary.voids,
        "householdsServed": summary.households_served,
        "pointsRedeemed": fixed(summary.points_redeemed),
        "pointsVoided": fixed(summary.points_voided),
        "pointsSpent": fixed(summary.points_spent),
        "pointsCredited": fixed(summary.points_credited),
        "pointsCorrected": fixed(summary.points_corrected),
        "pointsCleared": fixed(summary.points_cleared),
        "unitsRedeemed": summary.units_redeemed,
        "unitsVoided": summary.units_voided,
        "unitsOut": summary.units_out,
        "unitsRestocked": summary.units_restocked,
        "unitsAdjusted": summary.units_adjusted,
        "goods": goods,
        "hands": summary
            .hands
            .iter()
            .map(|(operator, entries)| json!({ "operator": operator, "entries": entries }))
            .collect::<Vec<Value>>(),
        "source": source_view(&summary.source),
    })
}

fn stock_view(lines: &[reports::StockLine], source: Source) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|line| {
            json!({
                "item": item_view(&line.item),
                "category": line.category,
                "price": fixed(line.price),
                "stock": line.stock,
                "threshold": line.threshold,
                "low": line.low,
                "active": line.active,
            })
        })
        .collect();
    let low = lines.iter().filter(|l| l["low"] == true).count();
    json!({ "kind": "stock", "lines": lines, "low": low, "source": source_view(&source) })
}

fn donations_view(report: &reports::Donations) -> Value {
    let by_donor: Vec<Value> = report
        .by_donor
        .iter()
        .map(|line| {
            json!({
                "donor": line.donor,
                "sourceType": line.source_type.as_str(),
                "restocks": line.restocks,
                "units": line.units,
                "declaredValue": fixed(line.declared_value),
            })
        })
        .collect();
    let by_source: Vec<Value> = report
        .by_source
        .iter()
        .map(|line| {
            json!({
                "sourceType": line.source_type.as_str(),
                "restocks": line.restocks,
                "units": line.units,
                "declaredValue": fixed(line.declared_value),
            })
        })
        .collect();
    let goods: Vec<Value> = report
        .goods
        .iter()
        .map(|line| {
            json!({
                "item": item_view(&line.item),
                "given": line.given,
                "redeemed": line.redeemed,
                "points": fixed(line.points),
            })
        })
        .collect();
    json!({
        "kind": "donations",
        "range": range_view(&report.range),
        "byDonor": by_donor,
        "bySource": by_source,
        "goods": goods,
        "thanks": report.thanks,
        "restocks": report.restocks,
        "units": report.units,
        "declaredValue": fixed(report.declared_value),
        "unitsRedeemed": report.units_redeemed,
        "source": source_view(&report.source),
    })
}

fn statement_view(report: &reports::Statement) -> Value {
    let lines: Vec<Value> = report
        .lines
        .iter()
        .map(|line| {
            json!({
                "seq": line.seq,
                "time": line.time,
                "kind": line.kind,
                "change": fixed(line.change),
                "balanceAfter": fixed(line.balance_after),
                "note": line.note,
                "goods": line.goods,
                "operator": line.operator,
            })
        })
        .collect();
    let sums: serde_json::Map<String, Value> = reports::STATEMENT_KINDS
        .iter()
        .zip(report.sums)
        .map(|(kind, sum)| (kind.to_string(), Value::from(fixed(sum))))
        .collect();
    json!({
        "kind": "statement",
        "household": report.household.as_str(),
        "name": report.name,
        "group": report.group,
        "range": range_view(&report.range),
        "opening": fixed(report.opening),
        "lines": lines,
        "closing": fixed(report.closing),
        "sums": sums,
        "source": source_view(&report.source),
    })
}

fn exceptions_view(report: &reports::Exceptions) -> Value {
    let counts = |counts: &[u64; 7]| -> serde_json::Map<String, Value> {
        reports::EXCEPTION_KINDS
            .iter()
            .zip(counts)
            .map(|(kind, count)| (kind.to_string(), Value::from(*count)))
            .collect()
    };
    let lines: Vec<Value> = report
        .lines
        .iter()
        .map(|line| {
            json!({
                "date": date_text(line.date),
                "staff": line.staff,
                "counts": counts(&line.counts),
            })
        })
        .collect();
    json!({
        "kind": "exceptions",
        "range": range_view(&report.range),
        "lines": lines,
        "totals": counts(&report.totals),
        "source": source_view(&report.source),
    })
}

fn series_view(series: &reports::Series) -> Value {
    let months: Vec<Value> = series
        .months
        .iter()
        .map(|m| {
            json!({
                "month": format!("{:04}-{:02}", m.year, m.month),
                "credited": fixed(m.credited),
                "corrected": fixed(m.corrected),
                "redeemed": fixed(m.redeemed),
                "voided": fixed(m.voided),
                "spent": fixed(m.spent),
                "cleared": fixed(m.cleared),
                "redemptions": m.redemptions,
                "unitsOut": m.units_out,
            })
        })
        .collect();
    let top: Vec<Value> = series
        .top
        .iter()
        .map(|t| json!({ "item": item_view(&t.item), "units": t.units, "points": fixed(t.points) }))
        .collect();
    json!({ "kind": "series", "months": months, "top": top, "source": source_view(&series.source) })
}

/// The stored journal as a report reads it: the archive's base state, if
/// the journal was archived, and every stored entry after it, decoded, in
/// seq order — read in one pass of the gate, so no archive falls between.
struct Stored {
    base: Option<State>,
    entries: Vec<Entry>,
}

impl Stored {
    fn history(&self) -> History<'_> {
        History {
            start: self.base.as_ref(),
            entries: &self.entries,
        }
    }
}

async fn stored_history(inner: &Rc<Inner>) -> Result<Stored, Error> {
    let _pass = Gate::enter(inner.gate()).await;
    let lease = DbLease::take(inner)?;
    let db = lease.db()?;
    let base = super::upkeep::read_base(db).await?.map(|found| found.state);
    let stored = db.read_journal(1, SEQ_MAX).await.map_err(storage_error)?;
    let mut entries = Vec::with_capacity(stored.len());
    for (seq, bytes) in stored {
        let entry = StoredRecord::from_bytes(&bytes)
            .and_then(|record| Entry::decode(&record.bytes).ok())
            .ok_or_else(|| Error::StorageCorrupt {
                seq,
                detail: "undecodable record".into(),
            })?;
        entries.push(entry);
    }
    Ok(Stored { base, entries })
}

/// Refuses a report that ended at the live seq with another state.
fn agrees(source: &Source, state: &crate::state::State) -> Result<(), Error> {
    if source.seq == state.seq && source.state_hash != state.state_hash() {
        return Err(Error::Internal {
            detail: "a report's replay disagrees with the live state".into(),
        });
    }
    Ok(())
}

fn answer(query: Query, history: History<'_>, state: &State) -> Result<Value, Error> {
    let (view, source) = match query {
        Query::Day(date) => {
            let summary = reports::summary(history, DateRange::day(date))?;
            (summary_view("day", &summary), summary.source)
        }
        Query::Month(year, month) => {
            let summary = reports::summary(history, DateRange::month(year, month))?;
            (summary_view("month", &summary), summary.source)
        }
        Query::Stock(thresholds) => {
            let source = reports::replay(history, |_, _, _| {}).map(|s| Source {
                seq: s.seq,
                state_hash: s.state_hash(),
            })?;
            (
                stock_view(&reports::stock(state, &thresholds), source.clone()),
                source,
            )
        }
        Query::Donations(range) => {
            let report = reports::donations(history, range)?;
            (donations_view(&report), report.source)
        }
        Query::Statement(household, range) => {
            let report = reports::statement(history, &household, range)?;
            (statement_view(&report), report.source)
        }
        Query::Series(from, to) => {
            let series = reports::series(history, from, to)?;
            (series_view(&series), series.source)
        }
        Query::Exceptions(range) => {
            let report = reports::exceptions(history, range)?;
            (exceptions_view(&report), report.source)
        }
    };
    agrees(&source, state)?;
    let mut view = view;
    // Every report says so while the village has the two-person rule off.
    if let Value::Object(fields) = &mut view {
        fields.insert(
            "twoPersonRuleOff".into(),
            Value::from(!state.settings.two_person_rule),
        );
    }
    Ok(view)
}

fn chart(
    kind: &str,
    input: &ReportInput,
    history: History<'_>,
    state: &State,
    offset: i32,
) -> Result<String, Error> {
    if kind == "stock" {
        return Ok(charts::stock_svg(&reports::stock(
            state,
            &input.thresholds()?,
        )));
    }
    let (from, to) = input.months(offset)?;
    let series = reports::series(history, from, to)?;
    agrees(&series.source, state)?;
    Ok(match kind {
        "points_spent" => charts::points_spent_svg(&series),
        "credits_redemptions" => charts::credits_vs_redemptions_svg(&series),
        "top_goods" => charts::top_goods_svg(&series),
        _ => {
            return Err(bad_kind(
                "points_spent, credits_redemptions, top_goods, stock",
            ))
        }
    })
}

impl Kiosk {
    /// Checks the staff session and the input, then runs `work` over the
    /// stored journal.
    fn over_journal<T, F>(&self, input: JsValue, what: &'static str, work: F) -> js_sys::Promise
    where
        T: Into<JsValue>,
        F: FnOnce(ReportInput, History<'_>, &State, i32) -> Result<T, Error> + 'static,
    {
        let inner = Rc::clone(self.inner());
        let check = self.staff_read(input.clone(), |_| Ok(JsValue::UNDEFINED));
        promise(async move {
            check.map_err(|_| Error::StaffAuthRequired)?;
            let mut fields: ReportInput = from_js(input, what)?;
            let stored = stored_history(&inner).await?;
            let ledger = inner.ledger.borrow();
            let state = ledger.state();
            let offset = state.kiosk.as_ref().map_or(0, |k| k.utc_offset_minutes);
            // "Today" is the ledger's day (crate::clock): a clock moved
            // forward does not open an empty day or month.
            fields.now = state.clock.reading_at(fields.now);
            work(fields, stored.history(), state, offset).map(Into::into)
        })
    }
}

#[wasm_bindgen]
impl Kiosk {
    /// A report (any staff): `{ staffSession, now, kind, … }` →
    /// - `kind: "day", date?: "2026-10-26"` (default today) and
    ///   `kind: "month", month?: "2026-10"`: counts, points and goods, each
    ///   item's opening and closing stock (the day's close, 日结);
    /// - `kind: "stock", thresholds?: { sku: n }`: every item, most urgent
    ///   first, low at or below its threshold (default 5);
    /// - `kind: "donations", from?, to?` (dates, default the year so far):
    ///   by donor and by source type, given against redeemed, a thank-you list;
    /// - `kind: "statement", household, from?, to?`: every change to the
    ///   household's balance with the balance after it;
    /// - `kind: "series", from?, to?` (months, default the last twelve):
    ///   month by month, and the ten most redeemed goods;
    /// - `kind: "exceptions", from?, to?` (dates, default the year so far):
    ///   per staff member and day, households' PINs set, assisted
    ///   redemptions, voids, manual credits, corrections, stock adjustments
    ///   and entries they confirmed for another (`lines[].counts`).
    ///
    /// Every report has `twoPersonRuleOff`, true while the village has the
    /// two-person rule off.
    ///
    /// Amounts are fixed strings (`"12.50"`); each has `source: { seq,
    /// stateHash }`, the journal it was read from.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = report)]
    pub fn report(&self, input: JsValue) -> js_sys::Promise {
        self.over_journal(input, "report", |fields, history, state, offset| {
            let query = fields.report_query(offset)?;
            Ok(to_js(&answer(query, history, state)?))
        })
    }

    /// A chart as SVG text (any staff): `{ staffSession, now, kind, from?,
    /// to? }` with `kind` `points_spent`, `credits_redemptions`, `top_goods`
    /// (months `from`/`to`, default the last twelve) or `stock`
    /// (`thresholds?`).
    /// The donors to thank on the home screen's points board (no session:
    /// the board is public): `{ now }` → `{ show, year, donors }`, the
    /// village-local year's donors, largest gift first, at most 30; `show`
    /// is the village's `thanks_on_board` setting, and `donors` is empty
    /// when it is off.
    #[wasm_bindgen(js_name = thanks)]
    pub fn thanks(&self, input: JsValue) -> js_sys::Promise {
        /// Written out rather than made with `serde_json::json!`, which
        /// brought `serde_json` into the villager's wasm for this alone;
        /// the fields in the order the page always got them (that map
        /// sorted its keys).
        #[derive(serde::Serialize)]
        struct ThanksView<'a> {
            donors: Vec<&'a String>,
            show: bool,
            year: i32,
        }
        let inner = Rc::clone(self.inner());
        promise(async move {
            let now = convert::Fields::of(input, "thanks")?.integer("now")?;
            let (show, offset) = {
                let ledger = inner.ledger.borrow();
                let state = ledger.state();
                let offset = state.kiosk.as_ref().map_or(0, |k| k.utc_offset_minutes);
                (state.settings.thanks_on_board, offset)
            };
            let today = local_date(now, offset);
            if !show {
                return Ok(to_js(&ThanksView {
                    donors: Vec::new(),
                    show: false,
                    year: today.year,
                }));
            }
            let start = LocalDate {
                year: today.year,
                month: 1,
                day: 1,
            };
            let stored = stored_history(&inner).await?;
            let report = reports::donations(stored.history(), DateRange::new(start, today)?)?;
            let donors: Vec<&String> = report.thanks.iter().take(30).collect();
            Ok(to_js(&ThanksView {
                donors,
                show: true,
                year: today.year,
            }))
        })
    }

    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = chart)]
    pub fn chart(&self, input: JsValue) -> js_sys::Promise {
        self.over_journal(input, "chart", |fields, history, state, offset| {
            let kind = fields.kind.clone();
            chart(&kind, &fields, history, state, offset).map(|svg| JsValue::from_str(&svg))
        })
    }
}
