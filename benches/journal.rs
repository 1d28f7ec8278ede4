//! How the journal scales: one village's journal of 1,000 to 100,000 entries,
//! built with the core itself, and at each size the cost of appending one
//! redemption, of opening (verifying the whole chain and folding it), of
//! storing it, and of exporting it as NDJSON.
//!
//! Run with `cargo bench --bench journal`. With `-- --write-ndjson DIR`
//! (optionally `--sizes 1000,10000`) it measures nothing and instead writes
//! the journals for the browser benchmark (`./scripts/bench`): for each size
//! N, `DIR/journal-N.ndjson` (one `journal::ndjson_line` per record),
//! `DIR/credentials-N.json` (credential store key → hex of the stored
//! `Credential` bytes) and `DIR/info-N.json` (kiosk id, PIN, latest entry
//! time, and the native cost of opening that journal, split into phases).
//!
//! The village is realistic in
//! shape: 300 households, 40 goods, points credited monthly (1, 3 or 5 for
//! the evaluation, more for activities), mostly small redemptions of cheap
//! daily goods, restocks from donors when stock runs low, a few voids and
//! corrections. PINs cost one PBKDF2 iteration here; the cost of a real PIN
//! is the shell's choice and is not the journal's.

use aixin_kiosk::entry::{HouseholdKind, ItemDetails, SourceType};
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::{HouseholdCode, KioskId, Period, RequestId, Sku, StaffId, Text};
use aixin_kiosk::journal::{self, ndjson_line, StoredRecord};
use aixin_kiosk::ledger::{Auth, BasketLine, Ledger, LedgerConfig, Operation, Outcome, SessionId};
use aixin_kiosk::points::Points;
use aixin_kiosk::shell;
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const KIOSK: &str = "bench-01";
const HOUSEHOLDS: usize = 300;
const SIZES: [usize; 4] = [1_000, 10_000, 50_000, 100_000];
/// Redemptions timed at each size.
const APPENDS: usize = 300;
const T0: i64 = 1_767_225_600_000; // 2026-01-01 00:00 UTC
const DAY_MS: i64 = 86_400_000;

/// The shop's goods: SKU, name and price in points.
const GOODS: [(&str, &str, &str); 40] = [
    ("salt-500g", "食盐 500g", "2.50"),
    ("soy-sauce-500ml", "酱油 500ml", "6.80"),
    ("vinegar-500ml", "醋 500ml", "4.50"),
    ("oil-5l", "食用油 5L", "69"),
    ("oil-1.8l", "食用油 1.8L", "29.90"),
    ("rice-5kg", "大米 5kg", "25.90"),
    ("rice-10kg", "大米 10kg", "49"),
    ("flour-5kg", "面粉 5kg", "22"),
    ("noodles-1kg", "挂面 1kg", "7.50"),
    ("egg", "鸡蛋 1个", "0.80"),
    ("sugar-400g", "白糖 400g", "5.50"),
    ("msg-200g", "味精 200g", "4"),
    ("tea-100g", "茶叶 100g", "15"),
    ("soap", "肥皂", "3"),
    ("laundry-powder-1kg", "洗衣粉 1kg", "9.90"),
    ("dish-soap-500g", "洗洁精 500g", "5.80"),
    ("toothpaste", "牙膏", "6.50"),
    ("toothbrush", "牙刷", "2"),
    ("towel", "毛巾", "8"),
    ("toilet-paper-10", "卫生纸 10卷", "16.80"),
    ("tissues", "纸巾", "2.50"),
    ("shampoo-400ml", "洗发水 400ml", "19.90"),
    ("body-wash-400ml", "沐浴露 400ml", "18.50"),
    ("matches", "火柴", "0.50"),
    ("candles-6", "蜡烛 6支", "3.50"),
    ("batteries-aa-4", "电池 5号 4节", "6"),
    ("light-bulb", "灯泡", "5"),
    ("needle-thread", "针线包", "3"),
    ("notebook", "作业本", "1.50"),
    ("pencils-10", "铅笔 10支", "4"),
    ("ballpoint-pen", "圆珠笔", "1"),
    ("thermos", "暖水瓶", "28"),
    ("bowl", "碗", "3.50"),
    ("chopsticks-10", "筷子 10双", "6"),
    ("washbasin", "脸盆", "12"),
    ("mop", "拖把", "15"),
    ("broom", "扫帚", "10"),
    ("umbrella", "雨伞", "20"),
    ("work-gloves", "劳保手套", "2.50"),
    ("garbage-bags", "垃圾袋", "3"),
];

/// SplitMix64, so every run builds the same journal.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    fn percent(&mut self, chance: u64) -> bool {
        self.below(100) < chance
    }
}

fn config() -> LedgerConfig {
    LedgerConfig {
        pin_iterations: 1,
        session_idle_ms: 180_000,
    }
}

fn text(value: &str) -> Text {
    Text::new(value, 200).expect("a valid text")
}

fn household_code(index: usize) -> HouseholdCode {
    HouseholdCode::new(&format!("A{index:03}")).expect("a valid code")
}

fn points(value: &str) -> Points {
    Points::parse_unsigned(value).expect("a valid amount")
}

/// The village: a ledger over an in-memory store.
struct Village {
    ledger: Ledger,
    journal: Vec<(u64, Vec<u8>)>,
    credentials: HashMap<String, Vec<u8>>,
    now: i64,
    rng: Rng,
    counter: u64,
    /// Goods picked with a chance inversely proportional to their price:
    /// the cumulative weights.
    weights: Vec<u64>,
    redemptions: Vec<u64>,
}

impl Village {
    fn new() -> Village {
        let mut total = 0;
        let weights = GOODS
            .iter()
            .map(|(_, _, price)| {
                total += 10_000 / points(price).hundredths().max(1) as u64 + 1;
                total
            })
            .collect();
        Village {
            ledger: Ledger::new(config()),
            journal: Vec::new(),
            credentials: HashMap::new(),
            now: T0,
            rng: Rng(2026),
            counter: 0,
            weights,
            redemptions: Vec::new(),
        }
    }

    fn request(&mut self) -> RequestId {
        self.counter += 1;
        RequestId::new(&format!("r{:08}", self.counter)).expect("a valid request id")
    }

    /// prepare → persist → commit.
    fn run(&mut self, auth: &Auth, operation: Operation) -> Result<Outcome, Error> {
        self.now += 30_000;
        let (journal, credentials) = (&mut self.journal, &mut self.credentials);
        shell::submit(&mut self.ledger, auth, operation, self.now, |_, plan| {
            journal.extend(plan.journal_records());
            credentials.extend(plan.credential_records());
            Ok(())
        })
    }

    fn staff(&mut self, operation: Operation) {
        let staff = Auth::Staff(StaffId::new("admin").expect("a valid staff id"));
        if let Err(error) = self.run(&staff, operation) {
            panic!("staff work refused: {error:?}");
        }
    }

    fn setup(&mut self) {
        let setup = Operation::Setup {
            kiosk_id: KioskId::new(KIOSK).expect("a valid kiosk id"),
            village: text("张家村"),
            shop: text("张家村爱心超市"),
            time_zone: text("Asia/Shanghai"),
            utc_offset_minutes: 480,
            admin: StaffId::new("admin").expect("a valid staff id"),
            admin_name: text("村管理员"),
            admin_pin: aixin_kiosk::credential::Pin::new("0000").expect("a valid PIN"),
            pin_salt: [1; 16],
            recovery_code: aixin_kiosk::credential::Pin::recovery_code("123456789012")
                .expect("a valid code"),
            recovery_salt: [2; 16],
        };
        self.run(&Auth::System, setup).expect("setup");
        // The simulated village voids old redemptions without a second
        // staff member at hand: it has turned the two-person rule off.
        let request = self.request();
        let setting = aixin_kiosk::settings::Setting::parse("two_person_rule", "off")
            .expect("a valid setting");
        self.staff(Operation::ChangeSetting { setting, request });
        for index in 0..HOUSEHOLDS {
            let request = self.request();
            self.staff(Operation::RegisterHousehold {
                household: household_code(index),
                name: text(&format!("住户{index}")),
                group: text(&format!("第{}组", index % 8 + 1)),
                kind: HouseholdKind::Family,
                request,
            });
            let request = self.request();
            self.staff(Operation::SetPin {
                household: household_code(index),
                pin: aixin_kiosk::credential::Pin::new("2468").expect("a valid PIN"),
                salt: [index as u8; 16],
                request,
            });
        }
        for (sku, name, price) in GOODS {
            let request = self.request();
            self.staff(Operation::AddItem {
                sku: Sku::new(sku).expect("a valid SKU"),
                details: ItemDetails {
                    name_zh: text(name),
                    name_en: None,
                    unit: text("件"),
                    category: text("日用品"),
                    barcode: None,
                    image: None,
                    low_stock: None,
                },
                price: points(price),
                request,
            });
        }
        let lines = GOODS
            .iter()
            .map(|(sku, _, _)| BasketLine {
                sku: sku.to_string(),
                quantity: 200,
            })
            .collect();
        self.restock(lines);
    }

    fn restock(&mut self, lines: Vec<BasketLine>) {
        let request = self.request();
        let (donor, source_type) = match self.rng.below(4) {
            0 => ("县供销社", SourceType::Organisation),
            1 => ("富民农业公司", SourceType::Company),
            2 => ("村公益金", SourceType::WelfareFund),
            _ => ("乡政府", SourceType::Government),
        };
        self.staff(Operation::Restock {
            donor: text(donor),
            source_type,
            lines,
            declared_value: None,
            request,
        });
    }

    /// One month: the evaluation's points, activity points for some, then
    /// the month's shopping.
    fn month(&mut self, month: usize, entries_max: usize) {
        self.now = self.now.max(T0 + month as i64 * 30 * DAY_MS);
        let period = Period::new(&format!("{}-{:02}", 2026 + month / 12, month % 12 + 1))
            .expect("a valid period");
        for index in 0..HOUSEHOLDS {
            let amount = match self.rng.below(10) {
                0..=1 => continue, // scored below 80
                2..=4 => "1",
                5..=7 => "3",
                _ => "5",
            };
            self.staff(Operation::Credit {
                household: household_code(index),
                amount: points(amount),
                period: period.clone(),
                source: text("evaluation"),
                reason: None,
            });
            if self.rng.percent(30) {
                let amount = format!("{}", 2 + self.rng.below(9));
                self.staff(Operation::Credit {
                    household: household_code(index),
                    amount: points(&amount),
                    period: period.clone(),
                    source: text("activity"),
                    reason: Some(text("志愿服务")),
                });
            }
        }
        for _ in 0..1_000 {
            if self.journal.len() >= entries_max {
                return;
            }
            self.shop();
        }
    }

    fn pick_good(&mut self) -> usize {
        let total = *self.weights.last().expect("goods");
        let roll = self.rng.below(total);
        self.weights.partition_point(|weight| *weight <= roll)
    }

    /// A household comes in, signs in and takes one or two cheap things;
    /// now and then the shopkeeper voids one, corrects a balance, restocks.
    fn shop(&mut self) {
        let index = self.rng.below(HOUSEHOLDS as u64) as usize;
        let household = household_code(index);
        let mut lines: Vec<BasketLine> = Vec::new();
        for _ in 0..1 + usize::from(self.rng.percent(25)) {
            let good = self.pick_good();
            if lines.iter().all(|line| line.sku != GOODS[good].0) {
                let quantity = 1 + i64::from(self.rng.percent(15));
                lines.push(BasketLine {
                    sku: GOODS[good].0.to_string(),
                    quantity,
                });
            }
        }
        let affordable = self
            .ledger
            .quote(&household, &lines)
            .is_ok_and(|quote| quote.total <= quote.balance);
        if !affordable {
            return;
        }
        let Ok(session) = self.sign_in(&household) else {
            return;
        };
        let request = self.request();
        let operation = Operation::Redeem {
            session,
            lines: lines.clone(),
            request,
        };
        match self.run(&Auth::System, operation) {
            Ok(Outcome::Receipt(receipt)) => self.redemptions.push(receipt.seq),
            other => panic!("redemption answered {other:?}"),
        }
        for line in &lines {
            let sku = Sku::new(&line.sku).expect("a valid SKU");
            let stock = self.ledger.state().item(&sku).map_or(0, |item| item.stock);
            if stock < 20 {
                let quantity = 150 + self.rng.below(150) as i64;
                self.restock(vec![BasketLine {
                    sku: line.sku.clone(),
                    quantity,
                }]);
            }
        }
        if self.rng.percent(1) {
            let pick = self.rng.below(self.redemptions.len() as u64) as usize;
            let redemption_seq = self.redemptions.swap_remove(pick);
            let request = self.request();
            self.staff(Operation::Void {
                redemption_seq,
                reason: text("拿错了"),
                request,
            });
        }
        if self.rng.below(1_000) < 3 {
            let request = self.request();
            self.staff(Operation::Correct {
                household,
                amount: Points::from_hundredths(-100).expect("an amount"),
                refers_to_seq: None,
                reason: text("登记有误"),
                request,
            });
        }
    }

    fn sign_in(&mut self, household: &HouseholdCode) -> Result<SessionId, Error> {
        self.counter += 1;
        let session = SessionId::new(&format!("session-{:08}", self.counter))?;
        let operation = Operation::SignIn {
            household: household.clone(),
            pin: "2468".to_string(),
            session,
        };
        match self.run(&Auth::System, operation)? {
            Outcome::SignedIn(session) => Ok(session.id),
            other => panic!("sign-in answered {other:?}"),
        }
    }
}

fn build(entries: usize) -> Village {
    let mut village = Village::new();
    village.setup();
    let mut month = 0;
    while village.journal.len() < entries {
        village.month(month, entries);
        month += 1;
    }
    village
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn percentile(mut samples: Vec<Duration>, percent: usize) -> Duration {
    samples.sort_unstable();
    samples[(samples.len() * percent / 100).min(samples.len() - 1)]
}

/// Opens the first `size` records; returns the ledger and the median time
/// over `runs` opens.
fn time_open(
    records: &[(u64, Vec<u8>)],
    credentials: &[(String, Vec<u8>)],
    runs: usize,
) -> (Ledger, Duration) {
    let kiosk_id = KioskId::new(KIOSK).expect("a valid kiosk id");
    let mut times = Vec::with_capacity(runs);
    let mut opened = None;
    for _ in 0..runs {
        let (records, credentials) = (records.to_vec(), credentials.to_vec());
        let start = Instant::now();
        let ledger = journal::open(records, credentials, &kiosk_id, config());
        times.push(start.elapsed());
        match ledger {
            Ok(ledger) => opened = Some(ledger),
            Err(error) => panic!("the journal does not open: {error:?}"),
        }
    }
    (opened.expect("at least one run"), median(times))
}

/// Appends `APPENDS` redemptions to an opened journal; the time of each
/// prepare + persist (to a vector) + commit, sign-in not included.
fn time_appends(ledger: &mut Ledger, rng: &mut Rng) -> Vec<Duration> {
    let mut store: Vec<(u64, Vec<u8>)> = Vec::with_capacity(APPENDS);
    let mut times = Vec::with_capacity(APPENDS);
    let mut now = ledger.state().time_max_ms + 60_000;
    let mut counter = 0;
    let salt = BasketLine {
        sku: "matches".to_string(),
        quantity: 1,
    };
    while times.len() < APPENDS {
        counter += 1;
        now += 30_000;
        let household = household_code(rng.below(HOUSEHOLDS as u64) as usize);
        let affordable = ledger
            .quote(&household, std::slice::from_ref(&salt))
            .is_ok_and(|quote| quote.total <= quote.balance);
        if !affordable {
            continue;
        }
        let session = SessionId::new(&format!("bench-session-{counter:08}")).expect("an id");
        let sign_in = Operation::SignIn {
            household,
            pin: "2468".to_string(),
            session: session.clone(),
        };
        shell::submit(ledger, &Auth::System, sign_in, now, |_, _| {
            Ok::<_, Error>(())
        })
        .expect("signed in");
        let operation = Operation::Redeem {
            session,
            lines: vec![salt.clone()],
            request: RequestId::new(&format!("bench-{counter:08}")).expect("an id"),
        };
        let start = Instant::now();
        let outcome = shell::submit(ledger, &Auth::System, operation, now, |_, plan| {
            store.extend(plan.journal_records());
            Ok::<_, Error>(())
        });
        times.push(start.elapsed());
        assert!(matches!(outcome, Ok(Outcome::Receipt(_))), "{outcome:?}");
        if let Some(restock) = restock_matches(ledger, now) {
            store.extend(restock);
        }
    }
    black_box(store);
    times
}

fn restock_matches(ledger: &mut Ledger, now: i64) -> Option<Vec<(u64, Vec<u8>)>> {
    let sku = Sku::new("matches").expect("a valid SKU");
    if ledger.state().item(&sku)?.stock > 5 {
        return None;
    }
    let request = RequestId::new(&format!("bench-restock-{now}")).expect("an id");
    let operation = Operation::Restock {
        donor: text("县供销社"),
        source_type: SourceType::Organisation,
        lines: vec![BasketLine {
            sku: "matches".to_string(),
            quantity: 500,
        }],
        declared_value: None,
        request,
    };
    let staff = Auth::Staff(StaffId::new("admin").expect("a valid staff id"));
    let mut records = Vec::new();
    shell::submit(ledger, &staff, operation, now, |_, plan| {
        records = plan.journal_records();
        Ok::<_, Error>(())
    })
    .expect("restocked");
    Some(records)
}

/// `uname -m`, or the architecture Rust was built for.
fn machine() -> String {
    std::process::Command::new("uname")
        .arg("-m")
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// Today's date (UTC) as `YYYY-MM-DD`, from days since the epoch.
fn today() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    let days = seconds.div_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// The first-pass probe `Entry::decode` runs before the full decode.
#[derive(serde::Deserialize)]
struct VersionProbe {
    #[allow(dead_code)]
    format_version: u32,
}

/// The fastest of `runs` timings of `work`: the least disturbed by other
/// work on a shared machine.
fn fastest(runs: usize, mut work: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// `--write-ndjson DIR`: the journals of the browser benchmark, one village
/// built per size so each journal's credentials are the ones of that moment.
fn write_ndjson(dir: &Path, sizes: &[usize]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let kiosk_id = KioskId::new(KIOSK).expect("a valid kiosk id");
    for &size in sizes {
        let start = Instant::now();
        let village = build(size);
        let records = &village.journal[..size.min(village.journal.len())];
        let stored: Vec<StoredRecord> = records
            .iter()
            .map(|(_, bytes)| StoredRecord::from_bytes(bytes).expect("a record"))
            .collect();
        let mut ndjson = String::with_capacity(records.len() * 360);
        for record in &stored {
            ndjson.push_str(&ndjson_line(record));
            ndjson.push('\n');
        }
        std::fs::write(dir.join(format!("journal-{size}.ndjson")), &ndjson)?;
        let credentials: BTreeMap<&String, String> = village
            .credentials
            .iter()
            .map(|(key, bytes)| (key, hex::encode(bytes)))
            .collect();
        std::fs::write(
            dir.join(format!("credentials-{size}.json")),
            serde_json::to_vec(&credentials).expect("JSON"),
        )?;
        // The native cost of opening this journal, and of its phases.
        let credential_records: Vec<(String, Vec<u8>)> = village
            .credentials
            .iter()
            .map(|(key, bytes)| (key.clone(), bytes.clone()))
            .collect();
        let runs = if size <= 10_000 { 5 } else { 3 };
        let mut open = Duration::MAX;
        let mut opened = None;
        for _ in 0..runs {
            let (records, credentials) = (records.to_vec(), credential_records.clone());
            let start = Instant::now();
            let ledger = journal::open(records, credentials, &kiosk_id, config());
            open = open.min(start.elapsed());
            opened = Some(ledger.expect("the journal opens"));
        }
        let ledger = opened.expect("opened");
        let hash = fastest(runs, || {
            let mut head = [0u8; 32];
            for record in &stored {
                head = aixin_kiosk::entry::chain_hash(&head, &record.bytes);
            }
            black_box(head);
        });
        let decode = fastest(runs, || {
            for record in &stored {
                black_box(aixin_kiosk::entry::Entry::decode(&record.bytes).expect("an entry"));
            }
        });
        let probe = fastest(runs, || {
            for record in &stored {
                black_box(
                    serde_json::from_slice::<VersionProbe>(&record.bytes).expect("a version"),
                );
            }
        });
        let stored_bytes: usize = records.iter().map(|(_, bytes)| bytes.len()).sum();
        let info = serde_json::json!({
            "kioskId": KIOSK,
            "entries": records.len(),
            "storedBytes": stored_bytes,
            "pin": "2468",
            "timeMaxMs": ledger.state().time_max_ms,
            "households": ledger.state().households.len(),
            "native": {
                "openMs": millis(open),
                "sha256ChainMs": millis(hash),
                "entryDecodeMs": millis(decode),
                "versionProbeMs": millis(probe),
            },
        });
        assert_eq!(
            ledger.state().kiosk.as_ref().map(|k| k.kiosk_id.clone()),
            Some(kiosk_id.clone())
        );
        std::fs::write(
            dir.join(format!("info-{size}.json")),
            serde_json::to_vec_pretty(&info).expect("JSON"),
        )?;
        println!(
            "journal-{size}.ndjson: {} records, {:.1} MB NDJSON, built in {:.2} s; native open {:.1} ms",
            records.len(),
            ndjson.len() as f64 / 1e6,
            start.elapsed().as_secs_f64(),
            millis(open)
        );
    }
    Ok(())
}

fn main() {
    // `cargo bench` appends `--bench`; only our own options are looked at.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|arg| arg == "--write-ndjson") {
        let Some(dir) = args.get(at + 1) else {
            eprintln!(
                "usage: cargo bench --bench journal -- --write-ndjson DIR [--sizes 1000,10000]"
            );
            std::process::exit(2);
        };
        let sizes: Vec<usize> = match args.iter().position(|arg| arg == "--sizes") {
            Some(at) => args
                .get(at + 1)
                .map(|list| {
                    list.split(',')
                        .filter_map(|size| size.trim().parse().ok())
                        .collect()
                })
                .unwrap_or_default(),
            None => SIZES.to_vec(),
        };
        if let Err(error) = write_ndjson(Path::new(dir), &sizes) {
            eprintln!("writing the journals failed: {error}");
            std::process::exit(1);
        }
        return;
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "Aixin Kiosk journal benchmark — {} — {} ({} threads), aixin-kiosk {}",
        today(),
        machine(),
        threads,
        aixin_kiosk::VERSION
    );
    let largest = *SIZES.last().expect("sizes");
    let start = Instant::now();
    let village = build(largest);
    let built = start.elapsed();
    let state = village.ledger.state();
    let mut kinds: HashMap<&'static str, usize> = HashMap::new();
    for (_, stored) in &village.journal {
        let record = StoredRecord::from_bytes(stored).expect("a record");
        let entry = aixin_kiosk::entry::Entry::decode(&record.bytes).expect("an entry");
        *kinds.entry(entry.body.kind()).or_default() += 1;
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    println!(
        "built {} entries in {:.2} s ({:.0} entries/s): {} households, {} goods, {} redemptions",
        village.journal.len(),
        built.as_secs_f64(),
        village.journal.len() as f64 / built.as_secs_f64(),
        state.households.len(),
        state.items.len(),
        state.redemptions.len()
    );
    let mix: Vec<String> = kinds
        .iter()
        .map(|(kind, count)| {
            format!(
                "{kind} {:.1}%",
                100.0 * *count as f64 / village.journal.len() as f64
            )
        })
        .collect();
    println!("mix: {}", mix.join(", "));
    println!();
    let credentials: Vec<(String, Vec<u8>)> = village
        .credentials
        .iter()
        .map(|(key, bytes)| (key.clone(), bytes.clone()))
        .collect();
    if args.iter().any(|arg| arg == "--checkpoints-only") {
        checkpoint_table(&village, &credentials);
        return;
    }
    println!(
        "{:>8} | {:>14} | {:>11} | {:>9} | {:>14} | {:>11} | {:>9} | {:>12}",
        "entries",
        "append med µs",
        "append p90",
        "open ms",
        "open entries/s",
        "stored MB",
        "B/entry",
        "NDJSON ms"
    );
    println!("{}", "-".repeat(110));
    let mut rng = Rng(7);
    for size in SIZES {
        let records = &village.journal[..size];
        let runs = if size <= 10_000 { 9 } else { 3 };
        let (mut ledger, open) = time_open(records, &credentials, runs);
        assert_eq!(ledger.state().seq, size as u64);
        let appends = time_appends(&mut ledger, &mut rng);
        let bytes: usize = records.iter().map(|(_, stored)| stored.len()).sum();
        let stored: Vec<StoredRecord> = records
            .iter()
            .map(|(_, stored)| StoredRecord::from_bytes(stored).expect("a record"))
            .collect();
        let ndjson = median(
            (0..runs)
                .map(|_| {
                    let start = Instant::now();
                    let mut ndjson_bytes = 0;
                    for record in &stored {
                        ndjson_bytes += black_box(ndjson_line(record)).len() + 1;
                    }
                    black_box(ndjson_bytes);
                    start.elapsed()
                })
                .collect(),
        );
        println!(
            "{:>8} | {:>14.1} | {:>11.1} | {:>9.1} | {:>14.0} | {:>11.2} | {:>9.0} | {:>12.1}",
            size,
            micros(median(appends.clone())),
            micros(percentile(appends, 90)),
            millis(open),
            size as f64 / open.as_secs_f64(),
            bytes as f64 / 1e6,
            bytes as f64 / size as f64,
            millis(ndjson)
        );
    }
    println!();
    println!(
        "append: prepare + persist to memory + commit of one redemption, median and 90th percentile of {APPENDS}"
    );
    println!("open: journal::open = verify seq, format and hash chain of every record and fold them (median of 3–9)");
    println!("stored: entry bytes + 32-byte hash per record; NDJSON: journal::ndjson_line over every record (median of 3–9)");
    println!();
    checkpoint_table(&village, &credentials);
}

/// Checkpoints and exports at every size: the checkpoint's bytes, the time to
/// encode it, to decode it (with its checks) and open from it, and the core's
/// export of every entry (the four files of a batch).
fn checkpoint_table(village: &Village, credentials: &[(String, Vec<u8>)]) {
    println!(
        "{:>8} | {:>14} | {:>10} | {:>10} | {:>10} | {:>10}",
        "entries", "checkpoint MB", "encode ms", "decode ms", "proof ms", "export ms"
    );
    println!("{}", "-".repeat(80));
    let kiosk_id = KioskId::new(KIOSK).expect("a valid kiosk id");
    for size in SIZES {
        let records = &village.journal[..size];
        let (ledger, _) = time_open(records, credentials, 1);
        let state = ledger.state();
        let mut bytes = Vec::new();
        let encode = fastest(3, || bytes = aixin_kiosk::checkpoint::encode(state));
        let decode = fastest(3, || {
            let decoded = aixin_kiosk::checkpoint::decode(&bytes).expect("a checkpoint");
            black_box(decoded);
        });
        let claim = aixin_kiosk::checkpoint::decode(&bytes)
            .expect("a checkpoint")
            .claim;
        let proof = fastest(3, || {
            aixin_kiosk::checkpoint::prove(&claim, state).expect("proved");
        });
        let stored: Vec<(u64, StoredRecord)> = records
            .iter()
            .map(|(seq, stored)| (*seq, StoredRecord::from_bytes(stored).expect("a record")))
            .collect();
        let export = fastest(3, || {
            let batch = aixin_kiosk::export::export(
                state,
                &stored,
                aixin_kiosk::export::ExportRange::Everything,
                state.time_max_ms,
            )
            .expect("an export");
            black_box(batch);
        });
        let _ = &kiosk_id;
        println!(
            "{:>8} | {:>14.2} | {:>10.1} | {:>10.1} | {:>10.1} | {:>10.1}",
            size,
            bytes.len() as f64 / 1e6,
            millis(encode),
            millis(decode),
            millis(proof),
            millis(export)
        );
    }
    println!();
    println!("checkpoint: checkpoint::encode of the state; decode: checkpoint::decode (hash, names, state hash);");
    println!("proof: checkpoint::prove against the state (its encoded state hashed); export: export::export of everything (fastest of 3)");
}
