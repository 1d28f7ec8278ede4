// The screens of a villager's visit after home — sign-in, shop, confirm,
// receipt, my points — with their words (words/villager.js and the areas
// loaded with it), their style (css/visit.css) and the receipt's print
// style (css/print.css). None of it is needed to draw home, so the page
// asks for it once home is drawn (main.js) and home does not wait for it;
// a tap that comes first waits for the load (app.go). The service worker
// caches every file of the build, so this works offline too.
import { loadVisitWords } from "./words/index.js";
import { once, linkStyle } from "./load.js";

/** Screen name → [its module, the name of its screen function]. */
const SCREENS = {
  signin: ["./screens/signin.js", "signInScreen"],
  shop: ["./screens/shop.js", "shopScreen"],
  confirm: ["./screens/confirm.js", "confirmScreen"],
  receipt: ["./screens/receipt.js", "receiptScreen"],
  history: ["./screens/history.js", "historyScreen"],
};

/** Whether `name` is a screen of the visit. */
export function isVisitScreen(name) {
  return Object.hasOwn(SCREENS, name);
}

/**
 * Loads every screen of the visit, once (a failed load is tried again on
 * the next call): resolves to { name: its screen function } once their
 * words and style are in too. One load for all, since a visit goes from
 * sign-in to the shop or my points without a pause.
 */
export const loadVisit = once(async () => {
  const [modules] = await Promise.all([
    Promise.all(Object.values(SCREENS).map(([file]) => import(file))),
    loadVisitWords(),
    linkStyle("css/visit.css"),
    linkStyle("css/print.css"),
    // Panels that scroll say so (every screen of the visit has some).
    import("./scroll-more.js"),
  ]);
  const screens = {};
  Object.entries(SCREENS).forEach(([name, [, exported]], index) => {
    screens[name] = modules[index][exported];
  });
  return screens;
});
