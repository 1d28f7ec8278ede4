//! The JS API over real IndexedDB in headless Chromium: durable appends,
//! reopen, idempotency, serialized calls, tamper detection and a full disk.
#![cfg(target_arch = "wasm32")]

mod common;

use aixin_kiosk::web::idb::{KioskDb, StorageError, WriteBatch};
use aixin_kiosk::web::Kiosk;
use common::web::{code_of, finish, fresh, get, get_string, js, open, settle, try_open, NOW};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn demo(kiosk_id: &str) -> Kiosk {
    let kiosk = fresh(kiosk_id).await;
    settle(kiosk.load_demo(js(json!({ "now": NOW }))))
        .await
        .unwrap();
    kiosk
}

async fn sign_in(kiosk: &Kiosk, household: &str, pin: &str) -> Result<JsValue, JsValue> {
    settle(kiosk.sign_in(js(
        json!({ "household": household, "pin": pin, "now": NOW + 1000 }),
    )))
    .await
}

/// A redemption's input with the villager's session.
fn redeem_input(session: &JsValue, lines: &serde_json::Value, request: &str, now: i64) -> JsValue {
    let input = js(json!({ "lines": lines, "requestId": request, "now": now }));
    js_sys::Reflect::set(&input, &JsValue::from_str("session"), session).unwrap();
    input
}

async fn redeem(
    kiosk: &Kiosk,
    session: &JsValue,
    lines: serde_json::Value,
    request: &str,
) -> Result<JsValue, JsValue> {
    settle(kiosk.redeem(redeem_input(session, &lines, request, NOW + 2000))).await
}

/// A basket of `quantity` bags of salt (2.50 each).
fn salt(quantity: u32) -> serde_json::Value {
    json!([{ "sku": "salt-500g", "qty": quantity }])
}

fn balance(kiosk: &Kiosk, household: &str) -> String {
    get_string(&kiosk.household(household).unwrap(), "balance")
}

#[wasm_bindgen_test]
async fn a_redemption_survives_close_and_reopen() {
    let kiosk = demo("test-reopen").await;
    let session = sign_in(&kiosk, "A001", "3817").await.unwrap();
    assert_eq!(get_string(&session, "balance"), "6.10");
    let receipt = redeem(&kiosk, &session, salt(2), "reopen-1").await.unwrap();
    assert_eq!(get_string(&receipt, "total"), "5.00");
    assert_eq!(get_string(&receipt, "balanceAfter"), "1.10");
    assert_eq!(kiosk.last_write_durability().as_deref(), Some("strict"));
    let hash = kiosk.state_hash();
    settle(kiosk.close()).await.unwrap();
    let reopened = open("test-reopen").await;
    assert_eq!(reopened.state_hash(), hash);
    assert_eq!(balance(&reopened, "A001"), "1.10");
    finish(reopened, "test-reopen").await;
}

#[wasm_bindgen_test]
async fn the_core_alone_and_the_shell_over_indexeddb_reach_the_same_state() {
    use aixin_kiosk::ids::{HouseholdCode, KioskId, RequestId, Text};
    use aixin_kiosk::ledger::{Auth, BasketLine, Ledger, LedgerConfig, Operation, SessionId};
    use aixin_kiosk::shell;
    let kiosk = demo("test-same").await;
    let session = sign_in(&kiosk, "B006", "9413").await.unwrap();
    redeem(
        &kiosk,
        &session,
        json!([{ "sku": "salt-500g", "qty": 1 }, { "sku": "matches-10", "qty": 2 }]),
        "same-1",
    )
    .await
    .unwrap();

    // The same operations on the core alone, with an in-memory store.
    let mut ledger = Ledger::new(LedgerConfig {
        pin_iterations: 10,
        session_idle_ms: 180_000,
    });
    let mut store = common::MemoryStore::default();
    let text = |value: &str| Text::new(value, 40).unwrap();
    let mut run = |ledger: &mut Ledger, operation: Operation, now: i64| {
        shell::submit(ledger, &Auth::System, operation, now, |_, plan| {
            store.persist(plan)
        })
        .unwrap()
    };
    run(
        &mut ledger,
        Operation::Genesis {
            kiosk_id: KioskId::new("test-same").unwrap(),
            village: text("张家村"),
            shop: text("张家村爱心超市"),
            time_zone: text("Asia/Shanghai"),
            utc_offset_minutes: 480,
        },
        NOW,
    );
    run(&mut ledger, Operation::LoadDemo, NOW);
    let session_id = SessionId::new("0123456789abcdef").unwrap();
    run(
        &mut ledger,
        Operation::SignIn {
            household: HouseholdCode::new("B006").unwrap(),
            pin: "9413".into(),
            session: session_id.clone(),
        },
        NOW + 1000,
    );
    let lines = vec![
        BasketLine {
            sku: "salt-500g".into(),
            quantity: 1,
        },
        BasketLine {
            sku: "matches-10".into(),
            quantity: 2,
        },
    ];
    run(
        &mut ledger,
        Operation::Redeem {
            session: session_id,
            lines,
            request: RequestId::new("same-1").unwrap(),
        },
        NOW + 2000,
    );

    assert_eq!(kiosk.state_hash(), ledger.state().state_hash());
    finish(kiosk, "test-same").await;
}

#[wasm_bindgen_test]
async fn a_repeated_request_id_appends_nothing() {
    let kiosk = demo("test-repeat").await;
    let session = sign_in(&kiosk, "A001", "3817").await.unwrap();
    let first = redeem(&kiosk, &session, salt(1), "repeat-1").await.unwrap();
    let seq = get(&kiosk.info(), "seq");
    let again = redeem(&kiosk, &session, salt(1), "repeat-1").await.unwrap();
    assert_eq!(
        get_string(&again, "receiptNumber"),
        get_string(&first, "receiptNumber")
    );
    assert_eq!(get(&again, "repeated"), JsValue::TRUE);
    assert_eq!(get(&kiosk.info(), "seq"), seq);
    assert_eq!(balance(&kiosk, "A001"), "3.60");
    finish(kiosk, "test-repeat").await;
}

#[wasm_bindgen_test]
async fn two_concurrent_redemptions_that_overdraw_give_one_receipt() {
    let kiosk = demo("test-overdraw").await;
    let session = sign_in(&kiosk, "A001", "3817").await.unwrap();
    // 6.10 points: each basket costs 5.00; both together would overdraw.
    let basket = salt(2);
    let first = kiosk.redeem(redeem_input(&session, &basket, "tap-a", NOW + 2000));
    let second = kiosk.redeem(redeem_input(&session, &basket, "tap-b", NOW + 2001));
    let (first, second) = (settle(first).await, settle(second).await);
    assert!(first.is_ok());
    assert_eq!(code_of(&second.unwrap_err()), "INSUFFICIENT_POINTS");
    assert_eq!(balance(&kiosk, "A001"), "1.10");
    finish(kiosk, "test-overdraw").await;
}

#[wasm_bindgen_test]
async fn a_tampered_record_fails_open_at_its_seq() {
    let kiosk = demo("test-tamper").await;
    settle(kiosk.close()).await.unwrap();
    let db = KioskDb::open("test-tamper").await.unwrap();
    let mut records = db.read_journal(1, u64::MAX).await.unwrap();
    db.close();
    // Change one byte of entry 17's stored bytes (its time).
    let bytes = &mut records[16].1;
    let position = bytes.windows(7).position(|w| w == b"time_ms").unwrap() + 10;
    bytes[position] = if bytes[position] == b'1' { b'2' } else { b'1' };
    KioskDb::delete("test-tamper").await.unwrap();
    let db = KioskDb::open("test-tamper").await.unwrap();
    db.write(&WriteBatch {
        journal: records,
        ..WriteBatch::default()
    })
    .await
    .unwrap();
    db.close();

    let error = try_open("test-tamper")
        .await
        .err()
        .expect("open must refuse a tampered journal");
    assert_eq!(code_of(&error), "STORAGE_CORRUPT");
    assert_eq!(get(&error, "seq").as_f64(), Some(17.0));
    assert!(get_string(&error, "messageEn").contains("17"));

    // Opened for recovery, the verified prefix is readable and refuses changes.
    let prefix = Kiosk::open(js(
        json!({ "kioskId": "test-tamper", "allowCorrupt": true }),
    ))
    .await
    .unwrap();
    let info = prefix.info();
    assert_eq!(get(&info, "seq").as_f64(), Some(16.0));
    assert_eq!(
        get_string(&get(&info, "readOnly"), "code"),
        "STORAGE_CORRUPT"
    );
    let refused = sign_in(&prefix, "A001", "3817").await.unwrap_err();
    assert_eq!(code_of(&refused), "STORAGE_CORRUPT");
    // ... and still gives up the verified prefix for export.
    let exported = settle(prefix.export_journal(JsValue::UNDEFINED))
        .await
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(exported.lines().count(), 16);
    assert!(exported
        .lines()
        .all(|line| aixin_kiosk::journal::parse_ndjson_line(line).is_some()));
    finish(prefix, "test-tamper").await;
}

#[wasm_bindgen_test]
async fn a_full_disk_refuses_the_redemption_and_changes_nothing() {
    let kiosk = demo("test-full").await;
    let session = sign_in(&kiosk, "A001", "3817").await.unwrap();
    let before = kiosk.state_hash();
    kiosk.fail_next_write(Some(StorageError::Full));
    let error = redeem(&kiosk, &session, salt(1), "full-1")
        .await
        .unwrap_err();
    assert_eq!(code_of(&error), "STORAGE_FULL");
    assert!(get_string(&error, "messageEn").contains("did NOT happen"));
    assert_eq!(kiosk.state_hash(), before);
    settle(kiosk.close()).await.unwrap();
    let reopened = open("test-full").await;
    assert_eq!(reopened.state_hash(), before);
    // The page's retry with the same request id now goes through once.
    let session = sign_in(&reopened, "A001", "3817").await.unwrap();
    redeem(&reopened, &session, salt(1), "full-1")
        .await
        .unwrap();
    assert_eq!(balance(&reopened, "A001"), "3.60");
    finish(reopened, "test-full").await;
}

#[wasm_bindgen_test]
async fn every_refusal_is_an_error_with_a_code() {
    let kiosk = demo("test-codes").await;
    let wrong = sign_in(&kiosk, "A001", "0000").await.unwrap_err();
    assert!(wrong.is_instance_of::<js_sys::Error>());
    assert_eq!(code_of(&wrong), "WRONG_PIN");
    assert_eq!(get(&wrong, "attemptsLeft").as_f64(), Some(4.0));
    assert_eq!(get_string(&wrong, "message"), "密码不对,还可以试 4 次");
    assert_eq!(
        code_of(&sign_in(&kiosk, "Z999", "1234").await.unwrap_err()),
        "UNKNOWN_HOUSEHOLD"
    );
    let bad_input = settle(kiosk.sign_in(js(json!({ "household": "A001" }))))
        .await
        .unwrap_err();
    assert_eq!(code_of(&bad_input), "INVALID_INPUT");
    let demo_again = settle(kiosk.load_demo(JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(code_of(&demo_again), "NOT_EMPTY");
    let no_session = redeem(
        &kiosk,
        &JsValue::from_str("nonexistent-session"),
        salt(1),
        "x-1",
    )
    .await
    .unwrap_err();
    assert_eq!(code_of(&no_session), "SESSION_EXPIRED");
    finish(kiosk, "test-codes").await;
}

#[wasm_bindgen_test]
async fn a_second_kiosk_object_opens_read_only() {
    let writer = demo("test-second").await;
    let reader = open("test-second").await;
    assert_eq!(
        get_string(&get(&reader.info(), "readOnly"), "reason"),
        "other_tab"
    );
    let refused = sign_in(&reader, "A001", "3817").await.unwrap_err();
    assert_eq!(code_of(&refused), "READ_ONLY");
    settle(reader.close()).await.unwrap();
    finish(writer, "test-second").await;
}

/// Issue 21: the page draws its keypads and fields by the core's limits,
/// read from `limits()`, never from numbers of its own.
#[wasm_bindgen_test]
async fn limits_are_the_cores_own_constants_and_roles() {
    use aixin_kiosk::credential::{
        ATTEMPTS_MAX, LOCKOUT_MS, PIN_LENGTH_MAX, PIN_LENGTH_MIN, RECOVERY_CODE_LENGTH,
    };
    use aixin_kiosk::entry::Role;
    use aixin_kiosk::ids::{HouseholdCode, Sku, StaffId, TEXT_LENGTH_MAX};
    use aixin_kiosk::ledger::cosign::{DAY_LIMIT, OLD_VOID_MS};
    use aixin_kiosk::ledger::members::RELATION_LENGTH_MAX;
    use aixin_kiosk::ledger::stock::{CATEGORY_LENGTH_MAX, UNIT_LENGTH_MAX};
    use aixin_kiosk::ledger::{
        BASKET_LINES_MAX, NAME_LENGTH_MAX, QUANTITY_MAX, REASON_LENGTH_MAX, RESTOCK_LINES_MAX,
        STOCK_MOVE_MAX,
    };
    use aixin_kiosk::points::Points;
    KioskDb::delete("test-limits").await.unwrap();
    let kiosk = Kiosk::open(js(
        json!({ "kioskId": "test-limits", "pinIterations": 10, "sessionIdleMs": 61_000 }),
    ))
    .await
    .unwrap();
    let limits = kiosk.limits();
    let number = |key: &str| {
        get(&limits, key)
            .as_f64()
            .unwrap_or_else(|| panic!("{key} is not a number")) as i64
    };
    let expected: [(&str, i64); 19] = [
        ("quantityMax", QUANTITY_MAX),
        ("basketLinesMax", BASKET_LINES_MAX as i64),
        ("restockLinesMax", RESTOCK_LINES_MAX as i64),
        ("stockMoveMax", STOCK_MOVE_MAX),
        ("pinLengthMin", PIN_LENGTH_MIN as i64),
        ("pinLengthMax", PIN_LENGTH_MAX as i64),
        ("attemptsMax", i64::from(ATTEMPTS_MAX)),
        ("lockoutMs", LOCKOUT_MS),
        ("householdCodeLengthMax", HouseholdCode::LENGTH_MAX as i64),
        ("staffIdLengthMax", StaffId::LENGTH_MAX as i64),
        ("skuLengthMax", Sku::LENGTH_MAX as i64),
        ("nameLengthMax", NAME_LENGTH_MAX as i64),
        ("reasonLengthMax", REASON_LENGTH_MAX as i64),
        ("unitLengthMax", UNIT_LENGTH_MAX as i64),
        ("categoryLengthMax", CATEGORY_LENGTH_MAX as i64),
        ("relationLengthMax", RELATION_LENGTH_MAX as i64),
        ("textLengthMax", TEXT_LENGTH_MAX as i64),
        ("recoveryCodeLength", RECOVERY_CODE_LENGTH as i64),
        ("coSignOldVoidMs", OLD_VOID_MS),
    ];
    for (key, value) in expected {
        assert_eq!(number(key), value, "{key}");
    }
    assert_eq!(
        get_string(&limits, "coSignDayLimit"),
        Points::from_hundredths(DAY_LIMIT).unwrap().to_fixed()
    );
    // The idle time is this kiosk's own, as it was opened.
    assert_eq!(number("sessionIdleMs"), 61_000);

    // Each role once, covering exactly what `Role::covers` says.
    let roles: js_sys::Array = get(&limits, "roles").dyn_into().unwrap();
    let names: Vec<String> = roles.iter().map(|r| get_string(&r, "role")).collect();
    assert_eq!(names, ["shopkeeper", "clerk", "admin", "auditor"]);
    for entry in roles.iter() {
        let role = Role::parse(&get_string(&entry, "role")).unwrap();
        let covers: js_sys::Array = get(&entry, "covers").dyn_into().unwrap();
        let covers: Vec<String> = covers.iter().map(|c| c.as_string().unwrap()).collect();
        let expected: Vec<&str> = names
            .iter()
            .filter(|needed| role.covers(Role::parse(needed).unwrap()))
            .map(String::as_str)
            .collect();
        assert_eq!(covers, expected, "{}", role.as_str());
    }
    finish(kiosk, "test-limits").await;
}

// The villager's bindings read their input by hand (`convert::Fields`), not
// through serde: a value of the wrong type, a fraction or text where an
// integer is due, a field left out, is refused as before (`INVALID_INPUT`
// for the call, the field named in the words) and changes nothing; what
// was read before still reads.

/// Asserts `error` is the refusal of bad input to `call`, its English words
/// holding `words`, its Chinese the plain "format is wrong".
fn assert_refused(error: &JsValue, call: &str, words: &str) {
    assert_eq!(code_of(error), "INVALID_INPUT", "{words}");
    assert_eq!(get_string(error, "field"), call, "{words}");
    let english = get_string(error, "messageEn");
    assert!(english.starts_with(&format!("{call}: ")), "{english}");
    assert!(english.contains(words), "{english} lacks {words}");
    assert_eq!(get_string(error, "message"), "填写的内容不对:格式不对");
}

async fn sign_in_with(kiosk: &Kiosk, input: serde_json::Value) -> Result<JsValue, JsValue> {
    settle(kiosk.sign_in(js(input))).await
}

#[wasm_bindgen_test]
async fn a_sign_in_of_the_wrong_shape_is_refused_and_changes_nothing() {
    let kiosk = demo("test-inputs-sign-in").await;
    let hash = kiosk.state_hash();
    let refusals = [
        (
            json!({ "household": "A001", "now": NOW }),
            "missing field `pin`",
        ),
        (
            json!({ "household": "A001", "pin": 3817, "now": NOW }),
            "`pin`: invalid type: number `3817`, expected a string",
        ),
        (
            json!({ "household": "A001", "pin": "3817", "now": 1.5 }),
            "`now`: invalid type: number `1.5`, expected an integer",
        ),
        (
            json!({ "household": "A001", "pin": "3817", "now": "1793000000000" }),
            "`now`: invalid type: string \"1793000000000\", expected an integer",
        ),
        (
            json!({ "household": "A001", "pin": "3817", "now": NOW, "pageMs": true }),
            "`pageMs`: invalid type: boolean `true`, expected an integer",
        ),
        // Beyond 2^53 a number is no longer an exact integer.
        (
            json!({ "household": "A001", "pin": "3817", "now": 9_007_199_254_740_993_f64 }),
            "expected an integer",
        ),
    ];
    for (input, words) in refusals {
        let error = sign_in_with(&kiosk, input).await.unwrap_err();
        assert_refused(&error, "signIn", words);
    }
    let error = settle(kiosk.sign_in(JsValue::from_str("A001")))
        .await
        .unwrap_err();
    assert_refused(
        &error,
        "signIn",
        "invalid type: string \"A001\", expected an object",
    );
    // No attempt was counted against the household: the right PIN opens.
    assert_eq!(kiosk.state_hash(), hash);
    let session = sign_in_with(
        &kiosk,
        json!({ "household": "A001", "pin": "3817", "now": NOW + 1, "pageMs": null, "extra": 1 }),
    )
    .await
    .unwrap();
    assert_eq!(get_string(&session, "balance"), "6.10");
    finish(kiosk, "test-inputs-sign-in").await;
}

#[wasm_bindgen_test]
async fn a_basket_of_the_wrong_shape_is_refused_by_quote_and_redeem() {
    let kiosk = demo("test-inputs-basket").await;
    let session = sign_in_with(
        &kiosk,
        json!({ "household": "A001", "pin": "3817", "now": NOW }),
    )
    .await
    .unwrap();
    let hash = kiosk.state_hash();
    let baskets = [
        (
            json!([{ "sku": "salt-500g", "qty": 1.5 }]),
            "`qty`: invalid type: number `1.5`",
        ),
        (
            json!([{ "sku": "salt-500g", "qty": "2" }]),
            "`qty`: invalid type: string \"2\"",
        ),
        (json!([{ "sku": "salt-500g" }]), "missing field `qty`"),
        (
            json!([{ "sku": 7, "qty": 1 }]),
            "`sku`: invalid type: number `7`",
        ),
        (json!(["salt-500g"]), "expected an object"),
        (
            json!({ "sku": "salt-500g", "qty": 1 }),
            "`lines`: invalid type: object, expected a list",
        ),
    ];
    for (lines, words) in baskets {
        let quoted = kiosk
            .quote(js(json!({ "household": "A001", "lines": lines })))
            .unwrap_err();
        assert_refused(&quoted, "quote", words);
        let input = js(json!({ "lines": lines, "requestId": "bad-basket", "now": NOW + 1 }));
        js_sys::Reflect::set(&input, &JsValue::from_str("session"), &session).unwrap();
        let redeemed = settle(kiosk.redeem(input)).await.unwrap_err();
        assert_refused(&redeemed, "redeem", words);
    }
    let no_request = js(json!({ "lines": [{ "sku": "salt-500g", "qty": 1 }], "now": NOW + 1 }));
    js_sys::Reflect::set(&no_request, &JsValue::from_str("session"), &session).unwrap();
    let error = settle(kiosk.redeem(no_request)).await.unwrap_err();
    assert_refused(&error, "redeem", "missing field `requestId`");
    assert_eq!(kiosk.state_hash(), hash);
    // A well-formed basket, a BigInt `now` among it, still redeems.
    let good =
        js(json!({ "lines": [{ "sku": "salt-500g", "qty": 2 }], "requestId": "good-basket" }));
    js_sys::Reflect::set(&good, &JsValue::from_str("session"), &session).unwrap();
    js_sys::Reflect::set(
        &good,
        &JsValue::from_str("now"),
        &js_sys::BigInt::from(NOW + 2).into(),
    )
    .unwrap();
    let receipt = settle(kiosk.redeem(good)).await.unwrap();
    assert_eq!(get_string(&receipt, "total"), "5.00");
    finish(kiosk, "test-inputs-basket").await;
}

#[wasm_bindgen_test]
async fn a_now_or_open_option_of_the_wrong_type_is_refused() {
    let kiosk = demo("test-inputs-now").await;
    assert_refused(
        &kiosk.board(JsValue::from_f64(0.5)).unwrap_err(),
        "now",
        "invalid type: number `0.5`, expected an integer",
    );
    assert!(kiosk.board(JsValue::from_f64(NOW as f64)).is_ok());
    let thanks = settle(kiosk.thanks(js(json!({ "now": "today" }))))
        .await
        .unwrap_err();
    assert_refused(&thanks, "thanks", "`now`: invalid type: string \"today\"");
    let thanks = settle(kiosk.thanks(js(json!({})))).await.unwrap_err();
    assert_refused(&thanks, "thanks", "missing field `now`");
    for (options, words) in [
        (
            json!({ "kioskId": 5 }),
            "`kioskId`: invalid type: number `5`, expected a string",
        ),
        (json!({ "pinIterations": 10 }), "missing field `kioskId`"),
        (
            json!({ "kioskId": "test-inputs-open", "pinIterations": -1 }),
            "`pinIterations`: invalid value: integer `-1`, expected u32",
        ),
        (
            json!({ "kioskId": "test-inputs-open", "allowCorrupt": null }),
            "`allowCorrupt`: invalid type: null, expected true or false",
        ),
    ] {
        let error = Kiosk::open(js(options)).await.err().unwrap();
        assert_refused(&error, "open", words);
    }
    let error = Kiosk::open(JsValue::UNDEFINED).await.err().unwrap();
    assert_refused(
        &error,
        "open",
        "invalid type: undefined, expected an object",
    );
    finish(kiosk, "test-inputs-now").await;
}
