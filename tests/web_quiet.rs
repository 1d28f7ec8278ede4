//! Background upkeep gives way to the kiosk's calls, over real IndexedDB
//! in headless Chromium: a checkpoint due while calls keep coming is
//! written after them, not between them, and a write that gives way stores
//! nothing (the checkpoint before it stays).
#![cfg(target_arch = "wasm32")]

mod common;

use aixin_kiosk::web::idb::{KioskDb, Store, WriteBatch};
use common::web::{get, js, old_layout, open, settle};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn number(value: &JsValue, key: &str) -> u64 {
    get(value, key).as_f64().unwrap_or_else(|| panic!("{key}")) as u64
}

#[wasm_bindgen_test]
async fn a_checkpoint_waits_while_calls_keep_coming_and_is_written_after() {
    let id = common::KIOSK;
    let core = old_layout(id, 1_150).await;
    let kiosk = open(id).await;
    settle(kiosk.when_idle()).await.unwrap();
    settle(kiosk.close()).await.unwrap();
    // Sealed, and no checkpoint: the next open replays the journal and has
    // a checkpoint due at once.
    let db = KioskDb::open(id).await.unwrap();
    db.delete_meta("checkpoint").await.unwrap();
    db.close();

    let kiosk = open(id).await;
    assert_eq!(number(&kiosk.info(), "checkpointSeq"), 0);
    // The calls a villager makes right after open go first: the checkpoint
    // due at open is neither in their way nor written between them.
    let session = settle(kiosk.sign_in(js(
        json!({ "household": "A001", "pin": "1234", "now": core.now + 1_000 }),
    )))
    .await
    .unwrap();
    assert_eq!(number(&kiosk.info(), "checkpointSeq"), 0);
    let input = js(json!({
        "lines": [{ "sku": "salt-500g", "qty": 1 }],
        "requestId": "quiet-1",
        "now": core.now + 2_000,
    }));
    js_sys::Reflect::set(&input, &JsValue::from_str("session"), &session).unwrap();
    let receipt = settle(kiosk.redeem(input)).await.unwrap();
    let info = kiosk.info();
    assert_eq!(number(&info, "checkpointSeq"), 0);
    let seq = number(&info, "seq");
    assert_eq!(number(&receipt, "seq"), seq);

    // Once it is quiet, the checkpoint is written, the redemption in it.
    settle(kiosk.when_idle()).await.unwrap();
    assert_eq!(number(&kiosk.info(), "checkpointSeq"), seq);
    let expected_hash = kiosk.state_hash();
    settle(kiosk.close()).await.unwrap();
    let kiosk = open(id).await;
    assert_eq!(kiosk.state_hash(), expected_hash);
    assert_eq!(settle(kiosk.when_verified()).await.unwrap(), JsValue::TRUE);
    settle(kiosk.close()).await.unwrap();
    KioskDb::delete(id).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_write_that_gives_way_stores_nothing_and_one_let_be_stores_all() {
    let id = common::KIOSK;
    KioskDb::delete(id).await.unwrap();
    let db = KioskDb::open(id).await.unwrap();
    let batch = |bytes: &[u8]| WriteBatch {
        meta: vec![("checkpoint".to_string(), bytes.to_vec())],
        ..WriteBatch::default()
    };
    assert!(db
        .write_or_give_way(&batch(b"first"), |_| {})
        .await
        .unwrap());
    // Aborted as soon as it is queued, as when a call comes at once: the
    // checkpoint before it stays.
    let gave_way = db
        .write_or_give_way(&batch(b"second"), |abort| {
            abort.call0(&JsValue::UNDEFINED).unwrap();
        })
        .await
        .unwrap();
    assert!(!gave_way);
    assert_eq!(
        db.read_one(Store::Meta, "checkpoint").await.unwrap(),
        Some(b"first".to_vec())
    );
    // Asked too late, the abort does nothing: the write completes.
    let late = std::rc::Rc::new(std::cell::RefCell::new(None));
    let keep = std::rc::Rc::clone(&late);
    let done = db
        .write_or_give_way(&batch(b"third"), move |abort| {
            *keep.borrow_mut() = Some(abort);
        })
        .await
        .unwrap();
    assert!(done);
    let abort: js_sys::Function = late.borrow_mut().take().unwrap();
    let _ = abort.call0(&JsValue::UNDEFINED);
    assert_eq!(
        db.read_one(Store::Meta, "checkpoint").await.unwrap(),
        Some(b"third".to_vec())
    );
    db.close();
    KioskDb::delete(id).await.unwrap();
}
