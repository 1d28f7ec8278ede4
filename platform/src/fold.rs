//! Each kiosk's journal folded with the core's own rules: the state at the
//! platform's head, from the latest checkpoint and the entries after it.
//!
//! The state at a head is kept in memory between requests, but only as a
//! cache: it is taken out for a request and put back only after that
//! request's transaction committed, and it is used only when its seq and
//! hash are the head the locked kiosk row holds. Anything else (a restart,
//! a rolled-back request, a fork settled by the command line) rebuilds it
//! from the database.

use aixin_kiosk::checkpoint;
use aixin_kiosk::entry::{Body, Entry, Hash};
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::KioskId;
use aixin_kiosk::journal::{Replay, ReplayError, StoredRecord};
use aixin_kiosk::state::State;
use std::collections::HashMap;
use std::sync::Mutex;
use tokio_postgres::GenericClient;

/// A checkpoint is stored every this many entries.
pub const CHECKPOINT_EVERY: u64 = 1_000;

/// Folded states by county id, each at the head it was folded to.
#[derive(Default)]
pub struct Cache {
    states: Mutex<HashMap<String, State>>,
}

impl Cache {
    /// Takes the state of `county_id` out when it is at `seq`/`head`.
    fn take(&self, county_id: &str, seq: u64, head: &Hash) -> Option<State> {
        let mut states = self.states.lock().ok()?;
        let state = states.remove(county_id)?;
        (state.seq == seq && &state.head == head).then_some(state)
    }

    /// Keeps `state` once the transaction that stored it committed.
    pub fn put(&self, county_id: &str, state: State) {
        if let Ok(mut states) = self.states.lock() {
            states.insert(county_id.to_string(), state);
        }
    }
}

/// Why an entry could not be folded: its seq and the core's reason.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub seq: u64,
    pub reason: String,
}

/// A fold in progress for one kiosk.
pub struct Fold {
    replay: Option<Replay>,
    /// The state before any kiosk id is known (nothing folded yet).
    empty: Option<State>,
}

impl Fold {
    fn from_state(state: State) -> Fold {
        match state.kiosk.as_ref().map(|kiosk| kiosk.kiosk_id.clone()) {
            Some(kiosk_id) => Fold {
                replay: Some(Replay::from_state(state, &kiosk_id)),
                empty: None,
            },
            None => Fold {
                replay: None,
                empty: Some(state),
            },
        }
    }

    pub fn seq(&self) -> u64 {
        self.state().map_or(0, |state| state.seq)
    }

    pub fn state(&self) -> Option<&State> {
        match (&self.replay, &self.empty) {
            (Some(replay), _) => Some(replay.state()),
            (None, state) => state.as_ref(),
        }
    }

    pub fn into_state(self) -> Option<State> {
        match (self.replay, self.empty) {
            (Some(replay), _) => Some(replay.into_state()),
            (None, state) => state,
        }
    }

    /// Verifies and folds `records` (consecutive, after the fold's seq) with
    /// the core's [`Replay`]. On a refusal the fold is spent: its state may
    /// hold part of the refused entry, so it must not be used again.
    pub fn feed(&mut self, records: &[(u64, &StoredRecord)]) -> Result<(), Refusal> {
        let Some(first) = records.first() else {
            return Ok(());
        };
        if self.replay.is_none() {
            // Nothing folded yet: the kiosk's id is the genesis entry's.
            let kiosk_id = genesis_kiosk_id(first.1).ok_or_else(|| Refusal {
                seq: first.0,
                reason: "the first entry is not a genesis entry".to_string(),
            })?;
            let state = self.empty.take().unwrap_or_else(State::new);
            self.replay = Some(Replay::from_state(state, &kiosk_id));
        }
        let stored: Vec<(u64, Vec<u8>)> = records
            .iter()
            .map(|(seq, record)| (*seq, record.to_bytes()))
            .collect();
        let Some(replay) = self.replay.as_mut() else {
            return Ok(());
        };
        replay.feed(&stored).map_err(|error| match error {
            ReplayError::Corrupt(Error::StorageCorrupt { seq, detail }) => Refusal {
                seq,
                reason: detail,
            },
            ReplayError::Corrupt(error) | ReplayError::WrongKiosk(error) => Refusal {
                seq: first.0,
                reason: error.message_en(),
            },
        })
    }
}

fn genesis_kiosk_id(record: &StoredRecord) -> Option<KioskId> {
    match Entry::decode(&record.bytes).ok()?.body {
        Body::Genesis { kiosk_id, .. } => Some(kiosk_id),
        _ => None,
    }
}

/// Why the stored journal could not be folded: the database holds what the
/// platform never would have stored. Not the kiosk's fault.
#[derive(Debug)]
pub enum LoadError {
    Database(tokio_postgres::Error),
    Damaged(String),
}

impl From<tokio_postgres::Error> for LoadError {
    fn from(error: tokio_postgres::Error) -> LoadError {
        LoadError::Database(error)
    }
}

/// The fold at the head `head_seq`/`head_hash` of `county_id`: the cached
/// state when it is at that head, else the latest checkpoint at or before it
/// and the stored entries after, replayed.
pub async fn load(
    client: &impl GenericClient,
    cache: &Cache,
    county_id: &str,
    head_seq: u64,
    head_hash: &Hash,
) -> Result<Fold, LoadError> {
    if let Some(state) = cache.take(county_id, head_seq, head_hash) {
        return Ok(Fold::from_state(state));
    }
    let head = to_sql_seq(head_seq)?;
    let row = client
        .query_opt(
            "SELECT seq, head_hash, state FROM checkpoint WHERE kiosk = $1 AND seq <= $2 \
             ORDER BY seq DESC LIMIT 1",
            &[&county_id, &head],
        )
        .await?;
    // A checkpoint that does not decode, or whose header is not its row,
    // is ignored: the entries are the truth.
    let start = row
        .and_then(|row| {
            let decoded = checkpoint::decode(row.get::<_, &[u8]>(2)).ok()?;
            let seq: i64 = row.get(0);
            let held: &[u8] = row.get(1);
            let matches = decoded.claim.seq == seq as u64 && decoded.claim.head[..] == *held;
            matches.then_some(decoded.state)
        })
        .unwrap_or_else(State::new);
    let mut fold = Fold::from_state(start);
    let mut after = fold.seq();
    while after < head_seq {
        let rows = client
            .query(
                "SELECT seq, record, hash FROM entry WHERE kiosk = $1 AND seq > $2 AND seq <= $3 \
                 ORDER BY seq LIMIT 1000",
                &[&county_id, &to_sql_seq(after)?, &head],
            )
            .await?;
        if rows.is_empty() {
            break;
        }
        let records = rows_to_records(&rows)?;
        let borrowed: Vec<(u64, &StoredRecord)> = records.iter().map(|(s, r)| (*s, r)).collect();
        fold.feed(&borrowed).map_err(|refusal| {
            LoadError::Damaged(format!("stored entry {}: {}", refusal.seq, refusal.reason))
        })?;
        after = fold.seq();
    }
    let at_head = fold.seq() == head_seq
        && (head_seq == 0 || fold.state().is_some_and(|state| &state.head == head_hash));
    if !at_head {
        return Err(LoadError::Damaged(format!(
            "the stored entries fold to seq {}, the head is {head_seq}",
            fold.seq()
        )));
    }
    Ok(fold)
}

fn rows_to_records(rows: &[tokio_postgres::Row]) -> Result<Vec<(u64, StoredRecord)>, LoadError> {
    rows.iter()
        .map(|row| {
            let seq: i64 = row.get(0);
            let bytes: Vec<u8> = row.get(1);
            let hash: &[u8] = row.get(2);
            let hash = hash
                .try_into()
                .map_err(|_| LoadError::Damaged(format!("stored entry {seq}: hash length")))?;
            Ok((seq as u64, StoredRecord { bytes, hash }))
        })
        .collect()
}

/// A seq as PostgreSQL's `bigint`.
pub fn to_sql_seq(seq: u64) -> Result<i64, LoadError> {
    i64::try_from(seq).map_err(|_| LoadError::Damaged(format!("seq {seq} out of range")))
}
