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
// one home.

const amount = (language, text) => {
  try {
    return tIn(language, "points", text);
  } catch {
    return String(text ?? "");
  }
};

/** code → (error, context, language) → sentence. */
const SENTENCES = {
  INSUFFICIENT_POINTS: (e, c, l) =>
    l === "zh"
      ? `积分不够:这次要 ${amount(l, e.needed)},您只有 ${amount(l, e.available)}。请少选一些。`
      : `Not enough points: this needs ${amount(l, e.needed)} and you have ${amount(l, e.available)}. Please take fewer goods.`,
  OUT_OF_STOCK: (e, c, l) => {
    const name = c.itemName?.(e.sku, l);
    if (l === "zh") return `${name ?? "有一种商品"}库存不够:只剩 ${e.available ?? 0} 件。请改一下数量。`;
    return `${name ?? "One of the goods"}: only ${e.available ?? 0} left in stock. Please change the quantity.`;
  },
  WRONG_PIN: (e, c, l) => {
    if (c.recover) {
      return l === "zh" ? `恢复码不对,还可以试 ${e.attemptsLeft} 次` : `Wrong recovery code. You can try ${e.attemptsLeft} more times.`;
    }
    const left = e.attemptsLeft;
    const minutes = Number.isInteger(e.lockoutMinutes) && e.lockoutMinutes > 0 ? e.lockoutMinutes : null;
    if (c.staff || !Number.isInteger(left)) {
      return l === "zh" ? `密码不对,还可以试 ${left} 次` : `Wrong PIN. You can try ${left} more ${left === 1 ? "time" : "times"}.`;
    }
    // What happens after the last try, and whom to ask: the household is
    // locked for the core's lockout time, and the shopkeeper can unlock it.
    const lock =
      l === "zh"
        ? minutes
          ? `这一户会锁定 ${minutes} 分钟`
          : "这一户会暂时锁定"
        : minutes
          ? `this household is locked for ${minutes} ${minutes === 1 ? "minute" : "minutes"}`
          : "this household is locked for a while";
    if (l === "zh") {
      return left === 1
        ? `密码不对,还可以试 1 次;再错,${lock}。忘了密码请找店主。`
        : `密码不对,还可以试 ${left} 次;再错 ${left} 次,${lock},可请店主解锁。`;
    }
    return left === 1
      ? `Wrong PIN. 1 try left; if that one is wrong too, ${lock}. Forgot the PIN? Ask the shopkeeper.`
      : `Wrong PIN. ${left} tries left. After ${left} more wrong PINs, ${lock}; the shopkeeper can unlock it.`;
  },
  LOCKED_OUT: (e, c, l) => {
    const until = Number.isFinite(e.lockedUntil) ? villageTime(e.lockedUntil, l) : null;
    if (c.staff) {
      if (l === "zh") return `错了太多次,已锁定${until ? `到 ${until}` : "一会儿"}。请稍后再试,或请管理员帮忙。`;
      return `Too many wrong tries: locked${until ? ` until ${until}` : " for a while"}. Try again later, or ask the admin.`;
    }
    if (l === "zh") {
      return until
        ? `密码错了太多次,已锁定到 ${until}。请到 ${until} 以后再试,或请店主解锁。`
        : "密码错了太多次,已暂时锁定。请稍后再试,或找店主帮忙。";
    }
    return until
      ? `Too many wrong PINs: locked until ${until}. Try again after ${until}, or ask the shopkeeper to unlock it.`
      : "Too many wrong PINs: locked for a while. Try again later, or ask the shopkeeper.";
  },
  NO_PIN: (e, c, l) => {
    if (c.staffSignIn) {
      return l === "zh" ? "这位员工还没有密码,请管理员设置。" : "This staff member has no PIN yet. Please ask the admin to set one.";
    }
    return l === "zh" ? "这一户还没有设置密码,请找店主设置。" : "This household has no PIN yet. Please ask the shopkeeper to set one.";
  },
  SESSION_EXPIRED: (e, c, l) =>
    l === "zh" ? "太久没有操作,已经退出了。请重新登录。" : "You were signed out after a pause. Please sign in again.",
  SUSPENDED: (e, c, l) =>
    l === "zh"
      ? "这一户的积分账户已暂停,现在不能兑换。请找村里的积分管理员。"
      : "This household's account is suspended. Please ask the village points officer.",
  MOVED_AWAY: (e, c, l) =>
    l === "zh" ? "这一户已经迁出,不能再兑换。有疑问请找村委会。" : "This household has moved away and can no longer redeem.",
  NEGATIVE_BALANCE: (e, c, l) =>
    l === "zh"
      ? `积分余额是 ${amount(l, e.balance ?? "0")},暂时不能兑换。请找积分管理员。`
      : `The balance is ${amount(l, e.balance ?? "0")}; no redemption until it is settled. Please ask the points officer.`,
  INACTIVE_ITEM: (e, c, l) => {
    const name = c.itemName?.(e.sku, l);
    return l === "zh"
      ? `${name ?? "这种商品"}已经下架了,请从购物篮拿掉,换一种。`
      : `${name ?? "This item"} is no longer offered. Please take it out of the basket.`;
  },
  STAFF_AUTH_REQUIRED: (e, c, l) => {
    if (c.recover) {
      return l === "zh"
        ? "恢复码只能给在职的管理员用。请检查员工编号。"
        : "The recovery code is only for an active admin. Please check the staff id.";
    }
    if (c.staffSignIn) {
      return l === "zh"
        ? "员工编号不对,或这位员工已停用。请再试一次。"
        : "Unknown staff id, or this staff member is no longer active. Please try again.";
    }
    // The core says why: a live session whose role does not cover the act
    // (signing in again would not help), or none (sign in again).
    if (e.reason === "role") {
      return l === "zh"
        ? "你的员工角色不能做这件事。请找有这项权限的工作人员。"
        : "Your staff role does not cover this. Please ask a staff member whose role does.";
    }
    return l === "zh"
      ? "员工登录已结束,请重新登录。"
      : "The staff sign-in has ended. Please sign in again.";
  },
  INVALID_INPUT: (e, c, l) => {
    const field = Object.hasOwn(WORDS, `field_${e.field}`) ? WORDS[`field_${e.field}`] : undefined;
    if (c.staff && field) {
      const detail =
        l === "zh"
          ? String(e.message ?? "").replace(/^填写的内容不对[::]\s*/, "")
          : String(e.messageEn ?? "").replace(/^[\w.]+:\s*/, "");
      const name = field[l === "zh" ? 0 : 1];
      if (l === "zh") return `${name}填写得不对${detail ? `:${detail}` : ""}。`;
      return `${name} is not accepted${detail ? ` (${detail})` : ""}.`;
    }
    return l === "zh" ? "输入的内容不对,请再试一次。" : "Something entered is not right. Please try again.";
  },
  STORAGE_FULL: (e, c, l) =>
    c.redeem
      ? l === "zh"
        ? "存储空间满了。这次兑换没有成功,积分没有扣。请找店主。"
        : "Storage is full. The redemption did NOT happen and no points were taken. Please call the shopkeeper."
      : l === "zh"
        ? "存储空间满了,这一步没有成功。请找店主。"
        : "Storage is full; this step did NOT happen. Please call the shopkeeper.",
  STORAGE_FAILED: (e, c, l) =>
    c.redeem
      ? l === "zh"
        ? "保存失败。这次兑换没有成功,积分没有扣。请找店主。"
        : "Saving failed. The redemption did NOT happen and no points were taken. Please call the shopkeeper."
      : l === "zh"
        ? "保存失败,这一步没有成功。请找店主。"
        : "Saving failed; this step did NOT happen. Please call the shopkeeper.",
  INTERNAL: (e, c, l) =>
    c.redeem
      ? l === "zh"
        ? "终端出了点问题。这次兑换没有成功,积分没有扣。请找店主。"
        : "The kiosk had a problem. The redemption did NOT happen and no points were taken. Please call the shopkeeper."
      : l === "zh"
        ? "终端出了点问题,这一步没有成功。请找店主。"
        : "The kiosk had a problem; this step did NOT happen. Please call the shopkeeper.",
  POSTING_NOT_OVER: (e, c, l) =>
    l === "zh"
      ? `${e.period ?? "这一期"} 的评分还在公示期内,${e.until ? `${dateTime(e.until)} ` : ""}以后才能入账。`
      : `The scores of ${e.period ?? "this period"} are still posted; apply them after ${e.until ? dateTime(e.until) : "the posting period"}.`,
  // The page's own refusal of a file that is no backup (line 1), as well
  // as the core's, which names the line and what is wrong there.
  BACKUP_INVALID: (e, c, l) =>
    l === "zh"
      ? `备份文件${e.line ? `第 ${e.line} 行` : ""}不对${e.detailZh ? `:${e.detailZh}` : ""}。什么也没有恢复。`
      : `The backup file is not valid${e.line ? ` at line ${e.line}` : ""}${e.detailEn ? `: ${e.detailEn}` : ""}. Nothing was restored.`,
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
