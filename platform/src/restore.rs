//! Restoring a lost kiosk from the platform. The county prints a one-time
//! restore code (`aixin-platform kiosk restore-code`); the new PC sends it
//! with the county id and gets a new token (the old one is revoked) and the
//! platform's head, then downloads the journal in pages, verifies the chain
//! and the fold itself, and continues the same chain. Every restore is
//! recorded: who issued the code, where the request came from, when, and
//! the head given.

use crate::admin::AdminResult;
use crate::db::sql_error;
use crate::http::{
    authorised, bearer_hash, connection, county_id, normalise_code, now_ms, same_secret, sha256,
    App, Fail,
};
use crate::ingest::{KioskRow, KIOSK_COLUMNS};
use aixin_kiosk::journal::{push_ndjson_line, StoredRecord};
use aixin_kiosk::sync::valid_county_id;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use deadpool_postgres::Pool;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// How long a restore code is valid: the county reads it out on the phone
/// the same day.
pub const RESTORE_CODE_HOURS: i32 = 48;
/// Wrong codes before a restore code is withdrawn.
const RESTORE_FAILURES_MAX: i32 = 5;
/// Journal lines in one page of `GET …/journal`.
pub const JOURNAL_PAGE_MAX: u64 = 1_000;
/// A restore request's body.
const RESTORE_BYTES_MAX: usize = 1024;

pub const RESTORE_CODE_INVALID: &str = "RESTORE_CODE_INVALID";
pub const PLATFORM_NOTHING_TO_RESTORE: &str = "PLATFORM_NOTHING_TO_RESTORE";

pub fn routes() -> Router<App> {
    Router::new()
        .route("/v1/kiosks/{id}/restore", post(restore))
        .route("/v1/kiosks/{id}/journal", get(journal_page))
}

/// A restore code: 16 random digits in groups of four, read out on the
/// phone or handed over on paper.
fn new_restore_code() -> String {
    let mut rng = rand::thread_rng();
    (0..4)
        .map(|_| format!("{:04}", rand::Rng::gen_range(&mut rng, 0..10_000u32)))
        .collect::<Vec<_>>()
        .join("-")
}

/// `kiosk restore-code`: a new one-time code for `id` (replacing any
/// earlier one), for a kiosk the platform holds entries of.
pub async fn restore_code(pool: &Pool, id: &str, issued_by: &str) -> AdminResult<String> {
    if !valid_county_id(id) {
        return Err(format!(
            "county id {id:?}: 1 to 40 characters of A-Z a-z 0-9 - _"
        ));
    }
    let client = pool.get().await.map_err(|error| error.to_string())?;
    let head: Option<i64> = client
        .query_opt("SELECT head_seq FROM kiosk WHERE county_id = $1", &[&id])
        .await
        .map_err(sql_error)?
        .map(|row| row.get(0));
    match head {
        None => return Err(format!("no kiosk {id}")),
        Some(0) => {
            return Err(format!(
                "kiosk {id} has never uploaded: there is nothing to restore"
            ))
        }
        Some(_) => {}
    }
    let code = new_restore_code();
    let hash = sha256(normalise_code(&code).as_bytes());
    client
        .execute(
            "INSERT INTO restore_code (kiosk, code_hash, issued_by, expires_at) \
             VALUES ($1, $2, $3, now() + make_interval(hours => $4)) \
             ON CONFLICT (kiosk) DO UPDATE SET code_hash = EXCLUDED.code_hash, \
             issued_by = EXCLUDED.issued_by, issued_at = now(), expires_at = EXCLUDED.expires_at, failures = 0",
            &[&id, &hash, &issued_by, &RESTORE_CODE_HOURS],
        )
        .await
        .map_err(sql_error)?;
    Ok(code)
}

/// `POST /v1/kiosks/{id}/restore`'s body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RestoreRequest {
    code: String,
}

/// 200 to a restore: the new token and the head to download up to.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Restored {
    county_id: String,
    token: String,
    head_seq: u64,
    head_hash: String,
    server_time_ms: i64,
}

fn code_invalid() -> Fail {
    Fail::new(
        StatusCode::UNAUTHORIZED,
        RESTORE_CODE_INVALID,
        "恢复码错误、已用过或已过期，请向县里索取新的恢复码。",
        "The restore code is wrong, used or expired; ask the county for a new one.",
    )
}

fn nothing_to_restore() -> Fail {
    Fail::new(
        StatusCode::NOT_FOUND,
        PLATFORM_NOTHING_TO_RESTORE,
        "平台上没有这个县级编号的任何记录，无法恢复；请核对编号。",
        "The platform holds nothing for this county id, so there is nothing to restore; check the id.",
    )
}

/// Who asked: the peer, and what a reverse proxy says it forwarded.
fn requested_from(peer: SocketAddr, headers: &HeaderMap) -> String {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok())
        .map(|value| value.chars().take(200).collect::<String>());
    match forwarded {
        Some(forwarded) => format!("{forwarded} (via {peer})"),
        None => peer.to_string(),
    }
}

async fn restore(
    State(app): State<App>,
    Path(id): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Restored>, Fail> {
    let id = county_id(&id)?.to_string();
    if body.len() > RESTORE_BYTES_MAX {
        return Err(Fail::bad_input(
            "恢复请求过大",
            "a restore request is at most 1 KiB",
        ));
    }
    let request: RestoreRequest = serde_json::from_slice(&body)
        .map_err(|error| Fail::bad_input("恢复请求格式不对", &format!("restore body: {error}")))?;
    let code_hash = sha256(normalise_code(&request.code).as_bytes());
    let mut client = connection(&app).await?;
    let tx = client.transaction().await?;
    let sql = format!("SELECT {KIOSK_COLUMNS} FROM kiosk WHERE county_id = $1 FOR UPDATE");
    let kiosk = tx
        .query_opt(&sql, &[&id])
        .await?
        .as_ref()
        .map(KioskRow::from_row);
    let Some(kiosk) = kiosk.filter(|kiosk| kiosk.head_seq > 0) else {
        return Err(nothing_to_restore());
    };
    let held = tx
        .query_opt(
            "SELECT code_hash, expires_at > now(), issued_by FROM restore_code WHERE kiosk = $1",
            &[&id],
        )
        .await?;
    let matched = held.as_ref().filter(|row| {
        let fresh: bool = row.get(1);
        fresh && same_secret(row.get::<_, &[u8]>(0), &code_hash)
    });
    let Some(matched) = matched else {
        // Too many wrong guesses withdraw the code; the county prints another.
        tx.execute(
            "UPDATE restore_code SET failures = failures + 1 WHERE kiosk = $1",
            &[&id],
        )
        .await?;
        tx.execute(
            "DELETE FROM restore_code WHERE kiosk = $1 AND (failures >= $2 OR expires_at <= now())",
            &[&id, &RESTORE_FAILURES_MAX],
        )
        .await?;
        tx.commit().await?;
        return Err(code_invalid());
    };
    let issued_by: String = matched.get(2);
    let mut token = [0u8; 32];
    rand::Rng::fill(&mut rand::thread_rng(), &mut token);
    let token = hex::encode(token);
    // The new token replaces the old one: the lost PC, should it come back,
    // can no longer upload. A fork the county settled by keeping the
    // platform's journal is over once the kiosk takes that journal.
    tx.execute(
        "UPDATE kiosk SET token_hash = $2, updated_at = now(), \
         status = CASE WHEN status = 'fork' AND NOT EXISTS (SELECT 1 FROM conflict \
           WHERE kiosk = $1 AND kind = 'fork' AND resolved_at IS NULL) THEN 'ok' ELSE status END \
         WHERE county_id = $1",
        &[&id, &sha256(token.as_bytes())],
    )
    .await?;
    tx.execute("DELETE FROM restore_code WHERE kiosk = $1", &[&id])
        .await?;
    let seq = i64::try_from(kiosk.head_seq).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT INTO restore (kiosk, issued_by, requested_from, head_seq, head_hash) VALUES ($1, $2, $3, $4, $5)",
        &[&id, &issued_by, &requested_from(peer, &headers), &seq, &kiosk.head_hash.as_slice()],
    )
    .await?;
    tx.commit().await?;
    Ok(Json(Restored {
        county_id: id,
        token,
        head_seq: kiosk.head_seq,
        head_hash: hex::encode(kiosk.head_hash),
        server_time_ms: now_ms(),
    }))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    from: Option<u64>,
    limit: Option<u64>,
}

/// `GET /v1/kiosks/{id}/journal?from=N&limit=M`: the journal lines from seq
/// N, at most M (and at most 1,000), exactly as the kiosk writes them, one
/// per line. A page past the head is empty.
async fn journal_page(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, Fail> {
    let id = county_id(&id)?;
    let token_hash = bearer_hash(&headers).ok_or_else(Fail::unauthorized)?;
    let from = query.from.unwrap_or(1);
    let limit = query.limit.unwrap_or(JOURNAL_PAGE_MAX);
    if from == 0 || from > i64::MAX as u64 || !(1..=JOURNAL_PAGE_MAX).contains(&limit) {
        return Err(Fail::bad_input(
            "from 须从 1 起，limit 须为 1 至 1000",
            "from starts at 1 and limit is 1 to 1000",
        ));
    }
    let client = connection(&app).await?;
    let sql = format!("SELECT {KIOSK_COLUMNS} FROM kiosk WHERE county_id = $1");
    let kiosk = client
        .query_opt(&sql, &[&id])
        .await?
        .as_ref()
        .map(KioskRow::from_row);
    let kiosk = kiosk
        .filter(|kiosk| authorised(kiosk, &token_hash))
        .ok_or_else(Fail::unauthorized)?;
    let last = from.saturating_add(limit - 1).min(kiosk.head_seq);
    let rows = client
        .query(
            "SELECT seq, record, hash FROM entry WHERE kiosk = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq",
            &[&id, &(from as i64), &(last as i64)],
        )
        .await?;
    let mut out = String::new();
    for (expected, row) in (from..).zip(&rows) {
        let seq: i64 = row.get(0);
        let hash: &[u8] = row.get(2);
        let hash = hash
            .try_into()
            .map_err(|_| Fail::internal(&format!("entry {seq}: hash length")))?;
        if seq as u64 != expected {
            return Err(Fail::internal(&format!(
                "kiosk {id}: entry {expected} is missing"
            )));
        }
        push_ndjson_line(
            &mut out,
            &StoredRecord {
                bytes: row.get(1),
                hash,
            },
        );
        out.push('\n');
    }
    let mut response = out.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson; charset=utf-8"),
    );
    Ok(response)
}
