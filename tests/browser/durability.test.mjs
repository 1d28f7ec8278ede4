// The journal survives a browser killed with SIGKILL 200 ms after a
// redemption was acknowledged, and a second tab opens read-only.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { chromium } from "playwright-core";
import { serveKiosk, launchBrowser, CHROMIUM_PATH, CHROMIUM_ARGS } from "./harness.mjs";
import { openBare, inKiosk } from "./api.mjs";

let server;
before(async () => {
  server = await serveKiosk();
});
after(async () => {
  await server?.close();
});

/** Starts Chromium on `profileDir` as its own process group; connects over CDP. */
async function startChromium(profileDir) {
  await rm(join(profileDir, "DevToolsActivePort"), { force: true });
  const child = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, "--headless=new", `--user-data-dir=${profileDir}`, "--remote-debugging-port=0", "about:blank"],
    { detached: true, stdio: "ignore" },
  );
  let port;
  for (let attempt = 0; attempt < 100 && !port; attempt++) {
    await sleep(100);
    port = await readFile(join(profileDir, "DevToolsActivePort"), "utf8").then((text) => text.split("\n")[0], () => undefined);
  }
  assert.ok(port, "Chromium did not start");
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  return { child, browser, context: browser.contexts()[0] };
}

/** SIGKILLs Chromium and all its processes. */
async function killChromium({ child }) {
  const exited = new Promise((done) => child.once("exit", done));
  process.kill(-child.pid, "SIGKILL");
  await exited;
}

test("a redemption acknowledged 200 ms before SIGKILL is there exactly once after restart", async () => {
  const profileDir = await mkdtemp(join(tmpdir(), "aixin-kill-"));
  const started = [];
  const start = async () => {
    const instance = await startChromium(profileDir);
    started.push(instance);
    return instance;
  };
  try {
    const chromium1 = await start();
    let page = await chromium1.context.newPage();
    await openBare(page, server.url, "kill-test");
    const receipt = await inKiosk(page, async (kiosk) => {
      await kiosk.loadDemo();
      const session = await kiosk.signIn({ household: "A001", pin: "3817", now: Date.now() });
      return kiosk.redeem({ session, lines: [{ sku: "salt-500g", qty: 2 }], requestId: "kill-1", now: Date.now() });
    });
    assert.equal(receipt.total, "5.00", JSON.stringify(receipt));
    await sleep(200);
    await killChromium(chromium1);

    const chromium2 = await start();
    page = await chromium2.context.newPage();
    const info = await openBare(page, server.url, "kill-test");
    assert.equal(info.readOnly, null);
    const found = await inKiosk(
      page,
      async (kiosk, receiptNumber) => {
        const session = await kiosk.signIn({ household: "A001", pin: "3817", now: Date.now() });
        const history = kiosk.history(session);
        return {
          balance: kiosk.household("A001").balance,
          redemptions: history.filter((line) => line.kind === "redeemed" && line.note === receiptNumber).length,
          salt: kiosk.catalog().find((item) => item.sku === "salt-500g").stock,
        };
      },
      receipt.receiptNumber,
    );
    // 65 in stock after the demo's restocks, 2 redeemed by the demo, 2 here.
    assert.deepEqual(found, { balance: receipt.balanceAfter, redemptions: 1, salt: 61 });
    // Retrying the acknowledged request after the crash answers the same receipt.
    const again = await inKiosk(page, async (kiosk) => {
      const session = await kiosk.signIn({ household: "A001", pin: "3817", now: Date.now() });
      return kiosk.redeem({ session, lines: [{ sku: "salt-500g", qty: 2 }], requestId: "kill-1", now: Date.now() });
    });
    assert.equal(again.receiptNumber, receipt.receiptNumber);
    assert.equal(again.repeated, true);
  } finally {
    for (const instance of started) {
      await instance.browser.close().catch(() => {});
      if (instance.child.exitCode === null && instance.child.signalCode === null) await killChromium(instance);
    }
    await rm(profileDir, { recursive: true, force: true });
  }
});

test("a second tab opens the kiosk read-only", async () => {
  const browser = await launchBrowser();
  try {
    const first = await browser.context.newPage();
    const firstInfo = await openBare(first, server.url, "two-tabs");
    assert.equal(firstInfo.readOnly, null);
    const second = await browser.context.newPage();
    const secondInfo = await openBare(second, server.url, "two-tabs");
    assert.equal(secondInfo.readOnly?.code, "READ_ONLY");
    assert.equal(secondInfo.readOnly?.reason, "other_tab");
    const refused = await inKiosk(second, (kiosk) => kiosk.loadDemo());
    assert.equal(refused.error?.code, "READ_ONLY");
    // When the first tab goes away, a newly opened tab can write.
    await first.close();
    const third = await browser.context.newPage();
    const thirdInfo = await openBare(third, server.url, "two-tabs");
    assert.equal(thirdInfo.readOnly, null);
  } finally {
    await browser.close();
  }
});
