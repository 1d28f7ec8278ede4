// The kiosk page's entry: loads the wasm core, opens this kiosk's journal
// (read-only if another window holds it or the journal is damaged) and
// starts the villager's screens.
import init, { Kiosk, version } from "./pkg/aixin_kiosk.js";
import { registerServiceWorker } from "./js/offline.js";
import { createApp } from "./js/app.js";

/** Settings from the URL: the kiosk id and (for tests) shorter timeouts. */
function readParams() {
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
      kioskId = Kiosk.lastKioskId() ?? null;
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
    // How long the core keeps an untouched session (villager's or staff's).
    sessionIdleMs: ms("sessionIdleMs", 180_000, 1_000),
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

async function openKiosk(kioskId, sessionIdleMs) {
  try {
    return { kiosk: await Kiosk.open({ kioskId, sessionIdleMs }) };
  } catch (error) {
    if (error?.code !== "STORAGE_CORRUPT") return { error };
  }
  // A damaged journal: open what verifies, read-only, so the screens can say so.
  try {
    return { kiosk: await Kiosk.open({ kioskId, sessionIdleMs, allowCorrupt: true }) };
  } catch (error) {
    return { error };
  }
}

async function main() {
  let buildVersion = "";
  try {
    await init();
    buildVersion = version();
  } catch (error) {
    elements.status.textContent = "无法加载 Failed to load";
    const app = createApp({ kiosk: null, version: "?", params: readParams(), elements });
    app.fatal = { code: "INTERNAL" };
    app.start();
    return;
  }
  // Read after init: the last kiosk id is read by the core.
  const params = readParams();
  const { kiosk, error } = await openKiosk(params.kioskId, params.sessionIdleMs);
  // For the browser tests and the shopkeeper's console: the open kiosk.
  window.kiosk = kiosk ?? null;
  const app = createApp({ kiosk, version: buildVersion, params, elements });
  if (!kiosk) app.fatal = error ?? { code: "INTERNAL" };
  app.start();
  document.documentElement.dataset.ready = "true";
  if (kiosk) {
    // Open verified the journal after the last checkpoint; the rest is
    // verified now, in the background. A failure opens again from scratch,
    // which names the damaged record and keeps what verifies, read-only.
    kiosk.whenVerified().then((verified) => {
      if (!verified && kiosk.info().readOnly?.code === "STORAGE_CORRUPT") location.reload();
    }).catch(() => {});
    registerServiceWorker({
      canReload: () =>
        !app.session &&
        !app.staff &&
        !app.pending &&
        !app.view?.busy?.() &&
        ["home", "setup", "fatal"].includes(app.screen),
    }).catch(() => {});
  }
}

main();
