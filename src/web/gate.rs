//! A first-come, first-served async lock: the kiosk's calls run one at a
//! time, in the order they were made. A second tap waits for the first to be
//! stored and committed, then runs against the new state — so two taps that
//! together would overdraw give one receipt and one refusal, never two
//! receipts and never a `BUSY` the page would have to retry.
//!
//! The background upkeep (sealing, checkpoints) enters behind every call:
//! only when the gate is free and no call has come for a while, so a
//! redemption never queues behind a checkpoint that could have waited. Once
//! in, it asks between its pieces whether a call is waiting, and gives way.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub(crate) mod marks;

#[derive(Default)]
pub(crate) struct Gate {
    held: Cell<bool>,
    waiters: RefCell<VecDeque<js_sys::Function>>,
    /// When a call last came to the gate or left it (`Date.now()`, whole
    /// milliseconds).
    last_call_ms: Cell<i64>,
    /// Called once when a call starts waiting behind background work, so
    /// that work can stop what it is doing (an IndexedDB write it can
    /// abort) instead of finishing it first.
    on_call_waiting: RefCell<Option<js_sys::Function>>,
}

/// Holding the gate; dropping it lets the next caller in.
pub(crate) struct Pass {
    gate: Rc<Gate>,
    /// A call's pass, not the background upkeep's.
    call: bool,
}

/// `Date.now()` in whole milliseconds: the one float the gate reads,
/// converted at once.
fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

impl Gate {
    /// Waits for the gate, in turn with the other calls.
    pub(crate) async fn enter(gate: &Rc<Gate>) -> Pass {
        gate.last_call_ms.set(now_ms());
        if gate.held.replace(true) {
            let mut resolve_slot = None;
            let promise =
                js_sys::Promise::new(&mut |resolve, _reject| resolve_slot = Some(resolve));
            if let Some(resolve) = resolve_slot {
                gate.waiters.borrow_mut().push_back(resolve);
            }
            let interrupt = gate.on_call_waiting.borrow_mut().take();
            if let Some(interrupt) = interrupt {
                let _ = interrupt.call0(&JsValue::UNDEFINED);
            }
            // Resolved by the holder's Pass::drop, which hands the gate over
            // without releasing it.
            let waited_from = marks::now();
            let _ = JsFuture::from(promise).await;
            marks::measure("gate-wait", waited_from);
        }
        Pass {
            gate: Rc::clone(gate),
            call: true,
        }
    }

    /// Waits for the gate behind every call: until it is free and no call
    /// has come to it or left it for `quiet_ms`. For background work.
    pub(crate) async fn enter_quiet(gate: &Rc<Gate>, quiet_ms: i32) -> Pass {
        loop {
            let quiet_for = now_ms() - gate.last_call_ms.get();
            if !gate.held.get() && quiet_for >= i64::from(quiet_ms) {
                gate.held.set(true);
                return Pass {
                    gate: Rc::clone(gate),
                    call: false,
                };
            }
            // While a call holds the gate the quiet starts only after it.
            let left = if gate.held.get() {
                quiet_ms
            } else {
                // Between 1 ms and `quiet_ms`, so it fits an i32.
                (i64::from(quiet_ms) - quiet_for).clamp(1, i64::from(quiet_ms)) as i32
            };
            super::kiosk::sleep(left).await;
        }
    }
}

impl Pass {
    /// Whether a call is waiting for the gate: background work asks between
    /// its pieces and gives way.
    pub(crate) fn call_waiting(&self) -> bool {
        !self.gate.waiters.borrow().is_empty()
    }

    /// Has `interrupt` called (once) as soon as a call starts waiting while
    /// this pass is held; dropping the pass forgets it.
    pub(crate) fn on_call_waiting(&self, interrupt: js_sys::Function) {
        *self.gate.on_call_waiting.borrow_mut() = Some(interrupt);
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        self.gate.on_call_waiting.borrow_mut().take();
        if self.call {
            self.gate.last_call_ms.set(now_ms());
        }
        let next = self.gate.waiters.borrow_mut().pop_front();
        match next {
            Some(resolve) => {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
            None => self.gate.held.set(false),
        }
    }
}
