//! Amount parsing: nothing panics, and a parsed amount formats back to text
//! that parses to the same amount.
#![no_main]
use aixin_kiosk::points::Points;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for (signed, parsed) in [
        (true, Points::parse_signed(text)),
        (false, Points::parse_unsigned(text)),
    ] {
        if let Ok(amount) = parsed {
            assert!(
                signed || !amount.is_negative(),
                "{text:?} parsed unsigned as {amount:?}"
            );
            let fixed = amount.to_fixed();
            assert_eq!(
                Points::parse_signed(&fixed),
                Ok(amount),
                "{text:?} → {amount:?} → {fixed:?}"
            );
        }
    }
});
