// A panel that scrolls must say so: on a small screen a list, the goods or
// a receipt may not fit, and an elderly villager will not guess that there
// is more below. Every element of the page that scrolls gets `data-more`
// naming the sides where more is hidden ("up", "down", "left", "right");
// css/base.css fades that edge. It follows taps, scrolling, new screens and a
// resized window by itself, so no screen has to remember it. It loads just
// after the first screen is drawn (with the visit's screens, js/visit.js)
// and looks at the whole page as it starts, so that screen is marked too.

/** Elements whose overflow scrolls, found as they are added to the page. */
const scrollers = new Set();

function scrollsAt(style) {
  return ["auto", "scroll"].includes(style.overflowY) || ["auto", "scroll"].includes(style.overflowX);
}

/** Sets or clears `data-more` of one element from where it is scrolled to. */
function mark(element) {
  if (!element.isConnected) {
    scrollers.delete(element);
    return;
  }
  const style = getComputedStyle(element);
  if (!scrollsAt(style)) {
    delete element.dataset.more;
    return;
  }
  const sides = [];
  const vertical = ["auto", "scroll"].includes(style.overflowY);
  const horizontal = ["auto", "scroll"].includes(style.overflowX);
  // One pixel of slack: zoom and fractional sizes leave rounding behind.
  if (vertical && element.scrollTop > 1) sides.push("up");
  if (vertical && element.scrollTop + element.clientHeight < element.scrollHeight - 1) sides.push("down");
  if (horizontal && element.scrollLeft > 1) sides.push("left");
  if (horizontal && element.scrollLeft + element.clientWidth < element.scrollWidth - 1) sides.push("right");
  const more = sides.join(" ");
  if (more) {
    if (element.dataset.more !== more) element.dataset.more = more;
  } else if ("more" in element.dataset) {
    delete element.dataset.more;
  }
  // A keyboard must reach what is hidden too: a panel that scrolls and holds
  // nothing to focus becomes focusable itself (arrow keys then scroll it).
  const overflowing = element.scrollHeight > element.clientHeight + 1 || element.scrollWidth > element.clientWidth + 1;
  if (overflowing && !element.hasAttribute("tabindex") && !element.querySelector(FOCUSABLE)) {
    element.setAttribute("tabindex", "0");
    element.dataset.moreFocus = "on";
  } else if (!overflowing && element.dataset.moreFocus === "on") {
    element.removeAttribute("tabindex");
    delete element.dataset.moreFocus;
  }
}

const FOCUSABLE = "button:not(:disabled), a[href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex='-1'])";

/** Looks at `root`, what is inside it and what holds it; `checked` spares a second look in one frame. */
function find(root, checked) {
  if (!(root instanceof Element)) return;
  const look = (element) => {
    checked.add(element);
    if (!scrollers.has(element) && scrollsAt(getComputedStyle(element))) scrollers.add(element);
  };
  for (const element of root.querySelectorAll("*")) if (!checked.has(element)) look(element);
  // Its ancestors too: a dialog or panel that only starts to scroll now
  // that new content came in.
  for (let element = root; element && element !== document.documentElement && !checked.has(element); element = element.parentElement) look(element);
}

let added = [];
let scheduled = false;
function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    const roots = added;
    added = [];
    const checked = new Set();
    for (const root of roots) if (root.isConnected && !checked.has(root)) find(root, checked);
    for (const element of [...scrollers]) mark(element);
  });
}

/** Starts watching the page (once). */
export function watchScrolling(doc = document) {
  if (doc.documentElement.dataset.scrollWatch === "on") return;
  doc.documentElement.dataset.scrollWatch = "on";
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) added.push(node);
    schedule();
  }).observe(doc.body, { childList: true, subtree: true, characterData: true });
  doc.addEventListener(
    "scroll",
    (event) => {
      if (event.target instanceof Element && scrollers.has(event.target)) mark(event.target);
    },
    { capture: true, passive: true },
  );
  // Screen size, a rotated screen, fonts and pictures arriving late.
  window.addEventListener("resize", schedule);
  doc.addEventListener("load", schedule, { capture: true });
  added.push(doc.body);
  schedule();
}

if (typeof document !== "undefined" && document.body) watchScrolling(document);
