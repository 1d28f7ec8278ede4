//! The platform's balance list (reconcile): any bytes are refused with a
//! clear error or compared; nothing panics, and the totals add up.
#![no_main]
use aixin_kiosk::import;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static STATE: OnceLock<aixin_kiosk::state::State> = OnceLock::new();
    let state = STATE.get_or_init(|| aixin_kiosk_fuzz::golden_ledger().state().clone());
    let Ok(text) = import::decode_bytes(data) else {
        return;
    };
    let _ = import::reconcile(state, &text, None);
    let _ = import::reconcile(state, &text, Some(import::Delimiter::Tab));
});
