// Shared set-up of the browser tests: the kiosk's own server on a free
// loopback port and Debian's Chromium, headless, with a fresh profile.
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { cp, mkdtemp, open, readFile, rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "../../scripts/server.mjs";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * The sections of a wasm binary, in order: { id, start, end } (the section
 * whole, its id byte included), and for a custom section (id 0) its name.
 */
export function wasmSections(bytes) {
  let at = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const sections = [];
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    const end = leb() + at;
    const section = { id, start, end };
    if (id === 0) {
      const length = leb();
      section.name = new TextDecoder().decode(bytes.subarray(at, at + length));
    }
    sections.push(section);
    at = end;
  }
  return sections;
}

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Starts the kiosk server on a free port. Call `close()` when done. */
export async function serveKiosk() {
  const { server, url } = await startServer({ port: 0 });
  return { url, close: () => new Promise((done) => server.close(done)) };
}

const REPO_DIR = fileURLToPath(new URL("../../", import.meta.url));

/**
 * A copy of www/ and pkg/ served on a free port, for a test that changes
 * files or stops the server: { dir, dirs, server, url, stop } — `stop()`
 * (safe to call twice) ends the server; the test removes `dir`.
 */
export async function servedCopy() {
  const dir = await mkdtemp(join(tmpdir(), "aixin-site-"));
  await cp(join(REPO_DIR, "www"), join(dir, "www"), { recursive: true });
  await cp(join(REPO_DIR, "pkg"), join(dir, "pkg"), { recursive: true });
  const dirs = { wwwDir: join(dir, "www"), pkgDir: join(dir, "pkg") };
  const { server, url } = await startServer({ port: 0, ...dirs });
  let stopped = null;
  const stop = () =>
    (stopped ??= new Promise((done) => {
      server.closeAllConnections();
      server.close(done);
    }));
  return { dir, dirs, server, url, stop };
}

/**
 * Waits (bounded) until the page is controlled by a worker whose cache
 * holds the whole build; resolves to that cache's name.
 */
export async function waitForOfflineCache(page) {
  for (let attempt = 0; attempt < 150; attempt++) {
    const name = await page.evaluate(async () => {
      if (!navigator.serviceWorker.controller) return null;
      const names = (await caches.keys()).filter((name) => name.startsWith("aixin-build-"));
      if (names.length !== 1 || names[0] !== `aixin-build-${self.AIXIN_BUILD}`) return null;
      const cache = await caches.open(names[0]);
      return (await cache.keys()).length >= self.AIXIN_FILES.length ? names[0] : null;
    });
    if (name) return name;
    await page.waitForTimeout(200);
  }
  throw new Error("the service worker never cached the build");
}

/**
 * Launches Chromium on a new profile directory (kept across relaunches when
 * passed in). Returns { context, profileDir, close }.
 */
export async function launchBrowser({ profileDir, viewport = { width: 1080, height: 1920 }, bypassCSP = false } = {}) {
  const ownProfile = !profileDir;
  const dir = profileDir ?? (await mkdtemp(join(tmpdir(), "aixin-profile-")));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    bypassCSP,
  });
  return {
    context,
    profileDir: dir,
    async close() {
      await context.close().catch(() => {});
      if (ownProfile) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Collects console errors and page errors of a page, for asserting none. */
export function collectErrors(page) {
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return errors;
}

// ---------------------------------------------------------------------------
// Helpers for the tests of the villager's screens. They find things the way
// a person does: by role and visible text.

/** Where the screen tests keep their screenshots and printed receipts (git-ignored). */
export const SCREENSHOT_DIR = join(fileURLToPath(new URL("../../test-output/screens/", import.meta.url)));

/**
 * Opens the kiosk page for `kioskId` (plus URL `params`, e.g. { idleMs: 1000 })
 * in a new page of `context` and waits until a first screen shows.
 * Returns { page, errors } (console and page errors, for asserting none).
 */
export async function openKioskPage(context, baseUrl, kioskId, params = {}) {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(kioskUrl(baseUrl, kioskId, params));
  await page.getByRole("main").waitFor();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  return { page, errors };
}

/** The page's address for `kioskId` with URL parameters. */
export function kioskUrl(baseUrl, kioskId, params = {}) {
  const url = new URL(baseUrl);
  url.searchParams.set("kiosk", kioskId);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  return url.href;
}

/** On the empty-kiosk screen: loads the demo village, waits for home. */
export async function loadDemoVillage(page) {
  await page.getByRole("button", { name: /载入演示村|Load demo village/ }).click();
  await page.getByRole("button", { name: /开始兑换|Start/ }).waitFor();
}

/** Taps `text` on the on-screen keypad, one key per character. */
export async function typeOnKeypad(page, text) {
  for (const char of text) await page.getByRole("button", { name: char, exact: true }).click();
}

/**
 * From home: Start (or My points with `history: true`), the household code on
 * the keypad, Next, the PIN, OK. Waits for the shop (or history) screen
 * unless `wait: false`. Chinese labels.
 */
/**
 * A signed-in demo household takes one 食盐 500g (2.5 points): the tile
 * tapped, the basket and the redemption confirmed, until 兑换成功. Returns
 * `household`'s balance after, read from the kiosk.
 */
export async function redeemDemoSalt(page, household) {
  await tile(page, "食盐 500g").click();
  await page.getByRole("button", { name: "确认兑换 — 2.5 积分" }).click();
  await page.getByRole("button", { name: "确认兑换" }).click();
  await page.getByRole("heading", { name: "兑换成功" }).waitFor();
  return page.evaluate((code) => window.kiosk.household(code).balance, household);
}

export async function signInByKeypad(page, code, pin, { history = false, wait = true } = {}) {
  await page.getByRole("button", { name: history ? "我的积分" : "开始兑换" }).click();
  await typeOnKeypad(page, code);
  await page.getByRole("button", { name: "下一步" }).click();
  await typeOnKeypad(page, pin);
  await page.getByRole("button", { name: "确定" }).click();
  if (wait) {
    await page.getByRole("heading", { name: history ? "我的积分" : "购物篮" }).waitFor();
  }
}

/** A scanner: characters typed fast, then Enter. */
export async function scan(page, text) {
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
}

/** A goods tile on the shop screen by its visible name. */
export function tile(page, name) {
  return page.getByRole("tabpanel").getByRole("button", { name });
}

/**
 * Runs `body(kiosk, arg)` on the page's open kiosk (window.kiosk). The page
 * starts on the villager's build of the core; a body that calls a method
 * only the full build has moves the page to the full build first, as a
 * staff sign-in does.
 */
export async function inPage(page, body, arg) {
  const source = body.toString();
  const names = [...source.matchAll(/\bkiosk\.(?:constructor\.)?(\w+)/g)].map((found) => found[1]);
  await page.evaluate(async (names) => {
    const has = (name) =>
      typeof window.kiosk?.[name] === "function" || typeof window.kiosk?.constructor?.[name] === "function";
    if (window.kiosk && window.useFullKiosk && !names.every(has)) await window.useFullKiosk();
  }, names);
  // The body's source is compiled by the browser's debugging protocol (a
  // string to evaluate), which the page's Content-Security-Policy does not
  // govern; `new Function` inside the page would be refused by it.
  const slot = `__aixinInPage${++inPageCalls}`;
  await page.evaluate(`window.${slot} = (${source});`);
  return page.evaluate(
    ({ slot, arg }) => {
      const body = window[slot];
      delete window[slot];
      return body(window.kiosk, arg);
    },
    { slot, arg },
  );
}
let inPageCalls = 0;

/**
 * A household's balance and, for each of `skus`, the stock and the price,
 * as the page's kiosk holds them.
 */
export function facts(page, household, skus) {
  return inPage(
    page,
    (kiosk, { household, skus }) => {
      const items = kiosk.catalog().filter((item) => skus.includes(item.sku));
      return {
        balance: kiosk.household(household).balance,
        stock: Object.fromEntries(items.map((item) => [item.sku, item.stock])),
        price: Object.fromEntries(items.map((item) => [item.sku, item.price])),
      };
    },
    { household, skus },
  );
}

/**
 * The screens kiosks are bought with: cheap touch all-in-ones and tablets
 * (1366x768, 1280x800, 1024x768) as often as full HD, landscape or portrait.
 */
export const COMMON_VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 1366, height: 768 },
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
  { width: 1080, height: 1920 },
];

/**
 * Measures the screen against the kiosk's rules: every visible control at
 * least 64 x 64 CSS px, every visible text at least 24 px, nothing wider or
 * taller than the viewport (lists scroll inside). Nothing is cut off: every
 * control and every text is wholly on screen, or inside a scrolling panel
 * that shows plainly there is more that way (its data-more names the
 * direction, see www/js/scroll-more.js). The elements of `mustSee`
 * (selectors) are wholly on screen without any scrolling. Returns the
 * problems found.
 */
export function checkLayout(page, { mustSee = [] } = {}) {
  return page.evaluate(async ({ mustSee }) => {
    // Two frames: what the page marks after a change (data-more) is marked.
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const problems = [];
    const shown = (element) => {
      if (!element.isConnected) return false;
      const style = getComputedStyle(element);
      if (style.display === "none" || style.visibility === "hidden") return false;
      const rect = element.getBoundingClientRect();
      return rect.width > 1 && rect.height > 1;
    };
    const describe = (element) =>
      `<${element.tagName.toLowerCase()}> "${(element.textContent || element.getAttribute("aria-label") || "").trim().slice(0, 40)}"`;
    const dialog = document.querySelector("dialog[open]");
    const scope = dialog ?? document.body;
    const controls = scope.querySelectorAll(
      "button, a[href], input, select, textarea, [role=button], [role=tab], [tabindex]:not([tabindex='-1'])",
    );
    for (const control of controls) {
      if (!shown(control)) continue;
      const rect = control.getBoundingClientRect();
      if (rect.width < 64 || rect.height < 64) {
        problems.push(`control ${describe(control)} is ${Math.round(rect.width)}x${Math.round(rect.height)}`);
      }
    }
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (!node.textContent.trim()) continue;
      const element = node.parentElement;
      if (!element || !shown(element)) continue;
      const size = Number.parseFloat(getComputedStyle(element).fontSize);
      if (size < 24) problems.push(`text ${describe(element)} is ${size}px`);
    }
    const root = document.scrollingElement;
    if (root.scrollWidth > innerWidth) problems.push(`page is ${root.scrollWidth}px wide in ${innerWidth}px`);
    if (root.scrollHeight > innerHeight) problems.push(`page is ${root.scrollHeight}px tall in ${innerHeight}px`);

    // Cut off (or sticking out sideways)? Walk up from the element: each
    // ancestor that clips (overflow not visible) must show all of it, unless
    // it scrolls and says there is more in the direction the element lies;
    // the viewport must show the rest.
    const clips = (element) => getComputedStyle(element).overflowX !== "visible" || getComputedStyle(element).overflowY !== "visible";
    const scrolls = (style, axis) => ["auto", "scroll"].includes(axis === "y" ? style.overflowY : style.overflowX);
    const cutOff = (element, { scrolling = true } = {}) => {
      const rect = element.getBoundingClientRect();
      const inside = (box) => ({
        up: rect.top < box.top - 1,
        down: rect.bottom > box.bottom + 1,
        left: rect.left < box.left - 1,
        right: rect.right > box.right + 1,
      });
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        if (!clips(parent)) continue;
        const style = getComputedStyle(parent);
        const box = parent.getBoundingClientRect();
        const box2 = {
          top: box.top + parent.clientTop,
          left: box.left + parent.clientLeft,
          bottom: box.top + parent.clientTop + parent.clientHeight,
          right: box.left + parent.clientLeft + parent.clientWidth,
        };
        const out = inside(box2);
        const more = (parent.dataset.more ?? "").split(" ");
        for (const [side, hidden] of Object.entries(out)) {
          if (!hidden) continue;
          const axis = side === "up" || side === "down" ? "y" : "x";
          if (scrolling && scrolls(style, axis) && more.includes(side)) return null;
          return `is cut off ${side} by <${parent.tagName.toLowerCase()} class="${parent.className}">`;
        }
      }
      const screen = inside({ top: 0, left: 0, bottom: innerHeight, right: innerWidth });
      for (const [side, hidden] of Object.entries(screen)) if (hidden) return `is cut off ${side} by the screen`;
      return null;
    };
    for (const control of controls) {
      if (!shown(control)) continue;
      const why = cutOff(control);
      if (why) problems.push(`control ${describe(control)} ${why}`);
    }
    const texts = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    const seen = new Set();
    while (texts.nextNode()) {
      const element = texts.currentNode.parentElement;
      if (!texts.currentNode.textContent.trim() || !element || seen.has(element) || !shown(element)) continue;
      seen.add(element);
      const why = cutOff(element);
      if (why) problems.push(`text ${describe(element)} ${why}`);
    }
    // "More this way" must show: each marked panel fades its edge.
    for (const panel of document.querySelectorAll("[data-more]")) {
      if (!shown(panel)) continue;
      const style = getComputedStyle(panel);
      const mask = style.maskImage && style.maskImage !== "none" ? style.maskImage : style.webkitMaskImage;
      if (!mask || mask === "none") problems.push(`<${panel.tagName.toLowerCase()} class="${panel.className}"> scrolls but shows no fade`);
    }
    for (const selector of mustSee) {
      const elements = [...scope.querySelectorAll(selector)].filter(shown);
      if (!elements.length) problems.push(`${selector} is not on screen`);
      for (const element of elements) {
        const why = cutOff(element, { scrolling: false });
        if (why) problems.push(`${selector} ${describe(element)} ${why}`);
      }
    }
    return problems;
  }, { mustSee });
}

const AXE_PATH = fileURLToPath(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url));

/**
 * Runs axe-core on the page (the context must bypass the page's CSP to let
 * the script in). Returns the serious and critical violations as short texts.
 */
export async function seriousAxeViolations(page) {
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  if (!loaded) await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
    }));
  });
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.nodes.join(", ")}`);
}

// ---------------------------------------------------------------------------
// Helpers for the tests of the staff's screens.

/** The demo's staff: id and PIN. */
export const DEMO_STAFF = {
  admin: { id: "admin", pin: "9999" },
  shopkeeper: { id: "shop", pin: "1111" },
  clerk: { id: "clerk", pin: "2222" },
};

/**
 * From home: the corner button, the staff id on the on-screen keyboard, Next,
 * the PIN on the pad, OK. Waits for the staff menu unless `wait: false`.
 */
export async function staffSignIn(page, staffId, pin, { wait = true } = {}) {
  await page.getByRole("button", { name: /员工登录|Staff sign-in/ }).click();
  await typeOnKeypad(page, staffId);
  await page.getByRole("button", { name: /^(下一步|Next)/ }).click();
  await typeOnKeypad(page, pin);
  await page.getByRole("button", { name: /^(确定|OK)/ }).click();
  if (wait) await page.getByRole("heading", { name: /^(您好|Hello)/ }).waitFor();
}

/** Taps a tile of the staff menu (from any staff screen). */
export async function staffMenu(page, name) {
  const menu = page.getByRole("banner").getByRole("button", { name: /^(菜单|Menu)$/ });
  if (await menu.count()) await menu.click();
  await page.getByRole("main").getByRole("button", { name }).first().click();
}

/**
 * Types `text` into a field through its pad dialog: tap the field, the keys,
 * then OK (or "OK, next" with `next: true`).
 */
export async function fillPad(page, field, text, { next = false } = {}) {
  await field.click();
  const pad = page.getByRole("dialog");
  await pad.waitFor();
  for (const char of text) {
    const name = char === "." ? "小数点" : char;
    await pad.getByRole("button", { name, exact: true }).click();
  }
  await pad.getByRole("button", { name: next ? "确定,下一个 OK, next" : "确定 OK", exact: true }).click();
  // "OK, next" opens the next field's pad at once.
  if (!next) await pad.waitFor({ state: "hidden" });
}

/** Replaces window.print with a counter (headless printing would do nothing useful). */
export function stubPrint(page) {
  return page.evaluate(() => {
    window.__printed = 0;
    window.print = () => {
      window.__printed += 1;
    };
  });
}


// ---------------------------------------------------------------------------
// A Chromium of its own process group, for the tests that SIGKILL it.

/**
 * Starts Chromium on `profileDir` as its own process group; connects over
 * CDP. Its log goes to `log` in the profile (see [`browserDeletedDatabase`]).
 */
export async function startChromium(profileDir) {
  await rm(join(profileDir, "DevToolsActivePort"), { force: true });
  const log = join(profileDir, "chromium-stderr.log");
  const logFile = await open(log, "w");
  const child = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, "--headless=new", `--user-data-dir=${profileDir}`, "--remote-debugging-port=0", "--enable-logging=stderr", "about:blank"],
    { detached: true, stdio: ["ignore", "ignore", logFile.fd] },
  );
  await logFile.close();
  let port;
  for (let attempt = 0; attempt < 100 && !port; attempt++) {
    await sleep(100);
    port = await readFile(join(profileDir, "DevToolsActivePort"), "utf8").then((text) => text.split("\n")[0], () => undefined);
  }
  if (!port) throw new Error("Chromium did not start");
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  return { child, browser, context: browser.contexts()[0], log };
}

/**
 * Whether this Chromium, opening its profile after a SIGKILL, found its
 * IndexedDB files failing their checksums and deleted the origin's
 * databases (Chromium logs "IndexedDB recovering from a corrupted (and
 * deleted) database"): the browser's loss, not the kiosk's.
 */
export async function browserDeletedDatabase({ log }) {
  const text = await readFile(log, "utf8").catch(() => "");
  return text.includes("recovering from a corrupted (and deleted) database");
}

/** SIGKILLs a Chromium of startChromium and all its processes. */
export async function killChromium({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  process.kill(-child.pid, "SIGKILL");
  await exited;
  // The browser's other processes (the storage service among them) die with
  // the group, but not always before the main one is reaped: wait until none
  // is left, as after a real power cut, so the next start never finds the
  // profile's databases still held.
  for (let waited = 0; waited < 5_000 && groupAlive(child.pid); waited += 20) await sleep(20);
}

/** Whether any process of the process group `pid` is still there. */
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
