//! The members half of the clerk's JS API: a household's member list, a
//! member's card, and the split (分户) and merge (合户) of households. Each
//! call carries `staffSession` and `now` like every staff call; the writing
//! ones take a `requestId`. Amounts cross as strings (`"8.00"`).

use super::{amount, household_kind, request, text};
use crate::error::Error;
use crate::ledger::members::MemberOperation;
use crate::ledger::{Operation, NAME_LENGTH_MAX, REASON_LENGTH_MAX};
use crate::web::convert::{self, to_js};
use crate::web::kiosk::Kiosk;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// The longest relation (户主, 配偶, 子女 …).
const RELATION_LENGTH_MAX: usize = 20;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AddMemberInput {
    household: String,
    name: String,
    relation: String,
    card: Option<String>,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RemoveMemberInput {
    household: String,
    name: String,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SplitInput {
    from: String,
    household: String,
    name: String,
    group: Option<String>,
    kind: Option<String>,
    amount: String,
    #[serde(default)]
    members: Vec<String>,
    reason: String,
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MergeInput {
    from: String,
    into: String,
    reason: String,
    request_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberView {
    name: String,
    relation: String,
    card: Option<String>,
}

fn member_name(value: &str) -> Result<crate::ids::Text, Error> {
    text("name", value, NAME_LENGTH_MAX)
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
        self.staff_call(input, "addMember", |f: AddMemberInput, _| {
            let card = f
                .card
                .filter(|card| !card.trim().is_empty())
                .map(|card| {
                    crate::ids::HouseholdCode::new(card.trim())
                        .map_err(|problem| Error::invalid("card", &problem))
                })
                .transpose()?;
            Ok(Operation::Members {
                operation: MemberOperation::AddMember {
                    household: convert::household_code(&f.household)?,
                    member: member_name(&f.name)?,
                    relation: text("relation", &f.relation, RELATION_LENGTH_MAX)?,
                    card,
                },
                request: request(&f.request_id)?,
            })
        })
    }

    /// Clerk: `{ household, name, requestId }`; the member's card stops
    /// signing in.
    #[wasm_bindgen(js_name = removeMember)]
    pub fn remove_member(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "removeMember", |f: RemoveMemberInput, _| {
            Ok(Operation::Members {
                operation: MemberOperation::RemoveMember {
                    household: convert::household_code(&f.household)?,
                    member: member_name(&f.name)?,
                },
                request: request(&f.request_id)?,
            })
        })
    }

    /// Clerk, 分户: `{ from, household, name, group?, kind?, amount,
    /// members: [name], reason, requestId }` registers `household` and
    /// moves `amount` of `from`'s points and the named members to it.
    #[wasm_bindgen(js_name = splitHousehold)]
    pub fn split_household(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "splitHousehold", |f: SplitInput, _| {
            let members = f
                .members
                .iter()
                .map(|name| member_name(name))
                .collect::<Result<Vec<_>, Error>>()?;
            Ok(Operation::Members {
                operation: MemberOperation::Split {
                    from: convert::household_code(&f.from)?,
                    household: convert::new_household_code(&f.household)?,
                    name: text("name", &f.name, NAME_LENGTH_MAX)?,
                    group: text("group", f.group.as_deref().unwrap_or("-"), NAME_LENGTH_MAX)?,
                    kind: household_kind(f.kind)?,
                    amount: amount("amount", &f.amount)?,
                    members,
                    reason: text("reason", &f.reason, REASON_LENGTH_MAX)?,
                },
                request: request(&f.request_id)?,
            })
        })
    }

    /// Clerk, 合户: `{ from, into, reason, requestId }` moves `from`'s whole
    /// balance and every member to `into`; `from` moves away.
    #[wasm_bindgen(js_name = mergeHousehold)]
    pub fn merge_household(&self, input: JsValue) -> js_sys::Promise {
        self.staff_call(input, "mergeHousehold", |f: MergeInput, _| {
            Ok(Operation::Members {
                operation: MemberOperation::Merge {
                    from: convert::household_code(&f.from)?,
                    into: convert::household_code(&f.into)?,
                    reason: text("reason", &f.reason, REASON_LENGTH_MAX)?,
                },
                request: request(&f.request_id)?,
            })
        })
    }
}
