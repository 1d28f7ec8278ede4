//! The village's settings that change balances, redemption or honours. Each
//! change is a journal entry (never a local preference), so every kiosk that
//! replays the journal agrees on them. Each village adapts the seed's rules;
//! these are its choices, with the seed's defaults.

use crate::error::Error;
use serde::{Deserialize, Serialize};

/// What the year close does to balances (年底清零).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YearEnd {
    /// Balances are cleared at the year end (part one of the seed; default).
    Clear,
    /// Balances carry over into the new year (part three).
    Carry,
}

/// How the points board names households.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameDisplay {
    Full,
    /// Surname + 某.
    Surname,
    Code,
}

/// One setting with its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSetting", into = "RawSetting")]
pub enum Setting {
    YearEnd(YearEnd),
    /// May a blacklisted household redeem? (default: yes)
    BlacklistRedeem(bool),
    /// Is the blacklist shown on the points board? (default: no)
    BlacklistOnBoard(bool),
    /// Digits of a household code, for codes Excel shortened (`0012` → `12`);
    /// 0 means codes are taken as written.
    CodeWidth(u8),
    NameDisplay(NameDisplay),
    /// Stars of the quarter (default 20).
    StarsCount(u16),
    /// Advanced households of the year (default 10).
    AdvancedCount(u16),
    /// Days a period's results are posted before they count (default 5).
    PostingDays(u16),
    /// Are the year's donors thanked on the points board? (default: no)
    ThanksOnBoard(bool),
    /// The day of the month by which last month's batch should reach the
    /// platform ("每月10日前上报", default 10).
    UploadDay(u8),
    /// The two-person rule (双人核对, default on): large credits and
    /// corrections, old voids, imports and large transfers need a second
    /// staff member's PIN ([`crate::ledger::cosign`]). Turning it off is an
    /// entry like any setting, and every report says so while it is off.
    TwoPersonRule(bool),
}

/// The fewest posting days a change may set ("公示期不得少于5天"). Older
/// journals may hold fewer (the range was 0–60 before); they still open.
pub const POSTING_DAYS_MIN: u16 = 5;

/// The most posting days.
pub const POSTING_DAYS_MAX: u16 = 60;

/// The latest upload day: every month has a 28th.
pub const UPLOAD_DAY_MAX: u8 = 28;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSetting {
    key: String,
    value: String,
}

impl TryFrom<RawSetting> for Setting {
    type Error = String;
    fn try_from(raw: RawSetting) -> Result<Setting, String> {
        Setting::parse(&raw.key, &raw.value).ok_or_else(|| format!("invalid setting {}", raw.key))
    }
}

impl From<Setting> for RawSetting {
    fn from(setting: Setting) -> RawSetting {
        RawSetting {
            key: setting.key().to_string(),
            value: setting.value(),
        }
    }
}

fn bounded(value: &str, max: u16) -> Option<u16> {
    value
        .parse::<u16>()
        .ok()
        .filter(|n| *n <= max && value == n.to_string())
}

impl Setting {
    /// Every key, for the settings screen.
    pub const KEYS: [&'static str; 11] = [
        "year_end",
        "blacklist_redeem",
        "blacklist_on_board",
        "code_width",
        "name_display",
        "stars_count",
        "advanced_count",
        "posting_days",
        "thanks_on_board",
        "upload_day",
        "two_person_rule",
    ];

    /// Reads a setting from its key and value, or `None` if either is not
    /// one the kiosk knows.
    pub fn parse(key: &str, value: &str) -> Option<Setting> {
        let flag = |yes: &str, no: &str| match value {
            v if v == yes => Some(true),
            v if v == no => Some(false),
            _ => None,
        };
        Some(match key {
            "year_end" => Setting::YearEnd(match value {
                "clear" => YearEnd::Clear,
                "carry" => YearEnd::Carry,
                _ => return None,
            }),
            "blacklist_redeem" => Setting::BlacklistRedeem(flag("allow", "deny")?),
            "blacklist_on_board" => Setting::BlacklistOnBoard(flag("show", "hide")?),
            "code_width" => Setting::CodeWidth(bounded(value, 16)? as u8),
            "name_display" => Setting::NameDisplay(match value {
                "full" => NameDisplay::Full,
                "surname" => NameDisplay::Surname,
                "code" => NameDisplay::Code,
                _ => return None,
            }),
            "stars_count" => Setting::StarsCount(bounded(value, 500)?),
            "advanced_count" => Setting::AdvancedCount(bounded(value, 500)?),
            "posting_days" => Setting::PostingDays(bounded(value, POSTING_DAYS_MAX)?),
            "thanks_on_board" => Setting::ThanksOnBoard(flag("show", "hide")?),
            "upload_day" => Setting::UploadDay(
                bounded(value, u16::from(UPLOAD_DAY_MAX))
                    .filter(|day| *day >= 1)
                    .and_then(|day| u8::try_from(day).ok())?,
            ),
            "two_person_rule" => Setting::TwoPersonRule(flag("on", "off")?),
            _ => return None,
        })
    }

    pub fn key(self) -> &'static str {
        match self {
            Setting::YearEnd(_) => "year_end",
            Setting::BlacklistRedeem(_) => "blacklist_redeem",
            Setting::BlacklistOnBoard(_) => "blacklist_on_board",
            Setting::CodeWidth(_) => "code_width",
            Setting::NameDisplay(_) => "name_display",
            Setting::StarsCount(_) => "stars_count",
            Setting::AdvancedCount(_) => "advanced_count",
            Setting::PostingDays(_) => "posting_days",
            Setting::ThanksOnBoard(_) => "thanks_on_board",
            Setting::UploadDay(_) => "upload_day",
            Setting::TwoPersonRule(_) => "two_person_rule",
        }
    }

    pub fn value(self) -> String {
        let flag = |on: bool, yes: &str, no: &str| if on { yes } else { no }.to_string();
        match self {
            Setting::YearEnd(YearEnd::Clear) => "clear".into(),
            Setting::YearEnd(YearEnd::Carry) => "carry".into(),
            Setting::BlacklistRedeem(on) => flag(on, "allow", "deny"),
            Setting::BlacklistOnBoard(on) | Setting::ThanksOnBoard(on) => flag(on, "show", "hide"),
            Setting::TwoPersonRule(on) => flag(on, "on", "off"),
            Setting::CodeWidth(width) | Setting::UploadDay(width) => width.to_string(),
            Setting::NameDisplay(NameDisplay::Full) => "full".into(),
            Setting::NameDisplay(NameDisplay::Surname) => "surname".into(),
            Setting::NameDisplay(NameDisplay::Code) => "code".into(),
            Setting::StarsCount(n) | Setting::AdvancedCount(n) | Setting::PostingDays(n) => {
                n.to_string()
            }
        }
    }

    /// Whether a change may set this value now. Reading a journal never
    /// asks: a value set before a limit tightened still replays as it was.
    pub fn check_change(self) -> Result<(), Error> {
        match self {
            Setting::PostingDays(days) if days < POSTING_DAYS_MIN => Err(Error::invalid_with(
                "value",
                "公示期不得少于5天(5 到 60 天)",
                "points are posted for at least 5 days (5 to 60)",
            )),
            _ => Ok(()),
        }
    }
}

/// The month (year, month) whose entries are late for the platform
/// ("每月10日前上报"): from the village's upload day on, the month of the
/// oldest entry neither acknowledged by the platform nor marked uploaded,
/// when that month is over. `None` when nothing is late.
pub fn upload_overdue(
    upload_day: u8,
    today: crate::calendar::LocalDate,
    oldest_waiting: Option<crate::calendar::LocalDate>,
) -> Option<(i32, u32)> {
    let oldest = oldest_waiting?;
    let month_over = (oldest.year, oldest.month) < (today.year, today.month);
    let this_month_only =
        (oldest.year * 12 + oldest.month as i32) + 1 == today.year * 12 + today.month as i32;
    // A month older than the last one is late whatever today's date.
    let late = month_over && (!this_month_only || today.day >= u32::from(upload_day));
    late.then_some((oldest.year, oldest.month))
}

/// The village's settings in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub year_end: YearEnd,
    pub blacklist_redeem: bool,
    pub blacklist_on_board: bool,
    pub code_width: u8,
    pub name_display: NameDisplay,
    pub stars_count: u16,
    pub advanced_count: u16,
    pub posting_days: u16,
    pub thanks_on_board: bool,
    pub upload_day: u8,
    pub two_person_rule: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            year_end: YearEnd::Clear,
            blacklist_redeem: true,
            blacklist_on_board: false,
            code_width: 0,
            name_display: NameDisplay::Full,
            stars_count: 20,
            advanced_count: 10,
            posting_days: 5,
            thanks_on_board: false,
            upload_day: 10,
            two_person_rule: true,
        }
    }
}

impl Settings {
    pub fn apply(&mut self, setting: Setting) {
        match setting {
            Setting::YearEnd(value) => self.year_end = value,
            Setting::BlacklistRedeem(value) => self.blacklist_redeem = value,
            Setting::BlacklistOnBoard(value) => self.blacklist_on_board = value,
            Setting::CodeWidth(value) => self.code_width = value,
            Setting::NameDisplay(value) => self.name_display = value,
            Setting::StarsCount(value) => self.stars_count = value,
            Setting::AdvancedCount(value) => self.advanced_count = value,
            Setting::PostingDays(value) => self.posting_days = value,
            Setting::ThanksOnBoard(value) => self.thanks_on_board = value,
            Setting::UploadDay(value) => self.upload_day = value,
            Setting::TwoPersonRule(value) => self.two_person_rule = value,
        }
    }

    /// Every setting as (key, value), for display and export.
    pub fn all(&self) -> Vec<(&'static str, String)> {
        [
            Setting::YearEnd(self.year_end),
            Setting::BlacklistRedeem(self.blacklist_redeem),
            Setting::BlacklistOnBoard(self.blacklist_on_board),
            Setting::CodeWidth(self.code_width),
            Setting::NameDisplay(self.name_display),
            Setting::StarsCount(self.stars_count),
            Setting::AdvancedCount(self.advanced_count),
            Setting::PostingDays(self.posting_days),
            Setting::ThanksOnBoard(self.thanks_on_board),
            Setting::UploadDay(self.upload_day),
            Setting::TwoPersonRule(self.two_person_rule),
        ]
        .into_iter()
        .map(|setting| (setting.key(), setting.value()))
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_only_known_keys_and_values() {
        for (key, value) in Settings::default().all() {
            let setting = Setting::parse(key, &value).expect("defaults parse");
            assert_eq!((setting.key(), setting.value()), (key, value));
        }
        for (key, value) in [
            ("year_end", "keep"),
            ("code_width", "17"),
            ("code_width", "04"),
            ("stars_count", "-1"),
            ("colour", "red"),
            ("posting_days", "61"),
            ("upload_day", "0"),
            ("upload_day", "29"),
        ] {
            assert_eq!(Setting::parse(key, value), None, "{key}={value}");
        }
        assert_eq!(
            Setting::parse("posting_days", "7"),
            Some(Setting::PostingDays(7))
        );
        assert_eq!(
            Setting::parse("upload_day", "10"),
            Some(Setting::UploadDay(10))
        );
    }

    #[test]
    fn 每月10日前上报_last_months_entries_are_late_from_the_upload_day() {
        use crate::calendar::LocalDate;
        let date = |year, month, day| LocalDate { year, month, day };
        let oldest = Some(date(2026, 11, 28));
        assert_eq!(upload_overdue(10, date(2026, 12, 9), oldest), None);
        assert_eq!(
            upload_overdue(10, date(2026, 12, 10), oldest),
            Some((2026, 11))
        );
        assert_eq!(
            upload_overdue(10, date(2026, 12, 10), Some(date(2026, 12, 1))),
            None
        );
        assert_eq!(
            upload_overdue(10, date(2026, 12, 10), None),
            None,
            "all uploaded"
        );
        assert_eq!(
            upload_overdue(10, date(2027, 1, 2), Some(date(2026, 11, 3))),
            Some((2026, 11))
        );
        assert_eq!(
            upload_overdue(5, date(2027, 1, 5), Some(date(2026, 12, 31))),
            Some((2026, 12))
        );
    }

    #[test]
    fn a_change_sets_at_least_five_posting_days_but_an_old_value_still_reads() {
        let old = Setting::parse("posting_days", "3").expect("an old journal's value reads");
        assert!(matches!(
            old.check_change(),
            Err(Error::InvalidInput { .. })
        ));
        for days in [5, 60] {
            assert_eq!(Setting::PostingDays(days).check_change(), Ok(()));
        }
    }
}
