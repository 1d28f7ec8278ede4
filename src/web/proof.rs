//! The background proof in a worker of its own. Replaying the journal from
//! genesis holds a second full state beside the kiosk's; in the page's wasm
//! that peak would stay for good (wasm memory never shrinks: 79 MB after
//! opening 100,000 entries, against 53 MB for open alone). A dedicated
//! worker instantiates the same build's compiled module, opens the journal
//! on its own IndexedDB connection, runs the same replay and proof
//! ([`super::upkeep::replay_and_prove`]) and answers in one message; its
//! memory goes when it is terminated.
//!
//! When no worker can run the proof — no `Worker`, or the worker cannot
//! load the build's glue, as under the wasm test runner, whose glue has
//! another name — the page runs it on its own thread as before.

use super::convert::{to_js, Fields};
use super::upkeep::{replay_and_prove, Proved};
use crate::checkpoint::{Claim, Format};
use crate::error::Error;
use serde::Serialize;
use wasm_bindgen::prelude::*;

// One module for both sides. In the page it starts the worker; loaded as
// the worker's script (named "aixin-proof") it waits for the build's
// compiled module, instantiates it through the glue two folders up (where
// wasm-bindgen puts the glue beside its `snippets/` folder) and calls
// `proveInWorker`. Any failure to start answers "unavailable", so the page
// proves on its own thread instead.
#[wasm_bindgen(inline_js = r#"
const NAME = "aixin-proof";
export function startProofWorker(module, kioskId, claim) {
  let worker = null;
  let settle;
  const answer = new Promise((resolve) => { settle = resolve; });
  const end = (outcome) => { if (worker) worker.terminate(); worker = null; settle(outcome); };
  try {
    worker = new Worker(new URL(import.meta.url), { type: "module", name: NAME });
    worker.onmessage = (event) => end(event.data);
    worker.onerror = () => end({ outcome: "unavailable" });
    worker.onmessageerror = () => end({ outcome: "unavailable" });
    worker.postMessage({ module, kioskId, claim });
  } catch {
    end({ outcome: "unavailable" });
  }
  return { answer, stop: () => end({ outcome: "closed" }) };
}
if (typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope && self.name === NAME) {
  self.onmessage = async ({ data }) => {
    self.onmessage = null;
    let answer;
    try {
      const glue = await import(new URL("../../aixin_kiosk.js", import.meta.url).href);
      await glue.default({ module_or_path: data.module });
      answer = await glue.proveInWorker(data.kioskId, data.claim);
    } catch {
      answer = { outcome: "unavailable" };
    }
    self.postMessage(answer);
  };
}
"#)]
extern "C" {
    /// A started proof worker: `answer` resolves once, to an [`Answer`].
    pub(super) type ProofWorker;

    #[wasm_bindgen(js_name = startProofWorker)]
    fn start_proof_worker(module: &JsValue, kiosk_id: &str, claim: &JsValue) -> ProofWorker;

    #[wasm_bindgen(method, getter)]
    fn answer(this: &ProofWorker) -> js_sys::Promise;

    /// Terminates the worker; `answer` resolves to "closed".
    #[wasm_bindgen(method)]
    pub(super) fn stop(this: &ProofWorker);
}

/// The claim as it crosses to the worker (hashes in hex).
#[derive(Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClaimMessage {
    seq: u64,
    head: String,
    state_hash: String,
    digest: String,
    /// The checkpoint's format number.
    format: u8,
}

impl ClaimMessage {
    fn of(claim: &Claim) -> ClaimMessage {
        ClaimMessage {
            seq: claim.seq,
            head: hex::encode(claim.head),
            state_hash: claim.state_hash.clone(),
            digest: hex::encode(claim.digest),
            format: claim.format.number(),
        }
    }

    /// The message as the worker got it; `None` when it is not one.
    fn read(value: JsValue) -> Option<ClaimMessage> {
        let fields = Fields::of(value, "claim").ok()?;
        Some(ClaimMessage {
            seq: u64::try_from(fields.integer("seq").ok()?).ok()?,
            head: fields.string("head").ok()?,
            state_hash: fields.string("stateHash").ok()?,
            digest: fields.string("digest").ok()?,
            format: u8::try_from(fields.integer("format").ok()?).ok()?,
        })
    }

    fn claim(self) -> Option<Claim> {
        let hash = |text: &str| hex::decode(text).ok()?.try_into().ok();
        Some(Claim {
            seq: self.seq,
            head: hash(&self.head)?,
            state_hash: self.state_hash,
            digest: hash(&self.digest)?,
            format: Format::from_number(self.format)?,
        })
    }
}

/// The worker's answer: `{ outcome, error? }`. Flat on purpose: serde's
/// internally tagged enums buffer their input through a generic `Content`
/// tree, about 42 KB of wasm the villager's build has no other use for.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    outcome: Outcome,
    /// With `refuted` and `failed`.
    error: Option<Failure>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
enum Outcome {
    /// The replayed state is the one the checkpoint claims.
    Proved,
    /// The journal does not bear the checkpoint out.
    Refuted,
    /// The journal could not be read to the end (nothing proved or refuted).
    Failed,
    /// No worker could run the proof.
    Unavailable,
    /// The kiosk closed first.
    Closed,
}

impl Answer {
    fn only(outcome: Outcome) -> Answer {
        Answer {
            outcome,
            error: None,
        }
    }

    /// The worker's answer as the page got it; `None` when it is not one.
    fn read(value: JsValue) -> Option<Answer> {
        let fields = Fields::of(value, "proof").ok()?;
        let outcome = match fields.string("outcome").ok()?.as_str() {
            "proved" => Outcome::Proved,
            "refuted" => Outcome::Refuted,
            "failed" => Outcome::Failed,
            "unavailable" => Outcome::Unavailable,
            "closed" => Outcome::Closed,
            _ => return None,
        };
        let error = match fields.optional_object("error").ok()? {
            Some(failure) => Some(Failure::read(&failure)?),
            None => None,
        };
        Some(Answer { outcome, error })
    }
}

/// The errors a proof ends with, by code, with the figures their words are
/// made from, so the page's error is the one an in-thread proof gives.
#[derive(Serialize)]
struct Failure {
    code: Code,
    seq: Option<u64>,
    detail: Option<String>,
    expected: Option<String>,
    found: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Code {
    StorageCorrupt,
    WrongKiosk,
    StorageFull,
    StorageFailed,
}

impl Failure {
    fn of(error: Error) -> Failure {
        let failure = |code| Failure {
            code,
            seq: None,
            detail: None,
            expected: None,
            found: None,
        };
        match error {
            Error::StorageCorrupt { seq, detail } => Failure {
                seq: Some(seq),
                detail: Some(detail),
                ..failure(Code::StorageCorrupt)
            },
            Error::WrongKiosk { expected, found } => Failure {
                expected: Some(expected),
                found: Some(found),
                ..failure(Code::WrongKiosk)
            },
            Error::StorageFull => failure(Code::StorageFull),
            Error::StorageFailed { detail } => Failure {
                detail: Some(detail),
                ..failure(Code::StorageFailed)
            },
            other => Failure {
                detail: Some(other.message_en()),
                ..failure(Code::StorageFailed)
            },
        }
    }

    fn read(fields: &Fields<'_>) -> Option<Failure> {
        let code = match fields.string("code").ok()?.as_str() {
            "STORAGE_CORRUPT" => Code::StorageCorrupt,
            "WRONG_KIOSK" => Code::WrongKiosk,
            "STORAGE_FULL" => Code::StorageFull,
            "STORAGE_FAILED" => Code::StorageFailed,
            _ => return None,
        };
        let seq = match fields.optional_integer("seq").ok()? {
            Some(seq) => Some(u64::try_from(seq).ok()?),
            None => None,
        };
        Some(Failure {
            code,
            seq,
            detail: fields.optional_string("detail").ok()?,
            expected: fields.optional_string("expected").ok()?,
            found: fields.optional_string("found").ok()?,
        })
    }

    fn error(self) -> Error {
        match self.code {
            Code::StorageCorrupt => Error::StorageCorrupt {
                seq: self.seq.unwrap_or(0),
                detail: self.detail.unwrap_or_default(),
            },
            Code::WrongKiosk => Error::WrongKiosk {
                expected: self.expected.unwrap_or_default(),
                found: self.found.unwrap_or_default(),
            },
            Code::StorageFull => Error::StorageFull,
            Code::StorageFailed => Error::StorageFailed {
                detail: self.detail.unwrap_or_default(),
            },
        }
    }
}

/// What the worker found, or `None` when no worker could run the proof.
/// The worker is kept in `worker` while it runs, so closing the kiosk can
/// stop it.
pub(super) async fn in_worker(
    kiosk_id: &str,
    claim: &Claim,
    worker: &std::cell::RefCell<Option<ProofWorker>>,
) -> Option<Result<Proved, Error>> {
    let started = start_proof_worker(
        &wasm_bindgen::module(),
        kiosk_id,
        &to_js(&ClaimMessage::of(claim)),
    );
    let answer = started.answer();
    *worker.borrow_mut() = Some(started);
    let answered = wasm_bindgen_futures::JsFuture::from(answer).await;
    worker.borrow_mut().take();
    let answer = Answer::read(answered.ok()?)?;
    match (answer.outcome, answer.error) {
        (Outcome::Proved, _) => Some(Ok(Proved::Yes)),
        (Outcome::Refuted, Some(error)) => Some(Ok(Proved::No(error.error()))),
        (Outcome::Failed, Some(error)) => Some(Err(error.error())),
        (Outcome::Closed, _) => Some(Ok(Proved::Stopped)),
        // An answer without its error is no answer: prove on the page.
        (Outcome::Refuted | Outcome::Failed | Outcome::Unavailable, _) => None,
    }
}

/// The worker's side: replays the journal of `kioskId` on a connection of
/// its own and proves `claim` against it. Called by the proof worker's
/// script, not by pages; resolves to `{ outcome, error? }`.
#[wasm_bindgen(js_name = proveInWorker)]
pub fn prove_in_worker(kiosk_id: String, claim: JsValue) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        let answer = async {
            let kiosk_id = super::convert::kiosk_id(&kiosk_id).ok()?;
            let claim = ClaimMessage::read(claim)?.claim()?;
            Some(match replay_and_prove(&kiosk_id, &claim, || false).await {
                Ok(Proved::Yes) => Answer::only(Outcome::Proved),
                Ok(Proved::No(error)) => Answer {
                    outcome: Outcome::Refuted,
                    error: Some(Failure::of(error)),
                },
                Ok(Proved::Stopped) => Answer::only(Outcome::Closed),
                Err(error) => Answer {
                    outcome: Outcome::Failed,
                    error: Some(Failure::of(error)),
                },
            })
        }
        .await;
        Ok(to_js(&answer.unwrap_or(Answer::only(Outcome::Unavailable))))
    })
}
