// Sheets for the village notice board (村委宣传栏), printed on A4: the
// whole posting (公示) of a period — every household's score, band and
// points, the posting dates and how to object — and the honours lists, the
// stars of the quarter (积分之星) and the year's advanced households (先进户).
// Each is built from what the core answers (kiosk.posting, kiosk.board), so
// the paper says what the board says. The board is read in Chinese, so the
// sheets are printed in the catalogue's Chinese whatever the page's language.
import { h } from "../dom.js";
import { dateOnly, dateTime, periodName, tIn } from "../i18n.js";
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

/** The catalogue's Chinese for `key`, as the sheets print it. */
const zh = (key, ...figures) => tIn("zh", key, ...figures);

/** The band of a result in words: "第 2 档", or below the first band. */
function bandText(band) {
  return band > 0 ? zh("myPostingBand", band) : zh("myPostingNoBand");
}

/**
 * Who reviewed the sheet ("入户评比―领导组审核―张贴公示"): the approving admin,
 * and plainly when the village turned the two-person rule off and the
 * importer approved it; nothing for sheets posted before review.
 */
function reviewLine(posting) {
  if (posting.review !== "approved") return null;
  return h("p", { class: "pa-text", text: zh(posting.ownApproval ? "noticeOwnReview" : "noticeReviewed", posting.approvedBy ?? "") });
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
    ...heading(app, zh("noticePostingTitle", periodName(posting.period))),
    h("p", { class: "pa-text", text: zh("noticePostingDates", dateOnly(posting.postedAt), dateOnly(posting.until), results.length) }),
    reviewLine(posting),
    table(
      [
        [zh("rulesColRank"), true],
        [zh("rulesHousehold")],
        [zh("colName")],
        [zh("rulesColScore"), true],
        [zh("noticeColBand")],
        [zh("rulesColPoints"), true],
      ],
      rows,
    ),
    h("p", { class: "pa-text", text: zh("noticeObjections", dateTime(posting.until)) }),
    h("p", { class: "pa-small", text: zh("printedAt", dateTime(Date.now())) }),
  ];
}

function honoursTable(list, figureName, figure) {
  const rows = (list?.lines ?? []).map((line) => [[String(line.rank), true], [line.household], [line.name], [figure(line), true]]);
  const shared = list?.sharedLast ? h("p", { class: "pa-text", text: zh("boardShared", list.sharedLast.rank, list.sharedLast.count) }) : null;
  return [table([[zh("rulesColRank"), true], [zh("rulesHousehold")], [zh("colName")], [figureName, true]], rows), shared];
}

/**
 * The honours lists for the notice board, from kiosk.board: `which` is
 * "advanced" (the year's advanced households) or "stars" (the quarter's
 * stars).
 */
export function honoursSheet(app, board, which) {
  const list = which === "advanced" ? board.advanced : board.stars;
  const title = which === "advanced" ? zh("noticeAdvancedTitle", list.period) : zh("noticeStarsTitle", periodName(list.period));
  const figure = (line) => zh("noticeScore", line.score ? line.score : showAmount(line.earned));
  return [
    ...heading(app, title),
    list.lines?.length
      ? honoursTable(list, zh(which === "advanced" ? "noticeColYearPoints" : "rulesColPoints"), figure)
      : h("p", { class: "pa-text", text: zh("noticeNoData") }),
    h("p", { class: "pa-text pa-right", text: zh("noticeCommendation") }),
    h("p", { class: "pa-small", text: zh("printedAt", dateTime(Date.now())) }),
  ];
}
