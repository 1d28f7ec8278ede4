// Moving export batches between the kiosk and a USB stick: saving a batch
// (into a chosen folder with the File System Access API where the browser
// offers it, else as one zip download) and reading batches back for the
// verifier (a folder, a zip, or the loose files of one batch).
import { zipStored, unzip } from "./zip.js";

/** Whether the browser lets the page write into a folder the clerk picks. */
export function canPickFolder() {
  return typeof window.showDirectoryPicker === "function";
}

/** A file of a batch as exportBatch gives it: `bytes` when asked for, else `text`. */
function fileBytes(file) {
  return file.bytes ?? new TextEncoder().encode(file.text);
}

/** A user's "cancel" in a picker. */
export function isCancel(error) {
  return error?.name === "AbortError";
}

/**
 * Saves `batch` ({ name, files: [{ name, bytes } or { name, text }] }): into a folder named
 * after the batch inside the folder the clerk picks, or as `{name}.zip`.
 * Resolves { how: "folder", where } or { how: "zip", where }.
 */
export async function saveBatch(batch, { folder = canPickFolder() } = {}) {
  if (folder) {
    const root = await window.showDirectoryPicker({ id: "aixin-export", mode: "readwrite" });
    const target = await root.getDirectoryHandle(batch.name, { create: true });
    for (const file of batch.files) {
      const handle = await target.getFileHandle(file.name, { create: true });
      const writable = await handle.createWritable();
      await writable.write(new Blob([fileBytes(file)]));
      await writable.close();
    }
    return { how: "folder", where: `${root.name}/${batch.name}` };
  }
  const zip = zipStored(batch.files.map((file) => ({ name: `${batch.name}/${file.name}`, bytes: fileBytes(file) })));
  const where = `${batch.name}.zip`;
  download(new Blob([zip], { type: "application/zip" }), where);
  return { how: "zip", where };
}

/** Offers `blob` as a download named `name`. */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Groups [{ path, bytes }] by folder into batches [{ name, files }], by name. */
function group(entries, fallbackName) {
  const batches = new Map();
  for (const { path, bytes } of entries) {
    const parts = path.split("/").filter(Boolean);
    const name = parts.length > 1 ? parts.slice(0, -1).join("/") : fallbackName;
    const file = parts[parts.length - 1];
    if (!batches.has(name)) batches.set(name, { name, files: [] });
    batches.get(name).files.push({ name: file, bytes });
  }
  return [...batches.values()]
    .filter((batch) => batch.files.some((file) => file.name === "manifest.json") || batches.size === 1)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Batches from chosen files (an <input type=file>, with or without a
 * folder): zips are opened, loose files grouped by their folder.
 */
export async function batchesFromFiles(fileList) {
  const loose = [];
  const batches = [];
  for (const file of fileList) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (file.name.toLowerCase().endsWith(".zip")) {
      const inside = await unzip(bytes);
      batches.push(...group(inside.map((entry) => ({ path: entry.name, bytes: entry.bytes })), file.name.replace(/\.zip$/i, "")));
    } else {
      loose.push({ path: file.webkitRelativePath || file.name, bytes });
    }
  }
  if (loose.length) batches.push(...group(loose, "chosen-files"));
  return batches.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Batches from a folder the clerk picks: the folder itself, or its sub-folders that hold a manifest. */
export async function batchesFromPickedFolder() {
  const root = await window.showDirectoryPicker({ id: "aixin-export", mode: "read" });
  const entries = [];
  async function walk(directory, prefix, depth) {
    for await (const handle of directory.values()) {
      const path = `${prefix}${handle.name}`;
      if (handle.kind === "file") {
        const file = await handle.getFile();
        if (file.name.toLowerCase().endsWith(".zip")) continue;
        entries.push({ path, bytes: new Uint8Array(await file.arrayBuffer()) });
      } else if (depth < 2) {
        await walk(handle, `${path}/`, depth + 1);
      }
    }
  }
  await walk(root, `${root.name}/`, 0);
  return group(entries, root.name);
}
