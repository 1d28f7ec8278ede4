// The backup screen (clerk, admin): the whole journal to one file on a USB
// stick. PINs go with it only when an admin asks, after a warning. Restoring
// happens on a new, empty kiosk (its first-run page), so this screen only
// says where.
import { h } from "../../dom.js";
import { t } from "../../i18n.js";
import { notice } from "../common.js";
import { staffFrame, choiceGroup, messageSlot, showMessage, actionButton, runAction } from "../../staff/ui.js";
import { saveTextFile } from "../../staff/backup-file.js";

export function staffBackupScreen(app, options = {}) {
  const admin = app.staffCan("admin");
  const state = options.keep ?? { includePins: false };
  const slot = messageSlot();
  const warning = h("div", { class: "backup-pins-note" });
  const showNote = () => {
    warning.replaceChildren(
      state.includePins ? notice(t("backupPinsWarn"), "warn", { role: "alert" }) : h("p", { class: "field-hint", text: t("backupNoPinsHint") }),
    );
  };
  showNote();
  const pins = admin
    ? choiceGroup({
        name: "backup-pins",
        legend: t("backupPins"),
        value: state.includePins ? "yes" : "no",
        options: [
          { value: "no", label: t("backupNoPins") },
          { value: "yes", label: t("backupPins") },
        ],
        onChange: (value) => {
          state.includePins = value === "yes";
          showNote();
        },
      })
    : null;
  const save = actionButton({
    label: "backupSave",
    iconName: "box",
    primary: true,
    onClick: async () => {
      const { ok, result } = await runAction(app, {
        buttons: [save],
        slot,
        work: () => app.staffCall("backup", { includePins: admin && state.includePins }),
      });
      if (!ok) return;
      if (!(await saveTextFile(result.name, result.text))) return;
      showMessage(slot, `${t("backupSaved", result.name, result.entries)} · ${t("backupStateHash", result.stateHash.slice(0, 16))}`, "ok");
    },
  });
  const body = h(
    "div",
    { class: "staff-narrow" },
    h("p", { class: "lead", text: t("backupText") }),
    pins,
    warning,
    h("div", { class: "form-actions" }, save),
    slot,
    h("p", { class: "field-hint", text: t("backupRestoreHint") }),
  );
  const root = staffFrame(app, { screen: "staff-backup", title: t("backupTitle"), iconName: "box", body });
  return { root, keep: () => state };
}
