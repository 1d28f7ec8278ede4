// Staff (admin): who may sign in, their roles; add a staff member (id, name,
// role, then a PIN typed twice), set a PIN, take someone off or back on.
import { h, replaceChildren } from "../../dom.js";
import { t } from "../../i18n.js";
import { padInput } from "../../staff/pad.js";
import { staffFrame, field, textInput, choiceGroup, actionButton, rowButton, messageSlot, runAction, showMessage, roleName, staffError } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";

export function staffTeamScreen(app, options = {}) {
  const draft = options.draft;
  const state = options.keep ?? { staff: draft?.staff ?? "", name: draft?.name ?? "", role: draft?.role ?? "shopkeeper" };
  const slot = messageSlot();
  const addSlot = messageSlot();
  const tbody = h("tbody");

  function render() {
    let members = [];
    try {
      members = app.staffRead("staffMembers");
    } catch (error) {
      if (!error?.handled) showMessage(slot, staffError(app, error));
      return;
    }
    replaceChildren(
      tbody,
      members.map((member) => {
        const self = member.id === app.staff?.staff;
        const pin = rowButton({
          text: t(member.hasPin ? "resetPin" : "setPin"),
          iconName: "key",
          name: `${t(member.hasPin ? "resetPin" : "setPin")}:${member.name}`,
          onClick: () => app.go("staff-pin", { target: { kind: "staff", staff: member.id, name: member.name } }),
        });
        const toggle = self
          ? null
          : rowButton({
              text: t(member.active ? "staffDeactivate" : "staffReactivate"),
              iconName: member.active ? "pause" : "play",
              name: t(member.active ? "staffDeactivateOf" : "staffReactivateOf", member.name),
              onClick: async () => {
                const outcome = await runAction(app, {
                  buttons: [toggle],
                  slot,
                  work: () =>
                    app.staffCall("updateStaff", {
                      staff: member.id,
                      name: member.name,
                      role: member.role,
                      active: !member.active,
                      requestId: newRequestId(),
                    }),
                });
                if (!outcome.ok) return;
                render();
                showMessage(slot, t(member.active ? "staffDeactivated" : "staffReactivated", member.name), "ok");
              },
            });
        return h(
          "tr",
          { class: member.active ? null : "is-inactive" },
          h("th", { scope: "row" }, h("span", { class: "hh-name", text: member.name }), h("span", { class: "line-unit", text: ` (${member.id})` })),
          h("td", { text: roleName(member.role) }),
          h("td", { text: `${t(member.active ? "staffActive" : "staffInactive")} · ${t(member.hasPin ? "pinIsSet" : "pinNotSet")}` }),
          h("td", {}, h("div", { class: "row-actions" }, pin, toggle)),
        );
      }),
    );
  }

  const idInput = padInput({ id: "team-id", value: state.staff, layout: "alnum", letterCase: "lower", maxLength: app.limits.staffIdLengthMax, title: t("staffIdLabel"), onChange: (value) => {
    state.staff = value.toLowerCase();
  } });
  const nameInput = textInput({ id: "team-name", value: state.name, maxLength: app.limits.nameLengthMax, onInput: (value) => {
    state.name = value;
  } });
  const role = choiceGroup({
    name: "team-role",
    legend: t("roleLabel"),
    // The roles the core knows, in its order.
    options: app.limits.roles.map(({ role: value }) => ({ value, label: roleName(value) })),
    value: state.role,
    onChange: (value) => {
      state.role = value;
    },
  });
  const next = actionButton({
    label: "addStaffNext",
    iconName: "key",
    primary: true,
    onClick: () => {
      if (!/^[a-z0-9_-]{1,16}$/.test(state.staff) || !state.name.trim()) {
        showMessage(addSlot, t("staffFillBoth"));
        return;
      }
      app.go("staff-pin", { target: { kind: "staff-new", staff: state.staff, name: state.name.trim(), role: state.role } });
    },
  });

  render();
  const body = h(
    "div",
    { class: "staff-body" },
    slot,
    h(
      "div",
      { class: "table-scroll table-short", role: "region", "aria-labelledby": "team-list", tabindex: "0" },
      h(
        "table",
        { class: "data-table" },
        h("caption", { class: "sr-only", id: "team-list", text: t("staffList") }),
        h(
          "thead",
          {},
          h("tr", {}, h("th", { scope: "col", text: t("nameLabel") }), h("th", { scope: "col", text: t("roleLabel") }), h("th", { scope: "col", text: t("colStatus") }), h("th", { scope: "col", text: t("colActions") })),
        ),
        tbody,
      ),
    ),
    h(
      "section",
      { class: "pane", "aria-labelledby": "team-add" },
      h("h2", { class: "section-title", id: "team-add", text: t("addStaff") }),
      h(
        "div",
        { class: "form-grid" },
        field({ id: "team-id", label: t("staffIdLabel"), control: idInput, hint: t("staffIdNewHint") }),
        field({ id: "team-name", label: t("nameLabel"), control: nameInput }),
      ),
      role,
      addSlot,
      h("div", { class: "form-actions" }, next),
    ),
  );
  const root = staffFrame(app, { screen: "staff-team", title: t("menuStaff"), iconName: "users", body });
  return { root, keep: () => state };
}
