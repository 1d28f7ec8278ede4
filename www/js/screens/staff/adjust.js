// Correct one item's stock with a reason: breakage (破损), expiry (过期) or
// a count (盘点). Pick the item (or scan it), set the change, apply.
import { h, replaceChildren } from "../../dom.js";
import { t, tIn } from "../../i18n.js";
import { padInput } from "../../staff/pad.js";
import { staffFrame, field, textInput, choiceGroup, actionButton, messageSlot, runAction, showMessage, itemName } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";

const REASONS = ["breakage", "expiry", "count"];
const DELTA_MAX = 10_000;

export function staffAdjustScreen(app, options = {}) {
  const state = options.keep ?? { sku: null, query: "", delta: 0, reason: "breakage", note: "", requestId: null };
  let catalog = app.kiosk.catalog();
  const slot = messageSlot();
  const chosen = h("div", { class: "chosen" });
  const pickList = h("ul", { class: "pick-list", role: "list" });
  const changed = () => {
    state.requestId = null;
  };
  const item = () => catalog.find((candidate) => candidate.sku === state.sku) ?? null;

  const deltaInput = padInput({
    id: "adjust-delta",
    value: state.delta ? String(state.delta) : "",
    layout: "signed",
    maxLength: 5,
    title: t("adjustDelta"),
    onChange: (value) => {
      const delta = Number.parseInt(value, 10);
      state.delta = Number.isSafeInteger(delta) ? Math.max(-DELTA_MAX, Math.min(DELTA_MAX, delta)) : 0;
      changed();
      renderChosen();
    },
  });
  const step = (by) => {
    state.delta = Math.max(-DELTA_MAX, Math.min(DELTA_MAX, state.delta + by));
    changed();
    renderChosen();
  };

  function renderChosen() {
    const current = item();
    deltaInput.value = state.delta ? (state.delta > 0 ? `+${state.delta}` : String(state.delta)) : "0";
    if (!current) {
      replaceChildren(chosen, h("p", { class: "hint", text: t("adjustPickFirst") }));
      return;
    }
    replaceChildren(
      chosen,
      h("img", { class: "item-img", src: current.image || "img/goods/placeholder.svg", alt: "", "aria-hidden": "true", draggable: "false" }),
      h(
        "div",
        { class: "chosen-text" },
        h("p", { class: "item-name", text: itemName(current) }),
        h("p", { class: "chosen-stock", "aria-live": "polite", text: t("stockChange", current.stock, current.stock + state.delta, current.unit) }),
      ),
    );
  }

  function renderPick() {
    const query = state.query.trim().toLowerCase();
    const shown = catalog.filter((candidate) => !query || candidate.nameZh.includes(query) || candidate.nameEn.toLowerCase().includes(query) || candidate.barcode === query);
    replaceChildren(
      pickList,
      shown.map((candidate) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "pick-item",
              "aria-pressed": candidate.sku === state.sku ? "true" : "false",
              onclick: () => {
                state.sku = candidate.sku;
                state.delta = 0;
                changed();
                renderChosen();
                renderPick();
              },
            },
            h("img", { class: "pick-img", src: candidate.image || "img/goods/placeholder.svg", alt: "", "aria-hidden": "true", draggable: "false" }),
            h("span", { class: "pick-name", text: itemName(candidate) }),
            h("span", { class: "pick-stock", text: t("stockNow", candidate.stock, candidate.unit) }),
          ),
        ),
      ),
    );
  }

  const reason = choiceGroup({
    name: "adjust-reason",
    legend: t("reasonLabel"),
    options: REASONS.map((value) => ({ value, label: t(`reason_${value}`) })),
    value: state.reason,
    onChange: (value) => {
      state.reason = value;
      changed();
    },
  });
  const note = textInput({ id: "adjust-note", value: state.note, maxLength: 120, onInput: (value) => {
    state.note = value;
    changed();
  } });
  const search = textInput({ id: "adjust-search", value: state.query, label: t("searchGoods"), placeholder: t("searchGoods"), onInput: (value) => {
    state.query = value;
    renderPick();
  } });

  const apply = actionButton({
    label: "adjustApply",
    iconName: "check",
    primary: true,
    onClick: async () => {
      const current = item();
      if (!current) {
        showMessage(slot, t("adjustPickFirst"));
        return;
      }
      if (!state.delta) {
        showMessage(slot, t("adjustDeltaFirst"));
        return;
      }
      state.requestId ??= newRequestId();
      const word = tIn("zh", `reason_${state.reason}`);
      const text = state.note.trim() ? `${word}:${state.note.trim()}` : word;
      const before = current.stock;
      const outcome = await runAction(app, {
        buttons: [apply],
        slot,
        context: { itemName: (sku, language) => itemName(catalog.find((candidate) => candidate.sku === sku) ?? current, language) },
        work: () => app.staffCall("adjustStock", { sku: current.sku, delta: state.delta, reason: text, requestId: state.requestId }),
      });
      if (!outcome.ok) return;
      catalog = app.kiosk.catalog();
      app.refreshCatalog();
      const after = item();
      state.delta = 0;
      state.note = "";
      note.value = "";
      state.requestId = null;
      renderChosen();
      renderPick();
      showMessage(slot, t("adjusted", itemName(current), before, after?.stock ?? before), "ok");
    },
  });

  renderChosen();
  renderPick();

  const body = h(
    "div",
    { class: "two-pane" },
    h(
      "section",
      { class: "pane", "aria-labelledby": "adjust-item" },
      h("h2", { class: "section-title", id: "adjust-item", text: t("adjustItem") }),
      chosen,
      h(
        "div",
        { class: "field" },
        h("label", { class: "field-label", for: "adjust-delta", text: t("adjustDelta") }),
        h(
          "div",
          { class: "stepper stepper-big" },
          h("button", { type: "button", class: "step", "aria-label": t("adjustLess"), onclick: () => step(-1) }, "−"),
          deltaInput,
          h("button", { type: "button", class: "step", "aria-label": t("adjustMore"), onclick: () => step(1) }, "+"),
        ),
        h("p", { class: "field-hint", text: t("adjustDeltaHint") }),
      ),
      reason,
      field({ id: "adjust-note", label: t("noteLabel"), control: note, hint: t("optional") }),
      slot,
      h("div", { class: "form-actions" }, apply),
    ),
    h(
      "section",
      { class: "pane pane-pick", "aria-labelledby": "adjust-pick" },
      h("h2", { class: "section-title", id: "adjust-pick", text: t("pickGoods") }),
      search,
      h("div", { class: "pick-scroll" }, pickList),
    ),
  );
  const root = staffFrame(app, { screen: "staff-adjust", title: t("menuAdjust"), iconName: "adjust", body });
  return {
    root,
    keep: () => state,
    onScan(text) {
      const found = catalog.find((candidate) => candidate.barcode === text.trim());
      if (!found) {
        app.toast(t("scanUnknownBarcode", text.trim()), "warn");
        return;
      }
      state.sku = found.sku;
      state.delta = 0;
      changed();
      renderChosen();
      renderPick();
    },
  };
}
