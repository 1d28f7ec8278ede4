//! `Kiosk`, the JS API: opens and verifies the journal from IndexedDB,
//! holds the writer lock, and runs every change through the core's protocol
//! — prepare, store in one strictly durable transaction, then commit. Memory
//! never runs ahead of storage: if the store fails, the plan is dropped and
//! the call is refused with `STORAGE_FULL` or `STORAGE_FAILED`.

use super::convert::{self, from_js, to_js, to_js_error, Fields};
use super::gate::Gate;
use super::idb::{KioskDb, StorageError, WriteBatch};
use super::lock::{acquire_writer_lock, request_persistent_storage, LockOutcome, WriterLock};
use crate::entry::{json_record, JsonReader, JsonWriter};
use crate::error::Error;
use crate::ids::{KioskId, Text};
use crate::journal::{self, OpenError};
use crate::ledger::{Auth, Ledger, LedgerConfig, Operation, Outcome, Plan};
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// The localStorage key of the last kiosk id opened, shown before IndexedDB
/// answers.
const LAST_KIOSK_KEY: &str = "aixin:lastKioskId";

/// The localStorage key of the last kiosk that held entries here: its id
/// and the head seq when recorded. Never a PIN or a token. If the browser
/// evicts IndexedDB, this survives only when localStorage does too — often
/// it does, since a cleaner or a full disk may take one and not the other.
const HAD_DATA_KEY: &str = "aixin:hadData";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HadData {
    kiosk_id: String,
    seq: u64,
}

impl HadData {
    /// The stored value: `{"kioskId":…,"seq":…}`, the JSON gloo-storage
    /// wrote through `serde_json` before, now by the journal codec's hand.
    fn to_json(&self) -> String {
        JsonWriter::object(|w| {
            w.str("kioskId", &self.kiosk_id);
            w.uint("seq", self.seq);
        })
    }

    fn from_json(text: &str) -> Result<HadData, String> {
        JsonReader::read(text, |r| {
            Ok(json_record!(r, HadData {
                kiosk_id: "kioskId" => JsonReader::string,
                seq: "seq" => JsonReader::u64,
            }))
        })
    }
}

/// Records that `kiosk_id` holds entries up to `seq` (nothing for an empty
/// journal). A failing localStorage only loses the warning.
fn record_had_data(kiosk_id: &KioskId, seq: u64) {
    use gloo_storage::Storage;
    if seq == 0 {
        return;
    }
    let had = HadData {
        kiosk_id: kiosk_id.to_string(),
        seq,
    };
    let _ = gloo_storage::LocalStorage::raw().set_item(HAD_DATA_KEY, &had.to_json());
}

/// The kiosk: one journal, one writer.
#[wasm_bindgen]
pub struct Kiosk {
    inner: Rc<Inner>,
}

pub(super) struct Inner {
    kiosk_id: KioskId,
    /// The ledger. Part of its state may still wait after open (a
    /// checkpoint of format 7): every borrow decodes it first, but those of
    /// the kiosk's info, its state hash, the catalogue and upkeep's check,
    /// which read none of it.
    pub(super) ledger: LedgerCell,
    pub(super) db: RefCell<Option<KioskDb>>,
    pub(super) lock: RefCell<Option<WriterLock>>,
    pub(super) gate: Rc<Gate>,
    persisted: Option<bool>,
    closed: std::cell::Cell<bool>,
    upkeep: super::upkeep::Upkeep,
    /// Whether `aixin:hadData` was written since open (once is enough).
    had_data_recorded: std::cell::Cell<bool>,
}

/// The ledger in a `RefCell` whose borrows first decode the credits,
/// redemptions and history lines open left as bytes
/// ([`Ledger::decode_rest`]), so that no call sees a state without them: at
/// 50,000 entries they were two thirds of open's decode, and open answers
/// without them.
pub(super) struct LedgerCell(RefCell<Ledger>);

impl LedgerCell {
    pub(super) fn borrow(&self) -> std::cell::Ref<'_, Ledger> {
        self.decode_rest();
        self.0.borrow()
    }

    pub(super) fn borrow_mut(&self) -> std::cell::RefMut<'_, Ledger> {
        let mut ledger = self.0.borrow_mut();
        ledger.decode_rest();
        ledger
    }

    /// A borrow that leaves the rest waiting, for what reads none of it
    /// (the state's seq, head and hash, whether it is read-only).
    pub(super) fn borrow_partial(&self) -> std::cell::Ref<'_, Ledger> {
        self.0.borrow()
    }

    /// Decodes the rest open left, if it still waits.
    pub(super) fn decode_rest(&self) {
        if self.0.borrow().rest_pending() {
            self.0.borrow_mut().decode_rest();
        }
    }
}

/// The ledger refuses a staff call with `STAFF_AUTH_REQUIRED` both when
/// the session is gone and when its role does not cover the act. A session
/// still live after the refusal was refused for its role: the page must say
/// so rather than ask for the PIN again, which would only refuse again.
pub(super) fn staff_refusal(ledger: &Ledger, auth: &Auth, now_ms: i64, error: Error) -> Error {
    match (error, auth) {
        (Error::StaffAuthRequired, Auth::StaffSession(session))
            if ledger.staff_session(session, now_ms).is_ok() =>
        {
            Error::StaffRoleRefused
        }
        (error, _) => error,
    }
}

pub(super) fn storage_error(error: StorageError) -> Error {
    match error {
        StorageError::Full => Error::StorageFull,
        StorageError::Failed(detail) => Error::StorageFailed { detail },
        StorageError::Unavailable => Error::StorageFailed {
            detail: "IndexedDB is unavailable".into(),
        },
        StorageError::Corrupt { seq, detail } => Error::StorageCorrupt { seq, detail },
    }
}

/// The current time, for calls that do not pass one: the only place the
/// shell reads a clock, and the only float in it (a JS timestamp, converted
/// at once to whole milliseconds).
fn clock_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// 16 random bytes from `crypto.getRandomValues`.
pub(super) fn random_bytes() -> Result<[u8; 16], Error> {
    let mut bytes = [0u8; 16];
    let crypto = web_sys::window().and_then(|window| window.crypto().ok());
    match crypto.map(|crypto| crypto.get_random_values_with_u8_array(&mut bytes)) {
        Some(Ok(_)) => Ok(bytes),
        _ => Err(Error::Internal {
            detail: "no crypto.getRandomValues".into(),
        }),
    }
}

/// Runs `future` as a JS promise whose rejection is always a coded Error.
pub(super) fn promise<F>(future: F) -> js_sys::Promise
where
    F: std::future::Future<Output = Result<JsValue, Error>> + 'static,
{
    future_to_promise(async move { future.await.map_err(|error| to_js_error(&error)) })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReadOnlyView {
    code: &'static str,
    reason: Option<String>,
    seq: Option<u64>,
    message: String,
    message_en: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InfoView {
    kiosk_id: String,
    version: &'static str,
    empty: bool,
    village: Option<String>,
    shop: Option<String>,
    time_zone: Option<String>,
    utc_offset_minutes: Option<i32>,
    seq: u64,
    head_hash: String,
    state_hash: String,
    uploaded_through_seq: u64,
    read_only: Option<ReadOnlyView>,
    persisted: Option<bool>,
    /// Whether the whole live journal has been verified (false while the
    /// checkpoint open started from is being proved in the background).
    verified: bool,
    checkpoint_seq: u64,
    archived_through_seq: u64,
}

#[wasm_bindgen]
impl Kiosk {
    /// Opens the kiosk `kioskId`: takes the writer lock (or opens
    /// read-only), reads and verifies the journal, and folds it.
    pub async fn open(options: JsValue) -> Result<Kiosk, JsValue> {
        Kiosk::open_with(options)
            .await
            .map_err(|error| to_js_error(&error))
    }

    /// What the kiosk is: ids, village, head of the journal, read-only state.
    pub fn info(&self) -> JsValue {
        let ledger = self.inner.ledger.borrow_partial();
        let state = ledger.state();
        let kiosk = state.kiosk.as_ref();
        let read_only = ledger.read_only().map(|error| ReadOnlyView {
            code: error.code(),
            reason: match error {
                Error::ReadOnly { reason } => Some(reason.to_string()),
                Error::StorageCorrupt { detail, .. } => Some(detail.clone()),
                _ => None,
            },
            seq: match error {
                Error::StorageCorrupt { seq, .. } => Some(*seq),
                _ => None,
            },
            message: error.message_zh(),
            message_en: error.message_en(),
        });
        to_js(&InfoView {
            kiosk_id: self.inner.kiosk_id.to_string(),
            version: crate::VERSION,
            empty: kiosk.is_none(),
            village: kiosk.map(|k| k.village.to_string()),
            shop: kiosk.map(|k| k.shop.to_string()),
            time_zone: kiosk.map(|k| k.time_zone.to_string()),
            utc_offset_minutes: kiosk.map(|k| k.utc_offset_minutes),
            seq: state.seq,
            head_hash: hex::encode(state.head),
            state_hash: state.state_hash(),
            uploaded_through_seq: state.uploaded_through_seq,
            read_only,
            persisted: self.inner.persisted,
            verified: self.inner.upkeep.verified(),
            checkpoint_seq: self.inner.upkeep.checkpoint_seq.get(),
            archived_through_seq: self.inner.upkeep.base_seq.get(),
        })
    }

    /// A digest of the state: equal on two kiosks that applied the same
    /// journal.
    #[wasm_bindgen(js_name = stateHash)]
    pub fn state_hash(&self) -> String {
        // Households, items, seq and head: none of a checkpoint's rest.
        self.inner.ledger.borrow_partial().state().state_hash()
    }

    /// Every catalogue item, active or not, in the order added.
    pub fn catalog(&self) -> JsValue {
        let ledger = self.inner.ledger.borrow_partial();
        let items: Vec<convert::ItemView> = ledger.state().items.values().map(Into::into).collect();
        to_js(&items)
    }

    /// Every household, in the order registered.
    pub fn households(&self) -> JsValue {
        let ledger = self.inner.ledger.borrow();
        let households: Vec<convert::HouseholdView> =
            ledger.state().households.values().map(Into::into).collect();
        to_js(&households)
    }

    /// One household, or `UNKNOWN_HOUSEHOLD`. A member's card number
    /// finds the member's household, as a scanned card signs in to it.
    pub fn household(&self, code: &str) -> Result<JsValue, JsValue> {
        let ledger = self.inner.ledger.borrow();
        let state = ledger.state();
        let found = convert::household_code(code).ok().and_then(|code| {
            let code = match state.members.card(&code) {
                Some((household, _)) => household.clone(),
                None => code,
            };
            state.household(&code).map(convert::HouseholdView::from)
        });
        match found {
            Some(view) => Ok(to_js(&view)),
            None => Err(to_js_error(&Error::UnknownHousehold {
                household: code.to_string(),
            })),
        }
    }

    /// Prices a basket for a household without changing anything.
    pub fn quote(&self, input: JsValue) -> Result<JsValue, JsValue> {
        let quote = (|| {
            let fields = Fields::of(input, "quote")?;
            let household = fields.string("household")?;
            let lines = fields.list("lines", convert::basket_line)?;
            let household = convert::household_code(&household)?;
            let ledger = self.inner.ledger.borrow();
            ledger.quote(&household, &lines)
        })();
        quote
            .map(|quote| to_js(&convert::QuoteView::from(&quote)))
            .map_err(|e| to_js_error(&e))
    }

    /// Signs a household in with its PIN: `{ household, pin, now }`.
    #[wasm_bindgen(js_name = signIn)]
    pub fn sign_in(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(&self.inner);
        promise(async move {
            let fields = Fields::of(input, "signIn")?;
            let household = fields.string("household")?;
            let pin = fields.string("pin")?;
            let now = fields.integer("now")?;
            // The page's clock (ms since load); tests pass it so a
            // lockout's 5 minutes need no waiting.
            let page_ms = fields.optional_integer("pageMs")?;
            let household = convert::household_code(&household)?;
            let session = crate::ledger::SessionId::new(&hex::encode(random_bytes()?))?;
            let page_ms = page_ms.unwrap_or_else(super::clock::page_clock_ms);
            // A member's card is locked out as its household.
            let locked = super::clock::card_household(&inner, &household);
            let was_locked = super::clock::before_sign_in(&inner, &locked, now, page_ms);
            let operation = Operation::SignIn {
                household,
                pin,
                session,
            };
            let outcome = Inner::run(&inner, Auth::System, operation, now)
                .await
                .map_err(|error| {
                    super::clock::after_refusal(&inner, &locked, was_locked, now, page_ms, error)
                })?;
            match outcome {
                Outcome::SignedIn(session) => {
                    let ledger = inner.ledger.borrow();
                    Ok(to_js(&convert::session_view(&session, ledger.state())))
                }
                _ => Err(Error::Internal {
                    detail: "sign-in answered no session".into(),
                }),
            }
        })
    }

    /// Redeems a basket: `{ session, lines: [{ sku, qty }], requestId, now }`.
    /// A repeated `requestId` answers the first receipt and appends nothing.
    pub fn redeem(&self, input: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(&self.inner);
        promise(async move {
            let session_value = js_sys::Reflect::get(&input, &JsValue::from_str("session"))
                .unwrap_or(JsValue::UNDEFINED);
            let session = convert::session_id(&session_value)?;
            let fields = Fields::of(input, "redeem")?;
            let lines = fields.list("lines", convert::basket_line)?;
            let request = fields.string("requestId")?;
            let now = fields.integer("now")?;
            let operation = Operation::Redeem {
                session,
                lines,
                request: convert::request_id(&request)?,
            };
            match Inner::run(&inner, Auth::System, operation, now).await? {
                Outcome::Receipt(receipt) => Ok(to_js(&convert::ReceiptView::from(&receipt))),
                _ => Err(Error::Internal {
                    detail: "redemption answered no receipt".into(),
                }),
            }
        })
    }

    /// Ends a session (memory only).
    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self, session: JsValue) {
        if let Ok(id) = convert::session_id(&session) {
            self.inner.ledger.borrow_mut().sign_out(&id);
        }
    }

    /// The village points board on the village-local day of `now`: this
    /// quarter's ranking, the stars of the last quarter and last year's
    /// advanced households, each `{ period, lines: [{ rank, household, name,
    /// earned }], sharedLast: null | { rank, count } }`, and `blacklist`
    /// (names, when the village shows it).
    pub fn board(&self, now: JsValue) -> Result<JsValue, JsValue> {
        let result = (|| {
            let now = if now.is_undefined() {
                clock_ms()
            } else {
                convert::integer(&now, "now")?
            };
            let ledger = self.inner.ledger.borrow();
            let state = ledger.state();
            let offset = state
                .kiosk
                .as_ref()
                .map_or(8 * 60, |k| k.utc_offset_minutes);
            let board = crate::board::board(state, crate::calendar::local_date(now, offset));
            Ok(to_js(&convert::BoardView::from(&board)))
        })();
        result.map_err(|error: Error| to_js_error(&error))
    }

    /// Keeps a villager's session alive while the person is busy on the
    /// page (the core ends sessions idle for `sessionIdleMs`). Throws
    /// `SESSION_EXPIRED` when it is already over.
    #[wasm_bindgen(js_name = touchSession)]
    pub fn touch_session(&self, session: JsValue, now: JsValue) -> Result<(), JsValue> {
        let result = (|| {
            let id = convert::session_id(&session)?;
            let now = if now.is_undefined() {
                clock_ms()
            } else {
                convert::integer(&now, "now")?
            };
            self.inner
                .ledger
                .borrow_mut()
                .touch_session(&id, now)
                .map(|_| ())
        })();
        result.map_err(|error: Error| to_js_error(&error))
    }

    /// A signed-in household's history, newest first: every credit,
    /// redemption, void and correction with its running balance.
    pub fn history(&self, session: JsValue, now: JsValue) -> Result<JsValue, JsValue> {
        let result = (|| {
            let household = self.touched_household(session, now)?;
            let ledger = self.inner.ledger.borrow();
            Ok(to_js(&convert::household_history(
                ledger.state(),
                &household,
            )))
        })();
        result.map_err(|error: Error| to_js_error(&error))
    }

    /// The signed-in household's latest redemption that is not voided (nor
    /// one of the demo village's loaded ones), as its receipt (the same view
    /// `redeem` answers), or `null`: the page shows it first when it was
    /// stored but never shown.
    #[wasm_bindgen(js_name = lastRedemption)]
    pub fn last_redemption(&self, session: JsValue, now: JsValue) -> Result<JsValue, JsValue> {
        let result = (|| {
            let household = self.touched_household(session, now)?;
            let ledger = self.inner.ledger.borrow();
            let state = ledger.state();
            // The household's own history is short; the redemptions map is
            // the whole village's. The demo's loaded redemptions never had
            // a receipt to show.
            let demo = crate::demo::redemption_seqs(state);
            let latest = state.household(&household).and_then(|found| {
                found.history.iter().rev().find_map(|line| {
                    let redemption = state.redemptions.get(&line.seq)?;
                    let own = redemption.household == household && !demo.contains(&line.seq);
                    own.then_some(redemption)
                })
            });
            // A voided redemption has nothing to show, nor has one before it.
            let latest = latest
                .filter(|redemption| !redemption.voided)
                .map(|redemption| redemption.seq);
            match latest {
                Some(seq) => Ok(to_js(&convert::ReceiptView::from(
                    &ledger.receipt(seq, false)?,
                ))),
                None => Ok(JsValue::NULL),
            }
        })();
        result.map_err(|error: Error| to_js_error(&error))
    }

    /// Loads the demo village into an empty kiosk: `{ now }` optional.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = loadDemo)]
    pub fn load_demo(&self, options: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(&self.inner);
        promise(async move {
            let now = js_sys::Reflect::get(&options, &JsValue::from_str("now"))
                .ok()
                .filter(|value| !value.is_undefined())
                .map(|value| from_js::<i64>(value, "now"))
                .transpose()?
                .unwrap_or_else(clock_ms);
            let empty = inner.ledger.borrow().state().kiosk.is_none();
            if empty {
                let genesis = Operation::Genesis {
                    kiosk_id: inner.kiosk_id.clone(),
                    village: demo_text("张家村")?,
                    shop: demo_text("张家村爱心超市")?,
                    time_zone: demo_text("Asia/Shanghai")?,
                    utc_offset_minutes: 8 * 60,
                };
                Inner::run(&inner, Auth::System, genesis, now).await?;
            }
            Inner::run(&inner, Auth::System, Operation::LoadDemo, now).await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// The verified journal as NDJSON, one record per line (`{"hash":…,
    /// "entry":…}`), entries `from..=to` (default: all). Works read-only too,
    /// so a journal that failed verification still gives up its verified
    /// prefix.
    #[cfg(feature = "staff")]
    #[wasm_bindgen(js_name = exportJournal)]
    pub fn export_journal(&self, options: JsValue) -> js_sys::Promise {
        let inner = Rc::clone(&self.inner);
        promise(async move {
            let range: convert::RangeInput = if options.is_undefined() || options.is_null() {
                convert::RangeInput::default()
            } else {
                from_js(options, "exportJournal")?
            };
            // In turn with the calls that write and the background upkeep,
            // which take the database for their awaits too.
            let _pass = Gate::enter(&inner.gate).await;
            let last = inner.ledger.borrow().state().seq;
            let (from, to) = (
                range.from.unwrap_or(1).max(1),
                range.to.unwrap_or(last).min(last),
            );
            let records = {
                let lease = DbLease::take(&inner)?;
                lease
                    .db()?
                    .read_journal(from, to)
                    .await
                    .map_err(storage_error)?
            };
            let mut ndjson = String::new();
            for (_, stored) in records {
                let record = journal::StoredRecord::from_bytes(&stored).ok_or_else(|| {
                    Error::StorageFailed {
                        detail: "short record".into(),
                    }
                })?;
                ndjson.push_str(&journal::ndjson_line(&record));
                ndjson.push('\n');
            }
            Ok(JsValue::from_str(&ndjson))
        })
    }

    /// The kiosk id last opened in this browser (from localStorage), to show
    /// something before IndexedDB answers.
    #[wasm_bindgen(js_name = lastKioskId)]
    pub fn last_kiosk_id_js() -> Option<String> {
        Kiosk::last_kiosk_id()
    }

    /// What this browser last knew of a kiosk that held entries (from
    /// localStorage): `{ kioskId, seq }`, or `undefined`. An empty kiosk
    /// whose id is here lost its storage: the first-run page says so.
    #[wasm_bindgen(js_name = hadData)]
    pub fn had_data_js() -> JsValue {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::raw()
            .get_item(HAD_DATA_KEY)
            .ok()
            .flatten()
            .and_then(|text| HadData::from_json(&text).ok())
            .map_or(JsValue::UNDEFINED, |had| to_js(&had))
    }

    /// Releases the writer lock and closes the database; the object refuses
    /// changes at once. The promise resolves when the lock is free for the
    /// next opener.
    pub fn close(&self) -> js_sys::Promise {
        self.inner.closed.set(true);
        super::upkeep::stop_proof(&self.inner);
        if let Some(db) = self.inner.db.borrow_mut().take() {
            db.close();
        }
        self.inner
            .ledger
            .borrow_mut()
            .set_read_only(Error::ReadOnly { reason: "closed" });
        let lock = self.inner.lock.borrow_mut().take();
        promise(async move {
            if let Some(lock) = lock {
                lock.release_and_wait().await;
            }
            Ok(JsValue::UNDEFINED)
        })
    }
}

/// Waits `ms` milliseconds (a timer promise).
pub(super) async fn sleep(ms: i32) {
    let timer = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(timer).await;
}

/// Takes the kiosk's writer lock. A page that reloads may find the old
/// page's lock not yet let go, so a busy lock is asked for again a few
/// times before the kiosk opens read-only.
async fn writer_lock(kiosk_id: &KioskId) -> Result<WriterLock, Error> {
    let name = format!("aixin-kiosk:{kiosk_id}");
    for attempt in 0..4 {
        match acquire_writer_lock(&name).await {
            LockOutcome::Held(lock) => return Ok(lock),
            LockOutcome::Unsupported => {
                return Err(Error::ReadOnly {
                    reason: "insecure_context",
                })
            }
            LockOutcome::HeldElsewhere if attempt < 3 => sleep(150).await,
            LockOutcome::HeldElsewhere => break,
        }
    }
    Err(Error::ReadOnly {
        reason: "other_tab",
    })
}

fn demo_text(value: &str) -> Result<Text, Error> {
    Text::new(value, 40).map_err(|problem| Error::invalid("demo", &problem))
}

impl Kiosk {
    pub(super) fn inner(&self) -> &Rc<Inner> {
        &self.inner
    }

    /// Whether part of the checkpoint open started from still waits to be
    /// decoded (tests; see [`LedgerCell`]).
    pub fn rest_pending(&self) -> bool {
        self.inner.ledger.borrow_partial().rest_pending()
    }

    /// The checkpoint digest of the whole state (tests): any rest is
    /// decoded first, as for every call that reads it.
    pub fn checkpoint_digest(&self) -> crate::entry::Hash {
        crate::checkpoint::digest(self.inner.ledger.borrow().state())
    }

    async fn open_with(options: JsValue) -> Result<Kiosk, Error> {
        let options = convert::OpenOptions::read(options)?;
        let kiosk_id = convert::kiosk_id(&options.kiosk_id)?;
        let defaults = LedgerConfig::default();
        let config = LedgerConfig {
            pin_iterations: options.pin_iterations.unwrap_or(defaults.pin_iterations),
            session_idle_ms: options.session_idle_ms.unwrap_or(defaults.session_idle_ms),
        };
        let lock = writer_lock(&kiosk_id).await;
        let db = KioskDb::open(kiosk_id.as_str())
            .await
            .map_err(storage_error)?;
        let (opened, upkeep) = match super::upkeep::load(&db, &kiosk_id, config).await {
            Ok(loaded) => loaded,
            Err(error) => {
                db.close();
                return Err(error);
            }
        };
        let mut ledger = match opened {
            Ok(ledger) => ledger,
            Err(OpenError::Corrupt { prefix, .. }) if options.allow_corrupt => *prefix,
            Err(OpenError::Corrupt { error, .. }) | Err(OpenError::WrongKiosk(error)) => {
                db.close();
                return Err(error);
            }
        };
        let lock = match lock {
            Ok(lock) => Some(lock),
            Err(reason) => {
                ledger.set_read_only(reason);
                None
            }
        };
        let persisted = request_persistent_storage().await;
        let seq = ledger.state().seq;
        record_had_data(&kiosk_id, seq);
        // A JSON string, as gloo-storage's typed `set` wrote it.
        let _ = <gloo_storage::LocalStorage as gloo_storage::Storage>::raw()
            .set_item(LAST_KIOSK_KEY, &JsonWriter::string(kiosk_id.as_str()));
        let inner = Rc::new(Inner {
            kiosk_id,
            ledger: LedgerCell(RefCell::new(ledger)),
            db: RefCell::new(Some(db)),
            lock: RefCell::new(lock),
            gate: Rc::new(Gate::default()),
            persisted,
            closed: std::cell::Cell::new(false),
            upkeep,
            had_data_recorded: std::cell::Cell::new(seq > 0),
        });
        super::upkeep::schedule(&inner);
        Ok(Kiosk { inner })
    }

    /// The household of a villager's session, kept alive at `now` (the
    /// clock when undefined): the start of every call that reads one
    /// household's own records.
    fn touched_household(
        &self,
        session: JsValue,
        now: JsValue,
    ) -> Result<crate::ids::HouseholdCode, Error> {
        let id = convert::session_id(&session)?;
        let now = if now.is_undefined() {
            clock_ms()
        } else {
            convert::integer(&now, "now")?
        };
        let mut ledger = self.inner.ledger.borrow_mut();
        Ok(ledger.touch_session(&id, now)?.household.clone())
    }

    /// The durability of the last write transaction (tests assert "strict").
    pub fn last_write_durability(&self) -> Option<String> {
        self.inner
            .db
            .borrow()
            .as_ref()
            .and_then(KioskDb::last_transaction_durability)
    }

    /// Makes the next write fail with `error` (tests of a full disk).
    pub fn fail_next_write(&self, error: Option<StorageError>) {
        if let Some(db) = self.inner.db.borrow().as_ref() {
            db.set_fail_next_write(error);
        }
    }

    /// The last kiosk id opened on this browser, from localStorage. It is
    /// stored as a JSON string (gloo-storage's format, `"village-01"`); a
    /// value written bare by an older page (`village-01`) is read as it is.
    /// Whatever it holds is only a candidate: `open` validates it.
    pub fn last_kiosk_id() -> Option<String> {
        use gloo_storage::Storage;
        let raw = gloo_storage::LocalStorage::raw()
            .get_item(LAST_KIOSK_KEY)
            .ok()??;
        let id = JsonReader::read(&raw, JsonReader::string).unwrap_or(raw);
        let id = id.trim();
        (!id.is_empty()).then(|| id.to_string())
    }
}

/// The database, taken out of the kiosk for one await so no `RefCell`
/// borrow is held across it; put back when dropped, or closed if the kiosk
/// was closed meanwhile.
pub(super) struct DbLease<'a> {
    inner: &'a Inner,
    db: Option<KioskDb>,
}

impl<'a> DbLease<'a> {
    pub(super) fn take(inner: &'a Inner) -> Result<DbLease<'a>, Error> {
        match inner.db.borrow_mut().take() {
            Some(db) => Ok(DbLease {
                inner,
                db: Some(db),
            }),
            None => Err(Error::ReadOnly { reason: "closed" }),
        }
    }

    pub(super) fn db(&self) -> Result<&KioskDb, Error> {
        self.db.as_ref().ok_or(Error::ReadOnly { reason: "closed" })
    }
}

impl Drop for DbLease<'_> {
    fn drop(&mut self) {
        let Some(db) = self.db.take() else { return };
        if self.inner.closed.get() {
            db.close();
        } else {
            *self.inner.db.borrow_mut() = Some(db);
        }
    }
}

impl Inner {
    pub(super) fn kiosk_id(&self) -> &KioskId {
        &self.kiosk_id
    }

    pub(super) fn upkeep(&self) -> &super::upkeep::Upkeep {
        &self.upkeep
    }

    pub(super) fn gate(&self) -> &Rc<Gate> {
        &self.gate
    }

    pub(super) fn is_closed(&self) -> bool {
        self.closed.get()
    }

    /// Stores a prepared plan's records, with `meta` beside them, in one
    /// strictly durable transaction, then commits the plan; a failed write
    /// aborts it and changes nothing. The caller holds the gate.
    pub(super) async fn store_and_commit(
        inner: &Rc<Inner>,
        plan: Plan,
        meta: Vec<(String, Vec<u8>)>,
    ) -> Result<Outcome, Error> {
        if !plan.is_empty() || !meta.is_empty() {
            let batch = WriteBatch {
                journal: plan.journal_records(),
                credentials: plan.credential_records(),
                meta,
            };
            let started = super::gate::marks::now();
            let written = async {
                let lease = DbLease::take(inner)?;
                lease.db()?.write(&batch).await.map_err(storage_error)
            }
            .await;
            super::gate::marks::measure_slow("call-store", started);
            if let Err(error) = written {
                inner.ledger.borrow_mut().abort(plan);
                return Err(error);
            }
        }
        let started = super::gate::marks::now();
        let committed = inner.ledger.borrow_mut().commit(plan);
        super::gate::marks::measure_slow("call-commit", started);
        committed
    }

    /// One call: wait for the gate, prepare, store, commit.
    pub(super) async fn run(
        inner: &Rc<Inner>,
        auth: Auth,
        operation: Operation,
        now_ms: i64,
    ) -> Result<Outcome, Error> {
        let _pass = Gate::enter(&inner.gate).await;
        let started = super::gate::marks::now();
        let prepared = inner.ledger.borrow_mut().prepare(&auth, operation, now_ms);
        super::gate::marks::measure_slow("call-prepare", started);
        let plan = prepared
            .map_err(|error| staff_refusal(&inner.ledger.borrow(), &auth, now_ms, error))?;
        let outcome = Inner::store_and_commit(inner, plan, Vec::new()).await;
        if !inner.had_data_recorded.get() {
            let seq = inner.ledger.borrow().state().seq;
            record_had_data(&inner.kiosk_id, seq);
            inner.had_data_recorded.set(seq > 0);
        }
        super::upkeep::schedule(inner);
        outcome
    }
}
