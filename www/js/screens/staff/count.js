// The stock count (盘点): every item with its book stock and a field for the
// counted quantity; differences show as they are typed; applied as one set
// of entries. Items left blank are not counted and stay as they are.
import { h, replaceChildren } from "../../dom.js";
import { t, tIn } from "../../i18n.js";
import { padInput } from "../../staff/pad.js";
import { staffFrame, field, textInput, actionButton, messageSlot, runAction, showMessage, itemName } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";

const STOCK_MAX = 100_000;

export function staffCountScreen(app, options = {}) {
  const state = options.keep ?? { counts: {}, reason: tIn("zh", "reason_count"), requestId: null };
  let catalog = app.kiosk.catalog();
  const slot = messageSlot();
  const summary = h("p", { class: "count-summary", "aria-live": "polite" });
  const diffs = new Map();
  const inputs = [];
  const changed = () => {
    state.requestId = null;
  };

  const counted = (sku) => {
    const text = state.counts[sku];
    if (text === undefined || text === "") return null;
    const value = Number.parseInt(text, 10);
    return Number.isSafeInteger(value) && value >= 0 && value <= STOCK_MAX ? value : null;
  };

  function renderDiff(item) {
    const cell = diffs.get(item.sku);
    const value = counted(item.sku);
    if (value === null) {
      replaceChildren(cell, h("span", { class: "diff diff-none", text: "—" }));
      return;
    }
    const delta = value - item.stock;
    const text = delta === 0 ? t("countSame") : delta > 0 ? `+${delta}` : `\u2212${-delta}`;
    replaceChildren(cell, h("span", { class: delta === 0 ? "diff diff-same" : delta > 0 ? "diff diff-up" : "diff diff-down", text }));
  }

  function renderSummary() {
    let countedItems = 0;
    let different = 0;
    for (const item of catalog) {
      const value = counted(item.sku);
      if (value === null) continue;
      countedItems += 1;
      if (value !== item.stock) different += 1;
    }
    summary.textContent = t("countSummary", countedItems, catalog.length, different);
  }

  const rows = catalog.map((item, index) => {
    const name = itemName(item);
    const input = padInput({
      id: `count-${index}`,
      value: state.counts[item.sku] ?? "",
      layout: "integer",
      maxLength: 6,
      title: t("countedOf", name),
      hint: t("bookStock", item.stock, item.unit),
      label: t("countedOf", name),
      next: true,
      onChange: (value, result) => {
        state.counts[item.sku] = value;
        changed();
        renderDiff(item);
        renderSummary();
        if (result?.next && inputs[index + 1]) {
          inputs[index + 1].scrollIntoView({ block: "center" });
          inputs[index + 1].focus();
          inputs[index + 1].click();
        }
      },
    });
    input.placeholder = String(item.stock);
    input.classList.add("input-qty");
    inputs.push(input);
    const diffCell = h("td", { class: "num" });
    diffs.set(item.sku, diffCell);
    return h(
      "tr",
      { class: item.active ? null : "is-inactive" },
      h("th", { scope: "row", class: "line-name" }, name, item.active ? null : h("span", { class: "line-unit", text: ` (${t("offShelf")})` })),
      h("td", { class: "num", text: `${item.stock} ${item.unit}` }),
      h("td", {}, input),
      diffCell,
    );
  });
  for (const item of catalog) renderDiff(item);
  renderSummary();

  const reason = textInput({ id: "count-reason", value: state.reason, maxLength: 120, onInput: (value) => {
    state.reason = value;
    changed();
  } });

  const apply = actionButton({
    label: "countApply",
    iconName: "check",
    primary: true,
    onClick: async () => {
      const counts = [];
      for (const item of catalog) {
        const value = counted(item.sku);
        if (value !== null) counts.push({ sku: item.sku, counted: value });
      }
      if (!counts.length) {
        showMessage(slot, t("countNothing"));
        return;
      }
      if (!state.reason.trim()) {
        showMessage(slot, t("reasonFirst"));
        return;
      }
      const different = counts.filter((line) => catalog.find((item) => item.sku === line.sku)?.stock !== line.counted).length;
      state.requestId ??= newRequestId();
      const outcome = await runAction(app, {
        buttons: [apply],
        slot,
        busy: "saving",
        context: { itemName: (sku, language) => itemName(catalog.find((item) => item.sku === sku) ?? { nameZh: sku, nameEn: sku }, language) },
        work: () => app.staffCall("stockCount", { counts, reason: state.reason.trim(), requestId: state.requestId }),
      });
      if (!outcome.ok) return;
      app.refreshCatalog();
      state.counts = {};
      state.requestId = null;
      app.go("staff-count", { keep: state, done: different });
    },
  });

  if (options.done !== undefined) showMessage(slot, t("countDone", options.done), "ok");

  const body = h(
    "div",
    { class: "staff-body" },
    h("p", { class: "field-hint", text: t("countHint") }),
    summary,
    h(
      "div",
      { class: "table-scroll", role: "region", "aria-labelledby": "staff-count-title", tabindex: "0" },
      h(
        "table",
        { class: "data-table count-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col", text: t("goods") }),
            h("th", { scope: "col", class: "num", text: t("colBook") }),
            h("th", { scope: "col", text: t("colCounted") }),
            h("th", { scope: "col", class: "num", text: t("colDiff") }),
          ),
        ),
        h("tbody", {}, rows),
      ),
    ),
    h("div", { class: "count-foot" }, field({ id: "count-reason", label: t("reasonLabel"), control: reason }), slot, apply),
  );
  const root = staffFrame(app, { screen: "staff-count", title: t("menuCount"), iconName: "clipboard", body });
  return {
    root,
    keep: () => state,
    onScan(text) {
      const index = catalog.findIndex((item) => item.barcode === text.trim());
      if (index < 0) {
        app.toast(t("scanUnknownBarcode", text.trim()), "warn");
        return;
      }
      inputs[index].scrollIntoView({ block: "center" });
      inputs[index].focus();
      inputs[index].click();
    },
  };
}
