//! Exact amounts of points: integer hundredths, checked arithmetic, strict
//! parsing of what people and spreadsheets write, and the kiosk's display.
//!
//! One point buys one yuan of goods, so a price in yuan and a cost in points
//! are the same number. Inside, every amount is an `i64` count of hundredths
//! (1 point = 100); there is no floating point anywhere.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Hundredths in one point.
pub const HUNDREDTHS_PER_POINT: i64 = 100;

/// The largest magnitude any single amount may have: one hundred million
/// points. Far past any village's needs, and far from `i64` overflow even
/// when summed over every entry a journal may hold.
pub const POINTS_MAGNITUDE_MAX: i64 = 100_000_000 * HUNDREDTHS_PER_POINT;

/// An exact amount of points, in integer hundredths. May be negative
/// (corrections, voids); constructors that read input say whether they
/// accept a sign.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(i64);

/// Why a text is not an amount. Each variant is a stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointsParseError {
    /// Nothing but white space.
    Empty,
    /// A character that is no digit, decimal point, sign or allowed unit.
    InvalidCharacter,
    /// More than two digits after the decimal point.
    TooManyDecimals,
    /// A minus sign where the amount may not be negative.
    Negative,
    /// Larger than [`POINTS_MAGNITUDE_MAX`].
    TooLarge,
    /// Digits, point and sign in an order that is not a number (`1.2.3`, `.5`, `12.`).
    Malformed,
}

impl PointsParseError {
    /// The stable code the page switches on.
    pub fn code(self) -> &'static str {
        match self {
            PointsParseError::Empty => "AMOUNT_EMPTY",
            PointsParseError::InvalidCharacter => "AMOUNT_INVALID_CHARACTER",
            PointsParseError::TooManyDecimals => "AMOUNT_TOO_MANY_DECIMALS",
            PointsParseError::Negative => "AMOUNT_NEGATIVE",
            PointsParseError::TooLarge => "AMOUNT_TOO_LARGE",
            PointsParseError::Malformed => "AMOUNT_MALFORMED",
        }
    }

    /// The message in Chinese, shown first.
    pub fn message_zh(self) -> &'static str {
        match self {
            PointsParseError::Empty => "没有填写数额",
            PointsParseError::InvalidCharacter => {
                "数额里有不认识的字符,只能填数字,例如 12 或 12.50"
            }
            PointsParseError::TooManyDecimals => "数额最多两位小数",
            PointsParseError::Negative => "这里的数额不能是负数",
            PointsParseError::TooLarge => "数额太大",
            PointsParseError::Malformed => "数额的写法不对,例如应写 12 或 12.50",
        }
    }

    /// The message in English.
    pub fn message_en(self) -> &'static str {
        match self {
            PointsParseError::Empty => "The amount is empty",
            PointsParseError::InvalidCharacter => {
                "The amount has a character that is not a digit; write e.g. 12 or 12.50"
            }
            PointsParseError::TooManyDecimals => "An amount has at most two decimals",
            PointsParseError::Negative => "The amount may not be negative here",
            PointsParseError::TooLarge => "The amount is too large",
            PointsParseError::Malformed => {
                "The amount is not written as a number, e.g. 12 or 12.50"
            }
        }
    }
}

impl fmt::Display for PointsParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.message_zh(), self.message_en())
    }
}

impl std::error::Error for PointsParseError {}

impl Points {
    /// Zero points.
    pub const ZERO: Points = Points(0);

    /// An amount from hundredths, if within [`POINTS_MAGNITUDE_MAX`].
    pub fn from_hundredths(hundredths: i64) -> Option<Points> {
        (hundredths.checked_abs()? <= POINTS_MAGNITUDE_MAX).then_some(Points(hundredths))
    }

    /// Whole points, if within range.
    pub fn from_whole(points: i64) -> Option<Points> {
        Points::from_hundredths(points.checked_mul(HUNDREDTHS_PER_POINT)?)
    }

    /// The amount in hundredths.
    pub fn hundredths(self) -> i64 {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `self + other`, or `None` on overflow. Sums (balances, totals) are not
    /// capped at [`POINTS_MAGNITUDE_MAX`]; only `i64` overflow is refused.
    pub fn checked_add(self, other: Points) -> Option<Points> {
        self.0.checked_add(other.0).map(Points)
    }

    /// `self - other`, or `None` on overflow.
    pub fn checked_sub(self, other: Points) -> Option<Points> {
        self.0.checked_sub(other.0).map(Points)
    }

    /// `self × quantity`, or `None` on overflow.
    pub fn checked_mul(self, quantity: i64) -> Option<Points> {
        self.0.checked_mul(quantity).map(Points)
    }

    /// `-self`, or `None` on overflow.
    pub fn checked_neg(self) -> Option<Points> {
        self.0.checked_neg().map(Points)
    }

    /// Parses an amount that may not be negative: `12`, `12.5`, `12.50`,
    /// `¥12.50`, `12元`, `12积分`, surrounding white space allowed, full-width
    /// digits and point normalised.
    pub fn parse_unsigned(text: &str) -> Result<Points, PointsParseError> {
        Points::parse(text, false)
    }

    /// Parses an amount that may carry a sign (`-3.5`, `+2`): corrections.
    pub fn parse_signed(text: &str) -> Result<Points, PointsParseError> {
        Points::parse(text, true)
    }

    fn parse(text: &str, sign_allowed: bool) -> Result<Points, PointsParseError> {
        let normalised: String = text.trim().chars().map(normalise_width).collect();
        let mut body = normalised.as_str();
        if body.is_empty() {
            return Err(PointsParseError::Empty);
        }
        let negative = match body.as_bytes()[0] {
            b'-' => true,
            b'+' => false,
            _ => {
                return parse_magnitude(strip_units(body)?).map(Points);
            }
        };
        if negative && !sign_allowed {
            return Err(PointsParseError::Negative);
        }
        body = &body[1..];
        let magnitude = parse_magnitude(strip_units(body)?)?;
        Ok(Points(if negative { -magnitude } else { magnitude }))
    }

    /// The amount with exactly two decimals, as amounts cross the JS API:
    /// `12.50`, `-3.00`.
    pub fn to_fixed(self) -> String {
        self.fixed().to_string()
    }

    /// [`Points::to_fixed`] as a value to format, without a `String` of its
    /// own (a CSV export writes hundreds of thousands).
    pub fn fixed(self) -> Fixed {
        Fixed(self)
    }
}

/// Points written with two decimals, `-1.50`; see [`Points::fixed`].
#[derive(Clone, Copy, Debug)]
pub struct Fixed(Points);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 .0 < 0 { "-" } else { "" };
        let magnitude = self.0 .0.unsigned_abs();
        let whole = magnitude / HUNDREDTHS_PER_POINT as u64;
        let cents = magnitude % HUNDREDTHS_PER_POINT as u64;
        write!(f, "{sign}{whole}.{cents:02}")
    }
}

/// The kiosk's display: whole amounts without decimals (`12`), others trimmed
/// (`3.5`, `3.25`).
impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fixed = self.to_fixed();
        let trimmed = fixed.trim_end_matches('0').trim_end_matches('.');
        f.write_str(trimmed)
    }
}

/// Stored and exported as the integer count of hundredths: exact in JSON.
impl Serialize for Points {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

/// Read back with the same range check as [`Points::from_hundredths`].
impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Points, D::Error> {
        let hundredths = i64::deserialize(deserializer)?;
        Points::from_hundredths(hundredths)
            .ok_or_else(|| serde::de::Error::custom("amount out of range"))
    }
}

/// Full-width digits, point and signs (what a Chinese input method types)
/// become their ASCII forms; everything else stays as it is.
fn normalise_width(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '．' | '。' => '.',
        '－' => '-',
        '＋' => '+',
        _ => c,
    }
}

/// Removes one currency prefix (`¥`, `￥`) and one unit suffix (`元`, `积分`).
fn strip_units(text: &str) -> Result<&str, PointsParseError> {
    let text = text
        .strip_prefix('¥')
        .or_else(|| text.strip_prefix('￥'))
        .unwrap_or(text);
    let text = text
        .strip_suffix('元')
        .or_else(|| text.strip_suffix("积分"))
        .unwrap_or(text);
    if text.is_empty() {
        return Err(PointsParseError::Empty);
    }
    Ok(text)
}

/// `digits[.d[d]]` into hundredths.
fn parse_magnitude(text: &str) -> Result<i64, PointsParseError> {
    if let Some(bad) = text.chars().find(|c| !c.is_ascii_digit() && *c != '.') {
        return Err(if bad == '-' || bad == '+' {
            PointsParseError::Malformed
        } else {
            PointsParseError::InvalidCharacter
        });
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    if whole.is_empty() || fraction.contains('.') || (text.contains('.') && fraction.is_empty()) {
        return Err(PointsParseError::Malformed);
    }
    if fraction.len() > 2 {
        return Err(PointsParseError::TooManyDecimals);
    }
    let digits = whole.trim_start_matches('0');
    if digits.len() > 12 {
        return Err(PointsParseError::TooLarge);
    }
    let mut hundredths: i64 = 0;
    for digit in digits
        .bytes()
        .chain(fraction.bytes())
        .chain("00".bytes().take(2 - fraction.len()))
    {
        hundredths = hundredths * 10 + i64::from(digit - b'0');
    }
    if hundredths > POINTS_MAGNITUDE_MAX {
        return Err(PointsParseError::TooLarge);
    }
    Ok(hundredths)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<i64, PointsParseError>) {
        assert_eq!(
            Points::parse_unsigned(input).map(Points::hundredths),
            expected,
            "parsing {input:?}"
        );
    }

    #[test]
    fn parses_what_people_and_spreadsheets_write() {
        use PointsParseError::*;
        check("12", Ok(1200));
        check("12.5", Ok(1250));
        check("12.50", Ok(1250));
        check("0.05", Ok(5));
        check("0", Ok(0));
        check("007", Ok(700));
        check("¥12.50", Ok(1250));
        check("￥3", Ok(300));
        check("12元", Ok(1200));
        check("8积分", Ok(800));
        check("  12.50 ", Ok(1250));
        check("１２", Ok(1200));
        check("１２．５", Ok(1250));
        check("100000000", Ok(POINTS_MAGNITUDE_MAX));
        check("100000000.01", Err(TooLarge));
        check("99999999999999999999", Err(TooLarge));
        check("1e3", Err(InvalidCharacter));
        check("12.555", Err(TooManyDecimals));
        check("-1", Err(Negative));
        check("－1", Err(Negative));
        check("", Err(Empty));
        check("   ", Err(Empty));
        check("¥", Err(Empty));
        check("1 2", Err(InvalidCharacter));
        check("1,000", Err(InvalidCharacter));
        check("12.", Err(Malformed));
        check(".5", Err(Malformed));
        check("1.2.3", Err(Malformed));
        check("1-2", Err(Malformed));
        check("abc", Err(InvalidCharacter));
        check("NaN", Err(InvalidCharacter));
    }

    #[test]
    fn signed_parsing_accepts_a_sign() {
        assert_eq!(Points::parse_signed("-3.5"), Ok(Points(-350)));
        assert_eq!(Points::parse_signed("+2"), Ok(Points(200)));
        assert_eq!(Points::parse_signed("-¥2"), Ok(Points(-200)));
        assert_eq!(
            Points::parse_signed("--2"),
            Err(PointsParseError::Malformed)
        );
        assert_eq!(Points::parse_signed("-"), Err(PointsParseError::Empty));
    }

    #[test]
    fn displays_as_the_kiosk_shows_it() {
        for (hundredths, shown, fixed) in [
            (1200, "12", "12.00"),
            (350, "3.5", "3.50"),
            (325, "3.25", "3.25"),
            (5, "0.05", "0.05"),
            (0, "0", "0.00"),
            (-350, "-3.5", "-3.50"),
            (1000, "10", "10.00"),
        ] {
            let points = Points(hundredths);
            assert_eq!(points.to_string(), shown);
            assert_eq!(points.to_fixed(), fixed);
            assert_eq!(Points::parse_signed(fixed), Ok(points));
        }
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Points(i64::MAX);
        assert_eq!(max.checked_add(Points(1)), None);
        assert_eq!(Points(i64::MIN).checked_neg(), None);
        assert_eq!(Points(250).checked_mul(3), Some(Points(750)));
        assert_eq!(Points::from_whole(POINTS_MAGNITUDE_MAX), None);
        assert_eq!(Points::from_hundredths(-POINTS_MAGNITUDE_MAX - 1), None);
    }
}
