// Add goods to the catalogue: names, unit, category, price, barcode, and a
// picture from a file or the kiosk's camera (scaled to at most 256 px and
// under 48 KB). New goods start with no stock: a restock brings them in.
import { h, icon, replaceChildren } from "../../dom.js";
import { t, dual } from "../../i18n.js";
import { padInput } from "../../staff/pad.js";
import { staffFrame, field, textInput, choiceGroup, actionButton, messageSlot, runAction, showMessage } from "../../staff/ui.js";
import { newRequestId } from "../../staff/session.js";
import { staffIcon } from "../../staff/icons.js";
import { pictureFromFile, pictureFrom, cameraPossible, startCamera, stopCamera } from "../../staff/image.js";

const UNITS = ["袋", "瓶", "包", "盒", "个", "桶", "条", "支", "双", "把", "卷", "块"];
const NEW_CATEGORY = "\u0000new";

/** A SKU from the English name, else the barcode, else the time; never one in use. */
function suggestSku(state, taken) {
  let base = state.nameEn
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 34);
  if (!base) base = state.barcode ? `item-${state.barcode.toLowerCase()}` : `item-${state.created.toString(36)}`;
  let sku = base.slice(0, 36);
  for (let n = 2; taken.has(sku); n++) sku = `${base.slice(0, 36)}-${n}`;
  return sku;
}

export function staffItemScreen(app, options = {}) {
  const catalog = app.kiosk.catalog();
  const taken = new Set(catalog.map((item) => item.sku));
  const categories = [...new Set(catalog.map((item) => item.category))];
  const state = options.keep ?? {
    nameZh: "",
    nameEn: "",
    unit: "",
    category: categories[0] ?? NEW_CATEGORY,
    newCategory: "",
    price: "",
    barcode: "",
    lowStock: "",
    sku: "",
    skuTouched: false,
    image: null,
    created: Date.now(),
    requestId: null,
  };
  const slot = messageSlot();
  const pictureSlot = messageSlot();
  let stream = null;

  const changed = () => {
    state.requestId = null;
    if (!state.skuTouched) {
      state.sku = suggestSku(state, taken);
      skuInput.value = state.sku;
    }
  };

  const nameZh = textInput({ id: "item-name-zh", value: state.nameZh, onInput: (value) => {
    state.nameZh = value;
    changed();
  } });
  const nameEn = textInput({ id: "item-name-en", value: state.nameEn, onInput: (value) => {
    state.nameEn = value;
    changed();
  } });
  const unit = textInput({ id: "item-unit", value: state.unit, maxLength: app.limits.unitLengthMax, onInput: (value) => {
    state.unit = value;
    changed();
  } });
  const unitPresets = h(
    "div",
    { class: "preset-list", role: "group", "aria-label": t("commonUnits") },
    UNITS.map((word) =>
      h("button", { type: "button", class: "btn btn-row btn-preset", onclick: () => {
        state.unit = word;
        unit.value = word;
        changed();
      } }, word),
    ),
  );
  const newCategory = textInput({ id: "item-category-new", value: state.newCategory, maxLength: app.limits.categoryLengthMax, label: t("newCategory"), placeholder: t("newCategory"), onInput: (value) => {
    state.newCategory = value;
    changed();
  } });
  newCategory.hidden = state.category !== NEW_CATEGORY;
  const category = choiceGroup({
    name: "item-category",
    legend: t("categoryLabel"),
    options: [...categories.map((value) => ({ value, label: value })), { value: NEW_CATEGORY, label: t("newCategory") }],
    value: state.category,
    onChange: (value) => {
      state.category = value;
      newCategory.hidden = value !== NEW_CATEGORY;
      if (value === NEW_CATEGORY) newCategory.focus();
      changed();
    },
  });
  const price = padInput({ id: "item-price", value: state.price, layout: "decimal", maxLength: 7, title: t("priceLabel"), onChange: (value) => {
    state.price = value;
    changed();
  } });
  const barcode = padInput({ id: "item-barcode", value: state.barcode, layout: "alnum", maxLength: 32, title: t("barcodeLabel"), onChange: (value) => {
    state.barcode = value;
    changed();
  } });
  const lowStock = padInput({ id: "item-low-stock", value: state.lowStock, layout: "integer", maxLength: 5, title: t("lowStockLabel"), onChange: (value) => {
    state.lowStock = value;
    state.requestId = null;
  } });
  const skuInput = padInput({ id: "item-sku", value: state.sku, layout: "alnum", letterCase: "lower", maxLength: app.limits.skuLengthMax, title: t("skuLabel"), onChange: (value) => {
    state.sku = value.toLowerCase();
    state.skuTouched = true;
    state.requestId = null;
  } });

  // ----- the picture ---------------------------------------------------------

  const preview = h("div", { class: "picture-preview" });
  const renderPreview = () => {
    replaceChildren(
      preview,
      h("img", { class: "picture-img", src: state.image || "img/goods/placeholder.svg", alt: state.image ? t("pictureChosen") : t("pictureNone") }),
      h("p", { class: "field-hint", text: state.image ? t("pictureSize", Math.ceil(state.image.length / 1024)) : t("pictureNone") }),
    );
  };
  const fileInput = h("input", { id: "item-picture", type: "file", accept: "image/*", class: "file-input" });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    replaceChildren(pictureSlot);
    try {
      state.image = await pictureFromFile(file);
      state.requestId = null;
      renderPreview();
    } catch {
      showMessage(pictureSlot, t("pictureFailed"));
    }
    fileInput.value = "";
  });
  const fileButton = h("label", { class: "btn btn-secondary btn-file", for: "item-picture" }, staffIcon("image"), h("span", { text: t("pictureFile") }));

  const video = h("video", { class: "camera-video", muted: true, playsinline: true, "aria-label": t("cameraView") });
  const cameraDialog = h("dialog", { class: "pad-dialog camera-dialog", "aria-labelledby": "camera-title" });
  const closeCamera = () => {
    stopCamera(stream, video);
    stream = null;
    if (cameraDialog.open) cameraDialog.close();
  };
  cameraDialog.addEventListener("close", () => {
    stopCamera(stream, video);
    stream = null;
  });
  replaceChildren(
    cameraDialog,
    h(
      "div",
      { class: "pad-box" },
      h("h2", { class: "pad-title", id: "camera-title", text: t("cameraTitle") }),
      video,
      h(
        "div",
        { class: "pad-actions" },
        h("button", { type: "button", class: "btn btn-secondary btn-big", onclick: closeCamera }, dual("cancel")),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-primary btn-big",
            onclick: () => {
              try {
                state.image = pictureFrom(video);
                state.requestId = null;
                renderPreview();
              } catch {
                showMessage(pictureSlot, t("pictureFailed"));
              }
              closeCamera();
            },
          },
          icon("check-white"),
          dual("takePicture"),
        ),
      ),
    ),
  );
  const cameraButton = cameraPossible()
    ? h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary",
          onclick: async () => {
            replaceChildren(pictureSlot);
            cameraDialog.showModal();
            try {
              stream = await startCamera(video);
            } catch {
              closeCamera();
              showMessage(pictureSlot, t("cameraFailed"));
            }
          },
        },
        staffIcon("camera"),
        h("span", { text: t("pictureCamera") }),
      )
    : null;
  const removePicture = h("button", { type: "button", class: "btn btn-secondary", onclick: () => {
    state.image = null;
    state.requestId = null;
    renderPreview();
  } }, h("span", { text: t("pictureRemove") }));
  renderPreview();

  // ----- save ---------------------------------------------------------------

  const save = actionButton({
    label: "addItem",
    iconName: "check",
    primary: true,
    onClick: async () => {
      const categoryValue = (state.category === NEW_CATEGORY ? state.newCategory : state.category).trim();
      if (!state.nameZh.trim() || !state.unit.trim() || !categoryValue || !state.price.trim()) {
        showMessage(slot, t("itemFillRequired"));
        return;
      }
      if (!state.sku) state.sku = suggestSku(state, taken);
      state.requestId ??= newRequestId();
      const input = {
        sku: state.sku,
        nameZh: state.nameZh.trim(),
        unit: state.unit.trim(),
        category: categoryValue,
        price: state.price.trim(),
        requestId: state.requestId,
      };
      if (state.nameEn.trim()) input.nameEn = state.nameEn.trim();
      if (state.barcode.trim()) input.barcode = state.barcode.trim();
      if (state.image) input.image = state.image;
      if (state.lowStock.trim()) input.lowStock = Number.parseInt(state.lowStock, 10);
      const outcome = await runAction(app, { buttons: [save], slot, busy: "saving", work: () => app.staffCall("addItem", input) });
      if (!outcome.ok) return;
      app.refreshCatalog();
      app.go("staff-catalog");
      app.toast(t("itemAdded", input.nameZh), "ok");
    },
  });

  if (!state.sku) {
    state.sku = suggestSku(state, taken);
    skuInput.value = state.sku;
  }

  const body = h(
    "div",
    { class: "staff-body" },
    h(
      "div",
      { class: "form-grid" },
      field({ id: "item-name-zh", label: t("nameZhLabel"), control: nameZh }),
      field({ id: "item-name-en", label: t("nameEnLabel"), control: nameEn, hint: t("optional") }),
      h("div", { class: "field" }, h("label", { class: "field-label", for: "item-unit", text: t("unitLabel") }), unit, unitPresets),
      field({ id: "item-price", label: t("priceLabel"), control: price, hint: t("priceHint") }),
      field({ id: "item-barcode", label: t("barcodeLabel"), control: barcode, hint: t("barcodeHint") }),
      field({ id: "item-sku", label: t("skuLabel"), control: skuInput, hint: t("skuHint") }),
      field({ id: "item-low-stock", label: t("lowStockLabel"), control: lowStock, hint: t("lowStockHint") }),
    ),
    h("div", { class: "form-wide" }, category, newCategory),
    h(
      "section",
      { class: "picture", "aria-labelledby": "picture-title" },
      h("h2", { class: "section-title", id: "picture-title", text: t("pictureLabel") }),
      h("div", { class: "picture-row" }, preview, h("div", { class: "picture-actions" }, fileInput, fileButton, cameraButton, removePicture)),
      h("p", { class: "field-hint", text: t("pictureHint") }),
      pictureSlot,
    ),
    h("p", { class: "field-hint", text: t("newItemStockHint") }),
    slot,
    h("div", { class: "form-actions" }, actionButton({ label: "back", onClick: () => app.go("staff-catalog") }), save),
    cameraDialog,
  );
  const root = staffFrame(app, { screen: "staff-item", title: t("addItemTitle"), iconName: "plus", back: "staff-catalog", body });
  return {
    root,
    keep: () => state,
    leave: closeCamera,
    onScan(text) {
      state.barcode = text.trim();
      barcode.value = state.barcode;
      changed();
    },
  };
}
