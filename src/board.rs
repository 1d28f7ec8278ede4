//! The village points board (亮积分、比积分): the quarter's ranking, the
//! stars of the quarter (积分之星) and last year's advanced households
//! (先进户), folded from the same state as the balances.
//!
//! The stars of a quarter and the advanced households of a year rank by the
//! net points of the period: its credits (evaluation points, whose score
//! sheets' deductions lowered them already, bonuses and the platform's) plus
//! the signed corrections dated in it, not the balance that redemptions
//! reduce. A correction counts in the period of its date in the village,
//! even when it names an earlier credit: honours once printed for a past
//! quarter or year do not change behind the notice board. Transfers of a
//! split or merge (分户 / 合户) move a balance, not merit, and never count.
//! This quarter's running ranking is by the sum of scores where applied
//! score sheets exist, else by its net points. Ties share a rank; when ties at the cut-off would
//! make a list longer than its size, the board says how many share the last
//! place instead of listing them all. Names follow the village's setting.

use crate::calendar::LocalDate;
use crate::ids::{HouseholdCode, Period};
use crate::points::Points;
use crate::rules::{rank, Ranking};
use crate::settings::NameDisplay;
use crate::state::{HouseholdStatus, SortedMap, State};

/// One line of a board list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardLine {
    pub rank: usize,
    pub household: HouseholdCode,
    /// The name as the village shows it (full, surname + 某, or the code).
    pub name: String,
    /// The net points of the period: credits plus signed corrections.
    pub earned: Points,
    /// The sum of the household's applied scores in the period, in tenths,
    /// when the list ranks by scores.
    pub score_tenths: Option<i64>,
}

/// A list of the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardList {
    /// `2026-Q4`, or the year `2025`.
    pub period: String,
    pub lines: Vec<BoardLine>,
    /// (rank, how many) sharing the last place, when not all listed.
    pub shared_last: Option<(usize, usize)>,
}

/// The board on a given village-local day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Board {
    /// This quarter's ranking (every household that earned points).
    pub quarter: BoardList,
    /// The stars of the last complete quarter.
    pub stars: BoardList,
    /// Last year's advanced households.
    pub advanced: BoardList,
    /// Blacklisted households, when the village shows them.
    pub blacklist: Vec<String>,
}

/// Households shown in the quarter's ranking at most.
pub const QUARTER_LIST_MAX: usize = 50;

/// The quarter (1–4) of a month.
fn quarter_of(month: u32) -> u32 {
    (month.saturating_sub(1)) / 3 + 1
}

/// The (year, quarter) a credit period belongs to, if it names a month or a
/// quarter.
fn period_quarter(period: &Period) -> Option<(i32, u32)> {
    let text = period.as_str();
    let year = period.year();
    match text.get(5..) {
        Some(rest) if rest.starts_with('Q') => rest[1..].parse().ok().map(|q| (year, q)),
        Some(month) => month.parse().ok().map(|m| (year, quarter_of(m))),
        None => None,
    }
}

/// The name as the village's setting shows it.
pub fn display_name(name: &str, code: &HouseholdCode, display: NameDisplay) -> String {
    match display {
        NameDisplay::Full => name.to_string(),
        NameDisplay::Surname => name
            .chars()
            .next()
            .map(|c| format!("{c}某"))
            .unwrap_or_default(),
        NameDisplay::Code => code.to_string(),
    }
}

/// The board on village-local `today`.
pub fn board(state: &State, today: LocalDate) -> Board {
    let this_quarter = (today.year, quarter_of(today.month));
    let last_quarter = if this_quarter.1 == 1 {
        (today.year - 1, 4)
    } else {
        (today.year, this_quarter.1 - 1)
    };
    let mut by_quarter: SortedMap<(i32, u32), SortedMap<&HouseholdCode, i64>> = SortedMap::new();
    let mut by_year: SortedMap<i32, SortedMap<&HouseholdCode, i64>> = SortedMap::new();
    for ((household, period, _source), (_, amount)) in &state.credits {
        if let Some(quarter) = period_quarter(period) {
            *by_quarter
                .entry(quarter)
                .or_default()
                .entry(household)
                .or_default() += amount.hundredths();
        }
        *by_year
            .entry(period.year())
            .or_default()
            .entry(household)
            .or_default() += amount.hundredths();
    }
    let offset = state
        .kiosk
        .as_ref()
        .map_or(8 * 60, |k| k.utc_offset_minutes);
    for household in state.households.values() {
        let corrections = household.history.iter().filter(|l| l.kind == "corrected");
        for line in corrections {
            let date = crate::calendar::local_date(line.time_ms, offset);
            let quarter = (date.year, quarter_of(date.month));
            let change = line.change.hundredths();
            *by_quarter
                .entry(quarter)
                .or_default()
                .entry(&household.code)
                .or_default() += change;
            *by_year
                .entry(date.year)
                .or_default()
                .entry(&household.code)
                .or_default() += change;
        }
    }
    let mut scores_by_quarter: SortedMap<(i32, u32), SortedMap<&HouseholdCode, i64>> =
        SortedMap::new();
    for (period, posting) in &state.postings {
        let Some(quarter) = period_quarter(period).filter(|_| posting.applied_ms.is_some()) else {
            continue;
        };
        for (household, score) in &posting.scores {
            *scores_by_quarter
                .entry(quarter)
                .or_default()
                .entry(household)
                .or_default() += i64::from(score.tenths());
        }
    }
    let settings = &state.settings;
    let list = |earned: Option<&SortedMap<&HouseholdCode, i64>>,
                scores: Option<&SortedMap<&HouseholdCode, i64>>,
                size: usize,
                label: String| {
        let figures = scores.or(earned);
        let mut entries: Vec<(HouseholdCode, i64)> = state
            .households
            .values()
            .filter(|h| h.status != HouseholdStatus::MovedAway)
            .filter_map(|h| {
                figures
                    .and_then(|e| e.get(&h.code))
                    .filter(|v| **v > 0)
                    .map(|v| (h.code.clone(), *v))
            })
            .collect();
        crate::sorting::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        let mut list = board_list(state, rank(&entries, size), label, settings.name_display);
        for line in &mut list.lines {
            let earned_here = earned.and_then(|e| e.get(&line.household)).copied();
            if scores.is_some() {
                line.score_tenths = Some(line.earned.hundredths());
                line.earned = earned_here
                    .and_then(Points::from_hundredths)
                    .unwrap_or(Points::ZERO);
            }
        }
        list
    };
    let blacklist = if settings.blacklist_on_board {
        state
            .households
            .values()
            .filter(|h| h.blacklisted)
            .map(|h| display_name(h.name.as_str(), &h.code, settings.name_display))
            .collect()
    } else {
        Vec::new()
    };
    Board {
        quarter: list(
            by_quarter.get(&this_quarter),
            scores_by_quarter.get(&this_quarter),
            QUARTER_LIST_MAX,
            format!("{}-Q{}", this_quarter.0, this_quarter.1),
        ),
        stars: list(
            by_quarter.get(&last_quarter),
            None,
            usize::from(settings.stars_count),
            format!("{}-Q{}", last_quarter.0, last_quarter.1),
        ),
        advanced: list(
            by_year.get(&(today.year - 1)),
            None,
            usize::from(settings.advanced_count),
            (today.year - 1).to_string(),
        ),
        blacklist,
    }
}

fn board_list(
    state: &State,
    ranking: Ranking<HouseholdCode>,
    period: String,
    display: NameDisplay,
) -> BoardList {
    let lines = ranking
        .listed
        .into_iter()
        .map(|ranked| {
            let name = state
                .household(&ranked.key)
                .map(|h| h.name.to_string())
                .unwrap_or_default();
            BoardLine {
                rank: ranked.rank,
                name: display_name(&name, &ranked.key, display),
                household: ranked.key,
                earned: Points::from_hundredths(ranked.figure).unwrap_or(Points::ZERO),
                score_tenths: None,
            }
        })
        .collect();
    BoardList {
        period,
        lines,
        shared_last: ranking.shared_last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_village_setting() {
        let code = HouseholdCode::new("A001").expect("valid");
        assert_eq!(display_name("王建国", &code, NameDisplay::Full), "王建国");
        assert_eq!(display_name("王建国", &code, NameDisplay::Surname), "王某");
        assert_eq!(display_name("王建国", &code, NameDisplay::Code), "A001");
    }

    #[test]
    fn periods_fall_in_quarters() {
        let period = |text: &str| Period::new(text).expect("valid");
        assert_eq!(period_quarter(&period("2026-01")), Some((2026, 1)));
        assert_eq!(period_quarter(&period("2026-10")), Some((2026, 4)));
        assert_eq!(period_quarter(&period("2026-Q2")), Some((2026, 2)));
        assert_eq!(period_quarter(&period("2026")), None);
    }
}
