// The shop: household and balance always in view, category tabs, goods as
// large picture tiles (price, stock, and why a tile is unavailable), the
// basket with its running total, and one big confirm button.
//
// A tile in the basket always looks chosen (a green frame and "已选 n"),
// also when no more of it can be taken; goods the points do not cover look
// quiet, not refused: a grey price and a short note. The goods the
// household can afford come first, in an order fixed at sign-in: tiles
// never move under a finger while the basket fills.
import { h, icon, replaceChildren } from "../dom.js";
import { t, dual, lang, WORDS } from "../i18n.js";
import { formatHundredths, hundredths } from "../amounts.js";
import { topBar, shopTitle, langButton, householdBadge, balanceLine } from "./common.js";

const LOW_STOCK = 5;

function categoryName(category) {
  if (category === "all") return t("allCategories");
  return Object.hasOwn(WORDS, `category_${category}`) ? t(`category_${category}`) : category;
}

function itemName(item) {
  return lang() === "zh" || !item.nameEn ? item.nameZh : item.nameEn;
}

const BLOCKED_WORD = { points: "notEnoughPoints", stock: "outOfStock", all: "allInBasket", max: "maxQty", lines: "basketFull" };

/**
 * The goods' order for this signed-in visit: in stock and within the
 * balance at sign-in first, then the rest, each in catalogue order. Made
 * once per session and kept, so a basket that fills (or a language switch,
 * or a look at the confirm screen) never moves a tile.
 */
function visitOrder(app, household) {
  if (app.shopOrder?.session !== app.session) {
    let balance = 0n;
    try {
      balance = hundredths(household.balance);
    } catch {
      balance = 0n;
    }
    const affordable = (item) => item.stock > 0 && hundredths(item.price) <= balance;
    const first = app.catalog.filter(affordable);
    const rest = app.catalog.filter((item) => !affordable(item));
    app.shopOrder = { session: app.session, skus: [...first, ...rest].map((item) => item.sku) };
  }
  const place = new Map(app.shopOrder.skus.map((sku, index) => [sku, index]));
  // Goods added by staff since sign-in go last.
  return (item) => place.get(item.sku) ?? place.size;
}

export function shopScreen(app, options = {}) {
  app.refreshCatalog();
  // Drop what is no longer offered; keep quantities within stock.
  for (const [sku, qty] of [...app.basket]) {
    const item = app.item(sku);
    if (!item || item.stock <= 0) app.basket.delete(sku);
    else if (qty > item.stock) app.basket.set(sku, item.stock);
  }
  const household = app.household();
  if (!household) {
    queueMicrotask(() => app.sessionExpired());
    return { root: h("div", { class: "screen" }) };
  }
  const order = visitOrder(app, household);

  // ----- top bar ----------------------------------------------------------

  const balanceSlot = h("div", { class: "balance-slot" });
  const header = topBar({
    left: [shopTitle(app), householdBadge(household)],
    middle: [balanceSlot],
    right: [
      h("button", { type: "button", class: "btn btn-quiet", onclick: () => app.go("history") }, icon("list"), h("span", { text: t("myPoints") })),
      langButton(app),
      h("button", { type: "button", class: "btn btn-quiet btn-signout", onclick: () => app.finish() }, icon("exit"), h("span", { text: t("signOut") })),
    ],
  });

  // ----- categories -------------------------------------------------------

  const categories = ["all", ...app.categories()];
  if (!categories.includes(app.category)) app.category = "all";
  const tabs = categories.map((category, index) =>
    h(
      "button",
      {
        type: "button",
        role: "tab",
        id: `cat-${index}`,
        class: "tab",
        "aria-controls": "goods-panel",
        onclick: () => {
          app.category = category;
          showCategory();
          goodsPanel.scrollTop = 0;
        },
      },
      categoryName(category),
    ),
  );
  const tabList = h("div", { class: "cats", role: "tablist", "aria-label": t("categories"), "aria-orientation": "vertical" }, tabs);

  // ----- goods --------------------------------------------------------------

  const tileList = h("ul", { class: "tiles", role: "list" });
  const goodsPanel = h("section", { class: "goods", id: "goods-panel", role: "tabpanel" }, tileList);
  const tiles = new Map();

  function tileContent(item) {
    const reason = app.whyNot(item);
    const inBasket = app.basket.get(item.sku) ?? 0;
    const blocked = reason !== null;
    const stockText =
      item.stock <= LOW_STOCK ? t("stockLow", item.stock, item.unit) : t("stockLeft", item.stock, item.unit);
    // Out of stock is the one hard "no"; everything else is a quiet note.
    const whyIcon = reason === "stock" ? "blocked" : "info";
    return [
      inBasket > 0 ? h("span", { class: "tile-count" }, icon("check-white", "tile-count-icon"), h("span", { text: t("inBasket", inBasket) })) : null,
      h("img", {
        class: "tile-img",
        src: item.image || "img/goods/placeholder.svg",
        alt: "",
        "aria-hidden": "true",
        draggable: "false",
      }),
      h("span", { class: "tile-name", text: itemName(item) }),
      h("span", { class: "tile-price", text: t("points", item.price) }),
      blocked
        ? h("span", { class: "tile-why" }, icon(whyIcon, "tile-why-icon"), h("span", { text: t(BLOCKED_WORD[reason], app.limits.quantityMax) }))
        : h("span", { class: item.stock <= LOW_STOCK ? "tile-stock low" : "tile-stock", text: stockText }),
    ];
  }

  function updateTile(item) {
    const button = tiles.get(item.sku);
    if (!button) return;
    const reason = app.whyNot(item);
    button.classList.toggle("is-blocked", reason !== null);
    button.classList.toggle("is-chosen", (app.basket.get(item.sku) ?? 0) > 0);
    button.dataset.why = reason ?? "";
    replaceChildren(button, tileContent(item));
  }

  function showCategory() {
    tabs.forEach((tab, index) => {
      const selected = categories[index] === app.category;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      if (selected) goodsPanel.setAttribute("aria-labelledby", tab.id);
    });
    tiles.clear();
    const shown = app.catalog
      .filter((item) => app.category === "all" || item.category === app.category)
      .sort((a, b) => order(a) - order(b));
    replaceChildren(
      tileList,
      shown.map((item) => {
        const button = h("button", {
          type: "button",
          class: "tile",
          onclick: () => {
            app.add(item.sku);
          },
        });
        tiles.set(item.sku, button);
        updateTile(item);
        return h("li", { class: "tile-cell" }, button);
      }),
    );
  }

  // Arrow keys move between tabs, as a tab list should.
  tabList.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(document.activeElement);
    if (index < 0) return;
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const nextTab = tabs[(index + step + tabs.length) % tabs.length];
    nextTab.focus();
    nextTab.click();
  });

  // ----- basket ---------------------------------------------------------------

  const basketList = h("ul", { class: "basket-lines", role: "list" });
  const basketTotals = h("div", { class: "basket-totals" });
  const basket = h(
    "aside",
    { class: "basket", "aria-labelledby": "basket-title" },
    h("h2", { class: "basket-title", id: "basket-title" }, icon("basket"), h("span", { text: t("basket") })),
    basketList,
    basketTotals,
  );

  function renderBasket() {
    const scroll = basketList.scrollTop;
    const lines = app.basketLines();
    if (!lines.length) {
      replaceChildren(basketList, h("li", { class: "basket-empty", text: t("basketEmpty") }));
    } else {
      replaceChildren(
        basketList,
        lines.map(({ item, qty, total }) => {
          const name = itemName(item);
          const blocked = app.whyNot(item) !== null;
          return h(
            "li",
            { class: "bline" },
            h("span", { class: "bline-name", text: name }),
            h(
              "span",
              { class: "bline-qty", role: "group", "aria-label": t("qtyOf", name) },
              h("button", { type: "button", class: "step", "aria-label": t("fewer", name), onclick: () => app.remove(item.sku) }, "−"),
              h("span", { class: "bline-count", text: String(qty) }),
              h(
                "button",
                {
                  type: "button",
                  class: blocked ? "step is-blocked" : "step",
                  "aria-label": t("more", name),
                  onclick: () => app.add(item.sku),
                },
                "+",
              ),
            ),
            h("span", { class: "bline-total", text: t("points", formatHundredths(total)) }),
          );
        }),
      );
    }
    basketList.scrollTop = scroll;
    const totals = app.totals();
    replaceChildren(
      basketTotals,
      h("p", { class: "basket-total" }, h("span", { text: t("total") }), h("strong", { text: t("points", formatHundredths(totals.total)) })),
      h("p", { class: "basket-after" }, h("span", { text: t("balanceAfter") }), h("strong", { text: t("points", formatHundredths(totals.after)) })),
    );
  }

  // ----- confirm --------------------------------------------------------------

  const confirm = h("button", {
    type: "button",
    class: "btn btn-primary btn-confirm",
    onclick: () => {
      if (app.basket.size === 0) return;
      app.go("confirm");
    },
  });

  function renderConfirm() {
    const totals = app.totals();
    const empty = app.basket.size === 0;
    confirm.disabled = empty || Boolean(app.readOnly());
    if (empty) {
      replaceChildren(confirm, dual("pickFirst"));
    } else {
      replaceChildren(confirm, icon("check-white"), dual("confirmWithTotal", formatHundredths(totals.total)));
    }
  }

  // ----- update -----------------------------------------------------------

  function update() {
    const totals = app.totals();
    replaceChildren(balanceSlot, balanceLine(totals));
    for (const item of app.catalog) updateTile(item);
    renderBasket();
    renderConfirm();
  }

  showCategory();
  update();

  const root = h(
    "div",
    { class: "screen screen-shop" },
    header,
    h(
      "main",
      { class: "shop-main" },
      h("h1", { class: "sr-only", text: t("shopTitle") }),
      tabList,
      goodsPanel,
      basket,
      h("div", { class: "confirm-bar" }, confirm),
    ),
  );

  if (options.keep) {
    requestAnimationFrame(() => {
      goodsPanel.scrollTop = options.keep.goodsScroll ?? 0;
    });
  }

  return {
    root,
    update,
    keep: () => ({ goodsScroll: goodsPanel.scrollTop }),
  };
}
