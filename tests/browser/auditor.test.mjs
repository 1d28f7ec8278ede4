// The village supervisory committee (村务监督委员会) as a staff role: it opens
// every report, the posting, the journal and the exports, and changes
// nothing — every staff writing call of the JS API refuses it with
// STAFF_AUTH_REQUIRED and the journal stays as it was; its menu offers
// only what it may read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadDemoVillage, inPage, staffSignIn, staffMenu, seriousAxeViolations } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openPage } = startForFile({ browser: { viewport: { width: 1920, height: 1080 }, bypassCSP: true } });

/** The demo village with an auditor `audit` (PIN 8642), added by the admin. */
async function withAuditor(kioskId) {
  const opened = await openPage(kioskId);
  await loadDemoVillage(opened.page);
  const role = await inPage(opened.page, async (kiosk) => {
    const now = Date.now();
    const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now });
    await kiosk.addStaff({ staffSession: admin, now, staff: "audit", name: "监委会 赵明", role: "auditor", pin: "8642", requestId: "add-auditor" });
    kiosk.staffSignOut(admin);
    const audit = await kiosk.staffSignIn({ staff: "audit", pin: "8642", now });
    kiosk.staffSignOut(audit);
    return audit.role;
  });
  assert.equal(role, "auditor");
  return opened;
}

test("村务监督委员会 an auditor reads every report, the posting, the journal and the exports; every staff writing call refuses it and nothing changes", async () => {
  const { page, errors } = await withAuditor("auditor-api");
  const outcome = await inPage(page, async (kiosk) => {
    const now = Date.now();
    const audit = await kiosk.staffSignIn({ staff: "audit", pin: "8642", now });
    const staffSession = audit;
    const reads = {};
    for (const input of [
      { kind: "day" },
      { kind: "month", month: new Date(now).toISOString().slice(0, 7) },
      { kind: "stock" },
      { kind: "donations" },
      { kind: "statement", household: "A001" },
      { kind: "series" },
    ]) {
      const report = await kiosk.report({ staffSession, now, ...input });
      reads[`report/${input.kind}`] = typeof report.source?.seq === "number";
    }
    reads.chart = (await kiosk.chart({ staffSession, now, kind: "points_spent" })).startsWith("<svg");
    const batch = await kiosk.exportBatch({ staffSession, now, range: "everything" });
    reads.exportBatch = batch.files.map((file) => file.name).sort().join(",");
    reads.exportJournal = (await kiosk.exportJournal({})).split("\n").filter(Boolean).length > 10;
    reads.board = Array.isArray(kiosk.board(now).advanced.lines);

    const before = { hash: kiosk.stateHash(), seq: kiosk.info().seq };
    const rules = kiosk.rules();
    const calls = {
      restock: { donor: "x", sourceType: "company", lines: [{ sku: "tissues-3", qty: 5 }], requestId: "r1" },
      addItem: { sku: "new-item", nameZh: "新", unit: "个", category: "日用", price: "1", requestId: "r2" },
      updateItem: { sku: "salt-500g", nameZh: "盐", unit: "袋", category: "调味", requestId: "r2b" },
      reprice: { sku: "salt-500g", price: "0.01", requestId: "r3" },
      setItemActive: { sku: "salt-500g", active: false, requestId: "r4" },
      adjustStock: { sku: "salt-500g", delta: -5, reason: "破损", requestId: "r5" },
      stockCount: { counts: [{ sku: "salt-500g", counted: 0 }], reason: "盘点", requestId: "r6" },
      voidRedemption: { receipt: "1", reason: "x", requestId: "r7" },
      unlockHousehold: { household: "A001", requestId: "r8" },
      setPin: { household: "A001", pin: "0000", requestId: "r9" },
      assistedSignIn: { household: "A001" },
      registerHousehold: { household: "Z001", name: "新户", requestId: "r10" },
      updateHousehold: { household: "A001", name: "改名", requestId: "r11" },
      setHouseholdStatus: { household: "A001", status: "suspended", reason: "x", requestId: "r12" },
      credit: { household: "A001", amount: "100", period: "2026-11", requestId: "r12b" },
      correct: { household: "A001", amount: "100.00", reason: "x", requestId: "r13" },
      closeYear: { year: 2025, requestId: "r13b" },
      markUploaded: { lastSeq: 3, requestId: "r13c" },
      applyImport: { kind: "credits", text: "户号,积分,期间\nA001,5,2026-11\n", requestId: "r13d" },
      addStaff: { staff: "evil", name: "x", role: "admin", pin: "0000", requestId: "r14" },
      updateStaff: { staff: "admin", name: "x", role: "admin", active: false, requestId: "r15" },
      setStaffPin: { staff: "audit", pin: "0000", requestId: "r16" },
      setStaffPinOfAdmin: { method: "setStaffPin", staff: "admin", pin: "0000", requestId: "r16b" },
      changeSetting: { key: "year_end", value: "carry", requestId: "r17" },
      newRecoveryCode: { requestId: "r18" },
      changeRules: { rules: { ...rules, source: "kiosk" }, requestId: "r19" },
      postScoreSheet: { period: "2026-11", text: "户号,总分\nA001,95\n", requestId: "r20" },
      objectScore: { period: "2026-11", household: "A001", finding: "x", score: "90", requestId: "r21" },
      approveScoreSheet: { period: "2026-11", requestId: "r21b" },
      raiseObjection: { period: "2026-11", household: "A001", raisedBy: "x", what: "x", requestId: "r21c" },
      resolveObjection: { period: "2026-11", household: "A001", finding: "x", requestId: "r21d" },
      applyScoreSheet: { period: "2026-11", requestId: "r22" },
      liftBlacklist: { household: "A001", reason: "x", requestId: "r23" },
      enrollPlatform: { url: "http://127.0.0.1:9/", countyId: "c1", code: "123456", requestId: "r24" },
      archive: { throughSeq: 3 },
    };
    const refusals = {};
    for (const [name, { method = name, ...input }] of Object.entries(calls)) {
      if (typeof kiosk[method] !== "function") {
        refusals[name] = "MISSING";
        continue;
      }
      try {
        await kiosk[method]({ ...input, staffSession, now: Date.now() });
        refusals[name] = "ACCEPTED";
      } catch (error) {
        refusals[name] = error.code;
      }
    }
    return { reads, refusals, before, after: { hash: kiosk.stateHash(), seq: kiosk.info().seq } };
  });
  assert.deepEqual(outcome.reads, {
    "report/day": true,
    "report/month": true,
    "report/stock": true,
    "report/donations": true,
    "report/statement": true,
    "report/series": true,
    chart: true,
    exportBatch: "journal.ndjson,ledger.csv,manifest.json,redemptions.csv",
    exportJournal: true,
    board: true,
  });
  assert.equal(Object.keys(outcome.refusals).length, 35);
  for (const [call, code] of Object.entries(outcome.refusals)) assert.equal(code, "STAFF_AUTH_REQUIRED", call);
  assert.deepEqual(outcome.after, outcome.before, "nothing written");
  assert.deepEqual(errors, []);
  await page.close();
});

test("村务监督委员会 the auditor's menu: the posting and honours, the exports and the reports, and no button that writes", async () => {
  const { page, errors } = await withAuditor("auditor-screen");
  await staffSignIn(page, "audit", "8642");
  const tiles = await page.locator(".menu-tile .dual-main").allTextContents();
  assert.deepEqual(tiles, ["公示与光荣榜", "导出上传", "报表和图表"]);
  assert.deepEqual(await seriousAxeViolations(page), []);

  await staffMenu(page, /公示与光荣榜/);
  await page.getByRole("heading", { name: "公示与光荣榜" }).waitFor();
  await page.getByRole("heading", { name: "分档怎么算" }).waitFor();
  for (const name of [/^公示 /, /^记录异议/, /^公示期满/, /^结账/, /^保存规则/, /^移出曝光台/]) {
    assert.equal(await page.getByRole("button", { name }).count(), 0, String(name));
  }
  assert.ok(await page.getByRole("button", { name: /^打印.*先进户/ }).isVisible());
  assert.deepEqual(await seriousAxeViolations(page), []);

  await staffMenu(page, /导出上传/);
  await page.getByRole("heading", { name: /导出上传/ }).first().waitFor();
  assert.deepEqual(await seriousAxeViolations(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});
