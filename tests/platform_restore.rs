//! Restoring a lost kiosk from the county platform, natively: the journal in
//! pages opens at the platform's head with the same state hash; PINs come
//! from a backup of any age, or an admin sets a new one (an entry) and the
//! rest are listed; a journal the kiosk's own verification refuses, a page
//! past the head, a head that does not match and a backup of another
//! journal all restore nothing. Credits from the platform are ordinary
//! credit entries appended by the kiosk itself, once per key.

mod common;

use aixin_kiosk::backup::{self, NewAdminPin};
use aixin_kiosk::credential::Pin;
use aixin_kiosk::entry::{Actor, Body, Entry};
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::{KioskId, Period, StaffId};
use aixin_kiosk::journal::{self, StoredRecord};
use aixin_kiosk::ledger::{Auth, Operation, Outcome};
use aixin_kiosk::platform_restore::{PlatformRestore, PlatformRestored};
use aixin_kiosk::state::State;
use common::*;

const NOW: i64 = T0 + 86_400_000;

/// The journal lines of `kiosk`, as the platform's pages carry them.
fn lines_of(kiosk: &Kiosk) -> Vec<String> {
    kiosk
        .store
        .records()
        .iter()
        .map(|(_, bytes)| journal::ndjson_line(&StoredRecord::from_bytes(bytes).unwrap()))
        .collect()
}

fn head_of(kiosk: &Kiosk) -> (u64, String) {
    (
        kiosk.ledger.state().seq,
        hex::encode(kiosk.ledger.state().head),
    )
}

/// Feeds `lines` in pages of `page` lines.
fn download(lines: &[String], head: &(u64, String), page: usize) -> Result<PlatformRestore, Error> {
    let kiosk_id = KioskId::new(KIOSK).unwrap();
    let mut restoring = PlatformRestore::new(&kiosk_id, &State::new(), head.0, &head.1)?;
    let mut pages = lines.chunks(page);
    let mut fed = 0;
    while let Some(from) = restoring.next_from() {
        assert_eq!(from, fed as u64 + 1);
        let chunk = pages.next().unwrap_or(&[]);
        fed += chunk.len();
        restoring.feed_page(
            &chunk
                .iter()
                .map(|line| format!("{line}\n"))
                .collect::<String>(),
        )?;
    }
    Ok(restoring)
}

fn new_admin_pin(pin: &str) -> NewAdminPin {
    NewAdminPin {
        staff: StaffId::new("admin").unwrap(),
        pin: Pin::new(pin).unwrap(),
        salt: [9; 16],
    }
}

/// A kiosk opened from what the restore wrote.
fn reopened(restored: PlatformRestored) -> Kiosk {
    let mut kiosk = Kiosk::empty();
    kiosk.now = NOW;
    kiosk
        .store
        .write(restored.rebuilt.journal, restored.rebuilt.credentials)
        .unwrap();
    kiosk.reopen().unwrap();
    kiosk
}

fn journal_refused_at(result: Result<impl Sized, Error>) -> u64 {
    match result {
        Err(Error::PlatformJournalRefused { seq, .. }) => seq,
        Err(other) => panic!("expected PLATFORM_JOURNAL_REFUSED, got {other:?}"),
        Ok(_) => panic!("a bad journal was restored"),
    }
}

#[test]
fn a_journal_in_pages_with_an_old_backups_pins_opens_at_the_same_state_hash() {
    let mut kiosk = Kiosk::with_village();
    let old_backup = backup::write(
        kiosk.ledger.state(),
        &kiosk.store.records(),
        &kiosk.store.credential_records(),
        true,
        NOW,
    )
    .unwrap();
    // After the backup: a new household with a PIN, and a redemption.
    kiosk.register("C003", "赵新户");
    kiosk.set_pin("C003", "4321");
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let request = kiosk.next_request();
    kiosk
        .redeem(&session, &[("salt-500g", 2)], request)
        .unwrap();
    let head = head_of(&kiosk);

    let restoring = download(&lines_of(&kiosk), &head, 3).unwrap();
    let backup = backup::read(&old_backup).unwrap();
    let restored = restoring.finish(Some(backup), None, NOW, config()).unwrap();
    assert_eq!(restored.head_state_hash, kiosk.ledger.state().state_hash());
    // Only the household made after the backup has no PIN.
    let needs: Vec<(&str, &str)> = restored
        .needs_pin
        .iter()
        .map(|n| (n.kind, n.id.as_str()))
        .collect();
    assert_eq!(needs, vec![("household", "C003")]);
    let mut back = reopened(restored);
    assert_eq!(head_of(&back), head, "the same chain, no entry added");
    assert_eq!(
        back.ledger.state().state_hash(),
        kiosk.ledger.state().state_hash()
    );
    assert_eq!(back.balance("A001"), points("15"));
    // The backup's PINs work; C003 has none until staff set one.
    assert!(back.sign_in("A001", "1234").is_ok());
    assert!(matches!(
        back.sign_in("C003", "4321"),
        Err(Error::NoPin { .. })
    ));
}

#[test]
fn without_pins_an_admin_sets_a_new_one_as_an_entry_and_the_rest_are_listed() {
    let kiosk = Kiosk::with_village();
    let head = head_of(&kiosk);
    let lines = lines_of(&kiosk);

    let refused = download(&lines, &head, 1000)
        .unwrap()
        .finish(None, None, NOW, config());
    assert!(
        matches!(&refused, Err(Error::InvalidInput { .. })),
        "{:?}",
        refused.err()
    );
    let stranger = NewAdminPin {
        staff: StaffId::new("nobody").unwrap(),
        ..new_admin_pin("8642")
    };
    let refused =
        download(&lines, &head, 1000)
            .unwrap()
            .finish(None, Some(stranger), NOW, config());
    assert!(
        matches!(&refused, Err(Error::InvalidInput { .. })),
        "{:?}",
        refused.err()
    );

    let restored = download(&lines, &head, 1000)
        .unwrap()
        .finish(None, Some(new_admin_pin("8642")), NOW, config())
        .unwrap();
    assert_eq!(restored.head_state_hash, kiosk.ledger.state().state_hash());
    let mut needs: Vec<(&str, String)> = restored
        .needs_pin
        .iter()
        .map(|n| (n.kind, n.id.clone()))
        .collect();
    needs.sort();
    assert_eq!(
        needs,
        vec![
            ("household", "A001".to_string()),
            ("household", "B002".to_string())
        ]
    );
    let back = reopened(restored);
    let state = back.ledger.state();
    assert_eq!(state.seq, head.0 + 1, "one entry: the admin's new PIN");
    let last = back
        .store
        .records()
        .last()
        .map(|(_, bytes)| StoredRecord::from_bytes(bytes).unwrap())
        .unwrap();
    let entry = Entry::decode(&last.bytes).unwrap();
    assert!(matches!(entry.body, Body::StaffPinSet { ref staff } if staff.as_str() == "admin"));
    assert_eq!(
        entry.actor,
        Actor::Staff {
            staff: StaffId::new("admin").unwrap()
        }
    );
    // It continues the platform's chain.
    assert_eq!(
        aixin_kiosk::entry::chain_hash(&kiosk.ledger.state().head, &last.bytes),
        last.hash
    );
}

#[test]
fn a_journal_the_kiosk_refuses_restores_nothing() {
    let kiosk = Kiosk::with_village();
    let head = head_of(&kiosk);
    let lines = lines_of(&kiosk);

    // An amount changed with the hash left as it was: the chain breaks there.
    let mut forged = lines.clone();
    let at = forged
        .iter()
        .position(|line| line.contains("\"kind\":\"credited\""))
        .unwrap();
    forged[at] = forged[at].replacen("\"amount\":2000,", "\"amount\":9000,", 1);
    assert_ne!(forged[at], lines[at], "the line was changed");
    assert_eq!(
        journal_refused_at(download(&forged, &head, 4)),
        at as u64 + 1
    );

    // A line that is not a journal line.
    let mut garbled = lines.clone();
    garbled[2] = "{\"hash\":\"nope\"}".to_string();
    assert_eq!(journal_refused_at(download(&garbled, &head, 4)), 3);

    // The platform names a head its journal does not end at.
    let short = (head.0 - 1, head.1.clone());
    let restoring = download(&lines[..lines.len() - 1], &short, 4).unwrap();
    assert_eq!(
        journal_refused_at(restoring.finish(None, Some(new_admin_pin("8642")), NOW, config())),
        head.0
    );

    // A page past the head; an empty page before it.
    let kiosk_id = KioskId::new(KIOSK).unwrap();
    let mut restoring = PlatformRestore::new(&kiosk_id, &State::new(), 2, &head.1).unwrap();
    assert_eq!(
        journal_refused_at(restoring.feed_page(&lines[..3].join("\n"))),
        3
    );
    let mut restoring = PlatformRestore::new(&kiosk_id, &State::new(), 2, &head.1).unwrap();
    assert_eq!(journal_refused_at(restoring.feed_page("\n")), 1);

    // Another kiosk's journal; a kiosk that is not empty; nothing uploaded.
    let other = KioskId::new("other-01").unwrap();
    let mut restoring = PlatformRestore::new(&other, &State::new(), head.0, &head.1).unwrap();
    assert!(matches!(
        restoring.feed_page(&lines.join("\n")),
        Err(Error::WrongKiosk { .. })
    ));
    assert!(matches!(
        PlatformRestore::new(&kiosk_id, kiosk.ledger.state(), head.0, &head.1),
        Err(Error::NotEmpty)
    ));
    assert!(matches!(
        PlatformRestore::new(&kiosk_id, &State::new(), 0, &head.1),
        Err(Error::PlatformNothingToRestore)
    ));
}

#[test]
fn a_backup_of_another_journal_gives_no_pins() {
    let kiosk = Kiosk::with_village();
    let mut twin = Kiosk::with_village();
    twin.register("Z999", "另一户");
    let foreign = backup::write(
        twin.ledger.state(),
        &twin.store.records(),
        &twin.store.credential_records(),
        true,
        NOW,
    )
    .unwrap();
    let head = head_of(&kiosk);
    let restoring = download(&lines_of(&kiosk), &head, 1000).unwrap();
    let refused = restoring.finish(Some(backup::read(&foreign).unwrap()), None, NOW, config());
    assert!(
        matches!(&refused, Err(Error::InvalidInput { .. })),
        "{:?}",
        refused.err()
    );
}

#[test]
fn a_platform_credit_is_an_ordinary_credit_appended_once_by_the_kiosk_itself() {
    let mut kiosk = Kiosk::with_village();
    let credit = |household: &str| Operation::PlatformCredit {
        household: code(household),
        amount: points("12.50"),
        period: Period::new("2026-09").unwrap(),
        source: text("县积分平台"),
        reason: Some(text("九月评比")),
    };
    let before = kiosk.balance("A001");
    let first = kiosk.run(&Auth::System, credit("A001")).unwrap();
    let Outcome::Done {
        seqs,
        repeated: false,
    } = first
    else {
        panic!("{first:?}")
    };
    assert_eq!(
        kiosk.balance("A001"),
        before.checked_add(points("12.50")).unwrap()
    );
    let again = kiosk.run(&Auth::System, credit("A001")).unwrap();
    assert!(
        matches!(again, Outcome::Done { repeated: true, .. }),
        "offered twice, credited once"
    );
    assert_eq!(
        kiosk.balance("A001"),
        before.checked_add(points("12.50")).unwrap()
    );
    let record = kiosk
        .store
        .records()
        .into_iter()
        .find(|(seq, _)| *seq == seqs[0])
        .unwrap()
        .1;
    let entry = Entry::decode(&StoredRecord::from_bytes(&record).unwrap().bytes).unwrap();
    assert_eq!(entry.actor, Actor::System);
    assert!(matches!(entry.body, Body::Credited { .. }));
    // A household the kiosk does not know is refused; nothing is written.
    let seq = kiosk.ledger.state().seq;
    assert!(kiosk.run(&Auth::System, credit("X404")).is_err());
    assert_eq!(kiosk.ledger.state().seq, seq);
    // Only the kiosk itself appends it: never on a staff member's word.
    assert!(matches!(
        kiosk.run(&staff(), credit("B002")),
        Err(Error::StaffAuthRequired)
    ));
}
