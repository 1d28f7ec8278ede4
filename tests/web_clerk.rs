//! The clerk's JS calls over real IndexedDB: a file with a bad row changes
//! nothing and names the row; a good one changes balances once; an exported
//! batch verifies, and marking it uploaded moves the watermark.
#![cfg(target_arch = "wasm32")]

mod common;

use aixin_kiosk::verify::{verify_batches, BatchFiles};
use aixin_kiosk::web::Kiosk;
use common::web::{finish, fresh, get, js, settle, with_staff, NOW};
use serde_json::json;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Applying an import of points takes a second staff member (the two-person
/// rule): `clerk-2`, added by [`add_second_staff`].
fn co_signed(input: JsValue) -> JsValue {
    let co_sign = js(json!({ "staff": "clerk-2", "pin": "1357" }));
    js_sys::Reflect::set(&input, &JsValue::from_str("coSign"), &co_sign).unwrap();
    input
}

async fn add_second_staff(kiosk: &Kiosk, admin: &JsValue) {
    settle(kiosk.add_staff(with_staff(
        admin,
        json!({ "staff": "clerk-2", "name": "复核员", "role": "clerk", "pin": "1357", "requestId": "add-clerk-2", "now": NOW + 1 }),
    )))
    .await
    .unwrap();
}

/// A set-up village with no households yet, the admin's staff session and
/// the second clerk the two-person rule asks for.
async fn village(kiosk_id: &str) -> (Kiosk, JsValue) {
    let kiosk = fresh(kiosk_id).await;
    settle(kiosk.setup(js(json!({ "village": "李家村", "shop": "爱心超市", "adminId": "admin", "adminName": "李主任", "adminPin": "2580", "now": NOW })))).await.unwrap();
    let admin =
        settle(kiosk.staff_sign_in(js(json!({ "staff": "admin", "pin": "2580", "now": NOW }))))
            .await
            .unwrap();
    add_second_staff(&kiosk, &admin).await;
    (kiosk, admin)
}

const HOUSEHOLDS: &str = "户号,户主,组,类型\r\nA001,王建国,一组,家庭\r\nA002,李喆,一组,家庭\r\n";
const CREDITS: &str = "户号,积分,期间\r\nA001,5,2026/10\r\nA002,3,2026年10月\r\n";
const BAD_CREDITS: &str =
    "户号,积分,期间\r\nA001,5,2026-10\r\nZ999,3,2026-10\r\nA002,abc,2026-10\r\n";

#[wasm_bindgen_test]
async fn imports_change_balances_once_and_a_bad_row_changes_nothing() {
    let (kiosk, admin) = village("test-clerk").await;

    let import = |kind: &str, text: &str| {
        with_staff(
            &admin,
            json!({ "kind": kind, "text": text, "now": NOW + 10 }),
        )
    };
    settle(kiosk.apply_import(import("households", HOUSEHOLDS)))
        .await
        .unwrap();
    assert_eq!(
        kiosk
            .households()
            .dyn_into::<js_sys::Array>()
            .unwrap()
            .length(),
        2
    );

    let preview = kiosk.preview_import(import("credits", CREDITS)).unwrap();
    assert_eq!(get(&preview, "new").as_f64(), Some(2.0));
    assert_eq!(
        get(&preview, "totalPoints").as_string().as_deref(),
        Some("8.00")
    );

    let before = kiosk.state_hash();
    let refused = kiosk
        .preview_import(import("credits", BAD_CREDITS))
        .unwrap_err();
    assert_eq!(
        get(&refused, "code").as_string().as_deref(),
        Some("IMPORT_REFUSED")
    );
    let lines: Vec<f64> = get(&refused, "rows")
        .dyn_into::<js_sys::Array>()
        .unwrap()
        .iter()
        .map(|row| get(&row, "line").as_f64().unwrap())
        .collect();
    assert_eq!(lines, vec![3.0, 4.0]);
    let refused = settle(kiosk.apply_import(co_signed(import("credits", BAD_CREDITS))))
        .await
        .unwrap_err();
    assert_eq!(
        get(&refused, "code").as_string().as_deref(),
        Some("IMPORT_REFUSED")
    );
    assert_eq!(kiosk.state_hash(), before);

    settle(kiosk.apply_import(co_signed(import("credits", CREDITS))))
        .await
        .unwrap();
    let balance = |code: &str| {
        get(&kiosk.household(code).unwrap(), "balance")
            .as_string()
            .unwrap()
    };
    assert_eq!(
        (balance("A001"), balance("A002")),
        ("5.00".to_string(), "3.00".to_string())
    );
    let again = settle(kiosk.apply_import(import("credits", CREDITS)))
        .await
        .unwrap();
    assert_eq!(get(&again, "repeated"), JsValue::TRUE);
    assert_eq!(balance("A001"), "5.00");

    // An exported batch verifies; marking it uploaded moves the watermark.
    let batch = settle(kiosk.export_batch(with_staff(&admin, json!({ "now": NOW + 20 }))))
        .await
        .unwrap();
    let mut files = BTreeMap::new();
    for file in get(&batch, "files")
        .dyn_into::<js_sys::Array>()
        .unwrap()
        .iter()
    {
        files.insert(
            get(&file, "name").as_string().unwrap(),
            get(&file, "text").as_string().unwrap().into_bytes(),
        );
    }
    assert_eq!(files.len(), 4);
    // The same batch asked as bytes: a Uint8Array per file, the same bytes.
    let as_bytes = settle(kiosk.export_batch(with_staff(
        &admin,
        json!({ "now": NOW + 20, "bytes": true }),
    )))
    .await
    .unwrap();
    for file in get(&as_bytes, "files")
        .dyn_into::<js_sys::Array>()
        .unwrap()
        .iter()
    {
        let name = get(&file, "name").as_string().unwrap();
        assert!(get(&file, "text").is_undefined(), "{name}");
        let bytes = get(&file, "bytes")
            .dyn_into::<js_sys::Uint8Array>()
            .unwrap()
            .to_vec();
        assert_eq!(Some(&bytes), files.get(&name), "{name}");
    }
    let report = verify_batches(&[BatchFiles {
        name: "batch-1".into(),
        files,
    }]);
    assert!(report.is_ok(), "{}", report.render());
    let last_seq = get(&batch, "lastSeq").as_f64().unwrap() as u64;
    settle(kiosk.mark_uploaded(with_staff(
        &admin,
        json!({ "lastSeq": last_seq, "requestId": "up-1", "now": NOW + 21 }),
    )))
    .await
    .unwrap();
    assert_eq!(
        get(&kiosk.info(), "uploadedThroughSeq").as_f64(),
        Some(last_seq as f64)
    );
    finish(kiosk, "test-clerk").await;
}

fn code_of(error: &JsValue) -> Option<String> {
    get(error, "code").as_string()
}

#[wasm_bindgen_test]
async fn reconcile_verify_in_the_page_and_the_journal_size() {
    let (kiosk, admin) = village("test-clerk-2").await;
    let input = |value: serde_json::Value| with_staff(&admin, value);
    settle(kiosk.apply_import(input(
        json!({ "kind": "households", "text": HOUSEHOLDS, "now": NOW + 1 }),
    )))
    .await
    .unwrap();
    settle(kiosk.apply_import(co_signed(input(
        json!({ "kind": "credits", "text": CREDITS, "now": NOW + 2 }),
    ))))
    .await
    .unwrap();

    // Reconciling: A001 agrees, A002 differs by what was credited.
    let list = "户号,余额\r\nA001,5\r\nA002,0\r\n";
    let result = kiosk
        .reconcile(input(json!({ "text": list, "now": NOW + 3 })))
        .unwrap();
    assert_eq!(get(&result, "householdsDiffering").as_f64(), Some(1.0));
    let first = get(&result, "lines")
        .dyn_into::<js_sys::Array>()
        .unwrap()
        .get(0);
    assert_eq!(
        get(&first, "household").as_string().as_deref(),
        Some("A002")
    );
    assert_eq!(
        get(&first, "difference").as_string().as_deref(),
        Some("3.00")
    );
    let refused = kiosk
        .reconcile(js(json!({ "text": list, "now": NOW + 3 })))
        .unwrap_err();
    assert_eq!(code_of(&refused).as_deref(), Some("STAFF_AUTH_REQUIRED"));
    let bad = kiosk
        .reconcile(input(
            json!({ "text": "户号,余额\r\nA001,abc\r\n", "now": NOW + 3 }),
        ))
        .unwrap_err();
    assert_eq!(code_of(&bad).as_deref(), Some("IMPORT_REFUSED"));

    // The journal's size: every stored entry and its bytes.
    let size = settle(kiosk.journal_size()).await.unwrap();
    let seq = get(&kiosk.info(), "seq").as_f64().unwrap();
    assert_eq!(get(&size, "entries").as_f64(), Some(seq));
    let ndjson = settle(kiosk.export_journal(JsValue::UNDEFINED))
        .await
        .unwrap()
        .as_string()
        .unwrap();
    let bytes = get(&size, "bytes").as_f64().unwrap();
    assert!(bytes > 32.0 * seq && bytes < ndjson.len() as f64, "{bytes}");

    // The page's verifier: bytes or text; a changed byte fails; bad input is refused.
    let batch = settle(kiosk.export_batch(input(json!({ "now": NOW + 4 }))))
        .await
        .unwrap();
    let files = get(&batch, "files").dyn_into::<js_sys::Array>().unwrap();
    let as_bytes = js_sys::Array::new();
    for file in files.iter() {
        let text = get(&file, "text").as_string().unwrap();
        let entry = js_sys::Object::new();
        js_sys::Reflect::set(&entry, &"name".into(), &get(&file, "name")).unwrap();
        let bytes = js_sys::Uint8Array::from(text.as_bytes());
        js_sys::Reflect::set(&entry, &"bytes".into(), &bytes).unwrap();
        as_bytes.push(&entry);
    }
    let batches = |files: &JsValue| {
        let batch = js_sys::Object::new();
        js_sys::Reflect::set(&batch, &"name".into(), &"b1".into()).unwrap();
        js_sys::Reflect::set(&batch, &"files".into(), files).unwrap();
        js_sys::Array::of1(&batch).into()
    };
    for files in [JsValue::from(files.clone()), as_bytes.clone().into()] {
        let report = Kiosk::verify_batches_js(batches(&files)).unwrap();
        assert_eq!(get(&report, "ok"), JsValue::TRUE);
    }
    let journal = (0..as_bytes.length())
        .map(|i| as_bytes.get(i))
        .find(|f| get(f, "name").as_string().as_deref() == Some("journal.ndjson"))
        .unwrap();
    let bytes = get(&journal, "bytes")
        .dyn_into::<js_sys::Uint8Array>()
        .unwrap();
    let at = bytes.length() - 5;
    bytes.set_index(at, bytes.get_index(at) ^ 1);
    let report = Kiosk::verify_batches_js(batches(&as_bytes.into())).unwrap();
    assert_eq!(get(&report, "ok"), JsValue::FALSE);
    let not_a_list = Kiosk::verify_batches_js(JsValue::from_str("b1")).unwrap_err();
    assert_eq!(code_of(&not_a_list).as_deref(), Some("INVALID_INPUT"));
    let too_many = js_sys::Array::new();
    for _ in 0..65 {
        too_many.push(&js_sys::Object::new());
    }
    let refused = Kiosk::verify_batches_js(too_many.into()).unwrap_err();
    assert_eq!(code_of(&refused).as_deref(), Some("LIMIT_REACHED"));
    finish(kiosk, "test-clerk-2").await;
}
