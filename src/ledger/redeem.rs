//! Redeeming: a household signs in (with its PIN, a member's card, or a
//! shopkeeper's help), its basket is priced and redeemed as one entry with
//! a receipt, and a shopkeeper voids a redemption. Quotes and receipts are
//! read here too.
//!
//! The page's inputs of these calls are parsed here (the `…Input` types);
//! the shell adds what it makes itself, a session id, and reads the
//! villager's session apart.

use super::{
    entry_id, misrouted, Acting, Answer, BasketLine, Draft, Ledger, Operation, PinCheck, Planned,
    Quote, Receipt, ReceiptLine, Session, SessionId, BASKET_LINES_MAX, QUANTITY_MAX, SESSIONS_MAX,
    STOCK_MAX,
};
use super::{parse_household, parse_request, text, REASON_LENGTH_MAX};
use crate::credential::{household_key, Pin};
use crate::entry::{Actor, Body, RedeemedLine};
use crate::error::Error;
use crate::ids::{HouseholdCode, RequestId, Sku, Text};
use crate::points::{Points, POINTS_MAGNITUDE_MAX};
use crate::state::{parse_receipt_number, receipt_number, short_hash, HouseholdStatus, State};
use serde::Deserialize;

impl Ledger {
    /// Plans a sign-in, a redemption or a void.
    pub(super) fn plan_redeem(
        &mut self,
        acting: &Acting,
        operation: Operation,
    ) -> Result<Planned, Error> {
        Ok(match operation {
            Operation::SignIn {
                household,
                pin,
                session,
            } => {
                // A member's card signs in to its household, naming the member.
                let (household, collector) = match self.state.members.card(&household) {
                    Some((owner, member)) => (owner.clone(), Some(member.clone())),
                    None => (household, None),
                };
                self.plan_sign_in(household, collector, &pin, session, acting.now)?
            }
            #[cfg(feature = "staff")]
            Operation::AssistedSignIn { household, session } => {
                let Actor::Staff { staff } = acting.actor.clone() else {
                    return Err(Error::StaffAuthRequired);
                };
                self.redeemable_household(&household)?;
                self.check_sessions(acting.now)?;
                let session = Session {
                    id: session,
                    household,
                    assisted_by: Some(staff),
                    collector: None,
                    last_activity_ms: acting.now,
                };
                Planned::answer(Answer::SignIn(session))
            }
            Operation::Redeem {
                session,
                lines,
                request,
            } => self.plan_basket(session, &lines, request, acting.now_ms, acting.now)?,
            #[cfg(feature = "staff")]
            Operation::Void {
                redemption_seq,
                reason,
                request,
            } => {
                let receipt = receipt_number(&self.state, redemption_seq);
                match self.state.redemptions.get(&redemption_seq) {
                    None => return Err(Error::UnknownReceipt { receipt }),
                    Some(redemption) if redemption.voided => {
                        return Err(Error::AlreadyVoided { receipt })
                    }
                    Some(redemption) => {
                        let year = self.state.local_year(redemption.time_ms);
                        if self.state.closed_years.contains_key(&year) {
                            return Err(Error::YearClosed { year });
                        }
                        for line in &redemption.lines {
                            let stock = self.state.item(&line.sku).map_or(0, |item| item.stock);
                            if stock + i64::from(line.quantity) > STOCK_MAX {
                                return Err(Error::LimitReached {
                                    what: "stock",
                                    limit: STOCK_MAX,
                                });
                            }
                        }
                    }
                }
                let body = Body::RedemptionVoided {
                    redemption_seq,
                    reason,
                };
                acting.one(entry_id(&request), body)
            }
            _ => return Err(misrouted("redeem")),
        })
    }

    /// Prices a basket for a household without changing anything.
    pub fn quote(&self, household: &HouseholdCode, lines: &[BasketLine]) -> Result<Quote, Error> {
        let record = self.redeemable_household(household)?;
        let (lines, total) = self.price_basket(lines)?;
        let balance = record.balance;
        let balance_after = balance.checked_sub(total).unwrap_or(Points::ZERO);
        Ok(Quote {
            lines,
            total,
            balance,
            balance_after,
        })
    }

    /// The receipt of the redemption at `seq`.
    pub fn receipt(&self, seq: u64, repeated: bool) -> Result<Receipt, Error> {
        let Some(redemption) = self.state.redemptions.get(&seq) else {
            return Err(Error::UnknownReceipt {
                receipt: receipt_number(&self.state, seq),
            });
        };
        let household_name = self
            .state
            .household(&redemption.household)
            .map(|h| h.name.to_string())
            .unwrap_or_default();
        let lines = redemption
            .lines
            .iter()
            .map(|line| self.receipt_line(&line.sku, line.quantity, line.unit_price))
            .collect();
        Ok(Receipt {
            receipt_number: receipt_number(&self.state, seq),
            seq,
            time_ms: redemption.time_ms,
            household: redemption.household.clone(),
            household_name,
            lines,
            total: redemption.total,
            balance_after: redemption.balance_after,
            short_hash: short_hash(&redemption.hash),
            repeated,
            assisted_by: redemption.assisted_by.clone(),
            collector: redemption.collector.as_ref().map(Text::to_string),
            pin_reset_by: redemption.pin_reset_by.clone(),
        })
    }

    fn receipt_line(&self, sku: &Sku, quantity: u32, unit_price: Points) -> ReceiptLine {
        let (name_zh, name_en) = match self.state.item(sku) {
            Some(item) => (
                item.details.name_zh.to_string(),
                item.details
                    .name_en
                    .as_ref()
                    .map(Text::to_string)
                    .unwrap_or_default(),
            ),
            None => (sku.to_string(), sku.to_string()),
        };
        let line_total = unit_price
            .checked_mul(i64::from(quantity))
            .unwrap_or(Points::ZERO);
        ReceiptLine {
            sku: sku.clone(),
            name_zh,
            name_en,
            quantity,
            unit_price,
            line_total,
        }
    }

    fn plan_sign_in(
        &mut self,
        household: HouseholdCode,
        collector: Option<Text>,
        pin: &str,
        session: SessionId,
        now: i64,
    ) -> Result<Planned, Error> {
        self.redeemable_household(&household)?;
        let key = household_key(household.as_str());
        let missing = Error::NoPin {
            household: household.to_string(),
        };
        match self.check_pin(key, Pin::new(pin).as_ref(), now, missing)? {
            PinCheck::Wrong(credential, error) => Ok(PinCheck::refused(credential, error)),
            PinCheck::Right(credentials) => {
                self.check_sessions(now)?;
                let session = Session {
                    id: session,
                    household,
                    assisted_by: None,
                    collector,
                    last_activity_ms: now,
                };
                Ok(Planned::settled(credentials, Answer::SignIn(session)))
            }
        }
    }

    fn check_sessions(&mut self, now: i64) -> Result<(), Error> {
        let idle_ms = self.config.session_idle_ms;
        self.sessions
            .retain(|_, s| now - s.last_activity_ms <= idle_ms);
        if self.sessions.len() >= SESSIONS_MAX {
            let oldest = self
                .sessions
                .values()
                .min_by_key(|s| s.last_activity_ms)
                .map(|s| s.id.clone());
            if let Some(oldest) = oldest {
                self.sessions.remove(&oldest);
            }
        }
        Ok(())
    }

    /// The live session `id` at `now`, touched; expired ones are dropped.
    pub fn touch_session(&mut self, id: &SessionId, now_ms: i64) -> Result<&Session, Error> {
        let now = now_ms.max(self.time_high_ms);
        let idle_ms = self.config.session_idle_ms;
        match self.sessions.get(id) {
            Some(session) if now - session.last_activity_ms <= idle_ms => {}
            Some(_) => {
                self.sessions.remove(id);
                return Err(Error::SessionExpired);
            }
            None => return Err(Error::SessionExpired),
        }
        let session = self.sessions.get_mut(id).ok_or(Error::SessionExpired)?;
        session.last_activity_ms = now;
        Ok(session)
    }

    fn plan_basket(
        &mut self,
        session: SessionId,
        lines: &[BasketLine],
        request: RequestId,
        now_ms: i64,
        now: i64,
    ) -> Result<Planned, Error> {
        let session = self.touch_session(&session, now)?.clone();
        let household = self.redeemable_household(&session.household)?;
        let balance = household.balance;
        let (priced, total) = self.price_basket(lines)?;
        if total > balance {
            return Err(Error::InsufficientPoints {
                needed: total,
                available: balance,
            });
        }
        let actor = match &session.assisted_by {
            Some(staff) => Actor::Assisted {
                household: session.household.clone(),
                staff: staff.clone(),
            },
            None => Actor::Household {
                household: session.household.clone(),
            },
        };
        let lines = priced
            .iter()
            .map(|line| RedeemedLine {
                sku: line.sku.clone(),
                quantity: line.quantity,
                unit_price: line.unit_price,
            })
            .collect();
        let body = Body::Redeemed {
            household: session.household.clone(),
            lines,
            total,
            collector: session.collector.clone(),
        };
        let entries = self.seal(
            vec![Draft {
                actor,
                id: entry_id(&request),
                body,
            }],
            now_ms,
        )?;
        Ok(Planned::Settled {
            entries,
            credentials: Vec::new(),
            answer: Answer::Receipt { request },
        })
    }

    /// Checks a basket line by line and prices it.
    fn price_basket(&self, lines: &[BasketLine]) -> Result<(Vec<ReceiptLine>, Points), Error> {
        if lines.is_empty() {
            return Err(Error::EmptyBasket);
        }
        if lines.len() > BASKET_LINES_MAX {
            return Err(Error::TooManyLines {
                lines_max: BASKET_LINES_MAX,
            });
        }
        let mut priced: Vec<ReceiptLine> = Vec::with_capacity(lines.len());
        let mut total = Points::ZERO;
        for line in lines {
            let sku = Sku::new(&line.sku).map_err(|_| Error::UnknownItem {
                sku: line.sku.clone(),
            })?;
            let item = self.state.item(&sku).ok_or_else(|| Error::UnknownItem {
                sku: sku.to_string(),
            })?;
            if !item.active {
                return Err(Error::InactiveItem {
                    sku: sku.to_string(),
                });
            }
            if !(1..=QUANTITY_MAX).contains(&line.quantity) || priced.iter().any(|p| p.sku == sku) {
                return Err(Error::BadQuantity {
                    sku: sku.to_string(),
                    quantity: line.quantity,
                });
            }
            if line.quantity > item.stock {
                return Err(Error::OutOfStock {
                    sku: sku.to_string(),
                    needed: line.quantity,
                    available: item.stock,
                });
            }
            let quantity = line.quantity as u32;
            // Every stored amount stays within the range the decoder accepts.
            let within = |amount: Points| amount.hundredths() <= POINTS_MAGNITUDE_MAX;
            let too_much = || Error::LimitReached {
                what: "points",
                limit: POINTS_MAGNITUDE_MAX / 100,
            };
            let line_total = item
                .price
                .checked_mul(line.quantity)
                .filter(|a| within(*a))
                .ok_or_else(too_much)?;
            total = total
                .checked_add(line_total)
                .filter(|a| within(*a))
                .ok_or_else(too_much)?;
            priced.push(self.receipt_line(&sku, quantity, item.price));
        }
        Ok((priced, total))
    }

    /// A household that may redeem now: known, active, not negative.
    fn redeemable_household(
        &self,
        code: &HouseholdCode,
    ) -> Result<&crate::state::Household, Error> {
        let household = self.known_household(code)?;
        match household.status {
            HouseholdStatus::Active => {}
            HouseholdStatus::Suspended => {
                return Err(Error::Suspended {
                    household: code.to_string(),
                })
            }
            HouseholdStatus::MovedAway => {
                return Err(Error::MovedAway {
                    household: code.to_string(),
                })
            }
        }
        if household.balance.is_negative() {
            return Err(Error::NegativeBalance {
                balance: household.balance,
            });
        }
        if household.blacklisted && !self.state.settings.blacklist_redeem {
            return Err(Error::Blacklisted {
                household: code.to_string(),
            });
        }
        Ok(household)
    }
}

/// A basket priced for a household, as the page sends it to `quote`: `{
/// household, lines: [{ sku, qty }] }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuoteInput {
    household: String,
    lines: Vec<BasketLine>,
}

impl QuoteInput {
    /// The household and its basket, for [`Ledger::quote`]; the lines are
    /// checked there.
    pub fn basket(self) -> Result<(HouseholdCode, Vec<BasketLine>), Error> {
        Ok((parse_household(&self.household)?, self.lines))
    }
}

/// A household's sign-in as the page sends it to `signIn`: `{ household,
/// pin, now, pageMs }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInInput {
    household: String,
    pin: String,
    pub now: i64,
    /// The page's clock (ms since load); the shell reads it when absent.
    /// Tests pass it so a lockout's 5 minutes need no waiting.
    #[serde(default)]
    pub page_ms: Option<i64>,
}

impl SignInInput {
    /// The household signing in (or the member's card it holds), which the
    /// shell needs before the sign-in to keep its lockout in page time.
    pub fn household(&self) -> Result<HouseholdCode, Error> {
        parse_household(&self.household)
    }

    /// The sign-in, to open `session` (made by the shell at random).
    pub fn operation(self, session: SessionId) -> Result<Operation, Error> {
        Ok(Operation::SignIn {
            household: parse_household(&self.household)?,
            pin: self.pin,
            session,
        })
    }
}

/// A redemption as the page sends it to `redeem`: `{ session, lines: [{
/// sku, qty }], requestId, now }`. The session is read apart by the shell
/// (the object `signIn` answered, or its id).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RedeemInput {
    #[serde(rename = "session")]
    _session: serde::de::IgnoredAny,
    lines: Vec<BasketLine>,
    request_id: String,
    pub now: i64,
}

impl RedeemInput {
    /// The redemption of the basket by `session`; the lines are checked
    /// when it is planned.
    pub fn operation(self, session: SessionId) -> Result<Operation, Error> {
        Ok(Operation::Redeem {
            session,
            lines: self.lines,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// A shopkeeper signing a household in, as the page sends it to
/// `assistedSignIn`: `{ household }` (a `requestId` is allowed and unused:
/// a sign-in appends nothing).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssistedSignInInput {
    household: String,
    #[serde(rename = "requestId")]
    _request_id: Option<String>,
}

impl AssistedSignInInput {
    /// The sign-in, to open `session` (made by the shell at random).
    pub fn operation(self, session: SessionId) -> Result<Operation, Error> {
        Ok(Operation::AssistedSignIn {
            household: parse_household(&self.household)?,
            session,
        })
    }
}

/// A redemption voided by its receipt number, as the page sends it to
/// `voidRedemption`: `{ receipt, reason, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VoidInput {
    receipt: String,
    reason: String,
    request_id: String,
}

impl VoidInput {
    /// The void, the receipt number read against `state` (which kiosk's
    /// numbers these are).
    pub fn operation(self, state: &State) -> Result<Operation, Error> {
        let redemption_seq =
            parse_receipt_number(state, &self.receipt).ok_or_else(|| Error::UnknownReceipt {
                receipt: self.receipt.clone(),
            })?;
        Ok(Operation::Void {
            redemption_seq,
            reason: text("reason", &self.reason, REASON_LENGTH_MAX)?,
            request: parse_request(&self.request_id)?,
        })
    }
}
