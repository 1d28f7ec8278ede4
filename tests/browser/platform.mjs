// What the browser tests of the county platform share: the platform binary,
// a database of their own on the PostgreSQL of DATABASE_URL, the dist folder
// (its CSP naming the platform) served on one loopback port and the
// platform server on another, its commands, and bounded waits.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { startServer } from "../../scripts/server.mjs";
import { writeDist } from "../../scripts/dist.mjs";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** The longest any wait of these tests may take. */
export const WAIT_MS = 30_000;

/** The platform binary: AIXIN_PLATFORM_BIN, or a build under target/. */
export function platformBinary() {
  const candidates = [
    process.env.AIXIN_PLATFORM_BIN,
    join(repoRoot, "target/debug/aixin-platform"),
    join(repoRoot, "target/platform/debug/aixin-platform"),
    join(repoRoot, "target/platform/aixin-platform"),
    join(repoRoot, "target/platform/platform/aixin-platform"),
  ].filter(Boolean);
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** The connection string of `base` with another database name. */
export function withDatabase(base, name) {
  if (/^postgres(ql)?:\/\//.test(base)) {
    const url = new URL(base);
    url.pathname = `/${name}`;
    return url.href;
  }
  // key=value form: the last dbname wins.
  return `${base} dbname=${name}`;
}

export function psql(url, sql) {
  const result = spawnSync("psql", [url, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], { encoding: "utf8", timeout: 20_000 });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr || result.error}`);
  return result.stdout.trim();
}

export async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/** Waits until `check()` is truthy, at most `ms`; returns its last value. */
export async function until(check, what, ms = WAIT_MS) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Runs an `aixin-platform` command of `env` to its end; returns its stdout. */
export function platformCommand(env, ...args) {
  const result = spawnSync(env.binary, args, {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, DATABASE_URL: env.databaseUrl },
  });
  if (result.status !== 0) throw new Error(`aixin-platform ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** The one-time code at the end of the command's line. */
export function codeOf(output) {
  const match = /:\s*(\S+)\s*$/.exec(output.trim());
  assert.ok(match, `no code in: ${output}`);
  return match[1];
}

/** Starts the platform server of `env`; resolves once it answers. */
export async function startPlatform(env, countyId) {
  const child = spawn(env.binary, ["serve", "--listen", `127.0.0.1:${env.platformPort}`, "--kiosk-origin", env.kioskOrigin], {
    env: { ...process.env, DATABASE_URL: env.databaseUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (chunk) => (log += chunk));
  child.stderr.on("data", (chunk) => (log += chunk));
  const exited = new Promise((done) => child.once("exit", done));
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`the platform exited: ${log}`);
    try {
      const answer = await fetch(`${env.platformOrigin}/v1/kiosks/${countyId}/head`);
      return answer.status > 0;
    } catch {
      return false;
    }
  }, "the platform to listen");
  return {
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/**
 * Fills `env` for a test file: a database `{prefix}_…` of its own, the
 * platform's port and origin, a temporary folder (`tempDir`) with the dist
 * folder served on loopback (`kioskUrl`, `kioskOrigin`). Leaves `env` without
 * them when DATABASE_URL or the binary is missing: the test then fails and
 * says which.
 */
export async function preparePlatform(env, prefix) {
  env.baseUrl = process.env.DATABASE_URL;
  env.binary = platformBinary();
  if (!env.baseUrl || !env.binary) return;
  env.database = `${prefix}_${process.pid}_${Date.now()}`;
  psql(env.baseUrl, `CREATE DATABASE ${env.database}`);
  env.databaseUrl = withDatabase(env.baseUrl, env.database);
  env.platformPort = await freePort();
  env.platformOrigin = `http://127.0.0.1:${env.platformPort}`;
  env.tempDir = await mkdtemp(join(tmpdir(), "aixin-platform-"));
  const distDir = join(env.tempDir, "dist");
  await writeDist({ outDir: distDir, platformOrigin: env.platformOrigin });
  const { server, url } = await startServer({ port: 0, wwwDir: distDir, pkgDir: join(distDir, "pkg") });
  env.kioskServer = server;
  env.kioskUrl = url;
  env.kioskOrigin = new URL(url).origin;
}

/** Stops what `preparePlatform` and the test started and drops the database. */
export async function cleanUpPlatform(env) {
  await env.platform?.stop().catch(() => {});
  if (env.kioskServer) await new Promise((done) => env.kioskServer.close(done));
  if (env.tempDir) await rm(env.tempDir, { recursive: true, force: true });
  if (env.database) {
    try {
      psql(env.baseUrl, `DROP DATABASE IF EXISTS ${env.database} WITH (FORCE)`);
    } catch {
      // the server the test command started goes away anyway
    }
  }
}
