// The whole posting in public ("通过村委宣传栏进行公示…接受广大村民的查询、
// 监督"): the board pages through every household of the posting, the A4
// posting for the notice board lists every household with the dates and how
// to object, a villager sees the household's own line in My points; the
// 曝光台 on the board; the honours lists printed for the notice board; the
// bands read in words on the rules screen; the upload day on the staff home.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage, staffSignIn, staffMenu, signInByKeypad, stubPrint, DEMO_STAFF } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openDemoPage } = startForFile({ browser: { viewport: { width: 1920, height: 1080 } } });

const DAY_MS = 24 * 60 * 60 * 1000;

/** The demo's 30 household codes. */
const CODES = ["A", "B", "C"].flatMap((group) => Array.from({ length: 10 }, (_, i) => `${group}${String(i + 1).padStart(3, "0")}`));

/** Switches the demo to score sheets on the kiosk (admin, through the API). */
async function useScoreSheets(page) {
  return inPage(page, async (kiosk) => {
    const now = Date.now();
    const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
    await kiosk.changeRules({ staffSession: admin, now, rules: { ...kiosk.rules(), source: "kiosk" }, requestId: "rules-kiosk" });
    kiosk.staffSignOut(admin);
    return kiosk.rules().source;
  });
}

async function reloadHome(page) {
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
}

test("公示 the board pages through all 30 households (第 2/6 页), the A4 posting lists every one with the dates and how to object, and My points shows the household's own line", async () => {
  const { page, errors } = await openDemoPage("posting-whole");
  assert.equal(await useScoreSheets(page), "kiosk");
  // Scores from 100 down to 71: every band and below the first.
  const text = `户号,总分\n${CODES.map((code, i) => `${code},${100 - i}`).join("\n")}\n`;
  const posted = await inPage(page, async (kiosk, text) => {
    const now = Date.now();
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
    await kiosk.postScoreSheet({ staffSession: clerk, now, period: "2026-11", text, requestId: "post-2026-11" });
    kiosk.staffSignOut(clerk);
    // The leading group's review (an admin other than the importer) posts it.
    const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
    await kiosk.approveScoreSheet({ staffSession: admin, now, period: "2026-11", requestId: "approve-2026-11" });
    kiosk.staffSignOut(admin);
    return kiosk.posting(Date.now()).results.length;
  }, text);
  assert.equal(posted, 30);

  await reloadHome(page);
  const panels = page.locator(".board-panel-posting");
  assert.equal(await panels.count(), 6, "five lines a panel, every household");
  const titles = await panels.locator(".board-panel-title").allTextContents();
  assert.deepEqual(
    titles,
    [1, 2, 3, 4, 5, 6].map((n) => `2026年11月 评分公示 · 第 ${n}/6 页`),
  );
  const names = await panels.locator(".board-name").allTextContents();
  assert.equal(names.length, 30);
  assert.ok(names.includes("老年协会"), "the last household is on the board");
  const footers = await panels.locator(".board-footer").allTextContents();
  assert.equal(footers.length, 6, "every page says until when and whom to ask");
  assert.match(footers[5], /公示到 .*有异议请找积分专员/);

  // My points: the household's own posted line and the objection deadline.
  await signInByKeypad(page, "A002", "5290", { history: true });
  const mine = page.getByRole("note").filter({ hasText: "公示" });
  await mine.waitFor();
  assert.match(await mine.innerText(), /2026年11月 公示:99 分,第 3 档,记 5 分。有异议请在 .+ 前找积分专员/);
  await page.getByRole("button", { name: /退出|Sign out/ }).first().click();

  // The A4 posting for the notice board, printed from the rules screen.
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  await staffMenu(page, /积分规则与评分/);
  await stubPrint(page);
  await page.getByRole("button", { name: /打印公示/ }).click();
  const printed = await page.evaluate(() => {
    const doc = document.querySelector(".print-doc.print-a4");
    return {
      printed: window.__printed,
      rows: [...doc.querySelectorAll(".pa-table tbody tr")].map((row) => [...row.cells].map((cell) => cell.textContent)),
      text: doc.textContent,
    };
  });
  assert.equal(printed.printed, 1);
  assert.equal(printed.rows.length, 30, "every household");
  assert.deepEqual(printed.rows[0].slice(1), ["A001", "王建国", "100", "第 3 档", "5"]);
  const last = printed.rows[29];
  assert.deepEqual([last[1], last[3], last[4], last[5]], ["C010", "71", "未达最低档", "0"]);
  assert.deepEqual(printed.rows.find((row) => row[3] === "85").slice(4), ["第 1 档", "1"], "85 → 1 by the village's reading");
  assert.deepEqual(printed.rows.find((row) => row[3] === "90").slice(4), ["第 2 档", "3"], "90 → 3 by the village's reading");
  assert.match(printed.text, /公示时间:.+ 至 .+\(共 30 户\)/);
  assert.match(printed.text, /有异议的,请在 .+ 前向村积分管理专员或村务监督委员会提出/);
  assert.deepEqual(errors, []);
});

test("曝光台 last place three months running shows on the board where the village shows it; a tied sheet puts nobody there", async () => {
  const { page, errors } = await openDemoPage("posting-blacklist");
  assert.equal(await useScoreSheets(page), "kiosk");
  const listed = await inPage(page, async (kiosk, dayMs) => {
    let now = Date.now();
    const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
    await kiosk.changeSetting({ staffSession: admin, now, key: "blacklist_on_board", value: "show", requestId: "show-blacklist" });
    kiosk.staffSignOut(admin);
    const months = [
      ["2026-07", "A001,90\nA002,90\nA003,90\n"],
      ["2026-08", "A001,95\nA002,88\nA003,60\n"],
      ["2026-09", "A001,95\nA002,88\nA003,61\n"],
      ["2026-10", "A001,95\nA002,88\nA003,62\n"],
    ];
    const after = [];
    for (const [period, rows] of months) {
      const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
      await kiosk.postScoreSheet({ staffSession: clerk, now, period, text: `户号,总分\n${rows}`, requestId: `post-${period}` });
      const leader = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
      await kiosk.approveScoreSheet({ staffSession: leader, now, period, requestId: `approve-${period}` });
      now += 6 * dayMs;
      // Six days without an entry: the admin confirms the kiosk's clock first.
      const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
      await kiosk.confirmClock({ staffSession: admin, now, requestId: `clock-${period}` });
      const later = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
      await kiosk.applyScoreSheet({ staffSession: later, now, period, requestId: `apply-${period}` });
      after.push(kiosk.households().filter((h) => h.blacklisted).map((h) => h.code));
      now += dayMs;
    }
    return after;
  }, DAY_MS);
  assert.deepEqual(listed, [[], [], [], ["A003"]], "the tied July counts for nobody; August to October list A003");
  await reloadHome(page);
  const panel = page.locator(".board-panel-blacklist");
  assert.equal(await panel.count(), 1);
  assert.equal(await panel.locator(".board-panel-title").textContent(), "曝光台");
  assert.deepEqual(await panel.locator(".board-name").allTextContents(), ["王德明"]);
  assert.deepEqual(errors, []);
});

test("光荣榜 the year's ten advanced households and the quarter's stars print as lists for the notice board", async () => {
  const { page, errors } = await openDemoPage("posting-honours");
  // Last year (the board's advanced households are the year before today's):
  // twelve households credited 12, 11, … 1 points.
  const year = await inPage(page, async (kiosk, codes) => {
    const now = Date.now();
    const lastYear = new Date(now).getFullYear() - 1;
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
    for (const [i, household] of codes.slice(0, 12).entries()) {
      await kiosk.credit({ staffSession: clerk, now, household, amount: String(12 - i), period: `${lastYear}-12`, requestId: `credit-${household}` });
    }
    kiosk.staffSignOut(clerk);
    return lastYear;
  }, CODES);
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  await staffMenu(page, /积分规则与评分/);
  await stubPrint(page);
  await page.getByRole("button", { name: new RegExp(`^打印 ${year} 年先进户`) }).click();
  const advanced = await page.evaluate(() => {
    const doc = document.querySelector(".print-doc.print-a4");
    return {
      title: doc.querySelector(".pa-title").textContent,
      rows: [...doc.querySelectorAll(".pa-table tbody tr")].map((row) => [...row.cells].map((cell) => cell.textContent)),
    };
  });
  assert.equal(advanced.title, `${year} 年度积分先进户`);
  assert.equal(advanced.rows.length, 10, "the village's ten");
  assert.deepEqual(advanced.rows[0], ["1", "A001", "王建国", "12 分"]);
  assert.deepEqual(advanced.rows[9], ["10", "A010", "村卫生室", "3 分"]);
  await page.getByRole("button", { name: /^打印.*积分之星/ }).click();
  const stars = await page.evaluate(() => document.querySelector(".print-doc.print-a4 .pa-title").textContent);
  assert.match(stars, /^\d{4}年第.季度积分之星$/);
  assert.equal(await page.evaluate(() => window.__printed), 2);
  assert.deepEqual(errors, []);
});

test("分档 the rules screen reads the overlapping edges in words (85 分记 1 分, 90 分记 3 分), and the admin's choice at an edge is saved", async () => {
  const { page, errors } = await openDemoPage("posting-bands");
  await staffSignIn(page, DEMO_STAFF.admin.id, DEMO_STAFF.admin.pin);
  await staffMenu(page, /积分规则与评分/);
  const reading = page.locator(".rules-reading-line");
  assert.deepEqual(await reading.allTextContents(), [
    "低于 80 分不记分",
    "80 分(含)起记 1 分",
    "85 分记 1 分,高于 85 分记 3 分",
    "90 分记 3 分,高于 90 分记 5 分",
  ]);
  const edge = page.getByRole("group", { name: "正好 85 分记几分?" });
  assert.equal(await edge.getByRole("radio", { name: "85 分记 1 分" }).isChecked(), true, "today's default");
  await edge.getByText("85 分记 3 分").click();
  await page.getByRole("button", { name: /保存规则/ }).click();
  await page.getByText(/规则已保存/).waitFor();
  const bands = await inPage(page, (kiosk) => kiosk.rules().bands.map((band) => [band.lower, band.inclusive]));
  assert.deepEqual(bands.map(([, inclusive]) => inclusive), [true, true, false], "85 now counts in the 3-point band");
  assert.deepEqual(await reading.nth(2).textContent(), "85 分记 3 分,高于 85 分记 3 分");
  assert.deepEqual(errors, []);
});

test("每月10日前上报 the staff home says when last month's records are not reported by the upload day", async () => {
  const { page, errors } = await openDemoPage("posting-upload-day");
  const answers = await inPage(page, async (kiosk, dayMs) => {
    // The demo's entries were made now; a month and more later they are late.
    const now = Date.now();
    const status = await kiosk.platformStatus();
    return {
      oldest: status.oldestWaitingMs !== null && status.oldestWaitingMs !== undefined,
      today: kiosk.uploadOverdue(now, status.oldestWaitingMs ?? null),
      later: kiosk.uploadOverdue(now + 45 * dayMs, now),
      allUploaded: kiosk.uploadOverdue(now + 45 * dayMs, null),
    };
  }, DAY_MS);
  assert.equal(answers.today, null, "this month's entries are not late");
  assert.equal(answers.allUploaded, null);
  assert.equal(typeof answers.later.month, "string");
  assert.equal(answers.later.uploadDay, 10);
  // On the staff home: the page's clock moved past next month's upload day.
  await page.evaluate((dayMs) => {
    const real = Date.now;
    const shift = 45 * dayMs;
    Date.now = () => real() + shift;
  }, DAY_MS);
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  const late = page.getByText(/的记录还没有上报\(本村每月10日前上报\)/);
  await late.waitFor();
  // The USB batch exported and marked: the notice goes.
  await inPage(page, async (kiosk) => {
    const now = Date.now();
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
    await kiosk.markUploaded({ staffSession: clerk, now, lastSeq: kiosk.info().seq, requestId: "mark-usb" });
    kiosk.staffSignOut(clerk);
  });
  await staffMenu(page, /报表/);
  await page.getByRole("banner").getByRole("button", { name: /^(菜单|Menu)$/ }).click();
  await page.getByRole("heading", { name: /^您好/ }).waitFor();
  await page.locator(".upload-due[data-checked=true]").waitFor({ state: "attached" });
  assert.equal(await late.count(), 0);
  assert.deepEqual(errors, []);
});

test("公示期不得少于5天 the posting days change to 5–60 only, refused in Chinese and English with nothing written", async () => {
  const { page, errors } = await openDemoPage("posting-days");
  const outcome = await inPage(page, async (kiosk) => {
    const now = Date.now();
    const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
    const change = async (value) => {
      const seq = kiosk.info().seq;
      try {
        await kiosk.changeSetting({ staffSession: admin, now, key: "posting_days", value, requestId: `days-${value}` });
        return { value, ok: kiosk.settings().posting_days, written: kiosk.info().seq - seq };
      } catch (error) {
        return { value, code: error.code, message: error.message, messageEn: error.messageEn, written: kiosk.info().seq - seq };
      }
    };
    return [await change("4"), await change("0"), await change("61"), await change("5"), await change("60")];
  });
  const [four, zero, sixtyOne, five, sixty] = outcome;
  for (const refused of [four, zero, sixtyOne]) {
    assert.equal(refused.code, "INVALID_INPUT", refused.value);
    assert.equal(refused.written, 0, refused.value);
  }
  assert.match(four.message, /公示期不得少于5天/);
  assert.match(four.messageEn ?? four.message, /at least 5 days/);
  assert.deepEqual([five.ok, five.written, sixty.ok, sixty.written], ["5", 1, "60", 1]);
  assert.deepEqual(errors, []);
});
