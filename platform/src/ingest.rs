//! One batch of a kiosk's journal against what the platform holds: the
//! answer, and what to store for it, inside the caller's transaction (the
//! kiosk row already locked `FOR UPDATE`).
//!
//! Entries the platform holds with the same hashes are acknowledged again;
//! a seq held with another hash is a fork; a batch starting past the head
//! is a gap; the new tail is folded with the core's rules before anything
//! is stored, so an entry that could never have happened is refused with
//! its seq and nothing of the batch is kept. HTTP uploads and imported USB
//! batches both come through here.

use crate::fold::{self, Cache, LoadError, CHECKPOINT_EVERY};
use aixin_kiosk::checkpoint;
use aixin_kiosk::entry::{Entry, Hash};
use aixin_kiosk::journal::StoredRecord;
use aixin_kiosk::state::State;
use aixin_kiosk::sync::{parse_hash, BatchHeader};
use tokio_postgres::Transaction;

/// The kiosk row, as locked for a request.
#[derive(Clone, Debug)]
pub struct KioskRow {
    pub county_id: String,
    pub village: String,
    pub kiosk_id: Option<String>,
    pub genesis_hash: Option<Hash>,
    pub token_hash: Option<Vec<u8>>,
    pub head_seq: u64,
    pub head_hash: Hash,
    pub status: String,
}

pub const KIOSK_COLUMNS: &str =
    "county_id, village, kiosk_id, genesis_hash, token_hash, head_seq, head_hash, status";

impl KioskRow {
    pub fn from_row(row: &tokio_postgres::Row) -> KioskRow {
        let hash = |bytes: Option<&[u8]>| bytes.and_then(|bytes| bytes.try_into().ok());
        KioskRow {
            county_id: row.get(0),
            village: row.get(1),
            kiosk_id: row.get(2),
            genesis_hash: hash(row.get(3)),
            token_hash: row.get(4),
            head_seq: row.get::<_, i64>(5).max(0) as u64,
            head_hash: hash(row.get(6)).unwrap_or_default(),
            status: row.get(7),
        }
    }
}

/// Locks and reads the row of `county_id`.
pub async fn lock_kiosk(
    tx: &Transaction<'_>,
    county_id: &str,
) -> Result<Option<KioskRow>, tokio_postgres::Error> {
    let sql = format!("SELECT {KIOSK_COLUMNS} FROM kiosk WHERE county_id = $1 FOR UPDATE");
    let row = tx.query_opt(&sql, &[&county_id]).await?;
    Ok(row.as_ref().map(KioskRow::from_row))
}

/// What the platform answers to a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Ack {
        acked_seq: u64,
        acked_hash: Hash,
        appended: u64,
        duplicate: u64,
    },
    Gap {
        head_seq: u64,
        head_hash: Hash,
    },
    Fork {
        seq: u64,
        platform_hash: Hash,
        kiosk_hash: Hash,
        reason: String,
    },
    Refused {
        seq: Option<u64>,
        line: Option<usize>,
        reason: String,
    },
    TooOld {
        seq: Option<u64>,
        line: Option<usize>,
        reason: String,
    },
    TooLarge {
        reason: String,
    },
}

impl Verdict {
    /// The word kept in the `upload` audit row.
    pub fn result(&self) -> &'static str {
        match self {
            Verdict::Ack { .. } => "ok",
            Verdict::Gap { .. } => "gap",
            Verdict::Fork { .. } => "fork",
            Verdict::Refused { .. } => "refused",
            Verdict::TooOld { .. } => "too_old",
            Verdict::TooLarge { .. } => "too_large",
        }
    }

    pub fn http_status(&self) -> u16 {
        match self {
            Verdict::Ack { .. } => 200,
            Verdict::Gap { .. } | Verdict::Fork { .. } => 409,
            Verdict::Refused { .. } | Verdict::TooOld { .. } => 422,
            Verdict::TooLarge { .. } => 413,
        }
    }
}

/// A batch's answer, and the folded state to cache once it is committed.
pub struct Ingested {
    pub verdict: Verdict,
    pub state: Option<State>,
}

/// Why a batch got no answer: the database failed, or holds a journal the
/// platform could not fold (both the platform's trouble, not the kiosk's).
pub type IngestError = LoadError;

/// Checks `records` (already read by `aixin_kiosk::sync::parse_batch`:
/// consecutive, chained from `header.prev_hash`) against the held journal
/// of `kiosk` and stores what is new.
pub async fn ingest(
    tx: &Transaction<'_>,
    cache: &Cache,
    kiosk: &KioskRow,
    header: &BatchHeader,
    records: &[StoredRecord],
) -> Result<Ingested, IngestError> {
    let refused = |seq, reason: String| Verdict::Refused {
        seq: Some(seq),
        line: None,
        reason,
    };
    if kiosk.status == "fork" {
        let verdict = open_fork(tx, kiosk).await?;
        return Ok(Ingested {
            verdict,
            state: None,
        });
    }
    let first = header.first_seq;
    let prev_hash = parse_hash(&header.prev_hash).unwrap_or_default();
    if first > kiosk.head_seq + 1 {
        let verdict = Verdict::Gap {
            head_seq: kiosk.head_seq,
            head_hash: kiosk.head_hash,
        };
        return Ok(Ingested {
            verdict,
            state: None,
        });
    }
    if let (Some(genesis), 1, Some(record)) = (kiosk.genesis_hash, first, records.first()) {
        if record.hash != genesis {
            let reason = "the genesis entry is not the one this county id was enrolled with";
            let verdict = refused(1, reason.to_string());
            return Ok(Ingested {
                verdict,
                state: None,
            });
        }
    }
    // The held part: every hash must be the platform's.
    let held_last = header.last_seq.min(kiosk.head_seq);
    let mut duplicate = 0;
    if first <= held_last {
        let rows = tx
            .query(
                "SELECT seq, hash FROM entry WHERE kiosk = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq",
                &[&kiosk.county_id, &fold::to_sql_seq(first)?, &fold::to_sql_seq(held_last)?],
            )
            .await?;
        for (row, (seq, record)) in rows.iter().zip((first..).zip(records)) {
            let held_seq: i64 = row.get(0);
            let held: &[u8] = row.get(1);
            if held_seq as u64 != seq {
                return Err(LoadError::Damaged(format!("entry {seq} is missing")));
            }
            if held != record.hash {
                let platform_hash = held.try_into().unwrap_or_default();
                let verdict = record_fork(tx, kiosk, seq, platform_hash, record.hash).await?;
                return Ok(Ingested {
                    verdict,
                    state: None,
                });
            }
            duplicate += 1;
        }
        if rows.len() as u64 != held_last - first + 1 {
            return Err(LoadError::Damaged("held entries are missing".to_string()));
        }
    } else if first == kiosk.head_seq + 1 && first > 1 && prev_hash != kiosk.head_hash {
        // The batch continues from a hash the platform does not hold at
        // its head: the kiosk's journal differs at the head's seq.
        let verdict = record_fork(tx, kiosk, kiosk.head_seq, kiosk.head_hash, prev_hash).await?;
        return Ok(Ingested {
            verdict,
            state: None,
        });
    }
    let new_from = (kiosk.head_seq + 1).max(first);
    let tail: Vec<(u64, &StoredRecord)> = (first..)
        .zip(records)
        .filter(|(seq, _)| *seq >= new_from)
        .collect();
    if tail.is_empty() {
        // All held already: a kiosk refused before is in order again.
        tx.execute(
            "UPDATE kiosk SET status = 'ok', updated_at = now() WHERE county_id = $1 AND status = 'refused'",
            &[&kiosk.county_id],
        )
        .await?;
        let verdict = Verdict::Ack {
            acked_seq: header.last_seq,
            acked_hash: records
                .last()
                .map(|record| record.hash)
                .unwrap_or(prev_hash),
            appended: 0,
            duplicate,
        };
        return Ok(Ingested {
            verdict,
            state: None,
        });
    }
    let mut fold = fold::load(
        tx,
        cache,
        &kiosk.county_id,
        kiosk.head_seq,
        &kiosk.head_hash,
    )
    .await?;
    let mut checkpoints = Vec::new();
    for run in runs_to_checkpoints(&tail) {
        if let Err(refusal) = fold.feed(run) {
            let verdict = refused(refusal.seq, refusal.reason);
            return Ok(Ingested {
                verdict,
                state: None,
            });
        }
        let state = fold.state();
        if let Some(state) = state.filter(|state| state.seq % CHECKPOINT_EVERY == 0) {
            checkpoints.push((state.seq, state.head, checkpoint::encode(state)));
        }
    }
    store_entries(
        tx,
        &kiosk.county_id,
        &tail,
        prev_hash_of(&tail, first, prev_hash, records),
    )
    .await?;
    for (seq, head, bytes) in &checkpoints {
        tx.execute(
            "INSERT INTO checkpoint (kiosk, seq, head_hash, state) VALUES ($1, $2, $3, $4)",
            &[
                &kiosk.county_id,
                &fold::to_sql_seq(*seq)?,
                &head.as_slice(),
                bytes,
            ],
        )
        .await?;
    }
    let last = tail[tail.len() - 1];
    let genesis_hash = (first == 1).then(|| records[0].hash.to_vec());
    let kiosk_id = fold
        .state()
        .and_then(|state| state.kiosk.as_ref())
        .map(|info| info.kiosk_id.to_string());
    tx.execute(
        "UPDATE kiosk SET head_seq = $2, head_hash = $3, status = 'ok', updated_at = now(), \
         genesis_hash = COALESCE(genesis_hash, $4), kiosk_id = COALESCE(kiosk_id, $5) \
         WHERE county_id = $1",
        &[
            &kiosk.county_id,
            &fold::to_sql_seq(last.0)?,
            &last.1.hash.as_slice(),
            &genesis_hash,
            &kiosk_id,
        ],
    )
    .await?;
    let verdict = Verdict::Ack {
        acked_seq: header.last_seq,
        acked_hash: last.1.hash,
        appended: tail.len() as u64,
        duplicate,
    };
    Ok(Ingested {
        verdict,
        state: fold.into_state(),
    })
}

/// The tail cut after every seq that is a multiple of [`CHECKPOINT_EVERY`].
fn runs_to_checkpoints<'a>(
    tail: &'a [(u64, &'a StoredRecord)],
) -> impl Iterator<Item = &'a [(u64, &'a StoredRecord)]> {
    tail.split_inclusive(|(seq, _)| seq % CHECKPOINT_EVERY == 0)
}

/// The hash before the tail's first entry.
fn prev_hash_of(
    tail: &[(u64, &StoredRecord)],
    first: u64,
    prev_hash: Hash,
    records: &[StoredRecord],
) -> Hash {
    let offset = tail[0].0 - first;
    match offset.checked_sub(1) {
        Some(index) => records[index as usize].hash,
        None => prev_hash,
    }
}

async fn store_entries(
    tx: &Transaction<'_>,
    county_id: &str,
    tail: &[(u64, &StoredRecord)],
    mut previous: Hash,
) -> Result<(), IngestError> {
    let mut seqs = Vec::with_capacity(tail.len());
    let mut hashes = Vec::with_capacity(tail.len());
    let mut prev_hashes = Vec::with_capacity(tail.len());
    let mut times = Vec::with_capacity(tail.len());
    let mut kinds = Vec::with_capacity(tail.len());
    let mut bytes = Vec::with_capacity(tail.len());
    for (seq, record) in tail {
        // The fold decoded every entry already; a failure here is a bug.
        let entry = Entry::decode(&record.bytes)
            .map_err(|error| LoadError::Damaged(format!("entry {seq}: {error}")))?;
        seqs.push(fold::to_sql_seq(*seq)?);
        hashes.push(record.hash.to_vec());
        prev_hashes.push(previous.to_vec());
        times.push(entry.time_ms);
        kinds.push(entry.body.kind().to_string());
        bytes.push(record.bytes.clone());
        previous = record.hash;
    }
    tx.execute(
        "INSERT INTO entry (kiosk, seq, hash, prev_hash, time_ms, kind, record) \
         SELECT $1, * FROM unnest($2::bigint[], $3::bytea[], $4::bytea[], $5::bigint[], $6::text[], $7::bytea[])",
        &[&county_id, &seqs, &hashes, &prev_hashes, &times, &kinds, &bytes],
    )
    .await?;
    Ok(())
}

/// Records a fork and marks the kiosk: every later upload gets the same
/// answer until the county settles it.
async fn record_fork(
    tx: &Transaction<'_>,
    kiosk: &KioskRow,
    seq: u64,
    platform_hash: Hash,
    kiosk_hash: Hash,
) -> Result<Verdict, IngestError> {
    tx.execute(
        "INSERT INTO conflict (kiosk, seq, platform_hash, kiosk_hash, kind, reason) \
         VALUES ($1, $2, $3, $4, 'fork', $5)",
        &[
            &kiosk.county_id,
            &fold::to_sql_seq(seq)?,
            &platform_hash.as_slice(),
            &kiosk_hash.as_slice(),
            &FORK_REASON,
        ],
    )
    .await?;
    tx.execute(
        "UPDATE kiosk SET status = 'fork', updated_at = now() WHERE county_id = $1",
        &[&kiosk.county_id],
    )
    .await?;
    Ok(Verdict::Fork {
        seq,
        platform_hash,
        kiosk_hash,
        reason: FORK_REASON.to_string(),
    })
}

const FORK_REASON: &str = "the platform holds another entry at this seq; the county must settle it";
/// The answer after the county kept the platform's journal.
pub const KEPT_PLATFORM_REASON: &str =
    "the county kept the platform's journal: restore this kiosk from a backup that matches it, then enroll it again";

/// The answer to a kiosk marked "fork": its latest fork, as first answered.
async fn open_fork(tx: &Transaction<'_>, kiosk: &KioskRow) -> Result<Verdict, IngestError> {
    let row = tx
        .query_opt(
            "SELECT seq, platform_hash, kiosk_hash, keep FROM conflict \
             WHERE kiosk = $1 AND kind = 'fork' ORDER BY id DESC LIMIT 1",
            &[&kiosk.county_id],
        )
        .await?;
    let Some(row) = row else {
        return Err(LoadError::Damaged(
            "marked fork without a fork recorded".to_string(),
        ));
    };
    let hash = |bytes: Option<&[u8]>| {
        bytes
            .and_then(|bytes| bytes.try_into().ok())
            .unwrap_or_default()
    };
    let keep: Option<String> = row.get(3);
    let reason = match keep.as_deref() {
        Some("platform") => KEPT_PLATFORM_REASON,
        _ => FORK_REASON,
    };
    Ok(Verdict::Fork {
        seq: row.get::<_, i64>(0) as u64,
        platform_hash: hash(row.get(1)),
        kiosk_hash: hash(row.get(2)),
        reason: reason.to_string(),
    })
}

/// Records a refusal (any 422 `PLATFORM_REFUSED`) and marks the kiosk.
pub async fn record_refusal(
    tx: &Transaction<'_>,
    county_id: &str,
    seq: Option<u64>,
    reason: &str,
) -> Result<(), IngestError> {
    tx.execute(
        "INSERT INTO conflict (kiosk, seq, kind, reason) VALUES ($1, $2, 'refused', $3)",
        &[&county_id, &fold::to_sql_seq(seq.unwrap_or(0))?, &reason],
    )
    .await?;
    tx.execute(
        "UPDATE kiosk SET status = 'refused', updated_at = now() WHERE county_id = $1",
        &[&county_id],
    )
    .await?;
    Ok(())
}

/// The audit row of a request.
pub async fn record_upload(
    tx: &Transaction<'_>,
    county_id: &str,
    source: &str,
    range: Option<(u64, u64)>,
    body_sha256: &[u8],
    verdict: &Verdict,
) -> Result<(), IngestError> {
    let (first, last) = match range {
        Some((first, last)) => (
            Some(fold::to_sql_seq(first)?),
            Some(fold::to_sql_seq(last)?),
        ),
        None => (None, None),
    };
    tx.execute(
        "INSERT INTO upload (kiosk, source, first_seq, last_seq, body_sha256, result, http_status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &county_id,
            &source,
            &first,
            &last,
            &body_sha256,
            &verdict.result(),
            &i32::from(verdict.http_status()),
        ],
    )
    .await?;
    Ok(())
}
