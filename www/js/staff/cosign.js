// The two-person rule (双人核对) on the staff screens. When the core refuses
// a staff call with SECOND_STAFF_REQUIRED, a dialog asks a second staff
// member to pick their name and type their PIN on the PIN keys; the call is
// made again with `coSign: { staff, pin }`, and the core checks the PIN and
// records both names. Cancel leaves the first refusal, and nothing changed.
import { h, icon, replaceChildren } from "../dom.js";
import { t, dual, errorText } from "../i18n.js";
import { buildKeys, applyKey } from "./pad.js";

let dialog = null;

function ensureDialog() {
  if (dialog?.isConnected) return dialog;
  dialog = h("dialog", { class: "pad-dialog cosign-dialog", id: "cosign-dialog", "aria-labelledby": "cosign-title" });
  document.body.append(dialog);
  return dialog;
}

/** The staff members who may confirm for `app.staff`: active, with a PIN, not the one acting, not an auditor. */
function coSigners(app) {
  let members = [];
  try {
    members = app.staffRead("staffMembers") ?? [];
  } catch {
    members = [];
  }
  return members.filter((m) => m.active && m.hasPin && m.role !== "auditor" && m.id !== app.staff?.staff);
}

/**
 * Asks a second staff member to confirm. `reason`: the refusal's reason;
 * `problem`: the refusal of the last try (a wrong PIN), shown above.
 * Resolves { staff, pin }, or null when cancelled.
 */
export function askCoSign(app, { reason, problem = null } = {}) {
  const box = ensureDialog();
  const signers = coSigners(app);
  return new Promise((resolve) => {
    const finish = (answer) => {
      box.close();
      replaceChildren(box);
      resolve(answer);
    };
    const cancel = h("button", { type: "button", class: "btn btn-secondary btn-big", id: "cosign-cancel", onclick: () => finish(null) }, dual("cancel"));
    const head = [
      h("h2", { class: "pad-title", id: "cosign-title", text: t("coSignTitle") }),
      h("p", { class: "field-hint", id: "cosign-why", text: t(`coSignWhy_${reason}`) }),
      problem ? h("p", { class: "notice notice-warn", role: "alert", id: "cosign-problem", text: errorText(problem, { staff: true }) }) : null,
    ];
    const pickName = () => {
      if (signers.length === 0) {
        replaceChildren(box, h("div", { class: "pad-box cosign-box" }, ...head, h("p", { class: "notice notice-warn", text: t("coSignNobody") }), h("div", { class: "pad-actions" }, cancel)));
        return;
      }
      const names = signers.map((member) =>
        h(
          "button",
          { type: "button", class: "btn btn-secondary btn-big cosign-name", "data-staff": member.id, onclick: () => typePin(member) },
          icon("person"),
          h("span", { text: `${member.name} (${member.id})` }),
        ),
      );
      replaceChildren(
        box,
        h("div", { class: "pad-box cosign-box" }, ...head, h("p", { class: "field-label", text: t("coSignPick") }), h("div", { class: "cosign-names", role: "group", "aria-label": t("coSignPick") }, ...names), h("div", { class: "pad-actions" }, cancel)),
      );
      names[0]?.focus();
    };
    const typePin = (member) => {
      let pin = "";
      const { pinLengthMin: pinMin, pinLengthMax: pinMax } = app.limits;
      const field = h("input", {
        id: "cosign-pin",
        type: "password",
        class: "input input-pad input-pin",
        inputmode: "numeric",
        autocomplete: "off",
        maxlength: String(pinMax),
        "aria-label": t("coSignPin", member.name),
      });
      field.addEventListener("input", () => {
        pin = field.value.replace(/\D/g, "").slice(0, pinMax);
        field.value = pin;
      });
      const keys = buildKeys("pin", (key) => {
        pin = applyKey(pin, key, { layout: "pin", maxLength: pinMax });
        field.value = pin;
      }, { label: t("coSignPin", member.name) });
      const confirm = h(
        "button",
        { type: "button", class: "btn btn-primary btn-big", id: "cosign-ok", onclick: () => pin.length >= pinMin && finish({ staff: member.id, pin }) },
        icon("check-white"),
        dual("coSignConfirm"),
      );
      const back = h("button", { type: "button", class: "btn btn-secondary btn-big", onclick: pickName }, dual("coSignOther"));
      replaceChildren(
        box,
        h("div", { class: "pad-box cosign-box" }, ...head, h("label", { class: "field-label", for: "cosign-pin", text: t("coSignPin", member.name) }), field, keys.element, h("div", { class: "pad-actions" }, cancel, back, confirm)),
      );
      field.focus();
    };
    box.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(null);
    }, { once: true });
    pickName();
    if (!box.open) box.showModal();
  });
}

/** Whether a refusal of a co-signed try is the co-sign's own (ask again). */
export function coSignProblem(error) {
  return error?.code === "WRONG_PIN" || (error?.code === "INVALID_INPUT" && error?.field === "coSign");
}
