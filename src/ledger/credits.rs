//! Points in by hand: a credit keyed by household, period and source (a
//! repeat of the key appends nothing), and a correction, which may name the
//! credit it corrects. The platform's own credits take the same path,
//! appended by the kiosk itself.
//!
//! The inputs of a credit and a correction are parsed here from the page's
//! shape, so the binding only forwards them.

use super::{entry_id, misrouted, Acting, Ledger, Operation, Planned};
use super::{optional_text, parse_amount, parse_household, parse_request, parse_signed_amount};
use super::{text, NAME_LENGTH_MAX, REASON_LENGTH_MAX};
use crate::entry::{Body, EntryId};
use crate::error::Error;
use crate::ids::Period;
use crate::points::Points;
use serde::Deserialize;

impl Ledger {
    /// Plans a credit or a correction.
    pub(super) fn plan_credits(
        &self,
        acting: &Acting,
        operation: Operation,
    ) -> Result<Planned, Error> {
        Ok(match operation {
            Operation::Credit {
                household,
                amount,
                period,
                source,
                reason,
            }
            | Operation::PlatformCredit {
                household,
                amount,
                period,
                source,
                reason,
            } => {
                self.known_household(&household)?;
                if amount.is_negative() {
                    return Err(Error::invalid_with(
                        "amount",
                        "积分不能是负数",
                        "a credit may not be negative",
                    ));
                }
                let key = (household.clone(), period.clone(), source.clone());
                if let Some(&(seq, _)) = self.state.credits.get(&key) {
                    Planned::repeated(vec![seq])
                } else {
                    let id = EntryId::derived(&format!("credit:{household}:{period}:{source}"));
                    let body = Body::Credited {
                        household,
                        amount,
                        period,
                        source,
                        reason,
                        rules_version: self.state.rules.version,
                    };
                    acting.one(id, body)
                }
            }
            #[cfg(feature = "staff")]
            Operation::Correct {
                household,
                amount,
                refers_to_seq,
                reason,
                request,
            } => {
                self.known_household(&household)?;
                if amount == Points::ZERO {
                    return Err(Error::invalid_with(
                        "amount",
                        "调整数额不能是 0",
                        "a correction may not be zero",
                    ));
                }
                if let Some(seq) = refers_to_seq {
                    let refers_to_credit = self
                        .state
                        .credits
                        .values()
                        .any(|(credit_seq, _)| *credit_seq == seq);
                    if !refers_to_credit {
                        return Err(Error::invalid_with(
                            "refersTo",
                            "找不到要调整的那笔积分",
                            "no credit with that seq",
                        ));
                    }
                }
                let body = Body::Corrected {
                    household,
                    amount,
                    refers_to_seq,
                    reason,
                };
                acting.one(entry_id(&request), body)
            }
            _ => return Err(misrouted("credits")),
        })
    }
}

/// A credit by hand, as the page sends it to `credit`: `{ household,
/// amount, period, source, reason }`; no source is `evaluation`. It takes
/// no request id: the key (household, period, source) credits once, ever.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreditInput {
    household: String,
    amount: String,
    period: String,
    source: Option<String>,
    reason: Option<String>,
}

impl CreditInput {
    pub fn operation(self) -> Result<Operation, Error> {
        Ok(Operation::Credit {
            household: parse_household(&self.household)?,
            amount: parse_amount("amount", &self.amount)?,
            period: Period::new(&self.period)
                .map_err(|problem| Error::invalid("period", &problem))?,
            source: text(
                "source",
                self.source.as_deref().unwrap_or("evaluation"),
                NAME_LENGTH_MAX,
            )?,
            reason: optional_text("reason", self.reason, REASON_LENGTH_MAX)?,
        })
    }
}

/// A signed correction, as the page sends it to `correct`: `{ household,
/// amount: "-3.50", refersToSeq, reason, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CorrectInput {
    household: String,
    amount: String,
    refers_to_seq: Option<u64>,
    reason: String,
    request_id: String,
}

impl CorrectInput {
    pub fn operation(self) -> Result<Operation, Error> {
        Ok(Operation::Correct {
            household: parse_household(&self.household)?,
            amount: parse_signed_amount("amount", &self.amount)?,
            refers_to_seq: self.refers_to_seq,
            reason: text("reason", &self.reason, REASON_LENGTH_MAX)?,
            request: parse_request(&self.request_id)?,
        })
    }
}
