// A new PIN typed twice on the number pad (by the villager, or the staff
// member whose PIN it is): boxes for the digits, the pad, Back and OK. The
// second entry must match the first; then `onPin(pin)` runs.
import { h, icon, replaceChildren } from "../dom.js";
import { t, dual } from "../i18n.js";
import { notice } from "../screens/common.js";
import { buildKeys, applyKey } from "./pad.js";


/**
 * `state`: { first, pin, message } (kept by the screen across redraws).
 * `onPin(pin, setBusy)`: called with the confirmed PIN; returns a promise.
 * `onBack()`: Back on the first entry. `who`: a line naming whose PIN it is.
 * Returns { side, pad, handleKey }.
 */
export function pinTwice({ state, who, onPin, onBack, app }) {
  // The core's limits: a PIN's digits.
  const { pinLengthMin: pinMin, pinLengthMax: pinMax } = app.limits;
  let busy = false;
  const display = h("div", { class: "entry-display", "aria-live": "polite" });
  const heading = h("h2", { class: "title-xl", id: "pin-twice-title" });
  const hint = h("p", { class: "hint" });
  const message = h("div", { class: "message-slot" });

  function render() {
    const slots = Math.max(pinMin, state.pin.length);
    const boxes = h("span", { class: "pin-boxes", "aria-hidden": "true" });
    for (let index = 0; index < slots; index++) {
      boxes.append(h("span", { class: index < state.pin.length ? "pin-box filled" : "pin-box" }, index < state.pin.length ? "●" : ""));
    }
    replaceChildren(display, boxes, h("span", { class: "sr-only", text: t("pinDigits", state.pin.length) }));
    heading.textContent = t(state.first ? "pinAgain" : "pinNew");
    hint.textContent = t(state.first ? "pinAgainHint" : "pinNewHint", pinMin, pinMax);
    if (state.message) message.replaceChildren(notice(state.message.error ? app.errorText(state.message.error, { staff: true }) : t(state.message.key, ...(state.message.args ?? [])), state.message.kind ?? "warn"));
    else message.replaceChildren();
  }

  function handleKey(key) {
    if (busy) return;
    state.pin = applyKey(state.pin, key, { layout: "pin", maxLength: pinMax });
    if (state.message?.kind !== "ok") state.message = null;
    render();
  }

  const keys = buildKeys("pin", handleKey, { label: t("pinKeypad") });
  const back = h("button", { type: "button", class: "btn btn-secondary btn-big", onclick: goBack }, icon("back"), dual("back"));
  const okLabel = h("span", { class: "next-label" }, dual("ok"));
  const ok = h("button", { type: "button", class: "btn btn-primary btn-big btn-next", onclick: submit }, icon("check-white"), okLabel);

  function goBack() {
    if (busy) return;
    if (state.first) {
      state.first = null;
      state.pin = "";
      state.message = null;
      render();
    } else {
      onBack();
    }
  }

  function setBusy(on) {
    busy = on;
    app.setPending(on);
    for (const button of [...keys.buttons, back, ok]) button.disabled = on;
    ok.setAttribute("aria-busy", on ? "true" : "false");
    replaceChildren(okLabel, on ? h("span", { class: "dual" }, h("span", { class: "dual-main", text: t("saving") })) : dual("ok"));
  }

  async function submit() {
    if (busy) return;
    if (state.pin.length < pinMin) {
      state.message = { key: "pinTooShort", args: [pinMin] };
      render();
      return;
    }
    if (!state.first) {
      state.first = state.pin;
      state.pin = "";
      state.message = null;
      render();
      return;
    }
    if (state.pin !== state.first) {
      state.first = null;
      state.pin = "";
      state.message = { key: "pinMismatch" };
      render();
      return;
    }
    const pin = state.pin;
    setBusy(true);
    let failure = null;
    try {
      await onPin(pin);
    } catch (error) {
      failure = error;
    }
    setBusy(false);
    if (failure && !failure.handled) {
      state.first = null;
      state.pin = "";
      state.message = { error: failure };
      render();
    }
  }

  render();
  const side = h(
    "div",
    { class: "signin-side" },
    who,
    heading,
    h("div", { class: "entry-field", role: "group", "aria-labelledby": "pin-twice-title" }, h("span", { class: "entry-label", text: t("pinLabel") }), display),
    hint,
    message,
    h("div", { class: "signin-actions" }, back, ok),
  );
  return { side, pad: keys.element, handleKey, submit, back: goBack };
}

/** Digits, Backspace and Enter from a keyboard go to a PIN pad while `active()`. */
export function keyboardForPin(target, active = () => true) {
  const listener = (event) => {
    if (!active() || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (document.querySelector("dialog[open]")) return;
    if (/^[0-9]$/.test(event.key)) target.handleKey(event.key);
    else if (event.key === "Backspace") target.handleKey("backspace");
    else if (event.key === "Enter") target.submit();
    else return;
    event.preventDefault();
  };
  document.addEventListener("keydown", listener);
  return () => document.removeEventListener("keydown", listener);
}
