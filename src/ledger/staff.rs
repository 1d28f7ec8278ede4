//! Staff: first-run setup, staff members and their roles, staff sign-in and
//! sessions, the one-time recovery code, and who may do what.
//!
//! Every staff action is a journal entry naming the staff member. The JS API
//! reaches a staff operation only through a staff session issued here
//! ([`Auth::StaffSession`]); without one the operation is refused with
//! `STAFF_AUTH_REQUIRED` and nothing changes.
//!
//! The staff operations' inputs are parsed here from the page's shape (the
//! `…Input` types); what the shell makes at random (salts, session ids, the
//! recovery code) is handed to them.

use super::{
    entry_id, misrouted, Acting, Answer, Auth, Draft, Ledger, Operation, Outcome, Planned,
    SessionId,
};
use super::{parse_request, text, NAME_LENGTH_MAX};
use crate::credential::{staff_key, Credential, Pin, PinHash, ATTEMPTS_MAX, RECOVERY_KEY};
use crate::entry::{Actor, Body, EntryId, Role};
use crate::error::Error;
use crate::ids::{KioskId, StaffId};
use serde::Deserialize;

/// Staff members a kiosk may hold.
pub const STAFF_MAX: usize = 50;

/// A signed-in staff member. Memory only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffSession {
    pub id: SessionId,
    pub staff: StaffId,
    pub name: String,
    pub role: Role,
    pub last_activity_ms: i64,
}

/// The role an operation needs, or `None` for villagers' and the system's
/// own operations.
pub(super) fn required_role(operation: &Operation) -> Option<Role> {
    use Operation::*;
    Some(match operation {
        Genesis { .. }
        | Setup { .. }
        | LoadDemo
        | SignIn { .. }
        | Redeem { .. }
        | StaffSignIn { .. }
        | Recover { .. }
        | PlatformCredit { .. } => return None,
        AddItem { .. }
        | UpdateItem { .. }
        | Reprice { .. }
        | SetItemActive { .. }
        | Restock { .. }
        | AdjustStock { .. }
        | StockCount { .. }
        | Void { .. }
        | Unlock { .. }
        | SetPin { .. }
        | AssistedSignIn { .. } => Role::Shopkeeper,
        RegisterHousehold { .. }
        | UpdateHousehold { .. }
        | SetHouseholdStatus { .. }
        | Credit { .. }
        | Correct { .. }
        | MarkUploaded { .. }
        | Archive { .. }
        | CloseYear { .. }
        | Import { .. } => Role::Clerk,
        AddStaff { .. }
        | UpdateStaff { .. }
        | ChangeSetting { .. }
        | EnrollPlatform { .. }
        | ConfirmClock { .. }
        | NewRecoveryCode { .. } => Role::Admin,
        // A staff member may change their own PIN; an admin anyone's.
        SetStaffPin { .. } => return None,
        Points {
            operation:
                crate::scoresheet::PointsOperation::ChangeRules { .. }
                | crate::scoresheet::PointsOperation::Approve { .. },
            ..
        } => Role::Admin,
        Points { .. } | Members { .. } => Role::Clerk,
        CoSigned { operation, .. } => return required_role(operation),
    })
}

/// What a PIN check found.
pub(super) enum PinCheck {
    /// The PIN is right; the credential records to store (a reset counter).
    Right(Vec<(String, Credential)>),
    /// The PIN is wrong: the counter to store, and the refusal to answer.
    Wrong((String, Credential), Error),
}

impl PinCheck {
    /// A wrong PIN's plan: its counter is stored, and the refusal answered.
    pub(super) fn refused(credential: (String, Credential), error: Error) -> Planned {
        Planned::settled(vec![credential], Answer::Refusal(error))
    }
}

impl Ledger {
    /// Plans a staff operation.
    pub(super) fn plan_staff(
        &mut self,
        acting: &Acting,
        operation: Operation,
    ) -> Result<Planned, Error> {
        Ok(match operation {
            Operation::Setup {
                kiosk_id,
                village,
                shop,
                time_zone,
                utc_offset_minutes,
                admin,
                admin_name,
                admin_pin,
                pin_salt,
                recovery_code,
                recovery_salt,
            } => {
                if self.state.kiosk.is_some() {
                    return Err(Error::NotEmpty);
                }
                let genesis_id = EntryId::derived(&format!("genesis:{kiosk_id}"));
                let genesis = Body::Genesis {
                    kiosk_id,
                    village,
                    shop,
                    time_zone,
                    utc_offset_minutes,
                };
                let mut drafts = vec![Draft {
                    actor: Actor::System,
                    id: genesis_id,
                    body: genesis,
                }];
                let (staff_drafts, mut credentials) = self.plan_add_staff(
                    Actor::System,
                    EntryId::derived("setup:admin"),
                    admin,
                    admin_name,
                    crate::entry::Role::Admin,
                    &admin_pin,
                    &pin_salt,
                )?;
                drafts.extend(staff_drafts);
                let (draft, credential) = self.plan_recovery_code(
                    Actor::System,
                    EntryId::derived("setup:recovery"),
                    &recovery_code,
                    &recovery_salt,
                );
                drafts.push(draft);
                credentials.push(credential);
                Planned::with_credentials(drafts, credentials)
            }
            Operation::StaffSignIn {
                staff,
                pin,
                session,
            } => self.plan_staff_sign_in(staff, &pin, session, acting.now)?,
            Operation::AddStaff {
                staff,
                name,
                role,
                pin,
                salt,
                request,
            } => {
                let (drafts, credentials) = self.plan_add_staff(
                    acting.actor.clone(),
                    entry_id(&request),
                    staff,
                    name,
                    role,
                    &pin,
                    &salt,
                )?;
                Planned::with_credentials(drafts, credentials)
            }
            Operation::UpdateStaff {
                staff,
                name,
                role,
                active,
                request,
            } => {
                if !self.state.staff.contains_key(&staff) {
                    return Err(Error::StaffAuthRequired);
                }
                self.check_admins_remain(&staff, role, active)?;
                let body = Body::StaffUpdated {
                    staff,
                    name,
                    role,
                    active,
                };
                acting.one(entry_id(&request), body)
            }
            Operation::SetStaffPin {
                staff,
                pin,
                salt,
                request,
            } => {
                if !self.state.staff.contains_key(&staff) {
                    return Err(Error::StaffAuthRequired);
                }
                let key = crate::credential::staff_key(staff.as_str());
                let credential = self.fresh_pin(&key, &pin, &salt);
                let body = Body::StaffPinSet { staff };
                acting.one_with_credential(entry_id(&request), body, (key, credential))
            }
            Operation::Recover {
                code,
                staff,
                pin,
                salt,
            } => self.plan_recover(&code, staff, pin, salt, acting.now)?,
            Operation::NewRecoveryCode {
                code,
                salt,
                request,
            } => {
                let (draft, credential) =
                    self.plan_recovery_code(acting.actor.clone(), entry_id(&request), &code, &salt);
                Planned::with_credentials(vec![draft], vec![credential])
            }
            _ => return Err(misrouted("staff")),
        })
    }

    /// Checks `pin` against the credential at `key` at `now`; `missing` is
    /// the refusal when no PIN is set.
    /// A malformed PIN (`None`) counts as a wrong one.
    pub(super) fn check_pin(
        &self,
        key: String,
        pin: Option<&Pin>,
        now: i64,
        missing: Error,
    ) -> Result<PinCheck, Error> {
        let credential = self.credentials.get(&key).cloned().unwrap_or_default();
        if let Some(locked_until_ms) = credential.locked_at(now) {
            return Err(Error::LockedOut { locked_until_ms });
        }
        let Some(pin_hash) = &credential.pin_hash else {
            return Err(missing);
        };
        if !pin.is_some_and(|pin| pin_hash.verify(pin)) {
            let after = credential.after_failure(now);
            let error = match after.locked_at(now) {
                Some(locked_until_ms) => Error::LockedOut { locked_until_ms },
                None => Error::WrongPin {
                    attempts_left: ATTEMPTS_MAX - after.failures,
                },
            };
            return Ok(PinCheck::Wrong((key, after), error));
        }
        let unchanged = credential.failures == 0 && credential.last_attempt_ms >= now;
        Ok(PinCheck::Right(if unchanged {
            Vec::new()
        } else {
            vec![(key, credential.after_success(now))]
        }))
    }

    /// Turns a staff session into the staff member it belongs to, touching
    /// it; other authorities pass through.
    pub(super) fn resolve_auth(&mut self, auth: &Auth, now: i64) -> Result<Auth, Error> {
        let Auth::StaffSession(id) = auth else {
            return Ok(auth.clone());
        };
        let idle_ms = self.config.session_idle_ms;
        let session = match self.staff_sessions.get_mut(id) {
            Some(session) if now - session.last_activity_ms <= idle_ms => session,
            Some(_) => {
                self.staff_sessions.remove(id);
                return Err(Error::StaffAuthRequired);
            }
            None => return Err(Error::StaffAuthRequired),
        };
        session.last_activity_ms = now;
        Ok(Auth::Staff(session.staff.clone()))
    }

    /// Whether `auth` may run `operation`.
    pub(super) fn check_role(&self, auth: &Auth, operation: &Operation) -> Result<(), Error> {
        let Auth::Staff(staff) = auth else {
            return Ok(());
        };
        let member = self
            .state
            .staff
            .get(staff)
            .filter(|m| m.active)
            .ok_or(Error::StaffAuthRequired)?;
        let allowed = match (required_role(operation), operation) {
            (Some(role), _) => member.role.covers(role),
            // An auditor changes nothing, not even their own PIN: an admin sets it.
            (None, Operation::SetStaffPin { staff: target, .. }) => {
                member.role == Role::Admin || (target == staff && member.role != Role::Auditor)
            }
            (None, _) => true,
        };
        if !allowed {
            return Err(Error::StaffAuthRequired);
        }
        Ok(())
    }

    /// A live staff session, or `STAFF_AUTH_REQUIRED`.
    pub fn staff_session(&self, id: &SessionId, now_ms: i64) -> Result<&StaffSession, Error> {
        let now = now_ms.max(self.time_high_ms);
        match self.staff_sessions.get(id) {
            Some(session) if now - session.last_activity_ms <= self.config.session_idle_ms => {
                Ok(session)
            }
            _ => Err(Error::StaffAuthRequired),
        }
    }

    /// Ends a staff session.
    pub fn sign_out_staff(&mut self, id: &SessionId) {
        self.staff_sessions.remove(id);
    }

    pub(super) fn plan_staff_sign_in(
        &mut self,
        staff: StaffId,
        pin: &str,
        session: SessionId,
        now: i64,
    ) -> Result<Planned, Error> {
        let member = self.state.staff.get(&staff).filter(|m| m.active).cloned();
        let Some(member) = member else {
            return Err(Error::StaffAuthRequired);
        };
        let pin = Pin::new(pin);
        match self.check_pin(
            staff_key(staff.as_str()),
            pin.as_ref(),
            now,
            Error::NoPin {
                household: staff.to_string(),
            },
        )? {
            PinCheck::Wrong(credential, error) => Ok(PinCheck::refused(credential, error)),
            PinCheck::Right(credentials) => {
                let idle_ms = self.config.session_idle_ms;
                self.staff_sessions
                    .retain(|_, s| now - s.last_activity_ms <= idle_ms);
                if self.staff_sessions.len() >= super::SESSIONS_MAX {
                    return Err(Error::LimitReached {
                        what: "sessions",
                        limit: super::SESSIONS_MAX as i64,
                    });
                }
                let session = StaffSession {
                    id: session,
                    staff,
                    name: member.name.to_string(),
                    role: member.role,
                    last_activity_ms: now,
                };
                Ok(Planned::settled(credentials, Answer::StaffSignIn(session)))
            }
        }
    }

    /// Records a committed staff sign-in.
    pub(super) fn open_staff_session(&mut self, session: StaffSession) -> Outcome {
        self.staff_sessions
            .insert(session.id.clone(), session.clone());
        Outcome::StaffSignedIn(session)
    }

    /// Entries and credentials of a new staff member with a PIN.
    pub(super) fn plan_add_staff(
        &self,
        actor: Actor,
        id: EntryId,
        staff: StaffId,
        name: crate::ids::Text,
        role: Role,
        pin: &Pin,
        salt: &[u8; 16],
    ) -> Result<(Vec<Draft>, Vec<(String, Credential)>), Error> {
        if self.state.staff.contains_key(&staff) {
            return Err(Error::AlreadyExists {
                what: "staff",
                key: staff.to_string(),
            });
        }
        if self.state.staff.len() >= STAFF_MAX {
            return Err(Error::LimitReached {
                what: "staff",
                limit: STAFF_MAX as i64,
            });
        }
        let credential = Credential {
            pin_hash: Some(PinHash::new(pin, salt, self.config.pin_iterations)),
            ..Credential::default()
        };
        let pin_id = EntryId::derived(&format!("{}/pin", id.as_str()));
        let drafts = vec![
            Draft {
                actor: actor.clone(),
                id,
                body: Body::StaffAdded {
                    staff: staff.clone(),
                    name,
                    role,
                },
            },
            Draft {
                actor,
                id: pin_id,
                body: Body::StaffPinSet {
                    staff: staff.clone(),
                },
            },
        ];
        Ok((drafts, vec![(staff_key(staff.as_str()), credential)]))
    }

    /// The entry and credential of a new recovery code.
    pub(super) fn plan_recovery_code(
        &self,
        actor: Actor,
        id: EntryId,
        code: &Pin,
        salt: &[u8; 16],
    ) -> (Draft, (String, Credential)) {
        let credential = Credential {
            pin_hash: Some(PinHash::new(code, salt, self.config.pin_iterations)),
            ..Credential::default()
        };
        (
            Draft {
                actor,
                id,
                body: Body::RecoveryCodeSet,
            },
            (RECOVERY_KEY.to_string(), credential),
        )
    }

    /// Refuses a change that would leave no active admin.
    pub(super) fn check_admins_remain(
        &self,
        staff: &StaffId,
        role: Role,
        active: bool,
    ) -> Result<(), Error> {
        let other_admins = self
            .state
            .staff
            .values()
            .filter(|m| m.active && m.role == Role::Admin && m.id != *staff)
            .count();
        if other_admins == 0 && !(active && role == Role::Admin) {
            return Err(Error::invalid_with(
                "role",
                "至少要留一位管理员",
                "at least one admin must remain",
            ));
        }
        Ok(())
    }

    /// Uses the recovery code: a new PIN for an admin, and the code is spent.
    pub(super) fn plan_recover(
        &self,
        code: &str,
        staff: StaffId,
        pin: Pin,
        salt: [u8; 16],
        now: i64,
    ) -> Result<Planned, Error> {
        let is_admin = self
            .state
            .staff
            .get(&staff)
            .is_some_and(|m| m.active && m.role == Role::Admin);
        if !is_admin {
            return Err(Error::StaffAuthRequired);
        }
        let code = Pin::recovery_code(code);
        let missing = Error::invalid_with(
            "recoveryCode",
            "这台终端没有可用的恢复码",
            "this kiosk has no unused recovery code",
        );
        match self.check_pin(RECOVERY_KEY.to_string(), code.as_ref(), now, missing)? {
            PinCheck::Wrong(credential, error) => Ok(PinCheck::refused(credential, error)),
            PinCheck::Right(_) => {
                let id = EntryId::derived(&format!("recover:{staff}:{now}"));
                let credential = Credential {
                    pin_hash: Some(PinHash::new(&pin, &salt, self.config.pin_iterations)),
                    ..Credential::default()
                };
                let spent = Credential {
                    pin_hash: None,
                    last_attempt_ms: now,
                    ..Credential::default()
                };
                let drafts = vec![Draft {
                    actor: Actor::System,
                    id,
                    body: Body::StaffPinSet {
                        staff: staff.clone(),
                    },
                }];
                let entries = self.seal(drafts, now)?;
                let credentials = vec![
                    (staff_key(staff.as_str()), credential),
                    (RECOVERY_KEY.to_string(), spent),
                ];
                Ok(Planned::Settled {
                    entries,
                    credentials,
                    answer: Answer::Outcome(Outcome::Done {
                        seqs: Vec::new(),
                        repeated: false,
                    }),
                })
            }
        }
    }
}

/// Parses a PIN, households' and staff members' alike, naming the field.
pub(super) fn parse_pin(field: &str, value: &str) -> Result<Pin, Error> {
    Pin::new(value)
        .ok_or_else(|| Error::invalid_with(field, "密码要 4 到 8 位数字", "a PIN is 4 to 8 digits"))
}

fn parse_staff(value: &str) -> Result<StaffId, Error> {
    StaffId::new(value).map_err(|problem| Error::invalid("staff", &problem))
}

fn parse_role(value: &str) -> Result<Role, Error> {
    Role::parse(value).ok_or_else(|| Error::invalid_with("role", "没有这个角色", "unknown role"))
}

/// First-run setup as the page sends it to `setup`: `{ village, shop,
/// timeZone, utcOffsetMinutes, adminId, adminName, adminPin }`. No time
/// zone is `Asia/Shanghai`; an offset past ±14 hours, or none, is UTC+8.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetupInput {
    village: String,
    shop: String,
    time_zone: Option<String>,
    utc_offset_minutes: Option<i32>,
    admin_id: String,
    admin_name: String,
    admin_pin: String,
}

impl SetupInput {
    /// The setup of `kiosk_id`, with what the shell made at random: the
    /// admin PIN's salt, the one-time recovery code and its salt.
    pub fn operation(
        self,
        kiosk_id: KioskId,
        pin_salt: [u8; 16],
        recovery_code: Pin,
        recovery_salt: [u8; 16],
    ) -> Result<Operation, Error> {
        Ok(Operation::Setup {
            kiosk_id,
            village: text("village", &self.village, NAME_LENGTH_MAX)?,
            shop: text("shop", &self.shop, NAME_LENGTH_MAX)?,
            time_zone: text(
                "timeZone",
                self.time_zone.as_deref().unwrap_or("Asia/Shanghai"),
                NAME_LENGTH_MAX,
            )?,
            utc_offset_minutes: self
                .utc_offset_minutes
                .filter(|m| (-14 * 60..=14 * 60).contains(m))
                .unwrap_or(8 * 60),
            admin: parse_staff(&self.admin_id)?,
            admin_name: text("adminName", &self.admin_name, NAME_LENGTH_MAX)?,
            admin_pin: parse_pin("adminPin", &self.admin_pin)?,
            pin_salt,
            recovery_code,
            recovery_salt,
        })
    }
}

/// A staff sign-in as the page sends it to `staffSignIn`: `{ staff, pin
/// }`. A malformed id is refused as a wrong PIN is, naming nothing.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffSignInInput {
    staff: String,
    pin: String,
}

impl StaffSignInInput {
    /// The sign-in, to open `session` (made by the shell at random).
    pub fn operation(self, session: SessionId) -> Result<Operation, Error> {
        Ok(Operation::StaffSignIn {
            staff: StaffId::new(&self.staff).map_err(|_| Error::StaffAuthRequired)?,
            pin: self.pin,
            session,
        })
    }
}

/// A staff member as the page sends it to `addStaff` and `updateStaff`: `{
/// staff, name, role, pin, active, requestId }` (a PIN to add, whether
/// active to update; none is active).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffInput {
    staff: String,
    name: String,
    role: String,
    pin: Option<String>,
    active: Option<bool>,
    request_id: String,
}

impl StaffInput {
    /// A new staff member, whose PIN is hashed with `salt`.
    pub fn add(self, salt: [u8; 16]) -> Result<Operation, Error> {
        Ok(Operation::AddStaff {
            staff: parse_staff(&self.staff)?,
            name: text("name", &self.name, NAME_LENGTH_MAX)?,
            role: parse_role(&self.role)?,
            pin: parse_pin("pin", self.pin.as_deref().unwrap_or(""))?,
            salt,
            request: parse_request(&self.request_id)?,
        })
    }

    /// A staff member's new name, role or status.
    pub fn update(self) -> Result<Operation, Error> {
        Ok(Operation::UpdateStaff {
            staff: parse_staff(&self.staff)?,
            name: text("name", &self.name, NAME_LENGTH_MAX)?,
            role: parse_role(&self.role)?,
            active: self.active.unwrap_or(true),
            request: parse_request(&self.request_id)?,
        })
    }
}

/// A staff PIN set, as the page sends it to `setStaffPin`: `{ staff, pin,
/// requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffPinInput {
    staff: String,
    pin: String,
    request_id: String,
}

impl StaffPinInput {
    /// The PIN is hashed with `salt`.
    pub fn operation(self, salt: [u8; 16]) -> Result<Operation, Error> {
        Ok(Operation::SetStaffPin {
            staff: parse_staff(&self.staff)?,
            pin: parse_pin("pin", &self.pin)?,
            salt,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// A forgotten admin PIN replaced, as the page sends it to `recover`: `{
/// code, staff, pin }` with the printed recovery code.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecoverInput {
    code: String,
    staff: String,
    pin: String,
}

impl RecoverInput {
    /// The new PIN is hashed with `salt`.
    pub fn operation(self, salt: [u8; 16]) -> Result<Operation, Error> {
        Ok(Operation::Recover {
            code: self.code,
            staff: parse_staff(&self.staff)?,
            pin: parse_pin("pin", &self.pin)?,
            salt,
        })
    }
}

/// A new one-time recovery code asked for, as the page sends it to
/// `newRecoveryCode`: `{ requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecoveryCodeInput {
    request_id: String,
}

impl RecoveryCodeInput {
    /// The shell's new `code`, hashed with `salt`.
    pub fn operation(self, code: Pin, salt: [u8; 16]) -> Result<Operation, Error> {
        Ok(Operation::NewRecoveryCode {
            code,
            salt,
            request: parse_request(&self.request_id)?,
        })
    }
}
