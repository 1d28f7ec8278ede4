//! Opening a stored journal: read every record, check seq continuity, the
//! format and the hash chain, then fold. A broken chain or an undecodable
//! record yields `STORAGE_CORRUPT` naming the first bad seq; the verified
//! prefix stays readable (for export and recovery) but refuses changes —
//! never a silent repair, never a half-loaded state.
//!
//! A stored record is the entry's canonical bytes followed by the 32 bytes
//! of its chained hash. Keeping the hash lets a changed byte, a removed or
//! reordered entry, or an entry appended by hand be named at its seq.
//!
//! Open can also start from a checkpoint's state ([`open_from_state`]) and
//! verify only the records after it; [`Replay`] then proves the checkpoint
//! later, run by run, from genesis (or from an archive's base).

use crate::credential::Credential;
use crate::entry::{chain_hash, Body, Entry, Hash};
use crate::error::Error;
use crate::ids::KioskId;
use crate::ledger::{Ledger, LedgerConfig};
use crate::state::State;
use std::collections::HashMap;

/// One journal record as stored: the entry's bytes and its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    pub bytes: Vec<u8>,
    pub hash: Hash,
}

impl StoredRecord {
    /// `bytes ‖ hash`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut stored = Vec::with_capacity(self.bytes.len() + 32);
        stored.extend_from_slice(&self.bytes);
        stored.extend_from_slice(&self.hash);
        stored
    }

    pub fn from_bytes(stored: &[u8]) -> Option<StoredRecord> {
        let split = stored.len().checked_sub(32)?;
        let (bytes, hash) = stored.split_at(split);
        Some(StoredRecord {
            bytes: bytes.to_vec(),
            hash: hash.try_into().ok()?,
        })
    }
}

/// How an open went wrong.
#[derive(Debug)]
pub enum OpenError {
    /// The journal belongs to another kiosk.
    WrongKiosk(Error),
    /// The record at `seq` is bad; `prefix` holds the verified entries before
    /// it, read-only.
    Corrupt { error: Error, prefix: Box<Ledger> },
}

/// Verifies and folds stored journal records (in any order; they are sorted
/// by seq) and the credential records into a ledger for `kiosk_id`.
pub fn open(
    mut records: Vec<(u64, Vec<u8>)>,
    credentials: Vec<(String, Vec<u8>)>,
    kiosk_id: &KioskId,
    config: LedgerConfig,
) -> Result<Ledger, OpenError> {
    records.sort_unstable_by_key(|(seq, _)| *seq);
    let mut replay = Replay::from_genesis(kiosk_id);
    let fed = replay.feed(&records);
    replay.finish(fed, credentials, config)
}

/// Opens from a checkpoint's state: verifies and folds only the records
/// after it (`tail`, in seq order), chaining from the checkpoint's head.
/// What the checkpoint itself claims is proved later, by
/// [`Replay::from_genesis`] over the prefix (see ARCHITECTURE.md).
pub fn open_from_state(
    state: State,
    tail: &[(u64, Vec<u8>)],
    credentials: Vec<(String, Vec<u8>)>,
    kiosk_id: &KioskId,
    config: LedgerConfig,
) -> Result<Ledger, OpenError> {
    let mut replay = Replay::from_state(state, kiosk_id);
    let fed = replay.feed(tail);
    replay.finish(fed, credentials, config)
}

/// A verification in progress: records are fed in seq order, one run at a
/// time, so a long journal is never held whole in memory.
pub struct Replay {
    state: State,
    kiosk_id: KioskId,
    /// The archive base the replay started from (or that the state it
    /// started from was built on), for the `archived` entry to vouch for.
    base: Option<BaseClaim>,
}

/// What an archive's base claims: the seq it holds the state at, the head
/// of the chain there and its state hash. The `archived` entry written
/// before the entries left the live journal names the same three, so a
/// base edited and re-hashed is caught where the replay meets that entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseClaim {
    pub seq: u64,
    pub head: Hash,
    pub state_hash: String,
}

/// Why [`Replay::feed`] stopped.
#[derive(Debug, Clone)]
pub enum ReplayError {
    /// The record at this seq is bad (`Error::StorageCorrupt`).
    Corrupt(Error),
    /// The journal belongs to another kiosk (`Error::WrongKiosk`).
    WrongKiosk(Error),
}

impl Replay {
    pub fn from_genesis(kiosk_id: &KioskId) -> Replay {
        Replay::from_state(State::new(), kiosk_id)
    }

    /// Continues after `state` (a checkpoint's, or the base of an archive).
    pub fn from_state(state: State, kiosk_id: &KioskId) -> Replay {
        Replay {
            state,
            kiosk_id: kiosk_id.clone(),
            base: None,
        }
    }

    /// Checks every `archived` entry of `base.seq` fed from now on against
    /// `base`: one naming another head or state hash stops the replay with
    /// `STORAGE_CORRUPT` at that entry. A base written before archives were
    /// entries has none after it and is trusted on its own hash, as then.
    pub fn vouching_for(mut self, base: BaseClaim) -> Replay {
        self.base = Some(base);
        self
    }

    /// The state so far: every record fed before the first bad one.
    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn into_state(self) -> State {
        self.state
    }

    /// Verifies and applies `records`, which must continue the state's seq.
    pub fn feed(&mut self, records: &[(u64, Vec<u8>)]) -> Result<(), ReplayError> {
        for (key, stored) in records {
            let expected = self.state.seq + 1;
            if let Err(detail) = verify_one(&mut self.state, *key, stored, self.base.as_ref()) {
                return Err(ReplayError::Corrupt(Error::StorageCorrupt {
                    seq: expected,
                    detail,
                }));
            }
            if expected == 1 {
                self.check_kiosk()?;
            }
        }
        if self.state.seq > 0 && records.is_empty() {
            self.check_kiosk()?;
        }
        Ok(())
    }

    fn check_kiosk(&self) -> Result<(), ReplayError> {
        match &self.state.kiosk {
            Some(kiosk) if kiosk.kiosk_id != self.kiosk_id => {
                Err(ReplayError::WrongKiosk(Error::WrongKiosk {
                    expected: self.kiosk_id.to_string(),
                    found: kiosk.kiosk_id.to_string(),
                }))
            }
            _ => Ok(()),
        }
    }

    /// The ledger of a finished replay, or the read-only verified prefix of
    /// a failed one.
    pub fn finish(
        self,
        fed: Result<(), ReplayError>,
        credentials: Vec<(String, Vec<u8>)>,
        config: LedgerConfig,
    ) -> Result<Ledger, OpenError> {
        let credentials: HashMap<String, Credential> = credentials
            .into_iter()
            .filter_map(|(key, bytes)| Some((key, Credential::decode(&bytes)?)))
            .collect();
        match fed {
            Ok(()) => Ok(Ledger::from_parts(self.state, credentials, config, None)),
            Err(ReplayError::WrongKiosk(error)) => Err(OpenError::WrongKiosk(error)),
            Err(ReplayError::Corrupt(error)) => {
                let prefix =
                    Ledger::from_parts(self.state, credentials, config, Some(error.clone()));
                Err(OpenError::Corrupt {
                    error,
                    prefix: Box::new(prefix),
                })
            }
        }
    }
}

/// Checks one record against the state so far (and an `archived` entry
/// against the base it names) and applies it.
fn verify_one(
    state: &mut State,
    key: u64,
    stored: &[u8],
    base: Option<&BaseClaim>,
) -> Result<(), String> {
    let expected = state.seq + 1;
    if key != expected {
        return Err(format!("expected record {expected}, found {key}"));
    }
    let record = StoredRecord::from_bytes(stored).ok_or("record too short")?;
    if chain_hash(&state.head, &record.bytes) != record.hash {
        return Err("hash chain broken".to_string());
    }
    let entry = Entry::decode(&record.bytes).map_err(|error| error.to_string())?;
    if entry.seq != key {
        return Err(format!("record {key} holds entry {}", entry.seq));
    }
    if expected == 1 && !matches!(entry.body, Body::Genesis { .. }) {
        return Err("the first entry is not genesis".to_string());
    }
    if let (
        Some(base),
        Body::Archived {
            through_seq,
            head,
            state_hash,
        },
    ) = (base, &entry.body)
    {
        if *through_seq == base.seq {
            let through = base.seq;
            if *head != hex::encode(base.head) {
                return Err(format!(
                    "the archive base's head at seq {through} is not the one the archived entry names"
                ));
            }
            if *state_hash != base.state_hash {
                return Err(format!(
                    "the archive base's state at seq {through} is not the one the archived entry names"
                ));
            }
        }
    }
    state.apply(&entry, record.hash).map_err(|error| error.0)
}

/// The fixed start of an NDJSON line, before the 64 hex digits of the hash.
const NDJSON_HASH_PREFIX: &str = "{\"hash\":\"";
/// Between the hash and the entry's bytes.
const NDJSON_ENTRY_PREFIX: &str = "\",\"entry\":";

/// One record as a line of `journal.ndjson`: `{"hash":"<hex>","entry":<the
/// entry's canonical bytes, exactly as chained>}`. A reader takes the entry's
/// bytes as the text between the fixed prefix and the final `}`.
pub fn ndjson_line(record: &StoredRecord) -> String {
    let mut line = String::with_capacity(record.bytes.len() + 80);
    push_ndjson_line(&mut line, record);
    line
}

/// Appends [`ndjson_line`] of `record` to `out` (without the newline).
pub fn push_ndjson_line(out: &mut String, record: &StoredRecord) {
    let mut hex = [0u8; 64];
    out.push_str(NDJSON_HASH_PREFIX);
    if hex::encode_to_slice(record.hash, &mut hex).is_ok() {
        out.push_str(std::str::from_utf8(&hex).unwrap_or_default());
    }
    out.push_str(NDJSON_ENTRY_PREFIX);
    out.push_str(&String::from_utf8_lossy(&record.bytes));
    out.push('}');
}

/// Reads a line of `journal.ndjson` back into its record.
pub fn parse_ndjson_line(line: &str) -> Option<StoredRecord> {
    let rest = line.strip_prefix(NDJSON_HASH_PREFIX)?;
    let (hash_hex, rest) = (rest.get(..64)?, rest.get(64..)?);
    let bytes = rest.strip_prefix(NDJSON_ENTRY_PREFIX)?.strip_suffix('}')?;
    let hash = hex::decode(hash_hex).ok()?.try_into().ok()?;
    Some(StoredRecord {
        bytes: bytes.as_bytes().to_vec(),
        hash,
    })
}
