// The clerk's imports from the points platform: households, credited points,
// and the platform's balance list to reconcile against. A file is decoded in
// the page (saying which encoding), previewed row by row, and applied only
// after the preview; a refused file lists every bad row by line and column
// and changes nothing. Credits that differ from what was credited are
// applied only as a correction with a reason.
import { h } from "../../dom.js";
import { t, tIn, lang, dateTime } from "../../i18n.js";
import { notice } from "../common.js";
import { showAmount, showChange } from "../../amounts.js";
import { staffFrame, field, textInput, actionButton, messageSlot, runAction, showMessage, staffError } from "../../staff/ui.js";
import { staffIcon } from "../../staff/icons.js";
import { decodeFile, ENCODINGS } from "../../staff/decode.js";
import { download } from "../../staff/batch-files.js";

/** The largest file the page reads (the core takes at most 8 MiB of text). */
const FILE_BYTES_MAX = 16 * 1024 * 1024;
/** Rows of a preview or a refusal drawn at once; the counts cover them all. */
const ROWS_SHOWN_MAX = 200;
/** Entries shown under one reconciled household (the newest). */
const ENTRIES_SHOWN_MAX = 4;

/** Row statuses that applying records something for. */
const CHANGING = new Set(["new", "changed", "conflict"]);

const TITLES = { households: "menuImportHouseholds", credits: "menuImportCredits", balances: "menuReconcile" };
const ICONS = { households: "fileIn", credits: "fileIn", balances: "scale" };

function freshState(kind) {
  return { kind, fileName: null, encoding: null, text: null, preview: null, refusal: null, reconciliation: null, reason: "", done: null, failure: null };
}

/** A table with a caption-like heading, header cells and rows of cells. */
function table({ label, headers, rows, numeric = [] }) {
  return h(
    "div",
    { class: "table-scroll clerk-table", tabindex: "0", role: "region", "aria-label": label },
    h(
      "table",
      { class: "data-table", "aria-label": label },
      h("thead", {}, h("tr", {}, headers.map((text, index) => h("th", { scope: "col", class: numeric.includes(index) ? "num" : null, text })))),
      h(
        "tbody",
        {},
        rows.map((cells) => h("tr", {}, cells.map((cell, index) => h("td", { class: numeric.includes(index) ? "num" : null }, cell)))),
      ),
    ),
  );
}

function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.map(([key, value]) => h("div", { class: "fact" }, h("dt", { text: t(key) }), h("dd", { text: String(value) }))),
  );
}

/** Every bad row of a refused file: line, column, value, the problem in both languages. */
function refusalView(refusal) {
  const rows = refusal.rows ?? [];
  const shown = rows.slice(0, ROWS_SHOWN_MAX);
  return h(
    "section",
    { class: "pane clerk-refusal", "aria-labelledby": "clerk-refusal-title" },
    notice(t("importRefusedHint"), "warn", {
      role: "alert",
      title: t("importRefusedTitle", rows.length),
    }),
    h("h2", { class: "section-title", id: "clerk-refusal-title", text: t("badRowsTitle") }),
    table({
      label: t("importRefusedTitle", rows.length),
      headers: [t("colLine"), t("colColumn"), t("colValue"), t("colProblem")],
      numeric: [0],
      rows: shown.map((row) => [
        String(row.line),
        row.column ?? "",
        row.value ?? "",
        h("span", { class: "clerk-problem" }, h("span", { text: row.message }), h("br"), h("span", { class: "dual-sub", lang: "en", text: row.messageEn })),
      ]),
    }),
    rows.length > shown.length ? h("p", { class: "field-hint", text: t("rowsShown", shown.length, rows.length) }) : null,
  );
}

function notesCell(row) {
  const parts = [];
  if (row.status === "conflict" && row.credited) parts.push(t("conflictWas", showAmount(row.credited)));
  for (const note of row.notes ?? []) parts.push(lang() === "zh" ? note.message : note.messageEn);
  return parts.join(";");
}

function previewView(app, state, preview) {
  const credits = preview.kind === "credits";
  const pairs = [
    ["factRows", preview.rows.length],
    ["factHouseholds", preview.households],
  ];
  if (credits) pairs.push(["factTotalPoints", showAmount(preview.totalPoints)], ["factNewPoints", showAmount(preview.newPoints)]);
  pairs.push(["factNew", preview.new], ["factChanged", preview.changed], ["factAlready", preview.alreadyImported]);
  if (credits) pairs.push(["factConflicts", preview.conflicts]);
  else pairs.push(["factPins", preview.pins]);
  let width = "";
  try {
    width = app.kiosk.settings()?.code_width ?? "";
  } catch {
    width = "";
  }
  const shown = preview.rows.slice(0, ROWS_SHOWN_MAX);
  const headers = credits
    ? [t("colLine"), t("colCode"), t("colName"), t("colPoints"), t("colPeriod"), t("colOutcome"), t("colNotes")]
    : [t("colLine"), t("colCode"), t("colName"), t("colOutcome"), t("colNotes")];
  const rows = shown.map((row) =>
    credits
      ? [String(row.line), row.household, row.name, row.amount ? showAmount(row.amount) : "", row.period ?? "", t(`row_${row.status}`), notesCell(row)]
      : [String(row.line), row.household, row.name, t(`row_${row.status}`), notesCell(row)],
  );
  return h(
    "section",
    { class: "pane clerk-preview", "aria-labelledby": "clerk-preview-title" },
    h("h2", { class: "section-title", id: "clerk-preview-title", text: t("importStepPreview") }),
    facts(pairs),
    preview.codesPadded ? notice(t("codesPadded", preview.codesPadded, width), "info", { role: "note" }) : null,
    preview.ignoredColumns?.length ? h("p", { class: "field-hint", text: t("ignoredColumns", preview.ignoredColumns.join("、")) }) : null,
    table({ label: t("importStepPreview"), headers, rows, numeric: credits ? [0, 3] : [0] }),
    preview.rows.length > shown.length ? h("p", { class: "field-hint", text: t("rowsShown", shown.length, preview.rows.length) }) : null,
  );
}

function applyView(app, state, preview, slot) {
  if (preview.nothingToDo) return notice(t("nothingToDo"), "ok", { role: "status" });
  const conflicts = preview.conflicts ?? 0;
  const count = preview.rows.filter((row) => CHANGING.has(row.status) || row.notes?.some((note) => note.code === "PIN_WILL_BE_SET")).length;
  const apply = actionButton({
    label: conflicts ? "applyWithCorrections" : "applyImport",
    args: [count],
    iconName: "check",
    primary: true,
    onClick: async () => {
      if (conflicts && !state.reason.trim()) {
        showMessage(slot, t("reasonFirst"));
        return;
      }
      const outcome = await runAction(app, {
        buttons: [apply],
        slot,
        work: () =>
          app.staffCall("applyImport", {
            kind: state.kind,
            text: state.text,
            ...(conflicts ? { correctionsReason: state.reason.trim() } : {}),
          }),
      });
      if (!outcome.ok) {
        if (outcome.error?.code === "IMPORT_REFUSED") {
          state.preview = null;
          state.refusal = { rows: outcome.error.rows ?? [] };
          app.go("staff-clerk-import", { keep: state });
        }
        return;
      }
      state.done = outcome.result?.seqs?.length ?? 0;
      state.reason = "";
      previewText(app, state);
      app.go("staff-clerk-import", { keep: state });
    },
  });
  const parts = [];
  if (conflicts) {
    const reason = textInput({ id: "clerk-correction-reason", value: state.reason, maxLength: app.limits.reasonLengthMax, onInput: (value) => (state.reason = value) });
    parts.push(
      notice(t("conflictsHint"), "warn", { role: "note", title: t("conflictsTitle", conflicts) }),
      field({ id: "clerk-correction-reason", label: t("correctionReason"), control: reason, hint: t("reasonHint") }),
    );
  }
  parts.push(h("div", { class: "form-actions" }, apply));
  return h("div", { class: "staff-body" }, parts);
}

/** The newest entries that explain a difference, one a line, and how many more there are. */
function explaining(entries) {
  if (!entries.length) return "";
  const shown = entries.slice(-ENTRIES_SHOWN_MAX);
  const lines = shown.map((entry) => `${dateTime(entry.time)} ${t("entryLine", entry.seq, showChange(entry.change), entry.note)}`);
  if (entries.length > shown.length) lines.unshift(t("entriesMore", entries.length));
  return h("span", {}, lines.map((text, index) => [index ? h("br") : null, text]));
}

function reconcileView(result) {
  const differing = result.lines.filter((line) => line.differs);
  const amount = (text) => (text === null || text === undefined ? "" : showAmount(text));
  const rows = differing.slice(0, ROWS_SHOWN_MAX).map((line) => [
    `${line.household} ${line.name}`,
    line.kioskBalance === null ? t("notInKiosk") : amount(line.kioskBalance),
    line.platformBalance === null ? t("notOnPlatform") : amount(line.platformBalance),
    showChange(line.difference),
    explaining(line.entries),
    showChange(line.unexplained),
  ]);
  return h(
    "section",
    { class: "pane clerk-reconcile", "aria-labelledby": "clerk-reconcile-title" },
    h("h2", { class: "section-title", id: "clerk-reconcile-title", text: t("reconcileTitle") }),
    differing.length
      ? notice(t("reconcileSummary", result.householdsDiffering, result.householdsUnexplained), result.householdsUnexplained ? "warn" : "info", { role: "status" })
      : notice(t("reconcileAllAgree"), "ok", { role: "status" }),
    h("p", { class: "field-hint", text: t("reconcileTotals", showAmount(result.kioskTotal), showAmount(result.platformTotal)) }),
    differing.length
      ? table({
          label: t("reconcileTitle"),
          headers: [t("colHousehold"), t("colKiosk"), t("colPlatform"), t("colDifference"), t("colExplained"), t("colUnexplained")],
          numeric: [1, 2, 3, 5],
          rows,
        })
      : null,
  );
}

/** Runs the preview (or the reconciliation) of the state's text. */
function previewText(app, state) {
  state.preview = null;
  state.refusal = null;
  state.reconciliation = null;
  state.failure = null;
  try {
    if (state.kind === "balances") state.reconciliation = app.staffRead("reconcile", { text: state.text });
    else state.preview = app.staffRead("previewImport", { kind: state.kind, text: state.text });
  } catch (error) {
    if (error?.handled) return;
    if (error?.code === "IMPORT_REFUSED") state.refusal = { rows: error.rows ?? [] };
    else state.failure = staffError(app, error);
  }
}

export function staffClerkImportScreen(app, options = {}) {
  const state = options.keep ?? freshState(options.kind ?? "credits");
  const slot = messageSlot();
  const fileSlot = messageSlot();

  const input = h("input", { id: "clerk-import-file", type: "file", accept: ".csv,.txt,.tsv,text/csv,text/plain", class: "file-input" });
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    input.value = "";
    if (!file || app.pending) return;
    const fresh = freshState(state.kind);
    if (file.size > FILE_BYTES_MAX) {
      showMessage(fileSlot, t("fileTooBig", FILE_BYTES_MAX / 1024 / 1024));
      return;
    }
    // The clerk may have left the screen while the file was read.
    const stillHere = () => app.screen === "staff-clerk-import" && app.view?.keep?.() === state;
    try {
      const { text, encoding } = await decodeFile(file);
      if (!stillHere()) return;
      Object.assign(state, fresh, { fileName: file.name, encoding, text });
    } catch {
      if (!stillHere()) return;
      Object.assign(state, fresh, { fileName: file.name, failure: t("fileNotText") });
      app.go("staff-clerk-import", { keep: state });
      return;
    }
    previewText(app, state);
    app.go("staff-clerk-import", { keep: state });
  });
  const chooser = h(
    "label",
    { class: "btn btn-secondary btn-big btn-file", for: "clerk-import-file" },
    staffIcon("fileIn"),
    h("span", { text: t(state.text === null ? "chooseFile" : "chooseAnother") }),
  );
  const template =
    state.kind === "balances"
      ? null
      : actionButton({
          label: "downloadTemplate",
          iconName: "fileOut",
          onClick: () => {
            const text = app.kiosk.constructor.importTemplate(state.kind);
            const file = state.kind === "households" ? "households" : "credits";
            const name = `${tIn("zh", `templateFile_${file}`)} ${file}.csv`;
            download(new Blob([text], { type: "text/csv;charset=utf-8" }), name);
            showMessage(fileSlot, t("templateSaved", name), "ok");
          },
        });

  const parts = [
    h(
      "section",
      { class: "pane", "aria-labelledby": "clerk-file-title" },
      h("h2", { class: "section-title", id: "clerk-file-title", text: t("importStepFile") }),
      h("p", { class: "field-hint", text: t(state.kind === "balances" ? "balancesFileHint" : "importFileHint") }),
      h("div", { class: "form-actions clerk-file-actions" }, input, chooser, template),
      state.encoding ? notice(t("fileRead", state.fileName, ENCODINGS[state.encoding] ?? state.encoding), "info", { role: "status" }) : null,
      fileSlot,
    ),
    slot,
  ];
  if (state.done !== null) parts.push(notice(state.done ? t("importDone", state.done) : t("importNothing"), "ok", { role: "status" }));
  if (state.failure) parts.push(notice(state.failure, "warn"));
  if (state.refusal) parts.push(refusalView(state.refusal));
  if (state.preview) parts.push(previewView(app, state, state.preview), applyView(app, state, state.preview, slot));
  if (state.reconciliation) parts.push(reconcileView(state.reconciliation));

  const root = staffFrame(app, {
    screen: "staff-clerk-import",
    title: t(TITLES[state.kind] ?? "menuImportCredits"),
    iconName: ICONS[state.kind] ?? "fileIn",
    body: h("div", { class: "staff-body" }, parts),
  });
  return { root, keep: () => state };
}
