//! Charts of the reports, as SVG text drawn here (no chart library): points
//! spent per month, credits against redemptions per month, the ten most
//! redeemed goods, and stock against thresholds. Titles and legends are in
//! Chinese with English beside.
//!
//! Every coordinate is an integer in a 1000-wide `viewBox`; lengths are
//! amounts in hundredths or units scaled by integer division, so no float
//! touches an amount. The page sizes the chart (it fills its box on screen
//! and on A4); every text is XML-escaped.

use crate::labels::{text, Escaped, FONT_FAMILY};
use crate::points::Points;
use crate::reports::{Series, StockLine};
use std::fmt::Write;

/// The most rows a bar chart of goods draws.
pub const ROWS_MAX: usize = 40;

const WIDTH: i64 = 1000;
const RED: &str = "#c62828";
const BLUE: &str = "#1565c0";
const GREEN: &str = "#2e7d32";
const GREY: &str = "#666";

/// A chart's title in both languages.
struct Title<'a> {
    zh: &'a str,
    en: &'a str,
}

fn open(out: &mut String, class: &str, height: i64, title: &Title) {
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart {class}" viewBox="0 0 {WIDTH} {height}" font-family="{FONT_FAMILY}" role="img" aria-label="{zh} {en}"><rect width="{WIDTH}" height="{height}" fill="#fff"/>"##,
        zh = Escaped(title.zh),
        en = Escaped(title.en),
    );
    let heading = format!("{} {}", title.zh, title.en);
    text(
        out,
        20,
        46,
        34,
        960,
        r##"font-weight="bold" fill="#222""##,
        &heading,
    );
}

/// The smallest "nice" step (1, 2 or 5 × 10ⁿ, at least `unit`) such that
/// five steps reach `max`.
fn nice_step(max: i64, unit: i64) -> i64 {
    let mut power = unit.max(1);
    loop {
        for digit in [1, 2, 5] {
            let step = digit * power;
            if step * 5 >= max {
                return step;
            }
        }
        match power.checked_mul(10) {
            Some(next) => power = next,
            None => return max / 5 + 1,
        }
    }
}

/// How a value reads on the chart.
#[derive(Clone, Copy)]
enum Unit {
    /// Hundredths of a point, shown as points.
    Points,
    /// Whole units of goods.
    Count,
}

impl Unit {
    fn show(self, value: i64) -> String {
        match self {
            Unit::Points => {
                Points::from_hundredths(value).map_or_else(|| value.to_string(), |p| p.to_string())
            }
            Unit::Count => value.to_string(),
        }
    }

    fn smallest(self) -> i64 {
        match self {
            Unit::Points => 100,
            Unit::Count => 1,
        }
    }
}

/// One series of a month chart: drawn as bars or as a line.
struct MonthSeries<'a> {
    zh: &'a str,
    en: &'a str,
    colour: &'a str,
    values: Vec<i64>,
    as_line: bool,
}

const MONTH_HEIGHT: i64 = 600;
const PLOT_LEFT: i64 = 120;
const PLOT_RIGHT: i64 = 980;
const PLOT_TOP: i64 = 130;
const PLOT_BOTTOM: i64 = 500;

/// Months along the bottom, amounts up the side, a legend under the title.
fn month_chart(
    class: &str,
    title: &Title,
    months: &[(i32, u32)],
    series: &[MonthSeries],
) -> String {
    let mut out = String::new();
    open(&mut out, class, MONTH_HEIGHT, title);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let step = nice_step(max, Unit::Points.smallest());
    let top = step * 5;
    let height = PLOT_BOTTOM - PLOT_TOP;
    let y_of = |value: i64| PLOT_BOTTOM - height * value.clamp(0, top) / top;
    for index in 0..=5 {
        let value = step * index;
        let y = y_of(value);
        let _ = write!(
            out,
            r##"<line x1="{PLOT_LEFT}" y1="{y}" x2="{PLOT_RIGHT}" y2="{y}" stroke="#ddd" stroke-width="2"/><text x="{x}" y="{ty}" font-size="24" text-anchor="end" fill="{GREY}">{label}</text>"##,
            x = PLOT_LEFT - 10,
            ty = y + 8,
            label = Escaped(&Unit::Points.show(value)),
        );
    }
    let mut legend_x = 20;
    for one in series {
        let label = format!("{} {}", one.zh, one.en);
        let _ = write!(
            out,
            r#"<rect x="{legend_x}" y="72" width="28" height="28" fill="{colour}"/>"#,
            colour = one.colour
        );
        text(
            &mut out,
            (legend_x + 38) as u32,
            96,
            26,
            400,
            r##"fill="#222""##,
            &label,
        );
        legend_x += 60 + 15 * label.chars().count() as i64;
    }
    let count = months.len().max(1) as i64;
    let slot = (PLOT_RIGHT - PLOT_LEFT) / count;
    let bars: Vec<&MonthSeries> = series.iter().filter(|s| !s.as_line).collect();
    let bar_width = (slot * 7 / 10 / bars.len().max(1) as i64).max(2);
    for (index, (year, month)) in months.iter().enumerate() {
        let left = PLOT_LEFT + slot * index as i64;
        let centre = left + slot / 2;
        let _ = write!(
            out,
            r##"<text x="{centre}" y="{y}" font-size="24" text-anchor="middle" fill="#222">{month}月</text>"##,
            y = PLOT_BOTTOM + 32,
        );
        if index == 0 || *month == 1 {
            let _ = write!(
                out,
                r#"<text x="{centre}" y="{y}" font-size="22" text-anchor="middle" fill="{GREY}">{year}</text>"#,
                y = PLOT_BOTTOM + 62,
            );
        }
        let first = centre - bar_width * bars.len() as i64 / 2;
        for (which, one) in bars.iter().enumerate() {
            let value = one.values.get(index).copied().unwrap_or(0);
            let x = first + bar_width * which as i64;
            let y = y_of(value);
            let _ = write!(
                out,
                r#"<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}"><title>{label}</title></rect>"#,
                w = bar_width - 2,
                h = PLOT_BOTTOM - y,
                colour = one.colour,
                label = Escaped(&Unit::Points.show(value)),
            );
        }
    }
    for one in series.iter().filter(|s| s.as_line) {
        let points: Vec<String> = one
            .values
            .iter()
            .enumerate()
            .map(|(index, value)| {
                format!(
                    "{},{}",
                    PLOT_LEFT + slot * index as i64 + slot / 2,
                    y_of(*value)
                )
            })
            .collect();
        let _ = write!(
            out,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="5"/>"#,
            points.join(" "),
            colour = one.colour
        );
        for point in &points {
            let (x, y) = point.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(
                out,
                r#"<circle cx="{x}" cy="{y}" r="8" fill="{}"/>"#,
                one.colour
            );
        }
    }
    let _ = write!(
        out,
        r##"<line x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" x2="{PLOT_RIGHT}" y2="{PLOT_BOTTOM}" stroke="#222" stroke-width="3"/></svg>"##
    );
    out
}

/// One row of a bar chart of goods.
struct Row {
    label: String,
    value: i64,
    /// A threshold drawn across the row.
    marker: Option<i64>,
    alarm: bool,
}

const ROW_HEIGHT: i64 = 44;
const ROWS_TOP: i64 = 110;
const LABEL_WIDTH: i64 = 300;

/// Goods down the side, one bar each, the value at the bar's end.
fn rows_chart(class: &str, title: &Title, legend: &str, rows: &[Row], unit: Unit) -> String {
    let rows = &rows[..rows.len().min(ROWS_MAX)];
    let height = ROWS_TOP + ROW_HEIGHT * rows.len().max(1) as i64 + 30;
    let mut out = String::new();
    open(&mut out, class, height, title);
    text(
        &mut out,
        20,
        88,
        24,
        960,
        &format!(r#"fill="{GREY}""#),
        legend,
    );
    let max = rows
        .iter()
        .map(|r| r.value.max(r.marker.unwrap_or(0)))
        .max()
        .unwrap_or(0)
        .max(unit.smallest());
    let left = 20 + LABEL_WIDTH;
    let span = WIDTH - left - 140;
    let x_of = |value: i64| left + span * value.clamp(0, max) / max;
    for (index, row) in rows.iter().enumerate() {
        let y = ROWS_TOP + ROW_HEIGHT * index as i64;
        text(
            &mut out,
            20,
            (y + 30) as u32,
            26,
            LABEL_WIDTH as u32 - 10,
            r##"fill="#222""##,
            &row.label,
        );
        let colour = if row.alarm { RED } else { GREEN };
        let _ = write!(
            out,
            r#"<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="{colour}"/><text x="{tx}" y="{ty}" font-size="26" fill="{colour}">{value}</text>"#,
            top = y + 6,
            w = x_of(row.value) - left,
            h = ROW_HEIGHT - 12,
            tx = x_of(row.value.max(row.marker.unwrap_or(0))) + 10,
            ty = y + 31,
            value = Escaped(&unit.show(row.value)),
        );
        if let Some(marker) = row.marker {
            let x = x_of(marker);
            let _ = write!(
                out,
                r##"<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="#222" stroke-width="4" stroke-dasharray="6 4"/>"##,
                y1 = y + 2,
                y2 = y + ROW_HEIGHT - 2,
            );
        }
    }
    out.push_str("</svg>");
    out
}

fn months_of(series: &Series) -> Vec<(i32, u32)> {
    series.months.iter().map(|m| (m.year, m.month)).collect()
}

/// Points spent (redeemed less voided) per month, as bars.
pub fn points_spent_svg(series: &Series) -> String {
    let spent = MonthSeries {
        zh: "兑换积分",
        en: "points spent",
        colour: RED,
        values: series.months.iter().map(|m| m.spent.hundredths()).collect(),
        as_line: false,
    };
    let title = Title {
        zh: "每月兑换积分",
        en: "Points spent per month",
    };
    month_chart("points-spent", &title, &months_of(series), &[spent])
}

/// Points credited (credits and corrections) as bars against points spent
/// as a line, per month.
pub fn credits_vs_redemptions_svg(series: &Series) -> String {
    let credited = MonthSeries {
        zh: "发放积分",
        en: "credited",
        colour: BLUE,
        values: series
            .months
            .iter()
            .map(|m| m.credited.hundredths() + m.corrected.hundredths())
            .collect(),
        as_line: false,
    };
    let spent = MonthSeries {
        zh: "兑换积分",
        en: "spent",
        colour: RED,
        values: series.months.iter().map(|m| m.spent.hundredths()).collect(),
        as_line: true,
    };
    let title = Title {
        zh: "每月发放与兑换积分",
        en: "Credits against redemptions per month",
    };
    month_chart(
        "credits-redemptions",
        &title,
        &months_of(series),
        &[credited, spent],
    )
}

/// The most redeemed goods, by units given out.
pub fn top_goods_svg(series: &Series) -> String {
    let rows: Vec<Row> = series
        .top
        .iter()
        .map(|line| Row {
            label: line.item.name_zh.clone(),
            value: line.units,
            marker: None,
            alarm: false,
        })
        .collect();
    let title = Title {
        zh: "兑换最多的十种商品",
        en: "Ten most redeemed goods",
    };
    rows_chart("top-goods", &title, "件数 units", &rows, Unit::Count)
}

/// Each item's stock, most urgent first, with its threshold dashed across;
/// low items in red.
pub fn stock_svg(lines: &[StockLine]) -> String {
    let rows: Vec<Row> = lines
        .iter()
        .filter(|line| line.active)
        .map(|line| Row {
            label: line.item.name_zh.clone(),
            value: line.stock,
            marker: Some(line.threshold),
            alarm: line.low,
        })
        .collect();
    let title = Title {
        zh: "库存与补货线",
        en: "Stock against thresholds",
    };
    let legend = "红色:库存不足  虚线:补货线  red: low stock, dashed: threshold";
    rows_chart("stock", &title, legend, &rows, Unit::Count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_nice_and_reach_the_maximum() {
        for (max, unit, step) in [
            (0, 100, 100),
            (450, 100, 100),
            (501, 100, 200),
            (2_600, 100, 1_000),
            (7, 1, 2),
            (26, 1, 10),
        ] {
            assert_eq!(nice_step(max, unit), step, "{max}");
        }
    }
}
