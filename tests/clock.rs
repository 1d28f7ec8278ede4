//! The ledger's time (issue 19, point 3): the wall clock of whoever makes an
//! entry does not decide the 公示 or the year close. A jump of more than a
//! day is adopted only after an admin confirms it, and the confirmation is
//! an entry naming them.

mod common;

use aixin_kiosk::entry::{Actor, Body, Role};
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::{Period, StaffId};
use aixin_kiosk::ledger::{Auth, Operation};
use aixin_kiosk::scoresheet::PointsOperation;
use common::*;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn village() -> Kiosk {
    let mut kiosk = Kiosk::new();
    kiosk.register("H01", "住户一");
    kiosk.register("H02", "住户二");
    kiosk.use_score_sheets();
    kiosk
}

fn apply(kiosk: &mut Kiosk, month: &str) -> Result<aixin_kiosk::ledger::Outcome, Error> {
    let period = Period::new(month).unwrap();
    kiosk.points_op(PointsOperation::ApplyScores { period })
}

fn close_year(kiosk: &mut Kiosk, auth: &Auth, year: i32) -> Result<(), Error> {
    let request = kiosk.next_request();
    kiosk
        .run(auth, Operation::CloseYear { year, request })
        .map(|_| ())
}

fn confirm_clock(kiosk: &mut Kiosk, auth: &Auth) -> Result<(), Error> {
    let request = kiosk.next_request();
    kiosk
        .run(auth, Operation::ConfirmClock { request })
        .map(|_| ())
}

/// Runs `call`, asserts it is refused with `code` in both languages, and
/// that nothing was written.
fn refused_unchanged<T: std::fmt::Debug>(
    kiosk: &mut Kiosk,
    code: &str,
    call: impl FnOnce(&mut Kiosk) -> Result<T, Error>,
) -> Error {
    let before = (kiosk.ledger.state().seq, kiosk.ledger.state().state_hash());
    let error = call(kiosk).unwrap_err();
    assert_eq!(error.code(), code, "{error:?}");
    assert!(!error.message_zh().is_empty() && !error.message_en().is_empty());
    let state = kiosk.ledger.state();
    assert_eq!((state.seq, state.state_hash()), before, "nothing written");
    error
}

#[test]
fn a_sheet_posted_with_the_clock_six_days_back_cannot_be_applied_at_once() {
    let mut kiosk = village();
    let real_now = kiosk.now;
    kiosk.now -= 6 * DAY_MS;
    kiosk
        .post_scores("2026-08", &[("H01", "95"), ("H02", "81")])
        .unwrap();
    // The entries keep the wall time they were given …
    assert!(kiosk.last_entry().time_ms < real_now - 5 * DAY_MS);
    // … but the posting is dated by the ledger, which did not go back.
    let posting = &kiosk.ledger.state().postings[&Period::new("2026-08").unwrap()];
    assert!(
        posting.posted_ms >= real_now,
        "{} {real_now}",
        posting.posted_ms
    );
    // Still six days back: the jump waits for a confirmation.
    refused_unchanged(&mut kiosk, "CLOCK_UNCONFIRMED", |k| apply(k, "2026-08"));
    // The clock put right: the 公示 has not even begun to run out.
    kiosk.now = real_now;
    let error = refused_unchanged(&mut kiosk, "POSTING_NOT_OVER", |k| apply(k, "2026-08"));
    match error {
        Error::PostingNotOver { until_ms, .. } => assert!(until_ms >= real_now + 5 * DAY_MS),
        other => panic!("{other:?}"),
    }
    // Five days later (confirmed) it applies.
    kiosk.pass_days(5);
    apply(&mut kiosk, "2026-08").unwrap();
}

#[test]
fn a_clock_moved_forward_applies_nothing_early_until_an_admin_confirms_it() {
    let mut kiosk = village();
    kiosk
        .post_scores("2026-08", &[("H01", "95"), ("H02", "81")])
        .unwrap();
    kiosk.now += 6 * DAY_MS;
    refused_unchanged(&mut kiosk, "CLOCK_UNCONFIRMED", |k| apply(k, "2026-08"));
    // Ordinary work goes on meanwhile, and keeps its wall time.
    kiosk.register("H03", "住户三");
    assert_eq!(kiosk.last_entry().time_ms, kiosk.now);
    refused_unchanged(&mut kiosk, "CLOCK_UNCONFIRMED", |k| apply(k, "2026-08"));
    confirm_clock(&mut kiosk, &staff()).unwrap();
    apply(&mut kiosk, "2026-08").unwrap();
}

#[test]
fn the_year_close_with_the_clock_moved_forward_is_refused_until_confirmed_and_the_confirmation_is_an_entry(
) {
    let mut kiosk = Kiosk::with(&[("A001", "1234")], &[("salt-500g", "5")], 10);
    let clerk_id = StaffId::new("clerk").unwrap();
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::AddStaff {
                staff: clerk_id.clone(),
                name: text("会计"),
                role: Role::Clerk,
                pin: aixin_kiosk::credential::Pin::new("2222").unwrap(),
                salt: [4; 16],
                request,
            },
        )
        .unwrap();
    let clerk = Auth::Staff(clerk_id);
    let balance = kiosk.balance("A001");
    assert!(balance > aixin_kiosk::points::Points::ZERO);
    // T0 is in September 2026; the clock is moved to the new year.
    kiosk.now += 120 * DAY_MS;
    refused_unchanged(&mut kiosk, "CLOCK_UNCONFIRMED", |k| {
        close_year(k, &clerk, 2026)
    });
    // Only an admin confirms the time; a clerk is refused.
    refused_unchanged(&mut kiosk, "STAFF_AUTH_REQUIRED", |k| {
        confirm_clock(k, &clerk)
    });
    assert_eq!(kiosk.balance("A001"), balance, "nothing cleared");
    confirm_clock(&mut kiosk, &staff()).unwrap();
    let entry = kiosk.last_entry();
    assert_eq!(entry.body.kind(), "clock_confirmed");
    assert_eq!(
        entry.actor,
        Actor::Staff {
            staff: StaffId::new("admin").unwrap()
        },
        "the confirmation names the staff member"
    );
    assert_eq!(entry.time_ms, kiosk.now);
    assert!(
        matches!(entry.body, Body::ClockConfirmed { ledger_ms_before } if ledger_ms_before < kiosk.now - 100 * DAY_MS)
    );
    assert_eq!(kiosk.ledger.state().clock.ledger_ms, kiosk.now);
    close_year(&mut kiosk, &clerk, 2026).unwrap();
    // The ledger's clock is the same after a replay of the journal and
    // after a checkpoint.
    let clock = kiosk.ledger.state().clock;
    kiosk.reopen().unwrap();
    assert_eq!(kiosk.ledger.state().clock, clock);
    let bytes = aixin_kiosk::checkpoint::encode(kiosk.ledger.state());
    let decoded = aixin_kiosk::checkpoint::decode(&bytes).unwrap();
    assert_eq!(decoded.state.clock, clock);
}

#[test]
fn a_confirmation_with_no_jump_is_refused_and_writes_nothing() {
    let mut kiosk = village();
    refused_unchanged(&mut kiosk, "INVALID_INPUT", |k| confirm_clock(k, &staff()));
    // Less than a day is followed without one.
    kiosk.now += DAY_MS - 5_000;
    refused_unchanged(&mut kiosk, "INVALID_INPUT", |k| confirm_clock(k, &staff()));
}

#[test]
fn a_clock_put_right_ends_the_wait_without_a_confirmation() {
    let mut kiosk = village();
    let real_now = kiosk.now;
    kiosk.now += 30 * DAY_MS;
    kiosk.register("H03", "住户三");
    assert!(kiosk.ledger.state().clock.jump.is_some());
    assert!(kiosk.ledger.state().clock.ledger_ms <= real_now + 2_000);
    kiosk.now = real_now + 60_000;
    kiosk.register("H04", "住户四");
    assert!(kiosk.ledger.state().clock.jump.is_none());
    assert_eq!(kiosk.ledger.state().clock.ledger_ms, kiosk.now);
}

#[test]
fn a_lockout_made_with_the_clock_thirty_days_ahead_can_be_ended_by_the_page() {
    let mut kiosk = Kiosk::with(&[("A001", "1234")], &[("salt-500g", "5")], 10);
    let real_now = kiosk.now;
    kiosk.now += 30 * DAY_MS;
    for _ in 0..5 {
        let error = kiosk.sign_in("A001", "9999").unwrap_err();
        assert!(
            matches!(error, Error::WrongPin { .. } | Error::LockedOut { .. }),
            "{error:?}"
        );
    }
    kiosk.now = real_now;
    let error = kiosk.sign_in("A001", "1234").unwrap_err();
    let Error::LockedOut { locked_until_ms } = error else {
        panic!("{error:?}");
    };
    assert!(
        locked_until_ms > real_now + 29 * DAY_MS,
        "the wall clock alone would wait a month"
    );
    // The page measured five minutes on its own clock.
    kiosk.ledger.end_lockout(&code("A001"));
    kiosk.sign_in("A001", "1234").unwrap();
}

/// One step of the property test: the clock moves by `minutes`, then an
/// entry is made (a household registered), or the admin confirms the time.
#[derive(Clone, Debug)]
enum Step {
    Entry { minutes: i64 },
    Confirm { minutes: i64 },
}

fn steps() -> impl proptest::strategy::Strategy<Value = Vec<Step>> {
    use proptest::prelude::*;
    // Mostly small steps, some of days either way, a few of months.
    let minutes = prop_oneof![
        6 => -90i64..=600,
        3 => -3 * 1440i64..=3 * 1440,
        1 => -90 * 1440i64..=90 * 1440,
    ];
    let step = prop_oneof![
        4 => minutes.clone().prop_map(|minutes| Step::Entry { minutes }),
        1 => minutes.prop_map(|minutes| Step::Confirm { minutes }),
    ];
    proptest::collection::vec(step, 1..40)
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 48, ..Default::default() })]

    /// Whatever the wall clock does: the ledger time never decreases, it is
    /// never ahead of the highest wall time, a confirmation is accepted
    /// exactly when a jump waits (and is then an entry), and the journal
    /// replays to the same clock.
    #[test]
    fn the_ledger_time_never_decreases_and_replays_the_same(steps in steps()) {
        let mut kiosk = Kiosk::new();
        let mut highest = kiosk.now;
        for (index, step) in steps.into_iter().enumerate() {
            let before = kiosk.ledger.state().clock;
            let seq = kiosk.ledger.state().seq;
            match step {
                Step::Entry { minutes } => {
                    kiosk.now += minutes * 60_000;
                    kiosk.register(&format!("P{index:03}"), "住户");
                    proptest::prop_assert_eq!(kiosk.ledger.state().seq, seq + 1);
                }
                Step::Confirm { minutes } => {
                    kiosk.now += minutes * 60_000;
                    let waiting = before.ledger_time_at(kiosk.now + 1000).is_none();
                    let result = confirm_clock(&mut kiosk, &staff());
                    proptest::prop_assert_eq!(result.is_ok(), waiting, "{:?}", result);
                    let written = if waiting { 1 } else { 0 };
                    proptest::prop_assert_eq!(kiosk.ledger.state().seq, seq + written);
                    if waiting {
                        proptest::prop_assert!(kiosk.ledger.state().clock.jump.is_none());
                    }
                }
            }
            highest = highest.max(kiosk.now);
            let clock = kiosk.ledger.state().clock;
            proptest::prop_assert!(clock.ledger_ms >= before.ledger_ms, "{:?} → {:?}", before, clock);
            proptest::prop_assert!(clock.ledger_ms <= highest);
        }
        let clock = kiosk.ledger.state().clock;
        kiosk.reopen().unwrap();
        proptest::prop_assert_eq!(kiosk.ledger.state().clock, clock);
    }
}
