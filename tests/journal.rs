//! The journal's format and verification: every entry kind round-trips
//! through its bytes, the golden fixture of format 1 opens to the same state
//! forever, and tampering is named at the right seq.

mod common;

use aixin_kiosk::entry::{Entry, HouseholdKind, ItemDetails};
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::KioskId;
use aixin_kiosk::journal::{self, ndjson_line, parse_ndjson_line, OpenError, StoredRecord};
use aixin_kiosk::ledger::{Auth, Operation, Outcome};
use aixin_kiosk::state::HouseholdStatus;
use common::*;
use std::collections::BTreeSet;

const GOLDEN: &str = "tests/fixtures/golden-v1.ndjson";
/// The state hash the golden journal folds to. Every build must reproduce it.
const GOLDEN_STATE_HASH: &str = include_str!("fixtures/golden-v1.state-hash");

const ALL_KINDS: [&str; 42] = [
    "genesis",
    "household_registered",
    "household_updated",
    "household_suspended",
    "household_reinstated",
    "household_moved_away",
    "pin_set",
    "household_unlocked",
    "credited",
    "corrected",
    "redeemed",
    "redemption_voided",
    "item_added",
    "item_updated",
    "item_repriced",
    "item_deactivated",
    "item_reactivated",
    "restocked",
    "stock_adjusted",
    "staff_added",
    "staff_updated",
    "staff_pin_set",
    "recovery_code_set",
    "setting_changed",
    "year_closed",
    "batch_uploaded",
    "rules_changed",
    "score_posted",
    "score_objected",
    "score_submitted",
    "scores_approved",
    "objection_raised",
    "objection_resolved",
    "scores_applied",
    "blacklisted",
    "blacklist_lifted",
    "journal_restarted",
    "member_added",
    "member_removed",
    "points_transferred",
    "clock_confirmed",
    "archived",
];

/// Kinds the ledger no longer writes, which older journals hold and open
/// with their old meaning: a sheet posted at import, before sheets were
/// reviewed (`tests/rules.rs` opens such a journal).
const RETIRED_KINDS: [&str; 1] = ["score_posted"];

/// A deterministic journal with a few hundred entries of every kind the
/// ledger writes.
fn golden_kiosk() -> Kiosk {
    let mut kiosk = Kiosk::with_village();
    let staff = staff();
    for index in 0..50 {
        let household = format!("G{index:03}");
        kiosk.register(&household, &format!("住户{index}"));
        kiosk.set_pin(&household, "2468");
        for month in 1..=3 {
            kiosk
                .credit(
                    &household,
                    &format!("{}.{}", index % 7 + 1, index % 10),
                    &format!("2026-{month:02}"),
                )
                .unwrap();
        }
    }
    let mut receipts = Vec::new();
    for index in 0..40 {
        let household = format!("G{index:03}");
        let session = kiosk.sign_in(&household, "2468").unwrap();
        let request = kiosk.next_request();
        if let Ok(Outcome::Receipt(receipt)) = kiosk.redeem(&session, &[("salt-500g", 1)], request)
        {
            receipts.push(receipt.seq);
        }
        if index % 4 == 0 {
            kiosk.restock(&[("salt-500g", 3)]);
        }
    }
    let run = |kiosk: &mut Kiosk, operation: Operation| {
        kiosk.run(&staff, operation).unwrap();
    };
    for seq in receipts.iter().step_by(5) {
        let request = kiosk.next_request();
        run(
            &mut kiosk,
            Operation::Void {
                redemption_seq: *seq,
                reason: text("拿错了"),
                request,
            },
        );
    }
    let request = kiosk.next_request();
    run(
        &mut kiosk,
        Operation::UpdateHousehold {
            household: code("G001"),
            name: text("住户一"),
            group: text("第二组"),
            kind: HouseholdKind::Unit,
            request,
        },
    );
    for status in [
        HouseholdStatus::Suspended,
        HouseholdStatus::Active,
        HouseholdStatus::MovedAway,
    ] {
        let request = kiosk.next_request();
        run(
            &mut kiosk,
            Operation::SetHouseholdStatus {
                household: code("G002"),
                status,
                reason: text("核查"),
                request,
            },
        );
    }
    let request = kiosk.next_request();
    run(
        &mut kiosk,
        Operation::Correct {
            household: code("G002"),
            amount: points("-3.5"),
            refers_to_seq: None,
            reason: text("迁出结算"),
            request,
        },
    );
    for _ in 0..5 {
        let _ = kiosk.sign_in("G003", "0000");
    }
    let request = kiosk.next_request();
    run(
        &mut kiosk,
        Operation::Unlock {
            household: code("G003"),
            request,
        },
    );
    let details = ItemDetails {
        name_zh: text("食盐 (加碘) 500g"),
        name_en: Some(text("Iodised salt 500 g")),
        unit: text("袋"),
        category: text("调味"),
        barcode: aixin_kiosk::entry::Barcode::new("6901234567892"),
        image: aixin_kiosk::entry::ImageRef::new("img/goods/salt-500g.svg"),
        low_stock: Some(8),
    };
    let request = kiosk.next_request();
    run(
        &mut kiosk,
        Operation::UpdateItem {
            sku: sku("salt-500g"),
            details,
            request,
        },
    );
    let request = kiosk.next_request();
    run(
        &mut kiosk,
        Operation::Reprice {
            sku: sku("salt-500g"),
            price: points("2.8"),
            request,
        },
    );
    for active in [false, true] {
        let request = kiosk.next_request();
        run(
            &mut kiosk,
            Operation::SetItemActive {
                sku: sku("oil-5l"),
                active,
                request,
            },
        );
    }
    let request = kiosk.next_request();
    run(
        &mut kiosk,
        Operation::AdjustStock {
            sku: sku("salt-500g"),
            delta: -1,
            reason: text("破损"),
            request,
        },
    );
    let request = kiosk.next_request();
    let pin = aixin_kiosk::credential::Pin::new("1111").unwrap();
    let shopkeeper = aixin_kiosk::ids::StaffId::new("shop-1").unwrap();
    let role = aixin_kiosk::entry::Role::Shopkeeper;
    run(
        &mut kiosk,
        Operation::AddStaff {
            staff: shopkeeper.clone(),
            name: text("李秀兰"),
            role,
            pin,
            salt: [3; 16],
            request,
        },
    );
    let request = kiosk.next_request();
    run(
        &mut kiosk,
        Operation::UpdateStaff {
            staff: shopkeeper,
            name: text("李秀兰"),
            role: aixin_kiosk::entry::Role::Clerk,
            active: false,
            request,
        },
    );
    score_sheets(&mut kiosk);
    members(&mut kiosk);
    let setting = aixin_kiosk::settings::Setting::parse("posting_days", "7").unwrap();
    let request = kiosk.next_request();
    run(&mut kiosk, Operation::ChangeSetting { setting, request });
    let request = kiosk.next_request();
    run(
        &mut kiosk,
        Operation::CloseYear {
            year: 2025,
            request,
        },
    );
    let last_seq = kiosk.ledger.state().seq;
    let request = kiosk.next_request();
    run(&mut kiosk, Operation::MarkUploaded { last_seq, request });
    // An archive of what was marked: the entry vouching for the state at
    // that seq (the shell then moves the entries out).
    let state = kiosk.ledger.state();
    let (through_seq, head, state_hash) = (state.seq, state.head, state.state_hash());
    let request = kiosk.next_request();
    run(
        &mut kiosk,
        Operation::Archive {
            through_seq,
            head,
            state_hash,
            request,
        },
    );
    restart_after_damage(&mut kiosk);
    kiosk
}

/// Members with a card, a split (分户) and a merge (合户).
fn members(kiosk: &mut Kiosk) {
    use aixin_kiosk::ledger::members::MemberOperation;
    let operations = [
        MemberOperation::AddMember {
            household: code("G020"),
            member: text("住户二十之子"),
            relation: text("子女"),
            card: Some(code("CARD020")),
        },
        MemberOperation::Split {
            from: code("G020"),
            household: code("G099"),
            name: text("住户二十之子"),
            group: text("第一组"),
            kind: HouseholdKind::Family,
            amount: points("2"),
            members: vec![text("住户二十之子")],
            reason: text("成家分户"),
        },
        MemberOperation::Merge {
            from: code("G021"),
            into: code("G022"),
            reason: text("合户"),
        },
    ];
    for operation in operations {
        let request = kiosk.next_request();
        kiosk
            .run(&staff(), Operation::Members { operation, request })
            .unwrap();
    }
}

/// Three periods of score sheets in which G010 is last each time (it goes
/// on the blacklist and is lifted), one objection, and credits of the
/// changed rules' version.
fn score_sheets(kiosk: &mut Kiosk) {
    use aixin_kiosk::scoresheet::PointsOperation;
    kiosk.use_score_sheets();
    for (index, period) in ["2026-04", "2026-05", "2026-06"].into_iter().enumerate() {
        kiosk
            .post_scores(period, &[("G004", "95"), ("G005", "86.5"), ("G010", "60")])
            .unwrap();
        if index == 0 {
            let operation = PointsOperation::Object {
                period: aixin_kiosk::ids::Period::new(period).unwrap(),
                household: code("G005"),
                finding: text("复核厨房得分"),
                score: aixin_kiosk::rules::Score::from_tenths(900).unwrap(),
            };
            kiosk.points_op(operation).unwrap();
        }
        if index == 1 {
            let period = aixin_kiosk::ids::Period::new(period).unwrap();
            let raise = PointsOperation::RaiseObjection {
                period: period.clone(),
                household: code("G004"),
                raised_by: text("村民王某"),
                what: text("庭院分数有误"),
            };
            kiosk.points_op(raise).unwrap();
            let resolve = PointsOperation::ResolveObjection {
                period,
                household: code("G004"),
                finding: text("复核无误"),
                score: None,
            };
            kiosk.points_op(resolve).unwrap();
        }
        kiosk.apply_scores_after(period, 6).unwrap();
    }
    let operation = PointsOperation::LiftBlacklist {
        household: code("G010"),
        reason: text("已整改"),
    };
    kiosk.points_op(operation).unwrap();
}

/// A flipped bit in the last stored entry, and the admin's last-resort
/// recovery: the journal restarts after the last good hash.
fn restart_after_damage(kiosk: &mut Kiosk) {
    kiosk.credit("G010", "1", "2026-04").unwrap();
    let last = kiosk.ledger.state().seq;
    kiosk.store.journal.get_mut(&last).unwrap()[12] ^= 1;
    let admin = aixin_kiosk::backup::StaffPin {
        staff: aixin_kiosk::ids::StaffId::new("admin").unwrap(),
        pin: "0000".into(),
    };
    let recovery = aixin_kiosk::backup::recover(
        &kiosk.store.records(),
        &kiosk.store.credential_records(),
        None,
        &KioskId::new(KIOSK).unwrap(),
        &admin,
        kiosk.now + 1000,
        config(),
    )
    .map_err(|refusal| refusal.error)
    .unwrap();
    kiosk.store.journal = recovery.rebuilt.journal.into_iter().collect();
    kiosk.ledger = recovery.rebuilt.ledger;
}

fn ndjson(kiosk: &Kiosk) -> String {
    kiosk
        .store
        .records()
        .iter()
        .map(|(_, stored)| ndjson_line(&StoredRecord::from_bytes(stored).unwrap()) + "\n")
        .collect()
}

fn records_of(ndjson: &str) -> Vec<(u64, Vec<u8>)> {
    ndjson
        .lines()
        .enumerate()
        .map(|(index, line)| {
            (
                index as u64 + 1,
                parse_ndjson_line(line)
                    .expect("an ndjson record")
                    .to_bytes(),
            )
        })
        .collect()
}

fn open(records: Vec<(u64, Vec<u8>)>) -> Result<aixin_kiosk::ledger::Ledger, OpenError> {
    journal::open(records, Vec::new(), &KioskId::new(KIOSK).unwrap(), config())
}

#[test]
fn every_entry_kind_round_trips_through_its_bytes() {
    let kiosk = golden_kiosk();
    let mut kinds = BTreeSet::new();
    for (_, stored) in kiosk.store.records() {
        let record = StoredRecord::from_bytes(&stored).unwrap();
        let entry = Entry::decode(&record.bytes).unwrap();
        assert_eq!(
            entry.encode(),
            record.bytes,
            "canonical bytes of entry {}",
            entry.seq
        );
        assert_eq!(parse_ndjson_line(&ndjson_line(&record)), Some(record));
        kinds.insert(entry.body.kind());
    }
    let written = ALL_KINDS
        .into_iter()
        .filter(|kind| !RETIRED_KINDS.contains(kind));
    assert_eq!(kinds, written.collect::<BTreeSet<_>>());
}

#[test]
fn the_golden_journal_of_format_1_opens_to_the_same_state() {
    let fixture = std::fs::read_to_string(GOLDEN).expect("the golden fixture is committed");
    let records = records_of(&fixture);
    assert!(records.len() >= 300, "{} entries", records.len());
    let ledger = open(records).map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!(ledger.state().state_hash(), GOLDEN_STATE_HASH.trim());
    let kinds: BTreeSet<_> = fixture
        .lines()
        .map(|line| {
            Entry::decode(&parse_ndjson_line(line).unwrap().bytes)
                .unwrap()
                .body
                .kind()
        })
        .collect();
    // Format 1 gains kinds over time; the fixture's are some of them.
    assert!(
        kinds.is_subset(&ALL_KINDS.into_iter().collect()),
        "{kinds:?}"
    );
    assert!(kinds.len() >= 26, "{kinds:?}");
}

#[test]
#[ignore = "writes the golden fixture; run once per format version"]
fn write_golden_fixture() {
    let kiosk = golden_kiosk();
    std::fs::create_dir_all("tests/fixtures").unwrap();
    std::fs::write(GOLDEN, ndjson(&kiosk)).unwrap();
    std::fs::write(
        "tests/fixtures/golden-v1.state-hash",
        kiosk.ledger.state().state_hash() + "\n",
    )
    .unwrap();
}

#[test]
fn replaying_the_journal_reproduces_the_state() {
    let mut kiosk = golden_kiosk();
    let before = kiosk.ledger.state().state_hash();
    let totals = kiosk.ledger.state().totals;
    kiosk.reopen().unwrap();
    assert_eq!(kiosk.ledger.state().state_hash(), before);
    assert_eq!(kiosk.ledger.state().totals, totals);
}

/// Opens tampered records and returns the seq named by STORAGE_CORRUPT, and
/// the seq of the verified prefix.
fn corrupt_at(records: Vec<(u64, Vec<u8>)>) -> (u64, u64) {
    match open(records) {
        Err(OpenError::Corrupt {
            error: Error::StorageCorrupt { seq, .. },
            prefix,
        }) => {
            assert_eq!(prefix.read_only().map(Error::code), Some("STORAGE_CORRUPT"));
            (seq, prefix.state().seq)
        }
        other => panic!(
            "expected STORAGE_CORRUPT, got {:?}",
            other.map(|l| l.state().seq)
        ),
    }
}

#[test]
fn tampering_is_named_at_the_right_seq() {
    let kiosk = golden_kiosk();
    let records = kiosk.store.records();
    let last = records.len() as u64;

    // A changed byte in entry 57 (a digit of its time).
    let mut changed = records.clone();
    let bytes = &mut changed[56].1;
    let position = bytes.windows(7).position(|w| w == b"time_ms").unwrap() + 10;
    bytes[position] = if bytes[position] == b'1' { b'2' } else { b'1' };
    assert_eq!(corrupt_at(changed), (57, 56));

    // A flipped bit in the stored hash of entry 12.
    let mut flipped = records.clone();
    let end = flipped[11].1.len() - 1;
    flipped[11].1[end] ^= 1;
    assert_eq!(corrupt_at(flipped), (12, 11));

    // A removed entry.
    let mut removed = records.clone();
    removed.remove(99);
    assert_eq!(corrupt_at(removed), (100, 99));

    // A reordered pair: records 30 and 31 swap places under their keys.
    let mut reordered = records.clone();
    let (a, b) = (reordered[29].1.clone(), reordered[30].1.clone());
    reordered[29].1 = b;
    reordered[30].1 = a;
    assert_eq!(corrupt_at(reordered), (30, 29));

    // An entry appended by hand: a valid entry, but its hash is not the chain's.
    let mut appended = records.clone();
    let template = StoredRecord::from_bytes(&records[records.len() - 1].1).unwrap();
    let mut entry = Entry::decode(&template.bytes).unwrap();
    entry.seq = last + 1;
    entry.id = aixin_kiosk::entry::EntryId::new("forged-1").unwrap();
    let bytes = entry.encode();
    let forged = StoredRecord {
        hash: aixin_kiosk::entry::chain_hash(&[0; 32], &bytes),
        bytes,
    };
    appended.push((last + 1, forged.to_bytes()));
    assert_eq!(corrupt_at(appended), (last + 1, last));

    // Undecodable bytes with a correct chain hash are named too.
    let mut garbage = records.clone();
    let previous = StoredRecord::from_bytes(&records[40].1).unwrap().hash;
    let bytes = b"{\"not\":\"an entry\"}".to_vec();
    garbage[41].1 = StoredRecord {
        hash: aixin_kiosk::entry::chain_hash(&previous, &bytes),
        bytes,
    }
    .to_bytes();
    assert_eq!(corrupt_at(garbage), (42, 41));
}

#[test]
fn a_corrupt_journal_refuses_every_change() {
    let kiosk = golden_kiosk();
    let mut records = kiosk.store.records();
    records.remove(200);
    let Err(OpenError::Corrupt { mut prefix, .. }) = open(records) else {
        panic!()
    };
    let error = prefix
        .prepare(&Auth::System, Operation::LoadDemo, T0)
        .unwrap_err();
    assert_eq!(error.code(), "STORAGE_CORRUPT");
}

#[test]
fn a_journal_of_another_kiosk_is_refused() {
    let kiosk = Kiosk::new();
    let result = journal::open(
        kiosk.store.records(),
        Vec::new(),
        &KioskId::new("village-02").unwrap(),
        config(),
    );
    let Err(OpenError::WrongKiosk(error)) = result else {
        panic!()
    };
    assert_eq!(
        error,
        Error::WrongKiosk {
            expected: "village-02".into(),
            found: KIOSK.into()
        }
    );
}
