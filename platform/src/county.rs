//! The county's read-only overview, served by `aixin-platform serve` under
//! `/county`: every kiosk with its figures and status, one village's
//! households as the platform folded them, and the county's redemptions of
//! a month as a CSV for Excel. Plain HTML, Chinese first (`?lang=en` for
//! English), one stylesheet and no script, so the page's CSP allows nothing
//! else.
//!
//! County staff are named accounts (`aixin-platform user add`), the
//! password a PBKDF2 hash; pages ask for HTTP Basic auth (TLS comes from the
//! reverse proxy in front), and every view, download and refused try is a
//! row of `access_log`. The kiosks' API keeps its per-kiosk tokens.

use crate::admin::AdminResult;
use crate::credits::{folded, mark_taken};
use crate::db::sql_error;
use crate::http::{now_ms, same_secret, sha256, App, Fail};
use aixin_kiosk::calendar::local_date;
use aixin_kiosk::entry::{Body, Entry};
use aixin_kiosk::export::{neutralise, redemptions_csv, REDEMPTIONS_HEADERS};
use aixin_kiosk::points::Points;
use aixin_kiosk::state::State as Folded;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use deadpool_postgres::Pool;
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// PBKDF2 rounds for a new password (OWASP's figure for HMAC-SHA256).
pub const PASSWORD_ITERATIONS: u32 = 600_000;
/// A password's length, in characters.
const PASSWORD_LENGTH: std::ops::RangeInclusive<usize> = 10..=200;
/// A password once checked is not hashed again for this long, so a page
/// with its stylesheet and a few clicks cost one slow hash, not many.
const VERIFIED_FOR: Duration = Duration::from_secs(600);
/// Days without an upload before a kiosk shows as silent.
pub const SILENT_DAYS: i64 = 7;
const MS_PER_DAY: i64 = 86_400_000;
/// The county's own offset from UTC, for "this month" (China: UTC+8).
const COUNTY_UTC_OFFSET_MINUTES: i32 = 480;

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
const STYLESHEET: &str = include_str!("county.css");

/// The county's pages, and the kiosk API's restore and credits.
pub fn routes(app: App) -> Router<App> {
    let pages = Router::new()
        .route("/county", get(overview))
        .route("/county/kiosk/{id}", get(village))
        .route("/county/redemptions.csv", get(redemptions))
        .route_layer(middleware::from_fn_with_state(app, guard));
    Router::new()
        .merge(crate::restore::routes())
        .merge(crate::credits::routes())
        .route("/county/county.css", get(stylesheet))
        .merge(pages)
}

// ---------------------------------------------------------------------------
// Accounts

fn user_name_valid(name: &str) -> bool {
    let length = name.chars().count();
    (1..=40).contains(&length)
        && !name.contains(':')
        && !name.chars().any(char::is_control)
        && name.trim() == name
}

fn password_hash(password: &str, salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, iterations, &mut out);
    out
}

/// `user add`: a county staff account named `name` with `password`.
pub async fn add_user(pool: &Pool, name: &str, password: &str) -> AdminResult<()> {
    if !user_name_valid(name) {
        return Err("the name must be 1 to 40 characters, without ':' or control characters, not starting or ending with a space\n\
                    名字须为 1 至 40 个字符，不含冒号或控制字符，首尾不能是空格".to_string());
    }
    if !PASSWORD_LENGTH.contains(&password.chars().count()) {
        return Err(
            "the password must be 10 to 200 characters\n密码须为 10 至 200 个字符".to_string(),
        );
    }
    let mut salt = [0u8; 16];
    rand::Rng::fill(&mut rand::thread_rng(), &mut salt);
    let owned = password.to_string();
    let hash =
        tokio::task::spawn_blocking(move || password_hash(&owned, &salt, PASSWORD_ITERATIONS))
            .await
            .map_err(|error| error.to_string())?;
    let client = pool.get().await.map_err(|error| error.to_string())?;
    let inserted = client
        .execute(
            "INSERT INTO county_user (name, salt, iterations, password_hash) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
            &[&name, &salt.as_slice(), &(PASSWORD_ITERATIONS as i32), &hash.as_slice()],
        )
        .await
        .map_err(sql_error)?;
    if inserted == 0 {
        return Err(format!(
            "a user named {name} exists\n已有名为 {name} 的账号"
        ));
    }
    Ok(())
}

fn verified() -> &'static Mutex<HashMap<Vec<u8>, Instant>> {
    static VERIFIED: OnceLock<Mutex<HashMap<Vec<u8>, Instant>>> = OnceLock::new();
    VERIFIED.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The name and password of a Basic `Authorization` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?.trim();
    let decoded = String::from_utf8(base64_decode(encoded)?).ok()?;
    let (name, password) = decoded.split_once(':')?;
    Some((name.to_string(), password.to_string()))
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |byte: u8| -> Option<u32> {
        Some(match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let text = text.trim_end_matches('=').as_bytes();
    if text.len() > 1024 || text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.chunks(4) {
        let mut bits = 0u32;
        for (index, byte) in chunk.iter().enumerate() {
            bits |= value(*byte)? << (18 - 6 * index);
        }
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

/// The account the request's Basic credentials name, if they are right.
async fn account(pool: &Pool, headers: &HeaderMap) -> Option<String> {
    let (name, password) = basic_credentials(headers)?;
    if !user_name_valid(&name) || password.chars().count() > *PASSWORD_LENGTH.end() {
        return None;
    }
    let client = pool.get().await.ok()?;
    let row = client
        .query_opt(
            "SELECT salt, iterations, password_hash FROM county_user WHERE name = $1 AND NOT disabled",
            &[&name],
        )
        .await
        .ok()??;
    let (salt, iterations, held): (Vec<u8>, i32, Vec<u8>) = (row.get(0), row.get(1), row.get(2));
    // The key names the stored hash too, so a changed password is checked
    // again at once.
    let key = sha256(&[name.as_bytes(), &[0], password.as_bytes(), &[0], &held].concat());
    let now = Instant::now();
    if let Ok(mut cache) = verified().lock() {
        cache.retain(|_, at| now.duration_since(*at) < VERIFIED_FOR);
        if cache.contains_key(&key) {
            return Some(name);
        }
    }
    let hash = tokio::task::spawn_blocking(move || {
        password_hash(&password, &salt, iterations.max(1) as u32)
    })
    .await
    .ok()?;
    if !same_secret(&hash, &held) {
        return None;
    }
    if let Ok(mut cache) = verified().lock() {
        cache.insert(key, now);
    }
    Some(name)
}

/// Who is reading, for the pages.
#[derive(Clone)]
struct Reader(#[allow(dead_code)] String);

/// Every page: a county account or 401, and a row of `access_log` either way.
async fn guard(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .chars()
        .take(500)
        .collect::<String>();
    let method = request.method().to_string();
    let user = account(&app.pool, request.headers()).await;
    let response = match &user {
        Some(name) => {
            request.extensions_mut().insert(Reader(name.clone()));
            next.run(request).await
        }
        None => refused(),
    };
    let status = i32::from(response.status().as_u16());
    let logged = match app.pool.get().await {
        Ok(client) => client
            .execute(
                "INSERT INTO access_log (user_name, method, path, status, remote) VALUES ($1, $2, $3, $4, $5)",
                &[&user, &method, &path, &status, &peer.to_string()],
            )
            .await
            .map_err(sql_error),
        Err(error) => Err(error.to_string()),
    };
    match logged {
        Ok(_) => response,
        // A view that cannot be logged is not served.
        Err(error) => Fail::busy(&format!("access log: {error}")).into_response(),
    }
}

fn refused() -> Response {
    let mut response = (
        StatusCode::UNAUTHORIZED,
        "需要县级账号登录。\nA county account is required.\n",
    )
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"aixin county\", charset=\"UTF-8\""),
    );
    response
}

// ---------------------------------------------------------------------------
// Figures

/// A month, `2026-11`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.split_once('-')?;
        let valid = year.len() == 4
            && month.len() == 2
            && (year.bytes().chain(month.bytes())).all(|b| b.is_ascii_digit());
        let (year, month) = (year.parse().ok()?, month.parse().ok()?);
        (valid && (1..=12).contains(&month) && (2000..=2200).contains(&year))
            .then_some(Month { year, month })
    }

    pub fn of(time_ms: i64, utc_offset_minutes: i32) -> Month {
        let date = local_date(time_ms, utc_offset_minutes);
        Month {
            year: date.year,
            month: date.month,
        }
    }

    fn holds(self, time_ms: i64, utc_offset_minutes: i32) -> bool {
        Month::of(time_ms, utc_offset_minutes) == self
    }

    /// The month's first and last day as UTC milliseconds, widened by a day
    /// each side so any village's offset falls inside.
    fn window(self) -> (i64, i64) {
        let start = days_from_civil(self.year, self.month, 1);
        let (next_year, next_month) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        let end = days_from_civil(next_year, next_month, 1);
        ((start - 1) * MS_PER_DAY, (end + 1) * MS_PER_DAY)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A kiosk's status on the overview, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Fork,
    Refused,
    Silent,
    CreditsWaiting,
    Ok,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Fork => "fork",
            Status::Refused => "refused",
            Status::Silent => "silent",
            Status::CreditsWaiting => "credits_waiting",
            Status::Ok => "ok",
        }
    }

    fn words(self, en: bool) -> &'static str {
        match (self, en) {
            (Status::Fork, false) => "分叉，待县里处理",
            (Status::Fork, true) => "fork: the county must settle it",
            (Status::Refused, false) => "有记录被拒收",
            (Status::Refused, true) => "an upload was refused",
            (Status::Silent, false) => "超过 7 天没有上传",
            (Status::Silent, true) => "nothing for more than 7 days",
            (Status::CreditsWaiting, false) => "有积分待下发",
            (Status::CreditsWaiting, true) => "credits waiting",
            (Status::Ok, false) => "正常",
            (Status::Ok, true) => "ok",
        }
    }
}

/// One row of the overview.
#[derive(Clone, Debug)]
pub struct KioskFigures {
    pub county_id: String,
    pub village: String,
    pub head_seq: u64,
    pub last_upload_ms: Option<i64>,
    pub entries_30_days: i64,
    pub credited: Points,
    pub redeemed: Points,
    /// Donations (restock entries) received in the month.
    pub donations: i64,
    pub credits_waiting: i64,
    pub status: Status,
}

fn add(total: &mut Points, amount: Points) {
    *total = total.checked_add(amount).unwrap_or(*total);
}

/// Entries of `kinds` of `id` whose village-local month is `month`.
async fn month_entries(
    client: &tokio_postgres::Transaction<'_>,
    id: &str,
    state: &Folded,
    month: Month,
    kinds: &[&str],
) -> Result<Vec<Entry>, Fail> {
    let offset = state
        .kiosk
        .as_ref()
        .map_or(COUNTY_UTC_OFFSET_MINUTES, |kiosk| kiosk.utc_offset_minutes);
    let (from, to) = month.window();
    let kinds: Vec<String> = kinds.iter().map(|kind| kind.to_string()).collect();
    let rows = client
        .query(
            "SELECT seq, record FROM entry WHERE kiosk = $1 AND time_ms >= $2 AND time_ms < $3 \
             AND kind = ANY($4) ORDER BY seq",
            &[&id, &from, &to, &kinds],
        )
        .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let seq: i64 = row.get(0);
        let entry = Entry::decode(row.get::<_, &[u8]>(1))
            .map_err(|error| Fail::internal(&format!("kiosk {id} entry {seq}: {error}")))?;
        if month.holds(entry.time_ms, offset) {
            entries.push(entry);
        }
    }
    Ok(entries)
}

/// The overview's rows for `month`, as of `now_ms`.
pub(crate) async fn figures(
    app: &App,
    month: Month,
    now_ms: i64,
) -> Result<Vec<KioskFigures>, Fail> {
    let mut client = crate::http::connection(app).await?;
    let kiosks = client
        .query(
            "SELECT county_id, village, head_seq, status, \
               (SELECT (extract(epoch FROM max(at)) * 1000)::bigint FROM upload u WHERE u.kiosk = k.county_id AND u.result = 'ok'), \
               (SELECT count(*) FROM entry e WHERE e.kiosk = k.county_id AND e.time_ms >= $1), \
               (extract(epoch FROM created_at) * 1000)::bigint \
             FROM kiosk k ORDER BY county_id",
            &[&(now_ms - 30 * MS_PER_DAY)],
        )
        .await?;
    let mut out = Vec::with_capacity(kiosks.len());
    for row in &kiosks {
        let county_id: String = row.get(0);
        let tx = client.transaction().await?;
        // A kiosk deleted meanwhile is left out.
        let Some((_, state)) = folded(&tx, &app.cache, &county_id).await? else {
            continue;
        };
        let waiting = mark_taken(&tx, &county_id, &state).await?;
        let entries = month_entries(
            &tx,
            &county_id,
            &state,
            month,
            &["credited", "redeemed", "redemption_voided", "restocked"],
        )
        .await?;
        tx.commit().await?;
        let (mut credited, mut redeemed, mut donations) = (Points::ZERO, Points::ZERO, 0);
        for entry in &entries {
            match &entry.body {
                Body::Credited { amount, .. } => add(&mut credited, *amount),
                Body::Redeemed { total, .. } => add(&mut redeemed, *total),
                Body::RedemptionVoided { redemption_seq, .. } => {
                    let total = state
                        .redemptions
                        .get(redemption_seq)
                        .map_or(Points::ZERO, |r| r.total);
                    redeemed = redeemed.checked_sub(total).unwrap_or(redeemed);
                }
                Body::Restocked { .. } => donations += 1,
                _ => {}
            }
        }
        let last_upload_ms: Option<i64> = row.get(4);
        let created_ms: i64 = row.get(6);
        let silent = now_ms - last_upload_ms.unwrap_or(created_ms) > SILENT_DAYS * MS_PER_DAY;
        let status = match row.get::<_, &str>(3) {
            "fork" => Status::Fork,
            "refused" => Status::Refused,
            _ if silent => Status::Silent,
            _ if waiting > 0 => Status::CreditsWaiting,
            _ => Status::Ok,
        };
        out.push(KioskFigures {
            county_id,
            village: row.get(1),
            head_seq: row.get::<_, i64>(2).max(0) as u64,
            last_upload_ms,
            entries_30_days: row.get(5),
            credited,
            redeemed,
            donations,
            credits_waiting: waiting,
            status,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Pages

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    lang: Option<String>,
    month: Option<String>,
}

impl PageQuery {
    fn en(&self) -> bool {
        self.lang.as_deref() == Some("en")
    }

    /// The month asked for, or this month in the county.
    fn month(&self) -> Result<Month, Response> {
        match self.month.as_deref() {
            None | Some("") => Ok(Month::of(now_ms(), COUNTY_UTC_OFFSET_MINUTES)),
            Some(text) => Month::parse(text).ok_or_else(|| {
                let body = "月份须写成 2026-11 这样。\nThe month is written as 2026-11.\n";
                (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
            }),
        }
    }
}

/// Text for HTML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A query string value: only the characters our values use pass as they are.
fn query_value(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn html_page(title: &str, en: bool, toggle: &str, body: &str) -> Response {
    let lang = if en { "en" } else { "zh-CN" };
    let page = format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/county/county.css\"></head>\
         <body><header><h1>{title}</h1><nav>{toggle}</nav></header><main>{body}</main></body></html>\n",
        title = esc(title),
    );
    let mut response = page.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `2026-12-05 14:03` in the county's time.
fn when(time_ms: i64) -> String {
    let at = aixin_kiosk::calendar::local_date_time(time_ms, COUNTY_UTC_OFFSET_MINUTES);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.date.year, at.date.month, at.date.day, at.hour, at.minute
    )
}

async fn stylesheet() -> Response {
    let mut response = STYLESHEET.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=3600"),
    );
    response
}

async fn overview(State(app): State<App>, Query(query): Query<PageQuery>) -> Response {
    let month = match query.month() {
        Ok(month) => month,
        Err(response) => return response,
    };
    let rows = match figures(&app, month, now_ms()).await {
        Ok(rows) => rows,
        Err(fail) => return fail.into_response(),
    };
    let en = query.en();
    let t = |zh: &'static str, english: &'static str| if en { english } else { zh };
    let lang_param = if en { "&amp;lang=en" } else { "" };
    let toggle = if en {
        format!("<a href=\"/county?month={month}\" lang=\"zh-CN\">中文</a>")
    } else {
        format!("<a href=\"/county?month={month}&amp;lang=en\" lang=\"en\">English</a>")
    };
    let mut body = String::new();
    let _ = write!(
        body,
        "<p>{} {month} · <a href=\"/county/redemptions.csv?month={month}\">{}</a></p>",
        t("月份", "Month"),
        t(
            "下载本月兑换明细（CSV）",
            "Download this month's redemptions (CSV)"
        ),
    );
    let _ = write!(
        body,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t("县级编号", "County id"),
        t("村", "Village"),
        t("最新记录", "Head seq"),
        t("最近上传", "Last upload"),
        t("近 30 天记录数", "Entries, last 30 days"),
        t("本月发放积分", "Points credited this month"),
        t("本月兑换积分", "Points redeemed this month"),
        t("本月收到捐赠", "Donations received this month"),
        t("状态", "Status"),
    );
    for row in &rows {
        let mut status = row.status.words(en).to_string();
        if row.credits_waiting > 0 && row.status != Status::CreditsWaiting {
            status.push_str(if en {
                "; credits waiting"
            } else {
                "；有积分待下发"
            });
        }
        let _ = write!(
            body,
            "<tr class=\"{class}\"><td><a href=\"/county/kiosk/{id_q}?month={month}{lang_param}\">{id}</a></td><td>{village}</td>\
             <td class=\"n\">{head}</td><td>{last}</td><td class=\"n\">{recent}</td><td class=\"n\">{credited}</td>\
             <td class=\"n\">{redeemed}</td><td class=\"n\">{donations}</td><td>{status}{waiting}</td></tr>",
            class = row.status.code(),
            id_q = query_value(&row.county_id),
            id = esc(&row.county_id),
            village = esc(&row.village),
            head = row.head_seq,
            last = row.last_upload_ms.map_or_else(|| t("从未", "never").to_string(), when),
            recent = row.entries_30_days,
            credited = row.credited.fixed(),
            redeemed = row.redeemed.fixed(),
            donations = row.donations,
            status = esc(&status),
            waiting = if row.credits_waiting > 0 { format!(" ({})", row.credits_waiting) } else { String::new() },
        );
    }
    body.push_str("</tbody></table>");
    html_page(
        t(
            "爱心超市 · 全县终端一览",
            "Love supermarkets · the county's kiosks",
        ),
        en,
        &toggle,
        &body,
    )
}

async fn village(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let en = query.en();
    let t = |zh: &'static str, english: &'static str| if en { english } else { zh };
    if !aixin_kiosk::sync::valid_county_id(&id) {
        return (StatusCode::NOT_FOUND, "没有这个终端。\nNo such kiosk.\n").into_response();
    }
    let loaded = async {
        let mut client = crate::http::connection(&app).await?;
        let tx = client.transaction().await?;
        let found = folded(&tx, &app.cache, &id).await?;
        tx.commit().await?;
        Ok::<_, Fail>(found)
    }
    .await;
    let (kiosk, state) = match loaded {
        Ok(Some(found)) => found,
        Ok(None) => {
            return (StatusCode::NOT_FOUND, "没有这个终端。\nNo such kiosk.\n").into_response()
        }
        Err(fail) => return fail.into_response(),
    };
    let toggle = if en {
        format!(
            "<a href=\"/county/kiosk/{}\" lang=\"zh-CN\">中文</a>",
            query_value(&id)
        )
    } else {
        format!(
            "<a href=\"/county/kiosk/{}?lang=en\" lang=\"en\">English</a>",
            query_value(&id)
        )
    };
    let mut body = String::new();
    let back = if en { "/county?lang=en" } else { "/county" };
    let _ = write!(
        body,
        "<p><a href=\"{back}\">{}</a> · {} {} · {} {} · {} {}</p>",
        t("← 全县一览", "← The county"),
        t("县级编号", "County id"),
        esc(&kiosk.county_id),
        t("村", "Village"),
        esc(&kiosk.village),
        t("平台已收到第", "The platform holds entries up to"),
        kiosk.head_seq,
    );
    let _ = write!(
        body,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t("户号", "Household"),
        t("户名", "Name"),
        t("组", "Group"),
        t("余额（积分）", "Balance (points)"),
        t("状态", "Status"),
    );
    let mut total = Points::ZERO;
    for household in state.households.values() {
        add(&mut total, household.balance);
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            esc(household.code.as_str()),
            esc(household.name.as_str()),
            esc(household.group.as_str()),
            household.balance.fixed(),
            esc(household.status.as_str()),
        );
    }
    let _ = write!(
        body,
        "</tbody><tfoot><tr><td colspan=\"3\">{} {}</td><td class=\"n\">{}</td><td></td></tr></tfoot></table>",
        t("合计户数", "Households:"),
        state.households.len(),
        total.fixed(),
    );
    let title = if en {
        format!("{} · households as the platform folded them", kiosk.village)
    } else {
        format!("{} · 住户积分余额（平台核算）", kiosk.village)
    };
    html_page(&title, en, &toggle, &body)
}

/// A cell of the county's CSV, injection-safe as the kiosk's exports.
fn csv_cell(text: &str) -> String {
    let cell = neutralise(text);
    if cell
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.into_owned()
    }
}

/// `redemptions.csv` of the whole county for `month`: each kiosk's rows as
/// the kiosk's own export writes them, after its county id and village.
pub(crate) async fn county_redemptions_csv(app: &App, month: Month) -> Result<Vec<u8>, Fail> {
    let mut client = crate::http::connection(app).await?;
    let kiosks = client
        .query(
            "SELECT county_id, village FROM kiosk ORDER BY county_id",
            &[],
        )
        .await?;
    let mut out = String::from("\u{FEFF}县级编号,村");
    for title in REDEMPTIONS_HEADERS {
        out.push(',');
        out.push_str(&csv_cell(title));
    }
    out.push_str("\r\n");
    for row in &kiosks {
        let (county_id, village): (String, String) = (row.get(0), row.get(1));
        let tx = client.transaction().await?;
        let Some((_, state)) = folded(&tx, &app.cache, &county_id).await? else {
            continue;
        };
        let entries = month_entries(
            &tx,
            &county_id,
            &state,
            month,
            &["redeemed", "redemption_voided"],
        )
        .await?;
        tx.commit().await?;
        if entries.is_empty() {
            continue;
        }
        let kiosk_csv = redemptions_csv(&state, &entries);
        let text = String::from_utf8_lossy(&kiosk_csv);
        let prefix = format!("{},{},", csv_cell(&county_id), csv_cell(&village));
        // The kiosk's rows hold no line breaks (text cells refuse control
        // characters), so CRLF ends each row; the first is its header.
        for line in text.split("\r\n").skip(1).filter(|line| !line.is_empty()) {
            out.push_str(&prefix);
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    Ok(out.into_bytes())
}

async fn redemptions(State(app): State<App>, Query(query): Query<PageQuery>) -> Response {
    let month = match query.month() {
        Ok(month) => month,
        Err(response) => return response,
    };
    match county_redemptions_csv(&app, month).await {
        Ok(bytes) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Ok(value) =
                HeaderValue::from_str(&format!("attachment; filename=\"redemptions-{month}.csv\""))
            {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        Err(fail) => fail.into_response(),
    }
}
