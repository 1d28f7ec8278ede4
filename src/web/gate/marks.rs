//! Timing marks in the page's performance timeline (`performance.measure`),
//! so a slow call can be laid beside what it waited for: the gate, the
//! sealing of a segment, a checkpoint's encoding and its write. The
//! benchmark reads them; DevTools shows them in the performance panel. Only
//! the background upkeep and calls that actually waited at the gate leave a
//! mark, so a kiosk open for months gathers a few a day. Times here are
//! milliseconds of the page's monotonic clock, never amounts.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

fn performance() -> Option<Object> {
    Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()?
        .dyn_into::<Object>()
        .ok()
}

fn method(performance: &Object, name: &str) -> Option<Function> {
    Reflect::get(performance, &JsValue::from_str(name))
        .ok()?
        .dyn_into::<Function>()
        .ok()
}

/// `performance.now()`, or 0 where the page has no performance timeline.
pub(crate) fn now() -> f64 {
    performance()
        .and_then(|performance| {
            let now = method(&performance, "now")?;
            now.call0(&performance).ok()?.as_f64()
        })
        .unwrap_or(0.0)
}

/// Records `aixin:{name}` from `start` (a [`now`]) until now.
pub(crate) fn measure(name: &str, start: f64) {
    let Some(performance) = performance() else {
        return;
    };
    let Some(measure) = method(&performance, "measure") else {
        return;
    };
    let end = match method(&performance, "now").and_then(|now| now.call0(&performance).ok()) {
        Some(end) => end,
        None => return,
    };
    let options = Object::new();
    let _ = Reflect::set(
        &options,
        &JsValue::from_str("start"),
        &JsValue::from_f64(start),
    );
    let _ = Reflect::set(&options, &JsValue::from_str("end"), &end);
    let _ = measure.call2(
        &performance,
        &JsValue::from_str(&format!("aixin:{name}")),
        &options,
    );
}

/// [`measure`], only when it took 20 ms or more: for the steps of every
/// call, which are a few milliseconds when all is well.
pub(crate) fn measure_slow(name: &str, start: f64) {
    if now() - start >= 20.0 {
        measure(name, start);
    }
}
