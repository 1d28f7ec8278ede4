//! The kiosk's side of the upload to the county platform, as pure rules:
//! which platform address a page may reach, how much of the journal goes
//! in one request, and how long to wait after a failure. The requests
//! themselves, the token and the acknowledgement live in the shell
//! (`web/upload.rs`); the body is [`crate::sync`]'s.
//!
//! Nothing here reads a clock or touches a network: times are passed in.
//! The record the shell keeps about its platform ([`PlatformRecord`]) is
//! here too, with its stored bytes.

use crate::entry::{json_record, JsonReader, JsonWriter};
use crate::error::Error;
use crate::sync::{BATCH_BYTES_MAX, BATCH_ENTRIES_MAX};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest platform origin, in characters.
pub const ORIGIN_LENGTH_MAX: usize = 200;

/// The first wait after a failed upload, and the longest.
pub const BACKOFF_FIRST_MS: i64 = 30_000;
pub const BACKOFF_MAX_MS: i64 = 30 * 60_000;

/// Room kept in a body for the header line and each line's framing
/// (`{"hash":"<64 hex>","entry":…}` and the newline).
const HEADER_BYTES_MAX: usize = 512;
const LINE_FRAMING_BYTES: usize = 96;

/// A platform's origin: `http` or `https`, a host name or IPv4 address, an
/// optional port, and nothing else (no path, query, user or fragment), in
/// lower case. What the page's CSP `connect-src` names and what the kiosk
/// sends its requests to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PlatformOrigin(String);

impl PlatformOrigin {
    /// Reads an origin as a person types it: trimmed, one trailing `/`
    /// allowed, the scheme and host in any case.
    pub fn parse(text: &str) -> Result<PlatformOrigin, Error> {
        let refuse = || {
            Error::invalid_with(
                "url",
                "平台地址要像 https://平台.example 或 http://127.0.0.1:8080 这样,不带路径",
                "the platform address is an origin like https://platform.example or http://127.0.0.1:8080, with no path",
            )
        };
        let text = text.trim();
        let text = text.strip_suffix('/').unwrap_or(text).to_ascii_lowercase();
        if text.is_empty() || text.len() > ORIGIN_LENGTH_MAX {
            return Err(refuse());
        }
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(refuse)?;
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        };
        let host_valid = !host.is_empty()
            && !host.starts_with(['.', '-'])
            && !host.ends_with(['.', '-'])
            && !host.contains("..")
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        let port_valid = port.is_none_or(|port| {
            !port.is_empty()
                && !port.starts_with('0')
                && port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u32>().is_ok_and(|n| n <= 65_535)
        });
        if !(host_valid && port_valid) {
            return Err(refuse());
        }
        Ok(PlatformOrigin(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a plain-HTTP origin on the kiosk PC itself.
    pub fn is_loopback_http(&self) -> bool {
        let Some(rest) = self.0.strip_prefix("http://") else {
            return false;
        };
        let host = rest.rsplit_once(':').map_or(rest, |(host, _)| host);
        host == "127.0.0.1" || host == "localhost"
    }

    /// Checks that a page built for `configured` (the origin the dist
    /// folder's CSP allows; none on the plain development page) may reach
    /// this origin: exactly the configured one, or, with none configured,
    /// only `http://127.0.0.1:*` and `http://localhost:*`.
    pub fn check_allowed(&self, configured: Option<&PlatformOrigin>) -> Result<(), Error> {
        let allowed = match configured {
            Some(configured) => configured == self,
            None => self.is_loopback_http(),
        };
        if allowed {
            return Ok(());
        }
        Err(Error::PlatformOriginNotAllowed {
            origin: self.0.clone(),
            allowed: configured.map(|origin| origin.0.clone()),
        })
    }
}

impl TryFrom<String> for PlatformOrigin {
    type Error = String;
    fn try_from(text: String) -> Result<PlatformOrigin, String> {
        match PlatformOrigin::parse(&text) {
            Ok(origin) if origin.0 == text => Ok(origin),
            _ => Err("invalid platform origin".to_string()),
        }
    }
}

impl From<PlatformOrigin> for String {
    fn from(origin: PlatformOrigin) -> String {
        origin.0
    }
}

impl fmt::Display for PlatformOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How many of the records (given by their stored sizes, in seq order) go
/// in the next request: at most [`BATCH_ENTRIES_MAX`], and within
/// [`BATCH_BYTES_MAX`] with the header. Always at least one when there is
/// one (a single entry is far below the limit: entries are at most 64 KiB).
pub fn batch_len(record_sizes: impl IntoIterator<Item = usize>) -> usize {
    let mut bytes = HEADER_BYTES_MAX;
    let mut count = 0;
    for size in record_sizes.into_iter().take(BATCH_ENTRIES_MAX) {
        bytes += size + LINE_FRAMING_BYTES;
        if bytes > BATCH_BYTES_MAX && count > 0 {
            break;
        }
        count += 1;
    }
    count
}

/// The wait before the next attempt after `failures` failures in a row
/// (1 for the first): 30 s, doubling, at most 30 minutes; never shorter
/// than what the platform asked for (`Retry-After`).
pub fn backoff_ms(failures: u32, retry_after_ms: Option<i64>) -> i64 {
    let doublings = failures.saturating_sub(1).min(16);
    let wait = BACKOFF_FIRST_MS
        .saturating_mul(1_i64 << doublings)
        .min(BACKOFF_MAX_MS);
    wait.max(retry_after_ms.unwrap_or(0).clamp(0, BACKOFF_MAX_MS))
}

/// Whether an upload failure stops uploading until the county acts: a fork
/// or a refusal. Everything else is retried.
pub fn stops_uploading(error: &Error) -> bool {
    matches!(
        error,
        Error::PlatformFork { .. } | Error::PlatformRefused { .. }
    )
}

/// What the kiosk keeps about its platform, in one `meta` record outside
/// the chain. Version 1.
///
/// Stored as the JSON `serde_json` wrote for it before (the derive stays
/// for the unit test that holds the bytes to it); written and read by the
/// journal codec's hand, so `serde_json` is not in the villager's wasm.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformRecord {
    pub version: u32,
    pub origin: String,
    pub county_id: String,
    /// 64 hex characters; only the upload and the restore from the
    /// platform read it.
    pub token: String,
    pub acked_seq: u64,
    pub acked_hash: String,
    pub last_success_ms: Option<i64>,
    pub last_attempt_ms: Option<i64>,
    pub last_error: Option<Problem>,
    /// A fork or a refusal: uploading stops until the county settles it and
    /// the kiosk is enrolled again.
    pub alert: Option<Problem>,
    pub clock_offset_ms: Option<i64>,
    /// Failed attempts in a row, and when the next may start.
    pub failures: u32,
    pub next_attempt_ms: Option<i64>,
    /// Credits the platform offered that the kiosk could not append (an
    /// unknown household): shown on the staff home until they go.
    pub unapplied_credits: Vec<UnappliedCredit>,
}

/// A coded error as kept and shown: the code, the figures the screens
/// name, the messages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub code: String,
    pub seq: Option<u64>,
    pub platform_hash: Option<String>,
    pub kiosk_hash: Option<String>,
    pub message: String,
    pub message_en: String,
}

/// A credit the platform offered that the kiosk did not append, kept in the
/// platform record for the staff home.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnappliedCredit {
    pub household: String,
    pub period: String,
    pub source: String,
    pub amount: String,
    pub message: String,
    pub message_en: String,
}

impl PlatformRecord {
    /// Whether a fork or a refusal stands.
    pub fn has_alert(&self) -> bool {
        self.alert.is_some()
    }

    /// The stored bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        JsonWriter::object(|w| {
            w.uint("version", u64::from(self.version));
            w.str("origin", &self.origin);
            w.str("countyId", &self.county_id);
            w.str("token", &self.token);
            w.uint("ackedSeq", self.acked_seq);
            w.str("ackedHash", &self.acked_hash);
            w.opt_int("lastSuccessMs", self.last_success_ms);
            w.opt_int("lastAttemptMs", self.last_attempt_ms);
            w.opt_object("lastError", self.last_error.as_ref(), Problem::write);
            w.opt_object("alert", self.alert.as_ref(), Problem::write);
            w.opt_int("clockOffsetMs", self.clock_offset_ms);
            w.uint("failures", u64::from(self.failures));
            w.opt_int("nextAttemptMs", self.next_attempt_ms);
            w.objects(
                "unappliedCredits",
                &self.unapplied_credits,
                UnappliedCredit::write,
            );
        })
        .into_bytes()
    }

    /// The record in `bytes`, or what is wrong with them. Fields a later
    /// build adds are passed over; `unappliedCredits` may be missing (older
    /// records).
    pub fn from_bytes(bytes: &[u8]) -> Result<PlatformRecord, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())?;
        JsonReader::read(text, |r| {
            Ok(json_record!(r, PlatformRecord {
                version: "version" => JsonReader::u32,
                origin: "origin" => JsonReader::string,
                county_id: "countyId" => JsonReader::string,
                token: "token" => JsonReader::string,
                acked_seq: "ackedSeq" => JsonReader::u64,
                acked_hash: "ackedHash" => JsonReader::string,
                failures: "failures" => JsonReader::u32,
            } optional {
                last_success_ms: "lastSuccessMs" => JsonReader::i64,
                last_attempt_ms: "lastAttemptMs" => JsonReader::i64,
                last_error: "lastError" => Problem::read,
                alert: "alert" => Problem::read,
                clock_offset_ms: "clockOffsetMs" => JsonReader::i64,
                next_attempt_ms: "nextAttemptMs" => JsonReader::i64,
            } default {
                unapplied_credits: "unappliedCredits" => |r: &mut JsonReader| {
                    r.array(UnappliedCredit::read)
                },
            }))
        })
    }
}

impl Problem {
    /// The problem `error` stands for.
    pub fn of(error: &Error) -> Problem {
        let (seq, platform_hash, kiosk_hash) = match error {
            Error::PlatformFork {
                seq,
                platform_hash,
                kiosk_hash,
            } => (
                Some(*seq),
                Some(platform_hash.clone()),
                Some(kiosk_hash.clone()),
            ),
            Error::PlatformRefused { seq, .. } | Error::PlatformTooOld { seq, .. } => {
                (*seq, None, None)
            }
            Error::PlatformGap { head_seq } => (Some(*head_seq), None, None),
            _ => (None, None, None),
        };
        Problem {
            code: error.code().to_string(),
            seq,
            platform_hash,
            kiosk_hash,
            message: error.message_zh(),
            message_en: error.message_en(),
        }
    }

    fn write(w: &mut JsonWriter, problem: &Problem) {
        w.str("code", &problem.code);
        w.opt_uint("seq", problem.seq);
        w.opt_str("platformHash", problem.platform_hash.as_deref());
        w.opt_str("kioskHash", problem.kiosk_hash.as_deref());
        w.str("message", &problem.message);
        w.str("messageEn", &problem.message_en);
    }

    fn read(r: &mut JsonReader) -> Result<Problem, String> {
        Ok(json_record!(r, Problem {
            code: "code" => JsonReader::string,
            message: "message" => JsonReader::string,
            message_en: "messageEn" => JsonReader::string,
        } optional {
            seq: "seq" => JsonReader::u64,
            platform_hash: "platformHash" => JsonReader::string,
            kiosk_hash: "kioskHash" => JsonReader::string,
        }))
    }
}

impl UnappliedCredit {
    fn write(w: &mut JsonWriter, credit: &UnappliedCredit) {
        w.str("household", &credit.household);
        w.str("period", &credit.period);
        w.str("source", &credit.source);
        w.str("amount", &credit.amount);
        w.str("message", &credit.message);
        w.str("messageEn", &credit.message_en);
    }

    fn read(r: &mut JsonReader) -> Result<UnappliedCredit, String> {
        Ok(json_record!(r, UnappliedCredit {
            household: "household" => JsonReader::string,
            period: "period" => JsonReader::string,
            source: "source" => JsonReader::string,
            amount: "amount" => JsonReader::string,
            message: "message" => JsonReader::string,
            message_en: "messageEn" => JsonReader::string,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        let check = |text: &str, expected: Option<&str>| {
            let parsed = PlatformOrigin::parse(text).ok();
            assert_eq!(
                parsed.as_ref().map(PlatformOrigin::as_str),
                expected,
                "{text}"
            );
        };
        check("http://127.0.0.1:8080", Some("http://127.0.0.1:8080"));
        check(
            " HTTPS://Platform.Example/ ",
            Some("https://platform.example"),
        );
        check("http://localhost", Some("http://localhost"));
        for bad in [
            "",
            "127.0.0.1:8080",
            "ftp://a.example",
            "http://a.example/v1",
            "http://a.example?x=1",
            "http://user@a.example",
            "http://a.example:0",
            "http://a.example:65536",
            "http://a.example:08080",
            "http://:8080",
            "http://a..example",
            "javascript:alert(1)",
        ] {
            check(bad, None);
        }
    }

    #[test]
    fn without_a_configured_origin_only_loopback_http_is_allowed() {
        let origin = |text| PlatformOrigin::parse(text).unwrap();
        assert!(origin("http://127.0.0.1:9000").check_allowed(None).is_ok());
        assert!(origin("http://localhost:9000").check_allowed(None).is_ok());
        for other in [
            "https://127.0.0.1:9000",
            "http://10.0.0.5:9000",
            "http://127.0.0.2",
        ] {
            let error = origin(other).check_allowed(None).unwrap_err();
            assert_eq!(error.code(), "PLATFORM_ORIGIN_NOT_ALLOWED", "{other}");
        }
        let configured = origin("https://platform.example");
        assert!(configured.check_allowed(Some(&configured)).is_ok());
        let error = origin("http://127.0.0.1:9000")
            .check_allowed(Some(&configured))
            .unwrap_err();
        assert_eq!(error.code(), "PLATFORM_ORIGIN_NOT_ALLOWED");
    }

    #[test]
    fn a_batch_stops_at_the_entry_and_byte_limits() {
        assert_eq!(batch_len([]), 0);
        assert_eq!(batch_len([10; 5]), 5);
        assert_eq!(
            batch_len(std::iter::repeat(200).take(5_000)),
            BATCH_ENTRIES_MAX
        );
        let large = 60 * 1024;
        let fits = (BATCH_BYTES_MAX - HEADER_BYTES_MAX) / (large + LINE_FRAMING_BYTES);
        assert_eq!(batch_len(std::iter::repeat(large).take(500)), fits);
        assert_eq!(batch_len([BATCH_BYTES_MAX * 2]), 1);
    }

    #[test]
    fn backoff_doubles_from_30_seconds_to_30_minutes_and_honours_retry_after() {
        assert_eq!(backoff_ms(1, None), 30_000);
        assert_eq!(backoff_ms(2, None), 60_000);
        assert_eq!(backoff_ms(6, None), 960_000);
        assert_eq!(backoff_ms(7, None), BACKOFF_MAX_MS);
        assert_eq!(backoff_ms(1_000, None), BACKOFF_MAX_MS);
        assert_eq!(backoff_ms(1, Some(120_000)), 120_000);
        assert_eq!(backoff_ms(1, Some(-5)), 30_000);
    }

    fn enrolled() -> PlatformRecord {
        PlatformRecord {
            version: 1,
            origin: "http://127.0.0.1:8080".into(),
            county_id: "420102001001-01".into(),
            token: "ab".repeat(32),
            acked_seq: 41,
            acked_hash: "0f".repeat(32),
            ..PlatformRecord::default()
        }
    }

    /// Records stored before were written by `serde_json`: the same bytes
    /// now, and those bytes (and the same fields in another order, with
    /// spaces and a field of a later build) still read.
    #[test]
    fn a_platform_record_is_the_bytes_serde_json_wrote() {
        let fork = Problem::of(&Error::PlatformFork {
            seq: 7,
            platform_hash: "aa".repeat(32),
            kiosk_hash: "bb".repeat(32),
        });
        let busy = Problem::of(&Error::PlatformBusy { retry_after_ms: 0 });
        let troubled = PlatformRecord {
            last_success_ms: Some(1_790_000_000_000),
            last_attempt_ms: Some(-1),
            last_error: Some(busy),
            alert: Some(fork),
            clock_offset_ms: Some(-250),
            failures: 3,
            next_attempt_ms: Some(1_790_000_060_000),
            unapplied_credits: vec![UnappliedCredit {
                household: "A099".into(),
                period: "2026-11".into(),
                source: "县里\"评分\"\\\n\t\u{1}".into(),
                amount: "12.50".into(),
                message: "没有这一户".into(),
                message_en: "no such household".into(),
            }],
            ..enrolled()
        };
        for record in [PlatformRecord::default(), enrolled(), troubled] {
            let old = serde_json::to_vec(&record).unwrap();
            assert_eq!(record.to_bytes(), old);
            assert_eq!(PlatformRecord::from_bytes(&old), Ok(record));
        }
        // A record of the day the upload came, as it was stored.
        let stored = r#"{"version":1,"origin":"http://127.0.0.1:8080","countyId":"c-1","token":"t","ackedSeq":2,"ackedHash":"h","lastSuccessMs":null,"lastAttemptMs":5,"lastError":null,"alert":{"code":"PLATFORM_REFUSED","seq":null,"platformHash":null,"kioskHash":null,"message":"拒收","messageEn":"refused"},"clockOffsetMs":null,"failures":1,"nextAttemptMs":null,"unappliedCredits":[]}"#;
        let record = PlatformRecord::from_bytes(stored.as_bytes()).unwrap();
        assert_eq!(record.to_bytes(), stored.as_bytes());
        assert_eq!(record.alert.map(|alert| alert.message), Some("拒收".into()));

        // Before the credits came down a record had no `unappliedCredits`.
        let older = br#" { "failures": 0, "ackedHash": "h", "ackedSeq": 2, "token": "t",
            "countyId": "c-1", "origin": "o", "version": 1, "laterField": [1.5e3, {"x": null}] } "#;
        let record = PlatformRecord::from_bytes(older).unwrap();
        assert_eq!((record.acked_seq, record.unapplied_credits.len()), (2, 0));
    }

    #[test]
    fn a_record_that_is_not_one_is_refused() {
        let good = String::from_utf8(enrolled().to_bytes()).unwrap();
        let refused = |from: &str, to: &str, why: &str| {
            let bad = good.replacen(from, to, 1);
            let error = PlatformRecord::from_bytes(bad.as_bytes()).unwrap_err();
            assert!(error.contains(why), "{bad}: {error}");
        };
        let seq = r#""ackedSeq":41"#;
        refused(r#""failures":0,"#, "", "missing field `failures`");
        refused("{", r#"{"version":1,"#, "duplicate field `version`");
        refused(seq, r#""ackedSeq":41.0"#, "floating point");
        refused(seq, r#""ackedSeq":-41"#, "non-negative");
        refused(seq, r#""ackedSeq":"41""#, "expected a value");
        let error = r#""lastError":{"code":"X"}"#;
        refused(r#""lastError":null"#, error, "missing field `message`");
        refused(&good, &format!("{good}x"), "trailing characters");
        refused(&good, &good[..good.len() - 1], "expected `,` or `}`");
        assert!(PlatformRecord::from_bytes(b"\xff").is_err());
    }
}
