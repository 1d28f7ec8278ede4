//! Exports for upload and their verifier: the four files of a batch, CSV as
//! Excel opens it (and safely), the range since the last upload, batches
//! that chain, and every way a hand-edited batch fails at the right place —
//! in the core and through the `aixin-verify` command.
//!
//! `tests/fixtures/export/` holds two committed batches of one kiosk,
//! written by `cargo test --test export -- --ignored generate_fixtures`;
//! `committed_batches_verify` checks they still verify and still are what
//! the export writes.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use aixin_kiosk::calendar::local_date_time;
use aixin_kiosk::entry::{hex_of, Entry, HouseholdKind, ItemDetails};
use aixin_kiosk::export::{
    self, Batch, ExportRange, Manifest, JOURNAL_FILE, LEDGER_FILE, MANIFEST_FILE, REDEMPTIONS_FILE,
};
use aixin_kiosk::journal::StoredRecord;
use aixin_kiosk::ledger::Operation;
use aixin_kiosk::verify::{verify_batches, BatchFiles, Report};
use common::*;
use std::path::{Path, PathBuf};

/// The village of `Kiosk::with_village`, plus a household and an item whose
/// names a spreadsheet would run as formulas, two redemptions, a void and a
/// negative correction.
fn shop() -> Kiosk {
    let mut kiosk = Kiosk::with_village();
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::RegisterHousehold {
                household: code("C003"),
                name: text("=HYPERLINK(\"http://x\",\"点我\")"),
                group: text("第三组"),
                kind: HouseholdKind::Family,
                request,
            },
        )
        .unwrap();
    let request = kiosk.next_request();
    let details = ItemDetails {
        name_zh: text("@SUM(1+1)"),
        name_en: None,
        unit: text("个"),
        category: text("日用"),
        barcode: None,
        image: None,
        low_stock: None,
    };
    kiosk
        .run(
            &staff(),
            Operation::AddItem {
                sku: sku("evil"),
                details,
                price: points("1"),
                request,
            },
        )
        .unwrap();
    kiosk.restock(&[("evil", 5)]);
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let request = kiosk.next_request();
    kiosk
        .redeem(&session, &[("salt-500g", 2), ("evil", 1)], request)
        .unwrap();
    let voided = kiosk.ledger.state().seq;
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::Void {
                redemption_seq: voided,
                reason: text("-扫错了"),
                request,
            },
        )
        .unwrap();
    let session = kiosk.sign_in("B002", "5678").unwrap();
    let request = kiosk.next_request();
    kiosk
        .redeem(&session, &[("salt-500g", 1)], request)
        .unwrap();
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::Correct {
                household: code("A001"),
                amount: points("-1"),
                refers_to_seq: None,
                reason: text("+多记了 1 分"),
                request,
            },
        )
        .unwrap();
    kiosk
}

fn export(kiosk: &Kiosk, range: ExportRange) -> Batch {
    export::export(
        kiosk.ledger.state(),
        &kiosk.stored_records(),
        range,
        kiosk.now,
    )
    .unwrap()
}

fn files(name: &str, batch: &Batch) -> BatchFiles {
    BatchFiles::from_batch(name, batch)
}

fn verify(batches: &[BatchFiles]) -> Report {
    verify_batches(batches)
}

/// Every problem as `(batch, file, line, code)`.
fn problems(report: &Report) -> Vec<(String, Option<String>, Option<usize>, &'static str)> {
    report
        .problems()
        .map(|p| {
            assert!(!p.message_zh().is_empty() && !p.message_en().is_empty());
            (p.batch.clone(), p.file.clone(), p.line, p.code())
        })
        .collect()
}

fn at(
    batch: &str,
    file: &str,
    line: Option<usize>,
    code: &'static str,
) -> (String, Option<String>, Option<usize>, &'static str) {
    (batch.to_string(), Some(file.to_string()), line, code)
}

/// A minimal RFC 4180 reader for checking what the export wrote: the rows
/// after the BOM, with every row ended by CRLF.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{FEFF}').expect("a BOM");
    assert!(text.ends_with("\r\n"));
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CRLF");
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\n') => panic!("a bare LF"),
            (false, c) => cell.push(c),
        }
    }
    rows
}

fn column(rows: &[Vec<String>], header: &str) -> Vec<String> {
    let index = rows[0].iter().position(|h| h == header).unwrap();
    rows[1..].iter().map(|row| row[index].clone()).collect()
}

// ---------------------------------------------------------------------------
// The files

#[test]
fn export_then_verify_round_trip() {
    let kiosk = shop();
    let state = kiosk.ledger.state();
    let batch = export(&kiosk, ExportRange::Everything);
    let names: Vec<&str> = batch.files.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [JOURNAL_FILE, REDEMPTIONS_FILE, LEDGER_FILE, MANIFEST_FILE]
    );
    let manifest = &batch.manifest;
    assert_eq!(
        (
            manifest.kiosk_id.as_str(),
            manifest.first_seq,
            manifest.last_seq,
            manifest.entry_count
        ),
        (KIOSK, 1, state.seq, state.seq)
    );
    assert_eq!(manifest.prev_hash, "0".repeat(64));
    assert_eq!(manifest.last_hash, hex_of(&state.head));
    assert_eq!(manifest.previous_batch_last_hash, None);
    assert_eq!(manifest.village, "张家村");
    for listed in &manifest.files {
        let bytes = batch.file(&listed.name).unwrap();
        assert_eq!(listed.sha256, export::sha256_hex(bytes));
        assert_eq!(listed.bytes, bytes.len() as u64);
    }
    let parsed: Manifest = serde_json::from_slice(batch.file(MANIFEST_FILE).unwrap()).unwrap();
    assert_eq!(&parsed, manifest);
    // journal.ndjson: each record's line, in order.
    let journal = String::from_utf8(batch.file(JOURNAL_FILE).unwrap().to_vec()).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    assert_eq!(lines.len() as u64, state.seq);
    for (line, (_, record)) in lines.iter().zip(kiosk.stored_records()) {
        assert_eq!(*line, aixin_kiosk::journal::ndjson_line(&record));
    }
    let report = verify(&[files("batch-1", &batch)]);
    assert!(report.is_ok(), "{}", report.render());
    assert!(report.render().contains("通过 OK"));
    assert_eq!(report.batches[0].lines as u64, state.seq);
}

#[test]
fn a_batch_sealed_with_digests_from_elsewhere_is_the_same_batch() {
    use sha2::{Digest, Sha256};
    let kiosk = shop();
    let unhashed = || {
        export::export_unhashed(
            kiosk.ledger.state(),
            &kiosk.stored_records(),
            ExportRange::Everything,
            kiosk.now,
        )
        .unwrap()
    };
    let digests: Vec<[u8; 32]> = unhashed()
        .files
        .iter()
        .map(|(_, bytes)| Sha256::digest(bytes).into())
        .collect();
    assert_eq!(digests.len(), 3);
    assert_eq!(
        unhashed().seal(digests.clone()).unwrap(),
        export(&kiosk, ExportRange::Everything)
    );
    // A digest missing, or one that is not the file's: refused, or caught by
    // the verifier on the other side.
    let error = unhashed().seal(digests[..2].to_vec()).unwrap_err();
    assert_eq!(error.code(), "INTERNAL");
    let mut wrong = digests;
    wrong[1][0] ^= 1;
    let report = verify(&[files("batch-1", &unhashed().seal(wrong).unwrap())]);
    assert!(!report.is_ok());
    assert!(
        report.render().contains(REDEMPTIONS_FILE),
        "{}",
        report.render()
    );
}

#[test]
fn redemptions_csv_has_a_row_per_line_and_voids_as_negative_rows() {
    let kiosk = shop();
    let batch = export(&kiosk, ExportRange::Everything);
    let rows = csv_rows(batch.file(REDEMPTIONS_FILE).unwrap());
    assert_eq!(
        rows[0],
        export::REDEMPTIONS_HEADERS.map(String::from).to_vec()
    );
    let redeemed_seq = kiosk
        .ledger
        .state()
        .redemptions
        .values()
        .map(|r| r.seq)
        .min()
        .unwrap();
    let receipt = |seq: u64| format!("{KIOSK}-{seq:06}");
    let body: Vec<Vec<&str>> = rows[1..]
        .iter()
        .map(|row| {
            let mut picked: Vec<&str> = [0, 1, 2, 4, 6, 8, 9, 10]
                .iter()
                .map(|i| row[*i].as_str())
                .collect();
            picked.push(&row[7]);
            picked
        })
        .collect();
    let (first, void, second) = (
        receipt(redeemed_seq),
        receipt(redeemed_seq + 1),
        receipt(redeemed_seq + 2),
    );
    assert_eq!(
        body,
        [
            vec![
                first.as_str(),
                "兑换",
                "",
                "A001",
                "salt-500g",
                "2",
                "2.50",
                "5.00",
                "食盐 500g"
            ],
            vec![
                first.as_str(),
                "兑换",
                "",
                "A001",
                "evil",
                "1",
                "1.00",
                "1.00",
                "'@SUM(1+1)"
            ],
            vec![
                void.as_str(),
                "作废",
                first.as_str(),
                "A001",
                "salt-500g",
                "-2",
                "2.50",
                "-5.00",
                "食盐 500g"
            ],
            vec![
                void.as_str(),
                "作废",
                first.as_str(),
                "A001",
                "evil",
                "-1",
                "1.00",
                "-1.00",
                "'@SUM(1+1)"
            ],
            vec![
                second.as_str(),
                "兑换",
                "",
                "B002",
                "salt-500g",
                "1",
                "2.50",
                "2.50",
                "食盐 500g"
            ],
        ]
    );
    // The totals reconcile: Σ line totals = redeemed − voided.
    let sum: i64 = column(&rows, "金额")
        .iter()
        .map(|cell| points(cell).hundredths())
        .sum();
    let totals = kiosk.ledger.state().totals;
    assert_eq!(
        sum,
        totals.redeemed.hundredths() - totals.voided.hundredths()
    );
    assert_eq!(column(&rows, "户名")[0], "王建国");
}

#[test]
fn ledger_csv_has_a_row_per_entry_with_the_balance_after() {
    let kiosk = shop();
    let state = kiosk.ledger.state();
    let batch = export(&kiosk, ExportRange::Everything);
    let rows = csv_rows(batch.file(LEDGER_FILE).unwrap());
    assert_eq!(rows[0], export::LEDGER_HEADERS.map(String::from).to_vec());
    assert_eq!(rows.len() as u64 - 1, state.seq, "one row per entry");
    let seqs: Vec<u64> = column(&rows, "序号")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(seqs, (1..=state.seq).collect::<Vec<_>>());
    // A001's balance moves, as its history has them.
    let a001: Vec<(String, String, String)> = rows[1..]
        .iter()
        .filter(|row| row[4] == "A001" && !row[6].is_empty())
        .map(|row| (row[3].clone(), row[6].clone(), row[7].clone()))
        .collect();
    let history: Vec<(String, String, String)> = state
        .household(&code("A001"))
        .unwrap()
        .history
        .iter()
        .map(|line| {
            (
                line.kind.to_string(),
                line.change.to_fixed(),
                line.balance_after.to_fixed(),
            )
        })
        .collect();
    assert_eq!(a001, history);
    assert_eq!(
        a001,
        [
            ("credited".into(), "20.00".into(), "20.00".into()),
            ("redeemed".into(), "-6.00".into(), "14.00".into()),
            ("redemption_voided".into(), "6.00".into(), "20.00".into()),
            ("corrected".into(), "-1.00".into(), "19.00".into()),
        ]
    );
    let kinds = column(&rows, "类型");
    assert_eq!(kinds[0], "建立终端");
    assert!(kinds.contains(&"积分入账".to_string()) && kinds.contains(&"作废兑换".to_string()));
    let staff = column(&rows, "操作员");
    assert!(staff.contains(&"admin".to_string()) && staff.contains(&"自助".to_string()));
}

#[test]
fn csv_injection_cells_are_neutralised_and_amounts_stay_numbers() {
    let kiosk = shop();
    let batch = export(&kiosk, ExportRange::Everything);
    let ledger = csv_rows(batch.file(LEDGER_FILE).unwrap());
    let names = column(&ledger, "户名");
    assert!(names.contains(&"'=HYPERLINK(\"http://x\",\"点我\")".to_string()));
    let notes = column(&ledger, "说明");
    assert!(notes.iter().any(|n| n == "'+多记了 1 分"), "{notes:?}");
    assert!(notes
        .iter()
        .any(|n| n.starts_with("作废小票") && n.ends_with(":-扫错了")));
    // No text cell begins with a character a spreadsheet runs; amounts may.
    for rows in [&ledger, &csv_rows(batch.file(REDEMPTIONS_FILE).unwrap())] {
        for row in &rows[1..] {
            for (header, cell) in rows[0].iter().zip(row) {
                let numeric = ["序号", "积分变动", "变动后余额", "数量", "单价", "金额"]
                    .contains(&header.as_str());
                if numeric {
                    assert!(
                        cell.is_empty() || points(cell).hundredths() != i64::MIN,
                        "{cell}"
                    );
                    assert!(!cell.starts_with('\''), "{header}: {cell}");
                } else {
                    assert!(
                        !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{header}: {cell:?}"
                    );
                }
            }
        }
    }
    let changes = column(&ledger, "积分变动");
    assert!(
        changes.contains(&"-1.00".to_string()),
        "a negative number stays a number"
    );
}

#[test]
fn times_are_in_village_time() {
    let kiosk = shop();
    let batch = export(&kiosk, ExportRange::Everything);
    let rows = csv_rows(batch.file(LEDGER_FILE).unwrap());
    let times = column(&rows, "时间");
    for ((_, record), shown) in kiosk.stored_records().iter().zip(&times) {
        let entry = Entry::decode(&record.bytes).unwrap();
        assert_eq!(*shown, local_date_time(entry.time_ms, 480).to_string());
    }
    // T0 + 1 s is 2026-09-21 22:13:21 in Beijing (14:13:21 UTC).
    assert_eq!(times[0], "2026-09-21 22:13:21");
    assert_eq!(
        batch.manifest.exported_at,
        local_date_time(kiosk.now, 480).to_string()
    );
    assert_eq!(batch.manifest.utc_offset_minutes, 480);
}

// ---------------------------------------------------------------------------
// Ranges and consecutive batches

fn mark_uploaded(kiosk: &mut Kiosk) {
    let request = kiosk.next_request();
    let last_seq = kiosk.ledger.state().seq;
    kiosk
        .run(&staff(), Operation::MarkUploaded { last_seq, request })
        .unwrap();
}

#[test]
fn since_the_last_upload_batches_chain() {
    let mut kiosk = shop();
    let first = export(&kiosk, ExportRange::SinceLastUpload);
    assert_eq!(first.manifest.first_seq, 1);
    mark_uploaded(&mut kiosk);
    kiosk.credit("B002", "3", "2026-09").unwrap();
    let second = export(&kiosk, ExportRange::SinceLastUpload);
    let state = kiosk.ledger.state();
    assert_eq!(
        (second.manifest.first_seq, second.manifest.last_seq),
        (first.manifest.last_seq + 1, state.seq)
    );
    assert_eq!(second.manifest.prev_hash, first.manifest.last_hash);
    assert_eq!(
        second.manifest.previous_batch_last_hash.as_deref(),
        Some(first.manifest.last_hash.as_str())
    );
    assert_eq!(
        second.manifest.previous_batch_last_seq,
        Some(first.manifest.last_seq)
    );
    let report = verify(&[files("batch-1", &first), files("batch-2", &second)]);
    assert!(report.is_ok(), "{}", report.render());
    // The shell may pass only the new records: the hash before them is the
    // one the upload recorded.
    let only_new: Vec<(u64, StoredRecord)> = kiosk
        .stored_records()
        .into_iter()
        .filter(|(seq, _)| *seq > state.uploaded_through_seq)
        .collect();
    let again = export::export(state, &only_new, ExportRange::SinceLastUpload, kiosk.now).unwrap();
    assert_eq!(again, second);
    // In the wrong order, the second batch does not follow the first.
    let swapped = verify(&[files("batch-2", &second), files("batch-1", &first)]);
    assert_eq!(
        problems(&swapped),
        [at("batch-1", MANIFEST_FILE, None, "BATCH_GAP")]
    );
}

#[test]
fn any_range_needs_the_record_before_it() {
    let kiosk = shop();
    let state = kiosk.ledger.state();
    let range = ExportRange::Seqs {
        first_seq: 5,
        last_seq: 8,
    };
    let batch = export(&kiosk, range);
    let all = kiosk.stored_records();
    assert_eq!(batch.manifest.prev_hash, hex_of(&all[3].1.hash));
    assert_eq!(batch.manifest.entry_count, 4);
    assert!(verify(&[files("batch", &batch)]).is_ok());
    let without: Vec<(u64, StoredRecord)> =
        all.iter().filter(|(seq, _)| *seq >= 5).cloned().collect();
    let refused = export::export(state, &without, range, kiosk.now).unwrap_err();
    assert_eq!(refused.code(), "INVALID_INPUT");
    assert!(refused.message_zh().contains("缺少第 4 条记录"));
    for (first_seq, last_seq) in [(0, 3), (5, 4), (1, state.seq + 1)] {
        let range = ExportRange::Seqs {
            first_seq,
            last_seq,
        };
        let refused = export::export(state, &all, range, kiosk.now).unwrap_err();
        assert_eq!(refused.code(), "INVALID_INPUT", "{first_seq}..={last_seq}");
    }
}

#[test]
fn a_damaged_record_is_not_exported() {
    let kiosk = shop();
    let mut all = kiosk.stored_records();
    let last = all.len() - 1;
    all[last - 2].1.bytes[20] ^= 1;
    let refused = export::export(
        kiosk.ledger.state(),
        &all,
        ExportRange::Everything,
        kiosk.now,
    )
    .unwrap_err();
    assert_eq!(
        (refused.code(), refused.figures()),
        (
            "STORAGE_CORRUPT",
            vec![(
                "seq",
                aixin_kiosk::error::Figure::Number(all[last - 2].0 as i64)
            )]
        )
    );
}

// ---------------------------------------------------------------------------
// Hand-edited batches

/// The batch with its journal replaced by `lines`.
fn with_journal(batch: &BatchFiles, edit: impl FnOnce(&mut Vec<String>)) -> BatchFiles {
    let text = String::from_utf8(batch.files[JOURNAL_FILE].clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    edit(&mut lines);
    let mut edited = batch.clone();
    let mut journal = lines.join("\n");
    journal.push('\n');
    edited
        .files
        .insert(JOURNAL_FILE.to_string(), journal.into_bytes());
    edited
}

/// The manifest rewritten to match the edited journal, as a careful forger
/// would.
fn rehashed(batch: &BatchFiles) -> BatchFiles {
    let mut manifest: Manifest = serde_json::from_slice(&batch.files[MANIFEST_FILE]).unwrap();
    for listed in &mut manifest.files {
        let bytes = &batch.files[&listed.name];
        listed.sha256 = export::sha256_hex(bytes);
        listed.bytes = bytes.len() as u64;
    }
    let mut forged = batch.clone();
    forged
        .files
        .insert(MANIFEST_FILE.to_string(), export::manifest_json(&manifest));
    forged
}

fn shop_batch() -> BatchFiles {
    files("batch-1", &export(&shop(), ExportRange::Everything))
}

#[test]
fn a_changed_byte_fails_at_its_line() {
    let batch = shop_batch();
    let tampered = with_journal(&batch, |lines| {
        // An amount in the third entry: still valid JSON, still decodable.
        lines[2] = lines[2].replacen("\"time_ms\":1", "\"time_ms\":2", 1);
    });
    assert_ne!(tampered, batch);
    assert_eq!(
        problems(&verify(std::slice::from_ref(&tampered))),
        [
            at("batch-1", JOURNAL_FILE, None, "FILE_HASH_MISMATCH"),
            at("batch-1", JOURNAL_FILE, Some(3), "CHAIN_BROKEN"),
        ]
    );
    // Even with the manifest rehashed, the chain names the line.
    assert_eq!(
        problems(&verify(&[rehashed(&tampered)])),
        [at("batch-1", JOURNAL_FILE, Some(3), "CHAIN_BROKEN")]
    );
    let report = verify(&[tampered]).render();
    assert!(report.contains("文件 journal.ndjson 第 3 行"), "{report}");
    assert!(report.contains("file journal.ndjson, line 3"), "{report}");
    assert!(report.contains("未通过 FAILED"));
}

#[test]
fn a_changed_csv_fails_by_its_hash() {
    let mut batch = shop_batch();
    let csv = batch.files.get_mut(REDEMPTIONS_FILE).unwrap();
    let at_byte = csv.len() - 5;
    csv[at_byte] = b'9';
    // The hash fails, and the rebuilt CSV names the line.
    assert_eq!(
        problems(&verify(&[batch])),
        [
            at("batch-1", REDEMPTIONS_FILE, None, "FILE_HASH_MISMATCH"),
            at("batch-1", REDEMPTIONS_FILE, Some(6), "CSV_MISMATCH"),
        ]
    );
}

// ---------------------------------------------------------------------------
// Edits that recompute every hash

/// The journal of `batch` with entry `seq`'s bytes edited by `edit` and every
/// hash from there on recomputed, the manifest's last hash and file hashes
/// with it: a forger who knows the format.
fn rechained(batch: &BatchFiles, seq: u64, edit: impl Fn(&str) -> String) -> BatchFiles {
    use aixin_kiosk::entry::chain_hash;
    use aixin_kiosk::journal::{ndjson_line, parse_ndjson_line};
    let mut manifest: Manifest = serde_json::from_slice(&batch.files[MANIFEST_FILE]).unwrap();
    let text = String::from_utf8(batch.files[JOURNAL_FILE].clone()).unwrap();
    let mut previous: [u8; 32] = hex::decode(&manifest.prev_hash)
        .unwrap()
        .try_into()
        .unwrap();
    let mut journal = String::new();
    for line in text.lines() {
        let mut record = parse_ndjson_line(line).unwrap();
        let entry = Entry::decode(&record.bytes).unwrap();
        if entry.seq == seq {
            let edited = edit(std::str::from_utf8(&record.bytes).unwrap());
            assert_ne!(
                edited.as_bytes(),
                record.bytes.as_slice(),
                "the edit changed nothing"
            );
            record.bytes = edited.into_bytes();
        }
        record.hash = chain_hash(&previous, &record.bytes);
        previous = record.hash;
        journal.push_str(&ndjson_line(&record));
        journal.push('\n');
    }
    manifest.last_hash = hex_of(&previous);
    let mut forged = batch.clone();
    forged
        .files
        .insert(JOURNAL_FILE.to_string(), journal.into_bytes());
    forged
        .files
        .insert(MANIFEST_FILE.to_string(), export::manifest_json(&manifest));
    rehashed(&forged)
}

/// An amount edited in `redemptions.csv`, the file then dropped from the
/// manifest so no hash speaks for it: the verifier rebuilds the CSV from the
/// journal and names the edited line, and names the file as not listed.
#[test]
fn an_edited_csv_left_out_of_the_manifest_fails_at_its_line() {
    let batch = shop_batch();
    let mut edited = batch.clone();
    let csv = String::from_utf8(batch.files[REDEMPTIONS_FILE].clone()).unwrap();
    let rows: Vec<&str> = csv.split("\r\n").collect();
    // Line 2 is the first redemption row; its amount comes before the
    // operator, the collector, the confirming staff member and the PIN mark.
    assert!(rows[1].ends_with(",5.00,自助,,,admin"), "{}", rows[1]);
    let changed = csv.replacen(rows[1], &rows[1].replace(",5.00,", ",0.50,"), 1);
    edited
        .files
        .insert(REDEMPTIONS_FILE.to_string(), changed.into_bytes());
    let mut manifest: Manifest = serde_json::from_slice(&batch.files[MANIFEST_FILE]).unwrap();
    manifest.files.retain(|file| file.name != REDEMPTIONS_FILE);
    edited
        .files
        .insert(MANIFEST_FILE.to_string(), export::manifest_json(&manifest));
    let forged = rehashed(&edited);
    let report = verify(&[forged]);
    assert_eq!(
        problems(&report),
        [
            at("batch-1", MANIFEST_FILE, None, "MANIFEST_INCONSISTENT"),
            at("batch-1", REDEMPTIONS_FILE, None, "FILE_UNLISTED"),
            at("batch-1", REDEMPTIONS_FILE, Some(2), "CSV_MISMATCH"),
        ]
    );
    let text = report.render();
    assert!(text.contains("文件 redemptions.csv 第 2 行"), "{text}");
    assert!(
        text.contains("column 金额 reads \"0.50\"; the journal gives \"5.00\""),
        "{text}"
    );
    // The untouched batch lists all four files and its CSV layout.
    let manifest: Manifest = serde_json::from_slice(&batch.files[MANIFEST_FILE]).unwrap();
    let listed: Vec<&str> = manifest.files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(listed, [JOURNAL_FILE, REDEMPTIONS_FILE, LEDGER_FILE]);
    assert_eq!((manifest.format_version, manifest.csv_layout), (2, 3));
    let report = verify(&[batch]);
    assert!(
        report.is_ok() && report.batches[0].replayed,
        "{}",
        report.render()
    );
}

/// A redemption raised over the household's balance, with every hash after
/// it recomputed, is whole by its hashes but refused by the fold at its seq.
#[test]
fn a_rechained_redemption_over_the_balance_fails_at_its_seq() {
    let batch = shop_batch();
    // Entry 18: A001 (20 points) redeems 2 salt at 2.50 and 1 evil at 1.00.
    let forged = rechained(&batch, 18, |entry| {
        entry
            .replacen("\"unit_price\":250", "\"unit_price\":2500", 1)
            .replacen("\"total\":600", "\"total\":5100", 1)
    });
    let report = verify(&[forged]);
    assert_eq!(
        problems(&report),
        [at("batch-1", JOURNAL_FILE, Some(18), "FOLD_REFUSED")]
    );
    let text = report.render();
    assert!(
        text.contains("entry 18 is one the kiosk could not have made"),
        "{text}"
    );
    assert!(text.contains("below zero"), "{text}");
}

/// An `archived` entry (the kiosk's base is trusted because of it) names the
/// head and state hash of the seq it archived through. The replay checks it:
/// an entry naming an edited state, with every hash after it recomputed,
/// fails at its seq.
#[test]
fn an_archived_entry_naming_another_state_fails_at_its_seq() {
    let mut kiosk = shop();
    let state = kiosk.ledger.state();
    let (through_seq, state_hash) = (state.seq - 2, state.state_hash());
    // The state at `through_seq`, from the same journal folded that far.
    let held = {
        let records = kiosk.stored_records();
        let mut replay = aixin_kiosk::state::State::new();
        for (_, record) in records.iter().take(through_seq as usize) {
            let entry = Entry::decode(&record.bytes).unwrap();
            replay.apply(&entry, record.hash).unwrap();
        }
        (replay.head, replay.state_hash())
    };
    assert_ne!(held.1, state_hash);
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::Archive {
                through_seq,
                head: held.0,
                state_hash: held.1.clone(),
                request,
            },
        )
        .unwrap();
    let archived_seq = kiosk.ledger.state().seq;
    let batch = files("batch-1", &export(&kiosk, ExportRange::Everything));
    let report = verify(std::slice::from_ref(&batch));
    assert!(
        report.is_ok() && report.batches[0].replayed,
        "{}",
        report.render()
    );

    // The state the entry names edited (as a base edited on the kiosk and
    // the entry forged to match), every hash after it recomputed.
    let forged = rechained(&batch, archived_seq, |entry| {
        entry.replacen(&held.1, &"0".repeat(64), 1)
    });
    let report = verify(&[forged]);
    assert_eq!(
        problems(&report),
        [at(
            "batch-1",
            JOURNAL_FILE,
            Some(archived_seq as usize),
            "FOLD_REFUSED"
        )]
    );
    let text = report.render();
    assert!(
        text.contains(&format!(
            "names a state at seq {through_seq} that is not the replayed one"
        )),
        "{text}"
    );
}

/// A batch that starts in the middle, given nothing before it, is whole in
/// itself but not tied to the kiosk's history: ok, not anchored, and said so.
#[test]
fn a_lone_batch_from_seq_13_is_not_anchored() {
    let kiosk = shop();
    let range = ExportRange::Seqs {
        first_seq: 13,
        last_seq: kiosk.ledger.state().seq,
    };
    let lone = files("batch-13", &export(&kiosk, range));
    let report = verify(std::slice::from_ref(&lone));
    assert!(report.is_ok(), "{}", report.render());
    assert!(!report.batches[0].anchored);
    assert!(!report.batches[0].replayed);
    let text = report.render();
    assert!(text.contains("未锚定 NOT ANCHORED"), "{text}");
    // With the batch before it, it is anchored and replayed.
    let before = ExportRange::Seqs {
        first_seq: 1,
        last_seq: 12,
    };
    let both = verify(&[files("batch-1", &export(&kiosk, before)), lone.clone()]);
    assert!(both.is_ok(), "{}", both.render());
    assert!(both.batches[1].anchored && both.batches[1].replayed);
    assert!(!both.render().contains("NOT ANCHORED"));
    // With the platform's hash of seq 12, it is anchored (but cannot be
    // replayed without the entries before it).
    let all = kiosk.stored_records();
    let anchor = aixin_kiosk::verify::Anchor {
        seq: 12,
        hash: hex_of(&all[11].1.hash),
    };
    let anchored =
        aixin_kiosk::verify::verify_batches_anchored(std::slice::from_ref(&lone), Some(&anchor));
    assert!(anchored.is_ok() && anchored.batches[0].anchored);
    let wrong = aixin_kiosk::verify::Anchor {
        seq: 12,
        hash: hex_of(&all[10].1.hash),
    };
    let not =
        aixin_kiosk::verify::verify_batches_anchored(std::slice::from_ref(&lone), Some(&wrong));
    assert!(!not.batches[0].anchored);
}

#[test]
fn a_truncated_batch_fails_where_it_ends() {
    let batch = shop_batch();
    let lines = batch.files[JOURNAL_FILE]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    let truncated = with_journal(&batch, |lines| {
        lines.pop();
    });
    assert_eq!(
        problems(&verify(&[truncated])),
        [
            at("batch-1", JOURNAL_FILE, None, "FILE_SIZE_MISMATCH"),
            at("batch-1", JOURNAL_FILE, None, "FILE_HASH_MISMATCH"),
            at("batch-1", JOURNAL_FILE, Some(lines), "LINES_MISSING"),
        ]
    );
}

#[test]
fn reordered_lines_fail_where_they_were_swapped() {
    let batch = shop_batch();
    let reordered = rehashed(&with_journal(&batch, |lines| lines.swap(2, 3)));
    assert_eq!(
        problems(&verify(&[reordered])),
        [
            at("batch-1", JOURNAL_FILE, Some(3), "CHAIN_BROKEN"),
            at("batch-1", JOURNAL_FILE, Some(3), "SEQ_MISMATCH"),
            at("batch-1", JOURNAL_FILE, Some(4), "CHAIN_BROKEN"),
            at("batch-1", JOURNAL_FILE, Some(4), "SEQ_MISMATCH"),
            // Line 5 is intact, but no longer follows the line before it.
            at("batch-1", JOURNAL_FILE, Some(5), "CHAIN_BROKEN"),
        ]
    );
}

#[test]
fn a_gap_inside_a_batch_fails_at_the_gap() {
    let batch = shop_batch();
    let gapped = rehashed(&with_journal(&batch, |lines| {
        lines.remove(2);
    }));
    assert_eq!(
        problems(&verify(&[gapped])),
        [
            at("batch-1", JOURNAL_FILE, Some(3), "CHAIN_BROKEN"),
            at("batch-1", JOURNAL_FILE, Some(3), "SEQ_MISMATCH"),
        ]
    );
}

#[test]
fn a_repeated_line_fails() {
    let batch = shop_batch();
    let repeated = rehashed(&with_journal(&batch, |lines| {
        let line = lines[4].clone();
        lines.insert(5, line);
    }));
    let found = problems(&verify(&[repeated]));
    assert_eq!(
        found[0],
        at("batch-1", JOURNAL_FILE, Some(6), "CHAIN_BROKEN")
    );
    assert_eq!(
        found[1],
        at("batch-1", JOURNAL_FILE, Some(6), "SEQ_MISMATCH")
    );
    let lines = batch.files[JOURNAL_FILE]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    assert_eq!(
        found.last(),
        Some(&at("batch-1", JOURNAL_FILE, Some(lines + 1), "EXTRA_LINE"))
    );
    assert_eq!(found.len(), 3, "{found:?}");
}

#[test]
fn a_batch_that_skips_seqs_fails() {
    let kiosk = shop();
    let first = export(
        &kiosk,
        ExportRange::Seqs {
            first_seq: 1,
            last_seq: 5,
        },
    );
    let third = export(
        &kiosk,
        ExportRange::Seqs {
            first_seq: 8,
            last_seq: 10,
        },
    );
    let report = verify(&[files("batch-1", &first), files("batch-3", &third)]);
    assert_eq!(
        problems(&report),
        [at("batch-3", MANIFEST_FILE, None, "BATCH_GAP")]
    );
    assert!(report.render().contains("应从第 6 条开始,却从第 8 条开始"));
}

#[test]
fn a_batch_that_does_not_chain_to_the_previous_fails() {
    let kiosk = shop();
    // Another history under the same kiosk id, from the first entry after
    // setup on.
    let mut other = Kiosk::new();
    other.register("A001", "王建国");
    for month in 1..=12 {
        other
            .credit("A001", "1", &format!("2026-{month:02}"))
            .unwrap();
    }
    let first = export(
        &kiosk,
        ExportRange::Seqs {
            first_seq: 1,
            last_seq: 12,
        },
    );
    let foreign = export(
        &other,
        ExportRange::Seqs {
            first_seq: 13,
            last_seq: 15,
        },
    );
    assert!(
        verify(&[files("foreign", &foreign)]).is_ok(),
        "alone it is intact"
    );
    let report = verify(&[files("batch-1", &first), files("batch-2", &foreign)]);
    assert_eq!(
        problems(&report),
        [at("batch-2", MANIFEST_FILE, None, "BATCH_NOT_CHAINED")]
    );
}

#[test]
fn a_missing_or_unreadable_manifest_fails() {
    let mut batch = shop_batch();
    batch.files.remove(LEDGER_FILE);
    assert_eq!(
        problems(&verify(&[batch.clone()])),
        [at("batch-1", LEDGER_FILE, None, "FILE_MISSING")]
    );
    batch.files.insert(MANIFEST_FILE.into(), b"{".to_vec());
    assert_eq!(
        problems(&verify(&[batch.clone()])),
        [at("batch-1", MANIFEST_FILE, None, "MANIFEST_MALFORMED")]
    );
    batch.files.remove(MANIFEST_FILE);
    assert_eq!(
        problems(&verify(&[batch])),
        [at("batch-1", MANIFEST_FILE, None, "MANIFEST_MISSING")]
    );
}

// ---------------------------------------------------------------------------
// The command and the committed batches

fn fixture_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/export")
        .join(name)
}

/// The two batches of the committed fixture: the shop exported, marked
/// uploaded, then a credit and a redemption more.
fn fixture_batches() -> Vec<Batch> {
    let mut kiosk = shop();
    let first = export(&kiosk, ExportRange::SinceLastUpload);
    mark_uploaded(&mut kiosk);
    kiosk.credit("B002", "3", "2026-09").unwrap();
    let session = kiosk.sign_in("B002", "5678").unwrap();
    let request = kiosk.next_request();
    kiosk
        .redeem(&session, &[("salt-500g", 1)], request)
        .unwrap();
    let second = export(&kiosk, ExportRange::SinceLastUpload);
    vec![first, second]
}

fn write_batch(dir: &Path, batch: &Batch) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in &batch.files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

#[test]
#[ignore = "writes tests/fixtures/export/; run to regenerate the fixtures"]
fn generate_fixtures() {
    for (index, batch) in fixture_batches().iter().enumerate() {
        write_batch(&fixture_dir(&format!("batch-{}", index + 1)), batch);
    }
}

fn read_dir(dir: &Path) -> BatchFiles {
    let mut files = BatchFiles {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        ..BatchFiles::default()
    };
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        files.files.insert(
            entry.file_name().to_string_lossy().into_owned(),
            std::fs::read(entry.path()).unwrap(),
        );
    }
    files
}

#[test]
fn committed_batches_verify_and_are_what_the_export_writes() {
    let committed: Vec<BatchFiles> = ["batch-1", "batch-2"]
        .iter()
        .map(|name| read_dir(&fixture_dir(name)))
        .collect();
    let report = verify(&committed);
    assert!(report.is_ok(), "{}", report.render());
    for (index, batch) in fixture_batches().iter().enumerate() {
        let name = format!("batch-{}", index + 1);
        assert_eq!(files(&name, batch), committed[index], "{name} differs");
    }
}

fn run_verifier(dirs: &[&Path]) -> (i32, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_aixin-verify"))
        .args(dirs)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn the_verifier_command_exits_0_when_intact_and_1_when_not() {
    let (code, out) = run_verifier(&[&fixture_dir("batch-1"), &fixture_dir("batch-2")]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("结果:2 个批次,0 个未通过 / Result: 2 batch(es), 0 failed"),
        "{out}"
    );
    // A hand-edited copy.
    let dir = std::env::temp_dir().join(format!("aixin-verify-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let batch = rehashed(&with_journal(&read_dir(&fixture_dir("batch-1")), |lines| {
        lines[3] = lines[3].replacen("\"seq\":4", "\"seq\":4 ", 1);
    }));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in &batch.files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let (code, out) = run_verifier(&[&dir]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("journal.ndjson 第 4 行"), "{out}");
    assert!(out.contains("journal.ndjson, line 4"), "{out}");
    let (code, out) = run_verifier(&[&dir.join("no-such-batch")]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("MANIFEST") || out.contains("manifest.json"),
        "{out}"
    );
    let (code, _) = run_verifier(&[]);
    assert_eq!(code, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_forged_manifest_with_extreme_seqs_is_refused_without_a_panic() {
    let batch = shop_batch();
    let mut manifest: Manifest = serde_json::from_slice(&batch.files[MANIFEST_FILE]).unwrap();
    manifest.first_seq = u64::MAX - 1;
    manifest.last_seq = u64::MAX;
    manifest.entry_count = 2;
    let mut forged = batch.clone();
    forged
        .files
        .insert(MANIFEST_FILE.to_string(), export::manifest_json(&manifest));
    let found = problems(&verify(&[batch.clone(), forged.clone(), forged]));
    assert!(found.contains(&at("batch-1", JOURNAL_FILE, Some(1), "SEQ_MISMATCH")));
    assert!(found.contains(&at("batch-1", MANIFEST_FILE, None, "BATCH_GAP")));
}

/// `redemptions.csv` names who acted on each row: 自助 for a household with
/// its own PIN, the staff member for a void. A batch written in CSV layout 1
/// (no operator column) is still rebuilt and compared for its own layout.
#[test]
fn redemptions_name_the_operator_and_layout_1_still_verifies() {
    let batch = shop_batch();
    let rows = csv_rows(&batch.files[REDEMPTIONS_FILE]);
    let kinds = column(&rows, "类型");
    let operators = column(&rows, "操作员");
    assert_eq!(kinds.len(), operators.len());
    for (kind, operator) in kinds.iter().zip(&operators) {
        let expected = if kind == "作废" { "admin" } else { "自助" };
        assert_eq!(operator, expected, "{kind}");
    }
    assert!(kinds.iter().any(|kind| kind == "作废"));
    // The same batch as layouts 1 and 2 wrote it: layout 2 without the last
    // three columns of redemptions.csv (领取人, 复核人, 密码重置) and the last
    // of ledger.csv (复核人), layout 1 without the operator too.
    let without = |file: &str, cells: usize| -> String {
        let text = String::from_utf8(batch.files[file].clone()).unwrap();
        text.split_terminator("\r\n")
            .map(|line| {
                let mut line = line;
                for _ in 0..cells {
                    line = line.rsplit_once(',').unwrap().0;
                }
                format!("{line}\r\n")
            })
            .collect()
    };
    let mut manifest: Manifest = serde_json::from_slice(&batch.files[MANIFEST_FILE]).unwrap();
    let mut two = batch.clone();
    two.files.insert(
        REDEMPTIONS_FILE.to_string(),
        without(REDEMPTIONS_FILE, 3).into_bytes(),
    );
    two.files.insert(
        LEDGER_FILE.to_string(),
        without(LEDGER_FILE, 1).into_bytes(),
    );
    manifest.csv_layout = 2;
    two.files
        .insert(MANIFEST_FILE.to_string(), export::manifest_json(&manifest));
    let report = verify(&[rehashed(&two)]);
    assert!(report.is_ok(), "{}", report.render());
    let mut old = two.clone();
    let stripped = without(REDEMPTIONS_FILE, 4);
    old.files
        .insert(REDEMPTIONS_FILE.to_string(), stripped.clone().into_bytes());
    manifest.csv_layout = 1;
    old.files
        .insert(MANIFEST_FILE.to_string(), export::manifest_json(&manifest));
    let report = verify(&[rehashed(&old)]);
    assert!(
        report.is_ok() && report.batches[0].replayed,
        "{}",
        report.render()
    );
    // An edit there is still named; an unknown layout is refused.
    let edited = stripped.replacen(",5.00\r\n", ",0.50\r\n", 1);
    old.files
        .insert(REDEMPTIONS_FILE.to_string(), edited.into_bytes());
    assert_eq!(
        problems(&verify(&[rehashed(&old)])),
        [at("batch-1", REDEMPTIONS_FILE, Some(2), "CSV_MISMATCH")]
    );
    manifest.csv_layout = 9;
    let mut unknown = batch.clone();
    unknown
        .files
        .insert(MANIFEST_FILE.to_string(), export::manifest_json(&manifest));
    assert_eq!(
        problems(&verify(&[unknown])),
        [at("batch-1", MANIFEST_FILE, None, "MANIFEST_INCONSISTENT")]
    );
}
