//! A backup file: any bytes are refused naming a line, or read, verified and
//! restored onto an empty kiosk of its own id to the state it claims;
//! nothing panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aixin_kiosk_fuzz::backup_restore(data);
});
