//! What the input tests share: an input as the page sends it, read into a
//! family's `…Input` type, and what its operation came to.

use aixin_kiosk::error::Error;
use aixin_kiosk::ledger::Operation;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `base` with `changes` written over it (a `null` stands for a missing
/// optional field).
pub fn with(base: &Value, changes: &Value) -> Value {
    let mut input = base.clone();
    for (key, value) in changes.as_object().into_iter().flatten() {
        input[key] = value.clone();
    }
    input
}

pub fn read<T: DeserializeOwned>(input: Value) -> T {
    serde_json::from_value(input).expect("the shape the page sends")
}

/// "ok", the field an input is refused for, or the code of another refusal.
pub fn outcome(result: Result<Operation, Error>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(Error::InvalidInput { field, .. }) => field,
        Err(other) => other.code().into(),
    }
}
