// A USB barcode or QR scanner is a keyboard that types very fast and ends
// with Enter, or with Tab when it is set up that way. This listens on the
// whole window, without any focused field: characters that arrive quickly
// one after another and then Enter or Tab are one scan. Slow typing is
// ignored (and Enter and Tab then keep their usual meaning, so keyboard users
// can still press buttons and move between them).

/**
 * installScanner({ onScan, maxGapMs, minLength }) → uninstall function.
 * `onScan(text)` gets the scanned characters without the Enter or Tab.
 */
export function installScanner({ onScan, maxGapMs = 100, minLength = 3 }) {
  let buffer = "";
  let lastAt = 0;

  function onKeyDown(event) {
    if (event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
    const now = performance.now();
    if (event.key === "Enter" || event.key === "Tab") {
      const scanned = buffer;
      const fresh = now - lastAt <= maxGapMs * 3;
      buffer = "";
      if (scanned.length >= minLength && fresh) {
        // A focused button must not also be "pressed" by the scanner's Enter,
        // nor the focus moved on by its Tab.
        event.preventDefault();
        event.stopPropagation();
        onScan(scanned);
      }
      return;
    }
    if (event.key.length !== 1 || event.key === " ") {
      if (event.key !== "Shift") buffer = "";
      return;
    }
    if (now - lastAt > maxGapMs) buffer = "";
    buffer += event.key;
    lastAt = now;
    if (buffer.length > 64) buffer = buffer.slice(-64);
  }

  window.addEventListener("keydown", onKeyDown, true);
  return () => window.removeEventListener("keydown", onKeyDown, true);
}
