//! The score-sheet import: any bytes are refused with every bad row named or
//! parsed into a sheet whose every score is within its maximum; nothing
//! panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aixin_kiosk_fuzz::score_sheet(data);
});
