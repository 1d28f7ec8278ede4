// The villager's page stays light: what www/main.js imports statically (the
// whole of it, followed module by module) is what home needs. It holds none
// of the staff's modules and none of the screens and words loaded on demand
// (js/on-demand.js, words/index.js's loadStaffWords), and none of the
// visit's after home (js/visit.js: sign-in, shop, confirm, receipt, my
// points, their words and style), nor the upload, the scroll marks or the
// service worker's registration, which load once home is drawn; index.html
// links only home's style sheets. In a browser: the files the page loaded
// before home took a tap hold none of the visit's, and the visit's are all
// in right after; a tap on home that comes before them waits for them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { loadDemoVillage, typeOnKeypad } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const WWW = path.join(ROOT, "www");

const { browser, openPage } = startForFile({ browser: {} });

/** The specifiers of a module's static imports and re-exports (not import()). */
function staticImports(source) {
  const found = [];
  for (const match of source.matchAll(/^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)) {
    found.push(match[1]);
  }
  return found;
}

/** The specifiers of a module's dynamic imports with a plain string. */
function dynamicImports(source) {
  return [...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
}

/** Every module reachable from `entry` by static imports: path under www/ → who imports it first. */
async function staticGraph(entry) {
  const seen = new Map([[entry, null]]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift();
    if (file.startsWith(path.join(WWW, "pkg") + path.sep)) continue; // the wasm's glue, generated
    const source = await readFile(file, "utf8");
    for (const specifier of staticImports(source)) {
      if (!specifier.startsWith(".")) continue;
      const target = path.resolve(path.dirname(file), specifier);
      if (!seen.has(target)) {
        seen.set(target, file);
        queue.push(target);
      }
    }
  }
  return seen;
}

const rel = (file) => path.relative(WWW, file).split(path.sep).join("/");

/** The modules a module imports dynamically with a plain string, as paths under www/. */
async function dynamicOf(owner) {
  const file = path.join(WWW, owner);
  return dynamicImports(await readFile(file, "utf8")).map((specifier) => rel(path.resolve(path.dirname(file), specifier)));
}

/** The modules of a registry written as [module, function] pairs, as paths under www/. */
async function registryOf(owner) {
  const file = path.join(WWW, owner);
  const source = await readFile(file, "utf8");
  return [...source.matchAll(/\[\s*"(\.\/[^"]+\.js)",\s*"[A-Za-z]+"\s*\]/g)].map((match) =>
    rel(path.resolve(path.dirname(file), match[1])),
  );
}

/** What loads after home: the visit's screens, words and the modules main.js imports once home is drawn. */
async function visitModules() {
  return [
    ...(await registryOf("js/visit.js")),
    ...(await dynamicOf("js/visit.js")),
    ...(await dynamicOf("js/words/index.js")).filter((file) => VISIT_WORDS.includes(file)),
    ...(await dynamicOf("main.js")),
  ];
}

/** The words of the visit (words/index.js's VISIT_AREAS). */
const VISIT_WORDS = ["js/words/villager.js", "js/words/posting.js", "js/words/members.js", "js/words/refusals-visit.js"];

/** Style sheets linked once a screen after home loads. */
const LATER_SHEETS = ["css/visit.css", "css/print.css", "css/staff.css", "reports.css"];

// First in the file: the tests below load the visit's and the staff's words.
test("a refusal whose words load with the visit shows the core's own words until they have loaded", async () => {
  const { WORDS } = await import(path.join(WWW, "js/words/index.js"));
  const { errorText } = await import(path.join(WWW, "js/i18n.js"));
  assert.ok(!Object.hasOwn(WORDS, "refusal_WRONG_PIN") && Object.hasOwn(WORDS, "refusal_INTERNAL"), "only the page's refusals are loaded");
  const wrongPin = { code: "WRONG_PIN", attemptsLeft: 2, message: "密码不对(核心)", messageEn: "Wrong PIN (core)" };
  assert.equal(errorText(wrongPin, {}, "zh"), "密码不对(核心)");
  assert.equal(errorText(wrongPin, {}, "en"), "Wrong PIN (core)");
  // Without the core's words, the page's general sentence, loaded with it.
  assert.match(errorText({ code: "WRONG_PIN" }, {}, "en"), /^The kiosk had a problem/);
  assert.match(errorText({ code: "STORAGE_FULL" }, {}, "en"), /^Storage is full/);
});

test("the static imports of the page's entry are home's: no staff module, nothing loaded on demand or after home", async () => {
  const graph = await staticGraph(path.join(WWW, "main.js"));
  const files = [...graph.keys()].map(rel);
  // Sanity: the walk sees home's modules, so an empty graph cannot pass.
  for (const expected of ["js/app.js", "js/screens/home.js", "js/screens/board.js", "js/words/home.js", "js/visit.js"]) {
    assert.ok(files.includes(expected), `${expected} is imported by the page`);
  }
  const onDemand = new Set([...(await dynamicOf("js/on-demand.js")), ...(await dynamicOf("js/words/index.js")), ...(await registryOf("js/on-demand.js"))]);
  assert.ok(onDemand.has("js/screens/staff/home.js") && onDemand.has("js/words/staff.js"), "the on-demand lists are read");
  const later = new Set(await visitModules());
  for (const expected of ["js/screens/signin.js", "js/screens/shop.js", "js/screens/receipt.js", "js/words/villager.js", "js/uploader.js", "js/offline.js", "js/scroll-more.js"]) {
    assert.ok(later.has(expected), `${expected} is listed as loaded after home`);
  }
  const offenders = [];
  for (const [file, importer] of graph) {
    const name = rel(file);
    if (name.startsWith("js/staff/") || name.startsWith("js/screens/staff/") || onDemand.has(name) || later.has(name)) {
      offenders.push(`${name} (imported by ${rel(importer)})`);
    }
  }
  assert.deepEqual(offenders, [], "loaded on demand or after home, never statically from www/main.js");
});

/** Words app.js says only while a staff screen is shown, so after the staff's words loaded. */
const ON_STAFF_SCREENS = new Set(["scanNotHere"]);

/** The words a module names: t("key"), dual("key"), tIn(language, "key"). */
function wordsNamed(source) {
  return [
    ...source.matchAll(/\b(?:t|dual)\(\s*"([\w$]+)"/g),
    ...source.matchAll(/\btIn\(\s*[^,()]*(?:\(\))?,\s*"([\w$]+)"/g),
  ].map((match) => match[1]);
}

/** Keys of the catalogue named by `files` that are not in `loaded` (and not in `except`). */
async function missingWords(files, catalogue, loaded, except = new Set()) {
  const missing = [];
  for (const file of files) {
    if (file.startsWith(path.join(WWW, "pkg") + path.sep) || file.startsWith(path.join(WWW, "js/words") + path.sep)) continue;
    for (const key of wordsNamed(await readFile(file, "utf8"))) {
      if (Object.hasOwn(catalogue.WORDS, key) && !loaded.has(key) && !except.has(key)) missing.push(`${key} in ${rel(file)}`);
    }
  }
  return missing;
}

test("every word home's modules name loads with the page, and every word the visit's screens name with the visit", async () => {
  const catalogue = await import(path.join(WWW, "js/words/index.js"));
  const withPage = new Set(Object.keys(catalogue.WORDS));
  await catalogue.loadVisitWords();
  const withVisit = new Set(Object.keys(catalogue.WORDS));
  await catalogue.loadStaffWords();
  assert.ok(withPage.has("start") && !withPage.has("enterCode") && withVisit.has("enterCode"), "the areas are told apart");
  const page = await staticGraph(path.join(WWW, "main.js"));
  assert.deepEqual(
    await missingWords(page.keys(), catalogue, withPage, ON_STAFF_SCREENS),
    [],
    "a word home's modules show before the visit's words load lives in an area loaded with the page",
  );
  const visit = new Set();
  for (const file of await registryOf("js/visit.js")) {
    for (const module of (await staticGraph(path.join(WWW, file))).keys()) if (!page.has(module)) visit.add(module);
  }
  assert.ok(visit.has(path.join(WWW, "js/screens/shop.js")), "the visit's screens are read");
  assert.deepEqual(
    await missingWords(visit, catalogue, withVisit),
    [],
    "a word of the visit's screens lives in an area loaded with the page or with the visit",
  );
});

test("index.html links home's style sheets only", async () => {
  const html = await readFile(path.join(WWW, "index.html"), "utf8");
  const sheets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((match) => match[1]);
  assert.deepEqual(sheets, ["css/base.css", "css/villager.css"]);
  for (const sheet of LATER_SHEETS) {
    assert.match(await readFile(path.join(WWW, "js/load.js"), "utf8"), new RegExp(`"${sheet}"`), `${sheet} has its place in the cascade`);
  }
});

/**
 * An init script: notes the files the page loaded (resource timing, the
 * page itself first) when home is drawn and ready for a tap, as the bench
 * counts the villager's path.
 */
function watchHome() {
  performance.setResourceTimingBufferSize(2000);
  const observer = new MutationObserver(() => {
    const root = document.documentElement;
    if (window.homeReady || root?.dataset.ready !== "true" || root.dataset.screen !== "home") return;
    window.homeReady = [location.pathname, ...performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname)];
    observer.disconnect();
  });
  observer.observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ready", "data-screen"] });
}

/** The bytes of a file the page loaded, from www/ or pkg/. */
function fileOf(pathname) {
  const name = pathname.replace(/^\//, "");
  return name.startsWith("pkg/") ? path.join(ROOT, name) : path.join(WWW, name || "index.html");
}

test("before home takes a tap the page has loaded none of the visit's files; right after, every one", async (t) => {
  const { page, errors } = await openPage("path-split");
  await loadDemoVillage(page);
  await page.addInitScript(watchHome);
  await page.reload();
  await page.waitForFunction(() => window.homeReady && document.documentElement.dataset.visit === "loaded", null, { timeout: 30_000 });
  const { before, after } = await page.evaluate(() => ({
    before: window.homeReady,
    after: performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname),
  }));
  for (const file of ["/js/app.js", "/js/screens/home.js", "/css/villager.css", "/pkg/villager/aixin_kiosk_bg.wasm"]) {
    assert.ok(before.includes(file), `${file} is loaded before home`);
  }
  const later = [...(await visitModules()), ...VISIT_WORDS, "css/visit.css", "css/print.css"].map((file) => `/${file}`);
  assert.deepEqual(before.filter((file) => later.includes(file)), [], "nothing of the visit before home takes a tap");
  const visitFiles = later.filter((file) => !file.endsWith("/offline.js") && !file.endsWith("/uploader.js"));
  assert.deepEqual(visitFiles.filter((file) => !after.includes(file)), [], "the visit's files are in once home is drawn");
  for (const file of ["/js/uploader.js", "/js/offline.js"]) assert.ok(after.includes(file), `${file} is loaded after home`);
  assert.ok(!after.some((file) => /\/(css\/staff\.css|reports\.css|js\/staff\/|js\/screens\/staff\/)/.test(file)), "nothing of the staff's");
  // The villager's path as the bench counts it: wasm, JS and CSS, gzip -9.
  let gzip = 0;
  for (const file of before.filter((name) => /\.(js|css|wasm)$/.test(name))) {
    gzip += gzipSync(await readFile(fileOf(file)), { level: 9 }).length;
  }
  t.diagnostic(`the villager's path: ${before.length} files, ${(gzip / 1024).toFixed(1)} KB gzip of wasm, JS and CSS`);
  // Once they are in, a tap on home draws the sign-in in the same task.
  const atOnce = await page.evaluate(() => {
    document.querySelector(".btn-start").click();
    return document.documentElement.dataset.screen;
  });
  assert.equal(atOnce, "signin", "a tap on home draws the sign-in at once");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a tap on home before the visit's screens have loaded waits for them, then signs in", async () => {
  const { page, errors } = await openPage("path-early-tap");
  await loadDemoVillage(page);
  // No service worker for this page: its answers from the cache would not
  // be held below.
  await page.evaluate(async () => {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  });
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  await page.route("**/js/screens/signin.js", async (route) => {
    await held;
    await route.continue();
  });
  await page.reload();
  await page.getByRole("button", { name: "开始兑换" }).click();
  await page.waitForFunction(() => document.documentElement.dataset.loading === "signin", null, { timeout: 10_000 });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.screen), "home", "home stays until the sign-in has loaded");
  release();
  await page.getByRole("button", { name: "下一步" }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.screen), "signin");
  await typeOnKeypad(page, "A001");
  await page.getByRole("button", { name: "下一步" }).click();
  await typeOnKeypad(page, "3817");
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  await page.unrouteAll({ behavior: "ignoreErrors" });
  assert.deepEqual(errors, []);
  await page.close();
});
