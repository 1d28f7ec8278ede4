//! Checkpoints: the folded state at a seq, stored so that opening a long
//! journal does not replay all of it.
//!
//! A checkpoint's bytes are `MAGIC ‖ seq ‖ head hash ‖ state hash ‖ body ‖
//! SHA-256 of everything before`; the seq is 8 bytes, little-endian, and
//! the body's integers are LEB128 varints (formats 6 and 7; 8 bytes each
//! before). The body encodes every field of [`State`] in a fixed order, maps
//! sorted by key, so two states that are equal encode to equal bytes: the
//! shell compares the body of a state re-derived from the journal with the
//! stored one to prove the checkpoint (see ARCHITECTURE.md, "Checkpoints").
//! Decoding checks the trailing hash, every name through its checked
//! constructor, and that the decoded state's seq, head and state hash are
//! those of the header.
//!
//! Format 7 keeps the credits, the redemptions and the households' history
//! lines apart, after everything else: open decodes what a redemption needs
//! ([`decode_for_open`]), and they wait as bytes for [`decode_rest`].
//!
//! A checkpoint is a cache, never the truth: a checkpoint that fails to
//! decode is ignored and the journal is verified from its start.

use crate::entry::Hash;
use crate::entry::{HouseholdKind, ItemDetails, RedeemedLine, Role, GENESIS_PREVIOUS_HASH};
use crate::ids::{HouseholdCode, KioskId, Period, Sku, StaffId, Text};
use crate::points::Points;
use crate::rulebook::{Rules, RulesRecord};
use crate::rules::{BlacklistRuns, Score};
use crate::scoresheet::{Objection, Posting, Raised, Review, Runs};
use crate::settings::{Setting, Settings};
use crate::state::{
    receipt_number_of, HistoryLine, Household, HouseholdStatus, Item, KioskInfo, Note, Redemption,
    StaffMember, State, Totals,
};
use sha2::{Digest, Sha256};
use std::cmp::Ordering;

/// The first bytes of every checkpoint, with its format number.
const MAGIC: &[u8; 16] = b"aixin-checkpt-07";

/// Format 6, still read (and written again only to prove a checkpoint
/// stored in it): the same fields as format 7, in the order of the state.
const MAGIC_06: &[u8; 16] = b"aixin-checkpt-06";

/// Format 5, still read (and written again only to prove a checkpoint
/// stored in it): the same fields as format 6, every integer in 8 bytes.
const MAGIC_05: &[u8; 16] = b"aixin-checkpt-05";

/// Format 4, still read: it has no ledger clock, which is then taken to be
/// at the highest entry time with no jump waiting (an archive base cannot
/// be replayed to derive it).
const MAGIC_04: &[u8; 16] = b"aixin-checkpt-04";

/// A checkpoint's format. A stored checkpoint is proved by encoding the
/// re-derived state in the format it was written in, so every format read
/// is also written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// No ledger clock; integers in 8 bytes.
    V4,
    /// Integers in 8 bytes.
    V5,
    /// Integers as LEB128 varints, signed ones zigzagged: at 50,000 entries
    /// the checkpoint is less than half the bytes of format 5, and open
    /// reads, copies and hashes every byte of it before the kiosk can take a
    /// redemption.
    V6,
    /// Format 6 with the credits, the redemptions and the households'
    /// history lines after everything else, so that open can leave them for
    /// later: at 50,000 entries they were two thirds of a cold open's
    /// decode, and a redemption needs none of them.
    V7,
}

impl Format {
    fn magic(self) -> &'static [u8; 16] {
        match self {
            Format::V4 => MAGIC_04,
            Format::V5 => MAGIC_05,
            Format::V6 => MAGIC_06,
            Format::V7 => MAGIC,
        }
    }

    fn has_clock(self) -> bool {
        self != Format::V4
    }

    fn varints(self) -> bool {
        matches!(self, Format::V6 | Format::V7)
    }

    /// Whether the credits, redemptions and history lines come last.
    fn rest_last(self) -> bool {
        self == Format::V7
    }

    /// The format's number (4 to 7), as it crosses to the proof's worker.
    pub fn number(self) -> u8 {
        match self {
            Format::V4 => 4,
            Format::V5 => 5,
            Format::V6 => 6,
            Format::V7 => 7,
        }
    }

    pub fn from_number(number: u8) -> Option<Format> {
        match number {
            4 => Some(Format::V4),
            5 => Some(Format::V5),
            6 => Some(Format::V6),
            7 => Some(Format::V7),
            _ => None,
        }
    }
}

/// The kinds a history line may have (the `&'static str`s of `State`).
const HISTORY_KINDS: [&str; 6] = [
    "credited",
    "corrected",
    "redeemed",
    "redemption_voided",
    "year_closed",
    "transferred",
];

/// A decoded checkpoint: what it claims, and its state.
#[derive(Debug)]
pub struct Checkpoint {
    pub claim: Claim,
    pub state: State,
}

/// What a checkpoint claims about the journal up to its seq, kept to prove
/// it once the journal has been replayed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub seq: u64,
    pub head: Hash,
    pub state_hash: String,
    /// The checkpoint's trailing SHA-256 (over its header and the encoded
    /// state), to compare with that of a re-derived state.
    pub digest: Hash,
    /// The format it was written in: the proof re-encodes the re-derived
    /// state in that format.
    pub format: Format,
}

/// The checkpoint of `state`.
pub fn encode(state: &State) -> Vec<u8> {
    encode_in(state, Format::V7)
}

/// The checkpoint of `state` in `format`: the kiosk writes the newest; an
/// older one is what a kiosk of an earlier build left (tests make them).
pub fn encode_in(state: &State, format: Format) -> Vec<u8> {
    let mut w = Writer {
        buffer: Vec::with_capacity(64 * 1024),
        hasher: None,
        varints: format.varints(),
    };
    write_checkpoint_of(&mut w, state, format);
    let digest = Sha256::digest(&w.buffer);
    w.buffer.extend_from_slice(&digest);
    w.buffer
}

/// The header and the body, the bytes the trailing hash covers, in
/// `format` (the writer's integers set to match).
fn write_checkpoint_of(w: &mut Writer, state: &State, format: Format) {
    w.buffer.extend_from_slice(format.magic());
    // The header's seq is 8 bytes in every format: `claimed_seq` reads it
    // without decoding anything.
    w.buffer.extend_from_slice(&state.seq.to_le_bytes());
    w.buffer.extend_from_slice(&state.head);
    w.buffer.extend_from_slice(state.state_hash().as_bytes());
    write_body_of(w, state, format);
}

/// The body alone: every field of the state, in a fixed order.
pub fn encode_body(state: &State) -> Vec<u8> {
    encode_body_in(state, Format::V7)
}

/// [`encode_body`] in `format`.
pub fn encode_body_in(state: &State, format: Format) -> Vec<u8> {
    let mut w = Writer {
        buffer: Vec::with_capacity(64 * 1024),
        hasher: None,
        varints: format.varints(),
    };
    write_body_of(&mut w, state, format);
    w.buffer
}

/// The trailing hash [`encode`] would give `state`, without holding the
/// checkpoint in memory.
pub fn digest(state: &State) -> Hash {
    digest_of(state, Format::V7)
}

/// [`digest`] in `format`.
fn digest_of(state: &State, format: Format) -> Hash {
    let mut w = Writer {
        buffer: Vec::with_capacity(SPILL_BYTES),
        hasher: Some(Sha256::new()),
        varints: format.varints(),
    };
    write_checkpoint_of(&mut w, state, format);
    let mut hasher = w.hasher.unwrap_or_default();
    hasher.update(&w.buffer);
    hasher.finalize().into()
}

/// How much [`digest`] buffers before hashing.
const SPILL_BYTES: usize = 64 * 1024;

/// The body in `format`; format 4's ended before the clock.
fn write_body_of(w: &mut Writer, state: &State, format: Format) {
    let State {
        kiosk,
        households,
        items,
        credits,
        redemptions,
        entry_ids,
        barcodes,
        totals,
        seq,
        head,
        time_max_ms,
        clock,
        uploaded_through_seq,
        uploaded_last_hash,
        settings,
        staff,
        closed_years,
        rules,
        postings,
        runs,
        members,
        pin_resets,
        rest_pending,
    } = state;
    // A state whose rest waits would encode without it: the shell decodes
    // it before anything else reads the state (`web::kiosk::LedgerCell`).
    // Should a path ever miss that, the page stops here (the panic hook
    // reloads it, and open starts over) rather than write a checkpoint
    // without the credits, redemptions and history lines.
    assert!(
        rest_pending.is_none(),
        "a state encoded with its rest pending"
    );
    w.option(kiosk.as_ref(), |w, k| {
        w.str(k.kiosk_id.as_str());
        w.str(k.village.as_str());
        w.str(k.shop.as_str());
        w.str(k.time_zone.as_str());
        w.i64(i64::from(k.utc_offset_minutes));
    });
    w.u64(households.len() as u64);
    for household in households.values() {
        write_household(w, household, kiosk.as_ref(), !format.rest_last());
        w.spill();
    }
    w.u64(items.len() as u64);
    for item in items.values() {
        let Item {
            sku,
            details,
            price,
            stock,
            active,
        } = item;
        w.str(sku.as_str());
        w.str(&details.to_json());
        w.i64(price.hundredths());
        w.i64(*stock);
        w.bool(*active);
    }
    if !format.rest_last() {
        write_credits(w, credits);
        write_redemptions(w, redemptions);
    }
    let id_list: Vec<_> = entry_ids.iter().collect();
    w.u64(id_list.len() as u64);
    for &(id, id_seq) in in_order(&id_list, &|a, b| a.1.cmp(&b.1)) {
        w.str(id);
        w.u64(id_seq);
        w.spill();
    }
    let barcode_list: Vec<_> = barcodes.iter().collect();
    w.u64(barcode_list.len() as u64);
    for (barcode, sku) in in_order(&barcode_list, &|a, b| a.cmp(b)) {
        w.str(barcode);
        w.str(sku.as_str());
    }
    write_totals(w, totals);
    w.u64(*seq);
    w.buffer.extend_from_slice(head);
    w.i64(*time_max_ms);
    w.u64(*uploaded_through_seq);
    w.option(uploaded_last_hash.as_ref(), |w, hash| w.str(hash));
    let all = settings.all();
    w.u64(all.len() as u64);
    for (key, value) in all {
        w.str(key);
        w.str(&value);
    }
    w.u64(staff.len() as u64);
    for member in staff.values() {
        let StaffMember {
            id,
            name,
            role,
            active,
            has_pin,
        } = member;
        w.str(id.as_str());
        w.str(name.as_str());
        w.str(role.as_str());
        w.bool(*active);
        w.bool(*has_pin);
    }
    w.u64(closed_years.len() as u64);
    for year in closed_years.keys() {
        w.i64(i64::from(*year));
    }
    w.str(&rules.to_record().to_json());
    w.u64(postings.len() as u64);
    for (period, posting) in postings {
        write_posting(w, period, posting);
        w.spill();
    }
    let run_list: Vec<_> = runs.iter().collect();
    w.u64(run_list.len() as u64);
    for (household, run) in in_order(&run_list, &|a, b| a.0.cmp(b.0)) {
        w.str(household.as_str());
        w.u64(u64::from(run.top));
        w.u64(u64::from(run.blacklist.lasts));
        w.u64(u64::from(run.blacklist.clear));
    }
    write_members(w, members);
    if !format.has_clock() {
        return;
    }
    w.i64(clock.ledger_ms);
    w.i64(clock.anchor_ms);
    w.option(clock.jump.as_ref(), |w, jump| w.i64(jump.wall_ms));
    // Format 5 goes on with the staff PIN resets and the redemptions they
    // mark, so that format 4 bodies re-derived for their proof keep their
    // bytes.
    let resets: Vec<_> = pin_resets.iter().collect();
    w.u64(resets.len() as u64);
    for (household, (at, staff)) in in_order(&resets, &|a, b| a.0.cmp(b.0)) {
        w.str(household.as_str());
        w.i64(*at);
        w.str(staff.as_str());
    }
    // Formats 6 and 7 hold each redemption's mark in the redemption.
    if !format.varints() {
        let marked: Vec<_> = redemptions
            .values()
            .filter_map(|r| r.pin_reset_by.as_ref().map(|staff| (r.seq, staff)))
            .collect();
        w.u64(marked.len() as u64);
        for &(seq, staff) in in_order(&marked, &|a, b| a.0.cmp(&b.0)) {
            w.u64(seq);
            w.str(staff.as_str());
        }
    }
    if format.rest_last() {
        write_credits(w, credits);
        write_redemptions(w, redemptions);
        for household in households.values() {
            write_history(w, &household.history, kiosk.as_ref());
            w.spill();
        }
    }
}

fn write_credits(
    w: &mut Writer,
    credits: &crate::state::Map<(HouseholdCode, Period, Text), (u64, Points)>,
) {
    let credit_list: Vec<_> = credits.iter().collect();
    w.u64(credit_list.len() as u64);
    for ((household, period, source), (credit_seq, amount)) in
        in_order(&credit_list, &|a, b| a.0.cmp(b.0))
    {
        w.str(household.as_str());
        w.str(period.as_str());
        w.str(source.as_str());
        w.u64(*credit_seq);
        w.i64(amount.hundredths());
        w.spill();
    }
}

fn write_redemptions(w: &mut Writer, redemptions: &crate::state::Redemptions) {
    let redemption_list: Vec<_> = redemptions.values().collect();
    w.u64(redemption_list.len() as u64);
    for redemption in in_order(&redemption_list, &|a, b| a.seq.cmp(&b.seq)) {
        write_redemption(w, redemption);
        w.spill();
    }
}

/// The items of `list` in the order of `cmp` (each list here is sorted by a
/// key no two items share, so the order is the one a sort of the items
/// themselves gives).
fn in_order<'a, T>(list: &'a [T], cmp: &dyn Fn(&T, &T) -> Ordering) -> impl Iterator<Item = &'a T> {
    let places = crate::sorting::sorted_places(list.len(), &|a, b| {
        cmp(&list[a as usize], &list[b as usize])
    });
    places.into_iter().map(move |place| &list[place as usize])
}

fn write_members(w: &mut Writer, members: &crate::ledger::members::Members) {
    // The cards are derived from the lists, so only the lists are written.
    w.u64(members.by_household.len() as u64);
    for (household, list) in &members.by_household {
        w.str(household.as_str());
        w.u64(list.len() as u64);
        for member in list {
            w.str(member.name.as_str());
            w.str(member.relation.as_str());
            w.option(member.card.as_ref(), |w, card| w.str(card.as_str()));
        }
    }
}

fn read_members(r: &mut Reader, state: &mut State) -> Result<(), String> {
    for _ in 0..r.count()? {
        let household = name::<HouseholdCode>(r.str()?)?;
        let mut list = Vec::new();
        for _ in 0..r.count()? {
            let member = crate::ledger::members::Member {
                name: name::<Text>(r.str()?)?,
                relation: name::<Text>(r.str()?)?,
                card: r.option(|r| name::<HouseholdCode>(r.str()?))?,
            };
            if let Some(card) = &member.card {
                let owner = (household.clone(), member.name.clone());
                if state.members.cards.insert(card.clone(), owner).is_some() {
                    return Err("a card listed twice".into());
                }
            }
            list.push(member);
        }
        state.members.by_household.insert(household, list);
    }
    Ok(())
}

fn write_posting(w: &mut Writer, period: &Period, posting: &Posting) {
    let Posting {
        posted_ms,
        scores,
        objections,
        applied_ms,
        review,
        pending,
    } = posting;
    w.str(period.as_str());
    w.i64(*posted_ms);
    w.u64(scores.len() as u64);
    for (household, score) in scores {
        w.str(household.as_str());
        w.u64(u64::from(score.tenths()));
    }
    w.u64(objections.len() as u64);
    for objection in objections {
        let Objection {
            household,
            finding,
            before,
            score,
            time_ms,
            raised,
        } = objection;
        w.str(household.as_str());
        w.str(finding.as_str());
        w.option(before.as_ref(), |w, before| {
            w.u64(u64::from(before.tenths()))
        });
        w.u64(u64::from(score.tenths()));
        w.i64(*time_ms);
        w.option(raised.as_ref(), write_raised);
    }
    w.option(applied_ms.as_ref(), |w, applied| w.i64(*applied));
    match review {
        Review::Unreviewed => w.u64(0),
        Review::Waiting { imported_by } => {
            w.u64(1);
            w.option(imported_by.as_ref(), |w, staff| w.str(staff.as_str()));
        }
        Review::Approved { by, own } => {
            w.u64(2);
            w.option(by.as_ref(), |w, staff| w.str(staff.as_str()));
            w.bool(*own);
        }
    }
    w.u64(pending.len() as u64);
    for raised in pending {
        write_raised(w, raised);
    }
}

fn write_raised(w: &mut Writer, raised: &Raised) {
    w.str(raised.household.as_str());
    w.str(raised.by.as_str());
    w.str(raised.what.as_str());
    w.i64(raised.time_ms);
}

fn read_raised(r: &mut Reader) -> Result<Raised, String> {
    Ok(Raised {
        household: name::<HouseholdCode>(r.str()?)?,
        by: name::<Text>(r.str()?)?,
        what: name::<Text>(r.str()?)?,
        time_ms: r.i64()?,
    })
}

fn read_posting(r: &mut Reader) -> Result<(Period, Posting), String> {
    let period = name::<Period>(r.str()?)?;
    let posted_ms = r.i64()?;
    let mut scores = indexmap::IndexMap::new();
    for _ in 0..r.count()? {
        let household = name::<HouseholdCode>(r.str()?)?;
        scores.insert(household, read_score(r)?);
    }
    let mut objections = Vec::new();
    for _ in 0..r.count()? {
        objections.push(Objection {
            household: name::<HouseholdCode>(r.str()?)?,
            finding: name::<Text>(r.str()?)?,
            before: r.option(read_score)?,
            score: read_score(r)?,
            time_ms: r.i64()?,
            raised: r.option(read_raised)?,
        });
    }
    let applied_ms = r.option(|r| r.i64())?;
    let staff = |r: &mut Reader| -> Result<StaffId, String> { name::<StaffId>(r.str()?) };
    let review = match r.u64()? {
        0 => Review::Unreviewed,
        1 => Review::Waiting {
            imported_by: r.option(staff)?,
        },
        2 => Review::Approved {
            by: r.option(staff)?,
            own: r.bool()?,
        },
        _ => return Err("an unknown review".to_string()),
    };
    let mut pending = Vec::new();
    for _ in 0..r.count()? {
        pending.push(read_raised(r)?);
    }
    let posting = Posting {
        posted_ms,
        scores,
        objections,
        applied_ms,
        review,
        pending,
    };
    Ok((period, posting))
}

fn read_score(r: &mut Reader) -> Result<Score, String> {
    u16::try_from(r.u64()?)
        .ok()
        .and_then(Score::from_tenths)
        .ok_or_else(|| "score".to_string())
}

fn small(r: &mut Reader) -> Result<u8, String> {
    u8::try_from(r.u64()?).map_err(|_| "run length".to_string())
}

/// A household, with its history lines unless they come last (format 7).
fn write_household(
    w: &mut Writer,
    household: &Household,
    kiosk: Option<&KioskInfo>,
    with_history: bool,
) {
    let Household {
        code,
        name,
        group,
        kind,
        status,
        balance,
        earned,
        blacklisted,
        has_pin,
        history,
    } = household;
    w.str(code.as_str());
    w.str(name.as_str());
    w.str(group.as_str());
    w.u8(match kind {
        HouseholdKind::Family => 0,
        HouseholdKind::Unit => 1,
    });
    w.u8(*status as u8);
    w.i64(balance.hundredths());
    w.i64(earned.hundredths());
    w.bool(*blacklisted);
    w.bool(*has_pin);
    if with_history {
        write_history(w, history, kiosk);
    }
}

/// A household's history lines, their count first.
fn write_history(w: &mut Writer, history: &[HistoryLine], kiosk: Option<&KioskInfo>) {
    w.u64(history.len() as u64);
    for line in history {
        let HistoryLine {
            seq,
            time_ms,
            kind,
            change,
            balance_after,
            note,
        } = line;
        w.u64(*seq);
        w.i64(*time_ms);
        let kind_index = HISTORY_KINDS.iter().position(|k| k == kind);
        w.u8(kind_index.map_or(u8::MAX, |index| index as u8));
        w.i64(change.hundredths());
        w.i64(balance_after.hundredths());
        match note {
            // Format 6 holds a receipt's seq; formats 4 and 5 held the
            // number as the household reads it.
            Note::Receipt(seq) if w.varints => w.u64(*seq),
            Note::Receipt(seq) => w.str(&receipt_number_of(kiosk, *seq)),
            Note::Text(text) => w.str(text),
        }
    }
}

/// Whether a history line of `kind` notes a receipt: those of a redemption
/// and of a void, always.
fn notes_a_receipt(kind: &str) -> bool {
    matches!(kind, "redeemed" | "redemption_voided")
}

fn write_redemption(w: &mut Writer, redemption: &Redemption) {
    let Redemption {
        seq,
        time_ms,
        household,
        lines,
        total,
        balance_after,
        hash,
        voided,
        assisted_by,
        collector,
        // Formats 4 and 5 write it after the clock: see write_body_of.
        pin_reset_by,
    } = redemption;
    w.u64(*seq);
    w.i64(*time_ms);
    w.str(household.as_str());
    w.u64(lines.len() as u64);
    for RedeemedLine {
        sku,
        quantity,
        unit_price,
    } in lines
    {
        w.str(sku.as_str());
        w.u64(u64::from(*quantity));
        w.i64(unit_price.hundredths());
    }
    w.i64(total.hundredths());
    w.i64(balance_after.hundredths());
    w.buffer.extend_from_slice(hash);
    w.bool(*voided);
    w.option(assisted_by.as_ref(), |w, staff| w.str(staff.as_str()));
    w.option(collector.as_ref(), |w, member| w.str(member.as_str()));
    if w.varints {
        w.option(pin_reset_by.as_ref(), |w, staff| w.str(staff.as_str()));
    }
}

fn write_totals(w: &mut Writer, totals: &Totals) {
    let Totals {
        credited,
        corrected,
        redeemed,
        voided,
        cleared,
        units_restocked,
        units_redeemed,
        units_voided,
        units_adjusted,
    } = totals;
    for points in [credited, corrected, redeemed, voided, cleared] {
        w.i64(points.hundredths());
    }
    for units in [
        units_restocked,
        units_redeemed,
        units_voided,
        units_adjusted,
    ] {
        w.i64(*units);
    }
}

/// Decodes and checks a checkpoint: its trailing hash, its header against
/// the decoded state, and every name.
pub fn decode(bytes: &[u8]) -> Result<Checkpoint, String> {
    let digest = Sha256::digest(hashed_part(bytes)?).into();
    decode_hashed(bytes, digest)
}

/// The seq a checkpoint's header names, read without any check (the decode
/// checks it): open starts reading the records after it meanwhile.
pub fn claimed_seq(bytes: &[u8]) -> Option<u64> {
    let seq = bytes.get(MAGIC.len()..MAGIC.len() + 8)?;
    Some(u64::from_le_bytes(seq.try_into().ok()?))
}

/// The bytes of a checkpoint that its trailing hash covers: all but the
/// last 32.
pub fn hashed_part(bytes: &[u8]) -> Result<&[u8], String> {
    let split = bytes.len().checked_sub(32).ok_or("checkpoint too short")?;
    Ok(&bytes[..split])
}

/// [`decode`], given the SHA-256 of [`hashed_part`] computed elsewhere (the
/// browser shell has it computed by the browser's own SHA-256, which is
/// several times faster than the one compiled into the wasm).
pub fn decode_hashed(bytes: &[u8], hashed_part_digest: Hash) -> Result<Checkpoint, String> {
    let content = hashed_part(bytes)?;
    if hashed_part_digest.as_slice() != &bytes[content.len()..] {
        return Err(HASH_MISMATCH.into());
    }
    decode_before_hash(bytes)
}

/// What a checkpoint whose trailing hash is wrong is refused with.
pub const HASH_MISMATCH: &str = "checkpoint hash does not match its bytes";

/// [`decode_hashed`] without the trailing hash compared: for a caller that
/// has the hash computed meanwhile (the browser shell, off the page's thread
/// while this decodes) and compares it with the checkpoint's last 32 bytes
/// before it uses anything decoded. Every other check is made, and the
/// decode is safe on any bytes (the hash is no secret: a damaged checkpoint
/// with a right hash comes this way too).
pub fn decode_before_hash(bytes: &[u8]) -> Result<Checkpoint, String> {
    decode_unhashed(bytes, Rest::Now)
}

/// [`decode_before_hash`] for a kiosk's open: a checkpoint of format 7 has
/// its credits, redemptions and history lines left as bytes in
/// [`State::rest_pending`] until [`decode_rest`]; every other check is made.
pub fn decode_for_open(bytes: &[u8]) -> Result<Checkpoint, String> {
    decode_unhashed(bytes, Rest::Later)
}

/// When the rest of a format 7 checkpoint is decoded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rest {
    Now,
    Later,
}

fn decode_unhashed(bytes: &[u8], rest: Rest) -> Result<Checkpoint, String> {
    let content = hashed_part(bytes)?;
    let digest = &bytes[content.len()..];
    let mut r = Reader(content, false);
    let format = match r.take(MAGIC.len())? {
        magic if magic == MAGIC => Format::V7,
        magic if magic == MAGIC_06 => Format::V6,
        magic if magic == MAGIC_05 => Format::V5,
        magic if magic == MAGIC_04 => Format::V4,
        _ => return Err("not a checkpoint of this format".into()),
    };
    let seq = r.u64()?;
    let head: Hash = r.take(32)?.try_into().map_err(|_| "head")?;
    let state_hash = std::str::from_utf8(r.take(64)?)
        .map_err(|_| "state hash")?
        .to_string();
    let body = r.0;
    let state = decode_body_of(body, format, rest)?;
    if state.seq != seq || state.head != head {
        return Err("checkpoint header disagrees with its state".into());
    }
    if state.state_hash() != state_hash {
        return Err("checkpoint state hash disagrees with its state".into());
    }
    Ok(Checkpoint {
        claim: Claim {
            seq,
            head,
            state_hash,
            digest: digest.try_into().map_err(|_| "digest")?,
            format,
        },
        state,
    })
}

/// The state encoded by [`encode_body`].
pub fn decode_body(body: &[u8]) -> Result<State, String> {
    decode_body_of(body, Format::V7, Rest::Now)
}

/// A body of `format`.
fn decode_body_of(body: &[u8], format: Format, rest: Rest) -> Result<State, String> {
    let with_clock = format.has_clock();
    let mut r = Reader(body, format.varints());
    let mut state = State::new();
    state.kiosk = r.option(|r| {
        Ok(KioskInfo {
            kiosk_id: name::<KioskId>(r.str()?)?,
            village: name::<Text>(r.str()?)?,
            shop: name::<Text>(r.str()?)?,
            time_zone: name::<Text>(r.str()?)?,
            utc_offset_minutes: i32::try_from(r.i64()?).map_err(|_| "offset")?,
        })
    })?;
    let mut seen = Seen::default();
    for _ in 0..r.count()? {
        let household = read_household(&mut r, state.kiosk.as_ref(), &mut seen, format)?;
        state.households.insert(household.code.clone(), household);
    }
    for _ in 0..r.count()? {
        let sku = name::<Sku>(r.str()?)?;
        let details = ItemDetails::from_json(r.str()?)?;
        let item = Item {
            sku: sku.clone(),
            details,
            price: r.points()?,
            stock: r.i64()?,
            active: r.bool()?,
        };
        state.items.insert(sku, item);
    }
    if !format.rest_last() {
        read_credits(&mut r, &mut state, &mut seen)?;
        read_redemptions(&mut r, &mut state.redemptions, &mut seen)?;
    }
    let ids = r.count_of(16)?;
    state
        .entry_ids
        .reserve(ids, ids.saturating_mul(12).min(r.0.len()));
    for _ in 0..ids {
        let id = r.bytes()?;
        match state.entry_ids.insert_stored(id, r.u64()?) {
            Some(true) => {}
            Some(false) => return Err("checkpoint repeats an entry id".into()),
            None => return Err("entry id".into()),
        }
    }
    for _ in 0..r.count()? {
        let barcode = r.str()?.to_string();
        state.barcodes.insert(barcode, name::<Sku>(r.str()?)?);
    }
    state.totals = read_totals(&mut r)?;
    state.seq = r.u64()?;
    state.head = r.take(32)?.try_into().map_err(|_| "head")?;
    state.time_max_ms = r.i64()?;
    state.uploaded_through_seq = r.u64()?;
    state.uploaded_last_hash = r.option(|r| Ok(r.str()?.to_string()))?;
    let mut settings = Settings::default();
    for _ in 0..r.count()? {
        let (key, value) = (r.str()?, r.str()?);
        settings.apply(Setting::parse(key, value).ok_or("setting")?);
    }
    state.settings = settings;
    for _ in 0..r.count()? {
        let member = StaffMember {
            id: name::<StaffId>(r.str()?)?,
            name: name::<Text>(r.str()?)?,
            role: Role::parse(r.str()?).ok_or("role")?,
            active: r.bool()?,
            has_pin: r.bool()?,
        };
        state.staff.insert(member.id.clone(), member);
    }
    for _ in 0..r.count()? {
        state
            .closed_years
            .insert(i32::try_from(r.i64()?).map_err(|_| "year")?, ());
    }
    let record = RulesRecord::from_json(r.str()?)?;
    state.rules = Rules::from_record(&record).map_err(|problem| format!("rules: {problem:?}"))?;
    for _ in 0..r.count()? {
        let (period, posting) = read_posting(&mut r)?;
        state.postings.insert(period, posting);
    }
    for _ in 0..r.count()? {
        let household = name::<HouseholdCode>(r.str()?)?;
        let run = Runs {
            top: small(&mut r)?,
            blacklist: BlacklistRuns {
                lasts: small(&mut r)?,
                clear: small(&mut r)?,
            },
        };
        state.runs.insert(household, run);
    }
    read_members(&mut r, &mut state)?;
    state.clock = if with_clock {
        crate::clock::Clock {
            ledger_ms: r.i64()?,
            anchor_ms: r.i64()?,
            jump: r.option(|r| Ok(crate::clock::Jump { wall_ms: r.i64()? }))?,
        }
    } else {
        crate::clock::Clock::start(state.time_max_ms)
    };
    if with_clock {
        for _ in 0..r.count()? {
            let household = seen.households.name(r.bytes()?)?;
            let at = r.i64()?;
            let staff = seen.staff.name(r.bytes()?)?;
            state.pin_resets.insert(household, (at, staff));
        }
        let marks = if r.1 { 0 } else { r.count()? };
        for _ in 0..marks {
            let seq = r.u64()?;
            let staff = seen.staff.name(r.bytes()?)?;
            let redemption = state
                .redemptions
                .get_mut(&seq)
                .ok_or("a PIN-reset mark of no redemption")?;
            redemption.pin_reset_by = Some(staff);
        }
    }
    match (format.rest_last(), rest) {
        (true, Rest::Now) => {
            let households = state.households.len();
            read_rest(&mut r, &mut state, &mut seen, households)?;
        }
        (true, Rest::Later) => {
            state.rest_pending = Some(RestPending {
                bytes: r.0.to_vec(),
                households: state.households.len(),
            });
            r.0 = &[];
        }
        (false, _) => {}
    }
    if !r.0.is_empty() {
        return Err("checkpoint has bytes after its state".into());
    }
    if state.seq == 0 && state.head != GENESIS_PREVIOUS_HASH {
        return Err("checkpoint of an empty journal with a head".into());
    }
    Ok(state)
}

fn read_household<'a>(
    r: &mut Reader<'a>,
    kiosk: Option<&KioskInfo>,
    seen: &mut Seen<'a>,
    format: Format,
) -> Result<Household, String> {
    let code = name::<HouseholdCode>(r.str()?)?;
    let name_text = name::<Text>(r.str()?)?;
    let group = name::<Text>(r.str()?)?;
    let kind = match r.u8()? {
        0 => HouseholdKind::Family,
        1 => HouseholdKind::Unit,
        _ => return Err("household kind".into()),
    };
    let status = match r.u8()? {
        0 => HouseholdStatus::Active,
        1 => HouseholdStatus::Suspended,
        2 => HouseholdStatus::MovedAway,
        _ => return Err("household status".into()),
    };
    let balance = r.points()?;
    let earned = r.points()?;
    let blacklisted = r.bool()?;
    let has_pin = r.bool()?;
    let history = match format.rest_last() {
        true => Vec::new(),
        false => read_history(r, kiosk, seen)?,
    };
    Ok(Household {
        code,
        name: name_text,
        group,
        kind,
        status,
        balance,
        earned,
        blacklisted,
        has_pin,
        history,
    })
}

/// A household's history lines, their count first.
fn read_history<'a>(
    r: &mut Reader<'a>,
    kiosk: Option<&KioskInfo>,
    seen: &mut Seen<'a>,
) -> Result<Vec<HistoryLine>, String> {
    let lines = r.count_of(41)?;
    read_list(lines, |_| read_history_line(r, kiosk, seen))
}

/// The credits, redemptions and history lines of a format 7 checkpoint that
/// open left as bytes ([`decode_for_open`]), and how many households' lines
/// they hold: the first that many of the state's, in their order (no
/// household is added or removed while they wait, see [`State::apply`]).
#[derive(Clone, Debug, Default)]
pub struct RestPending {
    bytes: Vec<u8>,
    households: usize,
}

/// Decodes what [`decode_for_open`] left in `state` ([`read_rest`]). `Err`
/// if the bytes are not those parts (a checkpoint damaged under a right
/// hash, which the background proof refutes too); what was read so far
/// stays.
pub fn decode_rest(state: &mut State) -> Result<(), String> {
    let Some(pending) = state.rest_pending.take() else {
        return Ok(());
    };
    let mut r = Reader(&pending.bytes, true);
    read_rest(&mut r, state, &mut Seen::default(), pending.households)?;
    if !r.0.is_empty() {
        return Err("checkpoint has bytes after its history".into());
    }
    Ok(())
}

/// The credits, the redemptions before any made since, and the first
/// `households` households' history lines, each before any line added
/// since ([`State::apply`] lets only entries that read none of them come
/// first).
fn read_rest<'a>(
    r: &mut Reader<'a>,
    state: &mut State,
    seen: &mut Seen<'a>,
    households: usize,
) -> Result<(), String> {
    read_credits(r, state, seen)?;
    let mut redemptions = crate::state::Redemptions::default();
    read_redemptions(r, &mut redemptions, seen)?;
    for since in state.redemptions.values() {
        if redemptions.insert(since.clone()).is_some() {
            return Err("checkpoint repeats a redemption made since".into());
        }
    }
    state.redemptions = redemptions;
    let kiosk = state.kiosk.clone();
    for index in 0..households {
        let lines = read_history(r, kiosk.as_ref(), seen)?;
        let (_, household) = state
            .households
            .get_index_mut(index)
            .ok_or("checkpoint history of no household")?;
        let since = std::mem::replace(&mut household.history, lines);
        household.history.extend(since);
    }
    Ok(())
}

/// The credits, into the state's.
fn read_credits<'a>(
    r: &mut Reader<'a>,
    state: &mut State,
    seen: &mut Seen<'a>,
) -> Result<(), String> {
    // Counts that size an allocation are held to what the bytes left could
    // encode, so a damaged count cannot reserve many times the checkpoint.
    let credits = r.count_of(3 * 8 + 16)?;
    state.credits.reserve(credits);
    for _ in 0..credits {
        let key = (
            seen.households.name(r.bytes()?)?,
            seen.periods.name(r.bytes()?)?,
            seen.texts.name(r.bytes()?)?,
        );
        let value = (r.u64()?, r.points()?);
        if state.credits.insert(key, value).is_some() {
            return Err("checkpoint repeats a credit".into());
        }
    }
    Ok(())
}

/// The redemptions, into `redemptions`.
fn read_redemptions<'a>(
    r: &mut Reader<'a>,
    redemptions: &mut crate::state::Redemptions,
    seen: &mut Seen<'a>,
) -> Result<(), String> {
    let count = r.count_of(REDEMPTION_BYTES_MIN)?;
    redemptions.reserve(count);
    for _ in 0..count {
        let redemption = read_redemption(r, seen)?;
        if redemptions.insert(redemption).is_some() {
            return Err("checkpoint repeats a redemption".into());
        }
    }
    Ok(())
}

/// The fewest bytes a stored redemption takes: seq, time, an empty code,
/// a line count, total, balance, hash and two flags.
const REDEMPTION_BYTES_MIN: usize = 8 * 6 + 32 + 2;

/// `count` items read by `read` into a list of exactly that room, in one
/// loop that writes each in place (in a cold open's profile a call to
/// `push` per item had shown as a sixth of the decode's own time; the
/// measured gain of the change was within the noise, a few per cent).
fn read_list<T>(
    count: usize,
    mut read: impl FnMut(usize) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let mut list = Vec::with_capacity(count);
    let mut failed = None;
    list.extend((0..count).map_while(|at| match read(at) {
        Ok(item) => Some(item),
        Err(error) => {
            failed = Some(error);
            None
        }
    }));
    match failed {
        Some(error) => Err(error),
        None => Ok(list),
    }
}

fn read_history_line<'a>(
    r: &mut Reader<'a>,
    kiosk: Option<&KioskInfo>,
    seen: &mut Seen<'a>,
) -> Result<HistoryLine, String> {
    let seq = r.u64()?;
    let time_ms = r.i64()?;
    let kind = HISTORY_KINDS
        .get(usize::from(r.u8()?))
        .ok_or("history kind")?;
    let change = r.points()?;
    let balance_after = r.points()?;
    let note = match notes_a_receipt(kind) {
        true if r.1 => Note::Receipt(r.u64()?),
        true => receipt_of(r.str()?, kiosk).ok_or("history note")?,
        false => Note::Text(seen.notes.name(r.bytes()?)?),
    };
    Ok(HistoryLine {
        seq,
        time_ms,
        kind,
        change,
        balance_after,
        note,
    })
}

#[inline(always)]
fn read_redemption<'a>(r: &mut Reader<'a>, seen: &mut Seen<'a>) -> Result<Redemption, String> {
    let seq = r.u64()?;
    let time_ms = r.i64()?;
    let household = seen.households.name(r.bytes()?)?;
    let count = r.count_of(24)?;
    let lines = read_list(count, |_| {
        Ok(RedeemedLine {
            sku: seen.skus.name(r.bytes()?)?,
            quantity: u32::try_from(r.u64()?).map_err(|_| "quantity")?,
            unit_price: r.points()?,
        })
    })?;
    Ok(Redemption {
        seq,
        time_ms,
        household,
        lines,
        total: r.points()?,
        balance_after: r.points()?,
        hash: r.take(32)?.try_into().map_err(|_| "hash")?,
        voided: r.bool()?,
        assisted_by: r.option(|r| seen.staff.name(r.bytes()?))?,
        collector: r.option(|r| seen.texts.name(r.bytes()?))?,
        // Format 6 holds it here; formats 4 and 5 after the clock.
        pin_reset_by: match r.1 {
            true => r.option(|r| seen.staff.name(r.bytes()?))?,
            false => None,
        },
    })
}

fn read_totals(r: &mut Reader) -> Result<Totals, String> {
    Ok(Totals {
        credited: r.points()?,
        corrected: r.points()?,
        redeemed: r.points()?,
        voided: r.points()?,
        cleared: r.points()?,
        units_restocked: r.i64()?,
        units_redeemed: r.i64()?,
        units_voided: r.i64()?,
        units_adjusted: r.i64()?,
    })
}

/// The names a checkpoint's credits and redemptions have already shown,
/// each checked once: at 50,000 entries the same 300 household codes and 40
/// SKUs come well over 100,000 times, and their checks (trimmed, upper-cased
/// into a new string, every character looked at) were a third of the decode
/// in the wasm's unoptimised first tier, which most of a cold open runs in.
/// The same text always checks the same way, so a copy of the first result
/// is what checking it again would give.
#[derive(Default)]
struct Seen<'a> {
    /// History notes: any text, shared with every line of the same text
    /// (a credit's period in every household credited for it).
    notes: Checked<'a, std::sync::Arc<str>>,
    households: Checked<'a, HouseholdCode>,
    skus: Checked<'a, Sku>,
    periods: Checked<'a, Period>,
    texts: Checked<'a, Text>,
    staff: Checked<'a, StaffId>,
}

/// Names of one kind by their stored bytes (one entry per distinct text,
/// so no more than the checkpoint's bytes could hold).
struct Checked<'a, T>(crate::state::Map<&'a [u8], T>);

impl<T> Default for Checked<'_, T> {
    fn default() -> Self {
        Checked(crate::state::Map::default())
    }
}

/// The receipt a note of format 4 or 5 names: the seq in the number the
/// kiosk prints (`state::receipt_number`), and only if printing that seq
/// gives this very text back.
fn receipt_of(text: &str, kiosk: Option<&KioskInfo>) -> Option<Note> {
    let (_, digits) = text.rsplit_once('-')?;
    let seq = digits.parse().ok()?;
    (receipt_number_of(kiosk, seq) == text).then_some(Note::Receipt(seq))
}

impl<'a, T: Stored + Clone> Checked<'a, T> {
    fn name(&mut self, bytes: &'a [u8]) -> Result<T, String> {
        if let Some(known) = self.0.get(bytes) {
            return Ok(known.clone());
        }
        let checked = name::<T>(utf8(bytes)?)?;
        self.0.insert(bytes, checked.clone());
        Ok(checked)
    }
}

fn utf8(bytes: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|_| "checkpoint text is not UTF-8".into())
}

/// A checked name from its stored text (the same check as decoding an entry).
fn name<T: Stored>(text: &str) -> Result<T, String> {
    T::from_stored(text).map_err(|_| format!("checkpoint holds a bad name {text:?}"))
}

/// The names a checkpoint holds, each read by its own `from_stored`.
trait Stored: Sized {
    fn from_stored(text: &str) -> Result<Self, crate::ids::InvalidName>;
}

macro_rules! stored {
    ($($name:ty),*) => {
        $(impl Stored for $name {
            fn from_stored(text: &str) -> Result<Self, crate::ids::InvalidName> {
                <$name>::from_stored(text)
            }
        })*
    };
}

stored!(HouseholdCode, KioskId, Period, Sku, StaffId, Text);

/// A history note is any text: nothing to check but that it is UTF-8.
impl Stored for std::sync::Arc<str> {
    fn from_stored(text: &str) -> Result<Self, crate::ids::InvalidName> {
        Ok(text.into())
    }
}

/// Writes the body into a buffer, or through it into a hasher.
struct Writer {
    buffer: Vec<u8>,
    hasher: Option<Sha256>,
    /// Integers as varints (format 6) or in 8 bytes (formats 4 and 5).
    varints: bool,
}

impl Writer {
    /// Hands a full buffer to the hasher, when hashing.
    fn spill(&mut self) {
        if let Some(hasher) = &mut self.hasher {
            if self.buffer.len() >= SPILL_BYTES {
                hasher.update(&self.buffer);
                self.buffer.clear();
            }
        }
    }
    fn u8(&mut self, value: u8) {
        self.buffer.push(value);
    }
    fn bool(&mut self, value: bool) {
        self.buffer.push(u8::from(value));
    }
    fn u64(&mut self, value: u64) {
        if !self.varints {
            self.buffer.extend_from_slice(&value.to_le_bytes());
            return;
        }
        // LEB128: seven bits a byte, low first, the high bit set on every
        // byte but the last.
        let mut rest = value;
        while rest >= 0x80 {
            self.buffer.push(rest as u8 | 0x80);
            rest >>= 7;
        }
        self.buffer.push(rest as u8);
    }
    fn i64(&mut self, value: i64) {
        if !self.varints {
            self.buffer.extend_from_slice(&value.to_le_bytes());
            return;
        }
        // Zigzag: small negative amounts (a redemption's change) stay short.
        self.u64(((value << 1) ^ (value >> 63)) as u64);
    }
    fn str(&mut self, text: &str) {
        self.u64(text.len() as u64);
        self.buffer.extend_from_slice(text.as_bytes());
    }
    fn option<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Writer, T)) {
        match value {
            None => self.u8(0),
            Some(value) => {
                self.u8(1);
                write(self, value);
            }
        }
    }
}

/// The bytes left, and whether integers are varints (format 6).
struct Reader<'a>(&'a [u8], bool);

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Result<&'a [u8], String> {
        if self.0.len() < count {
            return Err("checkpoint truncated".into());
        }
        let (taken, rest) = self.0.split_at(count);
        self.0 = rest;
        Ok(taken)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn bool(&mut self) -> Result<bool, String> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err("checkpoint flag is neither 0 nor 1".into()),
        }
    }
    fn u64(&mut self) -> Result<u64, String> {
        if self.1 {
            return self.varint();
        }
        let bytes: [u8; 8] = self.take(8)?.try_into().map_err(|_| "u64")?;
        Ok(u64::from_le_bytes(bytes))
    }
    fn i64(&mut self) -> Result<i64, String> {
        if self.1 {
            let zigzag = self.varint()?;
            return Ok((zigzag >> 1) as i64 ^ -((zigzag & 1) as i64));
        }
        let bytes: [u8; 8] = self.take(8)?.try_into().map_err(|_| "i64")?;
        Ok(i64::from_le_bytes(bytes))
    }
    /// A LEB128 varint, in its one shortest form: a longer spelling of the
    /// same number (a last byte of 0) or one past 64 bits is refused, so a
    /// state has exactly one encoding and its proof compares bytes.
    fn varint(&mut self) -> Result<u64, String> {
        // Most are one byte: a count, a length, a quantity, a kind.
        if let Some((&byte, rest)) = self.0.split_first() {
            if byte < 0x80 {
                self.0 = rest;
                return Ok(u64::from(byte));
            }
        }
        let mut value = 0u64;
        for (at, &byte) in self.0.iter().enumerate().take(10) {
            let bits = u64::from(byte & 0x7f);
            if at == 9 && byte > 1 {
                break;
            }
            value |= bits << (7 * at);
            if byte < 0x80 {
                if byte == 0 && at > 0 {
                    break;
                }
                self.0 = &self.0[at + 1..];
                return Ok(value);
            }
        }
        Err("checkpoint integer malformed".into())
    }
    fn points(&mut self) -> Result<Points, String> {
        Points::from_hundredths(self.i64()?).ok_or_else(|| "checkpoint amount out of range".into())
    }
    /// A count of things that follow: at most one per remaining byte.
    fn count(&mut self) -> Result<usize, String> {
        let count = self.u64()?;
        usize::try_from(count)
            .ok()
            .filter(|count| *count <= self.0.len())
            .ok_or_else(|| "checkpoint count past its end".to_string())
    }
    /// A count of things of at least `bytes_min` bytes each: no more than
    /// the remaining bytes could hold.
    fn count_of(&mut self, bytes_min: usize) -> Result<usize, String> {
        let count = self.count()?;
        // `bytes_min` is counted with 8-byte integers; a varint takes at
        // least one, so an eighth of it is a floor in format 6.
        let bytes_min = if self.1 {
            (bytes_min / 8).max(1)
        } else {
            bytes_min
        };
        if count.saturating_mul(bytes_min) > self.0.len() {
            return Err("checkpoint count past its end".into());
        }
        Ok(count)
    }
    fn str(&mut self) -> Result<&'a str, String> {
        utf8(self.bytes()?)
    }
    /// A string's bytes, not yet checked to be UTF-8: names seen before are
    /// found by their bytes, and only a new one is checked.
    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let length = self.count()?;
        self.take(length)
    }
    fn option<T>(
        &mut self,
        read: impl FnOnce(&mut Reader<'a>) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        match self.u8()? {
            0 => Ok(None),
            1 => read(self).map(Some),
            _ => Err("checkpoint option is neither 0 nor 1".into()),
        }
    }
}

/// Proves a checkpoint against the state re-derived from the journal up to
/// its seq: the same seq, head, state hash and every byte of the state.
/// `Err` names what differs (reported as `STORAGE_CORRUPT` at the
/// checkpoint's seq).
pub fn prove(checkpoint: &Claim, replayed: &State) -> Result<(), String> {
    if replayed.seq != checkpoint.seq || replayed.head != checkpoint.head {
        return Err(format!(
            "the checkpoint at seq {} does not match the journal's chain",
            checkpoint.seq
        ));
    }
    if replayed.state_hash() != checkpoint.state_hash {
        return Err(format!(
            "the checkpoint at seq {} has another state hash than the journal",
            checkpoint.seq
        ));
    }
    if digest_of(replayed, checkpoint.format) != checkpoint.digest {
        return Err(format!(
            "the checkpoint at seq {} holds another state than the journal",
            checkpoint.seq
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// A receipt note of format 5 is read back to its seq only when the
    /// kiosk would print that very text for it.
    #[test]
    fn a_receipt_note_of_format_5_is_its_seq_when_printed_alike() {
        use super::{receipt_of, KioskInfo, Note};
        let kiosk = KioskInfo {
            kiosk_id: crate::ids::KioskId::new("village-01").unwrap(),
            village: text("张家村"),
            shop: text("张家村爱心超市"),
            time_zone: text("Asia/Shanghai"),
            utc_offset_minutes: 480,
        };
        let kiosk = Some(&kiosk);
        assert_eq!(
            receipt_of("village-01-000123", kiosk),
            Some(Note::Receipt(123))
        );
        assert_eq!(
            receipt_of("village-01-1234567", kiosk),
            Some(Note::Receipt(1_234_567))
        );
        for other in [
            "village-01-123",
            "village-02-000123",
            "village-01-00012x",
            "000123",
            "",
        ] {
            assert_eq!(receipt_of(other, kiosk), None, "{other}");
        }
        assert_eq!(receipt_of("kiosk-000007", None), Some(Note::Receipt(7)));
    }

    /// Every integer of format 6 has one spelling: the writer's, read back;
    /// a longer one, one past 64 bits or a cut one is refused.
    #[test]
    fn a_varint_has_one_spelling() {
        let values = [
            0,
            1,
            127,
            128,
            300,
            u64::from(u32::MAX),
            u64::MAX - 1,
            u64::MAX,
        ];
        for value in values {
            let mut w = super::Writer {
                buffer: Vec::new(),
                hasher: None,
                varints: true,
            };
            w.u64(value);
            let mut r = super::Reader(&w.buffer, true);
            assert_eq!(r.u64(), Ok(value));
            assert!(r.0.is_empty());
            let cut = &w.buffer[..w.buffer.len() - 1];
            assert!(super::Reader(cut, true).u64().is_err(), "{value} cut");
        }
        for value in [0, -1, 1, -150_00, i64::MIN, i64::MAX] {
            let mut w = super::Writer {
                buffer: Vec::new(),
                hasher: None,
                varints: true,
            };
            w.i64(value);
            assert_eq!(super::Reader(&w.buffer, true).i64(), Ok(value));
        }
        let longer: [&[u8]; 3] = [&[0x80, 0x00], &[0xff, 0x80, 0x00], &[0x81, 0x00]];
        for bytes in longer {
            assert!(super::Reader(bytes, true).u64().is_err(), "{bytes:?}");
        }
        let past_64_bits = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert!(super::Reader(&past_64_bits, true).u64().is_err());
        let eleven = [0x80; 11];
        assert!(super::Reader(&eleven, true).u64().is_err());
    }

    use crate::entry::{Barcode, ImageRef, ItemDetails};
    use crate::ids::Text;
    use crate::rulebook::{ItemRecord, Rules, RulesRecord};

    fn text(value: &str) -> Text {
        Text::new(value, 200).expect("a valid text")
    }

    /// Checkpoints written before held these parts as `serde_json` wrote
    /// them: the hand-written parts are the same bytes, so such a
    /// checkpoint still reads and still proves equal to a replayed state.
    #[test]
    fn the_json_parts_are_the_bytes_serde_json_wrote() {
        let full = ItemDetails {
            name_zh: text("\"精\"盐\\ 500g 🧂"),
            name_en: Some(text("Salt </b> \u{2028}")),
            unit: text("袋"),
            category: text("调味品"),
            barcode: Barcode::new("6901234567892"),
            image: ImageRef::new("img/salt.png"),
            low_stock: Some(3),
        };
        let bare = ItemDetails {
            name_en: None,
            barcode: None,
            image: None,
            low_stock: None,
            ..full.clone()
        };
        for details in [full, bare] {
            let old = serde_json::to_string(&details).expect("serde_json writes it");
            assert_eq!(details.to_json(), old);
            assert_eq!(ItemDetails::from_json(&old), Ok(details));
        }
        let mut deduction = Rules::default().to_record();
        deduction.table[0].items.push(ItemRecord {
            name: "乱扔垃圾 \"x\"".to_string(),
            max_tenths: 20,
            deduction: true,
        });
        for rules in [Rules::default().to_record(), deduction] {
            let old = serde_json::to_string(&rules).expect("serde_json writes it");
            assert_eq!(rules.to_json(), old);
            assert_eq!(RulesRecord::from_json(&old), Ok(rules));
        }
    }

    #[test]
    fn a_json_part_with_more_or_less_than_its_fields_is_refused() {
        let details = ItemDetails::from_json(r#"{"name_zh":"盐","unit":"袋","category":"调味品"}"#);
        assert!(
            details.is_ok(),
            "optional fields may be missing: {details:?}"
        );
        for bad in [
            r#"{"name_zh":"盐","unit":"袋"}"#,
            r#"{"name_zh":"盐","unit":"袋","category":"调味品","price":1}"#,
            r#"{"name_zh":"盐","unit":"袋","category":"调味品"} x"#,
            r#"{"name_zh":"盐","unit":"袋","category":"调味品","low_stock":1.5}"#,
            "",
        ] {
            assert!(ItemDetails::from_json(bad).is_err(), "{bad}");
        }
        assert!(RulesRecord::from_json("{}").is_err());
    }
}
