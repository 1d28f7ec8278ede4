// Receipt: the redemption succeeded. Receipt number, lines and the short
// hash in a card that scrolls when the lines are many; what was paid and
// the new balance, large, beside it and never scrolled away; a print button
// for the 58 mm thermal printer; back to the start on 完成 or by itself
// after a minute (receiptMs), long enough to read and to print.
import { h, icon, replaceChildren } from "../dom.js";
import { t, tIn, dual, lang, whenText } from "../i18n.js";
import { villageDateTime } from "../dates.js";
import { showAmount } from "../amounts.js";
import { speak } from "../voice.js";
import { topBar, shopTitle, langButton } from "./common.js";

/** The catalogue's Chinese for `key`, as the receipt prints it. */
const zh = (key) => tIn("zh", key);

/** The thermal-receipt layout (58 mm paper, 48 mm printable), Chinese first. */
function printLayout(app, receipt) {
  const row = (label, value) => h("p", { class: "pr-row" }, h("span", { text: label }), h("span", { text: value }));
  return [
    h("p", { class: "pr-shop", text: app.info?.shop ?? tIn("zh", "appTitle") }),
    h("p", { class: "pr-sub", text: `${zh("receiptPrintTitle")} ${tIn("en", "receiptPrintTitle")}` }),
    h("hr", { class: "pr-rule" }),
    row(zh("receiptNumber"), receipt.receiptNumber),
    row(zh("receiptTime"), villageDateTime(receipt.time, "zh", { withYear: true })),
    row(zh("receiptHousehold"), `${receipt.householdName} (${receipt.household})`),
    h("hr", { class: "pr-rule" }),
    receipt.lines.map((line) =>
      h(
        "div",
        { class: "pr-line" },
        h("p", { class: "pr-name", text: line.nameZh }),
        h("p", { class: "pr-row" }, h("span", { text: `${line.qty} × ${showAmount(line.unitPrice)}` }), h("span", { text: showAmount(line.lineTotal) })),
      ),
    ),
    h("hr", { class: "pr-rule" }),
    h("p", { class: "pr-row pr-total" }, h("span", { text: zh("receiptTotal") }), h("span", { text: showAmount(receipt.total) })),
    row(zh("balance"), showAmount(receipt.balanceAfter)),
    row(zh("receiptHash"), receipt.shortHash),
    receipt.assistedBy ? row(zh("receiptAssisted"), receipt.assistedBy) : null,
    receipt.collector ? row(zh("collectorLabel"), receipt.collector) : null,
    // A staff member set this household's PIN within 24 hours: the printed
    // receipt names them, as the export does.
    receipt.pinResetBy ? row(zh("pinResetLabel"), receipt.pinResetBy) : null,
    h("hr", { class: "pr-rule" }),
    h("p", { class: "pr-foot", text: zh("receiptFoot") }),
  ];
}

export function receiptScreen(app) {
  const receipt = app.receipt;
  if (!receipt) {
    queueMicrotask(() => app.finish());
    return { root: h("div", { class: "screen" }) };
  }
  const name = (line) => (lang() === "zh" || !line.nameEn ? line.nameZh : line.nameEn);

  // The print area lives outside the screen, shown only by @media print.
  const printArea = app.elements.printArea;
  replaceChildren(printArea, h("section", { class: "print-receipt", "aria-label": tIn("zh", "receiptRegion") }, printLayout(app, receipt)));

  const endsAt = Date.now() + app.params.receiptMs;
  const seconds = () => Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
  const countdown = h("p", { class: "countdown", role: "timer", "aria-live": "off" });
  const setCount = () => {
    countdown.textContent = t("backHomeIn", seconds());
  };
  setCount();
  const timer = setInterval(() => {
    if (Date.now() >= endsAt) {
      clearInterval(timer);
      app.finish();
    } else {
      setCount();
    }
  }, 250);

  const field = (label, value, className = "") =>
    h("div", { class: `rc-field ${className}` }, h("dt", { text: label }), h("dd", { text: value }));

  const card = h(
    "section",
    { class: "receipt-card", "aria-labelledby": "receipt-title" },
    h("h2", { class: "sr-only", id: "receipt-title", text: t("receiptNumber") }),
    h(
      "dl",
      { class: "rc-fields" },
      field(t("receiptNumber"), receipt.receiptNumber, "rc-number"),
      field(t("receiptTime"), whenText(receipt.time)),
      field(t("receiptHousehold"), `${receipt.householdName} (${receipt.household})`),
      receipt.collector ? field(t("collectorLabel"), receipt.collector) : null,
      receipt.pinResetBy ? field(t("pinResetLabel"), t("pinResetBy", receipt.pinResetBy), "rc-pin-reset") : null,
      field(t("receiptHash"), receipt.shortHash),
    ),
    h(
      "table",
      { class: "summary-table" },
      h("caption", { class: "sr-only", text: t("summary") }),
      h(
        "tbody",
        {},
        receipt.lines.map((line) =>
          h(
            "tr",
            {},
            h("th", { scope: "row", class: "summary-name", text: name(line) }),
            h("td", { class: "summary-qty", text: t("lineQty", line.qty, t("points", line.unitPrice)) }),
            h("td", { class: "summary-total", text: t("points", line.lineTotal) }),
          ),
        ),
      ),
    ),
  );
  const totals = h(
    "dl",
    { class: "rc-totals" },
    field(t("receiptPaid"), t("points", receipt.total), "rc-strong rc-paid"),
    field(t("balanceAfter"), t("points", receipt.balanceAfter), "rc-strong rc-balance"),
  );

  const print = h("button", { type: "button", class: "btn btn-secondary btn-big", onclick: () => window.print() }, icon("print"), dual("print"));
  const done = h("button", { type: "button", class: "btn btn-primary btn-big", onclick: () => app.finish() }, icon("check-white"), dual("done"));

  speak(tIn("zh", "speakRedeemed", showAmount(receipt.total), showAmount(receipt.balanceAfter)));

  const root = h(
    "div",
    { class: "screen screen-receipt" },
    topBar({ left: [shopTitle(app)], right: [langButton(app)] }),
    h(
      "main",
      { class: "receipt-main" },
      h("div", { class: "success", role: "status" }, icon("check-circle", "success-icon"), h("h1", { class: "title-xl" }, dual("successTitle"))),
      card,
      h(
        "div",
        { class: "receipt-side" },
        totals,
        h("p", { class: "thanks", text: t("thanks") }),
        countdown,
        h("div", { class: "receipt-actions" }, print, done),
      ),
    ),
  );

  return {
    root,
    leave() {
      clearInterval(timer);
      printArea.replaceChildren();
    },
  };
}
