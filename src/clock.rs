//! The ledger's time: what the journal believes the time is, as opposed to
//! the wall clock of whoever made an entry.
//!
//! Every entry keeps the wall time it was given (`time_ms`), unchanged, so
//! old journals open to the same bytes and the same state hash. The fold
//! derives from those wall times a ledger time that never decreases:
//!
//! - a step of at most a day either way from the wall time of the last
//!   adopted entry is followed (the ledger time is the larger of the two);
//! - a step of more than a day either way is not adopted: the ledger time
//!   stays where it was and the jump waits for a staff member's
//!   confirmation (a `clock_confirmed` entry), which adopts the wall time it
//!   was made at. A wall clock that comes back within a day of the last
//!   adopted time ends the wait by itself.
//!
//! Whatever depends on elapsed days or on the calendar (applying a posting
//! after its 公示 days, closing a year, the reports' "today") reads the
//! ledger time, so moving the kiosk's clock six days back to post a sheet,
//! or forward to 1 January, changes nothing until a named staff member has
//! said the new time is right.
//!
//! Pure: the wall time is always passed in.

/// The largest step of the wall clock between entries that the ledger
/// follows without a confirmation.
pub const JUMP_MS: i64 = 24 * 60 * 60 * 1000;

/// The ledger's clock after some entries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    /// The ledger time of the last entry. Never decreases.
    pub ledger_ms: i64,
    /// The wall time of the last entry whose step was adopted: the next
    /// step is measured from it.
    pub anchor_ms: i64,
    /// A jump of more than a day that no staff member has confirmed yet.
    pub jump: Option<Jump>,
}

/// A wall clock that jumped more than a day away from the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Jump {
    /// The wall time the jump was last seen at.
    pub wall_ms: i64,
}

impl Clock {
    /// The clock of a journal whose first entry is at `wall_ms`.
    pub fn start(wall_ms: i64) -> Clock {
        Clock {
            ledger_ms: wall_ms,
            anchor_ms: wall_ms,
            jump: None,
        }
    }

    /// The clock after an ordinary entry at `wall_ms`; also what an entry
    /// made now would see.
    pub fn after(self, wall_ms: i64) -> Clock {
        let step = wall_ms.saturating_sub(self.anchor_ms);
        if step.unsigned_abs() <= JUMP_MS.unsigned_abs() {
            Clock {
                ledger_ms: self.ledger_ms.max(wall_ms),
                anchor_ms: wall_ms,
                jump: None,
            }
        } else {
            Clock {
                jump: Some(Jump { wall_ms }),
                ..self
            }
        }
    }

    /// The clock after a staff member confirmed the wall time `wall_ms`.
    /// A clock confirmed backwards keeps the ledger time where it was (it
    /// never decreases) until the wall clock passes it.
    pub fn confirmed(self, wall_ms: i64) -> Clock {
        Clock {
            ledger_ms: self.ledger_ms.max(wall_ms),
            anchor_ms: wall_ms,
            jump: None,
        }
    }

    /// The ledger time an entry made at `wall_ms` would get, or `None`
    /// while the wall clock is more than a day away and unconfirmed.
    pub fn ledger_time_at(self, wall_ms: i64) -> Option<i64> {
        let next = self.after(wall_ms);
        next.jump.is_none().then_some(next.ledger_ms)
    }

    /// The ledger time to read the calendar by at `wall_ms`: the ledger time
    /// an entry would get, or the last ledger time while a jump waits.
    pub fn reading_at(self, wall_ms: i64) -> i64 {
        self.after(wall_ms).ledger_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 60 * 60 * 1000;
    const T: i64 = 1_790_000_000_000;

    #[test]
    fn follows_small_steps_and_never_goes_back() {
        let clock = Clock::start(T).after(T + 20 * HOUR);
        assert_eq!(clock.ledger_ms, T + 20 * HOUR);
        let back = clock.after(T + 2 * HOUR);
        assert_eq!(back.ledger_ms, T + 20 * HOUR, "never decreases");
        assert_eq!(back.anchor_ms, T + 2 * HOUR);
        assert!(back.jump.is_none());
    }

    #[test]
    fn a_jump_either_way_waits_for_a_confirmation() {
        let start = Clock::start(T);
        for wall in [T + 30 * 24 * HOUR, T - 6 * 24 * HOUR, T + 25 * HOUR] {
            let jumped = start.after(wall);
            assert_eq!(jumped.ledger_ms, T, "{wall}");
            assert_eq!(jumped.jump, Some(Jump { wall_ms: wall }));
            assert_eq!(start.ledger_time_at(wall), None);
            // Still waiting at the next entry, measured from the same anchor.
            assert_eq!(jumped.after(wall + HOUR).ledger_ms, T);
            assert!(jumped.after(wall + HOUR).jump.is_some());
        }
        let forward = start
            .after(T + 30 * 24 * HOUR)
            .confirmed(T + 30 * 24 * HOUR);
        assert_eq!(forward.ledger_ms, T + 30 * 24 * HOUR);
        assert!(forward.jump.is_none());
        let backward = start.after(T - 6 * 24 * HOUR).confirmed(T - 6 * 24 * HOUR);
        assert_eq!(
            backward.ledger_ms, T,
            "a confirmed step back does not decrease it"
        );
        assert_eq!(backward.after(T - 5 * 24 * HOUR).ledger_ms, T);
        assert_eq!(backward.after(T - 5 * 24 * HOUR).jump, None);
    }

    #[test]
    fn a_wall_clock_put_right_ends_the_wait() {
        let jumped = Clock::start(T).after(T + 30 * 24 * HOUR);
        let righted = jumped.after(T + HOUR);
        assert_eq!(righted.ledger_ms, T + HOUR);
        assert!(righted.jump.is_none());
    }

    #[test]
    fn a_day_exactly_is_followed() {
        assert_eq!(
            Clock::start(T).ledger_time_at(T + JUMP_MS),
            Some(T + JUMP_MS)
        );
        assert_eq!(Clock::start(T).ledger_time_at(T + JUMP_MS + 1), None);
        assert_eq!(Clock::start(T).ledger_time_at(i64::MIN), None);
    }
}
