// The page's one catalogue of words (www/js/words/): no key is defined
// twice, in one file or across two; no module outside the catalogue adds
// words of its own; every word has its Chinese and its English; and every
// refusal code of the core (Error::CODES in src/error.rs) has words in both
// languages. Runs in node, without a browser: the catalogue and the page's
// refusal words import no DOM until a label is built.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const WWW_JS = path.join(ROOT, "www/js");
const CATALOGUE = path.join(WWW_JS, "words");

const { AREAS, WORDS, mergeWords, loadStaffWords } = await import(path.join(CATALOGUE, "index.js"));
// The staff's files load on demand in the page; every check below holds
// over the whole catalogue, so load them first.
await loadStaffWords();
const { errorText, tIn, PAGE_SENTENCE_CODES } = await import(path.join(WWW_JS, "i18n.js"));

/** Every .js file under `dir`. */
async function scripts(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await scripts(full)));
    else if (entry.name.endsWith(".js")) found.push(full);
  }
  return found;
}

/**
 * The keys of a catalogue file as written in its source, in order: the
 * names at the first level of `export default { … }`. Read from the text,
 * because an object literal keeps only the last of two equal keys.
 */
function keysInSource(source) {
  const start = source.indexOf("export default {");
  assert.ok(start >= 0, "a catalogue file exports its table as `export default {`");
  const keys = [];
  for (const line of source.slice(start).split("\n").slice(1)) {
    if (line === "};") break;
    const match = /^ {2}(?:"([^"]+)"|([A-Za-z_$][\w$]*)):/.exec(line);
    if (match) keys.push(match[1] ?? match[2]);
  }
  return keys;
}

test("no word is defined twice, in one file of the catalogue or across two", async () => {
  const files = (await readdir(CATALOGUE)).filter((name) => name.endsWith(".js") && name !== "index.js");
  assert.deepEqual(
    files.map((name) => name.replace(/\.js$/, "")).sort(),
    Object.keys(AREAS).sort(),
    "every file of words/ is merged into the catalogue",
  );
  const home = new Map();
  const twice = [];
  let count = 0;
  for (const name of files) {
    for (const key of keysInSource(await readFile(path.join(CATALOGUE, name), "utf8"))) {
      count += 1;
      if (home.has(key)) twice.push(`${key}: ${home.get(key)} and ${name}`);
      else home.set(key, name);
    }
  }
  assert.deepEqual(twice, [], "each key has one home");
  assert.equal(count, Object.keys(WORDS).length, "every key read from the files is in the merged catalogue");
});

test("merging refuses a key defined twice and a word without both languages", () => {
  assert.throws(
    () => mergeWords({ one: { save: ["保存", "Save"] }, two: { save: ["存", "Keep"] } }),
    /"save" is defined twice: in words\/one\.js and in words\/two\.js/,
  );
  assert.throws(() => mergeWords({ one: { save: ["保存"] } }), /"save" in words\/one\.js/);
  assert.throws(() => mergeWords({ one: { save: ["保存", ""] } }), /"save" in words\/one\.js/);
  assert.deepEqual(Object.keys(mergeWords({ one: { a: ["甲", "A"] }, two: { b: ["乙", "B"] } })), ["a", "b"]);
});

test("no module outside the catalogue adds words to the page's table", async () => {
  const offenders = [];
  for (const file of await scripts(WWW_JS)) {
    if (file.startsWith(CATALOGUE + path.sep)) continue;
    const source = await readFile(file, "utf8");
    if (/\bWORDS\s*\[[^\]]*\]\s*=[^=]|Object\.assign\(\s*WORDS\b/.test(source)) offenders.push(path.relative(ROOT, file));
  }
  assert.deepEqual(offenders, []);
});

/** Figures for a word that takes some: numbers a person would read. */
const FIGURES = ["3", "5", "12", "2026-Q4", "A1"];

test("every word reads in Chinese and in English", () => {
  const missing = [];
  for (const key of Object.keys(WORDS)) {
    for (const language of ["zh", "en"]) {
      let text;
      try {
        text = tIn(language, key, ...FIGURES);
      } catch (error) {
        text = `(throws ${error.message})`;
      }
      if (typeof text !== "string" || text.trim() === "" || text.startsWith("(throws")) {
        missing.push(`${key} in ${language}: ${text}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

/** The codes of Error::CODES, read from the core's source. */
async function coreCodes() {
  const source = await readFile(path.join(ROOT, "src/error.rs"), "utf8");
  const list = /pub const CODES: \[&'static str; (\d+)\] = \[([^\]]*)\]/.exec(source);
  assert.ok(list, "src/error.rs lists every code in Error::CODES");
  const codes = [...list[2].matchAll(/"([A-Z_]+)"/g)].map((match) => match[1]);
  assert.equal(codes.length, Number(list[1]));
  return codes;
}

test("every refusal code has words in Chinese and in English", async () => {
  const codes = await coreCodes();
  assert.ok(codes.includes("SECOND_STAFF_REQUIRED") && codes.length > 40);
  // The core writes `message` and `messageEn` for every code (a unit test
  // in src/error.rs checks each variant); the page shows them, and writes
  // its own sentence only where it knows more (the goods' names, whether
  // this was a redemption, the village's time): such a sentence must be in
  // both languages and must not be the core's.
  const core = { message: "核心的话", messageEn: "The core's words" };
  const unknown = PAGE_SENTENCE_CODES.filter((code) => !codes.includes(code));
  assert.deepEqual(unknown, [], "the page has no sentence for a code the core does not have");
  const missing = [];
  for (const code of codes) {
    const zh = errorText({ code, ...core }, {}, "zh");
    const en = errorText({ code, ...core }, {}, "en");
    if (PAGE_SENTENCE_CODES.includes(code)) {
      const bare = [errorText({ code }, {}, "zh"), errorText({ code }, {}, "en")];
      if (!/[\u4e00-\u9fff]/.test(bare[0]) || /[\u4e00-\u9fff]/.test(bare[1]) || !bare[1]) {
        missing.push(`${code}: the page's sentence is not in both languages (${bare.join(" / ")})`);
      }
    } else if (zh !== core.message || en !== core.messageEn) {
      missing.push(`${code}: the page does not show the core's words (${zh} / ${en})`);
    }
  }
  assert.deepEqual(missing, []);
});

test("a staff form's refusal names its field with the catalogue's words, and only a known field", () => {
  const error = { code: "INVALID_INPUT", field: "price", message: "填写的内容不对:太大", messageEn: "price: too big" };
  assert.equal(errorText(error, { staff: true }, "zh"), "价格填写得不对:太大。");
  assert.equal(errorText(error, { staff: true }, "en"), "The price is not accepted (too big).");
  // A field the catalogue does not name, even one every object has.
  for (const field of ["toString", "nothing"]) {
    assert.equal(errorText({ ...error, field }, { staff: true }, "en"), "Something entered is not right. Please try again.");
  }
});
