// A period run on the kiosk itself: the admin sets the points source to
// score sheets, the clerk imports a sheet on the rules screen, the admin
// (the leading group) approves it there and it is posted, the posting shows
// on the home screen's points board, applying before the posting period is
// refused, an objection raised by a villager waits until its finding
// corrects a score (applying meanwhile is refused, naming the household),
// and after the posting period (the time passed in, not waited for) the
// points reach the balances.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage, staffSignIn, staffMenu, DEMO_STAFF } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openDemoPage } = startForFile({ browser: { viewport: { width: 1920, height: 1080 } } });

const DAY_MS = 24 * 60 * 60 * 1000;

test("入户评比―领导组审核―张贴公示: a sheet waits for a second admin, is posted on the board, refused before the posting period ends or while an objection is pending, and applied after it", async () => {
  const { page, errors } = await openDemoPage("staff-rules");
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
  await page.getByRole("button", { name: /^提交领导组审核/ }).click();
  await page.getByRole("heading", { name: /2026-11 等领导组审核/ }).waitFor();
  await page.getByText("导入人:clerk", { exact: false }).waitFor();
  // Not posted yet: nothing on the board, and the clerk has no approve button.
  assert.equal(await inPage(page, (kiosk) => kiosk.posting(Date.now())), null);
  assert.equal(await page.getByRole("button", { name: /^审核通过/ }).count(), 0);
  const own = await inPage(page, async (kiosk) => {
    const now = Date.now();
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
    return kiosk.approveScoreSheet({ staffSession: clerk, now, period: "2026-11", requestId: "approve-by-clerk" }).then(() => "approved", (error) => error.code);
  });
  assert.equal(own, "STAFF_AUTH_REQUIRED", "a clerk is not the leading group");

  // The admin approves on the same screen; the posting names them.
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  await staffSignIn(page, DEMO_STAFF.admin.id, DEMO_STAFF.admin.pin);
  await staffMenu(page, /积分规则与评分/);
  await page.getByRole("button", { name: /^审核通过/ }).click();
  await page.getByRole("heading", { name: /2026-11 公示中/ }).waitFor();
  await page.getByText("领导组审核:admin", { exact: false }).waitFor();

  // An objection: A003's family says the toilet was scored wrongly.
  await page.getByLabel("户号", { exact: true }).fill("A003");
  await page.getByLabel("提出人").fill("王德明家属");
  await page.getByLabel("异议内容").fill("厕所打扫过了,分数打低了");
  await page.getByRole("button", { name: /^记录异议/ }).click();
  await page.getByText(/A003 王德明:王德明家属 于 .* 提出 “厕所打扫过了,分数打低了”/).waitFor();
  const pending = await inPage(page, async () => {
    const now = Date.now();
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
    return kiosk.applyScoreSheet({ staffSession: clerk, now, period: "2026-11", requestId: "apply-pending" }).then(() => null, (error) => ({ code: error.code, households: error.households, message: error.message }));
  });
  assert.equal(pending?.code, "OBJECTION_PENDING");
  assert.equal(pending.households, "A003");
  assert.match(pending.message, /A003/, "the refusal names the household");
  // The finding: 70 becomes 86.
  await page.getByLabel("核实结果").fill("厕所复核后改为满分");
  await page.getByLabel(/更正后的分数/).fill("86");
  await page.getByRole("button", { name: /^处理异议/ }).click();
  await page.getByRole("status").filter({ hasText: "异议已处理" }).waitFor();
  await page.getByRole("row", { name: /A003 王德明 86 3\.00/ }).waitFor();
  const settled = await inPage(page, (kiosk) => kiosk.posting(Date.now()));
  assert.deepEqual(
    [settled.review, settled.approvedBy, settled.ownApproval, settled.pending.length, settled.objections[0].raisedBy, settled.objections[0].before, settled.objections[0].score],
    ["approved", "admin", false, 0, "王德明家属", "70", "86"],
  );

  // The posting is on the home screen's board.
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  const posted = page.locator(".board-panel-posting");
  await posted.getByText("2026年11月 评分公示").waitFor();
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
    // Days without an entry: the admin confirms the kiosk's clock each time.
    const confirm = async (now, requestId) => {
      const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
      await kiosk.confirmClock({ staffSession: admin, now, requestId });
    };
    const start = Date.now();
    await confirm(start + 4 * dayMs, "clock-early");
    const early = await apply(start + 4 * dayMs, "apply-early");
    await confirm(start + 6 * dayMs, "clock-late");
    const late = await apply(start + 6 * dayMs, "apply-late");
    return { early, late, a001: kiosk.household("A001").balance, a003: kiosk.household("A003").balance };
  }, DAY_MS);
  assert.equal(applied.early, "POSTING_NOT_OVER");
  assert.equal(applied.late, "applied");
  assert.deepEqual(before[0], "6.10");
  const plus3 = (fixed) => {
    const [whole, cents] = fixed.split(".");
    return `${Number(whole) + 3}.${cents}`;
  };
  assert.deepEqual([applied.a001, applied.a003], ["11.10", plus3(before[1])], "95 → 5 points; the objection's 86 → 3");
  assert.deepEqual(errors, []);
});

test("the admin edits the rules on their screen, and a year closes only after two confirmations", async () => {
  const { page, errors } = await openDemoPage("staff-rules-admin");
  await staffSignIn(page, DEMO_STAFF.admin.id, DEMO_STAFF.admin.pin);
  await staffMenu(page, /积分规则与评分/);
  await page.getByText("本村积分由积分管理平台导入", { exact: false }).waitFor();
  await page.getByRole("radio", { name: "本机评分表" }).check();
  await page.getByRole("radio", { name: "每季度" }).check();
  await page.getByLabel(/连续三期最高档奖励积分/).fill("8");
  await page.getByRole("button", { name: /^保存规则/ }).click();
  await page.getByRole("status").filter({ hasText: "规则已保存(第 1 版)" }).waitFor();
  await page.getByRole("heading", { name: "积分规则 · v1" }).waitFor();
  const rules = await inPage(page, (kiosk) => kiosk.rules());
  assert.deepEqual([rules.version, rules.source, rules.period, rules.bonusPoints, rules.table.length], [1, "kiosk", "quarterly", "8.00", 5]);
  // The score sheet's import is offered now.
  await page.getByLabel(/粘贴评分表/).waitFor();

  const balance = () => inPage(page, (kiosk) => kiosk.household("A001").balance);
  assert.equal(await balance(), "6.10");
  const year = String(new Date().getFullYear() - 1);
  await page.getByRole("button", { name: /^结账/ }).click();
  await page.getByRole("button", { name: new RegExp(`确定要结 ${year} 年的账吗`) }).click();
  assert.equal(await balance(), "6.10", "not closed after one confirmation");
  await page.getByRole("button", { name: new RegExp(`再次确认:${year} 年结账后不能撤销`) }).click();
  await page.getByRole("status").filter({ hasText: `${year} 年已结账` }).waitFor();
  // The demo's points are all this year's (entered at load), and a close
  // takes only the closed year's points left: last year's close clears none.
  assert.equal(await balance(), "6.10", "this year's points stay when last year closes");
  const closed = await inPage(page, async (kiosk, year) => {
    const now = Date.now();
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
    return kiosk.closeYear({ staffSession: clerk, now, year: Number(year), requestId: "again" }).then(() => "closed", (error) => error.code);
  }, year);
  assert.equal(closed, "YEAR_CLOSED");
  assert.deepEqual(errors, []);
});

// 扣分: the admin adds a deduction item to the table on the rules screen,
// the clerk's sheet with a positive deduction is refused at its row and
// column, the sheet with a −5 is posted, approved and applied, and the
// household earns the lower band's points, which the quarter's stars count.
test("扣分 a deduction item (违反村规民约 -10) in the table: a positive cell is refused at its row and column, a −5 lowers the points applied and the quarter's stars", async () => {
  const { page, errors } = await openDemoPage("staff-rules-deduction");
  await staffSignIn(page, DEMO_STAFF.admin.id, DEMO_STAFF.admin.pin);
  await staffMenu(page, /积分规则与评分/);
  await page.getByRole("radio", { name: "本机评分表" }).check();
  const table = page.locator("#rules-table");
  await table.fill(`${await table.inputValue()}\n扣分项: 违反村规民约 -10`);
  await page.getByRole("button", { name: /^保存规则/ }).click();
  await page.getByRole("status").filter({ hasText: "规则已保存(第 1 版)" }).waitFor();
  const rules = await inPage(page, (kiosk) => kiosk.rules());
  assert.deepEqual(rules.table.at(-1), { name: "扣分项", items: [{ name: "违反村规民约", max: "-10" }] });
  assert.match(await inPage(page, (kiosk) => kiosk.scoreSheetTemplate()), /,违反村规民约,总分/);

  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  await staffMenu(page, /积分规则与评分/);
  const header = "户号,户主,人居环境,先锋模范,学生就学,创业就业,团结友爱,违反村规民约,总分\n";
  await page.getByLabel(/期间/).fill("2026-11");
  await page.getByLabel(/粘贴评分表/).fill(`${header}A001,王建国,50,20,10,10,5,5,95\nA002,王秀英,45,20,10,10,10,0,95\n`);
  await page.getByRole("button", { name: /^预览/ }).click();
  await page.getByText(/第 2 行「违反村规民约」列.*扣分项只能填 0 或负数/).waitFor();
  const refused = await inPage(page, async (kiosk, text) => {
    const now = Date.now();
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
    return kiosk.postScoreSheet({ staffSession: clerk, now, period: "2026-11", text, requestId: "positive" }).then(
      () => null,
      (error) => ({ code: error.code, row: error.rows?.[0] }),
    );
  }, `${header}A001,王建国,50,20,10,10,5,5,95\n`);
  assert.equal(refused?.code, "IMPORT_REFUSED");
  assert.match(refused.row.message, /违反村规民约/);
  assert.match(refused.row.messageEn, /a deduction is 0 or negative/);
  assert.equal(await inPage(page, (kiosk) => kiosk.sheetInReview(Date.now())), null, "nothing imported");

  // A001 broke the village rules: 95 less 5 is 90, which earns 3 points.
  await page.getByLabel(/粘贴评分表/).fill(`${header}A001,王建国,50,20,10,10,5,-5,90\nA002,王秀英,45,20,10,10,10,,95\n`);
  await page.getByRole("button", { name: /^提交领导组审核/ }).click();
  await page.getByRole("heading", { name: /2026-11 等领导组审核/ }).waitFor();

  // The stars of 2026's fourth quarter, read in the first quarter of 2027.
  const starsDay = new Date(2027, 1, 15).getTime();
  const net = (board, household) => {
    const line = board.stars.lines.find((l) => l.household === household);
    return line ? Math.round(Number(line.earned) * 100) : 0;
  };
  const before = await inPage(page, (kiosk, day) => ({ board: kiosk.board(day), a001: kiosk.household("A001").balance, a002: kiosk.household("A002").balance }), starsDay);
  const applied = await inPage(page, async (kiosk, { dayMs, day }) => {
    const now = Date.now();
    const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
    await kiosk.approveScoreSheet({ staffSession: admin, now, period: "2026-11", requestId: "approve" });
    // Six days on: an admin confirms the kiosk's time after the jump.
    const later = now + 6 * dayMs;
    const confirming = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now: later });
    await kiosk.confirmClock({ staffSession: confirming, now: later, requestId: "clock" });
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now: later });
    await kiosk.applyScoreSheet({ staffSession: clerk, now: later, period: "2026-11", requestId: "apply" });
    const posting = kiosk.posting(later);
    return {
      board: kiosk.board(day),
      a001: kiosk.household("A001").balance,
      a002: kiosk.household("A002").balance,
      scores: posting ? posting.results.map((r) => [r.household, r.score, r.points]) : null,
    };
  }, { dayMs: DAY_MS, day: starsDay });
  const cents = (fixed) => Math.round(Number(fixed) * 100);
  assert.equal(cents(applied.a001) - cents(before.a001), 300, "90 after the deduction: 3 points, not 5");
  assert.equal(cents(applied.a002) - cents(before.a002), 500);
  assert.equal(applied.board.stars.period, "2026-Q4");
  assert.equal(net(applied.board, "A001") - net(before.board, "A001"), 300, "the stars count the lower points");
  assert.equal(net(applied.board, "A002") - net(before.board, "A002"), 500);
  assert.deepEqual(errors, []);
});
