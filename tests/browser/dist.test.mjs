// The dist folder for a kiosk PC: written by scripts/dist's node part into a
// temp folder, served by a plain static server (a few lines here, not the
// project's server) under the sub-path /kiosk/; the demo village redeems,
// then with the server gone the kiosk opens again at its plain address with
// its data, and a clerk's screens load from the worker's cache; all of it
// from the folder's minified scripts and style sheets. And the platform
// origin reaches the page's CSP, or is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { PLATFORM_META, minifyAll, parsePlatformOrigin, writeDist } from "../../scripts/dist.mjs";
import { DEMO_STAFF, collectErrors, launchBrowser, loadDemoVillage, redeemDemoSalt, signInByKeypad, staffMenu, staffSignIn } from "./harness.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const PLATFORM = "https://county.example:8443";

// What any static web server knows; nothing of the kiosk's own.
const TYPES = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".webmanifest": "application/manifest+json",
};

/** Serves `root` as plain files on a free loopback port, `dir/` → `dir/index.html`. */
async function plainStaticServer(root) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://localhost").pathname);
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    try {
      if (!file.startsWith(root + sep) || !(await stat(file)).isFile()) throw new Error("not found");
      response.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
      response.end(await readFile(file));
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const stop = () =>
    new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return { url: `http://127.0.0.1:${server.address().port}/`, stop };
}

/** Every file of `dir`, relative, with `/`. */
async function filesUnder(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name).slice(dir.length + 1).split(sep).join("/"));
}

/** Waits until the page is controlled by a worker whose cache holds the whole build. */
async function waitForOfflineCache(page) {
  for (let attempt = 0; attempt < 150; attempt++) {
    const ready = await page.evaluate(async () => {
      if (!navigator.serviceWorker.controller) return false;
      const cache = await caches.open(`aixin-build-${self.AIXIN_BUILD}`);
      return (await cache.keys()).length >= self.AIXIN_FILES.length;
    });
    if (ready) return;
    await page.waitForTimeout(200);
  }
  throw new Error("the service worker never cached the build");
}

test("the dist folder, served plainly under /kiosk/, redeems and opens again offline with its data", async () => {
  const root = await mkdtemp(join(tmpdir(), "aixin-dist-"));
  const outDir = join(root, "kiosk");
  const { build, files } = await writeDist({ outDir, platformOrigin: PLATFORM });

  // Self-contained: the build manifest is a file of the folder, and every
  // file it lists is there.
  const present = new Set(await filesUnder(outDir));
  assert.ok(present.has("pkg/build-manifest.js") && present.has("sw.js"));
  const manifest = await readFile(join(outDir, "pkg", "build-manifest.js"), "utf8");
  assert.ok(manifest.includes(`self.AIXIN_BUILD = "${build}";`));
  for (const file of files.filter((file) => file !== "./")) assert.ok(present.has(file), `${file} is in the folder`);
  assert.ok(!present.has("pkg/aixin_kiosk.d.ts"), "only what the page loads");
  // Every script and style sheet minified: smaller than its source, no
  // comment left, the Chinese words as UTF-8 (not \u escapes).
  const sources = { "pkg/": join(repo, "pkg"), "": join(repo, "www") };
  for (const file of [...present].filter((file) => /\.(js|css)$/.test(file) && file !== "pkg/build-manifest.js")) {
    const prefix = file.startsWith("pkg/") ? "pkg/" : "";
    const source = await readFile(join(sources[prefix], file.slice(prefix.length)), "utf8");
    const written = await readFile(join(outDir, file), "utf8");
    assert.ok(written.length < source.length, `${file} is minified (${written.length} of ${source.length} bytes)`);
    assert.doesNotMatch(written, /^\s*\/\/|\/\*\*/m, `${file} keeps no comment`);
  }
  assert.match(await readFile(join(outDir, "js", "words", "home.js"), "utf8"), /开始兑换/);
  // Relative URLs only, so the folder works under any path.
  for (const file of [...present].filter((file) => /\.(html|js|css|webmanifest)$/.test(file))) {
    const text = await readFile(join(outDir, file), "utf8");
    const rooted = /(?:src|href)="\/(?!\/)|(?:from|import)\s*\(?\s*["']\/|url\(\s*["']?\/(?!\/)|importScripts\(\s*["']\/|register\(\s*["']\/|"(?:start_url|scope)":\s*"\//;
    assert.doesNotMatch(text, rooted, `${file} has a URL from the server's root`);
  }

  const site = await plainStaticServer(root);
  const browser = await launchBrowser({ viewport: { width: 1366, height: 768 } });
  try {
    const page = await browser.context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${site.url}kiosk/?kiosk=dist-1`);
    await loadDemoVillage(page);
    await waitForOfflineCache(page);
    const worker = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      return { scope: registration.scope, script: navigator.serviceWorker.controller.scriptURL };
    });
    assert.deepEqual(worker, { scope: `${site.url}kiosk/`, script: `${site.url}kiosk/sw.js` });

    await signInByKeypad(page, "B006", "9413");
    assert.equal(await redeemDemoSalt(page, "B006"), "17.50");

    // The server gone, as after a power cut with no network: the plain
    // address (no ?kiosk=) opens the same kiosk from the worker's cache.
    await site.stop();
    await page.goto(`${site.url}kiosk/`);
    await page.getByRole("button", { name: "开始兑换" }).waitFor();
    await page.waitForFunction(() => document.documentElement.dataset.ready === "true");
    const reopened = await page.evaluate(() => ({
      kioskId: window.kiosk.info().kioskId,
      balance: window.kiosk.household("B006").balance,
      build: self.AIXIN_BUILD,
      platform: document.querySelector('meta[name="aixin-platform-origin"]')?.content,
    }));
    assert.deepEqual(reopened, { kioskId: "dist-1", balance: "17.50", build, platform: PLATFORM });

    // Still offline: a clerk signs in; the full build, the staff's screens,
    // words and style load from the cache and draw the households' list.
    await staffSignIn(page, DEMO_STAFF.clerk.id, DEMO_STAFF.clerk.pin);
    await staffMenu(page, "住户管理");
    await page.getByRole("button", { name: /^B006/ }).waitFor();
    const staff = await page.evaluate(() => ({
      staffRules: document.querySelector('link[href="css/staff.css"]')?.sheet?.cssRules.length ?? 0,
      text: document.body.innerText,
    }));
    assert.ok(staff.staffRules > 20, `css/staff.css has its rules (${staff.staffRules})`);
    assert.ok(staff.text.includes("住户管理") && !staff.text.includes("menuHouseholds"), "the staff's words are there");
    assert.deepEqual(errors.filter((error) => !/Failed to load resource|net::ERR/.test(error)), []);
  } finally {
    await browser.close();
    await site.stop().catch(() => {});
    await rm(root, { recursive: true, force: true });
  }
});

test("the platform origin goes into the CSP's connect-src and a meta element; without one, only the page's own origin", async () => {
  const root = await mkdtemp(join(tmpdir(), "aixin-dist-"));
  try {
    const read = async (platformOrigin) => {
      await writeDist({ outDir: join(root, "out"), platformOrigin });
      const html = await readFile(join(root, "out", "index.html"), "utf8");
      return {
        csp: /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)[1],
        meta: new RegExp(`<meta name="${PLATFORM_META}" content="([^"]*)">`).exec(html)?.[1],
      };
    };
    const withPlatform = await read("https://County.Example:8443/");
    assert.match(withPlatform.csp, /(^|; )connect-src 'self' https:\/\/county\.example:8443;/);
    assert.equal(withPlatform.csp.match(/connect-src/g).length, 1);
    assert.equal(withPlatform.meta, PLATFORM);
    // Written again over the earlier folder: nothing of the earlier platform stays.
    const without = await read(null);
    assert.match(without.csp, /(^|; )connect-src 'self';/);
    assert.equal(without.meta, "");
    assert.match(without.csp, /script-src 'self' 'wasm-unsafe-eval'/, "the rest of the CSP is kept");
    const local = await read("http://127.0.0.1:9400");
    assert.equal(local.meta, "http://127.0.0.1:9400");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("anything but an origin is refused in Chinese and English, and nothing is written", async () => {
  const refused = [
    "http://county.example", // plain http off this PC
    "https://county.example/kiosk", // a path
    "https://county.example?x=1",
    "https://user@county.example",
    "https://*.county.example",
    "https://county.example;",
    "ftp://county.example",
    "county.example",
    "https://county.example:99999",
    "",
  ];
  for (const origin of refused) {
    assert.throws(() => parsePlatformOrigin(origin), (error) => error.name === "DistError", JSON.stringify(origin));
  }
  assert.equal(parsePlatformOrigin("http://localhost:8443"), "http://localhost:8443");

  const root = await mkdtemp(join(tmpdir(), "aixin-dist-"));
  try {
    const outDir = join(root, "out");
    const run = (...args) => spawnSync(process.execPath, [join(repo, "scripts", "dist.mjs"), ...args], { encoding: "utf8", timeout: 30_000 });
    const bad = run("--platform", "http://county.example:8443", outDir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /平台必须用 https/);
    assert.match(bad.stderr, /must use https/);
    await assert.rejects(stat(outDir), { code: "ENOENT" });
    // A folder holding other things is never emptied.
    const notEmpty = run(join(repo, "tests"));
    assert.equal(notEmpty.status, 2);
    assert.match(notEmpty.stderr, /不是空的[\s\S]*neither empty nor an earlier kiosk folder/);
    const good = run("--platform", PLATFORM, outDir);
    assert.equal(good.status, 0, good.stderr);
    assert.match(await readFile(join(outDir, "index.html"), "utf8"), /connect-src 'self' https:\/\/county\.example:8443;/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("a script the minifier cannot read is refused in Chinese and English, naming it, and left as it was; other files are not scripts to it", async () => {
  const root = await mkdtemp(join(tmpdir(), "aixin-dist-"));
  try {
    await writeFile(join(root, "good.js"), "export const answer = 40 + 2; // kept\n");
    await writeFile(join(root, "bad.js"), "export const = ;\n");
    await writeFile(join(root, "notes.txt"), "// not a script\n");
    await assert.rejects(minifyAll(root), (error) => {
      assert.equal(error.name, "DistError");
      assert.match(error.message, /无法压缩 bad\.js/);
      assert.match(error.message, /Could not minify bad\.js/);
      return true;
    });
    assert.equal(await readFile(join(root, "bad.js"), "utf8"), "export const = ;\n");
    assert.equal(await readFile(join(root, "notes.txt"), "utf8"), "// not a script\n");
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
