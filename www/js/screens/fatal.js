// When the kiosk cannot open at all: a plain sentence in both languages and
// a reload button. Never a code or a stack.
import { h, icon } from "../dom.js";
import { t, tIn, dual, errorText } from "../i18n.js";
import { topBar, shopTitle, langButton } from "./common.js";

/** The fatal screen's own sentences, where it knows better than the code's. */
function fatalText(error, language) {
  if (error?.code === "INVALID_INPUT" && error.field === "kioskId") return tIn(language, "fatalKioskId");
  return errorText(error, {}, language);
}

export function fatalScreen(app) {
  const error = app.fatal ?? {};
  const root = h(
    "div",
    { class: "screen screen-fatal" },
    topBar({ left: [shopTitle(app)], right: [langButton(app)] }),
    h(
      "main",
      { class: "center-column" },
      icon("warn", "icon-xl"),
      h("h1", { class: "title-xl", text: t("fatalTitle") }),
      h(
        "div",
        { class: "notice notice-warn", role: "alert" },
        h("div", { class: "notice-body" },
          h("p", { class: "notice-text", lang: "zh-CN", text: fatalText(error, "zh") }),
          h("p", { class: "notice-text", lang: "en", text: fatalText(error, "en") }),
        ),
      ),
      // After an unexpected error the page reloads by itself (main.js).
      error.restartMs ? h("p", { class: "lead", role: "status", text: t("fatalRestarting", Math.ceil(error.restartMs / 1000)) }) : null,
      h("button", { type: "button", class: "btn btn-primary btn-big", onclick: () => location.reload() }, icon("reload"), dual("reload")),
    ),
  );
  return { root };
}
