// Backups and recovery in the browser: a backup restored on a fresh browser
// profile gives the same state hash; a record damaged by hand in IndexedDB is
// recovered from a backup or, as the last resort, by restarting the journal,
// and the shop redeems again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  launchBrowser,
  openKioskPage,
  loadDemoVillage,
  staffSignIn,
  staffMenu,
  fillPad,
  inPage,
  stubPrint,
  checkLayout,
  seriousAxeViolations,
  SCREENSHOT_DIR,
} from "./harness.mjs";
import { startForFile } from "./setup.mjs";
import { openBare, inKiosk } from "./api.mjs";

const { server } = startForFile();

/** Loads the demo, redeems once, and answers a backup made by `staff`. */
async function demoWithBackup(page, { staff = "admin", pin = "9999", includePins = true } = {}) {
  return inKiosk(
    page,
    async (kiosk, { staff, pin, includePins }) => {
      await kiosk.loadDemo();
      const session = await kiosk.signIn({ household: "A001", pin: "3817", now: Date.now() });
      await kiosk.redeem({ session, lines: [{ sku: "salt-500g", qty: 1 }], requestId: "before-backup", now: Date.now() });
      // The demo village has no recovery code: the admin prints one, as a
      // village does at set-up.
      const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now: Date.now() });
      const { recoveryCode } = await kiosk.newRecoveryCode({ staffSession: admin, requestId: "demo-recovery-code", now: Date.now() });
      const staffSession = await kiosk.staffSignIn({ staff, pin, now: Date.now() });
      const file = await kiosk.backup({ staffSession, includePins, now: Date.now() });
      return { file, stateHash: kiosk.info().stateHash, recoveryCode };
    },
    { staff, pin, includePins },
  );
}

/** Redeems one salt for B006 (PIN 9413, 20 points): the shop works. */
function redeemSalt(page, requestId) {
  return inKiosk(
    page,
    async (kiosk, requestId) => {
      const session = await kiosk.signIn({ household: "B006", pin: "9413", now: Date.now() });
      return kiosk.redeem({ session, lines: [{ sku: "salt-500g", qty: 1 }], requestId, now: Date.now() });
    },
    requestId,
  );
}

/** Flips one bit of stored journal record `seq`, by hand, in IndexedDB. */
function damageRecord(page, kioskId, seq) {
  return page.evaluate(
    ({ kioskId, seq }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(`aixin-kiosk:${kioskId}`);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const transaction = db.transaction("journal", "readwrite");
          const store = transaction.objectStore("journal");
          const get = store.get(seq);
          get.onsuccess = () => {
            const bytes = new Uint8Array(get.result);
            bytes[20] ^= 1;
            store.put(bytes, seq);
          };
          transaction.oncomplete = () => {
            db.close();
            resolve();
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
    { kioskId, seq },
  );
}

/** Closes the page's kiosk and opens it again (allowCorrupt as given). */
function reopen(page, kioskId, options = {}) {
  return page.evaluate(
    async ({ kioskId, options }) => {
      await window.kiosk?.close();
      try {
        window.kiosk = await window.aixin.Kiosk.open({ kioskId, ...options });
        return window.kiosk.info();
      } catch (error) {
        return { error: { code: error.code, seq: error.seq } };
      }
    },
    { kioskId, options },
  );
}

test("a backup restored on a fresh browser profile gives the same state hash", async () => {
  const first = await launchBrowser();
  let file;
  let stateHash;
  try {
    const page = await first.context.newPage();
    await openBare(page, server.url, "backup-1");
    ({ file, stateHash } = await demoWithBackup(page));
    assert.match(file.name, /^aixin-backup-backup-1-\d{8}-\d{4}-seq\d+\.ndjson$/);
    assert.equal(file.stateHash, stateHash);
    assert.equal(file.includesPins, true);
    // A clerk may back up, but never the PINs.
    const clerk = await inKiosk(page, async (kiosk) => {
      const staffSession = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now: Date.now() });
      const refused = await kiosk.backup({ staffSession, includePins: true, now: Date.now() }).catch((e) => e.code);
      const plain = await kiosk.backup({ staffSession, now: Date.now() });
      return { refused, includesPins: plain.includesPins, pinHashes: plain.text.includes('"credential"') };
    });
    assert.deepEqual(clerk, { refused: "STAFF_AUTH_REQUIRED", includesPins: false, pinHashes: false });
  } finally {
    await first.close();
  }

  const second = await launchBrowser();
  try {
    const page = await second.context.newPage();
    const empty = await openBare(page, server.url, "backup-1");
    assert.equal(empty.empty, true);
    const result = await inKiosk(
      page,
      async (kiosk, text) => {
        const header = window.aixin.Kiosk.readBackup(text);
        const damaged = text.replace(/"time_ms":(\d)/, (_, d) => `"time_ms":${(Number(d) + 1) % 10}`);
        let refused = null;
        try {
          window.aixin.Kiosk.readBackup(damaged);
        } catch (error) {
          refused = { code: error.code, line: error.line };
        }
        // Whoever holds the file alone may not restore it.
        const unauthorised = await kiosk.restoreBackup({ text, now: Date.now() }).catch((e) => e.code);
        const wrongPin = await kiosk.restoreBackup({ text, now: Date.now(), adminId: "admin", adminPin: "1111" }).catch((e) => e.code);
        await kiosk.restoreBackup({ text, now: Date.now(), adminId: "admin", adminPin: "9999" });
        const again = await kiosk.restoreBackup({ text, now: Date.now(), adminId: "admin", adminPin: "9999" }).catch((e) => e.code);
        return { header, refused, unauthorised, wrongPin, info: kiosk.info(), again };
      },
      file.text,
    );
    assert.equal(result.header.kioskId, "backup-1");
    assert.equal(result.header.stateHash, stateHash);
    assert.deepEqual(result.refused, { code: "BACKUP_INVALID", line: 2 });
    assert.equal(result.unauthorised, "RESTORE_AUTH_REQUIRED");
    assert.equal(result.wrongPin, "RESTORE_AUTH_REQUIRED");
    assert.equal(result.header.hasRecoveryCode, true);
    // The backup's entries, then the restore's own entry.
    assert.equal(result.info.seq, result.header.entries + 1);
    assert.notEqual(result.info.stateHash, stateHash);
    assert.equal(result.info.empty, false);
    assert.equal(result.again, "NOT_EMPTY");
    const receipt = await redeemSalt(page, "after-restore");
    assert.equal(receipt.total, "2.50", JSON.stringify(receipt));
    // Stored for good: a reopened kiosk folds to the same journal.
    const reopened = await reopen(page, "backup-1");
    assert.equal(reopened.readOnly, null);
    assert.equal(reopened.seq, result.info.seq + 1);
  } finally {
    await second.close();
  }
});

test("a backup without PINs restores with a new admin PIN; households need PINs set by staff", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await openBare(page, server.url, "backup-2");
    const { file, recoveryCode } = await demoWithBackup(page, { includePins: false });
    assert.equal(file.includesPins, false);
    await page.evaluate(async () => {
      await window.kiosk.close();
      await new Promise((resolve) => {
        const request = indexedDB.deleteDatabase("aixin-kiosk:backup-2");
        request.onsuccess = request.onerror = resolve;
      });
    });
    const empty = await reopen(page, "backup-2");
    assert.equal(empty.empty, true);
    const result = await inKiosk(
      page,
      async (kiosk, { text, recoveryCode }) => {
        const unauthorised = await kiosk.restoreBackup({ text, now: Date.now(), adminId: "admin", adminPin: "5555" }).catch((e) => e.code);
        const missing = await kiosk.restoreBackup({ text, now: Date.now(), recoveryCode }).catch((e) => ({ code: e.code, field: e.field }));
        await kiosk.restoreBackup({ text, now: Date.now(), recoveryCode, adminId: "admin", adminPin: "5555" });
        const household = await kiosk.signIn({ household: "A001", pin: "3817", now: Date.now() }).catch((e) => e.code);
        const staff = await kiosk.staffSignIn({ staff: "admin", pin: "5555", now: Date.now() });
        await kiosk.setPin({ staffSession: staff, household: "A001", pin: "1357", requestId: "new-pin-a001", now: Date.now() });
        const session = await kiosk.signIn({ household: "A001", pin: "1357", now: Date.now() });
        return { unauthorised, missing, household, signedIn: session.household };
      },
      { text: file.text, recoveryCode },
    );
    assert.equal(result.unauthorised, "RESTORE_AUTH_REQUIRED");
    assert.deepEqual(result.missing, { code: "INVALID_INPUT", field: "adminPin" });
    assert.equal(result.household, "NO_PIN");
    assert.equal(result.signedIn, "A001");
  } finally {
    await browser.close();
  }
});

test("a damaged record is recovered from the latest backup with nothing lost", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await openBare(page, server.url, "damaged-1");
    const { file } = await demoWithBackup(page, { includePins: false });
    await redeemSalt(page, "after-backup");
    const healthy = await inKiosk(page, (kiosk) => kiosk.info());
    await damageRecord(page, "damaged-1", 12);

    const refused = await reopen(page, "damaged-1");
    assert.deepEqual(refused.error, { code: "STORAGE_CORRUPT", seq: 12 });
    const damaged = await reopen(page, "damaged-1", { allowCorrupt: true });
    assert.equal(damaged.readOnly?.code, "STORAGE_CORRUPT");
    assert.equal(damaged.seq, 11);

    // (a) The verified prefix can be taken away, as NDJSON and as a backup.
    const prefix = await inKiosk(page, async (kiosk) => {
      const ndjson = await kiosk.exportJournal();
      const file = await kiosk.backup({ staff: "clerk", pin: "2222", now: Date.now() });
      return { lines: ndjson.trim().split("\n").length, entries: window.aixin.Kiosk.readBackup(file.text).entries };
    });
    assert.deepEqual(prefix, { lines: 11, entries: 11 });

    // (b) From the backup, plus the stored entries after it that chain on.
    const wrongPin = await inKiosk(page, (kiosk, text) => kiosk.recoverStorage({ staff: "admin", pin: "1234", text, now: Date.now() }), file.text);
    assert.equal(wrongPin.error?.code, "WRONG_PIN");
    const report = await inKiosk(page, (kiosk, text) => kiosk.recoverStorage({ staff: "admin", pin: "9999", text, now: Date.now() }), file.text);
    assert.equal(report.lostFromSeq, null, JSON.stringify(report));
    assert.ok(report.reapplied >= 1, JSON.stringify(report));
    assert.equal(report.stateHash, healthy.stateHash);
    const info = await inKiosk(page, (kiosk) => kiosk.info());
    assert.equal(info.readOnly, null);
    assert.equal(info.stateHash, healthy.stateHash);
    const receipt = await redeemSalt(page, "after-recovery");
    assert.equal(receipt.total, "2.50", JSON.stringify(receipt));
    const reopened = await reopen(page, "damaged-1");
    assert.equal(reopened.readOnly, null);
    assert.equal(reopened.seq, healthy.seq + 1);
  } finally {
    await browser.close();
  }
});

test("without a backup the admin restarts the journal after the last good hash, and the shop redeems again", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await openBare(page, server.url, "damaged-2");
    await demoWithBackup(page);
    const healthy = await inKiosk(page, (kiosk) => kiosk.info());
    const bad = healthy.seq - 2;
    await damageRecord(page, "damaged-2", bad);
    const damaged = await reopen(page, "damaged-2", { allowCorrupt: true });
    assert.equal(damaged.seq, bad - 1);
    const shopkeeper = await inKiosk(page, (kiosk) => kiosk.recoverStorage({ staff: "shop", pin: "1111", now: Date.now() }));
    assert.equal(shopkeeper.error?.code, "STAFF_AUTH_REQUIRED");
    const report = await inKiosk(page, (kiosk) => kiosk.recoverStorage({ staff: "admin", pin: "9999", now: Date.now() }));
    assert.equal(report.lostFromSeq, bad, JSON.stringify(report));
    assert.equal(report.lostToSeq, healthy.seq);
    assert.equal(report.lostEntries.length, 3);
    assert.match(report.badRecordHash, /^[0-9a-f]{64}$/);
    assert.equal(report.seq, bad);
    const receipt = await redeemSalt(page, "after-restart");
    assert.equal(receipt.total, "2.50", JSON.stringify(receipt));
    const reopened = await reopen(page, "damaged-2");
    assert.equal(reopened.readOnly, null);
    assert.equal(reopened.seq, bad + 1);
  } finally {
    await browser.close();
  }
});

/** Leaves a kiosk as a cut-off recovery would: its records only in the side database. */
function leaveOnlySideDatabase(page, kioskId) {
  return page.evaluate(async (kioskId) => {
    const done = (request) =>
      new Promise((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const source = await done(indexedDB.open(`aixin-kiosk:${kioskId}`));
    const read = source.transaction(["journal", "credentials"], "readonly");
    const copied = {};
    for (const name of ["journal", "credentials"]) {
      const store = read.objectStore(name);
      copied[name] = { keys: await done(store.getAllKeys()), values: await done(store.getAll()) };
    }
    source.close();
    const opening = indexedDB.open(`aixin-kiosk:${kioskId}~recovery`, 1);
    opening.onupgradeneeded = () => {
      for (const name of ["journal", "credentials", "meta"]) opening.result.createObjectStore(name);
    };
    const side = await done(opening);
    const write = side.transaction(["journal", "credentials"], "readwrite");
    for (const name of ["journal", "credentials"]) {
      copied[name].keys.forEach((key, index) => write.objectStore(name).add(copied[name].values[index], key));
    }
    await new Promise((resolve) => (write.oncomplete = resolve));
    side.close();
    await done(indexedDB.deleteDatabase(`aixin-kiosk:${kioskId}`));
  }, kioskId);
}

test("a recovery cut off after the kiosk's database was deleted is finished from the side database", async () => {
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await openBare(page, server.url, "cut-off");
    await inKiosk(page, (kiosk) => kiosk.loadDemo());
    const healthy = await inKiosk(page, (kiosk) => kiosk.info());
    await page.evaluate(() => window.kiosk.close());
    await leaveOnlySideDatabase(page, "cut-off");
    const empty = await reopen(page, "cut-off");
    assert.equal(empty.empty, true);
    const resumed = await inKiosk(page, async (kiosk) => [await kiosk.resumeRecovery(), kiosk.info().stateHash, await kiosk.resumeRecovery()]);
    assert.deepEqual(resumed, [true, healthy.stateHash, false]);
    const reopened = await reopen(page, "cut-off");
    assert.equal(reopened.stateHash, healthy.stateHash);
    assert.equal(reopened.readOnly, null);
    const receipt = await redeemSalt(page, "after-resume");
    assert.equal(receipt.total, "2.50", JSON.stringify(receipt));
  } finally {
    await browser.close();
  }
});

/** The screen keeps the kiosk's rules: large targets and text, no serious accessibility problem. */
async function assertUsable(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `backup-${name}.png`) });
  assert.deepEqual([...(await checkLayout(page)), ...(await seriousAxeViolations(page))], []);
}

test("on the screens: a clerk saves a backup, a fresh kiosk restores it from its first-run page", async () => {
  const first = await launchBrowser({ bypassCSP: true });
  let text;
  let original;
  let recoveryCode;
  try {
    const { page, errors } = await openKioskPage(first.context, server.url, "ui-backup");
    await loadDemoVillage(page);
    // The demo village has no recovery code: the admin prints one first.
    recoveryCode = await inPage(page, async (kiosk) => {
      const staffSession = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now: Date.now() });
      return (await kiosk.newRecoveryCode({ staffSession, requestId: "ui-recovery-code", now: Date.now() })).recoveryCode;
    });
    original = await inPage(page, (kiosk) => kiosk.info());
    await staffSignIn(page, "clerk", "2222");
    await staffMenu(page, /^备份/);
    await page.getByRole("heading", { name: "备份全部记录" }).waitFor();
    // A clerk is never offered the PINs.
    assert.equal(await page.getByRole("radio", { name: "带上密码" }).count(), 0);
    await assertUsable(page, "staff");
    await page.evaluate(() => {
      window.showSaveFilePicker = undefined;
    });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /保存备份文件/ }).click()]);
    assert.match(download.suggestedFilename(), /^aixin-backup-ui-backup-\d{8}-\d{4}-seq\d+\.ndjson$/);
    text = await readFile(await download.path(), "utf8");
    await page.getByText(/已保存 aixin-backup-ui-backup/).waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await first.close();
  }

  const second = await launchBrowser({ bypassCSP: true });
  try {
    const { page, errors } = await openKioskPage(second.context, server.url, "ui-backup");
    await page.getByRole("button", { name: /从备份恢复/ }).click();
    await page.getByRole("heading", { name: "从备份文件恢复" }).waitFor();
    await page.locator("#restore-file").setInputFiles({ name: "backup.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from(text) });
    await page.getByText(/共 \d+ 条记录,备份于/).waitFor();
    // Without PINs: the recovery code, and an admin gets a new PIN.
    await assertUsable(page, "restore");
    await page.getByRole("button", { name: /^恢复/ }).click();
    await page.getByText("这个备份没有密码,要输入 12 位恢复码").waitFor();
    await fillPad(page, page.getByLabel(/恢复码/), recoveryCode.replace(/\D/g, ""));
    await page.getByRole("button", { name: /^恢复/ }).click();
    await page.getByText("请给管理员设 4 到 8 位数字的新密码").waitFor();
    await fillPad(page, page.getByLabel(/新密码/), "5555");
    await page.getByRole("button", { name: /^恢复/ }).click();
    await page.getByRole("button", { name: /开始兑换|Start/ }).waitFor();
    const info = await inPage(page, (kiosk) => kiosk.info());
    // The backup's entries, the restore, the admin's new PIN.
    assert.equal(info.seq, original.seq + 2);
    const admin = await inPage(page, async (kiosk) => (await kiosk.staffSignIn({ staff: "admin", pin: "5555", now: Date.now() })).role);
    assert.equal(admin, "admin");
    assert.deepEqual(errors, []);
  } finally {
    await second.close();
  }
});

test("on the screens: a damaged record shows the recovery screen; the admin restarts, prints the report, and the shop redeems", async () => {
  const browser = await launchBrowser({ bypassCSP: true });
  try {
    const { page } = await openKioskPage(browser.context, server.url, "ui-damaged");
    await loadDemoVillage(page);
    const healthy = await inPage(page, (kiosk) => kiosk.info());
    await damageRecord(page, "ui-damaged", healthy.seq - 1);
    await page.reload();
    // Home says the shop is view-only; the staff button leads to the ways back.
    await page.getByText("现在只能查看,不能兑换", { exact: true }).waitFor();
    await page.getByRole("button", { name: /员工登录|Staff sign-in/ }).click();
    await page.getByRole("heading", { name: "存储的记录损坏了" }).waitFor();
    await page.getByText(new RegExp(`第 ${healthy.seq - 1} 条记录读不出来`)).waitFor();
    await stubPrint(page);
    await assertUsable(page, "recovery");
    await fillPad(page, page.getByLabel("工作人员编号"), "admin");
    await fillPad(page, page.getByLabel("密码"), "9999");
    const restart = page.getByRole("button", { name: /重新开始并打印报告/ });
    await restart.click();
    await page.getByText("我明白会丢失记录").first().waitFor();
    await page.getByLabel("我明白会丢失记录").check();
    await restart.click();
    await page.getByText("已经恢复,可以照常兑换了").waitFor();
    await page.getByRole("main").getByText(`丢失第 ${healthy.seq - 1} 至 ${healthy.seq} 条记录`, { exact: false }).waitFor();
    await page.getByRole("button", { name: /打印报告/ }).click();
    assert.equal(await page.evaluate(() => window.__printed), 1);
    await page.getByRole("button", { name: /回到首页/ }).click();
    await page.getByRole("button", { name: /开始兑换|Start/ }).waitFor();
    const receipt = await inPage(page, async (kiosk) => {
      const session = await kiosk.signIn({ household: "B006", pin: "9413", now: Date.now() });
      return kiosk.redeem({ session, lines: [{ sku: "salt-500g", qty: 1 }], requestId: "ui-after-restart", now: Date.now() });
    });
    assert.equal(receipt.total, "2.50", JSON.stringify(receipt));
  } finally {
    await browser.close();
  }
});
