//! SHA-256 by the browser (`crypto.subtle.digest`, native code), for the
//! large hashes the shell computes at once: a checkpoint's trailing hash at
//! open and the files of an export. The wasm's own SHA-256 runs in software,
//! several times slower; it stays the fallback where the page has no
//! `crypto.subtle` (an insecure context). The chain's per-record hashes stay
//! in the core: each is small and one follows the other.

use sha2::{Digest, Sha256};
use std::future::Future;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The SHA-256 of `bytes`. The browser is asked at the call, not when the
/// future is first polled: it copies the bytes then and hashes them off the
/// page's thread, so the caller can do other work (open decodes the
/// checkpoint) before it awaits the digest.
pub(super) fn sha256(bytes: &[u8]) -> impl Future<Output = [u8; 32]> + '_ {
    let started = browser_sha256(bytes);
    async move {
        if let Some(promise) = started {
            if let Some(digest) = browser_digest(promise).await {
                return digest;
            }
        }
        Sha256::digest(bytes).into()
    }
}

/// The browser's digest of `bytes`, started; `None` where there is no
/// `crypto.subtle` or it refuses.
fn browser_sha256(bytes: &[u8]) -> Option<JsFuture> {
    // The global scope's `crypto`: the page's window, or the proof's worker
    // (which decodes an archive's base too).
    let crypto = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crypto")).ok()?;
    let subtle = crypto.dyn_into::<web_sys::Crypto>().ok()?.subtle();
    // `digest` copies the bytes when it is called, before anything else
    // runs: the wasm memory may move afterwards.
    let promise = subtle.digest_with_str_and_u8_array("SHA-256", bytes).ok()?;
    Some(JsFuture::from(promise))
}

/// The digest a started `crypto.subtle.digest` resolves to; `None` if it fails.
async fn browser_digest(promise: JsFuture) -> Option<[u8; 32]> {
    let buffer = promise.await.ok()?;
    js_sys::Uint8Array::new(&buffer).to_vec().try_into().ok()
}
