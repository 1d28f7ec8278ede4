//! The kiosk's durable store: a small async wrapper over IndexedDB.
//!
//! One database per kiosk, `aixin-kiosk:{kiosk_id}`, at version 2, with four
//! object stores of out-of-line keys and `Uint8Array` values: `journal`
//! (loose records, keyed by the entry's `seq` as a JS number), `segments`
//! (sealed runs of [`SEGMENT_RECORDS`] records, keyed by their first seq),
//! `credentials` and `meta` (keyed by strings). Every write is one readwrite
//! transaction over all four stores, opened with durability "strict" and
//! acknowledged only on its `complete` event: a journal entry is either
//! stored with the credential and meta records written beside it, or nothing
//! is. Sealing a run puts its segment and deletes its loose records in one
//! such transaction.
//!
//! Events become futures without Rust closures where possible: the resolve
//! and reject functions of a `js_sys::Promise` are attached directly as the
//! request's or transaction's handlers. The one Rust closure, the upgrade
//! handler of `open`, lives only until the open request settles.
//!
//! Nothing here panics: every failure is a [`StorageError`].

use std::cell::Cell;
use std::rc::Rc;

use crate::segment;
use js_sys::{Array, BigInt, Function, Number, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, IdbCursor, IdbCursorDirection, IdbDatabase, IdbFactory, IdbKeyRange,
    IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode,
};

/// The schema version; bump it only with an upgrade step for the old one.
/// Version 2 added the `segments` store (the upgrade creates it; version 1's
/// one-record-per-key `journal` stays readable as it is).
const DATABASE_VERSION: u32 = 2;
const JOURNAL_STORE: &str = "journal";
const CREDENTIALS_STORE: &str = "credentials";
const META_STORE: &str = "meta";
const SEGMENTS_STORE: &str = "segments";
const STORES: [&str; 4] = [JOURNAL_STORE, CREDENTIALS_STORE, META_STORE, SEGMENTS_STORE];

/// Records sealed into one segment: a run of this many loose records is
/// moved into one `segments` value in one transaction (the format is
/// [`crate::segment`]'s).
pub use crate::segment::SEGMENT_RECORDS;

/// The most records one `getAll`/`getAllKeys` request returns, so a huge
/// journal is read in pieces instead of one giant JS array.
pub const READ_CHUNK_RECORDS_MAX: u32 = 10_000;

/// The highest storable seq: 2^53 − 1, the largest integer a JS number (the
/// key type) holds exactly.
pub const SEQ_MAX: u64 = (1 << 53) - 1;

/// Why a storage operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageError {
    /// The quota is exhausted (a QuotaExceededError DOMException, from the
    /// request or the transaction's error/abort).
    Full,
    /// Any other IndexedDB failure; the string is the DOMException name and
    /// message for the logs.
    Failed(String),
    /// IndexedDB is not available at all (e.g. some private modes, or not a
    /// window/worker).
    Unavailable,
    /// A stored value is damaged (a segment whose count or lengths do not
    /// fit its bytes): the records from `seq` on cannot be read.
    Corrupt { seq: u64, detail: String },
}

/// The key-value stores beside the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Credentials,
    Meta,
}

impl Store {
    fn name(self) -> &'static str {
        match self {
            Store::Credentials => CREDENTIALS_STORE,
            Store::Meta => META_STORE,
        }
    }
}

/// Everything one [`KioskDb::write`] stores, atomically.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteBatch {
    /// `(seq, entry bytes)`, each added; an existing seq fails the batch.
    pub journal: Vec<(u64, Vec<u8>)>,
    /// `(key, bytes)`, each put (overwriting).
    pub credentials: Vec<(String, Vec<u8>)>,
    /// `(key, bytes)`, each put (overwriting).
    pub meta: Vec<(String, Vec<u8>)>,
}

/// An open connection to one kiosk's database.
pub struct KioskDb {
    database: IdbDatabase,
    last_durability: Cell<Option<String>>,
    fail_next_write: Cell<Option<StorageError>>,
}

#[wasm_bindgen]
extern "C" {
    /// `Number(value)` called as a function: a BigInt up to 2^53 becomes the
    /// exactly equal number primitive (no float arithmetic on our side).
    #[wasm_bindgen(js_name = Number)]
    fn number_from_bigint(value: &BigInt) -> JsValue;

    /// `IDBDatabase`, seen through the `transaction(names, mode, options)`
    /// overload that web-sys only binds behind its unstable APIs.
    type DatabaseWithOptions;
    #[wasm_bindgen(method, catch, js_name = transaction)]
    fn transaction_with_options(
        this: &DatabaseWithOptions,
        store_names: &Array,
        mode: &str,
        options: &Object,
    ) -> Result<IdbTransaction, JsValue>;

    /// `IDBTransaction`, seen through its `durability` attribute (undefined
    /// where the browser lacks it).
    type TransactionWithDurability;
    #[wasm_bindgen(method, getter)]
    fn durability(this: &TransactionWithDurability) -> JsValue;
}

impl KioskDb {
    /// Opens (creating or upgrading) the database named
    /// `aixin-kiosk:{kiosk_id}` at version 1 with the `journal`,
    /// `credentials` and `meta` object stores.
    pub async fn open(kiosk_id: &str) -> Result<KioskDb, StorageError> {
        let request = factory()?
            .open_with_u32(&database_name(kiosk_id), DATABASE_VERSION)
            .map_err(|exception| unavailable_or(&exception))?;
        let upgrade_error: Rc<Cell<Option<StorageError>>> = Rc::default();
        let on_upgrade = Closure::<dyn FnMut(JsValue)>::new({
            let request = request.clone();
            let upgrade_error = Rc::clone(&upgrade_error);
            move |_event: JsValue| {
                if let Err(error) = create_stores(&request) {
                    upgrade_error.set(Some(error));
                    if let Some(transaction) = request.transaction() {
                        let _ = transaction.abort();
                    }
                }
            }
        });
        request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
        let opened = settle(&request).await;
        request.set_onupgradeneeded(None);
        drop(on_upgrade);
        if let Some(error) = upgrade_error.take() {
            return Err(error);
        }
        let database = opened
            .map_err(|error| match error {
                // Old Firefox private windows refuse every open this way.
                StorageError::Failed(message) if message.starts_with("InvalidStateError") => {
                    StorageError::Unavailable
                }
                other => other,
            })?
            .dyn_into::<IdbDatabase>()
            .map_err(|_| failed("open did not yield an IDBDatabase"))?;
        close_on_version_change(&database);
        Ok(KioskDb {
            database,
            last_durability: Cell::new(None),
            fail_next_write: Cell::new(None),
        })
    }

    /// Every journal record with seq in `[from, to]` (inclusive), in seq
    /// order: first from the sealed segments that hold any of them, then the
    /// loose records of `journal`. Returns `(seq, bytes)`.
    pub async fn read_journal(
        &self,
        from: u64,
        to: u64,
    ) -> Result<Vec<(u64, Vec<u8>)>, StorageError> {
        let to = to.min(SEQ_MAX);
        let from = from.max(1);
        if from > to {
            return Ok(Vec::new());
        }
        let mut records = self.read_segments(from, to).await?;
        let loose_from = records.last().map_or(from, |(seq, _)| seq + 1);
        if loose_from <= to {
            records.extend(self.read_loose(loose_from, to).await?);
        }
        if records.windows(2).any(|pair| pair[0].0 >= pair[1].0) {
            return Err(failed("journal read out of order"));
        }
        Ok(records)
    }

    /// The records in `[from, to]` of the segments that hold any of them.
    async fn read_segments(&self, from: u64, to: u64) -> Result<Vec<(u64, Vec<u8>)>, StorageError> {
        let mut segments = Vec::new();
        // The segment that starts at or before `from`, if any.
        if let Some(segment) = self.segment_before(from).await? {
            segments.push(segment);
        }
        if from < to {
            let range = IdbKeyRange::bound(&seq_key(from + 1)?, &seq_key(to)?)
                .map_err(|exception| error_from_exception(&exception))?;
            let store = self.read_store(SEGMENTS_STORE)?;
            let keys_request = store
                .get_all_keys_with_key(&range)
                .map_err(|exception| error_from_exception(&exception))?;
            let values_request = store
                .get_all_with_key(&range)
                .map_err(|exception| error_from_exception(&exception))?;
            let keys = settle_array(&keys_request).await?;
            let values = settle_array(&values_request).await?;
            segments.extend(zip_records(&keys, &values, key_seq)?);
        }
        let mut records = Vec::new();
        for (first, packed) in segments {
            // Unpacked only as far as `to`: a record cut short further on
            // does not hide the ones before it.
            for (seq, bytes) in segment::unpack_through(first, &packed, to)? {
                if (from..=to).contains(&seq) {
                    records.push((seq, bytes));
                }
            }
        }
        Ok(records)
    }

    /// The segment whose first seq is the greatest at or below `seq`.
    async fn segment_before(&self, seq: u64) -> Result<Option<(u64, Vec<u8>)>, StorageError> {
        let range = IdbKeyRange::upper_bound(&seq_key(seq)?)
            .map_err(|exception| error_from_exception(&exception))?;
        let request = self
            .read_store(SEGMENTS_STORE)?
            .open_cursor_with_range_and_direction(&range, IdbCursorDirection::Prev)
            .map_err(|exception| error_from_exception(&exception))?;
        let cursor = settle(&request).await?;
        if cursor.is_null() || cursor.is_undefined() {
            return Ok(None);
        }
        let cursor = cursor
            .dyn_into::<web_sys::IdbCursorWithValue>()
            .map_err(|_| failed("openCursor did not yield a cursor"))?;
        let key = cursor
            .key()
            .map_err(|exception| error_from_exception(&exception))?;
        let value = cursor
            .value()
            .map_err(|exception| error_from_exception(&exception))?
            .dyn_into::<Uint8Array>()
            .map_err(|_| failed("a segment is not a Uint8Array"))?;
        Ok(Some((key_seq(&key)?, value.to_vec())))
    }

    /// The seq after the last sealed segment (1 when there is none): where
    /// the loose records begin.
    pub async fn segments_end(&self) -> Result<u64, StorageError> {
        match self.segment_before(SEQ_MAX).await? {
            None => Ok(1),
            Some((first, packed)) => Ok(first + segment_count(first, &packed)?),
        }
    }

    /// Seals the loose records `first..first + SEGMENT_RECORDS` into one
    /// segment: reads them, then puts the segment and deletes them in ONE
    /// strict transaction, so a crash leaves either the loose records or
    /// the segment, never both or neither. Returns false (and changes
    /// nothing) when the run is not complete.
    pub async fn seal_segment(&self, first: u64) -> Result<bool, StorageError> {
        let last = first + SEGMENT_RECORDS - 1;
        let records = self.read_loose(first, last).await?;
        let complete = records.len() as u64 == SEGMENT_RECORDS
            && records
                .iter()
                .enumerate()
                .all(|(index, (seq, _))| *seq == first + index as u64);
        if !complete {
            return Ok(false);
        }
        let packed = pack_segment(&records);
        let planned_failure = self.fail_next_write.take();
        self.transact(planned_failure, |store| {
            store(SEGMENTS_STORE)?
                .put_with_key(&Uint8Array::from(packed.as_slice()), &seq_key(first)?)
                .map_err(|exception| error_from_exception(&exception))?;
            let range = IdbKeyRange::bound(&seq_key(first)?, &seq_key(last)?)
                .map_err(|exception| error_from_exception(&exception))?;
            store(JOURNAL_STORE)?
                .delete(&range)
                .map_err(|exception| error_from_exception(&exception))?;
            Ok(())
        })
        .await
        .map(|()| true)
    }

    /// Runs `queue` over the stores of ONE strict readwrite transaction and
    /// waits for it; a queueing error or `planned_failure` aborts it.
    async fn transact(
        &self,
        planned_failure: Option<StorageError>,
        queue: impl FnOnce(
            &dyn Fn(&str) -> Result<IdbObjectStore, StorageError>,
        ) -> Result<(), StorageError>,
    ) -> Result<(), StorageError> {
        let transaction = self.write_transaction()?;
        let store = |name: &str| {
            transaction
                .object_store(name)
                .map_err(|exception| error_from_exception(&exception))
        };
        let queued = queue(&store);
        if queued.is_err() || planned_failure.is_some() {
            let _ = transaction.abort();
        }
        let finished = transaction_finished(&transaction).await;
        queued?;
        match planned_failure {
            Some(error) => Err(error),
            None => finished,
        }
    }

    /// Moves the journal up to `through` out: in ONE strict transaction,
    /// deletes every segment and loose record up to it (a segment across
    /// `through` is put again without its first records) and puts `meta`.
    pub async fn remove_through(
        &self,
        through: u64,
        meta: &[(String, Vec<u8>)],
    ) -> Result<(), StorageError> {
        let straddling = match self.segment_before(through).await? {
            Some((first, packed)) if first + segment_count(first, &packed)? - 1 > through => {
                let kept: Vec<(u64, Vec<u8>)> = unpack_segment(first, &packed)?
                    .into_iter()
                    .filter(|(seq, _)| *seq > through)
                    .collect();
                Some(pack_segment(&kept))
            }
            _ => None,
        };
        self.transact(None, |store| {
            let range = IdbKeyRange::upper_bound(&seq_key(through)?)
                .map_err(|exception| error_from_exception(&exception))?;
            for name in [SEGMENTS_STORE, JOURNAL_STORE] {
                store(name)?
                    .delete(&range)
                    .map_err(|exception| error_from_exception(&exception))?;
            }
            if let Some(packed) = &straddling {
                store(SEGMENTS_STORE)?
                    .put_with_key(&Uint8Array::from(packed.as_slice()), &seq_key(through + 1)?)
                    .map_err(|exception| error_from_exception(&exception))?;
            }
            let meta_store = store(META_STORE)?;
            for (key, bytes) in meta {
                meta_store
                    .put_with_key(&Uint8Array::from(bytes.as_slice()), &JsValue::from_str(key))
                    .map_err(|exception| error_from_exception(&exception))?;
            }
            Ok(())
        })
        .await
    }

    /// One record of `meta` (or `credentials`), if stored.
    pub async fn read_one(&self, store: Store, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let request = self
            .read_store(store.name())?
            .get(&JsValue::from_str(key))
            .map_err(|exception| error_from_exception(&exception))?;
        let value = settle(&request).await?;
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        let bytes = value
            .dyn_into::<Uint8Array>()
            .map_err(|_| failed("a stored value is not a Uint8Array"))?;
        Ok(Some(bytes.to_vec()))
    }

    /// Deletes one record of `meta` in a strict transaction.
    pub async fn delete_meta(&self, key: &str) -> Result<(), StorageError> {
        self.transact(None, |store| {
            store(META_STORE)?
                .delete(&JsValue::from_str(key))
                .map(|_| ())
                .map_err(|exception| error_from_exception(&exception))
        })
        .await
    }

    /// The loose (not yet sealed) records of `journal` in `[from, to]`, read
    /// with `getAllKeys`/`getAll` over a key range, at most
    /// [`READ_CHUNK_RECORDS_MAX`] records per request.
    pub async fn read_loose(
        &self,
        from: u64,
        to: u64,
    ) -> Result<Vec<(u64, Vec<u8>)>, StorageError> {
        let mut next = from.max(1);
        let mut records = Vec::new();
        while next <= to {
            let chunk = self.read_journal_chunk(next, to).await?;
            let full = chunk.len() == READ_CHUNK_RECORDS_MAX as usize;
            let last = chunk.last().map(|(seq, _)| *seq);
            for (seq, bytes) in chunk {
                if seq < next
                    || seq > to
                    || records.last().is_some_and(|(previous, _)| *previous >= seq)
                {
                    return Err(failed(&format!("journal read out of order at seq {seq}")));
                }
                records.push((seq, bytes));
            }
            match last {
                Some(last) if full => next = last + 1,
                _ => break,
            }
        }
        Ok(records)
    }

    /// One request pair of [`read_journal`](Self::read_journal), in its own
    /// readonly transaction (the journal is append-only, so chunks read in
    /// separate transactions still join into a consistent prefix).
    async fn read_journal_chunk(
        &self,
        from: u64,
        to: u64,
    ) -> Result<Vec<(u64, Vec<u8>)>, StorageError> {
        let range = IdbKeyRange::bound(&seq_key(from)?, &seq_key(to)?)
            .map_err(|exception| error_from_exception(&exception))?;
        let store = self.read_store(JOURNAL_STORE)?;
        let keys_request = store
            .get_all_keys_with_key_and_limit(&range, READ_CHUNK_RECORDS_MAX)
            .map_err(|exception| error_from_exception(&exception))?;
        let values_request = store
            .get_all_with_key_and_limit(&range, READ_CHUNK_RECORDS_MAX)
            .map_err(|exception| error_from_exception(&exception))?;
        let keys = settle_array(&keys_request).await?;
        let values = settle_array(&values_request).await?;
        zip_records(&keys, &values, key_seq)
    }

    /// The lowest seq stored (in a segment or loose), or 0 when the journal
    /// is empty: after an archive, the seq after the one the base stands for.
    pub async fn first_seq(&self) -> Result<u64, StorageError> {
        let mut first = 0;
        for name in [SEGMENTS_STORE, JOURNAL_STORE] {
            let request = self
                .read_store(name)?
                .open_key_cursor()
                .map_err(|exception| error_from_exception(&exception))?;
            let cursor = settle(&request).await?;
            if cursor.is_null() || cursor.is_undefined() {
                continue;
            }
            let key = cursor
                .dyn_into::<IdbCursor>()
                .map_err(|_| failed("openKeyCursor did not yield a cursor"))?
                .key()
                .map_err(|exception| error_from_exception(&exception))?;
            let seq = key_seq(&key)?;
            if first == 0 || seq < first {
                first = seq;
            }
        }
        Ok(first)
    }

    /// The highest seq stored, or 0 when the journal is empty: the last
    /// loose record, else the end of the last segment.
    pub async fn last_seq(&self) -> Result<u64, StorageError> {
        match self.last_loose_seq().await? {
            0 => Ok(self.segments_end().await? - 1),
            seq => Ok(seq),
        }
    }

    /// The highest loose seq, or 0: the first key of a key cursor opened in
    /// direction "prev".
    async fn last_loose_seq(&self) -> Result<u64, StorageError> {
        let request = self
            .read_store(JOURNAL_STORE)?
            .open_key_cursor_with_range_and_direction(&JsValue::NULL, IdbCursorDirection::Prev)
            .map_err(|exception| error_from_exception(&exception))?;
        let cursor = settle(&request).await?;
        if cursor.is_null() || cursor.is_undefined() {
            return Ok(0);
        }
        let cursor = cursor
            .dyn_into::<IdbCursor>()
            .map_err(|_| failed("openKeyCursor did not yield a cursor"))?;
        let key = cursor
            .key()
            .map_err(|exception| error_from_exception(&exception))?;
        key_seq(&key)
    }

    /// All records of `credentials` (or `meta`) as `(key, bytes)`, in key order.
    pub async fn read_all(&self, store: Store) -> Result<Vec<(String, Vec<u8>)>, StorageError> {
        let object_store = self.read_store(store.name())?;
        let keys_request = object_store
            .get_all_keys()
            .map_err(|exception| error_from_exception(&exception))?;
        let values_request = object_store
            .get_all()
            .map_err(|exception| error_from_exception(&exception))?;
        let keys = settle_array(&keys_request).await?;
        let values = settle_array(&values_request).await?;
        zip_records(&keys, &values, |key| {
            key.as_string().ok_or_else(|| {
                failed(&format!(
                    "{} holds a key that is not a string",
                    store.name()
                ))
            })
        })
    }

    /// Stores `batch` in ONE readwrite transaction over the three stores,
    /// opened with durability "strict": `add` for each journal record (an
    /// existing seq fails the whole transaction), `put` for each credential
    /// and meta record. Resolves only on the transaction's `complete` event;
    /// on `error`/`abort` nothing is stored and the result is `Err` (`Full`
    /// for a QuotaExceededError).
    pub async fn write(&self, batch: &WriteBatch) -> Result<(), StorageError> {
        match self.write_or_give_way(batch, |_| {}).await? {
            true => Ok(()),
            false => Err(failed("AbortError: the transaction was aborted")),
        }
    }

    /// [`write`](Self::write) for work that can wait: `hand_abort` gets the
    /// transaction's `abort`, to call when something more urgent needs the
    /// database. `Ok(false)` when it was called in time: nothing is stored,
    /// as after a crash before the commit. Called too late, it does nothing
    /// and the write completes.
    pub async fn write_or_give_way(
        &self,
        batch: &WriteBatch,
        hand_abort: impl FnOnce(Function),
    ) -> Result<bool, StorageError> {
        let journal = batch
            .journal
            .iter()
            .map(|(seq, bytes)| Ok((seq_key(*seq)?, bytes)))
            .collect::<Result<Vec<_>, StorageError>>()?;
        let planned_failure = self.fail_next_write.take();
        let transaction = self.write_transaction()?;
        self.last_durability.set(
            transaction
                .unchecked_ref::<TransactionWithDurability>()
                .durability()
                .as_string(),
        );
        let queued = queue_writes(&transaction, &journal, batch);
        if queued.is_err() || planned_failure.is_some() {
            // Requests already queued are undone; the abort event still
            // comes, and we wait for it so nothing is in flight on return.
            let _ = transaction.abort();
        } else if let Ok(abort) = Reflect::get(&transaction, &JsValue::from_str("abort")) {
            if let Ok(abort) = abort.dyn_into::<Function>() {
                hand_abort(abort.bind0(&transaction));
            }
        }
        let finished = transaction_finished(&transaction).await;
        queued?;
        match (planned_failure, finished) {
            (Some(error), _) => Err(error),
            (None, Ok(())) => Ok(true),
            // An abort without an error is one asked for by `abort()`:
            // here only the handed-out one.
            (None, Err(_)) if transaction.error().is_none() => Ok(false),
            (None, Err(error)) => Err(error),
        }
    }

    /// Closes the connection; later calls on this value fail with `Failed`.
    pub fn close(&self) {
        self.database.set_onversionchange(None);
        self.database.close();
    }

    /// Deletes the whole database `aixin-kiosk:{kiosk_id}` (tests and the
    /// "start over" path). Waits while another connection still has it open;
    /// connections opened by [`KioskDb::open`] close themselves when asked.
    pub async fn delete(kiosk_id: &str) -> Result<(), StorageError> {
        let request = factory()?
            .delete_database(&database_name(kiosk_id))
            .map_err(|exception| unavailable_or(&exception))?;
        settle(&request).await.map(|_| ())
    }

    /// The `durability` attribute read back from the most recent write
    /// transaction ("strict" where the browser honours the option), or
    /// `None` before the first write or where the attribute is missing.
    pub fn last_transaction_durability(&self) -> Option<String> {
        let durability = self.last_durability.take();
        self.last_durability.set(durability.clone());
        durability
    }

    /// Test hook: makes the next [`write`](Self::write) (or
    /// [`seal_segment`](Self::seal_segment)) queue its requests,
    /// abort the transaction (so nothing lands) and return `error`.
    /// `None` clears a pending failure.
    pub fn set_fail_next_write(&self, error: Option<StorageError>) {
        self.fail_next_write.set(error);
    }

    fn read_store(&self, name: &str) -> Result<IdbObjectStore, StorageError> {
        self.database
            .transaction_with_str_and_mode(name, IdbTransactionMode::Readonly)
            .and_then(|transaction| transaction.object_store(name))
            .map_err(|exception| error_from_exception(&exception))
    }

    fn write_transaction(&self) -> Result<IdbTransaction, StorageError> {
        let store_names = Array::new();
        for name in STORES {
            store_names.push(&JsValue::from_str(name));
        }
        let options = Object::new();
        Reflect::set(
            &options,
            &JsValue::from_str("durability"),
            &JsValue::from_str("strict"),
        )
        .map_err(|exception| error_from_exception(&exception))?;
        self.database
            .unchecked_ref::<DatabaseWithOptions>()
            .transaction_with_options(&store_names, "readwrite", &options)
            .map_err(|exception| error_from_exception(&exception))
    }
}

fn database_name(kiosk_id: &str) -> String {
    format!("aixin-kiosk:{kiosk_id}")
}

/// The global `indexedDB` of a window or worker.
fn factory() -> Result<IdbFactory, StorageError> {
    // Reading `indexedDB` itself throws a SecurityError in some sandboxes.
    let value = Reflect::get(&js_sys::global(), &JsValue::from_str("indexedDB"))
        .map_err(|_| StorageError::Unavailable)?;
    if value.is_undefined() || value.is_null() {
        return Err(StorageError::Unavailable);
    }
    value
        .dyn_into::<IdbFactory>()
        .map_err(|_| StorageError::Unavailable)
}

/// Runs inside `upgradeneeded`: creates whichever stores are missing.
fn create_stores(request: &IdbOpenDbRequest) -> Result<(), StorageError> {
    let database = request
        .result()
        .map_err(|exception| error_from_exception(&exception))?
        .dyn_into::<IdbDatabase>()
        .map_err(|_| failed("upgradeneeded without an IDBDatabase"))?;
    let existing = database.object_store_names();
    for name in STORES {
        if !existing.contains(name) {
            database
                .create_object_store(name)
                .map_err(|exception| error_from_exception(&exception))?;
        }
    }
    Ok(())
}

/// Lets another tab's delete (or a future upgrade) proceed instead of being
/// blocked by this connection: `db.onversionchange = db.close.bind(db)`.
fn close_on_version_change(database: &IdbDatabase) {
    let close = Reflect::get(database, &JsValue::from_str("close"))
        .ok()
        .and_then(|close| close.dyn_into::<Function>().ok());
    if let Some(close) = close {
        database.set_onversionchange(Some(&close.bind0(database)));
    }
}

/// Queues every request of `batch` on `transaction`; stops at the first
/// request the browser refuses synchronously.
fn queue_writes(
    transaction: &IdbTransaction,
    journal: &[(JsValue, &Vec<u8>)],
    batch: &WriteBatch,
) -> Result<(), StorageError> {
    let object_store = |name: &str| {
        transaction
            .object_store(name)
            .map_err(|exception| error_from_exception(&exception))
    };
    let journal_store = object_store(JOURNAL_STORE)?;
    for (key, bytes) in journal {
        journal_store
            .add_with_key(&Uint8Array::from(bytes.as_slice()), key)
            .map_err(|exception| error_from_exception(&exception))?;
    }
    for (name, records) in [
        (CREDENTIALS_STORE, &batch.credentials),
        (META_STORE, &batch.meta),
    ] {
        let store = object_store(name)?;
        for (key, bytes) in records {
            store
                .put_with_key(&Uint8Array::from(bytes.as_slice()), &JsValue::from_str(key))
                .map_err(|exception| error_from_exception(&exception))?;
        }
    }
    Ok(())
}

/// Waits for a request's `success` (its result) or `error` (its error).
async fn settle(request: &IdbRequest) -> Result<JsValue, StorageError> {
    let promise = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request
            .result()
            .map_err(|exception| error_from_exception(&exception)),
        Err(_) => Err(match request.error() {
            Ok(Some(exception)) => error_from_dom(&exception),
            Ok(None) => failed("request failed without an error"),
            Err(exception) => error_from_exception(&exception),
        }),
    }
}

async fn settle_array(request: &IdbRequest) -> Result<Array, StorageError> {
    settle(request)
        .await?
        .dyn_into::<Array>()
        .map_err(|_| failed("getAll did not yield an array"))
}

/// Waits for a transaction's `complete` (Ok) or `abort` (its error).
async fn transaction_finished(transaction: &IdbTransaction) -> Result<(), StorageError> {
    let promise = Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onabort(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    transaction.set_oncomplete(None);
    transaction.set_onabort(None);
    match outcome {
        Ok(_) => Ok(()),
        Err(_) => Err(match transaction.error() {
            Some(exception) => error_from_dom(&exception),
            None => failed("AbortError: the transaction was aborted"),
        }),
    }
}

/// Pairs the arrays of one `getAllKeys`/`getAll` pair into records.
fn zip_records<K>(
    keys: &Array,
    values: &Array,
    key_of: impl Fn(&JsValue) -> Result<K, StorageError>,
) -> Result<Vec<(K, Vec<u8>)>, StorageError> {
    if keys.length() != values.length() {
        return Err(failed("getAllKeys and getAll disagree on the record count"));
    }
    keys.iter()
        .zip(values.iter())
        .map(|(key, value)| {
            let bytes = value
                .dyn_into::<Uint8Array>()
                .map_err(|_| failed("a stored value is not a Uint8Array"))?;
            Ok((key_of(&key)?, bytes.to_vec()))
        })
        .collect()
}

fn pack_segment(records: &[(u64, Vec<u8>)]) -> Vec<u8> {
    segment::pack(records)
}

fn segment_count(first: u64, packed: &[u8]) -> Result<u64, StorageError> {
    segment::count(first, packed).map_err(StorageError::from)
}

/// The records of the segment that starts at `first`; a damaged one is
/// [`StorageError::Corrupt`] at the first seq it cannot give.
fn unpack_segment(first: u64, packed: &[u8]) -> Result<Vec<(u64, Vec<u8>)>, StorageError> {
    segment::unpack(first, packed).map_err(StorageError::from)
}

impl From<segment::Damaged> for StorageError {
    fn from(damaged: segment::Damaged) -> StorageError {
        StorageError::Corrupt {
            seq: damaged.seq,
            detail: damaged.detail,
        }
    }
}

/// The journal key of `seq`: a JS number, exact for every seq in `1..=SEQ_MAX`.
fn seq_key(seq: u64) -> Result<JsValue, StorageError> {
    if seq == 0 || seq > SEQ_MAX {
        return Err(failed(&format!("seq {seq} is outside 1..={SEQ_MAX}")));
    }
    Ok(number_from_bigint(&BigInt::from(seq)))
}

/// The seq of a journal key, refusing anything but a safe non-negative integer.
fn key_seq(key: &JsValue) -> Result<u64, StorageError> {
    let not_a_seq = || failed("the journal holds a key that is not a seq");
    if !Number::is_safe_integer(key) {
        return Err(not_a_seq());
    }
    let big = BigInt::new(key).map_err(|_| not_a_seq())?;
    u64::try_from(big).map_err(|_| not_a_seq())
}

fn failed(message: &str) -> StorageError {
    StorageError::Failed(message.to_string())
}

fn error_from_dom(exception: &DomException) -> StorageError {
    let name = exception.name();
    if name == "QuotaExceededError" {
        return StorageError::Full;
    }
    StorageError::Failed(format!("{name}: {}", exception.message()))
}

fn error_from_exception(exception: &JsValue) -> StorageError {
    if let Some(dom) = exception.dyn_ref::<DomException>() {
        return error_from_dom(dom);
    }
    if let Some(error) = exception.dyn_ref::<js_sys::Error>() {
        return StorageError::Failed(format!(
            "{}: {}",
            String::from(error.name()),
            String::from(error.message())
        ));
    }
    StorageError::Failed(format!("{exception:?}"))
}

/// A SecurityError from `open`/`deleteDatabase` means IndexedDB is off here.
fn unavailable_or(exception: &JsValue) -> StorageError {
    match error_from_exception(exception) {
        StorageError::Failed(message) if message.starts_with("SecurityError") => {
            StorageError::Unavailable
        }
        other => other,
    }
}
