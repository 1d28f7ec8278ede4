// The idle warning: after the idle time without a touch (shortened here by
// the URL), a full-screen "Still there?" counts down, then signs out, drops
// the basket and goes home; Continue keeps the visit. Home never warns.
import { test } from "node:test";
import assert from "node:assert/strict";
import { signInByKeypad, tile } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openDemoPage } = startForFile({ browser: {} });

const IDLE = { idleMs: 2000, countdownMs: 2000 };

test("without a touch, a countdown warns, then signs out and drops the basket; home never warns", async () => {
  const { page, errors } = await openDemoPage("idle-timeout", IDLE);
  await signInByKeypad(page, "B006", "9413");
  await tile(page, "食盐 500g").click();
  const warning = page.getByRole("dialog", { name: "还在吗?" });
  await warning.waitFor();
  await warning.getByText(/[12] 秒后自动退出/).waitFor();
  await warning.getByRole("button", { name: "继续" }).waitFor();
  await page.getByRole("button", { name: "开始兑换" }).waitFor({ timeout: 6000 });
  assert.equal(await warning.isVisible(), false);
  // Signed out: the name shows only where the points board lists it.
  assert.equal(await page.getByText("刘美华").and(page.locator(":not(.board-name)")).count(), 0);
  // Home is where the kiosk rests: no warning there, however long.
  await page.waitForTimeout(IDLE.idleMs * 1.5);
  assert.equal(await page.getByRole("dialog").count(), 0);
  await signInByKeypad(page, "B006", "9413");
  await page.getByRole("complementary").getByText("购物篮是空的").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("Continue keeps the visit and the basket", async () => {
  const { page, errors } = await openDemoPage("idle-continue", IDLE);
  await signInByKeypad(page, "B006", "9413");
  await tile(page, "食盐 500g").click();
  const warning = page.getByRole("dialog", { name: "还在吗?" });
  await warning.getByRole("button", { name: "继续" }).click();
  await warning.waitFor({ state: "hidden" });
  await page.getByRole("complementary").getByText("食盐 500g").waitFor();
  // Still shopping well after the countdown would have ended.
  await page.waitForTimeout(1000);
  await page.getByRole("button", { name: "增加 食盐 500g" }).click();
  await page.waitForTimeout(1300);
  assert.equal(await warning.isVisible(), false);
  await page.getByRole("group", { name: "食盐 500g 的数量" }).getByText("2", { exact: true }).waitFor();
  await page.getByRole("banner").getByText("刘美华").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
