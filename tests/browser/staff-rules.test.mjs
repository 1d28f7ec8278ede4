// A period run on the kiosk itself: the admin sets the points source to
// score sheets, the clerk imports a sheet on the rules screen, the posting
// shows on the home screen's points board, applying before the posting
// period is refused, and after it (the time passed in, not waited for) the
// points reach the balances.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serveKiosk, launchBrowser, openKioskPage, loadDemoVillage, inPage, staffSignIn, staffMenu, DEMO_STAFF } from "./harness.mjs";

let server;
let browser;
before(async () => {
  server = await serveKiosk();
  browser = await launchBrowser({ viewport: { width: 1920, height: 1080 } });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const DAY_MS = 24 * 60 * 60 * 1000;

test("a score sheet is posted on the board, refused before the posting period ends and applied after it", async () => {
  const { page, errors } = await openKioskPage(browser.context, server.url, "staff-rules");
  await loadDemoVillage(page);
  const switched = await inPage(page, async (kiosk) => {
    const now = Date.now();
    const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
    await kiosk.changeRules({ staffSession: admin, now, rules: { ...kiosk.rules(), source: "kiosk" }, requestId: "rules-kiosk" });
    kiosk.staffSignOut(admin);
    return kiosk.rules().source;
  });
  assert.equal(switched, "kiosk");

  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  await staffMenu(page, /积分规则与评分/);
  await page.getByLabel(/期间/).fill("2026-11");
  await page.getByLabel(/粘贴评分表/).fill("户号,户主,总分\nA001,王建国,95\nA002,王秀英,86\nA003,王德明,70\n");
  await page.getByRole("button", { name: /^公示/ }).click();
  await page.getByRole("heading", { name: /2026-11 公示中/ }).waitFor();

  // The posting is on the home screen's board.
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  const posted = page.locator(".board-panel-posting");
  await posted.getByText("2026-11 评分公示").waitFor();
  await posted.getByText("王建国").waitFor();
  assert.match(await posted.innerText(), /95 分 · \+5 积分/);

  const before = await inPage(page, (kiosk) => [kiosk.household("A001").balance, kiosk.household("A003").balance]);
  const applied = await inPage(page, async (kiosk, dayMs) => {
    const apply = async (now, requestId) => {
      const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
      try {
        await kiosk.applyScoreSheet({ staffSession: clerk, now, period: "2026-11", requestId });
        return "applied";
      } catch (error) {
        return error.code;
      }
    };
    const early = await apply(Date.now() + 4 * dayMs, "apply-early");
    const late = await apply(Date.now() + 6 * dayMs, "apply-late");
    return { early, late, a001: kiosk.household("A001").balance, a003: kiosk.household("A003").balance };
  }, DAY_MS);
  assert.equal(applied.early, "POSTING_NOT_OVER");
  assert.equal(applied.late, "applied");
  assert.deepEqual(before[0], "6.10");
  assert.deepEqual([applied.a001, applied.a003], ["11.10", before[1]], "95 → 5 points; 70 → none");
  assert.deepEqual(errors, []);
});
