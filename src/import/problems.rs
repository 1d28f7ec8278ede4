//! What reading and checking a file says: each problem a stable code with
//! its Excel row and column, in Chinese and English, and the notes a row may
//! carry (a code padded, a period rewritten, a PIN kept).

use super::read::Field;

use crate::error::Error;
use crate::ids::{HouseholdCode, Period};

use crate::points::PointsParseError;

use std::fmt;

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

pub(super) fn shown(value: &str) -> String {
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
