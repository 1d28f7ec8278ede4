// Decoding a chosen file's bytes to text, the way Excel on a Chinese
// Windows PC writes them: UTF-16 "Unicode text" (by its BOM), UTF-8 with or
// without BOM, else GBK through the browser's own TextDecoder (the same
// WHATWG decoder as encoding_rs, so the wasm carries no encoding tables).

/** The encodings a file may be read as, in the words the screen shows. */
export const ENCODINGS = {
  "utf-16le": "UTF-16 (Unicode)",
  "utf-16be": "UTF-16 (Unicode)",
  "utf-8-bom": "UTF-8 (BOM)",
  "utf-8": "UTF-8",
  gbk: "GBK",
};

function decodeStrict(label, bytes) {
  return new TextDecoder(label, { fatal: true, ignoreBOM: false }).decode(bytes);
}

/**
 * `bytes` (Uint8Array) → { text, encoding } with encoding one of the keys of
 * ENCODINGS; throws { code: "NOT_TEXT" } when no encoding reads it whole.
 */
export function decodeBytes(bytes) {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return attempt("utf-16le", "utf-16le", bytes);
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return attempt("utf-16be", "utf-16be", bytes);
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return attempt("utf-8", "utf-8-bom", bytes);
  }
  try {
    return { text: decodeStrict("utf-8", bytes), encoding: "utf-8" };
  } catch {
    return attempt("gbk", "gbk", bytes);
  }
}

function attempt(label, encoding, bytes) {
  try {
    // The decoder drops the BOM itself.
    return { text: decodeStrict(label, bytes), encoding };
  } catch {
    throw Object.assign(new Error("not text"), { code: "NOT_TEXT" });
  }
}

/** Reads a File and decodes it. */
export async function decodeFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return decodeBytes(bytes);
}
