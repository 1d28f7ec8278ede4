// Restoring this empty kiosk from the county platform, from its first-run
// page or the missing-data page: the platform address, the county's kiosk id
// and the restore code the county printed; optionally a backup of this kiosk
// made with PINs (any age) to take the PINs from, else an admin's new PIN.
// The core downloads the journal in pages, verifies and folds it, and opens
// at the platform's head, enrolled again. Then the page lists who still
// needs a PIN, before the kiosk is used.
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { topBar, shopTitle, langButton, notice } from "./common.js";
import { padInput } from "../staff/pad.js";
import { field, textInput, actionButton, messageSlot, showMessage } from "../staff/ui.js";
import { fileChooser } from "../staff/backup-file.js";
import { staffIcon } from "../staff/icons.js";

/** A file that is not a backup at all (not even text). */
const NOT_A_BACKUP = { code: "BACKUP_INVALID", line: 1 };

export function platformRestoreScreen(app, options = {}) {
  const allowed = app.kiosk.platformAllowedOrigin?.() ?? null;
  const state = options.keep ?? { url: allowed ?? "", countyId: "", code: "", text: null, header: null, adminId: "admin", adminPin: "", done: null };
  if (state.done) return doneStep(app, state);
  const slot = messageSlot();

  const url = textInput({ id: "platform-restore-url", value: state.url, maxLength: 200, placeholder: allowed ?? "http://127.0.0.1:8080", onInput: (value) => (state.url = value) });
  const countyId = textInput({ id: "platform-restore-county-id", value: state.countyId, maxLength: 40, placeholder: "420102001001-01", onInput: (value) => (state.countyId = value) });
  const code = textInput({ id: "platform-restore-code", value: state.code, maxLength: 64, placeholder: "1234-5678-9012-3456", onInput: (value) => (state.code = value) });
  const chooser = fileChooser({
    id: "platform-restore-file",
    labelKey: "platformRestoreBackup",
    onText: (text) => {
      state.text = null;
      state.header = null;
      try {
        state.header = app.kiosk.constructor.readBackup(text);
        state.text = text;
      } catch (error) {
        app.go("platform-restore", { keep: state });
        queueMicrotask(() => showMessage(app.view.root.querySelector(".message-slot"), app.errorText(error)));
        return;
      }
      app.go("platform-restore", { keep: state });
    },
    onError: () => showMessage(slot, app.errorText(NOT_A_BACKUP)),
  });
  const adminId = textInput({ id: "platform-restore-admin", value: state.adminId, maxLength: app.limits.staffIdLengthMax, onInput: (value) => (state.adminId = value.trim().toLowerCase()) });
  const adminPin = padInput({ id: "platform-restore-pin", layout: "pin", maxLength: app.limits.pinLengthMax, value: state.adminPin, title: t("platformRestoreNewPin", app.limits.pinLengthMin, app.limits.pinLengthMax), onChange: (value) => (state.adminPin = value) });
  const restore = actionButton({ label: "platformRestoreStart", iconName: "check", primary: true, onClick: () => run(restore) });

  async function run(button) {
    if (app.pending) return;
    if (!state.url.trim() || !state.countyId.trim() || !state.code.trim()) {
      showMessage(slot, t("platformRestoreFill"));
      return;
    }
    const pin = app.isPin(state.adminPin);
    const pinsFromBackup = Boolean(state.header?.includesPins);
    if (!pinsFromBackup && !pin) {
      showMessage(slot, t("platformRestoreNeedPin", app.limits.pinLengthMin, app.limits.pinLengthMax));
      return;
    }
    app.setPending(true);
    button.disabled = true;
    showMessage(slot, t("platformRestoreWorking"), "info");
    try {
      const input = { url: state.url.trim(), countyId: state.countyId.trim(), code: state.code.trim(), now: Date.now() };
      if (state.text) input.backupText = state.text;
      if (pin) Object.assign(input, { adminId: state.adminId, adminPin: state.adminPin });
      state.done = await app.kiosk.restoreFromPlatform(input);
      state.text = null;
      state.adminPin = "";
      app.setPending(false);
      app.go("platform-restore", { keep: state });
    } catch (error) {
      app.setPending(false);
      button.disabled = false;
      showMessage(slot, app.errorText(error));
    }
  }

  const root = frame(
    app,
    h("p", { class: "lead", text: t("platformRestoreText") }),
      h("p", { class: "field-hint", text: allowed ? t("platformAllowedOnly", allowed) : t("platformLoopbackOnly") }),
      h(
        "div",
        { class: "form-grid" },
        field({ id: "platform-restore-url", label: t("platformUrl"), control: url }),
        field({ id: "platform-restore-county-id", label: t("platformCountyId"), control: countyId }),
        field({ id: "platform-restore-code", label: t("platformRestoreCode"), control: code }),
      ),
      h("h2", { class: "section-title", text: t("platformRestorePinsTitle") }),
      h("p", { class: "field-hint", text: t("platformRestorePinsText") }),
      chooser,
      state.header ? notice(t("platformRestoreBackupChosen", state.header.entries), "info", { role: "status" }) : null,
      h(
        "div",
        { class: "form-grid" },
        field({ id: "platform-restore-admin", label: t("platformRestoreAdmin"), control: adminId }),
        field({ id: "platform-restore-pin", label: t("platformRestoreNewPin", app.limits.pinLengthMin, app.limits.pinLengthMax), control: adminPin }),
      ),
      h("div", { class: "form-actions" }, restore),
      slot,
      h("div", { class: "form-actions" }, actionButton({ label: "back", onClick: () => !app.pending && app.go("setup") })),
  );
  return { root, keep: () => state, busy: () => Boolean(state.code || state.text) };
}

/** The screen around `children`: the top bar and the title. */
function frame(app, ...children) {
  return h(
    "div",
    { class: "screen screen-setup screen-platform-restore" },
    topBar({ left: [shopTitle(app)], right: [langButton(app)] }),
    h(
      "main",
      { class: "staff-main staff-narrow" },
      h("h1", { class: "staff-title" }, staffIcon("box", "staff-title-icon"), h("span", { text: t("platformRestoreTitle") })),
      ...children,
    ),
  );
}

/** The restore is done: its figures, and who needs a new PIN. */
function doneStep(app, state) {
  const done = state.done;
  const needs = done.needsPin ?? [];
  const list = needs.length
    ? [
        notice(t("platformRestoreNeedsPin", needs.length), "warn", { role: "status" }),
        h(
          "ul",
          { class: "platform-restore-needs-pin" },
          needs.map((who) =>
            h("li", { "data-kind": who.kind, "data-id": who.id, text: `${t(who.kind === "staff" ? "platformRestoreStaff" : "platformRestoreHousehold")} ${who.id} ${who.name}` }),
          ),
        ),
      ]
    : [notice(t("platformRestoreAllPins"), "ok", { role: "status" })];
  const root = frame(
    app,
      notice(t("platformRestoreDone", done.headSeq), "ok", { role: "status" }),
      h("p", { class: "field-hint platform-restore-state-hash", "data-state-hash": done.headStateHash, text: t("platformRestoreStateHash", done.headStateHash) }),
      list,
      h(
        "div",
        { class: "form-actions" },
        actionButton({
          label: "platformRestoreOpen",
          iconName: "check",
          primary: true,
          onClick: () => {
            app.setupState = null;
            app.afterDemoLoaded();
            app.uploader?.poke();
          },
        }),
      ),
  );
  return { root, keep: () => state };
}
