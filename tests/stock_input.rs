//! The stock operations' inputs as the page sends them, parsed in the core
//! (`ledger::stock`): a good shape becomes its operation; a bad one is
//! refused naming its field, the first bad field in the order the form shows
//! them; an unknown key is refused before anything is read.

use aixin_kiosk::ledger::stock::{
    ActiveInput, AdjustInput, CountInput, ItemInput, RepriceInput, RestockInput,
};
use aixin_kiosk::ledger::{BasketLine, Operation};
use serde_json::{json, Value};
use shapes::{outcome, read, with};

mod shapes;

fn item(changes: Value) -> Value {
    let base = json!({
        "sku": "salt-500g",
        "nameZh": "食盐 500g",
        "unit": "袋",
        "category": "grain",
        "price": "2.50",
        "requestId": "r-1",
    });
    with(&base, &changes)
}

#[test]
fn an_item_is_read_field_by_field_and_refused_at_its_first_bad_field() {
    let cases = [
        (json!({}), "ok"),
        (json!({ "price": "0.5x" }), "price"),
        (json!({ "price": null }), "price"),
        (json!({ "barcode": "12" }), "barcode"),
        (json!({ "barcode": "12", "nameZh": "" }), "barcode"),
        (json!({ "nameZh": "", "unit": "" }), "nameZh"),
        (json!({ "unit": "一个很长很长的单位名字" }), "unit"),
        (json!({ "lowStock": 10_001 }), "lowStock"),
        (json!({ "sku": "" }), "sku"),
        (json!({ "requestId": "" }), "requestId"),
    ];
    for (changes, expected) in cases {
        let input: ItemInput = read(item(changes.clone()));
        assert_eq!(outcome(input.add()), expected, "{changes}");
    }
    // Updating takes no price: a missing one is no refusal.
    let input: ItemInput = read(item(json!({ "price": null })));
    assert_eq!(outcome(input.update()), "ok");
}

#[test]
fn an_item_becomes_its_operation() {
    let input: ItemInput = read(item(json!({ "nameEn": "  ", "barcode": "6901234567892" })));
    let Ok(Operation::AddItem {
        sku,
        details,
        price,
        request,
    }) = input.add()
    else {
        panic!("not an item added")
    };
    assert_eq!(sku.as_str(), "salt-500g");
    assert_eq!(price.to_fixed(), "2.50");
    assert_eq!(request.as_str(), "r-1");
    assert_eq!(details.name_en, None, "a blank English name is none");
    assert_eq!(
        details.barcode.as_ref().map(|b| b.as_str()),
        Some("6901234567892")
    );
}

#[test]
fn restock_reprice_active_adjust_and_count_inputs() {
    let restock: RestockInput = read(json!({
        "donor": "县妇联",
        "sourceType": "organisation",
        "lines": [{ "sku": "salt-500g", "qty": 3 }],
        "declaredValue": "",
        "requestId": "r-2",
    }));
    let Ok(Operation::Restock {
        lines,
        declared_value,
        ..
    }) = restock.operation()
    else {
        panic!("not a restock")
    };
    assert_eq!(
        lines,
        vec![BasketLine {
            sku: "salt-500g".into(),
            quantity: 3
        }]
    );
    assert_eq!(declared_value, None, "a blank declared value is none");

    let refused = [
        (
            outcome(
                read::<RestockInput>(json!({
                    "donor": "县妇联", "sourceType": "bank", "lines": [], "requestId": "r-3",
                }))
                .operation(),
            ),
            "sourceType",
        ),
        (
            outcome(
                read::<RepriceInput>(
                    json!({ "sku": "salt-500g", "price": "-1", "requestId": "r-4" }),
                )
                .operation(),
            ),
            "price",
        ),
        (
            outcome(
                read::<ActiveInput>(json!({ "sku": "", "active": false, "requestId": "r-5" }))
                    .operation(),
            ),
            "sku",
        ),
        (
            outcome(
                read::<AdjustInput>(
                    json!({ "sku": "salt-500g", "delta": -2, "reason": "", "requestId": "r-6" }),
                )
                .operation(),
            ),
            "reason",
        ),
        (
            outcome(
                read::<CountInput>(json!({
                    "counts": [{ "sku": "salt-500g", "counted": 7 }, { "sku": "", "counted": 1 }],
                    "reason": "月底盘点",
                    "requestId": "r-7",
                }))
                .operation(),
            ),
            "sku",
        ),
    ];
    for (got, expected) in refused {
        assert_eq!(got, expected);
    }

    let count: CountInput = read(json!({
        "counts": [{ "sku": "salt-500g", "counted": 7 }],
        "reason": "月底盘点",
        "requestId": "r-8",
    }));
    let Ok(Operation::StockCount { counts, .. }) = count.operation() else {
        panic!("not a stock count")
    };
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].0.as_str(), counts[0].1), ("salt-500g", 7));
}

#[test]
fn an_unknown_key_is_refused_before_anything_is_read() {
    let line = json!({
        "donor": "县妇联",
        "sourceType": "organisation",
        "lines": [{ "sku": "salt-500g", "quantity": 3 }],
        "requestId": "r-9",
    });
    assert!(serde_json::from_value::<RestockInput>(line).is_err());
    assert!(serde_json::from_value::<ItemInput>(item(json!({ "colour": "red" }))).is_err());
}
