//! Aixin Kiosk (爱心超市积分兑换终端): the points-redemption terminal of a
//! village love supermarket.
//!
//! The crate is a pure core — amounts, the hash-chained journal, the state
//! folded from it and the operations that validate against that state — and
//! one thin shell, [`web`], that binds the core to the browser (IndexedDB,
//! localStorage, the JS API). The core never reads a clock, never touches
//! storage and never uses floating point; the shell hands it the time, the
//! stored bytes and random salts, and persists what the core prepared before
//! the core commits it.
//!
//! Without the `staff` feature (the villager's build) the ledger plans only
//! the villager's operations; what only the staff's plans use is then
//! unused, which is expected there, not a sign of dead code.
#![cfg_attr(not(feature = "staff"), allow(dead_code, unused_imports))]

pub mod backup;
pub mod board;
pub mod calendar;
pub mod charts;
pub mod checkpoint;
pub mod clock;
pub mod credential;
mod demo;
mod demo_data;
pub mod entry;
pub mod entry_ids;
pub mod error;
pub mod export;
pub mod ids;
pub mod import;
pub mod journal;
pub mod labels;
pub mod ledger;
pub mod platform_restore;
pub mod points;
pub mod reports;
pub mod rulebook;
pub mod rules;
pub mod scoresheet;
pub mod segment;
pub mod settings;
pub mod shell;
pub mod sorting;
pub mod state;
pub mod sync;
pub mod upload;
pub mod verify;

#[cfg(target_arch = "wasm32")]
pub mod web;

/// The crate version, shown on the kiosk page so a clerk can tell builds apart.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
