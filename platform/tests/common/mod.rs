//! What the platform's tests share: a database of their own on the
//! PostgreSQL that `DATABASE_URL` names (`scripts/test` starts one), the
//! platform served in-process on a loopback port, a small HTTP/1.1 client,
//! and kiosks of the core writing valid chains (the core's own test kiosk).
#![allow(dead_code)]

#[path = "../../../tests/common/mod.rs"]
pub mod kiosk;

use aixin_kiosk::journal::StoredRecord;
use aixin_kiosk::sync::encode_batch;
use aixin_platform::http::App;
use deadpool_postgres::Pool;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub use kiosk::Kiosk;

/// The PostgreSQL every test makes its database on.
pub fn base_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        panic!("DATABASE_URL is not set: run the platform's tests through scripts/test, or start PostgreSQL with `source scripts/lib.sh; pg_start`")
    })
}

/// A database of this test's own (`test_<random>`), migrated.
pub async fn fresh_database() -> (Pool, String) {
    let base = base_url();
    let name = format!("test_{:016x}", rand::random::<u64>());
    let admin = aixin_platform::db::pool(&base, 1).unwrap();
    let client = admin.get().await.unwrap();
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let url = format!("{base} dbname={name}");
    let pool = aixin_platform::db::pool(&url, 8).unwrap();
    aixin_platform::db::migrate(&pool).await.unwrap();
    (pool, url)
}

/// The platform on a loopback port, for as long as the test's runtime.
pub struct Platform {
    pub address: SocketAddr,
    pub pool: Pool,
    pub url: String,
}

pub const KIOSK_ORIGIN: &str = "http://127.0.0.1:8123";

impl Platform {
    pub async fn start() -> Platform {
        let (pool, url) = fresh_database().await;
        Platform::serve(pool, url).await
    }

    /// Another server on the same database, with an empty cache: what a
    /// restarted platform sees.
    pub async fn serve(pool: Pool, url: String) -> Platform {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = App::new(pool.clone(), vec![KIOSK_ORIGIN.to_string()]);
        tokio::spawn(aixin_platform::serve(listener, app));
        Platform { address, pool, url }
    }

    /// Adds `id` and enrolls `kiosk` with it: the token.
    pub async fn enroll(&self, id: &str, kiosk: &Kiosk) -> String {
        aixin_platform::admin::add(&self.pool, id, "张家村")
            .await
            .unwrap();
        self.enroll_existing(id, kiosk).await
    }

    /// Enrolls `kiosk` with the county id `id`, added before: the token.
    pub async fn enroll_existing(&self, id: &str, kiosk: &Kiosk) -> String {
        let code = aixin_platform::admin::enroll_code(&self.pool, id)
            .await
            .unwrap();
        let answer = self
            .post_json(
                &format!("/v1/kiosks/{id}/enroll"),
                &enroll_body(&code, kiosk),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()["token"].as_str().unwrap().to_string()
    }

    pub async fn post_json(&self, path: &str, body: &serde_json::Value) -> Answer {
        let body = body.to_string();
        let headers = [("Content-Type", "application/json")];
        request(self.address, "POST", path, &headers, body.as_bytes()).await
    }

    /// Uploads `body` for `id` with `token`.
    pub async fn upload(&self, id: &str, token: &str, body: &[u8]) -> Answer {
        let auth = format!("Bearer {token}");
        let headers = [
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/x-ndjson"),
        ];
        request(
            self.address,
            "POST",
            &format!("/v1/kiosks/{id}/journal"),
            &headers,
            body,
        )
        .await
    }

    /// Uploads `first..=last` of `records` for `id` with `token`.
    pub async fn upload_run(
        &self,
        id: &str,
        token: &str,
        records: &[(u64, StoredRecord)],
        first: u64,
        last: u64,
    ) -> Answer {
        self.upload(id, token, &body(id, records, first, last))
            .await
    }

    pub async fn head(&self, id: &str, token: &str) -> Answer {
        let auth = format!("Bearer {token}");
        request(
            self.address,
            "GET",
            &format!("/v1/kiosks/{id}/head"),
            &[("Authorization", &auth)],
            b"",
        )
        .await
    }

    /// One number from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        let client = self.pool.get().await.unwrap();
        client.query_one(sql, &[]).await.unwrap().get(0)
    }
}

pub fn enroll_body(code: &str, kiosk: &Kiosk) -> serde_json::Value {
    serde_json::json!({
        "code": code,
        "genesisHash": hex::encode(records(kiosk)[0].1.hash),
        "kioskId": kiosk::KIOSK,
        "village": "张家村",
    })
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_string()
    }
}

/// How long one request may take before the test fails.
pub const REQUEST_WAIT: Duration = Duration::from_secs(30);

/// One HTTP/1.1 request on a new connection (closed after), read whole.
pub async fn request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    tokio::time::timeout(
        REQUEST_WAIT,
        try_request(address, method, path, headers, body),
    )
    .await
    .expect("the platform answered within the wait")
    .expect("the platform answered")
}

/// [`request`] that reports a refused or cut connection instead of failing.
pub async fn try_request(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(address).await?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    parse_answer(&raw).ok_or_else(|| std::io::Error::other("not an HTTP answer"))
}

fn parse_answer(raw: &[u8]) -> Option<Answer> {
    let split = raw.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("transfer-encoding") && value.contains("chunked")
    });
    if chunked {
        body = dechunk(&body)?;
    }
    Some(Answer {
        status,
        headers,
        body,
    })
}

fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let end = raw.windows(2).position(|window| window == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..end]).ok()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(raw.get(end + 2..end + 2 + size)?);
        raw = raw.get(end + 4 + size..)?;
    }
}

/// The kiosk's journal, by seq.
pub fn records(kiosk: &Kiosk) -> Vec<(u64, StoredRecord)> {
    kiosk.stored_records()
}

/// The upload body of `first..=last` of `records`.
pub fn body(county_id: &str, records: &[(u64, StoredRecord)], first: u64, last: u64) -> Vec<u8> {
    let prev_hash = if first == 1 {
        [0; 32]
    } else {
        records[first as usize - 2].1.hash
    };
    let run: Vec<(u64, &StoredRecord)> = records[first as usize - 1..last as usize]
        .iter()
        .map(|(seq, record)| (*seq, record))
        .collect();
    encode_batch(county_id, &prev_hash, &run)
        .unwrap()
        .into_bytes()
}

/// A platform and `village(extra)` enrolled with it as `id`, its token and
/// its journal.
pub async fn enrolled(
    id: &str,
    extra: usize,
) -> (Platform, Kiosk, String, Vec<(u64, StoredRecord)>) {
    let platform = Platform::start().await;
    let kiosk = village(extra);
    let token = platform.enroll(id, &kiosk).await;
    let records = records(&kiosk);
    (platform, kiosk, token, records)
}

/// A village kiosk with `extra` more households registered (an entry each).
pub fn village(extra: usize) -> Kiosk {
    let mut kiosk = Kiosk::with_village();
    for index in 0..extra {
        kiosk.register(&format!("H{index:05}"), "住户");
    }
    kiosk
}
