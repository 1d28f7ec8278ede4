// Register a new household, or edit one: code (new only), name, group and
// kind (family or unit, e.g. a shop or an association).
import { h } from "../../dom.js";
import { t } from "../../i18n.js";
import { padInput } from "../../staff/pad.js";
import { staffFrame, field, textInput, choiceGroup, actionButton, messageSlot, runAction, showMessage, normalCode } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";

const NEW_GROUP = "\u0000new";

export function staffHouseholdFormScreen(app, options = {}) {
  let households = [];
  try {
    households = app.kiosk.households();
  } catch {
    households = [];
  }
  const groups = [...new Set(households.map((household) => household.group))].filter((group) => group && group !== "-");
  let state = options.keep;
  if (!state) {
    const existing = options.mode === "edit" ? households.find((household) => household.code === options.code) : null;
    state = {
      mode: existing ? "edit" : "new",
      code: existing?.code ?? "",
      name: existing?.name ?? "",
      group: existing?.group ?? groups[0] ?? "",
      otherGroup: "",
      groupChoice: existing ? (groups.includes(existing.group) ? existing.group : NEW_GROUP) : groups[0] ?? NEW_GROUP,
      kind: existing?.kind ?? "family",
      requestId: null,
    };
    if (state.groupChoice === NEW_GROUP && existing) state.otherGroup = existing.group;
  }
  const editing = state.mode === "edit";
  const changed = () => {
    state.requestId = null;
  };
  const slot = messageSlot();

  const codeInput = padInput({
    id: "hh-code",
    value: state.code,
    layout: "alnum",
    title: t("codeLabel"),
    onChange: (value) => {
      state.code = normalCode(value);
      changed();
    },
  });
  if (editing) codeInput.readOnly = true;
  const nameInput = textInput({
    id: "hh-name",
    value: state.name,
    onInput: (value) => {
      state.name = value;
      changed();
    },
  });
  const otherInput = textInput({
    id: "hh-group-other",
    value: state.otherGroup,
    label: t("newGroup"),
    placeholder: t("newGroupPlaceholder"),
    onInput: (value) => {
      state.otherGroup = value;
      changed();
    },
  });
  otherInput.hidden = state.groupChoice !== NEW_GROUP;
  const groupChoice = choiceGroup({
    name: "hh-group",
    legend: t("colGroup"),
    options: [...groups.map((group) => ({ value: group, label: group })), { value: NEW_GROUP, label: t("newGroup") }],
    value: state.groupChoice,
    onChange: (value) => {
      state.groupChoice = value;
      otherInput.hidden = value !== NEW_GROUP;
      if (value === NEW_GROUP) otherInput.focus();
      changed();
    },
  });
  const kindChoice = choiceGroup({
    name: "hh-kind",
    legend: t("kindLabel"),
    options: [
      { value: "family", label: t("kind_family") },
      { value: "unit", label: t("kind_unit") },
    ],
    value: state.kind,
    onChange: (value) => {
      state.kind = value;
      changed();
    },
  });

  const save = actionButton({
    label: editing ? "save" : "registerHousehold",
    iconName: "check",
    primary: true,
    onClick: async () => {
      const group = (state.groupChoice === NEW_GROUP ? state.otherGroup : state.groupChoice).trim();
      if (!state.code || !state.name.trim()) {
        showMessage(slot, t("fillCodeName"));
        return;
      }
      state.requestId ??= newRequestId();
      const outcome = await runAction(app, {
        buttons: [save],
        slot,
        work: () =>
          app.staffCall(editing ? "updateHousehold" : "registerHousehold", {
            household: state.code,
            name: state.name.trim(),
            group: group || undefined,
            kind: state.kind,
            requestId: state.requestId,
          }),
      });
      if (!outcome.ok) return;
      app.go("staff-household", { code: normalCode(state.code), message: editing ? "householdSaved" : "householdRegistered" });
    },
  });

  const body = h(
    "div",
    { class: "staff-body" },
    h(
      "div",
      { class: "form-grid" },
      field({ id: "hh-code", label: t("codeLabel"), control: codeInput, hint: editing ? t("codeFixed") : t("codeHintNew") }),
      field({ id: "hh-name", label: t("nameLabel"), control: nameInput, hint: t("nameHintHousehold") }),
    ),
    h("div", { class: "form-wide" }, groupChoice, otherInput),
    kindChoice,
    slot,
    h("div", { class: "form-actions" }, actionButton({ label: "back", onClick: back }), save),
  );

  function back() {
    if (editing) app.go("staff-household", { code: state.code });
    else app.go("staff-home");
  }

  const root = staffFrame(app, {
    screen: "staff-household-form",
    title: editing ? t("editHouseholdTitle", state.code) : t("menuRegister"),
    iconName: editing ? "pencil" : "houseAdd",
    back: null,
    onBack: back,
    body,
  });
  return {
    root,
    keep: () => state,
    onScan(text) {
      if (editing) return;
      state.code = normalCode(text);
      codeInput.value = state.code;
      changed();
    },
  };
}
