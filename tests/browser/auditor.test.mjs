// The village supervisory committee (村务监督委员会) as a staff role: it opens
// every report, the posting, the journal and the exports, and changes
// nothing — every staff writing call of the JS API refuses it with
// STAFF_AUTH_REQUIRED and the journal stays as it was; its menu offers
// only what it may read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadDemoVillage, inPage, staffSignIn, staffMenu, seriousAxeViolations } from "./harness.mjs";
import { startForFile } from "./setup.mjs";
import { STAFF_WRITES } from "./staff-calls.mjs";

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
  const outcome = await inPage(
    page,
    async (kiosk, writes) => {
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
      const calls = { ...writes, changeRules: { rules: { ...rules, source: "kiosk" }, requestId: "r19" } };
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
    },
    STAFF_WRITES,
  );
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
