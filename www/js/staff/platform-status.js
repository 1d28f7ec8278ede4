// Where the upload to the county platform stands, for the staff home and
// the export screen: connected or not, entries waiting and the age of the
// oldest, the last success, the last failure; a fork or a refusal as a red
// alert naming the seq and saying the county must settle it; credits from
// the county for a household this kiosk does not know. It fills in
// when the core answers and follows the uploader's every look.
import { h, replaceChildren } from "../dom.js";
import { t } from "../i18n.js";
import { notice } from "../screens/common.js";

/** The panel's contents for `status` (from kiosk.platformStatus()). */
function describe(app, status, now) {
  if (!status) return [];
  if (status.alert) {
    const title = status.alert.code === "PLATFORM_FORK" || status.alert.seq
      ? t("platformAlertTitle", status.alert.seq ?? "?")
      : t("platformAlertRefusedTitle");
    const text = `${app.errorText(status.alert, { staff: true })} ${t("platformAlertCounty")}`;
    const alert = notice(text, "warn", { role: "alert", title });
    alert.classList.add("platform-alert");
    alert.dataset.code = status.alert.code;
    if (status.alert.seq) alert.dataset.seq = String(status.alert.seq);
    return [alert];
  }
  const lines = [];
  lines.push(
    h("p", {
      class: "platform-line platform-connection",
      "data-enrolled": status.enrolled ? "true" : "false",
      text: status.enrolled ? t("platformConnected", status.url) : t("platformNotConnected"),
    }),
  );
  const waiting = [t("platformWaiting", status.waiting)];
  if (status.waiting > 0 && status.oldestWaitingMs != null) waiting.push(t("platformOldest", now - status.oldestWaitingMs));
  lines.push(h("p", { class: "platform-line platform-waiting", "data-waiting": String(status.waiting), text: waiting.join(",") }));
  if (status.enrolled) {
    lines.push(
      h("p", {
        class: "platform-line platform-success",
        text: status.lastSuccessMs != null ? t("platformLastSuccess", now - status.lastSuccessMs) : t("platformNeverSucceeded"),
      }),
    );
    if (status.lastError?.code === "PLATFORM_TOO_OLD") {
      lines.push(notice(t("platformNeedsUpdate"), "info", { role: "status" }));
    } else if (status.lastError) {
      lines.push(h("p", { class: "platform-line platform-error", "data-code": status.lastError.code, text: t("platformLastError", app.errorText(status.lastError, { staff: true })) }));
    }
  }
  lines.push(...unappliedCredits(status));
  return lines;
}

/** Credits from the county this kiosk could not enter (an unknown household). */
function unappliedCredits(status) {
  const credits = status.unappliedCredits ?? [];
  if (!credits.length) return [];
  const alert = notice(t("platformCreditsUnapplied", credits.length), "warn", { role: "alert" });
  alert.classList.add("platform-credits-unapplied");
  return [
    alert,
    h(
      "ul",
      { class: "platform-credits-unapplied-list" },
      credits.map((credit) =>
        h("li", { "data-household": credit.household, text: t("platformCreditsLine", credit.household, credit.period, credit.source, credit.amount) }),
      ),
    ),
  ];
}

/** The status section; `id` names its heading. */
export function platformStatusPanel(app, { id = "platform-status" } = {}) {
  const body = h("div", { class: "platform-status-body", "aria-live": "polite" });
  const section = h(
    "section",
    { class: "pane platform-status", "aria-labelledby": `${id}-title` },
    h("h2", { class: "section-title", id: `${id}-title`, text: t("platformTitle") }),
    body,
  );
  const show = (status) => {
    if (!section.isConnected && section.dataset.shown) {
      unsubscribe?.();
      return;
    }
    section.dataset.shown = "true";
    replaceChildren(body, describe(app, status, Date.now()));
  };
  const unsubscribe = app.uploader?.subscribe(show);
  if (app.uploader?.latest) show(app.uploader.latest);
  const read = app.uploader ? app.uploader.status() : app.kiosk?.platformStatus?.();
  Promise.resolve(read)
    .then((status) => status && show(status))
    .catch(() => {});
  return section;
}
