//! A first-come, first-served async lock: the kiosk's calls run one at a
//! time, in the order they were made. A second tap waits for the first to be
//! stored and committed, then runs against the new state — so two taps that
//! together would overdraw give one receipt and one refusal, never two
//! receipts and never a `BUSY` the page would have to retry.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[derive(Default)]
pub(crate) struct Gate {
    held: Cell<bool>,
    waiters: RefCell<VecDeque<js_sys::Function>>,
}

/// Holding the gate; dropping it lets the next caller in.
pub(crate) struct Pass {
    gate: Rc<Gate>,
}

impl Gate {
    /// Waits for the gate.
    pub(crate) async fn enter(gate: &Rc<Gate>) -> Pass {
        if gate.held.replace(true) {
            let mut resolve_slot = None;
            let promise =
                js_sys::Promise::new(&mut |resolve, _reject| resolve_slot = Some(resolve));
            if let Some(resolve) = resolve_slot {
                gate.waiters.borrow_mut().push_back(resolve);
            }
            // Resolved by the holder's Pass::drop, which hands the gate over
            // without releasing it.
            let _ = JsFuture::from(promise).await;
        }
        Pass {
            gate: Rc::clone(gate),
        }
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        let next = self.gate.waiters.borrow_mut().pop_front();
        match next {
            Some(resolve) => {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
            None => self.gate.held.set(false),
        }
    }
}
