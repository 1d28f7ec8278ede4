// Pieces several screens share: the top bar, the language switch, the
// household and balance line, the read-only notice and inline messages.
import { h, icon } from "../dom.js";
import { t, lang, LANGS, other, tIn } from "../i18n.js";
import { formatHundredths } from "../amounts.js";

/** The language switch: shows the language it switches to. */
export function langButton(app) {
  const target = other(lang());
  return h(
    "button",
    {
      type: "button",
      class: "btn btn-quiet btn-lang",
      lang: LANGS[target],
      onclick: () => app.toggleLang(),
    },
    icon("globe"),
    h("span", { text: tIn(lang(), "switchLanguage") }),
  );
}

/** The shop's name with the heart mark, as the top bar's title. */
export function shopTitle(app, tag = "p") {
  return h(
    tag,
    { class: "brand" },
    h("img", { class: "brand-mark", src: "icon.svg", alt: "", "aria-hidden": "true", draggable: "false" }),
    h("span", { class: "brand-name", text: app.info?.shop ?? t("appTitle") }),
  );
}

/** The top bar: left (brand, household), middle, right (buttons). */
export function topBar({ left = [], middle = [], right = [] }) {
  return h(
    "header",
    { class: "topbar" },
    h("div", { class: "topbar-left" }, left),
    h("div", { class: "topbar-middle" }, middle),
    h("div", { class: "topbar-right" }, right),
  );
}

/** "王建国 (A001)". */
export function householdBadge(household) {
  return h(
    "p",
    { class: "who" },
    icon("person"),
    h("span", { class: "who-name", text: household.name }),
    h("span", { class: "who-code", text: `(${household.code})` }),
  );
}

/** "余额 35 积分 → 兑换后 16 积分", or just the balance when nothing is chosen. */
export function balanceLine(totals, { always = false } = {}) {
  const line = h("p", { class: "balance-line", "aria-live": "polite" });
  line.append(
    h("span", { class: "balance-label", text: t("balance") }),
    " ",
    h("strong", { class: "balance-now", text: t("points", formatHundredths(totals.balance)) }),
  );
  if (always || totals.total > 0n) {
    line.append(
      " ",
      h("span", { class: "arrow", "aria-hidden": "true", text: "→" }),
      " ",
      h("span", { class: "balance-label", text: t("afterRedeem") }),
      " ",
      h("strong", { class: "balance-after", text: t("points", formatHundredths(totals.after)) }),
    );
  }
  return line;
}

/** A plain notice (read-only, error): icon, text, in a bordered box. */
export function notice(text, kind = "warn", { role = "alert", title = null } = {}) {
  return h(
    "div",
    { class: `notice notice-${kind}`, role },
    icon(kind === "ok" ? "check" : kind === "info" ? "info" : "warn", "notice-icon"),
    h("div", { class: "notice-body" }, title ? h("p", { class: "notice-title", text: title }) : null, h("p", { class: "notice-text", text })),
  );
}

/** The read-only banner, or null. */
export function readOnlyNotice(app) {
  const readOnly = app.readOnly();
  if (!readOnly) return null;
  return notice(app.readOnlyText(), "warn", { title: t("readOnlyTitle") });
}
