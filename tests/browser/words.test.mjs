// Plain words on the villager's screens: every small label, hint, error and
// message follows the language switch (only the big buttons show both);
// dates, times and periods read as people write them; the wrong-PIN message
// says what the last try brings and whom to ask; and in 我的积分 each credit
// names its period and what it was for.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadDemoVillage, typeOnKeypad, tile, inPage } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openPage } = startForFile({ browser: { viewport: { width: 1366, height: 768 } } });

async function demoPage(kioskId, params) {
  const opened = await openPage(kioskId, params);
  await loadDemoVillage(opened.page);
  await opened.page.bringToFront();
  return opened;
}

/** Switches the page to `language` ("zh" or "en") with its own button. */
async function useLanguage(page, language) {
  const current = await page.evaluate(() => document.documentElement.lang);
  if ((current === "en") !== (language === "en")) await page.locator(".btn-lang").click();
  await page.waitForFunction((wanted) => document.documentElement.lang === wanted, language === "en" ? "en" : "zh-CN");
}

/**
 * The visible texts of the page in the other language than `language`:
 * Chinese characters on an English page, English words on a Chinese one.
 * Left out: the small second line of a bilingual button (.dual-sub), the
 * language switch (it names the other language), and the village's own data
 * (names of the shop, households and goods, codes, receipt numbers, the
 * check code), which are what they are in either language.
 */
async function strayWords(page, language, kioskId) {
  const data = await inPage(page, (kiosk) => {
    const info = kiosk.info();
    return [
      info.shop,
      info.village,
      ...kiosk.households().map((household) => household.name),
      ...kiosk.catalog().flatMap((item) => [item.nameZh, item.nameEn]),
    ].filter(Boolean);
  });
  const texts = await page.evaluate(() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      const text = node.textContent.trim();
      if (!text || !element.checkVisibility()) continue;
      if (element.closest(".dual-sub, .btn-lang")) continue;
      found.push(text);
    }
    return found;
  });
  const sorted = [...data].sort((a, b) => b.length - a.length);
  const foreign = language === "en" ? /[\u3400-\u9fff]/ : /[A-Za-z]{2,}/;
  return texts.filter((text) => {
    let rest = text;
    for (const name of sorted) rest = rest.split(name).join(" ");
    rest = rest
      .split(kioskId)
      .join(" ")
      .replace(/\b[0-9a-f]{12}\b/g, " ")
      .replace(/\b[A-Z]\d{3}\b/g, " ");
    return foreign.test(rest);
  });
}

/** Asserts no stray words on the current screen in either language; leaves it in Chinese. */
async function checkBothLanguages(page, screen, kioskId) {
  for (const language of ["en", "zh"]) {
    await useLanguage(page, language);
    const stray = await strayWords(page, language, kioskId);
    assert.deepEqual(stray, [], `${screen} in ${language}: words of the other language`);
  }
}

test("each villager screen follows the language switch: no words of the other language in small labels, hints, errors and messages", async () => {
  const kioskId = "words-toggle";
  const { page, errors } = await demoPage(kioskId);
  await checkBothLanguages(page, "home", kioskId);
  await page.getByRole("button", { name: "开始兑换" }).click();
  await checkBothLanguages(page, "sign-in code", kioskId);
  await typeOnKeypad(page, "A099");
  await page.getByRole("button", { name: "下一步" }).click();
  await page.getByRole("alert").waitFor();
  await checkBothLanguages(page, "sign-in code refused", kioskId);
  await page.getByRole("button", { name: "清空" }).click();
  await typeOnKeypad(page, "A001");
  await page.getByRole("button", { name: "下一步" }).click();
  await typeOnKeypad(page, "0000");
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("alert").filter({ hasText: "密码不对" }).waitFor();
  await checkBothLanguages(page, "sign-in wrong PIN", kioskId);
  await typeOnKeypad(page, "3817");
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  // A message over the screen (a scanned item) in English.
  await useLanguage(page, "en");
  await page.keyboard.type("6978407709373");
  await page.keyboard.press("Enter");
  await page.getByText("Added: Salt 500 g").waitFor();
  assert.deepEqual(await strayWords(page, "en", kioskId), [], "shop with a message, in English");
  await checkBothLanguages(page, "shop", kioskId);
  await tile(page, "食盐 500g").click();
  await page.locator(".btn-confirm").click();
  await page.getByRole("heading", { name: "请核对" }).waitFor();
  await checkBothLanguages(page, "confirm", kioskId);
  await page.getByRole("button", { name: "确认兑换" }).click();
  await page.getByText("兑换成功").waitFor();
  await checkBothLanguages(page, "receipt", kioskId);
  await page.getByRole("button", { name: "完成" }).click();
  await page.getByRole("button", { name: "我的积分" }).click();
  await typeOnKeypad(page, "A001");
  await page.getByRole("button", { name: "下一步" }).click();
  await typeOnKeypad(page, "3817");
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("heading", { name: "我的积分" }).waitFor();
  await checkBothLanguages(page, "my points", kioskId);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the idle warning speaks the language chosen", async () => {
  const kioskId = "words-idle";
  const { page, errors } = await demoPage(kioskId, { idleMs: 1500, countdownMs: 60_000 });
  await page.getByRole("button", { name: "开始兑换" }).click();
  await typeOnKeypad(page, "A001");
  await page.getByRole("button", { name: "下一步" }).click();
  await typeOnKeypad(page, "3817");
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  await page.getByRole("dialog").getByText(/秒后自动退出/).waitFor();
  assert.deepEqual(await strayWords(page, "zh", kioskId), []);
  await page.getByRole("dialog").getByRole("button", { name: /继续/ }).click();
  await useLanguage(page, "en");
  await page.getByRole("dialog").getByText(/Signing out in/).waitFor();
  assert.deepEqual(await strayWords(page, "en", kioskId), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test("dates, times and periods read as people write them, in Chinese and in English", async () => {
  const { page, errors } = await demoPage("words-dates");
  const written = await page.evaluate(async (url) => {
    const dates = await import(url);
    dates.setUtcOffset(480);
    const now = Date.UTC(2026, 11, 6, 4, 0);
    const morning = Date.UTC(2026, 11, 6, 1, 54); // 09:54 in the village
    const afternoon = Date.UTC(2026, 10, 28, 6, 5); // 14:05
    const lastYear = Date.UTC(2025, 0, 2, 23, 30); // 3 Jan 2025, 07:30
    const both = (format) => ["zh", "en"].map(format);
    const result = {
      morning: both((l) => dates.villageDateTime(morning, l, { now })),
      afternoon: both((l) => dates.villageDateTime(afternoon, l, { now })),
      lastYear: both((l) => dates.villageDateTime(lastYear, l, { now })),
      quarter: both((l) => dates.periodText("2026-Q4", l)),
      month: both((l) => dates.periodText("2026-10", l)),
      year: both((l) => dates.periodText("2026", l)),
      odd: both((l) => dates.periodText("2026-13", l)),
    };
    dates.setUtcOffset(null);
    return result;
  }, new URL("js/dates.js", page.url()).href);
  assert.deepEqual(written, {
    morning: ["12月6日 上午9:54", "6 Dec, 9:54"],
    afternoon: ["11月28日 下午2:05", "28 Nov, 14:05"],
    lastYear: ["2025年1月3日 上午7:30", "3 Jan 2025, 7:30"],
    quarter: ["2026年第四季度", "Q4 2026"],
    month: ["2026年10月", "Oct 2026"],
    year: ["2026年", "2026"],
    odd: ["2026-13", "2026-13"],
  });
  // On the screens: the board names the quarter as written, never "2026-Q4".
  const home = await page.locator("main").innerText();
  assert.doesNotMatch(home, /\d{4}-Q\d/);
  assert.match(home, /\d{4}年第[一二三四]季度/);
  await useLanguage(page, "en");
  assert.match(await page.locator("main").innerText(), /Ranking of Q[1-4] \d{4}/);
  // The receipt's time, in both languages.
  await page.getByRole("button", { name: /Start/ }).click();
  await typeOnKeypad(page, "A001");
  await page.getByRole("button", { name: /Next/ }).click();
  await typeOnKeypad(page, "3817");
  await page.getByRole("button", { name: /OK/ }).click();
  await tile(page, "Salt 500 g").click();
  await page.locator(".btn-confirm").click();
  await page.getByRole("button", { name: /Confirm/ }).click();
  await page.getByText("Redeemed").first().waitFor();
  const timeField = page.locator(".rc-field").filter({ hasText: /Time|时间/ }).locator("dd");
  assert.match(await timeField.innerText(), /^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec), \d{1,2}:\d{2}$/);
  await useLanguage(page, "zh");
  assert.match(await timeField.innerText(), /^\d{1,2}月\d{1,2}日 (凌晨|上午|中午|下午|晚上)\d{1,2}:\d{2}$/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the wrong-PIN message says what the last try brings and whom to ask, as the core's lockout rule is", async () => {
  const { page, errors } = await demoPage("words-wrong-pin");
  const lockoutMinutes = await inPage(page, async (kiosk) => {
    try {
      await kiosk.signIn({ household: "B006", pin: "0000", now: Date.now() });
    } catch (error) {
      return error.lockoutMinutes;
    }
    return null;
  });
  assert.equal(lockoutMinutes, 5, "the core's lockout: five minutes");
  await page.getByRole("button", { name: "开始兑换" }).click();
  await typeOnKeypad(page, "A002");
  await page.getByRole("button", { name: "下一步" }).click();
  await typeOnKeypad(page, "0000");
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("alert").filter({ hasText: "密码不对,还可以试 4 次;再错 4 次,这一户会锁定 5 分钟,可请店主解锁。" }).waitFor();
  for (let attempt = 2; attempt <= 4; attempt++) {
    await typeOnKeypad(page, "0000");
    await page.getByRole("button", { name: "确定" }).click();
    await page.getByRole("alert").filter({ hasText: `还可以试 ${5 - attempt} 次` }).waitFor();
  }
  await page.getByRole("alert").filter({ hasText: "密码不对,还可以试 1 次;再错,这一户会锁定 5 分钟。忘了密码请找店主。" }).waitFor();
  await useLanguage(page, "en");
  await page
    .getByRole("alert")
    .filter({ hasText: "Wrong PIN. 1 try left; if that one is wrong too, this household is locked for 5 minutes. Forgot the PIN? Ask the shopkeeper." })
    .waitFor();
  await typeOnKeypad(page, "0000");
  await page.getByRole("button", { name: /OK/ }).click();
  await page.getByRole("alert").filter({ hasText: /Too many wrong PINs: locked until \d{1,2}:\d{2}\. .*ask the shopkeeper to unlock it/ }).waitFor();
  await useLanguage(page, "zh");
  await page.getByRole("alert").filter({ hasText: /已锁定到 (凌晨|上午|中午|下午|晚上)\d{1,2}:\d{2}。.*请店主解锁/ }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("in 我的积分 two credits of the same amount tell their period and what they were for", async () => {
  const { page, errors } = await demoPage("words-credits");
  // Two credits of 2 points to C003, one for each of two quarters.
  await inPage(page, async (kiosk) => {
    const now = Date.now();
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
    for (const period of ["2026-Q3", "2026-Q4"]) {
      await kiosk.credit({ staffSession: clerk, household: "C003", amount: "2", period, source: "evaluation", requestId: `words-${period}`, now });
    }
  });
  await page.getByRole("button", { name: "我的积分" }).click();
  await typeOnKeypad(page, "C003");
  await page.getByRole("button", { name: "下一步" }).click();
  await typeOnKeypad(page, "6150");
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("heading", { name: "我的积分" }).waitFor();
  const notesOf = (change) =>
    page.locator(".history-table tbody tr").evaluateAll(
      (rows, change) => rows.filter((row) => row.querySelector(".h-change").textContent === change).map((row) => row.querySelector(".h-note")?.textContent ?? ""),
      change,
    );
  assert.deepEqual((await notesOf("+2")).sort(), ["2026年第三季度 月度评分", "2026年第四季度 月度评分"]);
  // The demo's monthly credits of 3 points: each names its month.
  const threes = await notesOf("+3");
  assert.equal(new Set(threes).size, threes.length, `${threes} are told apart`);
  assert.ok(threes.every((note) => /^2026年\d{1,2}月 月度评分$/.test(note)), threes.join(" / "));
  await useLanguage(page, "en");
  assert.deepEqual((await notesOf("+2")).sort(), ["Monthly score, Q3 2026", "Monthly score, Q4 2026"]);
  assert.doesNotMatch(await page.locator("main").innerText(), /\d{4}-Q\d|\d{4}-\d{2}(?!\d)/);
  assert.deepEqual(errors, []);
  await page.close();
});
