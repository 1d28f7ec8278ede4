//! Every family's inputs as the page sends them, parsed in the core (the
//! `…Input` types of `ledger::households`, `credits`, `staff`, `upkeep`,
//! `members` and `redeem`; the stock family has `tests/stock_input.rs`): a
//! good shape becomes its operation; a bad one is refused naming its field,
//! the first bad field in the order the form shows them; an unknown key is
//! refused before anything is read.

use aixin_kiosk::credential::Pin;
use aixin_kiosk::entry::{HouseholdKind, Role};
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::KioskId;
use aixin_kiosk::ledger::members::{
    AddMemberInput, MemberOperation, MergeInput, RemoveMemberInput, SplitInput,
};
use aixin_kiosk::ledger::{credits, households, redeem, staff, upkeep};
use aixin_kiosk::ledger::{BasketLine, Operation, SessionId};
use aixin_kiosk::state::{HouseholdStatus, State};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use shapes::{outcome, read, with};

mod shapes;

/// Each change of `base` read as `T` and turned into its operation by
/// `operation`, against what it should come to.
fn check<T: DeserializeOwned>(
    base: Value,
    operation: impl Fn(T) -> Result<Operation, Error>,
    cases: &[(Value, &str)],
) {
    for (changes, expected) in cases {
        let input: T = read(with(&base, changes));
        assert_eq!(outcome(operation(input)), *expected, "{changes}");
    }
}

fn refused<T: DeserializeOwned>(base: Value, key: &str) -> bool {
    serde_json::from_value::<T>(with(&base, &json!({ key: "x" }))).is_err()
}

fn session() -> SessionId {
    SessionId::new("session-0001").expect("a session id")
}

const SALT: [u8; 16] = [7; 16];

fn household() -> Value {
    json!({ "household": "a012", "name": "王建国", "group": "一组", "kind": "family", "requestId": "r-1" })
}

#[test]
fn a_household_is_read_field_by_field_and_refused_at_its_first_bad_field() {
    let cases = [
        (json!({}), "ok"),
        (json!({ "group": null, "kind": null }), "ok"),
        (json!({ "requestId": "" }), "requestId"),
        (json!({ "kind": "company", "requestId": "" }), "kind"),
        (json!({ "group": "", "kind": "company" }), "group"),
        (json!({ "name": "", "group": "" }), "name"),
        (json!({ "household": "a 12", "name": "" }), "household"),
    ];
    check(household(), households::HouseholdInput::register, &cases);
    // An update is of a household the kiosk knows: a malformed code is none.
    check(
        household(),
        households::HouseholdInput::update,
        &[
            (
                json!({ "household": "a 12", "name": "" }),
                "UNKNOWN_HOUSEHOLD",
            ),
            (json!({ "name": "" }), "name"),
        ],
    );
}

#[test]
fn a_household_becomes_its_operation() {
    let input: households::HouseholdInput = read(with(&household(), &json!({ "group": null })));
    let Ok(Operation::RegisterHousehold {
        household,
        name,
        group,
        kind,
        request,
    }) = input.register()
    else {
        panic!("not a household registered")
    };
    assert_eq!(household.as_str(), "A012", "codes are kept upper case");
    assert_eq!(name.as_str(), "王建国");
    assert_eq!(group.as_str(), "-", "no group is -");
    assert_eq!(kind, HouseholdKind::Family);
    assert_eq!(request.as_str(), "r-1");
}

#[test]
fn status_pin_and_unlock_inputs() {
    let status = json!({ "household": "A012", "status": "suspended", "reason": "外出务工", "requestId": "r-2" });
    check(
        status.clone(),
        households::StatusInput::operation,
        &[
            (json!({}), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (json!({ "reason": "", "requestId": "" }), "reason"),
            (
                json!({ "household": "", "reason": "" }),
                "UNKNOWN_HOUSEHOLD",
            ),
            (json!({ "status": "gone", "household": "" }), "status"),
        ],
    );
    let Ok(Operation::SetHouseholdStatus { status, .. }) =
        read::<households::StatusInput>(status).operation()
    else {
        panic!("not a status")
    };
    assert_eq!(status, HouseholdStatus::Suspended);

    let pin = json!({ "household": "A012", "pin": "4321", "requestId": "r-3" });
    check(
        pin.clone(),
        |input: households::PinInput| input.operation(SALT),
        &[
            (json!({}), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (json!({ "pin": "12", "requestId": "" }), "pin"),
            (json!({ "household": "", "pin": "12" }), "UNKNOWN_HOUSEHOLD"),
        ],
    );
    let Ok(Operation::SetPin { salt, .. }) = read::<households::PinInput>(pin).operation(SALT)
    else {
        panic!("not a PIN set")
    };
    assert_eq!(salt, SALT, "the shell's salt");

    check(
        json!({ "household": "A012", "requestId": "r-4" }),
        households::UnlockInput::operation,
        &[
            (json!({}), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (json!({ "household": "" }), "UNKNOWN_HOUSEHOLD"),
            (json!({ "household": "", "requestId": null }), "requestId"),
        ],
    );
}

#[test]
fn credit_and_correction_inputs() {
    let credit = json!({ "household": "A012", "amount": "12.50", "period": "2026-10", "source": "evaluation", "reason": "十月评分" });
    check(
        credit.clone(),
        credits::CreditInput::operation,
        &[
            (json!({}), "ok"),
            (json!({ "source": null, "reason": "  " }), "ok"),
            (json!({ "reason": "理".repeat(201) }), "reason"),
            (
                json!({ "source": "", "reason": "理".repeat(201) }),
                "source",
            ),
            (json!({ "period": "十月", "source": "" }), "period"),
            (json!({ "amount": "-1", "period": "十月" }), "amount"),
            (
                json!({ "household": "", "amount": "-1" }),
                "UNKNOWN_HOUSEHOLD",
            ),
        ],
    );
    let input: credits::CreditInput =
        read(with(&credit, &json!({ "source": null, "reason": " " })));
    let Ok(Operation::Credit {
        amount,
        period,
        source,
        reason,
        ..
    }) = input.operation()
    else {
        panic!("not a credit")
    };
    assert_eq!(amount.to_fixed(), "12.50");
    assert_eq!(period.to_string(), "2026-10");
    assert_eq!(source.as_str(), "evaluation", "no source is an evaluation");
    assert_eq!(reason, None, "a blank reason is none");

    let correct = json!({ "household": "A012", "amount": "-3.50", "refersToSeq": 7, "reason": "多记了", "requestId": "r-5" });
    check(
        correct.clone(),
        credits::CorrectInput::operation,
        &[
            (json!({}), "ok"),
            (json!({ "refersToSeq": null }), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (json!({ "reason": "", "requestId": "" }), "reason"),
            (json!({ "amount": "三", "reason": "" }), "amount"),
            (
                json!({ "household": "", "amount": "三" }),
                "UNKNOWN_HOUSEHOLD",
            ),
        ],
    );
    let Ok(Operation::Correct {
        amount,
        refers_to_seq,
        ..
    }) = read::<credits::CorrectInput>(correct).operation()
    else {
        panic!("not a correction")
    };
    assert_eq!(amount.to_fixed(), "-3.50", "a correction may be negative");
    assert_eq!(refers_to_seq, Some(7));
}

fn setup() -> Value {
    json!({
        "village": "爱心村", "shop": "爱心超市", "timeZone": "Asia/Shanghai",
        "utcOffsetMinutes": 480, "adminId": "admin", "adminName": "李主任", "adminPin": "2468",
    })
}

fn recovery() -> Pin {
    Pin::recovery_code("1234-5678-9012").expect("twelve digits")
}

#[test]
fn setup_and_staff_inputs() {
    let kiosk = KioskId::new("village-01").expect("a kiosk id");
    let setup_of =
        |input: staff::SetupInput| input.operation(kiosk.clone(), SALT, recovery(), SALT);
    check(
        setup(),
        setup_of,
        &[
            (json!({}), "ok"),
            (json!({ "adminPin": "24" }), "adminPin"),
            (json!({ "adminName": "", "adminPin": "24" }), "adminName"),
            (json!({ "adminId": "管理员", "adminName": "" }), "staff"),
            (json!({ "timeZone": "", "adminId": "管理员" }), "timeZone"),
            (json!({ "shop": "", "timeZone": "" }), "shop"),
            (json!({ "village": "", "shop": "" }), "village"),
        ],
    );
    let input: staff::SetupInput = read(with(
        &setup(),
        &json!({ "timeZone": null, "utcOffsetMinutes": 15 * 60 }),
    ));
    let Ok(Operation::Setup {
        time_zone,
        utc_offset_minutes,
        admin,
        ..
    }) = setup_of(input)
    else {
        panic!("not a setup")
    };
    assert_eq!(time_zone.as_str(), "Asia/Shanghai");
    assert_eq!(utc_offset_minutes, 480, "an offset past 14 hours is UTC+8");
    assert_eq!(admin.as_str(), "admin");

    // A malformed staff id signs in as a wrong PIN does: nothing named.
    check(
        json!({ "staff": "shop-1", "pin": "1357" }),
        |input: staff::StaffSignInInput| input.operation(session()),
        &[
            (json!({}), "ok"),
            (json!({ "staff": "" }), "STAFF_AUTH_REQUIRED"),
        ],
    );

    let member = json!({ "staff": "shop-1", "name": "张店长", "role": "shopkeeper", "pin": "1357", "requestId": "r-6" });
    check(
        member.clone(),
        |input: staff::StaffInput| input.add(SALT),
        &[
            (json!({}), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (json!({ "pin": null, "requestId": "" }), "pin"),
            (json!({ "role": "boss", "pin": null }), "role"),
            (json!({ "name": "", "role": "boss" }), "name"),
            (json!({ "staff": "", "name": "" }), "staff"),
        ],
    );
    let update = with(&member, &json!({ "pin": null, "active": false }));
    check(
        update.clone(),
        staff::StaffInput::update,
        &[(json!({}), "ok"), (json!({ "role": "boss" }), "role")],
    );
    let Ok(Operation::UpdateStaff { role, active, .. }) =
        read::<staff::StaffInput>(update).update()
    else {
        panic!("not a staff update")
    };
    assert_eq!((role, active), (Role::Shopkeeper, false));

    check(
        json!({ "staff": "shop-1", "pin": "1357", "requestId": "r-7" }),
        |input: staff::StaffPinInput| input.operation(SALT),
        &[
            (json!({}), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (json!({ "pin": "", "requestId": "" }), "pin"),
            (json!({ "staff": "", "pin": "" }), "staff"),
        ],
    );
    check(
        json!({ "code": "1234-5678-9012", "staff": "admin", "pin": "8642" }),
        |input: staff::RecoverInput| input.operation(SALT),
        &[
            (json!({}), "ok"),
            (json!({ "pin": "8" }), "pin"),
            (json!({ "staff": "", "pin": "8" }), "staff"),
        ],
    );
    check(
        json!({ "requestId": "r-8" }),
        |input: staff::RecoveryCodeInput| input.operation(recovery(), SALT),
        &[(json!({}), "ok"), (json!({ "requestId": "" }), "requestId")],
    );
}

#[test]
fn upkeep_inputs() {
    check(
        json!({ "key": "year_end", "value": "carry", "requestId": "r-9" }),
        upkeep::SettingInput::operation,
        &[
            (json!({}), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (json!({ "value": "keep", "requestId": "" }), "value"),
            (json!({ "key": "colour" }), "value"),
        ],
    );
    check(
        json!({ "year": 2026, "requestId": "r-10" }),
        upkeep::YearInput::operation,
        &[(json!({}), "ok"), (json!({ "requestId": "" }), "requestId")],
    );
    let Ok(Operation::MarkUploaded { last_seq, .. }) =
        read::<upkeep::UploadedInput>(json!({ "lastSeq": 42, "requestId": "r-11" })).operation()
    else {
        panic!("not an upload marked")
    };
    assert_eq!(last_seq, 42);
    check(
        json!({ "requestId": "r-12" }),
        upkeep::ConfirmClockInput::operation,
        &[(json!({}), "ok"), (json!({ "requestId": "" }), "requestId")],
    );
}

#[test]
fn member_split_and_merge_inputs() {
    let add = json!({ "household": "A012", "name": "王小明", "relation": "子女", "card": "C0001", "requestId": "r-13" });
    check(
        add.clone(),
        AddMemberInput::operation,
        &[
            (json!({}), "ok"),
            (json!({ "card": " " }), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (
                json!({ "relation": "关".repeat(21), "requestId": "" }),
                "relation",
            ),
            (json!({ "name": "", "relation": "" }), "name"),
            (json!({ "household": "", "name": "" }), "UNKNOWN_HOUSEHOLD"),
            (json!({ "card": "卡 1", "household": "" }), "card"),
        ],
    );
    let Ok(Operation::Members {
        operation: MemberOperation::AddMember { card, .. },
        request,
    }) = read::<AddMemberInput>(add).operation()
    else {
        panic!("not a member added")
    };
    assert_eq!(card.map(|c| c.to_string()), Some("C0001".into()));
    assert_eq!(request.as_str(), "r-13");

    check(
        json!({ "household": "A012", "name": "王小明", "requestId": "r-14" }),
        RemoveMemberInput::operation,
        &[
            (json!({}), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (json!({ "name": "", "requestId": "" }), "name"),
            (json!({ "household": "", "name": "" }), "UNKNOWN_HOUSEHOLD"),
        ],
    );

    let split = json!({
        "from": "A012", "household": "A013", "name": "王小明", "group": "一组", "kind": "family",
        "amount": "20.00", "members": ["王小明"], "reason": "分户", "requestId": "r-15",
    });
    check(
        split.clone(),
        SplitInput::operation,
        &[
            (json!({}), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (json!({ "reason": "", "requestId": "" }), "reason"),
            (json!({ "amount": "二十", "reason": "" }), "amount"),
            (json!({ "kind": "company", "amount": "二十" }), "kind"),
            (json!({ "group": "", "kind": "company" }), "group"),
            (json!({ "name": "", "group": "" }), "name"),
            (json!({ "household": "a 13", "name": "" }), "household"),
            (
                json!({ "from": "", "household": "a 13" }),
                "UNKNOWN_HOUSEHOLD",
            ),
            (json!({ "members": [""], "from": "" }), "name"),
        ],
    );
    let input: SplitInput = read(with(&split, &json!({ "group": null, "kind": null })));
    let Ok(Operation::Members {
        operation:
            MemberOperation::Split {
                group,
                kind,
                amount,
                members,
                ..
            },
        ..
    }) = input.operation()
    else {
        panic!("not a split")
    };
    assert_eq!((group.as_str(), kind), ("-", HouseholdKind::Family));
    assert_eq!(amount.to_fixed(), "20.00");
    assert_eq!(members.len(), 1);
    // The members list may be left out: nobody moves.
    let mut none = split.clone();
    none.as_object_mut().expect("an object").remove("members");
    assert_eq!(outcome(read::<SplitInput>(none).operation()), "ok");

    check(
        json!({ "from": "A012", "into": "A020", "reason": "合户", "requestId": "r-16" }),
        MergeInput::operation,
        &[
            (json!({}), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (json!({ "reason": "", "requestId": "" }), "reason"),
            (json!({ "into": "", "reason": "" }), "UNKNOWN_HOUSEHOLD"),
        ],
    );
}

#[test]
fn quote_sign_in_redeem_assisted_and_void_inputs() {
    let quote: redeem::QuoteInput = read(json!({
        "household": "a012",
        "lines": [{ "sku": "salt-500g", "qty": 2 }],
    }));
    let (household, lines) = quote.basket().expect("a basket");
    assert_eq!(household.as_str(), "A012");
    assert_eq!(
        lines,
        vec![BasketLine {
            sku: "salt-500g".into(),
            quantity: 2
        }]
    );
    let unknown: redeem::QuoteInput = read(json!({ "household": "", "lines": [] }));
    assert!(matches!(
        unknown.basket(),
        Err(Error::UnknownHousehold { .. })
    ));

    let sign_in: redeem::SignInInput =
        read(json!({ "household": "a012", "pin": "4321", "now": 1_000, "pageMs": 5 }));
    assert_eq!((sign_in.now, sign_in.page_ms), (1_000, Some(5)));
    assert_eq!(sign_in.household().expect("a household").as_str(), "A012");
    let Ok(Operation::SignIn {
        pin, session: id, ..
    }) = sign_in.operation(session())
    else {
        panic!("not a sign-in")
    };
    assert_eq!((pin.as_str(), id), ("4321", session()));
    check(
        json!({ "household": "a012", "pin": "4321", "now": 1_000 }),
        |input: redeem::SignInInput| input.operation(session()),
        &[
            (json!({}), "ok"),
            (json!({ "household": "" }), "UNKNOWN_HOUSEHOLD"),
        ],
    );

    let redeem = json!({
        "session": { "id": "session-0001" },
        "lines": [{ "sku": "salt-500g", "qty": 1 }],
        "requestId": "r-17",
        "now": 2_000,
    });
    check(
        redeem.clone(),
        |input: redeem::RedeemInput| input.operation(session()),
        &[(json!({}), "ok"), (json!({ "requestId": "" }), "requestId")],
    );
    let input: redeem::RedeemInput = read(redeem);
    assert_eq!(input.now, 2_000);
    let Ok(Operation::Redeem { lines, .. }) = input.operation(session()) else {
        panic!("not a redemption")
    };
    assert_eq!(lines.len(), 1);

    check(
        json!({ "household": "A012", "requestId": "r-18" }),
        |input: redeem::AssistedSignInInput| input.operation(session()),
        &[
            (json!({}), "ok"),
            (json!({ "requestId": null }), "ok"),
            (json!({ "household": "" }), "UNKNOWN_HOUSEHOLD"),
        ],
    );

    let state = State::new();
    check(
        json!({ "receipt": "000123", "reason": "拿错了", "requestId": "r-19" }),
        |input: redeem::VoidInput| input.operation(&state),
        &[
            (json!({}), "ok"),
            (json!({ "requestId": "" }), "requestId"),
            (json!({ "reason": "", "requestId": "" }), "reason"),
            (
                json!({ "receipt": "第123号", "reason": "" }),
                "UNKNOWN_RECEIPT",
            ),
        ],
    );
    let void: redeem::VoidInput =
        read(json!({ "receipt": " 123 ", "reason": "拿错了", "requestId": "r-19" }));
    let Ok(Operation::Void { redemption_seq, .. }) = void.operation(&state) else {
        panic!("not a void")
    };
    assert_eq!(redemption_seq, 123);
}

#[test]
fn an_unknown_key_is_refused_before_anything_is_read() {
    let status =
        json!({ "household": "A012", "status": "active", "reason": "回村", "requestId": "r" });
    let credit = json!({ "household": "A012", "amount": "1", "period": "2026-10" });
    let member = json!({ "household": "A012", "name": "王", "relation": "子女", "requestId": "r" });
    let merge = json!({ "from": "A012", "into": "A020", "reason": "合户", "requestId": "r" });
    let quote = json!({ "household": "A012", "lines": [] });
    let void = json!({ "receipt": "1", "reason": "错", "requestId": "r" });
    let upkeep_setting = json!({ "key": "year_end", "value": "carry", "requestId": "r" });
    let unknown = [
        refused::<households::HouseholdInput>(household(), "colour"),
        refused::<households::StatusInput>(status, "until"),
        refused::<credits::CreditInput>(credit, "requestId"),
        refused::<staff::SetupInput>(setup(), "adminRole"),
        refused::<upkeep::SettingInput>(upkeep_setting, "scope"),
        refused::<AddMemberInput>(member, "phone"),
        refused::<MergeInput>(merge, "amount"),
        refused::<redeem::QuoteInput>(quote, "session"),
        refused::<redeem::VoidInput>(void, "household"),
    ];
    assert!(unknown.iter().all(|refused| *refused), "{unknown:?}");
    // A basket line is `{ sku, qty }`, not `{ sku, quantity }`.
    let line = json!({ "household": "A012", "lines": [{ "sku": "salt-500g", "quantity": 1 }] });
    assert!(serde_json::from_value::<redeem::QuoteInput>(line).is_err());
}
