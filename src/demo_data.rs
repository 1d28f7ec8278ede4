//! The demo village: thirty households, forty goods with their pictures, two
//! donations and three months of evaluation points, so a fresh kiosk can be
//! shown and tried without a real roster. Plain static data only; whoever
//! seeds a journal from it decides how. The names, PINs and barcodes are
//! made up (the barcodes are well-formed EAN-13 numbers, not real products).

/// One demo household.
pub(crate) struct DemoHousehold {
    /// Household code: group letter and three digits, e.g. "A001".
    pub code: &'static str,
    /// Head of household, or the unit's own name for a unit.
    pub name: &'static str,
    /// Villagers' group (村民小组), e.g. "第一组".
    pub group: &'static str,
    /// A unit (单位) such as the clinic or an association, not a family.
    pub unit: bool,
    /// The four-digit demo PIN (its hash is precomputed in `demo.rs`; the
    /// PIN itself is read by the tests and listed in README.md).
    #[cfg_attr(not(test), allow(dead_code))]
    pub pin: &'static str,
}

/// One demo good.
pub(crate) struct DemoItem {
    /// Stock-keeping code: lowercase ASCII letters, digits and '-', at most 40 characters.
    pub sku: &'static str,
    /// Chinese name, as on the shelf label.
    pub name_zh: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// The counting unit (袋, 瓶, 桶 …).
    pub unit: &'static str,
    /// 粮油 grain & oil, 调味 seasoning, 日用 daily use, 清洁 cleaning, or
    /// 副食 eggs, noodles and snacks.
    pub category: &'static str,
    /// Price in fen (hundredths of a yuan, so also hundredths of a point).
    pub price_hundredths: i64,
    /// Initial stock, 0..=60.
    pub stock: i64,
    /// EAN-13 barcode.
    pub barcode: &'static str,
    /// Picture, relative to `www/`.
    pub image: &'static str,
}

/// Three villagers' groups (A = 第一组, B = 第二组, C = 第三组) of ten; A010
/// and C010 are units.
#[rustfmt::skip]
pub(crate) const DEMO_HOUSEHOLDS: [DemoHousehold; 30] = [
    DemoHousehold { code: "A001", name: "王建国", group: "第一组", unit: false, pin: "3817" },
    DemoHousehold { code: "A002", name: "王秀英", group: "第一组", unit: false, pin: "5290" },
    DemoHousehold { code: "A003", name: "王德明", group: "第一组", unit: false, pin: "7146" },
    DemoHousehold { code: "A004", name: "李桂芳", group: "第一组", unit: false, pin: "2603" },
    DemoHousehold { code: "A005", name: "李喆", group: "第一组", unit: false, pin: "9051" },
    DemoHousehold { code: "A006", name: "陈志强", group: "第一组", unit: false, pin: "4428" },
    DemoHousehold { code: "A007", name: "陈玉兰", group: "第一组", unit: false, pin: "6372" },
    DemoHousehold { code: "A008", name: "黄永福", group: "第一组", unit: false, pin: "8215" },
    DemoHousehold { code: "A009", name: "张春生", group: "第一组", unit: false, pin: "1957" },
    DemoHousehold { code: "A010", name: "村卫生室", group: "第一组", unit: true, pin: "5561" },
    DemoHousehold { code: "B001", name: "李国华", group: "第二组", unit: false, pin: "2984" },
    DemoHousehold { code: "B002", name: "李明辉", group: "第二组", unit: false, pin: "7730" },
    DemoHousehold { code: "B003", name: "陈金凤", group: "第二组", unit: false, pin: "4169" },
    DemoHousehold { code: "B004", name: "陈伟", group: "第二组", unit: false, pin: "3342" },
    DemoHousehold { code: "B005", name: "刘德才", group: "第二组", unit: false, pin: "6805" },
    DemoHousehold { code: "B006", name: "刘美华", group: "第二组", unit: false, pin: "9413" },
    DemoHousehold { code: "B007", name: "黄志明", group: "第二组", unit: false, pin: "2276" },
    DemoHousehold { code: "B008", name: "黄丽萍", group: "第二组", unit: false, pin: "8649" },
    DemoHousehold { code: "B009", name: "张海燕", group: "第二组", unit: false, pin: "1538" },
    DemoHousehold { code: "B010", name: "吴宏伟", group: "第二组", unit: false, pin: "5097" },
    DemoHousehold { code: "C001", name: "刘金水", group: "第三组", unit: false, pin: "7382" },
    DemoHousehold { code: "C002", name: "刘秀珍", group: "第三组", unit: false, pin: "3925" },
    DemoHousehold { code: "C003", name: "张国庆", group: "第三组", unit: false, pin: "6150" },
    DemoHousehold { code: "C004", name: "张小红", group: "第三组", unit: false, pin: "4781" },
    DemoHousehold { code: "C005", name: "黄建华", group: "第三组", unit: false, pin: "2419" },
    DemoHousehold { code: "C006", name: "黄桂英", group: "第三组", unit: false, pin: "8063" },
    DemoHousehold { code: "C007", name: "王志刚", group: "第三组", unit: false, pin: "5824" },
    DemoHousehold { code: "C008", name: "陈家豪", group: "第三组", unit: false, pin: "9267" },
    DemoHousehold { code: "C009", name: "林水生", group: "第三组", unit: false, pin: "3608" },
    DemoHousehold { code: "C010", name: "老年协会", group: "第三组", unit: true, pin: "6491" },
];

/// Forty everyday goods at rural shop prices. `milk-powder-400g` and
/// `tissues-3` start out of stock; eggs, tea, batteries and umbrellas run low.
pub(crate) const DEMO_ITEMS: [DemoItem; 40] = [
    DemoItem {
        sku: "rice-5kg",
        name_zh: "大米 5kg",
        name_en: "Rice 5 kg",
        unit: "袋",
        category: "粮油",
        price_hundredths: 3200,
        stock: 25,
        barcode: "6925589619235",
        image: "img/goods/rice-5kg.svg",
    },
    DemoItem {
        sku: "rice-10kg",
        name_zh: "大米 10kg",
        name_en: "Rice 10 kg",
        unit: "袋",
        category: "粮油",
        price_hundredths: 5990,
        stock: 10,
        barcode: "6971202763533",
        image: "img/goods/rice-10kg.svg",
    },
    DemoItem {
        sku: "oil-5l",
        name_zh: "食用油 5L",
        name_en: "Cooking oil 5 L",
        unit: "桶",
        category: "粮油",
        price_hundredths: 6900,
        stock: 12,
        barcode: "6954463503834",
        image: "img/goods/oil-5l.svg",
    },
    DemoItem {
        sku: "flour-2500g",
        name_zh: "面粉 2.5kg",
        name_en: "Wheat flour 2.5 kg",
        unit: "袋",
        category: "粮油",
        price_hundredths: 1690,
        stock: 15,
        barcode: "6974772568072",
        image: "img/goods/flour-2500g.svg",
    },
    DemoItem {
        sku: "soybeans-1kg",
        name_zh: "黄豆 1kg",
        name_en: "Soybeans 1 kg",
        unit: "袋",
        category: "粮油",
        price_hundredths: 1080,
        stock: 10,
        barcode: "6949711762620",
        image: "img/goods/soybeans-1kg.svg",
    },
    DemoItem {
        sku: "salt-500g",
        name_zh: "食盐 500g",
        name_en: "Salt 500 g",
        unit: "袋",
        category: "调味",
        price_hundredths: 250,
        stock: 45,
        barcode: "6978407709373",
        image: "img/goods/salt-500g.svg",
    },
    DemoItem {
        sku: "soy-sauce-light-500ml",
        name_zh: "生抽 500ml",
        name_en: "Light soy sauce 500 ml",
        unit: "瓶",
        category: "调味",
        price_hundredths: 890,
        stock: 30,
        barcode: "6979872749338",
        image: "img/goods/soy-sauce-light-500ml.svg",
    },
    DemoItem {
        sku: "soy-sauce-dark-500ml",
        name_zh: "老抽 500ml",
        name_en: "Dark soy sauce 500 ml",
        unit: "瓶",
        category: "调味",
        price_hundredths: 950,
        stock: 18,
        barcode: "6903330953715",
        image: "img/goods/soy-sauce-dark-500ml.svg",
    },
    DemoItem {
        sku: "vinegar-500ml",
        name_zh: "米醋 500ml",
        name_en: "Rice vinegar 500 ml",
        unit: "瓶",
        category: "调味",
        price_hundredths: 650,
        stock: 20,
        barcode: "6935912777853",
        image: "img/goods/vinegar-500ml.svg",
    },
    DemoItem {
        sku: "sugar-400g",
        name_zh: "白砂糖 400g",
        name_en: "White sugar 400 g",
        unit: "袋",
        category: "调味",
        price_hundredths: 580,
        stock: 22,
        barcode: "6944882357071",
        image: "img/goods/sugar-400g.svg",
    },
    DemoItem {
        sku: "msg-200g",
        name_zh: "味精 200g",
        name_en: "MSG 200 g",
        unit: "袋",
        category: "调味",
        price_hundredths: 380,
        stock: 26,
        barcode: "6923808672139",
        image: "img/goods/msg-200g.svg",
    },
    DemoItem {
        sku: "chili-sauce-280g",
        name_zh: "辣椒酱 280g",
        name_en: "Chili sauce 280 g",
        unit: "瓶",
        category: "调味",
        price_hundredths: 690,
        stock: 14,
        barcode: "6927843238558",
        image: "img/goods/chili-sauce-280g.svg",
    },
    DemoItem {
        sku: "noodles-1kg",
        name_zh: "挂面 1kg",
        name_en: "Dried noodles 1 kg",
        unit: "包",
        category: "副食",
        price_hundredths: 890,
        stock: 30,
        barcode: "6958838242175",
        image: "img/goods/noodles-1kg.svg",
    },
    DemoItem {
        sku: "rice-noodles-1kg",
        name_zh: "米粉 1kg",
        name_en: "Rice noodles 1 kg",
        unit: "包",
        category: "副食",
        price_hundredths: 1090,
        stock: 16,
        barcode: "6942229285643",
        image: "img/goods/rice-noodles-1kg.svg",
    },
    DemoItem {
        sku: "eggs-10",
        name_zh: "鸡蛋 10个",
        name_en: "Eggs, box of 10",
        unit: "盒",
        category: "副食",
        price_hundredths: 1290,
        stock: 3,
        barcode: "6909330960395",
        image: "img/goods/eggs-10.svg",
    },
    DemoItem {
        sku: "instant-noodles-12",
        name_zh: "方便面 12包",
        name_en: "Instant noodles, box of 12",
        unit: "箱",
        category: "副食",
        price_hundredths: 2590,
        stock: 9,
        barcode: "6952728718856",
        image: "img/goods/instant-noodles-12.svg",
    },
    DemoItem {
        sku: "biscuits-400g",
        name_zh: "饼干 400g",
        name_en: "Biscuits 400 g",
        unit: "袋",
        category: "副食",
        price_hundredths: 680,
        stock: 20,
        barcode: "6937448635355",
        image: "img/goods/biscuits-400g.svg",
    },
    DemoItem {
        sku: "milk-powder-400g",
        name_zh: "中老年奶粉 400g",
        name_en: "Milk powder for seniors 400 g",
        unit: "袋",
        category: "副食",
        price_hundredths: 3890,
        stock: 0,
        barcode: "6905371697283",
        image: "img/goods/milk-powder-400g.svg",
    },
    DemoItem {
        sku: "tea-250g",
        name_zh: "绿茶 250g",
        name_en: "Green tea 250 g",
        unit: "包",
        category: "副食",
        price_hundredths: 2800,
        stock: 1,
        barcode: "6935922549204",
        image: "img/goods/tea-250g.svg",
    },
    DemoItem {
        sku: "bath-soap-125g",
        name_zh: "香皂 125g",
        name_en: "Bath soap 125 g",
        unit: "块",
        category: "日用",
        price_hundredths: 450,
        stock: 28,
        barcode: "6949921925471",
        image: "img/goods/bath-soap-125g.svg",
    },
    DemoItem {
        sku: "toothpaste-120g",
        name_zh: "牙膏 120g",
        name_en: "Toothpaste 120 g",
        unit: "支",
        category: "日用",
        price_hundredths: 890,
        stock: 24,
        barcode: "6922197122546",
        image: "img/goods/toothpaste-120g.svg",
    },
    DemoItem {
        sku: "toothbrush",
        name_zh: "牙刷",
        name_en: "Toothbrush",
        unit: "支",
        category: "日用",
        price_hundredths: 380,
        stock: 30,
        barcode: "6940842460324",
        image: "img/goods/toothbrush.svg",
    },
    DemoItem {
        sku: "towel",
        name_zh: "毛巾",
        name_en: "Towel",
        unit: "条",
        category: "日用",
        price_hundredths: 990,
        stock: 18,
        barcode: "6924472079217",
        image: "img/goods/towel.svg",
    },
    DemoItem {
        sku: "shampoo-400ml",
        name_zh: "洗发水 400ml",
        name_en: "Shampoo 400 ml",
        unit: "瓶",
        category: "日用",
        price_hundredths: 1990,
        stock: 10,
        barcode: "6952190207698",
        image: "img/goods/shampoo-400ml.svg",
    },
    DemoItem {
        sku: "toilet-paper-10",
        name_zh: "卷纸 10卷",
        name_en: "Toilet paper, 10 rolls",
        unit: "提",
        category: "日用",
        price_hundredths: 1590,
        stock: 16,
        barcode: "6973958833058",
        image: "img/goods/toilet-paper-10.svg",
    },
    DemoItem {
        sku: "tissues-3",
        name_zh: "抽纸 3包",
        name_en: "Facial tissues, 3 packs",
        unit: "提",
        category: "日用",
        price_hundredths: 990,
        stock: 0,
        barcode: "6971702805269",
        image: "img/goods/tissues-3.svg",
    },
    DemoItem {
        sku: "batteries-aa-4",
        name_zh: "5号电池 4节",
        name_en: "AA batteries, 4-pack",
        unit: "板",
        category: "日用",
        price_hundredths: 600,
        stock: 2,
        barcode: "6946345774111",
        image: "img/goods/batteries-aa-4.svg",
    },
    DemoItem {
        sku: "lighter",
        name_zh: "打火机",
        name_en: "Lighter",
        unit: "个",
        category: "日用",
        price_hundredths: 100,
        stock: 60,
        barcode: "6955615621444",
        image: "img/goods/lighter.svg",
    },
    DemoItem {
        sku: "matches-10",
        name_zh: "火柴 10盒",
        name_en: "Matches, 10 boxes",
        unit: "包",
        category: "日用",
        price_hundredths: 300,
        stock: 35,
        barcode: "6907109379973",
        image: "img/goods/matches-10.svg",
    },
    DemoItem {
        sku: "candles-6",
        name_zh: "蜡烛 6支",
        name_en: "Candles, 6 pieces",
        unit: "包",
        category: "日用",
        price_hundredths: 500,
        stock: 9,
        barcode: "6928199542719",
        image: "img/goods/candles-6.svg",
    },
    DemoItem {
        sku: "mosquito-coils",
        name_zh: "蚊香 10盘",
        name_en: "Mosquito coils, 10 coils",
        unit: "盒",
        category: "日用",
        price_hundredths: 550,
        stock: 24,
        barcode: "6904815215618",
        image: "img/goods/mosquito-coils.svg",
    },
    DemoItem {
        sku: "umbrella",
        name_zh: "雨伞",
        name_en: "Umbrella",
        unit: "把",
        category: "日用",
        price_hundredths: 2500,
        stock: 4,
        barcode: "6934978242060",
        image: "img/goods/umbrella.svg",
    },
    DemoItem {
        sku: "slippers",
        name_zh: "拖鞋",
        name_en: "Slippers",
        unit: "双",
        category: "日用",
        price_hundredths: 990,
        stock: 12,
        barcode: "6933723158359",
        image: "img/goods/slippers.svg",
    },
    DemoItem {
        sku: "laundry-soap-2",
        name_zh: "洗衣皂 2块",
        name_en: "Laundry soap, 2 bars",
        unit: "包",
        category: "清洁",
        price_hundredths: 690,
        stock: 26,
        barcode: "6955995059196",
        image: "img/goods/laundry-soap-2.svg",
    },
    DemoItem {
        sku: "laundry-powder-1kg",
        name_zh: "洗衣粉 1kg",
        name_en: "Laundry powder 1 kg",
        unit: "袋",
        category: "清洁",
        price_hundredths: 1290,
        stock: 20,
        barcode: "6954447556023",
        image: "img/goods/laundry-powder-1kg.svg",
    },
    DemoItem {
        sku: "laundry-liquid-2kg",
        name_zh: "洗衣液 2kg",
        name_en: "Laundry liquid 2 kg",
        unit: "瓶",
        category: "清洁",
        price_hundredths: 2590,
        stock: 8,
        barcode: "6934721427140",
        image: "img/goods/laundry-liquid-2kg.svg",
    },
    DemoItem {
        sku: "dish-soap-1kg",
        name_zh: "洗洁精 1kg",
        name_en: "Dish soap 1 kg",
        unit: "瓶",
        category: "清洁",
        price_hundredths: 990,
        stock: 14,
        barcode: "6908685340746",
        image: "img/goods/dish-soap-1kg.svg",
    },
    DemoItem {
        sku: "toilet-cleaner-500g",
        name_zh: "洁厕灵 500g",
        name_en: "Toilet cleaner 500 g",
        unit: "瓶",
        category: "清洁",
        price_hundredths: 790,
        stock: 11,
        barcode: "6920806983267",
        image: "img/goods/toilet-cleaner-500g.svg",
    },
    DemoItem {
        sku: "disinfectant-500g",
        name_zh: "84消毒液 500g",
        name_en: "Bleach disinfectant 500 g",
        unit: "瓶",
        category: "清洁",
        price_hundredths: 690,
        stock: 13,
        barcode: "6900117355922",
        image: "img/goods/disinfectant-500g.svg",
    },
    DemoItem {
        sku: "trash-bags",
        name_zh: "垃圾袋 3卷",
        name_en: "Rubbish bags, 3 rolls",
        unit: "卷",
        category: "清洁",
        price_hundredths: 500,
        stock: 22,
        barcode: "6972052374689",
        image: "img/goods/trash-bags.svg",
    },
];

/// One demo donation: donor name, source type code, declared value and
/// (sku, quantity) lines. Source type codes are exactly one of
/// "organisation", "company", "individual", "welfare_fund", "government".
pub(crate) struct DemoDonation {
    /// Who gave.
    pub donor: &'static str,
    /// Source type code.
    pub source_type: &'static str,
    /// Value the donor declared, in hundredths; here the shelf value of the lines.
    pub declared_value_hundredths: i64,
    /// (sku, quantity) lines.
    pub lines: &'static [(&'static str, i64)],
}

/// The county supply and marketing co-operative and a village grain-and-oil
/// shop restock some goods. Never the out-of-stock ones, so those stay at 0.
pub(crate) const DEMO_DONATIONS: [DemoDonation; 2] = [
    DemoDonation {
        donor: "县供销社",
        source_type: "organisation",
        // 20 × 2.50 + 10 × 8.90 + 10 × 12.90 + 10 × 15.90 = 427.00
        declared_value_hundredths: 42_700,
        lines: &[
            ("salt-500g", 20),
            ("soy-sauce-light-500ml", 10),
            ("laundry-powder-1kg", 10),
            ("toilet-paper-10", 10),
        ],
    },
    DemoDonation {
        donor: "李记粮油店",
        source_type: "company",
        // 10 × 32.00 + 5 × 69.00 + 8 × 16.90 = 800.20
        declared_value_hundredths: 80_020,
        lines: &[("rice-5kg", 10), ("oil-5l", 5), ("flour-2500g", 8)],
    },
];

/// Three months of evaluation points: for each household (by index into
/// [`DEMO_HOUSEHOLDS`]) the points for the months of [`DEMO_PERIODS`], in
/// hundredths, from the village bands 0, 1, 3 and 5 points. A001 and B006
/// earn 5 in all three months (the consecutive-months bonus); B002 and B009
/// come close; B004 earns nothing.
pub(crate) const DEMO_MONTHLY_POINTS: [[i64; 3]; 30] = [
    [500, 500, 500], // A001 王建国
    [300, 300, 500], // A002 王秀英
    [100, 300, 300], // A003 王德明
    [300, 100, 300], // A004 李桂芳
    [100, 100, 300], // A005 李喆
    [300, 500, 300], // A006 陈志强
    [100, 0, 100],   // A007 陈玉兰
    [300, 300, 300], // A008 黄永福
    [100, 100, 100], // A009 张春生
    [300, 300, 100], // A010 村卫生室
    [100, 300, 100], // B001 李国华
    [500, 300, 500], // B002 李明辉
    [300, 300, 300], // B003 陈金凤
    [0, 0, 0],       // B004 陈伟
    [100, 100, 300], // B005 刘德才
    [500, 500, 500], // B006 刘美华
    [300, 100, 100], // B007 黄志明
    [100, 300, 300], // B008 黄丽萍
    [300, 500, 500], // B009 张海燕
    [100, 100, 0],   // B010 吴宏伟
    [300, 300, 100], // C001 刘金水
    [100, 100, 100], // C002 刘秀珍
    [500, 300, 300], // C003 张国庆
    [300, 300, 500], // C004 张小红
    [100, 300, 300], // C005 黄建华
    [0, 100, 100],   // C006 黄桂英
    [300, 100, 300], // C007 王志刚
    [100, 100, 100], // C008 陈家豪
    [300, 300, 300], // C009 林水生
    [100, 300, 300], // C010 老年协会
];

/// The evaluation periods of [`DEMO_MONTHLY_POINTS`], in order.
pub(crate) const DEMO_PERIODS: [&str; 3] = ["2026-08", "2026-09", "2026-10"];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::Path;

    const CATEGORIES: [&str; 5] = ["粮油", "调味", "日用", "清洁", "副食"];
    const SOURCE_TYPES: [&str; 5] = [
        "organisation",
        "company",
        "individual",
        "welfare_fund",
        "government",
    ];
    /// What the kiosk shows for goods without a picture.
    const PLACEHOLDER_IMAGE: &str = "img/goods/placeholder.svg";

    fn www() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("www")
    }

    fn ean13_ok(code: &str) -> bool {
        let digits: Vec<u32> = code.chars().filter_map(|c| c.to_digit(10)).collect();
        if code.len() != 13 || digits.len() != 13 {
            return false;
        }
        let sum: u32 = digits[..12]
            .iter()
            .enumerate()
            .map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 })
            .sum();
        (10 - sum % 10) % 10 == digits[12]
    }

    #[test]
    fn ean13_check_digit_helper() {
        assert!(ean13_ok("6901234567892"));
        assert!(!ean13_ok("6901234567893"));
        assert!(!ean13_ok("690123456789"));
    }

    #[test]
    fn households_are_well_formed() {
        assert_eq!(DEMO_HOUSEHOLDS[0].code, "A001");
        let mut codes = HashSet::new();
        let mut pins = HashSet::new();
        for h in &DEMO_HOUSEHOLDS {
            let b = h.code.as_bytes();
            assert!(
                b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit),
                "bad code {}",
                h.code
            );
            assert!(codes.insert(h.code), "duplicate code {}", h.code);
            let group = match b[0] {
                b'A' => "第一组",
                b'B' => "第二组",
                b'C' => "第三组",
                _ => panic!("unexpected group letter in {}", h.code),
            };
            assert_eq!(h.group, group, "{}", h.code);
            assert!(
                !h.name.trim().is_empty() && h.name.chars().count() <= 8,
                "{}",
                h.code
            );
            assert!(
                h.pin.len() == 4 && h.pin.bytes().all(|c| c.is_ascii_digit()),
                "{}",
                h.code
            );
            pins.insert(h.pin);
        }
        assert!(pins.len() > 20, "PINs should mostly differ");
        assert_eq!(DEMO_HOUSEHOLDS.iter().filter(|h| h.unit).count(), 2);
        // One name needs GBK beyond GB2312, to exercise GBK imports.
        assert!(DEMO_HOUSEHOLDS.iter().any(|h| h.name.contains('喆')));
    }

    #[test]
    fn items_are_well_formed() {
        let mut skus = HashSet::new();
        let mut barcodes = HashSet::new();
        for item in &DEMO_ITEMS {
            let sku = item.sku;
            assert!(
                !sku.is_empty()
                    && sku.len() <= 40
                    && sku
                        .bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
                    && !sku.starts_with('-')
                    && !sku.ends_with('-'),
                "bad sku {sku}"
            );
            assert!(skus.insert(sku), "duplicate sku {sku}");
            assert!(
                !item.name_zh.trim().is_empty() && !item.name_en.trim().is_empty(),
                "{sku}"
            );
            assert!(!item.unit.is_empty(), "{sku}");
            assert!(
                CATEGORIES.contains(&item.category),
                "{sku}: category {}",
                item.category
            );
            assert!(item.price_hundredths > 0, "{sku}: price");
            assert!((0..=60).contains(&item.stock), "{sku}: stock");
            assert!(
                item.barcode.starts_with("69") && ean13_ok(item.barcode),
                "{sku}: barcode"
            );
            assert!(barcodes.insert(item.barcode), "{sku}: duplicate barcode");
            assert_eq!(item.image, format!("img/goods/{sku}.svg"));
        }
        assert_eq!(DEMO_ITEMS.iter().filter(|i| i.stock == 0).count(), 2);
        assert!(
            DEMO_ITEMS
                .iter()
                .filter(|i| (1..=4).contains(&i.stock))
                .count()
                >= 3
        );
    }

    #[test]
    fn every_picture_exists() {
        for image in DEMO_ITEMS
            .iter()
            .map(|i| i.image)
            .chain([PLACEHOLDER_IMAGE])
        {
            let path = www().join(image);
            assert!(path.is_file(), "missing picture {}", path.display());
            let svg = std::fs::read_to_string(&path).unwrap();
            assert!(svg.contains("viewBox=\"0 0 128 128\""), "{image}");
            assert!(!svg.contains("<script") && !svg.contains("href"), "{image}");
        }
    }

    #[test]
    fn donations_restock_known_goods_in_stock() {
        for donation in &DEMO_DONATIONS {
            assert!(!donation.donor.is_empty());
            assert!(
                SOURCE_TYPES.contains(&donation.source_type),
                "{}",
                donation.donor
            );
            assert!(!donation.lines.is_empty());
            let mut value = 0;
            for &(sku, quantity) in donation.lines {
                let item = DEMO_ITEMS.iter().find(|i| i.sku == sku);
                let item = item.unwrap_or_else(|| panic!("{}: unknown sku {sku}", donation.donor));
                assert!(item.stock > 0, "{}: {sku} is out of stock", donation.donor);
                assert!(
                    (5..=20).contains(&quantity),
                    "{}: {sku} quantity",
                    donation.donor
                );
                value += item.price_hundredths * quantity;
            }
            assert_eq!(
                donation.declared_value_hundredths, value,
                "{}",
                donation.donor
            );
        }
    }

    #[test]
    fn monthly_points_use_the_village_bands() {
        for (i, months) in DEMO_MONTHLY_POINTS.iter().enumerate() {
            for p in months {
                assert!([0, 100, 300, 500].contains(p), "household {i}: {p}");
            }
        }
        let all_five = DEMO_MONTHLY_POINTS
            .iter()
            .filter(|m| m.iter().all(|&p| p == 500))
            .count();
        assert!(all_five >= 2);
        assert!(DEMO_PERIODS.windows(2).all(|w| w[0] < w[1]));
    }
}
