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
// Refusals. Every code of the core maps to a sentence in both languages; the
// page knows its context (a redemption, a sign-in) and the goods' names.

const amount = (language, text) => {
  try {
    return tIn(language, "points", text);
  } catch {
    return String(text ?? "");
  }
};

const readOnlyReason = {
  other_tab: [
    "这台终端已在另一个窗口打开。这里只能查看,不能兑换。请关掉另一个窗口,再重新打开本页。",
    "This kiosk is open in another window. Here you can only look, not redeem. Close the other window, then reload this page.",
  ],
  insecure_context: [
    "这个网页不是从本机安全地址打开的,不能保存兑换记录。请找积分专员。",
    "This page was not opened from a secure address and cannot save redemptions. Please call the clerk.",
  ],
  closed: ["终端已关闭。请重新打开本页。", "The kiosk was closed. Please reload this page."],
  no_journal: [
    "这台终端还没有数据,请先设置或载入演示村。",
    "This kiosk has no data yet. Set it up or load the demo village first.",
  ],
};

/** The fields of the staff forms, for a refusal that names one. */
const FIELD_NAMES = {
  card: ["成员卡号", "The member's card"],
  member: ["成员", "The member"],
  members: ["成员", "The members"],
  relation: ["与户主关系", "The relation"],
  from: ["户号", "The household code"],
  into: ["并入的户号", "The household to join"],
  village: ["村名", "The village name"],
  shop: ["超市名称", "The shop name"],
  timeZone: ["时区", "The time zone"],
  adminId: ["管理员编号", "The admin id"],
  adminName: ["管理员姓名", "The admin name"],
  adminPin: ["密码", "The PIN"],
  pin: ["密码", "The PIN"],
  staff: ["员工编号", "The staff id"],
  name: ["名称", "The name"],
  household: ["户号", "The household code"],
  group: ["组别", "The group"],
  kind: ["类型", "The kind"],
  reason: ["原因", "The reason"],
  donor: ["捐赠方", "The donor"],
  sourceType: ["来源类型", "The source type"],
  declaredValue: ["申报价值", "The declared value"],
  sku: ["商品编号", "The item code"],
  nameZh: ["中文名称", "The Chinese name"],
  nameEn: ["英文名称", "The English name"],
  unit: ["单位", "The unit"],
  category: ["分类", "The category"],
  price: ["价格", "The price"],
  barcode: ["条码", "The barcode"],
  image: ["图片", "The picture"],
  amount: ["积分数", "The amount"],
  role: ["角色", "The role"],
  status: ["状态", "The status"],
  value: ["设置值", "The value"],
  recoveryCode: ["恢复码", "The recovery code"],
  receipt: ["小票号", "The receipt number"],
  url: ["平台地址", "The platform address"],
  countyId: ["县里给的终端编号", "The county's kiosk id"],
  code: ["登记码", "The enrollment code"],
};

/** What already exists, for ALREADY_EXISTS. */
const WHAT_NAMES = {
  household: ["户号", "household"],
  item: ["商品编号", "item"],
  barcode: ["条码", "barcode"],
  staff: ["员工编号", "staff id"],
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
  UNKNOWN_HOUSEHOLD: (e, c, l) => {
    const code = e.household ? String(e.household).toUpperCase() : "";
    return l === "zh"
      ? `没有找到户号 ${code}。请再看一下户卡。`
      : `There is no household with code ${code}. Please check your card.`;
  },
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
  UNKNOWN_ITEM: (e, c, l) => (l === "zh" ? "没有这种商品。请换一种。" : "There is no such item. Please choose another."),
  INACTIVE_ITEM: (e, c, l) => {
    const name = c.itemName?.(e.sku, l);
    return l === "zh"
      ? `${name ?? "这种商品"}已经下架了,请从购物篮拿掉,换一种。`
      : `${name ?? "This item"} is no longer offered. Please take it out of the basket.`;
  },
  BAD_QUANTITY: (e, c, l) =>
    l === "zh" ? "数量不对:每种商品一次 1 到 99 件。" : "Wrong quantity: 1 to 99 of each item at once.",
  EMPTY_BASKET: (e, c, l) => (l === "zh" ? "购物篮是空的,请先选商品。" : "The basket is empty. Please choose goods first."),
  TOO_MANY_LINES: (e, c, l) =>
    l === "zh" ? `一次最多兑换 ${e.limit ?? 50} 种商品。` : `At most ${e.limit ?? 50} different items at once.`,
  BUSY: (e, c, l) => (l === "zh" ? "正在处理上一步,请稍等一下再点。" : "Still working on the last step. Please wait a moment."),
  LIMIT_REACHED: (e, c, l) =>
    l === "zh" ? "已经到了上限,不能再添加。请找积分专员。" : "A limit is reached; nothing more can be added. Please call the clerk.",
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
    const field = FIELD_NAMES[e.field];
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
  ALREADY_EXISTS: (e, c, l) => {
    const what = WHAT_NAMES[e.what];
    if (what && e.key) return l === "zh" ? `${what[0]} ${e.key} 已经有了。` : `The ${what[1]} ${e.key} already exists.`;
    return l === "zh" ? "这一项已经有了。" : "This already exists.";
  },
  UNKNOWN_RECEIPT: (e, c, l) =>
    l === "zh"
      ? `找不到这张小票${e.receipt ? ` ${e.receipt}` : ""}。请核对小票号。`
      : `This receipt${e.receipt ? ` ${e.receipt}` : ""} was not found. Please check the number.`,
  ALREADY_VOIDED: (e, c, l) => (l === "zh" ? "这张小票已经作废过了。" : "This receipt was already voided."),
  NOT_EMPTY: (e, c, l) =>
    l === "zh" ? "这台终端已经有数据了,不用再载入演示村。" : "This kiosk already has data; the demo village is not needed.",
  WRONG_KIOSK: (e, c, l) =>
    l === "zh"
      ? "这台电脑里存的是另一台终端的数据。请找积分专员。"
      : "This computer holds another kiosk's data. Please call the clerk.",
  READ_ONLY: (e, c, l) => {
    const reason = readOnlyReason[e.reason];
    if (reason) return reason[l === "zh" ? 0 : 1];
    return l === "zh" ? "现在只能查看,不能兑换。请找店主。" : "View only: no redemption is possible now. Please call the shopkeeper.";
  },
  YEAR_CLOSED: (e, c, l) =>
    l === "zh"
      ? `${e.year ?? "这一"} 年已经结账,不能再作废,请用积分调整。`
      : `The books of ${e.year ?? "that year"} are closed: no void now; use a correction.`,
  STORAGE_CORRUPT: (e, c, l) =>
    l === "zh"
      ? `存储的记录${e.seq ? `(第 ${e.seq} 条)` : ""}已损坏。现在只能查看,不能兑换。请找积分专员。`
      : `The stored records${e.seq ? ` (record ${e.seq})` : ""} are damaged. View only: no redemption now. Please call the clerk.`,
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
  CLOCK_UNCONFIRMED: (e, c, l) =>
    l === "zh"
      ? "终端时钟与上一笔记录相差超过一天。请管理员先在管理首页核对并确认时间,再做这一步。"
      : "The kiosk's clock moved more than a day since the last entry. An admin must check and confirm the time on the staff home first.",
  OBJECTION_PENDING: (e, c, l) =>
    l === "zh"
      ? `${e.period ?? "这一期"} 的评分还有没处理完的异议(${(e.households ?? "").split(",").join("、")}),处理完才能入账。`
      : `Objections to the scores of ${e.period ?? "this period"} are still open (${(e.households ?? "").split(",").join(", ")}); settle them before applying.`,
  BLACKLISTED: (e, c, l) =>
    l === "zh"
      ? "这一户在曝光台上,按本村规定暂不能兑换。请找积分专员。"
      : "This household is on the blacklist and the village does not let it redeem now. Please call the clerk.",
  // The core names the line and what is wrong there.
  BACKUP_INVALID: (e, c, l) =>
    l === "zh"
      ? `备份文件${e.line ? `第 ${e.line} 行` : ""}不对${e.detailZh ? `:${e.detailZh}` : ""}。什么也没有恢复。`
      : `The backup file is not valid${e.line ? ` at line ${e.line}` : ""}${e.detailEn ? `: ${e.detailEn}` : ""}. Nothing was restored.`,
  // The county platform (the upload and the enrollment).
  PLATFORM_ORIGIN_NOT_ALLOWED: (e, c, l) =>
    e.allowed
      ? l === "zh"
        ? `这个页面只能连接县级平台 ${e.allowed}。`
        : `This page may reach only the county platform at ${e.allowed}.`
      : l === "zh"
        ? "这个页面没有配置县级平台地址,只能连接本机地址(http://127.0.0.1 或 http://localhost)。"
        : "No county platform is configured for this page: only a local address (http://127.0.0.1 or http://localhost).",
  PLATFORM_NOT_ENROLLED: (e, c, l) =>
    l === "zh" ? "还没有连接县级平台。请管理员在村设置里登记。" : "Not enrolled with the county platform. An admin enrols it in Village settings.",
  PLATFORM_UNREACHABLE: (e, c, l) =>
    l === "zh" ? "连不上县级平台。记录都在本机,稍后会自动重试。" : "The county platform cannot be reached. Every record is kept here; the kiosk retries by itself.",
  ENROLL_CODE_INVALID: (e, c, l) =>
    l === "zh" ? "登记码不对、已经用过或过期了。请向县里要一个新的登记码。" : "The enrollment code is wrong, used or expired. Ask the county for a new one.",
  GENESIS_MISMATCH: (e, c, l) =>
    l === "zh" ? "县级平台上这个编号属于另一台终端。请和县里核对终端编号。" : "The county platform holds this id for another kiosk. Check the kiosk's id with the county.",
  // Restoring a lost kiosk from the county platform.
  RESTORE_CODE_INVALID: (e, c, l) =>
    l === "zh" ? "恢复码不对、已经用过或过期了。请向县里要一个新的恢复码。" : "The restore code is wrong, used or expired. Ask the county for a new one.",
  PLATFORM_NOTHING_TO_RESTORE: (e, c, l) =>
    l === "zh" ? "县级平台上没有这个编号上传过的记录,无法恢复。请和县里核对终端编号。" : "The county platform holds nothing uploaded under this id, so there is nothing to restore. Check the kiosk's id with the county.",
  PLATFORM_JOURNAL_REFUSED: (e, c, l) =>
    l === "zh"
      ? `县级平台发来的记录在第 ${e.seq ?? "?"} 条没有通过本机的核对,什么也没有恢复。请告诉县里。`
      : `The records from the county platform fail this kiosk's check at record ${e.seq ?? "?"}; nothing was restored. Tell the county.`,
  PLATFORM_GAP: (e, c, l) =>
    l === "zh"
      ? `县级平台只有到第 ${e.headSeq ?? 0} 条的记录,缺少已归档的部分。请把 U 盘批次交给县里导入。`
      : `The county platform holds records up to ${e.headSeq ?? 0} only and lacks the archived ones. Give the county the USB batches to import.`,
  PLATFORM_FORK: (e, c, l) =>
    l === "zh"
      ? `县级平台的第 ${e.seq ?? "?"} 条记录和本机的不一样:有两份记录自称是这台终端。已停止上传,要由县里处理。`
      : `The county platform's record ${e.seq ?? "?"} differs from this kiosk's: two journals claim to be this kiosk. Uploading stopped; the county must settle it.`,
  PLATFORM_REFUSED: (e, c, l) =>
    l === "zh"
      ? `县级平台拒收${e.seq ? `第 ${e.seq} 条记录` : "这次上传"}。已停止上传,要由县里处理。`
      : `The county platform refused ${e.seq ? `record ${e.seq}` : "the upload"}. Uploading stopped; the county must settle it.`,
  PLATFORM_TOO_OLD: (e, c, l) =>
    l === "zh" ? "县级平台的程序需要更新,才能收下这台终端的记录。记录都在本机。" : "The county platform needs updating to take this kiosk's records. Every record is kept here.",
  PLATFORM_UNAUTHORIZED: (e, c, l) =>
    l === "zh" ? "县级平台不再认这台终端的登记。请向县里要新的登记码,重新登记。" : "The county platform no longer accepts this kiosk's enrollment. Ask the county for a new code and enrol again.",
  PLATFORM_TOO_LARGE: (e, c, l) =>
    l === "zh" ? "这次上传太大,县级平台没有收下。" : "The upload was too large for the county platform.",
  PLATFORM_BUSY: (e, c, l) =>
    l === "zh" ? "县级平台正忙,稍后会自动重试。" : "The county platform is busy; the kiosk retries by itself.",
  PLATFORM_ANSWER_INVALID: (e, c, l) =>
    l === "zh" ? "县级平台的回答看不懂,稍后会自动重试。" : "The county platform's answer could not be read; the kiosk retries by itself.",
  RESTORE_AUTH_REQUIRED: (e, c, l) =>
    e.county
      ? l === "zh"
        ? "这个旧格式备份既没有密码也没有恢复码,只能用县里发的恢复码恢复。请联系县里。什么也没有恢复。"
        : "This old-format backup carries neither PINs nor a recovery code: only a county restore code can restore it. Ask the county. Nothing was restored."
      : l === "zh"
        ? "恢复备份要输入打印的恢复码,或备份里一位管理员的密码。什么也没有恢复。"
        : "Restoring needs the printed recovery code, or the PIN of an admin the backup carries. Nothing was restored.",
  SECOND_STAFF_REQUIRED: (e, c, l) =>
    l === "zh"
      ? "这一步要第二位工作人员输入自己的编号和密码确认(双人核对)。"
      : "This step needs a second staff member to confirm with their own id and PIN (two-person rule).",
};

/** The codes the page words itself; every other code shows the core's words. */
export const PAGE_SENTENCE_CODES = Object.keys(SENTENCES);

/**
 * The plain sentence for a refusal, in `language` (default: the current
 * one). `context`: { redeem: true } for a redemption, itemName(sku, lang).
 * Never shows a code or a stack: an error without a known code gets its own
 * plain message if the core wrote one, else a general sentence.
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
