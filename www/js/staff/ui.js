// Pieces every staff screen shares: the frame (top bar with the staff
// member, title, back), form fields, choice chips, messages, and running a
// staff call with the screen held still while it works.
import { h, icon, replaceChildren } from "../dom.js";
import { t, tIn, dual, lang } from "../i18n.js";
import { topBar, shopTitle, langButton, notice } from "../screens/common.js";
import { staffIcon } from "./icons.js";

/** The staff member's role in words. */
export function roleName(role, language = lang()) {
  return tIn(language, `role_${role}`);
}

/** "李秀兰 · 店管员" in the top bar. */
function staffBadge(app) {
  const staff = app.staff;
  if (!staff) return null;
  return h(
    "p",
    { class: "who staff-who" },
    staffIcon("shield"),
    h("span", { class: "who-name", text: staff.name }),
    // The demo's names carry the role already ("店管员 李秀兰").
    staff.name.includes(roleName(staff.role, "zh")) ? null : h("span", { class: "who-code", text: roleName(staff.role) }),
  );
}

/**
 * A staff screen: top bar (shop, staff member; language, menu, sign out),
 * a heading row with Back, and the body.
 * `back`: the screen Back goes to (none on the menu itself).
 */
export function staffFrame(app, { screen, title, iconName = null, back = "staff-home", onBack = null, body, tools = [] }) {
  const right = [langButton(app)];
  if (app.staff && screen !== "staff-home") {
    right.push(
      h("button", { type: "button", class: "btn btn-quiet", onclick: () => !app.pending && app.go("staff-home") }, staffIcon("menu"), h("span", { text: t("staffMenu") })),
    );
  }
  if (app.staff) {
    right.push(
      h(
        "button",
        { type: "button", class: "btn btn-quiet btn-signout", onclick: () => !app.pending && app.finish() },
        icon("exit"),
        h("span", { text: t("signOut") }),
      ),
    );
  }
  const backButton =
    back || onBack
      ? h(
          "button",
          { type: "button", class: "btn btn-secondary btn-back", onclick: () => !app.pending && (onBack ? onBack() : app.go(back)) },
          icon("back"),
          dual("back"),
        )
      : null;
  return h(
    "div",
    { class: `screen screen-staff screen-${screen}` },
    topBar({ left: [shopTitle(app), staffBadge(app)], right }),
    h(
      "main",
      { class: "staff-main" },
      h(
        "div",
        { class: "staff-head" },
        backButton,
        h("h1", { class: "staff-title", id: `${screen}-title` }, iconName ? staffIcon(iconName, "staff-title-icon") : null, h("span", { text: title })),
        tools.length ? h("div", { class: "staff-tools" }, tools) : null,
      ),
      body,
    ),
  );
}

/** A labelled field: label, the control, an optional hint under it. */
export function field({ id, label, control, hint = null, className = "" }) {
  if (hint) {
    const described = [control.getAttribute("aria-describedby"), `${id}-hint`].filter(Boolean).join(" ");
    control.setAttribute("aria-describedby", described);
  }
  return h(
    "div",
    { class: `field ${className}` },
    h("label", { class: "field-label", for: id, text: label }),
    control,
    hint ? h("p", { class: "field-hint", id: `${id}-hint`, text: hint }) : null,
  );
}

/** A text field for names and reasons (the system keyboard may type Chinese). */
export function textInput({ id, value = "", onInput, maxLength = 40, placeholder = null, label = null }) {
  const input = h("input", {
    id,
    type: "text",
    class: "input",
    maxlength: String(maxLength),
    autocomplete: "off",
    spellcheck: "false",
    placeholder,
    "aria-label": label,
  });
  input.value = value ?? "";
  input.addEventListener("input", () => onInput?.(input.value));
  return input;
}

/**
 * Large choice chips (radio buttons): `options` [{ value, label }].
 * `onChange(value)` when another is chosen.
 */
export function choiceGroup({ name, legend, options, value, onChange, className = "" }) {
  const list = h("div", { class: "choice-list" });
  for (const option of options) {
    const input = h("input", { type: "radio", name, value: option.value, class: "choice-input", disabled: option.disabled ? true : null });
    input.checked = option.value === value;
    input.addEventListener("change", () => {
      if (input.checked) onChange?.(option.value);
    });
    list.append(h("label", { class: "choice" }, input, h("span", { class: "choice-mark", "aria-hidden": "true" }), h("span", { class: "choice-text", text: option.label })));
  }
  return h("fieldset", { class: `choices ${className}` }, h("legend", { class: "field-label", text: legend }), list);
}

/** A place for one message under a form. */
export function messageSlot() {
  return h("div", { class: "message-slot" });
}

export function showMessage(slot, text, kind = "warn") {
  replaceChildren(slot, notice(text, kind, { role: kind === "warn" ? "alert" : "status" }));
}

/** The plain sentence of a refusal on a staff screen. */
export function staffError(app, error, context = {}) {
  return app.errorText(error, { staff: true, ...context });
}

/**
 * Runs one staff call: the buttons wait, the screen says it is working, a
 * refusal is shown in plain words in `slot`. Resolves { ok, result, error }.
 */
export async function runAction(app, { buttons = [], slot = null, work, context = {}, busy = "working" }) {
  if (app.pending) return { ok: false, busy: true };
  app.setPending(true);
  for (const button of buttons) {
    if (!button) continue;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  }
  if (slot) replaceChildren(slot, notice(t(busy), "info", { role: "status" }));
  try {
    const result = await work();
    slot?.replaceChildren();
    return { ok: true, result };
  } catch (error) {
    if (error?.handled) return { ok: false, handled: true };
    if (slot) showMessage(slot, staffError(app, error, context));
    else app.toast(staffError(app, error, context), "warn");
    if (error?.code === "READ_ONLY" || error?.code === "STORAGE_CORRUPT") app.refreshInfo();
    return { ok: false, error };
  } finally {
    app.setPending(false);
    for (const button of buttons) {
      if (!button) continue;
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }
}

/** A big action button: icon (white on primary) and a two-language label. */
export function actionButton({ label, args = [], iconName = null, primary = false, big = true, onClick, disabled = false, className = "" }) {
  return h(
    "button",
    {
      type: "button",
      class: ["btn", primary ? "btn-primary" : "btn-secondary", big ? "btn-big" : "", className],
      disabled: disabled ? true : null,
      onclick: onClick,
    },
    iconName ? staffIcon(iconName, "icon", { white: primary }) : null,
    dual(label, ...args),
  );
}

/** A smaller button for rows of a list: icon and one-language text. */
export function rowButton({ text, iconName = null, onClick, name = null, disabled = false, className = "" }) {
  return h(
    "button",
    { type: "button", class: ["btn", "btn-row", className], "aria-label": name, disabled: disabled ? true : null, onclick: onClick },
    iconName ? staffIcon(iconName) : null,
    h("span", { text }),
  );
}

/** The item's name in the current language. */
export function itemName(item, language = lang()) {
  return language === "zh" || !item.nameEn ? item.nameZh : item.nameEn;
}

/** "A001 王建国". */
export function householdLabel(household) {
  return `${household.code} ${household.name}`;
}

/** The status of a household in words. */
export function statusName(status) {
  return t(`status_${status}`);
}

/** A household code as typed or scanned: trimmed, upper case. */
export function normalCode(text) {
  return String(text ?? "").trim().toUpperCase();
}

/** The negative of an amount string, with two decimals ("6.10" → "-6.10"). */
export function negate(amount) {
  const text = String(amount).trim();
  if (text.startsWith("-")) return text.slice(1);
  return `-${text}`;
}
