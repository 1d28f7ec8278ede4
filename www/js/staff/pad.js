// On-screen keypads for the staff screens. A staff PC may have a keyboard,
// but none is needed: every field of digits, codes or amounts opens a large
// pad in a dialog (a keyboard types into the field as usual), and the
// sign-in and PIN screens carry their pads on the screen itself.
import { h, icon, replaceChildren } from "../dom.js";
import { t, dual } from "../i18n.js";

const ROWS_ALNUM = ["1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM"];

/** Which characters a layout takes, and how a whole value must look. */
const LAYOUTS = {
  integer: { chars: /^[0-9]$/, whole: /^\d*$/ },
  decimal: { chars: /^[0-9.]$/, whole: /^\d{0,9}(\.\d{0,2})?$/ },
  signed: { chars: /^[0-9-]$/, whole: /^-?\d*$/ },
  pin: { chars: /^[0-9]$/, whole: /^\d*$/ },
  alnum: { chars: /^[A-Za-z0-9_-]$/, whole: /^[A-Za-z0-9_-]*$/ },
};

/** Applies one key to a value; returns the new value (or the old one if refused). */
export function applyKey(value, key, { layout = "integer", maxLength = 16, letterCase = "upper" } = {}) {
  const rules = LAYOUTS[layout] ?? LAYOUTS.integer;
  if (key === "backspace") return value.slice(0, -1);
  if (key === "clear") return "";
  if (key === "sign") return value.startsWith("-") ? value.slice(1) : `-${value}`;
  if (!rules.chars.test(key)) return value;
  const char = layout === "alnum" ? (letterCase === "lower" ? key.toLowerCase() : key.toUpperCase()) : key;
  const next = value + char;
  if (next.replace(/^-/, "").length > maxLength || !rules.whole.test(next)) return value;
  return next;
}

/**
 * The keys of a layout as a group of large buttons. `onKey(key)` gets a
 * character, "backspace", "clear" or "sign". Returns { element, buttons }.
 */
export function buildKeys(layout, onKey, { letterCase = "upper", label = null } = {}) {
  const buttons = [];
  const key = (text, value, className = "key", name = null, content = null) => {
    const button = h(
      "button",
      { type: "button", class: className, "aria-label": name, onclick: () => onKey(value) },
      content ?? text,
    );
    buttons.push(button);
    return button;
  };
  const backspace = () =>
    key("", "backspace", "key key-word", null, [icon("backspace"), h("span", { text: t("delete") })]);
  let element;
  if (layout === "alnum") {
    element = h("div", { class: "keypad keypad-alnum", role: "group", "aria-label": label });
    for (const row of ROWS_ALNUM) {
      const line = h("div", { class: "keypad-row" });
      for (const char of row) {
        const shown = letterCase === "lower" ? char.toLowerCase() : char;
        line.append(key(shown, shown, /[A-Z]/.test(char) ? "key key-letter" : "key"));
      }
      if (row === "ZXCVBNM") {
        line.append(key(t("clear"), "clear", "key key-word"), backspace());
      }
      element.append(line);
    }
  } else {
    element = h("div", { class: "keypad keypad-pin", role: "group", "aria-label": label });
    const digits = h("div", { class: "keypad-digits" });
    for (const digit of "123456789") digits.append(key(digit, digit));
    if (layout === "decimal") digits.append(key(".", ".", "key", t("decimalPoint")));
    else if (layout === "signed") digits.append(key("±", "sign", "key", t("toggleSign")));
    else digits.append(key(t("clear"), "clear", "key key-word"));
    digits.append(key("0", "0"), backspace());
    element.append(digits);
  }
  return { element, buttons };
}

// ----- the pad dialog -------------------------------------------------------

let dialog = null;
let current = null;

function finish(result) {
  const open = current;
  current = null;
  if (dialog?.open) dialog.close();
  // A closed pad keeps nothing: no value, no keys, no names.
  if (open) dialog?.replaceChildren();
  open?.resolve(result);
}

function ensureDialog() {
  if (dialog) return dialog;
  dialog = h("dialog", { class: "pad-dialog", "aria-labelledby": "pad-title" });
  document.body.append(dialog);
  // "close" arrives a moment later: by then the next pad may be open already.
  dialog.addEventListener("close", () => {
    if (!dialog.open) finish(null);
  });
  dialog.addEventListener("keydown", (event) => {
    if (!current || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Enter") {
      event.preventDefault();
      finish({ value: current.value, next: false });
    } else if (event.key === "Backspace") {
      event.preventDefault();
      press("backspace");
    } else if (event.key.length === 1) {
      event.preventDefault();
      press(event.key === "-" && current.layout === "signed" ? "sign" : event.key);
    }
  });
  // A tap on the dim area around the pad cancels it.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) finish(null);
  });
  return dialog;
}

function press(key) {
  if (!current) return;
  // The value the pad opened with is replaced by the first key typed, as on a calculator.
  const start = current.fresh && key !== "backspace" && key !== "sign" ? "" : current.value;
  current.fresh = false;
  current.value = applyKey(start, key, current);
  current.show();
}

/** Whether a pad is open (the scanner then fills it). */
export function padOpen() {
  return Boolean(current);
}

/** A scan while a pad is open: the scanned text is the value. */
export function padScan(text) {
  if (!current) return false;
  const value = [...text].reduce((value, char) => applyKey(value, char, current), "");
  finish({ value, next: false, scanned: true });
  return true;
}

/** Closes an open pad, answering nothing. */
export function closePad() {
  if (current || dialog?.open) finish(null);
}

/**
 * Opens the pad dialog. `layout`: integer, decimal, signed, alnum.
 * Resolves { value, next } on OK (next: the "Next" button), null on cancel.
 */
export function openPad({ title, value = "", layout = "integer", maxLength = 16, letterCase = "upper", next = false, hint = null }) {
  closePad();
  const box = ensureDialog();
  return new Promise((resolve) => {
    const display = h("output", { class: "pad-display", "aria-live": "polite" });
    current = {
      resolve,
      layout,
      maxLength,
      letterCase,
      value: String(value ?? ""),
      fresh: String(value ?? "") !== "",
      show() {
        replaceChildren(
          display,
          this.value ? h("span", { class: "pad-value", text: this.value }) : h("span", { class: "pad-empty", text: t("nothingYet") }),
        );
      },
    };
    current.show();
    const keys = buildKeys(layout, press, { letterCase, label: t("padKeys") });
    const ok = h(
      "button",
      { type: "button", class: "btn btn-primary btn-big", onclick: () => finish({ value: current.value, next: false }) },
      icon("check-white"),
      dual("ok"),
    );
    const cancel = h("button", { type: "button", class: "btn btn-secondary btn-big", onclick: () => finish(null) }, dual("cancel"));
    const nextButton = next
      ? h("button", { type: "button", class: "btn btn-secondary btn-big", onclick: () => finish({ value: current.value, next: true }) }, dual("okNext"))
      : null;
    replaceChildren(
      box,
      h(
        "div",
        { class: `pad-box pad-${layout}` },
        h("h2", { class: "pad-title", id: "pad-title", text: title }),
        hint ? h("p", { class: "field-hint", text: hint }) : null,
        display,
        keys.element,
        h("div", { class: "pad-actions" }, cancel, nextButton, ok),
      ),
    );
    box.showModal();
    ok.focus();
  });
}

/**
 * A text field for digits, amounts or codes: a tap opens the pad; a
 * keyboard types as usual. `onChange(value, { next })` after each change.
 */
export function padInput({ id, value = "", layout = "integer", title, onChange, maxLength = 16, letterCase = "upper", next = false, describedBy = null, hint = null, label = null }) {
  const input = h("input", {
    id,
    type: "text",
    class: `input input-pad input-${layout}`,
    inputmode: "none",
    autocomplete: "off",
    autocapitalize: "off",
    spellcheck: "false",
    maxlength: String(maxLength + (layout === "signed" ? 1 : 0) + (layout === "decimal" ? 3 : 0)),
    "aria-describedby": describedBy,
    "aria-label": label,
  });
  input.value = String(value ?? "");
  input.addEventListener("click", async () => {
    if (input.disabled || input.readOnly) return;
    const result = await openPad({ title, value: input.value, layout, maxLength, letterCase, next, hint });
    if (!result) return;
    input.value = result.value;
    onChange?.(result.value, result);
  });
  input.addEventListener("input", () => {
    let typed = input.value;
    if (layout === "alnum") typed = letterCase === "lower" ? typed.toLowerCase() : typed.toUpperCase();
    if (typed !== input.value) input.value = typed;
    onChange?.(typed, { next: false, typed: true });
  });
  return input;
}
