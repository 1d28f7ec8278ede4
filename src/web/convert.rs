//! Conversions at the JS boundary: input objects into the core's validated
//! types, the core's answers into plain JS objects (camelCase, amounts as
//! `"12.50"` strings), and refusals into JS `Error`s that carry a `.code`.

use crate::error::{Error, Figure};
use crate::ids::{HouseholdCode, KioskId, RequestId};
use crate::ledger::{Quote, Receipt, ReceiptLine, Session, SessionId};
use crate::state::{HistoryLine, Household, Item, State};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// Turns a refusal into a JS `Error`: `.name` and `.code` are the stable
/// code, `.message` is Chinese, `.messageEn` English, and each figure is a
/// property (`.needed`, `.attemptsLeft` …).
pub(crate) fn to_js_error(error: &Error) -> JsValue {
    let js_error = js_sys::Error::new(&error.message_zh());
    js_error.set_name(error.code());
    let object: &JsValue = js_error.as_ref();
    let set = |key: &str, value: JsValue| {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), &value);
    };
    set("code", JsValue::from_str(error.code()));
    set("messageEn", JsValue::from_str(&error.message_en()));
    for (name, figure) in error.figures() {
        let value = match figure {
            Figure::Text(text) => JsValue::from_str(&text),
            Figure::Number(number) => to_js(&number),
        };
        set(name, value);
    }
    js_error.into()
}

/// Serialises an answer into a plain JS object.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

/// Reads an input object into `T`, or `INVALID_INPUT` naming what is wrong.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, Error> {
    serde_wasm_bindgen::from_value(value).map_err(|problem| Error::InvalidInput {
        field: what.to_string(),
        detail_zh: "格式不对".to_string(),
        detail: problem.to_string(),
        detail_code: None,
    })
}

/// A household's code, as the core reads it (a malformed one is unknown).
pub(crate) fn household_code(text: &str) -> Result<HouseholdCode, Error> {
    crate::ledger::parse_household(text)
}

pub(crate) fn kiosk_id(text: &str) -> Result<KioskId, Error> {
    KioskId::new(text).map_err(|problem| Error::invalid("kioskId", &problem))
}

pub(crate) fn request_id(text: &str) -> Result<RequestId, Error> {
    RequestId::new(text).map_err(|problem| Error::invalid("requestId", &problem))
}

/// The options of `Kiosk.open`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct OpenOptions {
    pub kiosk_id: String,
    /// PBKDF2 iterations for new PINs (tests pass a few).
    pub pin_iterations: Option<u32>,
    /// A session's idle timeout.
    pub session_idle_ms: Option<i64>,
    /// Open a journal that failed verification, read-only, for export and
    /// recovery, instead of refusing.
    #[serde(default)]
    pub allow_corrupt: bool,
}

/// A range of seqs, both ends optional and inclusive.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RangeInput {
    pub from: Option<u64>,
    pub to: Option<u64>,
}

/// A session as the page passes it back: the object `signIn` returned, or
/// its id.
pub(crate) fn session_id(value: &JsValue) -> Result<SessionId, Error> {
    let id = if let Some(id) = value.as_string() {
        id
    } else {
        js_sys::Reflect::get(value, &JsValue::from_str("id"))
            .ok()
            .and_then(|id| id.as_string())
            .ok_or(Error::SessionExpired)?
    };
    SessionId::new(&id)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ItemView {
    sku: String,
    name_zh: String,
    name_en: String,
    unit: String,
    category: String,
    price: String,
    stock: i64,
    active: bool,
    image: Option<String>,
    barcode: Option<String>,
    low_stock: Option<u32>,
}

impl From<&Item> for ItemView {
    fn from(item: &Item) -> ItemView {
        let details = &item.details;
        ItemView {
            sku: item.sku.to_string(),
            name_zh: details.name_zh.to_string(),
            name_en: details
                .name_en
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            unit: details.unit.to_string(),
            category: details.category.to_string(),
            price: item.price.to_fixed(),
            stock: item.stock,
            active: item.active,
            image: details
                .image
                .as_ref()
                .map(|image| image.as_str().to_string()),
            barcode: details
                .barcode
                .as_ref()
                .map(|barcode| barcode.as_str().to_string()),
            low_stock: details.low_stock,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HouseholdView {
    code: String,
    name: String,
    group: String,
    kind: &'static str,
    balance: String,
    earned: String,
    status: &'static str,
    blacklisted: bool,
    has_pin: bool,
}

impl From<&Household> for HouseholdView {
    fn from(household: &Household) -> HouseholdView {
        HouseholdView {
            code: household.code.to_string(),
            name: household.name.to_string(),
            group: household.group.to_string(),
            kind: match household.kind {
                crate::entry::HouseholdKind::Family => "family",
                crate::entry::HouseholdKind::Unit => "unit",
            },
            balance: household.balance.to_fixed(),
            earned: household.earned.to_fixed(),
            status: household.status.as_str(),
            blacklisted: household.blacklisted,
            has_pin: household.has_pin,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HistoryView {
    seq: u64,
    time: i64,
    kind: &'static str,
    change: String,
    balance_after: String,
    note: String,
    /// A credit's period (`2026-10`, `2026-Q4`) and source (`evaluation`,
    /// `bonus`, or the platform's own word), so that two credits of the
    /// same amount read apart. Absent on other lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    /// The member who collected a redemption (领取人), when one signed in.
    #[serde(skip_serializing_if = "Option::is_none")]
    collector: Option<String>,
}

/// A household's history, newest first. The state keeps a credit's period
/// and source in its credit keys rather than on the line, so they are
/// looked up there by the credit's seq.
pub(crate) fn household_history(state: &State, code: &HouseholdCode) -> Vec<HistoryView> {
    let Some(household) = state.household(code) else {
        return Vec::new();
    };
    let credits: std::collections::HashMap<u64, (String, String)> = state
        .credits
        .iter()
        .filter(|((credited, _, _), _)| credited == code)
        .map(|((_, period, source), (seq, _))| (*seq, (period.to_string(), source.to_string())))
        .collect();
    household
        .history
        .iter()
        .rev()
        .map(|line| {
            let mut view = HistoryView::of(line, state);
            if line.kind == "credited" {
                if let Some((period, source)) = credits.get(&line.seq) {
                    view.period = Some(period.clone());
                    view.source = Some(source.clone());
                }
            }
            if line.kind == "redeemed" {
                view.collector = state
                    .redemptions
                    .get(&line.seq)
                    .and_then(|redemption| redemption.collector.as_ref())
                    .map(ToString::to_string);
            }
            view
        })
        .collect()
}

impl HistoryView {
    pub(super) fn of(line: &HistoryLine, state: &State) -> HistoryView {
        HistoryView {
            seq: line.seq,
            time: line.time_ms,
            kind: line.kind,
            change: line.change.to_fixed(),
            balance_after: line.balance_after.to_fixed(),
            note: line.note_text(state),
            period: None,
            source: None,
            collector: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LineView {
    sku: String,
    name_zh: String,
    name_en: String,
    qty: u32,
    unit_price: String,
    line_total: String,
}

impl From<&ReceiptLine> for LineView {
    fn from(line: &ReceiptLine) -> LineView {
        LineView {
            sku: line.sku.to_string(),
            name_zh: line.name_zh.clone(),
            name_en: line.name_en.clone(),
            qty: line.quantity,
            unit_price: line.unit_price.to_fixed(),
            line_total: line.line_total.to_fixed(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReceiptView {
    receipt_number: String,
    seq: u64,
    time: i64,
    household: String,
    household_name: String,
    lines: Vec<LineView>,
    total: String,
    balance_after: String,
    short_hash: String,
    repeated: bool,
    assisted_by: Option<String>,
    /// The member who collected the goods (领取人), if one signed in.
    collector: Option<String>,
    /// The staff member who set the household's PIN within 24 hours
    /// before, marked on the receipt.
    pin_reset_by: Option<String>,
}

impl From<&Receipt> for ReceiptView {
    fn from(receipt: &Receipt) -> ReceiptView {
        ReceiptView {
            receipt_number: receipt.receipt_number.clone(),
            seq: receipt.seq,
            time: receipt.time_ms,
            household: receipt.household.to_string(),
            household_name: receipt.household_name.clone(),
            lines: receipt.lines.iter().map(LineView::from).collect(),
            total: receipt.total.to_fixed(),
            balance_after: receipt.balance_after.to_fixed(),
            short_hash: receipt.short_hash.clone(),
            repeated: receipt.repeated,
            assisted_by: receipt.assisted_by.as_ref().map(ToString::to_string),
            collector: receipt.collector.clone(),
            pin_reset_by: receipt.pin_reset_by.as_ref().map(ToString::to_string),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct QuoteView {
    lines: Vec<LineView>,
    total: String,
    balance: String,
    balance_after: String,
}

impl From<&Quote> for QuoteView {
    fn from(quote: &Quote) -> QuoteView {
        QuoteView {
            lines: quote.lines.iter().map(LineView::from).collect(),
            total: quote.total.to_fixed(),
            balance: quote.balance.to_fixed(),
            balance_after: quote.balance_after.to_fixed(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SessionView {
    id: String,
    household: String,
    name: String,
    balance: String,
    assisted_by: Option<String>,
    /// The member whose card signed in, if one did.
    collector: Option<String>,
}

pub(crate) fn session_view(session: &Session, state: &State) -> SessionView {
    let household = state.household(&session.household);
    SessionView {
        id: session.id.as_str().to_string(),
        household: session.household.to_string(),
        name: household.map(|h| h.name.to_string()).unwrap_or_default(),
        balance: household.map(|h| h.balance.to_fixed()).unwrap_or_default(),
        assisted_by: session.assisted_by.as_ref().map(ToString::to_string),
        collector: session.collector.as_ref().map(ToString::to_string),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BoardLineView {
    rank: usize,
    household: String,
    name: String,
    earned: String,
    /// The sum of applied scores (`"285.5"`), when the list ranks by scores.
    score: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SharedView {
    rank: usize,
    count: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BoardListView {
    period: String,
    lines: Vec<BoardLineView>,
    shared_last: Option<SharedView>,
}

impl From<&crate::board::BoardList> for BoardListView {
    fn from(list: &crate::board::BoardList) -> BoardListView {
        BoardListView {
            period: list.period.clone(),
            lines: list
                .lines
                .iter()
                .map(|line| BoardLineView {
                    rank: line.rank,
                    household: line.household.to_string(),
                    name: line.name.clone(),
                    earned: line.earned.to_fixed(),
                    score: line.score_tenths.map(|tenths| match tenths % 10 {
                        0 => (tenths / 10).to_string(),
                        tenth => format!("{}.{tenth}", tenths / 10),
                    }),
                })
                .collect(),
            shared_last: list
                .shared_last
                .map(|(rank, count)| SharedView { rank, count }),
        }
    }
}

/// The points board as the page gets it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BoardView {
    quarter: BoardListView,
    stars: BoardListView,
    advanced: BoardListView,
    blacklist: Vec<String>,
}

impl From<&crate::board::Board> for BoardView {
    fn from(board: &crate::board::Board) -> BoardView {
        BoardView {
            quarter: (&board.quarter).into(),
            stars: (&board.stars).into(),
            advanced: (&board.advanced).into(),
            blacklist: board.blacklist.clone(),
        }
    }
}
