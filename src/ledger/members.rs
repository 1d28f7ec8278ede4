//! Households' members, and the split (分户) and merge (合户) of households.
//!
//! The household stays the unit of account (以家庭为单位): a member has no
//! balance of their own. A member may carry a card whose number signs in to
//! the household's balance like the household's code, and the redemption
//! then records the member as its collector (领取人). Card numbers are unique
//! among every household code and every card, so a scanned number always
//! means one household.
//!
//! Points pass between households only by a split or a merge, as one
//! `points_transferred` entry that holds both sides and so sums to zero: a
//! split gives part of a balance to the household newly registered from it,
//! before that household holds anything else; a merge gives a household's
//! whole balance to the one it joins, and the household moves away. The
//! fold ([`apply`]) refuses any other transfer, so even a journal edited
//! with correct hashes cannot move points between two households at will.
//! Nothing here reads the clock or storage. The operations' inputs are
//! parsed here from the page's shape, so the binding only forwards them.

use super::households::described;
use super::{parse_amount, parse_household, parse_new_household, parse_request, text};
use super::{NAME_LENGTH_MAX, REASON_LENGTH_MAX};
use crate::entry::{Body, Entry, EntryId, HouseholdKind, TransferKind};
use crate::error::Error;
use crate::ids::{HouseholdCode, RequestId, Text};
use crate::points::Points;
use crate::state::{ApplyError, HouseholdStatus, Note, SortedMap, State};
use serde::Deserialize;

/// Members one household may list.
pub const MEMBERS_MAX: usize = 20;
/// The longest relation (户主, 配偶, 子女 …), in characters.
pub const RELATION_LENGTH_MAX: usize = 20;

/// One member of a household.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub name: Text,
    /// 户主, 配偶, 子女, 父母 … as the clerk writes it.
    pub relation: Text,
    pub card: Option<HouseholdCode>,
}

/// Every household's members, and the cards that sign in to them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Members {
    pub by_household: SortedMap<HouseholdCode, Vec<Member>>,
    /// Card number → its household and member.
    pub cards: SortedMap<HouseholdCode, (HouseholdCode, Text)>,
}

impl Members {
    /// A household's members, in the order they were added.
    pub fn of(&self, household: &HouseholdCode) -> &[Member] {
        self.by_household.get(household).map_or(&[], Vec::as_slice)
    }

    /// The household and member a card number signs in to.
    pub fn card(&self, card: &HouseholdCode) -> Option<&(HouseholdCode, Text)> {
        self.cards.get(card)
    }

    fn member(&self, household: &HouseholdCode, name: &Text) -> Option<&Member> {
        self.of(household).iter().find(|m| &m.name == name)
    }
}

/// What may be asked about members, splits and merges (all the clerk's).
#[derive(Clone, Debug)]
pub enum MemberOperation {
    AddMember {
        household: HouseholdCode,
        member: Text,
        relation: Text,
        card: Option<HouseholdCode>,
    },
    RemoveMember {
        household: HouseholdCode,
        member: Text,
    },
    /// 分户: registers `household` from `from`, gives it `amount` of the
    /// balance and moves the named members (with their cards) over.
    Split {
        from: HouseholdCode,
        household: HouseholdCode,
        name: Text,
        group: Text,
        kind: HouseholdKind,
        amount: Points,
        members: Vec<Text>,
        reason: Text,
    },
    /// 合户: `from` joins `into` with its whole balance and every member,
    /// and moves away.
    Merge {
        from: HouseholdCode,
        into: HouseholdCode,
        reason: Text,
    },
}

impl super::Ledger {
    /// Plans a members operation, a split or a merge.
    pub(super) fn plan_members(
        &self,
        acting: &super::Acting,
        operation: MemberOperation,
        request: &RequestId,
    ) -> Result<super::Planned, Error> {
        if matches!(operation, MemberOperation::Split { .. }) {
            self.check_limit(
                "households",
                self.state.households.len(),
                super::HOUSEHOLDS_MAX,
            )?;
        }
        let planned = plan(&self.state, operation, request)?;
        Ok(super::Planned::entries(acting.drafts(planned)))
    }
}

/// The entries an operation appends, with their ids: the first carries the
/// request's id, the others ids derived from it and their place.
pub(crate) fn plan(
    state: &State,
    operation: MemberOperation,
    request: &RequestId,
) -> Result<Vec<(EntryId, Body)>, Error> {
    let bodies = match operation {
        MemberOperation::AddMember {
            household,
            member,
            relation,
            card,
        } => {
            open_household(state, &household)?;
            check_new_member(state, &household, &member, card.as_ref(), 1)?;
            vec![Body::MemberAdded {
                household,
                member,
                relation,
                card,
            }]
        }
        MemberOperation::RemoveMember { household, member } => {
            known(state, &household)?;
            if state.members.member(&household, &member).is_none() {
                return Err(no_such_member(&household, &member));
            }
            vec![Body::MemberRemoved { household, member }]
        }
        MemberOperation::Split {
            from,
            household,
            name,
            group,
            kind,
            amount,
            members,
            reason,
        } => plan_split(
            state, from, household, name, group, kind, amount, members, reason,
        )?,
        MemberOperation::Merge { from, into, reason } => plan_merge(state, from, into, reason)?,
    };
    Ok(bodies
        .into_iter()
        .enumerate()
        .map(|(index, body)| {
            let id = match index {
                0 => EntryId::of_request(request),
                _ => EntryId::derived(&format!("{}/{index}", request.as_str())),
            };
            (id, body)
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
fn plan_split(
    state: &State,
    from: HouseholdCode,
    household: HouseholdCode,
    name: Text,
    group: Text,
    kind: HouseholdKind,
    amount: Points,
    members: Vec<Text>,
    reason: Text,
) -> Result<Vec<Body>, Error> {
    let source = open_household(state, &from)?;
    if state.household(&household).is_some() || state.members.card(&household).is_some() {
        return Err(Error::invalid_with(
            "household",
            &format!("分户要用一个新的户号,{household} 已经在用"),
            &format!("a split needs a new household code; {household} is in use"),
        ));
    }
    if amount.is_negative() || amount > source.balance {
        return Err(Error::invalid_with(
            "amount",
            &format!(
                "分出的积分要在 0 到本户余额 {} 之间",
                source.balance.to_fixed()
            ),
            &format!(
                "the points split off must be between 0 and the balance {}",
                source.balance.to_fixed()
            ),
        ));
    }
    let mut moving = Vec::with_capacity(members.len());
    for member_name in &members {
        let Some(member) = state.members.member(&from, member_name) else {
            return Err(no_such_member(&from, member_name));
        };
        if moving
            .iter()
            .any(|m: &crate::ledger::members::Member| &m.name == member_name)
        {
            return Err(Error::invalid_with(
                "members",
                &format!("成员 {member_name} 写了两次"),
                &format!("member {member_name} is named twice"),
            ));
        }
        moving.push(member.clone());
    }
    if moving.len() > MEMBERS_MAX {
        return Err(Error::LimitReached {
            what: "members",
            limit: MEMBERS_MAX as i64,
        });
    }
    let mut bodies = vec![Body::HouseholdRegistered {
        household: household.clone(),
        name,
        group,
        household_kind: kind,
    }];
    if amount > Points::ZERO {
        bodies.push(Body::PointsTransferred {
            from: from.clone(),
            to: household.clone(),
            amount,
            transfer: TransferKind::Split,
            reason,
        });
    }
    bodies.extend(move_members(&from, &household, moving));
    Ok(bodies)
}

fn plan_merge(
    state: &State,
    from: HouseholdCode,
    into: HouseholdCode,
    reason: Text,
) -> Result<Vec<Body>, Error> {
    if from == into {
        return Err(Error::invalid_with(
            "into",
            "不能把一户合进它自己",
            "a household cannot merge into itself",
        ));
    }
    let source = open_household(state, &from)?;
    open_household(state, &into)?;
    if source.balance.is_negative() {
        return Err(Error::invalid_with(
            "from",
            &format!("{from} 的余额是负数,请先更正再合户"),
            &format!("{from} has a negative balance; correct it before the merge"),
        ));
    }
    let moving = state.members.of(&from).to_vec();
    if state.members.of(&into).len() + moving.len() > MEMBERS_MAX {
        return Err(Error::LimitReached {
            what: "members",
            limit: MEMBERS_MAX as i64,
        });
    }
    if let Some(clash) = moving
        .iter()
        .find(|m| state.members.member(&into, &m.name).is_some())
    {
        return Err(Error::invalid_with(
            "members",
            &format!("{into} 已有成员 {},请先改名再合户", clash.name),
            &format!(
                "{into} already lists a member {}; rename one first",
                clash.name
            ),
        ));
    }
    let mut bodies = Vec::new();
    if source.balance > Points::ZERO {
        bodies.push(Body::PointsTransferred {
            from: from.clone(),
            to: into.clone(),
            amount: source.balance,
            transfer: TransferKind::Merge,
            reason: reason.clone(),
        });
    }
    bodies.extend(move_members(&from, &into, moving));
    bodies.push(Body::HouseholdMovedAway {
        household: from,
        reason,
    });
    Ok(bodies)
}

/// Each member leaves `from` and joins `to`, card and all.
fn move_members(from: &HouseholdCode, to: &HouseholdCode, moving: Vec<Member>) -> Vec<Body> {
    moving
        .into_iter()
        .flat_map(|member| {
            [
                Body::MemberRemoved {
                    household: from.clone(),
                    member: member.name.clone(),
                },
                Body::MemberAdded {
                    household: to.clone(),
                    member: member.name,
                    relation: member.relation,
                    card: member.card,
                },
            ]
        })
        .collect()
}

fn known<'a>(
    state: &'a State,
    household: &HouseholdCode,
) -> Result<&'a crate::state::Household, Error> {
    state
        .household(household)
        .ok_or_else(|| Error::UnknownHousehold {
            household: household.to_string(),
        })
}

/// A household that may still change: known and not moved away.
fn open_household<'a>(
    state: &'a State,
    household: &HouseholdCode,
) -> Result<&'a crate::state::Household, Error> {
    let record = known(state, household)?;
    if record.status == HouseholdStatus::MovedAway {
        return Err(Error::invalid_with(
            "household",
            &format!("{household} 已迁出,不能再改"),
            &format!("{household} has moved away and cannot change"),
        ));
    }
    Ok(record)
}

fn no_such_member(household: &HouseholdCode, member: &Text) -> Error {
    Error::invalid_with(
        "member",
        &format!("{household} 没有成员 {member}"),
        &format!("{household} lists no member {member}"),
    )
}

/// Refuses a member who cannot join `household`: a name already listed,
/// a full list, or a card number that is a household code or another card.
fn check_new_member(
    state: &State,
    household: &HouseholdCode,
    member: &Text,
    card: Option<&HouseholdCode>,
    joining: usize,
) -> Result<(), Error> {
    if state.members.member(household, member).is_some() {
        return Err(Error::invalid_with(
            "member",
            &format!("{household} 已有成员 {member}"),
            &format!("{household} already lists a member {member}"),
        ));
    }
    if state.members.of(household).len() + joining > MEMBERS_MAX {
        return Err(Error::LimitReached {
            what: "members",
            limit: MEMBERS_MAX as i64,
        });
    }
    if let Some(card) = card {
        if card_in_use(state, card) {
            return Err(Error::invalid_with(
                "card",
                &format!("卡号 {card} 已经是一个户号或别人的卡,请换一张卡"),
                &format!(
                    "card {card} is already a household code or another card; use another card"
                ),
            ));
        }
    }
    Ok(())
}

/// Whether a number already names a household or a card.
pub fn card_in_use(state: &State, card: &HouseholdCode) -> bool {
    state.household(card).is_some() || state.members.card(card).is_some()
}

fn fail<T>(seq: u64, what: impl Into<String>) -> Result<T, ApplyError> {
    Err(ApplyError(format!("entry {seq}: {}", what.into())))
}

/// Folds a member or transfer entry into the state, refusing one that
/// cannot follow it (an unknown household, a card in use, a transfer that
/// is not a split into a fresh household or a merge of a whole balance).
pub(crate) fn apply(state: &mut State, entry: &Entry) -> Result<(), ApplyError> {
    let seq = entry.seq;
    match &entry.body {
        Body::MemberAdded {
            household,
            member,
            relation,
            card,
        } => {
            if state.household(household).is_none() {
                return fail(seq, format!("unknown household {household}"));
            }
            if state.members.member(household, member).is_some() {
                return fail(seq, format!("{household} lists {member} twice"));
            }
            if state.members.of(household).len() >= MEMBERS_MAX {
                return fail(seq, format!("{household} has too many members"));
            }
            if let Some(card) = card {
                if card_in_use(state, card) {
                    return fail(seq, format!("card {card} is in use"));
                }
                state
                    .members
                    .cards
                    .insert(card.clone(), (household.clone(), member.clone()));
            }
            state
                .members
                .by_household
                .entry(household.clone())
                .or_default()
                .push(Member {
                    name: member.clone(),
                    relation: relation.clone(),
                    card: card.clone(),
                });
        }
        Body::MemberRemoved { household, member } => {
            let Some(list) = state.members.by_household.get_mut(household) else {
                return fail(seq, format!("{household} lists no members"));
            };
            let Some(place) = list.iter().position(|m| &m.name == member) else {
                return fail(seq, format!("{household} lists no {member}"));
            };
            let removed = list.remove(place);
            if list.is_empty() {
                state.members.by_household.remove(household);
            }
            if let Some(card) = removed.card {
                state.members.cards.remove(&card);
            }
        }
        Body::PointsTransferred {
            from,
            to,
            amount,
            transfer,
            ..
        } => {
            check_transfer(state, seq, from, to, *amount, *transfer)?;
            let (out_note, in_note) = match transfer {
                TransferKind::Split => (format!("分户 → {to}"), format!("分户 ← {from}")),
                TransferKind::Merge => (format!("合户 → {to}"), format!("合户 ← {from}")),
            };
            let minus = Points::ZERO
                .checked_sub(*amount)
                .ok_or_else(|| ApplyError(format!("entry {seq}: amount overflow")))?;
            let (out_note, in_note) = (Note::Text(out_note.into()), Note::Text(in_note.into()));
            state.move_balance(entry, from, "transferred", minus, out_note)?;
            state.move_balance(entry, to, "transferred", *amount, in_note)?;
        }
        _ => {}
    }
    Ok(())
}

fn check_transfer(
    state: &State,
    seq: u64,
    from: &HouseholdCode,
    to: &HouseholdCode,
    amount: Points,
    transfer: TransferKind,
) -> Result<(), ApplyError> {
    let (Some(source), Some(target)) = (state.household(from), state.household(to)) else {
        return fail(seq, "a transfer between unknown households");
    };
    if from == to || amount <= Points::ZERO || amount > source.balance {
        return fail(seq, format!("a transfer of {amount:?} from {from} to {to}"));
    }
    let moved_away = |h: &crate::state::Household| h.status == HouseholdStatus::MovedAway;
    if moved_away(source) || moved_away(target) {
        return fail(seq, "a transfer with a household that moved away");
    }
    let allowed = match transfer {
        TransferKind::Split => target.history.is_empty() && target.balance == Points::ZERO,
        TransferKind::Merge => amount == source.balance,
    };
    if !allowed {
        return fail(
            seq,
            format!(
                "a {} transfer from {from} to {to} that is neither a split nor a merge",
                transfer.as_str()
            ),
        );
    }
    Ok(())
}

/// A member as the page sends it to `addMember`: `{ household, name,
/// relation, card, requestId }`; a blank card is none.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddMemberInput {
    household: String,
    name: String,
    relation: String,
    card: Option<String>,
    request_id: String,
}

impl AddMemberInput {
    pub fn operation(self) -> Result<super::Operation, Error> {
        let card = self
            .card
            .filter(|card| !card.trim().is_empty())
            .map(|card| {
                HouseholdCode::new(card.trim()).map_err(|problem| Error::invalid("card", &problem))
            })
            .transpose()?;
        Ok(super::Operation::Members {
            operation: MemberOperation::AddMember {
                household: parse_household(&self.household)?,
                member: member_name(&self.name)?,
                relation: text("relation", &self.relation, RELATION_LENGTH_MAX)?,
                card,
            },
            request: parse_request(&self.request_id)?,
        })
    }
}

/// A member removed, as the page sends it to `removeMember`: `{ household,
/// name, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RemoveMemberInput {
    household: String,
    name: String,
    request_id: String,
}

impl RemoveMemberInput {
    pub fn operation(self) -> Result<super::Operation, Error> {
        Ok(super::Operation::Members {
            operation: MemberOperation::RemoveMember {
                household: parse_household(&self.household)?,
                member: member_name(&self.name)?,
            },
            request: parse_request(&self.request_id)?,
        })
    }
}

/// A split (分户) as the page sends it to `splitHousehold`: `{ from,
/// household, name, group, kind, amount, members: [name], reason,
/// requestId }`; no group is `-`, no kind a family, no members none.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SplitInput {
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

impl SplitInput {
    pub fn operation(self) -> Result<super::Operation, Error> {
        let members = self
            .members
            .iter()
            .map(|name| member_name(name))
            .collect::<Result<Vec<_>, Error>>()?;
        let from = parse_household(&self.from)?;
        let household = parse_new_household(&self.household)?;
        let (name, group, kind) = described(&self.name, self.group.as_deref(), self.kind)?;
        Ok(super::Operation::Members {
            operation: MemberOperation::Split {
                from,
                household,
                name,
                group,
                kind,
                amount: parse_amount("amount", &self.amount)?,
                members,
                reason: text("reason", &self.reason, REASON_LENGTH_MAX)?,
            },
            request: parse_request(&self.request_id)?,
        })
    }
}

/// A merge (合户) as the page sends it to `mergeHousehold`: `{ from, into,
/// reason, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MergeInput {
    from: String,
    into: String,
    reason: String,
    request_id: String,
}

impl MergeInput {
    pub fn operation(self) -> Result<super::Operation, Error> {
        Ok(super::Operation::Members {
            operation: MemberOperation::Merge {
                from: parse_household(&self.from)?,
                into: parse_household(&self.into)?,
                reason: text("reason", &self.reason, REASON_LENGTH_MAX)?,
            },
            request: parse_request(&self.request_id)?,
        })
    }
}

fn member_name(value: &str) -> Result<Text, Error> {
    text("name", value, NAME_LENGTH_MAX)
}
