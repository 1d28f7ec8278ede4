//! The kiosk's side of the upload to the county platform, in the core: the
//! enrollment entry (made by an admin, decoded forever, refused from anyone
//! but staff) and the body of an upload as the platform reads it back.

mod common;

use aixin_kiosk::entry::{chain_hash, Actor, Body, Entry, EntryId, Role, FORMAT_VERSION};
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::{CountyId, StaffId};
use aixin_kiosk::journal::StoredRecord;
use aixin_kiosk::ledger::{Auth, Operation};
use aixin_kiosk::upload::PlatformOrigin;
use common::{request, text, Kiosk};

fn enroll(request_id: &str) -> Operation {
    Operation::EnrollPlatform {
        county_id: CountyId::new("420102001001-01").unwrap(),
        platform: PlatformOrigin::parse("http://127.0.0.1:8700").unwrap(),
        request: request(request_id),
    }
}

/// The stored bytes of an enrollment entry as this build writes them. Once
/// written, they are decoded by every later build.
const ENROLLED_V1: &str = r#"{"format_version":1,"seq":9,"time_ms":1790000000000,"id":"enrol-1","actor":{"type":"staff","staff":"admin"},"body":{"kind":"platform_enrolled","county_id":"420102001001-01","platform":"https://platform.example"}}"#;

#[test]
fn an_enrollment_entry_of_format_1_decodes_forever() {
    let entry = Entry::decode(ENROLLED_V1.as_bytes()).expect("decodes");
    assert_eq!(entry.format_version, FORMAT_VERSION);
    assert_eq!(entry.body.kind(), "platform_enrolled");
    assert_eq!(
        entry.body,
        Body::PlatformEnrolled {
            county_id: CountyId::new("420102001001-01").unwrap(),
            platform: PlatformOrigin::parse("https://platform.example").unwrap(),
        }
    );
    assert_eq!(
        entry.encode(),
        ENROLLED_V1.as_bytes(),
        "the bytes are canonical"
    );
    // A platform that is not an origin in its canonical form is not an
    // entry: the checked constructors run on decoding.
    for bad in [
        ENROLLED_V1.replace("https://platform.example", "https://Platform.example"),
        ENROLLED_V1.replace("https://platform.example", "https://platform.example/v1"),
        ENROLLED_V1.replace("420102001001-01", "420102001001 01"),
    ] {
        assert!(Entry::decode(bad.as_bytes()).is_err(), "{bad}");
    }
}

#[test]
fn an_admin_enrolls_and_the_entry_names_the_admin_and_reopens() {
    let mut kiosk = Kiosk::with_village();
    let before = kiosk.ledger.state().seq;
    kiosk.run(&common::staff(), enroll("enrol-1")).unwrap();
    let state = kiosk.ledger.state();
    assert_eq!(state.seq, before + 1);
    let stored = kiosk.store.records();
    let (_, bytes) = stored.last().unwrap();
    let record = StoredRecord::from_bytes(bytes).unwrap();
    let entry = Entry::decode(&record.bytes).unwrap();
    assert_eq!(
        entry.actor,
        Actor::Staff {
            staff: StaffId::new("admin").unwrap()
        }
    );
    assert!(!String::from_utf8_lossy(&record.bytes).contains("token"));
    let hash = state.state_hash();
    kiosk.reopen().unwrap();
    assert_eq!(kiosk.ledger.state().state_hash(), hash);
    // The same request again appends nothing.
    kiosk.run(&common::staff(), enroll("enrol-1")).unwrap();
    assert_eq!(kiosk.ledger.state().seq, before + 1);
}

#[test]
fn only_an_admin_may_enroll() {
    let mut kiosk = Kiosk::with_village();
    let clerk = StaffId::new("clerk").unwrap();
    kiosk
        .run(
            &common::staff(),
            Operation::AddStaff {
                staff: clerk.clone(),
                name: text("积分专员"),
                role: Role::Clerk,
                pin: aixin_kiosk::credential::Pin::new("2222").unwrap(),
                salt: [3; 16],
                request: request("add-clerk"),
            },
        )
        .unwrap();
    let hash = kiosk.ledger.state().state_hash();
    for auth in [Auth::System, Auth::Staff(clerk)] {
        let refused = kiosk.run(&auth, enroll("enrol-2")).unwrap_err();
        assert_eq!(refused, Error::StaffAuthRequired);
    }
    assert_eq!(kiosk.ledger.state().state_hash(), hash);
}

#[test]
fn an_enrollment_by_the_system_is_refused_by_the_fold() {
    let kiosk = Kiosk::with_village();
    let mut state = kiosk.ledger.state().clone();
    let entry = Entry {
        format_version: FORMAT_VERSION,
        seq: state.seq + 1,
        time_ms: kiosk.now + 1,
        id: EntryId::new("enrol-system").unwrap(),
        actor: Actor::System,
        body: Body::PlatformEnrolled {
            county_id: CountyId::new("420102001001-01").unwrap(),
            platform: PlatformOrigin::parse("https://platform.example").unwrap(),
        },
        co_signed_by: None,
    };
    let hash = chain_hash(&state.head, &entry.encode());
    let refused = state.apply(&entry, hash).unwrap_err();
    assert!(
        format!("{refused:?}").contains("staff member"),
        "{refused:?}"
    );
}

#[test]
fn an_upload_body_is_read_back_by_the_platform_as_it_was_sent() {
    let mut kiosk = Kiosk::with_village();
    kiosk.run(&common::staff(), enroll("enrol-3")).unwrap();
    let records: Vec<(u64, StoredRecord)> = kiosk
        .store
        .records()
        .into_iter()
        .map(|(seq, bytes)| (seq, StoredRecord::from_bytes(&bytes).unwrap()))
        .collect();
    let count = aixin_kiosk::upload::batch_len(records.iter().map(|(_, r)| r.bytes.len()));
    assert_eq!(count, records.len());
    let batch: Vec<(u64, &StoredRecord)> = records.iter().map(|(seq, r)| (*seq, r)).collect();
    let body = aixin_kiosk::sync::encode_batch("420102001001-01", &[0; 32], &batch).unwrap();
    let (header, lines) =
        aixin_kiosk::sync::parse_batch(body.as_bytes()).expect("the platform reads it");
    assert_eq!(header.county_id, "420102001001-01");
    assert_eq!(
        (header.first_seq, header.last_seq),
        (1, records.len() as u64)
    );
    assert_eq!(lines.len(), records.len());
    assert_eq!(lines.last().unwrap().hash, records.last().unwrap().1.hash);
}
