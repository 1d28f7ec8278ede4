// The village points board on the home screen (亮积分、比积分): this
// period's posting (公示), the quarter's ranking, the stars of the quarter
// and last year's advanced households (and the year's donors, where the
// village thanks them there). Large type, readable from three
// metres; when nobody touches the kiosk it turns to the next panel slowly.
// Ties share a rank; a cut-off shared by many says how many share it.
import { h } from "../dom.js";
import { t, dayText, periodName } from "../i18n.js";

/** Lines in one panel at most: a longer list turns over several panels. */
const PANEL_LINES_MAX = 5;
/** Panels one list may take (the rest of a long list is counted, not listed). */
const LIST_PANELS_MAX = 4;
/** How long a panel stays before the next, when nobody touches the kiosk. */
export const BOARD_CYCLE_MS = 12_000;

function amount(fixed) {
  return String(fixed ?? "0").replace(/\.00$/, "").replace(/(\.\d)0$/, "$1");
}

function lineRow(rank, name, figure, extra = null) {
  return h(
    "li",
    { class: "board-line" },
    h("span", { class: "board-rank", text: String(rank) }),
    h("span", { class: "board-name", text: name }),
    extra ? h("span", { class: "board-tag", text: extra }) : null,
    h("span", { class: "board-figure", text: figure }),
  );
}

function panel(kind, title, lines, footer = null) {
  return h(
    "section",
    { class: `board-panel board-panel-${kind}`, "data-panel": kind },
    h("h3", { class: "board-panel-title", text: title }),
    lines.length ? h("ol", { class: "board-lines", role: "list" }, lines) : h("p", { class: "board-empty", text: t("boardEmpty") }),
    footer ? h("p", { class: "board-footer", text: footer }) : null,
  );
}

/**
 * Rows as panels of PANEL_LINES_MAX lines (one empty panel when none). A
 * ranking stops at LIST_PANELS_MAX panels; the posting (公示) goes on to
 * its last household, each panel saying which page of it it is, since the
 * whole posting is public ("接受广大村民的查询、监督").
 */
function pages(kind, title, rows, footer, { whole = false } = {}) {
  const panels = [];
  const shown = whole ? rows : rows.slice(0, PANEL_LINES_MAX * LIST_PANELS_MAX);
  const count = Math.max(1, Math.ceil(shown.length / PANEL_LINES_MAX));
  for (let start = 0; start === 0 || start < shown.length; start += PANEL_LINES_MAX) {
    const last = start + PANEL_LINES_MAX >= shown.length;
    const page = whole && count > 1 ? `${title} · ${t("boardPanel", start / PANEL_LINES_MAX + 1, count)}` : title;
    panels.push(panel(kind, page, shown.slice(start, start + PANEL_LINES_MAX), last || whole ? footer : null));
  }
  return panels;
}

function listPanels(kind, title, list) {
  // This quarter: by the sum of scores where score sheets exist, else by net
  // points; the stars and advanced households by net points (credits plus
  // corrections).
  const figure = (line) => (line.score ? `${t("boardScore", line.score)} · ${t("boardPoints", amount(line.earned))}` : amount(line.earned));
  const rows = (list?.lines ?? []).map((line) => lineRow(line.rank, line.name, figure(line)));
  const shared = list?.sharedLast ? t("boardShared", list.sharedLast.rank, list.sharedLast.count) : null;
  return pages(kind, title, rows, shared);
}

function postingPanels(posting) {
  const rows = (posting.results ?? []).map((row) => {
    const extra = row.bonus ? t("boardBonus") : null;
    return lineRow(row.rank, row.name, `${t("boardScore", row.score)} · ${t("boardPoints", amount(row.points))}`, extra);
  });
  return pages("posting", t("boardPosting", periodName(posting.period)), rows, t("boardPostingUntil", dayText(posting.until)), { whole: true });
}

/** The panels of the board at `now`. */
export function boardPanels(kiosk, now) {
  const panels = [];
  let posting = null;
  let board = null;
  try {
    posting = typeof kiosk?.posting === "function" ? kiosk.posting(now) : null;
  } catch {
    posting = null;
  }
  try {
    board = kiosk?.board(now) ?? null;
  } catch {
    board = null;
  }
  if (posting) panels.push(...postingPanels(posting));
  if (board) {
    panels.push(...listPanels("quarter", t("boardQuarter", periodName(board.quarter.period)), board.quarter));
    panels.push(...listPanels("stars", t("boardStars", periodName(board.stars.period)), board.stars));
    panels.push(...listPanels("advanced", t("boardAdvanced", board.advanced.period), board.advanced));
    if (board.blacklist?.length) {
      const rows = board.blacklist.map((name, index) => lineRow(index + 1, name, ""));
      panels.push(...pages("blacklist", t("boardBlacklist"), rows, null));
    }
  }
  return panels;
}

/**
 * The board's panels in one region that shows one at a time, turning every
 * BOARD_CYCLE_MS while nobody touches it. Returns { root, stop }.
 */
export function pointsBoard(kiosk, now = Date.now()) {
  const panels = boardPanels(kiosk, now);
  const counter = h("p", { class: "board-counter", "aria-hidden": "true" });
  const stage = h("div", { class: "board-stage", "aria-live": "off" });
  let index = 0;
  const show = () => {
    panels.forEach((p, i) => {
      p.hidden = i !== index;
    });
    counter.textContent = panels.length > 1 ? t("boardPanel", index + 1, panels.length) : "";
  };
  stage.append(...panels);
  show();
  // The donors' thank-you panel, when the village shows it: read from the
  // journal, so it arrives a moment after the rest.
  let stopped = false;
  kiosk?.thanks?.({ now })
    .then((thanks) => {
      if (stopped || !thanks?.show || !thanks.donors?.length) return;
      const rows = thanks.donors.map((donor, i) => lineRow(i + 1, donor, ""));
      const more = pages("thanks", t("boardThanks", thanks.year), rows, null);
      panels.push(...more);
      stage.append(...more);
      show();
    })
    .catch(() => {});
  let lastTouch = Date.now();
  const touched = () => {
    lastTouch = Date.now();
  };
  const root = h("div", { class: "board-cycle", onpointerdown: touched }, stage, counter);
  const timer = setInterval(() => {
    if (panels.length < 2 || Date.now() - lastTouch < BOARD_CYCLE_MS) return;
    index = (index + 1) % panels.length;
    show();
  }, BOARD_CYCLE_MS);
  return {
    root,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
