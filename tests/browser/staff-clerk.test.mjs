// The clerk's imports, exports and verifier through the screens: a file
// with one bad row changes nothing and names the row; a month of points in
// GBK changes the balances; an export downloaded as a zip passes the native
// `aixin-verify` and the page's own verifier, and a hand-edited copy fails at
// its line; "uploaded" moves the "since the last upload" range; the storage
// gauge shows its figures and warns when nearly full.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, mkdir, readFile, writeFile, rm, cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  inPage,
  staffSignIn,
  staffMenu,
  fillPad,
  checkLayout,
  seriousAxeViolations,
  SCREENSHOT_DIR,
  DEMO_STAFF,
} from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const GBK_MONTH = join(ROOT, "tests/fixtures/import/credits-demo-month-gbk.csv");

const { openDemoPage } = startForFile({ browser: { viewport: { width: 1920, height: 1080 }, bypassCSP: true }, screenshots: true });
let scratch;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "aixin-clerk-"));
});
after(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const button = (page, name) => page.getByRole("button", { name });
const balances = (page) =>
  inPage(page, (kiosk) => Object.fromEntries(kiosk.households().map((household) => [household.code, household.balance])));
const info = (page) => inPage(page, (kiosk) => kiosk.info());

/** The files of a zip written without compression, as [{ name, bytes }] (checks each CRC). */
function unzipStored(zip) {
  const files = [];
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const method = zip.readUInt16LE(at + 8);
    const crc = zip.readUInt32LE(at + 14);
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extraLength = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 30, at + 30 + nameLength).toString("utf8");
    const start = at + 30 + nameLength + extraLength;
    const bytes = zip.subarray(start, start + size);
    assert.equal(method, 0, "stored");
    assert.equal(crc32(bytes), crc, `CRC of ${name}`);
    files.push({ name, bytes });
    at = start + size;
  }
  return files;
}

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The kiosk's rules for a screen (targets, text sizes, no overflow, axe), with a screenshot to look at. */
async function checkScreen(page, name, { english = false } = {}) {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `staff-clerk-${name}.png`) });
  assert.deepEqual([...(await checkLayout(page)), ...(await seriousAxeViolations(page))], [], name);
  if (!english) return;
  const banner = page.getByRole("banner");
  await banner.getByRole("button", { name: "English" }).click();
  await banner.getByRole("button", { name: "中文" }).waitFor();
  await page.screenshot({ path: join(SCREENSHOT_DIR, `staff-clerk-${name}-en.png`) });
  assert.deepEqual([...(await checkLayout(page)), ...(await seriousAxeViolations(page))], [], `${name} in English`);
  await banner.getByRole("button", { name: "中文" }).click();
  await banner.getByRole("button", { name: "English" }).waitFor();
}

function verifyNatively(...dirs) {
  return spawnSync("cargo", ["run", "--quiet", "--bin", "aixin-verify", "--", ...dirs], { cwd: ROOT, encoding: "utf8" });
}

test("a file with one bad row changes nothing and names it; a month of points in GBK changes the balances", async () => {
  const { page, errors } = await openDemoPage("clerk-import");
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  await staffMenu(page, "导入积分");
  const before = await balances(page);
  const seqBefore = (await info(page)).seq;

  // A blank template with Chinese headers, as Excel opens it (UTF-8 with BOM).
  const [template] = await Promise.all([page.waitForEvent("download"), button(page, /^下载空白模板/).click()]);
  const templatePath = join(scratch, "template.csv");
  await template.saveAs(templatePath);
  assert.match(await readFile(templatePath, "utf8"), /^\uFEFF户号,/);

  // One bad amount on line 3 (the header is line 1): refused, named, nothing applied.
  const bad = "\uFEFF户号,积分,期间,来源\r\nA001,5,2026-11,评分\r\nA002,abc,2026-11,评分\r\nA003,1,2026-11,评分\r\n";
  await page.setInputFiles("#clerk-import-file", { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad, "utf8") });
  await page.getByRole("alert").filter({ hasText: "有 1 处不对,什么都没有导入" }).waitFor();
  await page.getByText("文件 bad.csv,按 UTF-8 (BOM) 编码读取").waitFor();
  const refusal = page.getByRole("table", { name: "有 1 处不对,什么都没有导入" });
  const cells = await refusal.locator("tbody tr").first().locator("td").allInnerTexts();
  assert.equal(cells[0], "3");
  assert.equal(cells[1], "积分");
  assert.equal(cells[2], "abc");
  assert.match(cells[3], /第 3 行/);
  assert.equal(await refusal.locator("tbody tr").count(), 1);
  await checkScreen(page, "import-refused", { english: true });
  assert.equal(await button(page, /^导入\(/).count(), 0, "nothing to apply");
  assert.deepEqual(await balances(page), before);
  assert.equal((await info(page)).seq, seqBefore);

  // The month of points as Excel saved it in GBK: previewed, then applied.
  await page.setInputFiles("#clerk-import-file", GBK_MONTH);
  await page.getByText("文件 credits-demo-month-gbk.csv,按 GBK 编码读取").waitFor();
  const preview = page.locator(".clerk-preview .facts");
  await preview.waitFor();
  const facts = Object.fromEntries(
    await preview.locator(".fact").evaluateAll((nodes) => nodes.map((node) => [node.querySelector("dt").textContent, node.querySelector("dd").textContent])),
  );
  assert.equal(facts["行数"], "30");
  assert.equal(facts["户数"], "30");
  assert.equal(facts["积分合计"], "90");
  assert.equal(facts["新的"], "30");
  assert.equal(facts["已导入过"], "0");
  await page.getByRole("cell", { name: "李喆" }).waitFor();
  assert.deepEqual(await balances(page), before, "a preview changes nothing");
  await button(page, /^导入\(30 条\)/).click();
  // Importing points takes two people: the admin confirms with a PIN, a wrong one first.
  const coSign = page.locator("#cosign-dialog");
  await coSign.getByText("导入积分要两个人核对").waitFor();
  await checkScreen(page, "cosign-names");
  await coSign.getByRole("button", { name: /超市管理员|admin/ }).first().click();
  await coSign.locator("#cosign-pin").fill("0000");
  await checkScreen(page, "cosign-pin");
  await coSign.locator("#cosign-ok").click();
  await coSign.getByRole("alert").filter({ hasText: /密码/ }).waitFor();
  assert.equal((await info(page)).seq, seqBefore, "a wrong co-sign PIN imports nothing");
  await coSign.getByRole("button", { name: /admin/ }).first().click();
  await coSign.locator("#cosign-pin").fill(DEMO_STAFF.admin.pin);
  await coSign.locator("#cosign-ok").click();
  await page.getByRole("status").filter({ hasText: "已导入,记了 30 条" }).waitFor();
  const imported = await inPage(page, async (kiosk) => JSON.parse((await kiosk.exportJournal()).trim().split("\n").pop()).entry);
  assert.equal(imported.actor.staff, "clerk");
  assert.equal(imported.co_signed_by, "admin", "both hands are in the entry");
  await page.getByRole("status").filter({ hasText: "这些都已经导入过了" }).waitFor();
  const after = await balances(page);
  assert.equal(after.A005, "8.00");
  assert.deepEqual([before.A001, after.A001], ["6.10", "11.10"]);
  assert.equal((await info(page)).seq, seqBefore + 30);

  // The platform says A001 earned 6 that month: a conflict, applied only as a correction with a reason.
  const changed = "户号,积分,期间,来源\r\nA001,6,2026-11,评分\r\nA002,3,2026-11,评分\r\n";
  await page.setInputFiles("#clerk-import-file", { name: "fix.csv", mimeType: "text/csv", buffer: Buffer.from(changed, "utf8") });
  await page.getByText("文件 fix.csv,按 UTF-8 编码读取").waitFor();
  await page.getByRole("note").filter({ hasText: "有 1 笔和已入账的积分不同" }).waitFor();
  await page.getByRole("cell", { name: /已入账 5/ }).waitFor();
  await checkScreen(page, "import-conflict", { english: true });
  await button(page, /^导入并更正/).click();
  await page.getByRole("alert").filter({ hasText: "请先写原因" }).waitFor();
  assert.equal((await balances(page)).A001, "11.10");
  await page.getByLabel("更正原因").fill("平台更正 11 月评分");
  await button(page, /^导入并更正/).click();
  await coSign.getByRole("button", { name: /admin/ }).first().click();
  await coSign.locator("#cosign-pin").fill(DEMO_STAFF.admin.pin);
  await coSign.locator("#cosign-ok").click();
  await page.getByRole("status").filter({ hasText: "已导入,记了 1 条" }).waitFor();
  assert.equal((await balances(page)).A001, "12.10");
  const last = await inPage(page, async (kiosk) => JSON.parse((await kiosk.exportJournal()).trim().split("\n").pop()).entry.body);
  assert.equal(last.kind, "corrected");
  assert.match(JSON.stringify(last), /平台更正 11 月评分/);

  // Reconciling with the platform's balance list: who differs, and by how much.
  await staffMenu(page, "核对余额");
  const list = "户号,户主,积分余额\r\nA001,王建国,6.10\r\nA002,王秀英," + (await balances(page)).A002 + "\r\nZ999,不在终端,8\r\n";
  await page.setInputFiles("#clerk-import-file", { name: "balances.csv", mimeType: "text/csv", buffer: Buffer.from(list, "utf8") });
  await page.getByRole("status").filter({ hasText: "户不一致" }).waitFor();
  const reconciled = page.getByRole("table", { name: "和平台余额核对" });
  const a001 = await reconciled.getByRole("row", { name: /A001 王建国/ }).locator("td").allInnerTexts();
  assert.deepEqual(a001.slice(0, 4), ["A001 王建国", "12.1", "6.1", "+6"]);
  await reconciled.getByRole("row", { name: /Z999/ }).getByText("终端里没有").waitFor();
  assert.equal(await reconciled.getByRole("row", { name: /A002/ }).count(), 0, "A002 agrees");
  await checkScreen(page, "reconcile", { english: true });

  // Households as Excel's "Unicode text" (UTF-16 with BOM, tab-separated); a file that is no text at all.
  await staffMenu(page, "导入住户");
  await page.setInputFiles("#clerk-import-file", { name: "junk.csv", mimeType: "text/csv", buffer: Buffer.from([0x41, 0xff, 0x42]) });
  await page.getByRole("alert").filter({ hasText: "这个文件读不出文字" }).waitFor();
  const unicodeText = "户号\t户主\t组\t类型\r\nC011\t村小卖部\t第三组\t单位\r\n";
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(unicodeText, "utf16le")]);
  await page.setInputFiles("#clerk-import-file", { name: "households.txt", mimeType: "text/plain", buffer: utf16 });
  await page.getByText("文件 households.txt,按 UTF-16 (Unicode) 编码读取").waitFor();
  await page.getByRole("cell", { name: "村小卖部" }).waitFor();
  await button(page, /^导入\(1 条\)/).click();
  await page.getByRole("status").filter({ hasText: "已导入,记了 1 条" }).waitFor();
  const c011 = await inPage(page, (kiosk) => kiosk.household("C011"));
  assert.deepEqual([c011.name, c011.group, c011.kind], ["村小卖部", "第三组", "unit"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("an export downloaded as a zip passes both verifiers, a hand-edited copy fails at its line; uploaded moves the range; the gauge", async () => {
  const { page, errors } = await openDemoPage("clerk-export");
  // No File System Access in this browser: the export comes as a download.
  await page.evaluate(() => {
    delete window.showDirectoryPicker;
    delete Window.prototype.showDirectoryPicker;
  });
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  await staffMenu(page, "导出上传");
  const head = (await info(page)).seq;
  await page.getByRole("radio", { name: `上次上传以后的(第 1 到第 ${head} 条)` }).waitFor();
  assert.ok(await page.getByRole("radio", { name: /^上次上传以后的/ }).isChecked());
  await page.getByText("还没有上传过").waitFor();

  // The gauge: the journal's entries and bytes, the browser's figures.
  await page.locator("#clerk-gauge-journal").filter({ hasText: `${head} 条,` }).waitFor();
  assert.match(await page.locator("#clerk-gauge-used").innerText(), /\d+(\.\d)? (B|KB|MB|GB) \/ .+(\d+%)/);
  assert.match(await page.locator("#clerk-gauge-persisted").innerText(), /^(是|否|浏览器没有告诉)/);
  await checkScreen(page, "export");

  const [download] = await Promise.all([page.waitForEvent("download"), button(page, /^下载压缩包/).click()]);
  await page.getByRole("status").filter({ hasText: "已保存" }).waitFor();
  await checkScreen(page, "exported", { english: true });
  const name = `clerk-export-${String(1).padStart(6, "0")}-${String(head).padStart(6, "0")}`;
  assert.equal(download.suggestedFilename(), `${name}.zip`);
  const zipPath = join(scratch, download.suggestedFilename());
  await download.saveAs(zipPath);
  const files = unzipStored(await readFile(zipPath));
  assert.deepEqual(files.map((file) => file.name).sort(), ["journal.ndjson", "ledger.csv", "manifest.json", "redemptions.csv"].map((file) => `${name}/${file}`));
  const good = join(scratch, "good");
  for (const file of files) {
    await mkdir(join(good, name), { recursive: true });
    await writeFile(join(good, file.name), file.bytes);
  }

  // The native verifier passes it; a copy with one line changed fails there.
  const passed = verifyNatively(join(good, name));
  assert.equal(passed.status, 0, passed.stdout + passed.stderr);
  assert.match(passed.stdout, /通过 OK/);
  const edited = join(scratch, "edited", name);
  await cp(join(good, name), edited, { recursive: true });
  const journalPath = join(edited, "journal.ndjson");
  const lines = (await readFile(journalPath, "utf8")).split("\n");
  const changedLine = 10;
  lines[changedLine - 1] = lines[changedLine - 1].replace(/"time_ms":(\d+)/, (_, ms) => `"time_ms":${BigInt(ms) + 1000n}`);
  await writeFile(journalPath, lines.join("\n"));
  const failed = verifyNatively(edited);
  assert.equal(failed.status, 1, failed.stdout + failed.stderr);
  assert.match(failed.stdout, new RegExp(`文件 journal\\.ndjson 第 ${changedLine} 行:哈希链在这里断了`));

  // The page's verifier says the same.
  await staffMenu(page, "核验批次");
  await page.setInputFiles("#clerk-verify-files", zipPath);
  await page.getByRole("status").filter({ hasText: "1 个批次都完整" }).waitFor();
  await page.setInputFiles("#clerk-verify-files", ["journal.ndjson", "ledger.csv", "manifest.json", "redemptions.csv"].map((file) => join(edited, file)));
  await page.getByRole("alert").filter({ hasText: "1 个批次没通过" }).waitFor();
  await checkScreen(page, "verify-failed", { english: true });
  const problems = page.getByRole("table", { name: "1 个批次没通过" }).locator("tbody tr");
  const rows = await problems.evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((cell) => cell.innerText)));
  assert.ok(
    rows.some(([, file, line, text]) => file === "journal.ndjson" && line === String(changedLine) && text.includes("哈希链在这里断了")),
    JSON.stringify(rows),
  );

  // A range of seqs: exported as asked, but only a batch up to the latest entry may be marked uploaded.
  await staffMenu(page, "导出上传");
  await page.getByRole("radio", { name: "指定序号" }).check();
  await fillPad(page, page.getByLabel("从第几条"), "2");
  await fillPad(page, page.getByLabel("到第几条"), "6");
  const [ranged] = await Promise.all([page.waitForEvent("download"), button(page, /^下载压缩包/).click()]);
  assert.equal(ranged.suggestedFilename(), "clerk-export-000002-000006.zip");
  await page.getByRole("note").filter({ hasText: "只能把导出到最新一条的批次标记为已上传" }).waitFor();
  assert.equal(await button(page, /^已上传到第/).count(), 0);

  // Uploaded: the mark moves, and "since the last upload" starts after it.
  await staffMenu(page, "导出上传");
  assert.equal(await button(page, /^已上传到第/).count(), 0, "only after an export");
  await Promise.all([page.waitForEvent("download"), button(page, /^下载压缩包/).click()]);
  await button(page, `已上传到第 ${head} 条 Uploaded through entry ${head}`).click();
  await page.getByRole("status").filter({ hasText: `已记下:上传到第 ${head} 条` }).waitFor();
  assert.equal((await info(page)).uploadedThroughSeq, head);
  await page.getByText(`上次上传到第 ${head} 条`).waitFor();
  await page.getByRole("radio", { name: `上次上传以后的(第 ${head + 1} 到第 ${head + 1} 条)` }).waitFor();

  // Where the browser offers File System Access, the batch goes into a folder
  // (here the origin's private folder stands in for the USB stick) and is
  // verified from there.
  await page.evaluate(() => {
    window.showDirectoryPicker = async () => navigator.storage.getDirectory();
  });
  await staffMenu(page, "导出上传");
  await button(page, /^保存到U盘文件夹/).click();
  const folderName = `clerk-export-${String(head + 1).padStart(6, "0")}-${String(head + 1).padStart(6, "0")}`;
  await page.getByRole("status").filter({ hasText: `已保存:/${folderName}` }).waitFor();
  const saved = await page.evaluate(async (name) => {
    const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle(name);
    const names = [];
    for await (const handle of folder.values()) names.push(handle.name);
    return names.sort();
  }, folderName);
  assert.deepEqual(saved, ["journal.ndjson", "ledger.csv", "manifest.json", "redemptions.csv"]);
  await staffMenu(page, "核验批次");
  await button(page, /^选择文件夹/).click();
  await page.getByRole("status").filter({ hasText: "1 个批次都完整" }).waitFor();
  await page.getByText(`${folderName}:通过:第 ${head + 1} 到第 ${head + 1} 条`).waitFor();

  // Nearly full: the gauge warns.
  await page.evaluate(() => {
    navigator.storage.estimate = async () => ({ usage: 850 * 1024 * 1024, quota: 1000 * 1024 * 1024 });
  });
  await staffMenu(page, "导出上传");
  await page.getByRole("alert").filter({ hasText: "存储空间已用 85%" }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("the page's verifier says plainly that a batch from the middle with nothing before it is not anchored", async () => {
  const { page, errors } = await openDemoPage("clerk-anchor");
  const batches = await inPage(page, async (kiosk) => {
    const staffSession = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now: Date.now() });
    const batch = async (from, to) => (await kiosk.exportBatch({ staffSession, now: Date.now(), range: { from, to } })).files;
    return { middle: await batch(13, 20), start: await batch(1, 12) };
  });
  const asFiles = (files) => files.map((file) => ({ name: file.name, mimeType: "text/plain", buffer: Buffer.from(file.text) }));
  await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
  await staffMenu(page, "核验批次");

  // Alone, the batch from seq 13 is whole in itself, and the screen says
  // that is all it shows.
  await page.setInputFiles("#clerk-verify-files", asFiles(batches.middle));
  await page.getByRole("status").filter({ hasText: "1 个批次都完整" }).waitFor();
  const note = page.locator(".clerk-batch-unanchored");
  await note.waitFor();
  assert.match(await note.innerText(), /^未能接续:此批不从第 1 条开始,也没有前一批/);
  assert.match(await note.innerText(), /Not anchored: this batch does not start at entry 1/);
  await checkScreen(page, "verify-unanchored", { english: true });

  // From seq 1 it is anchored: no such note.
  await page.setInputFiles("#clerk-verify-files", asFiles(batches.start));
  await page.getByText(/:通过:第 1 到第 12 条/).waitFor();
  assert.equal(await page.locator(".clerk-batch-unanchored").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
