// The catalogue: every item with its picture, price, stock and whether it is
// offered; change a price (receipts already made keep theirs), take an item
// off the shelves or back, and add new goods.
import { h, replaceChildren } from "../../dom.js";
import { t } from "../../i18n.js";
import { openPad } from "../../staff/pad.js";
import { staffFrame, textInput, actionButton, rowButton, messageSlot, runAction, showMessage, itemName } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";

export function staffCatalogScreen(app, options = {}) {
  const state = options.keep ?? { query: "" };
  const slot = messageSlot();
  const list = h("ul", { class: "item-list", role: "list" });
  let catalog = app.kiosk.catalog();

  async function reprice(item, button) {
    const name = itemName(item);
    const result = await openPad({
      title: t("newPriceFor", name),
      hint: t("priceNow", t("points", item.price)),
      value: "",
      layout: "decimal",
      maxLength: 7,
    });
    if (!result || !result.value || Number.isNaN(Number(result.value))) return;
    const outcome = await runAction(app, {
      buttons: [button],
      slot,
      work: () => app.staffCall("reprice", { sku: item.sku, price: result.value, requestId: newRequestId() }),
    });
    if (!outcome.ok) return;
    refresh();
    const fresh = catalog.find((candidate) => candidate.sku === item.sku);
    showMessage(slot, t("repriced", name, t("points", item.price), t("points", fresh?.price ?? result.value)), "ok");
  }

  async function toggle(item, button) {
    const outcome = await runAction(app, {
      buttons: [button],
      slot,
      work: () => app.staffCall("setItemActive", { sku: item.sku, active: !item.active, requestId: newRequestId() }),
    });
    if (!outcome.ok) return;
    refresh();
    showMessage(slot, t(item.active ? "deactivated" : "reactivated", itemName(item)), "ok");
  }

  function refresh() {
    catalog = app.kiosk.catalog();
    app.refreshCatalog();
    render();
  }

  function render() {
    const query = state.query.trim().toLowerCase();
    const shown = catalog.filter(
      (item) => !query || item.nameZh.toLowerCase().includes(query) || item.nameEn.toLowerCase().includes(query) || (item.barcode ?? "") === query || item.sku.includes(query),
    );
    replaceChildren(
      list,
      shown.length
        ? shown.map((item) => {
            const name = itemName(item);
            const priceButton = rowButton({ text: t("changePrice"), iconName: "tag", name: t("changePriceOf", name), onClick: () => reprice(item, priceButton) });
            const activeButton = rowButton({
              text: t(item.active ? "deactivate" : "reactivate"),
              iconName: item.active ? "pause" : "play",
              name: t(item.active ? "deactivateOf" : "reactivateOf", name),
              onClick: () => toggle(item, activeButton),
            });
            return h(
              "li",
              { class: item.active ? "item-row" : "item-row is-inactive" },
              h("img", { class: "item-img", src: item.image || "img/goods/placeholder.svg", alt: "", "aria-hidden": "true", draggable: "false" }),
              h(
                "div",
                { class: "item-text" },
                h("p", { class: "item-name", text: name }),
                h("p", { class: "item-meta", text: [item.category, item.unit, item.barcode].filter(Boolean).join(" · ") }),
              ),
              h("p", { class: "item-price", text: t("points", item.price) }),
              h("p", { class: "item-stock", text: t("stockNow", item.stock, item.unit) }),
              h("p", { class: item.active ? "item-state" : "item-state is-off", text: t(item.active ? "onShelf" : "offShelf") }),
              h("div", { class: "row-actions" }, priceButton, activeButton),
            );
          })
        : h("li", { class: "empty", text: t("noneFound") }),
    );
  }

  const search = textInput({
    id: "catalog-search",
    value: state.query,
    placeholder: t("searchGoods"),
    onInput: (value) => {
      state.query = value;
      render();
    },
  });
  render();

  const body = h(
    "div",
    { class: "staff-body" },
    h("p", { class: "field-hint", text: t("catalogHint") }),
    h("div", { class: "search-row" }, h("label", { class: "field-label", for: "catalog-search", text: t("searchGoods") }), search),
    slot,
    h("div", { class: "list-scroll", role: "region", "aria-labelledby": "staff-catalog-title", tabindex: "0" }, list),
  );
  const root = staffFrame(app, {
    screen: "staff-catalog",
    title: t("menuCatalog"),
    iconName: "tag",
    body,
    tools: [actionButton({ label: "addItem", iconName: "plus", primary: true, big: false, onClick: () => app.go("staff-item") })],
  });
  return {
    root,
    keep: () => state,
    onScan(text) {
      state.query = text.trim();
      search.value = state.query;
      render();
    },
  };
}
