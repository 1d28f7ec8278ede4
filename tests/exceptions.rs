//! The exception report: per staff member and village day, the staff
//! actions a village looks at twice (households' PINs set, assisted
//! redemptions, voids, manual credits and corrections, stock adjustments,
//! and entries confirmed for another), against counts written by hand for
//! a scripted day. The household statement names who made each line.

mod common;

use aixin_kiosk::calendar::local_date;
use aixin_kiosk::entry::Role;
use aixin_kiosk::ids::{Period, StaffId};
use aixin_kiosk::ledger::cosign::CoSign;
use aixin_kiosk::ledger::{Auth, Operation, Outcome};
use aixin_kiosk::reports::{self, DateRange, History};
use common::*;

fn as_staff(id: &str) -> Auth {
    Auth::Staff(StaffId::new(id).unwrap())
}

fn set_pin(kiosk: &mut Kiosk, by: &str, household: &str, pin: &str) {
    let request = kiosk.next_request();
    kiosk
        .run(
            &as_staff(by),
            Operation::SetPin {
                household: code(household),
                pin: aixin_kiosk::credential::Pin::new(pin).unwrap(),
                salt: [6; 16],
                request,
            },
        )
        .unwrap();
}

#[test]
fn a_scripted_day_counts_each_staff_members_exceptions_as_written_by_hand() {
    let mut kiosk = Kiosk::new();
    kiosk.register("A001", "王建国");
    kiosk.register("B002", "李桂芳");
    kiosk.add_staff("shop", Role::Shopkeeper, "3333");
    kiosk.add_staff("clerk2", Role::Clerk, "2222");
    kiosk.add_item("salt-500g", "食盐 500g", "2.50");
    kiosk.restock(&[("salt-500g", 10)]);

    // admin: one PIN set, three credits (one confirmed by clerk2), one correction.
    set_pin(&mut kiosk, "admin", "A001", "1234");
    kiosk.credit("A001", "30", "2026-08").unwrap();
    kiosk.credit("B002", "20", "2026-08").unwrap();
    kiosk
        .run(
            &staff(),
            Operation::CoSigned {
                operation: Box::new(Operation::Credit {
                    household: code("A001"),
                    amount: points("100"),
                    period: Period::new("2026-09").unwrap(),
                    source: text("evaluation"),
                    reason: None,
                }),
                co_sign: CoSign {
                    staff: StaffId::new("clerk2").unwrap(),
                    pin: "2222".into(),
                },
            },
        )
        .unwrap();
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::Correct {
                household: code("B002"),
                amount: points("-5"),
                refers_to_seq: None,
                reason: text("多记了"),
                request,
            },
        )
        .unwrap();
    // shop: one PIN set, one assisted redemption, one void, one stock adjustment.
    set_pin(&mut kiosk, "shop", "B002", "5678");
    let Outcome::SignedIn(assisted) = kiosk
        .run(
            &as_staff("shop"),
            Operation::AssistedSignIn {
                household: code("A001"),
                session: session("assisted-1"),
            },
        )
        .unwrap()
    else {
        panic!("no session")
    };
    let request = kiosk.next_request();
    kiosk
        .redeem(&assisted.id, &[("salt-500g", 1)], request)
        .unwrap();
    let own = kiosk.sign_in("B002", "5678").unwrap();
    let receipt = kiosk.receipt(&own, &[("salt-500g", 2)]);
    let request = kiosk.next_request();
    kiosk
        .run(
            &as_staff("shop"),
            Operation::Void {
                redemption_seq: receipt.seq,
                reason: text("拿错了"),
                request,
            },
        )
        .unwrap();
    let request = kiosk.next_request();
    kiosk
        .run(
            &as_staff("shop"),
            Operation::AdjustStock {
                sku: sku("salt-500g"),
                delta: -1,
                reason: text("破损"),
                request,
            },
        )
        .unwrap();

    let entries = kiosk.entries();
    let today = local_date(kiosk.now, 480);
    let report = reports::exceptions(History::whole(&entries), DateRange::day(today)).unwrap();
    let lines: Vec<(&str, [u64; 7])> = report
        .lines
        .iter()
        .map(|line| {
            assert_eq!(line.date, today);
            (line.staff.as_str(), line.counts)
        })
        .collect();
    // Written by hand: PINs set, assisted, voids, credits, corrections,
    // stock adjustments, confirmed for another.
    assert_eq!(
        lines,
        [
            ("admin", [1, 0, 0, 3, 1, 0, 0]),
            ("clerk2", [0, 0, 0, 0, 0, 0, 1]),
            ("shop", [1, 1, 1, 0, 0, 1, 0]),
        ]
    );
    assert_eq!(report.totals, [2, 1, 1, 3, 1, 1, 1]);
    assert!(report.two_person_rule);
    assert_eq!(report.source.seq, kiosk.ledger.state().seq);
    // Another day has none.
    let tomorrow = local_date(kiosk.now + 24 * 60 * 60 * 1000, 480);
    let empty = reports::exceptions(History::whole(&entries), DateRange::day(tomorrow)).unwrap();
    assert!(empty.lines.is_empty());

    // The day close names whose hands made the day's entries.
    let close = reports::summary(History::whole(&entries), DateRange::day(today)).unwrap();
    let hand = |name: &str| {
        close
            .hands
            .iter()
            .find(|(who, _)| who == name)
            .map(|(_, n)| *n)
    };
    assert_eq!(hand("admin + clerk2"), Some(1));
    assert_eq!(hand("shop"), Some(4), "{:?}", close.hands);
    assert_eq!(hand("自助"), Some(1), "B002's own redemption");

    // The statement names who made each line: the credit with both hands,
    // the assisted redemption with the shopkeeper.
    let statement = reports::statement(
        History::whole(&entries),
        &code("A001"),
        DateRange::day(today),
    )
    .unwrap();
    let operators: Vec<(&str, &str)> = statement
        .lines
        .iter()
        .map(|line| (line.kind, line.operator.as_str()))
        .collect();
    assert_eq!(
        operators,
        [
            ("credited", "admin"),
            ("credited", "admin + clerk2"),
            ("redeemed", "shop"),
        ]
    );
}
