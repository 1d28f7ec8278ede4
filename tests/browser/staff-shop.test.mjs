// The shopkeeper's work through the screens: a donation that brings an
// out-of-stock item back to the villagers' shop, with its thank-you note; a
// new price that leaves an earlier receipt as it was; a stock count; a void
// that gives points and stock back; an assisted redemption; unlocking a
// household locked by wrong PINs and setting a PIN; new goods with a picture.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  loadDemoVillage,
  signInByKeypad,
  typeOnKeypad,
  tile,
  scan,
  inPage,
  facts,
  staffSignIn,
  staffMenu,
  fillPad,
  stubPrint,
  DEMO_STAFF,
  SCREENSHOT_DIR,
} from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openPage, openDemoPage } = startForFile({ browser: { viewport: { width: 1920, height: 1080 } }, screenshots: true });

async function shopkeeperPage(kioskId, params) {
  const opened = await openPage(kioskId, params);
  await loadDemoVillage(opened.page);
  await staffSignIn(opened.page, DEMO_STAFF.shopkeeper.id, DEMO_STAFF.shopkeeper.pin);
  return opened;
}

/** A redemption through the villager's API (a second session). */
const redeemByApi = (page, code, pin, lines) =>
  inPage(
    page,
    async (kiosk, { code, pin, lines }) => {
      const session = await kiosk.signIn({ household: code, pin, now: Date.now() });
      const receipt = await kiosk.redeem({ session, lines, requestId: `test-${Date.now()}`, now: Date.now() });
      kiosk.signOut(session);
      return receipt;
    },
    { code, pin, lines },
  );

const button = (page, name) => page.getByRole("button", { name });
const signOut = async (page) => {
  await button(page, "退出").click();
  await button(page, "开始兑换").waitFor();
};

test("a donation brings out-of-stock tissues back, and the donor's thank-you note prints", async () => {
  const { page, errors } = await shopkeeperPage("staff-shop-restock");
  const before = await facts(page, "B006", ["tissues-3", "milk-powder-400g"]);
  assert.deepEqual(before.stock, { "tissues-3": 0, "milk-powder-400g": 0 });

  await staffMenu(page, "捐赠入库");
  await page.getByRole("heading", { name: "捐赠入库" }).waitFor();
  await page.getByLabel("捐赠方").fill("县供销社");
  await page.getByRole("radio", { name: "企业" }).check();
  await page.getByRole("region", { name: "选商品" }).getByRole("button", { name: /^抽纸 3包/ }).click();
  await fillPad(page, page.getByRole("textbox", { name: "抽纸 3包 的数量" }), "6");
  await button(page, "减少 抽纸 3包").click();
  // A scanned barcode adds a line too, even with the donor's field focused.
  await page.getByLabel("捐赠方").focus();
  await scan(page, "6905371697283");
  await page.getByRole("row", { name: /中老年奶粉 400g/ }).waitFor();
  assert.equal(await page.getByLabel("捐赠方").inputValue(), "县供销社");
  await fillPad(page, page.getByLabel("申报价值(元)"), "120.5");
  await page.getByText("2 种,共 6 件").waitFor();
  await button(page, "确认入库").click();
  await page.getByRole("status").filter({ hasText: "县供销社 捐赠的商品已入库" }).waitFor();
  const after = await facts(page, "B006", ["tissues-3", "milk-powder-400g"]);
  assert.deepEqual(after.stock, { "tissues-3": 5, "milk-powder-400g": 1 });

  // The thank-you note, on A4.
  await stubPrint(page);
  await button(page, "打印感谢单 A4").click();
  assert.equal(await page.evaluate(() => window.__printed), 1);
  await page.emulateMedia({ media: "print" });
  const note = page.getByRole("region", { name: "感谢单" });
  for (const text of ["感 谢 单", "感谢县供销社", "抽纸 3包", "5 提", "申报价值:120.5 元", "捐赠方类型:企业", "特此致谢!"]) {
    await note.getByText(text).first().waitFor();
  }
  // What the paper looks like: A4 (794 CSS px wide), then the 58 mm slip (219 px).
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.screenshot({ path: join(SCREENSHOT_DIR, "staff-print-thanks-a4.png"), fullPage: true });
  await page.emulateMedia({ media: "screen" });
  await button(page, "打印感谢单 58mm").click();
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width: 219, height: 900 });
  await page.screenshot({ path: join(SCREENSHOT_DIR, "staff-print-thanks-58mm.png"), fullPage: true });
  await page.setViewportSize(viewport);
  await page.emulateMedia({ media: "screen" });

  // The villager can take tissues now.
  await signOut(page);
  assert.equal(await page.locator("#print-area").innerText(), "", "nothing of the donation stays in the print area");
  await signInByKeypad(page, "B006", "9413");
  await tile(page, "抽纸 3包").click();
  await page.getByRole("complementary").getByText("抽纸 3包").waitFor();
  await button(page, "确认兑换").click();
  await button(page, "确认兑换").click();
  await page.getByRole("heading", { name: "兑换成功" }).waitFor();
  assert.equal((await facts(page, "B006", ["tissues-3"])).stock["tissues-3"], 4);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a new price leaves an earlier receipt as it was; a stock count corrects stock in one go", async () => {
  const { page, errors } = await shopkeeperPage("staff-shop-price");
  const receipt = await redeemByApi(page, "B006", "9413", [{ sku: "salt-500g", qty: 2 }]);
  assert.equal(receipt.total, "5.00");

  await staffMenu(page, "商品和价格");
  await button(page, "改价格:食盐 500g").click();
  const pad = page.getByRole("dialog", { name: "食盐 500g 的新价格(积分)" });
  await pad.getByText("现在是 2.5 积分").waitFor();
  await typeOnKeypad(pad, "3");
  await pad.getByRole("button", { name: "确定 OK", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "食盐 500g:2.5 积分 → 3 积分。以前的小票不变。" }).waitFor();
  assert.equal((await facts(page, "B006", ["salt-500g"])).price["salt-500g"], "3.00");

  // The earlier receipt, looked up for a void: still 2.5 each.
  await staffMenu(page, "作废兑换");
  await fillPad(page, page.getByLabel("小票号"), String(receipt.seq));
  await page.getByRole("heading", { name: `小票 ${receipt.receiptNumber}` }).waitFor();
  await page.getByRole("row", { name: /食盐 500g/ }).getByText("2 × 2.5 积分").waitFor();
  await page.getByRole("definition").getByText("5 积分", { exact: true }).waitFor();

  // A stock count: two items counted on the pad, one differs.
  const stockBefore = (await facts(page, "B006", ["salt-500g", "soy-sauce-light-500ml"])).stock;
  await staffMenu(page, "盘点");
  await fillPad(page, page.getByRole("textbox", { name: "食盐 500g 的实数" }), "40", { next: true });
  const next = page.getByRole("dialog", { name: "生抽 500ml 的实数" });
  await next.waitFor();
  await typeOnKeypad(next, String(stockBefore["soy-sauce-light-500ml"]));
  await next.getByRole("button", { name: "确定 OK", exact: true }).click();
  await page.getByText("已点 2/40 种,1 种有差额").waitFor();
  await page.getByRole("row", { name: /食盐 500g/ }).getByText(`\u2212${stockBefore["salt-500g"] - 40}`).waitFor();
  await page.getByRole("row", { name: /生抽 500ml/ }).getByText("相符").waitFor();
  await button(page, "确认盘点").click();
  await page.getByRole("status").filter({ hasText: "盘点已记入,1 种商品的库存已更正" }).waitFor();
  const stockAfter = (await facts(page, "B006", ["salt-500g", "soy-sauce-light-500ml"])).stock;
  assert.deepEqual(stockAfter, { "salt-500g": 40, "soy-sauce-light-500ml": stockBefore["soy-sauce-light-500ml"] });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a void by a scanned receipt number gives the points and the stock back", async () => {
  const { page, errors } = await shopkeeperPage("staff-shop-void");
  const before = await facts(page, "B006", ["salt-500g", "sugar-400g"]);
  const receipt = await redeemByApi(page, "B006", "9413", [
    { sku: "salt-500g", qty: 1 },
    { sku: "sugar-400g", qty: 2 },
  ]);
  const spent = await facts(page, "B006", ["salt-500g", "sugar-400g"]);
  assert.notEqual(spent.balance, before.balance);

  await staffMenu(page, "作废兑换");
  await scan(page, receipt.receiptNumber);
  await page.getByRole("heading", { name: `小票 ${receipt.receiptNumber}` }).waitFor();
  await page.getByText("刘美华 (B006)").waitFor();
  await button(page, /^作废,退回/).click();
  await page.getByRole("alert").filter({ hasText: "请先写原因" }).waitFor();
  await button(page, "村民退回商品").click();
  await button(page, /^作废,退回/).click();
  await page.getByRole("status").filter({ hasText: `小票 ${receipt.receiptNumber} 已作废` }).waitFor();
  assert.deepEqual(await facts(page, "B006", ["salt-500g", "sugar-400g"]), before);
  // Looked up again: already voided, no second void.
  await fillPad(page, page.getByLabel("小票号"), String(receipt.seq));
  await page.getByText("这张小票已经作废了。").waitFor();
  assert.equal(await button(page, /^作废,退回/).count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an assisted redemption: the shopkeeper signs the household in, the receipt names the helper", async () => {
  const { page, errors } = await shopkeeperPage("staff-shop-assist");
  await staffMenu(page, "协助兑换");
  await page.getByLabel("查找住户").fill("王建国");
  await button(page, /^A001\s+王建国/).click();
  await button(page, "为 A001 王建国 协助兑换").click();
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  await page.getByRole("banner").getByText("王建国").waitFor();
  await tile(page, "食盐 500g").click();
  await button(page, "确认兑换").click();
  await button(page, "确认兑换").click();
  await page.getByRole("heading", { name: "兑换成功" }).waitFor();
  await page.emulateMedia({ media: "print" });
  const printed = page.getByRole("region", { name: "打印的小票" });
  await printed.getByText("协助").waitFor();
  await printed.getByText("shop", { exact: true }).waitFor();
  await page.emulateMedia({ media: "screen" });
  const number = (await page.getByRole("main").getByText(/^staff-shop-assist-\d{6}$/).innerText()).trim();
  await button(page, "完成").click();
  await button(page, "开始兑换").waitFor();
  // The staff session ended with the assisted sign-in: the receipt as staff see it.
  await staffSignIn(page, DEMO_STAFF.shopkeeper.id, DEMO_STAFF.shopkeeper.pin);
  await staffMenu(page, "作废兑换");
  await fillPad(page, page.getByLabel("小票号"), number.split("-").pop());
  await page.getByRole("heading", { name: `小票 ${number}` }).waitFor();
  await page.getByText("协助的员工").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("a household locked by five wrong PINs is unlocked; a PIN is set on the keypad, twice", async () => {
  const { page, errors } = await openDemoPage("staff-shop-unlock");
  const codes = await inPage(page, async (kiosk) => {
    const codes = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await kiosk.signIn({ household: "A002", pin: "0000", now: Date.now() });
      } catch (error) {
        codes.push(error.code);
      }
    }
    return codes;
  });
  assert.deepEqual(codes, ["WRONG_PIN", "WRONG_PIN", "WRONG_PIN", "WRONG_PIN", "LOCKED_OUT"]);
  await signInByKeypad(page, "A002", "5290", { wait: false });
  await page.getByRole("alert").filter({ hasText: "密码错了太多次" }).waitFor();
  await button(page, "返回").click();
  await button(page, "返回").click();

  await staffSignIn(page, DEMO_STAFF.shopkeeper.id, DEMO_STAFF.shopkeeper.pin);
  await staffMenu(page, "住户密码和解锁");
  await scan(page, "A002");
  await page.getByRole("heading", { name: "A002 王秀英" }).waitFor();
  await button(page, /^解锁/).click();
  await page.getByRole("status").filter({ hasText: "A002 已解锁" }).waitFor();

  // A new PIN for A003, typed twice by the villager.
  await button(page, "返回").click();
  await button(page, /^A003/).click();
  await button(page, /^重设密码/).click();
  await page.getByRole("heading", { name: "请输入新密码" }).waitFor();
  await typeOnKeypad(page, "1122");
  await button(page, /^确定/).click();
  await typeOnKeypad(page, "1122");
  await button(page, /^确定/).click();
  await page.getByRole("status").filter({ hasText: "密码已设好" }).waitFor();
  await signOut(page);

  await signInByKeypad(page, "A002", "5290");
  await button(page, "退出").click();
  await signInByKeypad(page, "A003", "1122");
  assert.deepEqual(errors, []);
  await page.close();
});

test("new goods with a picture scaled under 48 KB; taken off the shelf and put back", async () => {
  const { page, errors } = await shopkeeperPage("staff-shop-item");
  // A large, noisy photo: 1600 x 1200 PNG.
  const png = await page.evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 1600;
    canvas.height = 1200;
    const context = canvas.getContext("2d");
    const image = context.createImageData(1600, 1200);
    for (let index = 0; index < image.data.length; index += 4) {
      image.data[index] = (index * 7) % 251;
      image.data[index + 1] = (index * 13) % 241;
      image.data[index + 2] = Math.floor(Math.random() * 255);
      image.data[index + 3] = 255;
    }
    context.putImageData(image, 0, 0);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = "";
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text);
  });
  assert.ok(png.length > 1_000_000, "the photo is large");

  await staffMenu(page, "商品和价格");
  await button(page, /^添加商品/).click();
  await page.getByLabel("中文名称").fill("红糖 500g");
  await page.getByLabel("英文名称").fill("Brown sugar 500 g");
  await button(page, "袋").click();
  await page.getByRole("radio", { name: "副食" }).check();
  await fillPad(page, page.getByLabel("价格(积分)"), "6.5");
  await page.getByLabel("选择图片").setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: Buffer.from(png, "base64") });
  await page.getByText(/已缩小,\d+ KB/).waitFor();
  assert.equal(await page.getByLabel("商品编号").inputValue(), "brown-sugar-500-g");
  await button(page, /^添加商品/).last().click();
  await page.getByRole("status").filter({ hasText: "红糖 500g 已添加" }).waitFor();
  const item = await inPage(page, (kiosk) => kiosk.catalog().find((candidate) => candidate.sku === "brown-sugar-500-g"));
  assert.equal(item.price, "6.50");
  assert.equal(item.unit, "袋");
  assert.equal(item.category, "副食");
  assert.match(item.image, /^data:image\/(webp|jpeg);base64,/);
  assert.ok(item.image.length <= 48 * 1024, `picture of ${item.image.length} characters`);
  const side = await page.evaluate(async (src) => {
    const image = new Image();
    image.src = src;
    await image.decode();
    return Math.max(image.naturalWidth, image.naturalHeight);
  }, item.image);
  assert.ok(side <= 256 && side >= 120, `picture side ${side}`);

  await button(page, "下架:红糖 500g").click();
  await page.getByRole("status").filter({ hasText: "红糖 500g 已下架" }).waitFor();
  assert.equal((await inPage(page, (kiosk) => kiosk.catalog().find((candidate) => candidate.sku === "brown-sugar-500-g"))).active, false);
  await button(page, "上架:红糖 500g").click();
  await page.getByRole("status").filter({ hasText: "红糖 500g 已上架" }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
