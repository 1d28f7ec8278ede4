// The page's words in Chinese (shown first) and English, taken from the one
// catalogue in words/; the refusals' sentences the core cannot write itself;
// and the village's clock.
import { h } from "./dom.js";
import { WORDS } from "./words/index.js";
import { dateTime, villageDateTime, villageDay, villageTime, periodText } from "./dates.js";

// The village's clock lives in dates.js; these stay importable from here.
export { setUtcOffset, timeOfDay, dateTime, dateOnly } from "./dates.js";

let current = "zh";
const listeners = new Set();

export const LANGS = { zh: "zh-CN", en: "en" };

export function lang() {
  return current;
}

export function other(language = current) {
  return language === "zh" ? "en" : "zh";
}

export function setLang(language) {
  if (language !== "zh" && language !== "en") return;
  if (language === current) return;
  current = language;
  document.documentElement.lang = LANGS[language];
  for (const listener of listeners) listener(language);
}

export function onLangChange(listener) {
  listeners.add(listener);
}

/** Every word of the page: key → [Chinese, English]; functions take figures. */
export { WORDS };

/** The word `key` in the current (or given) language, with figures. */
export function t(key, ...args) {
  return tIn(current, key, ...args);
}

export function tIn(language, key, ...args) {
  const entry = WORDS[key];
  if (!entry) return key;
  const word = entry[language === "zh" ? 0 : 1];
  return typeof word === "function" ? word(...args) : word;
}

/**
 * A label in both languages: the current one large, the other small below.
 * Its accessible name is both, separated by a space.
 */
export function dual(key, ...args) {
  const first = current;
  const second = other(first);
  return h(
    "span",
    { class: "dual" },
    h("span", { class: "dual-main", lang: LANGS[first], text: tIn(first, key, ...args) }),
    " ",
    h("span", { class: "dual-sub", lang: LANGS[second], text: tIn(second, key, ...args) }),
  );
}

// ---------------------------------------------------------------------------
// Dates and times for the villager, in the current (or given) language.

/** "12月6日 上午9:54" / "6 Dec, 9:54". */
export function whenText(ms, language = current) {
  return villageDateTime(ms, language);
}

/** "12月6日" / "6 Dec". */
export function dayText(ms, language = current) {
  return villageDay(ms, language);
}

/** "2026年第四季度" / "Q4 2026" for a stored "2026-Q4". */
export function periodName(period, language = current) {
  return periodText(period, language);
}

// ---------------------------------------------------------------------------
// Refusals. The core words every code itself (`message`, `messageEn`, part of
// the JS API) and the page shows those words as they are. The page writes a
// sentence only where it knows more than the core — the goods' names, whether
// this was a redemption or a staff sign-in, the village's time, a form's
// field — or where it refuses before asking the core (the sign-in's and the
// basket's checks, a file that is no backup at all), so each sentence has
// one home: its words in words/refusals*.js, the choice among them here.

const amount = (language, text) => {
  try {
    return tIn(language, "points", text);
  } catch {
    return String(text ?? "");
  }
};

/**
 * The catalogue's refusal `refusal_<name>` in `l`, with figures. Throws
 * while its words have not loaded (a visit's or the staff's, words/index.js):
 * errorText then shows the core's own words.
 */
const said = (l, name, ...figures) => {
  if (!Object.hasOwn(WORDS, `refusal_${name}`)) throw new Error(`refusal_${name} is not loaded`);
  return tIn(l, `refusal_${name}`, ...figures);
};

/**
 * code → (error, context, language) → sentence: which of the words in
 * words/refusals*.js, with which figures.
 */
const SENTENCES = {
  INSUFFICIENT_POINTS: (e, c, l) => said(l, "INSUFFICIENT_POINTS", amount(l, e.needed), amount(l, e.available)),
  OUT_OF_STOCK: (e, c, l) => said(l, "OUT_OF_STOCK", c.itemName?.(e.sku, l), e.available ?? 0),
  WRONG_PIN: (e, c, l) => {
    const left = e.attemptsLeft;
    if (c.recover) return said(l, "WRONG_PIN_recover", left);
    if (c.staff || !Number.isInteger(left)) return said(l, "WRONG_PIN_staff", left);
    const minutes = Number.isInteger(e.lockoutMinutes) && e.lockoutMinutes > 0 ? e.lockoutMinutes : null;
    const lock = said(l, "WRONG_PIN_lock", minutes);
    return left === 1 ? said(l, "WRONG_PIN_last", lock) : said(l, "WRONG_PIN", left, lock);
  },
  LOCKED_OUT: (e, c, l) => {
    const until = Number.isFinite(e.lockedUntil) ? villageTime(e.lockedUntil, l) : null;
    return said(l, c.staff ? "LOCKED_OUT_staff" : "LOCKED_OUT", until);
  },
  NO_PIN: (e, c, l) => said(l, c.staffSignIn ? "NO_PIN_staff" : "NO_PIN"),
  SESSION_EXPIRED: (e, c, l) => said(l, "SESSION_EXPIRED"),
  SUSPENDED: (e, c, l) => said(l, "SUSPENDED"),
  MOVED_AWAY: (e, c, l) => said(l, "MOVED_AWAY"),
  NEGATIVE_BALANCE: (e, c, l) => said(l, "NEGATIVE_BALANCE", amount(l, e.balance ?? "0")),
  INACTIVE_ITEM: (e, c, l) => said(l, "INACTIVE_ITEM", c.itemName?.(e.sku, l)),
  STAFF_AUTH_REQUIRED: (e, c, l) => {
    if (c.recover) return said(l, "STAFF_AUTH_REQUIRED_recover");
    if (c.staffSignIn) return said(l, "STAFF_AUTH_REQUIRED_signIn");
    // The core says why: the role does not cover the act, or no session.
    return said(l, e.reason === "role" ? "STAFF_AUTH_REQUIRED_role" : "STAFF_AUTH_REQUIRED");
  },
  INVALID_INPUT: (e, c, l) => {
    const field = Object.hasOwn(WORDS, `field_${e.field}`) ? WORDS[`field_${e.field}`] : undefined;
    if (c.staff && field) {
      const detail =
        l === "zh"
          ? String(e.message ?? "").replace(/^填写的内容不对[::]\s*/, "")
          : String(e.messageEn ?? "").replace(/^[\w.]+:\s*/, "");
      return said(l, "INVALID_INPUT_field", field[l === "zh" ? 0 : 1], detail);
    }
    return said(l, "INVALID_INPUT");
  },
  STORAGE_FULL: (e, c, l) => said(l, c.redeem ? "STORAGE_FULL_redeem" : "STORAGE_FULL"),
  STORAGE_FAILED: (e, c, l) => said(l, c.redeem ? "STORAGE_FAILED_redeem" : "STORAGE_FAILED"),
  INTERNAL: (e, c, l) => said(l, c.redeem ? "INTERNAL_redeem" : "INTERNAL"),
  POSTING_NOT_OVER: (e, c, l) => said(l, "POSTING_NOT_OVER", e.period, e.until ? dateTime(e.until) : undefined),
  BACKUP_INVALID: (e, c, l) => said(l, "BACKUP_INVALID", e.line, l === "zh" ? e.detailZh : e.detailEn),
};

/** The codes the page words itself; every other code shows the core's words. */
export const PAGE_SENTENCE_CODES = Object.keys(SENTENCES);

/**
 * The plain sentence for a refusal, in `language` (default: the current
 * one). `context`: { redeem: true } for a redemption, itemName(sku, lang).
 * Never shows a code or a stack: a code the page does not word itself shows
 * the core's own words, and an error without them a general sentence.
 */
export function errorText(error, context = {}, language = current) {
  const sentence = error && typeof error === "object" ? SENTENCES[error.code] : undefined;
  if (sentence) {
    try {
      return sentence(error, context, language);
    } catch {
      // fall through to the core's own words
    }
  }
  if (error && typeof error.code === "string") {
    const own = language === "zh" ? error.message : error.messageEn;
    if (typeof own === "string" && own) return own;
  }
  return SENTENCES.INTERNAL(error ?? {}, context, language);
}
