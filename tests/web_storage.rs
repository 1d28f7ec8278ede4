//! Browser tests of the shell's storage, run in headless Chromium by
//! `wasm-bindgen-test-runner`.
#![cfg(target_arch = "wasm32")]

use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn local_storage_round_trips_a_value() {
    let key = "aixin-test-language";
    LocalStorage::set(key, "zh-CN").unwrap();
    let read: String = LocalStorage::get(key).unwrap();
    assert_eq!(read, "zh-CN");
    LocalStorage::delete(key);
    assert!(LocalStorage::get::<String>(key).is_err());
}
