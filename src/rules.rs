//! The village's points rules as data: the scoring table, the bands that
//! turn a score into points, the bonus for a run in the top band, the
//! blacklist (曝光台), and the rankings of the points board. Pure functions
//! over integers: scores in tenths, points in hundredths, no floats.
//!
//! Defaults are the seed's (part three): a table of five categories totalling
//! 100; 80–85 → 1 point, over 85 to 90 → 3, over 90 → 5, below 80 → 0; three
//! periods in a row in the top band earn 5 more; last place three periods
//! running puts a household on the blacklist.

use crate::ids::Period;
use crate::points::Points;
use std::fmt;

/// Tenths in one score point.
pub const TENTHS_PER_SCORE: u16 = 10;

/// The highest total a scoring table may have, in tenths.
pub const SCORE_TENTHS_MAX: u16 = 1000;

/// A score in tenths (85.5 is 855).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u16);

/// Why a text is not a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoreError {
    Empty,
    Malformed,
    /// More than one decimal.
    TooManyDecimals,
    /// Above the allowed maximum.
    TooHigh,
    /// A positive value in a deduction (扣分) column.
    DeductionPositive,
    /// A deduction beyond its item's limit.
    DeductionTooLarge,
}

impl ScoreError {
    pub fn message_zh(self) -> &'static str {
        match self {
            ScoreError::Empty => "分数没有填",
            ScoreError::Malformed => "分数写法不对",
            ScoreError::TooManyDecimals => "分数最多一位小数",
            ScoreError::TooHigh => "分数超过满分",
            ScoreError::DeductionPositive => "扣分项只能填 0 或负数",
            ScoreError::DeductionTooLarge => "扣分超过这一项的上限",
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            ScoreError::Empty => "the score is empty",
            ScoreError::Malformed => "the score is not a number",
            ScoreError::TooManyDecimals => "a score has at most one decimal",
            ScoreError::TooHigh => "the score is above the maximum",
            ScoreError::DeductionPositive => "a deduction is 0 or negative",
            ScoreError::DeductionTooLarge => "the deduction is beyond the item's limit",
        }
    }
}

impl fmt::Display for ScoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.message_zh(), self.message_en())
    }
}

impl Score {
    pub fn from_tenths(tenths: u16) -> Option<Score> {
        (tenths <= SCORE_TENTHS_MAX).then_some(Score(tenths))
    }

    pub fn tenths(self) -> u16 {
        self.0
    }

    /// Parses `85`, `85.5`, `100` (full-width digits too) up to `max`.
    pub fn parse(text: &str, max: Score) -> Result<Score, ScoreError> {
        let text: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '．' => '.',
                _ => c,
            })
            .collect();
        if text.is_empty() {
            return Err(ScoreError::Empty);
        }
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (text.contains('.') && !digits(fraction)) {
            return Err(ScoreError::Malformed);
        }
        if fraction.len() > 1 {
            return Err(ScoreError::TooManyDecimals);
        }
        if whole.len() > 4 {
            return Err(ScoreError::TooHigh);
        }
        let whole: u16 = whole.parse().map_err(|_| ScoreError::Malformed)?;
        let tenth: u16 = fraction.parse().unwrap_or(0);
        let tenths = whole
            .checked_mul(TENTHS_PER_SCORE)
            .and_then(|w| w.checked_add(tenth))
            .ok_or(ScoreError::TooHigh)?;
        if tenths > max.0 {
            return Err(ScoreError::TooHigh);
        }
        Ok(Score(tenths))
    }

    /// Parses a deduction (扣分) cell, `-5`, `−2.5` or `0` (an empty cell is
    /// no deduction), down to `-max`: the deduction's size. A positive value
    /// is refused, so a deduction is never read as points given.
    pub fn parse_deduction(text: &str, max: Score) -> Result<Score, ScoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Score(0));
        }
        let Some(size) = without_minus(text) else {
            return match Score::parse(text, Score(SCORE_TENTHS_MAX)) {
                Ok(Score(0)) => Ok(Score(0)),
                Ok(_) => Err(ScoreError::DeductionPositive),
                Err(error) => Err(error),
            };
        };
        match Score::parse(size, max) {
            Err(ScoreError::TooHigh) => Err(ScoreError::DeductionTooLarge),
            other => other,
        }
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 % TENTHS_PER_SCORE {
            0 => write!(f, "{}", self.0 / TENTHS_PER_SCORE),
            tenth => write!(f, "{}.{tenth}", self.0 / TENTHS_PER_SCORE),
        }
    }
}

/// The text after a leading minus (ASCII, `−` or full-width `－`), if it
/// has one: how a deduction is written.
pub fn without_minus(text: &str) -> Option<&str> {
    ['-', '−', '－']
        .iter()
        .find_map(|sign| text.strip_prefix(*sign))
}

/// One item of the table: scored up to `max`, or, for a deduction item
/// (扣分项, such as 违反村规民约), taking up to `max` off the total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableItem {
    pub name: String,
    pub max: Score,
    pub deduction: bool,
}

/// A category of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub name: String,
    pub items: Vec<TableItem>,
}

impl Category {
    /// The most its scored items give (deduction items take away, so they
    /// are not part of it).
    pub fn max(&self) -> Score {
        Score(
            self.items
                .iter()
                .filter(|item| !item.deduction)
                .map(|item| item.max.0)
                .sum(),
        )
    }

    /// The most its deduction items take off.
    pub fn deduction_max(&self) -> Score {
        Score(
            self.items
                .iter()
                .filter(|item| item.deduction)
                .map(|item| item.max.0)
                .sum(),
        )
    }

    /// A category of deduction items only: its column, if a sheet has one,
    /// is a deduction too.
    pub fn is_deductions(&self) -> bool {
        self.items.iter().all(|item| item.deduction)
    }
}

/// The seed's scoring table (part three): five categories, total 100.
pub fn default_table() -> Vec<Category> {
    let item = |name: &str, max: u16| TableItem {
        name: name.to_string(),
        max: Score(max * TENTHS_PER_SCORE),
        deduction: false,
    };
    vec![
        Category {
            name: "人居环境".into(),
            items: vec![
                item("庭院", 15),
                item("客厅", 10),
                item("厨房", 10),
                item("卧室", 10),
                item("厕所", 5),
            ],
        },
        Category {
            name: "先锋模范".into(),
            items: vec![
                item("参与产业和公益", 10),
                item("传播正能量", 5),
                item("遵纪守法", 5),
            ],
        },
        Category {
            name: "学生就学".into(),
            items: vec![item("家长支持就学", 5), item("学生学习", 5)],
        },
        Category {
            name: "创业就业".into(),
            items: vec![item("不闲置", 5), item("富余劳动力就业", 5)],
        },
        Category {
            name: "团结友爱".into(),
            items: vec![item("孝老爱亲、无家暴", 5), item("邻里和睦", 5)],
        },
    ]
}

/// The total of a table: what its scored items give at most.
pub fn table_max(table: &[Category]) -> Score {
    Score(table.iter().map(|c| c.max().0).sum())
}

/// A band: scores from `lower` (inclusive or not) up to the next band earn
/// `points`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    pub lower: Score,
    pub lower_inclusive: bool,
    pub points: Points,
}

/// The seed's bands: 80 to 85 → 1, over 85 to 90 → 3, over 90 → 5; below 80
/// earns nothing.
pub fn default_bands() -> Vec<Band> {
    let band = |lower: u16, lower_inclusive, points: i64| Band {
        lower: Score(lower * TENTHS_PER_SCORE),
        lower_inclusive,
        points: Points::from_whole(points).unwrap_or(Points::ZERO),
    };
    vec![band(80, true, 1), band(85, false, 3), band(90, false, 5)]
}

/// The band a score falls in (index into `bands`, sorted by `lower`), or
/// `None` below the first.
pub fn band_of(bands: &[Band], score: Score) -> Option<usize> {
    bands
        .iter()
        .rposition(|band| score > band.lower || (band.lower_inclusive && score == band.lower))
}

/// The points a score earns.
pub fn points_for(bands: &[Band], score: Score) -> Points {
    band_of(bands, score).map_or(Points::ZERO, |index| bands[index].points)
}

/// Periods in a row in the top band that earn the bonus.
pub const BONUS_RUN: usize = 3;

/// For one household's periods in order — `Some(score)` when scored, `None`
/// when not — the indices of the periods that complete a bonus run. A run
/// counts only top-band periods; an unscored period or a lower band breaks
/// it; after a bonus the run starts again from zero. Runs continue across
/// the year end (the caller passes periods across years).
pub fn bonus_periods(bands: &[Band], scores: &[Option<Score>]) -> Vec<usize> {
    let mut run = 0;
    let mut earned = Vec::new();
    for (index, score) in scores.iter().enumerate() {
        let bonus;
        (run, bonus) = bonus_step(run, score.is_some_and(|score| in_top_band(bands, score)));
        if bonus {
            earned.push(index);
        }
    }
    earned
}

/// Whether a score is in the top band.
pub fn in_top_band(bands: &[Band], score: Score) -> bool {
    bands.len().checked_sub(1).is_some() && band_of(bands, score) == bands.len().checked_sub(1)
}

/// One period of a bonus run: the run so far and whether this period is in
/// the top band → the run after it and whether it completes a bonus (the
/// run then starts again from zero).
pub fn bonus_step(run: u8, in_top: bool) -> (u8, bool) {
    match in_top {
        false => (0, false),
        true if usize::from(run) + 1 >= BONUS_RUN => (0, true),
        true => (run + 1, false),
    }
}

/// Whether `next` is the calendar period right after `previous`: the next
/// month, quarter or year, of the same kind. A run of the bonus or the
/// blacklist counts only periods in a row, so a month without a sheet
/// breaks it.
pub fn follows(previous: &Period, next: &Period) -> bool {
    match (period_index(previous), period_index(next)) {
        (Some((kind, a)), Some((next_kind, b))) => kind == next_kind && a + 1 == b,
        _ => false,
    }
}

/// A period as (kind, months or quarters or years since year 0): `'M'`,
/// `'Q'` or `'Y'`.
fn period_index(period: &Period) -> Option<(char, i64)> {
    let year = i64::from(period.year());
    match period.as_str().get(5..) {
        None | Some("") => Some(('Y', year)),
        Some(rest) => match rest.strip_prefix('Q') {
            Some(quarter) => quarter.parse::<i64>().ok().map(|q| ('Q', year * 4 + q - 1)),
            None => rest.parse::<i64>().ok().map(|m| ('M', year * 12 + m - 1)),
        },
    }
}

/// Periods in a row that put a household on the blacklist, or lift it.
pub const BLACKLIST_RUN: usize = 3;

/// The households in last place of one period: the lowest total among those
/// scored (ties: all of them). Unscored households are not in `scores`. A
/// sheet on which every household ties has no last place: nobody did worse
/// than anyone, so nobody moves toward the blacklist.
pub fn last_place<'a, K: Eq>(scores: &'a [(K, Score)]) -> Vec<&'a K> {
    let Some(lowest) = scores.iter().map(|(_, score)| *score).min() else {
        return Vec::new();
    };
    if scores.iter().all(|(_, score)| *score == lowest) {
        return Vec::new();
    }
    scores
        .iter()
        .filter(|(_, score)| *score == lowest)
        .map(|(key, _)| key)
        .collect()
}

/// A household's blacklist state after its periods in order: `Some(true)`
/// last that period, `Some(false)` scored and not last, `None` unscored
/// (which neither extends nor breaks a run). Three lasts running list it;
/// three scored periods running not last lift it.
pub fn blacklisted_after(periods: &[Option<bool>]) -> bool {
    let mut runs = BlacklistRuns::default();
    let mut listed = false;
    for period in periods {
        let Some(last) = period else { continue };
        runs = runs.step(*last);
        match runs.change(listed) {
            Some(BlacklistChange::Listed) => {
                listed = true;
                runs.lasts = 0;
            }
            Some(BlacklistChange::Lifted) => {
                listed = false;
                runs.clear = 0;
            }
            None => {}
        }
    }
    listed
}

/// A household's runs toward the blacklist: scored periods in a row in last
/// place, and scored periods in a row not last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlacklistRuns {
    pub lasts: u8,
    pub clear: u8,
}

/// What a period does to a household's place on the blacklist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlacklistChange {
    Listed,
    Lifted,
}

impl BlacklistRuns {
    /// The runs after one scored period, last or not.
    pub fn step(self, last: bool) -> BlacklistRuns {
        match last {
            true => BlacklistRuns {
                lasts: self.lasts.saturating_add(1),
                clear: 0,
            },
            false => BlacklistRuns {
                lasts: 0,
                clear: self.clear.saturating_add(1),
            },
        }
    }

    /// Whether these runs list a household not listed, or lift one listed.
    pub fn change(self, listed: bool) -> Option<BlacklistChange> {
        let run = BLACKLIST_RUN as u8;
        match listed {
            false if self.lasts >= run => Some(BlacklistChange::Listed),
            true if self.clear >= run => Some(BlacklistChange::Lifted),
            _ => None,
        }
    }
}

/// A ranked entry: its rank (ties share one: 1, 2, 2, 4), key and figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranked<K> {
    pub rank: usize,
    pub key: K,
    pub figure: i64,
}

/// A ranking cut to a size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranking<K> {
    pub listed: Vec<Ranked<K>>,
    /// When ties at the cut-off would make the list longer than its size, the
    /// tied entries are not listed; instead: (their shared rank, how many).
    pub shared_last: Option<(usize, usize)>,
}

/// Ranks `entries` by `figure`, highest first (ties keep their given order
/// and share a rank), and keeps at most `size`.
pub fn rank<K: Clone>(entries: &[(K, i64)], size: usize) -> Ranking<K> {
    let mut sorted: Vec<&(K, i64)> = entries.iter().collect();
    crate::sorting::sort_by(&mut sorted, |a, b| b.1.cmp(&a.1));
    let mut ranked: Vec<Ranked<K>> = Vec::with_capacity(sorted.len());
    for (index, (key, figure)) in sorted.into_iter().enumerate() {
        let rank = match ranked.last() {
            Some(previous) if previous.figure == *figure => previous.rank,
            _ => index + 1,
        };
        ranked.push(Ranked {
            rank,
            key: key.clone(),
            figure: *figure,
        });
    }
    if ranked.len() <= size {
        return Ranking {
            listed: ranked,
            shared_last: None,
        };
    }
    let cut_rank = ranked[size].rank;
    if size > 0 && ranked[size - 1].rank == cut_rank {
        // The tie straddles the cut: list those above it, and say how many share it.
        let tied = ranked.iter().filter(|r| r.rank == cut_rank).count();
        ranked.retain(|r| r.rank < cut_rank);
        return Ranking {
            listed: ranked,
            shared_last: Some((cut_rank, tied)),
        };
    }
    ranked.truncate(size);
    Ranking {
        listed: ranked,
        shared_last: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(text: &str) -> Score {
        Score::parse(text, Score(SCORE_TENTHS_MAX)).expect("a score")
    }

    #[test]
    fn scores_have_at_most_one_decimal() {
        let max = Score(SCORE_TENTHS_MAX);
        for (text, expected) in [
            ("85", Ok(850)),
            ("85.5", Ok(855)),
            ("０", Ok(0)),
            ("100", Ok(1000)),
            (" 90.0 ", Ok(900)),
        ] {
            assert_eq!(
                Score::parse(text, max).map(Score::tenths),
                expected,
                "{text}"
            );
        }
        for (text, expected) in [
            ("100.5", ScoreError::TooHigh),
            ("85.55", ScoreError::TooManyDecimals),
            ("", ScoreError::Empty),
            ("-1", ScoreError::Malformed),
            ("8a", ScoreError::Malformed),
            ("85.", ScoreError::Malformed),
            ("99999", ScoreError::TooHigh),
        ] {
            assert_eq!(Score::parse(text, max), Err(expected), "{text}");
        }
        assert_eq!(Score::parse("16", Score(150)), Err(ScoreError::TooHigh));
        assert_eq!(score("85.5").to_string(), "85.5");
        assert_eq!(score("90").to_string(), "90");
    }

    #[test]
    fn a_deduction_reads_0_to_minus_its_limit_and_refuses_a_positive_value() {
        let ten = Score(100);
        for (text, expected) in [
            ("-5", Ok(50)),
            ("−2.5", Ok(25)),
            ("－10", Ok(100)),
            ("0", Ok(0)),
            ("-0", Ok(0)),
            ("", Ok(0)),
        ] {
            assert_eq!(
                Score::parse_deduction(text, ten).map(Score::tenths),
                expected,
                "{text}"
            );
        }
        for (text, expected) in [
            ("5", ScoreError::DeductionPositive),
            ("0.5", ScoreError::DeductionPositive),
            ("-10.5", ScoreError::DeductionTooLarge),
            ("-2.55", ScoreError::TooManyDecimals),
            ("-x", ScoreError::Malformed),
            ("--1", ScoreError::Malformed),
        ] {
            assert_eq!(Score::parse_deduction(text, ten), Err(expected), "{text}");
        }
    }

    #[test]
    fn the_seed_table_totals_100() {
        let table = default_table();
        assert_eq!(table_max(&table), Score(1000));
        let maxima: Vec<u16> = table.iter().map(|c| c.max().tenths() / 10).collect();
        assert_eq!(maxima, vec![50, 20, 10, 10, 10]);
    }

    #[test]
    fn band_edges_are_exact() {
        let bands = default_bands();
        for (text, points) in [
            ("0", 0),
            ("79.9", 0),
            ("80", 1),
            ("85", 1),
            ("85.5", 3),
            ("90", 3),
            ("90.5", 5),
            ("100", 5),
        ] {
            assert_eq!(
                points_for(&bands, score(text)),
                Points::from_whole(points).unwrap(),
                "{text}"
            );
        }
    }

    #[test]
    fn a_bonus_after_exactly_three_top_periods_and_again_after_three_more() {
        let bands = default_bands();
        let top = Some(score("95"));
        let middle = Some(score("88"));
        assert_eq!(bonus_periods(&bands, &[top, top]), Vec::<usize>::new());
        assert_eq!(bonus_periods(&bands, &[top, top, top]), vec![2]);
        assert_eq!(bonus_periods(&bands, &[top, top, top, top, top]), vec![2]);
        assert_eq!(
            bonus_periods(&bands, &[top, top, top, top, top, top]),
            vec![2, 5]
        );
        assert_eq!(
            bonus_periods(&bands, &[top, top, middle, top, top]),
            Vec::<usize>::new()
        );
        assert_eq!(
            bonus_periods(&bands, &[top, None, top, top]),
            Vec::<usize>::new(),
            "an unscored period breaks the run"
        );
        assert_eq!(bonus_periods(&bands, &[middle, top, top, top]), vec![3]);
    }

    #[test]
    fn last_place_counts_ties_and_ignores_the_unscored() {
        let scores = [
            ("A", score("70")),
            ("B", score("65")),
            ("C", score("65")),
            ("D", score("90")),
        ];
        assert_eq!(last_place(&scores), vec![&"B", &"C"]);
        assert!(last_place::<&str>(&[]).is_empty());
        let all_tied = [("A", score("88")), ("B", score("88")), ("C", score("88"))];
        assert!(
            last_place(&all_tied).is_empty(),
            "every household ties: nobody is last"
        );
        assert!(last_place(&[("A", score("60"))]).is_empty());
    }

    #[test]
    fn periods_follow_by_the_calendar() {
        let period = |text: &str| Period::new(text).expect("valid");
        for (previous, next, expected) in [
            ("2026-10", "2026-11", true),
            ("2026-12", "2027-01", true),
            ("2026-10", "2026-12", false),
            ("2026-11", "2026-11", false),
            ("2026-Q4", "2027-Q1", true),
            ("2026-Q2", "2026-Q4", false),
            ("2026-12", "2026-Q4", false),
            ("2025", "2026", true),
        ] {
            assert_eq!(
                follows(&period(previous), &period(next)),
                expected,
                "{previous} → {next}"
            );
        }
    }

    #[test]
    fn three_lasts_running_list_a_household_and_three_clear_lift_it() {
        let (last, clear) = (Some(true), Some(false));
        assert!(!blacklisted_after(&[last, last]));
        assert!(blacklisted_after(&[last, last, last]));
        assert!(!blacklisted_after(&[last, last, clear, last]));
        assert!(
            blacklisted_after(&[last, None, last, last]),
            "unscored periods do not break the run"
        );
        assert!(blacklisted_after(&[last, last, last, clear, clear]));
        assert!(!blacklisted_after(&[last, last, last, clear, clear, clear]));
        assert!(blacklisted_after(&[
            last, last, last, clear, last, clear, clear
        ]));
    }

    #[test]
    fn rankings_share_ranks_and_say_how_many_share_the_cut() {
        let entries = [
            ("A", 50),
            ("B", 40),
            ("C", 40),
            ("D", 30),
            ("E", 30),
            ("F", 30),
            ("G", 10),
        ];
        let ranking = rank(&entries, 3);
        let listed: Vec<(usize, &str)> = ranking.listed.iter().map(|r| (r.rank, r.key)).collect();
        assert_eq!(listed, vec![(1, "A"), (2, "B"), (2, "C")]);
        assert_eq!(ranking.shared_last, None);
        let ranking = rank(&entries, 4);
        let listed: Vec<(usize, &str)> = ranking.listed.iter().map(|r| (r.rank, r.key)).collect();
        assert_eq!(listed, vec![(1, "A"), (2, "B"), (2, "C")]);
        assert_eq!(
            ranking.shared_last,
            Some((4, 3)),
            "three share fourth place"
        );
        assert_eq!(rank(&entries, 10).listed.len(), 7);
        assert_eq!(
            rank(&entries, 6)
                .listed
                .iter()
                .map(|r| r.rank)
                .collect::<Vec<_>>(),
            vec![1, 2, 2, 4, 4, 4]
        );
    }
}
