//! What applying a file would do, row by row, before anything is stored.

use super::credits::classify_credits;
use super::problems::{ImportError, ImportErrors, ImportProblem, Note};
use super::read::{Delimiter, Field};
use super::{parse_collecting, ImportFile, ImportKind, Parsed};

use crate::entry::HouseholdKind;

use crate::ids::{HouseholdCode, Period, Text};
use crate::ledger::HOUSEHOLDS_MAX;
use crate::points::Points;
use crate::state::State;

use std::collections::{HashMap, HashSet};

/// What applying a row would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowStatus {
    /// A household to register, or a credit to make.
    New,
    /// A household whose name, group or kind the file changes; the values
    /// before.
    Changed {
        name: Text,
        group: Text,
        kind: HouseholdKind,
    },
    /// Already as the file says: nothing to do.
    AlreadyImported,
    /// A credit key already credited with another amount.
    Conflict(Conflict),
    /// Nothing to do (zero points).
    Skipped,
}

impl RowStatus {
    pub fn code(&self) -> &'static str {
        match self {
            RowStatus::New => "new",
            RowStatus::Changed { .. } => "changed",
            RowStatus::AlreadyImported => "already_imported",
            RowStatus::Conflict(_) => "conflict",
            RowStatus::Skipped => "skipped",
        }
    }
}

/// A credit key the file gives another amount than the kiosk holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub line: usize,
    pub household: HouseholdCode,
    pub period: Period,
    pub source: Text,
    /// The original credit's seq.
    pub credit_seq: u64,
    /// What the key stands at in the kiosk (the credit as corrected by
    /// earlier imports).
    pub credited: Points,
    pub file_amount: Points,
    /// `file_amount − credited`: the correction applying would make.
    pub difference: Points,
}

/// One row of the preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowPreview {
    pub line: usize,
    pub household: HouseholdCode,
    /// The name the row gives (households) or the kiosk's name (credits).
    pub name: String,
    /// The credit's amount and period (credits only).
    pub amount: Option<Points>,
    pub period: Option<Period>,
    pub status: RowStatus,
    pub notes: Vec<Note>,
}

/// Counts for the preview's summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub rows: usize,
    /// Distinct households named.
    pub households: usize,
    pub new: usize,
    pub changed: usize,
    pub already_imported: usize,
    pub conflicts: usize,
    pub skipped: usize,
    /// Initial PINs that will be set.
    pub pins: usize,
    /// Codes padded to the code width.
    pub codes_padded: usize,
}

/// What applying a file would do, row by row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preview {
    pub kind: ImportKind,
    pub delimiter: Delimiter,
    /// The header's Excel row number.
    pub header_line: usize,
    /// Headers the kiosk does not use (a `序号` column …).
    pub ignored_columns: Vec<String>,
    pub rows: Vec<RowPreview>,
    pub counts: Counts,
    /// Σ points in the file (credits).
    pub total_points: Points,
    /// Σ points that applying credits anew.
    pub new_points: Points,
    pub conflicts: Vec<Conflict>,
    /// The checked file, for [`crate::ledger::Operation::Import`].
    pub file: ImportFile,
}

impl Preview {
    /// Whether applying would append nothing (everything already imported).
    pub fn is_noop(&self) -> bool {
        self.counts.new == 0
            && self.counts.changed == 0
            && self.counts.conflicts == 0
            && self.counts.pins == 0
    }
}

/// Parses `text` as a file of `kind` and says, row by row, what applying it
/// to `state` would do. Any bad row refuses the file: the error lists every
/// bad row (bad cells, duplicates within the file, unknown households, the
/// limits), in row order.
pub fn preview(
    state: &State,
    kind: ImportKind,
    text: &str,
    delimiter: Option<Delimiter>,
) -> Result<Preview, ImportErrors> {
    let Parsed {
        file,
        mut errors,
        header,
        delimiter: detected,
    } = parse_collecting(state, kind, text, delimiter)?;
    let classified = classify(state, &file);
    errors.extend(classified.errors);
    if !errors.is_empty() {
        crate::sorting::sort_by(&mut errors, |a, b| a.line.cmp(&b.line));
        return Err(ImportErrors { errors });
    }
    let rows: Vec<RowPreview> = classified
        .households
        .into_iter()
        .chain(classified.credits)
        .collect();
    let mut counts = Counts {
        rows: rows.len(),
        households: rows
            .iter()
            .map(|row| &row.household)
            .collect::<HashSet<_>>()
            .len(),
        ..Counts::default()
    };
    let mut conflicts = Vec::new();
    let (mut total_points, mut new_points) = (Points::ZERO, Points::ZERO);
    for row in &rows {
        match &row.status {
            RowStatus::New => counts.new += 1,
            RowStatus::Changed { .. } => counts.changed += 1,
            RowStatus::AlreadyImported => counts.already_imported += 1,
            RowStatus::Conflict(conflict) => {
                counts.conflicts += 1;
                conflicts.push(conflict.clone());
            }
            RowStatus::Skipped => counts.skipped += 1,
        }
        counts.pins += row
            .notes
            .iter()
            .filter(|n| **n == Note::PinWillBeSet)
            .count();
        counts.codes_padded += row
            .notes
            .iter()
            .filter(|n| matches!(n, Note::CodePadded { .. }))
            .count();
        if let Some(amount) = row.amount {
            total_points = total_points.checked_add(amount).unwrap_or(total_points);
            if row.status == RowStatus::New {
                new_points = new_points.checked_add(amount).unwrap_or(new_points);
            }
        }
    }
    Ok(Preview {
        kind,
        delimiter: detected,
        header_line: header.line,
        ignored_columns: header.ignored,
        rows,
        counts,
        total_points,
        new_points,
        conflicts,
        file,
    })
}

pub(super) struct Classified {
    pub(super) households: Vec<RowPreview>,
    pub(super) credits: Vec<RowPreview>,
    pub(super) errors: Vec<ImportError>,
}

/// Each row against the state: new, changed, already imported, conflict;
/// and the errors only the state shows (unknown households, duplicates,
/// limits).
pub(super) fn classify(state: &State, file: &ImportFile) -> Classified {
    let mut errors = Vec::new();
    let mut households = Vec::with_capacity(file.households.len());
    let mut seen: HashMap<&HouseholdCode, usize> = HashMap::new();
    let mut registering = 0usize;
    for row in &file.households {
        if let Some(first_line) = seen.insert(&row.code, row.line) {
            seen.insert(&row.code, first_line);
            errors.push(ImportError {
                line: row.line,
                column: Some(file.column(Field::Code)),
                field: Some(Field::Code),
                value: row.code.to_string(),
                problem: ImportProblem::DuplicateRow { first_line },
            });
            continue;
        }
        let existing = state.household(&row.code);
        if existing.is_none() && state.members.card(&row.code).is_some() {
            errors.push(ImportError {
                line: row.line,
                column: Some(file.column(Field::Code)),
                field: Some(Field::Code),
                value: row.code.to_string(),
                problem: ImportProblem::CodeIsCard,
            });
            continue;
        }
        let status = match existing {
            None => {
                registering += 1;
                RowStatus::New
            }
            Some(h) if h.name == row.name && h.group == row.group && h.kind == row.kind => {
                RowStatus::AlreadyImported
            }
            Some(h) => RowStatus::Changed {
                name: h.name.clone(),
                group: h.group.clone(),
                kind: h.kind,
            },
        };
        let mut notes = row.notes.clone();
        if row.pin.is_some() {
            notes.push(if existing.is_some_and(|h| h.has_pin) {
                Note::PinKept
            } else {
                Note::PinWillBeSet
            });
        }
        households.push(RowPreview {
            line: row.line,
            household: row.code.clone(),
            name: row.name.to_string(),
            amount: None,
            period: None,
            status,
            notes,
        });
    }
    if state.households.len() + registering > HOUSEHOLDS_MAX {
        errors.push(ImportError::file(ImportProblem::TooManyHouseholds {
            limit: HOUSEHOLDS_MAX,
        }));
    }
    let (credits, credit_errors) = classify_credits(state, file);
    errors.extend(credit_errors);
    Classified {
        households,
        credits,
        errors,
    }
}
