//! The `/v1` protocol over HTTP (see README, "The county platform"): enroll,
//! head and journal upload, each request one transaction with the kiosk's
//! row locked and committed before the answer, and CORS for the kiosk
//! origins the platform is configured with.

use crate::db::sql_error;
use crate::fold::{Cache, LoadError};
use crate::ingest::{self, KioskRow, Verdict, KIOSK_COLUMNS};
use aixin_kiosk::entry::hex_of;
use aixin_kiosk::ids::KioskId;
use aixin_kiosk::sync::answer::{self, Ack, EnrollRequest, Enrolled, Failure, Head};
use aixin_kiosk::sync::{parse_batch, parse_hash, valid_county_id, BatchProblem, BATCH_BYTES_MAX};
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use deadpool_postgres::Pool;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;

/// A gzip body on the wire may be a little larger than what it holds.
const WIRE_BYTES_MAX: usize = BATCH_BYTES_MAX + 64 * 1024;
/// An enrollment's body.
const ENROLL_BYTES_MAX: usize = 4 * 1024;
/// Uploads folded at once; past it a kiosk is told to come back.
pub const UPLOADS_AT_ONCE_MAX: usize = 32;
/// Seconds a busy answer asks the kiosk to wait.
const RETRY_AFTER_SECONDS: u64 = 5;
/// Wrong codes before an enrollment code is withdrawn.
const ENROLL_FAILURES_MAX: i32 = 5;

/// What every request shares.
#[derive(Clone)]
pub struct App {
    pub pool: Pool,
    pub cache: Arc<Cache>,
    /// Kiosk page origins allowed to call (CORS), exactly as browsers send them.
    pub origins: Arc<Vec<String>>,
    pub uploads: Arc<Semaphore>,
}

impl App {
    pub fn new(pool: Pool, origins: Vec<String>) -> App {
        App {
            pool,
            cache: Arc::new(Cache::default()),
            origins: Arc::new(origins),
            uploads: Arc::new(Semaphore::new(UPLOADS_AT_ONCE_MAX)),
        }
    }
}

pub fn router(app: App) -> Router {
    Router::new()
        .route("/v1/kiosks/{id}/enroll", post(enroll))
        .route("/v1/kiosks/{id}/head", get(head))
        .route("/v1/kiosks/{id}/journal", post(journal))
        .merge(crate::county::routes(app.clone()))
        .fallback(not_found)
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(app.clone(), cors))
        .with_state(app)
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as i64)
}

/// An error answer.
pub(crate) struct Fail {
    pub(crate) status: StatusCode,
    pub(crate) body: Failure,
    pub(crate) retry_after: bool,
}

impl Fail {
    pub(crate) fn new(status: StatusCode, code: &str, message: &str, message_en: &str) -> Fail {
        Fail {
            status,
            body: Failure {
                code: code.to_string(),
                message: message.to_string(),
                message_en: message_en.to_string(),
                server_time_ms: now_ms(),
                ..Failure::default()
            },
            retry_after: false,
        }
    }

    pub(crate) fn unauthorized() -> Fail {
        Fail::new(
            StatusCode::UNAUTHORIZED,
            answer::PLATFORM_UNAUTHORIZED,
            "未授权：令牌缺失、错误或已被新的登记取代，请重新登记本终端。",
            "Unauthorized: the token is missing, wrong or replaced by a newer enrollment; enroll this kiosk again.",
        )
    }

    pub(crate) fn busy(detail: &str) -> Fail {
        let mut fail = Fail::new(
            StatusCode::SERVICE_UNAVAILABLE,
            answer::PLATFORM_BUSY,
            "平台繁忙，请稍后自动重试。",
            &format!("The platform is busy ({detail}); retrying later."),
        );
        fail.retry_after = true;
        fail
    }

    fn too_many() -> Fail {
        let mut fail = Fail::busy("too many uploads at once");
        fail.status = StatusCode::TOO_MANY_REQUESTS;
        fail
    }

    fn too_large(reason: &str) -> Fail {
        let mut fail = Fail::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            answer::PLATFORM_TOO_LARGE,
            "上传内容过大：每次最多 1000 条、解压后 4 MiB。",
            "The upload is too large: at most 1,000 entries and 4 MiB decompressed per request.",
        );
        fail.body.reason = Some(reason.to_string());
        fail
    }

    fn refused(seq: Option<u64>, line: Option<usize>, reason: &str) -> Fail {
        let place_zh = seq.map_or_else(
            || format!("第 {} 行", line.unwrap_or(0)),
            |seq| format!("第 {seq} 条记录"),
        );
        let place_en = seq.map_or_else(
            || format!("line {}", line.unwrap_or(0)),
            |seq| format!("entry {seq}"),
        );
        let mut fail = Fail::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            answer::PLATFORM_REFUSED,
            &format!("平台拒收：{place_zh}有误（{reason}），本次上传未保存任何内容，须由县里处理。"),
            &format!("Refused by the platform at {place_en}: {reason}. Nothing of this upload was stored; the county must settle it."),
        );
        fail.body.seq = seq;
        fail.body.line = if seq.is_none() { line } else { None };
        fail.body.reason = Some(reason.to_string());
        fail
    }

    pub(crate) fn bad_input(reason_zh: &str, reason: &str) -> Fail {
        let mut fail = Fail::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            answer::PLATFORM_REFUSED,
            &format!("请求有误：{reason_zh}"),
            &format!("Bad request: {reason}"),
        );
        fail.body.reason = Some(reason.to_string());
        fail
    }

    pub(crate) fn internal(detail: &str) -> Fail {
        eprintln!("aixin-platform: {detail}");
        Fail::busy("internal error")
    }

    fn from_verdict(verdict: &Verdict) -> Fail {
        match verdict {
            Verdict::Ack { .. } => Fail::internal("an acknowledgement taken for an error"),
            Verdict::Gap {
                head_seq,
                head_hash,
            } => {
                let mut fail = Fail::new(
                    StatusCode::CONFLICT,
                    answer::PLATFORM_GAP,
                    &format!("平台只收到第 {head_seq} 条，请从其后接着上传。"),
                    &format!(
                        "The platform holds entries up to {head_seq}; upload from the next one."
                    ),
                );
                fail.body.head_seq = Some(*head_seq);
                fail.body.head_hash = Some(hex_of(head_hash));
                fail
            }
            Verdict::Fork {
                seq,
                platform_hash,
                kiosk_hash,
                reason,
            } => {
                let mut fail = Fail::new(
                    StatusCode::CONFLICT,
                    answer::PLATFORM_FORK,
                    &format!("第 {seq} 条记录与平台保存的不一致（分叉），上传已停止，须由县里处理。"),
                    &format!("Entry {seq} differs from the one the platform holds (a fork); uploading stops until the county settles it."),
                );
                fail.body.seq = Some(*seq);
                fail.body.platform_hash = Some(hex_of(platform_hash));
                fail.body.kiosk_hash = Some(hex_of(kiosk_hash));
                fail.body.reason = Some(reason.clone());
                fail
            }
            Verdict::Refused { seq, line, reason } => Fail::refused(*seq, *line, reason),
            Verdict::TooOld { seq, line, reason } => {
                let mut fail = Fail::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    answer::PLATFORM_TOO_OLD,
                    "平台版本过旧，读不懂本终端的新记录，请县里升级平台；终端数据无误。",
                    "The platform needs updating: it cannot read this kiosk's newer entries. The kiosk is not at fault.",
                );
                fail.body.seq = *seq;
                fail.body.line = if seq.is_none() { *line } else { None };
                fail.body.reason = Some(reason.clone());
                fail
            }
            Verdict::TooLarge { reason } => Fail::too_large(reason),
        }
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        response
    }
}

impl From<LoadError> for Fail {
    fn from(error: LoadError) -> Fail {
        match error {
            LoadError::Database(error) => Fail::busy(&sql_error(error)),
            LoadError::Damaged(detail) => Fail::internal(&format!("stored journal: {detail}")),
        }
    }
}

impl From<tokio_postgres::Error> for Fail {
    fn from(error: tokio_postgres::Error) -> Fail {
        Fail::busy(&sql_error(error))
    }
}

async fn not_found() -> Fail {
    Fail::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "没有这个地址。",
        "No such address.",
    )
}

/// The county id of the path, or a refusal.
pub(crate) fn county_id(id: &str) -> Result<&str, Fail> {
    if valid_county_id(id) {
        Ok(id)
    } else {
        Err(Fail::bad_input(
            "县级编号须为 1 至 40 位字母、数字、- 或 _",
            "the county id must be 1 to 40 characters of A-Z a-z 0-9 - _",
        ))
    }
}

pub(crate) fn sha256(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

/// The bearer token's SHA-256, if the request carries one.
pub(crate) fn bearer_hash(headers: &HeaderMap) -> Option<Vec<u8>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    let valid = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    valid.then(|| sha256(token.to_ascii_lowercase().as_bytes()))
}

/// Compares in time independent of where the first difference is.
pub(crate) fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(crate) fn authorised(kiosk: &KioskRow, token_hash: &[u8]) -> bool {
    kiosk
        .token_hash
        .as_deref()
        .is_some_and(|held| same_secret(held, token_hash))
}

pub(crate) async fn connection(app: &App) -> Result<deadpool_postgres::Object, Fail> {
    app.pool
        .get()
        .await
        .map_err(|error| Fail::busy(&format!("database: {error}")))
}

/// `GET …/head`'s query: instead of the token, the hash of the kiosk's
/// first entry, which every backup of it holds. A kiosk wiped and being
/// restored from a backup has no token any more, yet must learn whether the
/// county holds more than the backup before it goes on from an older copy.
/// The answer names only how far the county holds the journal.
#[derive(serde::Deserialize)]
struct HeadQuery {
    genesis: Option<String>,
}

async fn head(
    State(app): State<App>,
    Path(id): Path<String>,
    axum::extract::Query(query): axum::extract::Query<HeadQuery>,
    headers: HeaderMap,
) -> Result<Json<Head>, Fail> {
    let id = county_id(&id)?;
    let token_hash = bearer_hash(&headers);
    let genesis = query.genesis.as_deref().and_then(parse_hash);
    if token_hash.is_none() && genesis.is_none() {
        return Err(Fail::unauthorized());
    }
    let client = connection(&app).await?;
    let sql = format!("SELECT {KIOSK_COLUMNS} FROM kiosk WHERE county_id = $1");
    let row = client.query_opt(&sql, &[&id]).await?;
    let kiosk = row.as_ref().map(KioskRow::from_row);
    let kiosk = kiosk
        .filter(|kiosk| match (&token_hash, genesis) {
            (Some(token_hash), _) => authorised(kiosk, token_hash),
            (None, Some(genesis)) => kiosk
                .genesis_hash
                .is_some_and(|bound| same_secret(&bound, &genesis)),
            (None, None) => false,
        })
        .ok_or_else(Fail::unauthorized)?;
    Ok(Json(Head {
        seq: kiosk.head_seq,
        hash: hex_of(&kiosk.head_hash),
        server_time_ms: now_ms(),
        status: kiosk.status,
    }))
}

/// A body as sent, read up to the wire limit, then inflated when gzip.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Vec<u8>, Fail> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > WIRE_BYTES_MAX as u64) {
        return Err(Fail::too_large("the body is over 4 MiB"));
    }
    let bytes: Bytes = axum::body::to_bytes(body, WIRE_BYTES_MAX)
        .await
        .map_err(|_| Fail::too_large("the body is over 4 MiB or was cut off"))?;
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .map(|value| value.to_str().unwrap_or("?").trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("identity") => Ok(bytes.to_vec()),
        Some("gzip") => gunzip(&bytes),
        Some(other) => Err(Fail::bad_input(
            "只接受 gzip 压缩",
            &format!("content encoding {other} is not gzip"),
        )),
    }
}

/// Inflates a gzip body, reading one byte past the limit at most: a small
/// body that inflates to gigabytes stops there.
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, Fail> {
    let mut inflated = Vec::new();
    let decoder = flate2::read::GzDecoder::new(bytes);
    decoder
        .take(BATCH_BYTES_MAX as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(|error| Fail::bad_input("gzip 数据损坏", &format!("broken gzip: {error}")))?;
    if inflated.len() > BATCH_BYTES_MAX {
        return Err(Fail::too_large("the body inflates to over 4 MiB"));
    }
    Ok(inflated)
}

async fn journal(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Ack>, Fail> {
    let id = county_id(&id)?.to_string();
    let token_hash = bearer_hash(&headers).ok_or_else(Fail::unauthorized)?;
    let _permit = app.uploads.try_acquire().map_err(|_| Fail::too_many())?;
    let read = read_body(&headers, body).await;
    let body_sha256 = match &read {
        Ok(body) => sha256(body),
        Err(_) => Vec::new(),
    };
    let mut client = connection(&app).await?;
    let tx = client.transaction().await?;
    let kiosk = ingest::lock_kiosk(&tx, &id)
        .await?
        .filter(|kiosk| authorised(kiosk, &token_hash))
        .ok_or_else(Fail::unauthorized)?;
    let (verdict, range, state) = match read {
        Err(fail) => {
            // The body was never read: nothing to hold against the kiosk
            // beyond the audit row.
            let verdict = match fail.body.code.as_str() {
                answer::PLATFORM_TOO_LARGE => Verdict::TooLarge {
                    reason: fail.body.reason.clone().unwrap_or_default(),
                },
                _ => Verdict::Refused {
                    seq: None,
                    line: Some(0),
                    reason: fail.body.reason.clone().unwrap_or_default(),
                },
            };
            (verdict, None, None)
        }
        Ok(body) => read_and_ingest(&tx, &app, &kiosk, &body).await?,
    };
    if let Verdict::Refused { seq, reason, .. } = &verdict {
        ingest::record_refusal(&tx, &id, *seq, reason).await?;
    }
    ingest::record_upload(&tx, &id, "http", range, &body_sha256, &verdict).await?;
    tx.commit().await?;
    match verdict {
        Verdict::Ack {
            acked_seq,
            acked_hash,
            appended,
            duplicate,
        } => {
            if let Some(state) = state {
                app.cache.put(&id, state);
            }
            Ok(Json(Ack {
                acked_seq,
                acked_hash: hex_of(&acked_hash),
                appended,
                duplicate,
                server_time_ms: now_ms(),
            }))
        }
        other => Err(Fail::from_verdict(&other)),
    }
}

type Outcome = (
    Verdict,
    Option<(u64, u64)>,
    Option<aixin_kiosk::state::State>,
);

/// Reads a body and, when it holds, ingests it.
async fn read_and_ingest(
    tx: &tokio_postgres::Transaction<'_>,
    app: &App,
    kiosk: &KioskRow,
    body: &[u8],
) -> Result<Outcome, LoadError> {
    let (header, records) = match parse_batch(body) {
        Ok(parsed) => parsed,
        Err(error) => {
            let line = Some(error.line);
            let verdict = match error.problem {
                BatchProblem::TooLarge => Verdict::TooLarge {
                    reason: error.reason,
                },
                BatchProblem::TooOld => Verdict::TooOld {
                    seq: error.seq,
                    line,
                    reason: error.reason,
                },
                BatchProblem::Refused => Verdict::Refused {
                    seq: error.seq,
                    line,
                    reason: error.reason,
                },
            };
            return Ok((verdict, None, None));
        }
    };
    let range = Some((header.first_seq, header.last_seq));
    if header.county_id != kiosk.county_id {
        let reason = format!(
            "the header names county id {}, not {}",
            header.county_id, kiosk.county_id
        );
        let verdict = Verdict::Refused {
            seq: None,
            line: Some(1),
            reason,
        };
        return Ok((verdict, range, None));
    }
    let ingested = ingest::ingest(tx, &app.cache, kiosk, &header, &records).await?;
    Ok((ingested.verdict, range, ingested.state))
}

async fn enroll(
    State(app): State<App>,
    Path(id): Path<String>,
    body: Body,
) -> Result<Json<Enrolled>, Fail> {
    let id = county_id(&id)?.to_string();
    let bytes = axum::body::to_bytes(body, ENROLL_BYTES_MAX)
        .await
        .map_err(|_| Fail::too_large("an enrollment is at most 4 KiB"))?;
    let request: EnrollRequest = serde_json::from_slice(&bytes).map_err(|error| {
        Fail::bad_input("登记内容格式不对", &format!("enrollment body: {error}"))
    })?;
    let genesis = parse_hash(&request.genesis_hash).ok_or_else(|| {
        Fail::bad_input(
            "创世哈希须为 64 位小写十六进制",
            "genesisHash must be 64 lower-case hex digits",
        )
    })?;
    let kiosk_id = KioskId::new(&request.kiosk_id)
        .map_err(|_| Fail::bad_input("终端编号无效", "kioskId is not a valid kiosk id"))?;
    let code_hash = sha256(normalise_code(&request.code).as_bytes());
    let mut client = connection(&app).await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "SELECT enroll_code_hash, enroll_code_expires_at > now(), genesis_hash, head_seq, head_hash \
             FROM kiosk WHERE county_id = $1 FOR UPDATE",
            &[&id],
        )
        .await?;
    let Some(row) = row else {
        return Err(code_invalid());
    };
    let held_code: Option<&[u8]> = row.get(0);
    let fresh: Option<bool> = row.get(1);
    if !(held_code.is_some_and(|held| same_secret(held, &code_hash)) && fresh == Some(true)) {
        // Too many wrong guesses withdraw the code; the county prints another.
        tx.execute(
            "UPDATE kiosk SET enroll_failures = enroll_failures + 1, \
             enroll_code_hash = CASE WHEN enroll_failures + 1 >= $2 THEN NULL ELSE enroll_code_hash END \
             WHERE county_id = $1",
            &[&id, &ENROLL_FAILURES_MAX],
        )
        .await?;
        tx.commit().await?;
        return Err(code_invalid());
    }
    let bound: Option<&[u8]> = row.get(2);
    if bound.is_some_and(|bound| bound != genesis) {
        let mut fail = Fail::new(
            StatusCode::CONFLICT,
            answer::GENESIS_MISMATCH,
            "这个县级编号已登记给另一本账（创世记录不同），请向县里核实编号。",
            "This county id is enrolled with another journal (a different genesis entry); check the id with the county.",
        );
        fail.body.reason = Some(format!(
            "enrolled genesis {}",
            hex::encode(bound.unwrap_or_default())
        ));
        return Err(fail);
    }
    let head_seq: i64 = row.get(3);
    let head_hash: Vec<u8> = row.get(4);
    let mut token = [0u8; 32];
    rand::Rng::fill(&mut rand::thread_rng(), &mut token);
    let token = hex::encode(token);
    // A fork the county settled by keeping the platform's journal: the
    // kiosk was restored, and its next upload shows whether it matches.
    tx.execute(
        "UPDATE kiosk SET token_hash = $2, genesis_hash = COALESCE(genesis_hash, $3), kiosk_id = $4, \
         enroll_code_hash = NULL, enroll_code_expires_at = NULL, enroll_failures = 0, updated_at = now(), \
         status = CASE WHEN status = 'fork' AND NOT EXISTS (SELECT 1 FROM conflict \
           WHERE kiosk = $1 AND kind = 'fork' AND resolved_at IS NULL) THEN 'ok' ELSE status END \
         WHERE county_id = $1",
        &[&id, &sha256(token.as_bytes()), &genesis.as_slice(), &kiosk_id.to_string()],
    )
    .await?;
    tx.commit().await?;
    Ok(Json(Enrolled {
        county_id: id,
        token,
        head_seq: head_seq.max(0) as u64,
        head_hash: hex::encode(head_hash),
        server_time_ms: now_ms(),
    }))
}

fn code_invalid() -> Fail {
    Fail::new(
        StatusCode::UNAUTHORIZED,
        answer::ENROLL_CODE_INVALID,
        "登记码错误、已用过或已过期，请向县里索取新的登记码。",
        "The enrollment code is wrong, used or expired; ask the county for a new one.",
    )
}

/// Codes are printed in groups (`1234-5678-9012`); a clerk may type them
/// with or without the dashes.
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// CORS for the configured kiosk origins: a preflight is answered here; any
/// other request from such an origin gets the allow headers added.
async fn cors(State(app): State<App>, request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let allowed = origin
        .as_ref()
        .filter(|origin| app.origins.iter().any(|allowed| allowed == *origin));
    let preflight = request.method() == Method::OPTIONS;
    let mut response = if preflight {
        let status = if allowed.is_some() {
            StatusCode::NO_CONTENT
        } else {
            StatusCode::FORBIDDEN
        };
        status.into_response()
    } else {
        next.run(request).await
    };
    if let Some(origin) = allowed.and_then(|origin| HeaderValue::from_str(origin).ok()) {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Retry-After"),
        );
        if preflight {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, OPTIONS"),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("Authorization, Content-Type, Content-Encoding"),
            );
            headers.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
        }
    }
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Origin"));
    response
}
