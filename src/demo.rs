//! The demo village as journal entries: households with their PINs, goods,
//! an opening stock from the village welfare fund, two donations, three
//! months of evaluation points (with the bonus for three top months in a
//! row) and a few redemptions. Loaded only into a kiosk that holds nothing
//! but its genesis entry.
//!
//! The PIN hashes are precomputed (see [`DEMO_PIN_HASHES`]) so loading is
//! instant even at the browser's PIN cost.

use crate::credential::staff_key;
use crate::credential::{household_key, Credential, PinHash};
use crate::demo_data::{
    DEMO_DONATIONS, DEMO_HOUSEHOLDS, DEMO_ITEMS, DEMO_MONTHLY_POINTS, DEMO_PERIODS,
};
use crate::entry::{
    Actor, Barcode, Body, EntryId, HouseholdKind, ImageRef, ItemDetails, RedeemedLine, Role,
    SourceType, StockLine,
};
use crate::error::Error;
use crate::ids::{HouseholdCode, Period, Sku, Text};
use crate::points::Points;
use crate::state::State;

/// PBKDF2 iterations of the demo PIN hashes: the browser's cost.
pub const DEMO_PIN_ITERATIONS: u32 = 100_000;

/// The demo households' PIN hashes, in the order of `DEMO_HOUSEHOLDS`:
/// (salt, hash) in hex. The salt of household `C` is the first 16 bytes of
/// SHA-256("aixin-demo-salt:" ‖ C). Regenerate with
/// `cargo test -- --ignored print_demo_pin_hashes --nocapture`.
#[rustfmt::skip]
pub(crate) const DEMO_PIN_HASHES: [(&str, &str); 30] = include!("demo_pin_hashes.in");

/// The demo's staff: id, name, role and PIN (listed in README.md).
pub(crate) const DEMO_STAFF: [(&str, &str, Role, &str); 3] = [
    ("admin", "村管理员 张建华", Role::Admin, "9999"),
    ("shop", "店管员 李秀兰", Role::Shopkeeper, "1111"),
    ("clerk", "积分专员 陈伟明", Role::Clerk, "2222"),
];

/// The demo staff's PIN hashes, in the order of [`DEMO_STAFF`], salted like
/// the households' with "staff:" before the id.
#[rustfmt::skip]
pub(crate) const DEMO_STAFF_PIN_HASHES: [(&str, &str); 3] = include!("demo_staff_pin_hashes.in");

/// The salt of a demo household's PIN.
#[cfg(test)]
fn demo_salt(code: &str) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("aixin-demo-salt:{code}").as_bytes());
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&digest[..16]);
    salt
}

/// Redemptions the demo villagers already made: household and (sku, quantity).
const DEMO_REDEMPTIONS: [(&str, &[(&str, i64)]); 3] = [
    ("A001", &[("salt-500g", 2), ("soy-sauce-light-500ml", 1)]),
    ("B003", &[("msg-200g", 1), ("matches-10", 1)]),
    ("C009", &[("toothbrush", 1), ("bath-soap-125g", 1)]),
];

type Draft = (Actor, EntryId, Body);

/// The seqs of the demo villagers' redemptions in `state` (loaded, not made
/// at this kiosk's screen: no receipt of theirs was ever due).
// Asked only by the browser shell (`Kiosk.lastRedemption`).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn redemption_seqs(state: &State) -> Vec<u64> {
    (0..DEMO_REDEMPTIONS.len())
        .filter_map(|index| EntryId::new(&format!("demo:redemption:{index}")))
        .filter_map(|id| state.entry_ids.get(&id).copied())
        .collect()
}

fn invalid(what: &str) -> Error {
    Error::Internal {
        detail: format!("demo data: {what}"),
    }
}

fn id(text: String) -> Result<EntryId, Error> {
    EntryId::new(&text).ok_or_else(|| invalid(&text))
}

fn name(text: &str) -> Result<Text, Error> {
    Text::new(text, 40).map_err(|_| invalid(text))
}

fn code(text: &str) -> Result<HouseholdCode, Error> {
    HouseholdCode::new(text).map_err(|_| invalid(text))
}

fn sku(text: &str) -> Result<Sku, Error> {
    Sku::new(text).map_err(|_| invalid(text))
}

fn points(hundredths: i64) -> Result<Points, Error> {
    Points::from_hundredths(hundredths).ok_or_else(|| invalid("amount"))
}

/// The demo's entries (all by the system) and the credentials to store.
pub(crate) fn drafts(state: &State) -> Result<(Vec<Draft>, Vec<(String, Credential)>), Error> {
    let mut drafts: Vec<Draft> = Vec::new();
    let mut credentials = Vec::new();
    let system = || Actor::System;
    for ((staff, staff_name, role, _), (salt, hash)) in DEMO_STAFF.iter().zip(DEMO_STAFF_PIN_HASHES)
    {
        let staff_id = crate::ids::StaffId::new(staff).map_err(|_| invalid(staff))?;
        let body = Body::StaffAdded {
            staff: staff_id.clone(),
            name: name(staff_name)?,
            role: *role,
        };
        drafts.push((system(), id(format!("demo:staff:{staff}"))?, body));
        drafts.push((
            system(),
            id(format!("demo:staff-pin:{staff}"))?,
            Body::StaffPinSet { staff: staff_id },
        ));
        credentials.push((staff_key(staff), demo_credential(salt, hash)));
    }
    for (household, (salt, hash)) in DEMO_HOUSEHOLDS.iter().zip(DEMO_PIN_HASHES) {
        let kind = if household.unit {
            HouseholdKind::Unit
        } else {
            HouseholdKind::Family
        };
        let body = Body::HouseholdRegistered {
            household: code(household.code)?,
            name: name(household.name)?,
            group: name(household.group)?,
            household_kind: kind,
        };
        drafts.push((
            system(),
            id(format!("demo:household:{}", household.code))?,
            body,
        ));
        drafts.push((
            system(),
            id(format!("demo:pin:{}", household.code))?,
            Body::PinSet {
                household: code(household.code)?,
            },
        ));
        credentials.push((household_key(household.code), demo_credential(salt, hash)));
    }
    for item in &DEMO_ITEMS {
        let details = ItemDetails {
            name_zh: name(item.name_zh)?,
            name_en: Some(name(item.name_en)?),
            unit: name(item.unit)?,
            category: name(item.category)?,
            barcode: Some(Barcode::new(item.barcode).ok_or_else(|| invalid(item.barcode))?),
            image: Some(ImageRef::new(item.image).ok_or_else(|| invalid(item.image))?),
            low_stock: None,
        };
        let body = Body::ItemAdded {
            sku: sku(item.sku)?,
            details,
            price: points(item.price_hundredths)?,
        };
        drafts.push((system(), id(format!("demo:item:{}", item.sku))?, body));
    }
    let opening: Vec<StockLine> = DEMO_ITEMS
        .iter()
        .filter(|item| item.stock > 0)
        .map(|item| {
            Ok(StockLine {
                sku: sku(item.sku)?,
                quantity: item.stock as u32,
            })
        })
        .collect::<Result<_, Error>>()?;
    drafts.push((
        system(),
        id("demo:restock:opening".to_string())?,
        Body::Restocked {
            donor: name("村公益金")?,
            source_type: SourceType::WelfareFund,
            lines: opening,
            declared_value: None,
        },
    ));
    for (index, donation) in DEMO_DONATIONS.iter().enumerate() {
        let lines = donation
            .lines
            .iter()
            .map(|(item, quantity)| {
                Ok(StockLine {
                    sku: sku(item)?,
                    quantity: *quantity as u32,
                })
            })
            .collect::<Result<_, Error>>()?;
        let body = Body::Restocked {
            donor: name(donation.donor)?,
            source_type: SourceType::parse(donation.source_type)
                .ok_or_else(|| invalid(donation.source_type))?,
            lines,
            declared_value: Some(points(donation.declared_value_hundredths)?),
        };
        drafts.push((system(), id(format!("demo:donation:{index}"))?, body));
    }
    credits(&mut drafts)?;
    for (index, (household, lines)) in DEMO_REDEMPTIONS.iter().enumerate() {
        let mut total = Points::ZERO;
        let mut redeemed = Vec::new();
        for (item_sku, quantity) in lines.iter() {
            let item = DEMO_ITEMS
                .iter()
                .find(|item| item.sku == *item_sku)
                .ok_or_else(|| invalid(item_sku))?;
            let unit_price = points(item.price_hundredths)?;
            total = total
                .checked_add(
                    unit_price
                        .checked_mul(*quantity)
                        .ok_or_else(|| invalid("total"))?,
                )
                .ok_or_else(|| invalid("total"))?;
            redeemed.push(RedeemedLine {
                sku: sku(item_sku)?,
                quantity: *quantity as u32,
                unit_price,
            });
        }
        let household = code(household)?;
        let body = Body::Redeemed {
            household: household.clone(),
            lines: redeemed,
            total,
            collector: None,
        };
        drafts.push((
            Actor::Household { household },
            id(format!("demo:redemption:{index}"))?,
            body,
        ));
    }
    let _ = state;
    Ok((drafts, credentials))
}

fn demo_credential(salt: &str, hash: &str) -> Credential {
    let pin_hash = PinHash {
        algorithm: "pbkdf2-sha256".to_string(),
        iterations: DEMO_PIN_ITERATIONS,
        salt: salt.to_string(),
        hash: hash.to_string(),
    };
    Credential {
        pin_hash: Some(pin_hash),
        ..Credential::default()
    }
}

/// Three months of evaluation points, and the bonus of 5 for three months in
/// the top band in a row.
fn credits(drafts: &mut Vec<Draft>) -> Result<(), Error> {
    let evaluation = name("evaluation")?;
    for (household, months) in DEMO_HOUSEHOLDS.iter().zip(DEMO_MONTHLY_POINTS) {
        for (period, hundredths) in DEMO_PERIODS.iter().zip(months) {
            if hundredths == 0 {
                continue;
            }
            let body = Body::Credited {
                household: code(household.code)?,
                amount: points(hundredths)?,
                period: Period::new(period).map_err(|_| invalid(period))?,
                source: evaluation.clone(),
                reason: Some(name("月度评分")?),
                rules_version: 0,
            };
            drafts.push((
                Actor::System,
                id(format!("credit:{}:{period}:evaluation", household.code))?,
                body,
            ));
        }
        if months.iter().all(|&hundredths| hundredths == 500) {
            let period = DEMO_PERIODS[2];
            let body = Body::Credited {
                household: code(household.code)?,
                amount: points(500)?,
                period: Period::new(period).map_err(|_| invalid(period))?,
                source: name("bonus")?,
                reason: Some(name("连续三个月 5 分奖励")?),
                rules_version: 0,
            };
            drafts.push((
                Actor::System,
                id(format!("credit:{}:{period}:bonus", household.code))?,
                body,
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::Pin;

    #[test]
    fn the_demo_pins_match_their_precomputed_hashes() {
        for (household, (salt, hash)) in DEMO_HOUSEHOLDS.iter().zip(DEMO_PIN_HASHES) {
            assert_eq!(
                salt,
                hex::encode(demo_salt(household.code)),
                "{}",
                household.code
            );
            let pin_hash = PinHash {
                algorithm: "pbkdf2-sha256".into(),
                iterations: DEMO_PIN_ITERATIONS,
                salt: salt.into(),
                hash: hash.into(),
            };
            let pin = Pin::new(household.pin).expect("demo PINs are valid");
            assert!(pin_hash.verify(&pin), "{}", household.code);
        }
    }

    #[test]
    fn the_demo_staff_pins_match_their_precomputed_hashes() {
        for ((staff, _, _, pin), (salt, hash)) in DEMO_STAFF.iter().zip(DEMO_STAFF_PIN_HASHES) {
            assert_eq!(
                salt,
                hex::encode(demo_salt(&format!("staff:{staff}"))),
                "{staff}"
            );
            let pin_hash = demo_credential(salt, hash).pin_hash.expect("a hash");
            assert!(pin_hash.verify(&Pin::new(pin).expect("valid")), "{staff}");
        }
    }

    fn print_hashes(entries: impl Iterator<Item = (String, &'static str)>) {
        println!("[");
        for (salted, pin) in entries {
            let pin = Pin::new(pin).expect("demo PINs are valid");
            let hash = PinHash::new(&pin, &demo_salt(&salted), DEMO_PIN_ITERATIONS);
            println!("    (\"{}\", \"{}\"),", hash.salt, hash.hash);
        }
        println!("]");
    }

    #[test]
    #[ignore = "prints the table of DEMO_PIN_HASHES"]
    fn print_demo_pin_hashes() {
        print_hashes(DEMO_HOUSEHOLDS.iter().map(|h| (h.code.to_string(), h.pin)));
    }

    #[test]
    #[ignore = "prints the table of DEMO_STAFF_PIN_HASHES"]
    fn print_demo_staff_pin_hashes() {
        print_hashes(
            DEMO_STAFF
                .iter()
                .map(|(staff, _, _, pin)| (format!("staff:{staff}"), *pin)),
        );
    }
}
