// The kiosk's own server compresses what it serves: brotli or gzip as the
// browser accepts, for the wasm, JS, CSS, HTML and SVG; the bytes decompress
// to the file, and a changed file is compressed again.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { get } from "node:http";
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { chooseEncoding, startServer } from "../../scripts/server.mjs";

const repo = fileURLToPath(new URL("../../", import.meta.url));

let site;
before(async () => {
  // A copy, so that the test may change a file under the running server.
  const dir = await mkdtemp(join(tmpdir(), "aixin-served-"));
  await cp(join(repo, "www"), join(dir, "www"), { recursive: true });
  await cp(join(repo, "pkg"), join(dir, "pkg"), { recursive: true });
  const { server, url } = await startServer({ port: 0, wwwDir: join(dir, "www"), pkgDir: join(dir, "pkg") });
  site = { dir, server, url };
});
after(async () => {
  await new Promise((done) => site?.server.close(done));
  if (site) await rm(site.dir, { recursive: true, force: true });
});

/** GETs `path` with an Accept-Encoding header; resolves to { status, headers, body }. */
function fetchRaw(path, acceptEncoding) {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { "Accept-Encoding": acceptEncoding };
    get(new URL(path, site.url), { headers, timeout: 10_000 }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    }).on("error", reject);
  });
}

const DECODERS = { br: brotliDecompressSync, gzip: gunzipSync };

/** The largest picture of the goods, so that it is worth compressing. */
async function largestSvg() {
  const dir = join(site.dir, "www", "img", "goods");
  const sizes = await Promise.all(
    (await readdir(dir)).filter((name) => name.endsWith(".svg")).map(async (name) => [(await stat(join(dir, name))).size, name]),
  );
  sizes.sort((a, b) => b[0] - a[0]);
  assert.ok(sizes.length > 0 && sizes[0][0] >= 256, "a goods picture of at least 256 bytes");
  return `img/goods/${sizes[0][1]}`;
}

test("wasm, JS, CSS, HTML and SVG come compressed in the encoding asked for, and decompress to the file", async () => {
  const files = [
    ["pkg/aixin_kiosk_bg.wasm", "application/wasm"],
    ["pkg/aixin_kiosk.js", "text/javascript; charset=utf-8"],
    ["main.js", "text/javascript; charset=utf-8"],
    ["css/villager.css", "text/css; charset=utf-8"],
    ["index.html", "text/html; charset=utf-8"],
    [await largestSvg(), "image/svg+xml"],
  ];
  for (const [path, type] of files) {
    const file = await readFile(join(site.dir, path.startsWith("pkg/") ? "" : "www", path));
    for (const encoding of ["br", "gzip"]) {
      const answer = await fetchRaw(path, encoding === "br" ? "gzip, deflate, br, zstd" : "gzip, deflate");
      assert.equal(answer.status, 200, path);
      assert.equal(answer.headers["content-type"], type, path);
      assert.equal(answer.headers["content-encoding"], encoding, `${path} in ${encoding}`);
      assert.equal(answer.headers.vary, "Accept-Encoding", path);
      assert.equal(Number(answer.headers["content-length"]), answer.body.length, path);
      assert.ok(answer.body.length < file.length, `${path} is smaller in ${encoding}`);
      assert.ok(DECODERS[encoding](answer.body).equals(file), `${path} in ${encoding} decompresses to the file`);
    }
  }
  // The page itself at "/", as a browser asks for it.
  const page = await fetchRaw("/?kiosk=village-01", "gzip, deflate, br, zstd");
  assert.equal(page.headers["content-encoding"], "br");
  assert.ok(brotliDecompressSync(page.body).equals(await readFile(join(site.dir, "www", "index.html"))));
});

test("without an accepted encoding the file comes as it is", async () => {
  const file = await readFile(join(site.dir, "pkg", "aixin_kiosk_bg.wasm"));
  for (const acceptEncoding of [undefined, "identity", "br;q=0, gzip;q=0", "deflate"]) {
    const answer = await fetchRaw("pkg/aixin_kiosk_bg.wasm", acceptEncoding);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["content-encoding"], undefined, String(acceptEncoding));
    assert.ok(answer.body.equals(file), String(acceptEncoding));
  }
});

test("the encoding follows the browser's preference", () => {
  const cases = [
    ["gzip, deflate, br, zstd", "br"],
    ["gzip, deflate", "gzip"],
    ["br;q=0, gzip", "gzip"],
    ["br;q=0.2, gzip;q=0.8", "gzip"],
    ["gzip;q=0.5, br;q=0.9", "br"],
    [" GZIP ; q=1 ", "gzip"],
    ["*", "br"],
    ["*;q=0", null],
    ["identity", null],
    ["", null],
  ];
  for (const [header, expected] of cases) assert.equal(chooseEncoding(header), expected, JSON.stringify(header));
});

test("a changed file is compressed again, and the build manifest is compressed as it is computed", async () => {
  const path = join(site.dir, "www", "main.js");
  const first = await fetchRaw("main.js", "br");
  assert.ok(brotliDecompressSync(first.body).equals(await readFile(path)));
  const changed = `${await readFile(path, "utf8")}\n// changed ${Date.now()}\n`;
  await writeFile(path, changed);
  const second = await fetchRaw("main.js", "br");
  assert.equal(brotliDecompressSync(second.body).toString("utf8"), changed);

  const manifest = await fetchRaw("pkg/build-manifest.js", "gzip");
  assert.equal(manifest.headers["content-encoding"], "gzip");
  assert.match(gunzipSync(manifest.body).toString("utf8"), /^self\.AIXIN_BUILD = "[0-9a-f]{16}";$/m);
});
