// The kiosk's static server: www/ at the root and pkg/ under /pkg/, bound to
// loopback only. Used by `scripts/serve` and by the browser tests. Text and
// wasm go out compressed (brotli or gzip, as the browser accepts): the wasm
// is a fifth of its size in brotli, which is most of a first load.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
import { buildManifest } from "./build-manifest.mjs";

const repoRoot = resolve(fileURLToPath(new URL("..", import.meta.url)));

const MIME_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
};

/** The types worth compressing; pictures other than SVG are compressed already. */
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".webmanifest", ".wasm", ".svg", ".txt", ".csv"]);

/** Below this many bytes a compressed answer saves less than its cost. */
const COMPRESS_BYTES_MIN = 256;

/** Compressed bodies kept per server, so each file is compressed once per change. */
const COMPRESSED_ENTRIES_MAX = 512;

const COMPRESSORS = {
  // Quality 5 compresses the wasm in tens of milliseconds to within 15 % of
  // the best brotli, which takes seconds.
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  gzip: (body) => promisify(gzip)(body),
};

/**
 * The encoding to answer with for an `Accept-Encoding` header: "br" or
 * "gzip" (the browser's higher q-value, brotli on a tie), or null for none.
 */
export function chooseEncoding(acceptEncoding = "") {
  const weights = new Map();
  for (const part of String(acceptEncoding).split(",")) {
    const [rawName, ...params] = part.toLowerCase().split(";");
    const name = rawName.trim();
    if (!name) continue;
    const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)).find(Boolean);
    const weight = q ? Number(q[1]) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weight = (name) => weights.get(name) ?? weights.get("*") ?? 0;
  const [best] = ["br", "gzip"].filter((name) => weight(name) > 0).sort((a, b) => weight(b) - weight(a));
  return best ?? null;
}

/** Maps a URL path to a file under www/ or pkg/, or null if outside both. */
function fileFor(urlPath, mounts) {
  let path = decodeURIComponent(urlPath.split("?")[0]);
  if (path.endsWith("/")) path += "index.html";
  for (const [prefix, dir] of mounts) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    if (file === dir || file.startsWith(dir + sep)) return file;
  }
  return null;
}

/**
 * Starts the server. Resolves to { server, port, url } once listening.
 * Options: port (0 picks a free one), host (loopback only), wwwDir, pkgDir.
 */
export function startServer({
  port = 8080,
  host = "127.0.0.1",
  wwwDir = join(repoRoot, "www"),
  pkgDir = join(repoRoot, "pkg"),
} = {}) {
  const mounts = [
    ["/pkg/", resolve(pkgDir)],
    ["/", resolve(wwwDir)],
  ];
  // "encoding key" → { stamp, body }. A file's stamp is its size and time,
  // so a changed file is compressed again.
  const compressed = new Map();
  /** Answers 200 with `body`, compressed if the browser and the type allow. */
  const send = async (request, response, { body, extension, key, stamp }) => {
    const headers = {
      "Content-Type": MIME_TYPES[extension] ?? "application/octet-stream",
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    };
    const encoding = COMPRESSIBLE.has(extension) && body.length >= COMPRESS_BYTES_MIN
      ? chooseEncoding(request.headers["accept-encoding"])
      : null;
    if (encoding) {
      const cacheKey = `${encoding} ${key}`;
      let entry = compressed.get(cacheKey);
      if (entry?.stamp !== stamp) {
        entry = { stamp, body: await COMPRESSORS[encoding](body) };
        compressed.delete(cacheKey);
        if (compressed.size >= COMPRESSED_ENTRIES_MAX) compressed.delete(compressed.keys().next().value);
        compressed.set(cacheKey, entry);
      }
      body = entry.body;
      headers["Content-Encoding"] = encoding;
    }
    // Caches between the server and the browser keep one answer per encoding.
    if (COMPRESSIBLE.has(extension)) headers.Vary = "Accept-Encoding";
    headers["Content-Length"] = body.length;
    response.writeHead(200, headers);
    response.end(body);
  };
  const server = createServer(async (request, response) => {
    const file = fileFor(request.url ?? "/", mounts);
    try {
      if ((request.url ?? "").split("?")[0] === "/pkg/build-manifest.js") {
        // Always the manifest of the files served now, so the service
        // worker sees every change as a new build.
        const { build, source } = await buildManifest({ wwwDir, pkgDir });
        await send(request, response, { body: Buffer.from(source), extension: ".js", key: "manifest", stamp: build });
        return;
      }
      const found = file ? await stat(file) : null;
      if (!found?.isFile()) throw new Error("not found");
      const body = await readFile(file);
      const stamp = `${found.size} ${found.mtimeMs}`;
      await send(request, response, { body, extension: extname(file), key: file, stamp });
    } catch {
      response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      response.end("not found\n");
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolvePromise({ server, port: actual, url: `http://${host}:${actual}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number.parseInt(process.env.PORT ?? process.argv[2] ?? "8080", 10);
  const { url } = await startServer({ port });
  console.log(`Aixin Kiosk: ${url}  (Ctrl+C to stop)`);
}
