//! The ledger's clock in the browser shell: its status for the staff home,
//! the admin's confirmation of a jump, and lockouts measured on the page's
//! own clock.
//!
//! A lockout ends at its wall-clock end or after 5 minutes of page time
//! since the lockout (or since the page was loaded, for one made before),
//! whichever comes first. The page's clock (`performance.now()`, which the
//! kiosk's wall clock does not move) is passed in as `pageMs` by tests, so
//! none of them waits five minutes.

use super::convert::{from_js, to_js, to_js_error};
use super::kiosk::{Inner, Kiosk};
use crate::clock::Clock;
use crate::credential::LOCKOUT_MS;
use crate::error::Error;
use crate::ids::HouseholdCode;
use crate::ledger::upkeep::ConfirmClockInput;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The page time at which this page saw each lockout begin, by kiosk
    /// and household. A lockout older than the page counts from its load
    /// (page time 0); a reload forgets them, which only restarts the count.
    static LOCKOUT_STARTS: RefCell<HashMap<(String, String), i64>> =
        RefCell::new(HashMap::new());
}

/// The page's clock: milliseconds since the page was loaded, which moving
/// the kiosk's wall clock does not change.
pub(super) fn page_clock_ms() -> i64 {
    let performance = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .unwrap_or(JsValue::UNDEFINED);
    let now = js_sys::Reflect::get(&performance, &JsValue::from_str("now"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&performance).ok())
        .and_then(|v| v.as_f64());
    // Whole milliseconds: the only float here is the browser's timestamp.
    now.map_or(0, |ms| ms as i64)
}

fn key(inner: &Inner, household: &HouseholdCode) -> (String, String) {
    let ledger = inner.ledger.borrow();
    let kiosk = ledger.state().kiosk.as_ref();
    (
        kiosk.map(|k| k.kiosk_id.to_string()).unwrap_or_default(),
        household.to_string(),
    )
}

/// The household a code signs in to: a member's card's, else itself.
pub(super) fn card_household(inner: &Inner, code: &HouseholdCode) -> HouseholdCode {
    let ledger = inner.ledger.borrow();
    match ledger.state().members.card(code) {
        Some((household, _)) => household.clone(),
        None => code.clone(),
    }
}

/// Before a sign-in at wall time `now` and page time `page_ms`: ends the
/// household's lockout if it is over by the wall clock or by the page's
/// clock. Answers whether it was locked before (so a lockout after the
/// attempt is a new one).
pub(super) fn before_sign_in(
    inner: &Inner,
    household: &HouseholdCode,
    now: i64,
    page_ms: i64,
) -> bool {
    let key = key(inner, household);
    let mut ledger = inner.ledger.borrow_mut();
    let Some(until) = ledger.locked_until(household, now) else {
        return false;
    };
    let start = LOCKOUT_STARTS.with(|s| s.borrow().get(&key).copied());
    let served = page_ms.saturating_sub(start.unwrap_or(0)) >= LOCKOUT_MS;
    if now >= until || served {
        ledger.end_lockout(household);
        LOCKOUT_STARTS.with(|s| s.borrow_mut().remove(&key));
        return false;
    }
    true
}

/// After a sign-in refused with `error`: remembers when a new lockout
/// began on the page's clock, and answers the lockout's end as the earlier
/// of its wall-clock end and the page's, so the page shows the real wait.
pub(super) fn after_refusal(
    inner: &Inner,
    household: &HouseholdCode,
    was_locked: bool,
    now: i64,
    page_ms: i64,
    error: Error,
) -> Error {
    let Error::LockedOut { locked_until_ms } = error else {
        return error;
    };
    let key = key(inner, household);
    let start = LOCKOUT_STARTS.with(|s| {
        let mut starts = s.borrow_mut();
        if !was_locked {
            starts.insert(key.clone(), page_ms);
        }
        starts.get(&key).copied().unwrap_or(0)
    });
    let left_by_page = LOCKOUT_MS - page_ms.saturating_sub(start);
    Error::LockedOut {
        locked_until_ms: locked_until_ms.min(now.saturating_add(left_by_page.max(0))),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClockView {
    /// The ledger's time now: what the calendar and elapsed days are read by.
    ledger_ms: i64,
    /// The wall time asked about.
    wall_ms: i64,
    /// `null`, or the jump waiting for an admin's confirmation: `fromMs`
    /// the wall time last adopted, `toMs` the wall time now.
    jump: Option<JumpView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JumpView {
    from_ms: i64,
    to_ms: i64,
}

fn clock_view(clock: Clock, now: i64) -> ClockView {
    let next = clock.after(now);
    ClockView {
        ledger_ms: next.ledger_ms,
        wall_ms: now,
        jump: next.jump.map(|_| JumpView {
            from_ms: clock.anchor_ms,
            to_ms: now,
        }),
    }
}

#[cfg(feature = "staff")]
#[wasm_bindgen]
impl Kiosk {
    /// The ledger's clock at the wall time `now` (no session: the staff
    /// home and the set-up pages read it): `{ ledgerMs, wallMs, jump }`,
    /// `jump` `null` or `{ fromMs, toMs }` when the clock moved more than a
    /// day either way since the last entry and no admin has confirmed it.
    #[wasm_bindgen(js_name = clockStatus)]
    pub fn clock_status(&self, now: JsValue) -> Result<JsValue, JsValue> {
        let now: i64 = from_js(now, "now").map_err(|e| to_js_error(&e))?;
        let ledger = self.inner().ledger.borrow();
        Ok(to_js(&clock_view(ledger.state().clock, now)))
    }

    /// An admin confirms the kiosk's time after a jump: `{ staffSession,
    /// requestId, now }`. Appends a `clock_confirmed` entry naming them;
    /// with no jump waiting, `INVALID_INPUT` and nothing written.
    #[wasm_bindgen(js_name = confirmClock)]
    pub fn confirm_clock(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "confirmClock", |f: ConfirmClockInput, _| {
            f.operation()
        })
    }
}
