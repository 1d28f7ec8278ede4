// The kiosk uploads by itself to the county platform, end to end and cross
// origin: the dist folder (its CSP naming the platform) served on one
// loopback port, the real `aixin-platform` on another, on a real
// PostgreSQL. Enrollment through Village settings; redemptions arrive within
// the (shortened) upload interval; taken while the platform is down they
// wait and then arrive once; archiving reaches what the platform holds; a
// twin restored from a backup of the same kiosk, enrolled again by the
// county, is refused as a fork and shows the alert until the county keeps
// its journal.
//
// Needs DATABASE_URL (a PostgreSQL where the test may CREATE DATABASE; the
// test command starts one) and the platform binary (AIXIN_PLATFORM_BIN, or
// a build under target/).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, openKioskPage, loadDemoVillage, staffSignIn, staffMenu, checkLayout, fillPad, DEMO_STAFF } from "./harness.mjs";
import { inKiosk } from "./api.mjs";
import { WAIT_MS, psql, until, platformCommand as command, codeOf, startPlatform as start, preparePlatform, cleanUpPlatform } from "./platform.mjs";

const COUNTY_ID = "420102001001-01";
const KIOSK_ID = "village-01";
/** The uploader's intervals on the test's pages (URL params). */
const UPLOAD_PARAMS = { uploadDelayMs: 300, uploadEveryMs: 2_000 };

const env = {};
/** Runs an `aixin-platform` command to its end; returns its stdout. */
const platformCommand = (...args) => command(env, ...args);
/** Starts the platform server; resolves once it answers. */
const startPlatform = () => start(env, COUNTY_ID);

/** The platform's head for the county id, from PostgreSQL. */
function platformHead(countyId = COUNTY_ID) {
  const [seq, status] = psql(env.databaseUrl, `SELECT head_seq, status FROM kiosk WHERE county_id = '${countyId}'`).split("|");
  return { seq: Number(seq), status };
}

function storedEntries() {
  return Number(psql(env.databaseUrl, `SELECT count(*) FROM entry WHERE kiosk = '${COUNTY_ID}'`));
}

/** Redeems one salt `count` times (request ids `prefix`-1 …); resolves to the seq after. */
async function redeemSalt(page, prefix, count) {
  const seq = await inKiosk(
    page,
    async (kiosk, { prefix, count }) => {
      const session = await kiosk.signIn({ household: "A001", pin: "3817", now: Date.now() });
      for (let index = 1; index <= count; index++) {
        await kiosk.redeem({ session, lines: [{ sku: "salt-500g", qty: 1 }], requestId: `${prefix}-${index}`, now: Date.now() });
      }
      return kiosk.info().seq;
    },
    { prefix, count },
  );
  assert.equal(typeof seq, "number", JSON.stringify(seq));
  return seq;
}

/** Enrols through Village settings (admin signed in) and waits for the answer. */
async function enrollOnScreen(page, code) {
  await staffMenu(page, /村设置|Village settings/);
  const url = page.locator("#platform-url");
  assert.equal(await url.inputValue(), env.platformOrigin, "the allowed origin is filled in");
  await page.locator("#platform-county-id").fill(COUNTY_ID);
  await page.locator("#platform-code").fill(code);
  await page.getByRole("button", { name: /^登记/ }).click();
  await page.getByText(`已登记为 ${COUNTY_ID}`).waitFor({ timeout: WAIT_MS });
}

/** Back to the staff home from any staff screen. */
async function staffHome(page) {
  const menu = page.getByRole("banner").getByRole("button", { name: /^(菜单|Menu)$/ });
  if (await menu.count()) await menu.click();
  await page.locator("#staff-home-platform-title").waitFor({ timeout: WAIT_MS });
}

/** The waiting count the staff home shows. */
async function homeWaiting(page, expected) {
  await staffHome(page);
  const waiting = page.locator("#staff-home-platform-title ~ .platform-status-body .platform-waiting");
  await until(async () => (await waiting.getAttribute("data-waiting").catch(() => null)) === String(expected), `${expected} waiting on the staff home`);
}

before(() => preparePlatform(env, "aixin_upload"));
after(() => cleanUpPlatform(env));

test("the kiosk uploads by itself; what waits while the platform is down arrives once; a twin is a fork until the county keeps its journal", { timeout: 240_000 }, async () => {
  assert.ok(env.baseUrl, "DATABASE_URL is not set: these tests need a PostgreSQL server where they may CREATE DATABASE (./scripts/test starts one)");
  assert.ok(env.binary, "the platform binary was not found: set AIXIN_PLATFORM_BIN or build aixin-platform");

  const code = codeOf(platformCommand("kiosk", "add", "--id", COUNTY_ID, "--village", "张家村"));
  env.platform = await startPlatform();

  const original = await launchBrowser({ viewport: { width: 1366, height: 900 } });
  try {
    const { page, errors } = await openKioskPage(original.context, env.kioskUrl, KIOSK_ID, UPLOAD_PARAMS);
    // How the uploads went on the wire.
    const uploads = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && request.url().endsWith("/journal")) uploads.push(request.allHeaders());
    });
    await loadDemoVillage(page);
    // Enough points and salt for every redemption of the test.
    const stocked = await inKiosk(page, async (kiosk) => {
      const staffSession = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now: Date.now() });
      const common = { staffSession, now: Date.now() };
      await kiosk.correct({ ...common, household: "A001", amount: "200", reason: "上传测试", requestId: "upload-points", coSign: { staff: "clerk", pin: "2222" } });
      await kiosk.restock({ ...common, donor: "县供销社", sourceType: "organisation", lines: [{ sku: "salt-500g", qty: 60 }], requestId: "upload-salt" });
      return true;
    });
    assert.equal(stocked, true, JSON.stringify(stocked));
    await staffSignIn(page, DEMO_STAFF.admin.id, DEMO_STAFF.admin.pin);

    // Without an admin session, or to an origin other than the one the
    // page was built for, an enrollment is refused and records nothing.
    const before = await inKiosk(page, (kiosk) => kiosk.info().seq);
    const refusals = await inKiosk(page, async (kiosk, origin) => {
      const input = { countyId: "420102001001-01", code: "x", requestId: "refused-1", now: Date.now() };
      const codeOf = (promise) => promise.then(() => "ENROLLED", (error) => error.code);
      const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now: Date.now() });
      const admin = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now: Date.now() });
      return {
        noSession: await codeOf(kiosk.enrollPlatform({ ...input, staffSession: "x", url: origin })),
        clerk: await codeOf(kiosk.enrollPlatform({ ...input, staffSession: clerk, url: origin })),
        otherPort: await codeOf(kiosk.enrollPlatform({ ...input, staffSession: admin, url: "http://127.0.0.1:1" })),
        notAnOrigin: await codeOf(kiosk.enrollPlatform({ ...input, staffSession: admin, url: `${origin}/v1` })),
        badCountyId: await codeOf(kiosk.enrollPlatform({ ...input, staffSession: admin, url: origin, countyId: "村 01" })),
        wrongCode: await codeOf(kiosk.enrollPlatform({ ...input, staffSession: admin, url: origin })),
        seq: kiosk.info().seq,
        status: await kiosk.platformStatus(),
      };
    }, env.platformOrigin);
    assert.deepEqual(
      { ...refusals, status: refusals.status.enrolled },
      {
        noSession: "STAFF_AUTH_REQUIRED",
        clerk: "STAFF_AUTH_REQUIRED",
        otherPort: "PLATFORM_ORIGIN_NOT_ALLOWED",
        notAnOrigin: "INVALID_INPUT",
        badCountyId: "INVALID_INPUT",
        wrongCode: "ENROLL_CODE_INVALID",
        seq: before,
        status: false,
      },
    );

    await enrollOnScreen(page, code);
    const enrolledSeq = await inKiosk(page, (kiosk) => kiosk.info().seq);
    assert.equal(enrolledSeq, before + 1, "the enrollment is one journal entry");
    const enrolled = await inKiosk(page, (kiosk) => kiosk.exportJournal({ from: kiosk.info().seq }));
    assert.match(enrolled, /"kind":"platform_enrolled","county_id":"420102001001-01","platform":"http:\/\/127\.0\.0\.1:\d+"/);
    assert.match(enrolled, /"actor":\{"type":"staff","staff":"admin"\}/);

    // 20 redemptions arrive within the upload interval.
    const seq20 = await redeemSalt(page, "first", 20);
    await until(() => platformHead().seq === seq20, `the platform's head to reach ${seq20}`);
    assert.equal(storedEntries(), seq20);
    await homeWaiting(page, 0);
    const status = await inKiosk(page, (kiosk) => kiosk.platformStatus());
    assert.equal(status.ackedSeq, seq20);
    assert.equal(status.waiting, 0);
    assert.ok(status.lastSuccessMs > 0);
    assert.equal(JSON.stringify(status).includes("token"), false, "the token is not handed to the page");
    const sent = await Promise.all(uploads);
    assert.ok(sent.length > 0);
    assert.ok(sent.some((headers) => headers["content-encoding"] === "gzip"), "a large upload goes gzipped");
    assert.ok(sent.every((headers) => /^Bearer [0-9a-f]{64}$/.test(headers.authorization)));

    // The platform stopped: 10 more are taken and wait.
    await env.platform.stop();
    const seq30 = await redeemSalt(page, "offline", 10);
    assert.equal(seq30, seq20 + 10);
    await homeWaiting(page, 10);
    // The kiosk tries a while after a write, not at once: wait for its try.
    const down = await until(async () => {
      const status = await inKiosk(page, (kiosk) => kiosk.platformStatus());
      return status.lastError ? status : null;
    }, "the kiosk's try at the stopped platform");
    assert.equal(down.lastError?.code, "PLATFORM_UNREACHABLE");
    assert.ok(down.oldestWaitingMs > 0);

    // Started again: all 10 arrive, once.
    env.platform = await startPlatform();
    await page.evaluate(() => dispatchEvent(new Event("online")));
    await until(() => platformHead().seq === seq30, `the platform's head to reach ${seq30}`);
    assert.equal(storedEntries(), seq30, "every entry is stored once");
    await homeWaiting(page, 0);

    // A backup of this kiosk; then one more redemption, uploaded.
    const backup = await inKiosk(page, async (kiosk) => {
      const staffSession = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now: Date.now() });
      return kiosk.backup({ staffSession, includePins: true, now: Date.now() });
    });
    assert.ok(backup.text, JSON.stringify(backup.error));
    const seq31 = await redeemSalt(page, "after-backup", 1);
    await until(() => platformHead().seq === seq31, `the platform's head to reach ${seq31}`);

    // Archiving reaches as far as the platform acknowledged (nothing was
    // marked uploaded by USB), no further; the upload goes on after it.
    await until(async () => (await inKiosk(page, (kiosk) => kiosk.platformStatus())).ackedSeq === seq31, "the acknowledgement");
    const archived = await inKiosk(page, async (kiosk) => {
      const staffSession = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now: Date.now() });
      await kiosk.whenVerified();
      const { seq, uploadedThroughSeq } = kiosk.info();
      const beyond = await kiosk.archive({ staffSession, now: Date.now(), throughSeq: seq + 1 }).then(() => "ARCHIVED", (error) => error.code);
      const archive = await kiosk.archive({ staffSession, now: Date.now() });
      return { uploadedThroughSeq, beyond, through: archive.throughSeq, base: kiosk.info().archivedThroughSeq };
    });
    assert.deepEqual(archived, { uploadedThroughSeq: 0, beyond: "INVALID_INPUT", through: seq31, base: seq31 });
    const seq32 = await redeemSalt(page, "after-archive", 1);
    await until(() => platformHead().seq === seq32, `the platform's head to reach ${seq32} after the archive`);
    // The browser logs each refused request (the wrong code, the platform
    // down); nothing else may go wrong on the page.
    assert.deepEqual(errors.filter((error) => !error.startsWith("Failed to load resource")), []);
    await page.close();
    env.backupText = backup.text;
    env.forkSeq = seq31;
    env.platformSeq = seq32;
  } finally {
    await original.close();
  }

  // The twin: a second profile restored from the backup, enrolled again by
  // the county, used: its upload is a fork at the seq where they part.
  const twinCode = codeOf(platformCommand("kiosk", "enroll-code", "--id", COUNTY_ID));
  const twin = await launchBrowser({ viewport: { width: 1366, height: 900 } });
  try {
    const { page } = await openKioskPage(twin.context, env.kioskUrl, KIOSK_ID, UPLOAD_PARAMS);
    const restored = await inKiosk(page, (kiosk, text) => kiosk.restoreBackup({ text, now: Date.now(), adminId: "admin", adminPin: "9999" }), env.backupText);
    assert.equal(restored?.error, undefined, JSON.stringify(restored?.error));
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    // The twin holds the backup's entries (and what restoring records).
    assert.ok((await inKiosk(page, (kiosk) => kiosk.info().seq)) >= env.forkSeq - 1);
    await staffSignIn(page, DEMO_STAFF.admin.id, DEMO_STAFF.admin.pin);
    await enrollOnScreen(page, twinCode);
    await redeemSalt(page, "twin", 1);
    await page.evaluate(() => dispatchEvent(new Event("online")));
    await until(() => platformHead().status === "fork", "the platform to record the fork");
    const conflict = psql(env.databaseUrl, `SELECT kind, seq FROM conflict WHERE kiosk = '${COUNTY_ID}'`);
    assert.ok(conflict.split("\n").some((row) => row.startsWith("fork|")), conflict);
    const forkSeq = Number(conflict.split("\n").find((row) => row.startsWith("fork|")).split("|")[1]);

    const status = await until(async () => {
      const current = await inKiosk(page, (kiosk) => kiosk.platformStatus());
      return current.alert ? current : null;
    }, "the kiosk's alert");
    assert.equal(status.alert.code, "PLATFORM_FORK");
    assert.equal(status.alert.seq, forkSeq);
    await staffHome(page);
    const alert = page.locator(".platform-alert");
    await alert.waitFor({ timeout: WAIT_MS });
    assert.equal(await alert.getAttribute("data-seq"), String(forkSeq));
    assert.match(await alert.textContent(), new RegExp(`第 ${forkSeq} 条`));
    assert.match(await alert.textContent(), /县里/);
    assert.deepEqual(await checkLayout(page), []);
    // Uploading stops: another attempt is refused at once with the alert.
    const again = await inKiosk(page, (kiosk) => kiosk.syncPlatform({ now: Date.now() }));
    assert.equal(again.error.code, "PLATFORM_FORK");
    assert.equal(platformHead().seq, env.platformSeq, "the platform keeps its own journal meanwhile");

    // The county keeps the twin's journal: the kiosk's next look (due after
    // the longest back-off; the time is passed in) lifts the alert, and the
    // upload goes on from the platform's head.
    platformCommand("kiosk", "resolve", "--id", COUNTY_ID, "--keep", "kiosk", "--by", "county-clerk");
    const later = Date.now() + 31 * 60_000;
    const resumed = await inKiosk(page, (kiosk, now) => kiosk.syncPlatform({ now }), later);
    assert.equal(resumed.error, undefined, JSON.stringify(resumed.error));
    assert.equal(resumed.more, true);
    const twinSeq = await inKiosk(page, (kiosk) => kiosk.info().seq);
    await page.evaluate(() => dispatchEvent(new Event("online")));
    await until(() => platformHead().seq === twinSeq && platformHead().status === "ok", "the twin's journal on the platform");
    await homeWaiting(page, 0);
    assert.equal(await page.locator(".platform-alert").count(), 0);
  } finally {
    await twin.close();
  }
});

test("a backup older than the county's copy: the restore screen names both seqs and offers the platform's copy; restored anyway with the recovery code and enrolled again, the first upload is a fork", { timeout: 240_000 }, async () => {
  assert.ok(env.baseUrl, "DATABASE_URL is not set: these tests need a PostgreSQL server where they may CREATE DATABASE (./scripts/test starts one)");
  assert.ok(env.binary, "the platform binary was not found: set AIXIN_PLATFORM_BIN or build aixin-platform");
  const countyId = "420102001001-02";
  const kioskId = "village-02";
  const code = codeOf(platformCommand("kiosk", "add", "--id", countyId, "--village", "李家村"));
  env.platform ??= await startPlatform();

  // An enrolled kiosk uploads; back up; redeem three times, uploaded.
  let backupText, backupSeq, recoveryCode, laterSeq;
  const original = await launchBrowser({ viewport: { width: 1366, height: 900 } });
  try {
    const { page } = await openKioskPage(original.context, env.kioskUrl, kioskId, UPLOAD_PARAMS);
    await loadDemoVillage(page);
    const made = await inKiosk(
      page,
      async (kiosk, { origin, countyId, code }) => {
        const staffSession = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now: Date.now() });
        const common = { staffSession, now: Date.now() };
        await kiosk.restock({ ...common, donor: "县供销社", sourceType: "organisation", lines: [{ sku: "salt-500g", qty: 20 }], requestId: "older-salt" });
        // Within what one staff member may correct alone in a day.
        await kiosk.correct({ ...common, household: "A001", amount: "8", reason: "恢复测试", requestId: "older-points" });
        const { recoveryCode } = await kiosk.newRecoveryCode({ ...common, requestId: "older-recovery-code" });
        await kiosk.enrollPlatform({ ...common, url: origin, countyId, code, requestId: "older-enroll" });
        return { recoveryCode };
      },
      { origin: env.platformOrigin, countyId, code },
    );
    assert.ok(made.recoveryCode, JSON.stringify(made));
    recoveryCode = made.recoveryCode.replace(/\D/g, "");
    const seq = await redeemSalt(page, "older-before", 1);
    await until(() => platformHead(countyId).seq === seq, `the platform's head to reach ${seq}`);
    const backup = await inKiosk(page, async (kiosk) => {
      const staffSession = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now: Date.now() });
      return kiosk.backup({ staffSession, includePins: true, now: Date.now() });
    });
    assert.ok(backup.text, JSON.stringify(backup.error));
    [backupText, backupSeq] = [backup.text, backup.entries];
    laterSeq = await redeemSalt(page, "older-after", 3);
    assert.equal(laterSeq, backupSeq + 3);
    await until(() => platformHead(countyId).seq === laterSeq, `the platform's head to reach ${laterSeq}`);
  } finally {
    await original.close();
  }

  // Wiped (a new profile): without the code the restore is refused.
  const wiped = await launchBrowser({ viewport: { width: 1366, height: 900 } });
  try {
    const { page, errors } = await openKioskPage(wiped.context, env.kioskUrl, kioskId, UPLOAD_PARAMS);
    const refused = await inKiosk(page, (kiosk, text) => kiosk.restoreBackup({ text, now: Date.now() }).then(() => "RESTORED", (error) => error.code), backupText);
    assert.equal(refused, "RESTORE_AUTH_REQUIRED");
    assert.equal(await inKiosk(page, (kiosk) => kiosk.info().seq), 0, "a refused restore writes nothing");

    // On the screen: the backup is compared with the county's head first.
    const chooseBackup = async () => {
      await page.getByRole("button", { name: /从备份恢复/ }).click();
      await page.locator("#restore-file").setInputFiles({ name: "backup.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from(backupText) });
      const older = page.locator("#restore-platform[data-platform-seq]");
      await older.waitFor({ timeout: WAIT_MS });
      return older;
    };
    const older = await chooseBackup();
    assert.equal(await older.getAttribute("data-backup-seq"), String(backupSeq));
    assert.equal(await older.getAttribute("data-platform-seq"), String(laterSeq));
    const said = await older.textContent();
    assert.match(said, new RegExp(`只到第 ${backupSeq} 条记录,县级平台已经有到第 ${laterSeq} 条`));
    assert.deepEqual(await checkLayout(page), []);
    // The platform's copy is offered, with its address and the county id filled in.
    await page.locator("#restore-platform-copy").click();
    await page.locator("#platform-restore-county-id").waitFor();
    assert.equal(await page.locator("#platform-restore-county-id").inputValue(), countyId);
    assert.equal(await page.locator("#platform-restore-url").inputValue(), env.platformOrigin);
    await page.getByRole("button", { name: /^(返回|Back)/ }).click();

    // Going on with the older file needs the recovery code.
    await chooseBackup();
    await page.getByRole("button", { name: /^恢复/ }).click();
    await page.getByText("仍要用这个较旧的备份恢复,要输入 12 位恢复码").waitFor();
    await fillPad(page, page.getByLabel(/恢复码/), recoveryCode);
    await page.getByRole("button", { name: /^恢复/ }).click();
    await page.getByRole("button", { name: /开始兑换|Start/ }).waitFor();
    assert.equal(await inKiosk(page, (kiosk) => kiosk.info().seq), backupSeq + 1, "the backup's entries and the restored entry");

    // Enrolled again by the county: the first upload is a 409 fork where
    // the restored entry parts from the three redemptions.
    const uploads = [];
    page.on("response", (response) => {
      if (response.request().method() === "POST" && response.url().endsWith("/journal")) uploads.push(response.status());
    });
    const again = codeOf(platformCommand("kiosk", "enroll-code", "--id", countyId));
    const enrolled = await inKiosk(
      page,
      async (kiosk, { origin, countyId, code }) => {
        const staffSession = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now: Date.now() });
        return kiosk.enrollPlatform({ staffSession, url: origin, countyId, code, requestId: "older-enroll-again", now: Date.now() });
      },
      { origin: env.platformOrigin, countyId, code: again },
    );
    assert.equal(enrolled.enrolled, true, JSON.stringify(enrolled));
    await page.evaluate(() => dispatchEvent(new Event("online")));
    await until(() => platformHead(countyId).status === "fork", "the platform to record the fork");
    await until(() => uploads.length > 0, "the first upload's answer");
    assert.equal(uploads[0], 409, `the first upload answered ${uploads[0]}`);
    const conflict = psql(env.databaseUrl, `SELECT kind, seq FROM conflict WHERE kiosk = '${countyId}'`);
    assert.deepEqual(conflict.split("\n").filter((row) => row.startsWith("fork|")), [`fork|${backupSeq + 1}`]);
    assert.equal(platformHead(countyId).seq, laterSeq, "the county keeps its three redemptions");
    const status = await until(async () => {
      const current = await inKiosk(page, (kiosk) => kiosk.platformStatus());
      return current.alert ? current : null;
    }, "the kiosk's alert");
    assert.equal(status.alert.code, "PLATFORM_FORK");
    assert.deepEqual(errors.filter((error) => !error.startsWith("Failed to load resource")), []);
  } finally {
    await wiped.close();
  }
});
