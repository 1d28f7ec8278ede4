// Every staff screen at the five common sizes (see COMMON_VIEWPORTS): in
// Chinese and in English at 1920x1080 and 1366x768, in Chinese at the
// others. No serious or critical axe-core violation, every control at least
// 64x64 CSS px, every text at least 24 px, nothing wider or taller than the
// screen, nothing cut off (or inside a panel that shows there is more).
// Each is saved as test-output/screens/staff-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  collectErrors,
  kioskUrl,
  typeOnKeypad,
  scan,
  inPage,
  checkLayout,
  seriousAxeViolations,
  SCREENSHOT_DIR,
  COMMON_VIEWPORTS,
} from "./harness.mjs";
import { startForFile } from "./setup.mjs";

/** The sizes also checked in English (the others in Chinese only, to keep the run short). */
const BOTH_LANGUAGES = new Set(["1920x1080", "1366x768"]);

/** What the walk taps and waits for (in Chinese; each screen is then checked in English too). */
const W = {
  setUp: "设置本村",
  village: "村名",
  adminName: "管理员姓名",
  nextPin: "下一步:设密码",
  ok: /^确定/,
  written: "我已抄好",
  staffEntry: /员工登录/,
  next: "下一步",
  hello: /^您好/,
  rules: /^积分规则与评分/,
  menu: /^菜单$/,
  signOut: "退出",
  restock: /^捐赠入库/,
  catalog: /^商品和价格/,
  adjust: /^库存更正/,
  count: /^盘点/,
  void: /^作废兑换/,
  households: /^住户管理/,
  register: /^登记新户/,
  staff: /^员工/,
  settings: /^村设置/,
  print: /^户卡和标签/,
  reports: /^报表和图表/,
  show: /^查看/,
  donor: "捐赠方",
  record: "确认入库",
  recorded: "已入库",
  addItem: /^添加商品/,
  pick: /^食盐 500g/,
  counted: "食盐 500g 的实数",
  receipt: "小票号",
  found: "小票 ",
  movedAway: /^迁出/,
  resetPin: /^重设密码/,
  make: /^生成/,
  forgot: "忘记密码?",
  demo: "载入演示村",
  start: "开始兑换",
};

const { server, browser } = startForFile({ browser: { bypassCSP: true }, screenshots: true });

for (const viewport of COMMON_VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  const english = BOTH_LANGUAGES.has(size);
  test(`every staff screen at ${size}, in Chinese${english ? " and in English" : ""}`, async () => {
    const w = W;
    const page = await browser.context.newPage();
    await page.setViewportSize(viewport);
    const errors = collectErrors(page);
    const failures = [];
    const seen = [];
    const button = (name, options) => page.getByRole("button", { name, ...options });
    const main = () => page.getByRole("main");
    const banner = () => page.getByRole("banner");

    async function checkOne(name, language) {
      await page.waitForTimeout(20);
      const layout = await checkLayout(page);
      const axe = await seriousAxeViolations(page);
      for (const problem of [...layout, ...axe]) failures.push(`${name} (${language}): ${problem}`);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `staff-${name}-${language}-${size}.png`) });
      seen.push(`${name}-${language}`);
    }
    /** Checks the screen in Chinese, then in English, and goes back to Chinese. */
    async function check(name) {
      await checkOne(name, "zh");
      if (!english) return;
      await banner().getByRole("button", { name: "English" }).click();
      await banner().getByRole("button", { name: "中文" }).waitFor();
      await checkOne(name, "en");
      await banner().getByRole("button", { name: "中文" }).click();
      await banner().getByRole("button", { name: "English" }).waitFor();
    }
    /** A pad dialog, opened by `open()`, in both languages. */
    async function checkPad(name, open) {
      for (const language of english ? ["zh", "en"] : ["zh"]) {
        if (language === "en") await banner().getByRole("button", { name: "English" }).click();
        await open();
        await page.getByRole("dialog").waitFor();
        await checkOne(name, language);
        await page.keyboard.press("Escape");
        await page.getByRole("dialog").waitFor({ state: "hidden" });
      }
      if (english) await banner().getByRole("button", { name: "中文" }).click();
    }
    async function menu(name) {
      const back = banner().getByRole("button", { name: w.menu });
      if (await back.count()) await back.click();
      await main().getByRole("button", { name }).first().click();
    }

    try {
      await walk();
    } catch (error) {
      await page.screenshot({ path: join(SCREENSHOT_DIR, `staff-walk-failed-${size}.png`) });
      throw error;
    }
    assert.deepEqual(failures, [], failures.join("\n"));
    assert.equal(seen.length, english ? 58 : 29);
    assert.deepEqual(errors, []);
    await page.close();

    async function walk() {
      // ----- first-run setup (its own empty kiosk) -----------------------------
      await page.goto(kioskUrl(server.url, `staff-screens-setup-${size}`));
      await button(w.setUp).click();
      await page.getByLabel(w.village).fill("幸福村");
      await page.getByLabel(w.adminName).fill("张书记");
      await check("setup-form");
      await button(w.nextPin).click();
      await typeOnKeypad(page, "24");
      await check("setup-pin");
      await typeOnKeypad(page, "68");
      await button(w.ok).click();
      await typeOnKeypad(page, "2468");
      await button(w.ok).click();
      await button(w.written).waitFor();
      await check("recovery-code");
      await button(w.written).click();
      await typeOnKeypad(page, "24");
      await check("signin-pin");

      // ----- the demo village --------------------------------------------------
      await page.goto(kioskUrl(server.url, `staff-screens-${size}`));
      await button(w.demo).click();
      await button(w.start).waitFor();
      const receipt = await inPage(page, async (kiosk) => {
        const session = await kiosk.signIn({ household: "B006", pin: "9413", now: Date.now() });
        const answer = await kiosk.redeem({ session, lines: [{ sku: "salt-500g", qty: 2 }, { sku: "sugar-400g", qty: 1 }], requestId: "walk-1", now: Date.now() });
        kiosk.signOut(session);
        return answer;
      });
      await button(w.staffEntry).click();
      await typeOnKeypad(page, "adm");
      await check("signin-id");
      await typeOnKeypad(page, "in");
      await button(w.next).click();
      await typeOnKeypad(page, "9999");
      await button(w.ok).click();
      await page.getByRole("heading", { name: w.hello }).waitFor();
      await check("home");

      await menu(w.restock);
      await page.getByLabel(w.donor).fill("县供销社");
      await scan(page, "6971702805269");
      await scan(page, "6905371697283");
      await check("restock");
      await checkPad("pad-decimal", () => page.getByLabel(/^(申报价值|Declared value)/).click());
      await button(w.record).click();
      await page.getByRole("status").filter({ hasText: w.recorded }).first().waitFor();
      await check("restock-done");

      await menu(w.catalog);
      await check("catalog");
      await button(w.addItem).first().click();
      await check("item");

      await menu(w.adjust);
      await main().getByRole("button", { name: w.pick }).click();
      await check("adjust");

      await menu(w.count);
      await page.getByRole("textbox", { name: w.counted }).fill("40");
      await check("count");

      await menu(w.void);
      await page.getByLabel(w.receipt).fill(String(receipt.seq));
      await page.getByLabel(w.receipt).press("Enter");
      await page.getByRole("heading", { name: `${w.found}${receipt.receiptNumber}` }).waitFor();
      await check("void");

      await menu(w.households);
      await check("households");
      await checkPad("pad-code", () => button(/^(输户号|Type a code)/).click());
      await main().getByRole("button", { name: /^A001/ }).click();
      // A member with a card, so the household's members, split and merge
      // sections are laid out with a line in them.
      await page.getByLabel("成员姓名").fill("王小明");
      await page.getByLabel("与户主关系").fill("儿子");
      await page.getByLabel("成员卡号(可不填)").fill("CARD0001");
      await button(/^添加成员/).click();
      await page.getByRole("status").filter({ hasText: "成员已添加" }).waitFor();
      await check("household");
      await button(w.movedAway).click();
      await check("status-moved-away");
      await menu(w.households);
      await main().getByRole("button", { name: /^A003/ }).click();
      await button(w.resetPin).click();
      await typeOnKeypad(page, "11");
      await check("pin");

      await menu(w.register);
      await check("household-form");
      await menu(w.staff);
      await check("team");
      await menu(w.settings);
      await check("settings");
      await menu(w.rules);
      await page.locator(".rules-reading-line").first().waitFor();
      await check("rules");
      // A sheet imported by the clerk waits for the leading group's review;
      // the admin approves it on the screen, and a villager's objection waits
      // for its finding: both states laid out at every size.
      await inPage(page, async (kiosk) => {
        const now = Date.now();
        const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
        // With a deduction item (扣分项), so the editor shows one at every size.
        const deduction = { name: "扣分项", items: [{ name: "违反村规民约", max: "-10" }] };
        await kiosk.changeRules({ staffSession: admin, now, rules: { ...kiosk.rules(), source: "kiosk", table: [...kiosk.rules().table, deduction] }, requestId: "walk-rules" });
        kiosk.staffSignOut(admin);
        const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
        await kiosk.postScoreSheet({ staffSession: clerk, now, period: "2026-11", text: "户号,总分\nA001,95\nA002,86\nA003,70\n", requestId: "walk-sheet" });
        kiosk.staffSignOut(clerk);
      });
      await menu(w.rules);
      await page.getByRole("heading", { name: /等领导组审核|waiting for review/ }).waitFor();
      await check("rules-review");
      await button(/^(审核通过|Approve and post)/).click();
      await inPage(page, async (kiosk) => {
        const now = Date.now();
        const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
        await kiosk.raiseObjection({ staffSession: clerk, now, period: "2026-11", household: "A003", raisedBy: "王德明家属", what: "厕所打扫过了,分数打低了", requestId: "walk-objection" });
        kiosk.staffSignOut(clerk);
      });
      await menu(w.rules);
      await page.getByText("待处理的异议").or(page.getByText("Objections to settle")).first().waitFor();
      await check("rules-objection");
      await menu(w.print);
      const printing = await inPage(page, (kiosk) => typeof kiosk.householdCards === "function");
      if (printing) {
        await button(w.make).click();
        await page.locator(".sheet-img").first().waitFor();
        await page.waitForFunction(() => [...document.querySelectorAll(".sheet-img")].every((image) => image.complete && image.naturalWidth > 0));
      }
      await check("print");
      await menu(w.reports);
      await button(w.show).click();
      await page.locator(".report-view table").first().waitFor(); // the day close has its entries and whose hands (经手)
      await check("reports");
      // The exception report (per staff member and day), for the village's checks.
      await page.locator("label.choice", { hasText: "工作人员异常" }).click();
      await button(w.show).click();
      await page.getByText("工作人员异常操作 Staff exceptions").first().waitFor();
      await check("reports-exceptions");

      // ----- the recovery screen -----------------------------------------------
      await banner().getByRole("button", { name: w.signOut }).click();
      await button(w.start).waitFor();
      await button(w.staffEntry).click();
      await typeOnKeypad(page, "admin");
      await button(w.next).click();
      await button(w.forgot).click();
      await check("recover");
    }
  });
}
