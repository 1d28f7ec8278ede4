//! The platform's balance list beside the kiosk's balances (reconciling),
//! with the entries since the last upload that explain a difference.

use super::problems::{ImportError, ImportErrors, ImportProblem};
use super::read::{parse_code, table, Cells, Delimiter, Field, Layout};

use crate::ids::HouseholdCode;

use crate::points::Points;
use crate::state::State;

use std::collections::HashMap;

/// A balance change that helps explain a difference: an entry since the
/// last upload, which the platform has not seen — the household's own
/// history line (`credited`, `corrected`, `redeemed`, `redemption_voided`,
/// `year_closed`).
pub type ExplainingEntry = crate::state::HistoryLine;

/// One household in the comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReconcileLine {
    pub household: HouseholdCode,
    /// The kiosk's name, else the list's.
    pub name: String,
    /// The household's row in the platform's list.
    pub line: Option<usize>,
    /// `None`: not in the kiosk.
    pub kiosk_balance: Option<Points>,
    /// `None`: not in the platform's list.
    pub platform_balance: Option<Points>,
    /// Kiosk − platform (a missing side counts as zero).
    pub difference: Points,
    /// Σ of the entries since the last upload.
    pub since_upload: Points,
    /// `difference − since_upload`: what the un-uploaded entries do not
    /// explain.
    pub unexplained: Points,
    pub entries: Vec<ExplainingEntry>,
}

impl ReconcileLine {
    /// Whether the two sides disagree (or one is missing).
    pub fn differs(&self) -> bool {
        self.difference != Points::ZERO
            || self.kiosk_balance.is_none()
            || self.platform_balance.is_none()
    }
}

/// The platform's balances against the kiosk's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconciliation {
    /// Differences first (the unexplained ones before those the entries
    /// since the last upload explain, larger first), then the households
    /// that agree, by code.
    pub lines: Vec<ReconcileLine>,
    pub uploaded_through_seq: u64,
    pub households_differing: usize,
    pub households_unexplained: usize,
    pub kiosk_total: Points,
    pub platform_total: Points,
}

/// Compares the platform's balance list (code and balance columns; a name
/// column is optional) with the kiosk's balances, household by household,
/// with the entries since the last upload that explain each difference.
pub fn reconcile(
    state: &State,
    text: &str,
    delimiter: Option<Delimiter>,
) -> Result<Reconciliation, ImportErrors> {
    let (header, records, _) = table(text, delimiter, Layout::Balances)?;
    let code_width = state.settings.code_width;
    let mut errors = Vec::new();
    let mut platform: HashMap<HouseholdCode, (usize, Points, String)> = HashMap::new();
    for record in &records {
        let mut cells = Cells {
            record,
            header: &header,
            errors: &mut errors,
        };
        let code = cells.read(Field::Code, |v| parse_code(v, code_width));
        let balance = cells.read(Field::Balance, |v| {
            Points::parse_signed(v).map_err(ImportProblem::BadAmount)
        });
        let name = cells.raw(Field::Name).to_string();
        let (Some((code, _)), Some(balance)) = (code, balance) else {
            continue;
        };
        if let Some((first_line, _, _)) = platform.get(&code) {
            errors.push(ImportError {
                line: record.line,
                column: header.position(Field::Code).map(|(_, w)| w.to_string()),
                field: Some(Field::Code),
                value: code.to_string(),
                problem: ImportProblem::DuplicateRow {
                    first_line: *first_line,
                },
            });
            continue;
        }
        platform.insert(code, (record.line, balance, name));
    }
    if !errors.is_empty() {
        return Err(ImportErrors { errors });
    }
    let through = state.uploaded_through_seq;
    let mut lines = Vec::new();
    let (mut kiosk_total, mut platform_total) = (Points::ZERO, Points::ZERO);
    for household in state.households.values() {
        let listed = platform.remove(&household.code);
        let start = household
            .history
            .partition_point(|line| line.seq <= through);
        let entries: Vec<ExplainingEntry> = household.history[start..].to_vec();
        kiosk_total = kiosk_total
            .checked_add(household.balance)
            .unwrap_or(kiosk_total);
        lines.push(reconcile_line(
            household.code.clone(),
            household.name.to_string(),
            Some(household.balance),
            listed.map(|(line, balance, _)| (line, balance)),
            entries,
        ));
    }
    for (code, (line, balance, name)) in platform {
        lines.push(reconcile_line(
            code,
            name,
            None,
            Some((line, balance)),
            Vec::new(),
        ));
    }
    for line in &lines {
        if let Some(balance) = line.platform_balance {
            platform_total = platform_total
                .checked_add(balance)
                .unwrap_or(platform_total);
        }
    }
    crate::sorting::sort_by(&mut lines, |a, b| {
        let key = |l: &ReconcileLine| {
            (
                !l.differs(),
                l.unexplained == Points::ZERO,
                std::cmp::Reverse(l.difference.hundredths().unsigned_abs()),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.household.cmp(&b.household))
    });
    Ok(Reconciliation {
        households_differing: lines.iter().filter(|l| l.differs()).count(),
        households_unexplained: lines
            .iter()
            .filter(|l| l.unexplained != Points::ZERO || l.kiosk_balance.is_none())
            .count(),
        lines,
        uploaded_through_seq: through,
        kiosk_total,
        platform_total,
    })
}

fn reconcile_line(
    household: HouseholdCode,
    name: String,
    kiosk_balance: Option<Points>,
    platform: Option<(usize, Points)>,
    entries: Vec<ExplainingEntry>,
) -> ReconcileLine {
    let platform_balance = platform.map(|(_, balance)| balance);
    let difference = kiosk_balance
        .unwrap_or(Points::ZERO)
        .checked_sub(platform_balance.unwrap_or(Points::ZERO))
        .unwrap_or(Points::ZERO);
    let since_upload = entries
        .iter()
        .try_fold(Points::ZERO, |sum, entry| sum.checked_add(entry.change))
        .unwrap_or(Points::ZERO);
    ReconcileLine {
        household,
        name,
        line: platform.map(|(line, _)| line),
        kiosk_balance,
        platform_balance,
        difference,
        since_upload,
        unexplained: difference.checked_sub(since_upload).unwrap_or(Points::ZERO),
        entries,
    }
}
