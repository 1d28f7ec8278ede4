// A new PIN, typed twice on the number pad: a household's (the villager
// types it; the shopkeeper sets or resets it), a staff member's (admin), or
// the PIN of a staff member being added.
import { h } from "../../dom.js";
import { t } from "../../i18n.js";
import { staffFrame } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";
import { staffIcon } from "../../staff/icons.js";
import { pinTwice, keyboardForPin } from "../../staff/pintwice.js";

export function staffPinScreen(app, options = {}) {
  const state = options.keep ?? { target: options.target, entry: { first: null, pin: "", message: null }, requestId: null };
  const target = state.target;
  if (!target) {
    queueMicrotask(() => app.go("staff-home"));
    return { root: h("div", { class: "screen" }) };
  }
  const household = target.kind === "household";

  function back() {
    if (household) app.go("staff-household", { code: target.code });
    else app.go("staff-team", target.kind === "staff-new" ? { draft: target } : {});
  }

  async function save(pin) {
    state.requestId ??= newRequestId();
    const requestId = state.requestId;
    if (household) {
      await app.staffCall("setPin", { household: target.code, pin, requestId });
      app.go("staff-household", { code: target.code, message: "pinSaved" });
    } else if (target.kind === "staff") {
      await app.staffCall("setStaffPin", { staff: target.staff, pin, requestId });
      app.go("staff-team");
      app.toast(t("staffPinSaved", target.name), "ok");
    } else {
      await app.staffCall("addStaff", { staff: target.staff, name: target.name, role: target.role, pin, requestId });
      app.go("staff-team");
      app.toast(t("staffAdded", target.name), "ok");
    }
    state.requestId = null;
  }

  const who = h(
    "p",
    { class: "signin-who" },
    staffIcon(household ? "house" : "users"),
    h("span", { text: household ? t("householdLine", target.code, target.name) : t("staffLineNamed", target.staff, target.name) }),
  );
  const pad = pinTwice({
    app,
    state: state.entry,
    who,
    onBack: back,
    onPin: async (pin) => {
      try {
        await save(pin);
      } catch (error) {
        // A refusal that changed the input (a malformed PIN): a new attempt.
        if (error?.code === "INVALID_INPUT") state.requestId = null;
        throw error;
      }
    },
  });
  const unhook = keyboardForPin(pad);
  const body = h(
    "div",
    { class: "pin-layout" },
    household ? h("p", { class: "lead", text: t("pinForVillager") }) : null,
    h("div", { class: "signin-main signin-embedded" }, pad.side, pad.pad),
  );
  const root = staffFrame(app, {
    screen: "staff-pin",
    title: household ? t("pinTitleHousehold", target.code) : t("pinTitleStaff", target.name),
    iconName: "key",
    back: null,
    onBack: back,
    body,
  });
  return { root, keep: () => state, leave: unhook };
}
