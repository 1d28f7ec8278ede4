//! Reading a file, for every kind here and for the score sheets
//! ([`crate::scoresheet`]): bytes to text, text to records (Excel's quoting
//! and row numbers), the header row found among the first rows in either
//! language, and cells to checked values (codes padded, periods read as
//! people write them).

use super::problems::{shown, ImportError, ImportErrors, ImportProblem, Note};
use super::{
    ImportKind, HEADER_SEARCH_ROWS, IMPORT_BYTES_MAX, IMPORT_COLUMNS_MAX, IMPORT_ROWS_MAX,
};

use crate::ids::{HouseholdCode, NameProblem, Period, Text};

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
pub(super) enum Layout {
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
pub(super) fn narrow(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Where each field is in the rows.
pub(super) struct Header {
    pub(super) line: usize,
    pub(super) index: ColumnIndex,
    pub(super) ignored: Vec<String>,
}

impl Header {
    pub(super) fn position(&self, field: Field) -> Option<(usize, &str)> {
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
pub(super) fn table(
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

/// A problem with one cell, before it knows its row and column.
pub(super) type CellResult<T> = Result<T, ImportProblem>;

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
pub(super) fn parse_text(written: &str, length_max: usize) -> CellResult<Text> {
    let joined: String = written
        .split(['\r', '\n', '\t'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Text::new(&joined, length_max).map_err(|error| from_name_problem(error.problem))
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

/// Reads the cells of one record, collecting every problem.
pub(super) struct Cells<'a> {
    pub(super) record: &'a Record,
    pub(super) header: &'a Header,
    pub(super) errors: &'a mut Vec<ImportError>,
}

impl Cells<'_> {
    pub(super) fn raw(&self, field: Field) -> &str {
        self.header
            .position(field)
            .and_then(|(index, _)| self.record.cells.get(index))
            .map_or("", String::as_str)
    }

    pub(super) fn read<T>(
        &mut self,
        field: Field,
        parse: impl FnOnce(&str) -> CellResult<T>,
    ) -> Option<T> {
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
