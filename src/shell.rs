//! prepare → persist → commit, the one protocol every shell runs around the
//! ledger. The page's shell (`web/`) runs it over IndexedDB, with awaits
//! between the steps; the native shells (the tests, the simulation, the
//! benchmarks and the fuzz targets) run it through [`submit`], each with its
//! own store, and with the faults it wants to inject, as `persist`.

use crate::error::Error;
use crate::ledger::{Auth, Ledger, Operation, Outcome, Plan};

/// Prepares `operation` at `now_ms`, hands the plan to `persist`, and
/// commits it when `persist` answers `Ok`. When `persist` fails the plan is
/// aborted and its error answered: nothing changes. A refusal of `prepare`
/// or `commit` is answered as `E::from`.
///
/// `persist` runs while the plan is pending, for every plan: a plan that
/// changes nothing ([`Plan::is_empty`]) has nothing to store and a store
/// skips it. It gets the ledger too, to look at it in that moment (a second
/// tap is BUSY). A crash between persist and commit is `persist` storing
/// the records and then answering an error the shell takes for a crash:
/// the shell then throws this ledger away and reopens one from its store,
/// so whether the plan was aborted or never committed is the same.
pub fn submit<E: From<Error>>(
    ledger: &mut Ledger,
    auth: &Auth,
    operation: Operation,
    now_ms: i64,
    persist: impl FnOnce(&mut Ledger, &Plan) -> Result<(), E>,
) -> Result<Outcome, E> {
    let plan = ledger.prepare(auth, operation, now_ms)?;
    if let Err(error) = persist(ledger, &plan) {
        ledger.abort(plan);
        return Err(error);
    }
    Ok(ledger.commit(plan)?)
}
