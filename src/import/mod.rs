//! Imports from the points platform (积分管理平台): the household roster and
//! credited points, as Excel saves them on a Chinese Windows PC, and the
//! platform's balance list for reconciling.
//!
//! The page decodes the file's bytes to text (GBK with the browser's
//! `TextDecoder`, UTF-8 with or without BOM, UTF-16 "Unicode text");
//! [`decode_bytes`] does the same natively for everything but GBK. The core
//! takes that text: [`parse`] turns it into checked rows ([`ImportFile`]),
//! [`preview`] also says row by row what applying it would do, and
//! [`crate::ledger::Operation::Import`] applies it as one plan, so one
//! store. Any bad row refuses the whole file, and the refusal lists every
//! bad row by its Excel row number (the header is row 1 when it is the first
//! row) and column, in Chinese and English.
//!
//! Applying is idempotent by content: a household that is already as the
//! file says, a credit key `(household, period, source)` already credited
//! with the file's amount, and an initial PIN of a household that has one
//! append nothing. Entry ids are derived from the rows
//! (`import:household:{code}`, `credit:{household}:{period}:{source}` as
//! for a single credit, `import:pin:{code}`, and for a changed household
//! `import:household:{code}:{hash of the row}`), so importing the same file
//! twice — or a retry after a crash — appends nothing the second time.
//!
//! A credit whose key is already credited with another amount is a
//! conflict: shown in the preview, and applied only when the clerk gives a
//! reason, as a `corrected` entry of the difference that refers to the
//! original credit's seq. Such a correction's id is
//! `import:credit-fix:{credit seq}:{n}:{amount in hundredths}`, and the
//! amount a key stands at is the original credit as corrected by these
//! entries (a correction entered by hand is not counted: the key shows as a
//! conflict again).
//!
//! Initial PINs: the shell passes 16 random bytes per import (`pin_seed`);
//! each household's salt is the first 16 bytes of
//! `SHA-256("aixin-kiosk import pin salt" ‖ seed ‖ code)` ([`pin_salt`]).
//!
//! One module a kind of file over one shared reading module: `read` (bytes,
//! records, headers, cells), `problems` (what a refusal or a row's note
//! says), `households` and `credits` (their rows), `balances` (the
//! platform's balance list, reconciled), `preview` (what applying would do)
//! and `apply` (the entries of one plan).

mod apply;
mod balances;
mod credits;
mod households;
mod preview;
mod problems;
mod read;

pub(crate) use apply::plan;
pub use balances::{reconcile, ExplainingEntry, ReconcileLine, Reconciliation};
use credits::credit_row;
pub use credits::CreditRow;
use households::household_row;
pub use households::{pin_salt, HouseholdRow};
pub use preview::{preview, Conflict, Counts, Preview, RowPreview, RowStatus};
pub use problems::{ImportError, ImportErrors, ImportProblem, Note};
pub use read::{decode_bytes, parse_period, Delimiter, Field};
pub(crate) use read::{normalise_header, parse_code, split_records};
use read::{table, Cells, Header};

use crate::state::State;

/// Data rows one file may hold.
pub const IMPORT_ROWS_MAX: usize = 20_000;
/// The largest text one import may be, in bytes of UTF-8.
pub const IMPORT_BYTES_MAX: usize = 8 * 1024 * 1024;
/// Columns one row may fill (empty trailing cells do not count).
pub const IMPORT_COLUMNS_MAX: usize = 256;
/// A credit's source, in characters.
pub const SOURCE_LENGTH_MAX: usize = 40;
/// Rows above the header (a title, a date) that are skipped while looking
/// for it.
pub const HEADER_SEARCH_ROWS: usize = 10;
/// The source of the periodic evaluation points.
pub const DEFAULT_SOURCE: &str = "evaluation";

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportKind {
    /// The roster: code, name, group, kind, optional initial PIN.
    Households,
    /// Credited points: code, points, period, optional source and reason.
    Credits,
}

impl ImportKind {
    pub fn parse(text: &str) -> Option<ImportKind> {
        match text {
            "households" => Some(ImportKind::Households),
            "credits" => Some(ImportKind::Credits),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Households => "households",
            ImportKind::Credits => "credits",
        }
    }
}

/// A checked file: what [`crate::ledger::Operation::Import`] applies. A file
/// holds one kind of rows; an operation may carry both (households first,
/// so credits may name households registered by the same plan).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportFile {
    pub households: Vec<HouseholdRow>,
    pub credits: Vec<CreditRow>,
    /// Each field's header as the file writes it, to name columns.
    pub headers: Vec<(Field, String)>,
}

impl ImportFile {
    fn column(&self, field: Field) -> String {
        self.headers
            .iter()
            .find(|(f, _)| *f == field)
            .map_or_else(|| field.zh().to_string(), |(_, written)| written.clone())
    }
}

/// Parses `text` as a file of `kind`, padding all-digit codes to the
/// village's code width. Every bad cell is listed; no state is consulted
/// beyond the settings (see [`preview`] for the rest).
pub fn parse(
    state: &State,
    kind: ImportKind,
    text: &str,
    delimiter: Option<Delimiter>,
) -> Result<ImportFile, ImportErrors> {
    let parsed = parse_collecting(state, kind, text, delimiter)?;
    if parsed.errors.is_empty() {
        Ok(parsed.file)
    } else {
        Err(ImportErrors {
            errors: parsed.errors,
        })
    }
}

/// What a parse found: the good rows, the bad cells, the header and the
/// delimiter.
pub(super) struct Parsed {
    file: ImportFile,
    errors: Vec<ImportError>,
    header: Header,
    delimiter: Delimiter,
}

/// Parses what it can.
pub(super) fn parse_collecting(
    state: &State,
    kind: ImportKind,
    text: &str,
    delimiter: Option<Delimiter>,
) -> Result<Parsed, ImportErrors> {
    let (header, records, delimiter) = table(text, delimiter, kind.into())?;
    let code_width = state.settings.code_width;
    let mut errors = Vec::new();
    let mut file = ImportFile {
        headers: header
            .index
            .iter()
            .map(|(field, _, written)| (*field, written.clone()))
            .collect(),
        ..ImportFile::default()
    };
    for record in &records {
        let mut cells = Cells {
            record,
            header: &header,
            errors: &mut errors,
        };
        match kind {
            ImportKind::Households => file
                .households
                .extend(household_row(&mut cells, code_width)),
            ImportKind::Credits => file.credits.extend(credit_row(&mut cells, code_width)),
        }
    }
    Ok(Parsed {
        file,
        errors,
        header,
        delimiter,
    })
}

/// A blank template for Excel: UTF-8 with BOM, CRLF, the Chinese headers.
pub fn template(kind: ImportKind) -> Vec<u8> {
    let fields: &[Field] = match kind {
        ImportKind::Households => &[
            Field::Code,
            Field::Name,
            Field::Group,
            Field::Kind,
            Field::Pin,
        ],
        ImportKind::Credits => &[
            Field::Code,
            Field::Name,
            Field::Points,
            Field::Period,
            Field::Source,
            Field::Reason,
        ],
    };
    let headers: Vec<&str> = fields.iter().map(|field| field.zh()).collect();
    crate::export::Csv::new(&headers).finish()
}
