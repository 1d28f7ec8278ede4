//! Journal record decoding: a stored record, an entry's bytes and a line of
//! `journal.ndjson`. Nothing panics; what decodes survives a round trip.
#![no_main]
use aixin_kiosk::journal::{ndjson_line, parse_ndjson_line, StoredRecord};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aixin_kiosk_fuzz::check_entry_round_trip(data);
    if let Some(record) = StoredRecord::from_bytes(data) {
        assert_eq!(record.to_bytes(), data, "a stored record changed");
        aixin_kiosk_fuzz::check_entry_round_trip(&record.bytes);
    }
    if let Ok(line) = std::str::from_utf8(data) {
        if let Some(record) = parse_ndjson_line(line) {
            aixin_kiosk_fuzz::check_entry_round_trip(&record.bytes);
            let again = parse_ndjson_line(&ndjson_line(&record));
            assert_eq!(again.as_ref(), Some(&record), "an NDJSON line changed");
        }
    }
});
