//! The kiosk's side of the upload to the county platform, as pure rules:
//! which platform address a page may reach, how much of the journal goes
//! in one request, and how long to wait after a failure. The requests
//! themselves, the token and the acknowledgement live in the shell
//! (`web/upload.rs`); the body is [`crate::sync`]'s.
//!
//! Nothing here reads a clock or touches a network: times are passed in.

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
}
