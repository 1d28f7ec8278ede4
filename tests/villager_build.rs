//! The villager's build of the crate (`--no-default-features`, the wasm in
//! `pkg/villager/`): its ledger plans only what the villager's screens ask
//! for — a sign-in, a redemption, the platform's credits — and refuses any
//! other operation in both languages, changing nothing; every entry kind
//! still replays to the same state. The test command runs it with
//! `cargo test --no-default-features --test villager_build`; with the
//! default features (the full build) there is nothing here to run.
#![cfg(not(feature = "staff"))]

mod common;

use aixin_kiosk::ids::{KioskId, StaffId};
use aixin_kiosk::journal::{self, parse_ndjson_line};
use aixin_kiosk::ledger::{Auth, Ledger, Operation};
use aixin_kiosk::shell;
use common::{code, config, credit, session, KIOSK, T0};

/// Every entry kind the ledger writes, folded to a known state.
const GOLDEN_V2: &str = "tests/fixtures/golden-v2.ndjson";
const GOLDEN_V2_STATE_HASH: &str = include_str!("fixtures/golden-v2.state-hash");

fn golden() -> Ledger {
    let fixture = std::fs::read_to_string(GOLDEN_V2).expect("the golden fixture is committed");
    let records = fixture
        .lines()
        .enumerate()
        .map(|(index, line)| {
            let record = parse_ndjson_line(line).expect("an ndjson record");
            (index as u64 + 1, record.to_bytes())
        })
        .collect();
    journal::open(records, Vec::new(), &KioskId::new(KIOSK).unwrap(), config())
        .map_err(|error| format!("{error:?}"))
        .unwrap()
}

#[test]
fn every_entry_kind_replays_to_the_full_builds_state() {
    assert_eq!(golden().state().state_hash(), GOLDEN_V2_STATE_HASH.trim());
}

#[test]
fn a_staff_operation_is_refused_in_both_languages_and_changes_nothing() {
    let mut ledger = golden();
    let before = (ledger.state().seq, ledger.state().state_hash());
    let admin = Auth::Staff(StaffId::new("admin").unwrap());
    let operations = [
        credit("G001", "5", "2026-04"),
        Operation::StaffSignIn {
            staff: StaffId::new("admin").unwrap(),
            pin: "9999".into(),
            session: session("staff-session-1"),
        },
    ];
    for operation in operations {
        let error = shell::submit(&mut ledger, &admin, operation, T0 * 2, |_, _| {
            Ok::<(), aixin_kiosk::error::Error>(())
        })
        .unwrap_err();
        assert_eq!(error.code(), "INVALID_INPUT");
        assert!(
            error.message_zh().contains("工作人员登录"),
            "{}",
            error.message_zh()
        );
        assert!(
            error.message_en().contains("staff member signs in"),
            "{}",
            error.message_en()
        );
        assert_eq!((ledger.state().seq, ledger.state().state_hash()), before);
    }
}

#[test]
fn a_villagers_sign_in_is_planned_not_refused_as_staff_work() {
    let mut ledger = golden();
    let sign_in = Operation::SignIn {
        household: code("G001"),
        pin: "0000".into(),
        session: session("villager-session-2"),
    };
    let refused = shell::submit(&mut ledger, &Auth::System, sign_in, T0 * 2, |_, _| {
        Ok::<(), aixin_kiosk::error::Error>(())
    });
    // The golden journal carries no PIN records, so the sign-in reaches
    // the household and fails on its PIN: the villager's own refusal, not
    // the staff-only one.
    let error = refused.unwrap_err();
    assert_eq!(error.code(), "NO_PIN", "{}", error.message_en());
}
