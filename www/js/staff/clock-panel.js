// The kiosk's clock on the staff home. Two warnings:
// - the clock moved more than a day since the last entry: the ledger keeps
//   its own time (applying a posting and closing a year wait) until an admin
//   checks the clock and confirms it, which is an entry naming them;
// - the county platform's clock, as of the last upload's answer, is more than
//   10 minutes away from this kiosk's.
import { h } from "../dom.js";
import { t, lang } from "../i18n.js";
import { villageDateTime } from "../dates.js";
import { notice } from "../screens/common.js";
import { actionButton, runAction, messageSlot } from "./ui.js";
import { newRequestId } from "./session.js";

/** How far the kiosk's clock may be from the platform's before staff are told. */
export const PLATFORM_CLOCK_SLACK_MS = 10 * 60 * 1000;

/** The jump notice, with the admin's confirm button. `now` is injectable for tests. */
function jumpNotice(app, now) {
  const slot = h("div", { class: "clock-jump", id: "staff-home-clock" });
  if (typeof app.kiosk?.clockStatus !== "function") return slot;
  let status;
  try {
    status = app.kiosk.clockStatus(now);
  } catch {
    return slot;
  }
  if (!status?.jump) return slot;
  const language = lang();
  const text = t("clockJumped", villageDateTime(status.jump.fromMs, language, { withYear: true }), villageDateTime(status.jump.toMs, language, { withYear: true }));
  const message = messageSlot();
  const parts = [notice(text, "warn", { role: "status" })];
  if (app.staffCan("admin")) {
    const requestId = newRequestId();
    const confirm = actionButton({
      label: "clockConfirm",
      iconName: "check",
      primary: true,
      className: "clock-confirm",
      onClick: async () => {
        const outcome = await runAction(app, { buttons: [confirm], slot: message, work: () => app.staffCall("confirmClock", { requestId }) });
        if (outcome.ok) slot.replaceChildren(notice(t("clockConfirmed"), "ok", { role: "status" }));
      },
    });
    parts.push(confirm, message);
  } else {
    parts.push(h("p", { class: "field-hint", text: t("clockJumpedAskAdmin") }));
  }
  slot.replaceChildren(...parts);
  return slot;
}

/** The platform's clock warning, filled in when the upload's status arrives. */
function platformNotice(app) {
  const slot = h("div", { class: "clock-platform", id: "staff-home-platform-clock" });
  if (typeof app.kiosk?.platformStatus !== "function") return slot;
  Promise.resolve(app.uploader ? app.uploader.status() : app.kiosk.platformStatus())
    .then((status) => {
      const offset = status?.enrolled ? status.clockOffsetMs : null;
      if (typeof offset === "number" && Math.abs(offset) > PLATFORM_CLOCK_SLACK_MS) {
        slot.replaceChildren(notice(t("clockPlatformOff", Math.round(Math.abs(offset) / 60_000)), "warn", { role: "status" }));
      }
      slot.dataset.checked = "true";
    })
    .catch(() => {});
  return slot;
}

/** Both clock warnings for the staff home. */
export function clockNotices(app, { now = Date.now() } = {}) {
  return h("div", { class: "clock-notices" }, jumpNotice(app, now), platformNotice(app));
}
