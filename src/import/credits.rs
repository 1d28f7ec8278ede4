//! The credited points file (户号, 积分, 期间, 来源, 说明): its rows, checked
//! against the credits already made, and the corrections a conflict becomes.

use super::households::HouseholdRow;
use super::preview::{Conflict, RowPreview, RowStatus};
use super::problems::{ImportError, ImportProblem, Note};
use super::read::{
    normalise_header, parse_code, parse_period, parse_text, CellResult, Cells, Field,
};
use super::{ImportFile, DEFAULT_SOURCE, SOURCE_LENGTH_MAX};

use crate::ids::{HouseholdCode, Period, Text};
use crate::ledger::REASON_LENGTH_MAX;
use crate::points::Points;
use crate::state::State;

use std::collections::HashMap;

fn parse_source(written: &str) -> CellResult<Text> {
    let normalised = normalise_header(written);
    let source = match normalised.as_str() {
        "" | "评分" | "评议" | "评比" | "月评" | "考评" | "评定" | "月度评分" | "积分评定"
        | "evaluation" => DEFAULT_SOURCE,
        "奖励" | "加分" | "额外奖励" | "连续奖励" | "bonus" => "bonus",
        _ => written,
    };
    parse_text(source, SOURCE_LENGTH_MAX)
}

/// A checked row of a credits file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditRow {
    pub line: usize,
    pub household: HouseholdCode,
    pub amount: Points,
    pub period: Period,
    pub source: Text,
    pub reason: Option<Text>,
    /// The household's name, if the file has a name column.
    pub name: Option<String>,
    pub notes: Vec<Note>,
}

pub(super) fn credit_row(cells: &mut Cells, code_width: u8) -> Option<CreditRow> {
    let code = cells.read(Field::Code, |v| parse_code(v, code_width));
    let amount = cells.read(Field::Points, |v| {
        Points::parse_unsigned(v).map_err(ImportProblem::BadAmount)
    });
    let period = cells.read(Field::Period, |v| {
        let period = parse_period(v).ok_or(if v.is_empty() {
            ImportProblem::MissingValue
        } else {
            ImportProblem::BadPeriod
        })?;
        let note = (period.as_str() != v.trim()).then(|| Note::PeriodRewritten {
            written: v.trim().to_string(),
            period: period.clone(),
        });
        Ok((period, note))
    });
    let source = cells.read(Field::Source, parse_source);
    let reason = cells.read(Field::Reason, |v| {
        if v.is_empty() {
            Ok(None)
        } else {
            parse_text(v, REASON_LENGTH_MAX).map(Some)
        }
    });
    let name = Some(cells.raw(Field::Name).to_string()).filter(|n| !n.is_empty());
    let ((household, code_note), amount, (period, period_note), source, reason) =
        (code?, amount?, period?, source?, reason?);
    Some(CreditRow {
        line: cells.record.line,
        household,
        amount,
        period,
        source,
        reason,
        name,
        notes: code_note.into_iter().chain(period_note).collect(),
    })
}

pub(super) fn classify_credits(
    state: &State,
    file: &ImportFile,
) -> (Vec<RowPreview>, Vec<ImportError>) {
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(file.credits.len());
    let in_file: HashMap<&HouseholdCode, &HouseholdRow> =
        file.households.iter().map(|row| (&row.code, row)).collect();
    let mut seen: HashMap<(&HouseholdCode, &Period, &Text), usize> = HashMap::new();
    let mut fixes: Option<Fixes> = None;
    let mut unpadded: Option<HashMap<&str, &HouseholdCode>> = None;
    for row in &file.credits {
        let key = (&row.household, &row.period, &row.source);
        if let Some(first_line) = seen.get(&key) {
            errors.push(ImportError {
                line: row.line,
                column: Some(file.column(Field::Code)),
                field: Some(Field::Code),
                value: format!("{} {} {}", row.household, row.period, row.source),
                problem: ImportProblem::DuplicateRow {
                    first_line: *first_line,
                },
            });
            continue;
        }
        seen.insert(key, row.line);
        let kiosk_name = match (state.household(&row.household), in_file.get(&row.household)) {
            (_, Some(file_row)) => file_row.name.to_string(),
            (Some(household), None) => household.name.to_string(),
            (None, None) => {
                let index = unpadded.get_or_insert_with(|| {
                    state
                        .households
                        .keys()
                        .map(|code| (code.as_str().trim_start_matches('0'), code))
                        .collect()
                });
                let hint = index
                    .get(row.household.as_str().trim_start_matches('0'))
                    .map(|code| (*code).clone());
                errors.push(ImportError {
                    line: row.line,
                    column: Some(file.column(Field::Code)),
                    field: Some(Field::Code),
                    value: row.household.to_string(),
                    problem: ImportProblem::UnknownHousehold { hint },
                });
                continue;
            }
        };
        let mut notes = row.notes.clone();
        if let Some(name) = &row.name {
            if *name != kiosk_name {
                notes.push(Note::NameDiffers {
                    file: name.clone(),
                    kiosk: kiosk_name.clone(),
                });
            }
        }
        let credit_key = (
            row.household.clone(),
            row.period.clone(),
            row.source.clone(),
        );
        let status = match state.credits.get(&credit_key) {
            None if row.amount == Points::ZERO => {
                notes.push(Note::ZeroPoints);
                RowStatus::Skipped
            }
            None => RowStatus::New,
            Some(&(credit_seq, original)) => {
                let credited = fixes
                    .get_or_insert_with(|| Fixes::index(state))
                    .at(credit_seq)
                    .map_or(original, |(_, amount)| amount);
                if credited == row.amount {
                    RowStatus::AlreadyImported
                } else {
                    RowStatus::Conflict(Conflict {
                        line: row.line,
                        household: row.household.clone(),
                        period: row.period.clone(),
                        source: row.source.clone(),
                        credit_seq,
                        credited,
                        file_amount: row.amount,
                        difference: row.amount.checked_sub(credited).unwrap_or(Points::ZERO),
                    })
                }
            }
        };
        rows.push(RowPreview {
            line: row.line,
            household: row.household.clone(),
            name: kiosk_name,
            amount: Some(row.amount),
            period: Some(row.period.clone()),
            status,
            notes,
        });
    }
    (rows, errors)
}

pub(super) const FIX_PREFIX: &str = "import:credit-fix:";

/// The corrections imports made, by the seq of the credit they correct:
/// the latest correction's number and the amount it set.
pub(super) struct Fixes(HashMap<u64, (u32, Points)>);

impl Fixes {
    pub(super) fn index(state: &State) -> Fixes {
        let mut fixes: HashMap<u64, (u32, Points)> = HashMap::new();
        for (id, _) in state.entry_ids.iter() {
            let Some(rest) = id.strip_prefix(FIX_PREFIX) else {
                continue;
            };
            let rest = rest.split_once('#').map_or(rest, |(natural, _)| natural);
            let mut parts = rest.split(':');
            let parsed = (|| {
                let seq: u64 = parts.next()?.parse().ok()?;
                let number: u32 = parts.next()?.parse().ok()?;
                let amount = Points::from_hundredths(parts.next()?.parse().ok()?)?;
                Some((seq, number, amount))
            })();
            if let Some((seq, number, amount)) = parsed {
                let entry = fixes.entry(seq).or_insert((number, amount));
                if number >= entry.0 {
                    *entry = (number, amount);
                }
            }
        }
        Fixes(fixes)
    }

    pub(super) fn at(&self, credit_seq: u64) -> Option<(u32, Points)> {
        self.0.get(&credit_seq).copied()
    }
}
