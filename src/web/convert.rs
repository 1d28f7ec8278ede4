//! Conversions at the JS boundary: input objects into the core's validated
//! types, the core's answers into plain JS objects (camelCase, amounts as
//! `"12.50"` strings), and refusals into JS `Error`s that carry a `.code`.

use crate::error::{Error, Figure};
use crate::ids::{HouseholdCode, KioskId, RequestId};
use crate::ledger::{BasketLine, Quote, Receipt, ReceiptLine, Session, SessionId};
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

/// An input object read field by field through `Reflect`, the villager's
/// bindings' reader. `from_js` reads through serde_wasm_bindgen's
/// deserializer, whose type errors format floats: about 55 KB of the
/// villager's wasm for a handful of fields. It reads as that deserializer
/// did: only the fields asked for (others are passed over), a field absent
/// or `undefined`/`null` is `None` where optional, a string only from a JS
/// string, an integer only from a safe integer or a `BigInt` (amounts cross
/// as strings, never as numbers); a refusal is `INVALID_INPUT` for `what`,
/// naming the field.
pub(crate) struct Fields<'a> {
    object: JsValue,
    what: &'a str,
}

impl<'a> Fields<'a> {
    /// The object `value` holds, or a refusal when it is none.
    pub(crate) fn of(value: JsValue, what: &'a str) -> Result<Fields<'a>, Error> {
        if value.is_object() {
            Ok(Fields {
                object: value,
                what,
            })
        } else {
            Err(wrong_type(what, None, &value, "an object"))
        }
    }

    /// The field's value, `None` when the object has no such field (a
    /// field present as `undefined` is present, as the deserializer took
    /// it). A getter that throws is bad input.
    fn get(&self, name: &str) -> Result<Option<JsValue>, Error> {
        let key = JsValue::from_str(name);
        let value = js_sys::Reflect::get(&self.object, &key)
            .map_err(|_| refusal(self.what, format!("the field `{name}` could not be read")))?;
        let present =
            !value.is_undefined() || js_sys::Reflect::has(&self.object, &key).unwrap_or(false);
        Ok(present.then_some(value))
    }

    fn required(&self, name: &str) -> Result<JsValue, Error> {
        self.get(name)?
            .ok_or_else(|| refusal(self.what, format!("missing field `{name}`")))
    }

    /// A field that may be left out, `undefined` or `null`.
    fn optional(&self, name: &str) -> Result<Option<JsValue>, Error> {
        Ok(self
            .get(name)?
            .filter(|value| !value.is_undefined() && !value.is_null()))
    }

    pub(crate) fn string(&self, name: &str) -> Result<String, Error> {
        let value = self.required(name)?;
        value
            .as_string()
            .ok_or_else(|| wrong_type(self.what, Some(name), &value, "a string"))
    }

    pub(crate) fn optional_string(&self, name: &str) -> Result<Option<String>, Error> {
        self.optional(name)?
            .map(|value| {
                value
                    .as_string()
                    .ok_or_else(|| wrong_type(self.what, Some(name), &value, "a string"))
            })
            .transpose()
    }

    /// The object a field holds, `None` when left out, `undefined` or
    /// `null`.
    pub(crate) fn optional_object(&self, name: &str) -> Result<Option<Fields<'a>>, Error> {
        self.optional(name)?
            .map(|value| Fields::of(value, self.what))
            .transpose()
    }

    pub(crate) fn integer(&self, name: &str) -> Result<i64, Error> {
        integer_of(&self.required(name)?, self.what, Some(name))
    }

    pub(crate) fn optional_integer(&self, name: &str) -> Result<Option<i64>, Error> {
        self.optional(name)?
            .map(|value| integer_of(&value, self.what, Some(name)))
            .transpose()
    }

    /// A flag that is false when left out (not when `null`: that is no
    /// boolean).
    pub(crate) fn flag(&self, name: &str) -> Result<bool, Error> {
        match self.get(name)? {
            None => Ok(false),
            Some(value) => value
                .as_bool()
                .ok_or_else(|| wrong_type(self.what, Some(name), &value, "true or false")),
        }
    }

    /// A list (an array, or anything iterable), each element read by `each`.
    pub(crate) fn list<T>(
        &self,
        name: &str,
        each: impl Fn(Fields<'a>) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let value = self.required(name)?;
        let not_a_list = || wrong_type(self.what, Some(name), &value, "a list");
        let elements: Vec<JsValue> = if let Some(array) = value.dyn_ref::<js_sys::Array>() {
            array.iter().collect()
        } else {
            let iterator = js_sys::try_iter(&value)
                .map_err(|_| not_a_list())?
                .ok_or_else(not_a_list)?;
            iterator
                .collect::<Result<_, _>>()
                .map_err(|_| not_a_list())?
        };
        elements
            .into_iter()
            .map(|element| each(Fields::of(element, self.what)?))
            .collect()
    }
}

/// One line of a basket, `{ sku, qty }`; checked by the operation.
pub(crate) fn basket_line(fields: Fields<'_>) -> Result<BasketLine, Error> {
    Ok(BasketLine {
        sku: fields.string("sku")?,
        quantity: fields.integer("qty")?,
    })
}

/// An integer as a JS number that is a safe integer, or a `BigInt` within
/// `i64`: never a fraction, never text.
pub(crate) fn integer_of(value: &JsValue, what: &str, name: Option<&str>) -> Result<i64, Error> {
    if value.is_bigint() {
        return i64::try_from(value.clone())
            .map_err(|_| wrong_type(what, name, value, "an integer"));
    }
    if js_sys::Number::is_safe_integer(value) {
        if let Some(number) = value.as_f64() {
            // A safe integer is exact in an f64 and within i64.
            return Ok(number as i64);
        }
    }
    Err(wrong_type(what, name, value, "an integer"))
}

/// A top-level integer (`now` passed alone).
pub(crate) fn integer(value: &JsValue, what: &str) -> Result<i64, Error> {
    integer_of(value, what, None)
}

fn refusal(what: &str, detail: String) -> Error {
    Error::InvalidInput {
        field: what.to_string(),
        detail_zh: "格式不对".to_string(),
        detail,
        detail_code: None,
    }
}

/// The refusal of a value of the wrong type, in the deserializer's words
/// (`invalid type: string "x", expected an integer`), the field named
/// first. A number is shown by JS's own `String()`, not Rust's float
/// formatting.
fn wrong_type(what: &str, name: Option<&str>, value: &JsValue, expected: &str) -> Error {
    let found = if value.is_undefined() {
        "undefined".to_string()
    } else if value.is_null() {
        "null".to_string()
    } else if let Some(flag) = value.as_bool() {
        format!("boolean `{flag}`")
    } else if let Some(text) = value.as_string() {
        format!("string {text:?}")
    } else if let Some(number) = value.dyn_ref::<js_sys::Number>() {
        let shown = number
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default();
        format!("number `{shown}`")
    } else if js_sys::Array::is_array(value) {
        "a list".to_string()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    };
    let field = name.map(|name| format!("`{name}`: ")).unwrap_or_default();
    refusal(
        what,
        format!("{field}invalid type: {found}, expected {expected}"),
    )
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
pub(crate) struct OpenOptions {
    pub kiosk_id: String,
    /// PBKDF2 iterations for new PINs (tests pass a few).
    pub pin_iterations: Option<u32>,
    /// A session's idle timeout.
    pub session_idle_ms: Option<i64>,
    /// Open a journal that failed verification, read-only, for export and
    /// recovery, instead of refusing.
    pub allow_corrupt: bool,
}

impl OpenOptions {
    /// `{ kioskId, pinIterations?, sessionIdleMs?, allowCorrupt? }`.
    pub(crate) fn read(value: JsValue) -> Result<OpenOptions, Error> {
        let fields = Fields::of(value, "open")?;
        let kiosk_id = fields.string("kioskId")?;
        let pin_iterations = fields
            .optional_integer("pinIterations")?
            .map(|number| {
                u32::try_from(number).map_err(|_| {
                    refusal(
                        "open",
                        format!("`pinIterations`: invalid value: integer `{number}`, expected u32"),
                    )
                })
            })
            .transpose()?;
        Ok(OpenOptions {
            kiosk_id,
            pin_iterations,
            session_idle_ms: fields.optional_integer("sessionIdleMs")?,
            allow_corrupt: fields.flag("allowCorrupt")?,
        })
    }
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
