// The clerk's and the admin's work through the screens: register a unit,
// edit it, suspend and reinstate with a reason, a household that moves away
// with its balance settled by a correction in the open; staff members added,
// given a PIN and deactivated; village settings; a new recovery code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { typeOnKeypad, inPage, staffSignIn, staffMenu, fillPad, DEMO_STAFF } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openDemoPage } = startForFile({ browser: { viewport: { width: 1920, height: 1080 } } });

const button = (page, name) => page.getByRole("button", { name });
const household = (page, code) => inPage(page, (kiosk, code) => kiosk.household(code), code);

test("the clerk registers a unit, edits it, suspends and reinstates it; a household moves away settled", async () => {
  const { page, errors } = await openDemoPage("staff-hh-clerk");
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  await staffMenu(page, "登记新户");
  await fillPad(page, page.getByLabel("户号"), "C011");
  await page.getByLabel("名称").fill("村小卖部");
  await page.getByRole("radio", { name: "第三组" }).check();
  await page.getByRole("radio", { name: "单位" }).check();
  await button(page, /^登记/).click();
  await page.getByRole("heading", { name: "C011 村小卖部" }).waitFor();
  await page.getByRole("status").filter({ hasText: "已登记" }).waitFor();
  assert.deepEqual(
    (({ code, name, group, kind, status, balance }) => ({ code, name, group, kind, status, balance }))(await household(page, "C011")),
    { code: "C011", name: "村小卖部", group: "第三组", kind: "unit", status: "active", balance: "0.00" },
  );
  // The same code again is refused in plain words.
  await staffMenu(page, "登记新户");
  await fillPad(page, page.getByLabel("户号"), "C011");
  await page.getByLabel("名称").fill("重复");
  await button(page, /^登记/).click();
  await page.getByRole("alert").filter({ hasText: "户号 C011 已经有了" }).waitFor();

  await staffMenu(page, "住户管理");
  await page.getByLabel("查找住户").fill("C011");
  await button(page, /^C011/).click();
  await button(page, /^修改/).click();
  await page.getByLabel("名称").fill("村便民小卖部");
  await button(page, /^保存/).click();
  await page.getByRole("heading", { name: "C011 村便民小卖部" }).waitFor();

  // Suspended: the villager is refused; reinstated: fine.
  await staffMenu(page, "住户管理");
  await button(page, /^B006/).click();
  await button(page, /^暂停/).click();
  await button(page, /^确认暂停/).click();
  await page.getByRole("alert").filter({ hasText: "请先写原因" }).waitFor();
  await button(page, "积分有疑问,正在核查").click();
  await button(page, /^确认暂停/).click();
  await page.getByRole("status").filter({ hasText: "已暂停" }).waitFor();
  assert.equal((await household(page, "B006")).status, "suspended");
  await button(page, "退出").click();
  await button(page, "开始兑换").click();
  await typeOnKeypad(page, "B006");
  await button(page, "下一步").click();
  await page.getByRole("alert").filter({ hasText: "这一户的积分账户已暂停" }).waitFor();
  await button(page, "返回").click();
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  await staffMenu(page, "住户管理");
  await button(page, /^B006/).click();
  await button(page, /^恢复/).click();
  await button(page, "核查无误").click();
  await button(page, /^确认恢复/).click();
  await page.getByRole("status").filter({ hasText: "已恢复" }).waitFor();
  assert.equal((await household(page, "B006")).status, "active");

  // Moved away: the balance is settled by a correction, in the open.
  await staffMenu(page, "住户管理");
  await button(page, /^A001/).click();
  await button(page, /^迁出/).click();
  await page.getByText("这一户还有 6.1 积分").waitFor();
  await button(page, "全家迁出本村").click();
  await button(page, /^确认迁出/).click();
  await page.getByRole("status").filter({ hasText: "已标记迁出,余额已结清" }).waitFor();
  const moved = await household(page, "A001");
  assert.equal(moved.status, "moved_away");
  assert.equal(moved.balance, "0.00");
  const journal = await inPage(page, async (kiosk) => (await kiosk.exportJournal()).trim().split("\n").slice(-2).map((line) => JSON.parse(line).entry.body));
  assert.match(JSON.stringify(journal[0]), /-610|迁出结清/);
  assert.match(JSON.stringify(journal[1]), /A001/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the admin adds a staff member with a PIN, who signs in; deactivated, no more; settings and a new recovery code", async () => {
  const { page, errors } = await openDemoPage("staff-hh-admin");
  await staffSignIn(page, DEMO_STAFF.admin.id, DEMO_STAFF.admin.pin);
  await staffMenu(page, "员工");
  await fillPad(page, page.getByLabel("员工编号"), "shop2");
  await page.getByLabel("名称").fill("店管员 王小明");
  await page.getByRole("radio", { name: "店管员" }).check();
  await button(page, /^下一步:设密码/).click();
  await typeOnKeypad(page, "4321");
  await button(page, /^确定/).click();
  await typeOnKeypad(page, "4321");
  await button(page, /^确定/).click();
  await page.getByRole("status").filter({ hasText: "已添加员工 店管员 王小明" }).waitFor();
  await page.getByRole("row", { name: /王小明/ }).waitFor();

  // Settings: a choice and a number.
  await staffMenu(page, "村设置");
  await page.getByRole("radio", { name: "累积到下一年" }).check();
  await page.getByRole("alert").or(page.getByRole("status")).filter({ hasText: "已保存:年底积分" }).waitFor();
  await fillPad(page, page.getByLabel("公示天数"), "7");
  await page.getByRole("status").filter({ hasText: "已保存:公示天数" }).waitFor();
  const settings = await inPage(page, (kiosk) => kiosk.settings());
  assert.equal(settings.year_end, "carry");
  assert.equal(settings.posting_days, "7");

  // A new recovery code, shown once.
  await button(page, /^生成新的恢复码/).click();
  await button(page, /^确定生成/).click();
  const code = (await page.getByRole("main").getByText(/^\d{4}-\d{4}-\d{4}$/).innerText()).trim();
  assert.match(code, /^\d{4}-\d{4}-\d{4}$/);
  await button(page, /^我已抄好/).click();
  await page.getByRole("heading", { name: "村设置" }).waitFor();
  assert.equal(await page.getByText(code).count(), 0);

  // The new staff member signs in: the shopkeeper's menu.
  await button(page, "退出").click();
  await staffSignIn(page, "shop2", "4321");
  await button(page, /^捐赠入库/).waitFor();
  assert.equal(await button(page, /^员工/).count(), 0);
  await button(page, "退出").click();

  // Deactivated: refused.
  await staffSignIn(page, DEMO_STAFF.admin.id, DEMO_STAFF.admin.pin);
  await staffMenu(page, "员工");
  await button(page, "停用:店管员 王小明").click();
  await page.getByRole("status").filter({ hasText: "店管员 王小明 已停用" }).waitFor();
  await button(page, "退出").click();
  await staffSignIn(page, "shop2", "4321", { wait: false });
  await page.getByRole("alert").filter({ hasText: "员工编号不对,或这位员工已停用" }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
