//! The roster file (户号, 户主, 组, 类型, 初始密码): its rows and the salts of
//! their initial PINs.

use super::problems::{ImportProblem, Note};
use super::read::{narrow, normalise_header, parse_code, parse_text, CellResult, Cells, Field};
use crate::credential::Pin;
use crate::entry::HouseholdKind;

use crate::ids::{HouseholdCode, Text};
use crate::ledger::NAME_LENGTH_MAX;

use sha2::{Digest, Sha256};

fn parse_kind(written: &str) -> CellResult<HouseholdKind> {
    let normalised = normalise_header(written);
    match normalised.as_str() {
        "" | "家庭" | "户" | "家" | "农户" | "家庭户" | "普通户" | "family" | "household" => {
            Ok(HouseholdKind::Family)
        }
        "单位" | "集体" | "机构" | "组织" | "unit" | "organisation" | "organization" => {
            Ok(HouseholdKind::Unit)
        }
        _ => Err(ImportProblem::BadKind),
    }
}

fn parse_pin(written: &str) -> CellResult<Option<Pin>> {
    let narrowed: String = written.chars().map(narrow).collect();
    let narrowed = narrowed.trim();
    if narrowed.is_empty() {
        return Ok(None);
    }
    Pin::new(narrowed).map(Some).ok_or(ImportProblem::BadPin)
}

/// A checked row of a households file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseholdRow {
    pub line: usize,
    pub code: HouseholdCode,
    pub name: Text,
    pub group: Text,
    pub kind: HouseholdKind,
    pub pin: Option<Pin>,
    pub notes: Vec<Note>,
}

pub(super) fn household_row(cells: &mut Cells, code_width: u8) -> Option<HouseholdRow> {
    let code = cells.read(Field::Code, |v| parse_code(v, code_width));
    let name = cells.read(Field::Name, |v| parse_text(v, NAME_LENGTH_MAX));
    let group = cells.read(Field::Group, |v| parse_text(v, NAME_LENGTH_MAX));
    let kind = cells.read(Field::Kind, parse_kind);
    let pin = cells.read(Field::Pin, parse_pin);
    let ((code, note), name, group, kind, pin) = (code?, name?, group?, kind?, pin?);
    Some(HouseholdRow {
        line: cells.record.line,
        code,
        name,
        group,
        kind,
        pin,
        notes: note.into_iter().collect(),
    })
}

/// The first 16 hex digits of SHA-256 over a household row's fields.
pub(super) fn household_row_hash(row: &HouseholdRow) -> String {
    let kind = match row.kind {
        HouseholdKind::Family => "family",
        HouseholdKind::Unit => "unit",
    };
    let digest = Sha256::new()
        .chain_update(row.code.as_str())
        .chain_update([0])
        .chain_update(row.name.as_str())
        .chain_update([0])
        .chain_update(row.group.as_str())
        .chain_update([0])
        .chain_update(kind)
        .finalize();
    hex::encode(&digest[..8])
}

/// The salt of a household's initial PIN: the first 16 bytes of
/// `SHA-256("aixin-kiosk import pin salt" ‖ seed ‖ code)`, with `seed` the
/// 16 random bytes the shell draws once per import.
pub fn pin_salt(seed: &[u8; 16], household: &HouseholdCode) -> [u8; 16] {
    let digest = Sha256::new()
        .chain_update(b"aixin-kiosk import pin salt")
        .chain_update(seed)
        .chain_update(household.as_str())
        .finalize();
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&digest[..16]);
    salt
}
