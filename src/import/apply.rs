//! A checked file applied: the entries and initial PINs of one plan, with
//! ids derived from the rows so that a second import appends nothing.

use super::credits::{Fixes, FIX_PREFIX};
use super::households::household_row_hash;
use super::preview::{classify, RowStatus};
use super::problems::Note;
use super::ImportFile;
use crate::credential::Pin;
use crate::entry::{Body, EntryId};
use crate::error::Error;
use crate::ids::{HouseholdCode, Text};

use crate::state::State;

use std::collections::HashSet;

/// What applying a file appends, in order: each entry's id and body, and
/// the initial PINs the ledger hashes into the credential store.
#[derive(Debug)]
pub(crate) struct Planned {
    pub(crate) entries: Vec<(EntryId, Body)>,
    pub(crate) pins: Vec<(HouseholdCode, Pin)>,
}

/// The entries that apply `file` to `state`: the preview's new and changed
/// households, initial PINs of households without one, new credits, and —
/// only with a reason — a correction for each conflict. The file is checked
/// again against the state as it is now.
pub(crate) fn plan(
    state: &State,
    file: &ImportFile,
    corrections_reason: Option<&Text>,
) -> Result<Planned, Error> {
    let classified = classify(state, file);
    if let Some(error) = classified.errors.first() {
        return Err(error.to_error());
    }
    let conflicts = classified
        .credits
        .iter()
        .filter(|row| matches!(row.status, RowStatus::Conflict(_)))
        .count();
    let reason = match corrections_reason {
        Some(reason) => Some(reason),
        None if conflicts == 0 => None,
        None => {
            return Err(Error::invalid_with(
                "correctionsReason",
                &format!("有 {conflicts} 行的积分和已入账的不同,要填写更正原因才能按更正导入"),
                &format!(
                    "{conflicts} row(s) give another amount than already credited; a correction reason is needed to apply them as corrections"
                ),
            ))
        }
    };
    let mut ids = UniqueIds {
        state,
        taken: HashSet::new(),
    };
    let mut planned = Planned {
        entries: Vec::new(),
        pins: Vec::new(),
    };
    for (row, preview) in file.households.iter().zip(&classified.households) {
        let (household, name, group, household_kind) = (
            row.code.clone(),
            row.name.clone(),
            row.group.clone(),
            row.kind,
        );
        match preview.status {
            RowStatus::New => planned.entries.push((
                ids.take(format!("import:household:{}", row.code)),
                Body::HouseholdRegistered {
                    household,
                    name,
                    group,
                    household_kind,
                },
            )),
            RowStatus::Changed { .. } => planned.entries.push((
                ids.take(format!(
                    "import:household:{}:{}",
                    row.code,
                    household_row_hash(row)
                )),
                Body::HouseholdUpdated {
                    household,
                    name,
                    group,
                    household_kind,
                },
            )),
            _ => {}
        }
        if let (Some(pin), true) = (&row.pin, preview.notes.contains(&Note::PinWillBeSet)) {
            planned.entries.push((
                ids.take(format!("import:pin:{}", row.code)),
                Body::PinSet {
                    household: row.code.clone(),
                },
            ));
            planned.pins.push((row.code.clone(), pin.clone()));
        }
    }
    let fixes = (conflicts > 0).then(|| Fixes::index(state));
    for (row, preview) in file.credits.iter().zip(&classified.credits) {
        match (&preview.status, reason) {
            (RowStatus::New, _) => planned.entries.push((
                ids.take(format!(
                    "credit:{}:{}:{}",
                    row.household, row.period, row.source
                )),
                Body::Credited {
                    household: row.household.clone(),
                    amount: row.amount,
                    period: row.period.clone(),
                    source: row.source.clone(),
                    reason: row.reason.clone(),
                    rules_version: state.rules.version,
                },
            )),
            (RowStatus::Conflict(conflict), Some(reason)) => {
                let number = fixes
                    .as_ref()
                    .and_then(|f| f.at(conflict.credit_seq))
                    .map_or(1, |(number, _)| number + 1);
                planned.entries.push((
                    ids.take(format!(
                        "{FIX_PREFIX}{}:{number}:{}",
                        conflict.credit_seq,
                        row.amount.hundredths()
                    )),
                    Body::Corrected {
                        household: row.household.clone(),
                        amount: conflict.difference,
                        refers_to_seq: Some(conflict.credit_seq),
                        reason: reason.clone(),
                    },
                ));
            }
            _ => {}
        }
    }
    Ok(planned)
}

/// Entry ids derived from rows, made unique against the journal and the
/// plan: a later `#2`, `#3` … only if the natural id is taken.
struct UniqueIds<'a> {
    state: &'a State,
    taken: HashSet<EntryId>,
}

impl UniqueIds<'_> {
    fn take(&mut self, base: String) -> EntryId {
        let mut id = EntryId::derived(&base);
        let mut number = 1;
        while self.state.entry_ids.contains_key(&id) || self.taken.contains(&id) {
            number += 1;
            id = EntryId::derived(&format!("{base}#{number}"));
        }
        self.taken.insert(id.clone());
        id
    }
}
