// The staff menu: the work of the signed-in staff member's role as large
// tiles. Shopkeeper: goods, stock, donations, voids, PINs, assisted
// redemption. Clerk: households, imports, exports, backups. Admin: both, plus
// staff and settings. Supervisory committee (auditor): the posting and
// honours, the exports and the reports, to read. Above them, where the
// upload to the county platform stands, and the upload day's notice.
import { h } from "../../dom.js";
import { t, tIn, lang, other, LANGS, periodName } from "../../i18n.js";
import { staffFrame } from "../../staff/ui.js";
import { staffIcon } from "../../staff/icons.js";
import { notice } from "../common.js";
import { reportsAvailable } from "./reports.js";
import { yearClosePrompt } from "./rules.js";
import { platformStatusPanel } from "../../staff/platform-status.js";
import { clockNotices } from "../../staff/clock-panel.js";

/**
 * The upload day's notice ("每月10日前上报"): filled in when the upload's
 * status arrives, if last month's records are neither acknowledged by the
 * platform nor marked uploaded from a USB stick by the village's day.
 */
function uploadDueNotice(app) {
  const slot = h("div", { class: "upload-due" });
  if (typeof app.kiosk?.uploadOverdue !== "function" || typeof app.kiosk?.platformStatus !== "function") return slot;
  Promise.resolve(app.uploader ? app.uploader.status() : app.kiosk.platformStatus())
    .then((status) => {
      const now = Date.now();
      const late = app.kiosk.uploadOverdue(now, status?.oldestWaitingMs ?? null);
      if (late) slot.replaceChildren(notice(t("uploadOverdue", periodName(late.month), late.uploadDay), "warn", { role: "status" }));
      slot.dataset.checked = "true";
    })
    .catch(() => {});
  return slot;
}

/** Whether the core offers the printing of cards and labels. */
export function printingAvailable(app) {
  return typeof app.kiosk?.householdCards === "function" && typeof app.kiosk?.shelfLabels === "function";
}

function tile(app, { key, iconName, screen, options = {}, soon = false }) {
  const second = other(lang());
  return h(
    "li",
    { class: "menu-cell" },
    h(
      "button",
      {
        type: "button",
        class: soon ? "menu-tile is-soon" : "menu-tile",
        disabled: soon ? true : null,
        "aria-describedby": soon ? "menu-soon" : null,
        onclick: () => !app.pending && app.go(screen, options),
      },
      staffIcon(iconName, "menu-icon"),
      h(
        "span",
        { class: "dual" },
        h("span", { class: "dual-main", text: t(key) }),
        " ",
        h("span", { class: "dual-sub", lang: LANGS[second], text: tIn(second, key) }),
      ),
      soon ? h("span", { class: "menu-soon", text: t("comingSoon") }) : null,
    ),
  );
}

export function staffHomeScreen(app) {
  const shopkeeper = app.staffCan("shopkeeper");
  const clerk = app.staffCan("clerk");
  const admin = app.staffCan("admin");
  const auditor = app.staff?.role === "auditor";
  const printing = printingAvailable(app);

  const groups = [];
  if (shopkeeper) {
    groups.push({
      key: "menuGoods",
      tiles: [
        { key: "menuRestock", iconName: "gift", screen: "staff-restock" },
        { key: "menuCatalog", iconName: "tag", screen: "staff-catalog" },
        { key: "menuAdjust", iconName: "adjust", screen: "staff-adjust" },
        { key: "menuCount", iconName: "clipboard", screen: "staff-count" },
        { key: "menuVoid", iconName: "undo", screen: "staff-void" },
      ],
    });
  }
  // The supervisory committee reads and takes copies; every writing call refuses it.
  if (auditor) {
    groups.push({
      key: "menuAuditGroup",
      tiles: [
        { key: "menuPosting", iconName: "sliders", screen: "staff-rules" },
        { key: "menuExport", iconName: "fileOut", screen: "staff-clerk-export" },
      ],
    });
  }
  const householdTiles = [];
  if (shopkeeper) householdTiles.push({ key: "menuAssist", iconName: "assist", screen: "staff-households", options: { purpose: "assist" } });
  householdTiles.push({ key: clerk ? "menuHouseholds" : "menuHouseholdPins", iconName: "house", screen: "staff-households", options: { purpose: "manage" } });
  if (clerk) householdTiles.push({ key: "menuRegister", iconName: "houseAdd", screen: "staff-household-form", options: { mode: "new" } });
  if (clerk) householdTiles.push({ key: "menuRules", iconName: "sliders", screen: "staff-rules" });
  householdTiles.push({ key: "menuPrint", iconName: "card", screen: "staff-print", soon: !printing });
  if (clerk) householdTiles.push({ key: "backupMenu", iconName: "box", screen: "staff-backup" });
  if (!auditor) groups.push({ key: "menuHouseholdGroup", tiles: householdTiles });
  if (clerk) {
    groups.push({
      key: "menuClerkGroup",
      tiles: [
        { key: "menuImportCredits", iconName: "fileIn", screen: "staff-clerk-import", options: { kind: "credits" } },
        { key: "menuImportHouseholds", iconName: "fileIn", screen: "staff-clerk-import", options: { kind: "households" } },
        { key: "menuReconcile", iconName: "scale", screen: "staff-clerk-import", options: { kind: "balances" } },
        { key: "menuExport", iconName: "fileOut", screen: "staff-clerk-export" },
        { key: "menuVerify", iconName: "seal", screen: "staff-clerk-verify" },
      ],
    });
  }
  if (admin) {
    groups.push({
      key: "menuAdmin",
      tiles: [
        { key: "menuStaff", iconName: "users", screen: "staff-team" },
        { key: "menuSettings", iconName: "sliders", screen: "staff-settings" },
      ],
    });
  }

  groups.push({ key: "menuReportGroup", tiles: [{ key: "menuReports", iconName: "clipboard", screen: "staff-reports", soon: !reportsAvailable(app) }] });

  const body = h(
    "div",
    { class: "menu" },
    clerk ? yearClosePrompt(app) : null,
    uploadDueNotice(app),
    // A clock jump waiting for an admin, and a clock far from the platform's.
    clockNotices(app),
    // The browser may evict storage it did not promise to keep.
    app.info?.persisted === false ? notice(t("persistNotGranted"), "warn", { role: "status" }) : null,
    // The upload's state (a fork or a refusal is a red alert here).
    platformStatusPanel(app, { id: "staff-home-platform" }),
    groups.map((group, index) =>
      h(
        "section",
        { class: "menu-group", "aria-labelledby": `menu-group-${index}` },
        h("h2", { class: "section-title", id: `menu-group-${index}`, text: t(group.key) }),
        h("ul", { class: "menu-grid", role: "list" }, group.tiles.map((entry) => tile(app, entry))),
      ),
    ),
    printing ? null : h("p", { class: "field-hint", id: "menu-soon", text: t("printSoonHint") }),
  );

  const root = staffFrame(app, {
    screen: "staff-home",
    title: t("staffHomeTitle", app.staff?.name ?? ""),
    iconName: "menu",
    back: null,
    body,
  });
  return { root };
}
