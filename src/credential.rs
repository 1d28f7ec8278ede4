//! PINs and lockout: salted slow hashes and wrong-PIN counters, kept in a
//! credential store apart from the journal. Nothing here is ever exported
//! or written to the journal; the journal records only that a PIN was set
//! and by whom.
//!
//! A PIN hash is PBKDF2-HMAC-SHA256 carrying its own parameters, so the cost
//! can rise later without invalidating stored PINs. The cost and the salt are
//! inputs: the shell picks a cost that takes at least 50 ms in the browser and
//! draws the salt from `crypto.getRandomValues`; tests use a few iterations.

use serde::{Deserialize, Serialize};

/// Wrong PINs in a row before a lockout.
pub const ATTEMPTS_MAX: u32 = 5;

/// How long a lockout lasts.
pub const LOCKOUT_MS: i64 = 5 * 60 * 1000;

/// PINs are 4 to 8 digits.
pub const PIN_LENGTH_MIN: usize = 4;
pub const PIN_LENGTH_MAX: usize = 8;

/// The fewest iterations a stored hash may claim (tests use this); the shell
/// chooses more.
pub const ITERATIONS_MIN: u32 = 1;
/// The most iterations a stored hash may claim: bounds the work a tampered
/// record could force.
pub const ITERATIONS_MAX: u32 = 2_000_000;

/// A validated PIN: digits only.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(****)")
    }
}

/// Digits of the one-time recovery code for a forgotten admin PIN.
pub const RECOVERY_CODE_LENGTH: usize = 12;

impl Pin {
    pub fn new(text: &str) -> Option<Pin> {
        let valid = (PIN_LENGTH_MIN..=PIN_LENGTH_MAX).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_digit());
        valid.then(|| Pin(text.to_string()))
    }

    /// The recovery code: exactly [`RECOVERY_CODE_LENGTH`] digits (spaces
    /// and dashes, as printed for reading aloud, are dropped).
    pub fn recovery_code(text: &str) -> Option<Pin> {
        let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let valid =
            digits.len() == RECOVERY_CODE_LENGTH && digits.bytes().all(|b| b.is_ascii_digit());
        valid.then_some(Pin(digits))
    }
}

/// A salted PBKDF2-HMAC-SHA256 hash with its parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinHash {
    pub algorithm: String,
    pub iterations: u32,
    pub salt: String,
    pub hash: String,
}

const ALGORITHM: &str = "pbkdf2-sha256";

impl PinHash {
    /// Hashes `pin` with `salt` at `iterations`.
    pub fn new(pin: &Pin, salt: &[u8; 16], iterations: u32) -> PinHash {
        let iterations = iterations.clamp(ITERATIONS_MIN, ITERATIONS_MAX);
        PinHash {
            algorithm: ALGORITHM.to_string(),
            iterations,
            salt: hex::encode(salt),
            hash: hex::encode(derive(pin, salt, iterations)),
        }
    }

    /// Whether `pin` matches. A hash with unknown parameters matches nothing.
    pub fn verify(&self, pin: &Pin) -> bool {
        let usable = self.algorithm == ALGORITHM
            && (ITERATIONS_MIN..=ITERATIONS_MAX).contains(&self.iterations);
        let (Ok(salt), Ok(expected)) = (hex::decode(&self.salt), hex::decode(&self.hash)) else {
            return false;
        };
        if !usable || expected.len() != 32 {
            return false;
        }
        let actual = derive(pin, &salt, self.iterations);
        // Compare in constant time over the whole digest.
        actual
            .iter()
            .zip(&expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

fn derive(pin: &Pin, salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(pin.0.as_bytes(), salt, iterations, &mut out);
    out
}

/// What the credential store holds for one household or staff member.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    pub pin_hash: Option<PinHash>,
    /// Wrong PINs in a row.
    pub failures: u32,
    /// While the kiosk's time is before this, sign-in is refused.
    pub locked_until_ms: i64,
    /// The latest time of an attempt, so a clock moved back cannot shorten a
    /// lockout.
    pub last_attempt_ms: i64,
}

impl Credential {
    /// The stored record: JSON written by the journal codec's hand (the
    /// villager's wasm carries no JSON library for it).
    pub fn encode(&self) -> Vec<u8> {
        self.to_json().into_bytes()
    }

    pub fn decode(bytes: &[u8]) -> Option<Credential> {
        Credential::from_json(std::str::from_utf8(bytes).ok()?).ok()
    }

    /// The lockout's end if locked at `now_ms`.
    pub fn locked_at(&self, now_ms: i64) -> Option<i64> {
        (now_ms < self.locked_until_ms).then_some(self.locked_until_ms)
    }

    /// The record after a wrong PIN at `now_ms`: five in a row lock it.
    pub fn after_failure(&self, now_ms: i64) -> Credential {
        let failures = self.failures + 1;
        let locked = failures >= ATTEMPTS_MAX;
        Credential {
            pin_hash: self.pin_hash.clone(),
            failures: if locked { 0 } else { failures },
            locked_until_ms: if locked {
                now_ms + LOCKOUT_MS
            } else {
                self.locked_until_ms
            },
            last_attempt_ms: now_ms,
        }
    }

    /// The record after a right PIN: the counter starts again.
    pub fn after_success(&self, now_ms: i64) -> Credential {
        Credential {
            pin_hash: self.pin_hash.clone(),
            failures: 0,
            locked_until_ms: 0,
            last_attempt_ms: now_ms,
        }
    }
}

/// The credential store's key of a household.
pub fn household_key(code: &str) -> String {
    format!("household:{code}")
}

/// The credential store's key of a staff member.
pub fn staff_key(staff: &str) -> String {
    format!("staff:{staff}")
}

/// The credential store's key of the recovery code.
pub const RECOVERY_KEY: &str = "recovery";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_four_to_eight_digits() {
        for good in ["1234", "00000000"] {
            assert!(Pin::new(good).is_some(), "{good}");
        }
        for bad in ["123", "123456789", "12a4", "", "１２３４", " 1234"] {
            assert!(Pin::new(bad).is_none(), "{bad}");
        }
        assert_eq!(format!("{:?}", Pin::new("1234")), "Some(Pin(****))");
    }

    #[test]
    fn a_hash_verifies_its_pin_only() {
        let pin = Pin::new("3817").unwrap();
        let hash = PinHash::new(&pin, &[7; 16], 10);
        assert!(hash.verify(&pin));
        assert!(!hash.verify(&Pin::new("3818").unwrap()));
        let other_salt = PinHash::new(&pin, &[8; 16], 10);
        assert_ne!(hash.hash, other_salt.hash);
        let tampered = PinHash {
            iterations: ITERATIONS_MAX + 1,
            ..hash.clone()
        };
        assert!(!tampered.verify(&pin));
        let unknown = PinHash {
            algorithm: "md5".into(),
            ..hash
        };
        assert!(!unknown.verify(&pin));
    }

    #[test]
    fn pbkdf2_matches_the_reference_vector() {
        // RFC 7914 §11: PBKDF2-HMAC-SHA256("passwd", "salt", 1) — first 32 bytes.
        let mut out = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(b"passwd", b"salt", 1, &mut out);
        assert_eq!(
            hex::encode(out),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        );
    }

    /// Records stored before were written by `serde_json`: the same bytes
    /// now, and those bytes (and the same fields in another order, with
    /// spaces) still read.
    #[test]
    fn a_record_is_the_bytes_serde_json_wrote() {
        let pin = Pin::new("3817").unwrap();
        let locked = Credential {
            pin_hash: Some(PinHash::new(&pin, &[7; 16], 10)),
            failures: 5,
            locked_until_ms: 1_733_000_000_000,
            last_attempt_ms: -3,
        };
        for credential in [Credential::default(), locked] {
            let old = serde_json::to_vec(&credential).unwrap();
            assert_eq!(credential.encode(), old);
            assert_eq!(Credential::decode(&old), Some(credential));
        }
        let reordered = br#"{ "last_attempt_ms": 9, "failures": 1, "locked_until_ms": 0 }"#;
        assert_eq!(
            Credential::decode(reordered),
            Some(Credential {
                failures: 1,
                last_attempt_ms: 9,
                ..Credential::default()
            })
        );
        for bad in [
            &br#"{"failures":1,"locked_until_ms":0}"#[..],
            br#"{"pin_hash":null,"failures":1,"locked_until_ms":0,"last_attempt_ms":0,"x":1}"#,
            br#"{"pin_hash":{"algorithm":"a"},"failures":1,"locked_until_ms":0,"last_attempt_ms":0}"#,
            br#"{"failures":-1,"locked_until_ms":0,"last_attempt_ms":0}"#,
            b"\xff",
        ] {
            assert_eq!(Credential::decode(bad), None);
        }
    }

    #[test]
    fn five_failures_lock_for_five_minutes() {
        let mut credential = Credential::default();
        for attempt in 1..ATTEMPTS_MAX {
            credential = credential.after_failure(1000);
            assert_eq!(credential.failures, attempt);
            assert_eq!(credential.locked_at(1000), None);
        }
        credential = credential.after_failure(1000);
        assert_eq!(credential.locked_at(1000), Some(1000 + LOCKOUT_MS));
        assert_eq!(credential.locked_at(1000 + LOCKOUT_MS), None);
        assert_eq!(credential.after_success(2000).failures, 0);
    }
}
