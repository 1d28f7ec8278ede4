// My points: the signed-in household's history, newest first, with dates
// and the running balance. A credit names its period and what it was for
// (the monthly score, a bonus), so two credits of the same amount read apart.
import { h, icon } from "../dom.js";
import { t, dual, whenText, periodName, dayText } from "../i18n.js";
import { showAmount, showChange, hundredths } from "../amounts.js";
import { topBar, shopTitle, langButton, householdBadge, notice } from "./common.js";

const KINDS = new Set(["credited", "corrected", "redeemed", "redemption_voided", "transferred"]);
const SOURCES = new Set(["evaluation", "bonus"]);

/** The small line under a history line's kind: period and source, receipt, reason. */
function noteText(line) {
  if (line.kind === "credited") {
    // An older core gave the period only, as the note.
    const period = periodName(line.period ?? line.note);
    if (!line.source) return period;
    const source = SOURCES.has(line.source) ? t(`source_${line.source}`) : line.source;
    return t("creditFor", period, source);
  }
  if (line.kind === "redeemed" && line.note && line.collector) return `${t("receiptNote", line.note)} · ${t("collectorLabel")} ${line.collector}`;
  if ((line.kind === "redeemed" || line.kind === "redemption_voided") && line.note) return t("receiptNote", line.note);
  return line.note || null;
}

/** The household's own line of the posting (公示) and the day objections close, or null. */
function myPosting(app, household) {
  let posting = null;
  try {
    posting = app.kiosk.posting?.(Date.now()) ?? null;
  } catch {
    posting = null;
  }
  const row = posting?.results?.find((result) => result.household === household.code);
  if (!row) return null;
  const band = row.band > 0 ? t("myPostingBand", row.band) : t("myPostingNoBand");
  const text = t("myPosting", periodName(posting.period), row.score, band, showAmount(row.points), dayText(posting.until));
  return notice(text, "info", { role: "note", className: "my-posting" });
}

export function historyScreen(app) {
  const household = app.household();
  if (!household) {
    queueMicrotask(() => app.sessionExpired());
    return { root: h("div", { class: "screen" }) };
  }
  let lines = [];
  let failure = null;
  try {
    lines = app.kiosk.history(app.session, Date.now());
  } catch (error) {
    if (error?.code === "SESSION_EXPIRED") {
      queueMicrotask(() => app.sessionExpired());
      return { root: h("div", { class: "screen" }) };
    }
    failure = error;
  }

  const rows = lines.map((line) => {
    const positive = hundredths(line.change) > 0n;
    const note = noteText(line);
    return h(
      "tr",
      { class: positive ? "in" : "out" },
      h("td", { class: "h-date", text: whenText(line.time) }),
      h(
        "td",
        {},
        h(
          "div",
          { class: "h-what" },
          h("span", { class: "h-kind" }, icon(positive ? "plus" : "minus", "h-icon"), h("span", { text: t(KINDS.has(line.kind) ? `kind_${line.kind}` : "kind_other") })),
          note ? h("span", { class: "h-note", text: note }) : null,
        ),
      ),
      h("td", { class: "h-change", text: showChange(line.change) }),
      h("td", { class: "h-balance", text: showAmount(line.balanceAfter) }),
    );
  });

  const table = lines.length
    ? h(
        "div",
        { class: "history-scroll", tabindex: "0", role: "region", "aria-labelledby": "history-title" },
        h(
          "table",
          { class: "history-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col", text: t("colDate") }),
              h("th", { scope: "col", text: t("colWhat") }),
              h("th", { scope: "col", class: "num", text: t("colChange") }),
              h("th", { scope: "col", class: "num", text: t("colBalance") }),
            ),
          ),
          h("tbody", {}, rows),
        ),
      )
    : h("p", { class: "lead", text: t("historyEmpty") });

  const root = h(
    "div",
    { class: "screen screen-history" },
    topBar({
      left: [shopTitle(app), householdBadge(household)],
      middle: [h("p", { class: "balance-line" }, h("span", { class: "balance-label", text: t("balance") }), " ", h("strong", { text: t("points", household.balance) }))],
      right: [
        langButton(app),
        h("button", { type: "button", class: "btn btn-quiet btn-signout", onclick: () => app.finish() }, icon("exit"), h("span", { text: t("signOut") })),
      ],
    }),
    h(
      "main",
      { class: "history-main" },
      h("h1", { class: "title-xl", id: "history-title" }, icon("list"), h("span", { text: t("historyTitle") })),
      failure ? notice(app.errorText(failure), "warn") : null,
      myPosting(app, household),
      table,
      h(
        "div",
        { class: "history-actions" },
        h("button", { type: "button", class: "btn btn-primary btn-big", onclick: () => app.go("shop") }, icon("basket-white"), dual("toShop")),
      ),
    ),
  );
  return { root };
}
