// A USB keyboard and a scanner at the sign-in: the keyboard types the
// household code and the PIN as the keypads do (letters, digits, Backspace,
// Enter); a scanner set to end with Tab works like one ending with Enter;
// and on the PIN step quick digits are the PIN, not a card, unless they are
// a known household's code (codes may be all digits).
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadDemoVillage, typeOnKeypad, inPage } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openPage } = startForFile({ browser: {} });

async function demoPage(kioskId) {
  const opened = await openPage(kioskId);
  await loadDemoVillage(opened.page);
  // The keyboard types into the window that has the focus, as on the kiosk.
  await opened.page.bringToFront();
  return opened;
}

/** Typing as a person does: slower than any scanner. */
const SLOW = { delay: 180 };

/** What the code field shows. */
const codeShown = (page) => page.locator(".entry-display").innerText();

test("a USB keyboard types the household code and the PIN: letters, digits, Backspace, Enter", async () => {
  const { page, errors } = await demoPage("keyboard-typing");
  await page.getByRole("button", { name: "开始兑换" }).click();
  await page.keyboard.type("a009", SLOW);
  assert.equal(await codeShown(page), "A009", "letters become capitals");
  await page.keyboard.press("Backspace");
  assert.equal(await codeShown(page), "A00");
  await page.keyboard.type("1", SLOW);
  await page.keyboard.press("Enter");
  await page.getByText("户号 A001 · 王建国").waitFor();

  // A keypad key tapped first keeps the focus; the keyboard's Enter must
  // still mean 确定, not press that key again.
  await typeOnKeypad(page, "3");
  await page.keyboard.type("x81", SLOW);
  await page.getByText("已输入 3 位").waitFor();
  await page.keyboard.type("9", SLOW);
  await page.keyboard.press("Backspace");
  await page.keyboard.type("7", SLOW);
  await page.getByText("已输入 4 位").waitFor();
  assert.equal(await page.getByText("3817").count(), 0, "the PIN stays masked");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  await page.getByRole("banner").getByText("王建国").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("a wrong code typed on the keyboard is refused like one tapped, and Escape clears the field", async () => {
  const { page, errors } = await demoPage("keyboard-unknown");
  await page.getByRole("button", { name: "开始兑换" }).click();
  await page.keyboard.type("A099", SLOW);
  await page.keyboard.press("Enter");
  await page.getByRole("alert").filter({ hasText: "没有找到户号 A099" }).waitFor();
  await page.keyboard.type("C0", SLOW);
  await page.keyboard.press("Escape");
  await page.getByText("还没有输入").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("a scanner that ends with Tab works like one that ends with Enter; slow typing and Tab is not a scan", async () => {
  const { page, errors } = await demoPage("keyboard-tab-scanner");
  // Slow typing then Tab, on home: nothing happens but the focus moving on.
  await page.keyboard.type("B006", { delay: 250 });
  await page.keyboard.press("Tab");
  await page.waitForTimeout(200);
  assert.equal(await page.getByText("户号 B006").count(), 0);
  // A card scanned with a Tab suffix, from home.
  await page.keyboard.type("B006");
  await page.keyboard.press("Tab");
  await page.getByText("户号 B006 · 刘美华").waitFor();
  await typeOnKeypad(page, "9413");
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  // Goods scanned with a Tab suffix on the shop screen.
  await page.keyboard.type("6978407709373");
  await page.keyboard.press("Tab");
  await page.getByText("已放入:食盐 500g").waitFor();
  const lines = await inPage(page, () => document.querySelectorAll(".basket-line, .basket li").length);
  assert.ok(lines >= 1, "the salt is in the basket");
  assert.deepEqual(errors, []);
  await page.close();
});

test("on the PIN step quick digits are the PIN; only a known household code counts as a card", async () => {
  const { page, errors } = await demoPage("keyboard-pin-burst");
  // A household whose code is all digits, with a PIN.
  const registered = await inPage(page, async (kiosk) => {
    const now = Date.now();
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
    await kiosk.registerHousehold({ staffSession: clerk, household: "2046", name: "赵小燕", group: "第一组", kind: "family", requestId: "kb-2046", now });
    const shop = await kiosk.staffSignIn({ staff: "shop", pin: "1111", now });
    await kiosk.setPin({ staffSession: shop, household: "2046", pin: "1357", requestId: "kb-2046-pin", now });
    return kiosk.household("2046").hasPin;
  });
  assert.equal(registered, true);

  // Digits typed quickly on a number pad, then Enter: the PIN.
  await page.getByRole("button", { name: "开始兑换" }).click();
  await typeOnKeypad(page, "A001");
  await page.getByRole("button", { name: "下一步" }).click();
  await page.getByText("户号 A001 · 王建国").waitFor();
  await page.keyboard.type("3817");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  await page.getByRole("banner").getByText("王建国").waitFor();
  await page.getByRole("button", { name: "退出" }).click();

  // A wrong PIN typed quickly and ended with Tab is a wrong PIN, not an unknown card.
  await page.getByRole("button", { name: "开始兑换" }).click();
  await typeOnKeypad(page, "A002");
  await page.getByRole("button", { name: "下一步" }).click();
  await page.getByText("户号 A002 · 王秀英").waitFor();
  await page.keyboard.type("0000");
  await page.keyboard.press("Tab");
  await page.getByRole("alert").filter({ hasText: "密码不对,还可以试 4 次" }).waitFor();
  assert.equal(await page.locator(".toast:not([hidden])").count(), 0, "no scan message");

  // The all-digit code of a known household is a card: that household's sign-in.
  await page.keyboard.type("2046");
  await page.keyboard.press("Enter");
  await page.getByText("户号 2046 · 赵小燕").waitFor();
  await page.getByText("已输入 0 位").waitFor();
  await page.keyboard.type("1357");
  await page.keyboard.press("Enter");
  await page.getByRole("banner").getByText("赵小燕").waitFor();
  await page.getByRole("button", { name: "退出" }).click();

  // A goods barcode on the PIN step is not a PIN: the field is emptied and
  // the villager is told to sign in first; no try is used up.
  await page.getByRole("button", { name: "开始兑换" }).click();
  await typeOnKeypad(page, "C003");
  await page.getByRole("button", { name: "下一步" }).click();
  await page.keyboard.type("6978407709373");
  await page.keyboard.press("Enter");
  await page.getByText("请先登录,再扫商品").waitFor();
  await page.getByText("已输入 0 位").waitFor();
  await page.keyboard.type("6150");
  await page.keyboard.press("Enter");
  await page.getByRole("banner").getByText("张国庆").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
