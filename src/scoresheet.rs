//! Score sheets, for villages whose kiosk turns scores into points (points
//! source `kiosk`): a period's sheet is imported and posted (公示), objections
//! (异议) correct a household's score during posting, and after the posting
//! period the clerk applies it: evaluation credits keyed
//! `(household, period, "evaluation")`, bonuses keyed
//! `(household, period, "bonus")`, and blacklist (曝光台) changes.
//!
//! Also the other operations on the points rules: changing the rules and
//! lifting a household off the blacklist. Every operation here is validated
//! against the state and becomes entries; [`State`] folds them through
//! [`apply`]. Time is always passed in.

use crate::entry::Actor;
use crate::entry::{Body, Entry, EntryId};
use crate::error::Error;
use crate::ids::{HouseholdCode, Period, StaffId, Text};
use crate::import::{
    normalise_header, parse_code, split_records, Delimiter, ImportError, ImportErrors,
    ImportProblem, IMPORT_BYTES_MAX, IMPORT_ROWS_MAX,
};
use crate::points::Points;
use crate::rulebook::{PointsSource, Rules, RulesRecord};
use crate::rules::{
    bonus_step, follows, in_top_band, last_place, points_for, table_max, BlacklistChange,
    BlacklistRuns, Score,
};
use crate::state::{ApplyError, State};
use indexmap::IndexMap;

/// The credit source of a period's evaluation points (the platform's
/// imports use the same, so a period is credited once either way).
pub const EVALUATION_SOURCE: &str = crate::import::DEFAULT_SOURCE;
/// The credit source of a bonus run's points.
pub const BONUS_SOURCE: &str = "bonus";
/// Milliseconds in a day, for the posting period.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Objections recorded in one period at most.
pub const OBJECTIONS_MAX: usize = 500;

/// A period's score sheet as the journal holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    /// When the sheet was posted: the posting period starts here. While it
    /// waits for review, when it was imported.
    pub posted_ms: i64,
    /// Each household's score, objections applied.
    pub scores: IndexMap<HouseholdCode, Score>,
    /// Objections settled (an objection recorded with its finding at once
    /// is settled too).
    pub objections: Vec<Objection>,
    pub applied_ms: Option<i64>,
    pub review: Review,
    /// Objections raised and not yet resolved: the sheet is not applied
    /// while there are any ("公示无异议后").
    pub pending: Vec<Raised>,
}

/// Where a sheet stands in the leading group's review ("入户评比―领导组审核―
/// 张贴公示").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Review {
    /// Posted as it was imported: sheets of journals written before review.
    Unreviewed,
    /// Imported by `imported_by` (none: the kiosk itself), not posted yet.
    Waiting { imported_by: Option<StaffId> },
    /// Approved and posted by `by`; `own`: by the admin who imported it, the
    /// village having turned the two-person rule off.
    Approved { by: Option<StaffId>, own: bool },
}

impl Review {
    pub fn is_posted(&self) -> bool {
        !matches!(self, Review::Waiting { .. })
    }
}

/// An objection: what was found and the score it corrected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Objection {
    pub household: HouseholdCode,
    pub finding: Text,
    pub before: Option<Score>,
    pub score: Score,
    pub time_ms: i64,
    /// The objection as it was raised, when it waited for a finding.
    pub raised: Option<Raised>,
}

/// An objection as it was raised: who raised it, when, and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raised {
    pub household: HouseholdCode,
    pub by: Text,
    pub what: Text,
    pub time_ms: i64,
}

impl Posting {
    /// The time the sheet may be applied from.
    pub fn posting_ends_ms(&self, posting_days: u16) -> i64 {
        self.posted_ms
            .saturating_add(i64::from(posting_days).saturating_mul(DAY_MS))
    }
}

/// A household's runs: top-band periods in a row toward a bonus, and its
/// runs toward or off the blacklist.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Runs {
    pub top: u8,
    pub blacklist: BlacklistRuns,
}

// ---------------------------------------------------------------------------
// Results of a period

/// One household's result in a period, as the board posts it and the apply
/// credits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodResult {
    pub household: HouseholdCode,
    pub score: Score,
    pub points: Points,
    /// This period completes a bonus run.
    pub bonus: bool,
    /// In last place this period (ties: all of them).
    pub last: bool,
    pub blacklist: Option<BlacklistChange>,
    /// The runs after this period.
    runs: Runs,
}

/// Whether the runs as they stand lead into `period`: the last period
/// applied before it is the calendar period right before it. After a gap (a
/// month without a sheet) every run, toward the bonus or the blacklist,
/// starts again ("连续3个月").
pub fn runs_continue(state: &State, period: &Period) -> bool {
    state
        .postings
        .iter()
        .filter(|(other, posting)| *other < period && posting.applied_ms.is_some())
        .last()
        .is_some_and(|(previous, _)| follows(previous, period))
}

/// What a posted period gives each household scored in it, against the
/// runs and the blacklist as they stand: highest score first.
pub fn results(state: &State, period: &Period, posting: &Posting) -> Vec<PeriodResult> {
    let rules = &state.rules;
    let in_a_row = runs_continue(state, period);
    let scores: Vec<(HouseholdCode, Score)> = posting
        .scores
        .iter()
        .map(|(household, score)| (household.clone(), *score))
        .collect();
    let lasts = last_place(&scores);
    let mut rows: Vec<PeriodResult> = scores
        .iter()
        .map(|(household, score)| {
            let before = match in_a_row {
                true => state.runs.get(household).copied().unwrap_or_default(),
                false => Runs::default(),
            };
            let (top, bonus) = bonus_step(before.top, in_top_band(&rules.bands, *score));
            let last = lasts.contains(&household);
            let blacklist = before.blacklist.step(last);
            let listed = state.household(household).is_some_and(|h| h.blacklisted);
            PeriodResult {
                household: household.clone(),
                score: *score,
                points: points_for(&rules.bands, *score),
                bonus,
                last,
                blacklist: blacklist.change(listed),
                runs: Runs { top, blacklist },
            }
        })
        .collect();
    crate::sorting::sort_by(&mut rows, |a, b| {
        b.score.cmp(&a.score).then(a.household.cmp(&b.household))
    });
    rows
}

/// The period being posted or waiting for review, if any: the earliest not
/// yet applied (periods are applied in order, so a later one waits behind
/// it).
pub fn current_posting(state: &State) -> Option<(&Period, &Posting)> {
    state
        .postings
        .iter()
        .find(|(_, posting)| posting.applied_ms.is_none())
}

// ---------------------------------------------------------------------------
// Reading a score sheet

/// A checked score sheet: each household once, each score within its
/// maximum, the parts adding up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub period: Period,
    pub rows: Vec<SheetRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRow {
    pub line: usize,
    pub household: HouseholdCode,
    pub score: Score,
}

/// Where a score column's value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Item(usize, usize),
    Category(usize),
    Total,
}

const HOUSEHOLD_HEADERS: [&str; 5] = ["户号", "household", "code", "householdcode", "编号"];
const TOTAL_HEADERS: [&str; 6] = ["总分", "total", "合计", "得分", "score", "totalscore"];

/// The columns of a header row: the household code's, and each score
/// column with its target and header as written.
type Columns = (usize, Vec<(usize, Target, String)>);

fn header_columns(cells: &[String], rules: &Rules) -> Option<Columns> {
    let mut household = None;
    let mut scores = Vec::new();
    for (position, cell) in cells.iter().enumerate() {
        let name = normalise_header(cell);
        if name.is_empty() {
            continue;
        }
        if HOUSEHOLD_HEADERS.contains(&name.as_str()) {
            household.get_or_insert(position);
            continue;
        }
        let target = if TOTAL_HEADERS.contains(&name.as_str()) {
            Some(Target::Total)
        } else {
            rules.table.iter().enumerate().find_map(|(c, category)| {
                if normalise_header(&category.name) == name {
                    return Some(Target::Category(c));
                }
                category
                    .items
                    .iter()
                    .position(|item| normalise_header(&item.name) == name)
                    .map(|i| Target::Item(c, i))
            })
        };
        if let Some(target) = target {
            scores.push((position, target, cell.clone()));
        }
    }
    Some((household?, scores))
}

/// The names of a level's columns the sheet leaves out, when it has some of
/// that level but not all.
fn missing_columns(rules: &Rules, scores: &[(usize, Target, String)]) -> Vec<String> {
    let has = |target: Target| scores.iter().any(|(_, t, _)| *t == target);
    let mut missing = Vec::new();
    // Deduction columns are never missing: a sheet without one takes
    // nothing off, as sheets did before the table had deductions.
    let items: Vec<(Target, &str)> = rules
        .table
        .iter()
        .enumerate()
        .flat_map(|(c, category)| {
            category
                .items
                .iter()
                .enumerate()
                .filter(|(_, item)| !item.deduction)
                .map(move |(i, item)| (Target::Item(c, i), item.name.as_str()))
        })
        .collect();
    let categories: Vec<(Target, &str)> = rules
        .table
        .iter()
        .enumerate()
        .filter(|(_, category)| !category.is_deductions())
        .map(|(c, category)| (Target::Category(c), category.name.as_str()))
        .collect();
    for level in [items, categories] {
        if level.iter().any(|(t, _)| has(*t)) {
            missing.extend(
                level
                    .iter()
                    .filter(|(t, _)| !has(*t))
                    .map(|(_, name)| name.to_string()),
            );
        }
    }
    missing
}

fn max_of(rules: &Rules, target: Target) -> Score {
    match target {
        Target::Item(c, i) => rules.table[c].items[i].max,
        Target::Category(c) if rules.table[c].is_deductions() => rules.table[c].deduction_max(),
        Target::Category(c) => rules.table[c].max(),
        Target::Total => table_max(&rules.table),
    }
}

/// Whether a column takes points off (扣分): a deduction item, or a
/// category of deduction items only. Its cells read 0 … −max.
fn is_deduction(rules: &Rules, target: Target) -> bool {
    match target {
        Target::Item(c, i) => rules.table[c].items[i].deduction,
        Target::Category(c) => rules.table[c].is_deductions(),
        Target::Total => false,
    }
}

/// Reads a period's score sheet (CSV or tab-separated text, as the clerk's
/// other imports): a household code column (户号 / household) and item
/// scores, category scores or a total (总分 / total), headers as the rules
/// name them. Deduction columns (扣分项) hold 0 … −max (empty is 0) and may
/// be left out; a household's score is its scored items less its
/// deductions, never below 0, and a total column is that score. Any bad row
/// refuses the whole sheet, naming every bad cell.
pub fn parse(state: &State, period: &Period, text: &str) -> Result<Sheet, ImportErrors> {
    let rules = &state.rules;
    if text.len() > IMPORT_BYTES_MAX {
        return Err(ImportError::file(ImportProblem::TooLarge {
            bytes_max: IMPORT_BYTES_MAX,
        })
        .into());
    }
    if state.postings.contains_key(period) {
        return Err(ImportError::file(ImportProblem::PeriodScored).into());
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut records = split_records(text, Delimiter::detect(text))?;
    let header = records
        .iter()
        .take(crate::import::HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(index, record)| {
            header_columns(&record.cells, rules)
                .filter(|(_, scores)| !scores.is_empty())
                .map(|columns| (index, record.line, columns))
        });
    let Some((index, header_line, (code_column, scores))) = header else {
        let missing = vec![crate::import::Field::Code];
        let line = records.first().map_or(0, |r| r.line);
        return Err(ImportError::at(line, ImportProblem::NoHeader { missing }).into());
    };
    let missing = missing_columns(rules, &scores);
    if !missing.is_empty() {
        return Err(
            ImportError::at(header_line, ImportProblem::MissingScoreColumns { missing }).into(),
        );
    }
    records.drain(..=index);
    if records.is_empty() {
        return Err(ImportError::at(header_line, ImportProblem::NoRows).into());
    }
    if records.len() > IMPORT_ROWS_MAX {
        return Err(ImportError::file(ImportProblem::TooManyRows {
            rows_max: IMPORT_ROWS_MAX,
        })
        .into());
    }
    let code_header = records_header(text, header_line, code_column);
    let mut errors = Vec::new();
    let mut rows: Vec<SheetRow> = Vec::new();
    for record in &records {
        let cell = |position: usize| record.cells.get(position).map_or("", String::as_str);
        let fail = |column: &str, value: &str, problem| ImportError {
            column: Some(column.to_string()),
            value: value.to_string(),
            ..ImportError::at(record.line, problem)
        };
        let household = match parse_code(cell(code_column), state.settings.code_width) {
            Err(problem) => {
                errors.push(fail(&code_header, cell(code_column), problem));
                None
            }
            Ok((code, _)) if state.household(&code).is_none() => {
                let problem = ImportProblem::UnknownHousehold { hint: None };
                errors.push(fail(&code_header, code.as_str(), problem));
                None
            }
            Ok((code, _)) => match rows.iter().find(|row| row.household == code) {
                Some(first) => {
                    let problem = ImportProblem::DuplicateRow {
                        first_line: first.line,
                    };
                    errors.push(fail(&code_header, code.as_str(), problem));
                    None
                }
                None => Some(code),
            },
        };
        let mut parsed: Vec<(Target, Score, &str, &str)> = Vec::new();
        for (position, target, written_header) in &scores {
            let max = max_of(rules, *target);
            let read = match is_deduction(rules, *target) {
                true => Score::parse_deduction(cell(*position), max),
                false => Score::parse(cell(*position), max),
            };
            match read {
                Ok(score) => parsed.push((*target, score, written_header, cell(*position))),
                Err(problem) => errors.push(fail(
                    written_header,
                    cell(*position),
                    ImportProblem::BadScore(problem),
                )),
            }
        }
        if parsed.len() != scores.len() {
            continue;
        }
        let sum_of = |wanted: &dyn Fn(Target) -> bool| -> u16 {
            parsed
                .iter()
                .filter(|(t, ..)| wanted(*t))
                .map(|(_, s, ..)| s.tenths())
                .sum()
        };
        let deduction = |t: Target| is_deduction(rules, t);
        let scored_item = |t: Target| matches!(t, Target::Item(..)) && !deduction(t);
        let scored_category = |t: Target| matches!(t, Target::Category(_)) && !deduction(t);
        let has_items = parsed.iter().any(|(t, ..)| scored_item(*t));
        let has_categories = parsed.iter().any(|(t, ..)| scored_category(*t));
        // What the deductions take off: a deduction category's column where
        // the sheet has one, else its items'.
        let has_column = |t: Target| parsed.iter().any(|(other, ..)| *other == t);
        let deducted = sum_of(&|t| match t {
            Target::Category(_) => deduction(t),
            Target::Item(c, _) => deduction(t) && !has_column(Target::Category(c)),
            Target::Total => false,
        });
        let net = |scored: u16| scored.saturating_sub(deducted);
        for (target, score, written_header, written) in &parsed {
            let sum = match target {
                Target::Category(c) if deduction(*target) => {
                    let items = |t: Target| matches!(t, Target::Item(tc, _) if tc == *c);
                    if !parsed.iter().any(|(t, ..)| items(*t)) {
                        continue;
                    }
                    sum_of(&items)
                }
                Target::Category(c) if has_items => {
                    sum_of(&|t| matches!(t, Target::Item(tc, _) if tc == *c) && scored_item(t))
                }
                Target::Total if has_categories => net(sum_of(&scored_category)),
                Target::Total if has_items => net(sum_of(&scored_item)),
                _ => continue,
            };
            if sum != score.tenths() {
                let sum = Score::from_tenths(sum).unwrap_or_default();
                errors.push(fail(
                    written_header,
                    written,
                    ImportProblem::ScoresDoNotAddUp { sum },
                ));
            }
        }
        let total = match parsed.iter().find(|(t, ..)| *t == Target::Total) {
            Some((_, score, ..)) => score.tenths(),
            None if has_categories => net(sum_of(&scored_category)),
            None => net(sum_of(&scored_item)),
        };
        if let (Some(household), Some(score)) = (household, Score::from_tenths(total)) {
            rows.push(SheetRow {
                line: record.line,
                household,
                score,
            });
        }
    }
    if !errors.is_empty() {
        return Err(ImportErrors { errors });
    }
    Ok(Sheet {
        period: period.clone(),
        rows,
    })
}

/// The household column's header as the sheet writes it.
fn records_header(text: &str, header_line: usize, column: usize) -> String {
    split_records(text, Delimiter::detect(text))
        .ok()
        .and_then(|records| records.into_iter().find(|r| r.line == header_line))
        .and_then(|record| record.cells.get(column).cloned())
        .unwrap_or_else(|| "户号".to_string())
}

/// A blank score sheet with the rules' item columns, deduction items
/// among them, and the total after deductions (UTF-8 with BOM).
pub fn template(rules: &Rules) -> String {
    let mut header = vec!["户号".to_string(), "户主".to_string()];
    for category in &rules.table {
        header.extend(category.items.iter().map(|item| item.name.clone()));
    }
    header.push("总分".to_string());
    format!("\u{FEFF}{}\r\n", header.join(","))
}

// ---------------------------------------------------------------------------
// Operations

/// An operation on the points rules, score sheets or the blacklist.
#[derive(Clone, Debug)]
pub enum PointsOperation {
    /// Admin: new rules (their version is set to the next one).
    ChangeRules { rules: Rules },
    /// Clerk: post a checked score sheet.
    PostScores { sheet: Sheet },
    /// Admin other than the importer (the leading group): approve a
    /// submitted sheet, which posts it from now.
    Approve { period: Period },
    /// Clerk: record an objection raised during posting, pending until it
    /// is resolved.
    RaiseObjection {
        period: Period,
        household: HouseholdCode,
        raised_by: Text,
        what: Text,
    },
    /// Clerk: resolve a pending objection with a finding and, if needed, a
    /// corrected score.
    ResolveObjection {
        period: Period,
        household: HouseholdCode,
        finding: Text,
        score: Option<Score>,
    },
    /// Clerk: an objection during posting, with the finding and the
    /// corrected score.
    Object {
        period: Period,
        household: HouseholdCode,
        finding: Text,
        score: Score,
    },
    /// Clerk: apply a period after its posting.
    ApplyScores { period: Period },
    /// Clerk: take a household off the blacklist, with a reason.
    LiftBlacklist {
        household: HouseholdCode,
        reason: Text,
    },
}

fn refuse(field: &str, zh: &str, en: &str) -> Error {
    Error::invalid_with(field, zh, en)
}

fn posting_of<'a>(state: &'a State, period: &Period) -> Result<&'a Posting, Error> {
    match state.postings.get(period) {
        None => Err(refuse(
            "period",
            "这一期没有公示的评分",
            "no scores are posted for this period",
        )),
        Some(posting) if posting.applied_ms.is_some() => Err(refuse(
            "period",
            "这一期的评分已经入账了",
            "this period's scores are applied already",
        )),
        Some(posting) => Ok(posting),
    }
}

/// A posting being posted: approved (or from before review), not applied.
fn posted_of<'a>(state: &'a State, period: &Period) -> Result<&'a Posting, Error> {
    let posting = posting_of(state, period)?;
    if !posting.review.is_posted() {
        return Err(refuse(
            "period",
            "这一期的评分表还在等领导组审核,审核后才公示",
            "this period's sheet still waits for the leading group's review; it is posted once approved",
        ));
    }
    Ok(posting)
}

/// Whether one staff member may not both import and approve a sheet: the
/// village's two-person rule setting (on unless the village turned it off).
fn two_person_rule(state: &State) -> bool {
    state.settings.two_person_rule
}

fn score_within(state: &State, score: Score) -> Result<(), Error> {
    if score > table_max(&state.rules.table) {
        return Err(refuse(
            "score",
            "分数超过满分",
            "the score is above the table's total",
        ));
    }
    Ok(())
}

/// Objections of a period, settled and pending, stay under their limit.
fn room_for_objection(posting: &Posting) -> Result<(), Error> {
    if posting.objections.len() + posting.pending.len() >= OBJECTIONS_MAX {
        return Err(Error::LimitReached {
            what: "objections",
            limit: OBJECTIONS_MAX as i64,
        });
    }
    Ok(())
}

fn plan_approve(state: &State, period: Period, actor: &Actor) -> Result<Body, Error> {
    let posting = posting_of(state, &period)?;
    let Review::Waiting { imported_by } = &posting.review else {
        return Err(refuse(
            "period",
            "这一期的评分表已经审核公示了",
            "this period's sheet is approved and posted already",
        ));
    };
    let approver = match actor {
        Actor::Staff { staff } => Some(staff),
        _ => None,
    };
    let own = approver.is_some() && approver == imported_by.as_ref();
    if own && two_person_rule(state) {
        return Err(refuse(
            "staffSession",
            "评分表要由导入人以外的另一位管理员(领导组)审核",
            "a sheet is approved by an admin other than the one who imported it (the leading group)",
        ));
    }
    Ok(Body::ScoresApproved { period, own })
}

/// The entries an operation appends, with their ids (the first is replaced
/// by the request's id).
pub(crate) fn plan(
    state: &State,
    operation: PointsOperation,
    now_ms: i64,
    actor: &Actor,
) -> Result<Vec<(EntryId, Body)>, Error> {
    match operation {
        PointsOperation::ChangeRules { rules } => {
            let record = RulesRecord {
                version: state.rules.version + 1,
                ..rules.to_record()
            };
            Rules::from_record(&record)
                .map_err(|(zh, en)| Error::invalid_with("rules", &zh, &en))?;
            let id = EntryId::derived(&format!("rules:{}", record.version));
            Ok(vec![(id, Body::RulesChanged { rules: record })])
        }
        PointsOperation::PostScores { sheet } => plan_post(state, sheet),
        PointsOperation::Approve { period } => {
            let id = EntryId::derived(&format!("scores-approved:{period}"));
            Ok(vec![(id, plan_approve(state, period, actor)?)])
        }
        PointsOperation::RaiseObjection {
            period,
            household,
            raised_by,
            what,
        } => {
            let posting = posted_of(state, &period)?;
            if !posting.scores.contains_key(&household) {
                return Err(refuse(
                    "household",
                    "这一户不在这一期的评分表上",
                    "this household is not on this period's sheet",
                ));
            }
            if posting.pending.iter().any(|r| r.household == household) {
                return Err(refuse(
                    "household",
                    "这一户已有一条没处理完的异议,请先处理它",
                    "this household has an open objection already; resolve it first",
                ));
            }
            room_for_objection(posting)?;
            let id = EntryId::derived(&format!("objection-raised:{period}:{household}:{now_ms}"));
            let body = Body::ObjectionRaised {
                period,
                household,
                raised_by,
                what,
            };
            Ok(vec![(id, body)])
        }
        PointsOperation::ResolveObjection {
            period,
            household,
            finding,
            score,
        } => {
            let posting = posted_of(state, &period)?;
            if !posting.pending.iter().any(|r| r.household == household) {
                return Err(refuse(
                    "household",
                    "这一户没有待处理的异议",
                    "this household has no open objection",
                ));
            }
            if let Some(score) = score {
                score_within(state, score)?;
            }
            let id = EntryId::derived(&format!("objection-resolved:{period}:{household}:{now_ms}"));
            let body = Body::ObjectionResolved {
                period,
                household,
                finding,
                score_tenths: score.map(Score::tenths),
            };
            Ok(vec![(id, body)])
        }
        PointsOperation::Object {
            period,
            household,
            finding,
            score,
        } => {
            let posting = posted_of(state, &period)?;
            if state.household(&household).is_none() {
                return Err(Error::UnknownHousehold {
                    household: household.to_string(),
                });
            }
            score_within(state, score)?;
            room_for_objection(posting)?;
            let id = EntryId::derived(&format!("objection:{period}:{household}:{now_ms}"));
            let body = Body::ScoreObjected {
                period,
                household,
                finding,
                score_tenths: score.tenths(),
            };
            Ok(vec![(id, body)])
        }
        PointsOperation::ApplyScores { period } => plan_apply(state, period, now_ms),
        PointsOperation::LiftBlacklist { household, reason } => match state.household(&household) {
            None => Err(Error::UnknownHousehold {
                household: household.to_string(),
            }),
            Some(record) if !record.blacklisted => Err(refuse(
                "household",
                "这一户不在曝光台上",
                "this household is not on the blacklist",
            )),
            Some(_) => {
                let id = EntryId::derived(&format!("lift:{household}:{now_ms}"));
                Ok(vec![(id, Body::BlacklistLifted { household, reason })])
            }
        },
    }
}

fn plan_post(state: &State, sheet: Sheet) -> Result<Vec<(EntryId, Body)>, Error> {
    if state.rules.source != PointsSource::Kiosk {
        return Err(refuse(
            "pointsSource",
            "本村的积分由积分管理平台导入;要在终端上评分,请先在积分规则里把积分来源改为本机",
            "points come from the platform here; set the points source to kiosk in the rules first",
        ));
    }
    if !state.rules.period.fits(&sheet.period) {
        return Err(refuse(
            "period",
            "期间和评分周期不符(每月写 2026-10,每季度写 2026-Q4)",
            "the period does not fit the scoring period (monthly 2026-10, quarterly 2026-Q4)",
        ));
    }
    if state.postings.contains_key(&sheet.period) {
        return Err(ImportError::file(ImportProblem::PeriodScored).to_error());
    }
    if sheet.rows.is_empty() {
        return Err(refuse(
            "text",
            "评分表没有数据",
            "the score sheet has no rows",
        ));
    }
    let period = sheet.period;
    Ok(sheet
        .rows
        .into_iter()
        .map(|row| {
            let id = EntryId::derived(&format!("score:{period}:{}", row.household));
            let body = Body::ScoreSubmitted {
                period: period.clone(),
                household: row.household,
                score_tenths: row.score.tenths(),
            };
            (id, body)
        })
        .collect())
}

fn plan_apply(state: &State, period: Period, now_ms: i64) -> Result<Vec<(EntryId, Body)>, Error> {
    let posting = posted_of(state, &period)?;
    // Pending objections first: the clerk sees what to settle at any time.
    if !posting.pending.is_empty() {
        return Err(Error::ObjectionPending {
            period: period.to_string(),
            households: posting
                .pending
                .iter()
                .map(|r| r.household.to_string())
                .collect(),
        });
    }
    // The 公示 is counted in ledger time (crate::clock): a clock moved back
    // when the sheet was posted, or forward now, does not shorten it.
    let Some(now_ms) = state.clock.ledger_time_at(now_ms) else {
        return Err(Error::ClockUnconfirmed);
    };
    let until_ms = posting.posting_ends_ms(state.settings.posting_days);
    if now_ms < until_ms {
        return Err(Error::PostingNotOver {
            period: period.to_string(),
            until_ms,
        });
    }
    let out_of_order = state.postings.iter().any(|(other, posting)| {
        let later_applied = *other > period && posting.applied_ms.is_some();
        let earlier_waiting = *other < period && posting.applied_ms.is_none();
        later_applied || earlier_waiting
    });
    if out_of_order {
        return Err(refuse(
            "period",
            "评分要按期间先后入账:请先入账更早的一期",
            "periods are applied in order: apply the earlier period first",
        ));
    }
    let version = state.rules.version;
    let mut entries = vec![(
        EntryId::derived(&format!("scores-applied:{period}")),
        Body::ScoresApplied {
            period: period.clone(),
        },
    )];
    let source = |name: &str| Text::new(name, 40).map_err(|p| Error::invalid("source", &p));
    let (evaluation, bonus_source) = (source(EVALUATION_SOURCE)?, source(BONUS_SOURCE)?);
    for result in results(state, &period, posting) {
        let household = &result.household;
        let credits = [
            (evaluation.clone(), result.points, true),
            (bonus_source.clone(), state.rules.bonus_points, result.bonus),
        ];
        for (source, amount, earned) in credits {
            let key = (household.clone(), period.clone(), source.clone());
            if !earned || amount == Points::ZERO || state.credits.contains_key(&key) {
                continue;
            }
            let id = EntryId::derived(&format!("credit:{household}:{period}:{source}"));
            let body = Body::Credited {
                household: household.clone(),
                amount,
                period: period.clone(),
                source,
                reason: None,
                rules_version: version,
            };
            entries.push((id, body));
        }
        match result.blacklist {
            Some(BlacklistChange::Listed) => entries.push((
                EntryId::derived(&format!("blacklisted:{household}:{period}")),
                Body::Blacklisted {
                    household: household.clone(),
                    period: period.clone(),
                },
            )),
            Some(BlacklistChange::Lifted) => entries.push((
                EntryId::derived(&format!("blacklist-lifted:{household}:{period}")),
                Body::BlacklistLifted {
                    household: household.clone(),
                    reason: Text::new(&format!("{period} 连续三期不是末位"), 200)
                        .map_err(|p| Error::invalid("reason", &p))?,
                },
            )),
            None => {}
        }
    }
    Ok(entries)
}

// ---------------------------------------------------------------------------
// The fold

fn fail<T>(entry: &Entry, what: impl Into<String>) -> Result<T, ApplyError> {
    Err(ApplyError(format!("entry {}: {}", entry.seq, what.into())))
}

/// A posted sheet not yet applied, to take objections.
fn open_posting<'a>(state: &'a mut State, period: &Period) -> Option<&'a mut Posting> {
    state
        .postings
        .get_mut(period)
        .filter(|p| p.applied_ms.is_none() && p.review.is_posted())
}

fn score_of(entry: &Entry, tenths: u16, max: Score) -> Result<Score, ApplyError> {
    match Score::from_tenths(tenths) {
        Some(score) if score <= max => Ok(score),
        _ => fail(entry, "a score above the table's total"),
    }
}

/// Folds an entry of the points rules into the state. Refuses one that
/// cannot follow: rules out of order, a score of an unknown household, an
/// objection or apply of a period not being posted.
pub(crate) fn apply(state: &mut State, entry: &Entry) -> Result<(), ApplyError> {
    let max = table_max(&state.rules.table);
    // Postings are dated by the entry's ledger time, not its wall time.
    let at_ms = state.clock.ledger_ms;
    let known = |state: &State, household: &HouseholdCode| {
        if state.household(household).is_none() {
            return fail(entry, format!("unknown household {household}"));
        }
        Ok(())
    };
    match &entry.body {
        Body::RulesChanged { rules } => {
            if rules.version != state.rules.version + 1 {
                return fail(entry, "rules out of order");
            }
            state.rules = match Rules::from_record(rules) {
                Ok(rules) => rules,
                Err((_, en)) => return fail(entry, en),
            };
        }
        Body::ScorePosted {
            period,
            household,
            score_tenths,
        }
        | Body::ScoreSubmitted {
            period,
            household,
            score_tenths,
        } => {
            known(state, household)?;
            let score = score_of(entry, *score_tenths, max)?;
            let review = match (&entry.body, &entry.actor) {
                (Body::ScorePosted { .. }, _) => Review::Unreviewed,
                (_, Actor::Staff { staff }) => Review::Waiting {
                    imported_by: Some(staff.clone()),
                },
                _ => Review::Waiting { imported_by: None },
            };
            let posting = state
                .postings
                .entry(period.clone())
                .or_insert_with(|| Posting {
                    posted_ms: at_ms,
                    scores: IndexMap::new(),
                    objections: Vec::new(),
                    applied_ms: None,
                    review: review.clone(),
                    pending: Vec::new(),
                });
            if posting.applied_ms.is_some()
                || posting.posted_ms != at_ms
                || posting.review != review
            {
                return fail(entry, "a score posted into a closed sheet");
            }
            if posting.scores.insert(household.clone(), score).is_some() {
                return fail(entry, "a household scored twice in a period");
            }
        }
        Body::ScoreObjected {
            period,
            household,
            finding,
            score_tenths,
        } => {
            known(state, household)?;
            let score = score_of(entry, *score_tenths, max)?;
            let Some(posting) = state
                .postings
                .get_mut(period)
                .filter(|p| p.applied_ms.is_none())
            else {
                return fail(entry, "an objection outside posting");
            };
            let before = posting.scores.insert(household.clone(), score);
            posting.objections.push(Objection {
                household: household.clone(),
                finding: finding.clone(),
                before,
                score,
                time_ms: entry.time_ms,
                raised: None,
            });
        }
        Body::ScoresApproved { period, own } => {
            let Some(posting) = state.postings.get_mut(period) else {
                return fail(entry, "a sheet approved that was not imported");
            };
            if posting.review.is_posted() {
                return fail(entry, "a sheet approved twice");
            }
            let by = match &entry.actor {
                Actor::Staff { staff } => Some(staff.clone()),
                _ => None,
            };
            posting.posted_ms = at_ms;
            posting.review = Review::Approved { by, own: *own };
        }
        Body::ObjectionRaised {
            period,
            household,
            raised_by,
            what,
        } => {
            known(state, household)?;
            let Some(posting) = open_posting(state, period) else {
                return fail(entry, "an objection outside posting");
            };
            if posting.pending.iter().any(|r| r.household == *household) {
                return fail(entry, "a second open objection of a household");
            }
            posting.pending.push(Raised {
                household: household.clone(),
                by: raised_by.clone(),
                what: what.clone(),
                time_ms: entry.time_ms,
            });
        }
        Body::ObjectionResolved {
            period,
            household,
            finding,
            score_tenths,
        } => {
            let corrected = match score_tenths {
                Some(tenths) => Some(score_of(entry, *tenths, max)?),
                None => None,
            };
            let Some(posting) = open_posting(state, period) else {
                return fail(entry, "an objection outside posting");
            };
            let Some(index) = posting
                .pending
                .iter()
                .position(|r| r.household == *household)
            else {
                return fail(entry, "an objection resolved that was not raised");
            };
            let raised = posting.pending.remove(index);
            let before = posting.scores.get(household).copied();
            let score = match (corrected, before) {
                (Some(score), _) | (None, Some(score)) => score,
                (None, None) => return fail(entry, "an objection of a household not scored"),
            };
            posting.scores.insert(household.clone(), score);
            posting.objections.push(Objection {
                household: household.clone(),
                finding: finding.clone(),
                before,
                score,
                time_ms: entry.time_ms,
                raised: Some(raised),
            });
        }
        Body::ScoresApplied { period } => {
            let Some(posting) = state
                .postings
                .get(period)
                .filter(|p| p.applied_ms.is_none() && p.review.is_posted())
            else {
                return fail(entry, "scores applied that are not posted");
            };
            let results = results(state, period, posting);
            if !runs_continue(state, period) {
                state.runs.clear();
            }
            for runs in state.runs.values_mut() {
                runs.top = 0;
            }
            for result in results {
                state.runs.insert(result.household, result.runs);
            }
            if let Some(posting) = state.postings.get_mut(period) {
                posting.applied_ms = Some(at_ms);
            }
        }
        Body::Blacklisted { household, .. } => {
            known(state, household)?;
            let runs = state.runs.entry(household.clone()).or_default();
            runs.blacklist.lasts = 0;
            if let Some(record) = state.households.get_mut(household) {
                record.blacklisted = true;
            }
        }
        Body::BlacklistLifted { household, .. } => {
            known(state, household)?;
            state.runs.entry(household.clone()).or_default().blacklist = BlacklistRuns::default();
            if let Some(record) = state.households.get_mut(household) {
                record.blacklisted = false;
            }
        }
        _ => return fail(entry, "not an entry of the points rules"),
    }
    Ok(())
}
