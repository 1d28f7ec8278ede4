//! The clerk's half of the JS API: importing households and points from the
//! platform's files, and exporting batches for upload. The page decodes a
//! file's bytes to text (GBK through the browser's `TextDecoder`, so the wasm
//! carries no encoding tables) and passes the text.

use super::convert::{self, from_js, to_js, to_js_error, HistoryView};
use super::gate::Gate;
use super::kiosk::{promise, random_bytes, DbLease, Inner, Kiosk};
use crate::error::Error;
use crate::export::{export_unhashed, ExportRange};
use crate::import::{self, ImportErrors, ImportKind, Preview};
use crate::journal::StoredRecord;
use crate::ledger::{Auth, Operation, REASON_LENGTH_MAX};
use crate::state::State;
use crate::verify::{verify_batches, BatchFiles, Report};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// A refused file as a JS `Error` with `.code` `IMPORT_REFUSED` and `.rows`:
/// every bad row with its line, column, code and words.
pub(super) fn import_error(errors: &ImportErrors) -> JsValue {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Row {
        line: usize,
        column: Option<String>,
        value: String,
        code: &'static str,
        message: String,
        message_en: String,
    }
    let rows: Vec<Row> = errors
        .errors
        .iter()
        .map(|error| Row {
            line: error.line,
            column: error.column.clone(),
            value: error.value.clone(),
            code: error.code(),
            message: error.message_zh(),
            message_en: error.message_en(),
        })
        .collect();
    let js_error = js_sys::Error::new(&errors.message_zh());
    js_error.set_name(ImportErrors::CODE);
    let object: &JsValue = js_error.as_ref();
    let set = |key: &str, value: JsValue| {
        let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), &value);
    };
    set("code", JsValue::from_str(ImportErrors::CODE));
    set("messageEn", JsValue::from_str(&errors.message_en()));
    set("rows", to_js(&rows));
    js_error.into()
}

fn kind(text: &str) -> Result<ImportKind, Error> {
    ImportKind::parse(text)
        .ok_or_else(|| Error::invalid_with("kind", "导入类型不对", "kind is households or credits"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImportInput {
    #[serde(rename = "staffSession")]
    _staff_session: serde::de::IgnoredAny,
    now: i64,
    kind: String,
    text: String,
    corrections_reason: Option<String>,
    /// A second staff member's confirmation, read by
    /// [`super::staff::co_sign_of`]: an import of points needs one.
    #[serde(rename = "coSign", default)]
    _co_sign: Option<serde::de::IgnoredAny>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NoteView {
    code: &'static str,
    message: String,
    message_en: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RowView {
    line: usize,
    household: String,
    name: String,
    amount: Option<String>,
    period: Option<String>,
    status: &'static str,
    /// A conflict's amount as the kiosk has it now.
    credited: Option<String>,
    notes: Vec<NoteView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PreviewView {
    kind: &'static str,
    rows: Vec<RowView>,
    households: usize,
    new: usize,
    changed: usize,
    already_imported: usize,
    conflicts: usize,
    skipped: usize,
    pins: usize,
    codes_padded: usize,
    total_points: String,
    new_points: String,
    ignored_columns: Vec<String>,
    nothing_to_do: bool,
}

fn preview_view(preview: &Preview) -> PreviewView {
    let counts = preview.counts;
    PreviewView {
        kind: preview.kind.as_str(),
        rows: preview
            .rows
            .iter()
            .map(|row| RowView {
                line: row.line,
                household: row.household.to_string(),
                name: row.name.clone(),
                amount: row.amount.map(|a| a.to_fixed()),
                period: row.period.as_ref().map(ToString::to_string),
                status: row.status.code(),
                credited: match &row.status {
                    import::RowStatus::Conflict(conflict) => Some(conflict.credited.to_fixed()),
                    _ => None,
                },
                notes: row
                    .notes
                    .iter()
                    .map(|note| NoteView {
                        code: note.code(),
                        message: note.message_zh(),
                        message_en: note.message_en(),
                    })
                    .collect(),
            })
            .collect(),
        households: counts.households,
        new: counts.new,
        changed: counts.changed,
        already_imported: counts.already_imported,
        conflicts: counts.conflicts,
        skipped: counts.skipped,
        pins: counts.pins,
        codes_padded: counts.codes_padded,
        total_points: preview.total_points.to_fixed(),
        new_points: preview.new_points.to_fixed(),
        ignored_columns: preview.ignored_columns.clone(),
        nothing_to_do: preview.is_noop(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExportInput {
    #[serde(rename = "staffSession")]
    _staff_session: serde::de::IgnoredAny,
    now: i64,
    /// "since_last_upload" (default), "everything", or { from, to }.
    #[serde(default)]
    range: Option<serde_json::Value>,
    /// Files as `bytes` (a `Uint8Array` each, what a page saves) instead of
    /// `text`.
    #[serde(default)]
    bytes: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileView {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

fn internal(detail: &str) -> Error {
    Error::Internal {
        detail: detail.into(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchView {
    name: String,
    first_seq: u64,
    last_seq: u64,
    last_hash: String,
    files: Vec<FileView>,
}

fn export_range(value: Option<serde_json::Value>) -> Result<ExportRange, Error> {
    let bad = || {
        Error::invalid_with(
            "range",
            "导出范围不对",
            "range is since_last_upload, everything or { from, to }",
        )
    };
    Ok(match value {
        None => ExportRange::SinceLastUpload,
        Some(serde_json::Value::String(text)) if text == "since_last_upload" => {
            ExportRange::SinceLastUpload
        }
        Some(serde_json::Value::String(text)) if text == "everything" => ExportRange::Everything,
        Some(serde_json::Value::Object(map)) => {
            let seq = |key: &str| {
                map.get(key)
                    .and_then(serde_json::Value::as_u64)
                    .ok_or_else(bad)
            };
            ExportRange::Seqs {
                first_seq: seq("from")?,
                last_seq: seq("to")?,
            }
        }
        Some(_) => return Err(bad()),
    })
}

#[cfg(feature = "staff")]
#[wasm_bindgen]
impl Kiosk {
    /// What importing a file would do, row by row, without changing
    /// anything: `{ staffSession, now, kind: "households" | "credits", text }`.
    /// A file with any bad row throws `IMPORT_REFUSED` with `.rows`.
    #[wasm_bindgen(js_name = previewImport)]
    pub fn preview_import(&self, input: JsValue) -> Result<JsValue, JsValue> {
        self.staff_read(input.clone(), |_| Ok(JsValue::UNDEFINED))?;
        let fields: ImportInput = from_js(input, "previewImport").map_err(|e| to_js_error(&e))?;
        let kind = kind(&fields.kind).map_err(|e| to_js_error(&e))?;
        let ledger = self.inner().ledger.borrow();
        import::preview(ledger.state(), kind, &fields.text, None)
            .map(|preview| to_js(&preview_view(&preview)))
            .map_err(|errors| import_error(&errors))
    }

    /// Applies a file (clerk): the same input as `previewImport`, plus
    /// `correctionsReason` when credits conflict with earlier ones. All rows
    /// are stored together or none; the same file again appends nothing.
    #[wasm_bindgen(js_name = applyImport)]
    pub fn apply_import(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        future_to_promise(async move {
            let coded = |error: Error| to_js_error(&error);
            let session = js_sys::Reflect::get(&input, &JsValue::from_str("staffSession"))
                .unwrap_or(JsValue::UNDEFINED);
            let session =
                convert::session_id(&session).map_err(|_| coded(Error::StaffAuthRequired))?;
            let co_sign = super::staff::co_sign_of(&input).map_err(coded)?;
            let fields: ImportInput = from_js(input, "applyImport").map_err(coded)?;
            let kind = kind(&fields.kind).map_err(coded)?;
            let parsed = import::parse(inner.ledger.borrow().state(), kind, &fields.text, None);
            let file = parsed.map_err(|errors| import_error(&errors))?;
            let corrections_reason = fields
                .corrections_reason
                .filter(|r| !r.trim().is_empty())
                .map(|r| {
                    crate::ids::Text::new(&r, REASON_LENGTH_MAX)
                        .map_err(|p| Error::invalid("correctionsReason", &p))
                })
                .transpose()
                .map_err(coded)?;
            let operation = super::staff::co_signed(
                Operation::Import {
                    file,
                    corrections_reason,
                    pin_seed: random_bytes().map_err(coded)?,
                },
                co_sign,
            );
            let outcome = Inner::run(&inner, Auth::StaffSession(session), operation, fields.now)
                .await
                .map_err(coded)?;
            Ok(super::staff::done_view(outcome))
        })
    }

    /// A blank import file with Chinese headers (UTF-8 with BOM, as Excel
    /// opens it): `"households"` or `"credits"`.
    #[wasm_bindgen(js_name = importTemplate)]
    pub fn import_template(kind_name: &str) -> Result<String, JsValue> {
        let kind = kind(kind_name).map_err(|e| to_js_error(&e))?;
        String::from_utf8(import::template(kind)).map_err(|_| {
            to_js_error(&Error::Internal {
                detail: "template".into(),
            })
        })
    }

    /// A batch for upload (clerk): `{ staffSession, now, range, bytes }` →
    /// `{ name, firstSeq, lastSeq, lastHash, files: [{ name, text }] }` with
    /// `manifest.json`, `journal.ndjson`, `redemptions.csv`, `ledger.csv`;
    /// with `bytes: true` each file is `{ name, bytes }`, its UTF-8 bytes as
    /// a `Uint8Array` (no text to encode again to save it).
    /// Then `markUploaded({ lastSeq })` once the files are on the stick.
    #[wasm_bindgen(js_name = exportBatch)]
    pub fn export_batch(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        let check = self.staff_read(input.clone(), |_| Ok(JsValue::UNDEFINED));
        promise(async move {
            check.map_err(|_| Error::StaffAuthRequired)?;
            let fields: ExportInput = from_js(input, "exportBatch")?;
            let mut range = export_range(fields.range)?;
            let base_seq = inner.upkeep().base_seq.get();
            if range == ExportRange::Everything && base_seq > 0 {
                range = ExportRange::Seqs {
                    first_seq: base_seq + 1,
                    last_seq: inner.ledger.borrow().state().seq,
                };
            }
            let _pass = Gate::enter(&inner.gate).await;
            let (first, last) = range.resolve(inner.ledger.borrow().state())?;
            if first <= base_seq {
                return Err(Error::invalid_with(
                    "range",
                    &format!("第 {base_seq} 条以前的记录已经归档,请看归档文件"),
                    &format!("entries up to {base_seq} are archived; see the archive file"),
                ));
            }
            let stored = {
                let lease = DbLease::take(&inner)?;
                lease
                    .db()?
                    .read_journal(first.saturating_sub(1).max(1), last)
                    .await
                    .map_err(super::kiosk::storage_error)?
            };
            let mut records: Vec<(u64, StoredRecord)> = Vec::with_capacity(stored.len() + 1);
            if first == base_seq + 1 && base_seq > 0 {
                // The archived entry before the range: only its hash is used.
                let hash = inner.upkeep().base_head.get();
                records.push((
                    base_seq,
                    StoredRecord {
                        bytes: Vec::new(),
                        hash,
                    },
                ));
            }
            records.extend(
                stored
                    .into_iter()
                    .filter_map(|(seq, bytes)| Some((seq, StoredRecord::from_bytes(&bytes)?))),
            );
            let unhashed =
                export_unhashed(inner.ledger.borrow().state(), &records, range, fields.now)?;
            drop(records);
            let mut digests = Vec::with_capacity(unhashed.files.len());
            for (_, bytes) in &unhashed.files {
                digests.push(super::digest::sha256(bytes).await);
            }
            let batch = unhashed.seal(digests)?;
            let name = batch.name();
            // The files' bytes go to JS as one `Uint8Array` each when asked
            // (the serializer would make arrays of numbers of them).
            let mut contents = Vec::new();
            let files = batch
                .files
                .into_iter()
                .map(|(name, bytes)| FileView {
                    name,
                    text: match fields.bytes {
                        true => {
                            contents.push(bytes);
                            None
                        }
                        // The files are built as UTF-8: no copy unless one
                        // is not.
                        false => Some(String::from_utf8(bytes).unwrap_or_else(|error| {
                            String::from_utf8_lossy(error.as_bytes()).into_owned()
                        })),
                    },
                })
                .collect();
            let view = to_js(&BatchView {
                name,
                first_seq: batch.manifest.first_seq,
                last_seq: batch.manifest.last_seq,
                last_hash: batch.manifest.last_hash,
                files,
            });
            let listed = js_sys::Reflect::get(&view, &JsValue::from_str("files"))
                .map_err(|_| internal("exportBatch files"))?;
            for (at, bytes) in contents.iter().enumerate() {
                let file = js_sys::Reflect::get_u32(&listed, at as u32)
                    .map_err(|_| internal("exportBatch file"))?;
                js_sys::Reflect::set(
                    &file,
                    &JsValue::from_str("bytes"),
                    &js_sys::Uint8Array::from(bytes.as_slice()),
                )
                .map_err(|_| internal("exportBatch bytes"))?;
            }
            Ok(view)
        })
    }
}

// ---------------------------------------------------------------------------
// Reconciling, verifying batches, and the journal's size.

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReconcileInput {
    #[serde(rename = "staffSession")]
    _staff_session: serde::de::IgnoredAny,
    #[serde(rename = "now")]
    _now: serde::de::IgnoredAny,
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReconcileLineView {
    household: String,
    name: String,
    line: Option<usize>,
    kiosk_balance: Option<String>,
    platform_balance: Option<String>,
    difference: String,
    since_upload: String,
    unexplained: String,
    differs: bool,
    entries: Vec<HistoryView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReconcileView {
    lines: Vec<ReconcileLineView>,
    uploaded_through_seq: u64,
    households_differing: usize,
    households_unexplained: usize,
    kiosk_total: String,
    platform_total: String,
}

fn reconcile_view(reconciliation: &import::Reconciliation, state: &State) -> ReconcileView {
    let lines = reconciliation
        .lines
        .iter()
        .map(|line| ReconcileLineView {
            household: line.household.to_string(),
            name: line.name.clone(),
            line: line.line,
            kiosk_balance: line.kiosk_balance.map(|b| b.to_fixed()),
            platform_balance: line.platform_balance.map(|b| b.to_fixed()),
            difference: line.difference.to_fixed(),
            since_upload: line.since_upload.to_fixed(),
            unexplained: line.unexplained.to_fixed(),
            differs: line.differs(),
            entries: line
                .entries
                .iter()
                .map(|entry| HistoryView::of(entry, state))
                .collect(),
        })
        .collect();
    ReconcileView {
        lines,
        uploaded_through_seq: reconciliation.uploaded_through_seq,
        households_differing: reconciliation.households_differing,
        households_unexplained: reconciliation.households_unexplained,
        kiosk_total: reconciliation.kiosk_total.to_fixed(),
        platform_total: reconciliation.platform_total.to_fixed(),
    }
}

/// Batches one `verifyBatches` call checks at most.
const VERIFY_BATCHES_MAX: u32 = 64;
/// Files one batch may bring (a batch has four).
const VERIFY_FILES_MAX: u32 = 16;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProblemView {
    batch: String,
    file: Option<String>,
    line: Option<usize>,
    code: &'static str,
    message: String,
    message_en: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchReportView {
    name: String,
    ok: bool,
    first_seq: Option<u64>,
    last_seq: Option<u64>,
    entry_count: Option<u64>,
    kiosk_id: Option<String>,
    lines: usize,
    problems: Vec<ProblemView>,
    /// Tied to the kiosk's history (from seq 1, or after an anchored
    /// batch); an unanchored batch is whole in itself and no more.
    anchored: bool,
    /// Replayed through the rules and its CSVs rebuilt.
    replayed: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifyView {
    ok: bool,
    batches: Vec<BatchReportView>,
    /// The report as `aixin-verify` prints it.
    text: String,
}

fn verify_view(report: &Report) -> VerifyView {
    let batches = report
        .batches
        .iter()
        .map(|batch| BatchReportView {
            name: batch.name.clone(),
            ok: batch.problems.is_empty(),
            first_seq: batch.manifest.as_ref().map(|m| m.first_seq),
            last_seq: batch.manifest.as_ref().map(|m| m.last_seq),
            entry_count: batch.manifest.as_ref().map(|m| m.entry_count),
            kiosk_id: batch.manifest.as_ref().map(|m| m.kiosk_id.clone()),
            lines: batch.lines,
            anchored: batch.anchored,
            replayed: batch.replayed,
            problems: batch
                .problems
                .iter()
                .map(|problem| ProblemView {
                    batch: problem.batch.clone(),
                    file: problem.file.clone(),
                    line: problem.line,
                    code: problem.code(),
                    message: problem.message_zh(),
                    message_en: problem.message_en(),
                })
                .collect(),
        })
        .collect();
    VerifyView {
        ok: report.is_ok(),
        batches,
        text: report.render(),
    }
}

fn property(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A JS array of at most `max` items, or `INVALID_INPUT` naming `field`.
fn js_array(value: &JsValue, field: &'static str, max: u32) -> Result<js_sys::Array, Error> {
    if !js_sys::Array::is_array(value) {
        return Err(Error::invalid_with(
            field,
            "应是一个列表",
            "must be an array",
        ));
    }
    let array = js_sys::Array::from(value);
    if array.length() > max {
        return Err(Error::LimitReached {
            what: field,
            limit: i64::from(max),
        });
    }
    Ok(array)
}

/// `[{ name, files: [{ name, bytes: Uint8Array } | { name, text }] }]` into
/// the verifier's batches.
fn batch_files(batches: &JsValue) -> Result<Vec<BatchFiles>, Error> {
    let bad_file = || {
        Error::invalid_with(
            "files",
            "每个文件要有名字和内容",
            "each file has a name and bytes or text",
        )
    };
    let mut found = Vec::new();
    for batch in js_array(batches, "batches", VERIFY_BATCHES_MAX)?.iter() {
        let name = property(&batch, "name").as_string().unwrap_or_default();
        let mut files = std::collections::BTreeMap::new();
        for file in js_array(&property(&batch, "files"), "files", VERIFY_FILES_MAX)?.iter() {
            let file_name = property(&file, "name").as_string().ok_or_else(bad_file)?;
            let bytes = property(&file, "bytes");
            let content = if bytes.is_instance_of::<js_sys::Uint8Array>() {
                js_sys::Uint8Array::from(bytes).to_vec()
            } else {
                let text = property(&file, "text").as_string().ok_or_else(bad_file)?;
                text.into_bytes()
            };
            files.insert(file_name, content);
        }
        found.push(BatchFiles { name, files });
    }
    Ok(found)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JournalSizeView {
    entries: u64,
    bytes: u64,
    uploaded_through_seq: u64,
}

#[cfg(feature = "staff")]
#[wasm_bindgen]
impl Kiosk {
    /// Compares the platform's balance list with the kiosk (clerk):
    /// `{ staffSession, now, text }` → households that differ first, with the
    /// entries since the last upload that explain each difference. A file
    /// with a bad row throws `IMPORT_REFUSED` with `.rows`.
    pub fn reconcile(&self, input: JsValue) -> Result<JsValue, JsValue> {
        self.staff_read(input.clone(), |_| Ok(JsValue::UNDEFINED))?;
        let fields: ReconcileInput = from_js(input, "reconcile").map_err(|e| to_js_error(&e))?;
        let ledger = self.inner().ledger.borrow();
        import::reconcile(ledger.state(), &fields.text, None)
            .map(|reconciliation| to_js(&reconcile_view(&reconciliation, ledger.state())))
            .map_err(|errors| import_error(&errors))
    }

    /// The check of `aixin-verify` on exported batches, in order:
    /// `[{ name, files: [{ name, bytes }] }]` (bytes a `Uint8Array`, or
    /// `text`) → `{ ok, batches: [{ name, ok, firstSeq, lastSeq, lines,
    /// anchored, replayed, problems: [{ batch, file, line, code, message,
    /// messageEn }] }], text }`. A batch that passes but is not `anchored`
    /// is whole in itself only: nothing ties it to the kiosk's history.
    #[wasm_bindgen(js_name = verifyBatches)]
    pub fn verify_batches_js(batches: JsValue) -> Result<JsValue, JsValue> {
        let batches = batch_files(&batches).map_err(|e| to_js_error(&e))?;
        Ok(to_js(&verify_view(&verify_batches(&batches))))
    }

    /// How much the journal holds: `{ entries, bytes, uploadedThroughSeq }`,
    /// the bytes of every stored record (read from IndexedDB).
    #[wasm_bindgen(js_name = journalSize)]
    pub fn journal_size(&self) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let (entries, uploaded_through_seq) = {
                let ledger = inner.ledger.borrow();
                (ledger.state().seq, ledger.state().uploaded_through_seq)
            };
            // In turn with the calls that write, which hold the database.
            let _pass = Gate::enter(&inner.gate).await;
            let stored = {
                let lease = DbLease::take(&inner)?;
                lease
                    .db()?
                    .read_journal(1, entries)
                    .await
                    .map_err(super::kiosk::storage_error)?
            };
            let bytes = stored.iter().map(|(_, record)| record.len() as u64).sum();
            Ok(to_js(&JournalSizeView {
                entries,
                bytes,
                uploaded_through_seq,
            }))
        })
    }
}
