// Who may reach the staff's work: staff sign-in by id and PIN, the role's
// menu, idle sign-out; a villager never reaches a staff screen — not by the
// address, not by the history — and the console API refuses staff work
// without a staff session, changing nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { typeOnKeypad, inPage, kioskUrl, staffSignIn, staffMenu, DEMO_STAFF } from "./harness.mjs";
import { startForFile } from "./setup.mjs";
import { STAFF_WRITES } from "./staff-calls.mjs";

const { server, openDemoPage } = startForFile({ browser: { viewport: { width: 1920, height: 1080 } } });

const home = (page) => page.getByRole("button", { name: "开始兑换" });

test("the console API refuses staff work without a staff session, and nothing changes", async () => {
  const { page, errors } = await openDemoPage("staff-access-api");
  const outcome = await inPage(
    page,
    async (kiosk, writes) => {
      const before = { hash: kiosk.stateHash(), seq: kiosk.info().seq };
      const villager = await kiosk.signIn({ household: "A001", pin: "3817", now: Date.now() });
      // The writes, and the staff's reads a villager must not see either.
      const calls = { ...writes, staffMembers: {}, redemption: { receipt: "1" }, householdCards: {}, shelfLabels: {} };
      const sessions = {
        none: {},
        forged: { staffSession: { id: "00112233445566778899aabbccddeeff" } },
        villager: { staffSession: villager },
        villagerId: { staffSession: villager.id },
      };
      const refusals = {};
      for (const [name, { method = name, ...input }] of Object.entries(calls)) {
        if (typeof kiosk[method] !== "function") continue;
        for (const [how, session] of Object.entries(sessions)) {
          try {
            await kiosk[method]({ ...input, ...session, now: Date.now() });
            refusals[`${name}/${how}`] = "ACCEPTED";
          } catch (error) {
            refusals[`${name}/${how}`] = error.code;
          }
        }
      }
      kiosk.signOut(villager);
      return { before, after: { hash: kiosk.stateHash(), seq: kiosk.info().seq }, refusals };
    },
    STAFF_WRITES,
  );
  assert.ok(Object.keys(outcome.refusals).length >= 21 * 4);
  for (const [call, code] of Object.entries(outcome.refusals)) assert.equal(code, "STAFF_AUTH_REQUIRED", call);
  assert.deepEqual(outcome.after, outcome.before);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a villager cannot reach a staff screen by the address or the history", async () => {
  const { page, errors } = await openDemoPage("staff-access-url");
  const staffHeading = page.getByRole("heading", { name: /您好|捐赠入库|商品和价格|住户/ });
  for (const suffix of ["#staff", "#staff-home", "#/staff/restock", "?screen=staff-home", "?staff=1&screen=staff-restock#staff-restock"]) {
    const url = new URL(kioskUrl(server.url, "staff-access-url"));
    const [query, hash] = suffix.startsWith("#") ? ["", suffix] : suffix.split("#");
    for (const [key, value] of new URLSearchParams(query)) url.searchParams.set(key, value);
    url.hash = hash ?? "";
    await page.goto(url.href);
    await home(page).waitFor();
    assert.equal(await staffHeading.count(), 0, suffix);
  }
  // A hash change on a running page does nothing either.
  await page.evaluate(() => {
    location.hash = "#staff-home";
  });
  await page.waitForTimeout(100);
  assert.ok(await home(page).isVisible());

  // Staff at work, then signed out: the history leads nowhere staff.
  const length = await page.evaluate(() => history.length);
  await staffSignIn(page, DEMO_STAFF.shopkeeper.id, DEMO_STAFF.shopkeeper.pin);
  await staffMenu(page, "捐赠入库");
  await page.getByRole("heading", { name: "捐赠入库" }).waitFor();
  assert.equal(await page.evaluate(() => history.length), length, "staff screens add no history");
  await page.getByRole("button", { name: "退出" }).click();
  await home(page).waitFor();
  await page.goBack();
  await home(page).waitFor();
  assert.equal(await staffHeading.count(), 0);
  await page.goForward();
  await home(page).waitFor();
  assert.equal(await staffHeading.count(), 0);
  // The corner button asks for an id and a PIN again.
  await page.getByRole("button", { name: /员工登录/ }).click();
  await page.getByRole("heading", { name: "请输入员工编号" }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("staff sign-in: wrong PINs and unknown ids said plainly; the role's menu; idle sign-out", async () => {
  const { page, errors } = await openDemoPage("staff-access-idle", { idleMs: 1000, countdownMs: 1000 });
  const button = (name) => page.getByRole("button", { name });
  await button(/员工登录/).click();
  await typeOnKeypad(page, "nobody");
  await button("下一步").click();
  await typeOnKeypad(page, "1234");
  await button(/^确定/).click();
  await page.getByRole("alert").filter({ hasText: "员工编号不对,或这位员工已停用" }).waitFor();
  await page.getByRole("textbox", { name: "员工编号" }).fill("clerk");
  await button("下一步").click();
  await typeOnKeypad(page, "2223");
  await button(/^确定/).click();
  await page.getByRole("alert").filter({ hasText: "密码不对,还可以试 4 次" }).waitFor();
  await typeOnKeypad(page, "2222");
  await button(/^确定/).click();
  await page.getByRole("heading", { name: "您好,积分专员 陈伟明" }).waitFor();
  // The clerk's menu: households, not the shop's goods.
  await button(/^住户管理/).waitFor();
  assert.equal(await button(/^捐赠入库/).count(), 0);
  assert.equal(await button(/^员工/).count(), 0);

  // Idle: the warning, then signed out and home.
  await page.getByRole("dialog", { name: "还在吗?" }).waitFor();
  await home(page).waitFor({ timeout: 6000 });
  assert.equal(await page.getByText("积分专员 陈伟明").count(), 0);
  await button(/员工登录/).click();
  await page.getByRole("heading", { name: "请输入员工编号" }).waitFor();
  // Idle on the sign-in screen too: back home.
  await home(page).waitFor({ timeout: 6000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a staff session the core ended: the PIN again, and the work on the screen is still there", async () => {
  const { page, errors } = await openDemoPage("staff-access-expired", { sessionIdleMs: 2500 });
  await staffSignIn(page, DEMO_STAFF.shopkeeper.id, DEMO_STAFF.shopkeeper.pin);
  await staffMenu(page, "盘点");
  await page.getByRole("textbox", { name: "食盐 500g 的实数" }).fill("40");
  await page.getByText("已点 1/40 种,1 种有差额").waitFor();
  // Longer than the core keeps an untouched staff session.
  await page.waitForTimeout(2800);
  await page.getByRole("button", { name: "确认盘点" }).click();
  await page.getByRole("heading", { name: "请输入员工密码" }).waitFor();
  await page.getByRole("alert").filter({ hasText: "员工登录已结束,请重新输入密码。刚才的内容还在。" }).waitFor();
  await typeOnKeypad(page, DEMO_STAFF.shopkeeper.pin);
  await page.getByRole("button", { name: /^确定/ }).click();
  await page.getByText("已点 1/40 种,1 种有差额").waitFor();
  assert.equal(await page.getByRole("textbox", { name: "食盐 500g 的实数" }).inputValue(), "40");
  await page.getByRole("button", { name: "确认盘点" }).click();
  await page.getByRole("status").filter({ hasText: "盘点已记入" }).waitFor();
  assert.equal(await inPage(page, (kiosk) => kiosk.catalog().find((item) => item.sku === "salt-500g").stock), 40);
  assert.deepEqual(errors, []);
  await page.close();
});
