// The background proof of a checkpoint runs in a worker of its own, so the
// second state it replays never lives in the page's wasm memory: on the
// kiosk's own page (its Content-Security-Policy, the villager's build) the
// proof of an honest checkpoint starts a worker from the build's snippet
// and ends it, and a journal damaged before the checkpoint is caught there
// (read-only with STORAGE_CORRUPT, the checkpoint deleted); the proof's
// performance mark says it ran in the worker, not on the page's thread.
import { test } from "node:test";
import assert from "node:assert/strict";
import { kioskUrl } from "./harness.mjs";
import { startForFile } from "./setup.mjs";
import { openBare, inKiosk } from "./api.mjs";

const { server, browser } = startForFile({ browser: {} });

/** Households imported in one file: past one checkpoint interval (1,000 seqs). */
const HOUSEHOLDS = 1_100;

/** Builds a journal past a checkpoint in a bare page; resolves to info() after the upkeep. */
async function journalWithCheckpoint(kioskId) {
  const page = await browser.context.newPage();
  try {
    const opened = await openBare(page, server.url, kioskId);
    assert.ok(!opened.error, JSON.stringify(opened.error));
    const info = await inKiosk(
      page,
      async (kiosk, households) => {
        await kiosk.loadDemo();
        const now = Date.now();
        const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
        const rows = ["户号,户主姓名,组别,类型"];
        for (let index = 1; index <= households; index++) rows.push(`P${String(index).padStart(4, "0")},住户${index},一组,家庭`);
        await kiosk.applyImport({ staffSession: clerk, kind: "households", text: rows.join("\n"), now, requestId: "proof-worker-import" });
        await kiosk.whenIdle();
        const info = kiosk.info();
        await kiosk.close();
        return info;
      },
      HOUSEHOLDS,
    );
    assert.ok(!info.error, JSON.stringify(info.error));
    assert.ok(info.checkpointSeq > 1_000, `a checkpoint was written: ${JSON.stringify(info)}`);
    return info;
  } finally {
    await page.close();
  }
}

/** Flips the last byte of the first record's hash in the first sealed segment (seqs 1–500). */
async function damageFirstSegment(kioskId) {
  const page = await browser.context.newPage();
  try {
    await page.goto(new URL("pkg/", server.url).href);
    return await page.evaluate(async (name) => {
      const request = (req) => new Promise((done, fail) => { req.onsuccess = () => done(req.result); req.onerror = () => fail(req.error); });
      const db = await request(indexedDB.open(name));
      const store = db.transaction(["segments"], "readwrite").objectStore("segments");
      const keys = await request(store.getAllKeys());
      const first = keys[0];
      const value = new Uint8Array(await request(store.get(first)));
      const length = new DataView(value.buffer).getUint32(4, true);
      value[8 + length - 1] ^= 1;
      await request(store.put(value, first));
      db.close();
      return { first, length };
    }, `aixin-kiosk:${kioskId}`);
  } finally {
    await page.close();
  }
}

/**
 * Opens the kiosk's own page for `kioskId` and waits for the proof: the
 * workers the page started (their addresses, and whether each has ended),
 * what whenVerified answered, info(), the proof's marks (in the worker, on
 * the page's thread) and whether the checkpoint is still stored.
 */
async function openAndProve(kioskId) {
  const page = await browser.context.newPage();
  const workers = [];
  page.on("worker", (worker) => {
    const seen = { url: worker.url(), ended: false };
    workers.push(seen);
    worker.on("close", () => {
      seen.ended = true;
    });
  });
  let loads = 0;
  page.on("load", () => {
    loads++;
  });
  // The first kiosk the page opens reports its proof as soon as it ends:
  // a refuted proof makes the page open again at once, so asking the page
  // after it said it was ready could find it in the middle of that reload.
  const reports = [];
  await page.exposeFunction("__aixinProofReport", (report) => reports.push(report));
  await page.addInitScript(() => {
    let current;
    Object.defineProperty(window, "kiosk", {
      configurable: true,
      get: () => current,
      set: (kiosk) => {
        current = kiosk;
        if (!kiosk || window.__aixinProofWatched) return;
        window.__aixinProofWatched = true;
        kiosk.whenVerified().then((verified) => {
          // Where the proof ran, as its performance mark says.
          const marks = (name) => performance.getEntriesByName(`aixin:${name}`).length;
          window.__aixinProofReport({ verified, info: kiosk.info(), inWorker: marks("proof-worker"), onPage: marks("proof") });
        });
      },
    });
  });
  try {
    await page.goto(kioskUrl(server.url, kioskId));
    for (let wait = 0; wait < 400 && reports.length === 0; wait++) await new Promise((done) => setTimeout(done, 50));
    assert.ok(reports.length > 0, "the page's kiosk answered whenVerified");
    const [proof] = reports;
    // The worker is ended when its answer comes; its close event follows.
    for (let wait = 0; wait < 100 && workers.some((worker) => !worker.ended); wait++) {
      await new Promise((done) => setTimeout(done, 50));
    }
    // A refuted proof makes the page open again from scratch: look at the
    // stored checkpoint once that second page is up, not while it loads.
    if (!proof.verified) {
      for (let wait = 0; wait < 200 && loads < 2; wait++) await new Promise((done) => setTimeout(done, 50));
      assert.equal(loads, 2, "the page opened again after the refuted proof");
      await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    }
    const checkpointStored = await page.evaluate(async (name) => {
      const request = (req) => new Promise((done, fail) => { req.onsuccess = () => done(req.result); req.onerror = () => fail(req.error); });
      const db = await request(indexedDB.open(name));
      const stored = await request(db.transaction(["meta"]).objectStore("meta").get("checkpoint"));
      db.close();
      return stored !== undefined;
    }, `aixin-kiosk:${kioskId}`);
    return { ...proof, workers, checkpointStored };
  } finally {
    await page.close();
  }
}

const PROOF_WORKER = /\/pkg\/villager\/snippets\/[^/]+\/inline\d+\.js$/;

test("an honest checkpoint is proved in a worker of the villager's build, which then ends", async () => {
  const kioskId = "proof-honest";
  const built = await journalWithCheckpoint(kioskId);
  const opened = await openAndProve(kioskId);
  assert.equal(opened.verified, true, JSON.stringify(opened.info.readOnly));
  assert.equal(opened.info.readOnly, null);
  assert.equal(opened.info.checkpointSeq, built.checkpointSeq);
  assert.equal(opened.checkpointStored, true);
  assert.equal(opened.workers.length, 1, JSON.stringify(opened.workers));
  assert.match(opened.workers[0].url, PROOF_WORKER);
  assert.equal(opened.workers[0].ended, true, "the proof's worker is ended once it answered");
  assert.deepEqual([opened.inWorker, opened.onPage], [1, 0], "proved in the worker, not on the page's thread");
});

test("a journal damaged before the checkpoint is caught by the worker's proof: read-only, checkpoint deleted", async () => {
  const kioskId = "proof-damaged";
  const built = await journalWithCheckpoint(kioskId);
  const damaged = await damageFirstSegment(kioskId);
  assert.equal(damaged.first, 1);
  const opened = await openAndProve(kioskId);
  assert.equal(opened.verified, false);
  assert.equal(opened.info.readOnly?.code, "STORAGE_CORRUPT", JSON.stringify(opened.info));
  assert.ok(opened.info.readOnly.seq >= 1 && opened.info.readOnly.seq <= built.checkpointSeq, JSON.stringify(opened.info.readOnly));
  assert.equal(opened.checkpointStored, false, "the refuted checkpoint is deleted");
  assert.equal(opened.workers.length, 1, JSON.stringify(opened.workers));
  assert.match(opened.workers[0].url, PROOF_WORKER);
  assert.equal(opened.workers[0].ended, true);
  assert.deepEqual([opened.inWorker, opened.onPage], [1, 0], "proved in the worker, not on the page's thread");
});
