// The one-time recovery code, shown once after setup or when the admin
// makes a new one: large, with print buttons (A4 or the 58 mm printer) and
// "I have written it down". It leaves the page when the screen does.
import { h } from "../dom.js";
import { t, tIn } from "../i18n.js";
import { notice } from "../screens/common.js";
import { actionButton } from "./ui.js";
import { setPrint, recoveryNote } from "./print.js";

export function recoveryPanel(app, code, { onDone }) {
  const label = tIn("zh", "recoveryTitle");
  setPrint(app, "a4", label, recoveryNote(app, code, "a4"));
  const print = (format) => {
    setPrint(app, format, label, recoveryNote(app, code, format));
    window.print();
  };
  return h(
    "section",
    { class: "recovery", "aria-labelledby": "recovery-title" },
    h("h2", { class: "section-title", id: "recovery-title", text: t("recoveryTitle") }),
    notice(t("recoveryText"), "info", { role: "note" }),
    h("p", { class: "recovery-code", text: code }),
    h(
      "div",
      { class: "recovery-actions" },
      actionButton({ label: "printA4", iconName: "printer", onClick: () => print("a4") }),
      actionButton({ label: "printRoll", iconName: "printer", onClick: () => print("roll") }),
      actionButton({ label: "writtenDown", iconName: "check", primary: true, onClick: onDone }),
    ),
  );
}
