// The empty kiosk: set this village up (village and shop names, time zone,
// the first admin with a PIN typed twice), then the one-time recovery code
// shown large to print or write down. Or restore a backup (screens/restore.js),
// or from the county platform (screens/platform-restore.js), or load the demo
// village to try it.
//
// A kiosk this browser knows once held records (aixin:hadData) but whose
// storage is now empty was evicted or wiped, not new: the page says the
// records are missing and offers the ways to bring them back first; setting
// up anew (or the demo) is behind a second, deliberate step.
import { h, icon } from "../dom.js";
import { t, dual } from "../i18n.js";
import { topBar, shopTitle, langButton, notice, readOnlyNotice } from "./common.js";
import { padInput } from "../staff/pad.js";
import { field, textInput, choiceGroup, actionButton, messageSlot, showMessage } from "../staff/ui.js";
import { pinTwice, keyboardForPin } from "../staff/pintwice.js";
import { recoveryPanel } from "../staff/recovery.js";
import { clearPrint } from "../staff/print.js";
import { staffIcon } from "../staff/icons.js";

/** Time zones a village may be in: its "today", month and year follow it. */
const ZONES = [
  { value: "Asia/Shanghai", offset: 480, key: "zoneShanghai" },
  { value: "Asia/Urumqi", offset: 360, key: "zoneUrumqi" },
];

function freshState() {
  return {
    step: "start",
    village: "",
    shop: "",
    timeZone: "Asia/Shanghai",
    adminId: "admin",
    adminName: "",
    pin: { first: null, pin: "", message: null },
    recovery: null,
    // Set when the staff confirmed that a kiosk with missing records is to
    // be set up anew.
    newAnyway: false,
    confirmNew: false,
  };
}

export function setupScreen(app) {
  app.setupState ??= freshState();
  const state = app.setupState;
  if (state.step === "code" && state.recovery) return codeStep(app, state);
  if (state.step === "form") return formStep(app, state);
  if (state.step === "pin") return pinStep(app, state);
  const missing = app.missingData?.();
  if (missing && !state.newAnyway) return missingStep(app, state, missing);
  return startStep(app, state);
}

function frame(app, main) {
  return h("div", { class: "screen screen-setup" }, topBar({ left: [shopTitle(app)], right: [langButton(app)] }), main);
}

function startStep(app, state) {
  const message = h("div", { class: "message-slot" });
  const readOnly = app.readOnly();
  const setUp = h(
    "button",
    {
      type: "button",
      class: "btn btn-primary btn-huge",
      disabled: readOnly ? true : null,
      onclick: () => {
        state.step = "form";
        app.go("setup");
      },
    },
    staffIcon("gear", "icon", { white: true }),
    dual("setupStart"),
  );
  const demo = h(
    "button",
    { type: "button", class: "btn btn-secondary btn-big", disabled: readOnly ? true : null, onclick: load },
    icon("download"),
    dual("loadDemo"),
  );

  async function load() {
    if (app.pending) return;
    app.setPending(true);
    demo.disabled = true;
    setUp.disabled = true;
    demo.setAttribute("aria-busy", "true");
    message.replaceChildren(notice(t("loadingDemo"), "info", { role: "status" }));
    try {
      await app.kiosk.loadDemo();
      app.setPending(false);
      app.setupState = null;
      app.afterDemoLoaded();
    } catch (error) {
      app.setPending(false);
      demo.disabled = false;
      setUp.disabled = false;
      demo.removeAttribute("aria-busy");
      message.replaceChildren(notice(app.errorText(error), "warn"));
    }
  }

  const root = frame(
    app,
    h(
      "main",
      { class: "center-column" },
      h("h1", { class: "title-xl", text: t("emptyTitle") }),
      h("p", { class: "lead", text: t("emptyText") }),
      readOnlyNotice(app),
      setUp,
      h("button", { type: "button", class: "btn btn-secondary btn-big", disabled: readOnly ? true : null, onclick: () => !app.pending && app.go("restore") }, staffIcon("box"), dual("restoreStart")),
      h("button", { type: "button", class: "btn btn-secondary btn-big", id: "setup-platform-restore", disabled: readOnly ? true : null, onclick: () => !app.pending && app.go("platform-restore") }, icon("download"), dual("platformRestoreStart")),
      demo,
      message,
    ),
  );
  return { root };
}

/** The storage is empty, but this kiosk held records here: bring them back first. */
function missingStep(app, state, missing) {
  const slot = messageSlot();
  const confirm = h("input", { type: "checkbox", id: "missing-confirm", class: "check-input" });
  confirm.checked = state.confirmNew;
  confirm.addEventListener("change", () => {
    state.confirmNew = confirm.checked;
  });
  const second = h(
    "section",
    { class: "recovery-step", hidden: state.step === "missing-new" ? null : true },
    h("label", { class: "choice", for: "missing-confirm" }, confirm, h("span", { class: "choice-text", text: t("missingNewConfirm") })),
    actionButton({
      label: "missingNewConfirmDo",
      onClick: () => {
        if (!state.confirmNew) {
          showMessage(slot, t("missingNewFirst"));
          return;
        }
        state.newAnyway = true;
        state.step = "start";
        app.go("setup");
      },
    }),
  );
  const root = frame(
    app,
    h(
      "main",
      { class: "center-column" },
      h("h1", { class: "title-xl", text: t("missingTitle") }),
      notice(t("missingText", missing.kioskId, missing.seq), "warn"),
      h(
        "button",
        { type: "button", class: "btn btn-primary btn-huge", onclick: () => !app.pending && app.go("restore") },
        staffIcon("box", "icon", { white: true }),
        dual("missingRestore"),
      ),
      h("button", { type: "button", class: "btn btn-secondary btn-big", id: "missing-platform-restore", onclick: () => !app.pending && app.go("platform-restore") }, icon("download"), dual("platformRestoreStart")),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary",
          "aria-expanded": state.step === "missing-new" ? "true" : "false",
          onclick: () => {
            state.step = "missing-new";
            app.go("setup");
          },
        },
        dual("missingNewAnyway"),
      ),
      second,
      slot,
    ),
  );
  return { root };
}

function formStep(app, state) {
  const slot = messageSlot();
  const village = textInput({ id: "setup-village", value: state.village, onInput: (value) => {
    state.village = value;
  } });
  const shop = textInput({ id: "setup-shop", value: state.shop, placeholder: t("shopPlaceholder"), onInput: (value) => {
    state.shop = value;
  } });
  const zone = choiceGroup({
    name: "setup-zone",
    legend: t("timeZoneLabel"),
    options: ZONES.map((entry) => ({ value: entry.value, label: t(entry.key) })),
    value: state.timeZone,
    onChange: (value) => {
      state.timeZone = value;
    },
  });
  const adminId = padInput({ id: "setup-admin-id", value: state.adminId, layout: "alnum", letterCase: "lower", maxLength: 16, title: t("adminIdLabel"), onChange: (value) => {
    state.adminId = value.toLowerCase();
  } });
  const adminName = textInput({ id: "setup-admin-name", value: state.adminName, onInput: (value) => {
    state.adminName = value;
  } });

  const next = actionButton({
    label: "setupNextPin",
    iconName: "key",
    primary: true,
    onClick: () => {
      if (!state.village.trim() || !state.adminName.trim()) {
        showMessage(slot, t("setupFillAll"));
        return;
      }
      if (!/^[a-z0-9_-]{1,16}$/.test(state.adminId)) {
        showMessage(slot, t("staffIdRule"));
        return;
      }
      if (!state.shop.trim()) state.shop = t("shopDefault", state.village.trim());
      state.step = "pin";
      state.pin = { first: null, pin: "", message: null };
      app.go("setup");
    },
  });
  const back = actionButton({ label: "back", onClick: () => {
    state.step = "start";
    app.go("setup");
  } });

  const root = frame(
    app,
    h(
      "main",
      { class: "staff-main staff-narrow" },
      h("h1", { class: "staff-title" }, staffIcon("gear", "staff-title-icon"), h("span", { text: t("setupTitle") })),
      h("p", { class: "lead", text: t("setupText") }),
      h(
        "div",
        { class: "form-grid" },
        field({ id: "setup-village", label: t("villageLabel"), control: village, hint: t("villageHint") }),
        field({ id: "setup-shop", label: t("shopLabel"), control: shop, hint: t("shopHint") }),
        h("div", { class: "field" }, h("p", { class: "field-label", text: t("kioskIdLabel") }), h("p", { class: "field-value", text: app.info?.kioskId ?? "" }), h("p", { class: "field-hint", text: t("kioskIdHint") })),
        field({ id: "setup-admin-id", label: t("adminIdLabel"), control: adminId, hint: t("adminIdHint") }),
        field({ id: "setup-admin-name", label: t("adminNameLabel"), control: adminName }),
      ),
      zone,
      slot,
      h("div", { class: "form-actions" }, back, next),
    ),
  );
  return { root, busy: () => true };
}

function pinStep(app, state) {
  const pad = pinTwice({
    app,
    state: state.pin,
    who: h("p", { class: "signin-who" }, staffIcon("shield"), h("span", { text: t("staffLineNamed", state.adminId, state.adminName) })),
    onBack: () => {
      state.step = "form";
      app.go("setup");
    },
    onPin: async (pin) => {
      const zone = ZONES.find((entry) => entry.value === state.timeZone) ?? ZONES[0];
      const answer = await app.kiosk.setup({
        village: state.village.trim(),
        shop: state.shop.trim(),
        timeZone: zone.value,
        utcOffsetMinutes: zone.offset,
        adminId: state.adminId,
        adminName: state.adminName.trim(),
        adminPin: pin,
        now: Date.now(),
      });
      state.recovery = answer.recoveryCode;
      state.step = "code";
      app.refreshInfo();
      app.refreshCatalog();
      app.go("setup");
    },
  });
  const unhook = keyboardForPin(pad);
  const root = frame(
    app,
    h(
      "main",
      { class: "setup-pin" },
      h("h1", { class: "staff-title" }, staffIcon("key", "staff-title-icon"), h("span", { text: t("setupAdminPin") })),
      h("div", { class: "signin-main signin-embedded" }, pad.side, pad.pad),
    ),
  );
  return { root, busy: () => true, leave: unhook };
}

function codeStep(app, state) {
  const done = () => {
    const adminId = state.adminId;
    clearPrint(app);
    app.setupState = null;
    app.staffSignIn = { step: "pin", staffId: adminId, pin: "", message: null };
    app.go("staff-signin");
  };
  const root = frame(
    app,
    h(
      "main",
      { class: "staff-main staff-narrow" },
      h("h1", { class: "staff-title" }, staffIcon("check", "staff-title-icon"), h("span", { text: t("setupDone", app.info?.shop ?? "") })),
      recoveryPanel(app, state.recovery, { onDone: done }),
    ),
  );
  return { root, busy: () => true };
}
