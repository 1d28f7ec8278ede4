// Registers the service worker that keeps the kiosk working offline, and
// reloads into a new build once it has been cached whole — but only when the
// kiosk can reload without losing anyone's basket.
import "../pkg/build-manifest.js";

/** The id of the build this page was loaded from. */
export const BUILD = self.AIXIN_BUILD ?? "dev";

const RETRY_MS = 5_000;

/**
 * Registers `sw.js`. `canReload()` says whether now is a safe moment to
 * reload into a new build (default: always); until it is, the reload waits.
 */
export async function registerServiceWorker({ canReload = () => true } = {}) {
  if (!("serviceWorker" in navigator)) return { supported: false };
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // The first install takes control of a page that is already this build;
    // every later change of worker is a new build.
    if (!controlled) {
      controlled = true;
      return;
    }
    const reloadWhenSafe = () => (canReload() ? location.reload() : setTimeout(reloadWhenSafe, RETRY_MS));
    reloadWhenSafe();
  });
  try {
    const registration = await navigator.serviceWorker.register("./sw.js", { updateViaCache: "none" });
    return { supported: true, registration };
  } catch (error) {
    return { supported: false, error };
  }
}
