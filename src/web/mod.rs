//! The browser shell: the only code that touches wasm-bindgen, js-sys,
//! web-sys and gloo-storage. It converts JS values into the core's validated
//! types, persists what the core prepared, and hands results back to the page.
//!
//! Without the `staff` feature (the villager's build) the bindings only staff
//! screens call are left out; the helpers they share with nothing else are
//! then unused, which is expected there, not a sign of dead code.
#![cfg_attr(not(feature = "staff"), allow(dead_code, unused_imports))]

mod backup;
mod clerk;
mod clock;
mod convert;
mod digest;
mod gate;
#[doc(hidden)]
pub mod idb;
mod kiosk;
mod labels;
mod limits;
#[doc(hidden)]
pub mod lock;
mod panic;
mod platform_restore;
mod proof;
mod reports;
mod rules;
mod staff;
mod upkeep;
mod upload;

pub use kiosk::Kiosk;
pub use panic::{install_panic_hook, last_panic};

use wasm_bindgen::prelude::*;

/// The build's version, shown on the page so staff can tell builds apart.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}
