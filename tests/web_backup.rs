//! Backup and restore over real IndexedDB: a backup restores onto an empty
//! kiosk to the same state hash, stored with strict durability; a changed
//! file and a non-empty kiosk are refused and nothing is written.
#![cfg(target_arch = "wasm32")]

mod common;

use common::web::{code_of, finish, fresh, get, js, open, settle, with_staff, NOW};
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_backup_restores_onto_an_empty_kiosk_to_the_same_state_hash() {
    let kiosk = fresh("test-backup").await;
    settle(kiosk.load_demo(js(json!({ "now": NOW }))))
        .await
        .unwrap();
    let admin =
        settle(kiosk.staff_sign_in(js(json!({ "staff": "admin", "pin": "9999", "now": NOW }))))
            .await
            .unwrap();
    let input = with_staff(&admin, json!({ "includePins": true, "now": NOW }));
    let file = settle(kiosk.backup(input)).await.unwrap();
    let text = get(&file, "text").as_string().unwrap();
    let state_hash = kiosk.state_hash();
    assert_eq!(get(&file, "stateHash").as_string().unwrap(), state_hash);

    // Onto a kiosk that has a journal: refused.
    let refused = settle(kiosk.restore_backup(js(json!({ "text": text, "now": NOW }))))
        .await
        .unwrap_err();
    assert_eq!(code_of(&refused), "NOT_EMPTY");
    finish(kiosk, "test-backup").await;

    let empty = open("test-backup").await;
    // A changed byte in entry 3 (line 4): refused, nothing written.
    let lines: Vec<&str> = text.split('\n').collect();
    let mut changed: Vec<String> = lines.iter().map(|line| line.to_string()).collect();
    changed[3] = changed[3].replacen("\"seq\":3", "\"seq\":4", 1);
    let refused =
        settle(empty.restore_backup(js(json!({ "text": changed.join("\n"), "now": NOW }))))
            .await
            .unwrap_err();
    assert_eq!(code_of(&refused), "BACKUP_INVALID");
    assert_eq!(get(&refused, "line").as_f64(), Some(4.0));
    assert_eq!(
        empty.state_hash(),
        aixin_kiosk::state::State::new().state_hash()
    );

    // Without the recovery code or an admin's PIN: refused, nothing written.
    let refused = settle(empty.restore_backup(js(json!({ "text": text, "now": NOW }))))
        .await
        .unwrap_err();
    assert_eq!(code_of(&refused), "RESTORE_AUTH_REQUIRED");
    let wrong_pin = json!({ "text": text, "now": NOW, "adminId": "admin", "adminPin": "1111" });
    let refused = settle(empty.restore_backup(js(wrong_pin)))
        .await
        .unwrap_err();
    assert_eq!(code_of(&refused), "RESTORE_AUTH_REQUIRED");
    assert_eq!(
        empty.state_hash(),
        aixin_kiosk::state::State::new().state_hash()
    );
    // With the PIN of an admin the backup carries: the backup's entries, then
    // the restore's own entry.
    let with_pin = json!({ "text": text, "now": NOW, "adminId": "admin", "adminPin": "9999" });
    let restored = settle(empty.restore_backup(js(with_pin))).await.unwrap();
    let restored = restored.as_string().unwrap();
    assert_ne!(restored, state_hash);
    assert_eq!(empty.last_write_durability().as_deref(), Some("strict"));
    settle(empty.close()).await.unwrap();
    let reopened = open("test-backup").await;
    assert_eq!(reopened.state_hash(), restored);
    settle(reopened.close()).await.unwrap();
}
