//! Score parsing (tenths, up to a maximum): nothing panics, a parsed score
//! is within its maximum, and it formats back to text that parses to the
//! same score.
#![no_main]
use aixin_kiosk::rules::Score;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first two bytes are the maximum in tenths (little-endian).
    let [low, high, rest @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Some(max) = Score::from_tenths(u16::from_le_bytes([*low, *high])) else {
        return;
    };
    if let Ok(score) = Score::parse(text, max) {
        assert!(score <= max, "{text:?} parsed as {score} above {max}");
        let written = score.to_string();
        assert_eq!(
            Score::parse(&written, max),
            Ok(score),
            "{text:?} → {written:?}"
        );
    }
});
