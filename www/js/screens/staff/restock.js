// Goods in from a donation (捐赠入库): the donor, the kind of source, the
// date, lines of goods picked from the catalogue (+/−, a typed quantity,
// or a scanned barcode) and an optional declared value. Then a thank-you
// note (感谢单) for the donor, on A4 or the 58 mm printer.
import { h, replaceChildren } from "../../dom.js";
import { t, tIn, lang, dateOnly } from "../../i18n.js";
import { notice } from "../common.js";
import { padInput } from "../../staff/pad.js";
import { staffFrame, field, textInput, choiceGroup, actionButton, messageSlot, runAction, showMessage, itemName } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";
import { staffIcon } from "../../staff/icons.js";
import { setPrint, clearPrint, thanksNote } from "../../staff/print.js";

export const SOURCE_TYPES = ["organisation", "company", "individual", "welfare_fund", "government"];

export function staffRestockScreen(app, options = {}) {
  // The most one line may move: the core's limit.
  const qtyMax = app.limits.stockMoveMax;
  const state = options.keep ?? {
    donor: "",
    sourceType: "organisation",
    declared: "",
    lines: [],
    query: "",
    requestId: null,
    done: null,
  };
  const catalog = app.kiosk.catalog();
  const bySku = new Map(catalog.map((item) => [item.sku, item]));
  const changed = () => {
    state.requestId = null;
  };

  if (state.done) return doneView(app, state);

  const slot = messageSlot();
  const linesBody = h("tbody");
  const linesCount = h("p", { class: "field-hint", "aria-live": "polite" });
  const pickList = h("ul", { class: "pick-list", role: "list" });

  function addSku(sku, qty = 1) {
    const line = state.lines.find((candidate) => candidate.sku === sku);
    if (line) line.qty = Math.min(qtyMax, line.qty + qty);
    else state.lines.push({ sku, qty: Math.min(qtyMax, qty) });
    changed();
    renderLines();
  }

  function renderLines() {
    linesCount.textContent = t("restockLineCount", state.lines.length, state.lines.reduce((sum, line) => sum + line.qty, 0));
    if (!state.lines.length) {
      replaceChildren(linesBody, h("tr", {}, h("td", { colspan: "3", class: "empty", text: t("restockEmpty") })));
      return;
    }
    replaceChildren(
      linesBody,
      state.lines.map((line, index) => {
        const item = bySku.get(line.sku);
        const name = item ? itemName(item) : line.sku;
        const qtyInput = padInput({
          id: `restock-qty-${index}`,
          value: String(line.qty),
          layout: "integer",
          maxLength: String(qtyMax).length,
          title: t("qtyOf", name),
          label: t("qtyOf", name),
          onChange: (value) => {
            const qty = Number.parseInt(value, 10);
            if (Number.isSafeInteger(qty) && qty >= 1) line.qty = Math.min(qtyMax, qty);
            changed();
            renderLines();
          },
        });
        qtyInput.classList.add("input-qty");
        return h(
          "tr",
          {},
          h("th", { scope: "row", class: "line-name" }, name, item ? h("span", { class: "line-unit", text: ` (${t("stockNow", item.stock, item.unit)})` }) : null),
          h(
            "td",
            {},
            h(
              "div",
              { class: "stepper", role: "group", "aria-label": t("qtyOf", name) },
              h("button", { type: "button", class: "step", "aria-label": t("fewer", name), onclick: () => {
                if (line.qty <= 1) state.lines.splice(state.lines.indexOf(line), 1);
                else line.qty -= 1;
                changed();
                renderLines();
              } }, "−"),
              qtyInput,
              h("button", { type: "button", class: "step", "aria-label": t("more", name), onclick: () => addSku(line.sku) }, "+"),
            ),
          ),
          h(
            "td",
            {},
            h("button", { type: "button", class: "btn btn-row", "aria-label": t("removeLine", name), onclick: () => {
              state.lines.splice(state.lines.indexOf(line), 1);
              changed();
              renderLines();
            } }, h("span", { text: t("remove") })),
          ),
        );
      }),
    );
  }

  function renderPick() {
    const query = state.query.trim().toLowerCase();
    const shown = catalog.filter(
      (item) => !query || item.nameZh.toLowerCase().includes(query) || item.nameEn.toLowerCase().includes(query) || (item.barcode ?? "").includes(query) || item.sku.includes(query),
    );
    replaceChildren(
      pickList,
      shown.length
        ? shown.map((item) =>
            h(
              "li",
              {},
              h(
                "button",
                { type: "button", class: item.active ? "pick-item" : "pick-item is-inactive", onclick: () => addSku(item.sku) },
                h("img", { class: "pick-img", src: item.image || "img/goods/placeholder.svg", alt: "", "aria-hidden": "true", draggable: "false" }),
                h("span", { class: "pick-name", text: itemName(item) }),
                h("span", { class: item.stock === 0 ? "pick-stock is-zero" : "pick-stock", text: item.stock === 0 ? t("outOfStock") : t("stockNow", item.stock, item.unit) }),
                staffIcon("plus", "pick-plus"),
              ),
            ),
          )
        : h("li", { class: "empty", text: t("noneFound") }),
    );
  }

  const donor = textInput({ id: "restock-donor", value: state.donor, maxLength: app.limits.nameLengthMax, onInput: (value) => {
    state.donor = value;
    changed();
  } });
  const source = choiceGroup({
    name: "restock-source",
    legend: t("sourceTypeLabel"),
    options: SOURCE_TYPES.map((value) => ({ value, label: t(`source_${value}`) })),
    value: state.sourceType,
    onChange: (value) => {
      state.sourceType = value;
      changed();
    },
  });
  const declared = padInput({
    id: "restock-value",
    value: state.declared,
    layout: "decimal",
    maxLength: 9,
    title: t("declaredValueLabel"),
    onChange: (value) => {
      state.declared = value;
      changed();
    },
  });
  const search = textInput({ id: "restock-search", value: state.query, label: t("searchGoods"), placeholder: t("searchGoods"), onInput: (value) => {
    state.query = value;
    renderPick();
  } });

  const save = actionButton({
    label: "restockSave",
    iconName: "check",
    primary: true,
    onClick: async () => {
      if (!state.donor.trim()) {
        showMessage(slot, t("donorFirst"));
        donor.focus();
        return;
      }
      if (!state.lines.length) {
        showMessage(slot, t("restockEmpty"));
        return;
      }
      state.requestId ??= newRequestId();
      const input = {
        donor: state.donor.trim(),
        sourceType: state.sourceType,
        lines: state.lines.map((line) => ({ sku: line.sku, qty: line.qty })),
        requestId: state.requestId,
      };
      if (state.declared.trim()) input.declaredValue = state.declared.trim();
      const outcome = await runAction(app, { buttons: [save], slot, busy: "saving", work: () => app.staffCall("restock", input) });
      if (!outcome.ok) return;
      state.done = {
        donor: input.donor,
        sourceType: input.sourceType,
        declaredValue: input.declaredValue ?? null,
        lines: state.lines.map((line) => {
          const item = bySku.get(line.sku);
          return { nameZh: item?.nameZh ?? line.sku, nameEn: item?.nameEn ?? "", qty: line.qty, unit: item?.unit ?? "" };
        }),
        time: Date.now(),
        staffName: app.staff?.name ?? "",
        seq: outcome.result?.seqs?.[0] ?? "",
        repeated: Boolean(outcome.result?.repeated),
      };
      app.refreshCatalog();
      app.go("staff-restock", { keep: state });
    },
  });

  renderLines();
  renderPick();

  const body = h(
    "div",
    { class: "two-pane" },
    h(
      "section",
      { class: "pane", "aria-labelledby": "restock-donation" },
      h("h2", { class: "section-title", id: "restock-donation", text: t("donationTitle") }),
      h(
        "div",
        { class: "form-grid" },
        field({ id: "restock-donor", label: t("donorLabel"), control: donor, hint: t("donorHint") }),
        h("div", { class: "field" }, h("p", { class: "field-label", text: t("dateLabel") }), h("p", { class: "field-value", text: dateOnly(Date.now()) })),
      ),
      source,
      field({ id: "restock-value", label: t("declaredValueLabel"), control: declared, hint: t("declaredValueHint") }),
      h("h3", { class: "section-title", id: "restock-lines", text: t("restockLines") }),
      linesCount,
      h(
        "table",
        { class: "data-table lines-table", "aria-labelledby": "restock-lines" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("goods") }), h("th", { scope: "col", text: t("colQty") }), h("th", { scope: "col", text: t("colRemove") }))),
        linesBody,
      ),
      slot,
      h("div", { class: "form-actions" }, save),
    ),
    h(
      "section",
      { class: "pane pane-pick", "aria-labelledby": "restock-pick" },
      h("h2", { class: "section-title", id: "restock-pick", text: t("pickGoods") }),
      h("p", { class: "field-hint", text: t("pickGoodsHint") }),
      search,
      h("div", { class: "pick-scroll" }, pickList),
    ),
  );

  const root = staffFrame(app, { screen: "staff-restock", title: t("menuRestock"), iconName: "gift", body });
  return {
    root,
    keep: () => state,
    onScan(text) {
      const code = text.trim();
      const item = catalog.find((candidate) => candidate.barcode === code);
      if (!item) {
        app.toast(t("scanUnknownBarcode", code), "warn");
        return;
      }
      addSku(item.sku);
      app.toast(t("added", itemName(item)), "ok", 2500);
    },
  };
}

function doneView(app, state) {
  const done = state.done;
  const label = tIn("zh", "thanksNote");
  setPrint(app, "a4", label, thanksNote(app, done, "a4"));
  const print = (format) => {
    setPrint(app, format, label, thanksNote(app, done, format));
    window.print();
  };
  const body = h(
    "div",
    { class: "staff-body" },
    notice(t("restockDone", done.donor), "ok", { role: "status", title: t("restockDoneTitle") }),
    h(
      "table",
      { class: "data-table" },
      h("caption", { class: "sr-only", text: t("restockLines") }),
      h("thead", {}, h("tr", {}, h("th", { scope: "col", text: t("goods") }), h("th", { scope: "col", class: "num", text: t("colQty") }))),
      h(
        "tbody",
        {},
        done.lines.map((line) => h("tr", {}, h("th", { scope: "row", text: lang() === "en" && line.nameEn ? line.nameEn : line.nameZh }), h("td", { class: "num", text: `${line.qty} ${line.unit}` }))),
      ),
    ),
    h(
      "div",
      { class: "form-actions" },
      actionButton({ label: "printThanksA4", iconName: "printer", onClick: () => print("a4") }),
      actionButton({ label: "printThanksRoll", iconName: "printer", onClick: () => print("roll") }),
      actionButton({
        label: "restockAnother",
        iconName: "gift",
        primary: true,
        onClick: () => app.go("staff-restock"),
      }),
    ),
  );
  const root = staffFrame(app, { screen: "staff-restock", title: t("menuRestock"), iconName: "gift", body });
  return {
    root,
    keep: () => state,
    leave: () => clearPrint(app),
  };
}

