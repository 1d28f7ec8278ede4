// Home / attract screen: the shop's name, one huge Start button, "my
// points", the language switch and the place of the village points board.
import { h, icon } from "../dom.js";
import { t, dual } from "../i18n.js";
import { topBar, langButton, readOnlyNotice } from "./common.js";
import { pointsBoard } from "./board.js";

function appTitle() {
  return h(
    "p",
    { class: "brand" },
    h("img", { class: "brand-mark", src: "icon.svg", alt: "", "aria-hidden": "true", draggable: "false" }),
    h("span", { class: "brand-name", text: t("appTitle") }),
  );
}

/** The discreet corner button to the staff sign-in (a staff PIN is asked there). */
function staffButton(app) {
  return h(
    "button",
    {
      type: "button",
      class: "btn btn-quiet btn-staff",
      "aria-label": t("staffEntryName"),
      onclick: () => app.startStaffSignIn(),
    },
    icon("gear"),
    h("span", { "aria-hidden": "true", text: t("staffEntry") }),
  );
}

export function homeScreen(app) {
  const info = app.info;
  const readOnly = app.readOnly();
  let households = 0;
  try {
    households = app.kiosk.households().filter((household) => household.status === "active").length;
  } catch {
    households = 0;
  }
  const goods = app.catalog.length;

  const start = h(
    "button",
    {
      type: "button",
      class: readOnly ? "btn btn-primary btn-huge btn-start-blocked" : "btn btn-primary btn-start",
      disabled: readOnly ? true : null,
      onclick: () => app.startSignIn("shop"),
    },
    icon("basket-white", "icon-start"),
    dual("start"),
  );
  const mine = h(
    "button",
    {
      type: "button",
      class: "btn btn-secondary btn-big",
      disabled: readOnly ? true : null,
      onclick: () => app.startSignIn("history"),
    },
    icon("list"),
    dual("myPoints"),
  );

  const points = pointsBoard(app.kiosk);
  const board = h(
    "section",
    { class: "board", "aria-labelledby": "board-title" },
    h("h2", { id: "board-title", class: "board-title" }, icon("trophy"), h("span", { text: t("boardTitle") })),
    h(
      "div",
      { class: "board-facts" },
      h("p", { class: "board-fact", text: t("boardHouseholds", households) }),
      h("p", { class: "board-fact", text: t("boardGoods", goods) }),
    ),
    points.root,
  );

  const root = h(
    "div",
    { class: "screen screen-home" },
    topBar({ left: [appTitle()], right: [langButton(app), staffButton(app)] }),
    h(
      "main",
      { class: "home-main" },
      h(
        "div",
        { class: "home-hero" },
        h("h1", { class: "home-title", text: info?.shop ?? t("appTitle") }),
        readOnly ? null : h("p", { class: "lead", text: t("homeHint") }),
        readOnlyNotice(app),
        start,
        readOnly ? null : mine,
      ),
      board,
    ),
  );
  return { root, leave: () => points.stop() };
}
