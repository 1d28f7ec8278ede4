//! The `/v1` protocol against a real PostgreSQL: every answer of the
//! journal upload, enrollment, tokens, CORS and the county's import.

mod common;

use aixin_kiosk::entry::{chain_hash, Body, Entry};
use aixin_kiosk::journal::StoredRecord;
use aixin_platform::admin::{self, Keep};
use aixin_platform::fold::Cache;
use common::{body, enrolled, records, village, Kiosk, Platform};
use std::io::Write;

const ID: &str = "420102001001-01";

/// Entries and upload rows stored for `ID`, and its head.
async fn stored(platform: &Platform) -> (i64, i64) {
    let entries = platform
        .count(&format!("SELECT count(*) FROM entry WHERE kiosk = '{ID}'"))
        .await;
    let head = platform
        .count(&format!(
            "SELECT head_seq FROM kiosk WHERE county_id = '{ID}'"
        ))
        .await;
    (entries, head)
}

#[tokio::test]
async fn the_same_batch_twice_is_stored_once() {
    let (platform, _, token, records) = enrolled(ID, 0).await;
    let last = records.len() as u64;
    let batch = body(ID, &records, 1, last);
    let first = platform.upload(ID, &token, &batch).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let answer = first.json();
    assert_eq!(answer["ackedSeq"], last);
    assert_eq!(
        answer["ackedHash"],
        hex::encode(records[last as usize - 1].1.hash)
    );
    assert_eq!(
        (answer["appended"].as_u64(), answer["duplicate"].as_u64()),
        (Some(last), Some(0))
    );
    assert!(answer["serverTimeMs"].as_i64().unwrap() > 1_700_000_000_000);
    let again = platform.upload(ID, &token, &batch).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(
        (
            again.json()["appended"].as_u64(),
            again.json()["duplicate"].as_u64()
        ),
        (Some(0), Some(last))
    );
    assert_eq!(stored(&platform).await, (last as i64, last as i64));
    assert_eq!(
        platform
            .count("SELECT count(*) FROM upload WHERE result = 'ok'")
            .await,
        2
    );
    let head = platform.head(ID, &token).await.json();
    assert_eq!(
        (head["seq"].as_u64(), head["status"].as_str()),
        (Some(last), Some("ok"))
    );
}

#[tokio::test]
async fn an_overlap_appends_only_the_new_tail_and_a_gap_answers_the_head() {
    let (platform, _, token, records) = enrolled(ID, 10).await;
    assert_eq!(
        platform.upload_run(ID, &token, &records, 1, 5).await.status,
        200
    );
    let overlap = platform.upload_run(ID, &token, &records, 3, 12).await;
    assert_eq!(overlap.status, 200, "{}", overlap.text());
    assert_eq!(
        (
            overlap.json()["appended"].as_u64(),
            overlap.json()["duplicate"].as_u64()
        ),
        (Some(7), Some(3))
    );
    let gap = platform.upload_run(ID, &token, &records, 15, 18).await;
    assert_eq!((gap.status, gap.code().as_str()), (409, "PLATFORM_GAP"));
    assert_eq!(gap.json()["headSeq"], 12);
    assert_eq!(gap.json()["headHash"], hex::encode(records[11].1.hash));
    assert!(gap.json()["message"].as_str().unwrap().contains("12"));
    assert!(gap.json()["messageEn"].as_str().unwrap().contains("12"));
    assert_eq!(stored(&platform).await, (12, 12));
    // From the head on, the rest arrives.
    let rest = platform
        .upload_run(ID, &token, &records, 13, records.len() as u64)
        .await;
    assert_eq!(rest.status, 200, "{}", rest.text());
    assert_eq!(stored(&platform).await.0, records.len() as i64);
}

/// Two kiosks with the same journal so far (the same operations at the same
/// times), then one entry each that differs: twins restored from one backup.
fn twins() -> (Kiosk, Kiosk) {
    let mut one = Kiosk::with_village();
    let mut two = Kiosk::with_village();
    assert_eq!(records(&one), records(&two));
    one.credit("A001", "5", "2026-09").unwrap();
    two.credit("A001", "6", "2026-09").unwrap();
    one.credit("B002", "1", "2026-09").unwrap();
    two.credit("B002", "1", "2026-09").unwrap();
    (one, two)
}

#[tokio::test]
async fn another_hash_at_a_held_seq_is_a_fork_until_the_county_settles_it() {
    let platform = Platform::start().await;
    let (one, two) = twins();
    let token = platform.enroll(ID, &one).await;
    let (ones, twos) = (records(&one), records(&two));
    let last = ones.len() as u64;
    assert_eq!(
        platform.upload_run(ID, &token, &ones, 1, last).await.status,
        200
    );
    let fork_seq = last - 1;
    let fork = platform.upload_run(ID, &token, &twos, 1, last).await;
    assert_eq!(
        (fork.status, fork.code().as_str()),
        (409, "PLATFORM_FORK"),
        "{}",
        fork.text()
    );
    assert_eq!(fork.json()["seq"], fork_seq);
    assert_eq!(
        fork.json()["platformHash"],
        hex::encode(ones[fork_seq as usize - 1].1.hash)
    );
    assert_eq!(
        fork.json()["kioskHash"],
        hex::encode(twos[fork_seq as usize - 1].1.hash)
    );
    let recorded = format!("SELECT count(*) FROM conflict WHERE kind = 'fork' AND seq = {fork_seq} AND resolved_at IS NULL");
    assert_eq!(platform.count(&recorded).await, 1);
    // Every later upload, even of the held journal, answers the same.
    let again = platform.upload_run(ID, &token, &ones, last, last).await;
    assert_eq!(
        (again.status, again.json()["seq"].as_u64()),
        (409, Some(fork_seq))
    );
    assert_eq!(platform.head(ID, &token).await.json()["status"], "fork");
    // The county keeps the kiosk's journal: the platform's entries from the
    // fork on go, and the twin's upload continues.
    assert_eq!(
        admin::resolve(&platform.pool, ID, Keep::Kiosk, "县平台管理员").await,
        Ok(fork_seq)
    );
    assert_eq!(
        stored(&platform).await,
        (fork_seq as i64 - 1, fork_seq as i64 - 1)
    );
    let resumed = platform.upload_run(ID, &token, &twos, 1, last).await;
    assert_eq!(resumed.status, 200, "{}", resumed.text());
    assert_eq!(resumed.json()["appended"], 2);
    assert_eq!(platform.count("SELECT count(*) FROM conflict WHERE keep = 'kiosk' AND resolved_by = '县平台管理员'").await, 1);
}

#[tokio::test]
async fn a_fork_settled_for_the_platform_tells_the_kiosk_to_restore() {
    let platform = Platform::start().await;
    let (one, two) = twins();
    let token = platform.enroll(ID, &one).await;
    let ones = records(&one);
    let last = ones.len() as u64;
    assert_eq!(
        platform.upload_run(ID, &token, &ones, 1, last).await.status,
        200
    );
    // The twin continues past the held head: the hash before its batch is
    // not the one the platform holds at its head.
    let mut two = two;
    two.credit("B002", "2", "2026-10").unwrap();
    let twos = records(&two);
    let fork = platform
        .upload_run(ID, &token, &twos, last + 1, last + 1)
        .await;
    assert_eq!(
        (fork.status, fork.json()["seq"].as_u64()),
        (409, Some(last)),
        "{}",
        fork.text()
    );
    assert_eq!(
        fork.json()["kioskHash"],
        hex::encode(twos[last as usize - 1].1.hash)
    );
    admin::resolve(&platform.pool, ID, Keep::Platform, "county")
        .await
        .unwrap();
    let told = platform.upload_run(ID, &token, &twos, 1, last).await;
    assert_eq!(told.code(), "PLATFORM_FORK");
    assert!(
        told.json()["reason"].as_str().unwrap().contains("restore"),
        "{}",
        told.text()
    );
    assert_eq!(stored(&platform).await, (last as i64, last as i64));
    // Restored (the platform's journal) and enrolled again, it uploads.
    let code = admin::enroll_code(&platform.pool, ID).await.unwrap();
    let enrolled = platform
        .post_json(
            &format!("/v1/kiosks/{ID}/enroll"),
            &common::enroll_body(&code, &one),
        )
        .await;
    assert_eq!(enrolled.status, 200, "{}", enrolled.text());
    let token = enrolled.json()["token"].as_str().unwrap().to_string();
    assert_eq!(enrolled.json()["headSeq"], last);
    let mut restored = one;
    restored.credit("B002", "2", "2026-10").unwrap();
    let ones = records(&restored);
    let next = platform
        .upload_run(ID, &token, &ones, last + 1, last + 1)
        .await;
    assert_eq!(next.status, 200, "{}", next.text());
}

#[tokio::test]
async fn a_rolled_back_kiosk_is_caught_at_its_next_entry() {
    let platform = Platform::start().await;
    let mut kiosk = village(0);
    let backup = kiosk.store.clone();
    let token = platform.enroll(ID, &kiosk).await;
    kiosk.credit("A001", "5", "2026-09").unwrap();
    let all = records(&kiosk);
    assert_eq!(
        platform
            .upload_run(ID, &token, &all, 1, all.len() as u64)
            .await
            .status,
        200
    );
    // The old backup restored: what it holds is all held, so still fine…
    kiosk.store = backup;
    kiosk.reopen().unwrap();
    let old = records(&kiosk);
    assert_eq!(
        platform
            .upload_run(ID, &token, &old, 1, old.len() as u64)
            .await
            .status,
        200
    );
    // …until it writes the seq the platform already holds another entry at.
    kiosk.credit("B002", "5", "2026-09").unwrap();
    let rolled = records(&kiosk);
    let last = rolled.len() as u64;
    let fork = platform.upload_run(ID, &token, &rolled, last, last).await;
    assert_eq!(
        (fork.status, fork.json()["seq"].as_u64()),
        (409, Some(last)),
        "{}",
        fork.text()
    );
}

/// Uploads `body` and checks the answer's status and code, and that nothing
/// of it was stored.
async fn check_refused(
    platform: &Platform,
    token: &str,
    body: &[u8],
    headers: &[(&str, &str)],
    status: u16,
    code: &str,
) -> serde_json::Value {
    let before = stored(platform).await;
    let auth = format!("Bearer {token}");
    let mut all = vec![
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/x-ndjson"),
    ];
    all.extend_from_slice(headers);
    let answer = common::request(
        platform.address,
        "POST",
        &format!("/v1/kiosks/{ID}/journal"),
        &all,
        body,
    )
    .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (status, code),
        "{}",
        answer.text()
    );
    let json = answer.json();
    assert!(
        json["message"].as_str().is_some_and(|m| !m.is_ascii()),
        "{json}"
    );
    assert!(
        json["messageEn"].as_str().is_some_and(|m| !m.is_empty()),
        "{json}"
    );
    assert!(json["serverTimeMs"].is_i64());
    assert_eq!(stored(platform).await, before);
    json
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn bad_bodies_are_refused_and_nothing_is_stored() {
    let (platform, _, token, records) = enrolled(ID, 1100).await;
    assert_eq!(
        platform.upload_run(ID, &token, &records, 1, 3).await.status,
        200
    );
    let good = String::from_utf8(body(ID, &records, 4, 9)).unwrap();

    // A changed byte in an entry: its hash no longer chains.
    let broken = good.replacen("第一组", "第二组", 1);
    let json = check_refused(
        &platform,
        &token,
        broken.as_bytes(),
        &[],
        422,
        "PLATFORM_REFUSED",
    )
    .await;
    assert!(
        json["seq"].as_u64().is_some() && json["reason"].as_str().unwrap().contains("hash"),
        "{json}"
    );
    let json = check_refused(
        &platform,
        &token,
        b"{\"countyId\":\"x\"\nnot json",
        &[],
        422,
        "PLATFORM_REFUSED",
    )
    .await;
    assert_eq!(json["line"], 1);
    let other = String::from_utf8(body("420102001001-02", &records, 4, 9)).unwrap();
    let json = check_refused(
        &platform,
        &token,
        other.as_bytes(),
        &[],
        422,
        "PLATFORM_REFUSED",
    )
    .await;
    assert!(
        json["reason"].as_str().unwrap().contains("420102001001-02"),
        "{json}"
    );
    assert_eq!(platform.head(ID, &token).await.json()["status"], "refused");
    let refusals = platform
        .count("SELECT count(*) FROM conflict WHERE kind = 'refused'")
        .await;
    assert_eq!(refusals, 3);

    // Over 1,000 entries, over 4 MiB, and a gzip bomb.
    let many = body(ID, &records, 4, 1004);
    check_refused(&platform, &token, &many, &[], 413, "PLATFORM_TOO_LARGE").await;
    let mut huge = good.clone().into_bytes();
    huge.resize(4 * 1024 * 1024 + 1, b'\n');
    check_refused(&platform, &token, &huge, &[], 413, "PLATFORM_TOO_LARGE").await;
    let bomb = gzip(&vec![b' '; 64 * 1024 * 1024]);
    assert!(bomb.len() < 100 * 1024);
    check_refused(
        &platform,
        &token,
        &bomb,
        &[("Content-Encoding", "gzip")],
        413,
        "PLATFORM_TOO_LARGE",
    )
    .await;
    check_refused(
        &platform,
        &token,
        b"not gzip",
        &[("Content-Encoding", "gzip")],
        422,
        "PLATFORM_REFUSED",
    )
    .await;
    assert_eq!(
        platform
            .count("SELECT count(*) FROM upload WHERE http_status IN (413, 422)")
            .await,
        7
    );

    // A gzip body that holds is taken, and the status is ok again.
    let answer = common::request(
        platform.address,
        "POST",
        &format!("/v1/kiosks/{ID}/journal"),
        &[
            ("Authorization", &format!("Bearer {token}")),
            ("Content-Encoding", "gzip"),
        ],
        &gzip(good.as_bytes()),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(platform.head(ID, &token).await.json()["status"], "ok");
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_unauthorised() {
    let (platform, kiosk, token, records) = enrolled(ID, 0).await;
    let batch = body(ID, &records, 1, 3);
    let path = format!("/v1/kiosks/{ID}/journal");
    let none = common::request(platform.address, "POST", &path, &[], &batch).await;
    assert_eq!(
        (none.status, none.code().as_str()),
        (401, "PLATFORM_UNAUTHORIZED")
    );
    let wrong = platform.upload(ID, &"ab".repeat(32), &batch).await;
    assert_eq!(
        (wrong.status, wrong.code().as_str()),
        (401, "PLATFORM_UNAUTHORIZED")
    );
    let other_kiosk = platform.upload("420102001001-09", &token, &batch).await;
    assert_eq!(other_kiosk.status, 401);
    assert_eq!(platform.head(ID, "nonsense").await.status, 401);
    // A new enrollment revokes the old token.
    let code = admin::enroll_code(&platform.pool, ID).await.unwrap();
    let enrolled = platform
        .post_json(
            &format!("/v1/kiosks/{ID}/enroll"),
            &common::enroll_body(&code, &kiosk),
        )
        .await;
    assert_eq!(enrolled.status, 200);
    assert_eq!(platform.upload(ID, &token, &batch).await.status, 401);
    let new_token = enrolled.json()["token"].as_str().unwrap().to_string();
    assert_eq!(new_token.len(), 64);
    assert_eq!(platform.upload(ID, &new_token, &batch).await.status, 200);
    assert_eq!(stored(&platform).await, (3, 3));
    // The platform keeps only the token's SHA-256.
    let held = platform
        .count(&format!(
            "SELECT count(*) FROM kiosk WHERE token_hash = sha256('{new_token}'::bytea)"
        ))
        .await;
    assert_eq!(held, 1);
    // Without a token, the hash of the first entry the county id was bound
    // to shows how far the platform holds the journal (a wiped kiosk
    // restoring a backup asks so); any other hash is unauthorised.
    let genesis = aixin_kiosk::entry::hex_of(&records[0].1.hash);
    let path = |hash: &str| format!("/v1/kiosks/{ID}/head?genesis={hash}");
    let by_genesis = common::request(platform.address, "GET", &path(&genesis), &[], b"").await;
    assert_eq!(by_genesis.status, 200, "{}", by_genesis.text());
    assert_eq!(by_genesis.json()["seq"], 3);
    let other = common::request(platform.address, "GET", &path(&"ab".repeat(32)), &[], b"").await;
    assert_eq!(other.status, 401);
    let bare = common::request(
        platform.address,
        "GET",
        &format!("/v1/kiosks/{ID}/head"),
        &[],
        b"",
    )
    .await;
    assert_eq!(bare.status, 401);
}

/// `records` without the entry at `drop`, the rest renumbered and chained
/// again: every hash is right, but the journal tells of things that never
/// happened.
fn forge_without(records: &[(u64, StoredRecord)], drop: u64) -> Vec<(u64, StoredRecord)> {
    let mut previous = [0; 32];
    let mut forged = Vec::new();
    for (seq, record) in records.iter().filter(|(seq, _)| *seq != drop) {
        let mut entry = Entry::decode(&record.bytes).unwrap();
        entry.seq = if *seq > drop { seq - 1 } else { *seq };
        let bytes = entry.encode();
        let hash = chain_hash(&previous, &bytes);
        previous = hash;
        forged.push((entry.seq, StoredRecord { bytes, hash }));
    }
    forged
}

#[tokio::test]
async fn a_redemption_above_the_balance_with_correct_hashes_is_refused_at_its_seq() {
    let platform = Platform::start().await;
    let mut kiosk = village(0);
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let request = kiosk.next_request();
    kiosk
        .redeem(&session, &[("salt-500g", 6)], request)
        .unwrap();
    let records = records(&kiosk);
    let credit = records
        .iter()
        .find(|(_, record)| {
            matches!(Entry::decode(&record.bytes).unwrap().body, Body::Credited { ref household, .. } if household.as_str() == "A001")
        })
        .unwrap()
        .0;
    let forged = forge_without(&records, credit);
    let token = platform.enroll(ID, &kiosk).await;
    let last = forged.len() as u64;
    let answer = platform.upload_run(ID, &token, &forged, 1, last).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (422, "PLATFORM_REFUSED"),
        "{}",
        answer.text()
    );
    assert_eq!(answer.json()["seq"], last, "the redemption, the last entry");
    assert_eq!(
        stored(&platform).await,
        (0, 0),
        "nothing of the batch, not even its good part"
    );
    // The true journal is taken.
    let answer = platform
        .upload_run(ID, &token, &records, 1, records.len() as u64)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
}

#[tokio::test]
async fn an_entry_of_a_later_build_is_too_old_not_refused() {
    let platform = Platform::start().await;
    let kiosk = village(0);
    let token = platform.enroll(ID, &kiosk).await;
    let mut records = records(&kiosk);
    let seq = records.len() as u64 + 1;
    let bytes = format!(r#"{{"format_version":1,"seq":{seq},"time_ms":1,"id":"later-1","actor":{{"type":"system"}},"body":{{"kind":"solar_panel_fitted"}}}}"#).into_bytes();
    let hash = chain_hash(&records[records.len() - 1].1.hash, &bytes);
    records.push((seq, StoredRecord { bytes, hash }));
    let answer = platform.upload_run(ID, &token, &records, 1, seq).await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (422, "PLATFORM_TOO_OLD"),
        "{}",
        answer.text()
    );
    assert_eq!(answer.json()["seq"], seq);
    assert_eq!(stored(&platform).await, (0, 0));
    assert_eq!(platform.head(ID, &token).await.json()["status"], "ok");
}

#[tokio::test]
async fn enrollment_needs_the_right_code_and_the_same_genesis() {
    let platform = Platform::start().await;
    let kiosk = village(0);
    let code = admin::add(&platform.pool, ID, "张家村").await.unwrap();
    assert_eq!(code.len(), 14, "{code}");
    let path = format!("/v1/kiosks/{ID}/enroll");
    let wrong = platform
        .post_json(&path, &common::enroll_body("0000-0000-0000", &kiosk))
        .await;
    assert_eq!(
        (wrong.status, wrong.code().as_str()),
        (401, "ENROLL_CODE_INVALID")
    );
    let unknown = platform
        .post_json(
            "/v1/kiosks/420102001001-77/enroll",
            &common::enroll_body(&code, &kiosk),
        )
        .await;
    assert_eq!(unknown.status, 401);
    // Typed without dashes, the code works once.
    let typed = code.replace('-', "");
    let enrolled = platform
        .post_json(&path, &common::enroll_body(&typed, &kiosk))
        .await;
    assert_eq!(enrolled.status, 200, "{}", enrolled.text());
    assert_eq!(
        (
            enrolled.json()["countyId"].as_str(),
            enrolled.json()["headSeq"].as_u64()
        ),
        (Some(ID), Some(0))
    );
    assert_eq!(enrolled.json()["headHash"], "0".repeat(64));
    let used = platform
        .post_json(&path, &common::enroll_body(&code, &kiosk))
        .await;
    assert_eq!(used.code(), "ENROLL_CODE_INVALID");
    // Another kiosk's journal under this county id.
    let code = admin::enroll_code(&platform.pool, ID).await.unwrap();
    let mut stranger = common::enroll_body(&code, &kiosk);
    stranger["genesisHash"] = serde_json::json!("ab".repeat(32));
    let mismatch = platform.post_json(&path, &stranger).await;
    assert_eq!(
        (mismatch.status, mismatch.code().as_str()),
        (409, "GENESIS_MISMATCH"),
        "{}",
        mismatch.text()
    );
    // The code was not spent on it.
    let enrolled = platform
        .post_json(&path, &common::enroll_body(&code, &kiosk))
        .await;
    assert_eq!(enrolled.status, 200, "{}", enrolled.text());
    // Five wrong guesses withdraw a code.
    let code = admin::enroll_code(&platform.pool, ID).await.unwrap();
    for _ in 0..5 {
        let guess = platform
            .post_json(&path, &common::enroll_body("1111-2222-3333", &kiosk))
            .await;
        assert_eq!(guess.status, 401);
    }
    assert_eq!(
        platform
            .post_json(&path, &common::enroll_body(&code, &kiosk))
            .await
            .status,
        401
    );
    let bad = platform
        .post_json(&path, &serde_json::json!({ "code": code }))
        .await;
    assert_eq!((bad.status, bad.code().as_str()), (422, "PLATFORM_REFUSED"));
}

#[tokio::test]
async fn cors_answers_the_kiosk_origin_only() {
    let platform = Platform::start().await;
    let path = format!("/v1/kiosks/{ID}/journal");
    let preflight = [
        ("Origin", common::KIOSK_ORIGIN),
        ("Access-Control-Request-Method", "POST"),
        (
            "Access-Control-Request-Headers",
            "authorization, content-type, content-encoding",
        ),
    ];
    let answer = common::request(platform.address, "OPTIONS", &path, &preflight, b"").await;
    assert_eq!(answer.status, 204);
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some(common::KIOSK_ORIGIN)
    );
    let allowed = answer
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    for header in ["authorization", "content-type", "content-encoding"] {
        assert!(allowed.contains(header), "{allowed}");
    }
    assert!(answer
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    let stranger = [
        ("Origin", "http://127.0.0.1:9999"),
        ("Access-Control-Request-Method", "POST"),
    ];
    let answer = common::request(platform.address, "OPTIONS", &path, &stranger, b"").await;
    assert_eq!(answer.status, 403);
    assert_eq!(answer.header("access-control-allow-origin"), None);
    // A real request from the kiosk's origin: allowed, Retry-After exposed.
    let answer = common::request(
        platform.address,
        "POST",
        &path,
        &[("Origin", common::KIOSK_ORIGIN)],
        b"",
    )
    .await;
    assert_eq!(answer.status, 401);
    assert_eq!(
        answer.header("access-control-allow-origin"),
        Some(common::KIOSK_ORIGIN)
    );
    assert_eq!(
        answer.header("access-control-expose-headers"),
        Some("Retry-After")
    );
}

#[tokio::test]
async fn an_archived_kiosk_is_imported_then_uploads_from_its_head() {
    use aixin_kiosk::export::{self, ExportRange};
    let platform = Platform::start().await;
    let mut kiosk = village(20);
    let records_then = records(&kiosk);
    // The first entries as an archive file, the next as a USB batch folder.
    let folder = std::env::temp_dir().join(format!("aixin-import-{:x}", rand::random::<u64>()));
    std::fs::create_dir_all(folder.join("batch")).unwrap();
    let archive: String = records_then[..15]
        .iter()
        .map(|(_, record)| aixin_kiosk::journal::ndjson_line(record) + "\n")
        .collect();
    std::fs::write(folder.join("archive-000001-000015.ndjson"), archive).unwrap();
    let range = ExportRange::Seqs {
        first_seq: 10,
        last_seq: records_then.len() as u64,
    };
    let batch = export::export(kiosk.ledger.state(), &records_then, range, kiosk.now).unwrap();
    for (name, bytes) in &batch.files {
        std::fs::write(folder.join("batch").join(name), bytes).unwrap();
    }
    // The county's commands, as run from a shell.
    let added = command(
        &platform,
        &["kiosk", "add", "--id", ID, "--village", "张家村"],
    );
    assert!(added.contains("enrollment code"), "{added}");
    let paths = [
        folder.join("batch"),
        folder.join("archive-000001-000015.ndjson"),
    ];
    let (batch_dir, archive) = (
        paths[0].display().to_string(),
        paths[1].display().to_string(),
    );
    let held = records_then.len();
    let imported = command(
        &platform,
        &["kiosk", "import-batches", "--id", ID, &batch_dir, &archive],
    );
    assert!(
        imported.contains(&format!(
            "{held} entries imported, 0 already held; the platform holds up to {held}"
        )),
        "{imported}"
    );
    // Again: all held already.
    let again = command(
        &platform,
        &["kiosk", "import-batches", "--id", ID, &batch_dir, &archive],
    );
    assert!(
        again.contains(&format!("0 entries imported, {held} already held")),
        "{again}"
    );
    let listed = command(&platform, &["kiosk", "list"]);
    assert!(
        listed.contains(ID) && listed.contains(&held.to_string()),
        "{listed}"
    );
    let paths: Vec<&std::path::Path> = paths.iter().map(|path| path.as_path()).collect();
    // A batch folder whose journal was changed is refused by the verifier.
    let journal = folder.join("batch").join("journal.ndjson");
    let changed = std::fs::read_to_string(&journal)
        .unwrap()
        .replacen("住户", "往户", 1);
    std::fs::write(&journal, changed).unwrap();
    let refused = admin::import(&platform.pool, &Cache::default(), ID, &paths[..1]).await;
    assert!(refused.is_err(), "{refused:?}");
    std::fs::remove_dir_all(&folder).unwrap();

    // The kiosk goes online: enrolled, it continues from the platform's head.
    let token = platform.enroll_existing(ID, &kiosk).await;
    kiosk.credit("A001", "3", "2026-09").unwrap();
    let now = records(&kiosk);
    let head = records_then.len() as u64;
    let answer = platform
        .upload_run(ID, &token, &now, head + 1, now.len() as u64)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(
        stored(&platform).await,
        (now.len() as i64, now.len() as i64)
    );
}

/// Runs `aixin-platform ARGS…` on the test's database: its output, or the
/// test fails with it.
fn command(platform: &Platform, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aixin-platform"))
        .args(args)
        .env("DATABASE_URL", &platform.url)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

#[tokio::test]
async fn the_command_line_refuses_what_it_cannot_do() {
    let platform = Platform::start().await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_aixin-platform"))
            .args(args)
            .env("DATABASE_URL", &platform.url)
            .output()
            .unwrap()
    };
    command(
        &platform,
        &["kiosk", "add", "--id", ID, "--village", "张家村"],
    );
    for (args, said) in [
        (
            &["kiosk", "add", "--id", ID, "--village", "张家村"][..],
            "exists",
        ),
        (
            &["kiosk", "add", "--id", "bad id", "--village", "张家村"][..],
            "county id",
        ),
        (
            &["kiosk", "resolve", "--id", ID, "--keep", "kiosk"][..],
            "no open fork",
        ),
        (
            &["kiosk", "resolve", "--id", ID, "--keep", "both"][..],
            "--keep is platform or kiosk",
        ),
        (
            &["kiosk", "enroll-code", "--id", "420102001001-99"][..],
            "no kiosk",
        ),
        (
            &["kiosk", "import-batches", "--id", ID, "/nonexistent/batch"][..],
            "/nonexistent/batch",
        ),
        (&["kiosk", "add", "--id", ID][..], "--village is required"),
        (
            &["kiosk", "list", "--all", "yes"][..],
            "unknown option --all",
        ),
    ] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains(said),
            "{args:?}: {stderr}"
        );
    }
    assert_eq!(stored(&platform).await, (0, 0));
}

#[tokio::test]
async fn the_committed_export_fixtures_import() {
    let platform = Platform::start().await;
    aixin_platform::admin::add(&platform.pool, ID, "测试村")
        .await
        .unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/export");
    let paths = [root.join("batch-2"), root.join("batch-1")];
    let paths: Vec<&std::path::Path> = paths.iter().map(|path| path.as_path()).collect();
    let imported = admin::import(&platform.pool, &Cache::default(), ID, &paths)
        .await
        .unwrap();
    assert!(imported.appended > 0);
    assert_eq!(
        stored(&platform).await,
        (imported.appended as i64, imported.head_seq as i64)
    );
}

#[tokio::test]
async fn checkpoints_let_a_restarted_platform_fold_from_them() {
    let (platform, kiosk, token, records) = enrolled(ID, 2100).await;
    let last = records.len() as u64;
    for first in (1..=last).step_by(700) {
        let answer = platform
            .upload(
                ID,
                &token,
                &body(ID, &records, first, (first + 699).min(last)),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
    }
    let checkpoints = platform
        .count("SELECT count(*) FROM checkpoint WHERE seq IN (1000, 2000)")
        .await;
    assert_eq!(checkpoints, 2);
    // A new server (an empty cache) folds from the checkpoint at 2000 and
    // still refuses what the rules refuse.
    let restarted = Platform::serve(platform.pool.clone(), platform.url.clone()).await;
    let mut later = kiosk;
    later.credit("A001", "1", "2026-10").unwrap();
    let more = common::records(&later);
    let answer = restarted
        .upload_run(ID, &token, &more, last + 1, last + 1)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(stored(&restarted).await, (last as i64 + 1, last as i64 + 1));
}

#[tokio::test]
async fn a_busy_platform_says_when_to_come_back() {
    let (pool, _) = common::fresh_database().await;
    let mut app = aixin_platform::http::App::new(pool, vec![common::KIOSK_ORIGIN.to_string()]);
    // No upload may be folded now.
    app.uploads = std::sync::Arc::new(tokio::sync::Semaphore::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(aixin_platform::serve(listener, app));
    let headers = [
        ("Authorization", &*format!("Bearer {}", "ab".repeat(32))),
        ("Origin", common::KIOSK_ORIGIN),
    ];
    let answer = common::request(
        address,
        "POST",
        &format!("/v1/kiosks/{ID}/journal"),
        &headers,
        b"",
    )
    .await;
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (429, "PLATFORM_BUSY"),
        "{}",
        answer.text()
    );
    assert_eq!(answer.header("retry-after"), Some("5"));
    assert_eq!(
        answer.header("access-control-expose-headers"),
        Some("Retry-After")
    );
}
