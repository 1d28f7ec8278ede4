// The upload scheduler: when the kiosk sends its journal to the county
// platform. The core does one attempt at a time (kiosk.syncPlatform) and
// keeps the token, the acknowledgement and the back-off; this module only
// decides when to ask.
//
// It runs only in the tab that holds the writer lock, and only once the
// kiosk is enrolled: on open, on the browser's `online` event, about 30 s
// after a write, and every 5 minutes (with jitter) while anything is
// unacknowledged (and at that pace for credits from the county while
// nothing is). After a failure it waits as long as the core says (30 s
// doubling to 30 min, or the platform's Retry-After). A fork or a refusal
// stops the upload: the core only asks the platform, every 30 minutes,
// whether the county has settled it (or the kiosk is enrolled again). It
// never holds up a redemption: the core lets go of the kiosk while the
// network is awaited.

/** How often the journal's seq is looked at, to notice a write. */
const WATCH_MS = 1_000;
/** The jitter on the periodic upload, as a share of the interval. */
const JITTER = 0.1;

/**
 * Starts the scheduler for `kiosk`. `delayMs`: the wait after a write;
 * `everyMs`: the periodic upload while anything waits (both shortened by
 * URL params in tests). Returns { poke, stop, subscribe, status }.
 */
export function startUploader(kiosk, { delayMs = 30_000, everyMs = 300_000 } = {}) {
  let timer = null;
  let dueAt = Infinity;
  let running = false;
  let again = false;
  let stopped = false;
  let lastSeq = seqOf(kiosk);
  let latest = null;
  // After a failure, nothing but the `online` event tries before this.
  let backoffUntil = 0;
  const listeners = new Set();

  const notify = () => {
    for (const listener of listeners) {
      try {
        listener(latest);
      } catch {
        // a screen that is gone
      }
    }
  };

  /** Runs an attempt at `at` (ms since the epoch) unless one is due sooner. */
  const schedule = (at, { now = false } = {}) => {
    if (!now) at = Math.max(at, backoffUntil);
    if (stopped || at >= dueAt) return;
    clearTimeout(timer);
    dueAt = at;
    timer = setTimeout(attempt, Math.max(0, at - Date.now()));
  };

  const refresh = async () => {
    try {
      latest = await kiosk.platformStatus();
    } catch {
      // closed or read-only: nothing to show
    }
    notify();
    return latest;
  };

  async function attempt() {
    clearTimeout(timer);
    timer = null;
    dueAt = Infinity;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    let next = null;
    try {
      const status = await refresh();
      if (!status?.writer || !status.enrolled) return;
      // A fork or a refusal: only the core's look at whether the county
      // has settled it, when it is due.
      if (status.alert && status.nextAttemptMs > Date.now()) {
        next = status.nextAttemptMs;
        return;
      }
      // Credits decided at the county come down first, so the upload
      // right after carries them back.
      if (!status.alert && typeof kiosk.takePlatformCredits === "function") {
        try {
          const credits = await kiosk.takePlatformCredits({ now: Date.now() });
          if (credits.taken > 0) {
            lastSeq = seqOf(kiosk);
            const fresh = await refresh();
            if (fresh) status.waiting = fresh.waiting;
          }
        } catch {
          // Unreachable or refused: the upload below records why.
        }
      }
      if (status.waiting === 0 && !status.alert) {
        // Nothing to send: look for credits again at the periodic pace.
        next = Date.now() + jittered(everyMs);
        return;
      }
      try {
        const answer = await kiosk.syncPlatform({ now: Date.now() });
        // More than one request holds: carry on at once.
        next = answer.more ? Date.now() : null;
      } catch {
        // Recorded by the core, with when to try again.
      }
      const after = await refresh();
      backoffUntil = after?.nextAttemptMs ?? 0;
      if (next === null && after?.enrolled && (after.alert || after.waiting > 0)) {
        next = after.nextAttemptMs ?? Date.now() + jittered(everyMs);
      }
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule(Date.now());
      } else if (next !== null) {
        schedule(next);
      }
    }
  }

  // A write: upload about `delayMs` later, unless something is due sooner
  // (a burst of redemptions does not keep pushing it back).
  const watch = setInterval(() => {
    const seq = seqOf(kiosk);
    if (seq === lastSeq) return;
    lastSeq = seq;
    schedule(Date.now() + delayMs);
  }, WATCH_MS);

  const online = () => schedule(Date.now(), { now: true });
  addEventListener("online", online);
  schedule(Date.now());

  return {
    /** Try now (after an enrollment, or the staff asking). */
    poke: () => schedule(Date.now(), { now: true }),
    stop() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(watch);
      removeEventListener("online", online);
      listeners.clear();
    },
    /** `listener(status)` after every look at the status; returns the unsubscribe. */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** The status as last read, and a fresh read. */
    get latest() {
      return latest;
    },
    status: refresh,
  };
}

function seqOf(kiosk) {
  try {
    return kiosk.journalSeq();
  } catch {
    return null;
  }
}

function jittered(ms) {
  return Math.round(ms * (1 - JITTER + 2 * JITTER * Math.random()));
}
