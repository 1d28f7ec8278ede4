//! The upload protocol's shared body: what a kiosk sends to the county
//! platform and what the platform reads back, in one place so both sides
//! agree byte for byte.
//!
//! A request body is NDJSON: one header line ([`BatchHeader`]) and then the
//! journal's lines exactly as `journal.ndjson` of an export holds them
//! ([`crate::journal::ndjson_line`]). The header names the county's id for
//! the kiosk, the first and last seq, the hash before the first entry (32
//! zero bytes before genesis) and the last entry's hash.
//!
//! This module never touches a network or a clock: it encodes and decodes.

use crate::entry::{chain_hash, Body, DecodeError, Entry, Hash, JsonWriter, FORMAT_VERSION};
use crate::journal::{parse_ndjson_line, push_ndjson_line, StoredRecord};
use serde::{Deserialize, Serialize};

/// At most this many entries in one request.
pub const BATCH_ENTRIES_MAX: usize = 1_000;
/// At most this many bytes in one request body, after decompression.
pub const BATCH_BYTES_MAX: usize = 4 * 1024 * 1024;

/// The first line of an upload body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchHeader {
    /// The county's id for this kiosk (not the kiosk's own id).
    pub county_id: String,
    pub first_seq: u64,
    pub last_seq: u64,
    /// Hex of the hash before `first_seq` (64 zeros before genesis).
    pub prev_hash: String,
    /// Hex of the hash of `last_seq`.
    pub last_hash: String,
    pub format_version: u32,
}

impl BatchHeader {
    /// The header's line, written by the journal codec's hand (the bytes
    /// `serde_json` wrote; the platform still reads it with `serde`).
    pub fn to_json(&self) -> String {
        JsonWriter::object(|w| {
            w.str("countyId", &self.county_id);
            w.uint("firstSeq", self.first_seq);
            w.uint("lastSeq", self.last_seq);
            w.str("prevHash", &self.prev_hash);
            w.str("lastHash", &self.last_hash);
            w.uint("formatVersion", u64::from(self.format_version));
        })
    }
}

/// The body for `records` (consecutive seqs, at least one) following
/// `prev_hash`. `None` when `records` is empty or not consecutive.
pub fn encode_batch(
    county_id: &str,
    prev_hash: &Hash,
    records: &[(u64, &StoredRecord)],
) -> Option<String> {
    let (first, last) = (records.first()?, records.last()?);
    let consecutive = records.windows(2).all(|pair| pair[1].0 == pair[0].0 + 1);
    if !consecutive {
        return None;
    }
    let header = BatchHeader {
        county_id: county_id.to_string(),
        first_seq: first.0,
        last_seq: last.0,
        prev_hash: hex::encode(prev_hash),
        last_hash: hex::encode(last.1.hash),
        format_version: FORMAT_VERSION,
    };
    let size: usize = records
        .iter()
        .map(|(_, record)| record.bytes.len() + 100)
        .sum();
    let mut body = String::with_capacity(size + 256);
    body.push_str(&header.to_json());
    body.push('\n');
    for (_, record) in records {
        push_ndjson_line(&mut body, record);
        body.push('\n');
    }
    Some(body)
}

/// Whether `id` can be a county's id for a kiosk: 1 to 40 characters of
/// `A-Z a-z 0-9 - _` (e.g. `420102001001-01`: the village's 12-digit
/// administrative code, a dash, a number).
pub fn valid_county_id(id: &str) -> bool {
    (1..=COUNTY_ID_LENGTH_MAX).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The longest county id.
pub const COUNTY_ID_LENGTH_MAX: usize = 40;

/// What is wrong with a body, for the answer's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchProblem {
    /// Not the protocol's body, or a chain that does not hold
    /// (`PLATFORM_REFUSED`).
    Refused,
    /// Over [`BATCH_ENTRIES_MAX`] entries or [`BATCH_BYTES_MAX`] bytes
    /// (`PLATFORM_TOO_LARGE`).
    TooLarge,
    /// A format version or an entry kind this build does not know
    /// (`PLATFORM_TOO_OLD`): the reader needs updating, the kiosk is not at
    /// fault.
    TooOld,
}

/// Why a body was not read: the 1-based line (the header is line 1), the
/// entry's seq when the line is an entry, and a sentence in English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchError {
    pub problem: BatchProblem,
    pub line: usize,
    pub seq: Option<u64>,
    pub reason: String,
}

impl BatchError {
    fn at(
        problem: BatchProblem,
        line: usize,
        seq: Option<u64>,
        reason: impl Into<String>,
    ) -> BatchError {
        BatchError {
            problem,
            line,
            seq,
            reason: reason.into(),
        }
    }
}

/// Reads a body: the header, then the records it announces. Checks
/// everything a body can prove by itself: the limits, the lines' form,
/// that the seqs run from `firstSeq` to `lastSeq` without a gap, that every
/// record decodes as an entry of its seq, and that the hashes chain from
/// `prevHash` to `lastHash`. Whether the entries could have happened is the
/// fold's question ([`crate::journal::Replay`]), asked by the reader.
pub fn parse_batch(body: &[u8]) -> Result<(BatchHeader, Vec<StoredRecord>), BatchError> {
    use BatchProblem::{Refused, TooLarge};
    if body.len() > BATCH_BYTES_MAX {
        let reason = format!("the body is over {BATCH_BYTES_MAX} bytes");
        return Err(BatchError::at(TooLarge, 0, None, reason));
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| BatchError::at(Refused, 0, None, "the body is not UTF-8"))?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    let mut lines = text.split('\n');
    let header = parse_header(lines.next().unwrap_or_default())?;
    let mut records = Vec::new();
    for (index, line) in lines.enumerate() {
        let line_number = index + 2;
        if records.len() == BATCH_ENTRIES_MAX {
            let reason = format!("more than {BATCH_ENTRIES_MAX} entries");
            return Err(BatchError::at(TooLarge, line_number, None, reason));
        }
        let record = parse_ndjson_line(line)
            .ok_or_else(|| BatchError::at(Refused, line_number, None, "not a journal line"))?;
        records.push(record);
    }
    check_records(&header, &records)?;
    Ok((header, records))
}

fn parse_header(line: &str) -> Result<BatchHeader, BatchError> {
    use BatchProblem::{Refused, TooOld};
    let header = match serde_json::from_str::<BatchHeader>(line) {
        Ok(header) => header,
        Err(error) => {
            // A newer header may carry fields this build does not know: say
            // so when its version is newer, rather than calling it bad.
            let version = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|value| value.get("formatVersion")?.as_u64());
            return Err(match version {
                Some(version) if version > u64::from(FORMAT_VERSION) => {
                    BatchError::at(TooOld, 1, None, format!("format version {version}"))
                }
                _ => BatchError::at(Refused, 1, None, format!("bad header: {error}")),
            });
        }
    };
    if header.format_version > FORMAT_VERSION {
        let reason = format!("format version {}", header.format_version);
        return Err(BatchError::at(TooOld, 1, None, reason));
    }
    let problem = if header.format_version != FORMAT_VERSION {
        Some(format!("format version {}", header.format_version))
    } else if !valid_county_id(&header.county_id) {
        Some("the county id is not 1 to 40 characters of A-Z a-z 0-9 - _".to_string())
    } else if header.first_seq == 0 || header.last_seq < header.first_seq {
        Some("firstSeq and lastSeq are not a range from 1 on".to_string())
    } else if parse_hash(&header.prev_hash).is_none() || parse_hash(&header.last_hash).is_none() {
        Some("prevHash and lastHash must be 64 lower-case hex digits".to_string())
    } else if header.first_seq == 1 && parse_hash(&header.prev_hash) != Some([0; 32]) {
        Some("the hash before seq 1 is 64 zeros".to_string())
    } else {
        None
    };
    match problem {
        Some(reason) => Err(BatchError::at(Refused, 1, None, reason)),
        None => Ok(header),
    }
}

/// Lower-case hex of 32 bytes, and nothing else.
pub fn parse_hash(hex: &str) -> Option<Hash> {
    let lower = hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if hex.len() != 64 || !lower {
        return None;
    }
    hex::decode(hex).ok()?.try_into().ok()
}

fn check_records(header: &BatchHeader, records: &[StoredRecord]) -> Result<(), BatchError> {
    use BatchProblem::{Refused, TooOld};
    let announced = header.last_seq - header.first_seq + 1;
    if announced != records.len() as u64 {
        let reason = format!(
            "the header announces {announced} entries, the body holds {}",
            records.len()
        );
        return Err(BatchError::at(Refused, 1, None, reason));
    }
    let mut previous = parse_hash(&header.prev_hash).unwrap_or_default();
    for (index, (record, seq)) in records.iter().zip(header.first_seq..).enumerate() {
        let line = index + 2;
        let refuse = |reason: String| BatchError::at(Refused, line, Some(seq), reason);
        let entry = match Entry::decode(&record.bytes) {
            Ok(entry) => entry,
            Err(DecodeError::UnknownFormat(version)) => {
                let reason = format!("entry format version {version}");
                return Err(BatchError::at(TooOld, line, Some(seq), reason));
            }
            Err(error) => match unknown_kind(&record.bytes) {
                Some(kind) => {
                    let reason = format!("unknown entry kind {kind}");
                    return Err(BatchError::at(TooOld, line, Some(seq), reason));
                }
                None => return Err(refuse(error.to_string())),
            },
        };
        if entry.seq != seq {
            return Err(refuse(format!(
                "line {line} holds entry {}, not {seq}",
                entry.seq
            )));
        }
        if chain_hash(&previous, &record.bytes) != record.hash {
            return Err(refuse("hash chain broken".to_string()));
        }
        previous = record.hash;
    }
    if hex::encode(previous) != header.last_hash {
        let reason = "the last entry's hash is not the header's lastHash".to_string();
        return Err(BatchError::at(Refused, 1, Some(header.last_seq), reason));
    }
    Ok(())
}

/// The kind of an entry whose kind this build does not know, if that is why
/// it did not decode: a well-formed entry of a later build, not a bad one.
fn unknown_kind(bytes: &[u8]) -> Option<String> {
    let value = serde_json::from_slice::<serde_json::Value>(bytes).ok()?;
    let kind = value.get("body")?.get("kind")?.as_str()?;
    let probe = serde_json::json!({ "kind": kind });
    match serde_json::from_value::<Body>(probe) {
        // Serde names an unknown tag "unknown variant"; a known kind fails
        // on its missing fields instead, or decodes (a kind with no fields).
        Err(error) if error.to_string().starts_with("unknown variant") => Some(kind.to_string()),
        _ => None,
    }
}

/// The JSON answers of the platform, shared so the kiosk decodes exactly
/// what the platform encodes. Every answer carries `serverTimeMs`.
///
/// The platform writes and reads them with `serde`; the kiosk with the
/// journal codec's hand (`to_json`, `from_json`), so `serde_json` is not in
/// the villager's wasm. The kiosk reads them as the derived decoding did:
/// fields in any order, a field the platform adds later passed over, a
/// missing one refused unless it is optional.
pub mod answer {
    use crate::entry::{json_record, JsonReader, JsonWriter};
    use serde::{Deserialize, Serialize};

    /// `POST /v1/kiosks/{id}/enroll`'s body. Fields a later kiosk adds are
    /// ignored, so an older platform still enrolls it.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct EnrollRequest {
        /// The one-time code `aixin-platform kiosk add` printed.
        pub code: String,
        pub genesis_hash: String,
        /// The kiosk's own id (`village-01` …), for the county's lists.
        pub kiosk_id: String,
        pub village: String,
    }

    /// 200 to an enrollment: the token and the platform's head.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Enrolled {
        pub county_id: String,
        /// 64 hex digits; the platform keeps only its SHA-256.
        pub token: String,
        pub head_seq: u64,
        pub head_hash: String,
        pub server_time_ms: i64,
    }

    /// 200 to `GET /v1/kiosks/{id}/head`.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Head {
        pub seq: u64,
        pub hash: String,
        pub server_time_ms: i64,
        /// `ok`, `fork` or `refused`.
        pub status: String,
    }

    /// 200 to an upload: the platform holds the kiosk's journal up to
    /// `acked_seq`, whose hash is `acked_hash`.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Ack {
        pub acked_seq: u64,
        pub acked_hash: String,
        /// Entries stored by this request.
        pub appended: u64,
        /// Entries the platform already held with the same hashes.
        pub duplicate: u64,
        pub server_time_ms: i64,
    }

    /// Every error answer: a stable `code`, the message in Chinese and in
    /// English, and the fields of its code.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Failure {
        pub code: String,
        pub message: String,
        pub message_en: String,
        pub server_time_ms: i64,
        /// `PLATFORM_GAP`: the platform's head.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub head_seq: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub head_hash: Option<String>,
        /// `PLATFORM_FORK`, `PLATFORM_REFUSED`, `PLATFORM_TOO_OLD`: the
        /// entry at fault.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub seq: Option<u64>,
        /// `PLATFORM_REFUSED`, `PLATFORM_TOO_OLD`: the body's line (1 is
        /// the header) when no entry is named.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub line: Option<usize>,
        /// `PLATFORM_FORK`: the hash each side holds at `seq`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub platform_hash: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kiosk_hash: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
    }

    /// An answer the kiosk reads.
    pub trait FromJson: Sized {
        /// The answer in `text`, or what is wrong with it.
        fn from_json(text: &str) -> Result<Self, String>;
    }

    impl EnrollRequest {
        /// The request's body.
        pub fn to_json(&self) -> String {
            JsonWriter::object(|w| {
                w.str("code", &self.code);
                w.str("genesisHash", &self.genesis_hash);
                w.str("kioskId", &self.kiosk_id);
                w.str("village", &self.village);
            })
        }
    }

    impl FromJson for Enrolled {
        fn from_json(text: &str) -> Result<Enrolled, String> {
            JsonReader::read(text, |r| {
                Ok(json_record!(r, Enrolled {
                    county_id: "countyId" => JsonReader::string,
                    token: "token" => JsonReader::string,
                    head_seq: "headSeq" => JsonReader::u64,
                    head_hash: "headHash" => JsonReader::string,
                    server_time_ms: "serverTimeMs" => JsonReader::i64,
                }))
            })
        }
    }

    impl FromJson for Head {
        fn from_json(text: &str) -> Result<Head, String> {
            JsonReader::read(text, |r| {
                Ok(json_record!(r, Head {
                    seq: "seq" => JsonReader::u64,
                    hash: "hash" => JsonReader::string,
                    server_time_ms: "serverTimeMs" => JsonReader::i64,
                    status: "status" => JsonReader::string,
                }))
            })
        }
    }

    impl FromJson for Ack {
        fn from_json(text: &str) -> Result<Ack, String> {
            JsonReader::read(text, |r| {
                Ok(json_record!(r, Ack {
                    acked_seq: "ackedSeq" => JsonReader::u64,
                    acked_hash: "ackedHash" => JsonReader::string,
                    appended: "appended" => JsonReader::u64,
                    duplicate: "duplicate" => JsonReader::u64,
                    server_time_ms: "serverTimeMs" => JsonReader::i64,
                }))
            })
        }
    }

    impl FromJson for Failure {
        fn from_json(text: &str) -> Result<Failure, String> {
            JsonReader::read(text, |r| {
                Ok(json_record!(r, Failure {
                    code: "code" => JsonReader::string,
                    message: "message" => JsonReader::string,
                    message_en: "messageEn" => JsonReader::string,
                    server_time_ms: "serverTimeMs" => JsonReader::i64,
                } optional {
                    head_seq: "headSeq" => JsonReader::u64,
                    head_hash: "headHash" => JsonReader::string,
                    seq: "seq" => JsonReader::u64,
                    line: "line" => JsonReader::usize,
                    platform_hash: "platformHash" => JsonReader::string,
                    kiosk_hash: "kioskHash" => JsonReader::string,
                    reason: "reason" => JsonReader::string,
                }))
            })
        }
    }

    /// The `serverTimeMs` of any answer, when its body is an object that
    /// has one.
    pub fn server_time_ms(text: &str) -> Option<i64> {
        struct Timed {
            server_time_ms: i64,
        }
        let timed = JsonReader::read(text, |r| {
            Ok(json_record!(r, Timed {
                server_time_ms: "serverTimeMs" => JsonReader::i64,
            }))
        });
        timed.ok().map(|timed| timed.server_time_ms)
    }

    /// 200 to `POST /v1/kiosks/{id}/restore` (written by the platform's
    /// `restore.rs`) has the fields of an enrollment's answer: the new
    /// token and the head to download up to.
    pub type Restored = Enrolled;

    /// One credit as `GET /v1/kiosks/{id}/credits` offers it (written by
    /// the platform's `credits.rs`), as the kiosk reads it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct OfferedCredit {
        pub household: String,
        pub period: String,
        pub source: String,
        /// Points with two decimals, `"12.50"`.
        pub amount: String,
        pub reason: Option<String>,
    }

    /// 200 to `GET /v1/kiosks/{id}/credits`: the credits offered.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Offered {
        pub credits: Vec<OfferedCredit>,
    }

    impl FromJson for Offered {
        fn from_json(text: &str) -> Result<Offered, String> {
            let credit = |r: &mut JsonReader| {
                Ok(json_record!(r, OfferedCredit {
                    household: "household" => JsonReader::string,
                    period: "period" => JsonReader::string,
                    source: "source" => JsonReader::string,
                    amount: "amount" => JsonReader::string,
                } optional {
                    reason: "reason" => JsonReader::string,
                }))
            };
            JsonReader::read(text, |r| {
                Ok(json_record!(r, Offered {
                    credits: "credits" => |r: &mut JsonReader| r.array(credit),
                }))
            })
        }
    }

    /// The codes of [`Failure`].
    pub const ENROLL_CODE_INVALID: &str = "ENROLL_CODE_INVALID";
    pub const GENESIS_MISMATCH: &str = "GENESIS_MISMATCH";
    pub const PLATFORM_GAP: &str = "PLATFORM_GAP";
    pub const PLATFORM_FORK: &str = "PLATFORM_FORK";
    pub const PLATFORM_REFUSED: &str = "PLATFORM_REFUSED";
    pub const PLATFORM_TOO_OLD: &str = "PLATFORM_TOO_OLD";
    pub const PLATFORM_UNAUTHORIZED: &str = "PLATFORM_UNAUTHORIZED";
    pub const PLATFORM_TOO_LARGE: &str = "PLATFORM_TOO_LARGE";
    pub const PLATFORM_BUSY: &str = "PLATFORM_BUSY";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Actor, EntryId, GENESIS_PREVIOUS_HASH};
    use crate::ids::{KioskId, Text};

    /// A chain of `count` entries: a genesis, then recovery-code entries
    /// (the smallest kind; the body is read, not folded, here).
    fn chain(count: u64) -> Vec<(u64, StoredRecord)> {
        let mut previous = GENESIS_PREVIOUS_HASH;
        (1..=count)
            .map(|seq| {
                let body = if seq == 1 {
                    Body::Genesis {
                        kiosk_id: KioskId::new("village-01").unwrap(),
                        village: Text::new("张家村", 40).unwrap(),
                        shop: Text::new("爱心超市", 40).unwrap(),
                        time_zone: Text::new("Asia/Shanghai", 40).unwrap(),
                        utc_offset_minutes: 480,
                    }
                } else {
                    Body::RecoveryCodeSet
                };
                let entry = Entry {
                    format_version: FORMAT_VERSION,
                    seq,
                    time_ms: 1_790_000_000_000 + seq as i64,
                    id: EntryId::new(&format!("e-{seq}")).unwrap(),
                    actor: Actor::System,
                    body,
                    co_signed_by: None,
                };
                let bytes = entry.encode();
                let hash = chain_hash(&previous, &bytes);
                previous = hash;
                (seq, StoredRecord { bytes, hash })
            })
            .collect()
    }

    fn body_of(records: &[(u64, StoredRecord)], prev_hash: &Hash) -> String {
        let borrowed: Vec<(u64, &StoredRecord)> = records.iter().map(|(s, r)| (*s, r)).collect();
        encode_batch("420102001001-01", prev_hash, &borrowed).unwrap()
    }

    fn check_error(body: &str, problem: BatchProblem, line: usize, seq: Option<u64>, reason: &str) {
        let error = parse_batch(body.as_bytes()).unwrap_err();
        assert_eq!(
            (error.problem, error.line, error.seq),
            (problem, line, seq),
            "{error:?}"
        );
        assert!(error.reason.contains(reason), "{error:?}");
    }

    #[test]
    fn a_body_reads_back_as_written() {
        let records = chain(5);
        let (header, read) = parse_batch(body_of(&records, &[0; 32]).as_bytes()).unwrap();
        assert_eq!((header.first_seq, header.last_seq), (1, 5));
        assert_eq!(header.last_hash, hex::encode(records[4].1.hash));
        let written: Vec<StoredRecord> = records.into_iter().map(|(_, record)| record).collect();
        assert_eq!(read, written);
        // A tail: seq 3 to 5 after the hash of 2.
        let records = chain(5);
        let body = body_of(&records[2..], &records[1].1.hash);
        assert_eq!(parse_batch(body.as_bytes()).unwrap().0.first_seq, 3);
    }

    #[test]
    fn a_body_that_does_not_hold_is_refused_at_its_line() {
        use BatchProblem::*;
        let records = chain(4);
        let good = body_of(&records, &[0; 32]);
        let lines: Vec<&str> = good.lines().collect();
        // A changed byte in an entry breaks its hash.
        let broken = good.replacen("e-3", "e-9", 1);
        check_error(&broken, Refused, 4, Some(3), "hash chain broken");
        // A line dropped: the header announces more than the body holds.
        let short = [lines[0], lines[1], lines[2], lines[4]].join("\n");
        check_error(&short, Refused, 1, None, "announces 4 entries");
        // Two lines swapped.
        let swapped = [lines[0], lines[1], lines[3], lines[2], lines[4]].join("\n");
        check_error(&swapped, Refused, 3, Some(2), "holds entry 3");
        check_error("{\"countyId\":", Refused, 1, None, "bad header");
        check_error(
            &good.replacen("{\"hash\"", "{\"hash\" ", 1),
            Refused,
            2,
            None,
            "not a journal line",
        );
        let other_county = good.replacen("420102001001-01", "bad id!", 1);
        check_error(&other_county, Refused, 1, None, "county id");
        let not_zero = good.replacen(&"0".repeat(64), &"1".repeat(64), 1);
        check_error(&not_zero, Refused, 1, None, "64 zeros");
        let last = good.replacen(&hex::encode(records[3].1.hash), &"a".repeat(64), 1);
        check_error(&last, Refused, 1, Some(4), "lastHash");
    }

    #[test]
    fn limits_are_too_large_and_later_formats_too_old() {
        use BatchProblem::*;
        let records = chain(BATCH_ENTRIES_MAX as u64 + 1);
        let body = body_of(&records, &[0; 32]);
        check_error(
            &body,
            TooLarge,
            BATCH_ENTRIES_MAX + 2,
            None,
            "more than 1000",
        );
        let huge = vec![b' '; BATCH_BYTES_MAX + 1];
        let error = parse_batch(&huge).unwrap_err();
        assert_eq!(error.problem, TooLarge);

        let good = body_of(&chain(2), &[0; 32]);
        let newer = good.replacen("\"formatVersion\":1", "\"formatVersion\":2,\"more\":1", 1);
        check_error(&newer, TooOld, 1, None, "format version 2");
        // An entry of a kind a later build writes, chained correctly.
        let mut records = chain(1);
        let bytes = br#"{"format_version":1,"seq":2,"time_ms":1,"id":"x","actor":{"type":"system"},"body":{"kind":"solar_panel_fitted","watts":300}}"#.to_vec();
        let hash = chain_hash(&records[0].1.hash, &bytes);
        records.push((2, StoredRecord { bytes, hash }));
        let body = body_of(&records, &[0; 32]);
        check_error(
            &body,
            TooOld,
            3,
            Some(2),
            "unknown entry kind solar_panel_fitted",
        );
        // A known kind with a bad field is a refusal, not a newer build.
        let bad = body.replace("solar_panel_fitted\",\"watts\":300", "redeemed\"");
        assert_eq!(parse_batch(bad.as_bytes()).unwrap_err().problem, Refused);
    }

    #[test]
    fn county_ids() {
        assert!(valid_county_id("420102001001-01"));
        assert!(valid_county_id("a_b"));
        for bad in ["", "420102 001", "村-01", &"1".repeat(41)] {
            assert!(!valid_county_id(bad), "{bad}");
        }
    }

    /// The header line is the bytes `serde_json` wrote, which the platform
    /// reads with `serde`.
    #[test]
    fn the_header_is_the_bytes_serde_json_wrote() {
        let header = BatchHeader {
            county_id: "县\"01\"\\\n".into(),
            first_seq: 1,
            last_seq: u64::MAX,
            prev_hash: "0".repeat(64),
            last_hash: "ab".repeat(32),
            format_version: FORMAT_VERSION,
        };
        assert_eq!(header.to_json(), serde_json::to_string(&header).unwrap());
        let request = answer::EnrollRequest {
            code: "K7-\u{7f}\u{1f}".into(),
            genesis_hash: "cd".repeat(32),
            kiosk_id: "village-01".into(),
            village: "张家村".into(),
        };
        assert_eq!(request.to_json(), serde_json::to_string(&request).unwrap());
    }

    /// What the platform writes with `serde` the kiosk reads by hand into
    /// the same values, with fields in any order and fields a later
    /// platform adds passed over.
    #[test]
    fn answers_read_what_the_platform_writes() {
        use answer::*;
        fn check<T: FromJson + serde::Serialize + PartialEq + std::fmt::Debug>(value: T) {
            let text = serde_json::to_string(&value).unwrap();
            assert_eq!(T::from_json(&text).as_ref(), Ok(&value), "{text}");
            let later = format!(
                r#"{{ "later": [1.5, -2e-3, {{"a": [true, false, null]}}], {} }}"#,
                &text[1..text.len() - 1].replace(",", " , ")
            );
            assert_eq!(T::from_json(&later), Ok(value), "{later}");
        }
        check(Enrolled {
            county_id: "c-1".into(),
            token: "ab".repeat(32),
            head_seq: 0,
            head_hash: "0".repeat(64),
            server_time_ms: 1_790_000_000_000,
        });
        check(Head {
            seq: 9,
            hash: "ef".repeat(32),
            server_time_ms: -1,
            status: "ok".into(),
        });
        check(Ack {
            acked_seq: 1000,
            acked_hash: "12".repeat(32),
            appended: 999,
            duplicate: 1,
            server_time_ms: 5,
        });
        let failure = Failure {
            code: PLATFORM_FORK.into(),
            message: "分叉了".into(),
            message_en: "forked".into(),
            server_time_ms: 1,
            ..Failure::default()
        };
        check(failure.clone());
        check(Failure {
            head_seq: Some(3),
            head_hash: Some("a".into()),
            seq: Some(4),
            line: Some(2),
            platform_hash: Some("b".into()),
            kiosk_hash: Some("c".into()),
            reason: Some("第 2 行\n".into()),
            ..failure
        });
        // Written by the platform's own types (restore.rs, credits.rs).
        let restored =
            r#"{"countyId":"c-1","token":"t","headSeq":12,"headHash":"h","serverTimeMs":7}"#;
        assert_eq!(
            Restored::from_json(restored),
            Ok(Restored {
                county_id: "c-1".into(),
                token: "t".into(),
                head_seq: 12,
                head_hash: "h".into(),
                server_time_ms: 7,
            })
        );
        let offered = r#"{"credits":[{"key":"credit:A001:2026-11:评分","household":"A001","period":"2026-11","source":"评分","amount":"12.50","reason":null},{"key":"k","household":"B","period":"p","source":"s","amount":"1.00","reason":"补发"}],"serverTimeMs":7}"#;
        let credits = Offered::from_json(offered).unwrap().credits;
        assert_eq!(credits.len(), 2);
        assert_eq!(
            (credits[0].amount.as_str(), credits[0].reason.as_deref()),
            ("12.50", None)
        );
        assert_eq!(credits[1].reason.as_deref(), Some("补发"));
        assert_eq!(server_time_ms(offered), Some(7));
        assert_eq!(server_time_ms(r#"{"serverTimeMs":7.5}"#), None);
        assert_eq!(server_time_ms("<html>"), None);
    }

    /// An answer that is not the one asked for is refused with a reason,
    /// never read in part.
    #[test]
    fn a_bad_answer_is_refused() {
        use answer::*;
        let good = r#"{"ackedSeq":5,"ackedHash":"h","appended":1,"duplicate":0,"serverTimeMs":1}"#;
        assert!(Ack::from_json(good).is_ok());
        let refused = |from: &str, to: &str, why: &str| {
            let bad = good.replace(from, to);
            let error = Ack::from_json(&bad).unwrap_err();
            assert!(error.contains(why), "{bad}: {error}");
        };
        let seq = r#""ackedSeq":5"#;
        refused(r#""appended":1,"#, "", "missing field `appended`");
        refused(
            r#""duplicate":0"#,
            r#""duplicate":0,"ackedSeq":6"#,
            "duplicate field",
        );
        refused(seq, r#""ackedSeq":5.0"#, "floating point");
        refused(seq, r#""ackedSeq":1e2"#, "floating point");
        refused(seq, r#""ackedSeq":-5"#, "non-negative");
        refused(seq, r#""ackedSeq":99999999999999999999"#, "floating point");
        refused(r#""h""#, "null", "expected `\"`");
        refused("}", r#","x":01}"#, "expected a value");
        refused("}", r#","x":1.}"#, "expected a value");
        refused(good, &format!("{good}{good}"), "trailing characters");
        refused(good, "[]", "expected `{`");
        refused(good, "", "unexpected end");
        let failure = r#"{"code":"X","message":"m","messageEn":"m","serverTimeMs":1,"reason":5}"#;
        assert!(Failure::from_json(failure).is_err());
        let offered = r#"{"credits":[{"household":"A","period":"p","source":"s"}]}"#;
        let error = Offered::from_json(offered).unwrap_err();
        assert!(error.contains("missing field `amount`"), "{error}");
    }
}
