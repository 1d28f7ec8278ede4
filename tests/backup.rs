//! Backups and recovery: a backup restores to the same state hash; a
//! changed, cut or reordered backup is refused at the right line and
//! restores nothing; a backup without PINs brings the households back
//! without PINs; damaged storage is rebuilt from a backup or from its
//! verified prefix, and the shop redeems again.

mod common;

use aixin_kiosk::backup::{self, Backup, NewAdminPin, Rebuilt, RestoreAuth, StaffPin};
use aixin_kiosk::credential::Pin;
use aixin_kiosk::entry::{Body, Entry, EntryId};
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::{KioskId, StaffId};
use aixin_kiosk::journal::{self, StoredRecord};
use aixin_kiosk::ledger::Operation;
use aixin_kiosk::state::State;
use common::*;

const NOW: i64 = T0 + 86_400_000;

/// A kiosk with some history: households with PINs, credits, redemptions,
/// a clerk.
fn busy_kiosk() -> Kiosk {
    let mut kiosk = Kiosk::with_village();
    for index in 0..12 {
        let household = format!("H{index:03}");
        kiosk.register(&household, &format!("住户{index}"));
        kiosk.set_pin(&household, "2468");
        kiosk.credit(&household, "10", "2026-09").unwrap();
    }
    for index in 0..6 {
        let household = format!("H{index:03}");
        let session = kiosk.sign_in(&household, "2468").unwrap();
        let request = kiosk.next_request();
        kiosk
            .redeem(&session, &[("salt-500g", 1)], request)
            .unwrap();
    }
    let request = kiosk.next_request();
    kiosk
        .run(
            &staff(),
            Operation::AddStaff {
                staff: StaffId::new("clerk").unwrap(),
                name: text("积分专员"),
                role: aixin_kiosk::entry::Role::Clerk,
                pin: Pin::new("2222").unwrap(),
                salt: [4; 16],
                request,
            },
        )
        .unwrap();
    kiosk
}

fn kiosk_id() -> KioskId {
    KioskId::new(KIOSK).unwrap()
}

fn backup_of(kiosk: &Kiosk, include_pins: bool) -> String {
    backup::write(
        kiosk.ledger.state(),
        &kiosk.store.records(),
        &kiosk.store.credential_records(),
        include_pins,
        NOW,
    )
    .unwrap()
}

/// A kiosk made of what a restore or recovery wrote, reopened from it.
fn kiosk_of(rebuilt: Rebuilt) -> Kiosk {
    let mut kiosk = Kiosk::empty();
    kiosk.now = NOW;
    kiosk
        .store
        .write(rebuilt.journal, rebuilt.credentials)
        .unwrap();
    let state_hash = rebuilt.ledger.state().state_hash();
    kiosk.reopen().unwrap();
    assert_eq!(kiosk.ledger.state().state_hash(), state_hash, "reopened");
    // Skip the request ids the journal holds (they would answer their first result).
    loop {
        let id = EntryId::of_request(&kiosk.next_request());
        if !kiosk.ledger.state().entry_ids.contains_key(&id) {
            break;
        }
    }
    kiosk
}

fn admin_pin(pin: &str) -> StaffPin {
    StaffPin {
        staff: StaffId::new("admin").unwrap(),
        pin: pin.to_string(),
    }
}

/// The recovery code `Kiosk::new` was set up with.
const RECOVERY_CODE: &str = "1234-5678-9012";

fn with_code(code: &str) -> RestoreAuth {
    RestoreAuth {
        recovery_code: Some(code.to_string()),
        admin: None,
    }
}

fn refused_line(text: &str) -> u64 {
    match backup::read(text) {
        Err(Error::BackupInvalid { line, .. }) => line,
        Err(other) => panic!("expected BACKUP_INVALID, got {other:?}"),
        Ok(_) => panic!("a bad backup was accepted"),
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

fn joined(lines: &[String]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

#[test]
fn a_backup_with_pins_restores_to_the_same_state_hash() {
    let kiosk = busy_kiosk();
    let text = backup_of(&kiosk, true);
    let read = backup::read(&text).unwrap();
    assert_eq!(read.header.entries, kiosk.ledger.state().seq);
    assert_eq!(read.header.state_hash, kiosk.ledger.state().state_hash());
    assert!(read.header.credentials > 12, "{}", read.header.credentials);
    let rebuilt = backup::restore(
        read,
        &kiosk_id(),
        &State::new(),
        with_code(RECOVERY_CODE),
        NOW,
        config(),
    )
    .unwrap();
    // Every entry of the backup exactly, then the restore itself.
    let seq = kiosk.ledger.state().seq as usize;
    assert_eq!(rebuilt.journal[..seq], kiosk.store.records()[..]);
    assert_eq!(rebuilt.journal.len(), seq + 1);
    let mut restored = kiosk_of(rebuilt);
    for index in 0..12 {
        let household = format!("H{index:03}");
        assert_eq!(restored.balance(&household), kiosk.balance(&household));
    }
    // The same PINs work, and the shop redeems.
    let session = restored.sign_in("H007", "2468").unwrap();
    let request = restored.next_request();
    restored
        .redeem(&session, &[("salt-500g", 1)], request)
        .unwrap();
    assert_eq!(restored.balance("H007"), points("7.5"));
    // The file name says which kiosk and which seq.
    let name = backup::file_name(kiosk.ledger.state(), NOW);
    assert!(name.starts_with("aixin-backup-test-01-2026"), "{name}");
    assert!(
        name.ends_with(&format!("-seq{}.ndjson", kiosk.ledger.state().seq)),
        "{name}"
    );
}

#[test]
fn a_backup_without_pins_needs_a_new_admin_pin_and_households_need_pins_set_by_staff() {
    let kiosk = busy_kiosk();
    let text = backup_of(&kiosk, false);
    // The header carries the recovery code's hash, and no credential line
    // follows the entries.
    assert_eq!(
        text.matches("pbkdf2").count(),
        1,
        "only the recovery code's hash"
    );
    assert!(!text.contains("\"credential\""), "no PIN in the file");
    let read = backup::read(&text).unwrap();
    assert_eq!(read.header.credentials, 0);
    // Without a new admin PIN nobody could sign in: refused.
    let refused = backup::restore(
        read.clone(),
        &kiosk_id(),
        &State::new(),
        with_code(RECOVERY_CODE),
        NOW,
        config(),
    );
    assert!(
        matches!(refused, Err(Error::InvalidInput { ref field, .. }) if field == "adminPin"),
        "{:?}",
        refused.err()
    );
    // A clerk is not an admin.
    let clerk = NewAdminPin {
        staff: StaffId::new("clerk").unwrap(),
        pin: Pin::new("5555").unwrap(),
        salt: [5; 16],
    };
    let refused = backup::restore(
        read.clone(),
        &kiosk_id(),
        &State::new(),
        RestoreAuth {
            recovery_code: Some(RECOVERY_CODE.into()),
            admin: Some(clerk),
        },
        NOW,
        config(),
    );
    assert!(matches!(refused, Err(Error::InvalidInput { ref field, .. }) if field == "adminId"));
    let admin = NewAdminPin {
        staff: StaffId::new("admin").unwrap(),
        pin: Pin::new("5555").unwrap(),
        salt: [5; 16],
    };
    let auth = RestoreAuth {
        recovery_code: Some(RECOVERY_CODE.into()),
        admin: Some(admin),
    };
    let rebuilt = backup::restore(read, &kiosk_id(), &State::new(), auth, NOW, config()).unwrap();
    // Every entry of the backup, then the restore, then the admin's new PIN.
    let seq = kiosk.ledger.state().seq;
    assert_eq!(rebuilt.journal[..seq as usize], kiosk.store.records()[..]);
    let kinds: Vec<&str> = rebuilt.journal[seq as usize..]
        .iter()
        .map(|(_, stored)| {
            let record = StoredRecord::from_bytes(stored).unwrap();
            Entry::decode(&record.bytes).unwrap().body.kind()
        })
        .collect();
    assert_eq!(kinds, ["restored", "staff_pin_set"]);
    let mut restored = kiosk_of(rebuilt);
    // Households keep their balances but have no PIN on this kiosk.
    assert_eq!(restored.balance("H003"), points("7.5"));
    let error = restored.sign_in("H003", "2468").unwrap_err();
    assert_eq!(error.code(), "NO_PIN");
    // The admin signs in with the new PIN; the old one is gone; the clerk has none.
    let sign_in = |kiosk: &mut Kiosk, staff: &str, pin: &str| {
        kiosk.run(
            &aixin_kiosk::ledger::Auth::System,
            Operation::StaffSignIn {
                staff: StaffId::new(staff).unwrap(),
                pin: pin.to_string(),
                session: session(&format!("staff-{staff}-{pin}")),
            },
        )
    };
    assert_eq!(
        sign_in(&mut restored, "admin", "0000").unwrap_err().code(),
        "WRONG_PIN"
    );
    assert!(sign_in(&mut restored, "admin", "5555").is_ok());
    assert_eq!(
        sign_in(&mut restored, "clerk", "2222").unwrap_err().code(),
        "NO_PIN"
    );
    // Staff set the household's PIN; then it redeems.
    restored.set_pin("H003", "1357");
    let session = restored.sign_in("H003", "1357").unwrap();
    let request = restored.next_request();
    restored
        .redeem(&session, &[("salt-500g", 1)], request)
        .unwrap();
}

#[test]
fn a_restore_goes_only_onto_an_empty_kiosk_of_the_same_id() {
    let kiosk = busy_kiosk();
    let read = backup::read(&backup_of(&kiosk, true)).unwrap();
    let not_empty = backup::restore(
        read.clone(),
        &kiosk_id(),
        kiosk.ledger.state(),
        with_code(RECOVERY_CODE),
        NOW,
        config(),
    );
    assert_eq!(not_empty.err(), Some(Error::NotEmpty));
    let other = KioskId::new("village-02").unwrap();
    let wrong = backup::restore(
        read,
        &other,
        &State::new(),
        with_code(RECOVERY_CODE),
        NOW,
        config(),
    );
    assert_eq!(
        wrong.err(),
        Some(Error::WrongKiosk {
            expected: "village-02".into(),
            found: KIOSK.into()
        })
    );
}

#[test]
fn a_bad_backup_is_refused_at_the_right_line() {
    let kiosk = busy_kiosk();
    let text = backup_of(&kiosk, true);
    let good = lines(&text);
    let entries = kiosk.ledger.state().seq as usize;
    let trailer = good.len();
    let check = |edit: &dyn Fn(&mut Vec<String>), expected: u64| {
        let mut edited = good.clone();
        edit(&mut edited);
        assert_eq!(refused_line(&joined(&edited)), expected);
    };
    // A changed digit in entry 9 (line 10).
    check(
        &|l| l[9] = l[9].replacen("\"seq\":9,\"time_ms\":17", "\"seq\":9,\"time_ms\":18", 1),
        10,
    );
    // Two entries swapped.
    check(&|l| l.swap(20, 21), 21);
    // An entry removed.
    check(&|l| drop(l.remove(30)), 31);
    // Cut after entry 40: the file ends where entry 41 should be.
    check(&|l| l.truncate(41), 42);
    // A changed state hash in the header.
    check(
        &|l| {
            let hash = kiosk.ledger.state().state_hash();
            l[0] = l[0].replace(&hash, &"0".repeat(64));
        },
        1,
    );
    // Not a backup at all.
    check(&|l| l[0] = "{\"hello\":1}".into(), 1);
    // A changed PIN record: only the checksum catches it.
    check(
        &|l| l[entries + 1] = l[entries + 1].replacen("\"failures\":0", "\"failures\":1", 1),
        trailer as u64,
    );
    // Something after the closing line.
    check(&|l| l.push("{}".into()), trailer as u64 + 1);
    // Cut in the middle of a line.
    let cut = &text[..text.len() - 10];
    assert_eq!(refused_line(cut), trailer as u64);
    assert_eq!(refused_line(""), 1);
    // Every refusal says where in both languages.
    let error = backup::read(&joined(&good[..41])).unwrap_err();
    assert_eq!(error.code(), "BACKUP_INVALID");
    assert!(
        error.message_zh().contains("第 42 行"),
        "{}",
        error.message_zh()
    );
    assert!(
        error.message_en().contains("line 42"),
        "{}",
        error.message_en()
    );
}

/// Flips one bit in the entry bytes of stored record `seq`.
fn flip_bit(kiosk: &mut Kiosk, seq: u64) {
    let stored = kiosk.store.journal.get_mut(&seq).unwrap();
    let position = stored.windows(7).position(|w| w == b"time_ms").unwrap() + 10;
    stored[position] ^= 1;
}

fn recover(
    kiosk: &Kiosk,
    backup: Option<Backup>,
    admin: &StaffPin,
) -> Result<backup::Recovery, backup::PinRefusal> {
    backup::recover(
        &kiosk.store.records(),
        &kiosk.store.credential_records(),
        backup,
        &kiosk_id(),
        admin,
        NOW,
        config(),
    )
}

fn damaged_prefix_seq(kiosk: &Kiosk) -> u64 {
    match journal::open(
        kiosk.store.records(),
        kiosk.store.credential_records(),
        &kiosk_id(),
        config(),
    ) {
        Err(journal::OpenError::Corrupt { prefix, .. }) => prefix.state().seq,
        _ => panic!("the journal should be damaged"),
    }
}

#[test]
fn a_flipped_bit_is_recovered_from_a_newer_backup_with_nothing_lost() {
    let mut kiosk = busy_kiosk();
    let read: Backup = backup::read(&backup_of(&kiosk, false)).unwrap();
    let backup_seq = read.header.entries;
    // Two more entries after the backup.
    kiosk.credit("H001", "3", "2026-10").unwrap();
    kiosk.credit("H002", "3", "2026-10").unwrap();
    let original = kiosk.ledger.state().state_hash();
    flip_bit(&mut kiosk, 30);
    assert_eq!(damaged_prefix_seq(&kiosk), 29);
    let recovery = recover(&kiosk, Some(read), &admin_pin("0000"))
        .unwrap_or_else(|refusal| panic!("{:?}", refusal.error));
    assert_eq!(recovery.report.backup_seq, Some(backup_seq));
    assert_eq!(recovery.report.reapplied, 2);
    assert_eq!(recovery.report.lost, None);
    assert_eq!(recovery.report.state_hash, original);
    let mut recovered = kiosk_of(recovery.rebuilt);
    assert_eq!(recovered.ledger.state().state_hash(), original);
    // The stored PINs still work.
    let session = recovered.sign_in("H001", "2468").unwrap();
    let request = recovered.next_request();
    recovered
        .redeem(&session, &[("salt-500g", 1)], request)
        .unwrap();
}

#[test]
fn an_older_backup_plus_the_entries_that_chain_on_loses_only_what_is_damaged() {
    let mut kiosk = busy_kiosk();
    let records = kiosk.store.records();
    // A backup of the first 20 entries, as made back then.
    let mut then = Kiosk::empty();
    then.store
        .write(records[..20].to_vec(), Vec::new())
        .unwrap();
    then.reopen().unwrap();
    let read = backup::read(&backup_of(&then, false)).unwrap();
    let last = kiosk.ledger.state().seq;
    flip_bit(&mut kiosk, 40);
    let recovery = recover(&kiosk, Some(read), &admin_pin("0000"))
        .unwrap_or_else(|refusal| panic!("{:?}", refusal.error));
    assert_eq!(recovery.report.reapplied, 19);
    assert_eq!(recovery.report.lost, Some((40, last)));
    assert_eq!(recovery.report.lost_entries.len() as u64, last - 39);
    assert_eq!(recovery.report.seq, 40);
}

#[test]
fn the_last_resort_restarts_the_journal_after_the_last_good_hash() {
    let mut kiosk = busy_kiosk();
    let last = kiosk.ledger.state().seq;
    let before = kiosk.store.journal[&41].clone();
    flip_bit(&mut kiosk, 41);
    let good_head = StoredRecord::from_bytes(&kiosk.store.journal[&40])
        .unwrap()
        .hash;
    let damaged = kiosk.store.journal[&41].clone();
    assert_ne!(damaged, before);
    // A wrong admin PIN changes nothing but counts toward a lockout.
    let refusal = recover(&kiosk, None, &admin_pin("9999")).err().unwrap();
    assert_eq!(refusal.error.code(), "WRONG_PIN");
    let (key, _) = refusal.credential.unwrap();
    assert_eq!(key, "staff:admin");
    // A clerk may not do it.
    let clerk = StaffPin {
        staff: StaffId::new("clerk").unwrap(),
        pin: "2222".into(),
    };
    let refusal = recover(&kiosk, None, &clerk).err().unwrap();
    assert_eq!(refusal.error.code(), "STAFF_AUTH_REQUIRED");

    let recovery = recover(&kiosk, None, &admin_pin("0000"))
        .unwrap_or_else(|refusal| panic!("{:?}", refusal.error));
    let report = &recovery.report;
    assert_eq!(report.backup_seq, None);
    assert_eq!(report.lost, Some((41, last)));
    let digest = aixin_kiosk::entry::hex_of(&sha256(&damaged));
    assert_eq!(report.bad_record_hash.as_deref(), Some(digest.as_str()));
    assert_eq!(report.lost_entries[0].seq, 41);
    assert_eq!(report.seq, 41);
    // Entries 1–40 are kept as stored; entry 41 records the loss and chains
    // to entry 40's hash.
    assert_eq!(recovery.rebuilt.journal[..40], kiosk.store.records()[..40]);
    let restart = StoredRecord::from_bytes(&recovery.rebuilt.journal[40].1).unwrap();
    assert_eq!(
        restart.hash,
        aixin_kiosk::entry::chain_hash(&good_head, &restart.bytes)
    );
    let entry = Entry::decode(&restart.bytes).unwrap();
    assert_eq!(
        entry.body,
        Body::JournalRestarted {
            lost_from_seq: 41,
            lost_to_seq: last,
            bad_record_hash: digest.clone(),
        }
    );
    // The shop redeems again.
    let mut recovered = kiosk_of(recovery.rebuilt);
    let session = recovered.sign_in("A001", "1234").unwrap();
    let request = recovered.next_request();
    recovered
        .redeem(&session, &[("salt-500g", 1)], request)
        .unwrap();
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

/// Restore is no rollback: whoever holds a backup file and wipes the kiosk
/// cannot bring the old balances back without the village's recovery code
/// or an admin's PIN, and a restore that is allowed leaves its own entry, so
/// the history after it can never pass for the one it replaced.
#[test]
fn a_restore_needs_the_recovery_code_or_an_admin_pin_and_is_recorded() {
    let mut kiosk = busy_kiosk();
    for pins in [true, false] {
        let read = backup::read(&backup_of(&kiosk, pins)).unwrap();
        assert_eq!(read.header.format_version, 2);
        assert!(
            read.header.recovery.is_some(),
            "the header carries the code's hash"
        );
    }
    let text = backup_of(&kiosk, false);
    let with_pins = backup_of(&kiosk, true);
    // Three redemptions after the backup.
    for household in ["H006", "H007", "H008"] {
        let session = kiosk.sign_in(household, "2468").unwrap();
        let request = kiosk.next_request();
        kiosk
            .redeem(&session, &[("salt-500g", 1)], request)
            .unwrap();
    }
    let later = kiosk.store.records();
    // Wiped: an empty kiosk. Without a code, refused, and nothing written.
    let read = backup::read(&text).unwrap();
    let refused = backup::restore(
        read.clone(),
        &kiosk_id(),
        &State::new(),
        RestoreAuth::default(),
        NOW,
        config(),
    );
    assert_eq!(
        refused.err(),
        Some(Error::RestoreAuthRequired { county: false })
    );
    // A wrong code, or a new admin PIN alone, is no better.
    let wrong = backup::restore(
        read.clone(),
        &kiosk_id(),
        &State::new(),
        with_code("1234-5678-9013"),
        NOW,
        config(),
    );
    assert_eq!(
        wrong.err(),
        Some(Error::RestoreAuthRequired { county: false })
    );
    let new_pin_alone = RestoreAuth {
        recovery_code: None,
        admin: Some(NewAdminPin {
            staff: StaffId::new("admin").unwrap(),
            pin: Pin::new("5555").unwrap(),
            salt: [5; 16],
        }),
    };
    let refused = backup::restore(
        read.clone(),
        &kiosk_id(),
        &State::new(),
        new_pin_alone,
        NOW,
        config(),
    );
    assert_eq!(
        refused.err(),
        Some(Error::RestoreAuthRequired { county: false })
    );
    // With the code and a new admin PIN: restored, and recorded.
    let auth = RestoreAuth {
        recovery_code: Some(RECOVERY_CODE.into()),
        admin: Some(NewAdminPin {
            staff: StaffId::new("admin").unwrap(),
            pin: Pin::new("5555").unwrap(),
            salt: [5; 16],
        }),
    };
    let rebuilt = backup::restore(
        read.clone(),
        &kiosk_id(),
        &State::new(),
        auth,
        NOW + 1,
        config(),
    )
    .unwrap();
    let seq = read.header.entries as usize;
    let record = StoredRecord::from_bytes(&rebuilt.journal[seq].1).unwrap();
    let entry = Entry::decode(&record.bytes).unwrap();
    assert_eq!(entry.time_ms, NOW + 1);
    match &entry.body {
        Body::Restored {
            backup_seq,
            backup_head,
            auth,
        } => {
            assert_eq!(*backup_seq as usize, seq);
            assert_eq!(*backup_head, read.header.head_hash);
            assert_eq!(*auth, aixin_kiosk::entry::RestoreAuthKind::RecoveryCode);
        }
        other => panic!("expected a restored entry, got {other:?}"),
    }
    assert_eq!(
        entry.actor,
        aixin_kiosk::entry::Actor::Staff {
            staff: StaffId::new("admin").unwrap()
        }
    );
    // The journal after the backup differs from the history it replaced: the
    // first entry after the backup's head is the restore, with another hash.
    let restored_hash = StoredRecord::from_bytes(&rebuilt.journal[seq].1)
        .unwrap()
        .hash;
    let later_hash = StoredRecord::from_bytes(&later[seq].1).unwrap().hash;
    assert_ne!(restored_hash, later_hash);
    let mut restored = kiosk_of(rebuilt);
    // The printed code's record comes back too, so it still works.
    let keys: Vec<String> = restored
        .store
        .credential_records()
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    assert!(keys.contains(&"recovery".to_string()), "{keys:?}");
    let signed_in = restored.run(
        &aixin_kiosk::ledger::Auth::System,
        Operation::StaffSignIn {
            staff: StaffId::new("admin").unwrap(),
            pin: "5555".into(),
            session: session("staff-after-restore"),
        },
    );
    assert!(signed_in.is_ok());
    // A backup with PINs restores with an admin's PIN it carries, and not
    // with a wrong one.
    let read = backup::read(&with_pins).unwrap();
    let admin = |pin: &str| RestoreAuth {
        recovery_code: None,
        admin: Some(NewAdminPin {
            staff: StaffId::new("admin").unwrap(),
            pin: Pin::new(pin).unwrap(),
            salt: [5; 16],
        }),
    };
    let wrong = backup::restore(
        read.clone(),
        &kiosk_id(),
        &State::new(),
        admin("9999"),
        NOW,
        config(),
    );
    assert_eq!(
        wrong.err(),
        Some(Error::RestoreAuthRequired { county: false })
    );
    let rebuilt = backup::restore(
        read,
        &kiosk_id(),
        &State::new(),
        admin("0000"),
        NOW,
        config(),
    )
    .unwrap();
    let last = StoredRecord::from_bytes(&rebuilt.journal.last().unwrap().1).unwrap();
    let entry = Entry::decode(&last.bytes).unwrap();
    assert!(matches!(
        entry.body,
        Body::Restored {
            auth: aixin_kiosk::entry::RestoreAuthKind::AdminPin,
            ..
        }
    ));
}

/// A format 1 backup without PINs carries nothing to check a restorer
/// against: only the county's restore code could allow it.
#[test]
fn an_old_backup_without_pins_needs_the_county() {
    let kiosk = busy_kiosk();
    let text = backup_of(&kiosk, false);
    let mut lines = lines(&text);
    let mut header: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    header["format_version"] = 1.into();
    header.as_object_mut().unwrap().remove("recovery");
    lines[0] = header.to_string();
    let trailer = lines.len() - 1;
    let body = joined(&lines[..trailer]);
    lines[trailer] = serde_json::json!({
        "end": "aixin-kiosk-backup",
        "sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(body.as_bytes())),
    })
    .to_string();
    let read = backup::read(&joined(&lines)).unwrap();
    for auth in [RestoreAuth::default(), with_code(RECOVERY_CODE)] {
        let refused = backup::restore(
            read.clone(),
            &kiosk_id(),
            &State::new(),
            auth,
            NOW,
            config(),
        );
        assert_eq!(
            refused.err(),
            Some(Error::RestoreAuthRequired { county: true })
        );
    }
    assert!(Error::RestoreAuthRequired { county: true }
        .message_en()
        .contains("county"));
}
