//! The two-person rule (双人核对): large credits and corrections, old voids,
//! imports that move points, and large splits and merges need a second
//! staff member's PIN; without it `SECOND_STAFF_REQUIRED` and nothing
//! changes; with it every entry names both.

mod common;

use aixin_kiosk::entry::{Actor, Body, Role};
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::StaffId;
use aixin_kiosk::ledger::{Auth, Operation, Outcome};
use aixin_kiosk::settings::Setting;
use common::*;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// One file of the whole journal's export, as text.
fn exported(kiosk: &Kiosk, file: &str) -> String {
    let records = kiosk.stored_records();
    let batch = aixin_kiosk::export::export(
        kiosk.ledger.state(),
        &records,
        aixin_kiosk::export::ExportRange::Everything,
        kiosk.now,
    )
    .unwrap();
    String::from_utf8(batch.file(file).unwrap().to_vec()).unwrap()
}

/// A kiosk with household A001 (no points yet) and a second staff member,
/// the clerk `clerk2` (PIN 2222).
fn village() -> Kiosk {
    let mut kiosk = Kiosk::new();
    kiosk.register("A001", "王建国");
    kiosk.set_pin("A001", "1234");
    kiosk.add_staff("clerk2", Role::Clerk, "2222");
    kiosk
}

/// The same village with 40 points for A001 and salt (2.50 a bag, 10 in
/// stock) on the shelf.
fn village_with_salt() -> Kiosk {
    let mut kiosk = village();
    kiosk.credit("A001", "40", "2026-09").unwrap();
    kiosk.add_item("salt-500g", "食盐 500g", "2.50");
    kiosk.restock(&[("salt-500g", 10)]);
    kiosk
}

/// `operation` confirmed by the village's second staff member, `clerk2`.
fn confirmed(operation: Operation) -> Operation {
    co_signed(operation, "clerk2", "2222")
}

#[test]
fn a_100_point_credit_alone_is_refused_and_with_a_second_staff_member_names_both() {
    let mut kiosk = village();
    let seq = kiosk.ledger.state().seq;
    let refused = kiosk.run(&staff(), credit("A001", "100", "2026-09"));
    assert_eq!(
        refused,
        Err(Error::SecondStaffRequired {
            reason: "credit_over_day_limit"
        })
    );
    let error = refused.unwrap_err();
    assert!(error.message_zh().contains("第二位工作人员"));
    assert!(error.message_en().contains("second staff member"));
    assert_eq!(kiosk.ledger.state().seq, seq, "nothing appended");
    assert_eq!(kiosk.balance("A001"), points("0"));

    kiosk
        .run(&staff(), confirmed(credit("A001", "100", "2026-09")))
        .unwrap();
    assert_eq!(kiosk.balance("A001"), points("100"));
    let entry = kiosk.last_entry();
    assert_eq!(
        entry.actor,
        Actor::Staff {
            staff: StaffId::new("admin").unwrap()
        }
    );
    assert_eq!(entry.co_signed_by, Some(StaffId::new("clerk2").unwrap()));
    assert!(String::from_utf8(entry.encode())
        .unwrap()
        .ends_with(r#","co_signed_by":"clerk2"}"#));
    // The journal reopens with the co-signer in the entry.
    kiosk.reopen().unwrap();
    assert_eq!(kiosk.balance("A001"), points("100"));
}

#[test]
fn fifty_points_a_day_pass_alone_and_the_day_sum_counts_corrections_by_their_size() {
    let mut kiosk = village();
    kiosk
        .run(&staff(), credit("A001", "30", "2026-09"))
        .unwrap();
    kiosk
        .run(&staff(), credit("A001", "20", "2026-10"))
        .unwrap();
    assert_eq!(kiosk.last_entry().co_signed_by, None, "exactly 50: alone");
    // A correction of −0.01 takes the day's moves to 50.01.
    let request = kiosk.next_request();
    let correction = Operation::Correct {
        household: code("A001"),
        amount: points("-0.01"),
        refers_to_seq: None,
        reason: text("多记了"),
        request,
    };
    assert_eq!(
        kiosk.run(&staff(), correction.clone()),
        Err(Error::SecondStaffRequired {
            reason: "credit_over_day_limit"
        })
    );
    kiosk.run(&staff(), confirmed(correction)).unwrap();
    assert_eq!(kiosk.balance("A001"), points("49.99"));
    // The next village day starts again from nothing (a day without an
    // entry is a clock jump the admin confirms: `pass_days`).
    kiosk.pass_days(1);
    kiosk
        .run(&staff(), credit("A001", "50", "2026-11"))
        .unwrap();
    assert_eq!(kiosk.balance("A001"), points("99.99"));
}

#[test]
fn a_co_sign_is_another_active_staff_member_with_the_right_pin_counted_like_a_sign_in() {
    let mut kiosk = village();
    kiosk.add_staff("audit", Role::Auditor, "3333");
    let seq = kiosk.ledger.state().seq;
    // The one acting cannot confirm themself.
    let own = kiosk.run(
        &staff(),
        co_signed(credit("A001", "100", "2026-09"), "admin", "0000"),
    );
    assert!(
        matches!(&own, Err(Error::InvalidInput { field, .. }) if field == "coSign"),
        "{own:?}"
    );
    // An auditor changes nothing, so confirms nothing; an unknown id neither.
    for (who, pin) in [("audit", "3333"), ("nobody", "2222")] {
        let refused = kiosk.run(
            &staff(),
            co_signed(credit("A001", "100", "2026-09"), who, pin),
        );
        assert!(
            matches!(&refused, Err(Error::InvalidInput { field, .. }) if field == "coSign"),
            "{who}: {refused:?}"
        );
    }
    // A wrong PIN counts against the co-signer, and five lock them out.
    for attempt in 1..5u32 {
        let wrong = kiosk.run(
            &staff(),
            co_signed(credit("A001", "100", "2026-09"), "clerk2", "9999"),
        );
        assert_eq!(
            wrong,
            Err(Error::WrongPin {
                attempts_left: 5 - attempt
            })
        );
    }
    let locked = kiosk.run(
        &staff(),
        co_signed(credit("A001", "100", "2026-09"), "clerk2", "9999"),
    );
    assert!(matches!(locked, Err(Error::LockedOut { .. })), "{locked:?}");
    let still = kiosk.run(&staff(), confirmed(credit("A001", "100", "2026-09")));
    assert!(matches!(still, Err(Error::LockedOut { .. })), "{still:?}");
    // Their own sign-in is locked too: it is the same counter.
    let sign_in = kiosk.run(
        &Auth::System,
        Operation::StaffSignIn {
            staff: StaffId::new("clerk2").unwrap(),
            pin: "2222".into(),
            session: session("s-clerk2"),
        },
    );
    assert!(
        matches!(sign_in, Err(Error::LockedOut { .. })),
        "{sign_in:?}"
    );
    assert_eq!(kiosk.ledger.state().seq, seq, "nothing appended");
    assert_eq!(kiosk.balance("A001"), points("0"));
}

#[test]
fn a_void_older_than_a_day_needs_a_second_staff_member() {
    let mut kiosk = village_with_salt();
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let receipts: Vec<u64> = (0..2)
        .map(|_| kiosk.receipt(&session, &[("salt-500g", 1)]).seq)
        .collect();
    // Within a day: alone.
    let first = kiosk.void(receipts[0]);
    kiosk.run(&staff(), first).unwrap();
    kiosk.now += DAY_MS + 1;
    let second = kiosk.void(receipts[1]);
    assert_eq!(
        kiosk.run(&staff(), second.clone()),
        Err(Error::SecondStaffRequired { reason: "old_void" })
    );
    assert_eq!(kiosk.balance("A001"), points("37.50"));
    kiosk.run(&staff(), confirmed(second)).unwrap();
    assert_eq!(kiosk.balance("A001"), points("40"));
    assert_eq!(
        kiosk.last_entry().co_signed_by,
        Some(StaffId::new("clerk2").unwrap())
    );
}

/// 内部人员: the clock set back two days does not make a redemption of two
/// days ago voidable alone, nor does it open yesterday's allowance again.
#[test]
fn a_clock_set_back_does_not_make_an_old_void_young_or_reopen_a_day() {
    let mut kiosk = village_with_salt();
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let receipt = kiosk.receipt(&session, &[("salt-500g", 1)]);
    kiosk.pass_days(2);
    kiosk.credit("A001", "50", "2026-10").unwrap();
    kiosk.now -= 2 * DAY_MS;
    let void = kiosk.void(receipt.seq);
    assert_eq!(
        kiosk.run(&staff(), void),
        Err(Error::SecondStaffRequired { reason: "old_void" })
    );
    assert_eq!(
        kiosk.run(&staff(), credit("A001", "10", "2026-11")),
        Err(Error::SecondStaffRequired {
            reason: "credit_over_day_limit"
        })
    );
    assert_eq!(kiosk.balance("A001"), points("87.50"));
}

#[test]
fn a_split_moving_more_than_fifty_points_needs_a_second_staff_member() {
    let mut kiosk = village();
    kiosk.credit("A001", "200", "2026-09").unwrap();
    kiosk.now += DAY_MS;
    let split = |kiosk: &mut Kiosk, new: &str, amount: &str| {
        let request = kiosk.next_request();
        Operation::Members {
            operation: aixin_kiosk::ledger::members::MemberOperation::Split {
                from: code("A001"),
                household: code(new),
                name: text("王小明"),
                group: text("第一组"),
                kind: aixin_kiosk::entry::HouseholdKind::Family,
                amount: points(amount),
                members: Vec::new(),
                reason: text("儿子成家分户"),
            },
            request,
        }
    };
    let small = split(&mut kiosk, "A002", "50");
    kiosk.run(&staff(), small).unwrap();
    let large = split(&mut kiosk, "A003", "60");
    assert_eq!(
        kiosk.run(&staff(), large.clone()),
        Err(Error::SecondStaffRequired { reason: "transfer" })
    );
    assert!(kiosk.ledger.state().household(&code("A003")).is_none());
    kiosk.run(&staff(), confirmed(large)).unwrap();
    assert_eq!(kiosk.balance("A003"), points("60"));
    assert_eq!(kiosk.balance("A001"), points("90"));
}

#[test]
fn turning_the_rule_off_is_an_entry_and_then_one_staff_member_may_credit_alone() {
    let mut kiosk = village();
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::ChangeSetting {
                setting: Setting::TwoPersonRule(false),
                request,
            },
        )
        .unwrap();
    let entry = kiosk.last_entry();
    assert!(
        matches!(
            entry.body,
            Body::SettingChanged {
                setting: Setting::TwoPersonRule(false)
            }
        ),
        "{entry:?}"
    );
    assert!(String::from_utf8(entry.encode())
        .unwrap()
        .contains(r#"{"key":"two_person_rule","value":"off"}"#));
    assert!(!kiosk.ledger.state().settings.two_person_rule);
    kiosk
        .run(&staff(), credit("A001", "100", "2026-09"))
        .unwrap();
    assert_eq!(kiosk.balance("A001"), points("100"));
    // Off survives a reopen (it is in the journal, not a preference).
    kiosk.reopen().unwrap();
    assert!(!kiosk.ledger.state().settings.two_person_rule);
    // A co-sign given anyway is still checked and recorded.
    kiosk
        .run(&staff(), confirmed(credit("A001", "100", "2026-10")))
        .unwrap();
    assert_eq!(
        kiosk.last_entry().co_signed_by,
        Some(StaffId::new("clerk2").unwrap())
    );
}

#[test]
fn a_repeated_credit_needs_no_co_sign_and_appends_nothing() {
    let mut kiosk = village();
    kiosk
        .run(&staff(), confirmed(credit("A001", "100", "2026-09")))
        .unwrap();
    let seq = kiosk.ledger.state().seq;
    let again = kiosk
        .run(&staff(), credit("A001", "100", "2026-09"))
        .unwrap();
    assert!(
        matches!(again, Outcome::Done { repeated: true, .. }),
        "{again:?}"
    );
    assert_eq!(kiosk.ledger.state().seq, seq);
}

/// The seed's insider: a shopkeeper sets a household's PIN, signs in as it
/// and redeems. The receipt and the export name the staff member who set
/// the PIN for 24 hours after; a checkpoint keeps the mark.
#[test]
fn a_redemption_within_a_day_of_a_staff_pin_reset_is_marked_with_their_name() {
    let mut kiosk = village();
    kiosk.add_staff("shop", Role::Shopkeeper, "3333");
    kiosk.credit("A001", "40", "2026-09").unwrap();
    kiosk.add_item("salt-500g", "食盐 500g", "2.50");
    kiosk.restock(&[("salt-500g", 10)]);
    let request = kiosk.next_request();
    kiosk
        .run(
            &Auth::Staff(StaffId::new("shop").unwrap()),
            Operation::SetPin {
                household: code("A001"),
                pin: aixin_kiosk::credential::Pin::new("4321").unwrap(),
                salt: [6; 16],
                request,
            },
        )
        .unwrap();
    let redeem = |kiosk: &mut Kiosk| {
        let session = kiosk.sign_in("A001", "4321").unwrap();
        kiosk.receipt(&session, &[("salt-500g", 1)])
    };
    let marked = redeem(&mut kiosk);
    assert_eq!(marked.pin_reset_by, Some(StaffId::new("shop").unwrap()));
    // Through a checkpoint the mark stays on the redemption and the reset
    // still marks the next one.
    // Formats 7 and 6 hold the mark in the redemption, format 5 in a list
    // after the clock: each gives it back.
    use aixin_kiosk::checkpoint::{self, Format};
    for format in [Format::V7, Format::V6, Format::V5] {
        let bytes = checkpoint::encode_in(kiosk.ledger.state(), format);
        let decoded = checkpoint::decode(&bytes).unwrap();
        checkpoint::prove(&decoded.claim, kiosk.ledger.state()).unwrap();
        let decoded = decoded.state;
        assert_eq!(
            decoded.redemptions[&marked.seq].pin_reset_by,
            Some(StaffId::new("shop").unwrap()),
            "{format:?}"
        );
        assert_eq!(decoded.pin_resets, kiosk.ledger.state().pin_resets);
    }
    // A clock set back an hour does not take the mark off (the day is
    // measured on the ledger's clock, which never goes back).
    kiosk.now -= 60 * 60 * 1000;
    let back = redeem(&mut kiosk);
    assert_eq!(back.pin_reset_by, Some(StaffId::new("shop").unwrap()));
    // A day on (a day without an entry is a jump the admin confirms).
    kiosk.set_clock(kiosk.now + 26 * 60 * 60 * 1000);
    let later = redeem(&mut kiosk);
    assert_eq!(
        later.pin_reset_by, None,
        "a day later the PIN is the household's own"
    );

    let csv = exported(&kiosk, "redemptions.csv");
    let rows: Vec<&str> = csv.trim_start_matches('\u{FEFF}').split("\r\n").collect();
    assert!(
        rows[0].ends_with(",操作员,领取人,复核人,密码重置"),
        "{}",
        rows[0]
    );
    assert!(rows[1].ends_with(",自助,,,shop"), "{}", rows[1]);
    assert!(rows[2].ends_with(",自助,,,shop"), "{}", rows[2]);
    assert!(rows[3].ends_with(",自助,,,"), "{}", rows[3]);
}

/// Both CSVs name the second staff member who confirmed.
#[test]
fn the_ledger_csv_names_the_confirming_staff_member() {
    let mut kiosk = village();
    kiosk
        .run(&staff(), confirmed(credit("A001", "100", "2026-09")))
        .unwrap();
    let csv = exported(&kiosk, "ledger.csv");
    let last = csv.trim_end().rsplit("\r\n").next().unwrap();
    assert!(last.contains(",积分入账,credited,A001,"), "{last}");
    assert!(
        last.ends_with(",admin,\"期间 2026-09,来源 evaluation\",clerk2"),
        "{last}"
    );
}
