// First-run setup of an empty kiosk: the village, the shop, the time zone
// and the first admin with a PIN typed twice; the one-time recovery code
// shown once, large, printable on A4 or the 58 mm printer; then the admin
// signs in. The recovery code later sets a new PIN for a forgotten one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { typeOnKeypad, inPage, stubPrint, fillPad, SCREENSHOT_DIR } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openPage } = startForFile({ browser: { viewport: { width: 1920, height: 1080 } }, screenshots: true });

test("first-run setup: the recovery code is shown once and prints, and the admin signs in", async () => {
  const { page, errors } = await openPage("staff-setup");
  const button = (name) => page.getByRole("button", { name });
  await button("设置本村").click();
  await page.getByRole("heading", { name: "设置本村的积分超市" }).waitFor();
  await page.getByText("staff-setup", { exact: true }).waitFor();
  await page.getByLabel("村名").fill("幸福村");
  // The admin id: the default, changed on the pad.
  await page.getByLabel("管理员编号").click();
  const pad = page.getByRole("dialog");
  await pad.getByRole("button", { name: "清空" }).click();
  await typeOnKeypad(pad, "zhang");
  await pad.getByRole("button", { name: "确定 OK", exact: true }).click();
  await page.getByLabel("管理员姓名").fill("张书记");
  assert.ok(await page.getByRole("radio", { name: /北京时间/ }).isChecked());
  await button("下一步:设密码").click();

  await page.getByRole("heading", { name: "请输入新密码" }).waitFor();
  await typeOnKeypad(page, "2468");
  await button(/^确定/).click();
  await page.getByRole("heading", { name: "请再输入一次" }).waitFor();
  await typeOnKeypad(page, "2486");
  await button(/^确定/).click();
  await page.getByText("两次输入的不一样").waitFor();
  await typeOnKeypad(page, "2468");
  await button(/^确定/).click();
  await typeOnKeypad(page, "2468");
  await button(/^确定/).click();

  await page.getByRole("heading", { name: "幸福村爱心超市 设置好了" }).waitFor();
  const code = (await page.getByRole("main").getByText(/^\d{4}-\d{4}-\d{4}$/).innerText()).trim();
  const info = await inPage(page, (kiosk) => kiosk.info());
  assert.equal(info.village, "幸福村");
  assert.equal(info.shop, "幸福村爱心超市");
  assert.equal(info.timeZone, "Asia/Shanghai");
  assert.equal(info.utcOffsetMinutes, 480);
  assert.equal(info.empty, false);

  // Printed on A4 (and a strip for the receipt printer).
  await stubPrint(page);
  await button("打印 A4").click();
  await page.emulateMedia({ media: "print" });
  const printed = page.getByRole("region", { name: "恢复码" });
  await printed.getByText(code).waitFor();
  await printed.getByText("终端编号:staff-setup").waitFor();
  assert.equal(await button("我已抄好").isVisible(), false, "only the code prints");
  const pdf = await page.pdf({ preferCSSPageSize: true });
  const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString("latin1"));
  assert.ok(box, "the PDF has a page box");
  assert.ok(Math.abs(Number(box[1]) - 595.28) < 2 && Math.abs(Number(box[2]) - 841.89) < 2, `A4 page, got ${box[1]} x ${box[2]}`);
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 794, height: 1123 });
  await page.screenshot({ path: join(SCREENSHOT_DIR, "staff-print-recovery-a4.png"), fullPage: true });
  await page.setViewportSize(viewport);
  await page.emulateMedia({ media: "screen" });
  await button("打印小票 58mm").click();
  assert.equal(await page.evaluate(() => window.__printed), 2);
  await page.screenshot({ path: join(SCREENSHOT_DIR, "staff-flow-recovery-code.png") });

  // Written down: the code leaves the page; the admin signs in.
  await button("我已抄好").click();
  await page.getByRole("heading", { name: "请输入员工密码" }).waitFor();
  assert.equal(await page.getByText(code).count(), 0);
  assert.equal(await page.locator("#print-area").innerText(), "");
  await typeOnKeypad(page, "2468");
  await button(/^确定/).click();
  await page.getByRole("heading", { name: "您好,张书记" }).waitFor();
  for (const name of ["捐赠入库", "住户管理", "员工", "村设置"]) await page.getByRole("button", { name }).first().waitFor();

  // A forgotten PIN: the recovery code sets a new one, once.
  await button("退出").click();
  await button(/员工登录/).click();
  await typeOnKeypad(page, "zhang");
  await button("下一步").click();
  await button("忘记密码?").click();
  await page.getByRole("heading", { name: "用恢复码设新密码" }).waitFor();
  await fillPad(page, page.getByLabel("恢复码"), code.replaceAll("-", ""));
  await button(/^下一步/).click();
  await typeOnKeypad(page, "1357");
  await button(/^确定/).click();
  await typeOnKeypad(page, "1357");
  await button(/^确定/).click();
  await page.getByRole("heading", { name: "新密码已设好" }).waitFor();
  await button("员工登录").click();
  await typeOnKeypad(page, "1357");
  await button(/^确定/).click();
  await page.getByRole("heading", { name: "您好,张书记" }).waitFor();
  // The code is spent.
  const again = await inPage(page, (kiosk, code) => kiosk.recover({ code, staff: "zhang", pin: "8642", now: Date.now() }).then(() => "accepted", (error) => error.code), code);
  assert.notEqual(again, "accepted");
  assert.deepEqual(errors, []);
  await page.close();
});
