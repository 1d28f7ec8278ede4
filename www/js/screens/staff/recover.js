// A forgotten admin PIN: the staff id and the printed one-time recovery
// code, then a new PIN typed twice. The code is spent; the admin should
// print a new one (village settings) after signing in.
import { h } from "../../dom.js";
import { t } from "../../i18n.js";
import { topBar, shopTitle, langButton, notice } from "../common.js";
import { padInput } from "../../staff/pad.js";
import { field, messageSlot, showMessage, actionButton, staffError } from "../../staff/ui.js";
import { pinTwice, keyboardForPin } from "../../staff/pintwice.js";
import { staffIcon } from "../../staff/icons.js";

export function staffRecoverScreen(app, options = {}) {
  const state = options.keep ?? {
    step: "code",
    staffId: options.staffId ?? "",
    code: "",
    pin: { first: null, pin: "", message: null },
    done: false,
  };
  const frame = (body) =>
    h(
      "div",
      { class: "screen screen-signin screen-staff-recover" },
      topBar({ left: [shopTitle(app)], middle: [h("p", { class: "topbar-title", text: t("recoverTitle") })], right: [langButton(app)] }),
      body,
    );
  const toSignIn = () => {
    app.staffSignIn = { step: state.staffId ? "pin" : "id", staffId: state.staffId, pin: "", message: null };
    app.go("staff-signin");
  };

  if (state.done) {
    const root = frame(
      h(
        "main",
        { class: "center-column" },
        h("h1", { class: "title-xl", text: t("recoverDoneTitle") }),
        notice(t("recoverDoneText"), "ok", { role: "status" }),
        actionButton({ label: "staffSignInTitle", iconName: "shield", primary: true, onClick: toSignIn }),
      ),
    );
    return { root, keep: () => state };
  }

  if (state.step === "code") {
    const slot = messageSlot();
    const idInput = padInput({
      id: "recover-staff",
      value: state.staffId,
      layout: "alnum",
      letterCase: "lower",
      title: t("staffIdLabel"),
      onChange: (value) => {
        state.staffId = value;
      },
    });
    const codeInput = padInput({
      id: "recover-code",
      value: state.code,
      layout: "integer",
      maxLength: app.limits.recoveryCodeLength,
      title: t("recoveryCodeLabel"),
      onChange: (value) => {
        state.code = value;
      },
    });
    const next = actionButton({
      label: "next",
      primary: true,
      onClick: () => {
        const digits = state.code.replace(/\D/g, "");
        if (!state.staffId || digits.length !== 12) {
          showMessage(slot, t("recoverFillBoth"));
          return;
        }
        state.step = "pin";
        app.go("staff-recover", { keep: state });
      },
    });
    const root = frame(
      h(
        "main",
        { class: "staff-main staff-narrow" },
        h("h1", { class: "staff-title" }, staffIcon("shield", "staff-title-icon"), h("span", { text: t("recoverTitle") })),
        h("p", { class: "lead", text: t("recoverText") }),
        h(
          "div",
          { class: "form-grid" },
          field({ id: "recover-staff", label: t("staffIdLabel"), control: idInput }),
          field({ id: "recover-code", label: t("recoveryCodeLabel"), control: codeInput, hint: t("recoveryCodeHint") }),
        ),
        slot,
        h("div", { class: "form-actions" }, actionButton({ label: "back", onClick: toSignIn }), next),
      ),
    );
    return { root, keep: () => state };
  }

  const pad = pinTwice({
    app,
    state: state.pin,
    who: h("p", { class: "signin-who" }, staffIcon("shield"), h("span", { text: t("staffLine", state.staffId) })),
    onBack: () => {
      state.step = "code";
      app.go("staff-recover", { keep: state });
    },
    onPin: async (pin) => {
      const code = state.code.replace(/\D/g, "");
      const grouped = `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
      try {
        await app.kiosk.recover({ code: grouped, staff: state.staffId, pin, now: Date.now() });
      } catch (error) {
        // A wrong code or id: back to the first step, saying why.
        state.step = "code";
        state.pin = { first: null, pin: "", message: null };
        app.go("staff-recover", { keep: state });
        queueMicrotask(() => {
          const slot = app.view?.root?.querySelector(".message-slot");
          if (slot) showMessage(slot, staffError(app, error, { recover: true }));
        });
        throw Object.assign(new Error("shown"), { handled: true });
      }
      state.done = true;
      app.go("staff-recover", { keep: state });
    },
  });
  const unhook = keyboardForPin(pad);
  const root = frame(h("main", { class: "signin-main" }, pad.side, pad.pad));
  return { root, keep: () => state, leave: unhook };
}

