//! The members half of the clerk's JS API: a household's member list, a
//! member's card, and the split (分户) and merge (合户) of households. Each
//! call carries `staffSession` and `now` like every staff call; the writing
//! ones take a `requestId`. Amounts cross as strings (`"8.00"`).

use crate::error::Error;
use crate::ledger::members::{AddMemberInput, MergeInput, RemoveMemberInput, SplitInput};
use crate::web::convert::{self, to_js};
use crate::web::kiosk::Kiosk;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberView {
    name: String,
    relation: String,
    card: Option<String>,
}

#[cfg(feature = "staff")]
#[wasm_bindgen]
impl Kiosk {
    /// A household's members, in the order added: `{ staffSession, now,
    /// household }` → `[{ name, relation, card }]`.
    #[wasm_bindgen(js_name = householdMembers)]
    pub fn household_members(&self, input: JsValue) -> Result<JsValue, JsValue> {
        let household = super::property(&input, "household")
            .as_string()
            .unwrap_or_default();
        self.staff_read(input, move |ledger| {
            let code = convert::household_code(&household)?;
            let state = ledger.state();
            if state.household(&code).is_none() {
                return Err(Error::UnknownHousehold { household });
            }
            let members: Vec<MemberView> = state
                .members
                .of(&code)
                .iter()
                .map(|m| MemberView {
                    name: m.name.to_string(),
                    relation: m.relation.to_string(),
                    card: m.card.as_ref().map(ToString::to_string),
                })
                .collect();
            Ok(to_js(&members))
        })
    }

    /// Clerk: `{ household, name, relation, card?, requestId }`. A card
    /// number must not be a household code or another member's card.
    #[wasm_bindgen(js_name = addMember)]
    pub fn add_member(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "addMember", |f: AddMemberInput, _| f.operation())
    }

    /// Clerk: `{ household, name, requestId }`; the member's card stops
    /// signing in.
    #[wasm_bindgen(js_name = removeMember)]
    pub fn remove_member(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "removeMember", |f: RemoveMemberInput, _| {
            f.operation()
        })
    }

    /// Clerk, 分户: `{ from, household, name, group?, kind?, amount,
    /// members: [name], reason, requestId }` registers `household` and
    /// moves `amount` of `from`'s points and the named members to it.
    #[wasm_bindgen(js_name = splitHousehold)]
    pub fn split_household(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "splitHousehold", |f: SplitInput, _| f.operation())
    }

    /// Clerk, 合户: `{ from, into, reason, requestId }` moves `from`'s whole
    /// balance and every member to `into`; `from` moves away.
    #[wasm_bindgen(js_name = mergeHousehold)]
    pub fn merge_household(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "mergeHousehold", |f: MergeInput, _| f.operation())
    }
}
