// The two-person rule on the staff screens, at the five common sizes: an
// import of points asks a second staff member to pick their name and type
// their PIN (the dialog passes the layout and axe checks at each size), the
// entry names both, and the exception report shows the day per staff member
// and prints on A4. Turned off, the rule is an entry and every report says so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  loadDemoVillage,
  inPage,
  staffSignIn,
  staffMenu,
  signInByKeypad,
  tile,
  stubPrint,
  checkLayout,
  seriousAxeViolations,
  DEMO_STAFF,
  SCREENSHOT_DIR,
  COMMON_VIEWPORTS,
} from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openPage, openDemoPage } = startForFile({ browser: { bypassCSP: true }, screenshots: true });

async function checked(page, name, size) {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `cosign-${name}-${size}.png`) });
  return [...(await checkLayout(page)), ...(await seriousAxeViolations(page))].map((problem) => `${name} at ${size}: ${problem}`);
}

const CREDITS = "户号,积分,期间,来源\r\nA001,5,2026-11,评分\r\n";

test("a shopkeeper sets a household's PIN and it redeems: the receipt on screen and on paper and the export name the shopkeeper", async () => {
  const { page, errors } = await openDemoPage("cosign-pin-reset");
  await inPage(
    page,
    async (kiosk, staff) => {
      const staffSession = await kiosk.staffSignIn({ ...staff, now: Date.now() });
      await kiosk.setPin({ staffSession, now: Date.now(), household: "B006", pin: "4321", requestId: "reset-b006" });
    },
    { staff: DEMO_STAFF.shopkeeper.id, pin: DEMO_STAFF.shopkeeper.pin },
  );
  await signInByKeypad(page, "B006", "4321");
  await tile(page, "食盐 500g").click();
  await page.getByRole("button", { name: "确认兑换" }).click();
  await page.getByRole("button", { name: "确认兑换" }).click();
  await page.getByRole("heading", { name: "兑换成功" }).waitFor();
  await page.locator(".rc-pin-reset").filter({ hasText: `工作人员 ${DEMO_STAFF.shopkeeper.id} 在 24 小时内重设过本户密码` }).waitFor();
  await page.emulateMedia({ media: "print" });
  const printed = page.getByRole("region", { name: "打印的小票" });
  await printed.getByText("密码重置").waitFor();
  assert.match(await printed.innerText(), new RegExp(`密码重置\\s*${DEMO_STAFF.shopkeeper.id}`));
  await page.emulateMedia({ media: "screen" });
  const row = await inPage(
    page,
    async (kiosk, staff) => {
      const staffSession = await kiosk.staffSignIn({ ...staff, now: Date.now() });
      const batch = await kiosk.exportBatch({ staffSession, now: Date.now(), range: "everything" });
      const csv = batch.files.find((file) => file.name === "redemptions.csv").text.split("\r\n");
      return { header: csv[0], last: csv.filter(Boolean).pop() };
    },
    { staff: DEMO_STAFF.clerk.id, pin: DEMO_STAFF.clerk.pin },
  );
  assert.match(row.header, /操作员,领取人,复核人,密码重置$/);
  assert.match(row.last, new RegExp(`,自助,,,${DEMO_STAFF.shopkeeper.id}$`));
  assert.deepEqual(errors, []);
  await page.close();
});

for (const viewport of COMMON_VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  test(`an import of points is confirmed by a second staff member, and the exception report shows it, at ${size}`, async () => {
    const { page, errors } = await openPage(`cosign-${size}`);
    await page.setViewportSize(viewport);
    await loadDemoVillage(page);
    await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
    await stubPrint(page);
    const failures = [];
    const seqBefore = await inPage(page, (kiosk) => kiosk.info().seq);

    await staffMenu(page, "导入积分");
    await page.setInputFiles("#clerk-import-file", { name: "month.csv", mimeType: "text/csv", buffer: Buffer.from(CREDITS, "utf8") });
    await page.getByRole("button", { name: /^导入\(1 条\)/ }).click();
    const dialog = page.locator("#cosign-dialog");
    await dialog.getByText("导入积分要两个人核对").waitFor();
    failures.push(...(await checked(page, "names", size)));
    // The one acting is not offered; an auditor neither.
    assert.equal(await dialog.locator('[data-staff="clerk"]').count(), 0);
    await dialog.locator('[data-staff="admin"]').click();
    failures.push(...(await checked(page, "pin", size)));
    await dialog.locator("#cosign-pin").fill(DEMO_STAFF.admin.pin);
    await dialog.locator("#cosign-ok").click();
    await page.getByRole("status").filter({ hasText: "已导入,记了 1 条" }).waitFor();
    const entry = await inPage(page, async (kiosk) => JSON.parse((await kiosk.exportJournal()).trim().split("\n").pop()).entry);
    assert.deepEqual([entry.body.kind, entry.actor.staff, entry.co_signed_by], ["credited", "clerk", "admin"]);
    assert.equal(await inPage(page, (kiosk) => kiosk.info().seq), seqBefore + 1);

    // The exception report: the clerk's credit, the admin's confirmation.
    await staffMenu(page, /^报表和图表/);
    await page.locator("label.choice", { hasText: "工作人员异常" }).click();
    await page.getByRole("button", { name: /^查看/ }).click();
    const title = "工作人员异常操作 Staff exceptions";
    await page.getByText(title).first().waitFor();
    const answer = await inPage(
      page,
      async (kiosk, staff) => {
        const staffSession = await kiosk.staffSignIn({ ...staff, now: Date.now() });
        return kiosk.report({ kind: "exceptions", staffSession, now: Date.now() });
      },
      { staff: DEMO_STAFF.shopkeeper.id, pin: DEMO_STAFF.shopkeeper.pin },
    );
    const today = answer.lines.filter((line) => line.date === answer.range.to);
    const clerk = today.find((line) => line.staff === "clerk");
    const admin = today.find((line) => line.staff === "admin");
    assert.ok(clerk && clerk.counts.credits >= 1, JSON.stringify(today));
    assert.equal(admin?.counts.co_signed, 1, JSON.stringify(today));
    assert.equal(answer.twoPersonRuleOff, false);
    assert.equal((await page.locator('[data-figure="co_signed"]').first().innerText()).trim(), String(answer.totals.co_signed));
    failures.push(...(await checked(page, "exceptions", size)));

    if (size === "1920x1080") {
      // Printable on A4.
      await page.getByRole("button", { name: /^打印 A4/ }).click();
      await page.emulateMedia({ media: "print" });
      const printed = page.getByRole("region", { name: title });
      await printed.waitFor();
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      assert.ok(pdf.length > 5000, "a real page");
      assert.match(await printed.innerText(), /为他人复核/);
      await page.emulateMedia({ media: "screen" });

      // Turning the rule off is an entry, and every report says so.
      const off = await inPage(
        page,
        async (kiosk, staff) => {
          const staffSession = await kiosk.staffSignIn({ ...staff, now: Date.now() });
          await kiosk.changeSetting({ staffSession, now: Date.now(), key: "two_person_rule", value: "off", requestId: "rule-off" });
          const last = JSON.parse((await kiosk.exportJournal()).trim().split("\n").pop()).entry;
          const day = await kiosk.report({ staffSession, now: Date.now(), kind: "day" });
          return { last, day: day.twoPersonRuleOff };
        },
        { staff: DEMO_STAFF.admin.id, pin: DEMO_STAFF.admin.pin },
      );
      assert.deepEqual(off.last.body, { kind: "setting_changed", setting: { key: "two_person_rule", value: "off" } });
      assert.equal(off.day, true);
      await page.locator("label.choice", { hasText: "日结" }).click();
      await page.getByRole("button", { name: /^查看/ }).click();
      await page.locator(".report-rule-off").filter({ hasText: "本村已关闭双人核对" }).waitFor();
    }
    assert.deepEqual(failures, [], failures.join("\n"));
    assert.deepEqual(errors, []);
    await page.close();
  });
}
