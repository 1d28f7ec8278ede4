//! Points in by hand: a credit keyed by household, period and source (a
//! repeat of the key appends nothing), and a correction, which may name the
//! credit it corrects. The platform's own credits take the same path,
//! appended by the kiosk itself.

use super::{entry_id, misrouted, Acting, Ledger, Operation, Planned};
use crate::entry::{Body, EntryId};
use crate::error::Error;
use crate::points::Points;

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
