// Confirm: the basket as the core prices it, the balance before and after,
// one big Confirm and Back. A double or triple tap redeems once: the button
// is disabled while the call is in flight, and the request id is made once
// per basket attempt and reused on retry.
import { h, icon, replaceChildren } from "../dom.js";
import { t, tIn, dual, lang } from "../i18n.js";
import { hundredths, showAmount } from "../amounts.js";
import { speak } from "../voice.js";
import { topBar, shopTitle, langButton, householdBadge, notice } from "./common.js";

export function confirmScreen(app) {
  const household = app.household();
  if (!household || app.basket.size === 0) {
    queueMicrotask(() => (household ? app.go("shop") : app.sessionExpired()));
    return { root: h("div", { class: "screen" }) };
  }

  const message = h("div", { class: "message-slot" });
  let quote = null;
  let blocked = null;
  try {
    quote = app.kiosk.quote({ household: household.code, lines: app.basketInput() });
    if (hundredths(quote.balanceAfter) < 0n) {
      blocked = { code: "INSUFFICIENT_POINTS", needed: quote.total, available: quote.balance };
    }
  } catch (error) {
    blocked = error;
  }
  if (!blocked && app.readOnly()) blocked = app.readOnly();

  const name = (line) => (lang() === "zh" || !line.nameEn ? line.nameZh : line.nameEn);

  const lines = quote
    ? h(
        "table",
        { class: "summary-table" },
        h("caption", { class: "sr-only", text: t("summary") }),
        h(
          "tbody",
          {},
          quote.lines.map((line) =>
            h(
              "tr",
              {},
              h("th", { scope: "row", class: "summary-name", text: name(line) }),
              h("td", { class: "summary-qty", text: t("lineQty", line.qty, t("points", line.unitPrice)) }),
              h("td", { class: "summary-total", text: t("points", line.lineTotal) }),
            ),
          ),
        ),
      )
    : null;

  const totals = quote
    ? h(
        "div",
        { class: "summary-totals" },
        h("p", { class: "summary-grand" }, h("span", { text: t("total") }), h("strong", { text: t("points", quote.total) })),
        h(
          "p",
          { class: "summary-balance" },
          h("span", { text: `${t("balanceNow")} ${t("points", quote.balance)}` }),
          h("span", { class: "arrow", "aria-hidden": "true", text: " → " }),
          h("span", {}, `${t("balanceAfter")} `, h("strong", { text: t("points", quote.balanceAfter) })),
        ),
      )
    : null;

  const back = h("button", { type: "button", class: "btn btn-secondary btn-big", onclick: () => !app.pending && app.go("shop") }, icon("back"), dual("back"));
  const confirmLabel = h("span", { class: "confirm-label" }, dual("confirm"));
  const confirm = h(
    "button",
    { type: "button", class: "btn btn-primary btn-huge btn-confirm-final", onclick: redeem },
    icon("check-white"),
    confirmLabel,
  );

  function setSaving(on) {
    confirm.disabled = on;
    back.disabled = on;
    confirm.setAttribute("aria-busy", on ? "true" : "false");
    replaceChildren(confirmLabel, on ? h("span", { class: "dual" }, h("span", { class: "dual-main", text: t("saving") })) : dual("confirm"));
  }

  function showError(error) {
    message.replaceChildren(notice(app.errorText(error, { redeem: true }), "warn"));
  }

  async function redeem() {
    if (app.pending || confirm.disabled) return;
    // Disabled at once, before anything else can run: a second and third
    // tap land on a disabled button.
    const requestId = app.currentRequestId();
    const input = { session: app.session, lines: app.basketInput(), requestId, now: Date.now() };
    app.setPending(true);
    setSaving(true);
    message.replaceChildren();
    let receipt = null;
    let failure = null;
    try {
      receipt = await app.kiosk.redeem(input);
    } catch (error) {
      failure = error;
    }
    app.setPending(false);
    if (receipt) {
      app.receipt = receipt;
      app.clearBasket();
      app.refreshCatalog();
      app.go("receipt");
      return;
    }
    setSaving(false);
    const code = failure?.code;
    if (code === "SESSION_EXPIRED") {
      app.sessionExpired();
      return;
    }
    if (code === "READ_ONLY" || code === "STORAGE_CORRUPT") app.refreshInfo();
    showError(failure);
    if (["INSUFFICIENT_POINTS", "OUT_OF_STOCK", "INACTIVE_ITEM", "UNKNOWN_ITEM", "BAD_QUANTITY", "EMPTY_BASKET", "TOO_MANY_LINES", "READ_ONLY", "STORAGE_CORRUPT"].includes(code)) {
      // The basket must change first; a new attempt gets a new request id.
      confirm.disabled = true;
      app.refreshCatalog();
    }
  }

  if (blocked) {
    showError(blocked);
    confirm.disabled = true;
  } else if (quote) {
    speak(tIn("zh", "speakConfirm", showAmount(quote.total), showAmount(quote.balanceAfter)));
  }

  const root = h(
    "div",
    { class: "screen screen-confirm" },
    topBar({ left: [shopTitle(app), householdBadge(household)], right: [langButton(app)] }),
    h(
      "main",
      { class: "confirm-main" },
      h("h1", { class: "title-xl" }, icon("list"), h("span", { text: t("confirmTitle") })),
      h("p", { class: "lead", text: t("confirmHint") }),
      // The lines scroll when they are many; the totals under them stay in view.
      h("div", { class: "summary" }, lines ? h("div", { class: "summary-lines" }, lines) : null, totals),
      message,
      h("div", { class: "confirm-actions" }, back, confirm),
    ),
  );
  return { root };
}
