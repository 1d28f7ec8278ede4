// A kiosk PC is switched off every evening and on every morning: the page
// opened at its plain address (no `?kiosk=`) after a browser restart must
// come back to the village it had, whatever format an older page stored the
// last kiosk id in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, collectErrors, loadDemoVillage } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const { server } = startForFile();

/** Opens the plain address and waits for the page to settle on a screen. */
async function openPlain(context) {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(server.url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
  return { page, errors };
}

/** What the home screen shows of the village, read as a person would. */
async function homeScreen(page) {
  await page.getByRole("button", { name: /开始兑换/ }).waitFor({ timeout: 15_000 });
  return {
    text: await page.locator("body").innerText(),
    info: await page.evaluate(() => {
      const info = window.kiosk.info();
      return { kioskId: info.kioskId, village: info.village, households: window.kiosk.households().length };
    }),
  };
}

test("set up, close the browser, relaunch on the same profile, open the plain address: the home screen with the village", async () => {
  const profileDir = await mkdtemp(join(tmpdir(), "aixin-restart-"));
  try {
    let browser = await launchBrowser({ profileDir });
    let { page } = await openPlain(browser.context);
    await loadDemoVillage(page);
    const before = await homeScreen(page);
    assert.equal(before.info.kioskId, "village-01");
    assert.equal(before.info.households, 30);
    // The core stores the id in its one format, a JSON string.
    assert.equal(await page.evaluate(() => localStorage.getItem("aixin:lastKioskId")), '"village-01"');
    await browser.close();

    browser = await launchBrowser({ profileDir });
    const reopened = await openPlain(browser.context);
    const after = await homeScreen(reopened.page);
    assert.doesNotMatch(after.text, /终端出了点问题|Something went wrong/);
    assert.deepEqual(after.info, before.info);
    assert.match(after.text, new RegExp(before.info.village));
    assert.deepEqual(reopened.errors, []);

    // An id stored bare by an older page still opens the same village.
    await reopened.page.evaluate(() => localStorage.setItem("aixin:lastKioskId", "village-01"));
    await browser.close();
    browser = await launchBrowser({ profileDir });
    const bare = await openPlain(browser.context);
    assert.deepEqual((await homeScreen(bare.page)).info, before.info);
    await browser.close();
  } finally {
    await rm(profileDir, { recursive: true, force: true });
  }
});
