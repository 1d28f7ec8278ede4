// The villager's side of the kiosk: the state of one visit (who is signed
// in, the basket, the receipt), the moves between screens, the scanner, the
// idle watch and the messages. The screens themselves are in screens/: home
// and the fatal screen are imported here; the visit's after home (sign-in,
// shop, confirm, receipt, my points) load once home is drawn (visit.js); the
// staff's and the rarer ones (setting up, restoring, recovering) the first
// time they are shown (on-demand.js).
import { h, replaceChildren, icon } from "./dom.js";
import { hundredths, formatHundredths } from "./amounts.js";
import { t, tIn, dual, lang, setLang, onLangChange, errorText, setUtcOffset } from "./i18n.js";
import { installScanner } from "./scanner.js";
import { createIdleWatch } from "./idle.js";
import { speak, hush } from "./voice.js";
import { homeScreen } from "./screens/home.js";
import { fatalScreen } from "./screens/fatal.js";
import { STAFF_PUBLIC, isStaffScreen, onDemand, loadScreen, prefetchStaffScreens } from "./on-demand.js";
import { isVisitScreen, loadVisit } from "./visit.js";
import { notice } from "./screens/common.js";

/** The receipt screen `receiptScreen`; over a receipt never shown before, a line saying so. */
function receiptOrLastScreen(receiptScreen, app, options) {
  const view = receiptScreen(app, options);
  if (app.receiptLast) {
    const title = `${tIn("zh", "lastReceiptTitle")} / ${tIn("en", "lastReceiptTitle")}`;
    view.root.querySelector("main")?.before(notice(t("lastReceiptText"), "ok", { role: "status", title }));
  }
  return view;
}

/**
 * localStorage: the receipts this page has drawn, `kioskId:receiptNumber`,
 * newest last. Marked as the receipt is drawn; a mark lost (the power went
 * off before the browser wrote it, storage full) only shows that receipt
 * once more.
 */
const SHOWN_RECEIPTS_KEY = "aixin:shownReceipts";
const SHOWN_RECEIPTS_MAX = 200;
/** A receipt never drawn is shown at the household's next sign-in within this time. */
const LAST_RECEIPT_WITHIN_MS = 30 * 60 * 1000;

function shownReceipts() {
  try {
    const list = JSON.parse(localStorage.getItem(SHOWN_RECEIPTS_KEY) ?? "[]");
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

function markShown(mark) {
  const list = shownReceipts().filter((kept) => kept !== mark);
  list.push(mark);
  try {
    localStorage.setItem(SHOWN_RECEIPTS_KEY, JSON.stringify(list.slice(-SHOWN_RECEIPTS_MAX)));
  } catch {
    // Storage full or off: the receipt may be shown once more.
  }
}

/** The screens that can be drawn now: home and the fatal screen from the start. */
const SCREENS = {
  home: homeScreen,
  fatal: fatalScreen,
  // The others (the visit's, the staff's, setting up, restoring,
  // recovering) are added as they load: see visit.js, on-demand.js and
  // app.go.
};

/** Adds the visit's screens, once loaded (visit.js), to SCREENS. */
function addVisitScreens(screens) {
  Object.assign(SCREENS, screens);
  SCREENS.receipt = (app, options) => receiptOrLastScreen(screens.receipt, app, options);
}

/** Screens where nobody is in the middle of anything: no idle warning. */
const RESTING = new Set(["setup", "home", "fatal", "restore", "recovery", "platform-restore"]);

/** A fresh request id: letters, digits and '-' only. */
function newRequestId() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * createApp({ kiosk, version, params, elements, useFullKiosk }) —
 * `elements`: the page's root, footer, status line, toast, print area;
 * `useFullKiosk`: resolves once the kiosk of the core's full build is in
 * use (main.js moves the journal to it and hands it to app.useKiosk); the
 * screens loaded on demand wait for it. Returns the app object the screens
 * work with.
 */
export function createApp({ kiosk, version, params, elements, useFullKiosk = async () => kiosk }) {
  const app = {
    kiosk,
    version,
    params,
    elements,
    info: kiosk ? kiosk.info() : null,
    // What the core accepts (basket, PIN, idle time, lengths, roles): the
    // page draws its keypads and fields by these, never by numbers of its own.
    limits: kiosk ? kiosk.limits() : null,
    screen: null,
    view: null,
    session: null,
    intent: "shop",
    basket: new Map(),
    basketOwner: null,
    requestId: null,
    catalog: [],
    category: "all",
    receipt: null,
    pending: false,
    signIn: { step: "code", code: "", pin: "", household: null, message: null },
    fatal: null,
  };

  // ----- kiosk facts ------------------------------------------------------

  /** Whether `text` is a PIN the core takes: digits, as many as its limits allow. */
  app.isPin = (text) =>
    /^\d+$/.test(text) && text.length >= app.limits.pinLengthMin && text.length <= app.limits.pinLengthMax;

  app.refreshInfo = () => {
    app.info = kiosk.info();
    setUtcOffset(app.info.utcOffsetMinutes);
    return app.info;
  };

  /**
   * Takes `next`, the full build's kiosk on the same journal, in place of
   * the one the page started with; what the app read from the old one is
   * read again. A villager's visit does not carry over (its session lived
   * in the old kiosk): staff sign in from the home screen.
   */
  app.useKiosk = (next) => {
    kiosk = next;
    app.kiosk = next;
    app.limits = next.limits();
    app.session = null;
    app.basketOwner = null;
    app.clearBasket();
    app.receipt = null;
    app.refreshInfo();
    if (!app.info.empty) app.refreshCatalog();
  };

  /** Resolves to the full build's kiosk, once it is in use. */
  app.useFullKiosk = () => useFullKiosk();

  /** The read-only state ({ code, reason, seq, … }) or null. */
  app.readOnly = () => app.info?.readOnly ?? null;

  app.readOnlyText = (language = lang()) => {
    const readOnly = app.readOnly();
    return readOnly ? errorText(readOnly, {}, language) : "";
  };

  app.refreshCatalog = () => {
    app.catalog = kiosk.catalog().filter((item) => item.active);
    return app.catalog;
  };

  app.item = (sku) => app.catalog.find((item) => item.sku === sku) ?? null;

  app.itemName = (sku, language = lang()) => {
    const item = app.item(sku);
    if (!item) return null;
    return language === "zh" || !item.nameEn ? item.nameZh : item.nameEn;
  };

  app.categories = () => {
    const seen = [];
    for (const item of app.catalog) if (!seen.includes(item.category)) seen.push(item.category);
    return seen;
  };

  /** The signed-in household as the kiosk knows it now (fresh balance). */
  app.household = () => {
    if (!app.session) return null;
    try {
      return kiosk.household(app.session.household);
    } catch {
      return null;
    }
  };

  app.errorText = (error, context = {}, language = lang()) =>
    errorText(error, { itemName: app.itemName, ...context }, language);

  // ----- the basket (exact: integer hundredths) ---------------------------

  app.basketLines = () => {
    const lines = [];
    for (const [sku, qty] of app.basket) {
      const item = app.item(sku);
      if (item) lines.push({ item, qty, total: hundredths(item.price) * BigInt(qty) });
    }
    return lines;
  };

  app.totals = () => {
    const household = app.household();
    const balance = household ? hundredths(household.balance) : 0n;
    let total = 0n;
    for (const line of app.basketLines()) total += line.total;
    return { balance, total, after: balance - total };
  };

  /** Why one more of `item` cannot go in the basket, or null if it can. */
  app.whyNot = (item) => {
    const inBasket = app.basket.get(item.sku) ?? 0;
    if (item.stock <= 0) return "stock";
    if (inBasket >= item.stock) return "all";
    if (inBasket >= app.limits.quantityMax) return "max";
    if (hundredths(item.price) > app.totals().after) return "points";
    if (inBasket === 0 && app.basket.size >= app.limits.basketLinesMax) return "lines";
    return null;
  };

  app.whyNotText = (item, reason, language = lang()) => {
    const name = language === "zh" || !item.nameEn ? item.nameZh : item.nameEn;
    switch (reason) {
      case "stock":
        return tIn(language, "whyOutOfStock", name);
      case "all":
        return tIn(language, "whyAllInBasket", name, item.stock);
      case "max":
        return tIn(language, "whyMaxQty", name, app.limits.quantityMax);
      case "points":
        return tIn(
          language,
          "whyNotEnough",
          name,
          tIn(language, "points", item.price),
          tIn(language, "points", formatHundredths(app.totals().after) || "0"),
        );
      case "lines":
        return tIn(language, "tooManyLines", app.limits.basketLinesMax);
      default:
        return "";
    }
  };

  app.basketChanged = () => {
    app.requestId = null;
    app.touchSession();
    app.view?.update?.();
  };

  /** Adds one of `sku`; says why not if it cannot. Returns true if added. */
  app.add = (sku) => {
    const item = app.item(sku);
    if (!item) return false;
    const reason = app.whyNot(item);
    if (reason) {
      app.toast(app.whyNotText(item, reason), "warn");
      return false;
    }
    app.basket.set(sku, (app.basket.get(sku) ?? 0) + 1);
    app.basketChanged();
    return true;
  };

  app.remove = (sku) => {
    const qty = app.basket.get(sku) ?? 0;
    if (qty <= 1) app.basket.delete(sku);
    else app.basket.set(sku, qty - 1);
    app.basketChanged();
  };

  app.clearBasket = () => {
    app.basket.clear();
    app.requestId = null;
  };

  /** The request id of the current basket attempt: made once, reused on retry. */
  app.currentRequestId = () => {
    if (!app.requestId) app.requestId = newRequestId();
    return app.requestId;
  };

  app.basketInput = () => app.basketLines().map((line) => ({ sku: line.item.sku, qty: line.qty }));

  // ----- sessions ---------------------------------------------------------

  let lastTouch = 0;
  /** Keeps the core's session alive while the villager is busy on the page. */
  app.touchSession = () => {
    if (!app.session) return;
    const now = Date.now();
    if (now - lastTouch < 30_000) return;
    lastTouch = now;
    try {
      kiosk.touchSession(app.session, now);
    } catch (error) {
      if (error?.code === "SESSION_EXPIRED") app.sessionExpired();
    }
  };

  app.signedIn = (session) => {
    app.session = session;
    lastTouch = Date.now();
    if (app.basketOwner !== session.household) app.clearBasket();
    app.basketOwner = session.household;
    app.signIn = { step: "code", code: "", pin: "", household: null, message: null };
    app.refreshCatalog();
    const household = app.household();
    if (household) speak(tIn("zh", "speakBalance", household.name, tIn("zh", "points", household.balance)));
    // A redemption stored but whose receipt this page never drew (the power
    // went off in between): show it first, so nobody redeems twice.
    const last = app.unshownReceipt();
    if (last) {
      app.receipt = last;
      app.receiptLast = true;
      app.go("receipt");
      return;
    }
    app.go(app.intent === "history" ? "history" : "shop");
  };

  /** The mark of a receipt in aixin:shownReceipts. */
  const receiptMark = (receipt) => `${app.info?.kioskId ?? ""}:${receipt.receiptNumber}`;

  /**
   * The signed-in household's latest redemption if it is less than 30
   * minutes old and its receipt was never drawn here, else null.
   */
  app.unshownReceipt = () => {
    let receipt = null;
    try {
      receipt = kiosk.lastRedemption?.(app.session, Date.now()) ?? null;
    } catch {
      return null;
    }
    if (!receipt) return null;
    const age = Date.now() - receipt.time;
    if (age < 0 || age > LAST_RECEIPT_WITHIN_MS) return null;
    return shownReceipts().includes(receiptMark(receipt)) ? null : receipt;
  };

  /** The core ended the session: sign in again; the basket waits for the same household. */
  app.sessionExpired = () => {
    const code = app.session?.household ?? null;
    if (app.session) kiosk.signOut(app.session);
    app.session = null;
    let household = null;
    try {
      household = code ? kiosk.household(code) : null;
    } catch {
      household = null;
    }
    app.signIn = {
      step: household ? "pin" : "code",
      code: code ?? "",
      pin: "",
      household,
      message: { error: { code: "SESSION_EXPIRED" } },
    };
    app.go("signin");
  };

  /** Ends the visit (a villager's or a staff member's): sign out, drop the basket, back to Chinese and home. */
  app.finish = () => {
    // Done with a receipt never shown before: the visit goes on where the
    // household meant to go.
    if (app.receiptLast && app.session) {
      app.receiptLast = false;
      app.receipt = null;
      app.go(app.intent === "history" ? "history" : "shop");
      return;
    }
    app.receiptLast = false;
    app.staffSignOut?.();
    if (app.session) {
      try {
        kiosk.signOut(app.session);
      } catch {
        // already gone
      }
    }
    app.session = null;
    app.basketOwner = null;
    app.clearBasket();
    app.receipt = null;
    app.category = "all";
    app.intent = "shop";
    app.signIn = { step: "code", code: "", pin: "", household: null, message: null };
    hush();
    // Home first, then Chinese for the next villager (which redraws home).
    app.go("home");
    setLang("zh");
  };

  /** The corner button on home: the staff sign-in. */
  app.startStaffSignIn = () => {
    // Damaged storage: staff go to the ways back (no sign-in is possible).
    if (app.readOnly()?.code === "STORAGE_CORRUPT") {
      app.go("recovery");
      return;
    }
    if (app.readOnly()) {
      app.toast(app.readOnlyText(), "warn");
      return;
    }
    app.staffSignOut?.();
    // The sign-in screen loads on this tap; the staff's other screens load
    // meanwhile, so the menu does not wait for them after the PIN.
    prefetchStaffScreens();
    app.go("staff-signin");
  };

  /** Starts a sign-in, for `intent` "shop" or "history"; `code` if already known (a scan). */
  app.startSignIn = (intent = "shop", code = null) => {
    if (app.readOnly()) {
      app.toast(app.readOnlyText(), "warn");
      return;
    }
    app.intent = intent;
    let household = null;
    if (code) {
      try {
        household = kiosk.household(code);
      } catch {
        household = null;
      }
    }
    app.signIn = {
      step: household ? "pin" : "code",
      code: household ? household.code : "",
      // A member's card signs in as itself, so the core names the collector.
      card: household && code.trim().toUpperCase() !== household.code ? code.trim().toUpperCase() : null,
      pin: "",
      household,
      message: null,
    };
    app.go("signin");
  };

  // ----- screens ----------------------------------------------------------

  let idle;
  /** staff/pad.js once a screen loaded on demand brought it: the open pad, if any. */
  let pad = null;
  /** Counts the moves: a screen that finishes loading is drawn only if no later move came first. */
  let moves = 0;

  /**
   * Loads the visit's screens (once) and adds them to the screens that can
   * be drawn, so that a tap once they are in draws at once. main.js asks
   * for them as soon as home is drawn.
   */
  app.loadVisit = () => loadVisit().then(addVisitScreens);

  /**
   * Draws a screen of the visit once the visit's screens have loaded (a tap
   * on home before they did), unless another move came meanwhile.
   */
  function goWhenVisitLoaded(name, options) {
    whenLoaded(name, options, app.loadVisit);
  }

  /**
   * Draws a screen loaded on demand once it is loaded (with the staff's
   * words and style, and the staff session on the app), unless another move
   * came meanwhile.
   */
  function goWhenStaffLoaded(name, options) {
    // Each of these screens calls the full build's kiosk.
    whenLoaded(name, options, () =>
      Promise.all([loadScreen(name), useFullKiosk()]).then(([{ make, session, pad: loadedPad }]) => {
        SCREENS[name] = make;
        pad = loadedPad;
        if (kiosk && !app.staffCall) session.installStaff(app);
      }),
    );
  }

  /**
   * Goes to `name` once `load()` has resolved, unless another move came
   * meanwhile. A load that fails says so and stays where it was.
   */
  function whenLoaded(name, options, load) {
    const move = ++moves;
    app.loading = name;
    document.documentElement.dataset.loading = name;
    load().then(
      () => {
        if (move !== moves) return;
        app.go(name, options);
      },
      (error) => {
        if (move !== moves) return;
        app.loading = null;
        delete document.documentElement.dataset.loading;
        console.error(`the screen ${name} did not load`, error);
        app.toast(t("screenLoadFailed"), "warn");
      },
    );
  }

  app.go = (name, options = {}) => {
    let make = SCREENS[name];
    if (!make && !onDemand(name) && !isVisitScreen(name)) return;
    if (!make && isVisitScreen(name)) {
      goWhenVisitLoaded(name, options);
      return;
    }
    if (name === "receipt" && app.receipt) {
      // Test hook (?holdReceipt=1): the redemption is stored, its receipt
      // is never drawn, as when the power goes off in between.
      if (params.holdReceipt && !app.receiptLast) {
        document.documentElement.dataset.receiptHeld = app.receipt.receiptNumber;
        return;
      }
      markShown(receiptMark(app.receipt));
    }
    // No staff screen without a live staff session: whatever asked for it
    // (a stale button, a scan, a script) lands on home instead.
    if (isStaffScreen(name) && !STAFF_PUBLIC.has(name)) {
      if (!app.staff) {
        name = "home";
        options = {};
        make = SCREENS.home;
      } else if (!app.staffFresh()) {
        app.staffExpired();
        return;
      }
    }
    if (!make) {
      goWhenStaffLoaded(name, options);
      return;
    }
    moves++;
    app.loading = null;
    delete document.documentElement.dataset.loading;
    closeIdleDialog();
    pad?.closePad();
    hideToast();
    app.view?.leave?.();
    app.screen = name;
    app.view = make(app, options);
    replaceChildren(elements.root, app.view.root);
    document.documentElement.dataset.screen = name;
    elements.footer.hidden = !["setup", "home", "fatal"].includes(name);
    idle?.arm(!RESTING.has(name));
    idle?.poke();
    app.view.focus?.();
  };

  /** Rebuilds the current screen (after a language switch), keeping its state. */
  app.redraw = () => {
    if (!app.screen) return;
    const keep = app.view?.keep?.();
    app.view?.leave?.();
    app.view = SCREENS[app.screen](app, { keep, redraw: true });
    replaceChildren(elements.root, app.view.root);
    idle?.arm(!RESTING.has(app.screen));
  };

  onLangChange(() => {
    document.title = `${t("appTitle")} · Aixin Kiosk`;
    app.redraw();
    updateStatus();
    if (!elements.toast.hidden) hideToast();
  });

  app.toggleLang = () => {
    if (app.pending) return;
    setLang(lang() === "zh" ? "en" : "zh");
  };

  // ----- messages ---------------------------------------------------------

  let toastTimer = null;
  function hideToast() {
    clearTimeout(toastTimer);
    elements.toast.hidden = true;
    elements.toast.replaceChildren();
  }
  /** A short message over the screen; tap to close. kind: "info" | "warn" | "ok". */
  app.toast = (text, kind = "info", ms = 6000) => {
    clearTimeout(toastTimer);
    replaceChildren(
      elements.toast,
      icon(kind === "ok" ? "check" : kind === "warn" ? "blocked" : "info", "toast-icon"),
      h("span", { class: "toast-text", text }),
    );
    elements.toast.className = `toast toast-${kind}`;
    elements.toast.hidden = false;
    toastTimer = setTimeout(hideToast, ms);
  };
  elements.toast.addEventListener("click", hideToast);

  function updateStatus() {
    const parts = [`v${version}`];
    if (app.info) parts.push(t("kioskLabel", app.info.kioskId));
    elements.status.textContent = parts.join(" · ");
  }

  // ----- the scanner ------------------------------------------------------

  app.handleScan = (raw) => {
    const text = raw.trim();
    if (!text || app.pending || !app.info || app.info.empty) return;
    if (dialog.open) closeIdleDialog();
    // An open pad takes the scan as its value.
    if (pad?.padScan(text)) return;
    // On the staff's screens a scan is theirs: a barcode, a receipt, a card.
    if (isStaffScreen(app.screen)) {
      const typed = document.activeElement;
      if (typed instanceof HTMLInputElement && typed.value.endsWith(text)) {
        // The scanner typed into a focused field too: take that back.
        typed.value = typed.value.slice(0, -text.length);
        typed.dispatchEvent(new Event("input", { bubbles: true }));
      }
      if (app.view?.onScan) app.view.onScan(text);
      else app.toast(t("scanNotHere"), "warn");
      return;
    }
    // The screen may take it first: the sign-in screen reads quick digits on
    // its PIN step as the PIN.
    if (app.view?.onScan?.(text)) return;
    const item = /^\d{8,14}$/.test(text) ? app.catalog.find((candidate) => candidate.barcode === text) : null;
    if (item || (/^\d{8,14}$/.test(text) && !isHouseholdCode(text))) {
      if (!app.session) {
        app.toast(t("scanSignInFirst"), "warn");
        return;
      }
      if (!item) {
        app.toast(t("scanUnknownBarcode", text), "warn");
        return;
      }
      if (app.screen !== "shop") app.go("shop");
      if (app.add(item.sku)) app.toast(t("added", app.itemName(item.sku)), "ok", 3000);
      return;
    }
    if (isHouseholdCode(text)) {
      const household = kiosk.household(text);
      if (app.session && app.session.household === household.code) {
        if (app.screen !== "shop" && app.screen !== "confirm") app.go("shop");
        return;
      }
      if (app.session) {
        kiosk.signOut(app.session);
        app.session = null;
        app.clearBasket();
        app.basketOwner = null;
      }
      app.startSignIn(app.screen === "history" ? "history" : "shop", text);
      return;
    }
    app.toast(t("scanUnknown", text), "warn");
  };

  function isHouseholdCode(text) {
    try {
      kiosk.household(text);
      return true;
    } catch {
      return false;
    }
  }

  // ----- the idle warning -------------------------------------------------

  const dialog = elements.dialog;
  let countdownTimer = null;

  function closeIdleDialog() {
    clearInterval(countdownTimer);
    countdownTimer = null;
    if (dialog.open) dialog.close();
    idle?.pause(false);
  }

  function showIdleDialog() {
    if (app.pending || RESTING.has(app.screen)) return;
    idle.pause(true);
    const endsAt = Date.now() + params.countdownMs;
    const seconds = () => Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    const count = h("p", { class: "idle-count", role: "timer", "aria-live": "off" });
    const setCount = () => {
      count.textContent = t("idleText", seconds());
    };
    setCount();
    replaceChildren(
      dialog,
      h(
        "div",
        { class: "idle-box" },
        icon("clock", "idle-icon"),
        h("h2", { id: "idle-title", class: "idle-title" }, dual("idleTitle")),
        count,
        h("p", { class: "idle-hint", text: t("idleHint") }),
        h(
          "button",
          { type: "button", class: "btn btn-primary btn-huge", onclick: () => closeIdleDialog() },
          dual("continue"),
        ),
      ),
    );
    dialog.setAttribute("aria-labelledby", "idle-title");
    if (!dialog.open) dialog.showModal();
    countdownTimer = setInterval(() => {
      if (Date.now() >= endsAt) {
        closeIdleDialog();
        app.finish();
      } else {
        setCount();
      }
    }, 250);
  }

  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    closeIdleDialog();
  });
  dialog.addEventListener("click", (event) => {
    // A tap anywhere on the warning (also around the box) means "still here".
    if (event.target === dialog) closeIdleDialog();
  });

  // ----- start ------------------------------------------------------------

  app.start = () => {
    // Until the staff's screens load (with staff/session.js, which adds the
    // staff session and its calls), nobody on staff is signed in.
    app.staff = null;
    updateStatus();
    idle = createIdleWatch({ idleMs: params.idleMs, onWarn: showIdleDialog, onActivity: () => app.touchSession() });
    app.idle = idle;
    installScanner({ onScan: app.handleScan, maxGapMs: params.scanGapMs });
    if (app.fatal) {
      app.go("fatal");
      return;
    }
    app.refreshInfo();
    updateStatus();
    // Damaged storage with nothing readable (its archive base): straight to
    // the ways back, not to setting up a new village.
    if (app.info.empty && app.readOnly()?.code === "STORAGE_CORRUPT") {
      app.go("recovery");
      return;
    }
    if (app.info.empty) {
      app.go("setup");
      // A recovery cut off half-way is finished before anything else.
      kiosk.resumeRecovery?.().then((resumed) => resumed && app.afterDemoLoaded(), () => {});
      return;
    }
    app.refreshCatalog();
    app.go("home");
  };

  app.setPending = (on) => {
    app.pending = Boolean(on);
    idle?.pause(app.pending);
  };

  /**
   * What this browser knew of this kiosk before its storage went empty:
   * `{ kioskId, seq }` when this kiosk once held records and holds none now
   * (evicted or wiped), else null.
   */
  app.missingData = () => {
    if (!app.info?.empty) return null;
    let had = null;
    try {
      had = kiosk?.constructor.hadData?.() ?? null;
    } catch {
      had = null;
    }
    return had && had.kioskId === app.info.kioskId && had.seq > 0 ? had : null;
  };

  app.afterDemoLoaded = () => {
    app.refreshInfo();
    app.refreshCatalog();
    updateStatus();
    app.go("home");
  };

  return app;
}
