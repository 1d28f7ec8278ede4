// One household: its facts, and what the staff member's role may do with
// it — unlock, set the PIN, assisted redemption (shopkeeper); edit,
// suspend, reinstate, moved away (clerk); its members, split and merge
// (./members.js).
import { h } from "../../dom.js";
import { t } from "../../i18n.js";
import { notice } from "../common.js";
import { staffFrame, actionButton, messageSlot, runAction, showMessage, statusName } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";
import { assistHousehold } from "./households.js";
import { membersSections } from "./members.js";

export function staffHouseholdScreen(app, options = {}) {
  const state = options.keep ?? { code: options.code, unlockRequest: null, message: options.message ?? null };
  let household = null;
  try {
    household = app.kiosk.household(state.code);
  } catch {
    household = null;
  }
  if (!household) {
    queueMicrotask(() => app.go("staff-households", { purpose: "manage" }));
    return { root: h("div", { class: "screen" }) };
  }
  const slot = messageSlot();
  if (state.message) showMessage(slot, t(state.message), "ok");

  const fact = (label, value) => h("div", { class: "fact" }, h("dt", { text: label }), h("dd", { text: value }));
  const facts = h(
    "dl",
    { class: "facts" },
    fact(t("codeLabel"), household.code),
    fact(t("nameLabel"), household.name),
    fact(t("colGroup"), household.group),
    fact(t("kindLabel"), t(`kind_${household.kind}`)),
    fact(t("colBalance"), t("points", household.balance)),
    fact(t("earnedLabel"), t("points", household.earned)),
    fact(t("colStatus"), statusName(household.status)),
    fact(t("pinLabel"), t(household.hasPin ? "pinIsSet" : "pinNotSet")),
    household.blacklisted ? fact(t("blacklistLabel"), t("blacklisted")) : null,
  );

  const actions = [];
  if (app.staffCan("shopkeeper")) {
    const assist = actionButton({
      label: "assistStart",
      args: [household.code],
      iconName: "assist",
      primary: true,
      disabled: household.status !== "active",
      onClick: () => assistHousehold(app, household.code, slot, [assist]),
    });
    const unlock = actionButton({
      label: "unlock",
      iconName: "unlock",
      onClick: async () => {
        state.unlockRequest ??= newRequestId();
        const outcome = await runAction(app, {
          buttons: [unlock],
          slot,
          work: () => app.staffCall("unlockHousehold", { household: household.code, requestId: state.unlockRequest }),
        });
        if (outcome.ok) {
          state.unlockRequest = null;
          showMessage(slot, t("unlocked", household.code), "ok");
        }
      },
    });
    const pin = actionButton({
      label: household.hasPin ? "resetPin" : "setPin",
      iconName: "key",
      onClick: () => app.go("staff-pin", { target: { kind: "household", code: household.code, name: household.name } }),
    });
    actions.push(assist, unlock, pin);
  }
  if (app.staffCan("clerk")) {
    actions.push(
      actionButton({ label: "editHousehold", iconName: "pencil", onClick: () => app.go("staff-household-form", { mode: "edit", code: household.code }) }),
    );
    if (household.status === "active") {
      actions.push(actionButton({ label: "suspend", iconName: "pause", onClick: () => app.go("staff-status", { code: household.code, status: "suspended" }) }));
    } else {
      actions.push(actionButton({ label: "reinstate", iconName: "play", onClick: () => app.go("staff-status", { code: household.code, status: "active" }) }));
    }
    if (household.status !== "moved_away") {
      actions.push(actionButton({ label: "movedAway", iconName: "moved", onClick: () => app.go("staff-status", { code: household.code, status: "moved_away" }) }));
    }
  }

  const reopen = (message) => app.go("staff-household", { code: household.code, message });
  const body = h(
    "div",
    { class: "staff-body" },
    household.status !== "active" ? notice(app.errorText({ code: household.status === "suspended" ? "SUSPENDED" : "MOVED_AWAY" }), "info", { role: "note" }) : null,
    facts,
    slot,
    h("div", { class: "action-grid" }, actions),
    membersSections(app, household, state, reopen),
  );
  const root = staffFrame(app, {
    screen: "staff-household",
    title: `${household.code} ${household.name}`,
    iconName: "house",
    back: null,
    onBack: () => app.go("staff-households", { purpose: "manage" }),
    body,
  });
  return {
    root,
    keep: () => ({ ...state, message: null }),
  };
}

