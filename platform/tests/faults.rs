//! Faults: 50 kiosks (the core writing valid chains) upload over loopback
//! while PostgreSQL is SIGKILLed and restarted and the platform process is
//! killed mid-request and restarted. At the end every (kiosk, seq) is
//! stored once and every platform head is its kiosk's head.
//!
//! The test runs its own PostgreSQL cluster (killing the shared one would
//! fail the other tests), as `scripts/lib.sh`'s `pg_start` does: a temporary
//! folder owned by the postgres user, a unix socket in it, no TCP.

mod common;

use aixin_kiosk::journal::StoredRecord;
use common::{body, records, try_request, Kiosk};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};

const KIOSKS: usize = 50;
/// Entries each kiosk writes after its village set-up, in rounds.
const ROUNDS: usize = 8;
const ENTRIES_PER_ROUND: usize = 8;
/// The whole test gives up after this.
const DEADLINE: Duration = Duration::from_secs(100);

fn pg_bin(tool: &str) -> PathBuf {
    let dir = std::env::var("PG_BIN").unwrap_or_else(|_| "/usr/lib/postgresql/15/bin".to_string());
    PathBuf::from(dir).join(tool)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"))
}

/// Runs a PostgreSQL tool as the postgres user (initdb refuses root).
fn as_postgres(tool: &str, args: &[&str]) -> std::process::Output {
    let mut command = if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(pg_bin(tool));
        command
    } else {
        Command::new(pg_bin(tool))
    };
    command
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("a PostgreSQL tool runs")
}

/// A PostgreSQL cluster of this test's own, stopped and removed on drop
/// (also when the test fails).
struct Cluster {
    dir: PathBuf,
}

impl Cluster {
    fn start() -> Cluster {
        let dir = std::env::temp_dir().join(format!("aixin-pg-faults.{:x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir).unwrap();
        if is_root() {
            assert!(Command::new("chown")
                .arg("postgres:")
                .arg(&dir)
                .status()
                .unwrap()
                .success());
        }
        let cluster = Cluster { dir };
        let data = cluster.data();
        let out = as_postgres(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(cluster.try_start(), "PostgreSQL started");
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!(
            "host={} port=5432 user=postgres dbname=postgres",
            self.dir.display()
        )
    }

    fn try_start(&self) -> bool {
        let options = format!(
            "-k {} -c listen_addresses= -c max_connections=100",
            self.dir.display()
        );
        let log = self.dir.join("server.log").display().to_string();
        let out = as_postgres(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-w",
                "-t",
                "30",
                "-o",
                &options,
                "start",
            ],
        );
        out.status.success()
    }

    /// Starts again after a kill: a few tries while the killed server's
    /// processes finish going.
    fn restart(&self) {
        for _ in 0..50 {
            if self.try_start() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("PostgreSQL did not start again");
    }

    /// SIGKILL to the postmaster and every process it started: the whole
    /// server gone at once, as in a power cut of the service.
    fn kill(&self) {
        let pid_file = self.dir.join("data").join("postmaster.pid");
        let Some(pid) = std::fs::read_to_string(pid_file)
            .ok()
            .and_then(|text| text.lines().next()?.trim().parse::<u32>().ok())
        else {
            return;
        };
        let mut pids = vec![pid];
        if let Ok(entries) = std::fs::read_dir("/proc") {
            for entry in entries.flatten() {
                let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
                // pid (comm) state ppid …
                let parent = stat
                    .rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
                if parent == Some(pid) {
                    if let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() {
                        pids.push(child);
                    }
                }
            }
        }
        for pid in pids {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        as_postgres(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The platform binary, serving on a fixed loopback port.
struct Server {
    child: tokio::process::Child,
}

impl Server {
    async fn start(url: &str, listen: &str) -> Option<(Server, SocketAddr)> {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_aixin-platform"))
            .args(["serve", "--listen", listen])
            .env("DATABASE_URL", url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the platform binary starts");
        let stdout = child.stdout.take()?;
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .ok()?
            .ok()??;
        let address = line.strip_prefix("listening on http://")?.parse().ok()?;
        Some((Server { child }, address))
    }

    /// Starts on `listen`, trying again while the database is still coming
    /// back or the port is still taken.
    async fn start_retrying(url: &str, listen: &str) -> (Server, SocketAddr) {
        for _ in 0..50 {
            if let Some(started) = Server::start(url, listen).await {
                return started;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("the platform did not start");
    }

    async fn kill(mut self) {
        let _ = self.child.kill().await;
    }
}

/// What the kiosks counted.
#[derive(Default)]
struct Counts {
    acknowledged: AtomicU64,
    /// Requests cut after they were sent (the platform killed under them).
    cut: AtomicU64,
    /// Connections refused (the platform down) and busy answers.
    refused: AtomicU64,
    busy: AtomicU64,
    /// Requests sent and not yet answered.
    in_flight: AtomicU64,
    /// Set once the last fault is over: the kiosks' last round waits for it.
    faults_over: AtomicBool,
}

/// Uploads `records[..upto]` from after `acked` until acknowledged, the
/// way the kiosk's uploader does: retrying whatever is not an answer.
#[allow(clippy::too_many_arguments)]
async fn upload_until_acked(
    address: &RwLock<SocketAddr>,
    id: &str,
    token: &str,
    records: &[(u64, StoredRecord)],
    acked: &mut u64,
    upto: u64,
    counts: &Counts,
    started: Instant,
) {
    let auth = format!("Bearer {token}");
    let headers = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/x-ndjson"),
    ];
    while *acked < upto {
        assert!(
            started.elapsed() < DEADLINE,
            "kiosk {id} still not acknowledged at the deadline"
        );
        let batch = body(id, records, *acked + 1, upto);
        let target = *address.read().unwrap();
        let path = format!("/v1/kiosks/{id}/journal");
        counts.in_flight.fetch_add(1, Ordering::SeqCst);
        let answer = tokio::time::timeout(
            Duration::from_secs(10),
            try_request(target, "POST", &path, &headers, &batch),
        )
        .await;
        counts.in_flight.fetch_sub(1, Ordering::SeqCst);
        let answer = match answer {
            Ok(Ok(answer)) => answer,
            Ok(Err(error)) if error.kind() == std::io::ErrorKind::ConnectionRefused => {
                counts.refused.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            _ => {
                counts.cut.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let json = serde_json::from_slice::<serde_json::Value>(&answer.body).unwrap_or_default();
        match answer.status {
            200 => {
                let seq = json["ackedSeq"].as_u64().unwrap();
                assert_eq!(
                    json["ackedHash"],
                    hex::encode(records[seq as usize - 1].1.hash),
                    "kiosk {id}"
                );
                *acked = seq;
                counts.acknowledged.fetch_add(1, Ordering::Relaxed);
            }
            409 if json["code"] == "PLATFORM_GAP" => {
                // An earlier answer was lost: the platform holds more (or
                // less) than the kiosk knows. Its head must be the kiosk's.
                let head = json["headSeq"].as_u64().unwrap();
                if head > 0 {
                    assert_eq!(
                        json["headHash"],
                        hex::encode(records[head as usize - 1].1.hash),
                        "kiosk {id}"
                    );
                }
                *acked = head;
            }
            429 | 503 => {
                counts.busy.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
            status => panic!("kiosk {id}: {status} {}", answer.text()),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosks_upload_through_database_and_platform_kills() {
    let started = Instant::now();
    let cluster = Cluster::start();
    let url = cluster.url();
    let pool = aixin_platform::db::pool(&url, 4).unwrap();
    aixin_platform::db::migrate(&pool).await.unwrap();

    // Each kiosk's whole journal, written by the core first; the upload
    // rounds then reveal it a part at a time, as if written meanwhile.
    let mut kiosks = Vec::new();
    for index in 0..KIOSKS {
        let id = format!("420102001001-{index:02}");
        let mut kiosk = Kiosk::with_village();
        kiosk.now += index as i64; // every kiosk its own chain
        let mut marks = vec![kiosk.ledger.state().seq];
        for round in 0..ROUNDS {
            for entry in 0..ENTRIES_PER_ROUND {
                kiosk.register(&format!("R{round}E{entry}"), "住户");
            }
            marks.push(kiosk.ledger.state().seq);
        }
        let code = aixin_platform::admin::add(&pool, &id, "张家村")
            .await
            .unwrap();
        kiosks.push((id, kiosk, code, marks));
    }

    let (server, address) = Server::start_retrying(&url, "127.0.0.1:0").await;
    let listen = address.to_string();
    let address = Arc::new(RwLock::new(address));
    let mut tokens = Vec::new();
    for (id, kiosk, code, _) in &kiosks {
        let target = *address.read().unwrap();
        let answer = common::request(
            target,
            "POST",
            &format!("/v1/kiosks/{id}/enroll"),
            &[],
            common::enroll_body(code, kiosk).to_string().as_bytes(),
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        tokens.push(answer.json()["token"].as_str().unwrap().to_string());
    }

    // The faults, while the kiosks upload.
    let counts = Arc::new(Counts::default());
    let chaos = {
        let (counts, address, url) = (counts.clone(), address.clone(), url.clone());
        tokio::spawn(async move {
            let mut server = server;
            let mut kills = (0, 0);
            for round in 0..6 {
                tokio::time::sleep(Duration::from_millis(300)).await;
                // Kill while requests are under way (waiting a bounded while
                // for some).
                for _ in 0..100 {
                    if counts.in_flight.load(Ordering::SeqCst) >= 3 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                if round % 2 == 0 {
                    cluster.kill();
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    tokio::task::block_in_place(|| cluster.restart());
                    kills.0 += 1;
                } else {
                    server.kill().await;
                    let (restarted, at) = Server::start_retrying(&url, &listen).await;
                    *address.write().unwrap() = at;
                    server = restarted;
                    kills.1 += 1;
                }
            }
            counts.faults_over.store(true, Ordering::SeqCst);
            (cluster, server, kills)
        })
    };

    let mut uploads = Vec::new();
    for ((id, kiosk, _, marks), token) in kiosks.iter().zip(&tokens) {
        let (id, token, marks, records) =
            (id.clone(), token.clone(), marks.clone(), records(kiosk));
        let (address, counts) = (address.clone(), counts.clone());
        uploads.push(tokio::spawn(async move {
            let mut acked = 0;
            let last = marks.len() - 1;
            for (round, upto) in marks.into_iter().enumerate() {
                while round == last && !counts.faults_over.load(Ordering::SeqCst) {
                    assert!(started.elapsed() < DEADLINE, "the faults never ended");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                upload_until_acked(
                    &address, &id, &token, &records, &mut acked, upto, &counts, started,
                )
                .await;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            (id, records)
        }));
    }
    let mut journals = Vec::new();
    for upload in uploads {
        journals.push(upload.await.expect("a kiosk's uploads"));
    }
    let (cluster, server, kills) = chaos.await.unwrap();
    assert_eq!(kills, (3, 3), "three of each fault");
    assert!(
        counts.cut.load(Ordering::Relaxed) > 0,
        "some requests were cut by the kills"
    );

    // Every (kiosk, seq) once, every head the kiosk's.
    let pool = aixin_platform::db::pool(&url, 2).unwrap();
    let client = pool.get().await.unwrap();
    for (id, records) in &journals {
        let rows = client
            .query(
                "SELECT seq, hash FROM entry WHERE kiosk = $1 ORDER BY seq",
                &[id],
            )
            .await
            .unwrap();
        assert_eq!(rows.len(), records.len(), "kiosk {id}");
        for (row, (seq, record)) in rows.iter().zip(records) {
            assert_eq!(
                (row.get::<_, i64>(0) as u64, row.get::<_, &[u8]>(1)),
                (*seq, &record.hash[..]),
                "kiosk {id}"
            );
        }
        let head = client
            .query_one(
                "SELECT head_seq, head_hash, status FROM kiosk WHERE county_id = $1",
                &[id],
            )
            .await
            .unwrap();
        let last = &records[records.len() - 1];
        assert_eq!(head.get::<_, i64>(0) as u64, last.0, "kiosk {id}");
        assert_eq!(head.get::<_, &[u8]>(1), &last.1.hash[..], "kiosk {id}");
        assert_eq!(head.get::<_, &str>(2), "ok", "kiosk {id}");
    }
    eprintln!(
        "faults: {kills:?} (database, platform) kills, {} acknowledgements, {} cut requests, {} refused connections, {} busy answers, {:.1} s",
        counts.acknowledged.load(Ordering::Relaxed),
        counts.cut.load(Ordering::Relaxed),
        counts.refused.load(Ordering::Relaxed),
        counts.busy.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
    server.kill().await;
    drop(cluster);
}
