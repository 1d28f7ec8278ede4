// Printing from the staff screens: what is printed goes into the page's
// print area (only it shows on paper), as an A4 sheet or a strip for the
// 58 mm receipt printer. The thank-you note for donors and the recovery
// code are laid out here.
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

/** A donation's source type in Chinese, as the restock screen names it. */
const sourceZh = (type) => (WORDS[`source_${type}`] ? tIn("zh", `source_${type}`) : type);

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
  const thanks = `感谢${note.donor}向${place}捐赠以下物品。您的爱心将用于积分兑换,惠及全村群众。`;
  if (format === "a4") {
    return [
      h("h1", { class: "pa-title", text: "感 谢 单" }),
      h("p", { class: "pa-sub", text: `${village} · ${shop}` }),
      h("p", { class: "pa-text", text: thanks }),
      h(
        "table",
        { class: "pa-table" },
        h("thead", {}, h("tr", {}, h("th", { text: "物品" }), h("th", { class: "num", text: "数量" }))),
        h("tbody", {}, lines),
      ),
      note.declaredValue ? h("p", { class: "pa-text", text: `申报价值:${showAmount(note.declaredValue)} 元` }) : null,
      h("p", { class: "pa-text", text: `捐赠方类型:${sourceZh(note.sourceType)}` }),
      h("p", { class: "pa-text pa-right", text: "特此致谢!" }),
      h("p", { class: "pa-text pa-right", text: place }),
      h("p", { class: "pa-text pa-right", text: dateOnly(note.time) }),
      h("p", { class: "pa-small", text: `经办:${note.staffName} · 记录号 ${note.seq}` }),
    ];
  }
  return [
    h("p", { class: "pr-shop", text: shop }),
    h("p", { class: "pr-sub", text: "感谢单 Thank you" }),
    h("hr", { class: "pr-rule" }),
    h("p", { class: "pr-name", text: thanks }),
    h("hr", { class: "pr-rule" }),
    lines,
    h("hr", { class: "pr-rule" }),
    note.declaredValue ? row("申报价值", `${showAmount(note.declaredValue)} 元`) : null,
    row("类型", sourceZh(note.sourceType)),
    row("时间", dateTime(note.time)),
    row("经办", note.staffName),
    row("记录号", String(note.seq)),
    h("hr", { class: "pr-rule" }),
    h("p", { class: "pr-foot", text: "特此致谢!" }),
  ];
}

/** The printed one-time recovery code. */
export function recoveryNote(app, code, format) {
  const info = app.info ?? {};
  const text = "管理员忘记密码时,用这个恢复码设置新密码。只能用一次,用过后请马上生成新的恢复码。请锁好保管,不要给别人看。";
  if (format === "a4") {
    return [
      h("h1", { class: "pa-title", text: "终端恢复码" }),
      h("p", { class: "pa-sub", text: `${info.village ?? ""} · ${info.shop ?? ""}` }),
      h("p", { class: "pa-text", text: `终端编号:${info.kioskId ?? ""}` }),
      h("p", { class: "pa-code", text: code }),
      h("p", { class: "pa-text", text }),
      h("p", { class: "pa-text", text: "Recovery code for a forgotten admin PIN. One use only. Keep it locked away." }),
      h("p", { class: "pa-small", text: `打印时间 ${dateTime(Date.now())}` }),
    ];
  }
  return [
    h("p", { class: "pr-shop", text: info.shop ?? "" }),
    h("p", { class: "pr-sub", text: "终端恢复码 Recovery code" }),
    h("hr", { class: "pr-rule" }),
    h("p", { class: "pr-code", text: code }),
    h("p", { class: "pr-name", text: `终端 ${info.kioskId ?? ""}` }),
    h("p", { class: "pr-foot", text }),
    h("p", { class: "pr-foot", text: dateTime(Date.now()) }),
  ];
}
