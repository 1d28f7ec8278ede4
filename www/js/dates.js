// Dates and times as people in the village write them: "12月6日 上午9:54"
// in Chinese, "6 Dec, 9:54" in English; a period as "2026年第四季度" or
// "Q4 2026", never the stored "2026-Q4". Times are the kiosk's own (its
// time zone from info().utcOffsetMinutes), whatever zone the browser is set
// to. The staff's screens and files keep the sortable "2026-12-06 09:54".

let offsetMinutes = null;

export function setUtcOffset(minutes) {
  offsetMinutes = Number.isInteger(minutes) ? minutes : null;
}

/** [year, month, day, hour, minute] of `ms` in the village's time. */
function parts(ms) {
  if (offsetMinutes === null) {
    const local = new Date(ms);
    return [local.getFullYear(), local.getMonth() + 1, local.getDate(), local.getHours(), local.getMinutes()];
  }
  const shifted = new Date(ms + offsetMinutes * 60_000);
  return [
    shifted.getUTCFullYear(),
    shifted.getUTCMonth() + 1,
    shifted.getUTCDate(),
    shifted.getUTCHours(),
    shifted.getUTCMinutes(),
  ];
}

const two = (n) => String(n).padStart(2, "0");

const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const QUARTERS_ZH = ["一", "二", "三", "四"];

// ----- for the staff: sortable, one format in both languages -----------------

/** "14:35" in the village's time. */
export function timeOfDay(ms) {
  const [, , , hour, minute] = parts(ms);
  return `${two(hour)}:${two(minute)}`;
}

/** "2025-11-28 14:35" in the village's time. */
export function dateTime(ms) {
  const [year, month, day, hour, minute] = parts(ms);
  return `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}`;
}

/** "2025-11-28" in the village's time. */
export function dateOnly(ms) {
  const [year, month, day] = parts(ms);
  return `${year}-${two(month)}-${two(day)}`;
}

// ----- for the villager: as people write them ----------------------------------

/**
 * The part of the day a Chinese clock names, with the hour on a 12-hour
 * dial: 凌晨 before 6, 上午 to noon, 中午 in the noon hour, 下午 to 6 pm,
 * 晚上 after.
 */
function clockZh(hour, minute) {
  const dial = hour > 12 ? hour - 12 : hour;
  const part = hour < 6 ? "凌晨" : hour < 12 ? "上午" : hour < 13 ? "中午" : hour < 18 ? "下午" : "晚上";
  return `${part}${dial}:${two(minute)}`;
}

/** "上午9:54" / "9:54" (a 24-hour clock in English, as on a receipt). */
export function villageTime(ms, language) {
  const [, , , hour, minute] = parts(ms);
  return language === "zh" ? clockZh(hour, minute) : `${hour}:${two(minute)}`;
}

/**
 * "12月6日" / "6 Dec"; with the year when it is not this year's (or when
 * `withYear`): "2025年12月6日" / "6 Dec 2025".
 */
export function villageDay(ms, language, { now = Date.now(), withYear = false } = {}) {
  const [year, month, day] = parts(ms);
  const showYear = withYear || year !== parts(now)[0];
  if (language === "zh") return `${showYear ? `${year}年` : ""}${month}月${day}日`;
  return `${day} ${MONTHS_EN[month - 1]}${showYear ? ` ${year}` : ""}`;
}

/** "12月6日 上午9:54" / "6 Dec, 9:54" (the year too when not this year's). */
export function villageDateTime(ms, language, options = {}) {
  const day = villageDay(ms, language, options);
  return language === "zh" ? `${day} ${villageTime(ms, language)}` : `${day}, ${villageTime(ms, language)}`;
}

/**
 * A period of points as written: "2026-Q4" → "2026年第四季度" / "Q4 2026",
 * "2026-10" → "2026年10月" / "Oct 2026", "2026" → "2026年" / "2026".
 * Anything else is shown as it is.
 */
export function periodText(period, language) {
  const text = String(period ?? "");
  let match = /^(\d{4})-Q([1-4])$/.exec(text);
  if (match) {
    const [, year, quarter] = match;
    return language === "zh" ? `${year}年第${QUARTERS_ZH[quarter - 1]}季度` : `Q${quarter} ${year}`;
  }
  match = /^(\d{4})-(\d{2})$/.exec(text);
  if (match && Number(match[2]) >= 1 && Number(match[2]) <= 12) {
    const [, year, month] = match;
    return language === "zh" ? `${year}年${Number(month)}月` : `${MONTHS_EN[Number(month) - 1]} ${year}`;
  }
  if (/^\d{4}$/.test(text)) return language === "zh" ? `${text}年` : text;
  return text;
}
