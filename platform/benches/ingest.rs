//! The platform's ingest benchmark (`./scripts/bench-platform`; figures in
//! `benches/RESULTS.md`). It prints figures and asserts no times.
//!
//! 1. Catch-up: 300 kiosks, each a backlog of entries the core wrote (a
//!    village of 20 households redeeming, with credits and restocks), sent
//!    in batches of 1,000 over loopback to the platform binary (built with
//!    the benchmark, or `AIXIN_PLATFORM_BIN`), a process of its own so its
//!    memory is its own:
//!    entries per second and p50/p99 per request. Then the same rows
//!    `COPY`ed into the same table under other kiosk ids: the floor.
//! 2. Steady state at 300 and at 3,000 kiosks: each sends its next 1 to 10
//!    entries every 2 to 8 seconds for a while: requests per second, p50/p99,
//!    busy answers, and the platform's RSS from /proc.
//!
//! Sizes: `BENCH_KIOSKS` (300), `BENCH_BACKLOG` (2,000 entries a kiosk),
//! `BENCH_STEADY_SECONDS` (30), `BENCH_STEADY_KIOSKS` (300,3000).

#[path = "../tests/common/mod.rs"]
mod common;

use aixin_kiosk::journal::StoredRecord;
use common::{body, records, try_request, Kiosk};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The steady state's kiosks are numbered from here.
const STEADY_FIRST: usize = 100_000;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// The token of simulated kiosk `index`: known to the benchmark, stored
/// hashed like any other.
fn token(index: usize) -> String {
    format!("{index:064x}")
}

fn county_id(index: usize) -> String {
    format!("420102{index:06}-01")
}

/// A village's journal of about `entries` entries, different for each
/// `variant` from the first credit on.
fn journal(variant: usize, entries: usize) -> Vec<(u64, StoredRecord)> {
    let households: Vec<(String, String)> = (0..20)
        .map(|h| (format!("H{h:04}"), format!("{:04}", 1000 + h)))
        .collect();
    let pairs: Vec<(&str, &str)> = households
        .iter()
        .map(|(c, p)| (c.as_str(), p.as_str()))
        .collect();
    let mut kiosk = Kiosk::with(
        &pairs,
        &[("rice", "1.00"), ("oil", "2.50"), ("salt", "0.50")],
        1_000,
    );
    kiosk.now += variant as i64 * 1_000;
    let mut period = 2;
    while (kiosk.store.journal.len()) < entries {
        let seq = kiosk.store.journal.len();
        let (code, pin) = &households[seq % households.len()];
        if seq % 97 == 0 {
            kiosk.restock(&[("rice", 200), ("oil", 50), ("salt", 100)]);
        } else if seq % 9 == 0 {
            // Monthly points: a new period once every household had one.
            let month = 1 + period % 12;
            let year = 2026 + period / 12;
            let _ = kiosk.credit(code, "30", &format!("{year}-{month:02}"));
            if seq % (9 * households.len()) == 0 {
                period += 1;
            }
        } else {
            let session = kiosk.sign_in(code, pin).expect("sign in");
            let item = ["rice", "oil", "salt"][seq % 3];
            let request = kiosk.next_request();
            if kiosk.redeem(&session, &[(item, 1)], request).is_err() {
                // Out of stock: a restock is the next entry.
                kiosk.restock(&[(item, 100)]);
            }
        }
    }
    records(&kiosk)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

fn rss_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Kiosks `range` as if enrolled: their tokens' hashes stored.
async fn add_kiosks(pool: &deadpool_postgres::Pool, range: std::ops::Range<usize>) {
    let client = pool.get().await.expect("database");
    let ids: Vec<String> = range.clone().map(county_id).collect();
    let hashes: Vec<Vec<u8>> = range.map(|index| sha(&token(index))).collect();
    client
        .execute(
            "INSERT INTO kiosk (county_id, village, token_hash) SELECT id, '村' || id, hash FROM unnest($1::text[], $2::bytea[]) AS t(id, hash)",
            &[&ids, &hashes],
        )
        .await
        .expect("kiosks");
}

fn sha(text: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes()).to_vec()
}

async fn upload(address: SocketAddr, id: &str, token: &str, batch: &[u8]) -> (u16, Duration) {
    let auth = format!("Bearer {token}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/x-ndjson"),
    ];
    let started = Instant::now();
    let answer = try_request(
        address,
        "POST",
        &format!("/v1/kiosks/{id}/journal"),
        &headers,
        batch,
    )
    .await;
    let status = answer.map_or(0, |answer| answer.status);
    (status, started.elapsed())
}

struct Platform {
    child: tokio::process::Child,
    address: SocketAddr,
}

async fn start_platform(url: &str) -> Platform {
    use tokio::io::AsyncBufReadExt;
    let bin = std::env::var("AIXIN_PLATFORM_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_aixin-platform").to_string());
    let mut child = tokio::process::Command::new(bin)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("DATABASE_URL", url)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the platform starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .expect("the platform says where it listens")
        .expect("stdout")
        .expect("a line");
    let address = line
        .trim_start_matches("listening on http://")
        .parse()
        .expect("an address");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Platform { child, address }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let kiosks = env_number("BENCH_KIOSKS", 300) as usize;
    let backlog = env_number("BENCH_BACKLOG", 2_000) as usize;
    let steady_seconds = env_number("BENCH_STEADY_SECONDS", 30);
    let steady: Vec<usize> = std::env::var("BENCH_STEADY_KIOSKS")
        .unwrap_or_else(|_| "300,3000".to_string())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let name = format!("bench_{:08x}", rand::random::<u32>());
    let admin = aixin_platform::db::pool(&base, 1).expect("pool");
    admin
        .get()
        .await
        .expect("database")
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create");
    let url = format!("{base} dbname={name}");
    let pool = aixin_platform::db::pool(&url, 4).expect("pool");
    aixin_platform::db::migrate(&pool).await.expect("migrate");

    // The journals, written by the core.
    let started = Instant::now();
    let journals: Vec<Arc<Vec<(u64, StoredRecord)>>> =
        (0..kiosks).map(|k| Arc::new(journal(k, backlog))).collect();
    let total: usize = journals.iter().map(|j| j.len()).sum();
    let bytes: usize = journals
        .iter()
        .flat_map(|j| j.iter())
        .map(|(_, r)| r.bytes.len())
        .sum();
    println!("journals: {kiosks} kiosks, {total} entries, {:.0} bytes an entry, written by the core in {:.1} s", bytes as f64 / total as f64, started.elapsed().as_secs_f64());

    add_kiosks(&pool, 0..kiosks).await;
    let platform = start_platform(&url).await;
    let pid = platform.child.id().unwrap_or(0);
    let address = platform.address;

    // 1. Catch-up: each kiosk its backlog in batches of 1,000, 16 kiosks at once.
    let bodies: Vec<Vec<(usize, Vec<u8>)>> = journals
        .iter()
        .enumerate()
        .map(|(k, records)| {
            let id = county_id(k);
            (1..=records.len() as u64)
                .step_by(1_000)
                .map(|first| {
                    let last = (first + 999).min(records.len() as u64);
                    ((last - first + 1) as usize, body(&id, records, first, last))
                })
                .collect()
        })
        .collect();
    let queue = Arc::new(Mutex::new((0..kiosks).collect::<Vec<_>>()));
    let bodies = Arc::new(bodies);
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..16 {
        let (queue, bodies, latencies) = (queue.clone(), bodies.clone(), latencies.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let Some(k) = queue.lock().await.pop() else {
                    break;
                };
                for (_, batch) in &bodies[k] {
                    let mut tries = 0;
                    loop {
                        let (status, took) = upload(address, &county_id(k), &token(k), batch).await;
                        latencies.lock().await.push(took);
                        tries += 1;
                        if status == 200 || tries > 20 {
                            assert_eq!(status, 200, "kiosk {k}");
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
            }
        }));
    }
    for worker in workers {
        worker.await.expect("worker");
    }
    let ingest_time = started.elapsed();
    let mut sorted = latencies.lock().await.clone();
    sorted.sort();
    let ingest_rate = total as f64 / ingest_time.as_secs_f64();
    let (rss_catch_up, _) = rss_kib(pid);
    println!(
        "catch-up: {total} entries in {} requests, {:.1} s: {:.0} entries/s; per request p50 {} ms, p99 {} ms; platform RSS {} MiB",
        sorted.len(),
        ingest_time.as_secs_f64(),
        ingest_rate,
        ms(percentile(&sorted, 0.50)),
        ms(percentile(&sorted, 0.99)),
        rss_catch_up / 1024
    );

    // The floor: the same rows COPYed into the same table, other kiosk ids.
    let copy_ids: Vec<String> = (0..kiosks).map(|k| format!("copy-{k}")).collect();
    {
        let client = pool.get().await.expect("database");
        client
            .execute("INSERT INTO kiosk (county_id, village) SELECT id, 'copy' FROM unnest($1::text[]) AS id", &[&copy_ids])
            .await
            .expect("copy kiosks");
    }
    let started = Instant::now();
    {
        use tokio_postgres::binary_copy::BinaryCopyInWriter;
        use tokio_postgres::types::Type;
        let client = pool.get().await.expect("database");
        let sink = client
            .copy_in("COPY entry (kiosk, seq, hash, prev_hash, time_ms, kind, record) FROM STDIN (FORMAT binary)")
            .await
            .expect("copy");
        let mut writer = Box::pin(BinaryCopyInWriter::new(
            sink,
            &[
                Type::TEXT,
                Type::INT8,
                Type::BYTEA,
                Type::BYTEA,
                Type::INT8,
                Type::TEXT,
                Type::BYTEA,
            ],
        ));
        for (k, records) in journals.iter().enumerate() {
            let mut previous = [0u8; 32];
            for (seq, record) in records.iter() {
                let entry = aixin_kiosk::entry::Entry::decode(&record.bytes).expect("entry");
                let kind = entry.body.kind().to_string();
                writer
                    .as_mut()
                    .write(&[
                        &copy_ids[k],
                        &(*seq as i64),
                        &record.hash.as_slice(),
                        &previous.as_slice(),
                        &entry.time_ms,
                        &kind,
                        &record.bytes,
                    ])
                    .await
                    .expect("row");
                previous = record.hash;
            }
        }
        writer.as_mut().finish().await.expect("copy done");
    }
    let copy_time = started.elapsed();
    let copy_rate = total as f64 / copy_time.as_secs_f64();
    println!(
        "COPY floor: {total} rows in {:.1} s: {:.0} rows/s; the platform's ingest is {:.0} % of it (budget >= 25 %)",
        copy_time.as_secs_f64(),
        copy_rate,
        100.0 * ingest_rate / copy_rate
    );

    // 2. Steady state: kiosks of their own (ids from 100,000 on), kept from
    // one size to the next.
    let mut cursors: Vec<Arc<Mutex<SteadyKiosk>>> = Vec::new();
    for &count in &steady {
        if count > cursors.len() {
            add_kiosks(&pool, STEADY_FIRST + cursors.len()..STEADY_FIRST + count).await;
            cursors
                .extend((cursors.len()..count).map(|k| Arc::new(Mutex::new(SteadyKiosk::new(k)))));
        }
        let cursors: Vec<Arc<Mutex<SteadyKiosk>>> = cursors[..count].to_vec();
        // The new ones upload their first entries (not measured).
        for chunk in cursors.chunks(16) {
            let mut sends = Vec::new();
            for cursor in chunk {
                let cursor = cursor.clone();
                sends.push(tokio::spawn(async move {
                    let mut kiosk = cursor.lock().await;
                    if kiosk.acked == 0 {
                        let all = kiosk.records.len() as u64;
                        let batch = body(&kiosk.id, &kiosk.records, 1, all);
                        // Busy answers (more than 32 uploads at once) are retried.
                        let mut status = 0;
                        for _ in 0..100 {
                            status = upload(
                                address,
                                &kiosk.id,
                                &token(STEADY_FIRST + kiosk.index),
                                &batch,
                            )
                            .await
                            .0;
                            if status != 429 {
                                break;
                            }
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                        assert_eq!(status, 200, "{}", kiosk.id);
                        kiosk.acked = all;
                    }
                }));
            }
            for send in sends {
                send.await.expect("first upload");
            }
        }
        let deadline = Instant::now() + Duration::from_secs(steady_seconds);
        let latencies = Arc::new(Mutex::new(Vec::new()));
        let busy = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let entries_sent = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let mut tasks = Vec::new();
        for cursor in cursors {
            let (latencies, busy, entries_sent) =
                (latencies.clone(), busy.clone(), entries_sent.clone());
            tasks.push(tokio::spawn(async move {
                let mut kiosk = cursor.lock().await;
                let mut rng = common::kiosk::Rng(kiosk.index as u64 * 7919 + 1);
                // Spread the first sends over the first interval.
                tokio::time::sleep(Duration::from_millis(rng.below(8_000))).await;
                while Instant::now() < deadline {
                    let n = 1 + rng.below(10);
                    kiosk.write(n as usize);
                    let (first, last) = (kiosk.acked + 1, kiosk.records.len() as u64);
                    let batch = body(&kiosk.id, &kiosk.records, first, last);
                    let (status, took) = upload(
                        address,
                        &kiosk.id,
                        &token(STEADY_FIRST + kiosk.index),
                        &batch,
                    )
                    .await;
                    if Instant::now() < deadline {
                        latencies.lock().await.push(took);
                    }
                    match status {
                        200 => {
                            entries_sent
                                .fetch_add(last - first + 1, std::sync::atomic::Ordering::Relaxed);
                            kiosk.acked = last;
                        }
                        _ => {
                            busy.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(2_000 + rng.below(6_000))).await;
                }
            }));
        }
        for task in tasks {
            task.await.expect("kiosk");
        }
        let mut sorted = latencies.lock().await.clone();
        sorted.sort();
        let (rss, peak) = rss_kib(pid);
        println!(
            "steady, {count} kiosks, {steady_seconds} s: {} requests ({:.1}/s), {} entries, {} not 200; per request p50 {} ms, p99 {} ms; platform RSS {} MiB (peak {} MiB)",
            sorted.len(),
            sorted.len() as f64 / steady_seconds as f64,
            entries_sent.load(std::sync::atomic::Ordering::Relaxed),
            busy.load(std::sync::atomic::Ordering::Relaxed),
            ms(percentile(&sorted, 0.50)),
            ms(percentile(&sorted, 0.99)),
            rss / 1024,
            peak / 1024
        );
    }

    let client = pool.get().await.expect("database");
    let size: i64 = client
        .query_one("SELECT pg_database_size(current_database())", &[])
        .await
        .expect("size")
        .get(0);
    let entry_size: i64 = client
        .query_one("SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c WHERE c.relname LIKE 'entry_p%' AND c.relkind = 'r'", &[])
        .await
        .expect("size")
        .get(0);
    let rows: i64 = client
        .query_one("SELECT count(*) FROM entry", &[])
        .await
        .expect("rows")
        .get(0);
    println!(
        "database: {rows} entry rows, entry partitions {} MiB ({:.0} bytes a row with its index), whole database {} MiB",
        entry_size / 1_048_576,
        entry_size as f64 / rows as f64,
        size / 1_048_576
    );
    drop(client);
    drop(platform);
    pool.close();
    let _ = admin
        .get()
        .await
        .expect("database")
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await;
}

/// A kiosk of the steady state: its journal so far and what the platform
/// acknowledged, writing more as it goes.
struct SteadyKiosk {
    index: usize,
    id: String,
    kiosk: Kiosk,
    records: Vec<(u64, StoredRecord)>,
    acked: u64,
}

impl SteadyKiosk {
    /// Steady kiosk `index`: a small village of its own.
    fn new(index: usize) -> SteadyKiosk {
        let mut kiosk = Kiosk::with(
            &[("H0001", "1111"), ("H0002", "2222")],
            &[("rice", "1.00")],
            1_000,
        );
        kiosk.now += index as i64 * 1_000;
        kiosk.credit("H0001", "1000", "2026-12").expect("credit");
        kiosk.credit("H0002", "1000", "2026-12").expect("credit");
        let records = records(&kiosk);
        SteadyKiosk {
            index,
            id: county_id(STEADY_FIRST + index),
            kiosk,
            records,
            acked: 0,
        }
    }

    /// `n` more redemptions.
    fn write(&mut self, n: usize) {
        for i in 0..n {
            let (code, pin) = if i % 2 == 0 {
                ("H0001", "1111")
            } else {
                ("H0002", "2222")
            };
            let session = self.kiosk.sign_in(code, pin).expect("sign in");
            let request = self.kiosk.next_request();
            self.kiosk
                .redeem(&session, &[("rice", 1)], request)
                .expect("redeem");
        }
        self.records = records(&self.kiosk);
    }
}
