// Writes the kiosk as one self-contained static folder for a kiosk PC: the
// page (www/), the built core (pkg/), the service worker and a build
// manifest written to a file; every script and style sheet minified. Every
// URL in it is relative, so any static web server can serve the folder at
// `/` or under a sub-path like `/kiosk/`.
// The node part of `scripts/dist`, which builds pkg/ first; the tests call
// `writeDist` directly on the pkg/ already built.
//
//   node scripts/dist.mjs [--platform ORIGIN] [OUT_DIR]
//   node scripts/dist.mjs --check [--platform ORIGIN] [OUT_DIR]   (arguments only)
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";
import { writeBuildManifest } from "./build-manifest.mjs";

const repoRoot = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** The files of pkg/ the page loads; the TypeScript declarations stay behind. */
const PKG_FILES = [
  "aixin_kiosk.js",
  "aixin_kiosk_bg.wasm",
  "villager/aixin_kiosk.js",
  "villager/aixin_kiosk_bg.wasm",
];

/** The name of the meta element that tells the page which platform origin it may upload to. */
export const PLATFORM_META = "aixin-platform-origin";

/** A refusal of the command's input, worded in Chinese and English. */
export class DistError extends Error {
  constructor(chinese, english) {
    super(`${chinese}\n${english}`);
    this.name = "DistError";
  }
}

/**
 * Checks that `text` is an origin only — scheme://host[:port], no path,
 * query, user or wildcard — and returns it in the browser's own spelling.
 * Plain http is allowed only for this PC itself (127.0.0.1, localhost): any
 * other platform is reached over HTTPS.
 */
export function parsePlatformOrigin(text) {
  const refuse = (chinese, english) => {
    throw new DistError(`平台地址 "${text}" 不可用：${chinese}`, `The platform origin "${text}" is not usable: ${english}`);
  };
  const shape = /^(https?):\/\/([^/?#@\s]+)\/?$/i.exec(String(text));
  if (!shape) {
    refuse(
      "只能写 协议://主机[:端口]，例如 https://county.example:8443，不带路径、参数或用户名。",
      "write scheme://host[:port] only, e.g. https://county.example:8443, with no path, query or user.",
    );
  }
  let url;
  try {
    url = new URL(text);
  } catch {
    refuse("主机名或端口写错了。", "the host name or the port is wrong.");
  }
  // Only names and IPv4 addresses: the origin is written into the page's CSP
  // and an HTML attribute, where any other character could change them.
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(url.hostname)) {
    refuse("主机名只能含字母、数字、点和连字符。", "a host name may hold only letters, digits, dots and hyphens.");
  }
  if (url.protocol === "http:" && !["127.0.0.1", "localhost"].includes(url.hostname)) {
    refuse(
      "除本机（127.0.0.1、localhost）外，平台必须用 https。",
      "a platform other than this PC (127.0.0.1, localhost) must use https.",
    );
  }
  return url.origin;
}

/**
 * Parses the command's arguments into { platformOrigin, outDir, checkOnly };
 * a relative OUT_DIR is taken from `cwd`, the default is dist/ in the repo.
 */
export function parseArgs(args, cwd = process.cwd()) {
  let platformOrigin = null;
  let outDir = null;
  let checkOnly = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === "--check") {
      checkOnly = true;
    } else if (arg === "--platform" || arg.startsWith("--platform=")) {
      const value = arg === "--platform" ? args[++index] : arg.slice("--platform=".length);
      if (value === undefined || value === "") {
        throw new DistError("--platform 后面要写平台地址。", "--platform needs the platform origin after it.");
      }
      if (platformOrigin !== null) {
        throw new DistError("只能允许一个平台地址。", "only one platform origin can be allowed.");
      }
      platformOrigin = parsePlatformOrigin(value);
    } else if (arg.startsWith("-")) {
      throw new DistError(`不认识的选项 ${arg}。`, `unknown option ${arg}.`);
    } else if (outDir === null) {
      outDir = resolve(cwd, arg);
    } else {
      throw new DistError("只能写一个输出文件夹。", "give one output folder only.");
    }
  }
  return { platformOrigin, outDir: outDir ?? join(repoRoot, "dist"), checkOnly };
}

const inside = (path, dir) => path === dir || path.startsWith(dir + sep);

/**
 * Refuses an output folder that would overwrite the sources, or a folder
 * with other things in it: the folder is emptied before it is written.
 */
async function checkOutDir(outDir, { wwwDir, pkgDir }) {
  const overwrites =
    [repoRoot, wwwDir, pkgDir].some((source) => inside(source, outDir)) || inside(outDir, wwwDir) || inside(outDir, pkgDir);
  if (overwrites) {
    throw new DistError(
      `输出文件夹 ${outDir} 会覆盖源文件，请换一个。`,
      `The output folder ${outDir} would overwrite the sources; choose another.`,
    );
  }
  let entries;
  try {
    entries = await readdir(outDir);
  } catch (error) {
    if (error.code === "ENOENT") return;
    if (error.code === "ENOTDIR") {
      throw new DistError(`${outDir} 是一个文件，不是文件夹。`, `${outDir} is a file, not a folder.`);
    }
    throw error;
  }
  const earlierDist = entries.includes("sw.js") && entries.includes("index.html") && entries.includes("pkg");
  if (entries.length > 0 && !earlierDist) {
    throw new DistError(
      `输出文件夹 ${outDir} 不是空的，也不是以前生成的终端文件夹。`,
      `The output folder ${outDir} is neither empty nor an earlier kiosk folder.`,
    );
  }
}

/**
 * The page with its CSP's connect-src set to the page's own origin plus the
 * platform origin (if any), and a meta element naming that origin (empty
 * content: none), so Village settings can accept only it. The development
 * page's connect-src (loopback, for trying a platform on one machine) is
 * replaced, not extended.
 */
export function pageForPlatform(html, platformOrigin) {
  const csp = /(<meta http-equiv="Content-Security-Policy"\s+content=")([^"]*)(">)/;
  const match = csp.exec(html);
  if (!match) {
    throw new DistError("index.html 里找不到内容安全策略（CSP）。", "index.html has no Content-Security-Policy meta element.");
  }
  const connect = ["connect-src 'self'", ...(platformOrigin ? [platformOrigin] : [])].join(" ");
  const directives = match[2]
    .split(";")
    .map((directive) => directive.trim())
    .filter((directive) => directive && !/^connect-src\b/.test(directive));
  directives.splice(1, 0, connect);
  const meta = `\n  <meta name="${PLATFORM_META}" content="${platformOrigin ?? ""}">`;
  return html.replace(csp, `$1${directives.join("; ")}$3${meta}`);
}

/**
 * Minifies every .js and .css file under `dir` in place: whitespace,
 * comments and local names go; what a module exports and the globals a
 * classic script (the service worker) defines keep their names; text stays
 * UTF-8, not \u escapes. A file esbuild cannot parse is refused, naming
 * it; the folder is then left for the next run to overwrite.
 */
export async function minifyAll(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    const loader = { ".js": "js", ".css": "css" }[extname(entry.name)];
    if (!entry.isFile() || !loader) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    const source = await readFile(file, "utf8");
    let code;
    try {
      ({ code } = await transform(source, { loader, minify: true, charset: "utf8", legalComments: "none" }));
    } catch (error) {
      const name = relative(dir, file);
      throw new DistError(`无法压缩 ${name}：${error.message}`, `Could not minify ${name}: ${error.message}`);
    }
    await writeFile(file, code);
  }
}

/**
 * Writes the folder. Returns { outDir, build, files } (files: the build's
 * files as the service worker caches them, relative to the folder).
 */
export async function writeDist({
  outDir = join(repoRoot, "dist"),
  platformOrigin = null,
  wwwDir = join(repoRoot, "www"),
  pkgDir = join(repoRoot, "pkg"),
} = {}) {
  const origin = platformOrigin === null ? null : parsePlatformOrigin(platformOrigin);
  const dirs = { wwwDir: resolve(wwwDir), pkgDir: resolve(pkgDir) };
  const out = resolve(outDir);
  await checkOutDir(out, dirs);
  for (const file of PKG_FILES) {
    const found = await stat(join(dirs.pkgDir, file)).catch(() => null);
    if (!found?.isFile()) {
      throw new DistError(`缺少 pkg/${file}：请先构建。`, `pkg/${file} is missing: build first.`);
    }
  }
  await rm(out, { recursive: true, force: true });
  await cp(dirs.wwwDir, out, { recursive: true });
  await mkdir(join(out, "pkg", "villager"), { recursive: true });
  for (const file of PKG_FILES) await cp(join(dirs.pkgDir, file), join(out, "pkg", file));
  // The JS snippets each build's glue imports (the proof worker's script).
  for (const dir of ["snippets", "villager/snippets"]) {
    const found = await stat(join(dirs.pkgDir, dir)).catch(() => null);
    if (found?.isDirectory()) await cp(join(dirs.pkgDir, dir), join(out, "pkg", dir), { recursive: true });
  }
  await minifyAll(out);
  const indexFile = join(out, "index.html");
  await writeFile(indexFile, pageForPlatform(await readFile(indexFile, "utf8"), origin));
  // Written last: its build id is a digest of every file above as written.
  const { build, files } = await writeBuildManifest({ wwwDir: out, pkgDir: join(out, "pkg") });
  return { outDir: out, build, files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { platformOrigin, outDir, checkOnly } = parseArgs(process.argv.slice(2));
    if (checkOnly) {
      await checkOutDir(outDir, { wwwDir: join(repoRoot, "www"), pkgDir: join(repoRoot, "pkg") });
    } else {
      const { build, files } = await writeDist({ outDir, platformOrigin });
      const shown = relative(process.cwd(), outDir) || ".";
      console.log(`${shown}/: build ${build}, ${files.length} files; platform: ${platformOrigin ?? "none"}`);
    }
  } catch (error) {
    if (!(error instanceof DistError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
  }
}
