// The kiosk page's entry: loads the wasm core (the villager's build; the
// full one when a screen needs it, see js/core.js), opens this kiosk's
// journal (read-only if another window holds it or the journal is damaged)
// and starts the villager's screens. Only what home needs loads before home
// is drawn; the rest of the villager's page (the visit's screens, the
// upload, the service worker's registration) right after.
import { villagerCore, openKiosk, moveToFull } from "./js/core.js";
import { createApp } from "./js/app.js";
import { once } from "./js/load.js";

/** Settings from the URL: the kiosk id and (for tests) shorter timeouts. */
function readParams(Kiosk) {
  const query = new URLSearchParams(location.search);
  const ms = (name, fallback, least) => {
    const value = Number.parseInt(query.get(name) ?? "", 10);
    return Number.isSafeInteger(value) && value >= least ? value : fallback;
  };
  let kioskId = query.get("kiosk")?.trim() || null;
  if (!kioskId) {
    // The core reads and writes the stored id in one format (and still
    // reads an id stored bare by an older page).
    try {
      kioskId = Kiosk?.lastKioskId() ?? null;
    } catch {
      kioskId = null;
    }
  }
  return {
    kioskId: kioskId ?? "village-01",
    idleMs: ms("idleMs", 60_000, 200),
    countdownMs: ms("countdownMs", 30_000, 200),
    receiptMs: ms("receiptMs", 60_000, 200),
    scanGapMs: ms("scanGapMs", 100, 10),
    // How long the core keeps an untouched session (villager's or staff's):
    // a test's shorter time, else the core's own (read back by limits()).
    sessionIdleMs: ms("sessionIdleMs", undefined, 1_000),
    // How long the fatal screen of an unexpected error stays before the
    // page reloads by itself.
    fatalReloadMs: ms("fatalReloadMs", 8_000, 200),
    // Test hook: a redemption is stored but its receipt never drawn, as if
    // the power went off in between.
    holdReceipt: query.get("holdReceipt") === "1",
    // The upload to the county platform: after a write, and while
    // anything waits (js/uploader.js).
    uploadDelayMs: ms("uploadDelayMs", 30_000, 100),
    uploadEveryMs: ms("uploadEveryMs", 300_000, 1_000),
  };
}

// A kiosk is touched, not browsed: no context menu on a long press, no
// dragging pictures away.
document.addEventListener("contextmenu", (event) => event.preventDefault());
document.addEventListener("dragstart", (event) => event.preventDefault());

const elements = {
  root: document.getElementById("app"),
  footer: document.getElementById("footer"),
  status: document.getElementById("status"),
  toast: document.getElementById("toast"),
  printArea: document.getElementById("print-area"),
  dialog: document.getElementById("idle-dialog"),
};

// ----- the last line of defence ------------------------------------------

/** The app once made, for the page-level error handler. */
let currentApp = null;
let failing = false;

/**
 * Whether an uncaught error or rejection is one the page can live with: a
 * refusal of the kiosk's API (a coded Error whose screen forgot to catch it
 * leaves the journal as it was), or a media or permission promise the
 * browser rejected (speech, printing, storage persistence).
 */
function benign(reason) {
  if (typeof reason?.code === "string" && reason.code !== "INTERNAL") return true;
  return reason instanceof DOMException && ["AbortError", "NotAllowedError"].includes(reason.name);
}

/**
 * Anything else thrown and not caught may have left the page or the wasm
 * half-way (a trap leaves the core's calls waiting forever): the fatal
 * screen, then a reload by itself, which opens the journal again from
 * storage. A panic in the core has the hook reload too; whichever comes
 * first wins.
 */
function onUncaught(reason) {
  if (failing || benign(reason)) return;
  failing = true;
  // Not readParams(): it asks the wasm, which may be the thing that failed.
  const reloadMs = currentApp?.params.fatalReloadMs ?? 8_000;
  console.error("uncaught; the kiosk restarts", reason);
  try {
    if (currentApp) {
      currentApp.fatal = { code: "INTERNAL", restartMs: reloadMs };
      currentApp.setPending?.(false);
      currentApp.go("fatal");
    } else {
      elements.status.textContent = "出错了,正在重新启动 Restarting";
    }
  } finally {
    setTimeout(() => location.reload(), reloadMs);
  }
}

window.addEventListener("error", (event) => onUncaught(event.error ?? event.message));
window.addEventListener("unhandledrejection", (event) => onUncaught(event.reason));

/** js/uploader.js, loaded once home is drawn: nothing on home waits for the upload. */
const loadUploader = once(() => import("./js/uploader.js"));

/**
 * The upload for `app`'s kiosk: started once js/uploader.js has loaded
 * (its first attempt is then at once), stopped while the journal changes
 * hands. Only the tab holding the writer lock uploads; the uploader checks.
 */
function uploads(app, params) {
  // The kiosk the upload is for; null while stopped. A load that resolves
  // after a stop or a change of kiosk starts nothing.
  let wanted = null;
  return {
    start(kiosk) {
      wanted = kiosk?.platformStatus ? kiosk : null;
      if (!wanted || app.uploader) return;
      loadUploader().then(
        ({ startUploader }) => {
          if (wanted !== kiosk || app.uploader) return;
          app.uploader = startUploader(kiosk, { delayMs: params.uploadDelayMs, everyMs: params.uploadEveryMs });
        },
        // Not cached and no network: the next start tries again.
        () => {},
      );
    },
    stop() {
      wanted = null;
      app.uploader?.stop();
      app.uploader = null;
    },
  };
}

async function main() {
  let core = null;
  let buildVersion = "";
  try {
    core = await villagerCore();
    // A panic records its message and reloads the page (see src/web/panic.rs).
    core.installPanicHook();
    buildVersion = core.version();
  } catch (error) {
    elements.status.textContent = "无法加载 Failed to load";
    const app = createApp({ kiosk: null, version: "?", params: readParams(null), elements });
    currentApp = app;
    app.fatal = { code: "INTERNAL" };
    app.start();
    return;
  }
  // Read after init: the last kiosk id is read by the core.
  const params = readParams(core.Kiosk);
  let { kiosk, options, error } = await openKiosk(core, params);
  // An empty kiosk is set up, restored or recovered by staff, on screens
  // that need the full build: it opens with that at once (or, if that
  // cannot be fetched now, when the setting-up screen asks for it again).
  if (kiosk && kiosk.info().empty) {
    const moved = await moveToFull(kiosk, options).catch(() => null);
    if (moved) ({ kiosk, options, error, core } = moved);
  }
  // For the browser tests and the shopkeeper's console: the open kiosk.
  window.kiosk = kiosk ?? null;

  let moving = null;
  /**
   * The full build's kiosk in place of the villager's (the staff's screens
   * call for it before they are drawn): the uploader stops while the
   * journal changes hands and starts again on the new kiosk. If the full
   * build cannot be fetched, the villager's kiosk stays and the promise
   * rejects; if the journal then does not open again, the page restarts.
   */
  const useFullKiosk = () => {
    if (core.full || !kiosk) return Promise.resolve(kiosk);
    moving ??= (async () => {
      upload.stop();
      let moved;
      try {
        moved = await moveToFull(kiosk, options);
      } catch (error) {
        upload.start(kiosk);
        throw error;
      }
      if (!moved.kiosk) {
        // The villager's kiosk is closed and the journal did not open
        // again: the page starts over, as after any unexpected error.
        onUncaught(moved.error ?? new Error("the journal did not open again"));
        throw moved.error;
      }
      ({ kiosk, options, core } = moved);
      window.kiosk = kiosk;
      app.useKiosk(kiosk);
      upload.start(kiosk);
      watchVerification(kiosk);
      return kiosk;
    })().finally(() => {
      moving = null;
    });
    return moving;
  };

  const app = createApp({ kiosk, version: buildVersion, params, elements, useFullKiosk });
  currentApp = app;
  const upload = uploads(app, params);
  // For the browser tests and the shopkeeper's console: the move to the
  // full build a staff sign-in makes (then window.kiosk is its kiosk).
  window.useFullKiosk = useFullKiosk;
  if (!kiosk) app.fatal = error ?? { code: "INTERNAL" };
  app.start();
  document.documentElement.dataset.ready = "true";
  if (kiosk) watchVerification(kiosk);
  // The first screen is drawn and takes a tap; the rest of the page loads in
  // the next task, so that screen's first frame does not wait for it.
  setTimeout(() => afterFirstScreen(app, kiosk, upload), 0);
}

/**
 * What the page loads once its first screen is drawn: the visit's screens
 * (a tap on home that comes sooner waits for them), the upload, and the
 * service worker. The worker is registered after the visit's files are
 * asked for: a new build's worker takes over only once it has cached its
 * whole build, long after these requests went to the worker of this page's.
 */
function afterFirstScreen(app, kiosk, upload) {
  // Marked for the tests once every file of the visit is in.
  app.loadVisit().then(
    () => {
      document.documentElement.dataset.visit = "loaded";
    },
    // Not cached and no network: the first tap that needs them tries again.
    () => {},
  );
  if (!kiosk) return;
  if (!app.uploader) upload.start(app.kiosk);
  import("./js/offline.js")
    .then(({ registerServiceWorker }) =>
      registerServiceWorker({
        canReload: () =>
          !app.session &&
          !app.staff &&
          !app.pending &&
          !app.view?.busy?.() &&
          ["home", "setup", "fatal"].includes(app.screen),
      }),
    )
    .catch(() => {});
}

/**
 * Open verified the journal after the last checkpoint; the rest is
 * verified now, in the background. A failure opens again from scratch,
 * which names the damaged record and keeps what verifies, read-only.
 */
function watchVerification(kiosk) {
  kiosk.whenVerified().then((verified) => {
    if (!verified && kiosk.info().readOnly?.code === "STORAGE_CORRUPT") location.reload();
  }).catch(() => {});
}

main();
