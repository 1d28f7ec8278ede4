//! Checkpoints, segments and archives over real IndexedDB in headless
//! Chromium: a journal stored one record per key (the layout of the kiosks in
//! the field) opens, is sealed into segments and checkpointed; reopening from
//! the checkpoint gives the same state; a damaged or forged checkpoint is
//! caught; an archive moves uploaded entries out and later exports still
//! chain to it.
#![cfg(target_arch = "wasm32")]

mod common;

use aixin_kiosk::checkpoint;
use aixin_kiosk::web::idb::{KioskDb, Store, WriteBatch};
use aixin_kiosk::web::Kiosk;
use common::web::{finish, get, js, old_layout, open, settle, with_staff};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn number(value: &JsValue, key: &str) -> u64 {
    get(value, key).as_f64().unwrap_or_else(|| panic!("{key}")) as u64
}

#[wasm_bindgen_test]
async fn an_old_journal_is_sealed_checkpointed_and_reopens_from_the_checkpoint() {
    let id = common::KIOSK;
    let core = old_layout(id, 1_150).await;
    let expected_hash = core.ledger.state().state_hash();
    let last = core.ledger.state().seq;

    let kiosk = open(id).await;
    assert_eq!(kiosk.state_hash(), expected_hash);
    settle(kiosk.when_idle()).await.unwrap();
    let info = kiosk.info();
    assert_eq!(number(&info, "checkpointSeq"), last);
    assert_eq!(get(&info, "verified"), JsValue::TRUE);
    settle(kiosk.close()).await.unwrap();

    // Sealed: two full segments, the rest loose; every record still reads.
    let db = KioskDb::open(id).await.unwrap();
    assert_eq!(db.segments_end().await.unwrap(), 1_001);
    assert_eq!(db.last_seq().await.unwrap(), last);
    assert_eq!(
        db.read_journal(1, u64::MAX).await.unwrap(),
        core.store.records()
    );
    assert_eq!(
        db.read_journal(499, 502).await.unwrap(),
        core.store.records()[498..502]
    );
    let stored = db
        .read_one(Store::Meta, "checkpoint")
        .await
        .unwrap()
        .unwrap();
    db.close();
    assert_eq!(
        checkpoint::decode(&stored).unwrap().claim.state_hash,
        expected_hash
    );

    // From the checkpoint: the same state, proved in the background.
    let kiosk = open(id).await;
    assert_eq!(kiosk.state_hash(), expected_hash);
    assert_eq!(settle(kiosk.when_verified()).await.unwrap(), JsValue::TRUE);
    assert!(get(&kiosk.info(), "readOnly").is_null());
    finish(kiosk, id).await;
}

/// Signs the admin in; answers a maker of call inputs carrying the session.
async fn admin_input(kiosk: &Kiosk, now: i64) -> impl Fn(serde_json::Value) -> JsValue {
    let staff =
        settle(kiosk.staff_sign_in(js(json!({ "staff": "admin", "pin": "0000", "now": now }))))
            .await
            .unwrap();
    let staff_id = get(&staff, "id");
    move |value: serde_json::Value| with_staff(&staff_id, value)
}

async fn put_checkpoint(id: &str, bytes: Vec<u8>) {
    let db = KioskDb::open(id).await.unwrap();
    db.write(&WriteBatch {
        meta: vec![("checkpoint".into(), bytes)],
        ..WriteBatch::default()
    })
    .await
    .unwrap();
    db.close();
}

#[wasm_bindgen_test]
async fn a_damaged_or_forged_checkpoint_is_caught() {
    let id = common::KIOSK;
    let core = old_layout(id, 1_050).await;
    let honest = core.ledger.state().clone();
    let expected_hash = honest.state_hash();

    // A flipped bit: the checkpoint is ignored and the journal verified whole.
    let mut damaged = checkpoint::encode(&honest);
    damaged[200] ^= 1;
    put_checkpoint(id, damaged).await;
    let kiosk = open(id).await;
    assert_eq!(kiosk.state_hash(), expected_hash);
    assert_eq!(get(&kiosk.info(), "verified"), JsValue::TRUE);
    settle(kiosk.close()).await.unwrap();

    let mut forged = honest.clone();
    let household = forged.households.values_mut().next().unwrap();
    household.balance = household
        .balance
        .checked_add(common::points("1000"))
        .unwrap();

    // A forged state that decodes well under the honest checkpoint's hash:
    // open decodes while the browser hashes, and must still drop it.
    let mut unhashed = checkpoint::encode(&forged);
    let honest_bytes = checkpoint::encode(&honest);
    let split = unhashed.len() - 32;
    unhashed[split..].copy_from_slice(&honest_bytes[honest_bytes.len() - 32..]);
    put_checkpoint(id, unhashed).await;
    let kiosk = open(id).await;
    assert_eq!(kiosk.state_hash(), expected_hash);
    assert_eq!(get(&kiosk.info(), "verified"), JsValue::TRUE);
    settle(kiosk.close()).await.unwrap();

    // A forged one, its own hash recomputed: open trusts it at first, the
    // background proof refuses it, the kiosk turns read-only and the
    // checkpoint is dropped, so the next open verifies everything.
    put_checkpoint(id, checkpoint::encode(&forged)).await;
    let kiosk = open(id).await;
    assert_ne!(kiosk.state_hash(), expected_hash);
    assert_eq!(settle(kiosk.when_verified()).await.unwrap(), JsValue::FALSE);
    let read_only = get(&kiosk.info(), "readOnly");
    assert_eq!(
        get(&read_only, "code").as_string().unwrap(),
        "STORAGE_CORRUPT"
    );
    assert_eq!(number(&read_only, "seq"), honest.seq);
    settle(kiosk.close()).await.unwrap();
    let kiosk = open(id).await;
    assert_eq!(kiosk.state_hash(), expected_hash);
    assert!(get(&kiosk.info(), "readOnly").is_null());
    finish(kiosk, id).await;
}

/// Open answers before a format 7 checkpoint's credits, redemptions and
/// history lines are decoded: the info, the state hash and the catalogue
/// read none of them; the next task decodes them unasked, and any call
/// that reads them decodes them first; the state is then the honest one.
#[wasm_bindgen_test]
async fn open_answers_before_the_rest_of_its_checkpoint_and_every_call_sees_it_whole() {
    let id = common::KIOSK;
    let core = old_layout(id, 1_050).await;
    let honest = core.ledger.state().clone();
    put_checkpoint(id, checkpoint::encode(&honest)).await;

    let kiosk = open(id).await;
    assert!(kiosk.rest_pending());
    let info = kiosk.info();
    assert_eq!(number(&info, "seq"), honest.seq);
    assert_eq!(number(&info, "checkpointSeq"), honest.seq);
    assert!(get(&info, "readOnly").is_null());
    assert_eq!(kiosk.state_hash(), honest.state_hash());
    assert!(kiosk.catalog().is_array());
    assert!(kiosk.rest_pending(), "none of these read the rest");
    // The next task, unasked.
    settle(kiosk.when_idle()).await.unwrap();
    assert!(!kiosk.rest_pending());
    assert_eq!(kiosk.checkpoint_digest(), checkpoint::digest(&honest));
    settle(kiosk.close()).await.unwrap();

    // A call that reads it, before that task.
    let kiosk = open(id).await;
    assert!(kiosk.rest_pending());
    assert_eq!(kiosk.checkpoint_digest(), checkpoint::digest(&honest));
    assert!(!kiosk.rest_pending());
    assert_eq!(settle(kiosk.when_verified()).await.unwrap(), JsValue::TRUE);
    finish(kiosk, id).await;
}

#[wasm_bindgen_test]
async fn an_archive_moves_uploaded_entries_out_and_later_batches_chain_to_it() {
    let id = common::KIOSK;
    let core = old_layout(id, 700).await;
    let now = core.now + 60_000;
    let kiosk = open(id).await;
    settle(kiosk.when_idle()).await.unwrap();
    let input = admin_input(&kiosk, now).await;
    // Nothing uploaded yet: nothing may be archived.
    let refused = settle(kiosk.archive(input(json!({ "now": now }))))
        .await
        .unwrap_err();
    assert_eq!(get(&refused, "code").as_string().unwrap(), "INVALID_INPUT");

    let batch = settle(kiosk.export_batch(input(json!({ "now": now, "range": "everything" }))))
        .await
        .unwrap();
    let uploaded = number(&batch, "lastSeq");
    settle(kiosk.mark_uploaded(input(
        json!({ "now": now, "lastSeq": uploaded, "requestId": "upload-1" }),
    )))
    .await
    .unwrap();
    let hash_before = kiosk.state_hash();
    let archived = settle(kiosk.archive(input(json!({ "now": now, "throughSeq": 600 }))))
        .await
        .unwrap();
    assert_eq!(number(&archived, "firstSeq"), 1);
    assert_eq!(number(&archived, "throughSeq"), 600);
    let text = get(&archived, "text").as_string().unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 600);
    let expected: Vec<String> = core.store.records()[..600]
        .iter()
        .map(|(_, bytes)| {
            aixin_kiosk::journal::ndjson_line(
                &aixin_kiosk::journal::StoredRecord::from_bytes(bytes).unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, expected);
    let head_600 = get(&archived, "headHash").as_string().unwrap();
    assert_eq!(head_600, &lines[599][9..73]);
    // The archive is itself an entry, vouching for the base.
    assert_ne!(kiosk.state_hash(), hash_before);
    let hash_before = kiosk.state_hash();
    let last = number(&kiosk.info(), "seq");
    assert_eq!(last, uploaded + 2, "the mark and the archive");
    settle(kiosk.close()).await.unwrap();

    // Gone from the live journal; the kiosk opens to the same state and
    // exports of what follows chain to the archived head.
    let db = KioskDb::open(id).await.unwrap();
    assert_eq!(db.read_journal(1, 600).await.unwrap(), vec![]);
    assert_eq!(db.read_journal(601, 601).await.unwrap().len(), 1);
    db.close();
    let kiosk = open(id).await;
    assert_eq!(kiosk.state_hash(), hash_before);
    assert_eq!(settle(kiosk.when_verified()).await.unwrap(), JsValue::TRUE);
    assert_eq!(number(&kiosk.info(), "archivedThroughSeq"), 600);
    let admin = admin_input(&kiosk, now + 1000).await;
    let input = admin(json!({ "now": now + 1000, "range": { "from": 601, "to": uploaded } }));
    let later = settle(kiosk.export_batch(input)).await.unwrap();
    let files = js_sys::Array::from(&get(&later, "files"));
    let manifest = files
        .iter()
        .find(|file| get(file, "name").as_string().unwrap() == "manifest.json")
        .unwrap();
    let manifest: serde_json::Value =
        serde_json::from_str(&get(&manifest, "text").as_string().unwrap()).unwrap();
    assert_eq!(manifest["prev_hash"], json!(head_600));
    let everything = admin(json!({ "now": now + 1000, "range": { "from": 1, "to": last } }));
    assert!(settle(kiosk.export_batch(everything)).await.is_err());
    // Reports read on from the archived state: the stock report, and a
    // household's statement with every line, archived ones included, that
    // runs to its live balance.
    let report = |value: serde_json::Value| settle(kiosk.report(admin(value)));
    let stock = report(json!({ "now": now + 1000, "kind": "stock" }))
        .await
        .unwrap();
    assert_eq!(
        number(&get(&stock, "source"), "seq"),
        number(&kiosk.info(), "seq")
    );
    let household = get(&js_sys::Array::from(&kiosk.households()).get(0), "code")
        .as_string()
        .unwrap();
    let statement =
        report(json!({ "now": now + 1000, "kind": "statement", "household": household }))
            .await
            .unwrap();
    assert_eq!(
        get(&statement, "closing").as_string().unwrap(),
        get(&kiosk.household(&household).unwrap(), "balance")
            .as_string()
            .unwrap()
    );
    finish(kiosk, id).await;
}

#[wasm_bindgen_test]
async fn an_archive_base_edited_and_re_hashed_is_caught_by_the_archived_entry() {
    let id = common::KIOSK;
    let core = old_layout(id, 300).await;
    let now = core.now + 60_000;
    let kiosk = open(id).await;
    settle(kiosk.when_idle()).await.unwrap();
    let input = admin_input(&kiosk, now).await;
    let uploaded = number(&kiosk.info(), "seq");
    settle(kiosk.mark_uploaded(input(
        json!({ "now": now, "lastSeq": uploaded, "requestId": "upload-1" }),
    )))
    .await
    .unwrap();
    settle(kiosk.archive(input(json!({ "now": now, "throughSeq": 200 }))))
        .await
        .unwrap();
    let honest = kiosk.state_hash();
    settle(kiosk.close()).await.unwrap();
    // The archived entry follows the base in the live journal.
    let db = KioskDb::open(id).await.unwrap();
    let base_bytes = db
        .read_one(Store::Meta, "archive-base")
        .await
        .unwrap()
        .unwrap();
    let tail = db.read_journal(201, u64::MAX >> 1).await.unwrap();
    let (_, last) = tail.last().unwrap();
    let record = aixin_kiosk::journal::StoredRecord::from_bytes(last).unwrap();
    let entry = aixin_kiosk::entry::Entry::decode(&record.bytes).unwrap();
    let base = checkpoint::decode(&base_bytes).unwrap();
    assert_eq!(
        entry.body,
        aixin_kiosk::entry::Body::Archived {
            through_seq: 200,
            head: hex::encode(base.claim.head),
            state_hash: base.state.state_hash(),
        }
    );
    // Reopened as stored: the same state.
    db.close();
    let kiosk = open(id).await;
    assert_eq!(kiosk.state_hash(), honest);
    assert!(get(&kiosk.info(), "readOnly").is_null());
    settle(kiosk.close()).await.unwrap();

    // A balance in the base edited and the base re-hashed (its own hash is
    // right), the checkpoint that would betray it deleted: open refuses
    // the base, read-only with STORAGE_CORRUPT and the ways back.
    let mut forged = base.state.clone();
    let household = forged.households.values_mut().next().unwrap();
    household.balance = household
        .balance
        .checked_add(common::points("1000"))
        .unwrap();
    let db = KioskDb::open(id).await.unwrap();
    db.delete_meta("checkpoint").await.unwrap();
    db.write(&WriteBatch {
        meta: vec![("archive-base".into(), checkpoint::encode(&forged))],
        ..WriteBatch::default()
    })
    .await
    .unwrap();
    db.close();
    let refused = Kiosk::open(js(json!({ "kioskId": id, "pinIterations": 10 })))
        .await
        .err()
        .expect("a forged base is refused");
    assert_eq!(
        get(&refused, "code").as_string().unwrap(),
        "STORAGE_CORRUPT"
    );
    // As the page opens it: read-only, with the ways back.
    let kiosk = Kiosk::open(js(
        json!({ "kioskId": id, "pinIterations": 10, "allowCorrupt": true }),
    ))
    .await
    .unwrap();
    let read_only = get(&kiosk.info(), "readOnly");
    assert_eq!(
        get(&read_only, "code").as_string().unwrap(),
        "STORAGE_CORRUPT"
    );
    finish(kiosk, id).await;
}

/// A kiosk archived by a build from before archives were entries in the
/// chain has a base and no `archived` entry after it: it opens as it did,
/// the base trusted on its own hash, instead of turning read-only on the
/// first start of a new build.
#[wasm_bindgen_test]
async fn a_base_archived_before_archived_entries_existed_still_opens() {
    let id = common::KIOSK;
    let core = old_layout(id, 300).await;
    let records = core.store.records();
    let mut replay =
        aixin_kiosk::journal::Replay::from_genesis(&aixin_kiosk::ids::KioskId::new(id).unwrap());
    replay.feed(&records[..200]).unwrap();
    let base = checkpoint::encode(replay.state());
    let db = KioskDb::open(id).await.unwrap();
    db.remove_through(200, &[("archive-base".into(), base)])
        .await
        .unwrap();
    assert_eq!(db.first_seq().await.unwrap(), 201);
    db.close();
    let kiosk = open(id).await;
    assert!(get(&kiosk.info(), "readOnly").is_null());
    assert_eq!(kiosk.state_hash(), core.ledger.state().state_hash());
    finish(kiosk, id).await;
}

#[wasm_bindgen_test]
async fn a_seal_cut_off_midway_leaves_the_loose_records_and_seals_later() {
    let id = common::KIOSK;
    let core = old_layout(id, 600).await;
    let records = core.store.records();
    let db = KioskDb::open(id).await.unwrap();
    // The segment's put and the run's delete are queued, then the
    // transaction dies: neither lands.
    db.set_fail_next_write(Some(aixin_kiosk::web::idb::StorageError::Failed(
        "crash".into(),
    )));
    assert!(db.seal_segment(1).await.is_err());
    assert_eq!(db.segments_end().await.unwrap(), 1);
    assert_eq!(db.read_journal(1, u64::MAX).await.unwrap(), records);
    // An incomplete run is not sealed.
    assert!(!db.seal_segment(records.len() as u64 - 10).await.unwrap());
    assert!(db.seal_segment(1).await.unwrap());
    assert_eq!(db.segments_end().await.unwrap(), 501);
    assert_eq!(db.read_journal(1, u64::MAX).await.unwrap(), records);
    assert_eq!(db.read_journal(500, 501).await.unwrap(), records[499..501]);
    assert_eq!(db.last_seq().await.unwrap(), records.len() as u64);
    db.close();
    let kiosk = open(id).await;
    assert_eq!(kiosk.state_hash(), core.ledger.state().state_hash());
    finish(kiosk, id).await;
}
