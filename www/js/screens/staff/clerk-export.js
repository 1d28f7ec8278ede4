// The clerk's export for upload: the entries since the last upload (by
// default), a range of seqs or everything, saved as the batch's four files
// into a folder on the USB stick (File System Access API) or as a zip
// download; then "uploaded", a journal entry that moves the "since the last
// upload" mark. The storage gauge sits below.
import { h } from "../../dom.js";
import { t } from "../../i18n.js";
import { notice } from "../common.js";
import { padInput } from "../../staff/pad.js";
import { staffFrame, field, choiceGroup, actionButton, messageSlot, runAction, showMessage } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";
import { saveBatch, canPickFolder, isCancel } from "../../staff/batch-files.js";
import { storageGauge } from "../../staff/gauge.js";
import { platformStatusPanel } from "../../staff/platform-status.js";

const SEQ_DIGITS_MAX = 9;

function freshState() {
  return { range: "since", from: "", to: "", batch: null, saved: null, marked: null, markRequest: null };
}

/** The range as exportBatch takes it, or null with a message when the seqs are not filled. */
function rangeInput(state) {
  if (state.range === "all") return "everything";
  if (state.range === "since") return "since_last_upload";
  const from = Number.parseInt(state.from, 10);
  const to = Number.parseInt(state.to, 10);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return null;
  return { from, to };
}

export function staffClerkExportScreen(app, options = {}) {
  const state = options.keep ?? freshState();
  const info = app.refreshInfo();
  const uploaded = info.uploadedThroughSeq ?? 0;
  const slot = messageSlot();
  const markSlot = messageSlot();

  const sinceText = uploaded < info.seq ? t("rangeSince", uploaded + 1, info.seq) : t("rangeSinceNone");
  const rangeChoice = choiceGroup({
    name: "clerk-export-range",
    legend: t("exportRange"),
    options: [
      { value: "since", label: `${t("range_since")}(${sinceText})` },
      { value: "seqs", label: t("range_seqs") },
      { value: "all", label: `${t("range_all")}(${t("rangeSince", 1, info.seq)})` },
    ],
    value: state.range,
    onChange: (value) => {
      state.range = value;
      app.go("staff-clerk-export", { keep: state });
    },
  });
  const seqFields =
    state.range === "seqs"
      ? h(
          "div",
          { class: "form-grid" },
          field({
            id: "clerk-export-from",
            label: t("seqFrom"),
            control: padInput({ id: "clerk-export-from", value: state.from, maxLength: SEQ_DIGITS_MAX, title: t("seqFrom"), onChange: (value) => (state.from = value) }),
          }),
          field({
            id: "clerk-export-to",
            label: t("seqTo"),
            control: padInput({ id: "clerk-export-to", value: state.to, maxLength: SEQ_DIGITS_MAX, title: t("seqTo"), onChange: (value) => (state.to = value) }),
          }),
        )
      : null;

  async function exportTo(folder, buttons) {
    const range = rangeInput(state);
    if (range === null) {
      showMessage(slot, t("seqsFirst"));
      return;
    }
    const outcome = await runAction(app, {
      buttons,
      slot,
      work: async () => {
        const batch = await app.staffCall("exportBatch", { range, bytes: true });
        try {
          return { batch, saved: await saveBatch(batch, { folder }) };
        } catch (error) {
          if (isCancel(error)) return { batch, saved: null };
          throw error;
        }
      },
    });
    if (!outcome.ok) return;
    const { batch, saved } = outcome.result;
    if (!saved) {
      showMessage(slot, t("exportCancelled"), "info");
      return;
    }
    state.batch = { name: batch.name, firstSeq: batch.firstSeq, lastSeq: batch.lastSeq };
    state.saved = saved.where;
    state.marked = null;
    state.markRequest = null;
    app.go("staff-clerk-export", { keep: state });
  }

  const saveButtons = [];
  const folderButton = canPickFolder()
    ? actionButton({ label: "saveToFolder", iconName: "fileOut", primary: true, onClick: () => exportTo(true, saveButtons) })
    : null;
  const zipButton = actionButton({ label: "saveAsZip", iconName: "fileOut", primary: !folderButton, onClick: () => exportTo(false, saveButtons) });
  saveButtons.push(folderButton, zipButton);

  const parts = [
    h(
      "section",
      { class: "pane", "aria-labelledby": "clerk-export-title" },
      h("h2", { class: "section-title", id: "clerk-export-title", text: t("menuExport") }),
      h("p", { class: "field-hint", id: "clerk-last-upload", text: uploaded ? t("lastUpload", uploaded) : t("neverUploaded") }),
      rangeChoice,
      seqFields,
      h("p", { class: "field-hint", text: t("exportFiles") }),
      h("div", { class: "form-actions" }, folderButton, zipButton),
      slot,
    ),
  ];

  // An auditor (村务监督委员会) takes the files away but moves no mark.
  if (state.batch && app.staffCan("clerk")) {
    const batch = state.batch;
    const markable = batch.lastSeq === info.seq && batch.firstSeq <= uploaded + 1 && batch.lastSeq > uploaded;
    const mark = markable
      ? actionButton({
          label: "markUploaded",
          args: [batch.lastSeq],
          iconName: "check",
          primary: true,
          onClick: async () => {
            state.markRequest ??= newRequestId();
            const outcome = await runAction(app, {
              buttons: [mark],
              slot: markSlot,
              work: () => app.staffCall("markUploaded", { lastSeq: batch.lastSeq, requestId: state.markRequest }),
            });
            if (!outcome.ok) return;
            state.marked = batch.lastSeq;
            state.markRequest = null;
            app.go("staff-clerk-export", { keep: state });
          },
        })
      : null;
    parts.push(
      h(
        "section",
        { class: "pane", "aria-labelledby": "clerk-mark-title" },
        h("h2", { class: "section-title", id: "clerk-mark-title", text: t("markUploadedTitle") }),
        notice(t("exportSaved", state.saved), "ok", { role: "status", title: t("exportBatchLine", batch.firstSeq, batch.lastSeq, batch.lastSeq - batch.firstSeq + 1) }),
        state.marked !== null
          ? notice(t("markedUploaded", state.marked), "ok", { role: "status" })
          : markable
            ? [h("p", { class: "field-hint", text: t("markUploadedHint") }), h("div", { class: "form-actions" }, mark)]
            : batch.lastSeq > uploaded
              ? notice(t("notMarkable"), "info", { role: "note" })
              : null,
        markSlot,
      ),
    );
  }
  parts.push(platformStatusPanel(app, { id: "clerk-export-platform" }));
  parts.push(storageGauge(app));

  const root = staffFrame(app, {
    screen: "staff-clerk-export",
    title: t("menuExport"),
    iconName: "fileOut",
    body: h("div", { class: "staff-body" }, parts),
  });
  return { root, keep: () => state };
}
