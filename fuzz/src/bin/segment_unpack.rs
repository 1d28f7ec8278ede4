//! A stored segment of any bytes: the first 8 bytes are the seq it starts
//! at (little-endian), the rest its value. Nothing panics and nothing is
//! allocated past the value; a segment that unpacks holds consecutive seqs
//! from its first and packs back to exactly its bytes; damage is named at a
//! seq within the segment; reading only up to a seq gives a prefix.
#![no_main]
use aixin_kiosk::segment;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, packed)) = data.split_at_checked(8) else {
        return;
    };
    let first = u64::from_le_bytes(first.try_into().unwrap_or([0; 8]));
    match segment::unpack(first, packed) {
        Ok(records) => {
            assert!(!records.is_empty(), "an empty segment unpacked");
            for (index, (seq, _)) in records.iter().enumerate() {
                assert_eq!(*seq, first + index as u64, "seqs are not consecutive");
            }
            assert_eq!(
                segment::pack(&records),
                packed,
                "a segment changed through unpacking"
            );
            let last = first + records.len() as u64 / 2;
            let prefix =
                segment::unpack_through(first, packed, last).expect("a prefix of a good segment");
            assert_eq!(prefix, records[..prefix.len()], "a prefix differs");
            assert_eq!(prefix.last().map(|(seq, _)| *seq), Some(last));
        }
        Err(damaged) => {
            let count = segment::count(first, packed).unwrap_or(0);
            assert!(
                damaged.seq >= first && (count == 0 || damaged.seq < first + count),
                "damage named at seq {} of a segment from {first} holding {count}",
                damaged.seq
            );
        }
    }
});
