// The served page loads the wasm core with no console error and shows its version.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { serveKiosk, launchBrowser, collectErrors } from "./harness.mjs";

const cargoToml = await readFile(new URL("../../Cargo.toml", import.meta.url), "utf8");
const crateVersion = cargoToml.match(/^version = "(.+)"$/m)[1];

let server;
let browser;
before(async () => {
  server = await serveKiosk();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("the page loads the wasm and shows the build's version", async () => {
  const page = await browser.context.newPage();
  const errors = collectErrors(page);
  await page.goto(server.url);
  await page.getByRole("status").filter({ hasText: `v${crateVersion}` }).waitFor();
  assert.deepEqual(errors, []);
});
