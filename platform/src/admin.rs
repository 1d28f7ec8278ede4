//! What the county does from the command line: add a kiosk (and print its
//! one-time enrollment code), issue a new code, import USB batches and
//! archive files, settle a fork, list the kiosks. Each is one transaction.

use crate::db::sql_error;
use crate::fold::{Cache, LoadError};
use crate::ingest::{self, Verdict};
use aixin_kiosk::entry::hex_of;
use aixin_kiosk::export::{JOURNAL_FILE, MANIFEST_FILE};
use aixin_kiosk::journal::{parse_ndjson_line, StoredRecord};
use aixin_kiosk::sync::{valid_county_id, BatchHeader, BATCH_ENTRIES_MAX};
use aixin_kiosk::verify::{verify_batch, BatchFiles};
use deadpool_postgres::Pool;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// How long an enrollment code is valid.
pub const ENROLL_CODE_DAYS: i32 = 7;

/// An operator's mistake or a failure, as one line to print.
pub type AdminResult<T> = Result<T, String>;

fn db(error: tokio_postgres::Error) -> String {
    sql_error(error)
}

fn load(error: LoadError) -> String {
    match error {
        LoadError::Database(error) => sql_error(error),
        LoadError::Damaged(detail) => format!("stored journal: {detail}"),
    }
}

fn check_id(id: &str) -> AdminResult<()> {
    if valid_county_id(id) {
        Ok(())
    } else {
        Err(format!(
            "county id {id:?}: 1 to 40 characters of A-Z a-z 0-9 - _"
        ))
    }
}

/// A new code: 12 random digits in groups of four.
fn new_code() -> String {
    let mut digits = String::new();
    for index in 0..12 {
        if index > 0 && index % 4 == 0 {
            digits.push('-');
        }
        let digit: u8 = rand::Rng::gen_range(&mut rand::thread_rng(), 0..10);
        digits.push(char::from(b'0' + digit));
    }
    digits
}

async fn set_code(client: &impl tokio_postgres::GenericClient, id: &str) -> AdminResult<String> {
    let code = new_code();
    let hash = Sha256::digest(crate::http::normalise_code(&code).as_bytes()).to_vec();
    let updated = client
        .execute(
            "UPDATE kiosk SET enroll_code_hash = $2, enroll_failures = 0, \
             enroll_code_expires_at = now() + make_interval(days => $3), updated_at = now() \
             WHERE county_id = $1",
            &[&id, &hash, &ENROLL_CODE_DAYS],
        )
        .await
        .map_err(db)?;
    if updated == 0 {
        return Err(format!("no kiosk {id}"));
    }
    Ok(code)
}

/// `kiosk add`: the new kiosk's one-time code.
pub async fn add(pool: &Pool, id: &str, village: &str) -> AdminResult<String> {
    check_id(id)?;
    let village = village.trim();
    if village.is_empty() || village.chars().count() > 100 {
        return Err("the village name must be 1 to 100 characters".to_string());
    }
    let mut client = pool.get().await.map_err(|error| error.to_string())?;
    let tx = client.transaction().await.map_err(db)?;
    let inserted = tx
        .execute(
            "INSERT INTO kiosk (county_id, village) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&id, &village],
        )
        .await
        .map_err(db)?;
    if inserted == 0 {
        return Err(format!(
            "kiosk {id} exists; use `kiosk enroll-code --id {id}` for a new code"
        ));
    }
    let code = set_code(&*tx, id).await?;
    tx.commit().await.map_err(db)?;
    Ok(code)
}

/// `kiosk enroll-code`: a new code for an existing kiosk (a replacement PC,
/// a restored kiosk). Enrolling with it revokes the previous token.
pub async fn enroll_code(pool: &Pool, id: &str) -> AdminResult<String> {
    check_id(id)?;
    let client = pool.get().await.map_err(|error| error.to_string())?;
    set_code(&**client, id).await
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Imported {
    pub appended: u64,
    pub duplicate: u64,
    pub head_seq: u64,
}

/// Reads the records of batch directories (verified with the core's
/// verifier: manifest, file digests, chain) and archive files (journal
/// lines), merged by seq.
pub fn read_paths(paths: &[&Path]) -> AdminResult<Vec<(u64, StoredRecord)>> {
    let mut by_seq: BTreeMap<u64, StoredRecord> = BTreeMap::new();
    for path in paths {
        let lines = if path.is_dir() {
            read_batch_dir(path)?
        } else {
            std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?
        };
        for (index, line) in lines
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.is_empty())
        {
            let place = || format!("{} line {}", path.display(), index + 1);
            let record = parse_ndjson_line(line)
                .ok_or_else(|| format!("{}: not a journal line", place()))?;
            let entry = aixin_kiosk::entry::Entry::decode(&record.bytes)
                .map_err(|error| format!("{}: {error}", place()))?;
            match by_seq.get(&entry.seq) {
                Some(held) if *held != record => {
                    return Err(format!(
                        "{}: entry {} differs from another file's",
                        place(),
                        entry.seq
                    ));
                }
                _ => {
                    by_seq.insert(entry.seq, record);
                }
            }
        }
    }
    Ok(by_seq.into_iter().collect())
}

fn read_batch_dir(dir: &Path) -> AdminResult<String> {
    let mut files = BTreeMap::new();
    let entries = std::fs::read_dir(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file() {
            let bytes =
                std::fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
            files.insert(entry.file_name().to_string_lossy().into_owned(), bytes);
        }
    }
    if !files.contains_key(MANIFEST_FILE) {
        return Err(format!(
            "{}: no {MANIFEST_FILE}: not a batch folder",
            dir.display()
        ));
    }
    let batch = BatchFiles {
        name: dir.display().to_string(),
        files,
    };
    let report = verify_batch(&batch);
    if let Some(problem) = report.problems.first() {
        return Err(format!("{problem}"));
    }
    let journal = batch.files.get(JOURNAL_FILE).cloned().unwrap_or_default();
    String::from_utf8(journal)
        .map_err(|_| format!("{}: {JOURNAL_FILE} is not UTF-8", dir.display()))
}

/// `kiosk import-batches`: the records of `paths`, sent through the same
/// ingest as uploads, 1,000 at a time, each run its own transaction (a run
/// refused stops the import; the runs before it are kept, as uploads would
/// be). The kiosk can then continue online from the head.
pub async fn import(
    pool: &Pool,
    cache: &Cache,
    id: &str,
    paths: &[&Path],
) -> AdminResult<Imported> {
    check_id(id)?;
    let records = read_paths(paths)?;
    let mut imported = Imported::default();
    let Some(first) = records.first() else {
        return Err("no journal entries in these paths".to_string());
    };
    // Records before the held head are compared too, so an archive
    // already imported answers duplicates, and a different one a fork.
    let mut prev_hash = [0u8; 32];
    if first.0 > 1 {
        let client = pool.get().await.map_err(|error| error.to_string())?;
        let row = client
            .query_opt(
                "SELECT hash FROM entry WHERE kiosk = $1 AND seq = $2",
                &[&id, &((first.0 - 1) as i64)],
            )
            .await
            .map_err(db)?;
        let held: Option<Vec<u8>> = row.map(|row| row.get(0));
        match held.and_then(|hash| hash.try_into().ok()) {
            Some(hash) => prev_hash = hash,
            None => {
                return Err(format!(
                    "the platform does not hold entry {}: import from there first",
                    first.0 - 1
                ))
            }
        }
    }
    for (expected, (seq, _)) in (first.0..).zip(&records) {
        if *seq != expected {
            return Err(format!("entry {expected} is missing from these paths"));
        }
    }
    for run in records.chunks(BATCH_ENTRIES_MAX) {
        let header = BatchHeader {
            county_id: id.to_string(),
            first_seq: run[0].0,
            last_seq: run[run.len() - 1].0,
            prev_hash: hex_of(&prev_hash),
            last_hash: hex_of(&run[run.len() - 1].1.hash),
            format_version: aixin_kiosk::entry::FORMAT_VERSION,
        };
        // The same checks as an upload's body: seqs, decoding, the chain.
        let body = aixin_kiosk::sync::encode_batch(
            id,
            &prev_hash,
            &run.iter()
                .map(|(seq, record)| (*seq, record))
                .collect::<Vec<_>>(),
        )
        .ok_or("entries not consecutive")?;
        let (_, parsed) = aixin_kiosk::sync::parse_batch(body.as_bytes()).map_err(|error| {
            format!(
                "line {} (entry {:?}): {}",
                error.line, error.seq, error.reason
            )
        })?;
        let body_sha256 = Sha256::digest(body.as_bytes()).to_vec();
        let mut client = pool.get().await.map_err(|error| error.to_string())?;
        let tx = client.transaction().await.map_err(db)?;
        let kiosk = ingest::lock_kiosk(&tx, id)
            .await
            .map_err(db)?
            .ok_or(format!("no kiosk {id}"))?;
        let ingested = ingest::ingest(&tx, cache, &kiosk, &header, &parsed)
            .await
            .map_err(load)?;
        if let Verdict::Refused { seq, reason, .. } = &ingested.verdict {
            ingest::record_refusal(&tx, id, *seq, reason)
                .await
                .map_err(load)?;
        }
        let range = Some((header.first_seq, header.last_seq));
        ingest::record_upload(&tx, id, "import", range, &body_sha256, &ingested.verdict)
            .await
            .map_err(load)?;
        tx.commit().await.map_err(db)?;
        match ingested.verdict {
            Verdict::Ack {
                acked_seq,
                appended,
                duplicate,
                ..
            } => {
                if let Some(state) = ingested.state {
                    cache.put(id, state);
                }
                imported.appended += appended;
                imported.duplicate += duplicate;
                imported.head_seq = imported.head_seq.max(acked_seq);
            }
            other => return Err(describe(&other)),
        }
        prev_hash = run[run.len() - 1].1.hash;
    }
    Ok(imported)
}

fn describe(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Ack { acked_seq, .. } => format!("acknowledged up to {acked_seq}"),
        Verdict::Gap { head_seq, .. } => format!("gap: the platform holds entries up to {head_seq}"),
        Verdict::Fork { seq, platform_hash, kiosk_hash, .. } => format!(
            "fork at entry {seq}: the platform holds {}, the files {} (settle it with `kiosk resolve`)",
            hex_of(platform_hash),
            hex_of(kiosk_hash)
        ),
        Verdict::Refused { seq, line, reason } => format!("refused at entry {seq:?} line {line:?}: {reason}"),
        Verdict::TooOld { seq, reason, .. } => format!("this platform build is too old for entry {seq:?}: {reason}"),
        Verdict::TooLarge { reason } => reason.clone(),
    }
}

/// Which side a settled fork keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// The platform's journal stands; the kiosk must be restored to match.
    Platform,
    /// The kiosk's journal stands: the platform's entries from the fork on
    /// are deleted, and the kiosk's next upload continues from there.
    Kiosk,
}

impl Keep {
    pub fn parse(text: &str) -> Option<Keep> {
        match text {
            "platform" => Some(Keep::Platform),
            "kiosk" => Some(Keep::Kiosk),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Keep::Platform => "platform",
            Keep::Kiosk => "kiosk",
        }
    }
}

/// `kiosk resolve`: settles the open fork (and any open refusals) of `id`,
/// recorded in `conflict` with who settled it. Answers the fork's seq.
pub async fn resolve(pool: &Pool, id: &str, keep: Keep, by: &str) -> AdminResult<u64> {
    check_id(id)?;
    let mut client = pool.get().await.map_err(|error| error.to_string())?;
    let tx = client.transaction().await.map_err(db)?;
    let kiosk = ingest::lock_kiosk(&tx, id)
        .await
        .map_err(db)?
        .ok_or(format!("no kiosk {id}"))?;
    let fork = tx
        .query_opt(
            "SELECT id, seq FROM conflict WHERE kiosk = $1 AND kind = 'fork' AND resolved_at IS NULL \
             ORDER BY id DESC LIMIT 1",
            &[&id],
        )
        .await
        .map_err(db)?;
    let Some(fork) = fork else {
        return Err(format!(
            "kiosk {id} has no open fork (status {})",
            kiosk.status
        ));
    };
    let seq: i64 = fork.get(1);
    if keep == Keep::Kiosk {
        // The entries from the fork on go; so do checkpoints at or past it.
        tx.execute(
            "DELETE FROM entry WHERE kiosk = $1 AND seq >= $2",
            &[&id, &seq],
        )
        .await
        .map_err(db)?;
        tx.execute(
            "DELETE FROM checkpoint WHERE kiosk = $1 AND seq >= $2",
            &[&id, &seq],
        )
        .await
        .map_err(db)?;
        let head: Option<Vec<u8>> = tx
            .query_opt(
                "SELECT hash FROM entry WHERE kiosk = $1 AND seq = $2",
                &[&id, &(seq - 1)],
            )
            .await
            .map_err(db)?
            .map(|row| row.get(0));
        let head = head.unwrap_or_else(|| vec![0; 32]);
        // Below seq 1 nothing is held, and another genesis may follow.
        tx.execute(
            "UPDATE kiosk SET head_seq = $2, head_hash = $3, status = 'ok', updated_at = now(), \
             genesis_hash = CASE WHEN $2::bigint = 0 THEN NULL ELSE genesis_hash END WHERE county_id = $1",
            &[&id, &(seq - 1).max(0), &head],
        )
        .await
        .map_err(db)?;
    }
    tx.execute(
        "UPDATE conflict SET resolved_by = $2, resolved_at = now(), keep = $3 \
         WHERE kiosk = $1 AND resolved_at IS NULL",
        &[&id, &by, &keep.as_str()],
    )
    .await
    .map_err(db)?;
    if keep == Keep::Kiosk || kiosk.status == "refused" {
        tx.execute("UPDATE kiosk SET status = CASE WHEN status = 'refused' THEN 'ok' ELSE status END WHERE county_id = $1", &[&id])
            .await
            .map_err(db)?;
    }
    tx.commit().await.map_err(db)?;
    Ok(seq as u64)
}

/// One line of `kiosk list`.
#[derive(Debug)]
pub struct Listed {
    pub county_id: String,
    pub village: String,
    pub kiosk_id: Option<String>,
    pub head_seq: u64,
    pub status: String,
    pub open_conflicts: i64,
    pub enrolled: bool,
    pub updated_ms: i64,
}

pub async fn list(pool: &Pool) -> AdminResult<Vec<Listed>> {
    let client = pool.get().await.map_err(|error| error.to_string())?;
    let rows = client
        .query(
            "SELECT county_id, village, kiosk_id, head_seq, status, \
             (SELECT count(*) FROM conflict c WHERE c.kiosk = k.county_id AND c.resolved_at IS NULL), \
             token_hash IS NOT NULL, (extract(epoch FROM updated_at) * 1000)::bigint \
             FROM kiosk k ORDER BY county_id",
            &[],
        )
        .await
        .map_err(db)?;
    Ok(rows
        .iter()
        .map(|row| Listed {
            county_id: row.get(0),
            village: row.get(1),
            kiosk_id: row.get(2),
            head_seq: row.get::<_, i64>(3).max(0) as u64,
            status: row.get(4),
            open_conflicts: row.get(5),
            enrolled: row.get(6),
            updated_ms: row.get(7),
        })
        .collect())
}
