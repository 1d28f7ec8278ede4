//! The upload to the county platform: the enrollment, the requests and the
//! platform's acknowledgement. The page's scheduler (`www/js/uploader.js`)
//! decides when; this module does one attempt at a time.
//!
//! The token and the acknowledgement live in one `meta` record
//! ([`PLATFORM_KEY`]), outside the chain: an acknowledgement appends no
//! entry, and the token never reaches a backup, an export, localStorage or
//! the page's JS (the requests are made from here). The enrollment itself
//! is a journal entry naming the admin, written in the same transaction as
//! the record.
//!
//! No attempt holds the gate while the network is awaited: what to send is
//! read inside the gate, the gate is let go for the request, and the answer
//! is recorded inside it again — a redemption never waits for the platform.

use super::convert::{self, from_js, to_js};
use super::gate::Gate;
use super::idb::{Store, WriteBatch};
use super::kiosk::{promise, storage_error, DbLease, Inner, Kiosk};
use crate::entry::{Entry, Hash, Role};
use crate::error::Error;
use crate::ids::CountyId;
use crate::journal::StoredRecord;
use crate::ledger::{Auth, Operation};
use crate::sync::answer::{self, Ack, EnrollRequest, Enrolled, Failure, FromJson, Head};
use crate::upload::{backoff_ms, batch_len, stops_uploading, PlatformOrigin};
pub(super) use crate::upload::{PlatformRecord, Problem};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The `meta` key of the platform record.
pub(super) const PLATFORM_KEY: &str = "platform";
/// The name of the page's meta element naming the one platform origin it
/// may reach (written by `scripts/dist --platform`).
const ORIGIN_META: &str = "aixin-platform-origin";
/// A request that has not answered in this long has failed.
const REQUEST_TIMEOUT_MS: u32 = 60_000;
/// The longest enrollment code taken.
const CODE_LENGTH_MAX: usize = 64;
/// Bodies at least this long go gzipped: a journal line compresses to
/// about a fifth, which a village on mobile data pays for.
const GZIP_BYTES_MIN: usize = 1024;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with(url: &str, init: &js_sys::Object) -> js_sys::Promise;

    #[wasm_bindgen(js_namespace = AbortSignal, js_name = timeout)]
    fn abort_after(ms: u32) -> JsValue;

    type FetchResponse;
    #[wasm_bindgen(method, getter)]
    fn status(this: &FetchResponse) -> u16;
    #[wasm_bindgen(method)]
    fn text(this: &FetchResponse) -> js_sys::Promise;
    #[wasm_bindgen(method, getter)]
    fn headers(this: &FetchResponse) -> FetchHeaders;

    type FetchHeaders;
    #[wasm_bindgen(method, catch)]
    fn get(this: &FetchHeaders, name: &str) -> Result<Option<String>, JsValue>;

    // The browser's own gzip: Blob → stream → CompressionStream → bytes.
    type Blob;
    #[wasm_bindgen(constructor)]
    fn new(parts: &js_sys::Array) -> Blob;
    #[wasm_bindgen(method)]
    fn stream(this: &Blob) -> ReadableStream;

    type ReadableStream;
    #[wasm_bindgen(method, js_name = pipeThrough)]
    fn pipe_through(this: &ReadableStream, transform: &CompressionStream) -> ReadableStream;

    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;

    #[wasm_bindgen(js_name = Response)]
    type StreamResponse;
    #[wasm_bindgen(constructor, js_class = "Response")]
    fn new(body: &ReadableStream) -> StreamResponse;
    #[wasm_bindgen(method, js_name = arrayBuffer)]
    fn array_buffer(this: &StreamResponse) -> js_sys::Promise;

    #[wasm_bindgen(js_namespace = document, js_name = querySelector, catch)]
    fn query_selector(selector: &str) -> Result<Option<MetaElement>, JsValue>;

    type MetaElement;
    #[wasm_bindgen(method, getter)]
    fn content(this: &MetaElement) -> String;
}

/// The origin the page was built for, from its meta element; `None` on a
/// page without one (or an empty one): then only loopback origins.
pub(super) fn configured_origin() -> Option<PlatformOrigin> {
    let meta = query_selector(&format!("meta[name=\"{ORIGIN_META}\"]"))
        .ok()
        .flatten()?;
    PlatformOrigin::parse(&meta.content()).ok()
}

pub(super) async fn read_record(inner: &Inner) -> Result<Option<PlatformRecord>, Error> {
    let lease = DbLease::take(inner)?;
    let stored = lease
        .db()?
        .read_one(Store::Meta, PLATFORM_KEY)
        .await
        .map_err(storage_error)?;
    let Some(bytes) = stored else {
        return Ok(None);
    };
    // A record this build cannot read is as good as none: the admin
    // enrols again.
    Ok(PlatformRecord::from_bytes(&bytes)
        .ok()
        .filter(|record| record.version == 1))
}

pub(super) fn record_bytes(record: &PlatformRecord) -> Result<Vec<u8>, Error> {
    Ok(record.to_bytes())
}

pub(super) async fn write_record(inner: &Inner, record: &PlatformRecord) -> Result<(), Error> {
    let batch = WriteBatch {
        meta: vec![(PLATFORM_KEY.to_string(), record_bytes(record)?)],
        ..WriteBatch::default()
    };
    let lease = DbLease::take(inner)?;
    lease.db()?.write(&batch).await.map_err(storage_error)
}

/// The stored records `from..=to` (call inside the gate).
async fn read_records(
    inner: &Inner,
    from: u64,
    to: u64,
) -> Result<Vec<(u64, StoredRecord)>, Error> {
    let stored = {
        let lease = DbLease::take(inner)?;
        lease
            .db()?
            .read_journal(from, to)
            .await
            .map_err(storage_error)?
    };
    stored
        .into_iter()
        .map(|(seq, bytes)| {
            let record = StoredRecord::from_bytes(&bytes).ok_or_else(|| Error::StorageFailed {
                detail: "short record".into(),
            })?;
            Ok((seq, record))
        })
        .collect()
}

/// The kiosk's hash at `seq`, when it still has it (call inside the gate).
async fn hash_at(inner: &Inner, seq: u64) -> Result<Option<Hash>, Error> {
    let (head_seq, head) = {
        let ledger = inner.ledger.borrow();
        (ledger.state().seq, ledger.state().head)
    };
    let upkeep = inner.upkeep();
    if seq == 0 {
        return Ok(Some(crate::entry::GENESIS_PREVIOUS_HASH));
    }
    if seq == head_seq {
        return Ok(Some(head));
    }
    if seq == upkeep.base_seq.get() {
        return Ok(Some(upkeep.base_head.get()));
    }
    if seq > head_seq || seq < upkeep.base_seq.get() {
        return Ok(None);
    }
    let records = read_records(inner, seq, seq).await?;
    Ok(records.first().map(|(_, record)| record.hash))
}

/// The platform's acknowledged seq (0 when not enrolled), for the archive's
/// limit. Enters the gate.
pub(super) async fn acked_seq(inner: &Rc<Inner>) -> Result<u64, Error> {
    let _pass = Gate::enter(inner.gate()).await;
    Ok(read_record(inner)
        .await?
        .map_or(0, |record| record.acked_seq))
}

/// One answer of the platform: status, body, `Retry-After` in ms. Its
/// JSON is read into the platform's own types ([`crate::sync::answer`]).
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) body: String,
    retry_after_ms: Option<i64>,
}

impl Answer {
    /// The body as the answer `T`; a body that is not one is
    /// `PLATFORM_ANSWER_INVALID`.
    pub(super) fn decode<T: FromJson>(&self) -> Result<T, Error> {
        T::from_json(&self.body).map_err(|error| Error::PlatformAnswerInvalid {
            detail: format!("HTTP {}: {error}", self.status),
        })
    }

    fn server_time_ms(&self) -> Option<i64> {
        answer::server_time_ms(&self.body)
    }

    /// The refusal an error answer stands for.
    pub(super) fn error(&self) -> Error {
        let failure = Failure::from_json(&self.body).unwrap_or_default();
        let reason = failure.reason.clone().unwrap_or_default();
        match (self.status, failure.code.as_str()) {
            (_, answer::ENROLL_CODE_INVALID) => Error::EnrollCodeInvalid,
            (_, answer::GENESIS_MISMATCH) => Error::GenesisMismatch,
            (_, answer::PLATFORM_GAP) => Error::PlatformGap {
                head_seq: failure.head_seq.unwrap_or(0),
            },
            (_, answer::PLATFORM_FORK) => Error::PlatformFork {
                seq: failure.seq.unwrap_or(0),
                platform_hash: failure.platform_hash.unwrap_or_default(),
                kiosk_hash: failure.kiosk_hash.unwrap_or_default(),
            },
            (_, answer::PLATFORM_REFUSED) => Error::PlatformRefused {
                seq: failure.seq,
                line: failure.line.map(|line| line as u64),
                reason,
            },
            (_, answer::PLATFORM_TOO_OLD) => Error::PlatformTooOld {
                seq: failure.seq,
                reason,
            },
            (401, _) | (_, answer::PLATFORM_UNAUTHORIZED) => Error::PlatformUnauthorized,
            (413, _) | (_, answer::PLATFORM_TOO_LARGE) => Error::PlatformTooLarge,
            (429, _) | (503, _) | (_, answer::PLATFORM_BUSY) => Error::PlatformBusy {
                retry_after_ms: self.retry_after_ms.unwrap_or(0),
            },
            (status, code) => Error::PlatformAnswerInvalid {
                detail: format!("HTTP {status} {code}"),
            },
        }
    }
}

/// `body` gzipped by the browser, or `None` where it cannot (then the body
/// goes as it is).
async fn gzip(body: &str) -> Option<js_sys::Uint8Array> {
    let compressor = CompressionStream::new("gzip").ok()?;
    let parts = js_sys::Array::of1(&JsValue::from_str(body));
    let stream = Blob::new(&parts).stream().pipe_through(&compressor);
    let bytes = JsFuture::from(StreamResponse::new(&stream).array_buffer())
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&bytes))
}

/// Makes one request from the wasm (the token never passes through the
/// page's JS). Any failure to get an answer is `PLATFORM_UNREACHABLE`.
pub(super) async fn request(
    url: &str,
    method: &str,
    headers: &[(&str, &str)],
    body: Option<&JsValue>,
) -> Result<Answer, Error> {
    let unreachable = |detail: String| Error::PlatformUnreachable { detail };
    let init = js_sys::Object::new();
    let set = |object: &js_sys::Object, key: &str, value: &JsValue| {
        js_sys::Reflect::set(object, &JsValue::from_str(key), value)
            .map(|_| ())
            .map_err(|_| unreachable("request".into()))
    };
    set(&init, "method", &JsValue::from_str(method))?;
    let header_object = js_sys::Object::new();
    for (name, value) in headers {
        set(&header_object, name, &JsValue::from_str(value))?;
    }
    set(&init, "headers", &header_object)?;
    if let Some(body) = body {
        set(&init, "body", body)?;
    }
    set(&init, "cache", &JsValue::from_str("no-store"))?;
    set(&init, "credentials", &JsValue::from_str("omit"))?;
    set(&init, "signal", &abort_after(REQUEST_TIMEOUT_MS))?;
    let response = JsFuture::from(fetch_with(url, &init))
        .await
        .map_err(|error| unreachable(format!("{error:?}")))?;
    let response: FetchResponse = response.unchecked_into();
    let status = response.status();
    let retry_after_ms = response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|seconds| seconds.trim().parse::<i64>().ok())
        .map(|seconds| seconds.clamp(0, 24 * 3600) * 1000);
    let body = JsFuture::from(response.text())
        .await
        .map_err(|error| unreachable(format!("{error:?}")))?
        .as_string()
        .unwrap_or_default();
    Ok(Answer {
        status,
        body,
        retry_after_ms,
    })
}

pub(super) fn county_path(origin: &str, county_id: &str, tail: &str) -> String {
    format!("{origin}/v1/kiosks/{county_id}/{tail}")
}

pub(super) fn is_hex64(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The platform's origin (only the one the page allows) and the county's
/// id for this kiosk, as typed.
pub(super) fn platform_target(
    url: &str,
    county_id: &str,
) -> Result<(PlatformOrigin, CountyId), Error> {
    let origin = PlatformOrigin::parse(url)?;
    origin.check_allowed(configured_origin().as_ref())?;
    let county_id =
        CountyId::new(county_id).map_err(|problem| Error::invalid("countyId", &problem))?;
    Ok((origin, county_id))
}

/// A one-time code the county printed, trimmed; `zh`/`en` say which code
/// when it cannot be one.
pub(super) fn one_time_code(code: &str, zh: &str, en: &str) -> Result<String, Error> {
    let code = code.trim();
    if code.is_empty()
        || code.len() > CODE_LENGTH_MAX
        || !code.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(Error::invalid_with("code", zh, en));
    }
    Ok(code.to_string())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EnrollInput {
    #[serde(rename = "staffSession")]
    _staff_session: serde::de::IgnoredAny,
    url: String,
    county_id: String,
    code: String,
    request_id: String,
    now: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EnrollView {
    enrolled: bool,
    url: String,
    county_id: String,
    acked_seq: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SyncView {
    sent: u64,
    acked_seq: u64,
    waiting: u64,
    /// More is waiting than one request carries: send again at once.
    more: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusView {
    enrolled: bool,
    /// Whether this tab holds the writer lock (only the writer uploads).
    writer: bool,
    url: Option<String>,
    county_id: Option<String>,
    allowed_origin: Option<String>,
    acked_seq: u64,
    acked_hash: Option<String>,
    seq: u64,
    /// Entries the platform has not acknowledged (when not enrolled: not
    /// marked uploaded by USB).
    waiting: u64,
    oldest_waiting_ms: Option<i64>,
    last_success_ms: Option<i64>,
    last_attempt_ms: Option<i64>,
    last_error: Option<Problem>,
    alert: Option<Problem>,
    clock_offset_ms: Option<i64>,
    next_attempt_ms: Option<i64>,
    /// Credits from the platform for households this kiosk does not know.
    unapplied_credits: Vec<crate::upload::UnappliedCredit>,
}

fn parse_now(input: JsValue) -> Result<Option<i64>, Error> {
    if input.is_undefined() || input.is_null() {
        return Ok(None);
    }
    convert::Fields::of(input, "platform")?.optional_integer("now")
}

#[wasm_bindgen]
impl Kiosk {
    /// The one platform origin this page may upload to (from the page's
    /// meta element, written by `scripts/dist --platform`), or null: then
    /// only `http://127.0.0.1:*` and `http://localhost:*`.
    #[wasm_bindgen(js_name = platformAllowedOrigin)]
    pub fn platform_allowed_origin(&self) -> Option<String> {
        configured_origin().map(String::from)
    }

    /// The journal's last seq: cheap, for the page's uploader to notice a
    /// write without entering the gate.
    #[wasm_bindgen(js_name = journalSeq)]
    pub fn journal_seq(&self) -> JsValue {
        to_js(&self.inner().ledger.borrow().state().seq)
    }

    /// Enrols the kiosk with the county platform (admin): `{ staffSession,
    /// url, countyId, code, requestId, now }` with the one-time code the
    /// county printed → `{ enrolled, url, countyId, ackedSeq }`. Records an
    /// entry naming the admin (county id and origin, never the token).
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = enrollPlatform)]
    pub fn enroll_platform(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        let session = convert::session_id(
            &js_sys::Reflect::get(&input, &JsValue::from_str("staffSession"))
                .unwrap_or(JsValue::UNDEFINED),
        );
        promise(async move {
            let session = session.map_err(|_| Error::StaffAuthRequired)?;
            let fields: EnrollInput = from_js(input, "enrollPlatform")?;
            {
                let ledger = inner.ledger.borrow();
                let role = ledger.staff_session(&session, fields.now)?.role;
                if !role.covers(Role::Admin) {
                    return Err(Error::StaffRoleRefused);
                }
                if let Some(error) = ledger.read_only() {
                    return Err(error.clone());
                }
            }
            let (origin, county_id) = platform_target(&fields.url, &fields.county_id)?;
            let code = one_time_code(
                &fields.code,
                "登记码不对:请照县里给的登记码填写",
                "the enrollment code is not one the county prints",
            )?;
            let request_id = convert::request_id(&fields.request_id)?;
            let (genesis, kiosk_id, village) = {
                let _pass = Gate::enter(inner.gate()).await;
                let genesis = hash_at(&inner, 1).await?.ok_or_else(|| {
                    Error::invalid_with(
                        "genesis",
                        "第一条记录已经归档,这台终端不能再登记,请找县里",
                        "the first entry is archived: this kiosk cannot enrol; ask the county",
                    )
                })?;
                let ledger = inner.ledger.borrow();
                let village = ledger
                    .state()
                    .kiosk
                    .as_ref()
                    .map(|kiosk| kiosk.village.to_string())
                    .unwrap_or_default();
                (genesis, inner.kiosk_id().to_string(), village)
            };
            let body = EnrollRequest {
                code,
                genesis_hash: hex::encode(genesis),
                kiosk_id,
                village,
            }
            .to_json();
            let url = county_path(origin.as_str(), county_id.as_str(), "enroll");
            let answer = request(
                &url,
                "POST",
                &[("Content-Type", "application/json")],
                Some(&JsValue::from_str(&body)),
            )
            .await?;
            if answer.status != 200 {
                return Err(answer.error());
            }
            let enrolled: Enrolled = answer.decode()?;
            if !is_hex64(&enrolled.token) || !is_hex64(&enrolled.head_hash) {
                return Err(Error::PlatformAnswerInvalid {
                    detail: "enrollment answer".into(),
                });
            }
            let (token, head_seq) = (enrolled.token, enrolled.head_seq);
            let head_hash = enrolled.head_hash.to_ascii_lowercase();
            let _pass = Gate::enter(inner.gate()).await;
            // What the platform already holds counts as acknowledged when it
            // is this kiosk's own chain; anything else is sent again from
            // the start, and the platform names the seq where they part.
            let acked = match hash_at(&inner, head_seq).await? {
                Some(own) if hex::encode(own) == head_hash => (head_seq, head_hash),
                _ => (0, hex::encode(crate::entry::GENESIS_PREVIOUS_HASH)),
            };
            let record = PlatformRecord {
                version: 1,
                origin: origin.to_string(),
                county_id: county_id.to_string(),
                token,
                acked_seq: acked.0,
                acked_hash: acked.1,
                clock_offset_ms: Some(enrolled.server_time_ms - fields.now),
                ..PlatformRecord::default()
            };
            let operation = Operation::EnrollPlatform {
                county_id,
                platform: origin,
                request: request_id,
            };
            let plan = inner.ledger.borrow_mut().prepare(
                &Auth::StaffSession(session),
                operation,
                fields.now,
            )?;
            let meta = vec![(PLATFORM_KEY.to_string(), record_bytes(&record)?)];
            Inner::store_and_commit(&inner, plan, meta).await?;
            Ok(to_js(&EnrollView {
                enrolled: true,
                url: record.origin,
                county_id: record.county_id,
                acked_seq: record.acked_seq,
            }))
        })
    }

    /// Uploads what the platform has not acknowledged, one request of at
    /// most 1,000 entries and 4 MiB: `{ now }` → `{ sent, ackedSeq,
    /// waiting, more }`, or a coded error (recorded for `platformStatus`;
    /// a fork or a refusal becomes its alert and stops uploading).
    #[wasm_bindgen(js_name = syncPlatform)]
    pub fn sync_platform(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            let now = parse_now(input)?.unwrap_or_else(|| js_sys::Date::now() as i64);
            if inner.lock.borrow().is_none() {
                return Err(Error::ReadOnly {
                    reason: "other_tab",
                });
            }
            // Inside the gate: what to send.
            let (record, body, first, last) = {
                let _pass = Gate::enter(inner.gate()).await;
                let record = read_record(&inner)
                    .await?
                    .ok_or(Error::PlatformNotEnrolled)?;
                if let Some(alert) = &record.alert {
                    if record.next_attempt_ms.is_some_and(|at| now < at) {
                        return Err(alert_error(alert));
                    }
                    drop(_pass);
                    return settled(&inner, record, now).await;
                }
                let seq = inner.ledger.borrow().state().seq;
                let base = inner.upkeep().base_seq.get();
                let from = record.acked_seq.max(base) + 1;
                if from > seq {
                    return Ok(to_js(&SyncView {
                        sent: 0,
                        acked_seq: record.acked_seq,
                        waiting: seq.saturating_sub(record.acked_seq),
                        more: false,
                    }));
                }
                let prev = if from - 1 == record.acked_seq {
                    hex::decode(&record.acked_hash)
                        .ok()
                        .and_then(|bytes| Hash::try_from(bytes).ok())
                } else {
                    hash_at(&inner, from - 1).await?
                }
                .ok_or_else(|| Error::Internal {
                    detail: "no hash before the upload".into(),
                })?;
                let to = seq.min(from + crate::sync::BATCH_ENTRIES_MAX as u64 - 1);
                let records = read_records(&inner, from, to).await?;
                let count = batch_len(records.iter().map(|(_, record)| record.bytes.len()));
                let batch: Vec<(u64, &StoredRecord)> = records
                    .iter()
                    .take(count)
                    .map(|(seq, record)| (*seq, record))
                    .collect();
                let body = crate::sync::encode_batch(&record.county_id, &prev, &batch).ok_or_else(
                    || Error::StorageCorrupt {
                        seq: from,
                        detail: "the records to upload do not follow each other".into(),
                    },
                )?;
                let last = batch.last().map_or(from, |(seq, _)| *seq);
                (record, body, from, last)
            };
            // Outside the gate: the request.
            let url = county_path(&record.origin, &record.county_id, "journal");
            let authorization = format!("Bearer {}", record.token);
            let mut headers = vec![
                ("Authorization", authorization.as_str()),
                ("Content-Type", "application/x-ndjson"),
            ];
            let compressed = if body.len() >= GZIP_BYTES_MIN {
                gzip(&body).await
            } else {
                None
            };
            let payload = match compressed {
                Some(bytes) => {
                    headers.push(("Content-Encoding", "gzip"));
                    JsValue::from(bytes)
                }
                None => JsValue::from_str(&body),
            };
            let answered = request(&url, "POST", &headers, Some(&payload)).await;
            // Inside the gate again: the answer.
            let _pass = Gate::enter(inner.gate()).await;
            let Some(mut current) = read_record(&inner).await? else {
                return Err(Error::PlatformNotEnrolled);
            };
            if current.token != record.token {
                // Enrolled again meanwhile: this answer is for the old token.
                return Err(Error::PlatformUnauthorized);
            }
            current.last_attempt_ms = Some(now);
            let outcome = match answered {
                Ok(answer) => {
                    if let Some(server) = answer.server_time_ms() {
                        current.clock_offset_ms = Some(server - now);
                    }
                    take_answer(&inner, &mut current, &answer, first, last).await?
                }
                Err(error) => Err(error),
            };
            let seq = inner.ledger.borrow().state().seq;
            match outcome {
                Ok(sent) => {
                    current.last_success_ms = Some(now);
                    current.last_error = None;
                    current.failures = 0;
                    current.next_attempt_ms = None;
                    write_record(&inner, &current).await?;
                    Ok(to_js(&SyncView {
                        sent,
                        acked_seq: current.acked_seq,
                        waiting: seq.saturating_sub(current.acked_seq),
                        more: current.acked_seq < seq,
                    }))
                }
                Err(error) => {
                    let retry_after = match &error {
                        Error::PlatformBusy { retry_after_ms } => Some(*retry_after_ms),
                        _ => None,
                    };
                    current.failures = current.failures.saturating_add(1);
                    current.next_attempt_ms = Some(now + backoff_ms(current.failures, retry_after));
                    current.last_error = Some(Problem::of(&error));
                    if stops_uploading(&error) {
                        current.alert = Some(Problem::of(&error));
                    }
                    write_record(&inner, &current).await?;
                    Err(error)
                }
            }
        })
    }

    /// Where the upload stands: `{ now }` optional → `{ enrolled, writer,
    /// url, countyId, allowedOrigin, ackedSeq, ackedHash, seq, waiting,
    /// oldestWaitingMs, lastSuccessMs, lastAttemptMs, lastError, alert,
    /// clockOffsetMs, nextAttemptMs }`; `lastError` and `alert` are `{ code,
    /// seq, platformHash, kioskHash, message, messageEn }`.
    #[wasm_bindgen(js_name = platformStatus)]
    pub fn platform_status(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(self.inner());
        promise(async move {
            parse_now(input)?;
            let _pass = Gate::enter(inner.gate()).await;
            let record = read_record(&inner).await?;
            let (seq, uploaded) = {
                let ledger = inner.ledger.borrow();
                (ledger.state().seq, ledger.state().uploaded_through_seq)
            };
            let acked = record.as_ref().map_or(uploaded, |record| record.acked_seq);
            let oldest = if acked < seq && acked >= inner.upkeep().base_seq.get() {
                read_records(&inner, acked + 1, acked + 1)
                    .await?
                    .first()
                    .and_then(|(_, record)| Entry::decode(&record.bytes).ok())
                    .map(|entry| entry.time_ms)
            } else {
                None
            };
            let view = StatusView {
                enrolled: record.is_some(),
                writer: inner.lock.borrow().is_some(),
                url: record.as_ref().map(|r| r.origin.clone()),
                county_id: record.as_ref().map(|r| r.county_id.clone()),
                allowed_origin: configured_origin().map(String::from),
                acked_seq: record.as_ref().map_or(0, |r| r.acked_seq),
                acked_hash: record.as_ref().map(|r| r.acked_hash.clone()),
                seq,
                waiting: seq.saturating_sub(acked),
                oldest_waiting_ms: oldest,
                last_success_ms: record.as_ref().and_then(|r| r.last_success_ms),
                last_attempt_ms: record.as_ref().and_then(|r| r.last_attempt_ms),
                last_error: record.as_ref().and_then(|r| r.last_error.clone()),
                alert: record.as_ref().and_then(|r| r.alert.clone()),
                clock_offset_ms: record.as_ref().and_then(|r| r.clock_offset_ms),
                next_attempt_ms: record.as_ref().and_then(|r| r.next_attempt_ms),
                unapplied_credits: record
                    .as_ref()
                    .map(|r| r.unapplied_credits.clone())
                    .unwrap_or_default(),
            };
            Ok(to_js(&view))
        })
    }
}

/// Asks the platform whether the county has settled the alert (its head's
/// status is `ok` again: `aixin-platform kiosk resolve --keep kiosk`). Then
/// the alert is lifted and uploading resumes from the platform's head when
/// it is this kiosk's own; else it stands, and is asked about again after
/// the longest back-off. Called outside the gate.
async fn settled(inner: &Rc<Inner>, record: PlatformRecord, now: i64) -> Result<JsValue, Error> {
    let url = county_path(&record.origin, &record.county_id, "head");
    let authorization = format!("Bearer {}", record.token);
    let answered = request(
        &url,
        "GET",
        &[("Authorization", authorization.as_str())],
        None,
    )
    .await;
    let head: Option<Head> = match &answered {
        Ok(answer) if answer.status == 200 => answer.decode().ok(),
        _ => None,
    };
    let _pass = Gate::enter(inner.gate()).await;
    let Some(mut current) = read_record(inner).await? else {
        return Err(Error::PlatformNotEnrolled);
    };
    if current.token != record.token {
        return Err(Error::PlatformUnauthorized);
    }
    let Some(alert) = current.alert.clone() else {
        return Err(Error::Busy);
    };
    current.last_attempt_ms = Some(now);
    match head.filter(|head| head.status == "ok") {
        Some(head) => {
            let hash = head.hash.to_ascii_lowercase();
            let own = hash_at(inner, head.seq).await?.map(hex::encode);
            if own.as_deref() == Some(hash.as_str()) {
                current.acked_seq = head.seq;
                current.acked_hash = hash;
            }
            current.alert = None;
            current.last_error = None;
            current.failures = 0;
            current.next_attempt_ms = None;
            write_record(inner, &current).await?;
            let seq = inner.ledger.borrow().state().seq;
            Ok(to_js(&SyncView {
                sent: 0,
                acked_seq: current.acked_seq,
                waiting: seq.saturating_sub(current.acked_seq),
                more: current.acked_seq < seq,
            }))
        }
        None => {
            current.next_attempt_ms = Some(now + crate::upload::BACKOFF_MAX_MS);
            write_record(inner, &current).await?;
            Err(alert_error(&alert))
        }
    }
}

/// The error an alert stands for, to refuse an upload while it stands.
fn alert_error(alert: &Problem) -> Error {
    match alert.code.as_str() {
        "PLATFORM_FORK" => Error::PlatformFork {
            seq: alert.seq.unwrap_or(0),
            platform_hash: alert.platform_hash.clone().unwrap_or_default(),
            kiosk_hash: alert.kiosk_hash.clone().unwrap_or_default(),
        },
        _ => Error::PlatformRefused {
            seq: alert.seq,
            line: None,
            reason: alert.message_en.clone(),
        },
    }
}

/// Reads the platform's answer to an upload of `first..=last` into the
/// record: the number of entries it acknowledged anew, or the refusal. An
/// acknowledgement is taken only for a hash the kiosk holds at that seq; a
/// gap moves the acknowledgement back to the platform's head when that head
/// is this kiosk's own.
async fn take_answer(
    inner: &Inner,
    record: &mut PlatformRecord,
    answer: &Answer,
    first: u64,
    last: u64,
) -> Result<Result<u64, Error>, Error> {
    match answer.status {
        200 => {
            let ack: Ack = match answer.decode() {
                Ok(ack) => ack,
                Err(error) => return Ok(Err(error)),
            };
            let (seq, hash) = (ack.acked_seq, ack.acked_hash.to_ascii_lowercase());
            if seq > last {
                return Ok(Err(Error::PlatformAnswerInvalid {
                    detail: format!("acknowledged {seq} past the upload's last {last}"),
                }));
            }
            let own = hash_at(inner, seq).await?.map(hex::encode);
            if own.as_deref() != Some(hash.as_str()) {
                return Ok(Err(Error::PlatformFork {
                    seq,
                    platform_hash: hash,
                    kiosk_hash: own.unwrap_or_default(),
                }));
            }
            let sent = seq.saturating_sub(record.acked_seq.max(first - 1));
            if seq > record.acked_seq {
                record.acked_seq = seq;
                record.acked_hash = hash;
            }
            Ok(Ok(sent))
        }
        409 if matches!(answer.error(), Error::PlatformGap { .. }) => {
            let failure: Failure = answer.decode().unwrap_or_default();
            let head_seq = failure.head_seq.unwrap_or(0);
            let head_hash = failure.head_hash.unwrap_or_default().to_ascii_lowercase();
            let own = hash_at(inner, head_seq).await?.map(hex::encode);
            if head_seq != record.acked_seq && own.as_deref() == Some(head_hash.as_str()) {
                // The platform is behind the acknowledgement (restored by
                // the county): send again from its head.
                record.acked_seq = head_seq;
                record.acked_hash = head_hash;
                return Ok(Ok(0));
            }
            Ok(Err(answer.error()))
        }
        _ => Ok(Err(answer.error())),
    }
}
