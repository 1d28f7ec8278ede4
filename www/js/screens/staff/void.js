// Void a mistaken redemption: the receipt number typed or scanned from the
// printed receipt, the redemption shown first, then a reason. Points and
// stock come back; the original entry stays in the journal.
import { h } from "../../dom.js";
import { t, tIn, lang, dateTime } from "../../i18n.js";
import { notice } from "../common.js";
import { padInput } from "../../staff/pad.js";
import { staffFrame, field, textInput, actionButton, messageSlot, runAction, showMessage, staffError } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";

const PRESETS = ["voidWrongGoods", "voidReturned", "voidTwice"];

/** The receipt number as the core reads it: the kiosk's own prefix in any case, or the bare number. */
function receiptKey(app, text) {
  const value = String(text ?? "").trim();
  const match = /^(.*)-(\d{1,12})$/.exec(value);
  const kioskId = app.info?.kioskId ?? "";
  if (match && match[1].toLowerCase() === kioskId.toLowerCase()) return match[2];
  return value;
}

export function staffVoidScreen(app, options = {}) {
  const state = options.keep ?? { receipt: "", found: null, reason: "", requestId: null, voided: false };
  const slot = messageSlot();
  const lookupSlot = messageSlot();

  function lookUp() {
    const key = receiptKey(app, state.receipt);
    if (!key) {
      showMessage(lookupSlot, t("receiptFirst"));
      return;
    }
    try {
      state.found = app.staffRead("redemption", { receipt: key });
      state.requestId = null;
      state.voided = false;
      app.go("staff-void", { keep: state });
    } catch (error) {
      if (error?.handled) return;
      state.found = null;
      showMessage(lookupSlot, staffError(app, error));
    }
  }

  const receiptInput = padInput({
    id: "void-receipt",
    value: state.receipt,
    layout: "alnum",
    letterCase: "lower",
    maxLength: 48,
    title: t("receiptNumber"),
    onChange: (value, result) => {
      state.receipt = value;
      if (result && !result.typed) lookUp();
    },
  });
  receiptInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      lookUp();
    }
  });
  const find = actionButton({ label: "lookUp", iconName: "search", onClick: lookUp });

  const parts = [
    h("p", { class: "field-hint", text: t("voidHint") }),
    h("div", { class: "lookup-row" }, field({ id: "void-receipt", label: t("receiptNumber"), control: receiptInput, hint: t("receiptHint") }), find),
    lookupSlot,
  ];

  const found = state.found;
  if (found) {
    const name = (line) => (lang() === "zh" || !line.nameEn ? line.nameZh : line.nameEn);
    const dd = (label, value) => h("div", { class: "fact" }, h("dt", { text: label }), h("dd", { text: value }));
    parts.push(
      h(
        "section",
        { class: "found-card", "aria-labelledby": "void-found" },
        h("h2", { class: "section-title", id: "void-found", text: t("receiptFound", found.receiptNumber) }),
        found.voided ? notice(t("alreadyVoidedNote"), "info", { role: "status" }) : null,
        h(
          "dl",
          { class: "facts" },
          dd(t("receiptTime"), dateTime(found.time)),
          dd(t("receiptHousehold"), `${found.householdName} (${found.household})`),
          dd(t("receiptPaid"), t("points", found.total)),
          found.assistedBy ? dd(t("assistedBy"), found.assistedBy) : null,
        ),
        h(
          "table",
          { class: "data-table" },
          h("caption", { class: "sr-only", text: t("summary") }),
          h(
            "tbody",
            {},
            found.lines.map((line) =>
              h(
                "tr",
                {},
                h("th", { scope: "row", text: name(line) }),
                h("td", { class: "num", text: t("lineQty", line.qty, t("points", line.unitPrice)) }),
                h("td", { class: "num", text: t("points", line.lineTotal) }),
              ),
            ),
          ),
        ),
      ),
    );
    if (!found.voided) {
      const reason = textInput({ id: "void-reason", value: state.reason, maxLength: 180, onInput: (value) => {
        state.reason = value;
        state.requestId = null;
      } });
      const presets = h(
        "div",
        { class: "preset-list", role: "group", "aria-label": t("commonReasons") },
        PRESETS.map((key) =>
          h("button", { type: "button", class: "btn btn-row btn-preset", onclick: () => {
            // The record is kept in Chinese, whatever the screen's language.
            state.reason = tIn("zh", key);
            reason.value = state.reason;
            state.requestId = null;
          } }, t(key)),
        ),
      );
      const go = actionButton({
        label: "voidDo",
        args: [t("points", found.total)],
        iconName: "undo",
        primary: true,
        onClick: async () => {
          if (!state.reason.trim()) {
            showMessage(slot, t("reasonFirst"));
            reason.focus();
            return;
          }
          state.requestId ??= newRequestId();
          const outcome = await runAction(app, {
            buttons: [go],
            slot,
            busy: "saving",
            work: () => app.staffCall("voidRedemption", { receipt: String(found.seq), reason: state.reason.trim(), requestId: state.requestId }),
          });
          if (!outcome.ok) return;
          app.refreshCatalog();
          state.found = { ...found, voided: true };
          state.voided = true;
          state.reason = "";
          state.requestId = null;
          app.go("staff-void", { keep: state });
        },
      });
      parts.push(field({ id: "void-reason", label: t("reasonLabel"), control: reason }), presets, slot, h("div", { class: "form-actions" }, go));
    } else if (state.voided) {
      parts.push(notice(t("voidDone", found.receiptNumber, t("points", found.total)), "ok", { role: "status" }));
    }
  }

  const root = staffFrame(app, { screen: "staff-void", title: t("menuVoid"), iconName: "undo", body: h("div", { class: "staff-body" }, parts) });
  return {
    root,
    keep: () => state,
    onScan(text) {
      state.receipt = text.trim();
      receiptInput.value = state.receipt;
      lookUp();
    },
  };
}
