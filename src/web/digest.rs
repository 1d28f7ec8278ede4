//! SHA-256 by the browser (`crypto.subtle.digest`, native code), for the
//! large hashes the shell computes at once: a checkpoint's trailing hash at
//! open and the files of an export. The wasm's own SHA-256 runs in software,
//! several times slower; it stays the fallback where the page has no
//! `crypto.subtle` (an insecure context). The chain's per-record hashes stay
//! in the core: each is small and one follows the other.

use sha2::{Digest, Sha256};
use wasm_bindgen_futures::JsFuture;

/// The SHA-256 of `bytes`.
pub(super) async fn sha256(bytes: &[u8]) -> [u8; 32] {
    match browser_sha256(bytes).await {
        Some(digest) => digest,
        None => Sha256::digest(bytes).into(),
    }
}

/// `None` where there is no `crypto.subtle` or it fails.
async fn browser_sha256(bytes: &[u8]) -> Option<[u8; 32]> {
    let subtle = web_sys::window()?.crypto().ok()?.subtle();
    // `digest` copies the bytes when it is called, before anything else
    // runs: the wasm memory may move afterwards.
    let promise = subtle.digest_with_str_and_u8_array("SHA-256", bytes).ok()?;
    let buffer = JsFuture::from(promise).await.ok()?;
    js_sys::Uint8Array::new(&buffer).to_vec().try_into().ok()
}
