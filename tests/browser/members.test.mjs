// Households with members (issue 20, point 6), through the screens: the
// clerk adds a member with a card on the household's screen; the card,
// scanned at the home screen, signs in to the household; the receipt and
// the exported journal name the collector (领取人); the clerk splits the
// household (分户) and the points move by a recorded transfer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { typeOnKeypad, inPage, scan, tile, staffSignIn, staffMenu, DEMO_STAFF } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openDemoPage } = startForFile({ browser: { viewport: { width: 1920, height: 1080 } } });

const button = (page, name) => page.getByRole("button", { name });
const household = (page, code) => inPage(page, (kiosk, code) => kiosk.household(code), code);

async function openHousehold(page, code) {
  await staffMenu(page, "住户管理");
  await button(page, new RegExp(`^${code}`)).click();
  await page.getByRole("heading", { name: new RegExp(`^${code} `) }).waitFor();
}

test("a member's card signs in to the household, the receipt and the export name the collector, and a split moves the points", async () => {
  const { page, errors } = await openDemoPage("members");
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  await openHousehold(page, "B006");
  await page.getByLabel("成员姓名").fill("李小红");
  await page.getByLabel("与户主关系").fill("女儿");
  await page.getByLabel("成员卡号(可不填)").fill("card0606");
  await button(page, /^添加成员/).click();
  await page.getByRole("status").filter({ hasText: "成员已添加" }).waitFor();
  await page.getByText("卡 CARD0606").waitFor();

  // A card number that is a household's code is refused, and nothing changes.
  await page.getByLabel("成员姓名").fill("李大壮");
  await page.getByLabel("与户主关系").fill("儿子");
  await page.getByLabel("成员卡号(可不填)").fill("A001");
  await button(page, /^添加成员/).click();
  await page.getByRole("alert").filter({ hasText: "成员卡号填写得不对:卡号 A001 已经是一个户号或别人的卡" }).waitFor();
  assert.equal(await page.getByText("李大壮").count(), 0);

  // The card, scanned at the home screen, starts B006's sign-in.
  await button(page, "退出").click();
  await button(page, "开始兑换").waitFor();
  const before = await household(page, "B006");
  await scan(page, "CARD0606");
  await typeOnKeypad(page, "9413");
  await button(page, "确定").click();
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  await tile(page, "食盐 500g").click();
  await button(page, "确认兑换").click();
  await button(page, "确认兑换").click();
  await page.getByRole("heading", { name: "兑换成功" }).waitFor();
  await page.getByText("李小红").first().waitFor();
  assert.equal(await page.locator(".print-receipt").getByText("领取人").count(), 1, "the printed receipt names the collector");
  const after = await household(page, "B006");
  assert.notEqual(after.balance, before.balance);

  // The export's journal records the collector with the redemption.
  const exported = await inPage(page, async (kiosk) => {
    const now = Date.now();
    const staffSession = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
    const batch = await kiosk.exportBatch({ staffSession, now, range: "everything" });
    kiosk.staffSignOut(staffSession);
    const journal = batch.files.find((file) => file.name === "journal.ndjson");
    return journal.text.split("\n").filter((line) => line.includes('"kind":"redeemed"') && line.includes('"collector":"李小红"')).length;
  });
  assert.equal(exported, 1);
  await button(page, "完成").click();

  // 分户: B016 splits from B006 with 5 points and 李小红 (and her card).
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  await openHousehold(page, "B006");
  await page.getByLabel("新户号").fill("B016");
  await page.getByLabel("新户户主姓名").fill("李小红");
  await page.getByLabel("分出的积分").fill("5");
  await page.getByRole("checkbox", { name: "李小红" }).check();
  await page.getByLabel("原因").first().fill("成家分户");
  await button(page, /^分户/).click();
  await page.getByRole("status").filter({ hasText: "已分户" }).waitFor();
  const split = await household(page, "B016");
  assert.equal(split.balance, "5.00");
  const rest = await household(page, "B006");
  assert.equal(Number(rest.balance) + 5, Number(after.balance));
  assert.equal((await household(page, "CARD0606")).code, "B016", "the card went with its member");
  assert.deepEqual(errors, []);
  await page.close();
});
