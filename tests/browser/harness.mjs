// Shared set-up of the browser tests: the kiosk's own server on a free
// loopback port and Debian's Chromium, headless, with a fresh profile.
import { chromium } from "playwright-core";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../../scripts/server.mjs";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Starts the kiosk server on a free port. Call `close()` when done. */
export async function serveKiosk() {
  const { server, url } = await startServer({ port: 0 });
  return { url, close: () => new Promise((done) => server.close(done)) };
}

/**
 * Launches Chromium on a new profile directory (kept across relaunches when
 * passed in). Returns { context, profileDir, close }.
 */
export async function launchBrowser({ profileDir, viewport = { width: 1080, height: 1920 } } = {}) {
  const ownProfile = !profileDir;
  const dir = profileDir ?? (await mkdtemp(join(tmpdir(), "aixin-profile-")));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  return {
    context,
    profileDir: dir,
    async close() {
      await context.close().catch(() => {});
      if (ownProfile) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Collects console errors and page errors of a page, for asserting none. */
export function collectErrors(page) {
  const errors = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  return errors;
}
