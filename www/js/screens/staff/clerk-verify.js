// The verifier in the clerk's screen: the same check as the native
// `aixin-verify` command on exported batches (a folder of them, a zip, or one
// batch's four files): every file against its manifest's SHA-256, seq
// continuity, the hash chain, and each batch chaining to the one before. A
// problem names the batch, the file and the line. A batch that passes but
// neither starts at entry 1 nor follows a batch given with it says plainly
// that it is not anchored.
import { h } from "../../dom.js";
import { t, tIn } from "../../i18n.js";
import { notice } from "../common.js";
import { staffFrame, messageSlot, runAction, showMessage, actionButton } from "../../staff/ui.js";
import { staffIcon } from "../../staff/icons.js";
import { canPickFolder, isCancel, batchesFromFiles, batchesFromPickedFolder } from "../../staff/batch-files.js";

function resultView(result) {
  const failed = result.batches.filter((batch) => !batch.ok);
  const problems = result.batches.flatMap((batch) => batch.problems);
  return h(
    "section",
    { class: "pane clerk-verify-result", "aria-labelledby": "clerk-verify-result-title" },
    h("h2", { class: "section-title", id: "clerk-verify-result-title", text: result.ok ? t("verifyOk", result.batches.length) : t("verifyFailed", failed.length) }),
    result.ok
      ? notice(t("verifyOk", result.batches.length), "ok", { role: "status" })
      : notice(t("verifyFailed", failed.length), "warn", { role: "alert" }),
    h(
      "ul",
      { class: "clerk-batches", role: "list" },
      result.batches.map((batch) =>
        h(
          "li",
          { class: batch.ok ? "clerk-batch is-ok" : "clerk-batch is-failed" },
          staffIcon(batch.ok ? "check" : "seal"),
          h("span", { text: `${batch.name}:${batch.ok ? t("batchOk", batch.firstSeq, batch.lastSeq) : t("batchFailed")}` }),
          // Whole in itself is not the same as the kiosk's own history.
          batch.ok && batch.anchored === false
            ? h(
                "p",
                { class: "clerk-batch-unanchored", role: "note" },
                h("span", { lang: "zh", text: tIn("zh", "batchNotAnchored") }),
                h("br"),
                h("span", { class: "dual-sub", lang: "en", text: tIn("en", "batchNotAnchored") }),
              )
            : null,
        ),
      ),
    ),
    problems.length
      ? h(
          "div",
          { class: "table-scroll clerk-table", tabindex: "0", role: "region", "aria-label": t("verifyFailed", failed.length) },
          h(
            "table",
            { class: "data-table", "aria-label": t("verifyFailed", failed.length) },
            h("thead", {}, h("tr", {}, [t("colBatch"), t("colFile"), t("colLine"), t("colProblem")].map((text) => h("th", { scope: "col", text })))),
            h(
              "tbody",
              {},
              problems.map((problem) =>
                h(
                  "tr",
                  {},
                  h("td", { text: problem.batch }),
                  h("td", { text: problem.file ?? "" }),
                  h("td", { class: "num", text: problem.line ? String(problem.line) : "" }),
                  h("td", {}, h("span", { text: problem.message }), h("br"), h("span", { class: "dual-sub", lang: "en", text: problem.messageEn })),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

export function staffClerkVerifyScreen(app, options = {}) {
  const state = options.keep ?? { result: null };
  const slot = messageSlot();

  async function check(read) {
    const outcome = await runAction(app, {
      slot,
      work: async () => {
        let batches;
        try {
          batches = await read();
        } catch (error) {
          if (isCancel(error)) return null;
          if (error?.code === "ZIP_BAD" || error?.code === "ZIP_UNSUPPORTED") throw Object.assign(new Error(tIn("zh", "zipBad")), { code: "ZIP_BAD", messageEn: tIn("en", "zipBad") });
          throw error;
        }
        return batches;
      },
    });
    if (!outcome.ok || !outcome.result) return;
    const batches = outcome.result;
    if (!batches.length) {
      showMessage(slot, t("verifyNone"));
      return;
    }
    try {
      state.result = app.kiosk.constructor.verifyBatches(batches);
    } catch (error) {
      showMessage(slot, app.errorText(error, { staff: true }));
      return;
    }
    app.go("staff-clerk-verify", { keep: state });
  }

  const filesInput = h("input", { id: "clerk-verify-files", type: "file", multiple: true, accept: ".zip,.json,.ndjson,.csv", class: "file-input" });
  filesInput.addEventListener("change", () => {
    const files = [...(filesInput.files ?? [])];
    filesInput.value = "";
    if (files.length) check(() => batchesFromFiles(files));
  });
  const filesButton = h("label", { class: "btn btn-secondary btn-big btn-file", for: "clerk-verify-files" }, staffIcon("fileIn"), h("span", { text: t("chooseBatchFiles") }));

  let folderControls;
  if (canPickFolder()) {
    folderControls = [actionButton({ label: "chooseFolder", iconName: "seal", primary: true, onClick: () => check(batchesFromPickedFolder) })];
  } else {
    const folderInput = h("input", { id: "clerk-verify-folder", type: "file", multiple: true, webkitdirectory: true, class: "file-input" });
    folderInput.addEventListener("change", () => {
      const files = [...(folderInput.files ?? [])];
      folderInput.value = "";
      if (files.length) check(() => batchesFromFiles(files));
    });
    folderControls = [folderInput, h("label", { class: "btn btn-secondary btn-big btn-file", for: "clerk-verify-folder" }, staffIcon("seal"), h("span", { text: t("chooseFolder") }))];
  }

  const body = h(
    "div",
    { class: "staff-body" },
    h(
      "section",
      { class: "pane", "aria-labelledby": "clerk-verify-title" },
      h("h2", { class: "section-title", id: "clerk-verify-title", text: t("menuVerify") }),
      h("p", { class: "field-hint", text: t("verifyHint") }),
      h("div", { class: "form-actions" }, folderControls, filesInput, filesButton),
      slot,
    ),
    state.result ? resultView(state.result) : null,
  );
  const root = staffFrame(app, { screen: "staff-clerk-verify", title: t("menuVerify"), iconName: "seal", body });
  return { root, keep: () => state };
}
