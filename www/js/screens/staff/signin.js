// Staff sign-in: the staff id on an on-screen keyboard of letters and
// digits (a keyboard may type it too), then the staff PIN on the number
// pad. The PIN check is slow on purpose; the screen says it is checking.
import { h, icon, replaceChildren } from "../../dom.js";
import { t, dual } from "../../i18n.js";
import { topBar, shopTitle, langButton, notice } from "../common.js";
import { buildKeys, applyKey } from "../../staff/pad.js";
import { keyboardForPin } from "../../staff/pintwice.js";
import { staffIcon } from "../../staff/icons.js";


export function staffSignInScreen(app) {
  // The core's limits: a staff id's length, a PIN's digits.
  const { staffIdLengthMax: idMax, pinLengthMin: pinMin, pinLengthMax: pinMax } = app.limits;
  const state = app.staffSignIn;
  const pinStep = state.step === "pin" && state.staffId;
  let checking = false;

  const message = h("div", { class: "message-slot" });
  const showMessage = () => {
    const current = state.message;
    if (!current) {
      message.replaceChildren();
      return;
    }
    const text = current.error ? app.errorText(current.error, { staff: true, staffSignIn: true }) : t(current.key, ...(current.args ?? []));
    message.replaceChildren(notice(text, "warn"));
  };

  // ----- the id field or the PIN boxes -------------------------------------

  const idInput = h("input", {
    id: "staff-id",
    type: "text",
    class: "input input-id",
    inputmode: "none",
    autocomplete: "off",
    autocapitalize: "off",
    spellcheck: "false",
    maxlength: String(idMax),
  });
  idInput.value = state.staffId;
  idInput.addEventListener("input", () => {
    state.staffId = idInput.value.toLowerCase().replace(/[^a-z0-9_-]/g, "").slice(0, idMax);
    if (idInput.value !== state.staffId) idInput.value = state.staffId;
    state.message = null;
    showMessage();
  });
  idInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      submitId();
    }
  });

  const pinDisplay = h("div", { class: "entry-display", "aria-live": "polite" });
  const renderPin = () => {
    const slots = Math.max(pinMin, state.pin.length);
    const boxes = h("span", { class: "pin-boxes", "aria-hidden": "true" });
    for (let index = 0; index < slots; index++) {
      boxes.append(h("span", { class: index < state.pin.length ? "pin-box filled" : "pin-box" }, index < state.pin.length ? "●" : ""));
    }
    replaceChildren(pinDisplay, boxes, h("span", { class: "sr-only", text: t("pinDigits", state.pin.length) }));
  };

  // ----- keys ----------------------------------------------------------------

  const onKey = (key) => {
    if (checking) return;
    if (pinStep) {
      state.pin = applyKey(state.pin, key, { layout: "pin", maxLength: pinMax });
      renderPin();
    } else {
      state.staffId = applyKey(state.staffId, key, { layout: "alnum", maxLength: idMax, letterCase: "lower" });
      idInput.value = state.staffId;
    }
    state.message = null;
    showMessage();
  };
  const keys = buildKeys(pinStep ? "pin" : "alnum", onKey, {
    letterCase: "lower",
    label: t(pinStep ? "pinKeypad" : "staffIdKeypad"),
  });
  // The on-screen keys must not take the focus from the id field (a keyboard may type too).
  if (!pinStep) {
    for (const button of keys.buttons) button.addEventListener("pointerdown", (event) => event.preventDefault());
  }

  // ----- actions -------------------------------------------------------------

  const back = h("button", { type: "button", class: "btn btn-secondary btn-big", onclick: goBack }, icon("back"), dual("back"));
  const nextLabel = h("span", { class: "next-label" }, dual(pinStep ? "ok" : "next"));
  const next = h(
    "button",
    { type: "button", class: "btn btn-primary btn-big btn-next", onclick: () => !checking && (pinStep ? submitPin() : submitId()) },
    icon(pinStep ? "check-white" : "next-white"),
    nextLabel,
  );
  const forgot = pinStep
    ? h("button", { type: "button", class: "btn btn-quiet", onclick: () => !checking && app.go("staff-recover", { staffId: state.staffId }) }, staffIcon("shield"), h("span", { text: t("forgotPin") }))
    : null;

  function goBack() {
    if (checking) return;
    if (pinStep) {
      state.step = "id";
      state.pin = "";
      state.message = null;
      app.go("staff-signin");
    } else {
      app.staffSignOut();
      app.go("home");
    }
  }

  function submitId() {
    if (!state.staffId) {
      state.message = { key: "staffIdFirst" };
      showMessage();
      return;
    }
    state.step = "pin";
    state.pin = "";
    state.message = null;
    app.go("staff-signin");
  }

  function setChecking(on) {
    checking = on;
    app.setPending(on);
    for (const button of [...keys.buttons, back, next, forgot]) if (button) button.disabled = on;
    next.setAttribute("aria-busy", on ? "true" : "false");
    replaceChildren(nextLabel, on ? h("span", { class: "dual" }, h("span", { class: "dual-main", text: t("checking") })) : dual("ok"));
  }

  async function submitPin() {
    if (state.pin.length < pinMin) {
      state.message = { key: "pinTooShort", args: [pinMin] };
      showMessage();
      return;
    }
    const pin = state.pin;
    state.message = null;
    showMessage();
    setChecking(true);
    let session = null;
    let failure = null;
    try {
      session = await app.kiosk.staffSignIn({ staff: state.staffId, pin, now: Date.now() });
    } catch (error) {
      failure = error;
    }
    setChecking(false);
    if (session) {
      app.staffSignedIn(session);
      return;
    }
    state.pin = "";
    state.message = { error: failure };
    if (failure?.code === "STAFF_AUTH_REQUIRED" || failure?.code === "NO_PIN") {
      state.step = "id";
      app.go("staff-signin");
      return;
    }
    if (failure?.code === "READ_ONLY" || failure?.code === "STORAGE_CORRUPT") app.refreshInfo();
    renderPin();
    showMessage();
  }

  // ----- the screen --------------------------------------------------------------

  if (pinStep) renderPin();
  showMessage();
  const field = pinStep
    ? h("div", { class: "entry-field", role: "group", "aria-labelledby": "entry-title" }, h("span", { class: "entry-label", text: t("pinLabel") }), pinDisplay)
    : h("div", { class: "entry-field" }, h("label", { class: "entry-label", for: "staff-id", text: t("staffIdLabel") }), idInput);
  const root = h(
    "div",
    { class: "screen screen-signin screen-staff-signin" },
    topBar({ left: [shopTitle(app)], middle: [h("p", { class: "topbar-title", text: t("staffSignInTitle") })], right: [langButton(app)] }),
    h(
      "main",
      { class: "signin-main" },
      h(
        "div",
        { class: "signin-side" },
        pinStep ? h("p", { class: "signin-who" }, staffIcon("shield"), h("span", { text: t("staffLine", state.staffId) })) : null,
        h("h1", { class: "title-xl", id: "entry-title", text: t(pinStep ? "staffEnterPin" : "staffEnterId") }),
        field,
        h("p", { class: "hint", text: t(pinStep ? "staffPinHint" : "staffIdHint", pinMin, pinMax) }),
        message,
        h("div", { class: "signin-actions" }, back, next),
        forgot,
      ),
      keys.element,
    ),
  );
  const unhook = pinStep ? keyboardForPin({ handleKey: onKey, submit: () => !checking && submitPin() }) : () => {};
  return {
    root,
    focus() {
      if (!pinStep) idInput.focus();
    },
    leave: unhook,
    // A keyboard typing fast looks like a scanner: the id, or the PIN just typed, then Enter.
    onScan(text) {
      if (checking) return;
      // A villager's household card: this is a villager, not staff.
      let household = null;
      try {
        household = app.kiosk.household(text);
      } catch {
        household = null;
      }
      if (household) {
        app.staffSignOut();
        app.startSignIn("shop", household.code);
        return;
      }
      if (!pinStep) {
        state.staffId = text.toLowerCase().replace(/[^a-z0-9_-]/g, "").slice(0, idMax);
        idInput.value = state.staffId;
        submitId();
      } else if (/^\d+$/.test(text) && text.length >= pinMin && text.length <= pinMax && state.pin === text) {
        submitPin();
      }
    },
  };
}
