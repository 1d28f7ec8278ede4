//! The two-person rule (双人核对): what one staff member may not do alone.
//!
//! A village setting, on unless the village turned it off (an entry, and
//! printed on every report while off). While on, these need a second staff
//! member's name and PIN (`coSign`) beside the staff member who acts:
//!
//! - credits and corrections that take one household's manual moves of the
//!   village day above [`DAY_LIMIT`] (absolute amounts, the one being made
//!   included);
//! - voids of redemptions older than [`OLD_VOID_MS`];
//! - applying an import that credits or corrects points;
//! - a split or merge that moves more than [`DAY_LIMIT`].
//!
//! Without it the operation is refused with `SECOND_STAFF_REQUIRED` and
//! nothing changes. The co-signer must be another active staff member (not
//! an auditor, who changes nothing); a wrong co-sign PIN counts against the
//! co-signer like a wrong staff sign-in, with the same lockout. Each entry
//! the operation appends names the co-signer (`co_signed_by`), so the
//! journal, both CSVs and the reports show both hands. A co-sign given when
//! the rule does not ask for one is checked and recorded all the same.

use super::staff::PinCheck;
use super::{Draft, Ledger, Operation};
use crate::calendar::local_date;
use crate::credential::{staff_key, Credential, Pin};
use crate::entry::{Actor, Body, Role};
use crate::error::Error;
use crate::ids::{HouseholdCode, StaffId};
use crate::points::Points;
use crate::state::State;

/// Manual credits and corrections one household may receive in a village
/// day, in absolute amounts and hundredths, before a second staff member
/// must confirm: 50 points. Splits and merges share it.
pub const DAY_LIMIT: i64 = 50 * 100;

/// A redemption older than this (24 hours) is voided only with a co-sign.
pub const OLD_VOID_MS: i64 = 24 * 60 * 60 * 1000;

/// A second staff member's confirmation, as the page sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoSign {
    pub staff: StaffId,
    pub pin: String,
}

/// Which rule an operation falls under, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Guard {
    Manual,
    Void,
    Import,
    Transfer,
}

/// The guard of an operation, decided before it is taken apart.
pub(super) fn guard(operation: &Operation) -> Option<Guard> {
    match operation {
        Operation::Credit { .. } | Operation::Correct { .. } => Some(Guard::Manual),
        Operation::Void { .. } => Some(Guard::Void),
        Operation::Import { .. } => Some(Guard::Import),
        Operation::Members { .. } => Some(Guard::Transfer),
        _ => None,
    }
}

/// What the co-sign check found.
pub(super) enum CoSignCheck {
    /// Go on: the co-signer to record (if any) and the credential records
    /// to store beside the entries.
    Go {
        co_signed_by: Option<StaffId>,
        credentials: Vec<(String, Credential)>,
    },
    /// The co-sign PIN is wrong: the co-signer's counter to store, and the
    /// refusal to answer.
    Wrong((String, Credential), Error),
}

/// The credits and corrections of `household` on the village day of
/// `now_ms` already in the journal, in absolute hundredths.
///
/// "Today" is the wall clock's day and, while the wall clock is behind the
/// ledger's ([`crate::clock`], which never goes back), the ledger's day
/// too: a clock set back a few days does not open a fresh allowance beside
/// today's moves. A clock ahead of the last entry (the shop was closed over
/// a weekend) counts its own day only.
pub fn manual_moves_today(state: &State, household: &HouseholdCode, now_ms: i64) -> i64 {
    let offset = state.kiosk.as_ref().map_or(0, |k| k.utc_offset_minutes);
    let wall_day = local_date(now_ms, offset);
    let ledger_day = local_date(state.clock.ledger_ms.max(now_ms), offset);
    state.household(household).map_or(0, |record| {
        record
            .history
            .iter()
            .filter(|line| matches!(line.kind, "credited" | "corrected"))
            .filter(|line| {
                let day = local_date(line.time_ms, offset);
                day == wall_day || day == ledger_day
            })
            .fold(0i64, |sum, line| sum.saturating_add(absolute(line.change)))
    })
}

fn absolute(amount: Points) -> i64 {
    amount.hundredths().saturating_abs()
}

/// Why `drafts` need a second staff member, if they do (the reason code of
/// `SECOND_STAFF_REQUIRED`).
pub(super) fn needed(
    state: &State,
    guard: Guard,
    drafts: &[Draft],
    now_ms: i64,
) -> Option<&'static str> {
    match guard {
        Guard::Manual => {
            let mut sums: Vec<(HouseholdCode, i64)> = Vec::new();
            for draft in drafts {
                let (Body::Credited {
                    household, amount, ..
                }
                | Body::Corrected {
                    household, amount, ..
                }) = &draft.body
                else {
                    continue;
                };
                let index = match sums.iter().position(|(h, _)| h == household) {
                    Some(index) => index,
                    None => {
                        sums.push((household.clone(), manual_moves_today(state, household, now_ms)));
                        sums.len() - 1
                    }
                };
                let sum = &mut sums[index].1;
                *sum = sum.saturating_add(absolute(*amount));
            }
            sums.iter()
                .any(|(_, sum)| *sum > DAY_LIMIT)
                .then_some("credit_over_day_limit")
        }
        Guard::Void => drafts
            .iter()
            .any(|draft| match &draft.body {
                Body::RedemptionVoided { redemption_seq, .. } => state
                    .redemptions
                    .get(redemption_seq)
                    // Measured to the later of the wall clock and the
                    // ledger's, which never goes back: a clock set back
                    // does not make an old redemption young.
                    .is_some_and(|r| {
                        now_ms.max(state.clock.ledger_ms).saturating_sub(r.time_ms) > OLD_VOID_MS
                    }),
                _ => false,
            })
            .then_some("old_void"),
        Guard::Import => drafts
            .iter()
            .any(|draft| matches!(draft.body, Body::Credited { .. } | Body::Corrected { .. }))
            .then_some("import"),
        Guard::Transfer => drafts
            .iter()
            .any(|draft| {
                matches!(&draft.body, Body::PointsTransferred { amount, .. } if absolute(*amount) > DAY_LIMIT)
            })
            .then_some("transfer"),
    }
}

fn co_sign_refused(detail_zh: &str, detail: &str) -> Error {
    Error::invalid_with("coSign", detail_zh, detail)
}

impl Ledger {
    /// Applies the two-person rule to the drafts of a staff operation, and
    /// checks a co-sign if one came.
    pub(super) fn check_co_sign(
        &self,
        actor: &Actor,
        guard: Option<Guard>,
        drafts: &[Draft],
        co_sign: Option<&CoSign>,
        now_ms: i64,
        now: i64,
    ) -> Result<CoSignCheck, Error> {
        let Actor::Staff { staff: acting } = actor else {
            // The kiosk's own entries and a village without staff have no
            // second hand to ask for; a co-sign there is a caller's mistake.
            if co_sign.is_some() {
                return Err(co_sign_refused(
                    "只有工作人员的操作需要第二位工作人员确认",
                    "only a staff member's action takes a second staff member's confirmation",
                ));
            }
            return Ok(CoSignCheck::Go {
                co_signed_by: None,
                credentials: Vec::new(),
            });
        };
        let Some(co_sign) = co_sign else {
            let reason = guard
                .filter(|_| self.state.settings.two_person_rule && !drafts.is_empty())
                .and_then(|guard| needed(&self.state, guard, drafts, now_ms));
            if let Some(reason) = reason {
                return Err(Error::SecondStaffRequired { reason });
            }
            return Ok(CoSignCheck::Go {
                co_signed_by: None,
                credentials: Vec::new(),
            });
        };
        if co_sign.staff == *acting {
            return Err(co_sign_refused(
                "确认的要是另一位工作人员,不能是本人",
                "the confirming staff member must be someone other than the one acting",
            ));
        }
        let can_sign = self
            .state
            .staff
            .get(&co_sign.staff)
            .is_some_and(|m| m.active && m.role != Role::Auditor);
        if !can_sign {
            return Err(co_sign_refused(
                "确认人不是在职的工作人员(监督委员会成员不能确认)",
                "the confirming staff member is not an active staff member (an auditor cannot confirm)",
            ));
        }
        let missing = Error::NoPin {
            household: co_sign.staff.to_string(),
        };
        let pin = Pin::new(&co_sign.pin);
        Ok(
            match self.check_pin(
                staff_key(co_sign.staff.as_str()),
                pin.as_ref(),
                now,
                missing,
            )? {
                PinCheck::Wrong(credential, error) => CoSignCheck::Wrong(credential, error),
                PinCheck::Right(credentials) => CoSignCheck::Go {
                    co_signed_by: Some(co_sign.staff.clone()),
                    credentials,
                },
            },
        )
    }
}
