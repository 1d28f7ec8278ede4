// Honest clocks in the page: a lockout made with the clock a month ahead
// ends after 5 minutes of page time (the page's clock is passed as pageMs,
// so nothing waits), also after a reload; and a clock moved days forward is
// shown on the staff home, where an admin confirms it as a journal entry.
import { test } from "node:test";
import assert from "node:assert/strict";
import { inPage, staffSignIn, checkLayout, DEMO_STAFF } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const DAY_MS = 24 * 60 * 60 * 1000;
const FIVE_MINUTES = 5 * 60 * 1000;

const { openDemoPage } = startForFile({ browser: {} });

/** A sign-in through the JS API: the session, or { code, lockedUntil }. */
function signIn(page, input) {
  return inPage(
    page,
    async (kiosk, input) => {
      try {
        const session = await kiosk.signIn(input);
        kiosk.signOut(session);
        return { ok: true };
      } catch (error) {
        return { code: error.code, lockedUntil: error.lockedUntil };
      }
    },
    input,
  );
}

/** Five wrong PINs for A001 at wall time `now` and page time `pageMs`: locked out. */
async function lockOut(page, now, pageMs) {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const answer = await signIn(page, { household: "A001", pin: "0000", now, pageMs });
    assert.equal(answer.code, attempt < 5 ? "WRONG_PIN" : "LOCKED_OUT", `attempt ${attempt}`);
  }
}

test("clock +30 days then back: the lockout ends after 5 minutes of page time, also after a reload", async () => {
  const { page, errors } = await openDemoPage("clock-lockout");
  const now = await page.evaluate(() => Date.now());
  const ahead = now + 30 * DAY_MS;
  await lockOut(page, ahead, 1_000);
  // Back to the right time: still locked, but the end shown is the page's,
  // not a month away.
  const locked = await signIn(page, { household: "A001", pin: "3817", now, pageMs: 61_000 });
  assert.equal(locked.code, "LOCKED_OUT");
  assert.ok(locked.lockedUntil <= now + FIVE_MINUTES, `${locked.lockedUntil - now} ms left`);
  assert.ok(locked.lockedUntil >= now + FIVE_MINUTES - 61_000, `${locked.lockedUntil - now} ms left`);
  const almost = await signIn(page, { household: "A001", pin: "3817", now: now + 1_000, pageMs: 1_000 + FIVE_MINUTES - 1 });
  assert.equal(almost.code, "LOCKED_OUT", "one millisecond short");
  const over = await signIn(page, { household: "A001", pin: "3817", now: now + 2_000, pageMs: 1_000 + FIVE_MINUTES });
  assert.deepEqual(over, { ok: true }, "five minutes of page time since the lockout");

  // Locked out a month ahead again, then the page is reloaded: the count
  // starts again at the load (page time 0), never shorter.
  await lockOut(page, ahead + 10_000, 2_000);
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  const early = await signIn(page, { household: "A001", pin: "3817", now: now + 5_000, pageMs: FIVE_MINUTES - 1_000 });
  assert.equal(early.code, "LOCKED_OUT");
  const afterReload = await signIn(page, { household: "A001", pin: "3817", now: now + 6_000, pageMs: FIVE_MINUTES });
  assert.deepEqual(afterReload, { ok: true }, "five minutes of page time since the reload");

  assert.deepEqual(errors, []);
  await page.close();
});

test("a lockout at the right time ends at its wall-clock end, however little page time passed", async () => {
  const { page, errors } = await openDemoPage("clock-wall");
  const now = await page.evaluate(() => Date.now());
  await lockOut(page, now, 1_000);
  const soon = await signIn(page, { household: "A001", pin: "3817", now: now + 60_000, pageMs: 2_000 });
  assert.equal(soon.code, "LOCKED_OUT");
  assert.equal(soon.lockedUntil, now + FIVE_MINUTES);
  const byWall = await signIn(page, { household: "A001", pin: "3817", now: now + FIVE_MINUTES, pageMs: 3_000 });
  assert.deepEqual(byWall, { ok: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a clock moved three days forward: the staff home says so, a year close waits, and an admin's confirmation is an entry", async () => {
  const { page, errors } = await openDemoPage("clock-jump");
  const seqBefore = await inPage(page, (kiosk) => kiosk.info().seq);
  // The kiosk's clock is moved: the page's Date.now() runs three days ahead.
  await page.evaluate((shift) => {
    const real = Date.now.bind(Date);
    Date.now = () => real() + shift;
  }, 3 * DAY_MS);
  const status = await inPage(page, (kiosk) => kiosk.clockStatus(Date.now()));
  assert.ok(status.jump, JSON.stringify(status));
  assert.ok(status.ledgerMs < Date.now() + 1000, "the ledger did not follow");

  // A clerk sees the notice but no button, and may not confirm.
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  const notice = page.locator("#staff-home-clock");
  await notice.getByText("终端时钟与上一笔记录相差超过一天").waitFor();
  assert.equal(await notice.getByRole("button").count(), 0);
  const clerkCalls = await inPage(page, async (kiosk, year) => {
    const session = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now: Date.now() });
    const refusal = async (call) => {
      try {
        await call();
        return null;
      } catch (error) {
        return error.code;
      }
    };
    return {
      confirm: await refusal(() => kiosk.confirmClock({ staffSession: session, requestId: "clerk-confirm", now: Date.now() })),
      close: await refusal(() => kiosk.closeYear({ staffSession: session, year, requestId: "clerk-close", now: Date.now() })),
    };
  }, new Date().getUTCFullYear() - 1);
  assert.deepEqual(clerkCalls, { confirm: "STAFF_AUTH_REQUIRED", close: "CLOCK_UNCONFIRMED" });
  await page.getByRole("button", { name: /退出|Sign out/ }).first().click();

  await staffSignIn(page, DEMO_STAFF.admin.id, DEMO_STAFF.admin.pin);
  const confirm = page.locator("#staff-home-clock").getByRole("button", { name: /时间正确,确认/ });
  await confirm.waitFor();
  // The notice and its button fit a small kiosk screen and a portrait one.
  for (const [width, height] of [[1024, 768], [1080, 1920]]) {
    await page.setViewportSize({ width, height });
    assert.deepEqual(await checkLayout(page), [], `${width}x${height}`);
  }
  await confirm.click();
  await page.locator("#staff-home-clock").getByText("已确认时间,并记入账本。").waitFor();

  const after = await inPage(page, (kiosk) => ({ status: kiosk.clockStatus(Date.now()), seq: kiosk.info().seq }));
  assert.equal(after.status.jump, null);
  assert.equal(after.seq, seqBefore + 1, "one entry");
  const ndjson = await inPage(page, (kiosk, seq) => kiosk.exportJournal({ from: seq, to: seq }), after.seq);
  const entry = JSON.parse(ndjson.trim()).entry;
  assert.equal(entry.body.kind, "clock_confirmed");
  assert.deepEqual(entry.actor, { type: "staff", staff: DEMO_STAFF.admin.id });
  assert.deepEqual(errors, []);
  await page.close();
});

test("the staff home warns when the kiosk's clock is more than 10 minutes from the platform's", async () => {
  const { page, errors } = await openDemoPage("clock-platform");
  // The last upload's answer found the platform 25 minutes ahead.
  await page.evaluate(async () => {
    // On the full build, which a staff sign-in brings, so the stand-in stays.
    await window.useFullKiosk();
    const status = window.kiosk.platformStatus.bind(window.kiosk);
    window.kiosk.platformStatus = async (input) => ({ ...(await status(input)), enrolled: true, clockOffsetMs: 25 * 60_000 });
  });
  await staffSignIn(page, DEMO_STAFF.admin.id, DEMO_STAFF.admin.pin);
  await page.locator("#staff-home-platform-clock").getByText("终端时钟与县平台相差约 25 分钟").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});
