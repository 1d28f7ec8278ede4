// A kiosk that never hangs or bricks, in a real browser: damaged segments
// and a damaged archive base open the ways back, not the fatal screen; an
// uncaught error shows the fatal screen and the page comes back by itself;
// a receipt stored but never drawn (Chromium SIGKILLed in between) is shown
// at the household's next sign-in; and storage wiped under a kiosk that
// held records opens the missing-data page, not "set up this village".
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  launchBrowser,
  openKioskPage,
  kioskUrl,
  loadDemoVillage,
  signInByKeypad,
  tile,
  inPage,
  startChromium,
  killChromium,
} from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { server } = startForFile();

/** Closes the page's kiosk (its lock and connection), so storage can be changed by hand. */
const closeKiosk = (page) => page.evaluate(() => window.kiosk?.close());

/**
 * Moves loose records 1..20 of `kioskId` into two segments by hand, 1..10
 * and 11..20, as sealing would (with fewer records each); `count` (4 bytes)
 * is written as the second one's stored count.
 */
function packSegments(page, kioskId, count) {
  return page.evaluate(
    ({ kioskId, count }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(`aixin-kiosk:${kioskId}`);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const transaction = db.transaction(["journal", "segments"], "readwrite");
          const journal = transaction.objectStore("journal");
          const read = journal.getAll(IDBKeyRange.bound(1, 20));
          read.onsuccess = () => {
            const records = read.result.map((value) => new Uint8Array(value));
            const pack = (run) => {
              const size = 4 + run.reduce((sum, bytes) => sum + 4 + bytes.length, 0);
              const packed = new Uint8Array(size);
              const view = new DataView(packed.buffer);
              view.setUint32(0, run.length, true);
              let at = 4;
              for (const bytes of run) {
                view.setUint32(at, bytes.length, true);
                packed.set(bytes, at + 4);
                at += 4 + bytes.length;
              }
              return packed;
            };
            const second = pack(records.slice(10, 20));
            second.set(count, 0);
            transaction.objectStore("segments").put(pack(records.slice(0, 10)), 1);
            transaction.objectStore("segments").put(second, 11);
            journal.delete(IDBKeyRange.bound(1, 20));
          };
          transaction.oncomplete = () => {
            db.close();
            resolve();
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
    { kioskId, count },
  );
}

/** Puts `bytes` as the kiosk's `archive-base` in the `meta` store. */
function putArchiveBase(page, kioskId, bytes) {
  return page.evaluate(
    ({ kioskId, bytes }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(`aixin-kiosk:${kioskId}`);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const transaction = db.transaction("meta", "readwrite");
          transaction.objectStore("meta").put(new Uint8Array(bytes), "archive-base");
          transaction.oncomplete = () => {
            db.close();
            resolve();
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
    { kioskId, bytes },
  );
}

async function reloadPage(page) {
  await page.reload();
  await page.getByRole("main").waitFor();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
}

test("a segment whose count reads FF FF FF FF: STORAGE_CORRUPT at its first seq, the records before it read-only, and the recovery screen", async () => {
  const browser = await launchBrowser();
  try {
    const { page } = await openKioskPage(browser.context, server.url, "segment-damaged");
    await loadDemoVillage(page);
    const healthy = await inPage(page, (kiosk) => kiosk.info());
    assert.ok(healthy.seq > 20, `the demo holds ${healthy.seq} entries`);
    await closeKiosk(page);
    // As it should be, two segments open to the same state (in a second
    // profile: the same hand-packing, with the count left right).
    const control = await launchBrowser();
    try {
      const { page: other } = await openKioskPage(control.context, server.url, "segment-whole");
      await loadDemoVillage(other);
      await closeKiosk(other);
      await packSegments(other, "segment-whole", [10, 0, 0, 0]);
      await reloadPage(other);
      const whole = await inPage(other, (kiosk) => kiosk.info());
      assert.equal(whole.readOnly, null, JSON.stringify(whole.readOnly));
      assert.equal(whole.seq, healthy.seq);
    } finally {
      await control.close();
    }

    await packSegments(page, "segment-damaged", [0xff, 0xff, 0xff, 0xff]);
    await reloadPage(page);
    const damaged = await inPage(page, (kiosk) => kiosk.info());
    assert.equal(damaged.readOnly?.code, "STORAGE_CORRUPT", JSON.stringify(damaged));
    assert.equal(damaged.readOnly.seq, 11);
    assert.match(damaged.readOnly.reason, /claims 4294967295 records/);
    assert.equal(damaged.seq, 10, "the records before the damaged segment are kept");
    // Home says view-only; the staff button leads to the ways back.
    await page.getByText("现在只能查看,不能兑换", { exact: true }).waitFor();
    await page.getByRole("button", { name: /员工登录|Staff sign-in/ }).click();
    await page.getByRole("heading", { name: "存储的记录损坏了" }).waitFor();
    await page.getByText(/第 11 条记录读不出来/).waitFor();
  } finally {
    await browser.close();
  }
});

test("garbage in archive-base: read-only with STORAGE_CORRUPT, and the recovery screen instead of setting up a village", async () => {
  const browser = await launchBrowser();
  try {
    const { page } = await openKioskPage(browser.context, server.url, "base-damaged");
    await loadDemoVillage(page);
    await closeKiosk(page);
    await putArchiveBase(page, "base-damaged", Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
    await reloadPage(page);
    const info = await inPage(page, (kiosk) => kiosk.info());
    assert.equal(info.readOnly?.code, "STORAGE_CORRUPT", JSON.stringify(info));
    assert.equal(info.readOnly.seq, 0, "nothing was archived: the base stands for seq 0");
    // The screen loads on demand (js/on-demand.js): wait for it to be drawn.
    await page.waitForFunction(() => document.documentElement.dataset.screen === "recovery");
    await page.getByRole("heading", { name: "存储的记录损坏了" }).waitFor();
    assert.equal(await page.getByRole("button", { name: /载入演示村|Load demo village/ }).count(), 0);
  } finally {
    await browser.close();
  }
});

test("an uncaught error shows the fatal screen and the page reloads by itself, usable again; a refusal left uncaught does not", async () => {
  const browser = await launchBrowser();
  try {
    const { page } = await openKioskPage(browser.context, server.url, "uncaught", { fatalReloadMs: 500 });
    await loadDemoVillage(page);
    // A coded refusal nobody caught leaves the journal as it was: no restart.
    await page.evaluate(() =>
      window.dispatchEvent(
        new PromiseRejectionEvent("unhandledrejection", {
          promise: Promise.resolve(),
          reason: Object.assign(new Error("not enough points"), { code: "NOT_ENOUGH_POINTS" }),
        }),
      ),
    );
    assert.equal(await page.evaluate(() => document.documentElement.dataset.screen), "home");

    // Anything else: the fatal screen at once, then a reload.
    const reloaded = page.waitForEvent("load");
    await page.evaluate(() => {
      window.__beforeReload = true;
      window.dispatchEvent(new ErrorEvent("error", { error: new Error("forced"), message: "forced" }));
    });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.screen), "fatal");
    await page.getByText("秒后自动重新启动").waitFor();
    await reloaded;
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    assert.equal(await page.evaluate(() => window.__beforeReload ?? null), null, "a fresh page");
    // Usable: a villager redeems.
    await signInByKeypad(page, "B006", "9413");
    await tile(page, "食盐 500g").click();
    await page.getByRole("button", { name: /^确认兑换/ }).click();
    await page.getByRole("button", { name: /^确认兑换/ }).click();
    await page.getByRole("heading", { name: "兑换成功" }).waitFor();
  } finally {
    await browser.close();
  }
});

test("a redemption stored but its receipt never drawn (Chromium SIGKILLed): that household's next sign-in shows the receipt first, once", async () => {
  const profileDir = await mkdtemp(join(tmpdir(), "aixin-unshown-"));
  const instances = [];
  try {
    let instance = await startChromium(profileDir);
    instances.push(instance);
    let page = await instance.context.newPage();
    await page.goto(kioskUrl(server.url, "unshown", { holdReceipt: 1 }));
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    await loadDemoVillage(page);
    await signInByKeypad(page, "B006", "9413");
    await tile(page, "食盐 500g").click();
    await page.getByRole("button", { name: /^确认兑换/ }).click();
    await page.getByRole("heading", { name: "请核对" }).waitFor();
    await page.getByRole("button", { name: /^确认兑换/ }).click();
    // Stored; the receipt is held back, and the power goes off.
    const held = await page.waitForFunction(() => document.documentElement.dataset.receiptHeld ?? null);
    const receiptNumber = await held.jsonValue();
    assert.equal(await page.getByRole("heading", { name: "兑换成功" }).count(), 0);
    await killChromium(instance);

    instance = await startChromium(profileDir);
    instances.push(instance);
    page = await instance.context.newPage();
    await page.goto(kioskUrl(server.url, "unshown"));
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    // Another household is not shown it.
    await signInByKeypad(page, "A001", "3817");
    await page.getByRole("button", { name: "退出" }).click();
    // That household is, before anything else.
    await signInByKeypad(page, "B006", "9413", { wait: false });
    await page.getByText("上次兑换已成功 / Your last redemption went through").waitFor();
    await page.getByRole("heading", { name: "兑换成功" }).waitFor();
    await page.getByText(receiptNumber, { exact: true }).first().waitFor();
    // Done: on to the shop, still signed in.
    await page.getByRole("button", { name: /^完成/ }).click();
    await page.getByRole("heading", { name: "购物篮" }).waitFor();
    await page.getByRole("button", { name: "退出" }).click();
    // Shown once: the next sign-in goes straight to the shop.
    await signInByKeypad(page, "B006", "9413");
    assert.equal(await page.getByText("上次兑换已成功", { exact: false }).count(), 0);
  } finally {
    for (const instance of instances) {
      await instance.browser.close().catch(() => {});
      await killChromium(instance);
    }
    await rm(profileDir, { recursive: true, force: true });
  }
});

test("a profile whose kiosk held records, with IndexedDB deleted: the missing-data page offers restore; setting up anew only behind a second step", async () => {
  const browser = await launchBrowser();
  try {
    const { page } = await openKioskPage(browser.context, server.url, "wiped");
    await loadDemoVillage(page);
    const seq = await inPage(page, (kiosk) => kiosk.info().seq);
    // Wiped: the kiosk's database deleted; localStorage kept.
    await page.evaluate(async () => {
      await window.kiosk.close();
      await new Promise((resolve, reject) => {
        const request = indexedDB.deleteDatabase("aixin-kiosk:wiped");
        request.onsuccess = resolve;
        request.onerror = () => reject(request.error);
      });
    });
    const kept = await page.evaluate(() => ({ last: localStorage.getItem("aixin:lastKioskId"), had: JSON.parse(localStorage.getItem("aixin:hadData")) }));
    assert.deepEqual(kept, { last: '"wiped"', had: { kioskId: "wiped", seq: kept.had.seq } });
    // Opened without ?kiosk=: the kept id is the kiosk.
    await page.goto(new URL(server.url).href);
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    await page.getByRole("heading", { name: "这台终端的记录不见了" }).waitFor();
    await page.getByText(new RegExp(`曾经有终端 wiped 的 ${kept.had.seq} 条记录`)).waitFor();
    assert.ok(kept.had.seq > 0 && kept.had.seq <= seq, `${kept.had.seq} of ${seq}`);
    // Restoring from the county platform is offered too.
    assert.equal(await page.getByRole("button", { name: /从县级平台恢复/ }).isDisabled(), false);
    assert.equal(await page.getByRole("button", { name: /载入演示村|Load demo village/ }).count(), 0);
    assert.equal(await page.getByRole("button", { name: /设置这个村|Set up/ }).count(), 0);
    // Restore is the first way.
    await page.getByRole("button", { name: /从备份文件恢复/ }).click();
    await page.waitForFunction(() => document.documentElement.dataset.screen === "restore");
    await page.goBack().catch(() => {});
    await page.goto(new URL(server.url).href);
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    // Setting up anew takes a second, deliberate step.
    await page.getByRole("button", { name: /当作新终端重新设置/ }).click();
    await page.getByRole("button", { name: /确认,重新设置/ }).click();
    await page.getByText("请先勾选上面的确认").waitFor();
    await page.getByLabel("我明白:以前的记录和积分都不会回来").check();
    await page.getByRole("button", { name: /确认,重新设置/ }).click();
    await page.getByRole("button", { name: /载入演示村|Load demo village/ }).waitFor();
  } finally {
    await browser.close();
  }
});
