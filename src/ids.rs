//! Validated names: household codes, SKUs, staff ids, request ids, kiosk
//! ids, periods and free text. Each has one checked constructor and no
//! setters, so the rest of the core never sees an unchecked string.
//!
//! The stored form of each is its plain string; decoding a stored record runs
//! the same constructor, so a tampered name is refused on read.
//!
//! A name holds its text in an `Arc<str>`: the state repeats the same few
//! hundred household codes and SKUs in tens of thousands of redemptions,
//! credits and history lines, and a clone then shares the text instead of
//! allocating a copy (a checkpoint's decode made one allocation per name it
//! read, a large part of a kiosk's open). `Arc`, not `Rc`: the platform keeps
//! states across threads.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// Why a text is not a valid name of its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidName {
    /// Which kind of name: `household`, `sku`, `staff`, `request`, `kiosk`,
    /// `period`, `text`.
    pub kind: &'static str,
    pub problem: NameProblem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong { length_max: usize },
    BadCharacter,
}

impl fmt::Display for InvalidName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem {
            NameProblem::Empty => write!(f, "{} is empty", self.kind),
            NameProblem::TooLong { length_max } => {
                write!(f, "{} is longer than {length_max} characters", self.kind)
            }
            NameProblem::BadCharacter => write!(f, "{} has a character it may not have", self.kind),
        }
    }
}

impl std::error::Error for InvalidName {}

fn check(
    kind: &'static str,
    text: &str,
    length_max: usize,
    allowed: impl Fn(char) -> bool,
) -> Result<(), InvalidName> {
    let problem = if text.is_empty() {
        NameProblem::Empty
    } else if text.chars().count() > length_max {
        NameProblem::TooLong { length_max }
    } else if !text.chars().all(allowed) {
        NameProblem::BadCharacter
    } else {
        return Ok(());
    };
    Err(InvalidName { kind, problem })
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $length_max:expr, $allowed:expr, $normalise:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Arc<str>);

        impl $name {
            /// The longest name of this kind, in characters.
            pub const LENGTH_MAX: usize = $length_max;

            /// Checks and normalises `text`.
            pub fn new(text: &str) -> Result<Self, InvalidName> {
                let normalised: Cow<str> = ($normalise)(text.trim());
                check($kind, &normalised, $length_max, $allowed)?;
                Ok($name(normalised.as_ref().into()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// A stored name: refused unless `text` is already what
            /// [`Self::new`] makes of it (checked without copying it first).
            pub fn from_stored(text: &str) -> Result<Self, InvalidName> {
                check($kind, text, $length_max, $allowed)?;
                if text.trim() != text || ($normalise)(text) != text {
                    return Err(InvalidName { kind: $kind, problem: NameProblem::BadCharacter });
                }
                Ok($name(text.into()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidName;
            fn try_from(text: String) -> Result<Self, InvalidName> {
                $name::from_stored(&text)
            }
        }

        impl From<$name> for String {
            fn from(name: $name) -> String {
                name.0.to_string()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

fn code_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

// Normalisers borrow a text that is already normal, so a stored name is
// checked without a copy.
fn upper(text: &str) -> Cow<'_, str> {
    match text.bytes().any(|b| b.is_ascii_lowercase()) {
        true => Cow::Owned(text.to_ascii_uppercase()),
        false => Cow::Borrowed(text),
    }
}

fn lower(text: &str) -> Cow<'_, str> {
    match text.bytes().any(|b| b.is_ascii_uppercase()) {
        true => Cow::Owned(text.to_ascii_lowercase()),
        false => Cow::Borrowed(text),
    }
}

fn same(text: &str) -> Cow<'_, str> {
    Cow::Borrowed(text)
}

name_type!(
    /// A household's code, as printed on its card: `A012`, `0012`. ASCII
    /// letters (kept upper case), digits, `-` and `_`.
    HouseholdCode, "household", 16, code_char, upper
);

name_type!(
    /// A catalogue item's stock-keeping unit: `salt-500g`. Lower-case ASCII
    /// letters, digits, `-`, `_` and `.`.
    Sku, "sku", 40, |c: char| code_char(c) || c == '.', lower
);

name_type!(
    /// A staff member's id: `admin`, `shop-1`.
    StaffId, "staff", 16, code_char, lower
);

name_type!(
    /// The id the page makes once per attempt and reuses on retry, so a
    /// repeat returns the first result.
    RequestId, "request", 64, code_char, same
);

name_type!(
    /// The kiosk's id: names the journal; opening a journal with another
    /// kiosk id is refused.
    KioskId, "kiosk", 32, code_char, same
);

name_type!(
    /// The county platform's id for a kiosk: the village's 12-digit
    /// administrative code (区划代码), a dash and a number,
    /// `420102001001-01`. Assigned by the county, unique in it; the kiosk's
    /// own id need not be.
    CountyId, "county", 40, code_char, same
);

/// Free text a person typed: names, reasons, donors. Trimmed, non-empty,
/// bounded, and with no control characters (no NUL, no line breaks, no
/// bidirectional overrides that could disguise a name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Text(Arc<str>);

/// The longest free text, in characters.
pub const TEXT_LENGTH_MAX: usize = 200;

fn text_char(c: char) -> bool {
    !c.is_control()
        && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

impl Text {
    /// Checks `text` against a length limit of at most [`TEXT_LENGTH_MAX`].
    pub fn new(text: &str, length_max: usize) -> Result<Text, InvalidName> {
        let trimmed = text.trim();
        check("text", trimmed, length_max.min(TEXT_LENGTH_MAX), text_char)?;
        Ok(Text(trimmed.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Text {
    /// A stored text: refused unless `text` is already what [`Text::new`]
    /// makes of it (checked without copying it first).
    pub fn from_stored(text: &str) -> Result<Text, InvalidName> {
        let checked = Text::new(text, TEXT_LENGTH_MAX)?;
        if *checked.0 != *text {
            return Err(InvalidName {
                kind: "text",
                problem: NameProblem::BadCharacter,
            });
        }
        Ok(checked)
    }
}

impl TryFrom<String> for Text {
    type Error = InvalidName;
    fn try_from(text: String) -> Result<Text, InvalidName> {
        Text::from_stored(&text)
    }
}

impl From<Text> for String {
    fn from(text: Text) -> String {
        text.0.to_string()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A scoring or crediting period: a month `2026-10`, a quarter `2026-Q4`, or
/// a year `2026`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period(Arc<str>);

impl Period {
    pub fn new(text: &str) -> Result<Period, InvalidName> {
        let text = text.trim();
        let bad = InvalidName {
            kind: "period",
            problem: NameProblem::BadCharacter,
        };
        if text.is_empty() {
            return Err(InvalidName {
                kind: "period",
                problem: NameProblem::Empty,
            });
        }
        if !text.is_ascii() {
            return Err(bad);
        }
        let (year, rest) = text.split_at(text.len().min(4));
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) || year < "2000" {
            return Err(bad);
        }
        let valid = match rest.strip_prefix('-') {
            None => rest.is_empty(),
            Some(part) => match part.strip_prefix('Q') {
                Some(quarter) => matches!(quarter, "1" | "2" | "3" | "4"),
                None => {
                    part.len() == 2
                        && part.bytes().all(|b| b.is_ascii_digit())
                        && ("01"..="12").contains(&part)
                }
            },
        };
        if !valid {
            return Err(bad);
        }
        Ok(Period(text.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The year the period belongs to.
    pub fn year(&self) -> i32 {
        self.0[..4]
            .bytes()
            .fold(0, |year, b| year * 10 + i32::from(b - b'0'))
    }
}

impl Period {
    /// A stored period: refused unless `text` is already what
    /// [`Period::new`] makes of it (checked without copying it first).
    pub fn from_stored(text: &str) -> Result<Period, InvalidName> {
        let period = Period::new(text)?;
        if *period.0 != *text {
            return Err(InvalidName {
                kind: "period",
                problem: NameProblem::BadCharacter,
            });
        }
        Ok(period)
    }
}

impl TryFrom<String> for Period {
    type Error = InvalidName;
    fn try_from(text: String) -> Result<Period, InvalidName> {
        Period::from_stored(&text)
    }
}

impl From<Period> for String {
    fn from(period: Period) -> String {
        period.0.to_string()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn household_codes_are_checked_and_upper_cased() {
        assert_eq!(
            HouseholdCode::new(" a012 ").map(String::from),
            Ok("A012".to_string())
        );
        assert_eq!(
            HouseholdCode::new("0012").map(String::from),
            Ok("0012".to_string())
        );
        for bad in ["", "A 12", "A012<", "张三", "ABCDEFGHIJKLMNOPQ"] {
            assert!(HouseholdCode::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn stored_names_must_already_be_normal() {
        assert!(HouseholdCode::try_from("A012".to_string()).is_ok());
        assert!(HouseholdCode::try_from("a012".to_string()).is_err());
        assert!(Sku::try_from("Salt".to_string()).is_err());
        assert!(Text::try_from(" padded".to_string()).is_err());
    }

    #[test]
    fn skus_allow_dots_and_are_lower_cased() {
        assert_eq!(
            Sku::new("Soy-Sauce-0.5L").map(String::from),
            Ok("soy-sauce-0.5l".to_string())
        );
        assert!(Sku::new("salt/500").is_err());
    }

    #[test]
    fn text_refuses_control_and_direction_characters() {
        assert_eq!(
            Text::new("  王建国 ", 40).map(String::from),
            Ok("王建国".to_string())
        );
        assert!(Text::new("a\0b", 40).is_err());
        assert!(Text::new("a\nb", 40).is_err());
        assert!(Text::new("abc\u{202E}def", 40).is_err());
        assert!(Text::new(&"长".repeat(41), 40).is_err());
        assert!(Text::new(&"长".repeat(40), 40).is_ok());
        assert!(
            Text::new("<img src=x onerror=alert(1)>", 40).is_ok(),
            "markup is text, shown as text"
        );
    }

    #[test]
    fn periods() {
        for good in ["2026-10", "2026-01", "2026-Q4", "2026"] {
            assert_eq!(Period::new(good).map(String::from), Ok(good.to_string()));
        }
        for bad in [
            "2026-13", "2026-00", "2026-Q5", "26-10", "2026/10", "1999-01", "", "2026-1",
        ] {
            assert!(Period::new(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Period::new("2026-Q4").map(|p| p.year()), Ok(2026));
    }
}
