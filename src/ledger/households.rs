//! Households: registering and updating them, suspending, reinstating and
//! marking them moved away, and their PINs (set by a shopkeeper, unlocked
//! after too many wrong ones).

use super::{entry_id, misrouted, Acting, Ledger, Operation, Planned, HOUSEHOLDS_MAX};
use crate::credential::{household_key, Credential};
use crate::entry::Body;
use crate::error::Error;
use crate::ids::HouseholdCode;
use crate::state::HouseholdStatus;

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
