//! Sealed segments: a run of stored journal records packed into one value,
//! so a long journal is a few thousand IndexedDB values instead of a
//! hundred thousand. The browser shell stores them; this module only packs
//! and unpacks bytes, and is pure so the fuzz targets can reach it natively.
//!
//! A segment is the record count (u32, little-endian), then each record as
//! its length (u32, little-endian) and its stored bytes (`entry bytes ‖
//! hash`). Unpacking never trusts the stored count or lengths: a count is
//! refused unless the bytes present could hold that many records, so a
//! damaged header can neither allocate past the value nor run past it.

/// The records one segment holds when sealed. A segment put back after an
/// archive holds fewer; none holds more.
pub const SEGMENT_RECORDS: u64 = 500;

/// Bytes of the count, and of each record's length.
const LENGTH_BYTES: usize = 4;

/// Why a stored segment cannot be read: the seq of the first record that
/// cannot be had (the segment's first when its count is bad) and what is
/// wrong, for `STORAGE_CORRUPT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged {
    pub seq: u64,
    pub detail: String,
}

/// Packs `records` (in seq order, consecutive) into one segment value.
pub fn pack(records: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let total: usize = records
        .iter()
        .map(|(_, bytes)| bytes.len() + LENGTH_BYTES)
        .sum();
    let mut packed = Vec::with_capacity(total + LENGTH_BYTES);
    packed.extend_from_slice(&(records.len() as u32).to_le_bytes());
    for (_, bytes) in records {
        packed.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        packed.extend_from_slice(bytes);
    }
    packed
}

/// The number of records the segment starting at `first` holds: its stored
/// count, refused when it exceeds [`SEGMENT_RECORDS`] or what the bytes
/// after it could hold (every record takes at least its length field).
pub fn count(first: u64, packed: &[u8]) -> Result<u64, Damaged> {
    let damaged = |detail: String| Damaged { seq: first, detail };
    let stored: [u8; LENGTH_BYTES] = packed
        .get(..LENGTH_BYTES)
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| damaged(format!("the segment at seq {first} is too short")))?;
    let count = u64::from(u32::from_le_bytes(stored));
    let room = ((packed.len() - LENGTH_BYTES) / LENGTH_BYTES) as u64;
    if count > SEGMENT_RECORDS || count > room {
        return Err(damaged(format!(
            "the segment at seq {first} claims {count} records in {} bytes",
            packed.len()
        )));
    }
    if count == 0 {
        return Err(damaged(format!("the segment at seq {first} is empty")));
    }
    if first.checked_add(count).is_none() {
        return Err(damaged(format!(
            "the segment at seq {first} runs past the last seq"
        )));
    }
    Ok(count)
}

/// The records of the segment that starts at `first`, as `(seq, stored
/// bytes)`. A record cut short is named by its own seq; bytes left over
/// after the last record are named at the segment's last seq.
pub fn unpack(first: u64, packed: &[u8]) -> Result<Vec<(u64, Vec<u8>)>, Damaged> {
    unpack_through(first, packed, u64::MAX)
}

/// [`unpack`], stopping after the record at `last`: damage further on is
/// not reached, so the records before a record cut short can still be read.
pub fn unpack_through(
    first: u64,
    packed: &[u8],
    last: u64,
) -> Result<Vec<(u64, Vec<u8>)>, Damaged> {
    let count = count(first, packed)?;
    let mut rest = &packed[LENGTH_BYTES..];
    let mut records = Vec::with_capacity(count as usize);
    for seq in first..first + count {
        if seq > last {
            return Ok(records);
        }
        let length = rest
            .get(..LENGTH_BYTES)
            .and_then(|bytes| <[u8; LENGTH_BYTES]>::try_from(bytes).ok())
            .map(|bytes| u32::from_le_bytes(bytes) as usize)
            .filter(|length| rest.len() - LENGTH_BYTES >= *length)
            .ok_or_else(|| Damaged {
                seq,
                detail: format!("the segment at seq {first} is cut short at seq {seq}"),
            })?;
        let (record, after) = rest[LENGTH_BYTES..].split_at(length);
        records.push((seq, record.to_vec()));
        rest = after;
    }
    if !rest.is_empty() {
        return Err(Damaged {
            seq: first + count - 1,
            detail: format!("the segment at seq {first} has extra bytes"),
        });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(first: u64, count: u64) -> Vec<(u64, Vec<u8>)> {
        (first..first + count)
            .map(|seq| (seq, vec![seq as u8; (seq % 7) as usize]))
            .collect()
    }

    #[test]
    fn a_packed_run_unpacks_to_itself() {
        let run = records(501, 500);
        assert_eq!(unpack(501, &pack(&run)), Ok(run));
    }

    #[test]
    fn a_count_past_the_bytes_is_damage_at_the_first_seq() {
        let mut packed = pack(&records(1, 3));
        packed[..4].copy_from_slice(&[0xFF; 4]);
        let damaged = unpack(1, &packed).unwrap_err();
        assert_eq!(damaged.seq, 1);
        assert!(damaged.detail.contains("4294967295"), "{}", damaged.detail);
        assert_eq!(count(1, &packed).unwrap_err().seq, 1);
    }

    #[test]
    fn a_count_above_a_segment_is_damage_even_with_room() {
        let mut packed = pack(&records(1, 3));
        packed[..4].copy_from_slice(&501u32.to_le_bytes());
        packed.extend(std::iter::repeat(0).take(4 * 600));
        assert_eq!(count(1, &packed).unwrap_err().seq, 1);
    }

    #[test]
    fn a_record_cut_short_is_named_by_its_seq() {
        let mut packed = pack(&records(11, 3));
        packed.truncate(packed.len() - 1);
        assert_eq!(unpack(11, &packed).unwrap_err().seq, 13);
        let before: Vec<u64> = unpack_through(11, &packed, 12)
            .unwrap()
            .iter()
            .map(|(seq, _)| *seq)
            .collect();
        assert_eq!(before, [11, 12]);
    }

    #[test]
    fn extra_bytes_and_short_values_are_damage() {
        let mut packed = pack(&records(1, 2));
        packed.push(0);
        assert_eq!(unpack(1, &packed).unwrap_err().seq, 2);
        assert_eq!(unpack(7, &[1, 0]).unwrap_err().seq, 7);
        assert_eq!(unpack(7, &[0, 0, 0, 0]).unwrap_err().seq, 7);
        assert!(unpack(u64::MAX, &pack(&records(1, 2))).is_err());
    }
}
