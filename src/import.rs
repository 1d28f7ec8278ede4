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

use crate::credential::Pin;
use crate::entry::{Body, EntryId, HouseholdKind};
use crate::error::Error;
use crate::ids::{HouseholdCode, NameProblem, Period, Text};
use crate::ledger::{HOUSEHOLDS_MAX, NAME_LENGTH_MAX, REASON_LENGTH_MAX};
use crate::points::{Points, PointsParseError};
use crate::state::State;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::fmt;

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

/// What separates cells: a comma (CSV) or a tab (Excel's "Unicode text").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    Comma,
    Tab,
}

impl Delimiter {
    fn char(self) -> char {
        match self {
            Delimiter::Comma => ',',
            Delimiter::Tab => '\t',
        }
    }

    /// Tab when the first non-empty line has a tab, else comma.
    pub fn detect(text: &str) -> Delimiter {
        let first = text
            .trim_start_matches('\u{FEFF}')
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("");
        if first.contains('\t') {
            Delimiter::Tab
        } else {
            Delimiter::Comma
        }
    }
}

/// A column the kiosk understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Code,
    Name,
    Group,
    Kind,
    Pin,
    Points,
    Period,
    Source,
    Reason,
    Balance,
}

impl Field {
    /// The Chinese header the templates use.
    pub fn zh(self) -> &'static str {
        match self {
            Field::Code => "户号",
            Field::Name => "户主",
            Field::Group => "组",
            Field::Kind => "类型",
            Field::Pin => "初始密码",
            Field::Points => "积分",
            Field::Period => "期间",
            Field::Source => "来源",
            Field::Reason => "说明",
            Field::Balance => "余额",
        }
    }

    /// The English header, also accepted.
    pub fn en(self) -> &'static str {
        match self {
            Field::Code => "code",
            Field::Name => "name",
            Field::Group => "group",
            Field::Kind => "kind",
            Field::Pin => "pin",
            Field::Points => "points",
            Field::Period => "period",
            Field::Source => "source",
            Field::Reason => "reason",
            Field::Balance => "balance",
        }
    }

    /// Headers accepted for this field, normalised (see [`normalise_header`]).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Code => &[
                "户号",
                "户编号",
                "户代码",
                "户码",
                "编号",
                "code",
                "householdcode",
                "household",
            ],
            Field::Name => &[
                "户主",
                "姓名",
                "户主姓名",
                "户名",
                "名称",
                "name",
                "householder",
                "householdname",
            ],
            Field::Group => &[
                "组",
                "村民小组",
                "小组",
                "组别",
                "所属小组",
                "所在小组",
                "村组",
                "group",
            ],
            Field::Kind => &["类型", "户类型", "户别", "类别", "kind", "type"],
            Field::Pin => &["初始密码", "密码", "pin", "initialpin", "password"],
            Field::Points => &[
                "积分",
                "积分数",
                "本期积分",
                "分值",
                "points",
                "amount",
                "credit",
            ],
            Field::Period => &[
                "期间",
                "月份",
                "期次",
                "年月",
                "所属月份",
                "考评月份",
                "月度",
                "period",
                "month",
            ],
            Field::Source => &["来源", "积分来源", "类别", "项目", "source"],
            Field::Reason => &[
                "说明", "备注", "事由", "原因", "理由", "reason", "note", "notes", "remark",
                "remarks", "comment",
            ],
            Field::Balance => &[
                "余额",
                "积分余额",
                "结余",
                "结余积分",
                "可用积分",
                "当前积分",
                "积分",
                "balance",
            ],
        }
    }
}

/// The columns of a kind of file: (field, required).
fn columns(layout: Layout) -> &'static [(Field, bool)] {
    match layout {
        Layout::Households => &[
            (Field::Code, true),
            (Field::Name, true),
            (Field::Group, true),
            (Field::Kind, false),
            (Field::Pin, false),
        ],
        Layout::Credits => &[
            (Field::Code, true),
            (Field::Points, true),
            (Field::Period, true),
            (Field::Source, false),
            (Field::Reason, false),
            (Field::Name, false),
        ],
        Layout::Balances => &[
            (Field::Code, true),
            (Field::Balance, true),
            (Field::Name, false),
        ],
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    Households,
    Credits,
    Balances,
}

impl From<ImportKind> for Layout {
    fn from(kind: ImportKind) -> Layout {
        match kind {
            ImportKind::Households => Layout::Households,
            ImportKind::Credits => Layout::Credits,
        }
    }
}

// ---------------------------------------------------------------------------
// Errors

/// Why a file or one of its cells is refused. Each variant is a stable code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportProblem {
    /// The bytes are neither UTF-8 nor UTF-16 with a BOM (natively; the page
    /// also reads GBK).
    NotText,
    TooLarge {
        bytes_max: usize,
    },
    /// Nothing but empty rows.
    Empty,
    /// No row among the first few holds the required headers.
    NoHeader {
        missing: Vec<Field>,
    },
    DuplicateColumn {
        field: Field,
    },
    TooManyColumns {
        columns_max: usize,
    },
    /// A quoted cell never closes.
    UnclosedQuote,
    /// A header and no data rows.
    NoRows,
    TooManyRows {
        rows_max: usize,
    },
    /// Applying the file would pass the kiosk's limit of households.
    TooManyHouseholds {
        limit: usize,
    },
    /// A required cell is empty.
    MissingValue,
    TooLong {
        length_max: usize,
    },
    /// A control or direction character in text.
    BadCharacter,
    /// A household code with something other than letters, digits, `-`, `_`.
    BadCode,
    BadKind,
    BadPin,
    BadAmount(PointsParseError),
    BadPeriod,
    /// The same household (or credit key) earlier in the file.
    DuplicateRow {
        first_line: usize,
    },
    /// A new household's code is already a member's card number (cards and
    /// codes are one namespace: a scanned number names one household).
    CodeIsCard,
    UnknownHousehold {
        /// A household whose code is this one with leading zeros (Excel
        /// dropped them and no code width is set).
        hint: Option<HouseholdCode>,
    },
    /// A score sheet's score: not a number, more than one decimal, or above
    /// its maximum.
    BadScore(crate::rules::ScoreError),
    /// A category or total that is not the sum of its parts.
    ScoresDoNotAddUp {
        sum: crate::rules::Score,
    },
    /// A score sheet names some of a level's columns, not all.
    MissingScoreColumns {
        missing: Vec<String>,
    },
    /// A score sheet's period was posted or applied already.
    PeriodScored,
}

/// One refused cell, row or file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// The Excel row number (the first row of the file is 1); 0 for the file
    /// as a whole.
    pub line: usize,
    /// The column's header as the file writes it.
    pub column: Option<String>,
    pub field: Option<Field>,
    /// What the cell held, shortened to 40 characters.
    pub value: String,
    pub problem: ImportProblem,
}

/// Every refusal of one file, in row order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportErrors {
    pub errors: Vec<ImportError>,
}

const VALUE_SHOWN_MAX: usize = 40;

fn shown(value: &str) -> String {
    let mut shown: String = value.chars().take(VALUE_SHOWN_MAX).collect();
    if value.chars().count() > VALUE_SHOWN_MAX {
        shown.push('…');
    }
    shown
}

impl ImportError {
    pub(crate) fn file(problem: ImportProblem) -> ImportError {
        ImportError {
            line: 0,
            column: None,
            field: None,
            value: String::new(),
            problem,
        }
    }

    pub(crate) fn at(line: usize, problem: ImportProblem) -> ImportError {
        ImportError {
            line,
            ..ImportError::file(problem)
        }
    }

    /// The stable code the page switches on.
    pub fn code(&self) -> &'static str {
        use ImportProblem::*;
        match &self.problem {
            NotText => "IMPORT_NOT_TEXT",
            TooLarge { .. } => "IMPORT_TOO_LARGE",
            Empty => "IMPORT_EMPTY",
            NoHeader { .. } => "IMPORT_NO_HEADER",
            DuplicateColumn { .. } => "IMPORT_DUPLICATE_COLUMN",
            TooManyColumns { .. } => "IMPORT_TOO_MANY_COLUMNS",
            UnclosedQuote => "IMPORT_UNCLOSED_QUOTE",
            NoRows => "IMPORT_NO_ROWS",
            TooManyRows { .. } => "IMPORT_TOO_MANY_ROWS",
            TooManyHouseholds { .. } => "IMPORT_TOO_MANY_HOUSEHOLDS",
            MissingValue => "IMPORT_MISSING_VALUE",
            TooLong { .. } => "IMPORT_TOO_LONG",
            BadCharacter => "IMPORT_BAD_CHARACTER",
            BadCode => "IMPORT_BAD_CODE",
            BadKind => "IMPORT_BAD_KIND",
            BadPin => "IMPORT_BAD_PIN",
            BadAmount(_) => "IMPORT_BAD_AMOUNT",
            BadPeriod => "IMPORT_BAD_PERIOD",
            DuplicateRow { .. } => "IMPORT_DUPLICATE_ROW",
            CodeIsCard => "IMPORT_CODE_IS_CARD",
            UnknownHousehold { .. } => "IMPORT_UNKNOWN_HOUSEHOLD",
            BadScore(_) => "IMPORT_BAD_SCORE",
            ScoresDoNotAddUp { .. } => "IMPORT_SCORES_DO_NOT_ADD_UP",
            MissingScoreColumns { .. } => "IMPORT_MISSING_SCORE_COLUMNS",
            PeriodScored => "IMPORT_PERIOD_SCORED",
        }
    }

    fn place_zh(&self) -> String {
        match (&self.column, self.line) {
            (_, 0) => "文件".to_string(),
            (Some(column), line) => format!("第 {line} 行「{column}」列"),
            (None, line) => format!("第 {line} 行"),
        }
    }

    fn place_en(&self) -> String {
        let column = match (&self.column, self.field) {
            (Some(column), Some(field)) if column.as_str() != field.en() => {
                format!(", column “{column}” ({})", field.en())
            }
            (Some(column), _) => format!(", column “{column}”"),
            (None, _) => String::new(),
        };
        match self.line {
            0 => "File".to_string(),
            line => format!("Row {line}{column}"),
        }
    }

    fn what_zh(&self) -> String {
        use ImportProblem::*;
        let value = &self.value;
        match &self.problem {
            NotText => "不是 UTF-8 或 UTF-16 文本。GBK(ANSI)文件请在终端页面导入,页面会自动识别".into(),
            TooLarge { bytes_max } => {
                format!("文件太大,最多 {} MB", bytes_max / (1024 * 1024))
            }
            Empty => "文件是空的".into(),
            NoHeader { missing } => format!(
                "找不到表头:缺少「{}」列。第一行应是表头,例如 {}",
                missing.iter().map(|f| f.zh()).collect::<Vec<_>>().join("」「"),
                missing.iter().map(|f| f.zh()).collect::<Vec<_>>().join(",")
            ),
            DuplicateColumn { field } => format!("「{}」列出现了两次", field.zh()),
            TooManyColumns { columns_max } => format!("列太多,最多 {columns_max} 列"),
            UnclosedQuote => "引号没有配对(从这一行开始的单元格没有结束的引号)".into(),
            NoRows => "只有表头,没有数据".into(),
            TooManyRows { rows_max } => format!("行数太多,一次最多导入 {rows_max} 行"),
            TooManyHouseholds { limit } => format!("导入后户数会超过上限 {limit} 户"),
            MissingValue => "不能为空".into(),
            TooLong { length_max } => format!("太长,最多 {length_max} 个字(填的是「{value}」)"),
            BadCharacter => format!("含有不允许的字符(填的是「{value}」)"),
            BadCode => format!("户号只能有字母、数字、- 和 _(填的是「{value}」)"),
            BadKind => format!("类型只能填「家庭」或「单位」(填的是「{value}」)"),
            BadPin => format!(
                "初始密码只能是 4 到 8 位数字(填的是「{value}」);如果开头的 0 被 Excel 去掉了,请把这一列设为文本"
            ),
            BadAmount(problem) => format!("{}(填的是「{value}」)", problem.message_zh()),
            BadPeriod => {
                let hint = if value.len() == 5 && value.bytes().all(|b| b.is_ascii_digit()) {
                    ";Excel 把日期变成了数字,请把这一列设为文本"
                } else {
                    ""
                };
                format!("期间应写成 2026-10 或 2026年10月(填的是「{value}」){hint}")
            }
            DuplicateRow { first_line } => format!("和第 {first_line} 行重复"),
            CodeIsCard => format!("户号 {value} 已经是一位成员的卡号,请换一个户号"),
            UnknownHousehold { hint: None } => format!("终端里没有户号 {value},请先导入户信息"),
            UnknownHousehold { hint: Some(code) } => format!(
                "终端里没有户号 {value};可能是 {code}(Excel 去掉了开头的 0,请在设置里把户号位数设为 {})",
                code.as_str().len()
            ),
            BadScore(problem) => format!("{}(填的是「{value}」)", problem.message_zh()),
            ScoresDoNotAddUp { sum } => format!("应是各项之和 {sum}(填的是「{value}」)"),
            MissingScoreColumns { missing } => {
                format!("评分列不全:缺少「{}」", missing.join("」「"))
            }
            PeriodScored => "这一期的评分已经公示或入账过了".into(),
        }
    }

    fn what_en(&self) -> String {
        use ImportProblem::*;
        let value = &self.value;
        match &self.problem {
            NotText => "is not UTF-8 or UTF-16 text. Import a GBK (ANSI) file on the kiosk page, which reads it".into(),
            TooLarge { bytes_max } => {
                format!("is too large: at most {} MB", bytes_max / (1024 * 1024))
            }
            Empty => "is empty".into(),
            NoHeader { missing } => format!(
                "has no header row with the column(s) {} (Chinese or English headers)",
                missing
                    .iter()
                    .map(|f| format!("{} ({})", f.en(), f.zh()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            DuplicateColumn { field } => format!("has the column {} twice", field.en()),
            TooManyColumns { columns_max } => {
                format!("has too many columns: at most {columns_max}")
            }
            UnclosedQuote => "opens a quoted cell that never closes".into(),
            NoRows => "has a header and no rows".into(),
            TooManyRows { rows_max } => format!("has too many rows: at most {rows_max} at once"),
            TooManyHouseholds { limit } => {
                format!("would pass the kiosk's limit of {limit} households")
            }
            MissingValue => "is empty".into(),
            TooLong { length_max } => {
                format!("is longer than {length_max} characters (“{value}”)")
            }
            BadCharacter => format!("has a character that is not allowed (“{value}”)"),
            BadCode => format!(
                "a household code has only letters, digits, - and _ (“{value}”)"
            ),
            BadKind => format!("the kind is 家庭 (family) or 单位 (unit) (“{value}”)"),
            BadPin => format!(
                "an initial PIN is 4 to 8 digits (“{value}”); if Excel dropped leading zeros, format the column as text"
            ),
            BadAmount(problem) => format!("{} (“{value}”)", problem.message_en()),
            BadPeriod => format!("write the period as 2026-10 or 2026年10月 (“{value}”)"),
            DuplicateRow { first_line } => format!("repeats row {first_line}"),
            CodeIsCard => format!("{value} is already a member's card number; use another household code"),
            UnknownHousehold { hint: None } => {
                format!("no household {value} in the kiosk; import the households first")
            }
            UnknownHousehold { hint: Some(code) } => format!(
                "no household {value} in the kiosk; maybe {code} (Excel dropped leading zeros: set the code width to {})",
                code.as_str().len()
            ),
            BadScore(problem) => format!("{} (“{value}”)", problem.message_en()),
            ScoresDoNotAddUp { sum } => format!("should be the sum of its parts, {sum} (“{value}”)"),
            MissingScoreColumns { missing } => {
                format!("has some score columns of a level but not “{}”", missing.join("”, “"))
            }
            PeriodScored => "this period's scores were posted or applied already".into(),
        }
    }

    /// The message in Chinese, naming the row and column.
    pub fn message_zh(&self) -> String {
        format!("{}:{}", self.place_zh(), self.what_zh())
    }

    /// The message in English, naming the row and column.
    pub fn message_en(&self) -> String {
        format!("{}: {}", self.place_en(), self.what_en())
    }

    /// As a ledger refusal (when a file is applied that no longer fits the
    /// state).
    pub fn to_error(&self) -> Error {
        match &self.problem {
            ImportProblem::UnknownHousehold { .. } => Error::UnknownHousehold {
                household: self.value.clone(),
            },
            ImportProblem::TooManyHouseholds { limit } => Error::LimitReached {
                what: "households",
                limit: *limit as i64,
            },
            _ => Error::invalid_with(
                self.field.map_or("file", Field::en),
                &self.message_zh(),
                &self.message_en(),
            ),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.message_zh(), self.message_en())
    }
}

impl std::error::Error for ImportError {}

impl ImportErrors {
    /// The stable code of a refused import as a whole.
    pub const CODE: &'static str = "IMPORT_REFUSED";

    /// The distinct bad rows (0 for the file as a whole), in order.
    pub fn lines(&self) -> Vec<usize> {
        let mut lines: Vec<usize> = self.errors.iter().map(|e| e.line).collect();
        lines.dedup();
        lines
    }

    pub fn message_zh(&self) -> String {
        let mut text = format!("文件有 {} 处错误,什么都没有导入:", self.errors.len());
        for error in &self.errors {
            text.push('\n');
            text.push_str(&error.message_zh());
        }
        text
    }

    pub fn message_en(&self) -> String {
        let mut text = format!(
            "The file has {} problem(s); nothing was imported:",
            self.errors.len()
        );
        for error in &self.errors {
            text.push('\n');
            text.push_str(&error.message_en());
        }
        text
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{}", self.message_zh(), self.message_en())
    }
}

impl std::error::Error for ImportErrors {}

impl From<ImportError> for ImportErrors {
    fn from(error: ImportError) -> ImportErrors {
        ImportErrors {
            errors: vec![error],
        }
    }
}

// ---------------------------------------------------------------------------
// Bytes to text

/// Decodes a file's bytes: UTF-8 with or without BOM, UTF-16 LE or BE with
/// its BOM (Excel's "Unicode text"). GBK is not decoded here: the page
/// decodes it with the browser's `TextDecoder("gbk")`, so the wasm carries
/// no encoding tables; GBK bytes are refused as `IMPORT_NOT_TEXT`.
pub fn decode_bytes(bytes: &[u8]) -> Result<String, ImportError> {
    if bytes.len() > IMPORT_BYTES_MAX * 2 {
        return Err(ImportError::file(ImportProblem::TooLarge {
            bytes_max: IMPORT_BYTES_MAX,
        }));
    }
    let not_text = || ImportError::file(ImportProblem::NotText);
    let utf16 = |body: &[u8], little: bool| -> Result<String, ImportError> {
        if !body.len().is_multiple_of(2) {
            return Err(not_text());
        }
        let units = body.chunks_exact(2).map(|pair| {
            let pair = [pair[0], pair[1]];
            if little {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| not_text())
    };
    if let Some(body) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8(body.to_vec()).map_err(|_| not_text());
    }
    if let Some(body) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(body, true);
    }
    if let Some(body) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(body, false);
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| not_text())
}

// ---------------------------------------------------------------------------
// Text to records

/// One row of cells, with its Excel row number.
pub(crate) struct Record {
    pub(crate) line: usize,
    pub(crate) cells: Vec<String>,
}

/// Splits text into rows of trimmed cells (RFC 4180 quoting, as Excel
/// writes it: `""` is a quote inside a quoted cell, which may hold the
/// delimiter and line breaks). CRLF, LF and lone CR end a row. Rows whose
/// cells are all empty are dropped but still counted, as Excel numbers them;
/// empty cells after the last filled one are dropped.
pub(crate) fn split_records(text: &str, delimiter: Delimiter) -> Result<Vec<Record>, ImportError> {
    let delimiter = delimiter.char();
    let mut records = Vec::new();
    let mut row = RowBuilder::default();
    let mut cell = String::new();
    let mut in_quotes = false;
    let mut quoted = false;
    let mut line = 1;
    let mut quote_line = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c != '"' {
                cell.push(c);
            } else if chars.peek() == Some(&'"') {
                chars.next();
                cell.push('"');
            } else {
                in_quotes = false;
            }
            continue;
        }
        match c {
            '"' if !quoted && cell.trim().is_empty() => {
                cell.clear();
                in_quotes = true;
                quoted = true;
                quote_line = line;
            }
            c if c == delimiter => {
                row.push(std::mem::take(&mut cell), line)?;
                quoted = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                row.push(std::mem::take(&mut cell), line)?;
                quoted = false;
                row.finish(line, &mut records);
                line += 1;
            }
            _ => cell.push(c),
        }
    }
    if in_quotes {
        return Err(ImportError::at(quote_line, ImportProblem::UnclosedQuote));
    }
    row.push(cell, line)?;
    row.finish(line, &mut records);
    Ok(records)
}

#[derive(Default)]
struct RowBuilder {
    cells: Vec<String>,
    /// Empty cells seen since the last filled one: kept only if a filled
    /// cell follows, so `,,,,,` tails cost nothing.
    empty_pending: usize,
}

impl RowBuilder {
    fn push(&mut self, cell: String, line: usize) -> Result<(), ImportError> {
        let cell = cell.trim();
        if cell.is_empty() {
            self.empty_pending += 1;
            return Ok(());
        }
        if self.cells.len() + self.empty_pending >= IMPORT_COLUMNS_MAX {
            return Err(ImportError::at(
                line,
                ImportProblem::TooManyColumns {
                    columns_max: IMPORT_COLUMNS_MAX,
                },
            ));
        }
        self.cells
            .extend(std::iter::repeat_n(String::new(), self.empty_pending));
        self.empty_pending = 0;
        self.cells.push(cell.to_string());
        Ok(())
    }

    fn finish(&mut self, line: usize, records: &mut Vec<Record>) {
        self.empty_pending = 0;
        if !self.cells.is_empty() {
            records.push(Record {
                line,
                cells: std::mem::take(&mut self.cells),
            });
        }
    }
}

/// A header as compared: no white space, `*`, `_`, `-` or colon, nothing in
/// brackets (`积分(分)`), ASCII lower case, full-width letters narrowed.
pub(crate) fn normalise_header(header: &str) -> String {
    let mut normalised = String::new();
    let mut depth = 0usize;
    for c in header.chars().map(narrow) {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() || matches!(c, '*' | '_' | '-' | ':' | '：' | '\u{FEFF}') => {}
            c => normalised.push(c.to_ascii_lowercase()),
        }
    }
    normalised
}

/// Full-width ASCII (what a Chinese input method types) to ASCII.
fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Where each field is in the rows.
struct Header {
    line: usize,
    index: ColumnIndex,
    ignored: Vec<String>,
}

impl Header {
    fn position(&self, field: Field) -> Option<(usize, &str)> {
        self.index
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, i, written)| (*i, written.as_str()))
    }
}

/// Each field found: its position and its header as written.
type ColumnIndex = Vec<(Field, usize, String)>;

/// The fields a header row names, the headers it ignores, and the first
/// field named twice.
fn match_header(cells: &[String], layout: Layout) -> (ColumnIndex, Vec<String>, Option<Field>) {
    let mut index: ColumnIndex = Vec::new();
    let mut ignored = Vec::new();
    let mut duplicate = None;
    for (position, cell) in cells.iter().enumerate() {
        let normalised = normalise_header(cell);
        if normalised.is_empty() {
            continue;
        }
        let field = columns(layout)
            .iter()
            .map(|(field, _)| *field)
            .find(|field| field.aliases().contains(&normalised.as_str()));
        match field {
            Some(field) if index.iter().any(|(f, _, _)| *f == field) => {
                duplicate.get_or_insert(field);
            }
            Some(field) => index.push((field, position, cell.clone())),
            None => ignored.push(cell.clone()),
        }
    }
    (index, ignored, duplicate)
}

/// The header: the first row, among the first [`HEADER_SEARCH_ROWS`], that
/// names every required column.
fn find_header(records: &[Record], layout: Layout) -> Result<(usize, Header), ImportError> {
    let required: Vec<Field> = columns(layout)
        .iter()
        .filter(|(_, required)| *required)
        .map(|(field, _)| *field)
        .collect();
    let mut best: Option<(usize, Vec<Field>)> = None;
    for (position, record) in records.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let (index, ignored, duplicate) = match_header(&record.cells, layout);
        let missing: Vec<Field> = required
            .iter()
            .copied()
            .filter(|field| !index.iter().any(|(f, _, _)| f == field))
            .collect();
        if missing.is_empty() {
            if let Some(field) = duplicate {
                return Err(ImportError {
                    field: Some(field),
                    ..ImportError::at(record.line, ImportProblem::DuplicateColumn { field })
                });
            }
            let header = Header {
                line: record.line,
                index,
                ignored,
            };
            return Ok((position, header));
        }
        if best.as_ref().is_none_or(|(_, m)| missing.len() < m.len()) {
            best = Some((record.line, missing));
        }
    }
    match best {
        None => Err(ImportError::file(ImportProblem::Empty)),
        Some((line, missing)) => Err(ImportError::at(line, ImportProblem::NoHeader { missing })),
    }
}

/// The data rows under the header, with the header.
fn table(
    text: &str,
    delimiter: Option<Delimiter>,
    layout: Layout,
) -> Result<(Header, Vec<Record>, Delimiter), ImportErrors> {
    if text.len() > IMPORT_BYTES_MAX {
        return Err(ImportError::file(ImportProblem::TooLarge {
            bytes_max: IMPORT_BYTES_MAX,
        })
        .into());
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let delimiter = delimiter.unwrap_or_else(|| Delimiter::detect(text));
    let mut records = split_records(text, delimiter)?;
    let (position, header) = find_header(&records, layout)?;
    records.drain(..=position);
    if records.is_empty() {
        return Err(ImportError::at(header.line, ImportProblem::NoRows).into());
    }
    if records.len() > IMPORT_ROWS_MAX {
        return Err(ImportError::file(ImportProblem::TooManyRows {
            rows_max: IMPORT_ROWS_MAX,
        })
        .into());
    }
    Ok((header, records, delimiter))
}

// ---------------------------------------------------------------------------
// Cells to values

/// A remark on a row that is not an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// An all-digit code shorter than the village's code width was padded
    /// with zeros (Excel drops leading zeros: `0012` → `12`).
    CodePadded {
        written: String,
        code: HouseholdCode,
    },
    /// A period Excel rewrote (`2026/10/1`, `2026年10月`) read as a month.
    PeriodRewritten { written: String, period: Period },
    /// The household gets the file's initial PIN.
    PinWillBeSet,
    /// The household has a PIN already; the file's initial PIN is not used.
    PinKept,
    /// A credits file names the household differently from the kiosk.
    NameDiffers { file: String, kiosk: String },
    /// Zero points: nothing to credit.
    ZeroPoints,
}

impl Note {
    pub fn code(&self) -> &'static str {
        match self {
            Note::CodePadded { .. } => "CODE_PADDED",
            Note::PeriodRewritten { .. } => "PERIOD_REWRITTEN",
            Note::PinWillBeSet => "PIN_WILL_BE_SET",
            Note::PinKept => "PIN_KEPT",
            Note::NameDiffers { .. } => "NAME_DIFFERS",
            Note::ZeroPoints => "ZERO_POINTS",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            Note::CodePadded { written, code } => {
                format!("户号 {written} 补足为 {code}(Excel 去掉了开头的 0)")
            }
            Note::PeriodRewritten { written, period } => {
                format!("期间「{written}」按 {period} 导入")
            }
            Note::PinWillBeSet => "将设置初始密码".into(),
            Note::PinKept => "这一户已有密码,不使用文件里的初始密码".into(),
            Note::NameDiffers { file, kiosk } => {
                format!("文件里的户主是「{file}」,终端里是「{kiosk}」")
            }
            Note::ZeroPoints => "0 积分,不入账".into(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Note::CodePadded { written, code } => {
                format!("code {written} padded to {code} (Excel dropped leading zeros)")
            }
            Note::PeriodRewritten { written, period } => {
                format!("period “{written}” read as {period}")
            }
            Note::PinWillBeSet => "the initial PIN will be set".into(),
            Note::PinKept => {
                "the household has a PIN already; the file's initial PIN is not used".into()
            }
            Note::NameDiffers { file, kiosk } => {
                format!("the file names the household “{file}”, the kiosk “{kiosk}”")
            }
            Note::ZeroPoints => "zero points: nothing to credit".into(),
        }
    }
}

/// A problem with one cell, before it knows its row and column.
type CellResult<T> = Result<T, ImportProblem>;

fn from_name_problem(problem: NameProblem) -> ImportProblem {
    match problem {
        NameProblem::Empty => ImportProblem::MissingValue,
        NameProblem::TooLong { length_max } => ImportProblem::TooLong { length_max },
        NameProblem::BadCharacter => ImportProblem::BadCharacter,
    }
}

pub(crate) fn parse_code(
    written: &str,
    code_width: u8,
) -> CellResult<(HouseholdCode, Option<Note>)> {
    let narrowed: String = written.chars().map(narrow).collect();
    let narrowed = narrowed.trim();
    if narrowed.is_empty() {
        return Err(ImportProblem::MissingValue);
    }
    let width = usize::from(code_width);
    let pad = narrowed.len() < width && narrowed.bytes().all(|b| b.is_ascii_digit());
    let text = if pad {
        format!("{narrowed:0>width$}")
    } else {
        narrowed.to_string()
    };
    let code = HouseholdCode::new(&text).map_err(|error| match error.problem {
        NameProblem::BadCharacter => ImportProblem::BadCode,
        other => from_name_problem(other),
    })?;
    let note = pad.then(|| Note::CodePadded {
        written: narrowed.to_string(),
        code: code.clone(),
    });
    Ok((code, note))
}

/// Free text of a cell: line breaks inside a cell (Alt+Enter in Excel)
/// become spaces.
fn parse_text(written: &str, length_max: usize) -> CellResult<Text> {
    let joined: String = written
        .split(['\r', '\n', '\t'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Text::new(&joined, length_max).map_err(|error| from_name_problem(error.problem))
}

fn parse_kind(written: &str) -> CellResult<HouseholdKind> {
    let normalised = normalise_header(written);
    match normalised.as_str() {
        "" | "家庭" | "户" | "家" | "农户" | "家庭户" | "普通户" | "family" | "household" => {
            Ok(HouseholdKind::Family)
        }
        "单位" | "集体" | "机构" | "组织" | "unit" | "organisation" | "organization" => {
            Ok(HouseholdKind::Unit)
        }
        _ => Err(ImportProblem::BadKind),
    }
}

fn parse_pin(written: &str) -> CellResult<Option<Pin>> {
    let narrowed: String = written.chars().map(narrow).collect();
    let narrowed = narrowed.trim();
    if narrowed.is_empty() {
        return Ok(None);
    }
    Pin::new(narrowed).map(Some).ok_or(ImportProblem::BadPin)
}

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

/// `Period::new` on ASCII text only: what it is given here may hold
/// Chinese, which its byte slicing must not see.
fn ascii_period(text: &str) -> Option<Period> {
    text.is_ascii().then(|| Period::new(text).ok()).flatten()
}

/// Reads a period as people and Excel write it: `2026-10`, `2026/10`,
/// `2026/10/1` (a date: its month), `2026年10月`, `2026.10`, `202610`,
/// `20261001`, and the kiosk's own `2026-Q4` and `2026`. Anything after a
/// space (`2026/10/1 0:00`) is dropped.
pub fn parse_period(written: &str) -> Option<Period> {
    let narrowed: String = written
        .chars()
        .map(|c| match narrow(c) {
            '／' => '/',
            c => c,
        })
        .collect();
    let first = narrowed.split_whitespace().next()?;
    if let Some(period) = ascii_period(first) {
        return Some(period);
    }
    let month = |year: &str, month: &str| -> Option<Period> {
        let valid = |part: &str, length: std::ops::RangeInclusive<usize>| {
            length.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
        };
        if !valid(year, 4..=4) || !valid(month, 1..=2) {
            return None;
        }
        let month: u32 = month.parse().ok()?;
        if !(1..=12).contains(&month) {
            return None;
        }
        ascii_period(&format!("{year}-{month:02}"))
    };
    let day_valid = |day: &str| {
        (1..=2).contains(&day.len())
            && day.bytes().all(|b| b.is_ascii_digit())
            && day.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
    };
    // 2026年10月, 2026年10月份, 2026年10月1日, 2026年
    if let Some((year, rest)) = first.split_once('年') {
        if rest.is_empty() {
            return ascii_period(year);
        }
        let (month_part, rest) = rest.split_once('月')?;
        let rest = rest.strip_prefix('份').unwrap_or(rest);
        let day_ok = rest.is_empty() || rest.strip_suffix('日').is_some_and(day_valid);
        return if day_ok {
            month(year, month_part)
        } else {
            None
        };
    }
    // 2026Q4, 2026-q4
    let upper = first.to_ascii_uppercase();
    if let Some((year, quarter)) = upper.split_once('Q') {
        let year = year.strip_suffix('-').unwrap_or(year);
        return ascii_period(&format!("{year}-Q{quarter}"));
    }
    // 2026-10, 2026/10, 2026.10, 2026/10/1, 2026-10-01
    let parts: Vec<&str> = first.split(['-', '/', '.']).collect();
    match parts.as_slice() {
        [year, month_part] => month(year, month_part),
        [year, month_part, day] if day_valid(day) => month(year, month_part),
        [digits] if digits.bytes().all(|b| b.is_ascii_digit()) => match digits.len() {
            6 => month(&digits[..4], &digits[4..]),
            8 if day_valid(&digits[6..]) => month(&digits[..4], &digits[4..6]),
            _ => None,
        },
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Rows

/// A checked row of a households file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdRow {
    pub line: usize,
    pub code: HouseholdCode,
    pub name: Text,
    pub group: Text,
    pub kind: HouseholdKind,
    pub pin: Option<Pin>,
    pub notes: Vec<Note>,
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

/// Reads the cells of one record, collecting every problem.
struct Cells<'a> {
    record: &'a Record,
    header: &'a Header,
    errors: &'a mut Vec<ImportError>,
}

impl Cells<'_> {
    fn raw(&self, field: Field) -> &str {
        self.header
            .position(field)
            .and_then(|(index, _)| self.record.cells.get(index))
            .map_or("", String::as_str)
    }

    fn read<T>(&mut self, field: Field, parse: impl FnOnce(&str) -> CellResult<T>) -> Option<T> {
        let value = self.raw(field).to_string();
        match parse(&value) {
            Ok(parsed) => Some(parsed),
            Err(problem) => {
                let column = self
                    .header
                    .position(field)
                    .map(|(_, written)| written.to_string());
                self.errors.push(ImportError {
                    line: self.record.line,
                    column: column.or_else(|| Some(field.zh().to_string())),
                    field: Some(field),
                    value: shown(&value),
                    problem,
                });
                None
            }
        }
    }
}

fn household_row(cells: &mut Cells, code_width: u8) -> Option<HouseholdRow> {
    let code = cells.read(Field::Code, |v| parse_code(v, code_width));
    let name = cells.read(Field::Name, |v| parse_text(v, NAME_LENGTH_MAX));
    let group = cells.read(Field::Group, |v| parse_text(v, NAME_LENGTH_MAX));
    let kind = cells.read(Field::Kind, parse_kind);
    let pin = cells.read(Field::Pin, parse_pin);
    let ((code, note), name, group, kind, pin) = (code?, name?, group?, kind?, pin?);
    Some(HouseholdRow {
        line: cells.record.line,
        code,
        name,
        group,
        kind,
        pin,
        notes: note.into_iter().collect(),
    })
}

fn credit_row(cells: &mut Cells, code_width: u8) -> Option<CreditRow> {
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
struct Parsed {
    file: ImportFile,
    errors: Vec<ImportError>,
    header: Header,
    delimiter: Delimiter,
}

/// Parses what it can.
fn parse_collecting(
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

// ---------------------------------------------------------------------------
// Preview

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
        errors.sort_by_key(|error| error.line);
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

struct Classified {
    households: Vec<RowPreview>,
    credits: Vec<RowPreview>,
    errors: Vec<ImportError>,
}

/// Each row against the state: new, changed, already imported, conflict;
/// and the errors only the state shows (unknown households, duplicates,
/// limits).
fn classify(state: &State, file: &ImportFile) -> Classified {
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

fn classify_credits(state: &State, file: &ImportFile) -> (Vec<RowPreview>, Vec<ImportError>) {
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

const FIX_PREFIX: &str = "import:credit-fix:";

/// The corrections imports made, by the seq of the credit they correct:
/// the latest correction's number and the amount it set.
struct Fixes(HashMap<u64, (u32, Points)>);

impl Fixes {
    fn index(state: &State) -> Fixes {
        let mut fixes: HashMap<u64, (u32, Points)> = HashMap::new();
        for id in state.entry_ids.keys() {
            let Some(rest) = id.as_str().strip_prefix(FIX_PREFIX) else {
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

    fn at(&self, credit_seq: u64) -> Option<(u32, Points)> {
        self.0.get(&credit_seq).copied()
    }
}

// ---------------------------------------------------------------------------
// Apply

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

/// The first 16 hex digits of SHA-256 over a household row's fields.
fn household_row_hash(row: &HouseholdRow) -> String {
    let kind = match row.kind {
        HouseholdKind::Family => "family",
        HouseholdKind::Unit => "unit",
    };
    let digest = Sha256::new()
        .chain_update(row.code.as_str())
        .chain_update([0])
        .chain_update(row.name.as_str())
        .chain_update([0])
        .chain_update(row.group.as_str())
        .chain_update([0])
        .chain_update(kind)
        .finalize();
    hex::encode(&digest[..8])
}

/// The salt of a household's initial PIN: the first 16 bytes of
/// `SHA-256("aixin-kiosk import pin salt" ‖ seed ‖ code)`, with `seed` the
/// 16 random bytes the shell draws once per import.
pub fn pin_salt(seed: &[u8; 16], household: &HouseholdCode) -> [u8; 16] {
    let digest = Sha256::new()
        .chain_update(b"aixin-kiosk import pin salt")
        .chain_update(seed)
        .chain_update(household.as_str())
        .finalize();
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&digest[..16]);
    salt
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

// ---------------------------------------------------------------------------
// Reconcile

/// A balance change that helps explain a difference: an entry since the
/// last upload, which the platform has not seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainingEntry {
    pub seq: u64,
    pub time_ms: i64,
    /// `credited`, `corrected`, `redeemed`, `redemption_voided`, `year_closed`.
    pub kind: &'static str,
    pub change: Points,
    pub balance_after: Points,
    pub note: String,
}

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
        let entries: Vec<ExplainingEntry> = household.history[start..]
            .iter()
            .map(|line| ExplainingEntry {
                seq: line.seq,
                time_ms: line.time_ms,
                kind: line.kind,
                change: line.change,
                balance_after: line.balance_after,
                note: line.note.clone(),
            })
            .collect();
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
    lines.sort_by(|a, b| {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_as_excel_and_people_write_them() {
        for (written, expected) in [
            ("2026-10", Some("2026-10")),
            ("2026/10", Some("2026-10")),
            ("2026/10/1", Some("2026-10")),
            ("2026/10/01 0:00", Some("2026-10")),
            ("2026-10-31", Some("2026-10")),
            ("2026年10月", Some("2026-10")),
            ("2026年10月份", Some("2026-10")),
            ("2026年1月5日", Some("2026-01")),
            ("2026.10", Some("2026-10")),
            ("202610", Some("2026-10")),
            ("20261001", Some("2026-10")),
            ("２０２６年１０月", Some("2026-10")),
            ("2026-1", Some("2026-01")),
            ("2026-Q4", Some("2026-Q4")),
            ("2026q4", Some("2026-Q4")),
            ("2026", Some("2026")),
            ("2026年", Some("2026")),
            ("2026-13", None),
            ("2026/10/32", None),
            ("46296", None),
            ("十月", None),
            ("", None),
            ("2026年10", None),
            ("1999-10", None),
        ] {
            assert_eq!(
                parse_period(written).map(String::from).as_deref(),
                expected,
                "{written:?}"
            );
        }
    }

    #[test]
    fn records_follow_excel_quoting_and_row_numbers() {
        let text = "户号,户主\r\n\"A,1\",\"王\"\"建\r\n国\"\r\n\r\n,,,,\r\nB2 , 李 ,,,\rC3,x";
        let records = split_records(text, Delimiter::Comma).expect("parses");
        let rows: Vec<(usize, Vec<&str>)> = records
            .iter()
            .map(|r| (r.line, r.cells.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (1, vec!["户号", "户主"]),
                (2, vec!["A,1", "王\"建\r\n国"]),
                (5, vec!["B2", "李"]),
                (6, vec!["C3", "x"]),
            ]
        );
        let unclosed = split_records("a,b\n1,\"x\n2,y\n", Delimiter::Comma);
        assert_eq!(
            unclosed.err().map(|e| (e.line, e.code())),
            Some((2, "IMPORT_UNCLOSED_QUOTE"))
        );
    }

    #[test]
    fn headers_match_in_either_language() {
        for (header, field) in [
            ("户号", Field::Code),
            (" Household Code ", Field::Code),
            ("积分（分）", Field::Points),
            ("*期间", Field::Period),
            ("ＰＩＮ", Field::Pin),
            ("村民小组", Field::Group),
        ] {
            let cells = vec![header.to_string()];
            let layout = match field {
                Field::Points | Field::Period => Layout::Credits,
                _ => Layout::Households,
            };
            let (index, _, _) = match_header(&cells, layout);
            assert_eq!(index.first().map(|(f, _, _)| *f), Some(field), "{header}");
        }
    }

    #[test]
    fn codes_are_padded_only_when_all_digits_and_short() {
        let check = |written: &str, width: u8, expected: &str, padded: bool| {
            let (code, note) = parse_code(written, width).expect("a code");
            assert_eq!(
                (code.as_str(), note.is_some()),
                (expected, padded),
                "{written}"
            );
        };
        check("12", 4, "0012", true);
        check("0012", 4, "0012", false);
        check("12345", 4, "12345", false);
        check("a12", 4, "A12", false);
        check("12", 0, "12", false);
        check("Ａ００１", 0, "A001", false);
        assert_eq!(parse_code("A 1", 0), Err(ImportProblem::BadCode));
        assert_eq!(parse_code(" ", 4), Err(ImportProblem::MissingValue));
    }

    #[test]
    fn bytes_decode_as_utf8_or_utf16_with_bom() {
        let text = "户号,户主\r\n";
        let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
        utf8_bom.extend_from_slice(text.as_bytes());
        let mut utf16le = vec![0xFF, 0xFE];
        utf16le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut utf16be = vec![0xFE, 0xFF];
        utf16be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        for bytes in [text.as_bytes().to_vec(), utf8_bom, utf16le, utf16be] {
            assert_eq!(decode_bytes(&bytes).as_deref(), Ok(text));
        }
        // 户号 in GBK.
        let gbk = [0xBB, 0xA7, 0xBA, 0xC5];
        assert_eq!(
            decode_bytes(&gbk).map_err(|e| e.code()),
            Err("IMPORT_NOT_TEXT")
        );
        assert_eq!(
            decode_bytes(&[0xFF, 0xFE, 0x41]).map_err(|e| e.code()),
            Err("IMPORT_NOT_TEXT")
        );
    }
}
