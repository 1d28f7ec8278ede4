//! Restoring a lost kiosk from the county platform: the journal comes down
//! in pages (`GET /v1/kiosks/{id}/journal`), each page verified and folded
//! as it arrives by the same replay that opens the kiosk's own storage, so
//! the platform is trusted for nothing it could have got wrong: a broken
//! chain, an entry the fold refuses, a journal of another kiosk or one that
//! does not end at the head the platform named all refuse the restore.
//!
//! The restored kiosk continues the same chain: no entry is added for the
//! restore itself (the platform records it), so it opens at exactly the
//! platform's head and state hash. PINs are never on the platform: they may
//! come from a backup file of this kiosk of any age; whoever has none is
//! listed, and an admin sets a new PIN as part of the restore (a
//! `staff_pin_set` entry, the only entry a restore may add).

use crate::backup::{Backup, NewAdminPin, Rebuilt};
use crate::credential::{household_key, staff_key};
use crate::entry::{Hash, Role};
use crate::error::Error;
use crate::ids::{KioskId, RequestId};
use crate::journal::{parse_ndjson_line, Replay, ReplayError};
use crate::ledger::{Auth, Ledger, LedgerConfig, Operation};
use crate::state::{HouseholdStatus, State};
use crate::sync::parse_hash;

/// A restore in progress: the platform's head, and the records verified so
/// far.
pub struct PlatformRestore {
    replay: Replay,
    records: Vec<(u64, Vec<u8>)>,
    head_seq: u64,
    head_hash: Hash,
}

/// Someone who has no PIN after the restore.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeedsPin {
    /// `household` or `staff`.
    pub kind: &'static str,
    pub id: String,
    pub name: String,
}

/// A finished restore: what to store, the state hash at the platform's head
/// (before the admin's new PIN, if one was set), and who needs a new PIN.
pub struct PlatformRestored {
    pub rebuilt: Rebuilt,
    pub head_state_hash: String,
    pub needs_pin: Vec<NeedsPin>,
}

fn refused(seq: u64, detail: impl Into<String>) -> Error {
    Error::PlatformJournalRefused {
        seq,
        detail: detail.into(),
    }
}

impl PlatformRestore {
    /// Starts a restore onto the empty kiosk `kiosk_id` (whose state is
    /// `current`) up to the platform's head `head_seq`/`head_hash`.
    pub fn new(
        kiosk_id: &KioskId,
        current: &State,
        head_seq: u64,
        head_hash: &str,
    ) -> Result<PlatformRestore, Error> {
        if current.seq != 0 {
            return Err(Error::NotEmpty);
        }
        if head_seq == 0 {
            return Err(Error::PlatformNothingToRestore);
        }
        let head_hash = parse_hash(head_hash)
            .ok_or_else(|| refused(head_seq, "the head's hash is not 64 hex digits"))?;
        Ok(PlatformRestore {
            replay: Replay::from_genesis(kiosk_id),
            records: Vec::new(),
            head_seq,
            head_hash,
        })
    }

    /// The seq the next page starts at, or `None` once the head is reached.
    pub fn next_from(&self) -> Option<u64> {
        let held = self.records.len() as u64;
        (held < self.head_seq).then_some(held + 1)
    }

    /// Verifies and folds one page of journal lines. A page must bring at
    /// least one entry and never go past the head, so a restore always ends
    /// within `head_seq` pages.
    pub fn feed_page(&mut self, text: &str) -> Result<(), Error> {
        let from = self.records.len() as u64 + 1;
        let mut page = Vec::new();
        for (index, line) in text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .enumerate()
        {
            let seq = from + index as u64;
            if seq > self.head_seq {
                return Err(refused(seq, "the platform sent entries past its head"));
            }
            let record = parse_ndjson_line(line.trim_end_matches('\r'))
                .ok_or_else(|| refused(seq, "a line is not a journal line"))?;
            page.push((seq, record.to_bytes()));
        }
        if page.is_empty() {
            return Err(refused(
                from,
                "the platform sent no entries before its head",
            ));
        }
        match self.replay.feed(&page) {
            Ok(()) => {}
            Err(ReplayError::WrongKiosk(error)) => return Err(error),
            Err(ReplayError::Corrupt(Error::StorageCorrupt { seq, detail })) => {
                return Err(refused(seq, detail))
            }
            Err(ReplayError::Corrupt(error)) => return Err(refused(from, error.message_en())),
        }
        self.records.extend(page);
        Ok(())
    }

    /// Ends the restore: the journal must end at the platform's head. PIN
    /// records come from `pins` (a backup of this kiosk, any age, whose head
    /// the platform's journal holds); `admin`, an active admin of the
    /// restored journal, gets a new PIN recorded as an entry. Without an
    /// admin PIN from either, the restore is refused (nobody could sign in
    /// as staff afterwards).
    pub fn finish(
        self,
        pins: Option<Backup>,
        admin: Option<NewAdminPin>,
        now_ms: i64,
        config: LedgerConfig,
    ) -> Result<PlatformRestored, Error> {
        let state = self.replay.state();
        if state.seq != self.head_seq || state.head != self.head_hash {
            return Err(refused(
                state.seq + 1,
                "the journal does not end at the head the platform named",
            ));
        }
        let credentials = match &pins {
            Some(backup) => pins_of(backup, &self.records, state)?,
            None => Vec::new(),
        };
        let head_state_hash = state.state_hash();
        let mut ledger = self
            .replay
            .finish(Ok(()), credentials.clone(), config)
            .map_err(|_| refused(self.head_seq, "the journal could not be opened"))?;
        let mut journal = self.records;
        let mut credentials = credentials;
        match admin {
            Some(admin) => {
                let is_admin = ledger
                    .state()
                    .staff
                    .get(&admin.staff)
                    .is_some_and(|member| member.active && member.role == Role::Admin);
                if !is_admin {
                    return Err(Error::invalid_with(
                        "adminId",
                        "恢复的记录里没有这位在岗的管理员",
                        "no active admin with this id in the restored journal",
                    ));
                }
                let request = RequestId::new(&format!("platform-restore-{now_ms}"))
                    .map_err(|problem| Error::invalid("requestId", &problem))?;
                let operation = Operation::SetStaffPin {
                    staff: admin.staff.clone(),
                    pin: admin.pin,
                    salt: admin.salt,
                    request,
                };
                let plan = ledger.prepare(&Auth::Staff(admin.staff), operation, now_ms)?;
                journal.extend(plan.journal_records());
                let written = plan.credential_records();
                credentials.retain(|(key, _)| written.iter().all(|(new, _)| new != key));
                credentials.extend(written);
                ledger.commit(plan)?;
            }
            None if !has_admin_pin(&ledger) => {
                return Err(Error::invalid_with(
                    "adminPin",
                    "平台上没有密码:恢复时要给一位管理员设新密码",
                    "the platform holds no PINs: give an admin a new PIN to restore",
                ));
            }
            None => {}
        }
        let needs_pin = needs_pin(&ledger);
        Ok(PlatformRestored {
            rebuilt: Rebuilt {
                journal,
                credentials,
                ledger,
            },
            head_state_hash,
            needs_pin,
        })
    }
}

/// The PIN records of `backup`, once it shows it is a backup of this very
/// journal: its kiosk, and its head held at its seq in the platform's
/// journal. Lockout counters are not carried over.
fn pins_of(
    backup: &Backup,
    records: &[(u64, Vec<u8>)],
    state: &State,
) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let kiosk = state.kiosk.as_ref().map(|kiosk| &kiosk.kiosk_id);
    if kiosk != Some(&backup.header.kiosk_id) {
        return Err(Error::WrongKiosk {
            expected: kiosk.map(|id| id.to_string()).unwrap_or_default(),
            found: backup.header.kiosk_id.to_string(),
        });
    }
    let seq = backup.state.seq;
    let held = seq
        .checked_sub(1)
        .and_then(|index| records.get(index as usize))
        .and_then(|(_, bytes)| crate::journal::StoredRecord::from_bytes(bytes))
        .map(|record| record.hash);
    if held != Some(backup.state.head) {
        return Err(Error::invalid_with(
            "backupText",
            "这个备份不是这台终端在平台上的记录(它的最后一条和平台的对不上),没有恢复",
            "this backup is not of this kiosk's journal on the platform (its last entry differs); nothing was restored",
        ));
    }
    Ok(backup
        .credentials
        .iter()
        .filter(|(_, credential)| credential.pin_hash.is_some())
        .map(|(key, credential)| {
            let fresh = crate::credential::Credential {
                pin_hash: credential.pin_hash.clone(),
                ..crate::credential::Credential::default()
            };
            (key.clone(), fresh.encode())
        })
        .collect())
}

fn has_pin(ledger: &Ledger, key: &str) -> bool {
    ledger
        .credential(key)
        .is_some_and(|credential| credential.pin_hash.is_some())
}

fn has_admin_pin(ledger: &Ledger) -> bool {
    ledger
        .state()
        .staff
        .values()
        .filter(|member| member.active && member.role == Role::Admin)
        .any(|member| has_pin(ledger, &staff_key(member.id.as_str())))
}

/// Active staff and households without a PIN, staff first.
fn needs_pin(ledger: &Ledger) -> Vec<NeedsPin> {
    let state = ledger.state();
    let staff = state
        .staff
        .values()
        .filter(|member| member.active && !has_pin(ledger, &staff_key(member.id.as_str())))
        .map(|member| NeedsPin {
            kind: "staff",
            id: member.id.to_string(),
            name: member.name.to_string(),
        });
    let households = state
        .households
        .values()
        .filter(|household| household.status == HouseholdStatus::Active)
        .filter(|household| !has_pin(ledger, &household_key(household.code.as_str())))
        .map(|household| NeedsPin {
            kind: "household",
            id: household.code.to_string(),
            name: household.name.to_string(),
        });
    staff.chain(households).collect()
}
