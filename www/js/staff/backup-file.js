// Backup files in and out of the page: saved where the person chooses (a USB
// stick) through the File System Access API where the browser offers it,
// else as a download; read back as text from a chosen file.
import { h } from "../dom.js";
import { dual } from "../i18n.js";
import { staffIcon } from "./icons.js";

/** Saves `text` as `name`. Resolves false if the person cancelled. */
export async function saveTextFile(name, text) {
  const blob = new Blob([text], { type: "application/x-ndjson" });
  if (typeof window.showSaveFilePicker === "function") {
    try {
      const handle = await window.showSaveFilePicker({
        suggestedName: name,
        types: [{ description: "Aixin backup", accept: { "application/x-ndjson": [".ndjson"] } }],
      });
      const writable = await handle.createWritable();
      await writable.write(blob);
      await writable.close();
      return true;
    } catch (error) {
      if (error?.name === "AbortError") return false;
      // Not allowed here (a sandbox, no user gesture): fall back to a download.
    }
  }
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return true;
}

/**
 * A big "choose a file" button (a label over a hidden file input), its words
 * the word `labelKey` in both languages, that calls `onText(text, file)` with
 * the chosen file's text (UTF-8).
 */
export function fileChooser({ id, labelKey, onText, onError }) {
  const input = h("input", { id, type: "file", accept: ".ndjson,.txt,application/x-ndjson,text/plain", class: "file-input" });
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    if (!file) return;
    try {
      const text = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
      await onText(text, file);
    } catch (error) {
      onError?.(error);
    }
    input.value = "";
  });
  const button = h("label", { class: "btn btn-secondary btn-big btn-file", for: id }, staffIcon("box"), dual(labelKey));
  return h("div", { class: "file-chooser" }, input, button);
}
