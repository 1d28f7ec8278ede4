//! Printable household cards and shelf labels, as SVG text.
//!
//! A household card is a CR80 card (85.6 × 54 mm) with the village and shop,
//! the household's name, its code in large print, a QR code and a Code 128
//! barcode that both encode exactly the code, so a scanner at the kiosk reads
//! the same text a person reads. A shelf label shows an item's names, its
//! price in points, its unit and a Code 128 barcode of the item's own barcode,
//! or of its SKU when it has none. Sheets put them on A4 paper: 10 cards
//! (2 × 5) or 24 labels (3 × 8, the common 70 × 37 mm label stock).
//!
//! Every coordinate is an integer: the card and the sheets draw in tenths of
//! a millimetre (their `viewBox`), a QR code in its modules, a barcode in its
//! modules, each placed by a nested `<svg>` whose `viewBox` scales it. Every
//! text is XML-escaped. This module only returns strings; the shell hands
//! them to the page, which prints them.

use crate::entry::Barcode;
use crate::error::Error;
use crate::ids::{HouseholdCode, Sku, Text};
use crate::points::Points;
use crate::state::{Household, Item, KioskInfo, State};
use std::fmt::Write;

/// The most cards or labels one call renders.
pub const LIMIT: usize = 500;

/// The fonts of every text: CJK faces first, for printers' and browsers'
/// fallbacks alike.
pub(crate) const FONT_FAMILY: &str = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC',\
'Microsoft YaHei','WenQuanYi Micro Hei','Heiti SC',sans-serif";

/// The line printed on every card.
const CARD_TITLE: &str = "爱心超市积分卡";

/// The red of the titles and prices.
const ACCENT: &str = "#c62828";

/// What one household card shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardInput {
    pub household: HouseholdCode,
    pub name: Text,
    pub village: Text,
    pub shop: Text,
}

impl CardInput {
    /// The card of a household of the kiosk `kiosk`.
    pub fn of(household: &Household, kiosk: &KioskInfo) -> CardInput {
        CardInput {
            household: household.code.clone(),
            name: household.name.clone(),
            village: kiosk.village.clone(),
            shop: kiosk.shop.clone(),
        }
    }
}

/// What one shelf label shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelInput {
    pub sku: Sku,
    pub name_zh: Text,
    pub name_en: Option<Text>,
    pub price: Points,
    pub unit: Text,
    /// The item's own barcode; without one, the label's barcode encodes the
    /// SKU.
    pub barcode: Option<Barcode>,
}

impl LabelInput {
    /// The label of a catalogue item.
    pub fn of(item: &Item) -> LabelInput {
        LabelInput {
            sku: item.sku.clone(),
            name_zh: item.details.name_zh.clone(),
            name_en: item.details.name_en.clone(),
            price: item.price,
            unit: item.details.unit.clone(),
            barcode: item.details.barcode.clone(),
        }
    }

    /// What the label's barcode encodes: the item's barcode, else its SKU.
    pub fn scan_text(&self) -> &str {
        match &self.barcode {
            Some(barcode) => barcode.as_str(),
            None => self.sku.as_str(),
        }
    }
}

/// The cards of the households `codes` (every household when `None`), in
/// the order given. An unknown code is `UNKNOWN_HOUSEHOLD`; more than
/// [`LIMIT`] cards is `LIMIT_REACHED`.
pub fn cards_of(state: &State, codes: Option<&[HouseholdCode]>) -> Result<Vec<CardInput>, Error> {
    let households: Vec<&Household> = match codes {
        None => state.households.values().collect(),
        Some(codes) => {
            check_limit("cards", codes.len())?;
            let mut found = Vec::with_capacity(codes.len());
            for code in codes {
                let household = state
                    .household(code)
                    .ok_or_else(|| Error::UnknownHousehold {
                        household: code.to_string(),
                    })?;
                found.push(household);
            }
            found
        }
    };
    check_limit("cards", households.len())?;
    let Some(kiosk) = &state.kiosk else {
        // No genesis yet: no households either.
        if households.is_empty() {
            return Ok(Vec::new());
        }
        return Err(Error::Internal {
            detail: "households without a genesis".into(),
        });
    };
    Ok(households
        .into_iter()
        .map(|household| CardInput::of(household, kiosk))
        .collect())
}

/// The labels of the items `skus` (every active item when `None`), in the
/// order given. An unknown SKU is `UNKNOWN_ITEM`; more than [`LIMIT`] labels
/// is `LIMIT_REACHED`.
pub fn labels_of(state: &State, skus: Option<&[Sku]>) -> Result<Vec<LabelInput>, Error> {
    let items: Vec<&Item> = match skus {
        None => state.items.values().filter(|item| item.active).collect(),
        Some(skus) => {
            check_limit("labels", skus.len())?;
            let mut found = Vec::with_capacity(skus.len());
            for sku in skus {
                let item = state.item(sku).ok_or_else(|| Error::UnknownItem {
                    sku: sku.to_string(),
                })?;
                found.push(item);
            }
            found
        }
    };
    check_limit("labels", items.len())?;
    Ok(items.into_iter().map(LabelInput::of).collect())
}

fn check_limit(what: &'static str, count: usize) -> Result<(), Error> {
    if count > LIMIT {
        return Err(Error::LimitReached {
            what,
            limit: LIMIT as i64,
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Cards and labels.

/// A card's size, in tenths of a millimetre (CR80: 85.6 × 54 mm).
const CARD_WIDTH: u32 = 856;
const CARD_HEIGHT: u32 = 540;

/// A label's size, in tenths of a millimetre (70 × 37 mm).
const LABEL_WIDTH: u32 = 700;
const LABEL_HEIGHT: u32 = 370;

/// One household card, 85.6 × 54 mm.
pub fn household_card_svg(card: &CardInput) -> String {
    let mut out = String::new();
    open_root(&mut out, "card", "85.6mm", "54mm", CARD_WIDTH, CARD_HEIGHT);
    card_body(&mut out, card);
    out.push_str("</svg>");
    out
}

/// One shelf label, 70 × 37 mm.
pub fn shelf_label_svg(label: &LabelInput) -> String {
    let mut out = String::new();
    open_root(&mut out, "label", "70mm", "37mm", LABEL_WIDTH, LABEL_HEIGHT);
    label_body(&mut out, label);
    out.push_str("</svg>");
    out
}

/// A4 sheets of household cards, 10 a sheet (2 columns × 5 rows, with cut
/// gaps between them), one SVG per sheet. More than [`LIMIT`] cards is
/// `LIMIT_REACHED`.
pub fn card_sheet_svg(cards: &[CardInput]) -> Result<Vec<String>, Error> {
    check_limit("cards", cards.len())?;
    Ok(CARD_SHEET.sheets(cards, "card", card_body))
}

/// A4 sheets of shelf labels, 24 a sheet (3 columns × 8 rows of 70 × 37 mm),
/// one SVG per sheet. More than [`LIMIT`] labels is `LIMIT_REACHED`.
pub fn label_sheet_svg(labels: &[LabelInput]) -> Result<Vec<String>, Error> {
    check_limit("labels", labels.len())?;
    Ok(LABEL_SHEET.sheets(labels, "label", label_body))
}

/// Cards or labels on an A4 sheet, in tenths of a millimetre.
struct Sheet {
    columns: u32,
    rows: u32,
    cell_width: u32,
    cell_height: u32,
    left: u32,
    top: u32,
    gap_x: u32,
    gap_y: u32,
}

const A4_WIDTH: u32 = 2100;
const A4_HEIGHT: u32 = 2970;

/// 2 × 5 cards with 6 mm between the columns and 3 mm between the rows to
/// cut along; 16.4 mm margins left and right, 7.5 mm top and bottom.
const CARD_SHEET: Sheet = Sheet {
    columns: 2,
    rows: 5,
    cell_width: CARD_WIDTH,
    cell_height: CARD_HEIGHT,
    left: (A4_WIDTH - 2 * CARD_WIDTH - 60) / 2,
    top: (A4_HEIGHT - 5 * CARD_HEIGHT - 4 * 30) / 2,
    gap_x: 60,
    gap_y: 30,
};

/// 3 × 8 labels of 70 × 37 mm, edge to edge, as on pre-cut label stock.
const LABEL_SHEET: Sheet = Sheet {
    columns: 3,
    rows: 8,
    cell_width: LABEL_WIDTH,
    cell_height: LABEL_HEIGHT,
    left: 0,
    top: (A4_HEIGHT - 8 * LABEL_HEIGHT) / 2,
    gap_x: 0,
    gap_y: 0,
};

impl Sheet {
    fn sheets<T>(&self, items: &[T], class: &str, body: fn(&mut String, &T)) -> Vec<String> {
        let per_sheet = (self.columns * self.rows) as usize;
        items
            .chunks(per_sheet)
            .map(|page| {
                let mut out = String::new();
                open_root(&mut out, "sheet", "210mm", "297mm", A4_WIDTH, A4_HEIGHT);
                for (index, item) in page.iter().enumerate() {
                    let index = index as u32;
                    let column = index % self.columns;
                    let row = index / self.columns;
                    let x = self.left + column * (self.cell_width + self.gap_x);
                    let y = self.top + row * (self.cell_height + self.gap_y);
                    let _ = write!(
                        out,
                        r#"<svg class="{class}" x="{x}" y="{y}" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#,
                        w = self.cell_width,
                        h = self.cell_height,
                    );
                    body(&mut out, item);
                    out.push_str("</svg>");
                }
                out.push_str("</svg>");
                out
            })
            .collect()
    }
}

/// Opens a root `<svg>` of `width` × `height` (with units) drawn in a
/// `view_width` × `view_height` viewBox, on white.
fn open_root(
    out: &mut String,
    class: &str,
    width: &str,
    height: &str,
    view_width: u32,
    view_height: u32,
) {
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="{class}" width="{width}" height="{height}" viewBox="0 0 {view_width} {view_height}" font-family="{FONT_FAMILY}"><rect width="{view_width}" height="{view_height}" fill="#fff"/>"##
    );
}

/// A card's drawing in its 856 × 540 box: the text on the left, the QR code
/// on the right, the barcode along the bottom.
fn card_body(out: &mut String, card: &CardInput) {
    let margin = 40;
    let qr_size = 215;
    let qr_x = CARD_WIDTH - margin - qr_size;
    let text_width = qr_x - margin - 20;
    // The cut line: CR80's 3.18 mm corners.
    out.push_str(r##"<rect x="2" y="2" width="852" height="536" rx="32" fill="none" stroke="#bbb" stroke-width="3"/>"##);
    let header = format!("{} · {}", card.village, card.shop);
    text(
        out,
        margin,
        78,
        34,
        text_width,
        r#"font-weight="700""#,
        &header,
    );
    let accent = format!(r#"fill="{ACCENT}" font-weight="700""#);
    text(out, margin, 128, 30, text_width, &accent, CARD_TITLE);
    text(out, margin, 210, 52, text_width, "", card.name.as_str());
    let code = card.household.as_str();
    text(
        out,
        margin,
        325,
        110,
        text_width,
        r#"font-weight="700""#,
        code,
    );
    qr(out, code, qr_x, margin, qr_size);
    let barcode_width = CARD_WIDTH - 2 * margin;
    barcode(out, code, CARD_WIDTH / 2, 365, barcode_width, 5, 125);
}

/// A label's drawing in its 700 × 370 box: names, price and unit, the
/// barcode and what it encodes.
fn label_body(out: &mut String, label: &LabelInput) {
    let margin = 30;
    let width = LABEL_WIDTH - 2 * margin;
    out.push_str(r##"<rect x="5" y="5" width="690" height="360" rx="15" fill="none" stroke="#ddd" stroke-width="2"/>"##);
    text(
        out,
        margin,
        78,
        50,
        width,
        r#"font-weight="700""#,
        label.name_zh.as_str(),
    );
    if let Some(name_en) = &label.name_en {
        text(
            out,
            margin,
            120,
            28,
            width,
            r##"fill="#555""##,
            name_en.as_str(),
        );
    }
    let _ = write!(
        out,
        r##"<text x="{margin}" y="212" font-size="76" font-weight="700" fill="{ACCENT}">{price} 积分<tspan font-size="36" font-weight="400" fill="#333"> / {unit}</tspan></text>"##,
        price = label.price,
        unit = Escaped(label.unit.as_str()),
    );
    let scan = label.scan_text();
    barcode(out, scan, LABEL_WIDTH / 2, 236, width, 4, 90);
    let _ = write!(
        out,
        r##"<text x="{x}" y="352" font-size="24" text-anchor="middle" fill="#333">{scan}</text>"##,
        x = LABEL_WIDTH / 2,
        scan = Escaped(scan),
    );
}

/// A line of text at (`x`, `y`) of `size`, squeezed into `width_max` when it
/// would be wider (by an estimate: a CJK character is one em, others 0.6).
pub(crate) fn text(
    out: &mut String,
    x: u32,
    y: u32,
    size: u32,
    width_max: u32,
    attributes: &str,
    content: &str,
) {
    let tenths_of_em: u32 = content
        .chars()
        .map(|c| if c.is_ascii() { 6 } else { 10 })
        .fold(0, u32::saturating_add);
    let width = tenths_of_em.saturating_mul(size) / 10;
    let fit = if width > width_max {
        format!(r#" textLength="{width_max}" lengthAdjust="spacingAndGlyphs""#)
    } else {
        String::new()
    };
    let _ = write!(
        out,
        r#"<text x="{x}" y="{y}" font-size="{size}" {attributes}{fit}>{}</text>"#,
        Escaped(content)
    );
}

/// The QR code of `data` as a `size` × `size` square at (`x`, `y`), with
/// its four-module quiet zone inside the square.
fn qr(out: &mut String, data: &str, x: u32, y: u32, size: u32) {
    // Level Q restores a quarter of the code: cards get worn. A household
    // code of at most 16 characters always fits, so this cannot fail.
    let Ok(code) = qrcodegen::QrCode::encode_text(data, qrcodegen::QrCodeEcc::Quartile) else {
        return;
    };
    let width = code.size();
    let _ = write!(
        out,
        r##"<svg class="qr" x="{x}" y="{y}" width="{size}" height="{size}" viewBox="-4 -4 {view} {view}" shape-rendering="crispEdges"><rect x="-4" y="-4" width="{view}" height="{view}" fill="#fff"/><path d=""##,
        view = width + 8,
    );
    // One rectangle per run of dark modules in a row.
    for row in 0..width {
        let mut column = 0;
        while column < width {
            let start = column;
            while column < width && code.get_module(column, row) {
                column += 1;
            }
            let length = column - start;
            if length > 0 {
                let _ = write!(out, "M{start} {row}h{length}v1h-{length}z");
            }
            column += 1;
        }
    }
    out.push_str(r#""/></svg>"#);
}

/// The Code 128 barcode of `data`, centred on `center_x`, `height` tall,
/// `module_width` a module (or narrower, to fit `width_max`), with its quiet
/// zones inside.
fn barcode(
    out: &mut String,
    data: &str,
    center_x: u32,
    y: u32,
    width_max: u32,
    module_width: u32,
    height: u32,
) {
    let Some(code) = Code128::b(data) else {
        return;
    };
    let modules = code.modules() + 2 * Code128::QUIET_ZONE;
    let width = (modules as u32).saturating_mul(module_width).min(width_max);
    let x = center_x.saturating_sub(width / 2);
    let _ = write!(
        out,
        r##"<svg class="code128" x="{x}" y="{y}" width="{width}" height="{height}" viewBox="0 0 {modules} 1" preserveAspectRatio="none" shape-rendering="crispEdges"><rect width="{modules}" height="1" fill="#fff"/>"##,
    );
    let mut position = Code128::QUIET_ZONE;
    for (index, width) in code.widths().into_iter().enumerate() {
        let width = usize::from(width);
        if index % 2 == 0 {
            let _ = write!(out, r#"<rect x="{position}" width="{width}" height="1"/>"#);
        }
        position += width;
    }
    out.push_str("</svg>");
}

/// Text made safe for XML: `<`, `>`, `&` and both quotes as entities, and any
/// character XML may not hold as U+FFFD.
pub struct Escaped<'a>(pub &'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in self.0.chars() {
            match c {
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '&' => f.write_str("&amp;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                '\t' | '\n' | '\r' => f.write_char(c)?,
                '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => f.write_char('\u{fffd}')?,
                _ => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Code 128.

/// The bar and space widths of each Code 128 symbol value, in modules, bar
/// first: values 0–102, start A (103), start B (104), start C (105) and the
/// stop (106, with its final bar).
const PATTERNS: [u32; 107] = [
    212222, 222122, 222221, 121223, 121322, 131222, 122213, 122312, 132212, 221213, 221312, 231212,
    112232, 122132, 122231, 113222, 123122, 123221, 223211, 221132, 221231, 213212, 223112, 312131,
    311222, 321122, 321221, 312212, 322112, 322211, 212123, 212321, 232121, 111323, 131123, 131321,
    112313, 132113, 132311, 211313, 231113, 231311, 112133, 112331, 132131, 113123, 113321, 133121,
    313121, 211331, 231131, 213113, 213311, 213131, 311123, 311321, 331121, 312113, 312311, 332111,
    314111, 221411, 431111, 111224, 111422, 121124, 121421, 141122, 141221, 112214, 112412, 122114,
    122411, 142112, 142211, 241211, 221114, 413111, 241112, 134111, 111242, 121142, 121241, 114212,
    124112, 124211, 411212, 421112, 421211, 212141, 214121, 412121, 111143, 111341, 131141, 114113,
    114311, 411113, 411311, 113141, 114131, 311141, 411131, 211412, 211214, 211232, 2331112,
];

/// A Code 128 symbol in code set B: start B, one value per character, the
/// check symbol and the stop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code128 {
    values: Vec<u8>,
}

impl Code128 {
    pub const START_B: u8 = 104;
    pub const STOP: u8 = 106;
    /// The quiet zone on each side, in modules (the standard asks for ten).
    pub const QUIET_ZONE: usize = 10;

    /// `text` in code set B, or `None` when it is empty or has a character
    /// outside printable ASCII (space to DEL).
    pub fn b(text: &str) -> Option<Code128> {
        if text.is_empty() {
            return None;
        }
        let mut values = vec![Code128::START_B];
        for byte in text.bytes() {
            if !(32..=127).contains(&byte) {
                return None;
            }
            values.push(byte - 32);
        }
        values.push(Code128::check_symbol(&values));
        values.push(Code128::STOP);
        Some(Code128 { values })
    }

    /// The check symbol of a start value and the data values after it: the
    /// start plus each value times its position, modulo 103.
    pub fn check_symbol(values: &[u8]) -> u8 {
        let sum = values
            .iter()
            .enumerate()
            .map(|(position, &value)| position.max(1) * usize::from(value))
            .sum::<usize>();
        (sum % 103) as u8
    }

    /// The symbol values: start, data, check, stop.
    pub fn values(&self) -> &[u8] {
        &self.values
    }

    /// The widths of bars and spaces in modules, bar first, from the start's
    /// first bar to the stop's last (without the quiet zones).
    pub fn widths(&self) -> Vec<u8> {
        let mut widths = Vec::with_capacity(self.values.len() * 6 + 1);
        for &value in &self.values {
            let mut digits = [0u8; 7];
            let mut count = 0;
            let mut rest = PATTERNS.get(usize::from(value)).copied().unwrap_or(0);
            while rest > 0 && count < digits.len() {
                digits[count] = (rest % 10) as u8;
                rest /= 10;
                count += 1;
            }
            widths.extend(digits[..count].iter().rev());
        }
        widths
    }

    /// The symbol's width in modules, without the quiet zones.
    pub fn modules(&self) -> usize {
        self.widths().iter().map(|&width| usize::from(width)).sum()
    }
}
