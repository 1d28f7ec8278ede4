// Suspend, reinstate or mark a household moved away, always with a reason.
// A household that moves away keeps no balance: it is first settled by a
// correction entry of the opposite amount, with the reason, in the open.
import { h } from "../../dom.js";
import { t, tIn } from "../../i18n.js";
import { hundredths } from "../../amounts.js";
import { notice } from "../common.js";
import { staffFrame, field, textInput, actionButton, messageSlot, runAction, showMessage, negate } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";

const PRESETS = {
  suspended: ["reasonRules", "reasonCheck", "reasonOwnRequest"],
  active: ["reasonFixed", "reasonChecked"],
  moved_away: ["reasonMovedFamily", "reasonMovedRegister"],
};

export function staffStatusScreen(app, options = {}) {
  const state = options.keep ?? {
    code: options.code,
    status: options.status,
    reason: "",
    correctRequest: null,
    statusRequest: null,
    corrected: false,
  };
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
  const balance = hundredths(household.balance);
  const settle = state.status === "moved_away" && balance !== 0n && !state.corrected;
  const slot = messageSlot();

  const reasonInput = textInput({
    id: "status-reason",
    value: state.reason,
    maxLength: 180,
    onInput: (value) => {
      state.reason = value;
      state.statusRequest = null;
      if (!state.corrected) state.correctRequest = null;
    },
  });
  const presets = h(
    "div",
    { class: "preset-list", role: "group", "aria-label": t("commonReasons") },
    (PRESETS[state.status] ?? []).map((key) =>
      h(
        "button",
        {
          type: "button",
          class: "btn btn-row btn-preset",
          onclick: () => {
            // The record is kept in Chinese, whatever the screen's language.
            state.reason = tIn("zh", key);
            reasonInput.value = state.reason;
            state.statusRequest = null;
            if (!state.corrected) state.correctRequest = null;
          },
        },
        t(key),
      ),
    ),
  );

  const go = actionButton({
    label: `do_${state.status}`,
    iconName: "check",
    primary: true,
    onClick: async () => {
      const reason = state.reason.trim();
      if (!reason) {
        showMessage(slot, t("reasonFirst"));
        reasonInput.focus();
        return;
      }
      if (settle) {
        state.correctRequest ??= newRequestId();
        const corrected = await runAction(app, {
          buttons: [go],
          slot,
          work: () =>
            app.staffCall("correct", {
              household: household.code,
              amount: negate(household.balance),
              reason: `${tIn("zh", "settleReasonPrefix")}${reason}`.slice(0, 200),
              requestId: state.correctRequest,
            }),
        });
        if (!corrected.ok) return;
        state.corrected = true;
      }
      state.statusRequest ??= newRequestId();
      const outcome = await runAction(app, {
        buttons: [go],
        slot,
        work: () =>
          app.staffCall("setHouseholdStatus", {
            household: household.code,
            status: state.status,
            reason,
            requestId: state.statusRequest,
          }),
      });
      if (!outcome.ok) return;
      app.go("staff-household", { code: household.code, message: `statusDone_${state.status}` });
    },
  });

  const body = h(
    "div",
    { class: "staff-body" },
    h("p", { class: "lead", text: t(`statusText_${state.status}`, household.code, household.name) }),
    settle
      ? notice(t("settleText", t("points", household.balance), t("points", negate(household.balance))), "info", {
          role: "note",
          title: t("settleTitle"),
        })
      : null,
    field({ id: "status-reason", label: t("reasonLabel"), control: reasonInput, hint: t("reasonHint") }),
    presets,
    slot,
    h("div", { class: "form-actions" }, actionButton({ label: "back", onClick: () => app.go("staff-household", { code: household.code }) }), go),
  );
  const root = staffFrame(app, {
    screen: "staff-status",
    title: t(`statusTitle_${state.status}`, household.code),
    iconName: state.status === "moved_away" ? "moved" : state.status === "active" ? "play" : "pause",
    back: null,
    onBack: () => app.go("staff-household", { code: household.code }),
    body,
  });
  return { root, keep: () => state };
}
