//! Households with members, and split and merge (分户 / 合户): a member's
//! card signs in to the household and names the collector (领取人) on the
//! receipt; card numbers are unique among household codes and cards; points
//! pass between households only by a split or a merge, as one transfer
//! entry whose two sides sum to zero; any other transfer is refused.

mod common;

use aixin_kiosk::checkpoint;
use aixin_kiosk::entry::{
    chain_hash, Actor, Body, Entry, EntryId, HouseholdKind, TransferKind, FORMAT_VERSION,
};
use aixin_kiosk::error::Error;
use aixin_kiosk::ids::StaffId;
use aixin_kiosk::ledger::members::MemberOperation;
use aixin_kiosk::ledger::{Operation, Outcome};
use aixin_kiosk::points::Points;
use aixin_kiosk::state::HouseholdStatus;
use common::*;

fn members_op(kiosk: &mut Kiosk, operation: MemberOperation) -> Result<Outcome, Error> {
    let request = kiosk.next_request();
    kiosk.run(&staff(), Operation::Members { operation, request })
}

fn add_member(
    kiosk: &mut Kiosk,
    household: &str,
    member: &str,
    relation: &str,
    card: Option<&str>,
) -> Result<Outcome, Error> {
    members_op(
        kiosk,
        MemberOperation::AddMember {
            household: code(household),
            member: text(member),
            relation: text(relation),
            card: card.map(code),
        },
    )
}

fn split(
    kiosk: &mut Kiosk,
    from: &str,
    new: &str,
    amount: &str,
    members: &[&str],
) -> Result<Outcome, Error> {
    members_op(
        kiosk,
        MemberOperation::Split {
            from: code(from),
            household: code(new),
            name: text("王小明"),
            group: text("第一组"),
            kind: HouseholdKind::Family,
            amount: points(amount),
            members: members.iter().map(|m| text(m)).collect(),
            reason: text("儿子成家分户"),
        },
    )
}

fn merge(kiosk: &mut Kiosk, from: &str, into: &str) -> Result<Outcome, Error> {
    members_op(
        kiosk,
        MemberOperation::Merge {
            from: code(from),
            into: code(into),
            reason: text("老人随子女合户"),
        },
    )
}

/// Σ balances = credited + corrected − redeemed + voided − cleared, and
/// every history line adds up.
fn assert_conserved(kiosk: &Kiosk) {
    kiosk.ledger.state().check_invariants().unwrap();
}

/// A refusal in both languages that changes nothing.
fn assert_refused(
    kiosk: &mut Kiosk,
    run: impl FnOnce(&mut Kiosk) -> Result<Outcome, Error>,
    code: &str,
) {
    let before = kiosk.ledger.state().state_hash();
    let seq = kiosk.ledger.state().seq;
    let error = run(kiosk).expect_err("must be refused");
    assert_eq!(error.code(), code, "{error:?}");
    assert!(!error.message_zh().is_empty() && !error.message_en().is_empty());
    assert_eq!(kiosk.ledger.state().state_hash(), before);
    assert_eq!(kiosk.ledger.state().seq, seq, "nothing appended");
}

#[test]
fn issue20_a_household_lists_its_members_with_relation_and_card() {
    let mut kiosk = Kiosk::with_village();
    add_member(&mut kiosk, "A001", "王建国", "户主", None).unwrap();
    add_member(&mut kiosk, "A001", "张秀英", "配偶", Some("CARD0001")).unwrap();
    let members = kiosk.ledger.state().members.of(&code("A001")).to_vec();
    let listed: Vec<_> = members
        .iter()
        .map(|m| {
            (
                m.name.to_string(),
                m.relation.to_string(),
                m.card.as_ref().map(|c| c.to_string()),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("王建国".to_string(), "户主".to_string(), None),
            (
                "张秀英".to_string(),
                "配偶".to_string(),
                Some("CARD0001".to_string())
            ),
        ]
    );
    assert_refused(
        &mut kiosk,
        |k| add_member(k, "A001", "王建国", "户主", None),
        "INVALID_INPUT",
    );
    assert_refused(
        &mut kiosk,
        |k| add_member(k, "Z999", "某人", "户主", None),
        "UNKNOWN_HOUSEHOLD",
    );

    members_op(
        &mut kiosk,
        MemberOperation::RemoveMember {
            household: code("A001"),
            member: text("张秀英"),
        },
    )
    .unwrap();
    assert_eq!(kiosk.ledger.state().members.of(&code("A001")).len(), 1);
    assert!(
        kiosk
            .ledger
            .state()
            .members
            .card(&code("CARD0001"))
            .is_none(),
        "the card left with her"
    );
}

#[test]
fn issue20_card_numbers_are_unique_among_household_codes_and_cards() {
    let mut kiosk = Kiosk::with_village();
    add_member(&mut kiosk, "A001", "张秀英", "配偶", Some("CARD0001")).unwrap();
    // Another member's card, a household's code: both refused.
    assert_refused(
        &mut kiosk,
        |k| add_member(k, "B002", "李强", "子女", Some("CARD0001")),
        "INVALID_INPUT",
    );
    assert_refused(
        &mut kiosk,
        |k| add_member(k, "B002", "李强", "子女", Some("A001")),
        "INVALID_INPUT",
    );
    // A household cannot be registered under a card's number.
    assert_refused(
        &mut kiosk,
        |k| {
            let request = k.next_request();
            k.run(
                &staff(),
                Operation::RegisterHousehold {
                    household: code("CARD0001"),
                    name: text("新户"),
                    group: text("第一组"),
                    kind: HouseholdKind::Family,
                    request,
                },
            )
        },
        "ALREADY_EXISTS",
    );
}

#[test]
fn issue20_a_card_signs_in_to_the_household_and_names_the_collector() {
    let mut kiosk = Kiosk::with_village();
    add_member(&mut kiosk, "A001", "张秀英", "配偶", Some("CARD0001")).unwrap();
    // The household's PIN, with the member's card.
    assert_eq!(
        kiosk.sign_in("CARD0001", "0000").unwrap_err().code(),
        "WRONG_PIN"
    );
    let session = kiosk.sign_in("CARD0001", "1234").unwrap();
    let receipt = kiosk.receipt(&session, &[("salt-500g", 2)]);
    assert_eq!(receipt.household.as_str(), "A001");
    assert_eq!(receipt.collector.as_deref(), Some("张秀英"));
    assert_eq!(kiosk.balance("A001"), points("15"));
    // The journal records the collector, and a reopened kiosk still has it.
    let entry = kiosk.entries().last().unwrap().clone();
    assert!(
        matches!(&entry.body, Body::Redeemed { collector: Some(c), .. } if c.as_str() == "张秀英")
    );
    kiosk.reopen().unwrap();
    let again = kiosk.ledger.receipt(receipt.seq, true).unwrap();
    assert_eq!(again.collector.as_deref(), Some("张秀英"));

    // Signed in by its code, nobody is named.
    let session = kiosk.sign_in("A001", "1234").unwrap();
    let receipt = kiosk.receipt(&session, &[("salt-500g", 1)]);
    assert_eq!(receipt.collector, None);
    let entry = kiosk.entries().pop().unwrap();
    assert!(
        !String::from_utf8(entry.encode())
            .unwrap()
            .contains("collector"),
        "a redemption without a collector keeps the bytes of older ones"
    );
}

#[test]
fn issue20_a_split_moves_points_and_members_with_one_transfer_summing_to_zero() {
    let mut kiosk = Kiosk::with_village();
    add_member(&mut kiosk, "A001", "王建国", "户主", None).unwrap();
    add_member(&mut kiosk, "A001", "王小明", "子女", Some("CARD0002")).unwrap();
    let Outcome::Done { seqs, .. } = split(&mut kiosk, "A001", "A009", "8", &["王小明"]).unwrap()
    else {
        panic!("done");
    };
    assert_eq!(kiosk.balance("A001"), points("12"));
    assert_eq!(kiosk.balance("A009"), points("8"));
    assert_conserved(&kiosk);
    let kinds: Vec<_> = seqs
        .iter()
        .map(|seq| {
            kiosk
                .entries()
                .into_iter()
                .find(|e| e.seq == *seq)
                .unwrap()
                .body
                .kind()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "household_registered",
            "points_transferred",
            "member_removed",
            "member_added"
        ]
    );
    let transfer = kiosk
        .entries()
        .into_iter()
        .find(|e| e.seq == seqs[1])
        .unwrap();
    assert!(
        matches!(&transfer.actor, Actor::Staff { staff } if staff.as_str() == "admin"),
        "names the staff member"
    );
    let state = kiosk.ledger.state();
    let a = &state.household(&code("A001")).unwrap().history;
    let b = &state.household(&code("A009")).unwrap().history;
    let (out, into) = (a.last().unwrap(), b.last().unwrap());
    assert_eq!((out.kind, into.kind), ("transferred", "transferred"));
    assert_eq!(
        out.change.checked_add(into.change),
        Some(Points::ZERO),
        "the pair sums to zero"
    );
    // The card went with its member.
    assert_eq!(
        state.members.card(&code("CARD0002")).unwrap().0.as_str(),
        "A009"
    );
    let session = kiosk.sign_in("CARD0002", "1234");
    assert_eq!(
        session.unwrap_err().code(),
        "NO_PIN",
        "the new household has its own PIN to set"
    );

    // More than the balance, an existing household, an unknown member: refused.
    assert_refused(
        &mut kiosk,
        |k| split(k, "A001", "A010", "12.01", &[]),
        "INVALID_INPUT",
    );
    assert_refused(
        &mut kiosk,
        |k| split(k, "A001", "B002", "1", &[]),
        "INVALID_INPUT",
    );
    assert_refused(
        &mut kiosk,
        |k| split(k, "A001", "CARD0002", "1", &[]),
        "INVALID_INPUT",
    );
    assert_refused(
        &mut kiosk,
        |k| split(k, "A001", "A010", "1", &["李四"]),
        "INVALID_INPUT",
    );

    // Survives a reopen and a checkpoint.
    let hash = kiosk.ledger.state().state_hash();
    kiosk.reopen().unwrap();
    assert_eq!(kiosk.ledger.state().state_hash(), hash);
    let bytes = checkpoint::encode(kiosk.ledger.state());
    let decoded = checkpoint::decode(&bytes).unwrap();
    assert_eq!(decoded.state.members, kiosk.ledger.state().members);
    assert_eq!(checkpoint::encode(&decoded.state), bytes);
}

#[test]
fn issue20_a_merge_moves_the_whole_balance_and_every_member_and_the_household_moves_away() {
    let mut kiosk = Kiosk::with_village();
    add_member(&mut kiosk, "B002", "李桂芳", "户主", Some("CARD0003")).unwrap();
    merge(&mut kiosk, "B002", "A001").unwrap();
    assert_eq!(kiosk.balance("B002"), Points::ZERO);
    assert_eq!(kiosk.balance("A001"), points("25"));
    assert_conserved(&kiosk);
    let state = kiosk.ledger.state();
    assert_eq!(
        state.household(&code("B002")).unwrap().status,
        HouseholdStatus::MovedAway
    );
    assert_eq!(
        state.members.card(&code("CARD0003")).unwrap().0.as_str(),
        "A001"
    );
    assert!(state.members.of(&code("B002")).is_empty());
    assert_refused(&mut kiosk, |k| merge(k, "A001", "A001"), "INVALID_INPUT");
    assert_refused(&mut kiosk, |k| merge(k, "B002", "A001"), "INVALID_INPUT");
}

#[test]
fn issue20_a_repeated_split_request_appends_nothing_and_answers_the_same_seqs() {
    let mut kiosk = Kiosk::with_village();
    let request = kiosk.next_request();
    let operation = || MemberOperation::Merge {
        from: code("B002"),
        into: code("A001"),
        reason: text("合户"),
    };
    let first = kiosk
        .run(
            &staff(),
            Operation::Members {
                operation: operation(),
                request: request.clone(),
            },
        )
        .unwrap();
    let again = kiosk
        .run(
            &staff(),
            Operation::Members {
                operation: operation(),
                request,
            },
        )
        .unwrap();
    let (
        Outcome::Done { seqs: a, .. },
        Outcome::Done {
            seqs: b,
            repeated: true,
        },
    ) = (first, again)
    else {
        panic!("a repeat");
    };
    assert_eq!(a, b);
    assert_eq!(kiosk.balance("A001"), points("25"));
}

/// Appends `body` straight to a journal, past every operation's checks, and
/// folds it: what a journal edited with correct hashes would hold.
fn fold_forged(kiosk: &Kiosk, body: Body) -> Result<(), String> {
    let mut state = kiosk.ledger.state().clone();
    let entry = Entry {
        format_version: FORMAT_VERSION,
        seq: state.seq + 1,
        time_ms: kiosk.now + 1000,
        id: EntryId::new("forged-transfer").unwrap(),
        actor: Actor::Staff {
            staff: StaffId::new("admin").unwrap(),
        },
        body,
        co_signed_by: None,
    };
    let hash = chain_hash(&state.head, &entry.encode());
    state.apply(&entry, hash).map_err(|error| error.0)
}

#[test]
fn issue20_any_other_transfer_between_households_is_refused() {
    let kiosk = Kiosk::with_village();
    let transfer = |from: &str, to: &str, amount: &str, transfer| Body::PointsTransferred {
        from: code(from),
        to: code(to),
        amount: points(amount),
        transfer,
        reason: text("私下转让"),
    };
    // B002 already holds points: not a split into a new household.
    let error =
        fold_forged(&kiosk, transfer("A001", "B002", "5", TransferKind::Split)).unwrap_err();
    assert!(error.contains("neither a split nor a merge"), "{error}");
    // Part of a balance is not a merge.
    let error =
        fold_forged(&kiosk, transfer("A001", "B002", "5", TransferKind::Merge)).unwrap_err();
    assert!(error.contains("neither a split nor a merge"), "{error}");
    // More than the balance, to itself, nothing: refused.
    for body in [
        transfer("B002", "A001", "5.01", TransferKind::Merge),
        transfer("A001", "A001", "20", TransferKind::Merge),
        transfer("A001", "B002", "0", TransferKind::Merge),
    ] {
        assert!(fold_forged(&kiosk, body).is_err());
    }
    // The whole balance is a merge, and folds.
    fold_forged(&kiosk, transfer("B002", "A001", "5", TransferKind::Merge)).unwrap();
}

#[test]
fn issue20_the_new_entry_kinds_decode_from_their_stored_bytes() {
    let records = [
        r#"{"format_version":1,"seq":9,"time_ms":0,"id":"m1","actor":{"type":"staff","staff":"admin"},"body":{"kind":"member_added","household":"A001","member":"张秀英","relation":"配偶","card":"CARD0001"}}"#,
        r#"{"format_version":1,"seq":9,"time_ms":0,"id":"m2","actor":{"type":"staff","staff":"admin"},"body":{"kind":"member_removed","household":"A001","member":"张秀英"}}"#,
        r#"{"format_version":1,"seq":9,"time_ms":0,"id":"m3","actor":{"type":"staff","staff":"admin"},"body":{"kind":"points_transferred","from":"A001","to":"A009","amount":800,"transfer":"split","reason":"分户"}}"#,
        r#"{"format_version":1,"seq":9,"time_ms":0,"id":"m4","actor":{"type":"household","household":"A001"},"body":{"kind":"redeemed","household":"A001","lines":[{"sku":"salt","quantity":1,"unit_price":250}],"total":250,"collector":"张秀英"}}"#,
    ];
    for record in records {
        let entry = Entry::decode(record.as_bytes()).unwrap();
        assert_eq!(entry.encode(), record.as_bytes(), "the bytes are canonical");
    }
}

#[test]
fn issue20_a_households_import_under_a_card_number_is_refused_at_its_row_and_applies_nothing() {
    use aixin_kiosk::import::{self, ImportKind};
    let mut kiosk = Kiosk::with_village();
    add_member(&mut kiosk, "A001", "张秀英", "配偶", Some("CARD0001")).unwrap();
    let state_hash = kiosk.ledger.state().state_hash();
    let text = "户号,户主,组\r\nN001,新户甲,第一组\r\nCARD0001,新户乙,第一组\r\n";
    let errors = import::preview(kiosk.ledger.state(), ImportKind::Households, text, None)
        .expect_err("a card number is no new household code");
    let found: Vec<(usize, &str)> = errors
        .errors
        .iter()
        .map(|error| (error.line, error.code()))
        .collect();
    assert_eq!(found, vec![(3, "IMPORT_CODE_IS_CARD")]);
    assert_eq!(kiosk.ledger.state().state_hash(), state_hash);
    assert!(kiosk.ledger.state().household(&code("N001")).is_none());
}
