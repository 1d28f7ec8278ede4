//! Backups, restore and recovery from damaged storage.
//!
//! A backup is one text file of lines: a header (format, kiosk, time,
//! entry count, head hash, state hash, credential count), every journal
//! record as its `journal.ndjson` line, the credential records when an admin
//! asked for PINs (else none), and a trailer with the SHA-256 of everything
//! before it. Reading is strict: any line that is not exactly what it must be
//! refuses the whole file with `BACKUP_INVALID` naming that line, and the
//! whole chain and the state hash are verified before anything is written.
//!
//! Recovery rebuilds a journal from a base — a backup, or the verified
//! prefix of damaged storage — plus every stored record after the base that
//! still chains on. What cannot be kept is recorded by a `journal_restarted`
//! entry that takes the first lost seq's place, chains to the last good
//! hash and names the lost range and the bad record's hash.
//!
//! Everything here is pure: the shell hands in stored bytes, the time and
//! salts, and writes what comes back.

use crate::calendar::local_date_time;
use crate::credential::{staff_key, Credential, Pin, PinHash, RECOVERY_KEY};
use crate::entry::{
    chain_hash, hex_of, Actor, Body, Entry, EntryId, RestoreAuthKind, Role, FORMAT_VERSION,
};
use crate::error::Error;
use crate::ids::{KioskId, StaffId};
use crate::journal::{ndjson_line, parse_ndjson_line, StoredRecord};
use crate::ledger::{Ledger, LedgerConfig, ENTRIES_MAX};
use crate::state::State;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The `format` of a backup's header.
pub const BACKUP_FORMAT: &str = "aixin-kiosk-backup";
/// The version of the backup file's layout: 2 adds the recovery code's hash
/// to the header. Version 1 files are still read.
pub const BACKUP_FORMAT_VERSION: u32 = 2;
/// The most credential records a backup may carry (households and staff).
pub const BACKUP_CREDENTIALS_MAX: u64 = 10_000;

/// A backup's first line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
    pub kiosk_id: KioskId,
    pub village: String,
    pub shop: String,
    pub created_ms: i64,
    pub entries: u64,
    pub head_hash: String,
    pub state_hash: String,
    /// 0 when the backup carries no PINs.
    pub credentials: u64,
    /// The recovery code's hash (format 2): whoever restores must know the
    /// code, or the PIN of an admin the backup carries. None in format 1,
    /// or when the village has no recovery code left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<PinHash>,
}

/// A credential line: the store's key and its record.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialLine {
    credential: String,
    record: Credential,
}

/// The last line: the SHA-256 of every byte before it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Trailer {
    end: String,
    sha256: String,
}

/// A backup file read and verified whole.
#[derive(Clone, Debug)]
pub struct Backup {
    pub header: Header,
    pub records: Vec<StoredRecord>,
    pub credentials: Vec<(String, Credential)>,
    /// The journal folded.
    pub state: State,
}

/// Why a record cannot follow the ones before it, in Chinese and English.
struct Problem {
    zh: String,
    en: String,
}

impl Problem {
    fn new(zh: impl Into<String>, en: impl Into<String>) -> Problem {
        Problem {
            zh: zh.into(),
            en: en.into(),
        }
    }

    fn at(self, line: usize) -> Error {
        Error::BackupInvalid {
            line: line as u64,
            detail_zh: self.zh,
            detail: self.en,
        }
    }
}

/// Checks one record against the state so far and applies it.
fn apply_record(state: &mut State, record: &StoredRecord) -> Result<(), Problem> {
    let entry = check_record(state, record)?;
    state
        .apply(&entry, record.hash)
        .map_err(|error| Problem::new("这条记录接不上前面的记录", error.0))
}

/// Checks that one record may follow the state (chain link, bytes, seq)
/// without changing anything; returns its entry.
fn check_record(state: &State, record: &StoredRecord) -> Result<Entry, Problem> {
    let expected = state.seq + 1;
    if chain_hash(&state.head, &record.bytes) != record.hash {
        return Err(Problem::new(
            format!("哈希链在第 {expected} 条断了(这条被改过、挪过,或少了前一条)"),
            format!("the hash chain breaks at entry {expected} (changed, moved, or one before it is missing)"),
        ));
    }
    let entry = Entry::decode(&record.bytes)
        .map_err(|error| Problem::new("不是有效的记录", format!("not a valid entry: {error}")))?;
    if entry.seq != expected {
        return Err(Problem::new(
            format!("这里应是第 {expected} 条,却是第 {} 条", entry.seq),
            format!("expected entry {expected}, found entry {}", entry.seq),
        ));
    }
    if expected == 1 && !matches!(entry.body, Body::Genesis { .. }) {
        return Err(Problem::new(
            "第一条不是开机记录",
            "the first entry is not genesis",
        ));
    }
    Ok(entry)
}

/// The credentials of a store, decoded and in key order (undecodable ones are
/// left out: they hold no usable PIN).
fn decode_credentials(records: &[(String, Vec<u8>)]) -> BTreeMap<String, Credential> {
    records
        .iter()
        .filter_map(|(key, bytes)| Some((key.clone(), Credential::decode(bytes)?)))
        .collect()
}

/// Writes a backup of the journal `records` (seq, stored bytes) that fold to
/// `state`, with the credential records only when `include_pins`. The records
/// are checked against the state first: a backup is never made of bytes the
/// kiosk has not verified.
pub fn write(
    state: &State,
    records: &[(u64, Vec<u8>)],
    credentials: &[(String, Vec<u8>)],
    include_pins: bool,
    created_ms: i64,
) -> Result<String, Error> {
    let Some(kiosk) = &state.kiosk else {
        return Err(Error::invalid_with(
            "backup",
            "这台终端还没有数据,不用备份",
            "this kiosk has no data to back up",
        ));
    };
    let mut head = crate::entry::GENESIS_PREVIOUS_HASH;
    let mut body = String::new();
    for (index, (seq, stored)) in records.iter().enumerate() {
        let record = StoredRecord::from_bytes(stored)
            .filter(|record| {
                *seq == index as u64 + 1 && chain_hash(&head, &record.bytes) == record.hash
            })
            .ok_or_else(|| Error::StorageCorrupt {
                seq: index as u64 + 1,
                detail: "the stored record differs from the verified journal".into(),
            })?;
        head = record.hash;
        body.push_str(&ndjson_line(&record));
        body.push('\n');
    }
    if records.len() as u64 != state.seq || head != state.head {
        return Err(Error::StorageCorrupt {
            seq: (records.len() as u64 + 1).min(state.seq),
            detail: "the stored journal does not end at the verified head".into(),
        });
    }
    let all = decode_credentials(credentials);
    let recovery = all
        .get(RECOVERY_KEY)
        .and_then(|credential| credential.pin_hash.clone());
    let credentials = if include_pins { all } else { BTreeMap::new() };
    for (key, record) in &credentials {
        let line = CredentialLine {
            credential: key.clone(),
            record: record.clone(),
        };
        body.push_str(&serde_json::to_string(&line).unwrap_or_default());
        body.push('\n');
    }
    let header = Header {
        format: BACKUP_FORMAT.to_string(),
        format_version: BACKUP_FORMAT_VERSION,
        kiosk_id: kiosk.kiosk_id.clone(),
        village: kiosk.village.to_string(),
        shop: kiosk.shop.to_string(),
        created_ms,
        entries: state.seq,
        head_hash: hex_of(&state.head),
        state_hash: state.state_hash(),
        credentials: credentials.len() as u64,
        recovery,
    };
    let mut text = serde_json::to_string(&header).unwrap_or_default();
    text.push('\n');
    text.push_str(&body);
    let trailer = Trailer {
        end: BACKUP_FORMAT.to_string(),
        sha256: hex::encode(Sha256::digest(text.as_bytes())),
    };
    text.push_str(&serde_json::to_string(&trailer).unwrap_or_default());
    text.push('\n');
    Ok(text)
}

/// The name a backup is saved under: kiosk, village-local time and head seq.
pub fn file_name(state: &State, created_ms: i64) -> String {
    let (kiosk, offset) = state.kiosk.as_ref().map_or(("kiosk", 8 * 60), |k| {
        (k.kiosk_id.as_str(), k.utc_offset_minutes)
    });
    let at = local_date_time(created_ms, offset);
    format!(
        "aixin-backup-{kiosk}-{:04}{:02}{:02}-{:02}{:02}-seq{}.ndjson",
        at.date.year, at.date.month, at.date.day, at.hour, at.minute, state.seq
    )
}

/// The county platform a backup's kiosk was last enrolled with, from the
/// backup's own `platform_enrolled` entries: the origin, the county's id
/// for it and the hash of the first entry (which the platform bound at the
/// first enrollment). None for a kiosk never enrolled, or a backup that no
/// longer starts at seq 1.
pub fn enrolled_platform(
    backup: &Backup,
) -> Option<(crate::upload::PlatformOrigin, crate::ids::CountyId, String)> {
    let first = backup.records.first()?;
    let first_seq = Entry::decode(&first.bytes).ok()?.seq;
    if first_seq != 1 {
        return None;
    }
    backup
        .records
        .iter()
        .rev()
        .find_map(|record| match Entry::decode(&record.bytes).ok()?.body {
            Body::PlatformEnrolled {
                county_id,
                platform,
            } => Some((platform, county_id, hex_of(&first.hash))),
            _ => None,
        })
}

/// Reads and verifies a backup file whole: the header, every record's chain
/// link and fold, the credentials, the counts, the head and state hashes and
/// the trailer's checksum. The first problem refuses the file, naming its
/// line.
pub fn read(text: &str) -> Result<Backup, Error> {
    let lines: Vec<&str> = match text.strip_suffix('\n') {
        Some(body) => body.split('\n').collect(),
        None if text.is_empty() => Vec::new(),
        None => {
            let line = text.split('\n').count();
            return Err(Problem::new(
                "文件不完整,最后一行没有结束",
                "the file is cut off: the last line is unfinished",
            )
            .at(line));
        }
    };
    let header = read_header(lines.first().copied())?;
    let cut_off = |line: usize| {
        Problem::new(
            format!("文件到这里就断了:应有 {} 条记录", header.entries),
            format!(
                "the file ends here; {} entries were expected",
                header.entries
            ),
        )
        .at(line)
    };
    let mut state = State::new();
    // The header's counts are only claims: capacity is held to the lines
    // actually present.
    let mut records = Vec::with_capacity(lines.len().min(header.entries as usize));
    for index in 0..header.entries as usize {
        let line = index + 2;
        let text = lines.get(index + 1).ok_or_else(|| cut_off(line))?;
        let record = parse_ndjson_line(text).ok_or_else(|| {
            Problem::new("不是一条日志记录", "not a journal record line").at(line)
        })?;
        apply_record(&mut state, &record).map_err(|problem| problem.at(line))?;
        records.push(record);
    }
    let mut credentials = Vec::with_capacity(lines.len().min(header.credentials as usize));
    for index in 0..header.credentials as usize {
        let line = header.entries as usize + index + 2;
        let text = lines.get(line - 1).ok_or_else(|| cut_off(line))?;
        let parsed: CredentialLine = serde_json::from_str(text)
            .map_err(|_| Problem::new("不是一条密码记录", "not a credential line").at(line))?;
        let previous = credentials
            .last()
            .map(|(key, _): &(String, Credential)| key.as_str());
        if previous.is_some_and(|previous| previous >= parsed.credential.as_str()) {
            return Err(Problem::new(
                "密码记录重复或次序不对",
                "a credential repeats or is out of order",
            )
            .at(line));
        }
        credentials.push((parsed.credential, parsed.record));
    }
    check_header_against(&header, &state)?;
    let trailer_line = (header.entries + header.credentials) as usize + 2;
    let trailer_text = lines
        .get(trailer_line - 1)
        .ok_or_else(|| cut_off(trailer_line))?;
    let trailer: Trailer = serde_json::from_str(trailer_text)
        .ok()
        .filter(|trailer: &Trailer| trailer.end == BACKUP_FORMAT)
        .ok_or_else(|| {
            Problem::new(
                "这里应是文件的结尾行",
                "the closing line of the file is expected here",
            )
            .at(trailer_line)
        })?;
    let covered: usize = lines[..trailer_line - 1]
        .iter()
        .map(|line| line.len() + 1)
        .sum();
    if hex::encode(Sha256::digest(&text.as_bytes()[..covered])) != trailer.sha256 {
        return Err(Problem::new(
            "校验码不对:文件被改过",
            "the checksum does not match: the file was changed",
        )
        .at(trailer_line));
    }
    if lines.len() > trailer_line {
        return Err(
            Problem::new("结尾行后面还有内容", "there is more after the closing line")
                .at(trailer_line + 1),
        );
    }
    Ok(Backup {
        header,
        records,
        credentials,
        state,
    })
}

fn read_header(line: Option<&str>) -> Result<Header, Error> {
    let not_backup = || Problem::new("不是爱心超市终端的备份文件", "not a kiosk backup file").at(1);
    let header: Header =
        serde_json::from_str(line.ok_or_else(not_backup)?).map_err(|_| not_backup())?;
    if header.format != BACKUP_FORMAT {
        return Err(not_backup());
    }
    if header.format_version == 1 && header.recovery.is_some() {
        return Err(Problem::new(
            "格式 1 的备份不带恢复码",
            "a format 1 backup carries no recovery code",
        )
        .at(1));
    }
    if !(1..=BACKUP_FORMAT_VERSION).contains(&header.format_version) {
        return Err(Problem::new(
            format!("备份格式 {} 这个版本读不了", header.format_version),
            format!(
                "backup format {} is not one this version reads",
                header.format_version
            ),
        )
        .at(1));
    }
    if header.entries == 0
        || header.entries > ENTRIES_MAX
        || header.credentials > BACKUP_CREDENTIALS_MAX
    {
        return Err(Problem::new(
            "记录条数不对",
            "the entry or credential count is out of range",
        )
        .at(1));
    }
    Ok(header)
}

/// The header must say what the records fold to.
fn check_header_against(header: &Header, state: &State) -> Result<(), Error> {
    let kiosk = state.kiosk.as_ref().map(|k| &k.kiosk_id);
    let agrees = kiosk == Some(&header.kiosk_id)
        && header.head_hash == hex_of(&state.head)
        && header.state_hash == state.state_hash();
    if !agrees {
        return Err(Problem::new(
            "文件头和记录对不上(终端编号、最后哈希或状态哈希)",
            "the header does not match the entries (kiosk id, head hash or state hash)",
        )
        .at(1));
    }
    Ok(())
}

/// A new PIN for an admin, for a backup restored without PINs.
pub struct NewAdminPin {
    pub staff: StaffId,
    pub pin: Pin,
    pub salt: [u8; 16],
}

/// What a restore or a recovery writes: the whole journal and the
/// credential records, and the ledger to swap in once they are stored.
pub struct Rebuilt {
    pub journal: Vec<(u64, Vec<u8>)>,
    pub credentials: Vec<(String, Vec<u8>)>,
    pub ledger: Ledger,
}

fn encode_credentials(credentials: &BTreeMap<String, Credential>) -> Vec<(String, Vec<u8>)> {
    credentials
        .iter()
        .map(|(key, credential)| (key.clone(), credential.encode()))
        .collect()
}

/// Seals one entry onto `state` (not yet applied): its seq follows the head.
fn seal(state: &State, actor: Actor, id: EntryId, body: Body, now_ms: i64) -> StoredRecord {
    let entry = Entry {
        format_version: FORMAT_VERSION,
        seq: state.seq + 1,
        time_ms: now_ms,
        id,
        actor,
        body,
        co_signed_by: None,
    };
    let bytes = entry.encode();
    StoredRecord {
        hash: chain_hash(&state.head, &bytes),
        bytes,
    }
}

/// Applies a record made here; a refusal is a defect.
fn apply_own(state: &mut State, record: &StoredRecord) -> Result<(), Error> {
    apply_record(state, record).map_err(|problem| Error::Internal { detail: problem.en })
}

/// The active admin `staff` of `state`, or a refusal naming the field.
fn active_admin(state: &State, staff: &StaffId) -> Result<(), Error> {
    let is_admin = state
        .staff
        .get(staff)
        .is_some_and(|member| member.active && member.role == Role::Admin);
    if !is_admin {
        return Err(Error::invalid_with(
            "adminId",
            "备份里没有这位在岗的管理员",
            "no active admin with this id in the backup",
        ));
    }
    Ok(())
}

/// What a restorer gives to show the village let them restore: the
/// recovery code printed at set-up, or an admin and PIN. When the backup
/// carries PINs the admin's PIN is checked against them; when it does not,
/// the PIN is the admin's new one and the recovery code is needed too.
#[derive(Default)]
pub struct RestoreAuth {
    pub recovery_code: Option<String>,
    pub admin: Option<NewAdminPin>,
}

/// Checks `auth` against the backup; answers what allowed the restore.
fn check_restore_auth(
    backup: &Backup,
    auth: &RestoreAuth,
) -> Result<(RestoreAuthKind, Option<StaffId>), Error> {
    let carried: BTreeMap<&str, &Credential> = backup
        .credentials
        .iter()
        .map(|(key, credential)| (key.as_str(), credential))
        .collect();
    // A format 1 backup with PINs still carries the recovery code's record.
    let recovery_hash = backup
        .header
        .recovery
        .as_ref()
        .or_else(|| carried.get(RECOVERY_KEY).and_then(|c| c.pin_hash.as_ref()));
    if let Some(code) = &auth.recovery_code {
        let right = Pin::recovery_code(code)
            .zip(recovery_hash)
            .is_some_and(|(code, hash)| hash.verify(&code));
        if !right {
            return Err(Error::RestoreAuthRequired {
                county: recovery_hash.is_none() && carried.is_empty(),
            });
        }
        return Ok((RestoreAuthKind::RecoveryCode, None));
    }
    if let Some(admin) = auth.admin.as_ref().filter(|_| !carried.is_empty()) {
        active_admin(&backup.state, &admin.staff)?;
        let key = staff_key(admin.staff.as_str());
        let right = carried
            .get(key.as_str())
            .and_then(|credential| credential.pin_hash.as_ref())
            .is_some_and(|hash| hash.verify(&admin.pin));
        if right {
            return Ok((RestoreAuthKind::AdminPin, Some(admin.staff.clone())));
        }
    }
    Err(Error::RestoreAuthRequired {
        county: recovery_hash.is_none() && carried.is_empty(),
    })
}

/// Restores `backup` onto the empty kiosk `kiosk_id` (whose state is
/// `current`), once `auth` shows the restorer may: the recovery code, or the
/// PIN of an admin whose credentials the backup carries; else
/// `RESTORE_AUTH_REQUIRED` (a format 1 backup without PINs has neither, and
/// restores only with the county's restore code). The backup's entries come
/// back exactly, then one `restored` entry naming the backup's head and who
/// restored it, so the journal from here differs from anything the kiosk
/// recorded after the backup was made. A backup with PINs brings them back;
/// one without needs `auth.admin`: that admin gets a new PIN, recorded by a
/// `staff_pin_set` entry; every other staff member and household has no PIN
/// until staff set one (their sign-in answers `NO_PIN`), and the recovery
/// code keeps working.
pub fn restore(
    backup: Backup,
    kiosk_id: &KioskId,
    current: &State,
    auth: RestoreAuth,
    now_ms: i64,
    config: LedgerConfig,
) -> Result<Rebuilt, Error> {
    if current.seq != 0 {
        return Err(Error::NotEmpty);
    }
    if backup.header.kiosk_id != *kiosk_id {
        return Err(Error::WrongKiosk {
            expected: kiosk_id.to_string(),
            found: backup.header.kiosk_id.to_string(),
        });
    }
    let (kind, verified_admin) = check_restore_auth(&backup, &auth)?;
    let Backup {
        header,
        records,
        credentials,
        mut state,
    } = backup;
    let mut credentials: BTreeMap<String, Credential> = credentials.into_iter().collect();
    let mut journal: Vec<(u64, Vec<u8>)> = records
        .iter()
        .enumerate()
        .map(|(index, record)| (index as u64 + 1, record.to_bytes()))
        .collect();
    let has_admin = state
        .staff
        .values()
        .any(|m| m.active && m.role == Role::Admin);
    let new_admin = match auth.admin {
        Some(admin) if credentials.is_empty() && has_admin => {
            active_admin(&state, &admin.staff)?;
            Some(admin)
        }
        None if credentials.is_empty() && has_admin => {
            return Err(Error::invalid_with(
                "adminPin",
                "这个备份没有密码,恢复时要给一位管理员设新密码",
                "this backup carries no PINs: give an admin a new PIN to restore it",
            ));
        }
        _ => None,
    };
    let auth_staff = new_admin
        .as_ref()
        .map(|admin| admin.staff.clone())
        .or(verified_admin);
    // The restorer is named when an admin was given; with the recovery code
    // alone it is the kiosk's own act.
    let actor = match &auth_staff {
        Some(staff) => Actor::Staff {
            staff: staff.clone(),
        },
        None => Actor::System,
    };
    let body = Body::Restored {
        backup_seq: state.seq,
        backup_head: header.head_hash.clone(),
        auth: kind,
    };
    let id = EntryId::derived(&format!("restored:{}:{now_ms}", state.seq));
    let record = seal(&state, actor, id, body, now_ms);
    apply_own(&mut state, &record)?;
    journal.push((state.seq, record.to_bytes()));
    if let Some(admin) = new_admin {
        let id = EntryId::derived(&format!("restore:{}:{now_ms}", admin.staff));
        let body = Body::StaffPinSet {
            staff: admin.staff.clone(),
        };
        let actor = Actor::Staff {
            staff: admin.staff.clone(),
        };
        let record = seal(&state, actor, id, body, now_ms);
        apply_own(&mut state, &record)?;
        journal.push((state.seq, record.to_bytes()));
        let credential = Credential {
            pin_hash: Some(PinHash::new(&admin.pin, &admin.salt, config.pin_iterations)),
            ..Credential::default()
        };
        credentials.insert(staff_key(admin.staff.as_str()), credential);
    }
    // Without PINs the recovery code comes back from the header, so the
    // village's printed code still works.
    if let (None, Some(hash)) = (credentials.get(RECOVERY_KEY), header.recovery) {
        let credential = Credential {
            pin_hash: Some(hash),
            ..Credential::default()
        };
        credentials.insert(RECOVERY_KEY.to_string(), credential);
    }
    let records = encode_credentials(&credentials);
    let ledger = Ledger::from_parts(state, credentials.into_iter().collect(), config, None);
    Ok(Rebuilt {
        journal,
        credentials: records,
        ledger,
    })
}

/// A staff member and PIN, checked directly (a damaged kiosk cannot hold a
/// staff session).
pub struct StaffPin {
    pub staff: StaffId,
    pub pin: String,
}

/// A refused PIN: the refusal, and the counter record to store so wrong
/// PINs still lock.
pub struct PinRefusal {
    pub error: Error,
    pub credential: Option<(String, Vec<u8>)>,
}

/// Checks `who` against `state` and `credentials`: an active staff member
/// whose role covers `role`, with the right PIN and not locked out.
pub fn check_staff_pin(
    state: &State,
    credentials: &[(String, Vec<u8>)],
    who: &StaffPin,
    role: Role,
    now_ms: i64,
) -> Result<(), PinRefusal> {
    let refuse = |error| PinRefusal {
        error,
        credential: None,
    };
    let member = state
        .staff
        .get(&who.staff)
        .filter(|m| m.active && m.role.covers(role));
    if member.is_none() {
        return Err(refuse(Error::StaffAuthRequired));
    }
    let key = staff_key(who.staff.as_str());
    let credential = credentials
        .iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, bytes)| Credential::decode(bytes))
        .unwrap_or_default();
    if let Some(locked_until_ms) = credential.locked_at(now_ms) {
        return Err(refuse(Error::LockedOut { locked_until_ms }));
    }
    let Some(hash) = &credential.pin_hash else {
        return Err(refuse(Error::NoPin {
            household: who.staff.to_string(),
        }));
    };
    if Pin::new(&who.pin).is_some_and(|pin| hash.verify(&pin)) {
        return Ok(());
    }
    let after = credential.after_failure(now_ms);
    let error = match after.locked_at(now_ms) {
        Some(locked_until_ms) => Error::LockedOut { locked_until_ms },
        None => Error::WrongPin {
            attempts_left: crate::credential::ATTEMPTS_MAX - after.failures,
        },
    };
    Err(PinRefusal {
        error,
        credential: Some((key, after.encode())),
    })
}

/// One stored record that recovery could not keep, described as far as its
/// bytes still tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LostEntry {
    pub seq: u64,
    pub time_ms: Option<i64>,
    pub kind: String,
    pub summary: String,
}

/// What a recovery did, for the printed report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecoveryReport {
    /// The backup's last seq, when one was the base.
    pub backup_seq: Option<u64>,
    /// Stored records kept after the base because they still chain on.
    pub reapplied: u64,
    /// The lost stored range, the first lost record's hash, and the lost
    /// records as far as they can be read.
    pub lost: Option<(u64, u64)>,
    pub bad_record_hash: Option<String>,
    pub lost_entries: Vec<LostEntry>,
    pub seq: u64,
    pub head_hash: String,
    pub state_hash: String,
}

/// A recovery: what to write, and what it did.
pub struct Recovery {
    pub rebuilt: Rebuilt,
    pub report: RecoveryReport,
}

/// Rebuilds a damaged kiosk's journal: from `backup` when given, else from
/// the verified prefix of `stored`; then every stored record after the base
/// that still chains on. Stored records that cannot be kept are recorded as
/// lost by a `journal_restarted` entry made by `admin` (checked first: an
/// active admin with the right PIN). Stored credentials win over a backup's.
pub fn recover(
    stored: &[(u64, Vec<u8>)],
    stored_credentials: &[(String, Vec<u8>)],
    backup: Option<Backup>,
    kiosk_id: &KioskId,
    admin: &StaffPin,
    now_ms: i64,
    config: LedgerConfig,
) -> Result<Recovery, PinRefusal> {
    let refuse = |error| PinRefusal {
        error,
        credential: None,
    };
    let mut credentials = decode_credentials(stored_credentials);
    let (mut state, mut journal, backup_seq) = match backup {
        Some(backup) => {
            if backup.header.kiosk_id != *kiosk_id {
                return Err(refuse(Error::WrongKiosk {
                    expected: kiosk_id.to_string(),
                    found: backup.header.kiosk_id.to_string(),
                }));
            }
            for (key, credential) in backup.credentials {
                credentials.entry(key).or_insert(credential);
            }
            let journal: Vec<(u64, Vec<u8>)> = backup
                .records
                .iter()
                .enumerate()
                .map(|(index, record)| (index as u64 + 1, record.to_bytes()))
                .collect();
            let seq = backup.state.seq;
            (backup.state, journal, Some(seq))
        }
        None => (State::new(), Vec::new(), None),
    };
    let base_seq = state.seq;
    let mut sorted: Vec<&(u64, Vec<u8>)> =
        stored.iter().filter(|(seq, _)| *seq > base_seq).collect();
    sorted.sort_unstable_by_key(|(seq, _)| *seq);
    let mut rest = sorted.into_iter().peekable();
    while let Some((seq, bytes)) = rest.peek() {
        let checked = StoredRecord::from_bytes(bytes)
            .filter(|_| *seq == state.seq + 1)
            .and_then(|record| Some((check_record(&state, &record).ok()?, record)));
        let Some((entry, record)) = checked else {
            break;
        };
        if state.apply(&entry, record.hash).is_err() {
            // A record that chains but cannot follow: fold again without it.
            state = refold(&journal);
            break;
        }
        journal.push((*seq, bytes.clone()));
        rest.next();
    }
    let reapplied = state.seq - base_seq;
    let lost: Vec<&(u64, Vec<u8>)> = rest.collect();
    let all_credentials: Vec<(String, Vec<u8>)> = encode_credentials(&credentials);
    check_staff_pin(&state, &all_credentials, admin, Role::Admin, now_ms)?;
    let mut report = RecoveryReport {
        backup_seq,
        reapplied,
        lost: None,
        bad_record_hash: None,
        lost_entries: Vec::new(),
        seq: 0,
        head_hash: String::new(),
        state_hash: String::new(),
    };
    if let (Some(first), Some(last)) = (lost.first(), lost.last()) {
        let lost_from_seq = state.seq + 1;
        let lost_to_seq = last.0.max(lost_from_seq);
        let bad_record_hash = hex::encode(Sha256::digest(&first.1));
        let body = Body::JournalRestarted {
            lost_from_seq,
            lost_to_seq,
            bad_record_hash: bad_record_hash.clone(),
        };
        let id = EntryId::derived(&format!("restart:{lost_from_seq}:{now_ms}"));
        let actor = Actor::Staff {
            staff: admin.staff.clone(),
        };
        let record = seal(&state, actor, id, body, now_ms);
        apply_own(&mut state, &record).map_err(refuse)?;
        journal.push((state.seq, record.to_bytes()));
        report.lost = Some((lost_from_seq, lost_to_seq));
        report.bad_record_hash = Some(bad_record_hash);
        report.lost_entries = lost
            .iter()
            .map(|(seq, bytes)| describe_lost(*seq, bytes))
            .collect();
    }
    report.seq = state.seq;
    report.head_hash = hex_of(&state.head);
    report.state_hash = state.state_hash();
    let ledger = Ledger::from_parts(state, credentials.into_iter().collect(), config, None);
    Ok(Recovery {
        rebuilt: Rebuilt {
            journal,
            credentials: all_credentials,
            ledger,
        },
        report,
    })
}

/// The fold of records that were verified once already.
fn refold(journal: &[(u64, Vec<u8>)]) -> State {
    let mut state = State::new();
    for (_, stored) in journal {
        let applied =
            StoredRecord::from_bytes(stored).map(|record| apply_record(&mut state, &record));
        if !matches!(applied, Some(Ok(()))) {
            break;
        }
    }
    state
}

/// What a lost record still says, read without trusting it.
fn describe_lost(seq: u64, stored: &[u8]) -> LostEntry {
    let entry =
        StoredRecord::from_bytes(stored).and_then(|record| Entry::decode(&record.bytes).ok());
    let Some(entry) = entry else {
        return LostEntry {
            seq,
            time_ms: None,
            kind: "unreadable".to_string(),
            summary: String::new(),
        };
    };
    let summary = match &entry.body {
        Body::Credited {
            household,
            amount,
            period,
            ..
        } => format!("{household} +{} {period}", amount.to_fixed()),
        Body::Corrected {
            household, amount, ..
        } => format!("{household} {}", amount.to_fixed()),
        Body::Redeemed {
            household, total, ..
        } => format!("{household} -{}", total.to_fixed()),
        Body::RedemptionVoided { redemption_seq, .. } => format!("#{redemption_seq}"),
        Body::Restocked { lines, .. } => lines
            .iter()
            .map(|line| format!("{}×{}", line.sku, line.quantity))
            .collect::<Vec<_>>()
            .join(","),
        Body::HouseholdRegistered {
            household, name, ..
        } => format!("{household} {name}"),
        _ => String::new(),
    };
    LostEntry {
        seq,
        time_ms: Some(entry.time_ms),
        kind: entry.body.kind().to_string(),
        summary,
    }
}
