// The staff member signed in on this page: the session the core issued,
// the calls made with it, and the gate that keeps every staff screen shut
// without it. Nothing of it is in the URL, the history or storage: a reload
// or a back button always lands on the villagers' home screen.

import { askCoSign, coSignProblem } from "./cosign.js";
// Which screens are the staff's is known before this file loads (it loads
// with them): on-demand.js says.
import { STAFF_PUBLIC } from "../on-demand.js";

/** A fresh request id: letters, digits and '-' only. */
export function newRequestId() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** An error the page already dealt with (it went to the staff sign-in). */
class Handled extends Error {
  constructor() {
    super("handled");
    this.handled = true;
  }
}

/** Adds the staff session and its calls to the app. */
export function installStaff(app) {
  const kiosk = app.kiosk;
  app.staff = null;
  app.staffTouched = 0;
  app.staffResume = null;
  app.staffSignIn = { step: "id", staffId: "", pin: "", message: null };
  // A little less than the core's idle time, so the page asks again before the core would refuse.
  const coreIdle = app.limits.sessionIdleMs;
  const staleMs = coreIdle - Math.min(5_000, Math.floor(coreIdle / 10));
  // Each role and the roles whose work it may do, as the core has them.
  const covers = new Map(app.limits.roles.map(({ role, covers: roles }) => [role, new Set(roles)]));

  app.staffCan = (role) => Boolean(app.staff) && (covers.get(app.staff.role)?.has(role) ?? false);

  /** Whether the page's staff session may still be live in the core. */
  app.staffFresh = () => Boolean(app.staff) && Date.now() - app.staffTouched < staleMs;

  /** A staff member signed in: back to where an ended session left off, or the menu. */
  app.staffSignedIn = (session) => {
    app.staff = session;
    app.staffTouched = Date.now();
    app.staffSignIn = { step: "id", staffId: "", pin: "", message: null };
    const resume = app.staffResume;
    app.staffResume = null;
    if (resume && resume.staff === session.staff) app.go(resume.screen, { keep: resume.keep });
    else app.go("staff-home");
  };

  /** Ends the staff session (sign-out, idle, a villager's visit starting). */
  app.staffSignOut = () => {
    if (app.staff) {
      try {
        kiosk.staffSignOut(app.staff);
      } catch {
        // already gone
      }
    }
    app.staff = null;
    app.staffTouched = 0;
    app.staffResume = null;
    app.staffSignIn = { step: "id", staffId: "", pin: "", message: null };
  };

  /** The core ended the session: sign in again, then carry on where this screen was. */
  app.staffExpired = () => {
    const staffId = app.staff?.staff ?? "";
    const resume =
      app.staff && app.screen && !STAFF_PUBLIC.has(app.screen)
        ? { staff: app.staff.staff, screen: app.screen, keep: app.view?.keep?.() }
        : null;
    app.staffSignOut();
    app.staffResume = resume;
    app.staffSignIn = {
      step: staffId ? "pin" : "id",
      staffId,
      pin: "",
      message: { key: "staffSessionEnded" },
    };
    app.go("staff-signin");
  };

  // The core says why it wants a staff sign-in: the session ended
  // ("expired": sign in again and carry on) or its role does not cover the
  // act ("role": said on the screen, as signing in again would not help).
  function refused(error) {
    if (error?.code !== "STAFF_AUTH_REQUIRED") return error;
    if (!app.staff || error.reason !== "role") {
      queueMicrotask(() => app.staffExpired());
      return new Handled();
    }
    return error;
  }

  function envelope(input) {
    if (!app.staff) throw refused({ code: "STAFF_AUTH_REQUIRED" });
    return { ...input, staffSession: app.staff, now: Date.now() };
  }

  /**
   * A staff call that changes something: `kiosk[method]({ …input, staffSession, now })`.
   * Refused under the two-person rule, it asks a second staff member to
   * confirm and makes the call again with their `coSign`.
   */
  app.staffCall = async (method, input = {}) => {
    const full = envelope(input);
    try {
      const result = await kiosk[method](full);
      app.staffTouched = Date.now();
      return result;
    } catch (error) {
      if (error?.code === "SECOND_STAFF_REQUIRED" && !input.coSign) return coSigned(method, input, error);
      throw refused(error);
    }
  };

  async function coSigned(method, input, first) {
    let problem = null;
    for (;;) {
      const coSign = await askCoSign(app, { reason: first.reason, problem });
      if (!coSign) throw first;
      try {
        const result = await kiosk[method]({ ...envelope(input), coSign });
        app.staffTouched = Date.now();
        return result;
      } catch (error) {
        if (!coSignProblem(error)) throw refused(error);
        problem = error;
      }
    }
  }

  /** A staff read (answers at once). */
  app.staffRead = (method, input = {}) => {
    const full = envelope(input);
    try {
      return kiosk[method](full);
    } catch (error) {
      throw refused(error);
    }
  };
}
