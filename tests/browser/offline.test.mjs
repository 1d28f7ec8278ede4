// Offline: after one load the service worker serves the page, the JS, the
// wasm and the pictures with the server gone, through a reload and a
// redemption, and the staff's screens, words and style, which the page loads
// only when staff sign in; a new build replaces every file together.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { buildManifest } from "../../scripts/build-manifest.mjs";
import {
  servedCopy,
  waitForOfflineCache,
  launchBrowser,
  kioskUrl,
  loadDemoVillage,
  signInByKeypad,
  tile,
  redeemDemoSalt,
  collectErrors,
  staffSignIn,
  staffMenu,
  DEMO_STAFF,
} from "./harness.mjs";

test("with the server gone, the kiosk reloads, shows its pictures and redeems", async () => {
  const site = await servedCopy();
  const browser = await launchBrowser({ viewport: { width: 1920, height: 1080 } });
  try {
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.goto(kioskUrl(site.url, "offline-1"));
    await loadDemoVillage(page);
    await waitForOfflineCache(page);

    await site.stop();
    await page.reload();
    await page.getByRole("button", { name: "开始兑换" }).waitFor();
    await signInByKeypad(page, "B006", "9413");
    const salt = tile(page, "食盐 500g");
    const picture = salt.locator("img").first();
    await picture.waitFor();
    assert.ok(await picture.evaluate((img) => img.complete && img.naturalWidth > 0), "the picture loaded offline");
    assert.equal(await redeemDemoSalt(page, "B006"), "17.50");
    assert.deepEqual(errors.filter((error) => !/Failed to load resource|net::ERR/.test(error)), []);
  } finally {
    await browser.close();
    await site.stop().catch(() => {});
    await rm(site.dir, { recursive: true, force: true });
  }
});

test("with the server gone, staff sign in and a staff screen loads its module, words and style from the cache", async () => {
  const site = await servedCopy();
  const browser = await launchBrowser({ viewport: { width: 1920, height: 1080 } });
  try {
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.goto(kioskUrl(site.url, "offline-staff"));
    await loadDemoVillage(page);
    await waitForOfflineCache(page);

    // A fresh page with the server gone: only the villager's files are loaded.
    await site.stop();
    await page.reload();
    await page.getByRole("button", { name: "开始兑换" }).waitFor();
    const loaded = () =>
      page.evaluate(() => ({
        files: performance.getEntriesByType("resource").map((entry) => new URL(entry.name).pathname),
        staffSheet: Boolean(document.querySelector('link[href="css/staff.css"]')),
      }));
    const before = await loaded();
    assert.ok(before.files.some((file) => file.endsWith("/js/app.js")), "the page's modules are listed");
    assert.deepEqual(before.files.filter((file) => /\/js\/(staff|screens\/staff)\/|\/words\/staff\.js$/.test(file)), []);
    assert.equal(before.staffSheet, false, "no staff style before a staff sign-in");

    await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
    await staffMenu(page, "住户管理");
    await page.getByRole("button", { name: /^B006/ }).waitFor();
    const after = await loaded();
    for (const file of ["/js/screens/staff/signin.js", "/js/screens/staff/home.js", "/js/screens/staff/households.js", "/js/words/staff.js"]) {
      assert.ok(after.files.some((path) => path.endsWith(file)), `${file} loaded offline`);
    }
    assert.equal(after.staffSheet, true);
    // The staff's style came with its rules (a failed load has none), and
    // the staff's words are there (a missing word would show its key).
    const shown = await page.evaluate(() => ({
      staffRules: document.querySelector('link[href="css/staff.css"]').sheet?.cssRules.length ?? 0,
      flex: getComputedStyle(document.querySelector(".staff-main")).display,
      text: document.body.innerText,
    }));
    assert.ok(shown.staffRules > 20, `css/staff.css has its rules (${shown.staffRules})`);
    assert.equal(shown.flex, "flex", "css/staff.css lays the staff's screen out");
    assert.ok(shown.text.includes("住户管理") && !shown.text.includes("menuHouseholds"), "the staff's words are there");
    assert.deepEqual(errors.filter((error) => !/Failed to load resource|net::ERR/.test(error)), []);
  } finally {
    await browser.close();
    await site.stop().catch(() => {});
    await rm(site.dir, { recursive: true, force: true });
  }
});

test("a new build replaces the page, the JS and the wasm together", async () => {
  const site = await servedCopy();
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(kioskUrl(site.url, "update-1"));
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    const oldCache = await waitForOfflineCache(page);

    // A new build: the page's JS, the JS glue and the wasm all change (the
    // wasm gains a custom section, which a module may carry anywhere at its
    // end without changing what it does).
    const marker = `// build marker ${Date.now()}\n`;
    for (const file of [join(site.dirs.pkgDir, "aixin_kiosk.js"), join(site.dirs.wwwDir, "main.js")]) {
      await writeFile(file, (await readFile(file, "utf8")) + marker);
    }
    const stamp = Buffer.from(String(Date.now()).slice(-8));
    const section = Buffer.concat([Buffer.from([0x00, 1 + 6 + stamp.length, 6]), Buffer.from("marker"), stamp]);
    const wasm = join(site.dirs.pkgDir, "aixin_kiosk_bg.wasm");
    await writeFile(wasm, Buffer.concat([await readFile(wasm), section]));
    const { build } = await buildManifest(site.dirs);

    // The worker finds the new build, caches it whole, takes over, and the
    // resting page reloads into it.
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    await page.waitForFunction((build) => self.AIXIN_BUILD === build, build, { timeout: 30_000, polling: 200 });
    const newCache = await waitForOfflineCache(page);
    assert.notEqual(newCache, oldCache);
    assert.equal(newCache, `aixin-build-${build}`);
    const cached = await page.evaluate(async (name) => {
      const cache = await caches.open(name);
      const text = async (path) => (await cache.match(path))?.text();
      const wasm = new Uint8Array(await (await cache.match("pkg/aixin_kiosk_bg.wasm")).arrayBuffer());
      return {
        glue: await text("pkg/aixin_kiosk.js"),
        main: await text("main.js"),
        wasmEnd: Array.from(wasm.slice(-8)),
        caches: await caches.keys(),
      };
    }, newCache);
    assert.ok(cached.glue.endsWith(marker) && cached.main.endsWith(marker), "the JS files are the new build's");
    assert.deepEqual(cached.wasmEnd, Array.from(stamp), "the wasm is the new build's");
    assert.deepEqual(cached.caches.filter((name) => name.startsWith("aixin-build-")), [newCache]);
    // And the page runs the new build: it reloaded, and its wasm works.
    const running = await page.evaluate(() => fetch("main.js").then((r) => r.text()));
    assert.ok(running.endsWith(marker));
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    assert.equal(await page.evaluate(() => window.kiosk.info().kioskId), "update-1");
  } finally {
    await browser.close();
    await site.stop().catch(() => {});
    await rm(site.dir, { recursive: true, force: true });
  }
});
