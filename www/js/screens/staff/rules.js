// Points rules (clerk and admin): a period's score sheet (import, review by
// a second admin of the leading group 领导组审核, posting 公示, objections 异议
// recorded as pending and resolved with a finding, apply after the posting
// days and only when no objection is pending), the blacklist 曝光台
// with lifting by the clerk, the year close 年底结账 (confirmed twice), and
// for the admin the rules themselves (points source, period, bands, bonus).
// The bands read in words, and the posting and the honours lists print on A4
// for the notice board. The supervisory committee (auditor) sees all of it
// and none of the buttons that change anything.
import { h } from "../../dom.js";
import { t, dateTime, periodName } from "../../i18n.js";
import { notice } from "../common.js";
import { staffFrame, field, textInput, choiceGroup, actionButton, messageSlot, runAction, showMessage } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";
import { printNow, clearPrint } from "../../staff/print.js";
import { postingSheet, honoursSheet } from "../../staff/notice-docs.js";

/** A notice for staff screens when last year is not closed yet, or null. */
export function yearClosePrompt(app) {
  let year = null;
  try {
    year = app.kiosk?.yearCloseDue?.(Date.now()) ?? null;
  } catch {
    year = null;
  }
  return year ? notice(t("yearCloseDue", year), "info", { role: "note", className: "year-close-due" }) : null;
}

/** Saves a blank score sheet with the rules' item columns, for Excel. */
function templateButton(app) {
  return actionButton({
    label: "rulesTemplate",
    onClick: () => {
      const text = app.kiosk.scoreSheetTemplate();
      const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
      const link = h("a", { href: url, download: "score-sheet.csv", hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
  });
}

async function readFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("gbk").decode(bytes);
  }
}

function resultsTable(results) {
  const note = (row) => [row.bonus ? t("rulesNoteBonus") : "", row.blacklist ? t(row.blacklist === "listed" ? "rulesNoteListed" : "rulesNoteLifted") : ""].filter(Boolean).join(" ");
  return h(
    "table",
    { class: "table posting-table" },
    h("thead", {}, h("tr", {}, ["rulesColRank", "colHousehold", "rulesColScore", "rulesColPoints", "rulesColNote"].map((key) => h("th", { scope: "col", text: t(key) })))),
    h("tbody", {}, results.map((row) => h("tr", {}, h("td", { text: String(row.rank) }), h("td", { text: `${row.household} ${row.name}` }), h("td", { text: row.score }), h("td", { text: row.points }), h("td", { text: note(row) })))),
  );
}

/** "1.00" → "1", "2.50" → "2.5". */
function pointsText(fixed) {
  return String(fixed ?? "0").replace(/\.00$/, "").replace(/(\.\d)0$/, "$1");
}

/**
 * The bands in plain words. The seed's "80分至85分…85分以上至90分…90分以上"
 * names 85 and 90 twice; each edge line says which band the village chose.
 */
export function bandReading(bands) {
  if (!bands?.length) return [];
  const lines = [t("rulesBelow", bands[0].lower), t("rulesFrom", bands[0].lower, bands[0].inclusive, pointsText(bands[0].points))];
  for (let i = 1; i < bands.length; i += 1) {
    const at = bands[i].inclusive ? bands[i].points : bands[i - 1].points;
    lines.push(t("rulesEdgeReads", bands[i].lower, pointsText(at), pointsText(bands[i].points)));
  }
  return lines;
}

function section(id, title, ...children) {
  return h("section", { class: "pane", "aria-labelledby": id }, h("h2", { class: "section-title", id, text: title }), ...children);
}

export function staffRulesScreen(app, options = {}) {
  const state = options.keep ?? { period: "", text: "", preview: null, objection: { household: "", by: "", what: "" }, lift: {}, year: "", confirm: 0 };
  const again = () => app.go("staff-rules", { keep: state });
  const read = (method, ...args) => {
    try {
      return app.kiosk[method](...args);
    } catch {
      return null;
    }
  };
  const rules = read("rules") ?? {};
  const posting = read("posting", Date.now());
  const inReview = read("sheetInReview", Date.now());
  // The clerk and the admin write; the supervisory committee only reads.
  const writer = app.staffCan("clerk");
  const body = h("div", { class: "staff-body" });
  if (state.done) body.append(notice(state.done, "ok", { role: "status" }));
  state.done = null;
  const prompt = yearClosePrompt(app);
  if (prompt) body.append(prompt);

  // The score sheet.
  const sheetSlot = messageSlot();
  if (rules.source === "kiosk" && writer) {
    const file = h("input", { id: "rules-file", type: "file", accept: ".csv,.txt,text/csv,text/plain", class: "input" });
    file.addEventListener("change", async () => {
      if (file.files?.[0]) state.text = await readFile(file.files[0]);
      textArea.value = state.text;
    });
    const textArea = h("textarea", { id: "rules-text", class: "input input-area", rows: "6" });
    textArea.value = state.text;
    textArea.addEventListener("input", () => {
      state.text = textArea.value;
    });
    const preview = actionButton({
      label: "rulesPreview",
      onClick: async () => {
        const outcome = await runAction(app, { slot: sheetSlot, work: async () => app.staffRead("previewScoreSheet", { period: state.period.trim(), text: state.text }) });
        state.preview = outcome.ok ? outcome.result : null;
        if (!outcome.ok && outcome.error?.rows) showMessage(sheetSlot, outcome.error.rows.map((row) => row.message).join("\n"));
        else if (outcome.ok) again();
      },
    });
    const post = actionButton({
      label: "rulesPost",
      primary: true,
      iconName: "check",
      onClick: async () => {
        state.postRequest ??= newRequestId();
        const period = state.period.trim();
        const outcome = await runAction(app, { buttons: [post], slot: sheetSlot, work: () => app.staffCall("postScoreSheet", { period, text: state.text, requestId: state.postRequest }) });
        if (!outcome.ok) {
          if (outcome.error?.rows) showMessage(sheetSlot, outcome.error.rows.map((row) => row.message).join("\n"));
          return;
        }
        Object.assign(state, { text: "", preview: null, postRequest: null });
        state.done = t("rulesPosted", period);
        again();
      },
    });
    body.append(
      section(
        "rules-sheet",
        t("rulesSheet"),
        field({ id: "rules-period", label: t("rulesPeriod"), control: textInput({ id: "rules-period", value: state.period, maxLength: 7, onInput: (v) => (state.period = v) }) }),
        field({ id: "rules-file", label: t("rulesFile"), control: file }),
        field({ id: "rules-text", label: t("rulesText"), control: textArea }),
        sheetSlot,
        state.preview ? resultsTable(state.preview.results) : null,
        h("div", { class: "form-actions" }, templateButton(app), preview, post),
      ),
    );
  } else if (writer) {
    body.append(section("rules-sheet", t("rulesSheet"), notice(t("rulesPlatform"), "info", { role: "note" })));
  }

  // A sheet waiting for the leading group's review: an admin other than
  // the importer approves it, and the posting starts then.
  if (inReview) {
    const reviewSlot = messageSlot();
    const approve = actionButton({
      label: "rulesApprove",
      primary: true,
      iconName: "check",
      onClick: async () => {
        const outcome = await runAction(app, { buttons: [approve], slot: reviewSlot, work: () => app.staffCall("approveScoreSheet", { period: inReview.period, requestId: newRequestId() }) });
        if (outcome.ok) {
          state.done = t("rulesApproved", inReview.period);
          again();
        }
      },
    });
    body.append(
      section(
        "rules-review",
        t("rulesReview", inReview.period),
        h("p", { class: "field-hint", text: `${t("rulesImportedBy", inReview.importedBy ?? "")} · ${t("rulesReviewHint")}` }),
        resultsTable(inReview.results),
        reviewSlot,
        app.staffCan("admin") ? h("div", { class: "form-actions" }, approve) : null,
      ),
    );
  }

  // The posting, its objections and the apply.
  const postingSlot = messageSlot();
  if (posting) {
    const o = state.objection;
    const object = actionButton({
      label: "rulesObjection",
      onClick: async () => {
        const outcome = await runAction(app, { slot: postingSlot, work: () => app.staffCall("raiseObjection", { period: posting.period, household: o.household.trim().toUpperCase(), raisedBy: o.by.trim(), what: o.what.trim(), requestId: newRequestId() }) });
        if (outcome.ok) {
          state.objection = { household: "", by: "", what: "" };
          state.done = t("rulesObjected");
          again();
        }
      },
    });
    state.resolve ??= {};
    const pendingList = (posting.pending ?? []).length
      ? [
          h("h3", { class: "field-label", text: t("rulesPending") }),
          h(
            "ul",
            { class: "list", role: "list" },
            posting.pending.map((p) => {
              const r = (state.resolve[p.household] ??= { finding: "", score: "" });
              const resolve = actionButton({
                label: "rulesResolve",
                onClick: async () => {
                  const outcome = await runAction(app, { slot: postingSlot, work: () => app.staffCall("resolveObjection", { period: posting.period, household: p.household, finding: r.finding.trim(), score: r.score.trim(), requestId: newRequestId() }) });
                  if (outcome.ok) {
                    delete state.resolve[p.household];
                    state.done = t("rulesResolved");
                    again();
                  }
                },
              });
              const id = `resolve-${p.household}`;
              return h(
                "li",
                { class: "list-row" },
                h("p", { text: t("rulesPendingLine", p.household, p.name, p.raisedBy, dateTime(p.time), p.what) }),
                writer
                  ? [
                      field({ id: `${id}-finding`, label: t("rulesFinding"), control: textInput({ id: `${id}-finding`, value: r.finding, maxLength: app.limits.reasonLengthMax, onInput: (v) => (r.finding = v) }) }),
                      field({ id: `${id}-score`, label: t("rulesResolveScore"), control: textInput({ id: `${id}-score`, value: r.score, maxLength: 5, onInput: (v) => (r.score = v) }) }),
                      h("div", { class: "form-actions" }, resolve),
                    ]
                  : null,
              );
            }),
          ),
        ]
      : null;
    const approval = posting.review === "approved" ? (posting.ownApproval ? t("rulesOwnApproval", posting.approvedBy ?? "") : t("rulesApprovedBy", posting.approvedBy ?? "")) : null;
    const apply = actionButton({
      label: "rulesApply",
      primary: true,
      iconName: "check",
      onClick: async () => {
        const outcome = await runAction(app, { buttons: [apply], slot: postingSlot, work: () => app.staffCall("applyScoreSheet", { period: posting.period, requestId: newRequestId() }) });
        if (outcome.ok) {
          state.done = t("rulesApplied", posting.period);
          again();
        }
      },
    });
    const printPosting = actionButton({ label: "rulesPrintPosting", iconName: "clipboard", onClick: () => printNow(app, "a4", t("rulesPrintPosting"), postingSheet(app, posting)) });
    body.append(
      section(
        "rules-posting",
        t("rulesPosting", posting.period),
        h("p", { class: "field-hint", text: [t("rulesUntil", dateTime(posting.until)), approval].filter(Boolean).join(" · ") }),
        resultsTable(posting.results),
        pendingList,
        writer
          ? [
              h("h3", { class: "field-label", text: t("rulesObjection") }),
              field({ id: "objection-household", label: t("rulesHousehold"), control: textInput({ id: "objection-household", value: o.household, maxLength: app.limits.householdCodeLengthMax, onInput: (v) => (o.household = v) }) }),
              field({ id: "objection-by", label: t("rulesRaisedBy"), control: textInput({ id: "objection-by", value: o.by, maxLength: app.limits.reasonLengthMax, onInput: (v) => (o.by = v) }) }),
              field({ id: "objection-what", label: t("rulesWhat"), control: textInput({ id: "objection-what", value: o.what, maxLength: app.limits.reasonLengthMax, onInput: (v) => (o.what = v) }) }),
            ]
          : null,
        postingSlot,
        h("div", { class: "form-actions" }, printPosting, writer ? object : null, writer ? apply : null),
      ),
    );
  } else {
    body.append(section("rules-posting", t("rulesPosting", ""), h("p", { class: "field-hint", text: t("rulesNoPosting") })));
  }

  // The blacklist.
  const listed = (read("households") ?? []).filter((household) => household.blacklisted);
  const blacklistSlot = messageSlot();
  body.append(
    section(
      "rules-blacklist",
      t("rulesBlacklist"),
      listed.length
        ? h(
          "ul",
          { class: "list", role: "list" },
          listed.map((household) => {
            const lift = actionButton({
              label: "rulesLift",
              onClick: async () => {
                const reason = (state.lift[household.code] ?? "").trim();
                if (!reason) return showMessage(blacklistSlot, t("reasonFirst"));
                const outcome = await runAction(app, { slot: blacklistSlot, work: () => app.staffCall("liftBlacklist", { household: household.code, reason, requestId: newRequestId() }) });
                if (outcome.ok) {
                  state.done = t("rulesLifted");
                  again();
                }
              },
            });
            const reason = textInput({ id: `lift-${household.code}`, value: state.lift[household.code] ?? "", maxLength: app.limits.reasonLengthMax, label: t("reasonLabel"), onInput: (v) => (state.lift[household.code] = v) });
            return h("li", { class: "list-row" }, h("span", { text: `${household.code} ${household.name}` }), writer ? [reason, lift] : null);
          }),
        )
        : h("p", { class: "field-hint", text: t("rulesBlacklistNone") }),
      blacklistSlot,
    ),
  );

  // The bands in words.
  body.append(section("rules-reading", t("rulesReading"), h("ul", { class: "list", role: "list" }, bandReading(rules.bands).map((line) => h("li", { class: "list-row rules-reading-line", text: line })))));

  // The honours lists for the notice board.
  const board = read("board", Date.now());
  if (board) {
    const printHonours = (which, label, ...args) =>
      actionButton({ label, args, iconName: "clipboard", onClick: () => printNow(app, "a4", t(label, ...args), honoursSheet(app, board, which)) });
    body.append(
      section(
        "rules-honours",
        t("rulesHonours"),
        h("div", { class: "form-actions" }, printHonours("advanced", "rulesPrintAdvanced", board.advanced.period), printHonours("stars", "rulesPrintStars", periodName(board.stars.period))),
      ),
    );
  }

  const done = (text) => {
    state.done = text;
    again();
  };
  if (!writer) {
    const root = staffFrame(app, { screen: "staff-rules", title: t("menuPosting"), iconName: "sliders", body });
    return { root, keep: () => state, leave: () => clearPrint(app) };
  }

  // The year close, confirmed twice.
  const yearSlot = messageSlot();
  const year = Number.parseInt(state.year || String(read("yearCloseDue", Date.now()) ?? new Date().getFullYear() - 1), 10);
  const close = actionButton({
    label: state.confirm === 0 ? "rulesCloseYear" : state.confirm === 1 ? "rulesCloseSure" : "rulesCloseSureAgain",
    args: state.confirm === 0 ? [] : [year],
    primary: state.confirm > 0,
    onClick: async () => {
      if (state.confirm < 2) {
        state.confirm += 1;
        state.year = String(year);
        return again();
      }
      state.closeRequest ??= newRequestId();
      const outcome = await runAction(app, { buttons: [close], slot: yearSlot, work: () => app.staffCall("closeYear", { year, requestId: state.closeRequest }) });
      state.confirm = 0;
      state.closeRequest = null;
      if (outcome.ok) {
        state.done = t("rulesClosed", year);
        again();
      }
    },
  });
  body.append(
    section(
      "rules-year",
      t("rulesYearClose"),
      field({ id: "close-year", label: t("rulesYear"), control: textInput({ id: "close-year", value: String(year), maxLength: 4, onInput: (v) => {
        state.year = v;
        state.confirm = 0;
      } }) }),
      yearSlot,
      h("div", { class: "form-actions" }, state.confirm > 0 ? actionButton({ label: "cancel", onClick: () => {
        state.confirm = 0;
        again();
      } }) : null, close),
    ),
  );

  if (app.staffCan("admin")) body.append(rulesEditor(app, rules, done));

  const root = staffFrame(app, { screen: "staff-rules", title: t("menuRules"), iconName: "sliders", body });
  return { root, keep: () => state, leave: () => clearPrint(app) };
}

/**
 * The table as written, a category a line: `人居环境: 庭院 15, 客厅 10`.
 * Null when a line is not in that form (the core checks names and maxima).
 */
function parseTable(text) {
  const categories = [];
  for (const line of text.split(/\r?\n/).filter((l) => l.trim())) {
    const match = line.match(/^([^:：]+)[:：](.+)$/);
    if (!match) return null;
    // A deduction item (扣分项) is written with a minus: `违反村规民约 -10`.
    const items = match[2].split(/[,，]/).map((cell) => cell.trim().match(/^(.+?)\s+([-−－]?\d+(?:\.\d)?)$/));
    if (items.some((item) => !item)) return null;
    categories.push({ name: match[1].trim(), items: items.map(([, name, max]) => ({ name: name.trim(), max })) });
  }
  return categories.length ? categories : null;
}

/** The admin's editor of the rules: source, period, bands and bonus. */
function rulesEditor(app, rules, done) {
  const draft = { source: rules.source, period: rules.period, bonusPoints: rules.bonusPoints ?? "5.00" };
  let bandsText = (rules.bands ?? []).map((band) => `${band.lower},${band.inclusive ? "含" : "不含"},${band.points}`).join("\n");
  const slot = messageSlot();
  let tableText = (rules.table ?? []).map((c) => `${c.name}: ${c.items.map((i) => `${i.name} ${i.max}`).join(", ")}`).join("\n");
  const table = h("textarea", { id: "rules-table", class: "input input-area", rows: "5" });
  table.value = tableText;
  table.addEventListener("input", () => (tableText = table.value));
  const bands = h("textarea", { id: "rules-bands", class: "input input-area", rows: "4" });
  bands.value = bandsText;
  bands.addEventListener("input", () => (bandsText = bands.value));
  // Where two bands meet, the score at the edge belongs to one of them: the
  // choice in words, written into the band's 含 / 不含.
  const edges = (rules.bands ?? []).slice(1).map((band, index) => {
    const below = rules.bands[index];
    return choiceGroup({
      name: `rules-edge-${band.lower}`,
      legend: t("rulesEdge", band.lower),
      options: [
        { value: "lower", label: t("rulesEdgeChoice", band.lower, pointsText(below.points)) },
        { value: "upper", label: t("rulesEdgeChoice", band.lower, pointsText(band.points)) },
      ],
      value: band.inclusive ? "upper" : "lower",
      onChange: (value) => {
        const lines = bandsText.split(/\r?\n/).filter((line) => line.trim());
        const cells = (lines[index + 1] ?? "").split(/[,,]/).map((cell) => cell.trim());
        if (cells.length !== 3) return;
        cells[1] = value === "upper" ? "含" : "不含";
        lines[index + 1] = cells.join(",");
        bandsText = lines.join("\n");
        bands.value = bandsText;
      },
    });
  });
  const save = actionButton({
    label: "rulesSave",
    primary: true,
    onClick: async () => {
      const parsed = bandsText.split(/\r?\n/).filter((line) => line.trim()).map((line) => line.split(/[,,]/).map((cell) => cell.trim()));
      if (parsed.some((cells) => cells.length !== 3)) return showMessage(slot, t("rulesBadBands"));
      const categories = parseTable(tableText);
      if (!categories) return showMessage(slot, t("rulesBadTable"));
      const next = {
        source: draft.source,
        period: draft.period,
        table: categories,
        bands: parsed.map(([lower, inclusive, points]) => ({ lower, inclusive: inclusive === "含" || inclusive === "yes" || inclusive === "true", points })),
        bonusPoints: draft.bonusPoints,
      };
      const outcome = await runAction(app, { buttons: [save], slot, work: () => app.staffCall("changeRules", { rules: next, requestId: newRequestId() }) });
      if (outcome.ok) done(t("rulesSaved", (rules.version ?? 0) + 1));
    },
  });
  return section(
    "rules-edit",
    `${t("rulesEdit")} · v${rules.version ?? 0}`,
    choiceGroup({ name: "rules-source", legend: t("rulesSource"), options: ["platform", "kiosk"].map((value) => ({ value, label: t(`rulesSource_${value}`) })), value: draft.source, onChange: (v) => (draft.source = v) }),
    choiceGroup({ name: "rules-scoring", legend: t("rulesScoring"), options: ["monthly", "quarterly"].map((value) => ({ value, label: t(`rulesScoring_${value}`) })), value: draft.period, onChange: (v) => (draft.period = v) }),
    field({ id: "rules-table", label: t("rulesTable"), control: table }),
    field({ id: "rules-bands", label: t("rulesBands"), control: bands }),
    edges,
    field({ id: "rules-bonus", label: t("rulesBonus"), control: textInput({ id: "rules-bonus", value: draft.bonusPoints, maxLength: 8, onInput: (v) => (draft.bonusPoints = v) }) }),
    slot,
    h("div", { class: "form-actions" }, save),
  );
}
