// Reports and charts on the served demo: each is reachable from the staff
// menu, shows the same totals as kiosk.report, and prints to PDF on A4 (and
// on the 58 mm strip where it fits), with its figures in the printed page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inPage, staffSignIn, staffMenu, stubPrint, DEMO_STAFF, SCREENSHOT_DIR } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openDemoPage } = startForFile({ browser: { viewport: { width: 1920, height: 1080 } }, screenshots: true });

/** Points in the page's display: "29.00" → "29", "3.50" → "3.5". */
const shown = (fixed) => fixed.replace(/\.?0+$/, "").replace(/^-/, "-") || "0";

/** A4 is 595.28 × 841.89 pt; the receipt strip 58 mm wide is 164.41 pt. */
function pageBox(pdf) {
  assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
  const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString("latin1"));
  assert.ok(box, "the PDF has a page box");
  return { width: Number(box[1]), height: Number(box[2]) };
}

/** The API's answer, with a second staff session of the clerk's. */
function api(page, input) {
  return inPage(
    page,
    async (kiosk, { input, staff }) => {
      window.__reportSession ??= await kiosk.staffSignIn({ staff: staff.id, pin: staff.pin, now: Date.now() });
      const now = Date.now();
      if (input.kind === "chart") return kiosk.chart({ ...input.chart, staffSession: window.__reportSession, now });
      return kiosk.report({ ...input, staffSession: window.__reportSession, now });
    },
    { input, staff: DEMO_STAFF.clerk },
  );
}

async function printTo(page, buttonName, title, name) {
  await page.getByRole("button", { name: buttonName }).click();
  await page.emulateMedia({ media: "print" });
  const printed = page.getByRole("region", { name: title });
  await printed.waitFor();
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  await writeFile(join(SCREENSHOT_DIR, `${name}.pdf`), pdf);
  const text = await printed.innerText();
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  await page.emulateMedia({ media: "screen" });
  return { pdf, box: pageBox(pdf), text };
}

const REPORTS = [
  { kind: "day", label: "日结", title: "日结单 Day close", figures: ["redemptions", "voids", "householdsServed", "pointsSpent", "pointsRedeemed", "unitsOut"], roll: true },
  { kind: "month", label: "月报", title: "月报 Month report", figures: ["redemptions", "pointsSpent", "pointsCredited", "unitsOut"], roll: true },
  { kind: "stock", label: "库存", title: "库存表 Stock", figures: ["low"], roll: true },
  { kind: "donations", label: "捐赠", title: "捐赠报表 Donations", figures: ["restocks", "units", "declaredValue", "unitsRedeemed"], roll: false },
  { kind: "statement", label: "户账单", title: "积分账单 Points statement", figures: ["opening", "closing"], roll: true, household: "A001" },
];

const AMOUNTS = new Set(["pointsSpent", "pointsRedeemed", "pointsCredited", "declaredValue", "opening", "closing"]);

test("every report and chart is reachable from the staff menu, agrees with the API and prints on A4 and 58 mm", async () => {
  const { page, errors } = await openDemoPage("staff-reports");
  await staffSignIn(page, DEMO_STAFF.shopkeeper.id, DEMO_STAFF.shopkeeper.pin);
  await stubPrint(page);
  await staffMenu(page, /^报表和图表/);
  await page.getByRole("heading", { name: "报表和图表" }).waitFor();
  const view = page.getByRole("region", { name: /日结|月报|库存|捐赠|户账单|图表/ });

  for (const report of REPORTS) {
    await page.locator("label.choice", { hasText: report.label }).click();
    if (report.household) await page.locator("#report-household").fill(report.household);
    await page.getByRole("button", { name: /^查看/ }).click();
    await view.getByText(report.title).first().waitFor();
    const answer = await api(page, { kind: report.kind, ...(report.household ? { household: report.household } : {}) });
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    for (const key of report.figures) {
      const onScreen = (await view.locator(`[data-figure="${key}"]`).innerText()).trim();
      const expected = AMOUNTS.has(key) ? shown(answer[key]) : String(answer[key]);
      assert.equal(onScreen, expected, `${report.kind} ${key}`);
    }
    if (report.kind === "statement") {
      const household = await inPage(page, (kiosk) => kiosk.household("A001"));
      assert.equal(answer.closing, household.balance, "the statement ends at the balance");
      assert.ok(answer.lines.length > 0);
    }
    if (report.kind === "day") assert.ok(answer.redemptions >= 3, "the demo's redemptions are today's");
    if (report.kind === "donations") {
      const thanks = (await view.locator('[data-figure="thanks"]').innerText()).trim();
      assert.equal(thanks, answer.thanks.join("、"));
      assert.ok(answer.thanks.length >= 2);
    }
    await page.screenshot({ path: join(SCREENSHOT_DIR, `staff-report-${report.kind}.png`) });

    const a4 = await printTo(page, /^打印 A4/, report.title, `staff-report-${report.kind}-a4`);
    assert.ok(Math.abs(a4.box.width - 595.28) < 2 && Math.abs(a4.box.height - 841.89) < 2, `${report.kind} on A4, got ${a4.box.width} x ${a4.box.height}`);
    assert.ok(a4.pdf.length > 5000, `${report.kind}: a real page`);
    assert.match(a4.text, new RegExp(report.title.split(" ")[0]));
    for (const key of report.figures) {
      const value = AMOUNTS.has(key) ? shown(answer[key]) : String(answer[key]);
      assert.ok(a4.text.includes(value), `${report.kind}: ${key} ${value} printed`);
    }
    if (report.kind === "day") assert.match(a4.text, /店管员签字/, "the day's close has a line to sign");
    const rollButton = page.getByRole("button", { name: /^打印小票/ });
    if (report.roll) {
      const roll = await printTo(page, /^打印小票/, report.title, `staff-report-${report.kind}-58mm`);
      assert.ok(Math.abs(roll.box.width - 164.41) < 2, `${report.kind} on 58 mm, got ${roll.box.width}`);
      assert.ok(roll.text.includes(String(AMOUNTS.has(report.figures[0]) ? shown(answer[report.figures[0]]) : answer[report.figures[0]])));
    } else {
      assert.equal(await rollButton.isDisabled(), true, `${report.kind} is A4 only`);
    }
  }

  // The charts.
  await page.locator("label.choice", { hasText: "图表" }).click();
  await page.getByRole("button", { name: /^查看/ }).click();
  const titles = ["每月兑换积分", "每月发放与兑换积分", "兑换最多的十种商品", "库存与补货线"];
  for (const title of titles) {
    const image = view.getByRole("img", { name: new RegExp(`^${title}`) });
    await image.waitFor();
    assert.ok(await image.evaluate((img) => img.complete && img.naturalWidth > 0), `${title} drawn`);
  }
  for (const kind of ["points_spent", "credits_redemptions", "top_goods", "stock"]) {
    const svg = await api(page, { kind: "chart", chart: { kind } });
    assert.match(svg, /^<svg[^>]*viewBox="0 0 1000 \d+"/);
    assert.doesNotMatch(svg, /="[^"]*\d\.\d/, `${kind}: integer coordinates only`);
  }
  const top = await api(page, { kind: "chart", chart: { kind: "top_goods" } });
  assert.match(top, /食盐 500g/);
  await page.screenshot({ path: join(SCREENSHOT_DIR, "staff-report-charts.png") });
  const charts = await printTo(page, /^打印 A4/, "图表 Charts", "staff-report-charts-a4");
  assert.ok(Math.abs(charts.box.width - 595.28) < 2, `charts on A4, got ${charts.box.width}`);
  assert.equal(await page.locator("#print-area img.print-chart").count(), 4);
  assert.ok(await page.locator("#print-area img.print-chart").first().evaluate((img) => img.complete && img.naturalWidth > 0));

  // Leaving the screen leaves nothing to print.
  await staffMenu(page, /^捐赠入库/);
  assert.equal(await page.locator("#print-area").innerText(), "");
  assert.deepEqual(errors, []);
});

test("reports are not reached without a staff session", async () => {
  const { page } = await openDemoPage("staff-reports-none");
  const refused = await inPage(page, (kiosk) => kiosk.report({ kind: "day", now: Date.now() }).then(() => "answered", (error) => error.code));
  assert.equal(refused, "STAFF_AUTH_REQUIRED");
  assert.equal(await page.getByRole("button", { name: /报表和图表/ }).count(), 0);
});

test("the home screen's points board thanks the year's donors only when the village says so", async () => {
  const { page } = await openDemoPage("thanks-board");
  const thanked = () => page.evaluate(() => [...document.querySelectorAll("[data-panel=thanks] .board-name")].map((e) => e.textContent));
  const hidden = await inPage(page, async (kiosk) => {
    const now = Date.now();
    const shop = await kiosk.staffSignIn({ staff: "shop", pin: "1111", now });
    await kiosk.restock({ staffSession: shop, donor: "张家村小学", sourceType: "organisation", lines: [{ sku: "salt-500g", qty: 5 }], declaredValue: "12.5", requestId: "thanks-1", now });
    return kiosk.thanks({ now });
  });
  assert.deepEqual({ show: hidden.show, donors: hidden.donors }, { show: false, donors: [] });
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  await page.locator("[data-panel=quarter]").first().waitFor({ state: "attached" });
  assert.deepEqual(await thanked(), []);

  const shown = await inPage(page, async (kiosk) => {
    const now = Date.now();
    const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
    await kiosk.changeSetting({ staffSession: admin, key: "thanks_on_board", value: "show", requestId: "thanks-2", now });
    return kiosk.thanks({ now });
  });
  assert.equal(shown.show, true);
  assert.ok(shown.donors.includes("张家村小学"), JSON.stringify(shown));
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  await page.locator("[data-panel=thanks]").first().waitFor({ state: "attached" });
  const names = await thanked();
  assert.ok(names.includes("张家村小学"), JSON.stringify(names));
  assert.deepEqual(names, shown.donors.slice(0, names.length));
});
