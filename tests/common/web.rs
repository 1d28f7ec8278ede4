//! What the wasm tests share over the JS API: a JSON value handed in the way
//! the page hands it, a field read back, a promise settled, and a kiosk
//! opened over real IndexedDB with a cheap PIN hash.

use aixin_kiosk::web::idb::{KioskDb, WriteBatch};
use aixin_kiosk::web::Kiosk;
use serde::Serialize;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// 2026-10-26 in the village.
pub const NOW: i64 = 1_793_000_000_000;

/// `value` as the page would pass it: plain objects, not JS Maps.
pub fn js(value: serde_json::Value) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

/// An answer of the JS API read back as JSON.
pub fn json_of(value: &JsValue) -> serde_json::Value {
    serde_wasm_bindgen::from_value(value.clone()).unwrap()
}

pub fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

pub fn get_string(value: &JsValue, key: &str) -> String {
    get(value, key)
        .as_string()
        .unwrap_or_else(|| panic!("{key} is not a string"))
}

/// The code of a refusal; a refusal without one fails the test.
pub fn code_of(error: &JsValue) -> String {
    get_string(error, "code")
}

pub async fn settle(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

/// `input` with the staff session added.
pub fn with_staff(session: &JsValue, input: serde_json::Value) -> JsValue {
    let value = js(input);
    js_sys::Reflect::set(&value, &JsValue::from_str("staffSession"), session).unwrap();
    value
}

/// Opens the kiosk stored under `kiosk_id`, or answers its refusal.
pub async fn try_open(kiosk_id: &str) -> Result<Kiosk, JsValue> {
    Kiosk::open(js(json!({ "kioskId": kiosk_id, "pinIterations": 10 }))).await
}

pub async fn open(kiosk_id: &str) -> Kiosk {
    try_open(kiosk_id).await.unwrap()
}

/// An empty kiosk, dropping what a failed run left under `kiosk_id`.
pub async fn fresh(kiosk_id: &str) -> Kiosk {
    KioskDb::delete(kiosk_id).await.unwrap();
    open(kiosk_id).await
}

/// Closes `kiosk` and deletes its database: the end of a test.
pub async fn finish(kiosk: Kiosk, kiosk_id: &str) {
    settle(kiosk.close()).await.unwrap();
    KioskDb::delete(kiosk_id).await.unwrap();
}

/// A core-built journal of `credits` credits and a few redemptions (more
/// than one checkpoint interval and two segments), written one record per
/// key, as kiosks of the first layout hold it. Returns the core's kiosk.
pub async fn old_layout(kiosk_id: &str, credits: usize) -> super::Kiosk {
    let mut kiosk = super::Kiosk::with_village();
    for index in 0..credits {
        let period = format!("{}-{:02}", 2001 + index / 12, 1 + index % 12);
        kiosk.credit("A001", "1", &period).unwrap();
        if index % 150 == 0 {
            let session = kiosk.sign_in("A001", "1234").unwrap();
            let request = kiosk.next_request();
            kiosk
                .redeem(&session, &[("salt-500g", 1)], request)
                .unwrap();
        }
    }
    assert_eq!(
        kiosk
            .ledger
            .state()
            .kiosk
            .as_ref()
            .unwrap()
            .kiosk_id
            .as_str(),
        super::KIOSK
    );
    KioskDb::delete(kiosk_id).await.unwrap();
    let db = KioskDb::open(kiosk_id).await.unwrap();
    let records = kiosk.store.records();
    for chunk in records.chunks(400) {
        db.write(&WriteBatch {
            journal: chunk.to_vec(),
            ..WriteBatch::default()
        })
        .await
        .unwrap();
    }
    db.write(&WriteBatch {
        credentials: kiosk.store.credential_records(),
        ..WriteBatch::default()
    })
    .await
    .unwrap();
    db.close();
    kiosk
}
