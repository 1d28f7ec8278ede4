// The served page loads the wasm core with no console error and shows its version.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { collectErrors } from "./harness.mjs";
import { startForFile } from "./setup.mjs";

const cargoToml = await readFile(new URL("../../Cargo.toml", import.meta.url), "utf8");
const crateVersion = cargoToml.match(/^version = "(.+)"$/m)[1];

const { server, browser } = startForFile({ browser: {} });

test("the page loads the wasm and shows the build's version", async () => {
  const page = await browser.context.newPage();
  const errors = collectErrors(page);
  await page.goto(server.url);
  await page.getByRole("status").filter({ hasText: `v${crateVersion}` }).waitFor();
  assert.deepEqual(errors, []);
});
