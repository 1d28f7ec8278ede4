// The page's one catalogue of words: every label and sentence, key →
// [Chinese, English], a function where the words take figures. Each screen's
// words live in one file here; this merges them and refuses a key defined
// twice, so two sentences for one thing cannot both exist with one of them
// silently winning. The refusals' own sentences come from the core
// (`message`, `messageEn`); the words here are the page's. Only the home
// screen's files load with the page; those of a villager's visit after home
// load once home is drawn, through loadVisitWords(), and the staff's (and
// those of the rarer screens: setting up, restoring) with those screens,
// through loadStaffWords(), so the villager's first screen waits for none
// of them.
import home from "./home.js";
import board from "./board.js";
import refusals from "./refusals.js";
import { once } from "../load.js";

/**
 * Each file of the catalogue loaded so far, by its name in words/: the home
 * screen's at first, more as loadVisitWords() and loadStaffWords() resolve.
 */
export const AREAS = {
  home,
  board,
  refusals,
};

/** The areas of a villager's visit after home: name in words/ → its import. */
const VISIT_AREAS = {
  villager: () => import("./villager.js"),
  posting: () => import("./posting.js"),
  members: () => import("./members.js"),
  "refusals-visit": () => import("./refusals-visit.js"),
};

/** The areas loaded on demand for the staff: name in words/ → its import. */
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
  fields: () => import("./fields.js"),
  upload: () => import("./upload.js"),
  resilience: () => import("./resilience.js"),
  "refusals-staff": () => import("./refusals-staff.js"),
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

/**
 * Loads `areas` (name → import) into AREAS and WORDS. The whole catalogue
 * is merged again, so a key defined in a new area and in one loaded before
 * is refused as at load.
 */
async function loadAreas(areas) {
  const loaded = await Promise.all(Object.entries(areas).map(async ([area, load]) => [area, (await load()).default]));
  const more = Object.fromEntries(loaded);
  const union = mergeWords({ ...AREAS, ...more });
  Object.assign(AREAS, more);
  Object.assign(WORDS, union);
}

/** Loads the areas of a villager's visit after home, once. */
export const loadVisitWords = once(() => loadAreas(VISIT_AREAS));

/**
 * Loads the staff's areas, once, with the visit's, whose keypads, labels
 * and receipts' words the staff's screens share.
 */
export const loadStaffWords = once(() => Promise.all([loadVisitWords(), loadAreas(STAFF_AREAS)]));
