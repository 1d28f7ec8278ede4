// The empty kiosk: nothing loaded yet. Staff setup comes later; for now one
// big button loads the demo village.
import { h, icon } from "../dom.js";
import { t, dual } from "../i18n.js";
import { topBar, shopTitle, langButton, notice, readOnlyNotice } from "./common.js";

export function setupScreen(app) {
  const message = h("div", { class: "message-slot" });
  const readOnly = app.readOnly();
  const button = h(
    "button",
    { type: "button", class: "btn btn-primary btn-huge", disabled: readOnly ? true : null, onclick: load },
    icon("download"),
    dual("loadDemo"),
  );

  async function load() {
    if (app.pending) return;
    app.setPending(true);
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    message.replaceChildren(notice(t("loadingDemo"), "info", { role: "status" }));
    try {
      await app.kiosk.loadDemo();
      app.setPending(false);
      app.afterDemoLoaded();
    } catch (error) {
      app.setPending(false);
      button.disabled = false;
      button.removeAttribute("aria-busy");
      message.replaceChildren(notice(app.errorText(error), "warn"));
    }
  }

  const root = h(
    "div",
    { class: "screen screen-setup" },
    topBar({ left: [shopTitle(app)], right: [langButton(app)] }),
    h(
      "main",
      { class: "center-column" },
      h("h1", { class: "title-xl", text: t("emptyTitle") }),
      h("p", { class: "lead", text: t("emptyText") }),
      readOnlyNotice(app),
      button,
      message,
    ),
  );
  return { root };
}
