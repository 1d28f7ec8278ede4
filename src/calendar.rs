//! The village's calendar: which local date, month and year a time falls on,
//! given the village's offset from UTC. The kiosk's "today", month and year
//! always follow the village's time zone, never the PC's or UTC. Pure
//! integer arithmetic; no time-zone database (China has one offset and no
//! daylight saving; a village elsewhere records its own offset).

const MS_PER_DAY: i64 = 86_400_000;

/// A local calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// The local date of `time_ms` (milliseconds since the Unix epoch) at
/// `utc_offset_minutes`.
pub fn local_date(time_ms: i64, utc_offset_minutes: i32) -> LocalDate {
    let local_ms = time_ms.saturating_add(i64::from(utc_offset_minutes) * 60_000);
    civil_from_days(local_ms.div_euclid(MS_PER_DAY))
}

/// A local date and time of day, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDateTime {
    pub date: LocalDate,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// The local date and time of day of `time_ms` at `utc_offset_minutes`.
pub fn local_date_time(time_ms: i64, utc_offset_minutes: i32) -> LocalDateTime {
    let local_ms = time_ms.saturating_add(i64::from(utc_offset_minutes) * 60_000);
    let seconds = (local_ms.rem_euclid(MS_PER_DAY) / 1000) as u32;
    LocalDateTime {
        date: civil_from_days(local_ms.div_euclid(MS_PER_DAY)),
        hour: seconds / 3600,
        minute: seconds / 60 % 60,
        second: seconds % 60,
    }
}

/// As a clerk reads it in a spreadsheet: `2026-10-26 14:05:09`.
impl std::fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.date.year, self.date.month, self.date.day, self.hour, self.minute, self.second
        )
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn civil_from_days(days: i64) -> LocalDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    LocalDate {
        year: year.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
        month,
        day,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(time_ms: i64, offset: i32, expected: (i32, u32, u32)) {
        let date = local_date(time_ms, offset);
        assert_eq!(
            (date.year, date.month, date.day),
            expected,
            "{time_ms} at {offset}"
        );
    }

    #[test]
    fn local_dates_follow_the_village_offset() {
        check(0, 0, (1970, 1, 1));
        check(-1, 0, (1969, 12, 31));
        // 2026-12-31 16:00 UTC is already 2027-01-01 in Beijing.
        check(1_798_732_800_000, 0, (2026, 12, 31));
        check(1_798_732_800_000, 480, (2027, 1, 1));
        check(1_798_732_799_999, 480, (2026, 12, 31));
        // A leap day.
        check(1_709_164_800_000, 0, (2024, 2, 29));
        check(951_782_400_000, 0, (2000, 2, 29));
    }

    #[test]
    fn local_times_follow_the_village_offset() {
        // 2026-10-26 06:05:09.999 UTC is 14:05:09 in Beijing.
        let time_ms = 1_792_994_709_999;
        assert_eq!(
            local_date_time(time_ms, 480).to_string(),
            "2026-10-26 14:05:09"
        );
        assert_eq!(
            local_date_time(time_ms, 0).to_string(),
            "2026-10-26 06:05:09"
        );
        assert_eq!(local_date_time(-1, 0).to_string(), "1969-12-31 23:59:59");
        assert_eq!(
            local_date_time(1_798_732_800_000, 480).to_string(),
            "2027-01-01 00:00:00"
        );
    }
}
