//! Verifying exported batches, as the platform (or a clerk with the native
//! `aixin-verify` command) would: every file matches the SHA-256 its
//! manifest gives; `journal.ndjson` parses line by line; its seqs run from
//! the manifest's first to its last without a gap; the chain is intact
//! (each record's hash = SHA-256(previous hash ‖ entry bytes), starting from
//! the manifest's `prev_hash`); every entry decodes; and batches given in
//! order chain to each other (a batch's `prev_hash` is the previous batch's
//! `last_hash`, its first seq the previous last + 1).
//!
//! Beyond the hashes, which whoever edits a batch can recompute: every file
//! of the batch must be listed in its manifest; the entries are replayed
//! through the core's own fold (an entry the kiosk would never have made,
//! such as a redemption over the balance, is refused at its seq even with
//! every hash recomputed); and both CSVs are rebuilt from the journal for
//! the manifest's CSV layout and compared cell by cell. A batch is
//! *anchored* when it starts at seq 1, follows an anchored batch given
//! before it, or starts at a hash known from elsewhere (the platform's
//! acknowledgement); one that is not can be checked only in itself, and the
//! report says so plainly.
//!
//! Pure: the files come in as bytes. A problem names the batch, the file
//! and, in the journal, the line (1-based), in Chinese and English. Checking
//! goes on after a problem, so a hand-edited line is named even though the
//! file's hash already failed.

use crate::entry::{chain_hash, hex_of, Body, Entry, Hash, GENESIS_PREVIOUS_HASH};
use crate::export::{
    Manifest, BATCH_FORMAT, BATCH_FORMAT_VERSION, CSV_LAYOUT, JOURNAL_FILE, LEDGER_FILE,
    MANIFEST_FILE, REDEMPTIONS_FILE,
};
use crate::journal::parse_ndjson_line;
use crate::state::State;
use std::collections::BTreeMap;
use std::fmt;

/// One batch's files by name, as read from its directory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchFiles {
    /// What the report calls the batch (its directory).
    pub name: String,
    pub files: BTreeMap<String, Vec<u8>>,
}

impl BatchFiles {
    /// A batch from an export's files.
    pub fn from_batch(name: &str, batch: &crate::export::Batch) -> BatchFiles {
        BatchFiles {
            name: name.to_string(),
            files: batch
                .files
                .iter()
                .map(|(file, bytes)| (file.to_string(), bytes.clone()))
                .collect(),
        }
    }
}

/// What is wrong. Each variant is a stable code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    ManifestMissing,
    ManifestMalformed {
        detail: String,
    },
    UnknownFormat {
        format: String,
        version: u32,
    },
    /// The manifest contradicts itself (a count, a range, a hash).
    ManifestInconsistent {
        detail_zh: String,
        detail: String,
    },
    FileMissing,
    FileSizeMismatch {
        expected: u64,
        found: u64,
    },
    FileHashMismatch {
        expected: String,
        found: String,
    },
    /// A journal line that is not `{"hash":…,"entry":…}`.
    LineMalformed,
    /// The line's hash is not SHA-256 of the previous hash and its entry:
    /// the line was changed, or moved.
    ChainBroken,
    EntryUndecodable {
        detail: String,
    },
    SeqMismatch {
        expected: u64,
        found: u64,
    },
    /// The journal ends before the manifest's last seq.
    LinesMissing {
        expected_last: u64,
        found_last: u64,
    },
    /// More lines than the manifest's range.
    ExtraLine,
    LastHashMismatch {
        expected: String,
        found: String,
    },
    /// Seq 1 is not the genesis of the manifest's kiosk.
    GenesisMismatch,
    KioskMismatch {
        expected: String,
        found: String,
    },
    /// The batch does not start right after the previous one.
    BatchGap {
        expected_first: u64,
        found_first: u64,
    },
    /// The batch's `prev_hash` is not the previous batch's `last_hash`.
    BatchNotChained,
    /// A file in the batch that the manifest does not list.
    FileUnlisted,
    /// The core's fold refuses this entry: the kiosk could not have made it.
    FoldRefused {
        seq: u64,
        detail: String,
    },
    /// A CSV cell differs from the one rebuilt from the journal.
    CsvMismatch {
        column: String,
        expected: String,
        found: String,
    },
}

/// One problem, where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub batch: String,
    pub file: Option<String>,
    /// The line of the file, 1-based (journal lines).
    pub line: Option<usize>,
    pub kind: ProblemKind,
}

impl Problem {
    pub fn code(&self) -> &'static str {
        use ProblemKind::*;
        match self.kind {
            ManifestMissing => "MANIFEST_MISSING",
            ManifestMalformed { .. } => "MANIFEST_MALFORMED",
            UnknownFormat { .. } => "UNKNOWN_FORMAT",
            ManifestInconsistent { .. } => "MANIFEST_INCONSISTENT",
            FileMissing => "FILE_MISSING",
            FileSizeMismatch { .. } => "FILE_SIZE_MISMATCH",
            FileHashMismatch { .. } => "FILE_HASH_MISMATCH",
            LineMalformed => "LINE_MALFORMED",
            ChainBroken => "CHAIN_BROKEN",
            EntryUndecodable { .. } => "ENTRY_UNDECODABLE",
            SeqMismatch { .. } => "SEQ_MISMATCH",
            LinesMissing { .. } => "LINES_MISSING",
            ExtraLine => "EXTRA_LINE",
            LastHashMismatch { .. } => "LAST_HASH_MISMATCH",
            GenesisMismatch => "GENESIS_MISMATCH",
            KioskMismatch { .. } => "KIOSK_MISMATCH",
            BatchGap { .. } => "BATCH_GAP",
            BatchNotChained => "BATCH_NOT_CHAINED",
            FileUnlisted => "FILE_UNLISTED",
            FoldRefused { .. } => "FOLD_REFUSED",
            CsvMismatch { .. } => "CSV_MISMATCH",
        }
    }

    fn place_zh(&self) -> String {
        let mut place = format!("批次 {}", self.batch);
        if let Some(file) = &self.file {
            place.push_str(&format!(" 文件 {file}"));
        }
        if let Some(line) = self.line {
            place.push_str(&format!(" 第 {line} 行"));
        }
        place
    }

    fn place_en(&self) -> String {
        let mut place = format!("batch {}", self.batch);
        if let Some(file) = &self.file {
            place.push_str(&format!(", file {file}"));
        }
        if let Some(line) = self.line {
            place.push_str(&format!(", line {line}"));
        }
        place
    }

    pub fn message_zh(&self) -> String {
        use ProblemKind::*;
        let what = match &self.kind {
            ManifestMissing => "缺少 manifest.json".to_string(),
            ManifestMalformed { detail } => format!("manifest.json 读不懂({detail})"),
            UnknownFormat { format, version } => {
                format!("不认识的批次格式 {format} 第 {version} 版")
            }
            ManifestInconsistent { detail_zh, .. } => format!("manifest.json 自相矛盾:{detail_zh}"),
            FileMissing => "文件不见了".to_string(),
            FileSizeMismatch { expected, found } => {
                format!("文件大小不对:清单写 {expected} 字节,实际 {found} 字节")
            }
            FileHashMismatch { .. } => "文件内容和清单里的 SHA-256 不符,文件被改过".to_string(),
            LineMalformed => "这一行不是日志记录的格式".to_string(),
            ChainBroken => "哈希链在这里断了:这一行被改过或挪动过".to_string(),
            EntryUndecodable { detail } => format!("记录读不懂({detail})"),
            SeqMismatch { expected, found } => {
                format!("序号不对:应是第 {expected} 条,这里是第 {found} 条(缺失、重复或顺序被调换)")
            }
            LinesMissing {
                expected_last,
                found_last,
            } => format!("记录不全:清单写到第 {expected_last} 条,文件只到第 {found_last} 条"),
            ExtraLine => "清单范围以外多出的一行".to_string(),
            LastHashMismatch { .. } => "最后一条的哈希和清单不符".to_string(),
            GenesisMismatch => "第 1 条不是这台终端的建立记录".to_string(),
            KioskMismatch { expected, found } => {
                format!("终端编号不同:前一批是 {expected},这一批是 {found}")
            }
            BatchGap {
                expected_first,
                found_first,
            } => {
                format!("和前一批接不上:应从第 {expected_first} 条开始,却从第 {found_first} 条开始")
            }
            BatchNotChained => "和前一批的哈希链接不上:起始哈希不是前一批的最后哈希".to_string(),
            FileUnlisted => "清单里没有这个文件,它不属于这一批".to_string(),
            FoldRefused { seq, detail } => {
                format!("第 {seq} 条记录终端不可能写出(按规则重放被拒:{detail})")
            }
            CsvMismatch {
                column,
                expected,
                found,
            } => format!("“{column}”一栏是 {found:?},按日志应是 {expected:?}"),
        };
        format!("{}:{what}", self.place_zh())
    }

    pub fn message_en(&self) -> String {
        use ProblemKind::*;
        let what = match &self.kind {
            ManifestMissing => "manifest.json is missing".to_string(),
            ManifestMalformed { detail } => format!("manifest.json is unreadable ({detail})"),
            UnknownFormat { format, version } => {
                format!("unknown batch format {format} version {version}")
            }
            ManifestInconsistent { detail, .. } => {
                format!("manifest.json contradicts itself: {detail}")
            }
            FileMissing => "the file is missing".to_string(),
            FileSizeMismatch { expected, found } => {
                format!("size {found} bytes, the manifest says {expected}")
            }
            FileHashMismatch { expected, found } => format!(
                "SHA-256 {found} does not match the manifest's {expected}: the file was changed"
            ),
            LineMalformed => "not a journal line".to_string(),
            ChainBroken => {
                "the hash chain breaks here: this line was changed or moved".to_string()
            }
            EntryUndecodable { detail } => format!("the entry does not decode ({detail})"),
            SeqMismatch { expected, found } => format!(
                "seq {found} where {expected} belongs (missing, repeated or reordered)"
            ),
            LinesMissing {
                expected_last,
                found_last,
            } => format!(
                "truncated: the manifest runs to seq {expected_last}, the file ends at {found_last}"
            ),
            ExtraLine => "a line beyond the manifest's range".to_string(),
            LastHashMismatch { expected, found } => {
                format!("the last hash {found} is not the manifest's {expected}")
            }
            GenesisMismatch => "seq 1 is not this kiosk's genesis".to_string(),
            KioskMismatch { expected, found } => {
                format!("kiosk {found}, the previous batch is of kiosk {expected}")
            }
            BatchGap {
                expected_first,
                found_first,
            } => format!(
                "does not follow the previous batch: starts at seq {found_first}, not {expected_first}"
            ),
            BatchNotChained => {
                "does not chain to the previous batch: prev_hash is not its last_hash".to_string()
            }
            FileUnlisted => "the manifest does not list this file: it is no part of the batch"
                .to_string(),
            FoldRefused { seq, detail } => {
                format!("entry {seq} is one the kiosk could not have made (the replay refuses it: {detail})")
            }
            CsvMismatch {
                column,
                expected,
                found,
            } => format!("column {column} reads {found:?}; the journal gives {expected:?}"),
        };
        format!("{}: {what}", self.place_en())
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n    {}", self.message_zh(), self.message_en())
    }
}

/// What was found in one batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchReport {
    pub name: String,
    pub manifest: Option<Manifest>,
    /// Journal lines read.
    pub lines: usize,
    pub problems: Vec<Problem>,
    /// Whether the batch is tied to the kiosk's history: it starts at seq 1,
    /// follows an anchored batch, or starts at a known hash. An unanchored
    /// batch can be whole in itself and still be a forgery of its start.
    pub anchored: bool,
    /// Whether its entries were replayed through the fold and its CSVs
    /// rebuilt (only possible from seq 1 on).
    pub replayed: bool,
}

/// What was found in all batches, in the order given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub batches: Vec<BatchReport>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        self.batches.iter().all(|batch| batch.problems.is_empty())
    }

    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.batches.iter().flat_map(|batch| &batch.problems)
    }

    /// The report as the command prints it, Chinese first.
    pub fn render(&self) -> String {
        let mut text = String::new();
        for batch in &self.batches {
            let range = batch.manifest.as_ref().map_or(String::new(), |m| {
                format!(
                    "序号 {}–{},共 {} 条 / seqs {}–{}, {} entries",
                    m.first_seq, m.last_seq, m.entry_count, m.first_seq, m.last_seq, m.entry_count
                )
            });
            if batch.problems.is_empty() {
                text.push_str(&format!(
                    "✓ 通过 OK  {}  {range};文件和哈希链完整 / files and hash chain intact\n",
                    batch.name
                ));
                if !batch.anchored {
                    text.push_str(
                        "  ! 未锚定 NOT ANCHORED:这一批不从第 1 条开始,也没有给前一批或平台的哈希,\
                         只能说明它本身完整,不能说明它属于这台终端的记录 / this batch does not start \
                         at seq 1 and was given neither the batch before it nor a platform hash: it is \
                         whole in itself, but nothing shows it is this kiosk's history\n",
                    );
                } else if batch.replayed {
                    text.push_str(
                        "  按规则重放通过,两个 CSV 与日志逐格一致 / replayed through the rules; \
                         both CSVs match the journal cell by cell\n",
                    );
                }
            } else {
                text.push_str(&format!("✗ 未通过 FAILED  {}  {range}\n", batch.name));
                for problem in &batch.problems {
                    text.push_str(&format!("  - {problem}\n"));
                }
            }
        }
        let failed = self
            .batches
            .iter()
            .filter(|batch| !batch.problems.is_empty())
            .count();
        text.push_str(&format!(
            "结果:{} 个批次,{} 个未通过 / Result: {} batch(es), {} failed\n",
            self.batches.len(),
            failed,
            self.batches.len(),
            failed
        ));
        text
    }
}

/// A hash known from outside the batches (the platform's acknowledgement):
/// the entry `seq` of this kiosk has `hash` (lower-case hex).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub seq: u64,
    pub hash: String,
}

/// Verifies batches in order: each alone, and each against the one before.
pub fn verify_batches(batches: &[BatchFiles]) -> Report {
    verify_batches_anchored(batches, None)
}

/// [`verify_batches`], with a hash known from the platform that a batch
/// may start from.
pub fn verify_batches_anchored(batches: &[BatchFiles], anchor: Option<&Anchor>) -> Report {
    let mut reports: Vec<BatchReport> = batches.iter().map(verify_batch).collect();
    for index in 1..reports.len() {
        let (before, after) = reports.split_at_mut(index);
        let (Some(previous), Some(current)) = (
            before[index - 1].manifest.as_ref(),
            after[0].manifest.clone(),
        ) else {
            continue;
        };
        let problem = |kind| Problem {
            batch: after[0].name.clone(),
            file: Some(MANIFEST_FILE.to_string()),
            line: None,
            kind,
        };
        let mut found = Vec::new();
        if previous.kiosk_id != current.kiosk_id {
            found.push(problem(ProblemKind::KioskMismatch {
                expected: previous.kiosk_id.clone(),
                found: current.kiosk_id.clone(),
            }));
        }
        let expected_first = previous.last_seq.saturating_add(1);
        if current.first_seq != expected_first {
            found.push(problem(ProblemKind::BatchGap {
                expected_first,
                found_first: current.first_seq,
            }));
        } else if current.prev_hash != previous.last_hash {
            found.push(problem(ProblemKind::BatchNotChained));
        }
        after[0].problems.extend(found);
    }
    replay(batches, &mut reports, anchor);
    Report { batches: reports }
}

/// One batch's entries as decoded, with their hashes and lines; none when a
/// line does not parse or decode (the batch's own problems say where).
fn entries_of(journal: &[u8]) -> Option<Vec<(Entry, Hash)>> {
    let body = journal.strip_suffix(b"\n").unwrap_or(journal);
    if body.is_empty() {
        return Some(Vec::new());
    }
    body.split(|b| *b == b'\n')
        .map(|bytes| {
            let record = std::str::from_utf8(bytes)
                .ok()
                .and_then(parse_ndjson_line)?;
            let entry = Entry::decode(&record.bytes).ok()?;
            Some((entry, record.hash))
        })
        .collect()
}

/// An `archived` entry names the head and state hash the replay had at the
/// seq it archived through (when that seq was replayed here).
fn archive_vouches(
    entry: &Entry,
    replayed_at: &BTreeMap<u64, (String, String)>,
) -> Result<(), crate::state::ApplyError> {
    let Body::Archived {
        through_seq,
        head,
        state_hash,
    } = &entry.body
    else {
        return Ok(());
    };
    match replayed_at.get(through_seq) {
        Some((held_head, held_state)) if held_head != head || held_state != state_hash => {
            Err(crate::state::ApplyError(format!(
                "the archived entry names a state at seq {through_seq} that is not the replayed one"
            )))
        }
        _ => Ok(()),
    }
}

/// Marks which batches are anchored, replays the anchored ones from seq 1
/// through the core's fold, and rebuilds their CSVs.
fn replay(batches: &[BatchFiles], reports: &mut [BatchReport], anchor: Option<&Anchor>) {
    // The state after the previous batch, when it was replayed from seq 1.
    let mut state: Option<State> = None;
    let mut previous_anchored = false;
    let mut folded: Vec<Option<(State, Vec<Entry>)>> = Vec::new();
    // The seqs an `archived` entry names: the replayed head and state hash
    // there are kept, and the entry must name the same (the kiosk trusts
    // its archive base because of it).
    let archived_at: std::collections::BTreeSet<u64> = batches
        .iter()
        .filter_map(|batch| batch.files.get(JOURNAL_FILE))
        .filter_map(|journal| entries_of(journal))
        .flatten()
        .filter_map(|(entry, _)| match entry.body {
            Body::Archived { through_seq, .. } => Some(through_seq),
            _ => None,
        })
        .collect();
    let mut replayed_at: BTreeMap<u64, (String, String)> = BTreeMap::new();
    for (index, batch) in batches.iter().enumerate() {
        let report = &mut reports[index];
        let Some(manifest) = report.manifest.clone() else {
            state = None;
            previous_anchored = false;
            folded.push(None);
            continue;
        };
        let chained = index > 0
            && !report.problems.iter().any(|p| {
                matches!(
                    p.kind,
                    ProblemKind::BatchGap { .. }
                        | ProblemKind::BatchNotChained
                        | ProblemKind::KioskMismatch { .. }
                )
            });
        let from_anchor = anchor.is_some_and(|anchor| {
            anchor.seq.checked_add(1) == Some(manifest.first_seq)
                && anchor.hash == manifest.prev_hash
        });
        report.anchored = manifest.first_seq == 1 || (chained && previous_anchored) || from_anchor;
        previous_anchored = report.anchored;
        let mut current = if manifest.first_seq == 1 {
            Some(State::new())
        } else if chained {
            state.take()
        } else {
            None
        };
        let journal_whole = !report
            .problems
            .iter()
            .any(|p| p.file.as_deref() == Some(JOURNAL_FILE));
        let entries = batch
            .files
            .get(JOURNAL_FILE)
            .filter(|_| journal_whole)
            .and_then(|journal| entries_of(journal));
        let (Some(mut folding), Some(entries)) = (current.take(), entries) else {
            state = None;
            folded.push(None);
            continue;
        };
        let mut refused = false;
        for (line, (entry, hash)) in entries.iter().enumerate() {
            let applied = folding.apply(entry, *hash).and_then(|()| {
                if archived_at.contains(&entry.seq) {
                    replayed_at.insert(entry.seq, (hex_of(hash), folding.state_hash()));
                }
                archive_vouches(entry, &replayed_at)
            });
            if let Err(error) = applied {
                report.problems.push(Problem {
                    batch: batch.name.clone(),
                    file: Some(JOURNAL_FILE.to_string()),
                    line: Some(line + 1),
                    kind: ProblemKind::FoldRefused {
                        seq: entry.seq,
                        detail: error.0,
                    },
                });
                refused = true;
                break;
            }
        }
        if refused {
            state = None;
            folded.push(None);
            continue;
        }
        report.replayed = true;
        let decoded: Vec<Entry> = entries.into_iter().map(|(entry, _)| entry).collect();
        folded.push(Some((folding.clone(), decoded)));
        state = Some(folding);
    }
    // The export wrote names as they were when it ran, which may be after a
    // batch's last entry: a cell is wrong only when it matches neither the
    // state after the batch nor the last state replayed.
    let last_state = folded
        .iter()
        .rev()
        .flatten()
        .next()
        .map(|(state, _)| state.clone());
    for (index, batch) in batches.iter().enumerate() {
        let Some((state, entries)) = &folded[index] else {
            continue;
        };
        let layout = reports[index].manifest.as_ref().map_or(1, |m| m.csv_layout);
        if !(1..=CSV_LAYOUT).contains(&layout) {
            reports[index].problems.push(Problem {
                batch: batch.name.clone(),
                file: Some(MANIFEST_FILE.to_string()),
                line: None,
                kind: ProblemKind::ManifestInconsistent {
                    detail_zh: format!("不认识的 CSV 格式 {layout}"),
                    detail: format!("unknown CSV layout {layout}"),
                },
            });
            continue;
        }
        let redemptions = |state: &State, entries: &[Entry]| {
            crate::export::redemptions_csv_for_layout(state, entries, layout).unwrap_or_default()
        };
        let ledger = |state: &State, entries: &[Entry]| {
            crate::export::ledger_csv_for_layout(state, entries, layout).unwrap_or_default()
        };
        let builds: [(&str, &dyn Fn(&State, &[Entry]) -> Vec<u8>); 2] =
            [(REDEMPTIONS_FILE, &redemptions), (LEDGER_FILE, &ledger)];
        for (file, build) in builds {
            let Some(found) = batch.files.get(file) else {
                continue;
            };
            let expected = build(state, entries);
            let later = last_state.as_ref().map(|last| build(last, entries));
            compare_csv(
                batch,
                file,
                found,
                &expected,
                later.as_deref(),
                &mut reports[index].problems,
            );
        }
    }
}

/// The cells of one CSV line as written by the export (quoted cells may hold
/// commas and doubled quotes).
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                push_char(&mut cells, '"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => push_char(&mut cells, c),
        }
    }
    cells
}

fn push_char(cells: &mut [String], c: char) {
    if let Some(cell) = cells.last_mut() {
        cell.push(c);
    }
}

/// The most differing lines named per file.
const CSV_PROBLEMS_MAX: usize = 20;

/// Compares a CSV with the one rebuilt from the journal, line by line and
/// cell by cell; names each differing line (1 is the header) and column.
fn compare_csv(
    batch: &BatchFiles,
    file: &str,
    found: &[u8],
    expected: &[u8],
    later: Option<&[u8]>,
    problems: &mut Vec<Problem>,
) {
    if found == expected || Some(found) == later {
        return;
    }
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let (found, expected) = (text(found), text(expected));
    let later = later.map(text);
    let found_lines: Vec<&str> = found.split("\r\n").collect();
    let expected_lines: Vec<&str> = expected.split("\r\n").collect();
    let later_lines: Vec<&str> = later
        .as_deref()
        .map_or(Vec::new(), |t| t.split("\r\n").collect());
    let headers = expected_lines.first().map_or(Vec::new(), |line| {
        csv_cells(line.trim_start_matches('\u{FEFF}'))
    });
    let mut named = 0;
    for index in 0..found_lines.len().max(expected_lines.len()) {
        let found_line = found_lines.get(index).copied().unwrap_or("");
        let expected_line = expected_lines.get(index).copied().unwrap_or("");
        if found_line == expected_line || later_lines.get(index) == Some(&found_line) {
            continue;
        }
        let (found_cells, expected_cells) = (csv_cells(found_line), csv_cells(expected_line));
        let column = (0..found_cells.len().max(expected_cells.len()))
            .find(|&i| found_cells.get(i) != expected_cells.get(i))
            .unwrap_or(0);
        problems.push(Problem {
            batch: batch.name.clone(),
            file: Some(file.to_string()),
            line: Some(index + 1),
            kind: ProblemKind::CsvMismatch {
                column: headers
                    .get(column)
                    .cloned()
                    .unwrap_or_else(|| format!("{}", column + 1)),
                expected: expected_cells.get(column).cloned().unwrap_or_default(),
                found: found_cells.get(column).cloned().unwrap_or_default(),
            },
        });
        named += 1;
        if named == CSV_PROBLEMS_MAX {
            break;
        }
    }
}

fn parse_hash(hex: &str) -> Option<Hash> {
    if hex.len() != 64 || hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    hex::decode(hex).ok()?.try_into().ok()
}

/// Verifies one batch on its own.
pub fn verify_batch(batch: &BatchFiles) -> BatchReport {
    let mut report = BatchReport {
        name: batch.name.clone(),
        manifest: None,
        lines: 0,
        problems: Vec::new(),
        anchored: false,
        replayed: false,
    };
    let problem = |file: &str, line: Option<usize>, kind| Problem {
        batch: batch.name.clone(),
        file: Some(file.to_string()),
        line,
        kind,
    };
    let Some(bytes) = batch.files.get(MANIFEST_FILE) else {
        report
            .problems
            .push(problem(MANIFEST_FILE, None, ProblemKind::ManifestMissing));
        return report;
    };
    let manifest: Manifest = match serde_json::from_slice(bytes) {
        Ok(manifest) => manifest,
        Err(error) => {
            let kind = ProblemKind::ManifestMalformed {
                detail: error.to_string(),
            };
            report.problems.push(problem(MANIFEST_FILE, None, kind));
            return report;
        }
    };
    if manifest.format != BATCH_FORMAT
        || !(1..=BATCH_FORMAT_VERSION).contains(&manifest.format_version)
    {
        let kind = ProblemKind::UnknownFormat {
            format: manifest.format.clone(),
            version: manifest.format_version,
        };
        report.problems.push(problem(MANIFEST_FILE, None, kind));
        return report;
    }
    let inconsistent = |zh: &str, en: &str| {
        problem(
            MANIFEST_FILE,
            None,
            ProblemKind::ManifestInconsistent {
                detail_zh: zh.to_string(),
                detail: en.to_string(),
            },
        )
    };
    let range_ok = manifest.first_seq >= 1
        && manifest.last_seq >= manifest.first_seq
        && manifest.entry_count == manifest.last_seq - manifest.first_seq + 1;
    let (prev_hash, last_hash) = (
        parse_hash(&manifest.prev_hash),
        parse_hash(&manifest.last_hash),
    );
    let (Some(prev_hash), Some(last_hash), true) = (prev_hash, last_hash, range_ok) else {
        report.problems.push(inconsistent(
            "序号范围、条数或哈希的写法不对",
            "the seq range, the entry count or a hash is malformed",
        ));
        report.manifest = Some(manifest);
        return report;
    };
    if manifest.first_seq == 1 && prev_hash != GENESIS_PREVIOUS_HASH {
        report.problems.push(inconsistent(
            "从第 1 条开始的批次,起始哈希应是 64 个 0",
            "a batch from seq 1 starts from 64 zeros",
        ));
    }
    if manifest.previous_batch_last_seq == Some(manifest.first_seq - 1)
        && manifest.previous_batch_last_hash.as_deref() != Some(manifest.prev_hash.as_str())
    {
        report.problems.push(inconsistent(
            "上一次上传的最后哈希和本批的起始哈希不同",
            "the previous upload's last hash is not this batch's prev_hash",
        ));
    }
    check_files(batch, &manifest, &mut report.problems);
    // Format 2 lists every file; a CSV left out of the manifest is no
    // longer taken on trust.
    let required: &[&str] = if manifest.format_version >= 2 {
        &[JOURNAL_FILE, REDEMPTIONS_FILE, LEDGER_FILE]
    } else {
        &[JOURNAL_FILE]
    };
    for name in required {
        if !manifest.files.iter().any(|file| file.name == *name) {
            report.problems.push(inconsistent(
                &format!("清单里没有 {name}"),
                &format!("the manifest does not list {name}"),
            ));
        }
    }
    if manifest.format_version >= 2 {
        for name in batch.files.keys() {
            let listed =
                name == MANIFEST_FILE || manifest.files.iter().any(|file| file.name == *name);
            if !listed {
                report
                    .problems
                    .push(problem(name, None, ProblemKind::FileUnlisted));
            }
        }
    }
    if let Some(journal) = batch.files.get(JOURNAL_FILE) {
        report.lines = check_journal(
            batch,
            &manifest,
            prev_hash,
            last_hash,
            journal,
            &mut report.problems,
        );
    }
    report.manifest = Some(manifest);
    report
}

/// Every file the manifest lists: present, of its size and SHA-256. A name
/// with a path in it is refused as missing.
fn check_files(batch: &BatchFiles, manifest: &Manifest, problems: &mut Vec<Problem>) {
    for listed in &manifest.files {
        let problem = |kind| Problem {
            batch: batch.name.clone(),
            file: Some(listed.name.clone()),
            line: None,
            kind,
        };
        let plain = !listed.name.contains(['/', '\\']) && listed.name != "..";
        let Some(bytes) = batch.files.get(&listed.name).filter(|_| plain) else {
            problems.push(problem(ProblemKind::FileMissing));
            continue;
        };
        if bytes.len() as u64 != listed.bytes {
            problems.push(problem(ProblemKind::FileSizeMismatch {
                expected: listed.bytes,
                found: bytes.len() as u64,
            }));
        }
        let found = crate::export::sha256_hex(bytes);
        if found != listed.sha256 {
            problems.push(problem(ProblemKind::FileHashMismatch {
                expected: listed.sha256.clone(),
                found,
            }));
        }
    }
}

/// The journal line by line; returns the number of lines read.
fn check_journal(
    batch: &BatchFiles,
    manifest: &Manifest,
    prev_hash: Hash,
    last_hash: Hash,
    journal: &[u8],
    problems: &mut Vec<Problem>,
) -> usize {
    let problem = |line: Option<usize>, kind| Problem {
        batch: batch.name.clone(),
        file: Some(JOURNAL_FILE.to_string()),
        line,
        kind,
    };
    let body = journal.strip_suffix(b"\n").unwrap_or(journal);
    let lines: Vec<&[u8]> = if body.is_empty() {
        Vec::new()
    } else {
        body.split(|b| *b == b'\n').collect()
    };
    // The hash the next line chains from; unknown after a malformed line.
    let mut previous = Some(prev_hash);
    let mut last_seen = None;
    // The seq the previous line held: a line that follows it is not named
    // again after a gap, only the line where the gap is.
    let mut previous_seq = None;
    for (index, bytes) in lines.iter().enumerate() {
        let line = Some(index + 1);
        let expected = manifest.first_seq.saturating_add(index as u64);
        if expected > manifest.last_seq {
            problems.push(problem(line, ProblemKind::ExtraLine));
        }
        let Some(record) = std::str::from_utf8(bytes).ok().and_then(parse_ndjson_line) else {
            problems.push(problem(line, ProblemKind::LineMalformed));
            previous = None;
            last_seen = None;
            previous_seq = None;
            continue;
        };
        if let Some(previous) = previous {
            if chain_hash(&previous, &record.bytes) != record.hash {
                problems.push(problem(line, ProblemKind::ChainBroken));
            }
        }
        match Entry::decode(&record.bytes) {
            Err(error) => {
                previous_seq = None;
                problems.push(problem(
                    line,
                    ProblemKind::EntryUndecodable {
                        detail: error.to_string(),
                    },
                ));
            }
            Ok(entry) => {
                let follows =
                    previous_seq.is_some_and(|seq: u64| seq.checked_add(1) == Some(entry.seq));
                if entry.seq != expected && !follows {
                    problems.push(problem(
                        line,
                        ProblemKind::SeqMismatch {
                            expected,
                            found: entry.seq,
                        },
                    ));
                }
                let genesis = matches!(&entry.body, Body::Genesis { kiosk_id, .. } if kiosk_id.as_str() == manifest.kiosk_id);
                if entry.seq == 1 && expected == 1 && !genesis {
                    problems.push(problem(line, ProblemKind::GenesisMismatch));
                }
                previous_seq = Some(entry.seq);
            }
        }
        previous = Some(record.hash);
        last_seen = Some(record.hash);
    }
    let found_last = previous_seq.unwrap_or(
        manifest
            .first_seq
            .saturating_add(lines.len() as u64)
            .saturating_sub(1),
    );
    if found_last < manifest.last_seq {
        problems.push(problem(
            Some(lines.len() + 1),
            ProblemKind::LinesMissing {
                expected_last: manifest.last_seq,
                found_last,
            },
        ));
    } else if let Some(found) = last_seen.filter(|found| *found != last_hash) {
        problems.push(problem(
            Some(lines.len()),
            ProblemKind::LastHashMismatch {
                expected: hex_of(&last_hash),
                found: hex_of(&found),
            },
        ));
    }
    lines.len()
}
