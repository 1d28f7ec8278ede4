//! Households: registering and updating them, suspending, reinstating and
//! marking them moved away, and their PINs (set by a shopkeeper, unlocked
//! after too many wrong ones).
//!
//! Each operation's input is parsed here from the page's shape (the
//! `…Input` types, camelCase as JS sends them), so the binding only forwards.

use super::staff::parse_pin;
use super::{entry_id, misrouted, Acting, Ledger, Operation, Planned, HOUSEHOLDS_MAX};
use super::{parse_household, parse_new_household, parse_request, text};
use super::{NAME_LENGTH_MAX, REASON_LENGTH_MAX};
use crate::credential::{household_key, Credential};
use crate::entry::{Body, HouseholdKind};
use crate::error::Error;
use crate::ids::{HouseholdCode, Text};
use crate::state::HouseholdStatus;
use serde::Deserialize;

impl Ledger {
    /// Plans a household operation.
    pub(super) fn plan_households(
        &self,
        acting: &Acting,
        operation: Operation,
    ) -> Result<Planned, Error> {
        Ok(match operation {
            Operation::RegisterHousehold {
                household,
                name,
                group,
                kind,
                request,
            } => {
                if crate::ledger::members::card_in_use(&self.state, &household) {
                    return Err(Error::AlreadyExists {
                        what: "household",
                        key: household.to_string(),
                    });
                }
                self.check_limit("households", self.state.households.len(), HOUSEHOLDS_MAX)?;
                let body = Body::HouseholdRegistered {
                    household,
                    name,
                    group,
                    household_kind: kind,
                };
                acting.one(entry_id(&request), body)
            }
            Operation::UpdateHousehold {
                household,
                name,
                group,
                kind,
                request,
            } => {
                self.known_household(&household)?;
                let body = Body::HouseholdUpdated {
                    household,
                    name,
                    group,
                    household_kind: kind,
                };
                acting.one(entry_id(&request), body)
            }
            Operation::SetHouseholdStatus {
                household,
                status,
                reason,
                request,
            } => {
                self.known_household(&household)?;
                let body = match status {
                    HouseholdStatus::Active => Body::HouseholdReinstated { household, reason },
                    HouseholdStatus::Suspended => Body::HouseholdSuspended { household, reason },
                    HouseholdStatus::MovedAway => Body::HouseholdMovedAway { household, reason },
                };
                acting.one(entry_id(&request), body)
            }
            Operation::SetPin {
                household,
                pin,
                salt,
                request,
            } => {
                self.known_household(&household)?;
                let key = household_key(household.as_str());
                let credential = self.fresh_pin(&key, &pin, &salt);
                let body = Body::PinSet { household };
                acting.one_with_credential(entry_id(&request), body, (key, credential))
            }
            Operation::Unlock { household, request } => {
                self.known_household(&household)?;
                let key = household_key(household.as_str());
                let credential = self.credentials.get(&key).cloned().unwrap_or_default();
                let credential = Credential {
                    failures: 0,
                    locked_until_ms: 0,
                    ..credential
                };
                let body = Body::HouseholdUnlocked { household };
                acting.one_with_credential(entry_id(&request), body, (key, credential))
            }
            _ => return Err(misrouted("households")),
        })
    }

    pub(super) fn known_household(
        &self,
        code: &HouseholdCode,
    ) -> Result<&crate::state::Household, Error> {
        self.state
            .household(code)
            .ok_or_else(|| Error::UnknownHousehold {
                household: code.to_string(),
            })
    }
}

/// A household's kind as the page names it: none is a family.
fn parse_kind(value: Option<String>) -> Result<HouseholdKind, Error> {
    match value.as_deref() {
        None | Some("family") => Ok(HouseholdKind::Family),
        Some("unit") => Ok(HouseholdKind::Unit),
        Some(_) => Err(Error::invalid_with(
            "kind",
            "类型只能是家庭或单位",
            "kind is family or unit",
        )),
    }
}

/// A household as the page sends it to `registerHousehold` and
/// `updateHousehold`: `{ household, name, group, kind, requestId }`; no
/// group is `-`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HouseholdInput {
    household: String,
    name: String,
    group: Option<String>,
    kind: Option<String>,
    request_id: String,
}

impl HouseholdInput {
    /// A new household: a malformed code is bad input.
    pub fn register(self) -> Result<Operation, Error> {
        let household = parse_new_household(&self.household)?;
        let (name, group, kind) = described(&self.name, self.group.as_deref(), self.kind)?;
        Ok(Operation::RegisterHousehold {
            household,
            name,
            group,
            kind,
            request: parse_request(&self.request_id)?,
        })
    }

    /// A known household's new name, group or kind.
    pub fn update(self) -> Result<Operation, Error> {
        let household = parse_household(&self.household)?;
        let (name, group, kind) = described(&self.name, self.group.as_deref(), self.kind)?;
        Ok(Operation::UpdateHousehold {
            household,
            name,
            group,
            kind,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// A household's name, group and kind, read in that order (a registration,
/// an update, a split): no group is `-`, no kind a family.
pub(super) fn described(
    name: &str,
    group: Option<&str>,
    kind: Option<String>,
) -> Result<(Text, Text, HouseholdKind), Error> {
    Ok((
        text("name", name, NAME_LENGTH_MAX)?,
        text("group", group.unwrap_or("-"), NAME_LENGTH_MAX)?,
        parse_kind(kind)?,
    ))
}

/// A household suspended, reinstated or moved away, as the page sends it
/// to `setHouseholdStatus`: `{ household, status: "active" | "suspended" |
/// "moved_away", reason, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StatusInput {
    household: String,
    status: String,
    reason: String,
    request_id: String,
}

impl StatusInput {
    pub fn operation(self) -> Result<Operation, Error> {
        let status = match self.status.as_str() {
            "active" => HouseholdStatus::Active,
            "suspended" => HouseholdStatus::Suspended,
            "moved_away" => HouseholdStatus::MovedAway,
            _ => return Err(Error::invalid_with("status", "状态不对", "unknown status")),
        };
        Ok(Operation::SetHouseholdStatus {
            household: parse_household(&self.household)?,
            status,
            reason: text("reason", &self.reason, REASON_LENGTH_MAX)?,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// A household's PIN set or reset, as the page sends it to `setPin`: `{
/// household, pin, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PinInput {
    household: String,
    pin: String,
    request_id: String,
}

impl PinInput {
    /// The PIN is hashed with `salt`, random bytes from the shell.
    pub fn operation(self, salt: [u8; 16]) -> Result<Operation, Error> {
        Ok(Operation::SetPin {
            household: parse_household(&self.household)?,
            pin: parse_pin("pin", &self.pin)?,
            salt,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// A household locked by wrong PINs unlocked, as the page sends it to
/// `unlockHousehold`: `{ household, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnlockInput {
    household: String,
    request_id: Option<String>,
}

impl UnlockInput {
    pub fn operation(self) -> Result<Operation, Error> {
        let request_id = self.request_id.ok_or_else(|| {
            Error::invalid_with("requestId", "缺少请求号", "requestId is missing")
        })?;
        Ok(Operation::Unlock {
            household: parse_household(&self.household)?,
            request: parse_request(&request_id)?,
        })
    }
}
