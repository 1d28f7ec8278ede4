// What the page loads after its first screen, in pieces: the visit's
// screens once home is drawn (visit.js), the staff's when they sign in
// (on-demand.js), each with its words and style sheets. Offline the service
// worker answers from the build's cache, so a load fails only when nothing
// is cached yet; then it is tried again on the next use.

/** A promise kept until it fails, so a failed load (offline, nothing cached yet) is tried again. */
export function once(load) {
  let promise = null;
  return () => {
    promise ??= load().catch((error) => {
      promise = null;
      throw error;
    });
    return promise;
  };
}

/**
 * The page's style sheets in the order of their cascade: each sheet a
 * screen loads later is linked in its place among those already linked,
 * so a later sheet's rules win over an earlier's as they would if all
 * were linked from the start.
 */
const CASCADE = ["css/base.css", "css/villager.css", "css/visit.css", "css/staff.css", "css/print.css", "reports.css"];

/**
 * Links the style sheet `href` (one of CASCADE) once; resolves when it has
 * loaded. A sheet that fails is unlinked, so the next call tries again.
 */
export function linkStyle(href) {
  const linked = document.querySelector(`link[rel="stylesheet"][href="${href}"]`);
  if (linked) return linked.sheet ? Promise.resolve(linked) : loaded(linked, href);
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  const rank = CASCADE.indexOf(href);
  const after = [...document.querySelectorAll('link[rel="stylesheet"]')].find(
    (other) => CASCADE.indexOf(other.getAttribute("href")) > rank,
  );
  if (after) after.before(link);
  else document.head.append(link);
  return loaded(link, href);
}

function loaded(link, href) {
  return new Promise((resolve, reject) => {
    link.addEventListener("load", () => resolve(link));
    link.addEventListener("error", () => {
      link.remove();
      reject(new Error(`${href} did not load`));
    });
  });
}
