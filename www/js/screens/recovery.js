// Damaged storage (STORAGE_CORRUPT): the kiosk opened what verifies,
// read-only; home says so, and the staff button leads here instead of to a
// sign-in. This screen offers the ways back, in order: save the
// intact records to a USB stick; restore from the latest backup (and the
// intact records after it); or, as the last resort, restart the journal
// after the last good record, with a printed report of what was lost. Each
// asks for a staff id and PIN, checked by the core (no staff session can be
// made on a damaged kiosk); the last two need an admin.
import { h } from "../dom.js";
import { t, tIn, dateTime } from "../i18n.js";
import { topBar, shopTitle, langButton, notice } from "./common.js";
import { padInput } from "../staff/pad.js";
import { field, messageSlot, showMessage, actionButton } from "../staff/ui.js";
import { fileChooser, saveTextFile } from "../staff/backup-file.js";
import { printNow, setPrint } from "../staff/print.js";
import { staffIcon } from "../staff/icons.js";

/** Both languages of a word, Chinese first, for the printed report. */
function both(key, ...args) {
  return `${tIn("zh", key, ...args)} / ${tIn("en", key, ...args)}`;
}

/** The printed report of a recovery. */
function reportDoc(report) {
  const lines = [
    h("h1", { class: "pa-title", text: both("damagedReportTitle") }),
    h("p", { class: "pa-text", text: both("damagedReportKiosk", report.kioskId) }),
    h("p", { class: "pa-text", text: both("damagedReportBy", report.staff, dateTime(report.time)) }),
    h("p", { class: "pa-text", text: report.backupSeq ? both("damagedReportBackup", report.backupSeq) : both("damagedReportPrefix") }),
    report.reapplied ? h("p", { class: "pa-text", text: both("damagedReportReapplied", report.reapplied) }) : null,
  ];
  if (report.lostFromSeq) {
    lines.push(
      h("p", { class: "pa-text", text: both("damagedReportLost", report.lostFromSeq, report.lostToSeq) }),
      h("p", { class: "pa-small", text: both("damagedReportBadHash", report.badRecordHash) }),
      h("p", { class: "pa-text", text: both("damagedReportLostList") }),
      h(
        "ul",
        { class: "pa-list" },
        report.lostEntries.map((lost) =>
          h("li", { text: `#${lost.seq} ${lost.time ? dateTime(lost.time) : "?"} ${lost.kind} ${lost.summary}` }),
        ),
      ),
    );
  } else {
    lines.push(h("p", { class: "pa-text", text: both("damagedReportNothingLost") }));
  }
  lines.push(h("p", { class: "pa-small", text: both("damagedReportNow", report.seq, report.stateHash) }));
  return lines;
}

export function recoveryScreen(app, options = {}) {
  const state = options.keep ?? { staffId: "", pin: "", confirmed: false, report: null };
  const readOnly = app.readOnly() ?? {};
  const slot = messageSlot();

  if (state.report) {
    const report = state.report;
    setPrint(app, "a4", t("damagedReportTitle"), reportDoc(report));
    const root = frame(
      app,
      notice(t("damagedDone"), "ok", { role: "status" }),
      h("section", { class: "recovery-report" }, reportDoc(report)),
      h(
        "div",
        { class: "form-actions" },
        actionButton({ label: "damagedPrint", iconName: "printer", onClick: () => printNow(app, "a4", t("damagedReportTitle"), reportDoc(report)) }),
        actionButton({ label: "damagedHome", primary: true, onClick: () => app.afterDemoLoaded() }),
      ),
    );
    return { root, keep: () => state, busy: () => true };
  }

  const who = () => {
    if (!state.staffId || !app.isPin(state.pin)) {
      showMessage(slot, t("damagedFillStaff"));
      return null;
    }
    return { staff: state.staffId, pin: state.pin, now: Date.now() };
  };

  async function run(buttons, work) {
    if (app.pending) return;
    app.setPending(true);
    for (const button of buttons) button.disabled = true;
    showMessage(slot, t("working"), "info");
    try {
      await work();
    } catch (error) {
      showMessage(slot, app.errorText(error));
    } finally {
      app.setPending(false);
      for (const button of buttons) button.disabled = false;
    }
  }

  async function recover(text) {
    const input = who();
    if (!input) return;
    if (text) input.text = text;
    state.report = await app.kiosk.recoverStorage(input);
    state.pin = "";
    app.refreshInfo();
    app.go("recovery", { keep: state });
  }

  const saveButton = actionButton({
    label: "damagedStep1Do",
    iconName: "box",
    onClick: () =>
      run([saveButton], async () => {
        const input = who();
        if (!input) return;
        const file = await app.kiosk.backup(input);
        if (await saveTextFile(file.name, file.text)) showMessage(slot, t("backupSaved", file.name, file.entries), "ok");
      }),
  });
  const backupChooser = fileChooser({
    id: "recovery-backup",
    labelKey: "restoreChoose",
    onText: (text) => run([], () => recover(text)),
    onError: () => showMessage(slot, app.errorText({ code: "BACKUP_INVALID", line: 1 })),
  });
  const restartButton = actionButton({
    label: "damagedStep3Do",
    iconName: "printer",
    onClick: () => {
      if (!state.confirmed) {
        showMessage(slot, t("damagedStep3Confirm"));
        return;
      }
      run([restartButton], () => recover(null));
    },
  });
  const confirm = h("input", { type: "checkbox", id: "recovery-confirm", class: "check-input" });
  confirm.checked = state.confirmed;
  confirm.addEventListener("change", () => {
    state.confirmed = confirm.checked;
  });

  const root = frame(
    app,
    notice(t("damagedText", readOnly.seq ?? "?"), "warn"),
    h(
      "div",
      { class: "form-grid" },
      field({
        id: "recovery-staff",
        label: t("damagedStaffId"),
        control: padInput({ id: "recovery-staff", layout: "alnum", letterCase: "lower", value: state.staffId, title: t("damagedStaffId"), onChange: (value) => (state.staffId = value) }),
      }),
      field({
        id: "recovery-pin",
        label: t("damagedPin"),
        control: padInput({ id: "recovery-pin", layout: "pin", maxLength: app.limits.pinLengthMax, value: state.pin, title: t("damagedPin"), onChange: (value) => (state.pin = value) }),
      }),
    ),
    slot,
    h("section", { class: "recovery-step" }, h("h2", { class: "section-title", text: t("damagedStep1") }), saveButton),
    h(
      "section",
      { class: "recovery-step" },
      h("h2", { class: "section-title", text: t("damagedStep2") }),
      h("p", { class: "field-hint", text: t("damagedStep2Text") }),
      backupChooser,
    ),
    h(
      "section",
      { class: "recovery-step" },
      h("h2", { class: "section-title", text: t("damagedStep3") }),
      h("p", { class: "field-hint", text: t("damagedStep3Text") }),
      h("label", { class: "choice", for: "recovery-confirm" }, confirm, h("span", { class: "choice-text", text: t("damagedStep3Confirm") })),
      restartButton,
    ),
    h("div", { class: "form-actions" }, actionButton({ label: "back", onClick: () => !app.pending && app.go("home") })),
  );
  return { root, keep: () => state };
}

function frame(app, ...children) {
  return h(
    "div",
    { class: "screen screen-staff screen-recovery" },
    topBar({ left: [shopTitle(app)], right: [langButton(app)] }),
    h(
      "main",
      { class: "staff-main staff-narrow" },
      h("h1", { class: "staff-title" }, staffIcon("shield", "staff-title-icon"), h("span", { text: t("damagedTitle") })),
      ...children,
    ),
  );
}
