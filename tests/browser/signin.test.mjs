// The sign-in screen: household code on the keypad or from a scanned card,
// the PIN masked on a number pad, refusals in plain words, the lockout with
// its end time, and a second window that may only look. The PIN pads stop
// at the core's limits (Kiosk.limits()), not at numbers of the page's own.
import { test } from "node:test";
import assert from "node:assert/strict";
import { signInByKeypad, typeOnKeypad, scan, inPage, DEMO_STAFF } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { server, browser, openPage, openDemoPage } = startForFile({ browser: {} });

/** "下午2:35" of `ms` in the demo village's time zone (UTC+8), as the page writes it. */
function villageTime(ms) {
  const shifted = new Date(ms + 8 * 60 * 60_000);
  const hour = shifted.getUTCHours();
  const part = hour < 6 ? "凌晨" : hour < 12 ? "上午" : hour < 13 ? "中午" : hour < 18 ? "下午" : "晚上";
  return `${part}${hour > 12 ? hour - 12 : hour}:${String(shifted.getUTCMinutes()).padStart(2, "0")}`;
}

test("a household signs in on the keypads; the PIN never shows", async () => {
  const { page, errors } = await openDemoPage("signin-keypad");
  await page.getByRole("button", { name: "开始兑换" }).click();
  await typeOnKeypad(page, "A001");
  await page.getByText("A001", { exact: true }).waitFor();
  await page.getByRole("button", { name: "下一步" }).click();
  await page.getByText("户号 A001 · 王建国").waitFor();
  await typeOnKeypad(page, "3817");
  assert.equal(await page.getByText("3817").count(), 0, "the PIN is masked");
  await page.getByText("已输入 4 位").waitFor();
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  await page.getByRole("banner").getByText("王建国").waitFor();
  await page.getByRole("banner").getByText("6.1 积分").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("wrong PINs say how many tries are left; the fifth locks out until a time of day", async () => {
  const { page, errors } = await openDemoPage("signin-lockout");
  await page.getByRole("button", { name: "开始兑换" }).click();
  await typeOnKeypad(page, "A002");
  await page.getByRole("button", { name: "下一步" }).click();
  for (let attempt = 1; attempt <= 4; attempt++) {
    await typeOnKeypad(page, "0000");
    await page.getByRole("button", { name: "确定" }).click();
    await page.getByRole("alert").filter({ hasText: `密码不对,还可以试 ${5 - attempt} 次` }).waitFor();
  }
  const before = Date.now();
  await typeOnKeypad(page, "0000");
  await page.getByRole("button", { name: "确定" }).click();
  const lockout = page.getByRole("alert").filter({ hasText: "已锁定到" });
  await lockout.waitFor();
  const after = Date.now();
  const text = await lockout.innerText();
  const candidates = new Set();
  for (let ms = before - 60_000; ms <= after + 5 * 60_000 + 60_000; ms += 30_000) {
    if (ms >= before + 5 * 60_000 - 60_000) candidates.add(villageTime(ms));
  }
  assert.ok([...candidates].some((time) => text.includes(time)), `${text} names the end of the lockout`);
  // Even the right PIN is refused while locked, with the same end time.
  await typeOnKeypad(page, "5290");
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("alert").filter({ hasText: "已锁定到" }).waitFor();
  assert.equal(await page.getByRole("heading", { name: "购物篮" }).count(), 0);
  assert.doesNotMatch(await page.locator("body").innerText(), /LOCKED_OUT|WRONG_PIN|Error/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an unknown household code is refused in plain words, in Chinese and in English", async () => {
  const { page, errors } = await openDemoPage("signin-unknown");
  await page.getByRole("button", { name: "开始兑换" }).click();
  await typeOnKeypad(page, "A099");
  await page.getByRole("button", { name: "下一步" }).click();
  await page.getByRole("alert").filter({ hasText: "没有找到户号 A099" }).waitFor();
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("alert").filter({ hasText: "There is no household with code A099" }).waitFor();
  await page.getByRole("heading", { name: "Enter your household code" }).waitFor();
  assert.doesNotMatch(await page.locator("body").innerText(), /UNKNOWN_HOUSEHOLD/);
  // Back to the start: the next villager sees Chinese again only after a visit ends;
  // the keypad still works in English.
  await page.getByRole("button", { name: "Clear" }).click();
  await typeOnKeypad(page, "C003");
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByText("Household C003 · 张国庆").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("a scanned household card signs in from any screen without a focused field", async () => {
  const { page, errors } = await openDemoPage("signin-scan");
  // From home.
  await scan(page, "B006");
  await page.getByText("户号 B006 · 刘美华").waitFor();
  await typeOnKeypad(page, "9413");
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  await page.getByRole("banner").getByText("刘美华").waitFor();
  // From the shop: another card starts another household's sign-in.
  await scan(page, "a001");
  await page.getByText("户号 A001 · 王建国").waitFor();
  // From the middle of typing a code.
  await page.getByRole("button", { name: "返回" }).click();
  await typeOnKeypad(page, "C0");
  await scan(page, "C003");
  await page.getByText("户号 C003 · 张国庆").waitFor();
  // Slow typing is not a scan.
  await page.getByRole("button", { name: "返回" }).click();
  await page.getByRole("button", { name: "返回" }).click();
  await page.getByRole("button", { name: "开始兑换" }).waitFor();
  await page.keyboard.type("B006", { delay: 250 });
  await page.keyboard.press("Enter");
  await page.waitForTimeout(200);
  assert.equal(await page.getByText("户号 B006").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a second window of the same kiosk may only look, and says so", async () => {
  const { page: first, errors } = await openDemoPage("signin-two-windows");
  const { page: second, errors: secondErrors } = await openPage("signin-two-windows");
  await second.getByText("这台终端已在另一个窗口打开").waitFor();
  await second.getByText("现在只能查看,不能兑换").waitFor();
  assert.ok(await second.getByRole("button", { name: "开始兑换" }).isDisabled());
  const info = await inPage(second, (kiosk) => kiosk.info().readOnly);
  assert.equal(info.reason, "other_tab");
  // A scanned card cannot start a sign-in there either.
  await scan(second, "A001");
  await second.getByRole("status").filter({ hasText: "这台终端已在另一个窗口打开" }).waitFor();
  assert.equal(await second.getByText("户号 A001").count(), 0);
  // The first window still works.
  await first.bringToFront();
  await signInByKeypad(first, "A001", "3817");
  assert.deepEqual(errors, []);
  assert.deepEqual(secondErrors, []);
  await second.close();
  await first.close();
});

test("a damaged journal opens read-only and the screens say so plainly", async () => {
  const { page: first } = await openDemoPage("signin-damaged");
  await first.close();
  // Flip one byte of a stored record, from a page that does not open the kiosk.
  const bare = await browser.context.newPage();
  await bare.goto(new URL("pkg/", server.url).href);
  await bare.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const request = indexedDB.open("aixin-kiosk:signin-damaged");
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const db = request.result;
          const store = db.transaction("journal", "readwrite").objectStore("journal");
          const get = store.get(20);
          get.onsuccess = () => {
            const bytes = new Uint8Array(get.result);
            bytes[bytes.length - 1] ^= 0xff;
            store.put(bytes, 20).onsuccess = () => {
              db.close();
              resolve();
            };
          };
          get.onerror = () => reject(get.error);
        };
      }),
  );
  await bare.close();

  const { page, errors } = await openPage("signin-damaged");
  await page.getByText("现在只能查看,不能兑换", { exact: true }).waitFor();
  await page.getByText(/存储的记录.第 \d+ 条.已损坏/).waitFor();
  await page.getByText("请找积分专员").first().waitFor();
  assert.ok(await page.getByRole("button", { name: "开始兑换" }).isDisabled());
  const readOnly = await inPage(page, (kiosk) => kiosk.info().readOnly);
  assert.equal(readOnly.code, "STORAGE_CORRUPT");
  assert.doesNotMatch(await page.locator("body").innerText(), /STORAGE_CORRUPT/);
  assert.deepEqual(errors, []);
  await page.close();
});

// Issue 21: the page reads the PIN's length from the core.
const filledBoxes = (page) => page.locator(".pin-boxes .pin-box.filled").count();

/** "1234567890…" cut to `length` digits. */
const digits = (length) => Array.from({ length }, (_, index) => String((index + 1) % 10)).join("");

test("the PIN pads stop at the core's longest PIN and refuse one shorter than its shortest", async () => {
  const { page, errors } = await openDemoPage("signin-limits");
  const limits = await inPage(page, (kiosk) => kiosk.limits());
  assert.ok(limits.pinLengthMin >= 1 && limits.pinLengthMax > limits.pinLengthMin, JSON.stringify(limits));

  // A household: one digit more than the core takes shows no more boxes.
  await page.getByRole("button", { name: "开始兑换" }).click();
  await typeOnKeypad(page, "A001");
  await page.getByRole("button", { name: "下一步" }).click();
  await page.getByRole("heading", { name: /密码/ }).first().waitFor();
  await typeOnKeypad(page, digits(limits.pinLengthMax + 1));
  assert.equal(await filledBoxes(page), limits.pinLengthMax);
  await page.getByRole("button", { name: "清空" }).click();
  assert.equal(await filledBoxes(page), 0);
  // One digit less than the shortest: the page says so and sends nothing.
  await typeOnKeypad(page, digits(limits.pinLengthMin - 1));
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByText("密码至少").waitFor();
  assert.equal(await page.getByText("密码不对").count(), 0, "the short PIN was not tried");

  // A reload lands on the home screen.
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");

  // Staff: the same on the staff PIN pad.
  await page.getByRole("button", { name: /员工登录/ }).click();
  await typeOnKeypad(page, DEMO_STAFF.clerk.id);
  await page.getByRole("button", { name: /^下一步/ }).click();
  await page.getByRole("heading", { name: "请输入员工密码" }).waitFor();
  await typeOnKeypad(page, digits(limits.pinLengthMax + 1));
  assert.equal(await filledBoxes(page), limits.pinLengthMax);
  assert.deepEqual(errors, []);
  await page.close();
});
