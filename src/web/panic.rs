//! What happens when the core panics. A panic in wasm traps: the module is
//! left mid-call, a `RefCell` may stay borrowed and the gate held, and every
//! later call would wait forever. So the page installs this hook right after
//! the wasm loads: it keeps the message in localStorage (`aixin:lastPanic`,
//! with the time, for the staff and the logs) and asks for a reload, which
//! starts a fresh module that opens the journal again from storage.
//!
//! A kiosk that panics at every start must not reload in a tight loop: a
//! panic within [`QUICK_REPEAT_MS`] of the last one waits [`SLOW_RELOAD_MS`]
//! before reloading, so the fatal screen stays readable in between.

use crate::entry::{json_record, JsonReader, JsonWriter};
use js_sys::Function;
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// The localStorage key of the last panic: `{ message, timeMs }`.
pub const LAST_PANIC_KEY: &str = "aixin:lastPanic";
/// The most characters of a panic message kept.
const MESSAGE_CHARS_MAX: usize = 2_000;
/// A panic this soon after the last one reloads slowly.
const QUICK_REPEAT_MS: i64 = 60_000;
/// The wait before reloading after a quick repeat.
const SLOW_RELOAD_MS: i32 = 10_000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LastPanic {
    message: String,
    time_ms: i64,
}

impl LastPanic {
    /// The stored value: `{"message":…,"timeMs":…}`, the JSON `serde_json`
    /// wrote before, now by the journal codec's hand.
    fn to_json(&self) -> String {
        JsonWriter::object(|w| {
            w.str("message", &self.message);
            w.int("timeMs", self.time_ms);
        })
    }

    fn from_json(text: &str) -> Result<LastPanic, String> {
        JsonReader::read(text, |r| {
            Ok(json_record!(r, LastPanic {
                message: "message" => JsonReader::string,
                time_ms: "timeMs" => JsonReader::i64,
            }))
        })
    }
}

thread_local! {
    /// What the hook calls to reload: `location.reload` unless a test gave
    /// its own.
    static RELOAD: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Installs the hook: `installPanicHook()` from the page, right after
/// `init()`; `installPanicHook(fn)` makes the hook call `fn` instead of
/// reloading (tests). Installing again only replaces the function.
#[wasm_bindgen(js_name = installPanicHook)]
pub fn install_panic_hook(reload: Option<Function>) {
    RELOAD.with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = reload;
        }
    });
    std::panic::set_hook(Box::new(|info| record_and_reload(&info.to_string())));
}

/// The last panic recorded on this browser, `{ message, timeMs }`, or
/// `undefined`.
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> JsValue {
    read_last()
        .map(|last| super::convert::to_js(&last))
        .unwrap_or(JsValue::UNDEFINED)
}

/// The hook's work. Nothing here may panic: a panic inside the hook aborts
/// without reloading.
fn record_and_reload(message: &str) {
    // A JS timestamp, converted at once to whole milliseconds.
    let now = js_sys::Date::now() as i64;
    let quick = read_last().is_some_and(|last| now - last.time_ms < QUICK_REPEAT_MS);
    let last = LastPanic {
        message: message.chars().take(MESSAGE_CHARS_MAX).collect(),
        time_ms: now,
    };
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(LAST_PANIC_KEY, &last.to_json());
    }
    web_sys::console::error_1(&JsValue::from_str(&format!("panic: {}", last.message)));
    let Some(window) = web_sys::window() else {
        return;
    };
    let given = RELOAD.with(|slot| slot.try_borrow().ok().and_then(|slot| slot.clone()));
    let reload = given.or_else(|| {
        let reload = js_sys::Reflect::get(&window.location(), &JsValue::from_str("reload")).ok()?;
        Some(
            reload
                .dyn_into::<Function>()
                .ok()?
                .bind0(&window.location()),
        )
    });
    if let Some(reload) = reload {
        // On a timer: the trap that follows this hook must not cut it off.
        let delay = if quick { SLOW_RELOAD_MS } else { 0 };
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&reload, delay);
    }
}

fn read_last() -> Option<LastPanic> {
    let text = local_storage()?.get_item(LAST_PANIC_KEY).ok()??;
    LastPanic::from_json(&text).ok()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
