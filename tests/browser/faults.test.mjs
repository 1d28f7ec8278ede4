// Real faults in a real browser: Chromium SIGKILLed in the middle of a burst
// of redemptions, twenty times over one profile; a reload, the back button
// and a second window at every step of a redemption. What was shown is there
// once, what was not shown is not half there, and nothing happens twice.
// When Chromium itself deletes the origin's IndexedDB (its log torn by the
// kill, or by the test halfway, as by a power cut), the kiosk opens empty
// and the burst test starts over: README "What we guarantee".
//
// A full disk is tested in shop.test.mjs with IndexedDB made to throw
// QuotaExceededError. The DevTools protocol's Storage.overrideQuotaForOrigin
// is accepted by this Chromium (156, headless) but changes nothing: the
// quota navigator.storage.estimate() reports stays and writes go on
// succeeding; and a profile on a tmpfs filled to the last byte still took a
// redemption (the database files had room inside them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, open, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  launchBrowser,
  openKioskPage,
  loadDemoVillage,
  signInByKeypad,
  tile,
  inPage,
  startChromium,
  killChromium,
  browserDeletedDatabase,
} from "./harness.mjs";
import { startForFile } from "./setup.mjs";
import { openBare, inKiosk } from "./api.mjs";

const { server } = startForFile();

/** SplitMix64 in BigInt, so a failing run names a seed that replays it. */
function rng(seed) {
  let state = BigInt(seed);
  return () => {
    state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return Number((z ^ (z >> 31n)) & 0xffffffffn) / 2 ** 32;
  };
}

/** Overwrites 64 bytes in the middle of the profile's IndexedDB log. */
async function tearIndexedDbLog(profileDir) {
  const dir = join(profileDir, "Default", "IndexedDB");
  const database = (await readdir(dir)).find((name) => name.endsWith(".indexeddb.leveldb"));
  const log = (await readdir(join(dir, database))).find((name) => name.endsWith(".log"));
  const file = await open(join(dir, database, log), "r+");
  try {
    const { size } = await file.stat();
    await file.write(Buffer.alloc(64, 0x5a), 0, 64, Math.floor(size / 2));
  } finally {
    await file.close();
  }
}

/** Every redemption entry of the journal, by request id. */
const journalRedemptions = (page) =>
  inKiosk(page, async (kiosk) => {
    const text = await kiosk.exportJournal({});
    const found = [];
    for (const line of text.split("\n").filter(Boolean)) {
      const { entry } = JSON.parse(line);
      if (entry.body.kind === "redeemed") {
        found.push({ id: entry.id, household: entry.body.household, total: entry.body.total, units: entry.body.lines.reduce((sum, l) => sum + l.quantity, 0) });
      }
    }
    return found;
  });

/** Balance of A001 in hundredths, and every unit in stock. */
const totals = (page) =>
  inKiosk(page, (kiosk) => {
    const [whole, cents] = kiosk.household("A001").balance.split(".");
    return {
      balance: Number.parseInt(whole, 10) * 100 + Number.parseInt(cents, 10),
      units: kiosk.catalog().reduce((sum, item) => sum + item.stock, 0),
    };
  });

test("50 redemptions in a burst, Chromium SIGKILLed at a random moment, 20 times: every receipt shown is there once", async (t) => {
  const seed = Number(process.env.AIXIN_KILL_SEED ?? 20261128);
  const runs = Number(process.env.AIXIN_KILL_RUNS ?? 20);
  const random = rng(seed);
  const profileDir = await mkdtemp(join(tmpdir(), "aixin-burst-"));
  const started = [];
  const shown = new Map(); // request id → receipt number, as the page showed it
  let expected; // balance and units before any burst
  let midBurst = 0; // kills that landed before the 50th receipt was shown
  let stored = 0;
  let shownEver = 0;
  let deleted = 0; // starts on which Chromium deleted the profile's IndexedDB
  let fresh = true; // the kiosk is to be set up (first run, or after such a start)
  const tornRun = Math.floor(runs / 2);
  try {
    for (let run = 0; run < runs; run++) {
      // Halfway, while Chromium is down, 64 bytes in the middle of its
      // IndexedDB log are overwritten, as a power cut can leave a disk: the
      // start below must take the branch for a database the browser deleted.
      if (run === tornRun) await tearIndexedDbLog(profileDir);
      const instance = await startChromium(profileDir);
      started.push(instance);
      const page = await instance.context.newPage();
      const info = await openBare(page, server.url, "burst");
      assert.equal(info.readOnly, null, `run ${run}: ${JSON.stringify(info)}`);
      // Now and then (about once in 30 to 80 kills here) Chromium finds its
      // IndexedDB log failing a checksum after the SIGKILL and deletes every
      // database of the origin, the kiosk's journal with them; it says so in
      // its log. That loss is the browser's (the kiosk's defence is the
      // county's copy and the backups, README "What we guarantee"): the
      // kiosk must then open empty, not half there, and the test starts
      // over on the empty profile. Every other start must keep everything.
      const wiped = run > 0 && (await browserDeletedDatabase(instance));
      if (wiped) {
        assert.equal(info.seq, 0, `run ${run}: Chromium deleted its databases, yet the kiosk opened at seq ${info.seq} (seed ${seed})`);
        t.diagnostic(`run ${run}: Chromium deleted the origin's IndexedDB after the kill (a checksum failed); starting over`);
        deleted++;
        shown.clear();
        fresh = true;
      }
      if (fresh) {
        fresh = false;
        const ready = await inKiosk(page, async (kiosk) => {
          await kiosk.loadDemo();
          const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now: Date.now() });
          await kiosk.credit({ staffSession: clerk, household: "A001", amount: "50000", period: "2026-11", source: "burst", requestId: "burst-credit", now: Date.now(), coSign: { staff: "admin", pin: "9999" } });
          const shop = await kiosk.staffSignIn({ staff: "shop", pin: "1111", now: Date.now() });
          const lines = kiosk.catalog().filter((item) => item.active).map((item) => ({ sku: item.sku, qty: 200 }));
          await kiosk.restock({ staffSession: shop, donor: "burst", sourceType: "organisation", lines, declaredValue: "1", requestId: "burst-restock", now: Date.now() });
          return true;
        });
        assert.equal(ready, true, JSON.stringify(ready));
        expected = await totals(page);
      }
      // Everything the journal holds now must agree with what was shown.
      const before = (await journalRedemptions(page)).filter((redemption) => redemption.id.startsWith("burst-"));
      const ids = new Map();
      for (const redemption of before) ids.set(redemption.id, (ids.get(redemption.id) ?? 0) + 1);
      for (const [id, count] of ids) assert.equal(count, 1, `run ${run}: ${id} is in the journal ${count} times (seed ${seed})`);
      for (const id of shown.keys()) assert.ok(ids.has(id), `run ${run}: receipt ${id} was shown but is not in the journal (seed ${seed})`);
      const now = await totals(page);
      assert.deepEqual(
        now,
        {
          balance: expected.balance - before.reduce((sum, r) => sum + r.total, 0),
          units: expected.units - before.reduce((sum, r) => sum + r.units, 0),
        },
        `run ${run}: points and stock agree with the redemptions in the journal (seed ${seed})`,
      );
      if (run > 0 && !wiped && before.filter((r) => r.id.startsWith(`burst-${run - 1}-`)).length < 50) midBurst++;
      stored = before.length;
      if (run === runs - 1) break;

      let shownNow = 0;
      page.on("console", (message) => {
        const [tag, id, receipt] = message.text().split(" ");
        if (tag === "SHOWN") {
          shown.set(id, receipt);
          shownNow++;
          shownEver++;
        }
      });
      const catalog = await inKiosk(page, (kiosk) => kiosk.catalog().filter((item) => item.active).map((item) => item.sku));
      // The burst runs on in the page; the test kills the browser under it,
      // after a random number of receipts and a random few milliseconds.
      const killAfter = Math.floor(random() * 50);
      await page.evaluate(
        ({ run, skus }) => {
          (async () => {
            const session = await window.kiosk.signIn({ household: "A001", pin: "3817", now: Date.now() });
            for (let i = 0; i < 50; i++) {
              const requestId = `burst-${run}-${i}`;
              const receipt = await window.kiosk.redeem({ session, lines: [{ sku: skus[(run * 50 + i) % skus.length], qty: 1 }], requestId, now: Date.now() });
              console.log(`SHOWN ${requestId} ${receipt.receiptNumber}`);
            }
          })();
        },
        { run, skus: catalog },
      );
      for (let waited = 0; shownNow < killAfter && waited < 20_000; waited += 5) await sleep(5);
      // A burst that stopped short (refused for want of points or stock) would
      // leave the kill nothing to interrupt.
      assert.ok(shownNow >= killAfter, `run ${run}: only ${shownNow} of ${killAfter} receipts shown before the kill (seed ${seed})`);
      await sleep(Math.floor(random() * 30));
      await killChromium(instance);
    }
    assert.ok(shownEver > 0, "some receipts were shown before the kills");
    assert.ok(midBurst > 0, "at least one kill landed in the middle of a burst");
    assert.ok(deleted > 0, "Chromium deleted its databases after the torn log at least once");
    t.diagnostic(`${runs - 1} kills (${midBurst} in the middle of a burst; ${deleted} after which Chromium deleted its databases), ${shown.size} receipts shown since the last such start, ${stored} redemptions stored, none twice (seed ${seed})`);
  } finally {
    for (const instance of started) {
      await instance.browser.close().catch(() => {});
      await killChromium(instance);
    }
    await rm(profileDir, { recursive: true, force: true });
  }
});

/** "20.00" less 250 hundredths, as the API writes amounts. */
function minus(amount, hundredths) {
  const [whole, cents] = amount.split(".");
  const left = Number.parseInt(whole, 10) * 100 + Number.parseInt(cents, 10) - hundredths;
  return `${Math.trunc(left / 100)}.${String(left % 100).padStart(2, "0")}`;
}

/** Each point of a redemption at which a person may reload, go back or open a second window. */
const STEPS = [
  ["PIN entered", async () => {}],
  ["basket filled", async (page) => {
    await tile(page, "食盐 500g").click();
  }],
  ["confirm shown", async (page) => {
    await tile(page, "食盐 500g").click();
    await page.getByRole("button", { name: /^确认兑换/ }).click();
    await page.getByRole("heading", { name: "请核对" }).waitFor();
  }],
  ["receipt shown", async (page) => {
    await tile(page, "食盐 500g").click();
    await page.getByRole("button", { name: /^确认兑换/ }).click();
    await page.getByRole("heading", { name: "请核对" }).waitFor();
    await page.getByRole("button", { name: /^确认兑换/ }).click();
    await page.getByRole("heading", { name: "兑换成功" }).waitFor();
  }],
];

test("a reload, the back button or a second window at each step: no duplicate, no loss, nothing half done", async () => {
  const browser = await launchBrowser();
  try {
    const { page } = await openKioskPage(browser.context, server.url, "steps");
    await loadDemoVillage(page);
    const state = () =>
      inPage(page, (kiosk) => ({
        seq: kiosk.info().seq,
        balance: kiosk.household("B006").balance,
        salt: kiosk.catalog().find((item) => item.sku === "salt-500g").stock,
      }));
    let expected = await state();
    for (const [name, reach] of STEPS) {
      for (const disturbance of ["reload", "back", "second window"]) {
        await signInByKeypad(page, "B006", "9413");
        await reach(page);
        if (name === "receipt shown") {
          expected = { seq: expected.seq + 1, balance: minus(expected.balance, 250), salt: expected.salt - 1 };
        }
        if (disturbance === "reload") {
          await page.reload();
        } else if (disturbance === "back") {
          await page.goBack().catch(() => {});
          await page.goForward().catch(() => {});
        } else {
          const second = await browser.context.newPage();
          await second.goto(page.url());
          await second.getByRole("main").waitFor();
          await second.waitForFunction(() => document.documentElement.dataset.ready === "true");
          // The second window may only look: its kiosk is read-only.
          const readOnly = await second.evaluate(() => window.kiosk?.info().readOnly?.code ?? null);
          assert.equal(readOnly, "READ_ONLY", `${name}, ${disturbance}`);
          await second.close();
        }
        await page.getByRole("main").waitFor();
        await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
        assert.deepEqual(await state(), expected, `${name}, ${disturbance}`);
        // Whatever screen is left, the villager can go home and the next one starts clean.
        await page.goto(page.url());
        await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
        assert.deepEqual(await state(), expected, `${name}, ${disturbance}, reopened`);
      }
    }
  } finally {
    await browser.close();
  }
});
