// Reports and charts for staff: the day's close (日结) to count and sign, the
// month, stock by urgency, donations with the donors' thank-you list, a
// household's statement, and four charts. Every figure comes from the core
// (kiosk.report / kiosk.chart), read from the journal by the same fold as
// the balances. Each prints on A4; the day, month, stock and statement also
// on the 58 mm receipt printer.
import { h, replaceChildren } from "../../dom.js";
import { t, tIn } from "../../i18n.js";
import { staffFrame, field, textInput, choiceGroup, actionButton, messageSlot, runAction, normalCode } from "../../staff/ui.js";
import { setPrint, clearPrint } from "../../staff/print.js";
import { reportDoc, reportTitle } from "../../staff/report-doc.js";

const KINDS = ["day", "month", "stock", "donations", "statement", "exceptions", "charts"];
/** The core's charts by name; each titled `chart_<name>`, in both languages. */
const CHARTS = ["points_spent", "credits_redemptions", "top_goods", "stock"];
const chartTitle = (kind) => `${tIn("zh", `chart_${kind}`)} ${tIn("en", `chart_${kind}`)}`;
/** Reports that fit the 58 mm strip. */
const ROLL = new Set(["day", "month", "stock", "statement"]);

/** Whether the core offers reports. */
export function reportsAvailable(app) {
  return typeof app.kiosk?.report === "function" && typeof app.kiosk?.chart === "function";
}

function dateInput(id, type, value, onInput) {
  const input = h("input", { id, type, class: "input input-date", autocomplete: "off" });
  input.value = value ?? "";
  input.addEventListener("input", () => onInput(input.value));
  return input;
}

export function staffReportsScreen(app, options = {}) {
  const state = options.keep ?? { kind: "day", date: "", month: "", household: "", from: "", to: "", report: null, charts: null };
  const slot = messageSlot();
  const view = h("div", { class: "report-view", role: "region", "aria-labelledby": "report-view-title", tabindex: "0" });
  let urls = [];

  function release() {
    for (const url of urls) URL.revokeObjectURL(url);
    urls = [];
  }

  function chartImages(className) {
    return urls.map((url, index) => h("img", { class: className, src: url, alt: state.charts[index].title }));
  }

  function show() {
    release();
    const printable = Boolean(state.report || state.charts);
    printA4.disabled = !printable;
    printRoll.disabled = !(state.report && ROLL.has(state.report.kind));
    if (state.charts) {
      urls = state.charts.map((chart) => URL.createObjectURL(new Blob([chart.svg], { type: "image/svg+xml" })));
      replaceChildren(view, h("p", { class: "field-hint", text: t("reportChartsHint") }), chartImages("report-chart"));
      return;
    }
    if (!state.report) {
      replaceChildren(view, h("p", { class: "hint", text: t("reportNone") }));
      return;
    }
    replaceChildren(view, reportDoc(app, state.report, "screen"));
  }

  function input() {
    switch (state.kind) {
      case "day":
        return state.date ? { kind: "day", date: state.date } : { kind: "day" };
      case "month":
        return state.month ? { kind: "month", month: state.month } : { kind: "month" };
      case "stock":
        return { kind: "stock" };
      default: {
        const range = {};
        if (state.from) range.from = state.from;
        if (state.to) range.to = state.to;
        if (state.kind === "statement") range.household = normalCode(state.household);
        return { kind: state.kind, ...range };
      }
    }
  }

  const showButton = actionButton({
    label: "reportShow",
    iconName: "clipboard",
    primary: true,
    onClick: async () => {
      const outcome = await runAction(app, {
        buttons: [showButton],
        slot,
        work: async () => {
          if (state.kind !== "charts") return { report: await app.staffCall("report", input()) };
          const charts = [];
          for (const kind of CHARTS) charts.push({ kind, title: chartTitle(kind), svg: await app.staffCall("chart", { kind }) });
          return { charts };
        },
      });
      if (!outcome.ok) return;
      state.report = outcome.result.report ?? null;
      state.charts = outcome.result.charts ?? null;
      show();
    },
  });

  function print(format) {
    if (state.charts) {
      setPrint(app, "a4", reportTitle("charts"), [h("h1", { class: "pa-title report-title", text: reportTitle("charts") }), chartImages("print-chart")]);
    } else if (state.report) {
      setPrint(app, format, reportTitle(state.report.kind), reportDoc(app, state.report, format));
    } else {
      return;
    }
    window.print();
  }
  const printA4 = actionButton({ label: "reportPrintA4", iconName: "printer", onClick: () => print("a4") });
  const printRoll = actionButton({ label: "reportPrintRoll", iconName: "printer", onClick: () => print("roll") });

  const which = choiceGroup({
    name: "report-kind",
    legend: t("reportWhich"),
    options: KINDS.map((value) => ({ value, label: t(`report_${value}`) })),
    value: state.kind,
    onChange: (value) => {
      state.kind = value;
      state.report = null;
      state.charts = null;
      app.go("staff-reports", { keep: state });
    },
    className: "choices-inline",
  });

  const set = (key) => (value) => {
    state[key] = value;
  };
  const fields = [];
  if (state.kind === "day") fields.push(field({ id: "report-date", label: t("reportDate"), control: dateInput("report-date", "date", state.date, set("date")) }));
  if (state.kind === "month") fields.push(field({ id: "report-month", label: t("reportMonth"), control: dateInput("report-month", "month", state.month, set("month")) }));
  if (state.kind === "statement") {
    fields.push(field({ id: "report-household", label: t("reportHousehold"), control: textInput({ id: "report-household", value: state.household, onInput: set("household"), maxLength: app.limits.householdCodeLengthMax }) }));
  }
  if (state.kind === "statement" || state.kind === "donations" || state.kind === "exceptions") {
    fields.push(field({ id: "report-from", label: t("reportFrom"), control: dateInput("report-from", "date", state.from, set("from")) }));
    fields.push(field({ id: "report-to", label: t("reportTo"), control: dateInput("report-to", "date", state.to, set("to")) }));
  }

  show();
  const body = h(
    "div",
    { class: "staff-body" },
    which,
    h("div", { class: "report-fields" }, fields),
    h("div", { class: "form-actions" }, showButton, printA4, printRoll),
    slot,
    h("h2", { class: "section-title sr-only", id: "report-view-title", text: t(`report_${state.kind}`) }),
    view,
  );
  const root = staffFrame(app, { screen: "staff-reports", title: t("reportsTitle"), iconName: "clipboard", body });
  return {
    root,
    keep: () => state,
    leave() {
      clearPrint(app);
      release();
    },
  };
}
