// A report as a document: the same figures on screen, on an A4 page and on
// the 58 mm receipt printer. Labels are Chinese with English beside; every
// figure is the core's (amounts as the core's fixed strings, shown without
// arithmetic). Key figures carry `data-figure` so they can be checked
// against the API.
import { h } from "../dom.js";
import { showAmount, showChange } from "../amounts.js";
import { dateTime, tIn, WORDS } from "../i18n.js";

/** A label of the catalogue as the reports print it: Chinese, then English. */
const both = (key) => `${tIn("zh", key)} ${tIn("en", key)}`;

/** A donation's source type, as the restock screen names it. */
const source = (type) => (WORDS[`source_${type}`] ? both(`source_${type}`) : type);

/** An entry's kind in a statement, as the household's own 我的积分 names it. */
const kindName = (kind) => (WORDS[`kind_${kind}`] ? both(`kind_${kind}`) : kind);

const TITLE = {
  day: "日结单 Day close",
  month: "月报 Month report",
  stock: "库存表 Stock",
  donations: "捐赠报表 Donations",
  statement: "积分账单 Points statement",
  charts: "图表 Charts",
  exceptions: "工作人员异常操作 Staff exceptions",
};

/** The exception report's columns, in the order of the core's counts. */
const EXCEPTION_COLUMNS = [
  ["pin_resets", "重设密码 PINs set"],
  ["assisted", "代兑换 Assisted"],
  ["voids", "作废 Voids"],
  ["credits", "手工入账 Credits"],
  ["corrections", "更正 Corrections"],
  ["stock_adjustments", "库存调整 Stock adjusted"],
  ["co_signed", "为他人复核 Confirmed"],
];

/** Printed on every report while the village has the two-person rule off. */
const RULE_OFF = "本村已关闭双人核对 · The two-person rule is off in this village";

/** "fmt": "screen" | "a4" | "roll". */
function table(fmt, headings, rows, { numeric = [] } = {}) {
  if (fmt === "roll") {
    // Two columns on the strip: the first cell, then the rest joined.
    return rows.map((cells) =>
      h("p", { class: "pr-row" }, h("span", { text: String(cells[0]) }), h("span", { text: cells.slice(1).join(" / ") })),
    );
  }
  const cls = (index) => (numeric.includes(index) ? "num" : null);
  return h(
    "table",
    { class: fmt === "a4" ? "pa-table report-table" : "report-table" },
    h("thead", {}, h("tr", {}, headings.map((text, index) => h("th", { class: cls(index), text })))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((text, index) => h("td", { class: cls(index), text: String(text) }))))),
  );
}

/** A labelled figure; `key` names it for checking. */
function figure(fmt, label, value, key = null) {
  if (fmt === "roll") return h("p", { class: "pr-row" }, h("span", { text: label }), h("span", { "data-figure": key, text: value }));
  return h("div", { class: "report-figure" }, h("dt", { text: label }), h("dd", { "data-figure": key, text: value }));
}

function figures(fmt, list) {
  const items = list.map(([label, value, key]) => figure(fmt, label, value, key));
  return fmt === "roll" ? items : h("dl", { class: "report-figures" }, items);
}

function heading(fmt, text) {
  return fmt === "roll" ? h("p", { class: "pr-name", text }) : h("h3", { class: fmt === "a4" ? "pa-heading" : "report-heading", text });
}

function rule(fmt) {
  return fmt === "roll" ? h("hr", { class: "pr-rule" }) : null;
}

function period(report) {
  const range = report.range;
  if (!range) return "";
  return range.from === range.to ? range.from : `${range.from} — ${range.to}`;
}

function summaryDoc(fmt, report) {
  const close = report.kind === "day";
  const goods = report.goods.map((line) => [
    line.item.nameZh,
    line.opening,
    line.restocked,
    line.redeemed,
    line.voided,
    line.adjusted,
    line.closing,
    ...(close && fmt !== "roll" ? [""] : []),
  ]);
  return [
    figures(fmt, [
      ["兑换笔数 Redemptions", String(report.redemptions), "redemptions"],
      ["代兑笔数 Assisted", String(report.assisted), "assisted"],
      ["作废笔数 Voids", String(report.voids), "voids"],
      ["服务户数 Households served", String(report.householdsServed), "householdsServed"],
      ["兑换积分 Points redeemed", showAmount(report.pointsRedeemed), "pointsRedeemed"],
      ["作废退回 Points voided", showAmount(report.pointsVoided), "pointsVoided"],
      ["实兑积分 Points spent", showAmount(report.pointsSpent), "pointsSpent"],
      ["发放积分 Points credited", showAmount(report.pointsCredited), "pointsCredited"],
      ["发出商品 Goods given out", String(report.unitsOut), "unitsOut"],
      ["入库件数 Units restocked", String(report.unitsRestocked), "unitsRestocked"],
      ["盘点调整 Units adjusted", String(report.unitsAdjusted), "unitsAdjusted"],
    ]),
    rule(fmt),
    heading(fmt, close ? "商品清点 Goods count" : "商品进出 Goods in and out"),
    fmt === "roll" ? h("p", { class: "pr-sub", text: "期初/入/出/退/调/期末" }) : null,
    table(
      fmt,
      ["商品 Goods", "期初 Opening", "入库 In", "兑出 Out", "退回 Back", "调整 Adj.", "期末 Closing", ...(close && fmt !== "roll" ? ["实点 Counted"] : [])],
      goods,
      { numeric: [1, 2, 3, 4, 5, 6] },
    ),
    ...(report.hands?.length
      ? [
          heading(fmt, "经手 Who made the entries"),
          table(fmt, ["经手 Operator", "笔数 Entries"], report.hands.map((hand) => [hand.operator, hand.entries]), { numeric: [1] }),
        ]
      : []),
    close ? signatures(fmt) : null,
  ];
}

function signatures(fmt) {
  const line = (label) =>
    fmt === "roll"
      ? h("p", { class: "pr-row report-sign" }, h("span", { text: label }), h("span", { text: "________" }))
      : h("p", { class: "report-sign" }, h("span", { text: label }), h("span", { class: "report-sign-line" }));
  return h("div", { class: "report-signatures" }, rule(fmt), line("店管员签字 Shopkeeper"), line("复核签字 Checked by"), line("日期 Date"));
}

function stockDoc(fmt, report) {
  return [
    figures(fmt, [
      ["商品种数 Items", String(report.lines.length), "items"],
      ["库存不足 Low stock", String(report.low), "low"],
    ]),
    rule(fmt),
    table(
      fmt,
      ["商品 Goods", "库存 Stock", "补货线 Threshold", "状态 Status"],
      report.lines.map((line) => [
        line.item.nameZh,
        line.stock,
        line.threshold,
        !line.active ? "停售 Off" : line.stock === 0 ? "缺货 Out" : line.low ? "不足 Low" : "够 OK",
      ]),
      { numeric: [1, 2] },
    ),
  ];
}

function donationsDoc(fmt, report) {
  return [
    figures(fmt, [
      ["捐赠次数 Donations", String(report.restocks), "restocks"],
      ["捐赠件数 Units given", String(report.units), "units"],
      ["申报价值 Declared value", showAmount(report.declaredValue), "declaredValue"],
      ["已兑出件数 Units redeemed", String(report.unitsRedeemed), "unitsRedeemed"],
    ]),
    rule(fmt),
    heading(fmt, "按捐赠方 By donor"),
    table(
      fmt,
      ["捐赠方 Donor", "类型 Type", "次数 Times", "件数 Units", "申报价值 Value"],
      report.byDonor.map((line) => [line.donor, source(line.sourceType), line.restocks, line.units, showAmount(line.declaredValue)]),
      { numeric: [2, 3, 4] },
    ),
    heading(fmt, "按来源 By source"),
    table(
      fmt,
      ["来源 Source", "次数 Times", "件数 Units", "申报价值 Value"],
      report.bySource.map((line) => [source(line.sourceType), line.restocks, line.units, showAmount(line.declaredValue)]),
      { numeric: [1, 2, 3] },
    ),
    heading(fmt, "捐赠与兑出 Given and redeemed"),
    table(
      fmt,
      ["商品 Goods", "捐赠 Given", "兑出 Redeemed"],
      report.goods.map((line) => [line.item.nameZh, line.given, line.redeemed]),
      { numeric: [1, 2] },
    ),
    rule(fmt),
    heading(fmt, "感谢榜 Thank you"),
    h("p", { class: fmt === "roll" ? "pr-foot" : "report-thanks", "data-figure": "thanks", text: report.thanks.join("、") }),
  ];
}

function statementDoc(fmt, report) {
  return [
    figures(fmt, [
      ["户 Household", `${report.name}(${report.household})`, "household"],
      ["组 Group", report.group, null],
      ["期初余额 Opening", showAmount(report.opening), "opening"],
      ["期末余额 Closing", showAmount(report.closing), "closing"],
    ]),
    rule(fmt),
    table(
      fmt,
      ["时间 Time", "事项 What", "变动 Change", "余额 Balance", "说明 Note", "经手 Operator"],
      report.lines.map((line) => [
        line.time,
        kindName(line.kind),
        showChange(line.change),
        showAmount(line.balanceAfter),
        [line.note, line.goods].filter(Boolean).join(" "),
        line.operator ?? "",
      ]),
      { numeric: [2, 3] },
    ),
  ];
}

function exceptionsDoc(fmt, report) {
  return [
    figures(fmt, EXCEPTION_COLUMNS.map(([key, label]) => [label, String(report.totals[key]), key])),
    rule(fmt),
    report.lines.length === 0
      ? h("p", { class: fmt === "roll" ? "pr-foot" : "hint", text: "这段时间没有 None in this period" })
      : table(
          fmt,
          ["日期 Date", "工作人员 Staff", ...EXCEPTION_COLUMNS.map(([, label]) => label)],
          report.lines.map((line) => [line.date, line.staff, ...EXCEPTION_COLUMNS.map(([key]) => line.counts[key])]),
          { numeric: [2, 3, 4, 5, 6, 7, 8] },
        ),
  ];
}

/** The document of `report` (from kiosk.report) in `fmt`. */
export function reportDoc(app, report, fmt) {
  const info = app.info ?? {};
  const kind = report.kind === "series" ? "charts" : report.kind;
  const body =
    kind === "day" || kind === "month"
      ? summaryDoc(fmt, report)
      : kind === "stock"
        ? stockDoc(fmt, report)
        : kind === "donations"
          ? donationsDoc(fmt, report)
          : kind === "exceptions"
            ? exceptionsDoc(fmt, report)
            : statementDoc(fmt, report);
  const ruleOff = report.twoPersonRuleOff
    ? h("p", { class: fmt === "roll" ? "pr-sub report-rule-off" : fmt === "a4" ? "pa-sub report-rule-off" : "report-sub report-rule-off", text: RULE_OFF })
    : null;
  const stamp = `打印 Printed ${dateTime(Date.now())} · 记录至 through #${report.source.seq}`;
  if (fmt === "roll") {
    return [
      h("p", { class: "pr-shop", text: info.shop ?? "" }),
      h("p", { class: "pr-sub", text: TITLE[kind] }),
      h("p", { class: "pr-sub", text: period(report) }),
      ruleOff,
      h("hr", { class: "pr-rule" }),
      body,
      h("hr", { class: "pr-rule" }),
      h("p", { class: "pr-foot", text: stamp }),
    ];
  }
  return [
    h(fmt === "a4" ? "h1" : "h2", { class: fmt === "a4" ? "pa-title report-title" : "section-title", text: TITLE[kind] }),
    h("p", { class: fmt === "a4" ? "pa-sub" : "report-sub", text: [`${info.village ?? ""} · ${info.shop ?? ""}`, period(report)].filter(Boolean).join(" · ") }),
    ruleOff,
    body,
    h("p", { class: fmt === "a4" ? "pa-small" : "field-hint", text: stamp }),
  ];
}

export { TITLE as REPORT_TITLES };
