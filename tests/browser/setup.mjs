// The start-up most browser test files share: the kiosk's server for all the
// tests of the file, one Chromium for them (unless a file launches its own),
// and the screenshots' folder. Kept apart from harness.mjs because it
// registers node:test hooks, which only a test file may do.
import { before, after } from "node:test";
import { mkdir } from "node:fs/promises";
import { serveKiosk, launchBrowser, openKioskPage, loadDemoVillage, SCREENSHOT_DIR } from "./harness.mjs";

/**
 * Starts the server (and with `browser`, Chromium with those launchBrowser
 * options, `{}` for the defaults) before the file's first test and closes
 * them after its last, the browser first. With `screenshots`, makes
 * SCREENSHOT_DIR. Returns handles usable at once in the tests: `server.url`,
 * `browser.context`, and `openPage` / `openDemoPage(kioskId, params)` that
 * open the kiosk page (with the demo village loaded) and answer
 * { page, errors } as openKioskPage does.
 */
export function startForFile({ browser: browserOptions, screenshots = false } = {}) {
  let started;
  let launched;
  before(async () => {
    started = await serveKiosk();
    if (browserOptions) launched = await launchBrowser(browserOptions);
    if (screenshots) await mkdir(SCREENSHOT_DIR, { recursive: true });
  });
  after(async () => {
    await launched?.close();
    await started?.close();
  });
  const server = {
    get url() {
      return started.url;
    },
  };
  const browser = {
    get context() {
      return launched.context;
    },
  };
  const openPage = (kioskId, params) => openKioskPage(launched.context, started.url, kioskId, params);
  const openDemoPage = async (kioskId, params) => {
    const opened = await openPage(kioskId, params);
    await loadDemoVillage(opened.page);
    return opened;
  };
  return { server, browser, openPage, openDemoPage };
}
