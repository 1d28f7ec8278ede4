// The page's one catalogue of words (www/js/words/): no key is defined
// twice, in one file or across two; no module outside the catalogue adds
// words of its own; every word has its Chinese and its English; and every
// refusal code of the core (Error::CODES in src/error.rs) has words in both
// languages; and no Chinese word is written outside the catalogue, in a
// string, a template or a regular expression of www/js (comments are free),
// but in the few files listed with the reason they keep one. Runs in node,
// without a browser: the catalogue and the page's refusal words import no
// DOM until a label is built.
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

// ---------------------------------------------------------------------------
// No Chinese word outside the catalogue: every label and sentence the page
// shows, prints or speaks has its home in www/js/words/, with its English.

/**
 * Files that keep Chinese literals: file → [lines with one, why]. Keep it
 * short. The count is exact, so a new literal in an allowed file fails too,
 * and a file that loses its literals loses its place.
 */
const ALLOWED = {
  // The calendar's own forms (年, 月, 日, 第四季度, 上午…), built from figures
  // beside their English forms by the same functions; no sentence.
  "www/js/dates.js": [6, "the calendar's forms, written with their English"],
  // A staff form's refusal shows the core's detail after the field's name,
  // with the core's own opening words (填写的内容不对:) taken off; the
  // pattern reads the core's message, it is no word of the page.
  "www/js/i18n.js": [1, "the core's INVALID_INPUT opening, taken off its message"],
  // The goods' units are data a shopkeeper picks and the core stores as
  // written (袋, 瓶…), not words of the page.
  "www/js/screens/staff/item.js": [1, "the goods' units, stored as written"],
  // The bands' text form (80,含,1) is a syntax the rules screen parses and
  // writes; 含 / 不含 are its tokens, read back from what an admin typed.
  "www/js/screens/staff/rules.js": [3, "the bands' text form, parsed as typed"],
};

/** A Chinese character (punctuation such as 、 alone is no word). */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * The lines of `source` (1-based) with a Chinese character outside a
 * comment: in code, a string, a template or a regular expression. A small
 * scanner of the JavaScript the page is written in: comments, the three
 * kinds of quote, `${…}` nested in templates, and a `/` that starts a
 * regular expression where an operand is expected.
 */
function chineseOutsideComments(source) {
  const lines = new Set();
  let line = 1;
  let index = 0;
  // What is open: "code" (with the depth of its braces, to find the end of
  // a template's `${`), or a template.
  const stack = [{ kind: "code", braces: 0 }];
  let last = ""; // the last significant character of code, to tell a regex from a division
  const mark = (char) => {
    if (CJK.test(char)) lines.add(line);
  };
  const step = () => {
    const char = source[index];
    if (char === "\n") line += 1;
    index += 1;
    return char;
  };
  while (index < source.length) {
    const top = stack[stack.length - 1];
    const char = source[index];
    const next = source[index + 1];
    if (top.kind === "template") {
      if (char === "\\") {
        step();
        if (index < source.length) mark(step());
      } else if (char === "`") {
        step();
        stack.pop();
        last = "`";
      } else if (char === "$" && next === "{") {
        step();
        step();
        stack.push({ kind: "code", braces: 0 });
        last = "{";
      } else {
        mark(step());
      }
      continue;
    }
    if (char === "/" && next === "/") {
      while (index < source.length && source[index] !== "\n") step();
      continue;
    }
    if (char === "/" && next === "*") {
      step();
      step();
      while (index < source.length && !(source[index] === "*" && source[index + 1] === "/")) step();
      step();
      step();
      continue;
    }
    if (char === '"' || char === "'") {
      step();
      while (index < source.length && source[index] !== char && source[index] !== "\n") {
        if (source[index] === "\\") step();
        mark(step());
      }
      step();
      last = char;
      continue;
    }
    if (char === "`") {
      step();
      stack.push({ kind: "template" });
      continue;
    }
    if (char === "/" && (last === "" || "(,=:[!&|?{};+-*%<>~^".includes(last) || /\b(return|typeof|case|in|of)$/.test(source.slice(0, index).trimEnd()))) {
      // A regular expression: to its closing slash, past classes and escapes.
      step();
      let inClass = false;
      while (index < source.length && source[index] !== "\n") {
        const here = source[index];
        if (here === "\\") {
          step();
          mark(step());
          continue;
        }
        if (here === "[") inClass = true;
        else if (here === "]") inClass = false;
        else if (here === "/" && !inClass) break;
        mark(step());
      }
      step();
      last = "/";
      continue;
    }
    if (char === "{") top.braces += 1;
    if (char === "}") {
      if (top.braces === 0 && stack.length > 1) {
        step();
        stack.pop();
        continue;
      }
      top.braces -= 1;
    }
    mark(char);
    if (!/\s/.test(char)) last = char;
    step();
  }
  return [...lines];
}

test("the scanner finds Chinese in strings, templates and regular expressions, and not in comments", () => {
  const source = [
    "// 注释 in a line comment",
    "/* 注释",
    "   over lines */ const a = 1;",
    'const b = "确定";',
    "const c = `共 ${n} 户`;",
    "const d = `${list.map((x) => `${x}件`).join()}`;",
    "const e = /^含$/.test(x) ? 1 : 2 / 3; // 含",
    "const f = 'it\\'s' + g / h; // 'quoted' 中文",
    "const i = { j: `a${{ k: 1 }.k}b` }; const l = '中';",
  ].join("\n");
  assert.deepEqual(chineseOutsideComments(source), [4, 5, 6, 7, 9]);
  assert.deepEqual(chineseOutsideComments("const url = 'https://x'; // 网址\nconst m = 2;"), []);
});

test("no Chinese literal in www/js outside the catalogue, except in the files allowed with a reason", async () => {
  const found = [];
  const counts = {};
  for (const file of await scripts(WWW_JS)) {
    if (file.startsWith(CATALOGUE + path.sep)) continue;
    const name = path.relative(ROOT, file).split(path.sep).join("/");
    const source = await readFile(file, "utf8");
    const lines = chineseOutsideComments(source);
    if (lines.length === 0) continue;
    if (Object.hasOwn(ALLOWED, name)) {
      counts[name] = lines.length;
      continue;
    }
    const text = source.split("\n");
    for (const number of lines) found.push(`${name}:${number}: ${text[number - 1].trim()}`);
  }
  assert.deepEqual(found, [], "these words belong in www/js/words/, read with t(), dual() or tIn()");
  const allowed = Object.fromEntries(Object.entries(ALLOWED).map(([name, [count]]) => [name, count]));
  assert.deepEqual(counts, allowed, "the allowed files keep just the lines listed for them");
});
