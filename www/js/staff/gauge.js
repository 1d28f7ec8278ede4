// The storage gauge: the journal's entries and bytes, what the browser says
// of its storage (navigator.storage.estimate) and whether it keeps this
// site's data for good (navigator.storage.persisted), with a warning well
// before the storage is full.
import { h, replaceChildren } from "../dom.js";
import { t } from "../i18n.js";
import { notice } from "../screens/common.js";

/** From this share of the quota on, the gauge warns. */
export const STORAGE_WARN_PERCENT = 80;

/** "512 B", "12 KB", "3.4 MB", "1.2 GB". */
export function byteSize(bytes) {
  const units = [
    [1024 ** 3, "GB"],
    [1024 ** 2, "MB"],
    [1024, "KB"],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const tenths = Math.round((bytes * 10) / size);
      return `${Math.floor(tenths / 10)}${tenths % 10 ? `.${tenths % 10}` : ""} ${unit}`;
    }
  }
  return `${bytes} B`;
}

async function measure(app) {
  const [journal, estimate, persisted] = await Promise.all([
    app.kiosk.journalSize().catch(() => null),
    navigator.storage?.estimate?.().catch(() => null) ?? Promise.resolve(null),
    navigator.storage?.persisted?.().catch(() => null) ?? Promise.resolve(null),
  ]);
  return { journal, estimate, persisted };
}

function fact(label, value, id) {
  return h("div", { class: "fact" }, h("dt", { text: label }), h("dd", { id, text: value }));
}

/** The gauge as a section; its figures arrive when the browser answers. */
export function storageGauge(app) {
  const figures = h("div", { class: "clerk-gauge-figures" }, h("p", { class: "field-hint", text: t("working") }));
  const section = h(
    "section",
    { class: "pane clerk-gauge", "aria-labelledby": "clerk-gauge-title" },
    h("h2", { class: "section-title", id: "clerk-gauge-title", text: t("storageTitle") }),
    figures,
  );
  measure(app).then(({ journal, estimate, persisted }) => {
    const usage = Number(estimate?.usage);
    const quota = Number(estimate?.quota);
    const known = Number.isFinite(usage) && Number.isFinite(quota) && quota > 0;
    const percent = known ? Math.floor((usage * 100) / quota) : null;
    const bar = known ? h("progress", { class: "clerk-gauge-bar", max: "100", value: String(Math.min(percent, 100)), "aria-label": t("storageUsed") }) : null;
    replaceChildren(
      figures,
      h(
        "dl",
        { class: "facts" },
        fact(t("storageJournal"), journal ? t("storageJournalValue", journal.entries, byteSize(journal.bytes)) : t("storageUnknown"), "clerk-gauge-journal"),
        fact(t("storageUsed"), known ? t("storageUsedValue", byteSize(usage), byteSize(quota), percent) : t("storageUnknown"), "clerk-gauge-used"),
        fact(t("storagePersisted"), persisted === null ? t("storageUnknown") : t(persisted ? "persistedYes" : "persistedNo"), "clerk-gauge-persisted"),
      ),
      bar,
      persisted === false ? notice(t("persistedNoHint"), "info", { role: "note" }) : null,
      known && percent >= STORAGE_WARN_PERCENT
        ? notice(t("storageWarn", percent), "warn", { role: "alert" })
        : known
          ? notice(t("storageOk"), "ok", { role: "status" })
          : null,
    );
  });
  return section;
}
