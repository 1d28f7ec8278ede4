// The idle watch: after `idleMs` without a touch (on any screen that wants
// it), `onWarn` is called; the page then shows its countdown and calls
// `expire()` or `poke()`. Any touch, click, key or scroll counts as activity.

export function createIdleWatch({ idleMs, onWarn, onActivity = () => {} }) {
  let timer = null;
  let armed = false;
  let paused = false;
  let lastActivity = Date.now();

  function schedule() {
    clearTimeout(timer);
    timer = null;
    if (!armed || paused) return;
    timer = setTimeout(() => {
      timer = null;
      if (armed && !paused) onWarn();
    }, idleMs);
  }

  function activity() {
    lastActivity = Date.now();
    schedule();
    onActivity();
  }

  for (const type of ["pointerdown", "keydown", "wheel", "touchstart"]) {
    window.addEventListener(type, activity, { capture: true, passive: true });
  }
  window.addEventListener("scroll", activity, { capture: true, passive: true });

  return {
    /** Watch (true) or not (false), e.g. not on the home screen. */
    arm(on) {
      armed = Boolean(on);
      schedule();
    },
    /** Hold the timer while something is in flight or the warning shows. */
    pause(on) {
      paused = Boolean(on);
      schedule();
    },
    poke() {
      lastActivity = Date.now();
      schedule();
    },
    get lastActivity() {
      return lastActivity;
    },
  };
}
