//! `Kiosk.limits()`: the core's limits and roles as the page reads them, so
//! the page never keeps its own copy of a number the core enforces (the
//! most of one item in a basket, the PIN's length, the idle time …).
//!
//! Every figure here is a constant of the core or the ledger's own
//! configuration; this file only names them for JS.

use super::convert::to_js;
use super::kiosk::Kiosk;
use crate::credential::{
    ATTEMPTS_MAX, LOCKOUT_MS, PIN_LENGTH_MAX, PIN_LENGTH_MIN, RECOVERY_CODE_LENGTH,
};
use crate::entry::Role;
use crate::ids::{HouseholdCode, Sku, StaffId, TEXT_LENGTH_MAX};
use crate::ledger::cosign::{DAY_LIMIT, OLD_VOID_MS};
use crate::ledger::members::RELATION_LENGTH_MAX;
use crate::ledger::stock::{CATEGORY_LENGTH_MAX, UNIT_LENGTH_MAX};
use crate::ledger::{
    BASKET_LINES_MAX, NAME_LENGTH_MAX, QUANTITY_MAX, REASON_LENGTH_MAX, RESTOCK_LINES_MAX,
    STOCK_MOVE_MAX,
};
use crate::points::Points;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Every role, in the order the staff screens list them.
pub(crate) fn all_roles() -> [Role; 4] {
    // No wildcard: a new role does not compile until it is listed here.
    let _listed = |role: Role| match role {
        Role::Shopkeeper | Role::Clerk | Role::Admin | Role::Auditor => (),
    };
    [Role::Shopkeeper, Role::Clerk, Role::Admin, Role::Auditor]
}

/// A role and the roles whose work it may do ([`Role::covers`]).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleView {
    role: &'static str,
    covers: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LimitsView {
    /// The most of one item in a basket.
    quantity_max: i64,
    /// The most lines (different items) in a basket.
    basket_lines_max: usize,
    /// The most lines in a restock, and the most one line may move.
    restock_lines_max: usize,
    stock_move_max: i64,
    /// PINs are this many digits, households' and staff members' alike.
    pin_length_min: usize,
    pin_length_max: usize,
    /// Wrong PINs in a row before a lockout, and how long it lasts.
    attempts_max: u32,
    lockout_ms: i64,
    /// A household's or staff member's session untouched for this long is
    /// over (this kiosk's configuration).
    session_idle_ms: i64,
    household_code_length_max: usize,
    staff_id_length_max: usize,
    sku_length_max: usize,
    /// Names (of goods, households, staff, donors, the village).
    name_length_max: usize,
    /// Reasons and notes.
    reason_length_max: usize,
    /// An item's unit and category, and a member's relation.
    unit_length_max: usize,
    category_length_max: usize,
    relation_length_max: usize,
    text_length_max: usize,
    /// Digits of the printed recovery code.
    recovery_code_length: usize,
    /// The two-person rule: the points one household may be credited or
    /// corrected in a village day (and a split or merge may move) before a
    /// second staff member confirms, and the age past which a void needs one.
    co_sign_day_limit: String,
    co_sign_old_void_ms: i64,
    roles: Vec<RoleView>,
}

#[wasm_bindgen]
impl Kiosk {
    /// `{ quantityMax, basketLinesMax, restockLinesMax, stockMoveMax,
    /// pinLengthMin, pinLengthMax, attemptsMax, lockoutMs, sessionIdleMs,
    /// householdCodeLengthMax, staffIdLengthMax, skuLengthMax,
    /// nameLengthMax, reasonLengthMax, unitLengthMax, categoryLengthMax,
    /// relationLengthMax, textLengthMax, recoveryCodeLength,
    /// coSignDayLimit ("50.00"), coSignOldVoidMs,
    /// roles: [{ role, covers: [role…] }] }`: what the core accepts, for the
    /// page to draw its keypads and fields by. Needs no session.
    pub fn limits(&self) -> JsValue {
        let roles = all_roles()
            .into_iter()
            .map(|role| RoleView {
                role: role.as_str(),
                covers: all_roles()
                    .into_iter()
                    .filter(|needed| role.covers(*needed))
                    .map(Role::as_str)
                    .collect(),
            })
            .collect();
        to_js(&LimitsView {
            quantity_max: QUANTITY_MAX,
            basket_lines_max: BASKET_LINES_MAX,
            restock_lines_max: RESTOCK_LINES_MAX,
            stock_move_max: STOCK_MOVE_MAX,
            pin_length_min: PIN_LENGTH_MIN,
            pin_length_max: PIN_LENGTH_MAX,
            attempts_max: ATTEMPTS_MAX,
            lockout_ms: LOCKOUT_MS,
            session_idle_ms: self.inner().ledger.borrow().config().session_idle_ms,
            household_code_length_max: HouseholdCode::LENGTH_MAX,
            staff_id_length_max: StaffId::LENGTH_MAX,
            sku_length_max: Sku::LENGTH_MAX,
            name_length_max: NAME_LENGTH_MAX,
            reason_length_max: REASON_LENGTH_MAX,
            unit_length_max: UNIT_LENGTH_MAX,
            category_length_max: CATEGORY_LENGTH_MAX,
            relation_length_max: RELATION_LENGTH_MAX,
            text_length_max: TEXT_LENGTH_MAX,
            recovery_code_length: RECOVERY_CODE_LENGTH,
            co_sign_day_limit: Points::from_hundredths(DAY_LIMIT)
                .map(|points| points.to_fixed())
                .unwrap_or_default(),
            co_sign_old_void_ms: OLD_VOID_MS,
            roles,
        })
    }
}
