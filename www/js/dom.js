// Building the page's DOM from data without ever parsing HTML: every text
// goes in through textContent, every attribute through setAttribute.

/**
 * h("button", { class: "big", onclick, "aria-label": "…" }, child, "text", …)
 * Props: `class` (string or array), `text` (textContent), `on<event>`
 * (listener), `dataset` (object), anything else an attribute (true → "",
 * false/null/undefined → left out).
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") {
      element.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    } else if (key === "text") {
      element.textContent = value;
    } else if (key === "dataset") {
      Object.assign(element.dataset, value);
    } else if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children: nodes, strings (as text), arrays, skipping null/false. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/** A decorative icon from www/img/icons/ (hidden from assistive technology). */
export function icon(name, className = "icon") {
  return h("img", { class: className, src: `img/icons/${name}.svg`, alt: "", "aria-hidden": "true", draggable: "false" });
}
