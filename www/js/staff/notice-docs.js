// Sheets for the village notice board (村委宣传栏), printed on A4: the
// whole posting (公示) of a period — every household's score, band and
// points, the posting dates and how to object — and the honours lists, the
// stars of the quarter (积分之星) and the year's advanced households (先进户).
// Each is built from what the core answers (kiosk.posting, kiosk.board), so
// the paper says what the board says.
import { h } from "../dom.js";
import { dateOnly, dateTime, periodName } from "../i18n.js";
import { showAmount } from "../amounts.js";

function heading(app, title) {
  const info = app.info ?? {};
  return [h("h1", { class: "pa-title", text: title }), h("p", { class: "pa-sub", text: `${info.village ?? ""} · ${info.shop ?? ""}` })];
}

function table(columns, rows) {
  return h(
    "table",
    { class: "pa-table" },
    h("thead", {}, h("tr", {}, columns.map(([text, numeric]) => h("th", { class: numeric ? "num" : null, text })))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map(([text, numeric]) => h("td", { class: numeric ? "num" : null, text }))))),
  );
}

/** The band of a result in words: "第 2 档", or below the first band. */
function bandText(band) {
  return band > 0 ? `第 ${band} 档` : "未达最低档";
}

/**
 * Who reviewed the sheet ("入户评比―领导组审核―张贴公示"): the approving admin,
 * and plainly when the village turned the two-person rule off and the
 * importer approved it; nothing for sheets posted before review.
 */
function reviewLine(posting) {
  if (posting.review !== "approved") return null;
  const text = posting.ownApproval
    ? `本村已关闭双人核对,本评分表由导入人 ${posting.approvedBy ?? ""} 自己审核。`
    : `本评分表经村积分评比领导组审核(审核人:${posting.approvedBy ?? ""})。`;
  return h("p", { class: "pa-text", text });
}

/** The posting for the notice board: `posting` as kiosk.posting answers it. */
export function postingSheet(app, posting) {
  const results = posting.results ?? [];
  const rows = results.map((row) => [
    [String(row.rank), true],
    [row.household],
    [row.name],
    [row.score, true],
    [bandText(row.band)],
    [showAmount(row.points), true],
  ]);
  return [
    ...heading(app, `${periodName(posting.period)} 户积分评比公示`),
    h("p", { class: "pa-text", text: `公示时间:${dateOnly(posting.postedAt)} 至 ${dateOnly(posting.until)}(共 ${results.length} 户)` }),
    reviewLine(posting),
    table([["名次", true], ["户号"], ["户主"], ["总分", true], ["分档"], ["积分", true]], rows),
    h(
      "p",
      { class: "pa-text", text: `对评分有异议的,请在 ${dateTime(posting.until)} 前向村积分管理专员或村务监督委员会提出,经核实后更正;公示期满无异议的,积分录入积分管理平台并可到爱心超市兑换。` },
    ),
    h("p", { class: "pa-small", text: `打印时间 ${dateTime(Date.now())}` }),
  ];
}

function honoursTable(list, figureName, figure) {
  const rows = (list?.lines ?? []).map((line) => [[String(line.rank), true], [line.household], [line.name], [figure(line), true]]);
  const shared = list?.sharedLast ? h("p", { class: "pa-text", text: `第 ${list.sharedLast.rank} 名并列 ${list.sharedLast.count} 户` }) : null;
  return [table([["名次", true], ["户号"], ["户主"], [figureName, true]], rows), shared];
}

/**
 * The honours lists for the notice board, from kiosk.board: `which` is
 * "advanced" (the year's advanced households) or "stars" (the quarter's
 * stars).
 */
export function honoursSheet(app, board, which) {
  const list = which === "advanced" ? board.advanced : board.stars;
  const title = which === "advanced" ? `${list.period} 年度积分先进户` : `${periodName(list.period)}积分之星`;
  const figure = (line) => (line.score ? `${line.score} 分` : `${showAmount(line.earned)} 分`);
  return [
    ...heading(app, title),
    list.lines?.length ? honoursTable(list, which === "advanced" ? "全年积分" : "积分", figure) : h("p", { class: "pa-text", text: "本期还没有数据。" }),
    h("p", { class: "pa-text pa-right", text: "特此表彰!" }),
    h("p", { class: "pa-small", text: `打印时间 ${dateTime(Date.now())}` }),
  ];
}
