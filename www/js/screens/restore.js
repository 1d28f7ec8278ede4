// Restoring a backup onto this empty kiosk, from its first-run page: choose
// the file, see what it holds (the core verifies it whole first), show the
// village allows it (the printed recovery code, or the PIN of an admin the
// backup carries), give an admin a new PIN when it carries no PINs, restore.
// A backup of another kiosk id offers to switch to that id. A backup of a
// kiosk enrolled with the county platform is first compared with how far
// the county holds that kiosk: when the county holds more, the screen says
// so and offers the platform's copy; going on with the older file stays
// possible with the recovery code (the county then sees a fork).
import { h } from "../dom.js";
import { t, dateTime } from "../i18n.js";
import { topBar, shopTitle, langButton, notice } from "./common.js";
import { padInput } from "../staff/pad.js";
import { field, choiceGroup, actionButton, messageSlot, showMessage } from "../staff/ui.js";
import { fileChooser } from "../staff/backup-file.js";
import { staffIcon } from "../staff/icons.js";

/** A file that is not a backup at all (not even text). */
const NOT_A_BACKUP = { code: "BACKUP_INVALID", line: 1 };

export function restoreScreen(app, options = {}) {
  const state = options.keep ?? { text: null, header: null, adminId: null, adminPin: "", code: "", compare: null };
  const slot = messageSlot();
  const here = app.info?.kioskId ?? "";

  const chooser = fileChooser({
    id: "restore-file",
    labelKey: "restoreChoose",
    onText: (text) => {
      state.text = null;
      state.header = null;
      try {
        state.header = app.kiosk.constructor.readBackup(text);
        state.text = text;
        state.adminId = state.header.admins[0]?.id ?? null;
        state.compare = null;
        if (state.header.platform && state.header.kioskId === here) comparePlatform(text);
      } catch (error) {
        app.go("restore", { keep: state });
        queueMicrotask(() => showMessage(app.view.root.querySelector(".message-slot"), app.errorText(error)));
        return;
      }
      app.go("restore", { keep: state });
    },
    onError: () => showMessage(slot, app.errorText(NOT_A_BACKUP)),
  });

  // Asks the platform; the screen is drawn again with the answer while the
  // same file is still the chosen one.
  function comparePlatform(text) {
    state.compare = { asking: true };
    app.kiosk.comparePlatformHead({ text }).then(
      (answer) => answer && settle(text, answer),
      (error) => settle(text, { error }),
    );
  }
  function settle(text, compare) {
    if (state.text !== text) return;
    state.compare = compare;
    if (app.screen === "restore" && !app.pending) app.go("restore", { keep: state });
  }

  const parts = [h("p", { class: "lead", text: t("restoreText") }), chooser];
  const header = state.header;
  if (header) {
    parts.push(notice(t("restoreSummary", header.village, header.shop, header.entries, dateTime(header.createdMs)), "info", { role: "status" }));
    const compare = state.compare;
    const platformNotice = (text, kind) => Object.assign(notice(text, kind, { role: kind === "info" ? "status" : "alert" }), { id: "restore-platform" });
    if (compare?.asking) {
      parts.push(platformNotice(t("restorePlatformAsking"), "info"));
    } else if (compare?.error) {
      parts.push(platformNotice(t("restorePlatformUnreachable"), "warn"));
    } else if (compare?.platformLater) {
      const older = platformNotice(t("restorePlatformLater", compare.backupSeq, compare.platformSeq), "warn");
      older.dataset.backupSeq = String(compare.backupSeq);
      older.dataset.platformSeq = String(compare.platformSeq);
      const platformCopy = actionButton({
          label: "restorePlatformUse",
          iconName: "box",
          primary: true,
          onClick: () =>
            !app.pending &&
            app.go("platform-restore", {
              keep: { url: compare.url, countyId: compare.countyId, code: "", text: header.includesPins ? state.text : null, header: header.includesPins ? header : null, adminId: state.adminId ?? "admin", adminPin: "", done: null },
            }),
      });
      platformCopy.id = "restore-platform-copy";
      parts.push(older, platformCopy);
    } else if (compare) {
      parts.push(platformNotice(t("restorePlatformSame", compare.backupSeq, compare.platformSeq), "info"));
    }
    if (header.kioskId !== here) {
      parts.push(
        notice(t("restoreOtherKiosk", header.kioskId, here), "warn"),
        actionButton({
          label: "restoreSwitch",
          args: [header.kioskId],
          onClick: () => {
            const url = new URL(location.href);
            url.searchParams.set("kiosk", header.kioskId);
            location.assign(url.href);
          },
        }),
      );
    } else {
      const codeField = field({
        id: "restore-code",
        label: t("restoreCode"),
        control: padInput({ id: "restore-code", layout: "integer", maxLength: app.limits.recoveryCodeLength, value: state.code, title: t("restoreCode"), onChange: (value) => (state.code = value) }),
      });
      if (header.includesPins && header.admins.length) {
        parts.push(
          h("p", { class: "field-hint", text: t("restoreAuthText") }),
          codeField,
          choiceGroup({
            name: "restore-admin",
            legend: t("restoreAdmin"),
            value: state.adminId,
            options: header.admins.map((admin) => ({ value: admin.id, label: `${admin.name} (${admin.id})` })),
            onChange: (value) => {
              state.adminId = value;
            },
          }),
          field({
            id: "restore-pin",
            label: t("restoreAdminPin"),
            control: padInput({ id: "restore-pin", layout: "pin", maxLength: app.limits.pinLengthMax, value: state.adminPin, title: t("restoreAdminPin"), onChange: (value) => (state.adminPin = value) }),
          }),
        );
      } else if (!header.includesPins && header.admins.length) {
        parts.push(
          h("p", { class: "field-hint", text: t("restoreNoPinsCode") }),
          codeField,
          choiceGroup({
            name: "restore-admin",
            legend: t("restoreAdmin"),
            value: state.adminId,
            options: header.admins.map((admin) => ({ value: admin.id, label: `${admin.name} (${admin.id})` })),
            onChange: (value) => {
              state.adminId = value;
            },
          }),
          field({
            id: "restore-pin",
            label: t("restoreNewPin", app.limits.pinLengthMin, app.limits.pinLengthMax),
            control: padInput({ id: "restore-pin", layout: "pin", maxLength: app.limits.pinLengthMax, value: state.adminPin, title: t("restoreNewPin", app.limits.pinLengthMin, app.limits.pinLengthMax), onChange: (value) => (state.adminPin = value) }),
          }),
        );
      }
      const restore = actionButton({ label: "restoreDo", iconName: "check", primary: true, onClick: () => run(restore) });
      parts.push(h("div", { class: "form-actions" }, restore));
    }
  }

  async function run(button) {
    if (app.pending) return;
    const needsPin = !state.header.includesPins && state.header.admins.length > 0;
    const code = state.code.replace(/\D/g, "");
    const pin = app.isPin(state.adminPin);
    if (state.compare?.platformLater && code.length !== app.limits.recoveryCodeLength) {
      showMessage(slot, t("restoreOlderNeedCode"));
      return;
    }
    if (needsPin && code.length !== app.limits.recoveryCodeLength) {
      showMessage(slot, t("restoreNeedCode"));
      return;
    }
    if (needsPin && !pin) {
      showMessage(slot, t("restoreNeedPin", app.limits.pinLengthMin, app.limits.pinLengthMax));
      return;
    }
    if (!needsPin && code.length !== 12 && !pin) {
      showMessage(slot, t("restoreNeedAuth"));
      return;
    }
    app.setPending(true);
    button.disabled = true;
    showMessage(slot, t("working"), "info");
    try {
      const input = { text: state.text, now: Date.now() };
      if (code.length === 12) input.recoveryCode = code;
      if (pin) Object.assign(input, { adminId: state.adminId, adminPin: state.adminPin });
      await app.kiosk.restoreBackup(input);
      app.setPending(false);
      app.setupState = null;
      app.afterDemoLoaded();
      app.toast(t("restoreDone"), "ok");
    } catch (error) {
      app.setPending(false);
      button.disabled = false;
      showMessage(slot, app.errorText(error));
    }
  }

  const root = h(
    "div",
    { class: "screen screen-setup screen-restore" },
    topBar({ left: [shopTitle(app)], right: [langButton(app)] }),
    h(
      "main",
      { class: "staff-main staff-narrow" },
      h("h1", { class: "staff-title" }, staffIcon("box", "staff-title-icon"), h("span", { text: t("restoreTitle") })),
      parts,
      slot,
      h("div", { class: "form-actions" }, actionButton({ label: "back", onClick: () => !app.pending && app.go("setup") })),
    ),
  );
  return { root, keep: () => state, busy: () => Boolean(state.text) };
}
