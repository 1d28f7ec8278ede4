// Every villager screen at the five common sizes (see COMMON_VIEWPORTS): in
// Chinese and in English at 1920x1080 and 1366x768, in Chinese at the
// others. No serious or critical axe-core violation, every control at least
// 64x64 CSS px, every text at least 24 px, nothing wider or taller than the
// screen, nothing cut off (or inside a panel that shows there is more), and
// each screen's needed buttons and figures wholly on screen. Each screen is
// saved under test-output/screens/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  collectErrors,
  kioskUrl,
  typeOnKeypad,
  tile,
  checkLayout,
  seriousAxeViolations,
  SCREENSHOT_DIR,
  COMMON_VIEWPORTS,
  inPage,
} from "./harness.mjs";
import { startForFile } from "./setup.mjs";

/** The sizes also walked in English (the others in Chinese only, to keep the run short). */
const BOTH_LANGUAGES = new Set(["1920x1080", "1366x768"]);

/** What must be wholly on screen, without scrolling, on each screen. */
const MUST_SEE = {
  setup: [".title-xl", ".center-column .btn"],
  home: [".home-title", ".btn-start", ".home-hero .btn-secondary", ".btn-staff", ".btn-lang"],
  "home-read-only": [".notice", ".btn-start-blocked"],
  "signin-code": [".entry-display", ".keypad .key", ".signin-actions .btn", ".message-slot .notice"],
  "signin-pin": [".entry-display", ".keypad .key", ".signin-actions .btn"],
  "signin-wrong-pin": [".entry-display", ".keypad .key", ".signin-actions .btn", ".message-slot .notice"],
  shop: [".balance-slot", ".cats .tab", ".btn-confirm", ".basket-totals", ".btn-signout"],
  "shop-last-tab": [".cats .tab", ".btn-confirm", ".basket-totals"],
  "shop-why": [".btn-confirm"],
  confirm: [".summary-totals", ".confirm-actions .btn"],
  receipt: [".rc-totals .rc-strong", ".receipt-actions .btn", ".success"],
  history: [".history-actions .btn"],
  idle: [".idle-box .btn", ".idle-count"],
  fatal: [".title-xl", ".notice", ".center-column .btn"],
};

/** The words the walk taps, per language. */
const WORDS = {
  zh: {
    loadDemo: "载入演示村",
    start: "开始兑换",
    myPoints: "我的积分",
    next: "下一步",
    ok: "确定",
    clear: "清空",
    basket: "购物篮",
    confirm: "确认兑换",
    check: "请核对",
    done: "兑换成功",
    finish: "完成",
    history: "我的积分",
    salt: "食盐 500g",
    soy: "生抽 500ml",
    rice: "大米 10kg",
    milk: "中老年奶粉 400g",
    unknown: "没有找到户号 A099",
    readOnly: "这台终端已在另一个窗口打开",
    idle: "还在吗?",
    why: "积分不够。",
    fatal: "网址里的终端编号",
  },
  en: {
    loadDemo: "Load demo village",
    start: "Start",
    myPoints: "My points",
    next: "Next",
    ok: "OK",
    clear: "Clear",
    basket: "Basket",
    confirm: "Confirm",
    check: "Please check",
    done: "Redeemed",
    finish: "Done",
    history: "My points",
    salt: "Salt 500 g",
    soy: "Light soy sauce 500 ml",
    rice: "Rice 10 kg",
    milk: "Milk powder for seniors 400 g",
    unknown: "There is no household with code A099",
    readOnly: "This kiosk is open in another window",
    idle: "Still there?",
    why: "Not enough points.",
    fatal: "The kiosk id in the address",
  },
};

const { server, browser } = startForFile({ browser: { bypassCSP: true }, screenshots: true });

for (const viewport of COMMON_VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  for (const language of BOTH_LANGUAGES.has(size) ? ["zh", "en"] : ["zh"]) {
    test(`every screen at ${size} in ${language === "zh" ? "Chinese" : "English"}`, async () => {
      const w = WORDS[language];
      const kioskId = `screens-${language}-${size}`;
      const page = await browser.context.newPage();
      await page.setViewportSize(viewport);
      const errors = collectErrors(page);
      const failures = [];
      const seen = [];

      /** Checks the screen on view and saves its picture. */
      async function check(name, target = page) {
        await target.waitForTimeout(50);
        const layout = await checkLayout(target, { mustSee: MUST_SEE[name] ?? [] });
        const axe = await seriousAxeViolations(target);
        for (const problem of [...layout, ...axe]) failures.push(`${name}: ${problem}`);
        await target.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${language}-${size}.png`) });
        seen.push(name);
      }
      async function english(target = page) {
        if (language === "en") await target.getByRole("button", { name: "English" }).click();
      }
      const button = (name, options) => page.getByRole("button", { name, ...options });

      await page.goto(kioskUrl(server.url, kioskId));
      await page.getByRole("button", { name: "载入演示村" }).waitFor();
      await english();
      await check("setup");

      await button(w.loadDemo).click();
      await button(w.start).waitFor();
      await check("home");

      // A second window of this kiosk: read-only.
      // The first window may still be reloading itself once for its new
      // service worker (it lets go of the kiosk for that moment): open the
      // second window again after it is back, once.
      let other = await browser.context.newPage();
      await other.setViewportSize(viewport);
      await other.goto(kioskUrl(server.url, kioskId));
      if (!(await other.getByText(WORDS.zh.readOnly).waitFor({ timeout: 10_000 }).then(() => true, () => false))) {
        await other.close();
        await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
        other = await browser.context.newPage();
        await other.setViewportSize(viewport);
        await other.goto(kioskUrl(server.url, kioskId));
      }
      await other.getByText(WORDS.zh.readOnly).waitFor();
      await english(other);
      await other.getByText(w.readOnly).waitFor();
      await check("home-read-only", other);
      await other.close();
      await page.bringToFront();

      await button(w.start).click();
      await typeOnKeypad(page, "A099");
      await button(w.next).click();
      await page.getByRole("alert").filter({ hasText: w.unknown }).waitFor();
      await check("signin-code");

      await button(w.clear).click();
      await typeOnKeypad(page, "B006");
      await button(w.next).click();
      await typeOnKeypad(page, "94");
      await check("signin-pin");

      // A wrong PIN: the message takes room, the pad and OK stay on screen.
      await typeOnKeypad(page, "00");
      await button(w.ok).click();
      await page.locator(".message-slot .notice").waitFor();
      await check("signin-wrong-pin");

      await typeOnKeypad(page, "9413");
      await button(w.ok).click();
      await page.getByRole("heading", { name: w.basket }).waitFor();
      await tile(page, w.salt).click();
      await tile(page, w.salt).click();
      await tile(page, w.soy).click();
      await check("shop");

      await tile(page, w.rice).click();
      await page.getByRole("status").filter({ hasText: w.why }).waitFor();
      await check("shop-why");
      await page.getByRole("status").filter({ hasText: w.why }).click();

      // The last category tab, chosen.
      await page.getByRole("tab").last().click();
      await page.locator(".cats .tab:last-child[aria-selected=true]").waitFor();
      await check("shop-last-tab");
      await page.getByRole("tab").first().click();

      await button(w.confirm).click();
      await page.getByRole("heading", { name: w.check }).waitFor();
      await check("confirm");

      await button(w.confirm).click();
      await page.getByRole("heading", { name: w.done }).waitFor();
      await check("receipt");

      await button(w.finish).click();
      await button(WORDS.zh.start).waitFor();
      // A period posted (公示) for every household: My points shows the
      // household's own score, band, points and the objection deadline.
      await inPage(page, async (kiosk) => {
        const now = Date.now();
        const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
        await kiosk.changeRules({ staffSession: admin, now, rules: { ...kiosk.rules(), source: "kiosk" }, requestId: "screens-rules" });
        const codes = kiosk.households().map((household) => household.code);
        const text = `户号,总分\n${codes.map((code, i) => `${code},${100 - i}`).join("\n")}\n`;
        const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
        await kiosk.postScoreSheet({ staffSession: clerk, now, period: "2026-11", text, requestId: "screens-post" });
        await kiosk.approveScoreSheet({ staffSession: admin, now, period: "2026-11", requestId: "screens-approve" });
        kiosk.staffSignOut(clerk);
        kiosk.staffSignOut(admin);
      });
      await english();
      await button(w.myPoints).click();
      await typeOnKeypad(page, "B006");
      await button(w.next).click();
      await typeOnKeypad(page, "9413");
      await button(w.ok).click();
      await page.getByRole("heading", { name: w.history }).waitFor();
      await check("history");

      // The idle warning, with a short idle time.
      await page.goto(kioskUrl(server.url, kioskId, { idleMs: 800, countdownMs: 60_000 }));
      await button(WORDS.zh.start).waitFor();
      await english();
      await button(w.start).click();
      await typeOnKeypad(page, "B006");
      await button(w.next).click();
      await typeOnKeypad(page, "9413");
      await button(w.ok).click();
      await page.getByRole("heading", { name: w.basket }).waitFor();
      await page.getByRole("dialog", { name: w.idle }).waitFor();
      await check("idle");

      // A kiosk that cannot open at all.
      await page.goto(kioskUrl(server.url, "not a kiosk id!"));
      await page.getByText(WORDS.zh.fatal).waitFor();
      await english();
      await check("fatal");

      assert.deepEqual(failures, [], failures.join("\n"));
      assert.equal(seen.length, 14);
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
}

test("every refusal code of the core has a plain sentence in Chinese and in English", async () => {
  const source = await readFile(new URL("../../src/error.rs", import.meta.url), "utf8");
  const block = source.match(/pub const CODES: \[&'static str; \d+\] = \[([^\]]*)\]/)[1];
  const codes = [...block.matchAll(/"([A-Z_]+)"/g)].map((match) => match[1]);
  assert.ok(codes.length >= 29);
  const page = await browser.context.newPage();
  await page.goto(kioskUrl(server.url, "screens-messages"));
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  const sentences = await page.evaluate(async (codes) => {
    const { errorText } = await import("/js/i18n.js");
    const figures = {
      needed: "12.50", available: "3.00", attemptsLeft: 3, lockedUntil: Date.now() + 300_000, sku: "salt-500g",
      household: "A099", balance: "-2.00", limit: 50, seq: 17, reason: "other_tab", field: "name", receipt: "x-000001",
    };
    const out = {};
    for (const code of codes) {
      // Codes the page has no own sentence for fall back to the core's plain words.
      const error = Object.assign(new Error("核心给出的话"), { code, messageEn: "the core's own words", year: 2025, ...figures });
      out[code] = [errorText(error, {}, "zh"), errorText(error, {}, "en"), errorText(error, { redeem: true }, "zh")];
    }
    return out;
  }, codes);
  for (const code of codes) {
    const [zh, en, redeemZh] = sentences[code];
    for (const text of [zh, en, redeemZh]) {
      assert.ok(text && text.length > 4, `${code}: ${text}`);
      assert.doesNotMatch(text, /[A-Z]{2,}_[A-Z]+|undefined|NaN|\[object/, `${code}: ${text}`);
    }
    assert.match(zh, /[\u4e00-\u9fff]/, `${code} in Chinese: ${zh}`);
    assert.doesNotMatch(en, /[\u4e00-\u9fff]/, `${code} in English: ${en}`);
  }
  for (const code of ["STORAGE_FULL", "STORAGE_FAILED"]) {
    assert.match(sentences[code][2], /没有成功/);
    assert.match(sentences[code][2], /店主/);
  }
  await page.close();
});
