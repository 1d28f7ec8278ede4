//! The clerk's files: an import from the points platform applied as one
//! plan ([`crate::import`]), and the points rules, score sheets and
//! blacklist ([`crate::scoresheet`]).

use super::{entry_id, misrouted, Acting, Ledger, Operation, Planned};
use crate::credential::household_key;
use crate::error::Error;

impl Ledger {
    /// Plans an import or a points operation.
    pub(super) fn plan_clerk(
        &self,
        acting: &Acting,
        operation: Operation,
    ) -> Result<Planned, Error> {
        Ok(match operation {
            Operation::Import {
                file,
                corrections_reason,
                pin_seed,
            } => {
                let planned = crate::import::plan(&self.state, &file, corrections_reason.as_ref())?;
                if planned.entries.is_empty() {
                    Planned::repeated(Vec::new())
                } else {
                    let credentials = planned
                        .pins
                        .iter()
                        .map(|(household, pin)| {
                            let key = household_key(household.as_str());
                            let salt = crate::import::pin_salt(&pin_seed, household);
                            let credential = self.fresh_pin(&key, pin, &salt);
                            (key, credential)
                        })
                        .collect();
                    let drafts = acting.drafts(planned.entries);
                    Planned::with_credentials(drafts, credentials)
                }
            }
            Operation::Points { operation, request } => {
                // The wall time: the posting check reads it through the
                // ledger's clock, which sees a clock moved back.
                let planned =
                    crate::scoresheet::plan(&self.state, operation, acting.now_ms, &acting.actor)?;
                let mut drafts = acting.drafts(planned);
                // The first entry carries the request id, so a repeat is seen.
                if let Some(first) = drafts.first_mut() {
                    first.id = entry_id(&request);
                }
                Planned::entries(drafts)
            }
            _ => return Err(misrouted("clerk")),
        })
    }
}
