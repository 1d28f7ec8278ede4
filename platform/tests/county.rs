//! The county's side against a real PostgreSQL: restoring a lost kiosk
//! from the platform, credits that come down, the overview's figures for a
//! scripted county, the monthly CSV, accounts and the access log, and the
//! restore drill of the platform's own database.

mod common;

use aixin_kiosk::ids::KioskId;
use aixin_kiosk::journal::{self, ndjson_line};
use aixin_platform::admin;
use aixin_platform::fold::Cache;
use common::{body, records, request, village, Answer, Kiosk, Platform};

const ID: &str = "420102001001-01";
const USER: &str = "王科长";
const PASSWORD: &str = "县里的密码-2026";
/// `王科长:县里的密码-2026` in base64, worked out apart from the platform.
const BASIC: &str = "Basic 546L56eR6ZW/OuWOv+mHjOeahOWvhueggS0yMDI2";

/// Uploads the whole journal of `kiosk` as `id`, 1,000 entries a request.
async fn upload_all(platform: &Platform, id: &str, token: &str, kiosk: &Kiosk) {
    let records = records(kiosk);
    let last = records.len() as u64;
    let mut first = 1;
    while first <= last {
        let end = (first + 999).min(last);
        let answer = platform
            .upload(id, token, &body(id, &records, first, end))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        first = end + 1;
    }
}

async fn get(platform: &Platform, path: &str, headers: &[(&str, &str)]) -> Answer {
    request(platform.address, "GET", path, headers, b"").await
}

async fn get_bearer(platform: &Platform, path: &str, token: &str) -> Answer {
    let auth = format!("Bearer {token}");
    get(platform, path, &[("Authorization", &auth)]).await
}

// ---------------------------------------------------------------------------
// Restore

#[tokio::test]
async fn a_restore_code_gives_a_new_token_and_every_journal_line_in_pages() {
    let platform = Platform::start().await;
    let kiosk = village(1_200);
    let old_token = platform.enroll(ID, &kiosk).await;
    upload_all(&platform, ID, &old_token, &kiosk).await;
    let records = records(&kiosk);
    let head = records.len() as u64;
    assert!(head > 1_200);

    let code = aixin_platform::restore::restore_code(&platform.pool, ID, "县平台李工")
        .await
        .unwrap();
    let restored = platform
        .post_json(
            &format!("/v1/kiosks/{ID}/restore"),
            &serde_json::json!({ "code": code }),
        )
        .await;
    assert_eq!(restored.status, 200, "{}", restored.text());
    let answer = restored.json();
    assert_eq!(answer["countyId"], ID);
    assert_eq!(answer["headSeq"], head);
    assert_eq!(
        answer["headHash"],
        hex::encode(records[head as usize - 1].1.hash)
    );
    assert!(answer["serverTimeMs"].as_i64().unwrap() > 1_700_000_000_000);
    let token = answer["token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 64);
    // The old token is revoked.
    assert_eq!(platform.head(ID, &old_token).await.status, 401);
    assert_eq!(platform.head(ID, &token).await.status, 200);

    // Pages of at most 1,000 lines give back every line, as the kiosk writes them.
    let mut lines = Vec::new();
    let mut from = 1;
    let mut pages = 0;
    while from <= head && pages < 10 {
        let page = get_bearer(
            &platform,
            &format!("/v1/kiosks/{ID}/journal?from={from}"),
            &token,
        )
        .await;
        assert_eq!(page.status, 200, "{}", page.text());
        assert_eq!(
            page.header("content-type"),
            Some("application/x-ndjson; charset=utf-8")
        );
        let text = page.text();
        let got: Vec<String> = text.lines().map(str::to_string).collect();
        assert!(!got.is_empty() && got.len() <= 1_000);
        from += got.len() as u64;
        lines.extend(got);
        pages += 1;
    }
    assert_eq!(pages, 2);
    let expected: Vec<String> = records
        .iter()
        .map(|(_, record)| ndjson_line(record))
        .collect();
    assert_eq!(lines, expected);
    // A limit and a page past the head.
    let small = get_bearer(
        &platform,
        &format!("/v1/kiosks/{ID}/journal?from=5&limit=3"),
        &token,
    )
    .await;
    assert_eq!(
        small.text().lines().collect::<Vec<_>>(),
        expected[4..7]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    let past = get_bearer(
        &platform,
        &format!("/v1/kiosks/{ID}/journal?from={}", head + 1),
        &token,
    )
    .await;
    assert_eq!((past.status, past.body.len()), (200, 0));
    let too_many = get_bearer(
        &platform,
        &format!("/v1/kiosks/{ID}/journal?from=1&limit=1001"),
        &token,
    )
    .await;
    assert_eq!(
        (too_many.status, too_many.code().as_str()),
        (422, "PLATFORM_REFUSED")
    );
    assert!(too_many.json()["message"]
        .as_str()
        .unwrap()
        .contains("limit"));
    // Without the token, or with the old one: nothing.
    assert_eq!(
        get(&platform, &format!("/v1/kiosks/{ID}/journal?from=1"), &[])
            .await
            .status,
        401
    );
    assert_eq!(
        get_bearer(
            &platform,
            &format!("/v1/kiosks/{ID}/journal?from=1"),
            &old_token
        )
        .await
        .status,
        401
    );

    // The downloaded journal opens at the kiosk's own state.
    let downloaded: Vec<(u64, Vec<u8>)> = lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            (
                index as u64 + 1,
                journal::parse_ndjson_line(line).unwrap().to_bytes(),
            )
        })
        .collect();
    let ledger = journal::open(
        downloaded,
        Vec::new(),
        &KioskId::new(common::kiosk::KIOSK).unwrap(),
        common::kiosk::config(),
    )
    .unwrap();
    assert_eq!(
        ledger.state().state_hash(),
        kiosk.ledger.state().state_hash()
    );

    // The restore is recorded: who issued the code, to which head.
    let recorded = format!(
        "SELECT count(*) FROM restore WHERE kiosk = '{ID}' AND issued_by = '县平台李工' AND head_seq = {head} \
         AND requested_from LIKE '127.0.0.1:%'"
    );
    assert_eq!(platform.count(&recorded).await, 1);
    // The restored kiosk continues the same chain with its new token.
    let mut kiosk = kiosk;
    kiosk.credit("A001", "3", "2026-11").unwrap();
    let next = platform
        .upload(
            ID,
            &token,
            &body(ID, &common::records(&kiosk), head + 1, head + 1),
        )
        .await;
    assert_eq!(next.status, 200, "{}", next.text());
}

#[tokio::test]
async fn a_wrong_or_used_code_and_a_county_id_that_never_uploaded_are_refused() {
    let platform = Platform::start().await;
    let kiosk = village(0);
    let token = platform.enroll(ID, &kiosk).await;
    upload_all(&platform, ID, &token, &kiosk).await;
    let path = format!("/v1/kiosks/{ID}/restore");
    let code = aixin_platform::restore::restore_code(&platform.pool, ID, "county")
        .await
        .unwrap();

    let wrong = platform
        .post_json(&path, &serde_json::json!({ "code": "0000-0000-0000-0000" }))
        .await;
    assert_eq!(
        (wrong.status, wrong.code().as_str()),
        (401, "RESTORE_CODE_INVALID")
    );
    assert!(wrong.json()["message"].as_str().unwrap().contains("恢复码"));
    assert!(wrong.json()["messageEn"]
        .as_str()
        .unwrap()
        .contains("restore code"));
    // Nothing changed: the kiosk's token still works.
    assert_eq!(platform.head(ID, &token).await.status, 200);

    // The right code works once (typed without its dashes).
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(
        platform
            .post_json(&path, &serde_json::json!({ "code": digits }))
            .await
            .status,
        200
    );
    let used = platform
        .post_json(&path, &serde_json::json!({ "code": code }))
        .await;
    assert_eq!(
        (used.status, used.code().as_str()),
        (401, "RESTORE_CODE_INVALID")
    );
    assert_eq!(platform.count("SELECT count(*) FROM restore").await, 1);

    // A county id added but never uploaded, and one the platform never heard of.
    admin::add(&platform.pool, "420102001009-01", "新村")
        .await
        .unwrap();
    let error = aixin_platform::restore::restore_code(&platform.pool, "420102001009-01", "county")
        .await
        .unwrap_err();
    assert!(error.contains("never uploaded"), "{error}");
    for id in ["420102001009-01", "999999999999-01"] {
        let none = platform
            .post_json(
                &format!("/v1/kiosks/{id}/restore"),
                &serde_json::json!({ "code": code }),
            )
            .await;
        assert_eq!(
            (none.status, none.code().as_str()),
            (404, "PLATFORM_NOTHING_TO_RESTORE"),
            "{id}"
        );
        assert!(!none.json()["message"].as_str().unwrap().is_empty());
    }
    // A bad body changes nothing either.
    let bad = platform
        .post_json(&path, &serde_json::json!({ "kode": code }))
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(platform.count("SELECT count(*) FROM restore").await, 1);
}

// ---------------------------------------------------------------------------
// Credits

const CREDITS_FILE: &str = "户号,户主,积分,期间,来源,说明\r\nA001,王建国,12.50,2026-11,evaluation,十一月评议\r\nB002,李桂芳,8,2026-11,evaluation,\r\n";

async fn waiting(platform: &Platform, token: &str) -> Vec<serde_json::Value> {
    let answer = get_bearer(platform, &format!("/v1/kiosks/{ID}/credits"), token).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()["credits"].as_array().unwrap().clone()
}

#[tokio::test]
async fn credits_imported_on_the_platform_reach_the_kiosk_once() {
    let platform = Platform::start().await;
    let cache = Cache::default();
    let import = || {
        aixin_platform::credits::import_file(
            &platform.pool,
            &cache,
            ID,
            CREDITS_FILE.as_bytes(),
            "县里",
        )
    };
    let mut kiosk = Kiosk::with_village();
    let token = platform.enroll(ID, &kiosk).await;
    // Before the platform holds the kiosk's households, nothing is imported.
    let early = import().await;
    assert!(early.unwrap_err().contains("never uploaded"));
    upload_all(&platform, ID, &token, &kiosk).await;

    let imported = import().await.unwrap();
    assert_eq!(
        (
            imported.added,
            imported.already_waiting,
            imported.added_points.hundredths()
        ),
        (2, 0, 2_050)
    );
    // Offered twice (the same file again): still one each.
    let again = import().await.unwrap();
    assert_eq!((again.added, again.already_waiting), (0, 2));
    let credits = waiting(&platform, &token).await;
    assert_eq!(credits.len(), 2);
    assert_eq!(credits[0]["key"], "credit:A001:2026-11:evaluation");
    assert_eq!(
        (
            credits[0]["household"].as_str(),
            credits[0]["amount"].as_str()
        ),
        (Some("A001"), Some("12.50"))
    );
    assert_eq!(credits[0]["reason"], "十一月评议");
    assert_eq!(
        (credits[1]["key"].as_str(), credits[1]["amount"].as_str()),
        (Some("credit:B002:2026-11:evaluation"), Some("8.00"))
    );
    assert!(credits[1]["reason"].is_null());
    // Asked again before the kiosk took them (the kiosk was offline): the same two.
    assert_eq!(waiting(&platform, &token).await.len(), 2);

    // The kiosk takes the first and uploads: one is left.
    let head = records(&kiosk).len() as u64;
    kiosk.credit("A001", "12.50", "2026-11").unwrap();
    let records_now = records(&kiosk);
    assert_eq!(
        platform
            .upload_run(ID, &token, &records_now, head + 1, head + 1)
            .await
            .status,
        200
    );
    let credits = waiting(&platform, &token).await;
    assert_eq!(credits.len(), 1);
    assert_eq!(credits[0]["household"], "B002");
    // Offered twice to the kiosk (the first one again): its key makes it once.
    kiosk.credit("A001", "12.50", "2026-11").unwrap();
    kiosk.credit("B002", "8", "2026-11").unwrap();
    kiosk.credit("B002", "8", "2026-11").unwrap();
    assert_eq!(records(&kiosk).len() as u64, head + 2);
    assert_eq!(kiosk.balance("A001").hundredths(), 3_250);
    assert_eq!(kiosk.balance("B002").hundredths(), 1_300);
    let records_now = records(&kiosk);
    assert_eq!(
        platform
            .upload_run(ID, &token, &records_now, head + 2, head + 2)
            .await
            .status,
        200
    );
    assert!(waiting(&platform, &token).await.is_empty());
    let taken = format!(
        "SELECT count(*) FROM pending_credit WHERE kiosk = '{ID}' AND taken_seq IS NOT NULL"
    );
    assert_eq!(platform.count(&taken).await, 2);
    // The same file a third time: the kiosk holds both, nothing is added.
    let third = import().await.unwrap();
    assert_eq!((third.added, third.already_credited), (0, 2));
    assert!(waiting(&platform, &token).await.is_empty());
    // Without the kiosk's token: nothing.
    assert_eq!(
        get(&platform, &format!("/v1/kiosks/{ID}/credits"), &[])
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn a_bad_credits_file_applies_nothing_and_names_every_bad_row() {
    let platform = Platform::start().await;
    let cache = Cache::default();
    let kiosk = Kiosk::with_village();
    let token = platform.enroll(ID, &kiosk).await;
    upload_all(&platform, ID, &token, &kiosk).await;
    // Row 3: a household the kiosk does not have; row 4: not an amount.
    let bad = "户号,积分,期间,来源\r\nA001,5,2026-11,evaluation\r\nZ999,5,2026-11,evaluation\r\nB002,五,2026-11,evaluation\r\n";
    let error =
        aixin_platform::credits::import_file(&platform.pool, &cache, ID, bad.as_bytes(), "县里")
            .await
            .unwrap_err();
    assert!(
        error.contains("第 3 行") && error.contains("第 4 行"),
        "{error}"
    );
    assert!(!error.contains("第 2 行"), "{error}");
    assert!(
        error.contains("Row 3") && error.contains("Row 4"),
        "{error}"
    );
    assert_eq!(
        platform.count("SELECT count(*) FROM pending_credit").await,
        0
    );
    // A key the kiosk holds with another amount (A001 got 20 for 2026-08),
    // and one waiting on the platform with another amount.
    let first = "户号,积分,期间,来源\r\nB002,3,2026-12,evaluation\r\n";
    aixin_platform::credits::import_file(&platform.pool, &cache, ID, first.as_bytes(), "县里")
        .await
        .unwrap();
    let clash = "户号,积分,期间,来源\r\nA001,21,2026-08,evaluation\r\nB002,4,2026-12,evaluation\r\nA001,1,2026-12,evaluation\r\n";
    let error =
        aixin_platform::credits::import_file(&platform.pool, &cache, ID, clash.as_bytes(), "县里")
            .await
            .unwrap_err();
    assert!(
        error.contains("Row 2") && error.contains("Row 3") && !error.contains("Row 4"),
        "{error}"
    );
    assert_eq!(
        platform.count("SELECT count(*) FROM pending_credit").await,
        1
    );
    // GBK, as Excel saves it on a Chinese Windows PC, is read.
    let (gbk, _, unmappable) =
        encoding_rs::GBK.encode("户号,户主,积分,期间\r\nA001,王建国,1.50,2026-12\r\n");
    assert!(!unmappable);
    let imported = aixin_platform::credits::import_file(&platform.pool, &cache, ID, &gbk, "县里")
        .await
        .unwrap();
    assert_eq!(imported.added, 1);
    assert_eq!(waiting(&platform, &token).await.len(), 2);
}

// ---------------------------------------------------------------------------
// The overview, the CSV, accounts and the access log

const MS_PER_DAY: i64 = 86_400_000;

fn now_ms() -> i64 {
    aixin_platform::http::now_ms()
}

/// A village kiosk (two households, three goods; see `Kiosk::with_village`)
/// set up in September 2026, whose next operations happen two days ago.
fn scripted() -> Kiosk {
    let mut kiosk = Kiosk::with_village();
    kiosk.now = now_ms() - 2 * MS_PER_DAY;
    kiosk
}

fn redeem(kiosk: &mut Kiosk, household: &str, pin: &str, lines: &[(&str, i64)]) -> u64 {
    let session = kiosk.sign_in(household, pin).unwrap();
    let request = kiosk.next_request();
    kiosk.redeem(&session, lines, request).unwrap();
    records(kiosk).len() as u64
}

/// The rows of the page's table body: each row's class and its cells' text.
fn table_rows(html: &str) -> Vec<(String, Vec<String>)> {
    let body = html
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap();
    body.split("<tr")
        .skip(1)
        .map(|row| {
            let class = row
                .split("class=\"")
                .nth(1)
                .map_or("", |rest| rest.split('"').next().unwrap())
                .to_string();
            let cells = row
                .split("<td")
                .skip(1)
                .map(|cell| {
                    let inner = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in inner.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text
                })
                .collect();
            (class, cells)
        })
        .collect()
}

#[tokio::test]
async fn the_overview_of_a_scripted_county_shows_the_figures_counted_by_hand() {
    let platform = Platform::start().await;
    let cache = Cache::default();
    let villages = [
        ("420102001001-01", "张家村"),
        ("420102001002-01", "李家村"),
        ("420102001003-01", "王家村"),
        ("420102001004-01", "赵家村"),
        ("420102001005-01", "孙家村"),
    ];
    let mut tokens = Vec::new();
    for (id, name) in villages {
        admin::add(&platform.pool, id, name).await.unwrap();
        tokens.push(platform.enroll_existing(id, &Kiosk::with_village()).await);
    }
    let (k1, k2, k3, k4, k5) = (
        villages[0].0,
        villages[1].0,
        villages[2].0,
        villages[3].0,
        villages[4].0,
    );

    // 张家村: two credits (150), a redemption of 2 salt and 1 oil (74), a donation.
    // The 100-point credit takes a second staff member (the two-person
    // rule): adding them and their PIN are two entries more, six in all.
    let mut one = scripted();
    one.credit("A001", "100", "2026-10").unwrap();
    one.credit("B002", "50", "2026-10").unwrap();
    redeem(&mut one, "A001", "1234", &[("salt-500g", 2), ("oil-5l", 1)]);
    one.restock(&[("salt-500g", 5)]);
    upload_all(&platform, k1, &tokens[0], &one).await;

    // 李家村: a credit (30), two redemptions (10 and 5), the second voided;
    // then nothing uploaded for ten days.
    let mut two = scripted();
    two.credit("A001", "30", "2026-10").unwrap();
    redeem(&mut two, "A001", "1234", &[("salt-500g", 4)]);
    let voided = redeem(&mut two, "A001", "1234", &[("salt-500g", 2)]);
    let request = two.next_request();
    two.run(
        &common::kiosk::staff(),
        aixin_kiosk::ledger::Operation::Void {
            redemption_seq: voided,
            reason: common::kiosk::text("拿错了"),
            request,
        },
    )
    .unwrap();
    upload_all(&platform, k2, &tokens[1], &two).await;
    let client = platform.pool.get().await.unwrap();
    client
        .batch_execute(&format!(
            "UPDATE upload SET at = now() - interval '10 days' WHERE kiosk = '{k2}';
             UPDATE kiosk SET created_at = now() - interval '20 days' WHERE county_id = '{k2}'"
        ))
        .await
        .unwrap();

    // 王家村: two credits (40 and 5) held by the platform, then a twin with
    // another second credit: a fork.
    let mut three = scripted();
    let mut twin = scripted();
    three.credit("A001", "40", "2026-10").unwrap();
    twin.credit("A001", "40", "2026-10").unwrap();
    three.credit("B002", "5", "2026-11").unwrap();
    twin.credit("B002", "6", "2026-11").unwrap();
    upload_all(&platform, k3, &tokens[2], &three).await;
    let twins = records(&twin);
    let fork = platform
        .upload(k3, &tokens[2], &body(k3, &twins, 1, twins.len() as u64))
        .await;
    assert_eq!(fork.code(), "PLATFORM_FORK");

    // 赵家村: a redemption of 1 salt (2.50), two donations; then an upload
    // naming another county id is refused.
    let mut four = scripted();
    redeem(&mut four, "B002", "5678", &[("salt-500g", 1)]);
    four.restock(&[("oil-5l", 3)]);
    four.restock(&[("soap", 4)]);
    upload_all(&platform, k4, &tokens[3], &four).await;
    let fours = records(&four);
    let last = fours.len() as u64;
    let refused = platform
        .upload(k4, &tokens[3], &body(k1, &fours, last, last))
        .await;
    assert_eq!(refused.code(), "PLATFORM_REFUSED");

    // 孙家村: nothing this month, and a credit from the county waiting.
    let five = Kiosk::with_village();
    upload_all(&platform, k5, &tokens[4], &five).await;
    let file = "户号,积分,期间\r\nA001,8.50,2026-11\r\n";
    aixin_platform::credits::import_file(&platform.pool, &cache, k5, file.as_bytes(), "县里")
        .await
        .unwrap();

    aixin_platform::county::add_user(&platform.pool, USER, PASSWORD)
        .await
        .unwrap();
    let month = aixin_platform::county::Month::of(one.now, 480).to_string();
    let auth = [("Authorization", BASIC)];
    let page = get(&platform, &format!("/county?month={month}"), &auth).await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'none'"));
    let html = page.text();
    assert!(!html.contains("<script") && !html.contains("style=\""));
    let rows = table_rows(&html);
    let heads = [
        records(&one).len(),
        records(&two).len(),
        records(&three).len(),
        fours.len(),
        records(&five).len(),
    ];
    let expected: [(&str, [&str; 9]); 5] = [
        (
            "ok",
            [k1, "张家村", "", "", "6", "150.00", "74.00", "1", "正常"],
        ),
        (
            "silent",
            [
                k2,
                "李家村",
                "",
                "",
                "4",
                "30.00",
                "10.00",
                "0",
                "超过 7 天没有上传",
            ],
        ),
        (
            "fork",
            [
                k3,
                "王家村",
                "",
                "",
                "2",
                "45.00",
                "0.00",
                "0",
                "分叉，待县里处理",
            ],
        ),
        (
            "refused",
            [
                k4,
                "赵家村",
                "",
                "",
                "3",
                "0.00",
                "2.50",
                "2",
                "有记录被拒收",
            ],
        ),
        (
            "credits_waiting",
            [
                k5,
                "孙家村",
                "",
                "",
                "0",
                "0.00",
                "0.00",
                "0",
                "有积分待下发 (1)",
            ],
        ),
    ];
    assert_eq!(rows.len(), 5);
    for ((class, cells), ((want_class, want), head)) in rows.iter().zip(expected.iter().zip(heads))
    {
        assert_eq!(class, want_class, "{cells:?}");
        assert_eq!(cells.len(), 9);
        assert_eq!(cells[2], head.to_string(), "{cells:?}");
        assert!(cells[3].starts_with("20"), "{cells:?}");
        for index in [0, 1, 4, 5, 6, 7, 8] {
            assert_eq!(cells[index], want[index], "column {index} of {cells:?}");
        }
    }
    // English on request.
    let english = get(&platform, &format!("/county?month={month}&lang=en"), &auth)
        .await
        .text();
    assert!(
        english.contains("Points credited this month")
            && english.contains("nothing for more than 7 days")
    );
    assert!(english.contains("<html lang=\"en\">"));

    // One village's households as the platform folded them: A001 had 20,
    // got 100 and spent 74; B002 had 5 and got 50.
    let village_page = get(&platform, &format!("/county/kiosk/{k1}"), &auth).await;
    assert_eq!(village_page.status, 200);
    let households = table_rows(&village_page.text());
    assert_eq!(
        households[0].1,
        ["A001", "王建国", "第一组", "46.00", "active"]
    );
    assert_eq!(
        households[1].1,
        ["B002", "李桂芳", "第一组", "55.00", "active"]
    );

    // The month's redemptions as a CSV for Excel, re-read.
    let csv = get(
        &platform,
        &format!("/county/redemptions.csv?month={month}"),
        &auth,
    )
    .await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(csv.body[3..].to_vec()).unwrap();
    assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'));
    let lines: Vec<&str> = text.split("\r\n").filter(|line| !line.is_empty()).collect();
    assert!(lines[0].starts_with(
        "县级编号,村,小票号,类型,原小票号,时间,户号,户名,商品编码,商品名称,数量,单价,金额"
    ));
    // The kiosk's own columns follow the county id and village, as many as
    // the kiosk's export writes.
    let header: Vec<&str> = lines[0].split(',').collect();
    let amount_column = header.iter().position(|title| *title == "金额").unwrap();
    let mut by_kiosk: Vec<(String, i64, usize)> = Vec::new();
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        let amount = aixin_kiosk::points::Points::parse_signed(cells[amount_column])
            .unwrap()
            .hundredths();
        match by_kiosk.iter_mut().find(|(id, _, _)| id == cells[0]) {
            Some((_, sum, count)) => {
                *sum += amount;
                *count += 1;
            }
            None => by_kiosk.push((cells[0].to_string(), amount, 1)),
        }
    }
    assert_eq!(
        by_kiosk,
        [
            (k1.to_string(), 7_400, 2),
            (k2.to_string(), 1_000, 3),
            (k4.to_string(), 250, 1)
        ]
    );

    // Without a county account, every page and the CSV are refused.
    let paths = [
        format!("/county?month={month}"),
        format!("/county/kiosk/{k1}"),
        format!("/county/redemptions.csv?month={month}"),
    ];
    let wrong = "Basic 546L56eR6ZW/Ondyb25n"; // 王科长:wrong
    for path in &paths {
        let none = get(&platform, path, &[]).await;
        assert_eq!(none.status, 401, "{path}");
        assert!(none
            .header("www-authenticate")
            .unwrap()
            .starts_with("Basic"));
        assert!(none.text().contains("县级账号") && none.text().contains("county account"));
        assert_eq!(
            get(&platform, path, &[("Authorization", wrong)])
                .await
                .status,
            401,
            "{path}"
        );
    }
    // The access log: a row per view and download (4), and per refusal (6).
    assert_eq!(
        platform
            .count(&format!(
                "SELECT count(*) FROM access_log WHERE status = 200 AND user_name = '{USER}'"
            ))
            .await,
        4
    );
    assert_eq!(
        platform
            .count("SELECT count(*) FROM access_log WHERE status = 401 AND user_name IS NULL")
            .await,
        6
    );
    assert_eq!(platform.count("SELECT count(*) FROM access_log WHERE path LIKE '/county/redemptions.csv%' AND status = 200").await, 1);
    // An account added twice, a short password: refused.
    assert!(
        aixin_platform::county::add_user(&platform.pool, USER, PASSWORD)
            .await
            .is_err()
    );
    assert!(
        aixin_platform::county::add_user(&platform.pool, "李四", "short")
            .await
            .is_err()
    );
    let bad_month = get(&platform, "/county/redemptions.csv?month=2026-13", &auth).await;
    assert_eq!(bad_month.status, 422);
    assert!(bad_month.text().contains("2026-11"));
}

// ---------------------------------------------------------------------------
// The restore drill

/// Every kiosk's head, and the balances and state hash its journal folds to.
async fn snapshot(
    pool: &deadpool_postgres::Pool,
) -> Vec<(String, i64, Vec<u8>, String, Vec<(String, i64)>)> {
    let client = pool.get().await.unwrap();
    let rows = client
        .query(
            "SELECT county_id, head_seq, head_hash FROM kiosk ORDER BY county_id",
            &[],
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    for row in rows {
        let (id, seq, hash): (String, i64, Vec<u8>) = (row.get(0), row.get(1), row.get(2));
        let head: [u8; 32] = hash.clone().try_into().unwrap();
        let state =
            aixin_platform::fold::load(&**client, &Cache::default(), &id, seq as u64, &head)
                .await
                .unwrap()
                .into_state()
                .unwrap();
        let balances = state
            .households
            .values()
            .map(|h| (h.code.to_string(), h.balance.hundredths()))
            .collect();
        out.push((id, seq, hash, state.state_hash(), balances));
    }
    out
}

fn pg_tool(name: &str) -> std::process::Command {
    let bin = std::env::var("PG_BIN").unwrap_or_else(|_| "/usr/lib/postgresql/15/bin".to_string());
    std::process::Command::new(format!("{bin}/{name}"))
}

#[tokio::test]
async fn the_restore_drill_dumps_drops_and_restores_to_the_same_heads_and_balances() {
    let platform = Platform::start().await;
    let mut one = village(30);
    one.credit("A001", "7.25", "2026-11").unwrap();
    let token = platform.enroll(ID, &one).await;
    upload_all(&platform, ID, &token, &one).await;
    let two = Kiosk::with_village();
    admin::add(&platform.pool, "420102001002-01", "李家村")
        .await
        .unwrap();
    let token = platform.enroll_existing("420102001002-01", &two).await;
    upload_all(&platform, "420102001002-01", &token, &two).await;
    let before = snapshot(&platform.pool).await;
    assert_eq!(before.len(), 2);
    assert_eq!(before[0].3, one.ledger.state().state_hash());
    assert_eq!(before[1].3, two.ledger.state().state_hash());

    let name = platform.url.rsplit("dbname=").next().unwrap().to_string();
    let dump = std::env::temp_dir().join(format!("{name}.dump"));
    let dumped = pg_tool("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .args(["--dbname", &platform.url])
        .status()
        .unwrap();
    assert!(dumped.success());
    platform.pool.close();
    let admin_pool = aixin_platform::db::pool(&common::base_url(), 1).unwrap();
    let admin_client = admin_pool.get().await.unwrap();
    admin_client
        .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .unwrap();
    let gone = admin_client
        .query_one(
            "SELECT count(*) FROM pg_database WHERE datname = $1",
            &[&name],
        )
        .await
        .unwrap();
    assert_eq!(gone.get::<_, i64>(0), 0);
    admin_client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let restored = pg_tool("pg_restore")
        .args(["--exit-on-error", "--dbname", &platform.url])
        .arg(&dump)
        .status()
        .unwrap();
    assert!(restored.success());
    let _ = std::fs::remove_file(&dump);

    let pool = aixin_platform::db::pool(&platform.url, 2).unwrap();
    assert_eq!(
        aixin_platform::db::migrate(&pool).await.unwrap(),
        Vec::<i32>::new()
    );
    assert_eq!(snapshot(&pool).await, before);
    // And the platform carries on from the restored heads.
    let platform = Platform::serve(pool, platform.url.clone()).await;
    let mut one = one;
    let head = records(&one).len() as u64;
    one.credit("B002", "1", "2026-12").unwrap();
    let answer = platform
        .upload(
            ID,
            &token_of(&platform, ID, &one).await,
            &body(ID, &records(&one), head + 1, head + 1),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
}

/// A new token for `id` (the old one died with nothing; tokens survive a
/// restore too, but this test holds only the second kiosk's).
async fn token_of(platform: &Platform, id: &str, kiosk: &Kiosk) -> String {
    platform.enroll_existing(id, kiosk).await
}
