//! The kiosk's own upkeep: genesis and the demo village, settings, the
//! county platform's enrollment, uploads marked, archives, the year's close
//! and confirmations of a clock that jumped.
//!
//! The inputs the page sends for a setting, the year's close, an upload
//! marked and a clock confirmed are parsed here, so the binding only
//! forwards them.

use super::{entry_id, misrouted, parse_request, Acting, Draft, Ledger, Operation, Planned};
use crate::entry::{Body, EntryId};
use crate::error::Error;
use crate::settings::Setting;
use serde::Deserialize;

impl Ledger {
    /// Plans an upkeep operation.
    pub(super) fn plan_upkeep(
        &self,
        acting: &Acting,
        operation: Operation,
    ) -> Result<Planned, Error> {
        Ok(match operation {
            Operation::Genesis {
                kiosk_id,
                village,
                shop,
                time_zone,
                utc_offset_minutes,
            } => {
                if self.state.kiosk.is_some() {
                    return Err(Error::NotEmpty);
                }
                let id = EntryId::derived(&format!("genesis:{kiosk_id}"));
                let body = Body::Genesis {
                    kiosk_id,
                    village,
                    shop,
                    time_zone,
                    utc_offset_minutes,
                };
                acting.one(id, body)
            }
            Operation::LoadDemo => {
                if self.state.seq != 1 {
                    return Err(Error::NotEmpty);
                }
                let (drafts, credentials) = crate::demo::drafts(&self.state)?;
                let drafts = drafts
                    .into_iter()
                    .map(|(actor, id, body)| Draft { actor, id, body })
                    .collect();
                Planned::with_credentials(drafts, credentials)
            }
            Operation::ChangeSetting { setting, request } => {
                setting.check_change()?;
                let body = Body::SettingChanged { setting };
                acting.one(entry_id(&request), body)
            }
            Operation::EnrollPlatform {
                county_id,
                platform,
                request,
            } => {
                let body = Body::PlatformEnrolled {
                    county_id,
                    platform,
                };
                acting.one(entry_id(&request), body)
            }
            Operation::Archive {
                through_seq,
                head,
                state_hash,
                request,
            } => {
                if through_seq == 0 || through_seq > self.state.seq {
                    return Err(Error::invalid_with(
                        "throughSeq",
                        "归档范围不对",
                        "the archived range is not in the journal",
                    ));
                }
                let body = Body::Archived {
                    through_seq,
                    head: hex::encode(head),
                    state_hash,
                };
                acting.one(entry_id(&request), body)
            }
            Operation::CloseYear { year, request } => {
                if self.state.closed_years.contains_key(&year) {
                    return Err(Error::YearClosed { year });
                }
                // The year is over by the ledger's time: a clock moved to
                // 1 January closes nothing until it is confirmed.
                let ledger_now = self
                    .state
                    .clock
                    .ledger_time_at(acting.now_ms)
                    .ok_or(Error::ClockUnconfirmed)?;
                if year >= self.state.local_year(ledger_now) {
                    return Err(Error::invalid_with(
                        "year",
                        "这一年还没有结束,不能结账",
                        "the year is not over yet in village time",
                    ));
                }
                let cleared = match self.state.settings.year_end {
                    crate::settings::YearEnd::Carry => None,
                    _ => Some(self.state.year_close_clearing(year)),
                };
                let body = Body::YearClosed { year, cleared };
                acting.one(entry_id(&request), body)
            }
            Operation::ConfirmClock { request } => {
                // Only a jump waits for a confirmation: one with nothing to
                // confirm would be noise in the journal.
                if self.state.clock.ledger_time_at(acting.now_ms).is_some() {
                    return Err(Error::invalid_with(
                        "clock",
                        "终端时钟没有跳变,不需要确认",
                        "the clock has not jumped since the last entry: nothing to confirm",
                    ));
                }
                let body = Body::ClockConfirmed {
                    ledger_ms_before: self.state.clock.ledger_ms,
                };
                acting.one(entry_id(&request), body)
            }
            Operation::MarkUploaded { last_seq, request } => {
                let first_seq = self.state.uploaded_through_seq + 1;
                if last_seq < first_seq || last_seq > self.state.seq {
                    return Err(Error::invalid_with(
                        "lastSeq",
                        "上传范围不对",
                        "the uploaded range does not follow the last upload",
                    ));
                }
                let last_hash = self.hash_at(last_seq)?;
                let body = Body::BatchUploaded {
                    first_seq,
                    last_seq,
                    last_hash,
                };
                acting.one(entry_id(&request), body)
            }
            _ => return Err(misrouted("upkeep")),
        })
    }

    fn hash_at(&self, seq: u64) -> Result<String, Error> {
        if seq == self.state.seq {
            return Ok(hex::encode(self.state.head));
        }
        // Only the head's hash is in memory; older hashes come from the
        // shell's export of that range, which checks them.
        Err(Error::invalid_with(
            "lastSeq",
            "只能标记到最新一条为止",
            "only the latest entry's range can be marked",
        ))
    }
}

/// A village setting changed, as the page sends it to `changeSetting`: `{
/// key, value, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingInput {
    key: String,
    value: String,
    request_id: String,
}

impl SettingInput {
    pub fn operation(self) -> Result<Operation, Error> {
        let setting = Setting::parse(&self.key, &self.value).ok_or_else(|| {
            Error::invalid_with("value", "这个设置的值不对", "not a value of this setting")
        })?;
        Ok(Operation::ChangeSetting {
            setting,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// A year's books closed, as the page sends it to `closeYear`: `{ year,
/// requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct YearInput {
    year: i32,
    request_id: String,
}

impl YearInput {
    pub fn operation(self) -> Result<Operation, Error> {
        Ok(Operation::CloseYear {
            year: self.year,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// Entries marked uploaded, as the page sends it to `markUploaded`: `{
/// lastSeq, requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadedInput {
    last_seq: u64,
    request_id: String,
}

impl UploadedInput {
    pub fn operation(self) -> Result<Operation, Error> {
        Ok(Operation::MarkUploaded {
            last_seq: self.last_seq,
            request: parse_request(&self.request_id)?,
        })
    }
}

/// The kiosk's time confirmed after a jump, as the page sends it to
/// `confirmClock`: `{ requestId }`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfirmClockInput {
    request_id: String,
}

impl ConfirmClockInput {
    pub fn operation(self) -> Result<Operation, Error> {
        Ok(Operation::ConfirmClock {
            request: parse_request(&self.request_id)?,
        })
    }
}
