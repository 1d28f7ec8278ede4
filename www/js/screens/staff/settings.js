// Village settings (admin): the year end, the blacklist, how names show on
// the board, code width, honours counts and posting days — each a journal
// entry when changed. A new one-time recovery code. And the enrollment with
// the county platform: the page accepts only the platform origin its dist
// folder allows (or, with none, a platform on this PC).
import { h } from "../../dom.js";
import { t } from "../../i18n.js";
import { notice } from "../common.js";
import { padInput } from "../../staff/pad.js";
import { staffFrame, field, textInput, choiceGroup, actionButton, messageSlot, runAction, showMessage } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";
import { recoveryPanel } from "../../staff/recovery.js";
import { clearPrint } from "../../staff/print.js";
import { platformStatusPanel } from "../../staff/platform-status.js";
import "../../staff/cosign.js";

/** The enrollment form: platform address, the county's id, the one-time code. */
function platformSection(app, state) {
  const allowed = app.kiosk.platformAllowedOrigin?.() ?? null;
  const form = (state.platform ??= { url: allowed ?? "", countyId: "", code: "", requestId: null });
  const slot = messageSlot();
  const url = textInput({ id: "platform-url", value: form.url, maxLength: 200, placeholder: allowed ?? "http://127.0.0.1:8080", onInput: (value) => (form.url = value) });
  const countyId = textInput({ id: "platform-county-id", value: form.countyId, maxLength: 40, placeholder: "420102001001-01", onInput: (value) => (form.countyId = value) });
  const code = textInput({ id: "platform-code", value: form.code, maxLength: 64, onInput: (value) => (form.code = value) });
  const enroll = actionButton({
    label: "platformEnroll",
    iconName: "check",
    primary: true,
    onClick: async () => {
      if (!form.url.trim() || !form.countyId.trim() || !form.code.trim()) {
        showMessage(slot, t("platformFill"));
        return;
      }
      // One id per attempt, reused if this same attempt is sent again.
      form.requestId ??= newRequestId();
      const outcome = await runAction(app, {
        buttons: [enroll],
        slot,
        work: () => app.staffCall("enrollPlatform", { url: form.url, countyId: form.countyId, code: form.code, requestId: form.requestId }),
      });
      form.requestId = null;
      if (!outcome.ok) return;
      state.platform = null;
      app.uploader?.poke();
      app.go("staff-settings", { keep: state });
      app.view?.root?.querySelector("#platform-message")?.replaceChildren(notice(t("platformEnrolled", outcome.result.countyId), "ok", { role: "status" }));
    },
  });
  slot.id = "platform-message";
  return h(
    "section",
    { class: "pane", "aria-labelledby": "platform-section" },
    h("h2", { class: "section-title", id: "platform-section", text: t("platformEnrollTitle") }),
    h("p", { class: "field-hint", text: t("platformEnrollHint") }),
    h("p", { class: "field-hint", id: "platform-allowed", text: allowed ? t("platformAllowedOnly", allowed) : t("platformLoopbackOnly") }),
    h(
      "div",
      { class: "form-grid" },
      field({ id: "platform-url", label: t("platformUrl"), control: url }),
      field({ id: "platform-county-id", label: t("platformCountyId"), control: countyId }),
      field({ id: "platform-code", label: t("platformCode"), control: code }),
    ),
    h("div", { class: "form-actions" }, enroll),
    slot,
    platformStatusPanel(app, { id: "settings-platform" }),
  );
}

const CHOICES = {
  year_end: ["clear", "carry"],
  blacklist_redeem: ["allow", "deny"],
  blacklist_on_board: ["show", "hide"],
  name_display: ["full", "surname", "code"],
  thanks_on_board: ["show", "hide"],
  two_person_rule: ["on", "off"],
};
const NUMBERS = { code_width: 16, stars_count: 500, advanced_count: 500, posting_days: 60, upload_day: 28 };

export function staffSettingsScreen(app, options = {}) {
  const state = options.keep ?? { recovery: null, confirmRecovery: false, recoveryRequest: null };
  const slot = messageSlot();

  if (state.recovery) {
    const root = staffFrame(app, {
      screen: "staff-settings",
      title: t("newRecoveryCode"),
      iconName: "shield",
      back: null,
      body: h(
        "div",
        { class: "staff-body" },
        recoveryPanel(app, state.recovery, {
          onDone: () => {
            state.recovery = null;
            clearPrint(app);
            app.go("staff-settings", { keep: state });
          },
        }),
      ),
    });
    return { root, keep: () => state, leave: () => clearPrint(app) };
  }

  let settings = {};
  try {
    settings = app.kiosk.settings() ?? {};
  } catch {
    settings = {};
  }

  async function change(key, value) {
    const outcome = await runAction(app, {
      slot,
      work: () => app.staffCall("changeSetting", { key, value: String(value), requestId: newRequestId() }),
    });
    if (outcome.ok) {
      showMessage(slot, t("settingSaved", t(`setting_${key}`)), "ok");
    } else if (!outcome.handled) {
      // Show the stored value again.
      const message = slot.firstChild;
      app.go("staff-settings", { keep: state });
      if (message) app.view?.root?.querySelector(".message-slot")?.replaceChildren(message);
    }
  }

  const rows = [];
  for (const [key, values] of Object.entries(CHOICES)) {
    rows.push(
      h(
        "div",
        { class: "setting" },
        choiceGroup({
          name: `setting-${key}`,
          legend: t(`setting_${key}`),
          options: values.map((value) => ({ value, label: t(`setting_${key}_${value}`) })),
          value: settings[key],
          onChange: (value) => change(key, value),
        }),
        h("p", { class: "field-hint", text: t(`settingHint_${key}`) }),
      ),
    );
  }
  for (const [key, max] of Object.entries(NUMBERS)) {
    const input = padInput({
      id: `setting-${key}`,
      value: settings[key] ?? "",
      layout: "integer",
      maxLength: String(max).length,
      title: t(`setting_${key}`),
      hint: t("settingRange", 0, max),
      onChange: (value) => {
        const number = Number.parseInt(value, 10);
        if (!Number.isSafeInteger(number) || number < 0 || number > max) {
          showMessage(slot, t("settingRange", 0, max));
          input.value = settings[key] ?? "";
          return;
        }
        settings[key] = String(number);
        input.value = String(number);
        change(key, number);
      },
    });
    input.classList.add("input-qty");
    rows.push(h("div", { class: "setting" }, field({ id: `setting-${key}`, label: t(`setting_${key}`), control: input, hint: t(`settingHint_${key}`) })));
  }

  let recovery;
  if (state.confirmRecovery) {
    const make = actionButton({
      label: "newRecoveryConfirm",
      iconName: "shield",
      primary: true,
      onClick: async () => {
        state.recoveryRequest ??= newRequestId();
        const outcome = await runAction(app, {
          buttons: [make],
          slot: recoverySlot,
          work: () => app.staffCall("newRecoveryCode", { requestId: state.recoveryRequest }),
        });
        if (!outcome.ok) return;
        state.recovery = outcome.result.recoveryCode;
        state.recoveryRequest = null;
        state.confirmRecovery = false;
        app.go("staff-settings", { keep: state });
      },
    });
    recovery = [
      notice(t("newRecoveryWarn"), "info", { role: "note" }),
      h("div", { class: "form-actions" }, actionButton({ label: "cancel", onClick: () => {
        state.confirmRecovery = false;
        app.go("staff-settings", { keep: state });
      } }), make),
    ];
  } else {
    recovery = [
      h("p", { class: "field-hint", text: t("newRecoveryHint") }),
      h("div", { class: "form-actions" }, actionButton({ label: "newRecoveryCode", iconName: "shield", onClick: () => {
        state.confirmRecovery = true;
        app.go("staff-settings", { keep: state });
      } })),
    ];
  }
  const recoverySlot = messageSlot();

  const body = h(
    "div",
    { class: "staff-body" },
    slot,
    h("div", { class: "settings-grid" }, rows),
    h("section", { class: "pane", "aria-labelledby": "recovery-section" }, h("h2", { class: "section-title", id: "recovery-section", text: t("recoveryTitle") }), recovery, recoverySlot),
    typeof app.kiosk.enrollPlatform === "function" ? platformSection(app, state) : null,
  );
  const root = staffFrame(app, { screen: "staff-settings", title: t("menuSettings"), iconName: "sliders", body });
  return { root, keep: () => state };
}
