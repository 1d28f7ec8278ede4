// A household's members on its staff screen, and the clerk's split (分户)
// and merge (合户). Members are listed to every staff member; adding,
// removing, splitting and merging are the clerk's. The core checks every
// rule (a card that is a household code or another card, more points than
// the balance); this screen only gathers the fields and shows its refusal.
import { h } from "../../dom.js";
import { t } from "../../i18n.js";
import { notice } from "../common.js";
import { field, textInput, actionButton, rowButton, messageSlot, runAction, normalCode } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";

/** The members of `household`, or [] when the staff read is refused. */
function membersOf(app, household) {
  try {
    return app.staffRead("householdMembers", { household });
  } catch {
    return [];
  }
}

/** One section of the screen, titled. */
function section(id, title, ...children) {
  return h("section", { class: "members-section", "aria-labelledby": id }, h("h2", { class: "section-title", id, text: title }), ...children);
}

/**
 * The member list and, for a clerk, the forms. `state` is the screen's kept
 * state (the forms' fields and request ids survive a language change);
 * `done(messageKey)` re-opens the household screen after a change.
 */
export function membersSections(app, household, state, done) {
  const members = membersOf(app, household.code);
  const clerk = app.staffCan("clerk") && household.status !== "moved_away";
  state.member ??= { name: "", relation: "", card: "", requestId: null };
  state.split ??= { code: "", name: "", amount: "", members: [], reason: "", requestId: null };
  state.merge ??= { into: "", reason: "", requestId: null };

  const list = members.length
    ? h(
        "ul",
        { class: "members-list" },
        members.map((member) =>
          h(
            "li",
            { class: "members-line" },
            h("span", { class: "members-name", text: member.name }),
            h("span", { class: "members-relation", text: member.relation }),
            member.card ? h("span", { class: "members-card", text: t("memberCardShort", member.card) }) : null,
            clerk
              ? rowButton({
                  text: t("removeMember", member.name),
                  iconName: "minus",
                  onClick: async (event) => {
                    const outcome = await runAction(app, {
                      buttons: [event.currentTarget],
                      slot: memberSlot,
                      work: () => app.staffCall("removeMember", { household: household.code, name: member.name, requestId: newRequestId() }),
                    });
                    if (outcome.ok) done("memberRemoved");
                  },
                })
              : null,
          ),
        ),
      )
    : h("p", { class: "members-none", text: t("membersNone") });

  const memberSlot = messageSlot();
  const sections = [section("members-title", t("membersTitle"), list, clerk ? null : memberSlot)];
  if (!clerk) return sections;

  const input = (form, key, id, label, maxLength = app.limits.nameLengthMax) =>
    field({
      id,
      label,
      control: textInput({
        id,
        value: form[key],
        maxLength,
        onInput: (value) => {
          form[key] = value;
          form.requestId = null;
        },
      }),
    });

  const m = state.member;
  const add = actionButton({
    label: "addMember",
    iconName: "plus",
    primary: true,
    onClick: async () => {
      m.requestId ??= newRequestId();
      const outcome = await runAction(app, {
        buttons: [add],
        slot: memberSlot,
        work: () =>
          app.staffCall("addMember", {
            household: household.code,
            name: m.name.trim(),
            relation: m.relation.trim(),
            card: normalCode(m.card) || null,
            requestId: m.requestId,
          }),
      });
      if (outcome.ok) {
        state.member = null;
        done("memberAdded");
      }
    },
  });
  sections[0].append(
    h(
      "div",
      { class: "members-form" },
      input(m, "name", "member-name", t("memberName")),
      input(m, "relation", "member-relation", t("memberRelation"), app.limits.relationLengthMax),
      (() => {
        const card = input(m, "card", "member-card", t("memberCard"), app.limits.householdCodeLengthMax);
        card.append(h("p", { class: "field-hint", text: t("memberCardHint") }));
        return card;
      })(),
      add,
      memberSlot,
    ),
  );

  const s = state.split;
  const splitSlot = messageSlot();
  const ticks = members.map((member) => {
    const box = h("input", { type: "checkbox", class: "check-input", value: member.name });
    box.checked = s.members.includes(member.name);
    box.addEventListener("change", () => {
      s.members = box.checked ? [...s.members, member.name] : s.members.filter((name) => name !== member.name);
      s.requestId = null;
    });
    return h("label", { class: "choice" }, box, h("span", { class: "choice-text", text: member.name }));
  });
  const splitButton = actionButton({
    label: "splitDo",
    iconName: "houseAdd",
    onClick: async () => {
      s.requestId ??= newRequestId();
      const outcome = await runAction(app, {
        buttons: [splitButton],
        slot: splitSlot,
        work: () =>
          app.staffCall("splitHousehold", {
            from: household.code,
            household: normalCode(s.code),
            name: s.name.trim(),
            group: household.group,
            amount: s.amount.trim() || "0",
            members: s.members,
            reason: s.reason.trim(),
            requestId: s.requestId,
          }),
      });
      if (outcome.ok) {
        state.split = null;
        done("splitDone");
      }
    },
  });
  sections.push(
    section(
      "split-title",
      t("splitTitle"),
      h("p", { class: "field-hint", text: t("splitHint") }),
      h(
        "div",
        { class: "members-form" },
        input(s, "code", "split-code", t("splitCode"), 32),
        input(s, "name", "split-name", t("splitName")),
        input(s, "amount", "split-amount", t("splitAmount"), 12),
        ticks.length ? h("fieldset", { class: "choices" }, h("legend", { class: "field-label", text: t("splitMembers") }), h("div", { class: "choice-list" }, ticks)) : null,
        input(s, "reason", "split-reason", t("transferReason"), 200),
        splitButton,
        splitSlot,
      ),
    ),
  );

  const g = state.merge;
  const mergeSlot = messageSlot();
  const mergeButton = actionButton({
    label: "mergeDo",
    iconName: "moved",
    onClick: async () => {
      g.requestId ??= newRequestId();
      const outcome = await runAction(app, {
        buttons: [mergeButton],
        slot: mergeSlot,
        work: () => app.staffCall("mergeHousehold", { from: household.code, into: normalCode(g.into), reason: g.reason.trim(), requestId: g.requestId }),
      });
      if (outcome.ok) {
        state.merge = null;
        done("mergeDone");
      }
    },
  });
  sections.push(
    section(
      "merge-title",
      t("mergeTitle"),
      h("p", { class: "field-hint", text: t("mergeHint") }),
      h("div", { class: "members-form" }, input(g, "into", "merge-into", t("mergeInto"), 32), input(g, "reason", "merge-reason", t("transferReason"), 200), mergeButton, mergeSlot),
    ),
    notice(t("transferOnly"), "info", { role: "note" }),
  );
  return sections;
}
