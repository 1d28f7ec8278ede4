// The page's one catalogue of words: every label and sentence, key →
// [Chinese, English], a function where the words take figures. Each screen's
// words live in one file here; this merges them and refuses a key defined
// twice, so two sentences for one thing cannot both exist with one of them
// silently winning. The refusals' own sentences come from the core
// (`message`, `messageEn`); the words here are the page's. The villager's
// screens' files load with the page; the staff's (and those of the rarer
// screens: setting up, restoring) load with those screens, through
// loadStaffWords(), so the villager's first screen waits for none of them.
import villager from "./villager.js";
import board from "./board.js";
import posting from "./posting.js";
import resilience from "./resilience.js";
import members from "./members.js";
import upload from "./upload.js";
import fields from "./fields.js";
import refusals from "./refusals.js";

/**
 * Each file of the catalogue loaded so far, by its name in words/: the
 * villager's at first, every file once loadStaffWords() has resolved.
 */
export const AREAS = {
  villager,
  board,
  posting,
  resilience,
  members,
  upload,
  fields,
  refusals,
};

/** The areas loaded on demand: name in words/ → its import. */
const STAFF_AREAS = {
  staff: () => import("./staff.js"),
  backup: () => import("./backup.js"),
  clerk: () => import("./clerk.js"),
  reports: () => import("./reports.js"),
  rules: () => import("./rules.js"),
  cosign: () => import("./cosign.js"),
  clock: () => import("./clock.js"),
  platform: () => import("./platform.js"),
  "platform-restore": () => import("./platform-restore.js"),
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

let staffWords = null;

/**
 * Loads the staff's areas into AREAS and WORDS, once (a failed load is tried
 * again on the next call). The whole catalogue is merged again, so a key
 * defined in a staff area and in a villager's is refused as at load.
 */
export function loadStaffWords() {
  staffWords ??= Promise.all(
    Object.entries(STAFF_AREAS).map(async ([area, load]) => [area, (await load()).default]),
  ).then(
    (loaded) => {
      const more = Object.fromEntries(loaded);
      const union = mergeWords({ ...AREAS, ...more });
      Object.assign(AREAS, more);
      Object.assign(WORDS, union);
    },
    (error) => {
      staffWords = null;
      throw error;
    },
  );
  return staffWords;
}
