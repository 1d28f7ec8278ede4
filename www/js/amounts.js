// Exact amounts on the page. The core hands amounts over as fixed strings
// ("12.50", "-5.00"); the page adds and compares them as integer hundredths
// (BigInt), never as floating-point numbers, and shows them the way the core
// does: whole amounts without decimals ("12"), others trimmed ("3.5", "3.25").

const AMOUNT = /^(-?)(\d{1,15})(?:\.(\d{1,2}))?$/;

/** "12.50" → 1250n. Throws on anything that is not a plain amount. */
export function hundredths(text) {
  const match = AMOUNT.exec(String(text).trim());
  if (!match) throw new TypeError(`not an amount: ${text}`);
  const [, sign, whole, fraction = ""] = match;
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0"));
  return sign ? -value : value;
}

/** 1250n → "12.5"; 1200n → "12"; -500n → "-5". */
export function formatHundredths(value) {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  let text = (magnitude / 100n).toString();
  const cents = magnitude % 100n;
  if (cents !== 0n) {
    text += "." + cents.toString().padStart(2, "0").replace(/0$/, "");
  }
  return negative ? `-${text}` : text;
}

/** "12.50" → "12.5": the kiosk's display of an amount string. */
export function showAmount(text) {
  return formatHundredths(hundredths(text));
}

/** A signed change for a history line: "+5", "-12.5" (with a real minus sign). */
export function showChange(text) {
  const value = hundredths(text);
  if (value > 0n) return `+${formatHundredths(value)}`;
  if (value < 0n) return `\u2212${formatHundredths(-value)}`;
  return "0";
}
