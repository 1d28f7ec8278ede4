// Hostile input and access: markup, script URLs, direction overrides, huge
// and control-laden strings through the text fields and an import; PIN
// guessing across a reload, a clock moved back and a second tab; PIN hashes
// in no export and no localStorage key; a tampered localStorage.
import { test } from "node:test";
import assert from "node:assert/strict";
import { kioskUrl, checkLayout, inPage } from "./harness.mjs";
import { startForFile } from "./setup.mjs";
import { openBare, inKiosk } from "./api.mjs";

const { server, browser, openDemoPage } = startForFile({ browser: {} });

/** Strings an attacker, a careless paste or a broken scanner might give. */
const HOSTILE = [
  `<script>__pwned="script"</script>`,
  `<img src=x onerror="__pwned='img'">`,
  `"><svg onload="__pwned='svg'">`,
  `javascript:window.__pwned = 'url'`,
  `王\u202Egnp.exe`,
  `a\u0000b`,
  `tab\there`,
  `line\nbreak`,
  `\u0007bell`,
  "长".repeat(10_000),
  "👨‍👩‍👧‍👦 家庭",
  "１２３４",
  `=HYPERLINK("http://x","点我")`,
  `'; DROP TABLE households; --`,
  "\uFEFF零宽",
  "   ",
];

/** Is an answer a clean refusal: a code, and words in Chinese and English? */
function assertCleanRefusal(answer, what) {
  assert.ok(answer.error, `${what}: ${JSON.stringify(answer).slice(0, 200)}`);
  assert.match(answer.error.code, /^[A-Z_]+$/, what);
  assert.ok(/[\u4e00-\u9fff]/.test(answer.error.message), `${what}: Chinese message ${answer.error.message}`);
  assert.ok(/[a-z]/i.test(answer.error.messageEn ?? ""), `${what}: English message`);
}

test("hostile strings through every text field and an import: refused plainly or kept as text; nothing runs, layouts hold", async () => {
  const { page } = await openDemoPage("hostile", {});
  const dialogs = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  const kept = [];
  let index = 0;
  for (const text of HOSTILE) {
    index++;
    const answers = await inPage(
      page,
      async (kiosk, { text, index }) => {
        const now = Date.now();
        const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now });
        const shop = await kiosk.staffSignIn({ staff: "shop", pin: "1111", now });
        const attempt = async (what, call) => {
          try {
            await call();
            return { what, ok: true };
          } catch (error) {
            return { what, error: { code: error.code, message: error.message, messageEn: error.messageEn } };
          }
        };
        const code = `Z${String(index).padStart(3, "0")}`;
        return [
          await attempt("household name", () => kiosk.registerHousehold({ staffSession: clerk, household: code, name: text, group: "一组", kind: "family", requestId: `h-${index}`, now })),
          await attempt("household group", () => kiosk.registerHousehold({ staffSession: clerk, household: `Y${code.slice(1)}`, name: "张三", group: text, kind: "family", requestId: `g-${index}`, now })),
          await attempt("household code", () => kiosk.registerHousehold({ staffSession: clerk, household: text, name: "张三", kind: "family", requestId: `c-${index}`, now })),
          await attempt("item name", () => kiosk.addItem({ staffSession: shop, sku: `hostile-${index}`, nameZh: text, unit: "个", category: "daily", price: "1", requestId: `i-${index}`, now })),
          await attempt("donor", () => kiosk.restock({ staffSession: shop, donor: text, sourceType: "organisation", lines: [{ sku: "salt-500g", qty: 1 }], requestId: `r-${index}`, now })),
          await attempt("credit reason", () => kiosk.credit({ staffSession: clerk, household: "A001", amount: "1", period: "2026-11", source: `hostile-${index}`, reason: text, requestId: `k-${index}`, now })),
          await attempt("amount", () => kiosk.credit({ staffSession: clerk, household: "A001", amount: text, period: "2026-11", source: `amount-${index}`, requestId: `a-${index}`, now })),
          await attempt("PIN", () => kiosk.signIn({ household: "A002", pin: text, now })),
        ];
      },
      { text, index },
    );
    for (const answer of answers) {
      const what = `${answer.what} ← ${JSON.stringify(text).slice(0, 40)}`;
      if (answer.ok) kept.push(what);
      else assertCleanRefusal(answer, what);
    }
    // Nothing over a limit, nothing with a control or direction character is kept.
    if (text.length > 1000 || /[\u0000-\u001f\u202e]/.test(text)) {
      assert.ok(
        !answers.some((answer) => answer.ok && answer.what !== "amount"),
        `${JSON.stringify(text).slice(0, 40)} was kept: ${JSON.stringify(answers.filter((answer) => answer.ok))}`,
      );
    }
  }
  // What was kept is shown as text: on the staff household list and on the shop's tiles.
  const shown = await inPage(page, (kiosk) => ({
    households: kiosk.households().filter((household) => /^[ZY]\d{3}$/.test(household.code)).map((household) => household.name + household.group),
    items: kiosk.catalog().filter((item) => item.sku.startsWith("hostile-")).map((item) => item.nameZh),
  }));
  assert.ok(shown.households.some((name) => name.includes("<script>")), `markup is kept as text: ${JSON.stringify(shown).slice(0, 300)}`);
  assert.ok(shown.items.some((name) => name.includes("onerror")), `markup is kept as text: ${JSON.stringify(shown).slice(0, 300)}`);

  // The villager's screens with those goods on them.
  await page.goto(kioskUrl(server.url, "hostile"));
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  await page.getByRole("button", { name: "开始兑换" }).click();
  for (const char of "A001") await page.getByRole("button", { name: char, exact: true }).click();
  await page.getByRole("button", { name: "下一步" }).click();
  for (const char of "3817") await page.getByRole("button", { name: char, exact: true }).click();
  await page.getByRole("button", { name: "确定" }).click();
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  // Every category of the shop.
  for (const tab of await page.getByRole("tab").all()) {
    await tab.click();
    const problems = (await checkLayout(page)).filter((problem) => /sideways|wide|tall/.test(problem));
    assert.deepEqual(problems, [], `layout of the shop tab ${await tab.textContent()}`);
  }
  const injected = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    scripts: [...document.querySelectorAll("script")].filter((script) => !script.src).length,
    handlers: [...document.querySelectorAll("*")].filter((element) => [...element.attributes].some((attribute) => attribute.name.startsWith("on"))).length,
    javascriptLinks: [...document.querySelectorAll("[href], [src]")].filter((element) => /^\s*javascript:/i.test(element.getAttribute("href") ?? element.getAttribute("src"))).length,
  }));
  assert.deepEqual(injected, { pwned: null, scripts: 0, handlers: 0, javascriptLinks: 0 });
  assert.deepEqual(dialogs, []);
  assert.ok(kept.length > 0);
});

test("a households import with hostile cells: markup kept as text, control characters and long names refused by line and column", async () => {
  const page = await browser.context.newPage();
  await openBare(page, server.url, "hostile-import");
  const answer = await inKiosk(page, async (kiosk) => {
    await kiosk.loadDemo();
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now: Date.now() });
    const rows = [
      "户号,户主姓名,组别,类型",
      `X001,"<img src=x onerror=""window.__pwned=1"">",一组,家庭`,
      `X002,"王\u202Egnp.exe",一组,家庭`,
      `X003,${"长".repeat(5000)},一组,家庭`,
      `X004,"a\u0007b",一组,家庭`,
    ];
    const before = kiosk.info().seq;
    let refusal = null;
    try {
      await kiosk.previewImport({ staffSession: clerk, kind: "households", text: rows.join("\r\n"), now: Date.now() });
    } catch (error) {
      refusal = { code: error.code, message: error.message, messageEn: error.messageEn, rows: error.rows };
    }
    return { refusal, changed: kiosk.info().seq !== before, pwned: window.__pwned ?? null };
  });
  assert.equal(answer.changed, false);
  assert.equal(answer.pwned, null);
  assert.equal(answer.refusal?.code, "IMPORT_REFUSED", JSON.stringify(answer));
  const lines = new Set(answer.refusal.rows.map((row) => row.line));
  assert.deepEqual([...lines].sort(), [3, 4, 5], JSON.stringify(answer.refusal.rows).slice(0, 400));
  await page.close();
});

test("PIN guessing: the lockout holds across a reload, a clock moved back and a second tab", async () => {
  const first = await browser.context.newPage();
  await openBare(first, server.url, "guessing");
  const wrong = await inKiosk(first, async (kiosk) => {
    await kiosk.loadDemo();
    const answers = [];
    for (let i = 0; i < 5; i++) {
      try {
        await kiosk.signIn({ household: "B006", pin: "0000", now: Date.now() });
      } catch (error) {
        answers.push(error.code);
      }
    }
    return answers;
  });
  assert.deepEqual(wrong, ["WRONG_PIN", "WRONG_PIN", "WRONG_PIN", "WRONG_PIN", "LOCKED_OUT"]);
  const rightPin = (page, shift) =>
    inKiosk(
      page,
      async (kiosk, shift) => {
        try {
          await kiosk.signIn({ household: "B006", pin: "9413", now: Date.now() + shift });
          return "signed in";
        } catch (error) {
          return error.code;
        }
      },
      shift,
    );
  // A second tab of the same kiosk, while the first holds it.
  // It cannot take PINs at all: it is read-only.
  const second = await browser.context.newPage();
  await openBare(second, server.url, "guessing");
  assert.equal(await rightPin(second, 0), "READ_ONLY");
  await second.close();
  // A reload, and the clock moved back a day.
  await first.reload();
  await openBare(first, server.url, "guessing");
  assert.equal(await rightPin(first, 0), "LOCKED_OUT");
  assert.equal(await rightPin(first, -86_400_000), "LOCKED_OUT");
  // Five minutes later by the clock it is open again.
  assert.equal(await rightPin(first, 5 * 60_000 + 1_000), "signed in");
  await first.close();
});

test("PIN hashes are in no export, no backup of the journal and no localStorage key", async () => {
  const page = await browser.context.newPage();
  await openBare(page, server.url, "no-hashes");
  const found = await inKiosk(page, async (kiosk) => {
    await kiosk.loadDemo();
    const clerk = await kiosk.staffSignIn({ staff: "clerk", pin: "2222", now: Date.now() });
    const batch = await kiosk.exportBatch({ staffSession: clerk, range: "everything", now: Date.now() });
    const journal = await kiosk.exportJournal({});
    // The credentials store, read with the raw IndexedDB API.
    const hashes = await new Promise((resolve, reject) => {
      const request = indexedDB.open("aixin-kiosk:no-hashes");
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const all = request.result.transaction("credentials").objectStore("credentials").getAll();
        all.onsuccess = () => {
          const text = all.result.map((value) => (typeof value === "string" ? value : new TextDecoder().decode(value))).join("\n");
          resolve([...new Set(text.match(/[0-9a-f]{32,}/g) ?? [])]);
        };
        all.onerror = () => reject(all.error);
      };
    });
    const stored = Object.keys(localStorage).map((key) => key + "=" + localStorage.getItem(key)).join("\n");
    const texts = [...batch.files.map((file) => file.text), journal, stored].join("\n");
    return { hashes: hashes.length, leaked: hashes.filter((hash) => texts.includes(hash)).length };
  });
  assert.ok(found.hashes >= 30, `PIN hashes found in the credentials store: ${found.hashes}`);
  assert.equal(found.leaked, 0);
  await page.close();
});

test("a hostile last-kiosk id in localStorage is refused in plain words and nothing runs", async () => {
  const page = await browser.context.newPage();
  await page.goto(new URL("pkg/", server.url).href);
  await page.evaluate(() => localStorage.setItem("aixin:lastKioskId", `<img src=x onerror="window.__pwned=1">`));
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  const text = await page.locator("body").innerText();
  assert.equal(await page.evaluate(() => window.__pwned ?? null), null);
  assert.equal(await page.locator("img[onerror]").count(), 0);
  assert.match(text, /[\u4e00-\u9fff]/);
  await page.close();
});
