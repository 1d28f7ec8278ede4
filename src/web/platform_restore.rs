//! The county platform's side coming down: restoring a lost kiosk from the
//! platform (`restoreFromPlatform`) and the credits decided at the county
//! (`takePlatformCredits`). The requests go from here, like the upload's
//! (`upload.rs`), so the new token never passes through the page's JS; the
//! core verifies the journal ([`crate::platform_restore`]) and appends the
//! credits as ordinary credit entries.

use super::convert::{from_js, to_js};
use super::gate::Gate;
use super::idb::WriteBatch;
use super::kiosk::{promise, random_bytes, storage_error, DbLease, Inner, Kiosk};
use super::upload::{
    county_path, is_hex64, one_time_code, platform_target, read_record, record_bytes, request,
    write_record, Answer, PlatformRecord, PLATFORM_KEY,
};
use crate::backup::{self, NewAdminPin};
use crate::credential::Pin;
use crate::entry::JsonWriter;
use crate::error::Error;
use crate::ids::{HouseholdCode, Period, StaffId, Text};
use crate::ledger::{Auth, Operation};
use crate::platform_restore::PlatformRestore;
use crate::points::Points;
use crate::sync::answer::{Failure, FromJson, Offered, OfferedCredit, Restored};
use crate::upload::UnappliedCredit;
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// Journal lines asked for in one page (the platform's most).
const PAGE_LINES: u64 = 1_000;
/// The most credits taken from one answer; the rest come with the next.
const CREDITS_MAX: usize = 5_000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RestoreInput {
    url: String,
    county_id: String,
    code: String,
    now: i64,
    /// A backup file of this kiosk (any age) to take the PINs from.
    backup_text: Option<String>,
    /// An admin of the restored journal and their new PIN.
    admin_id: Option<String>,
    admin_pin: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NeedsPinView {
    kind: &'static str,
    id: String,
    name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RestoreView {
    county_id: String,
    /// The platform's head, where the restored journal ends.
    head_seq: u64,
    head_hash: String,
    /// The state hash at the platform's head.
    head_state_hash: String,
    /// The kiosk's seq and state hash now (after the admin's new PIN).
    seq: u64,
    state_hash: String,
    pins_from_backup: bool,
    needs_pin: Vec<NeedsPinView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreditsView {
    /// Credit entries appended now.
    taken: u64,
    /// Offered again but already in the journal.
    already: u64,
    unapplied: Vec<UnappliedCredit>,
}

fn check_writer(inner: &Inner) -> Result<(), Error> {
    if inner.lock.borrow().is_none() {
        return Err(Error::ReadOnly {
            reason: "other_tab",
        });
    }
    Ok(())
}

/// The refusal a restore answer stands for: the restore's own codes, else
/// those every platform answer shares.
fn restore_error(answer: &Answer) -> Error {
    let failure = Failure::from_json(&answer.body).unwrap_or_default();
    match failure.code.as_str() {
        "RESTORE_CODE_INVALID" => Error::RestoreCodeInvalid,
        "PLATFORM_NOTHING_TO_RESTORE" => Error::PlatformNothingToRestore,
        _ => answer.error(),
    }
}

fn admin_pin(
    admin_id: Option<String>,
    admin_pin: Option<String>,
) -> Result<Option<NewAdminPin>, Error> {
    match (admin_id, admin_pin) {
        (Some(staff), Some(pin)) => Ok(Some(NewAdminPin {
            staff: StaffId::new(&staff).map_err(|p| Error::invalid("adminId", &p))?,
            pin: Pin::new(&pin).ok_or_else(|| {
                Error::invalid_with("adminPin", "密码要 4 到 8 位数字", "a PIN is 4 to 8 digits")
            })?,
            salt: random_bytes()?,
        })),
        (None, None) => Ok(None),
        _ => Err(Error::invalid_with(
            "adminPin",
            "要同时填管理员和新密码",
            "give both the admin and the new PIN",
        )),
    }
}

/// The core's credit of one offered credit, or why it cannot be one.
fn credit_operation(credit: &OfferedCredit) -> Result<Operation, Error> {
    Ok(Operation::PlatformCredit {
        household: HouseholdCode::new(&credit.household)
            .map_err(|p| Error::invalid("household", &p))?,
        amount: Points::parse_unsigned(&credit.amount).map_err(|_| {
            Error::invalid_with(
                "amount",
                "平台发来的积分数不对",
                "the platform's amount is not a number of points",
            )
        })?,
        period: Period::new(&credit.period).map_err(|p| Error::invalid("period", &p))?,
        source: Text::new(&credit.source, 200).map_err(|p| Error::invalid("source", &p))?,
        reason: credit
            .reason
            .as_deref()
            .filter(|reason| !reason.trim().is_empty())
            .map(|reason| Text::new(reason, 200))
            .transpose()
            .map_err(|p| Error::invalid("reason", &p))?,
    })
}

fn unapplied(credit: &OfferedCredit, error: &Error) -> UnappliedCredit {
    UnappliedCredit {
        household: credit.household.chars().take(64).collect(),
        period: credit.period.chars().take(32).collect(),
        source: credit.source.chars().take(200).collect(),
        amount: credit.amount.chars().take(32).collect(),
        message: error.message_zh(),
        message_en: error.message_en(),
    }
}

#[wasm_bindgen]
impl Kiosk {
    /// Restores this empty kiosk from the county platform: `{ url, countyId,
    /// code, now, backupText?, adminId?, adminPin? }` with the restore code
    /// the county printed (`aixin-platform kiosk restore-code`). The
    /// platform answers a new token (the lost PC's is revoked); the journal
    /// comes down in pages, verified and folded by the core as it arrives,
    /// and must end at the platform's head. PINs come from `backupText` (a
    /// backup of this kiosk made with PINs, any age) when given; `adminId`
    /// and `adminPin` set an admin's new PIN (an entry), needed when no
    /// admin PIN comes from the backup. Everything is written in one
    /// transaction with the platform record (enrolled again, acknowledged
    /// up to the head). Answers `{ countyId, headSeq, headHash,
    /// headStateHash, seq, stateHash, pinsFromBackup, needsPin: [{ kind,
    /// id, name }] }`; refusals: `RESTORE_CODE_INVALID`,
    /// `PLATFORM_NOTHING_TO_RESTORE`, `PLATFORM_JOURNAL_REFUSED`,
    /// `PLATFORM_ORIGIN_NOT_ALLOWED`, `NOT_EMPTY`, `INVALID_INPUT`.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = restoreFromPlatform)]
    pub fn restore_from_platform(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let fields: RestoreInput = from_js(input, "restoreFromPlatform")?;
            // Everything the page gave is checked before the code is spent.
            let (origin, county_id) = platform_target(&fields.url, &fields.county_id)?;
            let code = one_time_code(
                &fields.code,
                "恢复码不对:请照县里给的恢复码填写",
                "the restore code is not one the county prints",
            )?;
            let admin = admin_pin(fields.admin_id, fields.admin_pin)?;
            let pins = fields
                .backup_text
                .as_deref()
                .filter(|text| !text.trim().is_empty())
                .map(backup::read)
                .transpose()?;
            // The platform holds no PINs: without a backup that carries
            // some, an admin's new PIN is needed (asked before the code is
            // spent).
            if admin.is_none() && pins.as_ref().is_none_or(|pins| pins.credentials.is_empty()) {
                return Err(Error::invalid_with(
                    "adminPin",
                    "平台上没有密码:没有带密码的备份文件时,恢复时要给一位管理员设新密码",
                    "the platform holds no PINs: without a backup that carries them, give an admin a new PIN",
                ));
            }
            if let Some(pins) = &pins {
                if pins.header.kiosk_id != *inner.kiosk_id() {
                    return Err(Error::WrongKiosk {
                        expected: inner.kiosk_id().to_string(),
                        found: pins.header.kiosk_id.to_string(),
                    });
                }
            }
            // The gate is held throughout: nothing may set this kiosk up
            // while its journal is coming down.
            let _pass = Gate::enter(inner.gate()).await;
            check_writer(&inner)?;
            {
                let ledger = inner.ledger.borrow();
                if ledger.state().seq != 0 {
                    return Err(Error::NotEmpty);
                }
            }
            let body = JsonWriter::object(|w| w.str("code", &code));
            let url = county_path(origin.as_str(), county_id.as_str(), "restore");
            let answer = request(
                &url,
                "POST",
                &[("Content-Type", "application/json")],
                Some(&JsValue::from_str(&body)),
            )
            .await?;
            if answer.status != 200 {
                return Err(restore_error(&answer));
            }
            let restored: Restored = answer.decode()?;
            if !is_hex64(&restored.token) || !is_hex64(&restored.head_hash) {
                return Err(Error::PlatformAnswerInvalid {
                    detail: "restore answer".into(),
                });
            }
            let head_hash = restored.head_hash.to_ascii_lowercase();
            let mut restoring = {
                let ledger = inner.ledger.borrow();
                PlatformRestore::new(
                    inner.kiosk_id(),
                    ledger.state(),
                    restored.head_seq,
                    &head_hash,
                )?
            };
            let authorization = format!("Bearer {}", restored.token);
            // Each page brings at least one entry or the restore stops, so
            // this ends within the head's seq pages.
            while let Some(from) = restoring.next_from() {
                let url = county_path(
                    origin.as_str(),
                    county_id.as_str(),
                    &format!("journal?from={from}&limit={PAGE_LINES}"),
                );
                let page = request(
                    &url,
                    "GET",
                    &[("Authorization", authorization.as_str())],
                    None,
                )
                .await?;
                if page.status != 200 {
                    return Err(page.error());
                }
                restoring.feed_page(&page.body)?;
            }
            let pins_from_backup = pins.is_some();
            let config = inner.ledger.borrow().config();
            let restored_ledger = restoring.finish(pins, admin, fields.now, config)?;
            // Enrolled again, with everything up to the head acknowledged.
            let record = PlatformRecord {
                version: 1,
                origin: origin.to_string(),
                county_id: county_id.to_string(),
                token: restored.token,
                acked_seq: restored.head_seq,
                acked_hash: head_hash.clone(),
                clock_offset_ms: Some(restored.server_time_ms - fields.now),
                ..PlatformRecord::default()
            };
            let mut rebuilt = restored_ledger.rebuilt;
            let batch = WriteBatch {
                journal: std::mem::take(&mut rebuilt.journal),
                credentials: std::mem::take(&mut rebuilt.credentials),
                meta: vec![(PLATFORM_KEY.to_string(), record_bytes(&record)?)],
            };
            {
                let lease = DbLease::take(&inner)?;
                lease.db()?.write(&batch).await.map_err(storage_error)?;
            }
            let (seq, state_hash) = (
                rebuilt.ledger.state().seq,
                rebuilt.ledger.state().state_hash(),
            );
            *inner.ledger.borrow_mut() = rebuilt.ledger;
            Ok(to_js(&RestoreView {
                county_id: county_id.to_string(),
                head_seq: restored.head_seq,
                head_hash,
                head_state_hash: restored_ledger.head_state_hash,
                seq,
                state_hash,
                pins_from_backup,
                needs_pin: restored_ledger
                    .needs_pin
                    .into_iter()
                    .map(|needs| NeedsPinView {
                        kind: needs.kind,
                        id: needs.id,
                        name: needs.name,
                    })
                    .collect(),
            }))
        })
    }

    /// Takes the credits decided at the county that the platform offers
    /// (`GET /v1/kiosks/{id}/credits`): `{ now }` → `{ taken, already,
    /// unapplied: [{ household, period, source, amount, message, messageEn
    /// }] }`. Each becomes an ordinary credit entry keyed (household,
    /// period, source), so one offered twice, or again after the kiosk was
    /// offline, is credited once; the next upload carries it back and the
    /// platform stops offering it. The entry's actor is the kiosk itself
    /// (`System`): no one here decided the credit, the county did, and the
    /// platform keeps who imported it. A credit for a household this kiosk
    /// does not know is not appended and stays listed in `platformStatus`
    /// (`unappliedCredits`) for the staff home. Not while an alert stands.
    #[wasm_bindgen(js_name = takePlatformCredits)]
    pub fn take_platform_credits(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let now = if input.is_undefined() || input.is_null() {
                None
            } else {
                super::convert::Fields::of(input, "takePlatformCredits")?.optional_integer("now")?
            }
            .unwrap_or_else(|| js_sys::Date::now() as i64);
            check_writer(&inner)?;
            let record = {
                let _pass = Gate::enter(inner.gate()).await;
                read_record(&inner)
                    .await?
                    .ok_or(Error::PlatformNotEnrolled)?
            };
            if record.has_alert() {
                return Ok(to_js(&CreditsView {
                    taken: 0,
                    already: 0,
                    unapplied: record.unapplied_credits,
                }));
            }
            // Outside the gate: the request.
            let url = county_path(&record.origin, &record.county_id, "credits");
            let authorization = format!("Bearer {}", record.token);
            let answer = request(
                &url,
                "GET",
                &[("Authorization", authorization.as_str())],
                None,
            )
            .await?;
            if answer.status != 200 {
                return Err(answer.error());
            }
            let offered: Offered = answer.decode()?;
            // Inside the gate again: the credits.
            let _pass = Gate::enter(inner.gate()).await;
            let Some(mut current) = read_record(&inner).await? else {
                return Err(Error::PlatformNotEnrolled);
            };
            if current.token != record.token {
                return Err(Error::PlatformUnauthorized);
            }
            let mut view = CreditsView {
                taken: 0,
                already: 0,
                unapplied: Vec::new(),
            };
            for credit in offered.credits.iter().take(CREDITS_MAX) {
                let operation = match credit_operation(credit) {
                    Ok(operation) => operation,
                    Err(error) => {
                        view.unapplied.push(unapplied(credit, &error));
                        continue;
                    }
                };
                if let Operation::PlatformCredit {
                    household,
                    period,
                    source,
                    ..
                } = &operation
                {
                    let key = (household.clone(), period.clone(), source.clone());
                    if inner.ledger.borrow().state().credits.contains_key(&key) {
                        view.already += 1;
                        continue;
                    }
                }
                let prepared = inner
                    .ledger
                    .borrow_mut()
                    .prepare(&Auth::System, operation, now);
                let plan = match prepared {
                    Ok(plan) => plan,
                    Err(
                        error @ (Error::StorageFull
                        | Error::StorageFailed { .. }
                        | Error::ReadOnly { .. }),
                    ) => return Err(error),
                    Err(error) => {
                        view.unapplied.push(unapplied(credit, &error));
                        continue;
                    }
                };
                Inner::store_and_commit(&inner, plan, Vec::new()).await?;
                view.taken += 1;
            }
            current.unapplied_credits = view.unapplied.clone();
            write_record(&inner, &current).await?;
            Ok(to_js(&view))
        })
    }
}
