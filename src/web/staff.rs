//! The staff half of the JS API: first-run setup, staff sign-in, and every
//! shopkeeper's, clerk's and admin's operation. Each staff call carries
//! `staffSession` (the object `staffSignIn` returned, or its id) and `now`;
//! without a live staff session of the right role the core refuses it with
//! `STAFF_AUTH_REQUIRED` and nothing changes. Calls that append take a
//! `requestId`, made once per attempt and reused on retry.

use super::convert::{self, from_js, to_js};
use super::kiosk::{promise, random_bytes, Inner, Kiosk};
use crate::credential::Pin;
use crate::error::Error;
use crate::ids::StaffId;
use crate::ledger::cosign::CoSign;
use crate::ledger::{credits, households, redeem, staff, stock, upkeep};
use crate::ledger::{Auth, Operation, Outcome, SessionId};
use crate::state::parse_receipt_number;
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

/// The printed recovery code as the core keeps it.
fn recovery_pin(code: &str) -> Result<Pin, Error> {
    Pin::recovery_code(code).ok_or(Error::Internal {
        detail: "recovery code".into(),
    })
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
            let fields: staff::SetupInput = from_js(rest, "setup")?;
            let code = recovery_code()?;
            let operation = fields.operation(
                inner.kiosk_id().clone(),
                random_bytes()?,
                recovery_pin(&code)?,
                random_bytes()?,
            )?;
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
            let fields: staff::StaffSignInInput = from_js(rest, "staffSignIn")?;
            let session = SessionId::new(&hex::encode(random_bytes()?))?;
            let operation = fields.operation(session)?;
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
        self.staff_call(
            input,
            "registerHousehold",
            |f: households::HouseholdInput, _| f.register(),
        )
    }

    #[wasm_bindgen(js_name = updateHousehold)]
    pub fn update_household(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(
            input,
            "updateHousehold",
            |f: households::HouseholdInput, _| f.update(),
        )
    }

    /// `{ household, status: "active" | "suspended" | "moved_away", reason }`.
    #[wasm_bindgen(js_name = setHouseholdStatus)]
    pub fn set_household_status(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(
            input,
            "setHouseholdStatus",
            |f: households::StatusInput, _| f.operation(),
        )
    }

    /// Sets or resets a household's PIN: `{ household, pin }` (typed twice on
    /// the page).
    #[wasm_bindgen(js_name = setPin)]
    pub fn set_pin(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "setPin", |f: households::PinInput, _| {
            f.operation(random_bytes()?)
        })
    }

    /// Unlocks a household locked by wrong PINs: `{ household }`.
    #[wasm_bindgen(js_name = unlockHousehold)]
    pub fn unlock_household(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "unlockHousehold", |f: households::UnlockInput, _| {
            f.operation()
        })
    }

    /// A shopkeeper signs a household in for a villager who cannot use a
    /// PIN: `{ staffSession, household, now }` → a villager session.
    #[wasm_bindgen(js_name = assistedSignIn)]
    pub fn assisted_sign_in(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let (auth, now, rest) = envelope(&input)?;
            let fields: redeem::AssistedSignInInput = from_js(rest, "assistedSignIn")?;
            let session = SessionId::new(&hex::encode(random_bytes()?))?;
            let operation = fields.operation(session)?;
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
        self.staff_call(input, "credit", |f: credits::CreditInput, _| f.operation())
    }

    /// A signed correction: `{ household, amount: "-3.50", refersToSeq, reason }`.
    pub fn correct(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "correct", |f: credits::CorrectInput, _| {
            f.operation()
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
        self.staff_call(input, "voidRedemption", |f: redeem::VoidInput, inner| {
            f.operation(inner.ledger.borrow().state())
        })
    }

    /// Adds a staff member with a PIN (admin): `{ staff, name, role, pin }`.
    #[wasm_bindgen(js_name = addStaff)]
    pub fn add_staff(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "addStaff", |f: staff::StaffInput, _| {
            f.add(random_bytes()?)
        })
    }

    /// Changes a staff member's name, role or status (admin): `{ staff, name,
    /// role, active }`.
    #[wasm_bindgen(js_name = updateStaff)]
    pub fn update_staff(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "updateStaff", |f: staff::StaffInput, _| f.update())
    }

    /// Sets a staff PIN (admin, or the staff member's own): `{ staff, pin }`.
    #[wasm_bindgen(js_name = setStaffPin)]
    pub fn set_staff_pin(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "setStaffPin", |f: staff::StaffPinInput, _| {
            f.operation(random_bytes()?)
        })
    }

    /// A new one-time recovery code (admin) → `{ recoveryCode }`.
    #[wasm_bindgen(js_name = newRecoveryCode)]
    pub fn new_recovery_code(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let (auth, now, rest) = envelope(&input)?;
            let fields: staff::RecoveryCodeInput = from_js(rest, "newRecoveryCode")?;
            let code = recovery_code()?;
            let operation = fields.operation(recovery_pin(&code)?, random_bytes()?)?;
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
            let fields: staff::RecoverInput = from_js(rest, "recover")?;
            let operation = fields.operation(random_bytes()?)?;
            Inner::run(&inner, Auth::System, operation, now)
                .await
                .map(done_view)
        })
    }

    /// Changes a village setting (admin): `{ key, value }`.
    #[wasm_bindgen(js_name = changeSetting)]
    pub fn change_setting(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "changeSetting", |f: upkeep::SettingInput, _| {
            f.operation()
        })
    }

    /// Closes a year's books (clerk): `{ year }`.
    #[wasm_bindgen(js_name = closeYear)]
    pub fn close_year(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "closeYear", |f: upkeep::YearInput, _| f.operation())
    }

    /// Marks entries up to `lastSeq` uploaded (clerk): `{ lastSeq }`.
    #[wasm_bindgen(js_name = markUploaded)]
    pub fn mark_uploaded(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "markUploaded", |f: upkeep::UploadedInput, _| {
            f.operation()
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
