//! The households import: any bytes are refused with a clear error or
//! previewed and applied; nothing panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aixin_kiosk_fuzz::import(aixin_kiosk::import::ImportKind::Households, data);
});
