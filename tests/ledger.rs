//! The ledger's rules, data-driven: every refusal with its code and figures,
//! idempotency, sessions and lockout, and the one-plan-at-a-time protocol.

mod common;

use aixin_kiosk::error::{Error, Figure};
use aixin_kiosk::ids::Text;
use aixin_kiosk::ledger::{Auth, Operation, Outcome};
use aixin_kiosk::state::HouseholdStatus;
use common::*;

/// Signs A001 in and redeems `lines`; returns the refusal's code and figures.
fn check_redeem(
    setup: impl FnOnce(&mut Kiosk),
    lines: &[(&str, i64)],
    expected: Result<&str, (&str, Vec<(&str, Figure)>)>,
) {
    let mut kiosk = Kiosk::with_village();
    let session = kiosk.sign_in("A001", "1234").unwrap();
    setup(&mut kiosk);
    let before = kiosk.ledger.state().state_hash();
    let request = kiosk.next_request();
    let result = kiosk.redeem(&session, lines, request);
    match (result, expected) {
        (Ok(Outcome::Receipt(receipt)), Ok(total)) => assert_eq!(receipt.total.to_fixed(), total),
        (Err(error), Err((code, figures))) => {
            assert_eq!(error.code(), code, "{error:?}");
            assert_eq!(error.figures(), figures);
            assert!(!error.message_zh().is_empty() && !error.message_en().is_empty());
            assert_eq!(
                kiosk.ledger.state().state_hash(),
                before,
                "a refusal changes nothing"
            );
        }
        (result, expected) => panic!("got {result:?}, expected {expected:?}"),
    }
}

fn t(value: &str) -> Figure {
    Figure::Text(value.to_string())
}

#[test]
fn redemption_refusals_carry_their_code_and_figures() {
    let nothing = |_: &mut Kiosk| {};
    check_redeem(nothing, &[("salt-500g", 2)], Ok("5.00"));
    check_redeem(
        nothing,
        &[("salt-500g", 2), ("oil-5l", 1)],
        Err((
            "INSUFFICIENT_POINTS",
            vec![("needed", t("74.00")), ("available", t("20.00"))],
        )),
    );
    check_redeem(
        nothing,
        &[("salt-500g", 11)],
        Err((
            "OUT_OF_STOCK",
            vec![
                ("sku", t("salt-500g")),
                ("needed", Figure::Number(11)),
                ("available", Figure::Number(10)),
            ],
        )),
    );
    check_redeem(
        nothing,
        &[("soap", 1)],
        Err((
            "OUT_OF_STOCK",
            vec![
                ("sku", t("soap")),
                ("needed", Figure::Number(1)),
                ("available", Figure::Number(0)),
            ],
        )),
    );
    check_redeem(
        nothing,
        &[("rice", 1)],
        Err(("UNKNOWN_ITEM", vec![("sku", t("rice"))])),
    );
    check_redeem(
        nothing,
        &[("bad sku!", 1)],
        Err(("UNKNOWN_ITEM", vec![("sku", t("bad sku!"))])),
    );
    check_redeem(
        nothing,
        &[("salt-500g", 0)],
        Err((
            "BAD_QUANTITY",
            vec![("sku", t("salt-500g")), ("quantity", Figure::Number(0))],
        )),
    );
    check_redeem(
        nothing,
        &[("salt-500g", 100)],
        Err((
            "BAD_QUANTITY",
            vec![("sku", t("salt-500g")), ("quantity", Figure::Number(100))],
        )),
    );
    check_redeem(
        nothing,
        &[("salt-500g", -1)],
        Err((
            "BAD_QUANTITY",
            vec![("sku", t("salt-500g")), ("quantity", Figure::Number(-1))],
        )),
    );
    check_redeem(
        nothing,
        &[("salt-500g", 1), ("salt-500g", 1)],
        Err((
            "BAD_QUANTITY",
            vec![("sku", t("salt-500g")), ("quantity", Figure::Number(1))],
        )),
    );
    check_redeem(nothing, &[], Err(("EMPTY_BASKET", vec![])));
    let many: Vec<(&str, i64)> = (0..51).map(|_| ("salt-500g", 1)).collect();
    check_redeem(
        nothing,
        &many,
        Err(("TOO_MANY_LINES", vec![("limit", Figure::Number(50))])),
    );
    let deactivate = |kiosk: &mut Kiosk| {
        let request = kiosk.next_request();
        kiosk
            .run(
                &staff(),
                Operation::SetItemActive {
                    sku: sku("salt-500g"),
                    active: false,
                    request,
                },
            )
            .unwrap();
    };
    check_redeem(
        deactivate,
        &[("salt-500g", 1)],
        Err(("INACTIVE_ITEM", vec![("sku", t("salt-500g"))])),
    );
    let suspend = |kiosk: &mut Kiosk| {
        let request = kiosk.next_request();
        kiosk
            .run(
                &staff(),
                Operation::SetHouseholdStatus {
                    household: code("A001"),
                    status: HouseholdStatus::Suspended,
                    reason: text("核查"),
                    request,
                },
            )
            .unwrap();
    };
    check_redeem(
        suspend,
        &[("salt-500g", 1)],
        Err(("SUSPENDED", vec![("household", t("A001"))])),
    );
    let negative = |kiosk: &mut Kiosk| {
        let request = kiosk.next_request();
        kiosk
            .run(
                &staff(),
                Operation::Correct {
                    household: code("A001"),
                    amount: points("-25"),
                    refers_to_seq: None,
                    reason: text("重复发放"),
                    request,
                },
            )
            .unwrap();
    };
    check_redeem(
        negative,
        &[("salt-500g", 1)],
        Err(("NEGATIVE_BALANCE", vec![("balance", t("-5.00"))])),
    );
    let expire = |kiosk: &mut Kiosk| kiosk.now += 181_000;
    check_redeem(
        expire,
        &[("salt-500g", 1)],
        Err(("SESSION_EXPIRED", vec![])),
    );
}

#[test]
fn a_redemption_moves_points_and_stock_and_answers_a_receipt() {
    let mut kiosk = Kiosk::with_village();
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let request = request("basket-1");
    let Outcome::Receipt(receipt) = kiosk
        .redeem(&session, &[("salt-500g", 3)], request.clone())
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(receipt.total, points("7.5"));
    assert_eq!(receipt.balance_after, points("12.5"));
    assert_eq!(
        receipt.receipt_number,
        format!("{KIOSK}-{:06}", receipt.seq)
    );
    // A check code of 48 bits.
    assert_eq!(receipt.short_hash.len(), 12);
    assert_eq!(receipt.short_hash, hex::encode(kiosk.ledger.head())[..12]);
    assert_eq!(receipt.lines[0].name_zh, "食盐 500g");
    assert!(!receipt.repeated);
    assert_eq!(kiosk.balance("A001"), points("12.5"));
    assert_eq!(kiosk.stock("salt-500g"), 7);

    // The same request id again: the first receipt, nothing appended.
    let seq = kiosk.ledger.state().seq;
    let writes = kiosk.store.writes;
    let Outcome::Receipt(again) = kiosk
        .redeem(&session, &[("salt-500g", 3)], request)
        .unwrap()
    else {
        panic!()
    };
    assert!(again.repeated);
    assert_eq!(
        Outcome::Receipt(again.clone()),
        Outcome::Receipt(aixin_kiosk::ledger::Receipt {
            repeated: true,
            ..receipt
        })
    );
    assert_eq!(kiosk.ledger.state().seq, seq);
    assert_eq!(kiosk.store.writes, writes);
    assert_eq!(kiosk.balance("A001"), points("12.5"));
}

#[test]
fn a_second_prepare_while_one_is_pending_is_busy() {
    let mut kiosk = Kiosk::with_village();
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let first = kiosk
        .ledger
        .prepare(
            &Auth::System,
            Operation::Redeem {
                session: session.clone(),
                lines: basket(&[("salt-500g", 5)]),
                request: request("tap-1"),
            },
            kiosk.now,
        )
        .unwrap();
    let second = kiosk.ledger.prepare(
        &Auth::System,
        Operation::Redeem {
            session: session.clone(),
            lines: basket(&[("salt-500g", 5)]),
            request: request("tap-2"),
        },
        kiosk.now,
    );
    assert_eq!(second.unwrap_err(), Error::Busy);
    kiosk
        .store
        .write(first.journal_records(), first.credential_records())
        .unwrap();
    kiosk.ledger.commit(first).unwrap();
    // Now the second tap sees the new state: 5 more salt would be 12.5 points, 7.5 are left.
    let error = kiosk
        .redeem(&session, &[("salt-500g", 5)], request("tap-2"))
        .unwrap_err();
    assert_eq!(error.code(), "INSUFFICIENT_POINTS");
}

#[test]
fn a_failed_write_changes_nothing() {
    let mut kiosk = Kiosk::with_village();
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let before = kiosk.ledger.state().state_hash();
    kiosk.store.fail_write = Some(kiosk.store.writes + 1);
    let error = kiosk
        .redeem(&session, &[("salt-500g", 1)], request("full-1"))
        .unwrap_err();
    assert_eq!(error, Error::StorageFull);
    assert_eq!(kiosk.ledger.state().state_hash(), before);
    assert!(!kiosk.ledger.is_pending());
    // The retry with the same request id succeeds once.
    assert!(
        matches!(kiosk.redeem(&session, &[("salt-500g", 1)], request("full-1")), Ok(Outcome::Receipt(r)) if !r.repeated)
    );
}

#[test]
fn five_wrong_pins_lock_for_five_minutes_even_if_the_clock_goes_back() {
    let mut kiosk = Kiosk::with_village();
    for attempts_left in (1..=4).rev() {
        assert_eq!(
            kiosk.sign_in("A001", "0000").unwrap_err(),
            Error::WrongPin { attempts_left }
        );
    }
    let locked = kiosk.sign_in("A001", "0000").unwrap_err();
    let Error::LockedOut { locked_until_ms } = locked else {
        panic!("{locked:?}")
    };
    assert_eq!(locked_until_ms, kiosk.now + 5 * 60 * 1000);
    // The right PIN is refused while locked, and survives a reopen.
    assert_eq!(
        kiosk.sign_in("A001", "1234").unwrap_err(),
        Error::LockedOut { locked_until_ms }
    );
    kiosk.reopen().unwrap();
    assert_eq!(
        kiosk.sign_in("A001", "1234").unwrap_err(),
        Error::LockedOut { locked_until_ms }
    );
    // Moving the clock back an hour does not shorten it.
    kiosk.now -= 3_600_000;
    assert_eq!(
        kiosk.sign_in("A001", "1234").unwrap_err(),
        Error::LockedOut { locked_until_ms }
    );
    kiosk.now = locked_until_ms;
    assert!(kiosk.sign_in("A001", "1234").is_ok());
    // Other households are not affected.
    assert!(kiosk.sign_in("B002", "5678").is_ok());
}

#[test]
fn staff_can_unlock_a_locked_household() {
    let mut kiosk = Kiosk::with_village();
    for _ in 0..5 {
        kiosk.sign_in("A001", "9999").unwrap_err();
    }
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::Unlock {
                household: code("A001"),
                request,
            },
        )
        .unwrap();
    assert!(kiosk.sign_in("A001", "1234").is_ok());
}

#[test]
fn sign_in_refusals() {
    let mut kiosk = Kiosk::with_village();
    assert_eq!(
        kiosk.sign_in("Z999", "1234").unwrap_err().code(),
        "UNKNOWN_HOUSEHOLD"
    );
    kiosk.register("C003", "张国庆");
    assert_eq!(kiosk.sign_in("C003", "1234").unwrap_err().code(), "NO_PIN");
    assert_eq!(
        kiosk.sign_in("A001", "12").unwrap_err(),
        Error::WrongPin { attempts_left: 4 }
    );
}

#[test]
fn crediting_the_same_key_twice_credits_once() {
    let mut kiosk = Kiosk::with_village();
    let seq = kiosk.ledger.state().seq;
    let outcome = kiosk.credit("A001", "20", "2026-08").unwrap();
    assert!(matches!(outcome, Outcome::Done { repeated: true, .. }));
    assert_eq!(kiosk.ledger.state().seq, seq);
    assert_eq!(kiosk.balance("A001"), points("20"));
    kiosk.credit("A001", "3", "2026-09").unwrap();
    assert_eq!(kiosk.balance("A001"), points("23"));
}

#[test]
fn a_void_restores_points_and_stock_and_keeps_the_original() {
    let mut kiosk = Kiosk::with_village();
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let Outcome::Receipt(receipt) = kiosk
        .redeem(&session, &[("salt-500g", 2)], request("r-1"))
        .unwrap()
    else {
        panic!()
    };
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::Void {
                redemption_seq: receipt.seq,
                reason: text("拿错了"),
                request,
            },
        )
        .unwrap();
    assert_eq!(kiosk.balance("A001"), points("20"));
    assert_eq!(kiosk.stock("salt-500g"), 10);
    assert!(kiosk.ledger.state().redemptions[&receipt.seq].voided);
    let request = kiosk.next_request();
    let again = kiosk.run(
        &staff(),
        Operation::Void {
            redemption_seq: receipt.seq,
            reason: text("拿错了"),
            request,
        },
    );
    assert_eq!(again.unwrap_err().code(), "ALREADY_VOIDED");
}

#[test]
fn staff_work_needs_staff_and_the_system_works_only_on_empty_kiosks() {
    let mut kiosk = Kiosk::with_village();
    assert_eq!(
        kiosk.run(&staff(), Operation::LoadDemo).unwrap_err(),
        Error::StaffAuthRequired
    );
    assert_eq!(
        kiosk.run(&Auth::System, Operation::LoadDemo).unwrap_err(),
        Error::NotEmpty
    );
}

#[test]
fn the_demo_village_loads_into_an_empty_kiosk() {
    let mut kiosk = Kiosk::bare();
    let outcome = kiosk.run(&Auth::System, Operation::LoadDemo).unwrap();
    assert!(matches!(outcome, Outcome::Done { ref seqs, .. } if seqs.len() > 100));
    let state = kiosk.ledger.state();
    assert_eq!(state.households.len(), 30);
    assert_eq!(state.items.len(), 40);
    assert_eq!(state.redemptions.len(), 3);
    assert_eq!(
        kiosk.balance("A001"),
        points("15")
            .checked_add(points("5"))
            .unwrap()
            .checked_sub(points("13.9"))
            .unwrap()
    );
    // A demo household signs in with its documented PIN at the browser's cost.
    assert!(kiosk.sign_in("A001", "3817").is_ok());
    let before = kiosk.ledger.state().state_hash();
    kiosk.reopen().unwrap();
    assert_eq!(kiosk.ledger.state().state_hash(), before);
}

#[test]
fn limits_are_refused_with_limit_reached() {
    let mut kiosk = Kiosk::with_village();
    let long = "长".repeat(41);
    assert!(Text::new(&long, 40).is_err());
    let request = kiosk.next_request();
    let error = kiosk
        .run(
            &staff(),
            Operation::AdjustStock {
                sku: sku("salt-500g"),
                delta: -11,
                reason: text("损坏"),
                request,
            },
        )
        .unwrap_err();
    assert_eq!(error.code(), "OUT_OF_STOCK");
    let request = kiosk.next_request();
    let error = kiosk
        .run(
            &staff(),
            Operation::AdjustStock {
                sku: sku("salt-500g"),
                delta: 10_001,
                reason: text("盘点"),
                request,
            },
        )
        .unwrap_err();
    assert_eq!(error.code(), "BAD_QUANTITY");
    for _ in 0..9 {
        let request = kiosk.next_request();
        kiosk
            .run(
                &staff(),
                Operation::AdjustStock {
                    sku: sku("salt-500g"),
                    delta: 10_000,
                    reason: text("盘点"),
                    request,
                },
            )
            .unwrap();
    }
    let request = kiosk.next_request();
    let error = kiosk
        .run(
            &staff(),
            Operation::AdjustStock {
                sku: sku("salt-500g"),
                delta: 10_000,
                reason: text("盘点"),
                request,
            },
        )
        .unwrap_err();
    assert_eq!(
        error,
        Error::LimitReached {
            what: "stock",
            limit: 100_000
        }
    );
}

const YEAR_2025_JUNE: i64 = 1_750_000_000_000; // 2025-06-15
const YEAR_2026_FEBRUARY: i64 = 1_770_000_000_000; // 2026-02-02
const YEAR_2027_JANUARY: i64 = 1_800_000_000_000; // 2027-01-15

fn close_year(kiosk: &mut Kiosk, year: i32) -> Result<Outcome, Error> {
    let request = kiosk.next_request();
    kiosk.run(&staff(), Operation::CloseYear { year, request })
}

fn set(kiosk: &mut Kiosk, key: &str, value: &str) {
    let setting = aixin_kiosk::settings::Setting::parse(key, value).unwrap();
    let request = kiosk.next_request();
    kiosk
        .run(&staff(), Operation::ChangeSetting { setting, request })
        .unwrap();
}

#[test]
fn closing_a_year_clears_positive_balances_by_default() {
    let mut kiosk = Kiosk::with_village();
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::Correct {
                household: code("B002"),
                amount: points("-8"),
                refers_to_seq: None,
                reason: text("重复发放"),
                request,
            },
        )
        .unwrap();
    // The points were credited in 2026-09; the close of 2026 is made in 2027.
    kiosk.set_clock(YEAR_2027_JANUARY);
    close_year(&mut kiosk, 2026).unwrap();
    assert_eq!(kiosk.balance("A001"), points("0"));
    assert_eq!(kiosk.balance("B002"), points("-3"), "a debt is not cleared");
    assert_eq!(kiosk.ledger.state().totals.cleared, points("20"));
    kiosk.ledger.state().check_invariants().unwrap();
    assert_eq!(
        close_year(&mut kiosk, 2026).unwrap_err(),
        Error::YearClosed { year: 2026 }
    );
    let not_over = close_year(&mut kiosk, 2027).unwrap_err();
    assert_eq!(not_over.code(), "INVALID_INPUT");
    let history = &kiosk
        .ledger
        .state()
        .household(&code("A001"))
        .unwrap()
        .history;
    assert_eq!(
        history.last().map(|line| (line.kind, line.change)),
        Some(("year_closed", points("-20")))
    );
}

#[test]
fn a_village_that_carries_over_keeps_its_balances() {
    let mut kiosk = Kiosk::with_village();
    set(&mut kiosk, "year_end", "carry");
    kiosk.set_clock(YEAR_2026_FEBRUARY);
    close_year(&mut kiosk, 2025).unwrap();
    assert_eq!(kiosk.balance("A001"), points("20"));
    assert!(kiosk.ledger.state().closed_years.contains_key(&2025));
}

#[test]
fn a_redemption_of_a_closed_year_cannot_be_voided() {
    let mut kiosk = Kiosk::with_village();
    kiosk.now = YEAR_2025_JUNE;
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let Outcome::Receipt(receipt) = kiosk
        .redeem(&session, &[("salt-500g", 1)], request("old-1"))
        .unwrap()
    else {
        panic!()
    };
    kiosk.set_clock(YEAR_2026_FEBRUARY);
    close_year(&mut kiosk, 2025).unwrap();
    let request = kiosk.next_request();
    let refused = kiosk.run(
        &staff(),
        Operation::Void {
            redemption_seq: receipt.seq,
            reason: text("拿错了"),
            request,
        },
    );
    assert_eq!(refused.unwrap_err(), Error::YearClosed { year: 2025 });
    assert_eq!(
        Error::YearClosed { year: 2025 }.message_zh(),
        "2025 年已经结账,不能作废,请用积分调整"
    );
}

#[test]
fn settings_are_journal_entries() {
    let mut kiosk = Kiosk::with_village();
    set(&mut kiosk, "stars_count", "15");
    set(&mut kiosk, "name_display", "surname");
    kiosk.reopen().unwrap();
    let settings = &kiosk.ledger.state().settings;
    assert_eq!(settings.stars_count, 15);
    assert_eq!(
        settings.name_display,
        aixin_kiosk::settings::NameDisplay::Surname
    );
}

fn staff_sign_in(
    kiosk: &mut Kiosk,
    staff: &str,
    pin: &str,
) -> Result<aixin_kiosk::ledger::SessionId, Error> {
    let id = session(&format!("staff-{staff}-{}", kiosk.now));
    let operation = Operation::StaffSignIn {
        staff: aixin_kiosk::ids::StaffId::new(staff).unwrap(),
        pin: pin.into(),
        session: id,
    };
    match kiosk.run(&Auth::System, operation)? {
        Outcome::StaffSignedIn(session) => Ok(session.id),
        other => panic!("staff sign-in answered {other:?}"),
    }
}

#[test]
fn staff_work_runs_on_a_staff_session_with_the_right_role() {
    use aixin_kiosk::entry::Role;
    let mut kiosk = Kiosk::with_village();
    kiosk.add_staff("shop-1", Role::Shopkeeper, "1111");
    kiosk.add_staff("clerk-1", Role::Clerk, "2222");
    let shopkeeper = Auth::StaffSession(staff_sign_in(&mut kiosk, "shop-1", "1111").unwrap());
    let clerk = Auth::StaffSession(staff_sign_in(&mut kiosk, "clerk-1", "2222").unwrap());

    // A shopkeeper restocks; a clerk may not.
    let restock = |kiosk: &mut Kiosk| Operation::Restock {
        donor: text("县供销社"),
        source_type: aixin_kiosk::entry::SourceType::Organisation,
        lines: basket(&[("soap", 5)]),
        declared_value: None,
        request: kiosk.next_request(),
    };
    let operation = restock(&mut kiosk);
    assert_eq!(
        kiosk.run(&clerk, operation).unwrap_err(),
        Error::StaffAuthRequired
    );
    let operation = restock(&mut kiosk);
    kiosk.run(&shopkeeper, operation).unwrap();
    assert_eq!(kiosk.stock("soap"), 5);
    let entry = kiosk.ledger.state().seq;
    let stored = kiosk.store.journal[&entry].clone();
    assert!(
        String::from_utf8_lossy(&stored).contains(r#""actor":{"type":"staff","staff":"shop-1"}"#)
    );

    // A clerk credits points; a shopkeeper may not.
    let credit = || Operation::Credit {
        household: code("B002"),
        amount: points("3"),
        period: aixin_kiosk::ids::Period::new("2026-09").unwrap(),
        source: text("evaluation"),
        reason: None,
    };
    assert_eq!(
        kiosk.run(&shopkeeper, credit()).unwrap_err(),
        Error::StaffAuthRequired
    );
    kiosk.run(&clerk, credit()).unwrap();

    // No session, an unknown one, or an expired one: refused, nothing changes.
    let before = kiosk.ledger.state().state_hash();
    let nobody = Auth::StaffSession(session("no-such-session"));
    let operation = restock(&mut kiosk);
    assert_eq!(
        kiosk.run(&nobody, operation).unwrap_err(),
        Error::StaffAuthRequired
    );
    kiosk.now += 181_000;
    let operation = restock(&mut kiosk);
    assert_eq!(
        kiosk.run(&shopkeeper, operation).unwrap_err(),
        Error::StaffAuthRequired
    );
    assert_eq!(kiosk.ledger.state().state_hash(), before);

    // Once a kiosk has staff, the system cannot do staff work either.
    let operation = restock(&mut kiosk);
    assert_eq!(
        kiosk.run(&Auth::System, operation).unwrap_err(),
        Error::StaffAuthRequired
    );
}

#[test]
fn a_deactivated_staff_member_cannot_sign_in_and_one_admin_remains() {
    use aixin_kiosk::entry::Role;
    let mut kiosk = Kiosk::with_village();
    kiosk.add_staff("shop-1", Role::Shopkeeper, "1111");
    let update = |kiosk: &mut Kiosk, staff: &str, role: Role, active: bool| {
        let request = kiosk.next_request();
        let staff = aixin_kiosk::ids::StaffId::new(staff).unwrap();
        kiosk.run(
            &self::staff(),
            Operation::UpdateStaff {
                staff,
                name: text("x"),
                role,
                active,
                request,
            },
        )
    };
    update(&mut kiosk, "shop-1", Role::Shopkeeper, false).unwrap();
    assert_eq!(
        staff_sign_in(&mut kiosk, "shop-1", "1111").unwrap_err(),
        Error::StaffAuthRequired
    );
    assert_eq!(
        update(&mut kiosk, "admin", Role::Clerk, true)
            .unwrap_err()
            .code(),
        "INVALID_INPUT"
    );
    assert_eq!(
        update(&mut kiosk, "admin", Role::Admin, false)
            .unwrap_err()
            .code(),
        "INVALID_INPUT"
    );
}

#[test]
fn staff_pins_lock_out_like_households() {
    let mut kiosk = Kiosk::with_village();
    for attempts_left in (1..=4).rev() {
        assert_eq!(
            staff_sign_in(&mut kiosk, "admin", "1234").unwrap_err(),
            Error::WrongPin { attempts_left }
        );
    }
    assert_eq!(
        staff_sign_in(&mut kiosk, "admin", "1234")
            .unwrap_err()
            .code(),
        "LOCKED_OUT"
    );
    assert_eq!(
        staff_sign_in(&mut kiosk, "admin", "0000")
            .unwrap_err()
            .code(),
        "LOCKED_OUT"
    );
}

#[test]
fn the_recovery_code_sets_a_new_admin_pin_once() {
    let mut kiosk = Kiosk::with_village();
    let recover = |kiosk: &mut Kiosk, code: &str, pin: &str| {
        let operation = Operation::Recover {
            code: code.into(),
            staff: aixin_kiosk::ids::StaffId::new("admin").unwrap(),
            pin: aixin_kiosk::credential::Pin::new(pin).unwrap(),
            salt: [7; 16],
        };
        kiosk.run(&Auth::System, operation)
    };
    assert_eq!(
        recover(&mut kiosk, "1234-5678-0000", "4321").unwrap_err(),
        Error::WrongPin { attempts_left: 4 }
    );
    recover(&mut kiosk, "1234 5678 9012", "4321").unwrap();
    assert!(staff_sign_in(&mut kiosk, "admin", "4321").is_ok());
    assert_eq!(
        staff_sign_in(&mut kiosk, "admin", "0000")
            .unwrap_err()
            .code(),
        "WRONG_PIN"
    );
    // Spent: the same code works no more.
    assert_eq!(
        recover(&mut kiosk, "123456789012", "5555")
            .unwrap_err()
            .code(),
        "INVALID_INPUT"
    );
}

#[test]
fn an_assisted_redemption_records_the_household_and_the_staff_member() {
    let mut kiosk = Kiosk::with_village();
    let id = session("assisted-session");
    let Outcome::SignedIn(signed) = kiosk
        .run(
            &staff(),
            Operation::AssistedSignIn {
                household: code("A001"),
                session: id,
            },
        )
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        signed.assisted_by.as_ref().map(|s| s.as_str()),
        Some("admin")
    );
    let Outcome::Receipt(receipt) = kiosk
        .redeem(&signed.id, &[("salt-500g", 1)], request("assisted-1"))
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        receipt.assisted_by.as_ref().map(|s| s.as_str()),
        Some("admin")
    );
    let stored = String::from_utf8_lossy(&kiosk.store.journal[&receipt.seq]).to_string();
    assert!(
        stored.contains(r#""actor":{"type":"assisted","household":"A001","staff":"admin"}"#),
        "{stored}"
    );
    // Without a staff session there is no assisted sign-in.
    let refused = kiosk.run(
        &Auth::System,
        Operation::AssistedSignIn {
            household: code("A001"),
            session: session("assisted-2"),
        },
    );
    assert_eq!(refused.unwrap_err(), Error::StaffAuthRequired);
}

#[test]
fn a_stock_count_applies_every_difference_as_one_set() {
    let mut kiosk = Kiosk::with_village();
    let request = request("count-1");
    let counts = vec![(sku("salt-500g"), 8), (sku("oil-5l"), 2), (sku("soap"), 4)];
    let operation = Operation::StockCount {
        counts: counts.clone(),
        reason: text("月底盘点"),
        request: request.clone(),
    };
    let writes = kiosk.store.writes;
    let Outcome::Done { seqs, .. } = kiosk.run(&staff(), operation).unwrap() else {
        panic!()
    };
    assert_eq!(seqs.len(), 2, "oil-5l did not change");
    assert_eq!(
        kiosk.store.writes,
        writes + 1,
        "one write for the whole count"
    );
    assert_eq!(
        (
            kiosk.stock("salt-500g"),
            kiosk.stock("oil-5l"),
            kiosk.stock("soap")
        ),
        (8, 2, 4)
    );
    // Counted again with the same request id: nothing more.
    let again = kiosk
        .run(
            &staff(),
            Operation::StockCount {
                counts,
                reason: text("月底盘点"),
                request,
            },
        )
        .unwrap();
    assert!(matches!(again, Outcome::Done { repeated: true, .. }));
    let bad = Operation::StockCount {
        counts: vec![(sku("soap"), -1)],
        reason: text("x"),
        request: kiosk.next_request(),
    };
    assert_eq!(kiosk.run(&staff(), bad).unwrap_err().code(), "BAD_QUANTITY");
}

#[test]
fn receipt_numbers_are_read_as_printed_or_as_seqs() {
    let kiosk = Kiosk::with_village();
    let state = kiosk.ledger.state();
    assert_eq!(
        aixin_kiosk::state::parse_receipt_number(state, "test-01-000123"),
        Some(123)
    );
    assert_eq!(
        aixin_kiosk::state::parse_receipt_number(state, " 42 "),
        Some(42)
    );
    assert_eq!(
        aixin_kiosk::state::parse_receipt_number(state, "other-000123"),
        None
    );
    assert_eq!(aixin_kiosk::state::parse_receipt_number(state, ""), None);
}

#[test]
fn the_points_board_ranks_by_points_earned_with_shared_ranks() {
    use aixin_kiosk::board::board;
    use aixin_kiosk::calendar::LocalDate;
    let mut kiosk = Kiosk::bare();
    kiosk.run(&Auth::System, Operation::LoadDemo).unwrap();
    let today = LocalDate {
        year: 2026,
        month: 11,
        day: 28,
    };
    let shown = board(kiosk.ledger.state(), today);
    // October: A001 and B006 earned 5 + the 5-point bonus; they share first place.
    let top: Vec<(usize, &str, String)> = shown
        .quarter
        .lines
        .iter()
        .take(3)
        .map(|l| (l.rank, l.household.as_str(), l.earned.to_string()))
        .collect();
    assert_eq!(
        top[..2],
        [(1, "A001", "10".to_string()), (1, "B006", "10".to_string())]
    );
    assert_eq!(top[2].0, 3);
    assert_eq!(shown.quarter.period, "2026-Q4");
    // Stars of the third quarter (August and September), 20 at most.
    assert_eq!(shown.stars.period, "2026-Q3");
    assert!(shown.stars.lines.len() <= 20);
    let listed_or_shared = shown.stars.lines.len() + shown.stars.shared_last.map_or(0, |(_, n)| n);
    assert!(
        listed_or_shared >= 20,
        "ties at the cut-off are counted, not dropped"
    );
    // No credits in 2025: no advanced households yet.
    assert!(shown.advanced.lines.is_empty());
    // Earned points, not the balance: A001 redeemed 13.9 and is still first.
    assert!(kiosk.balance("A001") < kiosk.balance("B006"));
}
