// What the page loads only when it is needed: the staff's screens, their
// words and their style, and the rarer screens (setting up a village,
// restoring, recovering damaged storage), which use the staff's forms and
// keypads. A villager's visit never waits for any of it. Each loads by
// dynamic import() the first time its screen is shown; the service worker
// caches every file of the build, so this works offline too.
import { loadStaffWords } from "./words/index.js";
import { once, linkStyle } from "./load.js";

/** Staff screens anyone may open: they ask for a staff PIN or recovery code. */
export const STAFF_PUBLIC = new Set(["staff-signin", "staff-recover"]);

export function isStaffScreen(name) {
  return typeof name === "string" && name.startsWith("staff-");
}

/** Screen name → [its module, the name of its screen function]. */
const SCREENS = {
  "staff-signin": ["./screens/staff/signin.js", "staffSignInScreen"],
  "staff-recover": ["./screens/staff/recover.js", "staffRecoverScreen"],
  "staff-home": ["./screens/staff/home.js", "staffHomeScreen"],
  "staff-restock": ["./screens/staff/restock.js", "staffRestockScreen"],
  "staff-catalog": ["./screens/staff/catalog.js", "staffCatalogScreen"],
  "staff-item": ["./screens/staff/item.js", "staffItemScreen"],
  "staff-adjust": ["./screens/staff/adjust.js", "staffAdjustScreen"],
  "staff-count": ["./screens/staff/count.js", "staffCountScreen"],
  "staff-void": ["./screens/staff/void.js", "staffVoidScreen"],
  "staff-households": ["./screens/staff/households.js", "staffHouseholdsScreen"],
  "staff-household": ["./screens/staff/household.js", "staffHouseholdScreen"],
  "staff-household-form": ["./screens/staff/household-form.js", "staffHouseholdFormScreen"],
  "staff-status": ["./screens/staff/status.js", "staffStatusScreen"],
  "staff-pin": ["./screens/staff/pin.js", "staffPinScreen"],
  "staff-team": ["./screens/staff/team.js", "staffTeamScreen"],
  "staff-settings": ["./screens/staff/settings.js", "staffSettingsScreen"],
  "staff-rules": ["./screens/staff/rules.js", "staffRulesScreen"],
  "staff-print": ["./screens/staff/print.js", "staffPrintScreen"],
  "staff-reports": ["./screens/staff/reports.js", "staffReportsScreen"],
  "staff-clerk-import": ["./screens/staff/clerk-import.js", "staffClerkImportScreen"],
  "staff-clerk-export": ["./screens/staff/clerk-export.js", "staffClerkExportScreen"],
  "staff-clerk-verify": ["./screens/staff/clerk-verify.js", "staffClerkVerifyScreen"],
  "staff-backup": ["./screens/staff/backup.js", "staffBackupScreen"],
  // Setting up a village; restoring a backup onto an empty kiosk, or a lost
  // kiosk from the county platform; recovering damaged storage.
  setup: ["./screens/setup.js", "setupScreen"],
  restore: ["./screens/restore.js", "restoreScreen"],
  "platform-restore": ["./screens/platform-restore.js", "platformRestoreScreen"],
  recovery: ["./screens/recovery.js", "recoveryScreen"],
};

/** Whether `name` is a screen loaded on demand. */
export function onDemand(name) {
  return Object.hasOwn(SCREENS, name);
}

/**
 * The staff's style (css/staff.css, and reports.css for the reports' screen
 * and prints) with the visit's, whose keypads the staff's sign-in uses, and
 * the prints'; resolves when all have loaded, so no staff screen is drawn
 * unstyled.
 */
const loadStaffStyle = once(() =>
  Promise.all(["css/visit.css", "css/staff.css", "css/print.css", "reports.css"].map(linkStyle)),
);

/** What every screen of this file needs: the staff's words, style, session and keypad. */
const loadShared = once(async () => {
  const [session, pad] = await Promise.all([
    import("./staff/session.js"),
    import("./staff/pad.js"),
    loadStaffWords(),
    loadStaffStyle(),
    // Panels that scroll say so (loaded with the visit's screens too).
    import("./scroll-more.js"),
  ]);
  return { session, pad };
});

const loads = new Map();

/**
 * Loads the screen `name` with what it shares with the others: resolves to
 * `{ make, session, pad }` — its screen function, staff/session.js and
 * staff/pad.js.
 */
export function loadScreen(name) {
  if (!loads.has(name)) {
    const [file, exported] = SCREENS[name];
    loads.set(
      name,
      once(async () => {
        const [module, shared] = await Promise.all([import(file), loadShared()]);
        return { make: module[exported], ...shared };
      }),
    );
  }
  return loads.get(name)();
}

/** Starts loading every staff screen (as the staff sign-in opens), so none waits after sign-in. */
export function prefetchStaffScreens() {
  for (const name of Object.keys(SCREENS)) {
    if (isStaffScreen(name)) loadScreen(name).catch(() => {});
  }
}
