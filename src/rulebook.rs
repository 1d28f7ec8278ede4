//! The village's points rules in force, as versioned data: where points come
//! from (the platform or the kiosk's own score sheets), the scoring period,
//! the scoring table, the bands and the bonus. Each change is a
//! `rules_changed` journal entry carrying the next version; every credit
//! records the version that produced it (version 0 is the seed's defaults,
//! in force before any change, and is what older credits decode to).
//!
//! The blacklist's effects, the year close and the honours counts are
//! village settings ([`crate::settings`]); the rules screen edits both.

use crate::points::Points;
use crate::rules::{
    default_bands, default_table, table_max, Band, Category, Score, TableItem, SCORE_TENTHS_MAX,
};
use serde::{Deserialize, Serialize};

/// Where evaluation points come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointsSource {
    /// Points arrive only as imports from the points platform (default).
    Platform,
    /// The kiosk turns score sheets into points, after their posting.
    Kiosk,
}

/// How often households are scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoringPeriod {
    /// Part three of the seed: every month (default).
    Monthly,
    /// Part one: every quarter.
    Quarterly,
}

/// The rules in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub version: u32,
    pub source: PointsSource,
    pub period: ScoringPeriod,
    pub table: Vec<Category>,
    pub bands: Vec<Band>,
    /// Points for a bonus run (three periods in a row in the top band).
    pub bonus_points: Points,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            version: 0,
            source: PointsSource::Platform,
            period: ScoringPeriod::Monthly,
            table: default_table(),
            bands: default_bands(),
            bonus_points: Points::from_whole(5).unwrap_or(Points::ZERO),
        }
    }
}

/// Categories in a table at most.
pub const CATEGORIES_MAX: usize = 12;
/// Items in a category at most.
pub const ITEMS_PER_CATEGORY_MAX: usize = 12;
/// Bands at most.
pub const BANDS_MAX: usize = 10;
/// A name in the table, in characters.
pub const TABLE_NAME_LENGTH_MAX: usize = 20;
/// The most points a band or a bonus may give.
pub const RULE_POINTS_MAX: i64 = 1000;

/// The rules as the journal stores them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesRecord {
    pub version: u32,
    /// `platform` or `kiosk`.
    pub source: String,
    /// `monthly` or `quarterly`.
    pub period: String,
    pub table: Vec<CategoryRecord>,
    pub bands: Vec<BandRecord>,
    pub bonus_points: Points,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRecord {
    pub name: String,
    pub items: Vec<ItemRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemRecord {
    pub name: String,
    pub max_tenths: u16,
    /// A deduction item (扣分项): `max_tenths` is the most it takes off.
    /// Left out when false, so tables written before deductions existed
    /// read and write the same bytes.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deduction: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandRecord {
    pub lower_tenths: u16,
    pub lower_inclusive: bool,
    pub points: Points,
}

/// Why rules are not acceptable: (Chinese, English).
pub type RulesProblem = (String, String);

fn problem(zh: &str, en: &str) -> RulesProblem {
    (zh.to_string(), en.to_string())
}

impl PointsSource {
    pub fn as_str(self) -> &'static str {
        match self {
            PointsSource::Platform => "platform",
            PointsSource::Kiosk => "kiosk",
        }
    }
}

impl ScoringPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            ScoringPeriod::Monthly => "monthly",
            ScoringPeriod::Quarterly => "quarterly",
        }
    }

    /// Whether a period is written the way this scoring period is
    /// (`2026-10` monthly, `2026-Q4` quarterly).
    pub fn fits(self, period: &crate::ids::Period) -> bool {
        let text = period.as_str();
        match self {
            ScoringPeriod::Monthly => text.len() == 7 && !text.contains('Q'),
            ScoringPeriod::Quarterly => text.contains('Q'),
        }
    }
}

fn valid_name(name: &str) -> bool {
    let trimmed = name.trim();
    !trimmed.is_empty()
        && trimmed == name
        && name.chars().count() <= TABLE_NAME_LENGTH_MAX
        && !name.chars().any(|c| c.is_control() || c == ',' || c == '"')
}

impl Rules {
    /// The stored form.
    pub fn to_record(&self) -> RulesRecord {
        RulesRecord {
            version: self.version,
            source: self.source.as_str().to_string(),
            period: self.period.as_str().to_string(),
            table: self
                .table
                .iter()
                .map(|category| CategoryRecord {
                    name: category.name.clone(),
                    items: category
                        .items
                        .iter()
                        .map(|item| ItemRecord {
                            name: item.name.clone(),
                            max_tenths: item.max.tenths(),
                            deduction: item.deduction,
                        })
                        .collect(),
                })
                .collect(),
            bands: self
                .bands
                .iter()
                .map(|band| BandRecord {
                    lower_tenths: band.lower.tenths(),
                    lower_inclusive: band.lower_inclusive,
                    points: band.points,
                })
                .collect(),
            bonus_points: self.bonus_points,
        }
    }

    /// Checks a stored or proposed form: names, maxima, bands rising within
    /// the table's total, points within bounds.
    pub fn from_record(record: &RulesRecord) -> Result<Rules, RulesProblem> {
        let source = match record.source.as_str() {
            "platform" => PointsSource::Platform,
            "kiosk" => PointsSource::Kiosk,
            _ => {
                return Err(problem(
                    "积分来源只能是平台或本机",
                    "the points source is platform or kiosk",
                ))
            }
        };
        let period = match record.period.as_str() {
            "monthly" => ScoringPeriod::Monthly,
            "quarterly" => ScoringPeriod::Quarterly,
            _ => {
                return Err(problem(
                    "评分周期只能是每月或每季度",
                    "the period is monthly or quarterly",
                ))
            }
        };
        let table = table_of(&record.table)?;
        let bands = bands_of(&record.bands, table_max(&table))?;
        if !points_in_bounds(record.bonus_points) {
            return Err(problem(
                "奖励积分不对",
                "the bonus points are out of bounds",
            ));
        }
        Ok(Rules {
            version: record.version,
            source,
            period,
            table,
            bands,
            bonus_points: record.bonus_points,
        })
    }
}

fn points_in_bounds(points: Points) -> bool {
    !points.is_negative() && points.hundredths() <= RULE_POINTS_MAX * 100
}

fn table_of(records: &[CategoryRecord]) -> Result<Vec<Category>, RulesProblem> {
    if records.is_empty() || records.len() > CATEGORIES_MAX {
        return Err(problem(
            &format!("评分表要有 1 到 {CATEGORIES_MAX} 个大类"),
            &format!("a table has 1 to {CATEGORIES_MAX} categories"),
        ));
    }
    let mut names: Vec<&str> = Vec::new();
    let mut table = Vec::with_capacity(records.len());
    for category in records {
        if category.items.is_empty() || category.items.len() > ITEMS_PER_CATEGORY_MAX {
            return Err(problem(
                &format!("「{}」要有 1 到 {ITEMS_PER_CATEGORY_MAX} 项", category.name),
                &format!(
                    "“{}” has 1 to {ITEMS_PER_CATEGORY_MAX} items",
                    category.name
                ),
            ));
        }
        let mut items = Vec::with_capacity(category.items.len());
        for item in &category.items {
            let max = Score::from_tenths(item.max_tenths).filter(|max| max.tenths() > 0);
            let Some(max) = max else {
                return Err(problem(
                    &format!("「{}」的满分不对", item.name),
                    &format!("the maximum of “{}” is not valid", item.name),
                ));
            };
            items.push(TableItem {
                name: item.name.clone(),
                max,
                deduction: item.deduction,
            });
        }
        let all_names =
            std::iter::once(&category.name).chain(category.items.iter().map(|i| &i.name));
        for name in all_names {
            if !valid_name(name) || names.contains(&name.as_str()) {
                return Err(problem(
                    &format!("名称「{name}」不对或重复(最多 {TABLE_NAME_LENGTH_MAX} 个字)"),
                    &format!("the name “{name}” is empty, too long, or used twice"),
                ));
            }
            names.push(name);
        }
        table.push(Category {
            name: category.name.clone(),
            items,
        });
    }
    let total = |deductions: bool| -> u32 {
        table
            .iter()
            .flat_map(|c| &c.items)
            .filter(|i| i.deduction == deductions)
            .map(|i| u32::from(i.max.tenths()))
            .sum()
    };
    if total(false) == 0 || total(false) > u32::from(SCORE_TENTHS_MAX) {
        return Err(problem(
            "评分表的得分项合计要大于 0、不超过 100",
            "a table's scored items total more than 0 and at most 100",
        ));
    }
    // Deductions together may take a score down to 0, not below.
    if total(true) > u32::from(SCORE_TENTHS_MAX) {
        return Err(problem(
            "扣分项合计不能超过 100",
            "a table's deductions total at most 100",
        ));
    }
    Ok(table)
}

fn bands_of(records: &[BandRecord], max: Score) -> Result<Vec<Band>, RulesProblem> {
    if records.is_empty() || records.len() > BANDS_MAX {
        return Err(problem(
            &format!("分档要有 1 到 {BANDS_MAX} 档"),
            &format!("there are 1 to {BANDS_MAX} bands"),
        ));
    }
    let mut bands: Vec<Band> = Vec::with_capacity(records.len());
    for record in records {
        let lower = Score::from_tenths(record.lower_tenths).filter(|lower| *lower <= max);
        let rising = bands.last().is_none_or(|previous| {
            (previous.lower.tenths(), previous.lower_inclusive)
                < (record.lower_tenths, !record.lower_inclusive)
        });
        match lower {
            Some(lower) if rising && points_in_bounds(record.points) => bands.push(Band {
                lower,
                lower_inclusive: record.lower_inclusive,
                points: record.points,
            }),
            _ => {
                return Err(problem(
                    "分档要从低到高,分数不超过总分,积分不能是负数",
                    "bands rise, stay within the table's total and give no negative points",
                ))
            }
        }
    }
    Ok(bands)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_round_trip_through_their_record() {
        let rules = Rules::default();
        assert_eq!(Rules::from_record(&rules.to_record()), Ok(rules));
    }

    #[test]
    fn bad_rules_are_refused() {
        let good = Rules::default().to_record();
        let check = |change: &dyn Fn(&mut RulesRecord)| {
            let mut record = good.clone();
            change(&mut record);
            assert!(Rules::from_record(&record).is_err(), "{record:?}");
        };
        check(&|r| r.source = "elsewhere".into());
        check(&|r| r.period = "weekly".into());
        check(&|r| r.table.clear());
        check(&|r| r.table[0].items[0].max_tenths = 0);
        check(&|r| r.table[0].items[0].max_tenths = 151);
        check(&|r| r.table[1].name = "人居环境".into());
        check(&|r| r.table[0].items[0].name = " 庭院".into());
        check(&|r| r.bands.swap(0, 1));
        check(&|r| r.bands[2].lower_tenths = 1001);
        check(&|r| r.bands[0].points = Points::from_whole(-1).expect("points"));
        check(&|r| r.bonus_points = Points::from_whole(5000).expect("points"));
        check(&|r| {
            for category in &mut r.table {
                for item in &mut category.items {
                    item.deduction = true;
                }
            }
        });
    }

    #[test]
    fn a_deduction_item_round_trips_and_older_tables_keep_their_bytes() {
        let mut record = Rules::default().to_record();
        let old = serde_json::to_string(&record).expect("json");
        assert!(!old.contains("deduction"), "{old}");
        record.table.push(CategoryRecord {
            name: "扣分项".into(),
            items: vec![ItemRecord {
                name: "违反村规民约".into(),
                max_tenths: 100,
                deduction: true,
            }],
        });
        let rules = Rules::from_record(&record).expect("valid");
        assert_eq!(
            table_max(&rules.table).tenths(),
            1000,
            "deductions add no points"
        );
        assert_eq!(rules.to_record(), record);
        let json = serde_json::to_string(&record).expect("json");
        assert!(json.contains(r#""deduction":true"#), "{json}");
        let back: RulesRecord = serde_json::from_str(&json).expect("reads");
        assert_eq!(back, record);
    }
}
