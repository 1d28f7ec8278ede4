// The villager's page stays light: what www/main.js imports statically (the
// whole of it, followed module by module) holds none of the staff's modules,
// none of the screens and words loaded on demand, and no word that only the
// staff's words hold; index.html does not link the staff's style sheets.
// Those load when staff sign in (js/on-demand.js, words/index.js's
// loadStaffWords). Runs in node, reading the sources.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const WWW = path.join(ROOT, "www");

/** The specifiers of a module's static imports and re-exports (not import()). */
function staticImports(source) {
  const found = [];
  for (const match of source.matchAll(/^\s*(?:import|export)\s+(?:[^'";]*?\sfrom\s+)?["']([^"']+)["']/gm)) {
    found.push(match[1]);
  }
  return found;
}

/** The specifiers of a module's dynamic imports with a plain string. */
function dynamicImports(source) {
  return [...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
}

/** Every module reachable from `entry` by static imports: path under www/ → who imports it first. */
async function staticGraph(entry) {
  const seen = new Map([[entry, null]]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift();
    if (file.startsWith(path.join(WWW, "pkg") + path.sep)) continue; // the wasm's glue, generated
    const source = await readFile(file, "utf8");
    for (const specifier of staticImports(source)) {
      if (!specifier.startsWith(".")) continue;
      const target = path.resolve(path.dirname(file), specifier);
      if (!seen.has(target)) {
        seen.set(target, file);
        queue.push(target);
      }
    }
  }
  return seen;
}

const rel = (file) => path.relative(WWW, file).split(path.sep).join("/");

test("the static imports of the page's entry hold no staff module and nothing loaded on demand", async () => {
  const graph = await staticGraph(path.join(WWW, "main.js"));
  const files = [...graph.keys()].map(rel);
  // Sanity: the walk sees the villager's screens, so an empty graph cannot pass.
  for (const expected of ["js/app.js", "js/screens/home.js", "js/screens/shop.js", "js/words/villager.js"]) {
    assert.ok(files.includes(expected), `${expected} is imported by the page`);
  }
  const onDemand = new Set();
  for (const owner of ["js/on-demand.js", "js/words/index.js"]) {
    for (const specifier of dynamicImports(await readFile(path.join(WWW, owner), "utf8"))) {
      onDemand.add(rel(path.resolve(path.dirname(path.join(WWW, owner)), specifier)));
    }
  }
  // The registry's screens are written as [module, function] pairs.
  const registry = await readFile(path.join(WWW, "js/on-demand.js"), "utf8");
  for (const match of registry.matchAll(/\[\s*"(\.\/[^"]+\.js)",\s*"[A-Za-z]+"\s*\]/g)) {
    onDemand.add(rel(path.resolve(path.join(WWW, "js"), match[1])));
  }
  assert.ok(onDemand.has("js/screens/staff/home.js") && onDemand.has("js/words/staff.js"), "the on-demand lists are read");
  const offenders = [];
  for (const [file, importer] of graph) {
    const name = rel(file);
    if (name.startsWith("js/staff/") || name.startsWith("js/screens/staff/") || onDemand.has(name)) {
      offenders.push(`${name} (imported by ${rel(importer)})`);
    }
  }
  assert.deepEqual(offenders, [], "loaded on demand, never statically from www/main.js");
});

/** Words app.js says only while a staff screen is shown, so after the staff's words loaded. */
const ON_STAFF_SCREENS = new Set(["scanNotHere"]);

test("every word the villager's modules name is in the areas loaded with the page", async () => {
  const catalogue = await import(path.join(WWW, "js/words/index.js"));
  const withPage = new Set(Object.keys(catalogue.WORDS));
  await catalogue.loadStaffWords();
  const graph = await staticGraph(path.join(WWW, "main.js"));
  const missing = [];
  for (const file of graph.keys()) {
    if (file.startsWith(path.join(WWW, "pkg") + path.sep) || file.startsWith(path.join(WWW, "js/words") + path.sep)) continue;
    const source = await readFile(file, "utf8");
    const named = [
      ...source.matchAll(/\b(?:t|dual)\(\s*"([\w$]+)"/g),
      ...source.matchAll(/\btIn\(\s*[\w.]+,\s*"([\w$]+)"/g),
    ].map((match) => match[1]);
    for (const key of named) {
      // A key of the whole catalogue that only the staff's areas hold.
      if (Object.hasOwn(catalogue.WORDS, key) && !withPage.has(key) && !ON_STAFF_SCREENS.has(key)) {
        missing.push(`${key} in ${rel(file)}`);
      }
    }
  }
  assert.deepEqual(missing, [], "a word the villager's screens show before staff sign in lives in a villager's area");
});

test("index.html links no staff style sheet", async () => {
  const html = await readFile(path.join(WWW, "index.html"), "utf8");
  const sheets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((match) => match[1]);
  assert.ok(sheets.includes("css/villager.css"), "the villager's sheet is linked");
  for (const staff of ["css/staff.css", "reports.css"]) {
    assert.ok(!sheets.includes(staff), `${staff} is inserted when staff sign in`);
  }
});
