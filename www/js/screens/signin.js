// Sign in: the household code on a large keypad (or scanned from the
// household card), then the PIN on a number pad, masked. The PIN check is
// slow on purpose, so the screen shows that it is checking. A USB keyboard
// types into both fields as the keypads do.
import { h, icon, replaceChildren } from "../dom.js";
import { t, dual } from "../i18n.js";
import { hundredths } from "../amounts.js";
import { topBar, shopTitle, langButton, notice } from "./common.js";


/** The letters household codes use (A, B, C … in the demo), in order. */
function codeLetters(app) {
  const letters = new Set();
  try {
    for (const household of app.kiosk.households()) {
      for (const char of household.code) if (!/[0-9]/.test(char)) letters.add(char);
    }
  } catch {
    // no roster: digits only
  }
  return [...letters].sort();
}

export function signInScreen(app) {
  // The core's limits: a household code's length, a PIN's digits.
  const { householdCodeLengthMax: codeMax, pinLengthMin: pinMin, pinLengthMax: pinMax } = app.limits;
  const state = app.signIn;
  const pinStep = state.step === "pin" && state.household;
  let checking = false;

  const message = h("div", { class: "message-slot" });
  const showMessage = () => {
    const current = state.message;
    if (!current) {
      message.replaceChildren();
      return;
    }
    const text = current.error ? app.errorText(current.error) : t(current.key, ...(current.args ?? []));
    message.replaceChildren(notice(text, "warn"));
  };

  // ----- the display: code or PIN dots -----------------------------------

  const display = h("div", { class: "entry-display" });
  const render = () => {
    if (pinStep) {
      const slots = Math.max(pinMin, state.pin.length);
      const boxes = h("span", { class: "pin-boxes", "aria-hidden": "true" });
      for (let index = 0; index < slots; index++) {
        boxes.append(h("span", { class: index < state.pin.length ? "pin-box filled" : "pin-box" }, index < state.pin.length ? "●" : ""));
      }
      replaceChildren(display, boxes, h("span", { class: "sr-only", text: t("pinDigits", state.pin.length) }));
    } else if (state.code) {
      replaceChildren(display, h("span", { class: "code-text", text: state.code }));
    } else {
      replaceChildren(display, h("span", { class: "code-placeholder", text: t("codeEmpty") }));
    }
  };

  // ----- keys --------------------------------------------------------------

  const keys = [];
  const key = (label, onPress, { className = "key", name = null, content = null } = {}) => {
    const button = h(
      "button",
      { type: "button", class: className, "aria-label": name, onclick: () => !checking && onPress() },
      content ?? label,
    );
    keys.push(button);
    return button;
  };

  const typeChar = (char) => {
    if (pinStep) {
      if (state.pin.length < pinMax) state.pin += char;
    } else if (state.code.length < codeMax) {
      state.code += char;
    }
    state.message = null;
    showMessage();
    render();
  };
  const backspace = () => {
    if (pinStep) state.pin = state.pin.slice(0, -1);
    else state.code = state.code.slice(0, -1);
    render();
  };
  const clearAll = () => {
    if (pinStep) state.pin = "";
    else state.code = "";
    state.message = null;
    showMessage();
    render();
  };

  const pad = h("div", {
    class: pinStep ? "keypad keypad-pin" : "keypad keypad-code",
    role: "group",
    "aria-label": t(pinStep ? "pinKeypad" : "codeKeypad"),
  });
  if (!pinStep) {
    const letters = codeLetters(app);
    if (letters.length) {
      pad.append(h("div", { class: "keypad-letters" }, letters.map((letter) => key(letter, () => typeChar(letter), { className: "key key-letter" }))));
    }
  }
  const digits = h("div", { class: "keypad-digits" });
  for (const digit of ["1", "2", "3", "4", "5", "6", "7", "8", "9"]) digits.append(key(digit, () => typeChar(digit)));
  digits.append(
    key(t("clear"), clearAll, { className: "key key-word" }),
    key("0", () => typeChar("0")),
    key(t("delete"), backspace, {
      className: "key key-word",
      content: [icon("backspace"), h("span", { text: t("delete") })],
    }),
  );
  pad.append(digits);

  // ----- actions ----------------------------------------------------------

  const back = h("button", { type: "button", class: "btn btn-secondary btn-big", onclick: goBack }, icon("back"), dual("back"));
  const nextLabel = h("span", { class: "next-label" }, dual(pinStep ? "ok" : "next"));
  const next = h(
    "button",
    { type: "button", class: "btn btn-primary btn-big btn-next", onclick: () => !checking && (pinStep ? submitPin() : submitCode()) },
    icon(pinStep ? "check-white" : "next-white"),
    nextLabel,
  );

  function goBack() {
    if (checking) return;
    if (pinStep) {
      state.step = "code";
      state.pin = "";
      state.message = null;
      app.go("signin");
    } else {
      app.signIn = { step: "code", code: "", pin: "", household: null, message: null };
      app.go("home");
    }
  }

  /** Refusals the page can see before asking for a PIN. */
  function precheck(household) {
    if (household.status === "suspended") return { code: "SUSPENDED" };
    if (household.status === "moved_away") return { code: "MOVED_AWAY" };
    if (!household.hasPin) return { code: "NO_PIN" };
    try {
      if (hundredths(household.balance) < 0n) return { code: "NEGATIVE_BALANCE", balance: household.balance };
    } catch {
      // let the core decide
    }
    return null;
  }

  function submitCode() {
    if (!state.code) {
      state.message = { key: "codeFirst" };
      showMessage();
      return;
    }
    let household;
    try {
      household = app.kiosk.household(state.code);
    } catch (error) {
      state.message = { error };
      state.code = "";
      render();
      showMessage();
      return;
    }
    const refusal = precheck(household);
    if (refusal) {
      state.message = { error: refusal };
      showMessage();
      return;
    }
    state.household = household;
    // A member's card signs in as itself, so the core names the collector.
    state.card = state.code !== household.code ? state.code : null;
    state.code = household.code;
    state.step = "pin";
    state.pin = "";
    state.message = null;
    app.go("signin");
  }

  function setChecking(on) {
    checking = on;
    app.setPending(on);
    for (const button of [...keys, back, next]) button.disabled = on;
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
      session = await app.kiosk.signIn({ household: state.card ?? state.household.code, pin, now: Date.now() });
    } catch (error) {
      failure = error;
    }
    setChecking(false);
    if (session) {
      app.signedIn(session);
      return;
    }
    state.pin = "";
    state.message = { error: failure };
    if (["UNKNOWN_HOUSEHOLD", "SUSPENDED", "MOVED_AWAY", "NO_PIN", "NEGATIVE_BALANCE"].includes(failure?.code)) {
      state.step = "code";
      app.go("signin");
      return;
    }
    if (failure?.code === "READ_ONLY" || failure?.code === "STORAGE_CORRUPT") app.refreshInfo();
    render();
    showMessage();
  }

  // ----- a USB keyboard and a scanner ------------------------------------
  // Letters (as capitals) and digits type into the field, Backspace deletes,
  // Escape clears, Enter is 下一步 / 确定. A scanner types here as well; the
  // Enter (or Tab) that ends a scan is the scanner's, and the scan comes back
  // through onScan below.

  function onKeyDown(event) {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (checking || app.pending || document.querySelector("dialog[open]")) return;
    const focused = document.activeElement;
    const onOtherButton = focused instanceof HTMLButtonElement && !keys.includes(focused);
    if (event.key === "Enter") {
      // 返回 or the language switch, reached with Tab, keeps its own Enter.
      if (onOtherButton) return;
      // A keypad key tapped a moment ago still has the focus: Enter must not
      // press it again.
      event.preventDefault();
      if (pinStep) submitPin();
      else submitCode();
      return;
    }
    if (event.key === "Backspace") {
      event.preventDefault();
      backspace();
      return;
    }
    if (event.key === "Escape") {
      clearAll();
      return;
    }
    if (event.key.length !== 1) return;
    const char = event.key.toUpperCase();
    if (/^[0-9]$/.test(char) || (!pinStep && /^[A-Z]$/.test(char))) {
      event.preventDefault();
      typeChar(char);
    }
  }
  window.addEventListener("keydown", onKeyDown);

  function isHouseholdCode(text) {
    try {
      app.kiosk.household(text);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * A scan, or fast typing ended by Enter or Tab: true when this screen
   * takes it. A household card is left to the app (it starts that
   * household's sign-in). The keys of the burst are already in the field.
   */
  function onScan(text) {
    if (checking) return true;
    if (isHouseholdCode(text)) return false;
    if (pinStep) {
      // Digits on a number pad, typed quickly: the PIN, not a card (household
      // codes may be all digits, so only a known code counts as a card).
      if (/^[0-9]+$/.test(text) && text.length <= pinMax) {
        submitPin();
        return true;
      }
      state.pin = "";
      render();
      return false;
    }
    // A barcode of goods: the app says to sign in first.
    if (/^[0-9]{8,14}$/.test(text)) {
      state.code = "";
      render();
      return false;
    }
    submitCode();
    return true;
  }

  // ----- the screen -------------------------------------------------------

  render();
  showMessage();
  const heading = pinStep ? t("enterPin") : t("enterCode");
  const root = h(
    "div",
    { class: "screen screen-signin" },
    topBar({ left: [shopTitle(app)], middle: [h("p", { class: "topbar-title", text: t("signInTitle") })], right: [langButton(app)] }),
    h(
      "main",
      { class: "signin-main" },
      h(
        "div",
        { class: "signin-side" },
        pinStep
          ? h("p", { class: "signin-who" }, icon("person"), h("span", { text: t("householdLine", state.household.code, state.household.name) }))
          : null,
        h("h1", { class: "title-xl", id: "entry-title", text: heading }),
        h("div", { class: "entry-field", role: "group", "aria-labelledby": "entry-title" }, h("span", { class: "entry-label", text: t(pinStep ? "pinLabel" : "codeLabel") }), display),
        h("p", { class: "hint", text: t(pinStep ? "pinHint" : "codeHint", pinMin, pinMax) }),
        message,
        h("div", { class: "signin-actions" }, back, next),
      ),
      pad,
    ),
  );
  display.setAttribute("aria-live", "polite");
  return { root, onScan, leave: () => window.removeEventListener("keydown", onKeyDown) };
}
