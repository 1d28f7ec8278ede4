// Printing from the staff screens: what is printed goes into the page's
// print area (only it shows on paper), as an A4 sheet or a strip for the
// 58 mm receipt printer. The thank-you note for donors and the recovery
// code are laid out here, in the catalogue's Chinese (English only where a
// paper has always carried it), whatever the page's language.
import { h, replaceChildren } from "../dom.js";
import { dateOnly, dateTime, tIn, WORDS } from "../i18n.js";
import { showAmount } from "../amounts.js";

/** Puts `content` in the print area as `format` ("a4" or "roll"). */
export function setPrint(app, format, label, content) {
  replaceChildren(
    app.elements.printArea,
    h("section", { class: `print-doc print-${format}`, "aria-label": label }, content),
  );
}

export function clearPrint(app) {
  app.elements.printArea.replaceChildren();
}

/** Prints `content` now. */
export function printNow(app, format, label, content) {
  setPrint(app, format, label, content);
  window.print();
}

/** The catalogue's Chinese for `key`, as the papers print it. */
const zh = (key, ...figures) => tIn("zh", key, ...figures);

/** The catalogue's Chinese, then its English. */
const both = (key) => `${tIn("zh", key)} ${tIn("en", key)}`;

/** A donation's source type in Chinese, as the restock screen names it. */
const sourceZh = (type) => (WORDS[`source_${type}`] ? zh(`source_${type}`) : type);

/**
 * The thank-you note (感谢单) for a donation: `note` { donor, sourceType,
 * lines: [{ nameZh, qty, unit }], declaredValue, time, staffName, seq }.
 */
export function thanksNote(app, note, format) {
  const info = app.info ?? {};
  const village = info.village ?? "";
  const shop = info.shop ?? "";
  const row = (label, value) => h("p", { class: "pr-row" }, h("span", { text: label }), h("span", { text: value }));
  const lines = note.lines.map((line) =>
    format === "a4"
      ? h("tr", {}, h("td", { text: line.nameZh }), h("td", { class: "num", text: `${line.qty} ${line.unit}` }))
      : h("p", { class: "pr-row" }, h("span", { text: line.nameZh }), h("span", { text: `${line.qty} ${line.unit}` })),
  );
  const place = shop.includes(village) ? shop : `${village}${shop}`;
  const thanks = zh("thanksText", note.donor, place);
  const value = note.declaredValue ? zh("yuan", showAmount(note.declaredValue)) : null;
  if (format === "a4") {
    return [
      // A title on paper is spaced out: 感 谢 单.
      h("h1", { class: "pa-title", text: [...zh("thanksNote")].join(" ") }),
      h("p", { class: "pa-sub", text: `${village} · ${shop}` }),
      h("p", { class: "pa-text", text: thanks }),
      h(
        "table",
        { class: "pa-table" },
        h("thead", {}, h("tr", {}, h("th", { text: zh("thanksColGoods") }), h("th", { class: "num", text: zh("colQty") }))),
        h("tbody", {}, lines),
      ),
      value ? h("p", { class: "pa-text", text: `${zh("figure_declaredValue")}:${value}` }) : null,
      h("p", { class: "pa-text", text: `${zh("thanksSourceType")}:${sourceZh(note.sourceType)}` }),
      h("p", { class: "pa-text pa-right", text: zh("thanksClosing") }),
      h("p", { class: "pa-text pa-right", text: place }),
      h("p", { class: "pa-text pa-right", text: dateOnly(note.time) }),
      h("p", { class: "pa-small", text: `${zh("thanksHandledBy")}:${note.staffName} · ${zh("thanksEntry")} ${note.seq}` }),
    ];
  }
  return [
    h("p", { class: "pr-shop", text: shop }),
    h("p", { class: "pr-sub", text: both("thanksNote") }),
    h("hr", { class: "pr-rule" }),
    h("p", { class: "pr-name", text: thanks }),
    h("hr", { class: "pr-rule" }),
    lines,
    h("hr", { class: "pr-rule" }),
    value ? row(zh("figure_declaredValue"), value) : null,
    row(zh("reportColType"), sourceZh(note.sourceType)),
    row(zh("receiptTime"), dateTime(note.time)),
    row(zh("thanksHandledBy"), note.staffName),
    row(zh("thanksEntry"), String(note.seq)),
    h("hr", { class: "pr-rule" }),
    h("p", { class: "pr-foot", text: zh("thanksClosing") }),
  ];
}

/** The printed one-time recovery code. */
export function recoveryNote(app, code, format) {
  const info = app.info ?? {};
  const text = zh("recoveryNoteText");
  if (format === "a4") {
    return [
      h("h1", { class: "pa-title", text: zh("recoveryNote") }),
      h("p", { class: "pa-sub", text: `${info.village ?? ""} · ${info.shop ?? ""}` }),
      h("p", { class: "pa-text", text: `${zh("kioskIdLabel")}:${info.kioskId ?? ""}` }),
      h("p", { class: "pa-code", text: code }),
      h("p", { class: "pa-text", text }),
      h("p", { class: "pa-text", text: tIn("en", "recoveryNoteText") }),
      h("p", { class: "pa-small", text: zh("printedAt", dateTime(Date.now())) }),
    ];
  }
  return [
    h("p", { class: "pr-shop", text: info.shop ?? "" }),
    h("p", { class: "pr-sub", text: both("recoveryNote") }),
    h("hr", { class: "pr-rule" }),
    h("p", { class: "pr-code", text: code }),
    h("p", { class: "pr-name", text: `${zh("colKiosk")} ${info.kioskId ?? ""}` }),
    h("p", { class: "pr-foot", text }),
    h("p", { class: "pr-foot", text: dateTime(Date.now()) }),
  ];
}
