//! The village's points rules with the seed's numbers: band edges, bonus
//! runs, the blacklist and its lifting, score sheets with their posting and
//! objections, the year close, and honours with ties at the cut-off.

mod common;

use aixin_kiosk::entry::Body;
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::Period;
use aixin_kiosk::import::ImportErrors;
use aixin_kiosk::ledger::{Auth, Operation};
use aixin_kiosk::rules::Score;
use aixin_kiosk::scoresheet::{self, PointsOperation};
use aixin_kiosk::settings::Setting;
use common::*;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn period(text: &str) -> Period {
    Period::new(text).unwrap()
}

/// A kiosk on score sheets with households H01…H`count` (no points yet).
fn village(count: usize) -> Kiosk {
    let mut kiosk = Kiosk::new();
    for index in 1..=count {
        kiosk.register(&format!("H{index:02}"), &format!("住户{index}"));
    }
    kiosk.use_score_sheets();
    kiosk
}

/// Posts and applies one period after the posting days (5).
fn run_period(kiosk: &mut Kiosk, month: &str, rows: &[(&str, &str)]) {
    kiosk.post_scores(month, rows).unwrap();
    kiosk.apply_scores_after(month, 5).unwrap();
}

fn credited(kiosk: &Kiosk, household: &str, month: &str, source: &str) -> Option<String> {
    kiosk
        .ledger
        .state()
        .credits
        .get(&(code(household), period(month), text(source)))
        .map(|(_, amount)| amount.to_fixed())
}

fn blacklisted(kiosk: &Kiosk, household: &str) -> bool {
    kiosk
        .ledger
        .state()
        .household(&code(household))
        .unwrap()
        .blacklisted
}

fn sheet_errors(
    kiosk: &Kiosk,
    month: &str,
    text: &str,
) -> Vec<(usize, Option<String>, &'static str)> {
    match scoresheet::parse(kiosk.ledger.state(), &period(month), text) {
        Ok(sheet) => panic!("accepted: {sheet:?}"),
        Err(ImportErrors { errors }) => errors
            .iter()
            .map(|e| (e.line, e.column.clone(), e.code()))
            .collect(),
    }
}

#[test]
fn every_band_edge_earns_the_seed_points() {
    let scores = [
        ("79.9", None),
        ("80", Some("1.00")),
        ("85", Some("1.00")),
        ("85.5", Some("3.00")),
        ("90", Some("3.00")),
        ("90.5", Some("5.00")),
        ("100", Some("5.00")),
    ];
    let mut kiosk = village(scores.len());
    let codes: Vec<String> = (1..=scores.len()).map(|i| format!("H{i:02}")).collect();
    let rows: Vec<(&str, &str)> = codes
        .iter()
        .zip(scores)
        .map(|(code, (score, _))| (code.as_str(), score))
        .collect();
    run_period(&mut kiosk, "2026-08", &rows);
    for (code, (score, expected)) in codes.iter().zip(scores) {
        assert_eq!(
            credited(&kiosk, code, "2026-08", "evaluation").as_deref(),
            expected,
            "{score}"
        );
    }
    assert_eq!(
        sheet_errors(&kiosk, "2026-09", "户号,总分\nH01,100.5\n"),
        vec![(2, Some("总分".to_string()), "IMPORT_BAD_SCORE")]
    );
}

#[test]
fn a_bonus_after_exactly_three_top_periods_not_after_a_broken_run_and_again_after_three_more() {
    // H01: top six months running → bonus in months 3 and 6.
    // H02: top, top, middle, top, top, top → bonus only in month 6.
    // H03: top, top, unscored, top, top → none.
    let mut kiosk = village(4);
    let months = [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
    ];
    let h02 = ["95", "95", "88", "95", "95", "95"];
    for (index, month) in months.into_iter().enumerate() {
        let mut rows = vec![("H01", "95"), ("H02", h02[index]), ("H04", "70")];
        if index != 2 && index < 5 {
            rows.push(("H03", "92"));
        }
        run_period(&mut kiosk, month, &rows);
    }
    let bonuses = |household: &str| -> Vec<&str> {
        months
            .into_iter()
            .filter(|m| credited(&kiosk, household, m, "bonus").is_some())
            .collect()
    };
    assert_eq!(bonuses("H01"), vec!["2026-03", "2026-06"]);
    assert_eq!(bonuses("H02"), vec!["2026-06"]);
    assert_eq!(bonuses("H03"), Vec::<&str>::new());
    assert_eq!(
        credited(&kiosk, "H01", "2026-03", "bonus").as_deref(),
        Some("5.00")
    );
    // 6 × 5 + 2 × 5 bonus.
    let balance = kiosk.balance("H01");
    assert_eq!(balance.to_fixed(), "40.00");
}

#[test]
fn last_place_three_periods_running_lists_ties_ignores_the_unscored_and_lifts() {
    let mut kiosk = village(4);
    // H03 and H04 tie for last in each period; H02 is unscored in the
    // second, which neither breaks nor extends its run.
    run_period(
        &mut kiosk,
        "2026-01",
        &[("H01", "90"), ("H02", "85"), ("H03", "60"), ("H04", "60")],
    );
    run_period(
        &mut kiosk,
        "2026-02",
        &[("H01", "90"), ("H03", "61"), ("H04", "61")],
    );
    assert!(!blacklisted(&kiosk, "H03"));
    run_period(
        &mut kiosk,
        "2026-03",
        &[("H01", "90"), ("H02", "85"), ("H03", "62"), ("H04", "62")],
    );
    assert!(
        blacklisted(&kiosk, "H03"),
        "tied last three periods running"
    );
    assert!(blacklisted(&kiosk, "H04"), "ties: all of them");
    assert!(!blacklisted(&kiosk, "H02"));
    assert!(!blacklisted(&kiosk, "H01"));
    // H04 stays last; H03 is not last three periods running and is lifted.
    for month in ["2026-04", "2026-05", "2026-06"] {
        assert!(blacklisted(&kiosk, "H03"), "{month}");
        run_period(
            &mut kiosk,
            month,
            &[("H01", "90"), ("H03", "80"), ("H04", "50")],
        );
    }
    assert!(
        !blacklisted(&kiosk, "H03"),
        "lifted after three periods not last"
    );
    assert!(blacklisted(&kiosk, "H04"));
    // The clerk lifts H04 with a reason; a second lift is refused.
    let lift = |reason: &str| PointsOperation::LiftBlacklist {
        household: code("H04"),
        reason: text(reason),
    };
    kiosk.points_op(lift("整改到位")).unwrap();
    assert!(!blacklisted(&kiosk, "H04"));
    let again = kiosk.points_op(lift("再次"));
    assert!(matches!(again, Err(Error::InvalidInput { ref field, .. }) if field == "household"));
}

#[test]
fn the_blacklist_blocks_redeeming_only_where_the_village_says_so() {
    let mut kiosk = village(2);
    kiosk.set_pin("H02", "2468");
    for month in ["2026-01", "2026-02", "2026-03"] {
        run_period(&mut kiosk, month, &[("H01", "95"), ("H02", "81")]);
    }
    assert!(blacklisted(&kiosk, "H02"));
    assert!(kiosk.sign_in("H02", "2468").is_ok(), "default: may redeem");
    let request = kiosk.next_request();
    let setting = Setting::parse("blacklist_redeem", "deny").unwrap();
    kiosk
        .run(&staff(), Operation::ChangeSetting { setting, request })
        .unwrap();
    assert_eq!(
        kiosk.sign_in("H02", "2468").unwrap_err(),
        Error::Blacklisted {
            household: "H02".into()
        }
    );
    assert!(
        kiosk
            .ledger
            .state()
            .households
            .values()
            .any(|h| h.blacklisted),
        "flagged to staff"
    );
}

#[test]
fn the_posting_period_is_enforced() {
    let mut kiosk = village(2);
    kiosk
        .post_scores("2026-08", &[("H01", "95"), ("H02", "81")])
        .unwrap();
    let posted = kiosk.now;
    let refused = kiosk.apply_scores_after("2026-08", 4);
    assert_eq!(
        refused.unwrap_err(),
        Error::PostingNotOver {
            period: "2026-08".into(),
            until_ms: posted + 5 * DAY_MS,
        }
    );
    assert_eq!(
        credited(&kiosk, "H01", "2026-08", "evaluation"),
        None,
        "nothing applied"
    );
    kiosk.apply_scores_after("2026-08", 1).unwrap();
    assert_eq!(
        credited(&kiosk, "H01", "2026-08", "evaluation").as_deref(),
        Some("5.00")
    );
    let again = kiosk.apply_scores_after("2026-08", 1);
    assert!(
        matches!(again, Err(Error::InvalidInput { .. })),
        "applied once"
    );
    let repost = kiosk.post_scores("2026-08", &[("H01", "95")]);
    assert!(
        matches!(repost, Err(Error::InvalidInput { .. })),
        "period already applied"
    );
}

#[test]
fn an_objection_changes_the_applied_points() {
    let mut kiosk = village(2);
    kiosk
        .post_scores("2026-08", &[("H01", "84"), ("H02", "81")])
        .unwrap();
    let objection = PointsOperation::Object {
        period: period("2026-08"),
        household: code("H01"),
        finding: text("庭院复核后加分"),
        score: Score::from_tenths(905).unwrap(),
    };
    kiosk.points_op(objection.clone()).unwrap();
    kiosk.apply_scores_after("2026-08", 5).unwrap();
    assert_eq!(
        credited(&kiosk, "H01", "2026-08", "evaluation").as_deref(),
        Some("5.00")
    );
    assert!(
        matches!(kiosk.points_op(objection), Err(Error::InvalidInput { .. })),
        "no objection after the apply"
    );
}

#[test]
fn a_score_sheet_with_any_bad_row_names_each_and_applies_nothing() {
    let mut kiosk = village(3);
    let header = "户号,户主,人居环境,先锋模范,学生就学,创业就业,团结友爱,总分";
    let text = format!(
        "{header}\n\
         H01,住户1,50,20,10,10,10,100\n\
         H02,住户2,51,20,10,10,10,101\n\
         H03,住户3,44,20,10,10,10,95\n\
         H01,住户1,45,20,10,10,10,95\n\
         X99,谁,45,20,10,10,10,95\n"
    );
    let errors = sheet_errors(&kiosk, "2026-08", &text);
    assert_eq!(
        errors,
        vec![
            (3, Some("人居环境".into()), "IMPORT_BAD_SCORE"),
            (3, Some("总分".into()), "IMPORT_BAD_SCORE"),
            (4, Some("总分".into()), "IMPORT_SCORES_DO_NOT_ADD_UP"),
            (5, Some("户号".into()), "IMPORT_DUPLICATE_ROW"),
            (6, Some("户号".into()), "IMPORT_UNKNOWN_HOUSEHOLD"),
        ]
    );
    // Item scores with their categories: a category that is not the sum of
    // its items, and an item above its maximum.
    let items = "户号,庭院,客厅,厨房,卧室,厕所,人居环境,参与产业和公益,传播正能量,遵纪守法,\
                 家长支持就学,学生学习,不闲置,富余劳动力就业,孝老爱亲、无家暴,邻里和睦,先锋模范,学生就学,创业就业,团结友爱";
    let text = format!(
        "{items}\nH01,15,10,10,10,5,50,10,5,5,5,5,5,5,5,5,20,10,10,10\nH02,14,10,10,10,5,50,10,5,5,5,5,5,5,5,5,20,10,10,10\nH03,15,10,10,10,6,51,10,5,5,5,5,5,5,5,5,20,10,10,10\n"
    );
    assert_eq!(
        sheet_errors(&kiosk, "2026-08", &text),
        vec![
            (3, Some("人居环境".into()), "IMPORT_SCORES_DO_NOT_ADD_UP"),
            (4, Some("厕所".into()), "IMPORT_BAD_SCORE"),
            (4, Some("人居环境".into()), "IMPORT_BAD_SCORE"),
        ]
    );
    assert_eq!(credited(&kiosk, "H01", "2026-08", "evaluation"), None);
    // Category scores alone, and a level with a column missing.
    let categories = "户号,人居环境,先锋模范,学生就学,创业就业,团结友爱\nH01,45,20,10,10,5.5\n";
    let sheet = scoresheet::parse(kiosk.ledger.state(), &period("2026-08"), categories).unwrap();
    assert_eq!(sheet.rows[0].score, Score::from_tenths(905).unwrap());
    assert_eq!(
        sheet_errors(&kiosk, "2026-08", "户号,人居环境,先锋模范\nH01,45,20\n"),
        vec![(1, None, "IMPORT_MISSING_SCORE_COLUMNS")]
    );
    // The same sheet twice: the period is taken.
    kiosk.post_scores("2026-08", &[("H01", "90")]).unwrap();
    assert_eq!(
        sheet_errors(&kiosk, "2026-08", "户号,总分\nH02,90\n"),
        vec![(0, None, "IMPORT_PERIOD_SCORED")]
    );
}

#[test]
fn score_sheets_need_the_kiosk_as_points_source_and_credits_record_the_rules_version() {
    let mut kiosk = Kiosk::new();
    kiosk.register("H01", "住户1");
    let refused = kiosk.post_scores("2026-08", &[("H01", "90")]);
    assert!(
        matches!(refused, Err(Error::InvalidInput { ref field, .. }) if field == "pointsSource")
    );
    kiosk.credit("H01", "2", "2026-07").unwrap();
    kiosk.use_score_sheets();
    run_period(&mut kiosk, "2026-08", &[("H01", "90")]);
    let versions: Vec<u32> = journal_bodies(&kiosk)
        .into_iter()
        .filter_map(|body| match body {
            Body::Credited { rules_version, .. } => Some(rules_version),
            _ => None,
        })
        .collect();
    assert_eq!(versions, vec![0, 1]);
    // A platform import of the same period's evaluation credits nothing twice.
    let again = kiosk.credit("H01", "3", "2026-08").unwrap();
    assert!(matches!(
        again,
        aixin_kiosk::ledger::Outcome::Done { repeated: true, .. }
    ));
}

fn journal_bodies(kiosk: &Kiosk) -> Vec<Body> {
    kiosk
        .store
        .records()
        .iter()
        .map(|(_, stored)| {
            let record = aixin_kiosk::journal::StoredRecord::from_bytes(stored).unwrap();
            aixin_kiosk::entry::Entry::decode(&record.bytes)
                .unwrap()
                .body
        })
        .collect()
}

fn close_year(kiosk: &mut Kiosk, year: i32) -> Result<aixin_kiosk::ledger::Outcome, Error> {
    let request = kiosk.next_request();
    kiosk.run(&staff(), Operation::CloseYear { year, request })
}

#[test]
fn the_year_close_clears_or_carries_and_refuses_a_void_across_it() {
    for (year_end, after) in [("clear", "0.00"), ("carry", "17.50")] {
        let mut kiosk = Kiosk::with_village();
        let setting = Setting::parse("year_end", year_end).unwrap();
        let request = kiosk.next_request();
        kiosk
            .run(&staff(), Operation::ChangeSetting { setting, request })
            .unwrap();
        let session = kiosk.sign_in("A001", "1234").unwrap();
        let receipt = kiosk.receipt(&session, &[("salt-500g", 1)]);
        assert!(
            matches!(
                close_year(&mut kiosk, 2026),
                Err(Error::InvalidInput { .. })
            ),
            "2026 is not over in village time"
        );
        kiosk.pass_days(120); // into 2027
        close_year(&mut kiosk, 2026).unwrap();
        assert_eq!(kiosk.balance("A001").to_fixed(), after, "{year_end}");
        assert_eq!(
            close_year(&mut kiosk, 2026).unwrap_err(),
            Error::YearClosed { year: 2026 }
        );
        let void = kiosk.void(receipt.seq);
        assert_eq!(
            kiosk.run(&staff(), void).unwrap_err(),
            Error::YearClosed { year: 2026 },
            "{year_end}"
        );
        kiosk.ledger.state().check_invariants().unwrap();
    }
}

/// A year closed days late takes only the old year's points: what was
/// credited after the year end stays, and what was redeemed meanwhile came
/// out of the old points first.
#[test]
fn a_late_year_close_clears_the_old_points_left_and_keeps_the_new() {
    let mut kiosk = Kiosk::with_village(); // A001 20, B002 5, credited in 2026
    let redeem = |kiosk: &mut Kiosk, household: &str, pin: &str, quantity: i64| {
        let session = kiosk.sign_in(household, pin).unwrap();
        let request = kiosk.next_request();
        kiosk
            .redeem(&session, &[("salt-500g", quantity)], request)
            .unwrap();
    };
    redeem(&mut kiosk, "A001", "1234", 1); // 2026: A001 17.50
    kiosk.pass_days(120); // into 2027, not yet closed
    kiosk.credit("A001", "5", "2027-01").unwrap();
    kiosk.credit("B002", "5", "2027-01").unwrap();
    redeem(&mut kiosk, "A001", "1234", 2); // 5.00 of the old 17.50
    redeem(&mut kiosk, "B002", "5678", 3); // 7.50: the old 5 and 2.50 of the new
    assert_eq!(kiosk.balance("A001").to_fixed(), "17.50");
    assert_eq!(kiosk.balance("B002").to_fixed(), "2.50");
    close_year(&mut kiosk, 2026).unwrap();
    // A001: 17.50 at the year end, 5.00 spent since: 12.50 cleared, the new 5 kept.
    assert_eq!(kiosk.balance("A001").to_fixed(), "5.00");
    // B002: its old 5 were all spent after the year end: nothing cleared.
    assert_eq!(kiosk.balance("B002").to_fixed(), "2.50");
    let cleared: Vec<_> = journal_bodies(&kiosk)
        .into_iter()
        .filter_map(|body| match body {
            aixin_kiosk::entry::Body::YearClosed { cleared, .. } => cleared,
            _ => None,
        })
        .collect();
    assert_eq!(cleared.len(), 1);
    assert_eq!(cleared[0].len(), 1);
    assert_eq!(cleared[0][0].household.as_str(), "A001");
    assert_eq!(cleared[0][0].amount.to_fixed(), "12.50");
    kiosk.ledger.state().check_invariants().unwrap();
    // The journal replays to the same state.
    let before = kiosk.ledger.state().state_hash();
    kiosk.reopen().unwrap();
    assert_eq!(kiosk.ledger.state().state_hash(), before);
}

#[test]
fn honours_with_ties_at_the_cut_off_say_how_many_share_the_last_place() {
    let mut kiosk = Kiosk::new();
    for (index, earned) in ["9", "7", "7", "5", "5", "5", "1"].into_iter().enumerate() {
        let household = format!("H{index:02}");
        kiosk.register(&household, &format!("王{index}"));
        kiosk.credit(&household, earned, "2026-07").unwrap();
    }
    for (key, value) in [("stars_count", "4"), ("name_display", "surname")] {
        let setting = Setting::parse(key, value).unwrap();
        let request = kiosk.next_request();
        kiosk
            .run(&staff(), Operation::ChangeSetting { setting, request })
            .unwrap();
    }
    // 2026-10-15: the stars are those of 2026-Q3.
    let today = aixin_kiosk::calendar::LocalDate {
        year: 2026,
        month: 10,
        day: 15,
    };
    let board = aixin_kiosk::board::board(kiosk.ledger.state(), today);
    let ranks: Vec<(usize, &str)> = board
        .stars
        .lines
        .iter()
        .map(|line| (line.rank, line.name.as_str()))
        .collect();
    assert_eq!(ranks, vec![(1, "王某"), (2, "王某"), (2, "王某")]);
    assert_eq!(
        board.stars.shared_last,
        Some((4, 3)),
        "three share fourth place"
    );
    let _ = Auth::System;
}

#[test]
fn the_quarter_ranks_by_the_sum_of_scores_where_score_sheets_exist() {
    // By points H01 and H03 would tie (6 each) above H02 (5); by scores
    // H01 180, H02 179, H03 171.
    let mut kiosk = village(3);
    run_period(
        &mut kiosk,
        "2026-07",
        &[("H01", "90"), ("H02", "79"), ("H03", "91")],
    );
    run_period(
        &mut kiosk,
        "2026-08",
        &[("H01", "90"), ("H02", "100"), ("H03", "80")],
    );
    let today = aixin_kiosk::calendar::LocalDate {
        year: 2026,
        month: 8,
        day: 20,
    };
    let board = aixin_kiosk::board::board(kiosk.ledger.state(), today);
    let lines: Vec<(usize, &str, Option<i64>, String)> = board
        .quarter
        .lines
        .iter()
        .map(|line| {
            (
                line.rank,
                line.household.as_str(),
                line.score_tenths,
                line.earned.to_fixed(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (1, "H01", Some(1800), "6.00".to_string()),
            (2, "H02", Some(1790), "5.00".to_string()),
            (3, "H03", Some(1710), "6.00".to_string()),
        ]
    );
}

#[test]
fn periods_apply_in_order_and_the_earliest_waiting_is_the_current_posting() {
    let mut kiosk = village(2);
    kiosk
        .post_scores("2026-07", &[("H01", "95"), ("H02", "81")])
        .unwrap();
    kiosk
        .post_scores("2026-08", &[("H01", "95"), ("H02", "81")])
        .unwrap();
    let current = |kiosk: &Kiosk| {
        scoresheet::current_posting(kiosk.ledger.state()).map(|(period, _)| period.to_string())
    };
    assert_eq!(current(&kiosk).as_deref(), Some("2026-07"));
    let refused = kiosk.apply_scores_after("2026-08", 5);
    assert!(
        matches!(refused, Err(Error::InvalidInput { ref field, .. }) if field == "period"),
        "{refused:?}"
    );
    assert_eq!(credited(&kiosk, "H01", "2026-08", "evaluation"), None);
    kiosk.apply_scores_after("2026-07", 0).unwrap();
    assert_eq!(current(&kiosk).as_deref(), Some("2026-08"));
    kiosk.apply_scores_after("2026-08", 0).unwrap();
    assert_eq!(current(&kiosk), None);
    assert_eq!(
        credited(&kiosk, "H01", "2026-08", "evaluation").as_deref(),
        Some("5.00")
    );
}

fn change_setting(kiosk: &mut Kiosk, key: &str, value: &str) -> Result<(), Error> {
    let setting = Setting::parse(key, value).unwrap();
    let request = kiosk.next_request();
    kiosk
        .run(&staff(), Operation::ChangeSetting { setting, request })
        .map(|_| ())
}

#[test]
fn issue_20_公示期不得少于5天_a_change_sets_5_to_60_days() {
    let mut kiosk = village(1);
    let seq = kiosk.ledger.state().seq;
    for days in ["0", "4"] {
        assert!(
            matches!(
                change_setting(&mut kiosk, "posting_days", days),
                Err(Error::InvalidInput { ref field, .. }) if field == "value"
            ),
            "{days} days"
        );
    }
    assert_eq!(
        kiosk.ledger.state().seq,
        seq,
        "a refused change writes nothing"
    );
    assert_eq!(kiosk.ledger.state().settings.posting_days, 5);
    assert_eq!(Setting::parse("posting_days", "61"), None);
    change_setting(&mut kiosk, "posting_days", "60").unwrap();
    assert_eq!(kiosk.ledger.state().settings.posting_days, 60);
    change_setting(&mut kiosk, "posting_days", "5").unwrap();
    assert_eq!(kiosk.ledger.state().settings.posting_days, 5);
}

#[test]
fn issue_20_a_journal_that_already_holds_fewer_posting_days_still_opens_and_keeps_them() {
    use aixin_kiosk::entry::{chain_hash, Entry, GENESIS_PREVIOUS_HASH};
    use aixin_kiosk::journal::StoredRecord;
    use aixin_kiosk::settings::Setting as S;
    let mut kiosk = village(2);
    change_setting(&mut kiosk, "posting_days", "7").unwrap();
    // The journal as a kiosk wrote it before the limit: the 7 reads 3.
    let mut previous = GENESIS_PREVIOUS_HASH;
    let mut rewritten = std::collections::BTreeMap::new();
    for stored in kiosk.store.journal.values() {
        let record = StoredRecord::from_bytes(stored).unwrap();
        let mut entry = Entry::decode(&record.bytes).unwrap();
        if let Body::SettingChanged { setting } = &mut entry.body {
            if *setting == S::PostingDays(7) {
                *setting = S::PostingDays(3);
            }
        }
        let bytes = entry.encode();
        let hash = chain_hash(&previous, &bytes);
        previous = hash;
        rewritten.insert(entry.seq, StoredRecord { bytes, hash }.to_bytes());
    }
    kiosk.store.journal = rewritten;
    kiosk
        .reopen()
        .expect("an old journal with 3 posting days opens");
    assert_eq!(kiosk.ledger.state().settings.posting_days, 3);
    kiosk
        .post_scores("2026-08", &[("H01", "95"), ("H02", "81")])
        .unwrap();
    kiosk.apply_scores_after("2026-08", 3).unwrap();
    assert_eq!(
        credited(&kiosk, "H01", "2026-08", "evaluation").as_deref(),
        Some("5.00"),
        "the old value still governs its posting"
    );
}

#[test]
fn issue_20_连续3个月_a_month_without_a_sheet_breaks_the_bonus_and_the_blacklist_runs() {
    // H01 is top and H02 last in January, February, then no sheet in March:
    // April and May do not complete a run; June does.
    let mut kiosk = village(3);
    let rows = [("H01", "95"), ("H02", "60"), ("H03", "82")];
    for month in ["2026-01", "2026-02", "2026-04", "2026-05"] {
        run_period(&mut kiosk, month, &rows);
        assert_eq!(credited(&kiosk, "H01", month, "bonus"), None, "{month}");
        assert!(!blacklisted(&kiosk, "H02"), "{month}");
    }
    run_period(&mut kiosk, "2026-06", &rows);
    assert_eq!(
        credited(&kiosk, "H01", "2026-06", "bonus").as_deref(),
        Some("5.00"),
        "April, May, June in a row"
    );
    assert!(blacklisted(&kiosk, "H02"), "last April, May, June");
    // The same runs survive a reopen: the fold counts the gap too.
    kiosk.reopen().unwrap();
    run_period(&mut kiosk, "2026-07", &rows);
    run_period(&mut kiosk, "2026-08", &rows);
    assert_eq!(credited(&kiosk, "H01", "2026-08", "bonus"), None);
    run_period(&mut kiosk, "2026-09", &rows);
    assert_eq!(
        credited(&kiosk, "H01", "2026-09", "bonus").as_deref(),
        Some("5.00")
    );
}

#[test]
fn issue_20_a_sheet_on_which_every_household_ties_blacklists_nobody() {
    let mut kiosk = village(3);
    let tied = [("H01", "88"), ("H02", "88"), ("H03", "88")];
    for month in ["2026-01", "2026-02", "2026-03", "2026-04"] {
        run_period(&mut kiosk, month, &tied);
    }
    for household in ["H01", "H02", "H03"] {
        assert!(!blacklisted(&kiosk, household), "{household}");
    }
    // A tied sheet also breaks a run of lasts: it is not a last place.
    run_period(
        &mut kiosk,
        "2026-05",
        &[("H01", "90"), ("H02", "60"), ("H03", "90")],
    );
    run_period(
        &mut kiosk,
        "2026-06",
        &[("H01", "90"), ("H02", "60"), ("H03", "90")],
    );
    run_period(&mut kiosk, "2026-07", &tied);
    run_period(
        &mut kiosk,
        "2026-08",
        &[("H01", "90"), ("H02", "60"), ("H03", "90")],
    );
    assert!(!blacklisted(&kiosk, "H02"));
}

/// Adds an active staff member with `role`, as the admin.
fn add_staff(kiosk: &mut Kiosk, id: &str, role: aixin_kiosk::entry::Role) -> Auth {
    let staff_id = aixin_kiosk::ids::StaffId::new(id).unwrap();
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::AddStaff {
                staff: staff_id.clone(),
                name: text(id),
                role,
                pin: aixin_kiosk::credential::Pin::new("2222").unwrap(),
                salt: [4; 16],
                request,
            },
        )
        .unwrap();
    Auth::Staff(staff_id)
}

fn review_of(kiosk: &Kiosk, month: &str) -> scoresheet::Review {
    kiosk.ledger.state().postings[&period(month)].review.clone()
}

/// The refusal of a points operation run as `auth`, with the journal
/// unchanged.
fn refused(kiosk: &mut Kiosk, auth: &Auth, operation: PointsOperation) -> Error {
    let (seq, hash) = (kiosk.ledger.state().seq, kiosk.ledger.state().state_hash());
    let request = kiosk.next_request();
    let error = kiosk
        .run(auth, Operation::Points { operation, request })
        .unwrap_err();
    assert_eq!(
        kiosk.ledger.state().seq,
        seq,
        "nothing written for {error:?}"
    );
    assert_eq!(kiosk.ledger.state().state_hash(), hash);
    error
}

#[test]
fn issue_20_入户评比_领导组审核_张贴公示_a_sheet_waits_for_a_second_admin_who_is_recorded() {
    let mut kiosk = village(2);
    let clerk = add_staff(&mut kiosk, "clerk", aixin_kiosk::entry::Role::Clerk);
    kiosk
        .submit_scores("2026-08", &[("H01", "92"), ("H02", "81")])
        .unwrap();
    let admin = aixin_kiosk::ids::StaffId::new("admin").unwrap();
    assert_eq!(
        review_of(&kiosk, "2026-08"),
        scoresheet::Review::Waiting {
            imported_by: Some(admin.clone())
        }
    );
    // Not posted yet: no objection, no apply, however long it waits.
    kiosk.pass_days(30);
    let apply = PointsOperation::ApplyScores {
        period: period("2026-08"),
    };
    let error = refused(&mut kiosk, &staff(), apply.clone());
    assert_eq!(error.code(), "INVALID_INPUT");
    assert!(
        error.message_zh().contains("领导组审核"),
        "{}",
        error.message_zh()
    );
    let raise = PointsOperation::RaiseObjection {
        period: period("2026-08"),
        household: code("H01"),
        raised_by: text("王大妈"),
        what: text("厨房分数打低了"),
    };
    assert_eq!(refused(&mut kiosk, &staff(), raise).code(), "INVALID_INPUT");
    // The importer may not approve their own sheet, nor may a clerk.
    let approve = PointsOperation::Approve {
        period: period("2026-08"),
    };
    let error = refused(&mut kiosk, &staff(), approve.clone());
    assert_eq!(error.code(), "INVALID_INPUT");
    assert!(error
        .message_en()
        .contains("other than the one who imported"));
    let error = refused(&mut kiosk, &clerk, approve.clone());
    assert_eq!(error.code(), "STAFF_AUTH_REQUIRED");
    // A second admin approves; the posting starts then and names them.
    let leader = kiosk.leader();
    kiosk.approve_scores("2026-08", &leader).unwrap();
    let approved_ms = kiosk.now;
    let leader_id = aixin_kiosk::ids::StaffId::new("leader").unwrap();
    let approved = scoresheet::Review::Approved {
        by: Some(leader_id),
        own: false,
    };
    assert_eq!(review_of(&kiosk, "2026-08"), approved);
    assert_eq!(
        kiosk.ledger.state().postings[&period("2026-08")].posted_ms,
        approved_ms
    );
    assert_eq!(
        refused(&mut kiosk, &leader, approve).code(),
        "INVALID_INPUT",
        "approved once only"
    );
    // The posting days count from the approval, not the import.
    let error = refused(&mut kiosk, &staff(), apply);
    assert_eq!(error.code(), "POSTING_NOT_OVER");
    // The review survives a reopen from the journal and a checkpoint.
    kiosk.reopen().unwrap();
    assert_eq!(review_of(&kiosk, "2026-08"), approved);
    let state =
        aixin_kiosk::checkpoint::decode(&aixin_kiosk::checkpoint::encode(kiosk.ledger.state()))
            .unwrap()
            .state;
    assert_eq!(state.postings, kiosk.ledger.state().postings);
    kiosk.apply_scores_after("2026-08", 5).unwrap();
    assert_eq!(
        credited(&kiosk, "H01", "2026-08", "evaluation").as_deref(),
        Some("5.00")
    );
}

#[test]
fn issue_20_公示无异议后_a_pending_objection_refuses_the_apply_naming_the_households() {
    let mut kiosk = village(3);
    kiosk
        .post_scores("2026-08", &[("H01", "84"), ("H02", "81"), ("H03", "70")])
        .unwrap();
    for (household, by, what) in [
        ("H01", "王大妈", "庭院打扫过了"),
        ("H03", "李叔", "厨房复核"),
    ] {
        let raise = PointsOperation::RaiseObjection {
            period: period("2026-08"),
            household: code(household),
            raised_by: text(by),
            what: text(what),
        };
        kiosk.points_op(raise).unwrap();
    }
    let raised_ms = kiosk.now;
    let again = PointsOperation::RaiseObjection {
        period: period("2026-08"),
        household: code("H01"),
        raised_by: text("王大妈"),
        what: text("再说一次"),
    };
    assert_eq!(refused(&mut kiosk, &staff(), again).code(), "INVALID_INPUT");
    let pending = &kiosk.ledger.state().postings[&period("2026-08")].pending;
    assert_eq!(pending.len(), 2);
    assert_eq!(
        (
            pending[1].by.as_str(),
            pending[1].what.as_str(),
            pending[1].time_ms
        ),
        ("李叔", "厨房复核", raised_ms)
    );
    kiosk.pass_days(5);
    let apply = PointsOperation::ApplyScores {
        period: period("2026-08"),
    };
    let error = refused(&mut kiosk, &staff(), apply.clone());
    assert_eq!(
        error,
        Error::ObjectionPending {
            period: "2026-08".into(),
            households: vec!["H01".into(), "H03".into()],
        }
    );
    assert!(
        error.message_zh().contains("H01、H03"),
        "{}",
        error.message_zh()
    );
    assert!(
        error.message_en().contains("H01, H03"),
        "{}",
        error.message_en()
    );
    // H01's finding corrects the score; H03's leaves it as posted.
    let resolve =
        |household: &str, finding: &str, score: Option<u16>| PointsOperation::ResolveObjection {
            period: period("2026-08"),
            household: code(household),
            finding: text(finding),
            score: score.map(|tenths| Score::from_tenths(tenths).unwrap()),
        };
    kiosk
        .points_op(resolve("H01", "复核属实,改为90.5分", Some(905)))
        .unwrap();
    let error = refused(&mut kiosk, &staff(), apply.clone());
    assert_eq!(
        error,
        Error::ObjectionPending {
            period: "2026-08".into(),
            households: vec!["H03".into()],
        }
    );
    kiosk
        .points_op(resolve("H03", "复核无误,维持原分", None))
        .unwrap();
    assert_eq!(
        refused(&mut kiosk, &staff(), resolve("H03", "又一次", None)).code(),
        "INVALID_INPUT",
        "nothing left to resolve"
    );
    let posting = &kiosk.ledger.state().postings[&period("2026-08")];
    let settled: Vec<_> = posting
        .objections
        .iter()
        .map(|o| {
            let raised = o.raised.as_ref().unwrap();
            (
                o.household.as_str(),
                raised.by.as_str(),
                o.before.map(|s| s.tenths()),
                o.score.tenths(),
            )
        })
        .collect();
    assert_eq!(
        settled,
        vec![
            ("H01", "王大妈", Some(840), 905),
            ("H03", "李叔", Some(700), 700)
        ]
    );
    kiosk.reopen().unwrap();
    kiosk.points_op(apply).unwrap();
    assert_eq!(
        credited(&kiosk, "H01", "2026-08", "evaluation").as_deref(),
        Some("5.00")
    );
    assert_eq!(credited(&kiosk, "H03", "2026-08", "evaluation"), None);
}

#[test]
fn issue_20_a_journal_with_sheets_posted_before_review_still_opens_and_applies() {
    use aixin_kiosk::entry::{chain_hash, Entry, GENESIS_PREVIOUS_HASH};
    use aixin_kiosk::journal::StoredRecord;
    let mut kiosk = village(2);
    kiosk
        .submit_scores("2026-08", &[("H01", "84"), ("H02", "81")])
        .unwrap();
    // The same journal as a kiosk before review wrote it: each row posted at
    // import (score_posted), no approval, an objection settled at once.
    let mut entries: Vec<Entry> = Vec::new();
    for (_, stored) in kiosk.store.records() {
        let mut entry = Entry::decode(&StoredRecord::from_bytes(&stored).unwrap().bytes).unwrap();
        entry.body = match entry.body {
            Body::ScoreSubmitted {
                period,
                household,
                score_tenths,
            } => Body::ScorePosted {
                period,
                household,
                score_tenths,
            },
            body => body,
        };
        entries.push(entry);
    }
    let mut objection = entries.last().unwrap().clone();
    objection.id = aixin_kiosk::entry::EntryId::new("old-objection").unwrap();
    objection.body = Body::ScoreObjected {
        period: period("2026-08"),
        household: code("H01"),
        finding: text("庭院复核后加分"),
        score_tenths: 905,
    };
    entries.push(objection);
    let mut previous = GENESIS_PREVIOUS_HASH;
    kiosk.store.journal.clear();
    for (index, entry) in entries.iter_mut().enumerate() {
        entry.seq = index as u64 + 1;
        let bytes = entry.encode();
        previous = chain_hash(&previous, &bytes);
        let record = StoredRecord {
            bytes,
            hash: previous,
        };
        kiosk.store.journal.insert(entry.seq, record.to_bytes());
    }
    kiosk.reopen().unwrap();
    let posting = &kiosk.ledger.state().postings[&period("2026-08")];
    assert_eq!(posting.review, scoresheet::Review::Unreviewed);
    assert_eq!(posting.scores[&code("H01")].tenths(), 905);
    kiosk.apply_scores_after("2026-08", 5).unwrap();
    assert_eq!(
        credited(&kiosk, "H01", "2026-08", "evaluation").as_deref(),
        Some("5.00")
    );
    assert_eq!(
        credited(&kiosk, "H02", "2026-08", "evaluation").as_deref(),
        Some("1.00")
    );
}

/// The rules in force with a deduction item (扣分项) added: `违反村规民约`,
/// taking up to 10 off.
fn with_deduction(kiosk: &mut Kiosk) {
    let mut record = kiosk.ledger.state().rules.to_record();
    record.table.push(aixin_kiosk::rulebook::CategoryRecord {
        name: "扣分项".into(),
        items: vec![aixin_kiosk::rulebook::ItemRecord {
            name: "违反村规民约".into(),
            max_tenths: 100,
            deduction: true,
        }],
    });
    let rules = aixin_kiosk::rulebook::Rules::from_record(&record).unwrap();
    kiosk
        .points_op(PointsOperation::ChangeRules { rules })
        .unwrap();
}

/// Imports `text` as `month`'s sheet and has the leading group approve it.
fn post_sheet(kiosk: &mut Kiosk, month: &str, text: &str) {
    let sheet = scoresheet::parse(kiosk.ledger.state(), &period(month), text).unwrap();
    kiosk
        .points_op(PointsOperation::PostScores { sheet })
        .unwrap();
    let leader = kiosk.leader();
    kiosk.approve_scores(month, &leader).unwrap();
}

/// The board on a village-local day.
fn board_on(kiosk: &Kiosk, year: i32, month: u32, day: u32) -> aixin_kiosk::board::Board {
    let today = aixin_kiosk::calendar::LocalDate { year, month, day };
    aixin_kiosk::board::board(kiosk.ledger.state(), today)
}

/// A board list as (rank, household, net points).
fn ranks(list: &aixin_kiosk::board::BoardList) -> Vec<(usize, String, String)> {
    list.lines
        .iter()
        .map(|line| {
            (
                line.rank,
                line.household.to_string(),
                line.earned.to_fixed(),
            )
        })
        .collect()
}

fn ranked(lines: &[(usize, &str, &str)]) -> Vec<(usize, String, String)> {
    lines
        .iter()
        .map(|(rank, household, net)| (*rank, household.to_string(), net.to_string()))
        .collect()
}

const DEDUCTION_HEADER: &str =
    "户号,人居环境,先锋模范,学生就学,创业就业,团结友爱,违反村规民约,总分\n";

#[test]
fn issue20_违反村规民约_a_deduction_cell_is_0_to_minus_its_limit_and_a_positive_one_is_refused_at_its_row_and_column(
) {
    let mut kiosk = village(2);
    with_deduction(&mut kiosk);
    let template = scoresheet::template(&kiosk.ledger.state().rules);
    assert!(
        template.contains(",违反村规民约,总分"),
        "the template has the deduction's column: {template}"
    );
    let bad = format!("{DEDUCTION_HEADER}H01,50,20,10,10,5,5,95\nH02,45,20,10,10,10,-11,84\n");
    let errors = match scoresheet::parse(kiosk.ledger.state(), &period("2026-07"), &bad) {
        Ok(sheet) => panic!("accepted: {sheet:?}"),
        Err(errors) => errors,
    };
    let places: Vec<(usize, Option<String>, &str)> = errors
        .errors
        .iter()
        .map(|e| (e.line, e.column.clone(), e.code()))
        .collect();
    assert_eq!(
        places,
        vec![
            (2, Some("违反村规民约".into()), "IMPORT_BAD_SCORE"),
            (3, Some("违反村规民约".into()), "IMPORT_BAD_SCORE"),
        ]
    );
    let (zh, en) = (errors.errors[0].message_zh(), errors.errors[0].message_en());
    assert!(
        zh.contains("第 2 行")
            && zh.contains("违反村规民约")
            && zh.contains("扣分项只能填 0 或负数"),
        "{zh}"
    );
    assert!(
        en.contains("Row 2")
            && en.contains("违反村规民约")
            && en.contains("a deduction is 0 or negative"),
        "{en}"
    );
    assert!(errors.errors[1]
        .message_zh()
        .contains("扣分超过这一项的上限"));
    // The total is the score after deductions: 95 with −5 taken off is 90.
    let not_net = format!("{DEDUCTION_HEADER}H01,50,20,10,10,5,-5,95\n");
    assert_eq!(
        sheet_errors(&kiosk, "2026-07", &not_net),
        vec![(2, Some("总分".into()), "IMPORT_SCORES_DO_NOT_ADD_UP")]
    );
    // A sheet without the deduction's column takes nothing off, as before.
    let old = "户号,总分\nH01,95\nH02,95\n";
    let sheet = scoresheet::parse(kiosk.ledger.state(), &period("2026-07"), old).unwrap();
    assert_eq!(sheet.rows[0].score.to_string(), "95");
    let good = format!("{DEDUCTION_HEADER}H01,50,20,10,10,5,－5,90\nH02,45,20,10,10,10,,95\n");
    let sheet = scoresheet::parse(kiosk.ledger.state(), &period("2026-07"), &good).unwrap();
    let scores: Vec<String> = sheet.rows.iter().map(|r| r.score.to_string()).collect();
    assert_eq!(scores, vec!["90", "95"], "an empty deduction cell is 0");
    // Without a total the score is the items less the deductions, never below 0.
    let lowest =
        "户号,人居环境,先锋模范,学生就学,创业就业,团结友爱,违反村规民约\nH01,5,0,0,0,0,-10\n";
    let sheet = scoresheet::parse(kiosk.ledger.state(), &period("2026-07"), lowest).unwrap();
    assert_eq!(sheet.rows[0].score.to_string(), "0");
}

#[test]
fn issue20_a_sheet_with_a_deduction_applied_lowers_the_balance_and_the_stars() {
    let mut kiosk = village(2);
    with_deduction(&mut kiosk);
    // Both score 95 before the deduction; H01 broke the village rules (−5):
    // 90 earns 3 points, not 5.
    let sheet = format!("{DEDUCTION_HEADER}H01,50,20,10,10,5,-5,90\nH02,45,20,10,10,10,0,95\n");
    post_sheet(&mut kiosk, "2026-07", &sheet);
    kiosk.apply_scores_after("2026-07", 5).unwrap();
    assert_eq!(kiosk.balance("H01").to_fixed(), "3.00");
    assert_eq!(kiosk.balance("H02").to_fixed(), "5.00");
    let posting = &kiosk.ledger.state().postings[&period("2026-07")];
    assert_eq!(posting.scores[&code("H01")].to_string(), "90");
    let board = board_on(&kiosk, 2026, 10, 15);
    assert_eq!(board.stars.period, "2026-Q3");
    assert_eq!(
        ranks(&board.stars),
        ranked(&[(1, "H02", "5.00"), (2, "H01", "3.00")]),
        "without the deduction they would share first place"
    );
    // The journal reopens to the same balances and the same board.
    kiosk.reopen().unwrap();
    assert_eq!(
        ranks(&board_on(&kiosk, 2026, 10, 15).stars),
        ranked(&[(1, "H02", "5.00"), (2, "H01", "3.00")])
    );
}

#[test]
fn issue20_a_correction_changes_the_rank_of_the_stars_and_the_advanced_households_and_a_split_does_not(
) {
    let mut kiosk = Kiosk::new();
    for household in ["A001", "B002", "C003"] {
        kiosk.register(household, "王五");
    }
    kiosk.credit("A001", "9", "2026-07").unwrap();
    kiosk.credit("B002", "8", "2026-07").unwrap();
    kiosk.credit("C003", "2", "2026-07").unwrap();
    let before = board_on(&kiosk, 2026, 10, 15);
    assert_eq!(
        ranks(&before.stars),
        ranked(&[
            (1, "A001", "9.00"),
            (2, "B002", "8.00"),
            (3, "C003", "2.00")
        ])
    );
    // The kiosk's today is in September 2026, the third quarter: a
    // correction of A001's credit by −2 counts in it.
    let credit_seq =
        kiosk.ledger.state().credits[&(code("A001"), period("2026-07"), text("evaluation"))].0;
    let correct = |kiosk: &mut Kiosk, household: &str, amount: &str, refers_to_seq| {
        let request = kiosk.next_request();
        let operation = Operation::Correct {
            household: code(household),
            amount: points(amount),
            refers_to_seq,
            reason: text("核实后更正"),
            request,
        };
        kiosk.run(&staff(), operation).unwrap();
    };
    correct(&mut kiosk, "A001", "-2", Some(credit_seq));
    // B002 splits off a new household with 3 of its points: a transfer, not
    // merit, so B002 keeps its place and the new household is not a star.
    let request = kiosk.next_request();
    let operation = aixin_kiosk::ledger::members::MemberOperation::Split {
        from: code("B002"),
        household: code("D004"),
        name: text("王小明"),
        group: text("第一组"),
        kind: aixin_kiosk::entry::HouseholdKind::Family,
        amount: points("3"),
        members: Vec::new(),
        reason: text("儿子成家分户"),
    };
    kiosk
        .run(&staff(), Operation::Members { operation, request })
        .unwrap();
    assert_eq!(kiosk.balance("B002").to_fixed(), "5.00");
    let after = board_on(&kiosk, 2026, 10, 15);
    assert_eq!(
        ranks(&after.stars),
        ranked(&[
            (1, "B002", "8.00"),
            (2, "A001", "7.00"),
            (3, "C003", "2.00")
        ]),
        "the correction moves A001 below B002"
    );
    // A correction made in November counts in the fourth quarter, not in
    // the third's stars, and in the year.
    kiosk.pass_days(50);
    correct(&mut kiosk, "C003", "10", None);
    assert_eq!(
        ranks(&board_on(&kiosk, 2026, 12, 1).stars),
        ranks(&after.stars),
        "the third quarter's stars stay as they were"
    );
    assert_eq!(
        ranks(&board_on(&kiosk, 2027, 1, 15).advanced),
        ranked(&[
            (1, "C003", "12.00"),
            (2, "B002", "8.00"),
            (3, "A001", "7.00")
        ]),
        "the year's advanced households rank by net points"
    );
}
