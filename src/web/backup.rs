//! The backup half of the JS API: a backup file of the whole journal (and
//! the PINs when an admin asks), restoring one onto an empty kiosk, and
//! recovering a kiosk whose storage failed verification (`STORAGE_CORRUPT`).
//!
//! The core verifies and rebuilds; this shell reads the stored bytes, writes
//! what the core returned in one strictly durable transaction, and only then
//! swaps the new ledger in. A recovery must replace damaged records, which
//! IndexedDB's `add` never overwrites: the rebuilt journal is first stored
//! whole in a side database (`{kioskId}~recovery`), then the kiosk's
//! database is deleted and written again, then the side database goes.

use super::convert::{from_js, to_js, to_js_error};
use super::gate::Gate;
use super::idb::{KioskDb, Store, WriteBatch, SEQ_MAX};
use super::kiosk::{promise, random_bytes, storage_error, DbLease, Inner, Kiosk};
use super::upload;
use crate::backup::{
    self, Backup, NewAdminPin, PinRefusal, Rebuilt, RecoveryReport, RestoreAuth, StaffPin,
};
use crate::credential::Pin;
use crate::entry::Role;
use crate::error::Error;
use crate::ids::StaffId;
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BackupInput {
    #[serde(rename = "staffSession")]
    staff_session: Option<serde::de::IgnoredAny>,
    /// On a damaged kiosk (no session can be made there): staff id and PIN.
    staff: Option<String>,
    pin: Option<String>,
    now: i64,
    #[serde(default)]
    include_pins: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BackupFileView {
    name: String,
    text: String,
    entries: u64,
    head_hash: String,
    state_hash: String,
    includes_pins: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HeaderView {
    kiosk_id: String,
    village: String,
    shop: String,
    created_ms: i64,
    entries: u64,
    head_hash: String,
    state_hash: String,
    includes_pins: bool,
    /// Whether the backup carries the recovery code's hash (format 2), so
    /// the printed code can restore it.
    has_recovery_code: bool,
    format_version: u32,
    admins: Vec<AdminView>,
    /// The county platform the backup's kiosk was enrolled with, when it
    /// was: `{ url, countyId }`.
    platform: Option<PlatformView>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlatformView {
    url: String,
    county_id: String,
}

/// How far a backup reaches against how far the county holds its kiosk.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlatformCompareView {
    url: String,
    county_id: String,
    backup_seq: u64,
    platform_seq: u64,
    platform_status: String,
    /// The county holds entries after the backup's last one: restoring the
    /// backup goes on from an older copy, and the platform's is the later.
    platform_later: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CompareInput {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AdminView {
    id: String,
    name: String,
}

fn header_view(backup: &Backup) -> HeaderView {
    let header = &backup.header;
    HeaderView {
        kiosk_id: header.kiosk_id.to_string(),
        village: header.village.clone(),
        shop: header.shop.clone(),
        created_ms: header.created_ms,
        entries: header.entries,
        head_hash: header.head_hash.clone(),
        state_hash: header.state_hash.clone(),
        includes_pins: header.credentials > 0,
        has_recovery_code: header.recovery.is_some()
            || backup
                .credentials
                .iter()
                .any(|(key, _)| key == crate::credential::RECOVERY_KEY),
        format_version: header.format_version,
        admins: backup
            .state
            .staff
            .values()
            .filter(|member| member.active && member.role == Role::Admin)
            .map(|member| AdminView {
                id: member.id.to_string(),
                name: member.name.to_string(),
            })
            .collect(),
        platform: backup::enrolled_platform(backup).map(|(origin, county_id, _)| PlatformView {
            url: origin.as_str().to_string(),
            county_id: county_id.as_str().to_string(),
        }),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RestoreInput {
    text: String,
    now: i64,
    admin_id: Option<String>,
    admin_pin: Option<String>,
    /// The village's printed recovery code.
    recovery_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RecoverInput {
    staff: String,
    pin: String,
    now: i64,
    /// A backup file to rebuild from; without one, the verified prefix.
    text: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LostView {
    seq: u64,
    time: Option<i64>,
    kind: String,
    summary: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportView {
    kiosk_id: String,
    staff: String,
    time: i64,
    backup_seq: Option<u64>,
    reapplied: u64,
    lost_from_seq: Option<u64>,
    lost_to_seq: Option<u64>,
    bad_record_hash: Option<String>,
    lost_entries: Vec<LostView>,
    seq: u64,
    head_hash: String,
    state_hash: String,
}

fn report_view(report: RecoveryReport, kiosk_id: String, staff: String, time: i64) -> ReportView {
    ReportView {
        kiosk_id,
        staff,
        time,
        backup_seq: report.backup_seq,
        reapplied: report.reapplied,
        lost_from_seq: report.lost.map(|(from, _)| from),
        lost_to_seq: report.lost.map(|(_, to)| to),
        bad_record_hash: report.bad_record_hash,
        lost_entries: report
            .lost_entries
            .into_iter()
            .map(|lost| LostView {
                seq: lost.seq,
                time: lost.time_ms,
                kind: lost.kind,
                summary: lost.summary,
            })
            .collect(),
        seq: report.seq,
        head_hash: report.head_hash,
        state_hash: report.state_hash,
    }
}

fn staff_id(value: &str) -> Result<StaffId, Error> {
    StaffId::new(value).map_err(|_| Error::StaffAuthRequired)
}

/// Whether the kiosk opened a damaged journal (read-only for that reason).
fn is_damaged(inner: &Inner) -> bool {
    matches!(
        inner.ledger.borrow().read_only(),
        Some(Error::StorageCorrupt { .. })
    )
}

/// The refusal when this page may not write: another tab holds the kiosk,
/// or it was closed.
fn check_writer(inner: &Inner) -> Result<(), Error> {
    if inner.lock.borrow().is_none() {
        return Err(Error::ReadOnly {
            reason: "other_tab",
        });
    }
    Ok(())
}

/// Stores a refused PIN's counter (so wrong PINs still lock) and answers the
/// refusal.
async fn refused(inner: &Inner, refusal: PinRefusal) -> Error {
    if let Some(credential) = refusal.credential {
        let batch = WriteBatch {
            credentials: vec![credential],
            ..WriteBatch::default()
        };
        if let Ok(lease) = DbLease::take(inner) {
            if let Ok(db) = lease.db() {
                let _ = db.write(&batch).await;
            }
        }
    }
    refusal.error
}

/// Every stored journal record and credential record.
async fn read_stored(inner: &Inner, to: u64) -> Result<StoredBytes, Error> {
    let lease = DbLease::take(inner)?;
    let db = lease.db()?;
    let journal = db.read_journal(1, to).await.map_err(storage_error)?;
    let credentials = db
        .read_all(Store::Credentials)
        .await
        .map_err(storage_error)?;
    Ok((journal, credentials))
}

type StoredBytes = (Vec<(u64, Vec<u8>)>, Vec<(String, Vec<u8>)>);

fn batch_of(rebuilt: &mut Rebuilt) -> WriteBatch {
    WriteBatch {
        journal: std::mem::take(&mut rebuilt.journal),
        credentials: std::mem::take(&mut rebuilt.credentials),
        meta: Vec::new(),
    }
}

/// The side database a recovery stores its rebuilt journal in first.
fn side_name(kiosk_id: &str) -> String {
    format!("{kiosk_id}~recovery")
}

/// Replaces the kiosk's whole database with `batch`: stored whole in the side
/// database first, then the kiosk's database deleted and written again.
async fn replace_database(inner: &Inner, batch: &WriteBatch) -> Result<(), Error> {
    let kiosk_id = inner.kiosk_id().to_string();
    // What an earlier attempt left there is superseded.
    KioskDb::delete(&side_name(&kiosk_id))
        .await
        .map_err(storage_error)?;
    let side = KioskDb::open(&side_name(&kiosk_id))
        .await
        .map_err(storage_error)?;
    let staged = side.write(batch).await.map_err(storage_error);
    side.close();
    staged?;
    if let Some(db) = inner.db.borrow_mut().take() {
        db.close();
    }
    KioskDb::delete(&kiosk_id).await.map_err(storage_error)?;
    let db = KioskDb::open(&kiosk_id).await.map_err(storage_error)?;
    let written = db.write(batch).await.map_err(storage_error);
    *inner.db.borrow_mut() = Some(db);
    written?;
    let _ = KioskDb::delete(&side_name(&kiosk_id)).await;
    Ok(())
}

#[cfg(feature = "staff")]
#[wasm_bindgen]
impl Kiosk {
    /// A backup of the whole journal: `{ staffSession, now, includePins }`
    /// (clerk or admin; PINs only for an admin) → `{ name, text, entries,
    /// headHash, stateHash, includesPins }`. On a damaged kiosk, where no
    /// session can be made, `{ staff, pin, now }` instead: a backup of the
    /// verified prefix.
    pub fn backup(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        let session_role = (|| {
            let property = |key: &str| {
                js_sys::Reflect::get(&input, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
            };
            let session = super::convert::session_id(&property("staffSession"))?;
            let now: i64 = from_js(property("now"), "now")?;
            let ledger = inner.ledger.borrow();
            Ok::<Role, Error>(ledger.staff_session(&session, now)?.role)
        })();
        promise(async move {
            let fields: BackupInput = from_js(input, "backup")?;
            // No change lands between reading the records and the state.
            let _pass = Gate::enter(&inner.gate).await;
            let role = match (&fields.staff_session, &fields.staff, &fields.pin) {
                (Some(_), _, _) => session_role.map_err(|_| Error::StaffAuthRequired)?,
                (None, Some(staff), Some(pin)) if is_damaged(&inner) => {
                    let who = StaffPin {
                        staff: staff_id(staff)?,
                        pin: pin.clone(),
                    };
                    let (_, credentials) = read_stored(&inner, 0).await?;
                    let role = if fields.include_pins {
                        Role::Admin
                    } else {
                        Role::Clerk
                    };
                    let checked = {
                        let ledger = inner.ledger.borrow();
                        backup::check_staff_pin(
                            ledger.state(),
                            &credentials,
                            &who,
                            role,
                            fields.now,
                        )
                    };
                    if let Err(refusal) = checked {
                        return Err(refused(&inner, refusal).await);
                    }
                    role
                }
                _ => return Err(Error::StaffAuthRequired),
            };
            if !role.covers(Role::Clerk) || (fields.include_pins && role != Role::Admin) {
                return Err(Error::StaffRoleRefused);
            }
            let seq = inner.ledger.borrow().state().seq;
            let (journal, credentials) = read_stored(&inner, seq).await?;
            let ledger = inner.ledger.borrow();
            let state = ledger.state();
            let text = backup::write(
                state,
                &journal,
                &credentials,
                fields.include_pins,
                fields.now,
            )?;
            Ok(to_js(&BackupFileView {
                name: backup::file_name(state, fields.now),
                text,
                entries: state.seq,
                head_hash: hex::encode(state.head),
                state_hash: state.state_hash(),
                includes_pins: fields.include_pins,
            }))
        })
    }

    /// Reads and verifies a backup file without changing anything:
    /// `{ kioskId, village, shop, createdMs, entries, headHash, stateHash,
    /// includesPins, admins: [{ id, name }] }`, or `BACKUP_INVALID`
    /// naming the first bad line.
    #[wasm_bindgen(js_name = readBackup)]
    pub fn read_backup(text: &str) -> Result<JsValue, JsValue> {
        backup::read(text)
            .map(|backup| to_js(&header_view(&backup)))
            .map_err(|error| to_js_error(&error))
    }

    /// Before a backup is restored: asks the county platform the backup's
    /// kiosk was enrolled with how far it holds that kiosk's journal
    /// (`GET /v1/kiosks/{id}/head`, shown the hash of the backup's first
    /// entry, as the kiosk has no token any more): `{ text }` → `{ url,
    /// countyId, backupSeq, platformSeq, platformStatus, platformLater }`,
    /// or null for a backup of a kiosk never enrolled.
    /// `PLATFORM_UNREACHABLE` (or another platform error) when it cannot
    /// tell; the restore may go on as before. Changes nothing.
    #[wasm_bindgen(js_name = comparePlatformHead)]
    pub fn compare_platform_head(&self, input: JsValue) -> js_sys::Promise {
        promise(async move {
            let fields: CompareInput = from_js(input, "comparePlatformHead")?;
            let read = backup::read(&fields.text)?;
            let Some((origin, county_id, genesis)) = backup::enrolled_platform(&read) else {
                return Ok(JsValue::NULL);
            };
            origin.check_allowed(upload::configured_origin().as_ref())?;
            let url = format!(
                "{}?genesis={genesis}",
                upload::county_path(origin.as_str(), county_id.as_str(), "head")
            );
            let answer = upload::request(&url, "GET", &[], None).await?;
            if answer.status != 200 {
                return Err(answer.error());
            }
            let head: crate::sync::answer::Head = answer.decode()?;
            let backup_seq = read.state.seq;
            Ok(to_js(&PlatformCompareView {
                url: origin.as_str().to_string(),
                county_id: county_id.as_str().to_string(),
                backup_seq,
                platform_seq: head.seq,
                platform_status: head.status,
                platform_later: head.seq > backup_seq,
            }))
        })
    }

    /// Restores a backup onto this kiosk, which must be empty (no journal
    /// yet): `{ text, now, recoveryCode, adminId, adminPin }`. The backup is
    /// verified whole first. The restorer shows the village allowed it: the
    /// printed `recoveryCode`, or `adminId`/`adminPin` of an admin whose PIN
    /// the backup carries; else `RESTORE_AUTH_REQUIRED` (with `county: 1`
    /// for an old backup that carries neither). A backup without PINs needs
    /// the recovery code and `adminId`/`adminPin`, the new PIN of one of its
    /// admins. A `restored` entry naming the backup's head follows the
    /// backup's entries. All records are written in one strictly durable
    /// transaction; then the kiosk is open as usual.
    #[wasm_bindgen(js_name = restoreBackup)]
    pub fn restore_backup(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let fields: RestoreInput = from_js(input, "restoreBackup")?;
            let _pass = Gate::enter(&inner.gate).await;
            check_writer(&inner)?;
            if let Some(reason) = inner.ledger.borrow().read_only() {
                return Err(reason.clone());
            }
            let admin = match (fields.admin_id, fields.admin_pin) {
                (Some(staff), Some(pin)) => Some(NewAdminPin {
                    staff: StaffId::new(&staff).map_err(|p| Error::invalid("adminId", &p))?,
                    pin: Pin::new(&pin).ok_or_else(|| {
                        Error::invalid_with(
                            "adminPin",
                            "密码要 4 到 8 位数字",
                            "a PIN is 4 to 8 digits",
                        )
                    })?,
                    salt: random_bytes()?,
                }),
                _ => None,
            };
            let read = backup::read(&fields.text)?;
            let mut rebuilt = {
                let ledger = inner.ledger.borrow();
                backup::restore(
                    read,
                    inner.kiosk_id(),
                    ledger.state(),
                    RestoreAuth {
                        recovery_code: fields.recovery_code,
                        admin,
                    },
                    fields.now,
                    ledger.config(),
                )?
            };
            let batch = batch_of(&mut rebuilt);
            {
                let lease = DbLease::take(&inner)?;
                lease.db()?.write(&batch).await.map_err(storage_error)?;
            }
            let state_hash = rebuilt.ledger.state().state_hash();
            *inner.ledger.borrow_mut() = rebuilt.ledger;
            Ok(JsValue::from_str(&state_hash))
        })
    }

    /// Recovers a kiosk opened on a damaged journal (`allowCorrupt`), with an
    /// admin's PIN: `{ staff, pin, now, text }`. With `text` (a backup of
    /// this kiosk) the journal is rebuilt from the backup; without, from the
    /// verified prefix. Every stored record after that which still chains on
    /// is kept; what cannot be kept is recorded by a `journal_restarted`
    /// entry. Answers the report to print: `{ kioskId, staff, time,
    /// backupSeq, reapplied, lostFromSeq, lostToSeq, badRecordHash,
    /// lostEntries: [{ seq, time, kind, summary }], seq, headHash,
    /// stateHash }`; the kiosk then works as usual.
    #[wasm_bindgen(js_name = recoverStorage)]
    pub fn recover_storage(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let fields: RecoverInput = from_js(input, "recoverStorage")?;
            let who = StaffPin {
                staff: staff_id(&fields.staff)?,
                pin: fields.pin,
            };
            let _pass = Gate::enter(&inner.gate).await;
            check_writer(&inner)?;
            if !is_damaged(&inner) {
                return Err(Error::invalid_with(
                    "recoverStorage",
                    "这台终端的存储没有损坏,不用恢复",
                    "this kiosk's storage is not damaged: nothing to recover",
                ));
            }
            let read = fields.text.as_deref().map(backup::read).transpose()?;
            let (stored, credentials) = read_stored(&inner, SEQ_MAX).await?;
            let config = inner.ledger.borrow().config();
            let recovery = backup::recover(
                &stored,
                &credentials,
                read,
                inner.kiosk_id(),
                &who,
                fields.now,
                config,
            );
            let mut recovery = match recovery {
                Ok(recovery) => recovery,
                Err(refusal) => return Err(refused(&inner, refusal).await),
            };
            let batch = batch_of(&mut recovery.rebuilt);
            replace_database(&inner, &batch).await?;
            *inner.ledger.borrow_mut() = recovery.rebuilt.ledger;
            Ok(to_js(&report_view(
                recovery.report,
                inner.kiosk_id().to_string(),
                who.staff.to_string(),
                fields.now,
            )))
        })
    }

    /// Finishes a recovery that was cut off after the kiosk's database was
    /// deleted and before it was written again: on an empty kiosk, takes the
    /// rebuilt journal from the side database, verifies it, writes it, and
    /// opens it. Answers whether there was one to finish.
    #[wasm_bindgen(js_name = resumeRecovery)]
    pub fn resume_recovery(&self) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let _pass = Gate::enter(&inner.gate).await;
            check_writer(&inner)?;
            if inner.ledger.borrow().state().seq != 0 || is_damaged(&inner) {
                return Ok(JsValue::FALSE);
            }
            let name = side_name(inner.kiosk_id().as_str());
            let side = KioskDb::open(&name).await.map_err(storage_error)?;
            let read = async {
                let journal = side.read_journal(1, SEQ_MAX).await?;
                let credentials = side.read_all(Store::Credentials).await?;
                Ok((journal, credentials))
            }
            .await
            .map_err(storage_error);
            side.close();
            let (journal, credentials) = read?;
            if journal.is_empty() {
                let _ = KioskDb::delete(&name).await;
                return Ok(JsValue::FALSE);
            }
            let config = inner.ledger.borrow().config();
            let ledger = crate::journal::open(
                journal.clone(),
                credentials.clone(),
                inner.kiosk_id(),
                config,
            )
            .map_err(|error| match error {
                crate::journal::OpenError::WrongKiosk(error) => error,
                crate::journal::OpenError::Corrupt { error, .. } => error,
            })?;
            let batch = WriteBatch {
                journal,
                credentials,
                meta: Vec::new(),
            };
            {
                let lease = DbLease::take(&inner)?;
                lease.db()?.write(&batch).await.map_err(storage_error)?;
            }
            *inner.ledger.borrow_mut() = ledger;
            let _ = KioskDb::delete(&name).await;
            Ok(JsValue::TRUE)
        })
    }
}
