//! The staff half of the JS API over real IndexedDB: first-run setup, staff
//! sign-in, a shopkeeper's and a clerk's work, and refusals without a staff
//! session.
#![cfg(target_arch = "wasm32")]

mod common;

use aixin_kiosk::web::Kiosk;
use common::web::{finish, fresh, get, get_string, js, settle, with_staff, NOW};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn set_up(kiosk_id: &str) -> (Kiosk, JsValue) {
    let kiosk = fresh(kiosk_id).await;
    let answer = settle(kiosk.setup(js(json!({
        "village": "李家村", "shop": "李家村爱心超市", "adminId": "admin", "adminName": "李主任", "adminPin": "2580", "now": NOW
    }))))
    .await
    .unwrap();
    let code = get_string(&answer, "recoveryCode");
    assert_eq!(code.len(), 14, "{code}");
    assert!(code.chars().all(|c| c.is_ascii_digit() || c == '-'));
    let session = settle(kiosk.staff_sign_in(js(
        json!({ "staff": "admin", "pin": "2580", "now": NOW + 1 }),
    )))
    .await
    .unwrap();
    assert_eq!(get_string(&session, "role"), "admin");
    (kiosk, session)
}

#[wasm_bindgen_test]
async fn a_set_up_kiosk_runs_a_village_from_scratch() {
    let (kiosk, admin) = set_up("test-staff-setup").await;
    let info = kiosk.info();
    assert_eq!(get_string(&info, "village"), "李家村");
    let run = |promise: js_sys::Promise| async { settle(promise).await.unwrap() };
    run(kiosk.register_household(with_staff(&admin, json!({ "household": "A1", "name": "李喆", "group": "一组", "kind": "family", "requestId": "h-1", "now": NOW + 2 })))).await;
    run(kiosk.set_pin(with_staff(
        &admin,
        json!({ "household": "A1", "pin": "1357", "requestId": "p-1", "now": NOW + 3 }),
    )))
    .await;
    run(kiosk.credit(with_staff(
        &admin,
        json!({ "household": "A1", "amount": "5", "period": "2026-10", "now": NOW + 4 }),
    )))
    .await;
    run(kiosk.add_item(with_staff(&admin, json!({ "sku": "salt", "nameZh": "食盐", "unit": "袋", "category": "调味", "price": "2.5", "barcode": "6901234567892", "requestId": "i-1", "now": NOW + 5 })))).await;
    run(kiosk.restock(with_staff(&admin, json!({ "donor": "县供销社", "sourceType": "organisation", "lines": [{ "sku": "salt", "qty": 10 }], "declaredValue": "25", "requestId": "r-1", "now": NOW + 6 })))).await;

    let villager = run(kiosk.sign_in(js(
        json!({ "household": "A1", "pin": "1357", "now": NOW + 7 }),
    )))
    .await;
    let redeem =
        js(json!({ "lines": [{ "sku": "salt", "qty": 2 }], "requestId": "buy-1", "now": NOW + 8 }));
    js_sys::Reflect::set(&redeem, &JsValue::from_str("session"), &villager).unwrap();
    let receipt = run(kiosk.redeem(redeem)).await;
    assert_eq!(get_string(&receipt, "balanceAfter"), "0.00");

    // Cards and labels print from the same state, for staff only.
    let cards = kiosk
        .household_cards(with_staff(&admin, json!({ "now": NOW + 8 })))
        .unwrap();
    let cards: js_sys::Array = cards.dyn_into().unwrap();
    assert_eq!(cards.length(), 1);
    let sheet = cards.get(0).as_string().unwrap();
    assert!(sheet.starts_with("<svg") && sheet.contains("A1") && sheet.contains("李喆"));
    let labels: js_sys::Array = kiosk
        .shelf_labels(with_staff(&admin, json!({ "now": NOW + 8 })))
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(labels.get(0).as_string().unwrap().contains("2.5 积分"));
    let refused = kiosk
        .household_cards(js(json!({ "now": NOW + 8 })))
        .unwrap_err();
    assert_eq!(get_string(&refused, "code"), "STAFF_AUTH_REQUIRED");

    // A price change leaves the receipt as it was.
    run(kiosk.reprice(with_staff(
        &admin,
        json!({ "sku": "salt", "price": "3", "requestId": "rp-1", "now": NOW + 9 }),
    )))
    .await;
    let looked_up = kiosk
        .redemption(with_staff(
            &admin,
            json!({ "receipt": get_string(&receipt, "receiptNumber"), "now": NOW + 10 }),
        ))
        .unwrap();
    assert_eq!(get_string(&looked_up, "total"), "5.00");

    // The void gives the points and the stock back; the original stays.
    run(kiosk.void_redemption(with_staff(&admin, json!({ "receipt": get_string(&receipt, "receiptNumber"), "reason": "拿错了", "requestId": "v-1", "now": NOW + 11 })))).await;
    assert_eq!(
        get_string(&kiosk.household("A1").unwrap(), "balance"),
        "5.00"
    );
    let looked_up = kiosk
        .redemption(with_staff(
            &admin,
            json!({ "receipt": get_string(&receipt, "receiptNumber"), "now": NOW + 12 }),
        ))
        .unwrap();
    assert_eq!(get(&looked_up, "voided"), JsValue::TRUE);
    finish(kiosk, "test-staff-setup").await;
}

#[wasm_bindgen_test]
async fn staff_calls_without_a_staff_session_change_nothing() {
    let (kiosk, admin) = set_up("test-staff-refused").await;
    let before = kiosk.state_hash();
    let credit = |session: JsValue| {
        kiosk.credit(with_staff(
            &session,
            json!({ "household": "A1", "amount": "5", "period": "2026-10", "now": NOW + 20 }),
        ))
    };
    for session in [
        JsValue::UNDEFINED,
        JsValue::from_str("forged-session-id"),
        js(json!({ "id": "0123456789abcdef" })),
    ] {
        let error = settle(credit(session)).await.unwrap_err();
        assert_eq!(get_string(&error, "code"), "STAFF_AUTH_REQUIRED");
    }
    let no_session = settle(kiosk.restock(js(
        json!({ "donor": "x", "sourceType": "company", "lines": [], "requestId": "r", "now": NOW }),
    )))
    .await
    .unwrap_err();
    assert_eq!(get_string(&no_session, "code"), "STAFF_AUTH_REQUIRED");
    // A signed-out session is refused too.
    kiosk.staff_sign_out(admin.clone());
    let error = settle(credit(admin)).await.unwrap_err();
    assert_eq!(get_string(&error, "code"), "STAFF_AUTH_REQUIRED");
    assert_eq!(kiosk.state_hash(), before);
    // The demo cannot be loaded over a set-up kiosk.
    let error = settle(kiosk.load_demo(JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(get_string(&error, "code"), "NOT_EMPTY");
    finish(kiosk, "test-staff-refused").await;
}

/// Issue 21: `STAFF_AUTH_REQUIRED` says why, so the page asks for the PIN
/// only when signing in again helps (`reason: "expired"`) and says the
/// role does not cover the act otherwise (`reason: "role"`); an amount the
/// parser refuses stays `INVALID_INPUT` and names the parser's code as
/// `detail`. Nothing changes in any of them.
#[wasm_bindgen_test]
async fn a_staff_refusal_says_why_and_a_bad_amount_names_its_code() {
    use aixin_kiosk::points::PointsParseError;
    let (kiosk, admin) = set_up("test-staff-reason").await;
    settle(kiosk.add_staff(with_staff(&admin, json!({ "staff": "shop-1", "name": "王店员", "role": "shopkeeper", "pin": "1111", "requestId": "s-1", "now": NOW + 2 }))))
        .await
        .unwrap();
    settle(kiosk.register_household(with_staff(&admin, json!({ "household": "A1", "name": "李喆", "group": "一组", "kind": "family", "requestId": "h-1", "now": NOW + 3 }))))
        .await
        .unwrap();
    let shopkeeper = settle(kiosk.staff_sign_in(js(
        json!({ "staff": "shop-1", "pin": "1111", "now": NOW + 4 }),
    )))
    .await
    .unwrap();
    let before = kiosk.state_hash();
    let credit = |session: &JsValue, amount: &str, now: i64| {
        kiosk.credit(with_staff(
            session,
            json!({ "household": "A1", "amount": amount, "period": "2026-10", "now": now }),
        ))
    };

    // A live shopkeeper's session: points are not a shopkeeper's work.
    let error = settle(credit(&shopkeeper, "5", NOW + 5)).await.unwrap_err();
    assert_eq!(get_string(&error, "code"), "STAFF_AUTH_REQUIRED");
    assert_eq!(get_string(&error, "reason"), "role");

    // A bad amount from the admin: INVALID_INPUT, with the parser's code.
    for (amount, problem) in [
        ("1.234", PointsParseError::TooManyDecimals),
        ("-5", PointsParseError::Negative),
        ("", PointsParseError::Empty),
    ] {
        let error = settle(credit(&admin, amount, NOW + 7)).await.unwrap_err();
        assert_eq!(get_string(&error, "code"), "INVALID_INPUT", "{amount}");
        assert_eq!(get_string(&error, "field"), "amount", "{amount}");
        assert_eq!(get_string(&error, "detail"), problem.code(), "{amount}");
    }

    // The shopkeeper's session idle past the kiosk's idle time, the admin's
    // signed out, and none at all: sign in again.
    let idle_ms = get(&kiosk.limits(), "sessionIdleMs").as_f64().unwrap() as i64;
    let idle = NOW + 5 + idle_ms + 1;
    let error = settle(credit(&shopkeeper, "5", idle)).await.unwrap_err();
    assert_eq!(get_string(&error, "reason"), "expired");
    kiosk.staff_sign_out(admin.clone());
    let error = settle(credit(&admin, "5", NOW + 8)).await.unwrap_err();
    assert_eq!(get_string(&error, "code"), "STAFF_AUTH_REQUIRED");
    assert_eq!(get_string(&error, "reason"), "expired");
    let error = settle(credit(&JsValue::UNDEFINED, "5", NOW + 8))
        .await
        .unwrap_err();
    assert_eq!(get_string(&error, "reason"), "expired");
    assert_eq!(kiosk.state_hash(), before);
    finish(kiosk, "test-staff-reason").await;
}
