//! Imports as Excel writes them: every fixture under
//! `tests/fixtures/import/` is parsed, previewed, applied and imported
//! again (which must append nothing). The fixtures are generated from the
//! sources in this file by `cargo test --test import -- --ignored
//! generate_fixtures`, and committed as bytes; `fixtures_match_their_sources`
//! keeps the two in step. GBK files are made and read here with
//! `encoding_rs` (the page decodes GBK with the browser's `TextDecoder`).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use aixin_kiosk::entry::{Body, HouseholdKind};
use aixin_kiosk::import::{
    self, decode_bytes, Delimiter, ImportErrors, ImportFile, ImportKind, Note, Preview, RowStatus,
};
use aixin_kiosk::ledger::{Auth, Operation, Outcome};
use aixin_kiosk::settings::Setting;
use common::*;
use std::path::PathBuf;

// ---------------------------------------------------------------------------
// Fixture sources

const HOUSEHOLDS_GBK: &str = "户号,户主,村民小组,类型,初始密码,,,\r\n\
A001,王建国,第一组,家庭,3817,,,\r\n\
A002,李喆,第一组,家庭,,,,\r\n\
A003,朱镕,第二组,家庭,5290,,,\r\n\
A004,陈堃,第二组,家庭,,,,\r\n\
A005,\"村卫生室(药房,诊室)\",第三组,单位,,,,\r\n\
,,,,,,,\r\n\
,,,,,,,\r\n";

const HOUSEHOLDS_UTF16: &str = "户号\t姓名\t组\t类型\r\n\
B001\t刘德才\t第二组\t家庭\r\n\
B002\t\"老年协会\"\"夕阳红\"\"\"\t第三组\t单位\r\n\
B003\t刘美华\t第二组\tfamily\r\n";

const CREDITS_UTF8_BOM: &str = "\u{FEFF}Period,Points,Code,Source,Reason\r\n\
2026-10,12,A001,evaluation,\"score 91, top of group 1\"\r\n\
2026-10,3.5,A002,,\"评分 86\r\n公示无异议\"\r\n\
2026-10,¥5,A003,评分,\r\n\
2026-10,５,A004,Evaluation,\r\n\
2026-10,5,A001,bonus,三个月满分奖励\r\n";

const HOUSEHOLDS_NUMERIC: &str = "户号,户主,组\r\n\
0012,黄永福,第一组\r\n\
0013,张春生,第一组\r\n\
0101,吴宏伟,第二组\r\n";

const CREDITS_SHORTENED: &str = "户号,户主,积分,期间\r\n\
12,黄永福,5,2026-10\r\n\
13,张春生,3,2026-10\r\n\
101,吴宏伟,1,2026-10\r\n\
0012,黄永福,5,2026-09\r\n";

const CREDITS_PERIODS_GBK: &str = "户号,积分,月份,来源,说明\r\n\
A001,5,2026-10,评分,\r\n\
A002,3,2026/10,评分,\r\n\
A003,1,2026/10/1,评分,\r\n\
A004,5,2026年10月,评分,\r\n\
A005,3,2026.10,评分,\r\n\
A001,1,202610,加分,连续三个月 5 分\r\n";

const CREDITS_TITLE_ROW: &str = "张家村2026年11月积分公示表,,,,\r\n\
导出日期:2026/12/02,,,,\r\n\
序号,户号,户主,积分,期间\r\n\
1,A001,王建国,5,2026-11\r\n\
2,A002,李喆,3,2026-11\r\n";

const BALANCES: &str = "\u{FEFF}户号,户主,积分余额\r\n\
A001,王建国,17\r\n\
A002,李喆,3.5\r\n\
A003,朱镕,0\r\n\
A009,不在终端,8\r\n";

/// A month of evaluation points for the demo village (`src/demo_data.rs`),
/// as Excel saves it in GBK with the period rewritten as `2026年11月`: the
/// page's browser test imports it through the clerk's screen.
const CREDITS_DEMO_MONTH_GBK: &str = "户号,户主,积分,月份,来源\r\n\
A001,王建国,5,2026年11月,评分\r\n\
A002,王秀英,3,2026年11月,评分\r\n\
A003,王德明,1,2026年11月,评分\r\n\
A004,李桂芳,5,2026年11月,评分\r\n\
A005,李喆,3,2026年11月,评分\r\n\
A006,陈志强,1,2026年11月,评分\r\n\
A007,陈玉兰,3,2026年11月,评分\r\n\
A008,黄永福,5,2026年11月,评分\r\n\
A009,张春生,1,2026年11月,评分\r\n\
A010,村卫生室,3,2026年11月,评分\r\n\
B001,李国华,5,2026年11月,评分\r\n\
B002,李明辉,3,2026年11月,评分\r\n\
B003,陈金凤,1,2026年11月,评分\r\n\
B004,陈伟,5,2026年11月,评分\r\n\
B005,刘德才,3,2026年11月,评分\r\n\
B006,刘美华,1,2026年11月,评分\r\n\
B007,黄志明,3,2026年11月,评分\r\n\
B008,黄丽萍,5,2026年11月,评分\r\n\
B009,张海燕,1,2026年11月,评分\r\n\
B010,吴宏伟,3,2026年11月,评分\r\n\
C001,刘金水,5,2026年11月,评分\r\n\
C002,刘秀珍,3,2026年11月,评分\r\n\
C003,张国庆,1,2026年11月,评分\r\n\
C004,张小红,5,2026年11月,评分\r\n\
C005,黄建华,3,2026年11月,评分\r\n\
C006,黄桂英,1,2026年11月,评分\r\n\
C007,王志刚,3,2026年11月,评分\r\n\
C008,陈家豪,5,2026年11月,评分\r\n\
C009,林水生,1,2026年11月,评分\r\n\
C010,老年协会,3,2026年11月,评分\r\n";

fn credits_bad_rows() -> String {
    let long = "长".repeat(201);
    format!(
        "\u{FEFF}户号,积分,期间,来源,说明\r\n\
A001,5,2026-10,,\r\n\
Z999,5,2026-10,,\r\n\
A002,\"12,5\",2026-10,,\r\n\
A003,-3,2026-10,,\r\n\
A004,5,2026-13,,\r\n\
A001,6,2026-10,,\r\n\
A005,5,2026-10,,{long}\r\n\
,5,2026-10,,\r\n\
A002,abc,十月,,\r\n\
\r\n\
A003,1.255,2026-10,,\r\n\
A004,3,2026-10,,ok\r\n"
    )
}

const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
const GIVEN: [&str; 10] = [
    "建国", "秀英", "喆", "镕", "堃", "桂芳", "志强", "玉兰", "春生", "德明",
];

fn households_5000() -> String {
    let mut text = String::from("户号,户主,组,类型\r\n");
    for i in 1..=5000 {
        let name = format!("{}{}", SURNAMES[i % 10], GIVEN[(i / 10) % 10]);
        text.push_str(&format!("H{i:04},{name},第{}组,家庭\r\n", i % 12 + 1));
    }
    text
}

const AMOUNTS: [&str; 8] = ["1", "3", "5", "1", "3", "5", "8", "2.5"];

fn credits_10000() -> String {
    let mut text = String::from("户号,积分,期间,来源\r\n");
    for (p, period) in ["2026-09", "2026-10"].iter().enumerate() {
        for i in 1..=5000 {
            let amount = AMOUNTS[(i * 7 + p) % 8];
            text.push_str(&format!("H{i:04},{amount},{period},评分\r\n"));
        }
    }
    text
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(text);
    assert!(!had_errors, "every character has a GBK code");
    bytes.into_owned()
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// Every fixture: its file name and its bytes.
fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("households-gbk.csv", gbk(HOUSEHOLDS_GBK)),
        ("households-utf16.txt", utf16le_with_bom(HOUSEHOLDS_UTF16)),
        ("credits-utf8-bom.csv", CREDITS_UTF8_BOM.as_bytes().to_vec()),
        (
            "households-numeric-codes.csv",
            HOUSEHOLDS_NUMERIC.as_bytes().to_vec(),
        ),
        (
            "credits-codes-shortened.csv",
            CREDITS_SHORTENED.as_bytes().to_vec(),
        ),
        ("credits-periods-gbk.csv", gbk(CREDITS_PERIODS_GBK)),
        (
            "credits-title-row.csv",
            CREDITS_TITLE_ROW.as_bytes().to_vec(),
        ),
        ("credits-bad-rows.csv", credits_bad_rows().into_bytes()),
        ("balances.csv", BALANCES.as_bytes().to_vec()),
        ("households-5000-gbk.csv", gbk(&households_5000())),
        ("credits-10000-gbk.csv", gbk(&credits_10000())),
        ("credits-demo-month-gbk.csv", gbk(CREDITS_DEMO_MONTH_GBK)),
    ]
}

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// A fixture's text: GBK files through `encoding_rs` (as the page's
/// `TextDecoder` would), the others through the core's `decode_bytes`.
fn fixture(name: &str) -> String {
    let bytes = std::fs::read(fixture_path(name)).expect("fixture exists");
    if name.contains("gbk") {
        assert_eq!(
            decode_bytes(&bytes).map_err(|e| e.code()),
            Err("IMPORT_NOT_TEXT"),
            "natively, GBK is refused with a clear error"
        );
        let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
        assert!(!had_errors);
        text.into_owned()
    } else {
        decode_bytes(&bytes).expect("UTF-8 or UTF-16")
    }
}

#[test]
#[ignore = "writes tests/fixtures/import/; run to regenerate the fixtures"]
fn generate_fixtures() {
    std::fs::create_dir_all(fixture_path("")).expect("fixture folder");
    for (name, bytes) in fixtures() {
        std::fs::write(fixture_path(name), bytes).expect("fixture written");
    }
}

#[test]
fn fixtures_match_their_sources() {
    for (name, bytes) in fixtures() {
        let committed = std::fs::read(fixture_path(name)).expect("fixture committed");
        assert!(committed == bytes, "{name} differs from its source");
    }
}

// ---------------------------------------------------------------------------
// Helpers

fn preview(kiosk: &Kiosk, kind: ImportKind, text: &str) -> Result<Preview, ImportErrors> {
    import::preview(kiosk.ledger.state(), kind, text, None)
}

fn apply(
    kiosk: &mut Kiosk,
    file: ImportFile,
    reason: Option<&str>,
) -> Result<Outcome, aixin_kiosk::error::Error> {
    // An import that credits or corrects points is confirmed by a second
    // staff member (the two-person rule).
    kiosk.run_co_signed_if_needed(
        &staff(),
        Operation::Import {
            file,
            corrections_reason: reason.map(text),
            pin_seed: [7; 16],
        },
    )
}

/// Previews, applies, and checks that importing the same text again is
/// "already imported" throughout and appends nothing.
fn import_twice(kiosk: &mut Kiosk, kind: ImportKind, text: &str) -> Preview {
    // The second staff member who confirms imports of points, there before
    // the first seq is taken.
    kiosk.co_sign();
    let first = preview(kiosk, kind, text).expect("a good file");
    let seq_before = kiosk.ledger.state().seq;
    match apply(kiosk, first.file.clone(), None).expect("applies") {
        Outcome::Done { seqs, repeated } => {
            assert!(!repeated);
            assert_eq!(seqs.first(), Some(&(seq_before + 1)));
        }
        other => panic!("{other:?}"),
    }
    let again = preview(kiosk, kind, text).expect("still a good file");
    assert!(again.is_noop(), "{:?}", again.counts);
    assert_eq!(
        again.counts.already_imported + again.counts.skipped,
        again.counts.rows
    );
    let seq = kiosk.ledger.state().seq;
    assert_eq!(
        apply(kiosk, again.file, None),
        Ok(Outcome::Done {
            seqs: vec![],
            repeated: true
        })
    );
    assert_eq!(kiosk.ledger.state().seq, seq, "a re-import appends nothing");
    kiosk.ledger.state().check_invariants().expect("invariants");
    first
}

/// A kiosk with the households of `households-gbk.csv`.
fn village() -> Kiosk {
    let mut kiosk = Kiosk::new();
    import_twice(
        &mut kiosk,
        ImportKind::Households,
        &fixture("households-gbk.csv"),
    );
    kiosk
}

fn balance_of(kiosk: &Kiosk, household: &str) -> String {
    kiosk.balance(household).to_fixed()
}

/// The refusals of a file as `(line, column, code)`.
fn refusals(result: Result<Preview, ImportErrors>) -> Vec<(usize, Option<String>, &'static str)> {
    let errors = result.expect_err("refused");
    for error in &errors.errors {
        assert!(!error.message_zh().is_empty() && !error.message_en().is_empty());
    }
    errors
        .errors
        .iter()
        .map(|e| (e.line, e.column.clone(), e.code()))
        .collect()
}

fn col(name: &str) -> Option<String> {
    Some(name.to_string())
}

// ---------------------------------------------------------------------------
// Households

#[test]
fn households_gbk_without_bom_keep_gbk_only_characters() {
    let mut kiosk = Kiosk::new();
    let text = fixture("households-gbk.csv");
    let preview = import_twice(&mut kiosk, ImportKind::Households, &text);
    assert_eq!(preview.delimiter, Delimiter::Comma);
    assert_eq!(
        (preview.counts.rows, preview.counts.new, preview.counts.pins),
        (5, 5, 2)
    );
    let state = kiosk.ledger.state();
    let names: Vec<&str> = state.households.values().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        ["王建国", "李喆", "朱镕", "陈堃", "村卫生室(药房,诊室)"]
    );
    assert_eq!(
        state.household(&code("A005")).map(|h| h.kind),
        Some(HouseholdKind::Unit)
    );
    assert_eq!(
        state.household(&code("A002")).map(|h| h.group.as_str()),
        Some("第一组")
    );
    // The initial PINs work, and only those two households have one.
    assert!(kiosk.sign_in("A001", "3817").is_ok());
    assert!(kiosk.sign_in("A003", "5290").is_ok());
    let with_pin: Vec<&str> = kiosk
        .ledger
        .state()
        .households
        .values()
        .filter(|h| h.has_pin)
        .map(|h| h.code.as_str())
        .collect();
    assert_eq!(with_pin, ["A001", "A003"]);
}

#[test]
fn households_utf16_tab_separated() {
    let mut kiosk = Kiosk::new();
    let text = fixture("households-utf16.txt");
    assert_eq!(Delimiter::detect(&text), Delimiter::Tab);
    let preview = import_twice(&mut kiosk, ImportKind::Households, &text);
    assert_eq!(preview.delimiter, Delimiter::Tab);
    let state = kiosk.ledger.state();
    assert_eq!(
        state
            .household(&code("B002"))
            .map(|h| (h.name.as_str(), h.kind)),
        Some(("老年协会\"夕阳红\"", HouseholdKind::Unit))
    );
    assert_eq!(
        state.household(&code("B003")).map(|h| h.kind),
        Some(HouseholdKind::Family)
    );
}

#[test]
fn changed_households_are_updated_and_a_name_may_come_back() {
    let mut kiosk = village();
    let changed = "户号,户主,组,类型\r\nA001,王建华,第一组,家庭\r\nA002,李喆,第二组,家庭\r\nA003,朱镕,第二组,家庭\r\n";
    let preview = preview(&kiosk, ImportKind::Households, changed).expect("good");
    let statuses: Vec<&str> = preview.rows.iter().map(|r| r.status.code()).collect();
    assert_eq!(statuses, ["changed", "changed", "already_imported"]);
    assert!(matches!(
        &preview.rows[0].status,
        RowStatus::Changed { name, .. } if name.as_str() == "王建国"
    ));
    import_twice(&mut kiosk, ImportKind::Households, changed);
    assert_eq!(
        kiosk
            .ledger
            .state()
            .household(&code("A001"))
            .map(|h| h.name.as_str()),
        Some("王建华")
    );
    // Back to the first name: a new update, with an id of its own.
    let back = "户号,户主,组\r\nA001,王建国,第一组\r\n";
    import_twice(&mut kiosk, ImportKind::Households, back);
    let back_again = "户号,户主,组\r\nA001,王建华,第一组\r\n";
    import_twice(&mut kiosk, ImportKind::Households, back_again);
    assert_eq!(
        kiosk
            .ledger
            .state()
            .household(&code("A001"))
            .map(|h| h.name.as_str()),
        Some("王建华")
    );
    kiosk.reopen().expect("the journal replays");
}

#[test]
fn an_initial_pin_is_set_once_and_never_replaces_a_pin() {
    let mut kiosk = village();
    let text = "户号,户主,组,初始密码\r\nA001,王建国,第一组,1111\r\nA002,李喆,第一组,2222\r\n";
    let preview = preview(&kiosk, ImportKind::Households, text).expect("good");
    assert_eq!(preview.rows[0].notes, vec![Note::PinKept]);
    assert_eq!(preview.rows[1].notes, vec![Note::PinWillBeSet]);
    assert_eq!(preview.counts.pins, 1);
    import_twice(&mut kiosk, ImportKind::Households, text);
    assert!(kiosk.sign_in("A001", "3817").is_ok(), "the old PIN stays");
    assert!(kiosk.sign_in("A002", "2222").is_ok());
    // The salt comes from the shell's seed and the code.
    let salt = import::pin_salt(&[7; 16], &code("A002"));
    let hash = kiosk
        .ledger
        .credential("household:A002")
        .and_then(|c| c.pin_hash.clone())
        .map(|h| h.salt);
    assert_eq!(hash, Some(hex::encode(salt)));
    assert_ne!(salt, import::pin_salt(&[7; 16], &code("A001")));
}

// ---------------------------------------------------------------------------
// Credits

#[test]
fn credits_utf8_bom_english_headers_quoted_commas_and_line_breaks() {
    let mut kiosk = village();
    let text = fixture("credits-utf8-bom.csv");
    let preview = import_twice(&mut kiosk, ImportKind::Credits, &text);
    assert_eq!(
        (
            preview.counts.rows,
            preview.counts.households,
            preview.total_points.to_fixed()
        ),
        (5, 4, "30.50".to_string())
    );
    assert_eq!(preview.new_points.to_fixed(), "30.50");
    assert_eq!(balance_of(&kiosk, "A001"), "17.00");
    assert_eq!(balance_of(&kiosk, "A002"), "3.50");
    assert_eq!(balance_of(&kiosk, "A004"), "5.00");
    let state = kiosk.ledger.state();
    let key = (
        code("A002"),
        aixin_kiosk::ids::Period::new("2026-10").unwrap(),
        text_of("evaluation"),
    );
    assert!(
        state.credits.contains_key(&key),
        "an empty source is evaluation"
    );
    // The quoted reason kept its comma; the line break became a space.
    let reasons: Vec<String> = entries(&kiosk)
        .into_iter()
        .filter_map(|body| match body {
            Body::Credited { reason, .. } => reason.map(String::from),
            _ => None,
        })
        .collect();
    assert_eq!(
        reasons,
        [
            "score 91, top of group 1",
            "评分 86 公示无异议",
            "三个月满分奖励"
        ]
    );
}

fn text_of(value: &str) -> aixin_kiosk::ids::Text {
    text(value)
}

fn entries(kiosk: &Kiosk) -> Vec<Body> {
    kiosk
        .store
        .journal
        .values()
        .filter_map(|stored| aixin_kiosk::journal::StoredRecord::from_bytes(stored))
        .filter_map(|record| aixin_kiosk::entry::Entry::decode(&record.bytes).ok())
        .map(|entry| entry.body)
        .collect()
}

#[test]
fn a_credit_imported_is_the_same_credit_as_one_entered_by_hand() {
    let mut kiosk = village();
    kiosk
        .credit("A001", "12", "2026-10")
        .expect("credited by hand");
    let preview = preview(
        &kiosk,
        ImportKind::Credits,
        &fixture("credits-utf8-bom.csv"),
    )
    .expect("good");
    assert_eq!(preview.rows[0].status, RowStatus::AlreadyImported);
    assert_eq!(preview.counts.new, 4);
}

#[test]
fn codes_shortened_by_excel_are_padded_to_the_code_width_and_said_so() {
    let mut kiosk = Kiosk::new();
    import_twice(
        &mut kiosk,
        ImportKind::Households,
        &fixture("households-numeric-codes.csv"),
    );
    let text = fixture("credits-codes-shortened.csv");
    // Without a code width, `12` is no household, with a hint.
    let errors = preview(&kiosk, ImportKind::Credits, &text).expect_err("refused");
    assert_eq!(errors.lines(), [2, 3, 4]);
    assert!(
        errors.errors[0].message_zh().contains("可能是 0012"),
        "{}",
        errors.errors[0]
    );
    assert!(errors.errors[0].message_en().contains("maybe 0012"));
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::ChangeSetting {
                setting: Setting::CodeWidth(4),
                request,
            },
        )
        .expect("setting");
    let preview = import_twice(&mut kiosk, ImportKind::Credits, &text);
    let padded: Vec<(usize, Vec<Note>)> = preview
        .rows
        .iter()
        .map(|row| (row.line, row.notes.clone()))
        .collect();
    let note = |written: &str, to: &str| Note::CodePadded {
        written: written.into(),
        code: code(to),
    };
    assert_eq!(
        padded,
        [
            (2, vec![note("12", "0012")]),
            (3, vec![note("13", "0013")]),
            (4, vec![note("101", "0101")]),
            (5, vec![]),
        ]
    );
    assert_eq!(preview.counts.codes_padded, 3);
    assert!(preview.rows[0].notes[0]
        .message_zh()
        .contains("补足为 0012"));
    assert_eq!(balance_of(&kiosk, "0012"), "10.00");
}

#[test]
fn periods_rewritten_by_excel_become_months() {
    let mut kiosk = village();
    let text = fixture("credits-periods-gbk.csv");
    let preview = import_twice(&mut kiosk, ImportKind::Credits, &text);
    let periods: Vec<String> = preview
        .rows
        .iter()
        .filter_map(|row| row.period.clone().map(String::from))
        .collect();
    assert_eq!(periods, ["2026-10"; 6]);
    let rewritten = preview
        .rows
        .iter()
        .filter(|row| {
            row.notes
                .iter()
                .any(|n| matches!(n, Note::PeriodRewritten { .. }))
        })
        .count();
    assert_eq!(rewritten, 5);
    // 加分 is the bonus: another key than the evaluation of the same month.
    assert_eq!(balance_of(&kiosk, "A001"), "6.00");
    let bonus = (
        code("A001"),
        aixin_kiosk::ids::Period::new("2026-10").unwrap(),
        text_of("bonus"),
    );
    assert!(kiosk.ledger.state().credits.contains_key(&bonus));
}

#[test]
fn a_title_row_above_the_header_and_unknown_columns() {
    let mut kiosk = village();
    let text = fixture("credits-title-row.csv");
    let preview = import_twice(&mut kiosk, ImportKind::Credits, &text);
    assert_eq!(preview.header_line, 3);
    assert_eq!(preview.ignored_columns, ["序号"]);
    assert_eq!(
        preview.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [4, 5]
    );
    assert!(
        preview.rows.iter().all(|r| r.notes.is_empty()),
        "names agree"
    );
    let renamed = text.replace("李喆", "李哲");
    let again = self::preview(&kiosk, ImportKind::Credits, &renamed).expect("good");
    assert_eq!(
        again.rows[1].notes,
        [Note::NameDiffers {
            file: "李哲".into(),
            kiosk: "李喆".into()
        }]
    );
}

#[test]
fn bad_rows_apply_nothing_and_every_one_is_named() {
    let kiosk = village();
    let text = fixture("credits-bad-rows.csv");
    let result = preview(&kiosk, ImportKind::Credits, &text);
    assert_eq!(
        refusals(result.clone()),
        [
            (3, col("户号"), "IMPORT_UNKNOWN_HOUSEHOLD"),
            (4, col("积分"), "IMPORT_BAD_AMOUNT"),
            (5, col("积分"), "IMPORT_BAD_AMOUNT"),
            (6, col("期间"), "IMPORT_BAD_PERIOD"),
            (7, col("户号"), "IMPORT_DUPLICATE_ROW"),
            (8, col("说明"), "IMPORT_TOO_LONG"),
            (9, col("户号"), "IMPORT_MISSING_VALUE"),
            (10, col("积分"), "IMPORT_BAD_AMOUNT"),
            (10, col("期间"), "IMPORT_BAD_PERIOD"),
            (12, col("积分"), "IMPORT_BAD_AMOUNT"),
        ]
    );
    let errors = result.expect_err("refused");
    let messages: Vec<(String, String)> = errors
        .errors
        .iter()
        .map(|e| (e.message_zh(), e.message_en()))
        .collect();
    assert_eq!(
        messages[0].0,
        "第 3 行「户号」列:终端里没有户号 Z999,请先导入户信息"
    );
    assert_eq!(
        messages[0].1,
        "Row 3, column “户号” (code): no household Z999 in the kiosk; import the households first"
    );
    assert_eq!(
        messages[1].0,
        "第 4 行「积分」列:数额里有不认识的字符,只能填数字,例如 12 或 12.50(填的是「12,5」)"
    );
    assert_eq!(
        messages[2].1,
        "Row 5, column “积分” (points): The amount may not be negative here (“-3”)"
    );
    assert_eq!(messages[4].0, "第 7 行「户号」列:和第 2 行重复");
    assert!(messages[5].0.contains("太长,最多 200 个字"));
    assert!(errors
        .message_zh()
        .starts_with("文件有 10 处错误,什么都没有导入"));
    assert!(errors
        .message_en()
        .starts_with("The file has 10 problem(s); nothing was imported"));
    // The parse alone names the bad cells too; nothing was applied.
    assert!(import::parse(kiosk.ledger.state(), ImportKind::Credits, &text, None).is_err());
    assert_eq!(kiosk.ledger.state().credits.len(), 0);
}

#[test]
fn duplicate_households_in_a_file_are_refused() {
    let kiosk = Kiosk::new();
    let text = "户号,户主,组\r\nA001,王建国,第一组\r\na001,王建国,第一组\r\nA002,李喆,第一组,\r\nA002,李喆,\r\n";
    assert_eq!(
        refusals(preview(&kiosk, ImportKind::Households, text)),
        [
            (3, col("户号"), "IMPORT_DUPLICATE_ROW"),
            (5, col("组"), "IMPORT_MISSING_VALUE"),
        ]
    );
}

#[test]
fn file_level_refusals() {
    let kiosk = village();
    let check = |kind, text: &str, expected: Vec<(usize, Option<String>, &'static str)>| {
        assert_eq!(refusals(preview(&kiosk, kind, text)), expected, "{text:?}");
    };
    check(ImportKind::Credits, "", vec![(0, None, "IMPORT_EMPTY")]);
    check(
        ImportKind::Credits,
        ",,,\r\n\r\n",
        vec![(0, None, "IMPORT_EMPTY")],
    );
    check(
        ImportKind::Credits,
        "户号,户主,组\r\nA001,王建国,第一组\r\n",
        vec![(1, None, "IMPORT_NO_HEADER")],
    );
    check(
        ImportKind::Credits,
        "户号,积分,期间\r\n",
        vec![(1, None, "IMPORT_NO_ROWS")],
    );
    check(
        ImportKind::Credits,
        "户号,积分,期间,积分\r\nA001,1,2026-10,1\r\n",
        vec![(1, None, "IMPORT_DUPLICATE_COLUMN")],
    );
    check(
        ImportKind::Credits,
        "户号,积分,期间\r\nA001,1,2026-10\r\nA002,\"2,2026-10\r\n",
        vec![(3, None, "IMPORT_UNCLOSED_QUOTE")],
    );
    check(
        ImportKind::Households,
        "户号,户主,组,类型,初始密码\r\nA009,王,一组,村委,123\r\n",
        vec![
            (2, col("类型"), "IMPORT_BAD_KIND"),
            (2, col("初始密码"), "IMPORT_BAD_PIN"),
        ],
    );
    let missing = preview(&kiosk, ImportKind::Households, "姓名,电话\r\n王建国,1\r\n")
        .expect_err("no header");
    assert_eq!(
        missing.errors[0].problem,
        import::ImportProblem::NoHeader {
            missing: vec![import::Field::Code, import::Field::Group]
        }
    );
    assert!(missing.errors[0]
        .message_zh()
        .contains("缺少「户号」「组」列"));
}

#[test]
fn more_than_twenty_thousand_rows_is_refused() {
    let kiosk = village();
    let mut text = String::from("户号,积分,期间\r\n");
    for i in 0..=import::IMPORT_ROWS_MAX {
        text.push_str(&format!("A001,1,{}\r\n", 2000 + i));
    }
    assert_eq!(
        refusals(preview(&kiosk, ImportKind::Credits, &text)),
        [(0, None, "IMPORT_TOO_MANY_ROWS")]
    );
}

#[test]
fn ten_thousand_credits_in_one_plan() {
    let started = std::time::Instant::now();
    let mut kiosk = Kiosk::new();
    let households = import_twice(
        &mut kiosk,
        ImportKind::Households,
        &fixture("households-5000-gbk.csv"),
    );
    assert_eq!(households.counts.new, 5000);
    // One more household is past the limit.
    let one_more = "户号,户主,组\r\nX0001,多一户,第一组\r\n";
    assert_eq!(
        refusals(preview(&kiosk, ImportKind::Households, one_more)),
        [(0, None, "IMPORT_TOO_MANY_HOUSEHOLDS")]
    );
    let seq = kiosk.ledger.state().seq;
    let credits = import_twice(
        &mut kiosk,
        ImportKind::Credits,
        &fixture("credits-10000-gbk.csv"),
    );
    assert_eq!((credits.counts.rows, credits.counts.new), (10_000, 10_000));
    assert_eq!(credits.counts.households, 5000);
    assert_eq!(
        kiosk.ledger.state().seq,
        seq + 10_000,
        "one entry per credit, one store"
    );
    assert_eq!(credits.total_points.to_fixed(), "35625.00");
    assert_eq!(kiosk.ledger.state().totals.credited, credits.total_points);
    assert_eq!(
        kiosk.store.writes, 4,
        "setup, the second staff member and one write per import"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn zero_points_credit_nothing() {
    let mut kiosk = village();
    let text = "户号,积分,期间\r\nA001,0,2026-10\r\nA002,1,2026-10\r\n";
    let preview = import_twice(&mut kiosk, ImportKind::Credits, text);
    assert_eq!(preview.rows[0].status, RowStatus::Skipped);
    assert_eq!(preview.rows[0].notes, [Note::ZeroPoints]);
    assert_eq!(kiosk.ledger.state().credits.len(), 1);
}

#[test]
fn conflicts_are_shown_and_applied_only_as_corrections_with_a_reason() {
    let mut kiosk = village();
    import_twice(
        &mut kiosk,
        ImportKind::Credits,
        &fixture("credits-utf8-bom.csv"),
    );
    let credit_seq = kiosk
        .ledger
        .state()
        .credits
        .get(&(
            code("A001"),
            aixin_kiosk::ids::Period::new("2026-10").unwrap(),
            text("evaluation"),
        ))
        .map(|(seq, _)| *seq)
        .expect("credited");
    let revised = "户号,积分,期间\r\nA001,15,2026-10\r\nA002,3.5,2026-10\r\nA004,6,2026-10\r\n";
    let preview = preview(&kiosk, ImportKind::Credits, revised).expect("a conflict is no error");
    assert_eq!(preview.counts.conflicts, 2);
    assert_eq!(preview.counts.already_imported, 1);
    let conflict = &preview.conflicts[0];
    assert_eq!(
        (
            conflict.line,
            conflict.credit_seq,
            conflict.credited.to_fixed(),
            conflict.file_amount.to_fixed(),
            conflict.difference.to_fixed()
        ),
        (2, credit_seq, "12.00".into(), "15.00".into(), "3.00".into())
    );
    let before = kiosk.ledger.state().state_hash();
    let refused = apply(&mut kiosk, preview.file.clone(), None).expect_err("needs a reason");
    assert_eq!(refused.code(), "INVALID_INPUT");
    assert!(refused.message_zh().contains("有 2 行的积分和已入账的不同"));
    assert_eq!(kiosk.ledger.state().state_hash(), before, "nothing applied");
    apply(&mut kiosk, preview.file, Some("平台更正 10 月评分")).expect("applied as corrections");
    assert_eq!(balance_of(&kiosk, "A001"), "20.00");
    assert_eq!(balance_of(&kiosk, "A004"), "6.00");
    let corrections: Vec<(String, Option<u64>)> = entries(&kiosk)
        .into_iter()
        .filter_map(|body| match body {
            Body::Corrected {
                amount,
                refers_to_seq,
                ..
            } => Some((amount.to_fixed(), refers_to_seq)),
            _ => None,
        })
        .collect();
    assert_eq!(corrections[0], ("3.00".to_string(), Some(credit_seq)));
    // The corrected key now stands at the file's amount: nothing to do.
    let again = self::preview(&kiosk, ImportKind::Credits, revised).expect("good");
    assert!(again.is_noop());
    // The platform goes back to 12: a second correction of −3.
    let back = "户号,积分,期间\r\nA001,12,2026-10\r\n";
    let back_preview = self::preview(&kiosk, ImportKind::Credits, back).expect("good");
    assert_eq!(back_preview.conflicts[0].difference.to_fixed(), "-3.00");
    apply(&mut kiosk, back_preview.file, Some("平台再次更正")).expect("applied");
    assert_eq!(balance_of(&kiosk, "A001"), "17.00");
    assert!(self::preview(&kiosk, ImportKind::Credits, back)
        .expect("good")
        .is_noop());
    kiosk.ledger.state().check_invariants().expect("invariants");
    kiosk.reopen().expect("the journal replays");
    assert_eq!(balance_of(&kiosk, "A001"), "17.00");
}

#[test]
fn a_preview_is_checked_again_when_applied() {
    let mut kiosk = village();
    let text = "户号,积分,期间\r\nA001,5,2026-10\r\n";
    let preview = preview(&kiosk, ImportKind::Credits, text).expect("good");
    kiosk
        .credit("A001", "4", "2026-10")
        .expect("credited meanwhile");
    let refused = apply(&mut kiosk, preview.file, None).expect_err("now a conflict");
    assert_eq!(refused.code(), "INVALID_INPUT");
}

#[test]
fn one_import_may_register_households_and_credit_them() {
    let mut kiosk = Kiosk::new();
    let state = kiosk.ledger.state();
    let households =
        import::parse(state, ImportKind::Households, HOUSEHOLDS_NUMERIC, None).expect("good");
    // Alone, the credits name unknown households.
    let credits_text = "户号,积分,期间\r\n0012,5,2026-10\r\n";
    assert!(import::parse(state, ImportKind::Credits, credits_text, None).is_ok());
    assert!(preview(&kiosk, ImportKind::Credits, credits_text).is_err());
    let credits = import::parse(state, ImportKind::Credits, credits_text, None).expect("good");
    let file = ImportFile {
        households: households.households,
        credits: credits.credits,
        headers: households.headers,
    };
    apply(&mut kiosk, file.clone(), None).expect("one plan");
    assert_eq!(balance_of(&kiosk, "0012"), "5.00");
    assert_eq!(
        apply(&mut kiosk, file, None),
        Ok(Outcome::Done {
            seqs: vec![],
            repeated: true
        })
    );
}

#[test]
fn importing_needs_a_clerk() {
    let mut kiosk = village();
    let file = preview(
        &kiosk,
        ImportKind::Credits,
        &fixture("credits-utf8-bom.csv"),
    )
    .expect("good")
    .file;
    let refused = kiosk.run(
        &Auth::System,
        Operation::Import {
            file,
            corrections_reason: None,
            pin_seed: [0; 16],
        },
    );
    assert_eq!(refused.map_err(|e| e.code()), Err("STAFF_AUTH_REQUIRED"));
}

#[test]
fn templates_carry_the_chinese_headers() {
    let kiosk = Kiosk::new();
    for (kind, header) in [
        (ImportKind::Households, "户号,户主,组,类型,初始密码"),
        (ImportKind::Credits, "户号,户主,积分,期间,来源,说明"),
    ] {
        let bytes = import::template(kind);
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        let text = decode_bytes(&bytes).expect("UTF-8");
        assert_eq!(text, format!("{header}\r\n"));
        assert_eq!(
            refusals(preview(&kiosk, kind, &text)),
            [(1, None, "IMPORT_NO_ROWS")],
            "a template is recognised, and empty"
        );
    }
}

// ---------------------------------------------------------------------------
// Reconcile

#[test]
fn reconcile_shows_each_difference_and_the_entries_that_explain_it() {
    let mut kiosk = village();
    import_twice(
        &mut kiosk,
        ImportKind::Credits,
        &fixture("credits-utf8-bom.csv"),
    );
    let request = kiosk.next_request();
    let last_seq = kiosk.ledger.state().seq;
    kiosk
        .run(&staff(), Operation::MarkUploaded { last_seq, request })
        .expect("uploaded");
    // After the upload: A001 redeems 5, A003 is corrected by −1.
    kiosk.add_item("salt-500g", "食盐 500g", "2.50");
    kiosk.restock(&[("salt-500g", 10)]);
    let session = kiosk.sign_in("A001", "3817").expect("signed in");
    let request = kiosk.next_request();
    kiosk
        .redeem(&session, &[("salt-500g", 2)], request)
        .expect("redeemed");
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::Correct {
                household: code("A003"),
                amount: points("-1"),
                refers_to_seq: None,
                reason: text("多记了 1 分"),
                request,
            },
        )
        .expect("corrected");
    let report =
        import::reconcile(kiosk.ledger.state(), &fixture("balances.csv"), None).expect("good");
    type Line<'a> = (
        &'a str,
        Option<String>,
        Option<String>,
        String,
        String,
        usize,
    );
    let lines: Vec<Line> = report
        .lines
        .iter()
        .map(|l| {
            (
                l.household.as_str(),
                l.kiosk_balance.map(|p| p.to_fixed()),
                l.platform_balance.map(|p| p.to_fixed()),
                l.difference.to_fixed(),
                l.unexplained.to_fixed(),
                l.entries.len(),
            )
        })
        .collect();
    let some = |v: &str| Some(v.to_string());
    assert_eq!(
        lines,
        [
            (
                "A009",
                None,
                some("8.00"),
                "-8.00".into(),
                "-8.00".into(),
                0
            ),
            ("A004", some("5.00"), None, "5.00".into(), "5.00".into(), 0),
            (
                "A003",
                some("4.00"),
                some("0.00"),
                "4.00".into(),
                "5.00".into(),
                1
            ),
            (
                "A001",
                some("12.00"),
                some("17.00"),
                "-5.00".into(),
                "0.00".into(),
                1
            ),
            ("A005", some("0.00"), None, "0.00".into(), "0.00".into(), 0),
            (
                "A002",
                some("3.50"),
                some("3.50"),
                "0.00".into(),
                "0.00".into(),
                0
            ),
        ]
    );
    let a001 = &report.lines[3];
    assert_eq!(a001.entries[0].kind, "redeemed");
    assert_eq!(a001.entries[0].change.to_fixed(), "-5.00");
    assert_eq!(report.households_differing, 5);
    assert_eq!(report.uploaded_through_seq, last_seq);
    assert_eq!(report.platform_total.to_fixed(), "28.50");
}

#[test]
fn a_month_of_points_for_the_demo_village_in_gbk() {
    let mut kiosk = Kiosk::bare();
    kiosk
        .run(&Auth::System, Operation::LoadDemo)
        .expect("the demo loads");
    let before = balance_of(&kiosk, "A005");
    let first = import_twice(
        &mut kiosk,
        ImportKind::Credits,
        &fixture("credits-demo-month-gbk.csv"),
    );
    assert_eq!(first.counts.rows, 30);
    assert_eq!(first.counts.new, 30);
    assert_eq!(first.counts.households, 30);
    assert_eq!(first.total_points.to_fixed(), "90.00");
    assert!(
        first.rows.iter().all(|row| row
            .notes
            .iter()
            .all(|note| matches!(note, Note::PeriodRewritten { .. }))),
        "the names match the demo's; only the period is rewritten"
    );
    assert_eq!(before, "5.00");
    assert_eq!(balance_of(&kiosk, "A005"), "8.00");
}
