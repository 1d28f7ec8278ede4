//! Reports and charts in the JS API over real IndexedDB, on the demo
//! village: each kind answers from the stored journal and agrees with the
//! live balances; without a staff session, or with a bad kind or date,
//! nothing is answered.
#![cfg(target_arch = "wasm32")]

mod common;

use aixin_kiosk::web::Kiosk;
use common::web::{code_of, fresh, js, json_of, settle, NOW};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The demo village and the admin's staff session.
async fn demo(kiosk_id: &str) -> (Kiosk, JsValue) {
    let kiosk = fresh(kiosk_id).await;
    settle(kiosk.load_demo(js(json!({ "now": NOW }))))
        .await
        .unwrap();
    let session = settle(kiosk.staff_sign_in(js(
        json!({ "staff": "admin", "pin": "9999", "now": NOW + 1 }),
    )))
    .await
    .unwrap();
    (kiosk, session)
}

/// `input` at one time, a moment after the sign-in, with the staff session.
fn with_staff(session: &JsValue, mut input: serde_json::Value) -> JsValue {
    input["now"] = json!(NOW + 2);
    common::web::with_staff(session, input)
}

#[wasm_bindgen_test]
async fn every_report_and_chart_answers_from_the_journal() {
    let (kiosk, admin) = demo("test-reports").await;
    let report = |input: serde_json::Value| settle(kiosk.report(with_staff(&admin, input)));
    let hash = kiosk.state_hash();
    let day = json_of(&report(json!({ "kind": "day" })).await.unwrap());
    assert_eq!(day["redemptions"], 3);
    assert_eq!(day["householdsServed"], 3);
    assert_eq!(day["source"]["stateHash"], hash.as_str());
    let month = json_of(
        &report(json!({ "kind": "month", "month": "2026-10" }))
            .await
            .unwrap(),
    );
    assert_eq!(month["pointsSpent"], day["pointsSpent"]);
    let stock = json_of(
        &report(json!({ "kind": "stock", "thresholds": { "salt-500g": 1000 } }))
            .await
            .unwrap(),
    );
    let lines = stock["lines"].as_array().unwrap();
    assert_eq!(lines[0]["item"]["sku"], "salt-500g");
    assert_eq!(lines[0]["low"], true);
    // An item added with its own threshold keeps it.
    settle(kiosk.add_item(with_staff(
        &admin,
        json!({ "sku": "kettle", "nameZh": "水壶", "unit": "个", "category": "日用", "price": "30", "lowStock": 50, "requestId": "kettle-1" }),
    )))
    .await
    .unwrap();
    let stock = json_of(&report(json!({ "kind": "stock" })).await.unwrap());
    let kettle = stock["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["item"]["sku"] == "kettle")
        .unwrap()
        .clone();
    assert_eq!(
        (kettle["threshold"].clone(), kettle["low"].clone()),
        (json!(50), json!(true))
    );
    let error = settle(kiosk.add_item(with_staff(
        &admin,
        json!({ "sku": "kettle-2", "nameZh": "水壶", "unit": "个", "category": "日用", "price": "30", "lowStock": 10001, "requestId": "kettle-2" }),
    )))
    .await
    .unwrap_err();
    assert_eq!(code_of(&error), "INVALID_INPUT");
    let donations = json_of(&report(json!({ "kind": "donations" })).await.unwrap());
    assert!(donations["thanks"].as_array().unwrap().len() >= 2);
    let statement = json_of(
        &report(json!({ "kind": "statement", "household": "A001", "from": "2026-01-01", "to": "2026-12-31" }))
            .await
            .unwrap(),
    );
    let balance = json_of(&kiosk.household("A001").unwrap())["balance"].clone();
    assert_eq!(statement["closing"], balance);
    let series = json_of(&report(json!({ "kind": "series" })).await.unwrap());
    assert_eq!(series["months"].as_array().unwrap().len(), 12);
    assert_eq!(series["months"][11]["month"], "2026-10");
    for kind in ["points_spent", "credits_redemptions", "top_goods", "stock"] {
        let svg = settle(kiosk.chart(with_staff(&admin, json!({ "kind": kind }))))
            .await
            .unwrap()
            .as_string()
            .unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{kind}");
    }
}

#[wasm_bindgen_test]
async fn reports_are_refused_without_a_staff_session_or_with_bad_input() {
    let (kiosk, admin) = demo("test-reports-refused").await;
    let error = settle(kiosk.report(js(json!({ "kind": "day", "now": NOW + 2 }))))
        .await
        .unwrap_err();
    assert_eq!(code_of(&error), "STAFF_AUTH_REQUIRED");
    let error = settle(kiosk.chart(js(
        json!({ "kind": "stock", "staffSession": "nobody-000000000000", "now": NOW + 2 }),
    )))
    .await
    .unwrap_err();
    assert_eq!(code_of(&error), "STAFF_AUTH_REQUIRED");
    for input in [
        json!({ "kind": "weekly" }),
        json!({ "kind": "day", "date": "2026-02-30" }),
        json!({ "kind": "statement", "household": "A001", "from": "2026-12-01", "to": "2026-01-01" }),
    ] {
        let error = settle(kiosk.report(with_staff(&admin, input.clone())))
            .await
            .expect_err(&input.to_string());
        assert_eq!(code_of(&error), "INVALID_INPUT", "{input}");
    }
    let error = settle(kiosk.report(with_staff(
        &admin,
        json!({ "kind": "statement", "household": "Z999" }),
    )))
    .await
    .unwrap_err();
    assert_eq!(code_of(&error), "UNKNOWN_HOUSEHOLD");
}

#[wasm_bindgen_test]
async fn a_redemption_made_while_a_report_reads_is_stored() {
    let (kiosk, admin) = demo("test-reports-turns").await;
    let session = settle(kiosk.sign_in(js(
        json!({ "household": "A001", "pin": "3817", "now": NOW + 2 }),
    )))
    .await
    .unwrap();
    let input = js(
        json!({ "session": null, "lines": [{ "sku": "salt-500g", "qty": 1 }], "requestId": "turns-1", "now": NOW + 3 }),
    );
    js_sys::Reflect::set(&input, &JsValue::from_str("session"), &session).unwrap();
    // Both start before either ends: the report's read waits its turn.
    let report = kiosk.report(with_staff(&admin, json!({ "kind": "day" })));
    let receipt = kiosk.redeem(input);
    let report = json_of(&settle(report).await.unwrap());
    let receipt = settle(receipt).await.unwrap();
    assert_eq!(
        report["redemptions"], 3,
        "the report was read before the redemption"
    );
    let seq = js_sys::Reflect::get(&receipt, &JsValue::from_str("seq")).unwrap();
    assert_eq!(
        seq.as_f64(),
        Some(report["source"]["seq"].as_f64().unwrap() + 1.0)
    );
    let after = json_of(
        &settle(kiosk.report(with_staff(&admin, json!({ "kind": "day" }))))
            .await
            .unwrap(),
    );
    assert_eq!(after["redemptions"], 4);
}
