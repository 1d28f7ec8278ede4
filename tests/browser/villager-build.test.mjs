// The two builds of the core: the page opens the villager's (pkg/villager/)
// and never fetches the full one (pkg/aixin_kiosk_bg.wasm) until staff sign
// in; a villager redeems on it; a staff sign-in moves the journal to the
// full build, whose staff screens work on the same journal; all of it with
// the server there and with the server gone after the first load. And both
// builds are the ones wasm-opt wrote.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  servedCopy,
  waitForOfflineCache,
  launchBrowser,
  kioskUrl,
  loadDemoVillage,
  signInByKeypad,
  redeemDemoSalt,
  collectErrors,
  staffSignIn,
  staffMenu,
  DEMO_STAFF,
  wasmSections,
} from "./harness.mjs";

const FULL_WASM = "/pkg/aixin_kiosk_bg.wasm";
const VILLAGER_WASM = "/pkg/villager/aixin_kiosk_bg.wasm";

/**
 * A demo village set up on a fresh kiosk (on the full build: setting up is
 * the staff's), then the page loaded again (with the server gone if
 * `offline`): the villager's build only, a redemption on it, then a staff
 * sign-in that brings the full build and a staff screen on the same journal.
 */
async function villagerThenStaff(kioskId, { offline }) {
  const site = await servedCopy();
  const browser = await launchBrowser({ viewport: { width: 1920, height: 1080 } });
  try {
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    const requests = [];
    page.on("request", (request) => requests.push(new URL(request.url()).pathname));
    await page.goto(kioskUrl(site.url, kioskId));
    await loadDemoVillage(page);
    assert.ok(requests.includes(FULL_WASM), "an empty kiosk is set up on the full build");
    if (offline) {
      await waitForOfflineCache(page);
      await site.stop();
    }

    requests.length = 0;
    await page.reload();
    await page.getByRole("button", { name: "开始兑换" }).waitFor();
    assert.ok(requests.includes(VILLAGER_WASM), "the villager's wasm is loaded");
    assert.ok(!requests.includes(FULL_WASM), "the full wasm is not loaded for the villager's screens");
    const villager = await page.evaluate(() => ({
      staffSignIn: typeof window.kiosk.staffSignIn,
      report: typeof window.kiosk.report,
      redeem: typeof window.kiosk.redeem,
      syncPlatform: typeof window.kiosk.syncPlatform,
    }));
    assert.deepEqual(villager, {
      staffSignIn: "undefined",
      report: "undefined",
      redeem: "function",
      syncPlatform: "function",
    });

    await signInByKeypad(page, "B006", "9413");
    assert.equal(await redeemDemoSalt(page, "B006"), "17.50");
    const seqBefore = await page.evaluate(() => window.kiosk.info().seq);
    await page.getByRole("button", { name: /^完成/ }).click();
    await page.getByRole("button", { name: "开始兑换" }).waitFor();
    assert.ok(!requests.includes(FULL_WASM), "still no full wasm after a redemption");

    await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
    assert.ok(requests.includes(FULL_WASM), "a staff sign-in loads the full wasm");
    const full = await page.evaluate(() => ({
      staffSignIn: typeof window.kiosk.staffSignIn,
      report: typeof window.kiosk.report,
      readOnly: window.kiosk.info().readOnly ?? null,
      seq: window.kiosk.info().seq,
      balance: window.kiosk.household("B006").balance,
    }));
    // The full build holds the writer lock the villager's gave up, and reads
    // the redemption the villager's build wrote.
    assert.deepEqual(full, { staffSignIn: "function", report: "function", readOnly: null, seq: seqBefore, balance: "17.50" });

    await staffMenu(page, "住户管理");
    await page.getByRole("button", { name: /^B006/ }).click();
    await page.getByRole("main").getByText("17.5 积分").first().waitFor();
    const unexpected = offline ? errors.filter((error) => !/Failed to load resource|net::ERR/.test(error)) : errors;
    assert.deepEqual(unexpected, []);
  } finally {
    await browser.close();
    await site.stop();
    await rm(site.dir, { recursive: true, force: true });
  }
}

test("the villager's screens run on the villager's build; a staff sign-in brings the full one", async () => {
  await villagerThenStaff("villager-build-1", { offline: false });
});

test("with the server gone after the first load, both builds come from the cache", async () => {
  await villagerThenStaff("villager-build-2", { offline: true });
});

test("both builds went through wasm-opt: their function names, kept for its ordering, are gone", async () => {
  const repo = fileURLToPath(new URL("../../", import.meta.url));
  for (const file of ["pkg/aixin_kiosk_bg.wasm", "pkg/villager/aixin_kiosk_bg.wasm"]) {
    const bytes = await readFile(join(repo, file));
    assert.equal(new TextDecoder().decode(bytes.subarray(1, 4)), "asm", `${file} is wasm`);
    const custom = wasmSections(bytes).filter((section) => section.id === 0).map((section) => section.name);
    assert.deepEqual(custom, [], `${file} has no custom section (wasm-bindgen alone leaves "name")`);
  }
});
