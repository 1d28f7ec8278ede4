// A report as a document: the same figures on screen, on an A4 page and on
// the 58 mm receipt printer. Labels are the catalogue's words (mostly
// words/reports.js), Chinese with English beside whatever the page's
// language; every figure is the core's (amounts as the core's fixed
// strings, shown without arithmetic). Key figures carry `data-figure` so
// they can be checked against the API.
import { h } from "../dom.js";
import { showAmount, showChange } from "../amounts.js";
import { dateTime, tIn, WORDS } from "../i18n.js";

/** A label of the catalogue as the reports print it: Chinese, then English. */
const both = (key) => `${tIn("zh", key)} ${tIn("en", key)}`;

/** A donation's source type, as the restock screen names it. */
const source = (type) => (WORDS[`source_${type}`] ? both(`source_${type}`) : type);

/** An entry's kind in a statement, as the household's own 我的积分 names it. */
const kindName = (kind) => (WORDS[`kind_${kind}`] ? both(`kind_${kind}`) : kind);

// Words are looked up when a document is drawn, never as this module loads:
// the staff's words may still be loading then (words/index.js).

/** A report's title by its kind (the month's and the charts' are their choice's words). */
export function reportTitle(kind) {
  const key = kind === "month" || kind === "charts" ? `report_${kind}` : `reportTitle_${kind}`;
  return WORDS[key] ? both(key) : "";
}

/** The exception report's columns, in the order of the core's counts. */
const EXCEPTION_COLUMNS = ["pin_resets", "assisted", "voids", "credits", "corrections", "stock_adjustments", "co_signed"];

const exceptionLabel = (key) => both(`exception_${key}`);

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

/** A figure the core names `name`: labelled `figure_<name>`, marked `name`. */
const named = (name, value) => [both(`figure_${name}`), value, name];

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
      named("redemptions", String(report.redemptions)),
      named("assisted", String(report.assisted)),
      named("voids", String(report.voids)),
      named("householdsServed", String(report.householdsServed)),
      named("pointsRedeemed", showAmount(report.pointsRedeemed)),
      named("pointsVoided", showAmount(report.pointsVoided)),
      named("pointsSpent", showAmount(report.pointsSpent)),
      named("pointsCredited", showAmount(report.pointsCredited)),
      named("unitsOut", String(report.unitsOut)),
      named("unitsRestocked", String(report.unitsRestocked)),
      named("unitsAdjusted", String(report.unitsAdjusted)),
    ]),
    rule(fmt),
    heading(fmt, both(close ? "reportGoodsCount" : "reportGoodsInOut")),
    fmt === "roll" ? h("p", { class: "pr-sub", text: tIn("zh", "reportGoodsColumnsRoll") }) : null,
    table(
      fmt,
      [
        "goods",
        "reportColOpening",
        "reportColIn",
        "reportColOut",
        "reportColBack",
        "reportColAdjusted",
        "reportColClosing",
        ...(close && fmt !== "roll" ? ["reportColCounted"] : []),
      ].map(both),
      goods,
      { numeric: [1, 2, 3, 4, 5, 6] },
    ),
    ...(report.hands?.length
      ? [
          heading(fmt, both("reportHands")),
          table(fmt, [both("reportColOperator"), both("reportColEntries")], report.hands.map((hand) => [hand.operator, hand.entries]), {
            numeric: [1],
          }),
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
  return h("div", { class: "report-signatures" }, rule(fmt), line(both("signShopkeeper")), line(both("signChecked")), line(both("colDate")));
}

function stockDoc(fmt, report) {
  return [
    figures(fmt, [
      named("items", String(report.lines.length)),
      named("low", String(report.low)),
    ]),
    rule(fmt),
    table(
      fmt,
      ["goods", "report_stock", "reportColThreshold", "colStatus"].map(both),
      report.lines.map((line) => [
        line.item.nameZh,
        line.stock,
        line.threshold,
        both(!line.active ? "reportStockOff" : line.stock === 0 ? "reportStockOut" : line.low ? "reportStockLow" : "reportStockOk"),
      ]),
      { numeric: [1, 2] },
    ),
  ];
}

function donationsDoc(fmt, report) {
  return [
    figures(fmt, [
      named("restocks", String(report.restocks)),
      named("units", String(report.units)),
      named("declaredValue", showAmount(report.declaredValue)),
      named("unitsRedeemed", String(report.unitsRedeemed)),
    ]),
    rule(fmt),
    heading(fmt, both("reportByDonor")),
    table(
      fmt,
      ["donorLabel", "reportColType", "reportColTimes", "reportColUnits", "reportColValue"].map(both),
      report.byDonor.map((line) => [line.donor, source(line.sourceType), line.restocks, line.units, showAmount(line.declaredValue)]),
      { numeric: [2, 3, 4] },
    ),
    heading(fmt, both("reportBySource")),
    table(
      fmt,
      ["sourceTypeLabel", "reportColTimes", "reportColUnits", "reportColValue"].map(both),
      report.bySource.map((line) => [source(line.sourceType), line.restocks, line.units, showAmount(line.declaredValue)]),
      { numeric: [1, 2, 3] },
    ),
    heading(fmt, both("reportGivenRedeemed")),
    table(
      fmt,
      ["goods", "reportColGiven", "reportColRedeemed"].map(both),
      report.goods.map((line) => [line.item.nameZh, line.given, line.redeemed]),
      { numeric: [1, 2] },
    ),
    rule(fmt),
    heading(fmt, both("reportThanks")),
    h("p", { class: fmt === "roll" ? "pr-foot" : "report-thanks", "data-figure": "thanks", text: report.thanks.join("、") }),
  ];
}

function statementDoc(fmt, report) {
  return [
    figures(fmt, [
      [both("colHousehold"), `${report.name}(${report.household})`, "household"],
      [both("colGroup"), report.group, null],
      named("opening", showAmount(report.opening)),
      named("closing", showAmount(report.closing)),
    ]),
    rule(fmt),
    table(
      fmt,
      ["receiptTime", "reportColWhat", "colChange", "colBalance", "rulesColNote", "reportColOperator"].map(both),
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
    figures(fmt, EXCEPTION_COLUMNS.map((key) => [exceptionLabel(key), String(report.totals[key]), key])),
    rule(fmt),
    report.lines.length === 0
      ? h("p", { class: fmt === "roll" ? "pr-foot" : "hint", text: both("reportNoneInPeriod") })
      : table(
          fmt,
          [both("colDate"), both("damagedWho"), ...EXCEPTION_COLUMNS.map(exceptionLabel)],
          report.lines.map((line) => [line.date, line.staff, ...EXCEPTION_COLUMNS.map((key) => line.counts[key])]),
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
    ? h("p", { class: fmt === "roll" ? "pr-sub report-rule-off" : fmt === "a4" ? "pa-sub report-rule-off" : "report-sub report-rule-off", text: `${tIn("zh", "reportRuleOff")} · ${tIn("en", "reportRuleOff")}` })
    : null;
  const stamp = `${both("reportPrinted")} ${dateTime(Date.now())} · ${both("reportThrough")} #${report.source.seq}`;
  if (fmt === "roll") {
    return [
      h("p", { class: "pr-shop", text: info.shop ?? "" }),
      h("p", { class: "pr-sub", text: reportTitle(kind) }),
      h("p", { class: "pr-sub", text: period(report) }),
      ruleOff,
      h("hr", { class: "pr-rule" }),
      body,
      h("hr", { class: "pr-rule" }),
      h("p", { class: "pr-foot", text: stamp }),
    ];
  }
  return [
    h(fmt === "a4" ? "h1" : "h2", { class: fmt === "a4" ? "pa-title report-title" : "section-title", text: reportTitle(kind) }),
    h("p", { class: fmt === "a4" ? "pa-sub" : "report-sub", text: [`${info.village ?? ""} · ${info.shop ?? ""}`, period(report)].filter(Boolean).join(" · ") }),
    ruleOff,
    body,
    h("p", { class: fmt === "a4" ? "pa-small" : "field-hint", text: stamp }),
  ];
}
