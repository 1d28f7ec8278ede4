// The receipt screen: the printed receipt fits a 58 mm thermal roll (48 mm
// printable); the screen stays a minute (or until 完成) with the new
// balance large, and goes back to the start by itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { loadDemoVillage, signInByKeypad, tile, SCREENSHOT_DIR } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

/** 48 mm in CSS pixels (96 px per inch). */
const PRINTABLE_PX = (48 / 25.4) * 96;

const { openPage, openDemoPage } = startForFile({ browser: {}, screenshots: true });

async function redeemSomething(page) {
  await signInByKeypad(page, "B006", "9413");
  await tile(page, "食盐 500g").click();
  await tile(page, "洗衣粉 1kg").click();
  await tile(page, "打火机").click();
  await page.getByRole("button", { name: "确认兑换" }).click();
  await page.getByRole("button", { name: "确认兑换" }).click();
  await page.getByRole("heading", { name: "兑换成功" }).waitFor();
}

test("the printed receipt fits the 48 mm printable width of a 58 mm roll", async () => {
  const { page, errors } = await openDemoPage("receipt-print");
  await redeemSomething(page);
  const number = (await page.getByRole("main").getByText(/^receipt-print-\d{6}$/).innerText()).trim();

  await page.emulateMedia({ media: "print" });
  const receipt = page.getByRole("region", { name: "打印的小票" });
  await receipt.waitFor();
  for (const text of [number, "食盐 500g", "洗衣粉 1kg", "打火机", "合计 积分", "16.4", "余额", "校验码", "刘美华 (B006)"]) {
    await receipt.getByText(text, { exact: false }).first().waitFor();
  }
  assert.equal(await page.getByRole("button", { name: "打印小票" }).count(), 0, "only the receipt prints");
  const widths = await receipt.evaluate((element) => {
    const own = element.getBoundingClientRect().width;
    let widest = 0;
    for (const child of element.querySelectorAll("*")) {
      const rect = child.getBoundingClientRect();
      widest = Math.max(widest, rect.right - element.getBoundingClientRect().left);
    }
    return { own, widest };
  });
  assert.ok(widths.own <= PRINTABLE_PX, `receipt is ${widths.own}px wide, at most ${PRINTABLE_PX}`);
  assert.ok(widths.widest <= PRINTABLE_PX, `its content reaches ${widths.widest}px`);

  const pdf = join(SCREENSHOT_DIR, "receipt-58mm.pdf");
  await page.pdf({ path: pdf, width: "58mm", height: "200mm", printBackground: true });
  assert.ok((await stat(pdf)).size > 1000);
  // What the roll looks like: 58 mm wide (219 CSS px), print media.
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 219, height: 900 });
  await page.screenshot({ path: join(SCREENSHOT_DIR, "receipt-print-58mm.png"), fullPage: true });
  await page.setViewportSize(viewport);
  await page.emulateMedia({ media: "screen" });
  assert.deepEqual(errors, []);
  await page.close();
});

test("the receipt screen goes back to the start by itself and signs out", async () => {
  const { page, errors } = await openDemoPage("receipt-timeout", { receiptMs: 1500 });
  await redeemSomething(page);
  await page.getByText(/秒后回到首页/).waitFor();
  await page.getByRole("button", { name: "开始兑换" }).waitFor({ timeout: 5000 });
  // The points board lists names in public; nothing else may show it.
  assert.equal(await page.getByText("刘美华").and(page.locator(":not(.board-name)")).count(), 0, "nothing of the visit is left, not even in the print area");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the receipt stays a minute unless 完成 is tapped, the new balance large and in view on a 1024x768 screen", async () => {
  const { page, errors } = await openPage("receipt-stays");
  await page.setViewportSize({ width: 1024, height: 768 });
  await loadDemoVillage(page);
  await redeemSomething(page);
  const seconds = Number((await page.getByRole("timer").innerText()).match(/\d+/)[0]);
  assert.ok(seconds >= 55 && seconds <= 60, `goes home in ${seconds} s`);

  const figure = (selector) =>
    page.locator(selector).evaluate((element) => {
      const rect = element.getBoundingClientRect();
      return {
        text: element.textContent,
        size: Number.parseFloat(getComputedStyle(element).fontSize),
        inView: rect.top >= 0 && rect.left >= 0 && rect.bottom <= innerHeight && rect.right <= innerWidth,
      };
    });
  const balance = await figure(".rc-balance dd");
  const paid = await figure(".rc-paid dd");
  assert.equal(balance.text, "3.6 积分");
  assert.equal(paid.text, "16.4 积分");
  assert.ok(balance.inView && paid.inView, "the total and the new balance are on screen");
  assert.ok(balance.size >= 56, `the new balance is ${balance.size}px`);
  const largest = await page.getByRole("main").evaluate((main) =>
    Math.max(...[...main.querySelectorAll("*")].filter((element) => element.children.length === 0).map((element) => Number.parseFloat(getComputedStyle(element).fontSize))),
  );
  assert.equal(balance.size, largest, "nothing on the receipt is larger than the new balance");

  await page.getByRole("button", { name: "完成" }).click();
  await page.getByRole("button", { name: "开始兑换" }).waitFor();
  assert.equal(await page.getByText("3.6 积分").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
