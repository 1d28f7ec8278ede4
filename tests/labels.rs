//! Printed household cards and shelf labels: every QR code and barcode reads
//! back to exactly what it encodes (QR through a reference decoder, Code 128
//! through a decoder written here against the standard's table and against a
//! reference encoder), text is escaped and every SVG is well-formed XML,
//! sheets hold what they should, and the limit is refused.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use aixin_kiosk::entry::Barcode;
use aixin_kiosk::error::Error;
use aixin_kiosk::labels::{self, CardInput, Code128, LabelInput, LIMIT};
use aixin_kiosk::ledger::Operation;
use common::{code, points, sku, staff, text, Kiosk};
use roxmltree::{Document, Node};

// ---------------------------------------------------------------------------
// Inputs.

fn card(household: &str, name: &str) -> CardInput {
    CardInput {
        household: code(household),
        name: text(name),
        village: text("张家村"),
        shop: text("张家村爱心超市"),
    }
}

fn label(item: &str, name: &str, price: &str, barcode: Option<&str>) -> LabelInput {
    LabelInput {
        sku: sku(item),
        name_zh: text(name),
        name_en: Some(text("Iodised salt")),
        price: points(price),
        unit: text("袋"),
        barcode: barcode.map(|b| Barcode::new(b).unwrap()),
    }
}

// ---------------------------------------------------------------------------
// Reading an SVG back.

/// Parses `svg` as XML; every test reads its SVG through this, so every SVG
/// is checked to be well-formed.
fn parse(svg: &str) -> Document<'_> {
    match Document::parse(svg) {
        Ok(document) => document,
        Err(problem) => panic!("not well-formed XML: {problem}\n{svg}"),
    }
}

fn of_class<'a, 'input>(document: &'a Document<'input>, class: &str) -> Vec<Node<'a, 'input>> {
    document
        .descendants()
        .filter(|node| node.attribute("class") == Some(class))
        .collect()
}

fn numbers(text: &str) -> Vec<i64> {
    text.split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect()
}

fn number(node: Node, attribute: &str) -> i64 {
    node.attribute(attribute).unwrap().parse().unwrap()
}

/// The module grid of an `<svg class="qr">`: its viewBox is the grid with a
/// four-module quiet zone, and its one path draws each run of dark modules
/// as `M{column} {row}h{length}v1h-{length}z`.
fn qr_grid(node: Node) -> (usize, Vec<bool>) {
    let view = numbers(node.attribute("viewBox").unwrap());
    assert_eq!(&view[..2], &[-4, -4], "a four-module quiet zone");
    assert_eq!(view[2], view[3], "square");
    let width = (view[2] - 8) as usize;
    let mut dark = vec![false; width * width];
    let path = node
        .children()
        .find(|child| child.has_tag_name("path"))
        .unwrap();
    for run in path.attribute("d").unwrap().split('M').skip(1) {
        let (start, rest) = run.split_once('h').unwrap();
        let length: usize = rest.split('v').next().unwrap().parse().unwrap();
        assert_eq!(rest, format!("{length}v1h-{length}z"), "{run}");
        let start = numbers(start);
        let (column, row) = (start[0] as usize, start[1] as usize);
        for x in column..column + length {
            dark[row * width + x] = true;
        }
    }
    (width, dark)
}

/// Reads a module grid with the reference decoder: drawn 6 pixels a module
/// with a four-module white border, as a camera would see a print.
fn read_qr(width: usize, dark: &[bool]) -> String {
    let scale = 6;
    let side = (width + 8) * scale;
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let (column, row) = ((x / scale).wrapping_sub(4), (y / scale).wrapping_sub(4));
        if column < width && row < width && dark[row * width + column] {
            0
        } else {
            255
        }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code found");
    let (_, content) = grids[0].decode().unwrap();
    content
}

/// The bar and space widths of an `<svg class="code128">`, bar first, and
/// the quiet zones before and after, all in modules (its viewBox is in
/// modules; each bar is a `<rect x width>`).
fn barcode_widths(node: Node) -> (Vec<usize>, usize, usize) {
    let total = numbers(node.attribute("viewBox").unwrap())[2] as usize;
    let bars: Vec<(usize, usize)> = node
        .children()
        .filter(|child| child.has_tag_name("rect") && child.attribute("x").is_some())
        .map(|bar| (number(bar, "x") as usize, number(bar, "width") as usize))
        .collect();
    let mut widths = Vec::new();
    for (index, &(x, width)) in bars.iter().enumerate() {
        if index > 0 {
            let (before_x, before_width) = bars[index - 1];
            widths.push(x - (before_x + before_width));
        }
        widths.push(width);
    }
    let (first_x, _) = bars[0];
    let (last_x, last_width) = bars[bars.len() - 1];
    (widths, first_x, total - (last_x + last_width))
}

/// The standard's Code 128 patterns, values 0 to 105, as modules (1 = bar).
const CODE128_TABLE: [&str; 106] = [
    "11011001100",
    "11001101100",
    "11001100110",
    "10010011000",
    "10010001100",
    "10001001100",
    "10011001000",
    "10011000100",
    "10001100100",
    "11001001000",
    "11001000100",
    "11000100100",
    "10110011100",
    "10011011100",
    "10011001110",
    "10111001100",
    "10011101100",
    "10011100110",
    "11001110010",
    "11001011100",
    "11001001110",
    "11011100100",
    "11001110100",
    "11101101110",
    "11101001100",
    "11100101100",
    "11100100110",
    "11101100100",
    "11100110100",
    "11100110010",
    "11011011000",
    "11011000110",
    "11000110110",
    "10100011000",
    "10001011000",
    "10001000110",
    "10110001000",
    "10001101000",
    "10001100010",
    "11010001000",
    "11000101000",
    "11000100010",
    "10110111000",
    "10110001110",
    "10001101110",
    "10111011000",
    "10111000110",
    "10001110110",
    "11101110110",
    "11010001110",
    "11000101110",
    "11011101000",
    "11011100010",
    "11011101110",
    "11101011000",
    "11101000110",
    "11100010110",
    "11101101000",
    "11101100010",
    "11100011010",
    "11101111010",
    "11001000010",
    "11110001010",
    "10100110000",
    "10100001100",
    "10010110000",
    "10010000110",
    "10000101100",
    "10000100110",
    "10110010000",
    "10110000100",
    "10011010000",
    "10011000010",
    "10000110100",
    "10000110010",
    "11000010010",
    "11001010000",
    "11110111010",
    "11000010100",
    "10001111010",
    "10100111100",
    "10010111100",
    "10010011110",
    "10111100100",
    "10011110100",
    "10011110010",
    "11110100100",
    "11110010100",
    "11110010010",
    "11011011110",
    "11011110110",
    "11110110110",
    "10101111000",
    "10100011110",
    "10001011110",
    "10111101000",
    "10111100010",
    "11110101000",
    "11110100010",
    "10111011110",
    "10111101110",
    "11101011110",
    "11110101110",
    "11010000100",
    "11010010000",
    "11010011100",
];

/// The stop pattern with its final bar.
const CODE128_STOP: &str = "1100011101011";

/// Bar and space widths as modules, `1` for bar.
fn modules_of(widths: &[usize]) -> String {
    widths
        .iter()
        .enumerate()
        .map(|(index, &width)| if index % 2 == 0 { "1" } else { "0" }.repeat(width))
        .collect()
}

/// Decodes a Code 128 symbol in code set B from its bar and space widths,
/// independently of the encoder: start B, data, a check symbol that must
/// equal the weighted sum modulo 103, the stop.
fn decode_code128_b(widths: &[usize]) -> Result<String, String> {
    assert!(widths.iter().all(|w| (1..=4).contains(w)), "widths 1 to 4");
    let modules = modules_of(widths);
    let body = modules
        .strip_suffix(CODE128_STOP)
        .ok_or("no stop pattern")?;
    if body.len() % 11 != 0 {
        return Err(format!("{} modules before the stop", body.len()));
    }
    let values = body
        .as_bytes()
        .chunks(11)
        .map(|symbol| {
            let symbol = std::str::from_utf8(symbol).unwrap();
            CODE128_TABLE
                .iter()
                .position(|pattern| *pattern == symbol)
                .ok_or(format!("no symbol {symbol}"))
        })
        .collect::<Result<Vec<usize>, String>>()?;
    let (&start, rest) = values.split_first().ok_or("empty")?;
    let (&check, data) = rest.split_last().ok_or("no check symbol")?;
    if start != 104 {
        return Err(format!("start {start}, not start B"));
    }
    let sum: usize = start
        + data
            .iter()
            .enumerate()
            .map(|(i, v)| (i + 1) * v)
            .sum::<usize>();
    if sum % 103 != check {
        return Err(format!("check symbol {check}, expected {}", sum % 103));
    }
    data.iter()
        .map(|&value| match value {
            0..=95 => Ok(char::from(value as u8 + 32)),
            _ => Err(format!("function symbol {value} in data")),
        })
        .collect()
}

fn read_barcode(node: Node) -> String {
    let (widths, quiet_before, quiet_after) = barcode_widths(node);
    assert!(
        quiet_before >= 10 && quiet_after >= 10,
        "quiet zones of ten modules"
    );
    decode_code128_b(&widths).unwrap()
}

/// The text of every `<text>`, with its `<tspan>`s.
fn texts(document: &Document) -> Vec<String> {
    document
        .descendants()
        .filter(|node| node.has_tag_name("text"))
        .map(|node| {
            node.descendants()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect::<String>()
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Household cards.

const CODES: [&str; 7] = [
    "A001",
    "0012",
    "B010",
    "C010",
    "Z-9_X",
    "ABCDEFGHIJKLMNOP",
    "1234567890123456",
];

#[test]
fn card_qr_codes_read_back_to_the_household_code() {
    for household in CODES {
        let svg = labels::household_card_svg(&card(household, "王建国"));
        let document = parse(&svg);
        let qrs = of_class(&document, "qr");
        assert_eq!(qrs.len(), 1, "{household}");
        let (width, dark) = qr_grid(qrs[0]);
        assert_eq!(read_qr(width, &dark), household);
    }
}

#[test]
fn card_barcodes_read_back_to_the_household_code() {
    for household in CODES {
        let svg = labels::household_card_svg(&card(household, "王建国"));
        let document = parse(&svg);
        let barcodes = of_class(&document, "code128");
        assert_eq!(barcodes.len(), 1, "{household}");
        assert_eq!(read_barcode(barcodes[0]), household);
    }
}

#[test]
fn a_card_is_cr80_with_its_title_code_and_cjk_fonts() {
    let svg = labels::household_card_svg(&card("A001", "王建国"));
    let document = parse(&svg);
    let root = document.root_element();
    assert_eq!(root.attribute("width"), Some("85.6mm"));
    assert_eq!(root.attribute("height"), Some("54mm"));
    assert_eq!(root.attribute("viewBox"), Some("0 0 856 540"));
    assert!(root
        .attribute("font-family")
        .unwrap()
        .starts_with("'Noto Sans CJK SC'"));
    let texts = texts(&document);
    for expected in [
        "爱心超市积分卡",
        "王建国",
        "A001",
        "张家村 · 张家村爱心超市",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "{expected} in {texts:?}"
        );
    }
    let code = document
        .descendants()
        .find(|node| node.has_tag_name("text") && node.text() == Some("A001"))
        .unwrap();
    assert!(number(code, "font-size") >= 100, "the code in large print");
}

#[test]
fn names_are_escaped_and_the_svg_stays_well_formed() {
    let nasty = r#"<b>&"'"#;
    let svg = labels::household_card_svg(&card("A001", nasty));
    assert!(svg.contains("&lt;b&gt;&amp;&quot;&apos;"), "{svg}");
    assert!(!svg.contains("<b>"));
    assert!(texts(&parse(&svg)).iter().any(|t| t == nasty));

    let mut input = label("salt-500g", nasty, "2.5", None);
    input.name_en = Some(text("</text><script>x</script>"));
    input.unit = text("&amp;");
    let svg = labels::shelf_label_svg(&input);
    assert!(!svg.contains("<script>"), "{svg}");
    let document = parse(&svg);
    let texts = texts(&document);
    assert!(texts.iter().any(|t| t == nasty), "{texts:?}");
    assert!(texts.iter().any(|t| t == "</text><script>x</script>"));
    assert!(texts.iter().any(|t| t == "2.5 积分 / &amp;"), "{texts:?}");
}

#[test]
fn long_names_are_squeezed_to_fit() {
    let long = "长".repeat(40);
    let svg = labels::household_card_svg(&card("A001", &long));
    let document = parse(&svg);
    let name = document
        .descendants()
        .find(|node| node.has_tag_name("text") && node.text() == Some(long.as_str()))
        .unwrap();
    let fitted = number(name, "textLength");
    assert!(fitted > 0 && fitted < 600, "{fitted}");
    assert_eq!(name.attribute("lengthAdjust"), Some("spacingAndGlyphs"));
}

/// Sheets of `count` cards: how many cards each sheet holds.
fn check_card_sheets(count: usize, expected: &[usize]) {
    let cards: Vec<CardInput> = (0..count)
        .map(|n| card(&format!("A{n:03}"), "王建国"))
        .collect();
    let sheets = labels::card_sheet_svg(&cards).unwrap();
    let per_sheet: Vec<usize> = sheets
        .iter()
        .map(|sheet| {
            let document = parse(sheet);
            let root = document.root_element();
            assert_eq!(root.attribute("width"), Some("210mm"));
            assert_eq!(root.attribute("height"), Some("297mm"));
            assert_eq!(root.attribute("viewBox"), Some("0 0 2100 2970"));
            let cards = of_class(&document, "card");
            for card in &cards {
                let (x, y) = (number(*card, "x"), number(*card, "y"));
                assert_eq!(
                    (number(*card, "width"), number(*card, "height")),
                    (856, 540)
                );
                assert!(x >= 50 && x + 856 <= 2050, "{x}: 5 mm margins at least");
                assert!(y >= 50 && y + 540 <= 2920, "{y}: 5 mm margins at least");
            }
            cards.len()
        })
        .collect();
    assert_eq!(per_sheet, expected, "{count} cards");
}

#[test]
fn a_sheet_holds_ten_cards() {
    check_card_sheets(0, &[]);
    check_card_sheets(1, &[1]);
    check_card_sheets(10, &[10]);
    check_card_sheets(11, &[10, 1]);
    check_card_sheets(25, &[10, 10, 5]);
}

#[test]
fn cards_on_a_sheet_read_back_in_order_and_do_not_overlap() {
    let cards: Vec<CardInput> = ["A001", "0012", "B010"]
        .iter()
        .map(|c| card(c, "王建国"))
        .collect();
    let sheets = labels::card_sheet_svg(&cards).unwrap();
    let document = parse(&sheets[0]);
    let read: Vec<String> = of_class(&document, "qr")
        .into_iter()
        .map(|qr| {
            let (width, dark) = qr_grid(qr);
            read_qr(width, &dark)
        })
        .collect();
    assert_eq!(read, ["A001", "0012", "B010"]);
    let barcodes: Vec<String> = of_class(&document, "code128")
        .into_iter()
        .map(read_barcode)
        .collect();
    assert_eq!(barcodes, ["A001", "0012", "B010"]);
    let boxes: Vec<(i64, i64)> = of_class(&document, "card")
        .into_iter()
        .map(|c| (number(c, "x"), number(c, "y")))
        .collect();
    assert_eq!(boxes[1].1, boxes[0].1, "two columns");
    assert!(
        boxes[1].0 >= boxes[0].0 + 856 + 30,
        "a cut gap between columns"
    );
    assert!(
        boxes[2].1 >= boxes[0].1 + 540 + 20,
        "a cut gap between rows"
    );
}

#[test]
fn more_than_the_limit_is_refused() {
    assert_eq!(LIMIT, 500);
    let cards: Vec<CardInput> = (0..=LIMIT)
        .map(|n| card(&format!("A{n:03}"), "王"))
        .collect();
    let refused = labels::card_sheet_svg(&cards).unwrap_err();
    assert_eq!(
        refused,
        Error::LimitReached {
            what: "cards",
            limit: 500
        }
    );
    assert_eq!(refused.code(), "LIMIT_REACHED");
    assert_eq!(labels::card_sheet_svg(&cards[..LIMIT]).unwrap().len(), 50);

    let shelf: Vec<LabelInput> = (0..=LIMIT)
        .map(|_| label("salt-500g", "食盐", "2.5", None))
        .collect();
    assert_eq!(
        labels::label_sheet_svg(&shelf).unwrap_err(),
        Error::LimitReached {
            what: "labels",
            limit: 500
        }
    );
}

// ---------------------------------------------------------------------------
// Shelf labels.

/// A label's price line and what its barcode reads.
fn check_label(input: LabelInput, price_line: &str, scanned: &str) {
    let svg = labels::shelf_label_svg(&input);
    let document = parse(&svg);
    let root = document.root_element();
    assert_eq!(root.attribute("width"), Some("70mm"));
    assert_eq!(root.attribute("height"), Some("37mm"));
    let texts = texts(&document);
    assert!(texts.iter().any(|t| t == price_line), "{texts:?}");
    assert!(texts.iter().any(|t| t == input.name_zh.as_str()));
    assert!(texts.iter().any(|t| t == "Iodised salt"));
    assert!(
        texts.iter().any(|t| t == scanned),
        "what the barcode reads, printed"
    );
    let barcodes = of_class(&document, "code128");
    assert_eq!(barcodes.len(), 1);
    assert_eq!(read_barcode(barcodes[0]), scanned);
}

#[test]
fn shelf_labels_show_price_unit_and_a_barcode() {
    check_label(
        label("salt-500g", "食盐", "12", Some("6901234567892")),
        "12 积分 / 袋",
        "6901234567892",
    );
    check_label(
        label("salt-500g", "食盐", "3.50", None),
        "3.5 积分 / 袋",
        "salt-500g",
    );
    check_label(
        label("soy-sauce-0.5l", "酱油", "0.25", None),
        "0.25 积分 / 袋",
        "soy-sauce-0.5l",
    );
    let mut no_english = label("soap", "肥皂", "3", None);
    no_english.name_en = None;
    let svg = labels::shelf_label_svg(&no_english);
    assert!(!svg.contains("Iodised"));
    assert_eq!(read_barcode(of_class(&parse(&svg), "code128")[0]), "soap");
}

#[test]
fn a_label_sheet_holds_twenty_four() {
    for (count, expected) in [(0, vec![]), (24, vec![24]), (25, vec![24, 1])] {
        let shelf: Vec<LabelInput> = (0..count)
            .map(|_| label("salt-500g", "食盐", "2.5", None))
            .collect();
        let sheets = labels::label_sheet_svg(&shelf).unwrap();
        let per_sheet: Vec<usize> = sheets
            .iter()
            .map(|sheet| {
                let document = parse(sheet);
                assert_eq!(document.root_element().attribute("width"), Some("210mm"));
                let labels = of_class(&document, "label");
                for label in &labels {
                    assert!(number(*label, "x") + 700 <= 2100);
                    assert!(number(*label, "y") + 370 <= 2970);
                }
                labels.len()
            })
            .collect();
        assert_eq!(per_sheet, expected, "{count} labels");
    }
}

// ---------------------------------------------------------------------------
// From the kiosk's state.

#[test]
fn cards_and_labels_come_from_the_state() {
    let mut kiosk = Kiosk::with_village();
    let state = kiosk.ledger.state();
    let cards = labels::cards_of(state, None).unwrap();
    let codes: Vec<&str> = cards.iter().map(|c| c.household.as_str()).collect();
    assert_eq!(codes, ["A001", "B002"]);
    assert_eq!(cards[0].name.as_str(), "王建国");
    assert_eq!(cards[0].village.as_str(), "张家村");
    assert_eq!(cards[0].shop.as_str(), "张家村爱心超市");
    let chosen = labels::cards_of(state, Some(&[code("B002")])).unwrap();
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0].household.as_str(), "B002");
    assert_eq!(
        labels::cards_of(state, Some(&[code("A001"), code("Z999")])),
        Err(Error::UnknownHousehold {
            household: "Z999".into()
        })
    );

    kiosk
        .run(
            &staff(),
            Operation::SetItemActive {
                sku: sku("soap"),
                active: false,
                request: common::request("deactivate-soap"),
            },
        )
        .unwrap();
    let state = kiosk.ledger.state();
    let shelf = labels::labels_of(state, None).unwrap();
    let skus: Vec<&str> = shelf.iter().map(|l| l.sku.as_str()).collect();
    assert_eq!(skus, ["salt-500g", "oil-5l"], "active items only");
    assert_eq!(shelf[0].price, points("2.5"));
    let asked = labels::labels_of(state, Some(&[sku("soap")])).unwrap();
    assert_eq!(asked[0].sku.as_str(), "soap", "an item asked for by name");
    assert_eq!(
        labels::labels_of(state, Some(&[sku("nothing")])),
        Err(Error::UnknownItem {
            sku: "nothing".into()
        })
    );
    let too_many = vec![code("A001"); LIMIT + 1];
    assert_eq!(
        labels::cards_of(state, Some(&too_many)).unwrap_err().code(),
        "LIMIT_REACHED"
    );
}

// ---------------------------------------------------------------------------
// Code 128.

#[test]
fn code128_values_and_check_symbol() {
    // Start B 104; A=33, 0=16, 0=16, 1=17; check (104 + 33 + 2·16 + 3·16 +
    // 4·17) mod 103 = 285 mod 103 = 79; stop 106.
    assert_eq!(
        Code128::b("A001").unwrap().values(),
        &[104, 33, 16, 16, 17, 79, 106]
    );
    assert_eq!(Code128::b(""), None);
    assert_eq!(Code128::b("王"), None);
    assert_eq!(Code128::b("a\tb"), None);
}

#[test]
fn code128_check_symbols_match_published_examples() {
    // Code set A "PJJ123C": the sum 878 leaves 54 ("V").
    assert_eq!(
        Code128::check_symbol(&[103, 48, 42, 42, 17, 18, 19, 35]),
        54
    );
    // Start A, "HI", Code C, "345678": the sum 1406 leaves 67.
    assert_eq!(Code128::check_symbol(&[103, 40, 41, 99, 34, 56, 78]), 67);
    // "Wikipedia" in code set B.
    let wikipedia = Code128::b("Wikipedia").unwrap();
    assert_eq!(
        wikipedia.values(),
        &[104, 55, 73, 75, 73, 80, 69, 68, 73, 65, 88, 106]
    );
}

#[test]
fn code128_patterns_are_the_standard_ones() {
    let widths = Code128::b("A").unwrap().widths();
    let modules = modules_of(&widths.iter().map(|&w| usize::from(w)).collect::<Vec<_>>());
    // Start B, "A" (33), check (104 + 33) mod 103 = 34 ("B"), stop.
    let expected = [
        CODE128_TABLE[104],
        CODE128_TABLE[33],
        CODE128_TABLE[34],
        CODE128_STOP,
    ];
    assert_eq!(modules, expected.concat());
    assert_eq!(&modules[..11], "11010010000", "start B");
    assert_eq!(&modules[modules.len() - 13..], "1100011101011", "stop");
    assert_eq!(Code128::b("A").unwrap().modules(), 11 * 3 + 13);
}

#[test]
fn code128_matches_the_reference_encoder() {
    let printable: String = (32u8..127).map(char::from).collect();
    let mut inputs = vec![
        "A001".to_string(),
        "0012".to_string(),
        "B010".to_string(),
        "salt-500g".to_string(),
        "soy-sauce-0.5l".to_string(),
        "6901234567892".to_string(),
        "Wikipedia".to_string(),
        "x".to_string(),
    ];
    inputs.extend(
        printable
            .as_bytes()
            .chunks(7)
            .map(|c| String::from_utf8(c.to_vec()).unwrap()),
    );
    for input in inputs {
        let ours = Code128::b(&input).unwrap();
        let widths: Vec<usize> = ours.widths().iter().map(|&w| usize::from(w)).collect();
        let reference: String = barcoders::sym::code128::Code128::new(format!("Ɓ{input}"))
            .unwrap()
            .encode()
            .iter()
            .map(|&bit| if bit == 1 { '1' } else { '0' })
            .collect();
        assert_eq!(modules_of(&widths), reference, "{input:?}");
        assert_eq!(decode_code128_b(&widths), Ok(input.clone()));
    }
}

#[test]
fn a_wrong_check_symbol_does_not_decode() {
    let mut widths: Vec<usize> = Code128::b("A001")
        .unwrap()
        .widths()
        .iter()
        .map(|&w| usize::from(w))
        .collect();
    // Replace the check symbol (the fifth 6-width group) with value 0's.
    widths.splice(5 * 6..6 * 6, [2, 1, 2, 2, 2, 2]);
    assert!(decode_code128_b(&widths)
        .unwrap_err()
        .contains("check symbol"));
}
