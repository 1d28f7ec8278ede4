// The kiosk's core, in two builds of the same crate (scripts/lib.sh,
// build_pkg): pkg/villager/ holds only what the villager's screens and the
// upload call, and is what the page loads first, so the home screen does
// not wait for the staff's reports, imports, exports, labels and backups;
// pkg/ is the full build, with every method of the JS API, loaded the
// first time a screen needs it (a staff sign-in, setting up a village,
// restoring, recovering). Both read and write the same journal, one at a
// time: the writer lock passes from the first to the second. Once the full
// build is loaded it stays until the page reloads.
import initVillager, * as villagerBuild from "../pkg/villager/aixin_kiosk.js";

/** What the page uses of a build's module. */
function partsOf(module, full) {
  return {
    Kiosk: module.Kiosk,
    version: module.version,
    installPanicHook: module.installPanicHook,
    full,
  };
}

/** Initialises the villager's build: `{ Kiosk, version, installPanicHook, full: false }`. */
export async function villagerCore() {
  await initVillager();
  return partsOf(villagerBuild, false);
}

let fullLoad = null;

/**
 * Fetches and initialises the full build once: `{ Kiosk, version,
 * installPanicHook, full: true }`. A failed load (offline with nothing
 * cached) is tried again on the next call.
 */
export function fullCore() {
  fullLoad ??= (async () => {
    const module = await import("../pkg/aixin_kiosk.js");
    await module.default();
    // Its own panics too record their message and reload the page.
    module.installPanicHook();
    return partsOf(module, true);
  })().catch((error) => {
    fullLoad = null;
    throw error;
  });
  return fullLoad;
}

/**
 * Opens this kiosk's journal with `core` — `{ kiosk, options }`, the
 * options it opened with, or `{ error }`. A damaged journal opens what
 * verifies, read-only, so the screens can say so.
 */
export async function openKiosk(core, { kioskId, sessionIdleMs }) {
  const options = { kioskId, sessionIdleMs };
  try {
    return { kiosk: await core.Kiosk.open(options), options };
  } catch (error) {
    if (error?.code !== "STORAGE_CORRUPT") return { error };
  }
  const damaged = { ...options, allowCorrupt: true };
  try {
    return { kiosk: await core.Kiosk.open(damaged), options: damaged };
  } catch (error) {
    return { error };
  }
}

/**
 * Hands the journal from `kiosk` (the villager's build) to the full build:
 * loads the full build first, so a failed download leaves the villager's
 * kiosk open and working; then closes `kiosk`, whose promise resolves once
 * the writer lock is free, and opens the same journal with the same
 * `options`. Resolves to `{ kiosk, options, core }` or `{ error }` (then
 * neither kiosk is open: the page restarts).
 */
export async function moveToFull(kiosk, options) {
  const core = await fullCore();
  await kiosk.close();
  // The villager's state is dropped with it; nothing calls it again.
  try {
    kiosk.free();
  } catch {
    // still in use by a call that has not returned: it goes with the page
  }
  const opened = await openKiosk(core, options);
  return { ...opened, core };
}
