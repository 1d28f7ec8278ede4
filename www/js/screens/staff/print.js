// Cards and labels: household cards (code as text, QR and Code 128, ten to
// an A4 sheet) and shelf labels for goods, drawn by the core as SVG sheets,
// shown here as pictures and printed on A4.
import { h, replaceChildren } from "../../dom.js";
import { t } from "../../i18n.js";
import { notice } from "../common.js";
import { staffFrame, choiceGroup, actionButton, messageSlot, runAction } from "../../staff/ui.js";
import { setPrint, clearPrint } from "../../staff/print.js";
import { printingAvailable } from "./home.js";

export function staffPrintScreen(app, options = {}) {
  const state = options.keep ?? { kind: app.staffCan("clerk") ? "cards" : "labels", group: "all", sheets: null };
  const available = printingAvailable(app);
  const slot = messageSlot();
  const sheetsBox = h("div", { class: "sheets", role: "region", "aria-labelledby": "sheets-title", tabindex: "0" });
  let urls = [];

  function release() {
    for (const url of urls) URL.revokeObjectURL(url);
    urls = [];
  }

  function showSheets() {
    release();
    if (!state.sheets) {
      replaceChildren(sheetsBox, h("p", { class: "hint", text: t("sheetsNone") }));
      return;
    }
    urls = state.sheets.map((svg) => URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" })));
    const name = (index) => t(state.kind === "cards" ? "cardSheet" : "labelSheet", index + 1, urls.length);
    replaceChildren(
      sheetsBox,
      urls.map((url, index) => h("figure", { class: "sheet" }, h("img", { class: "sheet-img", src: url, alt: name(index) }), h("figcaption", { text: name(index) }))),
    );
    setPrint(
      app,
      "sheets",
      t(state.kind === "cards" ? "menuCards" : "menuLabels"),
      urls.map((url, index) => h("img", { class: "print-sheet", src: url, alt: name(index) })),
    );
  }

  let households = [];
  try {
    households = app.kiosk.households();
  } catch {
    households = [];
  }
  const groups = [...new Set(households.map((household) => household.group))];

  const make = actionButton({
    label: "makeSheets",
    iconName: "card",
    primary: true,
    disabled: !available,
    onClick: async () => {
      const outcome = await runAction(app, {
        buttons: [make],
        slot,
        work: async () => {
          if (state.kind === "cards") {
            const codes = state.group === "all" ? undefined : households.filter((household) => household.group === state.group).map((household) => household.code);
            return app.staffRead("householdCards", codes ? { households: codes } : {});
          }
          return app.staffRead("shelfLabels", {});
        },
      });
      if (!outcome.ok) return;
      state.sheets = Array.from(outcome.result ?? []);
      showSheets();
      print.disabled = !state.sheets.length;
    },
  });
  const print = actionButton({
    label: "printSheets",
    iconName: "printer",
    disabled: !state.sheets?.length,
    onClick: () => {
      if (!state.sheets?.length) return;
      window.print();
    },
  });

  const kind = choiceGroup({
    name: "print-kind",
    legend: t("printWhat"),
    options: [
      { value: "cards", label: t("menuCards") },
      { value: "labels", label: t("menuLabels") },
    ],
    value: state.kind,
    onChange: (value) => {
      state.kind = value;
      state.sheets = null;
      app.go("staff-print", { keep: state });
    },
  });
  const group =
    state.kind === "cards" && groups.length > 1
      ? choiceGroup({
          name: "print-group",
          legend: t("groupFilter"),
          options: [{ value: "all", label: t("allGroups") }, ...groups.map((value) => ({ value, label: value }))],
          value: state.group,
          onChange: (value) => {
            state.group = value;
            state.sheets = null;
            showSheets();
            print.disabled = true;
          },
          className: "choices-inline",
        })
      : null;

  showSheets();
  const body = h(
    "div",
    { class: "staff-body" },
    available ? null : notice(t("printSoonHint"), "info", { role: "note", title: t("comingSoon") }),
    kind,
    group,
    h("p", { class: "field-hint", text: t(state.kind === "cards" ? "cardsHint" : "labelsHint") }),
    h("div", { class: "form-actions" }, make, print),
    slot,
    h("h2", { class: "section-title", id: "sheets-title", text: t("sheetsTitle") }),
    sheetsBox,
  );
  const root = staffFrame(app, { screen: "staff-print", title: t("menuPrint"), iconName: "card", body });
  return {
    root,
    keep: () => state,
    leave() {
      clearPrint(app);
      release();
    },
  };
}
