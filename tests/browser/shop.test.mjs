// The shop, confirm and my-points screens: a whole redemption through the
// screens, the tiles that cannot be taken and why, a scanner adding goods,
// a triple tap that redeems once, a reload that keeps exactly what was
// committed, and a full disk that says the redemption did not happen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { signInByKeypad, scan, tile, inPage, facts } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { openDemoPage } = startForFile({ browser: {} });

/** The household's redemptions, through the API (a second session). */
const redemptions = (page, code, pin) =>
  inPage(
    page,
    async (kiosk, { code, pin }) => {
      const session = await kiosk.signIn({ household: code, pin, now: Date.now() });
      const lines = kiosk.history(session).filter((line) => line.kind === "redeemed");
      kiosk.signOut(session);
      return lines;
    },
    { code, pin },
  );

const basket = (page) => page.getByRole("complementary");
const quantity = (page, name) => basket(page).getByRole("group", { name: `${name} 的数量` });
const confirmButton = (page) => page.getByRole("button", { name: "确认兑换" });

test("a whole redemption: keypad sign-in, three goods, confirm, receipt, and it is in my points", async () => {
  const { page, errors } = await openDemoPage("shop-full");
  const skus = ["salt-500g", "soy-sauce-light-500ml", "sugar-400g"];
  const before = await facts(page, "B006", skus);
  assert.equal(before.balance, "20.00");

  await signInByKeypad(page, "B006", "9413");
  await page.getByRole("banner").getByText("20 积分").waitFor();
  await tile(page, "食盐 500g").click();
  await tile(page, "食盐 500g").click();
  await tile(page, "生抽 500ml").click();
  await tile(page, "白砂糖 400g").click();
  await quantity(page, "食盐 500g").getByText("2", { exact: true }).waitFor();
  await basket(page).getByText("19.7 积分").waitFor();
  await page.getByRole("banner").getByText("0.3 积分").waitFor();
  await page.getByRole("button", { name: "确认兑换 — 19.7 积分" }).click();

  await page.getByRole("heading", { name: "请核对" }).waitFor();
  await page.getByRole("row", { name: /食盐 500g/ }).getByText("2 × 2.5 积分").waitFor();
  await page.getByText("兑换后余额 0.3 积分").waitFor();
  await confirmButton(page).click();

  await page.getByRole("heading", { name: "兑换成功" }).waitFor();
  const number = (await page.getByRole("main").getByText(/^shop-full-\d{6}$/).innerText()).trim();
  await page.getByRole("main").getByText("19.7 积分").first().waitFor();
  await page.getByRole("main").getByText("0.3 积分").first().waitFor();
  await page.getByRole("main").getByText(/^[0-9a-f]{12}$/).waitFor();

  const afterwards = await facts(page, "B006", skus);
  assert.equal(afterwards.balance, "0.30");
  assert.deepEqual(afterwards.stock, {
    "salt-500g": before.stock["salt-500g"] - 2,
    "soy-sauce-light-500ml": before.stock["soy-sauce-light-500ml"] - 1,
    "sugar-400g": before.stock["sugar-400g"] - 1,
  });

  await page.getByRole("button", { name: "完成" }).click();
  await signInByKeypad(page, "B006", "9413", { history: true });
  const row = page.getByRole("row", { name: new RegExp(number) });
  await row.getByText("−19.7").waitFor();
  await row.getByText("0.3", { exact: true }).waitFor();
  await page.getByRole("row").nth(1).filter({ hasText: number }).waitFor(); // newest first
  await page.getByRole("banner").getByText("0.3 积分").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("goods the balance cannot cover are marked and say why when tapped", async () => {
  const { page, errors } = await openDemoPage("shop-points");
  await signInByKeypad(page, "A001", "3817");
  await tile(page, "食盐 500g").click();
  await page.getByRole("banner").getByText("3.6 积分").waitFor();
  const soy = tile(page, "生抽 500ml");
  await soy.getByText("积分不够").waitFor();
  await soy.click();
  await page.getByRole("status").filter({ hasText: "生抽 500ml 要 8.9 积分,您还剩 3.6 积分,积分不够。" }).waitFor();
  assert.equal(await basket(page).getByText("生抽 500ml").count(), 0);
  await page.getByRole("button", { name: "确认兑换 — 2.5 积分" }).waitFor();

  // A household with nothing left: every tile is unavailable and Confirm waits.
  await page.getByRole("button", { name: "退出" }).click();
  await signInByKeypad(page, "B004", "3342");
  assert.equal(await page.getByRole("tabpanel").getByText("积分不够").count(), 38);
  await tile(page, "大米 5kg").click();
  await page.getByRole("status").filter({ hasText: "大米 5kg 要 32 积分,您还剩 0 积分,积分不够。" }).waitFor();
  assert.ok(await page.getByRole("button", { name: "请先选商品" }).isDisabled());
  assert.deepEqual(errors, []);
  await page.close();
});

test("out-of-stock goods are marked, and the basket takes no more than the stock", async () => {
  const { page, errors } = await openDemoPage("shop-stock");
  await signInByKeypad(page, "B006", "9413");
  await page.getByRole("tab", { name: "副食" }).click();
  const milk = tile(page, "中老年奶粉 400g");
  await milk.getByText("缺货").waitFor();
  await milk.click();
  await page.getByRole("status").filter({ hasText: "中老年奶粉 400g 现在缺货,请选别的。" }).waitFor();
  assert.equal(await page.getByRole("tabpanel").getByRole("button").count(), 7);

  await page.getByRole("tab", { name: "日用" }).click();
  const batteries = tile(page, "5号电池 4节");
  await batteries.getByText(/^只剩 2 /).waitFor();
  await batteries.click();
  await batteries.click();
  await batteries.getByText("没有更多了").waitFor();
  await batteries.click();
  await page.getByRole("status").filter({ hasText: "5号电池 4节 只有 2 件,已经都放进购物篮了。" }).waitFor();
  await quantity(page, "5号电池 4节").getByText("2", { exact: true }).waitFor();
  await basket(page).getByRole("button", { name: "增加 5号电池 4节" }).click();
  await quantity(page, "5号电池 4节").getByText("2", { exact: true }).waitFor();
  await basket(page).getByRole("button", { name: "减少 5号电池 4节" }).click();
  await quantity(page, "5号电池 4节").getByText("1", { exact: true }).waitFor();
  await basket(page).getByText("6 积分").first().waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("a scanner adds goods by their EAN-13 on the shop screen, never pressing the focused tile", async () => {
  const { page, errors } = await openDemoPage("shop-scan");
  await signInByKeypad(page, "B006", "9413");
  await tile(page, "火柴 10盒").click(); // the tile keeps the focus
  await scan(page, "6978407709373");
  await quantity(page, "食盐 500g").getByText("1", { exact: true }).waitFor();
  await scan(page, "6978407709373");
  await quantity(page, "食盐 500g").getByText("2", { exact: true }).waitFor();
  await quantity(page, "火柴 10盒").getByText("1", { exact: true }).waitFor();
  await basket(page).getByText("8 积分").first().waitFor();

  await scan(page, "6900000000001");
  await page.getByRole("status").filter({ hasText: "没有找到条码 6900000000001 的商品" }).waitFor();
  await scan(page, "6905371697283");
  await page.getByRole("status").filter({ hasText: "中老年奶粉 400g 现在缺货" }).waitFor();
  assert.equal(await basket(page).getByText("中老年奶粉").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a triple tap on Confirm redeems once", async () => {
  const { page, errors } = await openDemoPage("shop-triple");
  await signInByKeypad(page, "B006", "9413");
  await tile(page, "食盐 500g").click();
  await page.getByRole("button", { name: "确认兑换 — 2.5 积分" }).click();
  await confirmButton(page).click({ clickCount: 3 });
  await page.getByRole("heading", { name: "兑换成功" }).waitFor();
  await page.getByRole("button", { name: "完成" }).click();

  // Three clicks dispatched at once, before the page can answer any.
  await signInByKeypad(page, "B006", "9413");
  await tile(page, "食盐 500g").click();
  await page.getByRole("button", { name: "确认兑换 — 2.5 积分" }).click();
  await confirmButton(page).waitFor();
  await page.evaluate(() => {
    const button = [...document.querySelectorAll("main button")].find((b) => b.textContent.includes("确认兑换"));
    for (let tap = 0; tap < 3; tap++) button.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  });
  await page.getByRole("heading", { name: "兑换成功" }).waitFor();

  const { balance } = await facts(page, "B006", []);
  assert.equal(balance, "15.00");
  assert.equal((await redemptions(page, "B006", "9413")).length, 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a reload in the middle of shopping keeps what was committed and commits nothing else", async () => {
  const { page, errors } = await openDemoPage("shop-reload");
  const skus = ["salt-500g", "soy-sauce-light-500ml", "sugar-400g"];
  const start = await facts(page, "B006", skus);
  await signInByKeypad(page, "B006", "9413");
  await tile(page, "食盐 500g").click();
  await page.getByRole("button", { name: "确认兑换" }).click();
  await confirmButton(page).click();
  await page.getByRole("heading", { name: "兑换成功" }).waitFor();
  await page.getByRole("button", { name: "完成" }).click();

  await signInByKeypad(page, "B006", "9413");
  await tile(page, "生抽 500ml").click();
  await tile(page, "白砂糖 400g").click();
  await basket(page).getByText("14.7 积分").waitFor();
  await page.reload();
  await page.getByRole("button", { name: "开始兑换" }).waitFor();

  const now = await facts(page, "B006", skus);
  assert.equal(now.balance, "17.50");
  assert.deepEqual(now.stock, {
    "salt-500g": start.stock["salt-500g"] - 1,
    "soy-sauce-light-500ml": start.stock["soy-sauce-light-500ml"],
    "sugar-400g": start.stock["sugar-400g"],
  });
  assert.equal((await redemptions(page, "B006", "9413")).length, 1);
  // The basket is gone with the session: a new sign-in starts empty.
  await signInByKeypad(page, "B006", "9413");
  await basket(page).getByText("购物篮是空的").waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("a full disk: the redemption did NOT happen, the page says to call the shopkeeper, and a retry works", async () => {
  const { page, errors } = await openDemoPage("shop-full-disk");
  await signInByKeypad(page, "B006", "9413");
  await tile(page, "食盐 500g").click();
  await page.getByRole("button", { name: "确认兑换" }).click();
  await page.evaluate(() => {
    window.realAdd = IDBObjectStore.prototype.add;
    IDBObjectStore.prototype.add = function () {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
  });
  await confirmButton(page).click();
  await page.getByRole("alert").filter({ hasText: "存储空间满了。这次兑换没有成功,积分没有扣。请找店主。" }).waitFor();
  assert.equal((await facts(page, "B006", [])).balance, "20.00");
  assert.doesNotMatch(await page.locator("body").innerText(), /STORAGE_FULL|QuotaExceeded/);

  await page.evaluate(() => {
    IDBObjectStore.prototype.add = window.realAdd;
  });
  await confirmButton(page).click();
  await page.getByRole("heading", { name: "兑换成功" }).waitFor();
  assert.equal((await facts(page, "B006", [])).balance, "17.50");
  assert.deepEqual(errors, []);
  await page.close();
});

/** How each tile of the shown category looks: name, why not one more, frame, price. */
const tileLooks = (page) =>
  page.getByRole("tabpanel").locator(".tile").evaluateAll((tiles) =>
    tiles.map((tile) => {
      const style = getComputedStyle(tile);
      const price = getComputedStyle(tile.querySelector(".tile-price"));
      return {
        name: tile.querySelector(".tile-name").textContent,
        why: tile.dataset.why,
        chosen: tile.classList.contains("is-chosen"),
        border: `${style.borderTopStyle} ${style.borderTopColor}`,
        striped: style.backgroundImage.includes("gradient"),
        priceStruck: price.textDecorationLine.includes("line-through"),
        priceColor: price.color,
        picture: getComputedStyle(tile.querySelector(".tile-img")).filter,
      };
    }),
  );

const OK_GREEN = "rgb(30, 107, 58)";
const WARN_RED = "rgb(138, 28, 28)";

test("a chosen tile looks chosen also when no more can be afforded; too few points is a quiet look; out of stock a plain no", async () => {
  const { page, errors } = await openDemoPage("shop-looks");
  await signInByKeypad(page, "A001", "3817");
  await tile(page, "食盐 500g").click();
  await tile(page, "食盐 500g").click();
  await page.getByRole("banner").getByText("1.1 积分").waitFor();
  const salt = tile(page, "食盐 500g");
  await salt.getByText("已选 2").waitFor();
  await salt.getByText("积分不够").waitFor();

  const looks = Object.fromEntries((await tileLooks(page)).map((look) => [look.name, look]));
  const chosen = looks["食盐 500g"];
  assert.equal(chosen.why, "points");
  assert.equal(chosen.chosen, true);
  assert.equal(chosen.border, `solid ${OK_GREEN}`, "in the basket: the green frame stays");
  assert.equal(chosen.striped, false);
  assert.equal(chosen.priceStruck, false);
  assert.equal(chosen.picture, "none", "the picture stays in colour");

  const soy = looks["生抽 500ml"];
  assert.equal(soy.why, "points");
  assert.equal(soy.chosen, false);
  assert.match(soy.border, /^solid /);
  assert.doesNotMatch(soy.border, new RegExp(`${OK_GREEN}|${WARN_RED}`.replace(/[()]/g, "\\$&")));
  assert.equal(soy.striped, false, "too few points is not the refused look");
  assert.equal(soy.priceStruck, false);
  assert.notEqual(soy.priceColor, chosen.priceColor, "its price is grey");

  await page.getByRole("tab", { name: "副食" }).click();
  const milk = (await tileLooks(page)).find((look) => look.name === "中老年奶粉 400g");
  assert.equal(milk.why, "stock");
  assert.match(milk.border, /^dashed /);
  assert.equal(milk.striped, true);
  assert.deepEqual(errors, []);
  await page.close();
});

test("goods the household can afford come first, and tiles keep their places while the basket fills", async () => {
  const { page, errors } = await openDemoPage("shop-order");
  const catalog = await inPage(page, (kiosk) => kiosk.catalog().filter((item) => item.active).map((item) => ({ name: item.nameZh, price: item.price, stock: item.stock })));
  await signInByKeypad(page, "A001", "3817");
  const affordable = catalog.filter((item) => item.stock > 0 && Number.parseFloat(item.price) <= 6.1).map((item) => item.name);
  const rest = catalog.filter((item) => !affordable.includes(item.name)).map((item) => item.name);
  assert.ok(affordable.length >= 3 && rest.length >= 3, "the demo has both kinds");

  const names = async () => (await tileLooks(page)).map((look) => look.name);
  const first = await names();
  assert.deepEqual(first, [...affordable, ...rest], "affordable first, each part in catalogue order");
  assert.ok((await tileLooks(page)).slice(0, affordable.length).every((look) => look.why === ""));

  // Two salts leave 1.1 points: most of the first tiles can no longer be
  // afforded, and not one tile moves.
  await tile(page, "食盐 500g").click();
  await tile(page, "食盐 500g").click();
  await page.getByRole("banner").getByText("1.1 积分").waitFor();
  assert.ok((await tileLooks(page)).filter((look) => look.why === "points").length > rest.length);
  assert.deepEqual(await names(), first);

  // Nor after a look at the confirm screen and back, nor in English.
  await page.getByRole("button", { name: "确认兑换 — 5 积分" }).click();
  await page.getByRole("heading", { name: "请核对" }).waitFor();
  await page.getByRole("button", { name: /^返回/ }).click();
  await page.getByRole("heading", { name: "购物篮" }).waitFor();
  assert.deepEqual(await names(), first);
  assert.deepEqual(errors, []);
  await page.close();
});
