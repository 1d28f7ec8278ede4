//! The staff half of the JS API: first-run setup, staff sign-in, and every
//! shopkeeper's, clerk's and admin's operation. Each staff call carries
//! `staffSession` (the object `staffSignIn` returned, or its id) and `now`;
//! without a live staff session of the right role the core refuses it with
//! `STAFF_AUTH_REQUIRED` and nothing changes. Calls that append take a
//! `requestId`, made once per attempt and reused on retry.

use super::convert::{self, from_js, to_js};
use super::kiosk::{promise, random_bytes, Inner, Kiosk};
use crate::credential::Pin;
use crate::entry::{HouseholdKind, Role};
use crate::error::Error;
use crate::ids::{Period, StaffId, Text};
use crate::ledger::cosign::CoSign;
use crate::ledger::stock;
use crate::ledger::{Auth, Operation, Outcome, SessionId, NAME_LENGTH_MAX, REASON_LENGTH_MAX};
use crate::points::Points;
use crate::settings::Setting;
use crate::state::{parse_receipt_number, HouseholdStatus};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

mod members;

/// Reads a property of a JS object (undefined when missing).
fn property(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Splits a staff call's input into its staff session, its time, and the
/// rest (a copy without those two keys, for strict decoding).
fn envelope(input: &JsValue) -> Result<(Auth, i64, JsValue), Error> {
    let session = convert::session_id(&property(input, "staffSession"))
        .map_err(|_| Error::StaffAuthRequired)?;
    let (now, rest) = time_and_rest(input, &["staffSession", "coSign"])?;
    Ok((Auth::StaffSession(session), now, rest))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoSignInput {
    staff: String,
    pin: String,
}

/// The `coSign: { staff, pin }` of a staff call, if it has one: a second
/// staff member confirming it (the two-person rule, checked by the core).
pub(super) fn co_sign_of(input: &JsValue) -> Result<Option<CoSign>, Error> {
    let value = property(input, "coSign");
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let fields: CoSignInput = from_js(value, "coSign")?;
    Ok(Some(CoSign {
        staff: StaffId::new(&fields.staff).map_err(|problem| Error::invalid("coSign", &problem))?,
        pin: fields.pin,
    }))
}

/// `operation`, confirmed by `co_sign` when there is one.
pub(super) fn co_signed(operation: Operation, co_sign: Option<CoSign>) -> Operation {
    match co_sign {
        Some(co_sign) => Operation::CoSigned {
            operation: Box::new(operation),
            co_sign,
        },
        None => operation,
    }
}

/// The `now` of an input, and a copy of the input without `now` and `drop`.
fn time_and_rest(input: &JsValue, drop: &[&str]) -> Result<(i64, JsValue), Error> {
    if !input.is_object() {
        return Err(Error::invalid_with(
            "input",
            "缺少内容",
            "the input is not an object",
        ));
    }
    let now: i64 = from_js(property(input, "now"), "now")?;
    let rest = js_sys::Object::assign(&js_sys::Object::new(), input.unchecked_ref());
    for key in drop.iter().chain(&["now"]) {
        let _ = js_sys::Reflect::delete_property(&rest, &JsValue::from_str(key));
    }
    Ok((now, rest.into()))
}

fn text(field: &str, value: &str, length_max: usize) -> Result<Text, Error> {
    Text::new(value, length_max).map_err(|problem| Error::invalid(field, &problem))
}

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

fn amount(field: &str, value: &str) -> Result<Points, Error> {
    Points::parse_unsigned(value).map_err(|problem| Error::invalid_amount(field, problem))
}

fn signed_amount(field: &str, value: &str) -> Result<Points, Error> {
    Points::parse_signed(value).map_err(|problem| Error::invalid_amount(field, problem))
}

fn staff_id(value: &str) -> Result<StaffId, Error> {
    StaffId::new(value).map_err(|problem| Error::invalid("staff", &problem))
}

fn pin(field: &str, value: &str) -> Result<Pin, Error> {
    Pin::new(value)
        .ok_or_else(|| Error::invalid_with(field, "密码要 4 到 8 位数字", "a PIN is 4 to 8 digits"))
}

fn role(value: &str) -> Result<Role, Error> {
    Role::parse(value).ok_or_else(|| Error::invalid_with("role", "没有这个角色", "unknown role"))
}

fn household_kind(value: Option<String>) -> Result<HouseholdKind, Error> {
    match value.as_deref() {
        None | Some("family") => Ok(HouseholdKind::Family),
        Some("unit") => Ok(HouseholdKind::Unit),
        Some(_) => Err(Error::invalid_with(
            "kind",
            "类型只能是家庭或单位",
            "kind is family or unit",
        )),
    }
}

/// Twelve random digits, grouped in fours for reading aloud.
fn recovery_code() -> Result<String, Error> {
    let mut digits = String::new();
    while digits.len() < crate::credential::RECOVERY_CODE_LENGTH {
        for byte in random_bytes()? {
            // Bytes of 250 and over would favour the low digits.
            if byte < 250 && digits.len() < crate::credential::RECOVERY_CODE_LENGTH {
                digits.push(char::from(b'0' + byte % 10));
            }
        }
    }
    Ok(format!(
        "{}-{}-{}",
        &digits[..4],
        &digits[4..8],
        &digits[8..]
    ))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DoneView {
    seqs: Vec<u64>,
    repeated: bool,
}

pub(super) fn done_view(outcome: Outcome) -> JsValue {
    match outcome {
        Outcome::Done { seqs, repeated } => to_js(&DoneView { seqs, repeated }),
        Outcome::Receipt(receipt) => to_js(&convert::ReceiptView::from(&receipt)),
        Outcome::SignedIn(_) | Outcome::StaffSignedIn(_) => JsValue::UNDEFINED,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StaffSessionView {
    id: String,
    staff: String,
    name: String,
    role: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StaffView {
    id: String,
    name: String,
    role: &'static str,
    active: bool,
    has_pin: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecoveryView {
    recovery_code: String,
}

// The inputs of the staff calls, without `staffSession` and `now`.

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SetupInput {
    village: String,
    shop: String,
    time_zone: Option<String>,
    utc_offset_minutes: Option<i32>,
    admin_id: String,
    admin_name: String,
    admin_pin: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StaffSignInInput {
    staff: String,
    pin: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HouseholdInput {
    household: String,
    name: String,
    group: Option<String>,
    kind: Option<String>,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StatusInput {
    household: String,
    status: String,
    reason: String,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PinInput {
    household: String,
    pin: String,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HouseholdOnlyInput {
    household: String,
    request_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreditInput {
    household: String,
    amount: String,
    period: String,
    source: Option<String>,
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CorrectInput {
    household: String,
    amount: String,
    refers_to_seq: Option<u64>,
    reason: String,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VoidInput {
    receipt: String,
    reason: String,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StaffInput {
    staff: String,
    name: String,
    role: String,
    pin: Option<String>,
    active: Option<bool>,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StaffPinInput {
    staff: String,
    pin: String,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RecoverInput {
    code: String,
    staff: String,
    pin: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RequestOnlyInput {
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SettingInput {
    key: String,
    value: String,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct YearInput {
    year: i32,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UploadedInput {
    last_seq: u64,
    request_id: String,
}

impl Kiosk {
    /// Runs one staff call: reads the envelope and the input, builds the
    /// operation against the current state, and runs it.
    pub(super) fn staff_call<T, F>(
        &self,
        input: JsValue,
        what: &'static str,
        build: F,
    ) -> js_sys::Promise
    where
        T: DeserializeOwned + 'static,
        F: FnOnce(T, &Inner) -> Result<Operation, Error> + 'static,
    {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let (auth, now, rest) = envelope(&input)?;
            let co_sign = co_sign_of(&input)?;
            let fields: T = from_js(rest, what)?;
            let operation = co_signed(build(fields, &inner)?, co_sign);
            Inner::run(&inner, auth, operation, now)
                .await
                .map(done_view)
        })
    }
}

fn request(value: &str) -> Result<crate::ids::RequestId, Error> {
    convert::request_id(value)
}

#[cfg(feature = "staff")]
#[wasm_bindgen]
impl Kiosk {
    /// First-run setup of an empty kiosk: `{ village, shop, timeZone,
    /// utcOffsetMinutes, adminId, adminName, adminPin, now }`. Answers
    /// `{ recoveryCode }`, to be printed once.
    pub fn setup(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let (now, rest) = time_and_rest(&input, &[])?;
            let fields: SetupInput = from_js(rest, "setup")?;
            let code = recovery_code()?;
            let operation = Operation::Setup {
                kiosk_id: inner.kiosk_id().clone(),
                village: text("village", &fields.village, NAME_LENGTH_MAX)?,
                shop: text("shop", &fields.shop, NAME_LENGTH_MAX)?,
                time_zone: text(
                    "timeZone",
                    fields.time_zone.as_deref().unwrap_or("Asia/Shanghai"),
                    NAME_LENGTH_MAX,
                )?,
                utc_offset_minutes: fields
                    .utc_offset_minutes
                    .filter(|m| (-14 * 60..=14 * 60).contains(m))
                    .unwrap_or(8 * 60),
                admin: staff_id(&fields.admin_id)?,
                admin_name: text("adminName", &fields.admin_name, NAME_LENGTH_MAX)?,
                admin_pin: pin("adminPin", &fields.admin_pin)?,
                pin_salt: random_bytes()?,
                recovery_code: Pin::recovery_code(&code).ok_or(Error::Internal {
                    detail: "recovery code".into(),
                })?,
                recovery_salt: random_bytes()?,
            };
            Inner::run(&inner, Auth::System, operation, now).await?;
            Ok(to_js(&RecoveryView {
                recovery_code: code,
            }))
        })
    }

    /// Signs a staff member in: `{ staff, pin, now }` → `{ id, staff, name, role }`.
    #[wasm_bindgen(js_name = staffSignIn)]
    pub fn staff_sign_in(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let (now, rest) = time_and_rest(&input, &[])?;
            let fields: StaffSignInInput = from_js(rest, "staffSignIn")?;
            let session = SessionId::new(&hex::encode(random_bytes()?))?;
            let staff = StaffId::new(&fields.staff).map_err(|_| Error::StaffAuthRequired)?;
            let operation = Operation::StaffSignIn {
                staff,
                pin: fields.pin,
                session,
            };
            match Inner::run(&inner, Auth::System, operation, now).await? {
                Outcome::StaffSignedIn(session) => Ok(to_js(&StaffSessionView {
                    id: session.id.as_str().to_string(),
                    staff: session.staff.to_string(),
                    name: session.name,
                    role: session.role.as_str(),
                })),
                _ => Err(Error::Internal {
                    detail: "staff sign-in answered no session".into(),
                }),
            }
        })
    }

    /// Ends a staff session.
    #[wasm_bindgen(js_name = staffSignOut)]
    pub fn staff_sign_out(&self, session: JsValue) {
        if let Ok(id) = convert::session_id(&session) {
            self.inner().ledger.borrow_mut().sign_out_staff(&id);
        }
    }

    /// The staff members (admin): `{ staffSession, now }`.
    #[wasm_bindgen(js_name = staffMembers)]
    pub fn staff_members(&self, input: JsValue) -> Result<JsValue, JsValue> {
        self.staff_read(input, |ledger| {
            let members: Vec<StaffView> = ledger
                .state()
                .staff
                .values()
                .map(|m| StaffView {
                    id: m.id.to_string(),
                    name: m.name.to_string(),
                    role: m.role.as_str(),
                    active: m.active,
                    has_pin: m.has_pin,
                })
                .collect();
            Ok(to_js(&members))
        })
    }

    /// The redemption of a receipt number (for a void): `{ staffSession,
    /// receipt, now }`.
    pub fn redemption(&self, input: JsValue) -> Result<JsValue, JsValue> {
        let receipt = property(&input, "receipt").as_string().unwrap_or_default();
        self.staff_read(input, move |ledger| {
            let seq = parse_receipt_number(ledger.state(), &receipt)
                .ok_or(Error::UnknownReceipt { receipt })?;
            let found = ledger.receipt(seq, false)?;
            let voided = ledger
                .state()
                .redemptions
                .get(&seq)
                .is_some_and(|r| r.voided);
            let view = to_js(&convert::ReceiptView::from(&found));
            let _ = js_sys::Reflect::set(
                &view,
                &JsValue::from_str("voided"),
                &JsValue::from_bool(voided),
            );
            Ok(view)
        })
    }

    /// The village's settings as `{ key: value }`.
    pub fn settings(&self) -> JsValue {
        let ledger = self.inner().ledger.borrow();
        let map: std::collections::BTreeMap<&str, String> =
            ledger.state().settings.all().into_iter().collect();
        to_js(&map)
    }

    #[wasm_bindgen(js_name = registerHousehold)]
    pub fn register_household(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "registerHousehold", |f: HouseholdInput, _| {
            Ok(Operation::RegisterHousehold {
                household: convert::new_household_code(&f.household)?,
                name: text("name", &f.name, NAME_LENGTH_MAX)?,
                group: text("group", f.group.as_deref().unwrap_or("-"), NAME_LENGTH_MAX)?,
                kind: household_kind(f.kind)?,
                request: request(&f.request_id)?,
            })
        })
    }

    #[wasm_bindgen(js_name = updateHousehold)]
    pub fn update_household(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "updateHousehold", |f: HouseholdInput, _| {
            Ok(Operation::UpdateHousehold {
                household: convert::household_code(&f.household)?,
                name: text("name", &f.name, NAME_LENGTH_MAX)?,
                group: text("group", f.group.as_deref().unwrap_or("-"), NAME_LENGTH_MAX)?,
                kind: household_kind(f.kind)?,
                request: request(&f.request_id)?,
            })
        })
    }

    /// `{ household, status: "active" | "suspended" | "moved_away", reason }`.
    #[wasm_bindgen(js_name = setHouseholdStatus)]
    pub fn set_household_status(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "setHouseholdStatus", |f: StatusInput, _| {
            let status = match f.status.as_str() {
                "active" => HouseholdStatus::Active,
                "suspended" => HouseholdStatus::Suspended,
                "moved_away" => HouseholdStatus::MovedAway,
                _ => return Err(Error::invalid_with("status", "状态不对", "unknown status")),
            };
            Ok(Operation::SetHouseholdStatus {
                household: convert::household_code(&f.household)?,
                status,
                reason: text("reason", &f.reason, REASON_LENGTH_MAX)?,
                request: request(&f.request_id)?,
            })
        })
    }

    /// Sets or resets a household's PIN: `{ household, pin }` (typed twice on
    /// the page).
    #[wasm_bindgen(js_name = setPin)]
    pub fn set_pin(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "setPin", |f: PinInput, _| {
            Ok(Operation::SetPin {
                household: convert::household_code(&f.household)?,
                pin: pin("pin", &f.pin)?,
                salt: random_bytes()?,
                request: request(&f.request_id)?,
            })
        })
    }

    /// Unlocks a household locked by wrong PINs: `{ household }`.
    #[wasm_bindgen(js_name = unlockHousehold)]
    pub fn unlock_household(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "unlockHousehold", |f: HouseholdOnlyInput, _| {
            let request_id = f.request_id.ok_or_else(|| {
                Error::invalid_with("requestId", "缺少请求号", "requestId is missing")
            })?;
            Ok(Operation::Unlock {
                household: convert::household_code(&f.household)?,
                request: request(&request_id)?,
            })
        })
    }

    /// A shopkeeper signs a household in for a villager who cannot use a
    /// PIN: `{ staffSession, household, now }` → a villager session.
    #[wasm_bindgen(js_name = assistedSignIn)]
    pub fn assisted_sign_in(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let (auth, now, rest) = envelope(&input)?;
            let fields: HouseholdOnlyInput = from_js(rest, "assistedSignIn")?;
            let session = SessionId::new(&hex::encode(random_bytes()?))?;
            let operation = Operation::AssistedSignIn {
                household: convert::household_code(&fields.household)?,
                session,
            };
            match Inner::run(&inner, auth, operation, now).await? {
                Outcome::SignedIn(session) => Ok(to_js(&convert::session_view(
                    &session,
                    inner.ledger.borrow().state(),
                ))),
                _ => Err(Error::Internal {
                    detail: "assisted sign-in answered no session".into(),
                }),
            }
        })
    }

    /// Credits points: `{ household, amount, period, source, reason }`. The
    /// key `(household, period, source)` credits once, ever.
    pub fn credit(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "credit", |f: CreditInput, _| {
            Ok(Operation::Credit {
                household: convert::household_code(&f.household)?,
                amount: amount("amount", &f.amount)?,
                period: Period::new(&f.period)
                    .map_err(|problem| Error::invalid("period", &problem))?,
                source: text(
                    "source",
                    f.source.as_deref().unwrap_or("evaluation"),
                    NAME_LENGTH_MAX,
                )?,
                reason: optional_text("reason", f.reason, REASON_LENGTH_MAX)?,
            })
        })
    }

    /// A signed correction: `{ household, amount: "-3.50", refersToSeq, reason }`.
    pub fn correct(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "correct", |f: CorrectInput, _| {
            Ok(Operation::Correct {
                household: convert::household_code(&f.household)?,
                amount: signed_amount("amount", &f.amount)?,
                refers_to_seq: f.refers_to_seq,
                reason: text("reason", &f.reason, REASON_LENGTH_MAX)?,
                request: request(&f.request_id)?,
            })
        })
    }

    /// Adds an item: `{ sku, nameZh, nameEn, unit, category, price, barcode, image, lowStock }`.
    #[wasm_bindgen(js_name = addItem)]
    pub fn add_item(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "addItem", |f: stock::ItemInput, _| f.add())
    }

    /// Changes an item's description (not its price): the fields of `addItem`.
    #[wasm_bindgen(js_name = updateItem)]
    pub fn update_item(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "updateItem", |f: stock::ItemInput, _| f.update())
    }

    /// A new price; redemptions already made keep theirs: `{ sku, price }`.
    pub fn reprice(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "reprice", |f: stock::RepriceInput, _| f.operation())
    }

    /// Deactivates or reactivates an item: `{ sku, active }`.
    #[wasm_bindgen(js_name = setItemActive)]
    pub fn set_item_active(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "setItemActive", |f: stock::ActiveInput, _| {
            f.operation()
        })
    }

    /// Goods in from a donation: `{ donor, sourceType: "organisation" |
    /// "company" | "individual" | "welfare_fund" | "government", lines:
    /// [{ sku, qty }], declaredValue }`.
    pub fn restock(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "restock", |f: stock::RestockInput, _| f.operation())
    }

    /// Corrects one item's stock with a reason: `{ sku, delta, reason }`.
    #[wasm_bindgen(js_name = adjustStock)]
    pub fn adjust_stock(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "adjustStock", |f: stock::AdjustInput, _| {
            f.operation()
        })
    }

    /// A stock count: `{ counts: [{ sku, counted }], reason }`; every
    /// difference is applied, all in one store.
    #[wasm_bindgen(js_name = stockCount)]
    pub fn stock_count(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "stockCount", |f: stock::CountInput, _| f.operation())
    }

    /// Voids a redemption by its receipt number: points and stock come back;
    /// the original stays. `{ receipt, reason }`.
    #[wasm_bindgen(js_name = voidRedemption)]
    pub fn void_redemption(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "voidRedemption", |f: VoidInput, inner| {
            let ledger = inner.ledger.borrow();
            let redemption_seq =
                parse_receipt_number(ledger.state(), &f.receipt).ok_or_else(|| {
                    Error::UnknownReceipt {
                        receipt: f.receipt.clone(),
                    }
                })?;
            Ok(Operation::Void {
                redemption_seq,
                reason: text("reason", &f.reason, REASON_LENGTH_MAX)?,
                request: request(&f.request_id)?,
            })
        })
    }

    /// Adds a staff member with a PIN (admin): `{ staff, name, role, pin }`.
    #[wasm_bindgen(js_name = addStaff)]
    pub fn add_staff(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "addStaff", |f: StaffInput, _| {
            Ok(Operation::AddStaff {
                staff: staff_id(&f.staff)?,
                name: text("name", &f.name, NAME_LENGTH_MAX)?,
                role: role(&f.role)?,
                pin: pin("pin", f.pin.as_deref().unwrap_or(""))?,
                salt: random_bytes()?,
                request: request(&f.request_id)?,
            })
        })
    }

    /// Changes a staff member's name, role or status (admin): `{ staff, name,
    /// role, active }`.
    #[wasm_bindgen(js_name = updateStaff)]
    pub fn update_staff(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "updateStaff", |f: StaffInput, _| {
            Ok(Operation::UpdateStaff {
                staff: staff_id(&f.staff)?,
                name: text("name", &f.name, NAME_LENGTH_MAX)?,
                role: role(&f.role)?,
                active: f.active.unwrap_or(true),
                request: request(&f.request_id)?,
            })
        })
    }

    /// Sets a staff PIN (admin, or the staff member's own): `{ staff, pin }`.
    #[wasm_bindgen(js_name = setStaffPin)]
    pub fn set_staff_pin(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "setStaffPin", |f: StaffPinInput, _| {
            Ok(Operation::SetStaffPin {
                staff: staff_id(&f.staff)?,
                pin: pin("pin", &f.pin)?,
                salt: random_bytes()?,
                request: request(&f.request_id)?,
            })
        })
    }

    /// A new one-time recovery code (admin) → `{ recoveryCode }`.
    #[wasm_bindgen(js_name = newRecoveryCode)]
    pub fn new_recovery_code(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let (auth, now, rest) = envelope(&input)?;
            let fields: RequestOnlyInput = from_js(rest, "newRecoveryCode")?;
            let code = recovery_code()?;
            let operation = Operation::NewRecoveryCode {
                code: Pin::recovery_code(&code).ok_or(Error::Internal {
                    detail: "recovery code".into(),
                })?,
                salt: random_bytes()?,
                request: request(&fields.request_id)?,
            };
            Inner::run(&inner, auth, operation, now).await?;
            Ok(to_js(&RecoveryView {
                recovery_code: code,
            }))
        })
    }

    /// A forgotten admin PIN: `{ code, staff, pin, now }` with the printed
    /// recovery code, which is then spent.
    pub fn recover(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let (now, rest) = time_and_rest(&input, &[])?;
            let fields: RecoverInput = from_js(rest, "recover")?;
            let operation = Operation::Recover {
                code: fields.code,
                staff: staff_id(&fields.staff)?,
                pin: pin("pin", &fields.pin)?,
                salt: random_bytes()?,
            };
            Inner::run(&inner, Auth::System, operation, now)
                .await
                .map(done_view)
        })
    }

    /// Changes a village setting (admin): `{ key, value }`.
    #[wasm_bindgen(js_name = changeSetting)]
    pub fn change_setting(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "changeSetting", |f: SettingInput, _| {
            let setting = Setting::parse(&f.key, &f.value).ok_or_else(|| {
                Error::invalid_with("value", "这个设置的值不对", "not a value of this setting")
            })?;
            Ok(Operation::ChangeSetting {
                setting,
                request: request(&f.request_id)?,
            })
        })
    }

    /// Closes a year's books (clerk): `{ year }`.
    #[wasm_bindgen(js_name = closeYear)]
    pub fn close_year(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "closeYear", |f: YearInput, _| {
            Ok(Operation::CloseYear {
                year: f.year,
                request: request(&f.request_id)?,
            })
        })
    }

    /// Marks entries up to `lastSeq` uploaded (clerk): `{ lastSeq }`.
    #[wasm_bindgen(js_name = markUploaded)]
    pub fn mark_uploaded(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "markUploaded", |f: UploadedInput, _| {
            Ok(Operation::MarkUploaded {
                last_seq: f.last_seq,
                request: request(&f.request_id)?,
            })
        })
    }
}

impl Kiosk {
    /// A read that needs a live staff session.
    pub(super) fn staff_read<F>(&self, input: JsValue, read: F) -> Result<JsValue, JsValue>
    where
        F: FnOnce(&crate::ledger::Ledger) -> Result<JsValue, Error>,
    {
        let result = (|| {
            let session = convert::session_id(&property(&input, "staffSession"))
                .map_err(|_| Error::StaffAuthRequired)?;
            let now: i64 = from_js(property(&input, "now"), "now")?;
            let ledger = self.inner().ledger.borrow();
            ledger.staff_session(&session, now)?;
            // The session is live: a read that still wants a staff sign-in
            // wants another role.
            read(&ledger).map_err(|error| match error {
                Error::StaffAuthRequired => Error::StaffRoleRefused,
                error => error,
            })
        })();
        result.map_err(|error| convert::to_js_error(&error))
    }
}
