// The kiosk's static server: www/ at the root and pkg/ under /pkg/, bound to
// loopback only. Used by `scripts/serve` and by the browser tests.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
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
  const server = createServer(async (request, response) => {
    const file = fileFor(request.url ?? "/", mounts);
    try {
      if ((request.url ?? "").split("?")[0] === "/pkg/build-manifest.js") {
        // Always the manifest of the files served now, so the service
        // worker sees every change as a new build.
        const { source } = await buildManifest({ wwwDir, pkgDir });
        response.writeHead(200, {
          "Content-Type": MIME_TYPES[".js"],
          "Cache-Control": "no-cache",
          "X-Content-Type-Options": "nosniff",
        });
        response.end(source);
        return;
      }
      if (!file || !(await stat(file)).isFile()) throw new Error("not found");
      const body = await readFile(file);
      response.writeHead(200, {
        "Content-Type": MIME_TYPES[extname(file)] ?? "application/octet-stream",
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
      });
      response.end(body);
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
