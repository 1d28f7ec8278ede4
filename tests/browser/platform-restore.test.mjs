// The county platform's side coming down, end to end and cross origin, on
// the real `aixin-platform` and PostgreSQL (one platform process for the
// file): credits imported at the county (`credits import`) reach the kiosk
// once, also when offered twice or while the kiosk was offline, and go back
// up with the next upload; one for a household the kiosk does not know
// shows on the staff home. Then the kiosk is lost: a restore code, each
// refusal (a wrong code, an id that never uploaded, another origin, a
// journal the kiosk's own verification refuses), a restore without PINs
// where the admin sets one, and the restore on screen from the first-run
// page with an old backup's PINs, at the same state hash, continuing the
// same chain with the new token.
//
// Needs DATABASE_URL and the platform binary, like upload.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser, openKioskPage, loadDemoVillage, staffSignIn, checkLayout } from "./harness.mjs";
import { inKiosk } from "./api.mjs";
import { WAIT_MS, psql, until, platformCommand, codeOf, startPlatform, preparePlatform, cleanUpPlatform } from "./platform.mjs";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const COUNTY_ID = "420102001002-01";
const NEVER_UPLOADED = "420102001002-02";
const KIOSK_ID = "village-01";
/** The uploader waits long on these pages: the test says when it uploads (the `online` event). */
const QUIET = { uploadDelayMs: 600_000, uploadEveryMs: 600_000 };
/** Short intervals: the restored kiosk uploads by itself. */
const BUSY = { uploadDelayMs: 300, uploadEveryMs: 2_000 };
/** The demo month's points file: 30 credits of 2026-11, one per demo household. */
const MONTH_FILE = join(repoRoot, "tests/fixtures/import/credits-demo-month-gbk.csv");
const MONTH_CREDITS = 30;

const env = {};
const command = (...args) => platformCommand(env, ...args);

function platformHead() {
  const [seq, status] = psql(env.databaseUrl, `SELECT head_seq, status FROM kiosk WHERE county_id = '${COUNTY_ID}'`).split("|");
  return { seq: Number(seq), status };
}

/** Credits the platform still offers (their keys not yet in the uploaded journal). */
function waitingOnPlatform() {
  return Number(psql(env.databaseUrl, `SELECT count(*) FROM pending_credit WHERE kiosk = '${COUNTY_ID}' AND taken_seq IS NULL`));
}

/** The kiosk's credit entries of `period`, and how many of them the kiosk appended itself. */
async function kioskCredits(page, period) {
  const journal = await inKiosk(page, (kiosk) => kiosk.exportJournal({ from: 1 }));
  const lines = journal.split("\n").filter((line) => line.includes('"kind":"credited"') && line.includes(`"period":"${period}"`));
  return { count: lines.length, bySystem: lines.filter((line) => line.includes('"actor":{"type":"system"}')).length };
}

function platformCredits(period) {
  return Number(psql(env.databaseUrl, `SELECT count(*) FROM entry WHERE kiosk = '${COUNTY_ID}' AND kind = 'credited' AND convert_from(record, 'UTF8') LIKE '%"period":"${period}"%'`));
}

/** Uploads now (the browser's `online` event) and waits for the platform's head to reach the kiosk's. */
async function uploaded(page) {
  const seq = await inKiosk(page, (kiosk) => kiosk.info().seq);
  await page.evaluate(() => dispatchEvent(new Event("online")));
  await until(() => platformHead().seq === seq, `the platform's head to reach ${seq}`);
  return seq;
}

const take = (page) => inKiosk(page, (kiosk) => kiosk.takePlatformCredits({ now: Date.now() }));

before(() => preparePlatform(env, "aixin_restore"));
after(() => cleanUpPlatform(env));

test("credits imported at the county reach the kiosk once, also offered twice or while it was offline, and go back up", { timeout: 180_000 }, async () => {
  assert.ok(env.baseUrl, "DATABASE_URL is not set: these tests need a PostgreSQL server where they may CREATE DATABASE (./scripts/test starts one)");
  assert.ok(env.binary, "the platform binary was not found: set AIXIN_PLATFORM_BIN or build aixin-platform");
  const code = codeOf(command("kiosk", "add", "--id", COUNTY_ID, "--village", "李家村"));
  env.platform = await startPlatform(env, COUNTY_ID);

  const browser = await launchBrowser({ viewport: { width: 1366, height: 900 } });
  try {
    const { page, errors } = await openKioskPage(browser.context, env.kioskUrl, KIOSK_ID, QUIET);
    await loadDemoVillage(page);
    const enrolled = await inKiosk(page, async (kiosk, { url, countyId, code }) => {
      const staffSession = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now: Date.now() });
      return kiosk.enrollPlatform({ staffSession, url, countyId, code, requestId: "enroll-1", now: Date.now() });
    }, { url: env.platformOrigin, countyId: COUNTY_ID, code });
    assert.equal(enrolled.error, undefined, JSON.stringify(enrolled.error));
    await uploaded(page);
    // A backup with PINs, older than everything below: the restore takes its PINs.
    const backup = await inKiosk(page, async (kiosk) => {
      const staffSession = await kiosk.staffSignIn({ staff: "admin", pin: "9999", now: Date.now() });
      return kiosk.backup({ staffSession, includePins: true, now: Date.now() });
    });
    assert.ok(backup.text, JSON.stringify(backup.error));
    env.backupText = backup.text;
    assert.equal(platformCredits("2026-11"), 0);

    // Imported at the county; taken, and offered again before the kiosk
    // uploaded them: credited once.
    const imported = command("credits", "import", "--id", COUNTY_ID, MONTH_FILE, "--by", "county-clerk");
    assert.match(imported, /30 credits/);
    assert.deepEqual(await take(page), { taken: MONTH_CREDITS, already: 0, unapplied: [] });
    assert.equal(waitingOnPlatform(), MONTH_CREDITS, "not uploaded yet: the platform offers them still");
    assert.deepEqual(await take(page), { taken: 0, already: MONTH_CREDITS, unapplied: [] });
    assert.deepEqual(await kioskCredits(page, "2026-11"), { count: MONTH_CREDITS, bySystem: MONTH_CREDITS });
    // The next upload carries them back; then the platform stops offering them.
    await uploaded(page);
    assert.equal(platformCredits("2026-11"), MONTH_CREDITS);
    assert.deepEqual(await take(page), { taken: 0, already: 0, unapplied: [] });
    assert.equal(waitingOnPlatform(), 0);
    // The same file again adds nothing at the county.
    assert.match(command("credits", "import", "--id", COUNTY_ID, MONTH_FILE), /0 credits .* 30 the kiosk holds already/);

    // Imported while the kiosk cannot reach the platform: they come with
    // the sync after it is back, once.
    await env.platform.stop();
    const julyFile = join(env.tempDir, "credits-july.csv");
    const month = new TextDecoder("gbk").decode(await readFile(MONTH_FILE));
    await writeFile(julyFile, `\ufeff${month.replaceAll("2026年11月", "2026年7月")}`);
    command("credits", "import", "--id", COUNTY_ID, julyFile);
    assert.equal((await take(page)).error?.code, "PLATFORM_UNREACHABLE");
    assert.deepEqual(await kioskCredits(page, "2026-07"), { count: 0, bySystem: 0 });
    env.platform = await startPlatform(env, COUNTY_ID);
    await page.evaluate(() => dispatchEvent(new Event("online")));
    await until(async () => (await kioskCredits(page, "2026-07")).count === MONTH_CREDITS, "the July credits on the kiosk");
    await until(async () => platformHead().seq === (await inKiosk(page, (kiosk) => kiosk.info().seq)), "the July credits uploaded");
    assert.equal(platformCredits("2026-07"), MONTH_CREDITS);
    await page.evaluate(() => dispatchEvent(new Event("online")));
    await until(() => waitingOnPlatform() === 0, "the platform to stop offering them");
    assert.deepEqual(await kioskCredits(page, "2026-07"), { count: MONTH_CREDITS, bySystem: MONTH_CREDITS });

    // A credit for a household the kiosk does not know (the importer would
    // refuse the file; here it is put straight into the table) is not
    // appended and shows on the staff home.
    psql(env.databaseUrl, `INSERT INTO pending_credit (kiosk, household, period, source, amount, imported_by, file_sha256) VALUES ('${COUNTY_ID}', 'Z999', '2026-07', '评分', 500, 'test', '\\x00')`);
    const seq = await inKiosk(page, (kiosk) => kiosk.info().seq);
    const unknown = await take(page);
    assert.equal(unknown.taken, 0);
    assert.deepEqual(unknown.unapplied.map((credit) => [credit.household, credit.amount]), [["Z999", "5.00"]]);
    assert.match(unknown.unapplied[0].messageEn, /household/i);
    assert.equal(await inKiosk(page, (kiosk) => kiosk.info().seq), seq, "nothing appended");
    await staffSignIn(page, "admin", "9999");
    const shown = page.locator(".platform-credits-unapplied-list li[data-household=Z999]");
    await shown.waitFor({ timeout: WAIT_MS });
    assert.match(await page.locator(".platform-credits-unapplied").textContent(), /入不了账/);
    psql(env.databaseUrl, `DELETE FROM pending_credit WHERE household = 'Z999'`);

    env.finalSeq = await uploaded(page);
    env.finalStateHash = await inKiosk(page, (kiosk) => kiosk.stateHash());
    assert.deepEqual(errors.filter((error) => !error.startsWith("Failed to load resource")), []);
  } finally {
    await browser.close();
  }
});

test("a lost kiosk is restored from the platform: each refusal, without PINs, and on screen with an old backup's PINs", { timeout: 180_000 }, async () => {
  assert.ok(env.finalSeq > 0, "the first test of this file runs first");
  const hex = (text) => Buffer.from(text, "utf8").toString("hex");
  command("kiosk", "add", "--id", NEVER_UPLOADED, "--village", "新村");
  assert.throws(() => command("kiosk", "restore-code", "--id", NEVER_UPLOADED), /never uploaded/);

  const lost = await launchBrowser({ viewport: { width: 1366, height: 900 } });
  try {
    const { page } = await openKioskPage(lost.context, env.kioskUrl, KIOSK_ID, QUIET);
    const restore = (input) =>
      inKiosk(page, (kiosk, input) => kiosk.restoreFromPlatform({ now: Date.now(), ...input }).then((done) => done, (error) => ({ error: { code: error.code, seq: error.seq, message: error.message, messageEn: error.messageEn } })), input);
    const base = { url: env.platformOrigin, countyId: COUNTY_ID, adminId: "admin", adminPin: "8642" };

    // A journal on the platform changed at seq 3 (hashes left as they were).
    const original = psql(env.databaseUrl, `SELECT encode(record, 'hex') FROM entry WHERE kiosk = '${COUNTY_ID}' AND seq = 3`);
    const changed = Buffer.from(original, "hex").toString("utf8").replace(/"time_ms":(\d)/, (_, digit) => `"time_ms":${(Number(digit) + 1) % 10}`);
    psql(env.databaseUrl, `UPDATE entry SET record = '\\x${hex(changed)}' WHERE kiosk = '${COUNTY_ID}' AND seq = 3`);
    const code = codeOf(command("kiosk", "restore-code", "--id", COUNTY_ID, "--by", "county-clerk"));
    const refusals = {
      wrongCode: (await restore({ ...base, code: "0000-0000-0000-0000" })).error?.code,
      neverUploaded: (await restore({ ...base, countyId: NEVER_UPLOADED, code })).error?.code,
      otherOrigin: (await restore({ ...base, url: "http://127.0.0.1:1", code })).error?.code,
      noPin: (await restore({ ...base, adminPin: undefined, adminId: undefined, code })).error?.code,
    };
    assert.deepEqual(refusals, {
      wrongCode: "RESTORE_CODE_INVALID",
      neverUploaded: "PLATFORM_NOTHING_TO_RESTORE",
      otherOrigin: "PLATFORM_ORIGIN_NOT_ALLOWED",
      noPin: "INVALID_INPUT",
    });
    // None of those spent the code.
    const refused = await restore({ ...base, code });
    assert.equal(refused.error?.code, "PLATFORM_JOURNAL_REFUSED", JSON.stringify(refused));
    assert.equal(refused.error.seq, 3);
    assert.match(refused.error.message, /第 3 条/);
    assert.match(refused.error.messageEn, /entry 3/);
    assert.equal(await inKiosk(page, (kiosk) => kiosk.info().seq), 0, "a refused restore leaves the kiosk empty");
    psql(env.databaseUrl, `UPDATE entry SET record = '\\x${original}' WHERE kiosk = '${COUNTY_ID}' AND seq = 3`);

    // Without a backup: the admin's new PIN is one entry after the
    // platform's head; everyone else is listed for a new PIN.
    const again = codeOf(command("kiosk", "restore-code", "--id", COUNTY_ID));
    const done = await restore({ ...base, code: again });
    assert.equal(done.error, undefined, JSON.stringify(done.error));
    assert.equal(done.headSeq, env.finalSeq);
    assert.equal(done.headStateHash, env.finalStateHash);
    assert.equal(done.seq, env.finalSeq + 1);
    assert.equal(done.pinsFromBackup, false);
    assert.equal(done.needsPin.filter((who) => who.kind === "household").length, 30);
    assert.deepEqual(done.needsPin.filter((who) => who.kind === "staff").map((who) => who.id).sort(), ["clerk", "shop"]);
    const signedIn = await inKiosk(page, (kiosk) => kiosk.staffSignIn({ staff: "admin", pin: "8642", now: Date.now() }));
    assert.equal(signedIn.role, "admin", JSON.stringify(signedIn));
    const status = await inKiosk(page, (kiosk) => kiosk.platformStatus());
    assert.deepEqual([status.enrolled, status.countyId, status.ackedSeq], [true, COUNTY_ID, env.finalSeq]);
  } finally {
    // Closed before it uploads its PIN entry: the next restore is of the platform's head.
    await lost.close();
  }

  // On screen, from the first-run page, with the old backup's PINs.
  const code = codeOf(command("kiosk", "restore-code", "--id", COUNTY_ID));
  const fresh = await launchBrowser({ viewport: { width: 1366, height: 900 } });
  try {
    const { page, errors } = await openKioskPage(fresh.context, env.kioskUrl, KIOSK_ID, BUSY);
    await page.locator("#setup-platform-restore").click();
    assert.equal(await page.locator("#platform-restore-url").inputValue(), env.platformOrigin, "the allowed origin is filled in");
    await page.locator("#platform-restore-county-id").fill(COUNTY_ID);
    await page.locator("#platform-restore-code").fill(code);
    await page.locator("#platform-restore-file").setInputFiles({ name: "backup.ndjson", mimeType: "application/x-ndjson", buffer: Buffer.from(env.backupText) });
    await page.getByText(/已选备份文件/).waitFor({ timeout: WAIT_MS });
    assert.deepEqual(await checkLayout(page), []);
    await page.getByRole("button", { name: /^从县级平台恢复/ }).click();
    const hash = page.locator(".platform-restore-state-hash");
    await hash.waitFor({ timeout: WAIT_MS });
    assert.equal(await hash.getAttribute("data-state-hash"), env.finalStateHash, "the platform's head, the same state hash");
    await page.getByText("每一位都有密码").waitFor({ timeout: WAIT_MS });
    assert.deepEqual(await checkLayout(page), []);
    await page.getByRole("button", { name: /开始使用/ }).click();
    await page.getByRole("button", { name: /开始兑换|Start/ }).waitFor({ timeout: WAIT_MS });
    assert.equal(await inKiosk(page, (kiosk) => kiosk.stateHash()), env.finalStateHash);

    // The same chain goes on with the new token: a redemption (the old
    // backup's PIN) reaches the platform by itself.
    const seq = await inKiosk(page, async (kiosk) => {
      const session = await kiosk.signIn({ household: "A001", pin: "3817", now: Date.now() });
      await kiosk.redeem({ session, lines: [{ sku: "salt-500g", qty: 1 }], requestId: "after-restore-1", now: Date.now() });
      return kiosk.info().seq;
    });
    assert.equal(seq, env.finalSeq + 1);
    await until(() => platformHead().seq === seq && platformHead().status === "ok", "the restored kiosk's upload");
    // The platform recorded every restore it answered: who issued the code, to which head.
    const restores = psql(env.databaseUrl, `SELECT issued_by, head_seq FROM restore WHERE kiosk = '${COUNTY_ID}' ORDER BY id`).split("\n");
    assert.equal(restores.length, 3, restores.join("\n"));
    assert.deepEqual(restores[0].split("|"), ["county-clerk", String(env.finalSeq)]);
    assert.deepEqual(errors.filter((error) => !error.startsWith("Failed to load resource")), []);
  } finally {
    await fresh.close();
  }
});
