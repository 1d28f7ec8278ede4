//! Printing, in the JS API: household cards and shelf labels as A4 sheets of
//! SVG, drawn by the core's [`crate::labels`] from the kiosk's state. Both
//! are staff reads: `{ staffSession, now, … }`, refused with
//! `STAFF_AUTH_REQUIRED` without a live staff session; they change nothing.

use super::convert::{self, from_js, to_js};
use super::kiosk::Kiosk;
use crate::error::Error;
use crate::ids::Sku;
use crate::labels;
use wasm_bindgen::prelude::*;

/// An optional list of strings in the input object, e.g. `households`.
fn list(input: &JsValue, key: &'static str) -> Result<Option<Vec<String>>, Error> {
    let value = js_sys::Reflect::get(input, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    from_js(value, key)
}

#[cfg(feature = "staff")]
#[wasm_bindgen]
impl Kiosk {
    /// Household cards on A4 sheets of ten: `{ staffSession, now,
    /// households?: ["A001", …] }` → one SVG string per sheet. Without
    /// `households`, every household's card. An unknown code is
    /// `UNKNOWN_HOUSEHOLD`; more than 500 cards, `LIMIT_REACHED`.
    #[wasm_bindgen(js_name = householdCards)]
    pub fn household_cards(&self, input: JsValue) -> Result<JsValue, JsValue> {
        let households = list(&input, "households");
        self.staff_read(input, move |ledger| {
            let codes = match households? {
                None => None,
                Some(list) => {
                    let mut codes = Vec::with_capacity(list.len());
                    for code in &list {
                        codes.push(convert::household_code(code)?);
                    }
                    Some(codes)
                }
            };
            let cards = labels::cards_of(ledger.state(), codes.as_deref())?;
            Ok(to_js(&labels::card_sheet_svg(&cards)?))
        })
    }

    /// Shelf labels on A4 sheets of 24 (70 × 37 mm): `{ staffSession, now,
    /// skus?: ["salt-500g", …] }` → one SVG string per sheet. Without
    /// `skus`, every active item's label. An unknown SKU is `UNKNOWN_ITEM`;
    /// more than 500 labels, `LIMIT_REACHED`.
    #[wasm_bindgen(js_name = shelfLabels)]
    pub fn shelf_labels(&self, input: JsValue) -> Result<JsValue, JsValue> {
        let skus = list(&input, "skus");
        self.staff_read(input, move |ledger| {
            let skus = match skus? {
                None => None,
                Some(list) => {
                    let mut skus = Vec::with_capacity(list.len());
                    for sku in list {
                        match Sku::new(&sku) {
                            Ok(valid) => skus.push(valid),
                            Err(_) => return Err(Error::UnknownItem { sku }),
                        }
                    }
                    Some(skus)
                }
            };
            let items = labels::labels_of(ledger.state(), skus.as_deref())?;
            Ok(to_js(&labels::label_sheet_svg(&items)?))
        })
    }
}
