// The households: a list to search by code or name (or pick a group, or
// scan a household card). For "manage", a household opens its page; for
// "assist", the shopkeeper picks one and signs it in for the villager.
import { h, replaceChildren } from "../../dom.js";
import { t } from "../../i18n.js";
import { showAmount } from "../../amounts.js";
import { notice } from "../common.js";
import { staffFrame, textInput, choiceGroup, actionButton, messageSlot, runAction, statusName, normalCode } from "../../staff/ui.js";
import { openPad } from "../../staff/pad.js";
import { staffIcon } from "../../staff/icons.js";

const SHOWN_MAX = 200;

/** Households matching `query` (code prefix or part of the name) and `group`. */
export function findHouseholds(households, query, group = "all") {
  const text = String(query ?? "").trim();
  const upper = text.toUpperCase();
  return households.filter(
    (household) =>
      (group === "all" || household.group === group) &&
      (!text || household.code.toUpperCase().includes(upper) || household.name.includes(text)),
  );
}

/** Signs `code` in for the villager (assisted) and continues into the shop. */
export async function assistHousehold(app, code, slot, buttons = []) {
  const outcome = await runAction(app, {
    buttons,
    slot,
    work: () => app.staffCall("assistedSignIn", { household: code }),
  });
  if (!outcome.ok) return;
  // The staff session ends here: when the villager is done, the kiosk is
  // back at home, never in a staff screen.
  app.staffSignOut();
  app.intent = "shop";
  app.signedIn(outcome.result);
}

export function staffHouseholdsScreen(app, options = {}) {
  const state = options.keep ?? { purpose: options.purpose ?? "manage", query: "", group: "all", picked: null };
  const assist = state.purpose === "assist";
  let households = [];
  try {
    households = app.kiosk.households();
  } catch {
    households = [];
  }
  const groups = [...new Set(households.map((household) => household.group))];

  const slot = messageSlot();
  const tbody = h("tbody");
  const count = h("p", { class: "field-hint", "aria-live": "polite" });
  const pickBar = h("div", { class: "pick-bar" });

  function open(code) {
    if (assist) {
      state.picked = code;
      renderPick();
      renderList();
    } else {
      app.go("staff-household", { code });
    }
  }

  function renderList() {
    const found = findHouseholds(households, state.query, state.group);
    const shown = found.slice(0, SHOWN_MAX);
    count.textContent = found.length > SHOWN_MAX ? t("shownOf", SHOWN_MAX, found.length) : t("foundCount", found.length);
    replaceChildren(
      tbody,
      shown.length
        ? shown.map((household) =>
            h(
              "tr",
              { class: state.picked === household.code ? "is-picked" : null },
              h(
                "td",
                {},
                h(
                  "button",
                  {
                    type: "button",
                    class: "btn btn-row btn-household",
                    "aria-pressed": assist ? (state.picked === household.code ? "true" : "false") : null,
                    onclick: () => open(household.code),
                  },
                  assist && state.picked === household.code ? staffIcon("check") : null,
                  h("span", { class: "hh-code", text: household.code }),
                  h("span", { class: "hh-name", text: household.name }),
                ),
              ),
              h("td", { text: household.group }),
              h("td", { class: "num", text: showAmount(household.balance) }),
              h("td", {}, h("span", { class: `status status-${household.status}`, text: statusName(household.status) }), household.kind === "unit" ? h("span", { class: "status", text: t("kind_unit") }) : null),
            ),
          )
        : h("tr", {}, h("td", { colspan: "4", class: "empty", text: t("noneFound") })),
    );
  }

  function renderPick() {
    if (!assist) return;
    const household = households.find((candidate) => candidate.code === state.picked);
    if (!household) {
      replaceChildren(pickBar, h("p", { class: "hint", text: t("assistPickHint") }));
      return;
    }
    const start = actionButton({
      label: "assistStart",
      args: [`${household.code} ${household.name}`],
      iconName: "assist",
      primary: true,
      onClick: () => assistHousehold(app, household.code, slot, [start]),
    });
    replaceChildren(pickBar, start);
  }

  const search = textInput({
    id: "household-search",
    value: state.query,
    placeholder: t("searchPlaceholder"),
    onInput: (value) => {
      state.query = value;
      renderList();
    },
  });
  const codePad = h(
    "button",
    {
      type: "button",
      class: "btn btn-secondary btn-row",
      onclick: async () => {
        const result = await openPad({ title: t("codeLabel"), value: state.query, layout: "alnum" });
        if (!result) return;
        state.query = result.value;
        search.value = result.value;
        renderList();
      },
    },
    staffIcon("search"),
    h("span", { text: t("typeCode") }),
  );
  const groupChoice = groups.length > 1
    ? choiceGroup({
        name: "household-group",
        legend: t("groupFilter"),
        options: [{ value: "all", label: t("allGroups") }, ...groups.map((group) => ({ value: group, label: group }))],
        value: state.group,
        onChange: (value) => {
          state.group = value;
          renderList();
        },
        className: "choices-inline",
      })
    : null;

  renderList();
  renderPick();

  const tools = !assist && app.staffCan("clerk")
    ? [actionButton({ label: "menuRegister", iconName: "houseAdd", big: false, onClick: () => app.go("staff-household-form", { mode: "new" }) })]
    : [];

  const body = h(
    "div",
    { class: "staff-body" },
    assist ? notice(t("assistText"), "info", { role: "note" }) : null,
    h(
      "div",
      { class: "search-row" },
      h("label", { class: "field-label", for: "household-search", text: t("searchLabel") }),
      h("div", { class: "search-controls" }, search, codePad),
    ),
    groupChoice,
    count,
    h(
      "div",
      { class: "table-scroll", role: "region", "aria-labelledby": "staff-households-title", tabindex: "0" },
      h(
        "table",
        { class: "data-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col", text: t("colHousehold") }),
            h("th", { scope: "col", text: t("colGroup") }),
            h("th", { scope: "col", class: "num", text: t("colBalance") }),
            h("th", { scope: "col", text: t("colStatus") }),
          ),
        ),
        tbody,
      ),
    ),
    slot,
    assist ? pickBar : null,
  );

  const root = staffFrame(app, {
    screen: "staff-households",
    title: t(assist ? "menuAssist" : app.staffCan("clerk") ? "menuHouseholds" : "menuHouseholdPins"),
    iconName: assist ? "assist" : "house",
    body,
    tools,
  });
  return {
    root,
    keep: () => state,
    onScan(text) {
      const code = normalCode(text);
      const household = households.find((candidate) => candidate.code === code);
      if (!household) {
        app.toast(t("scanUnknown", text), "warn");
        return;
      }
      state.query = "";
      search.value = "";
      renderList();
      open(household.code);
    },
  };
}

