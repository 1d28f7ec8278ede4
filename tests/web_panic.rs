//! The panic hook in headless Chromium: a real panic, forced inside a call
//! from JS, records its message in localStorage (`aixin:lastPanic`, with the
//! time) and asks for a reload through the function the test hands the hook
//! in place of `location.reload`.
#![cfg(target_arch = "wasm32")]

use aixin_kiosk::web::{install_panic_hook, last_panic};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn local_storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .expect("localStorage")
}

async fn sleep(ms: i32) {
    let timer = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(timer).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_panic_records_its_message_and_asks_for_a_reload() {
    local_storage().remove_item("aixin:lastPanic").unwrap();
    assert!(last_panic().is_undefined());
    // The "reload" the hook will call: counts its calls on `globalThis`.
    let reload =
        js_sys::Function::new_no_args("globalThis.__reloads = (globalThis.__reloads ?? 0) + 1;");
    install_panic_hook(Some(reload));

    // A panic inside a call from JS: the trap comes back to this test as a
    // thrown exception, the way a page's call into the kiosk would see it.
    let boom = Closure::<dyn Fn()>::new(|| panic!("forced for the test: the gate is stuck"));
    let thrown = boom
        .as_ref()
        .unchecked_ref::<js_sys::Function>()
        .call0(&JsValue::NULL);
    assert!(
        thrown.is_err(),
        "the panic did not reach JS as an exception"
    );

    let stored = local_storage()
        .get_item("aixin:lastPanic")
        .unwrap()
        .expect("recorded");
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    let message = stored["message"].as_str().unwrap();
    assert!(
        message.contains("forced for the test: the gate is stuck"),
        "{message}"
    );
    let time = stored["timeMs"].as_i64().unwrap();
    assert!((js_sys::Date::now() as i64 - time).abs() < 60_000, "{time}");
    let seen = js_sys::Reflect::get(&last_panic(), &JsValue::from_str("message")).unwrap();
    assert_eq!(seen.as_string().as_deref(), Some(message));

    // The reload comes on a timer, at once for a first panic.
    let reloads = || {
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("__reloads"))
            .unwrap()
            .as_f64()
    };
    for _ in 0..50 {
        if reloads().is_some() {
            break;
        }
        sleep(20).await;
    }
    assert_eq!(reloads(), Some(1.0));
    local_storage().remove_item("aixin:lastPanic").unwrap();
}

/// A panic recorded by an earlier build (the bytes `serde_json` wrote)
/// still reads; a record that is not one reads as none.
#[wasm_bindgen_test]
fn a_panic_recorded_before_still_reads() {
    let storage = local_storage();
    let old = r#"{"message":"旧的 \"panic\"\n\u0001","timeMs":1790000000000}"#;
    storage.set_item("aixin:lastPanic", old).unwrap();
    let last = last_panic();
    let field = |name: &str| js_sys::Reflect::get(&last, &JsValue::from_str(name)).unwrap();
    assert_eq!(
        field("message").as_string().as_deref(),
        Some("旧的 \"panic\"\n\u{1}")
    );
    assert_eq!(field("timeMs").as_f64(), Some(1_790_000_000_000.0));
    for bad in [r#"{"message":"x"}"#, r#"{"message":"x","timeMs":1.5}"#, "x"] {
        storage.set_item("aixin:lastPanic", bad).unwrap();
        assert!(last_panic().is_undefined(), "{bad}");
    }
    storage.remove_item("aixin:lastPanic").unwrap();
}
