// The two-person rule (双人核对) on the staff screens. When the core refuses
// a staff call with SECOND_STAFF_REQUIRED, a dialog asks a second staff
// member to pick their name and type their PIN on the PIN keys; the call is
// made again with `coSign: { staff, pin }`, and the core checks the PIN and
// records both names. Cancel leaves the first refusal, and nothing changed.
import { h, icon, replaceChildren } from "../dom.js";
import { WORDS, t, dual, errorText } from "../i18n.js";
import { buildKeys, applyKey } from "./pad.js";

export const COSIGN_WORDS = {
  coSignTitle: ["请第二位工作人员确认", "A second staff member confirms"],
  coSignWhy_credit_over_day_limit: [
    "这一户今天的积分入账和调整合计超过 50 分,要两个人核对。",
    "This household's credits and corrections today come to more than 50 points: two people check it.",
  ],
  coSignWhy_old_void: ["作废 24 小时以前的兑换,要两个人核对。", "Voiding a redemption older than 24 hours takes two people."],
  coSignWhy_import: ["导入积分要两个人核对。", "Importing points takes two people."],
  coSignWhy_transfer: ["分户或合户转移超过 50 分,要两个人核对。", "A split or merge moving more than 50 points takes two people."],
  coSignPick: ["确认人:请选您的名字", "Confirming: pick your name"],
  coSignPin: [(name) => `${name},请输入您的密码`, (name) => `${name}, type your PIN`],
  coSignNobody: [
    "没有第二位可以确认的工作人员。请管理员添加一位,或在设置里关闭双人核对。",
    "There is no second staff member who can confirm. An admin can add one, or turn the two-person rule off in Settings.",
  ],
  coSignConfirm: ["确认", "Confirm"],
  coSignOther: ["换一位", "Someone else"],
  setting_two_person_rule: ["双人核对", "Two-person rule"],
  setting_two_person_rule_on: ["开启", "On"],
  setting_two_person_rule_off: ["关闭", "Off"],
  settingHint_two_person_rule: [
    "开启时:一户一天入账或调整超过 50 分、作废 24 小时以前的兑换、导入积分、分户合户转移超过 50 分,都要第二位工作人员输入密码确认。关闭会记入台账,并印在每份报表上。",
    "On: more than 50 points credited or corrected for one household in a day, voiding a redemption older than 24 hours, importing points, and a split or merge of more than 50 points need a second staff member's PIN. Turning it off is recorded in the journal and printed on every report.",
  ],
  twoPersonRuleOff: [
    "本村已关闭双人核对:一位工作人员即可入账、作废和导入。",
    "This village has turned the two-person rule off: one staff member alone may credit, void and import.",
  ],
};

for (const [key, value] of Object.entries(COSIGN_WORDS)) {
  if (!(key in WORDS)) WORDS[key] = value;
}

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
