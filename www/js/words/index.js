// The page's one catalogue of words: every label and sentence, key →
// [Chinese, English], a function where the words take figures. Each screen's
// words live in one file here; this merges them once, at load, and refuses a
// key defined twice, so two sentences for one thing cannot both exist with
// one of them silently winning. The refusals' own sentences come from the
// core (`message`, `messageEn`); the words here are the page's.
import villager from "./villager.js";
import board from "./board.js";
import posting from "./posting.js";
import resilience from "./resilience.js";
import staff from "./staff.js";
import backup from "./backup.js";
import clerk from "./clerk.js";
import members from "./members.js";
import reports from "./reports.js";
import rules from "./rules.js";
import cosign from "./cosign.js";
import clock from "./clock.js";
import upload from "./upload.js";
import platform from "./platform.js";
import platformRestore from "./platform-restore.js";
import fields from "./fields.js";

/** Each file of the catalogue, by its name in words/. */
export const AREAS = {
  villager,
  board,
  posting,
  resilience,
  staff,
  backup,
  clerk,
  members,
  reports,
  rules,
  cosign,
  clock,
  upload,
  platform,
  "platform-restore": platformRestore,
  fields,
};

/**
 * One table from the areas' tables. Throws, naming both files, on a key
 * defined twice, and on an entry that is not a word in both languages.
 */
export function mergeWords(areas) {
  const words = {};
  const home = {};
  for (const [area, table] of Object.entries(areas)) {
    for (const [key, entry] of Object.entries(table)) {
      if (Object.hasOwn(words, key)) {
        throw new Error(`The word "${key}" is defined twice: in words/${home[key]}.js and in words/${area}.js`);
      }
      const both =
        Array.isArray(entry) &&
        entry.length === 2 &&
        entry.every((word) => (typeof word === "string" && word !== "") || typeof word === "function");
      if (!both) throw new Error(`The word "${key}" in words/${area}.js is not a word in Chinese and in English`);
      words[key] = entry;
      home[key] = area;
    }
  }
  return words;
}

export const WORDS = mergeWords(AREAS);
